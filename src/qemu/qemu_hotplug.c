/*
 * qemu_hotplug.c: attach and detach interfaces and host devices
 */
#include "internal.h"

#include "domain_validate.h"
#include "qemu_alias.h"
#include "qemu_command.h"
#include "qemu_domain.h"
#include "qemu_domain_address.h"
#include "qemu_hostdev.h"
#include "qemu_hotplug.h"
#include "qemu_interface.h"
#include "qemu_monitor_json.h"
#include "qemu_process.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* how long QEMU may take to confirm an unplug (the guest must agree) */
#define QEMU_HOTPLUG_UNPLUG_TIMEOUT_MS 10000

/* The device just added to @def by virDomainDefAddDevice. */
static virDomainDeviceInfo *
qemuHotplugAddedInfo(virDomainDef *def, int type)
{
    if (type == VIR_DOMAIN_DEVICE_NET)
        return &def->nets[def->nnets - 1]->info;
    return def->hostdevs[def->nhostdevs - 1]->info;
}

/* A copy of @def with the device of @xml added, checked like a define. */
static virDomainDef *
qemuHotplugPrepareCopy(virQEMUDriver *driver, virDomainDef *def, const char *xml,
                       unsigned int copyFlags, bool allowNewRootPort, int *type)
{
    g_autoptr(virDomainDef) copy = NULL;
    g_autoptr(virDomainDeviceDef) dev = NULL;
    virDomainDeviceInfo *info;

    if (!(dev = virDomainDeviceDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return NULL;
    *type = dev->type;
    if (!(copy = virDomainDefCopy(def, copyFlags)))
        return NULL;
    virDomainDefAddDevice(copy, dev);
    /* defaults (the shared MAC of a teaming pair) and every rule of define;
     * the NIC model, as at define, once the user's input is validated */
    if (virDomainDefPostParse(copy, 0) < 0 ||
        virDomainDefValidate(copy, 0) < 0 ||
        (*type == VIR_DOMAIN_DEVICE_NET &&
         qemuDomainNetDefPostParse(copy->nets[copy->nnets - 1],
                                   qemuInterfaceNetIsPool, driver) < 0) ||
        qemuDomainDefValidate(copy) < 0)
        return NULL;
    info = qemuHotplugAddedInfo(copy, *type);
    if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
        qemuDomainFindHotplugSlot(copy, allowNewRootPort, info) < 0)
        return NULL;
    return g_steal_pointer(&copy);
}

/* Save @copy as the persistent definition of @obj and make it so. */
static int
qemuHotplugReplacePersistent(virQEMUDriver *driver, virDomainObj *obj,
                             virDomainDef **copy)
{
    int ret = -1;

    if (qemuDriverLockRoot(driver) < 0)
        return -1;
    if (virDomainDefSaveConfig(driver->config->domainConfigDir, *copy) == 0) {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        virDomainObjSetPersistentDef(obj, copy);
        ret = 0;
    }
    qemuDriverUnlockRoot(driver, ret == 0);
    return ret;
}

int
qemuDomainAttachDeviceConfig(virQEMUDriver *driver, virDomainObj *obj, const char *xml)
{
    virDomainDef *persistent = virDomainObjGetPersistentDef(obj);
    g_autoptr(virDomainDef) copy = NULL;
    int type;

    if (!(copy = qemuHotplugPrepareCopy(driver, persistent, xml,
                                        VIR_DOMAIN_DEF_FORMAT_INACTIVE, true, &type)))
        return -1;
    return qemuHotplugReplacePersistent(driver, obj, &copy);
}

/* netdev_add of a user backend with id "host<alias>" */
static int
qemuHotplugAddNetdev(qemuMonitor *mon, const char *alias)
{
    g_autoptr(qemuProps) props = qemuPropsNew();

    qemuPropsAddString(props, "type", "user");
    qemuPropsAddStringf(props, "id", "host%s", alias);
    return qemuMonitorNetdevAdd(mon, props);
}

static void
qemuHotplugDelNetdev(qemuMonitor *mon, const char *alias)
{
    g_autofree char *id = g_strdup_printf("host%s", alias);

    if (qemuMonitorNetdevDel(mon, id) < 0)
        virResetLastError();
}

int
qemuDomainAttachDeviceLive(virQEMUDriver *driver, virDomainObj *obj, const char *xml)
{
    g_autoptr(virDomainDef) copy = NULL;
    g_autoptr(qemuProps) props = NULL;
    qemuCommandOptions opts;
    qemuMonitor *mon = NULL;
    virDomainDeviceInfo *info;
    virDomainNetDef *net = NULL;    /* the added interface, once prepared */
    virDomainHostdevDef *plain = NULL;  /* the added <hostdev>, once recorded */
    virDomainHostdevDef *vf;
    bool needNetdev;
    int type;
    int rc;
    int ret = -1;

    /* the job first: the copy then carries what QEMU reports now */
    if (!(mon = qemuProcessBeginJob(driver, obj)))
        return -1;
    if (!(copy = qemuHotplugPrepareCopy(driver, obj->def, xml,
                                        VIR_DOMAIN_DEF_FORMAT_STATUS, false, &type)) ||
        qemuProcessCommandOptions(driver, copy, &opts) < 0)
        goto endjob;
    info = qemuHotplugAddedInfo(copy, type);

    if (type == VIR_DOMAIN_DEVICE_NET) {
        virDomainNetDef *added = copy->nets[copy->nnets - 1];

        if (added->type != VIR_DOMAIN_NET_TYPE_USER &&
            added->type != VIR_DOMAIN_NET_TYPE_HOSTDEV &&
            added->type != VIR_DOMAIN_NET_TYPE_NETWORK) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("only user, hostdev and SR-IOV pool interfaces can be hot-plugged, not type '%s'"),
                           virDomainNetTypeToString(added->type));
            goto endjob;
        }
        /* a pool interface takes its VF here; a VF gets the guest's MAC
         * (its record names this run; the job lock, held until the status
         * names the device, tells reconciles that it is not left over) */
        if (qemuDriverLockRoot(driver) < 0)
            goto endjob;
        rc = qemuInterfacePrepare(driver, copy, added);
        qemuDriverUnlockRoot(driver, rc == 0);
        if (rc < 0)
            goto endjob;
        net = added;
        vf = virDomainNetGetActualHostdev(net);
    } else {
        vf = copy->hostdevs[copy->nhostdevs - 1];
        if (qemuDriverLockRoot(driver) < 0)
            goto endjob;
        rc = qemuHostdevAcquire(driver, copy, vf);
        qemuDriverUnlockRoot(driver, rc == 0);
        if (rc < 0)
            goto endjob;
        plain = vf;
    }

    if (vf) {
        /* a first vfio device pins the guest's memory */
        if (qemuProcessRaiseMemLock(obj, copy) < 0)
            goto endjob;
        props = qemuBuildHostdevDeviceProps(copy, vf, &opts);
        needNetdev = opts.simulateVFModel != NULL;
    } else {
        props = qemuBuildNicDeviceProps(copy, net);
        needNetdev = true;
    }
    if (!props)
        goto endjob;

    if (needNetdev && qemuHotplugAddNetdev(mon, info->alias) < 0)
        goto endjob;
    if (qemuMonitorDeviceAdd(mon, props) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (needNetdev)
            qemuHotplugDelNetdev(mon, info->alias);
        virErrorRestore(&saved);
        goto endjob;
    }
    if (net && qemuProcessSetLinkState(mon, net) < 0) {
        /* the device is there: leave it, but say the link could not be set */
        virReportWarning(_("interface '%s' was attached with its link up: %s"),
                         NULLSTR(net->info.alias), virGetLastErrorMessage());
        virResetLastError();
    }
    if (net && net->teaming && net->teaming->type == VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT) {
        /* a new standby has not negotiated until its guest driver says so */
        net->teaming->negotiated = VIR_DOMAIN_NET_TEAMING_NEGOTIATED_NO;
    }
    virDomainObjLock(obj);
    virDomainObjReplaceDef(obj, &copy);
    if (opts.simulateVFModel && vf)
        qemuDomainObjGetPrivate(obj)->simulatedVFs = true;
    virDomainObjUnlock(obj);
    net = NULL;
    plain = NULL;
    ret = 0;

 endjob:
    if (net || plain) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (qemuDriverLockRoot(driver) == 0) {
            if (net)
                qemuInterfaceRelease(driver, copy, net);
            else
                qemuHostdevRelease(driver, copy, plain);
            qemuDriverUnlockRoot(driver, true);
        }
        virErrorRestore(&saved);
    }
    qemuProcessEndJob(driver, obj, mon);
    return ret;
}

