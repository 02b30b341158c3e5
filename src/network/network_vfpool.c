/*
 * network_vfpool.c: the VFs of one SR-IOV pool and who uses them
 */
#include "internal.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "network_vfpool.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_NETWORK

/* One record per VF: "DDDD:BB:SS.F OWNER\n" padded with NULs. */
#define VF_RECORD_SIZE 256
#define VF_ADDR_LEN 12

struct _virNetworkVFPool {
    char *netname;
    char *path;
    int fd;
    size_t nvfs;
    virPCIDeviceAddress *vfs;
    char **owners;              /* NULL: free */
    size_t *freeStack;          /* indexes of free VFs */
    size_t nfree;
    GHashTable *index;          /* "DDDD:BB:SS.F" -> slot + 1 */
};

static char *
virNetworkVFPoolKey(const virPCIDeviceAddress *vf)
{
    return virPCIDeviceAddressAsString(vf);
}

static ssize_t
virNetworkVFPoolSlot(virNetworkVFPool *pool, const virPCIDeviceAddress *vf)
{
    g_autofree char *key = virNetworkVFPoolKey(vf);
    gpointer v = g_hash_table_lookup(pool->index, key);

    return v ? (ssize_t)GPOINTER_TO_SIZE(v) - 1 : -1;
}

static int
virNetworkVFPoolWriteRecord(virNetworkVFPool *pool, size_t slot)
{
    char rec[VF_RECORD_SIZE] = { 0 };
    g_autofree char *addr = virNetworkVFPoolKey(&pool->vfs[slot]);

    g_snprintf(rec, sizeof(rec), "%s %s\n", addr,
               pool->owners[slot] ? pool->owners[slot] : "");
    if (pwrite(pool->fd, rec, sizeof(rec), (off_t)slot * VF_RECORD_SIZE) != sizeof(rec)) {
        virReportSystemError(errno, _("cannot record the use of VF %s of network '%s' in '%s'"),
                             addr, pool->netname, pool->path);
        return -1;
    }
    return 0;
}

/* Owners recorded in the file open at @fd, by VF address. */
static GHashTable *
virNetworkVFPoolReadRecords(int fd)
{
    GHashTable *owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char rec[VF_RECORD_SIZE + 1];
    off_t off = 0;

    for (;;) {
        ssize_t n = pread(fd, rec, VF_RECORD_SIZE, off);
        char *sp;
        char *nl;

        if (n != VF_RECORD_SIZE)
            break;
        rec[VF_RECORD_SIZE] = '\0';
        off += VF_RECORD_SIZE;
        if (!(sp = strchr(rec, ' ')) || !(nl = strchr(sp, '\n')))
            continue;
        *sp = '\0';
        *nl = '\0';
        if (sp[1])
            g_hash_table_replace(owners, g_strdup(rec), g_strdup(sp + 1));
    }
    return owners;
}

char *
virNetworkVFPoolPath(const char *stateDir, const char *netname)
{
    return g_strdup_printf("%s/%s.vfpool", stateDir, netname);
}

GHashTable *
virNetworkVFPoolReadFile(const char *path)
{
    GHashTable *owners = NULL;
    struct stat sb;
    VIR_AUTOCLOSE int fd = -1;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, _("cannot open the VF records '%s'"), path);
        return NULL;
    }
    if (fstat(fd, &sb) < 0 || sb.st_size % VF_RECORD_SIZE != 0)
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the VF records '%s' are damaged: their size is not a multiple of %d bytes"),
                       path, VF_RECORD_SIZE);
    else
        owners = virNetworkVFPoolReadRecords(fd);
    return owners;
}

virNetworkVFPool *
virNetworkVFPoolNew(const char *netname, const char *stateDir,
                    const virPCIDeviceAddress *vfs, size_t nvfs)
{
    g_autoptr(virNetworkVFPool) pool = g_new0(virNetworkVFPool, 1);
    g_autoptr(GHashTable) recorded = NULL;
    struct stat sb;
    size_t i;

    pool->fd = -1;
    pool->netname = g_strdup(netname);
    pool->path = virNetworkVFPoolPath(stateDir, netname);
    pool->nvfs = nvfs;
    pool->vfs = g_memdup2(vfs, sizeof(*vfs) * nvfs);
    pool->owners = g_new0(char *, nvfs);
    pool->freeStack = g_new0(size_t, nvfs);
    pool->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    if (virFileMakePath(stateDir, 0700) < 0)
        return NULL;
    if ((pool->fd = virFileOpenWrite(pool->path, O_RDWR, 0600, _("VF records"))) < 0)
        return NULL;
    recorded = virNetworkVFPoolReadRecords(pool->fd);

    for (i = 0; i < nvfs; i++) {
        g_autofree char *key = virNetworkVFPoolKey(&vfs[i]);
        const char *owner = g_hash_table_lookup(recorded, key);

        if (g_hash_table_contains(pool->index, key)) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("VF %s is listed twice in network '%s'"), key, netname);
            return NULL;
        }
        g_hash_table_insert(pool->index, g_steal_pointer(&key), GSIZE_TO_POINTER(i + 1));
        pool->owners[i] = g_strdup(owner);
    }
    /* free VFs in address order: the first free one is handed out first */
    for (i = nvfs; i > 0; i--) {
        if (!pool->owners[i - 1])
            pool->freeStack[pool->nfree++] = i - 1;
    }
    /* rewrite the records when the pool's VFs changed */
    if (fstat(pool->fd, &sb) < 0 || (size_t)sb.st_size != nvfs * VF_RECORD_SIZE ||
        g_hash_table_size(recorded) > 0) {
        if (ftruncate(pool->fd, (off_t)nvfs * VF_RECORD_SIZE) < 0) {
            virReportSystemError(errno, _("cannot size '%s'"), pool->path);
            return NULL;
        }
        for (i = 0; i < nvfs; i++) {
            if (virNetworkVFPoolWriteRecord(pool, i) < 0)
                return NULL;
        }
    }
    return g_steal_pointer(&pool);
}

