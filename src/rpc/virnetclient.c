/*
 * virnetclient.c: the client end of one RPC connection
 */
#include "internal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

#include "virnetclient.h"
#include "virnetsocket.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_RPC

typedef struct _virNetClientPending virNetClientPending;
struct _virNetClientPending {
    unsigned int serial;
    bool done;
    virNetMessage *reply;     /* set by the I/O thread when done */
    virErrorPtr err;          /* or why it ended without a reply */
    GCond cond;
};

struct _virNetClient {
    gint refs;
    GMutex lock;

    int fd;
    virNetTLSSession *tls;    /* NULL: plain */
    int wakeup[2];            /* pipe: wakes the I/O thread */
    GThread *thread;

    bool closed;              /* no more calls; the I/O thread is exiting */
    virErrorPtr closeErr;     /* why, for calls made after the end */
    bool peerClosed;          /* the peer, the wire or keepalive ended it */
    int closeReason;          /* then: VIR_NET_CLIENT_CLOSE_*, for closeFunc */

    /* The call whose own thread reads the socket while it waits for its
     * reply (poll, read, dispatch), so that the reply wakes that thread
     * and not the I/O thread, which would then have to wake it. NULL: the
     * I/O thread reads. The I/O thread always writes what a call could
     * not write at once, and keeps time for keepalive. */
    virNetClientPending *reader;

    unsigned int serial;      /* of the next call */
    GPtrArray *calls;         /* virNetClientCall waiting for replies */
    GQueue tx;                /* virNetMessage to send, head first */
    size_t txOffset;          /* bytes of the head already sent */
    virNetMessage *rx;        /* the frame being read */

    int kaInterval;           /* ms; <= 0: off */
    unsigned int kaCount;
    unsigned int kaPings;     /* sent since the peer last spoke */
    gint64 lastRx;            /* monotonic µs */

    /* Until virNetClientOpenDone: the end of the bound on opening (monotonic
     * µs, 0: none), its length for messages, and who we wait for. */
    gint64 openDeadline;
    int openTimeoutMs;
    char *server;

    virNetClientEventFunc eventFunc;
    void *eventOpaque;
    virNetClientCloseFunc closeFunc;
    void *closeOpaque;
};

static void
virNetClientUnref(virNetClient *client)
{
    if (!client || !g_atomic_int_dec_and_test(&client->refs))
        return;
    virNetTLSSessionFree(client->tls);
    if (client->fd >= 0)
        close(client->fd);
    if (client->wakeup[0] >= 0)
        close(client->wakeup[0]);
    if (client->wakeup[1] >= 0)
        close(client->wakeup[1]);
    g_ptr_array_unref(client->calls);
    g_queue_clear_full(&client->tx, (GDestroyNotify)virNetMessageFree);
    virNetMessageFree(client->rx);
    virFreeError(client->closeErr);
    g_free(client->server);
    g_mutex_clear(&client->lock);
    g_free(client);
}

static void
virNetClientWake(virNetClient *client)
{
    virFileWakeupSend(client->wakeup[1]);
}

/* Ends the connection with the calling thread's last error as the reason
 * given to every waiting call. Lock held. The shutdown wakes a call that
 * waits in poll for its reply. */
static void
virNetClientMarkClosedLocked(virNetClient *client)
{
    size_t i;

    if (client->closed)
        return;
    client->closed = true;
    client->closeErr = virSaveLastError();
    if (!client->closeErr || client->closeErr->code == VIR_ERR_OK) {
        virFreeError(client->closeErr);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("client socket is closed"));
        client->closeErr = virSaveLastError();
    }
    for (i = 0; i < client->calls->len; i++) {
        virNetClientPending *call = g_ptr_array_index(client->calls, i);

        call->done = true;
        call->err = g_new0(virError, 1);
        virCopyError(client->closeErr, call->err);
        g_cond_broadcast(&call->cond);
    }
    g_ptr_array_set_size(client->calls, 0);
    shutdown(client->fd, SHUT_RDWR);
    virNetClientWake(client);
}