/* A standby whose primary is still attached cannot go: the guest would
 * keep a VF without its fallback (and QEMU a primary without a pair). */
static int
qemuHotplugCheckStandbyRemoval(virDomainDef *def, const virDomainNetDef *net)
{
    size_t i;

    if (!net->teaming || net->teaming->type != VIR_DOMAIN_NET_TEAMING_TYPE_PERSISTENT)
        return 0;
    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];
        virDomainNetTeamingInfo *t = h->parentnet ? h->parentnet->teaming : h->teaming;

        if (t && t->type == VIR_DOMAIN_NET_TEAMING_TYPE_TRANSIENT &&
            STREQ_NULLABLE(t->persistent, net->info.alias)) {
            g_autofree char *pci = NULL;

            /* the persistent definition has aliases only where the user
             * wrote them: the host device names the primary there */
            if (h->info->alias) {
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("standby '%s' still has its primary '%s' attached: detach the primary first"),
                               net->info.alias, h->info->alias);
            } else {
                pci = virPCIDeviceAddressAsString(&h->source);
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("standby '%s' still has its primary (host device %s) attached: detach the primary first"),
                               net->info.alias, pci);
            }
            return -1;
        }
    }
    return 0;
}

/* The interface or host device of @def whose alias is @alias (a host
 * device behind an interface goes with its interface). */
