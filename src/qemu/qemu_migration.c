/*
 * qemu_migration.c: live migration of QEMU domains with failover pairs
 */
#include "internal.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_domainlog.h"
#include "qemu_migration_address.h"
#include "qemu_migration_cookie.h"
#include "qemu_migration.h"
#include "qemu_migration_tune.h"
#include "qemu_monitor_json.h"
#include "qemu_process.h"
#include "virdaemonuri.h"
#include "virerror.h"
#include "virfile.h"
#include "virfilelockwait.h"
#include "virportallocator.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* How long the destination waits for the last bytes after the source
 * reported completion, and how long a cancel may take. */
#define QEMU_MIGRATION_FINISH_TIMEOUT_MS 30000
#define QEMU_MIGRATION_CANCEL_TIMEOUT_MS 10000
/* how often progress is read while the migration is active */
#define QEMU_MIGRATION_PROGRESS_MS 200
/* how long the source waits for QEMU to fill in the times of a completed
 * migration (it does so right after the event) */
#define QEMU_MIGRATION_TIMES_MS 1000

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

char *
qemuMigrationJobDonePath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.jobdone", driver->config->stateDir, name);
}

static char *
qemuMigrationAbortPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.abort", driver->config->stateDir, name);
}

VIR_ENUM_IMPL(qemuMigrationRole, QEMU_MIGRATION_ROLE_LAST,
              "source", "destination");
VIR_ENUM_IMPL(qemuMigrationSrcState, QEMU_MIGRATION_SRC_LAST,
              "unreachable", "gone", "has the guest", "sent the guest");
VIR_ENUM_IMPL(qemuMigrationDstState, QEMU_MIGRATION_DST_LAST,
              "unreachable", "gone", "still loading", "has the guest",
              "holds it paused, undecided");
VIR_ENUM_IMPL(qemuMigrationRecoverAction, QEMU_MIGRATION_RECOVER_LAST,
              "completed", "rolled back", "kept");

#define QEMU_MIGRATION_RECORD "migration"

static char *
qemuMigrationJobLockPath(virQEMUDriver *driver, const char *name)
{
    return qemuDomainJobLockPath(driver->config->stateDir, name);
}

/* The job file as it is now (an empty one if there is none). */
static GKeyFile *
qemuMigrationJobLoad(virQEMUDriver *driver, const char *name)
{
    g_autofree char *path = qemuMigrationJobPath(driver, name);
    GKeyFile *kf = g_key_file_new();

    g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL);
    return kf;
}

static int
qemuMigrationJobWrite(virQEMUDriver *driver, const char *name, GKeyFile *kf)
{
    g_autofree char *path = qemuMigrationJobPath(driver, name);
    g_autofree char *data = g_key_file_to_data(kf, NULL, NULL);

    return virFileWriteStrRuntime(path, data, 0600);
}

/* Take the lock of @name's job without waiting: 1 taken (*@fd), 0 held
 * by an open file of a live process (maybe this one), -1 error. The lock
 * file of a settled job is removed under its lock; so a lock taken on a
 * file no longer at its path is worth nothing, and is tried again. */
static int
qemuMigrationJobLockTry(virQEMUDriver *driver, const char *name, int *fd)
{
    g_autofree char *path = qemuMigrationJobLockPath(driver, name);
    int f = virFileLockWait(path, 0, _("job lock"));

    if (f == -2)
        return 0;
    if (f < 0)
        return -1;
    *fd = f;
    return 1;
}

/* The record goes first, then the lock file, then the lock: a process
 * that opened the old lock file and takes it after us finds no record
 * (and a new job's lock file is another file). */
static void
qemuMigrationJobUnlock(virQEMUDriver *driver, const char *name, int fd, bool clear)
{
    if (clear) {
        g_autofree char *job = qemuMigrationJobPath(driver, name);
        g_autofree char *lock = qemuMigrationJobLockPath(driver, name);

        unlink(job);
        unlink(lock);
    }
    virFileUnlock(fd);
}

/* Note when this side's migration of @obj reached @step, for the line of
 * steps its end writes into the domain's log. */
static void
qemuMigrationStepMarkAt(virDomainObj *obj, const char *step, gint64 when)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (priv->migSteps)
        g_string_append_printf(priv->migSteps, ", %s %.1f", step,
                               (when - priv->migStepsStart) / 1000.0);
}

static void
qemuMigrationStepMark(virDomainObj *obj, const char *step)
{
    qemuMigrationStepMarkAt(obj, step, g_get_monotonic_time());
}

/* The job ends here: its steps go into the domain's log (@driver NULL:
 * only dropped). */
static void
qemuMigrationStepsEnd(virQEMUDriver *driver, virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (!priv->migSteps)
        return;
    if (driver) {
        qemuMigrationStepMark(obj, "end");
        qemuDomainLogNote(driver->config, obj->def->name,
                          "migration: this side's steps, ms since its first call: %s",
                          priv->migSteps->str);
    }
    g_string_free(g_steal_pointer(&priv->migSteps), TRUE);
}

static void qemuMigrationJobFill(GKeyFile *kf, const qemuMigrationJob *job);
static void qemuMigrationJobSave(virQEMUDriver *driver, const char *name,
                                 const qemuMigrationJob *job);

/* Set the step reached in the record. -1 (reported) when it could not
 * be written: only the source's "perform" must be there (a recovery
 * takes a source still at "begin" for one that never sent anything);
 * the other steps are progress, the QEMUs' states decide anyway. @job:
 * NULL, or the job's progress to write with the step, in the same write
 * of the file (written alone when the migration is not recorded). */
static int
qemuMigrationRecordStepJob(virQEMUDriver *driver, virDomainObj *obj, const char *step,
                           const qemuMigrationJob *job)
{
    g_autoptr(GKeyFile) kf = NULL;

    if (!qemuDomainObjGetPrivate(obj)->migRecorded) {
        if (job)
            qemuMigrationJobSave(driver, obj->def->name, job);
        return 0;
    }
    qemuMigrationStepMark(obj, step);
    kf = qemuMigrationJobLoad(driver, obj->def->name);
    if (job)
        qemuMigrationJobFill(kf, job);
    g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "step", step);
    g_key_file_set_boolean(kf, QEMU_MIGRATION_RECORD, "was_paused",
                           qemuDomainObjGetPrivate(obj)->migWasPaused);
    /* this side's run, for whoever reads the record */
    g_key_file_set_int64(kf, QEMU_MIGRATION_RECORD, "qemu_pid", obj->pid);
    if (qemuDomainObjGetPrivate(obj)->migPeerURI)
        g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "peer_uri",
                              qemuDomainObjGetPrivate(obj)->migPeerURI);
    if (qemuDomainObjGetPrivate(obj)->migPeerRoot)
        g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "peer_root",
                              qemuDomainObjGetPrivate(obj)->migPeerRoot);
    g_key_file_set_integer(kf, QEMU_MIGRATION_RECORD, "id", obj->def->id);
    return qemuMigrationJobWrite(driver, obj->def->name, kf);
}

static int
qemuMigrationRecordStep(virQEMUDriver *driver, virDomainObj *obj, const char *step)
{
    return qemuMigrationRecordStepJob(driver, obj, step, NULL);
}

/* qemuMigrationRecordStep for progress: a failure is not worth one */
static void
qemuMigrationRecordProgress(virQEMUDriver *driver, virDomainObj *obj, const char *step)
{
    if (qemuMigrationRecordStep(driver, obj, step) < 0)
        virResetLastError();
}

int
qemuMigrationRecordStart(virQEMUDriver *driver, virDomainObj *obj, int role,
                         const char *peerURI, const char *peerRoot,
                         unsigned int flags, gint64 entered)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autofree char *path = qemuMigrationJobPath(driver, obj->def->name);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format_iso8601(now);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    /* the job lock of the async job of the migration is held */
    g_assert(priv->job.lockFd >= 0);
    if (virFileExists(path)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has an interrupted migration job (%s) that is not recovered yet (the other root of that job is busy or unreachable); any command on either root recovers it once both are there"),
                       obj->def->name, path);
        return -1;
    }
    g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "role",
                          qemuMigrationRoleTypeToString(role));
    g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "name", obj->def->name);
    g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "uuid",
                          virUUIDFormat(obj->def->uuid, uuidstr));
    /* a source learns its destination at perform (qemuMigrationRecordStep) */
    if (peerURI)
        g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "peer_uri", peerURI);
    if (peerRoot)
        g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "peer_root", peerRoot);
    g_key_file_set_uint64(kf, QEMU_MIGRATION_RECORD, "flags", flags);
    g_key_file_set_int64(kf, QEMU_MIGRATION_RECORD, "owner_pid", getpid());
    g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "started", stamp);
    g_key_file_set_string(kf, QEMU_MIGRATION_RECORD, "step",
                          role == QEMU_MIGRATION_ROLE_SOURCE ? "begin" : "prepare");
    if (qemuMigrationJobWrite(driver, obj->def->name, kf) < 0) {
        unlink(path);
        return -1;
    }
    priv->migRecorded = true;
    if (priv->migSteps)
        g_string_free(priv->migSteps, TRUE);
    priv->migSteps = g_string_new(role == QEMU_MIGRATION_ROLE_SOURCE ? "begin 0.0" : "prepare 0.0");
    priv->migStepsStart = entered;
    qemuMigrationStepMark(obj, "recorded");
    return 0;
}

void
qemuMigrationRecordEnd(virQEMUDriver *driver, virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    g_autofree char *job = NULL;

    if (!priv->migRecorded)
        return;
    qemuMigrationStepsEnd(driver, obj);
    /* the record; the lock file and the lock go with the async job (a
     * process that takes the lock after us finds no record) */
    job = qemuMigrationJobPath(driver, obj->def->name);
    unlink(job);
    priv->migRecorded = false;
}

void
qemuMigrationRecordLeave(virDomainObj *obj)
{
    /* the record stays; the lock goes with the async job, which lets a
     * recovery take it (and says how it ends) */
    qemuMigrationStepsEnd(NULL, obj);
    qemuDomainObjGetPrivate(obj)->migRecorded = false;
}

void
qemuMigrationRecordFree(qemuMigrationRecord *rec)
{
    if (!rec)
        return;
    g_free(rec->name);
    g_free(rec->peerURI);
    g_free(rec->peerRoot);
    g_free(rec->step);
    g_free(rec);
}

