/*
 * viriommugroup.h: the IOMMU group of a PCI device, and whether a guest
 * can have it through vfio
 *
 * The IOMMU isolates groups, not devices: vfio hands a group to one
 * user, and only when none of its endpoint devices is used by the host
 * (every one is bound to vfio-pci, pci-stub or no driver; bridges do not
 * count). The kernel shows groups in sysfs:
 *
 *   SYSFS/bus/pci/devices/ADDR/iommu_group -> .../kernel/iommu_groups/N
 *   SYSFS/kernel/iommu_groups/N/devices/ADDR -> the device
 *
 * and, once a device of group N is bound to vfio-pci, the group's
 * character device DEVFS/vfio/N appears (made by the kernel, with
 * udev's rules applied shortly after).
 */
#pragma once

#include "internal.h"
#include "virpci.h"

/* How long DEVFS/vfio/N may take to appear */
#define VIR_IOMMU_GROUP_DEV_WAIT_MS 5000

/* The number of the IOMMU group of @addr in *@group; -1 with an error
 * when it has none (the IOMMU is off: intel_iommu=on / amd_iommu=on). */
int virIOMMUGroupOfDevice(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                          int *group);

/* The devices of group @group, in address order. */
int virIOMMUGroupDevices(const char *sysfsRoot, int group,
                         virPCIDeviceAddress **devs, size_t *ndevs);

/* Can the group of @addr go to a guest? Its number in *@group, or an
 * error naming the first other endpoint device of the group that a host
 * driver uses, and that driver. */
int virIOMMUGroupCheckViable(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                             int *group);

/* DEVFS/vfio/N of group @group, waited for (bounded); the path, or NULL
 * with an error. */
char *virIOMMUGroupWaitDev(const char *devfsRoot, int group);
