/*
 * qemuescapetest.c: user values on the command line, read back from QEMU
 *
 * The argv golden files pin what the command line builder writes; this
 * test checks that QEMU's own parsers read it back as the value the user
 * gave. A domain whose disk path, file chardev path and unix chardev path
 * hold '"', '\', ',', '=', spaces, non-ASCII, tab, CR and LF is turned
 * into a command line (JSON -device/-object, and the legacy key=value
 * syntax), a real QEMU is started with it (-S: nothing runs), and over QMP
 * (the driver's monitor code) the values are read back:
 *   - query-named-block-nodes: the "file" of the disk's storage node;
 *   - query-chardev: the "filename" of the listening unix socket chardev;
 * and the file chardev's file must exist under exactly the user's name.
 * QEMU creates every file and socket inside a scratch directory, which must
 * hold exactly those names afterwards (a wrongly split value would create
 * another one).
 */
#include "internal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/qemu_alias.h"
#include "qemu/qemu_command.h"
#include "qemu/qemu_domain.h"
#include "qemu/qemu_monitor_priv.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virsocket.h"

#define TEST_QEMU "/usr/bin/qemu-system-x86_64"

/* the fd of the listening QMP socket in QEMU, as the driver passes it */
#define TEST_MONITOR_FD 3

/* The hostile parts of each name (a unix socket path must stay under
 * 108 bytes, so the scratch directory is short and these are too). */
#define TEST_DISK "disk \"q\" \\b,c=d e\xc3\xa9\ttab\r\nnl.img"
#define TEST_LOG "log,,x=y \"q\"\\ \xc3\xa9\t\n.txt"
#define TEST_SOCK "s,k=v \"\\\xc3\xa9\t\n"

typedef struct {
    const char *name;
    bool json;
} testCase;

static virQEMUCaps *
testCapsLookup(void *opaque, const char *emulator G_GNUC_UNUSED)
{
    return opaque;
}

static virQEMUCaps *testCaps;

/* @s with the XML special characters and the control characters escaped,
 * for an attribute value. */
static char *
testXMLAttr(const char *s)
{
    GString *buf = g_string_new(NULL);

    for (; *s; s++) {
        switch (*s) {
        case '&': g_string_append(buf, "&amp;"); break;
        case '<': g_string_append(buf, "&lt;"); break;
        case '\'': g_string_append(buf, "&apos;"); break;
        case '"': g_string_append(buf, "&quot;"); break;
        case '\t': g_string_append(buf, "&#9;"); break;
        case '\n': g_string_append(buf, "&#10;"); break;
        case '\r': g_string_append(buf, "&#13;"); break;
        default: g_string_append_c(buf, *s);
        }
    }
    return g_string_free(buf, FALSE);
}

static GStrv
testBuildArgv(const char *dir, bool json)
{
    g_autofree char *disk = g_build_filename(dir, TEST_DISK, NULL);
    g_autofree char *log = g_build_filename(dir, TEST_LOG, NULL);
    g_autofree char *sock = g_build_filename(dir, TEST_SOCK, NULL);
    g_autofree char *xdisk = testXMLAttr(disk);
    g_autofree char *xlog = testXMLAttr(log);
    g_autofree char *xsock = testXMLAttr(sock);
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    qemuDomainParseLookups lookups = { .caps = testCapsLookup };
    qemuCommandOptions opts = { 0 };

    xml = g_strdup_printf("<domain type='qemu'>\n"
                          "  <name>escape</name>\n"
                          "  <memory unit='MiB'>32</memory>\n"
                          "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
                          "  <devices>\n"
                          "    <emulator>" TEST_QEMU "</emulator>\n"
                          "    <disk type='file' device='disk'>\n"
                          "      <driver name='qemu' type='raw'/>\n"
                          "      <source file='%s'/>\n"
                          "      <target dev='vda' bus='virtio'/>\n"
                          "    </disk>\n"
                          "    <serial type='file'><source path='%s'/></serial>\n"
                          "    <serial type='unix'><source mode='bind' path='%s'/></serial>\n"
                          "    <memballoon model='none'/>\n"
                          "  </devices>\n"
                          "</domain>\n", xdisk, xlog, xsock);
    if (!(def = qemuDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                                         &lookups, testCaps)) ||
        qemuAssignDeviceAliases(def) < 0) {
        printf("#   cannot define the domain: %s\n", virGetLastErrorMessage());
        return NULL;
    }
    opts.emulator = qemuDomainDefEmulator(def);
    opts.machine = def->os.machine;
    opts.jsonDevice = json;
    opts.monitorFd = TEST_MONITOR_FD;
    return qemuBuildCommandLine(def, &opts);
}

static gint
testCompareStr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* @names C-escaped, sorted, one per line. */
static char *
testNameList(GPtrArray *names)
{
    GString *out = g_string_new(NULL);
    guint i;

    g_ptr_array_sort(names, testCompareStr);
    for (i = 0; i < names->len; i++) {
        g_autofree char *e = g_strescape(g_ptr_array_index(names, i), NULL);

        g_string_append_printf(out, "%s\n", e);
    }
    return g_string_free(out, FALSE);
}

/* The entries of @dir, as testNameList shows them. */
static char *
testListDir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;

    while (d && (ent = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(ent));
    return testNameList(names);
}

static int
testStrEq(const char *what, const char *got, const char *want)
{
    g_autofree char *g = got ? g_strescape(got, NULL) : g_strdup("(none)");
    g_autofree char *w = g_strescape(want, NULL);

    if (STREQ_NULLABLE(got, want))
        return 0;
    printf("#   %s: QEMU has \"%s\", the domain says \"%s\"\n", what, g, w);
    return -1;
}

