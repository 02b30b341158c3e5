/*
 * virpci.c: PCI addresses and (sysfs) PCI devices of the host
 */
#include "internal.h"
#include "virpci.h"

int
virPCIDeviceAddressParse(const char *str, virPCIDeviceAddress *addr)
{
    unsigned int d, b, s, f;
    char tail;

    if (!str || sscanf(str, "%4x:%2x:%2x.%1x%c", &d, &b, &s, &f, &tail) != 4)
        return -1;
    if (s > VIR_PCI_ADDRESS_MAX_SLOT || f > VIR_PCI_ADDRESS_MAX_FUNCTION)
        return -1;
    addr->domain = d;
    addr->bus = b;
    addr->slot = s;
    addr->function = f;
    addr->multi = false;
    return 0;
}

char *
virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr)
{
    return g_strdup_printf("%04x:%02x:%02x.%x",
                           addr->domain, addr->bus, addr->slot, addr->function);
}

bool
virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                         const virPCIDeviceAddress *b)
{
    return a->domain == b->domain && a->bus == b->bus &&
           a->slot == b->slot && a->function == b->function;
}
