/*
 * benchnodedev.c: cost of listing and describing node devices
 *
 * A simulated SR-IOV host (tools/virsriovsim.h) with 2 PFs x 64 VFs,
 * each VF with its own network interface as iavf gives it (class/net
 * link, address): 130 PCI functions and 130 interfaces, plus the host.
 * Timed, in the embedded driver (qemu:///embed?root=...) and through a
 * virtqemud serving the same root (its socket, our client library):
 *   - virConnectListAllNodeDevices with what virsh nodedev-list sends
 *     (VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE), handles freed: the cost of
 *     nodedev-list (goal: at most 5 ms);
 *   - the same filtered to PCI functions (nodedev-list --cap pci);
 *   - virNodeDeviceGetXMLDesc of a PF with 64 VFs (nodedev-dumpxml);
 *   - in the embedded driver, with the simulated kernel serving the tree
 *     (virsriovsimserver.h, in a thread), nodedev-detach + nodedev-reattach
 *     of one VF (iavf -> vfio-pci -> iavf): its cost is mostly the
 *     simulated kernel's reaction to each write, which the driver waits for.
 *
 * usage: benchnodedev [VIRTQEMUD]   (default: ../src/virtqemud next to
 *        this program in the build tree). Prints numbers; never fails on
 *        time.
 */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "tools/virsriovsim.h"
#include "tools/virsriovsimserver.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define BENCH_PFS 2
#define BENCH_VFS 64
#define BENCH_ROUNDS 200

static double
benchNow(void)
{
    return g_get_monotonic_time() / 1000.0;
}

static int
benchCmp(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : x > y;
}

typedef int (*benchFunc)(virConnectPtr conn);

static int
benchListAll(virConnectPtr conn, unsigned int flags)
{
    virNodeDevicePtr *devs = NULL;
    int n = virConnectListAllNodeDevices(conn, &devs, flags);
    int i;

    for (i = 0; i < n; i++)
        virNodeDeviceFree(devs[i]);
    free(devs);
    return n;
}

static int
benchList(virConnectPtr conn)
{
    return benchListAll(conn, VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE);
}

static int
benchListPCI(virConnectPtr conn)
{
    return benchListAll(conn, VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE |
                        VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV);
}

static int
benchDumpPF(virConnectPtr conn)
{
    virNodeDevicePtr dev = virNodeDeviceLookupByName(conn, "pci_0000_10_00_0");
    char *xml;

    if (!dev)
        return -1;
    xml = virNodeDeviceGetXMLDesc(dev, 0);
    virNodeDeviceFree(dev);
    if (!xml)
        return -1;
    free(xml);
    return 0;
}

static int
benchDetachReattach(virConnectPtr conn)
{
    virNodeDevicePtr dev = virNodeDeviceLookupByName(conn, "pci_0000_10_07_1");
    int ret = 0;

    if (!dev)
        return -1;
    if (virNodeDeviceDettach(dev) < 0 || virNodeDeviceReAttach(dev) < 0)
        ret = -1;
    virNodeDeviceFree(dev);
    return ret;
}

static int
benchRun(virConnectPtr conn, const char *where, const char *what, benchFunc func)
{
    double times[BENCH_ROUNDS];
    double total = 0;
    int n = 0;
    size_t i;

    for (i = 0; i < BENCH_ROUNDS; i++) {
        double t0 = benchNow();

        if ((n = func(conn)) < 0)
            return -1;
        times[i] = benchNow() - t0;
        total += times[i];
    }
    qsort(times, BENCH_ROUNDS, sizeof(times[0]), benchCmp);
    printf("  %-9s %-34s median %6.3f ms  mean %6.3f ms  p99 %6.3f ms",
           where, what, times[BENCH_ROUNDS / 2], total / BENCH_ROUNDS,
           times[BENCH_ROUNDS * 99 / 100]);
    if (func != benchDumpPF && func != benchDetachReattach)
        printf("  (%d devices)", n);
    printf("\n");
    return 0;
}

static int
benchAll(virConnectPtr conn, const char *where)
{
    if (benchRun(conn, where, "nodedev-list (list all)", benchList) < 0 ||
        benchRun(conn, where, "nodedev-list --cap pci", benchListPCI) < 0 ||
        benchRun(conn, where, "nodedev-dumpxml of a 64-VF PF", benchDumpPF) < 0)
        return -1;
    return 0;
}

/* VF @i of the PF on @bus gets the interface NAMEvI, linked from
 * class/net as the kernel links a VF's netdev. */
