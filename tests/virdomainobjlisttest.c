/*
 * virdomainobjlisttest.c: collecting the objects of a domain list
 *
 * A list of domains, some running: virDomainObjListCollect gives all of
 * them by name, virDomainObjListCollectActive only the running ones, by
 * name too, also when most are not running and when none is.
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
    return 0;
}

VIR_TEST_MAIN(mymain)
