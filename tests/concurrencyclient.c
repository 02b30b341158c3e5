/*
 * concurrencyclient.c: many threads of one API client on one connection.
 *
 * Usage: concurrencyclient URI FROZEN THREADS ROUNDS BOUND
 *
 * Thread i owns guest 'tI' (a paused guest with a VF of the network
 * 'vfpool'); each round it defines, starts, queries (GetState, GetXMLDesc,
 * GetInfo, ListAllDomains), queries the guest FROZEN (whose QEMU the caller
 * has stopped with SIGSTOP), destroys and undefines it.
 *
 * Every call must return within BOUND seconds: a watchdog fails the test
 * naming the thread and the call still running (it does not wait for it).
 * A query of FROZEN either answers from the recorded state (running) or
 * fails with an error that names FROZEN; any other answer fails.
 *
 * Prints TAP-like ok/not ok lines; exit 0 when all passed. Only the public
 * API is used (like apiclient.c), so it builds against libvirt-dev too.
 */
#define _POSIX_C_SOURCE 200809L  /* clock_gettime, nanosleep under -std=c11 */

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

typedef struct {
    int id;
    char name[32];
    pthread_t thread;
    /* the fields below are guarded by 'lock' */
    const char *op;       /* call in progress, NULL between calls */
    const char *target;   /* the guest it is about */
    double opStart;
    bool done;
    int failures;
    int frozenAnswered;
    int frozenRefused;
    double slowestOwn;
    double slowestFrozen;
} worker;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static virConnectPtr conn;
static const char *frozen;
static int rounds;
static double bound;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
quietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static void __attribute__((format(printf, 2, 3)))
notok(worker *w, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&lock);
    w->failures++;
    printf("not ok - t%d: ", w->id);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    pthread_mutex_unlock(&lock);
}

static void
begin(worker *w, const char *op, const char *target)
{
    pthread_mutex_lock(&lock);
    w->op = op;
    w->target = target;
    w->opStart = now();
    pthread_mutex_unlock(&lock);
}

/* The call begun last has returned; it counts against the bound too (the
 * watchdog looks only every 100 ms). */
static void
end(worker *w)
{
    double took;
    const char *op, *target;

    pthread_mutex_lock(&lock);
    took = now() - w->opStart;
    op = w->op;
    target = w->target;
    w->op = NULL;
    if (strcmp(target, frozen) == 0) {
        if (took > w->slowestFrozen)
            w->slowestFrozen = took;
    } else if (took > w->slowestOwn) {
        w->slowestOwn = took;
    }
    pthread_mutex_unlock(&lock);
    if (took > bound)
        notok(w, "%s(%s) returned after %.1f s, more than %.0f s", op, target, took, bound);
}

/* virDomainGetState of @dom (guest @target) as a timed call: the state,
 * or -1 with the error set. */
static int
timedGetState(worker *w, virDomainPtr dom, const char *target)
{
    int state, reason, rc;

    begin(w, "virDomainGetState", target);
    rc = virDomainGetState(dom, &state, &reason, 0);
    end(w);
    return rc < 0 ? -1 : state;
}

static bool
errorNames(const char *name)
{
    const char *msg = virGetLastErrorMessage();

    return msg && strstr(msg, name);
}

/* Query the stopped guest: an answer must be the recorded state, a
 * refusal must name the guest. */
