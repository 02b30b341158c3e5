/*
 * fuzzreplay.h: what a fuzz target gives fuzzreplay.c
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point, defined by every target */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's verdict on one input (true: accepted), for a replay
 * built with FUZZ_REPLAY_MANIFEST, which checks every input against the
 * verdict a manifest records for it. */
bool fuzzReplayAccepts(const uint8_t *data, size_t size);
