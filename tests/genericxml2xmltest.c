/*
 * genericxml2xmltest.c: domain XML parse -> format golden tests
 *
 * Every tests/genericxml2xmlindata/NAME.xml is parsed (with schema
 * validation for valid inputs) and:
 *   - NAME starting with "invalid-": parsing must fail, and the error
 *     message (plus any warnings) must equal genericxml2xmloutdata/NAME.err;
 *   - otherwise the formatted inactive XML must equal
 *     genericxml2xmloutdata/NAME.xml, and formatting is idempotent:
 *     format(parse(output)) == output. Warnings printed at parse time
 *     go to genericxml2xmloutdata/NAME.warn when there are any.
 */
#include "internal.h"

#include "domain_conf.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

typedef struct {
    char *name;
    char *inpath;
} testInfo;

static int
testCompareValid(const void *opaque)
{
    const testInfo *info = opaque;
    g_autoptr(GString) warnings = g_string_new(NULL);
    g_autofree char *outpath = NULL;
    g_autofree char *warnpath = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *xml2 = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) def2 = NULL;

    outpath = g_strdup_printf("%s/tests/genericxml2xmloutdata/%s.xml",
                              ABS_SRCDIR, info->name);
    warnpath = g_strdup_printf("%s/tests/genericxml2xmloutdata/%s.warn",
                               ABS_SRCDIR, info->name);

    /* generated UUIDs and MACs must be the same on every run */
    g_random_set_seed(g_str_hash(info->name));
    virTestCaptureWarnings(warnings);
    def = virDomainDefParseFile(info->inpath, VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA);
    virTestCaptureWarnings(NULL);
    if (!def)
        return -1;
    if (!(xml = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    if (virTestCompareToFile(xml, outpath) < 0)
        return -1;

    if (warnings->len) {
        if (virTestCompareToFile(warnings->str, warnpath) < 0)
            return -1;
    } else if (virFileExists(warnpath)) {
        printf("#   expected warnings in %s, got none\n", warnpath);
        return -1;
    }

    /* idempotence */
    virTestCaptureWarnings(warnings);
    def2 = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                   VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA);
    virTestCaptureWarnings(NULL);
    if (!def2)
        return -1;
    if (!(xml2 = virDomainDefFormat(def2, VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    if (STRNEQ(xml, xml2)) {
        printf("#   format(parse(output)) differs from output\n");
        return -1;
    }
    return 0;
}

static int
testCompareInvalid(const void *opaque)
{
    const testInfo *info = opaque;
    g_autoptr(GString) actual = g_string_new(NULL);
    g_autofree char *errpath = NULL;
    g_autoptr(virDomainDef) def = NULL;

    errpath = g_strdup_printf("%s/genericxml2xmloutdata/%s.err",
                              ABS_SRCDIR "/tests", info->name);

    virTestCaptureWarnings(actual);
    def = virDomainDefParseFile(info->inpath, VIR_DOMAIN_DEF_PARSE_INACTIVE);
    virTestCaptureWarnings(NULL);
    if (def) {
        printf("#   %s was accepted but must be rejected\n", info->inpath);
        return -1;
    }
    g_string_append_printf(actual, "%s\n", virGetLastErrorMessage());
    virResetLastError();
    return virTestCompareToFile(actual->str, errpath);
}

static gint
testCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

static int
mymain(void)
{
    g_autofree char *indir = virTestSrcPath("genericxml2xmlindata");
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = NULL;
    const char *ent;
    size_t i;

    if (!(dir = g_dir_open(indir, 0, NULL))) {
        printf("# cannot open %s\n", indir);
        return -1;
    }
    while ((ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, testCompareNames);

    for (i = 0; i < names->len; i++) {
        testInfo info;
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *title = NULL;

        info.name = (char *)name;
        info.inpath = g_strdup_printf("%s/%s.xml", indir, name);
        if (g_str_has_prefix(name, "invalid-")) {
            title = g_strdup_printf("rejects %s", name);
            virTestRun(title, testCompareInvalid, &info);
        } else {
            title = g_strdup_printf("xml2xml %s", name);
            virTestRun(title, testCompareValid, &info);
        }
        g_free(info.inpath);
    }
    if (names->len == 0) {
        printf("# no inputs in %s\n", indir);
        return -1;
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
