/*
 * virsockettest.c: the AF_UNIX helpers
 *
 * A path too long for a socket address is refused with the limit in the
 * message; a listener gets the mode asked for before anyone connects; a
 * socket file left by a dead listener is replaced, any other file is
 * not. A connect fails at once when nobody listens and waits for a full
 * backlog (a listener that never accepts) no longer than its timeout.
 * A TCP listener on "::" takes IPv4 connections too (as QEMU's does), a
 * connection waits in its backlog until accepted, and a port already
 * taken is refused with the purpose and the port in the message.
 */
#include "internal.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virsocket.h"

static char *dir;

static char *
testPath(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static int
testTooLong(const void *data G_GNUC_UNUSED)
{
    g_autofree char *name = g_strnfill(VIR_SOCKET_UNIX_PATH_MAX, 'x');
    g_autofree char *path = testPath(name);
    g_autofree char *limit = g_strdup_printf("more than the %zu", VIR_SOCKET_UNIX_PATH_MAX);
    int fd;

    if ((fd = virSocketListenUnix(path, 0600, 1)) >= 0) {
        close(fd);
        printf("#   listened on a %zu byte path\n", strlen(path));
        return -1;
    }
    if (virTestExpectError("listen on a long path", limit) < 0)
        return -1;
    if ((fd = virSocketConnectUnix(path, 100)) >= 0) {
        close(fd);
        return -1;
    }
    return virTestExpectError("connect to a long path", "use a shorter directory");
}

static int
testListenConnect(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("sock");
    struct stat sb;
    int lfd, cfd, afd;
    char c = 0;
    int ret = -1;

    if ((lfd = virSocketListenUnix(path, 0640, 1)) < 0)
        return -1;
    if (stat(path, &sb) < 0 || !S_ISSOCK(sb.st_mode) || (sb.st_mode & 07777) != 0640) {
        printf("#   %s: mode %o\n", path, (unsigned)sb.st_mode);
        close(lfd);
        return -1;
    }
    if ((cfd = virSocketConnectUnix(path, 1000)) < 0) {
        close(lfd);
        return -1;
    }
    if ((afd = accept(lfd, NULL, NULL)) >= 0 &&
        write(cfd, "A", 1) == 1 && read(afd, &c, 1) == 1 && c == 'A')
        ret = 0;
    else
        printf("#   no byte across the connection\n");
    if (afd >= 0)
        close(afd);
    close(cfd);
    close(lfd);
    unlink(path);
    return ret;
}

static int
testStaleSocket(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("stale");
    int fd;

    if ((fd = virSocketListenUnix(path, 0600, 1)) < 0)
        return -1;
    close(fd);
    /* the file is left, nobody listens: a connect fails at once */
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        printf("#   closing the listener removed %s\n", path);
        return -1;
    }
    if ((fd = virSocketConnectUnix(path, 5000)) >= 0) {
        close(fd);
        return -1;
    }
    if (virTestExpectError("connect to a dead listener", "no process listens on") < 0)
        return -1;
    if ((fd = virSocketListenUnix(path, 0600, 1)) < 0)
        return -1;
    close(fd);
    unlink(path);
    return 0;
}

static int
testKeepsOtherFile(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("file");
    g_autofree char *content = NULL;
    int fd;

    if (!g_file_set_contents(path, "data\n", -1, NULL))
        return -1;
    if ((fd = virSocketListenUnix(path, 0600, 1)) >= 0) {
        close(fd);
        printf("#   listened in place of a regular file\n");
        return -1;
    }
    if (virTestExpectError("listen on a regular file", "cannot bind") < 0)
        return -1;
    if (!g_file_get_contents(path, &content, NULL, NULL) || STRNEQ(content, "data\n")) {
        printf("#   the regular file was changed\n");
        return -1;
    }
    unlink(path);
    return 0;
}

static int
testMissing(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("missing");
    gint64 start = g_get_monotonic_time();
    int fd;

    if ((fd = virSocketConnectUnix(path, 5000)) >= 0) {
        close(fd);
        return -1;
    }
    if (g_get_monotonic_time() - start > G_USEC_PER_SEC) {
        printf("#   a missing socket was waited for\n");
        return -1;
    }
    return virTestExpectError("connect to a missing socket", path);
}

/* fill the backlog of a listener that never accepts */
static int
testFullBacklog(int lfd, const char *path, int *queued, size_t nqueued)
{
    size_t i;

    for (i = 0; i < nqueued; i++)
        queued[i] = -1;
    for (i = 0; i < nqueued; i++) {
        if ((queued[i] = virSocketConnectUnix(path, 0)) < 0) {
            virResetLastError();
            return 0;
        }
    }
    printf("#   %zu connections queued on listener %d\n", nqueued, lfd);
    return -1;
}

