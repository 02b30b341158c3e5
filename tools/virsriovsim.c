/*
 * virsriovsim.c: the sysfs tree of a simulated SR-IOV host
 */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "virsriovsim.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* VF 0 is slot 7 function 1 */
#define VIR_SRIOV_SIM_FIRST_VF 0x39

#define VIR_SRIOV_SIM_VENDOR "0x8086"
#define VIR_SRIOV_SIM_CLASS "0x020000"
#define VIR_SRIOV_SIM_VFIO "vfio-pci"
#define VIR_SRIOV_SIM_FOREIGN_BUS "0000:f0:"

/* what each kind of simulated device is and which driver takes it */
enum {
    VIR_SRIOV_SIM_KIND_PF,
    VIR_SRIOV_SIM_KIND_VF,
    VIR_SRIOV_SIM_KIND_FOREIGN,
};
static const struct {
    const char *device;
    const char *driver;
} virSRIOVSimKinds[] = {
    [VIR_SRIOV_SIM_KIND_PF] = { "0x1572", "i40e" },       /* Intel X710 */
    [VIR_SRIOV_SIM_KIND_VF] = { "0x154c", "iavf" },       /* its VF */
    [VIR_SRIOV_SIM_KIND_FOREIGN] = { "0x10d3", "e1000e" }, /* Intel 82574L */
};

static const char *const virSRIOVSimDrivers[] = {
    "i40e", "iavf", "e1000e", VIR_SRIOV_SIM_VFIO, "pci-stub",
};

static int
virSRIOVSimMkdirs(const char *path)
{
    if (g_mkdir_with_parents(path, 0755) < 0) {
        virReportSystemError(errno, _("cannot create directory %s"), path);
        return -1;
    }
    return 0;
}

static int
virSRIOVSimWrite(const char *dir, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    return virFileWriteStrAtomic(path, content, 0644);
}

/* A symlink @dir/@name -> @target, replaced if it points elsewhere. */
static int
virSRIOVSimLink(const char *target, const char *dir, const char *name)
{
    g_autofree char *link = g_build_filename(dir, name, NULL);
    g_autofree char *cur = g_file_read_link(link, NULL);

    if (cur && STREQ(cur, target))
        return 0;
    if (unlink(link) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove %s"), link);
        return -1;
    }
    if (symlink(target, link) < 0) {
        virReportSystemError(errno, _("cannot create symbolic link %s"), link);
        return -1;
    }
    return 0;
}

/* The routing ID (bus, slot, function) of VF @index: it counts on past
 * the end of the bus, as real VFs do. */
static unsigned int
virSRIOVSimVFRid(unsigned int bus, unsigned int index)
{
    return (bus << 8) + VIR_SRIOV_SIM_FIRST_VF + index;
}

char *
virSRIOVSimVFAddress(unsigned int bus, unsigned int index)
{
    unsigned int rid = virSRIOVSimVFRid(bus, index);

    return g_strdup_printf("0000:%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

/* SYS/devices/pci0000:00/ADDR */
static char *
virSRIOVSimDeviceDir(const char *sys, const char *addr)
{
    return g_build_filename(sys, "devices", "pci0000:00", addr, NULL);
}

char *
virSRIOVSimDevDir(const char *sys)
{
    g_autofree char *sim = g_path_get_dirname(sys);

    return g_build_filename(sim, "dev", NULL);
}

/* @content in @dir/@name unless that file exists (never opened for
 * writing in place: a server watching @dir sees no write). */
static int
virSRIOVSimWriteNew(const char *dir, const char *name, const char *content,
                    mode_t mode)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    if (virFileExists(path))
        return 0;
    return virFileWriteStrRuntime(path, content, mode);
}

static bool
virSRIOVSimKnownDriver(const char *driver)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virSRIOVSimDrivers); i++) {
        if (STREQ(driver, virSRIOVSimDrivers[i]))
            return true;
    }
    return false;
}

