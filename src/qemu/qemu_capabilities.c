/*
 * qemu_capabilities.c: what an installed QEMU can do
 */
#include "internal.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "qemu_capabilities.h"
#include "qemu_monitor_json.h"
#include "virbuffer.h"
#include "viruuid.h"
#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"
#include "virsocket.h"
#include "virstring.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_ENUM_IMPL(virQEMUCaps, QEMU_CAPS_LAST,
              "virtio-net.failover",
              "device.json",
              "virtio-net",
              "vfio-pci",
              "e1000e",
              "pcie-root-port",
              "qemu-xhci",
              "virtio-balloon",
              "migration.wait-unplug",
              "event.unplug-primary",
              "event.failover-negotiated",
              "kvm");

/* QOM type names whose presence sets a flag */
static const struct {
    const char *type;
    virQEMUCapsFlags flag;
} virQEMUCapsObjectTypes[] = {
    { "virtio-net-pci", QEMU_CAPS_DEVICE_VIRTIO_NET },
    { "vfio-pci", QEMU_CAPS_DEVICE_VFIO_PCI },
    { "e1000e", QEMU_CAPS_DEVICE_E1000E },
    { "pcie-root-port", QEMU_CAPS_DEVICE_PCIE_ROOT_PORT },
    { "qemu-xhci", QEMU_CAPS_DEVICE_QEMU_XHCI },
    { "virtio-balloon-pci", QEMU_CAPS_DEVICE_VIRTIO_BALLOON },
};

#define QEMU_CAPS_PROBE_TIMEOUT_MS 10000
/* the probed emulator's end of its QMP socket pair */
#define QEMU_CAPS_PROBE_CHILD_FD 3
/* how long an emulator that closed QMP is given to exit */
#define QEMU_CAPS_PROBE_EXIT_WAIT_MS 1000

/* Which build of ours probed. BUILD_ID alone is fixed when meson
 * configures, so it survives rebuilds after a change: add the ctime and
 * size of the object this code was linked into (libvirt.so, or the
 * program that links the driver statically). */
static const char *
virQEMUCapsSelfVersion(void)
{
    static gsize once;
    static char *selfvers;

    if (g_once_init_enter(&once)) {
        Dl_info info = { 0 };
        struct stat sb;
        const char *path = NULL;

        if (dladdr((void *)virQEMUCapsSelfVersion, &info) && info.dli_fname &&
            stat(info.dli_fname, &sb) == 0)
            path = info.dli_fname;
        else if (stat("/proc/self/exe", &sb) == 0)
            path = "/proc/self/exe";
        if (path)
            selfvers = g_strdup_printf("%s-%lld.%09ld-%lld", BUILD_ID,
                                       (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec,
                                       (long long)sb.st_size);
        else
            selfvers = g_strdup(BUILD_ID);
        g_once_init_leave(&once, 1);
    }
    return selfvers;
}

void
virQEMUCapsFree(virQEMUCaps *caps)
{
    size_t i;

    if (!caps)
        return;
    for (i = 0; i < caps->nmachines; i++) {
        g_free(caps->machines[i].name);
        g_free(caps->machines[i].alias);
    }
    g_free(caps->machines);
    g_free(caps->binary);
    g_free(caps->selfvers);
    g_free(caps->package);
    g_free(caps);
}

bool
virQEMUCapsGet(const virQEMUCaps *caps, virQEMUCapsFlags flag)
{
    return caps && flag < QEMU_CAPS_LAST && caps->flags[flag];
}

static const virQEMUCapsMachine *
virQEMUCapsFindMachine(const virQEMUCaps *caps, const char *machine)
{
    size_t i;

    for (i = 0; i < caps->nmachines; i++) {
        const virQEMUCapsMachine *m = &caps->machines[i];

        if (!machine ? m->isDefault :
            (STREQ_NULLABLE(m->name, machine) || STREQ_NULLABLE(m->alias, machine)))
            return m;
    }
    return NULL;
}

const char *
virQEMUCapsResolveMachine(const virQEMUCaps *caps, const char *machine)
{
    const virQEMUCapsMachine *m = virQEMUCapsFindMachine(caps, machine);

    if (m)
        return m->name;
    if (!machine)
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("emulator %s has no default machine type: give one in <os><type machine=...>"),
                       caps->binary);
    else
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("emulator %s does not support machine type '%s'"),
                       caps->binary, machine);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Probe                                                                */
