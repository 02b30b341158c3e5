/*
 * qemu_driver.c: the embedded QEMU driver (qemu:///embed?root=DIR)
 *
 * The driver runs inside the calling process. Several processes may open
 * the same root at once: changes to persistent definitions are made under
 * an exclusive lock on ROOT/lib/qemu/domains.lock, and every call first
 * brings its view of ROOT/lib/qemu/domains/ up to date (a stat of the
 * directory when nothing changed).
 */
#include "internal.h"

#include <sys/stat.h>

#include "datatypes.h"
#include "driver.h"
#include "hypervisor/virautostart.h"
#include "hypervisor/virrootrun.h"
#include "qemu_domain.h"
#include "qemu_domainlog.h"
#include "qemu_domain_events.h"
#include "qemu_driver.h"
#include "qemu_hostdev.h"
#include "qemu_hotplug.h"
#include "qemu_interface.h"
#include "qemu_migration.h"
#include "qemu_migration_peer.h"
#include "qemu_migration_peerconn.h"
#include "qemu_migration_tune.h"
#include "qemu_monitor_json.h"
#include "qemu_process.h"
#include "virdaemonuri.h"
#include "virerror.h"
#include "virfile.h"
#include "virfilelockwait.h"
#include "virhostinfo.h"
#include "virhostuuid.h"
#include "virprocess.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* Drivers by root directory: connections of one process to one root
 * share the driver. */
static virRootRegistry qemuDrivers = VIR_ROOT_REGISTRY_INIT;

static void
qemuDriverFree(void *opaque)
{
    virQEMUDriver *driver = opaque;

    qemuMigrationPeerConnCloseAll(driver);
    g_mutex_clear(&driver->peerConnsLock);
    virRootLockFree(driver->rootLock);
    virDomainObjListFree(driver->domains);
    networkDriverStateUnref(driver->network);
    if (driver->capsCache) {
        GHashTableIter iter;
        gpointer caps;

        g_hash_table_iter_init(&iter, driver->capsCache);
        while (g_hash_table_iter_next(&iter, NULL, &caps))
            virQEMUCapsFree(caps);
        g_hash_table_unref(driver->capsCache);
        g_ptr_array_unref(driver->capsRetired);
    }
    virQEMUDriverConfigFree(driver->config);
    virDomainEventStateFree(driver->domainEvents);
    g_clear_pointer(&driver->domainEventsSeen, g_hash_table_unref);
    g_mutex_clear(&driver->domainEventsLock);
    g_mutex_clear(&driver->capsLock);
    g_free(driver);
}

static void
qemuDriverUnref(virQEMUDriver *driver)
{
    virRootRegistryPut(&qemuDrivers, driver->config->root, driver, qemuDriverFree);
}

/* The system root's run/ is a link into the host's /run (virrootrun.h),
 * made before anything is written under it, under the root's lock. */
static int
qemuDriverLinkRun(virQEMUDriverConfig *cfg)
{
    g_autofree char *canon = g_canonicalize_filename(cfg->root, NULL);
    virRootLock *lock;
    int rc;

    if (STRNEQ(canon, VIR_SYSTEM_ROOT))
        return 0;
    if (virFileMakePath(cfg->libDir, 0700) < 0 ||
        !(lock = virRootLockNew(cfg->domainLockFile)))
        return -1;
    if ((rc = virRootLockAcquire(lock)) == 0) {
        rc = virRootRunLink(canon, VIR_SYSTEM_ROOT_RUN);
        virRootLockRelease(lock);
    }
    virRootLockFree(lock);
    if (rc == 1)
        g_info("%s/run is a directory that guests of this boot may use: it stays on the disk until the next boot of the host, when it becomes a link to %s",
               canon, VIR_SYSTEM_ROOT_RUN);
    return rc < 0 ? -1 : 0;
}

static void *
qemuDriverNew(const char *root)
{
    g_autoptr(virQEMUDriverConfig) cfg = NULL;
    virQEMUDriver *driver;

    if (!(cfg = virQEMUDriverConfigNew(root)) ||
        qemuDriverLinkRun(cfg) < 0 ||
        virQEMUDriverConfigMakeDirs(cfg) < 0)
        return NULL;
    /* files of writes whose process died while writing them (those of
     * live writers in other processes stay) */
    virFileRemoveStaleTemps(root);
    driver = g_new0(virQEMUDriver, 1);
    g_mutex_init(&driver->capsLock);
    g_mutex_init(&driver->domainEventsLock);
    g_mutex_init(&driver->peerConnsLock);
    driver->domainEvents = virDomainEventStateNew();
    driver->domainEventsTimer = -1;
    driver->config = g_steal_pointer(&cfg);
    virHostUUIDGet(driver->config->sysfsRoot, driver->hostUUID);
    driver->domains = virDomainObjListNew();
    if (!(driver->rootLock = virRootLockNew(driver->config->domainLockFile)) ||
        !(driver->network = networkDriverStateGet(root))) {
        qemuDriverFree(driver);
        return NULL;
    }
    return driver;
}

/* qemuDriverUnref as a GDestroyNotify or virFreeCallback: the free
 * function of whatever holds a reference on the driver */
static void
qemuDriverUnrefNotify(gpointer driver)
{
    qemuDriverUnref(driver);
}

static virQEMUDriver *
qemuDriverGet(const char *root)
{
    return virRootRegistryGet(&qemuDrivers, root, qemuDriverNew, NULL);
}

/* The same without waiting: 1 taken, 0 another process holds it. */
static int
qemuDriverTryLockRoot(virQEMUDriver *driver)
{
    return virRootLockTryAcquire(driver->rootLock);
}

static virDomainObj *qemuDomainObjFromDomain(virQEMUDriver *driver, virDomainPtr dom);
static void qemuDomainsAutostart(virQEMUDriver *driver);
static int qemuDomainObjBeginJobAPI(virQEMUDriver *driver, virDomainObj *obj,
                                    qemuDomainJob job, const char *api);

/* For operations that change a domain: its object (referenced, locked:
 * virDomainObjEndAPI) in a job @job of operation @api (qemuDomainObjEndJob),
 * up to date with the disk; NULL on failure. */
static virDomainObj *
qemuDomainObjAcquire(virQEMUDriver *driver, virDomainPtr dom, qemuDomainJob job,
                     const char *api)
{
    virDomainObj *obj;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return NULL;
    if (qemuDomainObjBeginJobAPI(driver, obj, job, api) < 0) {
        virDomainObjEndAPI(&obj);
        return NULL;
    }
    return obj;
}

/* The end of qemuDomainObjAcquire. */
static void
qemuDomainObjRelease(virDomainObj **obj)
{
    qemuDomainObjEndJob(*obj);
    virDomainObjEndAPI(obj);
}

static gint64
qemuStatMtimeNs(const struct stat *sb)
{
    return (gint64)sb->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb->st_mtim.tv_nsec;
}

/* A sync from disk leaves alone an object in a job of this process (what
 * its job made of it is newer than the disk, and only the job's thread
 * changes it), except @self: the object of the caller's own job, which
 * has just taken the domain's job lock. */
static bool
qemuDomainsSyncSkips(virDomainObj *obj, virDomainObj *self)
{
    return obj->busy > 0 && obj != self;
}

/* May the running domain of status file @path (definition @live) have
 * its UUID? @obj is the domain of its name (or NULL). One UUID names one
 * domain: a running domain keeps its UUID against definitions (a config
 * sharing it is skipped with a warning when configs are read), and of two
 * status files sharing one, the first read (by name) keeps it. What the
 * list holds is from the last sync: only a definition still on disk
 * unchanged (virDomainObjConfigIsCurrent) is weighed against the status;
 * one undefined or redefined since is not (the configs read next are of
 * this moment). Root lock held, @obj locked. */
static bool
qemuDomainsStatusClaimUUID(virQEMUDriver *driver, const char *path, virDomainObj *obj,
                           const virDomainDef *live)
{
    virDomainObj *other = virDomainObjListFindByUUID(driver->domains, live->uuid);
    const char *configDir = driver->config->domainConfigDir;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    virUUIDFormat(live->uuid, uuidstr);
    if (obj && memcmp(obj->def->uuid, live->uuid, VIR_UUID_BUFLEN) != 0 &&
        virDomainObjConfigIsCurrent(obj, configDir)) {
        virReportWarning(_("ignoring status file '%s': it gives domain '%s' the UUID %s, not its own"),
                         path, live->name, uuidstr);
        return false;
    }
    if (!other || other == obj)
        return true;
    {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(other);
        g_autofree char *otherPath = NULL;

        if (virDomainObjIsActive(other) || other->busy) {
            virReportWarning(_("ignoring status file '%s': its UUID %s is the UUID of running domain '%s'"),
                             path, uuidstr, other->def->name);
            return false;
        }
        /* a definition that took the UUID of this running domain, or one
         * gone or replaced since the last sync: it goes */
        if (virDomainObjConfigIsCurrent(other, configDir)) {
            otherPath = virDomainConfigFile(configDir, other->def->name);
            virReportWarning(_("ignoring domain config '%s': its UUID %s is the UUID of running domain '%s' ('%s')"),
                             otherPath, uuidstr, live->name, path);
        }
        virDomainObjRef(other);
        virDomainObjListRemove(driver->domains, other);
    }
    virDomainObjUnref(other);
    return true;
}

/* Load one status file into the list (creating a transient object when
 * there is no persistent config). Root lock held. */
static void
qemuDomainsSyncOneStatus(virQEMUDriver *driver, const char *path,
                         const char *name, const struct stat *sb, virDomainObj *self)
{
    virDomainObj *found = virDomainObjListFindByName(driver->domains, name);
    g_autoptr(virDomainObj) obj = found ? virDomainObjRef(found) : NULL;
    VIR_LOCK_GUARD lock = obj ? virDomainObjLockGuard(obj) : NULL;
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) live = NULL;
    qemuDomainObjPrivate *priv;
    qemuDomainObjPrivate parsed = { 0 };
    int state, reason;
    pid_t pid;

    if (obj && qemuDomainsSyncSkips(obj, self))
        return;
    if (obj && virDomainObjIsActive(obj)) {
        priv = qemuDomainObjGetPrivate(obj);
        if (priv->statusMtime == qemuStatMtimeNs(sb) && priv->statusIno == (guint64)sb->st_ino)
            return;
    }
    if (virFileReadAll(path, 10 * 1024 * 1024, &xml) < 0 ||
        qemuDomainObjParseStatus(xml, &live, &state, &reason, &pid, &parsed) < 0) {
        virReportWarning(_("ignoring status file '%s': %s"), path, virGetLastErrorMessage());
        virResetLastError();
        g_free(parsed.monitorPath);
        g_free(parsed.emulator);
        return;
    }
    if (!qemuDomainsStatusClaimUUID(driver, path, obj, live)) {
        g_free(parsed.monitorPath);
        g_free(parsed.emulator);
        return;
    }
    if (obj && memcmp(obj->def->uuid, live->uuid, VIR_UUID_BUFLEN) != 0) {
        /* the name was defined or created again with another UUID since
         * the last sync: what we held of it is another domain */
        virDomainObjListRemove(driver->domains, obj);
        g_clear_pointer(&lock, g_mutex_locker_free);
        g_clear_pointer(&obj, virDomainObjUnref);
    }
    if (!obj) {
        virDomainObj *added = virDomainObjListAdd(driver->domains, g_steal_pointer(&live));

        obj = virDomainObjRef(added);
        lock = virDomainObjLockGuard(obj);
        obj->persistent = false;
    } else if (!virDomainObjIsActive(obj)) {
        virDomainObjSetLiveDef(obj, &live);
    } else {
        virDomainObjReplaceDef(obj, &live);
    }
    obj->state = state;
    obj->reason = reason;
    obj->pid = pid;
    priv = qemuDomainObjGetPrivate(obj);
    g_free(priv->monitorPath);
    priv->monitorPath = parsed.monitorPath;
    g_free(priv->emulator);
    priv->emulator = parsed.emulator;
    priv->simulatedVFs = parsed.simulatedVFs;
    priv->pidStartTime = parsed.pidStartTime;
    priv->statusMtime = qemuStatMtimeNs(sb);
    priv->statusIno = sb->st_ino;
}

/* A transient domain that stopped leaves the list, unless a migration in
 * this process still holds it (its phases run in other API calls):
 * confirm on the source, finish on the destination removes it then.
 * Root lock held. */
static void
qemuDomainObjRemoveStopped(virQEMUDriver *driver, virDomainObj *obj)
{
    if (qemuMigrationSrcIsActive(obj) ||
        qemuDomainObjGetPrivate(obj)->job.asyncJob != QEMU_ASYNC_JOB_NONE)
        return;
    virDomainObjListRemove(driver->domains, obj);
}

/* After an API's work on @obj (locked by the caller, also on return;
 * @inJob: the caller still holds its job): a transient domain that is not
 * running leaves the list, under the root's lock. */
static void
qemuDomainObjRemoveIfGone(virQEMUDriver *driver, virDomainObj *obj, bool inJob)
{
    if (obj->persistent || virDomainObjIsActive(obj))
        return;
    virDomainObjUnlock(obj);
    if (qemuDriverLockRoot(driver) < 0) {
        virResetLastError();
        virDomainObjLock(obj);
        return;
    }
    virDomainObjLock(obj);
    if (!obj->persistent && !virDomainObjIsActive(obj) && obj->busy <= (inJob ? 1 : 0))
        qemuDomainObjRemoveStopped(driver, obj);
    virDomainObjUnlock(obj);
    qemuDriverUnlockRoot(driver, true);
    virDomainObjLock(obj);
}

