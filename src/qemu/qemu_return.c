/*
 * qemu_return.c: the host devices a stopped run of a domain held, given
 * back to the host
 */
#include "internal.h"

#include "qemu_domainlog.h"
#include "qemu_hostdev.h"
#include "qemu_interface.h"
#include "qemu_return.h"
#include "virerror.h"
#include "virrootlock.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* How long the exit of a process waits for the returns it started. */
#define QEMU_RETURN_EXIT_WAIT_MS 30000

/* qemuReturnLock guards qemuReturnsRunning: the threads of
 * qemuReturnStart of this process still running. A process that exits
 * (exit(), also after main returns) first waits for them (at most
 * QEMU_RETURN_EXIT_WAIT_MS), so that a virsh that migrated a guest away
 * does not end before its VFs are back. A process killed meanwhile
 * leaves them recorded as held by a run that is gone: the next open of
 * the root gives them back. */
static GMutex qemuReturnLock;
static GCond qemuReturnCond;
static guint qemuReturnsRunning;

/* One device: a pool VF (@netname set) or a host device held under
 * @holder (a VF given directly, or any other PCI device). */
typedef struct {
    char *holder;
    char *netname;
    virPCIDeviceAddress dev;
    virMacAddr mac;             /* of the pool VF's interface, for messages */
} qemuReturnItem;

struct _qemuReturn {
    virQEMUDriver *driver;
    char *name;                 /* the domain's, for its log */
    GArray *items;              /* qemuReturnItem */
    gint64 stopped;             /* monotonic time of the collect */
    GDestroyNotify done;
    void *opaque;
};

static void
qemuReturnItemClear(gpointer data)
{
    qemuReturnItem *item = data;

    g_free(item->holder);
    g_free(item->netname);
}

static void
qemuReturnFree(qemuReturn *ret)
{
    g_array_unref(ret->items);
    g_free(ret->name);
    g_free(ret);
}

static void
qemuReturnAdd(qemuReturn *ret, char *holder, const char *netname,
              const virPCIDeviceAddress *dev, const virMacAddr *mac)
{
    qemuReturnItem item = { .holder = holder, .netname = g_strdup(netname), .dev = *dev };

    if (mac)
        item.mac = *mac;
    g_array_append_val(ret->items, item);
}

qemuReturn *
qemuReturnCollect(virQEMUDriver *driver, virDomainDef *def)
{
    qemuReturn *ret = g_new0(qemuReturn, 1);
    size_t i;

    ret->driver = driver;
    ret->name = g_strdup(def->name);
    ret->stopped = g_get_monotonic_time();
    ret->items = g_array_new(FALSE, FALSE, sizeof(qemuReturnItem));
    g_array_set_clear_func(ret->items, qemuReturnItemClear);
    /* the host devices first, then the interfaces: as qemuHostdevReleaseAll
     * and qemuInterfaceReleaseAll do */
    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];

        if (!h->parentnet)
            qemuReturnAdd(ret, qemuHostdevHolder(def, NULL), NULL, &h->source, NULL);
    }
    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];
        virDomainHostdevDef *vf;

        if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK) {
            if (!net->actual)
                continue;
            qemuReturnAdd(ret, qemuHostdevHolder(def, net), net->data.network.name,
                          &net->actual->hostdev.source, &net->mac);
            virDomainNetClearActual(def, net);
        } else if ((vf = virDomainNetGetActualHostdev(net))) {
            qemuReturnAdd(ret, qemuHostdevHolder(def, vf->parentnet), NULL, &vf->source, NULL);
        }
    }
    if (ret->items->len == 0) {
        qemuReturnFree(ret);
        return NULL;
    }
    return ret;
}

void
qemuReturnRun(qemuReturn *ret)
{
    size_t i;

    for (i = 0; i < ret->items->len; i++) {
        qemuReturnItem *item = &g_array_index(ret->items, qemuReturnItem, i);

        if (item->netname)
            qemuInterfaceReturnVF(ret->driver, item->netname, item->holder, &item->dev,
                                  &item->mac);
        else
            qemuHostdevReleaseSource(ret->driver, item->holder, &item->dev);
    }
    qemuReturnFree(ret);
}

void
qemuReturnAll(virQEMUDriver *driver, virDomainDef *def)
{
    qemuReturn *ret = qemuReturnCollect(driver, def);

    if (ret)
        qemuReturnRun(ret);
}

static void
qemuReturnWaitAtExit(void)
{
    gint64 deadline = g_get_monotonic_time() + QEMU_RETURN_EXIT_WAIT_MS * 1000LL;
    guint left;

    g_mutex_lock(&qemuReturnLock);
    while (qemuReturnsRunning > 0 &&
           g_cond_wait_until(&qemuReturnCond, &qemuReturnLock, deadline))
        ;
    left = qemuReturnsRunning;
    g_mutex_unlock(&qemuReturnLock);
    if (left > 0)
        g_printerr(_("%u stopped guest(s) still giving their host devices back after %d s; the next open of their root gives them back\n"),
                   left, QEMU_RETURN_EXIT_WAIT_MS / 1000);
}

static gpointer
qemuReturnRegisterExit(gpointer data G_GNUC_UNUSED)
{
    atexit(qemuReturnWaitAtExit);
    return NULL;
}

/* The end of qemuReturnStart, in the thread that has the root's lock
 * (@threaded: one of its own, else the caller's). */
static void
qemuReturnFinish(qemuReturn *ret, bool threaded)
{
    virQEMUDriver *driver = ret->driver;
    GDestroyNotify done = ret->done;
    void *opaque = ret->opaque;
    g_autofree char *name = g_strdup(ret->name);
    guint count = ret->items->len;
    gint64 stopped = ret->stopped;

    qemuReturnRun(ret);
    qemuDriverUnlockRoot(driver, true);
    qemuDomainLogNote(driver->config, name,
                      "stop: %u host device(s) given back %.1f ms after the stop%s",
                      count, (g_get_monotonic_time() - stopped) / 1000.0,
                      threaded ? ", in a thread of their own" : "");
    if (done)
        done(opaque);
    g_mutex_lock(&qemuReturnLock);
    qemuReturnsRunning--;
    g_cond_broadcast(&qemuReturnCond);
    g_mutex_unlock(&qemuReturnLock);
}

static gpointer
qemuReturnThread(gpointer opaque)
{
    qemuReturn *ret = opaque;

    virRootLockReceive(ret->driver->rootLock);
    qemuReturnFinish(ret, true);
    return NULL;
}

void
qemuReturnStart(qemuReturn *ret, GDestroyNotify done, void *opaque)
{
    static GOnce registered = G_ONCE_INIT;
    g_autoptr(GError) err = NULL;
    GThread *thread;

    g_once(&registered, qemuReturnRegisterExit, NULL);
    ret->done = done;
    ret->opaque = opaque;
    g_mutex_lock(&qemuReturnLock);
    qemuReturnsRunning++;
    g_mutex_unlock(&qemuReturnLock);
    if (!(thread = g_thread_try_new("host-devices-return", qemuReturnThread, ret, &err))) {
        virReportWarning(_("domain '%s': its host devices are given back before the call returns: no thread for it: %s"),
                         ret->name, err->message);
        qemuReturnFinish(ret, false);
        return;
    }
    virRootLockPass(ret->driver->rootLock, thread);
    g_thread_unref(thread);
}
