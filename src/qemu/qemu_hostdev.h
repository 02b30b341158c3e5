/*
 * qemu_hostdev.h: which run of which domain holds each host PCI device
 *
 * Every host PCI device a domain gets is recorded host-wide
 * (hypervisor/virhostdev_owner.h) before QEMU sees it, whatever gives it:
 * a start, a hot-plug, the destination of a migration; a plain <hostdev>,
 * the VF of an <interface type='hostdev'>, or a VF of a pool (the network
 * driver records those while it picks them). The holder is
 *
 *   qemu/UUID/ID/WHAT
 *
 * the domain, its run (the id of this start: a restarted domain is another
 * holder) and the device: the MAC of the interface it belongs to, or
 * "hostdev" for a plain <hostdev>. A device somebody else holds is
 * refused with an error naming that domain (and its network).
 *
 * All of it runs with the root's domain lock held (ROOT/lib/qemu/
 * domains.lock): the lock orders the records with the status files, so
 * that reconciling (a holder that is not a running domain is gone) never
 * mistakes a start in progress for a dead one.
 */
#pragma once

#include "domain_conf.h"
#include "qemu_conf.h"
#include "hypervisor/virhostdev_vf.h"

/* The holder string of @net's VF (@net NULL: a plain <hostdev>) in this
 * run of @def. */
char *qemuHostdevHolder(const virDomainDef *def, const virDomainNetDef *net);

/* How this driver sets a VF's MAC and VLAN. */
void qemuHostdevVFContext(virQEMUDriver *driver, virHostdevVFContext *ctx);
/* Make @hostdev, held by its domain, ready for QEMU's vfio-pci: a
 * managed one is moved to vfio-pci, its IOMMU group checked
 * (hypervisor/virhostdev_bind.h). Nothing is left moved on failure. */
int qemuHostdevPrepareVFIO(virQEMUDriver *driver, const virDomainHostdevDef *hostdev);
/* Put back what device @dev had before a guest got it: a VF's MAC and
 * VLAN, then its host driver (warnings if that fails: releasing goes
 * on). */
void qemuHostdevRestore(virQEMUDriver *driver, const virPCIDeviceAddress *dev);

/* Record @hostdev (of @def, not from a pool) as held by this run of @def,
 * an error naming the holder if somebody holds it. */
int qemuHostdevTake(virQEMUDriver *driver, const virDomainDef *def,
                    const virDomainHostdevDef *hostdev);
/* qemuHostdevTake, then prepare it for vfio-pci (qemuHostdevPrepareVFIO);
 * nothing is left taken on failure. */
int qemuHostdevAcquire(virQEMUDriver *driver, const virDomainDef *def,
                       const virDomainHostdevDef *hostdev);
/* Give up the device @source that @holder held: it gets its saved MAC
 * and VLAN and its host driver back first (qemuHostdevRestore). A device somebody else holds by now is left alone.
 * Errors are warnings. */
void qemuHostdevReleaseSource(virQEMUDriver *driver, const char *holder,
                              const virPCIDeviceAddress *source);
void qemuHostdevRelease(virQEMUDriver *driver, const virDomainDef *def,
                        const virDomainHostdevDef *hostdev);

/* For every plain <hostdev> of @def (interfaces: qemu_interface.h), in
 * the two steps of a start: take them all (qemuHostdevTake; nothing is
 * left taken on failure), then prepare them all for vfio-pci (on failure
 * the caller gives back what was taken, with qemu_return.h, as a stop
 * does). */
int qemuHostdevTakeAll(virQEMUDriver *driver, const virDomainDef *def);
int qemuHostdevPrepareVFIOAll(virQEMUDriver *driver, const virDomainDef *def);

/* Is @holder a run of a domain of driver->domains that is running and
 * has @dev, or a node device detach or reattach whose process (pid and
 * start time) is alive? Holders of other drivers, or that cannot be
 * read, are not ours to judge: alive. Reads the list only (virt-root-check uses it on a
 * list it built). */
bool qemuHostdevHolderAlive(virQEMUDriver *driver, const char *holder,
                            const virPCIDeviceAddress *dev);

/* After a crash of whoever held devices: every record whose holder is not
 * a running domain that still has the device is dropped (a VF gets its
 * own MAC and VLAN back, a pool VF goes back to its pool), so is every
 * pool allocation of such a holder, and every saved VF setting that no
 * record covers is put back. Devices of running domains without a record
 * (started by an older version) get one first. Root lock held, domain
 * list in sync with run/. */
int qemuHostdevReconcile(virQEMUDriver *driver);
