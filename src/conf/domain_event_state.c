/*
 * domain_event_state.c: who listens for a driver's domain events, and
 * the queue that delivers them
 */
#include "internal.h"

#include "domain_event_state.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_EVENT

typedef struct {
    int callbackID;
    int eventID;
    virConnectPtr conn;           /* a reference */
    bool anyDomain;
    unsigned char uuid[VIR_UUID_BUFLEN];
    virConnectDomainEventGenericCallback cb;
    void *opaque;
    virFreeCallback freecb;
    bool deleted;                 /* deregistered during a delivery */
} virDomainEventCallback;

/* @lock guards everything. Callbacks and freecbs run without it. While
 * @dispatching, @callbacks only grows (a deregistration marks the entry
 * deleted), so a delivery can walk it while unlocked between calls. */
struct _virDomainEventState {
    GMutex lock;
    GPtrArray *callbacks;         /* virDomainEventCallback */
    GQueue queue;                 /* virDomainEvent */
    int timer;                    /* -1: not registered yet */
    int nextID;
    int dispatching;
};

static void
virDomainEventCallbackRelease(virDomainEventCallback *c)
{
    if (c->freecb)
        c->freecb(c->opaque);
    virObjectUnrefConnect(c->conn);
    g_free(c);
}

virDomainEventState *
virDomainEventStateNew(void)
{
    virDomainEventState *state = g_new0(virDomainEventState, 1);

    g_mutex_init(&state->lock);
    state->callbacks = g_ptr_array_new();
    g_queue_init(&state->queue);
    state->timer = -1;
    state->nextID = 1;
    return state;
}

void
virDomainEventStateFree(virDomainEventState *state)
{
    guint i;

    if (!state)
        return;
    if (state->timer >= 0)
        virEventRemoveTimeout(state->timer);
    g_queue_clear_full(&state->queue, (GDestroyNotify)virDomainEventFree);
    for (i = 0; i < state->callbacks->len; i++)
        virDomainEventCallbackRelease(g_ptr_array_index(state->callbacks, i));
    g_ptr_array_unref(state->callbacks);
    g_mutex_clear(&state->lock);
    g_free(state);
}

static bool
virDomainEventCallbackMatches(const virDomainEventCallback *c, const virDomainEvent *event)
{
    return !c->deleted && c->eventID == virDomainEventGetID(event) &&
           (c->anyDomain || memcmp(c->uuid, virDomainEventGetUUID(event), VIR_UUID_BUFLEN) == 0);
}

/* Called with the lock held, no delivery running: takes the deleted
 * callbacks out, for the caller to release unlocked. */
static GPtrArray *
virDomainEventStatePurge(virDomainEventState *state)
{
    GPtrArray *gone = g_ptr_array_new();
    guint i = 0;

    while (i < state->callbacks->len) {
        virDomainEventCallback *c = g_ptr_array_index(state->callbacks, i);

        if (c->deleted) {
            g_ptr_array_add(gone, c);
            g_ptr_array_remove_index(state->callbacks, i);
        } else {
            i++;
        }
    }
    return gone;
}

static void
virDomainEventReleaseAll(GPtrArray *gone)
{
    guint i;

    for (i = 0; i < gone->len; i++)
        virDomainEventCallbackRelease(g_ptr_array_index(gone, i));
    g_ptr_array_unref(gone);
}

static void
virDomainEventStateDeliver(virDomainEventState *state, const virDomainEvent *event)
{
    guint i;

    for (i = 0;; i++) {
        virDomainEventCallback *c;
        virConnectDomainEventGenericCallback cb;
        virConnectPtr conn;
        void *opaque;

        g_mutex_lock(&state->lock);
        if (i >= state->callbacks->len) {
            g_mutex_unlock(&state->lock);
            return;
        }
        c = g_ptr_array_index(state->callbacks, i);
        if (!virDomainEventCallbackMatches(c, event)) {
            g_mutex_unlock(&state->lock);
            continue;
        }
        cb = c->cb;
        conn = c->conn;
        opaque = c->opaque;
        g_mutex_unlock(&state->lock);
        /* the entry (and its @conn reference) stays until delivery ends */
        virDomainEventInvoke(event, conn, cb, opaque);
    }
}

