/*
 * network_conf.c: <network> XML: parse, validate, format
 */
#include "internal.h"

#include <arpa/inet.h>

#include "device_conf.h"
#include "network_conf.h"
#include "virerror.h"
#include "virfile.h"
#include "virmacaddr.h"
#include "virstring.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NETWORK

VIR_ENUM_IMPL(virNetworkForward, VIR_NETWORK_FORWARD_LAST,
              "none", "nat", "route", "open", "bridge", "private", "vepa",
              "passthrough", "hostdev");

VIR_ENUM_IMPL(virNetworkForwardDriverName, VIR_NETWORK_FORWARD_DRIVER_NAME_LAST,
              "default", "kvm", "vfio", "xen");

#define NET_APPEND(list, n, item) \
    do { \
        (list) = g_realloc_n((list), (n) + 1, sizeof(*(list))); \
        (list)[(n)++] = (item); \
    } while (0)

static void
virNetworkIPDefClear(virNetworkIPDef *ip)
{
    size_t i;

    g_free(ip->family);
    g_free(ip->address);
    g_free(ip->netmask);
    for (i = 0; i < ip->nranges; i++) {
        g_free(ip->ranges[i].start);
        g_free(ip->ranges[i].end);
    }
    g_free(ip->ranges);
    memset(ip, 0, sizeof(*ip));
}

void
virNetworkDefFree(virNetworkDef *def)
{
    size_t i;

    if (!def)
        return;
    g_free(def->name);
    g_free(def->forwardDev);
    g_free(def->pfDev);
    g_free(def->addrs);
    g_free(def->bridge);
    g_free(def->bridgeStp);
    g_free(def->bridgeDelay);
    g_free(def->mac);
    for (i = 0; i < def->nips; i++)
        virNetworkIPDefClear(&def->ips[i]);
    g_free(def->ips);
    g_free(def);
}

const char *
virNetworkSchemaPath(void)
{
    static const char *installed = PKGDATADIR "/schemas/network.rng";
    static const char *source = ABS_SRCDIR "/src/conf/schemas/network.rng";
    const char *env = g_getenv("VIR_NETWORK_SCHEMA");

    if (env && *env)
        return env;
    if (virFileExists(source))
        return source;
    return installed;
}

int
virNetworkNameValidate(const char *name)
{
    if (!name || !*name) {
        virReportError(VIR_ERR_NO_NAME, "%s",
                       _("network definition has no name: add <name>NAME</name> to <network>"));
        return -1;
    }
    /* the name is a file name under the root: libvirt's code and wording
     * for '/' and control characters, and no '.', '..' or hidden files */
    if (virXMLCheckIllegalChars("name", name, "/") < 0)
        return -1;
    if (name[0] == '.') {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network name '%s' is not usable as a file name: it must not start with '.'"),
                       name);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

static int
virNetworkIPAddrCheck(const char *netname, const char *family,
                      const char *elem, const char *attr, const char *value)
{
    unsigned char buf[sizeof(struct in6_addr)];
    int af = STREQ_NULLABLE(family, "ipv6") ? AF_INET6 : AF_INET;

    if (inet_pton(af, value, buf) != 1) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': %s='%s' in <%s> is not a valid %s address"),
                       netname, attr, value, elem,
                       af == AF_INET6 ? "IPv6" : "IPv4");
        return -1;
    }
    return 0;
}

