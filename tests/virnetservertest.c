/*
 * virnetservertest.c: the RPC server transport against raw clients
 *
 * A server runs in a thread of this test on UNIX sockets in a temporary
 * directory, serving remoteProgram through a fake handler (below). Clients
 * are plain sockets that build their frames by hand, so each malformed
 * case of issue 15 can be sent as is: after each one the same connection
 * (when it must survive) and a fresh client must still get answers.
 */
#include "internal.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "testutils.h"
#include "virerror.h"
#include "virnetserver.h"
#include "remote_program.h"
#include "virnettraceutils.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* Every wait of a client is bounded: a server that wedges fails the test
 * instead of hanging it. */
#define TEST_TIMEOUT_MS 10000

#define TEST_KA_INTERVAL 1
#define TEST_KA_COUNT 2
#define TEST_OUTPUT_MAX (4 * 1024 * 1024)
#define TEST_BIG_REPLY (1024 * 1024)
#define TEST_IDLE_SECONDS 1
#define TEST_WORKERS 4
#define TEST_SLOW_MS 1500

static char *tmpdir;
static char *rwPath;
static char *roPath;
static char *authPath;
static virNetServer *srv;
static GThread *srvThread;

/* What the handler and hooks saw. */
static gint handlerCalls;
static gint destroyCalls;
static gint closeHooks;
static gint privateFrees;
static gint slowDone;
static gint idleFires;
static GMutex lastLock;
static virNetServerClient *lastClient;     /* a reference */
static virNetSocketIdentity lastIdent;


/* The server side */

static int
testHandler(virNetServer *server G_GNUC_UNUSED,
            virNetServerClient *client,
            virNetMessage *msg,
            const virNetProcedure *proc,
            void *args,
            void *ret,
            void *opaque G_GNUC_UNUSED)
{
    g_atomic_int_inc(&handlerCalls);

    switch (proc->proc) {
    case REMOTE_PROC_CONNECT_GET_HOSTNAME: {
        remote_connect_get_hostname_ret *r = ret;
        int fd;

        g_mutex_lock(&lastLock);
        lastIdent = *virNetServerClientGetIdentity(client);
        g_mutex_unlock(&lastLock);
        if (msg->nfds > 0) {
            /* A passed descriptor: answer with the size of its file. */
            struct stat sb;

            if ((fd = virNetMessageTakeFD(msg, 0)) < 0)
                return -1;
            if (fstat(fd, &sb) < 0) {
                close(fd);
                virReportSystemError(errno, "%s", "fstat");
                return -1;
            }
            close(fd);
            r->hostname = g_strdup_printf("fd-size-%lld", (long long)sb.st_size);
        } else {
            r->hostname = g_strdup("testhost");
        }
        return 0;
    }
    case REMOTE_PROC_CONNECT_GET_CAPABILITIES: {
        remote_connect_get_capabilities_ret *r = ret;

        r->capabilities = g_malloc(TEST_BIG_REPLY + 1);
        memset(r->capabilities, 'c', TEST_BIG_REPLY);
        r->capabilities[TEST_BIG_REPLY] = '\0';
        return 0;
    }
    case REMOTE_PROC_CONNECT_SUPPORTS_FEATURE: {
        remote_connect_supports_feature_args *a = args;
        remote_connect_supports_feature_ret *r = ret;

        if (a->feature == 10)
            virNetServerClientStartKeepAlive(client);
        r->supported = 1;
        return 0;
    }
    case REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME: {
        remote_domain_lookup_by_name_args *a = args;
        remote_domain_lookup_by_name_ret *r = ret;

        if (STREQ(a->name, "sleep")) {
            /* A long call: the same connection's later calls overtake it. */
            g_usleep(500 * 1000);
        } else if (STRNEQ(a->name, "d1")) {
            virRaiseErrorFull(__FILE__, __func__, __LINE__, VIR_FROM_QEMU,
                              VIR_ERR_NO_DOMAIN, VIR_ERR_ERROR, NULL, NULL, NULL, -1, -1,
                              "Domain not found: no domain with matching name '%s'", a->name);
            return -1;
        }
        r->dom.name = g_strdup(a->name);
        r->dom.id = 7;
        return 0;
    }
    case REMOTE_PROC_DOMAIN_DESTROY:
        g_atomic_int_inc(&destroyCalls);
        return 0;
    case REMOTE_PROC_DOMAIN_CREATE:
        /* A long call that is not @prio. */
        g_usleep(TEST_SLOW_MS * 1000);
        g_atomic_int_inc(&slowDone);
        return 0;
    case REMOTE_PROC_AUTH_LIST: {
        remote_auth_list_ret *r = ret;

        /* As the daemon does for root: authenticated, nothing to do. */
        virNetServerClientSetAuthenticated(client);
        r->types.types_len = 1;
        r->types.types_val = g_new0(remote_auth_type, 1);
        return 0;
    }
    case REMOTE_PROC_CONNECT_CLOSE:
        virNetServerClientDelayedClose(client);
        return 0;
    }
    virReportError(VIR_ERR_NO_SUPPORT, "test handler has no procedure %s", proc->name);
    return -1;
}

static void
testPrivateFree(void *data)
{
    g_free(data);
    g_atomic_int_inc(&privateFrees);
}

static void
testCloseHook(virNetServerClient *client G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    g_atomic_int_inc(&closeHooks);
}

static int
testClientInit(virNetServer *server G_GNUC_UNUSED,
               virNetServerClient *client,
               void *opaque G_GNUC_UNUSED)
{
    virNetServerClientSetPrivateData(client, g_strdup("private"), testPrivateFree);
    virNetServerClientSetCloseHook(client, testCloseHook, NULL);
    g_mutex_lock(&lastLock);
    if (lastClient)
        virNetServerClientUnref(lastClient);
    lastClient = virNetServerClientRef(client);
    g_mutex_unlock(&lastLock);
    return 0;
}

static void
testIdle(virNetServer *server G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    g_atomic_int_inc(&idleFires);
}

/* set once virNetServerRun of the tests' server (srv) returned */
static gint serverEnded;

static gpointer
testServerThreadOf(gpointer opaque)
{
    if (virNetServerRun(opaque) < 0)
        fprintf(stderr, "server: %s\n", virGetLastErrorMessage());
    if (opaque == srv)
        g_atomic_int_set(&serverEnded, 1);
    return NULL;
}


/* Raw clients */

static void
put32(GByteArray *b, unsigned int v)
{
    guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(b, x, 4);
}

static unsigned int
get32(const guint8 *p)
{
    return ((unsigned int)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static void
putString(GByteArray *b, const char *s)
{
    static const guint8 zero[4] = { 0 };
    size_t len = strlen(s);

    put32(b, len);
    g_byte_array_append(b, (const guint8 *)s, len);
    g_byte_array_append(b, zero, (4 - len % 4) % 4);
}

/* A frame: length word, header, @payload (may be NULL). */
static GByteArray *
frameNew(unsigned int prog, int proc, int type, unsigned int serial, int status,
         const GByteArray *payload)
{
    GByteArray *b = g_byte_array_new();
    size_t plen = payload ? payload->len : 0;

    put32(b, 28 + plen);
    put32(b, prog);
    put32(b, 1);
    put32(b, proc);
    put32(b, type);
    put32(b, serial);
    put32(b, status);
    if (payload)
        g_byte_array_append(b, payload->data, payload->len);
    return b;
}

static int
clientConnect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        printf("#   connect %s: %s\n", path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int
sendAll(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            printf("#   send: %s\n", g_strerror(errno));
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

static int
sendFrame(int fd, unsigned int prog, int proc, int type, unsigned int serial,
          int status, const GByteArray *payload)
{
    g_autoptr(GByteArray) f = frameNew(prog, proc, type, serial, status, payload);

    return sendAll(fd, f->data, f->len);
}

/* Reads exactly @len bytes within the test timeout. 0, -1 on error or
 * timeout, -2 on end of stream. */
static int
recvAll(int fd, void *data, size_t len)
{
    char *p = data;
    gint64 deadline = g_get_monotonic_time() + TEST_TIMEOUT_MS * 1000LL;

    while (len > 0) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int left = (deadline - g_get_monotonic_time()) / 1000;
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, left) == 0) {
            printf("#   no answer from the server within %d ms\n", TEST_TIMEOUT_MS);
            return -1;
        }
        n = recv(fd, p, len, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno == ECONNRESET)
                return -2;
            printf("#   recv: %s\n", g_strerror(errno));
            return -1;
        }
        if (n == 0)
            return -2;
        p += n;
        len -= n;
    }
    return 0;
}

