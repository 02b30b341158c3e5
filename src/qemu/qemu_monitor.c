/*
 * qemu_monitor.c: a QMP connection and the events it received
 */
#include "internal.h"

#include <glib-unix.h>
#include <poll.h>
#include <sys/socket.h>
#include <yajl/yajl_gen.h>

#include "qemu_monitor_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"
#include "virsocket.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_ENUM_IMPL(qemuMonitorEvent, QEMU_MONITOR_EVENT_LAST,
              "", "SHUTDOWN", "STOP", "RESUME", "DEVICE_DELETED", "MIGRATION",
              "UNPLUG_PRIMARY", "FAILOVER_NEGOTIATED");

VIR_ENUM_IMPL(qemuMonitorMigrationStatus, QEMU_MONITOR_MIGRATION_STATUS_LAST,
              "none", "setup", "cancelling", "cancelled", "active",
              "postcopy-active", "postcopy-paused", "postcopy-recover",
              "completed", "failed", "colo", "pre-switchover", "device",
              "wait-unplug");

typedef struct {
    unsigned long long id;
    bool done;
    qemuMonitorReply *reply;
    char *error;            /* QEMU's error description */
} qemuMonitorPending;

/* No thread of its own: a thread that waits (for a reply, an event, the
 * greeting) reads the socket itself, so that what it waits for wakes it
 * and no other thread first. One waiter at a time reads (@reading); the
 * others wait on @cond, which the reader signals after each round, and
 * one of them reads next. A look without a wait (an event that may have
 * come, whether QEMU is still there) first reads what the socket has. */
struct _qemuMonitor {
    int fd;
    int wakePipe[2];        /* interrupts a reading thread's poll */
    GMutex lock;            /* everything below but @inbuf */
    GCond cond;             /* replies, events, close, wake-ups, the end
                             * of a reader's round */
    bool reading;           /* a thread reads (outside the lock) */
    GString *inbuf;         /* the reading thread only */

    char *domain;           /* for messages, or NULL */
    pid_t pid;              /* QEMU's, or 0 */
    int timeoutMs;          /* greeting and replies */

    bool greeted;
    bool closed;            /* EOF or error seen */
    char *closeReason;
    unsigned long version;
    char *greeting;
    unsigned long long nextId;
    GHashTable *pending;    /* id -> qemuMonitorPending* (not owned) */
    GString *record;        /* not owned */

    GPtrArray *events;      /* qemuMonitorEvent *, in arrival order */
    guint taken;            /* events before this one were taken */
    bool woken;
    int wakeFd;             /* or -1 */
    guint wakeFdGen;        /* changes when @wakeFd is removed */
};

void
qemuMonitorReplyFree(qemuMonitorReply *reply)
{
    if (!reply)
        return;
    yajl_tree_free(reply->root);
    g_free(reply);
}

