/*
 * virnettlscontexttest.c: TLS credentials and the certificate checks of
 * both sides, with certificates made by certtool for this run
 * (virnettlscontexttest.sh makes them in the directory given as argv[1]):
 *
 *   ca.pem           the CA; otherca.pem another CA
 *   server.pem       TLS WWW server, CN and IP 127.0.0.1
 *   client.pem       TLS WWW client, CN clientA
 *   expired.pem      client, expired in 2020
 *   future.pem       client, valid from 2036
 *   wrongca.pem      client signed by otherca
 *   NAME-key.pem     the key of each
 *
 * Each case runs a real handshake between a server and a client session
 * over a socketpair (both non-blocking, driven in turn as an event loop
 * would), then the checks of each side.
 */
#include "internal.h"

#include <poll.h>
#include <sys/socket.h>

#include "testutils.h"
#include "virerror.h"
#include "virnettlscontext.h"
#include "virnetsocket.h"

static const char *certdir;

static void
testFiles(virNetTLSFiles *files, const char *ca, const char *name)
{
    files->cacert = g_strdup_printf("%s/%s.pem", certdir, ca);
    files->cacrl = g_strdup_printf("%s/none-crl.pem", certdir);
    files->cert = name ? g_strdup_printf("%s/%s.pem", certdir, name) :
        g_strdup_printf("%s/none.pem", certdir);
    files->key = name ? g_strdup_printf("%s/%s-key.pem", certdir, name) :
        g_strdup_printf("%s/none-key.pem", certdir);
}

static virNetTLSContext *
testServer(const char *const *dns, bool noVerify)
{
    virNetTLSFiles files = { 0 };
    virNetTLSContext *ctx;

    testFiles(&files, "ca", "server");
    ctx = virNetTLSContextNewServer(&files, dns, NULL, false, noVerify);
    virNetTLSFilesClear(&files);
    if (!ctx)
        fprintf(stderr, "# server context: %s\n", virGetLastErrorMessage());
    return ctx;
}

static virNetTLSContext *
testClient(const char *ca, const char *name, bool noSanity, bool noVerify)
{
    virNetTLSFiles files = { 0 };
    virNetTLSContext *ctx;

    testFiles(&files, ca, name);
    ctx = virNetTLSContextNewClient(&files, NULL, noSanity, noVerify);
    virNetTLSFilesClear(&files);
    return ctx;
}

/* What a handshake between @srvctx and @cltctx ended with. */
typedef struct {
    bool done;              /* both handshakes completed */
    int serverCheck;        /* the server's check of the client */
    int clientCheck;        /* the client's check of the server */
    char *serverErr;
    char *clientErr;
    char byte;              /* what the client read after the checks */
    ssize_t nbyte;
} testResult;

static void
testResultClear(testResult *r)
{
    g_free(r->serverErr);
    g_free(r->clientErr);
}

/* The handshake of both sides, driven in turn (no thread, no blocking
 * call); then the checks, and the confirmation byte from the server when
 * its check passed. */
static int
testHandshake(virNetTLSContext *srvctx, virNetTLSContext *cltctx,
              const char *hostname, testResult *r)
{
    int sv[2];
    g_autoptr(virNetTLSSession) srv = NULL;
    g_autoptr(virNetTLSSession) clt = NULL;
    int srvDone = 0;
    int cltDone = 0;
    int i;

    memset(r, 0, sizeof(*r));
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    srv = virNetTLSSessionNew(srvctx, sv[0], NULL);
    clt = virNetTLSSessionNew(cltctx, sv[1], hostname);
    if (!srv || !clt)
        goto cleanup;

    for (i = 0; i < 5000 && (srvDone == 0 || cltDone == 0); i++) {
        struct pollfd pfd[2] = {
            { .fd = sv[0], .events = virNetTLSSessionWantsWrite(srv) ? POLLOUT : POLLIN },
            { .fd = sv[1], .events = virNetTLSSessionWantsWrite(clt) ? POLLOUT : POLLIN },
        };

        if (cltDone == 0 && (cltDone = virNetTLSSessionHandshake(clt)) < 0)
            break;
        if (srvDone == 0 && (srvDone = virNetTLSSessionHandshake(srv)) < 0)
            break;
        if (srvDone == 0 || cltDone == 0)
            poll(pfd, 2, 10);
    }
    if (srvDone <= 0 || cltDone <= 0) {
        r->clientErr = g_strdup(virGetLastErrorMessage());
        virResetLastError();
        goto cleanup;
    }
    r->done = true;

    if ((r->clientCheck = virNetTLSSessionCheckPeer(clt)) < 0)
        r->clientErr = g_strdup(virGetLastErrorMessage());
    virResetLastError();
    if ((r->serverCheck = virNetTLSSessionCheckPeer(srv)) < 0) {
        r->serverErr = g_strdup(virGetLastErrorMessage());
        virResetLastError();
    } else {
        const char one = 1;

        if (virNetSocketWrite(sv[0], srv, &one, 1) != 1)
            goto cleanup;
        for (i = 0; i < 500; i++) {
            r->nbyte = virNetSocketRead(sv[1], clt, &r->byte, 1);
            if (r->nbyte >= 0 || errno != EAGAIN)
                break;
            g_usleep(1000);
        }
    }

 cleanup:
    virResetLastError();
    g_clear_pointer(&srv, virNetTLSSessionFree);
    g_clear_pointer(&clt, virNetTLSSessionFree);
    close(sv[0]);
    close(sv[1]);
    return 0;
}

