/*
 * qemu_command.h: the QEMU argv of a domain
 *
 * Input: a validated definition with addresses and aliases assigned, and
 * what the driver knows about the emulator and the host (qemuCommandOptions).
 * Output: argv (never passed through a shell). Device options are JSON
 * objects when the emulator accepts JSON -device, else QEMU's legacy
 * "driver,key=value" syntax with ',' in values doubled.
 */
#pragma once

#include "domain_conf.h"
#include "qemu_props.h"

typedef struct _qemuCommandOptions qemuCommandOptions;
struct _qemuCommandOptions {
    const char *emulator;       /* binary to run */
    const char *machine;        /* resolved machine type, e.g. pc-q35-7.2 */
    bool jsonDevice;            /* -device/-netdev/-object take JSON */
    bool failover;              /* emulator has virtio-net failover */
    int monitorFd;              /* listening QMP socket passed to QEMU, or -1 */
    const char *monitorPath;    /* used when monitorFd < 0 */
    const char *incomingURI;    /* -incoming, or NULL */
    /* an incoming migration over TLS: the directory of QEMU's
     * certificates (the server's, from migrate_tls_x509_cert_dir), given
     * to QEMU with its tls-creds-x509 object on the command line, as QEMU
     * accepts the connection before anyone could add it over QMP; NULL:
     * none */
    const char *incomingTLSDir;
    bool incomingTLSVerify;     /* and the client's certificate is checked */
    /* Present the VF of a hostdev (which must exist on a real host) as this
     * emulated NIC instead of vfio-pci: the simulated SR-IOV host of the
     * test suite and demos. NULL in production. */
    const char *simulateVFModel;
};

/* The environment QEMU runs with (NULL-terminated). */
extern const char *const qemuCommandEnv[];

/* The argv (argv[0] is the emulator), NULL-terminated. */
GStrv qemuBuildCommandLine(const virDomainDef *def, const qemuCommandOptions *opts);

/* The same as one string in the .args layout used by golden tests: the
 * environment, then one option and its value per line, lines joined with
 * " \\\n". */
char *qemuCommandLineToString(const char * const *argv);

/* The id of the tls-creds-x509 object of a migration, in either QEMU. */
#define QEMU_MIGRATION_TLS_ID "objlibvirt_migrate_tls0"
/* The source's (endpoint client), when a QEMU that came in by a migration
 * over TLS, whose server object has the id above, got it in advance for
 * its next migration out (qemu_migration.c). */
#define QEMU_MIGRATION_TLS_CLIENT_ID "objlibvirt_migrate_tls_client0"

/* The properties of QEMU's tls-creds-x509 object @id with the
 * certificates of @dir for @endpoint ("client" or "server"). */
qemuProps *qemuBuildTLSx509Props(const char *id, const char *dir, const char *endpoint,
                                 bool verifyPeer);

/* -device properties of one hostdev / NIC (for hotplug: QMP device_add
 * takes the same properties). */
qemuProps *qemuBuildHostdevDeviceProps(const virDomainDef *def,
                                       const virDomainHostdevDef *hostdev,
                                       const qemuCommandOptions *opts);
qemuProps *qemuBuildNicDeviceProps(const virDomainDef *def,
                                   const virDomainNetDef *net);
