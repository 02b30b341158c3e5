/*
 * virnettlscontext.c: TLS credentials and certificate checks (GnuTLS)
 */
#include "internal.h"

#include <sys/socket.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "virnettlscontext.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* At most this many CA certificates of the CA file are checked at load. */
#define VIR_NET_TLS_MAX_CA 16

struct _virNetTLSContext {
    gint refs;
    bool server;
    bool noVerify;
    char *cacert;
    char *cacrl;                /* NULL: none */
    GStrv allowedDNs;           /* NULL: any */
    gnutls_certificate_credentials_t creds;
    gnutls_priority_t priority;
};

struct _virNetTLSSession {
    virNetTLSContext *ctx;
    gnutls_session_t session;
    int fd;
    char *hostname;
    char *peerDN;
};


/* Files */

void
virNetTLSFilesClear(virNetTLSFiles *files)
{
    g_clear_pointer(&files->cacert, g_free);
    g_clear_pointer(&files->cacrl, g_free);
    g_clear_pointer(&files->cert, g_free);
    g_clear_pointer(&files->key, g_free);
}

void
virNetTLSFilesSystem(virNetTLSFiles *files, const char *root, bool server)
{
    const char *side = server ? "server" : "client";
    g_autofree char *certname = g_strdup_printf("%scert.pem", side);
    g_autofree char *keyname = g_strdup_printf("%skey.pem", side);

    if (!root || !*root)
        root = "/";
    virNetTLSFilesClear(files);
    files->cacert = g_build_filename(root, "etc", "pki", "CA", "cacert.pem", NULL);
    files->cacrl = g_build_filename(root, "etc", "pki", "CA", "cacrl.pem", NULL);
    files->cert = g_build_filename(root, "etc", "pki", "libvirt", certname, NULL);
    files->key = g_build_filename(root, "etc", "pki", "libvirt", "private", keyname, NULL);
}

static GMutex virNetTLSClientPKIRootLock;
static char *virNetTLSClientPKIRoot;

void
virNetTLSSetClientPKIRoot(const char *root)
{
    g_mutex_lock(&virNetTLSClientPKIRootLock);
    g_free(virNetTLSClientPKIRoot);
    virNetTLSClientPKIRoot = g_strdup(root);
    g_mutex_unlock(&virNetTLSClientPKIRootLock);
}

void
virNetTLSFilesClientDefault(virNetTLSFiles *files, bool privileged)
{
    g_autofree char *dir = NULL;
    g_autofree char *cert = NULL;
    g_autofree char *key = NULL;
    g_autofree char *cacert = NULL;
    g_autofree char *cacrl = NULL;
    g_autofree char *root = NULL;

    g_mutex_lock(&virNetTLSClientPKIRootLock);
    root = g_strdup(virNetTLSClientPKIRoot);
    g_mutex_unlock(&virNetTLSClientPKIRootLock);
    virNetTLSFilesSystem(files, root, false);
    if (privileged || root)
        return;
    dir = g_build_filename(g_get_home_dir(), ".pki", "libvirt", NULL);
    cacert = g_build_filename(dir, "cacert.pem", NULL);
    cacrl = g_build_filename(dir, "cacrl.pem", NULL);
    cert = g_build_filename(dir, "clientcert.pem", NULL);
    key = g_build_filename(dir, "clientkey.pem", NULL);
    if (virFileExists(cacert)) {
        g_free(files->cacert);
        files->cacert = g_steal_pointer(&cacert);
    }
    if (virFileExists(cacrl)) {
        g_free(files->cacrl);
        files->cacrl = g_steal_pointer(&cacrl);
    }
    if (virFileExists(cert) && virFileExists(key)) {
        g_free(files->cert);
        g_free(files->key);
        files->cert = g_steal_pointer(&cert);
        files->key = g_steal_pointer(&key);
    }
}

