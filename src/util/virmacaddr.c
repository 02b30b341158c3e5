/*
 * virmacaddr.c: MAC addresses
 */
#include "internal.h"
#include "virmacaddr.h"

int
virMacAddrParse(const char *str, virMacAddr *addr)
{
    size_t i;
    const char *p = str;

    for (i = 0; i < VIR_MAC_BUFLEN; i++) {
        int hi, lo;

        hi = g_ascii_xdigit_value(p[0]);
        if (hi < 0)
            return -1;
        lo = g_ascii_xdigit_value(p[1]);
        if (lo < 0) {
            /* a single digit octet ("0:1:2:...") is accepted */
            addr->addr[i] = hi;
            p += 1;
        } else {
            addr->addr[i] = (hi << 4) | lo;
            p += 2;
        }
        if (i < VIR_MAC_BUFLEN - 1) {
            if (*p != ':' && *p != '-')
                return -1;
            p++;
        }
    }
    return *p == '\0' ? 0 : -1;
}

const char *
virMacAddrFormat(const virMacAddr *addr, char *str)
{
    g_snprintf(str, VIR_MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
               addr->addr[0], addr->addr[1], addr->addr[2],
               addr->addr[3], addr->addr[4], addr->addr[5]);
    return str;
}

void
virMacAddrGenerate(const unsigned char prefix[3], virMacAddr *addr)
{
    addr->addr[0] = prefix[0];
    addr->addr[1] = prefix[1];
    addr->addr[2] = prefix[2];
    addr->addr[3] = g_random_int_range(0, 256);
    addr->addr[4] = g_random_int_range(0, 256);
    addr->addr[5] = g_random_int_range(0, 256);
}

int
virMacAddrCompare(const virMacAddr *a, const virMacAddr *b)
{
    return memcmp(a->addr, b->addr, VIR_MAC_BUFLEN);
}

bool
virMacAddrIsMulticast(const virMacAddr *addr)
{
    return addr->addr[0] & 0x01;
}

bool
virMacAddrIsNull(const virMacAddr *addr)
{
    static const virMacAddr zero;

    return virMacAddrCompare(addr, &zero) == 0;
}
