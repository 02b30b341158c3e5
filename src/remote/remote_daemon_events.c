/*
 * remote_daemon_events.c: domain events for the daemon's clients
 */
#include "internal.h"

#include "remote_daemon_events.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

typedef struct {
    const void *owner;
    remoteEventSendFunc send;
    void *opaque;
    int eventID;
    int callbackID;           /* -1: the connection's registration
                               * (CONNECT_DOMAIN_EVENT_REGISTER) */
    bool anyDomain;
    unsigned char uuid[VIR_UUID_BUFLEN];
} remoteEventReg;

/* The event IDs the drivers produce, and the message of each. */
static const struct {
    int eventID;
    int proc;
} remoteEventsForwarded[] = {
    { VIR_DOMAIN_EVENT_ID_LIFECYCLE, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE },
    { VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED },
    { VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED },
    { VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
      REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED },
};

static struct {
    GMutex lock;              /* regs, nextID, quit, interval */
    GCond cond;
    GPtrArray *regs;          /* remoteEventReg */
    int nextID;
    bool quit;
    unsigned int intervalMs;
    GThread *loopThread;      /* runs the event loop the driver delivers on */
    GThread *syncThread;      /* syncs the root while clients listen */
    char *uri;                /* the root's, set by remoteEventsInit */
    /* The daemon's connection for events, opened at the first client
     * registration (driverLock; kept until the shutdown, so threads that
     * found a registration may use it) */
    virConnectPtr conn;
    /* The registrations on the drivers, held only while a client has one
     * (else the driver's sync tick would run for nobody): driverLock
     * guards them and is taken before lock. */
    GMutex driverLock;
    int driverIDs[G_N_ELEMENTS(remoteEventsForwarded)];
    size_t ndriverIDs;
} remoteEvents = { .intervalMs = 500 };


/* Delivery. Sent with the registrations locked: a client's registrations
 * are dropped (remoteEventsDropOwner, from its close hook) before it
 * goes, so the targets stay valid while they are sent to (sending only
 * queues). @body's callbackID is set for each target. A connection's
 * registration gets @legacyProc with @legacyBody (the message without a
 * callbackID); events without such a message (@legacyProc 0) are not for
 * it. */
static void
remoteEventsForward(int eventID, int proc, virDomainPtr dom, int *callbackID, void *body,
                    int legacyProc, void *legacyBody)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    guint i;

    virDomainGetUUID(dom, uuid);
    g_mutex_lock(&remoteEvents.lock);
    for (i = 0; remoteEvents.regs && i < remoteEvents.regs->len; i++) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->eventID != eventID || !r->send ||
            (!r->anyDomain && memcmp(r->uuid, uuid, VIR_UUID_BUFLEN) != 0))
            continue;
        if (r->callbackID < 0) {
            if (legacyProc && r->send(r->opaque, legacyProc, legacyBody) < 0)
                g_info("event %d of domain '%s' not delivered to a connection",
                       eventID, virDomainGetName(dom));
            continue;
        }
        *callbackID = r->callbackID;
        if (r->send(r->opaque, proc, body) < 0)
            g_info("event %d of domain '%s' not delivered to callback %d",
                   eventID, virDomainGetName(dom), r->callbackID);
    }
    g_mutex_unlock(&remoteEvents.lock);
}

static void
remoteEventsDomain(virDomainPtr dom, remote_nonnull_domain *rdom)
{
    rdom->name = (char *)virDomainGetName(dom);
    virDomainGetUUID(dom, (unsigned char *)rdom->uuid);
    rdom->id = (int)virDomainGetID(dom);
}

static int
remoteEventsLifecycle(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom,
                      int event, int detail, void *opaque G_GNUC_UNUSED)
{
    remote_domain_event_callback_lifecycle_msg msg = { 0 };

    remoteEventsDomain(dom, &msg.msg.dom);
    msg.msg.event = event;
    msg.msg.detail = detail;
    remoteEventsForward(VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                        REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, dom, &msg.callbackID, &msg,
                        REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE, &msg.msg);
    return 0;
}

