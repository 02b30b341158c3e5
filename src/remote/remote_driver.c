/*
 * remote_driver.c: the driver of a connection to a daemon
 *
 * qemu:///system, qemu:///session and qemu+unix:///PATH?socket=SOCK open a
 * UNIX socket to a daemon that speaks the REMOTE program (ours, or
 * libvirt's libvirtd/virtqemud), and every driver method becomes one call
 * on it. qemu:///embed?root=DIR is left to the embedded driver. See
 * docs/uri.rst.
 */
#include "internal.h"

#include "datatypes.h"
#include "driver.h"
#include "virerror.h"
#include "virnetclient.h"
#include "remote_driver.h"
#include "domain_event.h"
#include "remote_sockets.h"
#include "remote_program.h"
#include "remote_typed_params.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

/* Keepalive until the application chooses (virConnectSetKeepAlive): a
 * dead daemon fails the waiting calls after about 30 s, never hangs
 * them. */
#define REMOTE_KEEPALIVE_INTERVAL 5
#define REMOTE_KEEPALIVE_COUNT 5
/* Before keepalive runs, opening a connection (TCP connect, TLS handshake
 * and confirmation, the calls up to CONNECT_OPEN and the feature probes)
 * is bounded by the same 30 s, in milliseconds: a daemon that accepts and
 * never answers fails the open as a dead one fails a call. */
#define REMOTE_OPEN_TIMEOUT (REMOTE_KEEPALIVE_INTERVAL * (REMOTE_KEEPALIVE_COUNT + 1) * 1000)

typedef struct {
    int localID;
    int remoteID;
    int eventID;
    virConnectDomainEventGenericCallback cb;
    void *opaque;
    virFreeCallback freecb;
} remoteEventCallback;

/* An event received, waiting for the event loop. */
typedef struct {
    int remoteID;
    virDomainEvent *event;
} remoteEvent;

/* the highest virDrvFeature whose answer a connection keeps */
#define REMOTE_FEATURE_MAX VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER

typedef struct {
    /* guards the event callbacks, the events queue and timer, the close
     * callback and the feature answers below */
    GMutex lock;
    virNetClient *client;
    virConnectPtr conn;           /* not referenced: it owns us */
    char *type;                   /* CONNECT_GET_TYPE, asked once */
    bool keepaliveFeature;
    bool eventCallbackFeature;
    bool closeCallbackFeature;

    GPtrArray *callbacks;         /* remoteEventCallback */
    int nextLocalID;
    GQueue events;                /* remoteEvent */
    int eventTimer;               /* -1: none yet */

    virConnectCloseFunc closeCb;
    void *closeOpaque;
    virFreeCallback closeFreecb;
    bool closeRegistered;         /* CONNECT_REGISTER_CLOSE_CALLBACK sent */
    /* CONNECT_SUPPORTS_FEATURE's answers, asked once each: the daemon at
     * the other end is one process for the connection's life, so they
     * cannot change (0: not asked, 1: no, 2: yes). A migration asks up
     * to four on each of its connections every time. */
    signed char features[REMOTE_FEATURE_MAX + 1];
} remotePrivate;

static void
remoteEventFree(remoteEvent *ev)
{
    virDomainEventFree(ev->event);
    g_free(ev);
}

static void
remoteEventCallbackFree(remoteEventCallback *cb)
{
    if (cb->freecb)
        cb->freecb(cb->opaque);
    g_free(cb);
}


/* Calls */

static int
remoteCall(virConnectPtr conn, int proc, void *args, void *ret)
{
    remotePrivate *priv = conn->privateData;

    return virNetClientCall(priv->client, &remoteProgram, proc, args, ret);
}

/* Frees the decoded reply @ret of @proc. */
static void
remoteFreeRet(int proc, void *ret)
{
    const virNetProcedure *p = virNetProgramLookup(&remoteProgram, proc);

    xdr_free(p->retFilter, (char *)ret);
}

static void
remoteMakeDomain(remote_nonnull_domain *rdom, virDomainPtr dom)
{
    rdom->name = dom->name;
    memcpy(rdom->uuid, dom->uuid, VIR_UUID_BUFLEN);
    rdom->id = dom->id;
}

static virDomainPtr
remoteGetDomain(virConnectPtr conn, const remote_nonnull_domain *rdom)
{
    return virGetDomain(conn, rdom->name, (const unsigned char *)rdom->uuid, rdom->id);
}

static void
remoteMakeNetwork(remote_nonnull_network *rnet, virNetworkPtr net)
{
    rnet->name = net->name;
    memcpy(rnet->uuid, net->uuid, VIR_UUID_BUFLEN);
}

static virNetworkPtr
remoteGetNetwork(virConnectPtr conn, const remote_nonnull_network *rnet)
{
    return virGetNetwork(conn, rnet->name, (const unsigned char *)rnet->uuid);
}

/* 1 or 0: whether the server supports @feature; 0 also when it does not
 * know the question. */