yajl_val
qemuMonitorObjectGet(yajl_val obj, const char *key)
{
    size_t i;

    if (!obj || !YAJL_IS_OBJECT(obj))
        return NULL;
    for (i = 0; i < obj->u.object.len; i++) {
        if (STREQ(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    }
    return NULL;
}

const char *
qemuMonitorObjectGetString(yajl_val obj, const char *key)
{
    yajl_val v = qemuMonitorObjectGet(obj, key);

    return v && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

bool
qemuMonitorObjectGetNumber(yajl_val obj, const char *key, long long *num)
{
    yajl_val v = qemuMonitorObjectGet(obj, key);

    if (!v || !YAJL_IS_INTEGER(v))
        return false;
    *num = YAJL_GET_INTEGER(v);
    return true;
}

bool
qemuMonitorObjectGetBool(yajl_val obj, const char *key)
{
    yajl_val v = qemuMonitorObjectGet(obj, key);

    return v && YAJL_IS_TRUE(v);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

/* "QEMU of domain 'X'" or "QEMU" */
static char *
qemuMonitorWho(qemuMonitor *mon)
{
    if (mon->domain)
        return g_strdup_printf(_("QEMU of domain '%s'"), mon->domain);
    return g_strdup("QEMU");
}

/* Why QEMU may not answer, from its process state: "" when the monitor
 * does not know its pid. */
static char *
qemuMonitorProcessState(pid_t pid)
{
    virProcessStat st;

    if (pid <= 0)
        return g_strdup("");
    if (virProcessStatRead(pid, &st) < 0)
        return g_strdup_printf(_(": its process %lld is gone"), (long long)pid);
    switch (st.state) {
    case 'T':
    case 't':
        return g_strdup_printf(_(": the process is stopped (state %c); resume it with SIGCONT or destroy the domain"),
                               st.state);
    case 'Z':
    case 'X':
        return g_strdup_printf(_(": the process has exited (state %c)"), st.state);
    case 'D':
        return g_strdup_printf(_(": the process is blocked in the kernel (state D), e.g. on I/O"));
    default:
        return g_strdup_printf(_(": the process is alive (state %c) but its monitor does not answer (hung, or serving another client)"),
                               st.state);
    }
}

/* ------------------------------------------------------------------ */
/* Recording (tests/qemucapabilitiesdata)                               */
/* ------------------------------------------------------------------ */

/* Re-serialise a yajl tree. */
static void
qemuMonitorGenValue(yajl_gen g, yajl_val v)
{
    size_t i;

    if (!v || YAJL_IS_NULL(v)) {
        yajl_gen_null(g);
    } else if (YAJL_IS_STRING(v)) {
        yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
    } else if (YAJL_IS_INTEGER(v)) {
        yajl_gen_integer(g, YAJL_GET_INTEGER(v));
    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_TRUE(v)) {
        yajl_gen_bool(g, 1);
    } else if (YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, 0);
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (i = 0; i < v->u.array.len; i++)
            qemuMonitorGenValue(g, v->u.array.values[i]);
        yajl_gen_array_close(g);
    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (i = 0; i < v->u.object.len; i++) {
            yajl_gen_string(g, (const unsigned char *)v->u.object.keys[i],
                            strlen(v->u.object.keys[i]));
            qemuMonitorGenValue(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
    }
}

/* {"execute":CMD[,"arguments":ARGS][,"id":ID]}; @args is JSON text */
static char *
qemuMonitorFormatCommand(const char *cmd, const char *args, unsigned long long id)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *name;
    size_t len;
    GString *msg = g_string_new("{\"execute\":");

    yajl_gen_string(g, (const unsigned char *)cmd, strlen(cmd));
    yajl_gen_get_buf(g, &name, &len);
    g_string_append_len(msg, (const char *)name, len);
    yajl_gen_free(g);
    if (args)
        g_string_append_printf(msg, ",\"arguments\":%s", args);
    if (id)
        g_string_append_printf(msg, ",\"id\":%llu", id);
    g_string_append_c(msg, '}');
    return g_string_free(msg, FALSE);
}

void
qemuMonitorSetRecord(qemuMonitor *mon, GString *record)
{
    g_mutex_lock(&mon->lock);
    mon->record = record;
    if (record)
        g_string_append_printf(record,
                               "%s\n\n{\"execute\":\"qmp_capabilities\"}\n\n{\"return\":{}}\n\n",
                               NULLSTR(mon->greeting));
    g_mutex_unlock(&mon->lock);
}

/* Called with mon->lock held. */
static void
qemuMonitorRecord(qemuMonitor *mon, const char *cmd, const char *args,
                  const qemuMonitorReply *reply)
{
    g_autofree char *command = qemuMonitorFormatCommand(cmd, args, 0);
    yajl_gen g;
    const unsigned char *buf;
    size_t len;

    g_string_append_printf(mon->record, "%s\n\n", command);
    g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    yajl_gen_string(g, (const unsigned char *)"return", 6);
    qemuMonitorGenValue(g, reply->ret);
    yajl_gen_map_close(g);
    yajl_gen_get_buf(g, &buf, &len);
    g_string_append_len(mon->record, (const char *)buf, len);
    g_string_append(mon->record, "\n\n");
    yajl_gen_free(g);
}

/* ------------------------------------------------------------------ */
/* Input, read by the thread that waits                                 */
/* ------------------------------------------------------------------ */

static void
qemuMonitorEventFree(gpointer data)
{
    qemuMonitorEvent *ev = data;

    g_free(ev->name);
    g_free(ev->device);
    g_free(ev);
}

/* Called with mon->lock held: fail every waiter. */
static void
qemuMonitorMarkClosed(qemuMonitor *mon, const char *reason)
{
    if (mon->closed)
        return;
    mon->closed = true;
    mon->closeReason = g_strdup(reason);
    g_cond_broadcast(&mon->cond);
}

/* Interrupts the poll of the thread that reads, if any. */
static void
qemuMonitorInterrupt(qemuMonitor *mon)
{
    virFileWakeupSend(mon->wakePipe[1]);
}

static void
qemuMonitorQueueEvent(qemuMonitor *mon, const char *name, yajl_val data)
{
    qemuMonitorEvent *ev = g_new0(qemuMonitorEvent, 1);
    const char *dev;
    const char *status;
    int type;

    ev->name = g_strdup(name);
    ev->type = (type = qemuMonitorEventTypeFromString(name)) > 0 ? type :
               QEMU_MONITOR_EVENT_OTHER;
    ev->when = g_get_monotonic_time();
    if ((dev = qemuMonitorObjectGetString(data, "device-id")) ||
        (dev = qemuMonitorObjectGetString(data, "device")))
        ev->device = g_strdup(dev);
    ev->status = -1;
    if (ev->type == QEMU_MONITOR_EVENT_MIGRATION &&
        (status = qemuMonitorObjectGetString(data, "status")))
        ev->status = qemuMonitorMigrationStatusTypeFromString(status);
    g_debug("QEMU event %s device=%s status=%d", name, NULLSTR(ev->device), ev->status);

    g_mutex_lock(&mon->lock);
    g_ptr_array_add(mon->events, ev);
    g_cond_broadcast(&mon->cond);
    g_mutex_unlock(&mon->lock);
}

/* Handle one complete JSON message. Returns false on a protocol error. */
static bool
qemuMonitorDispatchMessage(qemuMonitor *mon, const char *line)
{
    char errbuf[256] = "";
    yajl_val root = yajl_tree_parse(line, errbuf, sizeof(errbuf));
    yajl_val id;
    const char *event;

    if (!root || !YAJL_IS_OBJECT(root)) {
        g_debug("malformed QMP message: %s", errbuf);
        yajl_tree_free(root);
        return false;
    }

    if (qemuMonitorObjectGet(root, "QMP")) {
        yajl_val ver = qemuMonitorObjectGet(qemuMonitorObjectGet(root, "QMP"), "version");
        yajl_val q = qemuMonitorObjectGet(ver, "qemu");
        long long maj = 0, min = 0, mic = 0;

        qemuMonitorObjectGetNumber(q, "major", &maj);
        qemuMonitorObjectGetNumber(q, "minor", &min);
        qemuMonitorObjectGetNumber(q, "micro", &mic);
        g_mutex_lock(&mon->lock);
        mon->version = maj * 1000000 + min * 1000 + mic;
        g_free(mon->greeting);
        mon->greeting = g_strdup(line);
        mon->greeted = true;
        g_cond_broadcast(&mon->cond);
        g_mutex_unlock(&mon->lock);
        yajl_tree_free(root);
        return true;
    }

    if ((event = qemuMonitorObjectGetString(root, "event"))) {
        qemuMonitorQueueEvent(mon, event, qemuMonitorObjectGet(root, "data"));
        yajl_tree_free(root);
        return true;
    }

    id = qemuMonitorObjectGet(root, "id");
    if (id && YAJL_IS_INTEGER(id)) {
        qemuMonitorPending *p;

        g_mutex_lock(&mon->lock);
        if ((p = g_hash_table_lookup(mon->pending, &id->u.number.i))) {
            yajl_val err = qemuMonitorObjectGet(root, "error");

            if (err) {
                const char *desc = qemuMonitorObjectGetString(err, "desc");

                p->error = g_strdup(desc ? desc : _("unknown QEMU error"));
                yajl_tree_free(root);
            } else {
                p->reply = g_new0(qemuMonitorReply, 1);
                p->reply->root = root;
                p->reply->ret = qemuMonitorObjectGet(root, "return");
            }
            p->done = true;
            g_hash_table_remove(mon->pending, &p->id);
            g_cond_broadcast(&mon->cond);
            g_mutex_unlock(&mon->lock);
            return true;
        }
        g_mutex_unlock(&mon->lock);
    }
    /* a reply nobody waits for any more (timed out): drop it */
    yajl_tree_free(root);
    return true;
}

/* Read and dispatch what the socket has, by the reading thread (mon->lock
 * not held): NULL, or why the connection ended. */
static const char *
qemuMonitorReadInput(qemuMonitor *mon)
{
    char buf[65536];
    ssize_t n;

    for (;;) {
        n = read(mon->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return NULL;
        if (n <= 0) {
            /* QEMU exiting often resets the connection: that is an EOF too */
            return n == 0 || errno == ECONNRESET ?
                _("QEMU closed the monitor connection") :
                _("error reading from the QEMU monitor");
        }
        g_string_append_len(mon->inbuf, buf, n);
        if (mon->inbuf->len > QEMU_MONITOR_MAX_MESSAGE)
            return _("QEMU sent an oversized monitor message");
        /* the buffer holds no complete line but in what came now: a large
         * reply is not searched again at each read */
        if (!memchr(buf, '\n', n))
            continue;
        for (;;) {
            char *nl = memchr(mon->inbuf->str, '\n', mon->inbuf->len);
            g_autofree char *line = NULL;
            size_t len;

            if (!nl)
                break;
            len = nl - mon->inbuf->str;
            line = g_strndup(mon->inbuf->str, len);
            g_string_erase(mon->inbuf, 0, len + 1);
            g_strstrip(line);
            if (!*line)
                continue;
            if (!qemuMonitorDispatchMessage(mon, line))
                return _("QEMU sent malformed JSON on the monitor");
        }
    }
}

/* Wait, mon->lock held, for something that may change what a waiter waits
 * for: input read and dispatched, a wake-up, the end of the connection;
 * false when @deadline (monotonic µs; 0: no wait, only what the socket
 * has now) passed first. With nobody reading, this thread reads: it polls
 * the socket, the wake-up pipe and the wake-up fd. Else it waits on the
 * condition for the reader's round. */
static bool
qemuMonitorWaitLocked(qemuMonitor *mon, gint64 deadline)
{
    struct pollfd fds[3] = {
        { .fd = mon->fd, .events = POLLIN },
        { .fd = mon->wakePipe[0], .events = POLLIN },
        { .fd = mon->wakeFd, .events = POLLIN },
    };
    const char *reason = NULL;
    gint64 now = g_get_monotonic_time();
    guint gen = mon->wakeFdGen;
    int timeout;
    int rc;

    if (mon->closed)
        return true;
    if (mon->reading)
        return deadline > now && g_cond_wait_until(&mon->cond, &mon->lock, deadline);
    timeout = deadline <= now ? 0 : (int)MIN((deadline - now + 999) / 1000, G_MAXINT);
    mon->reading = true;
    g_mutex_unlock(&mon->lock);
    /* without a wake-up fd, fds[2] is -1: poll skips it */
    rc = poll(fds, G_N_ELEMENTS(fds), timeout);
    if (rc > 0 && fds[0].revents)
        reason = qemuMonitorReadInput(mon);
    if (rc > 0 && fds[1].revents)
        virFileWakeupDrain(mon->wakePipe[0]);
    g_mutex_lock(&mon->lock);
    /* under the lock: a wake-up fd removed meanwhile (which its owner may
     * close and reuse then) is never read */
    if (rc > 0 && fds[2].fd >= 0 && fds[2].revents && gen == mon->wakeFdGen) {
        char buf[4096];

        while (read(fds[2].fd, buf, sizeof(buf)) > 0)
            ;
        mon->woken = true;
    }
    if (reason)
        qemuMonitorMarkClosed(mon, reason);
    mon->reading = false;
    g_cond_broadcast(&mon->cond);
    return rc != 0;
}

/* What the socket has now is read (unless another thread reads: it does),
 * for a look that does not wait. mon->lock held. */
static void
qemuMonitorReadNowLocked(qemuMonitor *mon)
{
    if (!mon->reading)
        qemuMonitorWaitLocked(mon, 0);
}

/* ------------------------------------------------------------------ */
/* Sending a command, and its outcome                                   */
/* ------------------------------------------------------------------ */

/* Send @cmd (@argsJSON: its arguments as JSON text, or NULL) as @p: a new
 * id, which the dispatcher answers until the caller removes it from the
 * pending ones. mon->lock held; -1 with an error when the monitor is
 * closed or the write fails (@p is then not pending). */
static int
qemuMonitorSendLocked(qemuMonitor *mon, const char *cmd, const char *argsJSON,
                      qemuMonitorPending *p, const char *who)
{
    g_autofree char *msg = NULL;

    if (mon->closed) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot run '%s' on %s: %s"), cmd, who,
                       mon->closeReason ? mon->closeReason : _("monitor closed"));
        return -1;
    }
    p->id = mon->nextId++;
    msg = qemuMonitorFormatCommand(cmd, argsJSON, p->id);
    g_hash_table_insert(mon->pending, &p->id, p);
    if (virFileSendAll(mon->fd, msg, strlen(msg)) < 0 ||
        virFileSendAll(mon->fd, "\r\n", 2) < 0) {
        int err = errno;

        g_hash_table_remove(mon->pending, &p->id);
        virReportSystemError(err, _("cannot send '%s' to the monitor of %s"), cmd, who);
        return -1;
    }
    return 0;
}

static bool qemuMonitorEventMatches(const qemuMonitorEvent *ev,
                                    const qemuMonitorEventFilter *filter);

/* Called with mon->lock held: did an event matching @filter arrive at or
 * after *@pos? *@pos moves past the events looked at. */
static bool
qemuMonitorEventArrived(qemuMonitor *mon, guint *pos, const qemuMonitorEventFilter *filter)
{
    for (; *pos < mon->events->len; (*pos)++) {
        if (qemuMonitorEventMatches(g_ptr_array_index(mon->events, *pos), filter))
            return true;
    }
    return false;
}

/* Wait, mon->lock held, until @p is answered, the monitor closes or
 * @deadline passes; with @settled, also until an event matching it
 * arrives at or after *@from (then true). */
static bool
qemuMonitorWaitPendingLocked(qemuMonitor *mon, qemuMonitorPending *p, gint64 deadline,
                             const qemuMonitorEventFilter *settled, guint *from)
{
    bool arrived = false;

    while (!p->done && !mon->closed &&
           !(arrived = settled && qemuMonitorEventArrived(mon, from, settled))) {
        if (!qemuMonitorWaitLocked(mon, deadline) && g_get_monotonic_time() >= deadline)
            break;
    }
    return arrived;
}

/* What became of @p, sent as @cmd, once waited for: 0 answered (recorded,
 * or refused when @refusalIgnored), -1 with the error: refused, or no
 * answer before the monitor closed or the wait's deadline. @p is no
 * longer pending. mon->lock held. */
static int
qemuMonitorPendingResult(qemuMonitor *mon, qemuMonitorPending *p, const char *cmd,
                         const char *argsJSON, const char *who, bool refusalIgnored)
{
    if (!p->done) {
        g_hash_table_remove(mon->pending, &p->id);
        if (mon->closed) {
            virReportError(VIR_ERR_OPERATION_FAILED, _("'%s' failed on %s: %s"), cmd, who,
                           mon->closeReason ? mon->closeReason : _("monitor closed"));
        } else {
            g_autofree char *state = qemuMonitorProcessState(mon->pid);

            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("%s did not answer '%s' within %d ms%s"),
                           who, cmd, mon->timeoutMs, state);
        }
        return -1;
    }
    if (p->reply && mon->record)
        qemuMonitorRecord(mon, cmd, argsJSON, p->reply);
    if (p->error && !refusalIgnored) {
        virReportError(VIR_ERR_OPERATION_FAILED, _("%s refused '%s': %s"), who, cmd, p->error);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Open and close                                                       */
/* ------------------------------------------------------------------ */

/* One connect to a listening socket, bounded: a listener whose backlog is
 * full (QEMU serves another client, or is stopped) is waited for up to
 * @timeoutMs; the timeout names the domain and QEMU's process state. */
static int
qemuMonitorConnectPath(const char *path, const qemuMonitorTarget *target, int timeoutMs)
{
    g_autofree char *state = NULL;
    int fd;

    if ((fd = virSocketConnectUnix(path, timeoutMs)) >= 0)
        return fd;
    if (virGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT)
        return -1;
    /* the socket layer knows neither the domain nor its process */
    virResetLastError();
    state = qemuMonitorProcessState(target ? target->pid : 0);
    if (target && target->domain)
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("QEMU of domain '%s' did not accept a connection on its monitor '%s' within %d ms%s"),
                       target->domain, path, timeoutMs, state);
    else
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("QEMU did not accept a connection on its monitor '%s' within %d ms%s"),
                       path, timeoutMs, state);
    return -1;
}

/* qmp_capabilities and @first are sent with the connection: QEMU reads
 * them once it greeted, and the answers come without a round trip in
 * between. A send that fails is retried after the greeting, so that a
 * QEMU that never greets is reported as such. */
qemuMonitor *
qemuMonitorOpenFDFirst(int fd, const qemuMonitorTarget *target, int timeoutMs,
                       const char *first, qemuMonitorReply **firstReply)
{
    qemuMonitor *mon = g_new0(qemuMonitor, 1);
    qemuMonitorPending caps = { 0 };
    qemuMonitorPending firstp = { 0 };
    g_autofree char *who = NULL;
    bool capsSent;
    bool firstSent = false;
    gint64 deadline;
    int rc = 0;

    if (timeoutMs <= 0)
        timeoutMs = QEMU_MONITOR_DEFAULT_TIMEOUT;
    mon->fd = fd;
    mon->wakePipe[0] = mon->wakePipe[1] = -1;
    mon->wakeFd = -1;
    mon->timeoutMs = timeoutMs;
    if (target) {
        mon->domain = g_strdup(target->domain);
        mon->pid = target->pid;
    }
    g_mutex_init(&mon->lock);
    g_cond_init(&mon->cond);
    mon->inbuf = g_string_new(NULL);
    mon->pending = g_hash_table_new(g_int64_hash, g_int64_equal);
    mon->events = g_ptr_array_new_with_free_func(qemuMonitorEventFree);
    mon->nextId = 1;

    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    if (virFileWakeupPipe(mon->wakePipe) < 0) {
        virReportSystemError(errno, "%s", _("cannot create the wake-up pipe of a QEMU monitor"));
        qemuMonitorClose(mon);
        return NULL;
    }

    who = qemuMonitorWho(mon);
    g_mutex_lock(&mon->lock);
    if (!(capsSent = qemuMonitorSendLocked(mon, "qmp_capabilities", NULL, &caps, who) == 0))
        virResetLastError();
    if (capsSent && first &&
        !(firstSent = qemuMonitorSendLocked(mon, first, NULL, &firstp, who) == 0))
        virResetLastError();

    /* greeting */
    deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    while (!mon->greeted && !mon->closed) {
        if (!qemuMonitorWaitLocked(mon, deadline) && g_get_monotonic_time() >= deadline)
            break;
    }
    if (!mon->greeted) {
        bool closed = mon->closed;

        if (capsSent && !caps.done)
            g_hash_table_remove(mon->pending, &caps.id);
        if (firstSent && !firstp.done)
            g_hash_table_remove(mon->pending, &firstp.id);
        g_mutex_unlock(&mon->lock);
        g_free(caps.error);
        qemuMonitorReplyFree(caps.reply);
        g_free(firstp.error);
        qemuMonitorReplyFree(firstp.reply);
        if (closed) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("%s closed the monitor before greeting"), who);
        } else {
            g_autofree char *state = qemuMonitorProcessState(mon->pid);

            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("%s sent no QMP greeting within %d ms%s"),
                           who, timeoutMs, state);
        }
        qemuMonitorClose(mon);
        return NULL;
    }
    if (capsSent) {
        qemuMonitorWaitPendingLocked(mon, &caps, deadline, NULL, NULL);
        rc = qemuMonitorPendingResult(mon, &caps, "qmp_capabilities", NULL, who, false);
    }
    if (firstSent) {
        if (rc == 0) {
            qemuMonitorWaitPendingLocked(mon, &firstp, deadline, NULL, NULL);
            rc = qemuMonitorPendingResult(mon, &firstp, first, NULL, who, false);
        } else if (!firstp.done) {
            g_hash_table_remove(mon->pending, &firstp.id);
        }
    }
    g_mutex_unlock(&mon->lock);
    g_free(caps.error);
    qemuMonitorReplyFree(caps.reply);
    g_free(firstp.error);

    if (rc == 0 && !capsSent)
        rc = qemuMonitorCommand(mon, "qmp_capabilities", NULL, NULL);
    if (rc == 0 && first && !firstSent)
        rc = qemuMonitorCommand(mon, first, NULL, &firstp.reply);
    if (rc < 0) {
        qemuMonitorReplyFree(firstp.reply);
        qemuMonitorClose(mon);
        return NULL;
    }
    if (firstReply)
        *firstReply = firstp.reply;
    else
        qemuMonitorReplyFree(firstp.reply);
    return mon;
}