/* Running domains: ROOT/run/qemu/NAME.xml. Root lock held. */
static int
qemuDomainsSyncStatus(virQEMUDriver *driver, virDomainObj *self)
{
    g_autoptr(GHashTable) present = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) running = NULL;
    g_autoptr(GPtrArray) files = NULL;
    size_t i;

    /* by name: of two files claiming one UUID, the same one wins in every
     * process */
    if (!(files = virFileListDirSorted(driver->config->stateDir, ".xml")))
        return -1;
    for (i = 0; i < files->len; i++) {
        const char *file = g_ptr_array_index(files, i);
        g_autofree char *path = NULL;
        g_autofree char *name = NULL;
        struct stat sb;

        path = g_build_filename(driver->config->stateDir, file, NULL);
        if (stat(path, &sb) < 0)
            continue;
        name = g_strndup(file, strlen(file) - 4);
        qemuDomainsSyncOneStatus(driver, path, name, &sb, self);
        g_hash_table_add(present, g_steal_pointer(&name));
    }

    /* stopped by another process meanwhile */
    running = virDomainObjListCollectActive(driver->domains);
    for (i = 0; i < running->len; i++) {
        virDomainObj *obj = g_ptr_array_index(running, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        if (qemuDomainsSyncSkips(obj, self) || !virDomainObjIsActive(obj) ||
            g_hash_table_contains(present, obj->def->name))
            continue;
        obj->pid = 0;
        obj->state = VIR_DOMAIN_SHUTOFF;
        obj->reason = qemuProcessStoppedReason(driver, obj->def);
        if (obj->newDef)
            virDomainObjRestorePersistentDef(obj);
        else
            qemuDomainObjRemoveStopped(driver, obj);
    }
    return 0;
}

/* The list brought up to date with run/ and the definitions, both read
 * now: running domains first (they keep their UUIDs against configs).
 * Root lock held. */
static int
qemuDomainsSyncDisk(virQEMUDriver *driver, virDomainObj *self)
{
    if (qemuDomainsSyncStatus(driver, self) < 0 ||
        virDomainObjListSyncConfigDir(driver->domains, driver->config->domainConfigDir,
                                      self) < 0)
        return -1;
    return 0;
}

/* Is a domain recorded as running whose QEMU is gone? */
static bool
qemuDomainsAnyDead(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) running = virDomainObjListCollectActive(driver->domains);
    size_t i;

    for (i = 0; i < running->len; i++) {
        virDomainObj *obj = g_ptr_array_index(running, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        if (!obj->busy && virDomainObjIsActive(obj) && !qemuProcessIsRunning(obj))
            return true;
    }
    return false;
}

/* Domains whose QEMU died while nobody watched: clean them up. What was
 * read of run/ before taking the root's lock may be stale by then (another
 * process may have cleaned the domain up and started it again, with a new
 * QEMU and maybe the same VF): so run/ (with the definitions, of the same
 * moment) is read again under the lock, and
 * only what is still dead then is stopped, each in a destroy job taken
 * without waiting (a domain in a job here or elsewhere is left to it). */
static void
qemuDomainsReapDead(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) running = NULL;
    size_t i;

    if (!qemuDomainsAnyDead(driver))
        return;
    if (qemuDriverLockRoot(driver) < 0) {
        virResetLastError();
        return;
    }
    if (qemuDomainsSyncDisk(driver, NULL) < 0) {
        virResetLastError();
        qemuDriverUnlockRoot(driver, false);
        return;
    }
    running = virDomainObjListCollectActive(driver->domains);
    for (i = 0; i < running->len; i++) {
        virDomainObj *obj = g_ptr_array_index(running, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        if (!virDomainObjIsActive(obj) || qemuProcessIsRunning(obj))
            continue;
        if (qemuDomainObjTryBeginJob(driver->config->stateDir, obj, QEMU_JOB_DESTROY,
                                     "reap") <= 0) {
            virResetLastError();
            continue;
        }
        virDomainObjUnlock(obj);
        qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_CRASHED);
        virDomainObjLock(obj);
        qemuDomainObjEndJob(obj);
        if (!obj->persistent)
            qemuDomainObjRemoveStopped(driver, obj);
    }
    qemuDriverUnlockRoot(driver, true);
}

/* Starts whose starting process died: their start record is left and
 * the domain's job lock is free (a live starter holds it from before the
 * record until after its removal). Undone, before their VFs are given
 * back. Root lock held. */
static int
qemuDomainsUndoStarts(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) names = NULL;
    size_t i;
    int ret = 0;

    names = qemuProcessListStarting(driver);
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *lockPath = qemuDomainJobLockPath(driver->config->stateDir, name);
        virDomainObj *found = virDomainObjListFindByName(driver->domains, name);
        g_autoptr(virDomainObj) obj = found ? virDomainObjRef(found) : NULL;
        int fd;

        /* an incoming guest whose migration's process died too: the
         * migration's recovery decides (it may complete it) */
        if (qemuMigrationRecordExists(driver, name))
            continue;
        /* the job lock, without waiting: held, the start is under way */
        if ((fd = virFileLockWait(lockPath, 0, _("job lock"))) == -2)
            continue;
        if (fd < 0) {
            virResetLastError();
            continue;
        }
        if (obj && obj->busy) {
            virFileUnlock(fd);
            continue;
        }
        if (qemuProcessUndoStart(driver, obj, name) < 0)
            ret = -1;
        virFileUnlock(fd);
        if (ret == 0 && obj) {
            VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

            if (!obj->persistent && !virDomainObjIsActive(obj))
                qemuDomainObjRemoveStopped(driver, obj);
        }
    }
    return ret;
}

/* Once per process: host devices taken by a process that died before it
 * recorded them in a status file (or before it gave them back) are given
 * back: ownership records dropped, saved VF settings put back, pool VFs
 * returned to their pools (qemuHostdevReconcile). A device taken by a job
 * under way (a start, a hot-plug: their domain's job lock is held) is
 * left to it. While another process holds the root's lock this waits for
 * nobody: it is tried again at the next call. */
static void
qemuDomainsReconcilePools(virQEMUDriver *driver)
{
    int rc;

    if (g_atomic_int_get(&driver->poolsReconciled))
        return;
    if ((rc = qemuDriverTryLockRoot(driver)) <= 0) {
        virResetLastError();
        return;
    }
    if (qemuDomainsSyncDisk(driver, NULL) < 0 || qemuDomainsUndoStarts(driver) < 0 ||
        qemuHostdevReconcile(driver) < 0) {
        virReportWarning(_("cannot give back the VFs of stopped domains: %s"),
                         virGetLastErrorMessage());
        virResetLastError();
    } else {
        g_atomic_int_set(&driver->poolsReconciled, true);
    }
    qemuDriverUnlockRoot(driver, true);
}

static void qemuDomainsRecoverMigrations(virQEMUDriver *driver);
static void qemuDomainsMigrationsOrphaned(virQEMUDriver *driver, virConnectPtr conn);

/* Bring the domain list up to date with the persistent configs and the
 * run state on disk, which other processes may have changed: under the
 * root's lock when the root's generation moved (or @self: the caller has
 * just taken the job lock of that domain, which may have changed on disk
 * while it waited). Objects in a job of this process but @self are left
 * alone. No lock held by the caller but maybe the root's; @self
 * unlocked. */
static int
qemuDomainsSync(virQEMUDriver *driver, virDomainObj *self)
{
    bool changed = false;   /* by others: what listeners are to hear of */

    if (self || virRootLockIsStale(driver->rootLock)) {
        if (qemuDriverLockRoot(driver) < 0)
            return -1;
        changed = virRootLockIsStale(driver->rootLock);
        if ((self || changed) &&
            qemuDomainsSyncDisk(driver, self) < 0) {
            qemuDriverUnlockRoot(driver, false);
            return -1;
        }
        virRootLockSynced(driver->rootLock);
        qemuDriverUnlockRoot(driver, false);
    }
    /* before the dead are reaped: a reaped side takes its record along,
     * and the other side still needs it settled */
    qemuDomainsRecoverMigrations(driver);
    if (qemuDomainsAnyDead(driver))
        changed = true;
    qemuDomainsReapDead(driver);
    qemuDomainsReconcilePools(driver);
    /* only then: a diff on every call would cost every call a walk of
     * the list (this process's own changes are diffed where made) */
    if (changed)
        qemuDomainEventsDiff(driver);
    return 0;
}

/* Once this process holds the job lock of @obj (locked): bring the object
 * up to date with what other processes did to the domain meanwhile. */
static int
qemuDomainObjSyncSelf(virQEMUDriver *driver, virDomainObj *obj)
{
    int rc;

    virDomainObjUnlock(obj);
    rc = qemuDomainsSync(driver, obj);
    virDomainObjLock(obj);
    if (rc == 0 && obj->removed) {
        virReportError(VIR_ERR_NO_DOMAIN, _("domain '%s' is gone (undefined meanwhile)"),
                       obj->def->name);
        rc = -1;
    }
    return rc;
}

/* An async job (qemuDomainObjBeginAsyncJob), the object then synced. */
static int
qemuDomainObjBeginAsyncJobAPI(virQEMUDriver *driver, virDomainObj *obj,
                              qemuDomainAsyncJob job, const char *api)
{
    if (qemuDomainObjBeginAsyncJob(driver->config->stateDir,
                                   driver->config->jobWaitTimeout * 1000,
                                   obj, job, api, NULL) < 0)
        return -1;
    if (qemuDomainObjSyncSelf(driver, obj) < 0) {
        qemuDomainObjEndAsyncJob(obj);
        return -1;
    }
    return 0;
}

/* Begin job @job for operation @api on @obj (locked): qemuDomainObjBeginJob,
 * then, once the domain's job lock is ours, the object is brought up to
 * date with what other processes did to the domain meanwhile. 1 began;
 * 0 (a query: nothing reported) the domain is busy; -1 error. */
static int
qemuDomainObjBeginJobAPI(virQEMUDriver *driver, virDomainObj *obj, qemuDomainJob job,
                         const char *api)
{
    bool taken;
    int rc;

    if ((rc = qemuDomainObjBeginJob(driver->config->stateDir,
                                    driver->config->jobWaitTimeout * 1000,
                                    obj, job, api, &taken)) <= 0)
        return rc;
    if (taken && qemuDomainObjSyncSelf(driver, obj) < 0) {
        qemuDomainObjEndJob(obj);
        return -1;
    }
    return 1;
}

/* The root of a qemu:///embed?root=DIR URI (borrowed from *@params), or
 * NULL. */
static const char *
qemuDriverURIRoot(GUri *uri, GHashTable **params)
{
    const char *query = g_uri_get_query(uri);
    const char *root;

    if (!query ||
        !(*params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL)) ||
        !(root = g_hash_table_lookup(*params, "root")) || !*root)
        return NULL;
    return root;
}

/* The driver of a root that exists (nothing is created for a root whose
 * directory is gone: that side of a migration is unreachable). */
static virQEMUDriver *
qemuDriverGetExisting(const char *root)
{
    g_autofree char *run = g_build_filename(root, "run", "qemu", NULL);

    if (!g_file_test(run, G_FILE_TEST_IS_DIR))
        return NULL;
    return qemuDriverGet(root);
}

/* In *@obj the domain of @driver named in @rec if it has @rec's UUID,
 * referenced and marked busy (a sync leaves it to the recovery) until
 * qemuDomainsMigratingDone; NULL when that side has no such domain. 0;
 * -1 when the domain is in a job of this process: not there to recover
 * now (the job may only be trying the job lock the recovery holds), and
 * not absent either, which would mean its QEMU is gone. Root lock held. */
static int
qemuDomainsFindMigrating(virQEMUDriver *driver, const qemuMigrationRecord *rec,
                         virDomainObj **obj)
{
    virDomainObj *found = virDomainObjListFindByName(driver->domains, rec->name);
    VIR_LOCK_GUARD lock = found ? virDomainObjLockGuard(found) : NULL;

    *obj = NULL;
    if (!found || memcmp(found->def->uuid, rec->uuid, VIR_UUID_BUFLEN) != 0)
        return 0;
    if (found->busy)
        return -1;
    found->busy++;
    *obj = virDomainObjRef(found);
    return 0;
}

static void
qemuDomainsMigratingDone(virDomainObj *obj)
{
    if (!obj)
        return;
    virDomainObjLock(obj);
    obj->busy--;
    virDomainObjUnlock(obj);
    virDomainObjUnref(obj);
}

/* After a recovery: a transient domain that stopped leaves the list, and
 * other processes learn about the change. Root lock held. */
static void
qemuDomainsRecoveredSide(virQEMUDriver *driver, virDomainObj *obj)
{
    if (obj) {
        g_autoptr(virDomainObj) ref = virDomainObjRef(obj);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(ref);

        if (!virDomainObjIsActive(ref) && !ref->persistent && ref->busy <= 1)
            virDomainObjListRemove(driver->domains, ref);
    }
    virRootLockChanged(driver->rootLock);
}

/* One recovery at a time in this process: it locks the drivers of two
 * roots, and a sync of the other root (nested) must not start another. */
static gint qemuDomainsRecovering;
/* ROOT/NAME of the jobs that could not be settled, warned about once per
 * process (each command syncs several times); under qemuDomainsRecovering */
static GHashTable *qemuDomainsRecoverWarned;

