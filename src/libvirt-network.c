/*
 * libvirt-network.c: public entry points for networks
 *
 * Each entry point checks its arguments, dispatches to the network driver
 * the connection opened (conn->networkDriver) and hands failures to
 * virDispatchError().
 */
#include "internal.h"
#include "datatypes.h"
#include "driver.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NETWORK

/* The network driver of @conn, or NULL with VIR_ERR_NO_SUPPORT reported
 * when the connection has none or it lacks @field. */
#define NET_DRIVER_CHECK(conn, field, label) \
    do { \
        if (!(conn)->networkDriver || !(conn)->networkDriver->field) { \
            virReportError(VIR_ERR_NO_SUPPORT, \
                           _("%s: this connection has no network driver that supports it"), \
                           __func__); \
            goto label; \
        } \
    } while (0)

/* The end of an entry point whose checks passed: calls the driver's @field
 * with the arguments that follow. A result for which "result @failed" holds
 * (or no driver with @field) dispatches the error on @conn and makes the
 * entry point return @errret; otherwise it returns @okret, which may name the
 * driver's result 'ret'. The checks before it jump to its label 'error'. */
#define NET_DISPATCH(conn, type, failed, okret, errret, field, ...) \
    do { \
        type ret; \
        NET_DRIVER_CHECK(conn, field, error); \
        if ((ret = (conn)->networkDriver->field(__VA_ARGS__)) failed) \
            goto error; \
        return okret; \
     error: \
        virDispatchError(conn); \
        return errret; \
    } while (0)

/* Entry points returning the driver's int (-1 on failure)... */
#define NET_DISPATCH_INT(conn, field, ...) \
    NET_DISPATCH(conn, int, < 0, ret, -1, field, __VA_ARGS__)
/* ...0 or -1... */
#define NET_DISPATCH_STATUS(conn, field, ...) \
    NET_DISPATCH(conn, int, < 0, 0, -1, field, __VA_ARGS__)
/* ...or the driver's pointer (NULL on failure). */
#define NET_DISPATCH_PTR(conn, type, field, ...) \
    NET_DISPATCH(conn, type, == NULL, ret, NULL, field, __VA_ARGS__)

virConnectPtr
virNetworkGetConnect(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, NULL);
    return network->conn;
}

int
virConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets,
                          unsigned int flags)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    if (nets)
        *nets = NULL;
    NET_DISPATCH_INT(conn, connectListAllNetworks, conn, nets, flags);
}

virNetworkPtr
virNetworkLookupByName(virConnectPtr conn, const char *name)
{
    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(name, error);
    NET_DISPATCH_PTR(conn, virNetworkPtr, networkLookupByName, conn, name);
}

virNetworkPtr
virNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(uuid, error);
    NET_DISPATCH_PTR(conn, virNetworkPtr, networkLookupByUUID, conn, uuid);
}

virNetworkPtr
virNetworkLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(uuidstr, error);
    if (virUUIDParse(uuidstr, uuid) < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a UUID: use the form 4f509714-0cb7-4825-8209-cb960ac5b566"),
                       uuidstr);
        goto error;
    }
    return virNetworkLookupByUUID(conn, uuid);

 error:
    virDispatchError(conn);
    return NULL;
}

virNetworkPtr
virNetworkCreateXMLFlags(virConnectPtr conn, const char *xmlDesc,
                         unsigned int flags)
{
    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xmlDesc, error);
    NET_DISPATCH_PTR(conn, virNetworkPtr, networkCreateXMLFlags, conn, xmlDesc, flags);
}

virNetworkPtr
virNetworkCreateXML(virConnectPtr conn, const char *xmlDesc)
{
    return virNetworkCreateXMLFlags(conn, xmlDesc, 0);
}

virNetworkPtr
virNetworkDefineXMLFlags(virConnectPtr conn, const char *xml,
                         unsigned int flags)
{
    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xml, error);
    NET_DISPATCH_PTR(conn, virNetworkPtr, networkDefineXMLFlags, conn, xml, flags);
}

virNetworkPtr
virNetworkDefineXML(virConnectPtr conn, const char *xml)
{
    return virNetworkDefineXMLFlags(conn, xml, 0);
}

int
virNetworkUndefine(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckReadOnlyGoto(network->conn->flags, error);
    NET_DISPATCH_INT(network->conn, networkUndefine, network);
}

int
virNetworkCreate(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckReadOnlyGoto(network->conn->flags, error);
    NET_DISPATCH_INT(network->conn, networkCreate, network);
}

int
virNetworkDestroy(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckReadOnlyGoto(network->conn->flags, error);
    NET_DISPATCH_INT(network->conn, networkDestroy, network);
}

int
virNetworkIsActive(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    NET_DISPATCH_INT(network->conn, networkIsActive, network);
}

int
virNetworkIsPersistent(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    NET_DISPATCH_INT(network->conn, networkIsPersistent, network);
}

int
virNetworkRef(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    g_atomic_int_inc(&network->refs);
    return 0;
}

int
virNetworkFree(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virObjectUnrefNetwork(network);
    return 0;
}

const char *
virNetworkGetName(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, NULL);
    return network->name;
}

int
virNetworkGetUUID(virNetworkPtr network, unsigned char *uuid)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckNonNullArgGoto(uuid, error);
    memcpy(uuid, network->uuid, VIR_UUID_BUFLEN);
    return 0;

 error:
    virDispatchError(network->conn);
    return -1;
}

int
virNetworkGetUUIDString(virNetworkPtr network, char *buf)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckNonNullArgGoto(buf, error);
    virUUIDFormat(network->uuid, buf);
    return 0;

 error:
    virDispatchError(network->conn);
    return -1;
}

char *
virNetworkGetXMLDesc(virNetworkPtr network, unsigned int flags)
{
    virResetLastError();
    virCheckNetworkReturn(network, NULL);
    NET_DISPATCH_PTR(network->conn, char *, networkGetXMLDesc, network, flags);
}

char *
virNetworkGetBridgeName(virNetworkPtr network)
{
    virResetLastError();
    virCheckNetworkReturn(network, NULL);
    NET_DISPATCH_PTR(network->conn, char *, networkGetBridgeName, network);
}

int
virNetworkGetAutostart(virNetworkPtr network, int *autostart)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckNonNullArgGoto(autostart, error);
    NET_DISPATCH_STATUS(network->conn, networkGetAutostart, network, autostart);
}

int
virNetworkSetAutostart(virNetworkPtr network, int autostart)
{
    virResetLastError();
    virCheckNetworkReturn(network, -1);
    virCheckReadOnlyGoto(network->conn->flags, error);
    NET_DISPATCH_STATUS(network->conn, networkSetAutostart, network, autostart);
}
