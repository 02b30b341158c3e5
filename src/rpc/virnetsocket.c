/*
 * virnetsocket.c: the stream sockets of the RPC server and client
 */
#include "internal.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "virnetsocket.h"
#include "virerror.h"
#include "virsocket.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* Whether a process still listens on the socket file @path (a second
 * daemon on the same root): its socket must not be taken over. */
static bool
virNetSocketIsServed(const char *path)
{
    struct stat sb;
    virErrorPtr err;
    int fd;

    if (lstat(path, &sb) < 0 || !S_ISSOCK(sb.st_mode))
        return false;
    if ((fd = virSocketConnectUnix(path, 0)) >= 0) {
        close(fd);
        return true;
    }
    /* A full backlog is a listener too; anything else (refused, gone) is
     * a socket left by a process that is gone. */
    err = virGetLastError();
    if (err && err->code == VIR_ERR_OPERATION_TIMEOUT)
        return true;
    virResetLastError();
    return false;
}

int
virNetSocketListenUNIX(const char *path,
                       mode_t mode,
                       gid_t gid,
                       int backlog)
{
    int fd;
    int flags;

    if (virNetSocketIsServed(path)) {
        virResetLastError();
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("another process is listening on '%s': stop it or choose another socket path"),
                       path);
        return -1;
    }
    /* Bound, given @mode, then listening: nobody connects under another
     * mode. */
    if ((fd = virSocketListenUnix(path, mode, backlog)) < 0)
        return -1;
    if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        virReportSystemError(errno, _("cannot make the socket '%s' non-blocking"), path);
        goto error;
    }
    if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) {
        virReportSystemError(errno, _("cannot give the socket '%s' to group %u"),
                             path, (unsigned int)gid);
        goto error;
    }
    return fd;

 error:
    unlink(path);
    close(fd);
    return -1;
}

int
virNetSocketAdoptListener(int fd)
{
    int val = 0;
    socklen_t len = sizeof(val);
    int flags;

    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) < 0) {
        virReportSystemError(errno, _("inherited descriptor %d is not a socket"), fd);
        return -1;
    }
    if (!val) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("inherited socket %d is not listening: check the service's socket unit"),
                       fd);
        return -1;
    }
    len = sizeof(val);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &val, &len) < 0 || val != SOCK_STREAM) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("inherited socket %d is not a stream socket: check the service's socket unit"),
                       fd);
        return -1;
    }
    if ((flags = fcntl(fd, F_GETFL)) < 0 ||
        fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        virReportSystemError(errno, _("cannot make inherited socket %d non-blocking"), fd);
        return -1;
    }
    return 0;
}

/* RPC messages are small and each waits for its answer: a TCP socket
 * sends each write at once. Without this the kernel holds a small write
 * back while an earlier one is unacknowledged, and the peer delays its
 * acknowledgement (up to 40 ms on Linux): the flights of a TLS handshake
 * and the server's confirmation byte wait that long. A UNIX socket has
 * no such delay. */
static void
virNetSocketSendAtOnce(int fd)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    int one = 1;

    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0 &&
        (sa.ss_family == AF_INET || sa.ss_family == AF_INET6))
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int
virNetSocketAccept(int fd)
{
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (cfd >= 0) {
        virNetSocketSendAtOnce(cfd);
        return cfd;
    }
    switch (errno) {
    case EAGAIN:
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
        return -2;
    }
    virReportSystemError(errno, _("cannot accept a connection on socket %d"), fd);
    return -1;
}

int
virNetSocketGetIdentity(int fd, virNetSocketIdentity *ident)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        virReportSystemError(errno, _("cannot read the peer credentials of socket %d"), fd);
        return -1;
    }
    ident->uid = cred.uid;
    ident->gid = cred.gid;
    ident->pid = cred.pid;
    return 0;
}

int
virNetSocketRecvFD(int fd)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
    };
    struct cmsghdr *cmsg;
    ssize_t n;
    int newfd;

    memset(&control, 0, sizeof(control));
    n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return -2;
        virReportSystemError(errno, _("cannot receive a file descriptor on socket %d"), fd);
        return -1;
    }
    if (n == 0) {
        virReportError(VIR_ERR_RPC, "%s",
                       _("the peer closed the connection while passing file descriptors"));
        return -1;
    }
    cmsg = CMSG_FIRSTHDR(&mh);
    if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
        cmsg->cmsg_len != CMSG_LEN(sizeof(int)) || (mh.msg_flags & MSG_CTRUNC)) {
        virReportError(VIR_ERR_RPC, "%s",
                       _("the peer announced a file descriptor but sent none"));
        return -1;
    }
    memcpy(&newfd, CMSG_DATA(cmsg), sizeof(int));
    return newfd;
}


/* TCP */

static int
virNetSocketResolve(const char *host, const char *port, bool passive,
                    struct addrinfo **res)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE | AI_ADDRCONFIG : AI_ADDRCONFIG,
    };
    int rc;

    if (host && !*host)
        host = NULL;
    if ((rc = getaddrinfo(host, port, &hints, res)) != 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot resolve '%s' port '%s': %s"),
                       NULLSTR(host), port, gai_strerror(rc));
        return -1;
    }
    return 0;
}

