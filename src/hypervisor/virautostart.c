/*
 * virautostart.c: once per boot of the host, start what is marked autostart
 *
 * A driver starts its autostart objects when the first process opens its
 * root after the host booted. The marker file, in the root's run
 * directory, holds the kernel's id of the boot it was written in: a run
 * directory on disk (a --root tree whose run/ is not linked into a tmpfs,
 * virrootrun.h) survives a reboot, so its mere presence would keep every
 * later boot from starting anything.
 */
#include "internal.h"

#include "virautostart.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define VIR_BOOT_ID_FILE "/proc/sys/kernel/random/boot_id"
#define VIR_BOOT_ID_MAX 64

/* The id of this boot, "" when the kernel does not say. */
static char *
virAutostartBootID(void)
{
    g_autofree char *id = NULL;
    size_t len = 0;

    if (!g_file_get_contents(VIR_BOOT_ID_FILE, &id, &len, NULL) || len > VIR_BOOT_ID_MAX)
        return g_strdup("");
    return g_strdup(g_strstrip(id));
}

/* Which boot @marker was written in, @boot being this one's id. */
static virAutostartMarkerBoot
virAutostartMarkerOf(const char *marker, const char *boot)
{
    g_autofree char *seen = NULL;

    if (!*boot || !virFileExists(marker))
        return VIR_AUTOSTART_MARKER_NONE;
    if (virFileReadAll(marker, VIR_BOOT_ID_MAX, &seen) < 0) {
        virResetLastError();
        return VIR_AUTOSTART_MARKER_NONE;
    }
    if (STREQ(g_strstrip(seen), boot))
        return VIR_AUTOSTART_MARKER_THIS_BOOT;
    return VIR_AUTOSTART_MARKER_EARLIER_BOOT;
}

/* True once per boot for @marker: the caller is the first since the host
 * booted, and is to start the autostart objects (the marker is written
 * first, so a start that fails is not retried by every later process).
 * Callers serialise on their root lock. A marker that cannot be written
 * is a warning and means no autostart: starting guests again in every
 * process would be worse. Without a boot id, a marker that exists says
 * the autostart ran. */
bool
virDriverShouldAutostart(const char *marker)
{
    g_autofree char *boot = virAutostartBootID();

    if (virAutostartMarkerOf(marker, boot) == VIR_AUTOSTART_MARKER_THIS_BOOT ||
        (!*boot && virFileExists(marker)))
        return false;
    if (virFileWriteStrRuntime(marker, boot, 0600) < 0) {
        virReportWarning(_("cannot record the autostart of this boot in '%s' (nothing is autostarted): %s"),
                         marker, virGetLastErrorMessage());
        virResetLastError();
        return false;
    }
    return true;
}

virAutostartMarkerBoot
virDriverMarkerBoot(const char *marker)
{
    g_autofree char *boot = virAutostartBootID();

    return virAutostartMarkerOf(marker, boot);
}
