/*
 * node_device_sysfs.h: the host's node devices, read from sysfs
 *
 * Under SYSFS ("/sys", or the sysfs_root of a simulated host) the devices
 * are the host ("computer"), every PCI function of bus/pci/devices and
 * every network interface of class/net. Nothing is cached: a list reads
 * the two directories (and a net device's address), one device's
 * description reads that device's files, so the answer is the state of
 * the host at the time of the call.
 *
 * A device's <path> is its directory as the host it describes sees it:
 * "/sys/devices/...", also when SYSFS is a simulated host's tree.
 */
#pragma once

#include "internal.h"
#include "node_device_conf.h"

typedef struct _virNodeDevSysfs virNodeDevSysfs;

/* @pciIds: pci.ids of the hwdata package for vendor and product names,
 * or NULL for none (the ids alone are given). */
virNodeDevSysfs *virNodeDevSysfsNew(const char *sysfsRoot, const char *pciIds);
void virNodeDevSysfsFree(virNodeDevSysfs *sys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDevSysfs, virNodeDevSysfsFree);

/* The first pci.ids of the usual places that exists, or NULL. */
const char *virNodeDevSysfsDefaultPCIIds(void);

/* The names of the devices whose capability is in @capMask (bit 1 << T
 * for virNodeDevCapType T), sorted. */
GPtrArray *virNodeDevSysfsListNames(virNodeDevSysfs *sys, unsigned int capMask);

/* The description of device @name; NULL with VIR_ERR_NO_NODE_DEVICE when
 * the host has no such device. */
virNodeDeviceDef *virNodeDevSysfsRead(virNodeDevSysfs *sys, const char *name);
