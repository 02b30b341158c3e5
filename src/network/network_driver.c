/*
 * network_driver.c: the embedded network driver (qemu:///embed?root=DIR)
 *
 * See network_driver.h for the layout on disk. In memory, a driver state
 * per root holds the networks (persistent config and/or live definition)
 * and, for each active hostdev network, its VF pool. Every operation runs
 * with the root's lock held (virrootlock.h: an owning thread in this
 * process, a flock between processes), and first re-reads the root if
 * another process changed it.
 */
#include "internal.h"

#include <sys/stat.h>

#include "datatypes.h"
#include "driver.h"
#include "hypervisor/virautostart.h"
#include "hypervisor/virhostdev_owner.h"
#include "network_conf.h"
#include "network_driver.h"
#include "network_vfpool.h"
#include "virconf.h"
#include "virerror.h"
#include "virfile.h"
#include "virrootlock.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NETWORK

typedef struct _networkObj networkObj;
struct _networkObj {
    virNetworkDef *config;      /* persistent definition, NULL if transient */
    virNetworkDef *live;        /* live definition, NULL if inactive */
    bool autostart;
    virNetworkVFPool *pool;     /* active hostdev networks */
};

struct _virNetworkDriverState {
    char *root;
    char *configDir;            /* ROOT/lib/network */
    char *autostartDir;         /* ROOT/etc/network/autostart */
    char *stateDir;             /* ROOT/run/network */
    char *poolDir;              /* ROOT/run/network/vfpool */
    char *lockFile;             /* ROOT/lib/network.lock */
    char *hostdevDir;           /* ROOT/run/hostdev: who holds each device */
    char *sysfsRoot;
    /* ROOT/lib/network.lock: guards everything below, in memory and on
     * disk (definitions, live status, pool ledgers), between the threads
     * of this process and between processes; held for one operation
     * (never across a wait on a guest). Taken after domains.lock when a
     * QEMU driver calls in with it held, never before it. */
    virRootLock *rootLock;
    GHashTable *nets;           /* name -> networkObj */
};

/* Network driver states by root directory. */
static virRootRegistry networkDrivers = VIR_ROOT_REGISTRY_INIT;

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

static void
networkObjFree(networkObj *obj)
{
    if (!obj)
        return;
    virNetworkDefFree(obj->config);
    virNetworkDefFree(obj->live);
    virNetworkVFPoolFree(obj->pool);
    g_free(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(networkObj, networkObjFree);

static const virNetworkDef *
networkObjDef(const networkObj *obj)
{
    return obj->live ? obj->live : obj->config;
}

static networkObj *
networkFindByName(virNetworkDriverState *driver, const char *name)
{
    return g_hash_table_lookup(driver->nets, name);
}

/* As networkFindByName, with an error when there is no such network. */
static networkObj *
networkObjFromName(virNetworkDriverState *driver, const char *name)
{
    networkObj *obj = networkFindByName(driver, name);

    if (!obj)
        virReportError(VIR_ERR_NO_NETWORK,
                       _("no network with matching name '%s'"), name);
    return obj;
}

static networkObj *
networkFindByUUID(virNetworkDriverState *driver, const unsigned char *uuid)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, driver->nets);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        networkObj *obj = value;

        if (memcmp(networkObjDef(obj)->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

static char *
networkConfigPath(virNetworkDriverState *driver, const char *name)
{
    return g_strdup_printf("%s/%s.xml", driver->configDir, name);
}

static char *
networkAutostartPath(virNetworkDriverState *driver, const char *name)
{
    return g_strdup_printf("%s/%s.xml", driver->autostartDir, name);
}

static char *
networkStatusPath(virNetworkDriverState *driver, const char *name)
{
    return g_strdup_printf("%s/%s.xml", driver->stateDir, name);
}

virNetworkDriverPaths *
networkDriverPathsNew(const char *root)
{
    virNetworkDriverPaths *paths = g_new0(virNetworkDriverPaths, 1);

    paths->configDir = g_build_filename(root, "lib", "network", NULL);
    paths->autostartDir = g_build_filename(root, "etc", "network", "autostart", NULL);
    paths->stateDir = g_build_filename(root, "run", "network", NULL);
    paths->poolDir = g_build_filename(paths->stateDir, "vfpool", NULL);
    paths->lockFile = g_build_filename(root, "lib", "network.lock", NULL);
    return paths;
}

void
networkDriverPathsFree(virNetworkDriverPaths *paths)
{
    if (!paths)
        return;
    g_free(paths->configDir);
    g_free(paths->autostartDir);
    g_free(paths->stateDir);
    g_free(paths->poolDir);
    g_free(paths->lockFile);
    g_free(paths);
}

char *
networkDriverPoolDir(const virNetworkDriverPaths *paths, const char *netname)
{
    return g_build_filename(paths->poolDir, netname, NULL);
}

static char *
networkPoolPath(virNetworkDriverState *driver, const char *name)
{
    return g_build_filename(driver->poolDir, name, NULL);
}

/* Remove the pool directory of @name and what it holds. */
static void
networkPoolStateRemove(virNetworkDriverState *driver, const char *name)
{
    g_autofree char *dir = networkPoolPath(driver, name);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    if (!d)
        return;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);

        unlink(path);
    }
    rmdir(dir);
}

static int
networkObjMakePool(virNetworkDriverState *driver, networkObj *obj)
{
    g_autofree char *dir = networkPoolPath(driver, obj->live->name);

    if (virFileMakePath(dir, 0700) < 0)
        return -1;
    if (!(obj->pool = virNetworkVFPoolNew(obj->live->name, dir, obj->live->addrs,
                                          obj->live->naddrs)))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Loading the root                                                    */
/* ------------------------------------------------------------------ */

/* Parse every NAME.xml of @dir, calling @cb for each. Broken files are
 * reported as warnings and skipped: one bad file must not hide the other
 * networks. */
static void
networkLoadDir(virNetworkDriverState *driver, const char *dir, unsigned int flags,
               void (*cb)(virNetworkDriverState *driver, virNetworkDef *def))
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    if (!d)
        return;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *name = NULL;
        virNetworkDef *def;

        if (ent[0] == '.' || !g_str_has_suffix(ent, ".xml"))
            continue;
        path = g_build_filename(dir, ent, NULL);
        name = g_strndup(ent, strlen(ent) - 4);
        if (!(def = virNetworkDefParseFile(path, flags))) {
            virReportWarning(_("ignoring network file '%s': %s"), path,
                             virGetLastErrorMessage());
            virResetLastError();
            continue;
        }
        if (STRNEQ(def->name, name)) {
            virReportWarning(_("ignoring network file '%s': it defines network '%s'; rename it to %s.xml"),
                             path, def->name, def->name);
            virNetworkDefFree(def);
            continue;
        }
        cb(driver, def);
    }
}

