/*
 * viriommugroup.c: the IOMMU group of a PCI device
 */
#include "internal.h"

#include "virerror.h"
#include "virfile.h"
#include "virfilewatch.h"
#include "viriommugroup.h"
#include "virpcidriver.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

int
virIOMMUGroupOfDevice(const char *sysfsRoot, const virPCIDeviceAddress *addr, int *group)
{
    g_autofree char *dev = virPCIDeviceSysfsPath(sysfsRoot, addr);
    g_autofree char *link = g_build_filename(dev, "iommu_group", NULL);
    g_autofree char *target = g_file_read_link(link, NULL);
    g_autofree char *base = NULL;

    if (!target) {
        g_autofree char *str = virPCIDeviceAddressAsString(addr);

        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s has no IOMMU group (no %s): turn the IOMMU on (intel_iommu=on or amd_iommu=on on the kernel command line) to give it to a guest"),
                       str, link);
        return -1;
    }
    base = g_path_get_basename(target);
    if (virStrToLong_i(base, NULL, 10, group) < 0 || *group < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot read an IOMMU group number from %s -> %s"), link, target);
        return -1;
    }
    return 0;
}

static gint
virIOMMUGroupAddressCompare(gconstpointer a, gconstpointer b)
{
    const virPCIDeviceAddress *x = a, *y = b;

    if (x->domain != y->domain)
        return x->domain < y->domain ? -1 : 1;
    if (x->bus != y->bus)
        return x->bus < y->bus ? -1 : 1;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    if (x->function != y->function)
        return x->function < y->function ? -1 : 1;
    return 0;
}

int
virIOMMUGroupDevices(const char *sysfsRoot, int group,
                     virPCIDeviceAddress **devs, size_t *ndevs)
{
    g_autofree char *num = g_strdup_printf("%d", group);
    g_autofree char *dir = g_build_filename(sysfsRoot, "kernel", "iommu_groups", num,
                                            "devices", NULL);
    g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(virPCIDeviceAddress));
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GDir) d = NULL;
    const char *ent;

    *devs = NULL;
    *ndevs = 0;
    if (!(d = g_dir_open(dir, 0, &gerr))) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot list the devices of IOMMU group %d: %s"), group, gerr->message);
        return -1;
    }
    while ((ent = g_dir_read_name(d))) {
        virPCIDeviceAddress addr;

        if (virPCIDeviceAddressParse(ent, &addr) == 0)
            g_array_append_val(found, addr);
    }
    g_array_sort(found, virIOMMUGroupAddressCompare);
    *ndevs = found->len;
    *devs = (virPCIDeviceAddress *)g_array_free(g_steal_pointer(&found), FALSE);
    return 0;
}

/* A bridge (PCI class 0x0604): the group's isolation does not depend on
 * its driver. */
static bool
virIOMMUGroupIsBridge(const char *sysfsRoot, const virPCIDeviceAddress *addr)
{
    g_autofree char *dev = virPCIDeviceSysfsPath(sysfsRoot, addr);
    g_autofree char *path = g_build_filename(dev, "class", NULL);
    g_autofree char *content = NULL;
    unsigned int cls;

    if (!g_file_get_contents(path, &content, NULL, NULL) ||
        virStrToLong_ui(g_strstrip(content), NULL, 16, &cls) < 0)
        return false;
    return (cls >> 8) == 0x0604;
}

int
virIOMMUGroupCheckViable(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                         int *groupOut)
{
    g_autofree virPCIDeviceAddress *devs = NULL;
    size_t ndevs;
    size_t i;
    int group;

    if (virIOMMUGroupOfDevice(sysfsRoot, addr, &group) < 0 ||
        virIOMMUGroupDevices(sysfsRoot, group, &devs, &ndevs) < 0)
        return -1;
    *groupOut = group;
    for (i = 0; i < ndevs; i++) {
        g_autofree char *driver = NULL;

        if (virPCIDeviceAddressEqual(&devs[i], addr) ||
            virIOMMUGroupIsBridge(sysfsRoot, &devs[i]))
            continue;
        if (virPCIDeviceGetDriver(sysfsRoot, &devs[i], &driver) < 0)
            return -1;
        if (driver && STRNEQ(driver, VIR_PCI_STUB_VFIO) && STRNEQ(driver, "pci-stub")) {
            g_autofree char *str = virPCIDeviceAddressAsString(addr);
            g_autofree char *other = virPCIDeviceAddressAsString(&devs[i]);

            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("PCI device %s cannot be given to a guest: IOMMU group %d is not viable, device %s of the same group is used by the host driver %s; detach it too ('virsh nodedev-detach pci_%04x_%02x_%02x_%x') or move %s to another slot"),
                           str, group, other, driver, devs[i].domain, devs[i].bus,
                           devs[i].slot, devs[i].function, str);
            return -1;
        }
    }
    return 0;
}

char *
virIOMMUGroupWaitDev(const char *devfsRoot, int group)
{
    g_autofree char *num = g_strdup_printf("%d", group);
    g_autofree char *dir = g_build_filename(devfsRoot, "vfio", NULL);
    g_autofree char *path = g_build_filename(dir, num, NULL);
    gint64 deadline = g_get_monotonic_time() + (gint64)VIR_IOMMU_GROUP_DEV_WAIT_MS * 1000;
    g_autoptr(virFileWatch) watch = NULL;

    if (virFileExists(path))
        return g_steal_pointer(&path);
    if (!virFileExists(dir)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("%s does not exist: load the vfio-pci module ('modprobe vfio-pci') for IOMMU group %d"),
                       dir, group);
        return NULL;
    }
    /* udev makes it: a change in the directory wakes us */
    if (!(watch = virFileWatchNew(dir)))
        return NULL;
    while (!virFileExists(path)) {
        int rc = virFileWatchNext(watch, deadline);

        if (rc < 0)
            return NULL;
        if (rc == 0 && !virFileExists(path)) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("%s did not appear within %d ms after the devices of IOMMU group %d were bound to vfio-pci (is udev running?)"),
                           path, VIR_IOMMU_GROUP_DEV_WAIT_MS, group);
            return NULL;
        }
    }
    return g_steal_pointer(&path);
}
