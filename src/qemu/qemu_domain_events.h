/*
 * qemu_domain_events.h: the domain events of the QEMU driver
 *
 * Run-state and definition changes are found by one diff: what listeners
 * were last told of each domain (name, id, state, reason, persistent)
 * against the domain list now. It runs after every change the driver
 * commits (in the API call that made it, once the domain's lock is
 * released), after a sync of the list with the root that found changes
 * of other processes (an embedded virsh while the daemon runs) or a dead
 * QEMU, and on every tick (below). Each difference gives libvirt's
 * event and detail (the detail from the reason of the new state); a NIC
 * or host device alias that appeared or went within one run of a domain
 * gives DEVICE_ADDED or DEVICE_REMOVED (an unplug is applied once QEMU's
 * DEVICE_DELETED came; a failover primary counts once its standby
 * negotiated, when QEMU plugs it into the guest). A redefinition, which
 * the diff cannot see, is queued where it happens.
 * Delivery is asynchronous (domain_event_state.h). While an embedded
 * connection listens, the root is synced every half second from the
 * application's event loop (qemuDomainEventsTick), so changes made by
 * other processes arrive without the application calling anything.
 */
#pragma once

#include "qemu_conf.h"
#include "virdomainobjlist.h"

/* Reports the differences since the last diff as events; the first diff
 * after someone started listening only takes the picture. No lock held. */
void qemuDomainEventsDiff(virQEMUDriver *driver);

/* Queues a lifecycle event (@type, @detail) of @obj (locked by the
 * caller) that the diff does not show. */
void qemuDomainEventQueueLifecycle(virQEMUDriver *driver, virDomainObj *obj,
                                   int type, int detail);
