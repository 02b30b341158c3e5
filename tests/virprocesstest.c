/*
 * virprocesstest.c: process identity (pid + start time from /proc/PID/stat)
 *
 * 1. The /proc/PID/stat parser on written lines: command names holding
 *    spaces, parentheses and newlines; malformed lines refused.
 * 2. The same against the kernel: this process renames itself to such a
 *    name and reads itself back.
 * 3. Identity and signalling on a real child: a wrong start time is
 *    another process and is never signalled; the right one is killed.
 */
#include "internal.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "testutils.h"
#include "virerror.h"
#include "virprocess.h"

/* A /proc/PID/stat line (52 fields, as Linux 6.x writes it) for @comm,
 * with utime 14, stime 15 and starttime 22 set. */
static char *
testStatLine(long long pid, const char *comm, const char *state,
             const char *utime, const char *stime, const char *start)
{
    GString *line = g_string_new(NULL);
    int field;

    g_string_append_printf(line, "%lld (%s) %s", pid, comm, state);
    for (field = 4; field <= 52; field++) {
        const char *value = field == 14 ? utime : field == 15 ? stime :
                            field == 22 ? start : "7";

        g_string_append_printf(line, " %s", value);
    }
    g_string_append_c(line, '\n');
    return g_string_free(line, FALSE);
}

typedef struct {
    const char *comm;
    const char *state;
    const char *start;
    bool valid;
} testParseCase;

static int
testParse(const void *data)
{
    const testParseCase *tc = data;
    g_autofree char *line = testStatLine(4242, tc->comm, tc->state, "11", "22", tc->start);
    virProcessStat st = { 0 };
    int rc = virProcessStatParse(line, &st);

    if (!tc->valid) {
        if (rc == 0) {
            printf("# accepted: %s", line);
            return -1;
        }
        return 0;
    }
    if (rc < 0 || st.pid != 4242 || st.state != tc->state[0] || st.utime != 11 ||
        st.stime != 22 || st.startTime != g_ascii_strtoull(tc->start, NULL, 10)) {
        printf("# rc %d pid %lld state %c utime %llu stime %llu start %llu for: %s", rc,
               (long long)st.pid, st.state, st.utime, st.stime, st.startTime, line);
        return -1;
    }
    return 0;
}

static int
testParseTruncated(const void *data G_GNUC_UNUSED)
{
    g_autofree char *line = testStatLine(17, "qemu", "S", "1", "2", "123456");
    /* cut inside field 21: the start time is missing */
    char *p = line;
    int spaces = 0;
    virProcessStat st;

    for (; *p && spaces < 20; p++) {
        if (*p == ' ')
            spaces++;
    }
    *p = '\0';
    if (virProcessStatParse(line, &st) == 0 || virProcessStatParse("", &st) == 0 ||
        virProcessStatParse("17 (qemu S 1 2", &st) == 0 ||
        virProcessStatParse("(qemu) S", &st) == 0)
        return -1;
    return 0;
}

/* The kernel's own line for a name with spaces and parentheses. */
static int
testSelf(const void *data)
{
    const char *name = data;
    char saved[16] = { 0 };
    virProcessStat st;
    virProcessIdentity id;
    int ret = -1;

    prctl(PR_GET_NAME, saved);
    if (prctl(PR_SET_NAME, name) < 0)
        return -1;
    if (virProcessStatRead(getpid(), &st) < 0 || st.pid != getpid() ||
        (st.state != 'R' && st.state != 'S'))
        goto cleanup;
    if (virProcessIdentityGet(getpid(), &id) < 0 || id.startTime != st.startTime ||
        virProcessIdentityCheck(&id) != VIR_PROCESS_IDENTITY_SAME)
        goto cleanup;
    ret = 0;
 cleanup:
    prctl(PR_SET_NAME, saved);
    return ret;
}

static pid_t
testSpawnSleeper(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        prctl(PR_SET_NAME, "x) S 1 (y z");
        pause();
        _exit(0);
    }
    return pid;
}

/* A wrong start time: the pid is another process, never signalled. */
static int
testWrongStartNotSignalled(const void *data G_GNUC_UNUSED)
{
    pid_t pid = testSpawnSleeper();
    virProcessIdentity id;
    virProcessIdentity wrong;
    int pidfd = -2;
    int ret = -1;

    if (pid < 0 || virProcessIdentityGet(pid, &id) < 0)
        goto cleanup;
    wrong = id;
    wrong.startTime++;
    if (virProcessIdentityCheck(&wrong) != VIR_PROCESS_IDENTITY_OTHER ||
        virProcessIdentityOpen(&wrong, &pidfd) != VIR_PROCESS_IDENTITY_OTHER || pidfd != -1 ||
        virProcessKillPainfully(&wrong, 100, false) != 1 ||
        virProcessKillNow(&wrong) != 1)
        goto cleanup;
    /* still there, never signalled */
    if (waitpid(pid, NULL, WNOHANG) != 0 ||
        virProcessIdentityCheck(&id) != VIR_PROCESS_IDENTITY_SAME)
        goto cleanup;
    ret = 0;
 cleanup:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return ret;
}

/* The right identity is killed, reaped, and gone afterwards. */
static int
testKill(const void *data)
{
    bool now = GPOINTER_TO_INT(data);
    pid_t pid = testSpawnSleeper();
    virProcessIdentity id;
    int i;

    if (pid < 0 || virProcessIdentityGet(pid, &id) < 0)
        return -1;
    if ((now ? virProcessKillNow(&id) : virProcessKillPainfully(&id, 1000, false)) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    /* KillNow leaves the reaping to a thread */
    for (i = 0; i < 500 && virProcessIdentityCheck(&id) != VIR_PROCESS_IDENTITY_GONE; i++)
        g_usleep(2000);
    if (virProcessIdentityCheck(&id) != VIR_PROCESS_IDENTITY_GONE ||
        virProcessKillPainfully(&id, 100, false) != 0)
        return -1;
    return 0;
}

static int
mymain(void)
{
    static const testParseCase cases[] = {
        { "qemu-system-x86", "S", "123456", true },
        { "a b c", "R", "1", true },
        { "a) b (c", "S", "98765432109", true },
        { ") S 1 2 3 (", "D", "5", true },
        { "))", "Z", "0", true },
        { "new\nline)", "S", "42", true },
        { "qemu", "S", "-1", false },
        { "qemu", "S", "12x", false },
        { "qemu", "S", "", false },
        { "qemu", "SS", "1", false },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *escaped = g_strescape(cases[i].comm, NULL);
        g_autofree char *title = g_strdup_printf("parse: comm '%s', state '%s', starttime '%s' %s",
                                                 escaped, cases[i].state, cases[i].start,
                                                 cases[i].valid ? "read" : "refused");

        virTestRun(title, testParse, &cases[i]);
    }
    virTestRun("parse: truncated lines refused", testParseTruncated, NULL);
    virTestRun("kernel: own name with spaces and ')'", testSelf, "a) b (c) d");
    virTestRun("kernel: own name of parentheses", testSelf, ")) ((");
    virTestRun("a wrong start time is another process: never signalled",
               testWrongStartNotSignalled, NULL);
    virTestRun("the right identity is killed (SIGTERM)", testKill, GINT_TO_POINTER(0));
    virTestRun("the right identity is killed (SIGKILL, no wait)", testKill, GINT_TO_POINTER(1));
    return 0;
}

VIR_TEST_MAIN(mymain)
