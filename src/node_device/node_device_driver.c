/*
 * node_device_driver.c: the embedded node device driver
 */
#include "internal.h"

#include <unistd.h>

#include "datatypes.h"
#include "driver.h"
#include "node_device_driver.h"
#include "node_device_sysfs.h"
#include "virconf.h"
#include "virerror.h"
#include "hypervisor/virhostdev_owner.h"
#include "virpcidriver.h"
#include "virprocess.h"

#define VIR_FROM_THIS VIR_FROM_NODEDEV

/* sysfs_root from ROOT/etc/qemu.conf, else /sys. */
static int
nodeDeviceReadSysfsRoot(const char *root, char **sysfsRoot)
{
    g_autofree char *path = g_build_filename(root, "etc", "qemu.conf", NULL);
    g_autoptr(virConf) conf = NULL;
    int rc;

    if (!(conf = virConfReadFile(path)))
        return -1;
    if ((rc = virConfGetValueString(conf, "sysfs_root", sysfsRoot)) < 0)
        return -1;
    if (rc == 0) {
        *sysfsRoot = g_strdup("/sys");
    } else if (!g_path_is_absolute(*sysfsRoot)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: sysfs_root = \"%s\" must be an absolute path"),
                       path, *sysfsRoot);
        return -1;
    }
    return 0;
}

/* What a connection to a root keeps. */
typedef struct {
    virNodeDevSysfs *sys;
    char *sysfsRoot;
    char *hostdevDir;           /* ROOT/run/hostdev: who holds a device */
} nodeDevicePrivate;

static void
nodeDevicePrivateFree(nodeDevicePrivate *priv)
{
    if (!priv)
        return;
    virNodeDevSysfsFree(priv->sys);
    g_free(priv->sysfsRoot);
    g_free(priv->hostdevDir);
    g_free(priv);
}

static virNodeDevSysfs *
nodeDeviceSys(virConnectPtr conn)
{
    return ((nodeDevicePrivate *)conn->nodeDevicePrivateData)->sys;
}

static virDrvOpenStatus
nodeDeviceConnectOpen(virConnectPtr conn, GUri *uri, unsigned int flags)
{
    g_autofree char *sysfsRoot = NULL;
    g_autofree char *root = NULL;
    nodeDevicePrivate *priv;

    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VIR_DRV_OPEN_ERROR);

    /* embedded roots only */
    if (!(root = virDriverEmbedRoot(uri)))
        return VIR_DRV_OPEN_DECLINED;

    if (nodeDeviceReadSysfsRoot(root, &sysfsRoot) < 0)
        return VIR_DRV_OPEN_ERROR;
    priv = g_new0(nodeDevicePrivate, 1);
    priv->sys = virNodeDevSysfsNew(sysfsRoot, virNodeDevSysfsDefaultPCIIds());
    priv->sysfsRoot = g_steal_pointer(&sysfsRoot);
    priv->hostdevDir = virHostdevStateDir(root);
    conn->nodeDevicePrivateData = priv;
    return VIR_DRV_OPEN_SUCCESS;
}

static int
nodeDeviceConnectClose(virConnectPtr conn)
{
    g_clear_pointer(&conn->nodeDevicePrivateData, nodeDevicePrivateFree);
    return 0;
}

/* The capability bits @cap names (every one for NULL); -1 with an error
 * for an unknown name. */
static int
nodeDeviceCapMask(const char *cap, unsigned int *mask)
{
    int type;

    if (!cap) {
        *mask = VIR_NODE_DEV_LIST_FILTERS_CAP;
        return 0;
    }
    if ((type = virNodeDevCapTypeFromString(cap)) < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown node device capability '%s': use one of system, pci, net, usb_device, usb, scsi_host, scsi, storage, ..."),
                       cap);
        return -1;
    }
    *mask = 1U << type;
    return 0;
}

static int
nodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags)
{
    g_autoptr(GPtrArray) names = NULL;
    unsigned int mask = 0;

    virCheckFlags(0, -1);
    if (nodeDeviceCapMask(cap, &mask) < 0)
        return -1;
    names = virNodeDevSysfsListNames(nodeDeviceSys(conn), mask);
    return names->len;
}

static int
nodeListDevices(virConnectPtr conn, const char *cap, char **const names,
                int maxnames, unsigned int flags)
{
    g_autoptr(GPtrArray) list = NULL;
    unsigned int mask = 0;
    int i;

    virCheckFlags(0, -1);
    if (nodeDeviceCapMask(cap, &mask) < 0)
        return -1;
    list = virNodeDevSysfsListNames(nodeDeviceSys(conn), mask);
    for (i = 0; i < maxnames && i < (int)list->len; i++)
        names[i] = g_strdup(g_ptr_array_index(list, i));
    return i;
}

