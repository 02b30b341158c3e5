/*
 * domain_event.h: a domain event, as a driver produces it
 *
 * An event names its domain by value (name, UUID, id at the time of the
 * event), so it outlives the domain object and is delivered after the
 * driver has released every lock. Event IDs and details are libvirt's
 * (virDomainEventID, virDomainEvent*DetailType).
 */
#pragma once

#include "internal.h"
#include "datatypes.h"

typedef struct _virDomainEvent virDomainEvent;

/* An event of @eventID that carries nothing but its domain. */
virDomainEvent *virDomainEventNew(int eventID, const char *name, const unsigned char *uuid,
                                  int id);
/* VIR_DOMAIN_EVENT_ID_LIFECYCLE: @type a virDomainEventType, @detail its
 * detail. @id: the domain's id as the event reports it (-1 once stopped). */
virDomainEvent *virDomainEventLifecycleNew(const char *name, const unsigned char *uuid,
                                           int id, int type, int detail);
/* VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, _DEVICE_REMOVED or
 * _DEVICE_REMOVAL_FAILED for the device of alias @alias. */
virDomainEvent *virDomainEventDeviceNew(int eventID, const char *name,
                                        const unsigned char *uuid, int id,
                                        const char *alias);
void virDomainEventFree(virDomainEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainEvent, virDomainEventFree);

int virDomainEventGetID(const virDomainEvent *event);
const unsigned char *virDomainEventGetUUID(const virDomainEvent *event);
const char *virDomainEventGetName(const virDomainEvent *event);
int virDomainEventGetDomainID(const virDomainEvent *event);
/* lifecycle events only (-1 for others) */
int virDomainEventGetType(const virDomainEvent *event);
int virDomainEventGetDetail(const virDomainEvent *event);
/* device events only (NULL for others) */
const char *virDomainEventGetAlias(const virDomainEvent *event);

/* Calls @cb, registered for the event's ID on @conn, the way an
 * application callback of that ID is called (a domain handle of @conn). */
void virDomainEventInvoke(const virDomainEvent *event, virConnectPtr conn,
                          virConnectDomainEventGenericCallback cb, void *opaque);
