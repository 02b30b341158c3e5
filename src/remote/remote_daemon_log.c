/*
 * remote_daemon_log.c: where virtqemud's messages go
 */
#include "internal.h"

#include <fcntl.h>

#include "remote_daemon_log.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

typedef enum {
    REMOTE_LOG_STDERR,
    REMOTE_LOG_FILE,
    REMOTE_LOG_JOURNALD,
} remoteLogOutputType;

typedef struct {
    int level;
    remoteLogOutputType type;
    int fd;                  /* REMOTE_LOG_FILE */
} remoteLogOutput;

typedef struct {
    int level;
    char *word;
} remoteLogFilter;

static GMutex remoteLogLock;
static int remoteLogLevel = 3;
static GArray *remoteLogOutputs;     /* remoteLogOutput */
static GArray *remoteLogFilters;     /* remoteLogFilter */

static int
remoteLogLevelOf(GLogLevelFlags flags)
{
    if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        return 4;
    if (flags & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
        return 3;
    if (flags & G_LOG_LEVEL_INFO)
        return 2;
    return 1;
}

static const char *
remoteLogLevelName(GLogLevelFlags flags)
{
    if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        return "error";
    if (flags & G_LOG_LEVEL_WARNING)
        return "warning";
    if (flags & G_LOG_LEVEL_MESSAGE)
        return "notice";
    if (flags & G_LOG_LEVEL_INFO)
        return "info";
    return "debug";
}

static void
remoteLogClear(void)
{
    guint i;

    if (remoteLogOutputs) {
        for (i = 0; i < remoteLogOutputs->len; i++) {
            remoteLogOutput *o = &g_array_index(remoteLogOutputs, remoteLogOutput, i);

            if (o->type == REMOTE_LOG_FILE && o->fd >= 0)
                close(o->fd);
        }
        g_clear_pointer(&remoteLogOutputs, g_array_unref);
    }
    if (remoteLogFilters) {
        for (i = 0; i < remoteLogFilters->len; i++)
            g_free(g_array_index(remoteLogFilters, remoteLogFilter, i).word);
        g_clear_pointer(&remoteLogFilters, g_array_unref);
    }
}

/* Plain write(): logging must never touch the thread's last error, which
 * a call being answered may still need. */
static void
remoteLogWrite(int fd, const char *line)
{
    size_t len = strlen(line);

    while (len > 0) {
        ssize_t n = write(fd, line, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        line += n;
        len -= n;
    }
}

static GLogWriterOutput
remoteLogWriter(GLogLevelFlags flags,
                const GLogField *fields,
                gsize nfields,
                gpointer data G_GNUC_UNUSED)
{
    const char *message = NULL;
    int level = remoteLogLevelOf(flags);
    int threshold;
    g_autofree char *line = NULL;
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *stamp = NULL;
    int saved = errno;
    gsize i;

    for (i = 0; i < nfields; i++) {
        if (STREQ(fields[i].key, "MESSAGE") && fields[i].length < 0)
            message = fields[i].value;
    }
    if (!message)
        message = "";

    g_mutex_lock(&remoteLogLock);
    threshold = remoteLogLevel;
    for (i = 0; remoteLogFilters && i < remoteLogFilters->len; i++) {
        remoteLogFilter *f = &g_array_index(remoteLogFilters, remoteLogFilter, i);

        if (strstr(message, f->word)) {
            threshold = f->level;
            break;
        }
    }
    if (level < threshold) {
        g_mutex_unlock(&remoteLogLock);
        errno = saved;
        return G_LOG_WRITER_HANDLED;
    }

    now = g_date_time_new_now_utc();
    stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    line = g_strdup_printf("%.23s+0000: %d: %s : %s\n", stamp, (int)getpid(),
                           remoteLogLevelName(flags), message);
    for (i = 0; remoteLogOutputs && i < remoteLogOutputs->len; i++) {
        remoteLogOutput *o = &g_array_index(remoteLogOutputs, remoteLogOutput, i);

        if (level < o->level)
            continue;
        switch (o->type) {
        case REMOTE_LOG_STDERR:
            remoteLogWrite(STDERR_FILENO, line);
            break;
        case REMOTE_LOG_FILE:
            remoteLogWrite(o->fd, line);
            break;
        case REMOTE_LOG_JOURNALD:
            g_log_writer_journald(flags, fields, nfields, NULL);
            break;
        }
    }
    g_mutex_unlock(&remoteLogLock);
    errno = saved;
    return G_LOG_WRITER_HANDLED;
}

int
remoteDaemonLogSetup(int level, const char *outputs, const char *filters)
{
    g_auto(GStrv) outs = g_strsplit_set(outputs ? outputs : "", " \t", -1);
    g_auto(GStrv) filts = g_strsplit_set(filters ? filters : "", " \t", -1);
    g_autoptr(GArray) newOutputs = g_array_new(FALSE, TRUE, sizeof(remoteLogOutput));
    g_autoptr(GArray) newFilters = g_array_new(FALSE, TRUE, sizeof(remoteLogFilter));
    static gsize installed;
    size_t i;

    /* the syntax was checked when the configuration was read */
    for (i = 0; outs[i]; i++) {
        remoteLogOutput o = { .level = outs[i][0] - '0', .fd = -1 };
        const char *rest = outs[i] + 2;

        if (!*outs[i])
            continue;
        if (STREQ(rest, "stderr")) {
            o.type = REMOTE_LOG_STDERR;
        } else if (STREQ(rest, "journald")) {
            o.type = REMOTE_LOG_JOURNALD;
        } else {
            o.type = REMOTE_LOG_FILE;
            if ((o.fd = virFileOpenWrite(rest + strlen("file:"), O_WRONLY | O_APPEND,
                                         0600, "log file")) < 0)
                goto error;
        }
        g_array_append_val(newOutputs, o);
    }
    for (i = 0; filts[i]; i++) {
        remoteLogFilter f = { 0 };

        if (!*filts[i])
            continue;
        f.level = filts[i][0] - '0';
        f.word = g_strdup(filts[i] + 2);
        g_array_append_val(newFilters, f);
    }

    g_mutex_lock(&remoteLogLock);
    remoteLogClear();
    remoteLogLevel = level;
    remoteLogOutputs = g_steal_pointer(&newOutputs);
    remoteLogFilters = g_steal_pointer(&newFilters);
    g_mutex_unlock(&remoteLogLock);

    if (g_once_init_enter(&installed)) {
        g_log_set_writer_func(remoteLogWriter, NULL, NULL);
        g_once_init_leave(&installed, 1);
    }
    return 0;

 error:
    for (i = 0; i < newOutputs->len; i++) {
        remoteLogOutput *o = &g_array_index(newOutputs, remoteLogOutput, i);

        if (o->fd >= 0)
            close(o->fd);
    }
    return -1;
}

void
remoteDaemonLogShutdown(void)
{
    g_mutex_lock(&remoteLogLock);
    remoteLogClear();
    g_mutex_unlock(&remoteLogLock);
}
