/*
 * domain_conf.c: the domain definition: parse, post-parse defaults, format
 */
#include "internal.h"

#include "domain_conf.h"
#include "domain_validate.h"
#include "virerror.h"
#include "virbuffer.h"
#include "virfile.h"
#include "virstring.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_ENUM_IMPL(virDomainVirt, VIR_DOMAIN_VIRT_LAST,
              "qemu", "kvm");

VIR_ENUM_IMPL(virDomainFeature, VIR_DOMAIN_FEATURE_LAST,
              "acpi", "apic");

VIR_ENUM_IMPL(virDomainBoot, VIR_DOMAIN_BOOT_LAST,
              "fd", "cdrom", "hd", "network");

VIR_ENUM_IMPL(virCPUMode, VIR_CPU_MODE_LAST,
              "custom", "host-model", "host-passthrough", "maximum");

VIR_ENUM_IMPL(virCPUCheck, VIR_CPU_CHECK_LAST,
              "default", "none", "partial", "full");

VIR_ENUM_IMPL(virCPUMatch, VIR_CPU_MATCH_LAST,
              "default", "minimum", "exact", "strict");

VIR_ENUM_IMPL(virCPUFallback, VIR_CPU_FALLBACK_LAST,
              "default", "allow", "forbid");

VIR_ENUM_IMPL(virDomainInput, VIR_DOMAIN_INPUT_TYPE_LAST,
              "mouse", "keyboard");

VIR_ENUM_IMPL(virDomainClockOffset, VIR_DOMAIN_CLOCK_OFFSET_LAST,
              "utc", "localtime");

VIR_ENUM_IMPL(virDomainLifecycleAction, VIR_DOMAIN_LIFECYCLE_ACTION_LAST,
              "destroy", "restart", "rename-restart", "preserve",
              "coredump-destroy", "coredump-restart");

VIR_ENUM_IMPL(virDomainDiskType, VIR_DOMAIN_DISK_TYPE_LAST,
              "file", "block");

VIR_ENUM_IMPL(virDomainDiskDevice, VIR_DOMAIN_DISK_DEVICE_LAST,
              "disk", "cdrom");

VIR_ENUM_IMPL(virDomainDiskBus, VIR_DOMAIN_DISK_BUS_LAST,
              "virtio", "sata");

VIR_ENUM_IMPL(virStorageFileFormat, VIR_STORAGE_FILE_LAST,
              "none", "raw", "qcow2");

VIR_ENUM_IMPL(virDomainController, VIR_DOMAIN_CONTROLLER_TYPE_LAST,
              "pci", "usb", "sata");

VIR_ENUM_IMPL(virDomainControllerModelPCI, VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST,
              "pci-root", "pcie-root", "pcie-root-port", "pcie-to-pci-bridge");

VIR_ENUM_IMPL(virDomainControllerModelUSB, VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST,
              "piix3-uhci", "ich9-ehci1", "qemu-xhci", "nec-xhci", "none");

VIR_ENUM_IMPL(virDomainHostdevMode, VIR_DOMAIN_HOSTDEV_MODE_LAST,
              "subsystem");

VIR_ENUM_IMPL(virDomainHostdevSubsys, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_LAST,
              "pci");

VIR_ENUM_IMPL(virDomainNet, VIR_DOMAIN_NET_TYPE_LAST,
              "user", "network", "bridge", "hostdev");

VIR_ENUM_IMPL(virDomainNetModel, VIR_DOMAIN_NET_MODEL_LAST,
              "unknown", "virtio", "virtio-transitional",
              "virtio-non-transitional", "e1000", "e1000e", "rtl8139");

VIR_ENUM_IMPL(virDomainNetInterfaceLinkState, VIR_DOMAIN_NET_INTERFACE_LINK_STATE_LAST,
              "default", "up", "down");

VIR_ENUM_IMPL(virDomainChrDevice, VIR_DOMAIN_CHR_DEVICE_TYPE_LAST,
              "serial", "console");

VIR_ENUM_IMPL(virDomainChr, VIR_DOMAIN_CHR_TYPE_LAST,
              "pty", "file", "unix");

VIR_ENUM_IMPL(virDomainChrConsoleTarget, VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_LAST,
              "none", "serial", "virtio");

VIR_ENUM_IMPL(virDomainMemballoonModel, VIR_DOMAIN_MEMBALLOON_MODEL_LAST,
              "virtio", "none");

/* Largest document we accept: a domain definition is a few KiB. */
#define VIR_DOMAIN_XML_MAX_LEN (10 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Allocation and freeing                                              */
/* ------------------------------------------------------------------ */

virDomainDef *
virDomainDefNew(void)
{
    virDomainDef *def = g_new0(virDomainDef, 1);

    def->id = -1;
    def->onPoweroff = -1;
    def->onReboot = -1;
    def->onCrash = -1;
    return def;
}

void
virDomainDiskDefFree(virDomainDiskDef *def)
{
    if (!def)
        return;
    g_free(def->driverName);
    g_free(def->src);
    g_free(def->dst);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainControllerDefFree(virDomainControllerDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

static void
virDomainHostdevDefClear(virDomainHostdevDef *def)
{
    virDomainNetTeamingInfoFree(def->teaming);
    def->teaming = NULL;
    virDomainDeviceInfoClear(&def->ownInfo);
}

void
virDomainHostdevDefFree(virDomainHostdevDef *def)
{
    if (!def)
        return;
    /* The VF of an interface is embedded in it: freed with the interface. */
    if (def->parentnet)
        return;
    virDomainHostdevDefClear(def);
    g_free(def);
}

static void
virDomainActualNetDefFree(virDomainActualNetDef *actual)
{
    if (!actual)
        return;
    virDomainHostdevDefClear(&actual->hostdev);
    g_free(actual);
}

void
virDomainNetDefFree(virDomainNetDef *def)
{
    if (!def)
        return;
    switch ((virDomainNetType) def->type) {
    case VIR_DOMAIN_NET_TYPE_NETWORK:
        g_free(def->data.network.name);
        break;
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
        g_free(def->data.bridge.brname);
        break;
    case VIR_DOMAIN_NET_TYPE_USER:
    case VIR_DOMAIN_NET_TYPE_HOSTDEV:
    case VIR_DOMAIN_NET_TYPE_LAST:
        break;
    }
    virDomainHostdevDefClear(&def->hostdev);
    virDomainNetTeamingInfoFree(def->teaming);
    virDomainActualNetDefFree(def->actual);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

void
virDomainChrDefFree(virDomainChrDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

static void
virDomainMemballoonDefFree(virDomainMemballoonDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDiskDef, virDomainDiskDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainControllerDef, virDomainControllerDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainChrDef, virDomainChrDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainMemballoonDef, virDomainMemballoonDefFree);

void
virDomainDefFree(virDomainDef *def)
{
    size_t i;

    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->os.type);
    g_free(def->os.arch);
    g_free(def->os.machine);
    g_free(def->os.kernel);
    g_free(def->os.initrd);
    g_free(def->os.cmdline);
    g_free(def->emulator);
    g_free(def->cpuModel);
    for (i = 0; i < def->ndisks; i++)
        virDomainDiskDefFree(def->disks[i]);
    g_free(def->disks);
    for (i = 0; i < def->ncontrollers; i++)
        virDomainControllerDefFree(def->controllers[i]);
    g_free(def->controllers);
    /* hostdevs first: those owned by interfaces are skipped there */
    for (i = 0; i < def->nhostdevs; i++)
        virDomainHostdevDefFree(def->hostdevs[i]);
    g_free(def->hostdevs);
    for (i = 0; i < def->nnets; i++)
        virDomainNetDefFree(def->nets[i]);
    g_free(def->nets);
    for (i = 0; i < def->nserials; i++)
        virDomainChrDefFree(def->serials[i]);
    g_free(def->serials);
    for (i = 0; i < def->nconsoles; i++)
        virDomainChrDefFree(def->consoles[i]);
    g_free(def->consoles);
    for (i = 0; i < def->ninputs; i++)
        g_free(def->inputs[i]);
    g_free(def->inputs);
    for (i = 0; i < def->naudios; i++)
        g_free(def->audios[i]);
    g_free(def->audios);
    virDomainMemballoonDefFree(def->memballoon);
    g_free(def);
}

/* Append @item to the array @list of @n elements. */
#define VIR_APPEND(list, n, item) \
    do { \
        (list) = g_realloc_n((list), (n) + 1, sizeof(*(list))); \
        (list)[(n)++] = (item); \
    } while (0)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

const char *
virDomainSchemaPath(void)
{
    static const char *installed = PKGDATADIR "/schemas/domain.rng";
    static const char *source = ABS_SRCDIR "/src/conf/schemas/domain.rng";
    const char *env = g_getenv("VIR_DOMAIN_SCHEMA");

    if (env && *env)
        return env;
    if (virFileExists(source))
        return source;
    return installed;
}

const char *
virDomainNetGetDisplayName(const virDomainNetDef *net, char *buf, size_t buflen)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    if (net->info.alias) {
        g_snprintf(buf, buflen, _("interface '%s'"), net->info.alias);
    } else if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV && net->hostdev.parentnet) {
        /* parentnet is set once the host address has been parsed */
        g_autofree char *addr = virPCIDeviceAddressAsString(&net->hostdev.source);

        g_snprintf(buf, buflen, _("hostdev interface %s"), addr);
    } else if (!net->macGenerated && !virMacAddrIsNull(&net->mac)) {
        if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK && net->data.network.name)
            g_snprintf(buf, buflen, _("interface with MAC %s on network '%s'"),
                       virMacAddrFormat(&net->mac, mac), net->data.network.name);
        else
            g_snprintf(buf, buflen, _("interface with MAC %s"),
                       virMacAddrFormat(&net->mac, mac));
    } else {
        g_snprintf(buf, buflen, _("interface of type '%s'"),
                   virDomainNetTypeToString(net->type));
    }
    return buf;
}

