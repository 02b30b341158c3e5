/*
 * virnettraceutils.h: frames of the RPC trace logs (tests/virnettracedata/)
 *
 * The logs are captures of Debian 12's virsh and python3-libvirt talking
 * to libvirtd 9.0 (the logging proxy of shared/tools/rpc-trace): one line
 * per frame with its connection, direction and header fields, then the
 * payload in hex.
 */
#pragma once

#include "internal.h"

#include "virnetprogram.h"

/* One logged frame: its bytes as the log gives them, and the fields the
 * log names. */
typedef struct {
    GByteArray *bytes;
    const virNetProgram *program;
    virNetMessageHeader header;
    char procName[64];
    int conn;               /* the log's connection number */
    bool toServer;          /* C->S */
} virTestNetFrame;

/* Parses the frame line @line and its payload line @hexline (NULL if
 * none) into @f. 0; 1 for a frame whose payload the log does not hold in
 * full (f->bytes is not set); -1 with a message on a bad line. */
int virTestNetParseFrame(const char *line, const char *hexline, virTestNetFrame *f);

/* The bytes of the first frame of @proc sent in direction @toServer
 * (C->S) that tests/virnettracedata/@name holds in full, or NULL. */
GByteArray *virTestNetTraceFind(const char *name, int proc, bool toServer);
