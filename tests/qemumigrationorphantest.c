/*
 * qemumigrationorphantest.c: a client that drives a migration phase by
 * phase (virDomainMigrate3, Debian's virsh without --p2p) and goes away
 * between two phases leaves no job behind
 *
 * Two embedded roots in this process, a plain guest (real QEMU, paused
 * at boot, no disk) running on A. The source's begin, then its
 * connection closed: the guest still runs on A with no job, and a new
 * migration can begin. The destination's prepare, then its connection
 * closed: the incoming guest is gone from B, its QEMU with it, and the
 * port it listened on is free for the next prepare. And a destination
 * whose QEMU fails to start after prepare answered (it starts while the
 * source goes on): the migration fails, the guest stays on A as it was,
 * nothing of it is left on B.
 */
#include "internal.h"

#include <signal.h>

#include "driver.h"
#include "testutils.h"
#include "virfile.h"
#include "virstring.h"

#define DOM_XML \
    "<domain type='qemu'>" \
    "  <name>orphan</name>" \
    "  <uuid>7d3e0c2a-4b1f-4c6e-8a9d-0e1f2a3b4c01</uuid>" \
    "  <memory unit='MiB'>64</memory>" \
    "  <os><type arch='x86_64' machine='pc'>hvm</type></os>" \
    "  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>" \
    "</domain>"

static char *base;

static void
testQuietErrors(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}
static char *uriA;
static char *uriB;

static int
testOpenDomain(const char *uri, virConnectPtr *conn, virDomainPtr *dom)
{
    if (!(*conn = virConnectOpen(uri)))
        return -1;
    if (!(*dom = virDomainLookupByName(*conn, "orphan"))) {
        virConnectClose(*conn);
        *conn = NULL;
        return -1;
    }
    return 0;
}

static bool
testFileGone(void *opaque)
{
    return !virFileExists(opaque);
}

static bool
testDomainGone(void *opaque)
{
    virDomainPtr ddom = virDomainLookupByName(opaque, "orphan");

    virResetLastError();
    if (!ddom)
        return true;
    virDomainFree(ddom);
    return false;
}

/* Is @done true within 10 s? */
static bool
testWaitFor(bool (*done)(void *opaque), void *opaque)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (!done(opaque)) {
        if (g_get_monotonic_time() > deadline)
            return false;
        g_usleep(20 * 1000);
    }
    return true;
}

/* Begin on A, then A's connection goes: A rolls back. */
static int
testSourceOrphaned(const void *data G_GNUC_UNUSED)
{
    virConnectPtr conn = NULL;
    virDomainPtr dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *cookie = NULL;
    g_autofree char *xml2 = NULL;
    g_autofree char *cookie2 = NULL;
    g_autofree char *record = g_build_filename(base, "A", "run", "qemu", "orphan.job", NULL);
    int cookielen = 0;
    int state = -1;
    int ret = -1;

    if (testOpenDomain(uriA, &conn, &dom) < 0)
        return -1;
    if (!(xml = virDomainMigrateBegin3Params(dom, NULL, 0, &cookie, &cookielen,
                                             VIR_MIGRATE_LIVE))) {
        fprintf(stderr, "begin: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (!virFileExists(record)) {
        fprintf(stderr, "begin wrote no record %s\n", record);
        goto cleanup;
    }
    /* the client goes away */
    virDomainFree(dom);
    virConnectClose(conn);
    dom = NULL;
    conn = NULL;

    /* the rollback runs in a thread of the driver: bounded wait */
    if (!testWaitFor(testFileGone, record)) {
        fprintf(stderr, "the record %s is still there\n", record);
        goto cleanup;
    }
    if (testOpenDomain(uriA, &conn, &dom) < 0 ||
        virDomainGetState(dom, &state, NULL, 0) < 0 || state != VIR_DOMAIN_PAUSED) {
        fprintf(stderr, "the guest on A is not paused as it was (state %d): %s\n", state,
                virGetLastErrorMessage());
        goto cleanup;
    }
    /* nothing of the first job is left: another begins */
    if (!(xml2 = virDomainMigrateBegin3Params(dom, NULL, 0, &cookie2, &cookielen,
                                              VIR_MIGRATE_LIVE))) {
        fprintf(stderr, "second begin: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (virDomainMigrateConfirm3Params(dom, NULL, 0, NULL, 0, VIR_MIGRATE_LIVE, 1) < 0) {
        fprintf(stderr, "confirm: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    return ret;
}

/* One prepare on B for the guest of A: its URI (freed by the caller). */
static char *
testPrepare(virConnectPtr dconn, const char *migrateURI)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int maxparams = 0;
    g_autofree char *cookie = NULL;
    int cookielen = 0;
    char *uri = NULL;

    virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_DEST_XML, DOM_XML);
    if (migrateURI)
        virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_URI,
                                migrateURI);
    if (virDomainMigratePrepare3Params(dconn, params, nparams, NULL, 0, &cookie, &cookielen,
                                       &uri, VIR_MIGRATE_LIVE) < 0)
        fprintf(stderr, "prepare: %s\n", virGetLastErrorMessage());
    virTypedParamsFree(params, nparams);
    return uri;
}

/* The pid of a QEMU of the guest started with -incoming, or 0. A QEMU
 * spawned a moment ago may not show its command line yet: the kernel
 * lets posix_spawn's caller go on once the child's new memory is in
 * place, before the arguments are set in it. */
static long long
testIncomingQEMU(void)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *entry;

    while (proc && (entry = g_dir_read_name(proc))) {
        g_autofree char *path = g_build_filename("/proc", entry, "cmdline", NULL);
        g_autofree char *cmdline = NULL;
        gsize len = 0;
        long long pid;
        gsize i;

        if (virStrToLong_ll(entry, NULL, 10, &pid) < 0 ||
            !g_file_get_contents(path, &cmdline, &len, NULL))
            continue;
        for (i = 0; i + 1 < len; i++) {
            if (cmdline[i] == '\0')
                cmdline[i] = ' ';
        }
        if (strstr(cmdline, "7d3e0c2a-4b1f-4c6e-8a9d-0e1f2a3b4c01") &&
            strstr(cmdline, "-incoming"))
            return pid;
    }
    return 0;
}

