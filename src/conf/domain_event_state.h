/*
 * domain_event_state.h: who listens for a driver's domain events, and
 * the queue that delivers them
 *
 * A driver queues events where it commits a change (with its locks held
 * or not); they are delivered later, from the application's event loop
 * (a virEvent timeout armed by the queue), so a callback never runs
 * inside the driver's locks nor inside the API call that caused the
 * event, and may call any API, including deregistering itself or
 * another callback. A callback deregistered while events are being
 * delivered gets no further event; its freecb runs once delivery has
 * ended, never with the state's lock held.
 */
#pragma once

#include "internal.h"
#include "domain_event.h"

typedef struct _virDomainEventState virDomainEventState;

virDomainEventState *virDomainEventStateNew(void);
void virDomainEventStateFree(virDomainEventState *state);

/* Registers @cb on @conn for @eventID (0 .. VIR_DOMAIN_EVENT_ID_LAST-1),
 * for the domain of @uuid only, or every domain (@uuid NULL). Holds a
 * reference on @conn until deregistered (as libvirt does). An event loop
 * must be registered (virEventRegisterDefaultImpl). Returns the callback
 * ID, or -1 with an error. */
int virDomainEventStateRegisterID(virDomainEventState *state, virConnectPtr conn,
                                  const unsigned char *uuid, int eventID,
                                  virConnectDomainEventGenericCallback cb,
                                  void *opaque, virFreeCallback freecb);
/* 0, or -1 with an error when @conn has no callback @callbackID. */
int virDomainEventStateDeregisterID(virDomainEventState *state, virConnectPtr conn,
                                    int callbackID);
/* Whether anyone listens (for anything) now. */
bool virDomainEventStateHasListeners(virDomainEventState *state);

/* Queues @event (stolen) for delivery from the event loop. Nobody
 * listening for its ID: dropped at once. */
void virDomainEventStateQueue(virDomainEventState *state, virDomainEvent *event);