int
virSRIOVSimBus(const char *sys)
{
    g_autofree char *pci = g_build_filename(sys, "bus", "pci", NULL);
    g_autofree char *groups = g_build_filename(sys, "kernel", "iommu_groups", NULL);
    g_autofree char *dev = virSRIOVSimDevDir(sys);
    g_autofree char *vfio = g_build_filename(dev, "vfio", NULL);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virSRIOVSimDrivers); i++) {
        g_autofree char *dir = g_build_filename(pci, "drivers", virSRIOVSimDrivers[i], NULL);

        if (virSRIOVSimMkdirs(dir) < 0 ||
            virSRIOVSimWriteNew(dir, "bind", "", 0600) < 0 ||
            virSRIOVSimWriteNew(dir, "unbind", "", 0600) < 0)
            return -1;
    }
    if (virSRIOVSimMkdirs(groups) < 0 || virSRIOVSimMkdirs(vfio) < 0 ||
        virSRIOVSimWriteNew(vfio, "vfio", "", 0666) < 0 ||
        virSRIOVSimWriteNew(pci, "drivers_probe", "", 0600) < 0)
        return -1;
    return 0;
}

/* The routing ID of "0000:BB:SS.F", or -1. */
static int
virSRIOVSimRid(const char *addr)
{
    unsigned int dom, bus, slot, fn;
    char end;

    if (sscanf(addr, "%4x:%2x:%2x.%1x%c", &dom, &bus, &slot, &fn, &end) != 4 ||
        dom != 0 || slot > 0x1f || fn > 7 || strlen(addr) != 12)
        return -1;
    return (bus << 8) | (slot << 3) | fn;
}

char *
virSRIOVSimDriverOf(const char *sys, const char *addr)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *link = g_build_filename(dir, "driver", NULL);
    g_autofree char *target = g_file_read_link(link, NULL);

    if (!target)
        return NULL;
    return g_path_get_basename(target);
}

int
virSRIOVSimGroupOf(const char *sys, const char *addr)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *link = g_build_filename(dir, "iommu_group", NULL);
    g_autofree char *target = g_file_read_link(link, NULL);
    g_autofree char *base = NULL;
    guint64 n;

    if (!target) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("simulated device %s has no IOMMU group (%s)"), addr, link);
        return -1;
    }
    base = g_path_get_basename(target);
    if (!g_ascii_string_to_unsigned(base, 10, 0, INT_MAX, &n, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("simulated device %s: %s points at '%s', not a group"),
                       addr, link, target);
        return -1;
    }
    return n;
}

char *
virSRIOVSimDriverOverride(const char *sys, const char *addr)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *path = g_build_filename(dir, "driver_override", NULL);
    g_autofree char *content = NULL;
    char *nl;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return NULL;
    if ((nl = strchr(content, '\n')))
        *nl = '\0';
    g_strstrip(content);
    if (!*content || STREQ(content, "(null)"))
        return NULL;
    return g_steal_pointer(&content);
}

const char *
virSRIOVSimNativeDriver(const char *sys, const char *addr)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *vpath = g_build_filename(dir, "vendor", NULL);
    g_autofree char *dpath = g_build_filename(dir, "device", NULL);
    g_autofree char *vendor = NULL;
    g_autofree char *device = NULL;
    size_t i;

    if (!g_file_get_contents(vpath, &vendor, NULL, NULL) ||
        !g_file_get_contents(dpath, &device, NULL, NULL))
        return NULL;
    g_strstrip(vendor);
    g_strstrip(device);
    for (i = 0; i < G_N_ELEMENTS(virSRIOVSimKinds); i++) {
        if (STREQ(vendor, VIR_SRIOV_SIM_VENDOR) &&
            STREQ(device, virSRIOVSimKinds[i].device))
            return virSRIOVSimKinds[i].driver;
    }
    return NULL;
}

/* DEV/vfio/N exists exactly while a device of group N is on vfio-pci. */
static int
virSRIOVSimSyncVfio(const char *sys, int group)
{
    g_autofree char *devices = g_strdup_printf("%s/kernel/iommu_groups/%d/devices", sys, group);
    g_autofree char *dev = virSRIOVSimDevDir(sys);
    g_autofree char *vfiodir = g_build_filename(dev, "vfio", NULL);
    g_autofree char *groupname = g_strdup_printf("%d", group);
    g_autofree char *node = g_build_filename(vfiodir, groupname, NULL);
    g_autoptr(GDir) dir = g_dir_open(devices, 0, NULL);
    const char *name;
    bool vfio = false;

    while (dir && !vfio && (name = g_dir_read_name(dir))) {
        g_autofree char *driver = virSRIOVSimDriverOf(sys, name);

        vfio = driver && STREQ(driver, VIR_SRIOV_SIM_VFIO);
    }
    if (vfio) {
        if (virSRIOVSimMkdirs(vfiodir) < 0)
            return -1;
        return virSRIOVSimWriteNew(vfiodir, groupname, "", 0600);
    }
    if (unlink(node) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove %s"), node);
        return -1;
    }
    return 0;
}

