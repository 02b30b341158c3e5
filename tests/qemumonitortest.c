/*
 * qemumonitortest.c: the QMP client against a fake QEMU that misbehaves
 */
#include "internal.h"

#include <glib-unix.h>
#include <sys/socket.h>

#include "qemu/qemu_monitor.h"
#include "qemumonitortestutils.h"
#include "testutils.h"
#include "virerror.h"

#define GREETING "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},\"capabilities\":[]}}\r\n" QEMU_MONITOR_TEST_NEXT
#define NEXT QEMU_MONITOR_TEST_NEXT

typedef struct {
    GMutex lock;
    GPtrArray *events;
    bool eof;
    bool eofError;
} testEvents;

static void
testEvent(qemuMonitor *mon G_GNUC_UNUSED, const char *event, yajl_val data, void *opaque)
{
    testEvents *ev = opaque;
    const char *dev = qemuMonitorObjectGetString(data, "device-id");

    g_mutex_lock(&ev->lock);
    g_ptr_array_add(ev->events, g_strdup_printf("%s %s", event, NULLSTR(dev)));
    g_mutex_unlock(&ev->lock);
}

static void
testEOF(qemuMonitor *mon G_GNUC_UNUSED, bool error, void *opaque)
{
    testEvents *ev = opaque;

    g_mutex_lock(&ev->lock);
    ev->eof = true;
    ev->eofError = error;
    g_mutex_unlock(&ev->lock);
}

static const qemuMonitorCallbacks testCallbacks = { testEvent, testEOF };

/* The EOF callback runs on the monitor's thread, maybe just after the
 * failed command returned: wait for it. */
static bool
testWaitEOF(testEvents *ev, bool wantError)
{
    gint64 deadline = g_get_monotonic_time() + G_USEC_PER_SEC;
    bool done = false;

    while (!done && g_get_monotonic_time() < deadline) {
        g_mutex_lock(&ev->lock);
        done = ev->eof && ev->eofError == wantError;
        g_mutex_unlock(&ev->lock);
        if (!done)
            g_usleep(1000);
    }
    return done;
}

/* Open a monitor on a peer that sends @raw. */
static qemuMonitor *
testOpenRaw(const char *raw, bool closeAfter, qemuMonitorTest **test, testEvents *ev)
{
    int fd;

    if (!(*test = qemuMonitorTestNewRaw(raw, closeAfter, &fd)))
        return NULL;
    return qemuMonitorOpenFD(fd, 1000, &testCallbacks, ev);
}

static int
testNoGreeting(const void *opaque G_GNUC_UNUSED)
{
    testEvents ev = { .events = g_ptr_array_new_with_free_func(g_free) };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw("", false, &test, &ev);
    int ret = mon ? -1 : 0;

    if (mon)
        qemuMonitorClose(mon);
    else if (virGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT)
        ret = -1;
    qemuMonitorTestFree(test);
    g_ptr_array_unref(ev.events);
    return ret;
}

static int
testEOFBeforeGreeting(const void *opaque G_GNUC_UNUSED)
{
    testEvents ev = { .events = g_ptr_array_new_with_free_func(g_free) };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw("", true, &test, &ev);
    int ret = mon ? -1 : 0;

    if (mon)
        qemuMonitorClose(mon);
    else if (!strstr(virGetLastErrorMessage(), "closed the monitor") ||
             virGetLastErrorCode() != VIR_ERR_OPERATION_FAILED)
        ret = -1;  /* an EOF is not a timeout */
    qemuMonitorTestFree(test);
    g_ptr_array_unref(ev.events);
    return ret;
}

static int
testMalformed(const void *opaque G_GNUC_UNUSED)
{
    testEvents ev = { .events = g_ptr_array_new_with_free_func(g_free) };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(GREETING "{\"return\": {}, \"id\": 1}\r\n" NEXT "{this is not json\r\n",
                                   false, &test, &ev);
    int ret = -1;

    if (!mon)
        goto cleanup;
    /* the broken message closes the connection; commands then fail */
    if (qemuMonitorCommand(mon, "query-status", NULL, 1000, NULL) == 0)
        goto cleanup;
    if (qemuMonitorIsAlive(mon) || !testWaitEOF(&ev, true))
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    g_ptr_array_unref(ev.events);
    return ret;
}