virDomainNetDef *
virDomainNetFindByAlias(const virDomainDef *def, const char *alias)
{
    size_t i;

    if (!alias)
        return NULL;
    for (i = 0; i < def->nnets; i++) {
        if (STREQ_NULLABLE(def->nets[i]->info.alias, alias))
            return def->nets[i];
    }
    return NULL;
}

int
virDomainNetGetActualType(const virDomainNetDef *net)
{
    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK && net->actual)
        return net->actual->type;
    return net->type;
}

virDomainHostdevDef *
virDomainNetGetActualHostdev(virDomainNetDef *net)
{
    if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        return &net->hostdev;
    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK && net->actual &&
        net->actual->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        return &net->actual->hostdev;
    return NULL;
}

bool
virDomainDefHasTeaming(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->teaming)
            return true;
    }
    for (i = 0; i < def->nhostdevs; i++) {
        if (def->hostdevs[i]->teaming)
            return true;
    }
    return false;
}

void
virDomainControllerInsert(virDomainDef *def, virDomainControllerDef *cont)
{
    ssize_t pos = -1;
    ssize_t i;

    /* from the end: before controllers of the type with a higher index,
     * else just after the last one with a lower index */
    for (i = (ssize_t)def->ncontrollers - 1; i >= 0; i--) {
        const virDomainControllerDef *cur = def->controllers[i];

        if (cur->type != cont->type)
            continue;
        if (cur->idx > cont->idx) {
            pos = i;
        } else if (pos < 0) {
            pos = i + 1;
            break;
        }
    }
    if (pos < 0)
        pos = def->ncontrollers;
    def->controllers = g_renew(virDomainControllerDef *, def->controllers,
                               def->ncontrollers + 1);
    memmove(def->controllers + pos + 1, def->controllers + pos,
            (def->ncontrollers - pos) * sizeof(*def->controllers));
    def->controllers[pos] = cont;
    def->ncontrollers++;
}

/* Parse "<memory unit='U'>N</memory>" into KiB. 0 if absent. */
static int
virDomainParseMemory(const char *xpath, xmlXPathContextPtr ctxt,
                     bool required, unsigned long long *kib)
{
    static const struct {
        const char *unit;
        unsigned long long bytes;
    } units[] = {
        { "b", 1 }, { "bytes", 1 },
        { "KB", 1000ULL }, { "k", 1024ULL }, { "KiB", 1024ULL },
        { "MB", 1000ULL * 1000 }, { "M", 1024ULL * 1024 }, { "MiB", 1024ULL * 1024 },
        { "GB", 1000ULL * 1000 * 1000 }, { "G", 1024ULL * 1024 * 1024 },
        { "GiB", 1024ULL * 1024 * 1024 },
        { "TB", 1000ULL * 1000 * 1000 * 1000 }, { "T", 1024ULL * 1024 * 1024 * 1024 },
        { "TiB", 1024ULL * 1024 * 1024 * 1024 },
    };
    xmlNodePtr node = virXPathNode(xpath, ctxt);
    g_autofree char *unit = NULL;
    g_autofree char *text = NULL;
    unsigned long long mult = 1024;
    unsigned long long val;
    const char *digits;
    size_t i;

    *kib = 0;
    if (!node) {
        if (required) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("missing <memory> element: give the guest memory, e.g. <memory unit='MiB'>512</memory>"));
            return -1;
        }
        return 0;
    }
    text = virXMLNodeContentString(node);
    if ((unit = virXMLPropString(node, "unit"))) {
        for (i = 0; i < G_N_ELEMENTS(units); i++) {
            if (STREQ(unit, units[i].unit)) {
                mult = units[i].bytes;
                break;
            }
        }
        if (i == G_N_ELEMENTS(units)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("unknown memory unit '%s' in <%s>: use b, KiB, MiB, GiB, TiB (or KB, MB, GB, TB)"),
                           unit, (const char *)node->name);
            return -1;
        }
    }
    /* libvirt reads this number with strtoull: leading blanks and one
     * '+' are accepted there, so here too */
    digits = text;
    while (g_ascii_isspace(*digits))
        digits++;
    if (*digits == '+')
        digits++;
    if (virStrToLong_ull(digits, NULL, 10, &val) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid value '%s' in <%s>: expected a non-negative integer"),
                       text, (const char *)node->name);
        return -1;
    }
    if (val > G_MAXUINT64 / mult) {
        virReportError(VIR_ERR_OVERFLOW, _("<%s> value %s %s is too large"),
                       (const char *)node->name, text, unit ? unit : "KiB");
        return -1;
    }
    /* Round up to whole KiB, as the hypervisor works in KiB at least. */
    *kib = (val * mult + 1023) / 1024;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Devices: parse                                                       */
/* ------------------------------------------------------------------ */

static int
virDomainHostdevSourceParseXML(xmlNodePtr source, const char *owner,
                               virPCIDeviceAddress *addr)
{
    xmlNodePtr cur;
    xmlNodePtr address = NULL;

    for (cur = source ? source->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && xmlStrEqual(cur->name, BAD_CAST "address")) {
            address = cur;
            break;
        }
    }
    if (!address) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("%s needs <source><address domain='0x0000' bus='0x..' slot='0x..' function='0x.'/></source> naming the host PCI device"),
                       owner);
        return -1;
    }
    {
        g_autofree char *type = virXMLPropString(address, "type");

        if (type && STRNEQ(type, "pci")) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("%s: host device address type '%s' is not supported, only 'pci'"),
                           owner, type);
            return -1;
        }
    }
    if (virPCIDeviceAddressParseXML(address, addr) < 0)
        return -1;
    addr->multi = false;
    return 0;
}

static virDomainHostdevDef *
virDomainHostdevDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt,
                            unsigned int flags)
{
    g_autoptr(virDomainHostdevDef) def = g_new0(virDomainHostdevDef, 1);
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    g_autofree char *mode = virXMLPropString(node, "mode");
    g_autofree char *type = virXMLPropString(node, "type");
    g_autofree char *driver = NULL;
    const char *owner = _("<hostdev>");
    bool managed = false;

    ctxt->node = node;
    def->info = &def->ownInfo;

    if (mode && (def->mode = virDomainHostdevModeTypeFromString(mode)) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unsupported hostdev mode '%s': only mode='subsystem' is supported"),
                       mode);
        return NULL;
    }
    if (!type || (def->subsysType = virDomainHostdevSubsysTypeFromString(type)) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unsupported hostdev type '%s': only type='pci' is supported"),
                       NULLSTR(type));
        return NULL;
    }
    if (virXMLPropYesNo(node, "managed", &managed) < 0)
        return NULL;
    def->managed = managed;

    if ((driver = virXPathString("string(./driver/@name)", ctxt)) &&
        STRNEQ(driver, "vfio")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unsupported hostdev driver '%s': only 'vfio' is supported"),
                       driver);
        return NULL;
    }

    if (virDomainDeviceInfoParseXML(ctxt, &def->ownInfo,
                                    flags & VIR_DOMAIN_DEF_PARSE_STATUS) < 0)
        return NULL;
    if (def->ownInfo.alias)
        owner = def->ownInfo.alias;

    if (virDomainHostdevSourceParseXML(virXPathNode("./source", ctxt), owner,
                                       &def->source) < 0)
        return NULL;

    if (virDomainNetTeamingInfoParseXML(virXPathNode("./teaming", ctxt), owner, false,
                                        &def->teaming) < 0)
        return NULL;

    return g_steal_pointer(&def);
}

static int
virDomainNetVlanParseXML(xmlXPathContextPtr ctxt, virDomainNetDef *def)
{
    g_autofree xmlNodePtr *tags = NULL;
    int ntags;

    if (!virXPathNode("./vlan", ctxt))
        return 0;
    if ((ntags = virXPathNodeSet("./vlan/tag", ctxt, &tags)) < 0)
        return -1;
    if (ntags != 1) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<vlan> must contain exactly one <tag id='N'/> (VLAN trunks are not supported)"));
        return -1;
    }
    if (virXMLPropUInt(tags[0], "id", 10, 4095, &def->vlanTag) <= 0) {
        if (!virGetLastError())
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("<vlan><tag> needs id='N' with N from 0 to 4095"));
        return -1;
    }
    def->vlanSet = true;
    return 0;
}

/* VF @vf resolved for network interface @net. */
static virDomainActualNetDef *
virDomainActualNetDefNewHostdev(virDomainNetDef *net, const virPCIDeviceAddress *vf,
                                bool managed)
{
    virDomainActualNetDef *actual = g_new0(virDomainActualNetDef, 1);

    actual->type = VIR_DOMAIN_NET_TYPE_HOSTDEV;
    actual->hostdev.mode = VIR_DOMAIN_HOSTDEV_MODE_SUBSYS;
    actual->hostdev.subsysType = VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI;
    actual->hostdev.managed = managed;
    actual->hostdev.source = *vf;
    actual->hostdev.parentnet = net;
    actual->hostdev.info = &net->info;
    return actual;
}

