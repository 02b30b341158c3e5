/*
 * virerror.h: reporting errors from inside the library
 *
 * Each source file defines VIR_FROM_THIS to the virErrorDomain it belongs to.
 * An error is reported once, where it happens; callers only propagate -1/NULL.
 */
#pragma once

#include "internal.h"

void virRaiseErrorFull(const char *filename,
                       const char *funcname,
                       size_t linenr,
                       int domain,
                       int code,
                       virErrorLevel level,
                       const char *str1,
                       const char *str2,
                       const char *str3,
                       int int1,
                       int int2,
                       const char *fmt, ...)
    G_GNUC_PRINTF(12, 13);

void virReportSystemErrorFull(int domain,
                              int theerrno,
                              const char *filename,
                              const char *funcname,
                              size_t linenr,
                              const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

#define virReportError(code, ...) \
    virRaiseErrorFull(__FILE__, __func__, __LINE__, VIR_FROM_THIS, \
                      code, VIR_ERR_ERROR, NULL, NULL, NULL, -1, -1, \
                      __VA_ARGS__)

#define virReportSystemError(theerrno, ...) \
    virReportSystemErrorFull(VIR_FROM_THIS, (theerrno), \
                             __FILE__, __func__, __LINE__, __VA_ARGS__)

#define virReportOOMError() \
    virRaiseErrorFull(__FILE__, __func__, __LINE__, VIR_FROM_THIS, \
                      VIR_ERR_NO_MEMORY, VIR_ERR_ERROR, NULL, NULL, NULL, \
                      -1, -1, "%s", _("out of memory"))

/* A warning is logged and printed, but is not an error and does not
 * replace the thread's last error. */
void virReportWarningFull(int domain, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
#define virReportWarning(...) virReportWarningFull(VIR_FROM_THIS, __VA_ARGS__)

/* Keep the current error across cleanup code that may report its own. */
void virErrorPreserveLast(virErrorPtr *saveerr);
void virErrorRestore(virErrorPtr *savederr);

/* Makes @to (reset first) a copy of @from. */
void virCopyError(virErrorPtr from, virErrorPtr to);

/* Where warnings go; by default they are printed to stderr. */
typedef void (*virWarningHandler)(const char *msg, void *opaque);
void virSetWarningHandler(virWarningHandler handler, void *opaque);

/* The text put in front of a message of this error code ("internal error",
 * "unsupported configuration", ...), or NULL if none. */
const char *virErrorMessageForCode(int code);

/* Called by public API entry points when they fail: hands the thread's last
 * error to the error callback the application set (or prints it). */
void virDispatchError(virConnectPtr conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virError, virFreeError);
