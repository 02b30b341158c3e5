/*
 * qemu_migration.c: live migration of QEMU domains with failover pairs
 */
#include "internal.h"

#include <fcntl.h>

#include "qemu_domain.h"
#include "qemu_migration.h"
#include "qemu_process.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* How long the destination waits for the last bytes after the source
 * reported completion, and how long a cancel may take. */
#define QEMU_MIGRATION_FINISH_TIMEOUT_MS 30000
#define QEMU_MIGRATION_CANCEL_TIMEOUT_MS 10000
/* QEMU's own default limit (MiB/s), for a migration that sets none */
#define QEMU_MIGRATION_DEFAULT_BANDWIDTH_MIB 32
/* how often progress is read while the migration is active */
#define QEMU_MIGRATION_PROGRESS_MS 200

/* ------------------------------------------------------------------ */
/* Job file: ROOT/run/qemu/NAME.job, read by domjobinfo from any process */
/* ------------------------------------------------------------------ */

typedef struct {
    int type;                   /* virDomainJobType */
    int operation;              /* virDomainJobOperation */
    const char *phase;
    gint64 started;             /* monotonic us */
    unsigned long long memTotal, memProcessed, memRemaining;
    unsigned long long downtime, setupTime, totalTime;
    gint64 waitUnplugStart, waitUnplugMs;
    char *unplugPrimary;
    char *errmsg;
} qemuMigrationJob;

static char *
qemuMigrationJobPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.job", driver->config->stateDir, name);
}

static char *
qemuMigrationAbortPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.abort", driver->config->stateDir, name);
}

static void
qemuMigrationJobSave(virQEMUDriver *driver, const char *name, const qemuMigrationJob *job)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *path = qemuMigrationJobPath(driver, name);
    g_autofree char *data = NULL;

    g_key_file_set_integer(kf, "job", "type", job->type);
    g_key_file_set_integer(kf, "job", "operation", job->operation);
    g_key_file_set_string(kf, "job", "phase", job->phase ? job->phase : "none");
    g_key_file_set_uint64(kf, "job", "time_elapsed",
                          (g_get_monotonic_time() - job->started) / 1000);
    g_key_file_set_uint64(kf, "job", "memory_total", job->memTotal);
    g_key_file_set_uint64(kf, "job", "memory_processed", job->memProcessed);
    g_key_file_set_uint64(kf, "job", "memory_remaining", job->memRemaining);
    g_key_file_set_uint64(kf, "job", "downtime", job->downtime);
    g_key_file_set_uint64(kf, "job", "setup_time", job->setupTime);
    g_key_file_set_uint64(kf, "job", "total_time", job->totalTime);
    g_key_file_set_int64(kf, "job", "wait_unplug_ms", job->waitUnplugMs);
    if (job->unplugPrimary)
        g_key_file_set_string(kf, "job", "unplug_primary", job->unplugPrimary);
    if (job->errmsg)
        g_key_file_set_string(kf, "job", "errmsg", job->errmsg);
    data = g_key_file_to_data(kf, NULL, NULL);
    /* progress only: a failed write must not disturb the migration */
    if (virFileWriteStrRuntime(path, data, 0600) < 0)
        virResetLastError();
}

