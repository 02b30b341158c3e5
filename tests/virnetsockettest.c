/*
 * virnetsockettest.c: what the RPC transport's sockets are made of
 *
 * Both ends of a TCP connection (the one virNetSocketConnectTCP makes,
 * the one virNetSocketAccept takes) send each write at once
 * (TCP_NODELAY): otherwise a TLS handshake with our daemon waited about
 * 40 ms for a delayed acknowledgement. A UNIX socket, which has no such
 * option, is accepted as well.
 */
#include "internal.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virnetsocket.h"

/* -1 (reported) when it cannot be read */
static int
testNoDelay(int fd)
{
    int value = 0;
    socklen_t len = sizeof(value);

    if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) < 0) {
        printf("#   getsockopt(TCP_NODELAY): %s\n", g_strerror(errno));
        return -1;
    }
    return value != 0;
}

/* Accepts the connection pending on the non-blocking @listenfd, waiting
 * up to 5 s for it. */
static int
testAccept(int listenfd)
{
    struct pollfd pfd = { .fd = listenfd, .events = POLLIN };
    int fd;

    if (poll(&pfd, 1, 5000) != 1) {
        printf("#   no connection to accept\n");
        return -1;
    }
    if ((fd = virNetSocketAccept(listenfd)) < 0)
        printf("#   accept: %s\n", fd == -1 ? virGetLastErrorMessage() : "nothing");
    return fd;
}

static int
testTCPSendsAtOnce(const void *opaque G_GNUC_UNUSED)
{
    g_autofree int *fds = NULL;
    g_autofree char *port = NULL;
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    size_t nfds = 0;
    size_t i;
    VIR_AUTOCLOSE int client = -1;
    VIR_AUTOCLOSE int server = -1;
    int ret = -1;

    if (!(fds = virNetSocketListenTCP("127.0.0.1", "0", 1, &nfds)) || nfds != 1) {
        printf("#   listen: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (getsockname(fds[0], (struct sockaddr *)&sa, &len) < 0)
        goto cleanup;
    port = g_strdup_printf("%u", ntohs(sa.sin_port));
    if ((client = virNetSocketConnectTCP("127.0.0.1", port, 5000)) < 0) {
        printf("#   connect: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if ((server = testAccept(fds[0])) < 0)
        goto cleanup;
    if (testNoDelay(client) != 1 || testNoDelay(server) != 1) {
        printf("#   TCP_NODELAY: connecting side %d, accepting side %d\n",
               testNoDelay(client), testNoDelay(server));
        goto cleanup;
    }
    ret = 0;

 cleanup:
    for (i = 0; fds && i < nfds; i++)
        close(fds[i]);
    return ret;
}

static int
testUNIXAccepted(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("virnetsockettest.XXXXXX", NULL);
    g_autofree char *path = dir ? g_build_filename(dir, "sock", NULL) : NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    VIR_AUTOCLOSE int listenfd = -1;
    VIR_AUTOCLOSE int client = -1;
    VIR_AUTOCLOSE int server = -1;
    int ret = -1;

    if (!path)
        return -1;
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    if ((listenfd = virNetSocketListenUNIX(path, 0600, (gid_t)-1, 1)) < 0) {
        printf("#   listen: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if ((client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(client, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        printf("#   connect: %s\n", g_strerror(errno));
        goto cleanup;
    }
    if ((server = testAccept(listenfd)) >= 0)
        ret = 0;

 cleanup:
    unlink(path);
    rmdir(dir);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;

    if (virTestRun("TCP: both ends send each write at once (TCP_NODELAY)",
                   testTCPSendsAtOnce, NULL) < 0)
        ret = -1;
    if (virTestRun("UNIX socket: accepted as well", testUNIXAccepted, NULL) < 0)
        ret = -1;
    return ret;
}

VIR_TEST_MAIN(mymain)
