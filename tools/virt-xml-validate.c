/*
 * virt-xml-validate.c: check an XML file against the installed RelaxNG
 * schemas, and a domain or network against the semantic rules define
 * applies (the teaming rules above all), without a connection
 *
 * Exit status as libvirt's tool: 0 valid, 1 usage or not well-formed XML
 * with a schema named, 2 no such file, 3 invalid or unknown document type,
 * 4 no such schema.
 */
#include "internal.h"

#include <locale.h>

#include "domain_conf.h"
#include "network_conf.h"
#include "virerror.h"
#include "virxml.h"

enum {
    EXIT_VALID = 0,
    EXIT_USAGE = 1,
    EXIT_NO_FILE = 2,
    EXIT_INVALID = 3,
    EXIT_NO_SCHEMA = 4,
};

static const char *prog;

/* Root element -> schema name, as libvirt names its schemas. */
static const struct {
    const char *root;
    const char *schema;
} schemaOfRoot[] = {
    { "domain", "domain" },
    { "network", "network" },
    { "capabilities", "capability" },
    { "domainCapabilities", "domaincaps" },
};

/* Other spellings of a schema name accepted on the command line. */
static const struct {
    const char *alias;
    const char *schema;
} schemaAliases[] = {
    { "capabilities", "capability" },
    { "domaincapabilities", "domaincaps" },
};

/* What each teaming rule requires, for --explain. */
static const struct {
    const char *rule;
    const char *text;
} teamingRules[] = {
    { N_("teaming-type"),
      N_("<teaming> has type='persistent' (the virtio standby) or type='transient' (the passthrough primary); a bare <teaming/> is ignored.") },
    { N_("transient-names-standby"),
      N_("type='transient' carries persistent='ALIAS', a valid alias (letters, digits, '_', '-'); type='persistent' carries no persistent attribute.") },
    { N_("standby-exists"),
      N_("persistent='ALIAS' names an interface of the same domain with <alias name='ALIAS'/> and <teaming type='persistent'/>.") },
    { N_("standby-virtio"),
      N_("The standby is a virtio NIC (<model type='virtio'/>, or a transitional model), never a hostdev interface, and has a user alias (ua-...) for its primary to name.") },
    { N_("primary-type"),
      N_("The primary is an <interface type='hostdev'>, an <interface type='network'> on a hostdev pool, or a <hostdev> whose teaming is type='transient'.") },
    { N_("one-primary"),
      N_("A standby has at most one primary.") },
    { N_("same-mac"),
      N_("The primary and its standby share one MAC: give both the same <mac address=.../>, or omit it on one side and it is copied.") },
    { N_("hot-unpluggable"),
      N_("The primary must be hot-unpluggable for migration: on i440fx the domain has <features><acpi/></features>; on q35 an explicit <address> is not on bus 0 (pcie.0); never in the guest PCI slot of its standby.") },
};

static void
usage(FILE *out)
{
    fprintf(out, _("Usage:\n"
                   "  %s XML-FILE [SCHEMA-NAME]\n"
                   "  %s OPTION\n"
                   "\n"
                   "Options:\n"
                   "  -h | --help        Display program help\n"
                   "  -V | --version     Display program version\n"
                   "  --explain          Describe the teaming rules checked for domains\n"),
            prog, prog);
}

static void
explain(void)
{
    size_t i;

    printf("%s\n\n", _("Teaming rules checked in domains, beyond the schema (each error names the <teaming> element and its line):"));
    for (i = 0; i < G_N_ELEMENTS(teamingRules); i++)
        printf("  %s\n      %s\n", _(teamingRules[i].rule), _(teamingRules[i].text));
}

/* The directory of the schemas: where the domain schema is (the source
 * tree when run from a build, else the installed copy). */
static char *
schemaPath(const char *name)
{
    g_autofree char *dir = g_path_get_dirname(virDomainSchemaPath());
    g_autofree char *file = g_strdup_printf("%s.rng", name);

    return g_build_filename(dir, file, NULL);
}

/* Print each line of the library's last error after "FILE: ". */
static void
printError(const char *file, bool skipFirstLine)
{
    const char *msg = virGetLastErrorMessage();
    g_auto(GStrv) lines = g_strsplit(msg, "\n", -1);
    size_t i;

    for (i = skipFirstLine ? 1 : 0; lines[i]; i++) {
        if (*lines[i])
            fprintf(stderr, "%s: %s\n", file, lines[i]);
    }
    virResetLastError();
}

