/*
 * virt-sriov-sim: give an embedded root a simulated SR-IOV host
 *
 *   virt-sriov-sim --root DIR [--sysfs-only]
 *                  [--pf NAME --vfs N [--totalvfs M]]... [--group-with VF]...
 *                  [--fail-bind ADDR]... [--serve | --no-serve]
 *
 * Creates under DIR/sim/sys the part of a sysfs tree the SR-IOV code reads
 * (the layout is described in virsriovsim.h: class/net/PF/device with
 * sriov_totalvfs, sriov_numvfs and virtfnN links, bus/pci/devices/ADDR,
 * each VF with a physfn link back and files holding its admin MAC and
 * VLAN, PCI IDs, drivers with their bind/unbind files, driver links,
 * driver_override, IOMMU groups, and the host's own SMBIOS UUID), DIR/sim/dev
 * (vfio/vfio, vfio/N while group N is on vfio-pci), and sets in
 * DIR/etc/qemu.conf:
 *
 *   sysfs_root = "DIR/sim/sys"       where discovery reads sysfs
 *   devfs_root = "DIR/sim/dev"       where /dev/vfio/N is looked for
 *   vf_config_backend = "simulated"  VF MAC/VLAN go to those files, not netlink
 *   hostdev_simulate = "e1000e"      VFs reach QEMU as emulated e1000e NICs
 *
 * --sysfs-only sets sysfs_root alone: discovery and pools on the simulated
 * tree, command lines with vfio-pci as on a real host (nothing can run).
 * --vfs 0 with --totalvfs M is an SR-IOV capable PF without VFs enabled.
 *
 * --group-with VF adds a foreign device (8086:10d3 on e1000e, bus f0) to
 * the IOMMU group of the VF VF (one per group, kept on reruns): a group
 * that is not viable for vfio. --fail-bind ADDR adds ADDR to
 * DIR/sim/fail-bind, whose binds and probes the server refuses.
 *
 * --serve (after the rest, if any) runs in the foreground the server that
 * gives writes to bind, unbind, driver_override and drivers_probe the
 * kernel's effects (virsriovsimserver.h): it writes its pid to
 * DIR/sim/serve.pid once it handles writes, logs them to DIR/sim/serve.log,
 * and exits 0 on SIGTERM or SIGINT, or when DIR/sim is removed.
 *
 * Without --serve, a tree made for guests to run on (not --sysfs-only) gets
 * that server in the background, detached (its own session, output to
 * serve.log), unless one serves DIR already or --no-serve is given: the
 * tool returns once it serves. It goes with the tree (rm -rf DIR stops
 * it), so whoever makes a simulated host need not run it.
 *
 * Every file is written atomically, qemu.conf and DIR/sim/pfs with mode
 * 0600 like the rest of the root, the sysfs attributes as the kernel
 * shows them.
 *
 * Idempotent: running it again with the same arguments changes nothing; a
 * PF keeps its PCI bus (recorded in DIR/sim/pfs), a device its driver and
 * driver_override. PF k (in order of first appearance) is on bus 3+k;
 * buses from f0 on are left to foreign devices.
 */
#include "internal.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "virerror.h"
#include "virfile.h"
#include "virsriovsim.h"
#include "virsriovsimserver.h"

#define USAGE "--root DIR [--sysfs-only] [--pf NAME --vfs N [--totalvfs M]]... [--group-with VF]... [--fail-bind ADDR]... [--serve | --no-serve]"

/* how long a background server may take to serve */
#define SERVE_START_TIMEOUT_MS 10000

/* PFs take buses below this one, foreign devices this one */
#define FOREIGN_BUS 0xf0

typedef struct {
    char *name;
    int vfs;            /* -1: not given */
    unsigned int totalvfs;  /* 0: as many as vfs */
} simPF;

static void
simPFFree(gpointer data)
{
    simPF *pf = data;

    g_free(pf->name);
    g_free(pf);
}

static void
die(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

static void
die(const char *fmt, ...)
{
    va_list ap;

    fputs("virt-sriov-sim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* The bus of every PF already simulated, in DIR/sim/pfs ("NAME BUS" lines). */
static GHashTable *
readBuses(const char *path)
{
    GHashTable *buses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return buses;
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 2);

        if (f[0] && f[1])
            g_hash_table_insert(buses, g_strdup(f[0]), GUINT_TO_POINTER(atoi(f[1])));
    }
    return buses;
}

static int
writeBuses(const char *path, GHashTable *buses)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(buses), (GCompareFunc)strcmp);
    GList *k;

    for (k = keys; k; k = k->next)
        g_string_append_printf(out, "%s %u\n", (char *)k->data,
                               GPOINTER_TO_UINT(g_hash_table_lookup(buses, k->data)));
    return virFileWriteStrAtomic(path, out->str, 0600);
}

