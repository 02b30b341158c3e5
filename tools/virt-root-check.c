/*
 * virt-root-check: is an embedded root (qemu:///embed?root=DIR) consistent?
 *
 *   virt-root-check [--quiet] [--wait SECONDS] ROOT
 *
 * One line per rule, PASS, WARN or FAIL, and under a rule that does not
 * pass one line per problem naming the file, domain, network or VF. Exit
 * status: 0 consistent (warnings allowed), 1 at least one FAIL, 2 usage
 * error (or ROOT is not a directory).
 *
 * The checker only reads: it never repairs. Repairing is what opening the
 * root does (any virsh call): dead guests are cleaned up, their VFs
 * restored and given back. While it reads it holds the root's locks shared,
 * so no operation changes the root under it; a root whose lock stays
 * taken (a long job such as a migration) is read without it, and the rules
 * that a running job legitimately breaks only warn then.
 *
 * Every rule is one function of the table at the end; the layout of the
 * root is read through the drivers' own headers and parsers (qemu_conf.h,
 * qemu_domain.h, qemu_hostdev.h, network_driver.h, network_vfpool.h,
 * virhostdev_owner.h).
 */
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "domain_conf.h"
#include "network_conf.h"
#include "virerror.h"
#include "virfile.h"
#include "virpci.h"
#include "virprocess.h"
#include "virstring.h"
#include "viruuid.h"
#include "qemu/qemu_conf.h"
#include "qemu/qemu_domain.h"
#include "qemu/qemu_hostdev.h"
#include "qemu/qemu_process.h"
#include "network/network_driver.h"
#include "network/network_vfpool.h"
#include "hypervisor/virhostdev_owner.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* Files under ROOT/run/qemu, per domain NAME (qemu_process.c,
 * qemu_migration.c). */
#define RUN_STATUS_SUFFIX ".xml"
#define RUN_PID_SUFFIX ".pid"
/* sockets: UUID.qmp and UUID.mig (virQEMUDriverConfigSocketPath), or
 * NAME.monitor and NAME.incoming for guests started before that layout */
#define RUN_MONITOR_SUFFIX ".monitor"
#define RUN_JOB_SUFFIX ".job"
#define RUN_INCOMING_SUFFIX ".incoming"
#define RUN_ABORT_SUFFIX ".abort"
/* NAME.starting: a start under way, or one whose process died (undone by
 * the next process that opens the root) */
#define RUN_STARTING_SUFFIX ".starting"
/* under ROOT/run/hostdev: who holds a device, PCIADDR.owner
 * (virhostdev_owner.h), and the settings to give a VF back, PCIADDR.vf
 * (virhostdev_vf.h) */
#define OWNER_SUFFIX ".owner"
#define SAVED_VF_SUFFIX ".vf"
/* and the host driver a device had before it was moved to vfio-pci,
 * PCIADDR.bind (virhostdev_bind.h) */
#define SAVED_BIND_SUFFIX ".bind"

typedef enum {
    RC_PASS,
    RC_WARN,
    RC_FAIL,
} rcVerdict;

static const char *const rcVerdictNames[] = { "PASS", "WARN", "FAIL" };

/* A domain as its status file ROOT/run/qemu/NAME.xml tells. */
typedef struct {
    char *name;
    char *path;
    bool alive;                 /* qemuProcessIsRunning */
    virDomainObj *obj;          /* alive: in rcRoot.driver.domains */
    virDomainDef *deadDef;      /* not alive: the live definition it records */
    pid_t pid;
    bool active;                /* records a run (id >= 0) */
} rcStatus;

typedef struct {
    char *name;                 /* network */
    char *path;                 /* of its VF records */
    virNetworkDef *def;         /* live definition */
    GHashTable *owners;         /* VF address -> owner (in use only) */
} rcPool;

typedef struct {
    const char *root;
    virQEMUDriverConfig *cfg;
    virNetworkDriverPaths *netPaths;
    /* what the QEMU driver would see: a list of the running domains */
    virQEMUDriver driver;
    GPtrArray *statuses;        /* rcStatus, parsed status files */
    GPtrArray *pools;           /* rcPool, active SR-IOV pools */
    GHashTable *holders;        /* VF address -> GPtrArray of domain names (live) */
    GHashTable *owners;         /* device address -> virHostdevOwner (records) */
    GPtrArray *badOwners;       /* device addresses whose record is unreadable */
    bool busy;                  /* a lock could not be taken: a job runs */
    int lockFds[2];

    /* the result of the current rule */
    rcVerdict verdict;
    GPtrArray *lines;
} rcRoot;

static void
rcReport(rcRoot *rc, rcVerdict v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
rcReport(rcRoot *rc, rcVerdict v, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(rc->lines, g_strdup_printf("%s: %s", rcVerdictNames[v], msg));
    rc->verdict = MAX(rc->verdict, v);
}

/* ------------------------------------------------------------------ */
/* Reading the root                                                    */
/* ------------------------------------------------------------------ */

static gint
rcCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of @dir ending in @suffix (not hidden), sorted; empty if
 * there is no such directory. */
static GPtrArray *
rcListDir(const char *dir, const char *suffix)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        if (ent[0] != '.' && g_str_has_suffix(ent, suffix))
            g_ptr_array_add(names, g_strdup(ent));
    }
    g_ptr_array_sort(names, rcCompareNames);
    return names;
}