/* The peer, the wire or keepalive ended the connection (@reason: a
 * VIR_NET_CLIENT_CLOSE_*), found by whichever thread read or wrote: the
 * I/O thread tells the close handler as it exits. Lock held. */
static void
virNetClientPeerGoneLocked(virNetClient *client, int reason)
{
    if (client->closed)
        return;
    client->peerClosed = true;
    client->closeReason = reason;
    virNetClientMarkClosedLocked(client);
}


/* The I/O thread */

/* A complete frame arrived. Lock held; released around the event handler. */
static void
virNetClientDispatch(virNetClient *client, virNetMessage *msg)
{
    int kaproc;
    size_t i;

    if (virNetMessageIsKeepalive(msg, &kaproc)) {
        if (kaproc == KEEPALIVE_PROC_PING) {
            virNetMessage *pong = virNetMessageNewKeepalive(KEEPALIVE_PROC_PONG);

            if (pong)
                g_queue_push_tail(&client->tx, pong);
        }
        virNetMessageFree(msg);
        return;
    }

    switch ((virNetMessageType)msg->header.type) {
    case VIR_NET_REPLY:
    case VIR_NET_REPLY_WITH_FDS:
        for (i = 0; i < client->calls->len; i++) {
            virNetClientPending *call = g_ptr_array_index(client->calls, i);

            if (call->serial != msg->header.serial)
                continue;
            call->reply = msg;
            call->done = true;
            g_ptr_array_remove_index(client->calls, i);
            g_cond_broadcast(&call->cond);
            return;
        }
        /* a reply nobody waits for (a call that gave up): dropped */
        break;
    case VIR_NET_MESSAGE:
        if (client->eventFunc) {
            virNetClientEventFunc func = client->eventFunc;
            void *opaque = client->eventOpaque;

            g_mutex_unlock(&client->lock);
            func(client, msg, opaque);
            g_mutex_lock(&client->lock);
        }
        break;
    case VIR_NET_CALL:
    case VIR_NET_CALL_WITH_FDS:
    case VIR_NET_STREAM:
    case VIR_NET_STREAM_HOLE:
        /* nothing this client asked for: dropped */
        break;
    }
    virNetMessageFree(msg);
}

/* Reads what the socket has. -1 (error reported) when the connection
 * failed, -2 (error reported) at an end of file between frames. Lock
 * held. */
static int
virNetClientRead(virNetClient *client)
{
    for (;;) {
        virNetMessage *msg = client->rx;
        size_t avail;
        char *space;
        ssize_t n;

        if (!msg) {
            msg = client->rx = virNetMessageNew();
            virNetMessageBeginRead(msg);
        }
        space = virNetMessageReadSpace(msg, &avail);
        n = virNetSocketRead(client->fd, client->tls, space, avail);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        if (n == 0) {
            virReportSystemError(EIO, "%s", _("End of file while reading data"));
            return msg->bufferOffset == 0 ? -2 : -1;
        }
        msg->bufferOffset += n;
        client->lastRx = g_get_monotonic_time();
        client->kaPings = 0;
        if (msg->bufferOffset < msg->bufferLength)
            continue;
        if (msg->bufferLength == VIR_NET_MESSAGE_LEN_MAX) {
            if (virNetMessageDecodeLength(msg) < 0)
                return -1;
            continue;
        }
        if (virNetMessageDecodeHeader(msg) < 0)
            return -1;
        if (msg->header.type == VIR_NET_REPLY_WITH_FDS &&
            virNetMessageDecodeNumFDs(msg) < 0)
            return -1;
        if (msg->nfds > 0) {
            virReportError(VIR_ERR_RPC, "%s",
                           _("the server sent file descriptors, which this client never asks for"));
            return -1;
        }
        client->rx = NULL;
        virNetClientDispatch(client, msg);
    }
}

