/*
 * virnetdevvf.h: admin MAC and VLAN of an SR-IOV VF, through netlink
 *
 * Set: RTM_SETLINK on the PF with IFLA_VFINFO_LIST > IFLA_VF_INFO >
 * IFLA_VF_MAC / IFLA_VF_VLAN. Get: RTM_GETLINK of the PF with
 * IFLA_EXT_MASK = RTEXT_FILTER_VF. The PF must be up.
 */
#pragma once

#include "internal.h"
#include "virmacaddr.h"
#include "virnetlink.h"

/* The RTM_SETLINK request for VF @vfindex of the link @ifindex (exposed
 * for tests of its encoding). @vlan < 0: leave the VLAN alone. */
virNetlinkMsg *virNetDevVFBuildSetMessage(int ifindex, unsigned int vfindex,
                                          const virMacAddr *mac, int vlan);

int virNetDevVFSetConfig(const char *pfname, unsigned int vfindex,
                         const virMacAddr *mac, int vlan);
int virNetDevVFGetConfig(const char *pfname, unsigned int vfindex,
                         virMacAddr *mac, int *vlan);
