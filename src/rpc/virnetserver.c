/*
 * virnetserver.c: the RPC server: services, clients, dispatch, workers
 */
#include "internal.h"

#include <fcntl.h>
#include <glib-unix.h>

#include "virnetserverpriv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

#define VIR_NET_SERVER_BACKLOG 128
/* How long accepting pauses after accept() failed (e.g. no descriptor
 * left), so that the listening socket does not spin the loop. */
#define VIR_NET_SERVER_ACCEPT_RETRY_MS 1000

typedef struct {
    virNetServer *srv;
    char *name;                 /* for logs: the path, or "fd N" */
    int fd;
    bool readonly;
    virNetServerAuth auth;
    virNetTLSContext *tls;      /* a TLS service's credentials, else NULL */
    GSource *source;            /* NULL while accepting is paused */
} virNetServerService;

typedef struct {
    const virNetProgram *program;
    virNetServerProgramHandler handler;
    void *opaque;
} virNetServerProgramEntry;

typedef struct {
    virNetServerClient *client;         /* a reference */
    virNetMessage *msg;
    const virNetProcedure *proc;
    const virNetServerProgramEntry *entry;
    bool priority;                      /* runs on a priority worker */
} virNetServerJob;

struct _virNetServer {
    virNetServerConfig cfg;
    GMainContext *ctx;
    GMainLoop *loop;
    GThreadPool *workers;
    GThreadPool *prioWorkers;
    gint normalJobs;                    /* queued or running on workers */

    /* Set up before virNetServerRun, read-only afterwards. */
    GPtrArray *services;                /* virNetServerService */
    virNetServerProgramEntry *programs;
    const virNetProgram **programList;
    size_t nprograms;
    virNetServerClientInitHook initHook;
    void *initOpaque;
    size_t outputMax;
    unsigned int idleSeconds;
    virNetServerIdleFunc idleCb;
    void *idleOpaque;

    /* Main context thread only. */
    bool acceptPaused;
    GSource *acceptRetry;
    GSource *idleSource;
    bool draining;                      /* virNetServerDrain: ending */
    GSource *drainTimeout;

    GMutex lock;                        /* clients, nextID */
    GPtrArray *clients;                 /* virNetServerClient references */
    unsigned long long nextID;
};


void
virNetServerConfigDefaults(virNetServerConfig *cfg)
{
    cfg->maxWorkers = 20;
    cfg->prioWorkers = 5;
    cfg->maxClients = 5000;
    cfg->maxClientRequests = 5;
    cfg->keepaliveInterval = 5;
    cfg->keepaliveCount = 5;
}

static void virNetServerWorker(gpointer data, gpointer opaque);

virNetServer *
virNetServerNew(const virNetServerConfig *cfg)
{
    virNetServer *srv = g_new0(virNetServer, 1);

    srv->cfg = *cfg;
    srv->cfg.maxWorkers = MAX(srv->cfg.maxWorkers, 1);
    srv->cfg.maxClientRequests = MAX(srv->cfg.maxClientRequests, 1);
    srv->ctx = g_main_context_new();
    srv->loop = g_main_loop_new(srv->ctx, FALSE);
    srv->services = g_ptr_array_new();
    srv->clients = g_ptr_array_new();
    srv->outputMax = 2 * (size_t)VIR_NET_MESSAGE_MAX + 1024 * 1024;
    srv->nextID = 1;
    g_mutex_init(&srv->lock);
    return srv;
}

GMainContext *
virNetServerGetContext(virNetServer *srv)
{
    return srv->ctx;
}

void
virNetServerSetClientOutputMax(virNetServer *srv, size_t bytes)
{
    srv->outputMax = bytes;
}

void
virNetServerAddProgram(virNetServer *srv,
                       const virNetProgram *program,
                       virNetServerProgramHandler handler,
                       void *opaque)
{
    size_t i;

    srv->programs = g_renew(virNetServerProgramEntry, srv->programs, srv->nprograms + 1);
    srv->programs[srv->nprograms] = (virNetServerProgramEntry){ program, handler, opaque };
    srv->nprograms++;
    /* The list virNetProgramFindProcedure searches, rebuilt since the
     * entries may have moved. */
    g_free(srv->programList);
    srv->programList = g_new(const virNetProgram *, srv->nprograms);
    for (i = 0; i < srv->nprograms; i++)
        srv->programList[i] = srv->programs[i].program;
}