static int
nodeConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                              unsigned int flags)
{
    g_autoptr(GPtrArray) names = NULL;
    unsigned int mask = flags & VIR_NODE_DEV_LIST_FILTERS_CAP;
    size_t i;

    virCheckFlags(VIR_NODE_DEV_LIST_FILTERS_CAP | VIR_NODE_DEV_LIST_FILTERS_ACTIVE, -1);

    /* every device of the host is active: asking for inactive ones
     * alone lists none */
    if ((flags & VIR_NODE_DEV_LIST_FILTERS_ACTIVE) == VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE)
        mask = 0;
    else if (!mask)
        mask = VIR_NODE_DEV_LIST_FILTERS_CAP;
    names = virNodeDevSysfsListNames(nodeDeviceSys(conn), mask);
    if (devices) {
        *devices = g_new0(virNodeDevicePtr, names->len + 1);
        for (i = 0; i < names->len; i++)
            (*devices)[i] = virGetNodeDevice(conn, g_ptr_array_index(names, i));
    }
    return names->len;
}

static virNodeDevicePtr
nodeDeviceLookupByName(virConnectPtr conn, const char *name)
{
    g_autoptr(virNodeDeviceDef) def = NULL;

    if (!(def = virNodeDevSysfsRead(nodeDeviceSys(conn), name)))
        return NULL;
    return virGetNodeDevice(conn, def->name);
}

static char *
nodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)
{
    g_autoptr(virNodeDeviceDef) def = NULL;

    /* host devices have no other definition than what they are */
    virCheckFlags(VIR_NODE_DEVICE_XML_INACTIVE, NULL);
    if (!(def = virNodeDevSysfsRead(nodeDeviceSys(dev->conn), dev->name)))
        return NULL;
    return virNodeDeviceDefFormat(def);
}

static char *
nodeDeviceGetParent(virNodeDevicePtr dev)
{
    g_autoptr(virNodeDeviceDef) def = NULL;

    if (!(def = virNodeDevSysfsRead(nodeDeviceSys(dev->conn), dev->name)))
        return NULL;
    return g_steal_pointer(&def->parent);
}

static int
nodeDeviceNumOfCaps(virNodeDevicePtr dev)
{
    g_autoptr(virNodeDeviceDef) def = NULL;
    g_auto(GStrv) caps = NULL;

    if (!(def = virNodeDevSysfsRead(nodeDeviceSys(dev->conn), dev->name)))
        return -1;
    caps = virNodeDeviceDefCaps(def);
    return g_strv_length(caps);
}

static int
nodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames)
{
    g_autoptr(virNodeDeviceDef) def = NULL;
    g_auto(GStrv) caps = NULL;
    int i;

    if (!(def = virNodeDevSysfsRead(nodeDeviceSys(dev->conn), dev->name)))
        return -1;
    caps = virNodeDeviceDefCaps(def);
    for (i = 0; i < maxnames && caps[i]; i++)
        names[i] = g_strdup(caps[i]);
    return i;
}

/* Take the PCI device @dev for a move between host drivers: its
 * ownership record (virhostdev_owner.h) gets this process as holder, so
 * that no domain start, hot-plug, pool allocation or incoming migration
 * takes the device until nodeDevicePCIGiveBack, and a device a domain
 * (or another detach or reattach) holds is refused. *addr gets its
 * address, *holder the holder to give back. -1 with an error naming who
 * holds it. */
