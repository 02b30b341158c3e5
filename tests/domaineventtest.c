/*
 * domaineventtest.c: the domain event registry and queue
 *
 * Events are delivered from the event loop, never inside the call that
 * queued them; a callback gets only its event ID and, when registered
 * for one domain, only that domain's events; a callback deregistered
 * by another one during a delivery gets nothing more and its freecb runs
 * once, after the delivery, without the registry's lock held (a freecb
 * calling back into the registry would otherwise deadlock).
 */
#include "internal.h"

#include "domain_event_state.h"
#include "testutils.h"

static const unsigned char uuidA[VIR_UUID_BUFLEN] = { 0xa };
static const unsigned char uuidB[VIR_UUID_BUFLEN] = { 0xb };

typedef struct {
    virDomainEventState *state;
    int calls;
    int lastType;
    int lastDetail;
    int lastID;
    char lastName[64];
    char lastAlias[64];
    int freed;
    int deregisterOnCall;   /* > 0: this callback ID is deregistered from the callback */
    int deregisterResult;
    int freedSeenInCallback;
} testCounter;

static int
testLifecycleCb(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, int event,
                int detail, void *opaque)
{
    testCounter *t = opaque;

    t->calls++;
    t->lastType = event;
    t->lastDetail = detail;
    t->lastID = dom->id;
    g_strlcpy(t->lastName, dom->name, sizeof(t->lastName));
    if (t->deregisterOnCall > 0) {
        t->deregisterResult = virDomainEventStateDeregisterID(t->state, conn,
                                                              t->deregisterOnCall);
        t->deregisterOnCall = 0;
    }
    return 0;
}

static void
testDeviceCb(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom G_GNUC_UNUSED,
             const char *alias, void *opaque)
{
    testCounter *t = opaque;

    t->calls++;
    g_strlcpy(t->lastAlias, alias, sizeof(t->lastAlias));
}

static void
testFree(void *opaque)
{
    testCounter *t = opaque;

    t->freed++;
    /* deadlocks if run with the registry locked */
    (void)virDomainEventStateHasListeners(t->state);
}

/* Runs the loop until nothing is queued (the flush timer is at 0 when
 * something is). */
static void
testRunLoop(void)
{
    while (g_main_context_pending(NULL))
        virEventRunDefaultImpl();
}

/* Registers testLifecycleCb with @t on @t's registry, for @uuid (NULL:
 * every domain); the callback ID or -1. */
static int
testWatchLifecycle(virConnectPtr conn, const unsigned char *uuid, testCounter *t,
                   virFreeCallback ff)
{
    return virDomainEventStateRegisterID(t->state, conn, uuid, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(testLifecycleCb), t, ff);
}

