/*
 * virnetclient.h: the client end of one RPC connection
 *
 * A call writes its message itself, and its thread reads the socket
 * while it waits for the reply (one call at a time does; the others wait
 * until it is done and hands the socket on), so that a reply wakes the
 * thread that waits for it and no other. When no call waits, one I/O
 * thread per connection reads; it also writes what a call could not
 * write at once, and keeps time for keepalive. Whichever thread reads
 *  - hands a REPLY to the call waiting with that serial, so that several
 *    threads can have calls in flight on one connection and the replies
 *    may come back in any order;
 *  - answers a keepalive PING with a PONG (the I/O thread sends its own
 *    PINGs when the peer has been silent for the keepalive interval,
 *    closing the connection when @count of them went unanswered);
 *  - hands every other MESSAGE (an event) to the event handler.
 * When the connection ends (end of file, a broken frame, keepalive, or
 * virNetClientClose) every call still waiting fails with the reason, and
 * the close handler runs once (not for virNetClientClose).
 *
 * A call therefore waits at most until the reply comes or the connection
 * is declared dead: with keepalive on, interval * (count + 1) of silence;
 * while the connection is opening, until the open timeout.
 */
#pragma once

#include "internal.h"

#include "virnetmessage.h"
#include "virnetprogram.h"
#include "virnettlscontext.h"

typedef struct _virNetClient virNetClient;

/* Why a connection ended; the values of virConnectCloseReason. */
typedef enum {
    VIR_NET_CLIENT_CLOSE_ERROR = 0,
    VIR_NET_CLIENT_CLOSE_EOF = 1,
    VIR_NET_CLIENT_CLOSE_KEEPALIVE = 2,
    VIR_NET_CLIENT_CLOSE_CLIENT = 3,
} virNetClientCloseReason;

/* Runs in the thread that reads (the I/O thread, or that of a call
 * waiting for its reply: it must not make calls on this connection) with
 * a decoded header; the payload is still to decode
 * (virNetMessageDecodePayload). @msg belongs to the caller. */
typedef void (*virNetClientEventFunc)(virNetClient *client,
                                      virNetMessage *msg,
                                      void *opaque);
/* Runs in the I/O thread once, when the peer or keepalive ended the
 * connection. */
typedef void (*virNetClientCloseFunc)(virNetClient *client,
                                      int reason,
                                      void *opaque);

/* Opening is bounded by @openTimeoutMs (<= 0: not bounded): the TCP
 * connection, the TLS handshake and confirmation byte, and every call made
 * until virNetClientOpenDone. When the time runs out, the connection is
 * closed and the step (or call) waiting fails with
 * VIR_ERR_OPERATION_TIMEOUT, naming the server and what it did not do. */

/* Connects to the UNIX socket @path. */
virNetClient *virNetClientNewUNIX(const char *path, int openTimeoutMs);
/* Connects to TCP @host @port. With @tls: the TLS handshake, the checks
 * of the server's certificate (against @host) and the server's
 * confirmation byte come first, all before this returns; without, the
 * connection is plain. */
virNetClient *virNetClientNewTCP(const char *host,
                                 const char *port,
                                 virNetTLSContext *tls,
                                 int openTimeoutMs);
/* The connection is open: calls are no longer bounded by the open timeout
 * (keepalive, when the caller turns it on, bounds them from now). */
void virNetClientOpenDone(virNetClient *client);
/* Takes over the connected stream socket @fd (closed on failure too);
 * calls are not bounded. */
virNetClient *virNetClientNewFD(int fd);

/* Set before the first call; @opaque is kept until virNetClientFree. */
void virNetClientSetEventHandler(virNetClient *client,
                                 virNetClientEventFunc func,
                                 void *opaque);
void virNetClientSetCloseHandler(virNetClient *client,
                                 virNetClientCloseFunc func,
                                 void *opaque);

/* Keepalive: PING after @intervalMs of silence, close after @count PINGs
 * left unanswered (count 0: close after one silent interval).
 * @intervalMs <= 0 turns it off (the default). */
void virNetClientSetKeepAlive(virNetClient *client,
                              int intervalMs,
                              unsigned int count);

/* Calls @proc of @program with @args (its args struct, or NULL when it
 * has none) and waits for the reply. On success @ret (zeroed, the
 * procedure's ret struct, or NULL when it has none) holds the decoded
 * reply; free it with xdr_free(proc->retFilter, ret). On failure the
 * error is the peer's (remote_error), or why the connection ended. */
int virNetClientCall(virNetClient *client,
                     const virNetProgram *program,
                     int proc,
                     void *args,
                     void *ret);

/* Sends a message (an event of ours, a keepalive) without waiting. */
int virNetClientSendMessage(virNetClient *client, virNetMessage *msg);

bool virNetClientIsOpen(virNetClient *client);

/* Ends the connection: waiting calls fail, the I/O thread exits (unless
 * called from it: then it exits on return). */
void virNetClientClose(virNetClient *client);
/* Closes and frees. */
void virNetClientFree(virNetClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetClient, virNetClientFree);
