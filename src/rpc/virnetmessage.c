/*
 * virnetmessage.c: one RPC message: its frame, header and payload
 */
#include "internal.h"

#include <fcntl.h>

#include "virnetmessage.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

/* The largest frame: length word, header and payload. */
#define VIR_NET_MESSAGE_FRAME_MAX (VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_MAX)
/* The smallest: length word and header. */
#define VIR_NET_MESSAGE_FRAME_MIN (VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX)

virNetMessage *
virNetMessageNew(void)
{
    return g_new0(virNetMessage, 1);
}

void
virNetMessageClear(virNetMessage *msg)
{
    size_t i;

    for (i = 0; i < msg->nfds; i++) {
        if (msg->fds[i] >= 0)
            close(msg->fds[i]);
    }
    g_free(msg->fds);
    g_free(msg->buffer);
    memset(msg, 0, sizeof(*msg));
}

void
virNetMessageFree(virNetMessage *msg)
{
    if (!msg)
        return;
    virNetMessageClear(msg);
    g_free(msg);
}

static void
virNetMessageResize(virNetMessage *msg, size_t size)
{
    msg->buffer = g_realloc(msg->buffer, size);
    if (size > msg->bufferSize)
        memset(msg->buffer + msg->bufferSize, 0, size - msg->bufferSize);
    msg->bufferSize = size;
}


/* Receiving */

void
virNetMessageBeginRead(virNetMessage *msg)
{
    virNetMessageClear(msg);
    virNetMessageResize(msg, VIR_NET_MESSAGE_LEN_MAX);
    msg->bufferLength = VIR_NET_MESSAGE_LEN_MAX;
}

/* Whether @len is a length word a frame may have. */
static int
virNetMessageCheckLength(unsigned int len)
{
    if (len < VIR_NET_MESSAGE_FRAME_MIN) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message of %u bytes is shorter than its header (%d bytes): the peer does not speak this protocol"),
                       len, VIR_NET_MESSAGE_FRAME_MIN);
        return -1;
    }
    if (len > VIR_NET_MESSAGE_FRAME_MAX) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message of %u bytes is too large (at most %d bytes)"),
                       len, VIR_NET_MESSAGE_FRAME_MAX);
        return -1;
    }
    return 0;
}

static unsigned int
virNetMessagePeekLength(const char *buf)
{
    guint32 be;

    memcpy(&be, buf, sizeof(be));
    return GUINT32_FROM_BE(be);
}

int
virNetMessageDecodeLength(virNetMessage *msg)
{
    unsigned int len;

    if (msg->bufferLength < VIR_NET_MESSAGE_LEN_MAX ||
        msg->bufferSize < VIR_NET_MESSAGE_LEN_MAX ||
        msg->bufferOffset < VIR_NET_MESSAGE_LEN_MAX) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the length word of an RPC message was not read yet"));
        return -1;
    }
    len = virNetMessagePeekLength(msg->buffer);
    if (virNetMessageCheckLength(len) < 0)
        return -1;

    /* The buffer grows as the bytes arrive (virNetMessageReadSpace): a
     * peer that announces 32 MiB and stalls holds only what it sent. */
    virNetMessageResize(msg, MIN(len, VIR_NET_MESSAGE_INITIAL));
    msg->bufferLength = len;
    msg->bufferOffset = VIR_NET_MESSAGE_LEN_MAX;
    return 0;
}

char *
virNetMessageReadSpace(virNetMessage *msg, size_t *avail)
{
    if (msg->bufferOffset >= msg->bufferLength) {
        *avail = 0;
        return NULL;
    }
    if (msg->bufferOffset == msg->bufferSize) {
        size_t size = MAX(msg->bufferSize * 2, msg->bufferOffset + VIR_NET_MESSAGE_INITIAL);

        virNetMessageResize(msg, MIN(size, msg->bufferLength));
    }
    *avail = MIN(msg->bufferSize, msg->bufferLength) - msg->bufferOffset;
    return msg->buffer + msg->bufferOffset;
}

