/*
 * virfile.c: files: atomic writes, reading, directories, locks
 */
#include "internal.h"

#include <dirent.h>
#include <glib-unix.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* @socket: send with MSG_NOSIGNAL, so a peer that went away is an EPIPE
 * error rather than a SIGPIPE that kills the process */
static int
virFileWriteAllTo(int fd, const char *data, size_t len, bool socket)
{
    while (len > 0) {
        ssize_t n = socket ? send(fd, data, len, MSG_NOSIGNAL) : write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = { .fd = fd, .events = POLLOUT };

                poll(&pfd, 1, 1000);
                continue;
            }
            return -1;
        }
        data += n;
        len -= n;
    }
    return 0;
}

int
virFileWriteAll(int fd, const char *data, size_t len)
{
    return virFileWriteAllTo(fd, data, len, false);
}

static void
virFileCloserRun(gpointer data, gpointer opaque G_GNUC_UNUSED)
{
    close(GPOINTER_TO_INT(data) - 1);
}

void
virFileCloseInBackground(int fd)
{
    /* one thread for the whole process, made at the first use */
    static GThreadPool *closer;
    static gsize made;

    if (fd < 0)
        return;
    if (g_once_init_enter(&made)) {
        closer = g_thread_pool_new(virFileCloserRun, NULL, 1, FALSE, NULL);
        g_once_init_leave(&made, 1);
    }
    if (!closer || !g_thread_pool_push(closer, GINT_TO_POINTER(fd + 1), NULL))
        close(fd);
}

int
virFileWakeupPipe(int fds[2])
{
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, NULL)) {
        fds[0] = fds[1] = -1;
        return -1;
    }
    if (!g_unix_set_fd_nonblocking(fds[0], TRUE, NULL) ||
        !g_unix_set_fd_nonblocking(fds[1], TRUE, NULL)) {
        int err = errno;

        close(fds[0]);
        close(fds[1]);
        fds[0] = fds[1] = -1;
        errno = err;
        return -1;
    }
    return 0;
}

void
virFileWakeupSend(int fd)
{
    char c = 0;

    if (write(fd, &c, 1) < 0) {
        /* EAGAIN: full, so the reader wakes anyway */
    }
}

