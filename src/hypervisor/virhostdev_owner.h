/*
 * virhostdev_owner.h: who holds a host PCI device, host-wide
 *
 * A PCI device (a VF of a pool, or one a domain names directly) is given
 * to one running domain at a time, whoever hands it out: a pool
 * allocation of the network driver, a start, a hot-plug or the
 * destination of a migration in the hypervisor driver. The holder of
 * device DDDD:BB:SS.F is recorded in
 *
 *   STATEDIR/DDDD:BB:SS.F.owner      (STATEDIR = ROOT/run/hostdev)
 *
 * a key file, mode 0600:
 *
 *   [owner]
 *   holder=qemu/UUID/ID/WHAT     the run of the domain that holds it
 *   domain=NAME                  that domain's name (for messages)
 *   network=NET                  only when the device came from pool NET
 *
 * or, while a node device detach or reattach (virsh nodedev-detach,
 * nodedev-reattach) moves the device between host drivers, held by the
 * process doing it:
 *
 *   holder=nodedev/PID/STARTTIME the process (virprocess.h: its identity)
 *   domain=nodedev PID           no domain: for the messages of readers
 *                                that know only domain holders
 *
 * A domain that wants a device so held is refused with a message saying
 * that a detach or reattach of the device is in progress (not naming a
 * domain); the nodedev process releases the record when the device has
 * moved. The record of such a process that died is removed by a
 * reconcile once the process is proven gone by pid and start time; it
 * saved no settings, so nothing is restored.
 *
 * next to DDDD:BB:SS.F.vf, the settings the VF had before (see
 * virhostdev_vf.h). The record is created complete or not at all (written
 * to a temporary file, then link()ed to its name), so of processes racing
 * for a device exactly one gets it, without any lock, and nobody ever
 * reads a half-written record. Only the holder removes it (release), or
 * whoever proves the holder gone (reconcile); proving that needs the
 * hypervisor driver's view of running domains, so its callers hold the
 * root's domain lock (see docs/hacking.rst).
 */
#pragma once

#include "internal.h"
#include "virpci.h"
#include "virprocess.h"

/* ROOT/run/hostdev: ownership records and saved VF settings of root @root */
char *virHostdevStateDir(const char *root);

typedef struct _virHostdevOwner virHostdevOwner;
struct _virHostdevOwner {
    char *holder;       /* who, exactly: compared on release */
    char *domain;       /* domain name, for messages */
    char *network;      /* pool network the device came from, or NULL */
};

virHostdevOwner *virHostdevOwnerNew(const char *holder, const char *domain,
                                    const char *network);
void virHostdevOwnerFree(virHostdevOwner *owner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostdevOwner, virHostdevOwnerFree);

/* The holder of a node device detach or reattach run by process @id:
 * "nodedev/PID/STARTTIME". */
char *virHostdevOwnerNodeDevHolder(const virProcessIdentity *id);

/* Is @holder a node device detach or reattach? true with *id (if not
 * NULL) set to its process; false for any other holder, and for one that
 * starts "nodedev/" but does not give both a pid and a start time (it
 * cannot be proven gone: callers treat it like a holder they do not
 * know). */
bool virHostdevOwnerIsNodeDev(const char *holder, virProcessIdentity *id);

/* Record @owner as the holder of @dev. 1 taken; 0 somebody holds it
 * already (no error reported; *current, if not NULL, gets that record);
 * -1 error. */
int virHostdevOwnerTryAcquire(const char *stateDir, const virPCIDeviceAddress *dev,
                              const virHostdevOwner *owner, virHostdevOwner **current);

/* The same, refusing a held device with an error naming its holder. 0
 * taken, -1 error. */
int virHostdevOwnerAcquire(const char *stateDir, const virPCIDeviceAddress *dev,
                           const virHostdevOwner *owner);

/* The record of @dev: 1 held (*owner set), 0 free, -1 unreadable. */
int virHostdevOwnerGet(const char *stateDir, const virPCIDeviceAddress *dev,
                       virHostdevOwner **owner);

/* Remove the record of @dev if @holder holds it (anybody if @holder is
 * NULL): 1 removed, 0 free or somebody else's (left alone: a repeated or
 * late release never takes a device from its new holder), -1 error. */
int virHostdevOwnerRelease(const char *stateDir, const virPCIDeviceAddress *dev,
                           const char *holder);

/* The devices that have a file with suffix @suffix (".owner", ".vf") in
 * @stateDir, in no particular order. */
int virHostdevStateList(const char *stateDir, const char *suffix,
                        virPCIDeviceAddress **devs, size_t *ndevs);
