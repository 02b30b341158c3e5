/*
 * libvirt-event.c: the default event loop, on a GLib main context
 *
 * Handles and timers registered here run when the application calls
 * virEventRunDefaultImpl() (one iteration of the default main context).
 *
 * Only the thread running the loop touches the main context: an add,
 * update or removal records the change and wakes the loop, whose next
 * virEventRunDefaultImpl() makes or destroys the GSources first. (Any
 * thread may call virEvent*; a daemon's workers do. GLib orders their
 * changes to a context with its own lock, but a context changed by two
 * threads is then ordered for ThreadSanitizer by nothing it sees, which
 * hid the races of our own code behind reports of GLib's.)
 */
#include "internal.h"
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
    bool stale;         /* events/frequency changed since source was made */
} virEventItem;

/* eventLock guards eventItems, nextEventId, every item's fields, the
 * changes waiting for the loop (eventStale, eventRetired) and eventWakeFd.
 * It is never held while an application callback (cb, tcb, ff) runs:
 * those may call any virEvent* function. An item's ff runs once, after
 * the last of its callbacks in progress has returned, so it may free the
 * opaque. GSources are made, attached and destroyed only by the thread in
 * virEventRunDefaultImpl (virEventApply), under eventLock. */
static GHashTable *eventItems;   /* id -> virEventItem */
static int nextEventId = 1;
static GMutex eventLock;
static GArray *eventStale;       /* ids (int) whose source is to be made again */
static GPtrArray *eventRetired;  /* sources of removed items, to destroy */
static int eventWakeFd = -1;     /* eventfd the loop polls; never closed */
static bool eventWakePending;    /* written since the loop last applied */
static bool eventWoken;          /* the loop's iteration read a wake-up */
static GSource *eventWakeSource; /* the loop's watch on eventWakeFd, from
                                 * virEventRegisterDefaultImpl on */
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

/* Wakes the thread in virEventRunDefaultImpl: it returns from its
 * iteration and applies the changes at its next. eventLock held. */
