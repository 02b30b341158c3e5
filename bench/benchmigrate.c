/*
 * benchmigrate.c: our overhead of a live migration with failover
 *
 * Boots the test guest (tests/guest) on root A of a simulated SR-IOV host,
 * its primary a VF of the pool 'vfpool' (roots A and B have one each), waits
 * until it bonded its VF, then migrates it A -> B -> A ..., RUNS times
 * through virDomainMigrateToURI3 and RUNS times with a 'virsh migrate'
 * process each (the measure), and prints, per run, the wall time,
 * QEMU's own total-time, the downtime and the wait-unplug time (from the
 * source's log), and the overhead = wall - total-time, split into the
 * destination QEMU's own start-up until QMP answers (from the
 * destination's log) and the rest, then the steps each side logged for
 * that migration (ms since its first call: begin, perform, migrating,
 * completed, confirm, end on the source; prepare, prepared, spawned,
 * ready, finishing, finish, resumed, end on the destination). Prints numbers;
 * never fails on time.
 *
 *   benchmigrate GUESTDIR [RUNS]    (GUESTDIR from tests/guest/mkguest.py)
 *
 * With --daemons, the same overhead between two daemons (ours, or any
 * that speaks libvirt's protocol and writes our domain log), for a guest
 * NAME already running (paused) on the first: RUNS migrations back and
 * forth peer-to-peer (virDomainMigrateToURI3; the source daemon gets the
 * other URI as it is, pkipath= included), then RUNS client-managed
 * (virDomainMigrate3), with --tls for the data too ("tls"); QEMU's
 * total-time from the source's LOG: ours (ROOT/log/NAME.log) or
 * libvirtd's debug log. The data goes to 127.0.0.1
 * (VIR_MIGRATE_PARAM_URI).
 *
 *   benchmigrate --daemons URI-A LOG-A URI-B LOG-B NAME RUNS [tls]
 *   (bench/migratedaemons.sh sets them up; for a teaming guest,
 *   BENCHMIGRATE_SETTLE=SECONDS waits between migrations for the guest to
 *   bond its new VF, BENCHMIGRATE_CONSOLE=PATH names its console;
 *   BENCHMIGRATE_BANDWIDTH=MIB limits the copy, see docs/bench.rst)
 */
#include "internal.h"

#include "virfile.h"

static bool
waitForFile(const char *path, const char *needle, int seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;

    while (g_get_monotonic_time() < deadline) {
        g_autofree char *content = NULL;

        if (g_file_get_contents(path, &content, NULL, NULL) && strstr(content, needle))
            return true;
        g_usleep(100 * 1000);
    }
    return false;
}

/* After a failed migration: did the test guest's kernel crash? QEMU 7.2
 * under TCG now and then corrupts the guest's memory in a live migration,
 * with or without a manager (docs/bench.rst): say so rather than leave
 * the failure to look like ours. */
static void
benchReportGuestCrash(const char *console)
{
    g_autofree char *content = NULL;

    if (console && g_file_get_contents(console, &content, NULL, NULL) &&
        (strstr(content, "Kernel panic") || strstr(content, "BUG:") ||
         strstr(content, "Oops:")))
        fprintf(stderr, "the guest's kernel crashed after an earlier migration (see %s): "
                "QEMU 7.2 under TCG corrupts a migrated guest now and then, without any "
                "manager too (docs/bench.rst); run the bench again\n", console);
}

/* "... wait-unplug N ms, total N ms, downtime N ms" of the last migration */
static bool
lastMigrationLog(const char *log, long *unplug, long *total, long *downtime)
{
    g_autofree char *content = NULL;
    const char *p;

    if (!g_file_get_contents(log, &content, NULL, NULL) ||
        !(p = g_strrstr(content, "wait-unplug ")))
        return false;
    return sscanf(p, "wait-unplug %ld ms, total %ld ms, downtime %ld ms",
                  unplug, total, downtime) == 3;
}

/* Print the steps of the last migration @log records (our daemon's
 * "this side's steps" line, ms since that side's first call), if any. */
static void
printMigrationSteps(const char *log, const char *side)
{
    static const char needle[] = "this side's steps, ms since its first call: ";
    g_autofree char *content = NULL;
    const char *p;

    if (!g_file_get_contents(log, &content, NULL, NULL) || !(p = g_strrstr(content, needle)))
        return;
    p += strlen(needle);
    printf("  %s steps (ms): %.*s\n", side, (int)strcspn(p, "\n"), p);
}