void
virFileWakeupDrain(int fd)
{
    char buf[64];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

int
virFileSendAll(int fd, const char *data, size_t len)
{
    return virFileWriteAllTo(fd, data, len, true);
}

/* The identity of this process, for the names of its temporary files
 * (looked up again in a child after fork) */
static bool
virFileTempWriter(virProcessIdentity *self)
{
    static virProcessIdentity cached;
    G_LOCK_DEFINE_STATIC(cached);
    bool ok = true;

    G_LOCK(cached);
    if (cached.pid != getpid()) {
        virProcessIdentity now;

        if (virProcessIdentityGet(getpid(), &now) == 0)
            cached = now;
        else
            ok = false;
    }
    *self = cached;
    G_UNLOCK(cached);
    return ok;
}

bool
virFileAtomicTempParse(const char *name, virProcessIdentity *writer)
{
    g_auto(GStrv) parts = g_strsplit(name, ".", -1);
    guint n = g_strv_length(parts);
    int pid;
    unsigned long long start;
    size_t i;

    /* NAME . tmp . PID . START . XXXXXX, NAME not empty */
    if (n < 5 || !*parts[0] || STRNEQ(parts[n - 4], VIR_FILE_ATOMIC_TEMP_TAG) ||
        strlen(parts[n - 1]) != 6 ||
        virStrToLong_i(parts[n - 3], NULL, 10, &pid) < 0 || pid <= 0 ||
        virStrToLong_ull(parts[n - 2], NULL, 10, &start) < 0)
        return false;
    for (i = 0; parts[n - 1][i]; i++) {
        if (!g_ascii_isalnum(parts[n - 1][i]))
            return false;
    }
    writer->pid = pid;
    writer->startTime = start;
    return true;
}

/* Runs at every first open of a root, over its whole tree (thousands of
 * entries with a simulated SR-IOV host): the type comes from the
 * directory entry and the name is checked before anything is stat'ed. */
static void
virFileForEachStaleTempIn(const char *dir, int depth, virFileStaleTempFunc func,
                          void *opaque)
{
    DIR *d;
    struct dirent *ent;

    if (depth > 16 || !(d = opendir(dir)))
        return;
    while ((ent = readdir(d))) {
        g_autofree char *path = NULL;
        virProcessIdentity writer;
        unsigned char type = ent->d_type;
        struct stat sb;

        if (STREQ(ent->d_name, ".") || STREQ(ent->d_name, ".."))
            continue;
        if (type != DT_DIR && type != DT_UNKNOWN &&
            (type != DT_REG || !virFileAtomicTempParse(ent->d_name, &writer)))
            continue;
        path = g_build_filename(dir, ent->d_name, NULL);
        if (type == DT_UNKNOWN) {
            if (lstat(path, &sb) < 0)
                continue;
            if (S_ISDIR(sb.st_mode))
                type = DT_DIR;
            else if (S_ISREG(sb.st_mode) && virFileAtomicTempParse(ent->d_name, &writer))
                type = DT_REG;
            else
                continue;
        }
        if (type == DT_DIR)
            virFileForEachStaleTempIn(path, depth + 1, func, opaque);
        /* a writer alive is still writing it */
        else if (!virProcessIdentityIsAlive(&writer))
            func(path, &writer, opaque);
    }
    closedir(d);
}

void
virFileForEachStaleTemp(const char *dir, virFileStaleTempFunc func, void *opaque)
{
    virFileForEachStaleTempIn(dir, 0, func, opaque);
}

static void
virFileRemoveStaleTemp(const char *path, const virProcessIdentity *writer G_GNUC_UNUSED,
                       void *opaque)
{
    int *removed = opaque;

    if (unlink(path) == 0)
        (*removed)++;
}

int
virFileRemoveStaleTemps(const char *dir)
{
    int removed = 0;

    virFileForEachStaleTemp(dir, virFileRemoveStaleTemp, &removed);
    return removed;
}

/* A complete temporary file next to @path holding @data (its name is
 * returned), not yet visible under @path. Its name carries the identity
 * of this process, so that once it is gone, a file left by its death is
 * known for a leftover (virFileRemoveStaleTemps). */
static char *
virFileWriteTemp(const char *path, const char *data, size_t len, mode_t mode,
                 bool durable)
{
    g_autofree char *tmp = NULL;
    virProcessIdentity self;
    VIR_AUTOCLOSE int fd = -1;

    if (!virFileTempWriter(&self))
        return NULL;
    tmp = g_strdup_printf("%s." VIR_FILE_ATOMIC_TEMP_TAG ".%lld.%llu.XXXXXX", path,
                          (long long)self.pid, self.startTime);

    if ((fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode)) < 0) {
        virReportSystemError(errno, _("cannot create temporary file for '%s'"), path);
        return NULL;
    }
    if (fchmod(fd, mode) < 0 ||
        virFileWriteAll(fd, data, len) < 0 ||
        (durable && fdatasync(fd) < 0)) {
        virReportSystemError(errno, _("cannot write '%s'"), tmp);
        unlink(tmp);
        return NULL;
    }
    if (close(g_steal_fd(&fd)) < 0) {
        virReportSystemError(errno, _("cannot write '%s'"), tmp);
        unlink(tmp);
        return NULL;
    }
    return g_steal_pointer(&tmp);
}