static int
virDomainActualNetDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt,
                              virDomainNetDef *net)
{
    g_autofree char *type = virXMLPropString(node, "type");
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    virPCIDeviceAddress vf;
    bool managed = false;

    ctxt->node = node;
    if (!type || STRNEQ(type, "hostdev")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unsupported <actual type='%s'> in status XML"),
                       NULLSTR(type));
        return -1;
    }
    if (virXMLPropYesNo(node, "managed", &managed) < 0 ||
        virDomainHostdevSourceParseXML(virXPathNode("./source", ctxt),
                                       _("<actual>"), &vf) < 0)
        return -1;
    net->actual = virDomainActualNetDefNewHostdev(net, &vf, managed);
    return 0;
}

static virDomainNetDef *
virDomainNetDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt,
                        unsigned int flags)
{
    g_autoptr(virDomainNetDef) def = g_new0(virDomainNetDef, 1);
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    g_autofree char *type = virXMLPropString(node, "type");
    g_autofree char *macstr = NULL;
    g_autofree char *model = NULL;
    xmlNodePtr source;
    xmlNodePtr cur;
    char owner[128];

    ctxt->node = node;

    if (!type) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<interface> needs a type attribute: user, network, bridge or hostdev"));
        return NULL;
    }
    if ((def->type = virDomainNetTypeFromString(type)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("interface type '%s' is not supported: use user, network, bridge or hostdev"),
                       type);
        return NULL;
    }

    if (virDomainDeviceInfoParseXML(ctxt, &def->info,
                                    flags & VIR_DOMAIN_DEF_PARSE_STATUS) < 0)
        return NULL;

    if ((macstr = virXPathString("string(./mac/@address)", ctxt))) {
        if (virMacAddrParse(macstr, &def->mac) < 0) {
            virReportError(VIR_ERR_INVALID_MAC,
                           _("'%s' in <interface><mac address=...>: expected six hex octets like 52:54:00:12:34:56"),
                           macstr);
            return NULL;
        }
        if (virMacAddrIsMulticast(&def->mac)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("MAC address '%s' is a multicast address: the first octet must be even"),
                           macstr);
            return NULL;
        }
    } else if (virXPathNode("./mac", ctxt)) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<mac> needs an address attribute"));
        return NULL;
    } else {
        def->macGenerated = true;   /* filled in by post-parse */
    }

    /* Named by alias or MAC until the source is known, then again below. */
    virDomainNetGetDisplayName(def, owner, sizeof(owner));
    source = virXPathNode("./source", ctxt);

    switch ((virDomainNetType) def->type) {
    case VIR_DOMAIN_NET_TYPE_NETWORK:
        if (!source || !(def->data.network.name = virXMLPropString(source, "network")) ||
            !*def->data.network.name) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("%s of type 'network' needs <source network='NAME'/>"),
                           owner);
            return NULL;
        }
        if (virXMLCheckIllegalChars("network name", def->data.network.name, "/") < 0)
            return NULL;
        break;
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
        if (!source || !(def->data.bridge.brname = virXMLPropString(source, "bridge")) ||
            !*def->data.bridge.brname) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("%s of type 'bridge' needs <source bridge='NAME'/>"),
                           owner);
            return NULL;
        }
        if (virXMLCheckIllegalChars("bridge name", def->data.bridge.brname, "/") < 0)
            return NULL;
        break;
    case VIR_DOMAIN_NET_TYPE_HOSTDEV: {
        bool managed = false;

        if (virXMLPropYesNo(node, "managed", &managed) < 0)
            return NULL;
        def->managed = managed;
        def->hostdev.mode = VIR_DOMAIN_HOSTDEV_MODE_SUBSYS;
        def->hostdev.subsysType = VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI;
        def->hostdev.managed = managed;
        def->hostdev.info = &def->info;
        if (virDomainHostdevSourceParseXML(source, owner, &def->hostdev.source) < 0)
            return NULL;
        def->hostdev.parentnet = def;
        break;
    }
    case VIR_DOMAIN_NET_TYPE_USER:
    case VIR_DOMAIN_NET_TYPE_LAST:
        break;
    }
    virDomainNetGetDisplayName(def, owner, sizeof(owner));

    if ((model = virXPathString("string(./model/@type)", ctxt))) {
        int m = virDomainNetModelTypeFromString(model);

        if (m <= VIR_DOMAIN_NET_MODEL_UNKNOWN) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("%s: unsupported model '%s': use virtio, virtio-transitional, virtio-non-transitional, e1000, e1000e or rtl8139"),
                           owner, model);
            return NULL;
        }
        def->model = m;
    }

    if (virDomainNetVlanParseXML(ctxt, def) < 0)
        return NULL;

    if ((cur = virXPathNode("./link", ctxt)) &&
        virXMLPropEnum(cur, "state", virDomainNetInterfaceLinkStateTypeFromString,
                       VIR_DOMAIN_NET_INTERFACE_LINK_STATE_UP, &def->linkstate) < 0)
        return NULL;

    if ((cur = virXPathNode("./mtu", ctxt))) {
        if (virXMLPropUInt(cur, "size", 10, 65535, &def->mtu) <= 0 ||
            def->mtu < 68) {
            if (!virGetLastError() || def->mtu < 68)
                virReportError(VIR_ERR_XML_ERROR,
                               _("%s: <mtu size='N'/> needs N from 68 to 65535"),
                               owner);
            return NULL;
        }
    }

    if (virDomainNetTeamingInfoParseXML(virXPathNode("./teaming", ctxt), owner,
                                        flags & VIR_DOMAIN_DEF_PARSE_STATUS,
                                        &def->teaming) < 0)
        return NULL;

    if ((flags & VIR_DOMAIN_DEF_PARSE_STATUS) &&
        def->type == VIR_DOMAIN_NET_TYPE_NETWORK &&
        (cur = virXPathNode("./actual", ctxt)) &&
        virDomainActualNetDefParseXML(cur, ctxt, def) < 0)
        return NULL;

    return g_steal_pointer(&def);
}