/* Writes what the socket takes. Lock held. */
static int
virNetClientWrite(virNetClient *client)
{
    virNetMessage *msg;

    while ((msg = g_queue_peek_head(&client->tx))) {
        ssize_t n = virNetSocketWrite(client->fd, client->tls,
                                      msg->buffer + client->txOffset,
                                      msg->bufferLength - client->txOffset);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        client->txOffset += n;
        if (client->txOffset == msg->bufferLength) {
            virNetMessageFree(g_queue_pop_head(&client->tx));
            client->txOffset = 0;
        }
    }
    return 0;
}

/* A thread other than the I/O thread queued a message, or read and found
 * a keepalive PING to answer: it writes what it can itself (a call's
 * message mostly goes at once), and only what the socket would not take
 * yet waits for the I/O thread. Lock held. */
static void
virNetClientFlushLocked(virNetClient *client)
{
    if (g_queue_is_empty(&client->tx))
        return;
    if (virNetClientWrite(client) < 0) {
        virNetClientPeerGoneLocked(client, VIR_NET_CLIENT_CLOSE_ERROR);
        return;
    }
    if (!g_queue_is_empty(&client->tx))
        virNetClientWake(client);
}

/* How long poll may sleep before keepalive has something to do, -1:
 * forever. Sends a PING or gives up on a silent peer when it is time.
 * Lock held. */
static int
virNetClientKeepAlive(virNetClient *client, bool *dead)
{
    gint64 due;
    gint64 now;

    *dead = false;
    if (client->kaInterval <= 0)
        return -1;
    now = g_get_monotonic_time();
    due = client->lastRx + (gint64)client->kaInterval * 1000 * (client->kaPings + 1);
    if (now < due)
        return (due - now + 999) / 1000;
    if (client->kaPings >= client->kaCount) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("connection closed due to keepalive timeout"));
        *dead = true;
        return 0;
    }
    g_queue_push_tail(&client->tx, virNetMessageNewKeepalive(KEEPALIVE_PROC_PING));
    client->kaPings++;
    return client->kaInterval;
}

static gpointer
virNetClientIOThread(gpointer opaque)
{
    virNetClient *client = opaque;
    bool notify = false;
    int reason = VIR_NET_CLIENT_CLOSE_ERROR;

    g_mutex_lock(&client->lock);
    while (!client->closed) {
        struct pollfd fds[2] = {
            { .fd = client->fd, .events = 0 },
            { .fd = client->wakeup[0], .events = POLLIN },
        };
        bool dead;
        int timeout = virNetClientKeepAlive(client, &dead);
        int rc;

        if (dead) {
            virNetClientPeerGoneLocked(client, VIR_NET_CLIENT_CLOSE_KEEPALIVE);
            break;
        }
        /* the socket's input is the reading call's while there is one */
        if (!client->reader)
            fds[0].events |= POLLIN;
        if (!g_queue_is_empty(&client->tx))
            fds[0].events |= POLLOUT;
        /* a TLS write that said EAGAIN may wait for input (a key update) */
        if (!client->reader && client->tls && !g_queue_is_empty(&client->tx) &&
            !virNetTLSSessionWantsWrite(client->tls))
            fds[0].events |= POLLIN;
        /* nothing to do with the socket: not polled, or an end of it
         * (POLLHUP) would wake this thread again and again */
        if (!fds[0].events)
            fds[0].fd = -1;

        g_mutex_unlock(&client->lock);
        rc = poll(fds, G_N_ELEMENTS(fds), timeout);
        g_mutex_lock(&client->lock);

        if (rc < 0) {
            if (errno == EINTR)
                continue;
            virReportSystemError(errno, "%s", _("cannot wait for the server"));
            break;
        }
        if (fds[1].revents)
            virFileWakeupDrain(client->wakeup[0]);
        if (client->closed)
            break;
        if ((fds[0].revents & POLLOUT) && virNetClientWrite(client) < 0) {
            virNetClientPeerGoneLocked(client, VIR_NET_CLIENT_CLOSE_ERROR);
            break;
        }
        /* a call may have begun reading since the poll began */
        if (!client->reader && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            int rd = virNetClientRead(client);

            if (rd < 0) {
                virNetClientPeerGoneLocked(client, rd == -2 ? VIR_NET_CLIENT_CLOSE_EOF
                                                            : VIR_NET_CLIENT_CLOSE_ERROR);
                break;
            }
        }
    }
    if (!client->closed)
        virNetClientPeerGoneLocked(client, VIR_NET_CLIENT_CLOSE_ERROR);
    /* the peer, the wire or keepalive ended it, not our Close */
    notify = client->peerClosed;
    reason = client->closeReason;
    g_mutex_unlock(&client->lock);

    if (notify && client->closeFunc)
        client->closeFunc(client, reason, client->closeOpaque);
    virNetClientUnref(client);
    return NULL;
}


