/*
 * qemu_migration_peerconn.c: the connections of peer-to-peer migrations
 * to their destinations' daemons, kept open for the next migration
 *
 * Opening a TLS connection to another daemon costs 10-40 ms (handshake,
 * authentication, CONNECT_OPEN, feature probes), all of it before the
 * migration can start. A source daemon that migrates guests to the same
 * destination again within a minute takes the connection the last one
 * kept, with keepalive on, instead. Nothing closes an idle connection by
 * itself: the next migration that looks at the table (or the driver's
 * end) closes those kept for longer.
 *
 * The close callback of a connection is registered once, as it opens:
 * registering it costs a call to the destination's daemon
 * (CONNECT_REGISTER_CLOSE_CALLBACK), and unregistering another, which a
 * migration that registered its own paid after the guest already ran on
 * the destination. It cancels the migration of whichever domain uses the
 * connection when it ends, and does nothing while the connection is kept.
 */
#include "qemu_migration_peerconn.h"

#include "datatypes.h"
#include "driver.h"
#include "qemu_migration.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

#define QEMU_MIGRATION_PEERCONN_IDLE_US (60 * G_USEC_PER_SEC)

/* What the close callback of a connection knows: owned by its
 * registration, freed when the connection is. */
typedef struct {
    virQEMUDriver *driver;
    /* guards @busy and @uuid; held across the cancel of that domain's
     * migration, so that a migration that has let go of the connection
     * is never cancelled for it (lock order: before the domain list's
     * and a domain's locks, which its holder never holds as it takes
     * this one) */
    GMutex lock;
    bool busy;
    unsigned char uuid[VIR_UUID_BUFLEN];
} qemuMigrationPeerWatch;

struct _qemuMigrationPeerConn {
    char *uri;                      /* as the migration named it */
    virConnectPtr conn;
    qemuMigrationPeerWatch *watch;  /* NULL: no close callback */
    gint64 kept;                    /* monotonic time it was kept */
};

static void
qemuMigrationPeerWatchFree(void *opaque)
{
    qemuMigrationPeerWatch *w = opaque;

    g_mutex_clear(&w->lock);
    g_free(w);
}

/* virConnectCloseFunc: the connection ended (its daemon died, or
 * keepalive found the network gone). The migration that uses it now is
 * cancelled, the guest stays here. */
static void
qemuMigrationPeerConnClosed(virConnectPtr conn G_GNUC_UNUSED, int reason G_GNUC_UNUSED,
                            void *opaque)
{
    qemuMigrationPeerWatch *w = opaque;
    virDomainObj *obj;

    g_mutex_lock(&w->lock);
    if (w->busy && (obj = virDomainObjListGetByUUID(w->driver->domains, w->uuid))) {
        qemuMigrationAbortPeerGone(obj);
        virDomainObjEndAPI(&obj);
    }
    g_mutex_unlock(&w->lock);
}

/* Which domain uses @pc now: @uuid, or none (NULL). */
static void
qemuMigrationPeerConnUse(qemuMigrationPeerConn *pc, const unsigned char *uuid)
{
    if (!pc->watch)
        return;
    g_mutex_lock(&pc->watch->lock);
    pc->watch->busy = uuid != NULL;
    if (uuid)
        memcpy(pc->watch->uuid, uuid, VIR_UUID_BUFLEN);
    g_mutex_unlock(&pc->watch->lock);
}

static void
qemuMigrationPeerConnFree(gpointer opaque)
{
    qemuMigrationPeerConn *pc = opaque;

    /* the watch goes with the connection's last reference */
    virConnectClose(pc->conn);
    g_free(pc->uri);
    g_free(pc);
}

/* A new connection to @uri, ready for migrations: NULL (reported) if it
 * cannot be opened or its daemon does not migrate peer-to-peer. */
