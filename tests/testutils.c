/*
 * testutils.c: helpers shared by the test programs
 */
#include "internal.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

static int testFailures;
static int testCount;

int
virTestRun(const char *title, int (*body)(const void *data), const void *data)
{
    int rc;

    virResetLastError();
    rc = body(data);
    testCount++;
    if (rc == 0) {
        printf("ok %d - %s\n", testCount, title);
    } else {
        testFailures++;
        printf("not ok %d - %s\n", testCount, title);
        if (virGetLastError())
            printf("#   last error: %s\n", virGetLastErrorMessage());
    }
    fflush(stdout);
    return rc;
}

int
virTestExpectError(const char *what, const char *needle)
{
    const char *msg = virGetLastErrorMessage();

    if (!virGetLastError() || !strstr(msg, needle)) {
        printf("#   %s: expected an error containing \"%s\", got \"%s\"\n", what, needle, msg);
        return -1;
    }
    virResetLastError();
    return 0;
}

int
virTestResult(void)
{
    printf("1..%d\n", testCount);
    return testFailures ? 1 : 0;
}

char *
virTestSrcPath(const char *rel)
{
    return g_build_filename(ABS_SRCDIR, "tests", rel, NULL);
}

static gint
virTestCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

GPtrArray *
virTestXMLInputs(const char *indir)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = NULL;
    const char *ent;

    if (!(dir = g_dir_open(indir, 0, NULL))) {
        printf("# cannot open %s\n", indir);
        return NULL;
    }
    while ((ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, virTestCompareNames);
    if (names->len == 0) {
        printf("# no inputs in %s\n", indir);
        return NULL;
    }
    return g_steal_pointer(&names);
}

void
virTestRunXMLInputs(const char *indir, const GPtrArray *names,
                    int (*valid)(const void *data),
                    int (*invalid)(const void *data))
{
    size_t i;

    for (i = 0; i < names->len; i++) {
        virTestXMLInput info;
        g_autofree char *title = NULL;

        info.name = g_ptr_array_index(names, i);
        info.inpath = g_strdup_printf("%s/%s.xml", indir, info.name);
        if (g_str_has_prefix(info.name, "invalid-")) {
            title = g_strdup_printf("rejects %s", info.name);
            virTestRun(title, invalid, &info);
        } else {
            title = g_strdup_printf("xml2xml %s", info.name);
            virTestRun(title, valid, &info);
        }
        g_free(info.inpath);
    }
}

static bool
virTestRegenerate(void)
{
    const char *env = g_getenv("VIR_TEST_REGENERATE_OUTPUT");

    return env && STREQ(env, "1");
}

int
virTestCompareToFile(const char *actual, const char *path)
{
    g_autofree char *expected = NULL;

    if (virTestRegenerate()) {
        if (virFileWriteStrAtomic(path, actual, 0644) < 0) {
            printf("#   cannot write %s: %s\n", path, virGetLastErrorMessage());
            return -1;
        }
        return 0;
    }
    if (virFileReadAll(path, 10 * 1024 * 1024, &expected) < 0) {
        printf("#   missing golden file %s (run with VIR_TEST_REGENERATE_OUTPUT=1 and review it)\n",
               path);
        virResetLastError();
        return -1;
    }
    if (STRNEQ(expected, actual)) {
        g_auto(GStrv) el = g_strsplit(expected, "\n", -1);
        g_auto(GStrv) al = g_strsplit(actual, "\n", -1);
        size_t i;

        printf("#   output differs from %s\n", path);
        for (i = 0; el[i] || al[i]; i++) {
            const char *e = el[i] ? el[i] : "";
            const char *a = al[i] ? al[i] : "";

            if (STRNEQ(e, a)) {
                printf("#   line %zu:\n#   - %s\n#   + %s\n", i + 1, e, a);
                break;
            }
            if (!el[i] || !al[i])
                break;
        }
        return -1;
    }
    return 0;
}

static void
virTestWarningCollector(const char *msg, void *opaque)
{
    GString *into = opaque;

    g_string_append_printf(into, "warning: %s\n", msg);
}

void
virTestCaptureWarnings(GString *into)
{
    if (into)
        virSetWarningHandler(virTestWarningCollector, into);
    else
        virSetWarningHandler(NULL, NULL);
}
