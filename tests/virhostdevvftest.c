/*
 * virhostdevvftest.c: a VF gets the guest's MAC and VLAN and gets its own
 * back, with the "simulated" backend, on the tree of a simulated host
 * (tools/virsriovsim.h). Each case has its own tree, TMP/CASE/sys: the PF
 * pf0 (0000:03:00.0) with the VFs 0000:03:07.1 (on VLAN 5) and .2, and
 * 0000:04:07.1, a device with a VF's admin files but no physfn,
 * and the state directory TMP/CASE/run/vf (not created in advance).
 */
#include "internal.h"

#include <sys/stat.h>

#include "hypervisor/virhostdev_vf.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "tools/virsriovsim.h"

#define VF0 "0000:03:07.1"
#define VF1 "0000:03:07.2"
#define ORPHAN "0000:04:07.1"

/* what the tree starts with */
#define VF0_MAC "02:00:03:07:01:00"
#define VF0_VLAN "5"
#define VF1_MAC "02:00:03:07:02:01"
#define VF1_VLAN "0"
#define ORPHAN_MAC "02:00:04:07:01:00"

#define GUEST_MAC "52:54:00:aa:bb:cc"
#define GUEST_MAC2 "52:54:00:dd:ee:ff"

static char *tmpdir;

typedef struct {
    char *sysfs;
    char *stateDir;
    virHostdevVFContext ctx;
} testFixture;

static void
testFixtureFree(testFixture *fix)
{
    if (!fix)
        return;
    g_free(fix->sysfs);
    g_free(fix->stateDir);
    g_free(fix);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testFixture, testFixtureFree);

static int
testWrite(const char *path, const char *content)
{
    if (virFileWriteStrAtomic(path, content, 0644) < 0) {
        printf("#   cannot write %s: %s\n", path, virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

static testFixture *
testSetup(const char *name)
{
    g_autoptr(testFixture) fix = g_new0(testFixture, 1);

    fix->sysfs = g_build_filename(tmpdir, name, "sys", NULL);
    fix->stateDir = g_build_filename(tmpdir, name, "run", "vf", NULL);
    fix->ctx.backend = VIR_HOSTDEV_VF_BACKEND_SIMULATED;
    fix->ctx.sysfsRoot = fix->sysfs;
    fix->ctx.stateDir = fix->stateDir;

    /* VF0 starts on a VLAN; the orphan has the MAC and VLAN a VF would */
    if (virSRIOVSimPF(fix->sysfs, "pf0", 3, 2, 2) < 0 ||
        virSRIOVSimSetAdmin(fix->sysfs, VF0, VF0_MAC, VF0_VLAN) < 0 ||
        virSRIOVSimDevice(fix->sysfs, ORPHAN, NULL) < 0 ||
        virSRIOVSimSetAdmin(fix->sysfs, ORPHAN, ORPHAN_MAC, "0") < 0) {
        printf("#   cannot make the simulated host: %s\n", virGetLastErrorMessage());
        return NULL;
    }
    return g_steal_pointer(&fix);
}

static virPCIDeviceAddress
testAddr(const char *str)
{
    virPCIDeviceAddress addr = { 0 };

    if (virPCIDeviceAddressParse(str, &addr) < 0)
        abort();
    return addr;
}

static virMacAddr
testMac(const char *str)
{
    virMacAddr mac;

    if (virMacAddrParse(str, &mac) < 0)
        abort();
    return mac;
}

static char *
testSimPath(const testFixture *fix, const char *addr, const char *file)
{
    return g_build_filename(fix->sysfs, "bus", "pci", "devices", addr, file, NULL);
}

static char *
testStatePath(const testFixture *fix, const char *addr)
{
    g_autofree char *name = g_strdup_printf("%s.vf", addr);

    return g_build_filename(fix->stateDir, name, NULL);
}

/* The simulated admin MAC and VLAN files of @addr hold exactly these. */
static int
testCheckSim(const testFixture *fix, const char *addr, const char *mac, const char *vlan)
{
    g_autofree char *macpath = testSimPath(fix, addr, "sim_admin_mac");
    g_autofree char *vlanpath = testSimPath(fix, addr, "sim_admin_vlan");
    g_autofree char *m = NULL;
    g_autofree char *v = NULL;
    g_autofree char *wantm = g_strdup_printf("%s\n", mac);
    g_autofree char *wantv = g_strdup_printf("%s\n", vlan);
    int ret = 0;

    if (!g_file_get_contents(macpath, &m, NULL, NULL) ||
        !g_file_get_contents(vlanpath, &v, NULL, NULL)) {
        printf("#   cannot read the sim files of %s\n", addr);
        return -1;
    }
    if (STRNEQ(m, wantm)) {
        printf("#   %s: sim_admin_mac is \"%s\", expected \"%s\"\n", addr, g_strchomp(m), mac);
        ret = -1;
    }
    if (STRNEQ(v, wantv)) {
        printf("#   %s: sim_admin_vlan is \"%s\", expected \"%s\"\n", addr, g_strchomp(v), vlan);
        ret = -1;
    }
    return ret;
}

/* What virHostdevVFGetConfig reports for @addr. */
static int
testCheckGet(const testFixture *fix, const char *addr, const char *mac, int vlan)
{
    virPCIDeviceAddress a = testAddr(addr);
    virMacAddr want = testMac(mac);
    virMacAddr got;
    char gotstr[VIR_MAC_STRING_BUFLEN];
    int gotvlan = -42;

    if (virHostdevVFGetConfig(&fix->ctx, &a, &got, &gotvlan) < 0) {
        printf("#   GetConfig of %s failed: %s\n", addr, virGetLastErrorMessage());
        return -1;
    }
    if (virMacAddrCompare(&got, &want) != 0 || gotvlan != vlan) {
        printf("#   GetConfig of %s: %s vlan %d, expected %s vlan %d\n",
               addr, virMacAddrFormat(&got, gotstr), gotvlan, mac, vlan);
        return -1;
    }
    return 0;
}

/* The state file of @addr exists, is private and saved @mac/@vlan. */
static int
testCheckState(const testFixture *fix, const char *addr, const char *mac, int vlan)
{
    g_autofree char *path = testStatePath(fix, addr);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) gerr = NULL;
    g_autofree char *gotmac = NULL;
    virMacAddr want = testMac(mac);
    virMacAddr got;
    int gotvlan;
    struct stat sb;

    if (stat(path, &sb) < 0) {
        printf("#   no state file %s: %s\n", path, g_strerror(errno));
        return -1;
    }
    if ((sb.st_mode & 0777) != 0600) {
        printf("#   state file %s has mode %o, expected 600\n", path, sb.st_mode & 0777);
        return -1;
    }
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &gerr) ||
        !(gotmac = g_key_file_get_string(kf, "vf", "mac", &gerr))) {
        printf("#   state file %s: %s\n", path, gerr->message);
        return -1;
    }
    gotvlan = g_key_file_get_integer(kf, "vf", "vlan", &gerr);
    if (gerr) {
        printf("#   state file %s: vlan: %s\n", path, gerr->message);
        return -1;
    }
    if (virMacAddrParse(gotmac, &got) < 0 || virMacAddrCompare(&got, &want) != 0 ||
        gotvlan != vlan) {
        printf("#   state file %s saved %s vlan %d, expected %s vlan %d\n",
               path, gotmac, gotvlan, mac, vlan);
        return -1;
    }
    return 0;
}