static int
virNetworkIPDefParseXML(const char *netname, xmlNodePtr node,
                        virNetworkIPDef *ip)
{
    xmlNodePtr cur;
    unsigned int maxprefix;
    int rc;

    ip->family = virXMLPropString(node, "family");
    if (ip->family && STRNEQ(ip->family, "ipv4") && STRNEQ(ip->family, "ipv6")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': <ip family='%s'> is unknown: use family='ipv4' or family='ipv6'"),
                       netname, ip->family);
        return -1;
    }
    if (!(ip->address = virXMLPropString(node, "address")) || !*ip->address) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': <ip> needs an address attribute, e.g. <ip address='192.168.122.1' prefix='24'/>"),
                       netname);
        return -1;
    }
    if (virNetworkIPAddrCheck(netname, ip->family, "ip", "address", ip->address) < 0)
        return -1;
    if ((ip->netmask = virXMLPropString(node, "netmask"))) {
        if (STREQ_NULLABLE(ip->family, "ipv6")) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': an IPv6 <ip> takes prefix=, not netmask="),
                           netname);
            return -1;
        }
        if (virNetworkIPAddrCheck(netname, ip->family, "ip", "netmask", ip->netmask) < 0)
            return -1;
    }
    maxprefix = STREQ_NULLABLE(ip->family, "ipv6") ? 128 : 32;
    if ((rc = virXMLPropUInt(node, "prefix", 10, maxprefix, &ip->prefix)) < 0)
        return -1;
    if (rc > 0 && ip->netmask) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': <ip address='%s'> has both netmask= and prefix=; keep one"),
                       netname, ip->address);
        return -1;
    }

    for (cur = node->children; cur; cur = cur->next) {
        xmlNodePtr r;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST "dhcp"))
            continue;
        if (ip->hasDHCP) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <ip address='%s'> has more than one <dhcp>; merge them"),
                           netname, ip->address);
            return -1;
        }
        ip->hasDHCP = true;
        for (r = cur->children; r; r = r->next) {
            virNetworkDHCPRange range = { 0 };

            if (r->type != XML_ELEMENT_NODE || !xmlStrEqual(r->name, BAD_CAST "range"))
                continue;
            range.start = virXMLPropString(r, "start");
            range.end = virXMLPropString(r, "end");
            NET_APPEND(ip->ranges, ip->nranges, range);
            if (!range.start || !range.end) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("network '%s': a DHCP <range> needs both start= and end="),
                               netname);
                return -1;
            }
            if (virNetworkIPAddrCheck(netname, ip->family, "range", "start", range.start) < 0 ||
                virNetworkIPAddrCheck(netname, ip->family, "range", "end", range.end) < 0)
                return -1;
        }
    }
    return 0;
}

/* One attribute of a VF <address>: decimal or 0x hex, at most @max. */
static int
virNetworkPCIAttrParse(const char *netname, xmlNodePtr node, const char *attr,
                       unsigned int max, bool required, unsigned int *val)
{
    g_autofree char *str = virXMLPropString(node, attr);
    unsigned int num = 0;

    *val = 0;
    if (!str) {
        if (!required)
            return 0;
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': a VF <address> in <forward> needs %s=; write <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/>"),
                       netname, attr);
        return -1;
    }
    if (virStrToLong_ui(str, NULL, 0, &num) < 0 || num > max) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': %s='%s' of a VF <address> in <forward> is invalid; use a number from 0 to 0x%x"),
                       netname, attr, str, max);
        return -1;
    }
    *val = num;
    return 0;
}

static int
virNetworkPCIAddressParseXML(const char *netname, xmlNodePtr node,
                             virPCIDeviceAddress *addr)
{
    memset(addr, 0, sizeof(*addr));
    if (virNetworkPCIAttrParse(netname, node, "domain", VIR_PCI_ADDRESS_MAX_DOMAIN, false, &addr->domain) < 0 ||
        virNetworkPCIAttrParse(netname, node, "bus", VIR_PCI_ADDRESS_MAX_BUS, true, &addr->bus) < 0 ||
        virNetworkPCIAttrParse(netname, node, "slot", VIR_PCI_ADDRESS_MAX_SLOT, true, &addr->slot) < 0 ||
        virNetworkPCIAttrParse(netname, node, "function", VIR_PCI_ADDRESS_MAX_FUNCTION, true, &addr->function) < 0)
        return -1;
    return 0;
}

