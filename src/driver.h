/*
 * driver.h: the tables a driver fills in; public entry points dispatch
 * through them. A NULL entry means "not supported by this driver".
 */
#pragma once

#include "internal.h"
#include "datatypes.h"

typedef enum {
    VIR_DRV_OPEN_SUCCESS = 0,
    VIR_DRV_OPEN_DECLINED = -2,   /* not my URI: try the next driver */
    VIR_DRV_OPEN_ERROR = -1,      /* my URI, but it failed: error reported */
} virDrvOpenStatus;

typedef GUri virURI;

/* What a connection can do, as libvirt numbers it (the daemon answers
 * CONNECT_SUPPORTS_FEATURE with these; protocol.md 3.2). */
typedef enum {
    VIR_DRV_FEATURE_MIGRATION_V1 = 1,
    VIR_DRV_FEATURE_REMOTE = 2,
    VIR_DRV_FEATURE_MIGRATION_V2 = 3,
    VIR_DRV_FEATURE_MIGRATION_P2P = 4,
    VIR_DRV_FEATURE_MIGRATION_DIRECT = 5,
    VIR_DRV_FEATURE_MIGRATION_V3 = 6,
    VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION = 7,
    VIR_DRV_FEATURE_FD_PASSING = 8,
    VIR_DRV_FEATURE_TYPED_PARAM_STRING = 9,
    VIR_DRV_FEATURE_PROGRAM_KEEPALIVE = 10,
    VIR_DRV_FEATURE_XML_MIGRATABLE = 11,
    VIR_DRV_FEATURE_MIGRATION_OFFLINE = 12,
    VIR_DRV_FEATURE_MIGRATION_PARAMS = 13,
    VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
} virDrvFeature;

struct _virHypervisorDriver {
    const char *name;

    virDrvOpenStatus (*connectOpen)(virConnectPtr conn, GUri *uri,
                                    unsigned int flags);
    int (*connectClose)(virConnectPtr conn);
    const char *(*connectGetType)(virConnectPtr conn);
    int (*connectGetVersion)(virConnectPtr conn, unsigned long *hvVer);
    char *(*connectGetHostname)(virConnectPtr conn);
    char *(*connectGetCapabilities)(virConnectPtr conn);
    char *(*connectGetDomainCapabilities)(virConnectPtr conn, const char *emulatorbin,
                                          const char *arch, const char *machine,
                                          const char *virttype, unsigned int flags);
    char *(*connectDomainXMLToNative)(virConnectPtr conn, const char *nativeFormat,
                                      const char *domainXml, unsigned int flags);

    virDomainPtr (*domainDefineXMLFlags)(virConnectPtr conn, const char *xml,
                                         unsigned int flags);
    int (*domainUndefineFlags)(virDomainPtr dom, unsigned int flags);
    virDomainPtr (*domainLookupByName)(virConnectPtr conn, const char *name);
    virDomainPtr (*domainLookupByUUID)(virConnectPtr conn,
                                       const unsigned char *uuid);
    int (*connectListAllDomains)(virConnectPtr conn, virDomainPtr **domains,
                                 unsigned int flags);
    char *(*domainGetXMLDesc)(virDomainPtr dom, unsigned int flags);
    int (*domainIsActive)(virDomainPtr dom);
    int (*domainIsPersistent)(virDomainPtr dom);

    virDomainPtr (*domainCreateXML)(virConnectPtr conn, const char *xml,
                                    unsigned int flags);
    int (*domainCreateWithFlags)(virDomainPtr dom, unsigned int flags);
    int (*domainDestroyFlags)(virDomainPtr dom, unsigned int flags);
    int (*domainShutdownFlags)(virDomainPtr dom, unsigned int flags);
    int (*domainSuspend)(virDomainPtr dom);
    int (*domainResume)(virDomainPtr dom);
    int (*domainGetState)(virDomainPtr dom, int *state, int *reason,
                          unsigned int flags);
    int (*domainGetInfo)(virDomainPtr dom, virDomainInfoPtr info);