/* An answer of a destination daemon came: settle the jobs waiting for
 * it (qemuMigrationPeerAsk). */
static void
qemuDomainsPeerAnswered(void *opaque)
{
    virQEMUDriver *driver = opaque;

    /* the record is still there (the job was kept): it is listed */
    if (qemuDomainsSync(driver, NULL) < 0)
        virResetLastError();
}

static void
qemuDomainsPeerUnref(void *opaque)
{
    qemuDriverUnref(opaque);
}

/* Is @rec the source of a migration whose destination is the daemon of
 * another host (a peer-to-peer migration opened its URI)? */
static bool
qemuDomainsPeerIsDaemon(const qemuMigrationRecord *rec)
{
    return rec->role == QEMU_MIGRATION_ROLE_SOURCE &&
        qemuMigrationPeerIsDaemon(rec->peerURI, rec->peerRoot);
}

/* Ask the daemon at @peerURI where the guest @name (@uuid) is, in the
 * background: the answer settles the job when it comes. */
static void
qemuDomainsPeerAsk(virQEMUDriver *driver, const char *name, const unsigned char *uuid,
                   const char *peerURI)
{
    g_autofree char *key = g_build_filename(driver->config->root, name, NULL);
    virQEMUDriver *ref;

    if (!(ref = qemuDriverGet(driver->config->root))) {
        virResetLastError();
        return;
    }
    qemuMigrationPeerAsk(driver->config, key, peerURI, name, uuid,
                         qemuDomainsPeerAnswered, ref, qemuDomainsPeerUnref);
}

/* The job of @name on this root, if the process that ran it is gone:
 * with this root, the other root and both job locks taken (never waited
 * for: whatever is busy is tried again at the next call), ask both QEMUs
 * and complete or roll back (qemuMigrationRecover). The list in sync. */
static void
qemuDomainsRecoverMigration(virQEMUDriver *driver, const char *name)
{
    g_autoptr(qemuMigrationRecord) rec = NULL;
    g_autoptr(qemuMigrationRecord) peerRec = NULL;
    virQEMUDriver *peer = NULL;
    bool rootLocked = false, peerRootLocked = false;
    int lockfd = -1, peerLockfd = -1;
    qemuMigrationSide self = { driver, NULL, -1 };
    qemuMigrationSide other = { NULL, NULL, -1 };
    qemuMigrationRecoverAction action;
    const qemuMigrationRecord *srcRec;
    int rc;

    if ((rc = qemuMigrationRecordAcquire(driver, name, &rec, &lockfd)) != 1)
        goto cleanup;
    if (qemuDriverTryLockRoot(driver) <= 0)
        goto cleanup;
    rootLocked = true;
    if (rec->peerRoot && (peer = qemuDriverGetExisting(rec->peerRoot)) && peer != driver) {
        if (qemuDriverTryLockRoot(peer) <= 0)
            goto cleanup;
        peerRootLocked = true;
        rc = qemuMigrationRecordAcquire(peer, name, &peerRec, &peerLockfd);
        if (rc == 2 || rc < 0)
            goto cleanup;   /* a live process works on that side */
        if (peerRec && (peerRec->role == rec->role ||
                        memcmp(peerRec->uuid, rec->uuid, VIR_UUID_BUFLEN) != 0)) {
            /* another job's record: not ours to settle */
            qemuMigrationRecordRelease(peer, name, peerLockfd, false);
            peerLockfd = -1;
            g_clear_pointer(&peerRec, qemuMigrationRecordFree);
        }
        if (qemuDomainsSync(peer, NULL) < 0 ||
            qemuDomainsFindMigrating(peer, rec, &other.obj) < 0)
            goto cleanup;
        other.driver = peer;
    }
    if (qemuDomainsFindMigrating(driver, rec, &self.obj) < 0)
        goto cleanup;
    if (!other.driver && !rec->peerRoot) {
        /* the other side is the daemon of another host */
        if (qemuDomainsPeerIsDaemon(rec)) {
            g_autofree char *key = g_build_filename(driver->config->root, name, NULL);

            other.told = qemuMigrationPeerAnswer(key, rec->peerURI, rec->uuid);
        } else if (rec->role == QEMU_MIGRATION_ROLE_DESTINATION) {
            /* the source hands the guest over by calling finish: before
             * that, it still has the guest (it resumes it when finish
             * fails), whatever this side loaded */
            other.told = STREQ_NULLABLE(rec->step, "finish") ?
                QEMU_MIGRATION_SRC_SENT : QEMU_MIGRATION_SRC_HAS_GUEST;
        }
    }

    srcRec = rec->role == QEMU_MIGRATION_ROLE_SOURCE ? rec : peerRec;
    if (rec->role == QEMU_MIGRATION_ROLE_SOURCE)
        action = qemuMigrationRecover(name, &self, &other, rec->flags,
                                      srcRec->wasPaused, rec->step, srcRec->step);
    else
        action = qemuMigrationRecover(name, &other, &self, rec->flags,
                                      srcRec ? srcRec->wasPaused : !!(rec->flags & VIR_MIGRATE_PAUSED),
                                      rec->step, srcRec ? srcRec->step : NULL);
    if (action == QEMU_MIGRATION_RECOVER_KEEP) {
        g_autofree char *key = g_build_filename(driver->config->root, name, NULL);
        const char *why = _("that root is unreachable and the guest may run there");

        if (other.driver) {
            why = _("a QEMU of it does not answer on its monitor");
        } else if (qemuDomainsPeerIsDaemon(rec)) {
            /* the destination's daemon knows: ask it (again) */
            qemuDomainsPeerAsk(driver, rec->name, rec->uuid, rec->peerURI);
            why = _("its destination daemon has not said yet whether the guest runs there (it is asked in the background)");
        }

        if (!qemuDomainsRecoverWarned)
            qemuDomainsRecoverWarned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        if (!g_hash_table_add(qemuDomainsRecoverWarned, g_steal_pointer(&key)))
            goto cleanup;
        virReportWarning(_("domain '%s': the migration job left by a process (%s, with root '%s') cannot be settled now: %s; the guest stays as it is and the next command on either root tries again"),
                         name, qemuMigrationRoleTypeToString(rec->role), NULLSTR(rec->peerRoot),
                         why);
        goto cleanup;
    }
    qemuMigrationRecordRelease(driver, name, lockfd, true);
    lockfd = -1;
    if (peerLockfd >= 0)
        qemuMigrationRecordRelease(peer, name, peerLockfd, true);
    peerLockfd = -1;
    qemuDomainsRecoveredSide(driver, self.obj);
    if (other.driver)
        qemuDomainsRecoveredSide(peer, other.obj);

 cleanup:
    virResetLastError();
    qemuDomainsMigratingDone(self.obj);
    qemuDomainsMigratingDone(other.obj);
    if (peerLockfd >= 0)
        qemuMigrationRecordRelease(peer, name, peerLockfd, false);
    if (peerRootLocked)
        qemuDriverUnlockRoot(peer, false);
    if (peer)
        qemuDriverUnref(peer);
    if (rootLocked)
        qemuDriverUnlockRoot(driver, false);
    if (lockfd >= 0)
        qemuMigrationRecordRelease(driver, name, lockfd, false);
}

/* Jobs of migrations whose process died (see qemu_migration.h). */
static void
qemuDomainsRecoverMigrations(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) names = NULL;
    size_t i;

    guint64 gen;

    if (!g_atomic_int_compare_and_exchange(&qemuDomainsRecovering, 0, 1))
        return;
    /* read before the listing: a record made after it moves it again */
    gen = virRootLockGeneration(driver->rootLock);
    if (driver->migrationsNone && driver->migrationsGen == gen) {
        g_atomic_int_set(&qemuDomainsRecovering, 0);
        return;
    }
    names = qemuMigrationRecordList(driver);
    driver->migrationsNone = names->len == 0;
    driver->migrationsGen = gen;
    for (i = 0; i < names->len; i++)
        qemuDomainsRecoverMigration(driver, g_ptr_array_index(names, i));
    g_atomic_int_set(&qemuDomainsRecovering, 0);
}

static virDrvOpenStatus
qemuConnectOpen(virConnectPtr conn, GUri *uri, unsigned int flags)
{
    g_autoptr(GHashTable) params = NULL;
    const char *path = g_uri_get_path(uri);
    const char *root;
    virQEMUDriver *driver;
    bool created = false;

    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VIR_DRV_OPEN_ERROR);

    if (STRNEQ_NULLABLE(g_uri_get_scheme(uri), "qemu"))
        return VIR_DRV_OPEN_DECLINED;
    if (g_uri_get_host(uri) && *g_uri_get_host(uri)) {
        virReportError(VIR_ERR_NO_CONNECT,
                       _("%s: remote QEMU hosts are not supported yet; use qemu:///embed?root=DIR"),
                       conn->uri);
        return VIR_DRV_OPEN_ERROR;
    }
    if (STRNEQ_NULLABLE(path, "/embed")) {
        virReportError(VIR_ERR_NO_CONNECT,
                       _("%s: only the embedded driver is available (no daemon); use qemu:///embed?root=DIR"),
                       conn->uri);
        return VIR_DRV_OPEN_ERROR;
    }
    if (!(root = qemuDriverURIRoot(uri, &params))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("%s: the embedded driver needs a root directory: qemu:///embed?root=DIR"),
                       conn->uri);
        return VIR_DRV_OPEN_ERROR;
    }
    if (!g_path_is_absolute(root)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("root directory '%s' must be an absolute path"), root);
        return VIR_DRV_OPEN_ERROR;
    }

    if (!(driver = virRootRegistryGet(&qemuDrivers, root, qemuDriverNew, &created)))
        return VIR_DRV_OPEN_ERROR;
    /* opening a root finds what happened while nobody watched: dead
     * guests are cleaned up and their VFs go back to the pools (network
     * calls see that too, not only domain calls) */
    if (!g_atomic_int_get(&driver->poolsReconciled) && qemuDomainsSync(driver, NULL) < 0) {
        virReportWarning(_("cannot read the domains of root '%s': %s"), root,
                         virGetLastErrorMessage());
        virResetLastError();
    }
    if (created)
        qemuDomainsAutostart(driver);
    conn->privateData = driver;
    return VIR_DRV_OPEN_SUCCESS;
}

static int
qemuConnectClose(virConnectPtr conn)
{
    virQEMUDriver *driver = conn->privateData;

    if (driver) {
        qemuDomainsMigrationsOrphaned(driver, conn);
        qemuDriverUnref(driver);
    }
    conn->privateData = NULL;
    return 0;
}

static const char *
qemuConnectGetType(virConnectPtr conn G_GNUC_UNUSED)
{
    return "QEMU";
}

static int
qemuConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    virQEMUDriver *driver = conn->privateData;
    virQEMUCaps *caps;

    if (!(caps = virQEMUDriverGetCaps(driver, QEMU_DEFAULT_EMULATOR)))
        return -1;
    *hvVer = caps->version;
    return 0;
}

/* The host QEMU runs on (the real one: sysfs_root only relocates the
 * SR-IOV devices of a simulated host). */
static int
qemuNodeGetInfo(virConnectPtr conn G_GNUC_UNUSED, virNodeInfoPtr info)
{
    virHostInfo host;

    if (virHostInfoGet(&host, "/sys", "/proc") < 0)
        return -1;
    G_STATIC_ASSERT(sizeof(info->model) == sizeof(host.model));
    memcpy(info->model, host.model, sizeof(info->model));
    info->memory = host.memory;
    info->cpus = host.cpus;
    info->mhz = host.mhz;
    info->nodes = host.nodes;
    info->sockets = host.sockets;
    info->cores = host.cores;
    info->threads = host.threads;
    return 0;
}

static void qemuDomainRefreshState(virQEMUDriver *driver, virDomainObj *obj,
                                   const char *api);

static virQEMUCaps *
qemuDriverCapsLookup(void *opaque, const char *emulator)
{
    return virQEMUDriverGetCaps(opaque, emulator);
}

/* What a parse asks the driver (opaque: the driver). */
static const qemuDomainParseLookups qemuDriverLookups = {
    .caps = qemuDriverCapsLookup,
    .netPool = qemuInterfaceNetIsPool,
};

static virDomainPtr
qemuDomainHandle(virConnectPtr conn, virDomainObj *obj)
{
    return virGetDomain(conn, obj->def->name, obj->def->uuid, obj->def->id);
}

/* Look up the object behind a handle: referenced and locked
 * (virDomainObjEndAPI); NULL with an error if gone. */
static virDomainObj *
qemuDomainObjFromDomain(virQEMUDriver *driver, virDomainPtr dom)
{
    virDomainObj *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (qemuDomainsSync(driver, NULL) < 0)
        return NULL;
    /* the name too: a handle acts on the domain it was given for, never
     * on another one that has its UUID now */
    if ((obj = virDomainObjListGetByUUID(driver->domains, dom->uuid)) &&
        STRNEQ(obj->def->name, dom->name))
        virDomainObjEndAPI(&obj);
    if (!obj) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching uuid '%s' (%s)"),
                       virUUIDFormat(dom->uuid, uuidstr), dom->name);
        return NULL;
    }
    return obj;
}

/* Autostart marks */

static char *
qemuDomainAutostartLink(virQEMUDriverConfig *cfg, const char *name)
{
    return g_strdup_printf("%s/%s.xml", cfg->autostartDir, name);
}

/* Is the domain @name marked autostart? (What another process marks is
 * seen at once: the mark is the link on disk, read on every call.) */
