/*
 * qemu_migration_peer.c: asking the daemon of another host, in the
 * background, where the guest of an interrupted migration is
 */
#include "internal.h"

#include "driver.h"
#include "qemu_domainlog.h"
#include "qemu_migration.h"
#include "qemu_migration_peer.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

/* the least time between two questions about the same job */
#define QEMU_MIGRATION_PEER_ASK_US (1000 * 1000)
/* the most between two questions the thread asks by itself */
#define QEMU_MIGRATION_PEER_ASK_MAX_US (30 * 1000 * 1000)
/* how long an answer is worth acting on */
#define QEMU_MIGRATION_PEER_FRESH_US (10 * 1000 * 1000)
/* how soon an answer not taken is handed out again */
#define QEMU_MIGRATION_PEER_RETRY_US (200 * 1000)
/* how often the domain log is told of an answer that did not change */
#define QEMU_MIGRATION_PEER_NOTE_US (G_GINT64_CONSTANT(600) * 1000 * 1000)

typedef struct {
    char *key;
    char *uri;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    bool asking;
    bool running;               /* its thread has not ended */
    bool again;                 /* asked for while the thread runs */
    int answer;                 /* -1: none since the last hand-out */
    gint64 asked;               /* monotonic us */
    gint64 answeredAt;
    /* the answer the domain log was last told of (the thread's own) */
    int noted;                  /* -1: none yet */
    char *notedWhy;
    gint64 notedAt;
    unsigned int unnoted;       /* the same answers since */
    virQEMUDriverConfig *cfg;   /* valid while the thread runs */
    qemuMigrationPeerAnswered answered;
    void *opaque;
    GDestroyNotify unref;
} qemuMigrationPeerQuestion;

/* guards qemuMigrationPeerQuestions and the fields of its questions */
static GMutex qemuMigrationPeerLock;
/* signalled when an answer is taken (qemuMigrationPeerAnswer) */
static GCond qemuMigrationPeerTaken;
/* key -> qemuMigrationPeerQuestion */
static GHashTable *qemuMigrationPeerQuestions;

static void
qemuMigrationPeerQuestionFree(void *opaque)
{
    qemuMigrationPeerQuestion *q = opaque;

    g_free(q->key);
    g_free(q->uri);
    g_free(q->name);
    g_free(q->notedWhy);
    g_free(q);
}

int
qemuMigrationPeerStateOf(int state, int reason, char **why)
{
    if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED ||
        state == VIR_DOMAIN_NOSTATE) {
        *why = g_strdup_printf("state %d", state);
        return QEMU_MIGRATION_DST_GONE;
    }
    if (state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_MIGRATION) {
        *why = g_strdup("paused by its incoming migration");
        return QEMU_MIGRATION_DST_UNDECIDED;
    }
    /* its QEMU launched, not yet up: an incoming guest being started, or
     * being dropped while it started; never one it runs */
    if (state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_STARTING_UP) {
        *why = g_strdup("paused while its QEMU starts");
        return QEMU_MIGRATION_DST_UNDECIDED;
    }
    *why = g_strdup_printf("state %d, reason %d", state, reason);
    return QEMU_MIGRATION_DST_HAS_GUEST;
}

/* What the daemon at @uri says of domain @uuid, and why in *@why. */
static int
qemuMigrationPeerQuery(const char *uri, const unsigned char *uuid, char **why)
{
    virConnectPtr conn;
    virDomainPtr dom;
    int state = VIR_DOMAIN_NOSTATE;
    int reason = 0;
    int ret;

    if (!(conn = virConnectOpenInternal(uri, 0))) {
        *why = g_strdup(virGetLastErrorMessage());
        virResetLastError();
        return QEMU_MIGRATION_DST_UNREACHABLE;
    }
    if (!(dom = virDomainLookupByUUID(conn, uuid))) {
        virErrorPtr err = virGetLastError();

        ret = err && err->code == VIR_ERR_NO_DOMAIN ?
            QEMU_MIGRATION_DST_GONE : QEMU_MIGRATION_DST_UNREACHABLE;
        *why = g_strdup(virGetLastErrorMessage());
        virResetLastError();
        virConnectClose(conn);
        return ret;
    }
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        *why = g_strdup(virGetLastErrorMessage());
        ret = QEMU_MIGRATION_DST_UNREACHABLE;
    } else {
        ret = qemuMigrationPeerStateOf(state, reason, why);
    }
    virResetLastError();
    virDomainFree(dom);
    virConnectClose(conn);
    return ret;
}

