/*
 * virnetprogram.c: looking up a procedure in its program's table
 */
#include "internal.h"

#include "virnetprogram.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

bool_t
virNetXDRNone(XDR *xdrs G_GNUC_UNUSED, void *data G_GNUC_UNUSED)
{
    return TRUE;
}

static int
virNetProcedureCompare(const void *key, const void *elem)
{
    int proc = *(const int *)key;
    const virNetProcedure *p = elem;

    return (proc > p->proc) - (proc < p->proc);
}

const virNetProcedure *
virNetProgramLookup(const virNetProgram *program, int proc)
{
    return bsearch(&proc, program->procs, program->nprocs,
                   sizeof(program->procs[0]), virNetProcedureCompare);
}

bool
virNetProgramMatches(const virNetProgram *program,
                     const virNetMessageHeader *header)
{
    return header->prog == program->prog && header->vers == program->vers;
}

const virNetProcedure *
virNetProgramFindProcedure(const virNetProgram *const *programs,
                           size_t nprograms,
                           const virNetMessageHeader *header,
                           const virNetProgram **program)
{
    const virNetProcedure *proc;
    size_t i;

    for (i = 0; i < nprograms; i++) {
        if (virNetProgramMatches(programs[i], header))
            break;
    }
    if (i == nprograms) {
        virReportError(VIR_ERR_RPC, _("Cannot find program %d version %d"),
                       (int)header->prog, (int)header->vers);
        return NULL;
    }
    if (!(proc = virNetProgramLookup(programs[i], header->proc))) {
        virReportError(VIR_ERR_RPC, _("unknown procedure: %d"), header->proc);
        return NULL;
    }
    if (program)
        *program = programs[i];
    return proc;
}

int
virNetProcedurePayload(const virNetProcedure *proc,
                       const virNetMessageHeader *header,
                       xdrproc_t *filter,
                       size_t *size)
{
    bool event = proc->flags & VIR_NET_PROCEDURE_MESSAGE;

    switch (header->type) {
    case VIR_NET_CALL:
    case VIR_NET_CALL_WITH_FDS:
        if (event || header->status != VIR_NET_OK)
            break;
        *filter = proc->argsFilter;
        *size = proc->argsSize;
        return 0;
    case VIR_NET_MESSAGE:
        if (!event || header->status != VIR_NET_OK)
            break;
        *filter = proc->argsFilter;
        *size = proc->argsSize;
        return 0;
    case VIR_NET_REPLY:
    case VIR_NET_REPLY_WITH_FDS:
        if (event)
            break;
        if (header->status == VIR_NET_ERROR) {
            *filter = (xdrproc_t)xdr_virNetMessageError;
            *size = sizeof(virNetMessageError);
            return 0;
        }
        if (header->status != VIR_NET_OK)
            break;
        *filter = proc->retFilter;
        *size = proc->retSize;
        return 0;
    case VIR_NET_STREAM:
    case VIR_NET_STREAM_HOLE:
        break;
    }
    virReportError(VIR_ERR_RPC,
                   _("message type %d with status %d is not valid for procedure %s (%d)"),
                   header->type, header->status, proc->name, proc->proc);
    return -1;
}
