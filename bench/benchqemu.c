/*
 * benchqemu.c: speed of the QEMU side of the driver
 *
 *   - cold probe of qemu-system-x86_64 (spawn, QMP queries, kill);
 *   - warm open of a connection with a valid capabilities cache
 *     (virConnectOpen + virConnectGetVersion + virConnectClose);
 *   - XML -> argv of a 2-pair teaming domain, capabilities cached
 *     (virConnectDomainXMLToNative).
 *
 * Prints numbers; never fails on time.
 */
#include "internal.h"

#include "qemu/qemu_capabilities.h"
#include "virerror.h"
#include "virfile.h"

#define EMULATOR "/usr/bin/qemu-system-x86_64"

static const char *domainXML =
    "<domain type='qemu'>\n"
    "  <name>bench</name>\n"
    "  <memory unit='MiB'>256</memory>\n"
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
    "  <features><acpi/></features>\n"
    "  <devices>\n"
    "    <interface type='user'><mac address='52:54:00:aa:00:01'/><model type='virtio'/>"
    "<teaming type='persistent'/><alias name='ua-backup0'/></interface>\n"
    "    <interface type='hostdev' managed='yes'><source><address type='pci' domain='0' bus='3' slot='7' function='1'/></source>"
    "<teaming type='transient' persistent='ua-backup0'/></interface>\n"
    "    <interface type='user'><mac address='52:54:00:aa:00:02'/><model type='virtio'/>"
    "<teaming type='persistent'/><alias name='ua-backup1'/></interface>\n"
    "    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='3' slot='7' function='2'/></source>"
    "<teaming type='transient' persistent='ua-backup1'/></hostdev>\n"
    "  </devices>\n"
    "</domain>\n";

static void
silence(const char *msg G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

int
main(int argc, char **argv)
{
    int nprobe = argc > 1 ? atoi(argv[1]) : 5;
    int nopen = argc > 2 ? atoi(argv[2]) : 200;
    int nargv = argc > 3 ? atoi(argv[3]) : 500;
    g_autofree char *root = g_dir_make_tmp("benchqemu-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    double t0, best = 1e9, total = 0;
    virConnectPtr conn;
    unsigned long ver;
    int i;

    virSetWarningHandler(silence, NULL);
    for (i = 0; i < nprobe; i++) {
        g_autoptr(virQEMUCaps) caps = NULL;

        t0 = g_get_monotonic_time();
        if (!(caps = virQEMUCapsNewForBinary(EMULATOR, NULL))) {
            fprintf(stderr, "probe failed: %s\n", virGetLastErrorMessage());
            return 1;
        }
        t0 = g_get_monotonic_time() - t0;
        total += t0;
        best = MIN(best, t0);
    }
    printf("cold probe of %s: %.0f ms mean, %.0f ms best (%d runs)\n",
           EMULATOR, total / nprobe / 1000, best / 1000, nprobe);

    /* fill the cache once */
    if (!(conn = virConnectOpen(uri)) || virConnectGetVersion(conn, &ver) < 0) {
        fprintf(stderr, "open failed: %s\n", virGetLastErrorMessage());
        return 1;
    }
    virConnectClose(conn);
    total = 0;
    for (i = 0; i < nopen; i++) {
        t0 = g_get_monotonic_time();
        conn = virConnectOpen(uri);
        if (!conn || virConnectGetVersion(conn, &ver) < 0)
            return 1;
        virConnectClose(conn);
        total += g_get_monotonic_time() - t0;
    }
    printf("warm open + version + close with a valid cache: %.3f ms mean (%d runs)\n",
           total / nopen / 1000, nopen);

    conn = virConnectOpen(uri);
    total = 0;
    for (i = 0; i < nargv; i++) {
        char *native;

        t0 = g_get_monotonic_time();
        if (!(native = virConnectDomainXMLToNative(conn, "qemu-argv", domainXML, 0))) {
            fprintf(stderr, "domxml-to-native failed: %s\n", virGetLastErrorMessage());
            return 1;
        }
        total += g_get_monotonic_time() - t0;
        free(native);
    }
    printf("XML -> argv of a 2-pair teaming domain (caps cached): %.3f ms mean (%d runs)\n",
           total / nargv / 1000, nargv);
    virConnectClose(conn);
    virFileDeleteTree(root);
    return 0;
}
