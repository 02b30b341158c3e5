/*
 * remote_daemon_events.c: domain events for the daemon's clients
 */
#include "internal.h"

#include "remote_daemon_events.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

/* Event IDs (0 .. 26) and the lifecycle events and details of libvirt's
 * API (protocol.md 3.5). */
#define REMOTE_EVENT_ID_LIFECYCLE 0
#define REMOTE_EVENT_ID_LAST 27

typedef enum {
    REMOTE_LIFECYCLE_DEFINED = 0,
    REMOTE_LIFECYCLE_UNDEFINED = 1,
    REMOTE_LIFECYCLE_STARTED = 2,
    REMOTE_LIFECYCLE_SUSPENDED = 3,
    REMOTE_LIFECYCLE_RESUMED = 4,
    REMOTE_LIFECYCLE_STOPPED = 5,
    REMOTE_LIFECYCLE_CRASHED = 8,
} remoteLifecycleEvent;

enum { REMOTE_DEFINED_ADDED = 0 };
enum { REMOTE_UNDEFINED_REMOVED = 0 };
enum { REMOTE_STARTED_BOOTED = 0, REMOTE_STARTED_MIGRATED = 1, REMOTE_STARTED_RESTORED = 2 };
enum { REMOTE_SUSPENDED_PAUSED = 0, REMOTE_SUSPENDED_MIGRATED = 1, REMOTE_SUSPENDED_IOERROR = 2 };
enum { REMOTE_RESUMED_UNPAUSED = 0, REMOTE_RESUMED_MIGRATED = 1 };
enum {
    REMOTE_STOPPED_SHUTDOWN = 0,
    REMOTE_STOPPED_DESTROYED = 1,
    REMOTE_STOPPED_CRASHED = 2,
    REMOTE_STOPPED_MIGRATED = 3,
    REMOTE_STOPPED_SAVED = 4,
    REMOTE_STOPPED_FAILED = 5,
};
enum { REMOTE_CRASHED_PANICKED = 0 };

typedef struct {
    const void *owner;
    remoteEventSendFunc send;
    void *opaque;
    int eventID;
    int callbackID;
    bool anyDomain;
    unsigned char uuid[VIR_UUID_BUFLEN];
} remoteEventReg;

/* What the watcher last saw of a domain. */
typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
    int state;
    int reason;
    bool persistent;
} remoteDomainSeen;

static void
remoteDomainSeenFree(gpointer data)
{
    remoteDomainSeen *d = data;

    g_free(d->name);
    g_free(d);
}

static struct {
    GMutex lock;              /* regs, nextID, nlifecycle, quit, interval */
    GCond cond;
    GPtrArray *regs;          /* remoteEventReg */
    int nextID;
    size_t nlifecycle;        /* lifecycle registrations */
    bool quit;
    unsigned int intervalMs;
    GThread *thread;
    virConnectPtr conn;

    GMutex pollLock;          /* seen, haveSeen: one poll at a time */
    GHashTable *seen;         /* UUID string -> remoteDomainSeen */
    bool haveSeen;
} remoteEvents = { .intervalMs = 500 };


/* Delivery. */

/* Sent with the registrations locked: a client's registrations are
 * dropped (remoteEventsDropOwner, from its close hook) before it goes, so
 * the targets stay valid while they are sent to (sending only queues). */
/* The detail of a STARTED event for a domain now running for @reason. */
static int
remoteEventsStartedDetail(int reason)
{
    switch (reason) {
    case VIR_DOMAIN_RUNNING_MIGRATED:
        return REMOTE_STARTED_MIGRATED;
    case VIR_DOMAIN_RUNNING_RESTORED:
        return REMOTE_STARTED_RESTORED;
    default:
        return REMOTE_STARTED_BOOTED;
    }
}

/* The detail of a SUSPENDED event for a domain now paused for @reason. */
static int
remoteEventsSuspendedDetail(int reason)
{
    switch (reason) {
    case VIR_DOMAIN_PAUSED_MIGRATION:
        return REMOTE_SUSPENDED_MIGRATED;
    case VIR_DOMAIN_PAUSED_IOERROR:
        return REMOTE_SUSPENDED_IOERROR;
    default:
        return REMOTE_SUSPENDED_PAUSED;
    }
}

