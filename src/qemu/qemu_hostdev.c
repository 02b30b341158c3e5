/*
 * qemu_hostdev.c: which run of which domain holds each host PCI device
 */
#include "internal.h"

#include "hypervisor/virhostdev_bind.h"
#include "hypervisor/virhostdev_owner.h"
#include "network/network_driver.h"
#include "qemu_domain.h"
#include "qemu_hostdev.h"
#include "qemu_process.h"
#include "virerror.h"
#include "virstring.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

#define QEMU_HOSTDEV_HOLDER_PREFIX "qemu/"
/* WHAT of a plain <hostdev> (interfaces use their MAC) */
#define QEMU_HOSTDEV_HOLDER_PLAIN "hostdev"

char *
qemuHostdevHolder(const virDomainDef *def, const virDomainNetDef *net)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    char mac[VIR_MAC_STRING_BUFLEN];

    return g_strdup_printf(QEMU_HOSTDEV_HOLDER_PREFIX "%s/%d/%s",
                           virUUIDFormat(def->uuid, uuid), def->id,
                           net ? virMacAddrFormat(&net->mac, mac) : QEMU_HOSTDEV_HOLDER_PLAIN);
}

void
qemuHostdevVFContext(virQEMUDriver *driver, virHostdevVFContext *ctx)
{
    ctx->backend = driver->config->vfConfigBackend;
    ctx->sysfsRoot = driver->config->sysfsRoot;
    ctx->stateDir = driver->config->hostdevStateDir;
}

static void
qemuHostdevBindContext(virQEMUDriver *driver, virHostdevBindContext *ctx)
{
    ctx->sysfsRoot = driver->config->sysfsRoot;
    ctx->devfsRoot = driver->config->devfsRoot;
    ctx->stateDir = driver->config->hostdevStateDir;
}

int
qemuHostdevPrepareVFIO(virQEMUDriver *driver, const virDomainHostdevDef *hostdev)
{
    virHostdevBindContext ctx;

    qemuHostdevBindContext(driver, &ctx);
    return virHostdevBindForGuest(&ctx, &hostdev->source, hostdev->managed);
}

void
qemuHostdevRestore(virQEMUDriver *driver, const virPCIDeviceAddress *dev)
{
    virHostdevVFContext ctx;
    virHostdevBindContext bctx;
    g_autofree char *addr = virPCIDeviceAddressAsString(dev);

    qemuHostdevVFContext(driver, &ctx);
    if (virHostdevVFRestore(&ctx, dev) < 0) {
        virReportWarning(_("cannot restore the MAC and VLAN of VF %s: %s"),
                         addr, virGetLastErrorMessage());
        virResetLastError();
    }
    qemuHostdevBindContext(driver, &bctx);
    if (virHostdevBindRestore(&bctx, dev) < 0) {
        virReportWarning(_("cannot give PCI device %s back to its host driver: %s"),
                         addr, virGetLastErrorMessage());
        virResetLastError();
    }
}

int
qemuHostdevTake(virQEMUDriver *driver, const virDomainDef *def,
                const virDomainHostdevDef *hostdev)
{
    g_autofree char *holder = qemuHostdevHolder(def, hostdev->parentnet);
    g_autoptr(virHostdevOwner) owner = virHostdevOwnerNew(holder, def->name, NULL);

    return virHostdevOwnerAcquire(driver->config->hostdevStateDir, &hostdev->source, owner);
}

