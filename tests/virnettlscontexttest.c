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

/* One handshake between a server and a client and what each side's
 * check must say: NULL for "passes" (for the server: and the client gets
 * the confirmation byte), else a text its error contains. */
typedef struct {
    const char *title;
    const char *const *dns;         /* server's tls_allowed_dn_list */
    bool serverNoVerify;
    const char *clientCA;
    const char *clientCert;         /* NULL: none */
    bool noSanity;
    bool noVerify;
    const char *hostname;
    const char *serverNeedle;
    const char *clientNeedle;
} testPairCase;

static int
testPair(const void *data)
{
    const testPairCase *tc = data;
    g_autoptr(virNetTLSContext) s = testServer(tc->dns, tc->serverNoVerify);
    g_autoptr(virNetTLSContext) c = testClient(tc->clientCA, tc->clientCert,
                                               tc->noSanity, tc->noVerify);
    testResult r;
    int ret = -1;

    if (!s || !c) {
        fprintf(stderr, "# contexts: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testHandshake(s, c, tc->hostname, &r) < 0)
        return -1;
    if (!r.done) {
        fprintf(stderr, "# no handshake: %s\n", NULLSTR(r.clientErr));
        goto cleanup;
    }
    if (tc->serverNeedle) {
        if (r.serverCheck == 0 || r.nbyte != 0) {
            fprintf(stderr, "# the server accepted the client (byte %zd)\n", r.nbyte);
            goto cleanup;
        }
        if (!testContains("server", r.serverErr, tc->serverNeedle))
            goto cleanup;
    } else if (r.serverCheck < 0 || r.nbyte != 1 || r.byte != 1) {
        fprintf(stderr, "# server check: %s, byte %zd\n", NULLSTR(r.serverErr), r.nbyte);
        goto cleanup;
    }
    if (tc->clientNeedle) {
        if (r.clientCheck == 0) {
            fprintf(stderr, "# the client accepted the server\n");
            goto cleanup;
        }
        if (!testContains("client", r.clientErr, tc->clientNeedle))
            goto cleanup;
    } else if (r.clientCheck < 0) {
        fprintf(stderr, "# client check: %s\n", NULLSTR(r.clientErr));
        goto cleanup;
    }
    ret = 0;
 cleanup:
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

/* Where each side looks for its files: libvirt's layout under a root,
 * pkipath=, and a user's ~/.pki/libvirt with its fallbacks. */
static int
testPaths(const void *data G_GNUC_UNUSED)
{
    virNetTLSFiles f = { 0 };
    g_autofree char *home = g_build_filename(certdir, "home", NULL);
    g_autofree char *pki = g_build_filename(home, ".pki", "libvirt", NULL);
    g_autofree char *ca = g_build_filename(pki, "cacert.pem", NULL);
    g_autofree char *cert = g_build_filename(pki, "clientcert.pem", NULL);
    g_autofree char *oldhome = g_strdup(g_getenv("HOME"));
    int ret = -1;

    virNetTLSFilesSystem(&f, "/r", true);
    if (STRNEQ(f.cacert, "/r/etc/pki/CA/cacert.pem") ||
        STRNEQ(f.cacrl, "/r/etc/pki/CA/cacrl.pem") ||
        STRNEQ(f.cert, "/r/etc/pki/libvirt/servercert.pem") ||
        STRNEQ(f.key, "/r/etc/pki/libvirt/private/serverkey.pem"))
        goto cleanup;
    virNetTLSFilesSystem(&f, NULL, false);
    if (STRNEQ(f.cacert, "/etc/pki/CA/cacert.pem") ||
        STRNEQ(f.cert, "/etc/pki/libvirt/clientcert.pem") ||
        STRNEQ(f.key, "/etc/pki/libvirt/private/clientkey.pem"))
        goto cleanup;
    virNetTLSFilesPKIPath(&f, "/p");
    if (STRNEQ(f.cacert, "/p/cacert.pem") || STRNEQ(f.cacrl, "/p/cacrl.pem") ||
        STRNEQ(f.cert, "/p/clientcert.pem") || STRNEQ(f.key, "/p/clientkey.pem"))
        goto cleanup;

    /* a user with a CA and a certificate without its key: the user's CA,
     * the system's certificate and key (only a pair counts) */
    if (g_mkdir_with_parents(pki, 0700) < 0 ||
        !g_file_set_contents(ca, "x", 1, NULL) || !g_file_set_contents(cert, "x", 1, NULL))
        goto cleanup;
    g_setenv("HOME", home, TRUE);
    virNetTLSFilesClientDefault(&f, false);
    if (STRNEQ(f.cacert, ca) || STRNEQ(f.cacrl, "/etc/pki/CA/cacrl.pem") ||
        STRNEQ(f.cert, "/etc/pki/libvirt/clientcert.pem"))
        goto cleanup;
    virNetTLSFilesClientDefault(&f, true);
    if (STRNEQ(f.cacert, "/etc/pki/CA/cacert.pem"))
        goto cleanup;

    /* a --root daemon's connections: its root's files, for root and
     * user alike, until the root is unset */
    virNetTLSSetClientPKIRoot("/r");
    virNetTLSFilesClientDefault(&f, true);
    if (STRNEQ(f.cacert, "/r/etc/pki/CA/cacert.pem") ||
        STRNEQ(f.cacrl, "/r/etc/pki/CA/cacrl.pem") ||
        STRNEQ(f.cert, "/r/etc/pki/libvirt/clientcert.pem") ||
        STRNEQ(f.key, "/r/etc/pki/libvirt/private/clientkey.pem"))
        goto cleanup;
    virNetTLSFilesClientDefault(&f, false);
    if (STRNEQ(f.cacert, "/r/etc/pki/CA/cacert.pem") ||
        STRNEQ(f.cert, "/r/etc/pki/libvirt/clientcert.pem"))
        goto cleanup;
    virNetTLSSetClientPKIRoot(NULL);
    virNetTLSFilesClientDefault(&f, false);
    if (STRNEQ(f.cacert, ca))
        goto cleanup;
    ret = 0;

 cleanup:
    if (ret < 0)
        fprintf(stderr, "# got %s %s %s %s\n", NULLSTR(f.cacert), NULLSTR(f.cacrl),
                NULLSTR(f.cert), NULLSTR(f.key));
    virNetTLSSetClientPKIRoot(NULL);
    if (oldhome)
        g_setenv("HOME", oldhome, TRUE);
    virNetTLSFilesClear(&f);
    return ret;
}

#define DN "C=GB,ST=London,L=London,O=Test"

static int
mymain(void)
{
    static const char *const onlyB[] = { DN ",CN=clientB*", NULL };
    static const char *const globs[] = { "C=XX,*", DN ",CN=client?", NULL };
    static const testLoadCase loads[] = {
        { "ca", "expired", "expired on 2020-01-01" },
        { "ca", "future", "is not valid before 2036-01-01" },
        { "ca", "wrongca", "is not signed by a CA of" },
        { "ca", "server", "without TLS WWW client" },
    };
    static const testPairCase pairs[] = {
        { "good pair: both checks pass, confirmation byte",
          NULL, false, "ca", "client", false, false, "127.0.0.1", NULL, NULL },
        { "server refuses an expired client certificate",
          NULL, false, "ca", "expired", true, false, "127.0.0.1",
          "the client certificate '" DN ",CN=clientA' expired on 2020-01-01 00:00:00 UTC", NULL },
        { "server refuses a client certificate not valid yet",
          NULL, false, "ca", "future", true, false, "127.0.0.1",
          "is not valid before 2036-01-01", NULL },
        { "server refuses a client certificate of another CA",
          NULL, false, "ca", "wrongca", true, false, "127.0.0.1",
          "the client sent no certificate", NULL },
        { "server refuses a client without certificate",
          NULL, false, "ca", NULL, false, false, "127.0.0.1",
          "the client sent no certificate", NULL },
        { "server refuses a server certificate used by a client",
          NULL, false, "ca", "server", true, false, "127.0.0.1",
          "without TLS WWW client", NULL },
        { "server refuses a DN not in tls_allowed_dn_list",
          onlyB, false, "ca", "client", false, false, "127.0.0.1",
          "client DN '" DN ",CN=clientA' is not in tls_allowed_dn_list", NULL },
        { "tls_allowed_dn_list glob admits",
          globs, false, "ca", "client", false, false, "127.0.0.1", NULL, NULL },
        { "tls_no_verify_certificate admits an expired client",
          NULL, true, "ca", "expired", true, false, "127.0.0.1", NULL, NULL },
        { "client refuses a server that does not name the host",
          NULL, false, "ca", "client", false, false, "localhost", NULL,
          "the server certificate '" DN ",CN=127.0.0.1' does not match the host name 'localhost'" },
        { "no_verify admits a host name mismatch",
          NULL, false, "ca", "client", false, true, "localhost", NULL, NULL },
        { "client refuses a server of another CA",
          NULL, false, "otherca", NULL, false, false, "127.0.0.1",
          "the client sent no certificate", "is not signed by a CA of" },
    };
    size_t i;

    certdir = g_getenv("TLS_CERT_DIR");
    if (!certdir) {
        printf("1..0 # SKIP TLS_CERT_DIR not set (run through virnettlscontexttest.sh)\n");
        return 0;
    }
    for (i = 0; i < G_N_ELEMENTS(pairs); i++)
        virTestRun(pairs[i].title, testPair, &pairs[i]);
    for (i = 0; i < G_N_ELEMENTS(loads); i++) {
        g_autofree char *t = g_strdup_printf("client refuses to load %s.pem", loads[i].name);

        virTestRun(t, testLoadFails, &loads[i]);
    }
    virTestRun("server files and priority", testServerFiles, NULL);
    virTestRun("file paths", testPaths, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
