/*
 * virrootlocktest.c: the root lock and the bounded lock file wait
 *
 * virRootLock: one owning thread at a time in a process, nesting by the
 * owner only, released by the owner's last release; a flock between open
 * files (processes); the generation sync says when another one changed
 * the root; a lock passed to another thread is held by it, from the
 * owner's hold to its release, for other threads and files alike.
 * virFileLockWait: a lock file taken at once when free, given
 * up at the deadline when held, taken when its holder lets go before the
 * deadline, and taken on the file at the path when the holder removed
 * the old one under its lock.
 */
#include "internal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virfilelockwait.h"
#include "virrootlock.h"

static char *dir;

typedef struct {
    virRootLock *lock;
    gint acquired;          /* atomic */
} testLocker;

static gpointer
testAcquireThread(gpointer opaque)
{
    testLocker *l = opaque;

    if (virRootLockAcquire(l->lock) < 0)
        return NULL;
    g_atomic_int_set(&l->acquired, 1);
    virRootLockRelease(l->lock);
    return NULL;
}

static int
testOwnerNests(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(dir, "nest.lock", NULL);
    virRootLock *lock = virRootLockNew(path);
    testLocker l = { lock, 0 };
    GThread *other;
    int ret = -1;

    if (!lock || virRootLockAcquire(lock) < 0 || virRootLockAcquire(lock) < 0)
        goto cleanup;
    if (!virRootLockIsOwner(lock)) {
        printf("#   the owner is not recorded\n");
        goto cleanup;
    }
    other = g_thread_new("other", testAcquireThread, &l);
    g_usleep(200 * 1000);
    virRootLockRelease(lock);
    g_usleep(200 * 1000);
    if (g_atomic_int_get(&l.acquired)) {
        printf("#   another thread took the lock while the owner still held it once\n");
        virRootLockRelease(lock);
        g_thread_join(other);
        goto cleanup;
    }
    virRootLockRelease(lock);
    g_thread_join(other);
    if (!g_atomic_int_get(&l.acquired) || virRootLockIsOwner(lock)) {
        printf("#   the other thread did not get the lock after the last release\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    virRootLockFree(lock);
    return ret;
}

typedef struct {
    virRootLock *lock;
    gint received;          /* atomic: it owns the lock */
    gint release;           /* atomic: the test lets it release */
} testReceiver;

static gpointer
testReceiveThread(gpointer opaque)
{
    testReceiver *r = opaque;

    virRootLockReceive(r->lock);
    if (virRootLockIsOwner(r->lock))
        g_atomic_int_set(&r->received, 1);
    while (!g_atomic_int_get(&r->release))
        g_usleep(10 * 1000);
    virRootLockRelease(r->lock);
    return NULL;
}

/* Can another open file of @path take its flock now? */
static bool
testFileFree(const char *path)
{
    VIR_AUTOCLOSE int fd = open(path, O_RDWR | O_CLOEXEC);

    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
        return false;
    flock(fd, LOCK_UN);
    return true;
}

static int
testPass(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(dir, "pass.lock", NULL);
    virRootLock *lock = virRootLockNew(path);
    testReceiver r = { lock, 0, 0 };
    testLocker l = { lock, 0 };
    GThread *receiver = NULL;
    GThread *other = NULL;
    int ret = -1;

    if (!lock || virRootLockAcquire(lock) < 0)
        goto cleanup;
    receiver = g_thread_new("receiver", testReceiveThread, &r);
    g_usleep(100 * 1000);
    if (g_atomic_int_get(&r.received)) {
        printf("#   the receiver owned the lock before it was passed\n");
        goto cleanup;
    }
    virRootLockPass(lock, receiver);
    if (virRootLockIsOwner(lock)) {
        printf("#   the thread that passed the lock still owns it\n");
        goto cleanup;
    }
    other = g_thread_new("other", testAcquireThread, &l);
    g_usleep(200 * 1000);
    if (!g_atomic_int_get(&r.received)) {
        printf("#   the receiver does not own the passed lock\n");
        goto cleanup;
    }
    if (g_atomic_int_get(&l.acquired)) {
        printf("#   another thread took the lock the receiver holds\n");
        goto cleanup;
    }
    if (testFileFree(path)) {
        printf("#   the lock file was free while the receiver held the lock\n");
        goto cleanup;
    }
    g_atomic_int_set(&r.release, 1);
    g_thread_join(g_steal_pointer(&receiver));
    g_thread_join(g_steal_pointer(&other));
    if (!g_atomic_int_get(&l.acquired) || !testFileFree(path)) {
        printf("#   the lock was not free after the receiver released it\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    g_atomic_int_set(&r.release, 1);
    if (receiver && !g_atomic_int_get(&r.received) && virRootLockIsOwner(lock))
        virRootLockPass(lock, receiver);
    if (receiver)
        g_thread_join(receiver);
    if (other)
        g_thread_join(other);
    virRootLockFree(lock);
    return ret;
}

static int
testProcessesExclude(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(dir, "proc.lock", NULL);
    virRootLock *lock = virRootLockNew(path);
    int fd = -1;
    int ret = -1;
    int rc;

    /* another open file of the lock: as another process holds it */
    if (!lock || (fd = open(path, O_RDWR | O_CLOEXEC)) < 0 || flock(fd, LOCK_EX) < 0)
        goto cleanup;
    if ((rc = virRootLockTryAcquire(lock)) != 0) {
        printf("#   try while another holder has it: %d, not 0\n", rc);
        if (rc == 1)
            virRootLockRelease(lock);
        goto cleanup;
    }
    if (virRootLockIsOwner(lock)) {
        printf("#   a failed try left an owner\n");
        goto cleanup;
    }
    flock(fd, LOCK_UN);
    if ((rc = virRootLockTryAcquire(lock)) != 1) {
        printf("#   try on a free lock: %d, not 1\n", rc);
        goto cleanup;
    }
    virRootLockRelease(lock);
    ret = 0;

 cleanup:
    if (fd >= 0)
        close(fd);
    virRootLockFree(lock);
    return ret;
}

static int
testGeneration(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(dir, "gen.lock", NULL);
    virRootLock *lock = virRootLockNew(path);
    int fd = -1;
    int ret = -1;

    if (!lock || (fd = virFileGenerationOpen(path)) < 0)
        goto cleanup;
    if (!virRootLockIsStale(lock)) {
        printf("#   never synced, yet not stale\n");
        goto cleanup;
    }
    if (virRootLockAcquire(lock) < 0)
        goto cleanup;
    virRootLockSynced(lock);
    virRootLockChanged(lock);
    virRootLockRelease(lock);
    if (virRootLockIsStale(lock)) {
        printf("#   stale after its own change\n");
        goto cleanup;
    }
    /* another process changes the root */
    if (virFileGenerationBump(fd, NULL) < 0)
        goto cleanup;
    if (!virRootLockIsStale(lock)) {
        printf("#   not stale after another process's change\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (fd >= 0)
        close(fd);
    virRootLockFree(lock);
    return ret;
}

typedef struct {
    int fd;
    char *path;
    bool removeFirst;
} testReleaser;

static gpointer
testReleaseLater(gpointer opaque)
{
    testReleaser *r = opaque;

    g_usleep(300 * 1000);
    if (r->removeFirst)
        unlink(r->path);
    virFileUnlock(r->fd);
    return NULL;
}

static int
testLockWait(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = g_build_filename(dir, "job.lock", NULL);
    testReleaser r = { -1, path, false };
    struct stat held, now;
    GThread *t;
    gint64 start;
    gint64 took;
    int fd;

    if ((fd = virFileLockWait(path, 0, "lock file")) < 0) {
        printf("#   a free lock was not taken at once: %d\n", fd);
        return -1;
    }
    r.fd = fd;
    start = g_get_monotonic_time();
    fd = virFileLockWait(path, start + 400 * 1000, "lock file");
    took = (g_get_monotonic_time() - start) / 1000;
    if (fd != -2 || took < 350 || took > 3000) {
        printf("#   a held lock: %d after %lld ms, not -2 after 400 ms\n", fd, (long long)took);
        return -1;
    }
    /* released before the deadline */
    t = g_thread_new("release", testReleaseLater, &r);
    start = g_get_monotonic_time();
    fd = virFileLockWait(path, start + 5000 * 1000, "lock file");
    took = (g_get_monotonic_time() - start) / 1000;
    g_thread_join(t);
    if (fd < 0 || took < 250 || took > 4000) {
        printf("#   a lock released after 300 ms: %d after %lld ms\n", fd, (long long)took);
        return -1;
    }
    /* removed by its holder under the lock: the new file is taken */
    r.fd = fd;
    r.removeFirst = true;
    t = g_thread_new("remove", testReleaseLater, &r);
    fd = virFileLockWait(path, g_get_monotonic_time() + 5000 * 1000, "lock file");
    g_thread_join(t);
    if (fd < 0 || fstat(fd, &held) < 0 || stat(path, &now) < 0 ||
        held.st_ino != now.st_ino) {
        printf("#   after the holder removed the file: %d, not a lock on the file at the path\n",
               fd);
        return -1;
    }
    virFileUnlock(fd);
    return 0;
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;

    if (!(dir = g_dir_make_tmp("virrootlocktest.XXXXXX", &gerr))) {
        printf("# cannot make a directory: %s\n", gerr->message);
        return -1;
    }
    virTestRun("the owner nests, others wait for its last release", testOwnerNests, NULL);
    virTestRun("another holder of the file excludes a try", testProcessesExclude, NULL);
    virTestRun("a passed lock is held by its receiver until it releases it", testPass, NULL);
    virTestRun("the generation tells another process's change", testGeneration, NULL);
    virTestRun("a lock file is waited for until a deadline", testLockWait, NULL);
    virFileDeleteTree(dir);
    g_free(dir);
    return 0;
}

VIR_TEST_MAIN(mymain)