static bool
virNetMessageTypeIsValid(int type)
{
    return type >= VIR_NET_CALL && type <= VIR_NET_STREAM_HOLE;
}

int
virNetMessageDecodeHeader(virNetMessage *msg)
{
    XDR xdr;
    bool ok;

    if (msg->bufferLength < VIR_NET_MESSAGE_FRAME_MIN ||
        msg->bufferSize < msg->bufferLength) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the header of an RPC message was not read yet"));
        return -1;
    }
    xdrmem_create(&xdr, msg->buffer + VIR_NET_MESSAGE_LEN_MAX,
                  VIR_NET_MESSAGE_HEADER_MAX, XDR_DECODE);
    ok = xdr_virNetMessageHeader(&xdr, &msg->header);
    xdr_destroy(&xdr);
    if (!ok) {
        virReportError(VIR_ERR_RPC, "%s", _("unable to decode the header of an RPC message"));
        return -1;
    }
    msg->bufferOffset = VIR_NET_MESSAGE_FRAME_MIN;

    if (!virNetMessageTypeIsValid(msg->header.type)) {
        virReportError(VIR_ERR_RPC, _("RPC message (program 0x%x procedure %d) has unknown type %d"),
                       msg->header.prog, msg->header.proc, msg->header.type);
        return -1;
    }
    if ((int)msg->header.status < VIR_NET_OK || (int)msg->header.status > VIR_NET_CONTINUE) {
        virReportError(VIR_ERR_RPC, _("RPC message (program 0x%x procedure %d) has unknown status %d"),
                       msg->header.prog, msg->header.proc, msg->header.status);
        return -1;
    }
    return 0;
}

int
virNetMessageDecodeNumFDs(virNetMessage *msg)
{
    XDR xdr;
    unsigned int nfds;
    size_t i;
    bool ok;

    if (msg->bufferOffset > msg->bufferLength || msg->bufferLength > msg->bufferSize) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("RPC message buffer positions are inconsistent"));
        return -1;
    }
    xdrmem_create(&xdr, msg->buffer + msg->bufferOffset,
                  msg->bufferLength - msg->bufferOffset, XDR_DECODE);
    ok = xdr_u_int(&xdr, &nfds);
    if (ok)
        msg->bufferOffset += xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    if (!ok) {
        virReportError(VIR_ERR_RPC, "%s",
                       _("RPC message is too short for its number of file descriptors"));
        return -1;
    }
    if (nfds > VIR_NET_MESSAGE_NUM_FDS_MAX) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message carries %u file descriptors (at most %d)"),
                       nfds, VIR_NET_MESSAGE_NUM_FDS_MAX);
        return -1;
    }
    for (i = 0; i < msg->nfds; i++) {
        if (msg->fds[i] >= 0)
            close(msg->fds[i]);
    }
    g_free(msg->fds);
    msg->fds = g_new(int, nfds);
    for (i = 0; i < nfds; i++)
        msg->fds[i] = -1;
    msg->nfds = nfds;
    msg->donefds = 0;
    return 0;
}

int
virNetMessageDecodePayload(virNetMessage *msg,
                           xdrproc_t filter,
                           void *data)
{
    XDR xdr;
    size_t avail;
    size_t used;
    bool ok;

    if (msg->bufferOffset > msg->bufferLength || msg->bufferLength > msg->bufferSize) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("RPC message buffer positions are inconsistent"));
        return -1;
    }
    avail = msg->bufferLength - msg->bufferOffset;
    xdrmem_create(&xdr, msg->buffer + msg->bufferOffset, avail, XDR_DECODE);
    ok = filter(&xdr, data);
    used = xdr_getpos(&xdr);
    xdr_destroy(&xdr);

    if (!ok) {
        xdr_free(filter, data);
        virReportError(VIR_ERR_RPC,
                       _("unable to decode the payload of RPC message (program 0x%x procedure %d, %zu bytes)"),
                       msg->header.prog, msg->header.proc, avail);
        return -1;
    }
    if (used != avail) {
        xdr_free(filter, data);
        virReportError(VIR_ERR_RPC,
                       _("RPC message (program 0x%x procedure %d) has %zu bytes after its payload"),
                       msg->header.prog, msg->header.proc, avail - used);
        return -1;
    }
    msg->bufferOffset += used;
    return 0;
}