static int
remoteSupportsFeature(virConnectPtr conn, int feature)
{
    remotePrivate *priv = conn->privateData;
    remote_connect_supports_feature_args args = { .feature = feature };
    remote_connect_supports_feature_ret ret = { 0 };
    bool keep = feature > 0 && feature <= REMOTE_FEATURE_MAX;
    int known = 0;
    int answer;

    if (keep) {
        g_mutex_lock(&priv->lock);
        known = priv->features[feature];
        g_mutex_unlock(&priv->lock);
        if (known)
            return known - 1;
    }
    if (remoteCall(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &args, &ret) < 0) {
        /* an error other than "unknown question" may be passing (the
         * connection's end): never kept */
        if (virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
            return -1;
        virResetLastError();
        answer = 0;
    } else {
        answer = ret.supported ? 1 : 0;
    }
    if (keep) {
        g_mutex_lock(&priv->lock);
        priv->features[feature] = answer + 1;
        g_mutex_unlock(&priv->lock);
    }
    return answer;
}


/* virConnectSupportsFeature: REMOTE is this driver's own answer, the
 * callback features were asked at open, the rest is the daemon's (its
 * driver's, for migration) answer. */
static int
remoteConnectSupportsFeature(virConnectPtr conn, int feature)
{
    remotePrivate *priv = conn->privateData;

    switch ((virDrvFeature)feature) {
    case VIR_DRV_FEATURE_REMOTE:
        return 1;
    case VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK:
        return priv->eventCallbackFeature ? 1 : 0;
    case VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK:
        return priv->closeCallbackFeature ? 1 : 0;
    case VIR_DRV_FEATURE_MIGRATION_V1:
    case VIR_DRV_FEATURE_MIGRATION_V2:
    case VIR_DRV_FEATURE_MIGRATION_P2P:
    case VIR_DRV_FEATURE_MIGRATION_DIRECT:
    case VIR_DRV_FEATURE_MIGRATION_V3:
    case VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION:
    case VIR_DRV_FEATURE_FD_PASSING:
    case VIR_DRV_FEATURE_TYPED_PARAM_STRING:
    case VIR_DRV_FEATURE_PROGRAM_KEEPALIVE:
    case VIR_DRV_FEATURE_XML_MIGRATABLE:
    case VIR_DRV_FEATURE_MIGRATION_OFFLINE:
    case VIR_DRV_FEATURE_MIGRATION_PARAMS:
    case VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
        break;
    }
    return remoteSupportsFeature(conn, feature);
}


/* Events: the I/O thread decodes them; the event loop delivers them. */

static void
remoteDispatchEvents(int timer G_GNUC_UNUSED, void *opaque)
{
    virConnectPtr conn = opaque;
    remotePrivate *priv = conn->privateData;
    remoteEvent *ev;

    g_mutex_lock(&priv->lock);
    virEventUpdateTimeout(priv->eventTimer, -1);
    while ((ev = g_queue_pop_head(&priv->events))) {
        virConnectDomainEventGenericCallback cb = NULL;
        void *cbopaque = NULL;
        size_t i;

        for (i = 0; i < priv->callbacks->len; i++) {
            remoteEventCallback *c = g_ptr_array_index(priv->callbacks, i);

            if (c->remoteID == ev->remoteID && c->eventID == virDomainEventGetID(ev->event)) {
                cb = c->cb;
                cbopaque = c->opaque;
                break;
            }
        }
        if (!cb) {
            /* deregistered meanwhile */
            remoteEventFree(ev);
            continue;
        }
        g_mutex_unlock(&priv->lock);

        virDomainEventInvoke(ev->event, conn, cb, cbopaque);
        remoteEventFree(ev);
        g_mutex_lock(&priv->lock);
    }
    g_mutex_unlock(&priv->lock);
}

static void
remoteQueueEvent(remotePrivate *priv, int remoteID, virDomainEvent *event)
{
    remoteEvent *ev = g_new0(remoteEvent, 1);

    ev->remoteID = remoteID;
    ev->event = event;
    g_queue_push_tail(&priv->events, ev);
}

/* The device events share a layout (callbackID, dom, devAlias). */
static void
remoteQueueDeviceEvent(remotePrivate *priv, int eventID,
                       const remote_domain_event_callback_device_removed_msg *m)
{
    remoteQueueEvent(priv, m->callbackID,
                     virDomainEventDeviceNew(eventID, m->dom.name, (unsigned char *)m->dom.uuid,
                                             m->dom.id, m->devAlias));
}

/* Runs in the thread that reads the connection: its I/O thread, or
 * that of a call waiting for its reply. */
static void
remoteHandleEvent(virNetClient *client G_GNUC_UNUSED,
                  virNetMessage *msg,
                  void *opaque)
{
    remotePrivate *priv = opaque;
    const virNetProcedure *proc;
    xdrproc_t filter;
    size_t size;
    g_autofree void *body = NULL;
    virErrorPtr saved;

    if (!virNetProgramMatches(&remoteProgram, &msg->header) ||
        !(proc = virNetProgramLookup(&remoteProgram, msg->header.proc)) ||
        !(proc->flags & VIR_NET_PROCEDURE_MESSAGE))
        return;   /* an event of a program or version we do not speak */

    virErrorPreserveLast(&saved);
    if (virNetProcedurePayload(proc, &msg->header, &filter, &size) < 0)
        goto cleanup;
    body = g_malloc0(MAX(size, 1));
    if (virNetMessageDecodePayload(msg, filter, body) < 0)
        goto cleanup;

    g_mutex_lock(&priv->lock);
    switch (msg->header.proc) {
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
        remote_domain_event_callback_lifecycle_msg *m = body;

        remoteQueueEvent(priv, m->callbackID,
                         virDomainEventLifecycleNew(m->msg.dom.name,
                                                    (unsigned char *)m->msg.dom.uuid,
                                                    m->msg.dom.id, m->msg.event, m->msg.detail));
        break;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT: {
        remote_domain_event_callback_reboot_msg *m = body;

        remoteQueueEvent(priv, m->callbackID,
                         virDomainEventNew(VIR_DOMAIN_EVENT_ID_REBOOT, m->dom.name,
                                           (unsigned char *)m->dom.uuid, m->dom.id));
        break;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED:
        remoteQueueDeviceEvent(priv, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, body);
        break;
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED:
        remoteQueueDeviceEvent(priv, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, body);
        break;
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED:
        remoteQueueDeviceEvent(priv, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED, body);
        break;
    default:
        /* an event nobody here registers for */
        break;
    }
    if (!g_queue_is_empty(&priv->events) && priv->eventTimer >= 0)
        virEventUpdateTimeout(priv->eventTimer, 0);
    g_mutex_unlock(&priv->lock);
    xdr_free(filter, (char *)body);

 cleanup:
    virErrorRestore(&saved);
}

typedef struct {
    virConnectPtr conn;     /* referenced */
    int reason;
} remoteCloseDelivery;

static void
remoteCloseDeliveryFree(void *opaque)
{
    remoteCloseDelivery *d = opaque;

    virObjectUnrefConnect(d->conn);
    g_free(d);
}

/* Calls the close callback registered now, if any. */
static void
remoteCallCloseCallback(virConnectPtr conn, int reason)
{
    remotePrivate *priv = conn->privateData;
    virConnectCloseFunc cb;
    void *cbopaque;

    g_mutex_lock(&priv->lock);
    cb = priv->closeCb;
    cbopaque = priv->closeOpaque;
    g_mutex_unlock(&priv->lock);
    if (cb)
        cb(conn, reason, cbopaque);
}

static void
remoteCloseDeliver(int timer, void *opaque)
{
    remoteCloseDelivery *d = opaque;

    virEventRemoveTimeout(timer);
    remoteCallCloseCallback(d->conn, d->reason);
}

/* Runs in the I/O thread when the daemon or keepalive ended the
 * connection. The close callback runs from the application's event loop,
 * as events do (and as libvirt's client runs it): an application that
 * waits in virEventRunDefaultImpl for it returns from that call once it
 * ran. The connection stays referenced until then. */
static void
remoteHandleClose(virNetClient *client G_GNUC_UNUSED,
                  int reason,
                  void *opaque)
{
    remotePrivate *priv = opaque;
    remoteCloseDelivery *d;

    g_mutex_lock(&priv->lock);
    if (!priv->closeCb) {
        g_mutex_unlock(&priv->lock);
        return;
    }
    g_mutex_unlock(&priv->lock);
    d = g_new0(remoteCloseDelivery, 1);
    d->conn = priv->conn;
    g_atomic_int_inc(&d->conn->refs);
    d->reason = reason;
    virEventAddTimeout(0, remoteCloseDeliver, d, remoteCloseDeliveryFree);
}


/* Opening */

static int
remoteAuthenticate(virConnectPtr conn)
{
    remote_auth_list_ret list = { 0 };
    bool none = false;
    bool polkit = false;
    size_t i;

    if (remoteCall(conn, REMOTE_PROC_AUTH_LIST, NULL, &list) < 0) {
        /* a server without the procedure needs no authentication */
        if (virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
            return -1;
        virResetLastError();
        return 0;
    }
    for (i = 0; i < list.types.types_len; i++) {
        none |= list.types.types_val[i] == REMOTE_AUTH_NONE;
        polkit |= list.types.types_val[i] == REMOTE_AUTH_POLKIT;
    }
    if (list.types.types_len == 0)
        none = true;
    remoteFreeRet(REMOTE_PROC_AUTH_LIST, &list);

    if (none)
        return 0;
    if (polkit) {
        remote_auth_polkit_ret ret = { 0 };

        if (remoteCall(conn, REMOTE_PROC_AUTH_POLKIT, NULL, &ret) < 0)
            return -1;
        return 0;
    }
    virReportError(VIR_ERR_AUTH_UNAVAILABLE,
                   _("%s: the daemon asks for SASL authentication, which this client does not support"),
                   conn->uri);
    return -1;
}

static void
remotePrivateFree(remotePrivate *priv)
{
    remoteEvent *ev;

    if (!priv)
        return;
    virNetClientFree(priv->client);
    if (priv->eventTimer >= 0)
        virEventRemoveTimeout(priv->eventTimer);
    while ((ev = g_queue_pop_head(&priv->events)))
        remoteEventFree(ev);
    if (priv->callbacks)
        g_ptr_array_free(priv->callbacks, TRUE);
    if (priv->closeFreecb)
        priv->closeFreecb(priv->closeOpaque);
    g_free(priv->type);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}

/* qemu+tls:// (@tls) or qemu+tcp://: a connection to the URI's host and
 * port (default 16514 / 16509). TLS files: pkipath=DIR, else the
 * system's (root) or the user's ~/.pki/libvirt ones; no_verify=1 turns
 * failed checks of the server's certificate into warnings, no_sanity=1
 * skips the checks of our own files, tls_priority=STR. */
static virNetClient *
remoteConnectTCP(GUri *uri, GHashTable *params, bool tls)
{
    const char *host = g_uri_get_host(uri);
    int port = g_uri_get_port(uri);
    g_autofree char *portstr = NULL;
    g_autoptr(virNetTLSContext) ctx = NULL;
    virNetTLSFiles files = { 0 };
    const char *pkipath = g_hash_table_lookup(params, "pkipath");
    const char *noVerify = g_hash_table_lookup(params, "no_verify");
    const char *noSanity = g_hash_table_lookup(params, "no_sanity");

    if (port > 0)
        portstr = g_strdup_printf("%d", port);
    else
        portstr = g_strdup(tls ? REMOTE_TLS_PORT : REMOTE_TCP_PORT);
    if (tls) {
        if (pkipath)
            virNetTLSFilesPKIPath(&files, pkipath);
        else
            virNetTLSFilesClientDefault(&files, geteuid() == 0);
        ctx = virNetTLSContextNewClient(&files, g_hash_table_lookup(params, "tls_priority"),
                                        noSanity && STRNEQ(noSanity, "0"),
                                        noVerify && STRNEQ(noVerify, "0"));
        virNetTLSFilesClear(&files);
        if (!ctx)
            return NULL;
    }
    return virNetClientNewTCP(host, portstr, ctx, REMOTE_OPEN_TIMEOUT);
}

static virDrvOpenStatus
remoteConnectOpen(virConnectPtr conn, GUri *uri, unsigned int flags)
{
    const char *scheme = g_uri_get_scheme(uri);
    const char *host = g_uri_get_host(uri);
    const char *path = g_uri_get_path(uri);
    const char *query = g_uri_get_query(uri);
    g_autoptr(GHashTable) params = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *driver = NULL;
    g_autofree char *sockpath = NULL;
    g_autofree char *name = NULL;
    const char *transport;
    remotePrivate *priv;
    remote_connect_open_args args = { 0 };
    int rc;

    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VIR_DRV_OPEN_ERROR);

    if (!scheme)
        return VIR_DRV_OPEN_DECLINED;
    driver = g_strdup(scheme);
    if ((transport = strchr(scheme, '+'))) {
        driver[transport - scheme] = '\0';
        transport++;
    }
    if (STRNEQ(driver, "qemu"))
        return VIR_DRV_OPEN_DECLINED;
    if (!transport) {
        /* a host means TLS (as libvirt); other paths (embed) are the
         * embedded driver's */
        if (host && *host)
            transport = "tls";
        else if (STRNEQ_NULLABLE(path, "/system") && STRNEQ_NULLABLE(path, "/session"))
            return VIR_DRV_OPEN_DECLINED;
    }
    if (transport && (STREQ(transport, "tls") || STREQ(transport, "tcp"))) {
        if (!host || !*host) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("%s: transport '%s' needs a host name, as in qemu+%s://HOST/system"),
                           conn->uri, transport, transport);
            return VIR_DRV_OPEN_ERROR;
        }
    } else if (transport && STRNEQ(transport, "unix")) {
        virReportError(VIR_ERR_NO_CONNECT,
                       _("%s: transport '%s' is not supported by this client; use qemu+unix://, qemu+tls:// or qemu+tcp://"),
                       conn->uri, transport);
        return VIR_DRV_OPEN_ERROR;
    } else if (host && *host) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("%s: a UNIX socket transport connects to this host only: leave the host out"),
                       conn->uri);
        return VIR_DRV_OPEN_ERROR;
    }

    if (!(params = g_uri_parse_params(query ? query : "", -1, "&",
                                      G_URI_PARAMS_NONE, &gerr))) {
        virReportError(VIR_ERR_INVALID_ARG, _("%s: cannot parse the parameters: %s"),
                       conn->uri, gerr->message);
        return VIR_DRV_OPEN_ERROR;
    }
    if (!transport || STREQ(transport, "unix")) {
        if (!(sockpath = remoteSocketPath(conn->uri, uri, params, flags, geteuid() == 0,
                                          REMOTE_SYSTEM_SOCKET_DIR)))
            return VIR_DRV_OPEN_ERROR;
    }
    name = remoteServerURI(uri, params, driver);

    priv = g_new0(remotePrivate, 1);
    g_mutex_init(&priv->lock);
    priv->conn = conn;
    priv->eventTimer = -1;
    priv->callbacks = g_ptr_array_new_with_free_func((GDestroyNotify)remoteEventCallbackFree);
    g_queue_init(&priv->events);
    if (sockpath)
        priv->client = virNetClientNewUNIX(sockpath, REMOTE_OPEN_TIMEOUT);
    else
        priv->client = remoteConnectTCP(uri, params, STREQ(transport, "tls"));
    if (!priv->client) {
        remotePrivateFree(priv);
        return VIR_DRV_OPEN_ERROR;
    }
    virNetClientSetEventHandler(priv->client, remoteHandleEvent, priv);
    virNetClientSetCloseHandler(priv->client, remoteHandleClose, priv);
    conn->privateData = priv;

    /* the order of Debian's virsh (protocol.md 3.1) */
    if (remoteAuthenticate(conn) < 0)
        goto error;
    if ((rc = remoteSupportsFeature(conn, VIR_DRV_FEATURE_PROGRAM_KEEPALIVE)) < 0)
        goto error;
    priv->keepaliveFeature = rc;
    args.name = &name;
    args.flags = flags & VIR_CONNECT_RO;
    if (remoteCall(conn, REMOTE_PROC_CONNECT_OPEN, &args, NULL) < 0)
        goto error;
    if ((rc = remoteSupportsFeature(conn, VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK)) < 0)
        goto error;
    priv->eventCallbackFeature = rc;
    if ((rc = remoteSupportsFeature(conn, VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK)) < 0)
        goto error;
    priv->closeCallbackFeature = rc;
    virNetClientOpenDone(priv->client);
    if (priv->keepaliveFeature)
        virNetClientSetKeepAlive(priv->client, REMOTE_KEEPALIVE_INTERVAL * 1000,
                                 REMOTE_KEEPALIVE_COUNT);
    return VIR_DRV_OPEN_SUCCESS;

 error:
    conn->privateData = NULL;
    remotePrivateFree(priv);
    return VIR_DRV_OPEN_ERROR;
}

