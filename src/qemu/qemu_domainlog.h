/*
 * qemu_domainlog.h: the log of a QEMU domain, ROOT/log/NAME.log
 *
 * QEMU's stdout and stderr go there, and so do our notes on its runs (the
 * command line at start, how long QMP took, migration summaries), each a
 * line "TIMESTAMP: MESSAGE" with an ISO 8601 UTC time. The log is for
 * people: a note that cannot be written is never an error.
 */
#pragma once

#include "qemu_conf.h"

/* ROOT/log/NAME.log */
char *qemuDomainLogPath(virQEMUDriverConfig *cfg, const char *name);

/* Append a note to the log open as @fd (a newline is added when the
 * message does not end with one). Returns the bytes written, 0 when the
 * write failed; nothing is reported. */
size_t qemuDomainLogWrite(int fd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The same for domain @name, whose log is not open here: it is opened for
 * the note. The last error is left as it was. */
void qemuDomainLogNote(virQEMUDriverConfig *cfg, const char *name,
                       const char *fmt, ...) G_GNUC_PRINTF(3, 4);
