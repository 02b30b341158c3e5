/*
 * virnettraceutils.c: frames of the RPC trace logs
 */
#include "internal.h"

#include "virnettraceutils.h"
#include "remote_program.h"
#include "testutils.h"

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

int
virTestNetParseFrame(const char *line, const char *hexline, virTestNetFrame *f)
{
    char dir[16], prog[32], type[32];
    unsigned int len, vers, serial, payload;
    int proc, status;
    size_t i;
    size_t hexlen = hexline ? strlen(hexline) : 0;

    if (sscanf(line, "[%d] %*s %15s len=%u prog=%31s vers=%u proc=%d(%63[^)]) type=%31s serial=%u status=%d payload=%uB",
               &f->conn, dir, &len, prog, &vers, &proc, f->procName, type, &serial, &status, &payload) != 11) {
        fprintf(stderr, "cannot parse frame line: %s\n", line);
        return -1;
    }
    f->toServer = STREQ(dir, "C->S");
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

GByteArray *
virTestNetTraceFind(const char *name, int proc, bool toServer)
{
    g_autofree char *rel = g_strdup_printf("virnettracedata/%s", name);
    g_autofree char *path = virTestSrcPath(rel);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i] && lines[i + 1]; i++) {
        virTestNetFrame f = { 0 };

        if (!strstr(lines[i], " len=") || !g_str_has_prefix(lines[i + 1], "      "))
            continue;
        if (virTestNetParseFrame(lines[i], lines[i + 1] + 6, &f) != 0) {
            if (f.bytes)
                g_byte_array_unref(f.bytes);
            continue;
        }
        if ((int)f.header.proc == proc && f.toServer == toServer)
            return f.bytes;
        g_byte_array_unref(f.bytes);
    }
    return NULL;
}
