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
/* The file of the records of pool @netname in @stateDir. */
char *virNetworkVFPoolPath(const char *stateDir, const char *netname);
/* Read the records of a pool without changing them (tools that inspect a
 * root): a table from VF address ("DDDD:BB:SS.F") to owner, for the VFs
 * in use; NULL with an error if the file is unreadable or damaged. */
GHashTable *virNetworkVFPoolReadFile(const char *path);
/* Does somebody outside the pool hold @vf (a domain naming it directly)?
 * 1 yes, 0 no, -1 error. Such VFs stay free in the pool and are skipped. */
typedef int (*virNetworkVFHeldCheck)(const virPCIDeviceAddress *vf, void *opaque);
/* Make @vf the caller's outside the pool too (its host-wide ownership
 * record): 1 done, 0 somebody outside the pool holds it (the VF is
 * skipped and stays free in the pool), -1 error. */
typedef int (*virNetworkVFClaim)(const virPCIDeviceAddress *vf, void *opaque);

/* A free VF for @owner that @claim could claim, recorded as @owner's;
 * error naming the network, its size and how many of its free VFs are
 * held outside it when there is none. If recording fails after the claim,
 * undoing the claim is the caller's job. */
int virNetworkVFPoolAcquire(virNetworkVFPool *pool, const char *owner,
                            virNetworkVFClaim claim, void *opaque,
                            virPCIDeviceAddress *vf);
/* The VF that the (@skip + 1)-th next acquisition would return, left free
 * (what a start would use: domxml-to-native). @held may be NULL. */
int virNetworkVFPoolPeek(virNetworkVFPool *pool, size_t skip, virNetworkVFHeldCheck held,
                         void *opaque, virPCIDeviceAddress *vf);
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
