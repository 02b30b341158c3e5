/*
 * qemu_monitor_priv.h: the untyped command of a QMP connection
 *
 * For the typed commands (qemu_monitor_json.c) and for tests that ask a
 * real QEMU for something the driver never needs; the driver itself calls
 * the typed functions of qemu_monitor_json.h only.
 */
#pragma once

#include <yajl/yajl_tree.h>

#include "qemu_monitor.h"
#include "qemu_props.h"

/* A parsed reply: @ret is the "return" member, owned by @root. */
typedef struct _qemuMonitorReply qemuMonitorReply;
struct _qemuMonitorReply {
    yajl_val root;
    yajl_val ret;
};
void qemuMonitorReplyFree(qemuMonitorReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitorReply, qemuMonitorReplyFree);

/* qemuMonitorOpen, and @first (a command without arguments) sent with
 * the connection, after qmp_capabilities: its reply in *@firstReply, in
 * the same round trip. A refusal of @first fails the open. */
qemuMonitor *qemuMonitorOpenFirst(const char *path, const qemuMonitorTarget *target,
                                  int timeoutMs, const char *first,
                                  qemuMonitorReply **firstReply);
/* The same over a connected @fd (qemuMonitorOpenFD). */
qemuMonitor *qemuMonitorOpenFDFirst(int fd, const qemuMonitorTarget *target,
                                    int timeoutMs, const char *first,
                                    qemuMonitorReply **firstReply);

/* Run @cmd with @args (NULL: none), waiting up to the monitor's reply
 * timeout. On success *@reply (if given) holds the reply. An "error" reply
 * is VIR_ERR_OPERATION_FAILED with QEMU's description; no reply in time is
 * VIR_ERR_OPERATION_TIMEOUT saying whether QEMU's process is stopped. */
int qemuMonitorCommand(qemuMonitor *mon, const char *cmd, const qemuProps *args,
                       qemuMonitorReply **reply);

/* qemuMonitorCommand without a reply, also done once an event @settled
 * arrives after @cmd was sent: QEMU says by that event that @cmd took
 * effect, and its reply may follow much later (it is then dropped). */
int qemuMonitorCommandSettled(qemuMonitor *mon, const char *cmd, const qemuProps *args,
                              const qemuMonitorEventFilter *settled);

/* One command of qemuMonitorCommands. */
typedef struct {
    const char *cmd;
    const qemuProps *args;      /* NULL: none */
    bool refusalIgnored;        /* QEMU refusing it is no error (an
                                 * object-del of what may not exist) */
} qemuMonitorCommandSpec;

/* Send @ncmds commands at once and then wait for their replies: one round
 * trip with QEMU instead of @ncmds. QEMU runs them in the order given,
 * each whatever became of the ones before; the first failure in that
 * order is reported, as qemuMonitorCommand would (-1). The replies are
 * not kept. All the replies are waited for within the monitor's reply
 * timeout. */
int qemuMonitorCommands(qemuMonitor *mon, const qemuMonitorCommandSpec *cmds, size_t ncmds);

/* Small accessors of yajl trees. */
const char *qemuMonitorObjectGetString(yajl_val obj, const char *key);
bool qemuMonitorObjectGetNumber(yajl_val obj, const char *key, long long *num);
bool qemuMonitorObjectGetBool(yajl_val obj, const char *key);
yajl_val qemuMonitorObjectGet(yajl_val obj, const char *key);
