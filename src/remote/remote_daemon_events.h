/*
 * remote_daemon_events.h: domain events for the daemon's clients
 *
 * Clients register per callback (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
 * one callbackID per registration, unique in the daemon) for an event ID,
 * for all domains or one. Lifecycle events (DOMAIN_EVENT_CALLBACK_LIFECYCLE)
 * are delivered. A connection may also register as a whole for lifecycle
 * events (CONNECT_DOMAIN_EVENT_REGISTER, what clients use with a server
 * lacking feature 14): DOMAIN_EVENT_LIFECYCLE, without a callbackID.
 *
 * The events come from the drivers (the daemon registers on its own
 * connection to the root for lifecycle and device events and forwards
 * them, only while at least one client has a registration: with none,
 * the driver does not watch the root); they are delivered from an event
 * loop thread of the daemon.
 * The driver syncs with the root while it has listeners, so what other
 * processes on the root changed is reported without a client call. While
 * a client listens for device-added, the failover state of running
 * teaming guests not negotiated yet is asked every two seconds (the
 * thread wakes every remoteEventsSetInterval milliseconds, default 500).
 * Other event IDs are accepted and never fire.
 */
#pragma once

#include "internal.h"

#include "remote_protocol.h"

/* How an event reaches the client that registered: a MESSAGE of REMOTE
 * procedure @proc with @body (the caller's), sent from any thread.
 * Returns -1 if the client is gone. */
typedef int (*remoteEventSendFunc)(void *opaque, int proc, void *body);

/* Prepares the events of the root @uri and starts the event loop and
 * sync threads; the root is opened (a connection of its own) at the first
 * client registration. 0 or -1 with an error. */
int remoteEventsInit(const char *uri);
/* Stops the threads and drops every registration. */
void remoteEventsShutdown(void);
void remoteEventsSetInterval(unsigned int ms);
/* How many registrations the daemon holds on the drivers: 0 while no
 * client has one. */
size_t remoteEventsDriverRegistrations(void);

/* Does the live XML @xml of a running domain have a failover standby
 * (<teaming type='persistent'>) not known to have negotiated, whose
 * primary (<teaming type='transient' persistent='ALIAS'>) it has? Those
 * are the guests whose state is asked while clients listen for
 * device-added. */
bool remoteEventsFailoverPending(const char *xml);

/* A registration of @owner (the client; any unique pointer), delivered
 * through @send. @dom NULL: every domain. *@callbackID gets its number. */
int remoteEventsRegister(const void *owner,
                         remoteEventSendFunc send,
                         void *opaque,
                         int eventID,
                         const remote_nonnull_domain *dom,
                         int *callbackID);
/* The registration of @owner's connection for lifecycle events of every
 * domain (CONNECT_DOMAIN_EVENT_REGISTER), delivered as
 * DOMAIN_EVENT_LIFECYCLE messages (no callbackID); one per connection. */
int remoteEventsRegisterConnection(const void *owner,
                                   remoteEventSendFunc send,
                                   void *opaque);
/* 0, or -1 with an error when @owner's connection is not registered. */
int remoteEventsDeregisterConnection(const void *owner);
/* 0, or -1 with an error when @owner has no registration @callbackID. */
int remoteEventsDeregister(const void *owner, int callbackID);
/* Every registration of @owner (its connection closed). */
void remoteEventsDropOwner(const void *owner);
