/*
 * benchnetwork.c: speed of the network driver on a fake SR-IOV host
 *
 *   1. net-start + net-destroy of a hostdev network on a PF with 256 VFs
 *      (sysfs discovery, pool creation, status file written with fsync);
 *   2. networkAllocateVF + networkReleaseVF through the driver (root
 *      flock, generation check, pool, persistence) on that pool, and
 *      the same with the pool size grown to 8 PFs x 256 VFs.
 *
 * The sysfs tree lives in a temp dir. Prints numbers; never fails on time.
 */
#include "internal.h"

#include "datatypes.h"
#include "network/network_driver.h"
#include "virerror.h"
#include "virfile.h"

static int
benchMakePF(const char *sysfs, unsigned int pfidx, unsigned int nvfs)
{
    g_autofree char *pfname = g_strdup_printf("0000:%02x:00.0", 0x10 + pfidx);
    g_autofree char *pf = g_build_filename(sysfs, "devices", pfname, NULL);
    g_autofree char *netdir = g_strdup_printf("%s/class/net/pf%u", sysfs, pfidx);
    g_autofree char *link = g_build_filename(netdir, "device", NULL);
    g_autofree char *target = g_strdup_printf("../../../devices/%s", pfname);
    g_autofree char *total = g_build_filename(pf, "sriov_totalvfs", NULL);
    g_autofree char *cnt = g_strdup_printf("%u\n", nvfs);
    unsigned int i;

    if (virFileMakePath(pf, 0755) < 0 || virFileMakePath(netdir, 0755) < 0 ||
        virFileWriteStrAtomic(total, cnt, 0644) < 0 || symlink(target, link) < 0)
        return -1;
    for (i = 0; i < nvfs; i++) {
        /* VFs on bus 0x80+pf: slot i/8, function i%8 */
        g_autofree char *vfname = g_strdup_printf("0000:%02x:%02x.%u", 0x80 + pfidx, i / 8, i % 8);
        g_autofree char *vf = g_build_filename(sysfs, "devices", vfname, NULL);
        g_autofree char *physfn = g_build_filename(vf, "physfn", NULL);
        g_autofree char *physt = g_strdup_printf("../%s", pfname);
        g_autofree char *virtfn = g_strdup_printf("%s/virtfn%u", pf, i);
        g_autofree char *vft = g_strdup_printf("../%s", vfname);

        if (virFileMakePath(vf, 0755) < 0 || symlink(physt, physfn) < 0 ||
            symlink(vft, virtfn) < 0)
            return -1;
    }
    return 0;
}

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
        if (benchMakePF(sysfs, i, 256) < 0)
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
