/*
 * benchrpc.c: a libvirt client that times one daemon's RPC service
 *
 *   benchrpc URI define COUNT PREFIX     define PREFIX0 .. PREFIX<COUNT-1>
 *   benchrpc URI undefine COUNT PREFIX   undefine them again
 *   benchrpc URI getstate DOMAIN CALLS [PID]
 *                                        one connection, CALLS round trips,
 *                                        then CALLS of virConnectGetLibVersion
 *                                        (answered without a driver); the
 *                                        CPU time per call of this client
 *                                        and of the daemon PID
 *   benchrpc URI concurrent DOMAIN CLIENTS CALLS
 *                                        CLIENTS threads, a connection each,
 *                                        CALLS round trips each
 *   benchrpc URI open COUNT PID          COUNT times: open, first call, close;
 *                                        PID is the daemon (its CPU time)
 *   benchrpc URI idle COUNT PID          COUNT idle connections held open;
 *                                        PID's VmRSS before and after
 *
 * The round trip is virDomainGetState. Only the public API is used, and the
 * program is linked to the libvirt found by pkg-config (Debian's
 * libvirt.so.0 in CI), so that our daemon and Debian's libvirtd are timed
 * with the same client. Results are printed as "KEY VALUE" lines for
 * bench/rpcvslibvirtd.sh; the program checks that every call answered
 * (exit 1 otherwise) and never judges the times.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static double
nowUs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
quietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static int
compareDouble(const void *a, const void *b)
{
    double da = *(const double *)a, db = *(const double *)b;

    return da < db ? -1 : da > db;
}

/* Sorts @v and returns its @q quantile (0..1). */
static double
quantile(double *v, size_t n, double q)
{
    size_t i = (size_t)(n * q);

    qsort(v, n, sizeof(*v), compareDouble);
    return v[i < n ? i : n - 1];
}

static double
mean(const double *v, size_t n)
{
    double s = 0;
    size_t i;

    for (i = 0; i < n; i++)
        s += v[i];
    return n ? s / n : 0;
}

static virConnectPtr
connOpen(const char *uri)
{
    virConnectPtr conn = virConnectOpen(uri);

    if (!conn)
        fprintf(stderr, "benchrpc: cannot open %s: %s\n", uri, virGetLastErrorMessage());
    return conn;
}

