/*
 * virsriovsimserver.c: the kernel's side of a simulated SR-IOV host
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "virsriovsim.h"
#include "virsriovsimserver.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* how long Settle waits for the server */
#define VIR_SRIOV_SIM_SETTLE_SECONDS 30

typedef enum {
    VIR_SRIOV_SIM_WATCH_SIM,        /* SIM: removal, sync */
    VIR_SRIOV_SIM_WATCH_DEVICES,    /* devices/pci0000:00: new devices */
    VIR_SRIOV_SIM_WATCH_BUS,        /* bus/pci: drivers_probe */
    VIR_SRIOV_SIM_WATCH_DRIVER,     /* bus/pci/drivers/X: bind, unbind */
    VIR_SRIOV_SIM_WATCH_DEVICE,     /* devices/pci0000:00/ADDR: driver_override */
} virSRIOVSimWatchKind;

typedef struct {
    virSRIOVSimWatchKind kind;
    char *name;                     /* X or ADDR */
} virSRIOVSimWatch;

struct _virSRIOVSimServer {
    char *sim;
    char *sys;
    int ifd;
    int logfd;
    GHashTable *watches;            /* wd -> virSRIOVSimWatch */

    /* a started server */
    GThread *thread;
    int stopPipe[2];
    GMutex lock;
    GCond cond;
    bool running;                   /* its thread is handling writes */
    gint64 synced;                  /* the last number written to SIM/sync */
    GMutex settleLock;
    gint64 settleSeq;
};

static void
virSRIOVSimWatchFree(gpointer data)
{
    virSRIOVSimWatch *w = data;

    g_free(w->name);
    g_free(w);
}

static void G_GNUC_PRINTF(2, 3)
virSRIOVSimLog(virSRIOVSimServer *srv, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *line = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    line = g_strdup_printf("%s\n", msg);
    /* one write: lines of concurrent writers never mix */
    if (srv->logfd >= 0)
        (void)!virFileWriteAll(srv->logfd, line, strlen(line));
}

static int
virSRIOVSimAddWatch(virSRIOVSimServer *srv, const char *path, uint32_t mask,
                    virSRIOVSimWatchKind kind, const char *name, GError **error)
{
    virSRIOVSimWatch *w;
    int wd;

    if ((wd = inotify_add_watch(srv->ifd, path, mask | IN_ONLYDIR)) < 0) {
        int err = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot watch %s: %s%s"), path, g_strerror(err),
                    err == ENOSPC ? _(" (raise fs.inotify.max_user_watches)") : "");
        return -1;
    }
    w = g_new0(virSRIOVSimWatch, 1);
    w->kind = kind;
    w->name = g_strdup(name);
    g_hash_table_replace(srv->watches, GINT_TO_POINTER(wd), w);
    return 0;
}

/* Watch every subdirectory of @dir as @kind. */
static int
virSRIOVSimAddWatches(virSRIOVSimServer *srv, const char *dir,
                      virSRIOVSimWatchKind kind, GError **error)
{
    g_autoptr(GDir) d = NULL;
    const char *name;

    if (!(d = g_dir_open(dir, 0, error)))
        return -1;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (!g_file_test(path, G_FILE_TEST_IS_DIR) ||
            g_file_test(path, G_FILE_TEST_IS_SYMLINK))
            continue;
        if (virSRIOVSimAddWatch(srv, path, IN_CLOSE_WRITE, kind, name, error) < 0)
            return -1;
    }
    return 0;
}