int
virNetMessageDecodeFrame(virNetMessage *msg,
                         const char *data,
                         size_t len)
{
    virNetMessageBeginRead(msg);
    if (len < VIR_NET_MESSAGE_LEN_MAX) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message of %zu bytes is cut short in its length word"), len);
        return -1;
    }
    /* Checked before DecodeLength allocates what the word says. */
    if (virNetMessageCheckLength(virNetMessagePeekLength(data)) < 0)
        return -1;
    if (len != virNetMessagePeekLength(data)) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message has %zu bytes but its length word says %u"),
                       len, virNetMessagePeekLength(data));
        return -1;
    }
    memcpy(msg->buffer, data, VIR_NET_MESSAGE_LEN_MAX);
    msg->bufferOffset = VIR_NET_MESSAGE_LEN_MAX;
    if (virNetMessageDecodeLength(msg) < 0)
        return -1;
    virNetMessageResize(msg, len);
    memcpy(msg->buffer + VIR_NET_MESSAGE_LEN_MAX, data + VIR_NET_MESSAGE_LEN_MAX,
           len - VIR_NET_MESSAGE_LEN_MAX);
    msg->bufferOffset = len;
    if (virNetMessageDecodeHeader(msg) < 0)
        return -1;
    if ((msg->header.type == VIR_NET_CALL_WITH_FDS ||
         msg->header.type == VIR_NET_REPLY_WITH_FDS) &&
        virNetMessageDecodeNumFDs(msg) < 0)
        return -1;
    return 0;
}


/* Sending */

/* Writes the length word for the frame encoded so far. */
static int
virNetMessageEncodeLength(virNetMessage *msg)
{
    XDR xdr;
    unsigned int len = msg->bufferLength;
    bool ok;

    xdrmem_create(&xdr, msg->buffer, VIR_NET_MESSAGE_LEN_MAX, XDR_ENCODE);
    ok = xdr_u_int(&xdr, &len);
    xdr_destroy(&xdr);
    if (!ok) {
        virReportError(VIR_ERR_RPC, "%s", _("unable to encode the length of an RPC message"));
        return -1;
    }
    return 0;
}

int
virNetMessageEncodeHeader(virNetMessage *msg)
{
    XDR xdr;
    bool ok;

    if (!virNetMessageTypeIsValid(msg->header.type)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot encode an RPC message of unknown type %d"),
                       msg->header.type);
        return -1;
    }
    /* Each payload is sized before it is encoded (xdr_sizeof): the
     * buffer grows to the exact frame, never to the doubling steps from
     * VIR_NET_MESSAGE_INITIAL of other encoders. */
    if (msg->bufferSize < VIR_NET_MESSAGE_FRAME_MIN)
        virNetMessageResize(msg, VIR_NET_MESSAGE_FRAME_MIN);
    memset(msg->buffer, 0, msg->bufferSize);

    xdrmem_create(&xdr, msg->buffer + VIR_NET_MESSAGE_LEN_MAX,
                  VIR_NET_MESSAGE_HEADER_MAX, XDR_ENCODE);
    ok = xdr_virNetMessageHeader(&xdr, &msg->header);
    xdr_destroy(&xdr);
    if (!ok) {
        virReportError(VIR_ERR_RPC, "%s", _("unable to encode the header of an RPC message"));
        return -1;
    }
    msg->bufferLength = VIR_NET_MESSAGE_FRAME_MIN;
    msg->bufferOffset = VIR_NET_MESSAGE_FRAME_MIN;
    return virNetMessageEncodeLength(msg);
}

