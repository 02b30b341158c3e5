/*
 * device_conf.c: alias, guest address, boot order, <teaming>
 */
#include "internal.h"
#include "device_conf.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DEVICE

VIR_ENUM_IMPL(virDomainDeviceAddress, VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST,
              "none", "pci", "drive");

VIR_ENUM_IMPL(virDomainNetTeaming, VIR_DOMAIN_NET_TEAMING_TYPE_LAST,
              "none", "persistent", "transient");

bool
virDomainDeviceAliasIsValidChars(const char *alias)
{
    const char *p;

    if (!alias || !*alias)
        return false;
    for (p = alias; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
            return false;
    }
    return true;
}

bool
virDomainDeviceAliasIsUserAlias(const char *alias)
{
    return alias && g_str_has_prefix(alias, VIR_DOMAIN_USER_ALIAS_PREFIX) &&
           alias[strlen(VIR_DOMAIN_USER_ALIAS_PREFIX)] != '\0' &&
           virDomainDeviceAliasIsValidChars(alias);
}

void
virDomainNetTeamingInfoFree(virDomainNetTeamingInfo *teaming)
{
    if (!teaming)
        return;
    g_free(teaming->persistent);
    g_free(teaming->where);
    g_free(teaming);
}

const char *
virDomainNetTeamingInfoWhere(const virDomainNetTeamingInfo *teaming)
{
    return teaming && teaming->where ? teaming->where : "";
}

int
virDomainNetTeamingInfoParseXML(xmlNodePtr node, const char *owner,
                                bool runtime,
                                virDomainNetTeamingInfo **teaming)
{
    g_autoptr(virDomainNetTeamingInfo) t = NULL;
    g_autofree char *type = NULL;
    g_autofree char *persistent = NULL;

    *teaming = NULL;
    if (!node)
        return 0;

    type = virXMLPropString(node, "type");
    persistent = virXMLPropString(node, "persistent");

    /* A bare <teaming/> says nothing: treat it as absent. */
    if (!type && !persistent)
        return 0;

    t = g_new0(virDomainNetTeamingInfo, 1);
    t->where = virXMLNodeWhere(node);
    if (!type) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("missing teaming type in %s: add type='transient' (next to persistent='ALIAS') on the passthrough primary, or type='persistent' on the virtio standby%s"),
                       owner, t->where);
        return -1;
    }
    if ((t->type = virDomainNetTeamingTypeFromString(type)) <= 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unknown teaming type '%s' in %s: use type='persistent' on the virtio standby or type='transient' on the passthrough primary%s"),
                       type, owner, t->where);
        return -1;
    }

    if (t->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT) {
        if (!persistent || !*persistent) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("teaming type='transient' in %s needs persistent='ALIAS' naming the alias of its virtio standby interface%s"),
                           owner, t->where);
            return -1;
        }
        if (!virDomainDeviceAliasIsValidChars(persistent)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("teaming persistent='%s' in %s is not a valid alias: use only letters, digits, '_' and '-'%s"),
                           persistent, owner, t->where);
            return -1;
        }
        t->persistent = g_steal_pointer(&persistent);
    } else if (persistent) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("teaming type='persistent' in %s must not have a persistent attribute (only the transient side names its standby)%s"),
                       owner, t->where);
        return -1;
    }

    if (runtime && t->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT) {
        bool negotiated;
        int rc = virXMLPropYesNo(node, "negotiated", &negotiated);

        if (rc < 0)
            return -1;
        if (rc > 0)
            t->negotiated = negotiated ? VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES :
                                         VIR_DOMAIN_NET_TEAMING_NEGOTIATED_NO;
    }

    *teaming = g_steal_pointer(&t);
    return 0;
}

void
virDomainNetTeamingInfoFormat(virBuffer *buf,
                              const virDomainNetTeamingInfo *teaming,
                              bool runtime)
{
    if (!teaming || teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_NONE)
        return;
    virBufferAsprintf(buf, "<teaming type='%s'",
                      virDomainNetTeamingTypeToString(teaming->type));
    virBufferEscapeString(buf, " persistent='%s'", teaming->persistent);
    if (runtime && teaming->negotiated != VIR_DOMAIN_NET_TEAMING_NEGOTIATED_UNKNOWN)
        virBufferAsprintf(buf, " negotiated='%s'",
                          teaming->negotiated == VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES ?
                          "yes" : "no");
    virBufferAddLit(buf, "/>\n");
}

