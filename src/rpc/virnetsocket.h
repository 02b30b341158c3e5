/*
 * virnetsocket.h: the server's UNIX stream sockets
 *
 * Listening sockets (a path created with a mode and group, or a listening
 * descriptor inherited from systemd), accepting clients non-blocking and
 * close-on-exec, and the identity of the peer (SO_PEERCRED). All
 * descriptors returned are owned by the caller.
 */
#pragma once

#include "internal.h"

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
