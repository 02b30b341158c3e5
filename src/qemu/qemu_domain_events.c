/*
 * qemu_domain_events.c: the domain events of the QEMU driver
 */
#include "internal.h"

#include "qemu_domain_events.h"
#include "domain_event_state.h"
#include "viruuid.h"

/* What listeners were last told of a domain. */
typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
    int state;
    int reason;
    bool persistent;
    GHashTable *devices;        /* aliases of NICs and host devices (running) */
} qemuDomainEventsSeen;

static void
qemuDomainEventsSeenFree(gpointer data)
{
    qemuDomainEventsSeen *s = data;

    g_free(s->name);
    g_clear_pointer(&s->devices, g_hash_table_unref);
    g_free(s);
}

static bool
qemuDomainEventsActive(int state)
{
    return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE;
}

static void
qemuDomainEventsEmit(virQEMUDriver *driver, const qemuDomainEventsSeen *dom, int id,
                     int type, int detail)
{
    virDomainEventStateQueue(driver->domainEvents,
                             virDomainEventLifecycleNew(dom->name, dom->uuid, id, type, detail));
}

static int
qemuDomainEventsStoppedDetail(int reason)
{
    switch (reason) {
    case VIR_DOMAIN_SHUTOFF_SHUTDOWN:
        return VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    case VIR_DOMAIN_SHUTOFF_CRASHED:
        /* QEMU went away unasked: libvirtd reports the stop as failed
         * (STOPPED_CRASHED is for a guest panic, which we do not handle) */
        return VIR_DOMAIN_EVENT_STOPPED_FAILED;
    case VIR_DOMAIN_SHUTOFF_MIGRATED:
        return VIR_DOMAIN_EVENT_STOPPED_MIGRATED;
    case VIR_DOMAIN_SHUTOFF_SAVED:
        return VIR_DOMAIN_EVENT_STOPPED_SAVED;
    case VIR_DOMAIN_SHUTOFF_FAILED:
        return VIR_DOMAIN_EVENT_STOPPED_FAILED;
    default:
        return VIR_DOMAIN_EVENT_STOPPED_DESTROYED;
    }
}

/* A domain that stopped for @reason (@cur: as it is now, or as it was
 * when it is gone). libvirtd precedes a destroy's STOPPED with
 * (SHUTDOWN, HOST). */
static void
qemuDomainEventsStopped(virQEMUDriver *driver, const qemuDomainEventsSeen *cur, int reason)
{
    int detail = qemuDomainEventsStoppedDetail(reason);

    if (detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED)
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_SHUTDOWN,
                             VIR_DOMAIN_EVENT_SHUTDOWN_HOST);
    qemuDomainEventsEmit(driver, cur, -1, VIR_DOMAIN_EVENT_STOPPED, detail);
}

/* Now running or paused for @cur->reason, after being off. */
static void
qemuDomainEventsStarted(virQEMUDriver *driver, const qemuDomainEventsSeen *cur)
{
    bool migrated = (cur->state == VIR_DOMAIN_RUNNING &&
                     cur->reason == VIR_DOMAIN_RUNNING_MIGRATED) ||
                    (cur->state == VIR_DOMAIN_PAUSED &&
                     cur->reason == VIR_DOMAIN_PAUSED_MIGRATION);

    if (migrated) {
        /* a migration destination: libvirtd sends both */
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_STARTED,
                             VIR_DOMAIN_EVENT_STARTED_MIGRATED);
        if (cur->state == VIR_DOMAIN_RUNNING)
            qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_RESUMED,
                                 VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
        return;
    }
    qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_STARTED,
                         cur->reason == VIR_DOMAIN_RUNNING_RESTORED ?
                         VIR_DOMAIN_EVENT_STARTED_RESTORED : VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (cur->state == VIR_DOMAIN_PAUSED)
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_SUSPENDED,
                             VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
}

static int
qemuDomainEventsSuspendedDetail(int reason)
{
    switch (reason) {
    case VIR_DOMAIN_PAUSED_MIGRATION:
        return VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED;
    case VIR_DOMAIN_PAUSED_IOERROR:
        return VIR_DOMAIN_EVENT_SUSPENDED_IOERROR;
    default:
        return VIR_DOMAIN_EVENT_SUSPENDED_PAUSED;
    }
}

