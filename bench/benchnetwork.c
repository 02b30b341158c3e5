/*
 * benchnetwork.c: speed of the network driver on a simulated SR-IOV host
 *
 *   1. net-start + net-destroy of a hostdev network on a PF with 256 VFs
 *      (sysfs discovery, pool creation, status file written with fsync);
 *   2. networkAllocateVF + networkReleaseVF through the driver (root
 *      flock, generation check, pool, persistence) on that pool, and
 *      the same with the pool size grown to 8 PFs x 256 VFs.
 *
 * The simulated host's sysfs tree (tools/virsriovsim.h) lives in a temp
 * dir. Prints numbers; never fails on time.
 */
#include "internal.h"

#include "datatypes.h"
#include "network/network_driver.h"
#include "virerror.h"
#include "virfile.h"
#include "tools/virsriovsim.h"

static double
benchNow(void)
{
    return g_get_monotonic_time() / 1000.0;
}

static int
benchAllocRelease(virConnectPtr conn, const char *netname, unsigned int rounds)
{
    virNetworkDriverState *driver = conn->networkPrivateData;
    virPCIDeviceAddress vf;
    double t0 = benchNow();
    unsigned int i;

    for (i = 0; i < rounds; i++) {
        if (networkAllocateVF(driver, netname, "bench", "bench", &vf, NULL) < 0 ||
            networkReleaseVF(driver, netname, "bench", &vf) < 0)
            return -1;
    }
    printf("  %s: %u allocate+release pairs: %.1f us per pair\n",
           netname, rounds, (benchNow() - t0) * 1000.0 / rounds);
    return 0;
}

int
main(void)
{
    g_autofree char *tmp = g_dir_make_tmp("benchnetwork-XXXXXX", NULL);
    g_autofree char *root = g_build_filename(tmp, "root", NULL);
    g_autofree char *sysfs = g_build_filename(tmp, "sys", NULL);
    g_autofree char *conf = g_build_filename(root, "etc", "network.conf", NULL);
    g_autofree char *confdata = g_strdup_printf("sysfs_root = \"%s\"\n", sysfs);
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    g_autofree char *uri = NULL;
    g_autofree char *cmd = NULL;
    virConnectPtr conn = NULL;
    virNetworkPtr nets[8] = { NULL };
    double t0, best = 1e9, total = 0;
    unsigned int i;
    int rounds = 20;
    int ret = 1;

    if (!tmp || virFileMakePath(etc, 0700) < 0 ||
        virFileWriteStrAtomic(conf, confdata, 0600) < 0)
        goto cleanup;
    for (i = 0; i < 8; i++) {
        g_autofree char *pf = g_strdup_printf("pf%u", i);

        /* VFs 199 to 255 are on the next bus */
        if (virSRIOVSimPF(sysfs, pf, 0x10 + 2 * i, 256, 256) < 0)
            goto cleanup;
    }
    uri = g_strdup_printf("qemu:///embed?root=%s", root);
    if (!(conn = virConnectOpen(uri)))
        goto cleanup;

    for (i = 0; i < 8; i++) {
        g_autofree char *xml = g_strdup_printf("<network><name>pool%u</name>"
                                               "<forward mode='hostdev' managed='yes'>"
                                               "<pf dev='pf%u'/></forward></network>", i, i);

        if (!(nets[i] = virNetworkDefineXML(conn, xml)))
            goto cleanup;
    }

    printf("net-start + net-destroy of a 256-VF PF (%d rounds):\n", rounds);
    for (i = 0; i < (unsigned int)rounds; i++) {
        double start;

        t0 = benchNow();
        if (virNetworkCreate(nets[0]) < 0)
            goto cleanup;
        start = benchNow() - t0;
        if (virNetworkDestroy(nets[0]) < 0)
            goto cleanup;
        best = MIN(best, start);
        total += start;
    }
    printf("  net-start: best %.2f ms, mean %.2f ms\n", best, total / rounds);

    printf("allocation through the driver:\n");
    if (virNetworkCreate(nets[0]) < 0 || benchAllocRelease(conn, "pool0", 10000) < 0)
        goto cleanup;
    for (i = 1; i < 8; i++) {
        if (virNetworkCreate(nets[i]) < 0)
            goto cleanup;
    }
    printf("  (8 active pools of 256 VFs = 2048 VFs)\n");
    if (benchAllocRelease(conn, "pool0", 10000) < 0 ||
        benchAllocRelease(conn, "pool7", 10000) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    if (ret != 0)
        fprintf(stderr, "benchnetwork: %s\n", virGetLastErrorMessage());
    for (i = 0; i < 8; i++) {
        if (nets[i])
            virNetworkFree(nets[i]);
    }
    if (conn)
        virConnectClose(conn);
    if (tmp) {
        cmd = g_strdup_printf("rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            ret = 1;
    }
    return ret;
}