static bool
qemuDomainIsAutostart(virQEMUDriverConfig *cfg, const char *name)
{
    g_autofree char *link = qemuDomainAutostartLink(cfg, name);

    return virFileExists(link);
}

static virDomainPtr
qemuDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    virQEMUDriver *driver = conn->privateData;
    virQEMUDriverConfig *cfg = driver->config;
    g_autoptr(virDomainDef) def = NULL;
    unsigned int parseFlags = VIR_DOMAIN_DEF_PARSE_INACTIVE;
    virDomainObj *obj = NULL;       /* the existing domain, in a job */
    virDomainObj *target;
    virDomainPtr ret = NULL;
    bool conflict;
    bool redefined = false;

    virCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    if (flags & VIR_DOMAIN_DEFINE_VALIDATE)
        parseFlags |= VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;

    if (!(def = qemuDomainDefParseString(xml, parseFlags, &qemuDriverLookups, driver)) ||
        qemuDomainsSync(driver, NULL) < 0)
        return NULL;
    /* a domain of this UUID: its job, so that no start or migration of
     * it (here or in another process) runs while its config changes */
    if ((obj = virDomainObjListGetByUUID(driver->domains, def->uuid))) {
        if (qemuDomainObjBeginJobAPI(driver, obj, QEMU_JOB_MODIFY, "virDomainDefineXML") < 0) {
            virDomainObjEndAPI(&obj);
            return NULL;
        }
        redefined = obj->persistent;
        virDomainObjUnlock(obj);
    }

    if (qemuDriverLockRoot(driver) < 0)
        goto endjob;
    target = virDomainObjListCheckAdd(driver->domains, def, &conflict);
    if (conflict)
        goto unlock;
    if (target != obj) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' was defined or undefined by another caller meanwhile; try again"),
                       def->name);
        goto unlock;
    }

    /* The file first: if it cannot be written, nothing changed. */
    if (virDomainDefSaveConfig(cfg->domainConfigDir, def) < 0)
        goto unlock;

    if (!target)
        target = virDomainObjListAdd(driver->domains, g_steal_pointer(&def));
    virDomainObjLock(target);
    if (def)
        virDomainObjSetPersistentDef(target, &def);
    target->persistent = true;
    {
        g_autofree char *path = virDomainConfigFile(cfg->domainConfigDir, target->def->name);
        struct stat sb;

        /* remember which file we wrote, so a sync does not re-read it */
        if (stat(path, &sb) == 0) {
            target->configMtime = qemuStatMtimeNs(&sb);
            target->configIno = sb.st_ino;
        }
    }
    ret = qemuDomainHandle(conn, target);
    /* a new definition shows in the diff; a replaced one does not */
    if (redefined)
        qemuDomainEventQueueLifecycle(driver, target, VIR_DOMAIN_EVENT_DEFINED,
                                      VIR_DOMAIN_EVENT_DEFINED_UPDATED);
    virDomainObjUnlock(target);

 unlock:
    qemuDriverUnlockRoot(driver, ret != NULL);
 endjob:
    if (obj) {
        virDomainObjLock(obj);
        qemuDomainObjRelease(&obj);
    }
    qemuDomainEventsDiff(driver);
    return ret;
}

static int
qemuDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virQEMUDriverConfig *cfg = driver->config;
    virDomainObj *obj;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                  VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                  VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
                  VIR_DOMAIN_UNDEFINE_NVRAM |
                  VIR_DOMAIN_UNDEFINE_KEEP_NVRAM |
                  VIR_DOMAIN_UNDEFINE_TPM |
                  VIR_DOMAIN_UNDEFINE_KEEP_TPM, -1);

    if (!(obj = qemuDomainObjAcquire(driver, dom, QEMU_JOB_MODIFY, "virDomainUndefine")))
        return -1;
    if (!obj->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot undefine transient domain '%s'"), obj->def->name);
        goto cleanup;
    }
    virDomainObjUnlock(obj);
    if (qemuDriverLockRoot(driver) < 0) {
        virDomainObjLock(obj);
        goto cleanup;
    }
    if (virDomainDeleteConfig(cfg->domainConfigDir, obj->def->name) < 0) {
        qemuDriverUnlockRoot(driver, false);
        virDomainObjLock(obj);
        goto cleanup;
    }
    if (!virDomainObjIsActive(obj)) {
        qemuProcessClearStopped(driver, obj->def->uuid);
        /* a domain defined later under this name starts afresh */
        qemuMigrationTuneForget(driver, obj->def->name);
    }
    /* no longer defined, no longer started at boot (a failure leaves a
     * link to nothing, which marks nothing) */
    {
        g_autofree char *link = qemuDomainAutostartLink(cfg, obj->def->name);

        if (virFileRemove(link) < 0) {
            virReportWarning(_("domain '%s' is undefined but its autostart link stays: %s"),
                             obj->def->name, virGetLastErrorMessage());
            virResetLastError();
        }
    }
    virDomainObjLock(obj);
    if (virDomainObjIsActive(obj)) {
        virDomainObjDropPersistentDef(obj);
    } else {
        virDomainObjListRemove(driver->domains, obj);
    }
    virDomainObjUnlock(obj);
    qemuDriverUnlockRoot(driver, true);
    virDomainObjLock(obj);
    ret = 0;

 cleanup:
    qemuDomainObjRelease(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

static virDomainPtr
qemuDomainLookupByName(virConnectPtr conn, const char *name)
{
    virQEMUDriver *driver = conn->privateData;
    virDomainObj *obj;
    virDomainPtr ret;

    if (qemuDomainsSync(driver, NULL) < 0)
        return NULL;
    if (!(obj = virDomainObjListGetByName(driver->domains, name))) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching name '%s'"), name);
        return NULL;
    }
    ret = qemuDomainHandle(conn, obj);
    virDomainObjEndAPI(&obj);
    return ret;
}

static virDomainPtr
qemuDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virQEMUDriver *driver = conn->privateData;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *obj;
    virDomainPtr ret;

    if (qemuDomainsSync(driver, NULL) < 0)
        return NULL;
    if (!(obj = virDomainObjListGetByUUID(driver->domains, uuid))) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching uuid '%s'"),
                       virUUIDFormat(uuid, uuidstr));
        return NULL;
    }
    ret = qemuDomainHandle(conn, obj);
    virDomainObjEndAPI(&obj);
    return ret;
}

static bool
qemuDomainObjMatchesFlags(virQEMUDriverConfig *cfg, virDomainObj *obj, unsigned int flags)
{
    bool active = virDomainObjIsActive(obj);

    if ((flags & (VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE)) &&
        !((flags & VIR_CONNECT_LIST_DOMAINS_ACTIVE && active) ||
          (flags & VIR_CONNECT_LIST_DOMAINS_INACTIVE && !active)))
        return false;
    if ((flags & (VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT)) &&
        !((flags & VIR_CONNECT_LIST_DOMAINS_PERSISTENT && obj->persistent) ||
          (flags & VIR_CONNECT_LIST_DOMAINS_TRANSIENT && !obj->persistent)))
        return false;
    if (flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                 VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER)) {
        int st = obj->state;
        bool ok = (flags & VIR_CONNECT_LIST_DOMAINS_RUNNING && st == VIR_DOMAIN_RUNNING) ||
                  (flags & VIR_CONNECT_LIST_DOMAINS_PAUSED && st == VIR_DOMAIN_PAUSED) ||
                  (flags & VIR_CONNECT_LIST_DOMAINS_SHUTOFF && st == VIR_DOMAIN_SHUTOFF) ||
                  (flags & VIR_CONNECT_LIST_DOMAINS_OTHER &&
                   st != VIR_DOMAIN_RUNNING && st != VIR_DOMAIN_PAUSED &&
                   st != VIR_DOMAIN_SHUTOFF);
        if (!ok)
            return false;
    }
    /* No managed save, snapshots or checkpoints exist in this driver. */
    if (flags & (VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE |
                 VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT |
                 VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT))
        return false;
    if (flags & (VIR_CONNECT_LIST_DOMAINS_AUTOSTART | VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART)) {
        bool autostart = obj->persistent && qemuDomainIsAutostart(cfg, obj->def->name);

        if (!((flags & VIR_CONNECT_LIST_DOMAINS_AUTOSTART && autostart) ||
              (flags & VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART && !autostart)))
            return false;
    }
    return true;
}

static int
qemuConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                          unsigned int flags)
{
    virQEMUDriver *driver = conn->privateData;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) out = NULL;
    size_t i;
    int ret;

    virCheckFlags(0xffff, -1);

    if (qemuDomainsSync(driver, NULL) < 0)
        return -1;
    all = virDomainObjListCollect(driver->domains);
    out = g_ptr_array_new();
    for (i = 0; i < all->len; i++) {
        virDomainObj *obj = g_ptr_array_index(all, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        if (obj->removed || !qemuDomainObjMatchesFlags(driver->config, obj, flags))
            continue;
        if (domains)
            g_ptr_array_add(out, qemuDomainHandle(conn, obj));
        else
            g_ptr_array_add(out, obj);
    }
    ret = out->len;
    if (domains) {
        g_ptr_array_add(out, NULL);
        *domains = (virDomainPtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return ret;
}

static char *
qemuDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    virDomainDef *def;
    unsigned int formatFlags = 0;
    char *ret;

    virCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                  VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return NULL;
    /* the live view includes what QEMU knows now (failover state) */
    if (!(flags & VIR_DOMAIN_XML_INACTIVE) && virDomainObjIsActive(obj))
        qemuDomainRefreshState(driver, obj, "virDomainGetXMLDesc");

    def = obj->def;
    if ((flags & VIR_DOMAIN_XML_INACTIVE) && obj->newDef)
        def = obj->newDef;
    if ((flags & VIR_DOMAIN_XML_INACTIVE) || !virDomainObjIsActive(obj))
        formatFlags |= VIR_DOMAIN_DEF_FORMAT_INACTIVE;
    if (flags & VIR_DOMAIN_XML_MIGRATABLE)
        formatFlags |= VIR_DOMAIN_DEF_FORMAT_MIGRATABLE;

    ret = virDomainDefFormat(def, formatFlags);
    virDomainObjEndAPI(&obj);
    return ret;
}

static int
qemuDomainIsActive(virDomainPtr dom)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    int ret;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    ret = virDomainObjIsActive(obj);
    virDomainObjEndAPI(&obj);
    return ret;
}

static char *
qemuDomainGetOSType(virDomainPtr dom)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    char *ret;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return NULL;
    ret = g_strdup(obj->def->os.type);
    virDomainObjEndAPI(&obj);
    return ret;
}

/* This driver saves no domain state to disk (no save, managedsave or
 * snapshots): a domain exists, and has no managed save image. */
static int
qemuDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;

    virCheckFlags(0, -1);

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    virDomainObjEndAPI(&obj);
    return 0;
}

/* QEMU runs as the user of the driver, unconfined: libvirt's "none"
 * security model (no labels; what libvirt reports with
 * security_driver = "none"). */
#define QEMU_SECURITY_MODEL "none"
#define QEMU_SECURITY_DOI "0"

static int
qemuNodeGetSecurityModel(virConnectPtr conn G_GNUC_UNUSED, virSecurityModelPtr secmodel)
{
    memset(secmodel, 0, sizeof(*secmodel));
    g_strlcpy(secmodel->model, QEMU_SECURITY_MODEL, sizeof(secmodel->model));
    g_strlcpy(secmodel->doi, QEMU_SECURITY_DOI, sizeof(secmodel->doi));
    return 0;
}

static int
qemuDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    virDomainObjEndAPI(&obj);
    /* the "none" model labels nothing */
    memset(seclabel, 0, sizeof(*seclabel));
    return 0;
}

static int
qemuDomainIsPersistent(virDomainPtr dom)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    int ret;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    ret = obj->persistent;
    virDomainObjEndAPI(&obj);
    return ret;
}

/* Start the defined domain @obj (referenced, locked) in a start job of
 * operation @api. */
static int
qemuDomainObjStart(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags,
                   const char *api)
{
    int ret = -1;

    if (qemuDomainObjBeginAsyncJobAPI(driver, obj, QEMU_ASYNC_JOB_START, api) < 0)
        return -1;
    if (virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running"), obj->def->name);
        goto endjob;
    }
    /* the job's thread works unlocked (queries read the object meanwhile) */
    virDomainObjUnlock(obj);
    ret = qemuProcessStart(driver, obj, flags);
    virDomainObjLock(obj);

 endjob:
    qemuDomainObjEndAsyncJob(obj);
    return ret;
}

