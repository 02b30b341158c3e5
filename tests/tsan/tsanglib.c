/*
 * tsanglib.c: make GLib's mutexes visible to ThreadSanitizer.
 *
 * Compiled into every program of a -Db_sanitize=thread build, and only
 * there (src/meson.build). GLib on Linux implements GMutex and GCond with
 * futex system calls, which ThreadSanitizer does not see (it intercepts
 * pthread functions): every field guarded by a GMutex would be reported as
 * a race. These definitions take the place of GLib's for the program and
 * the libraries it loads (libvirt.so included): each calls GLib's own
 * function and tells ThreadSanitizer that the mutex was taken or given
 * back. GLib's calls to them from inside GLib are not seen (it binds its
 * own symbols), nor needed: GLib itself is not instrumented.
 *
 * The same for the last reference to a GMainContext (below).
 *
 * No GLib header: the prototypes are GLib's ABI with opaque pointers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sanitizer/tsan_interface.h>

typedef void (*tsanMutexFn)(void *mutex);
typedef int (*tsanTryFn)(void *mutex);
typedef void (*tsanWaitFn)(void *cond, void *mutex);
typedef int (*tsanWaitUntilFn)(void *cond, void *mutex, int64_t end);

void g_mutex_lock(void *mutex);
int g_mutex_trylock(void *mutex);
void g_mutex_unlock(void *mutex);
void g_cond_wait(void *cond, void *mutex);
int g_cond_wait_until(void *cond, void *mutex, int64_t end);
void g_main_context_unref(void *context);
int g_once_init_enter(volatile void *location);
void g_once_init_leave(volatile void *location, size_t result);

/* GLib's definition of @name (the next one after this program's) */
static void *
tsanReal(void **cache, const char *name)
{
    void *fn = __atomic_load_n(cache, __ATOMIC_ACQUIRE);

    if (!fn) {
        if (!(fn = dlsym(RTLD_NEXT, name))) {
            fprintf(stderr, "tsanglib: %s not found: %s\n", name, dlerror());
            abort();
        }
        __atomic_store_n(cache, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

#define TSAN_REAL(type, name) \
    static void *real_ ## name; \
    type fn = (type)tsanReal(&real_ ## name, #name)

void
g_mutex_lock(void *mutex)
{
    TSAN_REAL(tsanMutexFn, g_mutex_lock);

    __tsan_mutex_pre_lock(mutex, 0);
    fn(mutex);
    __tsan_mutex_post_lock(mutex, 0, 0);
}

int
g_mutex_trylock(void *mutex)
{
    TSAN_REAL(tsanTryFn, g_mutex_trylock);
    int taken;

    __tsan_mutex_pre_lock(mutex, __tsan_mutex_try_lock);
    taken = fn(mutex);
    __tsan_mutex_post_lock(mutex, __tsan_mutex_try_lock |
                           (taken ? 0 : __tsan_mutex_try_lock_failed), 0);
    return taken;
}

void
g_mutex_unlock(void *mutex)
{
    TSAN_REAL(tsanMutexFn, g_mutex_unlock);

    __tsan_mutex_pre_unlock(mutex, 0);
    fn(mutex);
    __tsan_mutex_post_unlock(mutex, 0);
}

/* A wait gives the mutex back and takes it again. */
void
g_cond_wait(void *cond, void *mutex)
{
    TSAN_REAL(tsanWaitFn, g_cond_wait);

    __tsan_mutex_pre_unlock(mutex, 0);
    __tsan_mutex_post_unlock(mutex, 0);
    fn(cond, mutex);
    __tsan_mutex_pre_lock(mutex, 0);
    __tsan_mutex_post_lock(mutex, 0, 0);
}

int
g_cond_wait_until(void *cond, void *mutex, int64_t end)
{
    TSAN_REAL(tsanWaitUntilFn, g_cond_wait_until);
    int signalled;

    __tsan_mutex_pre_unlock(mutex, 0);
    __tsan_mutex_post_unlock(mutex, 0);
    signalled = fn(cond, mutex, end);
    __tsan_mutex_pre_lock(mutex, 0);
    __tsan_mutex_post_lock(mutex, 0, 0);
    return signalled;
}

/* g_once_init_enter / g_once_init_leave: what the initializer wrote
 * before the leave is read by other threads once the enter macro's fast
 * path (an atomic load of the location, which ThreadSanitizer sees) or
 * the function (which waits inside GLib) says it is done. GLib's store of
 * the result is not seen: the leave releases on the location, and an
 * enter that finds it done acquires it. */
typedef int (*tsanOnceEnterFn)(volatile void *location);
typedef void (*tsanOnceLeaveFn)(volatile void *location, size_t result);

int
g_once_init_enter(volatile void *location)
{
    TSAN_REAL(tsanOnceEnterFn, g_once_init_enter);
    int initialize = fn(location);

    if (!initialize)
        __tsan_acquire((void *)location);
    return initialize;
}

void
g_once_init_leave(volatile void *location, size_t result)
{
    TSAN_REAL(tsanOnceLeaveFn, g_once_init_leave);

    __tsan_release((void *)location);
    fn(location, result);
}

/* The thread that drops the last reference to a main context frees it
 * (and closes its wakeup eventfd); the count is an atomic inside GLib.
 * Dropping references one at a time under a lock ThreadSanitizer sees
 * orders the free after what the other holders did (the poll() of the
 * thread that ran the context). Recursive: a source destroyed by the last
 * unref may drop another context. */
void
g_main_context_unref(void *context)
{
    static pthread_mutex_t unrefLock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    TSAN_REAL(tsanMutexFn, g_main_context_unref);

    pthread_mutex_lock(&unrefLock);
    fn(context);
    pthread_mutex_unlock(&unrefLock);
}

/* Hand-offs through GLib's own queues (a thread pool's GAsyncQueue, a
 * main context's invoke list) are ordered by locks inside GLib, which
 * ThreadSanitizer does not see: what the pusher wrote before the push
 * looks racy to the thread that runs the task. The push releases on the
 * task's data and the task acquires it before it runs. */
typedef void (*tsanPoolFunc)(void *data, void *user_data);
typedef int (*tsanSourceFunc)(void *data);
typedef void (*tsanDestroyFunc)(void *data);

typedef struct {
    tsanPoolFunc func;
    void *userData;
} tsanPoolTask;

static void
tsanPoolRun(void *data, void *user_data)
{
    tsanPoolTask *task = user_data;

    __tsan_acquire(data);
    task->func(data, task->userData);
}

void *g_thread_pool_new(tsanPoolFunc func, void *user_data, int max_threads,
                        int exclusive, void **error);
int g_thread_pool_push(void *pool, void *data, void **error);

/* The wrapper lives as long as the program: a pool is not told when it
 * is freed, and a TSan build only runs tests. */
void *
g_thread_pool_new(tsanPoolFunc func, void *user_data, int max_threads,
                  int exclusive, void **error)
{
    typedef void *(*newFn)(tsanPoolFunc, void *, int, int, void **);
    TSAN_REAL(newFn, g_thread_pool_new);
    tsanPoolTask *task = malloc(sizeof(*task));

    if (!task)
        abort();
    task->func = func;
    task->userData = user_data;
    return fn(tsanPoolRun, task, max_threads, exclusive, error);
}

int
g_thread_pool_push(void *pool, void *data, void **error)
{
    typedef int (*pushFn)(void *, void *, void **);
    TSAN_REAL(pushFn, g_thread_pool_push);

    __tsan_release(data);
    return fn(pool, data, error);
}

typedef struct {
    tsanSourceFunc func;
    void *data;
    tsanDestroyFunc notify;
} tsanInvoke;

static int
tsanInvokeRun(void *opaque)
{
    tsanInvoke *inv = opaque;

    __tsan_acquire(inv);
    return inv->func(inv->data);
}

static void
tsanInvokeFree(void *opaque)
{
    tsanInvoke *inv = opaque;

    __tsan_acquire(inv);
    if (inv->notify)
        inv->notify(inv->data);
    free(inv);
}

void g_main_context_invoke_full(void *context, int priority, tsanSourceFunc function,
                                void *data, tsanDestroyFunc notify);

/* GLib's @name, for a program that may not link GLib itself (the shim
 * is in every program of the build; libvirt.so brings GLib) */
#define TSAN_GLIB(type, name) \
    static void *glib_ ## name; \
    type name ## _fn = (type)tsanReal(&glib_ ## name, #name)

typedef void *(*tsanGetFn)(void);
typedef int (*tsanTestFn)(void *obj);
typedef void (*tsanPriorityFn)(void *source, int priority);
typedef void (*tsanCallbackFn)(void *source, tsanSourceFunc func, void *data,
                               tsanDestroyFunc notify);
typedef unsigned int (*tsanAttachFn)(void *source, void *context);

/* Run synchronously, GLib does it itself (the caller owns @context, or
 * it is the caller's default context and free): no other thread is
 * involved. Otherwise the call goes to the context's thread as an idle
 * source, which GLib would make inside g_main_context_invoke_full: made
 * here, so that its memory (freed by the other thread) is written
 * before the release. */
void
g_main_context_invoke_full(void *context, int priority, tsanSourceFunc function,
                           void *data, tsanDestroyFunc notify)
{
    typedef void (*invokeFn)(void *, int, tsanSourceFunc, void *, tsanDestroyFunc);
    TSAN_REAL(invokeFn, g_main_context_invoke_full);
    TSAN_GLIB(tsanGetFn, g_main_context_default);
    TSAN_GLIB(tsanGetFn, g_main_context_get_thread_default);
    TSAN_GLIB(tsanTestFn, g_main_context_is_owner);
    TSAN_GLIB(tsanTestFn, g_main_context_acquire);
    TSAN_GLIB(tsanMutexFn, g_main_context_release);
    TSAN_GLIB(tsanGetFn, g_idle_source_new);
    TSAN_GLIB(tsanPriorityFn, g_source_set_priority);
    TSAN_GLIB(tsanCallbackFn, g_source_set_callback);
    TSAN_GLIB(tsanAttachFn, g_source_attach);
    TSAN_GLIB(tsanMutexFn, g_source_unref);
    void *mine = g_main_context_get_thread_default_fn();
    tsanInvoke *inv;
    void *source;

    if (!context)
        context = g_main_context_default_fn();
    if (!mine)
        mine = g_main_context_default_fn();
    if (g_main_context_is_owner_fn(context)) {
        fn(context, priority, function, data, notify);
        return;
    }
    if (mine == context && g_main_context_acquire_fn(context)) {
        fn(context, priority, function, data, notify);
        g_main_context_release_fn(context);
        return;
    }
    inv = malloc(sizeof(*inv));
    if (!inv)
        abort();
    inv->func = function;
    inv->data = data;
    inv->notify = notify;
    source = g_idle_source_new_fn();
    g_source_set_priority_fn(source, priority);
    g_source_set_callback_fn(source, tsanInvokeRun, inv, tsanInvokeFree);
    __tsan_release(inv);
    g_source_attach_fn(source, context);
    g_source_unref_fn(source);
}
