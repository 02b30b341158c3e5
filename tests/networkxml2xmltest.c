/*
 * networkxml2xmltest.c: network XML parse -> format golden tests
 *
 * Every tests/networkxml2xmlin/NAME.xml is parsed and:
 *   - NAME starting with "invalid-": parsing must fail and the message
 *     must equal networkxml2xmlout/NAME.err. Unless NAME is in
 *     schemaAccepts[] (rules the grammar cannot express), network.rng
 *     must reject the document too;
 *   - NAME starting with "live-": a live definition (parsed with
 *     VIR_NETWORK_DEF_PARSE_STATUS) formatted as if 2 guests used it;
 *   - otherwise an inactive definition, validated against network.rng.
 * The output must equal networkxml2xmlout/NAME.xml, validate against
 * network.rng, and format(parse(output)) == output.
 */
#include "internal.h"

#include "network_conf.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virxml.h"

/* Invalid inputs whose fault only the parser can see. */
static const char *schemaAccepts[] = {
    "invalid-dup-address",        /* uniqueness */
    "invalid-pf-and-address",     /* both are valid in live XML */
    "invalid-address-function",   /* numeric range */
    "invalid-ip-bad",             /* address syntax */
    "invalid-connections",        /* valid in live XML */
};

static int
testSchemaCheck(const char *xml, const char *what, bool expectValid)
{
    g_autoptr(xmlDoc) doc = NULL;
    int rc;

    if (!(doc = virXMLParseStringCtxt(xml, what, "network", NULL))) {
        printf("#   %s is not well-formed: %s\n", what, virGetLastErrorMessage());
        virResetLastError();
        return expectValid ? -1 : 0;
    }
    rc = virXMLValidateAgainstSchema(virNetworkSchemaPath(), doc);
    if (rc < 0 && expectValid) {
        printf("#   %s does not validate against network.rng: %s\n",
               what, virGetLastErrorMessage());
        virResetLastError();
        return -1;
    }
    virResetLastError();
    if (rc == 0 && !expectValid) {
        printf("#   network.rng accepts %s, which must be rejected\n", what);
        return -1;
    }
    return 0;
}

static int
testCompareValid(const void *opaque)
{
    const virTestXMLInput *info = opaque;
    bool live = g_str_has_prefix(info->name, "live-");
    unsigned int parseFlags = live ? VIR_NETWORK_DEF_PARSE_STATUS
                                   : VIR_NETWORK_DEF_PARSE_VALIDATE_SCHEMA;
    unsigned int connections = live ? 2 : 0;
    g_autofree char *outpath = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *xml2 = NULL;
    g_autofree char *input = NULL;
    g_autoptr(virNetworkDef) def = NULL;
    g_autoptr(virNetworkDef) def2 = NULL;

    outpath = g_strdup_printf("%s/tests/networkxml2xmlout/%s.xml", ABS_SRCDIR, info->name);

    if (virFileReadAll(info->inpath, VIR_NETWORK_XML_MAX_LEN, &input) < 0)
        return -1;
    if (testSchemaCheck(input, info->inpath, true) < 0)
        return -1;

    /* generated UUIDs and MACs must be the same on every run */
    g_random_set_seed(g_str_hash(info->name));
    if (!(def = virNetworkDefParseString(input, parseFlags))) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    xml = virNetworkDefFormat(def, connections);
    if (virTestCompareToFile(xml, outpath) < 0)
        return -1;
    if (testSchemaCheck(xml, outpath, true) < 0)
        return -1;

    if (!(def2 = virNetworkDefParseString(xml, parseFlags))) {
        printf("#   output does not parse back: %s\n", virGetLastErrorMessage());
        return -1;
    }
    xml2 = virNetworkDefFormat(def2, connections);
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
    g_autofree char *errpath = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *input = NULL;
    g_autoptr(virNetworkDef) def = NULL;
    bool schemaOK = false;
    size_t i;

    errpath = g_strdup_printf("%s/tests/networkxml2xmlout/%s.err", ABS_SRCDIR, info->name);
    if (virFileReadAll(info->inpath, VIR_NETWORK_XML_MAX_LEN, &input) < 0)
        return -1;

    if ((def = virNetworkDefParseString(input, 0))) {
        printf("#   %s was accepted but must be rejected\n", info->inpath);
        return -1;
    }
    actual = g_strdup_printf("%s\n", virGetLastErrorMessage());
    virResetLastError();
    if (virTestCompareToFile(actual, errpath) < 0)
        return -1;

    for (i = 0; i < G_N_ELEMENTS(schemaAccepts); i++) {
        if (STREQ(info->name, schemaAccepts[i]))
            schemaOK = true;
    }
    return testSchemaCheck(input, info->inpath, schemaOK);
}

