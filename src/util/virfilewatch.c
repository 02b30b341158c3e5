/*
 * virfilewatch.c: wait, bounded, for something to change in a directory
 */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "virfilewatch.h"

#define VIR_FROM_THIS VIR_FROM_NONE

struct _virFileWatch {
    int fd;
};

virFileWatch *
virFileWatchNew(const char *dir)
{
    g_autoptr(virFileWatch) watch = g_new0(virFileWatch, 1);

    if ((watch->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
        virReportSystemError(errno, "%s", _("cannot create an inotify instance"));
        return NULL;
    }
    if (inotify_add_watch(watch->fd, dir,
                          IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
                          IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB) < 0) {
        virReportSystemError(errno, _("cannot watch %s"), dir);
        return NULL;
    }
    return g_steal_pointer(&watch);
}

int
virFileWatchNext(virFileWatch *watch, gint64 deadline)
{
    for (;;) {
        gint64 now = g_get_monotonic_time();
        struct pollfd pfd = { watch->fd, POLLIN, 0 };
        char buf[4096];
        int rc;

        if (now >= deadline)
            return 0;
        rc = poll(&pfd, 1, (int)MIN((deadline - now + 999) / 1000, G_MAXINT));
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            virReportSystemError(errno, "%s", _("cannot wait for a change of files"));
            return -1;
        }
        if (rc == 0)
            return 0;
        /* the events themselves do not matter: the caller looks again */
        while (read(watch->fd, buf, sizeof(buf)) > 0)
            ;
        return 1;
    }
}

void
virFileWatchFree(virFileWatch *watch)
{
    if (!watch)
        return;
    /* an inotify instance's close waits for the kernel */
    virFileCloseInBackground(watch->fd);
    g_free(watch);
}