static int
remoteConnectClose(virConnectPtr conn)
{
    remotePrivate *priv = conn->privateData;
    bool unregister;
    virErrorPtr saved;

    if (!priv)
        return 0;
    virErrorPreserveLast(&saved);
    /* the daemon hangs up after CONNECT_CLOSE: that is no news for the
     * application */
    g_mutex_lock(&priv->lock);
    priv->closeCb = NULL;
    unregister = priv->closeRegistered;
    g_mutex_unlock(&priv->lock);
    if (virNetClientIsOpen(priv->client)) {
        if (unregister)
            remoteCall(conn, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, NULL, NULL);
        remoteCall(conn, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL);
    }
    conn->privateData = NULL;
    remotePrivateFree(priv);
    virErrorRestore(&saved);
    return 0;
}

static int
remoteConnectIsAlive(virConnectPtr conn)
{
    remotePrivate *priv = conn->privateData;

    return virNetClientIsOpen(priv->client) ? 1 : 0;
}

static int
remoteConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count)
{
    remotePrivate *priv = conn->privateData;

    if (!priv->keepaliveFeature)
        return 1;
    if (!virNetClientIsOpen(priv->client)) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("the connection to the daemon is closed"));
        return -1;
    }
    virNetClientSetKeepAlive(priv->client, interval > 0 ? interval * 1000 : 0, count);
    return 0;
}

static int
remoteConnectRegisterCloseCallback(virConnectPtr conn,
                                   virConnectCloseFunc cb,
                                   void *opaque,
                                   virFreeCallback freecb)
{
    remotePrivate *priv = conn->privateData;
    bool send;

    g_mutex_lock(&priv->lock);
    if (priv->closeCb) {
        g_mutex_unlock(&priv->lock);
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("A close callback is already registered"));
        return -1;
    }
    send = priv->closeCallbackFeature && !priv->closeRegistered;
    priv->closeCb = cb;
    priv->closeOpaque = opaque;
    priv->closeFreecb = freecb;
    priv->closeRegistered = true;
    g_mutex_unlock(&priv->lock);

    /* only tells the daemon; the callback runs when our side sees the end */
    if (send && remoteCall(conn, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, NULL, NULL) < 0) {
        g_mutex_lock(&priv->lock);
        priv->closeCb = NULL;
        priv->closeFreecb = NULL;
        priv->closeRegistered = false;
        g_mutex_unlock(&priv->lock);
        return -1;
    }
    return 0;
}

static int
remoteConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb)
{
    remotePrivate *priv = conn->privateData;
    virFreeCallback freecb;
    void *opaque;
    bool send;

    g_mutex_lock(&priv->lock);
    if (priv->closeCb != cb) {
        g_mutex_unlock(&priv->lock);
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("A different callback was requested"));
        return -1;
    }
    send = priv->closeRegistered && priv->closeCallbackFeature;
    freecb = priv->closeFreecb;
    opaque = priv->closeOpaque;
    priv->closeCb = NULL;
    priv->closeFreecb = NULL;
    priv->closeRegistered = false;
    g_mutex_unlock(&priv->lock);

    if (freecb)
        freecb(opaque);
    if (send && virNetClientIsOpen(priv->client) &&
        remoteCall(conn, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, NULL, NULL) < 0)
        return -1;
    return 0;
}


/* Host */

static const char *
remoteConnectGetType(virConnectPtr conn)
{
    remotePrivate *priv = conn->privateData;
    remote_connect_get_type_ret ret = { 0 };

    g_mutex_lock(&priv->lock);
    if (priv->type) {
        g_mutex_unlock(&priv->lock);
        return priv->type;
    }
    g_mutex_unlock(&priv->lock);
    if (remoteCall(conn, REMOTE_PROC_CONNECT_GET_TYPE, NULL, &ret) < 0)
        return NULL;
    g_mutex_lock(&priv->lock);
    if (!priv->type)
        priv->type = g_strdup(ret.type);
    g_mutex_unlock(&priv->lock);
    remoteFreeRet(REMOTE_PROC_CONNECT_GET_TYPE, &ret);
    return priv->type;
}

static int
remoteConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    remote_connect_get_version_ret ret = { 0 };

    if (remoteCall(conn, REMOTE_PROC_CONNECT_GET_VERSION, NULL, &ret) < 0)
        return -1;
    *hvVer = ret.hv_ver;
    return 0;
}

/* Procedures that answer one string. */
static char *
remoteCallString(virConnectPtr conn, int proc, void *args)
{
    /* every such ret struct is a single remote_nonnull_string */
    char *ret = NULL;
    char *str;

    if (remoteCall(conn, proc, args, &ret) < 0)
        return NULL;
    str = g_strdup(ret);
    remoteFreeRet(proc, &ret);
    return str;
}

G_STATIC_ASSERT(sizeof(remote_connect_get_hostname_ret) == sizeof(char *));
G_STATIC_ASSERT(sizeof(remote_connect_domain_xml_to_native_ret) == sizeof(char *));
G_STATIC_ASSERT(sizeof(remote_connect_get_capabilities_ret) == sizeof(char *));
G_STATIC_ASSERT(sizeof(remote_connect_get_domain_capabilities_ret) == sizeof(char *));
G_STATIC_ASSERT(sizeof(remote_domain_get_xml_desc_ret) == sizeof(char *));
G_STATIC_ASSERT(sizeof(remote_network_get_xml_desc_ret) == sizeof(char *));

static char *
remoteConnectGetHostname(virConnectPtr conn)
{
    return remoteCallString(conn, REMOTE_PROC_CONNECT_GET_HOSTNAME, NULL);
}

static char *
remoteConnectGetCapabilities(virConnectPtr conn)
{
    return remoteCallString(conn, REMOTE_PROC_CONNECT_GET_CAPABILITIES, NULL);
}

static char *
remoteConnectGetDomainCapabilities(virConnectPtr conn,
                                   const char *emulatorbin,
                                   const char *arch,
                                   const char *machine,
                                   const char *virttype,
                                   unsigned int flags)
{
    remote_connect_get_domain_capabilities_args args = { 0 };

    args.emulatorbin = emulatorbin ? (char **)&emulatorbin : NULL;
    args.arch = arch ? (char **)&arch : NULL;
    args.machine = machine ? (char **)&machine : NULL;
    args.virttype = virttype ? (char **)&virttype : NULL;
    args.flags = flags;
    return remoteCallString(conn, REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES, &args);
}