static void
networkLoadConfig(virNetworkDriverState *driver, virNetworkDef *def)
{
    networkObj *obj = g_new0(networkObj, 1);
    g_autofree char *link = networkAutostartPath(driver, def->name);

    obj->config = def;
    obj->autostart = virFileExists(link);
    g_hash_table_replace(driver->nets, g_strdup(def->name), obj);
}

static void
networkLoadStatus(virNetworkDriverState *driver, virNetworkDef *def)
{
    networkObj *obj = networkFindByName(driver, def->name);

    if (!obj) {
        obj = g_new0(networkObj, 1);
        g_hash_table_replace(driver->nets, g_strdup(def->name), obj);
    }
    obj->live = def;
    if (def->forwardType == VIR_NETWORK_FORWARD_HOSTDEV &&
        networkObjMakePool(driver, obj) < 0) {
        virReportWarning(_("network '%s': cannot restore its VF pool: %s"),
                         def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

/* Bring the in-memory view up to date with the root. Lock held. */
static void
networkSync(virNetworkDriverState *driver)
{
    if (!virRootLockIsStale(driver->rootLock))
        return;
    g_hash_table_remove_all(driver->nets);
    networkLoadDir(driver, driver->configDir, 0, networkLoadConfig);
    networkLoadDir(driver, driver->stateDir, VIR_NETWORK_DEF_PARSE_STATUS,
                   networkLoadStatus);
    virRootLockSynced(driver->rootLock);
}

/* Enter/leave an operation: process mutex, root flock, fresh view. */
static int
networkBegin(virNetworkDriverState *driver)
{
    if (virRootLockAcquire(driver->rootLock) < 0)
        return -1;
    networkSync(driver);
    return 0;
}

/* @changed: this operation modified the root; tell other processes. */
static void
networkEnd(virNetworkDriverState *driver, bool changed)
{
    if (changed)
        virRootLockChanged(driver->rootLock);
    virRootLockRelease(driver->rootLock);
}

/* The active pool of @netname. Lock held. */
static networkObj *
networkPoolLookup(virNetworkDriverState *driver, const char *netname)
{
    networkObj *obj = networkObjFromName(driver, netname);

    if (!obj)
        return NULL;
    if (networkObjDef(obj)->forwardType != VIR_NETWORK_FORWARD_HOSTDEV) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("network '%s' is not an SR-IOV pool (forward mode '%s'); VFs come from <forward mode='hostdev'> networks"),
                       netname, virNetworkForwardTypeToString(networkObjDef(obj)->forwardType));
        return NULL;
    }
    if (!obj->live || !obj->pool) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' is not active; start it with 'virsh net-start %s'"),
                       netname, netname);
        return NULL;
    }
    return obj;
}

/* Enter an operation (networkBegin) on the network @netname, which with
 * @pool must be an active SR-IOV pool. NULL, with the error reported and
 * the operation left, when the root cannot be locked or there is no such
 * network. */
static networkObj *
networkBeginByName(virNetworkDriverState *driver, const char *netname, bool pool)
{
    networkObj *obj;

    if (networkBegin(driver) < 0)
        return NULL;
    obj = pool ? networkPoolLookup(driver, netname) : networkObjFromName(driver, netname);
    if (!obj)
        networkEnd(driver, false);
    return obj;
}

/* ------------------------------------------------------------------ */
/* Driver state                                                        */
/* ------------------------------------------------------------------ */

