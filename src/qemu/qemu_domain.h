/*
 * qemu_domain.h: QEMU specific defaults and checks of domain definitions
 */
#pragma once

#include "domain_conf.h"
#include "virdomainobjlist.h"
#include "qemu_capabilities.h"
#include "qemu_monitor.h"
#include "virprocess.h"

/* What the QEMU driver keeps about a running domain besides its live
 * definition; stored in its status XML. */
typedef struct _qemuDomainObjPrivate qemuDomainObjPrivate;
struct _qemuDomainObjPrivate {
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
     * destination prepares, and the error it found. */
    GThread *migCheck;
    virErrorPtr migCheckError;
    /* the guest was not running when perform started */
    bool migWasPaused;
    /* ROOT/run/qemu/NAME.joblock, locked from begin/prepare until
     * confirm/finish: whoever can take it knows the migrating process is
     * gone and recovers the job (qemu_migration.h) */
    int migJobLock;
    bool migJobLocked;
};

qemuDomainObjPrivate *qemuDomainObjGetPrivate(virDomainObj *obj);

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