static int
benchVFInterface(const char *sys, unsigned int bus, const char *pf, unsigned int i)
{
    g_autofree char *vf = virSRIOVSimVFAddress(bus, i);
    g_autofree char *ifname = g_strdup_printf("%sv%u", pf, i);
    g_autofree char *dir = g_build_filename(sys, "devices", "pci0000:00", vf, "net", ifname, NULL);
    g_autofree char *addr = g_build_filename(dir, "address", NULL);
    g_autofree char *mac = g_strdup_printf("52:54:00:%02x:00:%02x\n", bus, i);
    g_autofree char *link = g_build_filename(sys, "class", "net", ifname, NULL);
    g_autofree char *target = g_strdup_printf("../../devices/pci0000:00/%s/net/%s", vf, ifname);

    if (virFileMakePath(dir, 0755) < 0 || virFileWriteStrAtomic(addr, mac, 0644) < 0)
        return -1;
    if (symlink(target, link) < 0) {
        virReportSystemError(errno, "cannot link %s", link);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    g_autofree char *tmp = g_dir_make_tmp("benchnodedev-XXXXXX", NULL);
    g_autofree char *root = g_build_filename(tmp, "root", NULL);
    g_autofree char *sysfs = g_build_filename(tmp, "sys", NULL);
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    g_autofree char *conf = g_build_filename(etc, "qemu.conf", NULL);
    g_autofree char *confdata = g_strdup_printf("sysfs_root = \"%s\"\n", sysfs);
    g_autofree char *sock = g_build_filename(root, "run", "virtqemud-sock", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_autofree char *duri = g_strdup_printf("qemu+unix:///system?socket=%s", sock);
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *exedir = exe ? g_path_get_dirname(exe) : g_strdup(".");
    g_autofree char *daemon = argc > 1 ? g_strdup(argv[1])
                                       : g_build_filename(exedir, "..", "src", "virtqemud", NULL);
    g_autofree char *cmd = NULL;
    virConnectPtr conn = NULL;
    pid_t pid = -1;
    unsigned int p;
    unsigned int i;
    int ret = 1;

    if (!tmp || virFileMakePath(etc, 0700) < 0 ||
        virFileWriteStrAtomic(conf, confdata, 0600) < 0)
        goto cleanup;
    for (p = 0; p < BENCH_PFS; p++) {
        g_autofree char *pf = g_strdup_printf("ens%uf0", p + 1);
        unsigned int bus = 0x10 + p;

        if (virSRIOVSimPF(sysfs, pf, bus, BENCH_VFS, BENCH_VFS) < 0)
            goto cleanup;
        for (i = 0; i < BENCH_VFS; i++) {
            if (benchVFInterface(sysfs, bus, pf, i) < 0)
                goto cleanup;
        }
    }

    printf("node devices of a host with %d PFs x %d VFs, each VF with an interface "
           "(%d rounds each):\n", BENCH_PFS, BENCH_VFS, BENCH_ROUNDS);
    if (!(conn = virConnectOpen(uri)) || benchAll(conn, "embedded") < 0)
        goto cleanup;
    {
        g_autoptr(GError) gerr = NULL;
        g_autoptr(virSRIOVSimServer) srv = virSRIOVSimServerStart(tmp, &gerr);

        if (!srv) {
            fprintf(stderr, "benchnodedev: simulated kernel: %s\n", gerr->message);
            goto cleanup;
        }
        if (benchRun(conn, "embedded", "nodedev-detach + nodedev-reattach",
                     benchDetachReattach) < 0)
            goto cleanup;
    }
    virConnectClose(conn);
    conn = NULL;

    if ((pid = fork()) < 0)
        goto cleanup;
    if (pid == 0) {
        execl(daemon, daemon, "--root", root, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 200 && !conn; i++) {
        int status;

        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "benchnodedev: %s exited\n", daemon);
            pid = -1;
            goto cleanup;
        }
        if (virFileExists(sock) && (conn = virConnectOpen(duri)))
            break;
        virResetLastError();
        g_usleep(50 * 1000);
    }
    if (!conn || benchAll(conn, "daemon") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    if (ret != 0)
        fprintf(stderr, "benchnodedev: %s\n", virGetLastErrorMessage());
    if (conn)
        virConnectClose(conn);
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    if (tmp) {
        cmd = g_strdup_printf("rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            ret = 1;
    }
    return ret;
}
