/*
 * virnetsocket.h: the stream sockets of the RPC server and client
 *
 * Listening sockets (a UNIX path created with a mode and group, TCP on an
 * address and port, or a listening descriptor inherited from systemd),
 * accepting clients non-blocking and close-on-exec, the identity of the
 * peer (SO_PEERCRED), connecting to a TCP service, and the I/O of a
 * connected socket: plain, or through the TLS session attached to it.
 * All descriptors returned are owned by the caller.
 */
#pragma once

#include "internal.h"

#include "virnettlscontext.h"

#include <sys/types.h>

/* The process on the other end of a connected UNIX socket, as the kernel
 * saw it when it connected. */
typedef struct {
    uid_t uid;
    gid_t gid;
    pid_t pid;
} virNetSocketIdentity;

/* A listening UNIX stream socket at @path (virSocketListenUnix), made
 * non-blocking. A socket file at @path that nobody listens on any more is
 * replaced; one that is still served (another daemon) is an error, as is
 * any other file. The file gets @mode before the socket listens; if @gid
 * is not (gid_t)-1 its group becomes @gid. Returns the descriptor, or -1
 * with an error naming @path. */
int virNetSocketListenUNIX(const char *path,
                           mode_t mode,
                           gid_t gid,
                           int backlog);

/* Checks that @fd (e.g. from systemd socket activation) is a listening
 * stream socket and makes it non-blocking and close-on-exec. 0 or -1 with
 * an error. */
int virNetSocketAdoptListener(int fd);

/* Accepts one pending connection on the listening socket @fd, as a
 * non-blocking, close-on-exec descriptor. Returns it; -2 when nothing is
 * pending (EAGAIN, or a peer that left before it was accepted), -1 with an
 * error otherwise (e.g. out of descriptors). */
int virNetSocketAccept(int fd);

/* The peer of the connected UNIX socket @fd. 0 or -1 with an error. */
int virNetSocketGetIdentity(int fd, virNetSocketIdentity *ident);

/* Receives one descriptor sent with SCM_RIGHTS beside one dummy byte (as
 * a libvirt peer passes the FDs of a *_WITH_FDS message). Returns the
 * descriptor (close-on-exec), -2 when nothing is there yet (EAGAIN), -1
 * with an error (peer gone, no descriptor with the byte). */
int virNetSocketRecvFD(int fd);

/* Listening TCP sockets on @addr (NULL or "": every address; a name or a
 * numeric IPv4/IPv6 address) and @port (a number or a service name), one
 * per address @addr resolves to, non-blocking and close-on-exec, with
 * SO_REUSEADDR. Returns them (their number in @nfds), or NULL with
 * an error naming the address and port. */
int *virNetSocketListenTCP(const char *addr,
                           const char *port,
                           int backlog,
                           size_t *nfds);

/* Connects to @host @port (TCP), trying each address it resolves to,
 * all within @timeoutMs (<= 0: no bound; each address gets its share of the time left;
 * resolving the name is not bounded). Returns the connected, non-blocking,
 * close-on-exec descriptor, or -1 with an error naming the host and port
 * (VIR_ERR_OPERATION_TIMEOUT when the time ran out). */
int virNetSocketConnectTCP(const char *host, const char *port, int timeoutMs);

/* "HOST:PORT" ("[HOST]:PORT" for an IPv6 address), for messages. */
char *virNetSocketTCPName(const char *host, const char *port);

/* The monotonic µs @timeoutMs from now, or 0 (none) when @timeoutMs <= 0:
 * a deadline for virNetSocketTimeLeft. */
gint64 virNetSocketDeadline(int timeoutMs);

/* The milliseconds from now to @deadline (monotonic µs) for poll(): 0 when
 * it passed, -1 (forever) when @deadline is 0 (none). */
int virNetSocketTimeLeft(gint64 deadline);

/* "ADDR;PORT" of the peer of the TCP socket @fd (for logs), or NULL. */
char *virNetSocketPeerAddress(int fd);

/* Reads at most @len bytes from the connected socket @fd, through @tls
 * when a TLS session is attached (NULL: plain). Returns the bytes read, 0
 * at end of stream, or -1 with errno set: EAGAIN/EINTR (nothing now, no
 * error reported), anything else with an error reported. */
ssize_t virNetSocketRead(int fd, virNetTLSSession *tls, void *buf, size_t len);

/* Writes at most @len bytes, as virNetSocketRead. Never raises SIGPIPE.
 * Through TLS, a write that returned EAGAIN must be repeated with the same
 * buffer and length. */
ssize_t virNetSocketWrite(int fd, virNetTLSSession *tls, const void *buf, size_t len);