/* ------------------------------------------------------------------ */

static int
virQEMUCapsProbeVersion(virQEMUCaps *caps, qemuMonitor *mon)
{
    g_free(caps->package);
    caps->package = NULL;
    return qemuMonitorQueryVersion(mon, &caps->version, &caps->package);
}

static int
virQEMUCapsProbeKVM(virQEMUCaps *caps, qemuMonitor *mon)
{
    return qemuMonitorQueryKVM(mon, &caps->flags[QEMU_CAPS_KVM]);
}

static int
virQEMUCapsProbeTypes(virQEMUCaps *caps, qemuMonitor *mon)
{
    g_auto(GStrv) types = NULL;
    size_t i, j;

    if (qemuMonitorQOMListTypes(mon, &types) < 0)
        return -1;
    for (i = 0; types[i]; i++) {
        for (j = 0; j < G_N_ELEMENTS(virQEMUCapsObjectTypes); j++) {
            if (STREQ(types[i], virQEMUCapsObjectTypes[j].type))
                caps->flags[virQEMUCapsObjectTypes[j].flag] = true;
        }
    }
    return 0;
}

static int
virQEMUCapsProbeNetProps(virQEMUCaps *caps, qemuMonitor *mon)
{
    g_auto(GStrv) props = NULL;

    if (!caps->flags[QEMU_CAPS_DEVICE_VIRTIO_NET])
        return 0;
    if (qemuMonitorDeviceListProperties(mon, "virtio-net-pci", &props) < 0)
        return -1;
    if (g_strv_contains((const char * const *)props, "failover"))
        caps->flags[QEMU_CAPS_VIRTIO_NET_FAILOVER] = true;
    return 0;
}

static gint
virQEMUCapsMachineCompare(gconstpointer a, gconstpointer b)
{
    return strcmp(((const virQEMUCapsMachine *)a)->name,
                  ((const virQEMUCapsMachine *)b)->name);
}

static int
virQEMUCapsProbeMachines(virQEMUCaps *caps, qemuMonitor *mon)
{
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(GArray) machines = g_array_new(FALSE, TRUE, sizeof(virQEMUCapsMachine));
    size_t i;

    if (qemuMonitorQueryMachines(mon, &found) < 0)
        return -1;
    for (i = 0; i < found->len; i++) {
        qemuMonitorMachineInfo *m = g_ptr_array_index(found, i);
        virQEMUCapsMachine machine = { 0 };

        if (STREQ(m->name, "none"))
            continue;
        machine.maxCpus = m->maxCpus > 0 && m->maxCpus <= G_MAXINT ? m->maxCpus : 1;
        machine.name = g_strdup(m->name);
        machine.alias = g_strdup(m->alias);
        machine.isDefault = m->isDefault;
        machine.deprecated = m->deprecated;
        g_array_append_val(machines, machine);
    }
    /* stable order for the cache and tests */
    g_array_sort(machines, virQEMUCapsMachineCompare);
    caps->nmachines = machines->len;
    caps->machines = (virQEMUCapsMachine *)g_array_free(g_steal_pointer(&machines), FALSE);
    return 0;
}

