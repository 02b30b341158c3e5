/*
 * qemu_process.h: running QEMU for a domain: start, stop, monitor, reconnect
 *
 * QEMU outlives the process that started it. Everything needed to find it
 * again is under ROOT/run/qemu: NAME.xml (status: state, pid and start
 * time of QEMU, live definition), NAME.monitor (QMP socket), NAME.pid (pid
 * and start time). The process that wants
 * to act on a running domain connects to its monitor for the duration of
 * the operation ("job") and brings the recorded state up to date from QEMU
 * first, so changes that happened while nobody watched (guest shutdown,
 * failover negotiation, QEMU death) are never missed.
 */
#pragma once

#include "qemu_conf.h"
#include "qemu_monitor.h"
#include "qemu_monitor_json.h"
#include "qemu_command.h"
#include "qemu_return.h"

/* A guest arriving by migration: QEMU takes the source's connection
 * from a listening socket bound before it runs, so that the source may
 * connect before QEMU is up. */
typedef struct {
    int listenFd;           /* a TCP socket its caller bound
                             * (qemuMigrationAddressListen), or -1; from
                             * qemuProcessStartReserve on the start owns it
                             * (QEMU gets it, the start closes it) */
    const char *listenPath; /* or a UNIX socket file under the root, which
                             * the start binds after its start record: a
                             * process that dies leaves it to be removed
                             * with the run's files, never alone */
    bool tls;               /* the stream is TLS: QEMU gets the server
                             * certificates of migrate_tls_x509_cert_dir */
} qemuProcessIncoming;

/* The options QEMU runs a live definition with (capability checks,
 * machine resolution and aliases are applied to @live). */
int qemuProcessCommandOptions(virQEMUDriver *driver, virDomainDef *live,
                              qemuCommandOptions *opts);

/* What start does to a live definition before spawning QEMU: capability
 * checks, aliases, options; returns the argv QEMU is run with. */
GStrv qemuProcessBuildCommand(virQEMUDriver *driver, virDomainDef *live,
                              qemuCommandOptions *opts, const qemuProcessIncoming *incoming);

/* The same two for an emulator whose capabilities are @caps (looked up by
 * the two above), with the settings of @cfg: qemuxml2argvtest runs these
 * with recorded capabilities. */
int qemuProcessCommandOptionsCaps(virQEMUDriverConfig *cfg, virQEMUCaps *caps,
                                  virDomainDef *live, qemuCommandOptions *opts);
GStrv qemuProcessBuildCommandCaps(virQEMUDriverConfig *cfg, virQEMUCaps *caps,
                                  virDomainDef *live, qemuCommandOptions *opts,
                                  const qemuProcessIncoming *incoming);

/* Start the persistent definition of @obj (or @obj->def for a transient
 * domain). flags: VIR_DOMAIN_START_PAUSED. On failure everything done so
 * far is undone and the domain is shut off. */
int qemuProcessStart(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags);

/* The same in three steps, for a guest arriving by migration (@incoming;
 * NULL for a plain start), whose destination answers the source once the
 * host's devices are the guest's and sets them up and runs QEMU while the
 * source goes on:
 * - reserve: checks, records the start and takes the host devices (pool
 *   VFs, devices named directly) and, for @incoming, binds its socket
 *   file; nothing on the host changes but records, the object stays shut
 *   off, @starting (set on success) holds the rest;
 * - launch: sets the devices up for QEMU (vfio-pci; a VF's MAC and VLAN),
 *   builds the command line and spawns QEMU: from then on the object is
 *   the run, paused;
 * - complete: waits for QEMU to answer on its monitor (up to 30 s),
 *   enables migration events for an incoming guest, records the run as
 *   started, and returns the open monitor in @monOut (close it with
 *   qemuProcessEndJob; NULL: closed).
 * All three run in the same job, the object unlocked, in any thread;
 * complete frees @starting, and so does a launch that fails. A failure
 * of any step undoes everything done so far (the devices given back)
 * and the domain is shut off. */
typedef struct _qemuProcessStarting qemuProcessStarting;
int qemuProcessStartReserve(virQEMUDriver *driver, virDomainObj *obj, unsigned int flags,
                            const qemuProcessIncoming *incoming, qemuProcessStarting **starting);
int qemuProcessStartLaunch(virQEMUDriver *driver, virDomainObj *obj,
                           qemuProcessStarting *starting);
/* The definition the start runs, its devices reserved (the pool VFs in
 * its interfaces): the object's only once launched. Valid until
 * @starting goes to launch. */
const virDomainDef *qemuProcessStartingDef(const qemuProcessStarting *starting);
int qemuProcessStartComplete(virQEMUDriver *driver, virDomainObj *obj,
                             qemuProcessStarting *starting, qemuMonitor **monOut);

/* <link state='down'/> of @net, which QEMU cannot take on its command
 * line: set it over QMP once the device exists. */
int qemuProcessSetLinkState(qemuMonitor *mon, const virDomainNetDef *net);
/* Kill QEMU and clean up (resources, run/ files); the domain becomes shut
 * off with @reason (virDomainShutoffReason). QEMU is signalled only when
 * it is proven to be the domain's: run/ records the domain's UUID with its
 * pid and start time, and the pid is still that process (through a pidfd).
 * Otherwise nothing is signalled and a warning says why. */