static int
nodeDevicePCITake(virNodeDevicePtr dev, virPCIDeviceAddress *addr, char **holder)
{
    nodeDevicePrivate *priv = dev->conn->nodeDevicePrivateData;
    g_autoptr(virNodeDeviceDef) def = NULL;
    g_autoptr(virHostdevOwner) owner = NULL;
    g_autoptr(virHostdevOwner) current = NULL;
    g_autofree char *who = NULL;
    g_autofree char *label = NULL;
    virProcessIdentity self;
    virProcessIdentity other;
    int rc;

    if (!(def = virNodeDevSysfsRead(priv->sys, dev->name)))
        return -1;
    if (def->type != VIR_NODE_DEV_CAP_PCI_DEV) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("device '%s' is not a PCI device: only PCI devices are detached from their driver"),
                       dev->name);
        return -1;
    }
    *addr = def->addr;
    if (virProcessIdentityGet(getpid(), &self) < 0)
        return -1;
    who = virHostdevOwnerNodeDevHolder(&self);
    label = g_strdup_printf("nodedev %lld", (long long)self.pid);
    owner = virHostdevOwnerNew(who, label, NULL);
    if ((rc = virHostdevOwnerTryAcquire(priv->hostdevDir, addr, owner, &current)) < 0)
        return -1;
    if (rc > 0) {
        *holder = g_steal_pointer(&who);
        return 0;
    }
    if (!current) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s was in use a moment ago; try again"),
                       dev->name);
    } else if (!virHostdevOwnerIsNodeDev(current->holder, &other)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is in use by domain '%s': detach it from the domain or stop the domain first"),
                       dev->name, current->domain);
    } else if (virProcessIdentityIsAlive(&other)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is being moved between host drivers by another node device detach or reattach (process %lld); try again when it is done"),
                       dev->name, (long long)other.pid);
    } else {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is recorded as held by a node device detach or reattach whose process (%lld) has ended; the next command run on this root (e.g. 'virsh list') removes the record, then try again"),
                       dev->name, (long long)other.pid);
    }
    return -1;
}

/* Give back what nodeDevicePCITake took: the error of the move, if any,
 * stays the one reported. */
static void
nodeDevicePCIGiveBack(virNodeDevicePtr dev, const virPCIDeviceAddress *addr,
                      const char *holder)
{
    nodeDevicePrivate *priv = dev->conn->nodeDevicePrivateData;
    virErrorPtr saved;

    virErrorPreserveLast(&saved);
    if (virHostdevOwnerRelease(priv->hostdevDir, addr, holder) < 0) {
        virReportWarning(_("cannot release PCI device %s after moving it: %s"),
                         dev->name, virGetLastErrorMessage());
        virResetLastError();
    }
    virErrorRestore(&saved);
}

/* libvirt's driver names of nodedev-detach: "vfio" (the default) is the
 * only backend; "kvm" (legacy assignment) and "xen" are not supported. */
static int
nodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName, unsigned int flags)
{
    nodeDevicePrivate *priv = dev->conn->nodeDevicePrivateData;
    virPCIDeviceAddress addr;
    g_autofree char *holder = NULL;
    int ret;

    virCheckFlags(0, -1);
    if (driverName && STREQ(driverName, "kvm")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("KVM device assignment is no longer supported on this system: use the driver 'vfio'"));
        return -1;
    }
    if (driverName && STRNEQ(driverName, "vfio")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown driver name '%s': the only PCI device assignment backend is 'vfio'"),
                       driverName);
        return -1;
    }
    if (nodeDevicePCITake(dev, &addr, &holder) < 0)
        return -1;
    ret = virPCIDeviceBindToStub(priv->sysfsRoot, &addr, VIR_PCI_STUB_VFIO);
    nodeDevicePCIGiveBack(dev, &addr, holder);
    return ret;
}

static int
nodeDeviceReAttach(virNodeDevicePtr dev)
{
    nodeDevicePrivate *priv = dev->conn->nodeDevicePrivateData;
    virPCIDeviceAddress addr;
    g_autofree char *holder = NULL;
    int ret;

    if (nodeDevicePCITake(dev, &addr, &holder) < 0)
        return -1;
    ret = virPCIDeviceUnbindFromStub(priv->sysfsRoot, &addr, VIR_PCI_STUB_VFIO,
                                     VIR_PCI_DRIVER_ANY);
    nodeDevicePCIGiveBack(dev, &addr, holder);
    return ret;
}

static virNodeDeviceDriver nodeDeviceDriver = {
    .name = "nodedev",
    .connectOpen = nodeDeviceConnectOpen,
    .connectClose = nodeDeviceConnectClose,
    .nodeNumOfDevices = nodeNumOfDevices,
    .nodeListDevices = nodeListDevices,
    .connectListAllNodeDevices = nodeConnectListAllNodeDevices,
    .nodeDeviceLookupByName = nodeDeviceLookupByName,
    .nodeDeviceGetXMLDesc = nodeDeviceGetXMLDesc,
    .nodeDeviceGetParent = nodeDeviceGetParent,
    .nodeDeviceNumOfCaps = nodeDeviceNumOfCaps,
    .nodeDeviceListCaps = nodeDeviceListCaps,
    .nodeDeviceDetachFlags = nodeDeviceDetachFlags,
    .nodeDeviceReAttach = nodeDeviceReAttach,
};

int
nodeDeviceRegister(void)
{
    return virRegisterNodeDeviceDriver(&nodeDeviceDriver);
}