static virDomainDiskDef *
virDomainDiskDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt,
                         unsigned int flags)
{
    g_autoptr(virDomainDiskDef) def = g_new0(virDomainDiskDef, 1);
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    g_autofree char *type = virXMLPropString(node, "type");
    g_autofree char *device = virXMLPropString(node, "device");
    g_autofree char *format = NULL;
    g_autofree char *bus = NULL;
    xmlNodePtr target;

    ctxt->node = node;

    if (!type) {
        def->type = VIR_DOMAIN_DISK_TYPE_FILE;
    } else if ((def->type = virDomainDiskTypeTypeFromString(type)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk type '%s' is not supported: use 'file' or 'block'"), type);
        return NULL;
    }
    if (!device) {
        def->device = VIR_DOMAIN_DISK_DEVICE_DISK;
    } else if ((def->device = virDomainDiskDeviceTypeFromString(device)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk device '%s' is not supported: use 'disk' or 'cdrom'"), device);
        return NULL;
    }

    def->driverName = virXPathString("string(./driver/@name)", ctxt);
    if ((format = virXPathString("string(./driver/@type)", ctxt)) &&
        (def->format = virStorageFileFormatTypeFromString(format)) <= 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk format '%s' is not supported: use 'raw' or 'qcow2'"), format);
        return NULL;
    }

    def->src = virXPathString(def->type == VIR_DOMAIN_DISK_TYPE_FILE ?
                              "string(./source/@file)" : "string(./source/@dev)", ctxt);

    if (!(target = virXPathNode("./target", ctxt)) ||
        !(def->dst = virXMLPropString(target, "dev")) || !*def->dst) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<disk> needs <target dev='vda' bus='virtio'/> (or sda with bus='sata')"));
        return NULL;
    }
    if (virXMLCheckIllegalChars("disk target", def->dst, "/") < 0)
        return NULL;
    if (!(bus = virXMLPropString(target, "bus"))) {
        if (g_str_has_prefix(def->dst, "vd")) {
            def->bus = VIR_DOMAIN_DISK_BUS_VIRTIO;
        } else if (g_str_has_prefix(def->dst, "sd")) {
            def->bus = VIR_DOMAIN_DISK_BUS_SATA;
        } else {
            virReportError(VIR_ERR_XML_ERROR,
                           _("disk '%s': cannot guess the bus from the target name, add bus='virtio' or bus='sata'"),
                           def->dst);
            return NULL;
        }
    } else if ((def->bus = virDomainDiskBusTypeFromString(bus)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%s': bus '%s' is not supported: use 'virtio' or 'sata'"),
                       def->dst, bus);
        return NULL;
    }
    def->readonly = virXPathNode("./readonly", ctxt) != NULL;

    if (virDomainDeviceInfoParseXML(ctxt, &def->info,
                                    flags & VIR_DOMAIN_DEF_PARSE_STATUS) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static virDomainControllerDef *
virDomainControllerDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt,
                               unsigned int flags)
{
    g_autoptr(virDomainControllerDef) def = g_new0(virDomainControllerDef, 1);
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    g_autofree char *type = virXMLPropString(node, "type");
    g_autofree char *model = virXMLPropString(node, "model");
    xmlNodePtr target;
    unsigned int idx = 0;

    ctxt->node = node;
    def->model = -1;
    def->chassis = -1;
    def->port = -1;

    if (!type || (def->type = virDomainControllerTypeFromString(type)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("controller type '%s' is not supported: use pci, usb or sata"),
                       NULLSTR(type));
        return NULL;
    }
    {
        int rc = virXMLPropUInt(node, "index", 10, 255, &idx);

        if (rc < 0)
            return NULL;
        /* without index= one is chosen by post-parse */
        def->idx = rc > 0 ? (int)idx : -1;
    }

    if (model) {
        int m = -1;

        if (def->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            m = virDomainControllerModelPCITypeFromString(model);
        else if (def->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
            m = virDomainControllerModelUSBTypeFromString(model);
        if (m < 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("unsupported %s controller model '%s'"), type, model);
            return NULL;
        }
        def->model = m;
    }

    if ((target = virXPathNode("./target", ctxt))) {
        unsigned int chassis, port;
        int rc;

        if ((rc = virXMLPropUInt(target, "chassis", 0, 255, &chassis)) < 0)
            return NULL;
        if (rc > 0)
            def->chassis = chassis;
        if ((rc = virXMLPropUInt(target, "port", 0, 255, &port)) < 0)
            return NULL;
        if (rc > 0)
            def->port = port;
    }

    if (virDomainDeviceInfoParseXML(ctxt, &def->info,
                                    flags & VIR_DOMAIN_DEF_PARSE_STATUS) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static virDomainChrDef *
virDomainChrDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt, int deviceType,
                        unsigned int flags)
{
    g_autoptr(virDomainChrDef) def = g_new0(virDomainChrDef, 1);
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    g_autofree char *type = virXMLPropString(node, "type");
    xmlNodePtr source;
    xmlNodePtr target;
    const char *what = virDomainChrDeviceTypeToString(deviceType);

    ctxt->node = node;
    def->deviceType = deviceType;
    def->targetPort = -1;

    if (!type) {
        def->type = VIR_DOMAIN_CHR_TYPE_PTY;
    } else if ((def->type = virDomainChrTypeFromString(type)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%s type '%s' is not supported: use pty, file or unix"),
                       what, type);
        return NULL;
    }

    source = virXPathNode("./source", ctxt);
    if (def->type == VIR_DOMAIN_CHR_TYPE_FILE || def->type == VIR_DOMAIN_CHR_TYPE_UNIX) {
        if (!source || !(def->path = virXMLPropString(source, "path")) || !*def->path) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("%s of type '%s' needs <source path='...'/>"),
                           what, type);
            return NULL;
        }
    }
    if (def->type == VIR_DOMAIN_CHR_TYPE_UNIX) {
        g_autofree char *mode = virXMLPropString(source, "mode");

        if (!mode || STREQ(mode, "bind")) {
            def->listen = true;
        } else if (STREQ(mode, "connect")) {
            def->listen = false;
        } else {
            virReportError(VIR_ERR_XML_ERROR,
                           _("%s source mode '%s' is not valid: use 'bind' or 'connect'"),
                           what, mode);
            return NULL;
        }
    }

    if ((target = virXPathNode("./target", ctxt))) {
        unsigned int port;
        int rc;

        if ((rc = virXMLPropUInt(target, "port", 10, 255, &port)) < 0)
            return NULL;
        if (rc > 0)
            def->targetPort = port;
        if (deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE &&
            virXMLPropEnum(target, "type", virDomainChrConsoleTargetTypeFromString,
                           VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL, &def->targetType) < 0)
            return NULL;
    }

    if (virDomainDeviceInfoParseXML(ctxt, &def->info,
                                    flags & VIR_DOMAIN_DEF_PARSE_STATUS) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static virDomainMemballoonDef *
virDomainMemballoonDefParseXML(xmlNodePtr node, xmlXPathContextPtr ctxt,
                               unsigned int flags)
{
    g_autoptr(virDomainMemballoonDef) def = g_new0(virDomainMemballoonDef, 1);
    VIR_XPATH_NODE_AUTORESTORE(ctxt);
    g_autofree char *model = virXMLPropString(node, "model");

    ctxt->node = node;
    if (!model || (def->model = virDomainMemballoonModelTypeFromString(model)) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<memballoon> needs model='virtio' or model='none', not '%s'"),
                       NULLSTR(model));
        return NULL;
    }
    if (virDomainDeviceInfoParseXML(ctxt, &def->info,
                                    flags & VIR_DOMAIN_DEF_PARSE_STATUS) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* ------------------------------------------------------------------ */
/* Domain: parse                                                        */
/* ------------------------------------------------------------------ */

static int
virDomainDefParseOS(xmlXPathContextPtr ctxt, virDomainDef *def)
{
    g_autofree xmlNodePtr *boots = NULL;
    xmlNodePtr type;
    int nboots;
    size_t i;

    if (!(type = virXPathNode("./os/type", ctxt))) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("missing <os><type>hvm</type></os>"));
        return -1;
    }
    def->os.type = virXMLNodeContentString(type);
    if (STRNEQ(def->os.type, "hvm")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("OS type '%s' is not supported: use 'hvm'"), def->os.type);
        return -1;
    }
    def->os.arch = virXMLPropString(type, "arch");
    def->os.machine = virXMLPropString(type, "machine");
    if (def->os.arch && STRNEQ(def->os.arch, "x86_64")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("architecture '%s' is not supported: use 'x86_64'"),
                       def->os.arch);
        return -1;
    }
    if (def->os.machine && !*def->os.machine)
        g_clear_pointer(&def->os.machine, g_free);

    def->os.kernel = virXPathString("string(./os/kernel)", ctxt);
    def->os.initrd = virXPathString("string(./os/initrd)", ctxt);
    def->os.cmdline = virXPathString("string(./os/cmdline)", ctxt);

    if ((nboots = virXPathNodeSet("./os/boot", ctxt, &boots)) < 0)
        return -1;
    if (nboots > VIR_DOMAIN_BOOT_MAX) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("at most %d <boot dev=.../> elements are allowed"),
                       VIR_DOMAIN_BOOT_MAX);
        return -1;
    }
    for (i = 0; i < (size_t)nboots; i++) {
        g_autofree char *dev = virXMLPropString(boots[i], "dev");
        int b;

        if (!dev || (b = virDomainBootTypeFromString(dev)) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("invalid <boot dev='%s'/>: use hd, cdrom, network or fd"),
                           NULLSTR(dev));
            return -1;
        }
        def->os.bootDevs[def->os.nBootDevs++] = b;
    }
    return 0;
}

static int
virDomainDefParseFeatures(xmlXPathContextPtr ctxt, virDomainDef *def)
{
    xmlNodePtr features = virXPathNode("./features", ctxt);
    xmlNodePtr cur;

    if (!features)
        return 0;
    for (cur = features->children; cur; cur = cur->next) {
        int f;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if ((f = virDomainFeatureTypeFromString((const char *)cur->name)) < 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("feature <%s/> is not supported: use <acpi/> and <apic/>"),
                           (const char *)cur->name);
            return -1;
        }
        def->features[f] = true;
    }
    return 0;
}

static int
virDomainDefParseLifecycle(xmlXPathContextPtr ctxt, const char *xpath, int *action)
{
    g_autofree char *val = virXPathString(xpath, ctxt);

    if (!val)
        return 0;
    if ((*action = virDomainLifecycleActionTypeFromString(val)) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid lifecycle action '%s': use destroy, restart, rename-restart, preserve, coredump-destroy or coredump-restart"),
                       val);
        return -1;
    }
    return 0;
}

/* Put the VF of @net (if it has one) among the host devices of @def, in
 * the order QEMU gets them: the VFs of type='hostdev' interfaces, then the
 * plain <hostdev> elements, then the VFs that networks resolved to (as
 * libvirt 9.0 orders them). */
static void
virDomainDefInsertNetHostdev(virDomainDef *def, virDomainNetDef *net)
{
    virDomainHostdevDef *vf = virDomainNetGetActualHostdev(net);
    size_t pos = 0;

    if (!vf)
        return;
    if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
        while (pos < def->nhostdevs && def->hostdevs[pos]->parentnet &&
               def->hostdevs[pos]->parentnet->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            pos++;
    } else {
        pos = def->nhostdevs;
    }
    def->hostdevs = g_renew(virDomainHostdevDef *, def->hostdevs, def->nhostdevs + 1);
    memmove(def->hostdevs + pos + 1, def->hostdevs + pos,
            (def->nhostdevs - pos) * sizeof(*def->hostdevs));
    def->hostdevs[pos] = vf;
    def->nhostdevs++;
}

/* Take the VF of @net out of the host devices of @def (not freed). */
static void
virDomainDefUnlinkNetHostdev(virDomainDef *def, virDomainNetDef *net)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (def->hostdevs[i]->parentnet == net) {
            memmove(def->hostdevs + i, def->hostdevs + i + 1,
                    (def->nhostdevs - i - 1) * sizeof(*def->hostdevs));
            def->nhostdevs--;
            return;
        }
    }
}