static void
queryFrozen(worker *w)
{
    virDomainPtr dom;
    virDomainInfo info;
    char *xml;
    char want[128];
    int state, rc;

    begin(w, "virDomainLookupByName", frozen);
    dom = virDomainLookupByName(conn, frozen);
    end(w);
    if (!dom) {
        notok(w, "lookup of '%s' failed: %s", frozen, virGetLastErrorMessage());
        return;
    }

    state = timedGetState(w, dom, frozen);
    if (state >= 0 && state != VIR_DOMAIN_RUNNING)
        notok(w, "GetState of the stopped guest answered %d, not running (%d)", state, VIR_DOMAIN_RUNNING);
    else if (state < 0 && !errorNames(frozen))
        notok(w, "GetState of the stopped guest failed without naming it: %s", virGetLastErrorMessage());
    pthread_mutex_lock(&lock);
    if (state >= 0)
        w->frozenAnswered++;
    else
        w->frozenRefused++;
    pthread_mutex_unlock(&lock);

    begin(w, "virDomainGetXMLDesc", frozen);
    xml = virDomainGetXMLDesc(dom, 0);
    end(w);
    snprintf(want, sizeof(want), "<name>%s</name>", frozen);
    if (xml && !strstr(xml, want))
        notok(w, "GetXMLDesc of the stopped guest lacks %s", want);
    else if (!xml && !errorNames(frozen))
        notok(w, "GetXMLDesc of the stopped guest failed without naming it: %s", virGetLastErrorMessage());
    pthread_mutex_lock(&lock);
    if (xml)
        w->frozenAnswered++;
    else
        w->frozenRefused++;
    pthread_mutex_unlock(&lock);
    free(xml);

    begin(w, "virDomainGetInfo", frozen);
    rc = virDomainGetInfo(dom, &info);
    end(w);
    if (rc == 0 && info.state != VIR_DOMAIN_RUNNING)
        notok(w, "GetInfo of the stopped guest answered state %d, not running", info.state);
    else if (rc < 0 && !errorNames(frozen))
        notok(w, "GetInfo of the stopped guest failed without naming it: %s", virGetLastErrorMessage());
    pthread_mutex_lock(&lock);
    if (rc == 0)
        w->frozenAnswered++;
    else
        w->frozenRefused++;
    pthread_mutex_unlock(&lock);

    virDomainFree(dom);
}

/* All domains listed: own guest and the stopped one among them? */
static void
listAll(worker *w)
{
    virDomainPtr *doms = NULL;
    bool own = false, stopped = false;
    int n, i;

    begin(w, "virConnectListAllDomains", w->name);
    n = virConnectListAllDomains(conn, &doms, 0);
    end(w);
    if (n < 0) {
        notok(w, "ListAllDomains failed: %s", virGetLastErrorMessage());
        return;
    }
    for (i = 0; i < n; i++) {
        const char *name = virDomainGetName(doms[i]);

        own |= strcmp(name, w->name) == 0;
        stopped |= strcmp(name, frozen) == 0;
        virDomainFree(doms[i]);
    }
    free(doms);
    if (!own || !stopped)
        notok(w, "ListAllDomains (%d domains) lacks %s", n, own ? frozen : w->name);
}

/* One round on the thread's own guest; false when it cannot go on. */
static bool
round1(worker *w)
{
    char xml[1024];
    char want[64];
    virDomainPtr dom;
    virDomainInfo info;
    char *desc;
    int state, rc;
    bool ret = false;

    snprintf(xml, sizeof(xml),
             "<domain type='qemu'>\n"
             "  <name>%s</name>\n"
             "  <memory unit='MiB'>64</memory>\n"
             "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
             "  <devices>\n"
             "    <interface type='network'><source network='vfpool'/></interface>\n"
             "  </devices>\n"
             "</domain>\n", w->name);
    begin(w, "virDomainDefineXML", w->name);
    dom = virDomainDefineXML(conn, xml);
    end(w);
    if (!dom) {
        notok(w, "define %s: %s", w->name, virGetLastErrorMessage());
        return false;
    }

    begin(w, "virDomainCreateWithFlags", w->name);
    rc = virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED);
    end(w);
    if (rc < 0) {
        notok(w, "start %s: %s", w->name, virGetLastErrorMessage());
        goto cleanup;
    }

    if ((state = timedGetState(w, dom, w->name)) != VIR_DOMAIN_PAUSED)
        notok(w, "GetState %s: %d, want paused: %s", w->name, state,
              state < 0 ? virGetLastErrorMessage() : "");

    begin(w, "virDomainGetXMLDesc", w->name);
    desc = virDomainGetXMLDesc(dom, 0);
    end(w);
    snprintf(want, sizeof(want), "<name>%s</name>", w->name);
    if (!desc || !strstr(desc, want) || !strstr(desc, "<interface type='hostdev'"))
        notok(w, "GetXMLDesc %s: %s", w->name,
              desc ? "no name or no hostdev interface (the VF)" : virGetLastErrorMessage());
    free(desc);

    begin(w, "virDomainGetInfo", w->name);
    rc = virDomainGetInfo(dom, &info);
    end(w);
    if (rc < 0 || info.state != VIR_DOMAIN_PAUSED)
        notok(w, "GetInfo %s: rc %d, want paused: %s", w->name, rc,
              rc < 0 ? virGetLastErrorMessage() : "");

    listAll(w);
    queryFrozen(w);

    begin(w, "virDomainDestroy", w->name);
    rc = virDomainDestroy(dom);
    end(w);
    if (rc < 0) {
        notok(w, "destroy %s: %s", w->name, virGetLastErrorMessage());
        goto cleanup;
    }
    if ((state = timedGetState(w, dom, w->name)) != VIR_DOMAIN_SHUTOFF) {
        notok(w, "GetState %s after destroy: %d, want shut off: %s", w->name, state,
              state < 0 ? virGetLastErrorMessage() : "");
        goto cleanup;
    }
    ret = true;

 cleanup:
    begin(w, "virDomainUndefine", w->name);
    rc = virDomainUndefine(dom);
    end(w);
    if (rc < 0) {
        notok(w, "undefine %s: %s", w->name, virGetLastErrorMessage());
        ret = false;
    }
    virDomainFree(dom);
    return ret;
}