virSRIOVSimServer *
virSRIOVSimServerNew(const char *sim, GError **error)
{
    g_autoptr(virSRIOVSimServer) srv = g_new0(virSRIOVSimServer, 1);
    g_autofree char *devices = NULL;
    g_autofree char *bus = NULL;
    g_autofree char *drivers = NULL;
    g_autofree char *log = NULL;

    srv->ifd = -1;
    srv->logfd = -1;
    srv->stopPipe[0] = srv->stopPipe[1] = -1;
    g_mutex_init(&srv->lock);
    g_cond_init(&srv->cond);
    g_mutex_init(&srv->settleLock);
    srv->watches = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                         virSRIOVSimWatchFree);
    srv->sim = g_canonicalize_filename(sim, NULL);
    srv->sys = g_build_filename(srv->sim, "sys", NULL);
    devices = g_build_filename(srv->sys, "devices", "pci0000:00", NULL);
    bus = g_build_filename(srv->sys, "bus", "pci", NULL);
    drivers = g_build_filename(bus, "drivers", NULL);

    if (!g_file_test(devices, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    _("%s is not a simulated host (no %s); make it with virt-sriov-sim --root ROOT --pf NAME --vfs N"),
                    srv->sim, devices);
        return NULL;
    }
    if (virSRIOVSimBus(srv->sys) < 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s",
                    virGetLastErrorMessage());
        return NULL;
    }
    log = g_build_filename(srv->sim, "serve.log", NULL);
    if ((srv->logfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
        int err = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot open %s: %s"), log, g_strerror(err));
        return NULL;
    }
    if ((srv->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
        int err = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot start inotify: %s"), g_strerror(err));
        return NULL;
    }
    /* new devices first, so that none made meanwhile is missed */
    if (virSRIOVSimAddWatch(srv, srv->sim,
                            IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF,
                            VIR_SRIOV_SIM_WATCH_SIM, NULL, error) < 0 ||
        virSRIOVSimAddWatch(srv, devices, IN_CREATE | IN_MOVED_TO,
                            VIR_SRIOV_SIM_WATCH_DEVICES, NULL, error) < 0 ||
        virSRIOVSimAddWatch(srv, bus, IN_CLOSE_WRITE,
                            VIR_SRIOV_SIM_WATCH_BUS, NULL, error) < 0 ||
        virSRIOVSimAddWatches(srv, drivers, VIR_SRIOV_SIM_WATCH_DRIVER, error) < 0 ||
        virSRIOVSimAddWatches(srv, devices, VIR_SRIOV_SIM_WATCH_DEVICE, error) < 0)
        return NULL;
    return g_steal_pointer(&srv);
}

/* The content of an attribute @dir/@name, emptied when @empty (a
 * write-only attribute); NULL when it cannot be read (logged). */
static char *
virSRIOVSimTake(virSRIOVSimServer *srv, const char *dir, const char *name, bool empty)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *content = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &content, NULL, &err)) {
        virSRIOVSimLog(srv, "%s: cannot read: %s", path, err->message);
        return NULL;
    }
    /* truncate(2), unlike an open for writing, makes no IN_CLOSE_WRITE */
    if (empty && *content && truncate(path, 0) < 0)
        virSRIOVSimLog(srv, "%s: cannot empty: %s", path, g_strerror(errno));
    return g_steal_pointer(&content);
}

static bool
virSRIOVSimFailBind(virSRIOVSimServer *srv, const char *addr)
{
    g_autofree char *path = g_build_filename(srv->sim, "fail-bind", NULL);
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return false;
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (STREQ(g_strstrip(lines[i]), addr))
            return true;
    }
    return false;
}

static bool
virSRIOVSimDeviceExists(virSRIOVSimServer *srv, const char *addr)
{
    g_autofree char *path = g_build_filename(srv->sys, "bus", "pci", "devices", addr, NULL);

    return !strchr(addr, '/') && *addr != '.' && virFileExists(path);
}

/* Bind @addr to @driver (NULL: probe) if the kernel would: NULL, or why
 * not (allocated). On success *@bound is the driver (allocated). */
static char *
virSRIOVSimTryBind(virSRIOVSimServer *srv, const char *addr, const char *driver,
                   char **bound)
{
    g_autofree char *cur = NULL;
    g_autofree char *override = NULL;
    const char *native;
    const char *want;

    if (!virSRIOVSimDeviceExists(srv, addr))
        return g_strdup("no such device");
    if ((cur = virSRIOVSimDriverOf(srv->sys, addr)))
        return g_strdup_printf("already bound to %s", cur);
    override = virSRIOVSimDriverOverride(srv->sys, addr);
    native = virSRIOVSimNativeDriver(srv->sys, addr);
    if (driver) {
        if (override && STRNEQ(override, driver))
            return g_strdup_printf("driver_override is %s", override);
        if (!override && STRNEQ_NULLABLE(native, driver))
            return g_strdup_printf("%s does not take this device and driver_override is unset",
                                   driver);
        want = driver;
    } else {
        want = override ? override : native;
        if (!want)
            return g_strdup("no driver takes this device");
    }
    if (virSRIOVSimFailBind(srv, addr))
        return g_strdup("in fail-bind");
    if (virSRIOVSimBind(srv->sys, addr, want) < 0) {
        char *why = g_strdup(virGetLastErrorMessage());

        virResetLastError();
        return why;
    }
    *bound = g_strdup(want);
    return NULL;
}

