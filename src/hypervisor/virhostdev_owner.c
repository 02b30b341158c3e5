/*
 * virhostdev_owner.c: who holds a host PCI device, host-wide
 */
#include "internal.h"

#include "virerror.h"
#include "virfile.h"
#include "virhostdev_owner.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define VIR_HOSTDEV_OWNER_SUFFIX ".owner"
#define VIR_HOSTDEV_OWNER_GROUP "owner"
/* a record is a few lines: anything larger is not one of ours */
#define VIR_HOSTDEV_OWNER_MAX 64 * 1024

char *
virHostdevStateDir(const char *root)
{
    return g_build_filename(root, "run", "hostdev", NULL);
}

virHostdevOwner *
virHostdevOwnerNew(const char *holder, const char *domain, const char *network)
{
    virHostdevOwner *owner = g_new0(virHostdevOwner, 1);

    owner->holder = g_strdup(holder);
    owner->domain = g_strdup(domain);
    owner->network = g_strdup(network);
    return owner;
}

void
virHostdevOwnerFree(virHostdevOwner *owner)
{
    if (!owner)
        return;
    g_free(owner->holder);
    g_free(owner->domain);
    g_free(owner->network);
    g_free(owner);
}

#define VIR_HOSTDEV_OWNER_NODEDEV_PREFIX "nodedev/"

char *
virHostdevOwnerNodeDevHolder(const virProcessIdentity *id)
{
    return g_strdup_printf(VIR_HOSTDEV_OWNER_NODEDEV_PREFIX "%lld/%llu",
                           (long long)id->pid, id->startTime);
}

bool
virHostdevOwnerIsNodeDev(const char *holder, virProcessIdentity *id)
{
    g_auto(GStrv) parts = NULL;
    long long pid;
    unsigned long long start;

    if (!g_str_has_prefix(holder, VIR_HOSTDEV_OWNER_NODEDEV_PREFIX))
        return false;
    parts = g_strsplit(holder + strlen(VIR_HOSTDEV_OWNER_NODEDEV_PREFIX), "/", 0);
    if (g_strv_length(parts) != 2 ||
        virStrToLong_ll(parts[0], NULL, 10, &pid) < 0 || pid <= 0 || pid > INT_MAX ||
        virStrToLong_ull(parts[1], NULL, 10, &start) < 0)
        return false;
    if (id) {
        id->pid = pid;
        id->startTime = start;
    }
    return true;
}

static char *
virHostdevOwnerPath(const char *stateDir, const virPCIDeviceAddress *dev)
{
    g_autofree char *addr = virPCIDeviceAddressAsString(dev);

    return g_strdup_printf("%s/%s" VIR_HOSTDEV_OWNER_SUFFIX, stateDir, addr);
}

static char *
virHostdevOwnerFormat(const virHostdevOwner *owner)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();

    g_key_file_set_string(kf, VIR_HOSTDEV_OWNER_GROUP, "holder", owner->holder);
    g_key_file_set_string(kf, VIR_HOSTDEV_OWNER_GROUP, "domain", owner->domain);
    if (owner->network)
        g_key_file_set_string(kf, VIR_HOSTDEV_OWNER_GROUP, "network", owner->network);
    return g_key_file_to_data(kf, NULL, NULL);
}

int
virHostdevOwnerGet(const char *stateDir, const virPCIDeviceAddress *dev,
                   virHostdevOwner **owner)
{
    g_autofree char *path = virHostdevOwnerPath(stateDir, dev);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(virHostdevOwner) ret = g_new0(virHostdevOwner, 1);
    g_autofree char *data = NULL;

    if (!virFileExists(path))
        return 0;
    if (virFileReadAll(path, VIR_HOSTDEV_OWNER_MAX, &data) < 0) {
        /* released meanwhile */
        if (!virFileExists(path)) {
            virResetLastError();
            return 0;
        }
        return -1;
    }
    if (!g_key_file_load_from_data(kf, data, -1, G_KEY_FILE_NONE, NULL) ||
        !(ret->holder = g_key_file_get_string(kf, VIR_HOSTDEV_OWNER_GROUP, "holder", NULL)) ||
        !(ret->domain = g_key_file_get_string(kf, VIR_HOSTDEV_OWNER_GROUP, "domain", NULL)) ||
        !*ret->holder) {
        g_autofree char *addr = virPCIDeviceAddressAsString(dev);

        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the record of who holds PCI device %s ('%s') is unreadable; remove it if no running domain uses the device"),
                       addr, path);
        return -1;
    }
    ret->network = g_key_file_get_string(kf, VIR_HOSTDEV_OWNER_GROUP, "network", NULL);
    *owner = g_steal_pointer(&ret);
    return 1;
}

