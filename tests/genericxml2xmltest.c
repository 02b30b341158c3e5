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

static int
testCompareValid(const void *opaque)
{
    const virTestXMLInput *info = opaque;
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
    const virTestXMLInput *info = opaque;
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

static int
mymain(void)
{
    g_autofree char *indir = virTestSrcPath("genericxml2xmlindata");
    g_autoptr(GPtrArray) names = virTestXMLInputs(indir);

    if (!names)
        return -1;
    virTestRunXMLInputs(indir, names, testCompareValid, testCompareInvalid);
    return 0;
}

VIR_TEST_MAIN(mymain)