/* QEMU's timestamp (ms) of the MIGRATION event with @status last logged
 * in @content before @before: libvirtd logs each line QEMU sends as
 * 'Line [{"timestamp": {"seconds": S, "microseconds": U}, "event":
 * "MIGRATION", "data": {"status": "STATUS"}}]'. 0: none. */
static double
libvirtdEventTime(const char *content, const char *before, const char *status)
{
    g_autofree char *needle = g_strdup_printf("\"event\": \"MIGRATION\", \"data\": {\"status\": \"%s\"}",
                                              status);
    g_autofree char *head = g_strndup(content, before - content);
    const char *p = g_strrstr(head, needle);
    const char *ts;
    long long sec, usec;

    if (!p)
        return 0;
    while (p > head && p[-1] != '\n')
        p--;
    if (!(ts = strstr(p, "Line [{\"timestamp\": ")) ||
        sscanf(ts, "Line [{\"timestamp\": {\"seconds\": %lld, \"microseconds\": %lld}",
               &sec, &usec) != 2)
        return 0;
    return sec * 1000.0 + usec / 1000.0;
}

/* The same from libvirtd's debug log (log_filters "1:qemu.qemu_monitor_json"):
 * the last reply of QEMU's query-migrate that says completed, or, when
 * QEMU had not filled its total-time yet (libvirt asked at once), the
 * time between the MIGRATION events setup and completed. */
static bool
lastMigrationLibvirtdLog(const char *log, long *total, long *downtime)
{
    g_autofree char *content = NULL;
    g_autofree char *line = NULL;
    const char *p;
    const char *start;
    const char *end;

    if (!g_file_get_contents(log, &content, NULL, NULL) ||
        !(p = g_strrstr(content, "Line [{\"return\": {\"status\": \"completed\"")))
        return false;
    for (start = p; start > content && start[-1] != '\n'; start--)
        ;
    end = strchrnul(p, '\n');
    line = g_strndup(start, end - start);
    if (!(p = strstr(line, "\"total-time\": ")) ||
        sscanf(p, "\"total-time\": %ld", total) != 1)
        return false;
    if ((p = strstr(line, "\"downtime\": ")))
        sscanf(p, "\"downtime\": %ld", downtime);
    if (*total == 0) {
        double done = libvirtdEventTime(content, end, "completed");
        double setup = done ? libvirtdEventTime(content, end, "setup") : 0;

        if (!setup)
            return false;
        *total = (long)(done - setup + 0.5);
    }
    return true;
}

/* A simulated SR-IOV host for @root (virt-sriov-sim next to this
 * program's build directory) with the active pool 'vfpool' on it. */
static int
benchSimulateHost(const char *argv0, const char *root)
{
    g_autofree char *dir = g_path_get_dirname(argv0);
    g_autofree char *sim = g_build_filename(dir, "..", "tools", "virt-sriov-sim", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    const char *simArgv[] = { sim, "--root", root, "--pf", "ens1f0", "--vfs", "4", NULL };
    g_autoptr(GError) gerr = NULL;
    virConnectPtr conn;
    virNetworkPtr net = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)simArgv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, NULL, NULL, &status, &gerr) ||
        !g_spawn_check_wait_status(status, &gerr)) {
        fprintf(stderr, "%s: %s\n", sim, gerr->message);
        return -1;
    }
    if (!(conn = virConnectOpen(uri)) ||
        !(net = virNetworkCreateXML(conn, "<network><name>vfpool</name>"
                                          "<forward mode='hostdev' managed='yes'>"
                                          "<pf dev='ens1f0'/></forward></network>"))) {
        fprintf(stderr, "cannot start the pool of %s: %s\n", root, virGetLastErrorMessage());
        if (conn)
            virConnectClose(conn);
        return -1;
    }
    virNetworkFree(net);
    /* a destination host has probed its emulator long before: do it now */
    g_free(virConnectGetCapabilities(conn));
    virConnectClose(conn);
    return 0;
}

/* "QMP ready N ms after spawn" of the last start in @log */
static long
lastQMPReady(const char *log)
{
    g_autofree char *content = NULL;
    const char *p;
    long ms = 0;

    if (g_file_get_contents(log, &content, NULL, NULL) &&
        (p = g_strrstr(content, "QMP ready ")))
        sscanf(p, "QMP ready %ld ms", &ms);
    return ms;
}

