/*
 * virrootlock.h: the lock of a root's shared state, and the registry of
 * per-root driver states of a process
 *
 * Several processes (each virsh is an embedded user) and several threads
 * of each share one root directory. What a driver keeps under the root
 * (definitions, status of running guests, pool ledgers, records) is
 * guarded by one lock file per driver (ROOT/lib/qemu/domains.lock,
 * ROOT/lib/network.lock): an exclusive flock between processes, an owning
 * thread within a process. The file also carries a generation counter
 * that a writer bumps after each change, so that other processes re-read
 * the root only when it changed.
 *
 * Rules (docs/hacking.rst "Threads and locks"):
 * - held only around reads and writes of root state: never across a wait
 *   on QEMU, a job lock, or the boundary of an API call;
 * - nesting only by the owning thread (asserted);
 * - order: domains.lock before network.lock, and a domain's job before
 *   both; never a domain object's lock while waiting for it.
 */
#pragma once

#include "internal.h"

typedef struct _virRootLock virRootLock;

/* Open (creating it) the lock file @path. NULL with an error reported. */
virRootLock *virRootLockNew(const char *path);
void virRootLockFree(virRootLock *lock);

/* Take the lock (waits for the threads of this process, then for other
 * processes; the holders keep it briefly). Nests for the owning thread.
 * 0, or -1 with an error reported. */
int virRootLockAcquire(virRootLock *lock);
/* The same without waiting for another process: 1 taken, 0 another
 * process holds it, -1 error. Threads of this process are waited for. */
int virRootLockTryAcquire(virRootLock *lock);
void virRootLockRelease(virRootLock *lock);
/* Does the calling thread own @lock? */
bool virRootLockIsOwner(virRootLock *lock);
/* The owner, holding @lock once, gives it to thread @to, which takes it
 * with virRootLockReceive and then holds it as if it had acquired it
 * (it releases it). The root stays locked in between: no other thread or
 * process gets the lock before @to has released it. */
void virRootLockPass(virRootLock *lock, GThread *to);
/* Wait until @lock was passed to the calling thread. */
void virRootLockReceive(virRootLock *lock);

/* Generation sync: does the root differ from what this process last read
 * (virRootLockSynced)? Any thread may ask; the answer is sure only for
 * the owner. */
bool virRootLockIsStale(virRootLock *lock);
/* The root's generation now: it moves with every virRootLockChanged of
 * any process (any thread may ask). */
guint64 virRootLockGeneration(virRootLock *lock);
/* This process's view reflects the root as it is now (owner only). */
void virRootLockSynced(virRootLock *lock);
/* This process changed the root: tell the others (owner only). This
 * process stays in sync unless another one changed the root too. */
void virRootLockChanged(virRootLock *lock);
/* Read the root again at the next sync. */
void virRootLockInvalidate(virRootLock *lock);

/* Per-root driver states of this process: one per root directory, shared
 * by every connection to it, freed with the last one. */
typedef struct _virRootRegistry virRootRegistry;
struct _virRootRegistry {
    GMutex lock;                /* guards @states */
    GHashTable *states;         /* root -> virRootRegistryEntry */
};
#define VIR_ROOT_REGISTRY_INIT { 0 }

/* Create the state of a root: NULL with an error reported. */
typedef void *(*virRootStateNew)(const char *root);
typedef void (*virRootStateFree)(void *state);

/* The state of @root, referenced; created by @create when there is none
 * (*@created tells, if not NULL). NULL with an error reported. */
void *virRootRegistryGet(virRootRegistry *reg, const char *root,
                         virRootStateNew create, bool *created);
/* Drop a reference taken by virRootRegistryGet; the last one frees the
 * state with @destroy. */
void virRootRegistryPut(virRootRegistry *reg, const char *root, void *state,
                        virRootStateFree destroy);