int
qemuMigrationGetJobStats(virQEMUDriver *driver, const char *name, int *type,
                         virTypedParameterPtr *params, int *nparams)
{
    g_autofree char *path = qemuMigrationJobPath(driver, name);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    static const char *const ullKeys[] = {
        VIR_DOMAIN_JOB_TIME_ELAPSED, VIR_DOMAIN_JOB_MEMORY_TOTAL,
        VIR_DOMAIN_JOB_MEMORY_PROCESSED, VIR_DOMAIN_JOB_MEMORY_REMAINING,
        VIR_DOMAIN_JOB_DOWNTIME, VIR_DOMAIN_JOB_SETUP_TIME,
        "wait_unplug_ms", "total_time",
    };
    int maxparams = 0;
    size_t i;

    *type = VIR_DOMAIN_JOB_NONE;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return 0;
    *type = g_key_file_get_integer(kf, "job", "type", NULL);
    if (virTypedParamsAddInt(params, nparams, &maxparams, VIR_DOMAIN_JOB_OPERATION,
                             g_key_file_get_integer(kf, "job", "operation", NULL)) < 0)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(ullKeys); i++) {
        if (virTypedParamsAddULLong(params, nparams, &maxparams, ullKeys[i],
                                    g_key_file_get_uint64(kf, "job", ullKeys[i], NULL)) < 0)
            return -1;
    }
    {
        g_autofree char *phase = g_key_file_get_string(kf, "job", "phase", NULL);
        g_autofree char *primary = g_key_file_get_string(kf, "job", "unplug_primary", NULL);
        g_autofree char *err = g_key_file_get_string(kf, "job", "errmsg", NULL);

        if ((phase && virTypedParamsAddString(params, nparams, &maxparams, "phase", phase) < 0) ||
            (primary && virTypedParamsAddString(params, nparams, &maxparams, "unplug_primary", primary) < 0) ||
            (err && virTypedParamsAddString(params, nparams, &maxparams, VIR_DOMAIN_JOB_ERRMSG, err) < 0))
            return -1;
    }
    return 0;
}

int
qemuMigrationAbort(virQEMUDriver *driver, virDomainObj *obj)
{
    g_autofree char *job = qemuMigrationJobPath(driver, obj->def->name);
    g_autofree char *path = qemuMigrationAbortPath(driver, obj->def->name);
    g_autoptr(GKeyFile) kf = g_key_file_new();

    if (!g_key_file_load_from_file(kf, job, G_KEY_FILE_NONE, NULL) ||
        g_key_file_get_integer(kf, "job", "type", NULL) != VIR_DOMAIN_JOB_UNBOUNDED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("no job is active on domain '%s'"), obj->def->name);
        return -1;
    }
    return virFileWriteStrRuntime(path, "abort\n", 0600);
}

/* ------------------------------------------------------------------ */
/* Begin (source)                                                       */
/* ------------------------------------------------------------------ */

static int
qemuMigrationSrcCheck(virDomainObj *obj, unsigned int flags)
{
    virDomainDef *def = obj->def;
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];
        virDomainNetTeamingInfo *t = h->parentnet ? h->parentnet->teaming : h->teaming;
        g_autofree char *addr = virPCIDeviceAddressAsString(&h->source);

        if (!t || t->type != VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' cannot migrate: host device %s (%s) is not the transient side of a teaming pair, and a passed-through device cannot move; detach it first"),
                           def->name, NULLSTR(h->info->alias), addr);
            return -1;
        }
    }

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];

        if (!net->teaming || net->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT)
            continue;
        if (net->teaming->negotiated != VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES &&
            !(flags & VIR_MIGRATE_UNSAFE)) {
            virReportError(VIR_ERR_MIGRATE_UNSAFE,
                           _("the guest of domain '%s' has not negotiated failover on standby '%s' (no failover-capable virtio-net driver loaded): it could not release its VF for the migration; load virtio_net in the guest, or migrate with --unsafe"),
                           def->name, net->info.alias);
            return -1;
        }
    }

    if (obj->state == VIR_DOMAIN_PAUSED && virDomainDefHasTeaming(def) &&
        !(flags & VIR_MIGRATE_UNSAFE)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is paused: a paused guest cannot release its VF, so the migration would wait for it in vain; resume it first"),
                       def->name);
        return -1;
    }
    return 0;
}

/* Connect to QEMU, bring the recorded state up to date, check it and
 * turn on migration events. The monitor is kept for perform. Driver mutex
 * held. */
static int
qemuMigrationSrcConnect(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon;

    if (!(mon = qemuProcessBeginJob(driver, obj)))
        return -1;
    qemuProcessApplyEvents(driver, obj, mon);
    if (qemuMigrationSrcCheck(obj, flags) < 0 ||
        qemuProcessEnableMigrationEvents(mon) < 0) {
        qemuProcessEndJob(driver, obj, mon);
        return -1;
    }
    priv->migMon = mon;
    return 0;
}

typedef struct {
    virQEMUDriver *driver;
    unsigned char uuid[VIR_UUID_BUFLEN];
    unsigned int flags;
} qemuMigrationSrcConnectData;