/* DEVICE_@eventID for each device of @a that @b lacks. */
static void
qemuDomainEventsDevicesGone(virQEMUDriver *driver, const qemuDomainEventsSeen *dom,
                            GHashTable *a, GHashTable *b, int eventID)
{
    g_autofree gpointer *aliases = NULL;
    guint n;
    guint i;

    if (!a)
        return;
    aliases = g_hash_table_get_keys_as_array(a, &n);
    for (i = 0; i < n; i++) {
        if (b && g_hash_table_contains(b, aliases[i]))
            continue;
        virDomainEventStateQueue(driver->domainEvents,
                                 virDomainEventDeviceNew(eventID, dom->name, dom->uuid,
                                                         dom->id, aliases[i]));
    }
}

/* The events between @old (NULL: not there) and @cur (NULL: gone). */
static void
qemuDomainEventsCompare(virQEMUDriver *driver, const qemuDomainEventsSeen *old,
                        const qemuDomainEventsSeen *cur)
{
    if (!old) {
        if (cur->persistent)
            qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_DEFINED,
                                 VIR_DOMAIN_EVENT_DEFINED_ADDED);
        if (qemuDomainEventsActive(cur->state))
            qemuDomainEventsStarted(driver, cur);
        return;
    }
    if (!cur) {
        if (qemuDomainEventsActive(old->state))
            qemuDomainEventsStopped(driver, old, VIR_DOMAIN_SHUTOFF_DESTROYED);
        if (old->persistent)
            qemuDomainEventsEmit(driver, old, -1, VIR_DOMAIN_EVENT_UNDEFINED,
                                 VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
        return;
    }
    if (!old->persistent && cur->persistent)
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_DEFINED,
                             VIR_DOMAIN_EVENT_DEFINED_ADDED);

    if (qemuDomainEventsActive(old->state) &&
        (!qemuDomainEventsActive(cur->state) || old->id != cur->id)) {
        /* stopped (and maybe started again since) */
        qemuDomainEventsStopped(driver, old,
                                qemuDomainEventsActive(cur->state) ?
                                VIR_DOMAIN_SHUTOFF_UNKNOWN : cur->reason);
        if (qemuDomainEventsActive(cur->state))
            qemuDomainEventsStarted(driver, cur);
    } else if (!qemuDomainEventsActive(old->state) && qemuDomainEventsActive(cur->state)) {
        qemuDomainEventsStarted(driver, cur);
    } else if (old->state != VIR_DOMAIN_PAUSED && cur->state == VIR_DOMAIN_PAUSED) {
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_SUSPENDED,
                             qemuDomainEventsSuspendedDetail(cur->reason));
    } else if (old->state == VIR_DOMAIN_PAUSED &&
               (cur->state == VIR_DOMAIN_RUNNING || cur->state == VIR_DOMAIN_BLOCKED)) {
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_RESUMED,
                             cur->reason == VIR_DOMAIN_RUNNING_MIGRATED ?
                             VIR_DOMAIN_EVENT_RESUMED_MIGRATED :
                             VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    }

    if (qemuDomainEventsActive(old->state) && qemuDomainEventsActive(cur->state) &&
        old->id == cur->id) {
        /* the same run: hot-plugged and unplugged devices */
        qemuDomainEventsDevicesGone(driver, cur, old->devices, cur->devices,
                                    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED);
        qemuDomainEventsDevicesGone(driver, cur, cur->devices, old->devices,
                                    VIR_DOMAIN_EVENT_ID_DEVICE_ADDED);
    }

    if (old->persistent && !cur->persistent)
        qemuDomainEventsEmit(driver, cur, cur->id, VIR_DOMAIN_EVENT_UNDEFINED,
                             VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
}

/* Is the device of @teaming (its teaming info, or NULL) a failover
 * primary whose standby has not negotiated yet? QEMU keeps such a primary
 * out of the guest until the standby negotiates: only then is it added
 * for listeners (docs/teaming.rst). */
static bool
qemuDomainEventsPrimaryHidden(const virDomainDef *def, const virDomainNetTeamingInfo *teaming)
{
    size_t i;

    if (!teaming || teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT)
        return false;
    for (i = 0; i < def->nnets; i++) {
        const virDomainNetDef *net = def->nets[i];

        if (net->teaming && net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT &&
            STREQ_NULLABLE(net->info.alias, teaming->persistent))
            return net->teaming->negotiated != VIR_DOMAIN_NET_TEAMING_NEGOTIATED_YES;
    }
    return false;
}

