/*
 * benchdomain.c: speed of the domain XML layer and of define
 *
 *   1. virDomainDefineXML of 1000 distinct 2-pair teaming domains into a
 *      fresh embedded root under $TMPDIR (public API, atomic writes with
 *      fsync; the emulator's capabilities cached beforehand);
 *   2. parse + validate + format of the same domain, on one core.
 *
 * Prints numbers; it never fails on time.
 */
#include "internal.h"

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "domain_conf.h"
#include "virfile.h"

#define DOMAIN_TEMPLATE \
    "<domain type='kvm'>\n" \
    "  <name>bench-%d</name>\n" \
    "  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-%012d</uuid>\n" \
    "  <memory unit='MiB'>256</memory>\n" \
    "  <vcpu>1</vcpu>\n" \
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n" \
    "  <features><acpi/><apic/></features>\n" \
    "  <devices>\n" \
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n" \
    "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
    "<source file='/var/lib/images/bench.qcow2'/><target dev='vda' bus='virtio'/></disk>\n" \
    "    <interface type='user'><mac address='52:54:00:aa:00:01'/><model type='virtio'/>" \
    "<teaming type='persistent'/><alias name='ua-backup0'/></interface>\n" \
    "    <interface type='hostdev' managed='yes'><mac address='52:54:00:aa:00:01'/>" \
    "<source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/></source>" \
    "<teaming type='transient' persistent='ua-backup0'/></interface>\n" \
    "    <interface type='user'><mac address='52:54:00:aa:00:02'/><model type='virtio'/>" \
    "<teaming type='persistent'/><alias name='ua-backup1'/></interface>\n" \
    "    <interface type='network'><mac address='52:54:00:aa:00:02'/><source network='sriov-pf0'/>" \
    "<teaming type='transient' persistent='ua-backup1'/></interface>\n" \
    "    <serial type='pty'/>\n" \
    "  </devices>\n" \
    "</domain>\n"

static int
compareDouble(const void *a, const void *b)
{
    double da = *(const double *)a, db = *(const double *)b;

    return da < db ? -1 : da > db;
}

static double
nowUs(void)
{
    return g_get_monotonic_time();
}

typedef struct {
    double user, sys;   /* us */
} benchCPU;

static benchCPU
cpuUs(void)
{
    struct rusage ru;
    benchCPU c;

    getrusage(RUSAGE_SELF, &ru);
    c.user = ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec;
    c.sys = ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
    return c;
}

static void
benchDefine(int n)
{
    g_autofree char *root = g_dir_make_tmp("benchdomain-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_autofree double *times = g_new0(double, n);
    virConnectPtr conn;
    double total = 0;
    benchCPU cpu0, cpu;
    int i;

    if (!(conn = virConnectOpen(uri))) {
        fprintf(stderr, "cannot open %s\n", uri);
        exit(1);
    }
    /* the emulator's capabilities are probed once per host, not per define
     * (bench/benchqemu measures that): have them cached first */
    g_free(virConnectGetCapabilities(conn));
    cpu0 = cpuUs();
    for (i = 0; i < n; i++) {
        g_autofree char *xml = g_strdup_printf(DOMAIN_TEMPLATE, i, i);
        double t0 = nowUs();
        virDomainPtr dom = virDomainDefineXML(conn, xml);

        times[i] = nowUs() - t0;
        if (!dom) {
            fprintf(stderr, "define failed: %s\n", virGetLastErrorMessage());
            exit(1);
        }
        virDomainFree(dom);
        total += times[i];
    }
    cpu = cpuUs();
    cpu.user -= cpu0.user;
    cpu.sys -= cpu0.sys;
    qsort(times, n, sizeof(double), compareDouble);
    printf("define (API, %d distinct 2-pair teaming domains): %.3f ms mean, %.3f ms median, %.3f ms p99 per define\n",
           n, total / n / 1000.0, times[n / 2] / 1000.0, times[(n * 99) / 100] / 1000.0);
    /* the rest is the kernel creating, syncing and renaming the file */
    printf("define: %.3f ms of CPU per define in this process (user %.3f, system %.3f)\n",
           (cpu.user + cpu.sys) / n / 1000.0, cpu.user / n / 1000.0, cpu.sys / n / 1000.0);
    virConnectClose(conn);

    if (virFileDeleteTree(root) < 0)
        fprintf(stderr, "cannot remove %s\n", root);
}

static void
benchParseFormat(int n)
{
    g_autofree char *xml = g_strdup_printf(DOMAIN_TEMPLATE, 1, 1);
    double t0 = nowUs();
    double elapsed;
    int i;

    for (i = 0; i < n; i++) {
        g_autoptr(virDomainDef) def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE);
        g_autofree char *out = NULL;

        if (!def || !(out = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE))) {
            fprintf(stderr, "parse/format failed: %s\n", virGetLastErrorMessage());
            exit(1);
        }
    }
    elapsed = (nowUs() - t0) / 1e6;
    printf("parse+validate+format (2-pair teaming domain): %.0f per second on one core (%.1f us each)\n",
           n / elapsed, elapsed * 1e6 / n);
}

int
main(int argc, char **argv)
{
    int ndefine = argc > 1 ? atoi(argv[1]) : 1000;
    int nparse = argc > 2 ? atoi(argv[2]) : 20000;

    benchDefine(ndefine);
    benchParseFormat(nparse);
    return 0;
}
