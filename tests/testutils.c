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
        printf("#   output differs from %s:\n", path);
        virTestPrintDiff(path, expected, "actual", actual);
        return -1;
    }
    return 0;
}

/* The lines of @text; a last line without newline is marked in @noeol. */
static GStrv
virTestDiffLines(const char *text, size_t *n, bool *noeol)
{
    GStrv lines = g_strsplit(text, "\n", -1);

    *n = g_strv_length(lines);
    *noeol = false;
    if (*n > 0 && !*lines[*n - 1]) {
        g_free(lines[*n - 1]);
        lines[--*n] = NULL;
    } else if (*n > 0) {
        *noeol = true;
    }
    return lines;
}

#define VIR_TEST_DIFF_CONTEXT 3

typedef struct {
    char op;            /* ' ', '-' or '+' */
    size_t a;           /* line index in the expected text (for ' ' and '-') */
    size_t b;           /* line index in the actual text (for ' ' and '+') */
} virTestDiffOp;

char *
virTestDiff(const char *nameA, const char *textA,
            const char *nameB, const char *textB)
{
    size_t na, nb, i, j;
    bool noeolA, noeolB;
    g_auto(GStrv) a = virTestDiffLines(textA, &na, &noeolA);
    g_auto(GStrv) b = virTestDiffLines(textB, &nb, &noeolB);
    g_autofree unsigned int *lcs = NULL;
    g_autoptr(GArray) ops = g_array_new(FALSE, FALSE, sizeof(virTestDiffOp));
    g_autoptr(GString) out = g_string_new(NULL);
    size_t start, k;

    /* lcs[i][j]: longest common subsequence of a[i..] and b[j..] */
    if ((na + 1) * (nb + 1) > 16 * 1024 * 1024) {
        g_string_append_printf(out, "(%zu and %zu lines: too long to compare line by line)\n",
                               na, nb);
        return g_string_free(g_steal_pointer(&out), FALSE);
    }
    lcs = g_new0(unsigned int, (na + 1) * (nb + 1));
#define LCS(x, y) lcs[(x) * (nb + 1) + (y)]
    /* equal lines: the same text, and both or neither the last line
     * without newline */
#define SAME(x, y) (STREQ(a[x], b[y]) && \
                    ((noeolA && (x) == na - 1) == (noeolB && (y) == nb - 1)))
    for (i = na; i-- > 0;) {
        for (j = nb; j-- > 0;) {
            if (SAME(i, j))
                LCS(i, j) = LCS(i + 1, j + 1) + 1;
            else
                LCS(i, j) = MAX(LCS(i + 1, j), LCS(i, j + 1));
        }
    }
    i = j = 0;
    while (i < na || j < nb) {
        virTestDiffOp op = { ' ', i, j };

        if (i < na && j < nb && SAME(i, j)) {
            i++, j++;
        } else if (i < na && (j == nb || LCS(i + 1, j) >= LCS(i, j + 1))) {
            op.op = '-';    /* removals first, as diff -u prints them */
            i++;
        } else {
            op.op = '+';
            j++;
        }
        g_array_append_val(ops, op);
    }
#undef SAME
#undef LCS

    for (k = 0; k < ops->len && g_array_index(ops, virTestDiffOp, k).op == ' '; k++)
        ;
    if (k == ops->len)
        return g_strdup("");
    g_string_append_printf(out, "--- %s\n+++ %s\n", nameA, nameB);
    for (start = 0; start < ops->len;) {
        size_t first, end, la = 0, lb = 0, ca = 0, cb = 0;

        /* the next change, and its hunk: changes closer than two contexts */
        while (start < ops->len && g_array_index(ops, virTestDiffOp, start).op == ' ')
            start++;
        if (start == ops->len)
            break;
        first = start >= VIR_TEST_DIFF_CONTEXT ? start - VIR_TEST_DIFF_CONTEXT : 0;
        end = start;
        for (k = start; k < ops->len; k++) {
            if (g_array_index(ops, virTestDiffOp, k).op != ' ')
                end = k + 1;
            else if (k - end >= 2 * VIR_TEST_DIFF_CONTEXT)
                break;
        }
        end = MIN(end + VIR_TEST_DIFF_CONTEXT, ops->len);
        for (k = first; k < end; k++) {
            virTestDiffOp *op = &g_array_index(ops, virTestDiffOp, k);

            if (op->op != '+')
                ca++;
            if (op->op != '-')
                cb++;
        }
        {
            virTestDiffOp *op = &g_array_index(ops, virTestDiffOp, first);

            la = ca ? op->a + 1 : op->a;
            lb = cb ? op->b + 1 : op->b;
        }
        g_string_append_printf(out, "@@ -%zu", la);
        if (ca != 1)
            g_string_append_printf(out, ",%zu", ca);
        g_string_append_printf(out, " +%zu", lb);
        if (cb != 1)
            g_string_append_printf(out, ",%zu", cb);
        g_string_append(out, " @@\n");
        for (k = first; k < end; k++) {
            virTestDiffOp *op = &g_array_index(ops, virTestDiffOp, k);
            bool aLast = op->op != '+' && noeolA && op->a == na - 1;
            bool bLast = op->op != '-' && noeolB && op->b == nb - 1;

            g_string_append_printf(out, "%c%s\n", op->op, op->op == '+' ? b[op->b] : a[op->a]);
            if (aLast || bLast)
                g_string_append(out, "\\ No newline at end of file\n");
        }
        start = end;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

void
virTestPrintDiff(const char *nameA, const char *textA,
                 const char *nameB, const char *textB)
{
    g_autofree char *diff = virTestDiff(nameA, textA, nameB, textB);
    g_auto(GStrv) lines = g_strsplit(diff, "\n", -1);
    size_t i;

    for (i = 0; lines[i] && (*lines[i] || lines[i + 1]); i++)
        printf("#   %s\n", lines[i]);
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
