/*
 * qemumonitortestutils.c: a fake QEMU at the other end of a QMP socket
 */
#include "internal.h"

#include <sys/socket.h>
#include <yajl/yajl_tree.h>

#include "qemumonitortestutils.h"

struct _qemuMonitorTest {
    int fd;
    GThread *thread;
    GPtrArray *objects;     /* replay: greeting, cmd, reply, cmd, reply... */
    char *raw;
    bool closeAfter;
    char *error;
    GMutex lock;
    GPtrArray *received;    /* raw: the lines the client sent */
};

/* A monitor that closed the connection (on an oversized message, say)
 * makes this fail with EPIPE, not kill the test with SIGPIPE. */
static void
qemuMonitorTestSend(int fd, const char *text)
{
    size_t len = strlen(text);

    while (len > 0) {
        ssize_t n = send(fd, text, len, MSG_NOSIGNAL);

        if (n <= 0)
            return;
        text += n;
        len -= n;
    }
}

/* Read one line; NULL at EOF. */
static char *
qemuMonitorTestReadLine(int fd)
{
    GString *line = g_string_new(NULL);
    char c;

    for (;;) {
        ssize_t n = read(fd, &c, 1);

        if (n <= 0) {
            g_string_free(line, TRUE);
            return NULL;
        }
        if (c == '\n')
            return g_string_free(line, FALSE);
        g_string_append_c(line, c);
    }
}

static const char *
qemuMonitorTestGetString(yajl_val obj, const char *key)
{
    const char *path[] = { key, NULL };
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

    return v ? v->u.string : NULL;
}

static gpointer
qemuMonitorTestReplayThread(gpointer opaque)
{
    qemuMonitorTest *test = opaque;
    guint next = 1;

    qemuMonitorTestSend(test->fd, g_ptr_array_index(test->objects, 0));
    qemuMonitorTestSend(test->fd, "\r\n");
    for (;;) {
        g_autofree char *line = qemuMonitorTestReadLine(test->fd);
        g_autofree char *id = NULL;
        yajl_val got, want, idval;
        const char *gotcmd;
        const char *wantcmd;
        const char *path[] = { "id", NULL };
        g_autofree char *reply = NULL;
        char *end;

        if (!line)
            break;
        if (!(got = yajl_tree_parse(line, NULL, 0)))
            continue;
        gotcmd = qemuMonitorTestGetString(got, "execute");
        idval = yajl_tree_get(got, path, yajl_t_any);
        id = idval && YAJL_IS_INTEGER(idval) ? g_strdup_printf("%lld", YAJL_GET_INTEGER(idval)) :
                                               g_strdup("null");
        if (next + 1 >= test->objects->len) {
            if (!test->error)
                test->error = g_strdup_printf("unexpected command '%s' after the end of the recording",
                                              NULLSTR(gotcmd));
            qemuMonitorTestSend(test->fd, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"end of recording\"},\"id\":");
            qemuMonitorTestSend(test->fd, id);
            qemuMonitorTestSend(test->fd, "}\r\n");
            yajl_tree_free(got);
            continue;
        }
        want = yajl_tree_parse(g_ptr_array_index(test->objects, next), NULL, 0);
        wantcmd = want ? qemuMonitorTestGetString(want, "execute") : NULL;
        if (!test->error && STRNEQ_NULLABLE(gotcmd, wantcmd))
            test->error = g_strdup_printf("expected command '%s', got '%s'",
                                          NULLSTR(wantcmd), NULLSTR(gotcmd));
        yajl_tree_free(want);
        yajl_tree_free(got);

        /* the recorded reply, with this command's id */
        reply = g_strdup(g_ptr_array_index(test->objects, next + 1));
        if ((end = strrchr(reply, '}')))
            *end = '\0';
        qemuMonitorTestSend(test->fd, reply);
        qemuMonitorTestSend(test->fd, ",\"id\":");
        qemuMonitorTestSend(test->fd, id);
        qemuMonitorTestSend(test->fd, "}\r\n");
        next += 2;
    }
    return NULL;
}