static int
remoteNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    remote_node_get_info_ret ret = { 0 };
    size_t i;

    if (remoteCall(conn, REMOTE_PROC_NODE_GET_INFO, NULL, &ret) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    for (i = 0; i < sizeof(info->model) - 1 && ret.model[i]; i++)
        info->model[i] = ret.model[i];
    info->memory = ret.memory;
    info->cpus = ret.cpus;
    info->mhz = ret.mhz;
    info->nodes = ret.nodes;
    info->sockets = ret.sockets;
    info->cores = ret.cores;
    info->threads = ret.threads;
    return 0;
}


/* A string of the wire's "char s<MAX>" form (its NUL counted, or not)
 * into the caller's buffer of @size. */
static void
remoteCopyCharArray(char *dst, size_t size, const char *val, u_int len)
{
    size_t n = MIN((size_t)len, size - 1);

    memset(dst, 0, size);
    if (val && n)
        memcpy(dst, val, n);
}

static char *
remoteConnectDomainXMLToNative(virConnectPtr conn, const char *nativeFormat,
                               const char *domainXml, unsigned int flags)
{
    remote_connect_domain_xml_to_native_args args = {
        .nativeFormat = (char *)nativeFormat,
        .domainXml = (char *)domainXml,
        .flags = flags,
    };

    return remoteCallString(conn, REMOTE_PROC_CONNECT_DOMAIN_XML_TO_NATIVE, &args);
}

static int
remoteNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    remote_node_get_security_model_ret ret = { 0 };

    if (remoteCall(conn, REMOTE_PROC_NODE_GET_SECURITY_MODEL, NULL, &ret) < 0)
        return -1;
    remoteCopyCharArray(secmodel->model, sizeof(secmodel->model),
                        ret.model.model_val, ret.model.model_len);
    remoteCopyCharArray(secmodel->doi, sizeof(secmodel->doi),
                        ret.doi.doi_val, ret.doi.doi_len);
    remoteFreeRet(REMOTE_PROC_NODE_GET_SECURITY_MODEL, &ret);
    return 0;
}


/* Domains */

/* Procedures that answer one domain. */
static virDomainPtr
remoteCallDomain(virConnectPtr conn, int proc, void *args)
{
    /* every such ret struct is a single remote_nonnull_domain */
    remote_nonnull_domain ret = { 0 };
    virDomainPtr dom;

    if (remoteCall(conn, proc, args, &ret) < 0)
        return NULL;
    dom = remoteGetDomain(conn, &ret);
    remoteFreeRet(proc, &ret);
    return dom;
}

G_STATIC_ASSERT(sizeof(remote_domain_lookup_by_name_ret) == sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_lookup_by_uuid_ret) == sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_define_xml_ret) == sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_define_xml_flags_ret) == sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_create_xml_ret) == sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_create_with_flags_ret) == sizeof(remote_nonnull_domain));

/* Procedures that take a domain (and flags) and answer nothing. */
static int
remoteCallDomainVoid(virDomainPtr dom, int proc, unsigned int flags)
{
    struct {
        remote_nonnull_domain dom;
        unsigned int flags;
    } args = { .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, proc, &args, NULL);
}

/* Procedures that take a domain (and flags) and answer one int. */
static int
remoteCallDomainInt(virDomainPtr dom, int proc, unsigned int flags, int *value)
{
    struct {
        remote_nonnull_domain dom;
        unsigned int flags;
    } args = { .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, proc, &args, value);
}

/* The layouts remoteCallDomainVoid / Int rely on: the procedure's args
 * start with the domain, and flags (if any) follow it; its ret is one
 * int. An args struct without flags ignores the extra member. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(remote_domain_undefine_flags_args, flags) ==
                sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(G_STRUCT_OFFSET(remote_domain_destroy_flags_args, flags) ==
                sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(G_STRUCT_OFFSET(remote_domain_shutdown_flags_args, flags) ==
                sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(G_STRUCT_OFFSET(remote_domain_get_xml_desc_args, flags) ==
                sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_is_active_ret) == sizeof(int));
G_STATIC_ASSERT(sizeof(remote_domain_is_persistent_ret) == sizeof(int));
G_STATIC_ASSERT(sizeof(remote_domain_get_autostart_ret) == sizeof(int));
G_STATIC_ASSERT(G_STRUCT_OFFSET(remote_domain_has_managed_save_image_args, flags) ==
                sizeof(remote_nonnull_domain));
G_STATIC_ASSERT(sizeof(remote_domain_has_managed_save_image_ret) == sizeof(int));
G_STATIC_ASSERT(sizeof(remote_domain_get_os_type_ret) == sizeof(char *));


static virDomainPtr
remoteDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    if (flags == 0) {
        /* as Debian's virsh define does */
        remote_domain_define_xml_args args = { .xml = (char *)xml };

        return remoteCallDomain(conn, REMOTE_PROC_DOMAIN_DEFINE_XML, &args);
    } else {
        remote_domain_define_xml_flags_args args = { .xml = (char *)xml, .flags = flags };

        return remoteCallDomain(conn, REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, &args);
    }
}

static int
remoteDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    if (remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, flags) == 0)
        return 0;
    /* an older server: plain undefine when no flag is asked */
    if (flags != 0 || virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
        return -1;
    virResetLastError();
    return remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_UNDEFINE, 0);
}

static virDomainPtr
remoteDomainLookupByName(virConnectPtr conn, const char *name)
{
    remote_domain_lookup_by_name_args args = { .name = (char *)name };

    return remoteCallDomain(conn, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &args);
}

static virDomainPtr
remoteDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    remote_domain_lookup_by_uuid_args args;

    memcpy(args.uuid, uuid, VIR_UUID_BUFLEN);
    return remoteCallDomain(conn, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, &args);
}

static int
remoteConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                            unsigned int flags)
{
    remote_connect_list_all_domains_args args = {
        .need_results = domains != NULL, .flags = flags,
    };
    remote_connect_list_all_domains_ret ret = { 0 };
    int count;
    size_t i;

    if (remoteCall(conn, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &args, &ret) < 0)
        return -1;
    if (ret.ret > REMOTE_DOMAIN_LIST_MAX ||
        (domains && ret.domains.domains_len != ret.ret)) {
        virReportError(VIR_ERR_RPC,
                       _("the daemon listed %u domains but counted %u"),
                       ret.domains.domains_len, ret.ret);
        remoteFreeRet(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &ret);
        return -1;
    }
    if (domains) {
        *domains = g_new0(virDomainPtr, ret.domains.domains_len + 1);
        for (i = 0; i < ret.domains.domains_len; i++)
            (*domains)[i] = remoteGetDomain(conn, &ret.domains.domains_val[i]);
    }
    count = ret.ret;
    remoteFreeRet(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &ret);
    return count;
}

static int
remoteConnectNumOfDomains(virConnectPtr conn)
{
    remote_connect_num_of_domains_ret ret = { 0 };

    if (remoteCall(conn, REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, NULL, &ret) < 0)
        return -1;
    return ret.num;
}

static int
remoteConnectNumOfDefinedDomains(virConnectPtr conn)
{
    remote_connect_num_of_defined_domains_ret ret = { 0 };

    if (remoteCall(conn, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, NULL, &ret) < 0)
        return -1;
    return ret.num;
}

static int
remoteConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    remote_connect_list_domains_args args = { .maxids = maxids };
    remote_connect_list_domains_ret ret = { 0 };
    int n;

    if (maxids > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("too many domain IDs asked: %d > %d"),
                       maxids, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    if (remoteCall(conn, REMOTE_PROC_CONNECT_LIST_DOMAINS, &args, &ret) < 0)
        return -1;
    if (ret.ids.ids_len > (unsigned int)maxids) {
        virReportError(VIR_ERR_RPC, _("the daemon sent %u domain IDs for %d asked"),
                       ret.ids.ids_len, maxids);
        remoteFreeRet(REMOTE_PROC_CONNECT_LIST_DOMAINS, &ret);
        return -1;
    }
    if (ret.ids.ids_len)
        memcpy(ids, ret.ids.ids_val, ret.ids.ids_len * sizeof(int));
    n = ret.ids.ids_len;
    remoteFreeRet(REMOTE_PROC_CONNECT_LIST_DOMAINS, &ret);
    return n;
}

static int
remoteConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    remote_connect_list_defined_domains_args args = { .maxnames = maxnames };
    remote_connect_list_defined_domains_ret ret = { 0 };
    size_t i;
    int n;

    if (maxnames > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("too many domain names asked: %d > %d"),
                       maxnames, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    if (remoteCall(conn, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, &args, &ret) < 0)
        return -1;
    if (ret.names.names_len > (unsigned int)maxnames) {
        virReportError(VIR_ERR_RPC, _("the daemon sent %u domain names for %d asked"),
                       ret.names.names_len, maxnames);
        remoteFreeRet(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, &ret);
        return -1;
    }
    for (i = 0; i < ret.names.names_len; i++)
        names[i] = g_strdup(ret.names.names_val[i]);
    n = ret.names.names_len;
    remoteFreeRet(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, &ret);
    return n;
}

static char *
remoteDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    remote_domain_get_xml_desc_args args = { .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCallString(dom->conn, REMOTE_PROC_DOMAIN_GET_XML_DESC, &args);
}

static int
remoteDomainIsActive(virDomainPtr dom)
{
    int active;

    if (remoteCallDomainInt(dom, REMOTE_PROC_DOMAIN_IS_ACTIVE, 0, &active) < 0)
        return -1;
    return active ? 1 : 0;
}

