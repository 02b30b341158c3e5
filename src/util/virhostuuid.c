/*
 * virhostuuid.c: the UUID that names this host to the other hosts
 */
#include "internal.h"

#include "virhostuuid.h"
#include "viruuid.h"

bool
virHostUUIDIsValid(const unsigned char *uuid)
{
    size_t i;

    for (i = 1; i < VIR_UUID_BUFLEN; i++) {
        if (uuid[i] != uuid[0])
            return true;
    }
    return false;
}

int
virHostUUIDReadSMBIOS(const char *sysfsRoot, unsigned char *uuid)
{
    const char *paths[] = { "devices/virtual/dmi/id/product_uuid",
                            "class/dmi/id/product_uuid" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(paths); i++) {
        g_autofree char *path = g_build_filename(sysfsRoot, paths[i], NULL);
        g_autofree char *content = NULL;
        unsigned char found[VIR_UUID_BUFLEN];

        if (!g_file_get_contents(path, &content, NULL, NULL))
            continue;
        if (virUUIDParse(content, found) == 0 && virHostUUIDIsValid(found)) {
            memcpy(uuid, found, VIR_UUID_BUFLEN);
            return 0;
        }
    }
    return -1;
}

void
virHostUUIDGet(const char *sysfsRoot, unsigned char *uuid)
{
    if (virHostUUIDReadSMBIOS(sysfsRoot, uuid) == 0)
        return;
    /* GLib's random UUID always parses */
    if (virUUIDGenerate(uuid) < 0)
        g_assert_not_reached();
}