static void
remoteEventsEmitLifecycle(const remoteDomainSeen *dom, int id, int event, int detail)
{
    remote_domain_event_callback_lifecycle_msg msg = { 0 };
    guint i;

    msg.msg.dom.name = dom->name;
    memcpy(msg.msg.dom.uuid, dom->uuid, VIR_UUID_BUFLEN);
    msg.msg.dom.id = id;
    msg.msg.event = event;
    msg.msg.detail = detail;

    g_mutex_lock(&remoteEvents.lock);
    for (i = 0; remoteEvents.regs && i < remoteEvents.regs->len; i++) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->eventID != REMOTE_EVENT_ID_LIFECYCLE || !r->send ||
            (!r->anyDomain && memcmp(r->uuid, dom->uuid, VIR_UUID_BUFLEN) != 0))
            continue;
        msg.callbackID = r->callbackID;
        if (r->send(r->opaque, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, &msg) < 0)
            g_info("lifecycle event %d of domain '%s' not delivered to callback %d",
                   event, dom->name, r->callbackID);
    }
    g_mutex_unlock(&remoteEvents.lock);
}

static int
remoteStoppedDetail(int reason)
{
    switch (reason) {
    case VIR_DOMAIN_SHUTOFF_SHUTDOWN:
        return REMOTE_STOPPED_SHUTDOWN;
    case VIR_DOMAIN_SHUTOFF_CRASHED:
        return REMOTE_STOPPED_CRASHED;
    case VIR_DOMAIN_SHUTOFF_MIGRATED:
        return REMOTE_STOPPED_MIGRATED;
    case VIR_DOMAIN_SHUTOFF_SAVED:
        return REMOTE_STOPPED_SAVED;
    case VIR_DOMAIN_SHUTOFF_FAILED:
        return REMOTE_STOPPED_FAILED;
    default:
        return REMOTE_STOPPED_DESTROYED;
    }
}

static bool
remoteStateActive(int state)
{
    return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE;
}

/* The events between what was seen (@old, NULL: not there) and what is
 * (@cur, NULL: gone). */
static void
remoteEventsDiff(const remoteDomainSeen *old, const remoteDomainSeen *cur)
{
    if (!old) {
        if (cur->persistent)
            remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_DEFINED, REMOTE_DEFINED_ADDED);
        if (remoteStateActive(cur->state))
            remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_STARTED, REMOTE_STARTED_BOOTED);
        if (cur->state == VIR_DOMAIN_PAUSED)
            remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_SUSPENDED, REMOTE_SUSPENDED_PAUSED);
        return;
    }
    if (!cur) {
        /* a transient domain that stopped, or a definition removed */
        if (remoteStateActive(old->state))
            remoteEventsEmitLifecycle(old, -1, REMOTE_LIFECYCLE_STOPPED, REMOTE_STOPPED_DESTROYED);
        if (old->persistent)
            remoteEventsEmitLifecycle(old, -1, REMOTE_LIFECYCLE_UNDEFINED, REMOTE_UNDEFINED_REMOVED);
        return;
    }
    if (!old->persistent && cur->persistent)
        remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_DEFINED, REMOTE_DEFINED_ADDED);
    if (old->state == cur->state && old->id == cur->id)
        return;

    switch (cur->state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
        if (old->state == VIR_DOMAIN_PAUSED && old->id == cur->id) {
            remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_RESUMED,
                                      cur->reason == VIR_DOMAIN_RUNNING_MIGRATED ?
                                      REMOTE_RESUMED_MIGRATED : REMOTE_RESUMED_UNPAUSED);
        } else if (!remoteStateActive(old->state) || old->id != cur->id) {
            if (remoteStateActive(old->state))
                remoteEventsEmitLifecycle(old, -1, REMOTE_LIFECYCLE_STOPPED, REMOTE_STOPPED_DESTROYED);
            remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_STARTED,
                                      remoteEventsStartedDetail(cur->reason));
        }
        break;
    case VIR_DOMAIN_PAUSED:
        if (!remoteStateActive(old->state))
            remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_STARTED, REMOTE_STARTED_BOOTED);
        remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_SUSPENDED,
                                  remoteEventsSuspendedDetail(cur->reason));
        break;
    case VIR_DOMAIN_SHUTOFF:
        if (remoteStateActive(old->state))
            remoteEventsEmitLifecycle(cur, -1, REMOTE_LIFECYCLE_STOPPED, remoteStoppedDetail(cur->reason));
        break;
    case VIR_DOMAIN_CRASHED:
        remoteEventsEmitLifecycle(cur, cur->id, REMOTE_LIFECYCLE_CRASHED, REMOTE_CRASHED_PANICKED);
        break;
    default:
        break;
    }
}


