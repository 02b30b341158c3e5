/*
 * virspawn.c: running a program as a child of a large, threaded process
 */
#include "internal.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>

#include "virerror.h"
#include "virspawn.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* The fds a child gets: fds[i] of ours becomes its fd targets[i]. */
typedef struct {
    int fds[3 + 8];
    int targets[3 + 8];
    size_t n;
} virSpawnFds;

static int
virSpawnCollectFds(const virSpawn *spawn, virSpawnFds *out)
{
    size_t i;

    if (spawn->nfds > G_N_ELEMENTS(out->fds) - 3) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot run %s: %zu fds to pass, at most %zu"),
                       spawn->argv[0], spawn->nfds, G_N_ELEMENTS(out->fds) - 3);
        return -1;
    }
    out->fds[0] = spawn->stdinFd;
    out->fds[1] = spawn->stdoutFd;
    out->fds[2] = spawn->stderrFd;
    for (i = 0; i < 3; i++)
        out->targets[i] = i;
    for (i = 0; i < spawn->nfds; i++) {
        out->fds[3 + i] = spawn->sourceFds[i];
        out->targets[3 + i] = spawn->targetFds[i];
    }
    out->n = 3 + spawn->nfds;
    return 0;
}

/* In the forked child: async-signal-safe calls only */
static void
virSpawnChildSetup(gpointer opaque)
{
    const virSpawn *spawn = opaque;
    sigset_t none;
    int sig;

    setsid();
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    if (spawn->memlock) {
        struct rlimit rl = { (rlim_t)spawn->memlock, (rlim_t)spawn->memlock };

        if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
            static const char msg[] = "cannot set the locked-memory limit (RLIMIT_MEMLOCK) the program needs\n";

            if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
                /* nothing more can be said */
            }
            _exit(1);
        }
    }
}

/* A limit to set: only a forked child can set it before it runs. */
static int
virSpawnForked(const virSpawn *spawn, const virSpawnFds *fds, pid_t *pid)
{
    g_autoptr(GError) gerr = NULL;
    GPid child;

    if (!g_spawn_async_with_pipes_and_fds(NULL, spawn->argv, spawn->envp,
                                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES,
                                          virSpawnChildSetup, (gpointer)spawn,
                                          fds->fds[0], fds->fds[1], fds->fds[2],
                                          fds->fds + 3, fds->targets + 3, fds->n - 3,
                                          &child, NULL, NULL, NULL, &gerr)) {
        virReportError(VIR_ERR_OPERATION_FAILED, _("cannot run %s: %s"),
                       spawn->argv[0], gerr->message);
        return -1;
    }
    *pid = child;
    return 0;
}

static int
virSpawnPosix(const virSpawn *spawn, const virSpawnFds *fds, pid_t *pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t none, all;
    int high[G_N_ELEMENTS(fds->fds)];
    int above = 2;
    int ret = -1;
    int rc = 0;
    size_t i;
    int fd;

    for (i = 0; i < fds->n; i++)
        above = MAX(above, fds->targets[i]);
    above++;
    /* copies above every target first: one fd's dup2 never overwrites
     * another that is still to be passed */
    for (i = 0; i < fds->n; i++)
        high[i] = -1;
    for (i = 0; i < fds->n; i++) {
        if ((high[i] = fcntl(fds->fds[i], F_DUPFD_CLOEXEC, above)) < 0) {
            virReportSystemError(errno, _("cannot run %s: cannot pass it fd %d"),
                                 spawn->argv[0], fds->fds[i]);
            goto cleanup;
        }
    }

    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    for (i = 0; i < fds->n && rc == 0; i++)
        rc = posix_spawn_file_actions_adddup2(&actions, high[i], fds->targets[i]);
    /* and nothing else, close-on-exec or not: below the highest target
     * one by one (a close of an fd that is not open is no error), above
     * it all at once */
    for (fd = 3; fd < above && rc == 0; fd++) {
        bool target = false;

        for (i = 0; i < fds->n; i++)
            target |= fds->targets[i] == fd;
        if (!target)
            rc = posix_spawn_file_actions_addclose(&actions, fd);
    }
    if (rc == 0)
        rc = posix_spawn_file_actions_addclosefrom_np(&actions, above);
    sigemptyset(&none);
    sigfillset(&all);
    if (rc == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0)
        rc = posix_spawn(pid, spawn->argv[0], &actions, &attr,
                         (char *const *)spawn->argv, (char *const *)spawn->envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        virReportSystemError(rc, _("cannot run %s"), spawn->argv[0]);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    for (i = 0; i < fds->n; i++) {
        if (high[i] >= 0)
            close(high[i]);
    }
    return ret;
}

int
virSpawnRun(const virSpawn *spawn, pid_t *pid)
{
    virSpawnFds fds;

    if (virSpawnCollectFds(spawn, &fds) < 0)
        return -1;
    if (spawn->memlock)
        return virSpawnForked(spawn, &fds, pid);
    return virSpawnPosix(spawn, &fds, pid);
}
