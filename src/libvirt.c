/*
 * libvirt.c: library initialisation, versions, connections
 */
#include "internal.h"

#include <locale.h>

#include "datatypes.h"
#include "driver.h"
#include "virerror.h"
#include "qemu/qemu_driver.h"
#include "network/network_driver.h"
#include "node_device/node_device_driver.h"
#include "remote/remote_driver.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static int
virConnectAuthCallbackDefault(virConnectCredentialPtr cred G_GNUC_UNUSED,
                              unsigned int ncred G_GNUC_UNUSED,
                              void *cbdata G_GNUC_UNUSED)
{
    /* Embedded drivers never ask for credentials. */
    return -1;
}

static int defaultCredTypes[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE };
static virConnectAuth virConnectAuthDefault = {
    defaultCredTypes, G_N_ELEMENTS(defaultCredTypes),
    virConnectAuthCallbackDefault, NULL,
};
virConnectAuthPtr virConnectAuthPtrDefault = &virConnectAuthDefault;

static int initResult = -1;

static gpointer
virGlobalInit(gpointer data G_GNUC_UNUSED)
{
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

    /* first: it declines qemu:///embed, which the embedded drivers take */
    if (remoteRegister() < 0)
        return NULL;
    if (qemuRegister() < 0)
        return NULL;
    if (networkRegister() < 0)
        return NULL;
    if (nodeDeviceRegister() < 0)
        return NULL;

    initResult = 0;
    return NULL;
}

int
virInitialize(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, virGlobalInit, NULL);
    return initResult;
}

int
virGetVersion(unsigned long *libVer,
              const char *type G_GNUC_UNUSED,
              unsigned long *typeVer)
{
    if (virInitialize() < 0)
        goto error;
    virResetLastError();
    if (libVer)
        *libVer = PACKAGE_VERSION_NUMBER;
    if (typeVer)
        *typeVer = PACKAGE_VERSION_NUMBER;
    return 0;

 error:
    virDispatchError(NULL);
    return -1;
}

/* The URI used when the caller passes NULL: $LIBVIRT_DEFAULT_URI, else an
 * embedded QEMU driver rooted in the user's data directory. */
static char *
virConnectDefaultURI(void)
{
    const char *env = g_getenv("LIBVIRT_DEFAULT_URI");
    g_autofree char *root = NULL;
    g_autofree char *escaped = NULL;

    if (env && *env)
        return g_strdup(env);
    root = g_build_filename(g_get_user_data_dir(), "libvirt", "embed", NULL);
    escaped = g_uri_escape_string(root, "/", FALSE);
    return g_strdup_printf("qemu:///embed?root=%s", escaped);
}

virConnectPtr
virConnectOpenInternal(const char *name, unsigned int flags)
{
    g_autofree char *uristr = NULL;
    g_autoptr(GUri) uri = NULL;
    g_autoptr(GError) gerr = NULL;
    virConnectPtr conn = NULL;
    size_t i;

    if (virInitialize() < 0)
        return NULL;

    uristr = name && *name ? g_strdup(name) : virConnectDefaultURI();
    if (!(uri = g_uri_parse(uristr, G_URI_FLAGS_ENCODED_QUERY, &gerr))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot parse connection URI '%s': %s"),
                       uristr, gerr->message);
        return NULL;
    }

    conn = virGetConnect();
    conn->uri = g_steal_pointer(&uristr);
    conn->flags = flags;

    for (i = 0; i < virDriverHypervisorCount(); i++) {
        virHypervisorDriver *drv = virDriverHypervisorAt(i);
        virDrvOpenStatus rc;

        conn->driver = drv;
        rc = drv->connectOpen(conn, uri, flags);
        if (rc == VIR_DRV_OPEN_SUCCESS)
            break;
        conn->driver = NULL;
        if (rc == VIR_DRV_OPEN_ERROR)
            goto error;
    }
    if (!conn->driver) {
        virReportError(VIR_ERR_NO_CONNECT, "%s", conn->uri);
        goto error;
    }

    for (i = 0; i < virDriverNetworkCount(); i++) {
        virNetworkDriver *drv = virDriverNetworkAt(i);
        virDrvOpenStatus rc;

        conn->networkDriver = drv;
        rc = drv->connectOpen(conn, uri, flags);
        if (rc == VIR_DRV_OPEN_SUCCESS)
            break;
        conn->networkDriver = NULL;
        if (rc == VIR_DRV_OPEN_ERROR)
            goto error;
    }

    for (i = 0; i < virDriverNodeDeviceCount(); i++) {
        virNodeDeviceDriver *drv = virDriverNodeDeviceAt(i);
        virDrvOpenStatus rc;

        conn->nodeDeviceDriver = drv;
        rc = drv->connectOpen(conn, uri, flags);
        if (rc == VIR_DRV_OPEN_SUCCESS)
            break;
        conn->nodeDeviceDriver = NULL;
        if (rc == VIR_DRV_OPEN_ERROR)
            goto error;
    }

    return conn;

 error:
    virObjectUnrefConnect(conn);
    return NULL;
}