/* The three device events share a message layout (callbackID, dom,
 * devAlias); @opaque is the index in remoteEventsForwarded. */
static void
remoteEventsDevice(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom,
                   const char *alias, void *opaque)
{
    size_t idx = GPOINTER_TO_SIZE(opaque);
    remote_domain_event_callback_device_removed_msg msg = { 0 };

    G_STATIC_ASSERT(sizeof(remote_domain_event_callback_device_removed_msg) ==
                    sizeof(remote_domain_event_callback_device_added_msg));
    G_STATIC_ASSERT(sizeof(remote_domain_event_callback_device_removed_msg) ==
                    sizeof(remote_domain_event_callback_device_removal_failed_msg));
    remoteEventsDomain(dom, &msg.dom);
    msg.devAlias = (char *)alias;
    remoteEventsForward(remoteEventsForwarded[idx].eventID, remoteEventsForwarded[idx].proc,
                        dom, &msg.callbackID, &msg, 0, NULL);
}


/* The threads. */

/* Brings the driver up to date with the root (listing the domains
 * syncs): it reports what it finds changed. */
static int
remoteEventsSyncRoot(void)
{
    virDomainPtr *doms = NULL;
    int n;
    int i;

    if ((n = virConnectListAllDomains(remoteEvents.conn, &doms, 0)) < 0)
        return -1;
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    g_free(doms);
    return 0;
}

/* Is a client listening for @eventID? */
static bool
remoteEventsListeningFor(int eventID)
{
    bool ret = false;
    guint i;

    g_mutex_lock(&remoteEvents.lock);
    for (i = 0; remoteEvents.regs && i < remoteEvents.regs->len && !ret; i++)
        ret = ((remoteEventReg *)g_ptr_array_index(remoteEvents.regs, i))->eventID == eventID;
    g_mutex_unlock(&remoteEvents.lock);
    return ret;
}

/* The primaries (a <teaming type='transient'> of an interface or a
 * hostdev) whose standby interface has not said negotiated='yes'. */
#define REMOTE_EVENTS_FAILOVER_PENDING_XPATH \
    "/domain/devices/*/teaming[@type='transient']" \
    "[@persistent = /domain/devices/interface" \
    "[teaming[@type='persistent'][not(@negotiated='yes')]]/alias/@name]"

bool
remoteEventsFailoverPending(const char *xml)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    int n;

    if (!(doc = virXMLParseStringCtxt(xml, _("live domain XML"), "domain", &ctxt))) {
        g_info("domain events: unreadable live XML: %s", virGetLastErrorMessage());
        virResetLastError();
        return false;
    }
    if ((n = virXPathNodeSet(REMOTE_EVENTS_FAILOVER_PENDING_XPATH, ctxt, NULL)) < 0)
        virResetLastError();
    return n > 0;
}

/* At most this many domains are asked per round. */
#define REMOTE_EVENTS_FAILOVER_MAX 32

/* The driver learns that a standby negotiated failover when it talks to
 * QEMU (monitors are opened per job): running domains with a standby
 * not negotiated yet get their state asked (a query job that never waits
 * for a busy domain; it reconciles the failover state, and the driver
 * sends device-added for the primary). */
static void
remoteEventsQueryFailover(void)
{
    virDomainPtr *doms = NULL;
    int asked = 0;
    int n;
    int i;

    if ((n = virConnectListAllDomains(remoteEvents.conn, &doms,
                                      VIR_CONNECT_LIST_DOMAINS_ACTIVE)) < 0) {
        g_info("domain events: cannot list the running domains: %s", virGetLastErrorMessage());
        return;
    }
    for (i = 0; i < n; i++) {
        g_autofree char *xml = NULL;
        int state;

        if (asked < REMOTE_EVENTS_FAILOVER_MAX &&
            (xml = virDomainGetXMLDesc(doms[i], 0)) && remoteEventsFailoverPending(xml)) {
            asked++;
            if (virDomainGetState(doms[i], &state, NULL, 0) < 0)
                g_info("domain events: cannot query domain '%s': %s",
                       virDomainGetName(doms[i]), virGetLastErrorMessage());
        }
        virDomainFree(doms[i]);
    }
    g_free(doms);
}

