/*
 * remoteeventclient.c: a client of our library for remoteoracletest
 *
 *   remoteeventclient URI info
 *       prints what the host-level calls answer (node info, domain
 *       counts and lists) and exits
 *   remoteeventclient URI events SECONDS
 *       registers a lifecycle callback for every domain and a close
 *       callback, prints "ready", then one line per event delivered by
 *       the event loop ("lifecycle NAME EVENT DETAIL"), and "closed
 *       REASON" when the daemon goes away; exits then, or after SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static int quit;

static int
lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    printf("lifecycle %s %d %d\n", virDomainGetName(dom), event, detail);
    fflush(stdout);
    return 0;
}

static void
closed(virConnectPtr conn, int reason, void *opaque)
{
    (void)conn;
    (void)opaque;
    printf("closed %d\n", reason);
    fflush(stdout);
    quit = 1;
}

static void
timeout(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    printf("timeout\n");
    fflush(stdout);
    quit = 1;
}

static int
info(virConnectPtr conn)
{
    virNodeInfo node;
    int ids[64];
    char *names[64];
    int nactive, ninactive, n, i;

    if (virNodeGetInfo(conn, &node) < 0)
        return -1;
    printf("model %s\ncpus %u\nmemory %lu\nmhz %u\nnodes %u\nsockets %u\ncores %u\nthreads %u\n",
           node.model, node.cpus, node.memory, node.mhz, node.nodes,
           node.sockets, node.cores, node.threads);
    if ((nactive = virConnectNumOfDomains(conn)) < 0 ||
        (ninactive = virConnectNumOfDefinedDomains(conn)) < 0)
        return -1;
    printf("active %d\ninactive %d\n", nactive, ninactive);
    if ((n = virConnectListDomains(conn, ids, 64)) < 0)
        return -1;
    for (i = 0; i < n; i++)
        printf("id %d\n", ids[i]);
    if ((n = virConnectListDefinedDomains(conn, names, 64)) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        printf("defined %s\n", names[i]);
        free(names[i]);
    }
    printf("alive %d\n", virConnectIsAlive(conn));
    return 0;
}

static int
events(virConnectPtr conn, int seconds)
{
    if (virConnectRegisterCloseCallback(conn, closed, NULL, NULL) < 0 ||
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(lifecycle),
                                         NULL, NULL) < 0 ||
        virEventAddTimeout(seconds * 1000, timeout, NULL, NULL) < 0)
        return -1;
    printf("ready\n");
    fflush(stdout);
    while (!quit) {
        if (virEventRunDefaultImpl() < 0)
            return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    virConnectPtr conn;
    int ret;

    if (argc < 3) {
        fprintf(stderr, "usage: %s URI info|events SECONDS\n", argv[0]);
        return 2;
    }
    if (virEventRegisterDefaultImpl() < 0 ||
        !(conn = virConnectOpen(argv[1])))
        return 1;
    if (strcmp(argv[2], "info") == 0)
        ret = info(conn);
    else
        ret = events(conn, argc > 3 ? atoi(argv[3]) : 30);
    virConnectClose(conn);
    return ret < 0 ? 1 : 0;
}
