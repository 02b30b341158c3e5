/*
 * device_conf.h: what every device has: alias, guest address, boot order;
 * and the <teaming> element shared by <interface> and <hostdev>.
 */
#pragma once

#include "internal.h"
#include "virbuffer.h"
#include "virenum.h"
#include "virpci.h"
#include "virxml.h"

typedef enum {
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE = 0,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE,

    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST
} virDomainDeviceAddressType;
VIR_ENUM_DECL(virDomainDeviceAddress);

/* <address type='drive' controller= bus= target= unit=/> */
typedef struct _virDomainDeviceDriveAddress virDomainDeviceDriveAddress;
struct _virDomainDeviceDriveAddress {
    unsigned int controller;
    unsigned int bus;
    unsigned int target;
    unsigned int unit;
};

typedef struct _virDomainDeviceInfo virDomainDeviceInfo;
struct _virDomainDeviceInfo {
    char *alias;                /* user alias (ua-...) or generated id */
    bool userAlias;             /* alias came from the XML (ua- prefix) */
    int type;                   /* virDomainDeviceAddressType */
    union {
        virPCIDeviceAddress pci;
        virDomainDeviceDriveAddress drive;
    } addr;
    unsigned int bootIndex;     /* <boot order=>, 0 = none */
};

#define VIR_DOMAIN_USER_ALIAS_PREFIX "ua-"

typedef enum {
    VIR_DOMAIN_NET_TEAMING_TYPE_NONE = 0,
    VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT,
    VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT,

    VIR_DOMAIN_NET_TEAMING_TYPE_LAST
} virDomainNetTeamingType;
VIR_ENUM_DECL(virDomainNetTeaming);

typedef struct _virDomainNetTeamingInfo virDomainNetTeamingInfo;
typedef enum {
    VIR_DOMAIN_NET_TEAMING_NEGOTIATED_UNKNOWN = 0,
    VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES,
    VIR_DOMAIN_NET_TEAMING_NEGOTIATED_NO,

    VIR_DOMAIN_NET_TEAMING_NEGOTIATED_LAST
} virDomainNetTeamingNegotiated;

struct _virDomainNetTeamingInfo {
    int type;                   /* virDomainNetTeamingType */
    char *persistent;           /* transient: alias of the standby */
    /* persistent side of a running domain: whether the guest's driver
     * accepted failover (QEMU's FAILOVER_NEGOTIATED). Runtime only: in live
     * and status XML as negotiated='yes|no'. */
    int negotiated;             /* virDomainNetTeamingNegotiated */
    /* where <teaming> was in the parsed document, " (at PATH, line N)",
     * appended to every teaming error (NULL: not parsed from XML) */
    char *where;
};

/* The location suffix of @teaming's messages, "" when unknown. */
const char *virDomainNetTeamingInfoWhere(const virDomainNetTeamingInfo *teaming);

void virDomainNetTeamingInfoFree(virDomainNetTeamingInfo *teaming);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainNetTeamingInfo, virDomainNetTeamingInfoFree);

/* Parse <teaming> at @node (NULL: none). @owner names the device for
 * messages. A bare <teaming/> gives *teaming == NULL. */
int virDomainNetTeamingInfoParseXML(xmlNodePtr node, const char *owner,
                                    bool runtime,
                                    virDomainNetTeamingInfo **teaming);
void virDomainNetTeamingInfoFormat(virBuffer *buf,
                                   const virDomainNetTeamingInfo *teaming,
                                   bool runtime);

/* <boot>, <alias>, <address> children of ctxt->node. Only user aliases
 * (ua-...) are kept unless @allAliases (status XML of a running domain,
 * whose aliases the driver generated). */
int virDomainDeviceInfoParseXML(xmlXPathContextPtr ctxt,
                                virDomainDeviceInfo *info,
                                bool allAliases);
void virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info,
                               bool allowBoot);
void virDomainDeviceInfoClear(virDomainDeviceInfo *info);

/* <address type='pci' domain= bus= slot= function= [multifunction=]/> */
int virPCIDeviceAddressParseXML(xmlNodePtr node, virPCIDeviceAddress *addr);
void virPCIDeviceAddressFormat(virBuffer *buf, const virPCIDeviceAddress *addr,
                               bool includeType);

/* alias is a valid user alias: ua- followed by [A-Za-z0-9_-]+ */
bool virDomainDeviceAliasIsUserAlias(const char *alias);
bool virDomainDeviceAliasIsValidChars(const char *alias);
