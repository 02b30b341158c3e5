/*
 * testutilstest.c: the unified diff golden tests print on failure
 *
 * virTestDiff must print what diff -u prints for edits whose alignment is
 * unambiguous (compared with the real diff -u), and for random edits its
 * output, applied as a patch, must turn the first text into the second.
 */
#include "internal.h"

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

static char *tmpdir;

/* Lines "line 1" ... "line @n", each with its newline. */
static char *
testLines(unsigned int n)
{
    g_autoptr(GString) s = g_string_new(NULL);
    unsigned int i;

    for (i = 1; i <= n; i++)
        g_string_append_printf(s, "line %u\n", i);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* @text with line @at (1-based) replaced by @repl (NULL: removed; a string
 * ending in "\n" that is not a whole line is inserted before it). */
static char *
testEdit(const char *text, unsigned int at, const char *repl)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GString) s = g_string_new(NULL);
    unsigned int i;

    for (i = 0; lines[i]; i++) {
        if (!lines[i + 1] && !*lines[i])
            break;
        if (i + 1 == at && repl) {
            g_string_append(s, repl);
            if (!g_str_has_suffix(repl, "\n"))
                g_string_append_c(s, '\n');
            else
                g_string_append_printf(s, "%s\n", lines[i]);
        } else if (i + 1 != at) {
            g_string_append_printf(s, "%s\n", lines[i]);
        }
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

typedef struct {
    const char *title;
    char *a;
    char *b;
} testCase;

/* What diff -u --label a --label b prints for @a and @b. */
static char *
testRealDiff(const char *a, const char *b)
{
    g_autofree char *pa = g_build_filename(tmpdir, "a", NULL);
    g_autofree char *pb = g_build_filename(tmpdir, "b", NULL);
    const char *argv[] = { "diff", "-u", "--label", "a", "--label", "b", pa, pb, NULL };
    g_autoptr(GError) err = NULL;
    char *out = NULL;
    int status;

    if (virFileWriteStrAtomic(pa, a, 0600) < 0 || virFileWriteStrAtomic(pb, b, 0600) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        return NULL;
    }
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      &out, NULL, &status, &err)) {
        printf("#   cannot run diff -u: %s\n", err->message);
        return NULL;
    }
    return out;
}

static int
testMatchesDiffU(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *ours = virTestDiff("a", tc->a, "b", tc->b);
    g_autofree char *real = testRealDiff(tc->a, tc->b);

    if (!real)
        return -1;
    if (STRNEQ(ours, real)) {
        printf("#   diff -u printed:\n%s#   virTestDiff printed:\n%s", real, ours);
        return -1;
    }
    return 0;
}

/* Apply the unified diff @diff to @a; NULL when a context or removed line
 * does not match @a or a hunk header does not count its lines. */