void
virNetServerSetClientInitHook(virNetServer *srv,
                              virNetServerClientInitHook hook,
                              void *opaque)
{
    srv->initHook = hook;
    srv->initOpaque = opaque;
}

size_t
virNetServerGetClientCount(virNetServer *srv)
{
    size_t n;

    g_mutex_lock(&srv->lock);
    n = srv->clients->len;
    g_mutex_unlock(&srv->lock);
    return n;
}


/* Idle timeout (main context thread) */

static gboolean
virNetServerIdleFire(gpointer opaque)
{
    virNetServer *srv = opaque;

    g_info("RPC server: no client for %u s", srv->idleSeconds);
    srv->idleCb(srv, srv->idleOpaque);
    return G_SOURCE_CONTINUE;
}

static void
virNetServerIdleUpdate(virNetServer *srv)
{
    bool idle = srv->idleSeconds > 0 && srv->idleCb && virNetServerGetClientCount(srv) == 0;

    if (idle && !srv->idleSource) {
        srv->idleSource = g_timeout_source_new_seconds(srv->idleSeconds);
        g_source_set_callback(srv->idleSource, virNetServerIdleFire, srv, NULL);
        g_source_attach(srv->idleSource, srv->ctx);
    } else if (!idle && srv->idleSource) {
        g_source_destroy(srv->idleSource);
        g_clear_pointer(&srv->idleSource, g_source_unref);
    }
}

void
virNetServerSetIdleTimeout(virNetServer *srv,
                           unsigned int seconds,
                           virNetServerIdleFunc cb,
                           void *opaque)
{
    srv->idleSeconds = seconds;
    srv->idleCb = cb;
    srv->idleOpaque = opaque;
    if (srv->idleSource) {
        g_source_destroy(srv->idleSource);
        g_clear_pointer(&srv->idleSource, g_source_unref);
    }
}


/* Services and accepting (main context thread) */

static void virNetServerAcceptPause(virNetServer *srv);
static void virNetServerAcceptResume(virNetServer *srv);

static void
virNetServerAddClient(virNetServer *srv,
                      int fd,
                      virNetTLSContext *tls,
                      bool readonly,
                      virNetServerAuth auth)
{
    virNetServerClient *client;
    unsigned long long id;

    g_mutex_lock(&srv->lock);
    id = srv->nextID++;
    g_mutex_unlock(&srv->lock);

    client = virNetServerClientNew(srv, srv->ctx, id, fd, tls, readonly, auth,
                                   &srv->cfg, srv->outputMax);
    g_mutex_lock(&srv->lock);
    g_ptr_array_add(srv->clients, client);
    g_mutex_unlock(&srv->lock);
    virNetServerIdleUpdate(srv);

    if (srv->initHook && srv->initHook(srv, client, srv->initOpaque) < 0) {
        g_message("RPC client %llu refused by the daemon: %s", id, virGetLastErrorMessage());
        virResetLastError();
        virNetServerClientCloseNow(client);
        return;
    }
    virNetServerClientStart(client);
}

typedef struct {
    virNetServer *srv;
    int fd;
    bool readonly;
    virNetServerAuth auth;
} virNetServerNewFD;

