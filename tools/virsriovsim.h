/*
 * virsriovsim.h: the sysfs tree of a simulated SR-IOV host
 *
 * The one layout of a simulated host, made by virt-sriov-sim and by the
 * tests that need a host with PFs and VFs (tests link this library; shell
 * tests and testqemusim.h run the tool). A root's simulated host is
 * ROOT/sim: SYS = ROOT/sim/sys stands for /sys, DEV = ROOT/sim/dev for
 * /dev (DEV is always the directory "dev" next to SYS). Under SYS:
 *
 *   devices/pci0000:00/PF/{sriov_totalvfs,sriov_numvfs}
 *   devices/pci0000:00/PF/net/NAME/operstate                      "up"
 *   devices/pci0000:00/PF/virtfnI -> ../VF
 *   devices/pci0000:00/VF/physfn -> ../PF
 *   devices/pci0000:00/VF/{sim_admin_mac,sim_admin_vlan}
 *   devices/pci0000:00/ADDR/{vendor,device,class,subsystem_vendor,
 *                            subsystem_device}    "0x8086\n"... as the kernel
 *   devices/pci0000:00/ADDR/numa_node             "-1\n"
 *   devices/pci0000:00/ADDR/driver_override       "(null)\n" when unset, else
 *                                                 "DRIVER\n"
 *   devices/pci0000:00/ADDR/driver -> ../../../bus/pci/drivers/DRIVER
 *                                                 only while bound
 *   devices/pci0000:00/ADDR/iommu_group -> ../../../kernel/iommu_groups/N
 *   bus/pci/devices/ADDR -> ../../../devices/pci0000:00/ADDR
 *   bus/pci/drivers/DRIVER/{bind,unbind}          empty, write-only attributes
 *   bus/pci/drivers/DRIVER/ADDR -> ../../../../devices/pci0000:00/ADDR
 *                                                 for each bound device
 *   bus/pci/drivers_probe                         empty, write-only attribute
 *   kernel/iommu_groups/N/devices/ADDR -> ../../../../devices/pci0000:00/ADDR
 *   class/net/NAME/device -> ../../../devices/pci0000:00/PF
 *   devices/virtual/dmi/id/product_uuid    the host's SMBIOS UUID (random,
 *                                          once: each simulated host its own)
 *
 * and under DEV: vfio/vfio always, vfio/N (an empty regular file standing
 * for the character device) exactly while a device of IOMMU group N is
 * bound to vfio-pci.
 *
 * A PF on bus BB is 0000:BB:00.0 and its VF I is 0000:BB:SS.F with SS.F =
 * 07.1 + I (slot 7 function 1, then counting functions; from VF 199 on it
 * is the next bus, so a PF with that many VFs needs the next bus free).
 * sim_admin_mac and sim_admin_vlan hold what the "simulated" VF config
 * backend sets instead of the netlink VF MAC and VLAN; a VF starts with
 * MAC 02:00:BB:SS:0F:II (its address; II: I modulo 256) and VLAN 0.
 *
 * Devices and drivers: a PF is an Intel X710 (vendor 0x8086, device
 * 0x1572, class 0x020000) taken by i40e, a VF is 8086:154c taken by iavf,
 * a foreign device (virSRIOVSimForeign) is 8086:10d3 (82574L) taken by
 * e1000e, on bus f0 (0000:f0:SS.F, a bus no simulated PF or VF uses).
 * The drivers are i40e, iavf, e1000e, vfio-pci and pci-stub; vfio-pci
 * and pci-stub take a device only through its driver_override (as the
 * kernel without new_id, which is not simulated). subsystem_vendor is
 * 0x8086 and subsystem_device 0x0000 for all.
 *
 * IOMMU groups: each device is alone in group N = its routing ID in
 * decimal (bus * 256 + slot * 8 + function: 0000:03:07.1 is group 825),
 * so numbers are stable across runs, except a foreign device, which is
 * put in the group of the VF it was made for.
 *
 * A device made for the first time is bound to its native driver with
 * no driver_override; making it again (the tool run again, idempotent)
 * never changes its driver, override or group: a VF moved to vfio-pci
 * stays there.
 *
 * Writes have the kernel's effects only while a server runs
 * (virsriovsimserver.h, virt-sriov-sim --serve): it applies each write
 * to bind, unbind, driver_override and drivers_probe, as described
 * there. Without a server the tree is static. Functions of this library
 * (virSRIOVSimBind and virSRIOVSimUnbind included) change the tree
 * directly, with no server involved, to set up a test's initial state.
 *
 * Functions return 0, or -1 with the error reported.
 */
#pragma once

#include "internal.h"

/* "0000:BB:SS.F" of VF @index of the PF on @bus. */
char *virSRIOVSimVFAddress(unsigned int bus, unsigned int index);

/* A VF's PCI device directory for @addr (vendor, device... files, its
 * IOMMU group, bound to iavf when new) with its bus/pci/devices link and,
 * when @physfn (a PF address) is given, its physfn link. */
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

/* DEV of the tree SYS: the directory "dev" next to @sys (allocated). */
char *virSRIOVSimDevDir(const char *sys);

/* The bus (bus/pci/drivers/DRIVER/{bind,unbind}, bus/pci/drivers_probe,
 * kernel/iommu_groups) and DEV/vfio/vfio; made with any device,
 * idempotent. */
int virSRIOVSimBus(const char *sys);

/* The driver @addr is bound to (its driver link), or NULL when unbound
 * (or no such device); nothing is reported. */
char *virSRIOVSimDriverOf(const char *sys, const char *addr);

/* The driver_override of @addr, NULL when unset ("(null)" or empty). */
char *virSRIOVSimDriverOverride(const char *sys, const char *addr);

/* The driver whose ID table has @addr (from its vendor and device
 * files): "i40e", "iavf", "e1000e"; NULL for an unknown device. */
const char *virSRIOVSimNativeDriver(const char *sys, const char *addr);

/* The IOMMU group of @addr, or -1. */
int virSRIOVSimGroupOf(const char *sys, const char *addr);

/* Bind @addr to @driver directly (unbinding it first; no checks of
 * override or ID table), updating DEV/vfio/N: to set up a test. */
int virSRIOVSimBind(const char *sys, const char *addr, const char *driver);

/* Unbind @addr directly (nothing when unbound), updating DEV/vfio/N. */
int virSRIOVSimUnbind(const char *sys, const char *addr);

/* A foreign device (8086:10d3, on e1000e) in the IOMMU group of @vf: the
 * one already there, else a new one at the first free 0000:f0:SS.F.
 * Returns its address (allocated), or NULL. */
char *virSRIOVSimForeign(const char *sys, const char *vf);