static unsigned int
parseCount(const char *opt, const char *val, unsigned int min)
{
    gint64 n;

    if (!g_ascii_string_to_signed(val, 10, min, 256, &n, NULL))
        die(_("%s needs a number from %u to 256, not '%s'"), opt, min, val);
    return n;
}

/* The PFs @pfs under @sys, and @root's qemu.conf pointing at them. */
static void
makePFs(const char *root, const char *sim, const char *sys, GPtrArray *pfs,
        bool sysfsOnly)
{
    g_autofree char *pfsfile = g_build_filename(sim, "pfs", NULL);
    g_autofree char *dev = virSRIOVSimDevDir(sys);
    g_autofree char *etc = NULL;
    g_autofree char *conf = NULL;
    g_autoptr(GHashTable) buses = NULL;
    unsigned int nextBus = 3;
    GHashTableIter it;
    gpointer v;
    guint i;

    if (g_mkdir_with_parents(sys, 0755) < 0)
        die(_("cannot create %s: %s"), sys, g_strerror(errno));
    buses = readBuses(pfsfile);
    g_hash_table_iter_init(&it, buses);
    while (g_hash_table_iter_next(&it, NULL, &v))
        nextBus = MAX(nextBus, GPOINTER_TO_UINT(v) + 1);

    for (i = 0; i < pfs->len; i++) {
        simPF *pf = g_ptr_array_index(pfs, i);
        unsigned int total;
        unsigned int bus;

        if (pf->vfs < 0)
            die(_("--pf %s needs --vfs N"), pf->name);
        total = pf->totalvfs ? pf->totalvfs : (unsigned int)pf->vfs;
        if (total == 0)
            die(_("--pf %s --vfs 0 needs --totalvfs M: how many VFs the PF could have"), pf->name);
        if (strchr(pf->name, '/') || pf->name[0] == '.')
            die(_("invalid PF name '%s'"), pf->name);
        if (!(bus = GPOINTER_TO_UINT(g_hash_table_lookup(buses, pf->name)))) {
            if (nextBus >= FOREIGN_BUS)
                die("%s", _("too many simulated PFs"));
            bus = nextBus++;
            g_hash_table_insert(buses, g_strdup(pf->name), GUINT_TO_POINTER(bus));
        }
        if (pf->vfs > 198) {
            /* VF 199 on are on the next bus (virsriovsim.h) */
            GHashTableIter other;
            gpointer name;

            if (bus + 1 >= FOREIGN_BUS)
                die(_("--pf %s --vfs %d: VFs from the 199th on would take bus %02x, left to foreign devices; give it fewer VFs or simulate it in another root"),
                    pf->name, pf->vfs, bus + 1);
            g_hash_table_iter_init(&other, buses);
            while (g_hash_table_iter_next(&other, &name, &v)) {
                if (GPOINTER_TO_UINT(v) == bus + 1)
                    die(_("--pf %s --vfs %d: VFs from the 199th on take bus %02x, which PF %s has; give it fewer VFs or simulate it in another root"),
                        pf->name, pf->vfs, bus + 1, (const char *)name);
            }
            nextBus = MAX(nextBus, bus + 2);
        }
        if (virSRIOVSimPF(sys, pf->name, bus, pf->vfs, total) < 0)
            die("%s", virGetLastErrorMessage());
        printf(_("simulated PF %s at 0000:%02x:00.0 with %d VFs\n"), pf->name, bus, pf->vfs);
    }
    if (writeBuses(pfsfile, buses) < 0 || virSRIOVSimHostUUID(sys) < 0)
        die("%s", virGetLastErrorMessage());

    etc = g_build_filename(root, "etc", NULL);
    conf = g_build_filename(etc, "qemu.conf", NULL);
    if (g_mkdir_with_parents(etc, 0755) < 0)
        die(_("cannot create %s: %s"), etc, g_strerror(errno));
    if (virSRIOVSimSetConfKey(conf, "sysfs_root", sys) < 0)
        die("%s", virGetLastErrorMessage());
    if (sysfsOnly) {
        printf(_("%s: sysfs_root is the simulated tree\n"), conf);
        return;
    }
    if (virSRIOVSimSetConfKey(conf, "devfs_root", dev) < 0 ||
        virSRIOVSimSetConfKey(conf, "vf_config_backend", "simulated") < 0 ||
        virSRIOVSimSetConfKey(conf, "hostdev_simulate", "e1000e") < 0)
        die("%s", virGetLastErrorMessage());
    printf(_("%s: this host is simulated (sysfs_root, devfs_root, vf_config_backend, hostdev_simulate)\n"), conf);
}

