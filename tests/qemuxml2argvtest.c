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
 * Warnings given while defining or building go to NAME.x86_64-VERSION.warn,
 * which must exist exactly when there are warnings.
 *
 * NAME.libvirt-9.0.argv, when present, is the argv libvirt 9.0 ran for the
 * same XML (QEMU 7.2): every argument must be identical to ours, apart from
 * the deliberate differences of testLibvirtNormalize (docs/hacking.rst,
 * "Tests", lists them with their reasons).
 */
#include "internal.h"

#include "qemu/qemu_command.h"
#include "qemu/qemu_domain.h"
#include "qemu/qemu_process.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

typedef struct {
    const char *name;
    const char *version;
    virQEMUCaps *caps;
} testInfo;

/* The driver's settings: those of a root without qemu.conf. */
static virQEMUDriverConfig *testConfig;

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

/* Define @inpath as the driver does, then build its command line as start
 * does (qemuProcessBuildCommandCaps: capability checks, aliases, options),
 * with @caps in place of the probed capabilities. A test named
 * migrate-incoming* is the destination of a migration (over TLS when its
 * name says -tls), whose QEMU gets the daemon's listening socket. */
static GStrv
testBuildArgv(const char *name, const char *inpath, virQEMUCaps *caps)
{
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    qemuCommandOptions opts;
    qemuProcessIncoming incoming = { .listenFd = -1, .tls = strstr(name, "-tls") != NULL };

    if (virFileReadAll(inpath, 1024 * 1024, &xml) < 0 ||
        !(def = qemuDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                                         &testLookups, caps)))
        return NULL;
    testResolveNetworks(def);
    return qemuProcessBuildCommandCaps(testConfig, caps, def, &opts,
                                       g_str_has_prefix(name, "migrate-incoming") ?
                                       &incoming : NULL);
}

static char *
testBuildArgs(const char *name, const char *inpath, virQEMUCaps *caps)
{
    g_auto(GStrv) argv = testBuildArgv(name, inpath, caps);

    return argv ? qemuCommandLineToString((const char * const *)argv) : NULL;
}

/* NAME.x86_64-VERSION.warn holds the warnings, and exists only when
 * there are some. */
static int
testCompareWarnings(const char *warnings, const char *warnpath, bool regen)
{
    if (*warnings)
        return virTestCompareToFile(warnings, warnpath);
    if (regen) {
        unlink(warnpath);
    } else if (virFileExists(warnpath)) {
        printf("#   expected the warnings of %s, got none\n", warnpath);
        return -1;
    }
    return 0;
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
    g_autofree char *warnpath = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.x86_64-%s.warn",
                                                ABS_SRCDIR, info->name, info->version);
    g_autoptr(GString) warnings = g_string_new(NULL);
    g_autofree char *actual = NULL;
    bool regen = g_strcmp0(g_getenv("VIR_TEST_REGENERATE_OUTPUT"), "1") == 0;

    virTestCaptureWarnings(warnings);
    actual = testBuildArgs(info->name, inpath, info->caps);
    virTestCaptureWarnings(NULL);

    if (testCompareWarnings(warnings->str, warnpath, regen) < 0)
        return -1;
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

/* Replace the item KEY=VALUE of the legacy option string @opt ("a,k=v,...",
 * ",," standing for a comma) by @repl; false when @opt has no KEY=. */
static bool
testReplaceOpt(GString *opt, const char *key, const char *repl)
{
    size_t keylen = strlen(key);
    size_t i = 0;

    while (i < opt->len) {
        size_t end = i;

        while (end < opt->len) {
            if (opt->str[end] == ',' && opt->str[end + 1] == ',')
                end += 2;
            else if (opt->str[end] == ',')
                break;
            else
                end++;
        }
        if (end - i > keylen && strncmp(opt->str + i, key, keylen) == 0 &&
            opt->str[i + keylen] == '=') {
            g_string_erase(opt, i, end - i);
            g_string_insert(opt, i, repl);
            return true;
        }
        i = end + 1;
    }
    return false;
}

/* The argv @argv (libvirt's if @ref, else ours) without the deliberate
 * differences from libvirt 9.0, so that every other argument is compared
 * as is:
 *  - "-object {"qom-type":"secret","id":"masterKey0",...}": libvirt's key
 *    for encrypting secrets given to QEMU; we give QEMU no secrets.
 *  - "-add-fd set=N,...": libvirt opens a file chardev itself and passes
 *    "path=/dev/fdset/N"; a listening unix chardev (and the monitor) it
 *    passes as "fd=N". We give QEMU the monitor as fd 3 and let QEMU open
 *    chardev paths. On -chardev, where libvirt passes a descriptor, both
 *    sides' path=... or fd=... become "PASSED" (the path's escaping is checked
 *    by qemuescapetest against QEMU's own parser).
 * @passed says for each -chardev of libvirt's whether it passed a
 * descriptor: filled with @ref, read for ours. Returns the normalised argv
 * as one string, an argument per line. */
