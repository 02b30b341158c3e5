/*
 * virsocket.h: stream sockets: listen on a UNIX path or a TCP address,
 * connect to a UNIX path
 */
#pragma once

#include "internal.h"

#include <sys/types.h>
#include <sys/un.h>

/* The longest path a UNIX socket address holds (without its NUL). */
#define VIR_SOCKET_UNIX_PATH_MAX (sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1)

/* A listening stream socket bound to @path (close-on-exec, blocking),
 * its file given @mode before it listens, so no one connects under
 * another mode. A socket file left at @path by a process that is gone
 * is replaced; anything else there makes the bind fail. Returns the fd,
 * or -1 with an error (a path longer than VIR_SOCKET_UNIX_PATH_MAX says
 * so and asks for a shorter directory). */
int virSocketListenUnix(const char *path, mode_t mode, int backlog);

/* A listening TCP socket (close-on-exec, blocking) bound to @host (an
 * address or a name; the first of its addresses that binds) and @port,
 * SO_REUSEADDR set as QEMU sets it. An IPv6 socket takes IPv4
 * connections too (IPV6_V6ONLY off), so "::" means every address of
 * either family, as it does for QEMU. Returns the fd, or -1 with an error
 * naming the address, port and @purpose (what listens there). */
int virSocketListenTCP(const char *host, unsigned int port, int backlog,
                       const char *purpose);

/* A stream socket connected to the listener at @path (close-on-exec,
 * blocking). A listener's socket exists before its process is asked to
 * serve, so there is no retry: a missing socket or one nobody listens on
 * fails at once. Only a full backlog (a listener that does not accept,
 * e.g. a stopped process) is waited for, at most @timeoutMs (0: not at
 * all). Returns the fd, or -1 with an error naming @path. */
int virSocketConnectUnix(const char *path, int timeoutMs);

/* A connected pair of stream sockets, both close-on-exec. */
int virSocketPair(int fds[2]);