/* <forward> of a hostdev network: <driver>, <pf>, <address>. */
static int
virNetworkForwardHostdevParseXML(virNetworkDef *def, xmlNodePtr fwd)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    unsigned int npf = 0;
    xmlNodePtr cur;

    for (cur = fwd->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;

        if (xmlStrEqual(cur->name, BAD_CAST "driver")) {
            g_autofree char *name = virXMLPropString(cur, "name");
            int val;

            if (!name)
                continue;
            if ((val = virNetworkForwardDriverNameTypeFromString(name)) < 0 ||
                (val != VIR_NETWORK_FORWARD_DRIVER_NAME_DEFAULT &&
                 val != VIR_NETWORK_FORWARD_DRIVER_NAME_VFIO)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("network '%s': <driver name='%s'> is not supported: VFs are assigned with VFIO; use <driver name='vfio'/> or omit <driver>"),
                               def->name, name);
                return -1;
            }
            def->driverName = val;
        } else if (xmlStrEqual(cur->name, BAD_CAST "pf")) {
            if (++npf > 1) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("network '%s': <forward> has more than one <pf>; a hostdev network takes exactly one <pf dev='...'/> (define one network per physical function)"),
                               def->name);
                return -1;
            }
            def->pfDev = virXMLPropString(cur, "dev");
            if (!def->pfDev || !*def->pfDev) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("network '%s': <pf> has no dev attribute; name the physical function's network device, e.g. <pf dev='ens1f0'/>"),
                               def->name);
                return -1;
            }
            if (virXMLCheckIllegalChars("pf dev", def->pfDev, NULL) < 0)
                return -1;
            if (!virFileIsSafeComponent(def->pfDev)) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("network '%s': <pf dev='%s'> is not a network device name"),
                               def->name, def->pfDev);
                return -1;
            }
        } else if (xmlStrEqual(cur->name, BAD_CAST "address")) {
            g_autofree char *type = virXMLPropString(cur, "type");
            virPCIDeviceAddress addr;
            guint key;

            if (!type || STRNEQ(type, "pci")) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("network '%s': <address type='%s'> in <forward> is not supported; list VFs as <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/>"),
                               def->name, NULLSTR(type));
                return -1;
            }
            if (virNetworkPCIAddressParseXML(def->name, cur, &addr) < 0)
                return -1;
            key = (addr.domain << 16) | (addr.bus << 8) | (addr.slot << 3) | addr.function;
            if (!g_hash_table_add(seen, GUINT_TO_POINTER(key))) {
                g_autofree char *str = virPCIDeviceAddressAsString(&addr);

                virReportError(VIR_ERR_XML_ERROR,
                               _("network '%s': PCI device %s is listed more than once in <forward>; list each VF once"),
                               def->name, str);
                return -1;
            }
            NET_APPEND(def->addrs, def->naddrs, addr);
        } else if (xmlStrEqual(cur->name, BAD_CAST "interface")) {
            g_autofree char *dev = virXMLPropString(cur, "dev");

            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("network '%s': <interface dev='%s'> cannot be used with <forward mode='hostdev'>; list the VFs by PCI <address type='pci' .../> or give their PF with <pf dev='...'/>"),
                           def->name, NULLSTR(dev));
            return -1;
        }
    }
    return 0;
}