static int
virQEMUCapsProbeSchema(virQEMUCaps *caps, qemuMonitor *mon)
{
    g_autoptr(GPtrArray) entries = NULL;
    size_t i;

    if (qemuMonitorQuerySchema(mon, &entries) < 0)
        return -1;
    for (i = 0; i < entries->len; i++) {
        qemuMonitorSchemaEntry *e = g_ptr_array_index(entries, i);
        const char *name = e->name;
        const char *meta = e->metaType;

        if (STREQ(meta, "command") && STREQ(name, "device_add") &&
            g_strv_contains((const char * const *)e->features, "json-cli-hotplug"))
            caps->flags[QEMU_CAPS_DEVICE_JSON] = true;
        else if (STREQ(meta, "event") && STREQ(name, "UNPLUG_PRIMARY"))
            caps->flags[QEMU_CAPS_EVENT_UNPLUG_PRIMARY] = true;
        else if (STREQ(meta, "event") && STREQ(name, "FAILOVER_NEGOTIATED"))
            caps->flags[QEMU_CAPS_EVENT_FAILOVER_NEGOTIATED] = true;
        else if (STREQ(meta, "enum") &&
                 g_strv_contains((const char * const *)e->values, "wait-unplug"))
            caps->flags[QEMU_CAPS_MIGRATION_WAIT_UNPLUG] = true;
    }
    return 0;
}

int
virQEMUCapsProbeQMP(virQEMUCaps *caps, qemuMonitor *mon)
{
    if (virQEMUCapsProbeVersion(caps, mon) < 0 ||
        virQEMUCapsProbeKVM(caps, mon) < 0 ||
        virQEMUCapsProbeTypes(caps, mon) < 0 ||
        virQEMUCapsProbeNetProps(caps, mon) < 0 ||
        virQEMUCapsProbeMachines(caps, mon) < 0 ||
        virQEMUCapsProbeSchema(caps, mon) < 0)
        return -1;
    return 0;
}

static int
virQEMUCapsStatBinary(const char *binary, gint64 *ctime, gint64 *size)
{
    struct stat sb;

    if (stat(binary, &sb) < 0) {
        virReportSystemError(errno, _("cannot find emulator '%s'"), binary);
        return -1;
    }
    *ctime = (gint64)sb.st_ctim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb.st_ctim.tv_nsec;
    *size = sb.st_size;
    return 0;
}

/* The last line the probed emulator wrote to @errlog (QEMU says why it
 * refused to start there), or "" */
static char *
virQEMUCapsProbeLastError(const char *errlog)
{
    g_autofree char *text = NULL;
    char *nl;

    if (!g_file_get_contents(errlog, &text, NULL, NULL))
        return g_strdup("");
    g_strstrip(text);
    if ((nl = strrchr(text, '\n')))
        return g_strdup_printf(": %.512s", nl + 1);
    return *text ? g_strdup_printf(": %.512s", text) : g_strdup("");
}

/* An emulator that closed its end of QMP has usually exited: wait a
 * little for it (reaping it: *pid becomes 0) and say how it ended, with
 * the last thing it printed. False when it is still there. */
static bool
virQEMUCapsProbeReapExited(const char *binary, const char *errlog, GPid *pid)
{
    g_autofree char *why = NULL;
    int status;
    int pidfd;

    /* our child, not reaped: the pidfd is readable once it has exited */
    if ((pidfd = pidfd_open(*pid, 0)) >= 0) {
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

        if (poll(&pfd, 1, QEMU_CAPS_PROBE_EXIT_WAIT_MS) < 0)
            g_debug("poll on the probe's pidfd: %s", g_strerror(errno));
        close(pidfd);
    }
    if (waitpid(*pid, &status, WNOHANG) != *pid)
        return false;
    *pid = 0;
    virResetLastError();
    why = virQEMUCapsProbeLastError(errlog);
    if (WIFEXITED(status))
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("emulator %s exited with status %d before answering on QMP%s"),
                       binary, WEXITSTATUS(status), why);
    else
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("emulator %s was killed by signal %d before answering on QMP%s"),
                       binary, WTERMSIG(status), why);
    return true;
}

/* A probe QEMU waits for its client for ever: it dies with the process
 * that probes (SIGKILLed or not), which is its parent. */
static void
virQEMUCapsProbeChildSetup(gpointer data)
{
    pid_t parent = GPOINTER_TO_INT(data);

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(127);
}