static gpointer
qemuMigrationSrcConnectThread(gpointer opaque)
{
    g_autofree qemuMigrationSrcConnectData *data = opaque;
    virDomainObj *obj;

    g_mutex_lock(&data->driver->lock);
    /* looked up again: the object may have gone before this runs (and
     * another with its UUID come) */
    if ((obj = virDomainObjListFindByUUID(data->driver->domains, data->uuid)) &&
        qemuDomainObjGetPrivate(obj)->migCheck == g_thread_self() &&
        qemuMigrationSrcConnect(data->driver, obj, data->flags) < 0)
        virErrorPreserveLast(&qemuDomainObjGetPrivate(obj)->migCheckError);
    g_mutex_unlock(&data->driver->lock);
    return NULL;
}

/* Wait for the checks begin started; 0 when the domain may go, -1 with
 * their error. The driver mutex must not be held. */
int
qemuMigrationSrcWaitChecked(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (priv->migCheck)
        g_thread_join(g_steal_pointer(&priv->migCheck));
    if (priv->migCheckError) {
        virErrorRestore(&priv->migCheckError);
        return -1;
    }
    if (!priv->migMon) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the checks of domain '%s' before its migration ended without a connection to QEMU"),
                       obj->def->name);
        return -1;
    }
    return 0;
}

bool
qemuMigrationSrcIsActive(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    return priv->migMon || priv->migCheck || priv->migCheckError;
}

/* What the destination gets: the definition without runtime state. */
static char *
qemuMigrationSrcFormat(virDomainObj *obj)
{
    g_autoptr(virDomainDef) copy = virDomainDefCopy(obj->def, VIR_DOMAIN_DEF_FORMAT_INACTIVE);

    if (!copy)
        return NULL;
    return virDomainDefFormat(copy, VIR_DOMAIN_DEF_FORMAT_MIGRATABLE |
                                    VIR_DOMAIN_DEF_FORMAT_INACTIVE);
}

/* Begin answers from the recorded state when that state lets the domain
 * go, and checks QEMU's live state in a thread while the destination
 * prepares (its QEMU takes tens of milliseconds to start): perform waits
 * for that check and fails, before the source does anything, if the live
 * state says otherwise. A domain the recorded state refuses is checked
 * live here, so that a refusal never reaches the destination. */
char *
qemuMigrationSrcBegin(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autofree char *xml = NULL;

    if (!(flags & VIR_MIGRATE_LIVE) && virDomainDefHasTeaming(obj->def)) {
        /* an offline (paused) migration would never see the VF released */
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("domains with teaming pairs migrate live only: use --live"));
        return NULL;
    }
    if (qemuMigrationSrcIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already migrating"), obj->def->name);
        return NULL;
    }
    if (!virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is not running"), obj->def->name);
        return NULL;
    }

    if (qemuMigrationSrcCheck(obj, flags) == 0) {
        qemuMigrationSrcConnectData *data;

        if (!(xml = qemuMigrationSrcFormat(obj)))
            return NULL;
        data = g_new0(qemuMigrationSrcConnectData, 1);
        data->driver = driver;
        memcpy(data->uuid, obj->def->uuid, VIR_UUID_BUFLEN);
        data->flags = flags;
        /* it waits for the driver mutex, which the caller holds */
        priv->migCheck = g_thread_new("migration-begin", qemuMigrationSrcConnectThread, data);
        return g_steal_pointer(&xml);
    }

    virResetLastError();
    if (qemuMigrationSrcConnect(driver, obj, flags) < 0)
        return NULL;
    if (!(xml = qemuMigrationSrcFormat(obj))) {
        qemuProcessEndJob(driver, obj, g_steal_pointer(&priv->migMon));
        return NULL;
    }
    return g_steal_pointer(&xml);
}

/* ------------------------------------------------------------------ */
/* Prepare (destination)                                                */
/* ------------------------------------------------------------------ */

char *
qemuMigrationDstPrepare(virQEMUDriver *driver, const char *xml,
                        unsigned int flags G_GNUC_UNUSED, virDomainObj **objOut)
{
    virDomainObj *obj = *objOut;
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autofree char *sock = virQEMUDriverConfigSocketPath(driver->config, obj->def->uuid,
                                                          QEMU_SOCKET_INCOMING);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    qemuMonitor *mon = NULL;

    (void)xml;
    unlink(sock);
    if (qemuProcessStartFull(driver, obj, VIR_DOMAIN_START_PAUSED, uri, &mon) < 0)
        return NULL;
    priv->migMon = mon;
    return g_steal_pointer(&uri);
}

