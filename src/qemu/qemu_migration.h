/*
 * qemu_migration.h: live migration of QEMU domains with failover pairs
 *
 * begin (source)     checks: only teaming primaries as host devices, the
 *                    guest negotiated failover, not paused; takes the
 *                    source's monitor for the whole migration
 * prepare (dest)     starts QEMU with -incoming (its own VFs), monitor open
 * perform (source)   migrate; follows MIGRATION events (setup,
 *                    wait-unplug, active, completed/failed); wait-unplug
 *                    is bounded; progress in ROOT/run/qemu/NAME.job
 * finish (dest)      waits for the guest, resumes it, saves it
 * confirm (source)   stops the source QEMU and releases its VFs; after a
 *                    failure leaves the guest running where it was
 *
 * From begin (source) and prepare (destination) on, each side keeps a
 * record of the job in ROOT/run/qemu/NAME.job (group [migration]: role,
 * the other side's URI and root, UUID, flags, the migrating process, the
 * step reached) and holds a lock on ROOT/run/qemu/NAME.joblock. When the
 * migrating process dies, its locks go with it: the next command on
 * either root finds the record with a free lock, asks both QEMUs where
 * the guest is and completes or rolls back the job (docs/teaming.rst).
 */
#pragma once

#include "qemu_conf.h"
#include "qemu_return.h"
#include "qemu_migration_cookie.h"
#include "virenum.h"

typedef enum {
    QEMU_MIGRATION_ROLE_SOURCE,
    QEMU_MIGRATION_ROLE_DESTINATION,

    QEMU_MIGRATION_ROLE_LAST
} qemuMigrationRole;
VIR_ENUM_DECL(qemuMigrationRole);

/* Start the record of a migration of @obj on this side (@role) and take
 * its lock; refused while a record of an earlier job of @obj is still
 * there (its recovery is pending). @peerURI/@peerRoot: the other side.
 * @entered: when the call that starts it (begin, prepare) came
 * (g_get_monotonic_time), the origin of the steps the end logs. */
int qemuMigrationRecordStart(virQEMUDriver *driver, virDomainObj *obj, int role,
                             const char *peerURI, const char *peerRoot,
                             unsigned int flags, gint64 entered);
/* The job of @obj ended in this process: drop its record and lock. */
void qemuMigrationRecordEnd(virQEMUDriver *driver, virDomainObj *obj);
/* The job of @obj ends in this process unsettled: its record stays for
 * a recovery (as if its process had died), its lock goes with the job. */
void qemuMigrationRecordLeave(virDomainObj *obj);
/* Is the other side of a migration (the record's or the domain's peer
 * URI and root) the daemon of another host, which can be asked where
 * the guest is? */
bool qemuMigrationPeerIsDaemon(const char *peerURI, const char *peerRoot);

/* Parameters of the phases: one of libvirt's names (protocol.md 4.4)
 * that this driver takes, of its type; a destination_name other than
 * @name (when not NULL) is refused, domains are not renamed. -1 with an
 * error naming the parameter. */
int qemuMigrationParamsCheck(virTypedParameterPtr params, int nparams, const char *name);
/* Only the rename part of that: a destination_name other than @name. */
int qemuMigrationParamsCheckName(virTypedParameterPtr params, int nparams, const char *name);

/* The features of a cookie each phase takes when the sender says they
 * are mandatory: libvirt's lockstate without a lock manager, and the CPU
 * and migration capabilities, which only inform. */
#define QEMU_MIGRATION_COOKIE_BIT(f) (1U << QEMU_MIGRATION_COOKIE_ ## f)
#define QEMU_MIGRATION_READS_PREPARE \
    (QEMU_MIGRATION_COOKIE_BIT(LOCKSTATE) | QEMU_MIGRATION_COOKIE_BIT(CPU) | \
     QEMU_MIGRATION_COOKIE_BIT(CAPS))
#define QEMU_MIGRATION_READS_PERFORM QEMU_MIGRATION_COOKIE_BIT(CAPS)
#define QEMU_MIGRATION_READS_FINISH QEMU_MIGRATION_COOKIE_BIT(STATS)
#define QEMU_MIGRATION_READS_CONFIRM QEMU_MIGRATION_COOKIE_BIT(STATS)

/* For a migration with @flags: refused without VIR_MIGRATE_TLS when
 * this host forces TLS, and with it when a file QEMU needs for this side
 * (@incoming: the destination) is missing. */
int qemuMigrationTLSCheck(const virQEMUDriverConfig *cfg, unsigned int flags, bool incoming);

/* A random UUID made once per process (the cookie's <embedded>). */
const char *qemuMigrationProcessUUID(void);

/* The cookie this side sends for @obj (not locked): the domain, this
 * host, the teaming pairs (with the VFs reserved here when @withVF: the
 * destination), this root, with @withStats the statistics of the job
 * that just ended here (perform), and with @migrateURI (prepare: where
 * the source's QEMU connects) this process's daemon, if it listens on
 * TCP, at that URI's host unless it listens on one address. */
