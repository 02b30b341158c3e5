/*
 * qemu_process.c: running QEMU for a domain: start, stop, monitor, reconnect
 */
#include "internal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "qemu_alias.h"
#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_domainlog.h"
#include "qemu_hostdev.h"
#include "qemu_interface.h"
#include "qemu_monitor_json.h"
#include "qemu_process.h"
#include "qemu_return.h"
#include "virerror.h"
#include "virfile.h"
#include "virmemlock.h"
#include "virprocess.h"
#include "virspawn.h"
#include "virsocket.h"
#include "virstring.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* fd number the QMP listening socket has in QEMU */
#define QEMU_MONITOR_CHILD_FD 3
/* fd number an incoming migration's listening socket has in QEMU, and
 * the -incoming that makes QEMU accept the source's connection on it */
#define QEMU_INCOMING_CHILD_FD 4
#define QEMU_INCOMING_URI "tcp:fd:4"
/* how long QEMU gets to come up and greet us */
#define QEMU_START_TIMEOUT_MS 30000
/* how long a QEMU found without its status gets to answer */
#define QEMU_PROBE_TIMEOUT_MS 3000
/* how long a running QEMU gets to accept a job's connection, greet it and
 * answer each command */
#define QEMU_JOB_TIMEOUT_MS 10000
/* how long a QEMU that failed to start gets to exit (and so finish
 * writing why) before its log is read */
#define QEMU_EXIT_WAIT_MS 1000

/* ------------------------------------------------------------------ */
/* Files under run/                                                    */
/* ------------------------------------------------------------------ */

static char *
qemuProcessStatusPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.xml", driver->config->stateDir, name);
}

static char *
qemuProcessPidPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s.pid", driver->config->stateDir, name);
}

/* NAME.starting: the UUID of a run being started, written under the
 * root's lock before anything of the run exists and removed when the start
 * completed or was undone, while the lock is still held: seen by a process
 * holding the lock, it is a start whose starter died. */
static char *
qemuProcessStartingPath(virQEMUDriver *driver, const char *name)
{
    return g_strdup_printf("%s/%s%s", driver->config->stateDir, name,
                           QEMU_PROCESS_STARTING_SUFFIX);
}

/* ROOT/run/qemu/stops: why runs stopped, one "UUID REASON" line per
 * domain, the latest last, written by the process that stopped the run
 * (under the root's lock, before its status goes) so that other
 * processes, which see only the status gone, know why: libvirt's shut-off
 * reason. A domain's line goes when it starts again or is undefined; the
 * file keeps the latest QEMU_PROCESS_STOPS_MAX lines (the reasons of
 * transient domains nobody starts again would grow it otherwise). */
#define QEMU_PROCESS_STOPS_MAX 256

static char *
qemuProcessStopsPath(virQEMUDriver *driver)
{
    return g_build_filename(driver->config->stateDir, "stops", NULL);
}

/* The lines of the file but those of @uuid (NULL: all); *found: there
 * was one, with its reason in *reason. */
static GPtrArray *
qemuProcessReadStops(virQEMUDriver *driver, const unsigned char *uuid,
                     bool *found, int *reason)
{
    g_autofree char *path = qemuProcessStopsPath(driver);
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    GPtrArray *kept = g_ptr_array_new_with_free_func(g_free);
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    size_t i;

    *found = false;
    if (!g_file_get_contents(path, &content, NULL, NULL))
        return kept;
    if (uuid)
        virUUIDFormat(uuid, uuidstr);
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) fields = g_strsplit(lines[i], " ", 2);
        gint64 value;

        /* DAEMON: the largest reason of libvirt 9.0's API */
        if (g_strv_length(fields) != 2 || strlen(fields[0]) != VIR_UUID_STRING_BUFLEN - 1 ||
            !g_ascii_string_to_signed(fields[1], 10, 0, VIR_DOMAIN_SHUTOFF_DAEMON, &value, NULL))
            continue;
        if (uuid && STREQ(fields[0], uuidstr)) {
            *found = true;
            *reason = value;
            continue;
        }
        g_ptr_array_add(kept, g_strdup(lines[i]));
    }
    return kept;
}

static int
qemuProcessWriteStops(virQEMUDriver *driver, GPtrArray *lines)
{
    g_autofree char *path = qemuProcessStopsPath(driver);
    g_autoptr(GString) content = g_string_new(NULL);
    size_t i;

    for (i = lines->len > QEMU_PROCESS_STOPS_MAX ? lines->len - QEMU_PROCESS_STOPS_MAX : 0;
         i < lines->len; i++)
        g_string_append_printf(content, "%s\n", (const char *)g_ptr_array_index(lines, i));
    return virFileWriteStrRuntime(path, content->str, 0600);
}

static void
qemuProcessWriteStopped(virQEMUDriver *driver, const virDomainDef *def, int reason)
{
    g_autoptr(GPtrArray) lines = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    bool found;
    int old;

    lines = qemuProcessReadStops(driver, def->uuid, &found, &old);
    g_ptr_array_add(lines, g_strdup_printf("%s %d", virUUIDFormat(def->uuid, uuidstr), reason));
    /* without it others say "unknown": worth a warning, not a failed stop */
    if (qemuProcessWriteStops(driver, lines) < 0) {
        virReportWarning(_("domain '%s' stopped; other processes will not know why: %s"),
                         def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

void
qemuProcessClearStopped(virQEMUDriver *driver, const unsigned char *uuid)
{
    g_autoptr(GPtrArray) lines = NULL;
    bool found;
    int old;

    lines = qemuProcessReadStops(driver, uuid, &found, &old);
    if (found && qemuProcessWriteStops(driver, lines) < 0) {
        /* a stale reason is shown only if this run ends unrecorded */
        virReportWarning(_("cannot forget why the last run stopped: %s"),
                         virGetLastErrorMessage());
        virResetLastError();
    }
}

int
qemuProcessStoppedReason(virQEMUDriver *driver, const virDomainDef *def)
{
    g_autoptr(GPtrArray) lines = NULL;
    bool found;
    int reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;

    lines = qemuProcessReadStops(driver, def->uuid, &found, &reason);
    return found ? reason : VIR_DOMAIN_SHUTOFF_UNKNOWN;
}

/* NAME.pid: the pid of QEMU on the first line (as in any pidfile), its
 * start time on the second: together, its identity (virprocess.h). */
static int
qemuProcessWritePidfile(const char *path, const virProcessIdentity *id)
{
    g_autofree char *content = g_strdup_printf("%lld\n%llu\n", (long long)id->pid,
                                               id->startTime);

    return virFileWriteStrRuntime(path, content, 0600);
}

/* Returns 0, or -1 (nothing reported) when the pidfile is missing or is
 * not what qemuProcessWritePidfile writes. */
static int
qemuProcessReadPidfile(const char *path, virProcessIdentity *id)
{
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    int pid;
    unsigned long long start;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return -1;
    lines = g_strsplit(content, "\n", 0);
    if (g_strv_length(lines) != 3 || *lines[2] ||
        virStrToLong_i(lines[0], NULL, 10, &pid) < 0 || pid <= 0 ||
        virStrToLong_ull(lines[1], NULL, 10, &start) < 0)
        return -1;
    id->pid = pid;
    id->startTime = start;
    return 0;
}

static virProcessIdentity
qemuProcessIdentityOf(virDomainObj *obj)
{
    virProcessIdentity id = { obj->pid, qemuDomainObjGetPrivate(obj)->pidStartTime };

    return id;
}

int
qemuProcessRaiseMemLock(virDomainObj *obj, const virDomainDef *def)
{
    unsigned long long need = virMemLockLimitForVFIO(def->memory);
    g_autofree char *what = g_strdup_printf(_("domain '%s'"), def->name);
    virProcessIdentity id;

    virDomainObjLock(obj);
    id = qemuProcessIdentityOf(obj);
    virDomainObjUnlock(obj);
    if (virProcessIdentityCheck(&id) != VIR_PROCESS_IDENTITY_SAME) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the QEMU of domain '%s' (pid %lld) is gone"),
                       def->name, (long long)id.pid);
        return -1;
    }
    switch (virMemLockCheckGrantable(need, what)) {
    case 1:
        return virMemLockRaise(id.pid, need);
    case 0:
        if (virMemLockUnlimited(id.pid))
            return 0;
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the QEMU of domain '%s' (pid %lld) has neither CAP_IPC_LOCK nor a locked-memory limit of %llu KiB, and this process cannot raise its limit (no CAP_SYS_RESOURCE): restart the domain to give it a vfio device"),
                       def->name, (long long)id.pid, need / 1024);
        return -1;
    default:
        return -1;
    }
}