GPtrArray *
qemuMigrationRecordList(virQEMUDriver *driver)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(driver->config->stateDir, 0, NULL);
    const char *ent;

    while (dir && (ent = g_dir_read_name(dir))) {
        g_autofree char *name = NULL;
        g_autofree char *job = NULL;
        int fd = -1;
        int rc;

        if (ent[0] == '.')
            continue;
        if (g_str_has_suffix(ent, ".job")) {
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
            continue;
        }
        if (!g_str_has_suffix(ent, ".joblock"))
            continue;
        /* the lock of a process that died before it wrote its record */
        name = g_strndup(ent, strlen(ent) - 8);
        job = qemuMigrationJobPath(driver, name);
        if (virFileExists(job))
            continue;
        if ((rc = qemuMigrationJobLockTry(driver, name, &fd)) < 0)
            virResetLastError();
        else if (rc == 1)
            qemuMigrationJobUnlock(driver, name, fd, !virFileExists(job));
    }
    return names;
}

int
qemuMigrationRecordAcquire(virQEMUDriver *driver, const char *name,
                           qemuMigrationRecord **rec, int *lockfd)
{
    g_autoptr(qemuMigrationRecord) r = NULL;
    g_autoptr(GKeyFile) kf = NULL;
    g_autofree char *path = qemuMigrationJobPath(driver, name);
    g_autofree char *role = NULL;
    g_autofree char *uuid = NULL;
    int fd = -1;
    int rc;

    *rec = NULL;
    if (!virFileExists(path))
        return 0;
    if ((rc = qemuMigrationJobLockTry(driver, name, &fd)) <= 0)
        return rc < 0 ? -1 : 2;
    kf = g_key_file_new();
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL) ||
        !g_key_file_has_group(kf, QEMU_MIGRATION_RECORD)) {
        /* gone meanwhile, or progress only: nothing to act on */
        qemuMigrationJobUnlock(driver, name, fd, true);
        return 0;
    }
    r = g_new0(qemuMigrationRecord, 1);
    role = g_key_file_get_string(kf, QEMU_MIGRATION_RECORD, "role", NULL);
    uuid = g_key_file_get_string(kf, QEMU_MIGRATION_RECORD, "uuid", NULL);
    if (!role || (r->role = qemuMigrationRoleTypeFromString(role)) < 0 ||
        !uuid || virUUIDParse(uuid, r->uuid) < 0) {
        virReportWarning(_("removing the migration job record '%s' of a process that is gone: it names no role or UUID"),
                         path);
        virResetLastError();
        qemuMigrationJobUnlock(driver, name, fd, true);
        return 0;
    }
    r->name = g_strdup(name);
    r->peerURI = g_key_file_get_string(kf, QEMU_MIGRATION_RECORD, "peer_uri", NULL);
    r->peerRoot = g_key_file_get_string(kf, QEMU_MIGRATION_RECORD, "peer_root", NULL);
    r->flags = g_key_file_get_uint64(kf, QEMU_MIGRATION_RECORD, "flags", NULL);
    r->wasPaused = g_key_file_get_boolean(kf, QEMU_MIGRATION_RECORD, "was_paused", NULL);
    r->step = g_key_file_get_string(kf, QEMU_MIGRATION_RECORD, "step", NULL);
    r->ownerPid = g_key_file_get_int64(kf, QEMU_MIGRATION_RECORD, "owner_pid", NULL);
    *rec = g_steal_pointer(&r);
    *lockfd = fd;
    return 1;
}

bool
qemuMigrationRecordExists(virQEMUDriver *driver, const char *name)
{
    g_autofree char *path = qemuMigrationJobPath(driver, name);

    return virFileExists(path);
}

void
qemuMigrationRecordRelease(virQEMUDriver *driver, const char *name, int lockfd, bool clear)
{
    qemuMigrationJobUnlock(driver, name, lockfd, clear);
}

/* The job's statistics in group "job" of @kf. */
static void
qemuMigrationJobFill(GKeyFile *kf, const qemuMigrationJob *job)
{
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
}

static void
qemuMigrationJobSave(virQEMUDriver *driver, const char *name, const qemuMigrationJob *job)
{
    g_autoptr(GKeyFile) kf = qemuMigrationJobLoad(driver, name);

    qemuMigrationJobFill(kf, job);
    /* progress only: a failed write must not disturb the migration */
    if (qemuMigrationJobWrite(driver, name, kf) < 0)
        virResetLastError();
}

/* The job of this side ended: its statistics for domjobinfo --completed
 * (NAME.jobdone, until the next job or the domain stops). */
static void
qemuMigrationJobSaveDone(virQEMUDriver *driver, const char *name, GKeyFile *kf)
{
    g_autofree char *path = qemuMigrationJobDonePath(driver, name);
    g_autofree char *data = g_key_file_to_data(kf, NULL, NULL);

    if (virFileWriteStrRuntime(path, data, 0600) < 0)
        virResetLastError();
}

/* The statistics of a completed job a cookie carries (libvirt's names;
 * our wait_unplug_ms and total_time too). */
static const char *const qemuMigrationCookieStats[] = {
    VIR_DOMAIN_JOB_TIME_ELAPSED, VIR_DOMAIN_JOB_DOWNTIME, VIR_DOMAIN_JOB_SETUP_TIME,
    VIR_DOMAIN_JOB_MEMORY_TOTAL, VIR_DOMAIN_JOB_MEMORY_PROCESSED,
    VIR_DOMAIN_JOB_MEMORY_REMAINING, "total_time", "wait_unplug_ms",
};

void
qemuMigrationCookieAddJobStats(virQEMUDriver *driver, const char *name,
                               qemuMigrationCookie *cookie)
{
    g_autofree char *path = qemuMigrationJobDonePath(driver, name);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    size_t i;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return;
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationCookieStats); i++)
        qemuMigrationCookieAddStat(cookie, qemuMigrationCookieStats[i],
                                   g_key_file_get_int64(kf, "job", qemuMigrationCookieStats[i],
                                                        NULL));
}

void
qemuMigrationDstSaveJobStats(virQEMUDriver *driver, const char *name,
                             const qemuMigrationCookie *cookie)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    size_t i, j;

    g_key_file_set_integer(kf, "job", "type", VIR_DOMAIN_JOB_COMPLETED);
    g_key_file_set_integer(kf, "job", "operation", VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN);
    g_key_file_set_string(kf, "job", "phase", "completed");
    for (i = 0; cookie && cookie->stats && i < cookie->stats->len; i++) {
        const qemuMigrationCookieStat *st = &g_array_index(cookie->stats,
                                                           qemuMigrationCookieStat, i);

        for (j = 0; j < G_N_ELEMENTS(qemuMigrationCookieStats); j++) {
            if (STREQ(st->name, qemuMigrationCookieStats[j]) && st->value >= 0)
                g_key_file_set_uint64(kf, "job", st->name, st->value);
        }
    }
    qemuMigrationJobSaveDone(driver, name, kf);
}

int
qemuMigrationGetJobStats(virQEMUDriver *driver, const char *name, bool completed, int *type,
                         virTypedParameterPtr *params, int *nparams)
{
    g_autofree char *path = completed ? qemuMigrationJobDonePath(driver, name) :
                                        qemuMigrationJobPath(driver, name);
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
    /* a record without progress: the job has not reached perform */
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL) ||
        !g_key_file_has_group(kf, "job"))
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

/* The migration's monitor, taken out of @obj under its lock: an abort
 * (qemuMigrationAbort, object locked) never wakes a monitor that is
 * being closed. */
static qemuMonitor *
qemuMigrationTakeMonitor(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon;

    virDomainObjLock(obj);
    mon = g_steal_pointer(&priv->migMon);
    virDomainObjUnlock(obj);
    return mon;
}

/* Wait for the thread of begin (source) or prepare (destination), if
 * one runs; 0, or -1 with the error it ended with. Object unlocked. */
static int
qemuMigrationJoin(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (priv->migCheck)
        g_thread_join(g_steal_pointer(&priv->migCheck));
    if (priv->migCheckError) {
        virErrorRestore(&priv->migCheckError);
        return -1;
    }
    return 0;
}

/* The migration status of @mon's QEMU, or -1 (nothing reported) */
static int
qemuMigrationQueryStatus(qemuMonitor *mon)
{
    g_auto(qemuMonitorMigrationInfo) info = { 0 };

    if (qemuMonitorQueryMigrate(mon, &info) < 0) {
        virResetLastError();
        return -1;
    }
    return info.status;
}

int
qemuMigrationAbort(virQEMUDriver *driver, virDomainObj *obj)
{
    g_autofree char *job = qemuMigrationJobPath(driver, obj->def->name);
    g_autofree char *path = qemuMigrationAbortPath(driver, obj->def->name);
    g_autoptr(GKeyFile) kf = g_key_file_new();

    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (!g_key_file_load_from_file(kf, job, G_KEY_FILE_NONE, NULL) ||
        g_key_file_get_integer(kf, "job", "type", NULL) != VIR_DOMAIN_JOB_UNBOUNDED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("no job is active on domain '%s'"), obj->def->name);
        return -1;
    }
    if (priv->migMon) {
        /* the migration runs in this process: tell it directly */
        g_atomic_int_set(&priv->migAbort, QEMU_MIGRATION_ABORT_CLIENT);
        qemuMonitorWakeup(priv->migMon);
        return 0;
    }
    /* another process migrates: it watches the state directory */
    return virFileWriteStrRuntime(path, "abort\n", 0600);
}

/* ------------------------------------------------------------------ */
/* Parameters and cookies of the phases                                 */
/* ------------------------------------------------------------------ */

/* The parameters of libvirt's list (protocol.md 4.4): those this driver
 * takes, with their types, and those it knows but does not do. */
