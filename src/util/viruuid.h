/*
 * viruuid.h: UUID generation, parsing and formatting
 */
#pragma once

#include "internal.h"

int virUUIDGenerate(unsigned char *uuid);
/* Accepts the 36 character form (dashes anywhere between byte pairs are
 * tolerated, as libvirt does) and 32 hex digits. */
int virUUIDParse(const char *uuidstr, unsigned char *uuid);
const char *virUUIDFormat(const unsigned char *uuid, char *uuidstr);
