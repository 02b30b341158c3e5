/*
 * virmacaddr.h: MAC addresses
 */
#pragma once

#include "internal.h"

#define VIR_MAC_BUFLEN 6
#define VIR_MAC_STRING_BUFLEN (VIR_MAC_BUFLEN * 3)
/* The locally administered prefix QEMU guests get from libvirt. */
#define VIR_MAC_PREFIX_KVM { 0x52, 0x54, 0x00 }

typedef struct _virMacAddr virMacAddr;
struct _virMacAddr {
    unsigned char addr[VIR_MAC_BUFLEN];
};

int virMacAddrParse(const char *str, virMacAddr *addr);
const char *virMacAddrFormat(const virMacAddr *addr, char *str);
void virMacAddrGenerate(const unsigned char prefix[3], virMacAddr *addr);
int virMacAddrCompare(const virMacAddr *a, const virMacAddr *b);
bool virMacAddrIsMulticast(const virMacAddr *addr);
bool virMacAddrIsNull(const virMacAddr *addr);