/* ------------------------------------------------------------------ */
/* Perform (source)                                                     */
/* ------------------------------------------------------------------ */

static void
qemuMigrationReadProgress(qemuMonitor *mon, qemuMigrationJob *job, bool final)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    yajl_val ram;
    long long v;

    if (qemuMonitorCommand(mon, "query-migrate", NULL, 5000, &reply) < 0) {
        virResetLastError();
        return;
    }
    ram = qemuMonitorObjectGet(reply->ret, "ram");
    if (qemuMonitorObjectGetNumber(ram, "total", &v))
        job->memTotal = v;
    if (qemuMonitorObjectGetNumber(ram, "transferred", &v))
        job->memProcessed = v;
    if (qemuMonitorObjectGetNumber(ram, "remaining", &v))
        job->memRemaining = v;
    if (qemuMonitorObjectGetNumber(reply->ret, "setup-time", &v))
        job->setupTime = v;
    if (final) {
        if (qemuMonitorObjectGetNumber(reply->ret, "downtime", &v))
            job->downtime = v;
        if (qemuMonitorObjectGetNumber(reply->ret, "total-time", &v))
            job->totalTime = v;
    }
    if (!job->errmsg && qemuMonitorObjectGetString(reply->ret, "error-desc"))
        job->errmsg = g_strdup(qemuMonitorObjectGetString(reply->ret, "error-desc"));
}

/* Cancel and wait until QEMU says so; the source keeps the guest (and
 * QEMU plugs the primary back in). */
static void
qemuMigrationCancel(qemuMonitor *mon, guint *from)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)QEMU_MIGRATION_CANCEL_TIMEOUT_MS * 1000;

    if (qemuMonitorCommand(mon, "migrate_cancel", NULL, 5000, NULL) < 0) {
        virResetLastError();
        return;
    }
    while (g_get_monotonic_time() < deadline) {
        qemuProcessEvent *ev = qemuProcessNextEvent(mon, from, 200);

        if (ev && STREQ(ev->name, "MIGRATION") &&
            (STREQ_NULLABLE(ev->status, "cancelled") || STREQ_NULLABLE(ev->status, "failed")))
            return;
        if (!ev && qemuProcessMonitorGone(mon))
            return;
    }
}