static int
virFileWriteReplace(const char *path, const char *data, size_t len, mode_t mode,
                    bool durable)
{
    g_autofree char *tmp = NULL;

    if (!(tmp = virFileWriteTemp(path, data, len, mode, durable)))
        return -1;
    if (rename(tmp, path) < 0) {
        virReportSystemError(errno, _("cannot rename '%s' to '%s'"), tmp, path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

int
virFileWriteAtomic(const char *path, const char *data, size_t len, mode_t mode)
{
    return virFileWriteReplace(path, data, len, mode, true);
}

int
virFileWriteStrAtomic(const char *path, const char *str, mode_t mode)
{
    return virFileWriteReplace(path, str, strlen(str), mode, true);
}

int
virFileWriteStrRuntime(const char *path, const char *str, mode_t mode)
{
    return virFileWriteReplace(path, str, strlen(str), mode, false);
}

int
virFileCreateStrRuntime(const char *path, const char *str, mode_t mode)
{
    g_autofree char *tmp = NULL;
    int rc = 1;

    if (!(tmp = virFileWriteTemp(path, str, strlen(str), mode, false)))
        return -1;
    /* link(), unlike rename(), never replaces an existing @path */
    if (link(tmp, path) < 0) {
        if (errno == EEXIST) {
            rc = 0;
        } else {
            virReportSystemError(errno, _("cannot create '%s'"), path);
            rc = -1;
        }
    }
    unlink(tmp);
    return rc;
}

int
virFileReadAll(const char *path, size_t maxlen, char **buf)
{
    g_autoptr(GString) data = g_string_sized_new(4096);
    char chunk[8192];
    VIR_AUTOCLOSE int fd = -1;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, _("cannot read file '%s'"), path);
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            virReportSystemError(errno, _("cannot read file '%s'"), path);
            return -1;
        }
        if (n == 0)
            break;
        if (data->len + n > maxlen) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("file '%s' is larger than %zu bytes"), path, maxlen);
            return -1;
        }
        g_string_append_len(data, chunk, n);
    }
    *buf = g_string_free(g_steal_pointer(&data), FALSE);
    return (int)strlen(*buf);
}

/* The target of @path if @path is a symbolic link to nothing, made
 * absolute; NULL otherwise. */
static char *
virFileDanglingLinkTarget(const char *path)
{
    g_autofree char *target = NULL;
    g_autofree char *dir = NULL;
    struct stat sb;

    if (lstat(path, &sb) < 0 || !S_ISLNK(sb.st_mode) ||
        stat(path, &sb) == 0 || errno != ENOENT ||
        !(target = g_file_read_link(path, NULL)))
        return NULL;
    if (g_path_is_absolute(target))
        return g_steal_pointer(&target);
    dir = g_path_get_dirname(path);
    return g_build_filename(dir, target, NULL);
}

/* Make the missing target (mode 0755) of the first symbolic link to
 * nothing among the leading components of @path. 1 made, 0 none such,
 * -1 the target could not be made (errno set). */
static int
virFileMakeLinkTarget(const char *path)
{
    g_autofree char *prefix = g_strdup(path);
    char *slash = prefix;

    do {
        g_autofree char *target = NULL;

        if ((slash = strchr(slash + 1, '/')))
            *slash = '\0';
        target = virFileDanglingLinkTarget(prefix);
        if (slash)
            *slash = '/';
        if (target)
            return g_mkdir_with_parents(target, 0755) < 0 ? -1 : 1;
    } while (slash);
    return 0;
}

int
virFileMakePath(const char *path, mode_t mode)
{
    int err;

    if (g_mkdir_with_parents(path, mode) == 0)
        return 0;
    err = errno;
    /* a directory on a tmpfs that a reboot emptied, behind a link that
     * stayed on the disk (a root's run/: docs/daemon.rst) */
    if (err == ENOENT || err == ENOTDIR) {
        int rc = virFileMakeLinkTarget(path);

        if (rc > 0 && g_mkdir_with_parents(path, mode) == 0)
            return 0;
        if (rc != 0)
            err = errno;
    }
    virReportSystemError(err, _("cannot create directory '%s'"), path);
    return -1;
}

int
virFileRemove(const char *path)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove '%s'"), path);
        return -1;
    }
    return 0;
}

int
virFileDeleteTree(const char *dir)
{
    g_autoptr(GDir) dh = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *ent;

    if (!(dh = g_dir_open(dir, 0, &gerr))) {
        if (g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 0;
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot open directory '%s': %s"),
                       dir, gerr->message);
        return -1;
    }
    while ((ent = g_dir_read_name(dh))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        struct stat sb;

        if (lstat(path, &sb) < 0) {
            virReportSystemError(errno, _("cannot stat '%s'"), path);
            return -1;
        }
        if (S_ISDIR(sb.st_mode)) {
            if (virFileDeleteTree(path) < 0)
                return -1;
        } else if (unlink(path) < 0) {
            virReportSystemError(errno, _("cannot remove '%s'"), path);
            return -1;
        }
    }
    if (rmdir(dir) < 0) {
        virReportSystemError(errno, _("cannot remove directory '%s'"), dir);
        return -1;
    }
    return 0;
}

