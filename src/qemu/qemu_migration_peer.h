/*
 * qemu_migration_peer.h: asking the daemon of another host, in the
 * background, where the guest of an interrupted migration is
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"

/* What a destination daemon's state of the guest (virDomainGetState:
 * @state, @reason) says of where the guest is: a qemuMigrationDstState,
 * and why in *@why. Only a guest it runs, or holds paused for a reason
 * of its own, is one it has; one paused by its incoming migration or
 * while its QEMU starts is undecided (it may still be dropped). */
int qemuMigrationPeerStateOf(int state, int reason, char **why);

/* Called in the asking thread once an answer arrived, and again every
 * 200 ms while nobody took it and it is fresh (10 s). */
typedef void (*qemuMigrationPeerAnswered)(void *opaque);

/* The state (a qemuMigrationDstState) of domain @uuid on the daemon at
 * @uri, if an answer to a question of @key arrived (less than 10 s ago)
 * since the last call: it is handed out once. Otherwise -1. */
int qemuMigrationPeerAnswer(const char *key, const char *uri, const unsigned char *uuid);

/* Ask the daemon at @uri (another host) for the state of domain @uuid
 * (@name), in a thread of its own, unless a question of @key is under
 * way or the last one went out less than a second ago; what was asked
 * and answered goes to @name's log in @cfg (which @opaque keeps alive).
 * @answered(@opaque) runs in that thread once the answer is there,
 * @unref(@opaque) when the thread no longer needs it (at once if no
 * question goes out). Asked while that thread has its answer (a job kept
 * after it), the thread asks again itself, 1 s after its last question,
 * then 2, 4... up to 30 s apart, for as long as it is asked. Nothing
 * waits for the answer: a peer that hangs costs a thread, not a call. */
void qemuMigrationPeerAsk(virQEMUDriverConfig *cfg, const char *key, const char *uri,
                          const char *name, const unsigned char *uuid,
                          qemuMigrationPeerAnswered answered, void *opaque,
                          GDestroyNotify unref);
