/*
 * qemumigrationaborttest.c: domjobabort reaches a running migration
 *
 * The source side of a migration runs (qemuMigrationSrcPerform) against a
 * fake QEMU that answers by command name and keeps the migration in
 * "setup": nothing but the abort can end the migration's wait before the
 * stall bound (30 s). An abort from this process must reach the migration
 * directly, without a request file; one from another process (the request
 * file NAME.abort) must wake it through its watch of the state directory.
 * Either way the migration sends migrate_cancel and fails with "canceled
 * by client" within seconds.
 *
 * Before "migrate", QEMU gets the migration's speed in max-bandwidth
 * (bytes/s): without a speed set for the domain (migrate-setspeed) the
 * migration is unlimited, as libvirt's: 8796093022207 MiB/s, the most
 * QEMU takes; with one set, that one. Begin sets the parameters while
 * the destination prepares: perform sends them again only when its own
 * differ (a speed set meanwhile), else QEMU gets none before "migrate".
 */
#include "internal.h"

#include <sys/socket.h>
#include <yajl/yajl_tree.h>

#include "qemu/qemu_domain.h"
#include "qemu/qemu_migration.h"
#include "qemu/qemu_migration_tune.h"
#include "qemu/qemu_monitor.h"
#include "testqemusim.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

#define GREETING "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},\"capabilities\":[]}}\r\n"

static testQEMUSim *sim;

/* A fake source QEMU: answers each command by its name. */
typedef struct {
    int fd;
    GThread *thread;
    GMutex lock;
    GCond cond;
    bool migrating;         /* "migrate" came */
    bool cancelled;         /* "migrate_cancel" came */
    long long maxBandwidth; /* of migrate-set-parameters; -1: none came */
} testPeer;

static void
testPeerSend(testPeer *peer, const char *text)
{
    if (send(peer->fd, text, strlen(text), MSG_NOSIGNAL) < 0)
        return;
}

static gpointer
testPeerThread(gpointer opaque)
{
    testPeer *peer = opaque;
    g_autoptr(GString) line = g_string_new(NULL);
    char c;

    testPeerSend(peer, GREETING);
    while (read(peer->fd, &c, 1) == 1) {
        const char *idpath[] = { "id", NULL };
        const char *cmdpath[] = { "execute", NULL };
        const char *bwpath[] = { "arguments", "max-bandwidth", NULL };
        g_autofree char *reply = NULL;
        yajl_val cmd, id, name;

        if (c != '\n') {
            g_string_append_c(line, c);
            continue;
        }
        cmd = yajl_tree_parse(line->str, NULL, 0);
        g_string_truncate(line, 0);
        id = yajl_tree_get(cmd, idpath, yajl_t_number);
        name = yajl_tree_get(cmd, cmdpath, yajl_t_string);
        reply = g_strdup_printf("{\"return\": {}, \"id\": %lld}\r\n",
                                id ? YAJL_GET_INTEGER(id) : 0);
        testPeerSend(peer, reply);
        g_mutex_lock(&peer->lock);
        if (name && STREQ(name->u.string, "migrate-set-parameters")) {
            yajl_val bw = yajl_tree_get(cmd, bwpath, yajl_t_number);

            if (bw && YAJL_IS_INTEGER(bw))
                peer->maxBandwidth = YAJL_GET_INTEGER(bw);
        } else if (name && STREQ(name->u.string, "migrate")) {
            testPeerSend(peer, "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"setup\"}}\r\n");
            peer->migrating = true;
        } else if (name && STREQ(name->u.string, "migrate_cancel")) {
            testPeerSend(peer, "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"cancelling\"}}\r\n"
                               "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"cancelled\"}}\r\n");
            peer->cancelled = true;
        }
        g_cond_broadcast(&peer->cond);
        g_mutex_unlock(&peer->lock);
        yajl_tree_free(cmd);
    }
    return NULL;
}

typedef struct {
    virQEMUDriver *driver;
    virDomainObj *obj;
    int ret;
    virErrorPtr err;
    gint64 ended;
} testPerform;

static gpointer
testPerformThread(gpointer opaque)
{
    testPerform *p = opaque;

    p->ret = qemuMigrationSrcPerform(p->driver, p->obj, "unix:/nonexistent.mig", 0, 0);
    p->ended = g_get_monotonic_time();
    virErrorPreserveLast(&p->err);
    return NULL;
}

typedef struct {
    bool sameProcess;           /* the abort from this process */
    unsigned long long speed;   /* set by migrate-setspeed first, MiB/s; 0: none */
    long long maxBandwidth;     /* what QEMU must get; -1: nothing */
    long long begun;            /* bytes/s begin set (no TLS); -1: begin set none */
} testCase;