typedef struct {
    unsigned int len;
    unsigned int prog;
    unsigned int vers;
    int proc;
    int type;
    unsigned int serial;
    int status;
    GByteArray *payload;
    guint8 *raw;        /* the whole frame */
} testReply;

static void
replyClear(testReply *r)
{
    if (r->payload)
        g_byte_array_unref(r->payload);
    g_free(r->raw);
    memset(r, 0, sizeof(*r));
}

/* 0, -1 on error, -2 if the server closed the connection. */
static int
recvFrame(int fd, testReply *r)
{
    guint8 word[4];
    int rc;

    memset(r, 0, sizeof(*r));
    if ((rc = recvAll(fd, word, 4)) < 0)
        return rc;
    r->len = get32(word);
    if (r->len < 28 || r->len > 4 + 33554432) {
        printf("#   the server sent a frame of %u bytes\n", r->len);
        return -1;
    }
    r->raw = g_malloc(r->len);
    memcpy(r->raw, word, 4);
    if ((rc = recvAll(fd, r->raw + 4, r->len - 4)) < 0) {
        if (rc == -1)
            printf("#   frame cut short\n");
        g_clear_pointer(&r->raw, g_free);
        return rc;
    }
    r->prog = get32(r->raw + 4);
    r->vers = get32(r->raw + 8);
    r->proc = get32(r->raw + 12);
    r->type = get32(r->raw + 16);
    r->serial = get32(r->raw + 20);
    r->status = get32(r->raw + 24);
    r->payload = g_byte_array_new();
    g_byte_array_append(r->payload, r->raw + 28, r->len - 28);
    return 0;
}

/* The next frame that is not a keepalive message. */
static int
recvReply(int fd, testReply *r)
{
    int rc;

    while ((rc = recvFrame(fd, r)) == 0 && r->prog == KEEPALIVE_PROGRAM &&
           r->type == VIR_NET_MESSAGE)
        replyClear(r);
    return rc;
}

/* An error reply's code, domain and message. */
static int
replyError(const testReply *r, int *code, int *domain, char **message)
{
    const guint8 *p = r->payload->data;
    unsigned int len;

    if (r->type != VIR_NET_REPLY || r->status != VIR_NET_ERROR || r->payload->len < 16) {
        printf("#   expected an error reply, got type %d status %d\n", r->type, r->status);
        return -1;
    }
    *code = get32(p);
    *domain = get32(p + 4);
    if (get32(p + 8) != 1) {
        printf("#   error reply without a message\n");
        return -1;
    }
    len = get32(p + 12);
    if (len > r->payload->len - 16)
        return -1;
    *message = g_strndup((const char *)p + 16, len);
    return 0;
}

/* Expects the error reply to @serial with @code and a message holding
 * @needle. */
static int
expectError(int fd, unsigned int serial, int code, const char *needle)
{
    testReply r;
    int rcode, rdomain;
    g_autofree char *message = NULL;
    int ret = -1;

    if (recvReply(fd, &r) < 0) {
        printf("#   no error reply for serial %u\n", serial);
        return -1;
    }
    if (replyError(&r, &rcode, &rdomain, &message) < 0)
        goto cleanup;
    if (r.serial != serial || rcode != code || !strstr(message, needle)) {
        printf("#   expected error %d \"%s\" for serial %u, got %d \"%s\" for %u\n",
               code, needle, serial, rcode, message, r.serial);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    replyClear(&r);
    return ret;
}

/* A GET_HOSTNAME call with @serial on @fd answered "testhost". */
static int
checkCall(int fd, unsigned int serial)
{
    testReply r;
    int ret = -1;

    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, VIR_NET_CALL,
                  serial, VIR_NET_OK, NULL) < 0 ||
        recvReply(fd, &r) < 0) {
        printf("#   no answer to GET_HOSTNAME serial %u\n", serial);
        return -1;
    }
    if (r.type != VIR_NET_REPLY || r.status != VIR_NET_OK || r.serial != serial ||
        r.proc != REMOTE_PROC_CONNECT_GET_HOSTNAME || r.len != 28 + 4 + 8 ||
        memcmp(r.payload->data + 4, "testhost", 8) != 0) {
        printf("#   bad answer to GET_HOSTNAME: type %d status %d serial %u len %u\n",
               r.type, r.status, r.serial, r.len);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    replyClear(&r);
    return ret;
}

/* A new client of the read-write socket is answered. */
static int
checkOthers(void)
{
    int fd = clientConnect(rwPath);
    int ret;

    if (fd < 0)
        return -1;
    ret = checkCall(fd, 0);
    close(fd);
    if (ret < 0)
        printf("#   another client is no longer served\n");
    return ret;
}

/* Waits until the server has let go of the clients of earlier tests. */
static bool waitClients(size_t n);

static bool
settle(void)
{
    return waitClients(0);
}

/* The server closes @fd within the timeout (frames before that are
 * skipped). */
static int
expectClosed(int fd)
{
    testReply r;
    int rc;

    while ((rc = recvFrame(fd, &r)) == 0)
        replyClear(&r);
    if (rc != -2) {
        printf("#   the server did not close the connection\n");
        return -1;
    }
    return 0;
}

static bool
waitFor(gint *counter, int value)
{
    gint64 deadline = g_get_monotonic_time() + TEST_TIMEOUT_MS * 1000LL;

    while (g_atomic_int_get(counter) < value) {
        if (g_get_monotonic_time() > deadline)
            return false;
        g_usleep(10 * 1000);
    }
    return true;
}

static bool
waitClients(size_t n)
{
    gint64 deadline = g_get_monotonic_time() + TEST_TIMEOUT_MS * 1000LL;

    while (virNetServerGetClientCount(srv) != n) {
        if (g_get_monotonic_time() > deadline) {
            printf("#   %zu clients connected, expected %zu\n",
                   virNetServerGetClientCount(srv), n);
            return false;
        }
        g_usleep(10 * 1000);
    }
    return true;
}


/* Tests */