int
qemuProcessSaveStatus(virQEMUDriver *driver, virDomainObj *obj)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = qemuProcessStatusPath(driver, obj->def->name);
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    struct stat sb;
    int ret = -1;

    /* read by the job's thread: nobody else changes the object */
    if (!(xml = qemuDomainObjFormatStatus(obj)) || qemuDriverLockRoot(driver) < 0)
        return -1;
    if (virFileWriteStrRuntime(path, xml, 0600) < 0)
        goto cleanup;
    /* remember which file we wrote, so a sync does not re-read it */
    if (stat(path, &sb) == 0) {
        virDomainObjLock(obj);
        priv->statusMtime = (gint64)sb.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) +
                            sb.st_mtim.tv_nsec;
        priv->statusIno = sb.st_ino;
        virDomainObjUnlock(obj);
    }
    ret = 0;

 cleanup:
    qemuDriverUnlockRoot(driver, ret == 0);
    return ret;
}

/* @monitor: the monitor socket recorded for the run (ROOT/run/qemu/
 * NAME.monitor for guests started before sockets were named by UUID) */
static void
qemuProcessRemoveRunFiles(virQEMUDriver *driver, const char *name,
                          const unsigned char *uuid, const char *monitor)
{
    g_autofree char *status = qemuProcessStatusPath(driver, name);
    g_autofree char *pidfile = qemuProcessPidPath(driver, name);
    g_autofree char *incoming = virQEMUDriverConfigSocketPath(driver->config, uuid,
                                                              QEMU_SOCKET_INCOMING);
    const char *const extra[] = { "job", "jobdone", "abort" };
    size_t i;

    unlink(status);
    if (monitor)
        unlink(monitor);
    unlink(incoming);
    unlink(pidfile);
    for (i = 0; i < G_N_ELEMENTS(extra); i++) {
        g_autofree char *path = g_strdup_printf("%s/%s.%s", driver->config->stateDir,
                                                name, extra[i]);

        unlink(path);
    }
}

/* ------------------------------------------------------------------ */
/* Start                                                                */
/* ------------------------------------------------------------------ */

static int
qemuProcessNextId(virQEMUDriver *driver)
{
    g_autofree char *path = g_strdup_printf("%s/next-id", driver->config->stateDir);
    g_autofree char *content = NULL;
    g_autofree char *next = NULL;
    int id;

    if (!g_file_get_contents(path, &content, NULL, NULL) ||
        virStrToLong_i(g_strstrip(content), NULL, 10, &id) < 0 || id < 1 || id == G_MAXINT)
        id = 1;   /* missing, damaged or used up: count again */
    next = g_strdup_printf("%d\n", id + 1);
    if (virFileWriteStrRuntime(path, next, 0600) < 0)
        virResetLastError();   /* ids are cosmetic: never fail a start */
    return id;
}

/* Wait up to @ms for the process of @id to exit (its pidfd becomes
 * readable then); nothing is reported. */
static void
qemuProcessWaitExit(const virProcessIdentity *id, int ms)
{
    struct pollfd pfd = { .fd = -1, .events = POLLIN };

    if (virProcessIdentityOpen(id, &pfd.fd) != VIR_PROCESS_IDENTITY_SAME) {
        virResetLastError();
        return;
    }
    while (poll(&pfd, 1, ms) < 0 && errno == EINTR)
        ;
    close(pfd.fd);
}

/* The last lines QEMU wrote to its log, for error messages. */
static char *
qemuProcessLogTail(const char *logpath, off_t from)
{
    g_autofree char *content = NULL;
    gsize len = 0;
    g_autofree char *tail = NULL;

    if (!g_file_get_contents(logpath, &content, &len, NULL) || (gsize)from >= len)
        return g_strdup("");
    tail = g_strstrip(g_strdup(content + from));
    return g_steal_pointer(&tail);
}

int
qemuProcessCommandOptions(virQEMUDriver *driver, virDomainDef *live,
                          qemuCommandOptions *opts)
{
    virQEMUCaps *caps;

    if (!(caps = virQEMUDriverGetCaps(driver, qemuDomainDefEmulator(live))))
        return -1;
    return qemuProcessCommandOptionsCaps(driver->config, caps, live, opts);
}

int
qemuProcessCommandOptionsCaps(virQEMUDriverConfig *cfg, virQEMUCaps *caps,
                              virDomainDef *live, qemuCommandOptions *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->emulator = qemuDomainDefEmulator(live);
    if (live->virtType == VIR_DOMAIN_VIRT_KVM &&
        !(caps->kvmUsable && virQEMUCapsGet(caps, QEMU_CAPS_KVM))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("domain '%s' has type='kvm' but KVM is not usable on this host (no /dev/kvm, or a paravirtual KVM without hardware virtualisation that hangs guests): use <domain type='qemu'>, or set kvm_usable = 1 in %s to override"),
                       live->name, cfg->configFile);
        return -1;
    }
    if (qemuDomainDefPostParseCaps(live, caps) < 0 ||
        qemuAssignDeviceAliases(live) < 0)
        return -1;
    opts->machine = live->os.machine;
    opts->jsonDevice = virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_JSON);
    opts->failover = virQEMUCapsGet(caps, QEMU_CAPS_VIRTIO_NET_FAILOVER);
    opts->monitorFd = QEMU_MONITOR_CHILD_FD;
    opts->simulateVFModel = cfg->hostdevSimulate;
    return 0;
}

GStrv
qemuProcessBuildCommand(virQEMUDriver *driver, virDomainDef *live,
                        qemuCommandOptions *opts, const qemuProcessIncoming *incoming)
{
    virQEMUCaps *caps;

    if (!(caps = virQEMUDriverGetCaps(driver, qemuDomainDefEmulator(live))))
        return NULL;
    return qemuProcessBuildCommandCaps(driver->config, caps, live, opts, incoming);
}

