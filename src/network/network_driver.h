/*
 * network_driver.h: the embedded network driver (qemu:///embed?root=DIR)
 *
 * Networks of a root live under it:
 *   DIR/lib/network/NAME.xml             persistent definitions
 *   DIR/etc/network/autostart/NAME.xml   symlink: start NAME when the root
 *                                        is first opened (once per run/)
 *   DIR/run/network/NAME.xml             live definition of an active network
 *   DIR/run/network/vfpool/NAME/         VF allocations of an active pool
 *   DIR/lib/network.lock                 flock + generation counter
 *   DIR/run/hostdev/PCIADDR.owner        who holds each VF, host-wide
 *                                        (virhostdev_owner.h)
 *   DIR/etc/network.conf                 sysfs_root = "/path" (else the key of
 *                                        the same name in DIR/etc/qemu.conf,
 *                                        else /sys)
 *
 * Several processes may use one root at once: every operation holds an
 * exclusive flock on DIR/lib/network.lock, and a process re-reads the
 * directories only when another one changed them (generation counter), so
 * a VF allocation costs O(1) when nothing else happened.
 */
#pragma once

#include "internal.h"
#include "virpci.h"
#include "network_vfpool.h"

typedef struct _virNetworkDriverState virNetworkDriverState;

/* Where the network driver keeps the files of a root (the layout above),
 * for the driver and for tools that read a root without opening it. */
typedef struct _virNetworkDriverPaths virNetworkDriverPaths;
struct _virNetworkDriverPaths {
    char *configDir;            /* ROOT/lib/network */
    char *autostartDir;         /* ROOT/etc/network/autostart */
    char *stateDir;             /* ROOT/run/network */
    char *poolDir;              /* ROOT/run/network/vfpool */
    char *lockFile;             /* ROOT/lib/network.lock */
};
virNetworkDriverPaths *networkDriverPathsNew(const char *root);
void networkDriverPathsFree(virNetworkDriverPaths *paths);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetworkDriverPaths, networkDriverPathsFree);
/* The directory holding the VF records of active pool @netname. */
char *networkDriverPoolDir(const virNetworkDriverPaths *paths, const char *netname);

/* Register the driver with the public library (called by virInitialize). */
int networkRegister(void);

/* ---- API for hypervisor drivers (the QEMU driver) ----
 *
 * The driver state of root @root (absolute path), shared by all users in
 * this process; take a reference with networkDriverStateGet and drop it
 * with networkDriverStateUnref. Returns NULL with an error reported. */
virNetworkDriverState *networkDriverStateGet(const char *root);
void networkDriverStateUnref(virNetworkDriverState *driver);

/* Is network @netname an SR-IOV pool (<forward mode='hostdev'>)?
 * Returns 1 (and sets *managed from its managed= attribute if @managed is
 * not NULL), 0 for any other kind of network, -1 with VIR_ERR_NO_NETWORK
 * if there is no such network. The network need not be active. */
int networkIsHostdevPool(virNetworkDriverState *driver, const char *netname,
                         bool *managed);

/* Give @owner (e.g. "qemu/UUID/ID/MAC", whatever the caller can recognise
 * later in networkReconcileVFs; it should name the run of the domain) of
 * domain @domain a free VF of hostdev network @netname: exclusive,
 * persisted before returning, never handed to two callers even in
 * different processes. The VF also gets its host-wide ownership record
 * (virhostdev_owner.h: holder @owner, domain @domain, network @netname);
 * a VF somebody holds outside the pool (a domain naming it directly) is
 * skipped. *vf receives its PCI address and *managed (if @managed is not
 * NULL) the network's managed= setting.
 * Errors: the network does not exist, is not active, is not a hostdev
 * pool, or no VF is free (the message names the network, its size and
 * how many VFs are held outside it). */
int networkAllocateVF(virNetworkDriverState *driver, const char *netname,
                      const char *owner, const char *domain, virPCIDeviceAddress *vf,
                      bool *managed);

/* The VF that the (@skip + 1)-th next networkAllocateVF on @netname would
 * give, without taking it (a preview of a start). Same errors. */
int networkPeekVF(virNetworkDriverState *driver, const char *netname, size_t skip,
                  virPCIDeviceAddress *vf, bool *managed);

/* Return @vf to the pool of @netname if @owner (as given to
 * networkAllocateVF) still holds it, and drop its ownership record if
 * @owner holds that: 1 released (either), 0 it was free or is now
 * somebody else's (left alone: a late or repeated release never takes a
 * VF from its new holder), -1 error. Every domain stop, failed start,
 * hot-unplug and failed migration calls this for every VF it took. */
int networkReleaseVF(virNetworkDriverState *driver, const char *netname,
                     const char *owner, const virPCIDeviceAddress *vf);

/* Return to their pools the VFs whose owner is gone: @ownerAlive is
 * called with each owner string and its VF, and says whether the owner
 * still exists (see virNetworkVFOwnerCheck). The ownership record of such
 * a VF goes too if that owner holds it. The hypervisor driver calls
 * this when it opens a root, after it knows which domains still run. */
int networkReconcileVFs(virNetworkDriverState *driver, virNetworkVFOwnerCheck ownerAlive,
                        void *opaque);

/* Number of VFs of @netname in use (its live connections= value). */
int networkGetConnections(virNetworkDriverState *driver, const char *netname,
                          unsigned int *connections);

