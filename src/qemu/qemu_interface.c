/*
 * qemu_interface.c: the host side of a domain's network interfaces
 */
#include "internal.h"

#include "domain_validate.h"
#include "network/network_driver.h"
#include "qemu_hostdev.h"
#include "qemu_interface.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

void
qemuInterfaceReturnVF(virQEMUDriver *driver, const char *netname, const char *owner,
                      const virPCIDeviceAddress *vf, const virMacAddr *mac)
{
    int rc;

    /* the root's lock is held: nobody takes the VF between these two */
    rc = networkReleaseVF(driver->network, netname, owner, vf);
    if (rc < 0) {
        char macstr[VIR_MAC_STRING_BUFLEN];

        virReportWarning(_("cannot return the VF of interface %s to network '%s': %s"),
                         virMacAddrFormat(mac, macstr), netname, virGetLastErrorMessage());
        virResetLastError();
    }
    if (rc > 0)
        qemuHostdevRestore(driver, vf);
    else if (rc < 0)
        /* the pool could not say: the record does (a VF somebody else
         * holds keeps its settings) */
        qemuHostdevReleaseSource(driver, owner, vf);
}

/* qemuInterfaceReturnVF for the pool VF of @net, which then no longer
 * records it. */
static void
qemuInterfaceReleaseVF(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    g_autofree char *owner = NULL;
    virPCIDeviceAddress vf;

    if (net->type != VIR_DOMAIN_NET_TYPE_NETWORK || !net->actual)
        return;
    owner = qemuHostdevHolder(def, net);
    vf = net->actual->hostdev.source;
    qemuInterfaceReturnVF(driver, net->data.network.name, owner, &vf, &net->mac);
    virDomainNetClearActual(def, net);
}

/* A VF of the pool of @net's network, recorded in @net. */
static int
qemuInterfaceAllocateVF(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    g_autofree char *owner = qemuHostdevHolder(def, net);
    virPCIDeviceAddress vf;
    bool managed = false;

    if (networkAllocateVF(driver->network, net->data.network.name, owner, def->name,
                          &vf, &managed) < 0)
        return -1;
    virDomainNetSetActualHostdev(def, net, &vf, managed);
    /* the pool may hold a VF this domain also uses as a fixed device */
    if (virDomainDefValidateHostdevSources(def) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        qemuInterfaceReleaseVF(driver, def, net);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
qemuInterfaceReserve(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    virDomainHostdevDef *vf;

    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK)
        return qemuInterfaceAllocateVF(driver, def, net);
    /* a VF named directly: nobody else may hold it (the pool recorded its
     * own VFs while it picked them) */
    if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV && (vf = virDomainNetGetActualHostdev(net)))
        return qemuHostdevTake(driver, def, vf);
    return 0;
}

int
qemuInterfaceSetup(virQEMUDriver *driver, virDomainNetDef *net)
{
    virHostdevVFContext ctx;
    virDomainHostdevDef *vf;

    if (!(vf = virDomainNetGetActualHostdev(net)))
        return 0;
    qemuHostdevVFContext(driver, &ctx);
    if (qemuHostdevPrepareVFIO(driver, vf) < 0 ||
        virHostdevVFConfigure(&ctx, &vf->source, &net->mac,
                              net->vlanSet ? (int)net->vlanTag : -1) < 0)
        return -1;
    return 0;
}

int
qemuInterfacePrepare(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    if (qemuInterfaceReserve(driver, def, net) < 0)
        return -1;
    if (qemuInterfaceSetup(driver, net) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        qemuInterfaceRelease(driver, def, net);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
qemuInterfaceReserveAll(virQEMUDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (qemuInterfaceReserve(driver, def, def->nets[i]) < 0) {
            virErrorPtr saved;

            virErrorPreserveLast(&saved);
            while (i-- > 0)
                qemuInterfaceRelease(driver, def, def->nets[i]);
            virErrorRestore(&saved);
            return -1;
        }
    }
    return 0;
}

int
qemuInterfaceSetupAll(virQEMUDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (qemuInterfaceSetup(driver, def->nets[i]) < 0)
            return -1;
    }
    return 0;
}

void
qemuInterfaceRelease(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    virDomainHostdevDef *vf;

    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK)
        qemuInterfaceReleaseVF(driver, def, net);
    else if ((vf = virDomainNetGetActualHostdev(net)))
        qemuHostdevRelease(driver, def, vf);
}

int
qemuInterfaceNetIsPool(void *opaque, const char *netname)
{
    virQEMUDriver *driver = opaque;
    int rc = networkIsHostdevPool(driver->network, netname, NULL);

    if (rc < 0 && virGetLastErrorCode() == VIR_ERR_NO_NETWORK) {
        /* defined before its network: a NIC, as for any other network */
        virResetLastError();
        return 0;
    }
    return rc;
}

int
qemuInterfacePreview(virQEMUDriver *driver, virDomainDef *def)
{
    g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];
        const char *netname;
        virPCIDeviceAddress vf;
        bool managed;
        guint skip;

        if (net->type != VIR_DOMAIN_NET_TYPE_NETWORK)
            continue;
        netname = net->data.network.name;
        /* two interfaces on one pool get two different VFs */
        skip = GPOINTER_TO_UINT(g_hash_table_lookup(taken, netname));
        if (networkPeekVF(driver->network, netname, skip, &vf, &managed) < 0)
            return -1;
        g_hash_table_insert(taken, (gpointer)netname, GUINT_TO_POINTER(skip + 1));
        virDomainNetSetActualHostdev(def, net, &vf, managed);
    }
    return 0;
}
