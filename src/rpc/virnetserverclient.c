/*
 * virnetserverclient.c: one client connection of the RPC server
 *
 * The client's socket is polled by a GSource of its own in the server's
 * main context. Its prepare step decides what to poll for (input unless
 * the client has max_client_requests calls unanswered or is closing,
 * output while the queue is not empty) and when the keepalive clock runs
 * out; its dispatch step writes, reads whole frames (handing each to
 * virNetServerProcessMessage) and runs keepalive. Workers only queue
 * replies under the client's lock and wake the context up.
 */
#include "internal.h"

#include <sys/socket.h>

#include "virnetserverpriv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* What one dispatch of a client reads at most, so that a fast sender
 * does not starve the others. */
#define VIR_NET_SERVER_CLIENT_READ_BUDGET (1024 * 1024)
#define VIR_NET_SERVER_CLIENT_FRAME_BUDGET 16

typedef struct {
    GSource base;
    virNetServerClient *client;     /* a reference */
} virNetServerClientSource;

struct _virNetServerClient {
    gint refs;
    unsigned long long id;
    virNetServer *srv;              /* valid while the client is open */
    GMainContext *ctx;              /* a reference */

    /* Fixed at accept. */
    char *addr;                     /* "ADDR;PORT" of a TCP peer, else NULL */
    bool readonly;
    virNetServerAuth auth;
    virNetSocketIdentity ident;
    size_t maxRequests;
    int kaInterval;
    unsigned int kaCount;
    size_t outputMax;

    GMutex lock;                    /* everything below */
    int fd;
    virNetTLSSession *tls;          /* NULL: plain */
    bool tlsHandshake;              /* TLS handshake not done yet */
    GSource *source;
    gpointer fdtag;
    GIOCondition events;            /* what fdtag polls for */

    bool authenticated;
    bool closing;                   /* close as soon as the loop sees it */
    bool closed;
    bool delayedClose;              /* close once everything is answered */

    virNetMessage *rx;              /* frame being read (main context only) */
    bool rxFDs;                     /* rx is complete, its FDs are coming */

    virNetMessage *txHead;
    virNetMessage *txTail;
    size_t txBytes;

    size_t nrequests;               /* calls whose reply is not written yet */
    size_t nrunning;                /* of those, still on a worker */

    bool kaEnabled;
    gint64 kaLastRx;                /* monotonic us of the last message in */
    unsigned int kaSent;            /* PINGs sent since */

    void *privateData;
    GDestroyNotify privateFree;
    virNetServerClientCloseFunc closeHook;
    void *closeOpaque;
};


/* References */

virNetServerClient *
virNetServerClientRef(virNetServerClient *client)
{
    g_atomic_int_inc(&client->refs);
    return client;
}

static void
virNetServerClientFreeQueue(virNetServerClient *client)
{
    while (client->txHead) {
        virNetMessage *msg = client->txHead;

        client->txHead = msg->next;
        virNetMessageFree(msg);
    }
    client->txTail = NULL;
    client->txBytes = 0;
}

void
virNetServerClientUnref(virNetServerClient *client)
{
    if (!client || !g_atomic_int_dec_and_test(&client->refs))
        return;

    if (client->privateFree)
        client->privateFree(client->privateData);
    virNetServerClientFreeQueue(client);
    virNetMessageFree(client->rx);
    virNetTLSSessionFree(client->tls);
    if (client->fd >= 0)
        close(client->fd);
    g_free(client->addr);
    g_main_context_unref(client->ctx);
    g_mutex_clear(&client->lock);
    g_free(client);
}


/* Accessors */

unsigned long long
virNetServerClientGetID(virNetServerClient *client)
{
    return client->id;
}

bool
virNetServerClientGetReadonly(virNetServerClient *client)
{
    return client->readonly;
}

const virNetSocketIdentity *
virNetServerClientGetIdentity(virNetServerClient *client)
{
    return &client->ident;
}

virNetServerAuth
virNetServerClientGetAuth(virNetServerClient *client)
{
    return client->auth;
}