static char *
rcStripSuffix(const char *ent, const char *suffix)
{
    return g_strndup(ent, strlen(ent) - strlen(suffix));
}

static void
rcStatusFree(rcStatus *st)
{
    virDomainDefFree(st->deadDef);
    g_free(st->name);
    g_free(st->path);
    g_free(st);
}

static void
rcPoolFree(rcPool *pool)
{
    g_free(pool->name);
    g_free(pool->path);
    virNetworkDefFree(pool->def);
    if (pool->owners)
        g_hash_table_unref(pool->owners);
    g_free(pool);
}

/* Take @path's lock shared within @waitMs; -1 (and rc->busy) if not. */
static int
rcLockShared(rcRoot *rc, const char *path, int waitMs)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)waitMs * 1000;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;   /* never used: nothing to wait for */
    while (flock(fd, LOCK_SH | LOCK_NB) < 0) {
        if (g_get_monotonic_time() >= deadline) {
            rc->busy = true;
            close(fd);
            return -1;
        }
        g_usleep(20 * 1000);
    }
    return fd;
}

/* What a status file says, parsed by the driver's own parser. */
typedef struct {
    virDomainDef *def;
    int state;
    int reason;
    pid_t pid;
    qemuDomainObjPrivate priv;  /* monitor, emulator, QEMU identity */
} rcParsedStatus;

static void
rcParsedStatusClear(rcParsedStatus *ps)
{
    virDomainDefFree(ps->def);
    g_free(ps->priv.monitorPath);
    g_free(ps->priv.emulator);
    memset(ps, 0, sizeof(*ps));
}

/* 0, or -1 with the error reported (the caller words it). */
static int
rcParseStatusFile(const char *path, rcParsedStatus *ps)
{
    g_autofree char *xml = NULL;

    memset(ps, 0, sizeof(*ps));
    if (virFileReadAll(path, 10 * 1024 * 1024, &xml) < 0 ||
        qemuDomainObjParseStatus(xml, &ps->def, &ps->state, &ps->reason, &ps->pid,
                                 &ps->priv) < 0) {
        rcParsedStatusClear(ps);
        return -1;
    }
    return 0;
}

/* The status files, loaded the way the QEMU driver loads them; each
 * running domain joins rc->driver.domains. Unparsable ones are left out
 * (rcCheckStatusFiles reports them). */
static void
rcLoadStatuses(rcRoot *rc)
{
    g_autoptr(GPtrArray) ents = rcListDir(rc->cfg->stateDir, RUN_STATUS_SUFFIX);
    size_t i;

    for (i = 0; i < ents->len; i++) {
        const char *ent = g_ptr_array_index(ents, i);
        g_autofree char *path = g_build_filename(rc->cfg->stateDir, ent, NULL);
        rcParsedStatus ps;
        virDomainObj *obj;
        rcStatus *st;

        if (rcParseStatusFile(path, &ps) < 0) {
            virResetLastError();
            continue;
        }
        if (virDomainObjListFindByName(rc->driver.domains, ps.def->name) ||
            virDomainObjListFindByUUID(rc->driver.domains, ps.def->uuid)) {
            /* reported by rcCheckUUIDs; the first one stands */
            rcParsedStatusClear(&ps);
            continue;
        }
        st = g_new0(rcStatus, 1);
        st->name = rcStripSuffix(ent, RUN_STATUS_SUFFIX);
        st->path = g_steal_pointer(&path);
        st->pid = ps.pid;
        {
            /* the driver's own judgement of a recorded QEMU */
            virDomainObj probe = { .def = ps.def, .pid = ps.pid, .state = ps.state,
                                   .reason = ps.reason, .privateData = &ps.priv };

            st->active = virDomainObjIsActive(&probe);
            st->alive = st->active && qemuProcessIsRunning(&probe);
        }
        if (!st->alive) {
            /* dead domains are not owners: the driver reaps them first */
            st->deadDef = g_steal_pointer(&ps.def);
            rcParsedStatusClear(&ps);
        } else {
            obj = virDomainObjListAdd(rc->driver.domains, g_steal_pointer(&ps.def));
            obj->state = ps.state;
            obj->reason = ps.reason;
            obj->pid = ps.pid;
            *qemuDomainObjGetPrivate(obj) = ps.priv;   /* takes its strings */
            st->obj = obj;
        }
        g_ptr_array_add(rc->statuses, st);
    }
}

/* The VFs the live domains pass through, by address. */
static void
rcLoadHolders(rcRoot *rc)
{
    size_t i, j;

    for (i = 0; i < rc->statuses->len; i++) {
        rcStatus *st = g_ptr_array_index(rc->statuses, i);
        virDomainDef *def;

        if (!st->alive)
            continue;
        def = st->obj->def;
        for (j = 0; j < def->nhostdevs; j++) {
            g_autofree char *addr = virPCIDeviceAddressAsString(&def->hostdevs[j]->source);
            GPtrArray *names = g_hash_table_lookup(rc->holders, addr);

            if (!names) {
                names = g_ptr_array_new_with_free_func(g_free);
                g_hash_table_insert(rc->holders, g_strdup(addr), names);
            }
            g_ptr_array_add(names, g_strdup(def->name));
        }
    }
}

