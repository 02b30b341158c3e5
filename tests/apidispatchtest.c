/*
 * apidispatchtest.c: what every public entry point of src/libvirt.c,
 * src/libvirt-domain.c, src/libvirt-network.c and src/libvirt-nodedev.c reports before and
 * around its driver
 *
 * A hypervisor driver "apitest" accepts apitest:/// URIs and implements
 * nothing else; a network driver of the same name accepts apitest:///net
 * only, and so does a node device driver (apitest:///bare has neither).
 * Each entry point
 * is called
 *   - with a NULL connection, domain, network or node device:
 *     VIR_ERR_INVALID_CONN, _DOMAIN, _NETWORK or _NODE_DEVICE;
 *   - on a read-only connection, when it changes something:
 *     VIR_ERR_OPERATION_DENIED;
 *   - with a NULL required argument: VIR_ERR_INVALID_ARG;
 *   - on these drivers: VIR_ERR_NO_SUPPORT when it needs the driver;
 * and each failure must return the failure value, carry the error domain
 * of its file and reach the application's error function exactly once.
 */
#include "internal.h"

#include "datatypes.h"
#include "driver.h"
#include "testutils.h"
#include "virerror.h"

static virDrvOpenStatus
testOpen(virConnectPtr conn G_GNUC_UNUSED, GUri *uri, unsigned int flags G_GNUC_UNUSED)
{
    return STREQ_NULLABLE(g_uri_get_scheme(uri), "apitest") ?
        VIR_DRV_OPEN_SUCCESS : VIR_DRV_OPEN_DECLINED;
}

static virDrvOpenStatus
testNetOpen(virConnectPtr conn G_GNUC_UNUSED, GUri *uri, unsigned int flags G_GNUC_UNUSED)
{
    if (STREQ_NULLABLE(g_uri_get_scheme(uri), "apitest") &&
        STREQ_NULLABLE(g_uri_get_path(uri), "/net"))
        return VIR_DRV_OPEN_SUCCESS;
    return VIR_DRV_OPEN_DECLINED;
}

static virHypervisorDriver testDriver = {
    .name = "apitest",
    .connectOpen = testOpen,
};

static virNetworkDriver testNetDriver = {
    .name = "apitest",
    .connectOpen = testNetOpen,
};

static virNodeDeviceDriver testNodeDevDriver = {
    .name = "apitest",
    .connectOpen = testNetOpen,
};

static unsigned int dispatched;

static void
testCountErrors(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
    dispatched++;
}

/* The handles an entry point is called with. */
typedef struct {
    virConnectPtr conn;
    virDomainPtr dom;
    virNetworkPtr net;
    virNodeDevicePtr dev;
    bool nullArg;       /* pass NULL for the required pointer argument */
} testHandles;

/* Calls: 0 for success, -1 for the API's failure value; anything else is
 * a failure value the API must not return. */
#define PTR(expr) \
    do { \
        void *p = (void *)(expr); \
        return p ? 0 : -1; \
    } while (0)
#define INT(expr) \
    do { \
        int rc = (expr); \
        return rc >= 0 ? 0 : rc == -1 ? -1 : -2; \
    } while (0)

#define ARG(h, val) ((h)->nullArg ? NULL : (val))

static unsigned char testUUID[VIR_UUID_BUFLEN] = { 1, 2, 3, 4 };
static const char *testUUIDStr = "00000000-0000-0000-0000-00000000beef";