static int
virDomainDefParseDevices(xmlXPathContextPtr ctxt, virDomainDef *def,
                         unsigned int flags)
{
    xmlNodePtr devices = virXPathNode("./devices", ctxt);
    xmlNodePtr cur;
    size_t i;

    if (!devices)
        return 0;

    for (cur = devices->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;

        if (cur->type != XML_ELEMENT_NODE)
            continue;

        if (STREQ(name, "emulator")) {
            g_free(def->emulator);
            def->emulator = virXMLNodeContentString(cur);
        } else if (STREQ(name, "disk")) {
            virDomainDiskDef *disk = virDomainDiskDefParseXML(cur, ctxt, flags);

            if (!disk)
                return -1;
            VIR_APPEND(def->disks, def->ndisks, disk);
        } else if (STREQ(name, "controller")) {
            virDomainControllerDef *cont = virDomainControllerDefParseXML(cur, ctxt, flags);

            if (!cont)
                return -1;
            VIR_APPEND(def->controllers, def->ncontrollers, cont);
        } else if (STREQ(name, "interface")) {
            virDomainNetDef *net = virDomainNetDefParseXML(cur, ctxt, flags);

            if (!net)
                return -1;
            VIR_APPEND(def->nets, def->nnets, net);
        } else if (STREQ(name, "hostdev")) {
            virDomainHostdevDef *hostdev = virDomainHostdevDefParseXML(cur, ctxt, flags);

            if (!hostdev)
                return -1;
            VIR_APPEND(def->hostdevs, def->nhostdevs, hostdev);
        } else if (STREQ(name, "serial")) {
            virDomainChrDef *chr = virDomainChrDefParseXML(cur, ctxt,
                                                           VIR_DOMAIN_CHR_DEVICE_TYPE_SERIAL, flags);

            if (!chr)
                return -1;
            VIR_APPEND(def->serials, def->nserials, chr);
        } else if (STREQ(name, "console")) {
            virDomainChrDef *chr = virDomainChrDefParseXML(cur, ctxt,
                                                           VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE, flags);

            if (!chr)
                return -1;
            VIR_APPEND(def->consoles, def->nconsoles, chr);
        } else if (STREQ(name, "input")) {
            g_autofree char *type = virXMLPropString(cur, "type");
            g_autofree char *bus = virXMLPropString(cur, "bus");
            virDomainInputDef *input = g_new0(virDomainInputDef, 1);

            VIR_APPEND(def->inputs, def->ninputs, input);
            if (!type || (input->type = virDomainInputTypeFromString(type)) < 0 ||
                (bus && STRNEQ(bus, "ps2"))) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("input type='%s' bus='%s' is not supported: only the PS/2 mouse and keyboard every x86 guest has"),
                               NULLSTR(type), NULLSTR(bus));
                return -1;
            }
        } else if (STREQ(name, "audio")) {
            g_autofree char *type = virXMLPropString(cur, "type");
            virDomainAudioDef *audio = g_new0(virDomainAudioDef, 1);

            VIR_APPEND(def->audios, def->naudios, audio);
            if (!type || STRNEQ(type, "none")) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("audio type '%s' is not supported: only type='none'"),
                               NULLSTR(type));
                return -1;
            }
            if (virXMLPropUInt(cur, "id", 10, G_MAXINT, &audio->id) <= 0 ||
                audio->id == 0) {
                if (!virGetLastError())
                    virReportError(VIR_ERR_XML_ERROR, "%s",
                                   _("<audio> needs id='N' with N >= 1"));
                return -1;
            }
        } else if (STREQ(name, "memballoon")) {
            if (def->memballoon) {
                virReportError(VIR_ERR_XML_ERROR, "%s",
                               _("only one <memballoon> is allowed"));
                return -1;
            }
            if (!(def->memballoon = virDomainMemballoonDefParseXML(cur, ctxt, flags)))
                return -1;
        } else {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("device <%s> is not supported; supported devices: emulator, disk, controller, interface, hostdev, serial, console, input, audio, memballoon"),
                           name);
            return -1;
        }
    }

    /* the VFs of interfaces join the plain <hostdev> elements */
    for (i = 0; i < def->nnets; i++)
        virDomainDefInsertNetHostdev(def, def->nets[i]);
    return 0;
}

static virDomainDef *
virDomainDefParseNode(xmlXPathContextPtr ctxt, unsigned int flags)
{
    g_autoptr(virDomainDef) def = virDomainDefNew();
    xmlNodePtr root = ctxt->node;
    g_autofree char *virttype = virXMLPropString(root, "type");
    g_autofree char *uuid = NULL;
    g_autofree char *offset = NULL;
    xmlNodePtr node;
    xmlNodePtr model;

    if (!virttype) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<domain> needs a type attribute: type='kvm' or type='qemu'"));
        return NULL;
    }
    if ((def->virtType = virDomainVirtTypeFromString(virttype)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("domain type '%s' is not supported: use 'kvm' or 'qemu'"),
                       virttype);
        return NULL;
    }

    if (flags & VIR_DOMAIN_DEF_PARSE_STATUS) {
        unsigned int id;

        if (virXMLPropUInt(root, "id", 10, G_MAXINT, &id) > 0)
            def->id = id;
    }

    if (!(def->name = virXPathString("string(./name)", ctxt))) {
        virReportError(VIR_ERR_NO_NAME, "%s",
                       _("missing <name> in the domain definition: every domain needs one"));
        return NULL;
    }
    /* the name becomes file names under the root and QEMU's -name */
    if (virXMLCheckIllegalChars("name", def->name, NULL) < 0)
        return NULL;

    /* A given UUID is kept as it is, all zeros or all ff included (as
     * libvirt does); only a missing one is generated. */
    if ((uuid = virXPathString("string(./uuid)", ctxt))) {
        if (virUUIDParse(uuid, def->uuid) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("malformed <uuid> '%s': expected 32 hex digits like 6f1c3a6e-1d2b-4c5e-9a7b-000000000001"),
                           uuid);
            return NULL;
        }
    } else if (virUUIDGenerate(def->uuid) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("domain '%s': cannot generate a UUID"), def->name);
        return NULL;
    }

    def->title = virXPathString("string(./title)", ctxt);
    if (def->title && strchr(def->title, '\n')) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<title> must be a single line"));
        return NULL;
    }
    if ((node = virXPathNode("./description", ctxt)))
        def->description = virXMLNodeContentString(node);

    if (virDomainParseMemory("./memory", ctxt, true, &def->memory) < 0 ||
        virDomainParseMemory("./currentMemory", ctxt, false, &def->currentMemory) < 0)
        return NULL;

    if ((node = virXPathNode("./vcpu", ctxt))) {
        g_autofree char *text = virXMLNodeContentString(node);
        unsigned int n = 0;

        if (virStrToLong_ui(text, NULL, 10, &n) < 0 || n < 1 || n > 4096) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("invalid <vcpu> count '%s': expected a number from 1 to 4096"),
                           text);
            return NULL;
        }
        def->vcpus = n;
    } else {
        def->vcpus = 1;
    }

    if (virDomainDefParseOS(ctxt, def) < 0 ||
        virDomainDefParseFeatures(ctxt, def) < 0)
        return NULL;

    if ((node = virXPathNode("./cpu", ctxt))) {
        def->cpuSet = true;
        def->cpuMode = VIR_CPU_MODE_CUSTOM;
        def->cpuCheck = VIR_CPU_CHECK_DEFAULT;
        bool migratable;
        int rc;

        if (virXMLPropEnum(node, "mode", virCPUModeTypeFromString, 0, &def->cpuMode) < 0 ||
            virXMLPropEnum(node, "check", virCPUCheckTypeFromString,
                           VIR_CPU_CHECK_NONE, &def->cpuCheck) < 0)
            return NULL;
        def->cpuMigratable = -1;
        if ((rc = virXMLPropYesNo(node, "migratable", &migratable)) < 0)
            return NULL;
        if (rc > 0) {
            if (def->cpuMode != VIR_CPU_MODE_HOST_PASSTHROUGH &&
                def->cpuMode != VIR_CPU_MODE_MAXIMUM) {
                virReportError(VIR_ERR_XML_ERROR, "%s",
                               _("<cpu migratable=...> is only valid with mode='host-passthrough' or mode='maximum'"));
                return NULL;
            }
            def->cpuMigratable = migratable;
        }
        if (virXMLPropEnum(node, "match", virCPUMatchTypeFromString,
                           VIR_CPU_MATCH_MINIMUM, &def->cpuMatch) < 0)
            return NULL;
        if ((model = virXPathNode("./cpu/model", ctxt))) {
            if (def->cpuMode != VIR_CPU_MODE_CUSTOM) {
                virReportError(VIR_ERR_XML_ERROR, "%s",
                               _("<cpu><model> is only valid with mode='custom'"));
                return NULL;
            }
            def->cpuModel = virXMLNodeContentString(model);
            if (!def->cpuModel || !*def->cpuModel ||
                strspn(def->cpuModel, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                strlen(def->cpuModel)) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("invalid CPU model '%s': use a QEMU CPU model name such as qemu64 or Skylake-Client"),
                               NULLSTR(def->cpuModel));
                return NULL;
            }
            if (virXMLPropEnum(model, "fallback", virCPUFallbackTypeFromString,
                               VIR_CPU_FALLBACK_ALLOW, &def->cpuFallback) < 0)
                return NULL;
        }
    }

    if ((node = virXPathNode("./clock", ctxt))) {
        if ((offset = virXMLPropString(node, "offset")) &&
            (def->clockOffset = virDomainClockOffsetTypeFromString(offset)) < 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("clock offset '%s' is not supported: use 'utc' or 'localtime'"),
                           offset);
            return NULL;
        }
    }

    if (virDomainDefParseLifecycle(ctxt, "string(./on_poweroff)", &def->onPoweroff) < 0 ||
        virDomainDefParseLifecycle(ctxt, "string(./on_reboot)", &def->onReboot) < 0 ||
        virDomainDefParseLifecycle(ctxt, "string(./on_crash)", &def->onCrash) < 0)
        return NULL;

    if (virDomainDefParseDevices(ctxt, def, flags) < 0)
        return NULL;

    return g_steal_pointer(&def);
}