/* The application event loop of the daemon: the drivers deliver their
 * events from it. */
static gpointer
remoteEventsLoopThread(gpointer opaque G_GNUC_UNUSED)
{
    for (;;) {
        bool quit;

        g_mutex_lock(&remoteEvents.lock);
        quit = remoteEvents.quit;
        g_mutex_unlock(&remoteEvents.lock);
        if (quit)
            break;
        virEventRunDefaultImpl();
    }
    return NULL;
}

/* While clients listen for device-added, every two seconds the failover
 * state of teaming guests is asked. (The driver itself syncs with the
 * root while it has listeners, the daemon's connection among them.) */
static gpointer
remoteEventsSyncThread(gpointer opaque G_GNUC_UNUSED)
{
    gint64 nextFailover = 0;

    g_mutex_lock(&remoteEvents.lock);
    while (!remoteEvents.quit) {
        gint64 until = g_get_monotonic_time() + remoteEvents.intervalMs * G_TIME_SPAN_MILLISECOND;

        /* idle (no registration): asleep until one comes */
        if (remoteEvents.regs && remoteEvents.regs->len == 0)
            g_cond_wait(&remoteEvents.cond, &remoteEvents.lock);
        else
            g_cond_wait_until(&remoteEvents.cond, &remoteEvents.lock, until);
        if (remoteEvents.quit)
            break;
        g_mutex_unlock(&remoteEvents.lock);
        if (g_get_monotonic_time() >= nextFailover &&
            remoteEventsListeningFor(VIR_DOMAIN_EVENT_ID_DEVICE_ADDED)) {
            remoteEventsQueryFailover();
            nextFailover = g_get_monotonic_time() + 2 * G_TIME_SPAN_SECOND;
        }
        g_mutex_lock(&remoteEvents.lock);
    }
    g_mutex_unlock(&remoteEvents.lock);
    return NULL;
}

static void
remoteEventsWakeFired(int timer, void *opaque G_GNUC_UNUSED)
{
    virEventRemoveTimeout(timer);
}

/* A timeout due at once: the loop's iteration returns and sees @quit. */
static void
remoteEventsWakeLoop(void)
{
    if (virEventAddTimeout(0, remoteEventsWakeFired, NULL, NULL) < 0)
        g_warning("cannot wake the event loop thread");
}

/* Drops the registrations on the drivers. driverLock held. */
static void
remoteEventsDriverDeregister(void)
{
    while (remoteEvents.ndriverIDs > 0) {
        remoteEvents.ndriverIDs--;
        if (virConnectDomainEventDeregisterAny(remoteEvents.conn,
                                               remoteEvents.driverIDs[remoteEvents.ndriverIDs]) < 0)
            g_warning("domain events: cannot deregister from the driver: %s",
                      virGetLastErrorMessage());
    }
}

/* Registers on the drivers for every forwarded event ID. driverLock held. */
static int
remoteEventsDriverRegister(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(remoteEventsForwarded); i++) {
        virConnectDomainEventGenericCallback cb =
            remoteEventsForwarded[i].eventID == VIR_DOMAIN_EVENT_ID_LIFECYCLE ?
            VIR_DOMAIN_EVENT_CALLBACK(remoteEventsLifecycle) :
            VIR_DOMAIN_EVENT_CALLBACK(remoteEventsDevice);
        int id;

        if ((id = virConnectDomainEventRegisterAny(remoteEvents.conn, NULL,
                                                   remoteEventsForwarded[i].eventID, cb,
                                                   GSIZE_TO_POINTER(i), NULL)) < 0) {
            remoteEventsDriverDeregister();
            return -1;
        }
        remoteEvents.driverIDs[remoteEvents.ndriverIDs++] = id;
    }
    return 0;
}