static ssize_t
qemuHotplugFindAlias(virDomainDef *def, const char *alias, bool *isNet)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (STREQ_NULLABLE(def->nets[i]->info.alias, alias)) {
            *isNet = true;
            return i;
        }
    }
    for (i = 0; i < def->nhostdevs; i++) {
        if (!def->hostdevs[i]->parentnet &&
            STREQ_NULLABLE(def->hostdevs[i]->info->alias, alias)) {
            *isNet = false;
            return i;
        }
    }
    virReportError(VIR_ERR_DEVICE_MISSING,
                   _("no device found with alias %s in domain '%s' (only interfaces and host devices can be detached)"),
                   alias, def->name);
    return -1;
}

/* Find the device of @xml (or with @alias) in @def: *isNet tells which
 * array @idx is in. */
static ssize_t
qemuHotplugFindDevice(virDomainDef *def, const char *xml, const char *alias, bool *isNet)
{
    g_autoptr(virDomainDeviceDef) dev = NULL;
    ssize_t idx;

    if (!xml) {
        if ((idx = qemuHotplugFindAlias(def, alias, isNet)) < 0)
            return -1;
    } else {
        if (!(dev = virDomainDeviceDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE)))
            return -1;
        *isNet = dev->type == VIR_DOMAIN_DEVICE_NET;
        if ((idx = virDomainDefFindDevice(def, dev)) < 0)
            return -1;
    }
    if (*isNet && qemuHotplugCheckStandbyRemoval(def, def->nets[idx]) < 0)
        return -1;
    return idx;
}

int
qemuDomainDetachDeviceConfig(virQEMUDriver *driver, virDomainObj *obj, const char *xml,
                             const char *alias)
{
    virDomainDef *persistent = virDomainObjGetPersistentDef(obj);
    g_autoptr(virDomainDef) copy = virDomainDefCopy(persistent, VIR_DOMAIN_DEF_FORMAT_INACTIVE);
    ssize_t idx;
    bool isNet;

    if (!copy || (idx = qemuHotplugFindDevice(copy, xml, alias, &isNet)) < 0)
        return -1;
    if (isNet)
        virDomainDefRemoveNet(copy, idx);
    else
        virDomainDefRemoveHostdev(copy, idx);
    return qemuHotplugReplacePersistent(driver, obj, &copy);
}