virQEMUCaps *
virQEMUCapsNewForBinary(const char *binary, GString *record)
{
    g_autoptr(virQEMUCaps) caps = g_new0(virQEMUCaps, 1);
    g_autofree char *tmpdir = NULL;
    int pair[2] = { -1, -1 };
    g_autofree char *errlog = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(qemuMonitor) mon = NULL;
    qemuMonitorTarget target = { NULL, 0 };
    GPid pid = 0;
    VIR_AUTOCLOSE int errfd = -1;
    int ret = -1;

    caps->binary = g_strdup(binary);
    caps->selfvers = g_strdup(virQEMUCapsSelfVersion());
    if (virQEMUCapsStatBinary(binary, &caps->ctime, &caps->size) < 0)
        return NULL;
    if (!(tmpdir = g_dir_make_tmp("qemu-probe-XXXXXX", &gerr))) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot create a directory for probing %s: %s"),
                       binary, gerr->message);
        return NULL;
    }
    /* QMP over a connected socket pair: QEMU 7.2 may wedge when a client
     * connects to a listening QMP socket while the monitor is being set
     * up (its main loop and its monitor thread both accept; the loser
     * blocks in accept() for ever, and a monitor whose thread is stuck
     * never answers). Nothing is accepted here. */
    if (virSocketPair(pair) < 0)
        goto cleanup;
    errlog = g_build_filename(tmpdir, "stderr.log", NULL);
    if ((errfd = virFileOpenWrite(errlog, O_WRONLY | O_TRUNC, 0600, _("probe log"))) < 0)
        goto cleanup;
    {
        const char *argv[] = {
            binary, "-machine", "none", "-nodefaults", "-nographic", "-S",
            "-chardev", "socket,id=qmp,fd=" G_STRINGIFY(QEMU_CAPS_PROBE_CHILD_FD),
            "-mon", "chardev=qmp,mode=control", NULL,
        };
        const int sourcefds[] = { pair[1] };
        const int targetfds[] = { QEMU_CAPS_PROBE_CHILD_FD };
        const char *envp[] = { "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

        if (!g_spawn_async_with_pipes_and_fds(tmpdir, argv, envp,
                                              G_SPAWN_DO_NOT_REAP_CHILD |
                                              G_SPAWN_STDIN_FROM_DEV_NULL |
                                              G_SPAWN_STDOUT_TO_DEV_NULL,
                                              virQEMUCapsProbeChildSetup,
                                              GINT_TO_POINTER(getpid()),
                                              -1, -1, errfd, sourcefds, targetfds,
                                              G_N_ELEMENTS(sourcefds),
                                              &pid, NULL, NULL, NULL, &gerr)) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot run emulator %s to probe it: %s"),
                           binary, gerr->message);
            goto cleanup;
        }
    }

    close(pair[1]);
    pair[1] = -1;
    /* the monitor owns the fd from here, also when it fails; an emulator
     * that exits closes its end: that is an error at once, no timeout */
    target.pid = pid;
    mon = qemuMonitorOpenFD(pair[0], &target, QEMU_CAPS_PROBE_TIMEOUT_MS);
    pair[0] = -1;
    if (!mon) {
        virErrorPtr saved;
        g_autofree char *why = NULL;

        if (virQEMUCapsProbeReapExited(binary, errlog, &pid))
            goto cleanup;
        why = virQEMUCapsProbeLastError(errlog);
        virErrorPreserveLast(&saved);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("emulator %s did not answer on QMP: %s%s"),
                       binary, saved ? saved->message : _("unknown error"), why);
        virFreeError(saved);
        goto cleanup;
    }
    if (record)
        qemuMonitorSetRecord(mon, record);
    if (virQEMUCapsProbeQMP(caps, mon) < 0)
        goto cleanup;
    if (record)
        qemuMonitorSetRecord(mon, NULL);
    /* it is killed below if it does not go */
    if (qemuMonitorQuit(mon) < 0)
        virResetLastError();
    ret = 0;

 cleanup:
    g_clear_pointer(&mon, qemuMonitorClose);
    if (pid > 0) {
        virProcessIdentity id;

        /* our child, not reaped yet: its pid is still its own */
        if (virProcessIdentityGet(pid, &id) < 0 ||
            virProcessKillPainfully(&id, 1000, false) < 0) {
            virResetLastError();
        } else {
            /* An exiting QEMU shows as a zombie while its other threads
             * still run, before it can be waited for: reap it for sure. */
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        g_spawn_close_pid(pid);
    }
    if (pair[0] >= 0)
        close(pair[0]);
    if (pair[1] >= 0)
        close(pair[1]);
    unlink(errlog);
    rmdir(tmpdir);
    if (ret < 0)
        return NULL;
    return g_steal_pointer(&caps);
}

