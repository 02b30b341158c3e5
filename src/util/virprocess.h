/*
 * virprocess.h: other processes: liveness, identity, termination
 */
#pragma once

#include "internal.h"

/* Is @pid a live process (not a zombie)? A zombie child of ours is
 * reaped on the way. */
bool virProcessIsAlive(pid_t pid);

/* Does the command line of @pid contain @needle as one argument? (Guards
 * against a recycled pid.) */
bool virProcessHasArg(pid_t pid, const char *needle);

/* SIGTERM, wait up to @graceMs, then SIGKILL unless @graceful; wait for
 * the process to be gone. Returns 0 when it is gone, -1 (error reported)
 * if it survived. */
int virProcessKillPainfully(pid_t pid, int graceMs, bool graceful);

/* SIGKILL @pid without waiting for the kernel to finish tearing it down
 * (a large process takes milliseconds): for a process whose work is over
 * and whose resources it no longer holds. A child of ours is reaped by a
 * background thread. Returns 0, or -1 (error reported) if the signal could
 * not be sent. */
int virProcessKillNow(pid_t pid);