    /* Live migration in phases, each run by the driver of the host it
     * concerns: begin (source) -> prepare (destination) -> perform
     * (source) -> finish (destination) -> confirm (source). As libvirt's
     * version 3 with typed parameters
     * (VIR_MIGRATE_PARAM_*) and a cookie from each phase to the next
     * (qemu_migration_cookie.h); what the RPC procedures 302, 303, 305,
     * 306 and 307 carry. A cookie out is g_malloc'ed, its length counts
     * the terminating NUL; an empty one is NULL / 0. Perform with
     * VIR_MIGRATE_PEER2PEER runs the whole migration from the source:
     * it opens @dconnuri itself. */
    char *(*domainMigrateBegin3Params)(virDomainPtr dom,
                                       virTypedParameterPtr params, int nparams,
                                       char **cookieout, int *cookieoutlen,
                                       unsigned int flags);
    int (*domainMigratePrepare3Params)(virConnectPtr dconn,
                                       virTypedParameterPtr params, int nparams,
                                       const char *cookiein, int cookieinlen,
                                       char **cookieout, int *cookieoutlen,
                                       char **uri_out, unsigned int flags);
    int (*domainMigratePerform3Params)(virDomainPtr dom, const char *dconnuri,
                                       virTypedParameterPtr params, int nparams,
                                       const char *cookiein, int cookieinlen,
                                       char **cookieout, int *cookieoutlen,
                                       unsigned int flags);
    virDomainPtr (*domainMigrateFinish3Params)(virConnectPtr dconn,
                                               virTypedParameterPtr params, int nparams,
                                               const char *cookiein, int cookieinlen,
                                               char **cookieout, int *cookieoutlen,
                                               unsigned int flags, int cancelled);
    int (*domainMigrateConfirm3Params)(virDomainPtr dom,
                                       virTypedParameterPtr params, int nparams,
                                       const char *cookiein, int cookieinlen,
                                       unsigned int flags, int cancelled);
    /* 1 or 0 for a virDrvFeature, -1 on error */
    int (*connectSupportsFeature)(virConnectPtr conn, int feature);

    int (*domainGetJobStats)(virDomainPtr dom, int *type,
                             virTypedParameterPtr *params, int *nparams,
                             unsigned int flags);
    int (*domainAbortJob)(virDomainPtr dom);
    int (*domainMigrateSetMaxDowntime)(virDomainPtr dom, unsigned long long downtime,
                                       unsigned int flags);
    int (*domainMigrateGetMaxDowntime)(virDomainPtr dom, unsigned long long *downtime,
                                       unsigned int flags);
    int (*domainMigrateSetMaxSpeed)(virDomainPtr dom, unsigned long bandwidth,
                                    unsigned int flags);
    int (*domainMigrateGetMaxSpeed)(virDomainPtr dom, unsigned long *bandwidth,
                                    unsigned int flags);
    int (*domainAttachDeviceFlags)(virDomainPtr dom, const char *xml, unsigned int flags);
    int (*domainDetachDeviceFlags)(virDomainPtr dom, const char *xml, unsigned int flags);
    int (*domainDetachDeviceAlias)(virDomainPtr dom, const char *alias, unsigned int flags);
    int (*domainGetAutostart)(virDomainPtr dom, int *autostart);
    int (*domainSetAutostart)(virDomainPtr dom, int autostart);
    char *(*domainGetOSType)(virDomainPtr dom);
    int (*domainHasManagedSaveImage)(virDomainPtr dom, unsigned int flags);
    int (*domainGetSecurityLabel)(virDomainPtr dom, virSecurityLabelPtr seclabel);