static int
compareDouble(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

typedef struct {
    int n;
    double overhead;            /* sums, ms */
    double qemuStart;
    double *overheads;
} benchStats;

/* Run the virsh next to this program's build directory on root @root:
 * the words of @command, then the NULL-terminated extra arguments. */
static int
benchVirsh(const char *argv0, const char *root, const char *command, ...)
    G_GNUC_NULL_TERMINATED;
static int
benchVirsh(const char *argv0, const char *root, const char *command, ...)
{
    g_autofree char *dir = g_path_get_dirname(argv0);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) words = g_strsplit(command, " ", -1);
    g_autoptr(GError) gerr = NULL;
    const char *extra;
    va_list ap;
    int status = 0;
    size_t i;

    g_ptr_array_add(args, g_build_filename(dir, "..", "tools", "virsh", NULL));
    g_ptr_array_add(args, g_strdup("-q"));
    g_ptr_array_add(args, g_strdup("-c"));
    g_ptr_array_add(args, g_strdup(uri));
    for (i = 0; words[i]; i++)
        g_ptr_array_add(args, g_strdup(words[i]));
    va_start(ap, command);
    while ((extra = va_arg(ap, const char *)))
        g_ptr_array_add(args, g_strdup(extra));
    va_end(ap);
    g_ptr_array_add(args, NULL);
    if (!g_spawn_sync(NULL, (char **)args->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, NULL, &status, &gerr) ||
        !g_spawn_check_wait_status(status, &gerr)) {
        fprintf(stderr, "virsh %s failed: %s\n", command, gerr->message);
        return -1;
    }
    return 0;
}

/* Migrate 'bm' from root @src to root @dst, through the API or with a
 * virsh process (the tool next to this program's build directory), and
 * return the wall time in ms, -1 on failure. */
static double
benchMigrateOnce(const char *argv0, const char *src, const char *dst, bool viaVirsh)
{
    g_autofree char *suri = g_strdup_printf("qemu:///embed?root=%s", src);
    g_autofree char *duri = g_strdup_printf("qemu:///embed?root=%s", dst);
    double t0, wall;

    if (viaVirsh) {
        t0 = g_get_monotonic_time();
        if (benchVirsh(argv0, src, "migrate --live bm", duri, NULL) < 0)
            return -1;
        wall = (g_get_monotonic_time() - t0) / 1000.0;
    } else {
        virConnectPtr conn = virConnectOpen(suri);
        virDomainPtr dom = conn ? virDomainLookupByName(conn, "bm") : NULL;

        t0 = g_get_monotonic_time();
        if (!dom || virDomainMigrateToURI3(dom, duri, NULL, 0, VIR_MIGRATE_LIVE) < 0) {
            fprintf(stderr, "migration failed: %s\n", virGetLastErrorMessage());
            wall = -1;
        } else {
            wall = (g_get_monotonic_time() - t0) / 1000.0;
        }
        if (dom)
            virDomainFree(dom);
        if (conn)
            virConnectClose(conn);
    }
    return wall;
}