virDomainDef *
virDomainDefParseString(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(virDomainDef) def = NULL;

    if (xml && strlen(xml) > VIR_DOMAIN_XML_MAX_LEN) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("domain definition is larger than %d bytes"),
                       VIR_DOMAIN_XML_MAX_LEN);
        return NULL;
    }
    if (!(doc = virXMLParseStringCtxt(xml, _("(domain_definition)"), "domain", &ctxt)))
        return NULL;

    if ((flags & VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA) &&
        virXMLValidateAgainstSchema(virDomainSchemaPath(), doc) < 0)
        return NULL;

    if (!(def = virDomainDefParseNode(ctxt, flags)))
        return NULL;

    if (virDomainDefPostParse(def, flags) < 0)
        return NULL;

    if (!(flags & VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE) &&
        virDomainDefValidate(def, flags) < 0)
        return NULL;

    return g_steal_pointer(&def);
}

virDomainDef *
virDomainDefParseFile(const char *path, unsigned int flags)
{
    g_autofree char *xml = NULL;

    if (virFileReadAll(path, VIR_DOMAIN_XML_MAX_LEN, &xml) < 0)
        return NULL;
    return virDomainDefParseString(xml, flags);
}

/* ------------------------------------------------------------------ */
/* Post-parse defaults                                                  */
/* ------------------------------------------------------------------ */

/* The partner of a teaming interface, or NULL. */
static virDomainNetDef *
virDomainNetTeamingPartner(const virDomainDef *def, const virDomainNetDef *net)
{
    size_t i;

    if (!net->teaming)
        return NULL;
    if (net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
        return virDomainNetFindByAlias(def, net->teaming->persistent);

    if (!net->info.alias)
        return NULL;
    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *other = def->nets[i];

        if (other->teaming &&
            other->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT &&
            STREQ_NULLABLE(other->teaming->persistent, net->info.alias))
            return other;
    }
    return NULL;
}

static void
virDomainDefPostParseMACs(virDomainDef *def)
{
    static const unsigned char prefix[3] = VIR_MAC_PREFIX_KVM;
    size_t i;

    /* A teaming pair must share one MAC: a side without <mac> takes the
     * partner's; if neither has one, one MAC is generated for both. */
    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];
        virDomainNetDef *partner;

        if (!net->macGenerated)
            continue;
        if ((partner = virDomainNetTeamingPartner(def, net))) {
            if (!partner->macGenerated || !virMacAddrIsNull(&partner->mac)) {
                net->mac = partner->mac;
                continue;
            }
            virMacAddrGenerate(prefix, &net->mac);
            partner->mac = net->mac;
            continue;
        }
        if (virMacAddrIsNull(&net->mac))
            virMacAddrGenerate(prefix, &net->mac);
    }
}

static int
virDomainDefPostParseConsoles(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nserials; i++) {
        if (def->serials[i]->targetPort < 0)
            def->serials[i]->targetPort = i;
    }

    for (i = 0; i < def->nconsoles; i++) {
        virDomainChrDef *con = def->consoles[i];

        if (con->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_NONE)
            con->targetType = i == 0 ? VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL :
                                       VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_VIRTIO;
        if (con->targetPort < 0)
            con->targetPort = i == 0 ? 0 : i - 1;
    }

    /* The first console of an x86 guest is its first serial port: each
     * implies the other, as a user of libvirt expects. */
    if (def->nconsoles &&
        def->consoles[0]->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL) {
        virDomainChrDef *con = def->consoles[0];

        if (def->nserials == 0) {
            virDomainChrDef *serial = g_new0(virDomainChrDef, 1);

            serial->deviceType = VIR_DOMAIN_CHR_DEVICE_TYPE_SERIAL;
            serial->type = con->type;
            serial->path = g_strdup(con->path);
            serial->listen = con->listen;
            serial->targetPort = 0;
            VIR_APPEND(def->serials, def->nserials, serial);
        } else {
            virDomainChrDef *serial = def->serials[0];

            /* the console mirrors the serial port it is attached to */
            con->type = serial->type;
            g_free(con->path);
            con->path = g_strdup(serial->path);
            con->listen = serial->listen;
            con->targetPort = serial->targetPort;
        }
    } else if (def->nserials > 0) {
        virDomainChrDef *serial = def->serials[0];
        virDomainChrDef *con = g_new0(virDomainChrDef, 1);
        size_t n = def->nconsoles;

        con->deviceType = VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE;
        con->type = serial->type;
        con->path = g_strdup(serial->path);
        con->listen = serial->listen;
        con->targetType = VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL;
        con->targetPort = serial->targetPort;
        /* insert first */
        def->consoles = g_renew(virDomainChrDef *, def->consoles, n + 1);
        memmove(def->consoles + 1, def->consoles, n * sizeof(*def->consoles));
        def->consoles[0] = con;
        def->nconsoles = n + 1;
    }
    return 0;
}

static bool
virDomainDefHasDeviceBootOrder(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        if (def->disks[i]->info.bootIndex)
            return true;
    for (i = 0; i < def->nnets; i++)
        if (def->nets[i]->info.bootIndex)
            return true;
    for (i = 0; i < def->nhostdevs; i++)
        if (def->hostdevs[i]->info->bootIndex)
            return true;
    return false;
}

/* Controllers given without index=: the root PCI controller is 0, others
 * get the next free index of their type. Then keep them sorted. */
static void
virDomainDefPostParseControllers(virDomainDef *def)
{
    g_autofree virDomainControllerDef **all = def->controllers;
    size_t n = def->ncontrollers;
    size_t i, j;

    for (i = 0; i < n; i++) {
        virDomainControllerDef *c = all[i];
        int next = 0;

        if (c->idx >= 0)
            continue;
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT ||
             c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT)) {
            c->idx = 0;
            continue;
        }
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            next = 1;
        for (j = 0; j < n; j++) {
            if (all[j]->type == c->type && all[j]->idx >= next)
                next = all[j]->idx + 1;
        }
        c->idx = next;
    }
    def->controllers = NULL;
    def->ncontrollers = 0;
    for (i = 0; i < n; i++)
        virDomainControllerInsert(def, all[i]);
}

int
virDomainDefPostParse(virDomainDef *def, unsigned int flags G_GNUC_UNUSED)
{
    virDomainDefPostParseControllers(def);

    if (!def->os.arch)
        def->os.arch = g_strdup("x86_64");

    if (def->os.nBootDevs == 0 && !virDomainDefHasDeviceBootOrder(def))
        def->os.bootDevs[def->os.nBootDevs++] = VIR_DOMAIN_BOOT_DISK;

    if (def->cpuSet && def->cpuCheck == VIR_CPU_CHECK_DEFAULT) {
        if (def->cpuMode == VIR_CPU_MODE_HOST_MODEL)
            def->cpuCheck = VIR_CPU_CHECK_PARTIAL;
        else if (def->cpuMode == VIR_CPU_MODE_HOST_PASSTHROUGH ||
                 def->cpuMode == VIR_CPU_MODE_MAXIMUM)
            def->cpuCheck = VIR_CPU_CHECK_NONE;
    }
    if (def->cpuSet && def->cpuMigratable < 0 &&
        (def->cpuMode == VIR_CPU_MODE_HOST_PASSTHROUGH ||
         def->cpuMode == VIR_CPU_MODE_MAXIMUM))
        def->cpuMigratable = 1;

    if (def->currentMemory == 0 || def->currentMemory > def->memory)
        def->currentMemory = def->memory;

    if (def->onPoweroff < 0)
        def->onPoweroff = VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    if (def->onReboot < 0)
        def->onReboot = VIR_DOMAIN_LIFECYCLE_ACTION_RESTART;
    if (def->onCrash < 0)
        def->onCrash = VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;

    virDomainDefPostParseMACs(def);

    return virDomainDefPostParseConsoles(def);
}

/* ------------------------------------------------------------------ */
/* Format                                                               */
/* ------------------------------------------------------------------ */

static void
virDomainHostdevSourceFormat(virBuffer *buf, const virPCIDeviceAddress *addr,
                             bool includeType)
{
    virBufferAddLit(buf, "<source>\n");
    virBufferAdjustIndent(buf, 2);
    virPCIDeviceAddressFormat(buf, addr, includeType);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</source>\n");
}

