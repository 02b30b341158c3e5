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
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* Positions in /proc/PID/stat (man 5 proc counts from 1): the fields
 * after the command name, counted from the state (field 3). */
#define VIR_PROCESS_STAT_STATE 3
#define VIR_PROCESS_STAT_UTIME 14
#define VIR_PROCESS_STAT_STIME 15
#define VIR_PROCESS_STAT_STARTTIME 22
#define VIR_PROCESS_STAT_AFTER(field) ((field) - VIR_PROCESS_STAT_STATE)

int
virProcessStatParse(const char *text, virProcessStat *st)
{
    const char *open = strchr(text, '(');
    const char *close = strrchr(text, ')');
    g_auto(GStrv) fields = NULL;
    char *end;
    int pid;

    /* "PID (COMM) STATE ...": COMM is whatever the process calls itself */
    if (!open || !close || close < open || open == text || open[-1] != ' ' ||
        close[1] != ' ')
        return -1;
    if (virStrToLong_i(text, &end, 10, &pid) < 0 || pid <= 0 || end != open - 1)
        return -1;
    fields = g_strsplit(close + 2, " ", 0);
    if (g_strv_length(fields) <= VIR_PROCESS_STAT_AFTER(VIR_PROCESS_STAT_STARTTIME))
        return -1;
    if (strlen(fields[0]) != 1 ||
        virStrToLong_ull(fields[VIR_PROCESS_STAT_AFTER(VIR_PROCESS_STAT_UTIME)], NULL, 10,
                         &st->utime) < 0 ||
        virStrToLong_ull(fields[VIR_PROCESS_STAT_AFTER(VIR_PROCESS_STAT_STIME)], NULL, 10,
                         &st->stime) < 0 ||
        virStrToLong_ull(fields[VIR_PROCESS_STAT_AFTER(VIR_PROCESS_STAT_STARTTIME)], NULL, 10,
                         &st->startTime) < 0)
        return -1;
    st->pid = pid;
    st->state = fields[0][0];
    return 0;
}

int
virProcessStatRead(pid_t pid, virProcessStat *st)
{
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;

    if (pid <= 0)
        return -1;
    path = g_strdup_printf("/proc/%lld/stat", (long long)pid);
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    return virProcessStatParse(text, st);
}

int
virProcessIdentityGet(pid_t pid, virProcessIdentity *id)
{
    virProcessStat st;

    if (virProcessStatRead(pid, &st) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot read the start time of process %lld: it is gone"),
                       (long long)pid);
        return -1;
    }
    id->pid = pid;
    id->startTime = st.startTime;
    return 0;
}

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

virProcessIdentityState
virProcessIdentityCheck(const virProcessIdentity *id)
{
    virProcessStat st;

    if (virProcessStatRead(id->pid, &st) < 0)
        return VIR_PROCESS_IDENTITY_GONE;
    /* only then may it be waited for: another child of ours may have
     * the pid now, and its status is its parent's to collect */
    if (st.startTime != id->startTime)
        return VIR_PROCESS_IDENTITY_OTHER;
    if (st.state == 'Z' || st.state == 'X') {
        /* A zombie: reap it if it is a child of ours. Its main thread may
         * be a zombie while other threads still finish (memory teardown,
         * a device reset): then nothing can be reaped yet, and a thread
         * waits for it. */
        if (waitpid(id->pid, NULL, WNOHANG) == 0)
            virProcessReapLater(id->pid);
        return VIR_PROCESS_IDENTITY_GONE;
    }
    return VIR_PROCESS_IDENTITY_SAME;
}

bool
virProcessIdentityIsAlive(const virProcessIdentity *id)
{
    return virProcessIdentityCheck(id) == VIR_PROCESS_IDENTITY_SAME;
}

int
virProcessIdentityOpen(const virProcessIdentity *id, int *pidfd)
{
    virProcessIdentityState state;
    VIR_AUTOCLOSE int fd = -1;

    *pidfd = -1;
    if (id->pid <= 0)
        return VIR_PROCESS_IDENTITY_GONE;
    /* The pidfd first, the check second: the pidfd names whatever process
     * had the pid when it was opened; if that one is still there when its
     * start time is checked, the pidfd names the process checked. If it
     * died meanwhile, the pid names another process (never the one we
     * look for, which started before) or none. */
    if ((fd = pidfd_open(id->pid, 0)) < 0) {
        if (errno == ESRCH)
            return VIR_PROCESS_IDENTITY_GONE;
        virReportSystemError(errno, _("cannot open process %lld"), (long long)id->pid);
        return -1;
    }
    if ((state = virProcessIdentityCheck(id)) != VIR_PROCESS_IDENTITY_SAME)
        return state;
    *pidfd = g_steal_fd(&fd);
    return state;
}

/* Send @sig through @pidfd; true when sent or the process is gone. */
static bool
virProcessSignal(int pidfd, const virProcessIdentity *id, int sig)
{
    if (pidfd_send_signal(pidfd, sig, NULL, 0) == 0 || errno == ESRCH)
        return true;
    virReportSystemError(errno, _("cannot send SIG%s to process %lld"),
                         sigabbrev_np(sig), (long long)id->pid);
    return false;
}

static bool
virProcessWaitGone(int pidfd, const virProcessIdentity *id, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    for (;;) {
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
        gint64 left;

        if (!virProcessIdentityIsAlive(id))
            return true;
        if ((left = deadline - g_get_monotonic_time()) <= 0)
            return false;
        /* the pidfd becomes readable the moment the process is gone; wake
         * up now and then anyway: an exiting process whose main thread is
         * a zombie is gone for virProcessIdentityIsAlive first */
        if (poll(&pfd, 1, MIN(left / 1000 + 1, 20)) < 0 && errno != EINTR)
            return !virProcessIdentityIsAlive(id);   /* cannot wait: say what is */
    }
}

/* What a kill returns when the process could not be opened as @state
 * says: -1 error, 1 the pid is another process, 0 gone. */
static int
virProcessIdentityOpenResult(int state)
{
    if (state < 0)
        return -1;
    if (state == VIR_PROCESS_IDENTITY_OTHER)
        return 1;
    return 0;
}

int
virProcessKillPainfully(const virProcessIdentity *id, int graceMs, bool graceful)
{
    VIR_AUTOCLOSE int pidfd = -1;
    int state;

    if ((state = virProcessIdentityOpen(id, &pidfd)) != VIR_PROCESS_IDENTITY_SAME)
        return virProcessIdentityOpenResult(state);
    if (!virProcessSignal(pidfd, id, SIGTERM))
        return -1;
    if (virProcessWaitGone(pidfd, id, graceMs))
        return 0;
    if (graceful) {
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("process %lld did not exit within %d ms of SIGTERM"),
                       (long long)id->pid, graceMs);
        return -1;
    }
    if (!virProcessSignal(pidfd, id, SIGKILL))
        return -1;
    if (!virProcessWaitGone(pidfd, id, 5000)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("process %lld survived SIGKILL"), (long long)id->pid);
        return -1;
    }
    return 0;
}

int
virProcessKillNow(const virProcessIdentity *id)
{
    VIR_AUTOCLOSE int pidfd = -1;
    int state;

    if ((state = virProcessIdentityOpen(id, &pidfd)) != VIR_PROCESS_IDENTITY_SAME)
        return virProcessIdentityOpenResult(state);
    if (!virProcessSignal(pidfd, id, SIGKILL))
        return -1;
    /* a child of ours still running: somebody has to wait for it */
    if (waitpid(id->pid, NULL, WNOHANG) == 0)
        virProcessReapLater(id->pid);
    return 0;
}