/* Public */

/* @server names the peer in the errors of the bound on opening that ends
 * at @deadline (monotonic µs, 0: none) after @timeoutMs. */
static virNetClient *
virNetClientNewSession(int fd, virNetTLSSession *tls,
                       const char *server, gint64 deadline, int timeoutMs)
{
    virNetClient *client;

    if (!g_unix_set_fd_nonblocking(fd, TRUE, NULL)) {
        virReportSystemError(errno, "%s", _("cannot make the client socket non-blocking"));
        virNetTLSSessionFree(tls);
        close(fd);
        return NULL;
    }
    client = g_new0(virNetClient, 1);
    client->refs = 1;
    g_mutex_init(&client->lock);
    client->fd = fd;
    client->tls = tls;
    client->wakeup[0] = client->wakeup[1] = -1;
    client->calls = g_ptr_array_new();
    g_queue_init(&client->tx);
    client->lastRx = g_get_monotonic_time();
    client->server = g_strdup(server);
    client->openDeadline = deadline;
    client->openTimeoutMs = timeoutMs;

    if (virFileWakeupPipe(client->wakeup) < 0) {
        virReportSystemError(errno, "%s", _("cannot create the wakeup pipe of an RPC client"));
        virNetClientUnref(client);
        return NULL;
    }

    g_atomic_int_inc(&client->refs);
    client->thread = g_thread_new("rpc-client", virNetClientIOThread, client);
    return client;
}

virNetClient *
virNetClientNewFD(int fd)
{
    return virNetClientNewSession(fd, NULL, NULL, 0, 0);
}

/* What the opening of a TCP client waits for, for its errors. */
typedef struct {
    const char *server;         /* "HOST:PORT" */
    gint64 deadline;            /* monotonic µs, 0: none */
    int timeoutMs;
} virNetClientOpening;

/* Waits until the non-blocking @fd is ready for @tls's next step: of the
 * @handshake, or the wait for the confirmation byte; either times out at
 * the deadline of @op. */
static int
virNetClientTLSWait(int fd, virNetTLSSession *tls,
                    const virNetClientOpening *op, bool handshake)
{
    struct pollfd pfd = {
        .fd = fd,
        .events = virNetTLSSessionWantsWrite(tls) ? POLLOUT : POLLIN,
    };

    for (;;) {
        int timeout = virNetSocketTimeLeft(op->deadline);
        int rc;

        if (timeout == 0) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           handshake ?
                           _("the server at '%s' did not complete the TLS handshake within %g s") :
                           _("the server at '%s' did not confirm the TLS session within %g s"),
                           op->server, op->timeoutMs / 1000.0);
            return -1;
        }
        if ((rc = poll(&pfd, 1, timeout)) > 0)
            return 0;
        if (rc < 0 && errno != EINTR) {
            virReportSystemError(errno, _("cannot wait for the server at '%s'"), op->server);
            return -1;
        }
    }
}

/* The TLS handshake on @fd (non-blocking), the checks of the server's
 * certificate and the server's confirmation byte (protocol.md 5.3). */
