/*
 * libvirt-event.c: the default event loop, on a GLib main context
 *
 * Handles and timers registered here run when the application calls
 * virEventRunDefaultImpl() (one iteration of the default main context).
 */
#include "internal.h"
#include <glib-unix.h>

#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_EVENT

typedef struct {
    int id;
    int fd;
    int events;
    GSource *source;
    virEventHandleCallback cb;
    virEventTimeoutCallback tcb;
    int frequency;      /* timers: ms, -1 disabled */
    void *opaque;
    virFreeCallback ff;
    int dispatching;    /* callbacks of this item running now */
    bool removed;       /* out of the table; freed by the last dispatch */
} virEventItem;

/* eventLock guards eventItems, nextEventId and every item's fields. It is
 * never held while an application callback (cb, tcb, ff) runs: those may
 * call any virEvent* function. An item's ff runs once, after the last of
 * its callbacks in progress has returned, so it may free the opaque. */
static GHashTable *eventItems;   /* id -> virEventItem */
static int nextEventId = 1;
static GMutex eventLock;
static bool defaultImplRegistered;

static GIOCondition
virEventToCondition(int events)
{
    GIOCondition cond = 0;

    if (events & VIR_EVENT_HANDLE_READABLE)
        cond |= G_IO_IN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        cond |= G_IO_OUT;
    if (events & VIR_EVENT_HANDLE_ERROR)
        cond |= G_IO_ERR;
    if (events & VIR_EVENT_HANDLE_HANGUP)
        cond |= G_IO_HUP;
    return cond;
}

static int
virEventFromCondition(GIOCondition cond)
{
    int events = 0;

    if (cond & G_IO_IN)
        events |= VIR_EVENT_HANDLE_READABLE;
    if (cond & G_IO_OUT)
        events |= VIR_EVENT_HANDLE_WRITABLE;
    if (cond & G_IO_ERR)
        events |= VIR_EVENT_HANDLE_ERROR;
    if (cond & G_IO_HUP)
        events |= VIR_EVENT_HANDLE_HANGUP;
    return events;
}

static void
virEventItemDisarm(virEventItem *item)
{
    if (item->source) {
        g_source_destroy(item->source);
        g_source_unref(item->source);
        item->source = NULL;
    }
}

static void
virEventEnsureTable(void)
{
    if (!eventItems)
        eventItems = g_hash_table_new(g_direct_hash, g_direct_equal);
}

/* Called with eventLock held, on an item out of the table with no callback
 * running: frees it and returns its ff, for the caller to run (with
 * *opaque) once it has released eventLock. */
static virFreeCallback
virEventItemRelease(virEventItem *item, void **opaque)
{
    virFreeCallback ff = item->ff;

    *opaque = item->opaque;
    virEventItemDisarm(item);
    g_free(item);
    return ff;
}

/* Look up @id for a dispatch: NULL if it is gone, else the item, counted
 * as dispatching until virEventDispatchEnd. */
static virEventItem *
virEventDispatchBegin(int id)
{
    virEventItem *item;

    g_mutex_lock(&eventLock);
    if ((item = g_hash_table_lookup(eventItems, GINT_TO_POINTER(id))))
        item->dispatching++;
    g_mutex_unlock(&eventLock);
    return item;
}

/* The callback of @item has returned: if the item was removed meanwhile
 * and this was its last callback, free it and run its ff (unlocked). */
static void
virEventDispatchEnd(virEventItem *item)
{
    virFreeCallback ff = NULL;
    void *opaque = NULL;

    g_mutex_lock(&eventLock);
    if (--item->dispatching == 0 && item->removed)
        ff = virEventItemRelease(item, &opaque);
    g_mutex_unlock(&eventLock);
    if (ff)
        ff(opaque);
}

static gboolean
virEventDispatchHandle(gint fd, GIOCondition cond, gpointer data)
{
    int id = GPOINTER_TO_INT(data);
    virEventItem *item;

    if (!(item = virEventDispatchBegin(id)))
        return G_SOURCE_REMOVE;
    item->cb(id, fd, virEventFromCondition(cond), item->opaque);
    virEventDispatchEnd(item);
    return G_SOURCE_CONTINUE;
}

static void
virEventArmHandle(virEventItem *item)
{
    virEventItemDisarm(item);
    if (item->events == 0)
        return;
    item->source = g_unix_fd_source_new(item->fd, virEventToCondition(item->events));
    g_source_set_callback(item->source, G_SOURCE_FUNC(virEventDispatchHandle),
                          GINT_TO_POINTER(item->id), NULL);
    g_source_attach(item->source, NULL);
}