/* Append one line to the domain's log: what the migration went through. */
static void
qemuMigrationLog(virQEMUDriver *driver, const char *name, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static void
qemuMigrationLog(virQEMUDriver *driver, const char *name, const char *fmt, ...)
{
    g_autofree char *path = g_strdup_printf("%s/%s.log", driver->config->logDir, name);
    g_autofree char *msg = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format_iso8601(now);
    g_autofree char *line = NULL;
    virErrorPtr saved;
    int fd;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* a note in the guest's log: best effort, never a reason to fail nor
     * to replace the error being handled */
    virErrorPreserveLast(&saved);
    if ((fd = virFileOpenWrite(path, O_WRONLY | O_APPEND, 0600, _("log file"))) < 0)
        virResetLastError();
    virErrorRestore(&saved);
    if (fd < 0)
        return;
    line = g_strdup_printf("%s: %s\n", stamp, msg);
    virFileWriteAll(fd, line, strlen(line));
    close(fd);
}

int
qemuMigrationSrcPerform(virQEMUDriver *driver, virDomainObj *obj,
                        const char *uri, unsigned long long bandwidthMiB,
                        unsigned int flags G_GNUC_UNUSED)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon = priv->migMon;
    g_autofree char *abortPath = qemuMigrationAbortPath(driver, obj->def->name);
    g_autofree char *uriJSON = NULL;
    g_autofree char *args = NULL;
    qemuMigrationJob job = { 0 };
    g_autoptr(GString) sequence = g_string_new("migration:");
    gint64 unplugTimeoutUs = (gint64)driver->config->migrationUnplugTimeout * G_USEC_PER_SEC;
    gint64 lastProgress = 0;
    gint64 stallTimeoutUs = (gint64)driver->config->migrationStallTimeout * G_USEC_PER_SEC;
    gint64 movedAt = 0;           /* when the bytes sent last changed */
    unsigned long long movedBytes = 0;
    guint from = qemuProcessGetEvents(mon)->events->len;
    int ret = -1;
    int i;

    job.type = VIR_DOMAIN_JOB_UNBOUNDED;
    job.operation = VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT;
    job.started = g_get_monotonic_time();
    job.phase = "setup";
    unlink(abortPath);
    qemuMigrationJobSave(driver, obj->def->name, &job);

    uriJSON = qemuMonitorJSONString(uri);
    args = g_strdup_printf("{\"uri\":%s}", uriJSON);
    {
        /* always set: QEMU keeps the limit of an earlier migration */
        g_autofree char *bw = g_strdup_printf("{\"max-bandwidth\":%llu}",
                                              (bandwidthMiB ? bandwidthMiB :
                                               QEMU_MIGRATION_DEFAULT_BANDWIDTH_MIB) * 1024 * 1024);

        if (qemuMonitorCommand(mon, "migrate-set-parameters", bw, 0, NULL) < 0)
            goto cleanup;
    }
    if (qemuMonitorCommand(mon, "migrate", args, 0, NULL) < 0)
        goto cleanup;

    for (;;) {
        qemuProcessEvent *ev = qemuProcessNextEvent(mon, &from, 100);
        gint64 now = g_get_monotonic_time();
        bool sending;

        if (virFileExists(abortPath)) {
            unlink(abortPath);
            qemuMigrationCancel(mon, &from);
            job.type = VIR_DOMAIN_JOB_CANCELLED;
            virReportError(VIR_ERR_OPERATION_ABORTED, "%s",
                           _("migration job: canceled by client"));
            goto cleanup;
        }
        if (!ev && qemuProcessMonitorGone(mon)) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("QEMU of domain '%s' exited during the migration"),
                           obj->def->name);
            goto cleanup;
        }
        if (ev && STREQ(ev->name, "UNPLUG_PRIMARY")) {
            g_free(job.unplugPrimary);
            job.unplugPrimary = g_strdup(ev->device);
            g_string_append_printf(sequence, " UNPLUG_PRIMARY(%s)", NULLSTR(ev->device));
        } else if (ev && STREQ(ev->name, "MIGRATION") && ev->status) {
            const char *st = ev->status;

            g_string_append_printf(sequence, " %s", st);
            if (job.waitUnplugStart && STRNEQ(st, "wait-unplug")) {
                job.waitUnplugMs = (ev->when - job.waitUnplugStart) / 1000;
                job.waitUnplugStart = 0;
            }
            if (STREQ(st, "wait-unplug")) {
                job.phase = "wait-unplug";
                job.waitUnplugStart = ev->when;
            } else if (STREQ(st, "active")) {
                job.phase = "active";
                movedAt = ev->when;
            } else if (STREQ(st, "completed")) {
                job.phase = "completed";
                /* total-time and downtime appear a moment after the event
                 * (once the migration thread has the big lock again) */
                for (i = 0; i < 40 && !job.totalTime; i++) {
                    qemuMigrationReadProgress(mon, &job, true);
                    if (!job.totalTime)
                        g_usleep(250);
                }
                job.type = VIR_DOMAIN_JOB_COMPLETED;
                ret = 0;
                goto cleanup;
            } else if (STREQ(st, "failed") || STREQ(st, "cancelled")) {
                qemuMigrationReadProgress(mon, &job, false);
                job.type = STREQ(st, "failed") ? VIR_DOMAIN_JOB_FAILED : VIR_DOMAIN_JOB_CANCELLED;
                virReportError(VIR_ERR_OPERATION_FAILED, _("migration of '%s' %s: %s"),
                               obj->def->name, st,
                               job.errmsg ? job.errmsg : _("QEMU gave no reason"));
                goto cleanup;
            } else {
                job.phase = g_intern_string(st);
            }
            qemuMigrationJobSave(driver, obj->def->name, &job);
        }

        if (job.waitUnplugStart && now - job.waitUnplugStart > unplugTimeoutUs) {
            job.waitUnplugMs = (now - job.waitUnplugStart) / 1000;
            qemuMigrationCancel(mon, &from);
            job.type = VIR_DOMAIN_JOB_CANCELLED;
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("the guest of domain '%s' did not release its VF (%s) within %d s (migration_unplug_timeout): migration cancelled, the guest keeps running here; check that the guest's PCI hotplug (ACPI) works"),
                           obj->def->name, job.unplugPrimary ? job.unplugPrimary : _("primary"),
                           driver->config->migrationUnplugTimeout);
            goto cleanup;
        }
        sending = STREQ(job.phase, "active") || STREQ(job.phase, "device");
        if (sending && now - lastProgress > QEMU_MIGRATION_PROGRESS_MS * 1000) {
            qemuMigrationReadProgress(mon, &job, false);
            qemuMigrationJobSave(driver, obj->def->name, &job);
            lastProgress = now;
            if (job.memProcessed != movedBytes) {
                movedBytes = job.memProcessed;
                movedAt = now;
            }
        }
        /* a destination that takes nothing (stopped, or a network that
         * dropped it) would keep the migration active for ever */
        if (sending && movedAt && now - movedAt > stallTimeoutUs) {
            qemuMigrationCancel(mon, &from);
            job.type = VIR_DOMAIN_JOB_CANCELLED;
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("the destination of domain '%s' took no data for %d s (migration_stall_timeout): migration cancelled, the guest keeps running here"),
                           obj->def->name, driver->config->migrationStallTimeout);
            goto cleanup;
        }
    }

 cleanup:
    if (ret < 0 && job.type == VIR_DOMAIN_JOB_UNBOUNDED)
        job.type = VIR_DOMAIN_JOB_FAILED;
    if (ret < 0 && !job.errmsg)
        job.errmsg = g_strdup(virGetLastErrorMessage());
    qemuMigrationJobSave(driver, obj->def->name, &job);
    qemuMigrationLog(driver, obj->def->name,
                     "%s; wait-unplug %lld ms, total %llu ms, downtime %llu ms%s%s",
                     sequence->str, (long long)job.waitUnplugMs, job.totalTime, job.downtime,
                     ret < 0 ? "; failed: " : "", ret < 0 ? NULLSTR(job.errmsg) : "");
    g_free(job.unplugPrimary);
    g_free(job.errmsg);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Finish (destination) and confirm (source)                            */
