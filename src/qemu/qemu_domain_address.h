/*
 * qemu_domain_address.h: guest PCI addresses for QEMU domains
 *
 * Addresses are assigned when a domain is defined and stored in its
 * configuration, so the guest sees the same hardware on every start and
 * after every migration.
 *
 * q35: every PCI Express endpoint without an address gets its own
 * pcie-root-port on pcie.0 (slot 1 functions 0..7, then slot 2, ...), in
 * this order: network interfaces (except type='hostdev'), the USB
 * controller, virtio disks, host devices (including hostdev interfaces),
 * the memory balloon; then one spare root port is added for hotplug
 * (only when the definition had no PCI controller but the root, as
 * libvirt does).
 * Conventional PCI endpoints (e1000, rtl8139 and virtio-transitional
 * interfaces, UHCI and EHCI USB controllers) get slots 1, 2, ... of a
 * pcie-to-pci-bridge instead (EHCI on function 7), which is added, with a
 * root port for it, when none has a free slot. Controllers are placed
 * before endpoints, so an added bridge sits on the first free root port.
 * i440fx: endpoints get slots 2, 3, ... of pci.0 in the same order.
 */
#pragma once

#include "domain_conf.h"

/* Is @def's machine type q35 (PCI Express)? */
bool qemuDomainIsQ35(const virDomainDef *def);
bool qemuDomainIsI440FX(const virDomainDef *def);

int qemuDomainAssignAddresses(virDomainDef *def);

/* Find a free hot-pluggable slot for a new endpoint (hotplug): a q35 root
 * port with nothing on it (a pcie-to-pci-bridge slot for a conventional
 * PCI device), or a free pci.0 slot on i440fx. When none is
 * free and @allowAdd, a root port is added to @def (q35 only, and only for
 * the persistent config: a running guest cannot gain one). */
int qemuDomainFindHotplugSlot(virDomainDef *def, bool allowAdd,
                              virDomainDeviceInfo *info);