/* ------------------------------------------------------------------ */
/* Cache                                                                */
/* ------------------------------------------------------------------ */

char *
virQEMUCapsFormatCache(const virQEMUCaps *caps)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    virBufferAddLit(&buf, "<qemuCaps>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<emulator>%s</emulator>\n", caps->binary);
    virBufferAsprintf(&buf, "<ctime>%lld</ctime>\n", (long long)caps->ctime);
    virBufferAsprintf(&buf, "<size>%lld</size>\n", (long long)caps->size);
    virBufferEscapeString(&buf, "<selfvers>%s</selfvers>\n", caps->selfvers);
    virBufferAsprintf(&buf, "<kvm usable='%s'/>\n", caps->kvmUsable ? "yes" : "no");
    virBufferAsprintf(&buf, "<version>%lu</version>\n", caps->version);
    virBufferEscapeString(&buf, "<package>%s</package>\n", caps->package);
    for (i = 0; i < QEMU_CAPS_LAST; i++) {
        if (caps->flags[i])
            virBufferAsprintf(&buf, "<flag name='%s'/>\n", virQEMUCapsTypeToString(i));
    }
    for (i = 0; i < caps->nmachines; i++) {
        const virQEMUCapsMachine *m = &caps->machines[i];

        virBufferEscapeString(&buf, "<machine name='%s'", m->name);
        virBufferEscapeString(&buf, " alias='%s'", m->alias);
        virBufferAsprintf(&buf, " maxCpus='%u'", m->maxCpus);
        if (m->isDefault)
            virBufferAddLit(&buf, " default='yes'");
        if (m->deprecated)
            virBufferAddLit(&buf, " deprecated='yes'");
        virBufferAddLit(&buf, "/>\n");
    }
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</qemuCaps>\n");
    return virBufferContentAndReset(&buf);
}

