/*
 * virpcidriver.c: the host driver a PCI device is bound to, and moving it
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "virfilewatch.h"
#include "virpcidriver.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* a step that shows no effect after this long is written again: on a
 * simulated host another process's write to the same file may have
 * replaced ours before it was applied (every step can be repeated) */
#define VIR_PCI_DRIVER_REWRITE_MS 500

int
virPCIDeviceGetDriver(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                      char **driver)
{
    g_autofree char *dev = virPCIDeviceSysfsPath(sysfsRoot, addr);
    g_autofree char *link = g_build_filename(dev, "driver", NULL);
    g_autofree char *target = NULL;

    *driver = NULL;
    if (!virFileExists(dev)) {
        g_autofree char *str = virPCIDeviceAddressAsString(addr);

        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("PCI device %s not found (no %s)"), str, dev);
        return -1;
    }
    if (!(target = g_file_read_link(link, NULL)))
        return 0;
    *driver = g_path_get_basename(target);
    return 0;
}

/* Write @value to the sysfs attribute @path, as one write. */
static int
virPCIDriverWrite(const char *path, const char *value)
{
    VIR_AUTOCLOSE int fd = -1;

    if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0 ||
        virFileWriteAll(fd, value, strlen(value)) < 0) {
        virReportSystemError(errno, _("cannot write '%s' to %s"), value, path);
        return -1;
    }
    if (close(g_steal_fd(&fd)) < 0) {
        virReportSystemError(errno, _("cannot write '%s' to %s"), value, path);
        return -1;
    }
    return 0;
}

/* What DEV/driver_override holds: NULL when unset (the kernel shows
 * "(null)"). */
static char *
virPCIDriverOverrideGet(const char *dev)
{
    g_autofree char *path = g_build_filename(dev, "driver_override", NULL);
    g_autofree char *content = NULL;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return NULL;
    g_strstrip(content);
    if (!*content || STREQ(content, "(null)"))
        return NULL;
    return g_steal_pointer(&content);
}

typedef struct {
    const char *sysfsRoot;
    const virPCIDeviceAddress *addr;
    const char *dev;
    const char *stub;           /* the driver VIR_PCI_DRIVER_ANY excludes */
} virPCIDriverTarget;

/* Is @t where a step wants it: on driver @driver (NULL: none), or, when
 * @override is set, with driver_override @override ("" for unset)? */
static bool
virPCIDriverReached(const virPCIDriverTarget *t, const char *driver, const char *override)
{
    if (override) {
        g_autofree char *cur = virPCIDriverOverrideGet(t->dev);

        return STREQ(cur ? cur : "", override);
    } else {
        g_autofree char *cur = NULL;

        if (virPCIDeviceGetDriver(t->sysfsRoot, t->addr, &cur) < 0) {
            virResetLastError();
            return false;
        }
        if (STREQ_NULLABLE(driver, VIR_PCI_DRIVER_ANY))
            return cur && STRNEQ(cur, t->stub);
        return STREQ_NULLABLE(cur, driver);
    }
}

/* One step: write @value to @path until the device is on @driver (or
 * has driver_override @override), for at most VIR_PCI_DRIVER_WAIT_MS;
 * else an error saying what it is instead. */
static int
virPCIDriverStep(const virPCIDriverTarget *t, const char *path, const char *value,
                 const char *driver, const char *override)
{
    gint64 start = g_get_monotonic_time();
    gint64 deadline = start + (gint64)VIR_PCI_DRIVER_WAIT_MS * 1000;
    gint64 written = start;
    /* set up before the write: its effect is a change in the device's
     * directory (a simulated host's; real sysfs has it at once) */
    g_autoptr(virFileWatch) watch = virFileWatchNew(t->dev);

    if (!watch || virPCIDriverWrite(path, value) < 0)
        return -1;
    while (!virPCIDriverReached(t, driver, override)) {
        gint64 now = g_get_monotonic_time();

        if (now >= deadline) {
            g_autofree char *str = virPCIDeviceAddressAsString(t->addr);
            g_autofree char *cur = NULL;

            if (override) {
                cur = virPCIDriverOverrideGet(t->dev);
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("PCI device %s: driver_override is still '%s' %d ms after writing '%s' to %s"),
                               str, NULLSTR(cur), VIR_PCI_DRIVER_WAIT_MS, value, path);
            } else {
                if (virPCIDeviceGetDriver(t->sysfsRoot, t->addr, &cur) < 0)
                    return -1;
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("PCI device %s is bound to %s, not to %s, %d ms after writing '%s' to %s"),
                               str, cur ? cur : _("no driver"), driver ? driver : _("no driver"),
                               VIR_PCI_DRIVER_WAIT_MS, value, path);
            }
            return -1;
        }
        if (now - written >= VIR_PCI_DRIVER_REWRITE_MS * 1000) {
            if (virPCIDriverWrite(path, value) < 0)
                return -1;
            written = now;
        }
        if (virFileWatchNext(watch, MIN(deadline, written + VIR_PCI_DRIVER_REWRITE_MS * 1000)) < 0)
            return -1;
    }
    return 0;
}

