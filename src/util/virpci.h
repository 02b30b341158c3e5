/*
 * virpci.h: PCI addresses and (sysfs) PCI devices of the host
 */
#pragma once

#include "internal.h"

typedef struct _virPCIDeviceAddress virPCIDeviceAddress;
struct _virPCIDeviceAddress {
    unsigned int domain;
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
    bool multi;      /* multifunction='on' for a guest address */
};

#define VIR_PCI_ADDRESS_MAX_DOMAIN 0xffff
#define VIR_PCI_ADDRESS_MAX_BUS 0xff
#define VIR_PCI_ADDRESS_MAX_SLOT 0x1f
#define VIR_PCI_ADDRESS_MAX_FUNCTION 0x7

/* "DDDD:BB:SS.F" <-> address */
int virPCIDeviceAddressParse(const char *str, virPCIDeviceAddress *addr);
char *virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr);
bool virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                              const virPCIDeviceAddress *b);

/* SR-IOV through sysfs. @sysfsRoot is "/sys" on a real host, or the tree
 * of a simulated host. */

/* The VFs of the PF whose network device is @pfname:
 * SYSFS/class/net/PF/device/{sriov_totalvfs,virtfn0,virtfn1,...}. Errors
 * name the PF: it does not exist or is not an SR-IOV PF. An SR-IOV PF
 * whose VFs are not enabled gives *nvfs == 0 (the caller says what to do). */
int virPCIGetVirtualFunctionsOfNetdev(const char *sysfsRoot, const char *pfname,
                                      virPCIDeviceAddress **vfs, size_t *nvfs);

/* For VF @vf: the network device name of its PF and its index on that PF
 * (what netlink wants), from SYSFS/bus/pci/devices/VF/physfn. */
int virPCIGetVirtualFunctionInfo(const char *sysfsRoot, const virPCIDeviceAddress *vf,
                                 char **pfname, unsigned int *vfindex);

/* SYSFS/bus/pci/devices/ADDR */
char *virPCIDeviceSysfsPath(const char *sysfsRoot, const virPCIDeviceAddress *addr);