GStrv
qemuProcessBuildCommandCaps(virQEMUDriverConfig *cfg, virQEMUCaps *caps,
                            virDomainDef *live, qemuCommandOptions *opts,
                            const qemuProcessIncoming *incoming)
{
    if (qemuProcessCommandOptionsCaps(cfg, caps, live, opts) < 0)
        return NULL;
    if (incoming) {
        opts->incomingURI = QEMU_INCOMING_URI;
        if (incoming->tls) {
            opts->incomingTLSDir = cfg->migrateTLSx509certdir;
            opts->incomingTLSVerify = cfg->migrateTLSx509verify;
        }
    }
    if (!live->nhostdevs)
        opts->simulateVFModel = NULL;
    return qemuBuildCommandLine(live, opts);
}

int
qemuProcessSetLinkState(qemuMonitor *mon, const virDomainNetDef *net)
{
    /* QEMU starts every NIC with its link up; a VF's link is its own */
    if (net->linkstate != VIR_DOMAIN_NET_INTERFACE_LINK_STATE_DOWN ||
        virDomainNetGetActualHostdev((virDomainNetDef *)net))
        return 0;
    return qemuMonitorSetLink(mon, net->info.alias, false);
}

static int
qemuProcessApplyLinkStates(qemuMonitor *mon, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (qemuProcessSetLinkState(mon, def->nets[i]) < 0)
            return -1;
    }
    return 0;
}

static void qemuProcessStopFull(virQEMUDriver *driver, virDomainObj *obj, int reason,
                                bool checkRecord, qemuReturn **deferred);

/* A start under way: what its phases made, which the one undo path
 * (qemuProcessStartUndo) takes back. The start runs in the domain's job
 * (its job lock held): that lock, not the root's, is what tells other
 * processes that the start is alive. */
struct _qemuProcessStarting {
    unsigned int flags;         /* VIR_DOMAIN_START_PAUSED */
    bool incoming;              /* a guest arriving by migration */
    int incomingFd;             /* its listening socket, until launch */
    char *incomingPath;         /* the file of that socket, bound at reserve */
    bool incomingTLS;           /* its stream is TLS */
    virDomainDef *live;         /* until launch: then the object's def */
    char *monitorPath;
    char *logPath;
    char *pidPath;
    char *startingPath;
    GStrv argv;
    qemuCommandOptions opts;
    int logfd;
    off_t logStart;
    gint64 spawned;
    bool recorded;              /* the start record is written */
    bool resources;             /* VFs taken for @live */
    bool launched;              /* QEMU runs: the object is its run */
    unsigned long long memlock; /* RLIMIT_MEMLOCK QEMU gets, 0: ours */
    qemuMonitor *mon;
};

static void
qemuProcessStartingFree(qemuProcessStarting *ctx)
{
    if (!ctx)
        return;
    virDomainDefFree(ctx->live);
    g_free(ctx->monitorPath);
    g_free(ctx->logPath);
    g_free(ctx->pidPath);
    g_free(ctx->startingPath);
    g_free(ctx->incomingPath);
    g_strfreev(ctx->argv);
    if (ctx->logfd >= 0)
        close(ctx->logfd);
    if (ctx->incomingFd >= 0)
        close(ctx->incomingFd);
    g_free(ctx);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuProcessStarting, qemuProcessStartingFree);

/* Phase 1, reserve (root lock held throughout): the start record first
 * (it names the domain's UUID: a VF record of this run is then known to
 * belong to a start under way while the job lock is held), the run's id,
 * the host devices taken (pool VFs, VFs and devices named directly), the
 * incoming migration's socket when it is a file of the root. Nothing on
 * the host changes yet but records. */
static int
qemuProcessReserveHost(virQEMUDriver *driver, virDomainObj *obj, qemuProcessStarting *ctx)
{
    virQEMUDriverConfig *cfg = driver->config;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    int ret = -1;

    if (!(ctx->live = virDomainDefCopy(obj->def, VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    ctx->monitorPath = virQEMUDriverConfigSocketPath(cfg, ctx->live->uuid, QEMU_SOCKET_MONITOR);
    ctx->logPath = qemuDomainLogPath(cfg, ctx->live->name);
    ctx->pidPath = qemuProcessPidPath(driver, ctx->live->name);
    ctx->startingPath = qemuProcessStartingPath(driver, ctx->live->name);

    if (qemuDriverLockRoot(driver) < 0)
        return -1;
    /* before anything of the run exists: a crash from here on is undone by
     * the next process that finds the job lock free (qemuProcessUndoStart) */
    virUUIDFormat(ctx->live->uuid, uuidstr);
    if (virFileWriteStrRuntime(ctx->startingPath, uuidstr, 0600) < 0)
        goto unlock;
    ctx->recorded = true;
    /* why the last run stopped is no longer news */
    qemuProcessClearStopped(driver, ctx->live->uuid);
    /* this run's id first: the devices taken below are recorded under it */
    ctx->live->id = qemuProcessNextId(driver);
    /* resources first: the command line passes them through */
    if (qemuInterfaceReserveAll(driver, ctx->live) < 0)
        goto unlock;
    ctx->resources = true;
    if (qemuHostdevTakeAll(driver, ctx->live) < 0)
        goto unlock;
    if (ctx->incomingPath &&
        (ctx->incomingFd = virSocketListenUnix(ctx->incomingPath, 0600, 1)) < 0)
        goto unlock;
    ret = 0;

 unlock:
    qemuDriverUnlockRoot(driver, true);
    return ret;
}

/* Phase 2, set up the host (root lock held): the devices taken made
 * ready for QEMU (vfio-pci; a VF's MAC and VLAN), the locked-memory
 * limit, then the command line. */
static int
qemuProcessSetupHost(virQEMUDriver *driver, qemuProcessStarting *ctx)
{
    qemuProcessIncoming incoming = { .listenFd = -1, .tls = ctx->incomingTLS };
    int ret = -1;

    if (qemuDriverLockRoot(driver) < 0)
        return -1;
    if (qemuInterfaceSetupAll(driver, ctx->live) < 0 ||
        qemuHostdevPrepareVFIOAll(driver, ctx->live) < 0)
        goto unlock;
    /* a vfio device pins all guest memory: QEMU gets the limit that takes */
    if (ctx->live->nhostdevs > 0) {
        g_autofree char *what = g_strdup_printf(_("domain '%s'"), ctx->live->name);

        unsigned long long need = virMemLockLimitForVFIO(ctx->live->memory);
        int rc = virMemLockCheckGrantable(need, what);

        if (rc < 0)
            goto unlock;
        ctx->memlock = rc > 0 ? need : 0;
    }
    ret = 0;

 unlock:
    qemuDriverUnlockRoot(driver, true);
    if (ret == 0 &&
        !(ctx->argv = qemuProcessBuildCommand(driver, ctx->live, &ctx->opts,
                                              ctx->incoming ? &incoming : NULL)))
        ret = -1;
    return ret;
}

/* Phase 3, launch: QEMU spawned with its monitor socket (and the incoming
 * migration's, when it is a file of the root); from the moment
 * its identity is known the object is the run (live definition, pid) and
 * the pidfile and status say so. */
static int
qemuProcessLaunch(virQEMUDriver *driver, virDomainObj *obj, qemuProcessStarting *ctx)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autofree char *cmdline = NULL;
    virProcessIdentity qemuId;
    struct stat sb;
    VIR_AUTOCLOSE int listenfd = -1;
    VIR_AUTOCLOSE int nullfd = -1;
    pid_t pid = 0;
    int rc;

    if ((listenfd = virSocketListenUnix(ctx->monitorPath, 0600, 1)) < 0)
        return -1;
    if ((ctx->logfd = virFileOpenWrite(ctx->logPath, O_WRONLY | O_APPEND, 0600,
                                       _("log file"))) < 0)
        goto error;
    if (fstat(ctx->logfd, &sb) == 0)
        ctx->logStart = sb.st_size;
    cmdline = qemuCommandLineToString((const char * const *)ctx->argv);
    ctx->logStart += qemuDomainLogWrite(ctx->logfd, "starting up%s\n%s",
                                        ctx->opts.simulateVFModel ?
                                        " (simulated SR-IOV host: VFs are emulated NICs)" : "",
                                        cmdline);
    if (ctx->memlock)
        ctx->logStart += qemuDomainLogWrite(ctx->logfd, "locked-memory limit %llu KiB (vfio)\n",
                                            ctx->memlock / 1024);
    else if (ctx->live->nhostdevs > 0)
        ctx->logStart += qemuDomainLogWrite(ctx->logfd, "%s",
                                            "locked memory not limited: QEMU has CAP_IPC_LOCK (vfio)\n");
    if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, "%s", _("cannot open /dev/null"));
        goto error;
    }

    {
        int source[] = { listenfd, ctx->incomingFd };
        int target[] = { QEMU_MONITOR_CHILD_FD, QEMU_INCOMING_CHILD_FD };
        virSpawn spawn = {
            .argv = (const char *const *)ctx->argv,
            .envp = qemuCommandEnv,
            .stdinFd = nullfd,
            .stdoutFd = ctx->logfd,
            .stderrFd = ctx->logfd,
            .sourceFds = source,
            .targetFds = target,
            .nfds = ctx->incomingFd >= 0 ? 2 : 1,
            .memlock = ctx->memlock,
        };

        if (virSpawnRun(&spawn, &pid) < 0)
            goto error;
    }
    ctx->spawned = g_get_monotonic_time();
    /* QEMU has the socket: its last copy goes with QEMU, so that a QEMU
     * that dies makes the source's connection fail */
    if (ctx->incomingFd >= 0) {
        close(ctx->incomingFd);
        ctx->incomingFd = -1;
    }
    /* our child, not reaped: the pid cannot name another process yet */
    if (virProcessIdentityGet(pid, &qemuId) < 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        goto error;
    }

    /* from here on, a crash of this process leaves enough to clean up */
    virDomainObjLock(obj);
    priv->simulatedVFs = ctx->opts.simulateVFModel != NULL;
    virDomainObjSetLiveDef(obj, &ctx->live);
    obj->pid = qemuId.pid;
    priv->pidStartTime = qemuId.startTime;
    obj->state = VIR_DOMAIN_PAUSED;
    obj->reason = VIR_DOMAIN_PAUSED_STARTING_UP;
    g_free(priv->monitorPath);
    priv->monitorPath = g_strdup(ctx->monitorPath);
    g_free(priv->emulator);
    priv->emulator = g_strdup(ctx->opts.emulator);
    virDomainObjUnlock(obj);
    ctx->launched = true;
    if (qemuDriverLockRoot(driver) < 0)
        return -1;
    rc = qemuProcessWritePidfile(ctx->pidPath, &qemuId) < 0 ||
         qemuProcessSaveStatus(driver, obj) < 0 ? -1 : 0;
    qemuDriverUnlockRoot(driver, true);
    return rc;

 error:
    unlink(ctx->monitorPath);
    return -1;
}

