/*
 * virfile.h: files: atomic writes, reading, directories, locks
 */
#pragma once

#include "internal.h"

/* A file descriptor closed when its variable goes out of scope:
 *     VIR_AUTOCLOSE int fd = -1;
 * errno is kept across that close. To keep the fd (return it, store it),
 * take it with g_steal_fd(&fd); where the result of close() matters (the
 * end of a write), close(g_steal_fd(&fd)) and check it. */
static inline void
virFileAutoClose(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;

        close(*fd);
        errno = saved;
    }
}
#define VIR_AUTOCLOSE __attribute__((cleanup(virFileAutoClose)))

/* Write @len bytes of @data to @path through a temporary file in the same
 * directory, fsync it and rename it over @path, so readers see either the
 * old or the new content. The file gets @mode. */
int virFileWriteAtomic(const char *path, const char *data, size_t len,
                       mode_t mode);
int virFileWriteStrAtomic(const char *path, const char *str, mode_t mode);
/* The same without the fsync, for runtime state under ROOT/run (status of
 * running guests, VF allocations, saved VF settings): readers still see
 * the old or the new content even if the writer dies, but the file need
 * not survive a crash of the host, which ends every guest anyway. */
int virFileWriteStrRuntime(const char *path, const char *str, mode_t mode);
/* Create @path holding @str unless it exists: 1 created, 0 it exists (left
 * as it is), -1 error. Nobody ever sees @path half-written, and of
 * processes racing to create it exactly one succeeds. Runtime state: no
 * fsync, as virFileWriteStrRuntime. */
int virFileCreateStrRuntime(const char *path, const char *str, mode_t mode);

/* The temporary file of those writes is PATH.tmp.PID.START.XXXXXX: PID
 * and START the identity of the writing process (virprocess.h), XXXXXX
 * random. */
#define VIR_FILE_ATOMIC_TEMP_TAG "tmp"
typedef struct _virProcessIdentity virProcessIdentity;
/* Is @name (a file name, no directory) such a temporary file? Then
 * *@writer is its writer. */
bool virFileAtomicTempParse(const char *name, virProcessIdentity *writer);
/* Call @func for each temporary file of an atomic write in @dir and below
 * whose writer is gone (killed while writing); those of live writers are
 * writes under way. Symbolic links are not followed. */
typedef void (*virFileStaleTempFunc)(const char *path, const virProcessIdentity *writer,
                                     void *opaque);
void virFileForEachStaleTemp(const char *dir, virFileStaleTempFunc func, void *opaque);
/* Remove those files. Returns how many were removed; nothing is
 * reported. */
int virFileRemoveStaleTemps(const char *dir);

/* Write all of @data to @fd, retrying on EINTR and, for a non-blocking
 * fd, waiting until it is writable. Returns 0, or -1 with errno set. */
int virFileWriteAll(int fd, const char *data, size_t len);
/* The same on a connected socket, where a closed peer gives EPIPE
 * instead of SIGPIPE. */
int virFileSendAll(int fd, const char *data, size_t len);

/* Close @fd in a thread of its own, for a close that waits: the close of
 * an inotify instance waits for a grace period of the kernel's (fsnotify
 * destroys its marks under SRCU), 4 to 18 ms measured on the test host.
 * Nobody may use @fd after this call. */
void virFileCloseInBackground(int fd);

/* A wake-up pipe: a thread polls fds[0] along with what it waits for,
 * another interrupts that poll. Close-on-exec, both ends non-blocking;
 * 0, or -1 with errno set (fds[] then -1). */
int virFileWakeupPipe(int fds[2]);
/* Wake the thread that polls the read end of the pipe whose write end is
 * @fd (a full pipe wakes it as well). */
void virFileWakeupSend(int fd);
/* Empty the read end @fd, once its poll said so. */
void virFileWakeupDrain(int fd);

/* Read a whole file, at most @maxlen bytes (error if larger). */
int virFileReadAll(const char *path, size_t maxlen, char **buf);

/* Create a directory and its parents with @mode. A leading component
 * that is a symbolic link to nothing gets its target made first (0755),
 * with its parents: a root's run/ linked into a tmpfs after a reboot. */
int virFileMakePath(const char *path, mode_t mode);

/* Remove a file; a file that does not exist is not an error. */
int virFileRemove(const char *path);

bool virFileExists(const char *path);

/* Remove @dir and everything below it (symlinks are not followed). */
int virFileDeleteTree(const char *dir);

/* Open @path for writing the way every file under a root is opened:
 * created with @mode if missing, never through a symbolic link (a link
 * planted in place of a log, lock or state file must not redirect our
 * writes to its target) and only if it is a regular file (a FIFO would
 * block). @flags: O_WRONLY or O_RDWR, plus O_APPEND or O_TRUNC if wanted;
 * O_CREAT, O_NOFOLLOW and O_CLOEXEC are added. Returns the fd, or -1 with
 * an error reported that names @what ("log file", "lock file", ...).
 * Whole files are replaced with virFileWriteAtomic & co instead, whose
 * temporary file is created exclusively and renamed over a link, never
 * written through it. */
int virFileOpenWrite(const char *path, int flags, mode_t mode, const char *what);

/* Open @path (created if needed) and take an exclusive flock on it; returns
 * the fd to pass to virFileUnlock, or -1 with an error reported. */
int virFileLockPath(const char *path, bool shared);
void virFileUnlock(int fd);

/* A lock file that also carries a generation counter: writers bump it
 * (under the exclusive lock) after each change to the state it guards,
 * readers compare it with the value they last saw to know whether to
 * re-read that state. Cheaper and more precise than directory mtimes,
 * whose granularity is a kernel tick. */
int virFileGenerationOpen(const char *path);
guint64 virFileGenerationRead(int fd);
int virFileGenerationBump(int fd, guint64 *generation);
int virFileLockFd(int fd, bool shared);
/* An exclusive lock on @fd if nobody holds one: 1 taken, 0 busy, -1 error. */
int virFileTryLockFd(int fd);
void virFileUnlockFd(int fd);

/* Make the name safe as one path component: refuse "/" and leading ".". */
bool virFileIsSafeComponent(const char *name);

/* The names of the entries of directory @dir that end in @suffix (hidden
 * ones, starting with '.', left out), sorted by strcmp: the same order in
 * every process. An empty list when @dir does not exist; NULL with an
 * error when it cannot be read. */
GPtrArray *virFileListDirSorted(const char *dir, const char *suffix);