static void
virDomainNetDefFormat(virBuffer *buf, const virDomainNetDef *def,
                      unsigned int flags)
{
    char macstr[VIR_MAC_STRING_BUFLEN];
    bool live = !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                           VIR_DOMAIN_DEF_FORMAT_MIGRATABLE |
                           VIR_DOMAIN_DEF_FORMAT_STATUS));
    int type = def->type;
    const virPCIDeviceAddress *vf = NULL;
    bool managed = def->managed;

    /* A live view shows what a pool interface resolved to. */
    if (live && def->actual && def->actual->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
        type = VIR_DOMAIN_NET_TYPE_HOSTDEV;
        vf = &def->actual->hostdev.source;
        managed = def->actual->hostdev.managed;
    } else if (type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
        vf = &def->hostdev.source;
    }

    virBufferAsprintf(buf, "<interface type='%s'", virDomainNetTypeToString(type));
    if (type == VIR_DOMAIN_NET_TYPE_HOSTDEV && managed)
        virBufferAddLit(buf, " managed='yes'");
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);

    virBufferAsprintf(buf, "<mac address='%s'/>\n", virMacAddrFormat(&def->mac, macstr));
    /* a running VF is assigned through VFIO, the only backend: the live
     * view says so, as libvirt's does */
    if (live && type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        virBufferAddLit(buf, "<driver name='vfio'/>\n");

    switch ((virDomainNetType) type) {
    case VIR_DOMAIN_NET_TYPE_NETWORK:
        virBufferEscapeString(buf, "<source network='%s'/>\n", def->data.network.name);
        break;
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
        virBufferEscapeString(buf, "<source bridge='%s'/>\n", def->data.bridge.brname);
        break;
    case VIR_DOMAIN_NET_TYPE_HOSTDEV:
        virDomainHostdevSourceFormat(buf, vf, true);
        break;
    case VIR_DOMAIN_NET_TYPE_USER:
    case VIR_DOMAIN_NET_TYPE_LAST:
        break;
    }

    if ((flags & VIR_DOMAIN_DEF_FORMAT_STATUS) && def->actual) {
        virBufferAsprintf(buf, "<actual type='%s'",
                          virDomainNetTypeToString(def->actual->type));
        if (def->actual->hostdev.managed)
            virBufferAddLit(buf, " managed='yes'");
        virBufferAddLit(buf, ">\n");
        virBufferAdjustIndent(buf, 2);
        virDomainHostdevSourceFormat(buf, &def->actual->hostdev.source, true);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</actual>\n");
    }

    if (def->vlanSet) {
        virBufferAddLit(buf, "<vlan>\n");
        virBufferAsprintf(buf, "  <tag id='%u'/>\n", def->vlanTag);
        virBufferAddLit(buf, "</vlan>\n");
    }
    if (def->model != VIR_DOMAIN_NET_MODEL_UNKNOWN)
        virBufferAsprintf(buf, "<model type='%s'/>\n",
                          virDomainNetModelTypeToString(def->model));
    virDomainNetTeamingInfoFormat(buf, def->teaming, live || (flags & VIR_DOMAIN_DEF_FORMAT_STATUS));
    if (def->linkstate != VIR_DOMAIN_NET_INTERFACE_LINK_STATE_DEFAULT)
        virBufferAsprintf(buf, "<link state='%s'/>\n",
                          virDomainNetInterfaceLinkStateTypeToString(def->linkstate));
    if (def->mtu)
        virBufferAsprintf(buf, "<mtu size='%u'/>\n", def->mtu);

    virDomainDeviceInfoFormat(buf, &def->info, true);

    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</interface>\n");
}

static void
virDomainHostdevDefFormat(virBuffer *buf, const virDomainHostdevDef *def)
{
    virBufferAsprintf(buf, "<hostdev mode='%s' type='%s' managed='%s'>\n",
                      virDomainHostdevModeTypeToString(def->mode),
                      virDomainHostdevSubsysTypeToString(def->subsysType),
                      def->managed ? "yes" : "no");
    virBufferAdjustIndent(buf, 2);
    virDomainHostdevSourceFormat(buf, &def->source, false);
    virDomainNetTeamingInfoFormat(buf, def->teaming, false);
    virDomainDeviceInfoFormat(buf, def->info, true);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</hostdev>\n");
}

static void
virDomainDiskDefFormat(virBuffer *buf, const virDomainDiskDef *def)
{
    virBufferAsprintf(buf, "<disk type='%s' device='%s'>\n",
                      virDomainDiskTypeTypeToString(def->type),
                      virDomainDiskDeviceTypeToString(def->device));
    virBufferAdjustIndent(buf, 2);
    if (def->driverName || def->format) {
        virBufferAddLit(buf, "<driver");
        virBufferEscapeString(buf, " name='%s'", def->driverName);
        if (def->format)
            virBufferAsprintf(buf, " type='%s'",
                              virStorageFileFormatTypeToString(def->format));
        virBufferAddLit(buf, "/>\n");
    }
    if (def->src)
        virBufferEscapeString(buf, def->type == VIR_DOMAIN_DISK_TYPE_FILE ?
                              "<source file='%s'/>\n" : "<source dev='%s'/>\n",
                              def->src);
    virBufferEscapeString(buf, "<target dev='%s'", def->dst);
    virBufferAsprintf(buf, " bus='%s'/>\n", virDomainDiskBusTypeToString(def->bus));
    if (def->readonly)
        virBufferAddLit(buf, "<readonly/>\n");
    virDomainDeviceInfoFormat(buf, &def->info, true);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</disk>\n");
}

static void
virDomainControllerDefFormat(virBuffer *buf, const virDomainControllerDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    const char *model = NULL;

    virBufferAsprintf(&attrBuf, " type='%s' index='%d'",
                      virDomainControllerTypeToString(def->type), def->idx);
    if (def->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI)
        model = virDomainControllerModelPCITypeToString(def->model);
    else if (def->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
        model = virDomainControllerModelUSBTypeToString(def->model);
    if (model)
        virBufferAsprintf(&attrBuf, " model='%s'", model);

    if (def->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI) {
        /* the name of the device the hypervisor emulates */
        if (def->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT)
            virBufferAddLit(&childBuf, "<model name='pcie-root-port'/>\n");
        else if (def->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE)
            virBufferAddLit(&childBuf, "<model name='pcie-pci-bridge'/>\n");
    }
    if (def->chassis >= 0 || def->port >= 0) {
        virBufferAddLit(&childBuf, "<target");
        if (def->chassis >= 0)
            virBufferAsprintf(&childBuf, " chassis='%d'", def->chassis);
        if (def->port >= 0)
            virBufferAsprintf(&childBuf, " port='0x%x'", def->port);
        virBufferAddLit(&childBuf, "/>\n");
    }
    virDomainDeviceInfoFormat(&childBuf, &def->info, false);

    virXMLFormatElement(buf, "controller", &attrBuf, &childBuf);
}

static void
virDomainChrDefFormat(virBuffer *buf, const virDomainChrDef *def)
{
    const char *elem = virDomainChrDeviceTypeToString(def->deviceType);

    virBufferAsprintf(buf, "<%s type='%s'>\n", elem, virDomainChrTypeToString(def->type));
    virBufferAdjustIndent(buf, 2);
    switch ((virDomainChrType) def->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        virBufferEscapeString(buf, "<source path='%s'/>\n", def->path);
        break;
    case VIR_DOMAIN_CHR_TYPE_FILE:
        virBufferEscapeString(buf, "<source path='%s'/>\n", def->path);
        break;
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        virBufferAsprintf(buf, "<source mode='%s'", def->listen ? "bind" : "connect");
        virBufferEscapeString(buf, " path='%s'/>\n", def->path);
        break;
    case VIR_DOMAIN_CHR_TYPE_LAST:
        break;
    }
    if (def->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE) {
        virBufferAsprintf(buf, "<target type='%s' port='%d'/>\n",
                          virDomainChrConsoleTargetTypeToString(def->targetType),
                          def->targetPort);
    } else {
        virBufferAsprintf(buf, "<target type='isa-serial' port='%d'>\n", def->targetPort);
        virBufferAddLit(buf, "  <model name='isa-serial'/>\n");
        virBufferAddLit(buf, "</target>\n");
    }
    virDomainDeviceInfoFormat(buf, &def->info, false);
    virBufferAdjustIndent(buf, -2);
    virBufferAsprintf(buf, "</%s>\n", elem);
}

static void
virDomainMemballoonDefFormat(virBuffer *buf, const virDomainMemballoonDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);

    virBufferAsprintf(&attrBuf, " model='%s'",
                      virDomainMemballoonModelTypeToString(def->model));
    virDomainDeviceInfoFormat(&childBuf, &def->info, false);
    virXMLFormatElement(buf, "memballoon", &attrBuf, &childBuf);
}

