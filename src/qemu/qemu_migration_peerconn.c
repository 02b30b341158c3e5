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
 */
#include "qemu_migration_peerconn.h"

#include "datatypes.h"

#define QEMU_MIGRATION_PEERCONN_IDLE_US (60 * G_USEC_PER_SEC)

typedef struct {
    virConnectPtr conn;
    gint64 kept;                /* monotonic time it was kept */
} qemuMigrationPeerConn;

static void
qemuMigrationPeerConnFree(gpointer opaque)
{
    qemuMigrationPeerConn *pc = opaque;

    virConnectClose(pc->conn);
    g_free(pc);
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

virConnectPtr
qemuMigrationPeerConnTake(virQEMUDriver *driver, const char *uri)
{
    g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func(qemuMigrationPeerConnFree);
    qemuMigrationPeerConn *pc = NULL;
    virConnectPtr conn = NULL;
    gpointer key = NULL;

    g_mutex_lock(&driver->peerConnsLock);
    if (g_hash_table_steal_extended(qemuMigrationPeerConnTable(driver, stale), uri,
                                    &key, (gpointer *)&pc))
        g_free(key);
    g_mutex_unlock(&driver->peerConnsLock);
    if (!pc)
        return NULL;
    conn = g_steal_pointer(&pc->conn);
    g_free(pc);
    /* a peer whose daemon closed it since (a restart, a drain): a new
     * one. No call to find out more: one to a peer that hangs would wait
     * for keepalive before the open could even start; the migration's
     * own calls find that out, bounded by keepalive too. */
    if (virConnectIsAlive(conn) != 1) {
        virResetLastError();
        virConnectClose(conn);
        return NULL;
    }
    return conn;
}

void
qemuMigrationPeerConnKeep(virQEMUDriver *driver, const char *uri, virConnectPtr conn)
{
    g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func(qemuMigrationPeerConnFree);
    GHashTable *table;

    if (virConnectIsAlive(conn) != 1) {
        virConnectClose(conn);
        return;
    }
    g_mutex_lock(&driver->peerConnsLock);
    table = qemuMigrationPeerConnTable(driver, stale);
    if (!g_hash_table_contains(table, uri)) {
        qemuMigrationPeerConn *pc = g_new0(qemuMigrationPeerConn, 1);

        pc->conn = g_steal_pointer(&conn);
        pc->kept = g_get_monotonic_time();
        g_hash_table_insert(table, g_strdup(uri), pc);
    }
    g_mutex_unlock(&driver->peerConnsLock);
    if (conn)
        virConnectClose(conn);
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