static bool
testContains(const char *what, const char *text, const char *needle)
{
    if (text && strstr(text, needle))
        return true;
    fprintf(stderr, "# %s: expected '%s' in: %s\n", what, needle, NULLSTR(text));
    return false;
}

/* Good pair: both checks pass, the server's DN is seen, the byte
 * arrives through TLS. */
static int
testGood(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virNetTLSContext) s = testServer(NULL, false);
    g_autoptr(virNetTLSContext) c = testClient("ca", "client", false, false);
    testResult r;
    int ret = -1;

    if (!s || !c || testHandshake(s, c, "127.0.0.1", &r) < 0)
        return -1;
    if (r.done && r.clientCheck == 0 && r.serverCheck == 0 && r.nbyte == 1 && r.byte == 1)
        ret = 0;
    else
        fprintf(stderr, "# done %d client %d (%s) server %d (%s) byte %zd\n", r.done,
                r.clientCheck, NULLSTR(r.clientErr), r.serverCheck, NULLSTR(r.serverErr),
                r.nbyte);
    testResultClear(&r);
    return ret;
}

/* Loading our own bad certificate fails with the file and the reason. */
typedef struct {
    const char *ca;
    const char *name;
    const char *needle;
} testLoadCase;

static int
testLoadFails(const void *data)
{
    const testLoadCase *tc = data;
    g_autoptr(virNetTLSContext) c = testClient(tc->ca, tc->name, false, false);
    g_autofree char *path = g_strdup_printf("%s/%s.pem", certdir, tc->name);

    if (c) {
        fprintf(stderr, "# client context with %s loaded\n", tc->name);
        return -1;
    }
    if (!testContains("load", virGetLastErrorMessage(), path) ||
        virTestExpectError(tc->name, tc->needle) < 0)
        return -1;
    return 0;
}

/* The server refuses a bad client certificate (the client skips its own
 * checks, as no_sanity=1) and sends no confirmation byte. */
static int
testServerRefuses(const void *data)
{
    const testLoadCase *tc = data;
    const char *const dns[] = { "C=GB,ST=London,L=London,O=Test,CN=clientB*", NULL };
    g_autoptr(virNetTLSContext) s = testServer(tc->ca ? NULL : dns, false);
    g_autoptr(virNetTLSContext) c = testClient("ca", tc->name, true, false);
    testResult r;
    int ret = -1;

    if (!s || !c || testHandshake(s, c, "127.0.0.1", &r) < 0)
        return -1;
    if (r.done && r.serverCheck < 0 && r.nbyte == 0 &&
        testContains("server", r.serverErr, tc->needle))
        ret = 0;
    else if (!r.done || r.serverCheck == 0)
        fprintf(stderr, "# done %d server check %d (%s) %s\n", r.done, r.serverCheck,
                NULLSTR(r.serverErr), NULLSTR(r.clientErr));
    testResultClear(&r);
    return ret;
}

/* tls_allowed_dn_list: a glob that matches lets the client in. */
static int
testDNAllowed(const void *data G_GNUC_UNUSED)
{
    const char *const dns[] = { "C=XX,*", "C=GB,ST=London,L=London,O=Test,CN=client?", NULL };
    g_autoptr(virNetTLSContext) s = testServer(dns, false);
    g_autoptr(virNetTLSContext) c = testClient("ca", "client", false, false);
    testResult r;
    int ret = -1;

    if (!s || !c || testHandshake(s, c, "127.0.0.1", &r) < 0)
        return -1;
    if (r.done && r.serverCheck == 0 && r.nbyte == 1)
        ret = 0;
    else
        fprintf(stderr, "# server check %d (%s)\n", r.serverCheck, NULLSTR(r.serverErr));
    testResultClear(&r);
    return ret;
}

/* tls_no_verify_certificate=1: an expired client certificate passes. */
static int
testServerNoVerify(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virNetTLSContext) s = testServer(NULL, true);
    g_autoptr(virNetTLSContext) c = testClient("ca", "expired", true, false);
    testResult r;
    int ret = -1;

    if (!s || !c || testHandshake(s, c, "127.0.0.1", &r) < 0)
        return -1;
    if (r.done && r.serverCheck == 0 && r.nbyte == 1)
        ret = 0;
    testResultClear(&r);
    return ret;
}

