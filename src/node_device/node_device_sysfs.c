/*
 * node_device_sysfs.c: the host's node devices, read from sysfs
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "node_device_sysfs.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostuuid.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NODEDEV

/* sysfs attribute files are one page at most */
#define NODE_DEV_ATTR_MAX 4096
#define NODE_DEV_PCI_IDS_MAX (64 * 1024 * 1024)

struct _virNodeDevSysfs {
    char *root;         /* as configured */
    char *realRoot;     /* its canonical path: device paths are under it */
    char *pciIds;
};

/* The names of pci.ids files read by this process, for every connection
 * (a daemon's clients open one each): path -> table of "VVVV" and
 * "VVVV:DDDD" -> name. Guarded by virNodeDevSysfsIdsLock; kept for the
 * life of the process (a few files at most, read once each). */
static GMutex virNodeDevSysfsIdsLock;
static GHashTable *virNodeDevSysfsIdsByPath;

virNodeDevSysfs *
virNodeDevSysfsNew(const char *sysfsRoot, const char *pciIds)
{
    virNodeDevSysfs *sys = g_new0(virNodeDevSysfs, 1);
    char *real = realpath(sysfsRoot, NULL);

    sys->root = g_strdup(sysfsRoot);
    sys->realRoot = real ? g_strdup(real) : g_strdup(sysfsRoot);
    free(real);
    sys->pciIds = g_strdup(pciIds);
    return sys;
}

void
virNodeDevSysfsFree(virNodeDevSysfs *sys)
{
    if (!sys)
        return;
    g_free(sys->root);
    g_free(sys->realRoot);
    g_free(sys->pciIds);
    g_free(sys);
}

const char *
virNodeDevSysfsDefaultPCIIds(void)
{
    static const char *const paths[] = {
        "/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(paths); i++) {
        if (virFileExists(paths[i]))
            return paths[i];
    }
    return NULL;
}


/* pci.ids: "VVVV  vendor" lines, each followed by "\tDDDD  device" lines
 * (and "\t\t" subsystem lines, not used); the device classes ("C ...")
 * end the part that matters. */
static GHashTable *
virNodeDevSysfsLoadIds(const char *path)
{
    g_autofree char *content = NULL;
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_auto(GStrv) lines = NULL;
    char vendor[5] = "";
    size_t i;

    if (virFileReadAll(path, NODE_DEV_PCI_IDS_MAX, &content) < 0) {
        /* no names, as without the file: the ids are enough */
        virResetLastError();
        return ids;
    }
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *l = lines[i];

        if (*l == '#' || *l == '\0')
            continue;
        if (STRPREFIX(l, "C "))
            break;
        if (g_ascii_isxdigit(l[0]) && strlen(l) > 6 && l[4] == ' ') {
            memcpy(vendor, l, 4);
            vendor[4] = '\0';
            g_hash_table_replace(ids, g_ascii_strdown(vendor, -1),
                                 g_strdup(l + 6));
        } else if (l[0] == '\t' && l[1] != '\t' && *vendor && strlen(l) > 7 &&
                   l[5] == ' ') {
            g_autofree char *dev = g_strndup(l + 1, 4);
            g_autofree char *key = g_strdup_printf("%s:%s", vendor, dev);

            g_hash_table_replace(ids, g_ascii_strdown(key, -1), g_strdup(l + 7));
        }
    }
    return ids;
}

static char *
virNodeDevSysfsIdName(virNodeDevSysfs *sys, unsigned int vendor, int device)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&virNodeDevSysfsIdsLock);
    g_autofree char *key = NULL;
    GHashTable *ids;
    const char *name;

    if (!sys->pciIds)
        return NULL;
    if (!virNodeDevSysfsIdsByPath)
        virNodeDevSysfsIdsByPath = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify)g_hash_table_unref);
    if (!(ids = g_hash_table_lookup(virNodeDevSysfsIdsByPath, sys->pciIds))) {
        ids = virNodeDevSysfsLoadIds(sys->pciIds);
        g_hash_table_insert(virNodeDevSysfsIdsByPath, g_strdup(sys->pciIds), ids);
    }
    if (device < 0)
        key = g_strdup_printf("%04x", vendor);
    else
        key = g_strdup_printf("%04x:%04x", vendor, (unsigned int)device);
    name = g_hash_table_lookup(ids, key);
    return name ? g_strdup(name) : NULL;
}


/* The content of the attribute @dir/@name without its trailing newline;
 * NULL when it does not exist or cannot be read (no error reported:
 * attributes are optional). */
