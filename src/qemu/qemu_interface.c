/*
 * qemu_interface.c: the host side of a domain's network interfaces
 */
#include "internal.h"

#include "domain_validate.h"
#include "hypervisor/virhostdev_vf.h"
#include "network/network_driver.h"
#include "qemu_interface.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* Pool allocations of this driver are owned by "qemu/UUID/ID/MAC": the
 * domain, the run of it (its id: a restarted domain is another owner) and
 * the interface. */
#define QEMU_INTERFACE_OWNER_PREFIX "qemu/"

static char *
qemuInterfaceOwner(const virDomainDef *def, const virDomainNetDef *net)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    char mac[VIR_MAC_STRING_BUFLEN];

    return g_strdup_printf(QEMU_INTERFACE_OWNER_PREFIX "%s/%d/%s",
                           virUUIDFormat(def->uuid, uuid), def->id,
                           virMacAddrFormat(&net->mac, mac));
}

static void
qemuInterfaceVFContext(virQEMUDriver *driver, virHostdevVFContext *ctx)
{
    ctx->backend = driver->config->vfConfigBackend;
    ctx->sysfsRoot = driver->config->sysfsRoot;
    ctx->stateDir = driver->config->hostdevStateDir;
}

/* Put back the MAC and VLAN @vf had before a guest got it (a warning if
 * that fails: releasing goes on). */
static void
qemuInterfaceRestoreVF(virQEMUDriver *driver, const virPCIDeviceAddress *vf)
{
    virHostdevVFContext ctx;

    qemuInterfaceVFContext(driver, &ctx);
    if (virHostdevVFRestore(&ctx, vf) < 0) {
        g_autofree char *addr = virPCIDeviceAddressAsString(vf);

        virReportWarning(_("cannot restore the MAC and VLAN of VF %s: %s"),
                         addr, virGetLastErrorMessage());
        virResetLastError();
    }
}

/* Give the pool VF of @net back, if this run of the domain still holds
 * it; its MAC and VLAN are put back first. A VF that is free or somebody
 * else's by now (a repeated or stale release) is left alone. */
static void
qemuInterfaceReleaseVF(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    g_autofree char *owner = NULL;
    virPCIDeviceAddress vf;
    int rc;

    if (net->type != VIR_DOMAIN_NET_TYPE_NETWORK || !net->actual)
        return;
    owner = qemuInterfaceOwner(def, net);
    vf = net->actual->hostdev.source;
    /* the root's lock is held: nobody takes the VF between these two */
    rc = networkReleaseVF(driver->network, net->data.network.name, owner, &vf);
    if (rc < 0) {
        char mac[VIR_MAC_STRING_BUFLEN];

        virReportWarning(_("cannot return the VF of interface %s to network '%s': %s"),
                         virMacAddrFormat(&net->mac, mac),
                         net->data.network.name, virGetLastErrorMessage());
        virResetLastError();
    }
    if (rc != 0)
        qemuInterfaceRestoreVF(driver, &vf);
    virDomainNetClearActual(def, net);
}

/* A VF of the pool of @net's network, recorded in @net. */
static int
qemuInterfaceAllocateVF(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    g_autofree char *owner = qemuInterfaceOwner(def, net);
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
qemuInterfacePrepare(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    virHostdevVFContext ctx;
    virDomainHostdevDef *vf;

    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK &&
        qemuInterfaceAllocateVF(driver, def, net) < 0)
        return -1;
    if (!(vf = virDomainNetGetActualHostdev(net)))
        return 0;
    qemuInterfaceVFContext(driver, &ctx);
    if (virHostdevVFConfigure(&ctx, &vf->source, &net->mac,
                              net->vlanSet ? (int)net->vlanTag : -1) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        qemuInterfaceRelease(driver, def, net);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
qemuInterfacePrepareAll(virQEMUDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (qemuInterfacePrepare(driver, def, def->nets[i]) < 0) {
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

void
qemuInterfaceRelease(virQEMUDriver *driver, virDomainDef *def, virDomainNetDef *net)
{
    virDomainHostdevDef *vf;

    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK)
        qemuInterfaceReleaseVF(driver, def, net);
    else if ((vf = virDomainNetGetActualHostdev(net)))
        qemuInterfaceRestoreVF(driver, &vf->source);
}

void
qemuInterfaceReleaseAll(virQEMUDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++)
        qemuInterfaceRelease(driver, def, def->nets[i]);
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

static bool
qemuInterfaceOwnerRunning(virQEMUDriver *driver, const char *owner,
                          const virPCIDeviceAddress *vf)
{
    g_auto(GStrv) parts = NULL;
    gint64 id;
    unsigned char uuid[VIR_UUID_BUFLEN];
    virMacAddr mac;
    virDomainObj *obj;
    size_t i;

    if (!g_str_has_prefix(owner, QEMU_INTERFACE_OWNER_PREFIX))
        return true;   /* somebody else's */
    parts = g_strsplit(owner + strlen(QEMU_INTERFACE_OWNER_PREFIX), "/", 3);
    if (g_strv_length(parts) != 3 ||
        virUUIDParse(parts[0], uuid) < 0 ||
        !g_ascii_string_to_signed(parts[1], 10, G_MININT, G_MAXINT, &id, NULL) ||
        virMacAddrParse(parts[2], &mac) < 0) {
        virResetLastError();
        return true;   /* not ours to judge */
    }
    if (!(obj = virDomainObjListFindByUUID(driver->domains, uuid)) ||
        !virDomainObjIsActive(obj) || obj->def->id != id)
        return false;
    for (i = 0; i < obj->def->nnets; i++) {
        virDomainNetDef *net = obj->def->nets[i];

        if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK && net->actual &&
            virMacAddrCompare(&net->mac, &mac) == 0 &&
            virPCIDeviceAddressEqual(&net->actual->hostdev.source, vf))
            return true;
    }
    return false;
}

/* Is the interface named by pool owner @owner part of a running domain,
 * with VF @vf?
 * If not, VF @vf gets its own MAC and VLAN back before it returns to the
 * pool (its owner died before it could do that). */
static bool
qemuInterfaceOwnerAlive(const char *owner, const virPCIDeviceAddress *vf, void *opaque)
{
    virQEMUDriver *driver = opaque;

    if (qemuInterfaceOwnerRunning(driver, owner, vf))
        return true;
    qemuInterfaceRestoreVF(driver, vf);
    return false;
}

int
qemuInterfaceReconcilePools(virQEMUDriver *driver)
{
    return networkReconcileVFs(driver->network, qemuInterfaceOwnerAlive, driver);
}