static int
virNetworkForwardParseXML(virNetworkDef *def, xmlNodePtr fwd)
{
    g_autofree char *mode = virXMLPropString(fwd, "mode");
    g_autofree char *managed = virXMLPropString(fwd, "managed");
    xmlNodePtr cur;

    if (!mode) {
        def->forwardType = VIR_NETWORK_FORWARD_NAT;
    } else if ((def->forwardType = virNetworkForwardTypeFromString(mode)) <= 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': unknown forward mode '%s'; use mode='hostdev' (SR-IOV VF pool), 'bridge', 'nat', 'route' or 'open', or remove <forward> for an isolated network"),
                       def->name, mode);
        return -1;
    }

    switch ((virNetworkForwardType)def->forwardType) {
    case VIR_NETWORK_FORWARD_PRIVATE:
    case VIR_NETWORK_FORWARD_VEPA:
    case VIR_NETWORK_FORWARD_PASSTHROUGH:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("network '%s': forward mode '%s' (macvtap) is not supported; use mode='hostdev' with <pf dev='...'/> to give guests SR-IOV VFs, or mode='bridge' with a host bridge"),
                       def->name, mode);
        return -1;
    case VIR_NETWORK_FORWARD_NONE:
    case VIR_NETWORK_FORWARD_NAT:
    case VIR_NETWORK_FORWARD_ROUTE:
    case VIR_NETWORK_FORWARD_OPEN:
    case VIR_NETWORK_FORWARD_BRIDGE:
    case VIR_NETWORK_FORWARD_HOSTDEV:
    case VIR_NETWORK_FORWARD_LAST:
        break;
    }

    if (managed) {
        if (def->forwardType != VIR_NETWORK_FORWARD_HOSTDEV) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': managed= only applies to <forward mode='hostdev'>; remove it from mode '%s'"),
                           def->name, virNetworkForwardTypeToString(def->forwardType));
            return -1;
        }
        if (STREQ(managed, "yes")) {
            def->managed = true;
        } else if (STREQ(managed, "no")) {
            def->managed = false;
        } else {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': managed='%s' is invalid; use managed='yes' or managed='no'"),
                           def->name, managed);
            return -1;
        }
        def->managedSet = true;
    }

    def->forwardDev = virXMLPropString(fwd, "dev");
    if (virXMLCheckIllegalChars("forward dev", def->forwardDev, "/") < 0)
        return -1;
    if (def->forwardDev && def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': <forward dev='%s'> is not used in hostdev mode; name the physical function with <pf dev='%s'/> instead"),
                       def->name, def->forwardDev, def->forwardDev);
        return -1;
    }

    if (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV)
        return virNetworkForwardHostdevParseXML(def, fwd);

    for (cur = fwd->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, BAD_CAST "pf") ||
            xmlStrEqual(cur->name, BAD_CAST "address") ||
            xmlStrEqual(cur->name, BAD_CAST "driver")) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <%s> in <forward> is only used with mode='hostdev'; change the mode to hostdev or remove <%s>"),
                           def->name, (const char *)cur->name, (const char *)cur->name);
            return -1;
        }
        if (xmlStrEqual(cur->name, BAD_CAST "interface")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("network '%s': device pools (<interface> in <forward>) are not supported in mode '%s'; remove them"),
                           def->name, virNetworkForwardTypeToString(def->forwardType));
            return -1;
        }
    }
    return 0;
}

static int
virNetworkDefParseNodeSet(xmlXPathContextPtr ctxt, const char *what,
                          const char *netname, xmlNodePtr **nodes)
{
    int n = virXPathNodeSet(what, ctxt, nodes);

    if (n < 0)
        return -1;
    if (n > 1) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s' has %d <%s> elements; keep only one"),
                       netname, n, what + 2);
        return -1;
    }
    return n;
}