/* ------------------------------------------------------------------ */

int
qemuMigrationDstFinish(virQEMUDriver *driver, virDomainObj *obj,
                       bool cancelled, unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon = g_steal_pointer(&priv->migMon);
    guint from = 0;

    if (!mon) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("no incoming migration of domain '%s'"), obj->def->name);
        return -1;
    }
    if (cancelled)
        goto stop;

    if (!qemuProcessWaitEvent(mon, &from, "MIGRATION", "completed", NULL,
                              QEMU_MIGRATION_FINISH_TIMEOUT_MS)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the destination of domain '%s' did not receive the whole guest"),
                       obj->def->name);
        goto stop;
    }
    qemuProcessApplyEvents(driver, obj, mon);
    /* Only now: QEMU 7.2 activates the disks on any 'cont', even one that
     * comes while the incoming state is still loading. A guest that was
     * paused on the source stays paused (perform said so in @flags). */
    if (!(flags & VIR_MIGRATE_PAUSED)) {
        if (qemuMonitorCommand(mon, "cont", NULL, 0, NULL) < 0)
            goto stop;
        /* QEMU reports RESUME before the reply */
        qemuProcessApplyEvents(driver, obj, mon);
        if (obj->state == VIR_DOMAIN_RUNNING)
            obj->reason = VIR_DOMAIN_RUNNING_MIGRATED;
    } else {
        obj->state = VIR_DOMAIN_PAUSED;
        obj->reason = VIR_DOMAIN_PAUSED_USER;
    }
    qemuProcessEndJob(driver, obj, mon);

    if (flags & VIR_MIGRATE_PERSIST_DEST) {
        g_autoptr(virDomainDef) persistent = virDomainDefCopy(obj->def,
                                                              VIR_DOMAIN_DEF_FORMAT_INACTIVE);

        if (!persistent || virDomainDefSaveConfig(driver->config->domainConfigDir, persistent) < 0) {
            virReportWarning(_("domain '%s' runs on the destination but could not be made persistent: %s"),
                             obj->def->name, virGetLastErrorMessage());
            virResetLastError();
        } else {
            virDomainDefFree(obj->newDef);
            obj->newDef = g_steal_pointer(&persistent);
            obj->persistent = true;
        }
    }
    return 0;

 stop:
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        qemuProcessEndJob(driver, obj, mon);
        qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_FAILED);
        virErrorRestore(&saved);
    }
    return -1;
}