/* Drops the registrations on the drivers when no client has one left. */
static void
remoteEventsDriverUpdate(void)
{
    bool idle;

    g_mutex_lock(&remoteEvents.driverLock);
    g_mutex_lock(&remoteEvents.lock);
    idle = !remoteEvents.regs || remoteEvents.regs->len == 0;
    g_mutex_unlock(&remoteEvents.lock);
    if (idle && remoteEvents.conn)
        remoteEventsDriverDeregister();
    g_mutex_unlock(&remoteEvents.driverLock);
}

size_t
remoteEventsDriverRegistrations(void)
{
    size_t n;

    g_mutex_lock(&remoteEvents.driverLock);
    n = remoteEvents.ndriverIDs;
    g_mutex_unlock(&remoteEvents.driverLock);
    return n;
}

int
remoteEventsInit(const char *uri)
{
    g_autoptr(GError) gerr = NULL;

    if (virEventRegisterDefaultImpl() < 0)
        return -1;
    remoteEvents.uri = g_strdup(uri);
    remoteEvents.regs = g_ptr_array_new_with_free_func(g_free);
    remoteEvents.quit = false;
    if (!(remoteEvents.loopThread = g_thread_try_new("event-loop", remoteEventsLoopThread,
                                                     NULL, &gerr)) ||
        !(remoteEvents.syncThread = g_thread_try_new("domain-events", remoteEventsSyncThread,
                                                     NULL, &gerr))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot start the domain event threads: %s"),
                       gerr->message);
        goto error;
    }
    return 0;

 error:
    remoteEventsShutdown();
    return -1;
}

void
remoteEventsShutdown(void)
{
    g_mutex_lock(&remoteEvents.lock);
    remoteEvents.quit = true;
    g_cond_signal(&remoteEvents.cond);
    g_mutex_unlock(&remoteEvents.lock);
    if (remoteEvents.syncThread)
        g_thread_join(g_steal_pointer(&remoteEvents.syncThread));
    if (remoteEvents.loopThread) {
        remoteEventsWakeLoop();
        g_thread_join(g_steal_pointer(&remoteEvents.loopThread));
    }
    g_mutex_lock(&remoteEvents.driverLock);
    if (remoteEvents.conn) {
        remoteEventsDriverDeregister();
        virConnectClose(remoteEvents.conn);
        remoteEvents.conn = NULL;
    }
    g_clear_pointer(&remoteEvents.uri, g_free);
    g_mutex_unlock(&remoteEvents.driverLock);
    g_mutex_lock(&remoteEvents.lock);
    g_clear_pointer(&remoteEvents.regs, g_ptr_array_unref);
    g_mutex_unlock(&remoteEvents.lock);
}

void
remoteEventsSetInterval(unsigned int ms)
{
    g_mutex_lock(&remoteEvents.lock);
    remoteEvents.intervalMs = MAX(ms, 10);
    g_mutex_unlock(&remoteEvents.lock);
}


/* Registrations. */

/* Is @owner's connection registration in the list? Locked. */
static bool
remoteEventsHasConnectionReg(const void *owner)
{
    guint i;

    for (i = 0; i < remoteEvents.regs->len; i++) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->owner == owner && r->callbackID < 0)
            return true;
    }
    return false;
}

/* Adds a registration; @callbackID NULL: the connection's own. Locked
 * (driverLock). */
