/*
 * qemu_domain.h: QEMU specific defaults and checks of domain definitions
 */
#pragma once

#include "domain_conf.h"

/* What every QEMU guest has unless the XML says otherwise: the root PCI
 * controller, a USB controller, q35's built-in SATA controller, a virtio
 * memory balloon. */
int qemuDomainDefPostParse(virDomainDef *def);

/* Rules that hold for QEMU but not for every hypervisor. */
int qemuDomainDefValidate(const virDomainDef *def);

/* Parse a definition the way the QEMU driver stores it: generic parse,
 * QEMU defaults, guest addresses, then generic and QEMU validation. */
virDomainDef *qemuDomainDefParseString(const char *xml, unsigned int parseFlags);