/* Appends the value @data to the frame with @filter. Its exact size is
 * asked first: the buffer grows once, to what the frame needs, and a
 * value over a limit fails before anything is allocated for it. */
static int
virNetMessageEncodeValue(virNetMessage *msg,
                         xdrproc_t filter,
                         void *data,
                         const char *what)
{
    XDR xdr;
    unsigned long need = xdr_sizeof(filter, data);
    bool ok;

    if (msg->bufferLength != msg->bufferOffset || msg->bufferLength < VIR_NET_MESSAGE_FRAME_MIN) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("an RPC message payload is encoded before its header"));
        return -1;
    }
    if (need > VIR_NET_MESSAGE_FRAME_MAX - msg->bufferLength) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message %s (program 0x%x procedure %d) needs %lu bytes, more than the %d a message may carry"),
                       what, msg->header.prog, msg->header.proc, need,
                       VIR_NET_MESSAGE_PAYLOAD_MAX);
        return -1;
    }
    if (msg->bufferLength + need > msg->bufferSize)
        virNetMessageResize(msg, msg->bufferLength + need);

    xdrmem_create(&xdr, msg->buffer + msg->bufferOffset,
                  msg->bufferSize - msg->bufferOffset, XDR_ENCODE);
    ok = filter(&xdr, data);
    if (ok)
        msg->bufferOffset += xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    if (!ok) {
        /* xdr_sizeof gives 0 both for an empty payload and for one it
         * refuses (a string, opaque or array over its maximum): that
         * one fails here, with nothing allocated for it. */
        virReportError(VIR_ERR_RPC,
                       _("unable to encode the %s of RPC message (program 0x%x procedure %d): a value is over its maximum in the protocol"),
                       what, msg->header.prog, msg->header.proc);
        return -1;
    }
    msg->bufferLength = msg->bufferOffset;
    return virNetMessageEncodeLength(msg);
}

int
virNetMessageEncodeNumFDs(virNetMessage *msg)
{
    unsigned int nfds = msg->nfds;

    if (nfds > VIR_NET_MESSAGE_NUM_FDS_MAX) {
        virReportError(VIR_ERR_RPC,
                       _("an RPC message may carry at most %d file descriptors, not %u"),
                       VIR_NET_MESSAGE_NUM_FDS_MAX, nfds);
        return -1;
    }
    return virNetMessageEncodeValue(msg, (xdrproc_t)xdr_u_int, &nfds,
                                    _("number of file descriptors"));
}

int
virNetMessageEncodePayload(virNetMessage *msg,
                           xdrproc_t filter,
                           void *data)
{
    return virNetMessageEncodeValue(msg, filter, data, _("payload"));
}


/* Descriptors */

