/*
 * qemu_monitor.c: a QMP client
 */
#include "internal.h"

#include <glib-unix.h>
#include <sys/socket.h>
#include <yajl/yajl_gen.h>

#include "qemu_monitor.h"
#include "virerror.h"
#include "virfile.h"
#include "virsocket.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

#define QEMU_MONITOR_DEFAULT_TIMEOUT 30000

typedef struct {
    unsigned long long id;
    bool done;
    qemuMonitorReply *reply;
    char *error;            /* QEMU's error description */
} qemuMonitorPending;

struct _qemuMonitor {
    int fd;
    GMutex lock;
    GCond cond;
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;
    GSource *watch;
    GString *inbuf;

    GMutex cbLock;          /* held while a callback runs */
    qemuMonitorCallbacks cb;
    void *opaque;
    bool detached;          /* closed without waiting: the thread frees */

    bool greeted;
    bool closed;            /* EOF or error seen */
    char *closeReason;
    unsigned long version;
    char *greeting;
    unsigned long long nextId;
    GHashTable *pending;    /* id -> qemuMonitorPending* (not owned) */
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

char *
qemuMonitorJSONString(const char *str)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *out;
    size_t len;
    char *ret;

    yajl_gen_string(g, (const unsigned char *)str, strlen(str));
    yajl_gen_get_buf(g, &out, &len);
    ret = g_strndup((const char *)out, len);
    yajl_gen_free(g);
    return ret;
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
        g_mutex_lock(&mon->cbLock);
        if (mon->cb.event)
            mon->cb.event(mon, event, qemuMonitorObjectGet(root, "data"), mon->opaque);
        g_mutex_unlock(&mon->cbLock);
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

static gboolean
qemuMonitorIO(gint fd, GIOCondition cond, gpointer opaque)
{
    qemuMonitor *mon = opaque;
    char buf[65536];
    ssize_t n;
    const char *reason = NULL;
    bool error = false;

    if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return G_SOURCE_CONTINUE;
        if (n <= 0) {
            reason = n == 0 ? _("QEMU closed the monitor connection") :
                              _("error reading from the QEMU monitor");
            /* QEMU exiting often resets the connection: that is an EOF too */
            error = n < 0 && errno != ECONNRESET;
            goto closed;
        }
        g_string_append_len(mon->inbuf, buf, n);
        if (mon->inbuf->len > QEMU_MONITOR_MAX_MESSAGE) {
            reason = _("QEMU sent an oversized monitor message");
            error = true;
            goto closed;
        }
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
            if (!qemuMonitorDispatchMessage(mon, line)) {
                reason = _("QEMU sent malformed JSON on the monitor");
                error = true;
                goto closed;
            }
        }
    }
    return G_SOURCE_CONTINUE;

 closed:
    g_mutex_lock(&mon->lock);
    qemuMonitorMarkClosed(mon, reason);
    g_mutex_unlock(&mon->lock);
    g_mutex_lock(&mon->cbLock);
    if (mon->cb.eof)
        mon->cb.eof(mon, error, mon->opaque);
    g_mutex_unlock(&mon->cbLock);
    mon->watch = NULL;
    return G_SOURCE_REMOVE;
}

static void qemuMonitorFree(qemuMonitor *mon);

static gpointer
qemuMonitorThread(gpointer opaque)
{
    qemuMonitor *mon = opaque;
    bool detached;

    g_main_context_push_thread_default(mon->ctx);
    g_main_loop_run(mon->loop);
    g_main_context_pop_thread_default(mon->ctx);
    g_mutex_lock(&mon->lock);
    detached = mon->detached;
    g_mutex_unlock(&mon->lock);
    if (detached)
        qemuMonitorFree(mon);
    return NULL;
}