static qemuMigrationPeerConn *
qemuMigrationPeerConnOpen(virQEMUDriver *driver, const char *uri)
{
    virQEMUDriverConfig *cfg = driver->config;
    qemuMigrationPeerConn *pc;
    virConnectPtr conn;
    qemuMigrationPeerWatch *w;
    int rc;

    if (!(conn = virConnectOpenInternal(uri, 0)))
        return NULL;
    if ((rc = virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_P2P)) <= 0) {
        if (rc == 0)
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("destination '%s' does not support peer-to-peer migration"),
                           uri);
        virConnectClose(conn);
        return NULL;
    }
    /* both only where a daemon is at the other end (not an embedded root
     * of this process); keepalive as qemu.conf says (libvirt's keys): a
     * peer that answers nothing for interval x count is gone */
    if (virConnectSetKeepAlive(conn, cfg->keepaliveInterval, cfg->keepaliveCount) < 0)
        virResetLastError();
    pc = g_new0(qemuMigrationPeerConn, 1);
    pc->uri = g_strdup(uri);
    pc->conn = conn;
    w = g_new0(qemuMigrationPeerWatch, 1);
    w->driver = driver;
    g_mutex_init(&w->lock);
    if (virConnectRegisterCloseCallback(conn, qemuMigrationPeerConnClosed, w,
                                        qemuMigrationPeerWatchFree) == 0) {
        pc->watch = w;
    } else {
        qemuMigrationPeerWatchFree(w);
        virResetLastError();
    }
    return pc;
}

/* Called with peerConnsLock held: the table, made if needed, without the
 * entries idle for too long (collected in @stale, closed by the caller
 * once the lock is released: a close may wait for the peer). */
static GHashTable *
qemuMigrationPeerConnTable(virQEMUDriver *driver, GPtrArray *stale)
{
    GHashTableIter iter;
    gpointer value;
    gint64 now = g_get_monotonic_time();

    if (!driver->peerConns)
        driver->peerConns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_iter_init(&iter, driver->peerConns);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        qemuMigrationPeerConn *pc = value;

        if (now - pc->kept > QEMU_MIGRATION_PEERCONN_IDLE_US) {
            g_ptr_array_add(stale, pc);
            g_hash_table_iter_remove(&iter);
        }
    }
    return driver->peerConns;
}

qemuMigrationPeerConn *
qemuMigrationPeerConnGet(virQEMUDriver *driver, const char *uri, const unsigned char *uuid)
{
    g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func(qemuMigrationPeerConnFree);
    qemuMigrationPeerConn *pc = NULL;
    gpointer key = NULL;

    g_mutex_lock(&driver->peerConnsLock);
    if (g_hash_table_steal_extended(qemuMigrationPeerConnTable(driver, stale), uri,
                                    &key, (gpointer *)&pc))
        g_free(key);
    g_mutex_unlock(&driver->peerConnsLock);
    /* a peer whose daemon closed it since (a restart, a drain): a new
     * one. No call to find out more: one to a peer that hangs would wait
     * for keepalive before the open could even start; the migration's
     * own calls find that out, bounded by keepalive too. */
    if (pc && virConnectIsAlive(pc->conn) != 1) {
        virResetLastError();
        g_clear_pointer(&pc, qemuMigrationPeerConnFree);
    }
    if (!pc && !(pc = qemuMigrationPeerConnOpen(driver, uri)))
        return NULL;
    qemuMigrationPeerConnUse(pc, uuid);
    return pc;
}

virConnectPtr
qemuMigrationPeerConnConn(qemuMigrationPeerConn *pc)
{
    return pc->conn;
}

void
qemuMigrationPeerConnPut(virQEMUDriver *driver, qemuMigrationPeerConn *pc, bool keep)
{
    g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func(qemuMigrationPeerConnFree);
    GHashTable *table;
    virErrorPtr saved;

    /* the migration's error, if it failed, stays the last one */
    virErrorPreserveLast(&saved);
    qemuMigrationPeerConnUse(pc, NULL);
    if (keep && virConnectIsAlive(pc->conn) == 1) {
        g_mutex_lock(&driver->peerConnsLock);
        table = qemuMigrationPeerConnTable(driver, stale);
        if (!g_hash_table_contains(table, pc->uri)) {
            pc->kept = g_get_monotonic_time();
            g_hash_table_insert(table, g_strdup(pc->uri), pc);
            pc = NULL;
        }
        g_mutex_unlock(&driver->peerConnsLock);
    }
    if (pc)
        qemuMigrationPeerConnFree(pc);
    virErrorRestore(&saved);
}

void
qemuMigrationPeerConnCloseAll(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(qemuMigrationPeerConnFree);

    g_mutex_lock(&driver->peerConnsLock);
    if (driver->peerConns) {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init(&iter, driver->peerConns);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            g_ptr_array_add(all, value);
            g_hash_table_iter_remove(&iter);
        }
        g_clear_pointer(&driver->peerConns, g_hash_table_unref);
    }
    g_mutex_unlock(&driver->peerConnsLock);
}
