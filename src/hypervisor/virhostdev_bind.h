/*
 * virhostdev_bind.h: host PCI devices moved to vfio-pci for a guest, and
 * back to their host driver after it
 *
 * QEMU can pass a device through only while it is bound to vfio-pci, its
 * IOMMU group is viable and the group's DEVFS/vfio/N exists
 * (viriommugroup.h):
 *
 *  - managed='yes': the device is moved to vfio-pci (virpcidriver.h)
 *    before QEMU gets it. The driver it had is recorded first, in
 *
 *      STATEDIR/DDDD:BB:SS.F.bind     (STATEDIR = ROOT/run/hostdev)
 *
 *    a key file, mode 0600, "[bind]" with "driver=NAME" (no key: it had
 *    none), written once: a record left by a process that died keeps the
 *    first driver. So a move cut short by a crash (between unbind and
 *    bind, say) is finished backwards by whoever finds the record while
 *    nobody holds the device (virhostdev_owner.h): the device goes back
 *    to the recorded driver. A device that was on vfio-pci already is
 *    recorded so and stays there.
 *  - managed='no': the device must be on vfio-pci already (an error says
 *    how to put it there); nothing is moved or recorded.
 *
 * Callers hold the device (its ownership record) while they move it.
 */
#pragma once

#include "internal.h"
#include "virpci.h"

typedef struct _virHostdevBindContext virHostdevBindContext;
struct _virHostdevBindContext {
    const char *sysfsRoot;      /* "/sys", or a simulated host's tree */
    const char *devfsRoot;      /* "/dev", or a simulated host's */
    const char *stateDir;       /* ROOT/run/hostdev */
};

/* Make @dev ready for QEMU's vfio-pci as above; on failure nothing is
 * left moved. */
int virHostdevBindForGuest(const virHostdevBindContext *ctx,
                           const virPCIDeviceAddress *dev, bool managed);

/* Put @dev back on the driver its record names and drop the record; no
 * record: nothing to do. On failure the record stays (a later release or
 * reconcile tries again). */
int virHostdevBindRestore(const virHostdevBindContext *ctx,
                          const virPCIDeviceAddress *dev);

/* The driver @dev had before it was moved, from its record: 1 and
 * *@driver (NULL: none), or 0 when there is no record. */
int virHostdevBindGetOriginal(const virHostdevBindContext *ctx,
                              const virPCIDeviceAddress *dev, char **driver);
