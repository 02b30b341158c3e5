/*
 * virspawntest.c: what a child started by virSpawnRun gets
 *
 * The child is /bin/sh printing, from /proc, what it has: its open fds
 * and what each names, its session, its blocked and ignored signals and
 * its locked-memory limit. This process meanwhile holds an fd without
 * close-on-exec that it does not pass, blocks SIGUSR1 and ignores
 * SIGUSR2. Each case runs with posix_spawn (no limit) and forked (a
 * limit to set):
 * 1. the child has 0, 1, 2 and the targets, nothing else;
 * 2. two fds passed crosswise (each one's number the other's target)
 *    arrive each at its own target;
 * 3. it runs in a session of its own, nothing blocked or ignored;
 * 4. forked, its RLIMIT_MEMLOCK is the one asked for;
 * 5. a program that does not exist is an error naming it.
 */
#include "internal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virspawn.h"

#define TEST_MEMLOCK (1024 * 1024ULL)

static const char testScript[] =
    "ls -l /proc/$$/fd; "
    "read -r pid comm state ppid pgrp session rest < /proc/$$/stat; "
    "echo \"session $session pid $$\"; "
    /* builtins: dash blocks every signal while it forks a command, so
     * a command reading the shell's masks may see that */
    "while read -r k v; do case $k in SigBlk:|SigIgn:) echo \"$k $v\";; esac; done < /proc/$$/status; "
    "grep 'Max locked memory' /proc/$$/limits";

