/*
 * virnetclienttest.c: the client end of an RPC connection against a fake
 * server on a socket pair
 *
 * The server side is scripted per case in the test thread: it reads the
 * frames the client sends and answers (or not) as the case wants.
 */
#include "internal.h"

#include <sys/socket.h>

#include "testutils.h"
#include "virerror.h"
#include "virnetclient.h"
#include "remote_program.h"
#include "testrpcutils.h"

static int
serverReplyString(int fd, const virNetMessage *call, const char *str)
{
    remote_connect_get_hostname_ret ret = { .hostname = (char *)str };

    return testRPCReply(fd, call, (xdrproc_t)xdr_remote_connect_get_hostname_ret, &ret);
}

typedef struct {
    virNetClient *client;
    int proc;
    int rc;
    char *str;
    virErrorPtr err;
    gint64 took;            /* µs */
} testCall;

/* A call of a procedure that answers one string, in its own thread. */
static gpointer
testCallThread(gpointer opaque)
{
    testCall *c = opaque;
    char *ret = NULL;
    gint64 start = g_get_monotonic_time();

    c->rc = virNetClientCall(c->client, &remoteProgram, c->proc, NULL, &ret);
    c->took = g_get_monotonic_time() - start;
    if (c->rc == 0) {
        c->str = g_strdup(ret);
        xdr_free((xdrproc_t)xdr_remote_connect_get_hostname_ret, (char *)&ret);
    } else {
        c->err = virSaveLastError();
    }
    return NULL;
}

typedef struct {
    int fds[2];             /* [0] client, [1] fake server */
    virNetClient *client;
    GMutex lock;
    int events;
    int lastEventProc;
    GThread *eventThread;   /* the thread that handled the last event */
    int closeReason;
    int closes;
} testConn;

static void
testEvent(virNetClient *client G_GNUC_UNUSED, virNetMessage *msg, void *opaque)
{
    testConn *t = opaque;

    g_mutex_lock(&t->lock);
    t->events++;
    t->lastEventProc = msg->header.proc;
    t->eventThread = g_thread_self();
    g_mutex_unlock(&t->lock);
}

static void
testClose(virNetClient *client G_GNUC_UNUSED, int reason, void *opaque)
{
    testConn *t = opaque;

    g_mutex_lock(&t->lock);
    t->closes++;
    t->closeReason = reason;
    g_mutex_unlock(&t->lock);
}

/* The close handler runs in the I/O thread after the calls were failed:
 * give it a moment. */
static void
testWaitClose(testConn *t)
{
    int i;

    for (i = 0; i < 500; i++) {
        bool done;

        g_mutex_lock(&t->lock);
        done = t->closes > 0;
        g_mutex_unlock(&t->lock);
        if (done)
            return;
        g_usleep(10 * 1000);
    }
}

static int
testConnOpen(testConn *t)
{
    memset(t, 0, sizeof(*t));
    g_mutex_init(&t->lock);
    t->closeReason = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->fds) < 0) {
        fprintf(stderr, "socketpair: %s\n", g_strerror(errno));
        return -1;
    }
    if (!(t->client = virNetClientNewFD(t->fds[0]))) {
        close(t->fds[1]);
        return -1;
    }
    virNetClientSetEventHandler(t->client, testEvent, t);
    virNetClientSetCloseHandler(t->client, testClose, t);
    return 0;
}

static void
testConnClose(testConn *t)
{
    virNetClientFree(t->client);
    if (t->fds[1] >= 0)
        close(t->fds[1]);
    g_mutex_clear(&t->lock);
}

static void
testCallClear(testCall *c)
{
    g_free(c->str);
    virFreeError(c->err);
}