void
virNetTLSFilesPKIPath(virNetTLSFiles *files, const char *dir)
{
    virNetTLSFilesClear(files);
    files->cacert = g_build_filename(dir, "cacert.pem", NULL);
    files->cacrl = g_build_filename(dir, "cacrl.pem", NULL);
    files->cert = g_build_filename(dir, "clientcert.pem", NULL);
    files->key = g_build_filename(dir, "clientkey.pem", NULL);
}


/* Certificate checks */

static char *
virNetTLSFormatTime(time_t t)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

    if (!dt)
        return g_strdup_printf("%lld", (long long)t);
    return g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC");
}

/* @what names the certificate in messages ("certificate 'PATH'", "the
 * client certificate 'DN'"). */
static int
virNetTLSCheckDates(gnutls_x509_crt_t cert, const char *what, time_t now)
{
    time_t expires = gnutls_x509_crt_get_expiration_time(cert);
    time_t starts = gnutls_x509_crt_get_activation_time(cert);

    if (expires == (time_t)-1 || starts == (time_t)-1) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot read the validity dates of %s"), what);
        return -1;
    }
    if (expires < now) {
        g_autofree char *when = virNetTLSFormatTime(expires);

        virReportError(VIR_ERR_SYSTEM_ERROR, _("%s expired on %s"), what, when);
        return -1;
    }
    if (starts > now) {
        g_autofree char *when = virNetTLSFormatTime(starts);

        virReportError(VIR_ERR_SYSTEM_ERROR, _("%s is not valid before %s"), what, when);
        return -1;
    }
    return 0;
}

/* The leaf of a chain: not a CA, a critical keyUsage that allows
 * signatures and key encipherment, a critical key purpose that allows
 * the role (@isServer: TLS WWW server, else TLS WWW client), whether
 * critical or not. */
static int
virNetTLSCheckLeaf(gnutls_x509_crt_t cert, const char *what, bool isServer)
{
    const char *want = isServer ? GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_TLS_WWW_CLIENT;
    unsigned int critical = 0;
    unsigned int usage = 0;
    bool anyPurpose = false;
    bool criticalPurpose = false;
    bool found = false;
    int rc;
    int i;

    if ((rc = gnutls_x509_crt_get_basic_constraints(cert, &critical, &usage, NULL)) >= 0 &&
        usage) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("%s is a CA certificate (basicConstraints CA:TRUE), not a %s certificate"),
                       what, isServer ? "server" : "client");
        return -1;
    }

    if ((rc = gnutls_x509_crt_get_key_usage(cert, &usage, &critical)) >= 0 && critical &&
        (!(usage & GNUTLS_KEY_DIGITAL_SIGNATURE) || !(usage & GNUTLS_KEY_KEY_ENCIPHERMENT))) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("%s has a critical keyUsage without %s"),
                       what, !(usage & GNUTLS_KEY_DIGITAL_SIGNATURE) ?
                       "digitalSignature" : "keyEncipherment");
        return -1;
    }

    for (i = 0; ; i++) {
        char oid[256];
        size_t size = sizeof(oid);

        critical = 0;
        rc = gnutls_x509_crt_get_key_purpose_oid(cert, i, oid, &size, &critical);
        if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (rc < 0) {
            virReportError(VIR_ERR_SYSTEM_ERROR,
                           _("cannot read the key purpose of %s: %s"), what, gnutls_strerror(rc));
            return -1;
        }
        anyPurpose = true;
        if (critical)
            criticalPurpose = true;
        if (STREQ(oid, want))
            found = true;
    }
    /* RFC 5280: a present key purpose extension restricts the key to the
     * purposes listed, critical or not (libvirt only warns when it is not
     * critical) */
    if (anyPurpose && !found) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("%s has a%s key purpose (extendedKeyUsage) without TLS WWW %s: "
                         "it cannot be used as a %s certificate"),
                       what, criticalPurpose ? " critical" : "",
                       isServer ? "server" : "client", isServer ? "server" : "client");
        return -1;
    }
    return 0;
}

