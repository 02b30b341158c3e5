/*
 * qemu_domain.c: QEMU specific defaults and checks of domain definitions
 */
#include "internal.h"

#include <sys/stat.h>

#include "domain_validate.h"
#include "qemu_domain.h"
#include "qemu_domain_address.h"
#include "virerror.h"
#include "virfile.h"
#include "virfilelockwait.h"
#include "virportallocator.h"
#include "virstring.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

static virDomainControllerDef *
qemuDomainFindControllerByType(const virDomainDef *def, int type, int idx)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == type && def->controllers[i]->idx == idx)
            return def->controllers[i];
    }
    return NULL;
}

static void
qemuDomainAddController(virDomainDef *def, int type, int idx, int model)
{
    virDomainControllerDef *c = g_new0(virDomainControllerDef, 1);

    c->type = type;
    c->idx = idx;
    c->model = model;
    c->chassis = -1;
    c->port = -1;
    virDomainControllerInsert(def, c);
}

/* Every x86 guest has a PS/2 mouse and keyboard, listed in the XML. */
static void
qemuDomainDefAddImplicitInputs(virDomainDef *def)
{
    int type;
    size_t i;

    for (type = 0; type < VIR_DOMAIN_INPUT_TYPE_LAST; type++) {
        for (i = 0; i < def->ninputs; i++) {
            if (def->inputs[i]->type == type)
                break;
        }
        if (i < def->ninputs)
            continue;
        def->inputs = g_renew(virDomainInputDef *, def->inputs, def->ninputs + 1);
        def->inputs[def->ninputs] = g_new0(virDomainInputDef, 1);
        def->inputs[def->ninputs++]->type = type;
    }
}

int
qemuDomainNetDefPostParse(virDomainNetDef *net, qemuDomainNetPoolLookup poolLookup,
                          void *opaque)
{
    int pool = 0;

    if (net->model != VIR_DOMAIN_NET_MODEL_UNKNOWN ||
        net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        return 0;
    /* the network's kind when the domain is defined: an interface on a
     * network that is not (yet) a pool is a NIC */
    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK && poolLookup &&
        (pool = poolLookup(opaque, net->data.network.name)) < 0)
        return -1;
    if (pool == 0)
        net->model = VIR_DOMAIN_NET_MODEL_RTL8139;
    return 0;
}

/* The CPU as libvirt 9.0 records it: without a model, QEMU's default x86
 * model qemu64, exactly (that is what -cpu gets); a given model matches
 * exactly, may fall back, and is checked partially. */
static void
qemuDomainDefPostParseCPU(virDomainDef *def)
{
    if (!def->cpuSet) {
        def->cpuSet = true;
        def->cpuMode = VIR_CPU_MODE_CUSTOM;
        def->cpuMigratable = -1;
    }
    if (def->cpuMode != VIR_CPU_MODE_CUSTOM)
        return;
    if (!def->cpuModel) {
        def->cpuModel = g_strdup(QEMU_DEFAULT_CPU_MODEL);
        if (def->cpuFallback == VIR_CPU_FALLBACK_DEFAULT)
            def->cpuFallback = VIR_CPU_FALLBACK_FORBID;
        if (def->cpuCheck == VIR_CPU_CHECK_DEFAULT)
            def->cpuCheck = VIR_CPU_CHECK_NONE;
    }
    if (def->cpuMatch == VIR_CPU_MATCH_DEFAULT)
        def->cpuMatch = VIR_CPU_MATCH_EXACT;
    if (def->cpuFallback == VIR_CPU_FALLBACK_DEFAULT)
        def->cpuFallback = VIR_CPU_FALLBACK_ALLOW;
    if (def->cpuCheck == VIR_CPU_CHECK_DEFAULT)
        def->cpuCheck = VIR_CPU_CHECK_PARTIAL;
}

