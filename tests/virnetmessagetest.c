/*
 * virnetmessagetest.c: one RPC message: limits, malformed input, errors,
 * file descriptors, keepalive and the byte samples of protocol.md
 *
 * Every malformed case must fail with an RPC error that says what is
 * wrong, and free whatever it decoded (the ASan build checks for leaks).
 */
#include "internal.h"

#include "testutils.h"
#include "virerror.h"
#include "virnetmessage.h"
#include "virnetprogram.h"
#include "remote_program.h"

static const virNetProgram *const programs[] = { &remoteProgram, &virKeepaliveProgram };

/* Building frames by hand, independently of the code under test. */

static void
put32(GByteArray *b, unsigned int v)
{
    guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(b, x, 4);
}

static void
putBytes(GByteArray *b, const void *data, size_t len)
{
    static const guint8 zero[4] = { 0 };

    g_byte_array_append(b, data, len);
    g_byte_array_append(b, zero, (4 - len % 4) % 4);
}

static void
putString(GByteArray *b, const char *s)
{
    put32(b, strlen(s));
    putBytes(b, s, strlen(s));
}

static void
putDomain(GByteArray *b, const char *name, int id)
{
    static const guint8 uuid[16] = { 0x5a, 0x0c, 0x7e, 0x61, 0x3f, 0x0e, 0x4c, 0x5e,
                                     0x9d, 0x3b, 0x7f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a };

    putString(b, name);
    g_byte_array_append(b, uuid, 16);
    put32(b, id);
}

/* A frame with the header fields given; the payload is appended later and
 * the length word fixed by testFrameEnd. */
static GByteArray *
testFrameBegin(unsigned int prog, int proc, int type, int status)
{
    GByteArray *b = g_byte_array_new();

    put32(b, 0);
    put32(b, prog);
    put32(b, 1);
    put32(b, proc);
    put32(b, type);
    put32(b, 7);
    put32(b, status);
    return b;
}

static void
testFrameEnd(GByteArray *b)
{
    unsigned int len = b->len;

    b->data[0] = len >> 24;
    b->data[1] = len >> 16;
    b->data[2] = len >> 8;
    b->data[3] = len;
}

/* The last error is an RPC error whose message contains @what. */
static int
testCheckError(int code, const char *what)
{
    virErrorPtr err = virGetLastError();

    if (!err) {
        fprintf(stderr, "expected an error containing '%s', got none\n", what);
        return -1;
    }
    if (err->code != code || err->domain != VIR_FROM_RPC || !strstr(err->message, what)) {
        fprintf(stderr, "expected error %d '%s' from RPC, got %d/%d '%s'\n",
                code, what, err->code, err->domain, err->message);
        return -1;
    }
    virResetLastError();
    return 0;
}

/* Decode frame @b up to its payload with @filter into @data (zeroed);
 * returns what the decoder returned at the first failing step. */
static int
testDecode(GByteArray *b, xdrproc_t filter, void *data)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();

    if (virNetMessageDecodeFrame(msg, (const char *)b->data, b->len) < 0)
        return -1;
    return virNetMessageDecodePayload(msg, filter, data);
}


/* Length word. */

typedef struct {
    unsigned int len;
    bool ok;
} testLengthCase;

static int
testLength(const void *opaque)
{
    const testLengthCase *c = opaque;
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    int rc;

    virNetMessageBeginRead(msg);
    if (msg->bufferLength != 4)
        return -1;
    msg->buffer[0] = c->len >> 24;
    msg->buffer[1] = c->len >> 16;
    msg->buffer[2] = c->len >> 8;
    msg->buffer[3] = c->len;
    msg->bufferOffset = 4;
    rc = virNetMessageDecodeLength(msg);
    if (c->ok)
        return rc == 0 && msg->bufferLength == c->len &&
            msg->bufferSize == MIN(c->len, VIR_NET_MESSAGE_INITIAL) ? 0 : -1;
    if (rc != -1)
        return -1;
    return testCheckError(VIR_ERR_RPC, c->len < 28 ? "shorter than its header" : "too large");
}

