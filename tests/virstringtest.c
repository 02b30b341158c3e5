/*
 * virstringtest.c: checked number parsing
 *
 * Each kind (int, unsigned int, long long, unsigned long long) takes a
 * number that fills its range and refuses one past it, refuses a sign
 * where it has none, blanks, an empty string and text after the number
 * (unless an end pointer is asked for, which then points just past it).
 */
#include "internal.h"

#include <limits.h>

#include "testutils.h"
#include "virstring.h"

typedef enum {
    KIND_I,
    KIND_UI,
    KIND_LL,
    KIND_ULL,
} testKind;

typedef struct {
    testKind kind;
    const char *text;
    int base;
    bool ok;                 /* whole string */
    const char *value;       /* expected, printed with %lld/%llu */
    const char *rest;        /* with an end pointer: NULL = fails too */
} testCase;

/* Parse @text as @kind; the value is printed into @out. */
static int
testParse(testKind kind, const char *text, int base, char **end, char **out)
{
    int i;
    unsigned int ui;
    long long ll;
    unsigned long long ull;

    switch (kind) {
    case KIND_I:
        if (virStrToLong_i(text, end, base, &i) < 0)
            return -1;
        *out = g_strdup_printf("%d", i);
        return 0;
    case KIND_UI:
        if (virStrToLong_ui(text, end, base, &ui) < 0)
            return -1;
        *out = g_strdup_printf("%u", ui);
        return 0;
    case KIND_LL:
        if (virStrToLong_ll(text, end, base, &ll) < 0)
            return -1;
        *out = g_strdup_printf("%lld", ll);
        return 0;
    case KIND_ULL:
        if (virStrToLong_ull(text, end, base, &ull) < 0)
            return -1;
        *out = g_strdup_printf("%llu", ull);
        return 0;
    }
    return -1;
}

static const char *kindNames[] = { "i", "ui", "ll", "ull" };

static int
testOne(const void *data)
{
    const testCase *tc = data;
    g_autofree char *whole = NULL;
    g_autofree char *prefix = NULL;
    char *end = (char *)"untouched";
    int rc;

    rc = testParse(tc->kind, tc->text, tc->base, NULL, &whole);
    if ((rc == 0) != tc->ok) {
        printf("#   virStrToLong_%s(\"%s\", NULL) %s\n", kindNames[tc->kind],
               NULLSTR(tc->text), rc == 0 ? "succeeded" : "failed");
        return -1;
    }
    if (rc == 0 && STRNEQ(whole, tc->value)) {
        printf("#   \"%s\" gave %s, expected %s\n", tc->text, whole, tc->value);
        return -1;
    }
    rc = testParse(tc->kind, tc->text, tc->base, &end, &prefix);
    if ((rc == 0) != (tc->rest != NULL)) {
        printf("#   virStrToLong_%s(\"%s\", &end) %s\n", kindNames[tc->kind],
               NULLSTR(tc->text), rc == 0 ? "succeeded" : "failed");
        return -1;
    }
    if (rc < 0) {
        if (end != tc->text) {
            printf("#   a failure left end at \"%s\"\n", NULLSTR(end));
            return -1;
        }
        return 0;
    }
    if (STRNEQ(prefix, tc->value) || STRNEQ(end, tc->rest)) {
        printf("#   \"%s\" with an end pointer gave %s, rest \"%s\"; expected %s, \"%s\"\n",
               tc->text, prefix, end, tc->value, tc->rest);
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    const testCase cases[] = {
        /* plain values and the limits of each kind */
        { KIND_I, "0", 10, true, "0", "" },
        { KIND_I, "-42", 10, true, "-42", "" },
        { KIND_I, "2147483647", 10, true, "2147483647", "" },
        { KIND_I, "-2147483648", 10, true, "-2147483648", "" },
        { KIND_I, "2147483648", 10, false, NULL, NULL },
        { KIND_I, "-2147483649", 10, false, NULL, NULL },
        { KIND_UI, "4294967295", 10, true, "4294967295", "" },
        { KIND_UI, "4294967296", 10, false, NULL, NULL },
        { KIND_LL, "9223372036854775807", 10, true, "9223372036854775807", "" },
        { KIND_LL, "-9223372036854775808", 10, true, "-9223372036854775808", "" },
        { KIND_LL, "9223372036854775808", 10, false, NULL, NULL },
        { KIND_ULL, "18446744073709551615", 10, true, "18446744073709551615", "" },
        { KIND_ULL, "18446744073709551616", 10, false, NULL, NULL },
        { KIND_ULL, "99999999999999999999999", 10, false, NULL, NULL },
        /* signs */
        { KIND_UI, "-1", 10, false, NULL, NULL },
        { KIND_ULL, "-1", 10, false, NULL, NULL },
        { KIND_ULL, "-0", 10, false, NULL, NULL },
        { KIND_I, "+1", 10, false, NULL, NULL },
        { KIND_UI, "+1", 10, false, NULL, NULL },
        { KIND_I, "-", 10, false, NULL, NULL },
        { KIND_I, "--1", 10, false, NULL, NULL },
        /* empty, blanks, trailing text */
        { KIND_I, "", 10, false, NULL, NULL },
        { KIND_ULL, "", 10, false, NULL, NULL },
        { KIND_I, NULL, 10, false, NULL, NULL },
        { KIND_I, " 1", 10, false, NULL, NULL },
        { KIND_UI, "\t1", 10, false, NULL, NULL },
        { KIND_I, "12x", 10, false, "12", "x" },
        { KIND_I, "12\n", 10, false, "12", "\n" },
        { KIND_UI, "7 8", 10, false, "7", " 8" },
        { KIND_LL, "-3.5", 10, false, "-3", ".5" },
        { KIND_ULL, "123456789012 rest", 10, false, "123456789012", " rest" },
        { KIND_I, "x12", 10, false, NULL, NULL },
        /* bases */
        { KIND_UI, "ff", 16, true, "255", "" },
        { KIND_UI, "0x1F", 16, true, "31", "" },
        { KIND_UI, "0x1f", 0, true, "31", "" },
        { KIND_UI, "017", 0, true, "15", "" },
        { KIND_UI, "ffff:00", 16, false, "65535", ":00" },
        { KIND_UI, "g1", 16, false, NULL, NULL },
        { KIND_UI, "a", 10, false, NULL, NULL },
        { KIND_I, "-ff", 16, true, "-255", "" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = g_strescape(cases[i].text ? cases[i].text : "(null)", NULL);
        g_autofree char *title = g_strdup_printf("virStrToLong_%s \"%s\" (base %d)",
                                                 kindNames[cases[i].kind], text,
                                                 cases[i].base);

        virTestRun(title, testOne, &cases[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
