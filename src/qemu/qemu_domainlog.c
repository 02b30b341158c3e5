/*
 * qemu_domainlog.c: the log of a QEMU domain, ROOT/log/NAME.log
 */
#include "internal.h"

#include <fcntl.h>

#include "qemu_domainlog.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

char *
qemuDomainLogPath(virQEMUDriverConfig *cfg, const char *name)
{
    return g_strdup_printf("%s/%s.log", cfg->logDir, name);
}

static size_t G_GNUC_PRINTF(2, 0)
qemuDomainLogWriteV(int fd, const char *fmt, va_list ap)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format_iso8601(now);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    g_autofree char *line = g_strdup_printf("%s: %s%s", stamp, msg,
                                            g_str_has_suffix(msg, "\n") ? "" : "\n");
    size_t len = strlen(line);

    if (virFileWriteAll(fd, line, len) < 0)
        return 0;
    return len;
}

size_t
qemuDomainLogWrite(int fd, const char *fmt, ...)
{
    va_list ap;
    size_t len;

    va_start(ap, fmt);
    len = qemuDomainLogWriteV(fd, fmt, ap);
    va_end(ap);
    return len;
}

void
qemuDomainLogNote(virQEMUDriverConfig *cfg, const char *name, const char *fmt, ...)
{
    g_autofree char *path = qemuDomainLogPath(cfg, name);
    g_autofree char *note = NULL;
    VIR_AUTOCLOSE int fd = -1;
    virErrorPtr saved;
    va_list ap;

    /* first: an argument may be the message of the error kept below
     * (virGetLastErrorMessage), which keeping it frees */
    va_start(ap, fmt);
    note = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    virErrorPreserveLast(&saved);
    if ((fd = virFileOpenWrite(path, O_WRONLY | O_APPEND, 0600, _("log file"))) < 0)
        virResetLastError();
    virErrorRestore(&saved);
    if (fd < 0)
        return;
    qemuDomainLogWrite(fd, "%s", note);
}