/* Watching the root. */

static bool
remoteEventsListening(void)
{
    bool ret;

    g_mutex_lock(&remoteEvents.lock);
    ret = remoteEvents.nlifecycle > 0;
    g_mutex_unlock(&remoteEvents.lock);
    return ret;
}

/* Lists the domains; with something seen before, sends the events of
 * the differences. Nobody listening: forgets what it saw (the next
 * listener starts from a fresh picture). */
/* A domain whose QEMU is still starting is not "paused" for a listener:
 * it keeps the state last seen (shut off, when it was not seen) until the
 * start has ended, as libvirt sends one STARTED event for a start. */
static void
remoteEventsHideStartingUp(remoteDomainSeen *d, const char *uuidstr)
{
    const remoteDomainSeen *old = NULL;

    if (remoteEvents.seen)
        old = g_hash_table_lookup(remoteEvents.seen, uuidstr);
    if (old) {
        d->state = old->state;
        d->reason = old->reason;
        d->id = old->id;
    } else {
        d->state = VIR_DOMAIN_SHUTOFF;
        d->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
        d->id = -1;
    }
}

static void
remoteEventsPoll(void)
{
    g_autoptr(GHashTable) now = NULL;
    virDomainPtr *doms = NULL;
    GHashTableIter iter;
    gpointer key;
    gpointer value;
    int n;
    int i;

    g_mutex_lock(&remoteEvents.pollLock);
    if (!remoteEventsListening()) {
        g_clear_pointer(&remoteEvents.seen, g_hash_table_unref);
        remoteEvents.haveSeen = false;
        goto cleanup;
    }
    if ((n = virConnectListAllDomains(remoteEvents.conn, &doms, 0)) < 0) {
        g_info("domain events: cannot list the domains: %s", virGetLastErrorMessage());
        goto cleanup;
    }
    now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, remoteDomainSeenFree);
    for (i = 0; i < n; i++) {
        remoteDomainSeen *d = g_new0(remoteDomainSeen, 1);
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        d->name = g_strdup(virDomainGetName(doms[i]));
        virDomainGetUUID(doms[i], d->uuid);
        d->id = virDomainGetID(doms[i]);
        d->persistent = virDomainIsPersistent(doms[i]) == 1;
        if (virDomainGetState(doms[i], &d->state, &d->reason, 0) < 0) {
            /* gone between the listing and now: the next poll tells */
            remoteDomainSeenFree(d);
            continue;
        }
        virUUIDFormat(d->uuid, uuidstr);
        if (d->state == VIR_DOMAIN_PAUSED && d->reason == VIR_DOMAIN_PAUSED_STARTING_UP)
            remoteEventsHideStartingUp(d, uuidstr);
        g_hash_table_insert(now, g_strdup(uuidstr), d);
    }
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    g_free(doms);

    if (remoteEvents.haveSeen) {
        g_hash_table_iter_init(&iter, now);
        while (g_hash_table_iter_next(&iter, &key, &value))
            remoteEventsDiff(g_hash_table_lookup(remoteEvents.seen, key), value);
        g_hash_table_iter_init(&iter, remoteEvents.seen);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            if (!g_hash_table_contains(now, key))
                remoteEventsDiff(value, NULL);
        }
    }
    g_clear_pointer(&remoteEvents.seen, g_hash_table_unref);
    remoteEvents.seen = g_steal_pointer(&now);
    remoteEvents.haveSeen = true;

 cleanup:
    g_mutex_unlock(&remoteEvents.pollLock);
}

void
remoteEventsChanged(void)
{
    remoteEventsPoll();
}

static gpointer
remoteEventsThread(gpointer opaque G_GNUC_UNUSED)
{
    g_mutex_lock(&remoteEvents.lock);
    while (!remoteEvents.quit) {
        gint64 until = g_get_monotonic_time() + remoteEvents.intervalMs * G_TIME_SPAN_MILLISECOND;

        g_cond_wait_until(&remoteEvents.cond, &remoteEvents.lock, until);
        if (remoteEvents.quit)
            break;
        g_mutex_unlock(&remoteEvents.lock);
        remoteEventsPoll();
        g_mutex_lock(&remoteEvents.lock);
    }
    g_mutex_unlock(&remoteEvents.lock);
    return NULL;
}

