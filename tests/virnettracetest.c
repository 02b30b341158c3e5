/*
 * virnettracetest.c: every frame of real libvirt conversations decodes and
 * encodes again to the same bytes
 *
 * The .log files of tests/virnettracedata/ are captures of Debian 12's virsh and
 * python3-libvirt talking to libvirtd 9.0 (the logging proxy of
 * shared/tools/rpc-trace): one line per frame with its header fields, then
 * the payload in hex. The test builds each frame's bytes from the log
 * itself, then with our code: decodes the frame, finds its procedure in
 * the program tables, decodes the payload with the generated XDR filter,
 * encodes header and payload again and compares the bytes.
 */
#include "internal.h"

#include "testutils.h"
#include "virerror.h"
#include "virnetmessage.h"
#include "virnetprogram.h"
#include "remote_program.h"
#include "virnettraceutils.h"

static const virNetProgram *const programs[] = { &remoteProgram, &virKeepaliveProgram };

/* Decode @f with our code, encode it again: 0 if the bytes are the same. */
static int
testRoundTrip(virTestNetFrame *f, const char *line)
{
    g_autoptr(virNetMessage) in = virNetMessageNew();
    g_autoptr(virNetMessage) out = virNetMessageNew();
    const virNetProgram *program = NULL;
    const virNetProcedure *proc;
    xdrproc_t filter;
    size_t size;
    g_autofree void *data = NULL;
    int ret = -1;

    if (virNetMessageDecodeFrame(in, (const char *)f->bytes->data, f->bytes->len) < 0)
        goto error;
    if (memcmp(&in->header, &f->header, sizeof(f->header)) != 0) {
        fprintf(stderr, "decoded header differs from the log\n");
        goto fail;
    }
    if (!(proc = virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &in->header, &program)))
        goto error;
    if (program != f->program || STRNEQ(proc->name, f->procName)) {
        fprintf(stderr, "procedure is %s %s in our table\n", program->name, proc->name);
        goto fail;
    }
    if (virNetProcedurePayload(proc, &in->header, &filter, &size) < 0)
        goto error;
    data = g_malloc0(MAX(size, 1));
    if (virNetMessageDecodePayload(in, filter, data) < 0)
        goto error;

    out->header = in->header;
    if (virNetMessageEncodeHeader(out) < 0 ||
        virNetMessageEncodePayload(out, filter, data) < 0) {
        xdr_free(filter, data);
        goto error;
    }
    xdr_free(filter, data);
    if (out->bufferLength != f->bytes->len ||
        memcmp(out->buffer, f->bytes->data, f->bytes->len) != 0) {
        fprintf(stderr, "re-encoded frame differs (%zu bytes, logged %u)\n",
                out->bufferLength, f->bytes->len);
        goto fail;
    }
    return 0;

 error:
    fprintf(stderr, "%s\n", virGetLastErrorMessage());
 fail:
    fprintf(stderr, "  frame: %s\n", line);
    return ret;
}

static int
testTrace(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *rel = g_strdup_printf("virnettracedata/%s", name);
    g_autofree char *path = virTestSrcPath(rel);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;
    size_t frames = 0;
    size_t cut = 0;
    int ret = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *hex = NULL;
        virTestNetFrame f = { 0 };

        if (!strstr(lines[i], " len="))
            continue;
        if (lines[i + 1] && g_str_has_prefix(lines[i + 1], "      "))
            hex = lines[i + 1] + 6;
        frames++;
        switch (virTestNetParseFrame(lines[i], hex, &f)) {
        case 0:
            if (testRoundTrip(&f, lines[i]) < 0)
                ret = -1;
            break;
        case 1:
            cut++;
            break;
        default:
            ret = -1;
        }
        if (f.bytes)
            g_byte_array_unref(f.bytes);
    }
    if (frames < 20 || cut > frames / 10) {
        fprintf(stderr, "%s holds only %zu frames (%zu of them cut)\n", path, frames, cut);
        return -1;
    }
    printf("# %s: %zu frames, %zu of them with a payload the log cut short (not compared)\n",
           name, frames, cut);
    return ret;
}

static int
mymain(void)
{
    static const char *const traces[] = {
        "trace-unix.log", "trace-tls.log", "trace-B.log",
        "trace-mig-client.log", "trace-mig-p2p.log", "trace-mig2-p2p.log",
        "trace-oracle-extra.log", "trace-python.log",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(traces); i++) {
        g_autofree char *title = g_strdup_printf("%s decodes and encodes to the same bytes", traces[i]);

        virTestRun(title, testTrace, traces[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