static int
testAbort(const void *opaque)
{
    const testCase *tc = opaque;
    bool sameProcess = tc->sameProcess;
    virQEMUDriver *driver = sim->driver;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *abortPath = NULL;
    testPeer peer = { .fd = -1, .maxBandwidth = -1 };
    testPerform perform = { driver, NULL, 0, NULL, 0 };
    qemuDomainObjPrivate *priv = NULL;
    GThread *performThread = NULL;
    gint64 aborted;
    bool cancelled;
    gint64 deadline;
    int sv[2] = { -1, -1 };
    int ret = -1;

    def = virDomainDefParseString("<domain type='qemu'>\n"
                                  "  <name>outgoing</name>\n"
                                  "  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-000000000601</uuid>\n"
                                  "  <memory unit='MiB'>64</memory>\n"
                                  "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
                                  "</domain>\n", VIR_DOMAIN_DEF_PARSE_INACTIVE);
    if (!def) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    def->id = 6;
    perform.obj = virDomainObjListAdd(driver->domains, g_steal_pointer(&def));
    priv = qemuDomainObjGetPrivate(perform.obj);
    perform.obj->state = VIR_DOMAIN_RUNNING;
    if (tc->begun >= 0) {
        priv->migParamsSet = true;
        priv->migParamsBytes = tc->begun;
        priv->migParamsTLS = false;
    }
    abortPath = g_strdup_printf("%s/%s.abort", driver->config->stateDir,
                                perform.obj->def->name);
    if (tc->speed &&
        qemuMigrationTuneSetSpeed(driver, perform.obj->def->name, perform.obj->def->uuid,
                                  tc->speed) < 0) {
        printf("#   migrate-setspeed: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    g_mutex_init(&peer.lock);
    g_cond_init(&peer.cond);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        goto cleanup;
    peer.fd = sv[0];
    peer.thread = g_thread_new("fake-qemu", testPeerThread, &peer);
    if (!(priv->migMon = qemuMonitorOpenFD(sv[1], NULL, 5000))) {
        printf("#   monitor: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    performThread = g_thread_new("perform", testPerformThread, &perform);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    g_mutex_lock(&peer.lock);
    while (!peer.migrating && g_cond_wait_until(&peer.cond, &peer.lock, deadline))
        ;
    g_mutex_unlock(&peer.lock);
    if (!peer.migrating) {
        printf("#   the migration did not start\n");
        goto cleanup;
    }
    if (peer.maxBandwidth != tc->maxBandwidth) {
        printf("#   QEMU got max-bandwidth %lld, not %lld\n",
               peer.maxBandwidth, tc->maxBandwidth);
        goto cleanup;
    }

    aborted = g_get_monotonic_time();
    if (sameProcess) {
        if (qemuMigrationAbort(driver, perform.obj) < 0) {
            printf("#   abort: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        /* reached directly: no request for another process to find */
        if (virFileExists(abortPath)) {
            printf("#   the abort in the migrating process wrote %s\n", abortPath);
            goto cleanup;
        }
    } else if (virFileWriteStrRuntime(abortPath, "abort\n", 0600) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    g_thread_join(g_steal_pointer(&performThread));

    if (perform.ret == 0 || !perform.err ||
        perform.err->code != VIR_ERR_OPERATION_ABORTED ||
        !strstr(NULLSTR(perform.err->message), "canceled by client")) {
        printf("#   perform ended with %d: %s\n", perform.ret,
               perform.err ? NULLSTR(perform.err->message) : "no error");
        goto cleanup;
    }
    g_mutex_lock(&peer.lock);
    cancelled = peer.cancelled;
    g_mutex_unlock(&peer.lock);
    if (!cancelled) {
        printf("#   QEMU got no migrate_cancel\n");
        goto cleanup;
    }
    printf("#   aborted after %lld ms\n", (long long)(perform.ended - aborted) / 1000);
    /* the stall bound (30 s) would have ended it otherwise */
    if (perform.ended - aborted > 5 * G_USEC_PER_SEC)
        goto cleanup;
    if (virFileExists(abortPath)) {
        printf("#   the request %s stayed\n", abortPath);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (performThread) {
        /* a migration that missed the abort ends at its stall bound */
        g_thread_join(performThread);
    }
    if (priv && priv->migMon)
        qemuMonitorClose(g_steal_pointer(&priv->migMon));
    if (peer.fd >= 0)
        shutdown(peer.fd, SHUT_RDWR);
    if (peer.thread)
        g_thread_join(peer.thread);
    if (peer.fd >= 0)
        close(peer.fd);
    g_cond_clear(&peer.cond);
    g_mutex_clear(&peer.lock);
    virFreeError(perform.err);
    if (abortPath)
        unlink(abortPath);
    if (perform.obj) {
        qemuMigrationTuneForget(driver, perform.obj->def->name);
        virDomainObjListRemove(driver->domains, perform.obj);
    }
    virResetLastError();
    return ret;
}

static int
mymain(void)
{
    /* libvirt's unlimited: 8796093022207 MiB/s in bytes/s */
    const testCase same = { true, 0, 9223372036853727232LL, -1 };
    const testCase other = { false, 0, 9223372036853727232LL, -1 };
    const testCase set = { true, 7, 7LL * 1024 * 1024, -1 };
    const testCase begun = { true, 0, -1, 9223372036853727232LL };
    const testCase changed = { true, 7, 7LL * 1024 * 1024, 9223372036853727232LL };

    if (!(sim = testQEMUSimNew(1)))
        return -1;
    virTestRun("abort from the migrating process: a call, no file; unlimited without a speed set",
               testAbort, &same);
    virTestRun("abort from another process: the request file wakes the migration",
               testAbort, &other);
    virTestRun("the speed set for the domain (7 MiB/s) is QEMU's max-bandwidth",
               testAbort, &set);
    virTestRun("parameters begin set: perform sends QEMU only 'migrate'",
               testAbort, &begun);
    virTestRun("a speed set after begin (7 MiB/s): perform sends it", testAbort, &changed);
    testQEMUSimFree(sim);
    return 0;
}

VIR_TEST_MAIN(mymain)
