/*
 * virsh.c: the command line client: options, command dispatch, helpers
 */
#include <config.h>

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "virsh.h"

typedef struct {
    const vshCmdOptDef *def;
    char *value;                /* NULL for bools */
} vshCmdOpt;

struct _vshCmd {
    const vshCmdDef *def;
    GPtrArray *opts;            /* vshCmdOpt* given on the command line */
};

static virErrorPtr vshLastError;

static const vshCmdDef *const cmdGroups[] = {
    domManagementCmds,
    domMonitoringCmds,
    hostAndHypervisorCmds,
    networkCmds,
    nodedevCmds,
};

static bool cmdHelp(vshControl *ctl, const vshCmd *cmd);

static const vshCmdOptDef opts_help[] = {
    { "command", VSH_OT_STRING, VSH_OFLAG_POS, N_("the command to describe") },
    { NULL, 0, 0, NULL },
};

static const vshCmdDef virshCmds[] = {
    { "help", cmdHelp, opts_help, N_("print help"),
      N_("Prints the list of commands, or the options of one command.") },
    { NULL, NULL, NULL, NULL, NULL },
};

static bool cmdComplete(vshControl *ctl, const vshCmd *cmd);

static const vshCmdOptDef opts_complete[] = {
    { "line", VSH_OT_STRING, VSH_OFLAG_POS, N_("the command line up to the cursor") },
    { NULL, 0, 0, NULL },
};

/* Commands not in the help list (as in libvirt's virsh). */
static const vshCmdDef virshHiddenCmds[] = {
    { "complete", cmdComplete, opts_complete, N_("internal command for autocompletion"),
      N_("Prints the completions of a command line, one per line (used by the bash completion script).") },
    { NULL, NULL, NULL, NULL, NULL },
};