bool
virNetServerClientIsAuthenticated(virNetServerClient *client)
{
    bool ret;

    g_mutex_lock(&client->lock);
    ret = client->authenticated;
    g_mutex_unlock(&client->lock);
    return ret;
}

void
virNetServerClientSetAuthenticated(virNetServerClient *client)
{
    g_mutex_lock(&client->lock);
    client->authenticated = true;
    g_mutex_unlock(&client->lock);
}

void
virNetServerClientSetPrivateData(virNetServerClient *client,
                                 void *data,
                                 GDestroyNotify freecb)
{
    void *old;
    GDestroyNotify oldFree;

    g_mutex_lock(&client->lock);
    old = client->privateData;
    oldFree = client->privateFree;
    client->privateData = data;
    client->privateFree = freecb;
    g_mutex_unlock(&client->lock);
    if (oldFree && old != data)
        oldFree(old);
}

void *
virNetServerClientGetPrivateData(virNetServerClient *client)
{
    void *ret;

    g_mutex_lock(&client->lock);
    ret = client->privateData;
    g_mutex_unlock(&client->lock);
    return ret;
}

void
virNetServerClientSetCloseHook(virNetServerClient *client,
                               virNetServerClientCloseFunc cb,
                               void *opaque)
{
    g_mutex_lock(&client->lock);
    client->closeHook = cb;
    client->closeOpaque = opaque;
    g_mutex_unlock(&client->lock);
}

bool
virNetServerClientIsClosed(virNetServerClient *client)
{
    bool ret;

    g_mutex_lock(&client->lock);
    ret = client->closing || client->closed;
    g_mutex_unlock(&client->lock);
    return ret;
}


/* Closing */

void
virNetServerClientClose(virNetServerClient *client)
{
    g_mutex_lock(&client->lock);
    client->closing = true;
    g_mutex_unlock(&client->lock);
    g_main_context_wakeup(client->ctx);
}

void
virNetServerClientDelayedClose(virNetServerClient *client)
{
    g_mutex_lock(&client->lock);
    client->delayedClose = true;
    g_mutex_unlock(&client->lock);
    g_main_context_wakeup(client->ctx);
}

void
virNetServerClientCloseNow(virNetServerClient *client)
{
    GSource *source;
    int fd;
    virNetServerClientCloseFunc hook;
    void *opaque;
    virNetServer *srv;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return;
    }
    client->closed = client->closing = true;
    virNetServerClientFreeQueue(client);
    g_clear_pointer(&client->rx, virNetMessageFree);
    source = g_steal_pointer(&client->source);
    fd = client->fd;
    client->fd = -1;
    hook = client->closeHook;
    opaque = client->closeOpaque;
    srv = client->srv;
    client->srv = NULL;
    g_mutex_unlock(&client->lock);

    if (source) {
        g_source_destroy(source);
        g_source_unref(source);
    }
    if (fd >= 0)
        close(fd);
    g_info("RPC client %llu closed", client->id);
    if (hook)
        hook(client, opaque);
    if (srv)
        virNetServerClientGone(srv, client);
}

/* Logs why the client is dropped and makes the loop close it. */
static void
virNetServerClientDrop(virNetServerClient *client, const char *why)
{
    if (client->addr)
        g_message("RPC client %llu (%s): %s; closing the connection",
                  client->id, client->addr, why);
    else
        g_message("RPC client %llu (pid %lld uid %u): %s; closing the connection",
                  client->id, (long long)client->ident.pid,
                  (unsigned int)client->ident.uid, why);
    client->closing = true;
}


/* The output queue */

/* Called with the lock held. Takes @msg. */
static int
virNetServerClientQueueLocked(virNetServerClient *client,
                              virNetMessage *msg)
{
    if (client->closing || client->closed) {
        virNetMessageFree(msg);
        virReportError(VIR_ERR_RPC, _("RPC client %llu is closed"), client->id);
        return -1;
    }
    if (client->txBytes + msg->bufferLength > client->outputMax) {
        g_autofree char *why =
            g_strdup_printf("it does not read its messages (%zu bytes queued, at most %zu)",
                            client->txBytes + msg->bufferLength, client->outputMax);
        virNetServerClientDrop(client, why);
        virNetMessageFree(msg);
        virReportError(VIR_ERR_RPC,
                       _("RPC client %llu does not read its messages and was closed"),
                       client->id);
        return -1;
    }
    msg->bufferOffset = 0;
    msg->next = NULL;
    if (client->txTail)
        client->txTail->next = msg;
    else
        client->txHead = msg;
    client->txTail = msg;
    client->txBytes += msg->bufferLength;
    return 0;
}

