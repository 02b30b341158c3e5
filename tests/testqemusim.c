/*
 * testqemusim.c: a QEMU driver for a simulated SR-IOV host
 */
#include "internal.h"

#include "datatypes.h"
#include "hypervisor/virhostdev_vf.h"
#include "network/network_driver.h"
#include "testqemusim.h"
#include "virerror.h"
#include "virfile.h"

static const char *testQEMUSimPoolXML =
    "<network>\n"
    "  <name>vfpool</name>\n"
    "  <forward mode='hostdev' managed='yes'>\n"
    "    <pf dev='ens1f0'/>\n"
    "  </forward>\n"
    "</network>\n";

void
testQEMUSimFree(testQEMUSim *sim)
{
    if (!sim)
        return;
    if (sim->driver) {
        networkDriverStateUnref(sim->driver->network);
        virRootLockFree(sim->driver->rootLock);
        virDomainObjListFree(sim->driver->domains);
        virQEMUDriverConfigFree(sim->driver->config);
        g_free(sim->driver);
    }
    if (sim->root)
        virFileDeleteTree(sim->root);
    g_free(sim->root);
    g_free(sim);
}

static int
testQEMUSimPool(const char *root)
{
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    virConnectPtr conn = NULL;
    virNetworkPtr net = NULL;
    int ret = -1;

    if (!(conn = virConnectOpen(uri)) ||
        !(net = virNetworkDefineXML(conn, testQEMUSimPoolXML)) ||
        virNetworkCreate(net) < 0)
        printf("# pool network: %s\n", virGetLastErrorMessage());
    else
        ret = 0;
    if (net)
        virNetworkFree(net);
    if (conn)
        virConnectClose(conn);
    return ret;
}

testQEMUSim *
testQEMUSimNew(unsigned int nvfs)
{
    g_autoptr(testQEMUSim) sim = g_new0(testQEMUSim, 1);
    const char *tool = g_getenv("VIRT_SRIOV_SIM");
    g_autofree char *vfs = g_strdup_printf("%u", nvfs);
    g_autoptr(GError) err = NULL;
    int status = 0;

    sim->root = g_strdup("/tmp/testqemusim.XXXXXX");
    if (!tool || !g_mkdtemp(sim->root)) {
        printf("# VIRT_SRIOV_SIM must name virt-sriov-sim\n");
        g_clear_pointer(&sim->root, g_free);
        return NULL;
    }
    {
        const char *argv[] = { tool, "--root", sim->root, "--pf", "ens1f0", "--vfs", vfs, NULL };

        if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                          NULL, NULL, &status, &err) || !g_spawn_check_wait_status(status, &err)) {
            printf("# %s failed: %s\n", tool, err->message);
            return NULL;
        }
    }
    if (testQEMUSimPool(sim->root) < 0)
        return NULL;
    sim->driver = g_new0(virQEMUDriver, 1);
    g_mutex_init(&sim->driver->capsLock);
    sim->driver->domains = virDomainObjListNew();
    if (!(sim->driver->config = virQEMUDriverConfigNew(sim->root)) ||
        virQEMUDriverConfigMakeDirs(sim->driver->config) < 0 ||
        !(sim->driver->rootLock = virRootLockNew(sim->driver->config->domainLockFile)) ||
        !(sim->driver->network = networkDriverStateGet(sim->root))) {
        printf("# driver for %s: %s\n", sim->root, virGetLastErrorMessage());
        return NULL;
    }
    if (sim->driver->config->vfConfigBackend != VIR_HOSTDEV_VF_BACKEND_SIMULATED) {
        printf("# %s/etc/qemu.conf does not select the simulated VF backend\n", sim->root);
        return NULL;
    }
    return g_steal_pointer(&sim);
}

char *
testQEMUSimVFMac(testQEMUSim *sim, const char *vf)
{
    g_autofree char *path = g_strdup_printf("%s/sim/sys/bus/pci/devices/%s/sim_admin_mac",
                                            sim->root, vf);
    g_autofree char *mac = NULL;

    if (virFileReadAll(path, 64, &mac) < 0) {
        virResetLastError();
        return g_strdup("(unreadable)");
    }
    return g_strdup(g_strstrip(mac));
}

int
testQEMUSimCheckVF(testQEMUSim *sim, const char *what, const char *vf,
                   const char *mac, unsigned int used)
{
    g_autofree char *got = testQEMUSimVFMac(sim, vf);
    unsigned int n = 0;

    if (networkGetConnections(sim->driver->network, "vfpool", &n) < 0) {
        printf("#   %s: connections of vfpool: %s\n", what, virGetLastErrorMessage());
        return -1;
    }
    if (STRNEQ(got, mac) || n != used) {
        printf("#   %s: VF %s has MAC %s with %u VF(s) in use, expected %s and %u\n",
               what, vf, got, n, mac, used);
        return -1;
    }
    return 0;
}