/* The active SR-IOV pools and their records. Networks that do not parse
 * are reported by rcCheckStatusFiles. */
static void
rcLoadPools(rcRoot *rc)
{
    g_autoptr(GPtrArray) ents = rcListDir(rc->netPaths->stateDir, ".xml");
    size_t i;

    for (i = 0; i < ents->len; i++) {
        g_autofree char *path = g_build_filename(rc->netPaths->stateDir,
                                                 (char *)g_ptr_array_index(ents, i), NULL);
        g_autofree char *dir = NULL;
        virNetworkDef *def;
        rcPool *pool;

        if (!(def = virNetworkDefParseFile(path, VIR_NETWORK_DEF_PARSE_STATUS))) {
            virResetLastError();
            continue;
        }
        if (def->forwardType != VIR_NETWORK_FORWARD_HOSTDEV) {
            virNetworkDefFree(def);
            continue;
        }
        pool = g_new0(rcPool, 1);
        pool->name = g_strdup(def->name);
        pool->def = def;
        dir = networkDriverPoolDir(rc->netPaths, def->name);
        pool->path = virNetworkVFPoolPath(dir, def->name);
        if (!virFileExists(pool->path)) {
            /* no VF was ever taken: every VF is free */
            pool->owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        } else if (!(pool->owners = virNetworkVFPoolReadFile(pool->path))) {
            virResetLastError();   /* reported by rcCheckStatusFiles */
        }
        g_ptr_array_add(rc->pools, pool);
    }
}

/* The host-wide ownership records of devices. */
static void
rcLoadOwners(rcRoot *rc)
{
    g_autofree virPCIDeviceAddress *devs = NULL;
    size_t ndevs = 0;
    size_t i;

    if (virHostdevStateList(rc->cfg->hostdevStateDir, OWNER_SUFFIX, &devs, &ndevs) < 0) {
        virResetLastError();
        return;
    }
    for (i = 0; i < ndevs; i++) {
        g_autofree char *addr = virPCIDeviceAddressAsString(&devs[i]);
        virHostdevOwner *owner = NULL;

        if (virHostdevOwnerGet(rc->cfg->hostdevStateDir, &devs[i], &owner) <= 0) {
            virResetLastError();
            g_ptr_array_add(rc->badOwners, g_steal_pointer(&addr));
            continue;
        }
        g_hash_table_insert(rc->owners, g_steal_pointer(&addr), owner);
    }
}

/* The pool VF @addr belongs to, or NULL. */
static rcPool *
rcPoolOfVF(rcRoot *rc, const char *addr)
{
    size_t i, j;

    for (i = 0; i < rc->pools->len; i++) {
        rcPool *pool = g_ptr_array_index(rc->pools, i);

        for (j = 0; j < pool->def->naddrs; j++) {
            g_autofree char *a = virPCIDeviceAddressAsString(&pool->def->addrs[j]);

            if (STREQ(a, addr))
                return pool;
        }
    }
    return NULL;
}

