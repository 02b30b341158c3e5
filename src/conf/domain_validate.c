/*
 * domain_validate.c: semantic checks of a parsed domain definition
 *
 * Everything here runs after post-parse defaults, on the whole domain, so
 * that cross-device rules (teaming pairs, aliases, addresses) can be
 * checked. Each failure names the device and says what to change.
 */
#include "internal.h"

#include "domain_conf.h"
#include "domain_validate.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

static int
virDomainDefValidateName(const virDomainDef *def)
{
    if (!*def->name) {
        virReportError(VIR_ERR_XML_ERROR, "%s", _("domain name must not be empty"));
        return -1;
    }
    if (strchr(def->name, '/')) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("name %s cannot contain '/': a domain name is used as a file name"),
                       def->name);
        return -1;
    }
    if (def->name[0] == '.') {
        virReportError(VIR_ERR_XML_ERROR,
                       _("domain name '%s' must not start with '.'"), def->name);
        return -1;
    }
    if (strlen(def->name) > 200) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("domain name is longer than 200 characters"));
        return -1;
    }
    return 0;
}

/* Every device info in the domain, for alias checks. */
static void
virDomainDefCollectInfos(const virDomainDef *def, GPtrArray *infos)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        g_ptr_array_add(infos, &def->disks[i]->info);
    for (i = 0; i < def->ncontrollers; i++)
        g_ptr_array_add(infos, &def->controllers[i]->info);
    for (i = 0; i < def->nnets; i++)
        g_ptr_array_add(infos, &def->nets[i]->info);
    for (i = 0; i < def->nhostdevs; i++) {
        if (!def->hostdevs[i]->parentnet)
            g_ptr_array_add(infos, def->hostdevs[i]->info);
    }
    for (i = 0; i < def->nserials; i++)
        g_ptr_array_add(infos, &def->serials[i]->info);
    if (def->memballoon)
        g_ptr_array_add(infos, &def->memballoon->info);
}

static int
virDomainDefValidateAliases(const virDomainDef *def)
{
    g_autoptr(GPtrArray) infos = g_ptr_array_new();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    virDomainDefCollectInfos(def, infos);
    for (i = 0; i < infos->len; i++) {
        virDomainDeviceInfo *info = g_ptr_array_index(infos, i);

        if (!info->alias || !info->userAlias)
            continue;
        if (!g_hash_table_add(seen, info->alias)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("user alias '%s' is used by more than one device: aliases must be unique in a domain"),
                           info->alias);
            return -1;
        }
    }
    return 0;
}

static int
virDomainDefValidateBootOrder(const virDomainDef *def)
{
    g_autoptr(GPtrArray) infos = g_ptr_array_new();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    bool any = false;
    size_t i;

    virDomainDefCollectInfos(def, infos);
    for (i = 0; i < infos->len; i++) {
        virDomainDeviceInfo *info = g_ptr_array_index(infos, i);

        if (!info->bootIndex)
            continue;
        any = true;
        if (!g_hash_table_add(seen, GUINT_TO_POINTER(info->bootIndex))) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("boot order %u is used by more than one device"),
                           info->bootIndex);
            return -1;
        }
    }
    if (any && def->os.nBootDevs) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("per-device <boot order='N'/> and <os><boot dev=.../> cannot be combined: use one of them"));
        return -1;
    }
    return 0;
}

static int
virDomainDefValidateDisks(const virDomainDef *def)
{
    size_t i, j;

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];

        if (!disk->src && disk->device == VIR_DOMAIN_DISK_DEVICE_DISK) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("disk '%s' has no source: give <source %s='...'/>"),
                           disk->dst,
                           disk->type == VIR_DOMAIN_DISK_TYPE_FILE ? "file" : "dev");
            return -1;
        }
        if ((disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO && !g_str_has_prefix(disk->dst, "vd")) ||
            (disk->bus == VIR_DOMAIN_DISK_BUS_SATA && !g_str_has_prefix(disk->dst, "sd"))) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("disk target '%s' does not match bus '%s': use vdX for virtio and sdX for sata"),
                           disk->dst, virDomainDiskBusTypeToString(disk->bus));
            return -1;
        }
        if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO &&
            disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("cdrom '%s' cannot be on the virtio bus: use bus='sata'"),
                           disk->dst);
            return -1;
        }
        for (j = 0; j < i; j++) {
            if (STREQ(def->disks[j]->dst, disk->dst)) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("target '%s' is used by two disks: each disk needs its own target dev"),
                               disk->dst);
                return -1;
            }
        }
    }
    return 0;
}