static void
virDomainDefFormatOS(virBuffer *buf, const virDomainDef *def)
{
    size_t i;

    virBufferAddLit(buf, "<os>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAddLit(buf, "<type");
    virBufferEscapeString(buf, " arch='%s'", def->os.arch);
    virBufferEscapeString(buf, " machine='%s'", def->os.machine);
    virBufferEscapeString(buf, ">%s</type>\n", def->os.type);
    virBufferEscapeString(buf, "<kernel>%s</kernel>\n", def->os.kernel);
    virBufferEscapeString(buf, "<initrd>%s</initrd>\n", def->os.initrd);
    virBufferEscapeString(buf, "<cmdline>%s</cmdline>\n", def->os.cmdline);
    for (i = 0; i < def->os.nBootDevs; i++)
        virBufferAsprintf(buf, "<boot dev='%s'/>\n",
                          virDomainBootTypeToString(def->os.bootDevs[i]));
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</os>\n");
}

char *
virDomainDefFormat(const virDomainDef *def, unsigned int flags)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    bool anyFeature = false;
    size_t i;

    virBufferAsprintf(&buf, "<domain type='%s'", virDomainVirtTypeToString(def->virtType));
    if (def->id >= 0 && !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                   VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)))
        virBufferAsprintf(&buf, " id='%d'", def->id);
    virBufferAddLit(&buf, ">\n");
    virBufferAdjustIndent(&buf, 2);

    virBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    virBufferAsprintf(&buf, "<uuid>%s</uuid>\n", virUUIDFormat(def->uuid, uuidstr));
    virBufferEscapeString(&buf, "<title>%s</title>\n", def->title);
    virBufferEscapeString(&buf, "<description>%s</description>\n", def->description);
    virBufferAsprintf(&buf, "<memory unit='KiB'>%llu</memory>\n", def->memory);
    virBufferAsprintf(&buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n",
                      def->currentMemory);
    virBufferAsprintf(&buf, "<vcpu placement='static'>%u</vcpu>\n", def->vcpus);

    virDomainDefFormatOS(&buf, def);

    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++)
        anyFeature |= def->features[i];
    if (anyFeature) {
        virBufferAddLit(&buf, "<features>\n");
        for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++) {
            if (def->features[i])
                virBufferAsprintf(&buf, "  <%s/>\n", virDomainFeatureTypeToString(i));
        }
        virBufferAddLit(&buf, "</features>\n");
    }

    if (def->cpuSet) {
        virBufferAsprintf(&buf, "<cpu mode='%s'", virCPUModeTypeToString(def->cpuMode));
        if (def->cpuMatch != VIR_CPU_MATCH_DEFAULT)
            virBufferAsprintf(&buf, " match='%s'", virCPUMatchTypeToString(def->cpuMatch));
        if (def->cpuCheck != VIR_CPU_CHECK_DEFAULT)
            virBufferAsprintf(&buf, " check='%s'", virCPUCheckTypeToString(def->cpuCheck));
        if (def->cpuMigratable >= 0)
            virBufferAsprintf(&buf, " migratable='%s'", def->cpuMigratable ? "on" : "off");
        if (def->cpuModel) {
            virBufferAddLit(&buf, ">\n");
            virBufferAddLit(&buf, "  <model");
            if (def->cpuFallback != VIR_CPU_FALLBACK_DEFAULT)
                virBufferAsprintf(&buf, " fallback='%s'",
                                  virCPUFallbackTypeToString(def->cpuFallback));
            virBufferEscapeString(&buf, ">%s</model>\n", def->cpuModel);
            virBufferAddLit(&buf, "</cpu>\n");
        } else {
            virBufferAddLit(&buf, "/>\n");
        }
    }
    /* always written, UTC by default, as libvirt does */
    virBufferAsprintf(&buf, "<clock offset='%s'/>\n",
                      virDomainClockOffsetTypeToString(def->clockOffset));

    virBufferAsprintf(&buf, "<on_poweroff>%s</on_poweroff>\n",
                      virDomainLifecycleActionTypeToString(def->onPoweroff));
    virBufferAsprintf(&buf, "<on_reboot>%s</on_reboot>\n",
                      virDomainLifecycleActionTypeToString(def->onReboot));
    virBufferAsprintf(&buf, "<on_crash>%s</on_crash>\n",
                      virDomainLifecycleActionTypeToString(def->onCrash));

    virBufferAddLit(&buf, "<devices>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<emulator>%s</emulator>\n", def->emulator);
    for (i = 0; i < def->ndisks; i++)
        virDomainDiskDefFormat(&buf, def->disks[i]);
    for (i = 0; i < def->ncontrollers; i++)
        virDomainControllerDefFormat(&buf, def->controllers[i]);
    for (i = 0; i < def->nnets; i++)
        virDomainNetDefFormat(&buf, def->nets[i], flags);
    for (i = 0; i < def->nserials; i++)
        virDomainChrDefFormat(&buf, def->serials[i]);
    for (i = 0; i < def->nconsoles; i++)
        virDomainChrDefFormat(&buf, def->consoles[i]);
    for (i = 0; i < def->ninputs; i++)
        virBufferAsprintf(&buf, "<input type='%s' bus='ps2'/>\n",
                          virDomainInputTypeToString(def->inputs[i]->type));
    for (i = 0; i < def->naudios; i++)
        virBufferAsprintf(&buf, "<audio id='%u' type='none'/>\n", def->audios[i]->id);
    for (i = 0; i < def->nhostdevs; i++) {
        if (!def->hostdevs[i]->parentnet)
            virDomainHostdevDefFormat(&buf, def->hostdevs[i]);
    }
    if (def->memballoon)
        virDomainMemballoonDefFormat(&buf, def->memballoon);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</devices>\n");

    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domain>\n");

    return virBufferContentAndReset(&buf);
}

virDomainDef *
virDomainDefCopy(const virDomainDef *def, unsigned int flags)
{
    unsigned int formatFlags = VIR_DOMAIN_DEF_FORMAT_STATUS;
    unsigned int parseFlags = VIR_DOMAIN_DEF_PARSE_STATUS |
                              VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE;
    g_autofree char *xml = NULL;

    if (flags & VIR_DOMAIN_DEF_FORMAT_INACTIVE) {
        formatFlags = VIR_DOMAIN_DEF_FORMAT_INACTIVE;
        parseFlags = VIR_DOMAIN_DEF_PARSE_INACTIVE | VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE;
    }
    if (!(xml = virDomainDefFormat(def, formatFlags)))
        return NULL;
    return virDomainDefParseString(xml, parseFlags);
}

/* ------------------------------------------------------------------ */
/* Single devices (hotplug)                                             */
/* ------------------------------------------------------------------ */

void
virDomainDeviceDefFree(virDomainDeviceDef *dev)
{
    if (!dev)
        return;
    if (dev->type == VIR_DOMAIN_DEVICE_NET)
        virDomainNetDefFree(dev->data.net);
    else if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV)
        virDomainHostdevDefFree(dev->data.hostdev);
    g_free(dev);
}

virDomainDeviceDef *
virDomainDeviceDefParseString(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(virDomainDeviceDef) dev = g_new0(virDomainDeviceDef, 1);
    xmlNodePtr root;

    if (!(doc = virXMLParseStringCtxt(xml, _("(device_definition)"), NULL, &ctxt)))
        return NULL;
    root = ctxt->node;
    if (xmlStrEqual(root->name, BAD_CAST "interface")) {
        dev->type = VIR_DOMAIN_DEVICE_NET;
        if (!(dev->data.net = virDomainNetDefParseXML(root, ctxt, flags)))
            return NULL;
    } else if (xmlStrEqual(root->name, BAD_CAST "hostdev")) {
        dev->type = VIR_DOMAIN_DEVICE_HOSTDEV;
        if (!(dev->data.hostdev = virDomainHostdevDefParseXML(root, ctxt, flags)))
            return NULL;
    } else {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("device <%s> cannot be attached or detached: only <interface> and <hostdev>"),
                       (const char *)root->name);
        return NULL;
    }
    return g_steal_pointer(&dev);
}

void
virDomainNetSetActualHostdev(virDomainDef *def, virDomainNetDef *net,
                             const virPCIDeviceAddress *vf, bool managed)
{
    virDomainNetClearActual(def, net);
    net->actual = virDomainActualNetDefNewHostdev(net, vf, managed);
    virDomainDefInsertNetHostdev(def, net);
}

void
virDomainNetClearActual(virDomainDef *def, virDomainNetDef *net)
{
    if (!net->actual)
        return;
    virDomainDefUnlinkNetHostdev(def, net);
    virDomainActualNetDefFree(g_steal_pointer(&net->actual));
}

void
virDomainDefAddDevice(virDomainDef *def, virDomainDeviceDef *dev)
{
    if (dev->type == VIR_DOMAIN_DEVICE_NET) {
        virDomainNetDef *net = g_steal_pointer(&dev->data.net);

        VIR_APPEND(def->nets, def->nnets, net);
        virDomainDefInsertNetHostdev(def, net);
    } else if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV) {
        virDomainHostdevDef *hostdev = g_steal_pointer(&dev->data.hostdev);

        VIR_APPEND(def->hostdevs, def->nhostdevs, hostdev);
    }
}

ssize_t
virDomainDefFindDevice(const virDomainDef *def, const virDomainDeviceDef *dev)
{
    ssize_t found = -1;
    size_t i;
    unsigned int matches = 0;

    if (dev->type == VIR_DOMAIN_DEVICE_NET) {
        const virDomainNetDef *want = dev->data.net;

        for (i = 0; i < def->nnets; i++) {
            const virDomainNetDef *net = def->nets[i];
            bool match;

            if (want->info.alias)
                match = STREQ_NULLABLE(net->info.alias, want->info.alias);
            else if (!want->macGenerated)
                match = virMacAddrCompare(&net->mac, &want->mac) == 0 &&
                        net->type == want->type;
            else
                match = net->type == want->type;
            if (match) {
                found = i;
                matches++;
            }
        }
    } else {
        const virDomainHostdevDef *want = dev->data.hostdev;

        for (i = 0; i < def->nhostdevs; i++) {
            const virDomainHostdevDef *h = def->hostdevs[i];
            bool match;

            if (h->parentnet)
                continue;
            if (want->info->alias)
                match = STREQ_NULLABLE(h->info->alias, want->info->alias);
            else
                match = virPCIDeviceAddressEqual(&h->source, &want->source);
            if (match) {
                found = i;
                matches++;
            }
        }
    }
    if (matches == 0) {
        virReportError(VIR_ERR_DEVICE_MISSING, "%s",
                       dev->type == VIR_DOMAIN_DEVICE_NET ?
                       _("no interface of the domain matches the given one (compare alias or MAC)") :
                       _("no host device of the domain matches the given one (compare alias or source address)"));
        return -1;
    }
    if (matches > 1) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("several devices match: give the device's <alias name=.../> or its <mac address=.../>"));
        return -1;
    }
    return found;
}

virDomainNetDef *
virDomainDefStealNet(virDomainDef *def, size_t idx)
{
    virDomainNetDef *net = def->nets[idx];

    virDomainDefUnlinkNetHostdev(def, net);
    memmove(def->nets + idx, def->nets + idx + 1, (def->nnets - idx - 1) * sizeof(*def->nets));
    def->nnets--;
    return net;
}

void
virDomainDefRemoveNet(virDomainDef *def, size_t idx)
{
    virDomainNetDefFree(virDomainDefStealNet(def, idx));
}

void
virDomainDefRemoveHostdev(virDomainDef *def, size_t idx)
{
    virDomainHostdevDef *hostdev = def->hostdevs[idx];

    memmove(def->hostdevs + idx, def->hostdevs + idx + 1,
            (def->nhostdevs - idx - 1) * sizeof(*def->hostdevs));
    def->nhostdevs--;
    virDomainHostdevDefFree(hostdev);
}
