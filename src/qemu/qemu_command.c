/*
 * qemu_command.c: the QEMU argv of a domain
 */
#include "internal.h"

#include <fcntl.h>
#include <unistd.h>

#include "qemu_alias.h"
#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_domain_address.h"
#include "qemu_props.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

const char *const qemuCommandEnv[] = {
    "LC_ALL=C",
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    NULL,
};

/* ------------------------------------------------------------------ */
/* argv builder                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    GPtrArray *argv;
    const qemuCommandOptions *opts;
    const virDomainDef *def;
} qemuCommand;

static void
qemuCommandAddArg(qemuCommand *cmd, const char *arg)
{
    g_ptr_array_add(cmd->argv, g_strdup(arg));
}

static void
qemuCommandAddArgPair(qemuCommand *cmd, const char *opt, const char *value)
{
    qemuCommandAddArg(cmd, opt);
    qemuCommandAddArg(cmd, value);
}

static void G_GNUC_PRINTF(3, 4)
qemuCommandAddArgPairf(qemuCommand *cmd, const char *opt, const char *fmt, ...)
{
    va_list ap;

    qemuCommandAddArg(cmd, opt);
    va_start(ap, fmt);
    g_ptr_array_add(cmd->argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* Add "-OPT VALUE" for an object, JSON or legacy per the capabilities. */
static void
qemuCommandAddProps(qemuCommand *cmd, const char *opt, const qemuProps *props,
                    const char *leadKey)
{
    qemuCommandAddArg(cmd, opt);
    g_ptr_array_add(cmd->argv, cmd->opts->jsonDevice ?
                    qemuPropsToJSON(props) : qemuPropsToLegacy(props, leadKey));
}

/* Add "-blockdev VALUE": JSON whatever the emulator, as libvirt does
 * (every QEMU with -blockdev parses JSON there; null needs it). */
static void
qemuCommandAddBlockdev(qemuCommand *cmd, const qemuProps *props)
{
    qemuCommandAddArg(cmd, "-blockdev");
    g_ptr_array_add(cmd->argv, qemuPropsToJSON(props));
}

/* Find the alias of the PCI controller @idx. */
static const char *
qemuPCIBusAlias(const virDomainDef *def, unsigned int bus)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI && c->idx == (int)bus)
            return c->info.alias;
    }
    return NULL;
}

static int
qemuPropsAddPCIAddress(qemuProps *props, const virDomainDef *def,
                       const virDomainDeviceInfo *info)
{
    const char *bus;

    if (info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        return 0;
    if (!(bus = qemuPCIBusAlias(def, info->addr.pci.bus))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("device '%s' is on PCI bus %u, which has no controller"),
                       NULLSTR(info->alias), info->addr.pci.bus);
        return -1;
    }
    qemuPropsAddString(props, "bus", bus);
    if (info->addr.pci.multi)
        qemuPropsAddBool(props, "multifunction", true);
    if (info->addr.pci.function)
        qemuPropsAddStringf(props, "addr", "0x%x.0x%x", info->addr.pci.slot,
                            info->addr.pci.function);
    else
        qemuPropsAddStringf(props, "addr", "0x%x", info->addr.pci.slot);
    return 0;
}

static void
qemuBuildMachine(qemuCommand *cmd)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    qemuPropsEscapeComma(buf, cmd->opts->machine);
    g_string_append(buf, ",usb=off,dump-guest-core=off,memory-backend=pc.ram");
    qemuCommandAddArgPair(cmd, "-machine", buf->str);
    qemuCommandAddArgPair(cmd, "-accel",
                          cmd->def->virtType == VIR_DOMAIN_VIRT_KVM ? "kvm" : "tcg");
}