/* Two calls in flight; the second one's reply comes first. */
static int
testOutOfOrder(const void *data G_GNUC_UNUSED)
{
    testConn t;
    testCall a = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    testCall b = { .proc = REMOTE_PROC_CONNECT_GET_CAPABILITIES };
    g_autoptr(virNetMessage) first = NULL;
    g_autoptr(virNetMessage) second = NULL;
    GThread *ta, *tb;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    a.client = b.client = t.client;
    ta = g_thread_new("a", testCallThread, &a);
    if (!(first = testRPCRead(t.fds[1], 5000)))
        goto join;
    tb = g_thread_new("b", testCallThread, &b);
    if (!(second = testRPCRead(t.fds[1], 5000))) {
        g_thread_join(tb);
        goto join;
    }
    if (first->header.serial == second->header.serial) {
        fprintf(stderr, "two calls with serial %u\n", first->header.serial);
    } else if (serverReplyString(t.fds[1], second, "second") == 0 &&
               serverReplyString(t.fds[1], first, "first") == 0) {
        ret = 0;
    }
    g_thread_join(tb);
 join:
    if (ret < 0)
        shutdown(t.fds[1], SHUT_RDWR);
    g_thread_join(ta);
    if (ret == 0 && (a.rc != 0 || b.rc != 0 ||
                     STRNEQ_NULLABLE(a.str, "first") || STRNEQ_NULLABLE(b.str, "second"))) {
        fprintf(stderr, "a: rc %d '%s'; b: rc %d '%s'\n",
                a.rc, NULLSTR(a.str), b.rc, NULLSTR(b.str));
        ret = -1;
    }
    testCallClear(&a);
    testCallClear(&b);
    testConnClose(&t);
    return ret;
}

/* The server sends a lifecycle event. */
static int
serverEvent(int fd)
{
    g_autoptr(virNetMessage) ev = virNetMessageNew();
    remote_domain_event_callback_lifecycle_msg body = { 0 };

    ev->header.prog = REMOTE_PROGRAM;
    ev->header.vers = REMOTE_PROTOCOL_VERSION;
    ev->header.proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE;
    ev->header.type = VIR_NET_MESSAGE;
    ev->header.serial = 1;
    body.msg.dom.name = (char *)"d1";
    body.msg.dom.id = 2;
    body.msg.event = 6;
    body.msg.detail = 2;
    if (virNetMessageEncodeHeader(ev) < 0 ||
        virNetMessageEncodePayload(ev, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                                   &body) < 0)
        return -1;
    return testRPCWrite(fd, ev);
}

/* @events events were handled, the last one (a lifecycle event) by
 * @thread: the thread of the call that read it. */
static int
testEventsHandled(testConn *t, int events, GThread *thread)
{
    int ret = 0;

    g_mutex_lock(&t->lock);
    if (t->events != events ||
        t->lastEventProc != REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) {
        fprintf(stderr, "events: %d, last proc %d\n", t->events, t->lastEventProc);
        ret = -1;
    } else if (t->eventThread != thread) {
        fprintf(stderr, "the event was handled by another thread than the waiting call's\n");
        ret = -1;
    }
    g_mutex_unlock(&t->lock);
    return ret;
}

/* An event between a call and its reply goes to the event handler, in
 * the thread of the call, which reads while it waits; the call still
 * gets its reply. */
static int
testEventBetween(const void *data G_GNUC_UNUSED)
{
    testConn t;
    testCall a = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    g_autoptr(virNetMessage) call = NULL;
    GThread *ta;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    a.client = t.client;
    ta = g_thread_new("a", testCallThread, &a);
    if (!(call = testRPCRead(t.fds[1], 5000)))
        goto join;
    if (serverEvent(t.fds[1]) < 0 ||
        serverReplyString(t.fds[1], call, "host") < 0)
        goto join;
    ret = 0;
 join:
    if (ret < 0)
        shutdown(t.fds[1], SHUT_RDWR);
    /* kept until the event's thread is compared */
    g_thread_join(g_thread_ref(ta));
    if (ret == 0 && (a.rc != 0 || STRNEQ_NULLABLE(a.str, "host"))) {
        fprintf(stderr, "call: rc %d '%s'\n", a.rc, NULLSTR(a.str));
        ret = -1;
    }
    /* the event was read before the reply, so it was handled before */
    if (ret == 0)
        ret = testEventsHandled(&t, 1, ta);
    g_thread_unref(ta);
    testCallClear(&a);
    testConnClose(&t);
    return ret;
}

/* Two calls in flight: the first one reads until its reply came, then
 * hands the socket to the second, whose thread reads what comes next
 * (an event, its reply). */