static char *
virNodeDevSysfsAttr(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *content = NULL;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return NULL;
    g_strchomp(content);
    return content;
}

static int
virNodeDevSysfsAttrHex(const char *dir, const char *name, unsigned int *value)
{
    g_autofree char *s = virNodeDevSysfsAttr(dir, name);

    if (!s || virStrToLong_ui(s, NULL, 16, value) < 0)
        return -1;
    return 0;
}

/* The last component of the target of the link @dir/@name, or NULL. */
static char *
virNodeDevSysfsLinkName(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *target = g_file_read_link(path, NULL);

    if (!target)
        return NULL;
    return g_path_get_basename(target);
}

/* "/sys/..." for the canonical path @real under the sysfs root. */
static char *
virNodeDevSysfsHostPath(virNodeDevSysfs *sys, const char *real)
{
    size_t len = strlen(sys->realRoot);

    if (STREQ(sys->realRoot, "/sys") || strncmp(real, sys->realRoot, len) != 0 ||
        real[len] != '/')
        return g_strdup(real);
    return g_strdup_printf("/sys%s", real + len);
}

static char *
virNodeDevSysfsRealPath(const char *path)
{
    char *real = realpath(path, NULL);
    char *ret;

    if (!real)
        return NULL;
    ret = g_strdup(real);
    free(real);
    return ret;
}

static bool
virNodeDevSysfsIsPCIDevice(virNodeDevSysfs *sys, const char *base,
                           virPCIDeviceAddress *addr)
{
    g_autofree char *link = NULL;

    if (strlen(base) != strlen("0000:00:00.0") || virPCIDeviceAddressParse(base, addr) < 0) {
        virResetLastError();
        return false;
    }
    link = g_build_filename(sys->root, "bus", "pci", "devices", base, NULL);
    return virFileExists(link);
}

/* The node device above the device directory @real (canonical): the
 * nearest PCI function among its ancestors, else the host. */
static char *
virNodeDevSysfsParent(virNodeDevSysfs *sys, const char *real)
{
    g_autofree char *devices = g_build_filename(sys->realRoot, "devices", NULL);
    g_autofree char *dir = g_path_get_dirname(real);

    while (strlen(dir) > strlen(devices) && g_str_has_prefix(dir, devices)) {
        g_autofree char *base = g_path_get_basename(dir);
        char *up;
        virPCIDeviceAddress addr;

        if (virNodeDevSysfsIsPCIDevice(sys, base, &addr))
            return virNodeDeviceNamePCI(&addr);
        up = g_path_get_dirname(dir);
        g_free(dir);
        dir = up;
    }
    return g_strdup(VIR_NODE_DEVICE_SYSTEM_NAME);
}


/* PCI functions */

