/*
 * benchgetstate.c: virDomainGetState from many threads of one process
 *
 *   benchgetstate [SECONDS [GUESTS]]     (defaults: 5 s, 16 guests)
 *
 * Starts GUESTS guests (no kernel: QEMU runs, nothing boots) in a fresh
 * embedded root under $TMPDIR, then for SECONDS each:
 *   1. one thread per guest calls virDomainGetState on its own guest in a
 *      loop, all on one connection;
 *   2. the same while the QEMU of guest 0 is stopped (SIGSTOP).
 * Prints calls per second (over the phase, or until the last call returned
 * if later) and the 99th percentile latency of the threads of the other
 * guests in both phases, and compares them with the goal (a
 * stopped guest changes neither by more than 10%).
 *
 * Prints numbers; it never fails on time. A call that is still running
 * 60 s after the end of a phase is reported, the stopped QEMU continued
 * so that it can return.
 */
#include "internal.h"

#include <signal.h>

#include "virerror.h"
#include "virfile.h"

#define BENCH_LATE_S 60

typedef struct {
    virDomainPtr dom;
    gint64 deadline;
    GArray *lat;         /* double, us, of the calls that succeeded */
    unsigned int failed;
    gint64 end;          /* when its last call returned */
    gint done;           /* atomic */
} benchThread;

static int
compareDouble(const void *a, const void *b)
{
    double da = *(const double *)a, db = *(const double *)b;

    return da < db ? -1 : da > db;
}

static void
quietErrors(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

static gpointer
benchRun(gpointer opaque)
{
    benchThread *t = opaque;

    while (g_get_monotonic_time() < t->deadline) {
        gint64 t0 = g_get_monotonic_time();
        int state, reason;
        double us;

        if (virDomainGetState(t->dom, &state, &reason, 0) < 0) {
            t->failed++;
            continue;
        }
        us = g_get_monotonic_time() - t0;
        g_array_append_val(t->lat, us);
    }
    t->end = g_get_monotonic_time();
    g_atomic_int_set(&t->done, 1);
    return NULL;
}

typedef struct {
    double rate;        /* calls per second */
    double p99;         /* us */
    unsigned int calls;
    unsigned int failed;
} benchResult;

/* Calls of threads [from, to) of @ts over the @seconds of the phase or
 * until the last of them returned, if later. */
static benchResult
benchSum(benchThread *ts, size_t from, size_t to, int seconds)
{
    gint64 start = ts[0].deadline - seconds * G_USEC_PER_SEC;
    gint64 end = ts[0].deadline;
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(double));
    benchResult r = { 0 };
    size_t i;

    for (i = from; i < to; i++) {
        g_array_append_vals(all, ts[i].lat->data, ts[i].lat->len);
        r.failed += ts[i].failed;
        end = MAX(end, ts[i].end);
    }
    r.calls = all->len;
    r.rate = all->len / ((double)(end - start) / G_USEC_PER_SEC);
    if (all->len > 0) {
        g_array_sort(all, compareDouble);
        r.p99 = g_array_index(all, double, MIN(all->len - 1, (size_t)(all->len * 0.99)));
    }
    return r;
}

/* One phase: a thread per domain for @seconds. When the threads have not
 * all returned BENCH_LATE_S after the end, the stopped QEMU @stoppedPid is
 * continued (it is what they can wait for), and that is said. */
static benchThread *
benchPhase(virDomainPtr *doms, size_t n, int seconds, pid_t stoppedPid)
{
    benchThread *ts = g_new0(benchThread, n);
    GThread **th = g_new0(GThread *, n);
    gint64 deadline = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;
    gint64 late = deadline + BENCH_LATE_S * G_USEC_PER_SEC;
    bool continued = false;
    size_t i;

    for (i = 0; i < n; i++) {
        ts[i].dom = doms[i];
        ts[i].deadline = deadline;
        ts[i].lat = g_array_new(FALSE, FALSE, sizeof(double));
        th[i] = g_thread_new("getstate", benchRun, &ts[i]);
    }
    for (i = 0; i < n; i++) {
        while (!g_atomic_int_get(&ts[i].done) && !continued) {
            if (g_get_monotonic_time() > late) {
                printf("  thread of guest %zu still in a call %d s after the end: continuing the stopped QEMU\n",
                       i, BENCH_LATE_S);
                kill(stoppedPid, SIGCONT);
                continued = true;
            }
            g_usleep(10 * 1000);
        }
        g_thread_join(th[i]);
    }
    g_free(th);
    return ts;
}

