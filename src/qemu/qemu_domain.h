/*
 * qemu_domain.h: QEMU specific defaults and checks of domain definitions
 */
#pragma once

#include "domain_conf.h"
#include "virdomainobjlist.h"

/* What the QEMU driver keeps about a running domain besides its live
 * definition; stored in its status XML. */
typedef struct _qemuDomainObjPrivate qemuDomainObjPrivate;
struct _qemuDomainObjPrivate {
    char *monitorPath;          /* QMP socket */
    char *emulator;             /* binary that runs it */
    bool simulatedVFs;          /* VFs presented as emulated NICs */
    gint64 statusMtime;         /* identity of the status file we read */
    guint64 statusIno;
};

qemuDomainObjPrivate *qemuDomainObjGetPrivate(virDomainObj *obj);

/* <domstatus state= reason= pid=>...<domain/></domstatus> */
char *qemuDomainObjFormatStatus(virDomainObj *obj);
/* Parse a status file into a new live definition and the object's state. */
int qemuDomainObjParseStatus(const char *xml, virDomainDef **def, int *state,
                             int *reason, pid_t *pid, qemuDomainObjPrivate *priv);

/* What every QEMU guest has unless the XML says otherwise: the root PCI
 * controller, a USB controller, q35's built-in SATA controller, a virtio
 * memory balloon. */
int qemuDomainDefPostParse(virDomainDef *def);

/* Rules that hold for QEMU but not for every hypervisor. */
int qemuDomainDefValidate(const virDomainDef *def);

/* Parse a definition the way the QEMU driver stores it: generic parse,
 * QEMU defaults, guest addresses, then generic and QEMU validation. */
virDomainDef *qemuDomainDefParseString(const char *xml, unsigned int parseFlags);
