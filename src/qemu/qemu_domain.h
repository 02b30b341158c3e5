/*
 * qemu_domain.h: QEMU specific defaults and checks of domain definitions
 */
#pragma once

#include "domain_conf.h"
#include "virdomainobjlist.h"
#include "qemu_capabilities.h"
#include "qemu_monitor.h"
#include "virprocess.h"

/* Jobs (docs/hacking.rst "Threads and locks"). A job serialises the work
 * that changes one domain; the object lock is held only while the job's
 * thread changes the object, never across a wait, so queries answer from
 * the object at any time. */
typedef enum {
    QEMU_JOB_NONE = 0,
    QEMU_JOB_QUERY,     /* asks QEMU and records what it says; never waits */
    QEMU_JOB_MODIFY,    /* changes the domain or its definition */
    QEMU_JOB_DESTROY,   /* stops it */

    QEMU_JOB_LAST
} qemuDomainJob;
VIR_ENUM_DECL(qemuDomainJob);

/* Long jobs, possibly across API calls (a migration from begin to
 * confirm): other jobs wait for them, queries answer from the object. */
typedef enum {
    QEMU_ASYNC_JOB_NONE = 0,
    QEMU_ASYNC_JOB_START,
    QEMU_ASYNC_JOB_MIGRATION_OUT,
    QEMU_ASYNC_JOB_MIGRATION_IN,

    QEMU_ASYNC_JOB_LAST
} qemuDomainAsyncJob;
VIR_ENUM_DECL(qemuDomainAsyncJob);

/* The jobs of one domain in this process; guarded by the object lock. */
typedef struct {
    GCond cond;                 /* a job ended (waited on with the object lock) */
    qemuDomainJob active;
    GThread *owner;             /* the thread of @active */
    const char *ownerAPI;       /* its operation, e.g. "virDomainCreate" */
    gint64 started;             /* real time (us) */
    qemuDomainAsyncJob asyncJob;
    const char *asyncAPI;
    gint64 asyncStarted;
    /* ROOT/run/qemu/NAME.joblock, held by this process during a modify,
     * destroy or async job: between processes, the proof that a job runs
     * (a start, a migration) and the exclusion of a conflicting one */
    int lockFd;
    char *lockPath;
    bool lockByAsync;           /* taken by the async job (kept to its end) */
} qemuDomainJobObj;

/* What the QEMU driver keeps about a running domain besides its live
 * definition; stored in its status XML. */
typedef struct _qemuDomainObjPrivate qemuDomainObjPrivate;
struct _qemuDomainObjPrivate {
    qemuDomainJobObj job;

    unsigned long long pidStartTime; /* with obj->pid: the identity of its
                                      * QEMU (virprocess.h) */
    char *monitorPath;          /* QMP socket */
    char *emulator;             /* binary that runs it */
    bool simulatedVFs;          /* VFs presented as emulated NICs */
    gint64 statusMtime;         /* identity of the status file we read */
    guint64 statusIno;

    /* In this process only, during a migration: the monitor held from
     * begin/prepare until confirm/finish. */
    qemuMonitor *migMon;
    /* On the source, from begin until perform (or confirm): the thread
     * that connects to QEMU and checks its live state while the
     * destination prepares, and the error it found. On the destination,
     * from prepare until finish: the thread that completes the start of
     * the incoming QEMU while the source goes on, and its error. */
    GThread *migCheck;
    virErrorPtr migCheckError;
    /* the migration parameters begin's checks set on the source's QEMU
     * (bandwidth in bytes/s, TLS credentials or none), so that perform
     * sets them only if its own differ: set by checks that succeeded
     * (perform runs only after those), cleared by perform (under the
     * object's lock) */
    bool migParamsSet;
    unsigned long long migParamsBytes;
    bool migParamsTLS;
    /* what QEMU's client TLS credentials object (the migration's source
     * side) was made from, as qemuMigrationTLSClientStamp says, for as
     * long as it is known to be right: a migration whose stamp is the
     * same uses it as it is. NULL: none known. In this process only, under
     * the object's lock. */
    char *migTLSClientStamp;
    /* the guest was not running when perform started */
    bool migWasPaused;
    /* this process wrote the record ROOT/run/qemu/NAME.job of the
     * migration; the job lock of its async job (job.lockFd) is what tells
     * others that the migrating process lives (qemu_migration.h) */
    bool migRecorded;
    /* the steps of this side's migration so far, in ms since the call
     * that started its record ("begin 0.0, perform 14.2, ..."), written
     * into the domain's log when the job ends here; begun by
     * qemuMigrationRecordStart. Only the thread that holds the
     * migration job at each step touches it (the job orders them). */
    GString *migSteps;
    gint64 migStepsStart;
    /* the other side of the migration, learned after the record started
     * (from its cookie, or the URI of a peer-to-peer migration), written
     * into the record with the next step; NULL: unknown */
    char *migPeerURI;
    char *migPeerRoot;
    /* the connection that began this side of the migration (begin,
     * prepare) and is to end it (confirm, finish): when it closes first,
     * the job is rolled back (identity only, never dereferenced; under
     * the object's lock) */
    const void *migConn;
    unsigned int migFlags;      /* the flags it began with */
    /* destination: the port the incoming migration listens on, taken
     * from the allocator by prepare and given back when the job ends */
    unsigned int migPort;
    /* set (atomically) by an abort in this process while perform runs:
     * perform is woken through the monitor and cancels the migration */
    gint migAbort;
    /* a change of the migration's speed or downtime limit handed to the
     * migration out that this process drives (qemu_migration_tune.h),
     * waiting for its perform loop; its requester waits on job.cond */
    struct _qemuMigrationTuneRequest *migTune;
};

