/*
 * qemu_domain_address.c: guest PCI addresses for QEMU domains
 */
#include "internal.h"

#include "qemu_domain_address.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* Slots of bus 0 that are never handed out: 0 is the host bridge, 1 the
 * PIIX3 on i440fx (and our root ports' slot on q35 is managed apart),
 * 0x1f the ICH9 LPC/SATA/SMBus functions on q35. */
#define QEMU_PCI_SLOT_MAX 31

bool
qemuDomainIsQ35(const virDomainDef *def)
{
    return def->os.machine && strstr(def->os.machine, "q35");
}

bool
qemuDomainIsI440FX(const virDomainDef *def)
{
    return !qemuDomainIsQ35(def);
}

/* Bitmap of used (bus, slot, function) on buses 0..255. */
typedef struct {
    guint8 used[256][QEMU_PCI_SLOT_MAX + 1];   /* bit per function */
} qemuPCIAddressSet;

static bool
qemuPCIAddressIsUsed(const qemuPCIAddressSet *set, unsigned int bus,
                     unsigned int slot, unsigned int function)
{
    return set->used[bus][slot] & (1 << function);
}

static int
qemuPCIAddressReserve(qemuPCIAddressSet *set, const virPCIDeviceAddress *addr,
                      const char *what)
{
    if (addr->domain != 0 || addr->bus > 255 || addr->slot > QEMU_PCI_SLOT_MAX) {
        g_autofree char *str = virPCIDeviceAddressAsString(addr);

        virReportError(VIR_ERR_XML_ERROR,
                       _("guest PCI address %s of %s is out of range (domain must be 0)"),
                       str, what);
        return -1;
    }
    if (qemuPCIAddressIsUsed(set, addr->bus, addr->slot, addr->function)) {
        g_autofree char *str = virPCIDeviceAddressAsString(addr);

        virReportError(VIR_ERR_XML_ERROR,
                       _("guest PCI address %s of %s is already in use by another device: remove one of the <address> elements"),
                       str, what);
        return -1;
    }
    set->used[addr->bus][addr->slot] |= 1 << addr->function;
    return 0;
}

typedef struct {
    virDomainDeviceInfo *info;
    const char *what;
    bool isController;      /* its address is reserved with the controllers */
    /* conventional PCI only (no PCI Express): on q35 it goes into a slot
     * of a pcie-to-pci-bridge, never onto a root port */
    bool conventional;
    unsigned int function;  /* function it takes in its slot */
} qemuPCIEndpoint;

/* NIC models QEMU emulates as conventional PCI devices. */
static bool
qemuDomainNetIsConventionalPCI(const virDomainNetDef *net)
{
    switch ((virDomainNetModelType) net->model) {
    case VIR_DOMAIN_NET_MODEL_E1000:
    case VIR_DOMAIN_NET_MODEL_RTL8139:
    case VIR_DOMAIN_NET_MODEL_VIRTIO_TRANSITIONAL:
        return true;
    case VIR_DOMAIN_NET_MODEL_UNKNOWN:      /* e1000e (defined by an older version) */
    case VIR_DOMAIN_NET_MODEL_VIRTIO:
    case VIR_DOMAIN_NET_MODEL_VIRTIO_NON_TRANSITIONAL:
    case VIR_DOMAIN_NET_MODEL_E1000E:
    case VIR_DOMAIN_NET_MODEL_LAST:
        break;
    }
    return false;
}

/* Endpoints that need a PCI address, in assignment order. */
static GArray *
qemuDomainCollectEndpoints(virDomainDef *def)
{
    GArray *eps = g_array_new(FALSE, FALSE, sizeof(qemuPCIEndpoint));
    qemuPCIEndpoint ep = { 0 };
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        /* a VF (own or from a pool) is counted with the host devices */
        if (virDomainNetGetActualHostdev(def->nets[i]))
            continue;
        ep.info = &def->nets[i]->info;
        ep.what = "interface";
        ep.conventional = qemuDomainNetIsConventionalPCI(def->nets[i]);
        g_array_append_val(eps, ep);
        ep.conventional = false;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_USB ||
            c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
            continue;
        /* on i440fx the UHCI controller is a function of the PIIX3 */
        if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI &&
            qemuDomainIsI440FX(def))
            continue;
        ep.info = &c->info;
        ep.what = "USB controller";
        ep.isController = true;
        /* UHCI and EHCI are conventional PCI; EHCI takes function 7, the
         * place of the EHCI of a slot with UHCI companions */
        ep.conventional = c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI ||
                          c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1;
        ep.function = c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1 ? 7 : 0;
        g_array_append_val(eps, ep);
        ep.isController = false;
        ep.conventional = false;
        ep.function = 0;
    }
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->bus != VIR_DOMAIN_DISK_BUS_VIRTIO)
            continue;
        ep.info = &def->disks[i]->info;
        ep.what = "disk";
        g_array_append_val(eps, ep);
    }
    for (i = 0; i < def->nhostdevs; i++) {
        ep.info = def->hostdevs[i]->info;
        ep.what = "host device";
        g_array_append_val(eps, ep);
    }
    if (def->memballoon && def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO) {
        ep.info = &def->memballoon->info;
        ep.what = "memory balloon";
        g_array_append_val(eps, ep);
    }
    return eps;
}

