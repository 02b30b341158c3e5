/*
 * qemu_alias.h: device ids of a running QEMU domain
 *
 * User aliases (ua-...) are kept; every other device gets the id libvirt
 * would give it: pci.N / pcie.0, usb, ide, virtio-diskN, sataC-B-U, netN,
 * hostdevN, serialN, consoleN, balloon0.
 */
#pragma once

#include "domain_conf.h"

int qemuAssignDeviceAliases(virDomainDef *def);

/* The id of a NIC's -netdev backend: "host" + alias. */
char *qemuAliasNetdevFromNet(const virDomainNetDef *net);
