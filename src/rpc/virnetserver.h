/*
 * virnetserver.h: the RPC server (libvirt's wire protocol, server side)
 *
 * One server object owns a GMainContext and runs it in the thread that
 * calls virNetServerRun. In that thread: accepting on the services
 * (listening sockets), reading and writing every client (non-blocking),
 * framing, keepalive, limits. Calls are dispatched to a worker pool:
 *
 *   frame read -> header decoded -> KEEPALIVE handled in place
 *     -> virNetProgramFindProcedure over the registered programs
 *        ("Cannot find program N version V", "unknown procedure: N")
 *     -> type must be CALL / CALL_WITH_FDS with status OK
 *     -> "authentication required" unless authenticated or @noauth
 *     -> read-only client and a procedure without @ro: refused,
 *        VIR_ERR_OPERATION_DENIED "operation forbidden: read only access
 *        prevents virDomainDestroy" (the API name made from the procedure)
 *     -> on a worker: args decoded with the table's filter (garbage or a
 *        value over its .x maximum: error reply), the program's handler
 *        called, its ret encoded as the REPLY with the call's serial, or
 *        the thread's last virError as the error body.
 * Every refusal above is an error REPLY to that call; the connection stays
 * usable. A length word below 28 or above 4 + VIR_NET_MESSAGE_MAX
 * (32 MiB + 4) closes the connection (the stream cannot be resynchronised).
 *
 * Limits: max_clients (further connections wait in the listen backlog),
 * max_client_requests (calls of one client in flight, counted until their
 * reply is written: a client that stops reading stops being read), a cap
 * on one client's queued output (events to a client that never reads:
 * closed), workers + priority workers (@prio procedures go to a priority
 * worker when every normal worker is busy).
 */
#pragma once

#include "internal.h"

#include "virnetserverclient.h"

typedef struct _virNetServer virNetServer;

typedef struct {
    size_t maxWorkers;          /* max_workers (libvirtd: 20); >= 1 */
    size_t prioWorkers;         /* prio_workers (libvirtd: 5); 0: none */
    size_t maxClients;          /* max_clients (libvirtd: 5000); 0: no limit */
    size_t maxClientRequests;   /* max_client_requests (libvirtd: 5); >= 1 */
    int keepaliveInterval;      /* seconds; <= 0: the server never PINGs */
    unsigned int keepaliveCount;
} virNetServerConfig;

/* Fills @cfg with libvirtd's defaults (20, 5, 5000, 5, 5 s, 5). */
void virNetServerConfigDefaults(virNetServerConfig *cfg);

/* A server with its own GMainContext; nothing listens yet. */
virNetServer *virNetServerNew(const virNetServerConfig *cfg);
/* Closes every client and service, waits for the running calls, frees.
 * Not while virNetServerRun runs. */
void virNetServerFree(virNetServer *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetServer, virNetServerFree);

/* The context the server's I/O runs in: the daemon may attach its own
 * sources (signals, timers) to it; they run in virNetServerRun's thread. */
GMainContext *virNetServerGetContext(virNetServer *srv);

/* Services. Both return 0, or -1 with an error. */

/* Listens on the UNIX socket @path (created with @mode, group @gid or
 * (gid_t)-1 to keep the process's). Clients of a @readonly service may
 * only call @ro procedures. */
int virNetServerAddServiceUNIX(virNetServer *srv,
                               const char *path,
                               mode_t mode,
                               gid_t gid,
                               bool readonly,
                               virNetServerAuth auth);

/* Listens on the already listening socket @fd (systemd socket activation:
 * LISTEN_FDS); the server takes @fd and closes it when freed. */
int virNetServerAddServiceFD(virNetServer *srv,
                             int fd,
                             bool readonly,
                             virNetServerAuth auth);

/* Listens on TCP @addr (NULL or "": all addresses; one service per
 * address it resolves to) port @port. With @tls, every connection is TLS
 * from its first byte (protocol.md 5.2) and the client's certificate is
 * checked by @tls (referenced) before any RPC message; without, the
 * traffic is plain. Clients may read and write (auth_tls/auth_tcp
 * "none"). */
