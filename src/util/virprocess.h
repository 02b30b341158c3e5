/*
 * virprocess.h: other processes: liveness, identity, termination
 *
 * A pid alone names a process only while it lives: once it has exited and
 * been reaped, the kernel hands the same number to the next process. What
 * names one process for good is its pid together with its start time
 * (clock ticks after boot, field 22 of /proc/PID/stat): no two processes
 * of one boot share both. Processes are signalled through a pidfd opened
 * before their start time is checked, so that the process checked is the
 * one signalled.
 */
#pragma once

#include "internal.h"

/* What /proc/PID/stat says about a process (the fields we use). */
typedef struct _virProcessStat virProcessStat;
struct _virProcessStat {
    pid_t pid;
    char state;                     /* R, S, D, T, Z, X, ... */
    unsigned long long utime;       /* clock ticks */
    unsigned long long stime;       /* clock ticks */
    unsigned long long startTime;   /* clock ticks after boot */
};

/* Parse the text of a /proc/PID/stat file. The command name (second field,
 * in parentheses) may hold spaces and parentheses: the fields after it
 * start after its last ')'. Returns 0, or -1 (nothing reported) when the
 * text is not such a line. */
int virProcessStatParse(const char *text, virProcessStat *st);

/* The same for process @pid. Returns -1 (nothing reported) when there is
 * no such process. */
int virProcessStatRead(pid_t pid, virProcessStat *st);

/* One process of this boot: its pid and start time. */
typedef struct _virProcessIdentity virProcessIdentity;
struct _virProcessIdentity {
    pid_t pid;
    unsigned long long startTime;   /* clock ticks after boot */
};

/* The identity of @pid, a process that exists (e.g. a child of ours, not
 * yet reaped). Returns 0, or -1 with an error if it does not. */
int virProcessIdentityGet(pid_t pid, virProcessIdentity *id);

typedef enum {
    VIR_PROCESS_IDENTITY_GONE,      /* exited (a zombie child is reaped) */
    VIR_PROCESS_IDENTITY_SAME,      /* alive and the process of @id */
    VIR_PROCESS_IDENTITY_OTHER,     /* the pid belongs to another process */
} virProcessIdentityState;

/* Where the process of @id is now. */
virProcessIdentityState virProcessIdentityCheck(const virProcessIdentity *id);

/* Is the process of @id alive (not a zombie)? */
bool virProcessIdentityIsAlive(const virProcessIdentity *id);

/* A pidfd on the process of @id, opened only when it is that process:
 * *@pidfd is set when SAME is returned (close it), else left at -1.
 * Returns the state, or -1 with an error (no pidfd could be opened). */
int virProcessIdentityOpen(const virProcessIdentity *id, int *pidfd);

/* SIGTERM the process of @id, wait up to @graceMs, then SIGKILL unless
 * @graceful; wait for it to be gone. Returns 0 when it is gone (also when
 * it was gone already), 1 when the pid belongs to another process (nothing
 * was signalled), -1 (error reported) if it survived or could not be
 * signalled. */
int virProcessKillPainfully(const virProcessIdentity *id, int graceMs, bool graceful);

/* SIGKILL the process of @id without waiting for the kernel to finish
 * tearing it down (a large process takes milliseconds): for a process
 * whose work is over and whose resources it no longer holds. A child of
 * ours is reaped by a background thread. Returns as
 * virProcessKillPainfully. */
int virProcessKillNow(const virProcessIdentity *id);