/* Phase 4, connect the monitor (no lock held: QEMU takes its time, up to
 * QEMU_START_TIMEOUT_MS) and set what the command line cannot: link
 * states, migration events, the guest running or not. */
static int
qemuProcessConnectMonitor(virDomainObj *obj, qemuProcessStarting *ctx)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    virProcessIdentity qemuId = { obj->pid, priv->pidStartTime };
    qemuMonitorTarget monTarget = { obj->def->name, obj->pid };
    qemuMonitor *mon;
    bool paused = ctx->flags & VIR_DOMAIN_START_PAUSED;

    if (!(mon = qemuMonitorOpen(ctx->monitorPath, &monTarget, QEMU_START_TIMEOUT_MS))) {
        g_autofree char *tail = NULL;

        /* a QEMU that refused to start has written why before it exits */
        qemuProcessWaitExit(&qemuId, QEMU_EXIT_WAIT_MS);
        tail = qemuProcessLogTail(ctx->logPath, ctx->logStart);
        if (*tail) {
            virResetLastError();
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("QEMU failed to start domain '%s': %s"),
                           obj->def->name, tail);
        }
        return -1;
    }
    ctx->mon = mon;

    /* QEMU's own start-up time, for whoever wonders where a start went */
    qemuDomainLogWrite(ctx->logfd, "QMP ready %lld ms after spawn\n",
                       (long long)(g_get_monotonic_time() - ctx->spawned) / 1000);

    /* standbys have not negotiated failover until the guest driver says so */
    {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);
        size_t i;

        for (i = 0; i < obj->def->nnets; i++) {
            virDomainNetTeamingInfo *t = obj->def->nets[i]->teaming;

            if (t && t->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT)
                t->negotiated = VIR_DOMAIN_NET_TEAMING_NEGOTIATED_NO;
        }
    }

    if (qemuProcessApplyLinkStates(mon, obj->def) < 0)
        return -1;

    if (ctx->incoming) {
        /* the guest arrives by migration: it runs once it is all there
         * (QEMU answers the source's return path whether or not it is
         * on here; on, as on the source) */
        if (qemuMonitorSetMigrationCapabilities(mon) < 0)
            return -1;
        virDomainObjLock(obj);
        obj->state = VIR_DOMAIN_PAUSED;
        obj->reason = VIR_DOMAIN_PAUSED_MIGRATION;
        virDomainObjUnlock(obj);
    } else if (!paused) {
        if (qemuMonitorCont(mon) < 0)
            return -1;
        virDomainObjLock(obj);
        obj->state = VIR_DOMAIN_RUNNING;
        obj->reason = VIR_DOMAIN_RUNNING_BOOTED;
        virDomainObjUnlock(obj);
    } else {
        virDomainObjLock(obj);
        obj->state = VIR_DOMAIN_PAUSED;
        obj->reason = VIR_DOMAIN_PAUSED_USER;
        virDomainObjUnlock(obj);
    }
    return 0;
}

/* Phase 5, finish: the status as QEMU runs the guest now, then the start
 * record goes (root lock held for both). */
static int
qemuProcessFinishStartup(virQEMUDriver *driver, virDomainObj *obj, qemuProcessStarting *ctx)
{
    int rc;

    qemuProcessApplyEvents(driver, obj, ctx->mon);
    if (qemuDriverLockRoot(driver) < 0)
        return -1;
    if ((rc = qemuProcessSaveStatus(driver, obj)) == 0) {
        unlink(ctx->startingPath);
        ctx->recorded = false;
    }
    qemuDriverUnlockRoot(driver, true);
    return rc;
}

