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