qemuMonitor *
qemuMonitorOpenFD(int fd, int timeoutMs, const qemuMonitorCallbacks *cb,
                  void *opaque)
{
    qemuMonitor *mon = g_new0(qemuMonitor, 1);
    gint64 deadline;

    if (timeoutMs <= 0)
        timeoutMs = QEMU_MONITOR_DEFAULT_TIMEOUT;
    mon->fd = fd;
    g_mutex_init(&mon->lock);
    g_mutex_init(&mon->cbLock);
    g_cond_init(&mon->cond);
    mon->inbuf = g_string_new(NULL);
    mon->pending = g_hash_table_new(g_int64_hash, g_int64_equal);
    mon->nextId = 1;
    if (cb)
        mon->cb = *cb;
    mon->opaque = opaque;

    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    mon->ctx = g_main_context_new();
    mon->loop = g_main_loop_new(mon->ctx, FALSE);
    mon->watch = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(mon->watch, G_SOURCE_FUNC(qemuMonitorIO), mon, NULL);
    g_source_attach(mon->watch, mon->ctx);
    g_source_unref(mon->watch);
    mon->thread = g_thread_new("qemu-monitor", qemuMonitorThread, mon);

    /* greeting */
    deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    g_mutex_lock(&mon->lock);
    while (!mon->greeted && !mon->closed) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
            break;
    }
    if (!mon->greeted) {
        bool closed = mon->closed;

        g_mutex_unlock(&mon->lock);
        if (closed)
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("QEMU closed the monitor before greeting"));
        else
            virReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                           _("no QMP greeting from QEMU"));
        qemuMonitorClose(mon);
        return NULL;
    }
    g_mutex_unlock(&mon->lock);

    if (qemuMonitorCommand(mon, "qmp_capabilities", NULL, timeoutMs, NULL) < 0) {
        qemuMonitorClose(mon);
        return NULL;
    }
    return mon;
}

qemuMonitor *
qemuMonitorOpen(const char *path, int timeoutMs, const qemuMonitorCallbacks *cb,
                void *opaque)
{
    int fd;

    if (timeoutMs <= 0)
        timeoutMs = QEMU_MONITOR_DEFAULT_TIMEOUT;
    if ((fd = virSocketConnectUnix(path, timeoutMs)) < 0)
        return NULL;
    return qemuMonitorOpenFD(fd, timeoutMs, cb, opaque);
}

qemuMonitor *
qemuMonitorOpenListening(const char *path, int timeoutMs, const qemuMonitorCallbacks *cb,
                         void *opaque)
{
    int fd;

    /* one attempt: a deadline that has passed already */
    if ((fd = virSocketConnectUnix(path, 0)) < 0)
        return NULL;
    return qemuMonitorOpenFD(fd, timeoutMs, cb, opaque);
}

static gboolean
qemuMonitorQuitLoop(gpointer opaque)
{
    qemuMonitor *mon = opaque;

    if (mon->watch) {
        g_source_destroy(mon->watch);
        mon->watch = NULL;
    }
    g_main_loop_quit(mon->loop);
    return G_SOURCE_REMOVE;
}

static void
qemuMonitorStopLoop(qemuMonitor *mon)
{
    /* a detached monitor may be freed by its thread as soon as the quit is
     * attached: keep the context alive until we are done with the source */
    GMainContext *ctx = g_main_context_ref(mon->ctx);
    GSource *quit = g_idle_source_new();

    g_source_set_callback(quit, qemuMonitorQuitLoop, mon, NULL);
    g_source_attach(quit, ctx);
    g_source_unref(quit);
    g_main_context_unref(ctx);
}

/* Everything but the thread, which has finished or is finishing now. */
static void
qemuMonitorFree(qemuMonitor *mon)
{
    g_mutex_lock(&mon->lock);
    qemuMonitorMarkClosed(mon, _("monitor closed"));
    g_mutex_unlock(&mon->lock);
    if (mon->fd >= 0)
        close(mon->fd);
    g_main_loop_unref(mon->loop);
    g_main_context_unref(mon->ctx);
    g_hash_table_unref(mon->pending);
    g_string_free(mon->inbuf, TRUE);
    g_free(mon->closeReason);
    g_free(mon->greeting);
    g_cond_clear(&mon->cond);
    g_mutex_clear(&mon->cbLock);
    g_mutex_clear(&mon->lock);
    g_free(mon);
}