static int
virDomainDefValidateControllers(const virDomainDef *def)
{
    size_t i, j;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        for (j = 0; j < i; j++) {
            virDomainControllerDef *o = def->controllers[j];

            if (o->type == c->type && o->idx == c->idx) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("two %s controllers have index %d: indexes must be unique per controller type"),
                               virDomainControllerTypeToString(c->type), c->idx);
                return -1;
            }
        }
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT ||
             c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT) &&
            c->idx != 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("the %s controller must have index 0"),
                           virDomainControllerModelPCITypeToString(c->model));
            return -1;
        }
    }
    return 0;
}

int
virDomainDefValidateHostdevSources(const virDomainDef *def)
{
    size_t i, j;

    for (i = 0; i < def->nhostdevs; i++) {
        for (j = 0; j < i; j++) {
            if (virPCIDeviceAddressEqual(&def->hostdevs[i]->source,
                                         &def->hostdevs[j]->source)) {
                g_autofree char *addr = virPCIDeviceAddressAsString(&def->hostdevs[i]->source);

                virReportError(VIR_ERR_XML_ERROR,
                               _("host PCI device %s is assigned twice: each <hostdev> or hostdev interface needs its own device"),
                               addr);
                return -1;
            }
        }
    }
    return 0;
}

/* Does the machine type put devices on a PCI Express root complex? */
static bool
virDomainDefIsQ35(const virDomainDef *def)
{
    return def->os.machine && strstr(def->os.machine, "q35");
}

/* A teaming primary given an explicit guest address must be on a slot QEMU
 * can hot-unplug: never the root bus of q35 (pcie.0 has no hotplug), and on
 * i440fx only with ACPI (pci.0 hotplug is ACPI based); never the slot of
 * its standby, not even as another function. */
static int
virDomainTeamingValidatePrimarySlot(const virDomainDef *def,
                                    const char *owner,
                                    const char *where,
                                    const virDomainDeviceInfo *info,
                                    const virDomainNetDef *standby)
{
    if (!virDomainDefIsQ35(def) && !def->features[VIR_DOMAIN_FEATURE_ACPI]) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("teaming primary %s would not be hot-pluggable: on i440fx, PCI hotplug needs ACPI; add <features><acpi/></features> (or use machine='q35')%s"),
                       owner, where);
        return -1;
    }

    if (info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        return 0;

    if (virDomainDefIsQ35(def) && info->addr.pci.bus == 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("teaming primary %s is on bus 0 (pcie.0), which does not support hotplug: remove its <address> or put it on a pcie-root-port bus%s"),
                       owner, where);
        return -1;
    }
    /* Hotplug works on whole slots: another function of the standby's slot
     * cannot be unplugged without the standby. */
    if (standby && standby->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
        standby->info.addr.pci.domain == info->addr.pci.domain &&
        standby->info.addr.pci.bus == info->addr.pci.bus &&
        standby->info.addr.pci.slot == info->addr.pci.slot) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("teaming primary %s is in the same guest PCI slot as its standby '%s', so it cannot be unplugged alone: give each its own slot%s"),
                       owner, standby->info.alias, where);
        return -1;
    }
    return 0;
}

/* Checks for one transient (primary) side, interface or hostdev. */
static int
virDomainTeamingValidateTransient(const virDomainDef *def,
                                  const char *owner,
                                  const virDomainNetTeamingInfo *teaming,
                                  const virDomainDeviceInfo *info,
                                  const virDomainNetDef *net,
                                  GHashTable *primaries)
{
    virDomainNetDef *standby = virDomainNetFindByAlias(def, teaming->persistent);
    const char *where = virDomainNetTeamingInfoWhere(teaming);
    const char *other;

    if (!standby) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("teaming primary %s names persistent='%s', but no interface in this domain has <alias name='%s'/>: add that alias to the virtio standby interface%s"),
                       owner, teaming->persistent, teaming->persistent, where);
        return -1;
    }
    if (!standby->teaming ||
        standby->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("teaming primary %s names interface '%s' as its standby, but that interface lacks <teaming type='persistent'/>: add it there%s"),
                       owner, teaming->persistent, where);
        return -1;
    }
    if ((other = g_hash_table_lookup(primaries, teaming->persistent))) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("standby interface '%s' has two teaming primaries (%s and %s): a standby takes at most one transient device%s"),
                       teaming->persistent, other, owner, where);
        return -1;
    }
    g_hash_table_insert(primaries, teaming->persistent, (gpointer)g_intern_string(owner));

    if (net && virMacAddrCompare(&net->mac, &standby->mac) != 0) {
        char m1[VIR_MAC_STRING_BUFLEN], m2[VIR_MAC_STRING_BUFLEN];

        virReportError(VIR_ERR_XML_ERROR,
                       _("teaming primary %s and its standby '%s' have different MACs (%s and %s): the guest pairs them by MAC; give both the same <mac address=.../> (or omit it on one side)%s"),
                       owner, standby->info.alias, virMacAddrFormat(&net->mac, m1),
                       virMacAddrFormat(&standby->mac, m2), where);
        return -1;
    }

    return virDomainTeamingValidatePrimarySlot(def, owner, where, info, standby);
}