static int
virNetClientTLSStart(int fd, virNetTLSSession *tls, const virNetClientOpening *op)
{
    char byte = 0;
    ssize_t n;
    int rc;

    while ((rc = virNetTLSSessionHandshake(tls)) == 0) {
        if (virNetClientTLSWait(fd, tls, op, true) < 0)
            return -1;
    }
    if (rc < 0 || virNetTLSSessionCheckPeer(tls) < 0)
        return -1;
    /* the server checks our certificate and sends one byte 1 if it
     * accepts us; it closes the connection if not */
    for (;;) {
        n = virNetTLSSessionRead(tls, &byte, 1);
        if (n >= 0 || (errno != EAGAIN && errno != EINTR))
            break;
        if (virNetClientTLSWait(fd, tls, op, false) < 0)
            return -1;
    }
    if (n < 0) {
        virResetLastError();
        virReportSystemError(EIO, "%s", _("Unable to read TLS confirmation"));
        return -1;
    }
    if (n == 0) {
        virReportError(VIR_ERR_AUTH_FAILED, "%s",
                       _("server verification (of our certificate or IP address) failed: "
                         "the server closed the connection (see the server's log for why)"));
        return -1;
    }
    if (byte != 1) {
        virReportError(VIR_ERR_RPC, "%s",
                       _("server verification (of our certificate or IP address) failed"));
        return -1;
    }
    return 0;
}

virNetClient *
virNetClientNewTCP(const char *host,
                   const char *port,
                   virNetTLSContext *tls,
                   int openTimeoutMs)
{
    g_autoptr(virNetTLSSession) sess = NULL;
    g_autofree char *server = virNetSocketTCPName(host, port);
    virNetClientOpening op = {
        .server = server,
        .deadline = virNetSocketDeadline(openTimeoutMs),
        .timeoutMs = openTimeoutMs,
    };
    int fd;

    if ((fd = virNetSocketConnectTCP(host, port, openTimeoutMs)) < 0)
        return NULL;
    if (tls) {
        if (!(sess = virNetTLSSessionNew(tls, fd, host)) ||
            virNetClientTLSStart(fd, sess, &op) < 0) {
            close(fd);
            return NULL;
        }
    }
    return virNetClientNewSession(fd, g_steal_pointer(&sess), server,
                                  op.deadline, openTimeoutMs);
}

virNetClient *
virNetClientNewUNIX(const char *path, int openTimeoutMs)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 deadline = virNetSocketDeadline(openTimeoutMs);
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("UNIX socket path '%s' too long"), path);
        return NULL;
    }
    strcpy(addr.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        virReportSystemError(errno, "%s", _("Failed to create socket"));
        return NULL;
    }
    /* with the listener's backlog full (a daemon that stopped accepting),
     * connect() waits for room as long as the socket's send timeout says:
     * the open's bound, for the connect only */
    if (openTimeoutMs > 0) {
        struct timeval tv = { openTimeoutMs / 1000, (openTimeoutMs % 1000) * 1000 };

        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        if (openTimeoutMs > 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("the server at '%s' did not accept the connection within %g s"),
                           path, openTimeoutMs / 1000.0);
        else
            virReportSystemError(errno, _("Failed to connect socket to '%s'"), path);
        close(fd);
        return NULL;
    }
    if (openTimeoutMs > 0) {
        struct timeval none = { 0, 0 };

        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
    }
    return virNetClientNewSession(fd, NULL, path, deadline, openTimeoutMs);
}

void
virNetClientOpenDone(virNetClient *client)
{
    g_mutex_lock(&client->lock);
    client->openDeadline = 0;
    g_mutex_unlock(&client->lock);
}

void
virNetClientSetEventHandler(virNetClient *client,
                            virNetClientEventFunc func,
                            void *opaque)
{
    g_mutex_lock(&client->lock);
    client->eventFunc = func;
    client->eventOpaque = opaque;
    g_mutex_unlock(&client->lock);
}