/* The frame arrives in pieces, as from a socket. */
static int
testIncremental(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
                                             VIR_NET_CALL, VIR_NET_OK);
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    remote_domain_lookup_by_name_args args = { 0 };
    size_t len;
    int ret = -1;

    putString(b, "d1");
    testFrameEnd(b);

    virNetMessageBeginRead(msg);
    memcpy(msg->buffer, b->data, 4);
    msg->bufferOffset = 4;
    if (virNetMessageDecodeLength(msg) < 0 || msg->bufferLength != b->len ||
        msg->bufferOffset != 4)
        return -1;
    while (msg->bufferOffset < msg->bufferLength) {
        size_t avail;
        char *p = virNetMessageReadSpace(msg, &avail);

        if (!p || avail == 0 || avail > b->len - msg->bufferOffset)
            return -1;
        /* three bytes at a time, as a slow peer sends them */
        avail = MIN(avail, 3);
        memcpy(p, b->data + msg->bufferOffset, avail);
        msg->bufferOffset += avail;
    }
    if (virNetMessageReadSpace(msg, &len) || len != 0)
        return -1;
    if (virNetMessageDecodeHeader(msg) < 0 ||
        msg->header.proc != REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME || msg->header.serial != 7 ||
        virNetMessageDecodePayload(msg, (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &args) < 0)
        return -1;
    if (STREQ(args.name, "d1"))
        ret = 0;
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_name_args, &args);
    return ret;
}

/* A peer announces the largest frame: the buffer follows the bytes that
 * arrive, not the announcement. */
static int
testBigFrameGrows(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    size_t total = VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_MAX;
    size_t steps = 0;

    virNetMessageBeginRead(msg);
    memcpy(msg->buffer, "\x02\x00\x00\x04", 4);
    msg->bufferOffset = 4;
    if (virNetMessageDecodeLength(msg) < 0 || msg->bufferLength != total)
        return -1;
    if (msg->bufferSize > VIR_NET_MESSAGE_INITIAL) {
        fprintf(stderr, "buffer of %zu bytes for 4 bytes received\n", msg->bufferSize);
        return -1;
    }
    while (msg->bufferOffset < msg->bufferLength) {
        size_t avail;
        char *p = virNetMessageReadSpace(msg, &avail);

        if (!p || avail == 0)
            return -1;
        if (msg->bufferSize > 2 * msg->bufferOffset + VIR_NET_MESSAGE_INITIAL) {
            fprintf(stderr, "buffer of %zu bytes for %zu bytes received\n",
                    msg->bufferSize, msg->bufferOffset);
            return -1;
        }
        memset(p, 0, avail);
        msg->bufferOffset += avail;
        steps++;
    }
    if (msg->bufferSize != total || steps > 16)
        return -1;
    return 0;
}

/* A frame whose size and length word disagree. */
static int
testTruncatedFrame(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                                             VIR_NET_CALL, VIR_NET_OK);
    g_autoptr(virNetMessage) msg = virNetMessageNew();

    put32(b, 10);
    testFrameEnd(b);
    if (virNetMessageDecodeFrame(msg, (const char *)b->data, b->len - 1) != -1 ||
        testCheckError(VIR_ERR_RPC, "its length word says 32") < 0)
        return -1;
    if (virNetMessageDecodeFrame(msg, (const char *)b->data, 3) != -1 ||
        testCheckError(VIR_ERR_RPC, "cut short in its length word") < 0)
        return -1;
    g_byte_array_append(b, (const guint8 *)"xxxx", 4);
    if (virNetMessageDecodeFrame(msg, (const char *)b->data, b->len) != -1 ||
        testCheckError(VIR_ERR_RPC, "36 bytes but its length word says 32") < 0)
        return -1;
    /* A short frame claiming the maximum is refused before its buffer is
     * sized to the claim. */
    if (virNetMessageDecodeFrame(msg, "\x02\x00\x00\x04", 4) != -1 ||
        testCheckError(VIR_ERR_RPC, "4 bytes but its length word says 33554436") < 0)
        return -1;
    if (msg->bufferSize > 4096) {
        fprintf(stderr, "refused frame left a buffer of %zu bytes\n", msg->bufferSize);
        return -1;
    }
    return 0;
}

typedef struct {
    int type;
    int status;
    const char *error;
} testHeaderCase;