static int
virPCIDriverSetOverride(const virPCIDriverTarget *t, const char *driver)
{
    g_autofree char *path = g_build_filename(t->dev, "driver_override", NULL);
    g_autofree char *value = g_strdup_printf("%s\n", driver ? driver : "");

    return virPCIDriverStep(t, path, value, NULL, driver ? driver : "");
}

static int
virPCIDriverUnbind(const virPCIDriverTarget *t, const char *from)
{
    g_autofree char *path = g_build_filename(t->sysfsRoot, "bus", "pci", "drivers",
                                             from, "unbind", NULL);
    g_autofree char *str = virPCIDeviceAddressAsString(t->addr);

    return virPCIDriverStep(t, path, str, NULL, NULL);
}

static int
virPCIDriverProbe(const virPCIDriverTarget *t, const char *expect)
{
    g_autofree char *path = g_build_filename(t->sysfsRoot, "bus", "pci", "drivers_probe", NULL);
    g_autofree char *str = virPCIDeviceAddressAsString(t->addr);

    return virPCIDriverStep(t, path, str, expect, NULL);
}

int
virPCIDeviceBindToStub(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                       const char *stub)
{
    g_autofree char *dev = virPCIDeviceSysfsPath(sysfsRoot, addr);
    virPCIDriverTarget t = { sysfsRoot, addr, dev, stub };
    g_autofree char *orig = NULL;
    g_autofree char *origOverride = NULL;
    virErrorPtr saved;

    if (virPCIDeviceGetDriver(sysfsRoot, addr, &orig) < 0)
        return -1;
    if (STREQ_NULLABLE(orig, stub))
        return 0;
    {
        g_autofree char *drv = g_build_filename(sysfsRoot, "bus", "pci", "drivers", stub, NULL);
        g_autofree char *str = virPCIDeviceAddressAsString(addr);

        if (!virFileExists(drv)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("PCI device %s cannot be given to a guest: the %s driver is not loaded (no %s); run 'modprobe %s'"),
                           str, stub, drv, stub);
            return -1;
        }
    }
    origOverride = virPCIDriverOverrideGet(dev);
    if (virPCIDriverSetOverride(&t, stub) < 0)
        goto undo;
    if (orig && virPCIDriverUnbind(&t, orig) < 0)
        goto undo;
    if (virPCIDriverProbe(&t, stub) < 0)
        goto undo;
    return 0;

 undo:
    /* back to where it was, best effort: the first error is the one */
    virErrorPreserveLast(&saved);
    {
        g_autofree char *cur = NULL;

        if (virPCIDeviceGetDriver(sysfsRoot, addr, &cur) == 0 && cur && STRNEQ_NULLABLE(cur, orig))
            (void)(virPCIDriverUnbind(&t, cur));
        (void)(virPCIDriverSetOverride(&t, origOverride));
        g_clear_pointer(&cur, g_free);
        if (orig && virPCIDeviceGetDriver(sysfsRoot, addr, &cur) == 0 && !cur)
            (void)(virPCIDriverProbe(&t, orig));
    }
    virErrorRestore(&saved);
    return -1;
}

int
virPCIDeviceUnbindFromStub(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                           const char *stub, const char *expect)
{
    g_autofree char *dev = virPCIDeviceSysfsPath(sysfsRoot, addr);
    virPCIDriverTarget t = { sysfsRoot, addr, dev, stub };
    g_autofree char *cur = NULL;
    g_autofree char *override = NULL;

    if (virPCIDeviceGetDriver(sysfsRoot, addr, &cur) < 0)
        return -1;
    if (STREQ_NULLABLE(cur, expect) ||
        (cur && STRNEQ(cur, stub) && STREQ_NULLABLE(expect, VIR_PCI_DRIVER_ANY)))
        goto clear;
    if (cur && STRNEQ(cur, stub)) {
        /* somebody bound it elsewhere meanwhile: theirs */
        return 0;
    }
    if (cur && virPCIDriverUnbind(&t, cur) < 0)
        return -1;

 clear:
    override = virPCIDriverOverrideGet(dev);
    if (STREQ_NULLABLE(override, stub) && virPCIDriverSetOverride(&t, NULL) < 0)
        return -1;
    g_clear_pointer(&cur, g_free);
    if (virPCIDeviceGetDriver(sysfsRoot, addr, &cur) < 0)
        return -1;
    if (expect && !cur && virPCIDriverProbe(&t, expect) < 0) {
        /* no driver of the host wants it: the kernel's answer, not ours */
        if (STREQ(expect, VIR_PCI_DRIVER_ANY)) {
            virResetLastError();
            return 0;
        }
        return -1;
    }
    return 0;
}
