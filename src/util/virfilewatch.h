/*
 * virfilewatch.h: wait, bounded, for something to change in a directory
 *
 * For waits on files another process changes (a simulated host's sysfs,
 * /dev/vfio/N made by udev): inotify wakes the waiter at each change in
 * the watched directory, where it checks again whether what it waits for
 * holds. Set the watch up before doing what is to have the effect, so
 * that no change is missed. A directory whose changes make no events
 * (real sysfs, where a write has taken effect when it returns) only ever
 * times out: check before waiting.
 */
#pragma once

#include "internal.h"

typedef struct _virFileWatch virFileWatch;

/* A watch on directory @dir (followed if a symlink): NULL with an error
 * naming it when it cannot be watched. */
virFileWatch *virFileWatchNew(const char *dir);

/* Wait for the next change in the directory until @deadline (monotonic
 * microseconds): 1 something changed, 0 the deadline passed, -1 error. */
int virFileWatchNext(virFileWatch *watch, gint64 deadline);

void virFileWatchFree(virFileWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virFileWatch, virFileWatchFree);