static int
testHeader(const void *opaque)
{
    const testHeaderCase *c = opaque;
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_CLOSE,
                                             c->type, c->status);
    g_autoptr(virNetMessage) msg = virNetMessageNew();

    testFrameEnd(b);
    if (virNetMessageDecodeFrame(msg, (const char *)b->data, b->len) != -1)
        return -1;
    return testCheckError(VIR_ERR_RPC, c->error);
}

/* Unknown program, version, procedure: libvirt's words, and a client
 * reads "unknown procedure" as "not supported". */
static int
testUnknown(const void *opaque G_GNUC_UNUSED)
{
    virNetMessageHeader hdr = { REMOTE_PROGRAM, 1, 5, VIR_NET_CALL, 3, VIR_NET_OK };
    g_autoptr(virNetMessage) reply = virNetMessageNew();
    g_autoptr(virNetMessage) in = virNetMessageNew();
    virNetMessageError rerr = { 0 };
    g_autoptr(virError) err = g_new0(virError, 1);
    int ret = -1;

    if (virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &hdr, NULL))
        return -1;
    if (testCheckError(VIR_ERR_RPC, "unknown procedure: 5") < 0)
        return -1;
    hdr.prog = 0x12345678;
    if (virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &hdr, NULL) ||
        testCheckError(VIR_ERR_RPC, "Cannot find program 305419896 version 1") < 0)
        return -1;
    hdr.prog = REMOTE_PROGRAM;
    hdr.vers = 2;
    if (virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &hdr, NULL) ||
        testCheckError(VIR_ERR_RPC, "version 2") < 0)
        return -1;

    /* The error reply to it, as the daemon will send it. */
    hdr.vers = 1;
    if (virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &hdr, NULL))
        return -1;
    if (virNetMessageEncodeErrorReply(reply, &hdr) < 0)
        return -1;
    virResetLastError();
    if (virNetMessageDecodeFrame(in, reply->buffer, reply->bufferLength) < 0 ||
        in->header.type != VIR_NET_REPLY || in->header.status != VIR_NET_ERROR ||
        in->header.serial != 3 || in->header.proc != 5 ||
        virNetMessageDecodePayload(in, (xdrproc_t)xdr_virNetMessageError, &rerr) < 0)
        return -1;
    if (rerr.code != VIR_ERR_RPC || rerr.domain != VIR_FROM_RPC || rerr.level != VIR_ERR_ERROR ||
        !rerr.message || STRNEQ(*rerr.message, "unknown procedure: 5") || rerr.dom || rerr.net)
        goto cleanup;
    virNetMessageErrorToVirError(&rerr, err);
    if (err->code != VIR_ERR_NO_SUPPORT || err->domain != VIR_FROM_RPC ||
        STRNEQ(err->message, "unknown procedure: 5"))
        goto cleanup;
    virNetMessageErrorRaise(&rerr);
    if (virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
        goto cleanup;
    virResetLastError();
    ret = 0;
 cleanup:
    xdr_free((xdrproc_t)xdr_virNetMessageError, &rerr);
    return ret;
}

/* Payloads that are not what the procedure's .x says. */

typedef struct {
    const char *title;
    int proc;
    int type;
    void (*build)(GByteArray *b);
    const char *error;
} testPayloadCase;

static void
buildHugeString(GByteArray *b)
{
    put32(b, 0xffffffff);
}

static void
buildOverMaxString(GByteArray *b)
{
    put32(b, REMOTE_STRING_MAX + 1);
    put32(b, 0x41414141);
}

static void
buildShortString(GByteArray *b)
{
    put32(b, 10);
    putBytes(b, "abcdef", 6);
}

static void
buildTrailing(GByteArray *b)
{
    put32(b, 10);
    put32(b, 0);
}

static void
buildEmptyArgs(GByteArray *b G_GNUC_UNUSED)
{
}

static void
buildTooManyDomains(GByteArray *b)
{
    put32(b, REMOTE_DOMAIN_LIST_MAX + 1);
    putDomain(b, "d1", 1);
    put32(b, 1);
}

static void
buildBadParamType(GByteArray *b)
{
    put32(b, 3);
    put32(b, 1);
    putString(b, "time_elapsed");
    put32(b, 8);
    put32(b, 0);
    put32(b, 0);
}