static int
testCheckNoState(const testFixture *fix, const char *addr)
{
    g_autofree char *path = testStatePath(fix, addr);

    if (virFileExists(path)) {
        printf("#   state file %s exists\n", path);
        return -1;
    }
    return 0;
}

static int
testConfigure(const testFixture *fix, const char *addr, const char *mac, int vlan)
{
    virPCIDeviceAddress a = testAddr(addr);
    virMacAddr m = testMac(mac);

    if (virHostdevVFConfigure(&fix->ctx, &a, &m, vlan) < 0) {
        printf("#   Configure %s %s vlan %d failed: %s\n",
               addr, mac, vlan, virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

static int
testRestore(const testFixture *fix, const char *addr)
{
    virPCIDeviceAddress a = testAddr(addr);

    if (virHostdevVFRestore(&fix->ctx, &a) < 0) {
        printf("#   Restore %s failed: %s\n", addr, virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

/* ---- tests ---- */

static int
testTree(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("tree");

    if (!fix)
        return -1;
    /* both VFs are found on pf0 through physfn and read back as made */
    if (testCheckGet(fix, VF0, VF0_MAC, 5) < 0 ||
        testCheckGet(fix, VF1, VF1_MAC, 0) < 0)
        return -1;
    return 0;
}

static int
testConfigureSaves(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("configure");

    if (!fix || testCheckNoState(fix, VF0) < 0)
        return -1;
    if (testConfigure(fix, VF0, GUEST_MAC, 10) < 0)
        return -1;
    if (testCheckSim(fix, VF0, GUEST_MAC, "10") < 0 ||
        testCheckGet(fix, VF0, GUEST_MAC, 10) < 0 ||
        testCheckState(fix, VF0, VF0_MAC, 5) < 0)
        return -1;
    /* the other VF of the PF is left alone */
    if (testCheckSim(fix, VF1, VF1_MAC, VF1_VLAN) < 0 || testCheckNoState(fix, VF1) < 0)
        return -1;
    return 0;
}

static int
testConfigureTwice(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("twice");

    if (!fix)
        return -1;
    if (testConfigure(fix, VF0, GUEST_MAC, 10) < 0 ||
        testCheckState(fix, VF0, VF0_MAC, 5) < 0)
        return -1;
    /* as after a crash: the VF still has the guest's values and the state
     * file is still there; the saved values stay the original ones */
    if (testConfigure(fix, VF0, GUEST_MAC2, 20) < 0)
        return -1;
    if (testCheckSim(fix, VF0, GUEST_MAC2, "20") < 0 ||
        testCheckState(fix, VF0, VF0_MAC, 5) < 0)
        return -1;
    if (testRestore(fix, VF0) < 0 ||
        testCheckSim(fix, VF0, VF0_MAC, VF0_VLAN) < 0 ||
        testCheckNoState(fix, VF0) < 0)
        return -1;
    return 0;
}

static int
testRestoreOriginal(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("restore");

    if (!fix)
        return -1;
    if (testConfigure(fix, VF0, GUEST_MAC, 10) < 0 ||
        testConfigure(fix, VF1, GUEST_MAC2, 11) < 0)
        return -1;
    if (testRestore(fix, VF0) < 0)
        return -1;
    if (testCheckSim(fix, VF0, VF0_MAC, VF0_VLAN) < 0 ||
        testCheckGet(fix, VF0, VF0_MAC, 5) < 0 ||
        testCheckNoState(fix, VF0) < 0)
        return -1;
    /* VF1 is still the guest's */
    if (testCheckSim(fix, VF1, GUEST_MAC2, "11") < 0 ||
        testCheckState(fix, VF1, VF1_MAC, 0) < 0)
        return -1;
    if (testRestore(fix, VF1) < 0 ||
        testCheckSim(fix, VF1, VF1_MAC, VF1_VLAN) < 0 ||
        testCheckNoState(fix, VF1) < 0)
        return -1;
    return 0;
}

static int
testRestoreNoState(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("nostate");
    virPCIDeviceAddress a = testAddr(VF0);
    g_autofree char *macpath = NULL;

    if (!fix)
        return -1;
    /* the VF holds other values than its originals: a no-op must not touch them */
    macpath = testSimPath(fix, VF0, "sim_admin_mac");
    if (testWrite(macpath, GUEST_MAC "\n") < 0)
        return -1;
    if (virHostdevVFRestore(&fix->ctx, &a) < 0) {
        printf("#   Restore without a state file failed: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (virGetLastError()) {
        printf("#   Restore succeeded but left an error: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testCheckSim(fix, VF0, GUEST_MAC, VF0_VLAN) < 0 || testCheckNoState(fix, VF0) < 0)
        return -1;
    /* also for a device that is no VF at all: nothing to do */
    a = testAddr(ORPHAN);
    if (virHostdevVFRestore(&fix->ctx, &a) < 0) {
        printf("#   Restore of %s without a state file failed: %s\n",
               ORPHAN, virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

static int
testConfigureNoVlan(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("novlan");

    if (!fix)
        return -1;
    /* VF0 starts on VLAN 5; -1 means no VLAN: the simulated VF gets 0 */
    if (testConfigure(fix, VF0, GUEST_MAC, -1) < 0)
        return -1;
    if (testCheckSim(fix, VF0, GUEST_MAC, "0") < 0 ||
        testCheckGet(fix, VF0, GUEST_MAC, 0) < 0 ||
        testCheckState(fix, VF0, VF0_MAC, 5) < 0)
        return -1;
    if (testRestore(fix, VF0) < 0 || testCheckSim(fix, VF0, VF0_MAC, VF0_VLAN) < 0)
        return -1;
    return 0;
}

static int
testConfigureNotVF(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("notvf");
    virPCIDeviceAddress a = testAddr(ORPHAN);
    virMacAddr m = testMac(GUEST_MAC);

    if (!fix)
        return -1;
    if (virHostdevVFConfigure(&fix->ctx, &a, &m, 10) == 0) {
        printf("#   Configure of %s (no physfn) succeeded\n", ORPHAN);
        return -1;
    }
    if (virTestExpectError("Configure without physfn", ORPHAN " is not a VF") < 0)
        return -1;
    if (testCheckNoState(fix, ORPHAN) < 0 ||
        testCheckSim(fix, ORPHAN, ORPHAN_MAC, "0") < 0)
        return -1;
    if (virFileExists(fix->stateDir)) {
        /* not wrong as such, but nothing had to be saved */
        printf("#   note: %s was created\n", fix->stateDir);
    }
    return 0;
}

typedef struct {
    const char *what;
    const char *content;    /* NULL: a directory instead of a file */
} testCorruptData;

static int
testRestoreCorrupt(const void *opaque)
{
    const testCorruptData *data = opaque;
    g_autofree char *name = g_strdup_printf("corrupt-%s", data->what);
    g_autoptr(testFixture) fix = testSetup(name);
    virPCIDeviceAddress a = testAddr(VF0);
    g_autofree char *state = NULL;

    if (!fix)
        return -1;
    state = testStatePath(fix, VF0);
    if (testConfigure(fix, VF0, GUEST_MAC, 10) < 0)
        return -1;
    if (data->content) {
        if (testWrite(state, data->content) < 0)
            return -1;
    } else {
        if (unlink(state) < 0 || virFileMakePath(state, 0700) < 0) {
            printf("#   cannot make %s a directory\n", state);
            return -1;
        }
    }
    if (virHostdevVFRestore(&fix->ctx, &a) == 0) {
        printf("#   Restore with a %s state file succeeded\n", data->what);
        return -1;
    }
    if (virTestExpectError("Restore", state) < 0)
        return -1;
    /* nothing was put back, and the state is kept for a later look */
    if (testCheckSim(fix, VF0, GUEST_MAC, "10") < 0)
        return -1;
    if (!virFileExists(state)) {
        printf("#   the state file %s was removed\n", state);
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;
    static const testCorruptData garbage = { "garbage", "\x01\x02 this is not a key file\n" };
    static const testCorruptData empty = { "empty", "" };
    static const testCorruptData nomac = { "no-mac", "[vf]\nvlan=5\n" };
    static const testCorruptData badmac = { "bad-mac", "[vf]\nmac=02:00:zz:07:01:00\nvlan=5\n" };
    static const testCorruptData dir = { "directory", NULL };
    static const testCorruptData novlan = { "no-vlan", "[vf]\nmac=02:00:03:07:01:00\n" };
    static const testCorruptData badvlan = { "bad-vlan", "[vf]\nmac=02:00:03:07:01:00\nvlan=abc\n" };
    static const testCorruptData bigvlan = { "big-vlan", "[vf]\nmac=02:00:03:07:01:00\nvlan=5000\n" };
    int ret = 0;

    if (!(tmpdir = g_dir_make_tmp("virhostdevvftest-XXXXXX", &gerr))) {
        printf("Bail out! cannot make a temp dir: %s\n", gerr->message);
        return -1;
    }

    virTestRun("the fake sysfs tree reads back", testTree, NULL);
    virTestRun("Configure sets the guest's MAC/VLAN and saves the VF's", testConfigureSaves, NULL);
    virTestRun("Configure again keeps the original saved values", testConfigureTwice, NULL);
    virTestRun("Restore puts the original MAC/VLAN back and removes the state",
               testRestoreOriginal, NULL);
    virTestRun("Restore without a state file is a no-op", testRestoreNoState, NULL);
    virTestRun("Configure with vlan -1 clears the VLAN", testConfigureNoVlan, NULL);
    virTestRun("Configure of a VF without physfn fails and saves nothing",
               testConfigureNotVF, NULL);
    virTestRun("Restore with a garbage state file fails naming it", testRestoreCorrupt, &garbage);
    virTestRun("Restore with an empty state file fails naming it", testRestoreCorrupt, &empty);
    virTestRun("Restore with a state file without MAC fails naming it",
               testRestoreCorrupt, &nomac);
    virTestRun("Restore with a state file with a bad MAC fails naming it",
               testRestoreCorrupt, &badmac);
    virTestRun("Restore with an unreadable state file (a directory) fails naming it",
               testRestoreCorrupt, &dir);
    virTestRun("Restore with a state file without VLAN fails naming it",
               testRestoreCorrupt, &novlan);
    virTestRun("Restore with a state file with a bad VLAN fails naming it",
               testRestoreCorrupt, &badvlan);
    virTestRun("Restore with a state file with an out-of-range VLAN fails naming it",
               testRestoreCorrupt, &bigvlan);

    if (virFileDeleteTree(tmpdir) < 0) {
        printf("# cannot remove %s: %s\n", tmpdir, virGetLastErrorMessage());
        ret = -1;
    }
    g_free(tmpdir);
    return ret;
}

VIR_TEST_MAIN(mymain)
