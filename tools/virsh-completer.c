/*
 * virsh-completer.c: candidates for shell completion ("virsh complete --
 * LINE", used by the bash completion script): commands, options, and the
 * names of domains, networks and device aliases of the connection the
 * line's -c names
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virsh.h"

static const char *const globalOpts[] = {
    "-c", "--connect", "-h", "--help", "-q", "--quiet", "-r", "--readonly",
    "-v", "--version",
};

typedef struct {
    const char *uri;                /* -c of the line; NULL: the default */
    virConnectPtr conn;
    const char *prefix;             /* the word being completed */
} vshCompleter;

static void
vshCompletePrint(vshCompleter *c, const char *cand)
{
    if (g_str_has_prefix(cand, c->prefix))
        printf("%s\n", cand);
}

/* Opening an embedded root creates it: completing must not create the
 * directory a mistyped ?root= names. */
static bool
vshCompleterRootExists(const char *uri)
{
    g_autoptr(GUri) parsed = uri ? g_uri_parse(uri, G_URI_FLAGS_NONE, NULL) : NULL;
    g_autoptr(GHashTable) params = NULL;
    const char *root;

    if (!parsed || !g_uri_get_query(parsed))
        return true;
    if (!(params = g_uri_parse_params(g_uri_get_query(parsed), -1, "&", G_URI_PARAMS_NONE, NULL)))
        return true;
    root = g_hash_table_lookup(params, "root");
    return !root || g_file_test(root, G_FILE_TEST_IS_DIR);
}

static virConnectPtr
vshCompleterConnect(vshCompleter *c)
{
    if (!c->conn && vshCompleterRootExists(c->uri))
        c->conn = virConnectOpenReadOnly(c->uri);
    return c->conn;
}

static void
vshCompleteDomains(vshCompleter *c)
{
    virDomainPtr *doms = NULL;
    int n, i;

    if (!vshCompleterConnect(c) ||
        (n = virConnectListAllDomains(c->conn, &doms, 0)) < 0)
        return;
    for (i = 0; i < n; i++) {
        vshCompletePrint(c, virDomainGetName(doms[i]));
        virDomainFree(doms[i]);
    }
    free(doms);
}

static void
vshCompleteNetworks(vshCompleter *c)
{
    virNetworkPtr *nets = NULL;
    int n, i;

    if (!vshCompleterConnect(c) ||
        (n = virConnectListAllNetworks(c->conn, &nets, 0)) < 0)
        return;
    for (i = 0; i < n; i++) {
        vshCompletePrint(c, virNetworkGetName(nets[i]));
        virNetworkFree(nets[i]);
    }
    free(nets);
}

/* The aliases of DOMAIN's devices: of the live XML if it runs (unless
 * --config was given), else of the persistent one. */
static void
vshCompleteAliases(vshCompleter *c, const char *domain, bool config)
{
    virDomainPtr dom;
    g_auto(GStrv) aliases = NULL;
    char *xml;
    size_t i;

    if (!domain || !vshCompleterConnect(c) ||
        !(dom = virDomainLookupByName(c->conn, domain)))
        return;
    xml = virDomainGetXMLDesc(dom, (config || virDomainIsActive(dom) != 1) ?
                                   VIR_DOMAIN_XML_INACTIVE : 0);
    virDomainFree(dom);
    if (!xml)
        return;
    aliases = vshDomainXMLAliases(xml);
    free(xml);
    for (i = 0; aliases[i]; i++)
        vshCompletePrint(c, aliases[i]);
}

static void
vshCompleteCommands(vshCompleter *c)
{
    g_autoptr(GPtrArray) list = vshCommandList(false);
    guint i;

    for (i = 0; i < list->len; i++)
        vshCompletePrint(c, ((const vshCmdDef *)g_ptr_array_index(list, i))->name);
}

/* Values of option @opt of @def; nothing for files and URIs, where the
 * shell completes file names. */
static void
vshCompleteValue(vshCompleter *c, const vshCmdDef *def, const vshCmdOptDef *opt,
                 GHashTable *given)
{
    if (g_str_equal(opt->name, "domain"))
        vshCompleteDomains(c);
    else if (g_str_equal(opt->name, "network"))
        vshCompleteNetworks(c);
    else if (g_str_equal(opt->name, "alias") && g_str_equal(def->name, "detach-device-alias"))
        vshCompleteAliases(c, g_hash_table_lookup(given, "domain"),
                           g_hash_table_contains(given, "config"));
    else if (g_str_equal(opt->name, "command"))
        vshCompleteCommands(c);
    else if (g_str_equal(opt->name, "format") && g_str_equal(def->name, "domxml-to-native"))
        vshCompletePrint(c, "qemu-argv");
}

