/*
 * virspawn.h: running a program as a child of a large, threaded process
 *
 * A fork() of a daemon copies its page tables and leaves every page it
 * owns write-protected: the fork costs milliseconds, and each page the
 * daemon writes afterwards takes a fault (on a paravirtual MMU, about 18
 * us each: 90 ms to rewrite 20 MiB). posix_spawn() runs the child in the
 * parent's memory until it execs, with neither cost. What a child needs
 * set up before it runs is said here as data, so that posix_spawn can do
 * it; only a resource limit cannot be (posix_spawn has no action for it),
 * and a child that needs one is forked as before.
 */
#pragma once

#include "internal.h"

typedef struct _virSpawn virSpawn;
struct _virSpawn {
    const char *const *argv;        /* argv[0]: the program's path (no search) */
    const char *const *envp;        /* the whole environment */
    int stdinFd;                    /* the child's 0, 1 and 2 */
    int stdoutFd;
    int stderrFd;
    const int *sourceFds;           /* these fds of ours ... */
    const int *targetFds;           /* ... are the child's fds with these numbers (> 2) */
    size_t nfds;
    unsigned long long memlock;     /* RLIMIT_MEMLOCK of the child in bytes; 0: ours */
};

/* Run @spawn->argv[0] as a child (*@pid, not reaped: the caller waits
 * for it). The child runs in a session of its own (no signal of our
 * terminal reaches it), with no signal blocked, every signal at its
 * default action, and no fd open but 0, 1, 2 and the targets, whatever
 * the parent's fds say about close-on-exec. Returns 0, or -1 with an
 * error naming the program (it could not be run at all). */
int virSpawnRun(const virSpawn *spawn, pid_t *pid);