static const struct {
    const char *name;
    int type;               /* 0: known, not supported */
} qemuMigrationParams[] = {
    { VIR_MIGRATE_PARAM_URI, VIR_TYPED_PARAM_STRING },
    { VIR_MIGRATE_PARAM_DEST_NAME, VIR_TYPED_PARAM_STRING },
    { VIR_MIGRATE_PARAM_DEST_XML, VIR_TYPED_PARAM_STRING },
    { VIR_MIGRATE_PARAM_BANDWIDTH, VIR_TYPED_PARAM_ULLONG },
    { VIR_MIGRATE_PARAM_LISTEN_ADDRESS, VIR_TYPED_PARAM_STRING },
    { VIR_MIGRATE_PARAM_PERSIST_XML, 0 },
    { VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, 0 },
    { VIR_MIGRATE_PARAM_GRAPHICS_URI, 0 },
    { VIR_MIGRATE_PARAM_MIGRATE_DISKS, 0 },
    { VIR_MIGRATE_PARAM_DISKS_PORT, 0 },
    { VIR_MIGRATE_PARAM_DISKS_URI, 0 },
    { VIR_MIGRATE_PARAM_COMPRESSION, 0 },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_LEVEL, 0 },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, 0 },
    { VIR_MIGRATE_PARAM_COMPRESSION_MT_DTHREADS, 0 },
    { VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE, 0 },
    { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, 0 },
    { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, 0 },
    { VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, 0 },
    { VIR_MIGRATE_PARAM_TLS_DESTINATION, 0 },
};

int
qemuMigrationParamsCheck(virTypedParameterPtr params, int nparams, const char *name)
{
    int i;

    for (i = 0; i < nparams; i++) {
        size_t j;

        for (j = 0; j < G_N_ELEMENTS(qemuMigrationParams); j++) {
            if (STREQ(params[i].field, qemuMigrationParams[j].name))
                break;
        }
        if (j == G_N_ELEMENTS(qemuMigrationParams)) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("parameter '%s' not supported"), params[i].field);
            return -1;
        }
        if (!qemuMigrationParams[j].type) {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                           _("migration parameter '%s' is not supported by this driver"),
                           params[i].field);
            return -1;
        }
        if (params[i].type != qemuMigrationParams[j].type) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("parameter '%s' has the wrong type"), params[i].field);
            return -1;
        }
    }
    return name ? qemuMigrationParamsCheckName(params, nparams, name) : 0;
}

int
qemuMigrationParamsCheckName(virTypedParameterPtr params, int nparams, const char *name)
{
    const char *dname = NULL;

    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME, &dname) < 0)
        return -1;
    if (dname && STRNEQ(dname, name)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("renaming domain '%s' to '%s' during migration is not supported"),
                       name, dname);
        return -1;
    }
    return 0;
}

const char *
qemuMigrationProcessUUID(void)
{
    static gsize once;
    static char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (g_once_init_enter(&once)) {
        unsigned char uuid[VIR_UUID_BUFLEN];

        virUUIDGenerate(uuid);
        virUUIDFormat(uuid, uuidstr);
        g_once_init_leave(&once, 1);
    }
    return uuidstr;
}

/* The standby (persistent) interface whose alias is @alias. */
static virDomainNetDef *
qemuMigrationFindStandby(const virDomainDef *def, const char *alias)
{
    size_t i;

    for (i = 0; alias && i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];

        if (net->teaming && net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT &&
            STREQ_NULLABLE(net->info.alias, alias))
            return net;
    }
    return NULL;
}

static void
qemuMigrationCookieAddPair(qemuMigrationCookie *cookie, const virDomainDef *def,
                           const virDomainNetTeamingInfo *teaming, const char *primary,
                           const char *network, const virPCIDeviceAddress *vf)
{
    virDomainNetDef *standby = qemuMigrationFindStandby(def, teaming->persistent);
    g_autofree char *vfstr = vf ? virPCIDeviceAddressAsString(vf) : NULL;

    qemuMigrationCookieAddTeamingPair(cookie, teaming->persistent, NULLSTR(primary), network,
                                      standby && standby->teaming->negotiated ==
                                      VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES,
                                      vfstr);
}

/* The cookie of @def (which nobody changes meanwhile): the domain, this
 * host, its teaming pairs */
static qemuMigrationCookie *
qemuMigrationCookieOf(virQEMUDriver *driver, const virDomainDef *def, bool withVF)
{
    qemuMigrationCookie *cookie;
    size_t i;

    cookie = qemuMigrationCookieNew(def->name, def->uuid, g_get_host_name(), driver->hostUUID);
    for (i = 0; i < def->nnets; i++) {
        const virDomainNetDef *net = def->nets[i];
        const virPCIDeviceAddress *vf = NULL;

        if (!net->teaming || net->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
            continue;
        if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            vf = &net->hostdev.source;
        else if (net->actual && net->actual->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            vf = &net->actual->hostdev.source;
        qemuMigrationCookieAddPair(cookie, def, net->teaming, net->info.alias,
                                   net->type == VIR_DOMAIN_NET_TYPE_NETWORK ?
                                   net->data.network.name : NULL,
                                   withVF ? vf : NULL);
    }
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];

        if (hostdev->parentnet || !hostdev->teaming ||
            hostdev->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
            continue;
        qemuMigrationCookieAddPair(cookie, def, hostdev->teaming, hostdev->info->alias, NULL,
                                   withVF ? &hostdev->source : NULL);
    }
    return cookie;
}

/* The rest of the cookie, then its text in @cookieout; frees @cookie */
static void
qemuMigrationCookieServe(virQEMUDriver *driver, qemuMigrationCookie *cookie, bool withStats,
                         const char *migrateURI, char **cookieout, int *cookieoutlen)
{
    size_t len;

    qemuMigrationCookieSetEmbedded(cookie, driver->config->root, qemuMigrationProcessUUID());
    if (migrateURI) {
        g_autoptr(GUri) parsed = g_uri_parse(migrateURI, G_URI_FLAGS_NONE, NULL);
        g_autofree char *daemon = virDaemonURIFor(parsed ? g_uri_get_host(parsed) : NULL);

        qemuMigrationCookieSetDaemon(cookie, daemon);
    }
    if (withStats)
        qemuMigrationCookieAddJobStats(driver, cookie->name, cookie);
    *cookieout = qemuMigrationCookieFormat(cookie, &len);
    *cookieoutlen = len;
    qemuMigrationCookieFree(cookie);
}

void
qemuMigrationCookieBake(virQEMUDriver *driver, virDomainObj *obj, bool withVF,
                        bool withStats, const char *migrateURI,
                        char **cookieout, int *cookieoutlen)
{
    qemuMigrationCookie *cookie;

    virDomainObjLock(obj);
    cookie = qemuMigrationCookieOf(driver, obj->def, withVF);
    virDomainObjUnlock(obj);
    qemuMigrationCookieServe(driver, cookie, withStats, migrateURI, cookieout, cookieoutlen);
}

int
qemuMigrationCookieEat(virQEMUDriver *driver, const char *name, const unsigned char *uuid,
                       const char *cookiein, int cookieinlen, unsigned int readable,
                       qemuMigrationCookie **cookie)
{
    bool empty;

    *cookie = NULL;
    if (cookieinlen < 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("migration cookie has a negative length"));
        return -1;
    }
    if (!(*cookie = qemuMigrationCookieParse(cookiein, cookieinlen, name, uuid,
                                             driver->hostUUID, readable, &empty)) && !empty)
        return -1;
    return 0;
}

const char *
qemuMigrationCookieSameProcessRoot(const qemuMigrationCookie *cookie)
{
    if (!cookie || !cookie->embedRoot || !g_path_is_absolute(cookie->embedRoot) ||
        STRNEQ_NULLABLE(cookie->embedProcess, qemuMigrationProcessUUID()))
        return NULL;
    return cookie->embedRoot;
}

/* ------------------------------------------------------------------ */
/* Migration data over TLS                                              */
/* ------------------------------------------------------------------ */

int
qemuMigrationTLSCheck(const virQEMUDriverConfig *cfg, unsigned int flags, bool incoming)
{
    const char *files[] = {
        "ca-cert.pem",
        incoming ? "server-cert.pem" : "client-cert.pem",
        incoming ? "server-key.pem" : "client-key.pem",
    };
    size_t i;

    if (!(flags & VIR_MIGRATE_TLS)) {
        if (cfg->migrateTLSForce) {
            virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                           _("this host migrates over TLS only (migrate_tls_force in qemu.conf): use --tls (VIR_MIGRATE_TLS)"));
            return -1;
        }
        return 0;
    }
    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(cfg->migrateTLSx509certdir, files[i], NULL);

        if (!virFileExists(path)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("migration over TLS needs %s on this host (migrate_tls_x509_cert_dir in qemu.conf), which is missing"),
                           path);
            return -1;
        }
    }
    return 0;
}

/* A QEMU with server TLS credentials and no dh-params.pem in their
 * directory generates Diffie-Hellman parameters of its own as it starts
 * (0.3 to 1.6 s of a CPU here), on every incoming migration over TLS, and
 * the source waits for it: the guest of a teaming pair is without its VF
 * all that time. The destination's domain log says so, with the command
 * that makes the file (the well-known groups of RFC 7919, at once). */
static void
qemuMigrationTLSNoteDHParams(virQEMUDriverConfig *cfg, const char *name)
{
    g_autofree char *path = g_build_filename(cfg->migrateTLSx509certdir, "dh-params.pem", NULL);

    if (!virFileExists(path))
        qemuDomainLogNote(cfg, name,
                          "migration: %s is missing, so QEMU generates Diffie-Hellman parameters as it starts (seconds of CPU on every incoming migration over TLS); 'certtool --get-dh-params --bits 2048 --outfile %s' makes it once",
                          path, path);
}

/* The files a client TLS credentials object is made from, as they are
 * now, and the QEMU that holds the object: their device, inode, size and
 * change time, and QEMU's pid and start time. An object made when this
 * was the same is right: a certificate renewed since, or another QEMU,
 * makes another stamp. NULL when a file cannot be read. */
static char *
qemuMigrationTLSClientStamp(const virQEMUDriverConfig *cfg, virDomainObj *obj)
{
    const char *files[] = { "ca-cert.pem", "client-cert.pem", "client-key.pem" };
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autoptr(GString) stamp = g_string_new(NULL);
    size_t i;

    virDomainObjLock(obj);
    g_string_append_printf(stamp, "qemu %lld %llu", (long long)obj->pid, priv->pidStartTime);
    virDomainObjUnlock(obj);
    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(cfg->migrateTLSx509certdir, files[i], NULL);
        struct stat sb;

        if (stat(path, &sb) < 0)
            return NULL;
        g_string_append_printf(stamp, "; %s %llu %llu %lld %lld.%09ld", path,
                               (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino,
                               (long long)sb.st_size, (long long)sb.st_ctim.tv_sec,
                               sb.st_ctim.tv_nsec);
    }
    return g_string_free(g_steal_pointer(&stamp), FALSE);
}

