/*
 * virnettlscontext.h: TLS credentials and certificate checks (GnuTLS)
 *
 * A context holds one side's X.509 credentials (CA, optional CRL, our
 * certificate and key), the priority string and the checks that side
 * makes on its peer:
 *  - both sides: the peer's chain verifies against the CA (and CRL), every
 *    certificate of it is within its validity dates, the leaf is not a CA,
 *    a critical keyUsage allows digitalSignature and keyEncipherment, a
 *    key purpose (critical or not) allows TLS WWW server (peer is a server) or
 *    client (peer is a client);
 *  - client: the server's certificate matches the host name or IP address
 *    connected to;
 *  - server: the client's Distinguished Name matches one of the
 *    tls_allowed_dn_list globs (when the list is set).
 * A failed check is an error naming the file or the field; with
 * "no verify" (client: no_verify=1, server: tls_no_verify_certificate=1)
 * it is a warning and the connection goes on.
 *
 * At load, our own certificate must be valid now, not a CA, have the
 * right purpose and verify against the CA file (protocol.md 5.4), unless
 * @noSanity (client: no_sanity=1, server: tls_no_sanity_certificate=1).
 *
 * A session is one connection's TLS state on a non-blocking socket: the
 * handshake and the record I/O return "again" instead of blocking, and
 * tell which direction they wait for, so that an event loop drives them.
 * No TLS 1.3 session tickets are sent (as libvirt).
 */
#pragma once

#include "internal.h"

#define VIR_NET_TLS_DEFAULT_PRIORITY "NORMAL"

/* The four files of one side. */
typedef struct {
    char *cacert;
    char *cacrl;        /* used when it exists */
    char *cert;
    char *key;
} virNetTLSFiles;

void virNetTLSFilesClear(virNetTLSFiles *files);

/* libvirt's system layout under @root ("" or NULL: /):
 * ROOT/etc/pki/CA/cacert.pem, ROOT/etc/pki/CA/cacrl.pem and
 * ROOT/etc/pki/libvirt/{server,client}cert.pem,
 * ROOT/etc/pki/libvirt/private/{server,client}key.pem. */
void virNetTLSFilesSystem(virNetTLSFiles *files, const char *root, bool server);

/* A client's files without pkipath=: in a process that set a client
 * PKI root (virNetTLSSetClientPKIRoot), that root's system layout;
 * else the system's (@privileged), else the user's
 * $HOME/.pki/libvirt/{cacert,cacrl,clientcert,clientkey}.pem, each of CA
 * and CRL falling back to the system's file when the user has none,
 * certificate and key only as a pair. */
void virNetTLSFilesClientDefault(virNetTLSFiles *files, bool privileged);

/* The root under which every client connection of this process finds
 * its TLS files when the URI has no pkipath= (ROOT/etc/pki/CA/cacert.pem,
 * ROOT/etc/pki/libvirt/clientcert.pem and private/clientkey.pem): a
 * daemon started with --root DIR sets DIR, so that the connections it
 * opens itself (a peer-to-peer migration's to the destination) use the
 * certificates of its own host. NULL: back to the system's and user's
 * files. */
void virNetTLSSetClientPKIRoot(const char *root);

/* A client's pkipath=DIR: DIR/cacert.pem, DIR/cacrl.pem,
 * DIR/clientcert.pem, DIR/clientkey.pem. */
void virNetTLSFilesPKIPath(virNetTLSFiles *files, const char *dir);

typedef struct _virNetTLSContext virNetTLSContext;
typedef struct _virNetTLSSession virNetTLSSession;

/* The server's credentials. A missing or unreadable file, a bad
 * certificate or key, or a bad @priority is an error naming it.
 * @allowedDNs: NULL-terminated globs, or NULL to allow any DN the CA
 * signed. @noVerify: a client certificate that fails the checks (or none)
 * is accepted with a warning. */
virNetTLSContext *virNetTLSContextNewServer(const virNetTLSFiles *files,
                                            const char *const *allowedDNs,
                                            const char *priority,
                                            bool noSanity,
                                            bool noVerify);

/* The client's credentials. The CA file is required; our certificate and
 * key are optional (a server that requires one then refuses us), but if
 * one of the two exists both must, and they are checked. @noVerify: a
 * server certificate that fails the checks is accepted with a warning. */
virNetTLSContext *virNetTLSContextNewClient(const virNetTLSFiles *files,
                                            const char *priority,
                                            bool noSanity,
                                            bool noVerify);

virNetTLSContext *virNetTLSContextRef(virNetTLSContext *ctx);
void virNetTLSContextUnref(virNetTLSContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetTLSContext, virNetTLSContextUnref);

/* A session of @ctx on the connected non-blocking socket @fd (not taken).
 * @hostname: the name or address the client connected to (client side,
 * checked against the server's certificate); NULL on the server. */
virNetTLSSession *virNetTLSSessionNew(virNetTLSContext *ctx,
                                      int fd,
                                      const char *hostname);
void virNetTLSSessionFree(virNetTLSSession *sess);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetTLSSession, virNetTLSSessionFree);

/* One step of the handshake: 1 done, 0 to be called again when the socket
 * is ready in the direction virNetTLSSessionWantsWrite says, -1 with an
 * error. */
int virNetTLSSessionHandshake(virNetTLSSession *sess);

/* After a handshake step or I/O that returned "again": whether the
 * session waits for the socket to be writable (else readable). */
bool virNetTLSSessionWantsWrite(virNetTLSSession *sess);

/* The checks of the peer's certificate, once the handshake is done.
 * 0 (passed, or failed with "no verify": warnings given), -1 with the
 * error. */
int virNetTLSSessionCheckPeer(virNetTLSSession *sess);

/* Record I/O, like recv/send on a non-blocking socket: bytes moved, 0
 * at the peer's end of stream (read), or -1 with errno set (EAGAIN when
 * it would block; another errno with an error reported). */
ssize_t virNetTLSSessionRead(virNetTLSSession *sess, void *buf, size_t len);
ssize_t virNetTLSSessionWrite(virNetTLSSession *sess, const void *buf, size_t len);

/* Bytes already decrypted and buffered: a read returns them without the
 * socket being readable. */
size_t virNetTLSSessionPending(virNetTLSSession *sess);

/* The peer certificate's Distinguished Name (after the handshake), or
 * NULL. */
const char *virNetTLSSessionGetPeerDN(virNetTLSSession *sess);