/* testWaitFor: the incoming QEMU shows, its pid in *@opaque */
static bool
testIncomingQEMUShows(void *opaque)
{
    long long *pid = opaque;

    return (*pid = testIncomingQEMU()) != 0;
}

/* Prepare on B, then B's connection goes: B drops the incoming guest. */
static int
testDestinationOrphaned(const void *data G_GNUC_UNUSED)
{
    virConnectPtr keep;
    virConnectPtr dconn = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *again = NULL;
    long long pid;
    int ret = -1;

    /* B's driver stays (a driver that goes recovers its jobs anyway):
     * only the connection that prepared closes */
    if (!(keep = virConnectOpen(uriB)))
        return -1;
    if (!(dconn = virConnectOpen(uriB))) {
        virConnectClose(keep);
        return -1;
    }
    /* a TCP port of the range, so that its release shows */
    if (!(uri = testPrepare(dconn, "tcp://127.0.0.1"))) {
        virConnectClose(dconn);
        dconn = NULL;
        goto cleanup;
    }
    if (!testWaitFor(testIncomingQEMUShows, &pid)) {
        fprintf(stderr, "no incoming QEMU on B after prepare to %s\n", uri);
        virConnectClose(dconn);
        dconn = NULL;
        goto cleanup;
    }
    virConnectClose(dconn);
    dconn = keep;
    keep = NULL;

    if (!testWaitFor(testDomainGone, dconn)) {
        fprintf(stderr, "the incoming domain is still on B\n");
        goto cleanup;
    }
    if (testIncomingQEMU() == pid) {
        fprintf(stderr, "the incoming QEMU %lld still runs\n", pid);
        goto cleanup;
    }
    /* the port is free again: the next prepare gets the same URI */
    if (!(again = testPrepare(dconn, "tcp://127.0.0.1")))
        goto cleanup;
    if (STRNEQ(again, uri)) {
        fprintf(stderr, "second prepare got %s, not the released %s\n", again, uri);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (dconn)
        virConnectClose(dconn);
    if (keep)
        virConnectClose(keep);
    return ret;
}

/* B's QEMU cannot open the serial file of the definition B is given
 * (VIR_MIGRATE_PARAM_DEST_XML), so it exits after prepare answered. */
static int
testDestinationStartFails(const void *data G_GNUC_UNUSED)
{
    virConnectPtr conn = NULL;
    virConnectPtr dconn = NULL;
    virDomainPtr dom = NULL;
    virDomainPtr ddom;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int maxparams = 0;
    g_autofree char *serial = g_strdup_printf("<serial type='file'><source path='%s/no-such-dir/serial.log'/></serial></devices>",
                                              base);
    g_autofree char *dxml = NULL;
    g_autofree char *log = g_build_filename(base, "B", "log", "orphan.log", NULL);
    g_autofree char *content = NULL;
    g_auto(GStrv) parts = g_strsplit(DOM_XML, "</devices>", 2);
    int state = -1;
    int ret = -1;

    dxml = g_strjoinv(serial, parts);
    if (testOpenDomain(uriA, &conn, &dom) < 0 || !(dconn = virConnectOpen(uriB)))
        goto cleanup;
    virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_DEST_XML, dxml);
    /* over TCP: the connection waits in the backlog of B's socket */
    virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_URI,
                            "tcp://127.0.0.1");
    if ((ddom = virDomainMigrate3(dom, dconn, params, nparams, VIR_MIGRATE_LIVE))) {
        fprintf(stderr, "the migration succeeded\n");
        virDomainFree(ddom);
        goto cleanup;
    }
    fprintf(stderr, "# migration error: %s\n", virGetLastErrorMessage());
    virResetLastError();
    /* the reason is B's QEMU's own, in B's log of the attempt */
    if (!g_file_get_contents(log, &content, NULL, NULL) || !strstr(content, "no-such-dir")) {
        fprintf(stderr, "B's log %s does not say why its QEMU failed\n", log);
        goto cleanup;
    }
    if (virDomainGetState(dom, &state, NULL, 0) < 0 || state != VIR_DOMAIN_PAUSED) {
        fprintf(stderr, "the guest on A is not paused as it was (state %d): %s\n", state,
                virGetLastErrorMessage());
        goto cleanup;
    }
    if ((ddom = virDomainLookupByName(dconn, "orphan"))) {
        fprintf(stderr, "the incoming domain is still on B\n");
        virDomainFree(ddom);
        goto cleanup;
    }
    virResetLastError();
    if (testIncomingQEMU()) {
        fprintf(stderr, "an incoming QEMU still runs on B\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    virTypedParamsFree(params, nparams);
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    if (dconn)
        virConnectClose(dconn);
    return ret;
}

static void
testDestroy(const char *uri)
{
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;

    if (conn && (dom = virDomainLookupByName(conn, "orphan"))) {
        virDomainDestroy(dom);
        virDomainFree(dom);
    }
    if (conn)
        virConnectClose(conn);
    virResetLastError();
}

static int
mymain(void)
{
    g_autofree char *dirA = NULL;
    g_autofree char *dirB = NULL;
    g_autoptr(GError) err = NULL;
    virConnectPtr conn;
    virDomainPtr dom;

    if (!g_file_test("/usr/bin/qemu-system-x86_64", G_FILE_TEST_IS_EXECUTABLE)) {
        printf("# no /usr/bin/qemu-system-x86_64\n");
        exit(77);
    }
    virSetErrorFunc(NULL, testQuietErrors);
    if (!(base = g_dir_make_tmp("migorphan.XXXXXX", &err)))
        return -1;
    dirA = g_build_filename(base, "A", NULL);
    dirB = g_build_filename(base, "B", NULL);
    uriA = g_strdup_printf("qemu:///embed?root=%s", dirA);
    uriB = g_strdup_printf("qemu:///embed?root=%s", dirB);

    if (!(conn = virConnectOpen(uriA)) ||
        !(dom = virDomainCreateXML(conn, DOM_XML, VIR_DOMAIN_START_PAUSED))) {
        fprintf(stderr, "guest on A: %s\n", virGetLastErrorMessage());
        virFileDeleteTree(base);
        return -1;
    }
    virDomainFree(dom);

    virTestRun("source: client gone after begin, A rolls back", testSourceOrphaned, NULL);
    virTestRun("destination: client gone after prepare, B drops the incoming guest",
               testDestinationOrphaned, NULL);
    virTestRun("destination: its QEMU fails to start after prepare, the guest stays on A",
               testDestinationStartFails, NULL);

    virConnectClose(conn);
    testDestroy(uriA);
    testDestroy(uriB);
    if (!getenv("KEEP"))
        virFileDeleteTree(base);
    return 0;
}

VIR_TEST_MAIN(mymain)
