/*
 * remote_daemon_dispatch.c: REMOTE procedures -> the public API
 *
 * One handler per procedure the daemon serves, each a thin translation:
 * references (remote_nonnull_domain / _network) become objects of the
 * client's connection, the public function runs, and its result fills
 * the ret struct. Errors are the public API's own (the thread's last
 * error), sent back by the transport as the error reply.
 */
#include "internal.h"

#include "remote_daemon_dispatch.h"
#include "datatypes.h"
#include "driver.h"
#include "remote_typed_params.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

struct _remoteClient {
    GMutex lock;
    char *root;               /* the daemon's state root */
    bool readonly;            /* came in through the read-only socket */
    virConnectPtr conn;       /* NULL until CONNECT_OPEN, and after CLOSE */
    char *uri;                /* the URI the client opened */
    bool keepalive;           /* asked for keepalive, not yet taken */
    remoteEventSendFunc send; /* how events reach the client */
    void *sendOpaque;
    bool closed;              /* sent CONNECT_CLOSE */
};

remoteClient *
remoteClientNew(const char *root, bool readonly)
{
    remoteClient *client = g_new0(remoteClient, 1);

    g_mutex_init(&client->lock);
    client->root = g_strdup(root);
    client->readonly = readonly;
    return client;
}

void
remoteClientFree(remoteClient *client)
{
    if (!client)
        return;
    remoteEventsDropOwner(client);
    if (client->conn)
        virConnectClose(client->conn);
    g_free(client->uri);
    g_free(client->root);
    g_mutex_clear(&client->lock);
    g_free(client);
}

void
remoteClientSetEventSender(remoteClient *client,
                           remoteEventSendFunc send,
                           void *opaque)
{
    g_mutex_lock(&client->lock);
    client->send = send;
    client->sendOpaque = opaque;
    g_mutex_unlock(&client->lock);
}

void
remoteClientClosed(remoteClient *client)
{
    remoteEventsDropOwner(client);
}

bool
remoteClientTakeKeepaliveRequest(remoteClient *client)
{
    bool ret;

    g_mutex_lock(&client->lock);
    ret = client->keepalive;
    client->keepalive = false;
    g_mutex_unlock(&client->lock);
    return ret;
}

bool
remoteClientCloseRequested(remoteClient *client)
{
    bool ret;

    g_mutex_lock(&client->lock);
    ret = client->closed;
    g_mutex_unlock(&client->lock);
    return ret;
}

/* The client's connection, referenced for the duration of a call (a
 * CONNECT_CLOSE on another worker does not pull it away), or NULL with
 * libvirt's error for a call before CONNECT_OPEN. */
static virConnectPtr
remoteClientGetConn(remoteClient *client)
{
    virConnectPtr conn;

    g_mutex_lock(&client->lock);
    conn = client->conn;
    if (conn)
        virConnectRef(conn);
    g_mutex_unlock(&client->lock);
    if (!conn)
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("hypervisor connection not open"));
    return conn;
}

/* Releasing objects goes through the public API, which resets the
 * thread's last error: these keep the error a failed call left for the
 * reply. */
static void
remoteConnUnref(virConnectPtr conn)
{
    virErrorPtr saved = NULL;

    if (!conn)
        return;
    virErrorPreserveLast(&saved);
    virConnectClose(conn);
    virErrorRestore(&saved);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, remoteConnUnref);

static void
remoteDomainUnref(virDomainPtr dom)
{
    virErrorPtr saved = NULL;

    if (!dom)
        return;
    virErrorPreserveLast(&saved);
    virDomainFree(dom);
    virErrorRestore(&saved);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, remoteDomainUnref);

static void
remoteNetworkUnref(virNetworkPtr net)
{
    virErrorPtr saved = NULL;

    if (!net)
        return;
    virErrorPreserveLast(&saved);
    virNetworkFree(net);
    virErrorRestore(&saved);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, remoteNetworkUnref);

static void
remoteFreeDomains(virDomainPtr *doms, int n)
{
    int i;

    for (i = 0; doms && i < n; i++)
        remoteDomainUnref(doms[i]);
    g_free(doms);
}

static void
remoteFreeNetworks(virNetworkPtr *nets, int n)
{
    int i;

    for (i = 0; nets && i < n; i++)
        remoteNetworkUnref(nets[i]);
    g_free(nets);
}


/* References, both ways. The server finds objects by UUID, whatever name
 * and id the client sends along (protocol.md 1.6). A domain that is gone
 * becomes the handle the client has: the driver's call then fails with
 * its error naming it, as libvirtd answers ("no domain with matching
 * uuid 'UUID' (NAME)"), not with the lookup's, which knows no name. */

static virDomainPtr
remoteGetDomain(virConnectPtr conn, const remote_nonnull_domain *ref)
{
    virDomainPtr dom = virDomainLookupByUUID(conn, (const unsigned char *)ref->uuid);

    if (dom || virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
        return dom;
    virResetLastError();
    return virGetDomain(conn, ref->name, (const unsigned char *)ref->uuid, ref->id);
}

static void
remoteMakeDomain(remote_nonnull_domain *ref, virDomainPtr dom)
{
    ref->name = g_strdup(virDomainGetName(dom));
    virDomainGetUUID(dom, (unsigned char *)ref->uuid);
    ref->id = virDomainGetID(dom);
}

static virNetworkPtr
remoteGetNetwork(virConnectPtr conn, const remote_nonnull_network *ref)
{
    return virNetworkLookupByUUID(conn, (const unsigned char *)ref->uuid);
}

static void
remoteMakeNetwork(remote_nonnull_network *ref, virNetworkPtr net)
{
    ref->name = g_strdup(virNetworkGetName(net));
    virNetworkGetUUID(net, (unsigned char *)ref->uuid);
}

/* The array of a LIST_ALL_* reply; count > its maximum is refused rather
 * than truncated. */
static int
remoteCheckListSize(size_t count, size_t max, const char *what)
{
    if (count > max) {
        virReportError(VIR_ERR_RPC,
                       _("too many %s for one reply (%zu, at most %zu); filter the list with flags"),
                       what, count, max);
        return -1;
    }
    return 0;
}


/* Connection. */

/* The URIs a client may open: the daemon serves one root, whatever the
 * client calls it. "" is what a client with no URI of its own sends; it
 * asks CONNECT_GET_URI afterwards. */
static const char *const remoteURIs[] = { "qemu:///system", "qemu:///session" };

static int
remoteDispatchConnectOpen(remoteClient *client, void *argsp, void *retp G_GNUC_UNUSED)
{
    remote_connect_open_args *args = argsp;
    const char *name = args->name ? *args->name : NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *uri = NULL;
    unsigned int flags = args->flags;
    virConnectPtr conn;
    bool known = !name || !*name;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(remoteURIs) && !known; i++)
        known = STREQ(name, remoteURIs[i]);
    if (!known) {
        virReportError(VIR_ERR_NO_CONNECT,
                       _("no connection driver available for %s: this daemon serves qemu:///system"),
                       name);
        return -1;
    }
    if (flags & ~(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES)) {
        virReportError(VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                       flags & ~(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES), __func__);
        return -1;
    }

    g_mutex_lock(&client->lock);
    if (client->conn || client->closed) {
        g_mutex_unlock(&client->lock);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("connection already open"));
        return -1;
    }
    g_mutex_unlock(&client->lock);

    if (client->readonly)
        flags |= VIR_CONNECT_RO;
    escaped = g_uri_escape_string(client->root, "/", FALSE);
    uri = g_strdup_printf("qemu:///embed?root=%s", escaped);
    if (flags & VIR_CONNECT_RO)
        conn = virConnectOpenReadOnly(uri);
    else
        conn = virConnectOpen(uri);
    if (!conn)
        return -1;

    g_mutex_lock(&client->lock);
    if (client->conn || client->closed) {
        /* a second CONNECT_OPEN raced with this one */
        g_mutex_unlock(&client->lock);
        virConnectClose(conn);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("connection already open"));
        return -1;
    }
    client->conn = conn;
    client->uri = g_strdup(name && *name ? name : remoteURIs[0]);
    g_mutex_unlock(&client->lock);
    return 0;
}

