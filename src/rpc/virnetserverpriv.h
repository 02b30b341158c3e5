/*
 * virnetserverpriv.h: what virnetserver.c and virnetserverclient.c share
 *
 * Not for users of the server (the daemon): see virnetserver.h.
 */
#pragma once

#include "virnetserver.h"

/* Client side (virnetserverclient.c). */

/* A client on the accepted descriptor @fd (taken), not yet polled. With
 * @tls (a TCP client of a TLS service), the client's I/O goes through a
 * TLS session: the handshake runs in the main context, then the client's
 * certificate is checked and the confirmation byte is sent before
 * anything else; a failed check closes the connection with the reason in
 * the log. */
virNetServerClient *virNetServerClientNew(virNetServer *srv,
                                          GMainContext *ctx,
                                          unsigned long long id,
                                          int fd,
                                          virNetTLSContext *tls,
                                          bool readonly,
                                          virNetServerAuth auth,
                                          const virNetServerConfig *cfg,
                                          size_t outputMax);
/* Starts polling the client in its context. */
void virNetServerClientStart(virNetServerClient *client);
/* Closes at once and runs the close hook; main context thread (or with
 * the loop stopped). Then calls virNetServerClientGone. */
void virNetServerClientCloseNow(virNetServerClient *client);
/* A call of the client goes to a worker: it counts as in flight until its
 * reply is written. */
void virNetServerClientBeginCall(virNetServerClient *client);
/* Queues the REPLY @msg (taken) to a call: @fromWorker for one started
 * with virNetServerClientBeginCall, false for a call refused in the main
 * context thread. */
void virNetServerClientQueueReply(virNetServerClient *client,
                                  virNetMessage *msg,
                                  bool fromWorker);

/* Server side (virnetserver.c), called by the client in the main context
 * thread. */

/* A complete frame of @client (taken). @headerOK: whether
 * virNetMessageDecodeHeader succeeded (if not, its error is the thread's
 * last error). */
void virNetServerProcessMessage(virNetServer *srv,
                                virNetServerClient *client,
                                virNetMessage *msg,
                                bool headerOK);
/* @client was closed: forget it. */
void virNetServerClientGone(virNetServer *srv,
                            virNetServerClient *client);