static gboolean
virNetServerAddClientFDCb(gpointer opaque)
{
    virNetServerNewFD *n = opaque;
    int flags = fcntl(n->fd, F_GETFL);

    if (flags < 0 || fcntl(n->fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(n->fd, F_SETFD, FD_CLOEXEC) < 0) {
        g_message("RPC server: cannot make descriptor %d non-blocking: %s",
                  n->fd, g_strerror(errno));
        close(n->fd);
        return G_SOURCE_REMOVE;
    }
    virNetServerAddClient(n->srv, n->fd, NULL, n->readonly, n->auth);
    return G_SOURCE_REMOVE;
}

void
virNetServerAddClientFD(virNetServer *srv,
                        int fd,
                        bool readonly,
                        virNetServerAuth auth)
{
    virNetServerNewFD *n = g_new0(virNetServerNewFD, 1);

    n->srv = srv;
    n->fd = fd;
    n->readonly = readonly;
    n->auth = auth;
    g_main_context_invoke_full(srv->ctx, G_PRIORITY_DEFAULT, virNetServerAddClientFDCb,
                               n, g_free);
}

static bool
virNetServerFull(virNetServer *srv)
{
    return srv->cfg.maxClients > 0 && virNetServerGetClientCount(srv) >= srv->cfg.maxClients;
}

static gboolean
virNetServerAcceptRetry(gpointer opaque)
{
    virNetServer *srv = opaque;

    g_clear_pointer(&srv->acceptRetry, g_source_unref);
    virNetServerAcceptResume(srv);
    return G_SOURCE_REMOVE;
}

static gboolean
virNetServerServiceAccept(gint fd G_GNUC_UNUSED,
                          GIOCondition cond G_GNUC_UNUSED,
                          gpointer opaque)
{
    virNetServerService *svc = opaque;
    virNetServer *srv = svc->srv;

    while (!srv->acceptPaused) {
        int cfd;

        if (virNetServerFull(srv)) {
            g_message("RPC server: %zu clients, the max_clients limit: new connections wait",
                      srv->cfg.maxClients);
            virNetServerAcceptPause(srv);
            break;
        }
        if ((cfd = virNetSocketAccept(svc->fd)) == -2)
            break;
        if (cfd < 0) {
            g_message("RPC server on %s: %s; accepting again in %d ms",
                      svc->name, virGetLastErrorMessage(), VIR_NET_SERVER_ACCEPT_RETRY_MS);
            virResetLastError();
            virNetServerAcceptPause(srv);
            srv->acceptRetry = g_timeout_source_new(VIR_NET_SERVER_ACCEPT_RETRY_MS);
            g_source_set_callback(srv->acceptRetry, virNetServerAcceptRetry, srv, NULL);
            g_source_attach(srv->acceptRetry, srv->ctx);
            break;
        }
        virNetServerAddClient(srv, cfd, svc->tls, svc->readonly, svc->auth);
    }
    return G_SOURCE_CONTINUE;
}

static void
virNetServerServiceWatch(virNetServer *srv, virNetServerService *svc)
{
    svc->source = g_unix_fd_source_new(svc->fd, G_IO_IN);
    g_source_set_callback(svc->source, G_SOURCE_FUNC(virNetServerServiceAccept), svc, NULL);
    /* as the clients' sources (virNetServerClientStart): no wakeups */
    g_source_set_can_recurse(svc->source, TRUE);
    g_source_attach(svc->source, srv->ctx);
}

static void
virNetServerServiceUnwatch(virNetServerService *svc)
{
    if (!svc->source)
        return;
    g_source_destroy(svc->source);
    g_clear_pointer(&svc->source, g_source_unref);
}

static void
virNetServerAcceptPause(virNetServer *srv)
{
    size_t i;

    srv->acceptPaused = true;
    for (i = 0; i < srv->services->len; i++)
        virNetServerServiceUnwatch(g_ptr_array_index(srv->services, i));
}

static void
virNetServerAcceptResume(virNetServer *srv)
{
    size_t i;

    if (!srv->acceptPaused || srv->acceptRetry || srv->draining || virNetServerFull(srv))
        return;
    srv->acceptPaused = false;
    for (i = 0; i < srv->services->len; i++)
        virNetServerServiceWatch(srv, g_ptr_array_index(srv->services, i));
}

static void
virNetServerAddService(virNetServer *srv,
                       int fd,
                       char *name,
                       virNetTLSContext *tls,
                       bool readonly,
                       virNetServerAuth auth)
{
    virNetServerService *svc = g_new0(virNetServerService, 1);

    svc->srv = srv;
    svc->tls = tls ? virNetTLSContextRef(tls) : NULL;
    svc->fd = fd;
    svc->name = name;
    svc->readonly = readonly;
    svc->auth = auth;
    g_ptr_array_add(srv->services, svc);
    if (!srv->acceptPaused)
        virNetServerServiceWatch(srv, svc);
    g_info("RPC server listening on %s%s", name, readonly ? " (read-only)" : "");
}

int
virNetServerAddServiceUNIX(virNetServer *srv,
                           const char *path,
                           mode_t mode,
                           gid_t gid,
                           bool readonly,
                           virNetServerAuth auth)
{
    int fd = virNetSocketListenUNIX(path, mode, gid, VIR_NET_SERVER_BACKLOG);

    if (fd < 0)
        return -1;
    virNetServerAddService(srv, fd, g_strdup(path), NULL, readonly, auth);
    return 0;
}

int
virNetServerAddServiceFD(virNetServer *srv,
                         int fd,
                         bool readonly,
                         virNetServerAuth auth)
{
    if (virNetSocketAdoptListener(fd) < 0)
        return -1;
    virNetServerAddService(srv, fd, g_strdup_printf("fd %d", fd), NULL, readonly, auth);
    return 0;
}

int
virNetServerAddServiceTCP(virNetServer *srv,
                          const char *addr,
                          const char *port,
                          virNetTLSContext *tls,
                          virNetServerAuth auth)
{
    size_t nfds = 0;
    g_autofree int *fds = virNetSocketListenTCP(addr, port, VIR_NET_SERVER_BACKLOG, &nfds);
    size_t i;

    if (!fds)
        return -1;
    for (i = 0; i < nfds; i++)
        virNetServerAddService(srv, fds[i],
                               g_strdup_printf("%s port %s (%s)", addr && *addr ? addr : "*",
                                               port, tls ? "TLS" : "TCP, unencrypted"),
                               tls, false, auth);
    return 0;
}

/* A draining server whose last client went ends its loop. Main
 * context. */
static void
virNetServerDrainCheck(virNetServer *srv)
{
    if (srv->draining && virNetServerGetClientCount(srv) == 0)
        g_main_loop_quit(srv->loop);
}

/* The clients connected now, each referenced (the array drops them), so
 * that they can be called without the server's lock. */
static GPtrArray *
virNetServerClientsRef(virNetServer *srv)
{
    GPtrArray *clients = g_ptr_array_new_with_free_func((GDestroyNotify)virNetServerClientUnref);
    size_t i;

    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        g_ptr_array_add(clients, virNetServerClientRef(g_ptr_array_index(srv->clients, i)));
    g_mutex_unlock(&srv->lock);
    return clients;
}

void
virNetServerClientGone(virNetServer *srv,
                       virNetServerClient *client)
{
    bool found;

    g_mutex_lock(&srv->lock);
    found = g_ptr_array_remove_fast(srv->clients, client);
    g_mutex_unlock(&srv->lock);
    if (!found)
        return;
    virNetServerClientUnref(client);
    virNetServerAcceptResume(srv);
    virNetServerIdleUpdate(srv);
    virNetServerDrainCheck(srv);
}


/* Dispatch */

/* The public API's name of a procedure, for the read-only refusal:
 * DOMAIN_GET_XML_DESC -> virDomainGetXMLDesc. */
static char *
virNetServerProcedureAPIName(const virNetProcedure *proc)
{
    static const char *const acronyms[] = { "XML", "UUID", "ID", "URI", "OS", "CPU", "MAC" };
    g_auto(GStrv) words = g_strsplit(proc->name, "_", -1);
    g_autoptr(GString) name = g_string_new("vir");
    size_t i, j;

    for (i = 0; words[i]; i++) {
        for (j = 0; j < G_N_ELEMENTS(acronyms); j++) {
            if (STREQ(words[i], acronyms[j]))
                break;
        }
        if (j < G_N_ELEMENTS(acronyms)) {
            g_string_append(name, words[i]);
        } else if (words[i][0]) {
            g_autofree char *lower = g_ascii_strdown(words[i] + 1, -1);

            g_string_append_c(name, words[i][0]);
            g_string_append(name, lower);
        }
    }
    return g_string_free(g_steal_pointer(&name), FALSE);
}

/* Answers the call @msg with the thread's last error. Main context
 * thread. Takes @msg. */
static void
virNetServerReplyError(virNetServerClient *client,
                       virNetMessage *msg)
{
    g_autoptr(virNetMessage) reply = virNetMessageNew();
    virNetMessageHeader call = msg->header;

    virNetMessageFree(msg);
    if (virNetMessageEncodeErrorReply(reply, &call) < 0) {
        virNetServerClientClose(client);
        virResetLastError();
        return;
    }
    virResetLastError();
    virNetServerClientQueueReply(client, g_steal_pointer(&reply), false);
}

static const virNetServerProgramEntry *
virNetServerFindEntry(virNetServer *srv, const virNetProgram *program)
{
    size_t i;

    for (i = 0; i < srv->nprograms; i++) {
        if (srv->programs[i].program == program)
            return &srv->programs[i];
    }
    return NULL;
}

/* Stream data is never answered (nobody waits for a reply to it), and
 * this server opens no streams: it is dropped, as data for a stream
 * already closed, also when its header is wrong. Takes @msg. */
static void
virNetServerDropStreamMessage(virNetServerClient *client, virNetMessage *msg)
{
    g_info("RPC client %llu: stream message for procedure %d dropped (no stream open)",
           virNetServerClientGetID(client), msg->header.proc);
    virNetMessageFree(msg);
}

void
virNetServerProcessMessage(virNetServer *srv,
                           virNetServerClient *client,
                           virNetMessage *msg,
                           bool headerOK)
{
    const virNetProgram *program = NULL;
    const virNetProcedure *proc;
    virNetServerJob *job;
    int kaproc;

    if (!headerOK) {
        if (msg->header.type == VIR_NET_STREAM || msg->header.type == VIR_NET_STREAM_HOLE) {
            virNetServerDropStreamMessage(client, msg);
            return;
        }
        goto error;
    }

    if (virNetMessageIsKeepalive(msg, &kaproc)) {
        if (kaproc == KEEPALIVE_PROC_PING) {
            virNetMessage *pong = virNetMessageNewKeepalive(KEEPALIVE_PROC_PONG);

            if (!pong || virNetServerClientSendMessage(client, pong) < 0)
                virResetLastError();
        } else if (kaproc != KEEPALIVE_PROC_PONG) {
            g_info("RPC client %llu: unknown keepalive procedure %d ignored",
                   virNetServerClientGetID(client), kaproc);
        }
        virNetMessageFree(msg);
        return;
    }

    switch ((virNetMessageType)msg->header.type) {
    case VIR_NET_CALL:
    case VIR_NET_CALL_WITH_FDS:
        break;
    case VIR_NET_STREAM:
    case VIR_NET_STREAM_HOLE:
        virNetServerDropStreamMessage(client, msg);
        return;
    case VIR_NET_REPLY:
    case VIR_NET_MESSAGE:
    case VIR_NET_REPLY_WITH_FDS:
    default:
        virReportError(VIR_ERR_RPC, _("Unexpected message type %u"), msg->header.type);
        goto error;
    }

    if (!(proc = virNetProgramFindProcedure(srv->programList, srv->nprograms,
                                            &msg->header, &program)))
        goto error;
    if (msg->header.status != VIR_NET_OK) {
        virReportError(VIR_ERR_RPC, _("Unexpected message status %u"), msg->header.status);
        goto error;
    }
    if (proc->flags & VIR_NET_PROCEDURE_MESSAGE) {
        virReportError(VIR_ERR_RPC, _("procedure %s (%d) is an event and cannot be called"),
                       proc->name, proc->proc);
        goto error;
    }
    if (!(proc->flags & VIR_NET_PROCEDURE_NOAUTH) &&
        !virNetServerClientIsAuthenticated(client)) {
        virReportError(VIR_ERR_RPC, "%s", _("authentication required"));
        goto error;
    }
    if (!(proc->flags & VIR_NET_PROCEDURE_READONLY) &&
        virNetServerClientGetReadonly(client)) {
        g_autofree char *api = virNetServerProcedureAPIName(proc);

        virReportError(VIR_ERR_OPERATION_DENIED, _("read only access prevents %s"), api);
        goto error;
    }

    job = g_new0(virNetServerJob, 1);
    job->client = virNetServerClientRef(client);
    job->msg = msg;
    job->proc = proc;
    job->entry = virNetServerFindEntry(srv, program);
    virNetServerClientBeginCall(client);

    /* A quick procedure waits for no busy worker; anything else queues. */
    if ((proc->flags & VIR_NET_PROCEDURE_PRIORITY) && srv->prioWorkers &&
        (size_t)g_atomic_int_get(&srv->normalJobs) >= srv->cfg.maxWorkers) {
        job->priority = true;
        g_thread_pool_push(srv->prioWorkers, job, NULL);
    } else {
        g_atomic_int_inc(&srv->normalJobs);
        g_thread_pool_push(srv->workers, job, NULL);
    }
    return;

 error:
    virNetServerReplyError(client, msg);
}

/* Runs one call: decode, handler, encode. Worker thread. */
static virNetMessage *
virNetServerRunCall(virNetServer *srv,
                    virNetServerJob *job)
{
    const virNetProcedure *proc = job->proc;
    g_autoptr(virNetMessage) reply = virNetMessageNew();
    g_autofree void *args = g_malloc0(MAX(proc->argsSize, 1));
    g_autofree void *ret = g_malloc0(MAX(proc->retSize, 1));
    int rv;

    virResetLastError();
    if (virNetMessageDecodePayload(job->msg, proc->argsFilter, args) < 0)
        goto error;

    rv = job->entry->handler(srv, job->client, job->msg, proc,
                             proc->argsSize ? args : NULL,
                             proc->retSize ? ret : NULL,
                             job->entry->opaque);
    xdr_free(proc->argsFilter, args);
    if (rv < 0) {
        xdr_free(proc->retFilter, ret);
        goto error;
    }

    reply->header = job->msg->header;
    reply->header.type = VIR_NET_REPLY;
    reply->header.status = VIR_NET_OK;
    rv = virNetMessageEncodeHeader(reply);
    if (rv == 0)
        rv = virNetMessageEncodePayload(reply, proc->retFilter, ret);
    xdr_free(proc->retFilter, ret);
    if (rv < 0) {
        virNetMessageClear(reply);
        goto error;
    }
    return g_steal_pointer(&reply);

 error:
    if (virNetMessageEncodeErrorReply(reply, &job->msg->header) < 0)
        return NULL;
    return g_steal_pointer(&reply);
}

static void
virNetServerWorker(gpointer data, gpointer opaque)
{
    virNetServerJob *job = data;
    virNetServer *srv = opaque;
    virNetMessage *reply = NULL;

    if (!virNetServerClientIsClosed(job->client))
        reply = virNetServerRunCall(srv, job);
    virResetLastError();
    if (reply)
        virNetServerClientQueueReply(job->client, reply, true);
    else
        virNetServerClientClose(job->client);

    if (!job->priority)
        g_atomic_int_add(&srv->normalJobs, -1);
    virNetMessageFree(job->msg);
    virNetServerClientUnref(job->client);
    g_free(job);
}


/* Events */

void
virNetServerBroadcastEvent(virNetServer *srv,
                           const virNetProgram *program,
                           int proc,
                           void *body,
                           virNetServerClientFilter filter,
                           void *opaque)
{
    g_autoptr(GPtrArray) clients = virNetServerClientsRef(srv);
    size_t i;

    for (i = 0; i < clients->len; i++) {
        virNetServerClient *client = g_ptr_array_index(clients, i);

        if (filter && !filter(client, opaque))
            continue;
        if (virNetServerClientSendEvent(client, program, proc, body) < 0) {
            g_info("RPC client %llu: event %d not sent: %s",
                   virNetServerClientGetID(client), proc, virGetLastErrorMessage());
            virResetLastError();
        }
    }
}


/* Running */

int
virNetServerRun(virNetServer *srv)
{
    g_autoptr(GError) err = NULL;

    if (!srv->workers &&
        !(srv->workers = g_thread_pool_new(virNetServerWorker, srv,
                                           srv->cfg.maxWorkers, FALSE, &err))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot start the RPC worker threads: %s"),
                       err->message);
        return -1;
    }
    if (srv->cfg.prioWorkers && !srv->prioWorkers &&
        !(srv->prioWorkers = g_thread_pool_new(virNetServerWorker, srv,
                                               srv->cfg.prioWorkers, FALSE, &err))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot start the RPC priority worker threads: %s"),
                       err->message);
        return -1;
    }
    virNetServerIdleUpdate(srv);
    g_main_context_push_thread_default(srv->ctx);
    g_main_loop_run(srv->loop);
    g_main_context_pop_thread_default(srv->ctx);
    return 0;
}