int
virNetMessageAddFD(virNetMessage *msg, int fd)
{
    int newfd;

    if (msg->nfds >= VIR_NET_MESSAGE_NUM_FDS_MAX) {
        virReportError(VIR_ERR_RPC,
                       _("an RPC message may carry at most %d file descriptors"),
                       VIR_NET_MESSAGE_NUM_FDS_MAX);
        return -1;
    }
    if ((newfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        virReportSystemError(errno, _("unable to duplicate file descriptor %d for an RPC message"), fd);
        return -1;
    }
    msg->fds = g_renew(int, msg->fds, msg->nfds + 1);
    msg->fds[msg->nfds++] = newfd;
    return 0;
}

int
virNetMessageTakeFD(virNetMessage *msg, size_t slot)
{
    int fd;

    if (slot >= msg->nfds || msg->fds[slot] < 0) {
        virReportError(VIR_ERR_RPC,
                       _("RPC message has no file descriptor in slot %zu (it carries %zu)"),
                       slot, msg->nfds);
        return -1;
    }
    fd = msg->fds[slot];
    msg->fds[slot] = -1;
    return fd;
}


/* Errors */

static virNetMessageString
virNetMessageStringNew(const char *str)
{
    virNetMessageString ret;

    if (!str)
        return NULL;
    ret = g_new0(char *, 1);
    *ret = g_strdup(str);
    return ret;
}

void
virNetMessageSaveError(virNetMessageError *rerr)
{
    virErrorPtr err = virGetLastError();

    memset(rerr, 0, sizeof(*rerr));
    if (err) {
        rerr->code = err->code;
        rerr->domain = err->domain;
        rerr->message = virNetMessageStringNew(err->message);
        rerr->level = err->level;
        rerr->str1 = virNetMessageStringNew(err->str1);
        rerr->str2 = virNetMessageStringNew(err->str2);
        rerr->str3 = virNetMessageStringNew(err->str3);
        rerr->int1 = err->int1;
        rerr->int2 = err->int2;
    } else {
        rerr->code = VIR_ERR_INTERNAL_ERROR;
        rerr->domain = VIR_FROM_RPC;
        rerr->message = virNetMessageStringNew(_("the call failed without saying why"));
        rerr->level = VIR_ERR_ERROR;
        rerr->int1 = -1;
        rerr->int2 = -1;
    }
}

int
virNetMessageEncodeErrorReply(virNetMessage *msg,
                              const virNetMessageHeader *call)
{
    virNetMessageError rerr;
    int ret;

    virNetMessageSaveError(&rerr);
    msg->header = *call;
    msg->header.type = call->type == VIR_NET_STREAM ? VIR_NET_STREAM : VIR_NET_REPLY;
    msg->header.status = VIR_NET_ERROR;
    ret = virNetMessageEncodeHeader(msg);
    if (ret == 0)
        ret = virNetMessageEncodePayload(msg, (xdrproc_t)xdr_virNetMessageError, &rerr);
    xdr_free((xdrproc_t)xdr_virNetMessageError, &rerr);
    return ret;
}

/* The prefix of the message a peer answers a procedure it lacks with. */
#define VIR_NET_MESSAGE_UNKNOWN_PROC "unknown procedure"

void
virNetMessageErrorToVirError(const virNetMessageError *rerr,
                             virErrorPtr err)
{
    const char *message = rerr->message ? *rerr->message : NULL;

    virResetError(err);
    err->code = rerr->code;
    err->domain = rerr->domain;
    err->level = rerr->level;
    err->message = g_strdup(message ? message : _("the peer failed without saying why"));
    err->str1 = g_strdup(rerr->str1 ? *rerr->str1 : NULL);
    err->str2 = g_strdup(rerr->str2 ? *rerr->str2 : NULL);
    err->str3 = g_strdup(rerr->str3 ? *rerr->str3 : NULL);
    err->int1 = rerr->int1;
    err->int2 = rerr->int2;
    if (err->code == VIR_ERR_OK)
        err->code = VIR_ERR_INTERNAL_ERROR;
    if (err->code == VIR_ERR_RPC && message &&
        STRPREFIX(message, VIR_NET_MESSAGE_UNKNOWN_PROC))
        err->code = VIR_ERR_NO_SUPPORT;
}

void
virNetMessageErrorRaise(const virNetMessageError *rerr)
{
    virErrorPtr err = g_new0(virError, 1);

    virNetMessageErrorToVirError(rerr, err);
    virErrorRestore(&err);
}


/* Keepalive */

virNetMessage *
virNetMessageNewKeepalive(int proc)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();

    msg->header.prog = KEEPALIVE_PROGRAM;
    msg->header.vers = KEEPALIVE_PROTOCOL_VERSION;
    msg->header.proc = proc;
    msg->header.type = VIR_NET_MESSAGE;
    msg->header.serial = 0;
    msg->header.status = VIR_NET_OK;
    if (virNetMessageEncodeHeader(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}

bool
virNetMessageIsKeepalive(const virNetMessage *msg, int *proc)
{
    if (msg->header.prog != KEEPALIVE_PROGRAM ||
        msg->header.vers != KEEPALIVE_PROTOCOL_VERSION ||
        msg->header.type != VIR_NET_MESSAGE)
        return false;
    *proc = msg->header.proc;
    return true;
}
