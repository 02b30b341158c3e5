/*
 * virrootrun.c: a root's run directory, linked into a tmpfs
 *
 * ROOT/run holds what lasts one boot of the host: the status of running
 * guests and their sockets, the VFs in use, the jobs' records, the
 * autostart markers. Every start, stop and migration rewrites records
 * there several times. On a disk file system each of those writes costs
 * an inode allocation and a flush of the file it replaces; on a tmpfs it
 * is a copy in memory. libvirt keeps that state on the host's /run; the
 * system root's run/ is a link to a directory there.
 */
#include "internal.h"

#include <sys/stat.h>

#include "virautostart.h"
#include "virerror.h"
#include "virfile.h"
#include "virrootrun.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* Is the directory @run from an earlier boot of the host? Yes when a
 * driver's autostart marker says so and none says this boot. Each driver
 * writes its marker at its first open of a boot, and a process links the
 * system root's run/ before its drivers open: a guest of this boot runs
 * only where a marker names this boot. */
static bool
virRootRunFromEarlierBoot(const char *run)
{
    g_autoptr(GDir) dh = g_dir_open(run, 0, NULL);
    const char *ent;
    bool earlier = false;

    if (!dh)
        return false;
    while ((ent = g_dir_read_name(dh))) {
        g_autofree char *marker = g_build_filename(run, ent, VIR_AUTOSTART_MARKER, NULL);

        switch (virDriverMarkerBoot(marker)) {
        case VIR_AUTOSTART_MARKER_THIS_BOOT:
            return false;
        case VIR_AUTOSTART_MARKER_EARLIER_BOOT:
            earlier = true;
            break;
        case VIR_AUTOSTART_MARKER_NONE:
            break;
        }
    }
    return earlier;
}

int
virRootRunLink(const char *root, const char *target)
{
    g_autofree char *run = g_build_filename(root, "run", NULL);
    /* an earlier boot's run/, moved aside before its removal; a removal
     * cut short is finished at the next call */
    g_autofree char *old = g_build_filename(root, "run.earlier-boot", NULL);
    struct stat sb;

    if (virFileDeleteTree(old) < 0)
        return -1;
    if (lstat(run, &sb) == 0) {
        if (S_ISLNK(sb.st_mode))
            return 0;
        if (!S_ISDIR(sb.st_mode)) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("'%s' is neither a directory nor a symbolic link: move it away"),
                           run);
            return -1;
        }
        if (!virRootRunFromEarlierBoot(run))
            return 1;
        if (rename(run, old) < 0) {
            virReportSystemError(errno, _("cannot move '%s' to '%s'"), run, old);
            return -1;
        }
    } else if (errno != ENOENT) {
        virReportSystemError(errno, _("cannot stat '%s'"), run);
        return -1;
    }
    if (g_mkdir_with_parents(target, 0755) < 0) {
        virReportSystemError(errno, _("cannot create directory '%s'"), target);
        return -1;
    }
    if (symlink(target, run) < 0) {
        virReportSystemError(errno, _("cannot link '%s' to '%s'"), run, target);
        return -1;
    }
    if (virFileDeleteTree(old) < 0) {
        virReportWarning(_("cannot remove the earlier boot's run directory: %s"),
                         virGetLastErrorMessage());
        virResetLastError();
    }
    return 0;
}