/* Tell the domain log of @answer to @q: the first, one that changed, and
 * one that did not every QEMU_MIGRATION_PEER_NOTE_US with the count of
 * those not told (a destination away for a day is asked thousands of
 * times). Only the thread touches these fields. */
static void
qemuMigrationPeerNote(qemuMigrationPeerQuestion *q, gint64 start, int answer, char **why)
{
    gint64 now = g_get_monotonic_time();

    if (answer == q->noted && STREQ_NULLABLE(*why, q->notedWhy) &&
        now - q->notedAt < QEMU_MIGRATION_PEER_NOTE_US) {
        q->unnoted++;
        return;
    }
    if (q->unnoted)
        qemuDomainLogNote(q->cfg, q->name,
                          "migration recovery: the destination %s gave that answer to %u more questions since it was noted",
                          q->uri, q->unnoted);
    qemuDomainLogNote(q->cfg, q->name,
                      "migration recovery: the destination %s answered after %lld ms: %s (%s)",
                      q->uri, (long long)(now - start) / 1000,
                      qemuMigrationDstStateTypeToString(answer), NULLSTR(*why));
    q->noted = answer;
    g_free(q->notedWhy);
    q->notedWhy = g_steal_pointer(why);
    q->notedAt = now;
    q->unnoted = 0;
}

/* Ask @q's destination once and hand the answer out until a recovery
 * takes it or it is stale. Lock not held. */
static void
qemuMigrationPeerAskOnce(qemuMigrationPeerQuestion *q)
{
    g_autofree char *why = NULL;
    gint64 start = g_get_monotonic_time();
    int answer;

    if (q->noted < 0)
        qemuDomainLogNote(q->cfg, q->name,
                          "migration recovery: asking the destination %s where the guest is",
                          q->uri);
    answer = qemuMigrationPeerQuery(q->uri, q->uuid, &why);
    qemuMigrationPeerNote(q, start, answer, &why);
    g_mutex_lock(&qemuMigrationPeerLock);
    q->answer = answer;
    q->answeredAt = g_get_monotonic_time();
    q->asking = false;
    /* until a recovery takes the answer: one may pass it by (the domain
     * was in a job, or another recovery was running), and nothing else
     * may come to take it while it is fresh */
    while (true) {
        gint64 until;

        g_mutex_unlock(&qemuMigrationPeerLock);
        q->answered(q->opaque);
        g_mutex_lock(&qemuMigrationPeerLock);
        until = MIN(g_get_monotonic_time() + QEMU_MIGRATION_PEER_RETRY_US,
                    q->answeredAt + QEMU_MIGRATION_PEER_FRESH_US);
        while (q->answer >= 0 && g_get_monotonic_time() < until)
            g_cond_wait_until(&qemuMigrationPeerTaken, &qemuMigrationPeerLock, until);
        if (q->answer < 0 ||
            g_get_monotonic_time() >= q->answeredAt + QEMU_MIGRATION_PEER_FRESH_US)
            break;
    }
    g_mutex_unlock(&qemuMigrationPeerLock);
}

