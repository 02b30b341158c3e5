/*
 * virfiletest.c: files under a root are never written through a link
 *
 * virFileOpenWrite is how every log, lock and record file under a root
 * is opened: it creates a missing file with the mode asked for, appends
 * to an existing one, and refuses a symbolic link (whatever it points
 * to, the target is left untouched) and anything but a regular file.
 * The atomic writers replace a planted link instead of writing through
 * it. The lock helpers go through the same rule. Their temporary files
 * are named by their writer (NAME.tmp.PID.START.XXXXXX): only those of a
 * writer that is gone are found as leftovers.
 */
#include "internal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"

static char *dir;

static char *
testPath(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

/* @path holds exactly @want */
static int
testHasContent(const char *path, const char *want)
{
    g_autofree char *got = NULL;

    if (!g_file_get_contents(path, &got, NULL, NULL)) {
        printf("#   cannot read %s\n", path);
        return -1;
    }
    if (STRNEQ(got, want)) {
        printf("#   %s holds '%s', expected '%s'\n", path, got, want);
        return -1;
    }
    return 0;
}

/* a symlink @name -> a target file holding "secret\n" */
static int
testPlantLink(const char *name, char **target, char **link)
{
    *target = testPath("target");
    *link = testPath(name);
    if (!g_file_set_contents(*target, "secret\n", -1, NULL) ||
        symlink(*target, *link) < 0) {
        printf("#   cannot plant %s\n", *link);
        return -1;
    }
    return 0;
}

/* @fd came from an open that must have been refused with @error */
static int
testRefused(int fd, const char *what, const char *error)
{
    if (fd >= 0) {
        close(fd);
        printf("#   opened %s\n", what);
        return -1;
    }
    if (error && !strstr(virGetLastErrorMessage(), error)) {
        printf("#   unexpected error for %s: %s\n", what, virGetLastErrorMessage());
        return -1;
    }
    virResetLastError();
    return 0;
}

static int
testCreatesAndAppends(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("new.log");
    struct stat sb;
    int fd;

    if ((fd = virFileOpenWrite(path, O_WRONLY | O_APPEND, 0600, "log file")) < 0)
        return -1;
    virFileWriteAll(fd, "one\n", 4);
    close(fd);
    if ((fd = virFileOpenWrite(path, O_WRONLY | O_APPEND, 0600, "log file")) < 0)
        return -1;
    virFileWriteAll(fd, "two\n", 4);
    close(fd);
    if (stat(path, &sb) < 0 || (sb.st_mode & 0777) != 0600) {
        printf("#   %s: mode %o, expected 600\n", path, sb.st_mode & 0777);
        return -1;
    }
    return testHasContent(path, "one\ntwo\n");
}

static int
testRefusesSymlink(const void *data G_GNUC_UNUSED)
{
    g_autofree char *target = NULL;
    g_autofree char *link = NULL;

    if (testPlantLink("planted.log", &target, &link) < 0)
        return -1;
    if (testRefused(virFileOpenWrite(link, O_WRONLY | O_APPEND, 0600, "log file"),
                    link, "is a symbolic link") < 0)
        return -1;
    unlink(link);
    return testHasContent(target, "secret\n");
}

static int
testRefusesFifo(const void *data G_GNUC_UNUSED)
{
    g_autofree char *path = testPath("fifo");
    int fd;

    if (mkfifo(path, 0600) < 0) {
        printf("#   cannot make %s\n", path);
        return -1;
    }
    /* O_RDWR opens a FIFO without a reader: refused as not a file */
    fd = virFileOpenWrite(path, O_RDWR, 0600, "lock file");
    unlink(path);
    return testRefused(fd, path, "is not a regular file");
}

static int
testLockRefusesSymlink(const void *data G_GNUC_UNUSED)
{
    g_autofree char *target = NULL;
    g_autofree char *link = NULL;

    if (testPlantLink("planted.lock", &target, &link) < 0 ||
        testRefused(virFileLockPath(link, false), link, "is a symbolic link") < 0 ||
        testRefused(virFileGenerationOpen(link), link, "is a symbolic link") < 0)
        return -1;
    unlink(link);
    return testHasContent(target, "secret\n");
}

static int
testAtomicReplacesSymlink(const void *data G_GNUC_UNUSED)
{
    g_autofree char *target = NULL;
    g_autofree char *link = NULL;
    struct stat sb;

    if (testPlantLink("planted.xml", &target, &link) < 0)
        return -1;
    if (virFileWriteStrRuntime(link, "status\n", 0600) < 0)
        return -1;
    if (lstat(link, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        printf("#   %s is not a regular file after the write\n", link);
        return -1;
    }
    unlink(link);
    return testHasContent(target, "secret\n");
}

static int
testTempNames(const void *data G_GNUC_UNUSED)
{
    const char *bad[] = { "d.xml.Ab12Cd", ".tmp.1.2.Ab12Cd", "d.xml.tmp.0.2.Ab12Cd",
                          "d.xml.tmp.x.2.Ab12Cd", "d.xml.tmp.1.2.Ab12C",
                          "d.xml.tmp.1.2.Ab-2Cd", "d.xml.tmq.1.2.Ab12Cd" };
    virProcessIdentity id;
    size_t i;

    if (!virFileAtomicTempParse("0000:03:07.1.vf.tmp.4242.987654.Ab12Cd", &id) ||
        id.pid != 4242 || id.startTime != 987654) {
        printf("#   a temporary file name with dots in NAME is not parsed\n");
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        if (virFileAtomicTempParse(bad[i], &id)) {
            printf("#   '%s' is taken for a temporary file\n", bad[i]);
            return -1;
        }
    }
    return 0;
}

/* only the files of dead writers go; a live writer's and others stay */
static int
testRemovesDeadWritersTemps(const void *data G_GNUC_UNUSED)
{
    virProcessIdentity self;
    GPid child;
    g_autofree char *sub = testPath("sub");
    g_autofree char *mine = NULL;
    g_autofree char *dead = NULL;
    g_autofree char *reused = NULL;
    g_autofree char *other = testPath("sub/d.xml.Ab12Cd");
    const char *argv[] = { "/bin/true", NULL };

    if (virProcessIdentityGet(getpid(), &self) < 0 ||
        !g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                       &child, NULL))
        return -1;
    waitpid(child, NULL, 0);
    mine = g_strdup_printf("%s/sub/d.xml.tmp.%lld.%llu.Ab12Cd", dir,
                           (long long)self.pid, self.startTime);
    dead = g_strdup_printf("%s/sub/d.xml.tmp.%lld.%llu.Ab12Cd", dir,
                           (long long)child, self.startTime);
    reused = g_strdup_printf("%s/sub/d.xml.tmp.%lld.%llu.Ab12Cd", dir,
                             (long long)self.pid, self.startTime + 1);
    if (virFileMakePath(sub, 0700) < 0 ||
        virFileWriteStrRuntime(mine, "x", 0600) < 0 ||
        virFileWriteStrRuntime(dead, "x", 0600) < 0 ||
        virFileWriteStrRuntime(reused, "x", 0600) < 0 ||
        virFileWriteStrRuntime(other, "x", 0600) < 0)
        return -1;
    if (virFileRemoveStaleTemps(dir) != 2 || virFileExists(dead) ||
        virFileExists(reused) || !virFileExists(mine) || !virFileExists(other)) {
        printf("#   dead writer's file %s, reused pid's %s, live writer's %s, other %s\n",
               virFileExists(dead) ? "kept" : "removed",
               virFileExists(reused) ? "kept" : "removed",
               virFileExists(mine) ? "kept" : "removed",
               virFileExists(other) ? "kept" : "removed");
        return -1;
    }
    return 0;
}

/* @fd is an open descriptor */
static bool
testFdOpen(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

static int
testAutoClose(const void *data G_GNUC_UNUSED)
{
    int seen;
    int kept;
    int err;

    {
        VIR_AUTOCLOSE int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

        if (fd < 0)
            return -1;
        seen = fd;
        errno = EPERM;
    }
    err = errno;
    if (testFdOpen(seen) || err != EPERM) {
        printf("#   fd %d %s at the end of its scope, errno %d\n", seen,
               testFdOpen(seen) ? "still open" : "closed", err);
        return -1;
    }
    {
        VIR_AUTOCLOSE int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

        if (fd < 0)
            return -1;
        kept = g_steal_fd(&fd);
    }
    if (!testFdOpen(kept)) {
        printf("#   a stolen fd was closed\n");
        return -1;
    }
    close(kept);
    return 0;
}

static int
testDirMode(const char *path, mode_t want)
{
    struct stat sb;

    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode) || (sb.st_mode & 07777) != want) {
        printf("# %s: not a directory of mode %04o\n", path, (unsigned)want);
        return -1;
    }
    return 0;
}