int
virPCIDeviceAddressParseXML(xmlNodePtr node, virPCIDeviceAddress *addr)
{
    bool multi = false;
    int rc;

    memset(addr, 0, sizeof(*addr));
    if (virXMLPropUInt(node, "domain", 0, VIR_PCI_ADDRESS_MAX_DOMAIN, &addr->domain) < 0 ||
        virXMLPropUInt(node, "bus", 0, VIR_PCI_ADDRESS_MAX_BUS, &addr->bus) < 0 ||
        virXMLPropUInt(node, "slot", 0, VIR_PCI_ADDRESS_MAX_SLOT, &addr->slot) < 0 ||
        virXMLPropUInt(node, "function", 0, VIR_PCI_ADDRESS_MAX_FUNCTION, &addr->function) < 0)
        return -1;
    if ((rc = virXMLPropYesNo(node, "multifunction", &multi)) < 0)
        return -1;
    addr->multi = multi;
    return 0;
}

void
virPCIDeviceAddressFormat(virBuffer *buf, const virPCIDeviceAddress *addr,
                          bool includeType)
{
    virBufferAsprintf(buf, "<address %sdomain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'%s/>\n",
                      includeType ? "type='pci' " : "",
                      addr->domain, addr->bus, addr->slot, addr->function,
                      addr->multi ? " multifunction='on'" : "");
}

static int
virDomainDeviceAddressParseXML(xmlNodePtr node, virDomainDeviceInfo *info)
{
    g_autofree char *type = virXMLPropString(node, "type");

    if (!type) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("device <address> is missing its type attribute (e.g. type='pci')"));
        return -1;
    }
    if ((info->type = virDomainDeviceAddressTypeFromString(type)) <= 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unsupported device address type '%s': use 'pci' or 'drive'"),
                       type);
        return -1;
    }
    switch ((virDomainDeviceAddressType) info->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        return virPCIDeviceAddressParseXML(node, &info->addr.pci);
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        if (virXMLPropUInt(node, "controller", 10, 0xffff, &info->addr.drive.controller) < 0 ||
            virXMLPropUInt(node, "bus", 10, 0xffff, &info->addr.drive.bus) < 0 ||
            virXMLPropUInt(node, "target", 10, 0xffff, &info->addr.drive.target) < 0 ||
            virXMLPropUInt(node, "unit", 10, 0xffff, &info->addr.drive.unit) < 0)
            return -1;
        return 0;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
        break;
    }
    return 0;
}

int
virDomainDeviceInfoParseXML(xmlXPathContextPtr ctxt, virDomainDeviceInfo *info,
                            bool allAliases)
{
    xmlNodePtr alias = virXPathNode("./alias", ctxt);
    xmlNodePtr address = virXPathNode("./address", ctxt);
    xmlNodePtr boot = virXPathNode("./boot", ctxt);

    if (alias) {
        g_autofree char *name = virXMLPropString(alias, "name");

        if (virXMLCheckIllegalChars("alias", name, NULL) < 0)
            return -1;
        /* Only user aliases are kept from the input: other aliases are
         * generated by the driver for running domains. */
        if (name && virDomainDeviceAliasIsUserAlias(name)) {
            info->alias = g_steal_pointer(&name);
            info->userAlias = true;
        } else if (allAliases && name && virDomainDeviceAliasIsValidChars(name)) {
            info->alias = g_steal_pointer(&name);
        } else if (name && g_str_has_prefix(name, VIR_DOMAIN_USER_ALIAS_PREFIX)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("invalid user alias '%s': after 'ua-' use one or more of letters, digits, '_' and '-'"),
                           name);
            return -1;
        }
    }

    if (boot) {
        unsigned int order = 0;
        int rc = virXMLPropUInt(boot, "order", 10, G_MAXINT, &order);

        if (rc < 0)
            return -1;
        if (rc == 0 || order == 0) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("<boot> needs order='N' with N >= 1"));
            return -1;
        }
        info->bootIndex = order;
    }

    if (address && virDomainDeviceAddressParseXML(address, info) < 0)
        return -1;

    return 0;
}

void
virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info,
                          bool allowBoot)
{
    if (allowBoot && info->bootIndex)
        virBufferAsprintf(buf, "<boot order='%u'/>\n", info->bootIndex);
    virBufferEscapeString(buf, "<alias name='%s'/>\n", info->alias);

    switch ((virDomainDeviceAddressType) info->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        virPCIDeviceAddressFormat(buf, &info->addr.pci, true);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        virBufferAsprintf(buf, "<address type='drive' controller='%u' bus='%u' target='%u' unit='%u'/>\n",
                          info->addr.drive.controller, info->addr.drive.bus,
                          info->addr.drive.target, info->addr.drive.unit);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
        break;
    }
}

void
virDomainDeviceInfoClear(virDomainDeviceInfo *info)
{
    g_clear_pointer(&info->alias, g_free);
    info->userAlias = false;
    info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE;
    memset(&info->addr, 0, sizeof(info->addr));
    info->bootIndex = 0;
}
