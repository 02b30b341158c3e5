/*
 * virportallocator.c: TCP ports of a range given out by this process
 */
#include "internal.h"

#include "virerror.h"
#include "virportallocator.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_NONE

#define VIR_PORT_MAX 65535

static GMutex virPortAllocatorLock;        /* guards virPortAllocatorTaken */
static guint8 virPortAllocatorTaken[(VIR_PORT_MAX + 1) / 8];

static bool
virPortAllocatorIsTaken(unsigned int port)
{
    return virPortAllocatorTaken[port / 8] & (1U << (port % 8));
}

static void
virPortAllocatorMark(unsigned int port, bool taken)
{
    if (taken)
        virPortAllocatorTaken[port / 8] |= 1U << (port % 8);
    else
        virPortAllocatorTaken[port / 8] &= ~(1U << (port % 8));
}

/* Can @port be bound on the wildcard address of @family? 1 yes, 0 bound
 * by someone, -1 error (reported). A family the host lacks says yes. */
static int
virPortAllocatorBindable(int family, unsigned int port)
{
    struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_port = htons(port),
                               .sin_addr.s_addr = htonl(INADDR_ANY) };
    struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
                                .sin6_addr = IN6ADDR_ANY_INIT };
    int one = 1;
    int fd;
    int rc;

    if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        if (family == AF_INET6 && errno == EAFNOSUPPORT)
            return 1;
        virReportSystemError(errno, "%s", _("cannot make a socket to test a port"));
        return -1;
    }
    /* a port in TIME_WAIT is free for a listener that sets it too */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        rc = bind(fd, (struct sockaddr *)&in6, sizeof(in6));
    } else {
        rc = bind(fd, (struct sockaddr *)&in4, sizeof(in4));
    }
    if (rc < 0 && errno != EADDRINUSE && errno != EADDRNOTAVAIL) {
        virReportSystemError(errno, _("cannot test whether port %u is free"), port);
        close(fd);
        return -1;
    }
    close(fd);
    return rc == 0;
}

int
virPortAllocatorAcquire(unsigned int min, unsigned int max, const char *what,
                        unsigned int *port)
{
    unsigned int p;

    if (min == 0 || max > VIR_PORT_MAX || min > max) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("invalid port range %u-%u for the %s"),
                       min, max, what);
        return -1;
    }
    g_mutex_lock(&virPortAllocatorLock);
    for (p = min; p <= max; p++) {
        int v4;
        int v6 = 0;

        if (virPortAllocatorIsTaken(p))
            continue;
        if ((v4 = virPortAllocatorBindable(AF_INET, p)) < 0 ||
            (v4 && (v6 = virPortAllocatorBindable(AF_INET6, p)) < 0)) {
            g_mutex_unlock(&virPortAllocatorLock);
            return -1;
        }
        if (!v4 || !v6)
            continue;
        virPortAllocatorMark(p, true);
        g_mutex_unlock(&virPortAllocatorLock);
        *port = p;
        return 0;
    }
    g_mutex_unlock(&virPortAllocatorLock);
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("no free port for the %s: all of %u-%u are taken or listened on"),
                   what, min, max);
    return -1;
}

int
virPortAllocatorSetUsed(unsigned int port)
{
    bool taken;

    if (port == 0 || port > VIR_PORT_MAX) {
        virReportError(VIR_ERR_INVALID_ARG, _("invalid port %u"), port);
        return -1;
    }
    g_mutex_lock(&virPortAllocatorLock);
    if (!(taken = virPortAllocatorIsTaken(port)))
        virPortAllocatorMark(port, true);
    g_mutex_unlock(&virPortAllocatorLock);
    if (taken) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("port %u is already used by another migration of this host"), port);
        return -1;
    }
    return 0;
}

void
virPortAllocatorRelease(unsigned int port)
{
    if (port == 0 || port > VIR_PORT_MAX)
        return;
    g_mutex_lock(&virPortAllocatorLock);
    virPortAllocatorMark(port, false);
    g_mutex_unlock(&virPortAllocatorLock);
}