static rcStatus *
rcStatusByName(rcRoot *rc, const char *name)
{
    size_t i;

    for (i = 0; i < rc->statuses->len; i++) {
        rcStatus *st = g_ptr_array_index(rc->statuses, i);

        if (STREQ(st->name, name))
            return st;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

/* Every persistent definition parses, under the name of its file. */
static void
rcCheckDefinitions(rcRoot *rc)
{
    g_autoptr(GPtrArray) doms = rcListDir(rc->cfg->domainConfigDir, ".xml");
    g_autoptr(GPtrArray) nets = rcListDir(rc->netPaths->configDir, ".xml");
    size_t i;

    for (i = 0; i < doms->len; i++) {
        const char *ent = g_ptr_array_index(doms, i);
        g_autofree char *path = g_build_filename(rc->cfg->domainConfigDir, ent, NULL);
        g_autofree char *name = rcStripSuffix(ent, ".xml");
        g_autoptr(virDomainDef) def = NULL;

        /* as virDomainObjListSyncConfigDir loads them */
        if (!(def = virDomainDefParseFile(path, VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                          VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE))) {
            rcReport(rc, RC_FAIL, _("domain definition %s does not parse: %s"),
                     path, virGetLastErrorMessage());
            virResetLastError();
        } else if (STRNEQ(def->name, name)) {
            rcReport(rc, RC_FAIL, _("domain definition %s defines domain '%s'"),
                     path, def->name);
        }
    }
    for (i = 0; i < nets->len; i++) {
        const char *ent = g_ptr_array_index(nets, i);
        g_autofree char *path = g_build_filename(rc->netPaths->configDir, ent, NULL);
        g_autofree char *name = rcStripSuffix(ent, ".xml");
        virNetworkDef *def;

        if (!(def = virNetworkDefParseFile(path, 0))) {
            rcReport(rc, RC_FAIL, _("network definition %s does not parse: %s"),
                     path, virGetLastErrorMessage());
            virResetLastError();
            continue;
        }
        if (STRNEQ(def->name, name))
            rcReport(rc, RC_FAIL, _("network definition %s defines network '%s'"),
                     path, def->name);
        virNetworkDefFree(def);
    }
}

/* Every status file (domains, networks) and every pool record file
 * parses. */
static void
rcCheckStatusFiles(rcRoot *rc)
{
    g_autoptr(GPtrArray) doms = rcListDir(rc->cfg->stateDir, RUN_STATUS_SUFFIX);
    g_autoptr(GPtrArray) nets = rcListDir(rc->netPaths->stateDir, ".xml");
    size_t i;

    for (i = 0; i < doms->len; i++) {
        const char *ent = g_ptr_array_index(doms, i);
        g_autofree char *name = rcStripSuffix(ent, RUN_STATUS_SUFFIX);
        g_autofree char *path = g_build_filename(rc->cfg->stateDir, ent, NULL);
        rcParsedStatus ps;

        if (rcParseStatusFile(path, &ps) < 0) {
            rcReport(rc, RC_FAIL, _("status file %s does not parse: %s"),
                     path, virGetLastErrorMessage());
            virResetLastError();
            continue;
        }
        if (STRNEQ(ps.def->name, name))
            rcReport(rc, RC_FAIL, _("status file %s is the status of domain '%s'"),
                     path, ps.def->name);
        rcParsedStatusClear(&ps);
    }
    for (i = 0; i < nets->len; i++) {
        g_autofree char *path = g_build_filename(rc->netPaths->stateDir,
                                                 (char *)g_ptr_array_index(nets, i), NULL);
        virNetworkDef *def;

        if (!(def = virNetworkDefParseFile(path, VIR_NETWORK_DEF_PARSE_STATUS))) {
            rcReport(rc, RC_FAIL, _("network status file %s does not parse: %s"),
                     path, virGetLastErrorMessage());
            virResetLastError();
            continue;
        }
        virNetworkDefFree(def);
    }
    for (i = 0; i < rc->pools->len; i++) {
        rcPool *pool = g_ptr_array_index(rc->pools, i);

        if (!pool->owners)
            rcReport(rc, RC_FAIL, _("VF records %s of network '%s' are unreadable or damaged"),
                     pool->path, pool->name);
    }
    for (i = 0; i < rc->badOwners->len; i++)
        rcReport(rc, RC_FAIL, _("ownership record %s/%s%s is unreadable or damaged"),
                 rc->cfg->hostdevStateDir, (char *)g_ptr_array_index(rc->badOwners, i),
                 OWNER_SUFFIX);
}

static void
rcReportTemp(const char *path, const virProcessIdentity *writer, void *opaque)
{
    rcReport(opaque, RC_FAIL, _("%s: temporary file of an interrupted write (its writer, pid %lld, is gone)"),
             path, (long long)writer->pid);
}

/* No temporary file of an atomic write whose writer is gone is left
 * anywhere in the root. */
static void
rcCheckTemps(rcRoot *rc)
{
    virFileForEachStaleTemp(rc->root, rcReportTemp, rc);
}

/* The same UUID for two names (two definitions, or a definition and a
 * transient running domain) makes actions on one hit the other. */
static void
rcCheckUUIDs(rcRoot *rc)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) doms = rcListDir(rc->cfg->domainConfigDir, ".xml");
    g_autoptr(GPtrArray) stats = rcListDir(rc->cfg->stateDir, RUN_STATUS_SUFFIX);
    g_autoptr(GHashTable) netSeen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) nets = rcListDir(rc->netPaths->configDir, ".xml");
    size_t i;

    for (i = 0; i < doms->len + stats->len; i++) {
        bool config = i < doms->len;
        const char *dir = config ? rc->cfg->domainConfigDir : rc->cfg->stateDir;
        const char *ent = g_ptr_array_index(config ? doms : stats,
                                            config ? i : i - doms->len);
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        g_autoptr(virDomainDef) def = NULL;
        char uuid[VIR_UUID_STRING_BUFLEN];
        const char *other;

        if (config) {
            def = virDomainDefParseFile(path, VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                        VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE);
        } else {
            rcParsedStatus ps;

            if (rcParseStatusFile(path, &ps) == 0) {
                def = g_steal_pointer(&ps.def);
                rcParsedStatusClear(&ps);
            }
        }
        virResetLastError();
        if (!def)
            continue;   /* rcCheckDefinitions, rcCheckStatusFiles */
        virUUIDFormat(def->uuid, uuid);
        if ((other = g_hash_table_lookup(seen, uuid))) {
            if (STRNEQ(other, def->name))
                rcReport(rc, RC_FAIL, _("domains '%s' and '%s' have the same UUID %s (%s)"),
                         other, def->name, uuid, path);
            continue;
        }
        g_hash_table_insert(seen, g_strdup(uuid), g_strdup(def->name));
    }
    for (i = 0; i < nets->len; i++) {
        g_autofree char *path = g_build_filename(rc->netPaths->configDir,
                                                 (char *)g_ptr_array_index(nets, i), NULL);
        virNetworkDef *def = virNetworkDefParseFile(path, 0);
        char uuid[VIR_UUID_STRING_BUFLEN];
        const char *other;

        virResetLastError();
        if (!def)
            continue;
        virUUIDFormat(def->uuid, uuid);
        if ((other = g_hash_table_lookup(netSeen, uuid)))
            rcReport(rc, RC_FAIL, _("networks '%s' and '%s' have the same UUID %s (%s)"),
                     other, def->name, uuid, path);
        else
            g_hash_table_insert(netSeen, g_strdup(uuid), g_strdup(def->name));
        virNetworkDefFree(def);
    }
}