static int
remoteDispatchConnectClose(remoteClient *client, void *argsp G_GNUC_UNUSED,
                           void *retp G_GNUC_UNUSED)
{
    virConnectPtr conn;

    g_mutex_lock(&client->lock);
    conn = g_steal_pointer(&client->conn);
    client->closed = true;
    g_mutex_unlock(&client->lock);
    if (conn)
        virConnectClose(conn);
    return 0;
}

static int
remoteDispatchConnectGetType(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_get_type_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    const char *type;

    if (!conn || !(type = virConnectGetType(conn)))
        return -1;
    ret->type = g_strdup(type);
    return 0;
}

static int
remoteDispatchConnectGetVersion(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_get_version_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    unsigned long ver;

    if (!conn || virConnectGetVersion(conn, &ver) < 0)
        return -1;
    ret->hv_ver = ver;
    return 0;
}

static int
remoteDispatchConnectGetLibVersion(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_get_lib_version_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    unsigned long ver;

    if (!conn || virConnectGetLibVersion(conn, &ver) < 0)
        return -1;
    ret->lib_ver = ver;
    return 0;
}

static int
remoteDispatchConnectGetHostname(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_get_hostname_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn || !(ret->hostname = virConnectGetHostname(conn)))
        return -1;
    return 0;
}

static int
remoteDispatchConnectGetCapabilities(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_get_capabilities_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn || !(ret->capabilities = virConnectGetCapabilities(conn)))
        return -1;
    return 0;
}

static int
remoteDispatchConnectGetDomainCapabilities(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_get_domain_capabilities_args *args = argsp;
    remote_connect_get_domain_capabilities_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn)
        return -1;
    ret->capabilities = virConnectGetDomainCapabilities(conn,
                                                        args->emulatorbin ? *args->emulatorbin : NULL,
                                                        args->arch ? *args->arch : NULL,
                                                        args->machine ? *args->machine : NULL,
                                                        args->virttype ? *args->virttype : NULL,
                                                        args->flags);
    return ret->capabilities ? 0 : -1;
}

static int
remoteDispatchConnectDomainXMLToNative(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_domain_xml_to_native_args *args = argsp;
    remote_connect_domain_xml_to_native_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn)
        return -1;
    ret->nativeConfig = virConnectDomainXMLToNative(conn, args->nativeFormat,
                                                    args->domainXml, args->flags);
    return ret->nativeConfig ? 0 : -1;
}

/* The client's own name for the connection, not the daemon's root. */
static int
remoteDispatchConnectGetURI(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_get_uri_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn)
        return -1;
    g_mutex_lock(&client->lock);
    ret->uri = g_strdup(client->uri);
    g_mutex_unlock(&client->lock);
    return 0;
}

/* Answered before CONNECT_OPEN too (virsh asks for keepalive first).
 * Migration is the business of the driver of the client's connection
 * (0 before CONNECT_OPEN); what the daemon does not serve (streams with
 * descriptors, network updates) is answered 0 so that clients do not try
 * it; REMOTE is the client's own business. */
static int
remoteDispatchConnectSupportsFeature(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_supports_feature_args *args = argsp;
    remote_connect_supports_feature_ret *ret = retp;
    virConnectPtr conn = NULL;
    int rc;

    switch ((virDrvFeature)args->feature) {
    case VIR_DRV_FEATURE_PROGRAM_KEEPALIVE:
        g_mutex_lock(&client->lock);
        client->keepalive = true;
        g_mutex_unlock(&client->lock);
        ret->supported = 1;
        break;
    case VIR_DRV_FEATURE_TYPED_PARAM_STRING:
    case VIR_DRV_FEATURE_XML_MIGRATABLE:
    case VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK:
    case VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK:
        ret->supported = 1;
        break;
    case VIR_DRV_FEATURE_MIGRATION_V1:
    case VIR_DRV_FEATURE_MIGRATION_V2:
    case VIR_DRV_FEATURE_MIGRATION_P2P:
    case VIR_DRV_FEATURE_MIGRATION_DIRECT:
    case VIR_DRV_FEATURE_MIGRATION_V3:
    case VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION:
    case VIR_DRV_FEATURE_MIGRATION_OFFLINE:
    case VIR_DRV_FEATURE_MIGRATION_PARAMS:
        g_mutex_lock(&client->lock);
        if ((conn = client->conn))
            virConnectRef(conn);
        g_mutex_unlock(&client->lock);
        if (!conn) {
            ret->supported = 0;
            break;
        }
        rc = virConnectSupportsFeature(conn, args->feature);
        remoteConnUnref(conn);
        if (rc < 0)
            return -1;
        ret->supported = rc > 0;
        break;
    case VIR_DRV_FEATURE_REMOTE:
    case VIR_DRV_FEATURE_FD_PASSING:
    case VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
    default:
        ret->supported = 0;
        break;
    }
    return 0;
}

/* The sockets are protected by their file mode (unix_sock_*_perms,
 * unix_sock_group): whoever can connect is let in without more. */
static int
remoteDispatchAuthList(remoteClient *client G_GNUC_UNUSED, void *argsp G_GNUC_UNUSED,
                       void *retp)
{
    remote_auth_list_ret *ret = retp;

    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = REMOTE_AUTH_NONE;
    return 0;
}

/* virsh registers a close callback on every connection; the callback runs
 * client-side when the connection drops, so the daemon only acknowledges
 * it (CONNECT_EVENT_CONNECTION_CLOSED is never sent: a daemon closing a
 * connection on purpose closes the socket). */
static int
remoteDispatchConnectRegisterCloseCallback(remoteClient *client,
                                           void *argsp G_GNUC_UNUSED,
                                           void *retp G_GNUC_UNUSED)
{
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    return conn ? 0 : -1;
}


/* Host. */

/* A string into the wire's "char s<MAX>" form: libvirt counts the NUL. */
static void
remoteMakeCharArray(char **val, u_int *len, const char *str)
{
    *val = g_strdup(str);
    *len = strlen(str) + 1;
}

static int
remoteDispatchNodeGetSecurityModel(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_node_get_security_model_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virSecurityModel secmodel;

    if (!conn || virNodeGetSecurityModel(conn, &secmodel) < 0)
        return -1;
    remoteMakeCharArray(&ret->model.model_val, &ret->model.model_len, secmodel.model);
    remoteMakeCharArray(&ret->doi.doi_val, &ret->doi.doi_len, secmodel.doi);
    return 0;
}

static int
remoteDispatchNodeGetInfo(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_node_get_info_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virNodeInfo info;

    if (!conn || virNodeGetInfo(conn, &info) < 0)
        return -1;
    G_STATIC_ASSERT(sizeof(ret->model) == sizeof(info.model));
    memcpy(ret->model, info.model, sizeof(ret->model));
    ret->memory = info.memory;
    ret->cpus = info.cpus;
    ret->mhz = info.mhz;
    ret->nodes = info.nodes;
    ret->sockets = info.sockets;
    ret->cores = info.cores;
    ret->threads = info.threads;
    return 0;
}

static int
remoteDispatchConnectListAllDomains(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_list_all_domains_args *args = argsp;
    remote_connect_list_all_domains_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virDomainPtr *doms = NULL;
    int n;
    int i;
    int rc = -1;

    if (!conn)
        return -1;
    if ((n = virConnectListAllDomains(conn, args->need_results ? &doms : NULL,
                                      args->flags)) < 0)
        return -1;
    if (doms) {
        if (remoteCheckListSize(n, REMOTE_DOMAIN_LIST_MAX, "domains") < 0)
            goto cleanup;
        ret->domains.domains_len = n;
        ret->domains.domains_val = g_new0(remote_nonnull_domain, n);
        for (i = 0; i < n; i++)
            remoteMakeDomain(&ret->domains.domains_val[i], doms[i]);
    }
    ret->ret = n;
    rc = 0;

 cleanup:
    remoteFreeDomains(doms, n);
    return rc;
}