void
virNetServerQuit(virNetServer *srv)
{
    g_main_loop_quit(srv->loop);
}

static gboolean
virNetServerDrainTimedOut(gpointer opaque)
{
    virNetServer *srv = opaque;

    g_message("stopping with calls still in progress: the time given to finish them is over");
    g_clear_pointer(&srv->drainTimeout, g_source_unref);
    g_main_loop_quit(srv->loop);
    return G_SOURCE_REMOVE;
}

void
virNetServerDrain(virNetServer *srv, unsigned int timeoutSeconds)
{
    g_autoptr(GPtrArray) clients = NULL;
    size_t i;

    if (srv->draining) {
        g_main_loop_quit(srv->loop);
        return;
    }
    srv->draining = true;
    virNetServerAcceptPause(srv);
    if (srv->acceptRetry) {
        g_source_destroy(srv->acceptRetry);
        g_clear_pointer(&srv->acceptRetry, g_source_unref);
    }
    clients = virNetServerClientsRef(srv);
    /* each goes once it has all its replies (the loop closes it) */
    for (i = 0; i < clients->len; i++)
        virNetServerClientDelayedClose(g_ptr_array_index(clients, i));
    srv->drainTimeout = g_timeout_source_new_seconds(timeoutSeconds);
    g_source_set_callback(srv->drainTimeout, virNetServerDrainTimedOut, srv, NULL);
    g_source_attach(srv->drainTimeout, srv->ctx);
    virNetServerDrainCheck(srv);
}