void
virNetworkVFPoolFree(virNetworkVFPool *pool)
{
    size_t i;

    if (!pool)
        return;
    if (pool->fd >= 0)
        close(pool->fd);
    for (i = 0; i < pool->nvfs; i++)
        g_free(pool->owners[i]);
    g_free(pool->owners);
    g_free(pool->freeStack);
    g_free(pool->vfs);
    if (pool->index)
        g_hash_table_unref(pool->index);
    g_free(pool->path);
    g_free(pool->netname);
    g_free(pool);
}

static void
virNetworkVFPoolReportNoneFree(virNetworkVFPool *pool, size_t outside)
{
    if (outside > 0)
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network '%s' has no free VF: %zu of its %zu VFs are in use by its guests and %zu held outside the pool (by domains that name them directly); free one or add VFs to the pool"),
                       pool->netname, pool->nvfs - pool->nfree, pool->nvfs, outside);
    else
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network '%s' has no free VF: all %zu are in use; free one or add VFs to the pool"),
                       pool->netname, pool->nvfs);
}

int
virNetworkVFPoolPeek(virNetworkVFPool *pool, size_t skip, virNetworkVFHeldCheck held,
                     void *opaque, virPCIDeviceAddress *vf)
{
    size_t outside = 0;
    size_t i;

    /* in the order acquisitions take them */
    for (i = pool->nfree; i > 0; i--) {
        size_t slot = pool->freeStack[i - 1];
        int rc = held ? held(&pool->vfs[slot], opaque) : 0;

        if (rc < 0)
            return -1;
        if (rc > 0) {
            outside++;
        } else if (skip-- == 0) {
            *vf = pool->vfs[slot];
            return 0;
        }
    }
    virNetworkVFPoolReportNoneFree(pool, outside);
    return -1;
}

int
virNetworkVFPoolAcquire(virNetworkVFPool *pool, const char *owner,
                        virNetworkVFClaim claim, void *opaque, virPCIDeviceAddress *vf)
{
    size_t i;

    /* the top of the free stack first: O(1) unless VFs on top are held
     * outside the pool, which are skipped (and stay where they are) */
    for (i = pool->nfree; i > 0; i--) {
        size_t slot = pool->freeStack[i - 1];
        int rc;

        if ((rc = claim(&pool->vfs[slot], opaque)) < 0)
            return -1;
        if (rc == 0)
            continue;
        pool->owners[slot] = g_strdup(owner);
        if (virNetworkVFPoolWriteRecord(pool, slot) < 0) {
            g_clear_pointer(&pool->owners[slot], g_free);
            return -1;
        }
        memmove(&pool->freeStack[i - 1], &pool->freeStack[i],
                (pool->nfree - i) * sizeof(pool->freeStack[0]));
        pool->nfree--;
        *vf = pool->vfs[slot];
        return 0;
    }
    virNetworkVFPoolReportNoneFree(pool, pool->nfree);
    return -1;
}

int
virNetworkVFPoolRelease(virNetworkVFPool *pool, const virPCIDeviceAddress *vf,
                        const char *owner)
{
    ssize_t slot = virNetworkVFPoolSlot(pool, vf);
    g_autofree char *saved = NULL;

    if (slot < 0) {
        g_autofree char *addr = virNetworkVFPoolKey(vf);

        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("VF %s is not part of network '%s'"), addr, pool->netname);
        return -1;
    }
    if (!pool->owners[slot] || (owner && STRNEQ(pool->owners[slot], owner)))
        return 0;
    saved = g_steal_pointer(&pool->owners[slot]);
    if (virNetworkVFPoolWriteRecord(pool, slot) < 0) {
        pool->owners[slot] = g_steal_pointer(&saved);
        return -1;
    }
    pool->freeStack[pool->nfree++] = slot;
    return 1;
}

size_t
virNetworkVFPoolConnections(virNetworkVFPool *pool)
{
    return pool->nvfs - pool->nfree;
}

int
virNetworkVFPoolReconcile(virNetworkVFPool *pool, virNetworkVFOwnerCheck ownerAlive,
                          void *opaque)
{
    int released = 0;
    size_t i;

    for (i = 0; i < pool->nvfs; i++) {
        if (!pool->owners[i] || ownerAlive(pool->owners[i], &pool->vfs[i], opaque))
            continue;
        if (virNetworkVFPoolRelease(pool, &pool->vfs[i], NULL) < 0)
            return -1;
        released++;
    }
    return released;
}