int
virSRIOVSimBind(const char *sys, const char *addr, const char *driver)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *drvdir = g_build_filename(sys, "bus", "pci", "drivers", driver, NULL);
    g_autofree char *drvtarget = g_strdup_printf("../../../bus/pci/drivers/%s", driver);
    g_autofree char *devtarget = g_strdup_printf("../../../../devices/pci0000:00/%s", addr);
    int group;

    if (!virFileExists(dir)) {
        virReportError(VIR_ERR_INVALID_ARG, _("no simulated PCI device %s"), addr);
        return -1;
    }
    if (!virSRIOVSimKnownDriver(driver) || !virFileExists(drvdir)) {
        virReportError(VIR_ERR_INVALID_ARG, _("no simulated PCI driver '%s'"), driver);
        return -1;
    }
    if ((group = virSRIOVSimGroupOf(sys, addr)) < 0 ||
        virSRIOVSimUnbind(sys, addr) < 0 ||
        virSRIOVSimLink(devtarget, drvdir, addr) < 0 ||
        virSRIOVSimLink(drvtarget, dir, "driver") < 0)
        return -1;
    return virSRIOVSimSyncVfio(sys, group);
}

int
virSRIOVSimUnbind(const char *sys, const char *addr)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *link = g_build_filename(dir, "driver", NULL);
    g_autofree char *driver = virSRIOVSimDriverOf(sys, addr);
    int group;

    if (!driver)
        return 0;
    if ((group = virSRIOVSimGroupOf(sys, addr)) < 0)
        return -1;
    if (unlink(link) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove %s"), link);
        return -1;
    }
    {
        g_autofree char *back = g_build_filename(sys, "bus", "pci", "drivers",
                                                 driver, addr, NULL);

        if (unlink(back) < 0 && errno != ENOENT) {
            virReportSystemError(errno, _("cannot remove %s"), back);
            return -1;
        }
    }
    return virSRIOVSimSyncVfio(sys, group);
}

/* Put @addr in IOMMU group @group (both links). */
static int
virSRIOVSimJoinGroup(const char *sys, const char *addr, int group)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *devices = g_strdup_printf("%s/kernel/iommu_groups/%d/devices", sys, group);
    g_autofree char *grouptarget = g_strdup_printf("../../../kernel/iommu_groups/%d", group);
    g_autofree char *devtarget = g_strdup_printf("../../../../devices/pci0000:00/%s", addr);

    if (virSRIOVSimMkdirs(devices) < 0 ||
        virSRIOVSimLink(devtarget, devices, addr) < 0 ||
        virSRIOVSimLink(grouptarget, dir, "iommu_group") < 0)
        return -1;
    return 0;
}

/* The device directory of @addr, a device of @kind (an index in
 * virSRIOVSimKinds), with its bus/pci/devices link, and, when @physfn is
 * given, its physfn link. A new device (no driver_override yet) gets its
 * own IOMMU group, unless @group >= 0, and its native driver. */