static int
qemuDomainNextPCIIndex(const virDomainDef *def)
{
    int next = 1;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI && c->idx >= next)
            next = c->idx + 1;
    }
    return next;
}

/* Reserve every address the domain already has. */
static int
qemuDomainReserveExisting(virDomainDef *def, qemuPCIAddressSet *set, GArray *eps)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainDeviceInfo *info = &def->controllers[i]->info;

        if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            qemuPCIAddressReserve(set, &info->addr.pci, _("a controller")) < 0)
            return -1;
    }
    for (i = 0; i < eps->len; i++) {
        qemuPCIEndpoint *ep = &g_array_index(eps, qemuPCIEndpoint, i);

        if (ep->isController)
            continue;   /* done above */
        if (ep->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            qemuPCIAddressReserve(set, &ep->info->addr.pci, ep->what) < 0)
            return -1;
    }
    return 0;
}

/* The next free function for a new root port on pcie.0, from slot 1. */
static int
qemuDomainNextRootPortAddress(qemuPCIAddressSet *set, virPCIDeviceAddress *addr)
{
    unsigned int slot, fn;

    for (slot = 1; slot < 0x1f; slot++) {
        for (fn = 0; fn < 8; fn++) {
            if (!qemuPCIAddressIsUsed(set, 0, slot, fn)) {
                memset(addr, 0, sizeof(*addr));
                addr->slot = slot;
                addr->function = fn;
                set->used[0][slot] |= 1 << fn;
                return 0;
            }
        }
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                   _("no free function on pcie.0 for another pcie-root-port"));
    return -1;
}

static virDomainControllerDef *
qemuDomainNewPCIController(int idx, int model)
{
    virDomainControllerDef *c = g_new0(virDomainControllerDef, 1);

    c->type = VIR_DOMAIN_CONTROLLER_TYPE_PCI;
    c->model = model;
    c->idx = idx;
    c->chassis = -1;
    c->port = -1;
    return c;
}

/* Add a root port with an address on pcie.0 (hotplug into the config). */
static virDomainControllerDef *
qemuDomainAddRootPort(virDomainDef *def, qemuPCIAddressSet *set)
{
    virDomainControllerDef *c;

    c = qemuDomainNewPCIController(qemuDomainNextPCIIndex(def),
                                   VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT);
    c->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    if (qemuDomainNextRootPortAddress(set, &c->info.addr.pci) < 0) {
        virDomainControllerDefFree(c);
        return NULL;
    }
    c->chassis = c->idx;
    c->port = (c->info.addr.pci.slot << 3) + c->info.addr.pci.function;
    virDomainControllerInsert(def, c);
    return c;
}

/* Give function 0 of every slot of pcie.0 with several root ports the
 * multifunction flag, and fill in chassis/port of ports that lack them. */
static void
qemuDomainFinishRootPorts(virDomainDef *def)
{
    size_t i, j;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];
        virPCIDeviceAddress *a = &c->info.addr.pci;

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI ||
            c->model != VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT ||
            c->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            continue;
        if (c->chassis < 0)
            c->chassis = c->idx;
        if (c->port < 0)
            c->port = (a->slot << 3) + a->function;
        if (a->bus != 0 || a->function != 0)
            continue;
        for (j = 0; j < def->ncontrollers; j++) {
            virDomainControllerDef *o = def->controllers[j];

            if (o != c && o->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
                o->info.addr.pci.bus == 0 && o->info.addr.pci.slot == a->slot)
                a->multi = true;
        }
    }
}

/* The PCI buses of a q35 domain while addresses are planned: the model of
 * the controller of each index (-1: none), including the ones a first,
 * dry pass decides to add. */
