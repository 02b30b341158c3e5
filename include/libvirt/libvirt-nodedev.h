/*
 * libvirt-nodedev.h: the host's devices (PCI functions, network
 * interfaces) as node device objects
 */
#ifndef LIBVIRT_NODEDEV_H
#define LIBVIRT_NODEDEV_H

#ifndef __VIR_LIBVIRT_H_INCLUDES__
# error "Do not include libvirt-nodedev.h directly, use <libvirt/libvirt.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _virNodeDevice virNodeDevice;
typedef virNodeDevice *virNodeDevicePtr;

/* How many devices have capability @cap (every device when NULL), and
 * their names. */
int virNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags);
int virNodeListDevices(virConnectPtr conn, const char *cap, char **const names,
                       int maxnames, unsigned int flags);

/* Filters of virConnectListAllNodeDevices: a device is listed when it has
 * one of the capabilities given (any capability when none is given) and
 * the state asked for (both states when neither is given). The bit of a
 * capability is 1 << its position in the list of capability names. */
typedef enum {
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM        = 1 << 0,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV       = 1 << 1,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV       = 1 << 2,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_INTERFACE = 1 << 3,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET           = 1 << 4,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_HOST     = 1 << 5,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_TARGET   = 1 << 6,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI          = 1 << 7,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_STORAGE       = 1 << 8,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_FC_HOST       = 1 << 9,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPORTS        = 1 << 10,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_GENERIC  = 1 << 11,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_DRM           = 1 << 12,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV_TYPES    = 1 << 13,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV          = 1 << 14,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_CCW_DEV       = 1 << 15,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_CSS_DEV       = 1 << 16,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_VDPA          = 1 << 17,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_AP_CARD       = 1 << 18,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_AP_QUEUE      = 1 << 19,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_AP_MATRIX     = 1 << 20,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPD           = 1 << 21,

    VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE          = 1 << 30,
    VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE            = 1U << 31,
} virConnectListAllNodeDeviceFlags;

int                     virConnectListAllNodeDevices (virConnectPtr conn,
                                                      virNodeDevicePtr **devices,
                                                      unsigned int flags);
virNodeDevicePtr        virNodeDeviceLookupByName (virConnectPtr conn,
                                                   const char *name);

const char *            virNodeDeviceGetName     (virNodeDevicePtr dev);
const char *            virNodeDeviceGetParent   (virNodeDevicePtr dev);
int                     virNodeDeviceNumOfCaps   (virNodeDevicePtr dev);
int                     virNodeDeviceListCaps    (virNodeDevicePtr dev,
                                                  char **const names,
                                                  int maxnames);
/* Flags of virNodeDeviceGetXMLDesc */
typedef enum {
    VIR_NODE_DEVICE_XML_INACTIVE = 1 << 0, /* the persistent definition */
} virNodeDeviceXMLFlags;

char *                  virNodeDeviceGetXMLDesc  (virNodeDevicePtr dev,
                                                  unsigned int flags);

/* Take a PCI device from its host driver and give it to the stub a guest
 * needs (vfio-pci; @driverName NULL or "vfio"), and give it back to a
 * driver of the host. virNodeDeviceDettach is the first without a driver
 * name and flags (its spelling is libvirt's). */
int                     virNodeDeviceDettach     (virNodeDevicePtr dev);
int                     virNodeDeviceDetachFlags (virNodeDevicePtr dev,
                                                  const char *driverName,
                                                  unsigned int flags);
int                     virNodeDeviceReAttach    (virNodeDevicePtr dev);

int                     virNodeDeviceRef         (virNodeDevicePtr dev);
int                     virNodeDeviceFree        (virNodeDevicePtr dev);

#ifdef __cplusplus
}
#endif

#endif /* LIBVIRT_NODEDEV_H */