qemuMonitor *
qemuMonitorOpenFD(int fd, const qemuMonitorTarget *target, int timeoutMs)
{
    return qemuMonitorOpenFDFirst(fd, target, timeoutMs, NULL, NULL);
}

qemuMonitor *
qemuMonitorOpenFirst(const char *path, const qemuMonitorTarget *target, int timeoutMs,
                     const char *first, qemuMonitorReply **firstReply)
{
    int fd;

    if (timeoutMs <= 0)
        timeoutMs = QEMU_MONITOR_DEFAULT_TIMEOUT;
    if ((fd = qemuMonitorConnectPath(path, target, timeoutMs)) < 0)
        return NULL;
    return qemuMonitorOpenFDFirst(fd, target, timeoutMs, first, firstReply);
}

qemuMonitor *
qemuMonitorOpen(const char *path, const qemuMonitorTarget *target, int timeoutMs)
{
    return qemuMonitorOpenFirst(path, target, timeoutMs, NULL, NULL);
}

void
qemuMonitorClose(qemuMonitor *mon)
{
    size_t i;

    if (!mon)
        return;
    qemuMonitorRemoveWakeupFd(mon);
    g_mutex_lock(&mon->lock);
    qemuMonitorMarkClosed(mon, _("monitor closed"));
    g_mutex_unlock(&mon->lock);
    if (mon->fd >= 0)
        close(mon->fd);
    for (i = 0; i < G_N_ELEMENTS(mon->wakePipe); i++) {
        if (mon->wakePipe[i] >= 0)
            close(mon->wakePipe[i]);
    }
    g_hash_table_unref(mon->pending);
    g_ptr_array_unref(mon->events);
    g_string_free(mon->inbuf, TRUE);
    g_free(mon->closeReason);
    g_free(mon->greeting);
    g_free(mon->domain);
    g_cond_clear(&mon->cond);
    g_mutex_clear(&mon->lock);
    g_free(mon);
}

