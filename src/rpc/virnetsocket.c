/*
 * virnetsocket.c: the server's UNIX stream sockets
 */
#include "internal.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "virnetsocket.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* TODO(coordinator): the "util" helper adds virSocketListenUnix to
 * src/util/virsocket.* (not in main yet); once merged, ListenUNIX below
 * becomes that call plus O_NONBLOCK and the group. */
static int
virNetSocketSetAddr(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("UNIX socket path '%s' is longer than %zu bytes: choose a shorter directory"),
                       path, sizeof(addr->sun_path) - 1);
        return -1;
    }
    memcpy(addr->sun_path, path, strlen(path));
    return 0;
}

/* Removes a socket file left at @path by a process that is gone; a socket
 * someone still listens on, and anything that is not a socket, is refused
 * rather than deleted. */
static int
virNetSocketRemoveStale(const char *path, const struct sockaddr_un *addr)
{
    struct stat sb;
    int fd;
    int rc;

    if (lstat(path, &sb) < 0) {
        if (errno == ENOENT)
            return 0;
        virReportSystemError(errno, _("cannot inspect '%s' before listening on it"), path);
        return -1;
    }
    if (!S_ISSOCK(sb.st_mode)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("'%s' exists and is not a socket: remove it or choose another socket path"),
                       path);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        virReportSystemError(errno, _("cannot create a socket to probe '%s'"), path);
        return -1;
    }
    rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
    close(fd);
    if (rc == 0 || errno == EAGAIN) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("another process is listening on '%s': stop it or choose another socket path"),
                       path);
        return -1;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove the stale socket '%s'"), path);
        return -1;
    }
    return 0;
}

int
virNetSocketListenUNIX(const char *path,
                       mode_t mode,
                       gid_t gid,
                       int backlog)
{
    struct sockaddr_un addr;
    int fd;

    if (virNetSocketSetAddr(&addr, path) < 0 ||
        virNetSocketRemoveStale(path, &addr) < 0)
        return -1;

    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        virReportSystemError(errno, _("cannot create the UNIX socket for '%s'"), path);
        return -1;
    }
    /* Linux creates the socket file with the socket inode's mode minus
     * the umask: restricting the inode first means the file is never
     * more open than @mode, even before the chmod below. */
    if (fchmod(fd, mode) < 0) {
        virReportSystemError(errno, _("cannot set mode %o on the socket for '%s'"),
                             (unsigned int)mode, path);
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportSystemError(errno, _("cannot bind the UNIX socket '%s'"), path);
        close(fd);
        return -1;
    }
    if (chmod(path, mode) < 0) {
        virReportSystemError(errno, _("cannot set mode %o on the socket '%s'"),
                             (unsigned int)mode, path);
        goto error;
    }
    if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) {
        virReportSystemError(errno, _("cannot give the socket '%s' to group %u"),
                             path, (unsigned int)gid);
        goto error;
    }
    if (listen(fd, backlog) < 0) {
        virReportSystemError(errno, _("cannot listen on the UNIX socket '%s'"), path);
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

int
virNetSocketAccept(int fd)
{
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (cfd >= 0)
        return cfd;
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