/* The client TLS credentials object of this host's migrations. */
static qemuProps *
qemuMigrationTLSClientProps(const virQEMUDriverConfig *cfg)
{
    return qemuBuildTLSx509Props(QEMU_MIGRATION_TLS_CLIENT_ID, cfg->migrateTLSx509certdir,
                                 "client", true);
}

/* QEMU of @obj has client credentials made when the stamp was @stamp
 * (NULL: none known). */
static void
qemuMigrationTLSClientKnown(virDomainObj *obj, char *stamp)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    virDomainObjLock(obj);
    g_free(priv->migTLSClientStamp);
    priv->migTLSClientStamp = stamp;
    virDomainObjUnlock(obj);
}

/* Set up the source's QEMU for this migration: the capabilities when
 * @capabilities, its bandwidth, and TLS credentials for --tls, none
 * otherwise (QEMU keeps those of an earlier migration). The destination's
 * certificate must name the host of the migration URI (QEMU's default).
 * The client credentials QEMU has are used as they are when they were
 * made from the files as they are now (qemuMigrationTLSClientStamp); made
 * again otherwise. */
static int
qemuMigrationSrcSetParams(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon,
                          bool capabilities, unsigned long long bytesPerSec, unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autoptr(qemuProps) tls = NULL;
    g_autofree char *stamp = NULL;
    bool made;
    int rc;

    if (!(flags & VIR_MIGRATE_TLS))
        return qemuMonitorSetupMigration(mon, capabilities, bytesPerSec, NULL, NULL);
    stamp = qemuMigrationTLSClientStamp(driver->config, obj);
    virDomainObjLock(obj);
    made = stamp && STREQ_NULLABLE(priv->migTLSClientStamp, stamp);
    virDomainObjUnlock(obj);
    if (!made)
        tls = qemuMigrationTLSClientProps(driver->config);
    rc = qemuMonitorSetupMigration(mon, capabilities, bytesPerSec,
                                   QEMU_MIGRATION_TLS_CLIENT_ID, tls);
    qemuMigrationTLSClientKnown(obj, rc == 0 ? g_steal_pointer(&stamp) : NULL);
    return rc;
}

/* A QEMU that came in by a migration over TLS has the server's
 * credentials; its next migration out, likely over TLS too, would make
 * the client's while the destination prepares, which Perform waits for
 * (QEMU takes a few ms to load and check the certificates). The incoming
 * start makes them in advance, while the source is still busy: best
 * effort, the next migration makes them if this fails. */
static void
qemuMigrationDstMakeTLSClient(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon)
{
    g_autofree char *stamp = qemuMigrationTLSClientStamp(driver->config, obj);
    g_autoptr(qemuProps) tls = NULL;

    if (!stamp)
        return;
    tls = qemuMigrationTLSClientProps(driver->config);
    if (qemuMonitorAddObject(mon, tls) < 0) {
        qemuDomainLogNote(driver->config, obj->def->name,
                          "migration: the client TLS credentials for the next migration were not made in advance: %s",
                          virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    qemuMigrationTLSClientKnown(obj, g_steal_pointer(&stamp));
}

/* The bytes/s a migration of @obj runs at: its bandwidth parameter
 * (@bandwidthMiB, 0: none), else the speed a client set for the domain
 * (migrate-setspeed), else unlimited. */
static unsigned long long
qemuMigrationSrcBandwidth(virQEMUDriver *driver, virDomainObj *obj,
                          unsigned long long bandwidthMiB)
{
    if (!bandwidthMiB && !qemuMigrationTuneGetSpeed(driver, obj->def->name, obj->def->uuid,
                                                      &bandwidthMiB))
        bandwidthMiB = QEMU_MIGRATION_DEFAULT_BANDWIDTH_MIB;
    return MIN(bandwidthMiB, QEMU_MIGRATION_MAX_BANDWIDTH_MIB) * 1024 * 1024;
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

/* A migration of a paused guest that completed and was then rolled back
 * (the destination never took the guest) leaves QEMU in "postmigrate",
 * from which QEMU refuses to migrate ("Can't migrate the vm that was
 * paused due to previous migration") and which only 'cont' leaves: cont
 * and stop at once, so that the guest can migrate again. Its vCPUs run
 * for that moment, which the domain log records. @state: QEMU's, as the
 * job's monitor opened. */
static int
qemuMigrationSrcLeavePostmigrate(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon,
                                 qemuMonitorRunState state)
{
    if (state != QEMU_MONITOR_RUN_STATE_POSTMIGRATE)
        return 0;
    if (qemuMonitorCont(mon) < 0 || qemuMonitorStop(mon) < 0)
        return -1;
    qemuProcessApplyEvents(driver, obj, mon);
    virDomainObjLock(obj);
    obj->state = VIR_DOMAIN_PAUSED;
    obj->reason = VIR_DOMAIN_PAUSED_USER;
    virDomainObjUnlock(obj);
    qemuDomainLogNote(driver->config, obj->def->name,
                      "migration: QEMU was in postmigrate after a migration that was rolled back; cont and stop so that the paused guest migrates again");
    return 0;
}

/* Connect to QEMU, bring the recorded state up to date, check it and
 * turn on migration events and the return path (the migration completes
 * only once the destination loaded the guest). The monitor is kept for
 * perform. Within the migration's async job, the object unlocked. */
static int
qemuMigrationSrcConnect(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags,
                        unsigned long long bandwidthMiB)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    unsigned long long bytes = qemuMigrationSrcBandwidth(driver, obj, bandwidthMiB);
    qemuMonitorRunState state;
    qemuMonitor *mon;

    if (!(mon = qemuProcessBeginJobState(driver, obj, &state)))
        return -1;
    qemuProcessApplyEvents(driver, obj, mon);
    /* the parameters too, while the destination prepares: perform then
     * sends QEMU nothing but 'migrate' */
    if (qemuMigrationSrcCheck(obj, flags) < 0 ||
        qemuMigrationSrcLeavePostmigrate(driver, obj, mon, state) < 0 ||
        qemuMigrationSrcSetParams(driver, obj, mon, true, bytes, flags) < 0) {
        qemuProcessEndJob(driver, obj, mon);
        return -1;
    }
    virDomainObjLock(obj);
    priv->migMon = mon;
    priv->migParamsSet = true;
    priv->migParamsBytes = bytes;
    priv->migParamsTLS = flags & VIR_MIGRATE_TLS;
    virDomainObjUnlock(obj);
    return 0;
}

typedef struct {
    virQEMUDriver *driver;
    virDomainObj *obj;          /* a reference */
    unsigned int flags;
    unsigned long long bandwidthMiB;
} qemuMigrationSrcConnectData;

/* Runs within the migration's async job, which begin took for the
 * process: the object unlocked, as any job's thread works. */
static gpointer
qemuMigrationSrcConnectThread(gpointer opaque)
{
    g_autofree qemuMigrationSrcConnectData *data = opaque;
    virDomainObj *obj = data->obj;
    virErrorPtr err = NULL;

    if (qemuMigrationSrcConnect(data->driver, obj, data->flags, data->bandwidthMiB) < 0)
        virErrorPreserveLast(&err);
    virDomainObjLock(obj);
    qemuDomainObjGetPrivate(obj)->migCheckError = err;
    virDomainObjUnlock(obj);
    virDomainObjUnref(obj);
    return NULL;
}

/* Wait for the checks begin started; 0 when the domain may go, -1 with
 * their error. Object unlocked. */
int
qemuMigrationSrcWaitChecked(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (qemuMigrationJoin(obj) < 0)
        return -1;
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
qemuMigrationSrcBegin(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags,
                      unsigned long long bandwidthMiB)
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
        data->obj = virDomainObjRef(obj);
        data->flags = flags;
        data->bandwidthMiB = bandwidthMiB;
        priv->migCheck = g_thread_new("migration-begin", qemuMigrationSrcConnectThread, data);
        return g_steal_pointer(&xml);
    }

    virResetLastError();
    if (qemuMigrationSrcConnect(driver, obj, flags, bandwidthMiB) < 0)
        return NULL;
    if (!(xml = qemuMigrationSrcFormat(obj))) {
        qemuProcessEndJob(driver, obj, qemuMigrationTakeMonitor(obj));
        return NULL;
    }
    return g_steal_pointer(&xml);
}

/* ------------------------------------------------------------------ */
/* Prepare (destination)                                                */
/* ------------------------------------------------------------------ */

typedef struct {
    virQEMUDriver *driver;
    virDomainObj *obj;          /* a reference */
    qemuProcessStarting *starting;
    bool tls;                   /* the migration's data is over TLS */
} qemuMigrationDstStartData;

/* The incoming QEMU's start once the host's devices are reserved, while
 * the source goes on (its connection waits in the listening socket's
 * backlog until QEMU accepts it): the devices set up, QEMU spawned and
 * its monitor connected. Runs within the incoming migration's async job,
 * the object unlocked, as any job's thread works; finish waits for it. */
static gpointer
qemuMigrationDstStartThread(gpointer opaque)
{
    g_autofree qemuMigrationDstStartData *data = opaque;
    virDomainObj *obj = data->obj;
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon = NULL;
    virErrorPtr err = NULL;

    /* this thread marks steps until finish joins it (finish marks its
     * own only after) */
    if (qemuProcessStartLaunch(data->driver, obj, data->starting) == 0) {
        qemuMigrationStepMark(obj, "spawned");
        if (qemuProcessStartComplete(data->driver, obj, data->starting, &mon) == 0)
            qemuMigrationStepMark(obj, "ready");
    }
    if (mon && data->tls)
        qemuMigrationDstMakeTLSClient(data->driver, obj, mon);
    if (!mon) {
        /* the socket is closed: the source's migration fails */
        qemuDomainLogNote(data->driver->config, obj->def->name,
                          "migration: the incoming guest could not be started: %s",
                          virGetLastErrorMessage());
        virErrorPreserveLast(&err);
    }
    virDomainObjLock(obj);
    priv->migMon = mon;
    priv->migCheckError = err;
    virDomainObjUnlock(obj);
    virDomainObjUnref(obj);
    return NULL;
}

/* Prepare takes what the guest needs here (its VFs, the address and port
 * of the migration) and binds the listening socket itself, then returns:
 * the source connects and starts (for a teaming guest, waits for its VFs
 * to be released) while a thread sets the VFs up (vfio-pci, MAC, VLAN)
 * and starts QEMU with the socket, and QEMU accepts the connection once
 * it runs. Whatever fails after prepare returned (a VF that cannot be
 * set up, QEMU does not start) closes the socket, so the source's
 * migration fails and the guest stays there; finish reports why. */
char *
qemuMigrationDstPrepare(virQEMUDriver *driver, const char *migrateURI,
                        const char *listenAddress, bool sameProcess,
                        unsigned int flags, virDomainObj **objOut,
                        char **cookieout, int *cookieoutlen)
{
    virDomainObj *obj = *objOut;
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autofree char *sock = NULL;
    g_autofree char *uri = NULL;
    qemuMigrationAddress addr = { 0 };
    qemuProcessIncoming incoming = { .listenFd = -1, .tls = flags & VIR_MIGRATE_TLS };
    qemuProcessStarting *starting = NULL;
    qemuMigrationDstStartData *data;
    const char *listen;

    if (sameProcess && !migrateURI && !(flags & VIR_MIGRATE_TLS)) {
        /* both roots are in this process: a socket under this root, which
         * the start binds once its record says whose it is */
        sock = virQEMUDriverConfigSocketPath(driver->config, obj->def->uuid,
                                             QEMU_SOCKET_INCOMING);
        uri = g_strdup_printf("unix:%s", sock);
        listen = uri;
        incoming.listenPath = sock;
    } else {
        if (qemuMigrationAddressPrepare(driver->config, migrateURI, listenAddress, NULL,
                                        &addr) < 0 ||
            (incoming.listenFd = qemuMigrationAddressListen(addr.incoming)) < 0) {
            qemuMigrationAddressRelease(&addr);
            return NULL;
        }
        uri = g_strdup(addr.uri);
        listen = addr.incoming;
    }
    /* the start owns the socket from here on, whatever it returns */
    if (qemuProcessStartReserve(driver, obj, VIR_DOMAIN_START_PAUSED, &incoming,
                                &starting) < 0) {
        qemuMigrationAddressRelease(&addr);
        return NULL;
    }
    qemuDomainLogNote(driver->config, obj->def->name,
                      "migration: incoming, the source sends to %s, QEMU listens on %s%s",
                      uri, listen, flags & VIR_MIGRATE_TLS ? " over TLS" : "");
    if (flags & VIR_MIGRATE_TLS)
        qemuMigrationTLSNoteDHParams(driver->config, obj->def->name);
    /* the VFs reserved are in the start's definition, not yet in the
     * object's, which the thread replaces */
    qemuMigrationCookieServe(driver,
                             qemuMigrationCookieOf(driver, qemuProcessStartingDef(starting), true),
                             false, uri, cookieout, cookieoutlen);
    /* before the thread, which marks its own steps */
    qemuMigrationRecordProgress(driver, obj, "prepared");
    data = g_new0(qemuMigrationDstStartData, 1);
    data->driver = driver;
    data->obj = virDomainObjRef(obj);
    data->starting = starting;
    data->tls = flags & VIR_MIGRATE_TLS;
    virDomainObjLock(obj);
    priv->migCheck = g_thread_new("migration-prepare", qemuMigrationDstStartThread, data);
    /* the port stays taken until the incoming job ends */
    priv->migPort = addr.port;
    addr.port = 0;
    virDomainObjUnlock(obj);
    qemuMigrationAddressRelease(&addr);
    return g_steal_pointer(&uri);
}

void
qemuMigrationDstReleasePort(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    unsigned int port;

    virDomainObjLock(obj);
    port = priv->migPort;
    priv->migPort = 0;
    virDomainObjUnlock(obj);
    virPortAllocatorRelease(port);
}

/* ------------------------------------------------------------------ */
/* Perform (source)                                                     */
/* ------------------------------------------------------------------ */

static void
qemuMigrationReadProgress(qemuMonitor *mon, qemuMigrationJob *job, bool final)
{
    g_auto(qemuMonitorMigrationInfo) info = { 0 };

    if (qemuMonitorQueryMigrate(mon, &info) < 0) {
        virResetLastError();
        return;
    }
    if (info.hasRam) {
        job->memTotal = info.ramTotal;
        job->memProcessed = info.ramTransferred;
        job->memRemaining = info.ramRemaining;
    }
    if (info.setupTime)
        job->setupTime = info.setupTime;
    if (final) {
        if (info.hasDowntime)
            job->downtime = info.downtime;
        if (info.hasTotalTime)
            job->totalTime = info.totalTime;
    }
    if (!job->errmsg && info.errorDesc)
        job->errmsg = g_steal_pointer(&info.errorDesc);
}

/* Cancel and wait until QEMU says so; the source keeps the guest (and
 * QEMU plugs the primary back in). */
static void
qemuMigrationCancel(qemuMonitor *mon, guint *from)
{
    const qemuMonitorEventFilter ended = {
        QEMU_MONITOR_EVENT_MIGRATION, NULL,
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_CANCELLED) |
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_FAILED),
    };

    if (qemuMonitorMigrateCancel(mon) < 0 ||
        !qemuMonitorWaitEvent(mon, from, &ended, QEMU_MIGRATION_CANCEL_TIMEOUT_MS, NULL))
        virResetLastError();
}

