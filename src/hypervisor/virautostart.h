/*
 * virautostart.h: once per boot of the host, start what is marked autostart
 */
#pragma once

#include "internal.h"

bool virDriverShouldAutostart(const char *marker);
