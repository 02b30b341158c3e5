/*
 * qemu_migration_peerconn.h: the connections of peer-to-peer migrations
 * to their destinations' daemons, kept open for the next migration
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"

/* A connection to a destination's daemon, and which domain migrates
 * over it now (for its close callback). */
typedef struct _qemuMigrationPeerConn qemuMigrationPeerConn;

/* A connection to @uri for a peer-to-peer migration of domain @uuid:
 * the one an earlier migration there kept, if it is still open, else a
 * new one (keepalive on as qemu.conf says, checked for peer-to-peer
 * support). One migration uses it at a time; until
 * qemuMigrationPeerConnPut, the end of the connection (the daemon
 * stopped, keepalive found the network gone) cancels that migration:
 * the connection's close callback is registered once, when it opens,
 * not by every migration. Kept connections idle for more than a minute
 * are closed first. NULL (reported) when no connection could be had. */
qemuMigrationPeerConn *qemuMigrationPeerConnGet(virQEMUDriver *driver, const char *uri,
                                                const unsigned char *uuid);

/* The connection itself, for the migration's calls. */
virConnectPtr qemuMigrationPeerConnConn(qemuMigrationPeerConn *pc);

/* After the migration: the domain no longer uses @pc. Kept for the next
 * migration to the same URI if @keep, the connection is alive and no
 * other is kept for that URI; else closed. The last error is left as
 * it was (the migration's, if it failed). */
void qemuMigrationPeerConnPut(virQEMUDriver *driver, qemuMigrationPeerConn *pc, bool keep);

/* Every kept connection closed (the driver goes). */
void qemuMigrationPeerConnCloseAll(virQEMUDriver *driver);