static void
qemuBuildCPU(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;
    const char *cpu = QEMU_DEFAULT_CPU_MODEL;

    if (def->cpuSet) {
        switch ((virCPUMode) def->cpuMode) {
        case VIR_CPU_MODE_HOST_PASSTHROUGH:
            cpu = def->cpuMigratable == 0 ? "host" : "host,migratable=on";
            break;
        case VIR_CPU_MODE_HOST_MODEL:
            cpu = def->virtType == VIR_DOMAIN_VIRT_KVM ? "host,migratable=on" : "max";
            break;
        case VIR_CPU_MODE_MAXIMUM:
            /* the most the accelerator can do, KVM or TCG */
            cpu = "max";
            break;
        case VIR_CPU_MODE_CUSTOM:
            /* a plain name (checked at parse): no escaping needed */
            if (def->cpuModel)
                cpu = def->cpuModel;
            break;
        case VIR_CPU_MODE_LAST:
            break;
        }
    }
    qemuCommandAddArgPair(cmd, "-cpu", cpu);
}

static void
qemuBuildMemory(qemuCommand *cmd)
{
    g_autoptr(qemuProps) props = qemuPropsNew();

    qemuCommandAddArgPairf(cmd, "-m", "%llu", cmd->def->memory / 1024);
    qemuPropsAddString(props, "qom-type", "memory-backend-ram");
    qemuPropsAddString(props, "id", "pc.ram");
    qemuPropsAddInt(props, "size", (long long)(cmd->def->memory / 1024) * 1024 * 1024);
    qemuCommandAddProps(cmd, "-object", props, "qom-type");
    qemuCommandAddArgPair(cmd, "-overcommit", "mem-lock=off");
    qemuCommandAddArgPairf(cmd, "-smp", "%u,sockets=%u,cores=1,threads=1",
                           cmd->def->vcpus, cmd->def->vcpus);
}

qemuProps *
qemuBuildTLSx509Props(const char *id, const char *dir, const char *endpoint, bool verifyPeer)
{
    qemuProps *props = qemuPropsNew();

    qemuPropsAddString(props, "qom-type", "tls-creds-x509");
    qemuPropsAddString(props, "id", id);
    qemuPropsAddString(props, "dir", dir);
    qemuPropsAddString(props, "endpoint", endpoint);
    qemuPropsAddBool(props, "verify-peer", verifyPeer);
    return props;
}

static void
qemuBuildMonitor(qemuCommand *cmd)
{
    g_autoptr(GString) buf = g_string_new("socket,id=charmonitor,");

    if (cmd->opts->monitorFd >= 0) {
        g_string_append_printf(buf, "fd=%d", cmd->opts->monitorFd);
    } else {
        g_string_append(buf, "path=");
        qemuPropsEscapeComma(buf, cmd->opts->monitorPath ? cmd->opts->monitorPath : "");
    }
    g_string_append(buf, ",server=on,wait=off");
    qemuCommandAddArgPair(cmd, "-chardev", buf->str);
    qemuCommandAddArgPair(cmd, "-mon", "chardev=charmonitor,id=monitor,mode=control");
}

static void
qemuBuildBoot(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;

    qemuCommandAddArgPair(cmd, "-boot", "strict=on");
    if (def->os.kernel)
        qemuCommandAddArgPair(cmd, "-kernel", def->os.kernel);
    if (def->os.initrd)
        qemuCommandAddArgPair(cmd, "-initrd", def->os.initrd);
    if (def->os.cmdline)
        qemuCommandAddArgPair(cmd, "-append", def->os.cmdline);
}