int
virHostdevOwnerTryAcquire(const char *stateDir, const virPCIDeviceAddress *dev,
                          const virHostdevOwner *owner, virHostdevOwner **current)
{
    g_autofree char *path = virHostdevOwnerPath(stateDir, dev);
    g_autofree char *data = virHostdevOwnerFormat(owner);
    int rc;

    if (virFileMakePath(stateDir, 0700) < 0)
        return -1;
    if ((rc = virFileCreateStrRuntime(path, data, 0600)) != 0)
        return rc;
    if (current && virHostdevOwnerGet(stateDir, dev, current) < 0)
        return -1;
    return 0;
}

int
virHostdevOwnerAcquire(const char *stateDir, const virPCIDeviceAddress *dev,
                       const virHostdevOwner *owner)
{
    g_autoptr(virHostdevOwner) current = NULL;
    g_autofree char *addr = NULL;
    virProcessIdentity id;
    int rc;

    if ((rc = virHostdevOwnerTryAcquire(stateDir, dev, owner, &current)) != 0)
        return rc > 0 ? 0 : -1;
    addr = virPCIDeviceAddressAsString(dev);
    if (current && virHostdevOwnerIsNodeDev(current->holder, &id)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is being moved between host drivers by a node device detach or reattach in progress (virsh nodedev-detach/nodedev-reattach, process %lld); try again when it is done"),
                       addr, (long long)id.pid);
    } else if (!current) {
        /* released between our attempt and the look at who held it */
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s was in use by another domain a moment ago; try again"),
                       addr);
    } else if (current->network) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is in use by domain '%s' (a VF of network '%s'); a device goes to one running domain at a time: stop '%s' or detach the device from it first"),
                       addr, current->domain, current->network, current->domain);
    } else {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("PCI device %s is in use by domain '%s'; a device goes to one running domain at a time: stop '%s' or detach the device from it first"),
                       addr, current->domain, current->domain);
    }
    return -1;
}

int
virHostdevOwnerRelease(const char *stateDir, const virPCIDeviceAddress *dev,
                       const char *holder)
{
    g_autoptr(virHostdevOwner) current = NULL;
    g_autofree char *path = NULL;
    int rc;

    if ((rc = virHostdevOwnerGet(stateDir, dev, &current)) < 0) {
        /* a record nobody can read is nobody's: only a forced release
         * (@holder NULL) removes it */
        if (holder)
            return -1;
        virResetLastError();
    } else if (rc == 0 || (holder && STRNEQ(current->holder, holder))) {
        return 0;
    }
    path = virHostdevOwnerPath(stateDir, dev);
    if (virFileRemove(path) < 0)
        return -1;
    return 1;
}

int
virHostdevStateList(const char *stateDir, const char *suffix,
                    virPCIDeviceAddress **devs, size_t *ndevs)
{
    g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(virPCIDeviceAddress));
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *ent;

    *devs = NULL;
    *ndevs = 0;
    if (!(dir = g_dir_open(stateDir, 0, &gerr))) {
        if (g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 0;
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot open directory '%s': %s"),
                       stateDir, gerr->message);
        return -1;
    }
    while ((ent = g_dir_read_name(dir))) {
        g_autofree char *addr = NULL;
        virPCIDeviceAddress dev;

        if (ent[0] == '.' || !g_str_has_suffix(ent, suffix))
            continue;
        addr = g_strndup(ent, strlen(ent) - strlen(suffix));
        if (virPCIDeviceAddressParse(addr, &dev) < 0) {
            /* not a record of ours (temporary files end differently) */
            virResetLastError();
            continue;
        }
        g_array_append_val(found, dev);
    }
    *ndevs = found->len;
    *devs = (virPCIDeviceAddress *)(void *)g_array_free(g_steal_pointer(&found), FALSE);
    return 0;
}