static int
testReaderHandoff(const void *data G_GNUC_UNUSED)
{
    testConn t;
    testCall a = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    testCall b = { .proc = REMOTE_PROC_CONNECT_GET_CAPABILITIES };
    g_autoptr(virNetMessage) first = NULL;
    g_autoptr(virNetMessage) second = NULL;
    GThread *ta;
    GThread *tb = NULL;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    a.client = b.client = t.client;
    ta = g_thread_new("a", testCallThread, &a);
    if (!(first = testRPCRead(t.fds[1], 5000)))
        goto join;
    tb = g_thread_new("b", testCallThread, &b);
    if (!(second = testRPCRead(t.fds[1], 5000)) ||
        serverReplyString(t.fds[1], first, "first") < 0)
        goto join;
    g_thread_join(g_steal_pointer(&ta));
    if (serverEvent(t.fds[1]) < 0 ||
        serverReplyString(t.fds[1], second, "second") < 0)
        goto join;
    ret = 0;
 join:
    if (ret < 0)
        shutdown(t.fds[1], SHUT_RDWR);
    if (ta)
        g_thread_join(ta);
    /* kept until the event's thread is compared */
    if (tb)
        g_thread_join(g_thread_ref(tb));
    if (ret == 0 && (a.rc != 0 || b.rc != 0 ||
                     STRNEQ_NULLABLE(a.str, "first") || STRNEQ_NULLABLE(b.str, "second"))) {
        fprintf(stderr, "a: rc %d '%s'; b: rc %d '%s'\n",
                a.rc, NULLSTR(a.str), b.rc, NULLSTR(b.str));
        ret = -1;
    }
    if (ret == 0)
        ret = testEventsHandled(&t, 1, tb);
    if (tb)
        g_thread_unref(tb);
    testCallClear(&a);
    testCallClear(&b);
    testConnClose(&t);
    return ret;
}

/* A PING from the server gets a PONG. */
static int
testPingAnswered(const void *data G_GNUC_UNUSED)
{
    testConn t;
    g_autoptr(virNetMessage) ping = virNetMessageNewKeepalive(KEEPALIVE_PROC_PING);
    g_autoptr(virNetMessage) pong = NULL;
    int proc = -1;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    if (ping && testRPCWrite(t.fds[1], ping) == 0 &&
        (pong = testRPCRead(t.fds[1], 5000)) &&
        virNetMessageIsKeepalive(pong, &proc) && proc == KEEPALIVE_PROC_PONG)
        ret = 0;
    else
        fprintf(stderr, "no PONG (got %s, proc %d)\n", pong ? "a message" : "nothing", proc);
    testConnClose(&t);
    return ret;
}

/* A server that reads the call and then says nothing, not even to our
 * PINGs: the call fails once keepalive gives up, with a clear error, and
 * the close handler hears why. */
static int
testServerSilent(const void *data G_GNUC_UNUSED)
{
    testConn t;
    testCall a = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    g_autoptr(virNetMessage) call = NULL;
    GThread *ta;
    int pings = 0;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    /* 100 ms of silence, 2 unanswered PINGs: dead after about 300 ms */
    virNetClientSetKeepAlive(t.client, 100, 2);
    a.client = t.client;
    ta = g_thread_new("a", testCallThread, &a);
    call = testRPCRead(t.fds[1], 5000);
    /* read what comes (the PINGs) without answering */
    for (;;) {
        g_autoptr(virNetMessage) m = testRPCRead(t.fds[1], 3000);
        int proc;

        if (!m)
            break;
        if (virNetMessageIsKeepalive(m, &proc) && proc == KEEPALIVE_PROC_PING)
            pings++;
    }
    g_thread_join(ta);
    testWaitClose(&t);

    if (!call)
        fprintf(stderr, "the call never arrived\n");
    else if (a.rc != -1 || !a.err)
        fprintf(stderr, "the call did not fail (rc %d)\n", a.rc);
    else if (!strstr(NULLSTR(a.err->message), "keepalive timeout"))
        fprintf(stderr, "unexpected error: %s\n", NULLSTR(a.err->message));
    else if (a.took > 2 * G_USEC_PER_SEC)
        fprintf(stderr, "the call failed after %" G_GINT64_FORMAT " ms, not ~300\n",
                a.took / 1000);
    else if (pings != 2)
        fprintf(stderr, "%d PINGs sent, not 2\n", pings);
    else if (t.closes != 1 || t.closeReason != VIR_NET_CLIENT_CLOSE_KEEPALIVE)
        fprintf(stderr, "close handler: %d calls, reason %d\n", t.closes, t.closeReason);
    else
        ret = 0;
    testCallClear(&a);
    testConnClose(&t);
    return ret;
}