static int
virNodeDevSysfsAddrCmp(const void *a, const void *b)
{
    const virPCIDeviceAddress *x = a;
    const virPCIDeviceAddress *y = b;

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

static void
virNodeDevSysfsReadSRIOV(const char *dir, virNodeDeviceDef *def)
{
    g_autofree char *physfn = virNodeDevSysfsLinkName(dir, "physfn");
    g_autofree char *total = virNodeDevSysfsAttr(dir, "sriov_totalvfs");
    g_autoptr(GArray) vfs = g_array_new(FALSE, FALSE, sizeof(virPCIDeviceAddress));
    unsigned int i;

    if (physfn && virPCIDeviceAddressParse(physfn, &def->physFn) == 0)
        def->hasPhysFn = true;
    virResetLastError();

    if (total && virStrToLong_ui(total, NULL, 10, &def->maxVFs) < 0)
        def->maxVFs = 0;
    for (i = 0;; i++) {
        g_autofree char *name = g_strdup_printf("virtfn%u", i);
        g_autofree char *vf = virNodeDevSysfsLinkName(dir, name);
        virPCIDeviceAddress addr;

        if (!vf)
            break;
        if (virPCIDeviceAddressParse(vf, &addr) < 0) {
            virResetLastError();
            continue;
        }
        g_array_append_val(vfs, addr);
    }
    def->isPF = def->maxVFs > 0 || vfs->len > 0;
    def->nvfs = vfs->len;
    def->vfs = (virPCIDeviceAddress *)(void *)g_array_free(g_steal_pointer(&vfs), FALSE);
}

static void
virNodeDevSysfsReadIOMMU(const char *dir, virNodeDeviceDef *def)
{
    g_autofree char *group = virNodeDevSysfsLinkName(dir, "iommu_group");
    g_autofree char *devdir = NULL;
    g_autoptr(GDir) d = NULL;
    g_autoptr(GArray) devs = NULL;
    const char *ent;

    if (!group || virStrToLong_i(group, NULL, 10, &def->iommuGroup) < 0 ||
        def->iommuGroup < 0) {
        def->iommuGroup = -1;
        return;
    }
    devs = g_array_new(FALSE, FALSE, sizeof(virPCIDeviceAddress));
    devdir = g_build_filename(dir, "iommu_group", "devices", NULL);
    if ((d = g_dir_open(devdir, 0, NULL))) {
        while ((ent = g_dir_read_name(d))) {
            virPCIDeviceAddress addr;

            if (virPCIDeviceAddressParse(ent, &addr) < 0) {
                virResetLastError();
                continue;
            }
            g_array_append_val(devs, addr);
        }
    }
    g_array_sort(devs, virNodeDevSysfsAddrCmp);
    def->ngroupDevs = devs->len;
    def->groupDevs = (virPCIDeviceAddress *)(void *)g_array_free(g_steal_pointer(&devs), FALSE);
}

/* PCI Express: a capability with ID 0x10 in the list of the config
 * space, or an extended config space (more than 256 bytes) without one.
 * Its link registers when the function has a link (not a root complex
 * integrated endpoint or event collector). */
#define PCI_CONF_STD 256
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_PTR 0x34
#define PCI_CAP_ID_EXP 0x10
#define PCI_EXP_FLAGS 0x02
#define PCI_EXP_LNKCAP 0x0c
#define PCI_EXP_LNKSTA 0x12
#define PCI_EXP_TYPE_RC_END 9
#define PCI_EXP_TYPE_RC_EC 10

static void
virNodeDevSysfsReadPCIE(const char *dir, virNodeDeviceDef *def)
{
    g_autofree char *path = g_build_filename(dir, "config", NULL);
    g_autofree char *config = NULL;
    gsize len = 0;
    struct stat sb;
    unsigned int pos;
    unsigned int hops = 0;
    const unsigned char *c;

    if (stat(path, &sb) < 0)
        return;
    if (sb.st_size > PCI_CONF_STD)
        def->pciExpress = true;
    if (!g_file_get_contents(path, &config, &len, NULL) || len < 0x40)
        return;
    c = (const unsigned char *)config;
    if (!(c[PCI_STATUS] & PCI_STATUS_CAP_LIST))
        return;
    for (pos = c[PCI_CAP_PTR] & ~3u; pos >= 0x40 && pos + 0x14 <= len && hops < 48;
         pos = c[pos + 1] & ~3u, hops++) {
        unsigned int type;
        guint32 lnkcap;
        guint16 lnksta;

        if (c[pos] != PCI_CAP_ID_EXP)
            continue;
        def->pciExpress = true;
        type = (c[pos + PCI_EXP_FLAGS] >> 4) & 0xf;
        if (type == PCI_EXP_TYPE_RC_END || type == PCI_EXP_TYPE_RC_EC)
            return;
        lnkcap = c[pos + PCI_EXP_LNKCAP] | (c[pos + PCI_EXP_LNKCAP + 1] << 8) |
            (c[pos + PCI_EXP_LNKCAP + 2] << 16) | ((guint32)c[pos + PCI_EXP_LNKCAP + 3] << 24);
        lnksta = c[pos + PCI_EXP_LNKSTA] | (c[pos + PCI_EXP_LNKSTA + 1] << 8);
        def->linkCap.present = true;
        def->linkCap.port = lnkcap >> 24;
        def->linkCap.speed = lnkcap & 0xf;
        def->linkCap.width = (lnkcap >> 4) & 0x3f;
        def->linkSta.present = true;
        def->linkSta.speed = lnksta & 0xf;
        def->linkSta.width = (lnksta >> 4) & 0x3f;
        return;
    }
}

static virNodeDeviceDef *
virNodeDevSysfsReadPCI(virNodeDevSysfs *sys, const virPCIDeviceAddress *addr)
{
    g_autoptr(virNodeDeviceDef) def = virNodeDeviceDefNew();
    g_autofree char *str = virPCIDeviceAddressAsString(addr);
    g_autofree char *link = g_build_filename(sys->root, "bus", "pci", "devices", str, NULL);
    g_autofree char *dir = virNodeDevSysfsRealPath(link);
    g_autofree char *numa = NULL;
    unsigned int klass;

    def->name = virNodeDeviceNamePCI(addr);
    if (!dir) {
        virReportError(VIR_ERR_NO_NODE_DEVICE,
                       _("no node device with matching name '%s'"), def->name);
        return NULL;
    }
    def->type = VIR_NODE_DEV_CAP_PCI_DEV;
    def->addr = *addr;
    def->path = virNodeDevSysfsHostPath(sys, dir);
    def->parent = virNodeDevSysfsParent(sys, dir);
    def->driver = virNodeDevSysfsLinkName(dir, "driver");
    if (virNodeDevSysfsAttrHex(dir, "class", &klass) == 0)
        def->klass = klass & 0xffffff;
    if (virNodeDevSysfsAttrHex(dir, "vendor", &def->vendor) < 0)
        def->vendor = 0;
    if (virNodeDevSysfsAttrHex(dir, "device", &def->product) < 0)
        def->product = 0;
    def->vendorName = virNodeDevSysfsIdName(sys, def->vendor, -1);
    def->productName = virNodeDevSysfsIdName(sys, def->vendor, def->product);
    virNodeDevSysfsReadSRIOV(dir, def);
    virNodeDevSysfsReadIOMMU(dir, def);
    if ((numa = virNodeDevSysfsAttr(dir, "numa_node")) &&
        (virStrToLong_i(numa, NULL, 10, &def->numaNode) < 0 || def->numaNode < 0))
        def->numaNode = -1;
    virNodeDevSysfsReadPCIE(dir, def);
    return g_steal_pointer(&def);
}


/* Network interfaces */

/* The directory of interface @ifname: class/net/IF is a link to it on a
 * real host; a simulated host may make class/net/IF a directory whose
 * "device" link leads to the PCI function holding net/IF. */
static char *
virNodeDevSysfsNetDir(virNodeDevSysfs *sys, const char *ifname)
{
    g_autofree char *cls = g_build_filename(sys->root, "class", "net", ifname, NULL);
    g_autofree char *devlink = NULL;
    g_autofree char *dev = NULL;
    g_autofree char *under = NULL;

    if (g_file_test(cls, G_FILE_TEST_IS_SYMLINK))
        return virNodeDevSysfsRealPath(cls);
    devlink = g_build_filename(cls, "device", NULL);
    if ((dev = virNodeDevSysfsRealPath(devlink))) {
        under = g_build_filename(dev, "net", ifname, NULL);
        if (g_file_test(under, G_FILE_TEST_IS_DIR))
            return g_steal_pointer(&under);
    }
    return virNodeDevSysfsRealPath(cls);
}

static char *
virNodeDevSysfsNetMAC(const char *dir)
{
    char *mac = virNodeDevSysfsAttr(dir, "address");

    return mac ? mac : g_strdup("00:00:00:00:00:00");
}

static virNodeDeviceDef *
virNodeDevSysfsReadNet(virNodeDevSysfs *sys, const char *ifname, const char *dir)
{
    g_autoptr(virNodeDeviceDef) def = virNodeDeviceDefNew();
    g_autofree char *speed = NULL;

    def->type = VIR_NODE_DEV_CAP_NET;
    def->ifname = g_strdup(ifname);
    def->mac = virNodeDevSysfsNetMAC(dir);
    def->name = virNodeDeviceNameNet(ifname, def->mac);
    def->path = virNodeDevSysfsHostPath(sys, dir);
    def->parent = virNodeDevSysfsParent(sys, dir);
    if (!(def->linkState = virNodeDevSysfsAttr(dir, "operstate")))
        def->linkState = g_strdup("unknown");
    /* the speed means something only on a link that is up; -1 (unknown)
     * reads as the largest number, as libvirt gives it */
    if (STREQ(def->linkState, "up") && (speed = virNodeDevSysfsAttr(dir, "speed"))) {
        int s;

        if (virStrToLong_i(speed, NULL, 10, &s) == 0)
            def->speed = (unsigned int)s;
    }
    return g_steal_pointer(&def);
}

typedef struct {
    char *ifname;
    char *dir;
    char *name;
} virNodeDevSysfsNetEntry;

static void
virNodeDevSysfsNetEntryFree(virNodeDevSysfsNetEntry *e)
{
    g_free(e->ifname);
    g_free(e->dir);
    g_free(e->name);
    g_free(e);
}

/* Every interface of class/net with its node device name. The address
 * is read through class/net/IF (the kernel's link), so that a list costs
 * one file per interface; the directory is resolved (and kept) only when
 * that fails, as on a simulated host whose class/net/IF is a directory. */
static GPtrArray *
virNodeDevSysfsNetEntries(virNodeDevSysfs *sys)
{
    g_autofree char *cls = g_build_filename(sys->root, "class", "net", NULL);
    GPtrArray *ret = g_ptr_array_new_with_free_func((GDestroyNotify)virNodeDevSysfsNetEntryFree);
    g_autoptr(GDir) d = g_dir_open(cls, 0, NULL);
    const char *ent;

    if (!d)
        return ret;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *link = g_build_filename(cls, ent, NULL);
        g_autofree char *mac = virNodeDevSysfsAttr(link, "address");
        g_autofree char *dir = NULL;
        virNodeDevSysfsNetEntry *e;

        if (!mac) {
            if (!(dir = virNodeDevSysfsNetDir(sys, ent)))
                continue;
            if (!mac)
                mac = virNodeDevSysfsNetMAC(dir);
        }
        e = g_new0(virNodeDevSysfsNetEntry, 1);
        e->ifname = g_strdup(ent);
        e->dir = g_steal_pointer(&dir);
        e->name = virNodeDeviceNameNet(ent, mac);
        g_ptr_array_add(ret, e);
    }
    return ret;
}