/* (the connections are closed at the end: only the NULL one here) */
static int tConnectClose(testHandles *h) { INT(h->conn ? 0 : virConnectClose(NULL)); }
static int tConnectGetType(testHandles *h) { PTR(virConnectGetType(h->conn)); }
static int tConnectGetVersion(testHandles *h) { unsigned long v; INT(virConnectGetVersion(h->conn, ARG(h, &v))); }
static int tConnectGetLibVersion(testHandles *h) { unsigned long v; INT(virConnectGetLibVersion(h->conn, ARG(h, &v))); }
static int tConnectGetURI(testHandles *h) { g_autofree char *s = virConnectGetURI(h->conn); PTR(s); }
static int tConnectGetHostname(testHandles *h) { g_autofree char *s = virConnectGetHostname(h->conn); PTR(s); }
static int tConnectIsAlive(testHandles *h) { INT(virConnectIsAlive(h->conn)); }
static int tConnectGetCapabilities(testHandles *h) { PTR(virConnectGetCapabilities(h->conn)); }
static int tConnectGetDomainCapabilities(testHandles *h) { PTR(virConnectGetDomainCapabilities(h->conn, NULL, NULL, NULL, NULL, 0)); }

static int tDomainDefineXML(testHandles *h) { PTR(virDomainDefineXML(h->conn, ARG(h, "<domain/>"))); }
static int tDomainDefineXMLFlags(testHandles *h) { PTR(virDomainDefineXMLFlags(h->conn, ARG(h, "<domain/>"), 0)); }
static int tDomainUndefine(testHandles *h) { INT(virDomainUndefine(h->dom)); }
static int tDomainUndefineFlags(testHandles *h) { INT(virDomainUndefineFlags(h->dom, 0)); }
static int tDomainLookupByName(testHandles *h) { PTR(virDomainLookupByName(h->conn, ARG(h, "d"))); }
static int tDomainLookupByUUID(testHandles *h) { PTR(virDomainLookupByUUID(h->conn, ARG(h, testUUID))); }
static int tDomainLookupByUUIDString(testHandles *h) { PTR(virDomainLookupByUUIDString(h->conn, ARG(h, testUUIDStr))); }
static int tConnectListAllDomains(testHandles *h) { virDomainPtr *d = NULL; INT(virConnectListAllDomains(h->conn, &d, 0)); }
static int tDomainGetConnect(testHandles *h) { PTR(virDomainGetConnect(h->dom)); }
static int tDomainGetName(testHandles *h) { PTR(virDomainGetName(h->dom)); }
static int tDomainGetID(testHandles *h) { INT(virDomainGetID(h->dom)); }
static int tDomainGetUUID(testHandles *h) { unsigned char u[VIR_UUID_BUFLEN]; INT(virDomainGetUUID(h->dom, ARG(h, u))); }
static int tDomainGetUUIDString(testHandles *h) { char u[VIR_UUID_STRING_BUFLEN]; INT(virDomainGetUUIDString(h->dom, ARG(h, u))); }
static int tDomainGetXMLDesc(testHandles *h) { PTR(virDomainGetXMLDesc(h->dom, 0)); }
static int tDomainGetXMLDescSecure(testHandles *h) { PTR(virDomainGetXMLDesc(h->dom, VIR_DOMAIN_XML_SECURE)); }
static int tDomainIsActive(testHandles *h) { INT(virDomainIsActive(h->dom)); }
static int tDomainIsPersistent(testHandles *h) { INT(virDomainIsPersistent(h->dom)); }
static int tDomainCreateXML(testHandles *h) { PTR(virDomainCreateXML(h->conn, ARG(h, "<domain/>"), 0)); }
static int tDomainCreate(testHandles *h) { INT(virDomainCreate(h->dom)); }
static int tDomainCreateWithFlags(testHandles *h) { INT(virDomainCreateWithFlags(h->dom, 0)); }
static int tDomainDestroy(testHandles *h) { INT(virDomainDestroy(h->dom)); }
static int tDomainDestroyFlags(testHandles *h) { INT(virDomainDestroyFlags(h->dom, 0)); }
static int tDomainShutdown(testHandles *h) { INT(virDomainShutdown(h->dom)); }
static int tDomainShutdownFlags(testHandles *h) { INT(virDomainShutdownFlags(h->dom, 0)); }
static int tDomainSuspend(testHandles *h) { INT(virDomainSuspend(h->dom)); }
static int tDomainResume(testHandles *h) { INT(virDomainResume(h->dom)); }
static int tDomainGetState(testHandles *h) { int s, r; INT(virDomainGetState(h->dom, ARG(h, &s), &r, 0)); }
static int tDomainGetInfo(testHandles *h) { virDomainInfo i; INT(virDomainGetInfo(h->dom, ARG(h, &i))); }
static int tConnectDomainXMLToNative(testHandles *h) { PTR(virConnectDomainXMLToNative(h->conn, "qemu-argv", ARG(h, "<domain/>"), 0)); }
static int tDomainMigrate3(testHandles *h) { PTR(virDomainMigrate3(h->dom, h->dom ? h->dom->conn : NULL, NULL, 0, 0)); }
static int tDomainMigrateToURI3(testHandles *h) { INT(virDomainMigrateToURI3(h->dom, ARG(h, "apitest:///bare"), NULL, 0, 0)); }
static int tDomainGetJobStats(testHandles *h) { int t, n; virTypedParameterPtr p; INT(virDomainGetJobStats(h->dom, ARG(h, &t), &p, &n, 0)); }
static int tDomainAbortJob(testHandles *h) { INT(virDomainAbortJob(h->dom)); }
static int tDomainMigrateSetMaxDowntime(testHandles *h) { INT(virDomainMigrateSetMaxDowntime(h->dom, 300, 0)); }
static int tDomainMigrateGetMaxDowntime(testHandles *h) { unsigned long long d; INT(virDomainMigrateGetMaxDowntime(h->dom, ARG(h, &d), 0)); }
static int tDomainMigrateSetMaxSpeed(testHandles *h) { INT(virDomainMigrateSetMaxSpeed(h->dom, 100, 0)); }
static int tDomainMigrateGetMaxSpeed(testHandles *h) { unsigned long b; INT(virDomainMigrateGetMaxSpeed(h->dom, ARG(h, &b), 0)); }
static int tDomainAttachDevice(testHandles *h) { INT(virDomainAttachDevice(h->dom, ARG(h, "<interface/>"))); }
static int tDomainAttachDeviceFlags(testHandles *h) { INT(virDomainAttachDeviceFlags(h->dom, ARG(h, "<interface/>"), 0)); }
static int tDomainDetachDevice(testHandles *h) { INT(virDomainDetachDevice(h->dom, ARG(h, "<interface/>"))); }
static int tDomainDetachDeviceFlags(testHandles *h) { INT(virDomainDetachDeviceFlags(h->dom, ARG(h, "<interface/>"), 0)); }