    /* Connections to a daemon (the remote driver). */
    int (*connectIsAlive)(virConnectPtr conn);
    int (*connectSetKeepAlive)(virConnectPtr conn, int interval, unsigned int count);
    int (*connectRegisterCloseCallback)(virConnectPtr conn, virConnectCloseFunc cb,
                                        void *opaque, virFreeCallback freecb);
    int (*connectUnregisterCloseCallback)(virConnectPtr conn, virConnectCloseFunc cb);
    int (*connectDomainEventRegisterAny)(virConnectPtr conn, virDomainPtr dom,
                                         int eventID,
                                         virConnectDomainEventGenericCallback cb,
                                         void *opaque, virFreeCallback freecb);
    int (*connectDomainEventDeregisterAny)(virConnectPtr conn, int callbackID);
    int (*nodeGetInfo)(virConnectPtr conn, virNodeInfoPtr info);
    int (*nodeGetSecurityModel)(virConnectPtr conn, virSecurityModelPtr secmodel);
    int (*connectNumOfDomains)(virConnectPtr conn);
    int (*connectListDomains)(virConnectPtr conn, int *ids, int maxids);
    int (*connectNumOfDefinedDomains)(virConnectPtr conn);
    int (*connectListDefinedDomains)(virConnectPtr conn, char **const names,
                                     int maxnames);
    int (*domainGetJobInfo)(virDomainPtr dom, virDomainJobInfoPtr info);
    int (*domainGetMessages)(virDomainPtr dom, char ***msgs, unsigned int flags);
};

struct _virNetworkDriver {
    const char *name;

    virDrvOpenStatus (*connectOpen)(virConnectPtr conn, GUri *uri,
                                    unsigned int flags);
    int (*connectClose)(virConnectPtr conn);

    int (*connectListAllNetworks)(virConnectPtr conn, virNetworkPtr **nets,
                                  unsigned int flags);
    virNetworkPtr (*networkLookupByName)(virConnectPtr conn, const char *name);
    virNetworkPtr (*networkLookupByUUID)(virConnectPtr conn,
                                         const unsigned char *uuid);
    virNetworkPtr (*networkCreateXMLFlags)(virConnectPtr conn, const char *xml,
                                           unsigned int flags);
    virNetworkPtr (*networkDefineXMLFlags)(virConnectPtr conn, const char *xml,
                                           unsigned int flags);
    int (*networkUndefine)(virNetworkPtr net);
    int (*networkCreate)(virNetworkPtr net);
    int (*networkDestroy)(virNetworkPtr net);
    char *(*networkGetXMLDesc)(virNetworkPtr net, unsigned int flags);
    char *(*networkGetBridgeName)(virNetworkPtr net);
    int (*networkGetAutostart)(virNetworkPtr net, int *autostart);
    int (*networkSetAutostart)(virNetworkPtr net, int autostart);
    int (*networkIsActive)(virNetworkPtr net);
    int (*networkIsPersistent)(virNetworkPtr net);
};

/* The host's devices. A connection gets the first node device driver
 * that accepts its URI (the embedded one for qemu:///embed, the remote
 * one for a daemon's connection). */
struct _virNodeDeviceDriver {
    const char *name;

    virDrvOpenStatus (*connectOpen)(virConnectPtr conn, GUri *uri,
                                    unsigned int flags);
    int (*connectClose)(virConnectPtr conn);

    int (*nodeNumOfDevices)(virConnectPtr conn, const char *cap, unsigned int flags);
    int (*nodeListDevices)(virConnectPtr conn, const char *cap, char **const names,
                           int maxnames, unsigned int flags);
    int (*connectListAllNodeDevices)(virConnectPtr conn, virNodeDevicePtr **devices,
                                     unsigned int flags);
    virNodeDevicePtr (*nodeDeviceLookupByName)(virConnectPtr conn, const char *name);
    char *(*nodeDeviceGetXMLDesc)(virNodeDevicePtr dev, unsigned int flags);
    /* the parent's name, g_malloc'ed; NULL with no error for a device
     * without a parent */
    char *(*nodeDeviceGetParent)(virNodeDevicePtr dev);
    int (*nodeDeviceNumOfCaps)(virNodeDevicePtr dev);
    int (*nodeDeviceListCaps)(virNodeDevicePtr dev, char **const names, int maxnames);
    int (*nodeDeviceDetachFlags)(virNodeDevicePtr dev, const char *driverName,
                                 unsigned int flags);
    int (*nodeDeviceReAttach)(virNodeDevicePtr dev);
};

