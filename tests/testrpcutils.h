/*
 * testrpcutils.h: the server end of an RPC connection, scripted by a test
 */
#pragma once

#include "internal.h"
#include "virnetmessage.h"

/* A whole frame from @fd, header decoded; NULL at end of file, on a bad
 * frame, or after @timeoutMs without a byte. */
virNetMessage *testRPCRead(int fd, int timeoutMs);
/* Writes the encoded @msg whole. */
int testRPCWrite(int fd, const virNetMessage *msg);
/* Answers the call @call with @ret, encoded by @filter. */
int testRPCReply(int fd, const virNetMessage *call, xdrproc_t filter, void *ret);
/* Answers the call @call with an error of @code, @domain and @message. */
int testRPCReplyError(int fd, const virNetMessage *call,
                      int code, int domain, const char *message);