typedef struct {
    qemuPCIAddressSet *set;
    int models[256];
    unsigned int nbuses;        /* highest index + 1 */
} qemuQ35Buses;

static void
qemuQ35BusesInit(qemuQ35Buses *buses, const virDomainDef *def, qemuPCIAddressSet *set)
{
    size_t i;

    buses->set = set;
    buses->nbuses = 1;
    for (i = 0; i < G_N_ELEMENTS(buses->models); i++)
        buses->models[i] = -1;
    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI || c->idx < 0 || c->idx > 255)
            continue;
        buses->models[c->idx] = c->model;
        if ((unsigned int)c->idx >= buses->nbuses)
            buses->nbuses = c->idx + 1;
    }
}

static int
qemuQ35BusesGrow(qemuQ35Buses *buses, int model)
{
    if (buses->nbuses > 255) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("no PCI controller index left for another pcie-root-port or pcie-to-pci-bridge: remove a device"));
        return -1;
    }
    buses->models[buses->nbuses] = model;
    return buses->nbuses++;
}

/* The lowest root port with nothing plugged in, -1 if there is none. */
static int
qemuQ35FreeRootPort(const qemuQ35Buses *buses)
{
    unsigned int i;

    for (i = 1; i < buses->nbuses; i++) {
        if (buses->models[i] == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT &&
            !qemuPCIAddressIsUsed(buses->set, i, 0, 0))
            return i;
    }
    return -1;
}

/* Take a free root port for a PCI Express device, adding one to @buses
 * when @grow. Returns its index, or -1 (with an error when !@grow). */
static int
qemuQ35TakeRootPort(qemuQ35Buses *buses, bool grow)
{
    int idx = qemuQ35FreeRootPort(buses);

    if (idx < 0) {
        if (!grow) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("no free pcie-root-port for a PCI Express device"));
            return -1;
        }
        if ((idx = qemuQ35BusesGrow(buses, VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT)) < 0)
            return -1;
    }
    buses->set->used[idx][0] |= 1;
    return idx;
}

/* Take a free slot (1..31, all functions free) of a pcie-to-pci-bridge
 * for a conventional PCI device. Returns -1 without an error if there is
 * none. */
static int
qemuQ35FindBridgeSlot(qemuQ35Buses *buses, unsigned int function,
                      virPCIDeviceAddress *addr)
{
    unsigned int i, slot;

    for (i = 1; i < buses->nbuses; i++) {
        if (buses->models[i] != VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE)
            continue;
        for (slot = 1; slot <= QEMU_PCI_SLOT_MAX; slot++) {
            if (buses->set->used[i][slot])
                continue;
            buses->set->used[i][slot] |= 1 << function;
            memset(addr, 0, sizeof(*addr));
            addr->bus = i;
            addr->slot = slot;
            addr->function = function;
            return 0;
        }
    }
    return -1;
}

/* As above, adding a root port and a bridge on it to @buses when @grow
 * and every bridge is full. */
static int
qemuQ35TakeBridgeSlot(qemuQ35Buses *buses, bool grow, unsigned int function,
                      virPCIDeviceAddress *addr)
{
    int port, bridge;

    if (qemuQ35FindBridgeSlot(buses, function, addr) == 0)
        return 0;
    if (!grow) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("no free pcie-to-pci-bridge slot for a conventional PCI device"));
        return -1;
    }
    if ((port = qemuQ35BusesGrow(buses, VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT)) < 0 ||
        (bridge = qemuQ35BusesGrow(buses, VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE)) < 0)
        return -1;
    buses->set->used[port][0] |= 1;
    return qemuQ35FindBridgeSlot(buses, function, addr);
}

/* One pass of q35 addressing. The dry pass (@dryRun) works on a copy of
 * the used addresses and only grows @buses: it finds out which root ports
 * and bridges are missing. The real pass runs once they exist: it first
 * places the controllers without an address in index order (root ports on
 * pcie.0, bridges on the lowest free root port), then the endpoints. That
 * a bridge added for a device takes the first root port, whichever device
 * made the dry pass add that port, is how libvirt numbers them too. */
