/*
 * virsocket.c: stream sockets: listen on a UNIX path or a TCP address,
 * connect to a UNIX path
 */
#include "internal.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "virerror.h"
#include "virfile.h"
#include "virsocket.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static int
virSocketAddrUnix(const char *path, struct sockaddr_un *addr)
{
    size_t len = strlen(path);

    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (len > VIR_SOCKET_UNIX_PATH_MAX) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("socket path '%s' is %zu bytes long, more than the %zu a UNIX socket address holds: use a shorter directory (root) for it"),
                       path, len, VIR_SOCKET_UNIX_PATH_MAX);
        return -1;
    }
    memcpy(addr->sun_path, path, len);
    return 0;
}

int
virSocketListenUnix(const char *path, mode_t mode, int backlog)
{
    struct sockaddr_un addr;
    struct stat sb;
    VIR_AUTOCLOSE int fd = -1;

    if (virSocketAddrUnix(path, &addr) < 0)
        return -1;
    /* a socket file outlives its listener: only a socket is replaced */
    if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode) && unlink(path) < 0 &&
        errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove the old socket '%s'"), path);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        virReportSystemError(errno, _("cannot create a socket for '%s'"), path);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportSystemError(errno, _("cannot bind a socket to '%s'"), path);
        return -1;
    }
    if (chmod(path, mode) < 0 || listen(fd, backlog) < 0) {
        virReportSystemError(errno, _("cannot listen on socket '%s'"), path);
        unlink(path);
        return -1;
    }
    return g_steal_fd(&fd);
}

int
virSocketListenTCP(const char *host, unsigned int port, int backlog, const char *purpose)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
    };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    char service[16];
    int err = EADDRNOTAVAIL;
    int fd = -1;
    int rc;

    g_snprintf(service, sizeof(service), "%u", port);
    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot listen for %s on '%s' port %u: %s"),
                       purpose, host, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int on = 1;
        int off = 0;

        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        virReportSystemError(err, _("cannot listen for %s on '%s' port %u"),
                             purpose, host, port);
    return fd;
}

int
virSocketConnectUnix(const char *path, int timeoutMs)
{
    struct sockaddr_un addr;
    struct timeval tv = { 0 };
    VIR_AUTOCLOSE int fd = -1;

    if (virSocketAddrUnix(path, &addr) < 0)
        return -1;
    /* a connect waiting for room in the backlog is bounded by the send
     * timeout; non-blocking when there is no time to wait at all */
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
                     (timeoutMs > 0 ? 0 : SOCK_NONBLOCK), 0)) < 0) {
        virReportSystemError(errno, _("cannot create a socket to connect to '%s'"), path);
        return -1;
    }
    tv.tv_sec = timeoutMs / 1000;
    tv.tv_usec = (timeoutMs % 1000) * 1000;
    if (timeoutMs > 0 &&
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
        virReportSystemError(errno, _("cannot set a connect timeout for '%s'"), path);
        return -1;
    }
    while (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int err = errno;

        if (err == EINTR)
            continue;
        if (err == EAGAIN || err == EINPROGRESS) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("the process listening on '%s' did not accept a connection within %d ms: it may be stopped or hung"),
                           path, MAX(timeoutMs, 0));
        } else if (err == ENOENT || err == ECONNREFUSED) {
            virReportSystemError(err, _("no process listens on '%s'"), path);
        } else {
            virReportSystemError(err, _("cannot connect to '%s'"), path);
        }
        return -1;
    }
    /* the caller gets a plain blocking socket */
    tv.tv_sec = tv.tv_usec = 0;
    if ((timeoutMs > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) ||
        (timeoutMs <= 0 && !g_unix_set_fd_nonblocking(fd, FALSE, NULL))) {
        virReportSystemError(errno, _("cannot set up the connection to '%s'"), path);
        return -1;
    }
    return g_steal_fd(&fd);
}

int
virSocketPair(int fds[2])
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        virReportSystemError(errno, "%s", _("cannot create a socket pair"));
        return -1;
    }
    return 0;
}
