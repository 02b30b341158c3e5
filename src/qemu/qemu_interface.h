/*
 * qemu_interface.h: the host side of a domain's network interfaces
 *
 * Before QEMU is given an interface (start, hotplug, incoming migration):
 *  - a type='network' interface on an SR-IOV pool (<forward
 *    mode='hostdev'>) takes a free VF of the pool; the interface records
 *    it as <actual type='hostdev'> and the VF joins the domain's host
 *    devices, so the command line passes it through;
 *  - a VF named directly (type='hostdev') is recorded as held by the
 *    domain, refused if somebody else holds it (qemu_hostdev.h; the pool
 *    records its VFs itself and skips those held outside it);
 *  - every VF behind an interface (pool or type='hostdev') gets the
 *    guest's MAC and VLAN as its admin settings, the previous ones saved.
 * Release undoes both, and is called on every path that takes an
 * interface away from QEMU: stop (any reason, through qemu_return.h),
 * failed start, hot-unplug, failed or completed migration.
 */
#pragma once

#include "domain_conf.h"
#include "qemu_conf.h"

/* Prepare @net, an interface of @def, in its two steps: reserve (a pool
 * VF taken, a VF named directly recorded as held; nothing else changes
 * on the host), then set up (the VF moved to vfio-pci, its MAC and VLAN
 * set). Nothing is left taken on failure. */
int qemuInterfacePrepare(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net);
int qemuInterfaceReserve(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net);
int qemuInterfaceSetup(virQEMUDriver *driver, virDomainNetDef *net);
/* The two steps for every interface of @def, as a start takes them: the
 * destination of a migration answers between the two, once the VFs are
 * its guest's. A failed reserve releases the ones done; after a failed
 * set-up the caller gives back all it reserved (qemu_return.h). */
int qemuInterfaceReserveAll(virQEMUDriver *driver, virDomainDef *def);
int qemuInterfaceSetupAll(virQEMUDriver *driver, virDomainDef *def);
/* Give back what qemuInterfacePrepare took for @net (errors are warnings:
 * a release never fails half-way). */
void qemuInterfaceRelease(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net);
/* Give pool VF @vf of network @netname back (pool slot and ownership
 * record), if @owner still holds it, and put its MAC and VLAN back. A VF
 * that is free or somebody else's by now (a repeated or stale release)
 * is left alone. @mac (the interface's) is for messages. Root lock held. */
void qemuInterfaceReturnVF(virQEMUDriver *driver, const char *netname, const char *owner,
                           const virPCIDeviceAddress *vf, const virMacAddr *mac);

/* Is network @netname of @opaque (the virQEMUDriver) an SR-IOV pool now?
 * 1 yes, 0 no or no such network, -1 with an error. A
 * qemuDomainNetPoolLookup. */
int qemuInterfaceNetIsPool(void *opaque, const char *netname);

/* Resolve the pool interfaces of @def to the VFs a start would give them
 * now, taking nothing (domxml-to-native). */
int qemuInterfacePreview(virQEMUDriver *driver, virDomainDef *def);