/* A cross-process abort request (NAME.abort, written by domjobabort in
 * another process) wakes the migration up: an inotify fd on the state
 * directory, drained by @mon, which wakes its waiter at every new file
 * there. Returns the fd, or -1 (nothing reported: the abort file is then
 * seen at the migration's next event or timer only). */
static int
qemuMigrationAbortWatch(virQEMUDriver *driver, qemuMonitor *mon)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

    if (fd < 0)
        return -1;
    if (inotify_add_watch(fd, driver->config->stateDir, IN_CREATE | IN_MOVED_TO) < 0) {
        close(fd);
        return -1;
    }
    qemuMonitorAddWakeupFd(mon, fd);
    return fd;
}

static void
qemuMigrationAbortUnwatch(qemuMonitor *mon, int fd)
{
    if (fd < 0)
        return;
    qemuMonitorRemoveWakeupFd(mon);
    /* the end of every migration would wait for the kernel here */
    virFileCloseInBackground(fd);
}

void
qemuMigrationAbortPeerGone(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (!priv->migMon)
        return;
    g_atomic_int_set(&priv->migAbort, QEMU_MIGRATION_ABORT_PEER_GONE);
    qemuMonitorWakeup(priv->migMon);
}

/* Was the migration of @obj aborted, by this process or another? */
static bool
qemuMigrationAbortRequested(qemuDomainObjPrivate *priv, const char *abortPath)
{
    if (g_atomic_int_get(&priv->migAbort))
        return true;
    if (virFileExists(abortPath)) {
        unlink(abortPath);
        return true;
    }
    return false;
}

