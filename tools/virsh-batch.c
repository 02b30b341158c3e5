/*
 * virsh-batch.c: split a command string ("cmd1 ARGS; cmd2 ARGS") into
 * the argument vectors of its commands, with the quoting Debian's virsh
 * 9.0 accepts (checked by running it):
 *  - blanks (space, tab) separate words; ';' and a newline end a command;
 *    empty commands are skipped;
 *  - '...' is literal (an unterminated one runs to the end);
 *  - "..." is a word part in which '\' escapes the next character (an
 *    unterminated one is an error: missing ");
 *  - outside quotes '\' escapes the next character (none left: an error,
 *    dangling \);
 *  - '#' at the start of a word comments out the rest of the line.
 */
#include <config.h>

#include <glib/gi18n.h>

#include "virsh.h"

static void
vshBatchEndCommand(GPtrArray *cmds, GPtrArray **words)
{
    if ((*words)->len > 0) {
        g_ptr_array_add(*words, NULL);
        g_ptr_array_add(cmds, g_ptr_array_free(*words, FALSE));
    } else {
        g_ptr_array_free(*words, TRUE);
    }
    *words = g_ptr_array_new();
}

GPtrArray *
vshCommandStringSplit(vshControl *ctl, const char *str)
{
    g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    GPtrArray *words = g_ptr_array_new();
    const char *p = str;

    while (*p) {
        g_autoptr(GString) word = NULL;

        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        if (*p == ';' || *p == '\n') {
            vshBatchEndCommand(cmds, &words);
            p++;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        word = g_string_new(NULL);
        while (*p && *p != ' ' && *p != '\t' && *p != ';' && *p != '\n') {
            if (*p == '\'') {
                for (p++; *p && *p != '\''; p++)
                    g_string_append_c(word, *p);
                if (*p)
                    p++;
            } else if (*p == '"') {
                for (p++; *p && *p != '"'; p++) {
                    if (*p == '\\' && p[1])
                        p++;
                    g_string_append_c(word, *p);
                }
                if (!*p) {
                    vshError(ctl, "%s", _("missing \""));
                    goto error;
                }
                p++;
            } else if (*p == '\\') {
                if (!p[1]) {
                    vshError(ctl, "%s", _("dangling \\"));
                    goto error;
                }
                g_string_append_c(word, p[1]);
                p += 2;
            } else {
                g_string_append_c(word, *p++);
            }
        }
        g_ptr_array_add(words, g_string_free(g_steal_pointer(&word), FALSE));
    }
    vshBatchEndCommand(cmds, &words);
    g_ptr_array_free(words, TRUE);
    return g_steal_pointer(&cmds);

 error:
    g_ptr_array_set_free_func(words, g_free);
    g_ptr_array_free(words, TRUE);
    return NULL;
}
