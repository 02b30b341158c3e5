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

static const virNetProgram *const programs[] = { &remoteProgram, &virKeepaliveProgram };

typedef struct {
    const char *name;
    unsigned int prog;
    const virNetProgram *program;
} testProgName;

static const testProgName progNames[] = {
    { "REMOTE", REMOTE_PROGRAM, &remoteProgram },
    { "KEEPALIVE", KEEPALIVE_PROGRAM, &virKeepaliveProgram },
};

static const char *const typeNames[] = {
    "CALL", "REPLY", "MESSAGE", "STREAM", "CALL_WITH_FDS", "REPLY_WITH_FDS", "STREAM_HOLE",
};

static void
testPut32(GByteArray *buf, unsigned int v)
{
    guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(buf, b, 4);
}

/* One logged frame: its bytes as the log gives them, and the fields the
 * log names. testParseFrame returns 1 for a frame whose payload the log
 * does not hold in full. */
typedef struct {
    GByteArray *bytes;
    const virNetProgram *program;
    virNetMessageHeader header;
    char procName[64];
} testFrame;

static int
testParseFrame(const char *line, const char *hexline, testFrame *f)
{
    char dir[16], prog[32], type[32];
    unsigned int len, vers, serial, payload;
    int proc, status;
    size_t i;
    size_t hexlen = hexline ? strlen(hexline) : 0;

    if (sscanf(line, "[%*d] %*s %15s len=%u prog=%31s vers=%u proc=%d(%63[^)]) type=%31s serial=%u status=%d payload=%uB",
               dir, &len, prog, &vers, &proc, f->procName, type, &serial, &status, &payload) != 10) {
        fprintf(stderr, "cannot parse frame line: %s\n", line);
        return -1;
    }
    if (hexlen < 2 * payload) {
        /* The capture kept only the start of a few long payloads. */
        return 1;
    }
    if (len != 28 + payload || hexlen != 2 * payload) {
        fprintf(stderr, "log line disagrees with itself (len %u, payload %u, %zu hex digits): %s\n",
                len, payload, hexlen, line);
        return -1;
    }
    f->program = NULL;
    for (i = 0; i < G_N_ELEMENTS(progNames); i++) {
        if (STREQ(prog, progNames[i].name)) {
            f->program = progNames[i].program;
            f->header.prog = progNames[i].prog;
        }
    }
    f->header.type = G_N_ELEMENTS(typeNames);
    for (i = 0; i < G_N_ELEMENTS(typeNames); i++) {
        if (STREQ(type, typeNames[i]))
            f->header.type = i;
    }
    if (!f->program || f->header.type == G_N_ELEMENTS(typeNames)) {
        fprintf(stderr, "unknown program or type: %s\n", line);
        return -1;
    }
    f->header.vers = vers;
    f->header.proc = proc;
    f->header.serial = serial;
    f->header.status = status;

    f->bytes = g_byte_array_new();
    testPut32(f->bytes, len);
    testPut32(f->bytes, f->header.prog);
    testPut32(f->bytes, vers);
    testPut32(f->bytes, proc);
    testPut32(f->bytes, f->header.type);
    testPut32(f->bytes, serial);
    testPut32(f->bytes, status);
    for (i = 0; i < payload; i++) {
        unsigned int byte;
        guint8 b;

        if (sscanf(hexline + 2 * i, "%2x", &byte) != 1) {
            fprintf(stderr, "bad hex in payload of: %s\n", line);
            return -1;
        }
        b = byte;
        g_byte_array_append(f->bytes, &b, 1);
    }
    return 0;
}

/* Decode @f with our code, encode it again: 0 if the bytes are the same. */
static int
testRoundTrip(testFrame *f, const char *line)
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
        testFrame f = { 0 };

        if (!strstr(lines[i], " len="))
            continue;
        if (lines[i + 1] && g_str_has_prefix(lines[i + 1], "      "))
            hex = lines[i + 1] + 6;
        frames++;
        switch (testParseFrame(lines[i], hex, &f)) {
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
