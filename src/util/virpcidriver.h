/*
 * virpcidriver.h: the host driver a PCI device is bound to, and moving
 * the device to a stub driver (vfio-pci) for a guest and back
 *
 * A device is moved through the sysfs interface of Linux 3.16 and later,
 * which binds exactly the device named, whatever other devices share its
 * vendor and device IDs:
 *
 *   to STUB:  DEV/driver_override    := STUB
 *             DEV/driver/unbind      := ADDR     (when it has a driver)
 *             bus/pci/drivers_probe  := ADDR
 *   back:     DEV/driver/unbind      := ADDR
 *             DEV/driver_override    := "\n"     (cleared)
 *             bus/pci/drivers_probe  := ADDR     (its own driver probes it)
 *
 * with DEV = SYSFS/bus/pci/devices/ADDR. On a real host each write has
 * taken effect when it returns; a simulated host (virt-sriov-sim --serve)
 * applies it a moment later. So every step writes, then waits, bounded,
 * until the device's driver link says the step took effect, and an error
 * names the device, the file and what it still is.
 */
#pragma once

#include "internal.h"
#include "virpci.h"

/* The stub driver QEMU's vfio-pci needs */
#define VIR_PCI_STUB_VFIO "vfio-pci"

/* How long a step may take to show its effect */
#define VIR_PCI_DRIVER_WAIT_MS 5000

/* The name of the driver @addr is bound to now in *@driver, NULL when it
 * has none. -1 with an error when there is no such device. */
int virPCIDeviceGetDriver(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                          char **driver);

/* Bind @addr to @stub (VIR_PCI_STUB_VFIO): a device already bound to it
 * is left as it is. On failure the device is put back on the driver it
 * had (or none). */
int virPCIDeviceBindToStub(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                           const char *stub);

/* @expect of virPCIDeviceUnbindFromStub: whatever driver of the host
 * takes it (nodedev-reattach: the driver it had is not known) */
#define VIR_PCI_DRIVER_ANY "*"

/* Take @addr off @stub and let the host probe it again; @expect is the
 * driver it must end up on (the one it had before: NULL when it had none,
 * in which case it is left without a driver; VIR_PCI_DRIVER_ANY: any but
 * @stub, or none when no driver of the host takes it). A device not on
 * @stub is only probed. */
int virPCIDeviceUnbindFromStub(const char *sysfsRoot, const virPCIDeviceAddress *addr,
                               const char *stub, const char *expect);