static gpointer
qemuMigrationPeerThread(gpointer opaque)
{
    qemuMigrationPeerQuestion *q = opaque;
    gint64 pause = QEMU_MIGRATION_PEER_ASK_US;
    GDestroyNotify unref;
    void *callerOpaque;

    /* again as long as a recovery that kept the job wants to know more
     * (qemuMigrationPeerAsk while this thread runs): the job settles
     * without waiting for a command, at most @pause after the
     * destination can say, @pause growing while it cannot */
    while (true) {
        gint64 until;

        qemuMigrationPeerAskOnce(q);
        g_mutex_lock(&qemuMigrationPeerLock);
        if (!q->again)
            break;
        until = q->asked + pause;
        while (g_get_monotonic_time() < until)
            g_cond_wait_until(&qemuMigrationPeerTaken, &qemuMigrationPeerLock, until);
        pause = MIN(pause * 2, QEMU_MIGRATION_PEER_ASK_MAX_US);
        /* what is asked for meanwhile is answered by this question */
        q->again = false;
        q->asked = g_get_monotonic_time();
        q->asking = true;
        g_mutex_unlock(&qemuMigrationPeerLock);
    }
    /* ending in the same hold of the lock that found no request: one
     * that comes later starts a question of its own (which may free @q,
     * so nothing of it is used after this) */
    unref = q->unref;
    callerOpaque = q->opaque;
    q->running = false;
    g_mutex_unlock(&qemuMigrationPeerLock);
    unref(callerOpaque);
    return NULL;
}

int
qemuMigrationPeerAnswer(const char *key, const char *uri, const unsigned char *uuid)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&qemuMigrationPeerLock);
    qemuMigrationPeerQuestion *q;
    int answer;

    if (!qemuMigrationPeerQuestions ||
        !(q = g_hash_table_lookup(qemuMigrationPeerQuestions, key)) ||
        q->answer < 0 || STRNEQ(q->uri, uri) || memcmp(q->uuid, uuid, VIR_UUID_BUFLEN) != 0)
        return -1;
    answer = q->answer;
    q->answer = -1;
    g_cond_broadcast(&qemuMigrationPeerTaken);
    /* an old answer says nothing of now */
    if (g_get_monotonic_time() - q->answeredAt > QEMU_MIGRATION_PEER_FRESH_US)
        return -1;
    return answer;
}

void
qemuMigrationPeerAsk(virQEMUDriverConfig *cfg, const char *key, const char *uri,
                     const char *name, const unsigned char *uuid,
                     qemuMigrationPeerAnswered answered, void *opaque,
                     GDestroyNotify unref)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&qemuMigrationPeerLock);
    qemuMigrationPeerQuestion *q;
    gint64 now = g_get_monotonic_time();
    g_autoptr(GError) gerr = NULL;
    GThread *thread;

    if (!qemuMigrationPeerQuestions)
        qemuMigrationPeerQuestions = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                           qemuMigrationPeerQuestionFree);
    if ((q = g_hash_table_lookup(qemuMigrationPeerQuestions, key))) {
        if (q->running || now - q->asked < QEMU_MIGRATION_PEER_ASK_US) {
            /* a thread that has its answer asks again itself */
            if (q->running && !q->asking)
                q->again = true;
            unref(opaque);
            return;
        }
        g_hash_table_remove(qemuMigrationPeerQuestions, key);
    }
    q = g_new0(qemuMigrationPeerQuestion, 1);
    q->key = g_strdup(key);
    q->uri = g_strdup(uri);
    q->name = g_strdup(name);
    memcpy(q->uuid, uuid, VIR_UUID_BUFLEN);
    q->asking = true;
    q->answer = -1;
    q->noted = -1;
    q->asked = now;
    q->cfg = cfg;
    q->answered = answered;
    q->opaque = opaque;
    q->running = true;
    q->unref = unref;
    g_hash_table_insert(qemuMigrationPeerQuestions, q->key, q);
    if (!(thread = g_thread_try_new("migration-peer", qemuMigrationPeerThread, q, &gerr))) {
        qemuDomainLogNote(cfg, name,
                          "migration recovery: cannot start a thread to ask %s: %s",
                          uri, gerr->message);
        g_hash_table_remove(qemuMigrationPeerQuestions, key);
        unref(opaque);
        return;
    }
    g_thread_unref(thread);
}