/* The older listing calls (python's numOfDomains, listDomainsID,
 * numOfDefinedDomains, listDefinedDomains, lookupByID) are answered from
 * virConnectListAllDomains: running domains have an id, the others a
 * definition. */
static int
remoteListDomains(virConnectPtr conn, bool active, virDomainPtr **doms)
{
    unsigned int flags = active ? VIR_CONNECT_LIST_DOMAINS_ACTIVE : VIR_CONNECT_LIST_DOMAINS_INACTIVE;

    return virConnectListAllDomains(conn, doms, flags);
}

static int
remoteDispatchConnectNumOfDomains(remoteClient *client, void *argsp G_GNUC_UNUSED, void *retp)
{
    remote_connect_num_of_domains_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn || (ret->num = remoteListDomains(conn, true, NULL)) < 0)
        return -1;
    return 0;
}

static int
remoteDispatchConnectNumOfDefinedDomains(remoteClient *client, void *argsp G_GNUC_UNUSED,
                                         void *retp)
{
    remote_connect_num_of_defined_domains_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn || (ret->num = remoteListDomains(conn, false, NULL)) < 0)
        return -1;
    return 0;
}

static int
remoteDispatchConnectListDomains(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_list_domains_args *args = argsp;
    remote_connect_list_domains_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virDomainPtr *doms = NULL;
    int n;
    int i;

    if (!conn)
        return -1;
    if (args->maxids < 0 || args->maxids > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("maxids %d out of range 0..%d"),
                       args->maxids, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    if ((n = remoteListDomains(conn, true, &doms)) < 0)
        return -1;
    ret->ids.ids_val = g_new0(int, MAX(1, MIN(n, args->maxids)));
    for (i = 0; i < n && i < args->maxids; i++)
        ret->ids.ids_val[i] = virDomainGetID(doms[i]);
    ret->ids.ids_len = i;
    remoteFreeDomains(doms, n);
    return 0;
}

static int
remoteDispatchConnectListDefinedDomains(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_list_defined_domains_args *args = argsp;
    remote_connect_list_defined_domains_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virDomainPtr *doms = NULL;
    int n;
    int i;

    if (!conn)
        return -1;
    if (args->maxnames < 0 || args->maxnames > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("maxnames %d out of range 0..%d"),
                       args->maxnames, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    if ((n = remoteListDomains(conn, false, &doms)) < 0)
        return -1;
    ret->names.names_val = g_new0(remote_nonnull_string, MAX(1, MIN(n, args->maxnames)));
    for (i = 0; i < n && i < args->maxnames; i++)
        ret->names.names_val[i] = g_strdup(virDomainGetName(doms[i]));
    ret->names.names_len = i;
    remoteFreeDomains(doms, n);
    return 0;
}


/* Domains. */

static int
remoteDispatchDomainLookupByID(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_lookup_by_id_args *args = argsp;
    remote_domain_lookup_by_id_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virDomainPtr *doms = NULL;
    int n;
    int i;

    if (!conn || (n = remoteListDomains(conn, true, &doms)) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (virDomainGetID(doms[i]) == args->id)
            break;
    }
    if (i < n)
        remoteMakeDomain(&ret->dom, doms[i]);
    remoteFreeDomains(doms, n);
    if (i == n) {
        virReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching id %d"), args->id);
        return -1;
    }
    return 0;
}

static int
remoteDispatchDomainLookupByName(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_lookup_by_name_args *args = argsp;
    remote_domain_lookup_by_name_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virDomain) dom = NULL;

    if (!conn || !(dom = virDomainLookupByName(conn, args->name)))
        return -1;
    remoteMakeDomain(&ret->dom, dom);
    return 0;
}

static int
remoteDispatchDomainLookupByUUID(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_lookup_by_uuid_args *args = argsp;
    remote_domain_lookup_by_uuid_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virDomain) dom = NULL;

    if (!conn || !(dom = virDomainLookupByUUID(conn, (const unsigned char *)args->uuid)))
        return -1;
    remoteMakeDomain(&ret->dom, dom);
    return 0;
}

/* DEFINE_XML and DEFINE_XML_FLAGS (same ret), CREATE_XML. */
static int
remoteDispatchDomainDefineXMLFlags(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_define_xml_flags_args *args = argsp;
    remote_domain_define_xml_flags_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virDomain) dom = NULL;

    if (!conn || !(dom = virDomainDefineXMLFlags(conn, args->xml, args->flags)))
        return -1;
    remoteMakeDomain(&ret->dom, dom);
    return 0;
}

static int
remoteDispatchDomainDefineXML(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_define_xml_args *args = argsp;
    remote_domain_define_xml_flags_args flagsArgs = { .xml = args->xml, .flags = 0 };

    G_STATIC_ASSERT(sizeof(remote_domain_define_xml_ret) ==
                    sizeof(remote_domain_define_xml_flags_ret));
    return remoteDispatchDomainDefineXMLFlags(client, &flagsArgs, retp);
}

static int
remoteDispatchDomainCreateXML(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_create_xml_args *args = argsp;
    remote_domain_create_xml_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virDomain) dom = NULL;

    if (!conn || !(dom = virDomainCreateXML(conn, args->xml_desc, args->flags)))
        return -1;
    remoteMakeDomain(&ret->dom, dom);
    return 0;
}

/* The many calls of the form "do this to a domain": the domain of
 * args->dom (the first field of every such args struct), looked up. */
#define REMOTE_WITH_DOMAIN(client, args, conn, dom) \
    g_autoptr(virConnect) conn = remoteClientGetConn(client); \
    g_autoptr(virDomain) dom = conn ? remoteGetDomain(conn, &(args)->dom) : NULL; \
    if (!dom) \
        return -1

/* The handler of procedure @name whose @argsType names a domain first and
 * whose answer is nothing (or a @retType): @call, with dom, args (and
 * ret) at hand, returns 0 or -1. */
#define REMOTE_DOMAIN_PROC(name, argsType, call) \
    static int \
    remoteDispatch##name(remoteClient *client, void *argsp, void *retp G_GNUC_UNUSED) \
    { \
        argsType *args = argsp; \
        REMOTE_WITH_DOMAIN(client, args, conn, dom); \
        return (call); \
    }

#define REMOTE_DOMAIN_PROC_RET(name, argsType, retType, call) \
    static int \
    remoteDispatch##name(remoteClient *client, void *argsp, void *retp) \
    { \
        argsType *args = argsp; \
        retType *ret = retp; \
        REMOTE_WITH_DOMAIN(client, args, conn, dom); \
        return (call); \
    }

REMOTE_DOMAIN_PROC(DomainCreate,
                   remote_domain_create_args,
                   virDomainCreate(dom))

static int
remoteDispatchDomainCreateWithFlags(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_create_with_flags_args *args = argsp;
    remote_domain_create_with_flags_ret *ret = retp;
    g_autoptr(virDomain) started = NULL;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainCreateWithFlags(dom, args->flags) < 0)
        return -1;
    /* the reply carries the id the domain now runs with */
    if (!(started = virDomainLookupByUUID(conn, (const unsigned char *)args->dom.uuid)))
        return -1;
    remoteMakeDomain(&ret->dom, started);
    return 0;
}

REMOTE_DOMAIN_PROC(DomainDestroy,
                   remote_domain_destroy_args,
                   virDomainDestroy(dom))

REMOTE_DOMAIN_PROC(DomainDestroyFlags,
                   remote_domain_destroy_flags_args,
                   virDomainDestroyFlags(dom, args->flags))

REMOTE_DOMAIN_PROC(DomainShutdown,
                   remote_domain_shutdown_args,
                   virDomainShutdown(dom))

REMOTE_DOMAIN_PROC(DomainShutdownFlags,
                   remote_domain_shutdown_flags_args,
                   virDomainShutdownFlags(dom, args->flags))