/* The one way back from any phase: a launched QEMU is stopped as a run
 * (its VFs go back with it), else the VFs taken for it go back; the
 * start record goes last. The error being reported stays. */
static void
qemuProcessStartUndo(virQEMUDriver *driver, virDomainObj *obj, qemuProcessStarting *ctx)
{
    virErrorPtr saved;

    virErrorPreserveLast(&saved);
    if (ctx->mon)
        qemuProcessAbandonJob(g_steal_pointer(&ctx->mon));
    if (qemuDriverLockRoot(driver) == 0) {
        if (ctx->launched) {
            /* the status may not be written: this is our own child */
            qemuProcessStopFull(driver, obj, VIR_DOMAIN_SHUTOFF_FAILED, false, NULL);
        } else {
            /* the incoming socket file QEMU did not get yet */
            if (ctx->incomingPath && ctx->incomingFd >= 0)
                unlink(ctx->incomingPath);
            if (ctx->resources)
                qemuReturnAll(driver, ctx->live);
        }
        if (ctx->recorded)
            unlink(ctx->startingPath);
        qemuDriverUnlockRoot(driver, true);
    }
    virErrorRestore(&saved);
}

int
qemuProcessStartReserve(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags,
                        const qemuProcessIncoming *incoming, qemuProcessStarting **starting)
{
    g_autoptr(qemuProcessStarting) ctx = g_new0(qemuProcessStarting, 1);

    ctx->logfd = -1;
    ctx->incomingFd = incoming ? incoming->listenFd : -1;
    ctx->incomingPath = incoming ? g_strdup(incoming->listenPath) : NULL;
    ctx->incomingTLS = incoming && incoming->tls;
    ctx->incoming = incoming != NULL;
    ctx->flags = flags;
    *starting = NULL;
    if (virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running"), obj->def->name);
        return -1;
    }
    /* never a second QEMU of one guest, whatever its status file says */
    if (qemuProcessRefuseUnrecorded(driver, obj->def) < 0)
        return -1;

    if (qemuProcessReserveHost(driver, obj, ctx) < 0) {
        qemuProcessStartUndo(driver, obj, ctx);
        return -1;
    }
    *starting = g_steal_pointer(&ctx);
    return 0;
}

const virDomainDef *
qemuProcessStartingDef(const qemuProcessStarting *starting)
{
    return starting->live;
}

int
qemuProcessStartLaunch(virQEMUDriver *driver, virDomainObj *obj, qemuProcessStarting *starting)
{
    if (qemuProcessSetupHost(driver, starting) < 0 ||
        qemuProcessLaunch(driver, obj, starting) < 0) {
        qemuProcessStartUndo(driver, obj, starting);
        qemuProcessStartingFree(starting);
        return -1;
    }
    return 0;
}

int
qemuProcessStartComplete(virQEMUDriver *driver, virDomainObj *obj,
                         qemuProcessStarting *starting, qemuMonitor **monOut)
{
    g_autoptr(qemuProcessStarting) ctx = starting;

    if (qemuProcessConnectMonitor(obj, ctx) < 0 ||
        qemuProcessFinishStartup(driver, obj, ctx) < 0) {
        qemuProcessStartUndo(driver, obj, ctx);
        return -1;
    }
    if (monOut)
        *monOut = g_steal_pointer(&ctx->mon);
    else
        qemuProcessAbandonJob(g_steal_pointer(&ctx->mon));
    return 0;
}

int
qemuProcessStart(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags)
{
    qemuProcessStarting *starting;

    if (qemuProcessStartReserve(driver, obj, flags, NULL, &starting) < 0 ||
        qemuProcessStartLaunch(driver, obj, starting) < 0)
        return -1;
    return qemuProcessStartComplete(driver, obj, starting, NULL);
}

/* ------------------------------------------------------------------ */
/* Stop                                                                 */
/* ------------------------------------------------------------------ */

/* Does run/ still say that domain @obj (its UUID) runs in the process
 * @obj knows (pid and start time)? The status file says so, or, when it is
 * missing or unreadable, the pidfile written by the same start. Returns 0,
 * or -1 with an error saying what differs. */
static int
qemuProcessCheckRecord(virQEMUDriver *driver, virDomainObj *obj)
{
    g_autofree char *statusPath = qemuProcessStatusPath(driver, obj->def->name);
    g_autofree char *pidPath = qemuProcessPidPath(driver, obj->def->name);
    virProcessIdentity mine = qemuProcessIdentityOf(obj);
    virProcessIdentity recorded;
    g_autofree char *xml = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (virFileReadAll(statusPath, 10 * 1024 * 1024, &xml) >= 0 &&
        qemuDomainStatusParseIdentity(xml, statusPath, uuid, &recorded) == 0) {
        if (memcmp(uuid, obj->def->uuid, VIR_UUID_BUFLEN) != 0) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("status file '%s' records domain UUID %s, not the UUID of domain '%s'"),
                           statusPath, virUUIDFormat(uuid, uuidstr), obj->def->name);
            return -1;
        }
    } else {
        virResetLastError();
        if (qemuProcessReadPidfile(pidPath, &recorded) < 0) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("neither the status file '%s' nor the pidfile '%s' of domain '%s' can be read"),
                           statusPath, pidPath, obj->def->name);
            return -1;
        }
    }
    if (recorded.pid != mine.pid || recorded.startTime != mine.startTime) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("run/ records process %lld (started at %llu) for domain '%s', not process %lld (started at %llu)"),
                       (long long)recorded.pid, recorded.startTime, obj->def->name,
                       (long long)mine.pid, mine.startTime);
        return -1;
    }
    return 0;
}

typedef enum {
    QEMU_PROCESS_KILL_PAINFULLY,    /* SIGTERM, then SIGKILL */
    QEMU_PROCESS_KILL_GRACEFULLY,   /* SIGTERM only */
    QEMU_PROCESS_KILL_NOW,          /* SIGKILL, no waiting */
} qemuProcessKillMode;

/* Signal the QEMU of @obj, if it is proven to be it: run/ records this
 * domain with this process (unless @checkRecord is false: a start that
 * failed before writing them kills its own child) and the pid is still
 * that process. Returns 1 when the records of the domain are ours to clean
 * up (QEMU is gone, or never was ours to signal: its pid belongs to
 * another process now), 0 when they describe another process (left alone,
 * with a warning), -1 (error reported) when QEMU survived. */
static int
qemuProcessKill(virQEMUDriver *driver, virDomainObj *obj, qemuProcessKillMode mode,
                bool checkRecord)
{
    virProcessIdentity id = qemuProcessIdentityOf(obj);
    int rc;

    if (obj->pid <= 0)
        return 1;
    if (checkRecord && qemuProcessCheckRecord(driver, obj) < 0) {
        virReportWarning(_("QEMU of domain '%s' (pid %lld) is not signalled: %s"),
                         obj->def->name, (long long)obj->pid, virGetLastErrorMessage());
        virResetLastError();
        return 0;
    }
    switch (mode) {
    case QEMU_PROCESS_KILL_NOW:
        rc = virProcessKillNow(&id);
        break;
    case QEMU_PROCESS_KILL_GRACEFULLY:
        rc = virProcessKillPainfully(&id, 10000, true);
        break;
    case QEMU_PROCESS_KILL_PAINFULLY:
    default:
        rc = virProcessKillPainfully(&id, 3000, false);
        break;
    }
    if (rc < 0)
        return -1;
    if (rc == 1)
        virReportWarning(_("QEMU of domain '%s' is gone: its pid %lld belongs to another process now, which was not signalled"),
                         obj->def->name, (long long)obj->pid);
    return 1;
}

