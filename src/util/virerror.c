/*
 * virerror.c: per-thread last error, error callbacks, message prefixes
 */
#include "internal.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static GPrivate lastErrorKey = G_PRIVATE_INIT((GDestroyNotify) virFreeError);

static virErrorFunc errorHandler;
static void *errorUserData;
static virWarningHandler warningHandler;
static void *warningOpaque;
G_LOCK_DEFINE_STATIC(handlers);

/* Text a message of a given code starts with; %s is the detail. */
typedef struct {
    int code;
    const char *withDetail;
    const char *withoutDetail;
} virErrorMsgTuple;

static const virErrorMsgTuple errorMessages[] = {
    { VIR_ERR_INTERNAL_ERROR, N_("internal error: %s"), N_("internal error") },
    { VIR_ERR_NO_MEMORY, N_("out of memory: %s"), N_("out of memory") },
    { VIR_ERR_NO_SUPPORT, N_("this function is not supported by the connection driver: %s"),
      N_("this function is not supported by the connection driver") },
    { VIR_ERR_NO_CONNECT, N_("no connection driver available for %s"),
      N_("no connection driver available") },
    { VIR_ERR_INVALID_CONN, N_("invalid connection pointer in %s"), N_("invalid connection pointer") },
    { VIR_ERR_INVALID_DOMAIN, N_("invalid domain pointer in %s"), N_("invalid domain pointer") },
    { VIR_ERR_INVALID_ARG, N_("invalid argument: %s"), N_("invalid argument") },
    { VIR_ERR_OPERATION_FAILED, N_("operation failed: %s"), N_("operation failed") },
    { VIR_ERR_XML_ERROR, N_("XML error: %s"), N_("XML description is invalid or not well formed") },
    { VIR_ERR_DOM_EXIST, N_("domain %s already exists"), N_("this domain exists already") },
    { VIR_ERR_OPERATION_DENIED, N_("operation forbidden: %s"), N_("operation forbidden") },
    { VIR_ERR_OPEN_FAILED, N_("failed to open %s"), N_("failed to open configuration file") },
    { VIR_ERR_READ_FAILED, N_("failed to read %s"), N_("failed to read configuration file") },
    { VIR_ERR_PARSE_FAILED, N_("failed to parse %s"), N_("failed to parse configuration file") },
    { VIR_ERR_CONF_SYNTAX, N_("configuration file syntax error: %s"), N_("configuration file syntax error") },
    { VIR_ERR_WRITE_FAILED, N_("failed to write %s"), N_("failed to write configuration file") },
    { VIR_ERR_XML_DETAIL, "%s", N_("XML error") },
    { VIR_ERR_INVALID_NETWORK, N_("invalid network pointer in %s"), N_("invalid network pointer") },
    { VIR_ERR_NETWORK_EXIST, N_("network %s already exists"), N_("this network exists already") },
    { VIR_ERR_SYSTEM_ERROR, "%s", N_("system call error") },
    { VIR_ERR_NO_DOMAIN, N_("Domain not found: %s"), N_("Domain not found") },
    { VIR_ERR_NO_NETWORK, N_("Network not found: %s"), N_("Network not found") },
    { VIR_ERR_INVALID_NODE_DEVICE, N_("invalid node device pointer in %s"),
      N_("invalid node device pointer") },
    { VIR_ERR_NO_NODE_DEVICE, N_("Node device not found: %s"), N_("Node device not found") },
    { VIR_ERR_INVALID_MAC, N_("invalid MAC address: %s"), N_("invalid MAC address") },
    { VIR_ERR_OPERATION_INVALID, N_("Requested operation is not valid: %s"),
      N_("Requested operation is not valid") },
    { VIR_ERR_CONFIG_UNSUPPORTED, N_("unsupported configuration: %s"), N_("unsupported configuration") },
    { VIR_ERR_OPERATION_TIMEOUT, N_("Timed out during operation: %s"), N_("Timed out during operation") },
    { VIR_ERR_MIGRATE_PERSIST_FAILED, N_("Failed to make domain persistent after migration: %s"),
      N_("Failed to make domain persistent after migration") },
    { VIR_ERR_ARGUMENT_UNSUPPORTED, N_("argument unsupported: %s"), N_("argument unsupported") },
    { VIR_ERR_OPERATION_ABORTED, N_("operation aborted: %s"), N_("operation aborted") },
    { VIR_ERR_MIGRATE_UNSAFE, N_("Unsafe migration: %s"), N_("Unsafe migration") },
    { VIR_ERR_OVERFLOW, N_("numerical overflow: %s"), N_("numerical overflow") },
    { VIR_ERR_OPERATION_UNSUPPORTED, N_("Operation not supported: %s"), N_("Operation not supported") },
    { VIR_ERR_RESOURCE_BUSY, N_("resource busy: %s"), N_("resource busy") },
    { VIR_ERR_XML_INVALID_SCHEMA, N_("XML document failed to validate against schema: %s"),
      N_("XML document failed to validate against schema") },
    { VIR_ERR_DEVICE_MISSING, N_("device not found: %s"), N_("device not found") },
    { VIR_ERR_NO_HOSTNAME, N_("no hostname found: %s"), N_("no hostname found") },
};

