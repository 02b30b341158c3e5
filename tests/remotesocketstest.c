/*
 * remotesocketstest.c: which socket a daemon URI names, and the URI the
 * daemon is told (protocol.md 3.1 and 6)
 */
#include "internal.h"

#include <glib/gstdio.h>

#include "testutils.h"
#include "virerror.h"
#include "remote/remote_sockets.h"

static char *sysdir;      /* stands for /var/run/libvirt */
static char *rundir;      /* $XDG_RUNTIME_DIR */

typedef struct {
    const char *uri;
    unsigned int flags;
    bool privileged;
    const char *direct;   /* a socket file to create first, or NULL */
    const char *socket;   /* expected, relative to "sys/" or "run/" */
    const char *name;     /* expected URI for the daemon */
} testCase;

static char *
testExpand(const char *rel)
{
    if (g_str_has_prefix(rel, "sys/"))
        return g_build_filename(sysdir, rel + 4, NULL);
    if (g_str_has_prefix(rel, "run/"))
        return g_build_filename(rundir, rel + 4, NULL);
    return g_strdup(rel);
}

static int
testSocket(const void *data)
{
    const testCase *t = data;
    g_autoptr(GUri) uri = g_uri_parse(t->uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
    g_autoptr(GHashTable) params = NULL;
    g_autofree char *want = testExpand(t->socket);
    g_autofree char *direct = t->direct ? testExpand(t->direct) : NULL;
    g_autofree char *got = NULL;
    g_autofree char *name = NULL;
    g_autofree char *driver = NULL;
    const char *query;
    int ret = -1;

    if (!uri) {
        fprintf(stderr, "cannot parse %s\n", t->uri);
        return -1;
    }
    query = g_uri_get_query(uri);
    params = g_uri_parse_params(query ? query : "", -1, "&", G_URI_PARAMS_NONE, NULL);
    driver = g_strndup(g_uri_get_scheme(uri), strcspn(g_uri_get_scheme(uri), "+"));
    if (direct) {
        g_autofree char *dir = g_path_get_dirname(direct);

        g_mkdir_with_parents(dir, 0700);
        g_file_set_contents(direct, "", 0, NULL);
    }
    got = remoteSocketPath(t->uri, uri, params, t->flags, t->privileged, sysdir);
    name = remoteServerURI(uri, params, driver);
    if (STRNEQ_NULLABLE(got, want))
        fprintf(stderr, "%s: socket %s, not %s\n", t->uri, NULLSTR(got), want);
    else if (STRNEQ_NULLABLE(name, t->name))
        fprintf(stderr, "%s: daemon told %s, not %s\n", t->uri, NULLSTR(name), t->name);
    else
        ret = 0;
    if (direct)
        g_unlink(direct);
    return ret;
}

static int
testBadMode(const void *data G_GNUC_UNUSED)
{
    const char *str = "qemu:///system?mode=sideways";
    g_autoptr(GUri) uri = g_uri_parse(str, G_URI_FLAGS_ENCODED_QUERY, NULL);
    g_autoptr(GHashTable) params = g_uri_parse_params(g_uri_get_query(uri), -1, "&",
                                                      G_URI_PARAMS_NONE, NULL);
    g_autofree char *got = remoteSocketPath(str, uri, params, 0, true, sysdir);

    if (got) {
        fprintf(stderr, "mode=sideways gave %s\n", got);
        return -1;
    }
    return virTestExpectError("mode=sideways", "unknown remote mode 'sideways'");
}

static const testCase cases[] = {
    /* legacy socket unless virtqemud's exists, as Debian's client */
    { "qemu:///system", 0, true, NULL, "sys/libvirt-sock", "qemu:///system" },
    { "qemu:///system", 0, true, "sys/virtqemud-sock", "sys/virtqemud-sock", "qemu:///system" },
    { "qemu:///system", VIR_CONNECT_RO, true, NULL, "sys/libvirt-sock-ro", "qemu:///system" },
    { "qemu:///system", VIR_CONNECT_RO, true, "sys/virtqemud-sock-ro",
      "sys/virtqemud-sock-ro", "qemu:///system" },
    { "qemu:///system?mode=legacy", 0, true, "sys/virtqemud-sock", "sys/libvirt-sock",
      "qemu:///system" },
    { "qemu:///system?mode=direct", 0, true, NULL, "sys/virtqemud-sock", "qemu:///system" },
    /* a non-root session: the user's runtime dir, never -ro */
    { "qemu:///session", 0, false, NULL, "run/libvirt/libvirt-sock", "qemu:///session" },
    { "qemu:///session", VIR_CONNECT_RO, false, "run/libvirt/virtqemud-sock",
      "run/libvirt/virtqemud-sock", "qemu:///session" },
    /* root's session goes to the system daemon */
    { "qemu:///session", 0, true, NULL, "sys/libvirt-sock", "qemu:///session" },
    /* socket= wins; transport and client parameters are not sent */
    { "qemu+unix:///system?socket=/x/y", 0, true, NULL, "/x/y", "qemu:///system" },
    { "qemu+unix:///system?socket=/x/y", VIR_CONNECT_RO, false, NULL, "/x/y", "qemu:///system" },
    { "qemu+unix:///system?no_verify=1&socket=%2Fa%20b&mode=legacy&extra=1&more=a%26b",
      0, true, NULL, "/a b", "qemu:///system?extra=1&more=a%26b" },
    { "qemu+unix:///system?name=qemu:///session&socket=/s", 0, true, NULL, "/s",
      "qemu:///session" },
};

static int
mymain(void)
{
    g_autofree char *tmp = g_dir_make_tmp("remotesocketsXXXXXX", NULL);
    g_autofree char *userdir = NULL;
    size_t i;

    sysdir = g_build_filename(tmp, "sys", NULL);
    rundir = g_build_filename(tmp, "run", NULL);
    g_setenv("XDG_RUNTIME_DIR", rundir, TRUE);
    g_mkdir_with_parents(sysdir, 0700);

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = g_strdup_printf("%s%s%s", cases[i].uri,
                                                 cases[i].flags & VIR_CONNECT_RO ? " (ro)" : "",
                                                 cases[i].privileged ? " as root" : "");

        virTestRun(title, testSocket, &cases[i]);
    }
    virTestRun("an unknown mode is refused", testBadMode, NULL);

    userdir = g_build_filename(rundir, "libvirt", NULL);
    rmdir(userdir);
    rmdir(rundir);
    rmdir(sysdir);
    rmdir(tmp);
    g_free(sysdir);
    g_free(rundir);
    return 0;
}

VIR_TEST_MAIN(mymain)
