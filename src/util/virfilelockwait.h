/*
 * virfilelockwait.h: an exclusive lock file taken with a bounded wait
 *
 * flock() waits without a bound, and polling a non-blocking flock wakes up
 * for nothing: the blocking flock runs in a helper thread and the caller
 * waits for it on a condition with a deadline. A wait that times out
 * leaves its helper thread behind until the holder lets go; that thread
 * then drops the lock at once.
 */
#pragma once

#include "internal.h"

/* Take an exclusive flock on @path (created as virFileOpenWrite does),
 * waiting until @deadline (g_get_monotonic_time() scale; a deadline in
 * the past tries once). A holder may remove the file under its lock (a
 * settled job): a lock on a file no longer at @path is worth nothing and
 * is taken again. Returns the fd (virFileUnlock), -2 when the lock was
 * still held at the deadline (nothing reported), -1 with an error
 * reported. @what names the file in errors ("job lock"). */
int virFileLockWait(const char *path, gint64 deadline, const char *what);