static int
qemuDomainQ35Pass(virDomainDef *def, qemuQ35Buses *buses, GArray *eps,
                  bool dryRun)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];
        int port;

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI ||
            c->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
            continue;
        if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT) {
            if (dryRun)
                continue;   /* pcie.0 does not grow */
            c->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
            if (qemuDomainNextRootPortAddress(buses->set, &c->info.addr.pci) < 0)
                return -1;
        } else if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE) {
            if ((port = qemuQ35TakeRootPort(buses, dryRun)) < 0)
                return -1;
            if (dryRun)
                continue;
            c->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
            memset(&c->info.addr.pci, 0, sizeof(c->info.addr.pci));
            c->info.addr.pci.bus = port;
        }
    }

    for (i = 0; i < eps->len; i++) {
        qemuPCIEndpoint *ep = &g_array_index(eps, qemuPCIEndpoint, i);
        virPCIDeviceAddress addr = { 0 };
        int port;

        if (ep->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            continue;
        if (ep->conventional) {
            if (qemuQ35TakeBridgeSlot(buses, dryRun, ep->function, &addr) < 0)
                return -1;
        } else {
            if ((port = qemuQ35TakeRootPort(buses, dryRun)) < 0)
                return -1;
            addr.bus = port;
        }
        if (dryRun)
            continue;
        ep->info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        ep->info->addr.pci = addr;
    }
    return 0;
}

static int
qemuDomainAssignQ35Addresses(virDomainDef *def, qemuPCIAddressSet *set, GArray *eps)
{
    g_autofree qemuPCIAddressSet *dry = g_new0(qemuPCIAddressSet, 1);
    qemuQ35Buses buses;
    unsigned int first;
    unsigned int i;

    /* ICH9 functions on slot 0x1f and the host bridge are built in */
    set->used[0][0] = 0xff;
    set->used[0][0x1f] = 0xff;

    /* dry pass: which controllers are missing */
    memcpy(dry, set, sizeof(*dry));
    qemuQ35BusesInit(&buses, def, dry);
    first = buses.nbuses;
    if (qemuDomainQ35Pass(def, &buses, eps, true) < 0)
        return -1;
    /* one empty root port so that a device can be hot-plugged, when this
     * pass added controllers to a definition that had none but the root
     * (with PCI controllers of the user's, libvirt adds no spare either) */
    if (first == 1 && buses.nbuses > first && qemuQ35FreeRootPort(&buses) < 0 &&
        qemuQ35BusesGrow(&buses, VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT) < 0)
        return -1;
    for (i = first; i < buses.nbuses; i++)
        virDomainControllerInsert(def, qemuDomainNewPCIController(i, buses.models[i]));

    qemuQ35BusesInit(&buses, def, set);
    if (qemuDomainQ35Pass(def, &buses, eps, false) < 0)
        return -1;

    qemuDomainFinishRootPorts(def);
    return 0;
}

static int
qemuDomainAssignI440FXAddresses(qemuPCIAddressSet *set, GArray *eps)
{
    size_t i;

    set->used[0][0] = 0xff;   /* host bridge */
    set->used[0][1] = 0xff;   /* PIIX3: ISA, IDE, UHCI, ACPI */

    for (i = 0; i < eps->len; i++) {
        qemuPCIEndpoint *ep = &g_array_index(eps, qemuPCIEndpoint, i);
        unsigned int slot;

        if (ep->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            continue;
        for (slot = 2; slot <= QEMU_PCI_SLOT_MAX; slot++) {
            if (!set->used[0][slot])
                break;
        }
        if (slot > QEMU_PCI_SLOT_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("no free slot on pci.0 for a %s: remove a device"),
                           ep->what);
            return -1;
        }
        set->used[0][slot] = 0xff;
        ep->info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        memset(&ep->info->addr.pci, 0, sizeof(ep->info->addr.pci));
        ep->info->addr.pci.slot = slot;
    }
    return 0;
}

static void
qemuDomainAssignDriveAddresses(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];
        const char *suffix = disk->dst + 2;

        if (disk->bus != VIR_DOMAIN_DISK_BUS_SATA ||
            disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
            continue;
        disk->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
        memset(&disk->info.addr.drive, 0, sizeof(disk->info.addr.drive));
        /* sda -> unit 0, sdb -> unit 1, ... (one disk per AHCI port) */
        if (*suffix >= 'a' && *suffix <= 'z' && suffix[1] == '\0')
            disk->info.addr.drive.bus = *suffix - 'a';
    }
}