REMOTE_DOMAIN_PROC(DomainSuspend,
                   remote_domain_suspend_args,
                   virDomainSuspend(dom))

REMOTE_DOMAIN_PROC(DomainResume,
                   remote_domain_resume_args,
                   virDomainResume(dom))

REMOTE_DOMAIN_PROC(DomainUndefine,
                   remote_domain_undefine_args,
                   virDomainUndefine(dom))

REMOTE_DOMAIN_PROC(DomainUndefineFlags,
                   remote_domain_undefine_flags_args,
                   virDomainUndefineFlags(dom, args->flags))

static int
remoteDispatchDomainGetXMLDesc(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_get_xml_desc_args *args = argsp;
    remote_domain_get_xml_desc_ret *ret = retp;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (!(ret->xml = virDomainGetXMLDesc(dom, args->flags)))
        return -1;
    return 0;
}

REMOTE_DOMAIN_PROC_RET(DomainGetState,
                       remote_domain_get_state_args, remote_domain_get_state_ret,
                       virDomainGetState(dom, &ret->state, &ret->reason, args->flags))

static int
remoteDispatchDomainGetInfo(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_get_info_args *args = argsp;
    remote_domain_get_info_ret *ret = retp;
    virDomainInfo info = { 0 };
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainGetInfo(dom, &info) < 0)
        return -1;
    ret->state = info.state;
    ret->maxMem = info.maxMem;
    ret->memory = info.memory;
    ret->nrVirtCpu = info.nrVirtCpu;
    ret->cpuTime = info.cpuTime;
    return 0;
}

REMOTE_DOMAIN_PROC_RET(DomainIsActive,
                       remote_domain_is_active_args, remote_domain_is_active_ret,
                       (ret->active = virDomainIsActive(dom)) < 0 ? -1 : 0)

REMOTE_DOMAIN_PROC_RET(DomainIsPersistent,
                       remote_domain_is_persistent_args, remote_domain_is_persistent_ret,
                       (ret->persistent = virDomainIsPersistent(dom)) < 0 ? -1 : 0)

REMOTE_DOMAIN_PROC_RET(DomainGetAutostart,
                       remote_domain_get_autostart_args, remote_domain_get_autostart_ret,
                       virDomainGetAutostart(dom, &ret->autostart))

REMOTE_DOMAIN_PROC_RET(DomainHasManagedSaveImage,
                       remote_domain_has_managed_save_image_args,
                       remote_domain_has_managed_save_image_ret,
                       (ret->result = virDomainHasManagedSaveImage(dom, args->flags)) < 0 ? -1 : 0)

static int
remoteDispatchDomainGetOSType(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_get_os_type_args *args = argsp;
    remote_domain_get_os_type_ret *ret = retp;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    return (ret->type = virDomainGetOSType(dom)) ? 0 : -1;
}

static int
remoteDispatchDomainGetSecurityLabel(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_get_security_label_args *args = argsp;
    remote_domain_get_security_label_ret *ret = retp;
    virSecurityLabel seclabel;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainGetSecurityLabel(dom, &seclabel) < 0)
        return -1;
    remoteMakeCharArray(&ret->label.label_val, &ret->label.label_len, seclabel.label);
    ret->enforcing = seclabel.enforcing;
    return 0;
}

REMOTE_DOMAIN_PROC(DomainSetAutostart,
                   remote_domain_set_autostart_args,
                   virDomainSetAutostart(dom, args->autostart))

REMOTE_DOMAIN_PROC(DomainDetachDeviceAlias,
                   remote_domain_detach_device_alias_args,
                   virDomainDetachDeviceAlias(dom, args->alias, args->flags))

REMOTE_DOMAIN_PROC(DomainAttachDevice,
                   remote_domain_attach_device_args,
                   virDomainAttachDevice(dom, args->xml))

REMOTE_DOMAIN_PROC(DomainAttachDeviceFlags,
                   remote_domain_attach_device_flags_args,
                   virDomainAttachDeviceFlags(dom, args->xml, args->flags))

REMOTE_DOMAIN_PROC(DomainDetachDevice,
                   remote_domain_detach_device_args,
                   virDomainDetachDevice(dom, args->xml))

REMOTE_DOMAIN_PROC(DomainDetachDeviceFlags,
                   remote_domain_detach_device_flags_args,
                   virDomainDetachDeviceFlags(dom, args->xml, args->flags))


/* Jobs. */

static int
remoteDispatchDomainGetJobStats(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_get_job_stats_args *args = argsp;
    remote_domain_get_job_stats_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int rc;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainGetJobStats(dom, &ret->type, &params, &nparams, args->flags) < 0)
        return -1;
    rc = remoteSerializeTypedParameters(params, nparams, REMOTE_DOMAIN_JOB_STATS_MAX,
                                        &ret->params.params_val, &ret->params.params_len);
    virTypedParamsFree(params, nparams);
    return rc;
}

/* virDomainGetJobInfo's fixed fields, from the job's statistics (the
 * names of VIR_DOMAIN_JOB_*); a statistic the job lacks is 0. */
static int
remoteDispatchDomainGetJobInfo(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_get_job_info_args *args = argsp;
    remote_domain_get_job_info_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    struct {
        const char *name;
        uint64_t *field;
    } map[] = {
        { VIR_DOMAIN_JOB_TIME_ELAPSED, &ret->timeElapsed },
        { "time_remaining", &ret->timeRemaining },
        { VIR_DOMAIN_JOB_DATA_TOTAL, &ret->dataTotal },
        { VIR_DOMAIN_JOB_DATA_PROCESSED, &ret->dataProcessed },
        { VIR_DOMAIN_JOB_DATA_REMAINING, &ret->dataRemaining },
        { "memory_total", &ret->memTotal },
        { "memory_processed", &ret->memProcessed },
        { "memory_remaining", &ret->memRemaining },
        { "disk_total", &ret->fileTotal },
        { "disk_processed", &ret->fileProcessed },
        { "disk_remaining", &ret->fileRemaining },
    };
    size_t i;
    int rc = 0;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainGetJobStats(dom, &ret->type, &params, &nparams, 0) < 0)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(map) && rc >= 0; i++) {
        unsigned long long v = 0;

        if ((rc = virTypedParamsGetULLong(params, nparams, map[i].name, &v)) > 0)
            *map[i].field = v;
    }
    virTypedParamsFree(params, nparams);
    return rc < 0 ? -1 : 0;
}

REMOTE_DOMAIN_PROC(DomainAbortJob,
                   remote_domain_abort_job_args,
                   virDomainAbortJob(dom))

REMOTE_DOMAIN_PROC(DomainMigrateSetMaxDowntime,
                   remote_domain_migrate_set_max_downtime_args,
                   virDomainMigrateSetMaxDowntime(dom, args->downtime, args->flags))

static int
remoteDispatchDomainMigrateGetMaxDowntime(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_get_max_downtime_args *args = argsp;
    remote_domain_migrate_get_max_downtime_ret *ret = retp;
    unsigned long long downtime;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainMigrateGetMaxDowntime(dom, &downtime, args->flags) < 0)
        return -1;
    ret->downtime = downtime;
    return 0;
}

static int
remoteDispatchDomainMigrateSetMaxSpeed(remoteClient *client, void *argsp,
                                       void *retp G_GNUC_UNUSED)
{
    remote_domain_migrate_set_max_speed_args *args = argsp;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    /* the wire carries 64 bits, the API an unsigned long */
    if (args->bandwidth > ULONG_MAX) {
        virReportError(VIR_ERR_OVERFLOW, _("bandwidth %llu MiB/s does not fit in an unsigned long"),
                       (unsigned long long)args->bandwidth);
        return -1;
    }
    return virDomainMigrateSetMaxSpeed(dom, args->bandwidth, args->flags);
}