/* The rules define applies to a document the schema accepts. */
static int
semanticCheck(const char *schema, const char *xml)
{
    if (g_str_equal(schema, "domain")) {
        g_autoptr(virDomainDef) def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE);

        return def ? 0 : -1;
    }
    if (g_str_equal(schema, "network")) {
        g_autoptr(virNetworkDef) def = virNetworkDefParseString(xml, 0);

        return def ? 0 : -1;
    }
    return 0;
}

static int
validate(const char *file, const char *schemaArg)
{
    g_autofree char *xml = NULL;
    g_autofree char *rng = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    const char *schema = schemaArg;
    xmlNodePtr root;
    size_t i;

    if (!g_file_test(file, G_FILE_TEST_IS_REGULAR) ||
        !g_file_get_contents(file, &xml, NULL, NULL)) {
        fprintf(stderr, _("%s: document %s does not exist\n"), prog, file);
        return EXIT_NO_FILE;
    }

    if (!(doc = virXMLParseStringCtxt(xml, file, NULL, NULL))) {
        if (!schema) {
            virResetLastError();
            fprintf(stderr, _("%s: cannot determine schema type for %s\n"), prog, file);
            return EXIT_INVALID;
        }
        fprintf(stderr, "%s\n", virGetLastErrorMessage());
        virResetLastError();
        return EXIT_USAGE;
    }
    root = xmlDocGetRootElement(doc);

    if (!schema) {
        for (i = 0; i < G_N_ELEMENTS(schemaOfRoot); i++) {
            if (xmlStrEqual(root->name, BAD_CAST schemaOfRoot[i].root))
                schema = schemaOfRoot[i].schema;
        }
        if (!schema) {
            fprintf(stderr, _("%s: cannot determine schema type for %s\n"), prog, file);
            return EXIT_INVALID;
        }
    }
    for (i = 0; i < G_N_ELEMENTS(schemaAliases); i++) {
        if (g_str_equal(schema, schemaAliases[i].alias))
            schema = schemaAliases[i].schema;
    }

    rng = schemaPath(schema);
    if (strchr(schema, '/') || !g_file_test(rng, G_FILE_TEST_IS_REGULAR)) {
        fprintf(stderr, _("%s: schema %s does not exist\n"), prog, rng);
        return EXIT_NO_SCHEMA;
    }

    /* the schema first; the semantic rules only make sense on a document
     * of the right shape */
    if (virXMLValidateAgainstSchema(rng, doc) < 0) {
        printError(file, true);
        fprintf(stderr, _("%s fails to validate\n"), file);
        return EXIT_INVALID;
    }
    if (xmlStrEqual(root->name, BAD_CAST schema) && semanticCheck(schema, xml) < 0) {
        printError(file, false);
        fprintf(stderr, _("%s fails to validate\n"), file);
        return EXIT_INVALID;
    }
    fprintf(stderr, _("%s validates\n"), file);
    return EXIT_VALID;
}

int
main(int argc, char **argv)
{
    const char *args[2] = { NULL, NULL };
    bool doExplain = false;
    size_t nargs = 0;
    int i;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    prog = argv[0];

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (g_str_equal(a, "-h") || g_str_equal(a, "--help")) {
            usage(stdout);
            return EXIT_VALID;
        } else if (g_str_equal(a, "-V") || g_str_equal(a, "--version")) {
            printf("%s (%s) %s\n", prog, PACKAGE, PACKAGE_VERSION);
            return EXIT_VALID;
        } else if (g_str_equal(a, "--explain")) {
            doExplain = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, _("%s: unrecognized option '%s'\n"), prog, a);
            return EXIT_USAGE;
        } else if (nargs < G_N_ELEMENTS(args)) {
            args[nargs++] = a;
        }
        /* like libvirt's tool, arguments after the schema are ignored */
    }

    if (doExplain) {
        explain();
        if (!nargs)
            return EXIT_VALID;
        printf("\n");
    }
    if (!nargs) {
        fprintf(stderr, _("syntax: %s XMLFILE [TYPE]\n"), prog);
        return EXIT_USAGE;
    }
    return validate(args[0], args[1]);
}