static void
virDomainEventStateFlush(int timer G_GNUC_UNUSED, void *opaque)
{
    virDomainEventState *state = opaque;
    GQueue events = G_QUEUE_INIT;
    virDomainEvent *event;
    GPtrArray *gone = NULL;

    g_mutex_lock(&state->lock);
    virEventUpdateTimeout(state->timer, -1);
    events = state->queue;
    g_queue_init(&state->queue);
    state->dispatching++;
    g_mutex_unlock(&state->lock);

    while ((event = g_queue_pop_head(&events))) {
        virDomainEventStateDeliver(state, event);
        virDomainEventFree(event);
    }

    g_mutex_lock(&state->lock);
    if (--state->dispatching == 0)
        gone = virDomainEventStatePurge(state);
    g_mutex_unlock(&state->lock);
    if (gone)
        virDomainEventReleaseAll(gone);
}

int
virDomainEventStateRegisterID(virDomainEventState *state, virConnectPtr conn,
                              const unsigned char *uuid, int eventID,
                              virConnectDomainEventGenericCallback cb,
                              void *opaque, virFreeCallback freecb)
{
    virDomainEventCallback *c;
    int id;

    if (eventID < 0 || eventID > VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE) {
        virReportError(VIR_ERR_INVALID_ARG, _("unsupported domain event ID %d"), eventID);
        return -1;
    }
    if (!cb) {
        virReportError(VIR_ERR_INVALID_ARG, "%s", _("no domain event callback given"));
        return -1;
    }
    g_mutex_lock(&state->lock);
    if (state->timer < 0 &&
        (state->timer = virEventAddTimeout(-1, virDomainEventStateFlush, state, NULL)) < 0) {
        g_mutex_unlock(&state->lock);
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain events need an event loop: call virEventRegisterDefaultImpl first"));
        return -1;
    }
    c = g_new0(virDomainEventCallback, 1);
    c->callbackID = id = state->nextID++;
    c->eventID = eventID;
    c->conn = conn;
    g_atomic_int_inc(&conn->refs);
    c->anyDomain = !uuid;
    if (uuid)
        memcpy(c->uuid, uuid, VIR_UUID_BUFLEN);
    c->cb = cb;
    c->opaque = opaque;
    c->freecb = freecb;
    g_ptr_array_add(state->callbacks, c);
    g_mutex_unlock(&state->lock);
    return id;
}

/* Marks the callback @callbackID of @conn deleted; returns how many. */
static int
virDomainEventStateDelete(virDomainEventState *state, virConnectPtr conn, int callbackID)
{
    GPtrArray *gone = NULL;
    int n = 0;
    guint i;

    g_mutex_lock(&state->lock);
    for (i = 0; i < state->callbacks->len; i++) {
        virDomainEventCallback *c = g_ptr_array_index(state->callbacks, i);

        if (c->deleted || c->conn != conn || c->callbackID != callbackID)
            continue;
        c->deleted = true;
        n++;
    }
    if (state->dispatching == 0)
        gone = virDomainEventStatePurge(state);
    g_mutex_unlock(&state->lock);
    if (gone)
        virDomainEventReleaseAll(gone);
    return n;
}

int
virDomainEventStateDeregisterID(virDomainEventState *state, virConnectPtr conn,
                                int callbackID)
{
    if (virDomainEventStateDelete(state, conn, callbackID) == 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain event callback %d is not registered on this connection"),
                       callbackID);
        return -1;
    }
    return 0;
}

bool
virDomainEventStateHasListeners(virDomainEventState *state)
{
    bool ret = false;
    guint i;

    g_mutex_lock(&state->lock);
    for (i = 0; i < state->callbacks->len && !ret; i++)
        ret = !((virDomainEventCallback *)g_ptr_array_index(state->callbacks, i))->deleted;
    g_mutex_unlock(&state->lock);
    return ret;
}

void
virDomainEventStateQueue(virDomainEventState *state, virDomainEvent *event)
{
    bool wanted = false;
    guint i;

    if (!event)
        return;
    g_mutex_lock(&state->lock);
    for (i = 0; i < state->callbacks->len && !wanted; i++)
        wanted = virDomainEventCallbackMatches(g_ptr_array_index(state->callbacks, i), event);
    if (wanted) {
        g_queue_push_tail(&state->queue, event);
        virEventUpdateTimeout(state->timer, 0);
    }
    g_mutex_unlock(&state->lock);
    if (!wanted)
        virDomainEventFree(event);
}