static int
remoteDispatchDomainMigrateGetMaxSpeed(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_get_max_speed_args *args = argsp;
    remote_domain_migrate_get_max_speed_ret *ret = retp;
    unsigned long bandwidth;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (virDomainMigrateGetMaxSpeed(dom, &bandwidth, args->flags) < 0)
        return -1;
    ret->bandwidth = bandwidth;
    return 0;
}


/* Migration: the v3 phases with typed parameters (protocol.md 4.3),
 * handed to the driver of the client's connection. PERFORM3 of a
 * peer-to-peer migration runs on its worker as long as the migration
 * does; the client's other calls run on other workers meanwhile. If the
 * client goes away, the call still runs to its end (it holds its own
 * references) and its reply is dropped. */

/* The migration parameters of a call. */
static int
remoteMigrateParams(const remote_typed_param *val, u_int len,
                    virTypedParameterPtr *params, int *nparams)
{
    return remoteDeserializeTypedParameters(val, len, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                            params, nparams);
}

/* The cookie a driver gave (g_malloc'ed, @len counting its NUL) into a
 * reply's opaque, taken; the transport frees it with the reply, sent or
 * not (a failed call's too). */
static void
remoteMigrateCookieOut(char **cookie, int len, char **val, u_int *vallen)
{
    if (!*cookie || len <= 0) {
        g_clear_pointer(cookie, g_free);
        return;
    }
    *val = g_steal_pointer(cookie);
    *vallen = len;
}

static int
remoteDispatchDomainMigrateBegin3Params(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_begin3_params_args *args = argsp;
    remote_domain_migrate_begin3_params_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    char *cookieout = NULL;
    int cookieoutlen = 0;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (remoteMigrateParams(args->params.params_val, args->params.params_len,
                            &params, &nparams) < 0)
        return -1;
    ret->xml = virDomainMigrateBegin3Params(dom, params, nparams,
                                            &cookieout, &cookieoutlen, args->flags);
    virTypedParamsFree(params, nparams);
    remoteMigrateCookieOut(&cookieout, cookieoutlen,
                           &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    return ret->xml ? 0 : -1;
}

static int
remoteDispatchDomainMigratePrepare3Params(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_prepare3_params_args *args = argsp;
    remote_domain_migrate_prepare3_params_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    char *cookieout = NULL;
    int cookieoutlen = 0;
    char *uri = NULL;
    int rc;

    if (!conn ||
        remoteMigrateParams(args->params.params_val, args->params.params_len,
                            &params, &nparams) < 0)
        return -1;
    rc = virDomainMigratePrepare3Params(conn, params, nparams,
                                        args->cookie_in.cookie_in_val,
                                        args->cookie_in.cookie_in_len,
                                        &cookieout, &cookieoutlen, &uri, args->flags);
    virTypedParamsFree(params, nparams);
    remoteMigrateCookieOut(&cookieout, cookieoutlen,
                           &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    if (uri) {
        ret->uri_out = g_new0(char *, 1);
        *ret->uri_out = uri;
    }
    return rc;
}

static int
remoteDispatchDomainMigratePerform3Params(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_perform3_params_args *args = argsp;
    remote_domain_migrate_perform3_params_ret *ret = retp;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    char *cookieout = NULL;
    int cookieoutlen = 0;
    int rc;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (remoteMigrateParams(args->params.params_val, args->params.params_len,
                            &params, &nparams) < 0)
        return -1;
    rc = virDomainMigratePerform3Params(dom, args->dconnuri ? *args->dconnuri : NULL,
                                        params, nparams,
                                        args->cookie_in.cookie_in_val,
                                        args->cookie_in.cookie_in_len,
                                        &cookieout, &cookieoutlen, args->flags);
    virTypedParamsFree(params, nparams);
    remoteMigrateCookieOut(&cookieout, cookieoutlen,
                           &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    return rc;
}

static int
remoteDispatchDomainMigrateFinish3Params(remoteClient *client, void *argsp, void *retp)
{
    remote_domain_migrate_finish3_params_args *args = argsp;
    remote_domain_migrate_finish3_params_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    char *cookieout = NULL;
    int cookieoutlen = 0;

    if (!conn ||
        remoteMigrateParams(args->params.params_val, args->params.params_len,
                            &params, &nparams) < 0)
        return -1;
    dom = virDomainMigrateFinish3Params(conn, params, nparams,
                                        args->cookie_in.cookie_in_val,
                                        args->cookie_in.cookie_in_len,
                                        &cookieout, &cookieoutlen,
                                        args->flags, args->cancelled);
    virTypedParamsFree(params, nparams);
    remoteMigrateCookieOut(&cookieout, cookieoutlen,
                           &ret->cookie_out.cookie_out_val, &ret->cookie_out.cookie_out_len);
    if (!dom) {
        /* a cancelled migration may end without a domain and without an
         * error of the driver's own */
        if (virGetLastErrorCode() == VIR_ERR_OK)
            virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                           _("the migration was cancelled: the incoming domain was removed"));
        return -1;
    }
    remoteMakeDomain(&ret->dom, dom);
    return 0;
}

static int
remoteDispatchDomainMigrateConfirm3Params(remoteClient *client, void *argsp,
                                          void *retp G_GNUC_UNUSED)
{
    remote_domain_migrate_confirm3_params_args *args = argsp;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int rc;
    REMOTE_WITH_DOMAIN(client, args, conn, dom);

    if (remoteMigrateParams(args->params.params_val, args->params.params_len,
                            &params, &nparams) < 0)
        return -1;
    rc = virDomainMigrateConfirm3Params(dom, params, nparams,
                                        args->cookie_in.cookie_in_val,
                                        args->cookie_in.cookie_in_len,
                                        args->flags, args->cancelled);
    virTypedParamsFree(params, nparams);
    return rc;
}


/* Networks. */

#define REMOTE_WITH_NETWORK(client, args, conn, net) \
    g_autoptr(virConnect) conn = remoteClientGetConn(client); \
    g_autoptr(virNetwork) net = conn ? remoteGetNetwork(conn, &(args)->net) : NULL; \
    if (!net) \
        return -1

/* As REMOTE_DOMAIN_PROC, with the network net. */
#define REMOTE_NETWORK_PROC(name, argsType, call) \
    static int \
    remoteDispatch##name(remoteClient *client, void *argsp, void *retp G_GNUC_UNUSED) \
    { \
        argsType *args = argsp; \
        REMOTE_WITH_NETWORK(client, args, conn, net); \
        return (call); \
    }

#define REMOTE_NETWORK_PROC_RET(name, argsType, retType, call) \
    static int \
    remoteDispatch##name(remoteClient *client, void *argsp, void *retp) \
    { \
        argsType *args = argsp; \
        retType *ret = retp; \
        REMOTE_WITH_NETWORK(client, args, conn, net); \
        return (call); \
    }

static int
remoteDispatchConnectListAllNetworks(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_list_all_networks_args *args = argsp;
    remote_connect_list_all_networks_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virNetworkPtr *nets = NULL;
    int n;
    int i;
    int rc = -1;

    if (!conn)
        return -1;
    if ((n = virConnectListAllNetworks(conn, args->need_results ? &nets : NULL,
                                       args->flags)) < 0)
        return -1;
    if (nets) {
        if (remoteCheckListSize(n, REMOTE_NETWORK_LIST_MAX, "networks") < 0)
            goto cleanup;
        ret->nets.nets_len = n;
        ret->nets.nets_val = g_new0(remote_nonnull_network, n);
        for (i = 0; i < n; i++)
            remoteMakeNetwork(&ret->nets.nets_val[i], nets[i]);
    }
    ret->ret = n;
    rc = 0;

 cleanup:
    remoteFreeNetworks(nets, n);
    return rc;
}

static int
remoteDispatchNetworkLookupByName(remoteClient *client, void *argsp, void *retp)
{
    remote_network_lookup_by_name_args *args = argsp;
    remote_network_lookup_by_name_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virNetwork) net = NULL;

    if (!conn || !(net = virNetworkLookupByName(conn, args->name)))
        return -1;
    remoteMakeNetwork(&ret->net, net);
    return 0;
}

static int
remoteDispatchNetworkLookupByUUID(remoteClient *client, void *argsp, void *retp)
{
    remote_network_lookup_by_uuid_args *args = argsp;
    remote_network_lookup_by_uuid_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virNetwork) net = NULL;

    if (!conn || !(net = virNetworkLookupByUUID(conn, (const unsigned char *)args->uuid)))
        return -1;
    remoteMakeNetwork(&ret->net, net);
    return 0;
}