void
virNetServerFree(virNetServer *srv)
{
    size_t i;

    if (!srv)
        return;

    for (i = 0; i < srv->services->len; i++) {
        virNetServerService *svc = g_ptr_array_index(srv->services, i);

        virNetServerServiceUnwatch(svc);
        close(svc->fd);
        virNetTLSContextUnref(svc->tls);
        g_free(svc->name);
        g_free(svc);
    }
    g_ptr_array_set_size(srv->services, 0);
    if (srv->acceptRetry) {
        g_source_destroy(srv->acceptRetry);
        g_clear_pointer(&srv->acceptRetry, g_source_unref);
    }
    if (srv->drainTimeout) {
        g_source_destroy(srv->drainTimeout);
        g_clear_pointer(&srv->drainTimeout, g_source_unref);
    }
    srv->idleSeconds = 0;

    /* Closing a client removes it from the list. */
    for (;;) {
        virNetServerClient *client = NULL;

        g_mutex_lock(&srv->lock);
        if (srv->clients->len)
            client = virNetServerClientRef(g_ptr_array_index(srv->clients, 0));
        g_mutex_unlock(&srv->lock);
        if (!client)
            break;
        virNetServerClientCloseNow(client);
        virNetServerClientUnref(client);
    }
    /* Calls still running finish and find their client closed. */
    if (srv->workers)
        g_thread_pool_free(srv->workers, FALSE, TRUE);
    if (srv->prioWorkers)
        g_thread_pool_free(srv->prioWorkers, FALSE, TRUE);
    virNetServerIdleUpdate(srv);

    g_ptr_array_unref(srv->services);
    g_ptr_array_unref(srv->clients);
    g_free(srv->programs);
    g_free(srv->programList);
    g_main_loop_unref(srv->loop);
    g_main_context_unref(srv->ctx);
    g_mutex_clear(&srv->lock);
    g_free(srv);
}