static void
buildLongParamField(GByteArray *b)
{
    char field[81];

    memset(field, 'f', 80);
    field[80] = '\0';
    put32(b, 3);
    put32(b, 1);
    putString(b, field);
    put32(b, REMOTE_TYPED_PARAM_INT);
    put32(b, 1);
}

static void
buildTooManyAuthTypes(GByteArray *b)
{
    size_t i;

    put32(b, REMOTE_AUTH_TYPE_LIST_MAX + 1);
    for (i = 0; i <= REMOTE_AUTH_TYPE_LIST_MAX; i++)
        put32(b, 0);
}

static void
buildTooManyParams(GByteArray *b)
{
    put32(b, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX + 1);
}

static void
buildHugeCookie(GByteArray *b)
{
    putDomain(b, "d1", 1);
    put32(b, 0);
    put32(b, 0);
    put32(b, REMOTE_MIGRATE_COOKIE_MAX + 1);
}

static void
buildShortUUID(GByteArray *b)
{
    putBytes(b, "0123456789", 10);
}

static int
testPayload(const void *opaque)
{
    const testPayloadCase *c = opaque;
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, c->proc, c->type, VIR_NET_OK);
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    const virNetProcedure *proc;
    xdrproc_t filter;
    size_t size;
    g_autofree void *data = NULL;

    c->build(b);
    testFrameEnd(b);
    if (virNetMessageDecodeFrame(msg, (const char *)b->data, b->len) < 0 ||
        !(proc = virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &msg->header, NULL)) ||
        virNetProcedurePayload(proc, &msg->header, &filter, &size) < 0)
        return -1;
    data = g_malloc0(MAX(size, 1));
    if (virNetMessageDecodePayload(msg, filter, data) != -1)
        return -1;
    return testCheckError(VIR_ERR_RPC, c->error);
}

/* A message type that makes no sense for the procedure. */
static int
testPayloadKind(const void *opaque G_GNUC_UNUSED)
{
    const virNetProcedure *event = virNetProgramLookup(&remoteProgram,
                                                       REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE);
    const virNetProcedure *call = virNetProgramLookup(&remoteProgram, REMOTE_PROC_DOMAIN_GET_STATE);
    virNetMessageHeader hdr = { REMOTE_PROGRAM, 1, 0, VIR_NET_REPLY, 1, VIR_NET_OK };
    xdrproc_t filter;
    size_t size;

    if (!event || !call || !(event->flags & VIR_NET_PROCEDURE_MESSAGE) ||
        (call->flags & VIR_NET_PROCEDURE_MESSAGE))
        return -1;
    if (virNetProcedurePayload(event, &hdr, &filter, &size) != -1 ||
        testCheckError(VIR_ERR_RPC, "not valid for procedure DOMAIN_EVENT_CALLBACK_LIFECYCLE") < 0)
        return -1;
    hdr.type = VIR_NET_CALL;
    if (virNetProcedurePayload(event, &hdr, &filter, &size) != -1 ||
        testCheckError(VIR_ERR_RPC, "type 0 with status 0") < 0)
        return -1;
    hdr.type = VIR_NET_MESSAGE;
    if (virNetProcedurePayload(call, &hdr, &filter, &size) != -1 ||
        testCheckError(VIR_ERR_RPC, "DOMAIN_GET_STATE") < 0)
        return -1;
    hdr.type = VIR_NET_STREAM;
    if (virNetProcedurePayload(call, &hdr, &filter, &size) != -1 ||
        testCheckError(VIR_ERR_RPC, "type 3") < 0)
        return -1;
    hdr.type = VIR_NET_CALL;
    hdr.status = VIR_NET_ERROR;
    if (virNetProcedurePayload(call, &hdr, &filter, &size) != -1 ||
        testCheckError(VIR_ERR_RPC, "status 1") < 0)
        return -1;

    /* And the right ones. */
    hdr.status = VIR_NET_OK;
    if (virNetProcedurePayload(call, &hdr, &filter, &size) < 0 ||
        filter != call->argsFilter || size != sizeof(remote_domain_get_state_args))
        return -1;
    hdr.type = VIR_NET_REPLY;
    if (virNetProcedurePayload(call, &hdr, &filter, &size) < 0 ||
        filter != call->retFilter || size != sizeof(remote_domain_get_state_ret))
        return -1;
    hdr.status = VIR_NET_ERROR;
    if (virNetProcedurePayload(call, &hdr, &filter, &size) < 0 ||
        filter != (xdrproc_t)xdr_virNetMessageError)
        return -1;
    hdr.type = VIR_NET_MESSAGE;
    hdr.status = VIR_NET_OK;
    if (virNetProcedurePayload(event, &hdr, &filter, &size) < 0 ||
        filter != event->argsFilter || size != sizeof(remote_domain_event_callback_lifecycle_msg))
        return -1;
    return 0;
}