static int
remoteDomainIsPersistent(virDomainPtr dom)
{
    int persistent;

    if (remoteCallDomainInt(dom, REMOTE_PROC_DOMAIN_IS_PERSISTENT, 0, &persistent) < 0)
        return -1;
    return persistent ? 1 : 0;
}

static int
remoteDomainGetAutostart(virDomainPtr dom, int *autostart)
{
    return remoteCallDomainInt(dom, REMOTE_PROC_DOMAIN_GET_AUTOSTART, 0, autostart);
}

static char *
remoteDomainGetOSType(virDomainPtr dom)
{
    remote_domain_get_os_type_args args;

    remoteMakeDomain(&args.dom, dom);
    return remoteCallString(dom->conn, REMOTE_PROC_DOMAIN_GET_OS_TYPE, &args);
}

static int
remoteDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    int result;

    if (remoteCallDomainInt(dom, REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, flags, &result) < 0)
        return -1;
    return result ? 1 : 0;
}

static int
remoteDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel)
{
    remote_domain_get_security_label_args args;
    remote_domain_get_security_label_ret ret = { 0 };

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL, &args, &ret) < 0)
        return -1;
    remoteCopyCharArray(seclabel->label, sizeof(seclabel->label),
                        ret.label.label_val, ret.label.label_len);
    seclabel->enforcing = ret.enforcing;
    remoteFreeRet(REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL, &ret);
    return 0;
}

static int
remoteDomainSetAutostart(virDomainPtr dom, int autostart)
{
    remote_domain_set_autostart_args args = { .autostart = autostart };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, REMOTE_PROC_DOMAIN_SET_AUTOSTART, &args, NULL);
}

static virDomainPtr
remoteDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    remote_domain_create_xml_args args = { .xml_desc = (char *)xml, .flags = flags };

    return remoteCallDomain(conn, REMOTE_PROC_DOMAIN_CREATE_XML, &args);
}

/* The domain handle gets the id it has now. */
static int
remoteDomainRefreshID(virDomainPtr dom, virDomainPtr fresh)
{
    if (!fresh)
        return -1;
    dom->id = fresh->id;
    virDomainFree(fresh);
    return 0;
}

static int
remoteDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    if (flags == 0) {
        /* as Debian's virsh start does: CREATE answers nothing, so the id
         * is looked up afterwards */
        if (remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_CREATE, 0) < 0)
            return -1;
        return remoteDomainRefreshID(dom, remoteDomainLookupByUUID(dom->conn, dom->uuid));
    } else {
        remote_domain_create_with_flags_args args = { .flags = flags };

        remoteMakeDomain(&args.dom, dom);
        return remoteDomainRefreshID(dom, remoteCallDomain(dom->conn,
                                                           REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
                                                           &args));
    }
}

static int
remoteDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    int rc;

    if (flags == 0)
        rc = remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_DESTROY, 0);
    else
        rc = remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_DESTROY_FLAGS, flags);
    if (rc == 0)
        dom->id = -1;
    return rc;
}

static int
remoteDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    if (flags == 0)
        return remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_SHUTDOWN, 0);
    return remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, flags);
}

static int
remoteDomainSuspend(virDomainPtr dom)
{
    return remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_SUSPEND, 0);
}

static int
remoteDomainResume(virDomainPtr dom)
{
    return remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_RESUME, 0);
}

static int
remoteDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    remote_domain_get_state_args args = { .flags = flags };
    remote_domain_get_state_ret ret = { 0 };

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_STATE, &args, &ret) < 0)
        return -1;
    *state = ret.state;
    if (reason)
        *reason = ret.reason;
    return 0;
}

static int
remoteDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    remote_domain_get_info_args args;
    remote_domain_get_info_ret ret = { 0 };

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_INFO, &args, &ret) < 0)
        return -1;
    info->state = ret.state;
    info->maxMem = ret.maxMem;
    info->memory = ret.memory;
    info->nrVirtCpu = ret.nrVirtCpu;
    info->cpuTime = ret.cpuTime;
    return 0;
}

static int
remoteDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info)
{
    remote_domain_get_job_info_args args;
    remote_domain_get_job_info_ret ret = { 0 };

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_JOB_INFO, &args, &ret) < 0)
        return -1;
    info->type = ret.type;
    info->timeElapsed = ret.timeElapsed;
    info->timeRemaining = ret.timeRemaining;
    info->dataTotal = ret.dataTotal;
    info->dataProcessed = ret.dataProcessed;
    info->dataRemaining = ret.dataRemaining;
    info->memTotal = ret.memTotal;
    info->memProcessed = ret.memProcessed;
    info->memRemaining = ret.memRemaining;
    info->fileTotal = ret.fileTotal;
    info->fileProcessed = ret.fileProcessed;
    info->fileRemaining = ret.fileRemaining;
    return 0;
}

static int
remoteDomainGetMessages(virDomainPtr dom, char ***msgs, unsigned int flags)
{
    remote_domain_get_messages_args args = { .flags = flags };
    remote_domain_get_messages_ret ret = { 0 };
    size_t i;
    int n;

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_MESSAGES, &args, &ret) < 0)
        return -1;
    *msgs = g_new0(char *, ret.msgs.msgs_len + 1);
    for (i = 0; i < ret.msgs.msgs_len; i++)
        (*msgs)[i] = g_strdup(ret.msgs.msgs_val[i]);
    n = ret.msgs.msgs_len;
    remoteFreeRet(REMOTE_PROC_DOMAIN_GET_MESSAGES, &ret);
    return n;
}

static int
remoteDomainGetJobStats(virDomainPtr dom, int *type,
                        virTypedParameterPtr *params, int *nparams,
                        unsigned int flags)
{
    remote_domain_get_job_stats_args args = { .flags = flags };
    remote_domain_get_job_stats_ret ret = { 0 };
    int rc;

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_JOB_STATS, &args, &ret) < 0)
        return -1;
    *type = ret.type;
    rc = remoteDeserializeTypedParameters(ret.params.params_val, ret.params.params_len,
                                          REMOTE_DOMAIN_JOB_STATS_MAX, params, nparams);
    remoteFreeRet(REMOTE_PROC_DOMAIN_GET_JOB_STATS, &ret);
    return rc;
}

static int
remoteDomainAbortJob(virDomainPtr dom)
{
    return remoteCallDomainVoid(dom, REMOTE_PROC_DOMAIN_ABORT_JOB, 0);
}

static int
remoteDomainMigrateSetMaxDowntime(virDomainPtr dom, unsigned long long downtime,
                                  unsigned int flags)
{
    remote_domain_migrate_set_max_downtime_args args = { .downtime = downtime, .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_SET_MAX_DOWNTIME, &args, NULL);
}

static int
remoteDomainMigrateGetMaxDowntime(virDomainPtr dom, unsigned long long *downtime,
                                  unsigned int flags)
{
    remote_domain_migrate_get_max_downtime_args args = { .flags = flags };
    remote_domain_migrate_get_max_downtime_ret ret = { 0 };

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_GET_MAX_DOWNTIME, &args, &ret) < 0)
        return -1;
    *downtime = ret.downtime;
    return 0;
}

static int
remoteDomainMigrateSetMaxSpeed(virDomainPtr dom, unsigned long bandwidth, unsigned int flags)
{
    remote_domain_migrate_set_max_speed_args args = { .bandwidth = bandwidth, .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_SET_MAX_SPEED, &args, NULL);
}

static int
remoteDomainMigrateGetMaxSpeed(virDomainPtr dom, unsigned long *bandwidth, unsigned int flags)
{
    remote_domain_migrate_get_max_speed_args args = { .flags = flags };
    remote_domain_migrate_get_max_speed_ret ret = { 0 };

    remoteMakeDomain(&args.dom, dom);
    if (remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_GET_MAX_SPEED, &args, &ret) < 0)
        return -1;
    if (ret.bandwidth > ULONG_MAX) {
        virReportError(VIR_ERR_OVERFLOW, _("migration speed %llu MiB/s of domain '%s' does not fit in an unsigned long"),
                       (unsigned long long)ret.bandwidth, dom->name);
        return -1;
    }
    *bandwidth = ret.bandwidth;
    return 0;
}


/* Migration: the v3 phases with typed parameters (protocol.md 4.3).
 * Cookies are opaque bytes whose length counts the trailing NUL; an
 * empty one is NULL / 0 both ways. PERFORM3 with PEER2PEER lasts as long
 * as the whole migration: the call waits without a time limit (the
 * connection's keepalive notices a dead daemon), and other calls of the
 * connection (job progress, abort) go through meanwhile. */

/* The migration parameters and cookie of a call's args. */
static int
remoteMigrateArgs(virTypedParameterPtr params, int nparams,
                  const char *cookiein, int cookieinlen,
                  remote_typed_param **paramsVal, u_int *paramsLen,
                  char **cookieVal, u_int *cookieLen)
{
    if (cookiein && cookieinlen > REMOTE_MIGRATE_COOKIE_MAX) {
        virReportError(VIR_ERR_RPC, _("migration cookie of %d bytes is larger than the %d the protocol allows"),
                       cookieinlen, REMOTE_MIGRATE_COOKIE_MAX);
        return -1;
    }
    if (remoteSerializeTypedParameters(params, nparams, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                       paramsVal, paramsLen) < 0)
        return -1;
    *cookieVal = cookiein && cookieinlen > 0 ? (char *)cookiein : NULL;
    *cookieLen = *cookieVal ? cookieinlen : 0;
    return 0;
}