static int
qemuBuildControllers(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;
    size_t i;

    /* PCI controllers first (buses must exist before their devices) */
    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];
        g_autoptr(qemuProps) props = NULL;

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            continue;
        if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT) {
            props = qemuPropsNew();
            qemuPropsAddString(props, "driver", "pcie-root-port");
            qemuPropsAddInt(props, "port", c->port);
            qemuPropsAddInt(props, "chassis", c->chassis);
        } else if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE) {
            props = qemuPropsNew();
            qemuPropsAddString(props, "driver", "pcie-pci-bridge");
        } else {
            continue;   /* the root bus is built in */
        }
        qemuPropsAddString(props, "id", c->info.alias);
        if (qemuPropsAddPCIAddress(props, def, &c->info) < 0)
            return -1;
        qemuCommandAddProps(cmd, "-device", props, "driver");
    }

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];
        g_autoptr(qemuProps) props = NULL;
        const char *driver = NULL;

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_USB)
            continue;
        switch ((virDomainControllerModelUSB) c->model) {
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI:
            driver = "qemu-xhci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI:
            driver = "nec-usb-xhci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI:
            driver = "piix3-usb-uhci";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1:
            driver = "ich9-usb-ehci1";
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE:
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT:
        case VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST:
            break;
        }
        if (!driver)
            continue;
        props = qemuPropsNew();
        qemuPropsAddString(props, "driver", driver);
        qemuPropsAddString(props, "id", c->info.alias);
        if (qemuPropsAddPCIAddress(props, def, &c->info) < 0)
            return -1;
        qemuCommandAddProps(cmd, "-device", props, "driver");
    }
    return 0;
}

/* bootindex of a device: per-device <boot order>, or derived from
 * <os><boot dev=.../>: the first disk for "hd", the first NIC for
 * "network", the first cdrom for "cdrom". */
static unsigned int
qemuDeviceBootIndex(const virDomainDef *def, const virDomainDeviceInfo *info)
{
    size_t i, b;

    if (info->bootIndex)
        return info->bootIndex;
    for (b = 0; b < def->os.nBootDevs; b++) {
        const virDomainDeviceInfo *first = NULL;

        switch ((virDomainBootOrder) def->os.bootDevs[b]) {
        case VIR_DOMAIN_BOOT_DISK:
        case VIR_DOMAIN_BOOT_CDROM:
            for (i = 0; i < def->ndisks; i++) {
                bool cd = def->disks[i]->device == VIR_DOMAIN_DISK_DEVICE_CDROM;

                if (cd == (def->os.bootDevs[b] == VIR_DOMAIN_BOOT_CDROM)) {
                    first = &def->disks[i]->info;
                    break;
                }
            }
            break;
        case VIR_DOMAIN_BOOT_NET:
            if (def->nnets)
                first = &def->nets[0]->info;
            break;
        case VIR_DOMAIN_BOOT_FLOPPY:
        case VIR_DOMAIN_BOOT_LAST:
            break;
        }
        if (first == info)
            return b + 1;
    }
    return 0;
}

/* Does the qcow2 image at @path name a backing file in its header (bytes
 * 8..15: big-endian offset of the name, 0 when there is none)? An image
 * that cannot be read is taken to have none: QEMU reports that one. */
static bool
qemuDiskQcow2HasBackingFile(const char *path)
{
    unsigned char hdr[16];
    bool ret = false;
    int fd;
    size_t i;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    if (pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
        memcmp(hdr, "QFI\xfb", 4) == 0) {
        for (i = 8; i < 16; i++)
            ret |= hdr[i] != 0;
    }
    close(fd);
    return ret;
}

