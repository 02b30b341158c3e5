/*
 * qemu_migration_peerconn.h: the connections of peer-to-peer migrations
 * to their destinations' daemons, kept open for the next migration
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"

/* An open connection to @uri that an earlier migration left and that
 * is still open, taken out of the keep (one migration uses it at a
 * time); NULL if there is none (open one). Kept connections idle for
 * more than a minute are closed first. */
virConnectPtr qemuMigrationPeerConnTake(virQEMUDriver *driver, const char *uri);

/* @conn (to @uri) after a migration: kept for the next one if it is
 * alive and no other is kept for @uri, else closed. */
void qemuMigrationPeerConnKeep(virQEMUDriver *driver, const char *uri, virConnectPtr conn);

/* Every kept connection closed (the driver goes). */
void qemuMigrationPeerConnCloseAll(virQEMUDriver *driver);