/* The certificates of the PEM file @path. */
static int
virNetTLSLoadCerts(const char *path, const char *role,
                   gnutls_x509_crt_t **certs, unsigned int *ncerts)
{
    g_autofree char *content = NULL;
    g_autoptr(GError) gerr = NULL;
    gnutls_datum_t data;
    gsize len;
    int rc;

    if (!g_file_get_contents(path, &content, &len, &gerr)) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot read the %s '%s': %s"),
                       role, path, gerr->message);
        return -1;
    }
    data.data = (unsigned char *)content;
    data.size = len;
    if ((rc = gnutls_x509_crt_list_import2(certs, ncerts, &data, GNUTLS_X509_FMT_PEM, 0)) < 0 ||
        *ncerts == 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("the %s '%s' holds no PEM certificate: %s"),
                       role, path, rc < 0 ? gnutls_strerror(rc) : _("none found"));
        return -1;
    }
    return 0;
}

static void
virNetTLSFreeCerts(gnutls_x509_crt_t *certs, unsigned int ncerts)
{
    unsigned int i;

    for (i = 0; i < ncerts; i++)
        gnutls_x509_crt_deinit(certs[i]);
    gnutls_free(certs);
}

/* Why a verification failed, from gnutls's status bits. */
static char *
virNetTLSVerifyReason(unsigned int status, const char *cacert, const char *cacrl)
{
    gnutls_datum_t out = { NULL, 0 };
    char *ret;

    if (status & GNUTLS_CERT_REVOKED)
        return g_strdup_printf(_("it was revoked (CRL '%s')"), NULLSTR(cacrl));
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
        return g_strdup_printf(_("it is not signed by a CA of '%s'"), cacert);
    if (status & GNUTLS_CERT_SIGNER_NOT_CA)
        return g_strdup(_("its issuer is not a CA"));
    if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
        return g_strdup(_("it is signed with an insecure algorithm"));
    if (status & GNUTLS_CERT_EXPIRED)
        return g_strdup(_("it or its CA has expired"));
    if (status & GNUTLS_CERT_NOT_ACTIVATED)
        return g_strdup(_("it or its CA is not valid yet"));
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) < 0)
        return g_strdup_printf(_("it is not trusted (status 0x%x)"), status);
    ret = g_strdup((const char *)out.data);
    gnutls_free(out.data);
    return ret;
}

/* At load: the CA file's certificates are CAs and valid now; our own
 * certificate @cert (if any) is a valid leaf for the role, signed by one
 * of them. */
static int
virNetTLSContextSanityCheck(virNetTLSContext *ctx, const char *cert)
{
    gnutls_x509_crt_t *cas = NULL;
    gnutls_x509_crt_t *own = NULL;
    unsigned int ncas = 0;
    unsigned int nown = 0;
    time_t now = time(NULL);
    unsigned int status = 0;
    int ret = -1;
    unsigned int i;

    if (virNetTLSLoadCerts(ctx->cacert, _("CA certificate file"), &cas, &ncas) < 0)
        goto cleanup;
    for (i = 0; i < ncas && i < VIR_NET_TLS_MAX_CA; i++) {
        g_autofree char *what = g_strdup_printf(_("CA certificate '%s'"), ctx->cacert);
        unsigned int critical = 0;
        unsigned int isca = 0;

        if (virNetTLSCheckDates(cas[i], what, now) < 0)
            goto cleanup;
        if (gnutls_x509_crt_get_basic_constraints(cas[i], &critical, &isca, NULL) < 0 || !isca) {
            virReportError(VIR_ERR_SYSTEM_ERROR,
                           _("%s is not a CA certificate (no basicConstraints CA:TRUE)"), what);
            goto cleanup;
        }
    }

    if (cert) {
        g_autofree char *what = g_strdup_printf(_("certificate '%s'"), cert);
        int rc;

        if (virNetTLSLoadCerts(cert, ctx->server ? _("server certificate") : _("client certificate"),
                               &own, &nown) < 0 ||
            virNetTLSCheckDates(own[0], what, now) < 0 ||
            virNetTLSCheckLeaf(own[0], what, ctx->server) < 0)
            goto cleanup;
        if ((rc = gnutls_x509_crt_list_verify(own, nown, cas, ncas, NULL, 0, 0, &status)) < 0 ||
            status != 0) {
            g_autofree char *why = rc < 0 ? g_strdup(gnutls_strerror(rc)) :
                virNetTLSVerifyReason(status, ctx->cacert, ctx->cacrl);

            virReportError(VIR_ERR_SYSTEM_ERROR, _("%s does not verify: %s"), what, why);
            goto cleanup;
        }
    }
    ret = 0;

 cleanup:
    virNetTLSFreeCerts(cas, ncas);
    virNetTLSFreeCerts(own, nown);
    return ret;
}