/* Encoding limits. */

static int
testEncodeOverMax(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    remote_domain_get_xml_desc_ret ret;
    remote_connect_list_all_domains_ret list = { 0 };
    g_autofree char *xml = g_malloc(REMOTE_STRING_MAX + 2);
    g_autofree char *name = g_malloc(2101);
    g_autofree remote_nonnull_domain *doms = g_new0(remote_nonnull_domain, REMOTE_DOMAIN_LIST_MAX);
    size_t i;

    msg->header = (virNetMessageHeader){ REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_GET_XML_DESC,
                                         VIR_NET_REPLY, 1, VIR_NET_OK };

    /* A string over REMOTE_STRING_MAX. */
    memset(xml, 'x', REMOTE_STRING_MAX + 1);
    xml[REMOTE_STRING_MAX + 1] = '\0';
    ret.xml = xml;
    if (virNetMessageEncodeHeader(msg) < 0 ||
        virNetMessageEncodePayload(msg, (xdrproc_t)xdr_remote_domain_get_xml_desc_ret, &ret) != -1 ||
        testCheckError(VIR_ERR_RPC, "over its maximum in the protocol") < 0)
        return -1;
    if (msg->bufferSize > 4096) {
        fprintf(stderr, "buffer grew to %zu bytes for a payload it refused\n", msg->bufferSize);
        return -1;
    }
    /* Exactly REMOTE_STRING_MAX is fine. */
    xml[REMOTE_STRING_MAX] = '\0';
    ret.xml = xml;
    if (virNetMessageEncodeHeader(msg) < 0 ||
        virNetMessageEncodePayload(msg, (xdrproc_t)xdr_remote_domain_get_xml_desc_ret, &ret) < 0 ||
        msg->bufferLength != 28 + 4 + REMOTE_STRING_MAX)
        return -1;

    /* A payload over 32 MiB: 16384 domains with names of 2100 bytes. */
    memset(name, 'n', 2100);
    name[2100] = '\0';
    for (i = 0; i < REMOTE_DOMAIN_LIST_MAX; i++)
        doms[i].name = name;
    list.domains.domains_len = REMOTE_DOMAIN_LIST_MAX;
    list.domains.domains_val = doms;
    msg->header.proc = REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS;
    if (virNetMessageEncodeHeader(msg) < 0 ||
        virNetMessageEncodePayload(msg, (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &list) != -1 ||
        testCheckError(VIR_ERR_RPC, "more than the 33554408 a message may carry") < 0)
        return -1;
    if (msg->bufferSize > 2 * (REMOTE_STRING_MAX + 64)) {
        fprintf(stderr, "buffer grew to %zu bytes for a payload it refused\n", msg->bufferSize);
        return -1;
    }
    return 0;
}


/* File descriptors. */

static int
testFDs(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    g_autoptr(virNetMessage) in = virNetMessageNew();
    g_autoptr(GByteArray) b = NULL;
    remote_domain_create_args args = { 0 };
    remote_domain_create_args decoded = { 0 };
    g_autofree char *name = g_strdup("d1");
    int fds[2];
    size_t i;
    int fd;

    if (pipe(fds) < 0)
        return -1;
    msg->header = (virNetMessageHeader){ REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_CREATE,
                                         VIR_NET_CALL_WITH_FDS, 9, VIR_NET_OK };
    for (i = 0; i < VIR_NET_MESSAGE_NUM_FDS_MAX; i++) {
        if (virNetMessageAddFD(msg, fds[i % 2]) < 0)
            return -1;
    }
    close(fds[0]);
    close(fds[1]);
    if (virNetMessageAddFD(msg, 0) != -1 ||
        testCheckError(VIR_ERR_RPC, "at most 32 file descriptors") < 0)
        return -1;
    args.dom.name = name;
    if (virNetMessageEncodeHeader(msg) < 0 || virNetMessageEncodeNumFDs(msg) < 0 ||
        virNetMessageEncodePayload(msg, (xdrproc_t)xdr_remote_domain_create_args, &args) < 0)
        return -1;
    /* header, the count, then the args */
    if (msg->bufferLength != 28 + 4 + 4 + 4 + 16 + 4 ||
        memcmp(msg->buffer + 28, "\0\0\0\x20", 4) != 0)
        return -1;
    if (virNetMessageDecodeFrame(in, msg->buffer, msg->bufferLength) < 0 ||
        in->nfds != VIR_NET_MESSAGE_NUM_FDS_MAX || in->fds[0] != -1 ||
        virNetMessageDecodePayload(in, (xdrproc_t)xdr_remote_domain_create_args, &decoded) < 0)
        return -1;
    fd = STREQ(decoded.dom.name, "d1") ? 0 : -1;
    xdr_free((xdrproc_t)xdr_remote_domain_create_args, &decoded);
    if (fd < 0)
        return -1;
    /* The socket layer puts received descriptors in the slots. */
    if (virNetMessageTakeFD(in, 0) != -1 ||
        testCheckError(VIR_ERR_RPC, "no file descriptor in slot 0") < 0)
        return -1;
    in->fds[0] = dup(1);
    if ((fd = virNetMessageTakeFD(in, 0)) < 0)
        return -1;
    close(fd);
    if (virNetMessageTakeFD(in, 0) != -1 || virNetMessageTakeFD(in, 32) != -1)
        return -1;
    virResetLastError();

    /* More than 32 announced. */
    b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_CREATE, VIR_NET_CALL_WITH_FDS, VIR_NET_OK);
    put32(b, 33);
    testFrameEnd(b);
    if (virNetMessageDecodeFrame(in, (const char *)b->data, b->len) != -1 ||
        testCheckError(VIR_ERR_RPC, "carries 33 file descriptors") < 0)
        return -1;
    /* The count missing. */
    g_byte_array_set_size(b, 28);
    testFrameEnd(b);
    if (virNetMessageDecodeFrame(in, (const char *)b->data, b->len) != -1 ||
        testCheckError(VIR_ERR_RPC, "too short for its number of file descriptors") < 0)
        return -1;
    return 0;
}


