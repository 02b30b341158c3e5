/*
 * qemu_migration_cookie.h: the cookie the two sides of a migration pass
 * each other with each phase (libvirt's "qemu-migration" XML)
 *
 * On the wire a cookie is the XML text and its terminating NUL, which the
 * length counts; an empty cookie is legal and means "nothing to say".
 * Every cookie names the domain (name, UUID) and the sending host
 * (hostname, host UUID); a receiver refuses a cookie of another domain
 * and one sent by its own host. <feature name='X'/> elements name what the
 * receiver must understand: an unknown one, or one the receiving phase
 * does not read, fails the phase. Unknown elements are ignored, so a
 * libvirt peer and we can talk.
 *
 * Of libvirt's optional elements we send and read only <capabilities>
 * (QEMU migration capabilities the sender supports) and <statistics>
 * (the completed job, for domjobinfo --completed on the destination).
 * Ours is <teaming>: one <pair> per failover pair of
 * the guest, with the aliases of its standby (persistent) and primary
 * (transient) devices, the VF pool the primary comes from, whether the
 * guest negotiated failover on the standby, and, from the destination, the
 * VF it reserved for the primary. Also ours is <embedded root='DIR'
 * process='UUID'/>, sent by a driver of qemu:///embed?root=DIR: a
 * receiver in the same process (the same random UUID, made once per
 * process) can reach that root directly, so the migration data may go
 * through a socket under the roots and a job interrupted by a crash can
 * be settled from either root (qemu_migration.h). Any other receiver
 * ignores it. Ours too is <daemon uri=''/>, sent by a destination's
 * prepare when its daemon listens on TCP (virdaemonuri.h): the URI of
 * that daemon, which a client-managed source asks where the guest is
 * when the migration's outcome is unknown there.
 */
#pragma once

#include "internal.h"
#include "virenum.h"

/* The features libvirt numbers, by their names in <feature name=''/>. */
typedef enum {
    QEMU_MIGRATION_COOKIE_GRAPHICS,
    QEMU_MIGRATION_COOKIE_LOCKSTATE,
    QEMU_MIGRATION_COOKIE_PERSISTENT,
    QEMU_MIGRATION_COOKIE_NETWORK,
    QEMU_MIGRATION_COOKIE_NBD,
    QEMU_MIGRATION_COOKIE_STATS,
    QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG,
    QEMU_MIGRATION_COOKIE_CPU_HOTPLUG,
    QEMU_MIGRATION_COOKIE_CPU,
    QEMU_MIGRATION_COOKIE_ALLOW_REBOOT,
    QEMU_MIGRATION_COOKIE_CAPS,
    QEMU_MIGRATION_COOKIE_BLOCK_DIRTY_BITMAPS,

    QEMU_MIGRATION_COOKIE_FEATURE_LAST
} qemuMigrationCookieFeature;
VIR_ENUM_DECL(qemuMigrationCookieFeature);

typedef struct {
    char *name;
    bool automatic;         /* auto='yes': the sender turns it on itself */
} qemuMigrationCookieCap;

typedef struct {
    char *standby;          /* alias of the persistent virtio-net device */
    char *primary;          /* alias of the transient hostdev (the VF) */
    char *network;          /* the VF pool of the primary, or NULL */
    bool negotiated;        /* the guest's driver negotiated failover */
    char *vf;               /* PCI address of the VF the receiver reserved,
                             * or NULL (only the destination says) */
} qemuMigrationCookieTeamingPair;

/* The completed job: names and values of the <statistics> children, in
 * the order they came (integers; <delta>, a difference of the two hosts'
 * clocks, may be negative). */
typedef struct {
    char *name;
    long long value;
} qemuMigrationCookieStat;

typedef struct _qemuMigrationCookie qemuMigrationCookie;
struct _qemuMigrationCookie {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *hostname;
    unsigned char hostuuid[VIR_UUID_BUFLEN];
    unsigned int mandatory;             /* 1 << qemuMigrationCookieFeature */
    GArray *caps;                       /* qemuMigrationCookieCap, or NULL */
    GArray *stats;                      /* qemuMigrationCookieStat, or NULL */
    GArray *teaming;                    /* qemuMigrationCookieTeamingPair, or NULL */
    char *embedRoot;                    /* <embedded root=''>, or NULL */
    char *embedProcess;                 /* <embedded process=''>, or NULL */
    char *daemonURI;                    /* <daemon uri=''>, or NULL */
};

qemuMigrationCookie *qemuMigrationCookieNew(const char *name, const unsigned char *uuid,
                                            const char *hostname,
                                            const unsigned char *hostuuid);
void qemuMigrationCookieFree(qemuMigrationCookie *cookie);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationCookie, qemuMigrationCookieFree);

void qemuMigrationCookieAddCap(qemuMigrationCookie *cookie, const char *name,
                               bool automatic);
void qemuMigrationCookieAddStat(qemuMigrationCookie *cookie, const char *name,
                                long long value);
/* Copies the strings; @network and @vf may be NULL. */
void qemuMigrationCookieAddTeamingPair(qemuMigrationCookie *cookie, const char *standby,
                                       const char *primary, const char *network,
                                       bool negotiated, const char *vf);

/* Copies the strings. */
void qemuMigrationCookieSetEmbedded(qemuMigrationCookie *cookie, const char *root,
                                    const char *process);
/* Copies the string. */
void qemuMigrationCookieSetDaemon(qemuMigrationCookie *cookie, const char *uri);

/* The wire form: the XML and its NUL; *@len counts the NUL. */
char *qemuMigrationCookieFormat(const qemuMigrationCookie *cookie, size_t *len);

/* Read a cookie received for the domain @name / @uuid by the host
 * @localHostUUID, in a phase that reads the features in @readable (a mask
 * of 1 << qemuMigrationCookieFeature). Returns the cookie; NULL with
 * *@empty set for an empty one (not an error); NULL with an error
 * reported for a cookie that is not NUL-terminated, not XML, lacks a
 * required element, is of another domain, comes from this host, or names
 * a mandatory feature this phase does not read. */
qemuMigrationCookie *qemuMigrationCookieParse(const char *data, size_t len,
                                              const char *name,
                                              const unsigned char *uuid,
                                              const unsigned char *localHostUUID,
                                              unsigned int readable,
                                              bool *empty);
