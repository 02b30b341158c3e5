/*
 * qemu_conf.h: configuration and state layout of the embedded QEMU driver
 *
 * Everything lives under one root directory (qemu:///embed?root=DIR):
 *   DIR/etc/qemu.conf          configuration (libvirt's key = value format)
 *   DIR/lib/qemu/domains/      persistent domain definitions, NAME.xml
 *   DIR/lib/qemu/autostart/    NAME.xml: symlink to the definition of a
 *                              domain started when the host boots
 *   DIR/run/qemu/              status of running domains, pidfiles, and
 *                              their sockets UUID.qmp, UUID.mig
 *   DIR/cache/capabilities/    probed emulator capabilities
 *   DIR/log/                   QEMU logs, NAME.log
 */
#pragma once

#include "internal.h"
#include "domain_event_state.h"
#include "virconf.h"
#include "virdomainobjlist.h"
#include "virrootlock.h"
#include "qemu_capabilities.h"
#include "network/network_driver.h"

/* defaults of migration_port_min / migration_port_max */
#define QEMU_MIGRATION_PORT_MIN 49152
#define QEMU_MIGRATION_PORT_MAX 49215

/* default of job_wait_timeout (seconds) */
#define QEMU_JOB_WAIT_DEFAULT 30

typedef struct _virQEMUDriverConfig virQEMUDriverConfig;
struct _virQEMUDriverConfig {
    char *root;
    char *configFile;       /* ROOT/etc/qemu.conf */
    char *configBaseDir;    /* ROOT/etc */
    char *libDir;           /* ROOT/lib/qemu */
    char *domainConfigDir;  /* ROOT/lib/qemu/domains */
    char *domainLockFile;   /* ROOT/lib/qemu/domains.lock */
    char *autostartDir;     /* ROOT/lib/qemu/autostart */
    char *stateDir;         /* ROOT/run/qemu */
    char *cacheDir;         /* ROOT/cache */
    char *capCacheDir;      /* ROOT/cache/capabilities */
    char *logDir;           /* ROOT/log */

    /* hostdev_simulate = "e1000e": present every passed-through VF to QEMU
     * as this emulated NIC (simulated SR-IOV host; never in production). */
    char *hostdevSimulate;

    /* sysfs_root = "/path": where SR-IOV VFs are looked up (/sys, or the
     * tree of a simulated host) */
    char *sysfsRoot;
    /* devfs_root = "/path": where device nodes are (/dev/vfio/N of an
     * IOMMU group; /dev, or a simulated host's) */
    char *devfsRoot;
    /* vf_config_backend = "netlink" | "simulated": how a VF gets the
     * guest's MAC and VLAN (virHostdevVFBackend) */
    int vfConfigBackend;
    char *hostdevStateDir;  /* ROOT/run/hostdev: saved VF settings */

    /* kvm_usable = 0|1: override the detection of a usable /dev/kvm
     * (-1: detect) */
    int kvmOverride;

    /* migration_unplug_timeout = SECONDS: how long a migration waits for
     * the guest to release its VFs (QEMU's wait-unplug) before cancelling */
    int migrationUnplugTimeout;
    /* migration_stall_timeout = SECONDS: how long a migration may send
     * nothing (the destination takes no data) before it is cancelled */
    int migrationStallTimeout;
    /* keepalive_interval = SECONDS (-1: none), keepalive_count = N: the
     * keepalive on the connection a peer-to-peer migration opens to its
     * destination (libvirt's keys and defaults, 5 and 5) */
    int keepaliveInterval;
    unsigned int keepaliveCount;
    /* job_wait_timeout = SECONDS: how long an operation on a domain waits
     * for another one on the same domain (a job, here or in another
     * process) before it fails naming it */
    int jobWaitTimeout;

    /* Incoming migrations (qemu_migration_address.h): migration_host =
     * "NAME" (what the source connects to; default: the hostname),
     * migration_address = "ADDR" (where QEMU listens; default: every
     * address), ports migration_port_min..migration_port_max (49152 to
     * 49215). Neither may name the local machine (localhost, 127.0.0.1,
     * ::1): the other host could not reach it. */
    char *migrationHost;
    char *migrationAddress;
    unsigned int migrationPortMin;
    unsigned int migrationPortMax;

