/*
 * virsriovsim.h: the sysfs tree of a simulated SR-IOV host
 *
 * The one layout of a simulated host, made by virt-sriov-sim and by the
 * tests that need a host with PFs and VFs (tests link this library; shell
 * tests and testqemusim.h run the tool). Under SYS (a root's sim/sys):
 *
 *   devices/pci0000:00/PF/{sriov_totalvfs,sriov_numvfs}
 *   devices/pci0000:00/PF/net/NAME/operstate                      "up"
 *   devices/pci0000:00/PF/virtfnI -> ../VF
 *   devices/pci0000:00/VF/physfn -> ../PF
 *   devices/pci0000:00/VF/{sim_admin_mac,sim_admin_vlan}
 *   bus/pci/devices/ADDR -> ../../../devices/pci0000:00/ADDR
 *   class/net/NAME/device -> ../../../devices/pci0000:00/PF
 *   devices/virtual/dmi/id/product_uuid    the host's SMBIOS UUID (random,
 *                                          once: each simulated host its own)
 *
 * A PF on bus BB is 0000:BB:00.0 and its VF I is 0000:BB:SS.F with SS.F =
 * 07.1 + I (slot 7 function 1, then counting functions; from VF 199 on it
 * is the next bus, so a PF with that many VFs needs the next bus free).
 * sim_admin_mac and sim_admin_vlan hold what the "simulated" VF config
 * backend sets instead of the netlink VF MAC and VLAN; a VF starts with
 * MAC 02:00:BB:SS:0F:II (its address; II: I modulo 256) and VLAN 0.
 *
 * Functions return 0, or -1 with the error reported.
 */
#pragma once

#include "internal.h"

/* "0000:BB:SS.F" of VF @index of the PF on @bus. */
char *virSRIOVSimVFAddress(unsigned int bus, unsigned int index);

/* A PCI device directory for @addr with its bus/pci/devices link and, when
 * @physfn (a PF address) is given, its physfn link. */
int virSRIOVSimDevice(const char *sys, const char *addr, const char *physfn);

/* Write the admin MAC and VLAN of the device @addr. */
int virSRIOVSimSetAdmin(const char *sys, const char *addr, const char *mac,
                        const char *vlan);

/* The PF @name on @bus with @nvfs VFs enabled out of @totalvfs (>= @nvfs;
 * @nvfs may be 0: an SR-IOV capable PF without VFs). Idempotent: a VF
 * keeps its admin MAC and VLAN, virtfn links beyond @nvfs are removed. */
int virSRIOVSimPF(const char *sys, const char *name, unsigned int bus,
                  unsigned int nvfs, unsigned int totalvfs);

/* The simulated host's SMBIOS UUID, made once (kept when it exists). */
int virSRIOVSimHostUUID(const char *sys);

/* Set KEY = "VALUE" in the libvirt-style configuration file @path (created
 * 0600 if missing), keeping every other line. */
int virSRIOVSimSetConfKey(const char *path, const char *key, const char *value);