/* Is there a process @pid (a zombie counts as gone)? Only to word a
 * message: whether it is the domain's QEMU is the driver's judgement. */
static bool
rcPidExists(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%lld/stat", (long long)pid);
    g_autofree char *stat = NULL;
    const char *paren;

    if (pid <= 0 || !g_file_get_contents(path, &stat, NULL, NULL) ||
        !(paren = strrchr(stat, ')')))
        return false;
    return !g_str_has_prefix(paren, ") Z") && !g_str_has_prefix(paren, ") X");
}

/* Every status file has a live QEMU that is really that domain's. */
static void
rcCheckStatusProcesses(rcRoot *rc)
{
    size_t i;

    for (i = 0; i < rc->statuses->len; i++) {
        rcStatus *st = g_ptr_array_index(rc->statuses, i);

        if (st->alive)
            continue;
        if (!st->active)
            rcReport(rc, RC_FAIL, _("domain '%s': status file %s records no running QEMU"),
                     st->name, st->path);
        else if (rcPidExists(st->pid))
            rcReport(rc, RC_FAIL, _("domain '%s': status file %s names pid %lld, which is not its QEMU"),
                     st->name, st->path, (long long)st->pid);
        else
            rcReport(rc, RC_FAIL, _("domain '%s': status file %s names pid %lld, which is gone (QEMU died; not cleaned up)"),
                     st->name, st->path, (long long)st->pid);
    }
}

/* Is @pid the QEMU of a status file? */
static rcStatus *
rcStatusOfPid(rcRoot *rc, pid_t pid)
{
    size_t i;

    for (i = 0; i < rc->statuses->len; i++) {
        rcStatus *st = g_ptr_array_index(rc->statuses, i);

        if (st->alive && st->pid == pid)
            return st;
    }
    return NULL;
}

/* Every QEMU of this root has a status file: a QEMU without one is
 * invisible and holds its resources forever. A QEMU of the root is known
 * by its output: qemuProcessStartFull points its stdout at the domain's
 * log, ROOT/log/NAME.log (its argv does not name the root: the monitor
 * is passed as an fd). */
static void
rcCheckOrphanProcesses(rcRoot *rc)
{
    g_autofree char *logPrefix = g_strdup_printf("%s/", rc->cfg->logDir);
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *ent;

    while (proc && (ent = g_dir_read_name(proc))) {
        g_autofree char *fdpath = NULL;
        g_autofree char *target = NULL;
        g_autofree char *name = NULL;
        int pid;

        if (virStrToLong_i(ent, NULL, 10, &pid) < 0 || pid <= 0 || pid == getpid())
            continue;
        fdpath = g_strdup_printf("/proc/%s/fd/1", ent);
        if (!(target = g_file_read_link(fdpath, NULL)) ||
            !g_str_has_prefix(target, logPrefix) || !g_str_has_suffix(target, ".log") ||
            !rcPidExists(pid) || rcStatusOfPid(rc, pid))
            continue;
        name = g_strndup(target + strlen(logPrefix),
                         strlen(target) - strlen(logPrefix) - strlen(".log"));
        rcReport(rc, RC_FAIL, _("pid %lld writes to %s (a QEMU of domain '%s'?) but no status file of this root names it"),
                 (long long)pid, target, name);
    }
}

/* The domain whose socket (suffix @sock of qemu_conf.h, or the older
 * NAME@legacy) file @ent of ROOT/run/qemu is, among the status files;
 * NULL if none. */
static rcStatus *
rcSocketStatus(rcRoot *rc, const char *ent, const char *sock, const char *legacy)
{
    g_autofree char *path = g_build_filename(rc->cfg->stateDir, ent, NULL);
    size_t i;

    for (i = 0; i < rc->statuses->len; i++) {
        rcStatus *st = g_ptr_array_index(rc->statuses, i);
        virDomainDef *def = st->alive ? st->obj->def : st->deadDef;
        g_autofree char *mine = virQEMUDriverConfigSocketPath(rc->cfg, def->uuid, sock);
        g_autofree char *old = g_strdup_printf("%s%s", st->name, legacy);

        if (STREQ(mine, path) || STREQ(old, ent))
            return st;
    }
    return NULL;
}

/* Is @ent of ROOT/run/qemu a socket file of a domain (new or old name)? */
static bool
rcIsSocket(const char *ent, const char *sock, const char *legacy)
{
    g_autofree char *suffix = g_strdup_printf(".%s", sock);

    return g_str_has_suffix(ent, suffix) || g_str_has_suffix(ent, legacy);
}