static void
virSRIOVSimHandleBind(virSRIOVSimServer *srv, const char *driver, const char *addr)
{
    g_autofree char *bound = NULL;
    g_autofree char *why = virSRIOVSimTryBind(srv, addr, driver, &bound);

    if (why)
        virSRIOVSimLog(srv, "bind %s to %s: refused: %s", addr, driver, why);
    else
        virSRIOVSimLog(srv, "bind %s to %s: bound", addr, driver);
}

static void
virSRIOVSimHandleProbe(virSRIOVSimServer *srv, const char *addr)
{
    g_autofree char *bound = NULL;
    g_autofree char *why = virSRIOVSimTryBind(srv, addr, NULL, &bound);

    if (why)
        virSRIOVSimLog(srv, "drivers_probe %s: refused: %s", addr, why);
    else
        virSRIOVSimLog(srv, "drivers_probe %s: bound to %s", addr, bound);
}

static void
virSRIOVSimHandleUnbind(virSRIOVSimServer *srv, const char *driver, const char *addr)
{
    g_autofree char *cur = NULL;

    if (!virSRIOVSimDeviceExists(srv, addr)) {
        virSRIOVSimLog(srv, "unbind %s from %s: refused: no such device", addr, driver);
        return;
    }
    cur = virSRIOVSimDriverOf(srv->sys, addr);
    if (!cur || STRNEQ(cur, driver)) {
        if (cur)
            virSRIOVSimLog(srv, "unbind %s from %s: refused: bound to %s", addr, driver, cur);
        else
            virSRIOVSimLog(srv, "unbind %s from %s: refused: not bound", addr, driver);
        return;
    }
    if (virSRIOVSimUnbind(srv->sys, addr) < 0) {
        virSRIOVSimLog(srv, "unbind %s from %s: refused: %s", addr, driver,
                       virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    virSRIOVSimLog(srv, "unbind %s from %s: unbound", addr, driver);
}

/* A write of addresses to @dir/@name: @func for each. */
static void
virSRIOVSimHandleAddresses(virSRIOVSimServer *srv, const char *dir, const char *name,
                           const char *driver)
{
    g_autofree char *content = virSRIOVSimTake(srv, dir, name, true);
    g_auto(GStrv) lines = NULL;
    bool any = false;
    size_t i;

    if (!content)
        return;
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *addr = g_strstrip(lines[i]);

        if (!*addr)
            continue;
        any = true;
        if (STREQ(name, "bind"))
            virSRIOVSimHandleBind(srv, driver, addr);
        else if (STREQ(name, "unbind"))
            virSRIOVSimHandleUnbind(srv, driver, addr);
        else
            virSRIOVSimHandleProbe(srv, addr);
    }
    if (!any) {
        if (driver)
            virSRIOVSimLog(srv, "%s %s: nothing written", name, driver);
        else
            virSRIOVSimLog(srv, "%s: nothing written", name);
    }
}

static void
virSRIOVSimHandleOverride(virSRIOVSimServer *srv, const char *addr)
{
    g_autofree char *dir = g_build_filename(srv->sys, "devices", "pci0000:00", addr, NULL);
    g_autofree char *path = g_build_filename(dir, "driver_override", NULL);
    g_autofree char *content = virSRIOVSimTake(srv, dir, "driver_override", false);
    g_autofree char *want = NULL;
    g_autofree char *value = NULL;

    if (!content)
        return;
    value = g_strdup(content);
    value[strcspn(value, "\n")] = '\0';
    g_strstrip(value);
    if (STREQ(value, "(null)"))
        value[0] = '\0';
    want = g_strdup_printf("%s\n", *value ? value : "(null)");
    /* a rename, which makes no IN_CLOSE_WRITE of driver_override */
    if (STRNEQ(content, want) &&
        virFileWriteStrRuntime(path, want, 0644) < 0) {
        virSRIOVSimLog(srv, "driver_override %s: cannot write: %s", addr,
                       virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    virSRIOVSimLog(srv, "driver_override %s: %s", addr, *value ? value : "(null)");
}

static void
virSRIOVSimHandleSync(virSRIOVSimServer *srv)
{
    g_autofree char *content = virSRIOVSimTake(srv, srv->sim, "sync", false);
    gint64 n;

    if (!content)
        return;
    g_strstrip(content);
    virSRIOVSimLog(srv, "sync %s", content);
    if (g_ascii_string_to_signed(content, 10, 0, G_MAXINT64, &n, NULL)) {
        g_mutex_lock(&srv->lock);
        srv->synced = MAX(srv->synced, n);
        g_cond_broadcast(&srv->cond);
        g_mutex_unlock(&srv->lock);
    }
}

/* One event: false when SIM is gone. */
static bool
virSRIOVSimHandleEvent(virSRIOVSimServer *srv, const struct inotify_event *ev)
{
    virSRIOVSimWatch *w = g_hash_table_lookup(srv->watches, GINT_TO_POINTER(ev->wd));
    const char *name = ev->len ? ev->name : "";
    g_autofree char *dir = NULL;

    if (ev->mask & IN_Q_OVERFLOW) {
        virSRIOVSimLog(srv, "inotify queue overflow: writes were lost");
        return true;
    }
    if (!w)
        return true;
    if (w->kind == VIR_SRIOV_SIM_WATCH_SIM &&
        (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)))
        return false;
    if (ev->mask & IN_IGNORED) {
        g_hash_table_remove(srv->watches, GINT_TO_POINTER(ev->wd));
        return true;
    }

    switch (w->kind) {
    case VIR_SRIOV_SIM_WATCH_SIM:
        if ((ev->mask & IN_CLOSE_WRITE) && STREQ(name, "sync"))
            virSRIOVSimHandleSync(srv);
        break;
    case VIR_SRIOV_SIM_WATCH_DEVICES:
        if ((ev->mask & IN_ISDIR) && *name) {
            g_autoptr(GError) err = NULL;

            dir = g_build_filename(srv->sys, "devices", "pci0000:00", name, NULL);
            if (virSRIOVSimAddWatch(srv, dir, IN_CLOSE_WRITE,
                                    VIR_SRIOV_SIM_WATCH_DEVICE, name, &err) < 0)
                virSRIOVSimLog(srv, "new device %s: %s", name, err->message);
        }
        break;
    case VIR_SRIOV_SIM_WATCH_BUS:
        if (STREQ(name, "drivers_probe")) {
            dir = g_build_filename(srv->sys, "bus", "pci", NULL);
            virSRIOVSimHandleAddresses(srv, dir, name, NULL);
        }
        break;
    case VIR_SRIOV_SIM_WATCH_DRIVER:
        if (STREQ(name, "bind") || STREQ(name, "unbind")) {
            dir = g_build_filename(srv->sys, "bus", "pci", "drivers", w->name, NULL);
            virSRIOVSimHandleAddresses(srv, dir, name, w->name);
        }
        break;
    case VIR_SRIOV_SIM_WATCH_DEVICE:
        if (STREQ(name, "driver_override"))
            virSRIOVSimHandleOverride(srv, w->name);
        break;
    }
    return true;
}

int
virSRIOVSimServerRun(virSRIOVSimServer *srv, int stopfd, GError **error)
{
    /* room for many events; aligned as struct inotify_event needs */
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = srv->ifd, .events = POLLIN },
            { .fd = stopfd, .events = POLLIN },
        };
        ssize_t len;
        char *p;
        int n;

        /* the timeout only notices a SIM removed without an event */
        if ((n = poll(fds, stopfd >= 0 ? 2 : 1, 1000)) < 0) {
            int err = errno;

            if (err == EINTR)
                continue;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot wait for writes to %s: %s"), srv->sys, g_strerror(err));
            return -1;
        }
        if (stopfd >= 0 && fds[1].revents)
            return 0;
        if (n == 0) {
            if (!g_file_test(srv->sim, G_FILE_TEST_IS_DIR))
                return 0;
            continue;
        }
        if ((len = read(srv->ifd, buf, sizeof(buf))) < 0) {
            int err = errno;

            if (err == EINTR || err == EAGAIN)
                continue;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        _("cannot read inotify events for %s: %s"), srv->sys,
                        g_strerror(err));
            return -1;
        }
        for (p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;

            if (!virSRIOVSimHandleEvent(srv, ev))
                return 0;
            p += sizeof(*ev) + ev->len;
        }
    }
}