void
qemuMonitorClose(qemuMonitor *mon)
{
    if (!mon)
        return;
    if (mon->thread) {
        qemuMonitorStopLoop(mon);
        if (g_thread_self() != mon->thread)
            g_thread_join(mon->thread);
        else
            g_thread_unref(mon->thread);
    }
    qemuMonitorFree(mon);
}

void
qemuMonitorCloseNoWait(qemuMonitor *mon)
{
    if (!mon)
        return;
    if (!mon->thread || g_thread_self() == mon->thread) {
        qemuMonitorClose(mon);
        return;
    }
    /* no callback runs after this */
    g_mutex_lock(&mon->cbLock);
    memset(&mon->cb, 0, sizeof(mon->cb));
    mon->opaque = NULL;
    g_mutex_unlock(&mon->cbLock);
    g_mutex_lock(&mon->lock);
    qemuMonitorMarkClosed(mon, _("monitor closed"));
    mon->detached = true;
    g_mutex_unlock(&mon->lock);
    /* QEMU sees the end of this client now (and accepts the next one),
     * not when the thread gets to close the socket */
    shutdown(mon->fd, SHUT_RDWR);
    g_thread_unref(g_steal_pointer(&mon->thread));
    qemuMonitorStopLoop(mon);
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

void *
qemuMonitorGetOpaque(qemuMonitor *mon)
{
    return mon->opaque;
}

bool
qemuMonitorIsAlive(qemuMonitor *mon)
{
    bool alive;

    g_mutex_lock(&mon->lock);
    alive = !mon->closed;
    g_mutex_unlock(&mon->lock);
    return alive;
}

int
qemuMonitorCommand(qemuMonitor *mon, const char *cmd, const char *args,
                   int timeoutMs, qemuMonitorReply **reply)
{
    qemuMonitorPending p = { 0 };
    g_autofree char *msg = NULL;
    g_autofree char *cmdjson = qemuMonitorJSONString(cmd);
    gint64 deadline;

    if (reply)
        *reply = NULL;
    if (timeoutMs <= 0)
        timeoutMs = QEMU_MONITOR_DEFAULT_TIMEOUT;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot run '%s': %s"), cmd,
                       mon->closeReason ? mon->closeReason : _("monitor closed"));
        g_mutex_unlock(&mon->lock);
        return -1;
    }
    p.id = mon->nextId++;
    msg = g_strdup_printf("{\"execute\":%s%s%s,\"id\":%llu}\r\n", cmdjson,
                          args ? ",\"arguments\":" : "", args ? args : "", p.id);
    g_hash_table_insert(mon->pending, &p.id, &p);
    if (virFileSendAll(mon->fd, msg, strlen(msg)) < 0) {
        int err = errno;

        g_hash_table_remove(mon->pending, &p.id);
        g_mutex_unlock(&mon->lock);
        virReportSystemError(err, _("cannot send '%s' to the QEMU monitor"), cmd);
        return -1;
    }

    deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    while (!p.done && !mon->closed) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
            break;
    }
    if (!p.done) {
        bool closed = mon->closed;

        g_hash_table_remove(mon->pending, &p.id);
        if (closed)
            virReportError(VIR_ERR_OPERATION_FAILED, _("'%s' failed: %s"), cmd,
                           mon->closeReason ? mon->closeReason : _("monitor closed"));
        else
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("QEMU did not answer '%s' within %d ms"), cmd, timeoutMs);
        g_mutex_unlock(&mon->lock);
        return -1;
    }
    g_mutex_unlock(&mon->lock);

    if (p.error) {
        virReportError(VIR_ERR_OPERATION_FAILED, _("QEMU refused '%s': %s"), cmd, p.error);
        g_free(p.error);
        return -1;
    }
    if (reply)
        *reply = p.reply;
    else
        qemuMonitorReplyFree(p.reply);
    return 0;
}