/* Files of a running domain left behind by one that stopped. */
static void
rcCheckRunLeftovers(rcRoot *rc)
{
    g_autoptr(GPtrArray) pids = rcListDir(rc->cfg->stateDir, RUN_PID_SUFFIX);
    g_autoptr(GPtrArray) starting = rcListDir(rc->cfg->stateDir, RUN_STARTING_SUFFIX);
    g_autoptr(GPtrArray) all = rcListDir(rc->cfg->stateDir, "");
    size_t i;

    for (i = 0; i < pids->len; i++) {
        const char *ent = g_ptr_array_index(pids, i);
        g_autofree char *name = rcStripSuffix(ent, RUN_PID_SUFFIX);
        g_autofree char *status = g_strdup_printf("%s/%s%s", rc->cfg->stateDir,
                                                  name, RUN_STATUS_SUFFIX);

        if (!virFileExists(status))
            rcReport(rc, RC_WARN, _("%s/%s is left from domain '%s', which is not running"),
                     rc->cfg->stateDir, ent, name);
    }
    for (i = 0; i < starting->len; i++) {
        const char *ent = g_ptr_array_index(starting, i);
        g_autofree char *name = rcStripSuffix(ent, RUN_STARTING_SUFFIX);

        rcReport(rc, RC_WARN, _("%s/%s: a start of domain '%s' is under way, or its process died (the next open of the root undoes it)"),
                 rc->cfg->stateDir, ent, name);
    }
    for (i = 0; i < all->len; i++) {
        const char *ent = g_ptr_array_index(all, i);
        rcStatus *st;

        if (!rcIsSocket(ent, QEMU_SOCKET_MONITOR, RUN_MONITOR_SUFFIX))
            continue;
        if (!(st = rcSocketStatus(rc, ent, QEMU_SOCKET_MONITOR, RUN_MONITOR_SUFFIX)) ||
            !st->alive)
            rcReport(rc, RC_WARN, _("monitor socket %s/%s is left from a domain that is not running"),
                     rc->cfg->stateDir, ent);
    }
}

/* No migration job is left: an active job file (type unbounded) without
 * a process doing it, an incoming socket or abort request without a
 * running domain. */
static void
rcCheckJobs(rcRoot *rc)
{
    g_autoptr(GPtrArray) jobs = rcListDir(rc->cfg->stateDir, RUN_JOB_SUFFIX);
    g_autoptr(GPtrArray) all = rcListDir(rc->cfg->stateDir, "");
    size_t i;

    for (i = 0; i < jobs->len; i++) {
        const char *ent = g_ptr_array_index(jobs, i);
        g_autofree char *name = rcStripSuffix(ent, RUN_JOB_SUFFIX);
        g_autofree char *path = g_build_filename(rc->cfg->stateDir, ent, NULL);
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autofree char *phase = NULL;
        rcStatus *st = rcStatusByName(rc, name);

        if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL)) {
            rcReport(rc, RC_FAIL, _("domain '%s': job file %s does not parse"), name, path);
            continue;
        }
        if (!st || !st->alive) {
            rcReport(rc, RC_FAIL, _("domain '%s': job file %s is left, the domain is not running"),
                     name, path);
            continue;
        }
        if (g_key_file_get_integer(kf, "job", "type", NULL) != VIR_DOMAIN_JOB_UNBOUNDED)
            continue;   /* the record of a finished job (domjobinfo --completed) */
        phase = g_key_file_get_string(kf, "job", "phase", NULL);
        if (rc->busy)
            rcReport(rc, RC_WARN, _("domain '%s': migration job %s is active (phase %s) while the root is locked: it may be running"),
                     name, path, NULLSTR(phase));
        else
            rcReport(rc, RC_FAIL, _("domain '%s': migration job %s is active (phase %s) but no process holds the root"),
                     name, path, NULLSTR(phase));
    }
    for (i = 0; i < all->len; i++) {
        const char *ent = g_ptr_array_index(all, i);
        rcStatus *st = NULL;

        if (rcIsSocket(ent, QEMU_SOCKET_INCOMING, RUN_INCOMING_SUFFIX)) {
            st = rcSocketStatus(rc, ent, QEMU_SOCKET_INCOMING, RUN_INCOMING_SUFFIX);
        } else if (g_str_has_suffix(ent, RUN_ABORT_SUFFIX)) {
            g_autofree char *name = rcStripSuffix(ent, RUN_ABORT_SUFFIX);

            st = rcStatusByName(rc, name);
        } else {
            continue;
        }
        if (!st || !st->alive)
            rcReport(rc, RC_FAIL, _("%s/%s of a migration is left, its domain is not running"),
                     rc->cfg->stateDir, ent);
        else if (!rc->busy)
            rcReport(rc, RC_WARN, _("domain '%s': %s/%s of a migration is left"),
                     st->name, rc->cfg->stateDir, ent);
    }
}

/* Every device has at most one live user, its ownership record names
 * that user, every record names a running domain that uses the device,
 * and a pool records a VF as taken exactly when its record says it came
 * from that pool. */