static void
networkDriverStateFree(virNetworkDriverState *driver)
{
    virRootLockFree(driver->rootLock);
    if (driver->nets)
        g_hash_table_unref(driver->nets);
    g_free(driver->root);
    g_free(driver->configDir);
    g_free(driver->autostartDir);
    g_free(driver->stateDir);
    g_free(driver->poolDir);
    g_free(driver->lockFile);
    g_free(driver->hostdevDir);
    g_free(driver->sysfsRoot);
    g_free(driver);
}

/* sysfs_root from ROOT/etc/network.conf, else ROOT/etc/qemu.conf. */
static int
networkReadSysfsRoot(const char *root, char **sysfsRoot)
{
    const char *files[] = { "network.conf", "qemu.conf" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(root, "etc", files[i], NULL);
        g_autoptr(virConf) conf = NULL;
        int rc;

        if (!(conf = virConfReadFile(path)))
            return -1;
        if ((rc = virConfGetValueString(conf, "sysfs_root", sysfsRoot)) < 0)
            return -1;
        if (rc > 0) {
            if (!g_path_is_absolute(*sysfsRoot)) {
                virReportError(VIR_ERR_CONF_SYNTAX,
                               _("%s: sysfs_root = \"%s\" must be an absolute path"),
                               path, *sysfsRoot);
                return -1;
            }
            return 0;
        }
    }
    *sysfsRoot = g_strdup("/sys");
    return 0;
}

/* Start the networks marked autostart, once per boot of the host: the
 * first process to open the root after it booted (virautostart.h). */
static int networkStartObj(virNetworkDriverState *driver, networkObj *obj);

static void
networkAutostart(virNetworkDriverState *driver)
{
    g_autofree char *marker = g_build_filename(driver->stateDir, VIR_AUTOSTART_MARKER, NULL);
    g_autoptr(GPtrArray) todo = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    bool changed = false;
    size_t i;

    if (networkBegin(driver) < 0) {
        virReportWarning(_("cannot autostart networks: %s"), virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    if (!virDriverShouldAutostart(marker)) {
        networkEnd(driver, false);
        return;
    }
    g_hash_table_iter_init(&iter, driver->nets);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        networkObj *obj = value;

        if (obj->autostart && !obj->live)
            g_ptr_array_add(todo, obj);
    }
    for (i = 0; i < todo->len; i++) {
        networkObj *obj = g_ptr_array_index(todo, i);

        if (networkStartObj(driver, obj) < 0) {
            virReportWarning(_("cannot autostart network '%s': %s"),
                             obj->config->name, virGetLastErrorMessage());
            virResetLastError();
            continue;
        }
        changed = true;
    }
    networkEnd(driver, changed);
}

static void *
networkDriverStateNew(const char *root)
{
    virNetworkDriverState *driver = g_new0(virNetworkDriverState, 1);

    driver->root = g_strdup(root);
    {
        g_autoptr(virNetworkDriverPaths) paths = networkDriverPathsNew(root);

        driver->configDir = g_steal_pointer(&paths->configDir);
        driver->autostartDir = g_steal_pointer(&paths->autostartDir);
        driver->stateDir = g_steal_pointer(&paths->stateDir);
        driver->poolDir = g_steal_pointer(&paths->poolDir);
        driver->lockFile = g_steal_pointer(&paths->lockFile);
    }
    driver->hostdevDir = virHostdevStateDir(root);
    driver->nets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)networkObjFree);

    if (networkReadSysfsRoot(root, &driver->sysfsRoot) < 0 ||
        virFileMakePath(driver->configDir, 0700) < 0 ||
        virFileMakePath(driver->autostartDir, 0700) < 0 ||
        virFileMakePath(driver->poolDir, 0700) < 0 ||
        !(driver->rootLock = virRootLockNew(driver->lockFile))) {
        networkDriverStateFree(driver);
        return NULL;
    }
    return driver;
}

virNetworkDriverState *
networkDriverStateGet(const char *root)
{
    virNetworkDriverState *driver;
    bool created;

    if (!(driver = virRootRegistryGet(&networkDrivers, root, networkDriverStateNew,
                                      &created)))
        return NULL;
    if (created)
        networkAutostart(driver);
    return driver;
}

static void
networkDriverStateDestroy(void *driver)
{
    networkDriverStateFree(driver);
}

void
networkDriverStateUnref(virNetworkDriverState *driver)
{
    if (!driver)
        return;
    virRootRegistryPut(&networkDrivers, driver->root, driver, networkDriverStateDestroy);
}

/* ------------------------------------------------------------------ */
/* Start / stop                                                        */
/* ------------------------------------------------------------------ */

/* The VFs of the PF of @def, found in sysfs. */
static int
networkDiscoverVFs(virNetworkDriverState *driver, virNetworkDef *def)
{
    g_autofree char *pfpath = g_strdup_printf("%s/class/net/%s", driver->sysfsRoot, def->pfDev);
    g_autofree virPCIDeviceAddress *vfs = NULL;
    size_t nvfs = 0;

    if (!virFileExists(pfpath)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network '%s': physical function '%s' does not exist (no %s); fix <pf dev='%s'/> or, on a simulated host, the sysfs_root setting"),
                       def->name, def->pfDev, pfpath, def->pfDev);
        return -1;
    }
    if (virPCIGetVirtualFunctionsOfNetdev(driver->sysfsRoot, def->pfDev, &vfs, &nvfs) < 0)
        return -1;
    if (nvfs == 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network '%s': physical function '%s' has no VFs; create them first (echo N > %s/device/sriov_numvfs)"),
                       def->name, def->pfDev, pfpath);
        return -1;
    }
    g_free(def->addrs);
    def->addrs = g_steal_pointer(&vfs);
    def->naddrs = nvfs;
    return 0;
}