void qemuMigrationCookieBake(virQEMUDriver *driver, virDomainObj *obj, bool withVF,
                             bool withStats, const char *migrateURI,
                             char **cookieout, int *cookieoutlen);
/* The cookie from the other side, for the domain @name/@uuid, read by a
 * phase that takes the features in @readable: *@cookie, or NULL for an
 * empty one; -1 with an error for a cookie that is refused. */
int qemuMigrationCookieEat(virQEMUDriver *driver, const char *name, const unsigned char *uuid,
                           const char *cookiein, int cookieinlen, unsigned int readable,
                           qemuMigrationCookie **cookie);
/* The root of the other side when it is a driver of this process, else
 * NULL. */
const char *qemuMigrationCookieSameProcessRoot(const qemuMigrationCookie *cookie);

/* @bandwidthMiB: the migration's bandwidth parameter (0: none), set on
 * QEMU while the destination prepares; perform sets it again only if its
 * own differs. */
char *qemuMigrationSrcBegin(virQEMUDriver *driver, virDomainObj *obj,
                            unsigned int flags, unsigned long long bandwidthMiB);
/* Returns the URI the source sends to, and its cookie in @cookieout
 * (qemuMigrationCookieBake of the VFs reserved here); *objOut is the
 * incoming domain. @migrateURI, @listenAddress: the source's parameters,
 * or NULL; @sameProcess: the source is a root of this process (a socket
 * under the root then, when the source asks for no URI). */
char *qemuMigrationDstPrepare(virQEMUDriver *driver, const char *migrateURI,
                              const char *listenAddress, bool sameProcess,
                              unsigned int flags, virDomainObj **objOut,
                              char **cookieout, int *cookieoutlen);
/* Give back the port of @obj's incoming migration (at its end). */
void qemuMigrationDstReleasePort(virDomainObj *obj);
/* Is a migration of @obj under way in this process (from begin on)? */
bool qemuMigrationSrcIsActive(virDomainObj *obj);
/* Wait for the live checks begin started: 0, or -1 with their error.
 * Without the driver mutex. */
int qemuMigrationSrcWaitChecked(virDomainObj *obj);
/* @bandwidthMiB: limit in MiB/s; 0: the speed set for the domain
 * (migrate-setspeed), else unlimited */
int qemuMigrationSrcPerform(virQEMUDriver *driver, virDomainObj *obj,
                            const char *uri, unsigned long long bandwidthMiB,
                            unsigned int flags);
int qemuMigrationDstFinish(virQEMUDriver *driver, virDomainObj *obj,
                           bool cancelled, unsigned int flags);
/* @cancelled: the guest stays here. When QEMU had sent it all and the
 * destination is the daemon of another host, whose finish may have run
 * the guest before it failed, the guest stays paused and the job's
 * record is left (qemuMigrationRecordLeave, *@unsettled set): the
 * recovery asks that daemon and completes or rolls back.
 * Not cancelled: QEMU is stopped, and *@deferred holds its host devices
 * and pool VFs, not given back yet, if it had any; the calling thread
 * then holds the root's lock, which it must pass on with qemuReturnStart
 * once it has ended the job (qemuProcessStopMigrated). */
int qemuMigrationSrcConfirm(virQEMUDriver *driver, virDomainObj *obj,
                            bool cancelled, unsigned int flags, bool *unsettled,
                            qemuReturn **deferred);

/* Job statistics of a domain: of its job (its NAME.job file), or with
 * @completed of the last one that ended (NAME.jobdone). */
int qemuMigrationGetJobStats(virQEMUDriver *driver, const char *name, bool completed,
                             int *type, virTypedParameterPtr *params, int *nparams);
/* ROOT/run/qemu/NAME.jobdone (removed with the run files when the
 * domain stops) */
char *qemuMigrationJobDonePath(virQEMUDriver *driver, const char *name);
/* The statistics of this side's completed job into @cookie (perform). */
void qemuMigrationCookieAddJobStats(virQEMUDriver *driver, const char *name,
                                    qemuMigrationCookie *cookie);
/* The completed incoming migration of @name, with the statistics the
 * source sent in @cookie (or NULL), for domjobinfo --completed. */
void qemuMigrationDstSaveJobStats(virQEMUDriver *driver, const char *name,
                                  const qemuMigrationCookie *cookie);
/* Ask the process migrating @name to cancel. */
int qemuMigrationAbort(virQEMUDriver *driver, virDomainObj *obj);
/* Why a migration of this process is cancelled (qemuDomainObjPrivate's
 * migAbort) */