static int
virDomainDefValidateTeaming(const virDomainDef *def)
{
    g_autoptr(GHashTable) primaries = g_hash_table_new(g_str_hash, g_str_equal);
    bool anyTeaming = false;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];
        const char *where;
        char owner[128];

        if (!net->teaming)
            continue;
        anyTeaming = true;
        virDomainNetGetDisplayName(net, owner, sizeof(owner));
        where = virDomainNetTeamingInfoWhere(net->teaming);

        if (net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT) {
            if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("%s: a hostdev interface cannot be the teaming standby; use type='transient' persistent='ALIAS' on it and put <teaming type='persistent'/> on a virtio interface%s"),
                               owner, where);
                return -1;
            }
            if (net->model != VIR_DOMAIN_NET_MODEL_VIRTIO &&
                net->model != VIR_DOMAIN_NET_MODEL_VIRTIO_TRANSITIONAL &&
                net->model != VIR_DOMAIN_NET_MODEL_VIRTIO_NON_TRANSITIONAL) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("teaming standby %s must be a virtio NIC: add <model type='virtio'/>%s"),
                               owner, where);
                return -1;
            }
            if (!net->info.alias) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("teaming standby %s needs a user alias so its primary can name it: add <alias name='ua-...'/>%s"),
                               owner, where);
                return -1;
            }
            continue;
        }

        /* transient */
        if (net->type != VIR_DOMAIN_NET_TYPE_HOSTDEV &&
            net->type != VIR_DOMAIN_NET_TYPE_NETWORK) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("teaming primary %s must be type='hostdev' or type='network' (a hostdev pool), not type='%s'%s"),
                           owner, virDomainNetTypeToString(net->type), where);
            return -1;
        }
        if (virDomainTeamingValidateTransient(def, owner, net->teaming, &net->info,
                                              net, primaries) < 0)
            return -1;
    }

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *hostdev = def->hostdevs[i];
        g_autofree char *owner = NULL;

        if (hostdev->parentnet || !hostdev->teaming)
            continue;
        anyTeaming = true;
        if (hostdev->info->alias) {
            owner = g_strdup_printf(_("hostdev '%s'"), hostdev->info->alias);
        } else {
            g_autofree char *addr = virPCIDeviceAddressAsString(&hostdev->source);

            owner = g_strdup_printf(_("hostdev %s"), addr);
        }
        if (hostdev->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("%s: teaming on a <hostdev> must be type='transient' with persistent='ALIAS' naming its virtio standby%s"),
                           owner, virDomainNetTeamingInfoWhere(hostdev->teaming));
            return -1;
        }
        if (virDomainTeamingValidateTransient(def, owner, hostdev->teaming,
                                              hostdev->info, NULL, primaries) < 0)
            return -1;
    }

    if (anyTeaming && !def->features[VIR_DOMAIN_FEATURE_ACPI] && virDomainDefIsQ35(def)) {
        virReportWarning(_("domain '%s' uses teaming without <features><acpi/></features>: the guest cannot unplug the primary for migration; add <acpi/>"),
                         def->name);
    }
    return 0;
}

static int
virDomainDefValidateNets(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];
        char owner[128];

        virDomainNetGetDisplayName(net, owner, sizeof(owner));
        if (net->vlanSet && net->type != VIR_DOMAIN_NET_TYPE_HOSTDEV &&
            net->type != VIR_DOMAIN_NET_TYPE_NETWORK) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("%s: a VLAN tag is only supported on hostdev interfaces (set on the VF) and network interfaces of a hostdev pool"),
                           owner);
            return -1;
        }
        if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV &&
            net->model != VIR_DOMAIN_NET_MODEL_UNKNOWN) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("%s: a hostdev interface is the host's device itself and takes no <model>"),
                           owner);
            return -1;
        }
    }
    return 0;
}

int
virDomainDefValidate(const virDomainDef *def, unsigned int flags G_GNUC_UNUSED)
{
    if (virDomainDefValidateName(def) < 0 ||
        virDomainDefValidateAliases(def) < 0 ||
        virDomainDefValidateBootOrder(def) < 0 ||
        virDomainDefValidateDisks(def) < 0 ||
        virDomainDefValidateControllers(def) < 0 ||
        virDomainDefValidateNets(def) < 0 ||
        virDomainDefValidateHostdevSources(def) < 0 ||
        virDomainDefValidateTeaming(def) < 0)
        return -1;

    if (def->memory == 0) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("guest memory must be larger than 0"));
        return -1;
    }
    if (def->os.kernel == NULL && (def->os.initrd || def->os.cmdline)) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<initrd> and <cmdline> need a <kernel>"));
        return -1;
    }
    return 0;
}