int
qemuDomainDefPostParse(virDomainDef *def, qemuDomainNetPoolLookup poolLookup,
                       void *opaque)
{
    bool q35 = qemuDomainIsQ35(def);
    virDomainControllerDef *c;
    size_t i;

    qemuDomainDefPostParseCPU(def);
    if ((c = qemuDomainFindControllerByType(def, VIR_DOMAIN_CONTROLLER_TYPE_USB, 0))) {
        if (c->model < 0)
            c->model = q35 ? VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI :
                             VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI;
    } else {
        qemuDomainAddController(def, VIR_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                q35 ? VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI :
                                      VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI);
    }

    if (q35 && !qemuDomainFindControllerByType(def, VIR_DOMAIN_CONTROLLER_TYPE_SATA, 0))
        qemuDomainAddController(def, VIR_DOMAIN_CONTROLLER_TYPE_SATA, 0, -1);

    if ((c = qemuDomainFindControllerByType(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0))) {
        if (c->model < 0)
            c->model = q35 ? VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT :
                             VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
    } else {
        qemuDomainAddController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0,
                                q35 ? VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT :
                                      VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT);
    }
    for (i = 0; i < def->ncontrollers; i++) {
        c = def->controllers[i];
        if (c->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI && c->idx > 0 && c->model < 0)
            c->model = VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT;
    }

    qemuDomainDefAddImplicitInputs(def);
    if (def->naudios == 0) {
        def->audios = g_new0(virDomainAudioDef *, 1);
        def->audios[0] = g_new0(virDomainAudioDef, 1);
        def->audios[0]->id = 1;
        def->naudios = 1;
    }

    if (!def->memballoon) {
        def->memballoon = g_new0(virDomainMemballoonDef, 1);
        def->memballoon->model = VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
    }

    for (i = 0; i < def->nnets; i++) {
        if (qemuDomainNetDefPostParse(def->nets[i], poolLookup, opaque) < 0)
            return -1;
    }

    return qemuDomainAssignAddresses(def);
}

int
qemuDomainDefValidate(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            continue;
        if (qemuDomainIsQ35(def) &&
            (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("machine type q35 has a pcie-root controller, not pci-root: change the model of PCI controller 0"));
            return -1;
        }
        if (!qemuDomainIsQ35(def) &&
            (c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT ||
             c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT ||
             c->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("%s controllers need a PCI Express machine: use machine='q35'"),
                           virDomainControllerModelPCITypeToString(c->model));
            return -1;
        }
    }
    for (i = 0; i < def->nnets; i++) {
        const virDomainNetDef *net = def->nets[i];
        char owner[128];

        /* the MTU is a property of the host side of a tap (network and
         * bridge interfaces); slirp and VFs have none to set */
        if (net->mtu &&
            (net->type == VIR_DOMAIN_NET_TYPE_USER || net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("%s: setting MTU on interface type '%s' is not supported; remove <mtu> (it applies to network and bridge interfaces)"),
                           virDomainNetGetDisplayName(net, owner, sizeof(owner)),
                           virDomainNetTypeToString(net->type));
            return -1;
        }
    }
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->bus == VIR_DOMAIN_DISK_BUS_SATA && !qemuDomainIsQ35(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("disk '%s': SATA needs machine='q35' (i440fx has IDE only); use bus='virtio'"),
                           def->disks[i]->dst);
            return -1;
        }
    }
    return 0;
}

const char *
qemuDomainDefEmulator(const virDomainDef *def)
{
    return def->emulator ? def->emulator : QEMU_DEFAULT_EMULATOR;
}

int
qemuDomainDefPostParseCaps(virDomainDef *def, const virQEMUCaps *caps)
{
    const char *machine;

    if (!def->emulator)
        def->emulator = g_strdup(caps->binary);
    if (!(machine = virQEMUCapsResolveMachine(caps, def->os.machine)))
        return -1;
    if (STRNEQ_NULLABLE(machine, def->os.machine)) {
        g_free(def->os.machine);
        def->os.machine = g_strdup(machine);
    }
    return virQEMUCapsValidateTeaming(caps, virDomainDefHasTeaming(def));
}