/* virConnectOpenAuth without resetting or dispatching the error: for
 * entry points that open a connection on the way (virDomainMigrateToURI3). */
virConnectPtr virConnectOpenInternal(const char *name, unsigned int flags);

/* The phases of a migration for whoever runs them on the driver of a
 * connection (the daemon's dispatch, a source driver running a
 * peer-to-peer migration, virDomainMigrate3): they check their
 * arguments, report their errors and do not dispatch them. */
char *virDomainMigrateBegin3Params(virDomainPtr domain,
                                   virTypedParameterPtr params, int nparams,
                                   char **cookieout, int *cookieoutlen,
                                   unsigned int flags);
int virDomainMigratePrepare3Params(virConnectPtr dconn,
                                   virTypedParameterPtr params, int nparams,
                                   const char *cookiein, int cookieinlen,
                                   char **cookieout, int *cookieoutlen,
                                   char **uri_out, unsigned int flags);
int virDomainMigratePerform3Params(virDomainPtr domain, const char *dconnuri,
                                   virTypedParameterPtr params, int nparams,
                                   const char *cookiein, int cookieinlen,
                                   char **cookieout, int *cookieoutlen,
                                   unsigned int flags);
virDomainPtr virDomainMigrateFinish3Params(virConnectPtr dconn,
                                           virTypedParameterPtr params, int nparams,
                                           const char *cookiein, int cookieinlen,
                                           char **cookieout, int *cookieoutlen,
                                           unsigned int flags, int cancelled);
int virDomainMigrateConfirm3Params(virDomainPtr domain,
                                   virTypedParameterPtr params, int nparams,
                                   const char *cookiein, int cookieinlen,
                                   unsigned int flags, int cancelled);
/* A migration of @domain to @dconn from one place, libvirt's version 3
 * with parameters: Begin and Perform on the source, Prepare and Finish
 * on the destination, Confirm on the source, each with the cookie of the
 * phase before. A failure after Prepare is rolled back on both sides.
 * For virDomainMigrate3 (client-managed), and for a source driver that
 * runs a peer-to-peer migration itself: that one passes the URI it
 * opened @dconn with (@dconnuri, NULL otherwise) to its own Perform,
 * which records it. The error is reported, not dispatched. */
virDomainPtr virDomainMigrateRun(virDomainPtr domain, virConnectPtr dconn,
                                 const char *dconnuri,
                                 virTypedParameterPtr params, int nparams,
                                 unsigned int flags);
/* 1 when the driver of @conn has @feature (virDrvFeature), 0 when not,
 * -1 with an error reported. */
int virConnectSupportsFeature(virConnectPtr conn, int feature);

/* The root of an embedded driver's URI (qemu:///embed?root=/ABS/PATH),
 * or NULL (nothing reported) when @uri is not one: the secondary drivers
 * (network, node devices) serve embedded roots only and decline the rest
 * (the hypervisor driver vetted the URI first). */
char *virDriverEmbedRoot(GUri *uri);

/* Drivers register themselves once (from virInitialize). */
int virRegisterHypervisorDriver(virHypervisorDriver *driver);
int virRegisterNetworkDriver(virNetworkDriver *driver);
int virRegisterNodeDeviceDriver(virNodeDeviceDriver *driver);

/* The registry, walked by virConnectOpen. */
size_t virDriverHypervisorCount(void);
virHypervisorDriver *virDriverHypervisorAt(size_t i);
size_t virDriverNetworkCount(void);
virNetworkDriver *virDriverNetworkAt(size_t i);
size_t virDriverNodeDeviceCount(void);
virNodeDeviceDriver *virDriverNodeDeviceAt(size_t i);

/* Report VIR_ERR_NO_SUPPORT for the calling entry point. */
#define virReportUnsupported() \
    virReportError(VIR_ERR_NO_SUPPORT, "%s", __func__)
