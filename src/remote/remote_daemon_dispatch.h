/*
 * remote_daemon_dispatch.h: the daemon's side of the REMOTE program
 *
 * Each client connection of the daemon has one remoteClient: the
 * connection to our drivers it opened with CONNECT_OPEN and what it asked
 * for on the way. The transport decodes a CALL with the filters of
 * remoteProgram, refuses what a read-only socket may not call (the
 * connection opened for such a client is read-only as well), and hands
 * the decoded args to remoteDispatchCall; the handler of the procedure
 * calls the public API on the client's connection and fills the ret
 * struct, which the transport encodes and frees (xdr_free).
 *
 * A procedure of remoteProgram without a handler here answers "unknown
 * procedure: N" like libvirtd, which clients read as VIR_ERR_NO_SUPPORT.
 */
#pragma once

#include "internal.h"

#include "remote_program.h"
#include "remote_daemon_events.h"

typedef struct _remoteClient remoteClient;

/* @root: the daemon's state root (the embedded drivers' root, absolute);
 * @readonly: the client came in through the read-only socket. */
remoteClient *remoteClientNew(const char *root, bool readonly);
void remoteClientFree(remoteClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(remoteClient, remoteClientFree);

/* How events reach the client (see remote_daemon_events.h); without a
 * sender its registrations are accepted and never fire. */
void remoteClientSetEventSender(remoteClient *client,
                                remoteEventSendFunc send,
                                void *opaque);

/* The client's connection is closed: its event registrations go now,
 * before the transport forgets it. */
void remoteClientClosed(remoteClient *client);

/* Whether the client asked for keepalive (CONNECT_SUPPORTS_FEATURE with
 * VIR_DRV_FEATURE_PROGRAM_KEEPALIVE, answered "supported"): the transport
 * then starts pinging it. Cleared by the call. */
bool remoteClientTakeKeepaliveRequest(remoteClient *client);

/* Whether the client sent CONNECT_CLOSE: the transport closes the
 * connection once the reply is out. */
bool remoteClientCloseRequested(remoteClient *client);

/* Whether the daemon serves procedure @proc. */
bool remoteDispatchHasHandler(int proc);

/* Runs @proc for @client with the decoded @args (of proc->argsFilter) and
 * fills @ret (zeroed, of proc->retFilter; g_malloc'ed members, freed by
 * the caller with xdr_free). 0 on success; -1 with the thread's last error
 * set for the error reply ("unknown procedure: N" for a procedure without
 * a handler). Safe to call from several workers at once for one client. */
int remoteDispatchCall(remoteClient *client,
                       const virNetProcedure *proc,
                       void *args,
                       void *ret);
