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

/* -device properties of one hostdev / NIC (for hotplug: QMP device_add
 * takes the same properties). */
qemuProps *qemuBuildHostdevDeviceProps(const virDomainDef *def,
                                       const virDomainHostdevDef *hostdev,
                                       const qemuCommandOptions *opts);
qemuProps *qemuBuildNicDeviceProps(const virDomainDef *def,
                                   const virDomainNetDef *net);