virQEMUCaps *
virQEMUCapsParseCache(const char *xml)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(virQEMUCaps) caps = g_new0(virQEMUCaps, 1);
    g_autofree xmlNodePtr *nodes = NULL;
    g_autofree char *ctime = NULL;
    g_autofree char *size = NULL;
    g_autofree char *version = NULL;
    g_autofree char *kvm = NULL;
    int n, i;

    if (!(doc = virXMLParseStringCtxt(xml, _("(QEMU capabilities cache)"), "qemuCaps", &ctxt)))
        return NULL;
    caps->binary = virXPathString("string(./emulator)", ctxt);
    caps->selfvers = virXPathString("string(./selfvers)", ctxt);
    caps->package = virXPathString("string(./package)", ctxt);
    ctime = virXPathString("string(./ctime)", ctxt);
    size = virXPathString("string(./size)", ctxt);
    version = virXPathString("string(./version)", ctxt);
    kvm = virXPathString("string(./kvm/@usable)", ctxt);
    if (!caps->binary || !caps->selfvers || !ctime || !size || !version || !kvm) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("QEMU capabilities cache lacks required elements"));
        return NULL;
    }
    {
        long long ct, sz;
        unsigned long long ver;

        if (virStrToLong_ll(ctime, NULL, 10, &ct) < 0 ||
            virStrToLong_ll(size, NULL, 10, &sz) < 0 ||
            virStrToLong_ull(version, NULL, 10, &ver) < 0 || ver > G_MAXULONG) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("QEMU capabilities cache has an invalid ctime '%s', size '%s' or version '%s'"),
                           ctime, size, version);
            return NULL;
        }
        caps->ctime = ct;
        caps->size = sz;
        caps->version = ver;
    }
    caps->kvmUsable = STREQ(kvm, "yes");

    if ((n = virXPathNodeSet("./flag", ctxt, &nodes)) < 0)
        return NULL;
    for (i = 0; i < n; i++) {
        g_autofree char *name = virXMLPropString(nodes[i], "name");
        int flag = virQEMUCapsTypeFromString(name);

        if (flag < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("unknown flag '%s' in QEMU capabilities cache"), NULLSTR(name));
            return NULL;
        }
        caps->flags[flag] = true;
    }
    g_clear_pointer(&nodes, g_free);
    if ((n = virXPathNodeSet("./machine", ctxt, &nodes)) < 0)
        return NULL;
    caps->machines = g_new0(virQEMUCapsMachine, n);
    for (i = 0; i < n; i++) {
        g_autofree char *def = virXMLPropString(nodes[i], "default");
        g_autofree char *deprecated = virXMLPropString(nodes[i], "deprecated");
        g_autofree char *maxCpus = virXMLPropString(nodes[i], "maxCpus");
        unsigned int num = 0;

        if (!(caps->machines[i].name = virXMLPropString(nodes[i], "name"))) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("machine without a name in QEMU capabilities cache"));
            caps->nmachines = i;
            return NULL;
        }
        if (virStrToLong_ui(maxCpus, NULL, 10, &num) < 0 || num < 1 || num > G_MAXINT) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("machine '%s' without a valid maxCpus in QEMU capabilities cache"),
                           caps->machines[i].name);
            caps->nmachines = i + 1;
            return NULL;
        }
        caps->machines[i].maxCpus = num;
        caps->machines[i].alias = virXMLPropString(nodes[i], "alias");
        caps->machines[i].isDefault = STREQ_NULLABLE(def, "yes");
        caps->machines[i].deprecated = STREQ_NULLABLE(deprecated, "yes");
    }
    caps->nmachines = n;
    return g_steal_pointer(&caps);
}

static char *
virQEMUCapsCachePath(const char *cacheDir, const char *binary)
{
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, binary, -1);

    return g_strdup_printf("%s/%s.xml", cacheDir, hash);
}

virQEMUCaps *
virQEMUCapsCacheLookup(const char *cacheDir, const char *binary, bool kvmUsable)
{
    g_autofree char *path = virQEMUCapsCachePath(cacheDir, binary);
    g_autofree char *xml = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    gint64 ctime, size;

    if (virQEMUCapsStatBinary(binary, &ctime, &size) < 0)
        return NULL;

    if (virFileExists(path)) {
        if (virFileReadAll(path, 1024 * 1024, &xml) >= 0 &&
            (caps = virQEMUCapsParseCache(xml)) &&
            STREQ(caps->binary, binary) && caps->ctime == ctime && caps->size == size &&
            STREQ(caps->selfvers, virQEMUCapsSelfVersion()) && caps->kvmUsable == kvmUsable)
            return g_steal_pointer(&caps);
        /* stale, foreign or corrupt: never trusted, replaced below */
        virResetLastError();
        g_clear_pointer(&caps, virQEMUCapsFree);
    }

    if (!(caps = virQEMUCapsNewForBinary(binary, NULL)))
        return NULL;
    caps->kvmUsable = kvmUsable;
    g_clear_pointer(&xml, g_free);
    xml = virQEMUCapsFormatCache(caps);
    if (virFileMakePath(cacheDir, 0700) < 0 ||
        virFileWriteStrAtomic(path, xml, 0600) < 0) {
        /* a cache we cannot write only costs time */
        virReportWarning(_("cannot cache capabilities of %s: %s"), binary,
                         virGetLastErrorMessage());
        virResetLastError();
    }
    return g_steal_pointer(&caps);
}

/* ------------------------------------------------------------------ */
/* KVM                                                                  */
/* ------------------------------------------------------------------ */