static int
qemuDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    int ret;

    virCheckFlags(VIR_DOMAIN_START_PAUSED, -1);

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    if ((ret = qemuDomainObjStart(driver, obj, flags, "virDomainCreate")) == 0)
        dom->id = obj->def->id;
    virDomainObjEndAPI(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

/* Autostart */

/* The first process to open the root after the host booted starts the
 * domains marked autostart that are not running (after the networks:
 * their pools hand out the VFs). One that fails to start is a warning;
 * the others still start. */
static void
qemuDomainsAutostart(virQEMUDriver *driver)
{
    virQEMUDriverConfig *cfg = driver->config;
    g_autofree char *marker = g_build_filename(cfg->stateDir, VIR_AUTOSTART_MARKER, NULL);
    g_autoptr(GPtrArray) all = NULL;
    bool first;
    size_t i;

    if (qemuDriverLockRoot(driver) < 0) {
        virReportWarning(_("cannot autostart domains: %s"), virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    first = virDriverShouldAutostart(marker);
    qemuDriverUnlockRoot(driver, false);
    if (!first)
        return;
    all = virDomainObjListCollect(driver->domains);
    for (i = 0; i < all->len; i++) {
        virDomainObj *obj = virDomainObjRef(g_ptr_array_index(all, i));

        virDomainObjLock(obj);
        if (obj->persistent && !obj->removed && !virDomainObjIsActive(obj) &&
            qemuDomainIsAutostart(cfg, obj->def->name) &&
            qemuDomainObjStart(driver, obj, 0, "autostart") < 0) {
            virReportWarning(_("cannot autostart domain '%s': %s"),
                             obj->def->name, virGetLastErrorMessage());
            virResetLastError();
        }
        virDomainObjEndAPI(&obj);
    }
}

static int
qemuDomainGetAutostart(virDomainPtr dom, int *autostart)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    *autostart = obj->persistent && qemuDomainIsAutostart(driver->config, obj->def->name);
    virDomainObjEndAPI(&obj);
    return 0;
}

static int
qemuDomainSetAutostart(virDomainPtr dom, int autostart)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virQEMUDriverConfig *cfg = driver->config;
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    virDomainObj *obj;
    int ret = -1;

    if (!(obj = qemuDomainObjAcquire(driver, dom, QEMU_JOB_MODIFY, "virDomainSetAutostart")))
        return -1;
    if (!obj->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot set autostart for transient domain '%s' (define it first)"),
                       obj->def->name);
        goto cleanup;
    }
    link = qemuDomainAutostartLink(cfg, obj->def->name);
    /* relative: the root may be moved or mounted elsewhere */
    target = g_strdup_printf("../domains/%s.xml", obj->def->name);
    virDomainObjUnlock(obj);
    if (qemuDriverLockRoot(driver) < 0)
        goto relock;
    if (autostart) {
        if (symlink(target, link) < 0 && errno != EEXIST)
            virReportSystemError(errno, _("cannot create autostart link '%s'"), link);
        else
            ret = 0;
    } else {
        ret = virFileRemove(link);
    }
    qemuDriverUnlockRoot(driver, false);

 relock:
    virDomainObjLock(obj);
 cleanup:
    qemuDomainObjRelease(&obj);
    return ret;
}

static virDomainPtr
qemuDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    virQEMUDriver *driver = conn->privateData;
    g_autoptr(virDomainDef) def = NULL;
    unsigned int parseFlags = VIR_DOMAIN_DEF_PARSE_INACTIVE;
    virDomainObj *obj = NULL;
    virDomainPtr ret = NULL;
    bool conflict;

    virCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_VALIDATE, NULL);
    if (flags & VIR_DOMAIN_START_VALIDATE)
        parseFlags |= VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;
    if (!(def = qemuDomainDefParseString(xml, parseFlags, &qemuDriverLookups, driver)) ||
        qemuDomainsSync(driver, NULL) < 0 ||
        qemuDriverLockRoot(driver) < 0)
        return NULL;
    obj = virDomainObjListCheckAdd(driver->domains, def, &conflict);
    if (conflict || obj) {
        if (obj)
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' is already defined: use virsh start to run it"),
                           def->name);
        qemuDriverUnlockRoot(driver, false);
        return NULL;
    }
    obj = virDomainObjRef(virDomainObjListAdd(driver->domains, g_steal_pointer(&def)));
    obj->persistent = false;
    qemuDriverUnlockRoot(driver, false);

    virDomainObjLock(obj);
    /* the job lock of its name: another process may start it meanwhile */
    if (qemuDomainObjBeginAsyncJobAPI(driver, obj, QEMU_ASYNC_JOB_START,
                                      "virDomainCreateXML") < 0)
        goto remove;
    if (virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running"), obj->def->name);
        qemuDomainObjEndAsyncJob(obj);
        goto cleanup;
    }
    /* a new transient domain: nothing of an earlier run of its name (a
     * migration speed set then) applies */
    if (!obj->persistent)
        qemuMigrationTuneForget(driver, obj->def->name);
    virDomainObjUnlock(obj);
    if (qemuProcessStart(driver, obj, flags & VIR_DOMAIN_START_PAUSED) < 0) {
        virDomainObjLock(obj);
        qemuDomainObjEndAsyncJob(obj);
        goto remove;
    }
    virDomainObjLock(obj);
    qemuDomainObjEndAsyncJob(obj);
    ret = qemuDomainHandle(conn, obj);
    goto cleanup;

 remove:
    qemuDomainObjRemoveIfGone(driver, obj, false);
 cleanup:
    virDomainObjEndAPI(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

static int
qemuDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL, -1);

    if (!(obj = qemuDomainObjAcquire(driver, dom, QEMU_JOB_DESTROY, "virDomainDestroy")))
        return -1;
    virDomainObjUnlock(obj);
    if (!virDomainObjIsActive(obj)) {
        int rc;

        /* its QEMU may run without a usable status file (a damaged one) */
        if ((rc = qemuProcessStopUnrecorded(driver, obj->def)) < 0)
            goto cleanup;
        if (rc == 0) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' is not running"), obj->def->name);
            goto cleanup;
        }
        /* its VFs, recorded in the lost status, go back to their pools */
        g_atomic_int_set(&driver->poolsReconciled, false);
        dom->id = -1;
        ret = 0;
        goto cleanup;
    }
    if ((flags & VIR_DOMAIN_DESTROY_GRACEFUL) &&
        qemuProcessShutdownGracefully(driver, obj) < 0)
        goto cleanup;
    qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_DESTROYED);
    /* a QEMU of the guest that its status did not name (it was left
     * running, without a status) goes too */
    if (qemuProcessStopUnrecorded(driver, obj->def) < 0)
        goto cleanup;
    dom->id = -1;
    ret = 0;

 cleanup:
    virDomainObjLock(obj);
    qemuDomainObjRemoveIfGone(driver, obj, true);
    qemuDomainObjRelease(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

/* Run one QMP command on a running domain, then record @state/@reason
 * (when >= 0). */
/* Run one QMP command on a running domain, then record @state/@reason
 * (when >= 0). */
static int
qemuDomainSimpleJob(virDomainPtr dom, const char *api, int (*cmd)(qemuMonitor *mon),
                    int state, int reason)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    qemuMonitor *mon = NULL;
    int ret = -1;

    if (!(obj = qemuDomainObjAcquire(driver, dom, QEMU_JOB_MODIFY, api)))
        return -1;
    virDomainObjUnlock(obj);
    if (!(mon = qemuProcessBeginJob(driver, obj)))
        goto cleanup;
    if (cmd(mon) < 0)
        goto endjob;
    qemuProcessApplyEvents(driver, obj, mon);
    if (state >= 0) {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        obj->state = state;
        obj->reason = reason;
    }
    ret = 0;

 endjob:
    qemuProcessEndJob(driver, obj, mon);
 cleanup:
    virDomainObjLock(obj);
    qemuDomainObjRelease(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

static int
qemuDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    virCheckFlags(VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN, -1);
    /* the guest powers off on its own time; its state follows then */
    return qemuDomainSimpleJob(dom, "virDomainShutdown", qemuMonitorSystemPowerdown, -1, -1);
}

static int
qemuDomainSuspend(virDomainPtr dom)
{
    return qemuDomainSimpleJob(dom, "virDomainSuspend", qemuMonitorStop, VIR_DOMAIN_PAUSED,
                               VIR_DOMAIN_PAUSED_USER);
}

static int
qemuDomainResume(virDomainPtr dom)
{
    return qemuDomainSimpleJob(dom, "virDomainResume", qemuMonitorCont, VIR_DOMAIN_RUNNING,
                               VIR_DOMAIN_RUNNING_UNPAUSED);
}

/* Bring the running domain @uuid up to date with its QEMU. The object is
 * looked up again once the root is locked: what was read before may be
 * stale (another process may have stopped or restarted the domain). The
 * recorded state stands when the root or the monitor is busy (another
 * process, or this one, is in a job on it). */
/* Bring the running domain @obj (locked) up to date with its QEMU, in a
 * query job taken without waiting: when the domain is in a job, here or
 * in another process, the recorded state stands (a query never waits for
 * a job, nor for a QEMU that another job talks to). */
static void
qemuDomainRefreshState(virQEMUDriver *driver, virDomainObj *obj, const char *api)
{
    qemuMonitor *mon;

    if (qemuDomainObjBeginJobAPI(driver, obj, QEMU_JOB_QUERY, api) <= 0) {
        virResetLastError();
        return;
    }
    if (virDomainObjIsActive(obj)) {
        virDomainObjUnlock(obj);
        if ((mon = qemuProcessBeginJob(driver, obj)))
            qemuProcessEndJob(driver, obj, mon);
        virDomainObjLock(obj);
    }
    virResetLastError();
    qemuDomainObjEndJob(obj);
}

static int
qemuDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;

    virCheckFlags(0, -1);

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainObjIsActive(obj))
        qemuDomainRefreshState(driver, obj, "virDomainGetState");
    if (obj->removed) {
        /* a transient domain that stopped */
        *state = VIR_DOMAIN_SHUTOFF;
        if (reason)
            *reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    } else {
        *state = obj->state;
        if (reason)
            *reason = obj->reason;
    }
    virDomainObjEndAPI(&obj);
    return 0;
}

/* CPU time of the QEMU of @obj (0 when the pid is not that process). */
static unsigned long long
qemuDomainCPUTime(virDomainObj *obj)
{
    virProcessStat st;

    if (virProcessStatRead(obj->pid, &st) < 0 ||
        st.startTime != qemuDomainObjGetPrivate(obj)->pidStartTime)
        return 0;
    return (st.utime + st.stime) * (1000000000ULL / sysconf(_SC_CLK_TCK));
}

static int
qemuDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainObjIsActive(obj))
        qemuDomainRefreshState(driver, obj, "virDomainGetInfo");
    memset(info, 0, sizeof(*info));
    info->state = obj->removed ? VIR_DOMAIN_SHUTOFF : obj->state;
    info->maxMem = obj->def->memory;
    info->memory = obj->def->currentMemory;
    info->nrVirtCpu = obj->def->vcpus;
    info->cpuTime = virDomainObjIsActive(obj) ? qemuDomainCPUTime(obj) : 0;
    virDomainObjEndAPI(&obj);
    return 0;
}

static char *
qemuConnectGetCapabilities(virConnectPtr conn)
{
    virQEMUDriver *driver = conn->privateData;
    virQEMUCaps *caps;

    if (!(caps = virQEMUDriverGetCaps(driver, QEMU_DEFAULT_EMULATOR)))
        return NULL;
    return virQEMUCapsFormatHostCapabilities(caps, driver->hostUUID);
}

static char *
qemuConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                 const char *arch, const char *machine,
                                 const char *virttype, unsigned int flags)
{
    virQEMUDriver *driver = conn->privateData;
    virQEMUCaps *caps;
    char *ret = NULL;

    virCheckFlags(0, NULL);
    if (arch && STRNEQ(arch, "x86_64")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("architecture '%s' is not supported: only x86_64"), arch);
        return NULL;
    }
    if (virttype && STRNEQ(virttype, "kvm") && STRNEQ(virttype, "qemu")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("virtualization type '%s' is not supported: use kvm or qemu"),
                       virttype);
        return NULL;
    }
    if ((caps = virQEMUDriverGetCaps(driver, emulatorbin ? emulatorbin : QEMU_DEFAULT_EMULATOR))) {
        /* without a type: KVM when it can be used, else TCG */
        if (!virttype)
            virttype = caps->kvmUsable && virQEMUCapsGet(caps, QEMU_CAPS_KVM) ? "kvm" : "qemu";
        ret = virQEMUCapsFormatDomainCapabilities(caps, machine, virttype);
    }
    return ret;
}

/* The argv joined into one line, quoted for a POSIX shell where needed. */
static char *
qemuCommandLineToShell(const char * const *argv)
{
    GString *buf = g_string_new(NULL);
    size_t i;

    for (i = 0; qemuCommandEnv[i]; i++)
        g_string_append_printf(buf, "%s ", qemuCommandEnv[i]);
    for (i = 0; argv[i]; i++) {
        const char *a = argv[i];
        bool plain = *a != '\0';
        const char *p;

        for (p = a; *p && plain; p++)
            plain = g_ascii_isalnum(*p) || strchr("-_./=,:@+%", *p);
        if (i > 0)
            g_string_append_c(buf, ' ');
        if (plain) {
            g_string_append(buf, a);
        } else {
            g_autofree char *q = g_shell_quote(a);

            g_string_append(buf, q);
        }
    }
    g_string_append_c(buf, '\n');
    return g_string_free(buf, FALSE);
}

static char *
qemuConnectDomainXMLToNative(virConnectPtr conn, const char *format,
                             const char *xml, unsigned int flags)
{
    virQEMUDriver *driver = conn->privateData;
    g_autoptr(virDomainDef) def = NULL;
    g_auto(GStrv) argv = NULL;
    qemuCommandOptions opts;
    char *ret = NULL;

    virCheckFlags(0, NULL);
    if (STRNEQ(format, "qemu-argv")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("unsupported native format '%s': use 'qemu-argv'"), format);
        return NULL;
    }
    if ((def = qemuDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                                        &qemuDriverLookups, driver)) &&
        qemuInterfacePreview(driver, def) == 0 &&
        (argv = qemuProcessBuildCommand(driver, def, &opts, NULL)))
        ret = qemuCommandLineToShell((const char * const *)argv);
    return ret;
}

