/*
 * qemu_monitor.h: a QMP client
 *
 * One monitor per QEMU process. I/O runs on a thread of the monitor's own
 * (a GMainContext iterated by that thread): replies wake the command that
 * waits for them, asynchronous events are handed to the event callback on
 * that thread. Callbacks must not wait for anything that waits for this
 * monitor (they run on its only reader).
 *
 * JSON values are yajl trees (yajl_val): arguments are passed as JSON
 * object text, replies returned as a parsed tree.
 */
#pragma once

#include "internal.h"

#include <yajl/yajl_tree.h>

typedef struct _qemuMonitor qemuMonitor;

/* A parsed reply: @ret is the "return" member, owned by @root. */
typedef struct _qemuMonitorReply qemuMonitorReply;
struct _qemuMonitorReply {
    yajl_val root;
    yajl_val ret;
};
void qemuMonitorReplyFree(qemuMonitorReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorReply, qemuMonitorReplyFree);

/* @event: name ("SHUTDOWN", ...); @data: its "data" member (may be NULL),
 * valid during the call only. */
typedef void (*qemuMonitorEventCallback)(qemuMonitor *mon, const char *event,
                                         yajl_val data, void *opaque);
/* The connection ended (QEMU exited or the socket broke); @error when it
 * ended because of a protocol error rather than a plain EOF. */
typedef void (*qemuMonitorEOFCallback)(qemuMonitor *mon, bool error, void *opaque);

typedef struct _qemuMonitorCallbacks qemuMonitorCallbacks;
struct _qemuMonitorCallbacks {
    qemuMonitorEventCallback event;
    qemuMonitorEOFCallback eof;
};

/* Largest message we accept (query-qmp-schema is a few hundred KiB). */
#define QEMU_MONITOR_MAX_MESSAGE (32 * 1024 * 1024)

/* Connect to the QMP socket at @path (retrying until @timeoutMs for QEMU to
 * create it), read the greeting and negotiate capabilities. */
qemuMonitor *qemuMonitorOpen(const char *path, int timeoutMs,
                             const qemuMonitorCallbacks *cb, void *opaque);
/* The same for a socket something listens on now: no waiting for QEMU to
 * create it (@timeoutMs is for the greeting). */
qemuMonitor *qemuMonitorOpenListening(const char *path, int timeoutMs,
                                      const qemuMonitorCallbacks *cb, void *opaque);
/* The same over an already connected socket (ownership of @fd taken). */
qemuMonitor *qemuMonitorOpenFD(int fd, int timeoutMs,
                               const qemuMonitorCallbacks *cb, void *opaque);
/* Disconnect; no callback runs after this returns. */
void qemuMonitorClose(qemuMonitor *mon);
/* The same without waiting for the monitor's thread, which frees the rest
 * when it ends; no callback runs once this returns. */
void qemuMonitorCloseNoWait(qemuMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitor, qemuMonitorClose);

/* QEMU's version from the greeting: major * 1000000 + minor * 1000 + micro. */
unsigned long qemuMonitorGetVersion(qemuMonitor *mon);
/* The greeting as QEMU sent it (one line of JSON). */
const char *qemuMonitorGetGreeting(qemuMonitor *mon);

/* Run @cmd with @args (JSON object text, or NULL). Waits up to @timeoutMs
 * (<= 0: 30 s). On success *reply (if given) holds the reply. An "error"
 * reply is reported as VIR_ERR_OPERATION_FAILED with QEMU's description. */
int qemuMonitorCommand(qemuMonitor *mon, const char *cmd, const char *args,
                       int timeoutMs, qemuMonitorReply **reply);

/* printf-style helper for arguments: values are JSON-escaped with %s only
 * through qemuMonitorJSONString(). */
char *qemuMonitorJSONString(const char *str);

/* Small accessors of yajl trees. */
const char *qemuMonitorObjectGetString(yajl_val obj, const char *key);
bool qemuMonitorObjectGetNumber(yajl_val obj, const char *key, long long *num);
yajl_val qemuMonitorObjectGet(yajl_val obj, const char *key);

/* The @opaque given at open. */
void *qemuMonitorGetOpaque(qemuMonitor *mon);

/* Is the connection still open? */
bool qemuMonitorIsAlive(qemuMonitor *mon);