static int
testBasicCall(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    int ret = -1;

    if (fd < 0)
        return -1;
    if (checkCall(fd, 0) < 0 || checkCall(fd, 1) < 0 || checkCall(fd, 0x7fffffff) < 0)
        goto cleanup;
    g_mutex_lock(&lastLock);
    if (lastIdent.uid != getuid() || lastIdent.gid != getgid() || lastIdent.pid != getpid()) {
        printf("#   peer credentials uid %u gid %u pid %d, expected %u %u %d\n",
               lastIdent.uid, lastIdent.gid, lastIdent.pid, getuid(), getgid(), getpid());
        g_mutex_unlock(&lastLock);
        goto cleanup;
    }
    g_mutex_unlock(&lastLock);
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

static int
testSocketModes(const void *opaque G_GNUC_UNUSED)
{
    struct stat rw, ro;

    if (stat(rwPath, &rw) < 0 || stat(roPath, &ro) < 0 ||
        !S_ISSOCK(rw.st_mode) || !S_ISSOCK(ro.st_mode)) {
        printf("#   sockets missing\n");
        return -1;
    }
    if ((rw.st_mode & 07777) != 0600 || (ro.st_mode & 07777) != 0666) {
        printf("#   modes %o %o, expected 600 666\n", rw.st_mode & 07777, ro.st_mode & 07777);
        return -1;
    }
    return 0;
}

/* A socket that is still served is not taken over; a stale one is
 * replaced; a file that is not a socket is left alone. */
static int
testSocketPathInUse(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *stale = g_build_filename(tmpdir, "sock-stale", NULL);
    g_autofree char *plain = g_build_filename(tmpdir, "not-a-socket", NULL);
    int fd;
    int ret = -1;

    if (virNetSocketListenUNIX(rwPath, 0600, (gid_t)-1, 1) >= 0 ||
        virTestExpectError("a served socket", "another process is listening") < 0)
        return -1;
    if (checkOthers() < 0)
        return -1;
    /* A stale one: bound, then its process gone (closed). */
    if ((fd = virNetSocketListenUNIX(stale, 0600, (gid_t)-1, 1)) < 0)
        return -1;
    close(fd);
    if ((fd = virNetSocketListenUNIX(stale, 0600, (gid_t)-1, 1)) < 0) {
        printf("#   a stale socket was not replaced: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    close(fd);
    if (!g_file_set_contents(plain, "x", 1, NULL))
        goto cleanup;
    if (virNetSocketListenUNIX(plain, 0600, (gid_t)-1, 1) >= 0 ||
        virTestExpectError("a plain file", "cannot bind a socket to") < 0)
        goto cleanup;
    {
        g_autofree char *content = NULL;

        if (!g_file_get_contents(plain, &content, NULL, NULL) || STRNEQ(content, "x")) {
            printf("#   the plain file was not left alone\n");
            goto cleanup;
        }
    }
    ret = 0;
 cleanup:
    unlink(stale);
    unlink(plain);
    return ret;
}

static int
testHandlerError(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) args = g_byte_array_new();
    int ret = -1;

    if (fd < 0)
        return -1;
    putString(args, "nosuch");
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VIR_NET_CALL,
                  3, VIR_NET_OK, args) < 0 ||
        expectError(fd, 3, VIR_ERR_NO_DOMAIN,
                    "Domain not found: no domain with matching name 'nosuch'") < 0 ||
        checkCall(fd, 4) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

typedef struct {
    const char *name;
    unsigned int len;       /* the length word sent */
    size_t send;            /* bytes sent after it (zeros) */
} testBadLength;

/* A length word the stream cannot go on from: the client is dropped. */
static int
testLength(const void *opaque)
{
    const testBadLength *t = opaque;
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) b = g_byte_array_new();
    int ret = -1;

    if (fd < 0)
        return -1;
    put32(b, t->len);
    g_byte_array_set_size(b, 4 + t->send);
    memset(b->data + 4, 0, t->send);
    if (sendAll(fd, b->data, b->len) < 0 || expectClosed(fd) < 0 || checkOthers() < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A frame of exactly the largest size is read (and its garbage payload
 * refused with an error reply, the connection kept). */
static int
testLargestFrame(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) payload = g_byte_array_new();
    int ret = -1;

    if (fd < 0)
        return -1;
    g_byte_array_set_size(payload, 33554432 - 24);
    memset(payload->data, 0xff, payload->len);
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, VIR_NET_CALL,
                  9, VIR_NET_OK, payload) < 0 ||
        expectError(fd, 9, VIR_ERR_RPC, "bytes after its payload") < 0 ||
        checkCall(fd, 10) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A frame cut short by the peer going away. */
static int
testTruncatedThenGone(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) f = frameNew(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME,
                                       VIR_NET_CALL, 0, VIR_NET_OK, NULL);
    size_t before = 0;
    int fd;

    if (!settle() || (fd = clientConnect(rwPath)) < 0)
        return -1;
    f->data[3] = 100;   /* says 100 bytes, 28 follow */
    if (sendAll(fd, f->data, f->len) < 0) {
        close(fd);
        return -1;
    }
    if (!waitClients(before + 1)) {
        close(fd);
        return -1;
    }
    close(fd);
    if (!waitClients(before))
        return -1;
    return checkOthers();
}

/* Half a frame, then nothing: others are served meanwhile, and the
 * staller gets its answer when it finishes the frame. */
static int
testHalfFrameStall(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) f = frameNew(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME,
                                       VIR_NET_CALL, 5, VIR_NET_OK, NULL);
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    if (sendAll(fd, f->data, 14) < 0)
        goto cleanup;
    g_usleep(200 * 1000);
    if (checkOthers() < 0 || checkOthers() < 0)
        goto cleanup;
    if (sendAll(fd, f->data + 14, f->len - 14) < 0 || recvReply(fd, &r) < 0)
        goto cleanup;
    if (r.serial != 5 || r.status != VIR_NET_OK) {
        printf("#   the completed frame got serial %u status %d\n", r.serial, r.status);
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

typedef struct {
    const char *name;
    unsigned int prog;
    unsigned int vers;
    int proc;
    int type;
    int status;
    int code;
    const char *error;
} testBadHeader;

/* A well framed message the server refuses with an error reply; the
 * connection stays usable. */
static int
testHeader(const void *opaque)
{
    const testBadHeader *t = opaque;
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) f = frameNew(t->prog, t->proc, t->type, 21, t->status, NULL);
    int ret = -1;

    if (fd < 0)
        return -1;
    f->data[11] = t->vers;
    if (sendAll(fd, f->data, f->len) < 0 ||
        expectError(fd, 21, t->code, t->error) < 0 ||
        checkCall(fd, 22) < 0 || checkOthers() < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

typedef struct {
    const char *name;
    int proc;
    const guint8 *payload;
    size_t len;
    const char *error;
} testBadPayload;

static const guint8 payloadTruncated[] = { 0, 0, 0, 8, 'd', '1' };
static const guint8 payloadExtra[] = { 0, 0, 0, 2, 'd', '1', 0, 0, 0, 0, 0, 1 };
static const guint8 payloadStringOverMax[] = { 0, 0x40, 0, 1, 'x', 'x', 'x', 'x' };
/* PREPARE3_PARAMS: 65 typed params (at most 64). */
static const guint8 payloadArrayOverMax[] = { 0, 0, 0, 65, 0, 0, 0, 1, 'a', 0, 0, 0 };
static const guint8 payloadGarbage[] = { 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef };

/* A payload that does not decode: error reply, connection kept. */
static int
testPayload(const void *opaque)
{
    const testBadPayload *t = opaque;
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) payload = g_byte_array_new();
    gint calls = g_atomic_int_get(&handlerCalls);
    int ret = -1;

    if (fd < 0)
        return -1;
    g_byte_array_append(payload, t->payload, t->len);
    if (sendFrame(fd, REMOTE_PROGRAM, t->proc, VIR_NET_CALL, 31, VIR_NET_OK, payload) < 0 ||
        expectError(fd, 31, VIR_ERR_RPC, t->error) < 0)
        goto cleanup;
    if (g_atomic_int_get(&handlerCalls) != calls) {
        printf("#   the handler was called with an undecodable payload\n");
        goto cleanup;
    }
    if (checkCall(fd, 32) < 0 || checkOthers() < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A string longer than 4 MiB, sent in full. */
static int
testLongString(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) payload = g_byte_array_new();
    size_t len = 4194304 + 4;
    int ret = -1;

    if (fd < 0)
        return -1;
    put32(payload, len);
    g_byte_array_set_size(payload, 4 + len);
    memset(payload->data + 4, 'a', len);
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VIR_NET_CALL,
                  41, VIR_NET_OK, payload) < 0 ||
        expectError(fd, 41, VIR_ERR_RPC, "unable to decode the payload") < 0 ||
        checkCall(fd, 42) < 0 || checkOthers() < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* The read-only socket refuses a procedure without @ro before its
 * handler runs, and serves @ro ones. */
static int
testReadOnly(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(roPath);
    g_autoptr(GByteArray) args = g_byte_array_new();
    static const guint8 uuid[16] = { 1 };
    int ret = -1;

    if (fd < 0)
        return -1;
    putString(args, "d1");
    g_byte_array_append(args, uuid, 16);
    put32(args, 1);
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_DESTROY, VIR_NET_CALL,
                  51, VIR_NET_OK, args) < 0 ||
        expectError(fd, 51, VIR_ERR_OPERATION_DENIED,
                    "operation forbidden: read only access prevents virDomainDestroy") < 0)
        goto cleanup;
    if (g_atomic_int_get(&destroyCalls) != 0) {
        printf("#   DOMAIN_DESTROY ran on a read-only connection\n");
        goto cleanup;
    }
    if (checkCall(fd, 52) < 0)
        goto cleanup;
    /* The same call on the read-write socket does run. */
    close(fd);
    if ((fd = clientConnect(rwPath)) < 0)
        return -1;
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_DESTROY, VIR_NET_CALL,
                  53, VIR_NET_OK, args) < 0 ||
        !waitFor(&destroyCalls, 1)) {
        printf("#   DOMAIN_DESTROY did not run on the read-write socket\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A long call does not hold the connection's next calls: replies come
 * out of order, matched by serial. */
static int
testOutOfOrder(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) args = g_byte_array_new();
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    putString(args, "sleep");
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VIR_NET_CALL,
                  61, VIR_NET_OK, args) < 0 ||
        checkCall(fd, 62) < 0)
        goto cleanup;
    if (recvReply(fd, &r) < 0)
        goto cleanup;
    if (r.serial != 61 || r.status != VIR_NET_OK) {
        printf("#   the long call got serial %u status %d\n", r.serial, r.status);
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* With every worker busy on long calls, a @prio call is answered by a
 * priority worker at once. */
static int
testPriority(const void *opaque G_GNUC_UNUSED)
{
    int fds[TEST_WORKERS];
    g_autoptr(GByteArray) args = g_byte_array_new();
    static const guint8 uuid[16] = { 1 };
    gint64 start;
    double ms;
    size_t i;
    int fd = -1;
    int ret = -1;

    for (i = 0; i < TEST_WORKERS; i++)
        fds[i] = -1;
    putString(args, "d1");
    g_byte_array_append(args, uuid, 16);
    put32(args, 1);
    for (i = 0; i < TEST_WORKERS; i++) {
        if ((fds[i] = clientConnect(rwPath)) < 0 ||
            sendFrame(fds[i], REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_CREATE, VIR_NET_CALL, 1,
                      VIR_NET_OK, args) < 0)
            goto cleanup;
    }
    g_usleep(200 * 1000);
    if ((fd = clientConnect(rwPath)) < 0)
        goto cleanup;
    start = g_get_monotonic_time();
    if (checkCall(fd, 0) < 0)
        goto cleanup;
    ms = (g_get_monotonic_time() - start) / 1000.0;
    printf("# @prio call with %d workers busy: %.1f ms\n", TEST_WORKERS, ms);
    if (ms > TEST_SLOW_MS - 400) {
        printf("#   the @prio call waited for the long calls\n");
        goto cleanup;
    }
    for (i = 0; i < TEST_WORKERS; i++) {
        testReply r;

        if (recvReply(fds[i], &r) < 0)
            goto cleanup;
        replyClear(&r);
    }
    ret = 0;
 cleanup:
    for (i = 0; i < TEST_WORKERS; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (fd >= 0)
        close(fd);
    return ret;
}

/* PING gets PONG, also before keepalive was negotiated. */
static int
testPingPong(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    static const guint8 pong[28] = {
        0, 0, 0, 0x1c, 0x6b, 0x65, 0x65, 0x70, 0, 0, 0, 1, 0, 0, 0, 2,
        0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    if (sendFrame(fd, KEEPALIVE_PROGRAM, KEEPALIVE_PROC_PING, VIR_NET_MESSAGE, 0,
                  VIR_NET_OK, NULL) < 0 ||
        recvFrame(fd, &r) < 0)
        goto cleanup;
    if (r.len != 28 || memcmp(r.raw, pong, 28) != 0) {
        printf("#   the answer to PING is not the 28 bytes of a PONG\n");
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    if (checkCall(fd, 1) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

static int
askKeepalive(int fd)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    testReply r;
    int ret = 0;

    put32(args, 10);
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, VIR_NET_CALL,
                  1, VIR_NET_OK, args) < 0 ||
        recvReply(fd, &r) < 0)
        return -1;
    if (r.status != VIR_NET_OK || r.payload->len != 4 || get32(r.payload->data) != 1) {
        printf("#   SUPPORTS_FEATURE 10 not answered 1\n");
        ret = -1;
    }
    replyClear(&r);
    return ret;
}

/* A client that asked for keepalive and then says nothing gets PINGs
 * and is dropped after interval * (count + 1). */
static int
testKeepaliveSilent(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    testReply r;
    int pings = 0;
    gint64 start;
    double elapsed;
    int rc;

    if (fd < 0)
        return -1;
    if (askKeepalive(fd) < 0) {
        close(fd);
        return -1;
    }
    start = g_get_monotonic_time();
    while ((rc = recvFrame(fd, &r)) == 0) {
        if (r.prog == KEEPALIVE_PROGRAM && r.proc == KEEPALIVE_PROC_PING &&
            r.type == VIR_NET_MESSAGE && r.serial == 0 && r.len == 28)
            pings++;
        replyClear(&r);
    }
    close(fd);
    elapsed = (g_get_monotonic_time() - start) / 1e6;
    printf("# silent client: %d PINGs, dropped after %.2f s\n", pings, elapsed);
    if (rc != -2 || pings != TEST_KA_COUNT ||
        elapsed < TEST_KA_INTERVAL * (TEST_KA_COUNT + 1) - 0.2 ||
        elapsed > TEST_KA_INTERVAL * (TEST_KA_COUNT + 1) + 1.5) {
        printf("#   expected %d PINGs and a drop after %d s\n",
               TEST_KA_COUNT, TEST_KA_INTERVAL * (TEST_KA_COUNT + 1));
        return -1;
    }
    return checkOthers();
}

/* A client that answers PINGs stays, well past the silent limit. */
static int
testKeepaliveAnswered(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    gint64 until;
    testReply r;
    int pongs = 0;
    int ret = -1;

    if (fd < 0)
        return -1;
    if (askKeepalive(fd) < 0)
        goto cleanup;
    until = g_get_monotonic_time() + (TEST_KA_INTERVAL * (TEST_KA_COUNT + 2)) * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < until) {
        if (recvFrame(fd, &r) < 0) {
            printf("#   dropped although it answered %d PINGs\n", pongs);
            goto cleanup;
        }
        if (r.prog == KEEPALIVE_PROGRAM && r.proc == KEEPALIVE_PROC_PING) {
            if (sendFrame(fd, KEEPALIVE_PROGRAM, KEEPALIVE_PROC_PONG, VIR_NET_MESSAGE, 0,
                          VIR_NET_OK, NULL) < 0) {
                replyClear(&r);
                goto cleanup;
            }
            pongs++;
        }
        replyClear(&r);
    }
    if (pongs < TEST_KA_COUNT || checkCall(fd, 2) < 0) {
        printf("#   %d PINGs answered\n", pongs);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A client that sends calls with big replies and never reads them is
 * dropped when its queued output passes the cap; nobody else waits. */
static int
testNeverReads(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    size_t i;
    int ret = -1;
    int rc;

    if (fd < 0)
        return -1;
    /* A small receive buffer, so that the kernel holds little for it. */
    rc = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rc, sizeof(rc));
    for (i = 0; i < 4 * (TEST_OUTPUT_MAX / TEST_BIG_REPLY); i++) {
        if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_CAPABILITIES, VIR_NET_CALL,
                      i, VIR_NET_OK, NULL) < 0)
            break;   /* already dropped */
        if (checkOthers() < 0)
            goto cleanup;
    }
    if (expectClosed(fd) < 0 || checkOthers() < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A client that floods small calls without reading stops being read once
 * max_client_requests replies wait; others are served. */
static int
testFloodNoRead(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) all = g_byte_array_new();
    size_t i;
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    for (i = 0; i < 2000; i++) {
        g_autoptr(GByteArray) f = frameNew(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME,
                                           VIR_NET_CALL, i, VIR_NET_OK, NULL);

        g_byte_array_append(all, f->data, f->len);
    }
    if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
        goto cleanup;
    /* Whatever the socket takes without blocking. */
    if (send(fd, all->data, all->len, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
        goto cleanup;
    if (fcntl(fd, F_SETFL, 0) < 0)
        goto cleanup;
    g_usleep(200 * 1000);
    if (checkOthers() < 0)
        goto cleanup;
    /* And it is served once it reads (in any order: calls run on
     * several workers). */
    for (i = 0; i < 10; i++) {
        if (recvReply(fd, &r) < 0)
            goto cleanup;
        if (r.serial >= 2000 || r.status != VIR_NET_OK ||
            r.proc != REMOTE_PROC_CONNECT_GET_HOSTNAME) {
            printf("#   reply %zu: serial %u status %d\n", i, r.serial, r.status);
            replyClear(&r);
            goto cleanup;
        }
        replyClear(&r);
    }
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* Descriptors passed with CALL_WITH_FDS reach the handler. */
static int
testPassFD(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) payload = g_byte_array_new();
    g_autoptr(GByteArray) f = NULL;
    g_autofree char *file = g_build_filename(tmpdir, "passed", NULL);
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
    struct cmsghdr *cmsg;
    testReply r;
    int pfd = -1;
    int ret = -1;

    if (fd < 0)
        return -1;
    if (!g_file_set_contents(file, "12345", 5, NULL) || (pfd = open(file, O_RDONLY)) < 0)
        goto cleanup;
    put32(payload, 1);
    f = frameNew(REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, VIR_NET_CALL_WITH_FDS,
                 71, VIR_NET_OK, payload);
    if (sendAll(fd, f->data, f->len) < 0)
        goto cleanup;
    memset(&control, 0, sizeof(control));
    if (!(cmsg = CMSG_FIRSTHDR(&mh)))
        goto cleanup;
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &pfd, sizeof(int));
    if (sendmsg(fd, &mh, MSG_NOSIGNAL) != 1)
        goto cleanup;
    if (recvReply(fd, &r) < 0)
        goto cleanup;
    if (r.serial != 71 || r.status != VIR_NET_OK || r.payload->len != 4 + 12 ||
        memcmp(r.payload->data + 4, "fd-size-5", 9) != 0) {
        printf("#   the passed descriptor did not reach the handler\n");
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    if (checkCall(fd, 72) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    if (pfd >= 0)
        close(pfd);
    close(fd);
    return ret;
}

/* An event sent from another thread arrives as a MESSAGE with serial 1. */
static int
testEvent(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    remote_domain_event_lifecycle_msg ev = { 0 };
    g_autoptr(virNetServerClient) client = NULL;
    static const guint8 expected[] = {
        0, 0, 0, 2, 'd', '1', 0, 0,
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0, 2,
    };
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    /* Once it is served, the init hook has seen it. */
    if (checkCall(fd, 0) < 0)
        goto cleanup;
    g_mutex_lock(&lastLock);
    client = virNetServerClientRef(lastClient);
    g_mutex_unlock(&lastLock);

    ev.dom.name = (char *)"d1";
    memcpy(ev.dom.uuid, expected + 8, 16);
    ev.dom.id = 2;
    ev.event = 6;
    ev.detail = 2;
    if (virNetServerClientSendEvent(client, &remoteProgram, REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE,
                                    &ev) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (recvReply(fd, &r) < 0)
        goto cleanup;
    if (r.type != VIR_NET_MESSAGE || r.serial != 1 || r.status != 0 ||
        r.prog != REMOTE_PROGRAM || r.proc != REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE ||
        r.payload->len != sizeof(expected) ||
        memcmp(r.payload->data, expected, sizeof(expected)) != 0) {
        printf("#   event frame type %d serial %u proc %d len %u\n",
               r.type, r.serial, r.proc, r.len);
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    /* Not an event: refused. */
    if (virNetServerClientSendEvent(client, &remoteProgram, REMOTE_PROC_DOMAIN_DESTROY,
                                    &ev) == 0 ||
        virTestExpectError("a call sent as an event", "is not an event") < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A client that leaves while its long call runs (virsh killed during a
 * peer-to-peer PERFORM3): the call runs to its end on its worker while
 * others are served, its reply is dropped, and the client's data is
 * freed once the call let go of it. */
static int
testGoneDuringCall(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    g_autoptr(GByteArray) args = g_byte_array_new();
    static const guint8 uuid[16] = { 2 };
    gint hooks = g_atomic_int_get(&closeHooks);
    gint done = g_atomic_int_get(&slowDone);
    gint frees;

    if (fd < 0)
        return -1;
    putString(args, "d1");
    g_byte_array_append(args, uuid, 16);
    put32(args, 1);
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_CREATE, VIR_NET_CALL, 1,
                  VIR_NET_OK, args) < 0) {
        close(fd);
        return -1;
    }
    g_usleep(200 * 1000);
    frees = g_atomic_int_get(&privateFrees);
    close(fd);
    if (!waitFor(&closeHooks, hooks + 1)) {
        printf("#   the close hook did not run\n");
        return -1;
    }
    if (g_atomic_int_get(&slowDone) != done) {
        printf("#   the call ended before its client left: nothing tested\n");
        return -1;
    }
    /* served meanwhile; this client takes the init hook's reference */
    if (checkOthers() < 0)
        return -1;
    if (g_atomic_int_get(&slowDone) == done &&
        g_atomic_int_get(&privateFrees) != frees) {
        printf("#   the data of a client was freed while its call ran\n");
        return -1;
    }
    if (!waitFor(&slowDone, done + 1)) {
        printf("#   the call of the client that left did not run to its end\n");
        return -1;
    }
    if (!waitFor(&privateFrees, frees + 1)) {
        printf("#   the data of the client that left was not freed after its call\n");
        return -1;
    }
    return checkOthers();
}

/* CONNECT_CLOSE: its reply goes out, then the server closes; the close
 * hook runs and the private data is freed. */
static int
testDelayedClose(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    gint hooks = g_atomic_int_get(&closeHooks);
    gint frees = g_atomic_int_get(&privateFrees);
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    if (checkCall(fd, 0) < 0 ||
        sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_CLOSE, VIR_NET_CALL, 1,
                  VIR_NET_OK, NULL) < 0 ||
        recvReply(fd, &r) < 0)
        goto cleanup;
    if (r.serial != 1 || r.status != VIR_NET_OK || r.len != 28) {
        printf("#   CONNECT_CLOSE answered serial %u status %d\n", r.serial, r.status);
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    if (expectClosed(fd) < 0)
        goto cleanup;
    if (!waitFor(&closeHooks, hooks + 1)) {
        printf("#   the close hook did not run\n");
        goto cleanup;
    }
    /* The init hook's reference of the last client keeps its data: take
     * a new client so that it is dropped. */
    if (checkOthers() < 0 || !waitFor(&privateFrees, frees + 1)) {
        printf("#   the private data was not freed\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

static gboolean
testDrainStart(gpointer opaque G_GNUC_UNUSED)
{
    virNetServerDrain(srv, TEST_TIMEOUT_MS / 1000);
    return G_SOURCE_REMOVE;
}

/* A server told to stop (virNetServerDrain, the daemon's SIGTERM) while a
 * call runs: the call ends and its reply is written, a client with
 * nothing in progress is closed at once, then the loop ends. The last
 * test: the server is gone after it. */
static int
testDrain(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(rwPath);
    int idle = clientConnect(rwPath);
    g_autoptr(GByteArray) args = g_byte_array_new();
    static const guint8 uuid[16] = { 3 };
    gint done = g_atomic_int_get(&slowDone);
    GSource *src;
    testReply r;
    int ret = -1;

    if (fd < 0 || idle < 0 || checkCall(idle, 0) < 0)
        goto cleanup;
    putString(args, "d1");
    g_byte_array_append(args, uuid, 16);
    put32(args, 1);
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_CREATE, VIR_NET_CALL, 7,
                  VIR_NET_OK, args) < 0)
        goto cleanup;
    g_usleep(200 * 1000);
    src = g_idle_source_new();
    g_source_set_callback(src, testDrainStart, NULL, NULL);
    g_source_attach(src, virNetServerGetContext(srv));
    g_source_unref(src);
    if (expectClosed(idle) < 0) {
        printf("#   the client with nothing in progress was not closed\n");
        goto cleanup;
    }
    if (g_atomic_int_get(&slowDone) != done) {
        printf("#   the call ended before the drain: nothing tested\n");
        goto cleanup;
    }
    if (g_atomic_int_get(&serverEnded)) {
        printf("#   the loop ended with a call in progress\n");
        goto cleanup;
    }
    if (recvReply(fd, &r) < 0) {
        printf("#   the reply of the call in progress was lost\n");
        goto cleanup;
    }
    if (r.serial != 7 || r.status != VIR_NET_OK) {
        printf("#   the call in progress answered serial %u status %d\n", r.serial, r.status);
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    if (expectClosed(fd) < 0)
        goto cleanup;
    if (!waitFor(&serverEnded, 1)) {
        printf("#   the loop did not end once no client was left\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    if (fd >= 0)
        close(fd);
    if (idle >= 0)
        close(idle);
    return ret;
}

/* 1000 idle connections: memory per connection measured, all served
 * afterwards, all gone when they close. */
static int
testIdleConnections(const void *opaque G_GNUC_UNUSED)
{
    enum { N = 1000 };
    int fds[N];
    size_t before = 0;
    struct mallinfo2 m0, m1;
    size_t i;
    int ret = -1;

    if (!settle())
        return -1;

    for (i = 0; i < N; i++)
        fds[i] = -1;
    m0 = mallinfo2();
    for (i = 0; i < N; i++) {
        if ((fds[i] = clientConnect(rwPath)) < 0)
            goto cleanup;
    }
    if (!waitClients(before + N))
        goto cleanup;
    m1 = mallinfo2();
    printf("# memory per idle connection (server heap): %zd bytes\n",
           ((ssize_t)m1.uordblks - (ssize_t)m0.uordblks) / N);
    if ((ssize_t)m1.uordblks - (ssize_t)m0.uordblks > (ssize_t)N * 64 * 1024) {
        printf("#   more than 64 KiB per idle connection\n");
        goto cleanup;
    }
    if (checkCall(fds[0], 0) < 0 || checkCall(fds[N - 1], 0) < 0 || checkOthers() < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    for (i = 0; i < N; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (!waitClients(before))
        ret = -1;
    return ret;
}

/* Round trip and connection open, measured (printed, not judged: the
 * machine is shared). */
static int
testLatency(const void *opaque G_GNUC_UNUSED)
{
    enum { CALLS = 5000, OPENS = 200 };
    gint64 start;
    size_t i;
    int fd;

    if ((fd = clientConnect(rwPath)) < 0)
        return -1;
    start = g_get_monotonic_time();
    for (i = 0; i < CALLS; i++) {
        if (checkCall(fd, i) < 0) {
            close(fd);
            return -1;
        }
    }
    printf("# round trip (GET_HOSTNAME, one client): %.1f us\n",
           (double)(g_get_monotonic_time() - start) / CALLS);
    close(fd);

    start = g_get_monotonic_time();
    for (i = 0; i < OPENS; i++) {
        if ((fd = clientConnect(rwPath)) < 0)
            return -1;
        if (checkCall(fd, 0) < 0) {
            close(fd);
            return -1;
        }
        close(fd);
    }
    printf("# connect + first call answered: %.1f us\n",
           (double)(g_get_monotonic_time() - start) / OPENS);
    return 0;
}

/* With no client left, the idle callback fires. */
static int
testIdleTimeout(const void *opaque G_GNUC_UNUSED)
{
    gint fires = g_atomic_int_get(&idleFires);
    int fd;

    if (!waitClients(0))
        return -1;
    if (!waitFor(&idleFires, fires + 1)) {
        printf("#   no idle notification with no client\n");
        return -1;
    }
    /* Not while a client is connected. */
    if ((fd = clientConnect(rwPath)) < 0 || checkCall(fd, 0) < 0)
        return -1;
    fires = g_atomic_int_get(&idleFires);
    g_usleep((TEST_IDLE_SECONDS * 2 + 1) * G_USEC_PER_SEC / 2 + 500 * 1000);
    close(fd);
    if (g_atomic_int_get(&idleFires) != fires) {
        printf("#   idle notification while a client was connected\n");
        return -1;
    }
    return 0;
}

/* On a socket that needs authentication, only @noauth procedures run
 * until the daemon says the client is authenticated. */
static int
testAuth(const void *opaque G_GNUC_UNUSED)
{
    int fd = clientConnect(authPath);
    testReply r;
    int ret = -1;

    if (fd < 0)
        return -1;
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, VIR_NET_CALL,
                  0, VIR_NET_OK, NULL) < 0 ||
        expectError(fd, 0, VIR_ERR_RPC, "authentication required") < 0)
        goto cleanup;
    if (sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_AUTH_LIST, VIR_NET_CALL,
                  1, VIR_NET_OK, NULL) < 0 ||
        recvReply(fd, &r) < 0)
        goto cleanup;
    if (r.serial != 1 || r.status != VIR_NET_OK || r.len != 36) {
        printf("#   AUTH_LIST answered status %d len %u\n", r.status, r.len);
        replyClear(&r);
        goto cleanup;
    }
    replyClear(&r);
    if (checkCall(fd, 2) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    close(fd);
    return ret;
}

/* A listening socket inherited from systemd (LISTEN_FDS) is served; a
 * socket that does not listen is refused. */
static int
testServiceFD(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(tmpdir, "sock-activated", NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(virNetServer) other = NULL;
    virNetServerConfig cfg;
    GThread *thread;
    int lfd, sv[2];
    int fd;
    int ret = -1;

    virNetServerConfigDefaults(&cfg);
    other = virNetServerNew(&cfg);
    virNetServerAddProgram(other, &remoteProgram, testHandler, NULL);

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return -1;
    close(sv[1]);
    if (virNetServerAddServiceFD(other, sv[0], false, VIR_NET_SERVER_AUTH_NONE) == 0 ||
        virTestExpectError("a connected socket", "is not listening") < 0) {
        close(sv[0]);
        return -1;
    }
    close(sv[0]);

    /* As systemd does it: a blocking socket, bound and listening. */
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
        bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 8) < 0)
        return -1;
    if (virNetServerAddServiceFD(other, lfd, true, VIR_NET_SERVER_AUTH_NONE) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        close(lfd);
        return -1;
    }
    thread = g_thread_new("activated", testServerThreadOf, other);
    if ((fd = clientConnect(path)) >= 0) {
        /* Served, and read-only as the service says. */
        g_autoptr(GByteArray) args = g_byte_array_new();
        static const guint8 uuid[16] = { 1 };

        putString(args, "d1");
        g_byte_array_append(args, uuid, 16);
        put32(args, 1);
        if (checkCall(fd, 0) == 0 &&
            sendFrame(fd, REMOTE_PROGRAM, REMOTE_PROC_DOMAIN_DESTROY, VIR_NET_CALL, 1,
                      VIR_NET_OK, args) == 0 &&
            expectError(fd, 1, VIR_ERR_OPERATION_DENIED, "read only access prevents") == 0)
            ret = 0;
        close(fd);
    }
    virNetServerQuit(other);
    g_thread_join(thread);
    unlink(path);
    return ret;
}

/* Whether @fd has a frame to read within @ms. */
static bool
readable(int fd, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    return poll(&pfd, 1, ms) == 1;
}

/* max_clients: a connection over the limit waits in the backlog and is
 * served once a client leaves. */
static int
testMaxClients(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(tmpdir, "sock-max", NULL);
    g_autoptr(virNetServer) small = NULL;
    virNetServerConfig cfg;
    GThread *thread;
    int fds[3] = { -1, -1, -1 };
    size_t i;
    int ret = -1;

    virNetServerConfigDefaults(&cfg);
    cfg.maxClients = 2;
    small = virNetServerNew(&cfg);
    virNetServerAddProgram(small, &remoteProgram, testHandler, NULL);
    if (virNetServerAddServiceUNIX(small, path, 0600, (gid_t)-1, false,
                                   VIR_NET_SERVER_AUTH_NONE) < 0)
        return -1;
    thread = g_thread_new("small", testServerThreadOf, small);

    for (i = 0; i < 3; i++) {
        if ((fds[i] = clientConnect(path)) < 0)
            goto cleanup;
    }
    if (checkCall(fds[0], 0) < 0 || checkCall(fds[1], 0) < 0)
        goto cleanup;
    if (sendFrame(fds[2], REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, VIR_NET_CALL,
                  7, VIR_NET_OK, NULL) < 0)
        goto cleanup;
    if (readable(fds[2], 300)) {
        printf("#   a third client was served with max_clients 2\n");
        goto cleanup;
    }
    close(fds[0]);
    fds[0] = -1;
    if (!readable(fds[2], TEST_TIMEOUT_MS)) {
        printf("#   the waiting client was not served after another left\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    for (i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    virNetServerQuit(small);
    g_thread_join(thread);
    unlink(path);
    return ret;
}

/* Replaying the client side of the real traces: the replay handler
 * answers each call with what libvirtd answered (decoded from the log),
 * and our server's reply frame must be byte for byte libvirtd's. */

static const virTestNetFrame *replayExpect;     /* the reply to give */

static int
replayHandler(virNetServer *server G_GNUC_UNUSED,
              virNetServerClient *client G_GNUC_UNUSED,
              virNetMessage *msg G_GNUC_UNUSED,
              const virNetProcedure *proc,
              void *args G_GNUC_UNUSED,
              void *ret,
              void *opaque G_GNUC_UNUSED)
{
    const virTestNetFrame *f = replayExpect;
    const char *payload = (const char *)f->bytes->data + 28;
    size_t len = f->bytes->len - 28;
    XDR xdr;
    bool ok;

    if (f->header.status == VIR_NET_OK) {
        xdrmem_create(&xdr, (char *)payload, len, XDR_DECODE);
        ok = proc->retFilter(&xdr, ret ? ret : (void *)&xdr);
        xdr_destroy(&xdr);
        if (!ok)
            abort();
        return 0;
    } else {
        virNetMessageError rerr = { 0 };
        virErrorPtr err = g_new0(virError, 1);

        xdrmem_create(&xdr, (char *)payload, len, XDR_DECODE);
        ok = xdr_virNetMessageError(&xdr, &rerr);
        xdr_destroy(&xdr);
        if (!ok)
            abort();
        virNetMessageErrorToVirError(&rerr, err);
        err->code = rerr.code;      /* as sent, not as a client reads it */
        xdr_free((xdrproc_t)xdr_virNetMessageError, &rerr);
        virErrorRestore(&err);
        return -1;
    }
}

static int
testReplay(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *rel = g_strdup_printf("virnettracedata/%s", name);
    g_autofree char *path = virTestSrcPath(rel);
    g_autofree char *sock = g_build_filename(tmpdir, "sock-replay", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) frames = g_ptr_array_new();
    g_autoptr(virNetServer) replay = NULL;
    virNetServerConfig cfg;
    GThread *thread;
    size_t i, j;
    size_t compared = 0;
    int fd = -1;
    int conn = -1;
    int ret = -1;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        virTestNetFrame *f;

        if (!strstr(lines[i], " len="))
            continue;
        f = g_new0(virTestNetFrame, 1);
        if (virTestNetParseFrame(lines[i], g_str_has_prefix(lines[i + 1] ? lines[i + 1] : "", "      ") ?
                                 lines[i + 1] + 6 : NULL, f) != 0) {
            g_free(f);
            continue;   /* payload cut by the log */
        }
        g_ptr_array_add(frames, f);
    }

    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = 1;     /* one call at a time, as replayExpect needs */
    cfg.prioWorkers = 0;
    replay = virNetServerNew(&cfg);
    virNetServerAddProgram(replay, &remoteProgram, replayHandler, NULL);
    if (virNetServerAddServiceUNIX(replay, sock, 0600, (gid_t)-1, false,
                                   VIR_NET_SERVER_AUTH_NONE) < 0)
        goto cleanup;
    thread = g_thread_new("replay", testServerThreadOf, replay);

    for (i = 0; i < frames->len; i++) {
        virTestNetFrame *call = g_ptr_array_index(frames, i);
        virTestNetFrame *reply = NULL;
        testReply r;

        if (!call->toServer || call->header.type != VIR_NET_CALL ||
            call->program != &remoteProgram ||
            !virNetProgramLookup(&remoteProgram, call->header.proc))
            continue;
        for (j = i + 1; j < frames->len && !reply; j++) {
            virTestNetFrame *f = g_ptr_array_index(frames, j);

            if (f->conn == call->conn && !f->toServer && f->header.type == VIR_NET_REPLY &&
                f->header.serial == call->header.serial)
                reply = f;
        }
        if (!reply)
            continue;
        if (call->conn != conn) {
            if (fd >= 0)
                close(fd);
            if ((fd = clientConnect(sock)) < 0)
                goto stop;
            conn = call->conn;
        }
        replayExpect = reply;
        if (sendAll(fd, call->bytes->data, call->bytes->len) < 0 || recvReply(fd, &r) < 0)
            goto stop;
        if (r.len != reply->bytes->len || memcmp(r.raw, reply->bytes->data, r.len) != 0) {
            printf("#   connection %d serial %u (%s): our reply (%u bytes) differs from libvirtd's (%u)\n",
                   call->conn, call->header.serial, call->procName, r.len, reply->bytes->len);
            replyClear(&r);
            goto stop;
        }
        replyClear(&r);
        compared++;
    }
    printf("# %s: %zu replies byte-exact\n", name, compared);
    ret = compared >= 10 ? 0 : -1;

 stop:
    if (fd >= 0)
        close(fd);
    virNetServerQuit(replay);
    g_thread_join(thread);
 cleanup:
    for (i = 0; i < frames->len; i++) {
        virTestNetFrame *f = g_ptr_array_index(frames, i);

        g_byte_array_unref(f->bytes);
        g_free(f);
    }
    unlink(sock);
    return ret;
}

static const testBadLength lengths[] = {
    { "length word 0", 0, 0 },
    { "length word 4 (only itself)", 4, 0 },
    { "length word 27 (shorter than a header)", 27, 24 },
    { "length word over 32 MiB + 4", 4 + 33554432 + 1, 1024 },
    { "length word 0xffffffff", 0xffffffff, 64 },
};

static const testBadHeader headers[] = {
    { "unknown program", 0x12345678, 1, 1, VIR_NET_CALL, VIR_NET_OK, VIR_ERR_RPC,
      "Cannot find program 305419896 version 1" },
    { "unknown version", REMOTE_PROGRAM, 2, 1, VIR_NET_CALL, VIR_NET_OK, VIR_ERR_RPC,
      "Cannot find program 536903814 version 2" },
    { "unknown procedure", REMOTE_PROGRAM, 1, 9999, VIR_NET_CALL, VIR_NET_OK, VIR_ERR_RPC,
      "unknown procedure: 9999" },
    { "negative procedure", REMOTE_PROGRAM, 1, -1, VIR_NET_CALL, VIR_NET_OK, VIR_ERR_RPC,
      "unknown procedure: -1" },
    { "type REPLY from a client", REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_HOSTNAME,
      VIR_NET_REPLY, VIR_NET_OK, VIR_ERR_RPC, "Unexpected message type 1" },
    { "type MESSAGE of a call", REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_HOSTNAME,
      VIR_NET_MESSAGE, VIR_NET_OK, VIR_ERR_RPC, "Unexpected message type 2" },
    { "type 99", REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_HOSTNAME,
      99, VIR_NET_OK, VIR_ERR_RPC, "unknown type 99" },
    { "CALL with status ERROR", REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_HOSTNAME,
      VIR_NET_CALL, VIR_NET_ERROR, VIR_ERR_RPC, "Unexpected message status 1" },
    { "status 7", REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_HOSTNAME,
      VIR_NET_CALL, 7, VIR_ERR_RPC, "unknown status 7" },
    { "an event called", REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE,
      VIR_NET_CALL, VIR_NET_OK, VIR_ERR_RPC, "is an event and cannot be called" },
    { "keepalive as a CALL", KEEPALIVE_PROGRAM, 1, KEEPALIVE_PROC_PING,
      VIR_NET_CALL, VIR_NET_OK, VIR_ERR_RPC, "Cannot find program 1801807216 version 1" },
};

static const testBadPayload payloads[] = {
    { "payload cut short", REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
      payloadTruncated, sizeof(payloadTruncated), "unable to decode the payload" },
    { "bytes after the payload", REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
      payloadExtra, sizeof(payloadExtra), "bytes after its payload" },
    { "string length over 4 MiB", REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
      payloadStringOverMax, sizeof(payloadStringOverMax), "unable to decode the payload" },
    { "array over its maximum", REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
      payloadArrayOverMax, sizeof(payloadArrayOverMax), "unable to decode the payload" },
    { "garbage XDR", REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
      payloadGarbage, sizeof(payloadGarbage), "bytes after its payload" },
    { "args to a call without any", REMOTE_PROC_CONNECT_GET_HOSTNAME,
      payloadGarbage, sizeof(payloadGarbage), "bytes after its payload" },
};

static const char *const replays[] = {
    "trace-unix.log", "trace-python.log", "trace-oracle-extra.log", "trace-mig-client.log",
};

static int
mymain(void)
{
    virNetServerConfig cfg;
    size_t i;
    int ret = 0;

    tmpdir = g_dir_make_tmp("virnetservertest-XXXXXX", NULL);
    rwPath = g_build_filename(tmpdir, "sock", NULL);
    roPath = g_build_filename(tmpdir, "sock-ro", NULL);
    authPath = g_build_filename(tmpdir, "sock-auth", NULL);

    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = TEST_WORKERS;
    cfg.prioWorkers = 2;
    cfg.maxClients = 1100;
    cfg.keepaliveInterval = TEST_KA_INTERVAL;
    cfg.keepaliveCount = TEST_KA_COUNT;
    srv = virNetServerNew(&cfg);
    virNetServerSetClientOutputMax(srv, TEST_OUTPUT_MAX);
    virNetServerAddProgram(srv, &remoteProgram, testHandler, NULL);
    virNetServerSetClientInitHook(srv, testClientInit, NULL);
    virNetServerSetIdleTimeout(srv, TEST_IDLE_SECONDS, testIdle, NULL);
    if (virNetServerAddServiceUNIX(srv, rwPath, 0600, (gid_t)-1, false,
                                   VIR_NET_SERVER_AUTH_NONE) < 0 ||
        virNetServerAddServiceUNIX(srv, roPath, 0666, (gid_t)-1, true,
                                   VIR_NET_SERVER_AUTH_NONE) < 0 ||
        virNetServerAddServiceUNIX(srv, authPath, 0600, (gid_t)-1, false,
                                   VIR_NET_SERVER_AUTH_POLKIT) < 0) {
        fprintf(stderr, "%s\n", virGetLastErrorMessage());
        return -1;
    }
    srvThread = g_thread_new("server", testServerThreadOf, srv);

    virTestRun("a call is answered with its serial; peer credentials", testBasicCall, NULL);
    virTestRun("socket modes", testSocketModes, NULL);
    virTestRun("socket paths in use, stale, not sockets", testSocketPathInUse, NULL);
    virTestRun("a handler's error is the reply", testHandlerError, NULL);
    for (i = 0; i < G_N_ELEMENTS(lengths); i++) {
        g_autofree char *title = g_strdup_printf("drops the client: %s", lengths[i].name);
        virTestRun(title, testLength, &lengths[i]);
    }
    virTestRun("a frame of the largest size is read", testLargestFrame, NULL);
    virTestRun("truncated frame, then the peer leaves", testTruncatedThenGone, NULL);
    virTestRun("half a frame, then a stall", testHalfFrameStall, NULL);
    for (i = 0; i < G_N_ELEMENTS(headers); i++) {
        g_autofree char *title = g_strdup_printf("error reply: %s", headers[i].name);
        virTestRun(title, testHeader, &headers[i]);
    }
    for (i = 0; i < G_N_ELEMENTS(payloads); i++) {
        g_autofree char *title = g_strdup_printf("error reply: %s", payloads[i].name);
        virTestRun(title, testPayload, &payloads[i]);
    }
    virTestRun("error reply: a string over 4 MiB sent in full", testLongString, NULL);
    virTestRun("read-only socket refuses an @rw procedure", testReadOnly, NULL);
    virTestRun("replies out of order", testOutOfOrder, NULL);
    virTestRun("authentication required before @noauth calls", testAuth, NULL);
    virTestRun("max_clients", testMaxClients, NULL);
    virTestRun("an inherited listening socket (systemd)", testServiceFD, NULL);
    virTestRun("PING gets PONG", testPingPong, NULL);
    virTestRun("priority workers", testPriority, NULL);
    virTestRun("keepalive drops a silent client", testKeepaliveSilent, NULL);
    virTestRun("keepalive keeps a client that answers", testKeepaliveAnswered, NULL);
    virTestRun("a client that never reads is dropped", testNeverReads, NULL);
    virTestRun("a client flooding calls without reading", testFloodNoRead, NULL);
    virTestRun("file descriptors passed with a call", testPassFD, NULL);
    virTestRun("event from another thread", testEvent, NULL);
    virTestRun("CONNECT_CLOSE: reply, then close", testDelayedClose, NULL);
    virTestRun("a client that leaves during a long call", testGoneDuringCall, NULL);
    virTestRun("1000 idle connections", testIdleConnections, NULL);
    for (i = 0; i < G_N_ELEMENTS(replays); i++) {
        g_autofree char *title = g_strdup_printf("replies to the calls of %s are libvirtd's bytes",
                                                 replays[i]);
        virTestRun(title, testReplay, replays[i]);
    }
    virTestRun("round trip and connection open", testLatency, NULL);
    virTestRun("idle timeout", testIdleTimeout, NULL);
    virTestRun("told to stop: the call in progress is answered, then the loop ends",
               testDrain, NULL);

    virNetServerQuit(srv);
    g_thread_join(srvThread);
    g_mutex_lock(&lastLock);
    g_clear_pointer(&lastClient, virNetServerClientUnref);
    g_mutex_unlock(&lastLock);
    virNetServerFree(srv);

    unlink(rwPath);
    unlink(roPath);
    unlink(authPath);
    {
        g_autofree char *file = g_build_filename(tmpdir, "passed", NULL);
        unlink(file);
    }
    rmdir(tmpdir);
    g_free(rwPath);
    g_free(roPath);
    g_free(authPath);
    g_free(tmpdir);
    return ret;
}

VIR_TEST_MAIN(mymain)
