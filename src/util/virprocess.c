/*
 * virprocess.c: other processes: liveness, identity, termination
 */
#include "internal.h"

#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static gpointer
virProcessReaper(gpointer data)
{
    pid_t pid = GPOINTER_TO_INT(data);

    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return NULL;
}

/* Wait for child @pid in a thread of its own. */
static void
virProcessReapLater(pid_t pid)
{
    g_thread_unref(g_thread_new("reaper", virProcessReaper, GINT_TO_POINTER(pid)));
}

bool
virProcessIsAlive(pid_t pid)
{
    g_autofree char *path = NULL;
    g_autofree char *stat = NULL;
    const char *p;
    pid_t waited;

    if (pid <= 0)
        return false;
    /* reap it if it is a child of ours that has exited */
    if ((waited = waitpid(pid, NULL, WNOHANG)) == pid)
        return false;
    if (kill(pid, 0) < 0 && errno == ESRCH)
        return false;
    path = g_strdup_printf("/proc/%lld/stat", (long long)pid);
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return false;
    /* "pid (comm) S ...": the state follows the last ')' */
    if ((p = strrchr(stat, ')')) && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X')) {
        /* Exiting: its main thread is a zombie while other threads still
         * finish, so the WNOHANG above found nothing to reap yet. A child
         * of ours is waited for in the background (its last threads may
         * take long: memory teardown, a device reset) */
        if (waited == 0)
            virProcessReapLater(pid);
        return false;
    }
    return true;
}

bool
virProcessHasArg(pid_t pid, const char *needle)
{
    g_autofree char *path = g_strdup_printf("/proc/%lld/cmdline", (long long)pid);
    g_autofree char *cmdline = NULL;
    gsize len = 0;
    gsize off = 0;

    if (!g_file_get_contents(path, &cmdline, &len, NULL))
        return false;
    while (off < len) {
        if (STREQ(cmdline + off, needle))
            return true;
        off += strlen(cmdline + off) + 1;
    }
    return false;
}

static bool
virProcessWaitGone(pid_t pid, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    /* a pidfd becomes readable the moment the process is gone: no polling
     * delay (without one, look again every 2 ms) */
    int pidfd = pidfd_open(pid, 0);
    bool gone = false;

    for (;;) {
        gint64 left;

        if (!virProcessIsAlive(pid)) {
            gone = true;
            break;
        }
        if ((left = deadline - g_get_monotonic_time()) <= 0)
            break;
        if (pidfd >= 0) {
            struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

            /* wake up now and then anyway: an exiting process whose main
             * thread is a zombie is "gone" for virProcessIsAlive first */
            if (poll(&pfd, 1, MIN(left / 1000 + 1, 20)) < 0 && errno != EINTR)
                g_usleep(2 * 1000);
        } else {
            g_usleep(2 * 1000);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    return gone;
}

int
virProcessKillPainfully(pid_t pid, int graceMs, bool graceful)
{
    if (!virProcessIsAlive(pid))
        return 0;
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        virReportSystemError(errno, _("cannot send SIGTERM to process %lld"),
                             (long long)pid);
        return -1;
    }
    if (virProcessWaitGone(pid, graceMs))
        return 0;
    if (graceful) {
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("process %lld did not exit within %d ms of SIGTERM"),
                       (long long)pid, graceMs);
        return -1;
    }
    if (kill(pid, SIGKILL) < 0 && errno != ESRCH) {
        virReportSystemError(errno, _("cannot send SIGKILL to process %lld"),
                             (long long)pid);
        return -1;
    }
    if (!virProcessWaitGone(pid, 5000)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("process %lld survived SIGKILL"), (long long)pid);
        return -1;
    }
    return 0;
}

int
virProcessKillNow(pid_t pid)
{
    if (kill(pid, SIGKILL) < 0) {
        if (errno == ESRCH)
            return 0;
        virReportSystemError(errno, _("cannot send SIGKILL to process %lld"),
                             (long long)pid);
        return -1;
    }
    /* a child of ours still running: somebody has to wait for it */
    if (waitpid(pid, NULL, WNOHANG) == 0)
        virProcessReapLater(pid);
    return 0;
}