virDomainDef *
qemuDomainDefParseString(const char *xml, unsigned int parseFlags,
                         const qemuDomainParseLookups *lookups, void *opaque)
{
    g_autoptr(virDomainDef) def = NULL;

    if (!(def = virDomainDefParseString(xml, parseFlags | VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE)))
        return NULL;
    /* generic checks first, on what the user wrote: they catch broken
     * teaming references before addresses are assigned, and a teaming
     * standby without <model> before it would become rtl8139 */
    if (virDomainDefValidate(def, parseFlags) < 0)
        return NULL;
    if (lookups && lookups->caps) {
        virQEMUCaps *caps = lookups->caps(opaque, qemuDomainDefEmulator(def));

        if (!caps || qemuDomainDefPostParseCaps(def, caps) < 0)
            return NULL;
    }
    if (!(parseFlags & VIR_DOMAIN_DEF_PARSE_STATUS) &&
        qemuDomainDefPostParse(def, lookups ? lookups->netPool : NULL, opaque) < 0)
        return NULL;
    if (qemuDomainDefValidate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
qemuDomainObjPrivateFree(gpointer data)
{
    qemuDomainObjPrivate *priv = data;

    /* a domain that goes away during a migration in this process: its
     * checks thread, if still running, finds it gone and ends by itself */
    if (priv->migCheck)
        g_thread_unref(priv->migCheck);
    virFreeError(priv->migCheckError);
    g_free(priv->migPeerURI);
    g_free(priv->migPeerRoot);
    g_free(priv->migTLSClientStamp);
    if (priv->migSteps)
        g_string_free(priv->migSteps, TRUE);
    virPortAllocatorRelease(priv->migPort);
    qemuMonitorClose(priv->migMon);
    /* its record stays: the next command recovers the job */
    /* a job lock kept by a migration of an object that went away */
    if (priv->job.lockFd >= 0)
        virFileUnlock(priv->job.lockFd);
    g_free(priv->job.lockPath);
    g_cond_clear(&priv->job.cond);
    g_free(priv->monitorPath);
    g_free(priv->emulator);
    g_free(priv);
}

qemuDomainObjPrivate *
qemuDomainObjGetPrivate(virDomainObj *obj)
{
    if (!obj->privateData) {
        qemuDomainObjPrivate *priv = g_new0(qemuDomainObjPrivate, 1);

        g_cond_init(&priv->job.cond);
        priv->job.lockFd = -1;
        obj->privateData = priv;
        obj->privateDataFree = qemuDomainObjPrivateFree;
    }
    return obj->privateData;
}

/* ------------------------------------------------------------------ */
/* Jobs                                                                */
/* ------------------------------------------------------------------ */

VIR_ENUM_IMPL(qemuDomainJob, QEMU_JOB_LAST,
              "none", "query", "modify", "destroy");
VIR_ENUM_IMPL(qemuDomainAsyncJob, QEMU_ASYNC_JOB_LAST,
              "none", "start", "migration out", "migration in");

char *
qemuDomainJobLockPath(const char *stateDir, const char *name)
{
    return g_strdup_printf("%s/%s.joblock", stateDir, name);
}

static char *
qemuDomainJobTimeString(gint64 realUs)
{
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(realUs / G_USEC_PER_SEC);

    return g_date_time_format_iso8601(t);
}

/* What a job lock file says about its holder (written by the holder). */
static void
qemuDomainJobLockDescribe(int fd, const char *api, gint64 since)
{
    g_autofree char *when = qemuDomainJobTimeString(since);
    g_autofree char *text = g_strdup_printf("pid=%lld op=%s since=%s\n",
                                            (long long)getpid(), api, when);

    /* informational: a failed write leaves an older description */
    if (ftruncate(fd, 0) < 0 ||
        pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text))
        return;
}

static char *
qemuDomainJobLockHolder(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !*text)
        return g_strdup(_("another process"));
    return g_strdup_printf(_("another process: %s"), g_strstrip(text));
}

/* The job of this process that @job would conflict with, described for
 * an error, or NULL when @job may begin. */