#define QEMU_MIGRATION_FLAGS (VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | \
                              VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE | \
                              VIR_MIGRATE_PAUSED | VIR_MIGRATE_CHANGE_PROTECTION | \
                              VIR_MIGRATE_UNSAFE | VIR_MIGRATE_ABORT_ON_ERROR | \
                              VIR_MIGRATE_TLS)

/* qemu:///embed?root=ROOT */
static char *
qemuDriverEmbedURI(const char *root)
{
    g_autofree char *escaped = g_uri_escape_string(root, "/", FALSE);

    return g_strdup_printf("qemu:///embed?root=%s", escaped);
}

/* Where the other side of @obj's migration is, from its cookie, or the
 * URI a peer-to-peer migration opened: kept for the record. */
static void
qemuDomainMigrateSetPeer(virDomainObj *obj, const qemuMigrationCookie *cookie,
                         const char *peerURI)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    const char *root = qemuMigrationCookieSameProcessRoot(cookie);

    /* a client-managed source learns its destination's daemon from the
     * cookie of prepare; only a URI of a daemon on TCP is opened */
    if (!peerURI && cookie && virDaemonURIIsValid(cookie->daemonURI))
        peerURI = cookie->daemonURI;
    virDomainObjLock(obj);
    g_free(priv->migPeerRoot);
    g_free(priv->migPeerURI);
    priv->migPeerRoot = g_strdup(root);
    priv->migPeerURI = root ? qemuDriverEmbedURI(root) : g_strdup(peerURI);
    virDomainObjUnlock(obj);
}

/* @conn drives @obj's migration (locked) from now on, with @flags. */
static void
qemuDomainMigrateOwn(virQEMUDriver *driver, virDomainObj *obj, virConnectPtr conn,
                     unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (!priv->migConn)
        g_atomic_int_inc(&driver->migrationsDriven);
    priv->migConn = conn;
    priv->migFlags = flags;
}

/* The job of @obj (locked) ended: nobody drives it any more. */
static void
qemuDomainMigrateDisown(virQEMUDriver *driver, virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

    if (priv->migConn)
        g_atomic_int_add(&driver->migrationsDriven, -1);
    priv->migConn = NULL;
}

static char *
qemuDomainMigrateBegin3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                              char **cookieout, int *cookieoutlen, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    gint64 entered = g_get_monotonic_time();
    const char *dxml = NULL;
    unsigned long long bandwidthMiB = 0;
    virDomainObj *obj;
    char *xml = NULL;
    int rc = -1;

    virCheckFlags(QEMU_MIGRATION_FLAGS, NULL);
    if (qemuMigrationParamsCheck(params, nparams, dom->name) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML, &dxml) < 0 ||
        virTypedParamsGetULLong(params, nparams, VIR_MIGRATE_PARAM_BANDWIDTH,
                                &bandwidthMiB) < 0 ||
        qemuMigrationTLSCheck(driver->config, flags, false) < 0)
        return NULL;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return NULL;
    if (!virDomainObjIsActive(obj) || qemuMigrationSrcIsActive(obj)) {
        /* refused, and begin says why */
        xml = qemuMigrationSrcBegin(driver, obj, flags, bandwidthMiB);
        virDomainObjEndAPI(&obj);
        return xml;
    }
    /* the domain's async job (and its job lock) from begin to confirm */
    if (qemuDomainObjBeginAsyncJobAPI(driver, obj, QEMU_ASYNC_JOB_MIGRATION_OUT,
                                      "virDomainMigrateBegin3Params") < 0) {
        virDomainObjEndAPI(&obj);
        return NULL;
    }
    virDomainObjUnlock(obj);
    /* the destination is not known yet: its cookie says (perform) */
    if (qemuDriverLockRoot(driver) == 0) {
        rc = qemuMigrationRecordStart(driver, obj, QEMU_MIGRATION_ROLE_SOURCE,
                                      NULL, NULL, flags, entered);
        qemuDriverUnlockRoot(driver, rc == 0);
    }
    /* the record first: from now on a crash leaves a job to recover */
    if (rc == 0 && !(xml = qemuMigrationSrcBegin(driver, obj, flags, bandwidthMiB)))
        qemuMigrationRecordEnd(driver, obj);
    if (xml) {
        qemuMigrationCookieBake(driver, obj, false, false, NULL, cookieout, cookieoutlen);
        /* the caller's definition for the destination; prepare checks
         * it against the cookie (same name and UUID) */
        if (dxml) {
            g_free(xml);
            xml = g_strdup(dxml);
        }
    }
    virDomainObjLock(obj);
    if (!xml)
        qemuDomainObjEndAsyncJob(obj);
    else
        qemuDomainMigrateOwn(driver, obj, dom->conn, flags);
    virDomainObjEndAPI(&obj);
    return xml;
}

static int
qemuDomainMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                                const char *cookiein, int cookieinlen,
                                char **cookieout, int *cookieoutlen,
                                char **uri_out, unsigned int flags)
{
    virQEMUDriver *driver = dconn->privateData;
    gint64 entered = g_get_monotonic_time();
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(qemuMigrationCookie) cookie = NULL;
    const char *xml = NULL;
    const char *migrateURI = NULL;
    const char *listenAddress = NULL;
    virDomainObj *obj;
    virDomainDef *persistentDef = NULL;
    bool added = false;
    bool conflict;
    char *uri = NULL;
    int retries = 0;
    int rc = -1;

    virCheckFlags(QEMU_MIGRATION_FLAGS, -1);
    if (qemuMigrationParamsCheck(params, nparams, NULL) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML, &xml) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_URI, &migrateURI) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_LISTEN_ADDRESS, &listenAddress) < 0)
        return -1;
    if (!xml) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s", _("no domain XML passed"));
        return -1;
    }
    if (qemuMigrationTLSCheck(driver->config, flags, true) < 0)
        return -1;
    if (!(def = qemuDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                                         &qemuDriverLookups, driver)))
        return -1;
    if (qemuMigrationParamsCheckName(params, nparams, def->name) < 0 ||
        qemuMigrationCookieEat(driver, def->name, def->uuid, cookiein, cookieinlen,
                               QEMU_MIGRATION_READS_PREPARE, &cookie) < 0)
        return -1;
 again:
    if (qemuDomainsSync(driver, NULL) < 0 || qemuDriverLockRoot(driver) < 0)
        return -1;
    obj = virDomainObjListCheckAdd(driver->domains, def, &conflict);
    if (conflict) {
        qemuDriverUnlockRoot(driver, false);
        return -1;
    }
    added = false;
    if (!obj) {
        obj = virDomainObjListAdd(driver->domains,
                                  virDomainDefCopy(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE));
        obj->persistent = false;
        added = true;
    }
    virDomainObjRef(obj);
    qemuDriverUnlockRoot(driver, false);

    virDomainObjLock(obj);
    /* the domain's async job (and its job lock) from prepare to finish */
    if (qemuDomainObjBeginAsyncJobAPI(driver, obj, QEMU_ASYNC_JOB_MIGRATION_IN,
                                      "virDomainMigratePrepare3Params") < 0) {
        /* the job we waited for removed the object (an earlier incoming
         * guest of this name dropped): a new one for this migration */
        if (obj->removed && !added && retries++ < 3) {
            virResetLastError();
            virDomainObjEndAPI(&obj);
            goto again;
        }
        goto remove;
    }
    if (virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running on the destination"), def->name);
        qemuDomainObjEndAsyncJob(obj);
        goto remove;
    }
    /* a domain not defined here arrives afresh: a migration speed set
     * in an earlier stay of its name is not its own */
    if (!obj->persistent)
        qemuMigrationTuneForget(driver, obj->def->name);
    /* run what the source runs; keep the destination's own persistent
     * definition as the config */
    if (obj->persistent)
        persistentDef = g_steal_pointer(&obj->def);
    virDomainObjReplaceDef(obj, &def);
    virDomainObjUnlock(obj);

    qemuDomainMigrateSetPeer(obj, cookie, NULL);
    if (qemuDriverLockRoot(driver) == 0) {
        qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

        rc = qemuMigrationRecordStart(driver, obj, QEMU_MIGRATION_ROLE_DESTINATION,
                                      priv->migPeerURI, priv->migPeerRoot, flags, entered);
        qemuDriverUnlockRoot(driver, rc == 0);
    }
    if (rc == 0 &&
        !(uri = qemuMigrationDstPrepare(driver, migrateURI, listenAddress,
                                        qemuMigrationCookieSameProcessRoot(cookie) != NULL,
                                        flags, &obj, cookieout, cookieoutlen)))
        qemuMigrationRecordEnd(driver, obj);
    virDomainObjLock(obj);
    if (persistentDef) {
        if (uri) {
            /* the destination's own definition stays the config: the
             * start's launch (in prepare's thread, before or after this)
             * keeps whatever the config is then as the persistent one */
            virDomainObjSetPersistentDef(obj, &persistentDef);
        } else {
            virDomainObjReplaceDef(obj, &persistentDef);
        }
    }
    if (uri) {
        *uri_out = uri;
        qemuDomainMigrateOwn(driver, obj, dconn, flags);
        virDomainObjEndAPI(&obj);
        qemuDomainEventsDiff(driver);
        return 0;
    }
    qemuDomainObjEndAsyncJob(obj);

 remove:
    if (added)
        qemuDomainObjRemoveIfGone(driver, obj, false);
    virDomainObjEndAPI(&obj);
    qemuDomainEventsDiff(driver);
    return -1;
}

/* The whole migration, run here: this side opens @dconnuri and drives
 * the destination's prepare and finish itself (protocol.md 4.2). */
static int
qemuDomainMigratePeer2Peer(virDomainPtr dom, const char *dconnuri,
                           virTypedParameterPtr params, int nparams, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    qemuMigrationPeerConn *pc;
    virConnectPtr dconn;
    virDomainPtr ddom;

    if (!dconnuri) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("peer-to-peer migration of '%s' needs the destination's URI"),
                       dom->name);
        return -1;
    }
    if (!(pc = qemuMigrationPeerConnGet(driver, dconnuri, dom->uuid)))
        return -1;
    dconn = qemuMigrationPeerConnConn(pc);
    ddom = virDomainMigrateRun(dom, dconn, dconnuri, params, nparams, flags & ~VIR_MIGRATE_PEER2PEER);
    /* for the next migration there, unless it closed; not one to an
     * embedded root of this process (cheap to open, and it would keep
     * that root's driver, and maybe through it this one, alive). The
     * error of a failed migration stays the last one. */
    qemuMigrationPeerConnPut(driver, pc, dconn->driver != dom->conn->driver);
    if (!ddom)
        return -1;
    virDomainFree(ddom);
    return 0;
}

static int
qemuDomainMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                                virTypedParameterPtr params, int nparams,
                                const char *cookiein, int cookieinlen,
                                char **cookieout, int *cookieoutlen,
                                unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    g_autoptr(qemuMigrationCookie) cookie = NULL;
    const char *uri = NULL;
    unsigned long long bandwidthMiB = 0;
    virDomainObj *obj;
    int ret = -1;

    virCheckFlags(QEMU_MIGRATION_FLAGS, -1);
    if (qemuMigrationParamsCheck(params, nparams, dom->name) < 0)
        return -1;
    if (flags & VIR_MIGRATE_PEER2PEER)
        return qemuDomainMigratePeer2Peer(dom, dconnuri, params, nparams, flags);
    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_URI, &uri) < 0 ||
        virTypedParamsGetULLong(params, nparams, VIR_MIGRATE_PARAM_BANDWIDTH,
                                &bandwidthMiB) < 0)
        return -1;
    if (!uri) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("no migration URI for domain '%s': the destination's prepare gives it (parameter migrate_uri)"),
                       dom->name);
        return -1;
    }
    if (qemuMigrationCookieEat(driver, dom->name, dom->uuid, cookiein, cookieinlen,
                               QEMU_MIGRATION_READS_PERFORM, &cookie) < 0)
        return -1;

    /* Within the async job begun by begin: the object stays unlocked while
     * the migration runs, so that other threads (progress, abort,
     * queries) are served. */
    if ((obj = virDomainObjListGetByUUID(driver->domains, dom->uuid)) &&
        !qemuMigrationSrcIsActive(obj))
        virDomainObjEndAPI(&obj);
    if (!obj) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is not being migrated"), dom->name);
        return -1;
    }
    virDomainObjUnlock(obj);
    qemuDomainMigrateSetPeer(obj, cookie, dconnuri);
    /* the live checks begin left running */
    if (qemuMigrationSrcWaitChecked(obj) == 0) {
        /* as the live check found it: the source keeps it so if the
         * destination fails late */
        virDomainObjLock(obj);
        qemuDomainObjGetPrivate(obj)->migWasPaused = obj->state != VIR_DOMAIN_RUNNING;
        virDomainObjUnlock(obj);
        ret = qemuMigrationSrcPerform(driver, obj, uri, bandwidthMiB, flags);
        /* for the destination's domjobinfo --completed */
        if (ret == 0)
            qemuMigrationCookieBake(driver, obj, false, true, NULL, cookieout, cookieoutlen);
    }
    virDomainObjLock(obj);
    virDomainObjEndAPI(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

/* The name of the domain of a finish: its parameter, or the name in the
 * definition the source sent. */
static char *
qemuDomainMigrateFinishName(virTypedParameterPtr params, int nparams)
{
    const char *dname = NULL;
    const char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    char *name = NULL;

    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME, &dname) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML, &xml) < 0)
        return NULL;
    if (dname)
        return g_strdup(dname);
    if (xml && (doc = virXMLParseStringCtxt(xml, _("(domain_definition)"), "domain", &ctxt)))
        name = virXPathString("string(./name[1])", ctxt);
    if (!name || !*name) {
        g_free(name);
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the migration's finish names no domain (destination_name or destination_xml)"));
        return NULL;
    }
    return name;
}