void
vshPrint(vshControl *ctl G_GNUC_UNUSED, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

/* libvirt's table layout: a leading space, columns left aligned and
 * separated by three spaces, the last column not padded, a dashed line
 * under the header two characters longer than the widest row. With
 * --quiet, as libvirt's, no header: neither printed nor counted in the
 * widths. */
void
vshTablePrint(vshControl *ctl, GPtrArray *rows, size_t ncols)
{
    g_autofree size_t *width = g_new0(size_t, ncols);
    size_t first = ctl->quiet ? 1 : 0;
    size_t total = 1;
    size_t r, c;

    for (r = first; r < rows->len; r++) {
        char **row = g_ptr_array_index(rows, r);

        for (c = 0; c < ncols; c++)
            width[c] = MAX(width[c], (size_t)g_utf8_strlen(row[c], -1));
    }
    for (c = 0; c < ncols; c++)
        total += width[c] + (c ? 3 : 0);
    for (r = first; r < rows->len; r++) {
        char **row = g_ptr_array_index(rows, r);
        g_autoptr(GString) line = g_string_new(" ");

        for (c = 0; c < ncols; c++) {
            g_string_append(line, row[c]);
            if (c + 1 < ncols) {
                size_t pad = width[c] - g_utf8_strlen(row[c], -1) + 3;

                while (pad--)
                    g_string_append_c(line, ' ');
            }
        }
        printf("%s\n", line->str);
        if (r == 0) {
            for (c = 0; c < total + 2; c++)
                putchar('-');
            putchar('\n');
        }
    }
}

bool
vshListOutputOpts(vshControl *ctl, const vshCmd *cmd, bool *optName, bool *optUUID)
{
    *optName = vshCommandOptBool(cmd, "name");
    *optUUID = vshCommandOptBool(cmd, "uuid");
    if ((*optName || *optUUID) && vshCommandOptBool(cmd, "table")) {
        vshError(ctl, "%s", _("Options --table and --name/--uuid are mutually exclusive"));
        return false;
    }
    return true;
}

void
vshListPrintNameUUID(bool optName, const char *name, const char *uuid)
{
    if (uuid)
        printf(optName ? "%s  " : "%s\n", uuid);
    if (optName)
        printf("%s\n", name);
}

void
vshError(vshControl *ctl G_GNUC_UNUSED, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs(_("error: "), stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void
vshReportError(vshControl *ctl)
{
    virErrorPtr err = vshLastError;

    if (!err || err->code == VIR_ERR_OK)
        return;
    vshError(ctl, "%s", err->message ? err->message : _("unknown error"));
    virFreeError(vshLastError);
    vshLastError = NULL;
    virResetLastError();
}

/* The library prints errors by default; virsh keeps the last one instead
 * (later calls, even virDomainFree, reset the library's last error) and
 * reports it when the command fails. */

static void
vshErrorHandler(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
    virFreeError(vshLastError);
    vshLastError = virSaveLastError();
}

void
vshResetError(void)
{
    virFreeError(vshLastError);
    vshLastError = NULL;
    virResetLastError();
}

virConnectPtr
vshConnection(vshControl *ctl)
{
    if (ctl->conn)
        return ctl->conn;
    ctl->conn = ctl->readonly ? virConnectOpenReadOnly(ctl->uri) :
                                virConnectOpenAuth(ctl->uri, virConnectAuthPtrDefault, 0);
    if (!ctl->conn) {
        /* in this order, as Debian's virsh 9.0 */
        vshError(ctl, "%s", _("failed to connect to the hypervisor"));
        vshReportError(ctl);
        ctl->connectFailed = true;
    }
    return ctl->conn;
}

static const vshCmdOpt *
vshCommandFindOpt(const vshCmd *cmd, const char *name)
{
    guint i;

    for (i = 0; i < cmd->opts->len; i++) {
        const vshCmdOpt *opt = g_ptr_array_index(cmd->opts, i);

        if (g_str_equal(opt->def->name, name))
            return opt;
    }
    return NULL;
}

bool
vshCommandOptBool(const vshCmd *cmd, const char *name)
{
    return vshCommandFindOpt(cmd, name) != NULL;
}

const char *
vshCommandOptString(const vshCmd *cmd, const char *name)
{
    const vshCmdOpt *opt = vshCommandFindOpt(cmd, name);

    return opt ? opt->value : NULL;
}

int
vshCommandOptInt(vshControl *ctl, const vshCmd *cmd, const char *name, int *value)
{
    const char *str = vshCommandOptString(cmd, name);
    gint64 v;

    if (!str)
        return 0;
    if (!g_ascii_string_to_signed(str, 10, G_MININT, G_MAXINT, &v, NULL)) {
        vshError(ctl, _("Numeric value '%s' for <%s> option is malformed or out of range"),
                 str, name);
        return -1;
    }
    *value = v;
    return 1;
}

int
vshCommandOptULongLong(vshControl *ctl, const vshCmd *cmd, const char *name,
                       unsigned long long *value, bool wrap)
{
    const char *str = vshCommandOptString(cmd, name);
    gint64 neg;
    guint64 v;

    if (!str)
        return 0;
    if (wrap && str[0] == '-' &&
        g_ascii_string_to_signed(str, 10, G_MININT64, 0, &neg, NULL)) {
        *value = (unsigned long long)neg;
        return 1;
    }
    if (!g_ascii_string_to_unsigned(str, 10, 0, G_MAXUINT64, &v, NULL)) {
        vshError(ctl, _("Numeric value '%s' for <%s> option is malformed or out of range"),
                 str, name);
        return -1;
    }
    *value = v;
    return 1;
}

virDomainPtr
vshCommandOptDomain(vshControl *ctl, const vshCmd *cmd, const char **name)
{
    const char *arg = vshCommandOptString(cmd, "domain");
    virConnectPtr conn;
    virDomainPtr dom = NULL;
    gint64 id;

    if (!arg || !(conn = vshConnection(ctl)))
        return NULL;
    if (name)
        *name = arg;

    /* an id, then a UUID, then a name, as libvirt's virsh does */
    if (g_ascii_string_to_signed(arg, 10, 0, G_MAXINT, &id, NULL)) {
        virDomainPtr *doms = NULL;
        int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
        int i;

        for (i = 0; i < n; i++) {
            if (!dom && virDomainGetID(doms[i]) == id) {
                dom = doms[i];
                continue;
            }
            virDomainFree(doms[i]);
        }
        free(doms);
    }
    if (!dom && strlen(arg) == VIR_UUID_STRING_BUFLEN - 1)
        dom = virDomainLookupByUUIDString(conn, arg);
    if (!dom)
        dom = virDomainLookupByName(conn, arg);
    vshResetError();
    if (!dom)
        vshError(ctl, _("failed to get domain '%s'"), arg);
    return dom;
}

char *
vshReadFile(vshControl *ctl, const char *path)
{
    g_autoptr(GError) gerr = NULL;
    char *content = NULL;

    if (!g_file_get_contents(path, &content, NULL, &gerr)) {
        int err = gerr->code == G_FILE_ERROR_NOENT ? ENOENT :
                  gerr->code == G_FILE_ERROR_ACCES ? EACCES : EIO;

        vshError(ctl, _("Failed to open file '%s': %s"), path, g_strerror(err));
        return NULL;
    }
    return content;
}

static const char *const stateNames[] = {
    N_("no state"), N_("running"), N_("idle"), N_("paused"),
    N_("in shutdown"), N_("shut off"), N_("crashed"), N_("pmsuspended"),
};

const char *
vshDomainStateToString(int state)
{
    if (state < 0 || state >= (int)G_N_ELEMENTS(stateNames))
        return _("no state");
    return _(stateNames[state]);
}

const char *
vshDomainStateReasonToString(int state, int reason)
{
    static const char *const running[] = {
        N_("unknown"), N_("booted"), N_("migrated"), N_("restored"),
        N_("from snapshot"), N_("unpaused"), N_("migration canceled"),
        N_("save canceled"), N_("event wakeup"), N_("crashed"), N_("post-copy"),
    };
    static const char *const paused[] = {
        N_("unknown"), N_("user"), N_("migrating"), N_("saving"), N_("dumping"),
        N_("I/O error"), N_("watchdog"), N_("from snapshot"), N_("shutting down"),
        N_("creating snapshot"), N_("crashed"), N_("starting up"),
    };
    static const char *const shutoff[] = {
        N_("unknown"), N_("shutdown"), N_("destroyed"), N_("crashed"),
        N_("migrated"), N_("saved"), N_("failed"), N_("from snapshot"), N_("daemon"),
    };
    static const char *const shutdown[] = { N_("unknown"), N_("user") };
    const char *const *table = NULL;
    size_t n = 0;

    switch (state) {
    case VIR_DOMAIN_RUNNING:
        table = running;
        n = G_N_ELEMENTS(running);
        break;
    case VIR_DOMAIN_PAUSED:
        table = paused;
        n = G_N_ELEMENTS(paused);
        break;
    case VIR_DOMAIN_SHUTOFF:
        table = shutoff;
        n = G_N_ELEMENTS(shutoff);
        break;
    case VIR_DOMAIN_SHUTDOWN:
        table = shutdown;
        n = G_N_ELEMENTS(shutdown);
        break;
    default:
        break;
    }
    if (!table || reason < 0 || (size_t)reason >= n)
        return _("unknown");
    return _(table[reason]);
}

GPtrArray *
vshCommandList(bool hidden)
{
    GPtrArray *list = g_ptr_array_new();
    const vshCmdDef *c;
    size_t g;

    for (c = virshCmds; c->name; c++)
        g_ptr_array_add(list, (gpointer)c);
    for (g = 0; g < G_N_ELEMENTS(cmdGroups); g++) {
        for (c = cmdGroups[g]; c->name; c++)
            g_ptr_array_add(list, (gpointer)c);
    }
    for (c = virshHiddenCmds; hidden && c->name; c++)
        g_ptr_array_add(list, (gpointer)c);
    return list;
}

static bool
cmdComplete(vshControl *ctl G_GNUC_UNUSED, const vshCmd *cmd)
{
    const char *line = vshCommandOptString(cmd, "line");

    return vshComplete(line ? line : "") == EXIT_SUCCESS;
}

const vshCmdDef *
vshCmddefSearch(const char *name)
{
    g_autoptr(GPtrArray) list = vshCommandList(true);
    guint i;

    for (i = 0; i < list->len; i++) {
        const vshCmdDef *c = g_ptr_array_index(list, i);

        if (g_str_equal(c->name, name))
            return c;
    }
    return NULL;
}

static void
vshCmdOptFree(gpointer data)
{
    vshCmdOpt *opt = data;

    g_free(opt->value);
    g_free(opt);
}

static void
vshCmdAddOpt(vshCmd *cmd, const vshCmdOptDef *def, const char *value)
{
    vshCmdOpt *opt = g_new0(vshCmdOpt, 1);

    opt->def = def;
    opt->value = g_strdup(value);
    g_ptr_array_add(cmd->opts, opt);
}

/* Parse the arguments of one command. */
static bool
vshCommandParse(vshControl *ctl, const vshCmdDef *def, int argc, char **argv,
                vshCmd *cmd)
{
    const vshCmdOptDef *o;
    int i;

    cmd->def = def;
    cmd->opts = g_ptr_array_new_with_free_func(vshCmdOptFree);

    for (i = 0; i < argc; i++) {
        const char *arg = argv[i];

        if (g_str_has_prefix(arg, "--") && arg[2]) {
            g_autofree char *name = g_strdup(arg + 2);
            char *eq = strchr(name, '=');
            const char *value = NULL;

            if (eq) {
                *eq = '\0';
                value = eq + 1;
            }
            for (o = def->opts; o->name; o++) {
                if (g_str_equal(o->name, name))
                    break;
            }
            if (!o->name) {
                vshError(ctl, _("command '%s' doesn't support option --%s"),
                         def->name, name);
                return false;
            }
            if (vshCommandFindOpt(cmd, o->name)) {
                vshError(ctl, _("option --%s already seen"), o->name);
                return false;
            }
            if (o->type == VSH_OT_BOOL) {
                if (value) {
                    vshError(ctl, _("invalid '=' after option --%s"), o->name);
                    return false;
                }
                vshCmdAddOpt(cmd, o, NULL);
                continue;
            }
            if (!value) {
                if (i + 1 >= argc) {
                    vshError(ctl, _("expected syntax: --%s <%s>"), o->name,
                             o->type == VSH_OT_INT ? "number" : "string");
                    return false;
                }
                value = argv[++i];
            }
            vshCmdAddOpt(cmd, o, value);
            continue;
        }

        /* a positional value: the first positional option not yet given */
        for (o = def->opts; o->name; o++) {
            if ((o->flags & VSH_OFLAG_POS) && o->type != VSH_OT_BOOL &&
                !vshCommandFindOpt(cmd, o->name))
                break;
        }
        if (!o->name) {
            vshError(ctl, _("unexpected data '%s'"), arg);
            return false;
        }
        vshCmdAddOpt(cmd, o, arg);
    }

    for (o = def->opts; o->name; o++) {
        if ((o->flags & VSH_OFLAG_REQ) && !vshCommandFindOpt(cmd, o->name)) {
            vshError(ctl, _("command '%s' requires <%s> option"), def->name, o->name);
            return false;
        }
    }
    return true;
}

static void
vshPrintCommandHelp(const vshCmdDef *def)
{
    const vshCmdOptDef *o;

    printf("  NAME\n    %s - %s\n\n  SYNOPSIS\n    %s", def->name, _(def->help), def->name);
    for (o = def->opts; o->name; o++) {
        bool req = o->flags & VSH_OFLAG_REQ;

        if (o->type == VSH_OT_BOOL)
            printf(" [--%s]", o->name);
        else if (o->flags & VSH_OFLAG_POS)
            printf(req ? " [--%s] <%s>" : " [[--%s] <%s>]", o->name, o->name);
        else
            printf(req ? " --%s <%s>" : " [--%s <%s>]", o->name, o->name);
    }
    printf("\n\n  DESCRIPTION\n    %s\n", _(def->desc));
    if (def->opts->name) {
        printf("\n  OPTIONS\n");
        for (o = def->opts; o->name; o++) {
            g_autofree char *label = o->type == VSH_OT_BOOL ?
                g_strdup_printf("--%s", o->name) :
                g_strdup_printf("[--%s] <%s>", o->name, o->name);

            printf("    %-18s  %s\n", label, _(o->help));
        }
    }
    printf("\n");
}

static void
vshPrintCommandList(void)
{
    const vshCmdDef *def;
    size_t g;

    for (g = 0; g < G_N_ELEMENTS(cmdGroups); g++) {
        for (def = cmdGroups[g]; def->name; def++)
            printf("    %-24s %s\n", def->name, _(def->help));
        printf("\n");
    }
    for (def = virshCmds; def->name; def++)
        printf("    %-24s %s\n", def->name, _(def->help));
    printf("\n");
}

static bool
cmdHelp(vshControl *ctl, const vshCmd *cmd)
{
    const char *name = vshCommandOptString(cmd, "command");
    const vshCmdDef *def;

    if (name) {
        if (!(def = vshCmddefSearch(name))) {
            vshError(ctl, _("command or command group '%s' doesn't exist"), name);
            return false;
        }
        vshPrintCommandHelp(def);
        return true;
    }
    printf("%s", _("Grouped commands:\n\n"));
    vshPrintCommandList();
    return true;
}

/* Hidden: every command name, one per line (used by the man page test). */
static void
vshListCommands(void)
{
    g_autoptr(GPtrArray) list = vshCommandList(true);
    guint i;

    for (i = 0; i < list->len; i++)
        printf("%s\n", ((const vshCmdDef *)g_ptr_array_index(list, i))->name);
}

static void
vshUsage(void)
{
    printf(_("\n"
             "virsh [options]... [<command_string>]\n"
             "virsh [options]... <command> [args...]\n"
             "\n"
             "  options:\n"
             "    -c | --connect=URI      hypervisor connection URI\n"
             "    -h | --help             this help\n"
             "    -q | --quiet            quiet mode\n"
             "    -r | --readonly         connect readonly\n"
             "    -v | --version          program version\n"
             "\n"
             "  commands (non interactive mode):\n\n"));
    vshPrintCommandList();
}

/* Parse one command's argument vector into @cmd (its def NULL on error,
 * reported). */
static bool
vshCommandFromArgv(vshControl *ctl, int argc, char **argv, vshCmd *cmd)
{
    const vshCmdDef *def = vshCmddefSearch(argv[0]);

    if (!def) {
        vshError(ctl, _("unknown command: '%s'"), argv[0]);
        return false;
    }
    if (!vshCommandParse(ctl, def, argc - 1, argv + 1, cmd)) {
        g_ptr_array_unref(cmd->opts);
        cmd->opts = NULL;
        return false;
    }
    return true;
}

static bool
vshCommandRun(vshControl *ctl, const vshCmd *cmd)
{
    bool ok;

    virFreeError(vshLastError);
    vshLastError = NULL;
    ok = cmd->def->handler(ctl, cmd);
    if (!ok)
        vshReportError(ctl);
    /* As libvirt's virsh, every command's output ends with a blank line
     * unless --quiet, printed here and not by the commands; not after a
     * failed connection (libvirt's virsh connects before the command), and
     * not after the completion command, whose lines bash reads. */
    if (!ctl->quiet && !(!ok && ctl->connectFailed) && cmd->def->handler != cmdComplete)
        printf("\n");
    return ok;
}

/* Parse every command first (an error there runs none, as Debian's
 * virsh), then run them in order: the exit status is the last one's. */
static int
vshRunCommands(vshControl *ctl, GPtrArray *argvs)
{
    g_autofree vshCmd *cmds = g_new0(vshCmd, argvs->len);
    bool ok = true;
    guint n = 0, i;

    for (n = 0; ok && n < argvs->len; n++) {
        char **argv = g_ptr_array_index(argvs, n);

        ok = vshCommandFromArgv(ctl, g_strv_length(argv), argv, &cmds[n]);
    }
    /* a connection that failed ends the batch, as Debian's virsh, which
     * connects once before the commands */
    for (i = 0; ok && i < n && !ctl->connectFailed; i++)
        ok = vshCommandRun(ctl, &cmds[i]) || (i + 1 < n && !ctl->connectFailed);
    for (i = 0; i < n; i++) {
        if (cmds[i].opts)
            g_ptr_array_unref(cmds[i].opts);
    }
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
    vshControl ctl = { 0 };
    g_autoptr(GPtrArray) argvs = NULL;
    int i;
    int ret;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    if (virInitialize() < 0) {
        fprintf(stderr, "%s", _("error: failed to initialize the library\n"));
        return EXIT_FAILURE;
    }
    virSetErrorFunc(NULL, vshErrorHandler);

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (a[0] != '-')
            break;
        if (g_str_equal(a, "-c") || g_str_equal(a, "--connect")) {
            if (i + 1 >= argc) {
                vshError(&ctl, "%s", _("option '-c' requires an argument"));
                return EXIT_FAILURE;
            }
            g_free(ctl.uri);
            ctl.uri = g_strdup(argv[++i]);
        } else if (g_str_has_prefix(a, "--connect=")) {
            g_free(ctl.uri);
            ctl.uri = g_strdup(a + strlen("--connect="));
        } else if (g_str_equal(a, "-r") || g_str_equal(a, "--readonly")) {
            ctl.readonly = true;
        } else if (g_str_equal(a, "-q") || g_str_equal(a, "--quiet")) {
            ctl.quiet = true;
        } else if (g_str_equal(a, "-h") || g_str_equal(a, "--help")) {
            vshUsage();
            return EXIT_SUCCESS;
        } else if (g_str_equal(a, "-v") || g_str_equal(a, "--version")) {
            printf("%s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        } else if (g_str_equal(a, "--list-commands")) {
            vshListCommands();
            return EXIT_SUCCESS;
        } else {
            vshError(&ctl, _("unsupported option '%s'. See --help."), a);
            return EXIT_FAILURE;
        }
    }
    if (i >= argc) {
        vshUsage();
        return EXIT_SUCCESS;
    }
    /* "complete -- LINE": as libvirt's virsh, "--" ends the options; the
     * completer reads its own -c from LINE */
    if (g_str_equal(argv[i], "complete") && i + 2 < argc && g_str_equal(argv[i + 1], "--")) {
        argv[i + 1] = argv[i];
        i++;
    }

    if (argc - i == 1) {
        /* one argument: a command string, maybe several commands */
        if (!argv[i][0] || !(argvs = vshCommandStringSplit(&ctl, argv[i])))
            ret = EXIT_FAILURE;
        else
            ret = vshRunCommands(&ctl, argvs);
    } else {
        argvs = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        g_ptr_array_add(argvs, g_strdupv(argv + i));
        ret = vshRunCommands(&ctl, argvs);
    }
    if (ctl.conn)
        virConnectClose(ctl.conn);
    g_free(ctl.uri);
    return ret;
}