int
qemuProcessShutdownGracefully(virQEMUDriver *driver, virDomainObj *obj)
{
    return qemuProcessKill(driver, obj, QEMU_PROCESS_KILL_GRACEFULLY, true) < 0 ? -1 : 0;
}

static int qemuProcessProbeMonitor(const char *path, const unsigned char *uuid,
                                   qemuMonitor **monOut);

/* Called by the thread of a job on @obj, the object unlocked. QEMU is
 * killed and probed without the root's lock (those wait for QEMU); the
 * run's files, the VFs and the object change under it. */
static void
qemuProcessStopFull(virQEMUDriver *driver, virDomainObj *obj, int reason,
                    bool checkRecord, qemuReturn **deferred)
{
    g_autofree char *name = g_strdup(obj->def->name);
    bool wasAlive = qemuProcessIsRunning(obj);
    /* only a lock this stop takes can be passed on */
    bool nested = virRootLockIsOwner(driver->rootLock);
    bool rootLocked;
    int rc;

    /* A migrated source holds nothing any more: the guest runs elsewhere
     * and its VFs were unplugged before the memory was copied. It is
     * killed without waiting for the kernel to tear it down. */
    rc = qemuProcessKill(driver, obj, reason == VIR_DOMAIN_SHUTOFF_MIGRATED ?
                         QEMU_PROCESS_KILL_NOW : QEMU_PROCESS_KILL_PAINFULLY, checkRecord);
    if (rc < 0) {
        virReportWarning(_("QEMU of domain '%s' (pid %lld) could not be killed: %s"),
                         name, (long long)obj->pid, virGetLastErrorMessage());
        virResetLastError();
    }

    /* The recorded QEMU was gone before we came: is another QEMU of the
     * guest on its monitor (a status that names the wrong process)? Then
     * it holds the guest and its VFs: only the status goes, the monitor
     * and the pidfile stay so that no start runs a second QEMU, and
     * destroy finds it (qemuProcessStopUnrecorded). Nothing listening is
     * refused at once. */
    if (rc == 1 && !wasAlive && checkRecord && reason != VIR_DOMAIN_SHUTOFF_MIGRATED) {
        qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
        g_autofree char *monitorPath = priv->monitorPath ? g_strdup(priv->monitorPath) :
            virQEMUDriverConfigSocketPath(driver->config, obj->def->uuid, QEMU_SOCKET_MONITOR);
        qemuMonitor *mon = NULL;

        if (qemuProcessProbeMonitor(monitorPath, obj->def->uuid, &mon) > 0) {
            g_autofree char *statusPath = qemuProcessStatusPath(driver, name);

            qemuMonitorClose(mon);
            virReportWarning(_("domain '%s': its status named process %lld, which is gone, but a QEMU of this guest answers on its monitor; it is left running without a status: 'virsh destroy %s' stops it"),
                             name, (long long)obj->pid, name);
            unlink(statusPath);
            rc = 0;
        }
    }

    if (!(rootLocked = qemuDriverLockRoot(driver) == 0)) {
        virReportWarning(_("domain '%s' is stopped without the root's lock: %s"),
                         name, virGetLastErrorMessage());
        virResetLastError();
    }
    /* the status goes first: a process that dies now leaves VFs that the
     * next one gives back (nobody records them), never a VF released twice.
     * Records of another process (rc 0) are not ours to remove. */
    if (rc != 0) {
        qemuReturn *ret;

        qemuProcessWriteStopped(driver, obj->def, reason);
        qemuProcessRemoveRunFiles(driver, name, obj->def->uuid,
                                  qemuDomainObjGetPrivate(obj)->monitorPath);
        if ((ret = qemuReturnCollect(driver, obj->def))) {
            if (deferred && rootLocked && !nested)
                *deferred = ret;
            else
                qemuReturnRun(ret);
        }
    }

    virDomainObjLock(obj);
    obj->pid = 0;
    qemuDomainObjGetPrivate(obj)->pidStartTime = 0;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = reason;
    virDomainObjRestorePersistentDef(obj);
    virDomainObjUnlock(obj);
    /* with devices still to give back, the caller keeps the lock */
    if (rootLocked && !(deferred && *deferred))
        qemuDriverUnlockRoot(driver, true);
}

void
qemuProcessStop(virQEMUDriver *driver, virDomainObj *obj, int reason)
{
    qemuProcessStopFull(driver, obj, reason, true, NULL);
}

void
qemuProcessStopMigrated(virQEMUDriver *driver, virDomainObj *obj, qemuReturn **deferred)
{
    if (deferred)
        *deferred = NULL;
    qemuProcessStopFull(driver, obj, VIR_DOMAIN_SHUTOFF_MIGRATED, true, deferred);
}

/* Is the QEMU at @path the one of the domain with @uuid? 1 it answers
 * query-uuid with @uuid (*@monOut: the open monitor), 0 nothing answers
 * (no listener, or no greeting in time: busy or hung), -1 it answers with
 * another UUID. Nothing is reported. */
static int
qemuProcessProbeMonitor(const char *path, const unsigned char *uuid, qemuMonitor **monOut)
{
    unsigned char found[VIR_UUID_BUFLEN];
    qemuMonitor *mon;

    if (!virFileExists(path))
        return 0;
    if (!(mon = qemuMonitorOpen(path, NULL, QEMU_PROBE_TIMEOUT_MS))) {
        virResetLastError();
        return 0;
    }
    if (qemuMonitorQueryUUID(mon, found) < 0) {
        virResetLastError();
        qemuMonitorClose(mon);
        return 0;
    }
    if (memcmp(found, uuid, VIR_UUID_BUFLEN) != 0) {
        qemuMonitorClose(mon);
        return -1;
    }
    *monOut = mon;
    return 1;
}

/* A QEMU of domain @def that runs without a usable status file (damaged,
 * or removed): its pidfile names a live process with the recorded start
 * time, or its monitor answers with the domain's UUID. Returns 1 when one
 * runs, with *@id its identity (pid 0 when only the monitor knows it) and
 * *@monOut its open monitor (NULL if it did not answer); 0 when none does.
 * *@otherUUID tells that the monitor answered with another guest's UUID. */
static int
qemuProcessFindUnrecorded(virQEMUDriver *driver, const char *name,
                          const unsigned char *uuid, virProcessIdentity *id,
                          qemuMonitor **monOut, bool *otherUUID)
{
    g_autofree char *pidPath = qemuProcessPidPath(driver, name);
    g_autofree char *monitorPath = virQEMUDriverConfigSocketPath(driver->config, uuid,
                                                                 QEMU_SOCKET_MONITOR);
    bool pidAlive = false;
    int answer;

    *monOut = NULL;
    if (qemuProcessReadPidfile(pidPath, id) == 0 && virProcessIdentityIsAlive(id)) {
        pidAlive = true;
    } else {
        id->pid = 0;
        id->startTime = 0;
    }
    /* cheap when nothing listens (refused at once); a QEMU that listens
     * but does not answer in time is busy or hung, not gone */
    answer = qemuProcessProbeMonitor(monitorPath, uuid, monOut);
    *otherUUID = answer < 0;
    return pidAlive || answer > 0;
}