/* No VF may belong to two active pools. */
static int
networkCheckVFsUnique(virNetworkDriverState *driver, const virNetworkDef *def)
{
    g_autoptr(GHashTable) mine = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTableIter iter;
    gpointer value;
    size_t i;

#define NET_PCI_KEY(a) \
    GUINT_TO_POINTER(((a)->domain << 16) | ((a)->bus << 8) | ((a)->slot << 3) | (a)->function)

    for (i = 0; i < def->naddrs; i++)
        g_hash_table_add(mine, NET_PCI_KEY(&def->addrs[i]));

    g_hash_table_iter_init(&iter, driver->nets);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        networkObj *other = value;

        if (!other->live || STREQ(other->live->name, def->name) ||
            other->live->forwardType != VIR_NETWORK_FORWARD_HOSTDEV)
            continue;
        for (i = 0; i < other->live->naddrs; i++) {
            if (g_hash_table_contains(mine, NET_PCI_KEY(&other->live->addrs[i]))) {
                g_autofree char *str = virPCIDeviceAddressAsString(&other->live->addrs[i]);

                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("network '%s': VF %s already belongs to active network '%s'; a VF can be in one active pool only (destroy '%s' first)"),
                               def->name, str, other->live->name, other->live->name);
                return -1;
            }
        }
    }
#undef NET_PCI_KEY
    return 0;
}

static int
networkStartObj(virNetworkDriverState *driver, networkObj *obj)
{
    g_autoptr(virNetworkDef) live = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *status = NULL;

    if (obj->live) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' is already active"), obj->live->name);
        return -1;
    }
    if (!(live = virNetworkDefCopy(obj->config)))
        return -1;

    switch ((virNetworkForwardType)live->forwardType) {
    case VIR_NETWORK_FORWARD_HOSTDEV:
        if (live->pfDev && networkDiscoverVFs(driver, live) < 0)
            return -1;
        if (networkCheckVFsUnique(driver, live) < 0)
            return -1;
        break;
    case VIR_NETWORK_FORWARD_BRIDGE:
        /* the host bridge is the administrator's; nothing to set up */
        break;
    case VIR_NETWORK_FORWARD_NONE:
    case VIR_NETWORK_FORWARD_NAT:
    case VIR_NETWORK_FORWARD_ROUTE:
    case VIR_NETWORK_FORWARD_OPEN:
    case VIR_NETWORK_FORWARD_PRIVATE:
    case VIR_NETWORK_FORWARD_VEPA:
    case VIR_NETWORK_FORWARD_PASSTHROUGH:
    case VIR_NETWORK_FORWARD_LAST:
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("network '%s': starting a network with %s (own bridge, DHCP, firewall) is not supported; use <forward mode='hostdev'> for an SR-IOV pool or <forward mode='bridge'/> with an existing host bridge"),
                       live->name,
                       live->forwardType == VIR_NETWORK_FORWARD_NONE ?
                       "no <forward>" : virNetworkForwardTypeToString(live->forwardType));
        return -1;
    }

    obj->live = g_steal_pointer(&live);
    if (obj->live->forwardType == VIR_NETWORK_FORWARD_HOSTDEV &&
        networkObjMakePool(driver, obj) < 0)
        goto error;

    status = networkStatusPath(driver, obj->live->name);
    xml = virNetworkDefFormat(obj->live, 0);
    if (virFileWriteStrRuntime(status, xml, 0600) < 0)
        goto error;
    return 0;

 error:
    g_clear_pointer(&obj->pool, virNetworkVFPoolFree);
    g_clear_pointer(&obj->live, virNetworkDefFree);
    return -1;
}

/* Stop @obj; a transient network disappears (@obj is freed). */
static int
networkStopObj(virNetworkDriverState *driver, networkObj *obj)
{
    g_autofree char *status = NULL;
    g_autofree char *name = NULL;
    size_t used;

    if (!obj->live) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' is not active"), obj->config->name);
        return -1;
    }
    if (obj->pool && (used = virNetworkVFPoolConnections(obj->pool)) > 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' still gives VFs to %zu guest interface(s); stop those domains or detach their interfaces first"),
                       obj->live->name, used);
        return -1;
    }
    name = g_strdup(obj->live->name);
    status = networkStatusPath(driver, name);
    if (virFileRemove(status) < 0)
        return -1;
    g_clear_pointer(&obj->pool, virNetworkVFPoolFree);
    networkPoolStateRemove(driver, name);
    g_clear_pointer(&obj->live, virNetworkDefFree);
    if (!obj->config)
        g_hash_table_remove(driver->nets, name);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public driver entry points                                          */
/* ------------------------------------------------------------------ */