unsigned long
qemuMonitorGetVersion(qemuMonitor *mon)
{
    return mon->version;
}

const char *
qemuMonitorGetGreeting(qemuMonitor *mon)
{
    return mon->greeting;
}

bool
qemuMonitorIsAlive(qemuMonitor *mon)
{
    bool alive;

    g_mutex_lock(&mon->lock);
    qemuMonitorReadNowLocked(mon);
    alive = !mon->closed;
    g_mutex_unlock(&mon->lock);
    return alive;
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */
/* ------------------------------------------------------------------ */

/* @settled: NULL, or the event that tells @cmd took effect before its
 * reply came (then 0, and no *@reply). */
static int
qemuMonitorCommandFull(qemuMonitor *mon, const char *cmd, const qemuProps *args,
                       qemuMonitorReply **reply, const qemuMonitorEventFilter *settled)
{
    qemuMonitorPending p = { 0 };
    guint from;
    g_autofree char *argsJSON = args ? qemuPropsToJSON(args) : NULL;
    g_autofree char *who = qemuMonitorWho(mon);
    gint64 deadline;
    int ret;

    if (reply)
        *reply = NULL;

    g_mutex_lock(&mon->lock);
    /* an event of an earlier command does not settle this one */
    qemuMonitorReadNowLocked(mon);
    from = mon->events->len;
    if (qemuMonitorSendLocked(mon, cmd, argsJSON, &p, who) < 0) {
        g_mutex_unlock(&mon->lock);
        return -1;
    }
    deadline = g_get_monotonic_time() + (gint64)mon->timeoutMs * 1000;
    if (qemuMonitorWaitPendingLocked(mon, &p, deadline, settled, &from)) {
        /* its reply, when it comes, finds nobody waiting */
        g_hash_table_remove(mon->pending, &p.id);
        g_mutex_unlock(&mon->lock);
        return 0;
    }
    ret = qemuMonitorPendingResult(mon, &p, cmd, argsJSON, who, false);
    g_mutex_unlock(&mon->lock);

    g_free(p.error);
    if (ret == 0 && reply)
        *reply = p.reply;
    else
        qemuMonitorReplyFree(p.reply);
    return ret;
}

int
qemuMonitorCommands(qemuMonitor *mon, const qemuMonitorCommandSpec *cmds, size_t ncmds)
{
    g_autofree qemuMonitorPending *p = g_new0(qemuMonitorPending, ncmds);
    g_autoptr(GPtrArray) argsJSON = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *who = qemuMonitorWho(mon);
    gint64 deadline;
    size_t sent;
    size_t i;
    int ret = 0;

    for (i = 0; i < ncmds; i++)
        g_ptr_array_add(argsJSON, cmds[i].args ? qemuPropsToJSON(cmds[i].args) : NULL);

    g_mutex_lock(&mon->lock);
    for (sent = 0; sent < ncmds; sent++) {
        if (qemuMonitorSendLocked(mon, cmds[sent].cmd, argsJSON->pdata[sent],
                                  &p[sent], who) < 0) {
            ret = -1;
            break;
        }
    }
    /* every reply, or the first that cannot come: the same deadline as
     * one command's, as QEMU answers them in the order sent */
    deadline = g_get_monotonic_time() + (gint64)mon->timeoutMs * 1000;
    for (i = 0; i < sent; i++) {
        /* after a failure, the others are only taken off the pending ones */
        if (ret < 0) {
            if (!p[i].done)
                g_hash_table_remove(mon->pending, &p[i].id);
            continue;
        }
        qemuMonitorWaitPendingLocked(mon, &p[i], deadline, NULL, NULL);
        if (qemuMonitorPendingResult(mon, &p[i], cmds[i].cmd, argsJSON->pdata[i],
                                     who, cmds[i].refusalIgnored) < 0)
            ret = -1;
    }
    g_mutex_unlock(&mon->lock);

    for (i = 0; i < sent; i++) {
        g_free(p[i].error);
        qemuMonitorReplyFree(p[i].reply);
    }
    return ret;
}

int
qemuMonitorCommand(qemuMonitor *mon, const char *cmd, const qemuProps *args,
                   qemuMonitorReply **reply)
{
    return qemuMonitorCommandFull(mon, cmd, args, reply, NULL);
}

int
qemuMonitorCommandSettled(qemuMonitor *mon, const char *cmd, const qemuProps *args,
                          const qemuMonitorEventFilter *settled)
{
    return qemuMonitorCommandFull(mon, cmd, args, NULL, settled);
}

/* ------------------------------------------------------------------ */
/* Events                                                               */
/* ------------------------------------------------------------------ */

guint
qemuMonitorEventPosition(qemuMonitor *mon)
{
    guint pos;

    g_mutex_lock(&mon->lock);
    /* an event that came before this is not after the position */
    qemuMonitorReadNowLocked(mon);
    pos = mon->events->len;
    g_mutex_unlock(&mon->lock);
    return pos;
}

qemuMonitorWaitResult
qemuMonitorNextEvent(qemuMonitor *mon, guint *pos, gint64 deadline,
                     const qemuMonitorEvent **ev)
{
    qemuMonitorWaitResult ret;

    *ev = NULL;
    g_mutex_lock(&mon->lock);
    for (;;) {
        if (*pos < mon->events->len) {
            *ev = g_ptr_array_index(mon->events, (*pos)++);
            ret = QEMU_MONITOR_WAIT_EVENT;
            break;
        }
        if (mon->woken) {
            mon->woken = false;
            ret = QEMU_MONITOR_WAIT_WOKEN;
            break;
        }
        if (mon->closed) {
            ret = QEMU_MONITOR_WAIT_CLOSED;
            break;
        }
        if (!qemuMonitorWaitLocked(mon, deadline)) {
            /* what came with the deadline still counts */
            if (*pos < mon->events->len || mon->woken || mon->closed)
                continue;
            ret = QEMU_MONITOR_WAIT_TIMEOUT;
            break;
        }
    }
    g_mutex_unlock(&mon->lock);
    return ret;
}

static bool
qemuMonitorEventMatches(const qemuMonitorEvent *ev, const qemuMonitorEventFilter *filter)
{
    if (ev->type != filter->type)
        return false;
    if (filter->device && STRNEQ_NULLABLE(ev->device, filter->device))
        return false;
    if (filter->statuses &&
        (ev->status < 0 || !(filter->statuses & QEMU_MONITOR_MIGRATION_STATUS_SET(ev->status))))
        return false;
    return true;
}

/* "DEVICE_DELETED event for 'x'", "MIGRATION event (completed)" */
static char *
qemuMonitorDescribeFilter(const qemuMonitorEventFilter *filter)
{
    g_autoptr(GString) what = g_string_new(qemuMonitorEventTypeToString(filter->type));
    size_t i;

    g_string_append(what, _(" event"));
    if (filter->device)
        g_string_append_printf(what, _(" for '%s'"), filter->device);
    if (filter->statuses) {
        const char *sep = " (";

        for (i = 0; i < QEMU_MONITOR_MIGRATION_STATUS_LAST; i++) {
            if (filter->statuses & QEMU_MONITOR_MIGRATION_STATUS_SET(i)) {
                g_string_append_printf(what, "%s%s", sep,
                                       qemuMonitorMigrationStatusTypeToString(i));
                sep = _(" or ");
            }
        }
        g_string_append_c(what, ')');
    }
    return g_string_free(g_steal_pointer(&what), FALSE);
}

const qemuMonitorEvent *
qemuMonitorFindEvent(qemuMonitor *mon, guint *pos, const qemuMonitorEventFilter *filter)
{
    const qemuMonitorEvent *ev = NULL;

    g_mutex_lock(&mon->lock);
    qemuMonitorReadNowLocked(mon);
    if (qemuMonitorEventArrived(mon, pos, filter))
        ev = g_ptr_array_index(mon->events, (*pos)++);
    g_mutex_unlock(&mon->lock);
    return ev;
}

const qemuMonitorEvent *
qemuMonitorWaitEvent(qemuMonitor *mon, guint *pos, const qemuMonitorEventFilter *filter,
                     int timeoutMs, const char *hint)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    g_autofree char *who = NULL;
    g_autofree char *what = NULL;

    for (;;) {
        const qemuMonitorEvent *ev;

        switch (qemuMonitorNextEvent(mon, pos, deadline, &ev)) {
        case QEMU_MONITOR_WAIT_EVENT:
            if (qemuMonitorEventMatches(ev, filter))
                return ev;
            continue;
        case QEMU_MONITOR_WAIT_WOKEN:
            continue;
        case QEMU_MONITOR_WAIT_CLOSED:
            who = qemuMonitorWho(mon);
            what = qemuMonitorDescribeFilter(filter);
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("%s closed its monitor while we waited for a %s"),
                           who, what);
            return NULL;
        case QEMU_MONITOR_WAIT_TIMEOUT:
            who = qemuMonitorWho(mon);
            what = qemuMonitorDescribeFilter(filter);
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("%s sent no %s within %d ms%s%s"),
                           who, what, timeoutMs, hint ? ": " : "", hint ? hint : "");
            return NULL;
        }
    }
}