/* Add @addr to SIM/fail-bind unless listed. */
static void
addFailBind(const char *sim, const char *addr)
{
    g_autofree char *path = g_build_filename(sim, "fail-bind", NULL);
    g_autofree char *content = NULL;
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (g_file_get_contents(path, &content, NULL, NULL)) {
        lines = g_strsplit(content, "\n", -1);
        for (i = 0; lines[i]; i++) {
            if (g_str_equal(g_strstrip(lines[i]), addr))
                return;
        }
    }
    out = g_strdup_printf("%s%s%s\n", content ? content : "",
                          content && *content && !g_str_has_suffix(content, "\n") ? "\n" : "",
                          addr);
    if (virFileWriteStrAtomic(path, out, 0644) < 0)
        die("%s", virGetLastErrorMessage());
    printf(_("%s: binds of %s are refused\n"), path, addr);
}

/* The pid of the virt-sriov-sim that serves @sim, 0 if none. */
static pid_t
servingPid(const char *sim)
{
    g_autofree char *pidfile = g_build_filename(sim, "serve.pid", NULL);
    g_autofree char *text = NULL;
    g_autofree char *commpath = NULL;
    g_autofree char *comm = NULL;
    gint64 pid;

    if (!g_file_get_contents(pidfile, &text, NULL, NULL) ||
        !g_ascii_string_to_signed(g_strstrip(text), 10, 1, G_MAXINT, &pid, NULL))
        return 0;
    commpath = g_strdup_printf("/proc/%lld/comm", (long long)pid);
    if (!g_file_get_contents(commpath, &comm, NULL, NULL) ||
        !g_str_equal(g_strstrip(comm), "virt-sriov-sim"))
        return 0;
    return (pid_t)pid;
}

static void
serveChildSetup(gpointer data G_GNUC_UNUSED)
{
    /* no terminal, no signals of the caller's session */
    setsid();
}

/* A server for @root's @sim in the background, unless one serves it:
 * returns once it does. */
static void
serveBackground(const char *root, const char *sim)
{
    g_autofree char *log = g_build_filename(sim, "serve.log", NULL);
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    const char *argv[] = { self, "--root", root, "--serve", NULL };
    g_autoptr(GError) err = NULL;
    VIR_AUTOCLOSE int nullfd = -1;
    VIR_AUTOCLOSE int logfd = -1;
    gint64 deadline;
    GPid child;

    if (servingPid(sim) > 0)
        return;
    if (!self)
        die(_("cannot find this program (/proc/self/exe)"));
    if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
        (logfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0)
        die(_("cannot open %s: %s"), nullfd < 0 ? "/dev/null" : log, g_strerror(errno));
    if (!g_spawn_async_with_pipes_and_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                          serveChildSetup, NULL, nullfd, logfd, logfd,
                                          NULL, NULL, 0, &child, NULL, NULL, NULL, &err))
        die(_("cannot start the server of %s: %s"), sim, err->message);
    deadline = g_get_monotonic_time() + SERVE_START_TIMEOUT_MS * 1000;
    while (servingPid(sim) != child) {
        if (waitpid(child, NULL, WNOHANG) == child)
            die(_("the server of %s exited at once; see %s"), sim, log);
        if (g_get_monotonic_time() > deadline)
            die(_("the server of %s did not serve within %d ms; see %s"),
                sim, SERVE_START_TIMEOUT_MS, log);
        g_usleep(2000);
    }
    printf(_("%s served in the background (pid %lld, log %s)\n"), sim, (long long)child, log);
}