static virNetworkDef *
virNetworkDefParseNode(xmlXPathContextPtr ctxt, unsigned int flags)
{
    g_autoptr(virNetworkDef) def = g_new0(virNetworkDef, 1);
    g_autofree xmlNodePtr *nodes = NULL;
    g_autofree char *uuid = NULL;
    int n;
    size_t i;

    def->name = virXPathString("./name", ctxt);
    if (virNetworkNameValidate(def->name) < 0)
        return NULL;

    if ((uuid = virXPathString("./uuid", ctxt))) {
        if (virUUIDParse(uuid, def->uuid) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <uuid>%s</uuid> is malformed; use the form 4f509714-0cb7-4825-8209-cb960ac5b566 or remove <uuid> to have one generated"),
                           def->name, uuid);
            return NULL;
        }
    } else {
        if (virUUIDGenerate(def->uuid) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("network '%s': cannot generate a UUID"), def->name);
            return NULL;
        }
        def->uuidGenerated = true;
    }

    if (!(flags & VIR_NETWORK_DEF_PARSE_STATUS) &&
        xmlHasProp(ctxt->node, BAD_CAST "connections")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': connections= is a live, read-only value; remove it from <network>"),
                       def->name);
        return NULL;
    }

    /* <forward> */
    if ((n = virNetworkDefParseNodeSet(ctxt, "./forward", def->name, &nodes)) < 0)
        return NULL;
    if (n == 1 && virNetworkForwardParseXML(def, nodes[0]) < 0)
        return NULL;
    g_clear_pointer(&nodes, g_free);

    /* <bridge> */
    if ((n = virNetworkDefParseNodeSet(ctxt, "./bridge", def->name, &nodes)) < 0)
        return NULL;
    if (n == 1) {
        if (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <bridge> is not allowed with <forward mode='hostdev'> (guests get a VF, not a bridge port); remove <bridge>"),
                           def->name);
            return NULL;
        }
        def->bridge = virXMLPropString(nodes[0], "name");
        def->bridgeStp = virXMLPropString(nodes[0], "stp");
        def->bridgeDelay = virXMLPropString(nodes[0], "delay");
        if (virXMLCheckIllegalChars("bridge name", def->bridge, NULL) < 0)
            return NULL;
        if (def->bridge && !virFileIsSafeComponent(def->bridge)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <bridge name='%s'> is not a network device name"),
                           def->name, def->bridge);
            return NULL;
        }
        if (def->bridgeStp && STRNEQ(def->bridgeStp, "on") && STRNEQ(def->bridgeStp, "off")) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <bridge stp='%s'> is invalid; use stp='on' or stp='off'"),
                           def->name, def->bridgeStp);
            return NULL;
        }
        if (def->bridgeDelay) {
            unsigned int delay;

            if (virXMLPropUInt(nodes[0], "delay", 10, G_MAXINT, &delay) < 0)
                return NULL;
            g_free(def->bridgeDelay);
            def->bridgeDelay = g_strdup_printf("%u", delay);
        }
    }
    g_clear_pointer(&nodes, g_free);

    /* <bandwidth> */
    if (virXPathNode("./bandwidth", ctxt)) {
        if (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("network '%s': <bandwidth> is not allowed with <forward mode='hostdev'> (VF traffic bypasses the host); remove <bandwidth>"),
                           def->name);
        } else {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("network '%s': network-wide <bandwidth> is not supported by this driver; remove <bandwidth>"),
                           def->name);
        }
        return NULL;
    }

    /* <mac> */
    if ((n = virNetworkDefParseNodeSet(ctxt, "./mac", def->name, &nodes)) < 0)
        return NULL;
    if (n == 1) {
        g_autofree char *mac = virXMLPropString(nodes[0], "address");
        virMacAddr addr;
        char buf[VIR_MAC_STRING_BUFLEN];

        if (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV ||
            def->forwardType == VIR_NETWORK_FORWARD_BRIDGE) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <mac> sets the MAC of a bridge this driver creates and is not used with <forward mode='%s'>; remove <mac>"),
                           def->name, virNetworkForwardTypeToString(def->forwardType));
            return NULL;
        }
        if (!mac || virMacAddrParse(mac, &addr) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <mac address='%s'> is not a MAC address; use the form 52:54:00:12:34:56"),
                           def->name, NULLSTR(mac));
            return NULL;
        }
        if (virMacAddrIsMulticast(&addr)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <mac address='%s'> is a multicast address; use a unicast one"),
                           def->name, mac);
            return NULL;
        }
        def->mac = g_strdup(virMacAddrFormat(&addr, buf));
    }
    g_clear_pointer(&nodes, g_free);

    /* <ip> */
    if ((n = virXPathNodeSet("./ip", ctxt, &nodes)) < 0)
        return NULL;
    if (n > 0 && (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV ||
                  def->forwardType == VIR_NETWORK_FORWARD_BRIDGE)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network '%s': <ip> is not used with <forward mode='%s'> (the host does not route this network); remove <ip>"),
                       def->name, virNetworkForwardTypeToString(def->forwardType));
        return NULL;
    }
    for (i = 0; i < (size_t)n; i++) {
        virNetworkIPDef ip = { 0 };

        NET_APPEND(def->ips, def->nips, ip);
        if (virNetworkIPDefParseXML(def->name, nodes[i], &def->ips[def->nips - 1]) < 0)
            return NULL;
    }

    /* defaults */
    if (def->forwardType == VIR_NETWORK_FORWARD_NONE ||
        def->forwardType == VIR_NETWORK_FORWARD_NAT ||
        def->forwardType == VIR_NETWORK_FORWARD_ROUTE ||
        def->forwardType == VIR_NETWORK_FORWARD_OPEN) {
        if (!def->mac) {
            virMacAddr addr;
            const unsigned char prefix[3] = VIR_MAC_PREFIX_KVM;
            char buf[VIR_MAC_STRING_BUFLEN];

            virMacAddrGenerate(prefix, &addr);
            def->mac = g_strdup(virMacAddrFormat(&addr, buf));
        }
    }

    return g_steal_pointer(&def);
}