static char *
qemuDomainJobConflict(qemuDomainJobObj *j)
{
    g_autofree char *when = NULL;

    if (j->active != QEMU_JOB_NONE) {
        when = qemuDomainJobTimeString(j->started);
        return g_strdup_printf(_("%s (%s job) since %s"), j->ownerAPI,
                               qemuDomainJobTypeToString(j->active), when);
    }
    /* a query does not wait either: it answers from the object (QEMU
     * serves one monitor client, which the async job has) */
    if (j->asyncJob != QEMU_ASYNC_JOB_NONE) {
        when = qemuDomainJobTimeString(j->asyncStarted);
        return g_strdup_printf(_("%s (%s job) since %s"), j->asyncAPI,
                               qemuDomainAsyncJobTypeToString(j->asyncJob), when);
    }
    return NULL;
}

/* Wait, the object lock released meanwhile, until no job of this
 * process conflicts; -1 with the error at the deadline (0: don't wait,
 * nothing reported). */
static int
qemuDomainJobWaitLocal(virDomainObj *obj, gint64 deadline)
{
    qemuDomainJobObj *j = &qemuDomainObjGetPrivate(obj)->job;
    g_autofree char *holder = NULL;

    while ((holder = qemuDomainJobConflict(j))) {
        if (deadline == 0)
            return -1;
        if (!g_cond_wait_until(&j->cond, &obj->lock, deadline)) {
            g_free(holder);
            if (!(holder = qemuDomainJobConflict(j)))
                break;
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("cannot acquire state change lock (held by %s) on domain '%s'"),
                           holder, obj->def->name);
            return -1;
        }
        g_clear_pointer(&holder, g_free);
    }
    return 0;
}

/* The job lock of the domain, for a job begun by @api: the object
 * unlocked while waiting. 1 taken, 0 busy (query: nothing reported), -1
 * error. */
static int
qemuDomainJobLockTake(const char *stateDir, virDomainObj *obj, const char *api,
                      gint64 deadline, bool query)
{
    qemuDomainJobObj *j = &qemuDomainObjGetPrivate(obj)->job;
    g_autofree char *path = qemuDomainJobLockPath(stateDir, obj->def->name);
    int fd;

    virDomainObjUnlock(obj);
    fd = virFileLockWait(path, query ? 0 : deadline, _("job lock"));
    virDomainObjLock(obj);
    if (fd == -2) {
        g_autofree char *holder = NULL;

        if (query)
            return 0;
        holder = qemuDomainJobLockHolder(path);
        virReportError(VIR_ERR_OPERATION_TIMEOUT,
                       _("cannot acquire state change lock (held by %s) on domain '%s'"),
                       holder, obj->def->name);
        return -1;
    }
    if (fd < 0)
        return -1;
    qemuDomainJobLockDescribe(fd, api, g_get_real_time());
    j->lockFd = fd;
    g_free(j->lockPath);
    j->lockPath = g_steal_pointer(&path);
    return 1;
}

static int
qemuDomainObjBeginJobInternal(const char *stateDir, int waitMs, virDomainObj *obj,
                              qemuDomainJob job, const char *api, bool wait, bool *lockTaken)
{
    qemuDomainJobObj *j = &qemuDomainObjGetPrivate(obj)->job;
    bool query = !wait;
    gint64 deadline = query ? 0 : g_get_monotonic_time() + waitMs * 1000LL;
    int rc;

    if (lockTaken)
        *lockTaken = false;
    if (qemuDomainJobWaitLocal(obj, deadline) < 0)
        return query ? 0 : -1;
    j->active = job;
    j->owner = g_thread_self();
    j->ownerAPI = api;
    j->started = g_get_real_time();
    obj->busy++;
    if (j->lockFd >= 0)
        return 1;   /* held for this process's async job */
    if ((rc = qemuDomainJobLockTake(stateDir, obj, api, deadline, query)) <= 0) {
        qemuDomainObjEndJob(obj);
        return rc;
    }
    if (lockTaken)
        *lockTaken = true;
    return 1;
}

/* The file goes first, under the lock: a process waiting on it finds it
 * gone once it has the lock, and takes the lock of the new file
 * (virFileLockWait); so no job lock file is left behind. */