/* A file the context needs: readable, else an error naming it. */
static int
virNetTLSCheckReadable(const char *path, const char *role)
{
    if (access(path, R_OK) < 0) {
        virReportSystemError(errno, _("cannot read the %s '%s'"), role, path);
        return -1;
    }
    return 0;
}


/* Contexts */

virNetTLSContext *
virNetTLSContextRef(virNetTLSContext *ctx)
{
    g_atomic_int_inc(&ctx->refs);
    return ctx;
}

void
virNetTLSContextUnref(virNetTLSContext *ctx)
{
    if (!ctx || !g_atomic_int_dec_and_test(&ctx->refs))
        return;
    if (ctx->creds)
        gnutls_certificate_free_credentials(ctx->creds);
    if (ctx->priority)
        gnutls_priority_deinit(ctx->priority);
    g_free(ctx->cacert);
    g_free(ctx->cacrl);
    g_strfreev(ctx->allowedDNs);
    g_free(ctx);
}

static virNetTLSContext *
virNetTLSContextNew(const virNetTLSFiles *files,
                    const char *priority,
                    bool server,
                    bool noSanity,
                    bool noVerify)
{
    g_autoptr(virNetTLSContext) ctx = g_new0(virNetTLSContext, 1);
    const char *errpos = NULL;
    bool haveCert;
    bool haveKey;
    int rc;

    ctx->refs = 1;
    ctx->server = server;
    ctx->noVerify = noVerify;
    ctx->cacert = g_strdup(files->cacert);
    if (!priority)
        priority = VIR_NET_TLS_DEFAULT_PRIORITY;

    if ((rc = gnutls_certificate_allocate_credentials(&ctx->creds)) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot allocate TLS credentials: %s"),
                       gnutls_strerror(rc));
        return NULL;
    }
    if ((rc = gnutls_priority_init(&ctx->priority, priority, &errpos)) < 0) {
        ctx->priority = NULL;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("tls_priority '%s' is not a valid GnuTLS priority string (at '%s'): %s"),
                       priority, NULLSTR(errpos), gnutls_strerror(rc));
        return NULL;
    }

    if (virNetTLSCheckReadable(files->cacert, _("CA certificate file")) < 0)
        return NULL;
    if ((rc = gnutls_certificate_set_x509_trust_file(ctx->creds, files->cacert,
                                                     GNUTLS_X509_FMT_PEM)) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot load the CA certificate file '%s': %s"),
                       files->cacert, gnutls_strerror(rc));
        return NULL;
    }
    if (files->cacrl && virFileExists(files->cacrl)) {
        ctx->cacrl = g_strdup(files->cacrl);
        if ((rc = gnutls_certificate_set_x509_crl_file(ctx->creds, files->cacrl,
                                                       GNUTLS_X509_FMT_PEM)) < 0) {
            virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot load the CRL file '%s': %s"),
                           files->cacrl, gnutls_strerror(rc));
            return NULL;
        }
    }

    haveCert = virFileExists(files->cert);
    haveKey = virFileExists(files->key);
    if (server || haveCert || haveKey) {
        if (virNetTLSCheckReadable(files->cert, server ? _("server certificate") :
                                   _("client certificate")) < 0 ||
            virNetTLSCheckReadable(files->key, server ? _("server key") : _("client key")) < 0)
            return NULL;
        if ((rc = gnutls_certificate_set_x509_key_file(ctx->creds, files->cert, files->key,
                                                       GNUTLS_X509_FMT_PEM)) < 0) {
            virReportError(VIR_ERR_SYSTEM_ERROR,
                           _("cannot load the certificate '%s' with the key '%s': %s"),
                           files->cert, files->key, gnutls_strerror(rc));
            return NULL;
        }
    }
    if (!noSanity &&
        virNetTLSContextSanityCheck(ctx, server || haveCert ? files->cert : NULL) < 0)
        return NULL;
    if (server)
        gnutls_certificate_set_known_dh_params(ctx->creds, GNUTLS_SEC_PARAM_MEDIUM);
    return g_steal_pointer(&ctx);
}