int
virNetworkDefValidate(const virNetworkDef *def, unsigned int flags)
{
    switch ((virNetworkForwardType)def->forwardType) {
    case VIR_NETWORK_FORWARD_HOSTDEV:
        if (def->pfDev && def->naddrs && !(flags & VIR_NETWORK_DEF_PARSE_STATUS)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <forward mode='hostdev'> has both <pf> and <address> elements; use either one <pf dev='...'/> (its VFs are found at start) or a list of <address type='pci' .../>"),
                           def->name);
            return -1;
        }
        if (!def->pfDev && !def->naddrs) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <forward mode='hostdev'> lists no devices; add <pf dev='PF'/> naming the SR-IOV physical function, or <address type='pci' .../> elements for the VFs"),
                           def->name);
            return -1;
        }
        break;
    case VIR_NETWORK_FORWARD_BRIDGE:
        if (!def->bridge) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': <forward mode='bridge'> needs <bridge name='BRIDGE'/> naming an existing host bridge"),
                           def->name);
            return -1;
        }
        if (def->bridgeStp || def->bridgeDelay) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("network '%s': stp= and delay= on <bridge> apply to bridges this driver creates, not to the host bridge of mode 'bridge'; remove them"),
                           def->name);
            return -1;
        }
        break;
    case VIR_NETWORK_FORWARD_NONE:
    case VIR_NETWORK_FORWARD_NAT:
    case VIR_NETWORK_FORWARD_ROUTE:
    case VIR_NETWORK_FORWARD_OPEN:
    case VIR_NETWORK_FORWARD_PRIVATE:
    case VIR_NETWORK_FORWARD_VEPA:
    case VIR_NETWORK_FORWARD_PASSTHROUGH:
    case VIR_NETWORK_FORWARD_LAST:
        break;
    }
    return 0;
}

virNetworkDef *
virNetworkDefParseString(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(virNetworkDef) def = NULL;

    if (xml && strlen(xml) > VIR_NETWORK_XML_MAX_LEN) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("network definition is larger than %d bytes"),
                       VIR_NETWORK_XML_MAX_LEN);
        return NULL;
    }
    if (!(doc = virXMLParseStringCtxt(xml, _("(network_definition)"), "network", &ctxt)))
        return NULL;
    if ((flags & VIR_NETWORK_DEF_PARSE_VALIDATE_SCHEMA) &&
        virXMLValidateAgainstSchema(virNetworkSchemaPath(), doc) < 0)
        return NULL;
    if (!(def = virNetworkDefParseNode(ctxt, flags)))
        return NULL;
    if (virNetworkDefValidate(def, flags) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

virNetworkDef *
virNetworkDefParseFile(const char *path, unsigned int flags)
{
    g_autofree char *xml = NULL;

    if (virFileReadAll(path, VIR_NETWORK_XML_MAX_LEN, &xml) < 0)
        return NULL;
    return virNetworkDefParseString(xml, flags);
}

/* ------------------------------------------------------------------ */
/* Formatting                                                          */
/* ------------------------------------------------------------------ */

static void
virNetworkForwardFormat(virBuffer *buf, const virNetworkDef *def)
{
    g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) children = VIR_BUFFER_INIT_CHILD(buf);
    size_t i;

    if (def->forwardType == VIR_NETWORK_FORWARD_NONE)
        return;

    virBufferEscapeString(&attrs, " dev='%s'", def->forwardDev);
    virBufferAsprintf(&attrs, " mode='%s'",
                      virNetworkForwardTypeToString(def->forwardType));
    if (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV) {
        virBufferAsprintf(&attrs, " managed='%s'", def->managed ? "yes" : "no");
        if (def->driverName != VIR_NETWORK_FORWARD_DRIVER_NAME_DEFAULT)
            virBufferAsprintf(&children, "<driver name='%s'/>\n",
                              virNetworkForwardDriverNameTypeToString(def->driverName));
        virBufferEscapeString(&children, "<pf dev='%s'/>\n", def->pfDev);
        for (i = 0; i < def->naddrs; i++)
            virPCIDeviceAddressFormat(&children, &def->addrs[i], true);
    }
    virXMLFormatElement(buf, "forward", &attrs, &children);
}

