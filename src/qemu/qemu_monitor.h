/*
 * qemu_monitor.h: a QMP connection and the events it received
 *
 * One monitor per connection to a QEMU, with no thread of its own: the
 * thread that waits (for a reply, an event, the greeting) reads the socket
 * itself, one at a time, so that what it waits for wakes it and no other
 * thread first. Replies go to the command that waits for them,
 * asynchronous events are appended to the monitor's event queue, where
 * callers find them: a job applies them to the domain
 * (qemuMonitorTakeEvent), a wait for one particular event reads until it
 * comes or a deadline passes (qemuMonitorWaitEvent), and a look that does
 * not wait reads what the socket has first.
 *
 * The commands themselves, one typed function per QMP command, are in
 * qemu_monitor_json.h; no QMP command name appears outside these files.
 *
 * Every wait on QEMU is bounded: the connect, the greeting, each reply and
 * each event wait have a deadline, and a timeout says what did not come
 * within how long, and, when the monitor knows QEMU's pid, whether the
 * process is stopped (SIGSTOP: state T) or alive but not answering.
 */
#pragma once

#include "internal.h"
#include "virenum.h"

typedef struct _qemuMonitor qemuMonitor;

/* Largest message we accept (query-qmp-schema is a few hundred KiB). */
#define QEMU_MONITOR_MAX_MESSAGE (32 * 1024 * 1024)

/* Reply timeout of a monitor opened with timeoutMs <= 0. */
#define QEMU_MONITOR_DEFAULT_TIMEOUT 30000

/* The QEMU a monitor talks to, for error messages and for telling a
 * stopped QEMU from a busy one. */
typedef struct _qemuMonitorTarget qemuMonitorTarget;
struct _qemuMonitorTarget {
    const char *domain;     /* domain name, or NULL ("QEMU" in messages) */
    pid_t pid;              /* QEMU's pid, or 0 when unknown */
};

/* Connect to the QMP socket at @path, read the greeting and negotiate
 * capabilities. The socket is one QEMU listens on (a domain's monitor
 * socket is created before QEMU starts): there is one connect, bounded by
 * @timeoutMs like the greeting (a QEMU that serves another client keeps us
 * in its backlog). @timeoutMs (<= 0: the default) is also the reply
 * timeout of every command on this monitor. @target may be NULL. */
qemuMonitor *qemuMonitorOpen(const char *path, const qemuMonitorTarget *target,
                             int timeoutMs);
/* The same over an already connected socket (ownership of @fd taken, also
 * on failure). */
qemuMonitor *qemuMonitorOpenFD(int fd, const qemuMonitorTarget *target, int timeoutMs);
/* Disconnect and free (no thread may wait on @mon any more). */
void qemuMonitorClose(qemuMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMonitor, qemuMonitorClose);

/* QEMU's version from the greeting: major * 1000000 + minor * 1000 + micro. */
unsigned long qemuMonitorGetVersion(qemuMonitor *mon);
/* The greeting as QEMU sent it (one line of JSON). */
const char *qemuMonitorGetGreeting(qemuMonitor *mon);
/* Is the connection still open? */
bool qemuMonitorIsAlive(qemuMonitor *mon);

/* Append every command from now on and its reply to @record in the
 * .replies format of tests/qemucapabilitiesdata (the greeting and the
 * capabilities negotiation first); @record stays the caller's. */
void qemuMonitorSetRecord(qemuMonitor *mon, GString *record);

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

typedef enum {
    QEMU_MONITOR_EVENT_OTHER,
    QEMU_MONITOR_EVENT_SHUTDOWN,
    QEMU_MONITOR_EVENT_STOP,
    QEMU_MONITOR_EVENT_RESUME,
    QEMU_MONITOR_EVENT_DEVICE_DELETED,
    QEMU_MONITOR_EVENT_MIGRATION,
    QEMU_MONITOR_EVENT_UNPLUG_PRIMARY,
    QEMU_MONITOR_EVENT_FAILOVER_NEGOTIATED,

    QEMU_MONITOR_EVENT_LAST
} qemuMonitorEventType;
VIR_ENUM_DECL(qemuMonitorEvent);