virNetTLSContext *
virNetTLSContextNewServer(const virNetTLSFiles *files,
                          const char *const *allowedDNs,
                          const char *priority,
                          bool noSanity,
                          bool noVerify)
{
    virNetTLSContext *ctx = virNetTLSContextNew(files, priority, true, noSanity, noVerify);

    if (ctx && allowedDNs)
        ctx->allowedDNs = g_strdupv((char **)allowedDNs);
    return ctx;
}

virNetTLSContext *
virNetTLSContextNewClient(const virNetTLSFiles *files,
                          const char *priority,
                          bool noSanity,
                          bool noVerify)
{
    return virNetTLSContextNew(files, priority, false, noSanity, noVerify);
}


/* Sessions */

static ssize_t
virNetTLSPush(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
    /* no SIGPIPE in a client application when the server went away */
    return send(GPOINTER_TO_INT(ptr), buf, len, MSG_NOSIGNAL);
}

static ssize_t
virNetTLSPull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
    return recv(GPOINTER_TO_INT(ptr), buf, len, 0);
}

virNetTLSSession *
virNetTLSSessionNew(virNetTLSContext *ctx, int fd, const char *hostname)
{
    g_autoptr(virNetTLSSession) sess = g_new0(virNetTLSSession, 1);
    unsigned int flags = GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS;
    int rc;

    sess->ctx = virNetTLSContextRef(ctx);
    sess->fd = fd;
    sess->hostname = g_strdup(hostname);
    if ((rc = gnutls_init(&sess->session,
                          (ctx->server ? GNUTLS_SERVER : GNUTLS_CLIENT) | flags)) < 0) {
        sess->session = NULL;
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot start a TLS session: %s"),
                       gnutls_strerror(rc));
        return NULL;
    }
    if ((rc = gnutls_priority_set(sess->session, ctx->priority)) < 0 ||
        (rc = gnutls_credentials_set(sess->session, GNUTLS_CRD_CERTIFICATE, ctx->creds)) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot set up a TLS session: %s"),
                       gnutls_strerror(rc));
        return NULL;
    }
    /* requested, not required: the checks after the handshake decide,
     * with a message that says why */
    if (ctx->server)
        gnutls_certificate_server_set_request(sess->session, GNUTLS_CERT_REQUEST);
    gnutls_transport_set_ptr(sess->session, GINT_TO_POINTER(fd));
    gnutls_transport_set_push_function(sess->session, virNetTLSPush);
    gnutls_transport_set_pull_function(sess->session, virNetTLSPull);
    return g_steal_pointer(&sess);
}

