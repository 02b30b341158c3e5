/*
 * remote_sockets.c: which daemon socket a URI names, and what the daemon
 * is told the URI is (the rules of libvirt's clients, protocol.md 3.1, 6)
 */
#include "internal.h"

#include "remote_sockets.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

/* URI parameters the client consumes and never sends to the server. */
static const char *const remoteClientParams[] = {
    "name", "command", "socket", "auth", "sshauth", "netcat", "keyfile",
    "pkipath", "known_hosts", "known_hosts_verify", "tls_priority", "mode",
    "proxy", "no_sanity", "no_verify", "no_tty", "authfile",
};

char *
remoteSocketPath(const char *uristr,
                 GUri *uri,
                 GHashTable *params,
                 unsigned int flags,
                 bool privileged,
                 const char *sysdir)
{
    const char *socket = g_hash_table_lookup(params, "socket");
    const char *mode = g_hash_table_lookup(params, "mode");
    g_autofree char *dir = NULL;
    g_autofree char *direct = NULL;
    const char *suffix = (flags & VIR_CONNECT_RO) ? "-sock-ro" : "-sock";
    bool session = STREQ_NULLABLE(g_uri_get_path(uri), "/session") && !privileged;

    if (socket)
        return g_strdup(socket);
    if (mode && STRNEQ(mode, "auto") && STRNEQ(mode, "direct") && STRNEQ(mode, "legacy")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("%s: unknown remote mode '%s' (auto, direct or legacy)"),
                       uristr, mode);
        return NULL;
    }
    if (session) {
        dir = g_build_filename(g_get_user_runtime_dir(), "libvirt", NULL);
        suffix = "-sock";
    } else {
        dir = g_strdup(sysdir);
    }
    direct = g_strdup_printf("%s/virtqemud%s", dir, suffix);
    if (STREQ_NULLABLE(mode, "direct") ||
        (!STREQ_NULLABLE(mode, "legacy") && g_file_test(direct, G_FILE_TEST_EXISTS)))
        return g_steal_pointer(&direct);
    return g_strdup_printf("%s/libvirt%s", dir, suffix);
}

char *
remoteServerURI(GUri *uri, GHashTable *params, const char *driver)
{
    const char *query = g_uri_get_query(uri);
    g_autoptr(GString) out = NULL;
    g_auto(GStrv) parts = NULL;
    bool first = true;
    size_t i;

    if (g_hash_table_lookup(params, "name"))
        return g_strdup(g_hash_table_lookup(params, "name"));

    out = g_string_new(driver);
    g_string_append(out, "://");
    g_string_append(out, g_uri_get_path(uri));
    parts = query ? g_strsplit(query, "&", -1) : g_new0(char *, 1);
    for (i = 0; parts[i]; i++) {
        g_autofree char *key = NULL;
        const char *eq = strchr(parts[i], '=');
        size_t j;
        bool consumed = false;

        if (!*parts[i])
            continue;
        key = g_uri_unescape_segment(parts[i], eq, NULL);
        for (j = 0; key && j < G_N_ELEMENTS(remoteClientParams); j++)
            consumed |= STREQ(key, remoteClientParams[j]);
        if (consumed)
            continue;
        g_string_append_c(out, first ? '?' : '&');
        g_string_append(out, parts[i]);
        first = false;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}