int
virNetServerClientSendMessage(virNetServerClient *client,
                              virNetMessage *msg)
{
    int ret;

    g_mutex_lock(&client->lock);
    ret = virNetServerClientQueueLocked(client, msg);
    g_mutex_unlock(&client->lock);
    g_main_context_wakeup(client->ctx);
    return ret;
}

int
virNetServerClientSendEvent(virNetServerClient *client,
                            const virNetProgram *program,
                            int proc,
                            void *body)
{
    const virNetProcedure *p = virNetProgramLookup(program, proc);
    g_autoptr(virNetMessage) msg = NULL;

    if (!p || !(p->flags & VIR_NET_PROCEDURE_MESSAGE)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("procedure %d of program %s is not an event"),
                       proc, program->name);
        return -1;
    }
    msg = virNetMessageNew();
    msg->header.prog = program->prog;
    msg->header.vers = program->vers;
    msg->header.proc = proc;
    msg->header.type = VIR_NET_MESSAGE;
    msg->header.serial = 1;
    msg->header.status = VIR_NET_OK;
    if (virNetMessageEncodeHeader(msg) < 0 ||
        virNetMessageEncodePayload(msg, p->argsFilter, body) < 0)
        return -1;
    return virNetServerClientSendMessage(client, g_steal_pointer(&msg));
}

void
virNetServerClientBeginCall(virNetServerClient *client)
{
    g_mutex_lock(&client->lock);
    client->nrequests++;
    client->nrunning++;
    g_mutex_unlock(&client->lock);
}

/* A worker's reply with nothing queued before it goes straight to the
 * socket, saving the main context a wakeup and a poll round. Lock held.
 * Returns true if @msg was taken (written, or the client is failing);
 * @wake: whether the main context must look at the client again. */
static bool
virNetServerClientWriteDirect(virNetServerClient *client,
                              virNetMessage *msg,
                              bool *wake)
{
    ssize_t n;

    if (client->txHead || client->closing || client->closed || client->fd < 0 ||
        client->tlsHandshake)
        return false;
    n = virNetSocketWrite(client->fd, client->tls, msg->buffer, msg->bufferLength);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (n < 0) {
        g_info("RPC client %llu: write failed: %s", client->id, virGetLastErrorMessage());
        virResetLastError();
        client->closing = true;
        *wake = true;
        virNetMessageFree(msg);
        return true;
    }
    if ((size_t)n < msg->bufferLength) {
        /* The rest waits for the socket in the main context. */
        msg->next = NULL;
        msg->bufferOffset = n;
        client->txHead = client->txTail = msg;
        client->txBytes = msg->bufferLength;
        *wake = true;
        return true;
    }
    /* Reading resumes (and keepalive restarts) once a client at
     * max_client_requests has one call less; a delayed close may be due. */
    if (client->nrequests-- >= client->maxRequests || client->delayedClose)
        *wake = true;
    virNetMessageFree(msg);
    return true;
}

void
virNetServerClientQueueReply(virNetServerClient *client,
                             virNetMessage *msg,
                             bool fromWorker)
{
    bool wake = false;

    g_mutex_lock(&client->lock);
    if (fromWorker) {
        client->nrunning--;
        if (virNetServerClientWriteDirect(client, msg, &wake))
            goto cleanup;
        wake = true;
    } else {
        client->nrequests++;
    }
    /* A reply the queue refuses is dropped with its client. */
    if (virNetServerClientQueueLocked(client, msg) < 0)
        virResetLastError();
 cleanup:
    g_mutex_unlock(&client->lock);
    if (wake)
        g_main_context_wakeup(client->ctx);
}

/* Keepalive */