static const vshCmdOptDef *
vshCompleteFindOpt(const vshCmdDef *def, const char *name)
{
    const vshCmdOptDef *o;

    for (o = def->opts; o->name; o++) {
        if (g_str_equal(o->name, name))
            return o;
    }
    return NULL;
}

/* The first positional option not given yet. */
static const vshCmdOptDef *
vshCompleteNextPositional(const vshCmdDef *def, GHashTable *given)
{
    const vshCmdOptDef *o;

    for (o = def->opts; o->name; o++) {
        if ((o->flags & VSH_OFLAG_POS) && o->type != VSH_OT_BOOL &&
            !g_hash_table_contains(given, o->name))
            return o;
    }
    return NULL;
}

/* @words: the arguments of command @def before the cursor, then the word
 * being completed. */
static void
vshCompleteCommandArgs(vshCompleter *c, const vshCmdDef *def, char **words, int n)
{
    g_autoptr(GHashTable) given = g_hash_table_new(g_str_hash, g_str_equal);
    const vshCmdOptDef *o;
    int j;

    for (j = 0; j < n - 1; j++) {
        const char *w = words[j];

        if (g_str_has_prefix(w, "--") && w[2]) {
            g_autofree char *name = g_strdup(w + 2);
            char *eq = strchr(name, '=');

            if (eq)
                *eq = '\0';
            if (!(o = vshCompleteFindOpt(def, name)))
                continue;
            if (o->type == VSH_OT_BOOL || eq) {
                g_hash_table_insert(given, (gpointer)o->name, eq ? (gpointer)(w + 3 + strlen(name)) : NULL);
                continue;
            }
            if (j + 1 == n - 1) {
                /* the cursor is on this option's value */
                vshCompleteValue(c, def, o, given);
                return;
            }
            g_hash_table_insert(given, (gpointer)o->name, words[++j]);
            continue;
        }
        if ((o = vshCompleteNextPositional(def, given)))
            g_hash_table_insert(given, (gpointer)o->name, (gpointer)w);
    }

    if (c->prefix[0] != '-' && (o = vshCompleteNextPositional(def, given))) {
        vshCompleteValue(c, def, o, given);
        return;
    }
    for (o = def->opts; o->name; o++) {
        g_autofree char *opt = g_strdup_printf("--%s", o->name);

        if (!g_hash_table_contains(given, o->name))
            vshCompletePrint(c, opt);
    }
}

int
vshComplete(const char *line)
{
    vshCompleter c = { 0 };
    g_auto(GStrv) argv = NULL;
    g_autofree char *quoted = NULL;
    g_autofree char *uri = NULL;
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    const vshCmdDef *def;
    size_t len = strlen(line);
    int argc = 0, i, n;

    /* a line ending in an open quote is completed as if it were closed */
    if (!g_shell_parse_argv(line, &argc, &argv, NULL)) {
        quoted = g_strdup_printf("%s'", line);
        if (!g_shell_parse_argv(quoted, &argc, &argv, NULL)) {
            g_free(quoted);
            quoted = g_strdup_printf("%s\"", line);
            if (!g_shell_parse_argv(quoted, &argc, &argv, NULL))
                return EXIT_SUCCESS;
        }
    }
    /* drop the program name; after a blank the cursor is on a new word */
    for (i = 1; i < argc; i++)
        g_ptr_array_add(words, argv[i]);
    if (len == 0 || g_ascii_isspace(line[len - 1]) || argc <= 1)
        g_ptr_array_add(words, (char *)"");
    n = words->len;
    c.prefix = g_ptr_array_index(words, n - 1);

    /* global options, with the URI of -c */
    for (i = 0; i < n - 1; i++) {
        const char *w = g_ptr_array_index(words, i);

        if (w[0] != '-')
            break;
        if ((g_str_equal(w, "-c") || g_str_equal(w, "--connect"))) {
            if (i + 1 == n - 1)
                return EXIT_SUCCESS;       /* a URI: nothing to offer */
            g_free(uri);
            uri = g_strdup(g_ptr_array_index(words, ++i));
        } else if (g_str_has_prefix(w, "--connect=")) {
            g_free(uri);
            uri = g_strdup(w + strlen("--connect="));
        }
    }
    c.uri = uri;

    if (i == n - 1) {
        if (c.prefix[0] == '-') {
            size_t k;

            for (k = 0; k < G_N_ELEMENTS(globalOpts); k++)
                vshCompletePrint(&c, globalOpts[k]);
        } else {
            vshCompleteCommands(&c);
        }
    } else if ((def = vshCmddefSearch(g_ptr_array_index(words, i)))) {
        vshCompleteCommandArgs(&c, def, (char **)words->pdata + i + 1, n - i - 1);
    }

    if (c.conn)
        virConnectClose(c.conn);
    virResetLastError();
    return EXIT_SUCCESS;
}