static char *
testLibvirtNormalize(const char * const *argv, bool ref, GArray *passed)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t nchardev = 0;
    size_t i;

    for (i = 0; argv[i]; i++) {
        const char *a = argv[i];
        const char *v = argv[i + 1];

        if (v && STREQ(a, "-object") && ref &&
            g_str_has_prefix(v, "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",")) {
            i++;
            continue;
        }
        if (v && STREQ(a, "-add-fd") && ref) {
            i++;
            continue;
        }
        g_string_append_printf(out, "%s\n", a);
        if (v && STREQ(a, "-chardev")) {
            g_autoptr(GString) opt = g_string_new(v);

            if (ref) {
                bool p = (testReplaceOpt(opt, "fd", "PASSED") ||
                          (strstr(v, "path=/dev/fdset/") && testReplaceOpt(opt, "path", "PASSED")));

                g_array_append_val(passed, p);
            } else if (nchardev < passed->len && g_array_index(passed, bool, nchardev)) {
                if (!testReplaceOpt(opt, "fd", "PASSED"))
                    testReplaceOpt(opt, "path", "PASSED");
            }
            nchardev++;
            g_string_append_printf(out, "%s\n", opt->str);
            i++;
        }
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static int
testMatchesLibvirt(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *refpath = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.libvirt-9.0.argv",
                                               ABS_SRCDIR, info->name);
    g_autofree char *inpath = g_strdup_printf("%s/tests/qemuxml2argvdata/%s.xml",
                                              ABS_SRCDIR, info->name);
    g_autofree char *ref = NULL;
    g_auto(GStrv) refArgv = NULL;
    g_auto(GStrv) ours = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autoptr(GArray) passed = g_array_new(FALSE, FALSE, sizeof(bool));
    g_autoptr(GString) warnings = g_string_new(NULL);

    if (!g_file_get_contents(refpath, &ref, NULL, NULL))
        return -1;
    /* (the warnings are compared by testCompare) */
    virTestCaptureWarnings(warnings);
    ours = testBuildArgv(info->name, inpath, info->caps);
    virTestCaptureWarnings(NULL);
    if (!ours) {
        printf("#   no command line: %s\n", virGetLastErrorMessage());
        return -1;
    }
    g_strchomp(ref);
    refArgv = g_strsplit(ref, "\n", -1);
    a = testLibvirtNormalize((const char * const *)refArgv, true, passed);
    b = testLibvirtNormalize((const char * const *)ours, false, passed);
    if (STREQ(a, b))
        return 0;
    printf("#   the arguments differ from libvirt's (normalised, one per line):\n");
    virTestPrintDiff(refpath, a, "ours", b);
    return -1;
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
    /* recorded where KVM was not usable; the command lines are those of a
     * host where it is (testKVMUnusable checks the other case) */
    caps->kvmUsable = true;
    return caps;
}

/* On a host without KVM, start refuses a type='kvm' domain: the options
 * are the driver's, not the test's. */
static int
testKVMUnusable(const void *opaque)
{
    virQEMUCaps *caps = (virQEMUCaps *)opaque;
    g_autofree char *inpath = g_strdup_printf("%s/tests/qemuxml2argvdata/q35-teaming-hostdev.xml",
                                              ABS_SRCDIR);
    g_auto(GStrv) argv = NULL;

    caps->kvmUsable = false;
    argv = testBuildArgv("q35-teaming-hostdev", inpath, caps);
    caps->kvmUsable = true;
    if (argv) {
        printf("#   a type='kvm' domain got a command line on a host without KVM\n");
        return -1;
    }
    return virTestExpectError("KVM unusable", "has type='kvm' but KVM is not usable on this host");
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
    g_autofree char *tmpdir = NULL;
    const char *ent;
    size_t i, v;

    if (!dir || !(tmpdir = g_dir_make_tmp("qemuxml2argvtest-XXXXXX", NULL)))
        return -1;
    if (!(testConfig = virQEMUDriverConfigNew(tmpdir))) {
        printf("# cannot make the driver's configuration: %s\n", virGetLastErrorMessage());
        return -1;
    }
    /* a comma, which QEMU's legacy option syntax must see doubled */
    g_free(testConfig->migrateTLSx509certdir);
    testConfig->migrateTLSx509certdir = g_strdup("/etc/pki/qemu,migration");
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
            g_autofree char *title = g_strdup_printf("%s: argv as libvirt 9.0", name);
            testInfo info = { name, versions[0].name, caps[0] };

            virTestRun(title, testMatchesLibvirt, &info);
        }
    }
    virTestRun("type='kvm' is refused on a host without KVM", testKVMUnusable, caps[0]);
    for (v = 0; v < G_N_ELEMENTS(versions); v++)
        virQEMUCapsFree(caps[v]);
    virQEMUDriverConfigFree(testConfig);
    if (virFileDeleteTree(tmpdir) < 0)
        return -1;
    return 0;
}

VIR_TEST_MAIN(mymain)