/* The aliases of the NICs and host devices of @def that its guest has. */
static GHashTable *
qemuDomainEventsDevices(const virDomainDef *def)
{
    GHashTable *devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const virDomainNetDef *net = def->nets[i];

        if (net->info.alias && !qemuDomainEventsPrimaryHidden(def, net->teaming))
            g_hash_table_add(devices, g_strdup(net->info.alias));
    }
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *h = def->hostdevs[i];

        if (h->info->alias &&
            !qemuDomainEventsPrimaryHidden(def, h->parentnet ? h->parentnet->teaming :
                                                h->teaming))
            g_hash_table_add(devices, g_strdup(h->info->alias));
    }
    return devices;
}

/* The list as listeners should see it: UUID string -> qemuDomainEventsSeen.
 * A domain whose QEMU is still starting keeps what was seen of it (off
 * when new), so that a start gives one STARTED once it is done. */
static GHashTable *
qemuDomainEventsCollect(virQEMUDriver *driver, GHashTable *seen)
{
    g_autoptr(GPtrArray) objs = virDomainObjListCollect(driver->domains);
    GHashTable *now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            qemuDomainEventsSeenFree);
    size_t i;

    for (i = 0; i < objs->len; i++) {
        virDomainObj *obj = g_ptr_array_index(objs, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);
        qemuDomainEventsSeen *s;
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        if (obj->removed)
            continue;
        s = g_new0(qemuDomainEventsSeen, 1);
        s->name = g_strdup(obj->def->name);
        memcpy(s->uuid, obj->def->uuid, VIR_UUID_BUFLEN);
        virUUIDFormat(s->uuid, uuidstr);
        s->persistent = obj->persistent;
        s->state = obj->state;
        s->reason = obj->reason;
        s->id = virDomainObjIsActive(obj) ? obj->def->id : -1;
        if (virDomainObjIsActive(obj))
            s->devices = qemuDomainEventsDevices(obj->def);
        if (s->state == VIR_DOMAIN_PAUSED && s->reason == VIR_DOMAIN_PAUSED_STARTING_UP) {
            const qemuDomainEventsSeen *old = seen ? g_hash_table_lookup(seen, uuidstr) : NULL;

            s->state = old ? old->state : VIR_DOMAIN_SHUTOFF;
            s->reason = old ? old->reason : VIR_DOMAIN_SHUTOFF_UNKNOWN;
            s->id = old ? old->id : -1;
            g_clear_pointer(&s->devices, g_hash_table_unref);
            if (old && old->devices)
                s->devices = g_hash_table_ref(old->devices);
        }
        g_hash_table_insert(now, g_strdup(uuidstr), s);
    }
    return now;
}

void
qemuDomainEventsDiff(virQEMUDriver *driver)
{
    GHashTable *now;
    GHashTableIter iter;
    gpointer key;
    gpointer value;

    g_mutex_lock(&driver->domainEventsLock);
    if (!virDomainEventStateHasListeners(driver->domainEvents)) {
        g_clear_pointer(&driver->domainEventsSeen, g_hash_table_unref);
        g_mutex_unlock(&driver->domainEventsLock);
        return;
    }
    now = qemuDomainEventsCollect(driver, driver->domainEventsSeen);
    if (driver->domainEventsSeen) {
        g_hash_table_iter_init(&iter, now);
        while (g_hash_table_iter_next(&iter, &key, &value))
            qemuDomainEventsCompare(driver, g_hash_table_lookup(driver->domainEventsSeen, key),
                                    value);
        g_hash_table_iter_init(&iter, driver->domainEventsSeen);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            if (!g_hash_table_contains(now, key))
                qemuDomainEventsCompare(driver, value, NULL);
        }
        g_hash_table_unref(driver->domainEventsSeen);
    }
    driver->domainEventsSeen = now;
    g_mutex_unlock(&driver->domainEventsLock);
}

void
qemuDomainEventQueueLifecycle(virQEMUDriver *driver, virDomainObj *obj,
                              int type, int detail)
{
    virDomainEventStateQueue(driver->domainEvents,
                             virDomainEventLifecycleNew(obj->def->name, obj->def->uuid,
                                                        virDomainObjIsActive(obj) ?
                                                        obj->def->id : -1,
                                                        type, detail));
}