static int
testQuery(qemuMonitor *mon, const char *dir)
{
    g_autofree char *disk = g_build_filename(dir, TEST_DISK, NULL);
    g_autofree char *log = g_build_filename(dir, TEST_LOG, NULL);
    g_autofree char *sock = g_build_filename(dir, TEST_SOCK, NULL);
    g_autofree char *sockName = g_strdup_printf("disconnected:unix:%s,server=on", sock);
    g_autoptr(qemuMonitorReply) nodes = NULL;
    g_autoptr(qemuMonitorReply) chardevs = NULL;
    const char *file = NULL;
    const char *sockGot = NULL;
    int ret = 0;
    size_t i;

    if (qemuMonitorCommand(mon, "query-named-block-nodes", NULL, &nodes) < 0 ||
        qemuMonitorCommand(mon, "query-chardev", NULL, &chardevs) < 0 ||
        !YAJL_IS_ARRAY(nodes->ret) || !YAJL_IS_ARRAY(chardevs->ret)) {
        printf("#   QMP: %s\n", virGetLastErrorMessage());
        return -1;
    }
    for (i = 0; i < nodes->ret->u.array.len; i++) {
        yajl_val n = nodes->ret->u.array.values[i];

        if (STREQ_NULLABLE(qemuMonitorObjectGetString(n, "node-name"), "libvirt-1-storage"))
            file = qemuMonitorObjectGetString(n, "file");
    }
    for (i = 0; i < chardevs->ret->u.array.len; i++) {
        yajl_val c = chardevs->ret->u.array.values[i];

        if (STREQ_NULLABLE(qemuMonitorObjectGetString(c, "label"), "charserial1"))
            sockGot = qemuMonitorObjectGetString(c, "filename");
    }
    if (testStrEq("disk file", file, disk) < 0)
        ret = -1;
    if (testStrEq("unix chardev", sockGot, sockName) < 0)
        ret = -1;
    if (!virFileExists(log)) {
        g_autofree char *l = g_strescape(log, NULL);

        printf("#   file chardev: QEMU did not create \"%s\"\n", l);
        ret = -1;
    }
    return ret;
}

static int
testEscape(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *dir = g_strdup("/tmp/qesc.XXXXXX");
    g_autofree char *monitor = NULL;
    g_autofree char *errpath = NULL;
    g_autofree char *disk = NULL;
    g_autofree char *listing = NULL;
    g_autofree char *want = NULL;
    g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) err = NULL;
    qemuMonitor *mon = NULL;
    GPid pid = 0;
    int errfd = -1;
    int listenfd = -1;
    int ret = -1;

    if (!g_mkdtemp(dir))
        return -1;
    monitor = g_strdup_printf("%s.qmp", dir);
    errpath = g_strdup_printf("%s.err", dir);
    disk = g_build_filename(dir, TEST_DISK, NULL);
    if (!g_file_set_contents(disk, "", 0, NULL) ||
        (errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
        !(argv = testBuildArgv(dir, tc->json)))
        goto cleanup;
    if ((listenfd = virSocketListenUnix(monitor, 0600, 1)) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    {
        const gint source[] = { listenfd };
        const gint target[] = { TEST_MONITOR_FD };

        if (!g_spawn_async_with_pipes_and_fds(NULL, (const char * const *)argv, qemuCommandEnv,
                                              G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                              -1, errfd, errfd, source, target, 1,
                                              &pid, NULL, NULL, NULL, &err)) {
            printf("#   cannot start QEMU: %s\n", err->message);
            goto cleanup;
        }
    }
    if (!(mon = qemuMonitorOpen(monitor, NULL, 10000))) {
        g_autofree char *qerr = NULL;

        g_file_get_contents(errpath, &qerr, NULL, NULL);
        printf("#   QEMU did not take the command line: %s\n#   %s\n",
               virGetLastErrorMessage(), qerr ? qerr : "");
        goto cleanup;
    }
    if (testQuery(mon, dir) < 0)
        goto cleanup;

    listing = testListDir(dir);
    g_ptr_array_add(expected, g_strdup(TEST_DISK));
    g_ptr_array_add(expected, g_strdup(TEST_LOG));
    g_ptr_array_add(expected, g_strdup(TEST_SOCK));
    want = testNameList(expected);
    if (STRNEQ(listing, want)) {
        printf("#   the scratch directory holds:\n%s#   instead of:\n%s", listing, want);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (mon)
        qemuMonitorClose(mon);
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        g_spawn_close_pid(pid);
    }
    if (errfd >= 0)
        close(errfd);
    if (listenfd >= 0)
        close(listenfd);
    virResetLastError();
    unlink(monitor);
    unlink(errpath);
    virFileDeleteTree(dir);
    return ret;
}

static int
mymain(void)
{
    const testCase cases[] = {
        { "JSON -device/-object, legacy -chardev", true },
        { "legacy -device/-object/-chardev", false },
    };
    g_autofree char *capspath = g_strdup_printf("%s/tests/qemucapabilitiesdata/caps_7.2.0.x86_64.xml",
                                                ABS_SRCDIR);
    g_autofree char *capsxml = NULL;
    size_t i;

    if (!g_file_test(TEST_QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        printf("1..0 # SKIP %s is not installed: nothing to read the values back\n", TEST_QEMU);
        return 0;
    }
    if (virFileReadAll(capspath, 1024 * 1024, &capsxml) < 0 ||
        !(testCaps = virQEMUCapsParseCache(capsxml))) {
        printf("# cannot load %s: %s\n", capspath, virGetLastErrorMessage());
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        virTestRun(cases[i].name, testEscape, &cases[i]);
    virQEMUCapsFree(testCaps);
    return 0;
}

VIR_TEST_MAIN(mymain)
