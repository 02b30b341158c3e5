/*
 * qemumigrationpeertest.c: questions to the daemon of another host about
 * the guest of an interrupted migration (qemu_migration_peer.h)
 *
 * The question runs in a thread of its own and calls back once answered,
 * and again while nobody took the answer; asked for again meanwhile (the
 * job was kept), the thread asks again itself; the answer is handed out once,
 * to the key and destination it was for; a second question within a
 * second is not sent; the domain's log tells the first question and
 * answer, and an answer again only once it changed.
 * The destination here is a URI no driver opens: the answer is
 * "unreachable", at once.
 */
#include "internal.h"

#include "qemu/qemu_migration.h"
#include "qemu/qemu_migration_peer.h"
#include "testutils.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define URI "nowhere:///system"

static char *dir;
static const unsigned char uuid[VIR_UUID_BUFLEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static GMutex lock;
static GCond cond;
static int answered;
static int unrefs;
static int taken = -1;          /* the answer the callback took */
static bool misdelivered;       /* handed out for another key or URI */

/* As a recovery that passes the answer by first (the domain was busy),
 * then takes it: only the second call takes it. */
static void
testAnswered(void *opaque G_GNUC_UNUSED)
{
    int calls;

    g_mutex_lock(&lock);
    calls = ++answered;
    g_mutex_unlock(&lock);
    if (qemuMigrationPeerAnswer("k1", "other:///system", uuid) != -1 ||
        qemuMigrationPeerAnswer("k2", URI, uuid) != -1)
        misdelivered = true;
    if (calls == 2)
        taken = qemuMigrationPeerAnswer("k1", URI, uuid);
    g_mutex_lock(&lock);
    g_cond_broadcast(&cond);
    g_mutex_unlock(&lock);
}

static void
testUnref(void *opaque G_GNUC_UNUSED)
{
    g_mutex_lock(&lock);
    unrefs++;
    g_cond_broadcast(&cond);
    g_mutex_unlock(&lock);
}

/* until @count unrefs were seen (5 s at most) */
static bool
testWaitUnrefs(int count)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    bool ret = true;

    g_mutex_lock(&lock);
    while (unrefs < count && ret)
        ret = g_cond_wait_until(&cond, &lock, deadline);
    g_mutex_unlock(&lock);
    return unrefs >= count;
}

static int
testAsk(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);
    g_autofree char *log = NULL;
    g_autofree char *path = NULL;
    int got;

    cfg->logDir = g_strdup(dir);
    path = g_build_filename(dir, "g1.log", NULL);
    if ((got = qemuMigrationPeerAnswer("k1", URI, uuid)) != -1) {
        printf("# an answer (%d) before any question\n", got);
        return -1;
    }
    qemuMigrationPeerAsk(cfg, "k1", URI, "g1", uuid, testAnswered, NULL, testUnref);
    if (!testWaitUnrefs(1) || answered != 2) {
        printf("# the question thread did not end after its answer was taken at the second call (calls %d, unrefs %d)\n",
               answered, unrefs);
        return -1;
    }
    if (misdelivered) {
        printf("# an answer handed out for another destination or key\n");
        return -1;
    }
    if (taken != QEMU_MIGRATION_DST_UNREACHABLE) {
        printf("# the answer taken is %d, not unreachable\n", taken);
        return -1;
    }
    if ((got = qemuMigrationPeerAnswer("k1", URI, uuid)) != -1) {
        printf("# the answer (%d) was handed out twice\n", got);
        return -1;
    }
    /* within a second of the last: not sent, the reference dropped */
    qemuMigrationPeerAsk(cfg, "k1", URI, "g1", uuid, testAnswered, NULL, testUnref);
    if (unrefs != 2 || answered != 2) {
        printf("# a second question went out at once (answered %d, unrefs %d)\n",
               answered, unrefs);
        return -1;
    }
    if (virFileReadAll(path, 1 << 16, &log) < 0 ||
        !strstr(log, "asking the destination " URI " where the guest is") ||
        !strstr(log, "the destination " URI " answered after ") ||
        !strstr(log, ": unreachable (")) {
        printf("# the log lacks the question or the answer:\n%s\n", NULLSTR(log));
        return -1;
    }
    return 0;
}

static virQEMUDriverConfig *againCfg;
static int againCalls;

/* As a recovery that takes each answer and keeps the job the first
 * time: it wants to know more (the question is still out: the thread
 * asks again itself); the second time it settles the job. */