/* Does a "flags" line of @cpuinfo list hardware virtualisation? */
static bool
virQEMUCapsCPUInfoHasVirt(const char *cpuinfo)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);
    size_t i, j;

    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) words = NULL;
        char *colon;

        if (!g_str_has_prefix(lines[i], "flags") || !(colon = strchr(lines[i], ':')))
            continue;
        words = g_strsplit_set(colon + 1, " \t", -1);
        for (j = 0; words[j]; j++) {
            if (STREQ(words[j], "vmx") || STREQ(words[j], "svm"))
                return true;
        }
    }
    return false;
}

/* Does the CPU described by @cpuinfoPath have hardware virtualisation? */
static bool
virQEMUCapsCPUInfoFileHasVirt(const char *cpuinfoPath)
{
    g_autofree char *cpuinfo = NULL;

    return g_file_get_contents(cpuinfoPath, &cpuinfo, NULL, NULL) &&
           virQEMUCapsCPUInfoHasVirt(cpuinfo);
}

/* @cpuHasVirt: the answer of virQEMUCapsCPUInfoFileHasVirt(@cpuinfoPath)
 * if the caller knows it already, else NULL */
static bool
virQEMUCapsKVMUsableWith(int override, const char *devkvm, const char *pvmModule,
                         const char *cpuinfoPath, const bool *cpuHasVirt)
{
    int fd;

    if (override >= 0)
        return override;
    if ((fd = open(devkvm, O_RDWR | O_CLOEXEC)) < 0)
        return false;
    close(fd);
    /* A paravirtual KVM (kvm_pvm) opens and "starts" guests, but without
     * hardware virtualisation the guest kernel hangs early. */
    if (virFileExists(pvmModule) &&
        !(cpuHasVirt ? *cpuHasVirt : virQEMUCapsCPUInfoFileHasVirt(cpuinfoPath)))
        return false;
    return true;
}

bool
virQEMUCapsKVMUsableAt(int override, const char *devkvm, const char *pvmModule,
                       const char *cpuinfoPath)
{
    return virQEMUCapsKVMUsableWith(override, devkvm, pvmModule, cpuinfoPath, NULL);
}

bool
virQEMUCapsKVMUsable(int override)
{
    /* the CPU's flags do not change while we run: read them once (every
     * define and start asks) */
    static gsize once;
    static bool hostHasVirt;

    if (g_once_init_enter(&once)) {
        hostHasVirt = virQEMUCapsCPUInfoFileHasVirt("/proc/cpuinfo");
        g_once_init_leave(&once, 1);
    }
    return virQEMUCapsKVMUsableWith(override, "/dev/kvm", "/sys/module/kvm_pvm",
                                    "/proc/cpuinfo", &hostHasVirt);
}