static virDrvOpenStatus
networkConnectOpen(virConnectPtr conn, GUri *uri, unsigned int flags)
{
    g_autofree char *root = NULL;
    virNetworkDriverState *driver;

    virCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VIR_DRV_OPEN_ERROR);

    /* networks exist for embedded roots only */
    if (!(root = virDriverEmbedRoot(uri)))
        return VIR_DRV_OPEN_DECLINED;

    if (!(driver = networkDriverStateGet(root)))
        return VIR_DRV_OPEN_ERROR;
    conn->networkPrivateData = driver;
    return VIR_DRV_OPEN_SUCCESS;
}

static int
networkConnectClose(virConnectPtr conn)
{
    networkDriverStateUnref(conn->networkPrivateData);
    conn->networkPrivateData = NULL;
    return 0;
}

static virNetworkPtr
networkHandle(virConnectPtr conn, const networkObj *obj)
{
    const virNetworkDef *def = networkObjDef(obj);

    return virGetNetwork(conn, def->name, def->uuid);
}

/* The object behind a handle; error if it is gone. */
static networkObj *
networkObjFromNetwork(virNetworkDriverState *driver, virNetworkPtr net)
{
    networkObj *obj = networkFindByUUID(driver, net->uuid);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (!obj) {
        virReportError(VIR_ERR_NO_NETWORK,
                       _("no network with matching uuid '%s' (%s)"),
                       virUUIDFormat(net->uuid, uuidstr), net->name);
        return NULL;
    }
    return obj;
}

/* Enter an operation on the object behind @net (networkBegin), setting
 * @driver. NULL, with the error reported and the operation left, when the
 * root cannot be locked or the network is gone. */
static networkObj *
networkBeginObj(virNetworkPtr net, virNetworkDriverState **driver)
{
    networkObj *obj;

    *driver = net->conn->networkPrivateData;
    if (networkBegin(*driver) < 0)
        return NULL;
    if (!(obj = networkObjFromNetwork(*driver, net)))
        networkEnd(*driver, false);
    return obj;
}

static bool
networkMatchFlags(const networkObj *obj, unsigned int flags)
{
    bool active = obj->live != NULL;
    bool persistent = obj->config != NULL;

#define NET_FILTER(a, b, val) \
    if ((flags & ((a) | (b))) && (flags & ((a) | (b))) != ((a) | (b)) && \
        !(((flags & (a)) && (val)) || ((flags & (b)) && !(val)))) \
        return false

    NET_FILTER(VIR_CONNECT_LIST_NETWORKS_ACTIVE, VIR_CONNECT_LIST_NETWORKS_INACTIVE, active);
    NET_FILTER(VIR_CONNECT_LIST_NETWORKS_PERSISTENT, VIR_CONNECT_LIST_NETWORKS_TRANSIENT, persistent);
    NET_FILTER(VIR_CONNECT_LIST_NETWORKS_AUTOSTART, VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, obj->autostart);
#undef NET_FILTER
    return true;
}

static gint
networkCompareNames(gconstpointer a, gconstpointer b)
{
    const networkObj *x = *(networkObj * const *)a;
    const networkObj *y = *(networkObj * const *)b;

    return strcmp(networkObjDef(x)->name, networkObjDef(y)->name);
}

static int
networkConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets,
                              unsigned int flags)
{
    virNetworkDriverState *driver = conn->networkPrivateData;
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    size_t i;

    virCheckFlags(VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE |
                  VIR_CONNECT_LIST_NETWORKS_PERSISTENT | VIR_CONNECT_LIST_NETWORKS_TRANSIENT |
                  VIR_CONNECT_LIST_NETWORKS_AUTOSTART | VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, -1);

    if (networkBegin(driver) < 0)
        return -1;
    g_hash_table_iter_init(&iter, driver->nets);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (networkMatchFlags(value, flags))
            g_ptr_array_add(found, value);
    }
    g_ptr_array_sort(found, networkCompareNames);
    if (nets) {
        *nets = g_new0(virNetworkPtr, found->len + 1);
        for (i = 0; i < found->len; i++)
            (*nets)[i] = networkHandle(conn, g_ptr_array_index(found, i));
    }
    networkEnd(driver, false);
    return found->len;
}

static virNetworkPtr
networkLookupByName(virConnectPtr conn, const char *name)
{
    virNetworkDriverState *driver = conn->networkPrivateData;
    virNetworkPtr ret;
    networkObj *obj;

    if (!(obj = networkBeginByName(driver, name, false)))
        return NULL;
    ret = networkHandle(conn, obj);
    networkEnd(driver, false);
    return ret;
}

static virNetworkPtr
networkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virNetworkDriverState *driver = conn->networkPrivateData;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virNetworkPtr ret = NULL;
    networkObj *obj;

    if (networkBegin(driver) < 0)
        return NULL;
    if (!(obj = networkFindByUUID(driver, uuid)))
        virReportError(VIR_ERR_NO_NETWORK,
                       _("no network with matching uuid '%s'"),
                       virUUIDFormat(uuid, uuidstr));
    else
        ret = networkHandle(conn, obj);
    networkEnd(driver, false);
    return ret;
}

/* A new definition may replace the one of the same name (same UUID), but
 * must not take another network's UUID. */