int
virEventAddHandle(int fd, int events, virEventHandleCallback cb,
                  void *opaque, virFreeCallback ff)
{
    virEventItem *item;
    int id;

    if (fd < 0 || !cb)
        return -1;
    g_mutex_lock(&eventLock);
    virEventEnsureTable();
    item = g_new0(virEventItem, 1);
    item->id = id = nextEventId++;
    item->fd = fd;
    item->events = events;
    item->cb = cb;
    item->opaque = opaque;
    item->ff = ff;
    virEventArmHandle(item);
    g_hash_table_insert(eventItems, GINT_TO_POINTER(id), item);
    g_mutex_unlock(&eventLock);
    return id;
}

void
virEventUpdateHandle(int watch, int events)
{
    virEventItem *item;

    g_mutex_lock(&eventLock);
    if (eventItems &&
        (item = g_hash_table_lookup(eventItems, GINT_TO_POINTER(watch))) &&
        item->cb) {
        item->events = events;
        virEventArmHandle(item);
    }
    g_mutex_unlock(&eventLock);
}

static int
virEventRemoveItem(int id)
{
    virEventItem *item = NULL;
    virFreeCallback ff = NULL;
    void *opaque = NULL;
    bool found;

    g_mutex_lock(&eventLock);
    found = eventItems &&
            g_hash_table_steal_extended(eventItems, GINT_TO_POINTER(id),
                                        NULL, (gpointer *)&item);
    if (found) {
        if (item->dispatching > 0) {
            /* its callback is running: the dispatch frees it when done */
            item->removed = true;
            virEventItemDisarm(item);
        } else {
            ff = virEventItemRelease(item, &opaque);
        }
    }
    g_mutex_unlock(&eventLock);
    if (ff)
        ff(opaque);
    return found ? 0 : -1;
}

int
virEventRemoveHandle(int watch)
{
    return virEventRemoveItem(watch);
}

static gboolean
virEventDispatchTimeout(gpointer data)
{
    int id = GPOINTER_TO_INT(data);
    virEventItem *item;

    if (!(item = virEventDispatchBegin(id)))
        return G_SOURCE_REMOVE;
    item->tcb(id, item->opaque);
    virEventDispatchEnd(item);
    return G_SOURCE_CONTINUE;
}

static void
virEventArmTimeout(virEventItem *item)
{
    virEventItemDisarm(item);
    if (item->frequency < 0)
        return;
    item->source = g_timeout_source_new(item->frequency);
    g_source_set_callback(item->source, virEventDispatchTimeout,
                          GINT_TO_POINTER(item->id), NULL);
    g_source_attach(item->source, NULL);
}

int
virEventAddTimeout(int frequency, virEventTimeoutCallback cb,
                   void *opaque, virFreeCallback ff)
{
    virEventItem *item;
    int id;

    if (!cb)
        return -1;
    g_mutex_lock(&eventLock);
    virEventEnsureTable();
    item = g_new0(virEventItem, 1);
    item->id = id = nextEventId++;
    item->fd = -1;
    item->tcb = cb;
    item->frequency = frequency;
    item->opaque = opaque;
    item->ff = ff;
    virEventArmTimeout(item);
    g_hash_table_insert(eventItems, GINT_TO_POINTER(id), item);
    g_mutex_unlock(&eventLock);
    return id;
}

void
virEventUpdateTimeout(int timer, int frequency)
{
    virEventItem *item;

    g_mutex_lock(&eventLock);
    if (eventItems &&
        (item = g_hash_table_lookup(eventItems, GINT_TO_POINTER(timer))) &&
        item->tcb) {
        item->frequency = frequency;
        virEventArmTimeout(item);
    }
    g_mutex_unlock(&eventLock);
}

int
virEventRemoveTimeout(int timer)
{
    return virEventRemoveItem(timer);
}

int
virEventRegisterDefaultImpl(void)
{
    virResetLastError();
    if (virInitialize() < 0) {
        virDispatchError(NULL);
        return -1;
    }
    defaultImplRegistered = true;
    return 0;
}

int
virEventRunDefaultImpl(void)
{
    virResetLastError();
    if (!defaultImplRegistered) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("virEventRegisterDefaultImpl() was not called"));
        virDispatchError(NULL);
        return -1;
    }
    g_main_context_iteration(NULL, TRUE);
    return 0;
}
