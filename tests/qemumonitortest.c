/*
 * qemumonitortest.c: the QMP client against a fake QEMU
 *
 * The connection (greeting, timeouts, malformed or oversized input, a peer
 * that stops reading, closing), the typed commands (the argument JSON each
 * sends, how each reply is parsed, error replies), the event queue and the
 * waits on it (an event that came before the wait started, one that comes
 * during it, a deadline that passes, a connection that ends, a wake-up),
 * cont done at the RESUME event that precedes its reply,
 * the bounded connect, a QEMU stopped with SIGSTOP named as such, and the
 * recording that tests/qemucapabilitiesdata replays.
 */
#include "internal.h"

#include <glib-unix.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "qemu/qemu_command.h"
#include "qemu/qemu_monitor_json.h"
#include "qemu/qemu_monitor_priv.h"
#include "qemumonitortestutils.h"
#include "testutils.h"
#include "virerror.h"
#include "viruuid.h"

#define GREETING_TEXT "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},\"capabilities\":[]}}\r\n"
#define GREETING GREETING_TEXT QEMU_MONITOR_TEST_NEXT
#define NEXT QEMU_MONITOR_TEST_NEXT
/* the greeting and the reply to qmp_capabilities (id 1) */
#define OPENED GREETING "{\"return\": {}, \"id\": 1}\r\n" NEXT

/* Open a monitor (reply timeout @timeoutMs) on a peer that sends @raw. */
static qemuMonitor *
testOpenRawTimeout(const char *raw, bool closeAfter, qemuMonitorTest **test, int timeoutMs)
{
    int fd;

    if (!(*test = qemuMonitorTestNewRaw(raw, closeAfter, &fd)))
        return NULL;
    return qemuMonitorOpenFD(fd, NULL, timeoutMs);
}

static qemuMonitor *
testOpenRaw(const char *raw, bool closeAfter, qemuMonitorTest **test)
{
    return testOpenRawTimeout(raw, closeAfter, test, 1000);
}

/* The error message is what it should be: it contains each of @parts. */
static bool
testErrorHas(int code, const char *const *parts)
{
    const char *msg = virGetLastErrorMessage();
    size_t i;

    if (virGetLastErrorCode() != code) {
        printf("#   error %d (%s), expected code %d\n", virGetLastErrorCode(), msg, code);
        return false;
    }
    for (i = 0; parts[i]; i++) {
        if (!strstr(msg, parts[i])) {
            printf("#   error \"%s\" lacks \"%s\"\n", msg, parts[i]);
            return false;
        }
    }
    virResetLastError();
    return true;
}

/* ------------------------------------------------------------------ */
/* The connection                                                      */
/* ------------------------------------------------------------------ */

static int
testNoGreeting(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "sent no QMP greeting within 1000 ms", NULL };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw("", false, &test);
    int ret = -1;

    if (!mon && testErrorHas(VIR_ERR_OPERATION_TIMEOUT, parts))
        ret = 0;
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* qmp_capabilities is sent with the connection: a peer that greets only
 * once it got a line gets it (a client that waited for the greeting
 * first would time out here). */
