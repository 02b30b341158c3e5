/*
 * qemu_migration.h: live migration of QEMU domains with failover pairs
 *
 * begin (source)     checks: only teaming primaries as host devices, the
 *                    guest negotiated failover, not paused; takes the
 *                    source's monitor for the whole migration
 * prepare (dest)     starts QEMU with -incoming (its own VFs), monitor open
 * perform (source)   migrate; follows MIGRATION events (setup,
 *                    wait-unplug, active, completed/failed); wait-unplug
 *                    is bounded; progress in ROOT/run/qemu/NAME.job
 * finish (dest)      waits for the guest, resumes it, saves it
 * confirm (source)   stops the source QEMU and releases its VFs; after a
 *                    failure leaves the guest running where it was
 */
#pragma once

#include "qemu_conf.h"

char *qemuMigrationSrcBegin(virQEMUDriver *driver, virDomainObj *obj,
                            unsigned int flags);
/* Returns the URI the source sends to; *objOut is the incoming domain. */
char *qemuMigrationDstPrepare(virQEMUDriver *driver, const char *xml,
                              unsigned int flags, virDomainObj **objOut);
/* Is a migration of @obj under way in this process (from begin on)? */
bool qemuMigrationSrcIsActive(virDomainObj *obj);
/* Wait for the live checks begin started: 0, or -1 with their error.
 * Without the driver mutex. */
int qemuMigrationSrcWaitChecked(virDomainObj *obj);
/* @bandwidthMiB: limit in MiB/s, 0 for QEMU's default */
int qemuMigrationSrcPerform(virQEMUDriver *driver, virDomainObj *obj,
                            const char *uri, unsigned long long bandwidthMiB,
                            unsigned int flags);
int qemuMigrationDstFinish(virQEMUDriver *driver, virDomainObj *obj,
                           bool cancelled, unsigned int flags);
int qemuMigrationSrcConfirm(virQEMUDriver *driver, virDomainObj *obj,
                            bool cancelled, unsigned int flags);

/* Job statistics of a domain (its NAME.job file). */
int qemuMigrationGetJobStats(virQEMUDriver *driver, const char *name, int *type,
                             virTypedParameterPtr *params, int *nparams);
/* Ask the process migrating @name to cancel. */
int qemuMigrationAbort(virQEMUDriver *driver, virDomainObj *obj);