static void
benchFree(benchThread *ts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        g_array_unref(ts[i].lat);
    g_free(ts);
}

static void
benchPrint(const char *what, benchResult r)
{
    printf("  %-36s %9.0f calls/s  p99 %9.3f ms  (%u calls, %u failed)\n",
           what, r.rate, r.p99 / 1000, r.calls, r.failed);
}

static double
benchChange(double before, double after)
{
    return before > 0 ? (after - before) / before * 100 : 0;
}

int
main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 5;
    int nguests = argc > 2 ? atoi(argv[2]) : 16;
    g_autofree char *root = g_dir_make_tmp("benchgetstate-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_autofree char *pidfile = g_build_filename(root, "run", "qemu", "g0.pid", NULL);
    g_autofree char *pidtext = NULL;
    g_autofree virDomainPtr *doms = NULL;
    virConnectPtr conn;
    benchThread *ts;
    benchResult base, baseOthers, others, stopped;
    double drate, dp99;
    pid_t pid;
    int i, ret = 1;

    if (seconds < 1 || nguests < 2) {
        fprintf(stderr, "usage: benchgetstate [SECONDS >= 1 [GUESTS >= 2]]\n");
        return 2;
    }
    virSetErrorFunc(NULL, quietErrors);
    if (!(conn = virConnectOpen(uri))) {
        fprintf(stderr, "open %s: %s\n", uri, virGetLastErrorMessage());
        return 1;
    }
    doms = g_new0(virDomainPtr, nguests);
    for (i = 0; i < nguests; i++) {
        g_autofree char *xml = g_strdup_printf("<domain type='qemu'><name>g%d</name>"
                                               "<memory unit='MiB'>64</memory>"
                                               "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
                                               "</domain>", i);

        if (!(doms[i] = virDomainDefineXML(conn, xml)) || virDomainCreate(doms[i]) < 0) {
            fprintf(stderr, "start of guest g%d: %s\n", i, virGetLastErrorMessage());
            goto cleanup;
        }
    }
    if (!g_file_get_contents(pidfile, &pidtext, NULL, NULL) || (pid = atoi(pidtext)) <= 1) {
        fprintf(stderr, "no pid in %s\n", pidfile);
        goto cleanup;
    }

    printf("virDomainGetState, %d threads on one connection, each on its own running guest, %d s per phase\n",
           nguests, seconds);
    ts = benchPhase(doms, nguests, seconds, pid);
    base = benchSum(ts, 0, nguests, seconds);
    baseOthers = benchSum(ts, 1, nguests, seconds);
    benchFree(ts, nguests);
    printf("all %d guests running:\n", nguests);
    benchPrint("all threads", base);
    benchPrint("threads of guests 1..N-1", baseOthers);

    if (kill(pid, SIGSTOP) < 0) {
        fprintf(stderr, "SIGSTOP %d: %s\n", pid, g_strerror(errno));
        goto cleanup;
    }
    ts = benchPhase(doms, nguests, seconds, pid);
    kill(pid, SIGCONT);
    others = benchSum(ts, 1, nguests, seconds);
    stopped = benchSum(ts, 0, 1, seconds);
    benchFree(ts, nguests);
    printf("QEMU of guest 0 stopped (SIGSTOP):\n");
    benchPrint("threads of guests 1..N-1", others);
    benchPrint("thread of the stopped guest 0", stopped);

    drate = benchChange(baseOthers.rate, others.rate);
    dp99 = benchChange(baseOthers.p99, others.p99);
    printf("goal: a stopped guest costs the others at most 10%% of calls/s and of p99: "
           "calls/s %+.0f%%, p99 %+.0f%%: %s\n", drate, dp99,
           drate >= -10 && dp99 <= 10 ? "met" : "NOT met");
    ret = 0;

 cleanup:
    for (i = 0; i < nguests && doms[i]; i++) {
        virDomainDestroy(doms[i]);
        virDomainUndefine(doms[i]);
        virDomainFree(doms[i]);
    }
    virConnectClose(conn);
    virFileDeleteTree(root);
    return ret;
}