/* The cookie of a reply to the caller (taken from @val, which the
 * reply's xdr_free then leaves alone). */
static void
remoteMigrateCookieOut(char **val, u_int len, char **cookieout, int *cookieoutlen)
{
    if (!cookieout || !cookieoutlen)
        return;
    *cookieout = len ? g_steal_pointer(val) : NULL;
    *cookieoutlen = *cookieout ? len : 0;
}

static char *
remoteDomainMigrateBegin3Params(virDomainPtr dom,
                                virTypedParameterPtr params, int nparams,
                                char **cookieout, int *cookieoutlen,
                                unsigned int flags)
{
    remote_domain_migrate_begin3_params_args args = { .flags = flags };
    remote_domain_migrate_begin3_params_ret ret = { 0 };
    char *xml;
    int rc;

    remoteMakeDomain(&args.dom, dom);
    if (remoteSerializeTypedParameters(params, nparams, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                       &args.params.params_val, &args.params.params_len) < 0)
        return NULL;
    rc = remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, &args, &ret);
    remoteFreeTypedParameters(args.params.params_val, args.params.params_len);
    if (rc < 0)
        return NULL;
    remoteMigrateCookieOut(&ret.cookie_out.cookie_out_val, ret.cookie_out.cookie_out_len,
                           cookieout, cookieoutlen);
    xml = g_strdup(ret.xml);
    remoteFreeRet(REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, &ret);
    return xml;
}

static int
remoteDomainMigratePrepare3Params(virConnectPtr dconn,
                                  virTypedParameterPtr params, int nparams,
                                  const char *cookiein, int cookieinlen,
                                  char **cookieout, int *cookieoutlen,
                                  char **uri_out, unsigned int flags)
{
    remote_domain_migrate_prepare3_params_args args = { .flags = flags };
    remote_domain_migrate_prepare3_params_ret ret = { 0 };
    int rc;

    if (remoteMigrateArgs(params, nparams, cookiein, cookieinlen,
                          &args.params.params_val, &args.params.params_len,
                          &args.cookie_in.cookie_in_val, &args.cookie_in.cookie_in_len) < 0)
        return -1;
    rc = remoteCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, &args, &ret);
    remoteFreeTypedParameters(args.params.params_val, args.params.params_len);
    if (rc < 0)
        return -1;
    remoteMigrateCookieOut(&ret.cookie_out.cookie_out_val, ret.cookie_out.cookie_out_len,
                           cookieout, cookieoutlen);
    if (uri_out)
        *uri_out = ret.uri_out ? g_strdup(*ret.uri_out) : NULL;
    remoteFreeRet(REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, &ret);
    return 0;
}

static int
remoteDomainMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                                  virTypedParameterPtr params, int nparams,
                                  const char *cookiein, int cookieinlen,
                                  char **cookieout, int *cookieoutlen,
                                  unsigned int flags)
{
    remote_domain_migrate_perform3_params_args args = { .flags = flags };
    remote_domain_migrate_perform3_params_ret ret = { 0 };
    int rc;

    remoteMakeDomain(&args.dom, dom);
    args.dconnuri = dconnuri ? (char **)&dconnuri : NULL;
    if (remoteMigrateArgs(params, nparams, cookiein, cookieinlen,
                          &args.params.params_val, &args.params.params_len,
                          &args.cookie_in.cookie_in_val, &args.cookie_in.cookie_in_len) < 0)
        return -1;
    rc = remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS, &args, &ret);
    remoteFreeTypedParameters(args.params.params_val, args.params.params_len);
    if (rc < 0)
        return -1;
    remoteMigrateCookieOut(&ret.cookie_out.cookie_out_val, ret.cookie_out.cookie_out_len,
                           cookieout, cookieoutlen);
    remoteFreeRet(REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS, &ret);
    return 0;
}

static virDomainPtr
remoteDomainMigrateFinish3Params(virConnectPtr dconn,
                                 virTypedParameterPtr params, int nparams,
                                 const char *cookiein, int cookieinlen,
                                 char **cookieout, int *cookieoutlen,
                                 unsigned int flags, int cancelled)
{
    remote_domain_migrate_finish3_params_args args = { .flags = flags, .cancelled = cancelled };
    remote_domain_migrate_finish3_params_ret ret = { 0 };
    virDomainPtr dom;
    int rc;

    if (remoteMigrateArgs(params, nparams, cookiein, cookieinlen,
                          &args.params.params_val, &args.params.params_len,
                          &args.cookie_in.cookie_in_val, &args.cookie_in.cookie_in_len) < 0)
        return NULL;
    rc = remoteCall(dconn, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, &args, &ret);
    remoteFreeTypedParameters(args.params.params_val, args.params.params_len);
    if (rc < 0)
        return NULL;
    remoteMigrateCookieOut(&ret.cookie_out.cookie_out_val, ret.cookie_out.cookie_out_len,
                           cookieout, cookieoutlen);
    dom = remoteGetDomain(dconn, &ret.dom);
    remoteFreeRet(REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, &ret);
    return dom;
}

static int
remoteDomainMigrateConfirm3Params(virDomainPtr dom,
                                  virTypedParameterPtr params, int nparams,
                                  const char *cookiein, int cookieinlen,
                                  unsigned int flags, int cancelled)
{
    remote_domain_migrate_confirm3_params_args args = { .flags = flags, .cancelled = cancelled };
    int rc;

    remoteMakeDomain(&args.dom, dom);
    if (remoteMigrateArgs(params, nparams, cookiein, cookieinlen,
                          &args.params.params_val, &args.params.params_len,
                          &args.cookie_in.cookie_in_val, &args.cookie_in.cookie_in_len) < 0)
        return -1;
    rc = remoteCall(dom->conn, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS, &args, NULL);
    remoteFreeTypedParameters(args.params.params_val, args.params.params_len);
    return rc;
}

static int
remoteDomainAttachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    remote_domain_attach_device_flags_args args = { .xml = (char *)xml, .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS, &args, NULL);
}

static int
remoteDomainDetachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    remote_domain_detach_device_flags_args args = { .xml = (char *)xml, .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS, &args, NULL);
}

static int
remoteDomainDetachDeviceAlias(virDomainPtr dom, const char *alias, unsigned int flags)
{
    remote_domain_detach_device_alias_args args = { .alias = (char *)alias, .flags = flags };

    remoteMakeDomain(&args.dom, dom);
    return remoteCall(dom->conn, REMOTE_PROC_DOMAIN_DETACH_DEVICE_ALIAS, &args, NULL);
}


/* Event registrations */

static int
remoteConnectDomainEventRegisterAny(virConnectPtr conn,
                                    virDomainPtr dom,
                                    int eventID,
                                    virConnectDomainEventGenericCallback cb,
                                    void *opaque,
                                    virFreeCallback freecb)
{
    remotePrivate *priv = conn->privateData;
    remote_connect_domain_event_callback_register_any_args args = { .eventID = eventID };
    remote_connect_domain_event_callback_register_any_ret ret = { 0 };
    remote_nonnull_domain rdom;
    remoteEventCallback *c;
    int localID;

    if (!priv->eventCallbackFeature) {
        virReportError(VIR_ERR_NO_SUPPORT, "%s",
                       _("the daemon does not support per-callback event registration (feature 14)"));
        return -1;
    }
    if (dom) {
        remoteMakeDomain(&rdom, dom);
        args.dom = &rdom;
    }
    g_mutex_lock(&priv->lock);
    if (priv->eventTimer < 0 &&
        (priv->eventTimer = virEventAddTimeout(-1, remoteDispatchEvents, conn, NULL)) < 0) {
        g_mutex_unlock(&priv->lock);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot add the timer that delivers events to the event loop"));
        return -1;
    }
    g_mutex_unlock(&priv->lock);

    if (remoteCall(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                   &args, &ret) < 0)
        return -1;

    c = g_new0(remoteEventCallback, 1);
    c->remoteID = ret.callbackID;
    c->eventID = eventID;
    c->cb = cb;
    c->opaque = opaque;
    c->freecb = freecb;
    g_mutex_lock(&priv->lock);
    localID = c->localID = priv->nextLocalID++;
    g_ptr_array_add(priv->callbacks, c);
    g_mutex_unlock(&priv->lock);
    return localID;
}

static int
remoteConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    remotePrivate *priv = conn->privateData;
    remote_connect_domain_event_callback_deregister_any_args args;
    remoteEventCallback *c = NULL;
    size_t i;

    g_mutex_lock(&priv->lock);
    for (i = 0; i < priv->callbacks->len; i++) {
        remoteEventCallback *cur = g_ptr_array_index(priv->callbacks, i);

        if (cur->localID == callbackID) {
            c = g_ptr_array_steal_index(priv->callbacks, i);
            break;
        }
    }
    g_mutex_unlock(&priv->lock);
    if (!c) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("could not find event callback %d for deletion"), callbackID);
        return -1;
    }
    args.callbackID = c->remoteID;
    remoteEventCallbackFree(c);
    return remoteCall(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                      &args, NULL);
}


/* Networks */

static virNetworkPtr
remoteCallNetwork(virConnectPtr conn, int proc, void *args)
{
    /* every such ret struct is a single remote_nonnull_network */
    remote_nonnull_network ret = { 0 };
    virNetworkPtr net;

    if (remoteCall(conn, proc, args, &ret) < 0)
        return NULL;
    net = remoteGetNetwork(conn, &ret);
    remoteFreeRet(proc, &ret);
    return net;
}