static int
qemuBuildDisks(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];
        g_autoptr(qemuProps) storage = qemuPropsNew();
        g_autoptr(qemuProps) format = qemuPropsNew();
        g_autoptr(qemuProps) dev = qemuPropsNew();
        g_autofree char *storageName = g_strdup_printf("libvirt-%zu-storage", def->ndisks - i);
        g_autofree char *formatName = g_strdup_printf("libvirt-%zu-format", def->ndisks - i);
        unsigned int bootindex = qemuDeviceBootIndex(def, &disk->info);

        if (!disk->src) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("disk '%s' has no source: empty drives are not supported"),
                           disk->dst);
            return -1;
        }
        qemuPropsAddString(storage, "driver",
                           disk->type == VIR_DOMAIN_DISK_TYPE_BLOCK ? "host_device" : "file");
        qemuPropsAddString(storage, "filename", disk->src);
        qemuPropsAddString(storage, "node-name", storageName);
        qemuPropsAddBool(storage, "auto-read-only", true);
        qemuPropsAddString(storage, "discard", "unmap");
        qemuCommandAddBlockdev(cmd, storage);

        qemuPropsAddString(format, "node-name", formatName);
        qemuPropsAddBool(format, "read-only", disk->readonly);
        qemuPropsAddString(format, "driver",
                           disk->format == VIR_STORAGE_FILE_QCOW2 ? "qcow2" : "raw");
        qemuPropsAddString(format, "file", storageName);
        /* as libvirt does for a qcow2 image without a backing file, so that
         * QEMU does not look for one; an image with one is left to QEMU,
         * which opens the chain itself */
        if (disk->format == VIR_STORAGE_FILE_QCOW2 &&
            !qemuDiskQcow2HasBackingFile(disk->src))
            qemuPropsAddNull(format, "backing");
        qemuCommandAddBlockdev(cmd, format);

        if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO) {
            qemuPropsAddString(dev, "driver", "virtio-blk-pci");
            if (qemuPropsAddPCIAddress(dev, def, &disk->info) < 0)
                return -1;
        } else {
            qemuPropsAddString(dev, "driver",
                               disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM ? "ide-cd" : "ide-hd");
            qemuPropsAddStringf(dev, "bus", "ide.%u", disk->info.addr.drive.bus);
        }
        qemuPropsAddString(dev, "drive", formatName);
        qemuPropsAddString(dev, "id", disk->info.alias);
        if (bootindex)
            qemuPropsAddInt(dev, "bootindex", bootindex);
        qemuCommandAddProps(cmd, "-device", dev, "driver");
    }
    return 0;
}

static const char *
qemuNicModelDriver(int model)
{
    switch ((virDomainNetModelType) model) {
    case VIR_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case VIR_DOMAIN_NET_MODEL_VIRTIO_TRANSITIONAL:
        return "virtio-net-pci-transitional";
    case VIR_DOMAIN_NET_MODEL_VIRTIO_NON_TRANSITIONAL:
        return "virtio-net-pci-non-transitional";
    case VIR_DOMAIN_NET_MODEL_E1000:
        return "e1000";
    case VIR_DOMAIN_NET_MODEL_E1000E:
    case VIR_DOMAIN_NET_MODEL_UNKNOWN:
        /* no <model>: defined before rtl8139 became the default at define
         * (qemuDomainNetDefPostParse); such a guest keeps its e1000e */
        return "e1000e";
    case VIR_DOMAIN_NET_MODEL_RTL8139:
        return "rtl8139";
    case VIR_DOMAIN_NET_MODEL_LAST:
        break;
    }
    return NULL;
}

static bool
qemuNicIsVirtio(int model)
{
    return model == VIR_DOMAIN_NET_MODEL_VIRTIO ||
           model == VIR_DOMAIN_NET_MODEL_VIRTIO_TRANSITIONAL ||
           model == VIR_DOMAIN_NET_MODEL_VIRTIO_NON_TRANSITIONAL;
}

qemuProps *
qemuBuildNicDeviceProps(const virDomainDef *def, const virDomainNetDef *net)
{
    g_autoptr(qemuProps) props = qemuPropsNew();
    g_autofree char *netdev = qemuAliasNetdevFromNet(net);
    char mac[VIR_MAC_STRING_BUFLEN];
    unsigned int bootindex = qemuDeviceBootIndex(def, &net->info);

    qemuPropsAddString(props, "driver", qemuNicModelDriver(net->model));
    if (net->teaming && net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT)
        qemuPropsAddBool(props, "failover", true);
    qemuPropsAddString(props, "netdev", netdev);
    qemuPropsAddString(props, "id", net->info.alias);
    qemuPropsAddString(props, "mac", virMacAddrFormat(&net->mac, mac));
    if (net->mtu && qemuNicIsVirtio(net->model))
        qemuPropsAddInt(props, "host_mtu", net->mtu);
    if (bootindex)
        qemuPropsAddInt(props, "bootindex", bootindex);
    if (qemuPropsAddPCIAddress(props, def, &net->info) < 0)
        return NULL;
    return g_steal_pointer(&props);
}