/* A root's run/ linked into a tmpfs that a reboot emptied: the link's
 * target is made (0755, with its parents), then the path below it. */
/* A wake-up pipe: nothing to read at first, a wake-up seen by poll (more
 * than the pipe holds too: the writer never blocks), then drained. */
static int
testWakeupPipe(const void *data G_GNUC_UNUSED)
{
    int fds[2];
    struct pollfd pfd;
    int ret = -1;
    int i;

    if (virFileWakeupPipe(fds) < 0)
        return -1;
    pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
    if (poll(&pfd, 1, 0) != 0)
        goto cleanup;
    for (i = 0; i < 100000; i++)
        virFileWakeupSend(fds[1]);
    if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
        goto cleanup;
    virFileWakeupDrain(fds[0]);
    if (poll(&pfd, 1, 0) != 0)
        goto cleanup;
    if (!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC) || !(fcntl(fds[1], F_GETFL) & O_NONBLOCK))
        goto cleanup;
    ret = 0;
 cleanup:
    close(fds[0]);
    close(fds[1]);
    return ret;
}

/* A close in the background happens: the read end of a pipe whose write
 * end went there sees the end of file (poll bounds the wait). */
static int
testCloseInBackground(const void *data G_GNUC_UNUSED)
{
    int fds[2];
    struct pollfd pfd;
    char c;
    int ret = -1;

    if (pipe(fds) < 0)
        return -1;
    virFileCloseInBackground(fds[1]);
    pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
    if (poll(&pfd, 1, 10000) == 1 && read(fds[0], &c, 1) == 0)
        ret = 0;
    close(fds[0]);
    return ret;
}