/* The server hangs up while two calls wait: both fail, and later calls
 * fail at once. */
static int
testClosedMidCall(const void *data G_GNUC_UNUSED)
{
    testConn t;
    testCall a = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    testCall b = { .proc = REMOTE_PROC_CONNECT_GET_CAPABILITIES };
    testCall c = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    g_autoptr(virNetMessage) m1 = NULL;
    g_autoptr(virNetMessage) m2 = NULL;
    GThread *ta, *tb;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    a.client = b.client = c.client = t.client;
    ta = g_thread_new("a", testCallThread, &a);
    tb = g_thread_new("b", testCallThread, &b);
    m1 = testRPCRead(t.fds[1], 5000);
    m2 = testRPCRead(t.fds[1], 5000);
    close(t.fds[1]);
    t.fds[1] = -1;
    g_thread_join(ta);
    g_thread_join(tb);
    testCallThread(&c);
    testWaitClose(&t);

    if (!m1 || !m2)
        fprintf(stderr, "the calls did not arrive\n");
    else if (a.rc != -1 || b.rc != -1 || c.rc != -1)
        fprintf(stderr, "rc %d %d %d, not all -1\n", a.rc, b.rc, c.rc);
    else if (!strstr(NULLSTR(a.err->message), "End of file") ||
             !strstr(NULLSTR(b.err->message), "End of file") ||
             !strstr(NULLSTR(c.err->message), "End of file"))
        fprintf(stderr, "errors: '%s' '%s' '%s'\n", NULLSTR(a.err->message),
                NULLSTR(b.err->message), NULLSTR(c.err->message));
    else if (virNetClientIsOpen(t.client))
        fprintf(stderr, "the client still says it is open\n");
    else if (t.closes != 1 || t.closeReason != VIR_NET_CLIENT_CLOSE_EOF)
        fprintf(stderr, "close handler: %d calls, reason %d\n", t.closes, t.closeReason);
    else
        ret = 0;
    testCallClear(&a);
    testCallClear(&b);
    testCallClear(&c);
    testConnClose(&t);
    return ret;
}

/* An error reply becomes the caller's error as the server sent it. */
static int
testErrorReply(const void *data G_GNUC_UNUSED)
{
    testConn t;
    testCall a = { .proc = REMOTE_PROC_CONNECT_GET_HOSTNAME };
    g_autoptr(virNetMessage) call = NULL;
    const char *message = "Domain not found: no domain with matching name 'nosuch'";
    GThread *ta;
    int ret = -1;

    if (testConnOpen(&t) < 0)
        return -1;
    a.client = t.client;
    ta = g_thread_new("a", testCallThread, &a);
    if ((call = testRPCRead(t.fds[1], 5000)))
        testRPCReplyError(t.fds[1], call, VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU, message);
    g_thread_join(ta);
    if (a.rc != -1 || !a.err)
        fprintf(stderr, "the call did not fail\n");
    else if (a.err->code != VIR_ERR_NO_DOMAIN || a.err->domain != VIR_FROM_QEMU ||
             STRNEQ_NULLABLE(a.err->message, message))
        fprintf(stderr, "error %d/%d '%s'\n", a.err->code, a.err->domain,
                NULLSTR(a.err->message));
    else if (!virNetClientIsOpen(t.client))
        fprintf(stderr, "an error reply closed the connection\n");
    else
        ret = 0;
    testCallClear(&a);
    testConnClose(&t);
    return ret;
}

static int
mymain(void)
{
    virTestRun("replies out of order are matched by serial", testOutOfOrder, NULL);
    virTestRun("an event between a call and its reply", testEventBetween, NULL);
    virTestRun("a call done hands the socket to the next waiting call",
               testReaderHandoff, NULL);
    virTestRun("a PING is answered", testPingAnswered, NULL);
    virTestRun("a silent server fails the call within the keepalive bound",
               testServerSilent, NULL);
    virTestRun("a hangup fails every waiting call", testClosedMidCall, NULL);
    virTestRun("an error reply is the caller's error", testErrorReply, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