static void
qemuDomainJobLockRelease(qemuDomainJobObj *j)
{
    struct stat held, now;

    /* only our file: one removed already may have a successor */
    if (j->lockPath && fstat(j->lockFd, &held) == 0 && stat(j->lockPath, &now) == 0 &&
        held.st_ino == now.st_ino && held.st_dev == now.st_dev)
        unlink(j->lockPath);
    g_clear_pointer(&j->lockPath, g_free);
    virFileUnlock(j->lockFd);
    j->lockFd = -1;
}

int
qemuDomainObjBeginJob(const char *stateDir, int waitMs, virDomainObj *obj,
                      qemuDomainJob job, const char *api, bool *lockTaken)
{
    return qemuDomainObjBeginJobInternal(stateDir, waitMs, obj, job, api,
                                         job != QEMU_JOB_QUERY, lockTaken);
}

int
qemuDomainObjTryBeginJob(const char *stateDir, virDomainObj *obj, qemuDomainJob job,
                         const char *api)
{
    return qemuDomainObjBeginJobInternal(stateDir, 0, obj, job, api, false, NULL);
}

void
qemuDomainObjEndJob(virDomainObj *obj)
{
    qemuDomainJobObj *j = &qemuDomainObjGetPrivate(obj)->job;

    g_assert(j->active != QEMU_JOB_NONE && obj->busy > 0);
    j->active = QEMU_JOB_NONE;
    j->owner = NULL;
    j->ownerAPI = NULL;
    obj->busy--;
    if (j->lockFd >= 0 && !j->lockByAsync)
        qemuDomainJobLockRelease(j);
    g_cond_broadcast(&j->cond);
}

int
qemuDomainObjBeginAsyncJob(const char *stateDir, int waitMs, virDomainObj *obj,
                           qemuDomainAsyncJob job, const char *api, bool *lockTaken)
{
    qemuDomainJobObj *j = &qemuDomainObjGetPrivate(obj)->job;
    gint64 deadline = g_get_monotonic_time() + waitMs * 1000LL;

    if (lockTaken)
        *lockTaken = false;
    if (qemuDomainJobWaitLocal(obj, deadline) < 0)
        return -1;
    j->asyncJob = job;
    j->asyncAPI = api;
    j->asyncStarted = g_get_real_time();
    obj->busy++;
    if (qemuDomainJobLockTake(stateDir, obj, api, deadline, false) < 0) {
        qemuDomainObjEndAsyncJob(obj);
        return -1;
    }
    j->lockByAsync = true;
    if (lockTaken)
        *lockTaken = true;
    return 0;
}

void
qemuDomainObjEndAsyncJob(virDomainObj *obj)
{
    qemuDomainJobObj *j = &qemuDomainObjGetPrivate(obj)->job;

    g_assert(j->asyncJob != QEMU_ASYNC_JOB_NONE && obj->busy > 0);
    j->asyncJob = QEMU_ASYNC_JOB_NONE;
    j->asyncAPI = NULL;
    obj->busy--;
    if (j->lockFd >= 0)
        qemuDomainJobLockRelease(j);
    j->lockByAsync = false;
    g_cond_broadcast(&j->cond);
}

bool
qemuDomainJobLockHeld(const char *stateDir, const char *name)
{
    g_autofree char *path = qemuDomainJobLockPath(stateDir, name);
    int fd;

    if (!virFileExists(path))
        return false;
    if ((fd = virFileLockWait(path, 0, _("job lock"))) == -2)
        return true;
    if (fd < 0) {
        virResetLastError();
        return false;
    }
    virFileUnlock(fd);
    return false;
}

/* State names in status XML, indexed by virDomainState. */
static const char *const qemuDomainStateNames[] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff",
    "crashed", "pmsuspended",
};

