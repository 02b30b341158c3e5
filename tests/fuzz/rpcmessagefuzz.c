/*
 * rpcmessagefuzz.c: libFuzzer target for the RPC message decoder
 *
 * Any input is one frame as a peer could send it: length word, header,
 * number of FDs, procedure lookup in the REMOTE and KEEPALIVE tables,
 * payload through the generated XDR filter. Malformed input must fail
 * with an error, never crash or leak. A payload that decodes is encoded
 * again; that frame must decode and encode to the same bytes (the first
 * encoding may differ from the input: XDR decoders ignore the content of
 * padding and read any non-zero word as TRUE).
 * Built with -fsanitize=fuzzer,address,undefined (meson -Dfuzz=true); the
 * same file with fuzzreplay.c replays tests/fuzz/rpccorpus/ in the suite.
 */
#include "internal.h"

#include "virerror.h"
#include "virnetmessage.h"
#include "virnetprogram.h"
#include "remote_program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const virNetProgram *const programs[] = { &remoteProgram, &virKeepaliveProgram };

/* Decode the frame @buf into @payload (zeroed, of the right size):
 * returns the procedure, or NULL if the frame is refused. */
static const virNetProcedure *
fuzzDecode(virNetMessage *msg, const char *buf, size_t len,
           xdrproc_t *filter, void **payload)
{
    const virNetProcedure *proc;
    size_t psize;

    if (virNetMessageDecodeFrame(msg, buf, len) < 0 ||
        !(proc = virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &msg->header, NULL)) ||
        virNetProcedurePayload(proc, &msg->header, filter, &psize) < 0)
        return NULL;
    *payload = g_malloc0(MAX(psize, 1));
    if (virNetMessageDecodePayload(msg, *filter, *payload) < 0) {
        g_clear_pointer(payload, g_free);
        return NULL;
    }
    return proc;
}

static void
fuzzEncode(virNetMessage *out, const virNetMessage *in, xdrproc_t filter, void *payload)
{
    out->header = in->header;
    out->nfds = in->nfds;
    if (virNetMessageEncodeHeader(out) < 0 ||
        ((in->header.type == VIR_NET_CALL_WITH_FDS || in->header.type == VIR_NET_REPLY_WITH_FDS) &&
         virNetMessageEncodeNumFDs(out) < 0) ||
        virNetMessageEncodePayload(out, filter, payload) < 0) {
        fprintf(stderr, "a decoded payload does not encode: %s\n", virGetLastErrorMessage());
        abort();
    }
    out->nfds = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(virNetMessage) in = virNetMessageNew();
    g_autoptr(virNetMessage) out1 = virNetMessageNew();
    g_autoptr(virNetMessage) again = virNetMessageNew();
    g_autoptr(virNetMessage) out2 = virNetMessageNew();
    xdrproc_t filter;
    g_autofree void *payload = NULL;
    g_autofree void *payload2 = NULL;

    if (!fuzzDecode(in, (const char *)data, size, &filter, &payload)) {
        if (!virGetLastError())
            abort(); /* refused without saying why */
        virResetLastError();
        return 0;
    }
    fuzzEncode(out1, in, filter, payload);
    xdr_free(filter, payload);

    if (!fuzzDecode(again, out1->buffer, out1->bufferLength, &filter, &payload2)) {
        fprintf(stderr, "our own encoding does not decode: %s\n", virGetLastErrorMessage());
        abort();
    }
    fuzzEncode(out2, again, filter, payload2);
    xdr_free(filter, payload2);
    if (out1->bufferLength != out2->bufferLength ||
        memcmp(out1->buffer, out2->buffer, out1->bufferLength) != 0) {
        fprintf(stderr, "decode and encode of our own frame changed it\n");
        abort();
    }
    return 0;
}