const qemuMonitorEvent *
qemuMonitorTakeEvent(qemuMonitor *mon)
{
    const qemuMonitorEvent *ev = NULL;

    g_mutex_lock(&mon->lock);
    if (mon->taken >= mon->events->len)
        qemuMonitorReadNowLocked(mon);
    if (mon->taken < mon->events->len)
        ev = g_ptr_array_index(mon->events, mon->taken++);
    g_mutex_unlock(&mon->lock);
    return ev;
}

void
qemuMonitorWakeup(qemuMonitor *mon)
{
    g_mutex_lock(&mon->lock);
    mon->woken = true;
    g_cond_broadcast(&mon->cond);
    qemuMonitorInterrupt(mon);
    g_mutex_unlock(&mon->lock);
}

void
qemuMonitorAddWakeupFd(qemuMonitor *mon, int fd)
{
    qemuMonitorRemoveWakeupFd(mon);
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    g_mutex_lock(&mon->lock);
    mon->wakeFd = fd;
    /* a thread in poll polls it from its next round */
    qemuMonitorInterrupt(mon);
    g_mutex_unlock(&mon->lock);
}

void
qemuMonitorRemoveWakeupFd(qemuMonitor *mon)
{
    g_mutex_lock(&mon->lock);
    if (mon->wakeFd >= 0) {
        mon->wakeFd = -1;
        mon->wakeFdGen++;
    }
    g_mutex_unlock(&mon->lock);
}