void
virNetTLSSessionFree(virNetTLSSession *sess)
{
    if (!sess)
        return;
    if (sess->session)
        gnutls_deinit(sess->session);
    virNetTLSContextUnref(sess->ctx);
    g_free(sess->hostname);
    g_free(sess->peerDN);
    g_free(sess);
}

int
virNetTLSSessionHandshake(virNetTLSSession *sess)
{
    int rc = gnutls_handshake(sess->session);

    if (rc == 0)
        return 1;
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal(rc))
        return 0;
    if (rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_PULL_ERROR ||
        rc == GNUTLS_E_PUSH_ERROR) {
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("TLS handshake failed: the %s closed the connection (%s)"),
                       sess->ctx->server ? "client" : "server", gnutls_strerror(rc));
        return -1;
    }
    virReportError(VIR_ERR_AUTH_FAILED, _("TLS handshake failed: %s"), gnutls_strerror(rc));
    return -1;
}

bool
virNetTLSSessionWantsWrite(virNetTLSSession *sess)
{
    return gnutls_record_get_direction(sess->session) == 1;
}

size_t
virNetTLSSessionPending(virNetTLSSession *sess)
{
    return gnutls_record_check_pending(sess->session);
}

const char *
virNetTLSSessionGetPeerDN(virNetTLSSession *sess)
{
    return sess->peerDN;
}

/* -1 with errno for a failed record call @rc. */
static ssize_t
virNetTLSSessionIOError(ssize_t rc, bool reading)
{
    int saved = errno;

    if (rc == GNUTLS_E_AGAIN) {
        errno = EAGAIN;
        return -1;
    }
    if (rc == GNUTLS_E_INTERRUPTED) {
        errno = EINTR;
        return -1;
    }
    if ((rc == GNUTLS_E_PULL_ERROR || rc == GNUTLS_E_PUSH_ERROR) && saved != 0 &&
        saved != EAGAIN && saved != EINTR) {
        virReportSystemError(saved, _("TLS %s failed"), reading ? "read" : "write");
        errno = saved;
        return -1;
    }
    virReportError(VIR_ERR_SYSTEM_ERROR, _("TLS %s failed: %s"),
                   reading ? "read" : "write", gnutls_strerror(rc));
    errno = EIO;
    return -1;
}

ssize_t
virNetTLSSessionRead(virNetTLSSession *sess, void *buf, size_t len)
{
    ssize_t rc;

    errno = 0;
    rc = gnutls_record_recv(sess->session, buf, len);
    if (rc >= 0)
        return rc;
    /* a peer that closes without close_notify, as libvirt's do */
    if (rc == GNUTLS_E_PREMATURE_TERMINATION)
        return 0;
    return virNetTLSSessionIOError(rc, true);
}

ssize_t
virNetTLSSessionWrite(virNetTLSSession *sess, const void *buf, size_t len)
{
    ssize_t rc;

    errno = 0;
    rc = gnutls_record_send(sess->session, buf, len);
    if (rc >= 0)
        return rc;
    return virNetTLSSessionIOError(rc, false);
}

