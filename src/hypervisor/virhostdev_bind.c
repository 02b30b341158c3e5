/*
 * virhostdev_bind.c: host PCI devices moved to vfio-pci for a guest, and back
 */
#include "internal.h"

#include "virerror.h"
#include "virfile.h"
#include "virhostdev_bind.h"
#include "viriommugroup.h"
#include "virpcidriver.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define VIR_HOSTDEV_BIND_GROUP "bind"
#define VIR_HOSTDEV_BIND_MAX 4096

static char *
virHostdevBindPath(const virHostdevBindContext *ctx, const virPCIDeviceAddress *dev)
{
    g_autofree char *addr = virPCIDeviceAddressAsString(dev);

    return g_strdup_printf("%s/%s.bind", ctx->stateDir, addr);
}

int
virHostdevBindGetOriginal(const virHostdevBindContext *ctx,
                          const virPCIDeviceAddress *dev, char **driver)
{
    g_autofree char *path = virHostdevBindPath(ctx, dev);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *data = NULL;

    *driver = NULL;
    if (!virFileExists(path))
        return 0;
    if (virFileReadAll(path, VIR_HOSTDEV_BIND_MAX, &data) < 0)
        return -1;
    if (!g_key_file_load_from_data(kf, data, -1, G_KEY_FILE_NONE, NULL) ||
        !g_key_file_has_group(kf, VIR_HOSTDEV_BIND_GROUP)) {
        g_autofree char *addr = virPCIDeviceAddressAsString(dev);

        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the record of the host driver of PCI device %s ('%s') is unreadable; bind the device to its driver by hand and remove the record"),
                       addr, path);
        return -1;
    }
    *driver = g_key_file_get_string(kf, VIR_HOSTDEV_BIND_GROUP, "driver", NULL);
    return 1;
}

/* Record the driver @dev has now, unless a record exists. */
static int
virHostdevBindRecord(const virHostdevBindContext *ctx, const virPCIDeviceAddress *dev)
{
    g_autofree char *path = virHostdevBindPath(ctx, dev);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *driver = NULL;
    g_autofree char *data = NULL;

    if (virFileExists(path))
        return 0;
    if (virPCIDeviceGetDriver(ctx->sysfsRoot, dev, &driver) < 0)
        return -1;
    g_key_file_set_comment(kf, NULL, NULL,
                           " the host driver of this device before a guest got it", NULL);
    g_key_file_set_string(kf, VIR_HOSTDEV_BIND_GROUP, "driver", driver ? driver : "");
    if (!driver)
        g_key_file_remove_key(kf, VIR_HOSTDEV_BIND_GROUP, "driver", NULL);
    data = g_key_file_to_data(kf, NULL, NULL);
    if (virFileMakePath(ctx->stateDir, 0700) < 0 ||
        virFileWriteStrRuntime(path, data, 0600) < 0)
        return -1;
    return 0;
}

static int
virHostdevBindCheckUnmanaged(const virHostdevBindContext *ctx, const virPCIDeviceAddress *dev)
{
    g_autofree char *driver = NULL;

    if (virPCIDeviceGetDriver(ctx->sysfsRoot, dev, &driver) < 0)
        return -1;
    if (STRNEQ_NULLABLE(driver, VIR_PCI_STUB_VFIO)) {
        g_autofree char *addr = virPCIDeviceAddressAsString(dev);

        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is managed='no' but bound to %s, not to vfio-pci: bind it first ('virsh nodedev-detach pci_%04x_%02x_%02x_%x'), or let it be managed='yes'"),
                       addr, driver ? driver : _("no driver"),
                       dev->domain, dev->bus, dev->slot, dev->function);
        return -1;
    }
    return 0;
}

/* The group of @dev viable and its vfio device there. */
static int
virHostdevBindCheckGroup(const virHostdevBindContext *ctx, const virPCIDeviceAddress *dev)
{
    g_autofree char *path = NULL;
    int group;

    if (virIOMMUGroupCheckViable(ctx->sysfsRoot, dev, &group) < 0 ||
        !(path = virIOMMUGroupWaitDev(ctx->devfsRoot, group)))
        return -1;
    return 0;
}

int
virHostdevBindForGuest(const virHostdevBindContext *ctx,
                       const virPCIDeviceAddress *dev, bool managed)
{
    virErrorPtr saved;

    if (!managed)
        return virHostdevBindCheckUnmanaged(ctx, dev) < 0 ||
               virHostdevBindCheckGroup(ctx, dev) < 0 ? -1 : 0;

    if (virHostdevBindRecord(ctx, dev) < 0)
        return -1;
    if (virPCIDeviceBindToStub(ctx->sysfsRoot, dev, VIR_PCI_STUB_VFIO) < 0 ||
        virHostdevBindCheckGroup(ctx, dev) < 0)
        goto undo;
    return 0;

 undo:
    virErrorPreserveLast(&saved);
    if (virHostdevBindRestore(ctx, dev) < 0) {
        g_autofree char *addr = virPCIDeviceAddressAsString(dev);

        virReportWarning(_("cannot give PCI device %s back to its host driver: %s"),
                         addr, virGetLastErrorMessage());
        virResetLastError();
    }
    virErrorRestore(&saved);
    return -1;
}

int
virHostdevBindRestore(const virHostdevBindContext *ctx, const virPCIDeviceAddress *dev)
{
    g_autofree char *path = virHostdevBindPath(ctx, dev);
    g_autofree char *orig = NULL;
    int rc;

    if ((rc = virHostdevBindGetOriginal(ctx, dev, &orig)) <= 0)
        return rc;
    if (STRNEQ_NULLABLE(orig, VIR_PCI_STUB_VFIO) &&
        virPCIDeviceUnbindFromStub(ctx->sysfsRoot, dev, VIR_PCI_STUB_VFIO, orig) < 0)
        return -1;
    return virFileRemove(path);
}
