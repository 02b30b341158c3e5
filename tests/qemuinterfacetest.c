/*
 * qemuinterfacetest.c: the QEMU driver's interface preparation and release
 * on a simulated SR-IOV host, without a guest
 *
 *   qemuinterfacetest VIRT-SRIOV-SIM
 *
 * virt-sriov-sim makes ROOT (a PF with two VFs, the "simulated" VF config
 * backend); the pool network 'vfpool' is defined and started through the
 * public API; a driver for ROOT then prepares and releases the interface
 * of a domain as start, hot-unplug and stop do (qemu_interface.h). The
 * VF's admin MAC is read from the simulated sysfs: the guest's while the
 * interface is prepared, the VF's own again after release, and a late
 * release of a VF that has been handed to another domain leaves it alone.
 */
#include "internal.h"

#include "datatypes.h"
#include "hypervisor/virhostdev_vf.h"
#include "network/network_driver.h"
#include "qemu/qemu_conf.h"
#include "qemu/qemu_interface.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

#define VF "0000:03:07.1"

static char *root;
static virQEMUDriver *driver;

static const char *poolXML =
    "<network>\n"
    "  <name>vfpool</name>\n"
    "  <forward mode='hostdev' managed='yes'>\n"
    "    <pf dev='ens1f0'/>\n"
    "  </forward>\n"
    "</network>\n";

/* A domain with one interface on 'vfpool' with MAC 52:54:00:00:00:@n. */
static virDomainDef *
testDomain(unsigned int n)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>d%u</name>\n"
        "  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-0000000004%02u</uuid>\n"
        "  <memory unit='MiB'>64</memory>\n"
        "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
        "  <devices>\n"
        "    <interface type='network'>\n"
        "      <mac address='52:54:00:00:00:%02u'/>\n"
        "      <source network='vfpool'/>\n"
        "    </interface>\n"
        "  </devices>\n"
        "</domain>\n", n, n, n);
    virDomainDef *def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE);

    if (!def)
        printf("#   cannot parse domain d%u: %s\n", n, virGetLastErrorMessage());
    else
        def->id = (int)n;
    return def;
}

static char *
testVFMac(void)
{
    g_autofree char *path = g_strdup_printf("%s/sim/sys/bus/pci/devices/" VF "/sim_admin_mac", root);
    g_autofree char *mac = NULL;

    if (virFileReadAll(path, 64, &mac) < 0) {
        virResetLastError();
        return g_strdup("(unreadable)");
    }
    return g_strdup(g_strstrip(mac));
}

static int
testCheck(const char *what, const char *wantMac, unsigned int wantUsed)
{
    g_autofree char *mac = testVFMac();
    unsigned int used = 0;

    if (networkGetConnections(driver->network, "vfpool", &used) < 0) {
        printf("#   %s: connections of vfpool: %s\n", what, virGetLastErrorMessage());
        return -1;
    }
    if (STRNEQ(mac, wantMac) || used != wantUsed) {
        printf("#   %s: VF " VF " has MAC %s with %u VF(s) in use, expected %s and %u\n",
               what, mac, used, wantMac, wantUsed);
        return -1;
    }
    return 0;
}

static char *vfOwnMac;

static int
testReleaseRestores(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virDomainDef) def = testDomain(1);

    if (!def)
        return -1;
    if (qemuInterfacePrepare(driver, def, def->nets[0]) < 0) {
        printf("#   prepare: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testCheck("prepared", "52:54:00:00:00:01", 1) < 0)
        return -1;
    /* what a hot-unplug (and a stop) does once QEMU let the device go */
    qemuInterfaceRelease(driver, def, def->nets[0]);
    if (testCheck("released", vfOwnMac, 0) < 0)
        return -1;
    if (def->nets[0]->actual) {
        printf("#   the released interface still records its VF\n");
        return -1;
    }
    return 0;
}

static int
testLateReleaseLeavesNewHolder(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virDomainDef) first = testDomain(2);
    g_autoptr(virDomainDef) second = testDomain(3);
    virPCIDeviceAddress vf;
    int ret = -1;

    if (!first || !second)
        return -1;
    if (qemuInterfacePrepare(driver, first, first->nets[0]) < 0) {
        printf("#   prepare d2: %s\n", virGetLastErrorMessage());
        return -1;
    }
    vf = first->nets[0]->actual->hostdev.source;
    qemuInterfaceRelease(driver, first, first->nets[0]);
    if (qemuInterfacePrepare(driver, second, second->nets[0]) < 0) {
        printf("#   prepare d3: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testCheck("d3 took the VF d2 gave back", "52:54:00:00:00:03", 1) < 0)
        goto cleanup;
    /* d2 releases again, naming its old VF (a stale status, a repeated
     * cleanup): d3's MAC stays and the VF stays taken */
    virDomainNetSetActualHostdev(first, first->nets[0], &vf, true);
    qemuInterfaceRelease(driver, first, first->nets[0]);
    if (testCheck("after d2 released its VF again", "52:54:00:00:00:03", 1) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuInterfaceRelease(driver, second, second->nets[0]);
    return ret;
}

static int
testSetup(const char *sim)
{
    g_autofree char *uri = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;
    const char *simArgv[] = { sim, "--root", root, "--pf", "ens1f0", "--vfs", "2", NULL };
    virConnectPtr conn = NULL;
    virNetworkPtr net = NULL;
    int status = 0;
    int ret = -1;

    if (!g_spawn_sync(NULL, (char **)simArgv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &out, &status, &err) || !g_spawn_check_wait_status(status, &err)) {
        printf("# %s failed: %s\n", sim, err->message);
        return -1;
    }
    vfOwnMac = testVFMac();
    uri = g_strdup_printf("qemu:///embed?root=%s", root);
    if (!(conn = virConnectOpen(uri)) ||
        !(net = virNetworkDefineXML(conn, poolXML)) ||
        virNetworkCreate(net) < 0) {
        printf("# pool network: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    driver = g_new0(virQEMUDriver, 1);
    driver->domainLockFd = -1;
    if (!(driver->config = virQEMUDriverConfigNew(root)) ||
        !(driver->network = networkDriverStateGet(root))) {
        printf("# driver for %s: %s\n", root, virGetLastErrorMessage());
        goto cleanup;
    }
    if (driver->config->vfConfigBackend != VIR_HOSTDEV_VF_BACKEND_SIMULATED) {
        printf("# %s/etc/qemu.conf does not select the simulated VF backend\n", root);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    if (net)
        virNetworkFree(net);
    if (conn)
        virConnectClose(conn);
    return ret;
}

static int
mymain(void)
{
    const char *sim = g_getenv("VIRT_SRIOV_SIM");
    int ret = 0;

    root = g_strdup("/tmp/qemuinterfacetest.XXXXXX");
    if (!sim || !g_mkdtemp(root)) {
        printf("# VIRT_SRIOV_SIM must name virt-sriov-sim\n");
        return -1;
    }
    if (testSetup(sim) < 0) {
        ret = -1;
    } else {
        virTestRun("a VF released at runtime gets its own MAC back", testReleaseRestores, NULL);
        virTestRun("a late release leaves the VF's new holder alone", testLateReleaseLeavesNewHolder, NULL);
    }
    if (driver) {
        networkDriverStateUnref(driver->network);
        virQEMUDriverConfigFree(driver->config);
        g_free(driver);
    }
    virFileDeleteTree(root);
    g_free(root);
    g_free(vfOwnMac);
    return ret;
}

VIR_TEST_MAIN(mymain)