void
virNetServerClientStartKeepAlive(virNetServerClient *client)
{
    g_mutex_lock(&client->lock);
    if (client->kaInterval > 0 && !client->kaEnabled) {
        client->kaEnabled = true;
        client->kaLastRx = g_get_monotonic_time();
        client->kaSent = 0;
    }
    g_mutex_unlock(&client->lock);
    g_main_context_wakeup(client->ctx);
}

/* The client sends nothing because the server does not read it: all its
 * calls are still running. That is not silence. */
static bool
virNetServerClientKeepAliveExcused(virNetServerClient *client)
{
    return client->nrequests >= client->maxRequests && client->nrunning > 0;
}

/* When the keepalive clock runs out (monotonic us), or -1. Lock held. */
static gint64
virNetServerClientKeepAliveDeadline(virNetServerClient *client)
{
    if (!client->kaEnabled)
        return -1;
    if (virNetServerClientKeepAliveExcused(client)) {
        client->kaLastRx = g_get_monotonic_time();
        client->kaSent = 0;
        return -1;
    }
    return client->kaLastRx + (gint64)client->kaInterval * G_USEC_PER_SEC * (client->kaSent + 1);
}

/* Lock held. */
static void
virNetServerClientKeepAliveRun(virNetServerClient *client)
{
    gint64 deadline = virNetServerClientKeepAliveDeadline(client);
    virNetMessage *ping;

    if (deadline < 0 || g_get_monotonic_time() < deadline)
        return;
    if (client->kaSent >= client->kaCount) {
        virNetServerClientDrop(client, "connection closed due to keepalive timeout");
        return;
    }
    if (!(ping = virNetMessageNewKeepalive(KEEPALIVE_PROC_PING))) {
        virResetLastError();
        return;
    }
    client->kaSent++;
    if (virNetServerClientQueueLocked(client, ping) < 0)
        virResetLastError();
}


/* I/O, main context thread */

/* Writes what the socket takes. Lock held. -1: the peer is gone. */
static int
virNetServerClientWrite(virNetServerClient *client)
{
    while (client->txHead) {
        virNetMessage *msg = client->txHead;
        ssize_t n = virNetSocketWrite(client->fd, client->tls,
                                      msg->buffer + msg->bufferOffset,
                                      msg->bufferLength - msg->bufferOffset);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return 0;
            g_info("RPC client %llu: write failed: %s", client->id, virGetLastErrorMessage());
            virResetLastError();
            return -1;
        }
        msg->bufferOffset += n;
        if (msg->bufferOffset < msg->bufferLength)
            return 0;

        client->txHead = msg->next;
        if (!client->txHead)
            client->txTail = NULL;
        client->txBytes -= msg->bufferLength;
        if (msg->header.type == VIR_NET_REPLY || msg->header.type == VIR_NET_REPLY_WITH_FDS)
            client->nrequests--;
        virNetMessageFree(msg);
    }
    return 0;
}

static bool
virNetServerClientWantsInput(virNetServerClient *client)
{
    return !client->closing && !client->delayedClose &&
        client->nrequests < client->maxRequests;
}

/* Hands the complete frame rx to the server. Lock held; released around
 * the server's processing (which queues replies under the lock). */
static void
virNetServerClientFrameDone(virNetServerClient *client, bool headerOK)
{
    virNetMessage *msg = g_steal_pointer(&client->rx);
    virNetServer *srv = client->srv;

    client->rxFDs = false;
    g_mutex_unlock(&client->lock);
    virNetServerProcessMessage(srv, client, msg, headerOK);
    g_mutex_lock(&client->lock);
}

/* Receives the descriptors passed after the frame rx. Lock held.
 * 1: all there, 0: more to come, -1: close. */
static int
virNetServerClientReadFDs(virNetServerClient *client)
{
    virNetMessage *msg = client->rx;

    while (msg->donefds < msg->nfds) {
        int fd = virNetSocketRecvFD(client->fd);

        if (fd == -2)
            return 0;
        if (fd < 0) {
            virNetServerClientDrop(client, virGetLastErrorMessage());
            virResetLastError();
            return -1;
        }
        msg->fds[msg->donefds++] = fd;
    }
    return 1;
}