int
virQEMUCapsValidateTeaming(const virQEMUCaps *caps, bool hasTeaming)
{
    if (hasTeaming && !virQEMUCapsGet(caps, QEMU_CAPS_VIRTIO_NET_FAILOVER)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("emulator %s (QEMU %lu.%lu.%lu) has no virtio-net failover support, which <teaming> needs: use QEMU 4.2 or later"),
                       caps->binary, caps->version / 1000000,
                       (caps->version / 1000) % 1000, caps->version % 1000);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* capabilities / domcapabilities                                       */
/* ------------------------------------------------------------------ */

char *
virQEMUCapsFormatHostCapabilities(const virQEMUCaps *caps, const unsigned char *hostUUID)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    size_t i;

    virBufferAddLit(&buf, "<capabilities>\n\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAddLit(&buf, "<host>\n");
    virBufferAsprintf(&buf, "  <uuid>%s</uuid>\n", virUUIDFormat(hostUUID, uuidstr));
    virBufferAddLit(&buf, "  <cpu>\n");
    virBufferAddLit(&buf, "    <arch>x86_64</arch>\n");
    virBufferAddLit(&buf, "  </cpu>\n");
    virBufferAddLit(&buf, "</host>\n\n");
    virBufferAddLit(&buf, "<guest>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAddLit(&buf, "<os_type>hvm</os_type>\n");
    virBufferAddLit(&buf, "<arch name='x86_64'>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAddLit(&buf, "<wordsize>64</wordsize>\n");
    virBufferEscapeString(&buf, "<emulator>%s</emulator>\n", caps->binary);
    for (i = 0; i < caps->nmachines; i++) {
        const virQEMUCapsMachine *m = &caps->machines[i];

        if (m->alias) {
            virBufferEscapeString(&buf, "<machine canonical='%s'", m->name);
            virBufferAsprintf(&buf, " maxCpus='%u'", m->maxCpus);
            if (m->deprecated)
                virBufferAddLit(&buf, " deprecated='yes'");
            virBufferEscapeString(&buf, ">%s</machine>\n", m->alias);
        }
        virBufferAsprintf(&buf, "<machine maxCpus='%u'", m->maxCpus);
        if (m->deprecated)
            virBufferAddLit(&buf, " deprecated='yes'");
        virBufferEscapeString(&buf, ">%s</machine>\n", m->name);
    }
    virBufferAddLit(&buf, "<domain type='qemu'/>\n");
    if (caps->kvmUsable && caps->flags[QEMU_CAPS_KVM])
        virBufferAddLit(&buf, "<domain type='kvm'/>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</arch>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</guest>\n\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</capabilities>\n");
    return virBufferContentAndReset(&buf);
}

char *
virQEMUCapsFormatDomainCapabilities(const virQEMUCaps *caps,
                                    const char *machine,
                                    const char *virttype)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    const virQEMUCapsMachine *m;
    bool kvm = virttype && STREQ(virttype, "kvm");

    if (!virQEMUCapsResolveMachine(caps, machine))
        return NULL;
    m = virQEMUCapsFindMachine(caps, machine);
    if (kvm && !(caps->kvmUsable && caps->flags[QEMU_CAPS_KVM])) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("KVM is not usable on this host (emulator %s): use virttype 'qemu'"),
                       caps->binary);
        return NULL;
    }

    virBufferAddLit(&buf, "<domainCapabilities>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<path>%s</path>\n", caps->binary);
    virBufferAsprintf(&buf, "<domain>%s</domain>\n", kvm ? "kvm" : "qemu");
    virBufferEscapeString(&buf, "<machine>%s</machine>\n", m->name);
    virBufferAddLit(&buf, "<arch>x86_64</arch>\n");
    virBufferAsprintf(&buf, "<vcpu max='%u'/>\n", m->maxCpus);
    virBufferAddLit(&buf, "<os supported='yes'>\n");
    virBufferAddLit(&buf, "  <enum name='firmware'/>\n");
    virBufferAddLit(&buf, "</os>\n");
    virBufferAddLit(&buf, "<devices>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAddLit(&buf, "<hostdev supported='yes'>\n");
    virBufferAddLit(&buf, "  <enum name='mode'>\n");
    virBufferAddLit(&buf, "    <value>subsystem</value>\n");
    virBufferAddLit(&buf, "  </enum>\n");
    virBufferAddLit(&buf, "  <enum name='subsysType'>\n");
    virBufferAddLit(&buf, "    <value>pci</value>\n");
    virBufferAddLit(&buf, "  </enum>\n");
    virBufferAddLit(&buf, "  <enum name='pciBackend'>\n");
    if (caps->flags[QEMU_CAPS_DEVICE_VFIO_PCI])
        virBufferAddLit(&buf, "    <value>vfio</value>\n");
    virBufferAddLit(&buf, "  </enum>\n");
    virBufferAddLit(&buf, "</hostdev>\n");
    /* Our extension: can interfaces be teamed (virtio-net failover)? */
    virBufferAddLit(&buf, "<interface supported='yes'>\n");
    virBufferAddLit(&buf, "  <enum name='backendType'>\n");
    virBufferAddLit(&buf, "    <value>default</value>\n");
    virBufferAddLit(&buf, "  </enum>\n");
    virBufferAsprintf(&buf, "  <teaming supported='%s'/>\n",
                      caps->flags[QEMU_CAPS_VIRTIO_NET_FAILOVER] ? "yes" : "no");
    virBufferAddLit(&buf, "</interface>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</devices>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domainCapabilities>\n");
    return virBufferContentAndReset(&buf);
}
