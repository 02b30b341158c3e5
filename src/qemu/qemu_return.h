/*
 * qemu_return.h: the host devices a stopped run of a domain held, given
 * back to the host
 *
 * A stop gives back the VFs of a domain's pool interfaces (to their pool,
 * with their MAC and VLAN put back), the VFs it was given directly and
 * its other host PCI devices (to their host drivers). That is the bulk of
 * a stop's work on the host: on real hardware a VF's rebind to its host
 * driver takes long. The stop of a migration's source, which the
 * migration's caller waits for, leaves it to a thread of its own: the
 * root's lock the stop took is passed to that thread, so that no other
 * thread or process sees the devices, or takes the lock, before they are
 * back (docs/migration.rst).
 */
#pragma once

#include "domain_conf.h"
#include "qemu_conf.h"

typedef struct _qemuReturn qemuReturn;

/* What the run of @def (the live definition QEMU ran) holds: its host
 * devices and the VFs of its interfaces, in the order a stop gives them
 * back. NULL when it holds none. The pool VFs are no longer recorded in
 * @def's interfaces: the result holds them. */
qemuReturn *qemuReturnCollect(virQEMUDriver *driver, virDomainDef *def);

/* Give back what @ret holds now (errors are warnings: a release never
 * fails half-way). The root's lock is held by the caller, and stays.
 * Frees @ret. */
void qemuReturnRun(qemuReturn *ret);

/* qemuReturnRun of what the run of @def holds, if anything. */
void qemuReturnAll(virQEMUDriver *driver, virDomainDef *def);

/* Give back what @ret holds in a thread of its own. The caller holds the
 * root's lock once and passes it to that thread, which releases it (as a
 * change of the root) once everything is back, then calls @done(@opaque)
 * (e.g. to drop a reference to the driver). The exit of the process
 * waits for that thread (at most 30 s). If no thread can be started,
 * the caller does it all itself before returning. Frees @ret. */
void qemuReturnStart(qemuReturn *ret, GDestroyNotify done, void *opaque);
