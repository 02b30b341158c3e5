/*
 * virnetdevvf.c: admin MAC and VLAN of an SR-IOV VF, through netlink
 */
#include "internal.h"

#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "virerror.h"
#include "virnetdevvf.h"

#define VIR_FROM_THIS VIR_FROM_NONE

virNetlinkMsg *
virNetDevVFBuildSetMessage(int ifindex, unsigned int vfindex,
                           const virMacAddr *mac, int vlan)
{
    struct ifinfomsg ifinfo = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
    g_autoptr(virNetlinkMsg) msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
    struct nlattr *list;
    struct nlattr *info;

    if (!msg)
        return NULL;
    if (nlmsg_append(msg, &ifinfo, sizeof(ifinfo), NLMSG_ALIGNTO) < 0 ||
        !(list = nla_nest_start(msg, IFLA_VFINFO_LIST)) ||
        !(info = nla_nest_start(msg, IFLA_VF_INFO)))
        return NULL;
    if (mac) {
        struct ifla_vf_mac vfmac = { .vf = vfindex };

        memcpy(vfmac.mac, mac->addr, VIR_MAC_BUFLEN);
        if (nla_put(msg, IFLA_VF_MAC, sizeof(vfmac), &vfmac) < 0)
            return NULL;
    }
    if (vlan >= 0) {
        struct ifla_vf_vlan vfvlan = { .vf = vfindex, .vlan = vlan, .qos = 0 };

        if (nla_put(msg, IFLA_VF_VLAN, sizeof(vfvlan), &vfvlan) < 0)
            return NULL;
    }
    nla_nest_end(msg, info);
    nla_nest_end(msg, list);
    return g_steal_pointer(&msg);
}

static int
virNetDevVFIfindex(const char *pfname)
{
    unsigned int idx = if_nametoindex(pfname);

    if (!idx)
        virReportSystemError(errno, _("cannot find the physical function '%s'"), pfname);
    return idx ? (int)idx : -1;
}

static virNetlinkSock *
virNetDevVFSocket(void)
{
    g_autoptr(virNetlinkSock) sock = nl_socket_alloc();

    if (!sock || nl_connect(sock, NETLINK_ROUTE) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR, "%s", _("cannot open a netlink socket"));
        return NULL;
    }
    return g_steal_pointer(&sock);
}

typedef struct {
    unsigned int vfindex;
    bool found;
    bool up;
    virMacAddr mac;
    int vlan;
} virNetDevVFGetData;

static int
virNetDevVFParseLink(struct nl_msg *msg, void *opaque)
{
    virNetDevVFGetData *data = opaque;
    struct nlmsghdr *hdr = nlmsg_hdr(msg);
    struct ifinfomsg *ifi = nlmsg_data(hdr);
    struct nlattr *tb[IFLA_MAX + 1];
    struct nlattr *vfinfo;
    int rem;

    if (hdr->nlmsg_type != RTM_NEWLINK ||
        nlmsg_parse(hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
        return NL_SKIP;
    data->up = ifi->ifi_flags & IFF_UP;
    if (!tb[IFLA_VFINFO_LIST])
        return NL_SKIP;
    nla_for_each_nested(vfinfo, tb[IFLA_VFINFO_LIST], rem) {
        struct nlattr *vf[IFLA_VF_MAX + 1];
        struct ifla_vf_mac *m;
        struct ifla_vf_vlan *v;

        if (nla_type(vfinfo) != IFLA_VF_INFO ||
            nla_parse_nested(vf, IFLA_VF_MAX, vfinfo, NULL) < 0 ||
            !vf[IFLA_VF_MAC] || !vf[IFLA_VF_VLAN])
            continue;
        m = nla_data(vf[IFLA_VF_MAC]);
        v = nla_data(vf[IFLA_VF_VLAN]);
        if (m->vf != data->vfindex)
            continue;
        memcpy(data->mac.addr, m->mac, VIR_MAC_BUFLEN);
        data->vlan = v->vlan;
        data->found = true;
    }
    return NL_OK;
}

/* What the kernel says of PF @pfname and its VF data->vfindex. */
static int
virNetDevVFQuery(const char *pfname, virNetDevVFGetData *data)
{
    struct ifinfomsg ifinfo = { .ifi_family = AF_UNSPEC };
    g_autoptr(virNetlinkSock) sock = NULL;
    g_autoptr(virNetlinkMsg) msg = NULL;
    int rc;

    if ((ifinfo.ifi_index = virNetDevVFIfindex(pfname)) < 0 || !(sock = virNetDevVFSocket()))
        return -1;
    if (!(msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST)) ||
        nlmsg_append(msg, &ifinfo, sizeof(ifinfo), NLMSG_ALIGNTO) < 0 ||
        nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_VF) < 0) {
        virReportOOMError();
        return -1;
    }
    nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, virNetDevVFParseLink, data);
    if ((rc = nl_send_auto(sock, msg)) < 0 || (rc = nl_recvmsgs_default(sock)) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot read the VFs of '%s': %s"), pfname, nl_geterror(rc));
        return -1;
    }
    if (!data->up) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("physical function '%s' is down: bring it up first (ip link set %s up)"),
                       pfname, pfname);
        return -1;
    }
    return 0;
}

int
virNetDevVFGetConfig(const char *pfname, unsigned int vfindex,
                     virMacAddr *mac, int *vlan)
{
    virNetDevVFGetData data = { .vfindex = vfindex };

    if (virNetDevVFQuery(pfname, &data) < 0)
        return -1;
    if (!data.found) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("'%s' reports no VF %u"), pfname, vfindex);
        return -1;
    }
    *mac = data.mac;
    *vlan = data.vlan;
    return 0;
}

int
virNetDevVFSetConfig(const char *pfname, unsigned int vfindex,
                     const virMacAddr *mac, int vlan)
{
    g_autoptr(virNetlinkSock) sock = NULL;
    g_autoptr(virNetlinkMsg) msg = NULL;
    int ifindex;
    int rc;

    if (vlan > 4095) {
        virReportError(VIR_ERR_INVALID_ARG, _("VLAN %d is out of range (0-4095)"), vlan);
        return -1;
    }
    {
        /* a VF of a PF that is down takes the setting on some drivers and
         * refuses it on others: refuse it here, the same everywhere */
        virNetDevVFGetData data = { .vfindex = vfindex };

        if (virNetDevVFQuery(pfname, &data) < 0)
            return -1;
    }
    if ((ifindex = virNetDevVFIfindex(pfname)) < 0 || !(sock = virNetDevVFSocket()))
        return -1;
    if (!(msg = virNetDevVFBuildSetMessage(ifindex, vfindex, mac, vlan))) {
        virReportOOMError();
        return -1;
    }
    if ((rc = nl_send_auto(sock, msg)) < 0 || (rc = nl_wait_for_ack(sock)) < 0) {
        virReportError(VIR_ERR_SYSTEM_ERROR,
                       _("cannot set MAC/VLAN of VF %u of '%s': %s"),
                       vfindex, pfname, nl_geterror(rc));
        return -1;
    }
    return 0;
}
