/*
 * node_device_driver.h: the embedded node device driver
 * (qemu:///embed?root=DIR)
 *
 * Lists and describes the host's PCI functions and network interfaces
 * (node_device_sysfs.h) under the sysfs_root of DIR/etc/qemu.conf (else
 * /sys), for the public node device API of a connection to the root and
 * of the daemon serving it.
 */
#pragma once

#include "internal.h"

/* Register the driver with the public library (called by virInitialize). */
int nodeDeviceRegister(void);
