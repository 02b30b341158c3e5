/*
 * virautostart.h: once per boot of the host, start what is marked autostart
 */
#pragma once

#include "internal.h"

/* The file, in a driver's directory under ROOT/run, that says which
 * boot of the host the driver's autostart ran in. */
#define VIR_AUTOSTART_MARKER "autostarted"

bool virDriverShouldAutostart(const char *marker);

typedef enum {
    VIR_AUTOSTART_MARKER_NONE,      /* absent, unreadable, or no boot id */
    VIR_AUTOSTART_MARKER_THIS_BOOT,
    VIR_AUTOSTART_MARKER_EARLIER_BOOT,
} virAutostartMarkerBoot;

/* Which boot @marker was written in. */
virAutostartMarkerBoot virDriverMarkerBoot(const char *marker);