int
qemuMigrationSrcPerform(virQEMUDriver *driver, virDomainObj *obj,
                        const char *uri, unsigned long long bandwidthMiB,
                        unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon = priv->migMon;
    g_autofree char *abortPath = qemuMigrationAbortPath(driver, obj->def->name);
    g_autofree char *qemuURI = NULL;
    qemuMigrationJob job = { 0 };
    g_autoptr(GString) sequence = g_string_new("migration:");
    gint64 unplugTimeoutUs = (gint64)driver->config->migrationUnplugTimeout * G_USEC_PER_SEC;
    gint64 lastProgress = 0;
    gint64 stallTimeoutUs = (gint64)driver->config->migrationStallTimeout * G_USEC_PER_SEC;
    gint64 movedAt = 0;           /* when the bytes sent last changed */
    unsigned long long movedBytes = 0;
    guint from = qemuMonitorEventPosition(mon);
    int abortFd;
    int ret = -1;

    job.type = VIR_DOMAIN_JOB_UNBOUNDED;
    job.operation = VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT;
    job.started = g_get_monotonic_time();
    job.phase = "setup";
    /* an abort is for the job the client sees active: the one whose
     * record says so from now on */
    unlink(abortPath);
    g_atomic_int_set(&priv->migAbort, QEMU_MIGRATION_ABORT_NONE);
    abortFd = qemuMigrationAbortWatch(driver, mon);
    /* before QEMU sends anything: a recovery takes a source whose record
     * is still at "begin" for one that kept the guest */
    if (qemuMigrationRecordStepJob(driver, obj, "perform", &job) < 0)
        goto cleanup;

    /* always as this migration says (QEMU keeps the parameters of an
     * earlier one): begin set them, unless perform's differ (its own
     * bandwidth parameter, or a speed a client set meanwhile) */
    {
        unsigned long long bytes = qemuMigrationSrcBandwidth(driver, obj, bandwidthMiB);
        bool set;

        virDomainObjLock(obj);
        set = priv->migParamsSet && priv->migParamsBytes == bytes &&
              priv->migParamsTLS == !!(flags & VIR_MIGRATE_TLS);
        priv->migParamsSet = false;
        virDomainObjUnlock(obj);
        if (!set && qemuMigrationSrcSetParams(driver, obj, mon, false, bytes, flags) < 0)
            goto cleanup;
    }
    /* a change a client asked for meanwhile goes over that */
    qemuMigrationTuneServe(obj, mon);
    qemuURI = qemuMigrationAddressForQEMU(uri);
    if (qemuMonitorMigrate(mon, qemuURI) < 0)
        goto cleanup;
    qemuMigrationStepMark(obj, "migrating");

    for (;;) {
        const qemuMonitorEvent *ev = NULL;
        qemuMonitorWaitResult waited;
        gint64 now = g_get_monotonic_time();
        gint64 deadline = now + stallTimeoutUs;
        bool sending = STREQ(job.phase, "active") || STREQ(job.phase, "device");

        /* sleep until an event, an abort, or the next thing to check */
        if (job.waitUnplugStart)
            deadline = MIN(deadline, job.waitUnplugStart + unplugTimeoutUs);
        if (sending)
            deadline = MIN(deadline, lastProgress + QEMU_MIGRATION_PROGRESS_MS * 1000);
        if (sending && movedAt)
            deadline = MIN(deadline, movedAt + stallTimeoutUs);
        waited = qemuMonitorNextEvent(mon, &from, deadline, &ev);
        qemuMigrationTuneServe(obj, mon);
        now = g_get_monotonic_time();

        if (qemuMigrationAbortRequested(priv, abortPath)) {
            qemuMigrationCancel(mon, &from);
            job.type = VIR_DOMAIN_JOB_CANCELLED;
            if (g_atomic_int_get(&priv->migAbort) == QEMU_MIGRATION_ABORT_PEER_GONE)
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("the connection to the destination of domain '%s' closed (its daemon died, or the network between the hosts failed): migration cancelled, the guest keeps running here"),
                               obj->def->name);
            else
                virReportError(VIR_ERR_OPERATION_ABORTED, "%s",
                               _("migration job: canceled by client"));
            goto cleanup;
        }
        if (waited == QEMU_MONITOR_WAIT_CLOSED) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("QEMU of domain '%s' exited during the migration"),
                           obj->def->name);
            goto cleanup;
        }
        if (ev && ev->type == QEMU_MONITOR_EVENT_UNPLUG_PRIMARY) {
            g_free(job.unplugPrimary);
            job.unplugPrimary = g_strdup(ev->device);
            g_string_append_printf(sequence, " UNPLUG_PRIMARY(%s)", NULLSTR(ev->device));
        } else if (ev && ev->type == QEMU_MONITOR_EVENT_MIGRATION && ev->status >= 0) {
            const char *st = qemuMonitorMigrationStatusTypeToString(ev->status);

            g_string_append_printf(sequence, " %s", st);
            if (job.waitUnplugStart && ev->status != QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG) {
                job.waitUnplugMs = (ev->when - job.waitUnplugStart) / 1000;
                job.waitUnplugStart = 0;
            }
            if (ev->status == QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG) {
                job.phase = "wait-unplug";
                job.waitUnplugStart = ev->when;
            } else if (ev->status == QEMU_MONITOR_MIGRATION_STATUS_ACTIVE) {
                job.phase = "active";
                movedAt = ev->when;
            } else if (ev->status == QEMU_MONITOR_MIGRATION_STATUS_COMPLETED) {
                gint64 timesDeadline = now + QEMU_MIGRATION_TIMES_MS * 1000;

                job.phase = "completed";
                /* total-time and downtime appear a moment after the event,
                 * once the migration thread has the big lock again: each
                 * query waits for that lock, no sleep between them */
                do {
                    qemuMigrationReadProgress(mon, &job, true);
                } while (!job.totalTime && qemuMonitorIsAlive(mon) &&
                         g_get_monotonic_time() < timesDeadline);
                job.type = VIR_DOMAIN_JOB_COMPLETED;
                ret = 0;
                goto cleanup;
            } else if (ev->status == QEMU_MONITOR_MIGRATION_STATUS_FAILED ||
                       ev->status == QEMU_MONITOR_MIGRATION_STATUS_CANCELLED) {
                qemuMigrationReadProgress(mon, &job, false);
                job.type = ev->status == QEMU_MONITOR_MIGRATION_STATUS_FAILED ?
                    VIR_DOMAIN_JOB_FAILED : VIR_DOMAIN_JOB_CANCELLED;
                virReportError(VIR_ERR_OPERATION_FAILED, _("migration of '%s' %s: %s"),
                               obj->def->name, st,
                               job.errmsg ? job.errmsg : _("QEMU gave no reason"));
                goto cleanup;
            } else {
                job.phase = st;
            }
            qemuMigrationJobSave(driver, obj->def->name, &job);
        }

        if (job.waitUnplugStart && now - job.waitUnplugStart >= unplugTimeoutUs) {
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
        if (sending && now - lastProgress >= QEMU_MIGRATION_PROGRESS_MS * 1000) {
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
        if (sending && movedAt && now - movedAt >= stallTimeoutUs) {
            qemuMigrationCancel(mon, &from);
            job.type = VIR_DOMAIN_JOB_CANCELLED;
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("the destination of domain '%s' took no data for %d s (migration_stall_timeout): migration cancelled, the guest keeps running here"),
                           obj->def->name, driver->config->migrationStallTimeout);
            goto cleanup;
        }
    }

 cleanup:
    qemuMigrationAbortUnwatch(mon, abortFd);
    if (ret < 0 && job.type == VIR_DOMAIN_JOB_UNBOUNDED)
        job.type = VIR_DOMAIN_JOB_FAILED;
    if (ret < 0 && !job.errmsg)
        job.errmsg = g_strdup(virGetLastErrorMessage());
    qemuMigrationJobSave(driver, obj->def->name, &job);
    {
        g_autoptr(GKeyFile) done = g_key_file_new();

        qemuMigrationJobFill(done, &job);
        qemuMigrationJobSaveDone(driver, obj->def->name, done);
    }
    qemuMigrationStepMark(obj, ret < 0 ? "failed" : "completed");
    qemuDomainLogNote(driver->config, obj->def->name,
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

/* The whole guest is here: run it (unless it left the source paused). */
static int
qemuMigrationDstRun(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon,
                    unsigned int flags)
{
    qemuProcessApplyEvents(driver, obj, mon);
    /* Only now: QEMU 7.2 activates the disks on any 'cont', even one that
     * comes while the incoming state is still loading. A guest that was
     * paused on the source stays paused (perform said so in @flags). */
    if (!(flags & VIR_MIGRATE_PAUSED)) {
        if (qemuMonitorCont(mon) < 0)
            return -1;
        /* QEMU reports RESUME before the reply */
        qemuProcessApplyEvents(driver, obj, mon);
        virDomainObjLock(obj);
        if (obj->state == VIR_DOMAIN_RUNNING)
            obj->reason = VIR_DOMAIN_RUNNING_MIGRATED;
        virDomainObjUnlock(obj);
    } else {
        virDomainObjLock(obj);
        obj->state = VIR_DOMAIN_PAUSED;
        obj->reason = VIR_DOMAIN_PAUSED_USER;
        virDomainObjUnlock(obj);
    }
    return 0;
}

/* --persistent: the running definition becomes the destination's config. */
static void
qemuMigrationDstPersist(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags)
{
    g_autoptr(virDomainDef) persistent = NULL;

    if (!(flags & VIR_MIGRATE_PERSIST_DEST))
        return;
    if (!(persistent = virDomainDefCopy(obj->def, VIR_DOMAIN_DEF_FORMAT_INACTIVE)) ||
        qemuDriverLockRoot(driver) < 0)
        goto error;
    if (virDomainDefSaveConfig(driver->config->domainConfigDir, persistent) < 0) {
        qemuDriverUnlockRoot(driver, false);
        goto error;
    }
    virDomainObjLock(obj);
    virDomainObjSetPersistentDef(obj, &persistent);
    obj->persistent = true;
    virDomainObjUnlock(obj);
    qemuDriverUnlockRoot(driver, true);
    return;

 error:
    virReportWarning(_("domain '%s' runs on the destination but could not be made persistent: %s"),
                     obj->def->name, virGetLastErrorMessage());
    virResetLastError();
}

int
qemuMigrationDstFinish(virQEMUDriver *driver, virDomainObj *obj,
                       bool cancelled, unsigned int flags)
{
    qemuMonitor *mon;
    const qemuMonitorEventFilter ended = {
        QEMU_MONITOR_EVENT_MIGRATION, NULL,
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_COMPLETED) |
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_FAILED) |
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_CANCELLED),
    };
    const qemuMonitorEvent *ev;
    guint from = 0;     /* every event since QEMU's start */
    gint64 entered = g_get_monotonic_time();
    int status;
    int rc;

    /* QEMU has its connection, or will never get one */
    qemuMigrationDstReleasePort(obj);

    /* the end of QEMU's start (a failed one is undone: the domain is
     * shut off) */
    rc = qemuMigrationJoin(obj);
    qemuMigrationStepMarkAt(obj, "finishing", entered);
    if (rc < 0) {
        /* after prepare answered: the source learns why from this */
        g_autofree char *why = g_strdup(virGetLastErrorMessage());

        virResetLastError();
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the destination could not start domain '%s' after it prepared: %s"),
                       obj->def->name, why);
        qemuMigrationRecordEnd(driver, obj);
        return -1;
    }
    if (!(mon = qemuMigrationTakeMonitor(obj))) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("no incoming migration of domain '%s'"), obj->def->name);
        qemuMigrationRecordEnd(driver, obj);
        return -1;
    }
    if (cancelled)
        goto stop;

    /* the end of the incoming migration, from its event when that came
     * already (the usual case: the events were on before the source sent
     * anything); QEMU may also have taken the whole guest before its
     * monitor was connected (and its events enabled): it says so when
     * asked */
    if ((ev = qemuMonitorFindEvent(mon, &from, &ended)))
        status = ev->status;
    else
        status = qemuMigrationQueryStatus(mon);
    if (status != QEMU_MONITOR_MIGRATION_STATUS_COMPLETED &&
        status != QEMU_MONITOR_MIGRATION_STATUS_FAILED &&
        status != QEMU_MONITOR_MIGRATION_STATUS_CANCELLED) {
        if (!(ev = qemuMonitorWaitEvent(mon, &from, &ended, QEMU_MIGRATION_FINISH_TIMEOUT_MS,
                                        _("the destination did not receive the whole guest"))))
            goto stop;
        status = ev->status;
    }
    if (status != QEMU_MONITOR_MIGRATION_STATUS_COMPLETED) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the destination of domain '%s' did not receive the whole guest: the incoming migration %s"),
                       obj->def->name, qemuMonitorMigrationStatusTypeToString(status));
        goto stop;
    }
    qemuMigrationRecordProgress(driver, obj, "finish");
    if (qemuMigrationDstRun(driver, obj, mon, flags) < 0)
        goto stop;
    qemuMigrationStepMark(obj, "resumed");
    qemuProcessEndJob(driver, obj, mon);
    qemuMigrationDstPersist(driver, obj, flags);
    qemuMigrationRecordEnd(driver, obj);
    return 0;

 stop:
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        qemuProcessEndJob(driver, obj, mon);
        qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_FAILED);
        qemuMigrationRecordEnd(driver, obj);
        virErrorRestore(&saved);
    }
    return -1;
}