static const virErrorMsgTuple *
virErrorLookup(int code)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(errorMessages); i++) {
        if (errorMessages[i].code == code)
            return &errorMessages[i];
    }
    return NULL;
}

const char *
virErrorMessageForCode(int code)
{
    const virErrorMsgTuple *t = virErrorLookup(code);

    return t ? _(t->withoutDetail) : NULL;
}

static virErrorPtr
virLastErrorObject(void)
{
    virErrorPtr err = g_private_get(&lastErrorKey);

    if (!err) {
        err = g_new0(virError, 1);
        g_private_set(&lastErrorKey, err);
    }
    return err;
}

void
virResetError(virErrorPtr err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    memset(err, 0, sizeof(*err));
}

void
virFreeError(virErrorPtr err)
{
    virResetError(err);
    g_free(err);
}

void
virCopyError(virErrorPtr from, virErrorPtr to)
{
    virResetError(to);
    to->code = from->code;
    to->domain = from->domain;
    to->level = from->level;
    to->message = g_strdup(from->message);
    to->str1 = g_strdup(from->str1);
    to->str2 = g_strdup(from->str2);
    to->str3 = g_strdup(from->str3);
    to->int1 = from->int1;
    to->int2 = from->int2;
}

virErrorPtr
virGetLastError(void)
{
    virErrorPtr err = virLastErrorObject();

    if (err->code == VIR_ERR_OK)
        return NULL;
    return err;
}

int
virGetLastErrorCode(void)
{
    return virLastErrorObject()->code;
}

int
virGetLastErrorDomain(void)
{
    return virLastErrorObject()->domain;
}

const char *
virGetLastErrorMessage(void)
{
    virErrorPtr err = virLastErrorObject();

    if (err->code == VIR_ERR_OK)
        return _("no error");
    if (!err->message)
        return _("unknown error");
    return err->message;
}

int
virCopyLastError(virErrorPtr to)
{
    virErrorPtr err = virLastErrorObject();

    if (!to)
        return -1;
    virCopyError(err, to);
    return to->code;
}

virErrorPtr
virSaveLastError(void)
{
    virErrorPtr to = g_new0(virError, 1);

    virCopyLastError(to);
    return to;
}

void
virResetLastError(void)
{
    virResetError(virLastErrorObject());
}

void
virErrorPreserveLast(virErrorPtr *saveerr)
{
    virErrorPtr err = virGetLastError();

    *saveerr = NULL;
    if (err)
        *saveerr = virSaveLastError();
}

void
virErrorRestore(virErrorPtr *savederr)
{
    if (!*savederr)
        return;
    virCopyError(*savederr, virLastErrorObject());
    virFreeError(*savederr);
    *savederr = NULL;
}

void
virSetErrorFunc(void *userData, virErrorFunc handler)
{
    G_LOCK(handlers);
    errorHandler = handler;
    errorUserData = userData;
    G_UNLOCK(handlers);
}

void
virConnSetErrorFunc(virConnectPtr conn G_GNUC_UNUSED,
                    void *userData,
                    virErrorFunc handler)
{
    /* Errors are kept per thread, not per connection; the callback is
     * process wide, as libvirt's per-connection callbacks are only a
     * narrower way of asking for the same thing. */
    virSetErrorFunc(userData, handler);
}