/* The status parse must refuse what is wrong in any definition. */
static int
testStatusStillValidates(const void *opaque G_GNUC_UNUSED)
{
    const char *xml =
        "<network><name>s</name><forward mode='hostdev'>"
        "<address type='pci' bus='3' slot='7' function='1'/>"
        "<address type='pci' bus='3' slot='7' function='1'/>"
        "</forward></network>";
    g_autoptr(virNetworkDef) def = virNetworkDefParseString(xml, VIR_NETWORK_DEF_PARSE_STATUS);

    if (def) {
        printf("#   duplicate VFs accepted in a status definition\n");
        return -1;
    }
    virResetLastError();
    return 0;
}

/* Every prefix of every input, and every input with one byte replaced,
 * parses or fails cleanly (run under ASan/UBSan in CI). */
static int
testTruncated(const void *opaque)
{
    const GPtrArray *names = opaque;
    const char junk[] = { '<', '>', '\'', '/', '\0', 'x', '9', '&' };
    size_t i, len;
    size_t parsed = 0;

    for (i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("%s/tests/networkxml2xmlin/%s.xml",
                                                ABS_SRCDIR, (const char *)g_ptr_array_index(names, i));
        g_autofree char *input = NULL;
        size_t n;

        if (virFileReadAll(path, VIR_NETWORK_XML_MAX_LEN, &input) < 0)
            return -1;
        n = strlen(input);
        for (len = 0; len < n; len++) {
            g_autofree char *copy = g_strndup(input, len);
            g_autoptr(virNetworkDef) def = virNetworkDefParseString(copy, VIR_NETWORK_DEF_PARSE_STATUS);

            parsed++;
            if (def) {
                /* a prefix that parses is a whole document: it formats */
                g_autofree char *xml = virNetworkDefFormat(def, 0);

                if (!xml) {
                    printf("#   %s cut at byte %zu parses but does not format: %s\n",
                           path, len, virGetLastErrorMessage());
                    return -1;
                }
            }
            virResetLastError();
        }
        for (len = 0; len < n; len++) {
            g_autofree char *copy = g_strdup(input);
            g_autoptr(virNetworkDef) def = NULL;

            copy[len] = junk[(len + i) % G_N_ELEMENTS(junk)];
            parsed++;
            if ((def = virNetworkDefParseString(copy, 0))) {
                g_autofree char *xml = virNetworkDefFormat(def, 0);
                g_autoptr(virNetworkDef) again = virNetworkDefParseString(xml, 0);

                if (!again) {
                    printf("#   %s with byte %zu changed: output does not parse back: %s\n",
                           path, len, virGetLastErrorMessage());
                    return -1;
                }
            }
            virResetLastError();
        }
    }
    printf("# %zu documents parsed\n", parsed);
    return 0;
}

static int
mymain(void)
{
    g_autofree char *indir = virTestSrcPath("networkxml2xmlin");
    g_autoptr(GPtrArray) names = virTestXMLInputs(indir);

    if (!names)
        return -1;
    virTestRunXMLInputs(indir, names, testCompareValid, testCompareInvalid);
    virTestRun("status parse keeps the rules", testStatusStillValidates, NULL);
    virTestRun("truncated and corrupted inputs never crash", testTruncated, names);
    return 0;
}

VIR_TEST_MAIN(mymain)