static int
networkCheckConflicts(virNetworkDriverState *driver, const virNetworkDef *def)
{
    networkObj *byname = networkFindByName(driver, def->name);
    networkObj *byuuid = networkFindByUUID(driver, def->uuid);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (byname && memcmp(networkObjDef(byname)->uuid, def->uuid, VIR_UUID_BUFLEN) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network '%s' already exists with uuid %s; keep that uuid (or remove <uuid>) to change its definition"),
                       def->name, virUUIDFormat(networkObjDef(byname)->uuid, uuidstr));
        return -1;
    }
    if (byuuid && byuuid != byname) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network '%s' already has uuid %s; give network '%s' another uuid"),
                       networkObjDef(byuuid)->name, virUUIDFormat(def->uuid, uuidstr),
                       def->name);
        return -1;
    }
    return 0;
}

static virNetworkDef *
networkParseNew(virNetworkDriverState *driver, const char *xml, bool validate)
{
    g_autoptr(virNetworkDef) def = NULL;
    networkObj *existing;

    if (!(def = virNetworkDefParseString(xml, validate ? VIR_NETWORK_DEF_PARSE_VALIDATE_SCHEMA : 0)))
        return NULL;
    /* a redefinition without <uuid> keeps the network's uuid */
    if ((existing = networkFindByName(driver, def->name)) && def->uuidGenerated)
        memcpy(def->uuid, networkObjDef(existing)->uuid, VIR_UUID_BUFLEN);
    if (networkCheckConflicts(driver, def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static virNetworkPtr
networkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    virNetworkDriverState *driver = conn->networkPrivateData;
    g_autoptr(virNetworkDef) def = NULL;
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    virNetworkPtr ret = NULL;
    networkObj *obj;
    bool changed = false;

    virCheckFlags(VIR_NETWORK_DEFINE_VALIDATE, NULL);

    if (networkBegin(driver) < 0)
        return NULL;
    if (!(def = networkParseNew(driver, xml, flags & VIR_NETWORK_DEFINE_VALIDATE)))
        goto cleanup;

    path = networkConfigPath(driver, def->name);
    out = virNetworkDefFormat(def, 0);
    if (virFileWriteStrAtomic(path, out, 0600) < 0)
        goto cleanup;
    changed = true;

    if (!(obj = networkFindByName(driver, def->name))) {
        obj = g_new0(networkObj, 1);
        g_hash_table_replace(driver->nets, g_strdup(def->name), obj);
    }
    virNetworkDefFree(obj->config);
    obj->config = g_steal_pointer(&def);
    ret = networkHandle(conn, obj);

 cleanup:
    networkEnd(driver, changed);
    return ret;
}

static virNetworkPtr
networkCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    virNetworkDriverState *driver = conn->networkPrivateData;
    g_autoptr(virNetworkDef) def = NULL;
    virNetworkPtr ret = NULL;
    networkObj *obj;
    bool changed = false;

    virCheckFlags(VIR_NETWORK_CREATE_VALIDATE, NULL);

    if (networkBegin(driver) < 0)
        return NULL;
    if (!(def = networkParseNew(driver, xml, flags & VIR_NETWORK_CREATE_VALIDATE)))
        goto cleanup;
    if ((obj = networkFindByName(driver, def->name))) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       obj->live ? _("network '%s' already exists and is active")
                                 : _("network '%s' is already defined; start it with net-start instead"),
                       def->name);
        goto cleanup;
    }

    /* start from a temporary object holding the definition as config */
    obj = g_new0(networkObj, 1);
    obj->config = g_steal_pointer(&def);
    g_hash_table_replace(driver->nets, g_strdup(obj->config->name), obj);
    if (networkStartObj(driver, obj) < 0) {
        g_hash_table_remove(driver->nets, obj->config->name);
        goto cleanup;
    }
    g_clear_pointer(&obj->config, virNetworkDefFree);   /* transient */
    changed = true;
    ret = networkHandle(conn, obj);

 cleanup:
    networkEnd(driver, changed);
    return ret;
}

static int
networkUndefine(virNetworkPtr net)
{
    virNetworkDriverState *driver;
    g_autofree char *path = NULL;
    g_autofree char *link = NULL;
    networkObj *obj;
    int ret = -1;
    bool changed = false;

    if (!(obj = networkBeginObj(net, &driver)))
        return -1;
    if (!obj->config) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' is transient (not defined); stop it with net-destroy"),
                       net->name);
        goto cleanup;
    }
    path = networkConfigPath(driver, obj->config->name);
    link = networkAutostartPath(driver, obj->config->name);
    if (virFileRemove(link) < 0 || virFileRemove(path) < 0)
        goto cleanup;
    changed = true;
    obj->autostart = false;
    if (obj->live)
        g_clear_pointer(&obj->config, virNetworkDefFree);
    else
        g_hash_table_remove(driver->nets, net->name);
    ret = 0;

 cleanup:
    networkEnd(driver, changed);
    return ret;
}

/* Run @change on the object behind @net; the root has changed if it
 * succeeds. */
static int
networkChangeObj(virNetworkPtr net,
                 int (*change)(virNetworkDriverState *driver, networkObj *obj))
{
    virNetworkDriverState *driver;
    networkObj *obj;
    int ret;

    if (!(obj = networkBeginObj(net, &driver)))
        return -1;
    ret = change(driver, obj);
    networkEnd(driver, ret == 0);
    return ret;
}