int *
virNetSocketListenTCP(const char *addr,
                      const char *port,
                      int backlog,
                      size_t *nfds)
{
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    g_autofree int *fds = NULL;
    size_t n = 0;
    int err = 0;

    *nfds = 0;
    if (virNetSocketResolve(addr, port, true, &res) < 0)
        return NULL;
    for (ai = res; ai; ai = ai->ai_next) {
        int one = 1;
        int fd;

        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         ai->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* the IPv4 address is bound by its own socket */
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
            err = errno;
            close(fd);
            /* an address family the host has no address of */
            if (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)
                continue;
            goto error;
        }
        fds = g_renew(int, fds, n + 1);
        fds[n++] = fd;
    }
    if (n == 0) {
        virReportSystemError(err ? err : EADDRNOTAVAIL,
                             _("cannot listen on address '%s' port '%s'"),
                             addr && *addr ? addr : "*", port);
        freeaddrinfo(res);
        return NULL;
    }
    freeaddrinfo(res);
    *nfds = n;
    return g_steal_pointer(&fds);

 error:
    virReportSystemError(err, _("cannot listen on address '%s' port '%s'"),
                         addr && *addr ? addr : "*", port);
    while (n > 0)
        close(fds[--n]);
    freeaddrinfo(res);
    return NULL;
}

int
virNetSocketTimeLeft(gint64 deadline)
{
    gint64 left;

    if (deadline <= 0)
        return -1;
    left = (deadline - g_get_monotonic_time() + 999) / 1000;
    return left <= 0 ? 0 : (int)MIN(left, G_MAXINT);
}

gint64
virNetSocketDeadline(int timeoutMs)
{
    if (timeoutMs <= 0)
        return 0;
    return g_get_monotonic_time() + (gint64)timeoutMs * 1000;
}

char *
virNetSocketTCPName(const char *host, const char *port)
{
    if (strchr(host, ':'))
        return g_strdup_printf("[%s]:%s", host, port);
    return g_strdup_printf("%s:%s", host, port);
}

/* Waits until the non-blocking connect() of @fd in progress ends, or
 * until @deadline (monotonic µs, 0: none). 0 with @fd connected, -1 with
 * errno (ETIMEDOUT at the deadline). */
static int
virNetSocketConnectWait(int fd, gint64 deadline)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    socklen_t len = sizeof(int);
    int err = 0;

    for (;;) {
        int timeout = virNetSocketTimeLeft(deadline);
        int rc;

        if (timeout == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        rc = poll(&pfd, 1, timeout);
        if (rc > 0)
            break;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -1;
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int
virNetSocketConnectTCP(const char *host, const char *port, int timeoutMs)
{
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    gint64 deadline = virNetSocketDeadline(timeoutMs);
    size_t left = 0;
    bool timedOut = false;
    int err = 0;
    int fd = -1;

    if (virNetSocketResolve(host, port, false, &res) < 0)
        return -1;
    for (ai = res; ai; ai = ai->ai_next)
        left++;
    for (ai = res; ai; ai = ai->ai_next, left--) {
        gint64 until = deadline;

        /* each address gets its share of the time left, so that a first
         * one that drops packets leaves time for the others */
        if (deadline > 0) {
            gint64 now = g_get_monotonic_time();

            until = now + MAX(deadline - now, 0) / (gint64)left;
        }
        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                         ai->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
            (errno == EINPROGRESS && virNetSocketConnectWait(fd, until) == 0)) {
            virNetSocketSendAtOnce(fd);
            break;
        }
        err = errno;
        timedOut |= err == ETIMEDOUT;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        g_autofree char *name = virNetSocketTCPName(host, port);

        if (timedOut)
            virReportError(VIR_ERR_OPERATION_TIMEOUT,
                           _("the server at '%s' did not accept the connection within %g s"),
                           name, timeoutMs / 1000.0);
        else
            virReportSystemError(err, _("unable to connect to server at '%s'"), name);
    }
    return fd;
}

char *
virNetSocketPeerAddress(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0 ||
        (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return NULL;
    return g_strdup_printf("%s;%s", host, serv);
}


/* I/O */

ssize_t
virNetSocketRead(int fd, virNetTLSSession *tls, void *buf, size_t len)
{
    ssize_t n;

    if (tls)
        return virNetTLSSessionRead(tls, buf, len);
    if ((n = recv(fd, buf, len, 0)) < 0 && errno != EAGAIN && errno != EINTR) {
        int saved = errno;

        virReportSystemError(saved, "%s", _("Cannot recv data"));
        errno = saved;
    }
    return n;
}

ssize_t
virNetSocketWrite(int fd, virNetTLSSession *tls, const void *buf, size_t len)
{
    ssize_t n;

    if (tls)
        return virNetTLSSessionWrite(tls, buf, len);
    if ((n = send(fd, buf, len, MSG_NOSIGNAL)) < 0 && errno != EAGAIN && errno != EINTR) {
        int saved = errno;

        virReportSystemError(saved, "%s", _("Cannot write data"));
        errno = saved;
    }
    return n;
}