static int
testMakePathDanglingLink(const void *data G_GNUC_UNUSED)
{
    g_autofree char *root = testPath("root");
    g_autofree char *run = g_build_filename(root, "run", NULL);
    g_autofree char *qemu = g_build_filename(run, "qemu", NULL);
    g_autofree char *target = testPath("tmpfs/a/virtqemud");
    g_autofree char *abs = testPath("tmpfs/b");
    g_autofree char *absrun = g_build_filename(root, "run2", NULL);

    if (mkdir(root, 0755) < 0 || symlink("../tmpfs/a/virtqemud", run) < 0 ||
        symlink(abs, absrun) < 0) {
        printf("# cannot plant the links\n");
        return -1;
    }
    if (virFileMakePath(qemu, 0700) < 0 || testDirMode(target, 0755) < 0 ||
        testDirMode(qemu, 0700) < 0)
        return -1;
    /* the dangling link is the last component */
    if (virFileMakePath(absrun, 0700) < 0 || testDirMode(abs, 0755) < 0)
        return -1;
    return 0;
}

/* A link whose target cannot be made: the error names the path asked. */
static int
testMakePathLinkFails(const void *data G_GNUC_UNUSED)
{
    g_autofree char *file = testPath("plain");
    g_autofree char *link = testPath("badrun");
    g_autofree char *under = g_build_filename(file, "x", NULL);
    g_autofree char *path = g_build_filename(link, "qemu", NULL);
    g_autofree char *want = g_strdup_printf("cannot create directory '%s'", path);

    if (!g_file_set_contents(file, "", 0, NULL) || symlink(under, link) < 0) {
        printf("# cannot plant the link\n");
        return -1;
    }
    if (virFileMakePath(path, 0700) == 0) {
        printf("# made %s under a regular file\n", path);
        return -1;
    }
    return virTestExpectError("virFileMakePath", want);
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;

    if (!(dir = g_dir_make_tmp("virfiletest.XXXXXX", &gerr))) {
        printf("# cannot make a directory: %s\n", gerr->message);
        return -1;
    }
    virTestRun("creates 0600 and appends", testCreatesAndAppends, NULL);
    virTestRun("a wake-up pipe wakes a poll, never blocks, drains", testWakeupPipe, NULL);
    virTestRun("a close in the background happens", testCloseInBackground, NULL);
    virTestRun("refuses a planted symlink, target untouched", testRefusesSymlink, NULL);
    virTestRun("refuses a FIFO", testRefusesFifo, NULL);
    virTestRun("locks refuse a planted symlink", testLockRefusesSymlink, NULL);
    virTestRun("atomic write replaces a planted symlink", testAtomicReplacesSymlink, NULL);
    virTestRun("temporary file names carry their writer", testTempNames, NULL);
    virTestRun("only dead writers' temporary files are removed",
               testRemovesDeadWritersTemps, NULL);
    virTestRun("a directory behind a link to nothing: the target is made",
               testMakePathDanglingLink, NULL);
    virTestRun("a link's target that cannot be made is an error",
               testMakePathLinkFails, NULL);
    virTestRun("VIR_AUTOCLOSE closes at scope end, keeps errno and stolen fds",
               testAutoClose, NULL);
    virFileDeleteTree(dir);
    g_free(dir);
    return 0;
}

VIR_TEST_MAIN(mymain)