/* The checks of protocol.md 5.4 on the peer; -1 with the error. */
static int
virNetTLSSessionCheckPeerCerts(virNetTLSSession *sess)
{
    virNetTLSContext *ctx = sess->ctx;
    const char *peer = ctx->server ? "client" : "server";
    const gnutls_datum_t *certs;
    unsigned int ncerts = 0;
    gnutls_x509_crt_t leaf = NULL;
    g_autofree char *what = NULL;
    unsigned int status = 0;
    time_t now = time(NULL);
    int ret = -1;
    unsigned int i;
    int rc;

    if (gnutls_certificate_type_get(sess->session) != GNUTLS_CRT_X509) {
        virReportError(VIR_ERR_AUTH_FAILED, _("the %s's certificate is not an X.509 certificate"),
                       peer);
        return -1;
    }
    if (!(certs = gnutls_certificate_get_peers(sess->session, &ncerts)) || ncerts == 0) {
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("the %s sent no certificate: a certificate signed by a CA of '%s' is required"),
                       peer, ctx->cacert);
        return -1;
    }

    for (i = 0; i < ncerts; i++) {
        gnutls_x509_crt_t cert;
        g_autofree char *dn = NULL;
        size_t dnsize = 0;

        if (gnutls_x509_crt_init(&cert) < 0)
            goto cleanup;
        if ((rc = gnutls_x509_crt_import(cert, &certs[i], GNUTLS_X509_FMT_DER)) < 0) {
            virReportError(VIR_ERR_AUTH_FAILED, _("cannot read the %s's certificate: %s"),
                           peer, gnutls_strerror(rc));
            gnutls_x509_crt_deinit(cert);
            goto cleanup;
        }
        if (gnutls_x509_crt_get_dn(cert, NULL, &dnsize) == GNUTLS_E_SHORT_MEMORY_BUFFER) {
            dn = g_new0(char, dnsize + 1);
            if (gnutls_x509_crt_get_dn(cert, dn, &dnsize) < 0)
                g_clear_pointer(&dn, g_free);
        }
        g_free(what);
        what = g_strdup_printf(_("the %s certificate '%s'"), i == 0 ? peer : "CA",
                               NULLSTR(dn));
        if (i == 0) {
            leaf = cert;
            g_free(sess->peerDN);
            sess->peerDN = g_steal_pointer(&dn);
        }
        rc = virNetTLSCheckDates(cert, what, now);
        if (i > 0)
            gnutls_x509_crt_deinit(cert);
        if (rc < 0)
            goto cleanup;
    }
    g_free(what);
    what = g_strdup_printf(_("the %s certificate '%s'"), peer, NULLSTR(sess->peerDN));

    if ((rc = gnutls_certificate_verify_peers2(sess->session, &status)) < 0) {
        virReportError(VIR_ERR_AUTH_FAILED, _("cannot verify %s: %s"), what, gnutls_strerror(rc));
        goto cleanup;
    }
    if (status != 0) {
        g_autofree char *why = virNetTLSVerifyReason(status, ctx->cacert, ctx->cacrl);

        virReportError(VIR_ERR_AUTH_FAILED, _("%s failed validation: %s"), what, why);
        goto cleanup;
    }
    if (virNetTLSCheckLeaf(leaf, what, !ctx->server) < 0)
        goto cleanup;

    if (!ctx->server && sess->hostname &&
        !gnutls_x509_crt_check_hostname(leaf, sess->hostname)) {
        virReportError(VIR_ERR_AUTH_FAILED,
                       _("%s does not match the host name '%s' (its CN or subjectAltName must name it)"),
                       what, sess->hostname);
        goto cleanup;
    }
    if (ctx->server && ctx->allowedDNs) {
        bool allowed = false;

        for (i = 0; sess->peerDN && ctx->allowedDNs[i]; i++) {
            if (g_pattern_match_simple(ctx->allowedDNs[i], sess->peerDN)) {
                allowed = true;
                break;
            }
        }
        if (!allowed) {
            virReportError(VIR_ERR_AUTH_FAILED,
                           _("client DN '%s' is not in tls_allowed_dn_list"),
                           NULLSTR(sess->peerDN));
            goto cleanup;
        }
    }
    ret = 0;

 cleanup:
    if (leaf)
        gnutls_x509_crt_deinit(leaf);
    return ret;
}

int
virNetTLSSessionCheckPeer(virNetTLSSession *sess)
{
    if (virNetTLSSessionCheckPeerCerts(sess) == 0)
        return 0;
    if (!sess->ctx->noVerify)
        return -1;
    virReportWarning(_("%s (accepted: %s)"), virGetLastErrorMessage(),
                     sess->ctx->server ? "tls_no_verify_certificate=1" : "no_verify=1");
    virResetLastError();
    return 0;
}