static int
virNodeDevSysfsNameCmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
virNodeDevSysfsListNames(virNodeDevSysfs *sys, unsigned int capMask)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (capMask & (1U << VIR_NODE_DEV_CAP_SYSTEM))
        g_ptr_array_add(names, g_strdup(VIR_NODE_DEVICE_SYSTEM_NAME));

    if (capMask & (1U << VIR_NODE_DEV_CAP_PCI_DEV)) {
        g_autofree char *bus = g_build_filename(sys->root, "bus", "pci", "devices", NULL);
        g_autoptr(GDir) d = g_dir_open(bus, 0, NULL);
        const char *ent;

        while (d && (ent = g_dir_read_name(d))) {
            virPCIDeviceAddress addr;

            if (virPCIDeviceAddressParse(ent, &addr) < 0) {
                virResetLastError();
                continue;
            }
            g_ptr_array_add(names, virNodeDeviceNamePCI(&addr));
        }
    }

    if (capMask & (1U << VIR_NODE_DEV_CAP_NET)) {
        g_autoptr(GPtrArray) nets = virNodeDevSysfsNetEntries(sys);

        for (i = 0; i < nets->len; i++) {
            virNodeDevSysfsNetEntry *e = g_ptr_array_index(nets, i);

            g_ptr_array_add(names, g_steal_pointer(&e->name));
        }
    }
    g_ptr_array_sort(names, virNodeDevSysfsNameCmp);
    return names;
}

