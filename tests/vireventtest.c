/*
 * vireventtest.c: the default event loop and its free callbacks
 *
 * An application's free callback (ff) may call any virEvent* function:
 * removing a handle or timeout whose ff adds or removes another one
 * returns (a watchdog ends the test if it hangs). An ff runs exactly
 * once and never while a callback of its item is still running: a
 * removal from another thread or from the callback itself leaves the
 * opaque alive until that callback has returned. A handle another
 * thread turned off is not run again, even by a source the loop found
 * ready before it applied the change; one it added is run by the call
 * its change woke.
 */
#include "internal.h"

#include "testutils.h"

/* a case that has not returned by then is deadlocked */
#define TEST_WATCHDOG_SEC 10

static GMutex watchLock;
static GCond watchCond;
static const char *watchTitle;   /* the case running, NULL between cases */

static gpointer
testWatchdog(gpointer data G_GNUC_UNUSED)
{
    g_mutex_lock(&watchLock);
    for (;;) {
        const char *title = watchTitle;
        gint64 deadline = g_get_monotonic_time() + TEST_WATCHDOG_SEC * G_USEC_PER_SEC;

        if (!title) {
            g_cond_wait(&watchCond, &watchLock);
            continue;
        }
        while (watchTitle == title && g_cond_wait_until(&watchCond, &watchLock, deadline))
            ;
        if (watchTitle == title) {
            printf("not ok - %s\n#   deadlocked: no return within %d s\n",
                   title, TEST_WATCHDOG_SEC);
            fflush(stdout);
            _exit(1);
        }
    }
    return NULL;
}

static void
testRun(const char *title, int (*body)(const void *data))
{
    g_mutex_lock(&watchLock);
    watchTitle = title;
    g_cond_broadcast(&watchCond);
    g_mutex_unlock(&watchLock);
    virTestRun(title, body, NULL);
    g_mutex_lock(&watchLock);
    watchTitle = NULL;
    g_cond_broadcast(&watchCond);
    g_mutex_unlock(&watchLock);
}

/* ---- the loop, run by a thread of its own where a case needs it ---- */

static gint loopQuit;

static gpointer
testLoop(gpointer data G_GNUC_UNUSED)
{
    while (!g_atomic_int_get(&loopQuit))
        virEventRunDefaultImpl();
    return NULL;
}

static GThread *
testLoopStart(void)
{
    g_atomic_int_set(&loopQuit, 0);
    return g_thread_new("event-loop", testLoop, NULL);
}

static void
testLoopStop(GThread *loop)
{
    g_atomic_int_set(&loopQuit, 1);
    g_main_context_wakeup(NULL);
    g_thread_join(loop);
}

/* ---- state shared by one case's callbacks ---- */

typedef struct {
    GMutex lock;
    GCond cond;
    int id;             /* the item's own id */
    int other;          /* an id its ff works on */
    int otherResult;    /* what the ff's call returned */
    int freed;          /* times ff ran */
    bool inCallback;    /* a callback is running */
    bool freedInCallback;  /* ff ran while a callback was running */
    bool entered;       /* the callback has started */
    bool release;       /* the callback may return */
    int calls;          /* times a counting callback ran */
} testState;

static void
testStateInit(testState *st)
{
    memset(st, 0, sizeof(*st));
    g_mutex_init(&st->lock);
    g_cond_init(&st->cond);
    st->id = st->other = -1;
}

static void
testStateClear(testState *st)
{
    g_mutex_clear(&st->lock);
    g_cond_clear(&st->cond);
}

/* wait until *@flag (or @count >= 1) under st->lock, at most 5 s */
static bool
testWaitFor(testState *st, const bool *flag, const int *count)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    bool ok;

    g_mutex_lock(&st->lock);
    while (!(flag ? *flag : *count > 0) &&
           g_cond_wait_until(&st->cond, &st->lock, deadline))
        ;
    ok = flag ? *flag : *count > 0;
    g_mutex_unlock(&st->lock);
    return ok;
}

/* let a blocked callback return */
static void
testRelease(testState *st)
{
    g_mutex_lock(&st->lock);
    st->release = true;
    g_cond_broadcast(&st->cond);
    g_mutex_unlock(&st->lock);
}

/* end a case run with the loop thread: ff must have run exactly once */
static int
testFinish(GThread *loop, testState *st, int ret)
{
    testRelease(st);
    testLoopStop(loop);
    if (ret == 0 && st->freed != 1) {
        printf("#   ff ran %d times\n", st->freed);
        ret = -1;
    }
    testStateClear(st);
    return ret;
}

