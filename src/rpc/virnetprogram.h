/*
 * virnetprogram.h: the procedures of an RPC program, as a table
 *
 * Each program (REMOTE, KEEPALIVE) has one table generated from its .x
 * file by src/rpc/xdrgen.py: procedure number, name, the XDR filters of
 * its payloads and what a connection must be allowed to call it. The
 * daemon's dispatcher and the remote driver's client both work from it.
 */
#pragma once

#include "internal.h"

#include <rpc/rpc.h>

#include "virnetprotocol.h"

typedef enum {
    /* Changes nothing: allowed on a read-only connection. */
    VIR_NET_PROCEDURE_READONLY = 1 << 0,
    /* Answers without waiting on a guest's job or on QEMU: may run on a
     * priority worker while every normal worker is busy. */
    VIR_NET_PROCEDURE_PRIORITY = 1 << 1,
    /* Allowed before the client has authenticated. */
    VIR_NET_PROCEDURE_NOAUTH = 1 << 2,
    /* An event the server sends (type MESSAGE), never called. */
    VIR_NET_PROCEDURE_MESSAGE = 1 << 3,
} virNetProcedureFlags;

typedef struct {
    int proc;
    const char *name;             /* "DOMAIN_LOOKUP_BY_NAME" */
    /* The CALL payload, or the body of a MESSAGE procedure. */
    xdrproc_t argsFilter;
    size_t argsSize;              /* 0: no payload */
    /* The payload of a successful REPLY. */
    xdrproc_t retFilter;
    size_t retSize;               /* 0: no payload */
    unsigned int flags;           /* virNetProcedureFlags */
} virNetProcedure;

typedef struct {
    unsigned int prog;
    unsigned int vers;
    const char *name;             /* "REMOTE" */
    const virNetProcedure *procs; /* sorted by proc */
    size_t nprocs;
} virNetProgram;

/* The filter of an empty payload (libtirpc's xdr_void takes no arguments,
 * so it cannot be called, nor cast, as an xdrproc_t). */
bool_t virNetXDRNone(XDR *xdrs, void *data);

/* The keepalive program (PING, PONG). */
extern const virNetProgram virKeepaliveProgram;

/* The procedure @proc of @program, or NULL (no error reported; see
 * virNetProgramFindProcedure for the error a peer expects). */
const virNetProcedure *virNetProgramLookup(const virNetProgram *program,
                                           int proc);

/* The procedure @header names among @programs; @program gets its
 * program. NULL with the error a libvirt peer expects when the program
 * or version is unknown ("Cannot find program N version V") or the
 * procedure ("unknown procedure: N", which clients read as "not
 * supported"). */
const virNetProcedure *virNetProgramFindProcedure(const virNetProgram *const *programs,
                                                  size_t nprograms,
                                                  const virNetMessageHeader *header,
                                                  const virNetProgram **program);

/* Whether @msg's prog and vers are those of @program. */
bool virNetProgramMatches(const virNetProgram *program,
                          const virNetMessageHeader *header);

/* The filter and size of the payload a message of @header carries for
 * @proc: args for CALL / CALL_WITH_FDS, the event body for MESSAGE, ret
 * for a REPLY / REPLY_WITH_FDS with status OK, virNetMessageError for a
 * REPLY with status ERROR. -1 with an error when that message type or
 * status makes no sense for @proc (a REPLY to an event, a CALL of one, a
 * stream message). */
int virNetProcedurePayload(const virNetProcedure *proc,
                           const virNetMessageHeader *header,
                           xdrproc_t *filter,
                           size_t *size);