static int
testCapabilitiesWithConnection(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(NEXT GREETING_TEXT "{\"return\": {}, \"id\": 1}\r\n",
                                   false, &test);
    g_autofree char *sent = NULL;
    int ret = -1;

    if (!mon) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    sent = qemuMonitorTestReceived(test, 0);
    if (STRNEQ_NULLABLE(sent, "{\"execute\":\"qmp_capabilities\",\"id\":1}")) {
        printf("#   sent %s\n", NULLSTR(sent));
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* A first command goes with the connection too, after
 * qmp_capabilities: a peer that greets only once it got two lines
 * answers both, and the reply is the caller's. The state of a job's
 * start comes that way (qemuMonitorOpenWithStatus). */
static int
testFirstWithConnection(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    g_autoptr(qemuMonitorReply) reply = NULL;
    qemuMonitor *mon = NULL;
    g_autofree char *sent0 = NULL;
    g_autofree char *sent1 = NULL;
    const char *status;
    int ret = -1;
    int fd;

    if (!(test = qemuMonitorTestNewRaw(NEXT NEXT GREETING_TEXT
                                       "{\"return\": {}, \"id\": 1}\r\n"
                                       "{\"return\": {\"status\": \"postmigrate\", \"running\": false}, \"id\": 2}\r\n",
                                       false, &fd)))
        return -1;
    if (!(mon = qemuMonitorOpenFDFirst(fd, NULL, 1000, "query-status", &reply))) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    sent0 = qemuMonitorTestReceived(test, 0);
    sent1 = qemuMonitorTestReceived(test, 1);
    if (STRNEQ_NULLABLE(sent0, "{\"execute\":\"qmp_capabilities\",\"id\":1}") ||
        STRNEQ_NULLABLE(sent1, "{\"execute\":\"query-status\",\"id\":2}")) {
        printf("#   sent %s, then %s\n", NULLSTR(sent0), NULLSTR(sent1));
        goto cleanup;
    }
    if (!reply || !(status = qemuMonitorObjectGetString(reply->ret, "status")) ||
        STRNEQ(status, "postmigrate")) {
        printf("#   no status in the first command's reply\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* A refusal of the first command fails the open, naming it. */
static int
testFirstRefused(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "refused 'query-status': no status here", NULL };
    qemuMonitorTest *test = NULL;
    g_autoptr(qemuMonitorReply) reply = NULL;
    qemuMonitor *mon = NULL;
    int ret = -1;
    int fd;

    if (!(test = qemuMonitorTestNewRaw(OPENED
                                       "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no status here\"}, \"id\": 2}\r\n",
                                       false, &fd)))
        return -1;
    if (!(mon = qemuMonitorOpenFDFirst(fd, NULL, 1000, "query-status", &reply)) &&
        !reply && testErrorHas(VIR_ERR_OPERATION_FAILED, parts))
        ret = 0;
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testEOFBeforeGreeting(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "closed the monitor", NULL };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw("", true, &test);
    int ret = -1;

    /* an EOF is not a timeout */
    if (!mon && testErrorHas(VIR_ERR_OPERATION_FAILED, parts))
        ret = 0;
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testMalformed(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED "{this is not json\r\n", false, &test);
    qemuMonitorRunState state;
    int ret = -1;

    if (!mon)
        goto cleanup;
    /* the broken message closes the connection; commands then fail */
    if (qemuMonitorQueryStatus(mon, &state) == 0 || qemuMonitorIsAlive(mon))
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testOversized(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    g_autoptr(GString) raw = g_string_new(OPENED "{\"return\":\"");
    qemuMonitor *mon;
    qemuMonitorRunState state;
    int ret = -1;

    /* a message larger than the limit, never terminated */
    while (raw->len < QEMU_MONITOR_MAX_MESSAGE + 4096)
        g_string_append(raw, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    /* 32 MiB take a while under a sanitizer: the connection, not the
     * timeout, must end the command */
    if (!(mon = testOpenRawTimeout(raw->str, false, &test, 30000)))
        goto cleanup;
    if (qemuMonitorQueryStatus(mon, &state) == 0 || qemuMonitorIsAlive(mon) ||
        virGetLastErrorCode() == VIR_ERR_OPERATION_TIMEOUT)
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testTimeout(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "QEMU did not answer 'query-status' within 1000 ms", NULL };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED, false, &test);
    qemuMonitorRunState state;
    gint64 t0;
    int ret = -1;

    if (!mon)
        goto cleanup;
    t0 = g_get_monotonic_time();
    if (qemuMonitorQueryStatus(mon, &state) == 0 ||
        !testErrorHas(VIR_ERR_OPERATION_TIMEOUT, parts))
        goto cleanup;
    /* it returned because of the timeout, not of something else */
    if (g_get_monotonic_time() - t0 < 900 * 1000)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* Fake QEMU side of testOpenPeer: answer qmp_capabilities. */
static gpointer
testAnswerCapabilities(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    const char *reply = "{\"return\": {}, \"id\": 1}\r\n";
    char c;

    while (read(fd, &c, 1) == 1 && c != '\n')
        ;
    if (write(fd, reply, strlen(reply)) < 0)
        return NULL;
    return NULL;
}

/* A monitor on a socket pair whose other end (*peerfd, the caller's to
 * close) has greeted and answered qmp_capabilities; NULL on failure. */
static qemuMonitor *
testOpenPeer(int *peerfd, const qemuMonitorTarget *target, int timeoutMs)
{
    const char *greeting = "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},\"capabilities\":[]}}\r\n";
    qemuMonitor *mon;
    GThread *peer;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return NULL;
    if (write(sv[0], greeting, strlen(greeting)) != (ssize_t)strlen(greeting)) {
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    peer = g_thread_new("fake-qemu", testAnswerCapabilities, GINT_TO_POINTER(sv[0]));
    mon = qemuMonitorOpenFD(sv[1], target, timeoutMs);
    g_thread_join(peer);
    if (!mon) {
        close(sv[0]);
        return NULL;
    }
    *peerfd = sv[0];
    return mon;
}

/* QEMU stopped reading (it is exiting): sending a command must fail
 * with an error, not kill us with SIGPIPE. */
static int
testPeerStoppedReading(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitor *mon;
    qemuMonitorRunState state;
    int peerfd = -1;
    int ret = -1;

    if (!(mon = testOpenPeer(&peerfd, NULL, 1000)))
        return -1;
    shutdown(peerfd, SHUT_RD);
    if (qemuMonitorQueryStatus(mon, &state) == 0 || virGetLastErrorCode() == VIR_ERR_OK)
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(peerfd);
    return ret;
}

/* Closed: QEMU sees the client go at once (no thread of the monitor's
 * is left to do it). */
static int
testCloseEnds(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitor *mon;
    int peerfd = -1;
    int ret = -1;
    char c;

    if (!(mon = testOpenPeer(&peerfd, NULL, 1000)))
        return -1;
    qemuMonitorClose(mon);
    /* blocks until the connection is shut down: an EOF, not a timeout of
     * the test harness */
    if (read(peerfd, &c, 1) == 0)
        ret = 0;
    close(peerfd);
    return ret;
}

/* The threads of this process now. */
static guint
testThreadCount(void)
{
    g_autoptr(GDir) dir = g_dir_open("/proc/self/task", 0, NULL);
    guint n = 0;

    while (dir && g_dir_read_name(dir))
        n++;
    return n;
}

/* A monitor has no thread of its own: the one that waits reads. An open
 * monitor adds no thread to the process, and an event that came while
 * nobody waited is found by a look that does not wait. */
static int
testNoThread(const void *opaque G_GNUC_UNUSED)
{
    const char *event = "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n";
    qemuMonitorEventFilter stop = { .type = QEMU_MONITOR_EVENT_STOP };
    qemuMonitor *mon;
    guint before = testThreadCount();
    guint open;
    guint from;
    int peerfd = -1;
    int ret = -1;

    if (!(mon = testOpenPeer(&peerfd, NULL, 1000)))
        return -1;
    open = testThreadCount();
    from = qemuMonitorEventPosition(mon);
    if (open != before) {
        printf("#   %u threads with the monitor open, %u before\n", open, before);
    } else if (write(peerfd, event, strlen(event)) != (ssize_t)strlen(event)) {
        printf("#   the peer could not send its event\n");
    } else if (!qemuMonitorFindEvent(mon, &from, &stop)) {
        printf("#   the STOP event in the socket was not found\n");
    } else {
        ret = 0;
    }
    qemuMonitorClose(mon);
    close(peerfd);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Typed commands: the argument JSON                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    int (*run)(qemuMonitor *mon);
    const char *sent;       /* the command line sent, with id 2 */
} testArgsCase;

static int
testRunSetLink(qemuMonitor *mon)
{
    return qemuMonitorSetLink(mon, "net0", false);
}

static int
testRunDeviceDel(qemuMonitor *mon)
{
    return qemuMonitorDeviceDel(mon, "hostdev0");
}

static int
testRunNetdevDel(qemuMonitor *mon)
{
    return qemuMonitorNetdevDel(mon, "hostua-\"x\"");
}

static int
testRunDeviceAdd(qemuMonitor *mon)
{
    g_autoptr(qemuProps) props = qemuPropsNew();

    qemuPropsAddString(props, "driver", "virtio-net-pci");
    qemuPropsAddString(props, "id", "net1");
    qemuPropsAddBool(props, "failover", true);
    qemuPropsAddInt(props, "bootindex", 2);
    return qemuMonitorDeviceAdd(mon, props);
}

static int
testRunNetdevAdd(qemuMonitor *mon)
{
    g_autoptr(qemuProps) props = qemuPropsNew();

    qemuPropsAddString(props, "type", "user");
    qemuPropsAddString(props, "id", "hostnet1");
    return qemuMonitorNetdevAdd(mon, props);
}

static int
testRunMigrate(qemuMonitor *mon)
{
    return qemuMonitorMigrate(mon, "unix:/run/x.mig");
}

/* the set-up of a migration without TLS, of a guest whose capabilities
 * are set: the parameters alone */
static int
testRunBandwidth(qemuMonitor *mon)
{
    return qemuMonitorSetupMigration(mon, false, 33554432, NULL, NULL);
}

static int
testRunMigrationTuning(qemuMonitor *mon)
{
    qemuMonitorMigrationTuning tuning = {
        .maxBandwidth = 104857600, .hasMaxBandwidth = true,
        .downtimeLimit = 400, .hasDowntimeLimit = true,
    };

    return qemuMonitorSetMigrationTuning(mon, &tuning);
}

static int
testRunPostcopyBandwidth(qemuMonitor *mon)
{
    qemuMonitorMigrationTuning tuning = {
        .maxPostcopyBandwidth = 52428800, .hasMaxPostcopyBandwidth = true,
    };

    return qemuMonitorSetMigrationTuning(mon, &tuning);
}

static int
testRunAddTLSCreds(qemuMonitor *mon)
{
    g_autoptr(qemuProps) props = qemuBuildTLSx509Props("objmigtls0", "/etc/pki/qemu",
                                                       "server", true);

    return qemuMonitorAddObject(mon, props);
}

static int
testRunMigrationCapabilities(qemuMonitor *mon)
{
    return qemuMonitorSetMigrationCapabilities(mon);
}

static int
testRunListProperties(qemuMonitor *mon)
{
    g_auto(GStrv) props = NULL;

    return qemuMonitorDeviceListProperties(mon, "virtio-net-pci", &props);
}

static int
testRunCont(qemuMonitor *mon)
{
    return qemuMonitorCont(mon);
}

static int
testArgs(const void *opaque)
{
    const testArgsCase *tc = opaque;
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED "{\"return\": [], \"id\": 2}\r\n", false, &test);
    g_autofree char *sent = NULL;
    int ret = -1;

    if (!mon)
        goto cleanup;
    if (tc->run(mon) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    sent = qemuMonitorTestReceived(test, 1);
    if (STRNEQ_NULLABLE(sent, tc->sent)) {
        printf("#   sent    %s\n#   instead %s\n", NULLSTR(sent), tc->sent);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* The source's set-up of a migration with TLS, in one round trip: the
 * peer answers only once it got all four commands (a client that waited
 * for each reply would time out), in the order sent; the object-del of
 * an object that does not exist is no error. */
static int
testSetupMigration(const void *opaque G_GNUC_UNUSED)
{
    const char *const want[] = {
        "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{\"capability\":\"events\",\"state\":true},{\"capability\":\"return-path\",\"state\":true}]},\"id\":2}",
        "{\"execute\":\"object-del\",\"arguments\":{\"id\":\"objmigtls0\"},\"id\":3}",
        "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"tls-creds-x509\",\"id\":\"objmigtls0\",\"dir\":\"/etc/pki/qemu\",\"endpoint\":\"client\",\"verify-peer\":true},\"id\":4}",
        "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"max-bandwidth\":33554432,\"tls-creds\":\"objmigtls0\",\"tls-hostname\":\"\"},\"id\":5}",
    };
    g_autoptr(qemuProps) tls = qemuBuildTLSx509Props("objmigtls0", "/etc/pki/qemu", "client", true);
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED NEXT NEXT NEXT
                                   "{\"return\": {}, \"id\": 2}\r\n"
                                   "{\"error\": {\"class\": \"GenericError\", \"desc\": \"object 'objmigtls0' not found\"}, \"id\": 3}\r\n"
                                   "{\"return\": {}, \"id\": 4}\r\n"
                                   "{\"return\": {}, \"id\": 5}\r\n", false, &test);
    size_t i;
    int ret = -1;

    if (!mon)
        goto cleanup;
    if (qemuMonitorSetupMigration(mon, true, 33554432, "objmigtls0", tls) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    for (i = 0; i < G_N_ELEMENTS(want); i++) {
        g_autofree char *sent = qemuMonitorTestReceived(test, i + 1);

        if (STRNEQ_NULLABLE(sent, want[i])) {
            printf("#   sent    %s\n#   instead %s\n", NULLSTR(sent), want[i]);
            goto cleanup;
        }
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* Credentials QEMU has already: only the parameters name them. */
static int
testSetupMigrationKeptTLS(const void *opaque G_GNUC_UNUSED)
{
    const char *want = "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"max-bandwidth\":33554432,\"tls-creds\":\"objmigtls0\",\"tls-hostname\":\"\"},\"id\":2}";
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED "{\"return\": {}, \"id\": 2}\r\n", false, &test);
    g_autofree char *sent = NULL;
    g_autofree char *extra = NULL;
    int ret = -1;

    if (!mon)
        goto cleanup;
    if (qemuMonitorSetupMigration(mon, false, 33554432, "objmigtls0", NULL) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    sent = qemuMonitorTestReceived(test, 1);
    extra = qemuMonitorTestReceived(test, 2);
    if (STRNEQ_NULLABLE(sent, want) || extra) {
        printf("#   sent    %s, then %s\n#   instead %s alone\n", NULLSTR(sent), NULLSTR(extra), want);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* The first refusal that counts is reported, with the command's name;
 * the commands after it still ran in QEMU, and the next command on the
 * monitor gets its own reply. */
static int
testSetupMigrationRefused(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "refused 'object-add': Duplicate ID 'objmigtls0'", NULL };
    g_autoptr(qemuProps) tls = qemuBuildTLSx509Props("objmigtls0", "/etc/pki/qemu", "client", true);
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED NEXT NEXT NEXT
                                   "{\"return\": {}, \"id\": 2}\r\n"
                                   "{\"error\": {\"class\": \"GenericError\", \"desc\": \"object is in use\"}, \"id\": 3}\r\n"
                                   "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Duplicate ID 'objmigtls0'\"}, \"id\": 4}\r\n"
                                   "{\"error\": {\"class\": \"GenericError\", \"desc\": \"No object 'objmigtls0'\"}, \"id\": 5}\r\n"
                                   NEXT "{\"return\": {}, \"id\": 6}\r\n", false, &test);
    int ret = -1;

    if (!mon)
        goto cleanup;
    if (qemuMonitorSetupMigration(mon, true, 33554432, "objmigtls0", tls) == 0 ||
        !testErrorHas(VIR_ERR_OPERATION_FAILED, parts))
        goto cleanup;
    if (qemuMonitorStop(mon) < 0) {
        printf("#   stop afterwards: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Typed commands: the replies                                          */
/* ------------------------------------------------------------------ */

/* A monitor whose peer answers the first command with @reply (id 2). */
static qemuMonitor *
testOpenReply(const char *reply, qemuMonitorTest **test)
{
    g_autofree char *raw = g_strdup_printf(OPENED "%s\r\n", reply);

    return testOpenRaw(raw, false, test);
}

static int
testReplyStatus(const void *opaque G_GNUC_UNUSED)
{
    const struct {
        const char *reply;
        int state;          /* -1: an error */
    } cases[] = {
        { "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": 2}",
          QEMU_MONITOR_RUN_STATE_RUNNING },
        { "{\"return\": {\"status\": \"postmigrate\", \"running\": false}, \"id\": 2}",
          QEMU_MONITOR_RUN_STATE_POSTMIGRATE },
        { "{\"return\": {\"status\": \"some-future-state\"}, \"id\": 2}",
          QEMU_MONITOR_RUN_STATE_UNKNOWN },
        { "{\"return\": {\"running\": true}, \"id\": 2}", -1 },
        { "{\"return\": [], \"id\": 2}", -1 },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        qemuMonitorTest *test = NULL;
        qemuMonitor *mon = testOpenReply(cases[i].reply, &test);
        qemuMonitorRunState state = QEMU_MONITOR_RUN_STATE_LAST;
        int rc = mon ? qemuMonitorQueryStatus(mon, &state) : -2;
        bool ok = cases[i].state < 0 ?
            rc == -1 && strstr(virGetLastErrorMessage(), "malformed reply to 'query-status'") :
            rc == 0 && (int)state == cases[i].state;

        qemuMonitorClose(mon);
        qemuMonitorTestFree(test);
        virResetLastError();
        if (!ok) {
            printf("#   %s: rc %d state %d\n", cases[i].reply, rc, state);
            return -1;
        }
    }
    return 0;
}

static int
testReplyUUID(const void *opaque G_GNUC_UNUSED)
{
    const char *uuidstr = "c7a5fdbd-edaf-9455-926a-d65c16db1809";
    g_autofree char *reply = g_strdup_printf("{\"return\": {\"UUID\": \"%s\"}, \"id\": 2}", uuidstr);
    unsigned char uuid[VIR_UUID_BUFLEN];
    unsigned char want[VIR_UUID_BUFLEN];
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenReply(reply, &test);
    int ret = -1;

    if (!mon || virUUIDParse(uuidstr, want) < 0 || qemuMonitorQueryUUID(mon, uuid) < 0 ||
        memcmp(uuid, want, VIR_UUID_BUFLEN) != 0)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testReplyMigrationTuning(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorMigrationTuning tuning;
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = NULL;
    int ret = -1;

    /* QEMU 7.2's reply (trimmed); then one without the tuned members;
     * then a reply that is no object */
    if (!(mon = testOpenRaw(OPENED
                            "{\"return\": {\"downtime-limit\": 300, \"max-bandwidth\": 134217728, "
                            "\"max-postcopy-bandwidth\": 0, \"tls-creds\": \"\"}, \"id\": 2}\r\n" NEXT
                            "{\"return\": {}, \"id\": 3}\r\n" NEXT
                            "{\"return\": [], \"id\": 4}\r\n", false, &test)) ||
        qemuMonitorQueryMigrationTuning(mon, &tuning) < 0 ||
        !tuning.hasDowntimeLimit || tuning.downtimeLimit != 300 ||
        !tuning.hasMaxBandwidth || tuning.maxBandwidth != 134217728 ||
        !tuning.hasMaxPostcopyBandwidth || tuning.maxPostcopyBandwidth != 0)
        goto cleanup;
    if (qemuMonitorQueryMigrationTuning(mon, &tuning) < 0 ||
        tuning.hasDowntimeLimit || tuning.hasMaxBandwidth || tuning.hasMaxPostcopyBandwidth)
        goto cleanup;
    if (qemuMonitorQueryMigrationTuning(mon, &tuning) == 0 ||
        !strstr(virGetLastErrorMessage(), "malformed reply to 'query-migrate-parameters'"))
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testReplyMigrate(const void *opaque G_GNUC_UNUSED)
{
    g_auto(qemuMonitorMigrationInfo) info = { 0 };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenReply("{\"return\": {\"status\": \"completed\", \"setup-time\": 3, "
                                     "\"downtime\": 41, \"total-time\": 1500, "
                                     "\"ram\": {\"total\": 134217728, \"transferred\": 9000, "
                                     "\"remaining\": 0}}, \"id\": 2}", &test);
    int ret = -1;

    if (!mon || qemuMonitorQueryMigrate(mon, &info) < 0)
        goto cleanup;
    if (info.status != QEMU_MONITOR_MIGRATION_STATUS_COMPLETED || !info.hasRam ||
        info.ramTotal != 134217728 || info.ramTransferred != 9000 || info.ramRemaining != 0 ||
        info.setupTime != 3 || !info.hasDowntime || info.downtime != 41 ||
        !info.hasTotalTime || info.totalTime != 1500 || info.errorDesc)
        goto cleanup;
    qemuMonitorClose(g_steal_pointer(&mon));
    qemuMonitorTestFree(g_steal_pointer(&test));
    qemuMonitorMigrationInfoClear(&info);

    /* a failed migration: its reason; no migration ever: status none */
    if (!(mon = testOpenRaw(OPENED
                            "{\"return\": {\"status\": \"failed\", \"error-desc\": \"Unable to write\"}, \"id\": 2}\r\n" NEXT
                            "{\"return\": {}, \"id\": 3}\r\n", false, &test)) ||
        qemuMonitorQueryMigrate(mon, &info) < 0 ||
        info.status != QEMU_MONITOR_MIGRATION_STATUS_FAILED ||
        STRNEQ_NULLABLE(info.errorDesc, "Unable to write") || info.hasRam || info.hasTotalTime)
        goto cleanup;
    qemuMonitorMigrationInfoClear(&info);
    if (qemuMonitorQueryMigrate(mon, &info) < 0 ||
        info.status != QEMU_MONITOR_MIGRATION_STATUS_NONE)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testReplyPCI(const void *opaque G_GNUC_UNUSED)
{
    g_auto(GStrv) ids = NULL;
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenReply("{\"return\": [{\"bus\": 0, \"devices\": ["
                                     "{\"qdev_id\": \"\", \"slot\": 0},"
                                     "{\"qdev_id\": \"pci.1\", \"pci_bridge\": {\"devices\": ["
                                     "{\"qdev_id\": \"hostdev0\"},"
                                     "{\"qdev_id\": \"pci.2\", \"pci_bridge\": {\"devices\": ["
                                     "{\"qdev_id\": \"ua-backup0\"}]}}]}},"
                                     "{\"qdev_id\": \"balloon0\"}]}], \"id\": 2}", &test);
    const char *const want[] = { "pci.1", "hostdev0", "pci.2", "ua-backup0", "balloon0", NULL };
    int ret = -1;

    if (!mon || qemuMonitorQueryPCIDevices(mon, &ids) < 0 ||
        !g_strv_equal((const char * const *)ids, want)) {
        g_autofree char *got = ids ? g_strjoinv(" ", ids) : NULL;

        printf("#   ids: %s\n", NULLSTR(got));
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testReplyProbe(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED
                                   "{\"return\": {\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 1}, \"package\": \" Debian 1:7.2 \"}, \"id\": 2}\r\n" NEXT
                                   "{\"return\": {\"enabled\": false, \"present\": true}, \"id\": 3}\r\n" NEXT
                                   "{\"return\": [{\"name\": \"pc-q35-7.2\", \"alias\": \"q35\", \"cpu-max\": 288, \"deprecated\": false},"
                                   "{\"name\": \"none\", \"cpu-max\": 1}, {\"name\": \"pc\", \"is-default\": true}], \"id\": 4}\r\n" NEXT
                                   "{\"return\": [{\"name\": \"device_add\", \"meta-type\": \"command\", \"features\": [\"json-cli-hotplug\"]},"
                                   "{\"name\": \"123\", \"meta-type\": \"enum\", \"values\": [\"none\", \"wait-unplug\"]},"
                                   "{\"meta-type\": \"event\"}], \"id\": 5}\r\n" NEXT
                                   "{\"return\": {\"status\": \"x\"}, \"id\": 6}\r\n",
                                   false, &test);
    g_autofree char *package = NULL;
    g_autoptr(GPtrArray) machines = NULL;
    g_autoptr(GPtrArray) schema = NULL;
    g_auto(GStrv) types = NULL;
    qemuMonitorMachineInfo *m;
    qemuMonitorSchemaEntry *e;
    unsigned long version;
    bool kvm = false;
    int ret = -1;

    if (!mon || qemuMonitorQueryVersion(mon, &version, &package) < 0 ||
        version != 7002001 || STRNEQ_NULLABLE(package, "Debian 1:7.2") ||
        qemuMonitorQueryKVM(mon, &kvm) < 0 || !kvm ||
        qemuMonitorQueryMachines(mon, &machines) < 0 || machines->len != 3 ||
        qemuMonitorQuerySchema(mon, &schema) < 0 || schema->len != 2)
        goto cleanup;
    m = g_ptr_array_index(machines, 0);
    if (STRNEQ(m->name, "pc-q35-7.2") || STRNEQ_NULLABLE(m->alias, "q35") ||
        m->maxCpus != 288 || m->isDefault || m->deprecated)
        goto cleanup;
    m = g_ptr_array_index(machines, 2);
    if (STRNEQ(m->name, "pc") || m->alias || m->maxCpus != 0 || !m->isDefault)
        goto cleanup;
    e = g_ptr_array_index(schema, 0);
    if (STRNEQ(e->metaType, "command") ||
        !g_strv_contains((const char * const *)e->features, "json-cli-hotplug") ||
        e->values[0])
        goto cleanup;
    e = g_ptr_array_index(schema, 1);
    if (!g_strv_contains((const char * const *)e->values, "wait-unplug"))
        goto cleanup;
    /* a reply of the wrong shape is an error, not an empty list */
    if (qemuMonitorQOMListTypes(mon, &types) == 0 ||
        !strstr(virGetLastErrorMessage(), "malformed reply to 'qom-list-types'"))
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testReplyError(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "QEMU refused 'device_del': Device 'x' not found", NULL };
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenReply("{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device 'x' not found\"}, \"id\": 2}",
                                     &test);
    int ret = -1;

    if (mon && qemuMonitorDeviceDel(mon, "x") < 0 &&
        testErrorHas(VIR_ERR_OPERATION_FAILED, parts))
        ret = 0;
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Events                                                               */
/* ------------------------------------------------------------------ */

#define EVENT_DELETED(dev) \
    "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"" dev "\", \"path\": \"/machine/peripheral/" dev "\"}, " \
    "\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
#define EVENT_MIGRATION(st) \
    "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"" st "\"}}\r\n"
#define EVENT_RESUME \
    "{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"

/* Queued in order, typed, each taken once; replies and events
 * interleaved. */
static int
testEventQueue(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED
                                   "{\"event\": \"FAILOVER_NEGOTIATED\", \"data\": {\"device-id\": \"ua-backup0\"}}\r\n"
                                   "{\"return\": {}, \"id\": 2}\r\n" NEXT
                                   "{\"event\": \"UNPLUG_PRIMARY\", \"data\": {\"device-id\": \"hostdev0\"}}\r\n"
                                   EVENT_MIGRATION("wait-unplug")
                                   "{\"event\": \"SOMETHING_NEW\"}\r\n"
                                   "{\"return\": {}, \"id\": 3}\r\n",
                                   false, &test);
    const qemuMonitorEvent *ev;
    int ret = -1;

    if (!mon || qemuMonitorCont(mon) < 0 || qemuMonitorStop(mon) < 0)
        goto cleanup;
    /* each event came before the reply that follows it */
    if (!(ev = qemuMonitorTakeEvent(mon)) || ev->type != QEMU_MONITOR_EVENT_FAILOVER_NEGOTIATED ||
        STRNEQ_NULLABLE(ev->device, "ua-backup0") ||
        !(ev = qemuMonitorTakeEvent(mon)) || ev->type != QEMU_MONITOR_EVENT_UNPLUG_PRIMARY ||
        STRNEQ_NULLABLE(ev->device, "hostdev0") ||
        !(ev = qemuMonitorTakeEvent(mon)) || ev->type != QEMU_MONITOR_EVENT_MIGRATION ||
        ev->status != QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG ||
        !(ev = qemuMonitorTakeEvent(mon)) || ev->type != QEMU_MONITOR_EVENT_OTHER ||
        STRNEQ(ev->name, "SOMETHING_NEW") ||
        qemuMonitorTakeEvent(mon))
        goto cleanup;
    if (qemuMonitorEventPosition(mon) != 4)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* The event came with the reply to device_del, before the wait started:
 * found at once, because the position was taken before the command. */
static int
testWaitEventBefore(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED
                                   EVENT_DELETED("other0")
                                   EVENT_DELETED("hostdev0")
                                   "{\"return\": {}, \"id\": 2}\r\n",
                                   false, &test);
    const qemuMonitorEventFilter filter = { QEMU_MONITOR_EVENT_DEVICE_DELETED, "hostdev0", 0 };
    const qemuMonitorEvent *ev;
    gint64 t0;
    guint pos;
    int ret = -1;

    if (!mon)
        goto cleanup;
    pos = qemuMonitorEventPosition(mon);
    if (qemuMonitorDeviceDel(mon, "hostdev0") < 0)
        goto cleanup;
    t0 = g_get_monotonic_time();
    if (!(ev = qemuMonitorWaitEvent(mon, &pos, &filter, 5000, NULL)) ||
        STRNEQ_NULLABLE(ev->device, "hostdev0") || pos != 2 ||
        g_get_monotonic_time() - t0 > G_USEC_PER_SEC) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

/* An event that came is found without a wait; then, past it, none; nor
 * one that never came. */
static int
testFindEvent(const void *opaque G_GNUC_UNUSED)
{
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED
                                   EVENT_DELETED("hostdev0")
                                   EVENT_MIGRATION("completed")
                                   "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": 2}\r\n",
                                   false, &test);
    const qemuMonitorEventFilter ended = {
        QEMU_MONITOR_EVENT_MIGRATION, NULL,
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_COMPLETED) |
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_FAILED),
    };
    const qemuMonitorEventFilter resumed = { QEMU_MONITOR_EVENT_RESUME, NULL, 0 };
    const qemuMonitorEvent *ev;
    qemuMonitorRunState state;
    guint pos = 0;
    guint none = 0;
    int ret = -1;

    /* the reply comes after the events: they are queued once it is back */
    if (!mon || qemuMonitorQueryStatus(mon, &state) < 0)
        goto cleanup;
    if (!(ev = qemuMonitorFindEvent(mon, &pos, &ended)) ||
        ev->status != QEMU_MONITOR_MIGRATION_STATUS_COMPLETED || pos != 2) {
        printf("#   the migration's end: %s, pos %u\n", ev ? "other" : "not found", pos);
        goto cleanup;
    }
    if (qemuMonitorFindEvent(mon, &pos, &ended) || pos != 2 ||
        qemuMonitorFindEvent(mon, &none, &resumed) || none != 2) {
        printf("#   found what is not there (pos %u, %u)\n", pos, none);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

typedef struct {
    int fd;
    const char *text;
    int delayMs;
} testLater;

static gpointer
testSendLater(gpointer opaque)
{
    testLater *later = opaque;

    g_usleep(later->delayMs * 1000);
    if (write(later->fd, later->text, strlen(later->text)) < 0)
        return NULL;
    return NULL;
}

/* The event comes while the wait sleeps: it wakes it at once, long before
 * the deadline. */
static int
testWaitEventDuring(const void *opaque G_GNUC_UNUSED)
{
    const qemuMonitorEventFilter filter = {
        QEMU_MONITOR_EVENT_MIGRATION, NULL,
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_COMPLETED) |
        QEMU_MONITOR_MIGRATION_STATUS_SET(QEMU_MONITOR_MIGRATION_STATUS_FAILED),
    };
    testLater later = { -1, EVENT_MIGRATION("active") EVENT_MIGRATION("completed"), 200 };
    const qemuMonitorEvent *ev;
    qemuMonitor *mon;
    GThread *peer;
    gint64 waited;
    guint pos;
    int ret = -1;

    if (!(mon = testOpenPeer(&later.fd, NULL, 1000)))
        return -1;
    pos = qemuMonitorEventPosition(mon);
    peer = g_thread_new("later", testSendLater, &later);
    waited = g_get_monotonic_time();
    ev = qemuMonitorWaitEvent(mon, &pos, &filter, 10000, NULL);
    waited = (g_get_monotonic_time() - waited) / 1000;
    g_thread_join(peer);
    if (!ev || ev->status != QEMU_MONITOR_MIGRATION_STATUS_COMPLETED || pos != 2) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (waited < 150 || waited > 5000) {
        printf("#   waited %lld ms for an event sent after 200 ms\n", (long long)waited);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(later.fd);
    return ret;
}

/* No matching event in time: a timeout that names the domain, the event,
 * the device, how long, and what the caller adds. */
static int
testWaitEventDeadline(const void *opaque G_GNUC_UNUSED)
{
    const qemuMonitorTarget target = { "vm1", 0 };
    const qemuMonitorEventFilter filter = { QEMU_MONITOR_EVENT_DEVICE_DELETED, "hostdev0", 0 };
    const char *const parts[] = {
        "QEMU of domain 'vm1' sent no DEVICE_DELETED event for 'hostdev0' within 300 ms",
        "the request stays pending", NULL
    };
    testLater later = { -1, EVENT_DELETED("other0"), 50 };
    qemuMonitor *mon;
    GThread *peer;
    gint64 waited;
    guint pos;
    int ret = -1;

    if (!(mon = testOpenPeer(&later.fd, &target, 1000)))
        return -1;
    pos = qemuMonitorEventPosition(mon);
    peer = g_thread_new("later", testSendLater, &later);
    waited = g_get_monotonic_time();
    if (qemuMonitorWaitEvent(mon, &pos, &filter, 300, "the request stays pending"))
        goto cleanup;
    waited = (g_get_monotonic_time() - waited) / 1000;
    if (!testErrorHas(VIR_ERR_OPERATION_TIMEOUT, parts))
        goto cleanup;
    if (waited < 290 || waited > 3000) {
        printf("#   the 300 ms wait took %lld ms\n", (long long)waited);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    g_thread_join(peer);
    qemuMonitorClose(mon);
    close(later.fd);
    return ret;
}

/* QEMU goes away during the wait: it ends at once with an error. */
static int
testWaitEventClosed(const void *opaque G_GNUC_UNUSED)
{
    const qemuMonitorTarget target = { "vm1", 0 };
    const qemuMonitorEventFilter filter = { QEMU_MONITOR_EVENT_DEVICE_DELETED, "hostdev0", 0 };
    const char *const parts[] = {
        "QEMU of domain 'vm1' closed its monitor while we waited for a DEVICE_DELETED event for 'hostdev0'",
        NULL
    };
    qemuMonitor *mon;
    gint64 t0;
    guint pos;
    int peerfd = -1;
    int ret = -1;

    if (!(mon = testOpenPeer(&peerfd, &target, 1000)))
        return -1;
    pos = qemuMonitorEventPosition(mon);
    shutdown(peerfd, SHUT_RDWR);
    t0 = g_get_monotonic_time();
    if (qemuMonitorWaitEvent(mon, &pos, &filter, 10000, NULL) ||
        !testErrorHas(VIR_ERR_OPERATION_FAILED, parts) ||
        g_get_monotonic_time() - t0 > 5 * G_USEC_PER_SEC)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(peerfd);
    return ret;
}

/* cont is done at QEMU's RESUME event, before (here: without) its reply;
 * the reply that comes after all is dropped, and the next command gets
 * its own. */
static int
testContSettled(const void *opaque G_GNUC_UNUSED)
{
    testLater resume = { -1, EVENT_RESUME, 100 };
    testLater replies = { -1, "{\"return\": {}, \"id\": 2}\r\n{\"return\": {}, \"id\": 3}\r\n", 100 };
    qemuMonitor *mon;
    GThread *peer;
    int rc;
    int ret = -1;

    if (!(mon = testOpenPeer(&resume.fd, NULL, 2000)))
        return -1;
    replies.fd = resume.fd;
    peer = g_thread_new("later", testSendLater, &resume);
    rc = qemuMonitorCont(mon);
    g_thread_join(peer);
    if (rc < 0) {
        printf("#   cont: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    peer = g_thread_new("later", testSendLater, &replies);
    rc = qemuMonitorStop(mon);
    g_thread_join(peer);
    if (rc < 0) {
        printf("#   stop after cont: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(resume.fd);
    return ret;
}

/* A RESUME that came before cont was sent does not settle it: its error
 * reply is what counts. */
static int
testContResumedBefore(const void *opaque G_GNUC_UNUSED)
{
    const char *const parts[] = { "refused 'cont': Migration is not finalized yet", NULL };
    testLater refusal = {
        -1, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Migration is not finalized yet\"}, \"id\": 2}\r\n", 100
    };
    qemuMonitor *mon;
    GThread *peer;
    int i;
    int rc;
    int ret = -1;

    if (!(mon = testOpenPeer(&refusal.fd, NULL, 2000)))
        return -1;
    if (write(refusal.fd, EVENT_RESUME, strlen(EVENT_RESUME)) < 0)
        goto cleanup;
    for (i = 0; i < 500 && qemuMonitorEventPosition(mon) < 1; i++)
        g_usleep(10 * 1000);
    if (qemuMonitorEventPosition(mon) != 1) {
        printf("#   the first RESUME was not queued\n");
        goto cleanup;
    }
    peer = g_thread_new("later", testSendLater, &refusal);
    rc = qemuMonitorCont(mon);
    g_thread_join(peer);
    if (rc == 0 || !testErrorHas(VIR_ERR_OPERATION_FAILED, parts)) {
        printf("#   cont did not fail with QEMU's refusal\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(refusal.fd);
    return ret;
}

static gpointer
testWakeLater(gpointer opaque)
{
    g_usleep(100 * 1000);
    qemuMonitorWakeup(opaque);
    return NULL;
}

/* A wake-up (another thread, or a readable wake-up fd) ends the wait of
 * qemuMonitorNextEvent once; it is not lost when it comes before. */
static int
testWakeup(const void *opaque G_GNUC_UNUSED)
{
    const qemuMonitorEvent *ev;
    qemuMonitor *mon;
    GThread *thread;
    gint64 t0;
    guint pos = 0;
    int pipefd[2] = { -1, -1 };
    int peerfd = -1;
    int ret = -1;

    if (!(mon = testOpenPeer(&peerfd, NULL, 1000)))
        return -1;
    thread = g_thread_new("wake", testWakeLater, mon);
    t0 = g_get_monotonic_time();
    if (qemuMonitorNextEvent(mon, &pos, t0 + 10 * G_USEC_PER_SEC, &ev) != QEMU_MONITOR_WAIT_WOKEN ||
        g_get_monotonic_time() - t0 > 5 * G_USEC_PER_SEC) {
        g_thread_join(thread);
        goto cleanup;
    }
    g_thread_join(thread);
    /* consumed: the next wait times out */
    if (qemuMonitorNextEvent(mon, &pos, g_get_monotonic_time() + 50000, &ev) !=
        QEMU_MONITOR_WAIT_TIMEOUT)
        goto cleanup;
    /* a wake-up before the wait is kept */
    qemuMonitorWakeup(mon);
    if (qemuMonitorNextEvent(mon, &pos, 0, &ev) != QEMU_MONITOR_WAIT_WOKEN)
        goto cleanup;

    /* a wake-up fd: readable means wake up; the monitor drains it */
    if (!g_unix_open_pipe(pipefd, FD_CLOEXEC, NULL))
        goto cleanup;
    qemuMonitorAddWakeupFd(mon, pipefd[0]);
    if (write(pipefd[1], "x", 1) != 1)
        goto cleanup;
    t0 = g_get_monotonic_time();
    if (qemuMonitorNextEvent(mon, &pos, t0 + 10 * G_USEC_PER_SEC, &ev) != QEMU_MONITOR_WAIT_WOKEN ||
        g_get_monotonic_time() - t0 > 5 * G_USEC_PER_SEC)
        goto cleanup;
    if (qemuMonitorNextEvent(mon, &pos, g_get_monotonic_time() + 50000, &ev) !=
        QEMU_MONITOR_WAIT_TIMEOUT)
        goto cleanup;
    qemuMonitorRemoveWakeupFd(mon);
    /* removed: a write wakes nobody */
    if (write(pipefd[1], "x", 1) != 1 ||
        qemuMonitorNextEvent(mon, &pos, g_get_monotonic_time() + 100000, &ev) !=
        QEMU_MONITOR_WAIT_TIMEOUT)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    close(peerfd);
    if (pipefd[0] >= 0) {
        close(pipefd[0]);
        close(pipefd[1]);
    }
    return ret;
}

/* ------------------------------------------------------------------ */
/* Bounded waits on a QEMU that does not answer                        */
/* ------------------------------------------------------------------ */

/* A child that stands in for a QEMU: it exists, never answers. */
static GPid
testSpawnSleeper(void)
{
    const char *argv[] = { "/bin/sleep", "60", NULL };
    GPid pid = 0;

    if (!g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                       NULL, NULL, &pid, NULL))
        return 0;
    return pid;
}

static void
testReap(GPid pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* A command times out on a QEMU stopped with SIGSTOP: the error says it
 * is stopped (and a running one that does not answer is not called
 * stopped). */
static int
testTimeoutStopped(const void *opaque G_GNUC_UNUSED)
{
    const char *const stopped[] = {
        "QEMU of domain 'vm1' did not answer 'query-status' within 300 ms: the process is stopped (state T)",
        NULL
    };
    const char *const alive[] = {
        "QEMU of domain 'vm1' did not answer 'query-status' within 300 ms: the process is alive",
        NULL
    };
    qemuMonitorTarget target = { "vm1", 0 };
    qemuMonitorRunState state;
    qemuMonitor *mon = NULL;
    int peerfd = -1;
    int ret = -1;

    if ((target.pid = testSpawnSleeper()) == 0)
        return -1;
    if (!(mon = testOpenPeer(&peerfd, &target, 300)))
        goto cleanup;
    if (qemuMonitorQueryStatus(mon, &state) == 0 ||
        !testErrorHas(VIR_ERR_OPERATION_TIMEOUT, alive))
        goto cleanup;
    kill(target.pid, SIGSTOP);
    if (qemuMonitorQueryStatus(mon, &state) == 0 ||
        !testErrorHas(VIR_ERR_OPERATION_TIMEOUT, stopped))
        goto cleanup;
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    if (peerfd >= 0)
        close(peerfd);
    testReap(target.pid);
    return ret;
}

/* The connect to a monitor socket whose listener takes no more clients
 * (QEMU serves one, its backlog is full, or it is stopped) is bounded:
 * it fails after the timeout, saying so, instead of blocking for ever. */
static int
testConnectTimeout(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("qemumonitortest-XXXXXX", NULL);
    g_autofree char *path = dir ? g_build_filename(dir, "qmp.sock", NULL) : NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    const char *const parts[] = {
        "QEMU of domain 'vm1' did not accept a connection on its monitor",
        "within 300 ms: the process is stopped (state T)", NULL
    };
    qemuMonitorTarget target = { "vm1", 0 };
    qemuMonitor *mon = NULL;
    int listenfd = -1;
    int first = -1;
    gint64 waited;
    int ret = -1;

    if (!path || (target.pid = testSpawnSleeper()) == 0)
        goto cleanup;
    kill(target.pid, SIGSTOP);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    /* a backlog of one pending client, taken by a first connection */
    if ((listenfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(listenfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listenfd, 0) < 0 ||
        (first = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(first, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        goto cleanup;
    waited = g_get_monotonic_time();
    mon = qemuMonitorOpen(path, &target, 300);
    waited = (g_get_monotonic_time() - waited) / 1000;
    if (mon || !testErrorHas(VIR_ERR_OPERATION_TIMEOUT, parts))
        goto cleanup;
    if (waited < 250 || waited > 5000) {
        printf("#   the connect with a 300 ms bound took %lld ms\n", (long long)waited);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    if (first >= 0)
        close(first);
    if (listenfd >= 0)
        close(listenfd);
    if (path)
        unlink(path);
    if (dir)
        rmdir(dir);
    if (target.pid > 0)
        testReap(target.pid);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Recording                                                            */
/* ------------------------------------------------------------------ */

/* What a monitor records replays: the same commands against the
 * recording get the same answers. */
static int
testRecordReplay(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("qemumonitortest-XXXXXX", NULL);
    g_autofree char *path = dir ? g_build_filename(dir, "x.replies", NULL) : NULL;
    g_autoptr(GString) record = g_string_new(NULL);
    qemuMonitorTest *test = NULL;
    qemuMonitor *mon = testOpenRaw(OPENED
                                   "{\"return\": {\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 0}, \"package\": \"\"}, \"id\": 2}\r\n" NEXT
                                   "{\"return\": [{\"name\": \"failover\", \"type\": \"bool\"}], \"id\": 3}\r\n",
                                   false, &test);
    g_autofree char *package = NULL;
    g_auto(GStrv) props = NULL;
    unsigned long version = 0;
    int fd;
    int ret = -1;

    if (!mon || !path)
        goto cleanup;
    qemuMonitorSetRecord(mon, record);
    if (qemuMonitorQueryVersion(mon, &version, &package) < 0 ||
        qemuMonitorDeviceListProperties(mon, "virtio-net-pci", &props) < 0)
        goto cleanup;
    qemuMonitorSetRecord(mon, NULL);
    if (!strstr(record->str, "{\"execute\":\"device-list-properties\",\"arguments\":{\"typename\":\"virtio-net-pci\"}}\n\n")) {
        printf("#   recorded:\n%s\n", record->str);
        goto cleanup;
    }
    qemuMonitorClose(g_steal_pointer(&mon));
    qemuMonitorTestFree(g_steal_pointer(&test));
    g_clear_pointer(&props, g_strfreev);
    g_clear_pointer(&package, g_free);
    version = 0;

    if (!g_file_set_contents(path, record->str, -1, NULL) ||
        !(test = qemuMonitorTestNewReplay(path, &fd)) ||
        !(mon = qemuMonitorOpenFD(fd, NULL, 1000)) ||
        qemuMonitorQueryVersion(mon, &version, &package) < 0 ||
        qemuMonitorDeviceListProperties(mon, "virtio-net-pci", &props) < 0)
        goto cleanup;
    if (qemuMonitorTestError(test) || version != 7002000 ||
        !g_strv_contains((const char * const *)props, "failover")) {
        printf("#   replay: %s\n", NULLSTR(qemuMonitorTestError(test)));
        goto cleanup;
    }
    ret = 0;
 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    if (path)
        unlink(path);
    if (dir)
        rmdir(dir);
    return ret;
}

static int
mymain(void)
{
    const testArgsCase args[] = {
        { "set_link", testRunSetLink,
          "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"net0\",\"up\":false},\"id\":2}" },
        { "device_del", testRunDeviceDel,
          "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"hostdev0\"},\"id\":2}" },
        { "netdev_del (escaped)", testRunNetdevDel,
          "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"hostua-\\\"x\\\"\"},\"id\":2}" },
        { "device_add", testRunDeviceAdd,
          "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"virtio-net-pci\",\"id\":\"net1\",\"failover\":true,\"bootindex\":2},\"id\":2}" },
        { "netdev_add", testRunNetdevAdd,
          "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\",\"id\":\"hostnet1\"},\"id\":2}" },
        { "migrate", testRunMigrate,
          "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:/run/x.mig\"},\"id\":2}" },
        { "migrate-set-parameters", testRunBandwidth,
          "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"max-bandwidth\":33554432,\"tls-creds\":\"\",\"tls-hostname\":\"\"},\"id\":2}" },
        { "migrate-set-parameters speed and downtime", testRunMigrationTuning,
          "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"max-bandwidth\":104857600,\"downtime-limit\":400},\"id\":2}" },
        { "migrate-set-parameters post-copy speed", testRunPostcopyBandwidth,
          "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"max-postcopy-bandwidth\":52428800},\"id\":2}" },
        { "object-add tls-creds-x509", testRunAddTLSCreds,
          "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"tls-creds-x509\",\"id\":\"objmigtls0\",\"dir\":\"/etc/pki/qemu\",\"endpoint\":\"server\",\"verify-peer\":true},\"id\":2}" },
        { "migrate-set-capabilities", testRunMigrationCapabilities,
          "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{\"capability\":\"events\",\"state\":true},{\"capability\":\"return-path\",\"state\":true}]},\"id\":2}" },
        { "device-list-properties", testRunListProperties,
          "{\"execute\":\"device-list-properties\",\"arguments\":{\"typename\":\"virtio-net-pci\"},\"id\":2}" },
        { "cont", testRunCont, "{\"execute\":\"cont\",\"id\":2}" },
    };
    size_t i;

    virTestRun("no greeting: timeout", testNoGreeting, NULL);
    virTestRun("qmp_capabilities goes with the connection", testCapabilitiesWithConnection, NULL);
    virTestRun("a first command goes with the connection", testFirstWithConnection, NULL);
    virTestRun("a first command refused fails the open", testFirstRefused, NULL);
    virTestRun("EOF before greeting", testEOFBeforeGreeting, NULL);
    virTestRun("malformed JSON closes the connection", testMalformed, NULL);
    virTestRun("oversized message closes the connection", testOversized, NULL);
    virTestRun("command timeout", testTimeout, NULL);
    virTestRun("peer stopped reading: error, no SIGPIPE", testPeerStoppedReading, NULL);
    virTestRun("close ends the connection at once", testCloseEnds, NULL);
    virTestRun("no thread of its own: the waiting thread reads", testNoThread, NULL);
    for (i = 0; i < G_N_ELEMENTS(args); i++) {
        g_autofree char *title = g_strdup_printf("arguments of %s", args[i].name);

        virTestRun(title, testArgs, &args[i]);
    }
    virTestRun("migration set-up: four commands, one round trip", testSetupMigration, NULL);
    virTestRun("migration set-up: credentials QEMU has are only named", testSetupMigrationKeptTLS, NULL);
    virTestRun("migration set-up: the refusal that counts is reported", testSetupMigrationRefused, NULL);
    virTestRun("reply of query-status", testReplyStatus, NULL);
    virTestRun("reply of query-uuid", testReplyUUID, NULL);
    virTestRun("reply of query-migrate", testReplyMigrate, NULL);
    virTestRun("reply of query-migrate-parameters", testReplyMigrationTuning, NULL);
    virTestRun("reply of query-pci, behind bridges", testReplyPCI, NULL);
    virTestRun("replies of the capabilities probe", testReplyProbe, NULL);
    virTestRun("error reply", testReplyError, NULL);
    virTestRun("event queue: typed, in order, taken once", testEventQueue, NULL);
    virTestRun("event wait: the event came before the wait", testWaitEventBefore, NULL);
    virTestRun("event wait: the event comes during the wait", testWaitEventDuring, NULL);
    virTestRun("event find: one that came, without a wait", testFindEvent, NULL);
    virTestRun("cont: done at the RESUME event, its late reply dropped", testContSettled, NULL);
    virTestRun("cont: a RESUME from before it does not settle it", testContResumedBefore, NULL);
    virTestRun("event wait: the deadline passes", testWaitEventDeadline, NULL);
    virTestRun("event wait: QEMU goes away", testWaitEventClosed, NULL);
    virTestRun("wake-ups: a call and an fd", testWakeup, NULL);
    virTestRun("reply timeout names a stopped QEMU", testTimeoutStopped, NULL);
    virTestRun("connect is bounded", testConnectTimeout, NULL);
    virTestRun("a recording replays", testRecordReplay, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
