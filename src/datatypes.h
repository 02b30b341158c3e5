/*
 * datatypes.h: the objects behind the public handles (connection, domain,
 * network) and their reference counting
 */
#pragma once

#include "internal.h"

typedef struct _virHypervisorDriver virHypervisorDriver;
typedef struct _virNetworkDriver virNetworkDriver;
typedef struct _virNodeDeviceDriver virNodeDeviceDriver;

struct _virConnect {
    gint refs;
    char *uri;               /* canonical URI the connection was opened with */
    unsigned int flags;      /* virConnectFlags */
    virHypervisorDriver *driver;
    void *privateData;       /* owned by the hypervisor driver */
    virNetworkDriver *networkDriver;
    void *networkPrivateData;
    virNodeDeviceDriver *nodeDeviceDriver;
    void *nodeDevicePrivateData;
    GMutex lifecycleLock;       /* lifecycleCallbacks */
    /* virConnectDomainEventRegister's callbacks, each with the callback
     * ID the driver gave it (virConnectLifecycleReg) */
    GArray *lifecycleCallbacks;
};

typedef struct {
    virConnectDomainEventCallback cb;
    int callbackID;
} virConnectLifecycleReg;

struct _virDomain {
    gint refs;
    virConnectPtr conn;
    char *name;
    int id;                  /* -1 when not running */
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virNetwork {
    gint refs;
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

/* A node device is known by its name alone; the parent's name is kept
 * here once asked for, so that virNodeDeviceGetParent can return a
 * string the handle owns. */
struct _virNodeDevice {
    gint refs;
    virConnectPtr conn;
    char *name;
    char *parentName;
    GMutex lock;             /* parentName */
};

virConnectPtr virGetConnect(void);
virDomainPtr virGetDomain(virConnectPtr conn, const char *name,
                          const unsigned char *uuid, int id);
virNetworkPtr virGetNetwork(virConnectPtr conn, const char *name,
                            const unsigned char *uuid);

virNodeDevicePtr virGetNodeDevice(virConnectPtr conn, const char *name);

void virObjectUnrefConnect(virConnectPtr conn);
void virObjectUnrefNetwork(virNetworkPtr net);
void virObjectUnrefNodeDevice(virNodeDevicePtr dev);

/* Argument checks used at the top of public entry points. They report the
 * error, dispatch it and make the function return @retval. */
#define virCheckConnectReturn(conn, retval) \
    do { \
        if (!(conn) || g_atomic_int_get(&(conn)->refs) <= 0) { \
            virReportError(VIR_ERR_INVALID_CONN, "%s", __func__); \
            virDispatchError(NULL); \
            return retval; \
        } \
    } while (0)

#define virCheckDomainReturn(dom, retval) \
    do { \
        if (!(dom) || g_atomic_int_get(&(dom)->refs) <= 0 || !(dom)->conn) { \
            virReportError(VIR_ERR_INVALID_DOMAIN, "%s", __func__); \
            virDispatchError(NULL); \
            return retval; \
        } \
    } while (0)

#define virCheckNetworkReturn(net, retval) \
    do { \
        if (!(net) || g_atomic_int_get(&(net)->refs) <= 0 || !(net)->conn) { \
            virReportError(VIR_ERR_INVALID_NETWORK, "%s", __func__); \
            virDispatchError(NULL); \
            return retval; \
        } \
    } while (0)

#define virCheckNodeDeviceReturn(dev, retval) \
    do { \
        if (!(dev) || g_atomic_int_get(&(dev)->refs) <= 0 || !(dev)->conn) { \
            virReportError(VIR_ERR_INVALID_NODE_DEVICE, "%s", __func__); \
            virDispatchError(NULL); \
            return retval; \
        } \
    } while (0)

#define virCheckNonNullArgGoto(arg, label) \
    do { \
        if (!(arg)) { \
            virReportError(VIR_ERR_INVALID_ARG, \
                           _("%s in %s must not be NULL"), #arg, __func__); \
            goto label; \
        } \
    } while (0)

/* The message names the entry point, as libvirt's does ("operation
 * forbidden: read only access prevents virDomainDefineXML"). */
#define virCheckReadOnlyGoto(flags, label) \
    do { \
        if ((flags) & VIR_CONNECT_RO) { \
            virReportError(VIR_ERR_OPERATION_DENIED, \
                           _("read only access prevents %s"), __func__); \
            goto label; \
        } \
    } while (0)

/* For an entry point that only calls another one: refuses a read-only
 * @conn in its own name. */
#define virCheckConnectWritableReturn(conn, retval) \
    do { \
        if ((conn) && g_atomic_int_get(&(conn)->refs) > 0 && \
            ((conn)->flags & VIR_CONNECT_RO)) { \
            virResetLastError(); \
            virReportError(VIR_ERR_OPERATION_DENIED, \
                           _("read only access prevents %s"), __func__); \
            virDispatchError(conn); \
            return retval; \
        } \
    } while (0)