void
virNetClientSetCloseHandler(virNetClient *client,
                            virNetClientCloseFunc func,
                            void *opaque)
{
    g_mutex_lock(&client->lock);
    client->closeFunc = func;
    client->closeOpaque = opaque;
    g_mutex_unlock(&client->lock);
}

void
virNetClientSetKeepAlive(virNetClient *client,
                         int intervalMs,
                         unsigned int count)
{
    g_mutex_lock(&client->lock);
    client->kaInterval = intervalMs;
    client->kaCount = count;
    client->kaPings = 0;
    client->lastRx = g_get_monotonic_time();
    virNetClientWake(client);
    g_mutex_unlock(&client->lock);
}

bool
virNetClientIsOpen(virNetClient *client)
{
    bool open;

    g_mutex_lock(&client->lock);
    open = !client->closed;
    g_mutex_unlock(&client->lock);
    return open;
}

/* Reports why the connection is unusable. Lock held. */
static void
virNetClientReportClosed(virNetClient *client)
{
    virErrorPtr err = g_new0(virError, 1);

    virCopyError(client->closeErr, err);
    virErrorRestore(&err);
}

int
virNetClientSendMessage(virNetClient *client, virNetMessage *msg)
{
    g_mutex_lock(&client->lock);
    if (client->closed) {
        virNetClientReportClosed(client);
        g_mutex_unlock(&client->lock);
        virNetMessageFree(msg);
        return -1;
    }
    g_queue_push_tail(&client->tx, msg);
    virNetClientFlushLocked(client);
    g_mutex_unlock(&client->lock);
    return 0;
}

/* The bound on opening passed while @call waited (its name @what): it
 * fails every call, @call too. Lock held. */
static void
virNetClientOpenTimedOut(virNetClient *client, const char *what)
{
    virReportError(VIR_ERR_OPERATION_TIMEOUT,
                   _("the server at '%s' did not answer '%s' within %g s"),
                   NULLSTR(client->server), what, client->openTimeoutMs / 1000.0);
    virNetClientMarkClosedLocked(client);
}

/* @call, the reading call, waits for the socket's input and reads it:
 * its own reply, those of other calls (woken on their conditions),
 * events. The end of the connection, found here or by another thread
 * (whose shutdown ends the poll), ends @call. Lock held; released
 * around the poll. */
static void
virNetClientReadForCall(virNetClient *client, virNetClientPending *call, const char *what)
{
    struct pollfd pfd = { .fd = client->fd, .events = POLLIN };
    int timeout = -1;
    int rc;

    if (client->openDeadline > 0) {
        gint64 left = client->openDeadline - g_get_monotonic_time();

        timeout = left > 0 ? (int)((left + 999) / 1000) : 0;
    }
    g_mutex_unlock(&client->lock);
    rc = poll(&pfd, 1, timeout);
    g_mutex_lock(&client->lock);
    if (call->done)
        return;
    if (rc < 0) {
        if (errno != EINTR) {
            virReportSystemError(errno, "%s", _("cannot wait for the server"));
            virNetClientPeerGoneLocked(client, VIR_NET_CLIENT_CLOSE_ERROR);
        }
        return;
    }
    if (rc == 0) {
        if (client->openDeadline > 0 && g_get_monotonic_time() >= client->openDeadline)
            virNetClientOpenTimedOut(client, what);
        return;
    }
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
        int rd = virNetClientRead(client);

        if (rd < 0) {
            virNetClientPeerGoneLocked(client, rd == -2 ? VIR_NET_CLIENT_CLOSE_EOF
                                                        : VIR_NET_CLIENT_CLOSE_ERROR);
            return;
        }
        /* a PONG to send, maybe */
        virNetClientFlushLocked(client);
    }
}

/* Waits until @call is done: as the reading call if no other reads,
 * else on its condition, until the reading call is done and hands the
 * socket to it. Lock held. */