static int
remoteEventsAddLocked(const void *owner,
                      remoteEventSendFunc send,
                      void *opaque,
                      int eventID,
                      const remote_nonnull_domain *dom,
                      int *callbackID)
{
    g_autoptr(GMutexLocker) locker = NULL;
    remoteEventReg *r;

    if (!remoteEvents.uri) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s", _("the daemon delivers no events"));
        return -1;
    }
    /* opened only now: opening the root first in the process would run
     * its autostart (the daemon's own connection does, after listening) */
    if (!remoteEvents.conn && !(remoteEvents.conn = virConnectOpenReadOnly(remoteEvents.uri)))
        return -1;
    /* the first registration: the driver starts watching the root now
     * (what it sees now is what later changes are told against); else,
     * the changes of other processes until now are not this client's */
    if ((remoteEvents.ndriverIDs == 0 ? remoteEventsDriverRegister() : remoteEventsSyncRoot()) < 0)
        return -1;
    locker = g_mutex_locker_new(&remoteEvents.lock);
    if (!callbackID && remoteEventsHasConnectionReg(owner)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("this connection is already registered for lifecycle events; deregister it first"));
        return -1;
    }
    r = g_new0(remoteEventReg, 1);
    r->owner = owner;
    r->send = send;
    r->opaque = opaque;
    r->eventID = eventID;
    r->anyDomain = !dom;
    if (dom)
        memcpy(r->uuid, dom->uuid, VIR_UUID_BUFLEN);
    r->callbackID = callbackID ? remoteEvents.nextID++ : -1;
    g_ptr_array_add(remoteEvents.regs, r);
    if (callbackID)
        *callbackID = r->callbackID;
    g_cond_signal(&remoteEvents.cond);
    return 0;
}

static int
remoteEventsAdd(const void *owner,
                remoteEventSendFunc send,
                void *opaque,
                int eventID,
                const remote_nonnull_domain *dom,
                int *callbackID)
{
    int ret;

    if (eventID < 0 || eventID > VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE) {
        virReportError(VIR_ERR_INVALID_ARG, _("unsupported event ID %d"), eventID);
        return -1;
    }
    g_mutex_lock(&remoteEvents.driverLock);
    ret = remoteEventsAddLocked(owner, send, opaque, eventID, dom, callbackID);
    g_mutex_unlock(&remoteEvents.driverLock);
    if (ret < 0)
        remoteEventsDriverUpdate();
    return ret;
}

int
remoteEventsRegister(const void *owner,
                     remoteEventSendFunc send,
                     void *opaque,
                     int eventID,
                     const remote_nonnull_domain *dom,
                     int *callbackID)
{
    return remoteEventsAdd(owner, send, opaque, eventID, dom, callbackID);
}

int
remoteEventsRegisterConnection(const void *owner,
                               remoteEventSendFunc send,
                               void *opaque)
{
    return remoteEventsAdd(owner, send, opaque, VIR_DOMAIN_EVENT_ID_LIFECYCLE, NULL, NULL);
}

/* Removes @owner's registration @callbackID (-1: the connection's). */
static int
remoteEventsRemove(const void *owner, int callbackID)
{
    guint i;

    g_mutex_lock(&remoteEvents.lock);
    for (i = 0; remoteEvents.regs && i < remoteEvents.regs->len; i++) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->owner == owner && r->callbackID == callbackID) {
            g_ptr_array_remove_index(remoteEvents.regs, i);
            g_mutex_unlock(&remoteEvents.lock);
            remoteEventsDriverUpdate();
            return 0;
        }
    }
    g_mutex_unlock(&remoteEvents.lock);
    if (callbackID < 0)
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("this connection is not registered for lifecycle events"));
    else
        virReportError(VIR_ERR_INVALID_ARG,
                       _("no domain event callback %d registered on this connection"), callbackID);
    return -1;
}

int
remoteEventsDeregister(const void *owner, int callbackID)
{
    if (callbackID < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("no domain event callback %d registered on this connection"), callbackID);
        return -1;
    }
    return remoteEventsRemove(owner, callbackID);
}

int
remoteEventsDeregisterConnection(const void *owner)
{
    return remoteEventsRemove(owner, -1);
}

void
remoteEventsDropOwner(const void *owner)
{
    guint i = 0;

    g_mutex_lock(&remoteEvents.lock);
    while (remoteEvents.regs && i < remoteEvents.regs->len) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->owner == owner)
            g_ptr_array_remove_index(remoteEvents.regs, i);
        else
            i++;
    }
    g_mutex_unlock(&remoteEvents.lock);
    remoteEventsDriverUpdate();
}