/* Run the script with @memlock; its output in *@out. */
static int
testRun(unsigned long long memlock, char **out)
{
    const char *argv[] = { "/bin/sh", "-c", testScript, NULL };
    const char *envp[] = { "PATH=/usr/bin:/bin", NULL };
    g_autofree char *dir = g_dir_make_tmp("virspawntest.XXXXXX", NULL);
    g_autofree char *outPath = g_build_filename(dir, "out", NULL);
    g_autofree char *aPath = g_build_filename(dir, "a", NULL);
    g_autofree char *bPath = g_build_filename(dir, "b", NULL);
    VIR_AUTOCLOSE int outFd = -1;
    VIR_AUTOCLOSE int nullFd = -1;
    VIR_AUTOCLOSE int leak = -1;
    VIR_AUTOCLOSE int a = -1;
    VIR_AUTOCLOSE int b = -1;
    int source[2], target[2];
    virSpawn spawn = { 0 };
    pid_t pid;
    int status;
    int ret = -1;

    if (!dir)
        return -1;
    if ((outFd = open(outPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
        (nullFd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
        /* held, never passed, close-on-exec not set */
        (leak = open("/dev/null", O_RDONLY)) < 0 ||
        (a = open(aPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
        (b = open(bPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
        goto cleanup;
    /* crosswise: a goes to b's number, b to a's */
    source[0] = a;
    target[0] = b;
    source[1] = b;
    target[1] = a;
    spawn.argv = argv;
    spawn.envp = envp;
    spawn.stdinFd = nullFd;
    spawn.stdoutFd = outFd;
    spawn.stderrFd = outFd;
    spawn.sourceFds = source;
    spawn.targetFds = target;
    spawn.nfds = 2;
    spawn.memlock = memlock;
    if (virSpawnRun(&spawn, &pid) < 0) {
        printf("# %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status)) {
        printf("# the child did not exit normally (status %d)\n", status);
        goto cleanup;
    }
    if (!g_file_get_contents(outPath, out, NULL, NULL))
        goto cleanup;
    ret = 0;

 cleanup:
    if (dir)
        virFileDeleteTree(dir);
    return ret;
}

/* The mask of line @field of /proc/PID/status in @out has none of the
 * signals 1-31 (32 and 33 are glibc's own: its posix_spawn ignores them
 * in the child until glibc's start in the new program takes them) */
static bool
testNoSignal(const char *out, const char *field)
{
    const char *line = strstr(out, field);
    unsigned long long mask;

    if (!line || sscanf(line + strlen(field), "%llx", &mask) != 1) {
        printf("# no line '%s' in:\n%s", field, out);
        return false;
    }
    if (mask & 0x7fffffffULL) {
        printf("# %s %llx: the child inherited signals blocked or ignored\n", field, mask);
        return false;
    }
    return true;
}

static int
testChild(const void *data)
{
    unsigned long long memlock = GPOINTER_TO_INT(data) ? TEST_MEMLOCK : 0;
    g_autofree char *out = NULL;
    const char *limit;
    g_auto(GStrv) lines = NULL;
    size_t nfds = 0;
    size_t i;
    int a, b;
    bool ok = true;

    if (testRun(memlock, &out) < 0)
        return -1;
    /* ls -l: a line "... N -> PATH" per fd of the shell */
    lines = g_strsplit(out, "\n", -1);
    a = b = -1;
    for (i = 0; lines[i]; i++) {
        const char *arrow = strstr(lines[i], " -> ");
        const char *path;
        const char *num;
        int fd;

        if (!arrow)
            continue;
        path = arrow + 4;
        for (num = arrow; num > lines[i] && num[-1] != ' '; num--)
            ;
        if (sscanf(num, "%d ->", &fd) != 1)
            continue;
        nfds++;
        if (g_str_has_suffix(path, "/a"))
            a = fd;
        else if (g_str_has_suffix(path, "/b"))
            b = fd;
        else if (fd > 2) {
            printf("# the child has fd %d (%s), not passed to it\n", fd, path);
            ok = false;
        }
    }
    /* crosswise: a arrived at b's number, and b at a's, so a > b */
    if (a < 0 || b < 0 || a <= b) {
        printf("# a at fd %d, b at fd %d: not each at its target\n", a, b);
        ok = false;
    }
    if (nfds != 5) {
        printf("# the child has %zu fds, expected 0, 1, 2 and two targets\n", nfds);
        ok = false;
    }
    {
        g_auto(GStrv) words = NULL;

        for (i = 0; lines[i] && !g_str_has_prefix(lines[i], "session "); i++)
            ;
        if (!lines[i] || !(words = g_strsplit(lines[i], " ", -1)) ||
            g_strv_length(words) != 4 || STRNEQ(words[1], words[3])) {
            printf("# not in a session of its own: %s\n", lines[i] ? lines[i] : "(no line)");
            ok = false;
        }
    }
    ok &= testNoSignal(out, "SigBlk:");
    ok &= testNoSignal(out, "SigIgn:");
    if (memlock) {
        unsigned long long soft = 0, hard = 0;

        if (!(limit = g_strrstr(out, "Max locked memory")) ||
            sscanf(limit, "Max locked memory %llu %llu", &soft, &hard) != 2 ||
            soft != memlock || hard != memlock) {
            printf("# the locked-memory limit is not %llu:\n%s", memlock, out);
            ok = false;
        }
    }
    return ok ? 0 : -1;
}

static int
testMissing(const void *data)
{
    unsigned long long memlock = GPOINTER_TO_INT(data) ? TEST_MEMLOCK : 0;
    const char *argv[] = { "/nonexistent/virspawntest-program", NULL };
    const char *envp[] = { NULL };
    int nullFd = open("/dev/null", O_RDWR | O_CLOEXEC);
    virSpawn spawn = { 0 };
    pid_t pid;
    int rc;

    if (nullFd < 0)
        return -1;
    spawn.argv = argv;
    spawn.envp = envp;
    spawn.stdinFd = spawn.stdoutFd = spawn.stderrFd = nullFd;
    spawn.memlock = memlock;
    rc = virSpawnRun(&spawn, &pid);
    close(nullFd);
    if (rc == 0) {
        waitpid(pid, NULL, 0);
        printf("# a missing program was run\n");
        return -1;
    }
    if (!strstr(virGetLastErrorMessage(), argv[0])) {
        printf("# the error does not name the program: %s\n", virGetLastErrorMessage());
        return -1;
    }
    virResetLastError();
    return 0;
}

static int
mymain(void)
{
    sigset_t usr1;

    /* what a daemon's thread may have; the child must not inherit it */
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    signal(SIGUSR2, SIG_IGN);

    virTestRun("posix_spawn: fds, session and signals", testChild, GINT_TO_POINTER(0));
    virTestRun("forked for a memlock limit: fds, session, signals, the limit",
               testChild, GINT_TO_POINTER(1));
    virTestRun("posix_spawn: a missing program is an error naming it",
               testMissing, GINT_TO_POINTER(0));
    virTestRun("forked: a missing program is an error naming it",
               testMissing, GINT_TO_POINTER(1));
    return 0;
}

VIR_TEST_MAIN(mymain)