/* The async job of @obj's migration (locked, referenced) ended on this
 * side: the domain goes if nothing keeps it, @obj is released. */
static void
qemuDomainMigrateEnd(virQEMUDriver *driver, virDomainObj **obj)
{
    qemuDomainMigrateDisown(driver, *obj);
    qemuDomainObjEndAsyncJob(*obj);
    qemuDomainObjRemoveIfGone(driver, *obj, false);
    virDomainObjEndAPI(obj);
    qemuDomainEventsDiff(driver);
}

static virDomainPtr
qemuDomainMigrateFinish3Params(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
                               const char *cookiein, int cookieinlen,
                               char **cookieout, int *cookieoutlen,
                               unsigned int flags, int cancelled)
{
    virQEMUDriver *driver = dconn->privateData;
    g_autoptr(qemuMigrationCookie) cookie = NULL;
    g_autofree char *dname = NULL;
    virErrorPtr refused = NULL;
    virDomainObj *obj;
    virDomainPtr ret = NULL;
    int rc;

    virCheckFlags(QEMU_MIGRATION_FLAGS, NULL);
    if (qemuMigrationParamsCheck(params, nparams, NULL) < 0 ||
        !(dname = qemuDomainMigrateFinishName(params, nparams)))
        return NULL;
    if (!(obj = virDomainObjListGetByName(driver->domains, dname)) ||
        qemuDomainObjGetPrivate(obj)->job.asyncJob != QEMU_ASYNC_JOB_MIGRATION_IN) {
        virReportError(VIR_ERR_NO_DOMAIN, _("no incoming domain '%s'"), dname);
        if (obj)
            virDomainObjEndAPI(&obj);
        return NULL;
    }
    /* a cookie this side cannot take ends the incoming guest */
    if (qemuMigrationCookieEat(driver, obj->def->name, obj->def->uuid, cookiein, cookieinlen,
                               QEMU_MIGRATION_READS_FINISH, &cookie) < 0) {
        virErrorPreserveLast(&refused);
        cancelled = 1;
    }
    virDomainObjUnlock(obj);
    rc = qemuMigrationDstFinish(driver, obj, cancelled, flags);
    if (rc == 0) {
        qemuMigrationDstSaveJobStats(driver, obj->def->name, cookie);
        qemuMigrationCookieBake(driver, obj, true, false, NULL, cookieout, cookieoutlen);
    }
    virDomainObjLock(obj);
    if (rc == 0)
        ret = qemuDomainHandle(dconn, obj);
    qemuDomainMigrateEnd(driver, &obj);
    if (refused)
        virErrorRestore(&refused);
    return ret;
}

/* Confirm on the source for @obj (locked, referenced; released). */
static int
qemuDomainMigrateConfirmObj(virQEMUDriver *driver, virDomainObj **obj, bool cancelled,
                            unsigned int flags)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(*obj);
    g_autofree char *name = g_strdup((*obj)->def->name);
    g_autofree char *peerURI = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    bool unsettled;
    qemuReturn *deferred;
    int ret;

    memcpy(uuid, (*obj)->def->uuid, VIR_UUID_BUFLEN);
    virDomainObjUnlock(*obj);
    /* a migration that stopped before perform: the checks of begin may
     * still run */
    if (priv->migCheck && qemuMigrationSrcWaitChecked(*obj) < 0)
        virResetLastError();
    ret = qemuMigrationSrcConfirm(driver, *obj, cancelled, flags, &unsettled, &deferred);
    virDomainObjLock(*obj);
    if (unsettled)
        peerURI = g_strdup(priv->migPeerURI);
    qemuDomainMigrateEnd(driver, obj);
    /* the guest runs on the destination: its VFs here go back after this
     * call has answered, under the root's lock this thread passes on (so
     * whoever looks at them or takes the lock next finds them back); the
     * driver stays until then */
    if (deferred)
        qemuReturnStart(deferred, qemuDriverUnrefNotify, qemuDriverGet(driver->config->root));
    /* a job left unsettled (the destination's finish failed after the
     * guest was sent): its destination is asked now, and the answer
     * settles it (qemuDomainsRecoverMigration), whoever calls next */
    if (peerURI)
        qemuDomainsPeerAsk(driver, name, uuid, peerURI);
    return ret;
}

/* What priv->migConn of a migration whose connection closed holds until
 * its rollback (qemuDomainsMigrationsOrphaned) runs: the closed
 * connection's address could be a new connection's. */
static const char qemuMigrationOrphaned = 0;

typedef struct {
    virQEMUDriver *driver;      /* a reference */
    GPtrArray *objs;            /* references, each marked orphaned */
} qemuMigrationOrphans;

/* The rollback of each migration of @opaque, unless a phase called by
 * another connection ended it meanwhile. */
static gpointer
qemuDomainsMigrationsOrphanedThread(gpointer opaque)
{
    qemuMigrationOrphans *orphans = opaque;
    virQEMUDriver *driver = orphans->driver;
    size_t i;

    for (i = 0; i < orphans->objs->len; i++) {
        virDomainObj *obj = g_ptr_array_index(orphans->objs, i);
        qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
        unsigned int flags;

        virDomainObjLock(obj);
        if (priv->migConn != &qemuMigrationOrphaned) {
            virDomainObjEndAPI(&obj);
            continue;
        }
        flags = priv->migFlags;
        qemuDomainLogNote(driver->config, obj->def->name,
                          "migration: the client that drove it went away; %s",
                          priv->job.asyncJob == QEMU_ASYNC_JOB_MIGRATION_OUT ?
                          "rolled back, the guest stays here" :
                          "the incoming guest is dropped");
        if (priv->job.asyncJob == QEMU_ASYNC_JOB_MIGRATION_OUT) {
            if (qemuDomainMigrateConfirmObj(driver, &obj, true, flags) < 0)
                virResetLastError();
        } else {
            virDomainObjUnlock(obj);
            if (qemuMigrationDstFinish(driver, obj, true, flags) < 0)
                virResetLastError();
            virDomainObjLock(obj);
            qemuDomainMigrateEnd(driver, &obj);
        }
    }
    g_ptr_array_free(orphans->objs, TRUE);
    qemuDriverUnref(driver);
    g_free(orphans);
    return NULL;
}

/* The connection @conn closed while it still drove migrations (its
 * client went away between two phases): the source of each rolls back
 * as a confirm of a cancelled migration would, the destination drops
 * its incoming guest as a cancelled finish would. Either alone leaves
 * the guest running on the source only. The rollbacks wait for QEMU
 * (an incoming one may still be starting): they run in a thread of
 * their own, as the last reference to a connection may go on the
 * daemon's event loop, which must not wait. */
static void
qemuDomainsMigrationsOrphaned(virQEMUDriver *driver, virConnectPtr conn)
{
    g_autoptr(GPtrArray) objs = NULL;
    qemuMigrationOrphans *orphans;
    size_t i;

    if (g_atomic_int_get(&driver->migrationsDriven) == 0)
        return;
    orphans = g_new0(qemuMigrationOrphans, 1);
    orphans->objs = g_ptr_array_new();
    objs = virDomainObjListCollect(driver->domains);
    for (i = 0; i < objs->len; i++) {
        virDomainObj *obj = g_ptr_array_index(objs, i);
        qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);

        virDomainObjLock(obj);
        if (priv->migConn == conn) {
            priv->migConn = &qemuMigrationOrphaned;
            g_ptr_array_add(orphans->objs, virDomainObjRef(obj));
        }
        virDomainObjUnlock(obj);
    }
    if (orphans->objs->len == 0) {
        g_ptr_array_free(orphans->objs, TRUE);
        g_free(orphans);
        return;
    }
    /* the driver stays until the rollbacks are done */
    orphans->driver = virRootRegistryGet(&qemuDrivers, driver->config->root, qemuDriverNew,
                                         NULL);
    g_thread_unref(g_thread_new("migration-orphans", qemuDomainsMigrationsOrphanedThread,
                                orphans));
}

static int
qemuDomainMigrateConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                                const char *cookiein, int cookieinlen,
                                unsigned int flags, int cancelled)
{
    virQEMUDriver *driver = dom->conn->privateData;
    g_autoptr(qemuMigrationCookie) cookie = NULL;
    virDomainObj *obj;

    virCheckFlags(QEMU_MIGRATION_FLAGS, -1);
    if (qemuMigrationParamsCheck(params, nparams, dom->name) < 0)
        return -1;
    /* the guest already runs where @cancelled says: a cookie refused now
     * changes nothing of that */
    if (qemuMigrationCookieEat(driver, dom->name, dom->uuid, cookiein, cookieinlen,
                               QEMU_MIGRATION_READS_CONFIRM, &cookie) < 0) {
        virReportWarning(_("migration of '%s': the destination's last cookie is ignored: %s"),
                         dom->name, virGetLastErrorMessage());
        virResetLastError();
    }
    if (!(obj = virDomainObjListGetByUUID(driver->domains, dom->uuid)) ||
        qemuDomainObjGetPrivate(obj)->job.asyncJob != QEMU_ASYNC_JOB_MIGRATION_OUT) {
        virReportError(VIR_ERR_NO_DOMAIN, _("domain '%s' is gone"), dom->name);
        if (obj)
            virDomainObjEndAPI(&obj);
        return -1;
    }
    return qemuDomainMigrateConfirmObj(driver, &obj, cancelled, flags);
}

/* What this driver does of libvirt's driver features. */
static int
qemuConnectSupportsFeature(virConnectPtr conn G_GNUC_UNUSED, int feature)
{
    static const int supported[] = {
        VIR_DRV_FEATURE_MIGRATION_P2P,
        VIR_DRV_FEATURE_MIGRATION_V3,
        VIR_DRV_FEATURE_MIGRATION_PARAMS,
        VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION,
        VIR_DRV_FEATURE_TYPED_PARAM_STRING,
        VIR_DRV_FEATURE_XML_MIGRATABLE,
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(supported); i++) {
        if (supported[i] == feature)
            return 1;
    }
    return 0;
}

static int
qemuDomainGetJobStats(virDomainPtr dom, int *type, virTypedParameterPtr *params,
                      int *nparams, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;

    virDomainObj *obj;
    bool active;

    virCheckFlags(VIR_DOMAIN_JOB_STATS_COMPLETED, -1);
    if (qemuMigrationGetJobStats(driver, dom->name, flags & VIR_DOMAIN_JOB_STATS_COMPLETED,
                                 type, params, nparams) < 0)
        goto error;
    if (*type != VIR_DOMAIN_JOB_NONE || (flags & VIR_DOMAIN_JOB_STATS_COMPLETED))
        return 0;
    /* as libvirt: no job of a domain that does not run is an error, a
     * finished migration's record is still shown */
    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        goto error;
    active = virDomainObjIsActive(obj);
    virDomainObjEndAPI(&obj);
    if (active)
        return 0;
    virReportError(VIR_ERR_OPERATION_INVALID,
                   _("domain '%s' is not running: it has no job"), dom->name);

 error:
    virTypedParamsFree(*params, *nparams);
    *params = NULL;
    *nparams = 0;
    return -1;
}

static int
qemuDomainAbortJob(virDomainPtr dom)
{
    virQEMUDriver *driver = dom->conn->privateData;
    virDomainObj *obj;
    int ret;

    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    ret = qemuMigrationAbort(driver, obj);
    virDomainObjEndAPI(&obj);
    return ret;
}

/* Run @req (set or read migration parameters) on the running domain of
 * @dom: through the migration out this process drives, whose thread owns
 * the monitor, else in a modify job @api of its own. @obj: the domain,
 * locked (and on return). */
static int
qemuDomainMigrateTuneObj(virQEMUDriver *driver, virDomainObj *obj,
                         qemuMigrationTuneRequest *req, const char *api)
{
    qemuMonitor *mon;
    int rc;

    if (!virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is not running"), obj->def->name);
        return -1;
    }
    if ((rc = qemuMigrationTuneHandOff(driver, obj, req)) != 0)
        return rc < 0 ? -1 : 0;
    if (qemuDomainObjBeginJobAPI(driver, obj, QEMU_JOB_MODIFY, api) < 0)
        return -1;
    virDomainObjUnlock(obj);
    rc = -1;
    if ((mon = qemuProcessBeginJob(driver, obj))) {
        rc = qemuMigrationTuneRun(mon, req);
        qemuProcessEndJob(driver, obj, mon);
    }
    virDomainObjLock(obj);
    qemuDomainObjEndJob(obj);
    return rc;
}

static int
qemuDomainMigrateSetMaxDowntime(virDomainPtr dom, unsigned long long downtime,
                                unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    qemuMigrationTuneRequest req = {
        .tuning = { .downtimeLimit = downtime, .hasDowntimeLimit = true },
    };
    virDomainObj *obj;
    int ret;

    virCheckFlags(0, -1);
    if (downtime > QEMU_MIGRATION_MAX_DOWNTIME_MS) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("downtime %llu ms for domain '%s' is out of range: QEMU takes at most %llu ms"),
                       downtime, dom->name, QEMU_MIGRATION_MAX_DOWNTIME_MS);
        return -1;
    }
    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    ret = qemuDomainMigrateTuneObj(driver, obj, &req, "virDomainMigrateSetMaxDowntime");
    virDomainObjEndAPI(&obj);
    return ret;
}

