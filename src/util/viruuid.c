/*
 * viruuid.c: UUID generation, parsing and formatting
 */
#include "internal.h"
#include "viruuid.h"

int
virUUIDGenerate(unsigned char *uuid)
{
    g_autofree char *str = g_uuid_string_random();

    return virUUIDParse(str, uuid);
}

int
virUUIDParse(const char *uuidstr, unsigned char *uuid)
{
    const char *cur = uuidstr;
    size_t i;

    if (!uuidstr)
        return -1;
    while (g_ascii_isspace(*cur))
        cur++;
    for (i = 0; i < VIR_UUID_BUFLEN;) {
        int hi, lo;

        if (*cur == '-') {
            cur++;
            continue;
        }
        if ((hi = g_ascii_xdigit_value(cur[0])) < 0 ||
            (lo = g_ascii_xdigit_value(cur[1])) < 0)
            return -1;
        uuid[i++] = (hi << 4) | lo;
        cur += 2;
    }
    while (*cur) {
        if (!g_ascii_isspace(*cur))
            return -1;
        cur++;
    }
    return 0;
}

const char *
virUUIDFormat(const unsigned char *uuid, char *uuidstr)
{
    g_snprintf(uuidstr, VIR_UUID_STRING_BUFLEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
               uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
    return uuidstr;
}