/* Keepalive: protocol.md 1.11 gives the PING bytes. */
static int
testKeepalive(const void *opaque G_GNUC_UNUSED)
{
    static const char ping[] = "\x00\x00\x00\x1c" "\x6b\x65\x65\x70" "\x00\x00\x00\x01"
                               "\x00\x00\x00\x01" "\x00\x00\x00\x02" "\x00\x00\x00\x00"
                               "\x00\x00\x00\x00";
    g_autoptr(virNetMessage) msg = virNetMessageNewKeepalive(KEEPALIVE_PROC_PING);
    g_autoptr(virNetMessage) pong = virNetMessageNewKeepalive(KEEPALIVE_PROC_PONG);
    g_autoptr(virNetMessage) in = virNetMessageNew();
    const virNetProcedure *proc;
    int kproc = 0;

    if (!msg || !pong || msg->bufferLength != 28 || memcmp(msg->buffer, ping, 28) != 0)
        return -1;
    if (pong->bufferLength != 28 || pong->buffer[15] != 2)
        return -1;
    if (virNetMessageDecodeFrame(in, ping, 28) < 0 ||
        !virNetMessageIsKeepalive(in, &kproc) || kproc != KEEPALIVE_PROC_PING)
        return -1;
    if (!(proc = virNetProgramFindProcedure(programs, G_N_ELEMENTS(programs), &in->header, NULL)) ||
        STRNEQ(proc->name, "PING") || !(proc->flags & VIR_NET_PROCEDURE_MESSAGE))
        return -1;
    /* A REMOTE message is no keepalive. */
    in->header.prog = REMOTE_PROGRAM;
    if (virNetMessageIsKeepalive(in, &kproc))
        return -1;
    return 0;
}

