/*
 * virnetmessage.h: one RPC message: its frame, header and payload
 *
 * A message on the wire is a 4-byte length word (the whole frame, itself
 * included), the 24-byte virNetMessageHeader, then an XDR payload chosen
 * by the header: a procedure's args or ret, a virNetMessageError, an event
 * body, or nothing. The *_WITH_FDS types put the number of file
 * descriptors before the payload; the descriptors themselves travel
 * beside the frame (SCM_RIGHTS), which is the socket layer's business.
 *
 * Receiving, as a socket layer does it:
 *
 *     virNetMessageBeginRead(msg);             4 bytes expected
 *     read until msg->bufferOffset == msg->bufferLength
 *     virNetMessageDecodeLength(msg);          the rest expected
 *     while msg->bufferOffset < msg->bufferLength:
 *         p = virNetMessageReadSpace(msg, &avail);
 *         n = read(fd, p, avail); msg->bufferOffset += n;
 *     virNetMessageDecodeHeader(msg);
 *     [virNetMessageDecodeNumFDs(msg);]         *_WITH_FDS only
 *     virNetMessageDecodePayload(msg, filter, data);
 *
 * Sending: fill msg->header, then virNetMessageEncodeHeader,
 * [virNetMessageEncodeNumFDs,] virNetMessageEncodePayload; the frame is
 * msg->buffer[0 .. msg->bufferLength).
 *
 * Every decoder checks what it reads (length word, limits of
 * virnetprotocol.x, the maxima of the payload's .x, all bytes consumed) and
 * fails with an error of domain VIR_FROM_RPC, code VIR_ERR_RPC; none
 * trusts the peer.
 */
#pragma once

#include "internal.h"

#include <rpc/rpc.h>

#include "virnetprotocol.h"

typedef struct _virNetMessage virNetMessage;
struct _virNetMessage {
    virNetMessageHeader header;

    char *buffer;           /* the frame, length word first */
    size_t bufferSize;      /* allocated bytes of buffer */
    size_t bufferLength;    /* bytes of the frame (to read, or encoded) */
    size_t bufferOffset;    /* bytes read or written so far */

    int *fds;               /* descriptors carried; -1 once taken */
    size_t nfds;
    size_t donefds;         /* sent or received so far (socket layer) */

    virNetMessage *next;    /* for the queues of the socket layer */
};

virNetMessage *virNetMessageNew(void);
/* Frees the buffer and closes the descriptors still held; @msg can be
 * reused. */
void virNetMessageClear(virNetMessage *msg);
void virNetMessageFree(virNetMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetMessage, virNetMessageFree);

/* Receiving. */
void virNetMessageBeginRead(virNetMessage *msg);
/* Checks the length word and expects the rest of the frame; the buffer
 * is not sized to the whole frame yet. */
int virNetMessageDecodeLength(virNetMessage *msg);
/* Where the next bytes of the frame go, and how many fit there (NULL, 0
 * when the frame is complete). The buffer grows as the frame arrives,
 * never more than VIR_NET_MESSAGE_INITIAL ahead of the bytes received. */
char *virNetMessageReadSpace(virNetMessage *msg, size_t *avail);
int virNetMessageDecodeHeader(virNetMessage *msg);
int virNetMessageDecodeNumFDs(virNetMessage *msg);
/* Decodes the rest of the frame into @data (zeroed, of the size the
 * filter expects), which must use every byte. On failure whatever was
 * decoded is freed again. Free a decoded @data with xdr_free(). */
int virNetMessageDecodePayload(virNetMessage *msg,
                               xdrproc_t filter,
                               void *data);
/* A whole frame that is already in memory: checks that @len is the
 * length word, copies it and decodes the header (and the number of FDs);
 * the payload is left to virNetMessageDecodePayload. */
int virNetMessageDecodeFrame(virNetMessage *msg,
                             const char *data,
                             size_t len);

/* Sending. A payload must hold a value wherever its .x wants one (no NULL
 * for a non-null string): that is the caller's bug, not the peer's. */
int virNetMessageEncodeHeader(virNetMessage *msg);
int virNetMessageEncodeNumFDs(virNetMessage *msg);
int virNetMessageEncodePayload(virNetMessage *msg,
                               xdrproc_t filter,
                               void *data);

/* Descriptors. AddFD keeps a duplicate of @fd (the caller keeps its own);
 * TakeFD hands the received descriptor @slot over to the caller. */
int virNetMessageAddFD(virNetMessage *msg, int fd);
int virNetMessageTakeFD(virNetMessage *msg, size_t slot);

/* Errors. */

/* Fills @rerr (zeroed, or cleared with xdr_free) with the calling thread's
 * last error, or a generic one if a failure was not reported. */
void virNetMessageSaveError(virNetMessageError *rerr);
/* Makes @msg the error REPLY (status ERROR) to the message @call, with the
 * thread's last error as its body. */
int virNetMessageEncodeErrorReply(virNetMessage *msg,
                                  const virNetMessageHeader *call);
/* The virError a client reports for the error body @rerr: its fields as
 * sent, except that the peer's "unknown procedure" (VIR_ERR_RPC) becomes
 * VIR_ERR_NO_SUPPORT. */
void virNetMessageErrorToVirError(const virNetMessageError *rerr,
                                  virErrorPtr err);
/* Makes @rerr the calling thread's last error (as above). */
void virNetMessageErrorRaise(const virNetMessageError *rerr);

/* Keepalive: a PING or PONG message (type MESSAGE, serial 0, no body),
 * encoded and ready to send. */
virNetMessage *virNetMessageNewKeepalive(int proc);
/* Whether the decoded header of @msg is a keepalive message; @proc gets
 * its procedure (KEEPALIVE_PROC_PING / _PONG, or another number that the
 * caller must refuse). */
bool virNetMessageIsKeepalive(const virNetMessage *msg, int *proc);