/* A frame is in rx, whole: find out whether descriptors follow. Lock
 * held. */
static void
virNetServerClientFrameRead(virNetServerClient *client)
{
    virNetMessage *msg = client->rx;
    bool headerOK = virNetMessageDecodeHeader(msg) == 0;

    client->kaLastRx = g_get_monotonic_time();
    client->kaSent = 0;

    if (headerOK && msg->header.type == VIR_NET_CALL_WITH_FDS) {
        /* The descriptors follow the frame on the stream: without their
         * number nothing after this frame can be read. */
        if (virNetMessageDecodeNumFDs(msg) < 0) {
            virNetServerClientDrop(client, virGetLastErrorMessage());
            virResetLastError();
            return;
        }
        if (msg->nfds > 0 && client->addr) {
            virNetServerClientDrop(client, "file descriptors cannot be passed over TCP");
            return;
        }
        if (msg->nfds > 0) {
            client->rxFDs = true;
            if (virNetServerClientReadFDs(client) <= 0)
                return;
        }
    }
    virNetServerClientFrameDone(client, headerOK);
}

/* Reads frames while the socket has bytes, within the budgets. Lock
 * held. */
static void
virNetServerClientRead(virNetServerClient *client)
{
    size_t bytes = 0;
    size_t frames = 0;

    while (virNetServerClientWantsInput(client) &&
           bytes < VIR_NET_SERVER_CLIENT_READ_BUDGET &&
           frames < VIR_NET_SERVER_CLIENT_FRAME_BUDGET) {
        char *space;
        size_t avail;
        ssize_t n;

        if (client->rxFDs) {
            int rc = virNetServerClientReadFDs(client);

            if (rc <= 0)
                return;
            frames++;
            virNetServerClientFrameDone(client, true);
            continue;
        }

        if (!client->rx) {
            client->rx = virNetMessageNew();
            virNetMessageBeginRead(client->rx);
        }
        space = virNetMessageReadSpace(client->rx, &avail);
        n = virNetSocketRead(client->fd, client->tls, space, avail);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ECONNRESET) {
                g_info("RPC client %llu hung up", client->id);
                client->closing = true;
            } else if (errno != EAGAIN) {
                g_autofree char *why = g_strdup_printf("read failed: %s",
                                                       virGetLastErrorMessage());

                virNetServerClientDrop(client, why);
            }
            virResetLastError();
            return;
        }
        if (n == 0) {
            g_info("RPC client %llu hung up", client->id);
            client->closing = true;
            return;
        }
        bytes += n;
        client->rx->bufferOffset += n;
        if (client->rx->bufferOffset < client->rx->bufferLength)
            continue;

        if (client->rx->bufferLength == VIR_NET_MESSAGE_LEN_MAX) {
            /* The length word: a bad one leaves no way to find the next
             * frame. */
            if (virNetMessageDecodeLength(client->rx) < 0) {
                virNetServerClientDrop(client, virGetLastErrorMessage());
                virResetLastError();
                return;
            }
            continue;
        }
        frames++;
        virNetServerClientFrameRead(client);
    }
}


/* TLS */

/* The post-handshake confirmation (protocol.md 5.3): one byte 0x01, the
 * first application data, sent only to a client whose certificate passed
 * the checks. */
static virNetMessage *
virNetServerClientTLSConfirmation(void)
{
    virNetMessage *msg = virNetMessageNew();

    msg->buffer = g_new0(char, 1);
    msg->buffer[0] = 1;
    msg->bufferLength = 1;
    return msg;
}

/* One step of the TLS handshake; when it is done, the certificate checks
 * and the confirmation byte. Lock held. */
static void
virNetServerClientTLSStep(virNetServerClient *client)
{
    int rc = virNetTLSSessionHandshake(client->tls);

    if (rc == 0)
        return;
    if (rc < 0 || virNetTLSSessionCheckPeer(client->tls) < 0) {
        g_autofree char *why = g_strdup_printf("TLS: %s", virGetLastErrorMessage());

        virResetLastError();
        virNetServerClientDrop(client, why);
        return;
    }
    client->tlsHandshake = false;
    g_info("RPC client %llu: TLS handshake done, client DN '%s'", client->id,
           NULLSTR(virNetTLSSessionGetPeerDN(client->tls)));
    if (virNetServerClientQueueLocked(client, virNetServerClientTLSConfirmation()) < 0)
        virResetLastError();
}