static int
testOversized(const void *opaque G_GNUC_UNUSED)
{
    testEvents ev = { .events = g_ptr_array_new_with_free_func(g_free) };
    qemuMonitorTest *test = NULL;
    g_autoptr(GString) raw = g_string_new(GREETING "{\"return\": {}, \"id\": 1}\r\n" NEXT "{\"return\":\"");
    qemuMonitor *mon;
    int ret = -1;

    /* a message larger than the limit, never terminated */
    while (raw->len < QEMU_MONITOR_MAX_MESSAGE + 4096)
        g_string_append(raw, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    if (!(mon = testOpenRaw(raw->str, false, &test, &ev)))
        goto cleanup;
    if (qemuMonitorCommand(mon, "query-status", NULL, 5000, NULL) == 0)
        goto cleanup;
    if (!testWaitEOF(&ev, true))
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    g_ptr_array_unref(ev.events);
    return ret;
}

static int
testTimeout(const void *opaque G_GNUC_UNUSED)
{
    testEvents ev = { .events = g_ptr_array_new_with_free_func(g_free) };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(GREETING "{\"return\": {}, \"id\": 1}\r\n", false, &test, &ev);
    gint64 t0;
    int ret = -1;

    if (!mon)
        goto cleanup;
    t0 = g_get_monotonic_time();
    if (qemuMonitorCommand(mon, "query-status", NULL, 200, NULL) == 0 ||
        virGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT)
        goto cleanup;
    /* it returned because of the timeout, not of something else */
    if (g_get_monotonic_time() - t0 < 150 * 1000)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    g_ptr_array_unref(ev.events);
    return ret;
}

static int
testEventsAndErrors(const void *opaque G_GNUC_UNUSED)
{
    testEvents ev = { .events = g_ptr_array_new_with_free_func(g_free) };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(GREETING
                                   "{\"return\": {}, \"id\": 1}\r\n" NEXT
                                   "{\"event\": \"FAILOVER_NEGOTIATED\", \"data\": {\"device-id\": \"ua-backup0\"}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
                                   "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Device 'x' not found\"}, \"id\": 2}\r\n" NEXT
                                   "{\"event\": \"UNPLUG_PRIMARY\", \"data\": {\"device-id\": \"hostdev0\"}}\r\n"
                                   "{\"return\": {\"status\": \"running\"}, \"id\": 3}\r\n",
                                   false, &test, &ev);
    g_autoptr(qemuMonitorReply) reply = NULL;
    int ret = -1;

    if (!mon)
        goto cleanup;
    if (qemuMonitorGetVersion(mon) != 7002000 ||
        !g_str_has_prefix(NULLSTR(qemuMonitorGetGreeting(mon)), "{\"QMP\":"))
        goto cleanup;
    if (qemuMonitorCommand(mon, "device_del", "{\"id\":\"x\"}", 1000, NULL) == 0 ||
        !strstr(virGetLastErrorMessage(), "Device 'x' not found"))
        goto cleanup;
    if (qemuMonitorCommand(mon, "query-status", NULL, 1000, &reply) < 0 ||
        STRNEQ_NULLABLE(qemuMonitorObjectGetString(reply->ret, "status"), "running"))
        goto cleanup;
    g_mutex_lock(&ev.lock);
    ret = ev.events->len == 2 &&
          STREQ(g_ptr_array_index(ev.events, 0), "FAILOVER_NEGOTIATED ua-backup0") &&
          STREQ(g_ptr_array_index(ev.events, 1), "UNPLUG_PRIMARY hostdev0") ? 0 : -1;
    g_mutex_unlock(&ev.lock);
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    g_ptr_array_unref(ev.events);
    return ret;
}

/* Fake QEMU side of testOpenPeer: answer qmp_capabilities. */
static gpointer
testAnswerCapabilities(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    const char *reply = "{\"return\": {}, \"id\": 1}\r\n";
    char c;

    while (read(fd, &c, 1) == 1 && c != '\n')
        ;
    if (write(fd, reply, strlen(reply)) < 0)
        return NULL;
    return NULL;
}

/* A monitor on a socket pair whose other end (*peerfd, the caller's to
 * close) has greeted and answered qmp_capabilities; NULL on failure. */
static qemuMonitor *
testOpenPeer(int *peerfd, const qemuMonitorCallbacks *cb, void *opaque)
{
    const char *greeting = "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},\"capabilities\":[]}}\r\n";
    qemuMonitor *mon;
    GThread *peer;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return NULL;
    if (write(sv[0], greeting, strlen(greeting)) != (ssize_t)strlen(greeting)) {
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    peer = g_thread_new("fake-qemu", testAnswerCapabilities, GINT_TO_POINTER(sv[0]));
    mon = qemuMonitorOpenFD(sv[1], 1000, cb, opaque);
    g_thread_join(peer);
    if (!mon) {
        close(sv[0]);
        return NULL;
    }
    *peerfd = sv[0];
    return mon;
}

/* QEMU stopped reading (it is exiting): sending a command must fail
 * with an error, not kill us with SIGPIPE. */
static int
testPeerStoppedReading(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitor *mon;
    int peerfd = -1;
    int ret = -1;

    if (!(mon = testOpenPeer(&peerfd, NULL, NULL)))
        return -1;
    shutdown(peerfd, SHUT_RD);
    if (qemuMonitorCommand(mon, "query-status", NULL, 1000, NULL) == 0 ||
        virGetLastErrorCode() == VIR_ERR_OK)
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(peerfd);
    return ret;
}

/* Closed without waiting for its thread: no callback after the close
 * returns (the caller frees what they use), and the thread still ends and
 * closes the connection by itself. */
static int
testCloseNoWait(const void *opaque G_GNUC_UNUSED)
{
    const char *event = "{\"event\": \"UNPLUG_PRIMARY\", \"data\": {\"device-id\": \"hostdev0\"}}\r\n";
    testEvents *ev = g_new0(testEvents, 1);
    qemuMonitor *mon;
    gint64 deadline;
    int peerfd = -1;
    int ret = -1;
    char c;

    ev->events = g_ptr_array_new_with_free_func(g_free);
    if (!(mon = testOpenPeer(&peerfd, &testCallbacks, ev)))
        goto cleanup;
    qemuMonitorCloseNoWait(mon);
    /* an event that arrives now reaches nobody (or finds the connection
     * closed already); ev goes at once */
    if (send(peerfd, event, strlen(event), MSG_NOSIGNAL) < 0 && errno != EPIPE)
        goto cleanup;
    g_ptr_array_unref(g_steal_pointer(&ev->events));
    g_clear_pointer(&ev, g_free);
    /* the thread closes its end */
    deadline = g_get_monotonic_time() + G_USEC_PER_SEC;
    g_unix_set_fd_nonblocking(peerfd, TRUE, NULL);
    while (g_get_monotonic_time() < deadline) {
        if (read(peerfd, &c, 1) == 0) {
            ret = 0;
            break;
        }
        g_usleep(1000);
    }
 cleanup:
    if (ev) {
        g_ptr_array_unref(ev->events);
        g_free(ev);
    }
    if (peerfd >= 0)
        close(peerfd);
    return ret;
}

static int
mymain(void)
{
    virTestRun("no greeting: timeout", testNoGreeting, NULL);
    virTestRun("EOF before greeting", testEOFBeforeGreeting, NULL);
    virTestRun("malformed JSON closes the connection", testMalformed, NULL);
    virTestRun("oversized message closes the connection", testOversized, NULL);
    virTestRun("command timeout", testTimeout, NULL);
    virTestRun("events, error replies, ids", testEventsAndErrors, NULL);
    virTestRun("peer stopped reading: error, no SIGPIPE", testPeerStoppedReading, NULL);
    virTestRun("close without waiting: no callback after, thread ends", testCloseNoWait, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
