/*
 * virhostdev_vf.h: give a VF the guest's MAC and VLAN, and take them back
 *
 * Before a VF is handed to a guest its current admin MAC and VLAN are saved
 * in STATEDIR/PCIADDR.vf (once: a leftover file from an earlier crash
 * keeps the original values), then the guest's are set; on release the
 * saved values are put back and the file removed.
 *
 * Two backends do the setting: netlink (production) and "simulated", which
 * keeps the values in the simulated sysfs tree of virt-sriov-sim
 * (sim_admin_mac and sim_admin_vlan in the VF's directory).
 */
#pragma once

#include "internal.h"
#include "virenum.h"
#include "virmacaddr.h"
#include "virpci.h"

typedef enum {
    VIR_HOSTDEV_VF_BACKEND_NETLINK,
    VIR_HOSTDEV_VF_BACKEND_SIMULATED,

    VIR_HOSTDEV_VF_BACKEND_LAST
} virHostdevVFBackend;
VIR_ENUM_DECL(virHostdevVFBackend);

typedef struct _virHostdevVFContext virHostdevVFContext;
struct _virHostdevVFContext {
    int backend;                /* virHostdevVFBackend */
    const char *sysfsRoot;
    const char *stateDir;
};

/* @vlan: 0-4095, or -1 for none (cleared) */
int virHostdevVFConfigure(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                          const virMacAddr *mac, int vlan);
int virHostdevVFRestore(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf);

/* The admin MAC and VLAN a VF has now (tests, presentation). */
int virHostdevVFGetConfig(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                          virMacAddr *mac, int *vlan);