    /* Migration data over TLS (VIR_MIGRATE_TLS): migrate_tls_x509_cert_dir
     * = "DIR" (ROOT/etc/pki/qemu by default) holds QEMU's ca-cert.pem,
     * server-cert.pem and server-key.pem (for incoming migrations),
     * client-cert.pem and client-key.pem (outgoing);
     * migrate_tls_x509_verify = 0|1 (1, the default: an incoming migration
     * requires the source's certificate); migrate_tls_force = 0|1 (1:
     * migrations without TLS are refused). */
    char *migrateTLSx509certdir;
    bool migrateTLSx509verify;
    bool migrateTLSForce;

    /* The whole parsed qemu.conf, for keys read by other parts. */
    virConf *conf;
};

/* Build the layout for @root (absolute) and read DIR/etc/qemu.conf. A
 * root too long for the sockets of its guests is refused. */
virQEMUDriverConfig *virQEMUDriverConfigNew(const char *root);

/* The sockets of a running guest, ROOT/run/qemu/UUID.SUFFIX with the
 * UUID's 32 hex digits: named by UUID rather than by name, so that whether
 * they fit in a socket address (107 bytes) depends on the root only, never
 * on the guest's name; short, so that roots of up to 61 characters work. */
#define QEMU_SOCKET_MONITOR "qmp"    /* QMP */
#define QEMU_SOCKET_INCOMING "mig"   /* incoming migration stream */
char *virQEMUDriverConfigSocketPath(virQEMUDriverConfig *cfg,
                                    const unsigned char *uuid,
                                    const char *suffix);
void virQEMUDriverConfigFree(virQEMUDriverConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUDriverConfig, virQEMUDriverConfigFree);

/* Create the directories of the layout. */
int virQEMUDriverConfigMakeDirs(virQEMUDriverConfig *cfg);

/* The embedded driver of one root directory in this process, shared by
 * its connections (docs/hacking.rst "Threads and locks"). There is no
 * driver-wide lock: each field says what guards it. */
typedef struct _virQEMUDriver virQEMUDriver;
struct _virQEMUDriver {
    virQEMUDriverConfig *config;    /* immutable */
    unsigned char hostUUID[VIR_UUID_BUFLEN];   /* immutable (virhostuuid.h) */
    /* its own mutex guards the maps; each object its lock (and job) */
    virDomainObjList *domains;
    /* ROOT/lib/qemu/domains.lock: guards the root's domain state on disk:
     * ROOT/lib/qemu/domains/ (definitions), ROOT/run/qemu/ (status files,
     * pidfiles, start and migration records), ROOT/run/hostdev/ (who holds
     * a host device, from its take until the holder's status names it),
     * next-id; and, in memory, which objects the list holds (added and
     * removed only under it) and @poolsReconciled. Held briefly: never
     * across a wait on QEMU or an API call. */
    virRootLock *rootLock;
    GMutex capsLock;            /* guards @capsCache and @capsRetired */
    GHashTable *capsCache;      /* emulator path -> virQEMUCaps */
    GPtrArray *capsRetired;     /* replaced entries: borrowed by callers */
    /* guards @peerConns: connections of peer-to-peer migrations kept for
     * the next one (qemu_migration_peerconn.h); never held across a call */
    GMutex peerConnsLock;
    GHashTable *peerConns;      /* destination URI -> kept connection */
    virNetworkDriverState *network;  /* the root's networks (VF pools) */
    gint poolsReconciled;       /* VFs of dead domains given back once (atomic) */
    gint migrationsDriven;      /* migrations a connection drives phase by
                                 * phase (qemuDomainObjPrivate.migConn), atomic */
    /* the root's generation when ROOT/run was last looked at for records of
     * migrations, and whether it held none: records are only made under
     * the root's lock, which moves the generation, so until it moves again
     * there is nothing to look for. Guarded by qemuDomainsRecovering
     * (qemu_driver.c) */
    guint64 migrationsGen;
    bool migrationsNone;
    virDomainEventState *domainEvents;  /* listeners, and the queue to them */
    GMutex domainEventsLock;    /* guards @domainEventsSeen; one diff at a time */
    GHashTable *domainEventsSeen;   /* what listeners were told (qemu_domain_events.c) */
    int domainEventsTimer;      /* the sync tick while listened to, or -1 (domainEventsLock) */
};

/* The root lock of @driver around a read or write of root state;
 * @changed: the state on disk changed, other processes re-read it. */
int qemuDriverLockRoot(virQEMUDriver *driver);
void qemuDriverUnlockRoot(virQEMUDriver *driver, bool changed);

/* Capabilities of @emulator (probed or from ROOT/cache), kept in memory and
 * revalidated against the binary. Borrowed: valid as long as the driver
 * (a replaced entry is kept until then). */
virQEMUCaps *virQEMUDriverGetCaps(virQEMUDriver *driver, const char *emulator);