static void
testTimeoutNop(int timer G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

static void
testHandleNop(int watch G_GNUC_UNUSED, int fd G_GNUC_UNUSED,
              int events G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

static void
testFreeCount(void *opaque)
{
    testState *st = opaque;

    g_mutex_lock(&st->lock);
    st->freed++;
    if (st->inCallback)
        st->freedInCallback = true;
    g_cond_broadcast(&st->cond);
    g_mutex_unlock(&st->lock);
}

/* an ff that registers a new timeout */
static void
testFreeAdds(void *opaque)
{
    testState *st = opaque;

    st->other = virEventAddTimeout(-1, testTimeoutNop, NULL, NULL);
    st->freed++;
}

static int
testFreeAddsTimeout(const void *data G_GNUC_UNUSED)
{
    testState st;
    int ret = -1;

    testStateInit(&st);
    if ((st.id = virEventAddTimeout(-1, testTimeoutNop, &st, testFreeAdds)) < 0)
        goto cleanup;
    if (virEventRemoveTimeout(st.id) < 0) {
        printf("#   cannot remove timeout %d\n", st.id);
        goto cleanup;
    }
    if (st.freed != 1 || st.other < 0) {
        printf("#   ff ran %d times, added timeout %d\n", st.freed, st.other);
        goto cleanup;
    }
    if (virEventRemoveTimeout(st.other) < 0) {
        printf("#   the timeout added by ff (%d) is not registered\n", st.other);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    testStateClear(&st);
    return ret;
}

/* an ff that removes another handle */
static void
testFreeRemoves(void *opaque)
{
    testState *st = opaque;

    st->otherResult = virEventRemoveHandle(st->other);
    st->freed++;
}

static int
testFreeRemovesHandle(const void *data G_GNUC_UNUSED)
{
    testState st, other;
    int fds[2] = { -1, -1 };
    int ret = -1;

    testStateInit(&st);
    testStateInit(&other);
    if (pipe(fds) < 0)
        goto cleanup;
    if ((st.id = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, testHandleNop,
                                   &st, testFreeRemoves)) < 0 ||
        (st.other = virEventAddHandle(fds[1], 0, testHandleNop,
                                      &other, testFreeCount)) < 0)
        goto cleanup;
    st.otherResult = -2;
    if (virEventRemoveHandle(st.id) < 0)
        goto cleanup;
    if (st.freed != 1 || st.otherResult != 0 || other.freed != 1) {
        printf("#   ff ran %d times; removing the other handle gave %d, its ff ran %d times\n",
               st.freed, st.otherResult, other.freed);
        goto cleanup;
    }
    if (virEventRemoveHandle(st.other) == 0 || virEventRemoveHandle(st.id) == 0) {
        printf("#   a handle removed is still registered\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    if (fds[0] >= 0) {
        close(fds[0]);
        close(fds[1]);
    }
    testStateClear(&st);
    testStateClear(&other);
    return ret;
}

/* a timer callback that waits until the test lets it return */
static void
testTimeoutBlocks(int timer G_GNUC_UNUSED, void *opaque)
{
    testState *st = opaque;
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    g_mutex_lock(&st->lock);
    st->inCallback = st->entered = true;
    g_cond_broadcast(&st->cond);
    while (!st->release && g_cond_wait_until(&st->cond, &st->lock, deadline))
        ;
    st->inCallback = false;
    g_mutex_unlock(&st->lock);
}

static int
testFreeAfterRunningCallback(const void *data G_GNUC_UNUSED)
{
    testState st;
    GThread *loop = testLoopStart();
    int ret = -1;

    testStateInit(&st);
    if ((st.id = virEventAddTimeout(0, testTimeoutBlocks, &st, testFreeCount)) < 0)
        goto cleanup;
    if (!testWaitFor(&st, &st.entered, NULL)) {
        printf("#   the timer never fired\n");
        goto cleanup;
    }
    if (virEventRemoveTimeout(st.id) < 0) {
        printf("#   cannot remove a timer whose callback runs\n");
        goto cleanup;
    }
    testRelease(&st);
    if (!testWaitFor(&st, NULL, &st.freed)) {
        printf("#   ff never ran\n");
        goto cleanup;
    }
    if (st.freedInCallback) {
        printf("#   ff ran while the timer's callback was running\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    return testFinish(loop, &st, ret);
}

/* a timer callback that removes its own timer */
static void
testTimeoutRemovesSelf(int timer, void *opaque)
{
    testState *st = opaque;

    g_mutex_lock(&st->lock);
    st->inCallback = true;
    g_mutex_unlock(&st->lock);
    st->otherResult = virEventRemoveTimeout(timer);
    g_mutex_lock(&st->lock);
    st->inCallback = false;
    st->entered = true;
    g_cond_broadcast(&st->cond);
    g_mutex_unlock(&st->lock);
}

static int
testCallbackRemovesItself(const void *data G_GNUC_UNUSED)
{
    testState st;
    GThread *loop = testLoopStart();
    int ret = -1;

    testStateInit(&st);
    st.otherResult = -2;
    if ((st.id = virEventAddTimeout(0, testTimeoutRemovesSelf, &st, testFreeCount)) < 0)
        goto cleanup;
    if (!testWaitFor(&st, NULL, &st.freed)) {
        printf("#   ff never ran\n");
        goto cleanup;
    }
    if (st.otherResult != 0 || st.freedInCallback) {
        printf("#   removal from the callback gave %d; ff ran %s\n", st.otherResult,
               st.freedInCallback ? "inside the callback" : "after it");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    return testFinish(loop, &st, ret);
}

static void
testHandleCounts(int watch G_GNUC_UNUSED, int fd G_GNUC_UNUSED,
                 int events G_GNUC_UNUSED, void *opaque)
{
    testState *st = opaque;

    g_mutex_lock(&st->lock);
    st->calls++;
    g_mutex_unlock(&st->lock);
}

/* The loop makes and destroys sources itself, after another thread's
 * call returned: a handle that thread turned off is not dispatched any
 * more, even by its old source found ready in the iteration running.
 * Set up before the loop runs, so that its first iteration finds the
 * blocking timer and then the readable handle ready: the handle is
 * turned off while the timer's callback holds the loop. */
static int
testDisabledWhileReady(const void *data G_GNUC_UNUSED)
{
    testState st, blocker, sync;
    GThread *loop = NULL;
    int fds[2] = { -1, -1 };
    int ret = -1;

    testStateInit(&st);
    testStateInit(&blocker);
    testStateInit(&sync);
    if (pipe(fds) < 0 || write(fds[1], "x", 1) != 1)
        goto cleanup;
    if ((blocker.id = virEventAddTimeout(0, testTimeoutBlocks, &blocker, testFreeCount)) < 0 ||
        (st.id = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, testHandleCounts,
                                   &st, testFreeCount)) < 0)
        goto cleanup;
    loop = testLoopStart();
    if (!testWaitFor(&blocker, &blocker.entered, NULL)) {
        printf("#   the timer never fired\n");
        goto cleanup;
    }
    virEventUpdateHandle(st.id, 0);
    virEventRemoveTimeout(blocker.id);
    testRelease(&blocker);
    /* added after the update: once it ran, the update was applied */
    if (virEventAddTimeout(0, testTimeoutRemovesSelf, &sync, NULL) < 0)
        goto cleanup;
    if (!testWaitFor(&sync, &sync.entered, NULL)) {
        printf("#   the second timer never fired\n");
        goto cleanup;
    }
    if (st.calls != 0) {
        printf("#   the handle turned off ran %d times\n", st.calls);
        goto cleanup;
    }
    ret = 0;
 cleanup:
    if (st.id >= 0)
        virEventRemoveHandle(st.id);
    if (!loop)
        loop = testLoopStart();
    testWaitFor(&blocker, NULL, &blocker.freed);
    ret = testFinish(loop, &st, ret);
    if (fds[0] >= 0) {
        close(fds[0]);
        close(fds[1]);
    }
    testStateClear(&blocker);
    testStateClear(&sync);
    return ret;
}

static void
testTimeoutSeen(int timer, void *opaque)
{
    testState *st = opaque;

    virEventRemoveTimeout(timer);
    g_mutex_lock(&st->lock);
    st->calls++;
    g_mutex_unlock(&st->lock);
}

static gpointer
testAddsTimeout(gpointer opaque)
{
    testState *st = opaque;

    st->otherResult = virEventAddTimeout(0, testTimeoutSeen, st, NULL);
    return NULL;
}

/* A timeout of 0 that another thread adds, while or before this one
 * waits in virEventRunDefaultImpl, runs within that call (as the remote
 * driver's close callback does): the call does not return on the
 * wake-up alone. */
static int
testAddedFromThreadRuns(const void *data G_GNUC_UNUSED)
{
    testState st;
    GThread *adder;
    int calls;

    testStateInit(&st);
    while (g_main_context_pending(NULL))
        virEventRunDefaultImpl();
    adder = g_thread_new("adder", testAddsTimeout, &st);
    virEventRunDefaultImpl();
    g_thread_join(adder);
    g_mutex_lock(&st.lock);
    calls = st.calls;
    g_mutex_unlock(&st.lock);
    while (calls == 0 && st.otherResult >= 0 && g_main_context_pending(NULL))
        virEventRunDefaultImpl();
    testStateClear(&st);
    if (calls != 1) {
        printf("#   the call returned with the timeout run %d times (added: %d)\n",
               calls, st.otherResult);
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    if (virEventRegisterDefaultImpl() < 0)
        return -1;
    g_thread_unref(g_thread_new("watchdog", testWatchdog, NULL));
    testRun("removing a timeout whose ff adds a timeout", testFreeAddsTimeout);
    testRun("removing a handle whose ff removes a handle", testFreeRemovesHandle);
    testRun("ff waits for the callback running in the loop",
            testFreeAfterRunningCallback);
    testRun("a callback removing its own timer: ff after it returns",
            testCallbackRemovesItself);
    testRun("a handle turned off from another thread while ready: not run",
            testDisabledWhileReady);
    testRun("a timeout added from another thread runs in the call it woke",
            testAddedFromThreadRuns);
    return 0;
}

VIR_TEST_MAIN(mymain)
