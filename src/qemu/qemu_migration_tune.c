/*
 * qemu_migration_tune.c: the speed and downtime limit of a migration
 */
#include "internal.h"

#include "qemu_domain.h"
#include "qemu_migration_tune.h"
#include "virerror.h"
#include "virfile.h"
#include "virstring.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

static char *
qemuMigrationTuneSpeedPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.migspeed", driver->config->stateDir, name);
}

/* The file holds the domain's UUID and the speed: a later domain of the
 * same name (a transient one whose run ended elsewhere, say) does not
 * inherit it. */
bool
qemuMigrationTuneGetSpeed(virQEMUDriver *driver, const char *name, const unsigned char *uuid,
                          unsigned long long *mib)
{
    g_autofree char *path = qemuMigrationTuneSpeedPath(driver, name);
    g_autofree char *text = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    unsigned long long value;
    char *sp;

    /* none, or not one we wrote: the default applies */
    if (virFileReadAll(path, 128, &text) < 0) {
        virResetLastError();
        return false;
    }
    g_strchomp(text);
    virUUIDFormat(uuid, uuidstr);
    if (!(sp = strchr(text, ' ')))
        return false;
    *sp = '\0';
    if (STRNEQ(text, uuidstr) ||
        virStrToLong_ull(sp + 1, NULL, 10, &value) < 0 || value > QEMU_MIGRATION_MAX_BANDWIDTH_MIB)
        return false;
    *mib = value;
    return true;
}

int
qemuMigrationTuneSetSpeed(virQEMUDriver *driver, const char *name, const unsigned char *uuid,
                          unsigned long long mib)
{
    g_autofree char *path = qemuMigrationTuneSpeedPath(driver, name);
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    g_autofree char *text = NULL;

    virUUIDFormat(uuid, uuidstr);
    text = g_strdup_printf("%s %llu\n", uuidstr, mib);
    return virFileWriteStrRuntime(path, text, 0600);
}

void
qemuMigrationTuneForget(virQEMUDriver *driver, const char *name)
{
    g_autofree char *path = qemuMigrationTuneSpeedPath(driver, name);

    if (virFileRemove(path) < 0)
        virResetLastError();
}

int
qemuMigrationTuneRun(qemuMonitor *mon, qemuMigrationTuneRequest *req)
{
    if (req->query)
        return qemuMonitorQueryMigrationTuning(mon, &req->tuning);
    return qemuMonitorSetMigrationTuning(mon, &req->tuning);
}

static bool
qemuMigrationTuneMigrating(qemuDomainObjPrivate *priv)
{
    return priv->job.asyncJob == QEMU_ASYNC_JOB_MIGRATION_OUT;
}

int
qemuMigrationTuneHandOff(virQEMUDriver *driver, virDomainObj *obj,
                         qemuMigrationTuneRequest *req)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    gint64 deadline = g_get_monotonic_time() +
        (gint64)driver->config->jobWaitTimeout * G_USEC_PER_SEC;

    /* one request at a time: wait for the one before */
    while (qemuMigrationTuneMigrating(priv) && priv->migTune) {
        if (!g_cond_wait_until(&priv->job.cond, &obj->lock, deadline))
            goto timeout;
    }
    if (!qemuMigrationTuneMigrating(priv))
        return 0;
    priv->migTune = req;
    if (priv->migMon)
        qemuMonitorWakeup(priv->migMon);
    while (!req->done) {
        if (req->taken) {
            /* the QMP call is bounded by the monitor's timeout */
            g_cond_wait(&priv->job.cond, &obj->lock);
            continue;
        }
        if (!qemuMigrationTuneMigrating(priv)) {
            /* the migration ended before perform took the request */
            priv->migTune = NULL;
            g_cond_broadcast(&priv->job.cond);
            return 0;
        }
        if (!g_cond_wait_until(&priv->job.cond, &obj->lock, deadline) && !req->taken) {
            priv->migTune = NULL;
            g_cond_broadcast(&priv->job.cond);
            goto timeout;
        }
    }
    if (req->rc < 0) {
        virErrorRestore(&req->err);
        return -1;
    }
    return 1;

 timeout:
    virReportError(VIR_ERR_OPERATION_TIMEOUT,
                   _("the migration of domain '%s' did not take the change within %d s (job_wait_timeout): it is between two phases; try again while it sends the guest"),
                   obj->def->name, driver->config->jobWaitTimeout);
    return -1;
}

void
qemuMigrationTuneServe(virDomainObj *obj, qemuMonitor *mon)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMigrationTuneRequest *req;
    virErrorPtr err = NULL;
    int rc;

    virDomainObjLock(obj);
    if ((req = g_steal_pointer(&priv->migTune)))
        req->taken = true;
    virDomainObjUnlock(obj);
    if (!req)
        return;
    /* the migration's own error, if any, stays the last one */
    virErrorPreserveLast(&err);
    if ((rc = qemuMigrationTuneRun(mon, req)) < 0) {
        virErrorPreserveLast(&req->err);
        virResetLastError();
    }
    virErrorRestore(&err);
    virDomainObjLock(obj);
    req->rc = rc;
    req->done = true;
    g_cond_broadcast(&priv->job.cond);
    virDomainObjUnlock(obj);
}