static void *
run(void *opaque)
{
    worker *w = opaque;
    int r;

    for (r = 0; r < rounds; r++) {
        if (!round1(w))
            break;
    }
    pthread_mutex_lock(&lock);
    w->done = true;
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* Fail at once when a call has not returned within the bound: name it and
 * what every thread is doing; do not wait for it. */
static bool
watchdog(worker *ws, int n)
{
    bool all = false;
    int i;

    while (!all) {
        const struct timespec tick = { 0, 100 * 1000 * 1000 };
        double t;

        nanosleep(&tick, NULL);
        pthread_mutex_lock(&lock);
        t = now();
        all = true;
        for (i = 0; i < n; i++) {
            all &= ws[i].done;
            if (ws[i].op && t - ws[i].opStart > bound)
                break;
        }
        if (i < n) {
            printf("not ok - t%d stuck: %s(%s) has not returned after %.0f s\n",
                   ws[i].id, ws[i].op, ws[i].target, bound);
            for (i = 0; i < n; i++) {
                if (ws[i].op)
                    printf("# t%d in %s(%s) for %.1f s\n", ws[i].id, ws[i].op, ws[i].target,
                           t - ws[i].opStart);
                else
                    printf("# t%d %s\n", ws[i].id, ws[i].done ? "finished" : "between calls");
            }
            fflush(stdout);
            pthread_mutex_unlock(&lock);
            return false;
        }
        pthread_mutex_unlock(&lock);
    }
    return true;
}

int
main(int argc, char **argv)
{
    worker *ws;
    int nthreads, i, failures = 0, answered = 0, refused = 0;
    double t0;

    if (argc != 6) {
        fprintf(stderr, "usage: %s URI FROZEN THREADS ROUNDS BOUND\n", argv[0]);
        return 2;
    }
    frozen = argv[2];
    nthreads = atoi(argv[3]);
    rounds = atoi(argv[4]);
    bound = atof(argv[5]);
    if (nthreads < 1 || rounds < 1 || bound <= 0) {
        fprintf(stderr, "THREADS, ROUNDS and BOUND must be positive\n");
        return 2;
    }
    virSetErrorFunc(NULL, quietErrors);
    if (!(conn = virConnectOpen(argv[1]))) {
        printf("not ok - open %s: %s\n", argv[1], virGetLastErrorMessage());
        return 1;
    }

    ws = calloc(nthreads, sizeof(*ws));
    t0 = now();
    for (i = 0; i < nthreads; i++) {
        ws[i].id = i;
        snprintf(ws[i].name, sizeof(ws[i].name), "t%d", i);
        if (pthread_create(&ws[i].thread, NULL, run, &ws[i]) != 0) {
            printf("not ok - cannot create thread %d\n", i);
            _exit(1);
        }
    }
    if (!watchdog(ws, nthreads))
        _exit(1);  /* a thread is stuck: neither join it nor run exit handlers */
    for (i = 0; i < nthreads; i++) {
        pthread_join(ws[i].thread, NULL);
        failures += ws[i].failures;
        answered += ws[i].frozenAnswered;
        refused += ws[i].frozenRefused;
        printf("# t%d: slowest call on its guest %.2f s, on %s %.2f s\n",
               i, ws[i].slowestOwn, frozen, ws[i].slowestFrozen);
    }
    printf("# %d queries of the stopped guest: %d answered from the record, %d refused\n",
           answered + refused, answered, refused);
    if (failures == 0)
        printf("ok - %d threads x %d rounds on one connection: every call returned within %.0f s "
               "(all done in %.1f s)\n", nthreads, rounds, bound, now() - t0);
    else
        printf("not ok - %d failures in the threads\n", failures);
    virConnectClose(conn);
    free(ws);
    return failures ? 1 : 0;
}