/* Decrypted input is waiting in the TLS session: the socket will not say
 * so. Lock held. */
static bool
virNetServerClientTLSPending(virNetServerClient *client)
{
    return client->tls && !client->tlsHandshake &&
        virNetServerClientWantsInput(client) && virNetTLSSessionPending(client->tls) > 0;
}


/* The GSource */

static bool
virNetServerClientMustClose(virNetServerClient *client)
{
    return client->closing ||
        (client->delayedClose && !client->txHead && client->nrequests == 0);
}

static gboolean
virNetServerClientSourcePrepare(GSource *source, gint *timeout)
{
    virNetServerClient *client = ((virNetServerClientSource *)source)->client;
    GIOCondition events = 0;
    gint64 deadline;
    gboolean ready = FALSE;

    *timeout = -1;
    g_mutex_lock(&client->lock);
    if (client->closed)
        goto cleanup;
    if (virNetServerClientMustClose(client) || virNetServerClientTLSPending(client)) {
        ready = TRUE;
        *timeout = 0;
        goto cleanup;
    }
    if (client->tlsHandshake)
        events = virNetTLSSessionWantsWrite(client->tls) ? G_IO_OUT : G_IO_IN;
    else if (virNetServerClientWantsInput(client))
        events |= G_IO_IN;
    if (client->txHead && !client->tlsHandshake)
        events |= G_IO_OUT;
    if (events != client->events) {
        g_source_modify_unix_fd(source, client->fdtag, events);
        client->events = events;
    }
    if (client->tlsHandshake)
        goto cleanup;
    if ((deadline = virNetServerClientKeepAliveDeadline(client)) >= 0) {
        gint64 now = g_get_monotonic_time();

        if (now >= deadline) {
            ready = TRUE;
            *timeout = 0;
        } else {
            *timeout = MIN((deadline - now + 999) / 1000, G_MAXINT);
        }
    }

 cleanup:
    g_mutex_unlock(&client->lock);
    return ready;
}

static gboolean
virNetServerClientSourceCheck(GSource *source)
{
    virNetServerClient *client = ((virNetServerClientSource *)source)->client;
    gint64 deadline;
    gboolean ready;

    g_mutex_lock(&client->lock);
    ready = !client->closed &&
        (virNetServerClientMustClose(client) || virNetServerClientTLSPending(client) ||
         ((deadline = virNetServerClientKeepAliveDeadline(client)) >= 0 &&
          g_get_monotonic_time() >= deadline));
    g_mutex_unlock(&client->lock);
    return ready;
}