int
remoteEventsInit(const char *uri)
{
    g_autoptr(GError) gerr = NULL;

    if (!(remoteEvents.conn = virConnectOpenReadOnly(uri)))
        return -1;
    remoteEvents.regs = g_ptr_array_new_with_free_func(g_free);
    remoteEvents.quit = false;
    if (!(remoteEvents.thread = g_thread_try_new("domain-events", remoteEventsThread, NULL, &gerr))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot start the domain event thread: %s"),
                       gerr->message);
        virConnectClose(remoteEvents.conn);
        remoteEvents.conn = NULL;
        return -1;
    }
    return 0;
}

void
remoteEventsShutdown(void)
{
    if (!remoteEvents.thread)
        return;
    g_mutex_lock(&remoteEvents.lock);
    remoteEvents.quit = true;
    g_cond_signal(&remoteEvents.cond);
    g_mutex_unlock(&remoteEvents.lock);
    g_thread_join(remoteEvents.thread);
    remoteEvents.thread = NULL;

    g_mutex_lock(&remoteEvents.lock);
    g_clear_pointer(&remoteEvents.regs, g_ptr_array_unref);
    remoteEvents.nlifecycle = 0;
    g_mutex_unlock(&remoteEvents.lock);
    g_clear_pointer(&remoteEvents.seen, g_hash_table_unref);
    remoteEvents.haveSeen = false;
    virConnectClose(remoteEvents.conn);
    remoteEvents.conn = NULL;
}

void
remoteEventsSetInterval(unsigned int ms)
{
    g_mutex_lock(&remoteEvents.lock);
    remoteEvents.intervalMs = MAX(ms, 10);
    g_mutex_unlock(&remoteEvents.lock);
}


/* Registrations. */

int
remoteEventsRegister(const void *owner,
                     remoteEventSendFunc send,
                     void *opaque,
                     int eventID,
                     const remote_nonnull_domain *dom,
                     int *callbackID)
{
    remoteEventReg *r;
    bool first = false;

    if (eventID < 0 || eventID >= REMOTE_EVENT_ID_LAST) {
        virReportError(VIR_ERR_INVALID_ARG, _("unsupported event ID %d"), eventID);
        return -1;
    }
    g_mutex_lock(&remoteEvents.lock);
    if (!remoteEvents.regs) {
        g_mutex_unlock(&remoteEvents.lock);
        virReportError(VIR_ERR_OPERATION_INVALID, "%s", _("the daemon delivers no events"));
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
    r->callbackID = remoteEvents.nextID++;
    g_ptr_array_add(remoteEvents.regs, r);
    if (eventID == REMOTE_EVENT_ID_LIFECYCLE)
        first = remoteEvents.nlifecycle++ == 0;
    *callbackID = r->callbackID;
    g_mutex_unlock(&remoteEvents.lock);

    /* the picture later changes are measured against: taken before the
     * client hears that it is registered */
    if (first)
        remoteEventsPoll();
    return 0;
}

static void
remoteEventsRemoveAt(guint i)
{
    remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

    if (r->eventID == REMOTE_EVENT_ID_LIFECYCLE)
        remoteEvents.nlifecycle--;
    g_ptr_array_remove_index(remoteEvents.regs, i);
}

int
remoteEventsDeregister(const void *owner, int callbackID)
{
    guint i;

    g_mutex_lock(&remoteEvents.lock);
    for (i = 0; remoteEvents.regs && i < remoteEvents.regs->len; i++) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->owner == owner && r->callbackID == callbackID) {
            remoteEventsRemoveAt(i);
            g_mutex_unlock(&remoteEvents.lock);
            return 0;
        }
    }
    g_mutex_unlock(&remoteEvents.lock);
    virReportError(VIR_ERR_INVALID_ARG, _("no domain event callback %d registered on this connection"),
                   callbackID);
    return -1;
}

void
remoteEventsDropOwner(const void *owner)
{
    guint i = 0;

    g_mutex_lock(&remoteEvents.lock);
    while (remoteEvents.regs && i < remoteEvents.regs->len) {
        remoteEventReg *r = g_ptr_array_index(remoteEvents.regs, i);

        if (r->owner == owner)
            remoteEventsRemoveAt(i);
        else
            i++;
    }
    g_mutex_unlock(&remoteEvents.lock);
}