static int tNetworkGetConnect(testHandles *h) { PTR(virNetworkGetConnect(h->net)); }
static int tConnectListAllNetworks(testHandles *h) { virNetworkPtr *n = NULL; INT(virConnectListAllNetworks(h->conn, &n, 0)); }
static int tNetworkLookupByName(testHandles *h) { PTR(virNetworkLookupByName(h->conn, ARG(h, "n"))); }
static int tNetworkLookupByUUID(testHandles *h) { PTR(virNetworkLookupByUUID(h->conn, ARG(h, testUUID))); }
static int tNetworkLookupByUUIDString(testHandles *h) { PTR(virNetworkLookupByUUIDString(h->conn, ARG(h, testUUIDStr))); }
static int tNetworkCreateXML(testHandles *h) { PTR(virNetworkCreateXML(h->conn, ARG(h, "<network/>"))); }
static int tNetworkCreateXMLFlags(testHandles *h) { PTR(virNetworkCreateXMLFlags(h->conn, ARG(h, "<network/>"), 0)); }
static int tNetworkDefineXML(testHandles *h) { PTR(virNetworkDefineXML(h->conn, ARG(h, "<network/>"))); }
static int tNetworkDefineXMLFlags(testHandles *h) { PTR(virNetworkDefineXMLFlags(h->conn, ARG(h, "<network/>"), 0)); }
static int tNetworkUndefine(testHandles *h) { INT(virNetworkUndefine(h->net)); }
static int tNetworkCreate(testHandles *h) { INT(virNetworkCreate(h->net)); }
static int tNetworkDestroy(testHandles *h) { INT(virNetworkDestroy(h->net)); }
static int tNetworkIsActive(testHandles *h) { INT(virNetworkIsActive(h->net)); }
static int tNetworkIsPersistent(testHandles *h) { INT(virNetworkIsPersistent(h->net)); }
static int tNetworkGetName(testHandles *h) { PTR(virNetworkGetName(h->net)); }
static int tNetworkGetUUID(testHandles *h) { unsigned char u[VIR_UUID_BUFLEN]; INT(virNetworkGetUUID(h->net, ARG(h, u))); }
static int tNetworkGetUUIDString(testHandles *h) { char u[VIR_UUID_STRING_BUFLEN]; INT(virNetworkGetUUIDString(h->net, ARG(h, u))); }
static int tNetworkGetXMLDesc(testHandles *h) { PTR(virNetworkGetXMLDesc(h->net, 0)); }
static int tNetworkGetBridgeName(testHandles *h) { PTR(virNetworkGetBridgeName(h->net)); }
static int tNetworkGetAutostart(testHandles *h) { int a; INT(virNetworkGetAutostart(h->net, ARG(h, &a))); }
static int tNetworkSetAutostart(testHandles *h) { INT(virNetworkSetAutostart(h->net, 1)); }
static int tNodeNumOfDevices(testHandles *h) { INT(virNodeNumOfDevices(h->conn, NULL, 0)); }
static int tNodeListDevices(testHandles *h) { char *n[1]; INT(virNodeListDevices(h->conn, NULL, ARG(h, n), 1, 0)); }
static int tConnectListAllNodeDevices(testHandles *h) { virNodeDevicePtr *d = NULL; INT(virConnectListAllNodeDevices(h->conn, &d, 0)); }
static int tNodeDeviceLookupByName(testHandles *h) { PTR(virNodeDeviceLookupByName(h->conn, ARG(h, "pci_0000_00_00_0"))); }
static int tNodeDeviceGetName(testHandles *h) { PTR(virNodeDeviceGetName(h->dev)); }
static int tNodeDeviceGetParent(testHandles *h) { PTR(virNodeDeviceGetParent(h->dev)); }
static int tNodeDeviceNumOfCaps(testHandles *h) { INT(virNodeDeviceNumOfCaps(h->dev)); }
static int tNodeDeviceListCaps(testHandles *h) { char *n[1]; INT(virNodeDeviceListCaps(h->dev, ARG(h, n), 1)); }
static int tNodeDeviceGetXMLDesc(testHandles *h) { PTR(virNodeDeviceGetXMLDesc(h->dev, 0)); }
static int tNodeDeviceDettach(testHandles *h) { INT(virNodeDeviceDettach(h->dev)); }
static int tNodeDeviceDetachFlags(testHandles *h) { INT(virNodeDeviceDetachFlags(h->dev, NULL, 0)); }
static int tNodeDeviceReAttach(testHandles *h) { INT(virNodeDeviceReAttach(h->dev)); }
static int tNodeDeviceRef(testHandles *h) { int r = virNodeDeviceRef(h->dev); if (r == 0) virNodeDeviceFree(h->dev); INT(r); }