static int
remoteDispatchNetworkDefineXMLFlags(remoteClient *client, void *argsp, void *retp)
{
    remote_network_define_xml_flags_args *args = argsp;
    remote_network_define_xml_flags_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virNetwork) net = NULL;

    if (!conn || !(net = virNetworkDefineXMLFlags(conn, args->xml, args->flags)))
        return -1;
    remoteMakeNetwork(&ret->net, net);
    return 0;
}

static int
remoteDispatchNetworkDefineXML(remoteClient *client, void *argsp, void *retp)
{
    remote_network_define_xml_args *args = argsp;
    remote_network_define_xml_flags_args flagsArgs = { .xml = args->xml, .flags = 0 };

    G_STATIC_ASSERT(sizeof(remote_network_define_xml_ret) ==
                    sizeof(remote_network_define_xml_flags_ret));
    return remoteDispatchNetworkDefineXMLFlags(client, &flagsArgs, retp);
}

REMOTE_NETWORK_PROC(NetworkUndefine,
                    remote_network_undefine_args,
                    virNetworkUndefine(net))

REMOTE_NETWORK_PROC(NetworkCreate,
                    remote_network_create_args,
                    virNetworkCreate(net))

REMOTE_NETWORK_PROC(NetworkDestroy,
                    remote_network_destroy_args,
                    virNetworkDestroy(net))

static int
remoteDispatchNetworkGetXMLDesc(remoteClient *client, void *argsp, void *retp)
{
    remote_network_get_xml_desc_args *args = argsp;
    remote_network_get_xml_desc_ret *ret = retp;
    REMOTE_WITH_NETWORK(client, args, conn, net);

    if (!(ret->xml = virNetworkGetXMLDesc(net, args->flags)))
        return -1;
    return 0;
}

REMOTE_NETWORK_PROC_RET(NetworkGetAutostart,
                        remote_network_get_autostart_args, remote_network_get_autostart_ret,
                        virNetworkGetAutostart(net, &ret->autostart))

REMOTE_NETWORK_PROC(NetworkSetAutostart,
                    remote_network_set_autostart_args,
                    virNetworkSetAutostart(net, args->autostart))

REMOTE_NETWORK_PROC_RET(NetworkIsActive,
                        remote_network_is_active_args, remote_network_is_active_ret,
                        (ret->active = virNetworkIsActive(net)) < 0 ? -1 : 0)

REMOTE_NETWORK_PROC_RET(NetworkIsPersistent,
                        remote_network_is_persistent_args, remote_network_is_persistent_ret,
                        (ret->persistent = virNetworkIsPersistent(net)) < 0 ? -1 : 0)


/* Events. */

/* How events reach @client; -1 (libvirt's error) before CONNECT_OPEN. */
static int
remoteClientGetSender(remoteClient *client, remoteEventSendFunc *send, void **opaque)
{
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn)
        return -1;
    g_mutex_lock(&client->lock);
    *send = client->send;
    *opaque = client->sendOpaque;
    g_mutex_unlock(&client->lock);
    return 0;
}

static int
remoteDispatchConnectDomainEventCallbackRegisterAny(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_register_any_args *args = argsp;
    remote_connect_domain_event_callback_register_any_ret *ret = retp;
    remoteEventSendFunc send;
    void *opaque;

    if (remoteClientGetSender(client, &send, &opaque) < 0)
        return -1;
    return remoteEventsRegister(client, send, opaque, args->eventID, args->dom, &ret->callbackID);
}

/* The connection's registration for lifecycle events (clients of a
 * server without feature 14); cb_registered stays 0, as libvirtd sends. */
static int
remoteDispatchConnectDomainEventRegister(remoteClient *client, void *argsp G_GNUC_UNUSED,
                                         void *retp G_GNUC_UNUSED)
{
    remoteEventSendFunc send;
    void *opaque;

    if (remoteClientGetSender(client, &send, &opaque) < 0)
        return -1;
    return remoteEventsRegisterConnection(client, send, opaque);
}

static int
remoteDispatchConnectDomainEventDeregister(remoteClient *client, void *argsp G_GNUC_UNUSED,
                                           void *retp G_GNUC_UNUSED)
{
    return remoteEventsDeregisterConnection(client);
}

static int
remoteDispatchConnectDomainEventCallbackDeregisterAny(remoteClient *client, void *argsp,
                                                      void *retp G_GNUC_UNUSED)
{
    remote_connect_domain_event_callback_deregister_any_args *args = argsp;

    return remoteEventsDeregister(client, args->callbackID);
}



/* Node devices. */

static void
remoteNodeDeviceUnref(virNodeDevicePtr dev)
{
    virErrorPtr saved = NULL;

    if (!dev)
        return;
    virErrorPreserveLast(&saved);
    virNodeDeviceFree(dev);
    virErrorRestore(&saved);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDevice, remoteNodeDeviceUnref);

/* The handle of the device the client names; the driver's call reports
 * a device that does not exist, naming it, as libvirtd does. */
#define REMOTE_WITH_NODE_DEVICE(client, name, conn, dev) \
    g_autoptr(virConnect) conn = remoteClientGetConn(client); \
    g_autoptr(virNodeDevice) dev = conn ? virGetNodeDevice(conn, (name)) : NULL; \
    if (!dev) \
        return -1

/* Copies of @n names (freed here) into a reply's string array. */
static int
remoteTakeNames(char **names, int n, u_int *len, remote_nonnull_string **val)
{
    int i;

    *len = n;
    *val = g_new0(remote_nonnull_string, n > 0 ? n : 1);
    for (i = 0; i < n; i++)
        (*val)[i] = names[i];
    return 0;
}

static int
remoteDispatchNodeNumOfDevices(remoteClient *client, void *argsp, void *retp)
{
    remote_node_num_of_devices_args *args = argsp;
    remote_node_num_of_devices_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);

    if (!conn ||
        (ret->num = virNodeNumOfDevices(conn, args->cap ? *args->cap : NULL, args->flags)) < 0)
        return -1;
    return 0;
}

static int
remoteDispatchNodeListDevices(remoteClient *client, void *argsp, void *retp)
{
    remote_node_list_devices_args *args = argsp;
    remote_node_list_devices_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autofree char **names = NULL;
    int n;

    if (!conn)
        return -1;
    if (args->maxnames < 0 || args->maxnames > REMOTE_NODE_DEVICE_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("maxnames must be between 0 and %d, not %d"),
                       REMOTE_NODE_DEVICE_LIST_MAX, args->maxnames);
        return -1;
    }
    names = g_new0(char *, args->maxnames + 1);
    if ((n = virNodeListDevices(conn, args->cap ? *args->cap : NULL, names,
                                args->maxnames, args->flags)) < 0)
        return -1;
    return remoteTakeNames(names, n, &ret->names.names_len, &ret->names.names_val);
}

static int
remoteDispatchConnectListAllNodeDevices(remoteClient *client, void *argsp, void *retp)
{
    remote_connect_list_all_node_devices_args *args = argsp;
    remote_connect_list_all_node_devices_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    virNodeDevicePtr *devs = NULL;
    int n;
    int i;
    int rc = -1;

    if (!conn)
        return -1;
    if ((n = virConnectListAllNodeDevices(conn, args->need_results ? &devs : NULL,
                                          args->flags)) < 0)
        return -1;
    if (devs) {
        if (remoteCheckListSize(n, REMOTE_NODE_DEVICE_LIST_MAX, "node devices") < 0)
            goto cleanup;
        ret->devices.devices_len = n;
        ret->devices.devices_val = g_new0(remote_nonnull_node_device, n);
        for (i = 0; i < n; i++)
            ret->devices.devices_val[i].name = g_strdup(virNodeDeviceGetName(devs[i]));
    }
    ret->ret = n;
    rc = 0;

 cleanup:
    for (i = 0; devs && i < n; i++)
        remoteNodeDeviceUnref(devs[i]);
    g_free(devs);
    return rc;
}