/* The VF a hostdev or hostdev-backed interface passes to the guest. */
static const virPCIDeviceAddress *
qemuHostdevSource(const virDomainHostdevDef *hostdev)
{
    const virDomainNetDef *net = hostdev->parentnet;

    if (net && net->type == VIR_DOMAIN_NET_TYPE_NETWORK && net->actual)
        return &net->actual->hostdev.source;
    return &hostdev->source;
}

static const virDomainNetTeamingInfo *
qemuHostdevTeaming(const virDomainHostdevDef *hostdev)
{
    return hostdev->parentnet ? hostdev->parentnet->teaming : hostdev->teaming;
}

qemuProps *
qemuBuildHostdevDeviceProps(const virDomainDef *def,
                            const virDomainHostdevDef *hostdev,
                            const qemuCommandOptions *opts)
{
    g_autoptr(qemuProps) props = qemuPropsNew();
    const virDomainNetTeamingInfo *teaming = qemuHostdevTeaming(hostdev);
    unsigned int bootindex = qemuDeviceBootIndex(def, hostdev->info);

    if (opts->simulateVFModel) {
        /* Simulated SR-IOV: an emulated NIC stands in for the VF, with the
         * MAC the VF would have been given and no option ROM (the
         * destination of a migration could not provide the hidden ROM). */
        char mac[VIR_MAC_STRING_BUFLEN];

        const virDomainNetDef *standby = NULL;
        g_autofree char *netdev = g_strdup_printf("host%s", hostdev->info->alias);

        if (teaming && teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
            standby = virDomainNetFindByAlias(def, teaming->persistent);
        qemuPropsAddString(props, "driver", opts->simulateVFModel);
        qemuPropsAddString(props, "netdev", netdev);
        /* a plain <hostdev> VF keeps its own MAC: the simulated one was set
         * up like the standby, as an administrator must do on a real host */
        if (hostdev->parentnet)
            qemuPropsAddString(props, "mac", virMacAddrFormat(&hostdev->parentnet->mac, mac));
        else if (standby)
            qemuPropsAddString(props, "mac", virMacAddrFormat(&standby->mac, mac));
        qemuPropsAddString(props, "id", hostdev->info->alias);
        if (teaming && teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
            qemuPropsAddString(props, "failover_pair_id", teaming->persistent);
        qemuPropsAddString(props, "romfile", "");
    } else {
        g_autofree char *host = virPCIDeviceAddressAsString(qemuHostdevSource(hostdev));

        qemuPropsAddString(props, "driver", "vfio-pci");
        qemuPropsAddString(props, "host", host);
        qemuPropsAddString(props, "id", hostdev->info->alias);
        if (teaming && teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
            qemuPropsAddString(props, "failover_pair_id", teaming->persistent);
    }
    if (bootindex)
        qemuPropsAddInt(props, "bootindex", bootindex);
    if (qemuPropsAddPCIAddress(props, def, hostdev->info) < 0)
        return NULL;
    return g_steal_pointer(&props);
}

static int
qemuBuildNets(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];
        g_autoptr(qemuProps) netdev = NULL;
        g_autoptr(qemuProps) dev = NULL;
        g_autofree char *netdevId = NULL;
        int actualType = virDomainNetGetActualType(net);
        char owner[128];

        /* a VF is passed through with the hostdevs, no -netdev */
        if (actualType == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            continue;

        virDomainNetGetDisplayName(net, owner, sizeof(owner));
        switch ((virDomainNetType) actualType) {
        case VIR_DOMAIN_NET_TYPE_USER:
            break;
        case VIR_DOMAIN_NET_TYPE_NETWORK:
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("%s uses network '%s', which has not been resolved to a device: start the network first"),
                           owner, net->data.network.name);
            return -1;
        case VIR_DOMAIN_NET_TYPE_BRIDGE:
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("%s: bridge interfaces need tap devices, which the embedded driver does not create; use type='user' or a hostdev pool"),
                           owner);
            return -1;
        case VIR_DOMAIN_NET_TYPE_HOSTDEV:
        case VIR_DOMAIN_NET_TYPE_LAST:
            break;
        }

        netdevId = qemuAliasNetdevFromNet(net);
        netdev = qemuPropsNew();
        qemuPropsAddString(netdev, "type", "user");
        qemuPropsAddString(netdev, "id", netdevId);
        qemuCommandAddProps(cmd, "-netdev", netdev, "type");

        if (!(dev = qemuBuildNicDeviceProps(def, net)))
            return -1;
        qemuCommandAddProps(cmd, "-device", dev, "driver");
    }
    return 0;
}