/* Wait, up to the cancel timeout, while the outgoing migration is in a
 * state from which it may still complete (a cancel that came during the
 * last stage loses against the completion). False if it still is. */
static bool
qemuMigrationSrcWaitSettled(qemuMonitor *mon)
{
    static const char *const unsettled[] = { "active", "pre-switchover", "device" };
    gint64 deadline = g_get_monotonic_time() + (gint64)QEMU_MIGRATION_CANCEL_TIMEOUT_MS * 1000;

    for (;;) {
        g_autoptr(qemuMonitorReply) reply = NULL;
        const char *status;
        bool settled = true;
        size_t i;

        if (qemuMonitorCommand(mon, "query-migrate", NULL, 5000, &reply) < 0)
            return false;
        status = qemuMonitorObjectGetString(reply->ret, "status");
        for (i = 0; status && i < G_N_ELEMENTS(unsettled); i++) {
            if (STREQ(status, unsettled[i]))
                settled = false;
        }
        if (settled)
            return true;
        if (g_get_monotonic_time() >= deadline)
            return false;
        g_usleep(50 * 1000);
    }
}

/* The source sent everything but the destination failed to take the
 * guest (it died, or did not load or start it): QEMU here has stopped the
 * guest for good ("postmigrate"), and only we can run it again. Its
 * primaries were unplugged for the migration and QEMU does not plug them
 * back after a completed migration: the guest keeps its standbys. */
static void
qemuMigrationSrcRestoreRun(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autoptr(qemuMonitorReply) reply = NULL;

    /* a cancel that came too late may still end in completion */
    if (!qemuMigrationSrcWaitSettled(mon) ||
        qemuMonitorCommand(mon, "query-status", NULL, 0, &reply) < 0 ||
        STRNEQ_NULLABLE(qemuMonitorObjectGetString(reply->ret, "status"), "postmigrate")) {
        virResetLastError();
        return;
    }
    qemuMigrationLog(driver, obj->def->name,
                     "migration: the destination did not take the guest after the source had sent it; %s%s",
                     priv->migWasPaused ? "it stays paused here" : "it runs here again",
                     !priv->migWasPaused && obj->def->nhostdevs ?
                     ", without its primaries (unplugged for the migration)" : "");
    if (priv->migWasPaused)
        return;
    if (qemuMonitorCommand(mon, "cont", NULL, 0, NULL) < 0) {
        virReportWarning(_("domain '%s' could not be resumed on the source after its destination failed: %s"),
                         obj->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    qemuProcessApplyEvents(driver, obj, mon);
    if (obj->state == VIR_DOMAIN_RUNNING)
        obj->reason = VIR_DOMAIN_RUNNING_MIGRATION_CANCELED;
}

int
qemuMigrationSrcConfirm(virQEMUDriver *driver, virDomainObj *obj,
                        bool cancelled, unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon = g_steal_pointer(&priv->migMon);
    g_autofree char *jobPath = qemuMigrationJobPath(driver, obj->def->name);

    unlink(jobPath);
    if (cancelled) {
        /* the guest stays here; after a failed or cancelled migration QEMU
         * plugged the primary back in itself */
        if (mon) {
            qemuMigrationSrcRestoreRun(driver, obj, mon);
            qemuProcessEndJob(driver, obj, mon);
        }
        return 0;
    }

    /* the guest runs on the destination: nothing here is worth saving */
    qemuProcessAbandonJob(mon);
    qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_MIGRATED);
    if ((flags & VIR_MIGRATE_UNDEFINE_SOURCE) && obj->persistent) {
        if (virDomainDeleteConfig(driver->config->domainConfigDir, obj->def->name) < 0)
            return -1;
        obj->persistent = false;
    }
    return 0;
}

