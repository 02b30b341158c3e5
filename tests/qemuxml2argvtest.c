/*
 * qemuxml2argvtest.c: domain XML -> QEMU argv golden tests
 *
 * Every tests/qemuxml2argvdata/NAME.xml is defined (QEMU defaults,
 * addresses, capability checks) against each recorded emulator
 * (tests/qemucapabilitiesdata/caps_VERSION.x86_64.xml) and its command
 * line is compared with NAME.x86_64-VERSION.args; when the definition or
 * the command line is refused, the message is compared with
 * NAME.x86_64-VERSION.err instead. VERSION "7.2.0-legacy" is QEMU 7.2
 * without JSON -device: the legacy syntax of emulators that have failover
 * but not JSON (QEMU 4.2 to 6.x), which 4.1 cannot show.
 *
 * Networks whose name starts with "sriov" are hostdev pools: at define
 * (an interface on one gets no default NIC model) and at start, where
 * their interfaces resolve to VFs 0000:03:07.1, .2, ... as the network
 * driver would give them. Every other network is a plain one.
 *
 * NAME.libvirt-9.0.argv, when present, is the argv libvirt 9.0 ran for the
 * same XML: every -netdev, -device and -blockdev must be identical.
 */
#include "internal.h"

#include "qemu/qemu_alias.h"
#include "qemu/qemu_command.h"
#include "qemu/qemu_domain.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

typedef struct {
    const char *name;
    const char *version;
    virQEMUCaps *caps;
} testInfo;

static virQEMUCaps *
testCapsLookup(void *opaque, const char *emulator G_GNUC_UNUSED)
{
    return opaque;
}

static int
testNetPoolLookup(void *opaque G_GNUC_UNUSED, const char *netname)
{
    return g_str_has_prefix(netname, "sriov") ? 1 : 0;
}

static const qemuDomainParseLookups testLookups = {
    .caps = testCapsLookup,
    .netPool = testNetPoolLookup,
};

/* What the network driver does at start for a hostdev pool. */
static void
testResolveNetworks(virDomainDef *def)
{
    virPCIDeviceAddress vf = { .domain = 0, .bus = 3, .slot = 7, .function = 1 };
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];

        if (net->type != VIR_DOMAIN_NET_TYPE_NETWORK ||
            !g_str_has_prefix(net->data.network.name, "sriov"))
            continue;
        virDomainNetSetActualHostdev(def, net, &vf, true);
        vf.function++;
    }
}

static char *
testBuildArgs(const char *inpath, virQEMUCaps *caps)
{
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_auto(GStrv) argv = NULL;
    qemuCommandOptions opts = { 0 };

    if (virFileReadAll(inpath, 1024 * 1024, &xml) < 0 ||
        !(def = qemuDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                                         &testLookups, caps)))
        return NULL;
    testResolveNetworks(def);
    if (qemuAssignDeviceAliases(def) < 0)
        return NULL;
    opts.emulator = qemuDomainDefEmulator(def);
    opts.machine = def->os.machine;
    opts.jsonDevice = virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_JSON);
    opts.failover = virQEMUCapsGet(caps, QEMU_CAPS_VIRTIO_NET_FAILOVER);
    opts.monitorFd = 3;
    if (!(argv = qemuBuildCommandLine(def, &opts)))
        return NULL;
    return qemuCommandLineToString((const char * const *)argv);
}

static void
testIgnoreWarning(const char *msg G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

static int
testCompare(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *inpath = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.xml",
                                              ABS_SRCDIR, info->name);
    g_autofree char *args = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.x86_64-%s.args",
                                            ABS_SRCDIR, info->name, info->version);
    g_autofree char *err = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.x86_64-%s.err",
                                           ABS_SRCDIR, info->name, info->version);
    g_autofree char *actual = NULL;
    bool regen = g_strcmp0(g_getenv("VIR_TEST_REGENERATE_OUTPUT"), "1") == 0;

    virSetWarningHandler(testIgnoreWarning, NULL);
    actual = testBuildArgs(inpath, info->caps);
    virSetWarningHandler(NULL, NULL);

    if (actual) {
        if (virFileExists(err) && !regen) {
            printf("#   expected failure (%s) but got a command line\n", err);
            return -1;
        }
        if (regen)
            unlink(err);
        return virTestCompareToFile(actual, args);
    }
    {
        g_autofree char *msg = g_strdup_printf("%s\n", virGetLastErrorMessage());

        virResetLastError();
        if (virFileExists(args) && !regen) {
            printf("#   expected %s but failed: %s", args, msg);
            return -1;
        }
        if (regen)
            unlink(args);
        return virTestCompareToFile(msg, err);
    }
}