qemuDomainObjPrivate *qemuDomainObjGetPrivate(virDomainObj *obj);

/* ROOT/run/qemu/NAME.joblock */
char *qemuDomainJobLockPath(const char *stateDir, const char *name);

/* Begin job @job (operation @api) on @obj, locked by the caller (and on
 * return): waits up to @waitMs for a conflicting job of this process,
 * then (modify, destroy) for the job lock of the domain held by another
 * process, the object unlocked meanwhile. 0; -1 with an error
 * naming the holder (operation, since when) on a timeout. A query job
 * never waits: 1 when it began, 0 (nothing reported) when the domain is
 * busy, here or in another process; then the caller answers from the
 * recorded state. *@lockTaken (may be NULL): this call took the
 * cross-process lock (the domain may have changed on disk meanwhile). */
int qemuDomainObjBeginJob(const char *stateDir, int waitMs, virDomainObj *obj,
                          qemuDomainJob job, const char *api, bool *lockTaken);
/* The same without waiting (as a query does): 1 began, 0 busy (nothing
 * reported), -1 error. */
int qemuDomainObjTryBeginJob(const char *stateDir, virDomainObj *obj, qemuDomainJob job,
                             const char *api);
void qemuDomainObjEndJob(virDomainObj *obj);

/* Begin/end an async job; the same rules. It belongs to the process: the
 * later phases of a migration (other API calls) act within it. */
int qemuDomainObjBeginAsyncJob(const char *stateDir, int waitMs, virDomainObj *obj,
                               qemuDomainAsyncJob job, const char *api, bool *lockTaken);
void qemuDomainObjEndAsyncJob(virDomainObj *obj);

/* Does another process hold the job lock of domain @name? (A process
 * that holds it is alive: its start or migration is under way.) This
 * process's own jobs count as holders too. */
bool qemuDomainJobLockHeld(const char *stateDir, const char *name);


/* <domstatus state= reason= pid= starttime=>...<domain/></domstatus> */
char *qemuDomainObjFormatStatus(virDomainObj *obj);
/* Parse a status file into a new live definition and the object's state.
 * A status without the start time of its QEMU (pid and start time are its
 * identity) is refused: nothing could prove the pid it names is ours. */
int qemuDomainObjParseStatus(const char *xml, virDomainDef **def, int *state,
                             int *reason, pid_t *pid, qemuDomainObjPrivate *priv);

/* What a status file (text @xml, read from @path) says the domain is
 * (its UUID) and which process runs it (pid and start time), without
 * parsing the whole definition. */
int qemuDomainStatusParseIdentity(const char *xml, const char *path, unsigned char *uuid,
                                  virProcessIdentity *id);

/* Is network @netname an SR-IOV pool (<forward mode='hostdev'>)? 1 yes,
 * 0 no (also when there is no such network), -1 with an error. */
typedef int (*qemuDomainNetPoolLookup)(void *opaque, const char *netname);

/* The NIC model of an interface without <model> (rtl8139, as libvirt on
 * x86), decided at define: none for type='hostdev' and for type='network'
 * on an SR-IOV pool, whose guest device is the VF itself. @poolLookup may
 * be NULL (no network driver: no network is a pool). */
int qemuDomainNetDefPostParse(virDomainNetDef *net, qemuDomainNetPoolLookup poolLookup,
                              void *opaque);

/* What every QEMU guest has unless the XML says otherwise: the root PCI
 * controller, a USB controller, q35's built-in SATA controller, a virtio
 * memory balloon, a model for each emulated NIC. */
int qemuDomainDefPostParse(virDomainDef *def, qemuDomainNetPoolLookup poolLookup,
                           void *opaque);

/* What needs the emulator's capabilities: the machine type resolved
 * (q35 -> pc-q35-7.2), the emulator filled in, teaming only if QEMU has
 * virtio-net failover. */
int qemuDomainDefPostParseCaps(virDomainDef *def, const virQEMUCaps *caps);

/* The emulator of a definition without <emulator>. */
#define QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"
/* the CPU model QEMU gives an x86 guest when nothing says otherwise */
#define QEMU_DEFAULT_CPU_MODEL "qemu64"

/* The emulator a definition runs with. */
const char *qemuDomainDefEmulator(const virDomainDef *def);

/* Rules that hold for QEMU but not for every hypervisor. */
int qemuDomainDefValidate(const virDomainDef *def);

/* Returns the capabilities of an emulator (borrowed from the driver's
 * cache), or NULL with an error. */
typedef virQEMUCaps *(*qemuDomainCapsLookup)(void *opaque, const char *emulator);

/* What a parse asks of its driver; both get the same opaque pointer. */
typedef struct {
    qemuDomainCapsLookup caps;          /* NULL: machine unresolved */
    qemuDomainNetPoolLookup netPool;    /* NULL: no network is a pool */
} qemuDomainParseLookups;

/* Parse a definition the way the QEMU driver stores it: generic
 * validation (of what the user wrote), capabilities, QEMU defaults, guest
 * addresses, then QEMU validation. @lookups may be NULL. */
virDomainDef *qemuDomainDefParseString(const char *xml, unsigned int parseFlags,
                                       const qemuDomainParseLookups *lookups,
                                       void *opaque);