enum {
    QEMU_MIGRATION_ABORT_NONE,
    QEMU_MIGRATION_ABORT_CLIENT,        /* virDomainAbortJob */
    QEMU_MIGRATION_ABORT_PEER_GONE,     /* the destination's connection closed */
};
/* The connection to the destination of @obj's peer-to-peer migration
 * (locked) closed: cancel it, saying so. */
void qemuMigrationAbortPeerGone(virDomainObj *obj);

/* ------------------------------------------------------------------ */
/* Recovery of a job whose migrating process died                      */
/* ------------------------------------------------------------------ */

/* What a job's record says. */
typedef struct _qemuMigrationRecord qemuMigrationRecord;
struct _qemuMigrationRecord {
    int role;                   /* qemuMigrationRole */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *peerURI;
    char *peerRoot;
    unsigned int flags;         /* virDomainMigrateFlags */
    bool wasPaused;             /* source: guest not running at perform */
    char *step;                 /* begin, perform, confirm / prepare, finish */
    long long ownerPid;         /* the process that ran the migration */
};
void qemuMigrationRecordFree(qemuMigrationRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationRecord, qemuMigrationRecordFree);

/* The names of the domains of this root with a job record. */
GPtrArray *qemuMigrationRecordList(virQEMUDriver *driver);

/* The record of @name's job if the process that ran it is gone: 1 with
 * the record in *@rec and its lock taken (*@lockfd), 0 when there is no
 * record, 2 when its process is alive, -1 error. A record of an older
 * kind (progress only) whose owner is gone is removed. */
int qemuMigrationRecordAcquire(virQEMUDriver *driver, const char *name,
                               qemuMigrationRecord **rec, int *lockfd);
/* Is there a job record of @name (a job under way, or one left to a
 * recovery)? */
bool qemuMigrationRecordExists(virQEMUDriver *driver, const char *name);
/* Give the lock back; @clear: the job is settled, its record goes too. */
void qemuMigrationRecordRelease(virQEMUDriver *driver, const char *name,
                                int lockfd, bool clear);

/* Where each side of an interrupted migration was found. */
typedef enum {
    QEMU_MIGRATION_SRC_UNREACHABLE,  /* its root is not there */
    QEMU_MIGRATION_SRC_GONE,         /* no QEMU of the domain */
    QEMU_MIGRATION_SRC_HAS_GUEST,    /* migration not completed: the
                                        guest is still here (after a
                                        cancel of one in progress) */
    QEMU_MIGRATION_SRC_SENT,         /* migration completed: the guest
                                        left (QEMU "postmigrate") */

    QEMU_MIGRATION_SRC_LAST
} qemuMigrationSrcState;
VIR_ENUM_DECL(qemuMigrationSrcState);

typedef enum {
    QEMU_MIGRATION_DST_UNREACHABLE,
    QEMU_MIGRATION_DST_GONE,
    QEMU_MIGRATION_DST_INCOMING,     /* still loading: not all there */
    QEMU_MIGRATION_DST_HAS_GUEST,    /* loaded the whole guest */
    QEMU_MIGRATION_DST_UNDECIDED,    /* a daemon of another host holds it
                                        paused, its incoming migration
                                        not settled yet */

    QEMU_MIGRATION_DST_LAST
} qemuMigrationDstState;
VIR_ENUM_DECL(qemuMigrationDstState);

typedef enum {
    QEMU_MIGRATION_RECOVER_COMPLETE,  /* the guest runs on the destination */
    QEMU_MIGRATION_RECOVER_ROLLBACK,  /* the guest runs on the source */
    QEMU_MIGRATION_RECOVER_KEEP,      /* undecidable now: nothing changes */

    QEMU_MIGRATION_RECOVER_LAST
} qemuMigrationRecoverAction;
VIR_ENUM_DECL(qemuMigrationRecoverAction);

/* The rule (docs/teaming.rst): never the guest on both sides, never
 * paused on both. */
qemuMigrationRecoverAction qemuMigrationRecoverDecide(qemuMigrationSrcState src,
                                                      qemuMigrationDstState dst);

/* One side of the job: @driver NULL when its root is unreachable, @obj
 * NULL when that root runs no such domain. @told: for a side that is a
 * daemon of another host (@driver NULL), its state as known without
 * its QEMU (a qemuMigrationSrcState or qemuMigrationDstState), or -1. */
typedef struct {
    virQEMUDriver *driver;
    virDomainObj *obj;
    int told;
} qemuMigrationSide;

/* Ask both QEMUs where the guest @name is and complete or roll back the
 * job. @flags and @wasPaused as the records say; @step the recovering
 * side's, @srcStep the source's (NULL when its record is not at hand).
 * Returns the action taken, which the domain log of each reachable side
 * tells. */
qemuMigrationRecoverAction qemuMigrationRecover(const char *name, qemuMigrationSide *src,
                                                qemuMigrationSide *dst,
                                                unsigned int flags, bool wasPaused,
                                                const char *step, const char *srcStep);
