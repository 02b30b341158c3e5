/*
 * virnetserverclient.h: one client connection of the RPC server
 *
 * A client is created by the server when it accepts a connection. Its I/O
 * (reading frames, writing the queue of replies and events, keepalive)
 * runs in the server's main context thread; its calls run on the server's
 * workers. Everything below may be called from any thread unless it says
 * otherwise.
 *
 * Life cycle: accepted -> the server's client-init hook (the daemon sets
 * its private data) -> calls and events -> closed (peer gone, keepalive
 * timeout, bad input, too much unread output, or virNetServerClientClose)
 * -> the close hook runs once, in the main context thread -> the private
 * data is freed when the last reference goes (after every call still
 * running on a worker for this client has returned).
 */
#pragma once

#include "internal.h"

#include "virnetmessage.h"
#include "virnetprogram.h"
#include "virnetsocket.h"

typedef struct _virNetServerClient virNetServerClient;

/* How a client authenticates on the service it connected to. */
typedef enum {
    /* Nothing to do: the client counts as authenticated from accept. */
    VIR_NET_SERVER_AUTH_NONE = 0,
    /* The daemon decides (e.g. in AUTH_LIST / AUTH_POLKIT) and calls
     * virNetServerClientSetAuthenticated; until then only @noauth
     * procedures are dispatched, others get "authentication required". */
    VIR_NET_SERVER_AUTH_POLKIT = 2,
} virNetServerAuth;

/* References. A handler or event sender that keeps a client beyond the
 * call it runs (e.g. an event registration) takes a reference. */
virNetServerClient *virNetServerClientRef(virNetServerClient *client);
void virNetServerClientUnref(virNetServerClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetServerClient, virNetServerClientUnref);

/* A number unique among the server's clients for its lifetime (for logs
 * and for keying per-client tables). */
unsigned long long virNetServerClientGetID(virNetServerClient *client);

/* Whether the client came in through a read-only service: it is refused
 * every procedure without @ro (VIR_ERR_OPERATION_DENIED) before its
 * handler is called. */
bool virNetServerClientGetReadonly(virNetServerClient *client);

/* The peer process, taken with SO_PEERCRED at accept (and logged). */
const virNetSocketIdentity *virNetServerClientGetIdentity(virNetServerClient *client);

/* Authentication (see virNetServerAuth). */
virNetServerAuth virNetServerClientGetAuth(virNetServerClient *client);
bool virNetServerClientIsAuthenticated(virNetServerClient *client);
void virNetServerClientSetAuthenticated(virNetServerClient *client);

/* Per-client data of the daemon (its virConnectPtr, event registrations).
 * @freecb runs when the last reference to the client goes, never while a
 * call of the client runs. Setting replaces (and frees) the previous
 * data. */
void virNetServerClientSetPrivateData(virNetServerClient *client,
                                      void *data,
                                      GDestroyNotify freecb);
void *virNetServerClientGetPrivateData(virNetServerClient *client);

/* Called once when the client is closed, whatever the reason, in the
 * server's main context thread, with the client still valid and its
 * private data still set; calls of the client may still be running on
 * workers (their replies are then discarded). The daemon uses it to drop
 * event registrations early. */
typedef void (*virNetServerClientCloseFunc)(virNetServerClient *client,
                                            void *opaque);
void virNetServerClientSetCloseHook(virNetServerClient *client,
                                    virNetServerClientCloseFunc cb,
                                    void *opaque);

/* Closes the connection now: queued output is dropped, the close hook
 * runs in the main context thread soon after. */
void virNetServerClientClose(virNetServerClient *client);

/* Closes the connection once every call of the client has been answered
 * and all queued output is written (CONNECT_CLOSE: its handler calls this,
 * returns 0, and its reply still goes out first). */
void virNetServerClientDelayedClose(virNetServerClient *client);

/* Whether the client is closed or closing (sending to it is useless). */
bool virNetServerClientIsClosed(virNetServerClient *client);

/* Sends an event: a MESSAGE of @program's procedure @proc (which must be
 * an @msg procedure) with @body encoded by the procedure's filter, serial
 * 1 (what libvirtd sends; clients ignore it). @body stays the caller's.
 * The message is queued and written by the main context thread. Returns 0,
 * or -1 with an error if @proc is not an event of @program, the body does
 * not encode, or the client is closed. A client whose queued output goes
 * over the server's limit (virNetServerSetClientOutputMax) is closed. */
int virNetServerClientSendEvent(virNetServerClient *client,
                                const virNetProgram *program,
                                int proc,
                                void *body);

/* Queues an already encoded message (any type); takes @msg. Same rules as
 * virNetServerClientSendEvent. */
int virNetServerClientSendMessage(virNetServerClient *client,
                                  virNetMessage *msg);

/* Keepalive (protocol.md section 7). A client's PING is always answered
 * with a PONG. The server only sends its own PINGs to a client after this
 * is called: the daemon calls it when the client asks
 * CONNECT_SUPPORTS_FEATURE for VIR_DRV_FEATURE_PROGRAM_KEEPALIVE (10). Then,
 * after the server's keepalive interval with nothing received from the
 * client, a PING is sent every interval; once count PINGs went unanswered
 * and one more interval passes in silence, the client is closed
 * ("connection closed due to keepalive timeout"). Any incoming message
 * resets the count. A client whose calls are all still running (so the
 * server does not read it: max_client_requests) is not counted silent.
 * Does nothing when the server's interval is <= 0. */
void virNetServerClientStartKeepAlive(virNetServerClient *client);