/* -netdev/-device/-blockdev values of an argv written one per line. */
static GPtrArray *
testDeviceLines(const char *text, bool argsLayout)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        size_t len = strlen(l);

        if (argsLayout) {
            if (len >= 2 && STREQ(l + len - 2, " \\"))
                l[len - 2] = '\0';
            if (g_str_has_prefix(l, "-netdev ") || g_str_has_prefix(l, "-device ") ||
                g_str_has_prefix(l, "-blockdev "))
                g_ptr_array_add(out, g_strdup(l));
        } else if ((STREQ(l, "-netdev") || STREQ(l, "-device") || STREQ(l, "-blockdev")) &&
                   lines[i + 1]) {
            g_ptr_array_add(out, g_strdup_printf("%s %s", l, g_strstrip(lines[i + 1])));
        }
    }
    return out;
}

static int
testMatchesLibvirt(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *refpath = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.libvirt-9.0.argv",
                                               ABS_SRCDIR, name);
    g_autofree char *argspath = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.x86_64-7.2.0.args",
                                                ABS_SRCDIR, name);
    g_autofree char *ref = NULL;
    g_autofree char *ours = NULL;
    g_autoptr(GPtrArray) a = NULL;
    g_autoptr(GPtrArray) b = NULL;
    size_t i;

    if (!g_file_get_contents(refpath, &ref, NULL, NULL) ||
        !g_file_get_contents(argspath, &ours, NULL, NULL))
        return -1;
    a = testDeviceLines(ref, false);
    b = testDeviceLines(ours, true);
    for (i = 0; i < MAX(a->len, b->len); i++) {
        const char *la = i < a->len ? g_ptr_array_index(a, i) : "(none)";
        const char *lb = i < b->len ? g_ptr_array_index(b, i) : "(none)";

        if (STRNEQ(la, lb)) {
            printf("#   device %zu differs:\n#   libvirt: %s\n#   ours:    %s\n", i, la, lb);
            return -1;
        }
    }
    return a->len > 0 ? 0 : -1;
}

static gint
testCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

typedef struct {
    const char *name;       /* in golden file names */
    const char *capsFile;   /* tests/qemucapabilitiesdata/caps_FILE.x86_64.xml */
    bool noJSON;            /* pretend -device takes no JSON */
} testVersion;

static virQEMUCaps *
testLoadCaps(const testVersion *version)
{
    g_autofree char *path = g_strdup_printf("%s/tests/qemucapabilitiesdata/caps_%s.x86_64.xml",
                                            ABS_SRCDIR, version->capsFile);
    g_autofree char *xml = NULL;
    virQEMUCaps *caps;

    if (virFileReadAll(path, 1024 * 1024, &xml) < 0 ||
        !(caps = virQEMUCapsParseCache(xml)))
        return NULL;
    if (version->noJSON)
        caps->flags[QEMU_CAPS_DEVICE_JSON] = false;
    return caps;
}

static int
mymain(void)
{
    const testVersion versions[] = {
        { "7.2.0", "7.2.0", false },
        { "7.2.0-legacy", "7.2.0", true },
        { "4.1.0", "4.1.0", false },
    };
    g_autofree char *dirpath = g_strdup_printf("%s/tests/qemuxml2argvdata", ABS_SRCDIR);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(dirpath, 0, NULL);
    virQEMUCaps *caps[G_N_ELEMENTS(versions)];
    const char *ent;
    size_t i, v;

    if (!dir)
        return -1;
    for (v = 0; v < G_N_ELEMENTS(versions); v++) {
        if (!(caps[v] = testLoadCaps(&versions[v]))) {
            printf("# cannot load capabilities %s: %s\n", versions[v].name, virGetLastErrorMessage());
            return -1;
        }
    }
    while ((ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, testCompareNames);

    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *ref = g_strdup_printf("%s/%s.libvirt-9.0.argv", dirpath, name);

        for (v = 0; v < G_N_ELEMENTS(versions); v++) {
            testInfo info = { name, versions[v].name, caps[v] };
            g_autofree char *title = g_strdup_printf("%s (QEMU %s)", name, versions[v].name);

            virTestRun(title, testCompare, &info);
        }
        if (virFileExists(ref)) {
            g_autofree char *title = g_strdup_printf("%s: devices as libvirt 9.0", name);

            virTestRun(title, testMatchesLibvirt, name);
        }
    }
    for (v = 0; v < G_N_ELEMENTS(versions); v++)
        virQEMUCapsFree(caps[v]);
    return 0;
}

VIR_TEST_MAIN(mymain)