/* A failed save is a warning: the device is gone from QEMU either way. */
static void
qemuHotplugSaveStatus(virQEMUDriver *driver, virDomainObj *obj)
{
    if (qemuProcessSaveStatus(driver, obj) < 0) {
        virReportWarning(_("cannot save status of domain '%s': %s"),
                         obj->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

int
qemuDomainDetachDeviceLive(virQEMUDriver *driver, virDomainObj *obj, const char *xml,
                           const char *devAlias)
{
    qemuDomainObjPrivate *priv = qemuDomainObjGetPrivate(obj);
    g_autofree char *alias = NULL;
    qemuMonitorEventFilter deleted = { QEMU_MONITOR_EVENT_DEVICE_DELETED, NULL, 0 };
    g_autofree char *hint = NULL;
    qemuMonitor *mon;
    ssize_t idx;
    bool isNet;
    bool needNetdev;
    guint from;
    int ret = -1;

    if (!(mon = qemuProcessBeginJob(driver, obj)))
        return -1;
    if ((idx = qemuHotplugFindDevice(obj->def, xml, devAlias, &isNet)) < 0)
        goto endjob;
    if (isNet) {
        virDomainNetDef *net = obj->def->nets[idx];

        alias = g_strdup(net->info.alias);
        needNetdev = virDomainNetGetActualType(net) != VIR_DOMAIN_NET_TYPE_HOSTDEV ||
                     priv->simulatedVFs;
    } else {
        alias = g_strdup(obj->def->hostdevs[idx]->info->alias);
        needNetdev = priv->simulatedVFs;
    }
    /* taken before device_del: a guest that releases the device at once
     * has its event queued before the wait starts */
    from = qemuMonitorEventPosition(mon);
    if (qemuMonitorDeviceDel(mon, alias) < 0)
        goto endjob;
    deleted.device = alias;
    hint = g_strdup_printf(_("the guest did not release device '%s'; the request stays pending and the device will go when the guest agrees"),
                           alias);
    if (!qemuMonitorWaitEvent(mon, &from, &deleted, QEMU_HOTPLUG_UNPLUG_TIMEOUT_MS, hint)) {
        /* listeners hear that the guest did not let the device go (the
         * request stays pending: a later release is device-removed) */
        if (virGetLastErrorCode() == VIR_ERR_OPERATION_TIMEOUT)
            virDomainEventStateQueue(driver->domainEvents,
                                     virDomainEventDeviceNew(VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
                                                             obj->def->name, obj->def->uuid,
                                                             obj->def->id, alias));
        goto endjob;
    }
    if (needNetdev)
        qemuHotplugDelNetdev(mon, alias);
    /* the status stops naming the device before the device goes back: a
     * crash in between leaves a device that the next process reconciles,
     * never one recorded here and free for others */
    if (qemuDriverLockRoot(driver) < 0)
        goto endjob;
    if (isNet) {
        g_autoptr(virDomainNetDef) net = NULL;

        virDomainObjLock(obj);
        net = virDomainDefStealNet(obj->def, idx);
        virDomainObjUnlock(obj);
        qemuHotplugSaveStatus(driver, obj);
        qemuInterfaceRelease(driver, obj->def, net);
    } else {
        g_autofree char *holder = qemuHostdevHolder(obj->def, NULL);
        virPCIDeviceAddress source = obj->def->hostdevs[idx]->source;

        virDomainObjLock(obj);
        virDomainDefRemoveHostdev(obj->def, idx);
        virDomainObjUnlock(obj);
        qemuHotplugSaveStatus(driver, obj);
        qemuHostdevReleaseSource(driver, holder, &source);
    }
    qemuDriverUnlockRoot(driver, true);
    ret = 0;

 endjob:
    qemuProcessEndJob(driver, obj, mon);
    return ret;
}
