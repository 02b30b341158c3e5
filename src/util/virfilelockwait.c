/*
 * virfilelockwait.c: an exclusive lock file taken with a bounded wait
 */
#include "internal.h"

#include <sys/file.h>
#include <sys/stat.h>

#include "virerror.h"
#include "virfile.h"
#include "virfilelockwait.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* Shared by the caller and the helper thread; the last of them frees it. */
typedef struct {
    GMutex lock;
    GCond cond;
    int refs;
    int fd;             /* owned by the thread until @done */
    bool done;          /* the thread has the lock (or failed: @err) */
    int err;
    bool abandoned;     /* the caller gave up: the thread drops the lock */
} virFileLockWaiter;

static void
virFileLockWaiterUnref(virFileLockWaiter *w)
{
    bool last;

    g_mutex_lock(&w->lock);
    last = --w->refs == 0;
    g_mutex_unlock(&w->lock);
    if (!last)
        return;
    g_cond_clear(&w->cond);
    g_mutex_clear(&w->lock);
    g_free(w);
}

static gpointer
virFileLockWaiterThread(gpointer opaque)
{
    virFileLockWaiter *w = opaque;
    int rc;
    int err = 0;

    while ((rc = flock(w->fd, LOCK_EX)) < 0 && errno == EINTR)
        ;
    if (rc < 0)
        err = errno;
    g_mutex_lock(&w->lock);
    if (w->abandoned) {
        /* nobody wants it any more */
        close(w->fd);
        w->fd = -1;
    } else {
        w->done = true;
        w->err = err;
        g_cond_broadcast(&w->cond);
    }
    g_mutex_unlock(&w->lock);
    virFileLockWaiterUnref(w);
    return NULL;
}

/* Wait for the flock on @fd (consumed) until @deadline: 1 taken (fd
 * still open, locked), 0 timeout, -1 error reported. */
static int
virFileLockWaitFd(int fd, gint64 deadline, const char *what, const char *path)
{
    virFileLockWaiter *w = g_new0(virFileLockWaiter, 1);
    int ret;

    g_mutex_init(&w->lock);
    g_cond_init(&w->cond);
    w->refs = 2;
    w->fd = fd;
    g_thread_unref(g_thread_new("lock-wait", virFileLockWaiterThread, w));

    g_mutex_lock(&w->lock);
    while (!w->done) {
        if (!g_cond_wait_until(&w->cond, &w->lock, deadline))
            break;
    }
    if (!w->done) {
        w->abandoned = true;
        ret = 0;
    } else if (w->err) {
        virReportSystemError(w->err, _("cannot lock %s '%s'"), what, path);
        close(w->fd);
        ret = -1;
    } else {
        ret = 1;
    }
    g_mutex_unlock(&w->lock);
    virFileLockWaiterUnref(w);
    return ret;
}

int
virFileLockWait(const char *path, gint64 deadline, const char *what)
{
    for (;;) {
        struct stat held, now;
        int fd;
        int rc;

        if ((fd = virFileOpenWrite(path, O_RDWR, 0600, what)) < 0)
            return -1;
        if ((rc = virFileTryLockFd(fd)) < 0) {
            close(fd);
            return -1;
        }
        if (rc == 0) {
            if (g_get_monotonic_time() >= deadline) {
                close(fd);
                return -2;
            }
            if ((rc = virFileLockWaitFd(fd, deadline, what, path)) <= 0)
                return rc == 0 ? -2 : -1;
        }
        if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
            held.st_ino == now.st_ino && held.st_dev == now.st_dev)
            return fd;
        /* removed by its holder meanwhile: take the new one */
        virFileUnlock(fd);
    }
}