static int
virSRIOVSimDeviceOfKind(const char *sys, const char *addr, size_t kind,
                        const char *physfn, int group)
{
    g_autofree char *dir = virSRIOVSimDeviceDir(sys, addr);
    g_autofree char *busdir = g_build_filename(sys, "bus", "pci", "devices", NULL);
    g_autofree char *bustarget = g_strdup_printf("../../../devices/pci0000:00/%s", addr);
    g_autofree char *override = g_build_filename(dir, "driver_override", NULL);
    g_autofree char *grouplink = g_build_filename(dir, "iommu_group", NULL);
    g_autofree char *probe = g_build_filename(sys, "bus", "pci", "drivers_probe", NULL);
    g_autofree char *device = g_strdup_printf("%s\n", virSRIOVSimKinds[kind].device);
    int rid = virSRIOVSimRid(addr);

    if (rid < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a PCI address 0000:BB:SS.F"), addr);
        return -1;
    }
    if (virSRIOVSimMkdirs(dir) < 0 || virSRIOVSimMkdirs(busdir) < 0 ||
        virSRIOVSimLink(bustarget, busdir, addr) < 0)
        return -1;
    /* drivers_probe is made last: with it, the bus is complete */
    if (!virFileExists(probe) && virSRIOVSimBus(sys) < 0)
        return -1;
    if (physfn) {
        g_autofree char *target = g_strdup_printf("../%s", physfn);

        if (virSRIOVSimLink(target, dir, "physfn") < 0)
            return -1;
    }
    if (virSRIOVSimWriteNew(dir, "vendor", VIR_SRIOV_SIM_VENDOR "\n", 0444) < 0 ||
        virSRIOVSimWriteNew(dir, "device", device, 0444) < 0 ||
        virSRIOVSimWriteNew(dir, "class", VIR_SRIOV_SIM_CLASS "\n", 0444) < 0 ||
        virSRIOVSimWriteNew(dir, "subsystem_vendor", VIR_SRIOV_SIM_VENDOR "\n", 0444) < 0 ||
        virSRIOVSimWriteNew(dir, "subsystem_device", "0x0000\n", 0444) < 0 ||
        virSRIOVSimWriteNew(dir, "numa_node", "-1\n", 0644) < 0)
        return -1;
    if (!g_file_test(grouplink, G_FILE_TEST_IS_SYMLINK) &&
        virSRIOVSimJoinGroup(sys, addr, group >= 0 ? group : rid) < 0)
        return -1;
    if (virFileExists(override))
        return 0;
    /* a new device: bound to its native driver, no override */
    if (virSRIOVSimBind(sys, addr, virSRIOVSimKinds[kind].driver) < 0)
        return -1;
    return virSRIOVSimWriteNew(dir, "driver_override", "(null)\n", 0644);
}

int
virSRIOVSimDevice(const char *sys, const char *addr, const char *physfn)
{
    return virSRIOVSimDeviceOfKind(sys, addr, VIR_SRIOV_SIM_KIND_VF, physfn, -1);
}

char *
virSRIOVSimForeign(const char *sys, const char *vf)
{
    g_autofree char *groupdir = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *name;
    unsigned int i;
    int group;

    if ((group = virSRIOVSimGroupOf(sys, vf)) < 0)
        return NULL;
    groupdir = g_strdup_printf("%s/kernel/iommu_groups/%d/devices", sys, group);
    if ((dir = g_dir_open(groupdir, 0, NULL))) {
        while ((name = g_dir_read_name(dir))) {
            if (STRPREFIX(name, VIR_SRIOV_SIM_FOREIGN_BUS))
                return g_strdup(name);
        }
    }
    for (i = 0; i < 256; i++) {
        g_autofree char *addr = g_strdup_printf(VIR_SRIOV_SIM_FOREIGN_BUS "%02x.%x",
                                                i >> 3, i & 7);
        g_autofree char *devdir = virSRIOVSimDeviceDir(sys, addr);

        if (virFileExists(devdir))
            continue;
        if (virSRIOVSimDeviceOfKind(sys, addr, VIR_SRIOV_SIM_KIND_FOREIGN, NULL, group) < 0)
            return NULL;
        return g_steal_pointer(&addr);
    }
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("no free address for a foreign device on bus %s"),
                   VIR_SRIOV_SIM_FOREIGN_BUS);
    return NULL;
}

int
virSRIOVSimSetAdmin(const char *sys, const char *addr, const char *mac, const char *vlan)
{
    g_autofree char *dir = g_build_filename(sys, "devices", "pci0000:00", addr, NULL);
    g_autofree char *m = g_strdup_printf("%s\n", mac);
    g_autofree char *v = g_strdup_printf("%s\n", vlan);

    if (virSRIOVSimWrite(dir, "sim_admin_mac", m) < 0 ||
        virSRIOVSimWrite(dir, "sim_admin_vlan", v) < 0)
        return -1;
    return 0;
}