virConnectPtr
virConnectOpen(const char *name)
{
    virConnectPtr ret;

    virResetLastError();
    if (!(ret = virConnectOpenInternal(name, 0)))
        virDispatchError(NULL);
    return ret;
}

virConnectPtr
virConnectOpenReadOnly(const char *name)
{
    virConnectPtr ret;

    virResetLastError();
    if (!(ret = virConnectOpenInternal(name, VIR_CONNECT_RO)))
        virDispatchError(NULL);
    return ret;
}

virConnectPtr
virConnectOpenAuth(const char *name,
                   virConnectAuthPtr auth G_GNUC_UNUSED,
                   unsigned int flags)
{
    virConnectPtr ret = NULL;

    virResetLastError();
    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, NULL);
    if (!(ret = virConnectOpenInternal(name, flags)))
        virDispatchError(NULL);
    return ret;
}

int
virConnectClose(virConnectPtr conn)
{
    int refs;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    refs = g_atomic_int_get(&conn->refs) - 1;
    virObjectUnrefConnect(conn);
    return refs;
}

const char *
virConnectGetType(virConnectPtr conn)
{
    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    if (conn->driver->connectGetType)
        return conn->driver->connectGetType(conn);
    return conn->driver->name;
}

int
virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(hvVer, error);

    if (!conn->driver->connectGetVersion) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->connectGetVersion(conn, hvVer) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(libVer, error);
    *libVer = PACKAGE_VERSION_NUMBER;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

char *
virConnectGetURI(virConnectPtr conn)
{
    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    return g_strdup(conn->uri);
}

char *
virConnectGetHostname(virConnectPtr conn)
{
    char *ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    if (!conn->driver->connectGetHostname)
        return g_strdup(g_get_host_name());
    if (!(ret = conn->driver->connectGetHostname(conn)))
        virDispatchError(conn);
    return ret;
}

int
virConnectIsAlive(virConnectPtr conn)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    /* Embedded drivers live in this process: alive while open. */
    if (!conn->driver->connectIsAlive)
        return 1;
    return conn->driver->connectIsAlive(conn);
}

char *
virConnectGetCapabilities(virConnectPtr conn)
{
    char *ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    if (!conn->driver->connectGetCapabilities) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->connectGetCapabilities(conn)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

char *
virConnectGetDomainCapabilities(virConnectPtr conn,
                                const char *emulatorbin,
                                const char *arch,
                                const char *machine,
                                const char *virttype,
                                unsigned int flags)
{
    char *ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    if (!conn->driver->connectGetDomainCapabilities) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->connectGetDomainCapabilities(conn, emulatorbin, arch,
                                                          machine, virttype, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virConnectRegisterCloseCallback(virConnectPtr conn,
                                virConnectCloseFunc cb,
                                void *opaque,
                                virFreeCallback freecb)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(cb, error);
    if (!conn->driver->connectRegisterCloseCallback) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->connectRegisterCloseCallback(conn, cb, opaque, freecb) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virConnectUnregisterCloseCallback(virConnectPtr conn,
                                  virConnectCloseFunc cb)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(cb, error);
    if (!conn->driver->connectUnregisterCloseCallback) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->connectUnregisterCloseCallback(conn, cb) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virConnectSupportsFeature(virConnectPtr conn, int feature)
{
    virCheckConnectReturn(conn, -1);
    if (!conn->driver->connectSupportsFeature)
        return 0;
    return conn->driver->connectSupportsFeature(conn, feature);
}

int
virConnectSetKeepAlive(virConnectPtr conn,
                       int interval,
                       unsigned int count)
{
    int ret;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    /* A connection without a peer has nothing to keep alive: 1 says
     * "not supported" without an error, as libvirt does. */
    if (!conn->driver->connectSetKeepAlive)
        return 1;
    if ((ret = conn->driver->connectSetKeepAlive(conn, interval, count)) < 0)
        virDispatchError(conn);
    return ret;
}

int
virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(secmodel, error);
    if (!conn->driver->nodeGetSecurityModel) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->nodeGetSecurityModel(conn, secmodel) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(info, error);
    if (!conn->driver->nodeGetInfo) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->nodeGetInfo(conn, info) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}