G_STATIC_ASSERT(sizeof(remote_network_lookup_by_name_ret) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_lookup_by_uuid_ret) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_define_xml_ret) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_define_xml_flags_ret) == sizeof(remote_nonnull_network));

static int
remoteCallNetworkInt(virNetworkPtr net, int proc, int *value)
{
    remote_network_is_active_args args;

    remoteMakeNetwork(&args.net, net);
    return remoteCall(net->conn, proc, &args, value);
}

G_STATIC_ASSERT(sizeof(remote_network_is_active_args) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_is_persistent_args) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_get_autostart_args) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_create_args) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_destroy_args) == sizeof(remote_nonnull_network));
G_STATIC_ASSERT(sizeof(remote_network_undefine_args) == sizeof(remote_nonnull_network));

static virDrvOpenStatus
remoteNetworkOpen(virConnectPtr conn, GUri *uri G_GNUC_UNUSED, unsigned int flags)
{
    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VIR_DRV_OPEN_ERROR);

    /* networks of a daemon come with its connection */
    if (conn->driver != &remoteHypervisorDriver)
        return VIR_DRV_OPEN_DECLINED;
    return VIR_DRV_OPEN_SUCCESS;
}

static int
remoteNetworkClose(virConnectPtr conn G_GNUC_UNUSED)
{
    return 0;
}

static int
remoteConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags)
{
    remote_connect_list_all_networks_args args = {
        .need_results = nets != NULL, .flags = flags,
    };
    remote_connect_list_all_networks_ret ret = { 0 };
    int count;
    size_t i;

    if (remoteCall(conn, REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, &args, &ret) < 0)
        return -1;
    if (ret.ret > REMOTE_NETWORK_LIST_MAX ||
        (nets && ret.nets.nets_len != ret.ret)) {
        virReportError(VIR_ERR_RPC,
                       _("the daemon listed %u networks but counted %u"),
                       ret.nets.nets_len, ret.ret);
        remoteFreeRet(REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, &ret);
        return -1;
    }
    if (nets) {
        *nets = g_new0(virNetworkPtr, ret.nets.nets_len + 1);
        for (i = 0; i < ret.nets.nets_len; i++)
            (*nets)[i] = remoteGetNetwork(conn, &ret.nets.nets_val[i]);
    }
    count = ret.ret;
    remoteFreeRet(REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, &ret);
    return count;
}

static virNetworkPtr
remoteNetworkLookupByName(virConnectPtr conn, const char *name)
{
    remote_network_lookup_by_name_args args = { .name = (char *)name };

    return remoteCallNetwork(conn, REMOTE_PROC_NETWORK_LOOKUP_BY_NAME, &args);
}

static virNetworkPtr
remoteNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    remote_network_lookup_by_uuid_args args;

    memcpy(args.uuid, uuid, VIR_UUID_BUFLEN);
    return remoteCallNetwork(conn, REMOTE_PROC_NETWORK_LOOKUP_BY_UUID, &args);
}

static virNetworkPtr
remoteNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    if (flags == 0) {
        remote_network_define_xml_args args = { .xml = (char *)xml };

        return remoteCallNetwork(conn, REMOTE_PROC_NETWORK_DEFINE_XML, &args);
    } else {
        remote_network_define_xml_flags_args args = { .xml = (char *)xml, .flags = flags };

        return remoteCallNetwork(conn, REMOTE_PROC_NETWORK_DEFINE_XML_FLAGS, &args);
    }
}

static int
remoteNetworkUndefine(virNetworkPtr net)
{
    return remoteCallNetworkInt(net, REMOTE_PROC_NETWORK_UNDEFINE, NULL);
}

static int
remoteNetworkCreate(virNetworkPtr net)
{
    return remoteCallNetworkInt(net, REMOTE_PROC_NETWORK_CREATE, NULL);
}

static int
remoteNetworkDestroy(virNetworkPtr net)
{
    return remoteCallNetworkInt(net, REMOTE_PROC_NETWORK_DESTROY, NULL);
}

static char *
remoteNetworkGetXMLDesc(virNetworkPtr net, unsigned int flags)
{
    remote_network_get_xml_desc_args args = { .flags = flags };

    remoteMakeNetwork(&args.net, net);
    return remoteCallString(net->conn, REMOTE_PROC_NETWORK_GET_XML_DESC, &args);
}

static int
remoteNetworkGetAutostart(virNetworkPtr net, int *autostart)
{
    return remoteCallNetworkInt(net, REMOTE_PROC_NETWORK_GET_AUTOSTART, autostart);
}

static int
remoteNetworkSetAutostart(virNetworkPtr net, int autostart)
{
    remote_network_set_autostart_args args = { .autostart = autostart };

    remoteMakeNetwork(&args.net, net);
    return remoteCall(net->conn, REMOTE_PROC_NETWORK_SET_AUTOSTART, &args, NULL);
}

static int
remoteNetworkIsActive(virNetworkPtr net)
{
    int active;

    if (remoteCallNetworkInt(net, REMOTE_PROC_NETWORK_IS_ACTIVE, &active) < 0)
        return -1;
    return active ? 1 : 0;
}

static int
remoteNetworkIsPersistent(virNetworkPtr net)
{
    int persistent;

    if (remoteCallNetworkInt(net, REMOTE_PROC_NETWORK_IS_PERSISTENT, &persistent) < 0)
        return -1;
    return persistent ? 1 : 0;
}



/* Node devices */

static virDrvOpenStatus
remoteNodeDeviceOpen(virConnectPtr conn, GUri *uri G_GNUC_UNUSED, unsigned int flags)
{
    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VIR_DRV_OPEN_ERROR);

    /* the devices of a daemon's host come with its connection */
    if (conn->driver != &remoteHypervisorDriver)
        return VIR_DRV_OPEN_DECLINED;
    return VIR_DRV_OPEN_SUCCESS;
}

static int
remoteNodeDeviceClose(virConnectPtr conn G_GNUC_UNUSED)
{
    return 0;
}

/* The @len names of a reply into @names (at most @maxnames). */
static int
remoteCopyNames(const char *what, remote_nonnull_string *val, u_int len,
                char **const names, int maxnames)
{
    u_int i;

    if (len > (u_int)maxnames) {
        virReportError(VIR_ERR_RPC, _("the daemon sent %u %s for %d asked"),
                       len, what, maxnames);
        return -1;
    }
    for (i = 0; i < len; i++)
        names[i] = g_strdup(val[i]);
    return len;
}

static int
remoteNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags)
{
    remote_node_num_of_devices_args args = { .cap = (char **)&cap, .flags = flags };
    remote_node_num_of_devices_ret ret = { 0 };

    if (!cap)
        args.cap = NULL;
    if (remoteCall(conn, REMOTE_PROC_NODE_NUM_OF_DEVICES, &args, &ret) < 0)
        return -1;
    return ret.num;
}

static int
remoteNodeListDevices(virConnectPtr conn, const char *cap, char **const names,
                      int maxnames, unsigned int flags)
{
    remote_node_list_devices_args args = {
        .cap = (char **)&cap, .maxnames = maxnames, .flags = flags,
    };
    remote_node_list_devices_ret ret = { 0 };
    int n;

    if (!cap)
        args.cap = NULL;
    if (maxnames > REMOTE_NODE_DEVICE_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("too many node device names asked: %d > %d"),
                       maxnames, REMOTE_NODE_DEVICE_LIST_MAX);
        return -1;
    }
    if (remoteCall(conn, REMOTE_PROC_NODE_LIST_DEVICES, &args, &ret) < 0)
        return -1;
    n = remoteCopyNames("node device names", ret.names.names_val, ret.names.names_len,
                        names, maxnames);
    remoteFreeRet(REMOTE_PROC_NODE_LIST_DEVICES, &ret);
    return n;
}

static int
remoteConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                                unsigned int flags)
{
    remote_connect_list_all_node_devices_args args = {
        .need_results = devices != NULL, .flags = flags,
    };
    remote_connect_list_all_node_devices_ret ret = { 0 };
    int count;
    size_t i;

    if (remoteCall(conn, REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES, &args, &ret) < 0)
        return -1;
    if (ret.ret > REMOTE_NODE_DEVICE_LIST_MAX ||
        (devices && ret.devices.devices_len != ret.ret)) {
        virReportError(VIR_ERR_RPC,
                       _("the daemon listed %u node devices but counted %u"),
                       ret.devices.devices_len, ret.ret);
        remoteFreeRet(REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES, &ret);
        return -1;
    }
    if (devices) {
        *devices = g_new0(virNodeDevicePtr, ret.devices.devices_len + 1);
        for (i = 0; i < ret.devices.devices_len; i++)
            (*devices)[i] = virGetNodeDevice(conn, ret.devices.devices_val[i].name);
    }
    count = ret.ret;
    remoteFreeRet(REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES, &ret);
    return count;
}

static virNodeDevicePtr
remoteNodeDeviceLookupByName(virConnectPtr conn, const char *name)
{
    remote_node_device_lookup_by_name_args args = { .name = (char *)name };
    remote_node_device_lookup_by_name_ret ret = { 0 };
    virNodeDevicePtr dev;

    if (remoteCall(conn, REMOTE_PROC_NODE_DEVICE_LOOKUP_BY_NAME, &args, &ret) < 0)
        return NULL;
    dev = virGetNodeDevice(conn, ret.dev.name);
    remoteFreeRet(REMOTE_PROC_NODE_DEVICE_LOOKUP_BY_NAME, &ret);
    return dev;
}