virErrorPtr
virConnGetLastError(virConnectPtr conn G_GNUC_UNUSED)
{
    return virGetLastError();
}

void
virConnResetLastError(virConnectPtr conn G_GNUC_UNUSED)
{
    virResetLastError();
}

void
virSetWarningHandler(virWarningHandler handler, void *opaque)
{
    G_LOCK(handlers);
    warningHandler = handler;
    warningOpaque = opaque;
    G_UNLOCK(handlers);
}

void
virDefaultErrorFunc(virErrorPtr err)
{
    const char *lvl = "";

    if (!err || err->code == VIR_ERR_OK)
        return;
    if (err->level == VIR_ERR_WARNING)
        lvl = _("warning");
    else if (err->level == VIR_ERR_ERROR)
        lvl = _("error");
    fprintf(stderr, "libvirt: %s : %s\n", lvl,
            err->message ? err->message : _("unknown error"));
}

void
virDispatchError(virConnectPtr conn G_GNUC_UNUSED)
{
    virErrorPtr err = virLastErrorObject();
    virErrorFunc handler;
    void *data;

    if (err->code == VIR_ERR_OK) {
        /* A failure must never be reported to the caller without a reason. */
        virRaiseErrorFull(__FILE__, __func__, __LINE__, VIR_FROM_NONE,
                          VIR_ERR_INTERNAL_ERROR, VIR_ERR_ERROR,
                          NULL, NULL, NULL, -1, -1, "%s",
                          _("unexpected failure without an error message"));
    }

    G_LOCK(handlers);
    handler = errorHandler;
    data = errorUserData;
    G_UNLOCK(handlers);

    if (handler)
        handler(data, err);
    else
        virDefaultErrorFunc(err);
}

static char *
virErrorCompose(int code, const char *detail)
{
    const virErrorMsgTuple *t = virErrorLookup(code);

    if (!t)
        return g_strdup(detail ? detail : _("unknown error"));
    if (!detail)
        return g_strdup(_(t->withoutDetail));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    return g_strdup_printf(_(t->withDetail), detail);
#pragma GCC diagnostic pop
}

void
virRaiseErrorFull(const char *filename G_GNUC_UNUSED,
                  const char *funcname G_GNUC_UNUSED,
                  size_t linenr G_GNUC_UNUSED,
                  int domain,
                  int code,
                  virErrorLevel level,
                  const char *str1,
                  const char *str2,
                  const char *str3,
                  int int1,
                  int int2,
                  const char *fmt, ...)
{
    int save_errno = errno;
    virErrorPtr err = virLastErrorObject();
    const virErrorMsgTuple *t = virErrorLookup(code);
    g_autofree char *detail = NULL;

    if (code == VIR_ERR_OK)
        return;

    if (fmt) {
        va_list ap;

        va_start(ap, fmt);
        detail = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }

    virResetError(err);
    err->domain = domain;
    err->code = code;
    err->level = level;
    err->message = virErrorCompose(code, detail);
    if (!str1 && !str2 && detail && t) {
        /* as libvirtd sends them: the code's text with its %s, then the
         * detail */
        err->str1 = g_strdup(_(t->withDetail));
        err->str2 = g_strdup(detail);
    } else {
        err->str1 = g_strdup(str1 ? str1 : detail);
        err->str2 = g_strdup(str2);
    }
    err->str3 = g_strdup(str3);
    err->int1 = int1;
    err->int2 = int2;

    g_debug("%s:%zu %s: %s", filename, linenr, funcname, err->message);
    errno = save_errno;
}

void
virReportSystemErrorFull(int domain,
                         int theerrno,
                         const char *filename,
                         const char *funcname,
                         size_t linenr,
                         const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    virRaiseErrorFull(filename, funcname, linenr, domain,
                      VIR_ERR_SYSTEM_ERROR, VIR_ERR_ERROR,
                      msg, NULL, NULL, theerrno, -1,
                      "%s: %s", msg, g_strerror(theerrno));
}

void
virReportWarningFull(int domain G_GNUC_UNUSED, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    virWarningHandler handler;
    void *opaque;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    G_LOCK(handlers);
    handler = warningHandler;
    opaque = warningOpaque;
    G_UNLOCK(handlers);

    if (handler)
        handler(msg, opaque);
    else
        fprintf(stderr, "%s: %s\n", _("warning"), msg);
}