int
qemuProcessRefuseUnrecorded(virQEMUDriver *driver, const virDomainDef *def)
{
    g_autofree char *statusPath = qemuProcessStatusPath(driver, def->name);
    virProcessIdentity id;
    qemuMonitor *mon = NULL;
    bool otherUUID;

    /* never two QEMUs of one guest: whatever answers on the monitor, a
     * live process of the pidfile refuses the start */
    if (qemuProcessFindUnrecorded(driver, def->name, def->uuid, &id, &mon, &otherUUID) == 0)
        return 0;
    if (mon)
        qemuMonitorClose(mon);
    if (id.pid > 0)
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running: a QEMU of this guest (pid %lld) is alive, but its status file '%s' is missing or unreadable; stop it with 'virsh destroy %s'"),
                       def->name, (long long)id.pid, statusPath, def->name);
    else
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running: a QEMU of this guest answers on its monitor (pid unknown), but its status file '%s' is missing or unreadable; stop it with 'virsh destroy %s'"),
                       def->name, statusPath, def->name);
    return -1;
}

/* qemuProcessStopUnrecorded for the run of domain @name with @uuid; @what
 * says in warnings how it came to run unrecorded. */
static int
qemuProcessStopUnrecordedRun(virQEMUDriver *driver, const char *name,
                             const unsigned char *uuid, const char *what)
{
    g_autofree char *monitorPath = NULL;
    virProcessIdentity id;
    qemuMonitor *mon = NULL;
    bool otherUUID;

    if (qemuProcessFindUnrecorded(driver, name, uuid, &id, &mon, &otherUUID) == 0)
        return 0;
    if (otherUUID) {
        /* the pidfile and the monitor disagree on whose QEMU it is */
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("process %lld of the pidfile of domain '%s' is alive, but its monitor answers with the UUID of another guest: it is not signalled"),
                       (long long)id.pid, name);
        return -1;
    }
    if (mon) {
        /* QEMU exits on its own: its pid is not needed for that */
        if (qemuMonitorQuit(mon) < 0)
            virResetLastError();   /* it may close the monitor before replying */
        qemuMonitorClose(mon);
    }
    if (id.pid > 0 && virProcessKillPainfully(&id, 3000, false) < 0)
        return -1;
    if (id.pid > 0)
        virReportWarning(_("domain '%s': its QEMU (pid %lld) %s and was stopped"),
                         name, (long long)id.pid, what);
    else
        virReportWarning(_("domain '%s': its QEMU (pid unknown) %s and was told to quit on its monitor"),
                         name, what);
    monitorPath = virQEMUDriverConfigSocketPath(driver->config, uuid, QEMU_SOCKET_MONITOR);
    if (qemuDriverLockRoot(driver) < 0)
        return -1;
    qemuProcessRemoveRunFiles(driver, name, uuid, monitorPath);
    qemuDriverUnlockRoot(driver, true);
    return 1;
}

int
qemuProcessStopUnrecorded(virQEMUDriver *driver, const virDomainDef *def)
{
    return qemuProcessStopUnrecordedRun(driver, def->name, def->uuid,
                                        _("ran without a usable status file"));
}

GPtrArray *
qemuProcessListStarting(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) files = NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (!(files = virFileListDirSorted(driver->config->stateDir,
                                       QEMU_PROCESS_STARTING_SUFFIX))) {
        virResetLastError();
        return names;
    }
    for (i = 0; i < files->len; i++) {
        const char *file = g_ptr_array_index(files, i);

        g_ptr_array_add(names, g_strndup(file, strlen(file) -
                                         strlen(QEMU_PROCESS_STARTING_SUFFIX)));
    }
    return names;
}

char *
qemuProcessFindStarting(virQEMUDriver *driver, const unsigned char *uuid)
{
    g_autoptr(GPtrArray) names = qemuProcessListStarting(driver);
    size_t i;

    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *path = qemuProcessStartingPath(driver, name);
        g_autofree char *content = NULL;
        unsigned char found[VIR_UUID_BUFLEN];

        if (virFileReadAll(path, 1024, &content) < 0 ||
            virUUIDParse(g_strstrip(content), found) < 0) {
            virResetLastError();
            continue;
        }
        if (memcmp(found, uuid, VIR_UUID_BUFLEN) == 0)
            return g_strdup(name);
    }
    return NULL;
}

void
qemuProcessStartRecordClear(virQEMUDriver *driver, const char *name)
{
    g_autofree char *path = qemuProcessStartingPath(driver, name);

    if (unlink(path) < 0 && errno != ENOENT)
        virReportWarning(_("cannot remove the start record %s: %s"), path, g_strerror(errno));
}

int
qemuProcessUndoStart(virQEMUDriver *driver, virDomainObj *obj, const char *name)
{
    g_autofree char *path = qemuProcessStartingPath(driver, name);
    g_autofree char *content = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int rc = 0;

    if (obj && virDomainObjIsActive(obj)) {
        /* its status was written: stopped as any recorded run */
        virReportWarning(_("domain '%s': its start did not complete (the starting process died): it is stopped"),
                         name);
        qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_FAILED);
    } else if (virFileReadAll(path, 1024, &content) >= 0 &&
               virUUIDParse(g_strstrip(content), uuid) == 0) {
        rc = qemuProcessStopUnrecordedRun(driver, name, uuid,
                                          _("was started by a process that died before it wrote the status file"));
        if (rc == 0) {
            /* nothing runs: what the start had made before the QEMU */
            g_autofree char *monitor = virQEMUDriverConfigSocketPath(driver->config, uuid,
                                                                     QEMU_SOCKET_MONITOR);

            qemuProcessRemoveRunFiles(driver, name, uuid, monitor);
        }
    }
    if (rc < 0)
        return -1;   /* its QEMU survived: the record stays, its VFs too */
    /* unreadable: killed while writing it, before anything of the run */
    virResetLastError();
    unlink(path);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Jobs on running domains                                              */
/* ------------------------------------------------------------------ */

/* The alias of the primary paired with standby @alias, or NULL. */
static const char *
qemuProcessTeamingPrimary(const virDomainDef *def, const char *alias)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];
        virDomainNetTeamingInfo *t = h->parentnet ? h->parentnet->teaming : h->teaming;

        if (t && t->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT &&
            STREQ_NULLABLE(t->persistent, alias))
            return h->info->alias;
    }
    return NULL;
}

/* Is there a standby with a primary not known to have negotiated? Only
 * those can learn something from query-pci, which turns "no" into "yes"
 * and never back. */
static bool
qemuProcessTeamingUnknown(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const virDomainNetDef *net = def->nets[i];

        if (net->teaming && net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT &&
            net->teaming->negotiated != VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES &&
            qemuProcessTeamingPrimary(def, net->info.alias))
            return true;
    }
    return false;
}

/* A primary is hidden from the guest until the standby negotiated
 * failover; so its presence on the bus means the pair negotiated. */