typedef enum {
    ON_CONN,
    ON_DOMAIN,
    ON_NETWORK,
    ON_NODEDEV,
} testHandleKind;

typedef struct {
    const char *name;
    int (*call)(testHandles *h);
    testHandleKind kind;
    int from;           /* error domain of the file */
    bool writes;        /* refused on a read-only connection */
    bool nullArg;       /* has a required pointer argument */
    bool driver;        /* needs the driver: VIR_ERR_NO_SUPPORT here */
} testAPI;

#define H_C ON_CONN, VIR_FROM_NONE
#define H_D ON_DOMAIN, VIR_FROM_DOMAIN
#define H_DC ON_CONN, VIR_FROM_DOMAIN
#define H_N ON_NETWORK, VIR_FROM_NETWORK
#define H_NC ON_CONN, VIR_FROM_NETWORK
#define H_V ON_NODEDEV, VIR_FROM_NODEDEV
#define H_VC ON_CONN, VIR_FROM_NODEDEV
#define API(f, kind, writes, nullArg, driver) \
    { #f, t##f, kind, writes, nullArg, driver }

static const testAPI apis[] = {
    /*  entry point                  handle writes nullArg driver */
    API(ConnectClose,                 H_C,   false, false, false),
    API(ConnectGetType,               H_C,   false, false, false),
    API(ConnectGetVersion,            H_C,   false, true,  true),
    API(ConnectGetLibVersion,         H_C,   false, true,  false),
    API(ConnectGetURI,                H_C,   false, false, false),
    API(ConnectGetHostname,           H_C,   false, false, false),
    API(ConnectIsAlive,               H_C,   false, false, false),
    API(ConnectGetCapabilities,       H_C,   false, false, true),
    API(ConnectGetDomainCapabilities, H_C,   false, false, true),

    API(DomainDefineXML,              H_DC,  true,  true,  true),
    API(DomainDefineXMLFlags,         H_DC,  true,  true,  true),
    API(DomainUndefine,               H_D,   true,  false, true),
    API(DomainUndefineFlags,          H_D,   true,  false, true),
    API(DomainLookupByName,           H_DC,  false, true,  true),
    API(DomainLookupByUUID,           H_DC,  false, true,  true),
    API(DomainLookupByUUIDString,     H_DC,  false, true,  true),
    API(ConnectListAllDomains,        H_DC,  false, false, true),
    API(DomainGetConnect,             H_D,   false, false, false),
    API(DomainGetName,                H_D,   false, false, false),
    API(DomainGetID,                  H_D,   false, false, false),
    API(DomainGetUUID,                H_D,   false, true,  false),
    API(DomainGetUUIDString,          H_D,   false, true,  false),
    API(DomainGetXMLDesc,             H_D,   false, false, true),
    API(DomainGetXMLDescSecure,       H_D,   true,  false, true),
    API(DomainIsActive,               H_D,   false, false, true),
    API(DomainIsPersistent,           H_D,   false, false, true),
    API(DomainCreateXML,              H_DC,  true,  true,  true),
    API(DomainCreate,                 H_D,   true,  false, true),
    API(DomainCreateWithFlags,        H_D,   true,  false, true),
    API(DomainDestroy,                H_D,   true,  false, true),
    API(DomainDestroyFlags,           H_D,   true,  false, true),
    API(DomainShutdown,               H_D,   true,  false, true),
    API(DomainShutdownFlags,          H_D,   true,  false, true),
    API(DomainSuspend,                H_D,   true,  false, true),
    API(DomainResume,                 H_D,   true,  false, true),
    API(DomainGetState,               H_D,   false, true,  true),
    API(DomainGetInfo,                H_D,   false, true,  true),
    API(ConnectDomainXMLToNative,     H_DC,  true,  true,  true),
    API(DomainMigrate3,               H_D,   true,  false, true),
    API(DomainMigrateToURI3,          H_D,   true,  true,  true),
    API(DomainGetJobStats,            H_D,   false, true,  true),
    API(DomainAbortJob,               H_D,   true,  false, true),
    API(DomainMigrateSetMaxDowntime,  H_D,   true,  false, true),
    API(DomainMigrateGetMaxDowntime,  H_D,   false, true,  true),
    API(DomainMigrateSetMaxSpeed,     H_D,   true,  false, true),
    API(DomainMigrateGetMaxSpeed,     H_D,   false, true,  true),
    API(DomainAttachDevice,           H_D,   true,  true,  true),
    API(DomainAttachDeviceFlags,      H_D,   true,  true,  true),
    API(DomainDetachDevice,           H_D,   true,  true,  true),
    API(DomainDetachDeviceFlags,      H_D,   true,  true,  true),

    API(NetworkGetConnect,            H_N,   false, false, false),
    API(ConnectListAllNetworks,       H_NC,  false, false, true),
    API(NetworkLookupByName,          H_NC,  false, true,  true),
    API(NetworkLookupByUUID,          H_NC,  false, true,  true),
    API(NetworkLookupByUUIDString,    H_NC,  false, true,  true),
    API(NetworkCreateXML,             H_NC,  true,  true,  true),
    API(NetworkCreateXMLFlags,        H_NC,  true,  true,  true),
    API(NetworkDefineXML,             H_NC,  true,  true,  true),
    API(NetworkDefineXMLFlags,        H_NC,  true,  true,  true),
    API(NetworkUndefine,              H_N,   true,  false, true),
    API(NetworkCreate,                H_N,   true,  false, true),
    API(NetworkDestroy,               H_N,   true,  false, true),
    API(NetworkIsActive,              H_N,   false, false, true),
    API(NetworkIsPersistent,          H_N,   false, false, true),
    API(NetworkGetName,               H_N,   false, false, false),
    API(NetworkGetUUID,               H_N,   false, true,  false),
    API(NetworkGetUUIDString,         H_N,   false, true,  false),
    API(NetworkGetXMLDesc,            H_N,   false, false, true),
    API(NetworkGetBridgeName,         H_N,   false, false, true),
    API(NetworkGetAutostart,          H_N,   false, true,  true),
    API(NetworkSetAutostart,          H_N,   true,  false, true),

    API(NodeNumOfDevices,             H_VC,  false, false, true),
    API(NodeListDevices,              H_VC,  false, true,  true),
    API(ConnectListAllNodeDevices,    H_VC,  false, false, true),
    API(NodeDeviceLookupByName,       H_VC,  false, true,  true),
    API(NodeDeviceGetName,            H_V,   false, false, false),
    API(NodeDeviceGetParent,          H_V,   false, false, true),
    API(NodeDeviceNumOfCaps,          H_V,   false, false, true),
    API(NodeDeviceListCaps,           H_V,   false, true,  true),
    API(NodeDeviceGetXMLDesc,         H_V,   false, false, true),
    API(NodeDeviceDettach,            H_V,   true,  false, true),
    API(NodeDeviceDetachFlags,        H_V,   true,  false, true),
    API(NodeDeviceReAttach,           H_V,   true,  false, true),
    API(NodeDeviceRef,                H_V,   false, false, false),
};
#undef API
#undef H_C
#undef H_D
#undef H_DC
#undef H_N
#undef H_NC
#undef H_V
#undef H_VC

/* Connections and handles on them: read-write and read-only, with the
 * network driver (apitest:///net) and without one (apitest:///bare). */
typedef struct {
    testHandles rw;
    testHandles ro;
    testHandles bare;
} testWorld;

static testWorld world;

static int
testHandlesOpen(testHandles *h, const char *uri, bool ro)
{
    if (!(h->conn = ro ? virConnectOpenReadOnly(uri) : virConnectOpen(uri))) {
        printf("# cannot open %s: %s\n", uri, virGetLastErrorMessage());
        return -1;
    }
    h->dom = virGetDomain(h->conn, "d", testUUID, 1);
    h->net = virGetNetwork(h->conn, "n", testUUID);
    h->dev = virGetNodeDevice(h->conn, "pci_0000_00_00_0");
    return 0;
}

static void
testHandlesClose(testHandles *h)
{
    virDomainFree(h->dom);
    virNetworkFree(h->net);
    virNodeDeviceFree(h->dev);
    virConnectClose(h->conn);
}

/* Call @api with @h; it must fail with @code in its file's domain, the
 * error reaching the error function once. */
static int
testExpect(const testAPI *api, testHandles *h, int code, const char *what)
{
    virErrorPtr err;
    int rc;

    virResetLastError();
    dispatched = 0;
    rc = api->call(h);
    err = virGetLastError();
    if (rc != -1) {
        printf("#   %s: returned %s, expected the failure value\n",
               what, rc == 0 ? "success" : "a value that is not -1");
        return -1;
    }
    if (!err || err->code != code) {
        printf("#   %s: error code %d (%s), expected %d\n", what, err ? err->code : 0,
               virGetLastErrorMessage(), code);
        return -1;
    }
    if (err->domain != api->from) {
        printf("#   %s: error domain %d (%s), expected %d\n", what, err->domain,
               virGetLastErrorMessage(), api->from);
        return -1;
    }
    if (dispatched != 1) {
        printf("#   %s: the error function was called %u times\n", what, dispatched);
        return -1;
    }
    return 0;
}

/* The error of a NULL handle, by testHandleKind. */
static const int testInvalidCodes[] = {
    VIR_ERR_INVALID_CONN, VIR_ERR_INVALID_DOMAIN, VIR_ERR_INVALID_NETWORK,
    VIR_ERR_INVALID_NODE_DEVICE,
};

static int
testEntryPoint(const void *opaque)
{
    const testAPI *api = opaque;
    testHandles null = world.rw;
    int ret = 0;

    /* NULL handle: the check of the handle, which is always first */
    if (api->kind == ON_CONN)
        null.conn = NULL;
    else if (api->kind == ON_DOMAIN)
        null.dom = NULL;
    else if (api->kind == ON_NETWORK)
        null.net = NULL;
    else
        null.dev = NULL;
    if (testExpect(api, &null, testInvalidCodes[api->kind], "NULL handle") < 0)
        ret = -1;
    if (api->writes && testExpect(api, &world.ro, VIR_ERR_OPERATION_DENIED, "read-only") < 0)
        ret = -1;
    if (api->nullArg) {
        testHandles h = world.rw;

        h.nullArg = true;
        if (testExpect(api, &h, VIR_ERR_INVALID_ARG, "NULL argument") < 0)
            ret = -1;
    }
    if (api->driver) {
        if (testExpect(api, &world.rw, VIR_ERR_NO_SUPPORT, "driver without it") < 0)
            ret = -1;
        if (api->from == VIR_FROM_NETWORK &&
            testExpect(api, &world.bare, VIR_ERR_NO_SUPPORT, "no network driver") < 0)
            ret = -1;
        if (api->from == VIR_FROM_NODEDEV &&
            testExpect(api, &world.bare, VIR_ERR_NO_SUPPORT, "no node device driver") < 0)
            ret = -1;
    } else {
        virResetLastError();
        dispatched = 0;
        if (api->call(&world.rw) != 0 || dispatched) {
            printf("#   failed without a driver call: %s\n", virGetLastErrorMessage());
            ret = -1;
        }
    }
    return ret;
}

static int
mymain(void)
{
    size_t i;

    if (virInitialize() < 0 ||
        virRegisterHypervisorDriver(&testDriver) < 0 ||
        virRegisterNetworkDriver(&testNetDriver) < 0 ||
        virRegisterNodeDeviceDriver(&testNodeDevDriver) < 0)
        return -1;
    if (testHandlesOpen(&world.rw, "apitest:///net", false) < 0 ||
        testHandlesOpen(&world.ro, "apitest:///net", true) < 0 ||
        testHandlesOpen(&world.bare, "apitest:///bare", false) < 0)
        return -1;
    virSetErrorFunc(NULL, testCountErrors);

    for (i = 0; i < G_N_ELEMENTS(apis); i++) {
        g_autofree char *title = g_strdup_printf("vir%s", apis[i].name);

        virTestRun(title, testEntryPoint, &apis[i]);
    }

    virSetErrorFunc(NULL, NULL);
    testHandlesClose(&world.rw);
    testHandlesClose(&world.ro);
    testHandlesClose(&world.bare);
    return 0;
}

VIR_TEST_MAIN(mymain)