static int
networkCreate(virNetworkPtr net)
{
    return networkChangeObj(net, networkStartObj);
}

static int
networkDestroy(virNetworkPtr net)
{
    return networkChangeObj(net, networkStopObj);
}

static char *
networkGetXMLDesc(virNetworkPtr net, unsigned int flags)
{
    virNetworkDriverState *driver;
    const virNetworkDef *def;
    unsigned int connections = 0;
    networkObj *obj;
    char *ret;

    virCheckFlags(VIR_NETWORK_XML_INACTIVE, NULL);

    if (!(obj = networkBeginObj(net, &driver)))
        return NULL;
    if ((flags & VIR_NETWORK_XML_INACTIVE) && obj->config) {
        def = obj->config;
    } else {
        def = networkObjDef(obj);
        if (obj->pool)
            connections = virNetworkVFPoolConnections(obj->pool);
    }
    ret = virNetworkDefFormat(def, connections);
    networkEnd(driver, false);
    return ret;
}

static char *
networkGetBridgeName(virNetworkPtr net)
{
    virNetworkDriverState *driver;
    networkObj *obj;
    char *ret = NULL;

    if (!(obj = networkBeginObj(net, &driver)))
        return NULL;
    if (!networkObjDef(obj)->bridge) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' has no bridge (forward mode '%s')"),
                       net->name, virNetworkForwardTypeToString(networkObjDef(obj)->forwardType));
        goto cleanup;
    }
    ret = g_strdup(networkObjDef(obj)->bridge);

 cleanup:
    networkEnd(driver, false);
    return ret;
}

static int
networkGetAutostart(virNetworkPtr net, int *autostart)
{
    virNetworkDriverState *driver;
    networkObj *obj;

    if (!(obj = networkBeginObj(net, &driver)))
        return -1;
    *autostart = obj->autostart ? 1 : 0;
    networkEnd(driver, false);
    return 0;
}

static int
networkSetAutostart(virNetworkPtr net, int autostart)
{
    virNetworkDriverState *driver;
    g_autofree char *link = NULL;
    g_autofree char *path = NULL;
    networkObj *obj;
    int ret = -1;
    bool changed = false;

    if (!(obj = networkBeginObj(net, &driver)))
        return -1;
    if (!obj->config) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("network '%s' is transient; define it (net-define) before marking it autostart"),
                       net->name);
        goto cleanup;
    }
    link = networkAutostartPath(driver, obj->config->name);
    path = networkConfigPath(driver, obj->config->name);
    if (autostart && !obj->autostart) {
        if (symlink(path, link) < 0 && errno != EEXIST) {
            virReportSystemError(errno, _("cannot create autostart link '%s'"), link);
            goto cleanup;
        }
        changed = true;
    } else if (!autostart && obj->autostart) {
        if (virFileRemove(link) < 0)
            goto cleanup;
        changed = true;
    }
    obj->autostart = autostart != 0;
    ret = 0;

 cleanup:
    networkEnd(driver, changed);
    return ret;
}

static int
networkIsActive(virNetworkPtr net)
{
    virNetworkDriverState *driver;
    networkObj *obj;
    int ret;

    if (!(obj = networkBeginObj(net, &driver)))
        return -1;
    ret = obj->live ? 1 : 0;
    networkEnd(driver, false);
    return ret;
}

static int
networkIsPersistent(virNetworkPtr net)
{
    virNetworkDriverState *driver;
    networkObj *obj;
    int ret;

    if (!(obj = networkBeginObj(net, &driver)))
        return -1;
    ret = obj->config ? 1 : 0;
    networkEnd(driver, false);
    return ret;
}

static virNetworkDriver networkDriver = {
    .name = "network",
    .connectOpen = networkConnectOpen,
    .connectClose = networkConnectClose,
    .connectListAllNetworks = networkConnectListAllNetworks,
    .networkLookupByName = networkLookupByName,
    .networkLookupByUUID = networkLookupByUUID,
    .networkCreateXMLFlags = networkCreateXMLFlags,
    .networkDefineXMLFlags = networkDefineXMLFlags,
    .networkUndefine = networkUndefine,
    .networkCreate = networkCreate,
    .networkDestroy = networkDestroy,
    .networkGetXMLDesc = networkGetXMLDesc,
    .networkGetBridgeName = networkGetBridgeName,
    .networkGetAutostart = networkGetAutostart,
    .networkSetAutostart = networkSetAutostart,
    .networkIsActive = networkIsActive,
    .networkIsPersistent = networkIsPersistent,
};

int
networkRegister(void)
{
    return virRegisterNetworkDriver(&networkDriver);
}

/* ------------------------------------------------------------------ */
/* API for hypervisor drivers                                          */
/* ------------------------------------------------------------------ */

int
networkIsHostdevPool(virNetworkDriverState *driver, const char *netname,
                     bool *managed)
{
    networkObj *obj;
    int ret = 0;

    if (!(obj = networkBeginByName(driver, netname, false)))
        return -1;
    if (networkObjDef(obj)->forwardType == VIR_NETWORK_FORWARD_HOSTDEV) {
        if (managed)
            *managed = networkObjDef(obj)->managed;
        ret = 1;
    }
    networkEnd(driver, false);
    return ret;
}