static int
remoteDispatchNodeDeviceLookupByName(remoteClient *client, void *argsp, void *retp)
{
    remote_node_device_lookup_by_name_args *args = argsp;
    remote_node_device_lookup_by_name_ret *ret = retp;
    g_autoptr(virConnect) conn = remoteClientGetConn(client);
    g_autoptr(virNodeDevice) dev = NULL;

    if (!conn || !(dev = virNodeDeviceLookupByName(conn, args->name)))
        return -1;
    ret->dev.name = g_strdup(virNodeDeviceGetName(dev));
    return 0;
}

static int
remoteDispatchNodeDeviceGetXMLDesc(remoteClient *client, void *argsp, void *retp)
{
    remote_node_device_get_xml_desc_args *args = argsp;
    remote_node_device_get_xml_desc_ret *ret = retp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);

    if (!(ret->xml = virNodeDeviceGetXMLDesc(dev, args->flags)))
        return -1;
    return 0;
}

static int
remoteDispatchNodeDeviceGetParent(remoteClient *client, void *argsp, void *retp)
{
    remote_node_device_get_parent_args *args = argsp;
    remote_node_device_get_parent_ret *ret = retp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);
    const char *parent = virNodeDeviceGetParent(dev);

    if (!parent) {
        /* the host device: no parent, no error */
        if (virGetLastErrorCode() != VIR_ERR_OK)
            return -1;
        ret->parentName = NULL;
        return 0;
    }
    ret->parentName = g_new0(remote_nonnull_string, 1);
    *ret->parentName = g_strdup(parent);
    return 0;
}

static int
remoteDispatchNodeDeviceNumOfCaps(remoteClient *client, void *argsp, void *retp)
{
    remote_node_device_num_of_caps_args *args = argsp;
    remote_node_device_num_of_caps_ret *ret = retp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);

    if ((ret->num = virNodeDeviceNumOfCaps(dev)) < 0)
        return -1;
    return 0;
}

static int
remoteDispatchNodeDeviceListCaps(remoteClient *client, void *argsp, void *retp)
{
    remote_node_device_list_caps_args *args = argsp;
    remote_node_device_list_caps_ret *ret = retp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);
    g_autofree char **names = NULL;
    int n;

    if (args->maxnames < 0 || args->maxnames > REMOTE_NODE_DEVICE_CAPS_LIST_MAX) {
        virReportError(VIR_ERR_RPC, _("maxnames must be between 0 and %d, not %d"),
                       REMOTE_NODE_DEVICE_CAPS_LIST_MAX, args->maxnames);
        return -1;
    }
    names = g_new0(char *, args->maxnames + 1);
    if ((n = virNodeDeviceListCaps(dev, names, args->maxnames)) < 0)
        return -1;
    return remoteTakeNames(names, n, &ret->names.names_len, &ret->names.names_val);
}

static int
remoteDispatchNodeDeviceDettach(remoteClient *client, void *argsp, void *retp G_GNUC_UNUSED)
{
    remote_node_device_dettach_args *args = argsp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);

    return virNodeDeviceDettach(dev);
}

static int
remoteDispatchNodeDeviceDetachFlags(remoteClient *client, void *argsp,
                                    void *retp G_GNUC_UNUSED)
{
    remote_node_device_detach_flags_args *args = argsp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);

    return virNodeDeviceDetachFlags(dev, args->driverName ? *args->driverName : NULL,
                                    args->flags);
}

static int
remoteDispatchNodeDeviceReAttach(remoteClient *client, void *argsp, void *retp G_GNUC_UNUSED)
{
    remote_node_device_re_attach_args *args = argsp;
    REMOTE_WITH_NODE_DEVICE(client, args->name, conn, dev);

    return virNodeDeviceReAttach(dev);
}


/* The table. Procedures of remoteProgram missing here have no handler
 * yet and answer "unknown procedure" (VIR_ERR_NO_SUPPORT for clients):
 * the registration per event ID without callback IDs (167/168), network
 * events, messages,
 * managed save (beyond "there is none") and snapshots, the migration
 * procedures before version 3 with parameters and tunnelled migration. */

typedef int (*remoteDispatchFunc)(remoteClient *client, void *args, void *ret);

/* Indexed by procedure number (the largest is 442, DOMAIN_ABORT_JOB_FLAGS). */
#define REMOTE_DISPATCH_MAX 443