static virNodeDeviceDef *
virNodeDevSysfsReadSystem(virNodeDevSysfs *sys)
{
    g_autoptr(virNodeDeviceDef) def = virNodeDeviceDefNew();

    def->type = VIR_NODE_DEV_CAP_SYSTEM;
    def->name = g_strdup(VIR_NODE_DEVICE_SYSTEM_NAME);
    /* all zeros when the firmware does not say, as libvirt gives it */
    def->hasUUID = true;
    if (virHostUUIDReadSMBIOS(sys->root, def->uuid) < 0)
        memset(def->uuid, 0, sizeof(def->uuid));
    return g_steal_pointer(&def);
}

virNodeDeviceDef *
virNodeDevSysfsRead(virNodeDevSysfs *sys, const char *name)
{
    virPCIDeviceAddress addr;

    if (STREQ(name, VIR_NODE_DEVICE_SYSTEM_NAME))
        return virNodeDevSysfsReadSystem(sys);
    if (virNodeDeviceNameParsePCI(name, &addr) == 0)
        return virNodeDevSysfsReadPCI(sys, &addr);
    if (STRPREFIX(name, "net_")) {
        g_autoptr(GPtrArray) nets = virNodeDevSysfsNetEntries(sys);
        size_t i;

        for (i = 0; i < nets->len; i++) {
            virNodeDevSysfsNetEntry *e = g_ptr_array_index(nets, i);
            g_autofree char *dir = NULL;

            if (STRNEQ(e->name, name))
                continue;
            if (!(dir = e->dir ? g_strdup(e->dir) : virNodeDevSysfsNetDir(sys, e->ifname)))
                break;
            return virNodeDevSysfsReadNet(sys, e->ifname, dir);
        }
    }
    virReportError(VIR_ERR_NO_NODE_DEVICE,
                   _("no node device with matching name '%s'"), name);
    return NULL;
}