static int
qemuProcessReconcileFailover(virDomainObj *obj, qemuMonitor *mon)
{
    g_auto(GStrv) ids = NULL;
    size_t i;

    if (!qemuProcessTeamingUnknown(obj->def))
        return 0;
    if (qemuMonitorQueryPCIDevices(mon, &ids) < 0)
        return -1;
    for (i = 0; i < obj->def->nnets; i++) {
        virDomainNetDef *net = obj->def->nets[i];
        const char *primary;

        if (!net->teaming || net->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT)
            continue;
        if (!(primary = qemuProcessTeamingPrimary(obj->def, net->info.alias)))
            continue;
        if (g_strv_contains((const char * const *)ids, primary)) {
            VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

            net->teaming->negotiated = VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES;
        }
    }
    return 0;
}

/* Why a guest that QEMU reports in run state @status is paused. */
static int
qemuProcessPausedReason(qemuMonitorRunState status)
{
    switch (status) {
    case QEMU_MONITOR_RUN_STATE_IO_ERROR:
        return VIR_DOMAIN_PAUSED_IOERROR;
    case QEMU_MONITOR_RUN_STATE_WATCHDOG:
        return VIR_DOMAIN_PAUSED_WATCHDOG;
    default:
        return VIR_DOMAIN_PAUSED_UNKNOWN;
    }
}

/* Bring the recorded run state in line with QEMU's own, @status as it
 * just reported it: 1 when the guest has powered off, else 0. */
static int
qemuProcessReconcileState(virDomainObj *obj, qemuMonitor *mon, qemuMonitorRunState status)
{
    if (status == QEMU_MONITOR_RUN_STATE_SHUTDOWN) {
        /* the guest powered off while nobody watched (-no-shutdown kept
         * QEMU alive for us to notice) */
        return 1;
    }
    virDomainObjLock(obj);
    if (status == QEMU_MONITOR_RUN_STATE_RUNNING) {
        if (obj->state != VIR_DOMAIN_RUNNING) {
            obj->state = VIR_DOMAIN_RUNNING;
            obj->reason = VIR_DOMAIN_RUNNING_UNPAUSED;
        }
    } else if (obj->state != VIR_DOMAIN_PAUSED) {
        /* stopped by the user, an I/O error, a watchdog, a migration...:
         * anything but running is not running */
        obj->state = VIR_DOMAIN_PAUSED;
        obj->reason = qemuProcessPausedReason(status);
    }
    virDomainObjUnlock(obj);
    if (qemuProcessReconcileFailover(obj, mon) < 0)
        virResetLastError();   /* visibility only: never fail a job for it */
    return 0;
}

bool
qemuProcessIsRunning(virDomainObj *obj)
{
    virProcessIdentity id = qemuProcessIdentityOf(obj);

    return obj->pid > 0 && virProcessIdentityIsAlive(&id);
}

int
qemuProcessCheckAlive(virQEMUDriver *driver, virDomainObj *obj)
{
    if (qemuProcessIsRunning(obj))
        return 1;
    qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_CRASHED);
    return 0;
}

qemuMonitor *
qemuProcessBeginJob(virQEMUDriver *driver, virDomainObj *obj)
{
    qemuMonitorRunState state;

    return qemuProcessBeginJobState(driver, obj, &state);
}

qemuMonitor *
qemuProcessBeginJobState(virQEMUDriver *driver, virDomainObj *obj, qemuMonitorRunState *state)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    qemuMonitorTarget target = { obj->def->name, obj->pid };
    qemuMonitor *mon;
    bool starting = false;
    int rc;

    if (!virDomainObjIsActive(obj)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is not running"), obj->def->name);
        return NULL;
    }
    /* an incoming QEMU still starting: prepare set its thread under the
     * object's lock (on a source, the field is the checks thread that
     * comes here, set by begin: not looked at) */
    virDomainObjLock(obj);
    starting = priv->job.asyncJob == QEMU_ASYNC_JOB_MIGRATION_IN && priv->migCheck;
    virDomainObjUnlock(obj);
    if (priv->migMon || starting) {
        /* QEMU serves one monitor client: a second connection would wait
         * for the end of the migration without a word (or, while an
         * incoming QEMU starts, take the monitor from its start) */
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is being migrated by this process; try again when the migration has ended"),
                       obj->def->name);
        return NULL;
    }
    if (qemuProcessCheckAlive(driver, obj) == 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("QEMU of domain '%s' has exited; the domain is now shut off"),
                       obj->def->name);
        return NULL;
    }
    if (!(mon = qemuMonitorOpenWithStatus(priv->monitorPath, &target, QEMU_JOB_TIMEOUT_MS,
                                          state))) {
        if (qemuProcessCheckAlive(driver, obj) == 0) {
            virResetLastError();
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("QEMU of domain '%s' has exited; the domain is now shut off"),
                           obj->def->name);
        }
        return NULL;
    }
    if ((rc = qemuProcessReconcileState(obj, mon, *state)) != 0) {
        qemuProcessAbandonJob(mon);
        if (rc > 0) {
            qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' is not running: the guest has powered off"),
                           obj->def->name);
        }
        return NULL;
    }
    return mon;
}

void
qemuProcessApplyEvents(virQEMUDriver *driver G_GNUC_UNUSED, virDomainObj *obj,
                       qemuMonitor *mon)
{
    const qemuMonitorEvent *ev;
    VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);
    size_t i;

    while ((ev = qemuMonitorTakeEvent(mon))) {
        /* our own stop/cont produce these too: only a change of state
         * changes the reason */
        if (ev->type == QEMU_MONITOR_EVENT_STOP) {
            if (obj->state != VIR_DOMAIN_PAUSED) {
                obj->state = VIR_DOMAIN_PAUSED;
                obj->reason = VIR_DOMAIN_PAUSED_USER;
            }
        } else if (ev->type == QEMU_MONITOR_EVENT_RESUME) {
            if (obj->state != VIR_DOMAIN_RUNNING) {
                obj->state = VIR_DOMAIN_RUNNING;
                obj->reason = VIR_DOMAIN_RUNNING_UNPAUSED;
            }
        } else if (ev->type == QEMU_MONITOR_EVENT_SHUTDOWN) {
            obj->state = VIR_DOMAIN_SHUTDOWN;
            obj->reason = VIR_DOMAIN_SHUTDOWN_USER;
        } else if (ev->type == QEMU_MONITOR_EVENT_FAILOVER_NEGOTIATED && ev->device) {
            for (i = 0; i < obj->def->nnets; i++) {
                virDomainNetDef *net = obj->def->nets[i];

                if (net->teaming && STREQ_NULLABLE(net->info.alias, ev->device))
                    net->teaming->negotiated = VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES;
            }
        }
    }
}

void
qemuProcessAbandonJob(qemuMonitor *mon)
{
    qemuMonitorClose(mon);
}

void
qemuProcessEndJob(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon)
{
    if (!mon)
        return;
    qemuProcessApplyEvents(driver, obj, mon);
    qemuProcessAbandonJob(mon);

    if (!virDomainObjIsActive(obj))
        return;
    if (obj->state == VIR_DOMAIN_SHUTDOWN) {
        /* -no-shutdown keeps QEMU around after a guest power off:
         * apply on_poweroff (we only support destroy semantics) */
        qemuProcessStop(driver, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
        return;
    }
    if (qemuProcessSaveStatus(driver, obj) < 0) {
        virReportWarning(_("cannot save status of domain '%s': %s"),
                         obj->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}