static void
virEventWake(void)
{
    uint64_t one = 1;

    if (eventWakePending || eventWakeFd < 0)
        return;
    eventWakePending = true;
    if (write(eventWakeFd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        g_warning("cannot wake the event loop: %s", g_strerror(errno));
}

/* Hands @item's source to the loop to destroy. eventLock held. */
static void
virEventItemDisarm(virEventItem *item)
{
    if (item->source) {
        g_ptr_array_add(eventRetired, g_steal_pointer(&item->source));
        virEventWake();
    }
}

/* @item's source is to be made again (virEventApply). eventLock held. */
static void
virEventItemMarkStale(virEventItem *item)
{
    if (!item->stale) {
        item->stale = true;
        g_array_append_val(eventStale, item->id);
    }
    virEventWake();
}

static int
virEventEnsureTable(void)
{
    if (eventItems)
        return 0;
    if ((eventWakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot create the event loop's wake-up file descriptor"));
        return -1;
    }
    eventItems = g_hash_table_new(g_direct_hash, g_direct_equal);
    eventStale = g_array_new(FALSE, FALSE, sizeof(int));
    eventRetired = g_ptr_array_new();
    return 0;
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

/* Look up @id for a dispatch of the current source: NULL if the item is
 * gone or the source no longer stands for it (an update the loop has not
 * applied yet: the events or the frequency it was made for no longer
 * hold; the loop destroys it), else the item, counted as dispatching
 * until virEventDispatchEnd. */
static virEventItem *
virEventDispatchBegin(int id)
{
    GSource *current = g_main_current_source();
    virEventItem *item;

    g_mutex_lock(&eventLock);
    if ((item = g_hash_table_lookup(eventItems, GINT_TO_POINTER(id))) &&
        item->source == current && !item->stale)
        item->dispatching++;
    else
        item = NULL;
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

int
virEventAddHandle(int fd, int events, virEventHandleCallback cb,
                  void *opaque, virFreeCallback ff)
{
    virEventItem *item;
    int id;

    if (fd < 0 || !cb)
        return -1;
    g_mutex_lock(&eventLock);
    if (virEventEnsureTable() < 0) {
        g_mutex_unlock(&eventLock);
        return -1;
    }
    item = g_new0(virEventItem, 1);
    item->id = id = nextEventId++;
    item->fd = fd;
    item->events = events;
    item->cb = cb;
    item->opaque = opaque;
    item->ff = ff;
    g_hash_table_insert(eventItems, GINT_TO_POINTER(id), item);
    virEventItemMarkStale(item);
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
        virEventItemMarkStale(item);
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

int
virEventAddTimeout(int frequency, virEventTimeoutCallback cb,
                   void *opaque, virFreeCallback ff)
{
    virEventItem *item;
    int id;

    if (!cb)
        return -1;
    g_mutex_lock(&eventLock);
    if (virEventEnsureTable() < 0) {
        g_mutex_unlock(&eventLock);
        return -1;
    }
    item = g_new0(virEventItem, 1);
    item->id = id = nextEventId++;
    item->fd = -1;
    item->tcb = cb;
    item->frequency = frequency;
    item->opaque = opaque;
    item->ff = ff;
    g_hash_table_insert(eventItems, GINT_TO_POINTER(id), item);
    virEventItemMarkStale(item);
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
        virEventItemMarkStale(item);
    }
    g_mutex_unlock(&eventLock);
}

int
virEventRemoveTimeout(int timer)
{
    return virEventRemoveItem(timer);
}

static gboolean
virEventWakeDrain(gint fd, GIOCondition cond G_GNUC_UNUSED, gpointer data G_GNUC_UNUSED)
{
    uint64_t count;

    while (read(fd, &count, sizeof(count)) > 0)
        ;
    g_mutex_lock(&eventLock);
    eventWoken = true;
    g_mutex_unlock(&eventLock);
    return G_SOURCE_CONTINUE;
}

/* (Re)makes the source of a stale item, on the default main context. */
static void
virEventItemArm(virEventItem *item)
{
    if (item->source) {
        g_source_destroy(item->source);
        g_clear_pointer(&item->source, g_source_unref);
    }
    item->stale = false;
    if (item->cb) {
        if (item->events == 0)
            return;
        item->source = g_unix_fd_source_new(item->fd, virEventToCondition(item->events));
        g_source_set_callback(item->source, G_SOURCE_FUNC(virEventDispatchHandle),
                              GINT_TO_POINTER(item->id), NULL);
    } else {
        if (item->frequency < 0)
            return;
        item->source = g_timeout_source_new(item->frequency);
        g_source_set_callback(item->source, virEventDispatchTimeout,
                              GINT_TO_POINTER(item->id), NULL);
    }
    g_source_attach(item->source, NULL);
}

/* The thread running the loop brings the main context up to date with
 * the items, before it iterates: sources of removed items are
 * destroyed, those of added or updated ones made. */
static void
virEventApply(void)
{
    guint i;

    g_mutex_lock(&eventLock);
    if (!eventItems) {
        g_mutex_unlock(&eventLock);
        return;
    }
    eventWakePending = false;
    for (i = 0; i < eventRetired->len; i++) {
        GSource *source = g_ptr_array_index(eventRetired, i);

        g_source_destroy(source);
        g_source_unref(source);
    }
    g_ptr_array_set_size(eventRetired, 0);
    for (i = 0; i < eventStale->len; i++) {
        virEventItem *item = g_hash_table_lookup(eventItems,
                                                 GINT_TO_POINTER(g_array_index(eventStale, int, i)));

        if (item)
            virEventItemArm(item);
    }
    g_array_set_size(eventStale, 0);
    g_mutex_unlock(&eventLock);
}

int
virEventRegisterDefaultImpl(void)
{
    virResetLastError();
    if (virInitialize() < 0) {
        virDispatchError(NULL);
        return -1;
    }
    /* The wake-up source is attached here, before the application starts
     * the thread that runs the loop (if another one does): from then on
     * only that thread touches the main context. */
    g_mutex_lock(&eventLock);
    if (virEventEnsureTable() < 0) {
        g_mutex_unlock(&eventLock);
        virDispatchError(NULL);
        return -1;
    }
    if (!eventWakeSource) {
        eventWakeSource = g_unix_fd_source_new(eventWakeFd, G_IO_IN);
        g_source_set_callback(eventWakeSource, G_SOURCE_FUNC(virEventWakeDrain), NULL, NULL);
        g_source_attach(eventWakeSource, NULL);
    }
    g_mutex_unlock(&eventLock);
    defaultImplRegistered = true;
    return 0;
}

int
virEventRunDefaultImpl(void)
{
    bool woken;

    virResetLastError();
    if (!defaultImplRegistered) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("virEventRegisterDefaultImpl() was not called"));
        virDispatchError(NULL);
        return -1;
    }
    virEventApply();
    g_main_context_iteration(NULL, TRUE);
    /* Woken by another thread's change: what it added may be due at once
     * (a timeout of 0, a handle whose fd is ready). It runs within this
     * call, as it would have had the thread attached it itself; nothing
     * else is waited for. */
    g_mutex_lock(&eventLock);
    woken = eventWoken;
    eventWoken = false;
    g_mutex_unlock(&eventLock);
    if (woken) {
        virEventApply();
        g_main_context_iteration(NULL, FALSE);
    }
    return 0;
}