static int
qemuDomainMigrateGetMaxDowntime(virDomainPtr dom, unsigned long long *downtime,
                                unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    qemuMigrationTuneRequest req = { .query = true };
    virDomainObj *obj;
    int ret;

    virCheckFlags(0, -1);
    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    ret = qemuDomainMigrateTuneObj(driver, obj, &req, "virDomainMigrateGetMaxDowntime");
    virDomainObjEndAPI(&obj);
    if (ret < 0)
        return -1;
    if (!req.tuning.hasDowntimeLimit) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("QEMU of domain '%s' did not report its downtime limit"), dom->name);
        return -1;
    }
    *downtime = req.tuning.downtimeLimit;
    return 0;
}

/* As libvirt: the pre-copy speed is remembered for the next migration
 * even for a domain that does not run, and set in QEMU at once for one
 * that does (remembered only once QEMU took it); the post-copy speed is
 * QEMU's only. */
static int
qemuDomainMigrateSetMaxSpeed(virDomainPtr dom, unsigned long bandwidth, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    bool postcopy = flags & VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY;
    qemuMigrationTuneRequest req = { 0 };
    virDomainObj *obj;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY, -1);
    if (bandwidth > QEMU_MIGRATION_MAX_BANDWIDTH_MIB) {
        virReportError(VIR_ERR_OVERFLOW,
                       _("bandwidth %lu MiB/s for domain '%s' is too large: it must be less than %llu"),
                       bandwidth, dom->name, QEMU_MIGRATION_MAX_BANDWIDTH_MIB + 1);
        return -1;
    }
    if (postcopy) {
        req.tuning.maxPostcopyBandwidth = (unsigned long long)bandwidth * 1024 * 1024;
        req.tuning.hasMaxPostcopyBandwidth = true;
    } else {
        req.tuning.maxBandwidth = (unsigned long long)bandwidth * 1024 * 1024;
        req.tuning.hasMaxBandwidth = true;
    }
    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    if ((postcopy || virDomainObjIsActive(obj)) &&
        qemuDomainMigrateTuneObj(driver, obj, &req, "virDomainMigrateSetMaxSpeed") < 0)
        goto cleanup;
    if (!postcopy &&
        qemuMigrationTuneSetSpeed(driver, obj->def->name, obj->def->uuid, bandwidth) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    virDomainObjEndAPI(&obj);
    return ret;
}

/* The post-copy speed is QEMU's; the pre-copy one is, while this process
 * migrates the domain, the speed the migration runs at (QEMU's), and
 * otherwise the speed the next migration without a bandwidth of its own
 * will use. */
static int
qemuDomainMigrateGetMaxSpeed(virDomainPtr dom, unsigned long *bandwidth, unsigned int flags)
{
    virQEMUDriver *driver = dom->conn->privateData;
    bool postcopy = flags & VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY;
    qemuMigrationTuneRequest req = { .query = true };
    unsigned long long mib = QEMU_MIGRATION_DEFAULT_BANDWIDTH_MIB;
    virDomainObj *obj;
    int rc = 0;

    virCheckFlags(VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY, -1);
    if (!(obj = qemuDomainObjFromDomain(driver, dom)))
        return -1;
    if (postcopy) {
        rc = qemuDomainMigrateTuneObj(driver, obj, &req, "virDomainMigrateGetMaxSpeed");
        if (rc == 0 && !req.tuning.hasMaxPostcopyBandwidth)
            rc = -2;
        mib = req.tuning.maxPostcopyBandwidth / (1024 * 1024);
    } else if (virDomainObjIsActive(obj) &&
               (rc = qemuMigrationTuneHandOff(driver, obj, &req)) > 0) {
        if (!req.tuning.hasMaxBandwidth)
            rc = -2;
        mib = req.tuning.maxBandwidth / (1024 * 1024);
    } else if (rc == 0) {
        qemuMigrationTuneGetSpeed(driver, obj->def->name, obj->def->uuid, &mib);
    }
    virDomainObjEndAPI(&obj);
    if (rc == -2)
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("QEMU of domain '%s' did not report its migration speed"), dom->name);
    if (rc < 0)
        return -1;
    *bandwidth = mib;
    return 0;
}

/* Resolve CURRENT and check that LIVE/CONFIG make sense for @obj. */
static int
qemuDomainModificationFlags(virDomainObj *obj, unsigned int *flags)
{
    bool active = virDomainObjIsActive(obj);

    if ((*flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)) == 0)
        *flags |= active ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if ((*flags & VIR_DOMAIN_AFFECT_LIVE) && !active) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is not running: use --config to change its definition"),
                       obj->def->name);
        return -1;
    }
    if ((*flags & VIR_DOMAIN_AFFECT_CONFIG) && !obj->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is transient: it has no definition to change (drop --config)"),
                       obj->def->name);
        return -1;
    }
    return 0;
}

/* Attach or detach the device of @xml, or detach the one of alias
 * @alias (@xml NULL). */
static int
qemuDomainChangeDevice(virDomainPtr dom, const char *xml, const char *alias,
                       unsigned int flags, bool attach)
{
    virQEMUDriver *driver = dom->conn->privateData;
    const char *api = "virDomainAttachDevice";
    virDomainObj *obj;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);

    if (!attach)
        api = xml ? "virDomainDetachDevice" : "virDomainDetachDeviceAlias";
    if (!(obj = qemuDomainObjAcquire(driver, dom, QEMU_JOB_MODIFY, api)))
        return -1;
    if (qemuDomainModificationFlags(obj, &flags) < 0)
        goto cleanup;
    virDomainObjUnlock(obj);
    /* the live change first: when QEMU refuses, the config stays as it is */
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) &&
        (attach ? qemuDomainAttachDeviceLive(driver, obj, xml) :
                  qemuDomainDetachDeviceLive(driver, obj, xml, alias)) < 0)
        goto relock;
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) &&
        (attach ? qemuDomainAttachDeviceConfig(driver, obj, xml) :
                  qemuDomainDetachDeviceConfig(driver, obj, xml, alias)) < 0)
        goto relock;
    ret = 0;

 relock:
    virDomainObjLock(obj);
 cleanup:
    qemuDomainObjRelease(&obj);
    qemuDomainEventsDiff(driver);
    return ret;
}

static int
qemuDomainAttachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    return qemuDomainChangeDevice(dom, xml, NULL, flags, true);
}

/* While someone listens, the root is synced every half second from the
 * application's event loop: what other processes changed is reported
 * without the application calling anything. The timer holds a reference
 * on the driver, dropped by its ff. */
#define QEMU_DOMAIN_EVENTS_TICK_MS 500

static void
qemuDomainEventsTick(int timer G_GNUC_UNUSED, void *opaque)
{
    virQEMUDriver *driver = opaque;
    int rc;

    if (qemuDomainsSync(driver, NULL) < 0) {
        g_info("domain events: cannot sync root '%s': %s", driver->config->root,
               virGetLastErrorMessage());
        virResetLastError();
    }
    /* the status files also change without the root's generation moving
     * (a job of another process saves what it learnt from QEMU: a standby
     * that negotiated): read them when nobody holds the root (else at the
     * next tick); files that did not change are only stat'ed */
    if ((rc = qemuDriverTryLockRoot(driver)) > 0) {
        if (qemuDomainsSyncDisk(driver, NULL) < 0)
            virResetLastError();
        qemuDriverUnlockRoot(driver, false);
    } else if (rc < 0) {
        virResetLastError();
    }
    /* and what jobs of this process learnt from QEMU outside mutating
     * calls */
    qemuDomainEventsDiff(driver);
}

/* Starts the tick when someone listens, stops it when nobody does. */
static void
qemuDomainEventsUpdateTick(virQEMUDriver *driver)
{
    bool listening = virDomainEventStateHasListeners(driver->domainEvents);
    int stop = -1;

    g_mutex_lock(&driver->domainEventsLock);
    if (listening && driver->domainEventsTimer < 0) {
        virQEMUDriver *ref = qemuDriverGet(driver->config->root);

        if ((driver->domainEventsTimer = virEventAddTimeout(QEMU_DOMAIN_EVENTS_TICK_MS,
                                                            qemuDomainEventsTick, ref,
                                                            qemuDriverUnrefNotify)) < 0)
            qemuDriverUnref(ref);
    } else if (!listening && driver->domainEventsTimer >= 0) {
        stop = driver->domainEventsTimer;
        driver->domainEventsTimer = -1;
    }
    g_mutex_unlock(&driver->domainEventsLock);
    /* its ff (a driver reference) may run now: unlocked */
    if (stop >= 0)
        virEventRemoveTimeout(stop);
}

/* Events of the domains of this driver's root, delivered from the
 * application's event loop. */
static int
qemuConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                  virConnectDomainEventGenericCallback cb,
                                  void *opaque, virFreeCallback freecb)
{
    virQEMUDriver *driver = conn->privateData;
    int id;

    /* the picture later changes are told against: the root as it is now */
    if (qemuDomainsSync(driver, NULL) < 0)
        return -1;
    if ((id = virDomainEventStateRegisterID(driver->domainEvents, conn,
                                            dom ? dom->uuid : NULL, eventID,
                                            cb, opaque, freecb)) < 0)
        return -1;
    qemuDomainEventsDiff(driver);
    qemuDomainEventsUpdateTick(driver);
    return id;
}

static int
qemuConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    virQEMUDriver *driver = conn->privateData;

    if (virDomainEventStateDeregisterID(driver->domainEvents, conn, callbackID) < 0)
        return -1;
    qemuDomainEventsUpdateTick(driver);
    return 0;
}

static int
qemuDomainDetachDeviceFlags(virDomainPtr dom, const char *xml, unsigned int flags)
{
    return qemuDomainChangeDevice(dom, xml, NULL, flags, false);
}

static int
qemuDomainDetachDeviceAlias(virDomainPtr dom, const char *alias, unsigned int flags)
{
    return qemuDomainChangeDevice(dom, NULL, alias, flags, false);
}

static virHypervisorDriver qemuHypervisorDriver = {
    .name = "QEMU",
    .connectOpen = qemuConnectOpen,
    .connectClose = qemuConnectClose,
    .connectGetType = qemuConnectGetType,
    .connectGetVersion = qemuConnectGetVersion,
    .nodeGetInfo = qemuNodeGetInfo,
    .connectGetCapabilities = qemuConnectGetCapabilities,
    .connectGetDomainCapabilities = qemuConnectGetDomainCapabilities,
    .connectDomainXMLToNative = qemuConnectDomainXMLToNative,
    .domainDefineXMLFlags = qemuDomainDefineXMLFlags,
    .domainUndefineFlags = qemuDomainUndefineFlags,
    .domainLookupByName = qemuDomainLookupByName,
    .domainLookupByUUID = qemuDomainLookupByUUID,
    .connectListAllDomains = qemuConnectListAllDomains,
    .domainGetXMLDesc = qemuDomainGetXMLDesc,
    .domainIsActive = qemuDomainIsActive,
    .domainIsPersistent = qemuDomainIsPersistent,
    .domainGetAutostart = qemuDomainGetAutostart,
    .domainGetOSType = qemuDomainGetOSType,
    .domainHasManagedSaveImage = qemuDomainHasManagedSaveImage,
    .domainGetSecurityLabel = qemuDomainGetSecurityLabel,
    .nodeGetSecurityModel = qemuNodeGetSecurityModel,
    .domainSetAutostart = qemuDomainSetAutostart,
    .domainCreateXML = qemuDomainCreateXML,
    .domainCreateWithFlags = qemuDomainCreateWithFlags,
    .domainDestroyFlags = qemuDomainDestroyFlags,
    .domainShutdownFlags = qemuDomainShutdownFlags,
    .domainSuspend = qemuDomainSuspend,
    .domainResume = qemuDomainResume,
    .domainGetState = qemuDomainGetState,
    .domainGetInfo = qemuDomainGetInfo,
    .domainMigrateBegin3Params = qemuDomainMigrateBegin3Params,
    .domainMigratePrepare3Params = qemuDomainMigratePrepare3Params,
    .domainMigratePerform3Params = qemuDomainMigratePerform3Params,
    .domainMigrateFinish3Params = qemuDomainMigrateFinish3Params,
    .domainMigrateConfirm3Params = qemuDomainMigrateConfirm3Params,
    .connectSupportsFeature = qemuConnectSupportsFeature,
    .domainGetJobStats = qemuDomainGetJobStats,
    .domainAbortJob = qemuDomainAbortJob,
    .domainMigrateSetMaxDowntime = qemuDomainMigrateSetMaxDowntime,
    .domainMigrateGetMaxDowntime = qemuDomainMigrateGetMaxDowntime,
    .domainMigrateSetMaxSpeed = qemuDomainMigrateSetMaxSpeed,
    .domainMigrateGetMaxSpeed = qemuDomainMigrateGetMaxSpeed,
    .domainAttachDeviceFlags = qemuDomainAttachDeviceFlags,
    .domainDetachDeviceFlags = qemuDomainDetachDeviceFlags,
    .domainDetachDeviceAlias = qemuDomainDetachDeviceAlias,
    .connectDomainEventRegisterAny = qemuConnectDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = qemuConnectDomainEventDeregisterAny,
};

int
qemuRegister(void)
{
    return virRegisterHypervisorDriver(&qemuHypervisorDriver);
}
