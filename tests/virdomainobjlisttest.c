/*
 * virdomainobjlisttest.c: collecting the objects of a domain list
 *
 * A list of domains, some running: virDomainObjListCollect gives all of
 * them by name, virDomainObjListCollectActive only the running ones, by
 * name too, also when most are not running and when none is, and when
 * domains start, stop, come and go between two calls (the list caches
 * which ones ran at its last walk of all).
 */
#include "internal.h"

#include "testutils.h"
#include "virdomainobjlist.h"
#include "viruuid.h"

/* @n domains d000 .. d(n-1), added in reverse order; those whose index
 * is a multiple of @every run (none when @every is 0). */
static virDomainObjList *
testList(size_t n, size_t every)
{
    virDomainObjList *list = virDomainObjListNew();
    size_t i;

    for (i = n; i-- > 0;) {
        virDomainDef *def = virDomainDefNew();
        virDomainObj *obj;

        def->name = g_strdup_printf("d%03zu", i);
        memset(def->uuid, 0, VIR_UUID_BUFLEN);
        def->uuid[0] = i & 0xff;
        def->uuid[1] = i >> 8;
        obj = virDomainObjListAdd(list, def);
        if (every && i % every == 0)
            obj->def->id = i + 1;
    }
    return list;
}

typedef struct {
    size_t n;
    size_t every;
} testCase;

static int
testCollect(const void *data)
{
    const testCase *tc = data;
    g_autoptr(virDomainObjList) list = testList(tc->n, tc->every);
    g_autoptr(GPtrArray) all = virDomainObjListCollect(list);
    g_autoptr(GPtrArray) active = virDomainObjListCollectActive(list);
    size_t i, expected = 0;

    if (all->len != tc->n) {
        fprintf(stderr, "collect: %u objects, expected %zu\n", all->len, tc->n);
        return -1;
    }
    for (i = 0; i < tc->n; i++) {
        g_autofree char *name = g_strdup_printf("d%03zu", i);
        virDomainObj *obj = g_ptr_array_index(all, i);

        if (STRNEQ(obj->def->name, name)) {
            fprintf(stderr, "collect: %s at %zu, expected %s\n", obj->def->name, i, name);
            return -1;
        }
        if (!tc->every || i % tc->every != 0)
            continue;
        if (expected >= active->len) {
            fprintf(stderr, "active: %u objects, %s missing\n", active->len, name);
            return -1;
        }
        obj = g_ptr_array_index(active, expected);
        if (STRNEQ(obj->def->name, name) || !virDomainObjIsActive(obj)) {
            fprintf(stderr, "active: %s at %zu, expected %s\n", obj->def->name, expected, name);
            return -1;
        }
        expected++;
    }
    if (active->len != expected) {
        fprintf(stderr, "active: %u objects, expected %zu\n", active->len, expected);
        return -1;
    }
    return 0;
}

/* The names of the running domains, "a,b,c". */
static char *
testActiveNames(virDomainObjList *list)
{
    g_autoptr(GPtrArray) active = virDomainObjListCollectActive(list);
    g_autoptr(GString) names = g_string_new(NULL);
    size_t i;

    for (i = 0; i < active->len; i++) {
        virDomainObj *obj = g_ptr_array_index(active, i);

        g_string_append_printf(names, "%s%s", i ? "," : "", obj->def->name);
    }
    return g_string_free(g_steal_pointer(&names), FALSE);
}

static virDomainDef *
testLiveDef(const char *name, size_t index, int id)
{
    virDomainDef *def = virDomainDefNew();

    def->name = g_strdup(name);
    memset(def->uuid, 0, VIR_UUID_BUFLEN);
    def->uuid[0] = index & 0xff;
    def->uuid[1] = index >> 8;
    def->id = id;
    return def;
}

static int
testExpectActive(virDomainObjList *list, const char *step, const char *expected)
{
    g_autofree char *names = testActiveNames(list);

    if (STRNEQ(names, expected)) {
        fprintf(stderr, "%s: running '%s', expected '%s'\n", step, names, expected);
        return -1;
    }
    return 0;
}

/* Each change between two calls of virDomainObjListCollectActive is seen
 * by the second one. */
static int
testCollectActiveChanges(const void *data G_GNUC_UNUSED)
{
    g_autoptr(virDomainObjList) list = testList(50, 0);
    virDomainObj *d10 = virDomainObjListFindByName(list, "d010");
    virDomainObj *d20 = virDomainObjListFindByName(list, "d020");
    virDomainObj *d30 = virDomainObjListFindByName(list, "d030");
    virDomainDef *def;

    if (testExpectActive(list, "none running", "") < 0 ||
        testExpectActive(list, "none running, again", "") < 0)
        return -1;

    d10->persistent = true;
    def = testLiveDef("d010", 10, 1);
    virDomainObjSetLiveDef(d10, &def);
    if (testExpectActive(list, "d010 started", "d010") < 0)
        return -1;

    def = testLiveDef("d030", 30, 2);
    virDomainObjReplaceDef(d30, &def);
    if (testExpectActive(list, "d030 replaced by a running definition", "d010,d030") < 0 ||
        testExpectActive(list, "the same, again", "d010,d030") < 0)
        return -1;

    virDomainObjRestorePersistentDef(d10);
    if (testExpectActive(list, "d010 stopped", "d030") < 0)
        return -1;

    def = testLiveDef("d020", 20, 3);
    virDomainObjSetLiveDef(d20, &def);
    if (testExpectActive(list, "d020 started", "d020,d030") < 0)
        return -1;
    virDomainObjListRemove(list, d30);
    if (testExpectActive(list, "d030 removed while running", "d020") < 0)
        return -1;

    virDomainObjListAdd(list, testLiveDef("e000", 500, 4));
    if (testExpectActive(list, "e000 added running", "d020,e000") < 0 ||
        testExpectActive(list, "the same, again", "d020,e000") < 0)
        return -1;
    return 0;
}

static int
mymain(void)
{
    const testCase cases[] = {
        { 0, 0 },
        { 12, 0 },     /* none running */
        { 12, 1 },     /* all running */
        { 12, 5 },
        { 1000, 97 },  /* few running among many */
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = cases[i].every ?
            g_strdup_printf("%zu domains, one in %zu running", cases[i].n, cases[i].every) :
            g_strdup_printf("%zu domains, none running", cases[i].n);

        virTestRun(title, testCollect, &cases[i]);
    }
    virTestRun("running domains seen through starts, stops and removals",
               testCollectActiveChanges, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
