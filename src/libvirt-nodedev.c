/*
 * libvirt-nodedev.c: public entry points for the host's devices
 *
 * Each entry point checks its arguments, dispatches to the node device
 * driver the connection opened (conn->nodeDeviceDriver) and hands
 * failures to virDispatchError().
 */
#include "internal.h"
#include "datatypes.h"
#include "driver.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NODEDEV

int
virNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags)
{
    int ret;

    virResetLastError();
    virCheckConnectReturn(conn, -1);

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeNumOfDevices) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->nodeDeviceDriver->nodeNumOfDevices(conn, cap, flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNodeListDevices(virConnectPtr conn, const char *cap, char **const names,
                   int maxnames, unsigned int flags)
{
    int ret;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(names, error);
    if (maxnames < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("maxnames in %s must be zero or positive, not %d"),
                       __func__, maxnames);
        goto error;
    }

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeListDevices) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->nodeDeviceDriver->nodeListDevices(conn, cap, names, maxnames,
                                                       flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

int
virConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                             unsigned int flags)
{
    int ret;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    if (devices)
        *devices = NULL;

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->connectListAllNodeDevices) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->nodeDeviceDriver->connectListAllNodeDevices(conn, devices, flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

virNodeDevicePtr
virNodeDeviceLookupByName(virConnectPtr conn, const char *name)
{
    virNodeDevicePtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(name, error);

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceLookupByName) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->nodeDeviceDriver->nodeDeviceLookupByName(conn, name)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

const char *
virNodeDeviceGetName(virNodeDevicePtr dev)
{
    virResetLastError();
    virCheckNodeDeviceReturn(dev, NULL);
    return dev->name;
}

const char *
virNodeDeviceGetParent(virNodeDevicePtr dev)
{
    virConnectPtr conn;
    char *parent;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, NULL);
    conn = dev->conn;

    g_mutex_lock(&dev->lock);
    if (dev->parentName) {
        g_mutex_unlock(&dev->lock);
        return dev->parentName;
    }
    g_mutex_unlock(&dev->lock);

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceGetParent) {
        virReportUnsupported();
        goto error;
    }
    /* NULL without an error: the device has no parent */
    if (!(parent = conn->nodeDeviceDriver->nodeDeviceGetParent(dev))) {
        if (virGetLastErrorCode() != VIR_ERR_OK)
            goto error;
        return NULL;
    }
    g_mutex_lock(&dev->lock);
    if (!dev->parentName)
        dev->parentName = parent;
    else
        g_free(parent);
    g_mutex_unlock(&dev->lock);
    return dev->parentName;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virNodeDeviceNumOfCaps(virNodeDevicePtr dev)
{
    virConnectPtr conn;
    int ret;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    conn = dev->conn;

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceNumOfCaps) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->nodeDeviceDriver->nodeDeviceNumOfCaps(dev)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames)
{
    virConnectPtr conn;
    int ret;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    conn = dev->conn;
    virCheckNonNullArgGoto(names, error);
    if (maxnames < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("maxnames in %s must be zero or positive, not %d"),
                       __func__, maxnames);
        goto error;
    }

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceListCaps) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->nodeDeviceDriver->nodeDeviceListCaps(dev, names, maxnames)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

char *
virNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)
{
    virConnectPtr conn;
    char *ret;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, NULL);
    conn = dev->conn;

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceGetXMLDesc) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->nodeDeviceDriver->nodeDeviceGetXMLDesc(dev, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virNodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName,
                         unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    conn = dev->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceDetachFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->nodeDeviceDriver->nodeDeviceDetachFlags(dev, driverName, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNodeDeviceDettach(virNodeDevicePtr dev)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    conn = dev->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceDetachFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->nodeDeviceDriver->nodeDeviceDetachFlags(dev, NULL, 0) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNodeDeviceReAttach(virNodeDevicePtr dev)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    conn = dev->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->nodeDeviceDriver || !conn->nodeDeviceDriver->nodeDeviceReAttach) {
        virReportUnsupported();
        goto error;
    }
    if (conn->nodeDeviceDriver->nodeDeviceReAttach(dev) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virNodeDeviceRef(virNodeDevicePtr dev)
{
    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    g_atomic_int_inc(&dev->refs);
    return 0;
}

int
virNodeDeviceFree(virNodeDevicePtr dev)
{
    virResetLastError();
    virCheckNodeDeviceReturn(dev, -1);
    virObjectUnrefNodeDevice(dev);
    return 0;
}
