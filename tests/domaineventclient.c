/*
 * domaineventclient.c: domain events of an embedded connection
 *
 * A client of the public API only: with libvirt's default event loop, it
 * registers for lifecycle events on qemu:///embed?root=(a new directory),
 * defines DOMAIN.xml, defines it again and undefines it, and checks that
 * its callback got (DEFINED, ADDED), (DEFINED, UPDATED), (UNDEFINED,
 * REMOVED) from the loop (none inside the API calls), then deregisters
 * (the freecb runs once) and closes.
 *
 * With "legacy", the callback is registered with the older
 * virConnectDomainEventRegister (a second registration of the same
 * function is refused) and removed with virConnectDomainEventDeregister
 * (a second removal is refused).
 *
 * Usage: domaineventclient DOMAIN.xml [legacy]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <glib.h>

static int events[16][2];
static int nevents;
static int freed;
static int timedOut;

static int
lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    printf("lifecycle %s %d %d\n", virDomainGetName(dom), event, detail);
    if (nevents < 16) {
        events[nevents][0] = event;
        events[nevents][1] = detail;
    }
    nevents++;
    return 0;
}

static void
freeCb(void *opaque)
{
    (void)opaque;
    freed++;
}

static void
timeout(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
    timedOut = 1;
}

int
main(int argc, char **argv)
{
    static const int want[3][2] = {
        { VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED },
        { VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_UPDATED },
        { VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED },
    };
    g_autofree char *root = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *xml = NULL;
    virConnectPtr conn = NULL;
    virDomainPtr dom = NULL;
    int cb = -1;
    int legacy;
    int timer;
    int ret = 1;
    int i;

    legacy = argc == 3 && strcmp(argv[2], "legacy") == 0;
    if ((argc != 2 && !legacy) || !g_file_get_contents(argv[1], &xml, NULL, NULL)) {
        fprintf(stderr, "usage: %s DOMAIN.xml [legacy]\n", argv[0]);
        return 2;
    }
    if (!(root = g_dir_make_tmp("domevent.XXXXXX", NULL)))
        return 1;
    uri = g_strdup_printf("qemu:///embed?root=%s", root);
    if (virEventRegisterDefaultImpl() < 0 || !(conn = virConnectOpen(uri))) {
        fprintf(stderr, "open: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (legacy) {
        if (virConnectDomainEventRegister(conn, lifecycle, NULL, freeCb) < 0) {
            fprintf(stderr, "register: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        cb = 0;
        if (virConnectDomainEventRegister(conn, lifecycle, NULL, NULL) == 0) {
            fprintf(stderr, "the same callback registered twice\n");
            goto cleanup;
        }
    } else if ((cb = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                      VIR_DOMAIN_EVENT_CALLBACK(lifecycle),
                                                      NULL, freeCb)) < 0) {
        fprintf(stderr, "register: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (!(dom = virDomainDefineXML(conn, xml))) {
        fprintf(stderr, "define: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    virDomainFree(dom);
    if (!(dom = virDomainDefineXML(conn, xml)) || virDomainUndefine(dom) < 0) {
        fprintf(stderr, "redefine/undefine: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (nevents != 0) {
        fprintf(stderr, "%d events delivered inside the API calls\n", nevents);
        goto cleanup;
    }
    timer = virEventAddTimeout(5000, timeout, NULL, NULL);
    while (nevents < 3 && !timedOut)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
    if (nevents != 3) {
        fprintf(stderr, "got %d events, expected 3\n", nevents);
        goto cleanup;
    }
    for (i = 0; i < 3; i++) {
        if (events[i][0] != want[i][0] || events[i][1] != want[i][1]) {
            fprintf(stderr, "event %d: (%d, %d), expected (%d, %d)\n", i, events[i][0],
                    events[i][1], want[i][0], want[i][1]);
            goto cleanup;
        }
    }
    if ((legacy ? virConnectDomainEventDeregister(conn, lifecycle) :
         virConnectDomainEventDeregisterAny(conn, cb)) < 0 || freed != 1) {
        fprintf(stderr, "deregister: freecb ran %d times\n", freed);
        goto cleanup;
    }
    cb = -1;
    if (legacy && virConnectDomainEventDeregister(conn, lifecycle) == 0) {
        fprintf(stderr, "a callback no longer registered was deregistered\n");
        goto cleanup;
    }
    ret = 0;
    printf("ok\n");

 cleanup:
    if (dom)
        virDomainFree(dom);
    if (cb >= 0 && legacy)
        virConnectDomainEventDeregister(conn, lifecycle);
    else if (cb >= 0)
        virConnectDomainEventDeregisterAny(conn, cb);
    if (conn)
        virConnectClose(conn);
    if (root) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", root);
    }
    return ret;
}