static char *
remoteNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)
{
    remote_node_device_get_xml_desc_args args = { .name = dev->name, .flags = flags };

    return remoteCallString(dev->conn, REMOTE_PROC_NODE_DEVICE_GET_XML_DESC, &args);
}

G_STATIC_ASSERT(sizeof(remote_node_device_get_xml_desc_ret) == sizeof(char *));

static char *
remoteNodeDeviceGetParent(virNodeDevicePtr dev)
{
    remote_node_device_get_parent_args args = { .name = dev->name };
    remote_node_device_get_parent_ret ret = { 0 };
    char *parent = NULL;

    if (remoteCall(dev->conn, REMOTE_PROC_NODE_DEVICE_GET_PARENT, &args, &ret) < 0)
        return NULL;
    if (ret.parentName)
        parent = g_strdup(*ret.parentName);
    remoteFreeRet(REMOTE_PROC_NODE_DEVICE_GET_PARENT, &ret);
    return parent;
}

static int
remoteNodeDeviceNumOfCaps(virNodeDevicePtr dev)
{
    remote_node_device_num_of_caps_args args = { .name = dev->name };
    remote_node_device_num_of_caps_ret ret = { 0 };

    if (remoteCall(dev->conn, REMOTE_PROC_NODE_DEVICE_NUM_OF_CAPS, &args, &ret) < 0)
        return -1;
    return ret.num;
}

static int
remoteNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames)
{
    remote_node_device_list_caps_args args = { .name = dev->name, .maxnames = maxnames };
    remote_node_device_list_caps_ret ret = { 0 };
    int n;

    if (maxnames > REMOTE_NODE_DEVICE_CAPS_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("too many capability names asked: %d > %d"),
                       maxnames, REMOTE_NODE_DEVICE_CAPS_LIST_MAX);
        return -1;
    }
    if (remoteCall(dev->conn, REMOTE_PROC_NODE_DEVICE_LIST_CAPS, &args, &ret) < 0)
        return -1;
    n = remoteCopyNames("capability names", ret.names.names_val, ret.names.names_len,
                        names, maxnames);
    remoteFreeRet(REMOTE_PROC_NODE_DEVICE_LIST_CAPS, &ret);
    return n;
}

virHypervisorDriver remoteHypervisorDriver = {
    .name = "remote",
    .connectOpen = remoteConnectOpen,
    .connectClose = remoteConnectClose,
    .connectGetType = remoteConnectGetType,
    .connectGetVersion = remoteConnectGetVersion,
    .connectGetHostname = remoteConnectGetHostname,
    .connectGetCapabilities = remoteConnectGetCapabilities,
    .connectGetDomainCapabilities = remoteConnectGetDomainCapabilities,
    .connectDomainXMLToNative = remoteConnectDomainXMLToNative,
    .domainDefineXMLFlags = remoteDomainDefineXMLFlags,
    .domainUndefineFlags = remoteDomainUndefineFlags,
    .domainLookupByName = remoteDomainLookupByName,
    .domainLookupByUUID = remoteDomainLookupByUUID,
    .connectListAllDomains = remoteConnectListAllDomains,
    .domainGetXMLDesc = remoteDomainGetXMLDesc,
    .domainIsActive = remoteDomainIsActive,
    .domainIsPersistent = remoteDomainIsPersistent,
    .domainGetAutostart = remoteDomainGetAutostart,
    .domainSetAutostart = remoteDomainSetAutostart,
    .domainGetOSType = remoteDomainGetOSType,
    .domainHasManagedSaveImage = remoteDomainHasManagedSaveImage,
    .domainGetSecurityLabel = remoteDomainGetSecurityLabel,
    .domainCreateXML = remoteDomainCreateXML,
    .domainCreateWithFlags = remoteDomainCreateWithFlags,
    .domainDestroyFlags = remoteDomainDestroyFlags,
    .domainShutdownFlags = remoteDomainShutdownFlags,
    .domainSuspend = remoteDomainSuspend,
    .domainResume = remoteDomainResume,
    .domainGetState = remoteDomainGetState,
    .domainGetInfo = remoteDomainGetInfo,
    .domainGetJobStats = remoteDomainGetJobStats,
    .domainAbortJob = remoteDomainAbortJob,
    .domainMigrateSetMaxDowntime = remoteDomainMigrateSetMaxDowntime,
    .domainMigrateGetMaxDowntime = remoteDomainMigrateGetMaxDowntime,
    .domainMigrateSetMaxSpeed = remoteDomainMigrateSetMaxSpeed,
    .domainMigrateGetMaxSpeed = remoteDomainMigrateGetMaxSpeed,
    .domainMigrateBegin3Params = remoteDomainMigrateBegin3Params,
    .domainMigratePrepare3Params = remoteDomainMigratePrepare3Params,
    .domainMigratePerform3Params = remoteDomainMigratePerform3Params,
    .domainMigrateFinish3Params = remoteDomainMigrateFinish3Params,
    .domainMigrateConfirm3Params = remoteDomainMigrateConfirm3Params,
    .connectSupportsFeature = remoteConnectSupportsFeature,
    .domainAttachDeviceFlags = remoteDomainAttachDeviceFlags,
    .domainDetachDeviceFlags = remoteDomainDetachDeviceFlags,
    .domainDetachDeviceAlias = remoteDomainDetachDeviceAlias,
    .connectIsAlive = remoteConnectIsAlive,
    .connectSetKeepAlive = remoteConnectSetKeepAlive,
    .connectRegisterCloseCallback = remoteConnectRegisterCloseCallback,
    .connectUnregisterCloseCallback = remoteConnectUnregisterCloseCallback,
    .connectDomainEventRegisterAny = remoteConnectDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = remoteConnectDomainEventDeregisterAny,
    .nodeGetInfo = remoteNodeGetInfo,
    .nodeGetSecurityModel = remoteNodeGetSecurityModel,
    .connectNumOfDomains = remoteConnectNumOfDomains,
    .connectListDomains = remoteConnectListDomains,
    .connectNumOfDefinedDomains = remoteConnectNumOfDefinedDomains,
    .connectListDefinedDomains = remoteConnectListDefinedDomains,
    .domainGetJobInfo = remoteDomainGetJobInfo,
    .domainGetMessages = remoteDomainGetMessages,
};

static virNetworkDriver remoteNetworkDriver = {
    .name = "remote",
    .connectOpen = remoteNetworkOpen,
    .connectClose = remoteNetworkClose,
    .connectListAllNetworks = remoteConnectListAllNetworks,
    .networkLookupByName = remoteNetworkLookupByName,
    .networkLookupByUUID = remoteNetworkLookupByUUID,
    .networkDefineXMLFlags = remoteNetworkDefineXMLFlags,
    .networkUndefine = remoteNetworkUndefine,
    .networkCreate = remoteNetworkCreate,
    .networkDestroy = remoteNetworkDestroy,
    .networkGetXMLDesc = remoteNetworkGetXMLDesc,
    .networkGetAutostart = remoteNetworkGetAutostart,
    .networkSetAutostart = remoteNetworkSetAutostart,
    .networkIsActive = remoteNetworkIsActive,
    .networkIsPersistent = remoteNetworkIsPersistent,
};

/* Without a driver name and flags, the procedure of virNodeDeviceDettach,
 * which every daemon knows. */
static int
remoteNodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName,
                            unsigned int flags)
{
    if (!driverName && !flags) {
        remote_node_device_dettach_args args = { .name = dev->name };

        return remoteCall(dev->conn, REMOTE_PROC_NODE_DEVICE_DETTACH, &args, NULL);
    } else {
        remote_node_device_detach_flags_args args = {
            .name = dev->name, .driverName = (char **)&driverName, .flags = flags,
        };

        if (!driverName)
            args.driverName = NULL;
        return remoteCall(dev->conn, REMOTE_PROC_NODE_DEVICE_DETACH_FLAGS, &args, NULL);
    }
}

static int
remoteNodeDeviceReAttach(virNodeDevicePtr dev)
{
    remote_node_device_re_attach_args args = { .name = dev->name };

    return remoteCall(dev->conn, REMOTE_PROC_NODE_DEVICE_RE_ATTACH, &args, NULL);
}

static virNodeDeviceDriver remoteNodeDeviceDriver = {
    .name = "remote",
    .connectOpen = remoteNodeDeviceOpen,
    .connectClose = remoteNodeDeviceClose,
    .nodeNumOfDevices = remoteNodeNumOfDevices,
    .nodeListDevices = remoteNodeListDevices,
    .connectListAllNodeDevices = remoteConnectListAllNodeDevices,
    .nodeDeviceLookupByName = remoteNodeDeviceLookupByName,
    .nodeDeviceGetXMLDesc = remoteNodeDeviceGetXMLDesc,
    .nodeDeviceGetParent = remoteNodeDeviceGetParent,
    .nodeDeviceNumOfCaps = remoteNodeDeviceNumOfCaps,
    .nodeDeviceListCaps = remoteNodeDeviceListCaps,
    .nodeDeviceDetachFlags = remoteNodeDeviceDetachFlags,
    .nodeDeviceReAttach = remoteNodeDeviceReAttach,
};

int
remoteRegister(void)
{
    if (virRegisterHypervisorDriver(&remoteHypervisorDriver) < 0 ||
        virRegisterNetworkDriver(&remoteNetworkDriver) < 0 ||
        virRegisterNodeDeviceDriver(&remoteNodeDeviceDriver) < 0)
        return -1;
    return 0;
}