static void
virNetworkIPDefFormat(virBuffer *buf, const virNetworkIPDef *ip)
{
    g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) children = VIR_BUFFER_INIT_CHILD(buf);
    size_t i;

    virBufferEscapeString(&attrs, " family='%s'", ip->family);
    virBufferEscapeString(&attrs, " address='%s'", ip->address);
    virBufferEscapeString(&attrs, " netmask='%s'", ip->netmask);
    if (ip->prefix)
        virBufferAsprintf(&attrs, " prefix='%u'", ip->prefix);
    if (ip->hasDHCP) {
        if (ip->nranges) {
            virBufferAddLit(&children, "<dhcp>\n");
            virBufferAdjustIndent(&children, 2);
            for (i = 0; i < ip->nranges; i++) {
                virBufferEscapeString(&children, "<range start='%s'", ip->ranges[i].start);
                virBufferEscapeString(&children, " end='%s'/>\n", ip->ranges[i].end);
            }
            virBufferAdjustIndent(&children, -2);
            virBufferAddLit(&children, "</dhcp>\n");
        } else {
            virBufferAddLit(&children, "<dhcp/>\n");
        }
    }
    virXMLFormatElement(buf, "ip", &attrs, &children);
}

void
virNetworkDefFormatBuf(virBuffer *buf, const virNetworkDef *def,
                       unsigned int connections)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    size_t i;

    virBufferAddLit(buf, "<network");
    if (connections > 0)
        virBufferAsprintf(buf, " connections='%u'", connections);
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);

    virBufferEscapeString(buf, "<name>%s</name>\n", def->name);
    virBufferAsprintf(buf, "<uuid>%s</uuid>\n", virUUIDFormat(def->uuid, uuidstr));
    virNetworkForwardFormat(buf, def);

    if (def->bridge || def->bridgeStp || def->bridgeDelay) {
        bool defaults = def->forwardType != VIR_NETWORK_FORWARD_BRIDGE;

        virBufferAddLit(buf, "<bridge");
        virBufferEscapeString(buf, " name='%s'", def->bridge);
        if (defaults) {
            virBufferAsprintf(buf, " stp='%s'", def->bridgeStp ? def->bridgeStp : "on");
            virBufferAsprintf(buf, " delay='%s'", def->bridgeDelay ? def->bridgeDelay : "0");
        }
        virBufferAddLit(buf, "/>\n");
    }
    virBufferEscapeString(buf, "<mac address='%s'/>\n", def->mac);
    for (i = 0; i < def->nips; i++)
        virNetworkIPDefFormat(buf, &def->ips[i]);

    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</network>\n");
}

char *
virNetworkDefFormat(const virNetworkDef *def, unsigned int connections)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    virNetworkDefFormatBuf(&buf, def, connections);
    return virBufferContentAndReset(&buf);
}

virNetworkDef *
virNetworkDefCopy(const virNetworkDef *def)
{
    g_autofree char *xml = virNetworkDefFormat(def, 0);
    virNetworkDef *ret;

    /* A formatted definition always parses back; STATUS keeps <pf> and
     * discovered addresses together. */
    if (!(ret = virNetworkDefParseString(xml, VIR_NETWORK_DEF_PARSE_STATUS)))
        return NULL;
    return ret;
}
