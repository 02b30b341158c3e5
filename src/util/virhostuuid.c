/*
 * virhostuuid.c: the UUID that names this host to the other hosts
 */
#include "internal.h"

#include "virerror.h"
#include "virhostuuid.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* set once by the daemon before its drivers open */
static unsigned char virHostUUIDOverride[VIR_UUID_BUFLEN];
static bool virHostUUIDOverridden;
G_LOCK_DEFINE_STATIC(virHostUUIDOverride);

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

int
virHostUUIDReadMachineID(const char *path, const char *key, unsigned char *uuid)
{
    g_autofree char *content = NULL;
    g_autoptr(GError) gerr = NULL;
    unsigned char found[VIR_UUID_BUFLEN];

    if (!g_file_get_contents(path, &content, NULL, &gerr)) {
        virReportError(VIR_ERR_OPERATION_FAILED, _("%s: cannot read '%s': %s"),
                       key, path, gerr->message);
        return -1;
    }
    g_strstrip(content);
    if (virUUIDParse(content, found) < 0 || !virHostUUIDIsValid(found)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("%s: '%s' does not hold a valid machine ID (32 hexadecimal digits, not all the same): '%s'"),
                       key, path, content);
        return -1;
    }
    memcpy(uuid, found, VIR_UUID_BUFLEN);
    return 0;
}

void
virHostUUIDSetOverride(const unsigned char *uuid)
{
    G_LOCK(virHostUUIDOverride);
    memcpy(virHostUUIDOverride, uuid, VIR_UUID_BUFLEN);
    virHostUUIDOverridden = true;
    G_UNLOCK(virHostUUIDOverride);
}

void
virHostUUIDGet(const char *sysfsRoot, unsigned char *uuid)
{
    bool overridden;

    G_LOCK(virHostUUIDOverride);
    if ((overridden = virHostUUIDOverridden))
        memcpy(uuid, virHostUUIDOverride, VIR_UUID_BUFLEN);
    G_UNLOCK(virHostUUIDOverride);
    if (overridden)
        return;
    if (virHostUUIDReadSMBIOS(sysfsRoot, uuid) == 0)
        return;
    /* GLib's random UUID always parses */
    if (virUUIDGenerate(uuid) < 0)
        g_assert_not_reached();
}