int
virSRIOVSimPF(const char *sys, const char *name, unsigned int bus,
              unsigned int nvfs, unsigned int totalvfs)
{
    g_autofree char *pfaddr = g_strdup_printf("0000:%02x:00.0", bus);
    g_autofree char *pfdir = g_build_filename(sys, "devices", "pci0000:00", pfaddr, NULL);
    g_autofree char *pfnet = g_build_filename(pfdir, "net", name, NULL);
    g_autofree char *classdir = g_build_filename(sys, "class", "net", name, NULL);
    g_autofree char *classtarget = g_strdup_printf("../../../devices/pci0000:00/%s", pfaddr);
    g_autofree char *total = g_strdup_printf("%u\n", totalvfs);
    g_autofree char *num = g_strdup_printf("%u\n", nvfs);
    unsigned int i;

    if (nvfs > totalvfs) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("PF %s: %u VFs enabled but only %u supported"), name, nvfs, totalvfs);
        return -1;
    }
    if (virSRIOVSimDeviceOfKind(sys, pfaddr, VIR_SRIOV_SIM_KIND_PF, NULL, -1) < 0 ||
        virSRIOVSimMkdirs(pfnet) < 0 || virSRIOVSimMkdirs(classdir) < 0 ||
        virSRIOVSimWrite(pfdir, "sriov_totalvfs", total) < 0 ||
        virSRIOVSimWrite(pfdir, "sriov_numvfs", num) < 0 ||
        virSRIOVSimWrite(pfnet, "operstate", "up\n") < 0 ||
        virSRIOVSimLink(classtarget, classdir, "device") < 0)
        return -1;

    for (i = 0; i < nvfs; i++) {
        unsigned int rid = virSRIOVSimVFRid(bus, i);
        g_autofree char *vfaddr = virSRIOVSimVFAddress(bus, i);
        g_autofree char *vfdir = g_build_filename(sys, "devices", "pci0000:00", vfaddr, NULL);
        g_autofree char *macfile = g_build_filename(vfdir, "sim_admin_mac", NULL);
        g_autofree char *virtfn = g_strdup_printf("virtfn%u", i);
        g_autofree char *vftarget = g_strdup_printf("../%s", vfaddr);

        if (virSRIOVSimDevice(sys, vfaddr, pfaddr) < 0 ||
            virSRIOVSimLink(vftarget, pfdir, virtfn) < 0)
            return -1;
        if (!virFileExists(macfile)) {
            /* a VF's own MAC before any guest uses it */
            g_autofree char *mac = g_strdup_printf("02:00:%02x:%02x:%02x:%02x",
                                                   rid >> 8, (rid >> 3) & 0x1f, rid & 7,
                                                   i & 0xff);

            if (virSRIOVSimSetAdmin(sys, vfaddr, mac, "0") < 0)
                return -1;
        }
    }
    /* fewer VFs than before: drop the extra links */
    for (i = nvfs;; i++) {
        g_autofree char *link = g_strdup_printf("%s/virtfn%u", pfdir, i);

        if (!g_file_test(link, G_FILE_TEST_IS_SYMLINK))
            break;
        if (unlink(link) < 0) {
            virReportSystemError(errno, _("cannot remove %s"), link);
            return -1;
        }
    }
    return 0;
}

int
virSRIOVSimHostUUID(const char *sys)
{
    g_autofree char *dir = g_build_filename(sys, "devices", "virtual", "dmi", "id", NULL);
    g_autofree char *path = g_build_filename(dir, "product_uuid", NULL);
    g_autofree char *random = g_uuid_string_random();
    g_autofree char *uuid = g_strdup_printf("%s\n", random);

    if (virFileExists(path))
        return 0;
    if (virSRIOVSimMkdirs(dir) < 0)
        return -1;
    return virSRIOVSimWrite(dir, "product_uuid", uuid);
}

int
virSRIOVSimSetConfKey(const char *path, const char *key, const char *value)
{
    g_autofree char *content = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    bool found = false;

    if (virFileExists(path) && virFileReadAll(path, 1024 * 1024, &content) < 0)
        return -1;
    if (content) {
        g_auto(GStrv) lines = g_strsplit(content, "\n", -1);
        size_t keylen = strlen(key);
        size_t i;

        for (i = 0; lines[i]; i++) {
            const char *l = lines[i];

            if (!lines[i + 1] && !*l)
                break;
            while (*l == ' ' || *l == '\t')
                l++;
            if (STRPREFIX(l, key) &&
                (l[keylen] == ' ' || l[keylen] == '=' || l[keylen] == '\t')) {
                if (!found)
                    g_string_append_printf(out, "%s = \"%s\"\n", key, value);
                found = true;
                continue;
            }
            g_string_append_printf(out, "%s\n", lines[i]);
        }
    }
    if (!found)
        g_string_append_printf(out, "%s = \"%s\"\n", key, value);
    return virFileWriteStrAtomic(path, out->str, 0600);
}