static void
qemuBuildChrSource(GString *buf, const virDomainChrDef *chr)
{
    switch ((virDomainChrType) chr->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        g_string_append_printf(buf, "pty,id=char%s", chr->info.alias);
        break;
    case VIR_DOMAIN_CHR_TYPE_FILE:
        g_string_append_printf(buf, "file,id=char%s,path=", chr->info.alias);
        qemuPropsEscapeComma(buf, chr->path);
        g_string_append(buf, ",append=on");
        break;
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        g_string_append_printf(buf, "socket,id=char%s,path=", chr->info.alias);
        qemuPropsEscapeComma(buf, chr->path);
        if (chr->listen)
            g_string_append(buf, ",server=on,wait=off");
        break;
    case VIR_DOMAIN_CHR_TYPE_LAST:
        break;
    }
}

static void
qemuBuildSerials(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;
    size_t i;

    for (i = 0; i < def->nserials; i++) {
        virDomainChrDef *serial = def->serials[i];
        g_autoptr(GString) src = g_string_new(NULL);
        g_autoptr(qemuProps) dev = qemuPropsNew();
        g_autofree char *chardev = g_strdup_printf("char%s", serial->info.alias);

        qemuBuildChrSource(src, serial);
        qemuCommandAddArgPair(cmd, "-chardev", src->str);
        qemuPropsAddString(dev, "driver", "isa-serial");
        qemuPropsAddString(dev, "chardev", chardev);
        qemuPropsAddString(dev, "id", serial->info.alias);
        qemuPropsAddInt(dev, "index", serial->targetPort);
        qemuCommandAddProps(cmd, "-device", dev, "driver");
    }
}

static void
qemuBuildAudio(qemuCommand *cmd)
{
    size_t i;

    for (i = 0; i < cmd->def->naudios; i++) {
        g_autoptr(qemuProps) props = qemuPropsNew();

        qemuPropsAddStringf(props, "id", "audio%u", cmd->def->audios[i]->id);
        qemuPropsAddString(props, "driver", "none");
        if (cmd->opts->jsonDevice) {
            qemuCommandAddProps(cmd, "-audiodev", props, NULL);
        } else {
            qemuCommandAddArgPairf(cmd, "-audiodev", "id=audio%u,driver=none",
                                   cmd->def->audios[i]->id);
        }
    }
}

static int
qemuBuildHostdevs(qemuCommand *cmd)
{
    const virDomainDef *def = cmd->def;
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        g_autoptr(qemuProps) dev = NULL;

        if (cmd->opts->simulateVFModel) {
            /* the emulated stand-in of a VF needs a network backend */
            g_autoptr(qemuProps) netdev = qemuPropsNew();

            qemuPropsAddString(netdev, "type", "user");
            qemuPropsAddStringf(netdev, "id", "host%s", def->hostdevs[i]->info->alias);
            qemuCommandAddProps(cmd, "-netdev", netdev, "type");
        }
        if (!(dev = qemuBuildHostdevDeviceProps(def, def->hostdevs[i], cmd->opts)))
            return -1;
        qemuCommandAddProps(cmd, "-device", dev, "driver");
    }
    return 0;
}