static int
testBacklogTimeout(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("full");
    int queued[8];
    gint64 start, took;
    int lfd, fd;
    size_t i;
    int ret = -1;

    if ((lfd = virSocketListenUnix(path, 0600, 0)) < 0)
        return -1;
    if (testFullBacklog(lfd, path, queued, G_N_ELEMENTS(queued)) < 0 || queued[0] < 0)
        goto cleanup;
    start = g_get_monotonic_time();
    if ((fd = virSocketConnectUnix(path, 300)) >= 0) {
        close(fd);
        printf("#   connected past a full backlog\n");
        goto cleanup;
    }
    took = (g_get_monotonic_time() - start) / 1000;
    if (took < 250 || took > 3000) {
        printf("#   a 300 ms connect gave up after %lld ms\n", (long long)took);
        goto cleanup;
    }
    if (virTestExpectError("connect to a full backlog", "did not accept a connection within 300 ms") < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    for (i = 0; i < G_N_ELEMENTS(queued); i++) {
        if (queued[i] >= 0)
            close(queued[i]);
    }
    close(lfd);
    unlink(path);
    return ret;
}

static int
testPair(const void *data G_GNUC_UNUSED)
{
    int fds[2];
    char c = 0;
    int ret = 0;

    if (virSocketPair(fds) < 0)
        return -1;
    if (write(fds[1], "P", 1) != 1 || read(fds[0], &c, 1) != 1 || c != 'P' ||
        !(fcntl(fds[0], F_GETFD) & FD_CLOEXEC) || !(fcntl(fds[1], F_GETFD) & FD_CLOEXEC))
        ret = -1;
    close(fds[0]);
    close(fds[1]);
    return ret;
}

/* The port @fd is bound to. */
static unsigned int
testTCPPort(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int
testTCPListen(const void *data)
{
    const char *host = data;
    struct sockaddr_in to = { .sin_family = AF_INET };
    VIR_AUTOCLOSE int lfd = -1;
    VIR_AUTOCLOSE int cfd = -1;
    VIR_AUTOCLOSE int afd = -1;
    VIR_AUTOCLOSE int busy = -1;
    g_autofree char *needle = NULL;
    unsigned int port;
    char c = 0;

    if ((lfd = virSocketListenTCP(host, 0, 1, "a test")) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (!(port = testTCPPort(lfd)))
        return -1;
    /* an IPv4 client, before anyone accepts: the kernel completes it */
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(cfd, (struct sockaddr *)&to, sizeof(to)) < 0 ||
        write(cfd, "m", 1) != 1) {
        printf("#   IPv4 connection to %s port %u: %s\n", host, port, g_strerror(errno));
        return -1;
    }
    if ((afd = accept(lfd, NULL, NULL)) < 0 || read(afd, &c, 1) != 1 || c != 'm') {
        printf("#   the connection waiting in the backlog was not accepted with its byte\n");
        return -1;
    }
    if ((busy = virSocketListenTCP(host, port, 1, "a second test")) >= 0) {
        printf("#   listened twice on port %u\n", port);
        return -1;
    }
    needle = g_strdup_printf("cannot listen for a second test on '%s' port %u", host, port);
    return virTestExpectError("a taken port", needle);
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;

    if (!(dir = g_dir_make_tmp("virsockettest.XXXXXX", &gerr))) {
        printf("# cannot make a directory: %s\n", gerr->message);
        return -1;
    }
    virTestRun("a path too long is refused with the limit", testTooLong, NULL);
    virTestRun("listen with a mode, connect, talk", testListenConnect, NULL);
    virTestRun("a dead listener's socket is replaced", testStaleSocket, NULL);
    virTestRun("a regular file is not replaced", testKeepsOtherFile, NULL);
    virTestRun("a missing socket fails at once", testMissing, NULL);
    virTestRun("a full backlog is waited for only until the timeout",
               testBacklogTimeout, NULL);
    virTestRun("a socket pair, close-on-exec", testPair, NULL);
    virTestRun("TCP on 127.0.0.1: backlog, taken port", testTCPListen, "127.0.0.1");
    {
        int fd6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

        /* a host without IPv6 has no "::" to listen on */
        if (fd6 >= 0) {
            close(fd6);
            virTestRun("TCP on \"::\": IPv4 clients too", testTCPListen, "::");
        }
    }
    rmdir(dir);
    g_free(dir);
    return 0;
}

VIR_TEST_MAIN(mymain)