/* The daemon's CPU time (user + system) in seconds, -1 when unknown. */
static double
procCpu(long pid)
{
    char path[64], buf[1024];
    unsigned long ut, st;
    const char *p;
    FILE *f;
    size_t n;
    int field;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    if (!(f = fopen(path, "r")))
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* fields after the command name, which may contain anything but ends
     * at the last ')': state is field 3, utime 14, stime 15 */
    if (!(p = strrchr(buf, ')')))
        return -1;
    p++;
    for (field = 3; field < 14; field++) {
        if (!(p = strchr(p + 1, ' ')))
            return -1;
    }
    if (sscanf(p, " %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

/* This process's CPU time (user + system) in seconds. */
static double
selfCpu(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
        ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The daemon's VmRSS in KiB, -1 when unknown. */
static long
procRss(long pid)
{
    char path[64], line[256];
    long kib = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    }
    fclose(f);
    return kib;
}

static int
benchDefine(const char *uri, int count, const char *prefix, int undefine)
{
    virConnectPtr conn = connOpen(uri);
    double t0;
    int i, ret = 0;

    if (!conn)
        return 1;
    t0 = nowUs();
    for (i = 0; i < count && ret == 0; i++) {
        char name[128], xml[512];
        virDomainPtr dom;

        snprintf(name, sizeof(name), "%s%d", prefix, i);
        if (undefine) {
            if (!(dom = virDomainLookupByName(conn, name)) || virDomainUndefine(dom) < 0)
                ret = 1;
        } else {
            snprintf(xml, sizeof(xml),
                     "<domain type='qemu'><name>%s</name>"
                     "<memory unit='MiB'>64</memory>"
                     "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
                     "</domain>", name);
            if (!(dom = virDomainDefineXML(conn, xml)))
                ret = 1;
        }
        if (ret)
            fprintf(stderr, "benchrpc: %s %s: %s\n", undefine ? "undefine" : "define",
                    name, virGetLastErrorMessage());
        if (dom)
            virDomainFree(dom);
    }
    if (ret == 0)
        printf("%s_ms %.1f\n", undefine ? "undefine" : "define", (nowUs() - t0) / 1e3);
    virConnectClose(conn);
    return ret;
}

/* The CPU time per call of the client (this process) and of the daemon
 * (@pid, when > 0) over @calls calls that began at @self0 / @daemon0: a
 * round trip cannot take less than the two added up, whatever the
 * daemon does. */
static void
printCpu(const char *key, int calls, double self0, long pid, double daemon0)
{
    printf("%s_client_cpu_us %.1f\n", key, (selfCpu() - self0) * 1e6 / calls);
    if (pid > 0 && daemon0 >= 0)
        printf("%s_daemon_cpu_us %.1f\n", key, (procCpu(pid) - daemon0) * 1e6 / calls);
}

static int
benchGetState(const char *uri, const char *name, int calls, long pid)
{
    virConnectPtr conn = connOpen(uri);
    virDomainPtr dom;
    double *lat;
    double self0, daemon0;
    int i, ret = 1;

    if (!conn)
        return 1;
    if (!(dom = virDomainLookupByName(conn, name))) {
        fprintf(stderr, "benchrpc: no domain %s: %s\n", name, virGetLastErrorMessage());
        virConnectClose(conn);
        return 1;
    }
    lat = calloc(calls, sizeof(*lat));
    self0 = selfCpu();
    daemon0 = pid > 0 ? procCpu(pid) : -1;
    for (i = 0; i < calls; i++) {
        int state, reason;
        double t0 = nowUs();

        if (virDomainGetState(dom, &state, &reason, 0) < 0) {
            fprintf(stderr, "benchrpc: GetState: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        lat[i] = nowUs() - t0;
    }
    printCpu("getstate", calls, self0, pid, daemon0);
    printf("getstate_mean_us %.1f\n", mean(lat, calls));
    printf("getstate_p50_us %.1f\n", quantile(lat, calls, 0.50));
    printf("getstate_p99_us %.1f\n", quantile(lat, calls, 0.99));
    /* the floor: a call the daemon answers without a driver */
    self0 = selfCpu();
    daemon0 = pid > 0 ? procCpu(pid) : -1;
    for (i = 0; i < calls; i++) {
        unsigned long version;
        double t0 = nowUs();

        if (virConnectGetLibVersion(conn, &version) < 0) {
            fprintf(stderr, "benchrpc: GetLibVersion: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        lat[i] = nowUs() - t0;
    }
    printCpu("libversion", calls, self0, pid, daemon0);
    printf("libversion_mean_us %.1f\n", mean(lat, calls));
    printf("libversion_p50_us %.1f\n", quantile(lat, calls, 0.50));
    ret = 0;
 cleanup:
    free(lat);
    virDomainFree(dom);
    virConnectClose(conn);
    return ret;
}

typedef struct {
    const char *uri;
    const char *name;
    int calls;
    double *lat;
    int failed;
    pthread_barrier_t *ready;
} benchClient;

static void *
benchClientRun(void *opaque)
{
    benchClient *c = opaque;
    virConnectPtr conn = connOpen(c->uri);
    virDomainPtr dom = NULL;
    int i;

    if (conn && !(dom = virDomainLookupByName(conn, c->name)))
        fprintf(stderr, "benchrpc: no domain %s: %s\n", c->name, virGetLastErrorMessage());
    if (!dom)
        c->failed = 1;
    pthread_barrier_wait(c->ready);   /* all connected: start together */
    pthread_barrier_wait(c->ready);
    for (i = 0; dom && i < c->calls; i++) {
        int state, reason;
        double t0 = nowUs();

        if (virDomainGetState(dom, &state, &reason, 0) < 0) {
            c->failed = 1;
            break;
        }
        c->lat[i] = nowUs() - t0;
    }
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    return NULL;
}

static int
benchConcurrent(const char *uri, const char *name, int clients, int calls)
{
    benchClient *cs = calloc(clients, sizeof(*cs));
    pthread_t *th = calloc(clients, sizeof(*th));
    double *all = calloc((size_t)clients * calls, sizeof(*all));
    pthread_barrier_t ready;
    double t0, wall;
    int i, failed = 0;

    pthread_barrier_init(&ready, NULL, clients + 1);
    for (i = 0; i < clients; i++) {
        cs[i] = (benchClient){ uri, name, calls, all + (size_t)i * calls, 0, &ready };
        pthread_create(&th[i], NULL, benchClientRun, &cs[i]);
    }
    pthread_barrier_wait(&ready);
    t0 = nowUs();
    pthread_barrier_wait(&ready);
    for (i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        failed |= cs[i].failed;
    }
    wall = nowUs() - t0;
    if (!failed) {
        size_t n = (size_t)clients * calls;

        printf("concurrent_calls_per_s %.0f\n", n / (wall / 1e6));
        printf("concurrent_mean_us %.1f\n", mean(all, n));
        printf("concurrent_p99_us %.1f\n", quantile(all, n, 0.99));
    } else {
        fprintf(stderr, "benchrpc: a concurrent client failed\n");
    }
    pthread_barrier_destroy(&ready);
    free(all);
    free(th);
    free(cs);
    return failed;
}

static int
benchOpen(const char *uri, int count, long pid)
{
    double *lat = calloc(count, sizeof(*lat));
    double cpu0 = procCpu(pid), cpu1;
    int i, ret = 1;

    for (i = 0; i < count; i++) {
        double t0 = nowUs();
        virConnectPtr conn = connOpen(uri);

        if (!conn)
            goto cleanup;
        if (virConnectNumOfDomains(conn) < 0) {
            fprintf(stderr, "benchrpc: NumOfDomains: %s\n", virGetLastErrorMessage());
            virConnectClose(conn);
            goto cleanup;
        }
        lat[i] = nowUs() - t0;
        virConnectClose(conn);
    }
    cpu1 = procCpu(pid);
    printf("open_mean_ms %.3f\n", mean(lat, count) / 1e3);
    printf("open_p99_ms %.3f\n", quantile(lat, count, 0.99) / 1e3);
    if (cpu0 >= 0 && cpu1 >= 0)
        printf("open_daemon_cpu_ms %.3f\n", (cpu1 - cpu0) * 1e3 / count);
    ret = 0;
 cleanup:
    free(lat);
    return ret;
}

static int
benchIdle(const char *uri, int count, long pid)
{
    virConnectPtr *conns = calloc(count, sizeof(*conns));
    struct rlimit rl;
    long before, after;
    int i, ret = 1;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)count + 64) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    sleep(1);
    before = procRss(pid);
    for (i = 0; i < count; i++) {
        if (!(conns[i] = connOpen(uri)))
            goto cleanup;
        if (virConnectNumOfDomains(conns[i]) < 0) {
            fprintf(stderr, "benchrpc: connection %d: %s\n", i, virGetLastErrorMessage());
            goto cleanup;
        }
    }
    sleep(1);
    after = procRss(pid);
    if (before < 0 || after < 0) {
        fprintf(stderr, "benchrpc: cannot read the VmRSS of %ld\n", pid);
        goto cleanup;
    }
    printf("idle_rss_before_kib %ld\n", before);
    printf("idle_rss_after_kib %ld\n", after);
    printf("idle_kib_per_conn %.1f\n", (double)(after - before) / count);
    ret = 0;
 cleanup:
    for (i = 0; i < count; i++) {
        if (conns[i])
            virConnectClose(conns[i]);
    }
    free(conns);
    return ret;
}

static int
usage(void)
{
    fprintf(stderr,
            "usage: benchrpc URI define|undefine COUNT PREFIX\n"
            "       benchrpc URI getstate DOMAIN CALLS [DAEMON-PID]\n"
            "       benchrpc URI concurrent DOMAIN CLIENTS CALLS\n"
            "       benchrpc URI open|idle COUNT DAEMON-PID\n");
    return 2;
}

int
main(int argc, char **argv)
{
    const char *uri, *mode;

    if (argc < 5)
        return usage();
    uri = argv[1];
    mode = argv[2];
    virSetErrorFunc(NULL, quietErrors);
    if (virInitialize() < 0)
        return 1;
    if (strcmp(mode, "define") == 0 || strcmp(mode, "undefine") == 0)
        return benchDefine(uri, atoi(argv[3]), argv[4], mode[0] == 'u');
    if (strcmp(mode, "getstate") == 0 && atoi(argv[4]) > 0)
        return benchGetState(uri, argv[3], atoi(argv[4]), argc > 5 ? atol(argv[5]) : 0);
    if (strcmp(mode, "concurrent") == 0 && argc == 6 && atoi(argv[4]) > 0 && atoi(argv[5]) > 0)
        return benchConcurrent(uri, argv[3], atoi(argv[4]), atoi(argv[5]));
    if (strcmp(mode, "open") == 0 && atoi(argv[3]) > 0)
        return benchOpen(uri, atoi(argv[3]), atol(argv[4]));
    if (strcmp(mode, "idle") == 0 && atoi(argv[3]) > 0)
        return benchIdle(uri, atoi(argv[3]), atol(argv[4]));
    return usage();
}
