/*
 * qemu_migration_address.h: where an incoming migration listens, and the
 * URI its destination gives the source (libvirt's rules)
 *
 * Without a migrate_uri from the source, a port is taken from
 * migration_port_min..max and the source is told "tcp:HOST:PORT", HOST
 * being migration_host or else this host's name (refused when it is
 * localhost: the source could not reach it). A migrate_uri keeps its
 * form: "tcp://H" becomes "tcp://H:PORT", the older "tcp:H" becomes
 * "tcp:H:PORT", a port given is used as it is, "unix:/path" is a socket
 * path. QEMU listens on the listen_address of the source, else
 * migration_address, else on every address ("[::]" where the host has
 * IPv6, "0.0.0.0" otherwise), on the same port.
 */
#pragma once

#include "qemu_conf.h"

typedef struct {
    char *uri;              /* for the source (uri_out) */
    char *incoming;         /* for QEMU's -incoming */
    unsigned int port;      /* taken from the allocator, to give back with
                             * qemuMigrationAddressRelease; 0 for none */
} qemuMigrationAddress;

/* @migrateURI, @listenAddress: the source's parameters, or NULL;
 * @hostname: this host's name (for tests; NULL: gethostname). Fills
 * @addr; -1 with an error for a URI of another scheme, without a host or
 * with a bad port, a local hostname, or no free port. */
int qemuMigrationAddressPrepare(const virQEMUDriverConfig *cfg, const char *migrateURI,
                                const char *listenAddress, const char *hostname,
                                qemuMigrationAddress *addr);
/* Free what @addr holds and give its port back. */
void qemuMigrationAddressRelease(qemuMigrationAddress *addr);

/* A listening socket for @incoming (an address's "incoming":
 * "tcp:HOST:PORT" or "unix:PATH"), bound by the daemon before QEMU runs,
 * so that the source may connect while the destination's QEMU starts:
 * the connection waits in the socket's backlog until QEMU, given the
 * socket, accepts it. Returns the fd, or -1 with an error. */
int qemuMigrationAddressListen(const char *incoming);

/* What the source's QEMU is told to migrate to for the destination's
 * @uri: QEMU takes "tcp:HOST:PORT", so "tcp://HOST:PORT[/]" loses its
 * slashes; others are given as they are. */
char *qemuMigrationAddressForQEMU(const char *uri);
