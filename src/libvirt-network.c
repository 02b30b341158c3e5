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
    int ret;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    if (nets)
        *nets = NULL;

    if (!conn->networkDriver || !conn->networkDriver->connectListAllNetworks) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->networkDriver->connectListAllNetworks(conn, nets, flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

virNetworkPtr
virNetworkLookupByName(virConnectPtr conn, const char *name)
{
    virNetworkPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(name, error);

    if (!conn->networkDriver || !conn->networkDriver->networkLookupByName) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->networkDriver->networkLookupByName(conn, name)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

virNetworkPtr
virNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virNetworkPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(uuid, error);

    if (!conn->networkDriver || !conn->networkDriver->networkLookupByUUID) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->networkDriver->networkLookupByUUID(conn, uuid)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
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
    virNetworkPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xmlDesc, error);

    if (!conn->networkDriver || !conn->networkDriver->networkCreateXMLFlags) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->networkDriver->networkCreateXMLFlags(conn, xmlDesc, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

virNetworkPtr
virNetworkCreateXML(virConnectPtr conn, const char *xmlDesc)
{
    virCheckConnectWritableReturn(conn, NULL);
    return virNetworkCreateXMLFlags(conn, xmlDesc, 0);
}

virNetworkPtr
virNetworkDefineXMLFlags(virConnectPtr conn, const char *xml,
                         unsigned int flags)
{
    virNetworkPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xml, error);

    if (!conn->networkDriver || !conn->networkDriver->networkDefineXMLFlags) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->networkDriver->networkDefineXMLFlags(conn, xml, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

virNetworkPtr
virNetworkDefineXML(virConnectPtr conn, const char *xml)
{
    virCheckConnectWritableReturn(conn, NULL);
    return virNetworkDefineXMLFlags(conn, xml, 0);
}

int
virNetworkUndefine(virNetworkPtr network)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->networkDriver || !conn->networkDriver->networkUndefine) {
        virReportUnsupported();
        goto error;
    }
    if (conn->networkDriver->networkUndefine(network) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNetworkCreate(virNetworkPtr network)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->networkDriver || !conn->networkDriver->networkCreate) {
        virReportUnsupported();
        goto error;
    }
    if (conn->networkDriver->networkCreate(network) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNetworkDestroy(virNetworkPtr network)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->networkDriver || !conn->networkDriver->networkDestroy) {
        virReportUnsupported();
        goto error;
    }
    if (conn->networkDriver->networkDestroy(network) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNetworkIsActive(virNetworkPtr network)
{
    virConnectPtr conn;
    int ret;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;

    if (!conn->networkDriver || !conn->networkDriver->networkIsActive) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->networkDriver->networkIsActive(network)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNetworkIsPersistent(virNetworkPtr network)
{
    virConnectPtr conn;
    int ret;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;

    if (!conn->networkDriver || !conn->networkDriver->networkIsPersistent) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->networkDriver->networkIsPersistent(network)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
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
    virConnectPtr conn;
    char *ret;

    virResetLastError();
    virCheckNetworkReturn(network, NULL);
    conn = network->conn;

    if (!conn->networkDriver || !conn->networkDriver->networkGetXMLDesc) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->networkDriver->networkGetXMLDesc(network, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

char *
virNetworkGetBridgeName(virNetworkPtr network)
{
    virConnectPtr conn;
    char *ret;

    virResetLastError();
    virCheckNetworkReturn(network, NULL);
    conn = network->conn;

    if (!conn->networkDriver || !conn->networkDriver->networkGetBridgeName) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->networkDriver->networkGetBridgeName(network)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virNetworkGetAutostart(virNetworkPtr network, int *autostart)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;
    virCheckNonNullArgGoto(autostart, error);

    if (!conn->networkDriver || !conn->networkDriver->networkGetAutostart) {
        virReportUnsupported();
        goto error;
    }
    if (conn->networkDriver->networkGetAutostart(network, autostart) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNetworkSetAutostart(virNetworkPtr network, int autostart)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNetworkReturn(network, -1);
    conn = network->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->networkDriver || !conn->networkDriver->networkSetAutostart) {
        virReportUnsupported();
        goto error;
    }
    if (conn->networkDriver->networkSetAutostart(network, autostart) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}
