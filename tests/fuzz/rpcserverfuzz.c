/*
 * rpcserverfuzz.c: libFuzzer target for the RPC server's client path
 *
 * Any input is the byte stream a client sends: it goes through a
 * socketpair into a server (one per process, run in a thread, serving
 * remoteProgram through a fake handler), once on a read-write and once on
 * a read-only connection. The frames the server sends back must be well
 * formed (length word in range, a REPLY with a decodable error body, or a
 * keepalive MESSAGE), the server must close the connection once the input
 * ends, within a bound (a wedge aborts), and must not crash or leak.
 * Built with -fsanitize=fuzzer,address,undefined (meson -Dfuzz=true); the
 * same file with fuzzreplay.c replays tests/fuzz/rpccorpus/ in the suite.
 */
#include "internal.h"

#include <poll.h>
#include <sys/socket.h>

#include "virerror.h"
#include "virnetserver.h"
#include "remote_program.h"

#include "fuzzreplay.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* A server that does not close a finished client in this long is wedged. */
#define FUZZ_DEADLINE_MS 5000

static virNetServer *srv;

/* Answers what needs no state: void replies, keepalive and close. */
static int
fuzzHandler(virNetServer *server G_GNUC_UNUSED,
            virNetServerClient *client,
            virNetMessage *msg G_GNUC_UNUSED,
            const virNetProcedure *proc,
            void *args G_GNUC_UNUSED,
            void *ret,
            void *opaque G_GNUC_UNUSED)
{
    switch (proc->proc) {
    case REMOTE_PROC_CONNECT_SUPPORTS_FEATURE:
        virNetServerClientStartKeepAlive(client);
        ((remote_connect_supports_feature_ret *)ret)->supported = 1;
        return 0;
    case REMOTE_PROC_CONNECT_CLOSE:
        virNetServerClientDelayedClose(client);
        return 0;
    }
    if (proc->retSize == 0)
        return 0;
    virReportError(VIR_ERR_NO_SUPPORT, "fuzz handler does not implement %s", proc->name);
    return -1;
}

static gpointer
fuzzServerThread(gpointer opaque G_GNUC_UNUSED)
{
    if (virNetServerRun(srv) < 0)
        abort();
    return NULL;
}

static void
fuzzInit(void)
{
    virNetServerConfig cfg;

    if (srv)
        return;
    virNetServerConfigDefaults(&cfg);
    cfg.maxWorkers = 2;
    cfg.prioWorkers = 1;
    srv = virNetServerNew(&cfg);
    virNetServerAddProgram(srv, &remoteProgram, fuzzHandler, NULL);
    g_thread_unref(g_thread_new("server", fuzzServerThread, NULL));
}

static unsigned int
get32(const guint8 *p)
{
    return ((unsigned int)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/* Checks the frames in @out[0 .. *len) and drops the complete ones. */
static void
fuzzCheckOutput(GByteArray *out)
{
    while (out->len >= 4) {
        unsigned int len = get32(out->data);
        int type, status;

        if (len < 28 || len > 4 + VIR_NET_MESSAGE_MAX) {
            fprintf(stderr, "the server sent a length word of %u\n", len);
            abort();
        }
        if (out->len < len)
            return;
        type = get32(out->data + 16);
        status = get32(out->data + 24);
        if (type == VIR_NET_REPLY && status == VIR_NET_ERROR) {
            virNetMessageError rerr = { 0 };
            XDR xdr;

            xdrmem_create(&xdr, (char *)out->data + 28, len - 28, XDR_DECODE);
            if (!xdr_virNetMessageError(&xdr, &rerr) || xdr_getpos(&xdr) != len - 28 ||
                !rerr.message) {
                fprintf(stderr, "the server sent an error reply that does not decode\n");
                abort();
            }
            xdr_destroy(&xdr);
            xdr_free((xdrproc_t)xdr_virNetMessageError, &rerr);
        } else if (type == VIR_NET_MESSAGE) {
            if (get32(out->data + 4) != KEEPALIVE_PROGRAM || len != 28) {
                fprintf(stderr, "the server sent a MESSAGE that is not a keepalive\n");
                abort();
            }
        } else if (type != VIR_NET_REPLY || status != VIR_NET_OK) {
            fprintf(stderr, "the server sent type %d status %d\n", type, status);
            abort();
        }
        g_byte_array_remove_range(out, 0, len);
    }
}

static void
fuzzOneClient(const uint8_t *data, size_t size, bool readonly)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    gint64 deadline = g_get_monotonic_time() + FUZZ_DEADLINE_MS * 1000LL;
    size_t sent = 0;
    bool shut = false;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
        abort();
    virNetServerAddClientFD(srv, sv[0], readonly, VIR_NET_SERVER_AUTH_NONE);

    for (;;) {
        struct pollfd pfd = { .fd = sv[1], .events = POLLIN | (shut ? 0 : POLLOUT) };
        int left = (deadline - g_get_monotonic_time()) / 1000;
        guint8 buf[65536];
        ssize_t n;

        if (left <= 0) {
            fprintf(stderr, "the server did not close the connection after the input\n");
            abort();
        }
        if (poll(&pfd, 1, left) < 0 && errno != EINTR)
            abort();
        if (!shut && (pfd.revents & (POLLOUT | POLLERR | POLLHUP))) {
            n = sent < size ? send(sv[1], data + sent, size - sent, MSG_NOSIGNAL) : 0;
            if (n > 0)
                sent += n;
            /* Everything sent, or the server closed on us. */
            if (sent == size || (n < 0 && errno != EAGAIN)) {
                shutdown(sv[1], SHUT_WR);
                shut = true;
            }
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            n = recv(sv[1], buf, sizeof(buf), 0);
            if (n == 0 || (n < 0 && errno != EAGAIN))
                break;
            if (n > 0) {
                g_byte_array_append(out, buf, n);
                fuzzCheckOutput(out);
            }
        }
    }
    close(sv[1]);
    /* Wait for the server to let the client go, so that none piles up. */
    while (virNetServerGetClientCount(srv) > 0) {
        if (g_get_monotonic_time() > deadline) {
            fprintf(stderr, "the server kept a client that hung up\n");
            abort();
        }
        g_usleep(100);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzInit();
    fuzzOneClient(data, size, false);
    fuzzOneClient(data, size, true);
    return 0;
}