void qemuProcessStop(virQEMUDriver *driver, virDomainObj *obj, int reason);
/* The same for a guest that runs on its migration's destination now
 * (reason "migrated"); with @deferred, except for its host devices and
 * pool VFs when it has any: *@deferred then holds them, not given back
 * yet, and the calling thread still holds the root's lock (once), which
 * it must pass on with qemuReturnStart. *@deferred NULL: everything is
 * done and the lock released, as by qemuProcessStop (always so for a
 * caller that held the root's lock already). */
void qemuProcessStopMigrated(virQEMUDriver *driver, virDomainObj *obj, qemuReturn **deferred);

/* SIGTERM the domain's QEMU (proven as for qemuProcessStop) and wait up to
 * 10 s for it to exit. Returns 0 when it is gone (or not the domain's: a
 * warning says so), -1 (error reported) if it is still running. */
int qemuProcessShutdownGracefully(virQEMUDriver *driver, virDomainObj *obj);

/* Before a start: a QEMU of domain @def may run without a usable status
 * file (damaged, or removed), found by its pidfile (pid and start time
 * alive) or its monitor (query-uuid answers @def's UUID). Returns 0 when
 * none runs, -1 with an error naming it. */
int qemuProcessRefuseUnrecorded(virQEMUDriver *driver, const virDomainDef *def);

/* Stop such a QEMU: "quit" on its monitor when it answers, SIGTERM/SIGKILL
 * when its pid is proven; its run/ files are removed. Returns 1 when one
 * was stopped, 0 when none runs, -1 (error reported) if it survived. */
int qemuProcessStopUnrecorded(virQEMUDriver *driver, const virDomainDef *def);

/* Why the last run of domain @def (its UUID) stopped, as the process that
 * stopped it recorded (ROOT/run/qemu/stops); SHUTOFF_UNKNOWN when nothing
 * says. */
int qemuProcessStoppedReason(virQEMUDriver *driver, const virDomainDef *def);

/* Forget why the domain of @uuid stopped (its next start, its undefine).
 * Root lock held. */
void qemuProcessClearStopped(virQEMUDriver *driver, const unsigned char *uuid);

#define QEMU_PROCESS_STARTING_SUFFIX ".starting"

/* The names of domains with a start record (ROOT/run/qemu/NAME.starting),
 * written by a start before it spawns QEMU and removed when the start
 * completed or failed, all within the domain's job: seen while the
 * domain's job lock (ROOT/run/qemu/NAME.joblock) is free, such a record
 * is a start whose starting process died. */
GPtrArray *qemuProcessListStarting(virQEMUDriver *driver);

/* The start of @name is complete (a recovery made its incoming guest
 * run): its start record goes, if a process that died left it. Root lock
 * held. */
void qemuProcessStartRecordClear(virQEMUDriver *driver, const char *name);

/* The name of the domain whose start record names @uuid, or NULL. */
char *qemuProcessFindStarting(virQEMUDriver *driver, const unsigned char *uuid);

/* Undo the start of domain @name recorded so (@obj: the domain, NULL if
 * not known): its QEMU is stopped, found by its status file, else its
 * pidfile or its monitor (qemuProcessStopUnrecorded; a pid not proven to
 * be the domain's QEMU is never signalled), its run/ files and the record
 * are removed. Its VFs are given back by qemuHostdevReconcile (or by
 * qemuProcessStop). Call with the root's lock and the domain's job lock
 * held. Returns 0, or -1 (error reported) when its QEMU survived; the
 * record then stays. */
int qemuProcessUndoStart(virQEMUDriver *driver, virDomainObj *obj, const char *name);

/* Write ROOT/run/qemu/NAME.xml. */
int qemuProcessSaveStatus(virQEMUDriver *driver, virDomainObj *obj);

/* A job on a running domain: connects to its monitor and reconciles the
 * recorded state with QEMU's (query-status, sent with the connection).
 * Returns the monitor (NULL with an error if the domain is not running or
 * QEMU is gone; in the latter case the domain was cleaned up). */
qemuMonitor *qemuProcessBeginJob(virQEMUDriver *driver, virDomainObj *obj);
/* The same, with the run state QEMU reported in *@state. */
qemuMonitor *qemuProcessBeginJobState(virQEMUDriver *driver, virDomainObj *obj,
                                      qemuMonitorRunState *state);
/* Apply what the monitor reported during the job, save the status,
 * disconnect. */
void qemuProcessEndJob(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon);
/* Disconnect without recording anything (the caller stops the domain). */
void qemuProcessAbandonJob(qemuMonitor *mon);

/* Is the QEMU recorded for @obj alive: its pid names the process that
 * started at the recorded start time? */
bool qemuProcessIsRunning(virDomainObj *obj);

/* Before a vfio device is hot-plugged into the running QEMU of @obj
 * (unlocked): its RLIMIT_MEMLOCK raised to what @def needs with one
 * (virmemlock.h), unless it is that high already. */
int qemuProcessRaiseMemLock(virDomainObj *obj, const virDomainDef *def);

/* Check a domain found running in ROOT/run: if its QEMU is gone, clean up
 * (reason: crashed) and return 0; if alive return 1. */
int qemuProcessCheckAlive(virQEMUDriver *driver, virDomainObj *obj);

/* Apply the events @mon received that no job applied yet (state changes,
 * negotiation). */
void qemuProcessApplyEvents(virQEMUDriver *driver, virDomainObj *obj, qemuMonitor *mon);