static int
testAsyncDelivery(const void *data G_GNUC_UNUSED)
{
    virDomainEventState *state = virDomainEventStateNew();
    virConnectPtr conn = virGetConnect();
    testCounter t = { .state = state };
    int id;
    int ret = -1;

    if ((id = testWatchLifecycle(conn, NULL, &t, testFree)) < 0)
        goto cleanup;
    virDomainEventStateQueue(state, virDomainEventLifecycleNew("d1", uuidA, 7,
                                                               VIR_DOMAIN_EVENT_STOPPED,
                                                               VIR_DOMAIN_EVENT_STOPPED_DESTROYED));
    if (t.calls != 0) {
        printf("#   delivered inside the queueing call\n");
        goto cleanup;
    }
    testRunLoop();
    if (t.calls != 1 || t.lastType != VIR_DOMAIN_EVENT_STOPPED ||
        t.lastDetail != VIR_DOMAIN_EVENT_STOPPED_DESTROYED || t.lastID != 7 ||
        STRNEQ(t.lastName, "d1")) {
        printf("#   got %d calls, last (%d, %d) id %d name '%s'\n", t.calls, t.lastType,
               t.lastDetail, t.lastID, t.lastName);
        goto cleanup;
    }
    if (virDomainEventStateDeregisterID(state, conn, id) < 0 || t.freed != 1) {
        printf("#   freecb ran %d times after deregistering\n", t.freed);
        goto cleanup;
    }
    if (virDomainEventStateDeregisterID(state, conn, id) == 0) {
        printf("#   a second deregistration succeeded\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    virDomainEventStateFree(state);
    virObjectUnrefConnect(conn);
    return ret;
}

static int
testFilter(const void *data G_GNUC_UNUSED)
{
    virDomainEventState *state = virDomainEventStateNew();
    virConnectPtr conn = virGetConnect();
    testCounter onlyA = { .state = state };
    testCounter device = { .state = state };
    int ret = -1;

    if (testWatchLifecycle(conn, uuidA, &onlyA, NULL) < 0 ||
        virDomainEventStateRegisterID(state, conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                      VIR_DOMAIN_EVENT_CALLBACK(testDeviceCb),
                                      &device, NULL) < 0)
        goto cleanup;
    virDomainEventStateQueue(state, virDomainEventLifecycleNew("b", uuidB, 1,
                                                               VIR_DOMAIN_EVENT_STARTED, 0));
    virDomainEventStateQueue(state, virDomainEventDeviceNew(VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                                            "a", uuidA, 1, "net0"));
    virDomainEventStateQueue(state, virDomainEventLifecycleNew("a", uuidA, 2,
                                                               VIR_DOMAIN_EVENT_SUSPENDED,
                                                               VIR_DOMAIN_EVENT_SUSPENDED_PAUSED));
    virDomainEventStateQueue(state, virDomainEventDeviceNew(VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                                            "b", uuidB, 1, "hostdev0"));
    testRunLoop();
    if (onlyA.calls != 1 || STRNEQ(onlyA.lastName, "a") ||
        onlyA.lastType != VIR_DOMAIN_EVENT_SUSPENDED) {
        printf("#   domain filter: %d calls, last '%s' type %d\n", onlyA.calls,
               onlyA.lastName, onlyA.lastType);
        goto cleanup;
    }
    if (device.calls != 1 || STRNEQ(device.lastAlias, "hostdev0")) {
        printf("#   event ID filter: %d calls, alias '%s'\n", device.calls, device.lastAlias);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    virDomainEventStateFree(state);
    virObjectUnrefConnect(conn);
    return ret;
}

static int
testDeregisterDuringDelivery(const void *data G_GNUC_UNUSED)
{
    virDomainEventState *state = virDomainEventStateNew();
    virConnectPtr conn = virGetConnect();
    testCounter first = { .state = state };
    testCounter second = { .state = state };
    int id2;
    int ret = -1;

    if (testWatchLifecycle(conn, NULL, &first, testFree) < 0 ||
        (id2 = testWatchLifecycle(conn, NULL, &second, testFree)) < 0)
        goto cleanup;
    first.deregisterOnCall = id2;
    first.deregisterResult = -2;
    virDomainEventStateQueue(state, virDomainEventLifecycleNew("a", uuidA, 1,
                                                               VIR_DOMAIN_EVENT_STARTED, 0));
    virDomainEventStateQueue(state, virDomainEventLifecycleNew("a", uuidA, 1,
                                                               VIR_DOMAIN_EVENT_SUSPENDED, 0));
    testRunLoop();
    if (first.deregisterResult != 0 || first.calls != 2) {
        printf("#   deregistering from a callback gave %d; first got %d calls\n",
               first.deregisterResult, first.calls);
        goto cleanup;
    }
    if (second.calls != 0 || second.freed != 1) {
        printf("#   the deregistered callback got %d calls, freecb ran %d times\n",
               second.calls, second.freed);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    virDomainEventStateFree(state);
    virObjectUnrefConnect(conn);
    if (ret == 0 && first.freed != 1) {
        printf("#   freecb of a callback still registered at free ran %d times\n", first.freed);
        ret = -1;
    }
    return ret;
}

static int
testNoListener(const void *data G_GNUC_UNUSED)
{
    virDomainEventState *state = virDomainEventStateNew();
    int ret = 0;

    if (virDomainEventStateHasListeners(state))
        ret = -1;
    /* nobody registered: dropped, nothing armed */
    virDomainEventStateQueue(state, virDomainEventLifecycleNew("a", uuidA, 1,
                                                               VIR_DOMAIN_EVENT_STARTED, 0));
    virDomainEventStateFree(state);
    return ret;
}

static int
mymain(void)
{
    if (virEventRegisterDefaultImpl() < 0)
        return -1;
    virTestRun("events are delivered from the loop, with their details",
               testAsyncDelivery, NULL);
    virTestRun("domain and event ID filters", testFilter, NULL);
    virTestRun("deregistering during a delivery", testDeregisterDuringDelivery, NULL);
    virTestRun("an event nobody listens for is dropped", testNoListener, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
