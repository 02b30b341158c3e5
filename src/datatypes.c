/*
 * datatypes.c: connection, domain, network and node device handles
 */
#include "internal.h"
#include "datatypes.h"
#include "driver.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

virConnectPtr
virGetConnect(void)
{
    virConnectPtr conn = g_new0(virConnect, 1);

    conn->refs = 1;
    g_mutex_init(&conn->lifecycleLock);
    conn->lifecycleCallbacks = g_array_new(FALSE, FALSE, sizeof(virConnectLifecycleReg));
    return conn;
}

void
virObjectUnrefConnect(virConnectPtr conn)
{
    if (!conn || !g_atomic_int_dec_and_test(&conn->refs))
        return;
    if (conn->nodeDeviceDriver && conn->nodeDeviceDriver->connectClose)
        conn->nodeDeviceDriver->connectClose(conn);
    if (conn->networkDriver && conn->networkDriver->connectClose)
        conn->networkDriver->connectClose(conn);
    if (conn->driver && conn->driver->connectClose)
        conn->driver->connectClose(conn);
    g_array_unref(conn->lifecycleCallbacks);
    g_mutex_clear(&conn->lifecycleLock);
    g_free(conn->uri);
    g_free(conn);
}

int
virConnectRef(virConnectPtr conn)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    g_atomic_int_inc(&conn->refs);
    return 0;
}

virDomainPtr
virGetDomain(virConnectPtr conn, const char *name,
             const unsigned char *uuid, int id)
{
    virDomainPtr dom = g_new0(virDomain, 1);

    dom->refs = 1;
    dom->conn = conn;
    g_atomic_int_inc(&conn->refs);
    dom->name = g_strdup(name);
    memcpy(dom->uuid, uuid, VIR_UUID_BUFLEN);
    dom->id = id;
    return dom;
}

int
virDomainRef(virDomainPtr domain)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    g_atomic_int_inc(&domain->refs);
    return 0;
}

int
virDomainFree(virDomainPtr domain)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    if (g_atomic_int_dec_and_test(&domain->refs)) {
        virObjectUnrefConnect(domain->conn);
        g_free(domain->name);
        g_free(domain);
    }
    return 0;
}

virNetworkPtr
virGetNetwork(virConnectPtr conn, const char *name, const unsigned char *uuid)
{
    virNetworkPtr net = g_new0(virNetwork, 1);

    net->refs = 1;
    net->conn = conn;
    g_atomic_int_inc(&conn->refs);
    net->name = g_strdup(name);
    memcpy(net->uuid, uuid, VIR_UUID_BUFLEN);
    return net;
}

void
virObjectUnrefNetwork(virNetworkPtr net)
{
    if (g_atomic_int_dec_and_test(&net->refs)) {
        virObjectUnrefConnect(net->conn);
        g_free(net->name);
        g_free(net);
    }
}

virNodeDevicePtr
virGetNodeDevice(virConnectPtr conn, const char *name)
{
    virNodeDevicePtr dev = g_new0(virNodeDevice, 1);

    dev->refs = 1;
    dev->conn = conn;
    g_atomic_int_inc(&conn->refs);
    dev->name = g_strdup(name);
    g_mutex_init(&dev->lock);
    return dev;
}

void
virObjectUnrefNodeDevice(virNodeDevicePtr dev)
{
    if (g_atomic_int_dec_and_test(&dev->refs)) {
        virObjectUnrefConnect(dev->conn);
        g_mutex_clear(&dev->lock);
        g_free(dev->name);
        g_free(dev->parentName);
        g_free(dev);
    }
}