int
qemuHostdevAcquire(virQEMUDriver *driver, const virDomainDef *def,
                   const virDomainHostdevDef *hostdev)
{
    if (qemuHostdevTake(driver, def, hostdev) < 0)
        return -1;
    if (qemuHostdevPrepareVFIO(driver, hostdev) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        qemuHostdevRelease(driver, def, hostdev);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

/* The error of a release (@source) or of a reconcile (NULL) as a
 * warning: both go on with the other devices. */
static void
qemuHostdevWarn(const virPCIDeviceAddress *source)
{
    g_autofree char *addr = source ? virPCIDeviceAddressAsString(source) : NULL;

    if (addr)
        virReportWarning(_("cannot release PCI device %s: %s"), addr,
                         virGetLastErrorMessage());
    else
        virReportWarning(_("cannot reconcile the host devices of domains: %s"),
                         virGetLastErrorMessage());
    virResetLastError();
}

void
qemuHostdevReleaseSource(virQEMUDriver *driver, const char *holder,
                         const virPCIDeviceAddress *source)
{
    const char *dir = driver->config->hostdevStateDir;
    g_autoptr(virHostdevOwner) current = NULL;
    int rc;

    if ((rc = virHostdevOwnerGet(dir, source, &current)) < 0) {
        qemuHostdevWarn(source);
        return;
    }
    /* somebody else's by now: neither its settings nor its record are ours */
    if (rc > 0 && STRNEQ(current->holder, holder))
        return;
    /* settings and driver first: until the record goes nobody else can
     * take the device */
    qemuHostdevRestore(driver, source);
    if (rc > 0 && virHostdevOwnerRelease(dir, source, holder) < 0)
        qemuHostdevWarn(source);
}

void
qemuHostdevRelease(virQEMUDriver *driver, const virDomainDef *def,
                   const virDomainHostdevDef *hostdev)
{
    g_autofree char *holder = qemuHostdevHolder(def, hostdev->parentnet);

    qemuHostdevReleaseSource(driver, holder, &hostdev->source);
}

int
qemuHostdevTakeAll(virQEMUDriver *driver, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (def->hostdevs[i]->parentnet)
            continue;
        if (qemuHostdevTake(driver, def, def->hostdevs[i]) < 0) {
            virErrorPtr saved;

            virErrorPreserveLast(&saved);
            while (i-- > 0) {
                if (!def->hostdevs[i]->parentnet)
                    qemuHostdevRelease(driver, def, def->hostdevs[i]);
            }
            virErrorRestore(&saved);
            return -1;
        }
    }
    return 0;
}

int
qemuHostdevPrepareVFIOAll(virQEMUDriver *driver, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (!def->hostdevs[i]->parentnet &&
            qemuHostdevPrepareVFIO(driver, def->hostdevs[i]) < 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reconcile                                                            */
/* ------------------------------------------------------------------ */

bool
qemuHostdevHolderAlive(virQEMUDriver *driver, const char *holder,
                       const virPCIDeviceAddress *dev)
{
    g_auto(GStrv) parts = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    virMacAddr mac;
    bool plain;
    int id;
    virDomainObj *obj;
    g_autofree char *name = NULL;
    virProcessIdentity nodedev;
    size_t i;

    /* a node device detach or reattach: its process, by pid and start
     * time (a pid alone may name another process by now) */
    if (virHostdevOwnerIsNodeDev(holder, &nodedev))
        return virProcessIdentityIsAlive(&nodedev);
    if (!g_str_has_prefix(holder, QEMU_HOSTDEV_HOLDER_PREFIX))
        return true;
    parts = g_strsplit(holder + strlen(QEMU_HOSTDEV_HOLDER_PREFIX), "/", 3);
    if (g_strv_length(parts) != 3 ||
        virUUIDParse(parts[0], uuid) < 0 ||
        virStrToLong_i(parts[1], NULL, 10, &id) < 0 ||
        (!(plain = STREQ(parts[2], QEMU_HOSTDEV_HOLDER_PLAIN)) &&
         virMacAddrParse(parts[2], &mac) < 0)) {
        virResetLastError();
        return true;
    }
    if ((obj = virDomainObjListFindByUUID(driver->domains, uuid))) {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        name = g_strdup(obj->def->name);
        if (virDomainObjIsActive(obj) && obj->def->id == id && qemuProcessIsRunning(obj)) {
            for (i = 0; i < obj->def->nhostdevs; i++) {
                virDomainHostdevDef *h = obj->def->hostdevs[i];

                if (!virPCIDeviceAddressEqual(&h->source, dev))
                    continue;
                if (plain ? !h->parentnet :
                            h->parentnet && virMacAddrCompare(&h->parentnet->mac, &mac) == 0)
                    return true;
            }
        }
    }
    /* not (yet, or any more) in the domain's status: a start, hot-plug
     * or stop of the domain under way holds its job lock (a start that
     * is not in our list is known by its start record) */
    if (!name)
        name = qemuProcessFindStarting(driver, uuid);
    return name && qemuDomainJobLockHeld(driver->config->stateDir, name);
}

/* networkReconcileVFs: a pool allocation whose holder is gone (it died
 * before it recorded the VF anywhere else) gets the VF's settings back
 * before the VF returns to the pool. */
static bool
qemuHostdevPoolOwnerAlive(const char *owner, const virPCIDeviceAddress *vf, void *opaque)
{
    virQEMUDriver *driver = opaque;

    if (qemuHostdevHolderAlive(driver, owner, vf))
        return true;
    qemuHostdevReleaseSource(driver, owner, vf);
    return false;
}

/* Devices of running domains that have no record get one. */
static void
qemuHostdevAdoptRunning(virQEMUDriver *driver)
{
    g_autoptr(GPtrArray) running = virDomainObjListCollectActive(driver->domains);
    size_t i, j;

    for (i = 0; i < running->len; i++) {
        virDomainObj *obj = g_ptr_array_index(running, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        if (!virDomainObjIsActive(obj) || !qemuProcessIsRunning(obj))
            continue;
        for (j = 0; j < obj->def->nhostdevs; j++) {
            virDomainHostdevDef *h = obj->def->hostdevs[j];
            virDomainNetDef *net = h->parentnet;
            g_autofree char *holder = qemuHostdevHolder(obj->def, net);
            g_autoptr(virHostdevOwner) owner =
                virHostdevOwnerNew(holder, obj->def->name,
                                   net && net->type == VIR_DOMAIN_NET_TYPE_NETWORK ?
                                   net->data.network.name : NULL);
            g_autoptr(virHostdevOwner) current = NULL;
            int rc = virHostdevOwnerGet(driver->config->hostdevStateDir, &h->source, &current);

            if (rc == 0)
                rc = virHostdevOwnerTryAcquire(driver->config->hostdevStateDir, &h->source,
                                               owner, &current);
            if (rc < 0) {
                qemuHostdevWarn(&h->source);
            } else if (current && STRNEQ(current->holder, holder) &&
                       virHostdevOwnerIsNodeDev(current->holder, NULL)) {
                g_autofree char *addr = virPCIDeviceAddressAsString(&h->source);

                virReportWarning(_("PCI device %s is used by domain '%s' and is being moved between host drivers by a node device detach or reattach; stop '%s' and reattach the device"),
                                 addr, obj->def->name, obj->def->name);
            } else if (current && STRNEQ(current->holder, holder)) {
                g_autofree char *addr = virPCIDeviceAddressAsString(&h->source);

                virReportWarning(_("PCI device %s is used by domain '%s' and recorded as held by domain '%s' (both started by an older version?); stop one of them"),
                                 addr, obj->def->name, current->domain);
            }
        }
    }
}

/* A record whose holder is gone: the VF gets its settings back, a pool
 * VF goes back to its pool with the record. */
static void
qemuHostdevReconcileRecord(virQEMUDriver *driver, const virPCIDeviceAddress *dev)
{
    const char *dir = driver->config->hostdevStateDir;
    g_autoptr(virHostdevOwner) owner = NULL;

    if (virHostdevOwnerGet(dir, dev, &owner) <= 0) {
        /* unreadable: left for the operator, whom the warning tells */
        qemuHostdevWarn(dev);
        return;
    }
    if (qemuHostdevHolderAlive(driver, owner->holder, dev))
        return;
    /* a node device detach or reattach saved no settings and leaves the
     * device on whichever driver it got to: only its record goes */
    if (virHostdevOwnerIsNodeDev(owner->holder, NULL)) {
        if (virHostdevOwnerRelease(dir, dev, owner->holder) < 0)
            qemuHostdevWarn(dev);
        return;
    }
    qemuHostdevRestore(driver, dev);
    if ((owner->network ?
         networkReleaseVF(driver->network, owner->network, owner->holder, dev) :
         virHostdevOwnerRelease(dir, dev, owner->holder)) < 0)
        qemuHostdevWarn(dev);
}

/* Saved settings (MAC and VLAN, host driver) of a device nobody holds
 * are put back: a process died between taking them and recording the
 * device, or between giving the record up and them back. */
static void
qemuHostdevReconcileSaved(virQEMUDriver *driver, const virPCIDeviceAddress *dev)
{
    g_autoptr(virHostdevOwner) owner = NULL;
    int rc = virHostdevOwnerGet(driver->config->hostdevStateDir, dev, &owner);

    if (rc < 0)
        virResetLastError();
    if (rc == 0)
        qemuHostdevRestore(driver, dev);
}

/* @fix each device that has a @suffix file in the state directory. */
static void
qemuHostdevReconcileEach(virQEMUDriver *driver, const char *suffix,
                         void (*fix)(virQEMUDriver *driver, const virPCIDeviceAddress *dev))
{
    g_autofree virPCIDeviceAddress *devs = NULL;
    size_t ndevs;
    size_t i;

    if (virHostdevStateList(driver->config->hostdevStateDir, suffix, &devs, &ndevs) < 0) {
        qemuHostdevWarn(NULL);
        return;
    }
    for (i = 0; i < ndevs; i++)
        fix(driver, &devs[i]);
}

int
qemuHostdevReconcile(virQEMUDriver *driver)
{
    qemuHostdevAdoptRunning(driver);
    qemuHostdevReconcileEach(driver, ".owner", qemuHostdevReconcileRecord);
    if (networkReconcileVFs(driver->network, qemuHostdevPoolOwnerAlive, driver) < 0)
        return -1;
    qemuHostdevReconcileEach(driver, ".vf", qemuHostdevReconcileSaved);
    qemuHostdevReconcileEach(driver, ".bind", qemuHostdevReconcileSaved);
    return 0;
}
