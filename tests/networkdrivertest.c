/*
 * networkdrivertest.c: the embedded network driver through the public API
 * and the VF allocation API, on a simulated host made in a temp dir
 * (tools/virsriovsim.h): the PF pf0 (0000:03:00.0) with NVFS VFs
 * 0000:03:07.1, .2, ..., and pfnovfs (bus 4), an SR-IOV PF without VFs
 * enabled. ROOT/etc/network.conf points sysfs_root at it.
 */
#include "internal.h"

#include <sys/wait.h>

#include "datatypes.h"
#include "hypervisor/virhostdev_owner.h"
#include "network/network_driver.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "tools/virsriovsim.h"

#define NVFS 8

static char *tmpdir;
static char *root;
static char *uri;

static const char *poolXML =
    "<network>\n"
    "  <name>vfpool</name>\n"
    "  <uuid>4f509714-0cb7-4825-8209-cb960ac5b566</uuid>\n"
    "  <forward mode='hostdev' managed='yes'>\n"
    "    <pf dev='pf0'/>\n"
    "  </forward>\n"
    "</network>\n";

static void
testQuietError(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

/* VF @i of pf0. */
static virPCIDeviceAddress
testPoolVF(size_t i)
{
    g_autofree char *vf = virSRIOVSimVFAddress(3, i);
    virPCIDeviceAddress addr = { 0 };

    if (virPCIDeviceAddressParse(vf, &addr) < 0)
        abort();
    return addr;
}

/* Is @addr one of the VFs of pf0? */
static bool
testIsPoolVF(const virPCIDeviceAddress *addr)
{
    size_t i;

    for (i = 0; i < NVFS; i++) {
        virPCIDeviceAddress vf = testPoolVF(i);

        if (virPCIDeviceAddressEqual(&vf, addr))
            return true;
    }
    return false;
}

static char *
testNetXML(virConnectPtr conn, const char *name, unsigned int flags)
{
    virNetworkPtr net = virNetworkLookupByName(conn, name);
    char *xml;

    if (!net)
        return NULL;
    xml = virNetworkGetXMLDesc(net, flags);
    virNetworkFree(net);
    return xml;
}

static virNetworkDriverState *
testDriver(virConnectPtr conn)
{
    return conn->networkPrivateData;
}

/* Open the root and look up the network @name in it. */
static int
testOpenNetwork(virConnectPtr *conn, virNetworkPtr *net, const char *name)
{
    if (!(*conn = virConnectOpen(uri)) || !(*net = virNetworkLookupByName(*conn, name)))
        return -1;
    return 0;
}

/* Drop what is set of @net and @conn. */
static void
testClose(virConnectPtr *conn, virNetworkPtr *net)
{
    if (*net)
        virNetworkFree(*net);
    if (*conn)
        virConnectClose(*conn);
    *net = NULL;
    *conn = NULL;
}

/* Define @xml, check that starting it fails with an error containing
 * @needle, undefine it. */
static int
testStartFails(virConnectPtr conn, const char *xml, const char *what, const char *needle)
{
    virNetworkPtr net;
    int ret = -1;

    if (!(net = virNetworkDefineXML(conn, xml)))
        return -1;
    if (virNetworkCreate(net) == 0 || virTestExpectError(what, needle) < 0 ||
        virNetworkUndefine(net) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    virNetworkFree(net);
    return ret;
}

/* ---- tests ---- */

static int
testDefineStart(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *cfg = g_build_filename(root, "lib", "network", "vfpool.xml", NULL);
    g_autofree char *status = g_build_filename(root, "run", "network", "vfpool.xml", NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    int ret = -1;

    if (!conn || !(net = virNetworkDefineXML(conn, poolXML)))
        goto cleanup;
    if (virNetworkIsActive(net) != 0 || virNetworkIsPersistent(net) != 1 ||
        !virFileExists(cfg) || virFileExists(status)) {
        printf("#   after define: active/persistent/files wrong\n");
        goto cleanup;
    }
    if (virNetworkGetUUIDString(net, uuid) < 0 ||
        STRNEQ(uuid, "4f509714-0cb7-4825-8209-cb960ac5b566") ||
        STRNEQ(virNetworkGetName(net), "vfpool"))
        goto cleanup;
    if (virNetworkCreate(net) < 0)
        goto cleanup;
    if (virNetworkIsActive(net) != 1 || !virFileExists(status)) {
        printf("#   after start: not active or no status file\n");
        goto cleanup;
    }
    if (virNetworkCreate(net) == 0 ||
        virTestExpectError("second start", "already active") < 0)
        goto cleanup;

    /* live XML lists the VFs found; inactive XML is the config */
    if (!(xml = virNetworkGetXMLDesc(net, 0)) ||
        virTestCompareToFile(xml, ABS_SRCDIR "/tests/networkdriverdata/vfpool-live.xml") < 0)
        goto cleanup;
    g_clear_pointer(&xml, g_free);
    if (!(xml = virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE)) ||
        virTestCompareToFile(xml, ABS_SRCDIR "/tests/networkdriverdata/vfpool-inactive.xml") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    testClose(&conn, &net);
    return ret;
}

static int
testAllocate(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    virPCIDeviceAddress vfs[NVFS];
    virPCIDeviceAddress extra;
    g_autofree char *xml = NULL;
    unsigned int connections = 0;
    bool managed = false;
    size_t i, j;
    int ret = -1;

    if (!conn)
        return -1;
    if (networkIsHostdevPool(testDriver(conn), "vfpool", &managed) != 1 || !managed) {
        printf("#   vfpool is not reported as a managed hostdev pool\n");
        goto cleanup;
    }
    for (i = 0; i < NVFS; i++) {
        g_autofree char *owner = g_strdup_printf("dom%zu", i);

        if (networkAllocateVF(testDriver(conn), "vfpool", owner, "guest", &vfs[i], NULL) < 0)
            goto cleanup;
        if (!testIsPoolVF(&vfs[i])) {
            printf("#   allocated a VF that is not in the pool\n");
            goto cleanup;
        }
        for (j = 0; j < i; j++) {
            if (virPCIDeviceAddressEqual(&vfs[i], &vfs[j])) {
                printf("#   VF handed out twice\n");
                goto cleanup;
            }
        }
    }
    if (networkAllocateVF(testDriver(conn), "vfpool", "one-too-many", "guest", &extra, NULL) == 0) {
        printf("#   allocation from an exhausted pool succeeded\n");
        goto cleanup;
    }
    if (virTestExpectError("exhausted", "vfpool") < 0)
        goto cleanup;
    /* a release by somebody who does not hold the VF leaves it alone */
    if (networkReleaseVF(testDriver(conn), "vfpool", "dom1", &vfs[0]) != 0 ||
        networkGetConnections(testDriver(conn), "vfpool", &connections) < 0 ||
        connections != NVFS) {
        printf("#   dom1 released dom0's VF\n");
        goto cleanup;
    }
    if (networkReleaseVF(testDriver(conn), "vfpool", "dom0", &vfs[0]) != 1 ||
        networkReleaseVF(testDriver(conn), "vfpool", "dom0", &vfs[0]) != 0 ||
        networkAllocateVF(testDriver(conn), "vfpool", "dom0", "guest", &vfs[0], NULL) < 0) {
        printf("#   dom0 could not release and take back its VF once\n");
        goto cleanup;
    }
    if (networkGetConnections(testDriver(conn), "vfpool", &connections) < 0 ||
        connections != NVFS) {
        printf("#   connections %u, expected %d\n", connections, NVFS);
        goto cleanup;
    }
    /* release two; the live XML counts the rest */
    if (networkReleaseVF(testDriver(conn), "vfpool", NULL, &vfs[2]) != 1 ||
        networkReleaseVF(testDriver(conn), "vfpool", NULL, &vfs[5]) != 1)
        goto cleanup;
    if (!(xml = testNetXML(conn, "vfpool", 0)))
        goto cleanup;
    if (!strstr(xml, "<network connections='6'>")) {
        printf("#   live XML lacks connections='6':\n%s", xml);
        goto cleanup;
    }
    /* errors of the allocation API */
    if (networkAllocateVF(testDriver(conn), "nosuch", "x", "guest", &extra, NULL) == 0 ||
        virTestExpectError("missing network", "no network with matching name 'nosuch'") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    virConnectClose(conn);
    return ret;
}

/* A new process view (the driver state is dropped with the last
 * connection): the network is still active and its allocations kept. */
static int
testReopen(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    virPCIDeviceAddress a, b, c;
    virPCIDeviceAddress vf2 = testPoolVF(2);
    virPCIDeviceAddress vf5 = testPoolVF(5);
    unsigned int connections = 0;
    g_autofree char *xml = NULL;
    int ret = -1;

    if (!conn)
        return -1;
    if (networkGetConnections(testDriver(conn), "vfpool", &connections) < 0 || connections != 6) {
        printf("#   after reopen: connections %u, expected 6\n", connections);
        goto cleanup;
    }
    if (networkAllocateVF(testDriver(conn), "vfpool", "late1", "guest", &a, NULL) < 0 ||
        networkAllocateVF(testDriver(conn), "vfpool", "late2", "guest", &b, NULL) < 0)
        goto cleanup;
    if (virPCIDeviceAddressEqual(&a, &b) ||
        !((virPCIDeviceAddressEqual(&a, &vf2) && virPCIDeviceAddressEqual(&b, &vf5)) ||
          (virPCIDeviceAddressEqual(&a, &vf5) && virPCIDeviceAddressEqual(&b, &vf2)))) {
        printf("#   after reopen, expected the two released VFs (2 and 5) back, got %02x.%x and %02x.%x\n",
               a.slot, a.function, b.slot, b.function);
        goto cleanup;
    }
    if (networkAllocateVF(testDriver(conn), "vfpool", "late3", "guest", &c, NULL) == 0) {
        printf("#   pool not exhausted after reopen\n");
        goto cleanup;
    }
    virResetLastError();
    if (!(xml = testNetXML(conn, "vfpool", 0)) || !strstr(xml, "connections='8'"))
        goto cleanup;
    ret = 0;

 cleanup:
    virConnectClose(conn);
    return ret;
}

static bool
testOwnerAlive(const char *owner, const virPCIDeviceAddress *vf G_GNUC_UNUSED,
               void *opaque G_GNUC_UNUSED)
{
    /* dom0..dom3 "still run", the others are gone */
    return STREQ(owner, "dom0") || STREQ(owner, "dom1") ||
           STREQ(owner, "dom3") || STREQ(owner, "late1");
}

static bool
testNobodyAlive(const char *owner G_GNUC_UNUSED, const virPCIDeviceAddress *vf G_GNUC_UNUSED,
                void *opaque G_GNUC_UNUSED)
{
    return false;
}

static int
testReconcileDestroy(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = NULL;
    virNetworkPtr net = NULL;
    unsigned int connections = 0;
    g_autofree char *status = g_build_filename(root, "run", "network", "vfpool.xml", NULL);
    int ret = -1;
    int i;

    if (testOpenNetwork(&conn, &net, "vfpool") < 0)
        goto cleanup;
    if (networkReconcileVFs(testDriver(conn), testOwnerAlive, NULL) < 0)
        goto cleanup;
    if (networkGetConnections(testDriver(conn), "vfpool", &connections) < 0 || connections != 4) {
        printf("#   after reconcile: connections %u, expected 4\n", connections);
        goto cleanup;
    }
    if (virNetworkDestroy(net) == 0 ||
        virTestExpectError("destroy in use", "stop those domains") < 0)
        goto cleanup;
    /* everything goes back */
    if (networkReconcileVFs(testDriver(conn), testNobodyAlive, NULL) < 0)
        goto cleanup;
    for (i = 0; i < 2; i++) {
        if (virNetworkDestroy(net) < 0) {
            if (i == 1 && virTestExpectError("second destroy", "is not active") == 0)
                break;
            goto cleanup;
        }
    }
    if (virFileExists(status) || virNetworkIsActive(net) != 0) {
        printf("#   network still active after destroy\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    testClose(&conn, &net);
    return ret;
}

static int
testAutostart(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = NULL;
    virNetworkPtr net = NULL;
    g_autofree char *link = g_build_filename(root, "etc", "network", "autostart", "vfpool.xml", NULL);
    g_autofree char *marker = g_build_filename(root, "run", "network", "autostarted", NULL);
    int autostart = -1;
    int ret = -1;

    if (testOpenNetwork(&conn, &net, "vfpool") < 0)
        goto cleanup;
    if (virNetworkGetAutostart(net, &autostart) < 0 || autostart != 0)
        goto cleanup;
    if (virNetworkSetAutostart(net, 1) < 0 || !virFileExists(link) ||
        virNetworkGetAutostart(net, &autostart) < 0 || autostart != 1) {
        printf("#   autostart not recorded\n");
        goto cleanup;
    }
    testClose(&conn, &net);

    /* the root was already opened during this run: no autostart */
    if (testOpenNetwork(&conn, &net, "vfpool") < 0)
        goto cleanup;
    if (virNetworkIsActive(net) != 0) {
        printf("#   autostarted twice in one run of the root\n");
        goto cleanup;
    }
    testClose(&conn, &net);

    /* a fresh run/ (host reboot): opening the root starts it */
    if (virFileRemove(marker) < 0 || testOpenNetwork(&conn, &net, "vfpool") < 0)
        goto cleanup;
    if (virNetworkIsActive(net) != 1) {
        printf("#   autostart network not started when the root was opened\n");
        goto cleanup;
    }
    if (virNetworkSetAutostart(net, 0) < 0 || virFileExists(link))
        goto cleanup;
    ret = 0;

 cleanup:
    testClose(&conn, &net);
    return ret;
}

static int
testUndefineActive(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = NULL;
    virNetworkPtr net = NULL;
    virNetworkPtr *nets = NULL;
    g_autofree char *cfg = g_build_filename(root, "lib", "network", "vfpool.xml", NULL);
    int n = -1;
    int ret = -1;
    int i;

    if (testOpenNetwork(&conn, &net, "vfpool") < 0)
        goto cleanup;
    if (virNetworkUndefine(net) < 0)
        goto cleanup;
    if (virFileExists(cfg) || virNetworkIsPersistent(net) != 0 || virNetworkIsActive(net) != 1) {
        printf("#   undefining an active network must leave it running, transient\n");
        goto cleanup;
    }
    if ((n = virConnectListAllNetworks(conn, &nets, VIR_CONNECT_LIST_NETWORKS_TRANSIENT)) != 1) {
        printf("#   %d transient networks listed, expected 1\n", n);
        goto cleanup;
    }
    if (virNetworkSetAutostart(net, 1) == 0 ||
        virTestExpectError("autostart transient", "transient") < 0)
        goto cleanup;
    if (virNetworkDestroy(net) < 0)
        goto cleanup;
    virNetworkFree(net);
    if ((net = virNetworkLookupByName(conn, "vfpool"))) {
        printf("#   transient network still exists after destroy\n");
        goto cleanup;
    }
    if (virTestExpectError("lookup", "no network with matching name 'vfpool'") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    for (i = 0; nets && i < n; i++)
        virNetworkFree(nets[i]);
    g_free(nets);
    testClose(&conn, &net);
    return ret;
}

static int
testStartErrors(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net = NULL;
    int ret = -1;

    if (!conn)
        return -1;
    if (testStartFails(conn, "<network><name>nopf</name><forward mode='hostdev'>"
                             "<pf dev='ens9'/></forward></network>",
                       "missing PF", "network 'nopf': physical function 'ens9' does not exist") < 0 ||
        testStartFails(conn, "<network><name>novfs</name><forward mode='hostdev'>"
                             "<pf dev='pfnovfs'/></forward></network>",
                       "PF without VFs", "network 'novfs': physical function 'pfnovfs' has no VFs") < 0)
        goto cleanup;

    /* bad XML is rejected at define with the parser's message */
    if (virNetworkDefineXML(conn, "<network><name>x</name><forward mode='hostdev'>"
                                  "<pf dev='a'/><pf dev='b'/></forward></network>") ||
        virTestExpectError("two pf", "more than one <pf>") < 0)
        goto cleanup;
    if (virNetworkDefineXMLFlags(conn, "<network><name>x</name><forward mode='hostdev'>"
                                       "<pf dev='a'/></forward><foo/></network>",
                                 VIR_NETWORK_DEFINE_VALIDATE) ||
        virGetLastErrorCode() != VIR_ERR_XML_INVALID_SCHEMA) {
        printf("#   schema validation did not reject an unknown element\n");
        goto cleanup;
    }
    virResetLastError();
    /* a redefinition without <uuid> keeps the network's uuid */
    if (!(net = virNetworkDefineXML(conn, poolXML)))
        goto cleanup;
    virNetworkFree(net);
    if (!(net = virNetworkDefineXML(conn, "<network><name>vfpool</name><forward mode='hostdev'>"
                                          "<pf dev='pf0'/></forward></network>")))
        goto cleanup;
    {
        char uuid[VIR_UUID_STRING_BUFLEN];

        if (virNetworkGetUUIDString(net, uuid) < 0 ||
            STRNEQ(uuid, "4f509714-0cb7-4825-8209-cb960ac5b566")) {
            printf("#   redefinition without <uuid> changed the uuid\n");
            goto cleanup;
        }
    }
    /* a network may not steal another's uuid, nor change its own */
    if (virNetworkDefineXML(conn, "<network><name>other</name>"
                                  "<uuid>4f509714-0cb7-4825-8209-cb960ac5b566</uuid>"
                                  "<forward mode='hostdev'><pf dev='pf0'/></forward></network>") ||
        virTestExpectError("uuid clash", "already has uuid") < 0)
        goto cleanup;
    if (virNetworkDefineXML(conn, "<network><name>vfpool</name>"
                                  "<uuid>00000000-0cb7-4825-8209-cb960ac5b566</uuid>"
                                  "<forward mode='hostdev'><pf dev='pf0'/></forward></network>") ||
        virTestExpectError("uuid change", "already exists with uuid") < 0)
        goto cleanup;
    /* two pools may not share a VF */
    if (virNetworkCreate(net) < 0)
        goto cleanup;
    if (virNetworkCreateXML(conn, "<network><name>overlap</name><forward mode='hostdev'>"
                                  "<address type='pci' domain='0' bus='3' slot='7' function='5'/>"
                                  "</forward></network>") ||
        virTestExpectError("overlap", "VF 0000:03:07.5 already belongs to active network 'vfpool'") < 0)
        goto cleanup;
    /* networks that need their own bridge cannot be started here */
    if (virNetworkCreateXML(conn, "<network><name>nat</name><forward mode='nat'/></network>") ||
        virTestExpectError("nat", "is not supported") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    testClose(&conn, &net);
    return ret;
}

static int
testList(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net = NULL;
    virNetworkPtr *nets = NULL;
    g_autofree char *names = NULL;
    g_autoptr(GString) got = g_string_new(NULL);
    struct { unsigned int flags; const char *expect; } cases[] = {
        { 0, "br vfpool" },
        { VIR_CONNECT_LIST_NETWORKS_ACTIVE, "vfpool" },
        { VIR_CONNECT_LIST_NETWORKS_INACTIVE, "br" },
        { VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE, "br vfpool" },
        { VIR_CONNECT_LIST_NETWORKS_AUTOSTART, "br" },
        { VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, "vfpool" },
        { VIR_CONNECT_LIST_NETWORKS_PERSISTENT | VIR_CONNECT_LIST_NETWORKS_INACTIVE, "br" },
        { VIR_CONNECT_LIST_NETWORKS_TRANSIENT, "" },
    };
    size_t c;
    int ret = -1;

    if (!conn)
        return -1;
    if (!(net = virNetworkDefineXML(conn, "<network><name>br</name><forward mode='bridge'/>"
                                          "<bridge name='br0'/></network>")) ||
        virNetworkSetAutostart(net, 1) < 0)
        goto cleanup;
    for (c = 0; c < G_N_ELEMENTS(cases); c++) {
        int n = virConnectListAllNetworks(conn, &nets, cases[c].flags);
        int i;

        g_string_truncate(got, 0);
        for (i = 0; i < n; i++) {
            g_string_append_printf(got, "%s%s", i ? " " : "", virNetworkGetName(nets[i]));
            virNetworkFree(nets[i]);
        }
        g_clear_pointer(&nets, g_free);
        if (n < 0 || STRNEQ(got->str, cases[c].expect)) {
            printf("#   flags 0x%x: got \"%s\", expected \"%s\"\n",
                   cases[c].flags, got->str, cases[c].expect);
            goto cleanup;
        }
    }
    if (virConnectListAllNetworks(conn, NULL, 0) != 2)
        goto cleanup;
    if (virNetworkCreate(net) < 0 || virNetworkDestroy(net) < 0)
        goto cleanup;
    if (networkIsHostdevPool(testDriver(conn), "br", NULL) != 0)
        goto cleanup;
    if (!(names = virNetworkGetBridgeName(net)) || STRNEQ(names, "br0"))
        goto cleanup;
    ret = 0;

 cleanup:
    testClose(&conn, &net);
    return ret;
}

/* Processes allocating from one root at once never get the same VF. */
static int
testParallel(const void *opaque G_GNUC_UNUSED)
{
    enum { NCHILD = 12 };   /* more than the pool holds */
    int fds[2];
    pid_t pids[NCHILD];
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char buf[64 * NCHILD];
    size_t len = 0;
    ssize_t got;
    int ok = 0, exhausted = 0;
    size_t i;
    g_auto(GStrv) lines = NULL;

    if (pipe(fds) < 0)
        return -1;
    for (i = 0; i < NCHILD; i++) {
        if ((pids[i] = fork()) == 0) {
            /* child: its own driver state, same root */
            virConnectPtr conn;
            virPCIDeviceAddress vf;
            g_autofree char *owner = g_strdup_printf("child%zu", i);
            g_autofree char *line = NULL;

            close(fds[0]);
            if (!(conn = virConnectOpen(uri)))
                _exit(2);
            if (networkAllocateVF(testDriver(conn), "vfpool", owner, "guest", &vf, NULL) < 0)
                line = g_strdup_printf("exhausted %s\n",
                                       strstr(virGetLastErrorMessage(), "vfpool") ? "named" : "unnamed");
            else
                line = g_strdup_printf("%04x:%02x:%02x.%x\n", vf.domain, vf.bus, vf.slot, vf.function);
            if (write(fds[1], line, strlen(line)) < 0)
                _exit(3);
            virConnectClose(conn);
            _exit(0);
        }
    }
    close(fds[1]);
    while ((got = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += got;
    buf[len] = '\0';
    close(fds[0]);
    for (i = 0; i < NCHILD; i++) {
        int status;

        if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("#   child %zu failed\n", i);
            return -1;
        }
    }
    lines = g_strsplit(buf, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        if (STREQ(lines[i], "exhausted named")) {
            exhausted++;
        } else if (!g_hash_table_add(seen, g_strdup(lines[i]))) {
            printf("#   VF %s given to two processes\n", lines[i]);
            return -1;
        } else {
            ok++;
        }
    }
    if (ok != NVFS || exhausted != NCHILD - NVFS) {
        printf("#   %d allocations and %d exhaustion errors, expected %d and %d:\n",
               ok, exhausted, NVFS, NCHILD - NVFS);
        for (i = 0; lines[i]; i++)
            printf("#     %s\n", lines[i]);
        return -1;
    }
    return 0;
}

/* A VF held outside the pool (a domain names it directly) is never
 * handed out, and the pool says so when it has nothing else; the VFs it
 * does hand out get an ownership record naming the pool. */
static int
testHeldOutside(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    g_autofree char *dir = g_build_filename(root, "run", "hostdev", NULL);
    g_autoptr(virHostdevOwner) h2 = virHostdevOwnerNew("qemu/U2/2/hostdev", "h2", NULL);
    g_autoptr(virHostdevOwner) rec = NULL;
    virPCIDeviceAddress held, vf, peek;
    bool managed;
    size_t i;
    int ret = -1;

    if (!conn)
        return -1;
    /* whatever the earlier cases left goes back first */
    if (networkReconcileVFs(testDriver(conn), testNobodyAlive, NULL) < 0)
        goto cleanup;
    /* the VF the pool would give next is taken by a domain naming it */
    if (networkPeekVF(testDriver(conn), "vfpool", 0, &held, &managed) < 0 ||
        virHostdevOwnerAcquire(dir, &held, h2) < 0)
        goto cleanup;
    if (networkPeekVF(testDriver(conn), "vfpool", 0, &peek, &managed) < 0 ||
        virPCIDeviceAddressEqual(&peek, &held)) {
        printf("#   the preview still offers the held VF\n");
        goto cleanup;
    }
    for (i = 0; i < NVFS - 1; i++) {
        g_autofree char *owner = g_strdup_printf("qemu/U1/1/52:54:00:00:00:%02zx", i);

        if (networkAllocateVF(testDriver(conn), "vfpool", owner, "a1", &vf, NULL) < 0)
            goto cleanup;
        if (virPCIDeviceAddressEqual(&vf, &held)) {
            printf("#   the pool handed out the VF h2 holds\n");
            goto cleanup;
        }
        g_clear_pointer(&rec, virHostdevOwnerFree);
        if (virHostdevOwnerGet(dir, &vf, &rec) != 1 || STRNEQ(rec->holder, owner) ||
            STRNEQ(rec->domain, "a1") || STRNEQ_NULLABLE(rec->network, "vfpool")) {
            printf("#   the allocated VF has no record naming a1 and vfpool\n");
            goto cleanup;
        }
    }
    if (networkAllocateVF(testDriver(conn), "vfpool", "qemu/U1/1/52:54:00:00:00:ff", "a1",
                          &vf, NULL) == 0 ||
        virTestExpectError("only a held VF left",
                        "network 'vfpool' has no free VF: 7 of its 8 VFs are in use by its guests and 1 held outside the pool") < 0)
        goto cleanup;
    g_clear_pointer(&rec, virHostdevOwnerFree);
    if (virHostdevOwnerGet(dir, &held, &rec) != 1 || STRNEQ(rec->domain, "h2")) {
        printf("#   the failed allocation touched h2's record\n");
        goto cleanup;
    }
    /* h2 lets it go: the pool gives it, and a release drops the record */
    if (virHostdevOwnerRelease(dir, &held, h2->holder) != 1 ||
        networkAllocateVF(testDriver(conn), "vfpool", "qemu/U1/1/52:54:00:00:00:ff", "a1",
                          &vf, NULL) < 0 ||
        !virPCIDeviceAddressEqual(&vf, &held))
        goto cleanup;
    if (networkReleaseVF(testDriver(conn), "vfpool", "qemu/U1/1/52:54:00:00:00:ff", &vf) != 1 ||
        virHostdevOwnerGet(dir, &vf, &rec) != 0) {
        printf("#   the release left the VF's record\n");
        goto cleanup;
    }
    /* a dead owner's VFs leave the pool and their records together */
    if (networkReconcileVFs(testDriver(conn), testNobodyAlive, NULL) < 0)
        goto cleanup;
    {
        g_autofree virPCIDeviceAddress *left = NULL;
        size_t nleft;

        if (virHostdevStateList(dir, ".owner", &left, &nleft) < 0 || nleft != 0) {
            printf("#   %zu records left after the owners were found gone\n", nleft);
            goto cleanup;
        }
    }
    ret = 0;

 cleanup:
    virConnectClose(conn);
    return ret;
}

static int
mymain(void)
{
    g_autofree char *sysfs = NULL;
    g_autofree char *conf = NULL;
    g_autofree char *confdata = NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *etc = NULL;
    int ret = 0;

    virSetErrorFunc(NULL, testQuietError);
    if (!(tmpdir = g_dir_make_tmp("networkdrivertest-XXXXXX", NULL)))
        return -1;
    root = g_build_filename(tmpdir, "root", NULL);
    sysfs = g_build_filename(tmpdir, "sys", NULL);
    conf = g_build_filename(root, "etc", "network.conf", NULL);
    etc = g_build_filename(root, "etc", NULL);
    confdata = g_strdup_printf("# fake SR-IOV host\nsysfs_root = \"%s\"\n", sysfs);
    if (virSRIOVSimPF(sysfs, "pf0", 3, NVFS, NVFS) < 0 ||
        virSRIOVSimPF(sysfs, "pfnovfs", 4, 0, 8) < 0 ||
        virFileMakePath(etc, 0700) < 0 ||
        virFileWriteStrAtomic(conf, confdata, 0600) < 0) {
        printf("# cannot create the fake host: %s\n", virGetLastErrorMessage());
        return -1;
    }
    escaped = g_uri_escape_string(root, "/", FALSE);
    uri = g_strdup_printf("qemu:///embed?root=%s", escaped);

    virTestRun("define and start a PF pool", testDefineStart, NULL);
    virTestRun("allocate every VF, exhaust, release", testAllocate, NULL);
    virTestRun("allocations persist across reopen", testReopen, NULL);
    virTestRun("reconcile dead owners, destroy", testReconcileDestroy, NULL);
    virTestRun("autostart when the root is opened", testAutostart, NULL);
    virTestRun("undefine an active network", testUndefineActive, NULL);
    virTestRun("start and define errors", testStartErrors, NULL);
    virTestRun("list with filters", testList, NULL);
    virTestRun("parallel processes never share a VF", testParallel, NULL);
    virTestRun("a VF held outside the pool is skipped", testHeldOutside, NULL);

    if (!g_getenv("VIR_TEST_KEEP_TMP") && virFileDeleteTree(tmpdir) < 0)
        ret = -1;
    return ret;
}

VIR_TEST_MAIN(mymain)