int
qemuDomainAssignAddresses(virDomainDef *def)
{
    g_autofree qemuPCIAddressSet *set = g_new0(qemuPCIAddressSet, 1);
    g_autoptr(GArray) eps = qemuDomainCollectEndpoints(def);
    size_t i;

    /* controllers with fixed places */
    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        if (c->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
            continue;
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_SATA && c->idx == 0 &&
            qemuDomainIsQ35(def)) {
            c->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
            c->info.addr.pci.slot = 0x1f;
            c->info.addr.pci.function = 2;
        } else if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
                   c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI &&
                   qemuDomainIsI440FX(def)) {
            c->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
            c->info.addr.pci.slot = 1;
            c->info.addr.pci.function = 2;
        }
    }

    if (qemuDomainReserveExisting(def, set, eps) < 0)
        return -1;

    if (qemuDomainIsQ35(def)) {
        if (qemuDomainAssignQ35Addresses(def, set, eps) < 0)
            return -1;
    } else if (qemuDomainAssignI440FXAddresses(set, eps) < 0) {
        return -1;
    }

    qemuDomainAssignDriveAddresses(def);
    return 0;
}

/* A conventional PCI device hot-plugged into a q35 guest: a free slot of a
 * pcie-to-pci-bridge; for the config only, a new bridge on a new root port
 * when there is none. */
static int
qemuDomainFindHotplugBridgeSlot(virDomainDef *def, qemuPCIAddressSet *set,
                                bool allowAdd, unsigned int function,
                                virDomainDeviceInfo *info)
{
    qemuQ35Buses buses;
    virDomainControllerDef *port;
    virDomainControllerDef *bridge;

    qemuQ35BusesInit(&buses, def, set);
    if (qemuQ35FindBridgeSlot(&buses, function, &info->addr.pci) == 0)
        return 0;
    if (!allowAdd) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("no free pcie-to-pci-bridge slot to hot-plug the conventional PCI device into: use a PCI Express model (virtio, e1000e) or add a <controller type='pci' model='pcie-to-pci-bridge'/> to the domain's configuration and restart it"));
        return -1;
    }
    if (!(port = qemuDomainAddRootPort(def, set)))
        return -1;
    bridge = qemuDomainNewPCIController(qemuDomainNextPCIIndex(def),
                                        VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE);
    bridge->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    bridge->info.addr.pci.bus = port->idx;
    set->used[port->idx][0] |= 1;
    virDomainControllerInsert(def, bridge);
    qemuDomainFinishRootPorts(def);
    qemuQ35BusesInit(&buses, def, set);
    return qemuQ35TakeBridgeSlot(&buses, false, function, &info->addr.pci);
}

int
qemuDomainFindHotplugSlot(virDomainDef *def, bool allowAdd,
                          virDomainDeviceInfo *info)
{
    g_autofree qemuPCIAddressSet *set = g_new0(qemuPCIAddressSet, 1);
    g_autoptr(GArray) eps = qemuDomainCollectEndpoints(def);
    virDomainControllerDef *port;
    unsigned int slot;
    size_t i;

    if (qemuDomainReserveExisting(def, set, eps) < 0)
        return -1;

    memset(&info->addr.pci, 0, sizeof(info->addr.pci));
    info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;

    if (qemuDomainIsQ35(def)) {
        qemuQ35Buses buses;
        int idx;

        set->used[0][0] = 0xff;
        set->used[0][0x1f] = 0xff;
        for (i = 0; i < eps->len; i++) {
            qemuPCIEndpoint *ep = &g_array_index(eps, qemuPCIEndpoint, i);

            if (ep->info != info || !ep->conventional)
                continue;
            if (qemuDomainFindHotplugBridgeSlot(def, set, allowAdd, ep->function, info) < 0) {
                info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE;
                return -1;
            }
            return 0;
        }
        qemuQ35BusesInit(&buses, def, set);
        if ((idx = qemuQ35FreeRootPort(&buses)) < 0) {
            if (!allowAdd) {
                virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                               _("no free pcie-root-port to hot-plug the device into: add an empty <controller type='pci' model='pcie-root-port'/> to the domain's configuration and restart it"));
                info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE;
                return -1;
            }
            if (!(port = qemuDomainAddRootPort(def, set)))
                return -1;
            qemuDomainFinishRootPorts(def);
            idx = port->idx;
        }
        info->addr.pci.bus = idx;
        return 0;
    }

    set->used[0][0] = 0xff;
    set->used[0][1] = 0xff;
    for (slot = 2; slot <= QEMU_PCI_SLOT_MAX; slot++) {
        if (!set->used[0][slot]) {
            info->addr.pci.slot = slot;
            return 0;
        }
    }
    virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                   _("no free slot on pci.0 to hot-plug the device into"));
    info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE;
    return -1;
}