static const remoteDispatchFunc remoteDispatchTable[REMOTE_DISPATCH_MAX] = {
    [REMOTE_PROC_CONNECT_OPEN] = remoteDispatchConnectOpen,
    [REMOTE_PROC_CONNECT_CLOSE] = remoteDispatchConnectClose,
    [REMOTE_PROC_CONNECT_GET_TYPE] = remoteDispatchConnectGetType,
    [REMOTE_PROC_CONNECT_GET_VERSION] = remoteDispatchConnectGetVersion,
    [REMOTE_PROC_NODE_GET_INFO] = remoteDispatchNodeGetInfo,
    [REMOTE_PROC_CONNECT_GET_CAPABILITIES] = remoteDispatchConnectGetCapabilities,
    [REMOTE_PROC_DOMAIN_ATTACH_DEVICE] = remoteDispatchDomainAttachDevice,
    [REMOTE_PROC_DOMAIN_CREATE] = remoteDispatchDomainCreate,
    [REMOTE_PROC_DOMAIN_CREATE_XML] = remoteDispatchDomainCreateXML,
    [REMOTE_PROC_DOMAIN_DEFINE_XML] = remoteDispatchDomainDefineXML,
    [REMOTE_PROC_DOMAIN_DESTROY] = remoteDispatchDomainDestroy,
    [REMOTE_PROC_DOMAIN_DETACH_DEVICE] = remoteDispatchDomainDetachDevice,
    [REMOTE_PROC_DOMAIN_GET_XML_DESC] = remoteDispatchDomainGetXMLDesc,
    [REMOTE_PROC_DOMAIN_GET_INFO] = remoteDispatchDomainGetInfo,
    [REMOTE_PROC_DOMAIN_GET_AUTOSTART] = remoteDispatchDomainGetAutostart,
    [REMOTE_PROC_DOMAIN_GET_OS_TYPE] = remoteDispatchDomainGetOSType,
    [REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL] = remoteDispatchDomainGetSecurityLabel,
    [REMOTE_PROC_NODE_NUM_OF_DEVICES] = remoteDispatchNodeNumOfDevices,
    [REMOTE_PROC_NODE_LIST_DEVICES] = remoteDispatchNodeListDevices,
    [REMOTE_PROC_NODE_DEVICE_LOOKUP_BY_NAME] = remoteDispatchNodeDeviceLookupByName,
    [REMOTE_PROC_NODE_DEVICE_GET_XML_DESC] = remoteDispatchNodeDeviceGetXMLDesc,
    [REMOTE_PROC_NODE_DEVICE_GET_PARENT] = remoteDispatchNodeDeviceGetParent,
    [REMOTE_PROC_NODE_DEVICE_NUM_OF_CAPS] = remoteDispatchNodeDeviceNumOfCaps,
    [REMOTE_PROC_NODE_DEVICE_LIST_CAPS] = remoteDispatchNodeDeviceListCaps,
    [REMOTE_PROC_NODE_DEVICE_DETTACH] = remoteDispatchNodeDeviceDettach,
    [REMOTE_PROC_NODE_DEVICE_RE_ATTACH] = remoteDispatchNodeDeviceReAttach,
    [REMOTE_PROC_NODE_DEVICE_DETACH_FLAGS] = remoteDispatchNodeDeviceDetachFlags,
    [REMOTE_PROC_NODE_GET_SECURITY_MODEL] = remoteDispatchNodeGetSecurityModel,
    [REMOTE_PROC_CONNECT_DOMAIN_XML_TO_NATIVE] = remoteDispatchConnectDomainXMLToNative,
    [REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE] = remoteDispatchDomainHasManagedSaveImage,
    [REMOTE_PROC_DOMAIN_SET_AUTOSTART] = remoteDispatchDomainSetAutostart,
    [REMOTE_PROC_DOMAIN_DETACH_DEVICE_ALIAS] = remoteDispatchDomainDetachDeviceAlias,
    [REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS] = remoteDispatchConnectListDefinedDomains,
    [REMOTE_PROC_DOMAIN_LOOKUP_BY_ID] = remoteDispatchDomainLookupByID,
    [REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME] = remoteDispatchDomainLookupByName,
    [REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID] = remoteDispatchDomainLookupByUUID,
    [REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS] = remoteDispatchConnectNumOfDefinedDomains,
    [REMOTE_PROC_DOMAIN_RESUME] = remoteDispatchDomainResume,
    [REMOTE_PROC_DOMAIN_SUSPEND] = remoteDispatchDomainSuspend,
    [REMOTE_PROC_DOMAIN_UNDEFINE] = remoteDispatchDomainUndefine,
    [REMOTE_PROC_DOMAIN_SHUTDOWN] = remoteDispatchDomainShutdown,
    [REMOTE_PROC_CONNECT_LIST_DOMAINS] = remoteDispatchConnectListDomains,
    [REMOTE_PROC_NETWORK_CREATE] = remoteDispatchNetworkCreate,
    [REMOTE_PROC_NETWORK_DEFINE_XML] = remoteDispatchNetworkDefineXML,
    [REMOTE_PROC_NETWORK_DESTROY] = remoteDispatchNetworkDestroy,
    [REMOTE_PROC_NETWORK_GET_XML_DESC] = remoteDispatchNetworkGetXMLDesc,
    [REMOTE_PROC_NETWORK_GET_AUTOSTART] = remoteDispatchNetworkGetAutostart,
    [REMOTE_PROC_NETWORK_LOOKUP_BY_NAME] = remoteDispatchNetworkLookupByName,
    [REMOTE_PROC_NETWORK_LOOKUP_BY_UUID] = remoteDispatchNetworkLookupByUUID,
    [REMOTE_PROC_NETWORK_SET_AUTOSTART] = remoteDispatchNetworkSetAutostart,
    [REMOTE_PROC_NETWORK_UNDEFINE] = remoteDispatchNetworkUndefine,
    [REMOTE_PROC_CONNECT_NUM_OF_DOMAINS] = remoteDispatchConnectNumOfDomains,
    [REMOTE_PROC_CONNECT_GET_HOSTNAME] = remoteDispatchConnectGetHostname,
    [REMOTE_PROC_CONNECT_SUPPORTS_FEATURE] = remoteDispatchConnectSupportsFeature,
    [REMOTE_PROC_AUTH_LIST] = remoteDispatchAuthList,
    [REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER] = remoteDispatchConnectDomainEventRegister,
    [REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER] = remoteDispatchConnectDomainEventDeregister,
    [REMOTE_PROC_CONNECT_GET_URI] = remoteDispatchConnectGetURI,
    [REMOTE_PROC_DOMAIN_IS_ACTIVE] = remoteDispatchDomainIsActive,
    [REMOTE_PROC_DOMAIN_IS_PERSISTENT] = remoteDispatchDomainIsPersistent,
    [REMOTE_PROC_NETWORK_IS_ACTIVE] = remoteDispatchNetworkIsActive,
    [REMOTE_PROC_NETWORK_IS_PERSISTENT] = remoteDispatchNetworkIsPersistent,
    [REMOTE_PROC_CONNECT_GET_LIB_VERSION] = remoteDispatchConnectGetLibVersion,
    [REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS] = remoteDispatchDomainAttachDeviceFlags,
    [REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS] = remoteDispatchDomainDetachDeviceFlags,
    [REMOTE_PROC_DOMAIN_GET_JOB_INFO] = remoteDispatchDomainGetJobInfo,
    [REMOTE_PROC_DOMAIN_ABORT_JOB] = remoteDispatchDomainAbortJob,
    [REMOTE_PROC_DOMAIN_MIGRATE_SET_MAX_DOWNTIME] = remoteDispatchDomainMigrateSetMaxDowntime,
    [REMOTE_PROC_DOMAIN_MIGRATE_SET_MAX_SPEED] = remoteDispatchDomainMigrateSetMaxSpeed,
    [REMOTE_PROC_DOMAIN_MIGRATE_GET_MAX_SPEED] = remoteDispatchDomainMigrateGetMaxSpeed,
    [REMOTE_PROC_DOMAIN_MIGRATE_GET_MAX_DOWNTIME] = remoteDispatchDomainMigrateGetMaxDowntime,
    [REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS] = remoteDispatchDomainCreateWithFlags,
    [REMOTE_PROC_DOMAIN_GET_STATE] = remoteDispatchDomainGetState,
    [REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS] = remoteDispatchDomainUndefineFlags,
    [REMOTE_PROC_DOMAIN_DESTROY_FLAGS] = remoteDispatchDomainDestroyFlags,
    [REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS] = remoteDispatchDomainShutdownFlags,
    [REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS] = remoteDispatchConnectListAllDomains,
    [REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS] = remoteDispatchConnectListAllNetworks,
    [REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES] = remoteDispatchConnectListAllNodeDevices,
    [REMOTE_PROC_DOMAIN_GET_JOB_STATS] = remoteDispatchDomainGetJobStats,
    [REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS] = remoteDispatchDomainMigrateBegin3Params,
    [REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS] = remoteDispatchDomainMigratePrepare3Params,
    [REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS] = remoteDispatchDomainMigratePerform3Params,
    [REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS] = remoteDispatchDomainMigrateFinish3Params,
    [REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS] = remoteDispatchDomainMigrateConfirm3Params,
    [REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES] = remoteDispatchConnectGetDomainCapabilities,
    [REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY] = remoteDispatchConnectDomainEventCallbackRegisterAny,
    [REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY] = remoteDispatchConnectDomainEventCallbackDeregisterAny,
    [REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS] = remoteDispatchDomainDefineXMLFlags,
    [REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK] = remoteDispatchConnectRegisterCloseCallback,
    [REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK] = remoteDispatchConnectRegisterCloseCallback,
    [REMOTE_PROC_NETWORK_DEFINE_XML_FLAGS] = remoteDispatchNetworkDefineXMLFlags,
};

static remoteDispatchFunc
remoteDispatchFind(int proc)
{
    if (proc <= 0 || proc >= REMOTE_DISPATCH_MAX)
        return NULL;
    return remoteDispatchTable[proc];
}

bool
remoteDispatchHasHandler(int proc)
{
    return remoteDispatchFind(proc) != NULL;
}

int
remoteDispatchCall(remoteClient *client,
                   const virNetProcedure *proc,
                   void *args,
                   void *ret)
{
    remoteDispatchFunc func = remoteDispatchFind(proc->proc);

    virResetLastError();
    if (!func || (proc->flags & VIR_NET_PROCEDURE_MESSAGE)) {
        /* libvirtd's words, which clients read as VIR_ERR_NO_SUPPORT */
        virRaiseErrorFull(__FILE__, __func__, __LINE__, VIR_FROM_RPC, VIR_ERR_RPC,
                          VIR_ERR_ERROR, NULL, NULL, NULL, -1, -1,
                          _("unknown procedure: %d"), proc->proc);
        return -1;
    }
    /* a half filled @ret is freed by the transport (xdr_free) */
    if (func(client, args, ret) < 0)
        return -1;
    return 0;
}
