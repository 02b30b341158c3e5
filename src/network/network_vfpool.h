/*
 * network_vfpool.h: the VFs of one SR-IOV pool and who uses them
 *
 * In memory: a stack of free VFs and a table from VF address to slot, so
 * an allocation or a release is O(1) whatever the pool size. On disk: one
 * fixed-size record per VF in STATEDIR/NAME.vfpool (the owner, or empty),
 * written in place with pwrite, so a process that opens the same root
 * sees every allocation. The file is runtime state (under run/): it must
 * survive the death of a process, not a reboot of the host, so it is not
 * fsync'ed. Callers serialise processes (the network driver holds the
 * root's lock around every call and re-creates the pool from the file
 * when another process changed it).
 */
#pragma once

#include "internal.h"
#include "virpci.h"

typedef struct _virNetworkVFPool virNetworkVFPool;

/* The pool of network @netname over @vfs, with the allocations recorded
 * in @stateDir (created if needed). */
virNetworkVFPool *virNetworkVFPoolNew(const char *netname, const char *stateDir,
                                      const virPCIDeviceAddress *vfs, size_t nvfs);
/* A free VF for @owner; error naming the network and its size when none. */
int virNetworkVFPoolAcquire(virNetworkVFPool *pool, const char *owner,
                            virPCIDeviceAddress *vf);
/* The VF that the (@skip + 1)-th next acquisition would return, left free
 * (what a start would use: domxml-to-native). */
int virNetworkVFPoolPeek(virNetworkVFPool *pool, size_t skip, virPCIDeviceAddress *vf);
/* Free @vf if @owner holds it (any holder if @owner is NULL): 1 freed, 0
 * it was free or somebody else's (left alone), -1 error. */
int virNetworkVFPoolRelease(virNetworkVFPool *pool, const virPCIDeviceAddress *vf,
                            const char *owner);
size_t virNetworkVFPoolConnections(virNetworkVFPool *pool);
/* Is the @owner of @vf still there? Called for each VF in use when pools
 * are reconciled; returning false gives the VF back, and the callback may
 * tidy the VF up first (e.g. restore its MAC). */
typedef bool (*virNetworkVFOwnerCheck)(const char *owner, const virPCIDeviceAddress *vf,
                                       void *opaque);

/* Release the VFs whose owner @ownerAlive says is gone; returns how many. */
int virNetworkVFPoolReconcile(virNetworkVFPool *pool, virNetworkVFOwnerCheck ownerAlive,
                              void *opaque);
void virNetworkVFPoolFree(virNetworkVFPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetworkVFPool, virNetworkVFPoolFree);