char *
qemuDomainObjFormatStatus(virDomainObj *obj)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autofree char *domxml = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!(domxml = virDomainDefFormat(obj->def, VIR_DOMAIN_DEF_FORMAT_STATUS)))
        return NULL;
    virBufferAsprintf(&buf, "<domstatus state='%s' reason='%d' pid='%lld' starttime='%llu'>\n",
                      qemuDomainStateNames[obj->state], obj->reason,
                      (long long)obj->pid, priv->pidStartTime);
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<monitor path='%s'/>\n", priv->monitorPath);
    virBufferEscapeString(&buf, "<emulator path='%s'/>\n", priv->emulator);
    if (priv->simulatedVFs)
        virBufferAddLit(&buf, "<simulatedVFs/>\n");
    lines = g_strsplit(domxml, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (*lines[i])
            virBufferAsprintf(&buf, "%s\n", lines[i]);
    }
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domstatus>\n");
    return virBufferContentAndReset(&buf);
}

/* pid= and starttime= of <domstatus>: the identity of its QEMU. */
static int
qemuDomainStatusParseProcess(xmlNodePtr node, virProcessIdentity *id)
{
    g_autofree char *pidstr = virXMLPropString(node, "pid");
    g_autofree char *startstr = virXMLPropString(node, "starttime");
    int pid;
    unsigned long long start;

    if (virStrToLong_i(pidstr, NULL, 10, &pid) < 0 || pid <= 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("status XML has an invalid pid '%s'"),
                       NULLSTR(pidstr));
        return -1;
    }
    if (virStrToLong_ull(startstr, NULL, 10, &start) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("status XML lacks the start time of its QEMU process (written by an older version): the pid it records is not trusted"));
        return -1;
    }
    id->pid = pid;
    id->startTime = start;
    return 0;
}

int
qemuDomainStatusParseIdentity(const char *xml, const char *path, unsigned char *uuid,
                              virProcessIdentity *id)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autofree char *uuidstr = NULL;

    if (!(doc = virXMLParseStringCtxt(xml, path, "domstatus", &ctxt)) ||
        qemuDomainStatusParseProcess(ctxt->node, id) < 0)
        return -1;
    if (!(uuidstr = virXPathString("string(./domain/uuid)", ctxt)) ||
        virUUIDParse(uuidstr, uuid) < 0) {
        virResetLastError();
        virReportError(VIR_ERR_INTERNAL_ERROR, _("status file '%s' records no valid domain UUID"),
                       path);
        return -1;
    }
    return 0;
}

int
qemuDomainObjParseStatus(const char *xml, virDomainDef **def, int *state,
                         int *reason, pid_t *pid, qemuDomainObjPrivate *priv)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autofree char *statestr = NULL;
    g_autofree char *reasonstr = NULL;
    g_autoptr(xmlBuffer) dombuf = NULL;
    virProcessIdentity id;
    xmlNodePtr dom;
    size_t i;

    if (!(doc = virXMLParseStringCtxt(xml, _("(domain_status)"), "domstatus", &ctxt)))
        return -1;
    statestr = virXMLPropString(ctxt->node, "state");
    reasonstr = virXMLPropString(ctxt->node, "reason");
    *state = -1;
    for (i = 0; statestr && i < G_N_ELEMENTS(qemuDomainStateNames); i++) {
        if (STREQ(statestr, qemuDomainStateNames[i]))
            *state = i;
    }
    if (*state < 0 || virStrToLong_i(reasonstr, NULL, 10, reason) < 0 || *reason < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("status XML lacks a valid state or reason"));
        return -1;
    }
    if (qemuDomainStatusParseProcess(ctxt->node, &id) < 0)
        return -1;
    *pid = id.pid;
    priv->pidStartTime = id.startTime;
    g_free(priv->monitorPath);
    priv->monitorPath = virXPathString("string(./monitor/@path)", ctxt);
    g_free(priv->emulator);
    priv->emulator = virXPathString("string(./emulator/@path)", ctxt);
    priv->simulatedVFs = virXPathNode("./simulatedVFs", ctxt) != NULL;

    if (!(dom = virXPathNode("./domain", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("status XML lacks <domain>"));
        return -1;
    }
    dombuf = xmlBufferCreate();
    xmlNodeDump(dombuf, doc, dom, 0, 0);
    if (!(*def = virDomainDefParseString((const char *)xmlBufferContent(dombuf),
                                         VIR_DOMAIN_DEF_PARSE_STATUS |
                                         VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE)))
        return -1;
    return 0;
}