/* Serve @sim until SIGTERM/SIGINT or its removal. */
static int
serve(const char *sim)
{
    g_autofree char *pidfile = g_build_filename(sim, "serve.pid", NULL);
    g_autofree char *pid = g_strdup_printf("%lld\n", (long long)getpid());
    g_autoptr(virSRIOVSimServer) srv = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *mine = NULL;
    pid_t other;
    sigset_t mask;
    int sfd;
    int rc;

    if ((other = servingPid(sim)) > 0 && other != getpid())
        die(_("%s is already served by virt-sriov-sim (pid %lld, %s)"),
            sim, (long long)other, pidfile);
    /* a stale file: a test waiting for it must not see it */
    if (unlink(pidfile) < 0 && errno != ENOENT)
        die(_("cannot remove %s: %s"), pidfile, g_strerror(errno));

    /* signals wait in the signalfd from now on */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
        (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0)
        die(_("cannot set up signals: %s"), g_strerror(errno));

    if (!(srv = virSRIOVSimServerNew(sim, &err)))
        die("%s", err->message);
    if (virFileWriteStrRuntime(pidfile, pid, 0644) < 0)
        die("%s", virGetLastErrorMessage());
    printf(_("serving %s (pid %lld, log %s/serve.log)\n"), sim, (long long)getpid(), sim);
    fflush(stdout);

    rc = virSRIOVSimServerRun(srv, sfd, &err);
    close(sfd);
    /* the pid file goes with its server (unless SIM went first) */
    if (g_file_get_contents(pidfile, &mine, NULL, NULL) && g_str_equal(mine, pid))
        unlink(pidfile);
    if (rc < 0)
        die("%s", err->message);
    return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
    g_autofree char *root = NULL;
    g_autoptr(GPtrArray) pfs = g_ptr_array_new_with_free_func(simPFFree);
    g_autoptr(GPtrArray) groupWith = g_ptr_array_new();
    g_autoptr(GPtrArray) failBind = g_ptr_array_new();
    g_autofree char *sim = NULL;
    g_autofree char *sys = NULL;
    simPF *cur = NULL;
    bool sysfsOnly = false;
    bool doServe = false;
    bool noServe = false;
    int i;

    setlocale(LC_ALL, "");
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (g_str_equal(a, "--root") && val) {
            root = g_canonicalize_filename(val, NULL);
            i++;
        } else if (g_str_equal(a, "--sysfs-only")) {
            sysfsOnly = true;
        } else if (g_str_equal(a, "--serve")) {
            doServe = true;
        } else if (g_str_equal(a, "--no-serve")) {
            noServe = true;
        } else if (g_str_equal(a, "--pf") && val) {
            cur = g_new0(simPF, 1);
            cur->name = g_strdup(val);
            cur->vfs = -1;
            g_ptr_array_add(pfs, cur);
            i++;
        } else if (g_str_equal(a, "--vfs") && val && cur) {
            cur->vfs = parseCount(a, val, 0);
            i++;
        } else if (g_str_equal(a, "--totalvfs") && val && cur) {
            cur->totalvfs = parseCount(a, val, 1);
            i++;
        } else if (g_str_equal(a, "--group-with") && val) {
            g_ptr_array_add(groupWith, argv[++i]);
        } else if (g_str_equal(a, "--fail-bind") && val) {
            g_ptr_array_add(failBind, argv[++i]);
        } else if (g_str_equal(a, "--help") || g_str_equal(a, "-h")) {
            printf("usage: virt-sriov-sim " USAGE "\n");
            return EXIT_SUCCESS;
        } else {
            die(_("unexpected argument '%s'; usage: %s"), a, USAGE);
        }
    }
    if (!root || (pfs->len == 0 && groupWith->len == 0 && failBind->len == 0 && !doServe))
        die(_("usage: virt-sriov-sim %s"), USAGE);

    sim = g_build_filename(root, "sim", NULL);
    sys = g_build_filename(sim, "sys", NULL);
    if (pfs->len > 0)
        makePFs(root, sim, sys, pfs, sysfsOnly);
    else if (!g_file_test(sys, G_FILE_TEST_IS_DIR))
        die(_("%s has no simulated host yet: give --pf NAME --vfs N"), root);

    for (i = 0; i < (int)groupWith->len; i++) {
        const char *vf = g_ptr_array_index(groupWith, i);
        g_autofree char *foreign = NULL;
        g_autofree char *physfn = g_strdup_printf("%s/bus/pci/devices/%s/physfn", sys, vf);

        if (!g_file_test(physfn, G_FILE_TEST_IS_SYMLINK))
            die(_("--group-with %s: no simulated VF %s (its VFs are listed by ls %s/bus/pci/devices/*/physfn)"),
                vf, vf, sys);
        if (!(foreign = virSRIOVSimForeign(sys, vf)))
            die("%s", virGetLastErrorMessage());
        printf(_("foreign device %s (8086:10d3 on e1000e) in the IOMMU group %d of %s\n"),
               foreign, virSRIOVSimGroupOf(sys, vf), vf);
    }
    for (i = 0; i < (int)failBind->len; i++)
        addFailBind(sim, g_ptr_array_index(failBind, i));

    if (doServe)
        return serve(sim);
    if (!noServe && !sysfsOnly && pfs->len > 0)
        serveBackground(root, sim);
    return EXIT_SUCCESS;
}
