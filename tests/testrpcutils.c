/*
 * testrpcutils.c: the server end of an RPC connection, scripted by a test
 */
#include "internal.h"

#include <poll.h>

#include "testrpcutils.h"

virNetMessage *
testRPCRead(int fd, int timeoutMs)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    size_t avail;
    char *p;

    virNetMessageBeginRead(msg);
    while ((p = virNetMessageReadSpace(msg, &avail))) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, timeoutMs) <= 0)
            return NULL;
        if ((n = read(fd, p, avail)) <= 0)
            return NULL;
        msg->bufferOffset += n;
        if (msg->bufferOffset == msg->bufferLength &&
            msg->bufferLength == VIR_NET_MESSAGE_LEN_MAX &&
            virNetMessageDecodeLength(msg) < 0)
            return NULL;
    }
    if (virNetMessageDecodeHeader(msg) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}

int
testRPCWrite(int fd, const virNetMessage *msg)
{
    size_t off = 0;

    while (off < msg->bufferLength) {
        ssize_t n = write(fd, msg->buffer + off, msg->bufferLength - off);

        if (n <= 0)
            return -1;
        off += n;
    }
    return 0;
}

int
testRPCReply(int fd, const virNetMessage *call, xdrproc_t filter, void *ret)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();

    msg->header = call->header;
    msg->header.type = VIR_NET_REPLY;
    msg->header.status = VIR_NET_OK;
    if (virNetMessageEncodeHeader(msg) < 0 ||
        (filter && virNetMessageEncodePayload(msg, filter, ret) < 0))
        return -1;
    return testRPCWrite(fd, msg);
}

int
testRPCReplyError(int fd, const virNetMessage *call,
                  int code, int domain, const char *message)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    char *text = (char *)message;
    virNetMessageError rerr = { .code = code, .domain = domain, .message = &text,
                                .level = VIR_ERR_ERROR, .int1 = -1, .int2 = -1 };

    msg->header = call->header;
    msg->header.type = VIR_NET_REPLY;
    msg->header.status = VIR_NET_ERROR;
    if (virNetMessageEncodeHeader(msg) < 0 ||
        virNetMessageEncodePayload(msg, (xdrproc_t)xdr_virNetMessageError, &rerr) < 0)
        return -1;
    return testRPCWrite(fd, msg);
}