static gpointer
virSRIOVSimServerThread(gpointer opaque)
{
    virSRIOVSimServer *srv = opaque;
    g_autoptr(GError) err = NULL;

    if (virSRIOVSimServerRun(srv, srv->stopPipe[0], &err) < 0)
        virSRIOVSimLog(srv, "stopped: %s", err->message);
    g_mutex_lock(&srv->lock);
    srv->running = false;
    g_cond_broadcast(&srv->cond);
    g_mutex_unlock(&srv->lock);
    return NULL;
}

virSRIOVSimServer *
virSRIOVSimServerStart(const char *sim, GError **error)
{
    g_autoptr(virSRIOVSimServer) srv = NULL;

    if (!(srv = virSRIOVSimServerNew(sim, error)))
        return NULL;
    if (!g_unix_open_pipe(srv->stopPipe, FD_CLOEXEC, error))
        return NULL;
    srv->running = true;
    srv->thread = g_thread_new("sriov-sim", virSRIOVSimServerThread, srv);
    return g_steal_pointer(&srv);
}

void
virSRIOVSimServerStop(virSRIOVSimServer *srv)
{
    if (!srv)
        return;
    if (srv->thread) {
        (void)!write(srv->stopPipe[1], "", 1);
        g_thread_join(srv->thread);
    }
    if (srv->stopPipe[0] >= 0)
        close(srv->stopPipe[0]);
    if (srv->stopPipe[1] >= 0)
        close(srv->stopPipe[1]);
    if (srv->ifd >= 0)
        close(srv->ifd);
    if (srv->logfd >= 0)
        close(srv->logfd);
    g_clear_pointer(&srv->watches, g_hash_table_unref);
    g_mutex_clear(&srv->lock);
    g_cond_clear(&srv->cond);
    g_mutex_clear(&srv->settleLock);
    g_free(srv->sim);
    g_free(srv->sys);
    g_free(srv);
}