/* CONNECT_OPEN call of protocol.md 1.11, decoded and built from scratch. */
static int
testSampleOpen(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_OPEN,
                                             VIR_NET_CALL, VIR_NET_OK);
    g_autoptr(virNetMessage) out = virNetMessageNew();
    remote_connect_open_args args = { 0 };
    g_autofree char *uri = g_strdup("qemu:///system");
    int ret = -1;

    put32(b, 1);
    putString(b, "qemu:///system");
    put32(b, 0);
    testFrameEnd(b);
    b->data[23] = 2; /* serial 2 */
    if (b->len != 56 || testDecode(b, (xdrproc_t)xdr_remote_connect_open_args, &args) < 0)
        return -1;
    if (args.name && STREQ(*args.name, "qemu:///system") && args.flags == 0)
        ret = 0;
    xdr_free((xdrproc_t)xdr_remote_connect_open_args, &args);
    if (ret < 0)
        return -1;

    args.name = &uri;
    args.flags = 0;
    out->header = (virNetMessageHeader){ REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_OPEN,
                                         VIR_NET_CALL, 2, VIR_NET_OK };
    if (virNetMessageEncodeHeader(out) < 0 ||
        virNetMessageEncodePayload(out, (xdrproc_t)xdr_remote_connect_open_args, &args) < 0)
        return -1;
    return out->bufferLength == b->len && memcmp(out->buffer, b->data, b->len) == 0 ? 0 : -1;
}

/* The lifecycle event of protocol.md 1.11. */
static int
testSampleLifecycle(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                                             VIR_NET_MESSAGE, VIR_NET_OK);
    remote_domain_event_callback_lifecycle_msg ev = { 0 };
    int ret = -1;

    put32(b, 0);
    putDomain(b, "d1", 2);
    put32(b, 6);
    put32(b, 2);
    testFrameEnd(b);
    if (b->len != 68 || testDecode(b, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &ev) < 0)
        return -1;
    if (ev.callbackID == 0 && STREQ(ev.msg.dom.name, "d1") && ev.msg.dom.id == 2 &&
        ev.msg.event == 6 && ev.msg.detail == 2 && (guint8)ev.msg.dom.uuid[0] == 0x5a)
        ret = 0;
    xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &ev);
    return ret;
}

/* The device-missing error body of protocol.md 1.7. */
static int
testSampleError(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) b = testFrameBegin(REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS,
                                             VIR_NET_REPLY, VIR_NET_ERROR);
    virNetMessageError rerr = { 0 };
    g_autoptr(virError) err = g_new0(virError, 1);
    int ret = -1;

    put32(b, 99);
    put32(b, 10);
    put32(b, 1);
    putString(b, "device not found: disk vdb not found");
    put32(b, 2);
    put32(b, 0);
    put32(b, 1);
    putString(b, "device not found: %s");
    put32(b, 1);
    putString(b, "disk vdb not found");
    put32(b, 0);
    put32(b, 0xffffffff);
    put32(b, 0xffffffff);
    put32(b, 0);
    testFrameEnd(b);
    if (b->len != 28 + 132 || testDecode(b, (xdrproc_t)xdr_virNetMessageError, &rerr) < 0)
        return -1;
    virNetMessageErrorToVirError(&rerr, err);
    if (err->code == VIR_ERR_DEVICE_MISSING && err->domain == VIR_FROM_QEMU &&
        err->level == VIR_ERR_ERROR &&
        STREQ(err->message, "device not found: disk vdb not found") &&
        STREQ(err->str1, "device not found: %s") && STREQ(err->str2, "disk vdb not found") &&
        !err->str3 && err->int1 == -1 && err->int2 == -1)
        ret = 0;
    xdr_free((xdrproc_t)xdr_virNetMessageError, &rerr);
    return ret;
}

/* A failure nobody reported still goes out as an error. */
static int
testSaveNoError(const void *opaque G_GNUC_UNUSED)
{
    virNetMessageError rerr;
    int ret;

    virResetLastError();
    virNetMessageSaveError(&rerr);
    ret = rerr.code == VIR_ERR_INTERNAL_ERROR && rerr.message && **rerr.message ? 0 : -1;
    xdr_free((xdrproc_t)xdr_virNetMessageError, &rerr);
    return ret;
}