static int
benchDaemons(int argc, char **argv)
{
    const char *uris[2] = { argv[2], argv[4] };
    const char *logs[2] = { argv[3], argv[5] };
    const char *name = argv[6];
    int runs = atoi(argv[7]);
    bool tls = argc > 8 && STREQ(argv[8], "tls");
    const char *settle = g_getenv("BENCHMIGRATE_SETTLE");
    const char *console = g_getenv("BENCHMIGRATE_CONSOLE");
    const char *bandwidth = g_getenv("BENCHMIGRATE_BANDWIDTH");
    virConnectPtr conns[2] = { NULL, NULL };
    benchStats stats[2] = { { 0 } };
    int at = 0;                 /* where the guest is */
    int ret = 1;
    int mode, i;

    if (runs < 1)
        runs = 1;
    for (i = 0; i < 2; i++) {
        if (!(conns[i] = virConnectOpen(uris[i]))) {
            fprintf(stderr, "cannot connect to %s: %s\n", uris[i], virGetLastErrorMessage());
            goto cleanup;
        }
    }
    for (mode = 0; mode < 2; mode++) {
        benchStats *st = &stats[mode];

        st->overheads = g_new0(double, runs);
        for (i = 0; i < runs; i++) {
            int src = at, dst = 1 - at;
            virTypedParameterPtr params = NULL;
            int nparams = 0, maxparams = 0;
            unsigned int flags = VIR_MIGRATE_LIVE | (tls ? VIR_MIGRATE_TLS : 0);
            long unplug = 0, total = 0, downtime = 0;
            virDomainPtr dom;
            virDomainPtr ddom = NULL;
            double t0, wall;
            int rc;

            if (!(dom = virDomainLookupByName(conns[src], name))) {
                fprintf(stderr, "no %s on %s: %s\n", name, uris[src], virGetLastErrorMessage());
                goto cleanup;
            }
            virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_URI,
                                    "tcp://127.0.0.1");
            if (bandwidth)
                virTypedParamsAddULLong(&params, &nparams, &maxparams,
                                        VIR_MIGRATE_PARAM_BANDWIDTH,
                                        g_ascii_strtoull(bandwidth, NULL, 10));
            t0 = g_get_monotonic_time();
            if (mode == 0) {
                rc = virDomainMigrateToURI3(dom, uris[dst], params, nparams,
                                            flags | VIR_MIGRATE_PEER2PEER);
            } else {
                ddom = virDomainMigrate3(dom, conns[dst], params, nparams, flags);
                rc = ddom ? 0 : -1;
            }
            wall = (g_get_monotonic_time() - t0) / 1000.0;
            /* before the calls below, which reset the error */
            if (rc < 0)
                fprintf(stderr, "migration failed: %s\n", virGetLastErrorMessage());
            virTypedParamsFree(params, nparams);
            if (ddom)
                virDomainFree(ddom);
            virDomainFree(dom);
            if (rc < 0) {
                benchReportGuestCrash(console);
                goto cleanup;
            }
            at = dst;
            if (!lastMigrationLog(logs[src], &unplug, &total, &downtime) &&
                !lastMigrationLibvirtdLog(logs[src], &total, &downtime)) {
                fprintf(stderr, "%s records no migration\n", logs[src]);
                goto cleanup;
            }
            st->overhead += wall - total;
            st->overheads[st->n++] = wall - total;
            printf("%s run %d: wall %.1f ms, QEMU total-time %ld ms, downtime %ld ms, "
                   "wait-unplug %ld ms, overhead %.1f ms\n", mode ? "managed" : "p2p", i, wall,
                   total, downtime, unplug, wall - total);
            printMigrationSteps(logs[src], "source");
            printMigrationSteps(logs[dst], "destination");
            fflush(stdout);
            /* a teaming guest bonds its new VF before it can release it again */
            if (settle)
                g_usleep((gulong)(g_ascii_strtod(settle, NULL) * G_USEC_PER_SEC));
        }
    }
    for (mode = 0; mode < 2; mode++) {
        benchStats *st = &stats[mode];

        qsort(st->overheads, st->n, sizeof(double), compareDouble);
        printf("overhead (wall - QEMU total-time) over %d %s migrations between daemons%s: "
               "%.1f ms mean, %.1f ms median, %.1f ms best\n",
               st->n, mode ? "client-managed" : "peer-to-peer",
               tls ? ", data over TLS" : "", st->overhead / st->n,
               st->overheads[st->n / 2], st->overheads[0]);
    }
    ret = 0;

 cleanup:
    for (i = 0; i < 2; i++) {
        if (conns[i])
            virConnectClose(conns[i]);
        g_free(stats[i].overheads);
    }
    return ret;
}