static void
virNetClientWaitCall(virNetClient *client, virNetClientPending *call, const char *what)
{
    while (!call->done) {
        if (!client->reader && !client->closed) {
            client->reader = call;
            /* the I/O thread stops reading at its next round */
            virNetClientWake(client);
        }
        if (client->reader == call) {
            virNetClientReadForCall(client, call, what);
        } else if (client->openDeadline <= 0) {
            g_cond_wait(&call->cond, &client->lock);
        } else if (!g_cond_wait_until(&call->cond, &client->lock, client->openDeadline) &&
                   !call->done && client->openDeadline > 0 &&
                   g_get_monotonic_time() >= client->openDeadline) {
            virNetClientOpenTimedOut(client, what);
        }
    }
    if (client->reader != call)
        return;
    /* the next waiting call reads, else the I/O thread again */
    client->reader = NULL;
    if (client->calls->len > 0) {
        virNetClientPending *next = g_ptr_array_index(client->calls, 0);

        g_cond_signal(&next->cond);
    } else {
        virNetClientWake(client);
    }
}

int
virNetClientCall(virNetClient *client,
                 const virNetProgram *program,
                 int proc,
                 void *args,
                 void *ret)
{
    const virNetProcedure *p = virNetProgramLookup(program, proc);
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    g_autoptr(virNetMessage) reply = NULL;
    virNetClientPending call = { 0 };
    xdrproc_t filter;
    size_t size;

    if (!p) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("program %s has no procedure %d"), program->name, proc);
        return -1;
    }
    msg->header.prog = program->prog;
    msg->header.vers = program->vers;
    msg->header.proc = proc;
    msg->header.type = VIR_NET_CALL;
    msg->header.status = VIR_NET_OK;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        virNetClientReportClosed(client);
        g_mutex_unlock(&client->lock);
        return -1;
    }
    call.serial = msg->header.serial = client->serial++;
    g_mutex_unlock(&client->lock);

    if (virNetMessageEncodeHeader(msg) < 0 ||
        (p->argsSize && virNetMessageEncodePayload(msg, p->argsFilter, args) < 0))
        return -1;

    g_cond_init(&call.cond);
    g_mutex_lock(&client->lock);
    if (client->closed) {
        virNetClientReportClosed(client);
        g_mutex_unlock(&client->lock);
        g_cond_clear(&call.cond);
        return -1;
    }
    g_ptr_array_add(client->calls, &call);
    g_queue_push_tail(&client->tx, g_steal_pointer(&msg));
    virNetClientFlushLocked(client);
    virNetClientWaitCall(client, &call, p->name);
    g_mutex_unlock(&client->lock);
    g_cond_clear(&call.cond);

    if (call.err) {
        virErrorRestore(&call.err);
        return -1;
    }
    reply = call.reply;
    if (virNetProcedurePayload(p, &reply->header, &filter, &size) < 0)
        return -1;
    if (reply->header.status == VIR_NET_ERROR) {
        virNetMessageError rerr = { 0 };

        if (virNetMessageDecodePayload(reply, filter, &rerr) < 0)
            return -1;
        virNetMessageErrorRaise(&rerr);
        xdr_free(filter, (char *)&rerr);
        return -1;
    }
    if (size && virNetMessageDecodePayload(reply, filter, ret) < 0)
        return -1;
    return 0;
}

void
virNetClientClose(virNetClient *client)
{
    GThread *thread;

    if (!client)
        return;
    g_mutex_lock(&client->lock);
    if (!client->closed) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("client socket is closed"));
        virNetClientMarkClosedLocked(client);
        virErrorRestore(&saved);
    }
    thread = g_steal_pointer(&client->thread);
    g_mutex_unlock(&client->lock);

    if (!thread)
        return;
    if (thread == g_thread_self())
        g_thread_unref(thread);
    else
        g_thread_join(thread);
}

void
virNetClientFree(virNetClient *client)
{
    if (!client)
        return;
    virNetClientClose(client);
    virNetClientUnref(client);
}