int virNetServerAddServiceTCP(virNetServer *srv,
                              const char *addr,
                              const char *port,
                              virNetTLSContext *tls,
                              virNetServerAuth auth);

/* Serves the connected stream socket @fd (taken) as a client, as if
 * accepted on a service with @readonly and @auth: for tests and fuzzing
 * over a socketpair, and connections made in-process. Any thread; the
 * client is added by the main context thread. */
void virNetServerAddClientFD(virNetServer *srv,
                             int fd,
                             bool readonly,
                             virNetServerAuth auth);

/* Dispatch. */

/* The handler of one program's calls, run on a worker thread. @args is the
 * decoded CALL payload (NULL if the procedure has none); @ret is zeroed
 * storage of proc->retSize bytes (NULL if it returns nothing) for the
 * handler to fill. @msg is the call (header; FDs of a CALL_WITH_FDS via
 * virNetMessageTakeFD). Returns 0: @ret is encoded as the REPLY; -1: the
 * thread's last virError (reported by the handler or what it called) is
 * the error REPLY. Both @args and @ret are freed with xdr_free by the
 * server afterwards (so strings put into @ret must be g_malloc'ed and are
 * owned by the server). */
typedef int (*virNetServerProgramHandler)(virNetServer *srv,
                                          virNetServerClient *client,
                                          virNetMessage *msg,
                                          const virNetProcedure *proc,
                                          void *args,
                                          void *ret,
                                          void *opaque);

/* Registers @program (a generated table such as remoteProgram; must live
 * as long as the server) with the @handler of all its procedures. Before
 * virNetServerRun only. */
void virNetServerAddProgram(virNetServer *srv,
                            const virNetProgram *program,
                            virNetServerProgramHandler handler,
                            void *opaque);

/* Called in the main context thread for each accepted client, before any
 * of its messages is read: the daemon sets the client's private data and
 * close hook. Returning -1 closes the client at once. */
typedef int (*virNetServerClientInitHook)(virNetServer *srv,
                                          virNetServerClient *client,
                                          void *opaque);
void virNetServerSetClientInitHook(virNetServer *srv,
                                   virNetServerClientInitHook hook,
                                   void *opaque);

/* Most bytes of output queued for one client before it is closed as a
 * client that does not read (default: 2 * VIR_NET_MESSAGE_MAX + 1 MiB,
 * so that any one reply still fits). */
void virNetServerSetClientOutputMax(virNetServer *srv, size_t bytes);

/* Called in the main context thread when the server has had no client for
 * @seconds (again after every later period without clients); for
 * `--timeout`. @seconds 0 turns it off. */
typedef void (*virNetServerIdleFunc)(virNetServer *srv, void *opaque);
void virNetServerSetIdleTimeout(virNetServer *srv,
                                unsigned int seconds,
                                virNetServerIdleFunc cb,
                                void *opaque);

/* Running. */

/* Runs the main context in the calling thread until virNetServerQuit.
 * Returns 0, or -1 with an error if the worker pools cannot start. */
int virNetServerRun(virNetServer *srv);
/* Ends the server gracefully, for a daemon told to stop: nothing new is
 * accepted and no new call is read, while the calls in progress run to
 * their end and their replies are written (a client must not lose the
 * answer of a call that took effect, e.g. a migration's Finish); each
 * client is closed once it has all its replies, and virNetServerRun
 * returns when none is left, after @timeoutSeconds at most, or at once
 * when called again. In the server's context (its signal sources). */
void virNetServerDrain(virNetServer *srv, unsigned int timeoutSeconds);
/* Makes virNetServerRun return (clients stay connected until
 * virNetServerFree). Any thread, also a signal source on the context. */
void virNetServerQuit(virNetServer *srv);

/* Number of connected clients. */
size_t virNetServerGetClientCount(virNetServer *srv);

/* Sends the event to every client for which @filter returns true (e.g.
 * the daemon's "registered for this event" check), as
 * virNetServerClientSendEvent. Any thread. */
typedef bool (*virNetServerClientFilter)(virNetServerClient *client,
                                         void *opaque);
void virNetServerBroadcastEvent(virNetServer *srv,
                                const virNetProgram *program,
                                int proc,
                                void *body,
                                virNetServerClientFilter filter,
                                void *opaque);