static void
testAnsweredKeepOnce(void *opaque G_GNUC_UNUSED)
{
    int calls;

    g_mutex_lock(&lock);
    calls = ++againCalls;
    g_mutex_unlock(&lock);
    qemuMigrationPeerAnswer("k3", URI, uuid);
    if (calls == 1)
        qemuMigrationPeerAsk(againCfg, "k3", URI, "g3", uuid, testAnsweredKeepOnce, NULL,
                             testUnref);
    g_mutex_lock(&lock);
    g_cond_broadcast(&cond);
    g_mutex_unlock(&lock);
}

static int
testAskAgain(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);
    g_autofree char *log = NULL;
    g_autofree char *path = NULL;
    int before = unrefs;
    const char *p;
    int asked = 0;
    int answers = 0;

    cfg->logDir = g_strdup(dir);
    againCfg = cfg;
    path = g_build_filename(dir, "g3.log", NULL);
    qemuMigrationPeerAsk(cfg, "k3", URI, "g3", uuid, testAnsweredKeepOnce, NULL, testUnref);
    /* the thread's reference and the one of the question it took over */
    if (!testWaitUnrefs(before + 2) || againCalls != 2) {
        printf("# the thread did not ask again by itself once (answers %d, unrefs %d)\n",
               againCalls, unrefs - before);
        return -1;
    }
    if (virFileReadAll(path, 1 << 16, &log) < 0)
        return -1;
    /* the same answer twice: the log tells the first only */
    for (p = log; (p = strstr(p, "asking the destination")); p++)
        asked++;
    for (p = log; (p = strstr(p, "answered after")); p++)
        answers++;
    if (asked != 1 || answers != 1) {
        g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
        size_t i;

        printf("# %d questions and %d answers in the log, not 1 and 1:\n", asked, answers);
        for (i = 0; lines[i]; i++)
            printf("#   %s\n", lines[i]);
        return -1;
    }
    return 0;
}

/* What a destination's state of the guest says of where it is. */
typedef struct {
    int state;
    int reason;
    int where;
} testStateCase;

static int
testStateOf(const void *data)
{
    const testStateCase *tc = data;
    g_autofree char *why = NULL;
    int where = qemuMigrationPeerStateOf(tc->state, tc->reason, &why);

    if (where != tc->where || !why || !*why) {
        printf("# state %d reason %d: %s (%s), expected %s\n", tc->state, tc->reason,
               qemuMigrationDstStateTypeToString(where), NULLSTR(why),
               qemuMigrationDstStateTypeToString(tc->where));
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    static const testStateCase states[] = {
        { VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED, QEMU_MIGRATION_DST_HAS_GUEST },
        { VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER, QEMU_MIGRATION_DST_HAS_GUEST },
        { VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR, QEMU_MIGRATION_DST_HAS_GUEST },
        { VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION, QEMU_MIGRATION_DST_UNDECIDED },
        /* the fleet's step 29: an incoming guest dropped while its QEMU
         * started was taken for one the destination ran */
        { VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP, QEMU_MIGRATION_DST_UNDECIDED },
        { VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED, QEMU_MIGRATION_DST_GONE },
        { VIR_DOMAIN_CRASHED, 0, QEMU_MIGRATION_DST_GONE },
        { VIR_DOMAIN_NOSTATE, 0, QEMU_MIGRATION_DST_GONE },
    };
    size_t i;
    g_autoptr(GError) gerr = NULL;

    if (!(dir = g_dir_make_tmp("qemumigrationpeertest.XXXXXX", &gerr))) {
        printf("# cannot make a directory: %s\n", gerr->message);
        return -1;
    }
    virTestRun("a question, its answer offered until taken, once, no second question at once",
               testAsk, NULL);
    virTestRun("a job kept after an answer: the thread asks again by itself",
               testAskAgain, NULL);
    for (i = 0; i < G_N_ELEMENTS(states); i++) {
        g_autofree char *title = g_strdup_printf("the destination's state %d, reason %d: %s",
                                                 states[i].state, states[i].reason,
                                                 qemuMigrationDstStateTypeToString(states[i].where));

        virTestRun(title, testStateOf, &states[i]);
    }
    virFileDeleteTree(dir);
    g_free(dir);
    return 0;
}

VIR_TEST_MAIN(mymain)
