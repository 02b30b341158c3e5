/*
 * remote_daemon_config.h: virtqemud.conf
 *
 * libvirt's "key = value" format (src/util/virconf.h). Keys read, with
 * their defaults (docs/daemon.rst lists them for users):
 *
 *   unix_sock_dir        "ROOT/run" with --root, else "/var/run/libvirt"
 *   unix_sock_group      ""      group of both sockets (name or number)
 *   unix_sock_rw_perms   "0600"  mode of the read-write socket
 *   unix_sock_ro_perms   "0777"  mode of the read-only socket
 *   max_clients          5000
 *   max_workers          20
 *   prio_workers         5
 *   max_client_requests  5
 *   keepalive_interval   5       seconds; -1 turns the daemon's PINGs off
 *   keepalive_count      5
 *   log_level            3       1 debug, 2 info, 3 warning, 4 error
 *   log_outputs          "3:stderr"   "LEVEL:stderr", "LEVEL:file:PATH",
 *                                     "LEVEL:journald", space separated
 *   log_filters          ""      "LEVEL:WORD ...": messages containing WORD
 *                                logged from LEVEL on
 *   host_uuid            unset   the UUID naming this host to the others
 *                                (capabilities, migration cookies); not
 *                                16 times the same byte
 *   host_uuid_source     "smbios"  without host_uuid: "smbios" (the
 *                                firmware's, under qemu.conf sysfs_root;
 *                                random if unreadable) or "machine-id"
 *                                (/etc/machine-id, ROOT/etc/... with --root)
 *
 * TCP (only with --listen; protocol.md 5.1):
 *   listen_tls           1       TLS on tls_port
 *   listen_tcp           0       plain TCP on tcp_port (unencrypted)
 *   tls_port             "16514"
 *   tcp_port             "16509"
 *   listen_addr          unset   every address
 *   key_file, cert_file, ca_file, crl_file
 *                        unset   ROOT/etc/pki/libvirt/private/serverkey.pem,
 *                                ROOT/etc/pki/libvirt/servercert.pem,
 *                                ROOT/etc/pki/CA/cacert.pem, .../CA/cacrl.pem;
 *                                setting one of key, cert, ca needs all three
 *   tls_no_sanity_certificate 0  1: do not check our own certificate at start
 *   tls_no_verify_certificate 0  1: accept bad or missing client certs
 *   tls_allowed_dn_list  unset   globs a client DN must match
 *   tls_priority         "NORMAL"
 *
 * A key of libvirtd.conf that is not listed is ignored; a listed key with
 * a value of the wrong type or out of range is an error naming it.
 */
#pragma once

#include "internal.h"
#include "virenum.h"

typedef enum {
    REMOTE_DAEMON_HOST_UUID_SOURCE_SMBIOS,
    REMOTE_DAEMON_HOST_UUID_SOURCE_MACHINE_ID,
    REMOTE_DAEMON_HOST_UUID_SOURCE_LAST
} remoteDaemonHostUUIDSource;
VIR_ENUM_DECL(remoteDaemonHostUUIDSource);

typedef struct {
    char *unixSockDir;
    char *unixSockGroup;        /* NULL: the daemon's own group */
    unsigned int unixSockRWPerms;
    unsigned int unixSockROPerms;

    unsigned int maxClients;
    unsigned int maxWorkers;
    unsigned int prioWorkers;
    unsigned int maxClientRequests;
    int keepaliveInterval;
    unsigned int keepaliveCount;

    bool listenTLS;
    bool listenTCP;
    char *tlsPort;
    char *tcpPort;
    char *listenAddr;           /* NULL: every address */
    char *keyFile;              /* NULL: the default layout */
    char *certFile;
    char *caFile;
    char *crlFile;
    bool tlsNoSanity;
    bool tlsNoVerify;
    char **tlsAllowedDNs;       /* NULL: any */
    char *tlsPriority;

    int logLevel;
    char *logOutputs;
    char *logFilters;

    char *hostUUID;             /* NULL: from hostUUIDSource; else valid */
    remoteDaemonHostUUIDSource hostUUIDSource;
} remoteDaemonConfig;

/* The defaults; @sockdir is the default unix_sock_dir. */
remoteDaemonConfig *remoteDaemonConfigNew(const char *sockdir);
void remoteDaemonConfigFree(remoteDaemonConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(remoteDaemonConfig, remoteDaemonConfigFree);

/* Reads @path into @cfg. A missing file is fine when @mustExist is false
 * (the default file), an error otherwise (--config). */
int remoteDaemonConfigLoad(remoteDaemonConfig *cfg, const char *path, bool mustExist);

/* Reads the configuration text @content (@filename for messages). */
int remoteDaemonConfigLoadString(remoteDaemonConfig *cfg,
                                 const char *content,
                                 const char *filename);
