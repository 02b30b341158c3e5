/*
 * qemudomainlogtest.c: notes in the log of a QEMU domain
 *
 * A note is one "TIMESTAMP: MESSAGE" line (ISO 8601 UTC) appended to
 * ROOT/log/NAME.log, whether the log is open (the start) or not (the
 * migration); a message that ends its own line gets no second newline.
 * A note never replaces the error being handled, even when the log
 * cannot be opened, and may quote it.
 */
#include "internal.h"

#include <fcntl.h>

#include "qemu/qemu_domainlog.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static char *dir;

/* @line is "TIMESTAMP: @msg" with a parsable UTC timestamp */
static int
testNoteLine(const char *line, const char *msg)
{
    const char *sep = strstr(line, ": ");
    g_autofree char *stamp = sep ? g_strndup(line, sep - line) : NULL;
    g_autoptr(GDateTime) when = stamp ? g_date_time_new_from_iso8601(stamp, NULL) : NULL;

    if (!when || !g_str_has_suffix(stamp, "Z") || STRNEQ(sep + 2, msg)) {
        printf("#   line \"%s\" is not \"TIMESTAMP: %s\"\n", line, msg);
        return -1;
    }
    return 0;
}

static int
testLogLines(const char *path, const char **want, size_t nwant)
{
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents(path, &content, NULL, NULL) || !g_str_has_suffix(content, "\n")) {
        printf("#   %s missing or without a final newline\n", path);
        return -1;
    }
    lines = g_strsplit(content, "\n", -1);
    if (g_strv_length(lines) != nwant + 1) {
        printf("#   %s has %u lines, expected %zu:\n%s", path,
               g_strv_length(lines) - 1, nwant, content);
        return -1;
    }
    for (i = 0; i < nwant; i++) {
        if (want[i] && testNoteLine(lines[i], want[i]) < 0)
            return -1;
        if (!want[i] && STRNEQ(lines[i], "continued"))
            return -1;
    }
    return 0;
}

static int
testNotes(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);
    g_autofree char *path = NULL;
    const char *want[] = { "opened", "two", NULL, "closed" };
    VIR_AUTOCLOSE int fd = -1;
    size_t n;

    cfg->logDir = g_strdup(dir);
    path = qemuDomainLogPath(cfg, "dom");
    if (!g_str_has_prefix(path, dir) || !g_str_has_suffix(path, "/dom.log"))
        return -1;
    if ((fd = virFileOpenWrite(path, O_WRONLY | O_APPEND, 0600, "log")) < 0)
        return -1;
    n = qemuDomainLogWrite(fd, "%s", "opened");
    qemuDomainLogWrite(fd, "two\ncontinued\n");
    qemuDomainLogNote(cfg, "dom", "%s", "closed");
    if (testLogLines(path, want, G_N_ELEMENTS(want)) < 0)
        return -1;
    {
        g_autofree char *content = NULL;

        if (!g_file_get_contents(path, &content, NULL, NULL) ||
            n != (size_t)(strchr(content, '\n') - content + 1)) {
            printf("#   the first note took %zu bytes, not its line's length\n", n);
            return -1;
        }
    }
    return 0;
}

static int
testKeepsError(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);

    cfg->logDir = g_build_filename(dir, "missing", NULL);
    virReportError(VIR_ERR_OPERATION_FAILED, "%s", "the error being handled");
    qemuDomainLogNote(cfg, "dom", "%s", "lost");
    return virTestExpectError("a note to a log that cannot be opened",
                              "the error being handled");
}

/* The usual note of a failure: its text is the error's message, which
 * the note keeps while it opens the log */
static int
testQuotesError(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);
    g_autofree char *path = NULL;
    const char *want[] = { "failed: operation failed: the error being quoted" };

    cfg->logDir = g_build_filename(dir, "quoted", NULL);
    if (virFileMakePath(cfg->logDir, 0700) < 0)
        return -1;
    path = qemuDomainLogPath(cfg, "dom");
    virReportError(VIR_ERR_OPERATION_FAILED, "%s", "the error being quoted");
    qemuDomainLogNote(cfg, "dom", "failed: %s", virGetLastErrorMessage());
    if (testLogLines(path, want, G_N_ELEMENTS(want)) < 0)
        return -1;
    return virTestExpectError("a note that quotes the error", "the error being quoted");
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;

    if (!(dir = g_dir_make_tmp("qemudomainlogtest.XXXXXX", &gerr))) {
        printf("# cannot make a directory: %s\n", gerr->message);
        return -1;
    }
    virTestRun("notes with the log open and not", testNotes, NULL);
    virTestRun("a note keeps the last error", testKeepsError, NULL);
    virTestRun("a note quotes the last error", testQuotesError, NULL);
    virFileDeleteTree(dir);
    g_free(dir);
    return 0;
}

VIR_TEST_MAIN(mymain)