/* The client refuses a server certificate that does not name the host;
 * no_verify=1 makes it a warning. */
static int
testHostname(const void *data)
{
    bool noVerify = *(const bool *)data;
    g_autoptr(virNetTLSContext) s = testServer(NULL, false);
    g_autoptr(virNetTLSContext) c = testClient("ca", "client", false, noVerify);
    testResult r;
    int ret = -1;

    if (!s || !c || testHandshake(s, c, "localhost", &r) < 0)
        return -1;
    if (!r.done)
        goto cleanup;
    if (noVerify)
        ret = r.clientCheck == 0 ? 0 : -1;
    else if (r.clientCheck < 0 &&
             testContains("client", r.clientErr, "does not match the host name 'localhost'"))
        ret = 0;
 cleanup:
    testResultClear(&r);
    return ret;
}

/* The client refuses a server whose CA it does not trust. */
static int
testWrongServerCA(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virNetTLSContext) s = testServer(NULL, false);
    g_autoptr(virNetTLSContext) c = testClient("otherca", NULL, false, false);
    testResult r;
    int ret = -1;

    if (!s || !c || testHandshake(s, c, "127.0.0.1", &r) < 0)
        return -1;
    if (r.done && r.clientCheck < 0 &&
        testContains("client", r.clientErr, "is not signed by a CA of"))
        ret = 0;
    testResultClear(&r);
    return ret;
}

/* Missing server files and a bad priority are errors naming them. */
static int
testServerFiles(const void *data G_GNUC_UNUSED)
{
    virNetTLSFiles files = { 0 };
    g_autoptr(virNetTLSContext) ctx = NULL;
    g_autofree char *key = NULL;
    int ret = -1;

    testFiles(&files, "ca", "server");
    key = g_steal_pointer(&files.key);
    files.key = g_strdup_printf("%s/missing-key.pem", certdir);
    if ((ctx = virNetTLSContextNewServer(&files, NULL, NULL, false, false)) ||
        virTestExpectError("missing key", "missing-key.pem") < 0)
        goto cleanup;
    g_free(files.key);
    files.key = g_steal_pointer(&key);
    if ((ctx = virNetTLSContextNewServer(&files, NULL, "NORMAL:+NOSUCHTHING", false, false)) ||
        virTestExpectError("bad priority", "tls_priority 'NORMAL:+NOSUCHTHING'") < 0)
        goto cleanup;
    /* and the same files with the defaults load */
    if (!(ctx = virNetTLSContextNewServer(&files, NULL, "NORMAL", false, false)))
        goto cleanup;
    ret = 0;
 cleanup:
    virNetTLSFilesClear(&files);
    return ret;
}

static int
mymain(void)
{
    static const bool yes = true;
    static const bool no = false;
    static const testLoadCase loads[] = {
        { "ca", "expired", "expired on 2020-01-01" },
        { "ca", "future", "is not valid before 2036-01-01" },
        { "ca", "wrongca", "is not signed by a CA of" },
        { "ca", "server", "without TLS WWW client" },
    };
    static const testLoadCase refusals[] = {
        { "ca", "expired", "the client certificate 'C=GB,ST=London,L=London,O=Test,CN=clientA' expired on 2020-01-01" },
        { "ca", "future", "is not valid before 2036-01-01" },
        { "ca", "wrongca", "the client sent no certificate" },
        { "ca", "server", "without TLS WWW client" },
        { NULL, "client", "client DN 'C=GB,ST=London,L=London,O=Test,CN=clientA' is not in tls_allowed_dn_list" },
    };
    size_t i;

    certdir = g_getenv("TLS_CERT_DIR");
    if (!certdir) {
        printf("1..0 # SKIP TLS_CERT_DIR not set (run through virnettlscontexttest.sh)\n");
        return 0;
    }
    virTestRun("good pair: both checks pass, confirmation byte", testGood, NULL);
    for (i = 0; i < G_N_ELEMENTS(loads); i++) {
        g_autofree char *t = g_strdup_printf("client refuses to load %s.pem", loads[i].name);

        virTestRun(t, testLoadFails, &loads[i]);
    }
    for (i = 0; i < G_N_ELEMENTS(refusals); i++) {
        g_autofree char *t = g_strdup_printf("server refuses %s.pem%s", refusals[i].name,
                                             refusals[i].ca ? "" : " (DN not allowed)");

        virTestRun(t, testServerRefuses, &refusals[i]);
    }
    virTestRun("tls_allowed_dn_list glob admits", testDNAllowed, NULL);
    virTestRun("tls_no_verify_certificate admits expired", testServerNoVerify, NULL);
    virTestRun("hostname mismatch refused", testHostname, &no);
    virTestRun("hostname mismatch with no_verify", testHostname, &yes);
    virTestRun("server of another CA refused", testWrongServerCA, NULL);
    virTestRun("server files and priority", testServerFiles, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