static void
rcCheckVFOwners(rcRoot *rc)
{
    GHashTableIter it;
    gpointer key, value;
    size_t i;

    g_hash_table_iter_init(&it, rc->holders);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const char *addr = key;
        GPtrArray *names = value;
        virHostdevOwner *owner = g_hash_table_lookup(rc->owners, addr);

        if (names->len > 1) {
            g_autoptr(GString) list = g_string_new(NULL);

            for (i = 0; i < names->len; i++)
                g_string_append_printf(list, "%s'%s'", i ? ", " : "",
                                       (char *)g_ptr_array_index(names, i));
            rcReport(rc, RC_FAIL, _("VF %s is passed through to %u running domains: %s"),
                     addr, names->len, list->str);
        }
        if (!owner)
            rcReport(rc, RC_FAIL, _("VF %s is used by domain '%s' but has no ownership record (%s/%s%s)"),
                     addr, (char *)g_ptr_array_index(names, 0), rc->cfg->hostdevStateDir,
                     addr, OWNER_SUFFIX);
    }

    g_hash_table_iter_init(&it, rc->owners);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const char *addr = key;
        virHostdevOwner *owner = value;
        rcPool *pool = rcPoolOfVF(rc, addr);
        const char *pooled = pool && pool->owners ? g_hash_table_lookup(pool->owners, addr) : NULL;
        virPCIDeviceAddress dev;

        if (virPCIDeviceAddressParse(addr, &dev) < 0) {
            virResetLastError();
            continue;
        }
        if (!qemuHostdevHolderAlive(&rc->driver, owner->holder, &dev))
            rcReport(rc, RC_FAIL, _("VF %s is recorded as held by '%s' (domain '%s'), which is not a running domain using it (%s/%s%s)"),
                     addr, owner->holder, NULLSTR(owner->domain),
                     rc->cfg->hostdevStateDir, addr, OWNER_SUFFIX);
        if (owner->network && pool && STREQ(owner->network, pool->name) &&
            pool->owners && STRNEQ_NULLABLE(pooled, owner->holder))
            rcReport(rc, RC_FAIL, _("VF %s is held by '%s' from network '%s', which records it as %s%s%s (%s)"),
                     addr, owner->holder, pool->name, pooled ? "held by '" : "free",
                     pooled ? pooled : "", pooled ? "'" : "", pool->path);
    }

    for (i = 0; i < rc->pools->len; i++) {
        rcPool *pool = g_ptr_array_index(rc->pools, i);

        if (!pool->owners)
            continue;
        g_hash_table_iter_init(&it, pool->owners);
        while (g_hash_table_iter_next(&it, &key, &value)) {
            virHostdevOwner *owner = g_hash_table_lookup(rc->owners, key);
            virPCIDeviceAddress vf;

            if (virPCIDeviceAddressParse(key, &vf) < 0) {
                virResetLastError();
                rcReport(rc, RC_FAIL, _("network '%s': record of an unknown VF '%s' in %s"),
                         pool->name, (char *)key, pool->path);
                continue;
            }
            if (!qemuHostdevHolderAlive(&rc->driver, value, &vf))
                rcReport(rc, RC_FAIL, _("VF %s of network '%s' is recorded for '%s', which is not a running domain using it (%s)"),
                         (char *)key, pool->name, (char *)value, pool->path);
            else if (!owner || STRNEQ(owner->holder, (char *)value))
                rcReport(rc, RC_FAIL, _("VF %s of network '%s' is recorded for '%s' but its ownership record says %s%s%s"),
                         (char *)key, pool->name, (char *)value, owner ? "'" : "nothing",
                         owner ? owner->holder : "", owner ? "'" : "");
        }
    }
}

/* Saved VF settings (ROOT/run/hostdev/PCIADDR.vf, the MAC and VLAN to
 * restore) exist only for VFs a running domain uses. */
/* The entries of the state directory ending in @suffix whose device no
 * running domain holds (their addresses). */
static GPtrArray *
rcUnheldSaved(rcRoot *rc, const char *suffix)
{
    g_autoptr(GPtrArray) ents = rcListDir(rc->cfg->hostdevStateDir, suffix);
    GPtrArray *unheld = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < ents->len; i++) {
        g_autofree char *addr = rcStripSuffix(g_ptr_array_index(ents, i), suffix);

        if (!g_hash_table_contains(rc->holders, addr))
            g_ptr_array_add(unheld, g_steal_pointer(&addr));
    }
    return unheld;
}

static void
rcCheckSavedVFs(rcRoot *rc)
{
    g_autoptr(GPtrArray) unheld = rcUnheldSaved(rc, SAVED_VF_SUFFIX);
    size_t i;

    for (i = 0; i < unheld->len; i++) {
        const char *addr = g_ptr_array_index(unheld, i);

        rcReport(rc, RC_FAIL, _("VF %s: saved settings %s/%s%s, but no running domain uses it (its MAC and VLAN were not restored)"),
                 addr, rc->cfg->hostdevStateDir, addr, SAVED_VF_SUFFIX);
    }
}

static void
rcCheckSavedDrivers(rcRoot *rc)
{
    g_autoptr(GPtrArray) unheld = rcUnheldSaved(rc, SAVED_BIND_SUFFIX);
    size_t i;

    for (i = 0; i < unheld->len; i++) {
        const char *addr = g_ptr_array_index(unheld, i);

        rcReport(rc, RC_FAIL, _("PCI device %s: its host driver is recorded in %s/%s%s, but no running domain uses it (it was not given back to that driver)"),
                 addr, rc->cfg->hostdevStateDir, addr, SAVED_BIND_SUFFIX);
    }
}

typedef struct {
    const char *title;
    void (*run)(rcRoot *rc);
} rcRule;

static const rcRule rcRules[] = {
    { N_("Checking that every definition parses"), rcCheckDefinitions },
    { N_("Checking that every status and record file parses"), rcCheckStatusFiles },
    { N_("Checking for temporary files of interrupted writes"), rcCheckTemps },
    { N_("Checking that UUIDs are unique"), rcCheckUUIDs },
    { N_("Checking that every status file has its live QEMU"), rcCheckStatusProcesses },
    { N_("Checking that every QEMU of the root has a status file"), rcCheckOrphanProcesses },
    { N_("Checking for files left by stopped domains"), rcCheckRunLeftovers },
    { N_("Checking that no migration job is left"), rcCheckJobs },
    { N_("Checking that every VF has one live owner or is free"), rcCheckVFOwners },
    { N_("Checking that saved VF settings belong to used VFs"), rcCheckSavedVFs },
    { N_("Checking that recorded host drivers belong to used devices"), rcCheckSavedDrivers },
};

