/*
 * benchvfbind.c: what a start and a stop spend moving a managed VF
 *
 * virHostdevBindForGuest (record the driver, iavf -> vfio-pci through
 * driver_override, unbind, drivers_probe, IOMMU group viability,
 * /dev/vfio/N) then virHostdevBindRestore (back to iavf, record gone).
 * benchnodedev times the bare nodedev-detach + nodedev-reattach.
 *
 * On a simulated host (tools/virsriovsim.h) whose kernel side runs in
 * this process (tools/virsriovsimserver.h): each step's effect comes
 * from the server's inotify loop, so the numbers are the simulator's
 * round trips plus ours, an upper bound of what the sysfs writes cost on
 * a real host (where each write has taken effect when it returns).
 * Prints numbers; never fails on time.
 */
#include "internal.h"

#include "hypervisor/virhostdev_bind.h"
#include "virerror.h"
#include "virfile.h"
#include "tools/virsriovsim.h"
#include "tools/virsriovsimserver.h"

#define ROUNDS 200

static int
benchCompare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
benchPrint(const char *what, double *us, size_t n)
{
    qsort(us, n, sizeof(*us), benchCompare);
    printf("  %s: median %.0f us, p90 %.0f us, max %.0f us (%zu rounds)\n",
           what, us[n / 2], us[n * 9 / 10], us[n - 1], n);
}

int
main(void)
{
    g_autofree char *tmp = g_dir_make_tmp("benchvfbind-XXXXXX", NULL);
    g_autofree char *sim = g_build_filename(tmp, "sim", NULL);
    g_autofree char *sys = g_build_filename(sim, "sys", NULL);
    g_autofree char *dev = g_build_filename(sim, "dev", NULL);
    g_autofree char *run = g_build_filename(tmp, "run", NULL);
    g_autoptr(virSRIOVSimServer) srv = NULL;
    g_autoptr(GError) gerr = NULL;
    virHostdevBindContext ctx = { sys, dev, run };
    virPCIDeviceAddress vf;
    double managed[ROUNDS];
    size_t i;
    int ret = 1;

    if (!tmp || virSRIOVSimPF(sys, "pf0", 3, 4, 4) < 0 ||
        virPCIDeviceAddressParse("0000:03:07.1", &vf) < 0) {
        fprintf(stderr, "cannot make the simulated host: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (!(srv = virSRIOVSimServerStart(sim, &gerr))) {
        fprintf(stderr, "cannot start the simulated kernel: %s\n", gerr->message);
        goto cleanup;
    }
    printf("one managed VF, iavf <-> vfio-pci, on a simulated host:\n");
    for (i = 0; i < ROUNDS; i++) {
        gint64 t0 = g_get_monotonic_time();

        if (virHostdevBindForGuest(&ctx, &vf, true) < 0 ||
            virHostdevBindRestore(&ctx, &vf) < 0) {
            fprintf(stderr, "managed: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        managed[i] = g_get_monotonic_time() - t0;
    }
    benchPrint("managed for a guest + back (record, group, /dev/vfio)", managed, ROUNDS);
    ret = 0;

 cleanup:
    g_clear_pointer(&srv, virSRIOVSimServerStop);
    if (tmp && virFileDeleteTree(tmp) < 0)
        ret = 1;
    return ret;
}
