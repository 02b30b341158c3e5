/*
 * network_conf.h: <network> XML: parse, validate, format
 *
 * The point of this driver is the SR-IOV pool:
 *
 *   <network>
 *     <name>vfpool</name>
 *     <forward mode='hostdev' managed='yes'>
 *       <driver name='vfio'/>
 *       <pf dev='ens1f0'/>                 (or a list of <address type='pci'/>)
 *     </forward>
 *   </network>
 *
 * Simple host-bridge, NAT, routed and isolated networks are understood as
 * well (name, uuid, <forward>, <bridge>, <mac>, <ip> with DHCP ranges) so
 * that ordinary libvirt network XML round-trips.
 */
#pragma once

#include "internal.h"
#include "virbuffer.h"
#include "virenum.h"
#include "virpci.h"
#include "virxml.h"

typedef enum {
    VIR_NETWORK_FORWARD_NONE = 0,   /* no <forward>: isolated */
    VIR_NETWORK_FORWARD_NAT,
    VIR_NETWORK_FORWARD_ROUTE,
    VIR_NETWORK_FORWARD_OPEN,
    VIR_NETWORK_FORWARD_BRIDGE,
    VIR_NETWORK_FORWARD_PRIVATE,
    VIR_NETWORK_FORWARD_VEPA,
    VIR_NETWORK_FORWARD_PASSTHROUGH,
    VIR_NETWORK_FORWARD_HOSTDEV,

    VIR_NETWORK_FORWARD_LAST
} virNetworkForwardType;
VIR_ENUM_DECL(virNetworkForward);

/* <forward mode='hostdev'><driver name=/> */
typedef enum {
    VIR_NETWORK_FORWARD_DRIVER_NAME_DEFAULT = 0,
    VIR_NETWORK_FORWARD_DRIVER_NAME_KVM,
    VIR_NETWORK_FORWARD_DRIVER_NAME_VFIO,
    VIR_NETWORK_FORWARD_DRIVER_NAME_XEN,

    VIR_NETWORK_FORWARD_DRIVER_NAME_LAST
} virNetworkForwardDriverName;
VIR_ENUM_DECL(virNetworkForwardDriverName);

typedef struct _virNetworkDHCPRange virNetworkDHCPRange;
struct _virNetworkDHCPRange {
    char *start;
    char *end;
};

/* <ip [family=] address= netmask=|prefix=> [<dhcp><range/>...</dhcp>] */
typedef struct _virNetworkIPDef virNetworkIPDef;
struct _virNetworkIPDef {
    char *family;           /* "ipv4" (default when NULL) or "ipv6" */
    char *address;
    char *netmask;
    unsigned int prefix;    /* 0 = not given */
    bool hasDHCP;           /* <dhcp> present, maybe without ranges */
    virNetworkDHCPRange *ranges;
    size_t nranges;
};

typedef struct _virNetworkDef virNetworkDef;
struct _virNetworkDef {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    bool uuidGenerated;     /* no <uuid> in the XML: a random one was made */

    int forwardType;        /* virNetworkForwardType */
    char *forwardDev;       /* <forward dev=> (nat, route) */
    bool managed;           /* hostdev: managed='yes' (the default) */
    bool managedSet;        /* managed= was given */
    int driverName;         /* virNetworkForwardDriverName */

    /* hostdev: the physical function whose VFs form the pool ... */
    char *pfDev;
    /* ... or explicit VF addresses. The live definition of a running
     * <pf> network carries both: the PF and the VFs found under it. */
    virPCIDeviceAddress *addrs;
    size_t naddrs;

    char *bridge;           /* <bridge name=> */
    char *bridgeStp;        /* stp='on|off' as written, or NULL */
    char *bridgeDelay;      /* delay= as written, or NULL */
    char *mac;              /* <mac address=>, canonical lower case */

    virNetworkIPDef *ips;
    size_t nips;
};

void virNetworkDefFree(virNetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetworkDef, virNetworkDefFree);

typedef enum {
    /* Validate the document against network.rng first. */
    VIR_NETWORK_DEF_PARSE_VALIDATE_SCHEMA = 1 << 0,
    /* A live/status definition: a hostdev network may list both its <pf>
     * and the VF <address>es discovered under it; connections= on the
     * root element is accepted (and ignored: the pool counts). */
    VIR_NETWORK_DEF_PARSE_STATUS = 1 << 1,
} virNetworkDefParseFlags;

/* Maximum size of a network document we accept. */
#define VIR_NETWORK_XML_MAX_LEN (1024 * 1024)

/* Parse, fill defaults (a random UUID when absent) and validate. Errors
 * name the network and say what to change. */
virNetworkDef *virNetworkDefParseString(const char *xml, unsigned int flags);
virNetworkDef *virNetworkDefParseFile(const char *path, unsigned int flags);

/* Check the rules of a definition (also run by the parsers). */
int virNetworkDefValidate(const virNetworkDef *def, unsigned int flags);

/* Format a definition. @connections > 0 adds connections='N' to <network>
 * (live XML of a network in use). */
char *virNetworkDefFormat(const virNetworkDef *def, unsigned int connections);
void virNetworkDefFormatBuf(virBuffer *buf, const virNetworkDef *def,
                            unsigned int connections);

/* Deep copy. */
virNetworkDef *virNetworkDefCopy(const virNetworkDef *def);

/* Where network.rng is: $VIR_NETWORK_SCHEMA, the source tree, or the
 * installed copy. */
const char *virNetworkSchemaPath(void);

/* A name usable as a file name and in messages: not empty, no '/', no
 * leading '.', printable. Reports an error if not. */
int virNetworkNameValidate(const char *name);
