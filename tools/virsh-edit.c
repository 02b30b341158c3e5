/*
 * virsh-edit.c: the edit loop of "edit" and "net-edit": dump the XML to a
 * temporary file, run the user's editor on it, define the result, and on
 * failure ask whether to edit again
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "virsh.h"

/* $VISUAL, then $EDITOR, then vi. The value may carry arguments
 * ("emacs -nw"); it is split like a shell would, but no shell runs it. */
static bool
vshEditRunEditor(vshControl *ctl, const char *file)
{
    const char *editor = g_getenv("VISUAL");
    g_autoptr(GError) gerr = NULL;
    g_auto(GStrv) argv = NULL;
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autofree char *cmdline = NULL;
    int status = 0;
    int argc = 0;
    int i;

    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    if (!g_shell_parse_argv(editor, &argc, &argv, &gerr)) {
        vshError(ctl, _("cannot parse the editor command '%s': %s"), editor, gerr->message);
        return false;
    }
    for (i = 0; i < argc; i++)
        g_ptr_array_add(args, argv[i]);
    g_ptr_array_add(args, (char *)file);
    g_ptr_array_add(args, NULL);
    cmdline = g_strdup_printf("%s %s", editor, file);

    /* the editor owns the terminal: stdin, stdout and stderr are ours */
    fflush(stdout);
    if (!g_spawn_sync(NULL, (char **)args->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN |
                      G_SPAWN_CHILD_INHERITS_STDOUT | G_SPAWN_CHILD_INHERITS_STDERR,
                      NULL, NULL, NULL, NULL, &status, &gerr)) {
        vshError(ctl, _("cannot execute binary %s: %s"), argv[0], gerr->message);
        vshError(ctl, _("internal error: Child process (%s) unexpected exit status %d"),
                 cmdline, 127);
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status))
            vshError(ctl, _("internal error: Child process (%s) unexpected exit status %d"),
                     cmdline, WEXITSTATUS(status));
        else
            vshError(ctl, _("internal error: Child process (%s) unexpected fatal signal %d"),
                     cmdline, WTERMSIG(status));
        return false;
    }
    return true;
}

/* One key of the answer. On a terminal the key is read without waiting
 * for Enter and without echo, as libvirt's virsh does; otherwise (a pipe,
 * a script) the next non-blank character of stdin. End of input and
 * Ctrl-C/Ctrl-D answer 'n'. */
static int
vshEditReadKey(void)
{
    struct termios saved, raw;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    unsigned char c = 0;
    ssize_t n;

    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    }
    do {
        n = read(STDIN_FILENO, &c, 1);
    } while ((n < 0 && errno == EINTR) ||
             (n == 1 && !tty && (c == '\n' || c == '\r' || c == ' ' || c == '\t')));
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (n != 1 || c == 3 || c == 4)
        return 'n';
    return c;
}

/* libvirt's "Failed. Try again?" question. 'i' (define again without
 * schema validation) is offered only while validation is on. Returns
 * 'y', 'n', 'i' or 'f'. */
static int
vshEditAskReedit(bool offerNoValidate)
{
    const char *prompt = offerNoValidate ? _("Failed. Try again? [y,n,i,f,?]:")
                                         : _("Failed. Try again? [y,n,f,?]:");

    for (;;) {
        int c;

        printf("\r%s ", prompt);
        fflush(stdout);
        c = vshEditReadKey();
        switch (c) {
        case 'i':
            if (!offerNoValidate)
                break;
            G_GNUC_FALLTHROUGH;
        case 'y':
        case 'n':
        case 'f':
            printf("\r\n");
            return c;
        case '?':
            printf("\n%s\n%s\n", _("y - yes, start editor again"),
                   _("n - no, throw away my changes"));
            if (offerNoValidate)
                printf("%s\n", _("i - turn off validation and try to redefine again"));
            printf("%s\n%s\n", _("f - force, try to redefine again"),
                   _("? - print this help"));
            break;
        default:
            break;
        }
    }
}

bool
vshEdit(vshControl *ctl, const vshEditOps *ops, void *obj, bool validate)
{
    g_autofree char *orig = NULL;
    g_autofree char *tmp = NULL;
    g_autoptr(GError) gerr = NULL;
    bool ok = false;
    int fd;

    if (!(orig = ops->dump(obj)))
        return false;
    if ((fd = g_file_open_tmp("virshXXXXXX.xml", &tmp, &gerr)) < 0) {
        vshError(ctl, _("cannot create a temporary file: %s"), gerr->message);
        return false;
    }
    close(fd);
    if (!g_file_set_contents(tmp, orig, -1, &gerr)) {
        vshError(ctl, _("cannot write the temporary file '%s': %s"), tmp, gerr->message);
        goto cleanup;
    }

    for (;;) {
        g_autofree char *edited = NULL;
        g_autofree char *now = NULL;
        g_autofree char *name = NULL;
        int answer;

        if (!vshEditRunEditor(ctl, tmp) || !(edited = vshReadFile(ctl, tmp)))
            goto cleanup;
        if (g_str_equal(edited, orig)) {
            if (!ctl->quiet) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                vshPrint(ctl, ops->notChangedFmt, ops->name(obj));
#pragma GCC diagnostic pop
            }
            ok = true;
            goto cleanup;
        }
        /* someone else redefined it while the editor ran: do not
         * overwrite their change with ours */
        if (!(now = ops->dump(obj)))
            goto cleanup;
        if (!g_str_equal(now, orig)) {
            vshError(ctl, "%s", _("The XML configuration was changed by another user."));
            goto cleanup;
        }

        /* define, then ask until it succeeds or the user gives up */
        answer = 'f';
        while (answer == 'f' || answer == 'i') {
            if ((name = ops->define(ctl, edited, validate))) {
                if (!ctl->quiet) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                    vshPrint(ctl, ops->editedFmt, name);
#pragma GCC diagnostic pop
                }
                ok = true;
                goto cleanup;
            }
            vshReportError(ctl);
            answer = vshEditAskReedit(validate);
            if (answer == 'i')
                validate = false;
        }
        if (answer == 'n')
            goto cleanup;
        /* 'y': the editor again, on the user's text */
    }

 cleanup:
    g_unlink(tmp);
    return ok;
}