int
virSRIOVSimServerSettle(virSRIOVSimServer *srv, GError **error)
{
    g_autofree char *path = g_build_filename(srv->sim, "sync", NULL);
    g_autofree char *text = NULL;
    gint64 deadline = g_get_monotonic_time() + VIR_SRIOV_SIM_SETTLE_SECONDS * G_TIME_SPAN_SECOND;
    gint64 seq;
    int ret = 0;

    /* one at a time: a later number must not be overwritten by an earlier */
    g_mutex_lock(&srv->settleLock);
    seq = ++srv->settleSeq;
    text = g_strdup_printf("%" G_GINT64_FORMAT "\n", seq);
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        (void)!virFileWriteStrRuntime(path, "", 0644);
    virResetLastError();
    if (virSRIOVSimWriteAttr(path, text, error) < 0) {
        g_mutex_unlock(&srv->settleLock);
        return -1;
    }
    g_mutex_lock(&srv->lock);
    while (srv->running && srv->synced < seq) {
        if (!g_cond_wait_until(&srv->cond, &srv->lock, deadline))
            break;
    }
    if (srv->synced < seq && srv->running) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    _("the simulated host's server did not handle the writes to %s within %d seconds"),
                    srv->sys, VIR_SRIOV_SIM_SETTLE_SECONDS);
        ret = -1;
    } else if (srv->synced < seq) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    _("the simulated host's server for %s has stopped"), srv->sys);
        ret = -1;
    }
    g_mutex_unlock(&srv->lock);
    g_mutex_unlock(&srv->settleLock);
    return ret;
}

int
virSRIOVSimServerWaitStopped(virSRIOVSimServer *srv, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + VIR_SRIOV_SIM_SETTLE_SECONDS * G_TIME_SPAN_SECOND;
    bool running;

    g_mutex_lock(&srv->lock);
    while (srv->running) {
        if (!g_cond_wait_until(&srv->cond, &srv->lock, deadline))
            break;
    }
    running = srv->running;
    g_mutex_unlock(&srv->lock);
    if (running) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    _("the simulated host's server for %s still runs after %d seconds"),
                    srv->sys, VIR_SRIOV_SIM_SETTLE_SECONDS);
        return -1;
    }
    return 0;
}

int
virSRIOVSimWriteAttr(const char *path, const char *value, GError **error)
{
    VIR_AUTOCLOSE int fd = -1;

    if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0 ||
        virFileWriteAll(fd, value, strlen(value)) < 0 ||
        close(g_steal_fd(&fd)) < 0) {
        int err = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    _("cannot write '%s' to %s: %s"), value, path, g_strerror(err));
        return -1;
    }
    return 0;
}
