/*
 * libvirt-network.h: virtual network objects (hostdev / SR-IOV pools)
 */
#ifndef LIBVIRT_NETWORK_H
#define LIBVIRT_NETWORK_H

#ifndef __VIR_LIBVIRT_H_INCLUDES__
# error "Do not include libvirt-network.h directly, use <libvirt/libvirt.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _virNetwork virNetwork;
typedef virNetwork *virNetworkPtr;

/* Flags of virNetworkGetXMLDesc. */
typedef enum {
    VIR_NETWORK_XML_INACTIVE = (1 << 0),  /* the persistent config, not the live state */
} virNetworkXMLFlags;

/* Filters of virConnectListAllNetworks; within each pair, giving both
 * flags (or neither) means no filtering on that property. */
typedef enum {
    VIR_CONNECT_LIST_NETWORKS_INACTIVE      = 1 << 0,
    VIR_CONNECT_LIST_NETWORKS_ACTIVE        = 1 << 1,

    VIR_CONNECT_LIST_NETWORKS_PERSISTENT    = 1 << 2,
    VIR_CONNECT_LIST_NETWORKS_TRANSIENT     = 1 << 3,

    VIR_CONNECT_LIST_NETWORKS_AUTOSTART     = 1 << 4,
    VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART  = 1 << 5,
} virConnectListAllNetworksFlags;

/* Flags of virNetworkCreateXMLFlags. */
typedef enum {
    VIR_NETWORK_CREATE_VALIDATE = 1 << 0,  /* check the XML against network.rng */
} virNetworkCreateFlags;

/* Flags of virNetworkDefineXMLFlags. */
typedef enum {
    VIR_NETWORK_DEFINE_VALIDATE = 1 << 0,  /* check the XML against network.rng */
} virNetworkDefineFlags;

virConnectPtr           virNetworkGetConnect    (virNetworkPtr network);

int                     virConnectListAllNetworks       (virConnectPtr conn,
                                                         virNetworkPtr **nets,
                                                         unsigned int flags);

virNetworkPtr           virNetworkLookupByName          (virConnectPtr conn,
                                                         const char *name);
virNetworkPtr           virNetworkLookupByUUID          (virConnectPtr conn,
                                                         const unsigned char *uuid);
virNetworkPtr           virNetworkLookupByUUIDString    (virConnectPtr conn,
                                                         const char *uuid);

virNetworkPtr           virNetworkCreateXML     (virConnectPtr conn,
                                                 const char *xmlDesc);
virNetworkPtr           virNetworkCreateXMLFlags(virConnectPtr conn,
                                                 const char *xmlDesc,
                                                 unsigned int flags);
virNetworkPtr           virNetworkDefineXML     (virConnectPtr conn,
                                                 const char *xmlDesc);
virNetworkPtr           virNetworkDefineXMLFlags(virConnectPtr conn,
                                                 const char *xmlDesc,
                                                 unsigned int flags);
int                     virNetworkUndefine      (virNetworkPtr network);

int                     virNetworkCreate        (virNetworkPtr network);
int                     virNetworkDestroy       (virNetworkPtr network);
int                     virNetworkRef           (virNetworkPtr network);
int                     virNetworkFree          (virNetworkPtr network);

const char*             virNetworkGetName       (virNetworkPtr network);
int                     virNetworkGetUUID       (virNetworkPtr network,
                                                 unsigned char *uuid);
int                     virNetworkGetUUIDString (virNetworkPtr network,
                                                 char *buf);
char *                  virNetworkGetXMLDesc    (virNetworkPtr network,
                                                 unsigned int flags);
char *                  virNetworkGetBridgeName (virNetworkPtr network);

int                     virNetworkGetAutostart  (virNetworkPtr network,
                                                 int *autostart);
int                     virNetworkSetAutostart  (virNetworkPtr network,
                                                 int autostart);

int virNetworkIsActive(virNetworkPtr net);
int virNetworkIsPersistent(virNetworkPtr net);

#ifdef __cplusplus
}
#endif

#endif /* LIBVIRT_NETWORK_H */