static void
rcUsage(FILE *out)
{
    fprintf(out, "%s",
            _("usage: virt-root-check [--quiet] [--wait SECONDS] ROOT\n"
              "\n"
              "Check that the embedded root ROOT (qemu:///embed?root=ROOT) is consistent:\n"
              "definitions and status files parse, no temporary files, every QEMU has a\n"
              "status file and every status file a live QEMU, every VF is free or used by\n"
              "exactly one running domain, saved VF settings only for used VFs, no migration\n"
              "job left, no duplicate UUIDs. Only reads: repairing is what opening the root\n"
              "does (any virsh call on it).\n"
              "\n"
              "  -q, --quiet         print only the rules that do not pass\n"
              "  -w, --wait SECONDS  wait this long for the root's locks (default 10)\n"
              "  -h, --help          this help\n"
              "\n"
              "Exit status: 0 consistent, 1 inconsistent, 2 usage error.\n"));
}

int
main(int argc, char **argv)
{
    rcRoot rc = { .lockFds = { -1, -1 } };
    g_autofree char *root = NULL;
    bool quiet = false;
    gint64 waitSecs = 10;
    bool failed = false;
    size_t i;
    int a;

    setlocale(LC_ALL, "");
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a];

        if (STREQ(arg, "-h") || STREQ(arg, "--help")) {
            rcUsage(stdout);
            return 0;
        } else if (STREQ(arg, "-q") || STREQ(arg, "--quiet")) {
            quiet = true;
        } else if ((STREQ(arg, "-w") || STREQ(arg, "--wait")) && a + 1 < argc) {
            if (!g_ascii_string_to_signed(argv[++a], 10, 0, 3600, &waitSecs, NULL)) {
                fprintf(stderr, _("virt-root-check: --wait needs a number of seconds from 0 to 3600, not '%s'\n"),
                        argv[a]);
                return 2;
            }
        } else if (arg[0] == '-' || root) {
            fprintf(stderr, _("virt-root-check: unexpected argument '%s'\n"), arg);
            rcUsage(stderr);
            return 2;
        } else {
            root = g_canonicalize_filename(arg, NULL);
        }
    }
    if (!root) {
        rcUsage(stderr);
        return 2;
    }
    if (!g_file_test(root, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, _("virt-root-check: '%s' is not a directory\n"), root);
        return 2;
    }

    rc.root = root;
    if (!(rc.cfg = virQEMUDriverConfigNew(root))) {
        fprintf(stderr, _("virt-root-check: cannot read the configuration of root '%s': %s\n"),
                root, virGetLastErrorMessage());
        return 1;
    }
    rc.netPaths = networkDriverPathsNew(root);

    /* shared: operations (exclusive) wait while we read */
    rc.lockFds[0] = rcLockShared(&rc, rc.cfg->domainLockFile, waitSecs * 1000);
    rc.lockFds[1] = rcLockShared(&rc, rc.netPaths->lockFile, waitSecs * 1000);

    rc.driver.config = rc.cfg;
    rc.driver.domains = virDomainObjListNew();
    rc.statuses = g_ptr_array_new_with_free_func((GDestroyNotify)rcStatusFree);
    rc.pools = g_ptr_array_new_with_free_func((GDestroyNotify)rcPoolFree);
    rc.holders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)g_ptr_array_unref);
    rc.owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)virHostdevOwnerFree);
    rc.badOwners = g_ptr_array_new_with_free_func(g_free);
    rcLoadStatuses(&rc);
    rcLoadHolders(&rc);
    rcLoadPools(&rc);
    rcLoadOwners(&rc);

    printf(_("virt-root-check: %s%s\n"), root,
           rc.busy ? _(" (busy: a lock is held by a running operation; read without it)") : "");
    for (i = 0; i < G_N_ELEMENTS(rcRules); i++) {
        size_t j;

        rc.verdict = RC_PASS;
        rc.lines = g_ptr_array_new_with_free_func(g_free);
        rcRules[i].run(&rc);
        if (!quiet || rc.verdict != RC_PASS) {
            printf("  %-60s: %s\n", _(rcRules[i].title), rcVerdictNames[rc.verdict]);
            for (j = 0; j < rc.lines->len; j++)
                printf("      %s\n", (char *)g_ptr_array_index(rc.lines, j));
        }
        failed |= rc.verdict == RC_FAIL;
        g_ptr_array_unref(rc.lines);
    }

    for (i = 0; i < G_N_ELEMENTS(rc.lockFds); i++) {
        if (rc.lockFds[i] >= 0)
            close(rc.lockFds[i]);
    }
    g_hash_table_unref(rc.holders);
    g_hash_table_unref(rc.owners);
    g_ptr_array_unref(rc.badOwners);
    g_ptr_array_unref(rc.pools);
    g_ptr_array_unref(rc.statuses);
    virDomainObjListFree(rc.driver.domains);
    networkDriverPathsFree(rc.netPaths);
    virQEMUDriverConfigFree(rc.cfg);
    return failed ? 1 : 0;
}