static int
mymain(void)
{
    static const testLengthCase lengths[] = {
        { 0, false }, { 3, false }, { 4, false }, { 27, false }, { 28, true },
        { 4 + VIR_NET_MESSAGE_MAX, true }, { 5 + VIR_NET_MESSAGE_MAX, false },
        { 0xffffffff, false },
    };
    static const testHeaderCase headers[] = {
        { 7, 0, "unknown type 7" },
        { -1, 0, "unknown type -1" },
        { 0, 3, "unknown status 3" },
        { 1, -2, "unknown status -2" },
    };
    static const testPayloadCase payloads[] = {
        { "string length 0xffffffff", REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VIR_NET_CALL,
          buildHugeString, "unable to decode the payload" },
        { "string over REMOTE_STRING_MAX", REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VIR_NET_CALL,
          buildOverMaxString, "unable to decode the payload" },
        { "string cut short", REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VIR_NET_CALL,
          buildShortString, "unable to decode the payload" },
        { "bytes after the args", REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, VIR_NET_CALL,
          buildTrailing, "4 bytes after its payload" },
        { "args missing", REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, VIR_NET_CALL,
          buildEmptyArgs, "unable to decode the payload" },
        { "bytes where no payload is", REMOTE_PROC_CONNECT_CLOSE, VIR_NET_CALL,
          buildTrailing, "8 bytes after its payload" },
        { "domain array over its maximum", REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, VIR_NET_REPLY,
          buildTooManyDomains, "unable to decode the payload" },
        { "typed param of unknown type", REMOTE_PROC_DOMAIN_GET_JOB_STATS, VIR_NET_REPLY,
          buildBadParamType, "unable to decode the payload" },
        { "typed param field over 79 bytes", REMOTE_PROC_DOMAIN_GET_JOB_STATS, VIR_NET_REPLY,
          buildLongParamField, "unable to decode the payload" },
        { "auth type array over its maximum", REMOTE_PROC_AUTH_LIST, VIR_NET_REPLY,
          buildTooManyAuthTypes, "unable to decode the payload" },
        { "migration params over their maximum", REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
          VIR_NET_CALL, buildTooManyParams, "unable to decode the payload" },
        { "cookie over its maximum", REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS, VIR_NET_CALL,
          buildHugeCookie, "unable to decode the payload" },
        { "uuid cut short", REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, VIR_NET_CALL,
          buildShortUUID, "unable to decode the payload" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(lengths); i++) {
        g_autofree char *title = g_strdup_printf("length word %u %s", lengths[i].len,
                                                 lengths[i].ok ? "accepted" : "refused");
        virTestRun(title, testLength, &lengths[i]);
    }
    virTestRun("a frame read in pieces", testIncremental, NULL);
    virTestRun("the buffer of a 32 MiB frame grows as it arrives", testBigFrameGrows, NULL);
    virTestRun("frame size and length word disagree", testTruncatedFrame, NULL);
    for (i = 0; i < G_N_ELEMENTS(headers); i++) {
        g_autofree char *title = g_strdup_printf("header refused: %s", headers[i].error);
        virTestRun(title, testHeader, &headers[i]);
    }
    virTestRun("unknown program, version, procedure", testUnknown, NULL);
    for (i = 0; i < G_N_ELEMENTS(payloads); i++) {
        g_autofree char *title = g_strdup_printf("payload refused: %s", payloads[i].title);
        virTestRun(title, testPayload, &payloads[i]);
    }
    virTestRun("message type against procedure kind", testPayloadKind, NULL);
    virTestRun("encoder refuses values over the limits", testEncodeOverMax, NULL);
    virTestRun("file descriptors", testFDs, NULL);
    virTestRun("keepalive PING and PONG", testKeepalive, NULL);
    virTestRun("sample CONNECT_OPEN call", testSampleOpen, NULL);
    virTestRun("sample lifecycle event", testSampleLifecycle, NULL);
    virTestRun("sample device-missing error", testSampleError, NULL);
    virTestRun("unreported failure saved as an error", testSaveNoError, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