/* Wait, up to the cancel timeout, while the outgoing migration is in a
 * state of @unsettled (a set of qemuMonitorMigrationStatus), from which it
 * may still change by itself (a cancel that came during the last stage
 * loses against the completion). Its status changes only with a MIGRATION
 * event (the events were turned on when the migration began): each one
 * wakes the wait. False if it is still unsettled. */
#define QEMU_MIGRATION_SET(s) QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_ ## s)
static const unsigned int qemuMigrationMayComplete =
    QEMU_MIGRATION_SET(ACTIVE) | QEMU_MIGRATION_SET(PRE_SWITCHOVER) | QEMU_MIGRATION_SET(DEVICE);

static bool
qemuMigrationSrcWaitSettled(qemuMonitor *mon, unsigned int unsettled)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)QEMU_MIGRATION_CANCEL_TIMEOUT_MS * 1000;
    guint pos = qemuMonitorEventPosition(mon);

    for (;;) {
        g_auto(qemuMonitorMigrationInfo) info = { 0 };
        const qemuMonitorEvent *ev = NULL;
        qemuMonitorWaitResult waited;

        if (qemuMonitorQueryMigrate(mon, &info) < 0)
            return false;
        if (info.status < 0 || !(unsettled & QEMU_MONITOR_MIGRATION_STATUS_SET(info.status)))
            return true;
        do {
            waited = qemuMonitorNextEvent(mon, &pos, deadline, &ev);
        } while (waited == QEMU_MONITOR_WAIT_WOKEN ||
                 (waited == QEMU_MONITOR_WAIT_EVENT && ev->type != QEMU_MONITOR_EVENT_MIGRATION));
        if (waited != QEMU_MONITOR_WAIT_EVENT)
            return false;
    }
}

/* QEMU (7.2) plugs the failover primaries it unplugged for a migration
 * back in when that migration fails or is cancelled, and never after one
 * that completed: it keeps them, hidden from the guest, for a migration
 * that might fail later. So after a completed migration whose
 * destination did not take the guest, start one that fails at once (to
 * a UNIX socket that does not exist): QEMU then plugs them back itself,
 * as they were, and the guest enslaves them again as after a cancelled
 * migration. QEMU refuses this from "postmigrate": the guest runs. */
