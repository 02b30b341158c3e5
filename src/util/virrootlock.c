/*
 * virrootlock.c: the lock of a root's shared state, and the registry of
 * per-root driver states of a process
 */
#include "internal.h"

#include "virerror.h"
#include "virfile.h"
#include "virrootlock.h"

#define VIR_FROM_THIS VIR_FROM_NONE

struct _virRootLock {
    GMutex lock;            /* guards the fields below but @fd */
    GCond cond;             /* signalled when @owner changes: NULL, or passed */
    GThread *owner;         /* the thread holding the lock, or NULL */
    int depth;              /* nesting of the owner */
    guint64 generation;     /* of the root, as this process last read it */
    bool synced;            /* @generation is meaningful */
    int fd;                 /* flock'ed while owned; holds the generation */
};

virRootLock *
virRootLockNew(const char *path)
{
    virRootLock *lock = g_new0(virRootLock, 1);

    if ((lock->fd = virFileGenerationOpen(path)) < 0) {
        g_free(lock);
        return NULL;
    }
    g_mutex_init(&lock->lock);
    g_cond_init(&lock->cond);
    return lock;
}

void
virRootLockFree(virRootLock *lock)
{
    if (!lock)
        return;
    g_assert(!lock->owner);
    close(lock->fd);
    g_cond_clear(&lock->cond);
    g_mutex_clear(&lock->lock);
    g_free(lock);
}

/* Become the owning thread in this process: 1 newly, 0 nested. */
static int
virRootLockTakeThread(virRootLock *lock)
{
    GThread *self = g_thread_self();
    int ret = 1;

    g_mutex_lock(&lock->lock);
    if (lock->owner == self) {
        lock->depth++;
        ret = 0;
    } else {
        while (lock->owner)
            g_cond_wait(&lock->cond, &lock->lock);
        lock->owner = self;
        lock->depth = 1;
    }
    g_mutex_unlock(&lock->lock);
    return ret;
}

static void
virRootLockDropThread(virRootLock *lock)
{
    g_mutex_lock(&lock->lock);
    lock->owner = NULL;
    lock->depth = 0;
    g_cond_broadcast(&lock->cond);
    g_mutex_unlock(&lock->lock);
}

int
virRootLockAcquire(virRootLock *lock)
{
    if (virRootLockTakeThread(lock) == 0)
        return 0;
    if (virFileLockFd(lock->fd, false) < 0) {
        virRootLockDropThread(lock);
        return -1;
    }
    return 0;
}

int
virRootLockTryAcquire(virRootLock *lock)
{
    int rc;

    if (virRootLockTakeThread(lock) == 0)
        return 1;
    if ((rc = virFileTryLockFd(lock->fd)) <= 0)
        virRootLockDropThread(lock);
    return rc;
}

void
virRootLockRelease(virRootLock *lock)
{
    bool last;

    g_mutex_lock(&lock->lock);
    /* only the owner releases: anything else is a bug in the caller */
    g_assert(lock->owner == g_thread_self() && lock->depth > 0);
    last = --lock->depth == 0;
    g_mutex_unlock(&lock->lock);
    if (!last)
        return;
    virFileUnlockFd(lock->fd);
    virRootLockDropThread(lock);
}

bool
virRootLockIsOwner(virRootLock *lock)
{
    bool ret;

    g_mutex_lock(&lock->lock);
    ret = lock->owner == g_thread_self();
    g_mutex_unlock(&lock->lock);
    return ret;
}

void
virRootLockPass(virRootLock *lock, GThread *to)
{
    g_mutex_lock(&lock->lock);
    g_assert(lock->owner == g_thread_self() && lock->depth == 1);
    lock->owner = to;
    g_cond_broadcast(&lock->cond);
    g_mutex_unlock(&lock->lock);
}

void
virRootLockReceive(virRootLock *lock)
{
    GThread *self = g_thread_self();

    g_mutex_lock(&lock->lock);
    while (lock->owner != self)
        g_cond_wait(&lock->cond, &lock->lock);
    g_mutex_unlock(&lock->lock);
}

bool
virRootLockIsStale(virRootLock *lock)
{
    guint64 gen = virFileGenerationRead(lock->fd);
    bool stale;

    g_mutex_lock(&lock->lock);
    stale = !lock->synced || gen != lock->generation;
    g_mutex_unlock(&lock->lock);
    return stale;
}

guint64
virRootLockGeneration(virRootLock *lock)
{
    return virFileGenerationRead(lock->fd);
}

void
virRootLockSynced(virRootLock *lock)
{
    guint64 gen = virFileGenerationRead(lock->fd);

    g_mutex_lock(&lock->lock);
    g_assert(lock->owner == g_thread_self());
    lock->generation = gen;
    lock->synced = true;
    g_mutex_unlock(&lock->lock);
}

void
virRootLockChanged(virRootLock *lock)
{
    guint64 gen;
    int rc;

    g_assert(virRootLockIsOwner(lock));
    rc = virFileGenerationBump(lock->fd, &gen);
    g_mutex_lock(&lock->lock);
    if (rc < 0) {
        /* the others will not notice; read everything again next time */
        virResetLastError();
        lock->synced = false;
    } else if (lock->synced && gen == lock->generation + 1) {
        /* nobody else changed the root since we read it */
        lock->generation = gen;
    }
    g_mutex_unlock(&lock->lock);
}

void
virRootLockInvalidate(virRootLock *lock)
{
    g_mutex_lock(&lock->lock);
    lock->synced = false;
    g_mutex_unlock(&lock->lock);
}

/* ------------------------------------------------------------------ */
/* Registry                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
    void *state;
    int refs;
} virRootRegistryEntry;

void *
virRootRegistryGet(virRootRegistry *reg, const char *root, virRootStateNew create,
                   bool *created)
{
    virRootRegistryEntry *entry;
    void *state = NULL;

    if (created)
        *created = false;
    g_mutex_lock(&reg->lock);
    if (!reg->states)
        reg->states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if ((entry = g_hash_table_lookup(reg->states, root))) {
        entry->refs++;
        state = entry->state;
    } else if ((state = create(root))) {
        entry = g_new0(virRootRegistryEntry, 1);
        entry->state = state;
        entry->refs = 1;
        g_hash_table_insert(reg->states, g_strdup(root), entry);
        if (created)
            *created = true;
    }
    g_mutex_unlock(&reg->lock);
    return state;
}

void
virRootRegistryPut(virRootRegistry *reg, const char *root, void *state,
                   virRootStateFree destroy)
{
    virRootRegistryEntry *entry;
    bool last = false;

    g_mutex_lock(&reg->lock);
    entry = g_hash_table_lookup(reg->states, root);
    g_assert(entry && entry->state == state);
    if (--entry->refs == 0) {
        g_hash_table_remove(reg->states, root);
        last = true;
    }
    g_mutex_unlock(&reg->lock);
    if (last)
        destroy(state);
}