static gboolean
virNetServerClientSourceDispatch(GSource *source,
                                 GSourceFunc callback G_GNUC_UNUSED,
                                 gpointer data G_GNUC_UNUSED)
{
    virNetServerClient *client = ((virNetServerClientSource *)source)->client;
    GIOCondition revents;
    bool mustClose;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return G_SOURCE_REMOVE;
    }
    revents = g_source_query_unix_fd(source, client->fdtag);

    if (client->tlsHandshake && !client->closing) {
        if (revents & (G_IO_HUP | G_IO_ERR | G_IO_NVAL) && !(revents & G_IO_IN))
            client->closing = true;
        else if (revents & (G_IO_IN | G_IO_OUT))
            virNetServerClientTLSStep(client);
        /* the confirmation byte and what the client sent after it are
         * handled below */
        if (client->tlsHandshake || client->closing)
            revents = 0;
        else
            revents = G_IO_OUT | G_IO_IN;
    }
    if (virNetServerClientTLSPending(client))
        revents |= G_IO_IN;

    if ((revents & G_IO_OUT) && virNetServerClientWrite(client) < 0)
        client->closing = true;
    if (!client->closing && (revents & G_IO_IN))
        virNetServerClientRead(client);
    else if (revents & (G_IO_HUP | G_IO_ERR | G_IO_NVAL))
        client->closing = true;
    /* Replies to what was just read are often queued already: try to
     * write them now rather than after another poll. */
    if (!client->closing && client->txHead && virNetServerClientWrite(client) < 0)
        client->closing = true;
    if (!client->closing)
        virNetServerClientKeepAliveRun(client);
    mustClose = virNetServerClientMustClose(client);
    g_mutex_unlock(&client->lock);

    if (mustClose) {
        virNetServerClientCloseNow(client);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void
virNetServerClientSourceFinalize(GSource *source)
{
    virNetServerClientUnref(((virNetServerClientSource *)source)->client);
}

static GSourceFuncs virNetServerClientSourceFuncs = {
    .prepare = virNetServerClientSourcePrepare,
    .check = virNetServerClientSourceCheck,
    .dispatch = virNetServerClientSourceDispatch,
    .finalize = virNetServerClientSourceFinalize,
};


/* Creation */

virNetServerClient *
virNetServerClientNew(virNetServer *srv,
                      GMainContext *ctx,
                      unsigned long long id,
                      int fd,
                      virNetTLSContext *tls,
                      bool readonly,
                      virNetServerAuth auth,
                      const virNetServerConfig *cfg,
                      size_t outputMax)
{
    virNetServerClient *client = g_new0(virNetServerClient, 1);

    client->refs = 1;
    client->id = id;
    client->srv = srv;
    client->ctx = g_main_context_ref(ctx);
    client->fd = fd;
    client->readonly = readonly;
    client->auth = auth;
    client->authenticated = auth == VIR_NET_SERVER_AUTH_NONE;
    client->maxRequests = MAX(cfg->maxClientRequests, 1);
    client->kaInterval = cfg->keepaliveInterval;
    client->kaCount = cfg->keepaliveCount;
    client->outputMax = outputMax;
    g_mutex_init(&client->lock);

    if ((client->addr = virNetSocketPeerAddress(fd))) {
        /* TCP: no process identity; TLS (if any) authenticates */
        client->ident.uid = (uid_t)-1;
        client->ident.gid = (gid_t)-1;
        client->ident.pid = -1;
        g_info("RPC client %llu connected from %s%s%s", id, client->addr,
               tls ? " (TLS)" : "", readonly ? " (read-only)" : "");
        if (tls) {
            if (!(client->tls = virNetTLSSessionNew(tls, fd, NULL))) {
                virNetServerClientDrop(client, virGetLastErrorMessage());
                virResetLastError();
            }
            client->tlsHandshake = true;
        }
        return client;
    }
    if (virNetSocketGetIdentity(fd, &client->ident) < 0) {
        /* Not fatal: the peer is still served, as nobody. */
        g_info("RPC client %llu: %s", id, virGetLastErrorMessage());
        virResetLastError();
        client->ident.uid = (uid_t)-1;
        client->ident.gid = (gid_t)-1;
        client->ident.pid = -1;
    }
    g_info("RPC client %llu connected: pid %lld uid %u gid %u%s",
           id, (long long)client->ident.pid, (unsigned int)client->ident.uid,
           (unsigned int)client->ident.gid, readonly ? " (read-only)" : "");
    return client;
}

void
virNetServerClientStart(virNetServerClient *client)
{
    GSource *source = g_source_new(&virNetServerClientSourceFuncs,
                                   sizeof(virNetServerClientSource));

    ((virNetServerClientSource *)source)->client = virNetServerClientRef(client);
    g_source_set_name(source, "virNetServerClient");
    /* GLib takes a source that may not recurse out of the poll set around
     * each dispatch and puts it back after: a wakeup of the context twice
     * per message, for nothing (no loop of this context is ever nested) */
    g_source_set_can_recurse(source, TRUE);
    g_mutex_lock(&client->lock);
    client->events = G_IO_IN;
    client->fdtag = g_source_add_unix_fd(source, client->fd, G_IO_IN);
    client->source = source;
    g_mutex_unlock(&client->lock);
    g_source_attach(source, client->ctx);
}