static void
qemuMigrationSrcReplugPrimaries(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon)
{
    g_autofree char *path = g_strdup_printf("%s/%s.replug", driver->config->stateDir,
                                            obj->def->name);
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    int status;

    /* nothing may listen there: a failure to connect is the point */
    unlink(path);
    if (qemuMonitorMigrate(mon, uri) < 0) {
        virReportWarning(_("domain '%s' runs on the source again, but its VFs could not be plugged back into the guest (QEMU refused the migration that makes it do so: %s); detach and attach the VF interfaces to get them back"),
                         obj->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    if (!qemuMigrationSrcWaitSettled(mon, QEMU_MIGRATION_SET(SETUP)))
        virResetLastError();
    status = qemuMigrationQueryStatus(mon);
    if (status == QEMU_MONITOR_MIGRATION_STATUS_FAILED)
        qemuDomainLogNote(driver->config, obj->def->name,
                          "migration: primaries plugged back in by QEMU after a migration to nowhere (%s) failed",
                          path);
    else
        virReportWarning(_("domain '%s' runs on the source again, but the migration that makes QEMU plug its VFs back in did not fail (status %s); detach and attach the VF interfaces if the guest lacks them"),
                         obj->def->name, status >= 0 ? qemuMonitorMigrationStatusTypeToString(status) : "unknown");
}

/* The source sent everything but the destination failed to take the
 * guest (it died, or did not load or start it): QEMU here has stopped the
 * guest for good ("postmigrate"), and only we can run it again. Its
 * primaries were unplugged for the migration: a guest that runs again
 * gets them back (qemuMigrationSrcReplugPrimaries); one that stays
 * paused keeps only its standbys until it migrates again. */
static void
qemuMigrationSrcRestoreSent(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    bool teaming = virDomainDefHasTeaming(obj->def);

    qemuDomainLogNote(driver->config, obj->def->name,
                      "migration: the destination did not take the guest after the source had sent it; %s%s",
                      priv->migWasPaused ? "it stays paused here" : "it runs here again",
                      priv->migWasPaused && teaming ?
                      ", without its primaries (unplugged for the migration)" : "");
    if (priv->migWasPaused)
        return;
    if (qemuMonitorCont(mon) < 0) {
        virReportWarning(_("domain '%s' could not be resumed on the source after its destination failed: %s"),
                         obj->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    if (teaming)
        qemuMigrationSrcReplugPrimaries(driver, obj, mon);
    qemuProcessApplyEvents(driver, obj, mon);
    virDomainObjLock(obj);
    if (obj->state == VIR_DOMAIN_RUNNING)
        obj->reason = VIR_DOMAIN_RUNNING_MIGRATION_CANCELED;
    virDomainObjUnlock(obj);
}

/* Has the source's QEMU sent the whole guest (it stopped it for good,
 * "postmigrate")? A cancel that came too late may still end in
 * completion: this waits for QEMU to settle first. */
static bool
qemuMigrationSrcHasSent(qemuMonitor *mon)
{
    qemuMonitorRunState state;

    if (!qemuMigrationSrcWaitSettled(mon, qemuMigrationMayComplete) ||
        qemuMonitorQueryStatus(mon, &state) < 0) {
        virResetLastError();
        return false;
    }
    return state == QEMU_MONITOR_RUN_STATE_POSTMIGRATE;
}

/* The guest stays here: if QEMU had sent it, run it again as it was
 * (qemuMigrationSrcRestoreSent); otherwise QEMU resumed it itself. */
static void
qemuMigrationSrcRestoreRun(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon)
{
    if (qemuMigrationSrcHasSent(mon))
        qemuMigrationSrcRestoreSent(driver, obj, mon);
}

bool
qemuMigrationPeerIsDaemon(const char *peerURI, const char *peerRoot)
{
    return !peerRoot && peerURI && *peerURI && !g_str_has_prefix(peerURI, "qemu:///embed");
}

/* The guest runs on the destination: stop QEMU here (its VFs go back to
 * the pool, or are left in *@deferred: see qemuMigrationSrcConfirm) and,
 * for --undefinesource, drop the definition. */
static int
qemuMigrationSrcStopMigrated(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags,
                             qemuReturn **deferred)
{
    if (virDomainObjIsActive(obj))
        qemuProcessStopMigrated(driver, obj, deferred);
    if ((flags & VIR_MIGRATE_UNDEFINE_SOURCE) && obj->persistent) {
        int rc;

        if (qemuDriverLockRoot(driver) < 0)
            return -1;
        if ((rc = virDomainDeleteConfig(driver->config->domainConfigDir, obj->def->name)) == 0) {
            virDomainObjLock(obj);
            obj->persistent = false;
            virDomainObjUnlock(obj);
        }
        qemuDriverUnlockRoot(driver, rc == 0);
        return rc;
    }
    return 0;
}

int
qemuMigrationSrcConfirm(virQEMUDriver *driver, virDomainObj *obj,
                        bool cancelled, unsigned int flags, bool *unsettled,
                        qemuReturn **deferred)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitor *mon = qemuMigrationTakeMonitor(obj);
    int ret = 0;

    *unsettled = false;
    *deferred = NULL;

    qemuMigrationRecordProgress(driver, obj, "confirm");
    if (cancelled) {
        /* the guest stays here; after a failed or cancelled migration QEMU
         * plugged the primary back in itself */
        if (mon && qemuMigrationSrcHasSent(mon)) {
            if (qemuMigrationPeerIsDaemon(priv->migPeerURI, priv->migPeerRoot)) {
                /* finish failed after QEMU had sent the guest: a
                 * destination daemon that died after it ran the guest,
                 * before its answer left, fails it as well as one that
                 * dropped the guest. Only it can say which: it is asked
                 * (qemuDomainsRecoverMigration), the guest stays paused */
                qemuDomainLogNote(driver->config, obj->def->name,
                                  "migration: finish failed on the destination %s after the source had sent the guest; it stays paused here until that daemon says whether it runs the guest",
                                  priv->migPeerURI);
                *unsettled = true;
            } else {
                qemuMigrationSrcRestoreSent(driver, obj, mon);
            }
        }
        if (mon)
            qemuProcessEndJob(driver, obj, mon);
    } else {
        /* the guest runs on the destination: nothing here is worth saving */
        qemuProcessAbandonJob(mon);
        ret = qemuMigrationSrcStopMigrated(driver, obj, flags, deferred);
    }
    if (*unsettled)
        qemuMigrationRecordLeave(obj);
    else
        qemuMigrationRecordEnd(driver, obj);
    return ret;
}


/* ------------------------------------------------------------------ */
/* Recovery of a job whose migrating process died                      */
/* ------------------------------------------------------------------ */

/* The rule. A guest must never run on both sides, and must not be left
 * paused on both:
 * - the destination has the whole guest only if the source completed
 *   (QEMU "postmigrate"), and a source that completed never runs the
 *   guest again by itself: then the destination is the only place it can
 *   run, and the job completes (also when the source's QEMU is gone or
 *   its root is unreachable);
 * - a source whose migration did not complete still has the guest (QEMU
 *   resumes it and plugs its primaries back after a failure or cancel,
 *   and a migration in progress is cancelled first): the job rolls back,
 *   whatever the destination holds (a destination that loaded everything
 *   while the source failed at the last step is killed);
 * - a source that completed while the destination lost the guest (its
 *   QEMU is gone, or still loading long after) runs the guest again;
 * - a source that completed while the destination's root is unreachable
 *   cannot know whether the guest runs there: nothing is done (the guest
 *   stays paused here and the record stays for the next command);
 * - so too while the destination (a daemon of another host) holds the
 *   guest paused without having decided: it settles that itself (it
 *   runs the guest only once the source called finish, see
 *   qemu_driver.c), and the source follows at a later look. */
qemuMigrationRecoverAction
qemuMigrationRecoverDecide(qemuMigrationSrcState src, qemuMigrationDstState dst)
{
    if (src == QEMU_MIGRATION_SRC_HAS_GUEST)
        return QEMU_MIGRATION_RECOVER_ROLLBACK;
    if (dst == QEMU_MIGRATION_DST_HAS_GUEST)
        return QEMU_MIGRATION_RECOVER_COMPLETE;
    if (src == QEMU_MIGRATION_SRC_SENT && (dst == QEMU_MIGRATION_DST_UNREACHABLE ||
                                           dst == QEMU_MIGRATION_DST_UNDECIDED))
        return QEMU_MIGRATION_RECOVER_KEEP;
    return QEMU_MIGRATION_RECOVER_ROLLBACK;
}

/* States of an outgoing migration that may still change by themselves. */
static const unsigned int qemuMigrationInProgress =
    QEMU_MIGRATION_SET(SETUP) | QEMU_MIGRATION_SET(WAIT_UNPLUG) | QEMU_MIGRATION_SET(ACTIVE) |
    QEMU_MIGRATION_SET(PRE_SWITCHOVER) | QEMU_MIGRATION_SET(DEVICE) |
    QEMU_MIGRATION_SET(CANCELLING);


/* The run state of @mon's QEMU; false (nothing reported) if it did not
 * answer */
static bool
qemuMigrationQueryRunState(qemuMonitor *mon, qemuMonitorRunState *state)
{
    if (qemuMonitorQueryStatus(mon, state) < 0) {
        virResetLastError();
        return false;
    }
    return true;
}

/* Where the source's QEMU is: a migration still in progress (nobody
 * watches its bounds any more) is cancelled first. @performed: the job
 * may have started sending (its record passed "begin", or is unknown).
 * The guest left only if QEMU stopped it for good ("postmigrate", or
 * "finish-migrate" on the way there): query-migrate alone does not say,
 * since a QEMU that came in by migration and never sent anything answers
 * "completed" too (its incoming one), and so does a source that resumed
 * the guest after its destination failed. */
static qemuMigrationSrcState
qemuMigrationRecoverSrcState(qemuMonitor *mon, bool performed, const char **migStatus)
{
    int status = qemuMigrationQueryStatus(mon);
    qemuMonitorRunState runstate;

    if (status >= 0 && (qemuMigrationInProgress & QEMU_MONITOR_MIGRATION_STATUS_SET(status))) {
        if (qemuMonitorMigrateCancel(mon) < 0)
            virResetLastError();
        qemuMigrationSrcWaitSettled(mon, qemuMigrationInProgress);
        status = qemuMigrationQueryStatus(mon);
    }
    *migStatus = status >= 0 ? qemuMonitorMigrationStatusTypeToString(status) : "none";
    if (!qemuMigrationQueryRunState(mon, &runstate))
        return QEMU_MIGRATION_SRC_GONE;
    if (performed &&
        (runstate == QEMU_MONITOR_RUN_STATE_POSTMIGRATE ||
         (runstate == QEMU_MONITOR_RUN_STATE_FINISH_MIGRATE &&
          status == QEMU_MONITOR_MIGRATION_STATUS_COMPLETED)))
        return QEMU_MIGRATION_SRC_SENT;
    return QEMU_MIGRATION_SRC_HAS_GUEST;
}

/* Whether the destination's QEMU has the whole guest. After a source
 * that completed, the last bytes may still be loading: wait for them as
 * finish would (the incoming migration ends with a MIGRATION event, after
 * QEMU left "inmigrate"). */
static qemuMigrationDstState
qemuMigrationRecoverDstState(qemuMonitor *mon, bool sourceSent, const char **runstateOut)
{
    gint64 deadline = g_get_monotonic_time() +
                      (sourceSent ? (gint64)QEMU_MIGRATION_FINISH_TIMEOUT_MS * 1000 : 0);
    guint pos = qemuMonitorEventPosition(mon);

    for (;;) {
        qemuMonitorRunState runstate;
        const qemuMonitorEvent *ev = NULL;
        qemuMonitorWaitResult waited;

        if (!qemuMigrationQueryRunState(mon, &runstate))
            return QEMU_MIGRATION_DST_GONE;
        *runstateOut = qemuMonitorRunStateTypeToString(runstate);
        if (runstate != QEMU_MONITOR_RUN_STATE_INMIGRATE)
            return QEMU_MIGRATION_DST_HAS_GUEST;
        do {
            waited = qemuMonitorNextEvent(mon, &pos, deadline, &ev);
        } while (waited == QEMU_MONITOR_WAIT_WOKEN ||
                 (waited == QEMU_MONITOR_WAIT_EVENT && ev->type != QEMU_MONITOR_EVENT_MIGRATION));
        if (waited == QEMU_MONITOR_WAIT_CLOSED)
            return QEMU_MIGRATION_DST_GONE;
        if (waited != QEMU_MONITOR_WAIT_EVENT)
            return QEMU_MIGRATION_DST_INCOMING;
    }
}

/* Connect to the QEMU of one side; NULL if it has none (a dead QEMU is
 * cleaned up on the way). */
static qemuMonitor *
qemuMigrationRecoverConnect(qemuMigrationSide *side)
{
    qemuMonitor *mon;

    if (!side->driver || !side->obj || !virDomainObjIsActive(side->obj))
        return NULL;
    if (!(mon = qemuProcessBeginJob(side->driver, side->obj)))
        virResetLastError();
    return mon;
}

qemuMigrationRecoverAction
qemuMigrationRecover(const char *name, qemuMigrationSide *src, qemuMigrationSide *dst,
                     unsigned int flags, bool wasPaused, const char *step,
                     const char *srcStep)
{
    qemuMonitor *smon = qemuMigrationRecoverConnect(src);
    qemuMonitor *dmon = NULL;
    qemuMigrationSrcState sstate;
    qemuMigrationDstState dstate;
    qemuMigrationRecoverAction action;
    const char *migStatus = "none";
    const char *dstRunstate = "none";
    g_autofree char *summary = NULL;

    if (!src->driver)
        sstate = src->told >= 0 ? src->told : QEMU_MIGRATION_SRC_UNREACHABLE;
    else if (!smon)
        sstate = QEMU_MIGRATION_SRC_GONE;
    else
        sstate = qemuMigrationRecoverSrcState(smon, STRNEQ_NULLABLE(srcStep, "begin"),
                                              &migStatus);

    dmon = qemuMigrationRecoverConnect(dst);
    if (!dst->driver)
        dstate = dst->told >= 0 ? dst->told : QEMU_MIGRATION_DST_UNREACHABLE;
    else if (!dmon)
        dstate = QEMU_MIGRATION_DST_GONE;
    else
        dstate = qemuMigrationRecoverDstState(dmon, sstate == QEMU_MIGRATION_SRC_SENT,
                                              &dstRunstate);

    action = qemuMigrationRecoverDecide(sstate, dstate);
    /* a QEMU that lives but does not answer could be anywhere */
    if ((!smon && src->obj && virDomainObjIsActive(src->obj)) ||
        (!dmon && dst->obj && virDomainObjIsActive(dst->obj)))
        action = QEMU_MIGRATION_RECOVER_KEEP;
    summary = g_strdup_printf("migration interrupted at step '%s' (its process is gone or left it unsettled) recovered: source %s (migration %s), destination %s (QEMU %s): %s",
                              NULLSTR(step), qemuMigrationSrcStateTypeToString(sstate),
                              migStatus, qemuMigrationDstStateTypeToString(dstate),
                              dstRunstate, qemuMigrationRecoverActionTypeToString(action));
    /* a job kept is tried again at every command: the caller warns */
    if (src->driver && action != QEMU_MIGRATION_RECOVER_KEEP)
        qemuDomainLogNote(src->driver->config, name, "%s", summary);
    if (dst->driver && dst->driver != src->driver && action != QEMU_MIGRATION_RECOVER_KEEP)
        qemuDomainLogNote(dst->driver->config, name, "%s", summary);

    switch (action) {
    case QEMU_MIGRATION_RECOVER_COMPLETE:
        /* the source first: the guest never runs on both (a source whose
         * QEMU is gone may still have a definition to drop) */
        qemuProcessAbandonJob(g_steal_pointer(&smon));
        if (src->driver && src->obj) {
            if (qemuMigrationSrcStopMigrated(src->driver, src->obj, flags, NULL) < 0) {
                virReportWarning(_("domain '%s' now runs on its destination, but its definition could not be removed from the source: %s"),
                                 src->obj->def->name, virGetLastErrorMessage());
                virResetLastError();
            }
        }
        if (dmon) {
            if (qemuMigrationDstRun(dst->driver, dst->obj, dmon, wasPaused ? VIR_MIGRATE_PAUSED : 0) < 0) {
                virReportWarning(_("domain '%s' arrived whole on its destination but could not be resumed there: %s; resume it with 'virsh resume'"),
                                 dst->obj->def->name, virGetLastErrorMessage());
                virResetLastError();
            }
            qemuProcessEndJob(dst->driver, dst->obj, g_steal_pointer(&dmon));
            qemuMigrationDstPersist(dst->driver, dst->obj, flags);
            /* the incoming start is complete now, whatever its process
             * had done: nobody is to undo it */
            qemuProcessStartRecordClear(dst->driver, dst->obj->def->name);
        }
        break;

    case QEMU_MIGRATION_RECOVER_ROLLBACK:
        /* the destination first: the guest never runs on both */
        if (dmon) {
            qemuProcessAbandonJob(g_steal_pointer(&dmon));
            qemuProcessStop(dst->driver, dst->obj, VIR_DOMAIN_SHUTOFF_FAILED);
            qemuProcessStartRecordClear(dst->driver, dst->obj->def->name);
        }
        if (smon) {
            qemuDomainObjGetPrivate(src->obj)->migWasPaused = wasPaused;
            qemuMigrationSrcRestoreRun(src->driver, src->obj, smon);
            qemuProcessEndJob(src->driver, src->obj, g_steal_pointer(&smon));
        }
        break;

    case QEMU_MIGRATION_RECOVER_KEEP:
    case QEMU_MIGRATION_RECOVER_LAST:
        break;
    }
    if (smon)
        qemuProcessEndJob(src->driver, src->obj, smon);
    if (dmon)
        qemuProcessEndJob(dst->driver, dst->obj, dmon);
    return action;
}