/* Keep @line (taken), without its CR. */
static void
qemuMonitorTestKeep(qemuMonitorTest *test, char *line)
{
    g_strchomp(line);
    g_mutex_lock(&test->lock);
    g_ptr_array_add(test->received, line);
    g_mutex_unlock(&test->lock);
}

static gpointer
qemuMonitorTestRawThread(gpointer opaque)
{
    qemuMonitorTest *test = opaque;
    g_auto(GStrv) chunks = g_strsplit(test->raw, QEMU_MONITOR_TEST_NEXT, -1);
    size_t i;

    for (i = 0; chunks[i]; i++) {
        if (i > 0) {
            char *line = qemuMonitorTestReadLine(test->fd);

            if (!line)
                return NULL;
            qemuMonitorTestKeep(test, line);
        }
        qemuMonitorTestSend(test->fd, chunks[i]);
    }
    if (test->closeAfter) {
        shutdown(test->fd, SHUT_RDWR);
        return NULL;
    }
    for (;;) {
        char *line = qemuMonitorTestReadLine(test->fd);

        if (!line)
            break;
        qemuMonitorTestKeep(test, line);
    }
    return NULL;
}

static qemuMonitorTest *
qemuMonitorTestStart(qemuMonitorTest *test, GThreadFunc func, int *clientfd)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        qemuMonitorTestFree(test);
        return NULL;
    }
    test->fd = sv[0];
    *clientfd = sv[1];
    test->thread = g_thread_new("fake-qemu", func, test);
    return test;
}

qemuMonitorTest *
qemuMonitorTestNewReplay(const char *path, int *clientfd)
{
    qemuMonitorTest *test = g_new0(qemuMonitorTest, 1);
    g_autofree char *content = NULL;
    g_auto(GStrv) chunks = NULL;
    size_t i;

    test->fd = -1;
    if (!g_file_get_contents(path, &content, NULL, NULL)) {
        qemuMonitorTestFree(test);
        return NULL;
    }
    test->objects = g_ptr_array_new_with_free_func(g_free);
    chunks = g_strsplit(content, "\n\n", -1);
    for (i = 0; chunks[i]; i++) {
        g_strstrip(chunks[i]);
        if (*chunks[i])
            g_ptr_array_add(test->objects, g_strdup(chunks[i]));
    }
    if (test->objects->len < 1) {
        qemuMonitorTestFree(test);
        return NULL;
    }
    return qemuMonitorTestStart(test, qemuMonitorTestReplayThread, clientfd);
}

qemuMonitorTest *
qemuMonitorTestNewRaw(const char *raw, bool closeAfter, int *clientfd)
{
    qemuMonitorTest *test = g_new0(qemuMonitorTest, 1);

    test->fd = -1;
    test->raw = g_strdup(raw);
    g_mutex_init(&test->lock);
    test->received = g_ptr_array_new_with_free_func(g_free);
    test->closeAfter = closeAfter;
    return qemuMonitorTestStart(test, qemuMonitorTestRawThread, clientfd);
}

char *
qemuMonitorTestReceived(qemuMonitorTest *test, guint n)
{
    char *line = NULL;

    g_mutex_lock(&test->lock);
    if (test->received && n < test->received->len)
        line = g_strdup(g_ptr_array_index(test->received, n));
    g_mutex_unlock(&test->lock);
    return line;
}

const char *
qemuMonitorTestError(qemuMonitorTest *test)
{
    return test->error;
}

void
qemuMonitorTestFree(qemuMonitorTest *test)
{
    if (!test)
        return;
    if (test->fd >= 0)
        shutdown(test->fd, SHUT_RDWR);
    if (test->thread)
        g_thread_join(test->thread);
    if (test->fd >= 0)
        close(test->fd);
    if (test->objects)
        g_ptr_array_unref(test->objects);
    if (test->received) {
        g_ptr_array_unref(test->received);
        g_mutex_clear(&test->lock);
    }
    g_free(test->raw);
    g_free(test->error);
    g_free(test);
}