static int
qemuBuildMemballoon(qemuCommand *cmd)
{
    const virDomainMemballoonDef *balloon = cmd->def->memballoon;
    g_autoptr(qemuProps) dev = NULL;

    if (!balloon || balloon->model != VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
        return 0;
    dev = qemuPropsNew();
    qemuPropsAddString(dev, "driver", "virtio-balloon-pci");
    qemuPropsAddString(dev, "id", balloon->info.alias);
    if (qemuPropsAddPCIAddress(dev, cmd->def, &balloon->info) < 0)
        return -1;
    qemuCommandAddProps(cmd, "-device", dev, "driver");
    return 0;
}

GStrv
qemuBuildCommandLine(const virDomainDef *def, const qemuCommandOptions *opts)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    qemuCommand cmd = { argv, opts, def };
    g_autoptr(GString) name = g_string_new("guest=");
    char uuid[VIR_UUID_STRING_BUFLEN];

    qemuCommandAddArg(&cmd, opts->emulator);

    qemuPropsEscapeComma(name, def->name);
    g_string_append(name, ",debug-threads=on");
    qemuCommandAddArgPair(&cmd, "-name", name->str);
    qemuCommandAddArg(&cmd, "-S");

    qemuBuildMachine(&cmd);
    qemuBuildCPU(&cmd);
    qemuBuildMemory(&cmd);

    qemuCommandAddArgPair(&cmd, "-uuid", virUUIDFormat(def->uuid, uuid));
    qemuCommandAddArgPair(&cmd, "-display", "none");
    qemuCommandAddArg(&cmd, "-no-user-config");
    qemuCommandAddArg(&cmd, "-nodefaults");
    qemuBuildMonitor(&cmd);
    qemuCommandAddArgPair(&cmd, "-rtc",
                          def->clockOffset == VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME ?
                          "base=localtime" : "base=utc");
    qemuCommandAddArg(&cmd, "-no-shutdown");
    if (!def->features[VIR_DOMAIN_FEATURE_ACPI])
        qemuCommandAddArg(&cmd, "-no-acpi");
    qemuBuildBoot(&cmd);

    if (qemuBuildControllers(&cmd) < 0 ||
        qemuBuildDisks(&cmd) < 0 ||
        qemuBuildNets(&cmd) < 0)
        return NULL;
    qemuBuildSerials(&cmd);
    qemuBuildAudio(&cmd);
    if (qemuBuildHostdevs(&cmd) < 0)
        return NULL;
    if (opts->incomingTLSDir) {
        g_autoptr(qemuProps) tls = qemuBuildTLSx509Props(QEMU_MIGRATION_TLS_ID,
                                                         opts->incomingTLSDir, "server",
                                                         opts->incomingTLSVerify);

        qemuCommandAddProps(&cmd, "-object", tls, "qom-type");
        qemuCommandAddArgPair(&cmd, "-global", "migration.tls-creds=" QEMU_MIGRATION_TLS_ID);
    }
    if (opts->incomingURI)
        qemuCommandAddArgPair(&cmd, "-incoming", opts->incomingURI);
    if (qemuBuildMemballoon(&cmd) < 0)
        return NULL;

    qemuCommandAddArgPair(&cmd, "-sandbox",
                          "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    qemuCommandAddArgPair(&cmd, "-msg", "timestamp=on");

    g_ptr_array_add(argv, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}

char *
qemuCommandLineToString(const char * const *argv)
{
    GString *buf = g_string_new(NULL);
    size_t i;

    for (i = 0; qemuCommandEnv[i]; i++)
        g_string_append_printf(buf, "%s \\\n", qemuCommandEnv[i]);
    for (i = 0; argv[i]; i++) {
        /* an option starts a line; its value follows on the same line */
        if (i > 0)
            g_string_append(buf, argv[i][0] == '-' ? " \\\n" : " ");
        g_string_append(buf, argv[i]);
    }
    g_string_append_c(buf, '\n');
    return g_string_free(buf, FALSE);
}