static char *
testPatch(const char *a, const char *diff)
{
    g_auto(GStrv) al = g_strsplit(a, "\n", -1);
    g_auto(GStrv) dl = g_strsplit(diff, "\n", -1);
    g_autoptr(GString) out = g_string_new(NULL);
    size_t na = g_strv_length(al) - 1;     /* texts end with "\n" here */
    size_t ai = 0;
    size_t d = 2;

    if (!*diff)
        return g_strdup(a);
    while (dl[d] && *dl[d]) {
        unsigned int sa, ca = 1, sb, cb = 1;
        unsigned int seenA = 0, seenB = 0;

        if (sscanf(dl[d], "@@ -%u,%u +%u,%u @@", &sa, &ca, &sb, &cb) != 4 &&
            sscanf(dl[d], "@@ -%u +%u,%u @@", &sa, &sb, &cb) != 3 &&
            sscanf(dl[d], "@@ -%u,%u +%u @@", &sa, &ca, &sb) != 3 &&
            sscanf(dl[d], "@@ -%u +%u @@", &sa, &sb) != 2)
            return NULL;
        if (ca == 0)
            sa++;
        while (ai + 1 < sa && ai < na)
            g_string_append_printf(out, "%s\n", al[ai++]);
        for (d++; dl[d] && (dl[d][0] == ' ' || dl[d][0] == '-' || dl[d][0] == '+'); d++) {
            if (dl[d][0] != '+') {
                if (ai >= na || STRNEQ(al[ai], dl[d] + 1))
                    return NULL;
                ai++;
                seenA++;
            }
            if (dl[d][0] != '-') {
                g_string_append_printf(out, "%s\n", dl[d] + 1);
                seenB++;
            }
        }
        if (seenA != ca || seenB != cb)
            return NULL;
    }
    while (ai < na)
        g_string_append_printf(out, "%s\n", al[ai++]);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Random edits of a text of 40 lines with many repeated lines (where the
 * alignment is ambiguous): the diff, applied, gives the edited text. */
static int
testRandomPatches(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GRand) rnd = g_rand_new_with_seed(14);
    unsigned int round;

    for (round = 0; round < 300; round++) {
        g_autoptr(GString) a = g_string_new(NULL);
        g_autoptr(GString) b = g_string_new(NULL);
        g_autofree char *diff = NULL;
        g_autofree char *patched = NULL;
        unsigned int i;

        for (i = 0; i < 40; i++) {
            unsigned int v = g_rand_int_range(rnd, 0, 6);
            unsigned int what = g_rand_int_range(rnd, 0, 10);

            g_string_append_printf(a, "x%u\n", v);
            if (what == 0)
                continue;                                   /* removed */
            if (what == 1)
                g_string_append_printf(b, "y%u\n", v);      /* changed */
            else
                g_string_append_printf(b, "x%u\n", v);
            if (what == 2)
                g_string_append_printf(b, "x%u\n", g_rand_int_range(rnd, 0, 6));   /* added */
        }
        diff = virTestDiff("a", a->str, "b", b->str);
        if (!(patched = testPatch(a->str, diff)) || STRNEQ(patched, b->str)) {
            printf("#   round %u: the diff does not turn a into b:\n%s", round, diff);
            return -1;
        }
        if (STREQ(a->str, b->str) != !*diff) {
            printf("#   round %u: an empty diff for different texts, or the reverse\n", round);
            return -1;
        }
    }
    return 0;
}

static int
mymain(void)
{
    g_autofree char *t20 = testLines(20);
    g_autofree char *t40 = testLines(40);
    g_autofree char *e5 = testEdit(t40, 5, "five");
    g_autofree char *e10 = testEdit(t40, 10, "ten");
    testCase cases[] = {
        { "one changed line", g_strdup(t20), testEdit(t20, 10, "changed") },
        { "first line removed", g_strdup(t20), testEdit(t20, 1, NULL) },
        { "last line removed", g_strdup(t20), testEdit(t20, 20, NULL) },
        { "line inserted at the top", g_strdup(t20), testEdit(t20, 1, "new\n") },
        { "two distant changes: two hunks", g_strdup(t40),
          testEdit(e5, 30, "thirty") },
        { "changes six lines apart: one hunk", g_strdup(t40),
          testEdit(e10, 17, "seventeen") },
        { "changes eight lines apart: two hunks", g_strdup(t40),
          testEdit(e10, 19, "nineteen") },
        { "no newline at the end", g_strdup(t20), g_strndup(t20, strlen(t20) - 1) },
        { "from nothing", g_strdup(""), g_strdup("a\nb\n") },
        { "to nothing", g_strdup("a\nb\n"), g_strdup("") },
    };
    size_t i;

    if (!(tmpdir = g_dir_make_tmp("testutilstest-XXXXXX", NULL)))
        return -1;
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = g_strdup_printf("as diff -u: %s", cases[i].title);

        virTestRun(title, testMatchesDiffU, &cases[i]);
    }
    virTestRun("random edits: the diff applied gives the edited text", testRandomPatches, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_free(cases[i].a);
        g_free(cases[i].b);
    }
    if (virFileDeleteTree(tmpdir) < 0)
        return -1;
    g_free(tmpdir);
    return 0;
}

VIR_TEST_MAIN(mymain)
