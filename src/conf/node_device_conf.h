/*
 * node_device_conf.h: the description of one host device (node device
 * XML) and libvirt's rules for device names
 *
 * A device is what the driver read from sysfs (node_device_sysfs.h); this
 * layer only holds and formats it. Three kinds are described: the host
 * itself ("computer", capability system), PCI functions (capability pci,
 * with SR-IOV and IOMMU details) and network interfaces (capability net).
 */
#pragma once

#include "internal.h"
#include "virenum.h"
#include "virpci.h"

/* The capability names, in the order of the bits of
 * virConnectListAllNodeDeviceFlags: capability T has the bit 1 << T. */
typedef enum {
    VIR_NODE_DEV_CAP_SYSTEM = 0,
    VIR_NODE_DEV_CAP_PCI_DEV,
    VIR_NODE_DEV_CAP_USB_DEV,
    VIR_NODE_DEV_CAP_USB_INTERFACE,
    VIR_NODE_DEV_CAP_NET,
    VIR_NODE_DEV_CAP_SCSI_HOST,
    VIR_NODE_DEV_CAP_SCSI_TARGET,
    VIR_NODE_DEV_CAP_SCSI,
    VIR_NODE_DEV_CAP_STORAGE,
    VIR_NODE_DEV_CAP_FC_HOST,
    VIR_NODE_DEV_CAP_VPORTS,
    VIR_NODE_DEV_CAP_SCSI_GENERIC,
    VIR_NODE_DEV_CAP_DRM,
    VIR_NODE_DEV_CAP_MDEV_TYPES,
    VIR_NODE_DEV_CAP_MDEV,
    VIR_NODE_DEV_CAP_CCW_DEV,
    VIR_NODE_DEV_CAP_CSS_DEV,
    VIR_NODE_DEV_CAP_VDPA,
    VIR_NODE_DEV_CAP_AP_CARD,
    VIR_NODE_DEV_CAP_AP_QUEUE,
    VIR_NODE_DEV_CAP_AP_MATRIX,
    VIR_NODE_DEV_CAP_VPD,

    VIR_NODE_DEV_CAP_LAST
} virNodeDevCapType;
VIR_ENUM_DECL(virNodeDevCap);

/* Every capability filter bit, and the two state bits. */
#define VIR_NODE_DEV_LIST_FILTERS_CAP ((1U << VIR_NODE_DEV_CAP_LAST) - 1)
#define VIR_NODE_DEV_LIST_FILTERS_ACTIVE \
    (VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE | VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE)

/* A PCI Express link, as the link capabilities ("cap": what the port
 * can do) or status ("sta": what it runs at) registers say. */
typedef struct {
    bool present;
    int port;                   /* -1: not given (status) */
    unsigned int speed;         /* 1..6: 2.5, 5, 8, 16, 32, 64 GT/s; 0 unknown */
    unsigned int width;
} virNodeDevPCIELink;

typedef struct _virNodeDeviceDef virNodeDeviceDef;
struct _virNodeDeviceDef {
    char *name;
    char *path;                 /* "/sys/devices/...", NULL for the system */
    char *parent;               /* NULL for the system */
    char *driver;               /* bound driver, NULL when none */
    virNodeDevCapType type;     /* SYSTEM, PCI_DEV or NET */

    /* system */
    bool hasUUID;
    unsigned char uuid[16];

    /* pci */
    virPCIDeviceAddress addr;
    int klass;                  /* -1: unknown */
    unsigned int vendor;
    unsigned int product;
    char *vendorName;           /* from pci.ids, NULL when unknown */
    char *productName;
    bool hasPhysFn;             /* a VF: physFn is its PF */
    virPCIDeviceAddress physFn;
    bool isPF;                  /* SR-IOV capable: maxVFs and the VFs enabled */
    unsigned int maxVFs;
    virPCIDeviceAddress *vfs;
    size_t nvfs;
    int iommuGroup;             /* -1: none */
    virPCIDeviceAddress *groupDevs;
    size_t ngroupDevs;
    int numaNode;               /* -1: none */
    bool pciExpress;
    virNodeDevPCIELink linkCap;
    virNodeDevPCIELink linkSta;

    /* net */
    char *ifname;
    char *mac;
    char *linkState;            /* operstate */
    unsigned int speed;         /* Mb/s, 0: not given */
};

virNodeDeviceDef *virNodeDeviceDefNew(void);
void virNodeDeviceDefFree(virNodeDeviceDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDeviceDef, virNodeDeviceDefFree);

/* The node device XML of @def (libvirt's layout). */
char *virNodeDeviceDefFormat(const virNodeDeviceDef *def);

/* The capability names of @def, as virNodeDeviceListCaps gives them. */
GStrv virNodeDeviceDefCaps(const virNodeDeviceDef *def);

/* Names, as libvirt makes them: "computer", "pci_DDDD_BB_SS_F" and
 * "net_IFNAME_MAC" where every character of IFNAME and MAC that is not
 * an ASCII letter or digit becomes '_'. */
#define VIR_NODE_DEVICE_SYSTEM_NAME "computer"
char *virNodeDeviceNamePCI(const virPCIDeviceAddress *addr);
char *virNodeDeviceNameNet(const char *ifname, const char *mac);
/* The address in a PCI name: 0, or -1 (no error reported) when @name is
 * not one. */
int virNodeDeviceNameParsePCI(const char *name, virPCIDeviceAddress *addr);