bool
virFileExists(const char *path)
{
    return access(path, F_OK) == 0;
}

int
virFileOpenWrite(const char *path, int flags, mode_t mode, const char *what)
{
    struct stat sb;
    VIR_AUTOCLOSE int fd = -1;

    /* O_NONBLOCK only for the open itself, so that a FIFO does not wait
     * for a reader before we can refuse it */
    if ((fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                   mode)) < 0) {
        if (errno == ELOOP)
            virReportError(VIR_ERR_OPERATION_DENIED,
                           _("%s '%s' is a symbolic link: refusing to write through it; remove the link"),
                           what, path);
        else
            virReportSystemError(errno, _("cannot open %s '%s'"), what, path);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        virReportSystemError(errno, _("cannot stat %s '%s'"), what, path);
    } else if (!S_ISREG(sb.st_mode)) {
        virReportError(VIR_ERR_OPERATION_DENIED,
                       _("%s '%s' is not a regular file: remove it"), what, path);
    } else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
        virReportSystemError(errno, _("cannot open %s '%s'"), what, path);
    } else {
        return g_steal_fd(&fd);
    }
    return -1;
}

int
virFileLockPath(const char *path, bool shared)
{
    VIR_AUTOCLOSE int fd = virFileOpenWrite(path, O_RDWR, 0600, _("lock file"));

    if (fd < 0)
        return -1;
    while (flock(fd, shared ? LOCK_SH : LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        virReportSystemError(errno, _("cannot lock '%s'"), path);
        return -1;
    }
    return g_steal_fd(&fd);
}

void
virFileUnlock(int fd)
{
    if (fd < 0)
        return;
    flock(fd, LOCK_UN);
    close(fd);
}

int
virFileGenerationOpen(const char *path)
{
    return virFileOpenWrite(path, O_RDWR, 0600, _("lock file"));
}

guint64
virFileGenerationRead(int fd)
{
    guint64 gen = 0;

    if (pread(fd, &gen, sizeof(gen), 0) != sizeof(gen))
        return 0;
    return gen;
}

int
virFileGenerationBump(int fd, guint64 *generation)
{
    guint64 gen = virFileGenerationRead(fd) + 1;

    if (pwrite(fd, &gen, sizeof(gen), 0) != sizeof(gen)) {
        virReportSystemError(errno, "%s", _("cannot update generation counter"));
        return -1;
    }
    if (generation)
        *generation = gen;
    return 0;
}

int
virFileLockFd(int fd, bool shared)
{
    while (flock(fd, shared ? LOCK_SH : LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        virReportSystemError(errno, "%s", _("cannot take file lock"));
        return -1;
    }
    return 0;
}

int
virFileTryLockFd(int fd)
{
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK)
            return 0;
        virReportSystemError(errno, "%s", _("cannot take file lock"));
        return -1;
    }
    return 1;
}

void
virFileUnlockFd(int fd)
{
    if (fd >= 0)
        flock(fd, LOCK_UN);
}

bool
virFileIsSafeComponent(const char *name)
{
    return name && *name && name[0] != '.' && !strchr(name, '/');
}

static gint
virFileCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

GPtrArray *
virFileListDirSorted(const char *dir, const char *suffix)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dh = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *ent;

    if (!(dh = g_dir_open(dir, 0, &gerr))) {
        if (g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return g_steal_pointer(&names);
        virReportError(VIR_ERR_SYSTEM_ERROR, _("cannot read directory '%s': %s"),
                       dir, gerr->message);
        return NULL;
    }
    while ((ent = g_dir_read_name(dh))) {
        if (ent[0] != '.' && g_str_has_suffix(ent, suffix))
            g_ptr_array_add(names, g_strdup(ent));
    }
    g_ptr_array_sort(names, virFileCompareNames);
    return g_steal_pointer(&names);
}
