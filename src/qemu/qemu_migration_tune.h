/*
 * qemu_migration_tune.h: the speed and downtime limit of a migration,
 * which a client sets before a migration or while one runs
 *
 * The pre-copy speed is remembered per domain, running or not, in
 * ROOT/run/qemu/NAME.migspeed (its UUID and the MiB/s), for the next
 * migration that gives no bandwidth of its own; on a running domain it is
 * also set in QEMU at once. A transient domain created, or arriving by
 * migration, forgets what an earlier run of its name left there. The
 * downtime limit and the post-copy speed live in QEMU only.
 *
 * While this process migrates the domain out (its async job), the
 * migration's thread owns the domain's monitor: a request is handed to it
 * (qemuMigrationTuneHandOff) and the perform loop runs it between two
 * waits (qemuMigrationTuneServe), the requester sleeping on the job's
 * condition meanwhile. No lock is held across the QMP call.
 */
#pragma once

#include "qemu_conf.h"
#include "qemu_monitor_json.h"

/* The most QEMU can take, MiB/s: its bytes per second fit in an int64 */
#define QEMU_MIGRATION_MAX_BANDWIDTH_MIB ((unsigned long long)G_MAXINT64 / (1024 * 1024))
/* The speed a migration uses when nothing else says, MiB/s: no limit, as
 * libvirt (not QEMU's own default): the most QEMU takes */
#define QEMU_MIGRATION_DEFAULT_BANDWIDTH_MIB QEMU_MIGRATION_MAX_BANDWIDTH_MIB
/* The most QEMU takes as downtime-limit (ms) */
#define QEMU_MIGRATION_MAX_DOWNTIME_MS 2000000ULL

typedef struct _qemuMigrationTuneRequest qemuMigrationTuneRequest;
struct _qemuMigrationTuneRequest {
    bool query;                         /* read (query-migrate-parameters) */
    qemuMonitorMigrationTuning tuning;  /* what to set; what QEMU said */
    /* under the object lock: */
    bool taken;                         /* the migration runs it */
    bool done;
    int rc;
    virErrorPtr err;                    /* its error when rc < 0 */
};

/* The speed (MiB/s) remembered for domain @name of UUID @uuid in *@mib:
 * false when none is (*@mib untouched). */
bool qemuMigrationTuneGetSpeed(virQEMUDriver *driver, const char *name,
                               const unsigned char *uuid, unsigned long long *mib);
/* Remember @mib for domain @name of UUID @uuid. */
int qemuMigrationTuneSetSpeed(virQEMUDriver *driver, const char *name,
                              const unsigned char *uuid, unsigned long long mib);
/* Forget what is remembered of domain @name (it is undefined). */
void qemuMigrationTuneForget(virQEMUDriver *driver, const char *name);

/* Run @req through the migration out of @obj (locked, and on return) that
 * this process drives, if there is one: 1 done, -1 error, 0 there is no
 * such migration (or it ended before running the request): the caller
 * runs it in a job of its own. Waits up to job_wait_timeout for the
 * migration to take it. */
int qemuMigrationTuneHandOff(virQEMUDriver *driver, virDomainObj *obj,
                             qemuMigrationTuneRequest *req);
/* Run the request handed to the migration of @obj, if any, on @mon; by
 * the migration's thread, object unlocked. */
void qemuMigrationTuneServe(virDomainObj *obj, qemuMonitor *mon);
/* Run @req on @mon directly (a job of the caller owns it). */
int qemuMigrationTuneRun(qemuMonitor *mon, qemuMigrationTuneRequest *req);