/* A pool VF with an ownership record: held by a domain (of this pool or
 * naming it directly). */
static int
networkVFHeld(const virPCIDeviceAddress *vf, void *opaque)
{
    virNetworkDriverState *driver = opaque;
    g_autoptr(virHostdevOwner) owner = NULL;
    int rc = virHostdevOwnerGet(driver->hostdevDir, vf, &owner);

    if (rc < 0) {
        /* unreadable: not ours to give, but no reason to fail the others */
        virReportWarning(_("skipping a VF: %s"), virGetLastErrorMessage());
        virResetLastError();
        return 1;
    }
    return rc;
}

typedef struct {
    virNetworkDriverState *driver;
    const virHostdevOwner *owner;
    bool claimed;
    virPCIDeviceAddress vf;
} networkVFClaimData;

static int
networkVFClaim(const virPCIDeviceAddress *vf, void *opaque)
{
    networkVFClaimData *data = opaque;
    int rc = virHostdevOwnerTryAcquire(data->driver->hostdevDir, vf, data->owner, NULL);

    if (rc > 0) {
        data->claimed = true;
        data->vf = *vf;
    }
    return rc;
}

int
networkAllocateVF(virNetworkDriverState *driver, const char *netname,
                  const char *owner, const char *domain, virPCIDeviceAddress *vf,
                  bool *managed)
{
    g_autoptr(virHostdevOwner) record = virHostdevOwnerNew(owner, domain, netname);
    networkVFClaimData data = { .driver = driver, .owner = record };
    networkObj *obj;
    int ret = -1;

    if (!(obj = networkBeginByName(driver, netname, true)))
        return -1;
    if (virNetworkVFPoolAcquire(obj->pool, owner, networkVFClaim, &data, vf) == 0) {
        if (managed)
            *managed = obj->live->managed;
        ret = 0;
    } else if (data.claimed) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (virHostdevOwnerRelease(driver->hostdevDir, &data.vf, owner) < 0)
            virResetLastError();
        virErrorRestore(&saved);
    }
    networkEnd(driver, ret == 0);
    return ret;
}

int
networkPeekVF(virNetworkDriverState *driver, const char *netname, size_t skip,
              virPCIDeviceAddress *vf, bool *managed)
{
    networkObj *obj;
    int ret = -1;

    if (!(obj = networkBeginByName(driver, netname, true)))
        return -1;
    if (virNetworkVFPoolPeek(obj->pool, skip, networkVFHeld, driver, vf) == 0) {
        *managed = obj->live->managed;
        ret = 0;
    }
    networkEnd(driver, false);
    return ret;
}

int
networkReleaseVF(virNetworkDriverState *driver, const char *netname,
                 const char *owner, const virPCIDeviceAddress *vf)
{
    virErrorPtr saved = NULL;
    networkObj *obj;
    int slot = -1;
    int record;

    if ((obj = networkBeginByName(driver, netname, true))) {
        slot = virNetworkVFPoolRelease(obj->pool, vf, owner);
        networkEnd(driver, slot > 0);
    }
    /* the record goes last (until then nobody else can take the VF), and
     * goes even when the pool could not be told */
    virErrorPreserveLast(&saved);
    record = virHostdevOwnerRelease(driver->hostdevDir, vf, owner);
    virErrorRestore(&saved);
    if (slot < 0 || record < 0)
        return -1;
    return slot > 0 || record > 0;
}

typedef struct {
    virNetworkDriverState *driver;
    virNetworkVFOwnerCheck ownerAlive;
    void *opaque;
} networkReconcileData;

/* A VF whose owner is gone leaves the pool's records and its ownership
 * record (if that owner's) together. */
static bool
networkReconcileOwnerAlive(const char *owner, const virPCIDeviceAddress *vf, void *opaque)
{
    networkReconcileData *data = opaque;

    if (data->ownerAlive(owner, vf, data->opaque))
        return true;
    if (virHostdevOwnerRelease(data->driver->hostdevDir, vf, owner) < 0) {
        virReportWarning(_("cannot release a VF of a domain that is gone: %s"),
                         virGetLastErrorMessage());
        virResetLastError();
    }
    return false;
}

int
networkReconcileVFs(virNetworkDriverState *driver, virNetworkVFOwnerCheck ownerAlive,
                    void *opaque)
{
    networkReconcileData data = { driver, ownerAlive, opaque };
    GHashTableIter iter;
    gpointer value;
    int ret = 0;

    if (networkBegin(driver) < 0)
        return -1;
    g_hash_table_iter_init(&iter, driver->nets);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        networkObj *obj = value;

        if (obj->pool &&
            virNetworkVFPoolReconcile(obj->pool, networkReconcileOwnerAlive, &data) < 0)
            ret = -1;
    }
    networkEnd(driver, true);
    return ret;
}

int
networkGetConnections(virNetworkDriverState *driver, const char *netname,
                      unsigned int *connections)
{
    networkObj *obj;

    if (!(obj = networkBeginByName(driver, netname, false)))
        return -1;
    *connections = obj->pool ? virNetworkVFPoolConnections(obj->pool) : 0;
    networkEnd(driver, false);
    return 0;
}