static int
benchEmbedded(int argc, char **argv)
{
    g_autofree char *base = g_dir_make_tmp("benchmigrate-XXXXXX", NULL);
    g_autofree char *rootA = g_build_filename(base, "A", NULL);
    g_autofree char *rootB = g_build_filename(base, "B", NULL);
    g_autofree char *console = g_build_filename(base, "console.log", NULL);
    const char *guest;
    const char *roots[2];
    g_autofree char *xml = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    benchStats stats[2] = { { 0 } };
    int runs, i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s GUESTDIR [RUNS]\n", argv[0]);
        return 2;
    }
    guest = argv[1];
    runs = argc > 2 ? atoi(argv[2]) : 6;
    if (runs < 1)
        runs = 1;
    stats[0].overheads = g_new0(double, runs);
    stats[1].overheads = g_new0(double, runs);
    roots[0] = rootA;
    roots[1] = rootB;
    for (i = 0; i < 2; i++) {
        if (benchSimulateHost(argv[0], roots[i]) < 0)
            return 1;
    }
    xml = g_strdup_printf(
        "<domain type='qemu'><name>bm</name><memory unit='MiB'>256</memory>"
        "<os><type arch='x86_64' machine='q35'>hvm</type><kernel>%s/vmlinux</kernel>"
        "<initrd>%s/initramfs.cpio.gz</initrd><cmdline>console=ttyS0 quiet</cmdline></os>"
        "<features><acpi/></features><devices>"
        "<interface type='user'><mac address='52:54:00:be:00:01'/><model type='virtio'/>"
        "<teaming type='persistent'/><alias name='ua-sb'/></interface>"
        "<interface type='network'><source network='vfpool'/>"
        "<teaming type='transient' persistent='ua-sb'/></interface>"
        "<serial type='file'><source path='%s'/></serial></devices></domain>",
        guest, guest, console);

    {
        g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", rootA);

        if (!(conn = virConnectOpen(uri)) || !(dom = virDomainCreateXML(conn, xml, 0))) {
            fprintf(stderr, "boot failed: %s\n", virGetLastErrorMessage());
            return 1;
        }
        virDomainFree(dom);
        virConnectClose(conn);
    }
    if (!waitForFile(console, "driver=e1000e master=", 90)) {
        fprintf(stderr, "the guest did not bond its VF\n");
        return 1;
    }
    g_usleep(G_USEC_PER_SEC);

    for (i = 0; i < 2 * runs; i++) {
        const char *src = roots[i % 2];
        const char *dst = roots[(i + 1) % 2];
        bool viaVirsh = i >= runs;
        benchStats *st = &stats[viaVirsh];
        g_autofree char *log = g_strdup_printf("%s/log/bm.log", src);
        g_autofree char *dlog = g_strdup_printf("%s/log/bm.log", dst);
        long qemuStart;
        long unplug = 0, total = 0, downtime = 0;
        double wall;

        /* virsh uses libvirt.so, this program the driver linked in: their
         * caches of the emulator's capabilities differ (a cache belongs to
         * one build); let virsh fill its own first, as a host that has
         * run virsh before would have */
        if (i == runs && (benchVirsh(argv[0], rootA, "capabilities", NULL) < 0 ||
                          benchVirsh(argv[0], rootB, "capabilities", NULL) < 0))
            return 1;
        if ((wall = benchMigrateOnce(argv[0], src, dst, viaVirsh)) < 0) {
            benchReportGuestCrash(console);
            return 1;
        }
        lastMigrationLog(log, &unplug, &total, &downtime);
        qemuStart = lastQMPReady(dlog);
        st->overhead += wall - total;
        st->qemuStart += qemuStart;
        st->overheads[st->n++] = wall - total;
        printf("%s run %d: wall %.0f ms, QEMU total-time %ld ms, downtime %ld ms, wait-unplug %ld ms, "
               "overhead %.0f ms (destination QEMU start-up %ld ms, the rest %.0f ms)\n",
               viaVirsh ? "virsh" : "API", i % runs, wall, total, downtime, unplug,
               wall - total, qemuStart, wall - total - qemuStart);
        printMigrationSteps(log, "source");
        printMigrationSteps(dlog, "destination");
        fflush(stdout);
        /* let the guest bond the new VF before migrating again */
        g_usleep(3 * G_USEC_PER_SEC);
    }
    for (i = 0; i < 2; i++) {
        benchStats *st = &stats[i];

        qsort(st->overheads, st->n, sizeof(double), compareDouble);
        printf("overhead (wall - QEMU total-time) over %d migrations %s: %.0f ms mean, "
               "%.0f ms median; destination QEMU start-up %.0f ms mean, the rest %.0f ms mean\n",
               st->n, i ? "with virsh migrate (a process each)" : "through the API",
               st->overhead / st->n, st->overheads[st->n / 2], st->qemuStart / st->n,
               (st->overhead - st->qemuStart) / st->n);
    }

    {
        g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", roots[0]);

        conn = virConnectOpen(uri);
        if (conn && (dom = virDomainLookupByName(conn, "bm"))) {
            virDomainDestroy(dom);
            virDomainFree(dom);
        }
        if (conn)
            virConnectClose(conn);
    }
    virFileDeleteTree(base);
    g_free(stats[0].overheads);
    g_free(stats[1].overheads);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc > 1 && STREQ(argv[1], "--daemons")) {
        if (argc < 8) {
            fprintf(stderr, "usage: %s --daemons URI-A LOG-A URI-B LOG-B NAME RUNS [tls]\n",
                    argv[0]);
            return 2;
        }
        return benchDaemons(argc, argv);
    }
    return benchEmbedded(argc, argv);
}