/* QEMU's MigrationStatus */
typedef enum {
    QEMU_MONITOR_MIGRATION_STATUS_NONE,
    QEMU_MONITOR_MIGRATION_STATUS_SETUP,
    QEMU_MONITOR_MIGRATION_STATUS_CANCELLING,
    QEMU_MONITOR_MIGRATION_STATUS_CANCELLED,
    QEMU_MONITOR_MIGRATION_STATUS_ACTIVE,
    QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE,
    QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED,
    QEMU_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER,
    QEMU_MONITOR_MIGRATION_STATUS_COMPLETED,
    QEMU_MONITOR_MIGRATION_STATUS_FAILED,
    QEMU_MONITOR_MIGRATION_STATUS_COLO,
    QEMU_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER,
    QEMU_MONITOR_MIGRATION_STATUS_DEVICE,
    QEMU_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG,

    QEMU_MONITOR_MIGRATION_STATUS_LAST
} qemuMonitorMigrationStatus;
VIR_ENUM_DECL(qemuMonitorMigrationStatus);

/* A set of migration statuses: QEMU_MONITOR_MIGRATION_STATUS_SET(A) | ... */
#define QEMU_MONITOR_MIGRATION_STATUS_SET(s) (1u << (s))

/* One event, as queued (owned by the monitor until it is closed). */
typedef struct _qemuMonitorEvent qemuMonitorEvent;
struct _qemuMonitorEvent {
    qemuMonitorEventType type;
    char *name;             /* as QEMU named it */
    char *device;           /* the device / device-id member, or NULL */
    int status;             /* MIGRATION: qemuMonitorMigrationStatus, else -1
                             * (also for a status we do not know) */
    gint64 when;            /* arrival, monotonic us */
};

/* Which events a wait is for: @type, and if given, from @device, and for
 * MIGRATION in one of @statuses (0: any). */
typedef struct _qemuMonitorEventFilter qemuMonitorEventFilter;
struct _qemuMonitorEventFilter {
    qemuMonitorEventType type;
    const char *device;
    unsigned int statuses;
};

/* Events are numbered from 0 in arrival order and stay queued until the
 * monitor is closed. A wait starts at a position taken *before* the
 * command whose effect it waits for, so an event that arrives before the
 * wait starts is found all the same. */
guint qemuMonitorEventPosition(qemuMonitor *mon);

typedef enum {
    QEMU_MONITOR_WAIT_EVENT,        /* *@ev is the event */
    QEMU_MONITOR_WAIT_TIMEOUT,      /* the deadline passed */
    QEMU_MONITOR_WAIT_CLOSED,       /* the connection ended: QEMU is gone */
    QEMU_MONITOR_WAIT_WOKEN,        /* qemuMonitorWakeup (or a wake-up fd) */
} qemuMonitorWaitResult;

/* The next event at or after *@pos (moving *@pos past it), waiting until
 * @deadline (monotonic us; 0: do not wait). Events queued before the
 * connection ended are returned before CLOSED. Nothing is reported. */
qemuMonitorWaitResult qemuMonitorNextEvent(qemuMonitor *mon, guint *pos,
                                           gint64 deadline,
                                           const qemuMonitorEvent **ev);

/* An event matching @filter at or after *@pos that has come already
 * (moving *@pos past it), or NULL (*@pos past the events looked at); no
 * wait, nothing reported. */
const qemuMonitorEvent *qemuMonitorFindEvent(qemuMonitor *mon, guint *pos,
                                             const qemuMonitorEventFilter *filter);

/* Wait up to @timeoutMs for an event matching @filter at or after *@pos.
 * Returns it (moving *@pos past it), or NULL with an error naming the
 * domain, the event (and device) and how long it waited: a timeout, or
 * the connection that ended. @hint, when given, ends the timeout message
 * (what happens now, what to do). */
const qemuMonitorEvent *qemuMonitorWaitEvent(qemuMonitor *mon, guint *pos,
                                             const qemuMonitorEventFilter *filter,
                                             int timeoutMs, const char *hint);

/* The next event no caller of this function got yet (a job applies each
 * event once), or NULL. */
const qemuMonitorEvent *qemuMonitorTakeEvent(qemuMonitor *mon);

/* Wake up the thread in qemuMonitorNextEvent (from any thread): it returns
 * WOKEN once, now or at its next call. */
void qemuMonitorWakeup(qemuMonitor *mon);
/* Wake it up as well whenever @fd becomes readable (e.g. an inotify fd);
 * the monitor drains @fd (everything read is dropped) and never closes
 * it. Call qemuMonitorRemoveWakeupFd before closing @fd. One fd at most. */
void qemuMonitorAddWakeupFd(qemuMonitor *mon, int fd);
void qemuMonitorRemoveWakeupFd(qemuMonitor *mon);
