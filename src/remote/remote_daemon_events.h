/*
 * remote_daemon_events.h: domain events for the daemon's clients
 *
 * Clients register per callback (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
 * one callbackID per registration, unique in the daemon) for an event ID,
 * for all domains or one. Lifecycle events (DOMAIN_EVENT_CALLBACK_LIFECYCLE)
 * are delivered.
 *
 * TODO: the drivers do not produce events yet. Until they do, lifecycle
 * events come from watching the root: while at least one client listens
 * for them, the domains and their states are listed after every call
 * through the daemon that may change something, and by a thread every
 * remoteEventsSetInterval milliseconds (default 500); each change is turned
 * into the event libvirt sends for it (a new definition: DEFINED; off to
 * running: STARTED; running to paused: SUSPENDED; paused to running:
 * RESUMED; to shut off: STOPPED with the reason of the state; gone:
 * UNDEFINED). So every change is seen, whoever made it (a client of the
 * daemon, an embedded user of the root, the guest itself), but a change
 * undone within one interval is missed, and a definition replaced by
 * another (DEFINED/UPDATED) is not seen. Other event IDs are accepted and
 * never fire.
 */
#pragma once

#include "internal.h"

#include "remote_protocol.h"

/* How an event reaches the client that registered: a MESSAGE of REMOTE
 * procedure @proc with @body (the caller's), sent from any thread.
 * Returns -1 if the client is gone. */
typedef int (*remoteEventSendFunc)(void *opaque, int proc, void *body);

/* Starts the watcher on the root @uri (opened with a connection of its
 * own). 0 or -1 with an error. */
int remoteEventsInit(const char *uri);
/* Stops the watcher and drops every registration. */
void remoteEventsShutdown(void);
void remoteEventsSetInterval(unsigned int ms);

/* A change was just made through the daemon: its events are sent now
 * (before the call that made it is answered), not at the next interval. */
void remoteEventsChanged(void);

/* A registration of @owner (the client; any unique pointer), delivered
 * through @send. @dom NULL: every domain. *@callbackID gets its number. */
int remoteEventsRegister(const void *owner,
                         remoteEventSendFunc send,
                         void *opaque,
                         int eventID,
                         const remote_nonnull_domain *dom,
                         int *callbackID);
/* 0, or -1 with an error when @owner has no registration @callbackID. */
int remoteEventsDeregister(const void *owner, int callbackID);
/* Every registration of @owner (its connection closed). */
void remoteEventsDropOwner(const void *owner);
