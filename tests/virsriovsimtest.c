/*
 * virsriovsimtest.c: the simulated SR-IOV host behaves like the kernel
 * (tools/virsriovsim.h, tools/virsriovsimserver.h). Each case has its own
 * host, TMP/CASE/sim: the PF pf0 (0000:03:00.0, i40e) with the VFs
 * 0000:03:07.1 and .2 (iavf, IOMMU groups 825 and 826), and a server
 * running in this process. Writes go through the files, as the product
 * writes them; the server is waited for with Settle (everything written
 * before handled), never with a fixed sleep.
 */
#include "internal.h"

#include <unistd.h>

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "tools/virsriovsim.h"
#include "tools/virsriovsimserver.h"

#define PF "0000:03:00.0"
#define VF0 "0000:03:07.1"
#define VF1 "0000:03:07.2"
#define VF0_GROUP 825

static char *tmpdir;

typedef struct {
    char *sim;
    char *sys;
    char *dev;
    virSRIOVSimServer *srv;
} testSim;

static void
testSimFree(testSim *t)
{
    if (!t)
        return;
    virSRIOVSimServerStop(t->srv);
    g_free(t->sim);
    g_free(t->sys);
    g_free(t->dev);
    g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testSim, testSimFree);

static int
testMakePF(testSim *t)
{
    if (virSRIOVSimPF(t->sys, "pf0", 3, 2, 2) < 0) {
        printf("#   cannot make the simulated host: %s\n", virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

static testSim *
testSimNew(const char *name)
{
    g_autoptr(testSim) t = g_new0(testSim, 1);
    g_autoptr(GError) err = NULL;

    t->sim = g_build_filename(tmpdir, name, "sim", NULL);
    t->sys = g_build_filename(t->sim, "sys", NULL);
    t->dev = g_build_filename(t->sim, "dev", NULL);
    if (testMakePF(t) < 0)
        return NULL;
    if (!(t->srv = virSRIOVSimServerStart(t->sim, &err))) {
        printf("#   cannot start the server: %s\n", err->message);
        return NULL;
    }
    return g_steal_pointer(&t);
}

/* Write @value to SYS/@rel and wait until the server handled it. */
static int
testWrite(testSim *t, const char *rel, const char *value)
{
    g_autofree char *path = g_build_filename(t->sys, rel, NULL);
    g_autoptr(GError) err = NULL;

    if (virSRIOVSimWriteAttr(path, value, &err) < 0 ||
        virSRIOVSimServerSettle(t->srv, &err) < 0) {
        printf("#   %s\n", err->message);
        return -1;
    }
    return 0;
}

static int
testWriteDev(testSim *t, const char *addr, const char *file, const char *value)
{
    g_autofree char *rel = g_build_filename("bus", "pci", "devices", addr, file, NULL);

    return testWrite(t, rel, value);
}

/* @addr is bound to @driver (NULL: unbound), both links agreeing. */
static int
testCheckDriver(testSim *t, const char *addr, const char *driver)
{
    g_autofree char *cur = virSRIOVSimDriverOf(t->sys, addr);
    size_t i;
    static const char *const drivers[] = { "i40e", "iavf", "e1000e", "vfio-pci", "pci-stub" };

    if (STRNEQ_NULLABLE(cur, driver)) {
        printf("#   %s: driver %s, expected %s\n", addr, NULLSTR(cur), NULLSTR(driver));
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(drivers); i++) {
        g_autofree char *back = g_build_filename(t->sys, "bus", "pci", "drivers",
                                                 drivers[i], addr, NULL);
        bool want = driver && STREQ(driver, drivers[i]);

        if (g_file_test(back, G_FILE_TEST_IS_SYMLINK) != want) {
            printf("#   %s %s\n", back, want ? "missing" : "should not exist");
            return -1;
        }
    }
    return 0;
}

/* SYS/@rel (or DEV/@rel with @dev) exists iff @want. */
static int
testCheckExists(testSim *t, bool dev, const char *rel, bool want)
{
    g_autofree char *path = g_build_filename(dev ? t->dev : t->sys, rel, NULL);

    if (virFileExists(path) != want) {
        printf("#   %s %s\n", path, want ? "missing" : "should not exist");
        return -1;
    }
    return 0;
}

/* SYS/@rel holds exactly @want. */
static int
testCheckFile(testSim *t, const char *rel, const char *want)
{
    g_autofree char *path = g_build_filename(t->sys, rel, NULL);
    g_autofree char *content = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &content, NULL, &err)) {
        printf("#   %s\n", err->message);
        return -1;
    }
    if (STRNEQ(content, want)) {
        printf("#   %s holds '%s', expected '%s'\n", path, content, want);
        return -1;
    }
    return 0;
}

/* The server's log has a line @line. */
static int
testCheckLog(testSim *t, const char *line)
{
    g_autofree char *path = g_build_filename(t->sim, "serve.log", NULL);
    g_autofree char *content = NULL;
    g_autofree char *needle = g_strdup_printf("%s\n", line);

    if (!g_file_get_contents(path, &content, NULL, NULL) || !strstr(content, needle)) {
        printf("#   %s has no line '%s':\n%s", path, line, NULLSTR(content));
        return -1;
    }
    return 0;
}

static int
testLayout(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("layout");

    if (!t)
        return -1;
    if (testCheckFile(t, "bus/pci/devices/" PF "/vendor", "0x8086\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" PF "/device", "0x1572\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" PF "/class", "0x020000\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/vendor", "0x8086\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/device", "0x154c\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/subsystem_vendor", "0x8086\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/numa_node", "-1\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/driver_override", "(null)\n") < 0 ||
        testCheckFile(t, "bus/pci/drivers/vfio-pci/bind", "") < 0 ||
        testCheckFile(t, "bus/pci/drivers_probe", "") < 0)
        return -1;
    if (testCheckDriver(t, PF, "i40e") < 0 || testCheckDriver(t, VF0, "iavf") < 0 ||
        testCheckDriver(t, VF1, "iavf") < 0)
        return -1;
    /* the links are the kernel's relative ones and resolve */
    if (testCheckExists(t, false, "bus/pci/devices/" VF0 "/driver/unbind", true) < 0 ||
        testCheckExists(t, false, "bus/pci/devices/" VF0 "/iommu_group/devices/" VF0 "/physfn", true) < 0 ||
        testCheckExists(t, false, "bus/pci/drivers/iavf/" VF0 "/physfn", true) < 0 ||
        testCheckExists(t, true, "vfio/vfio", true) < 0 ||
        testCheckExists(t, true, "vfio/825", false) < 0)
        return -1;
    if (virSRIOVSimGroupOf(t->sys, VF0) != VF0_GROUP ||
        virSRIOVSimGroupOf(t->sys, VF1) != VF0_GROUP + 1) {
        printf("#   groups %d %d, expected 825 826\n", virSRIOVSimGroupOf(t->sys, VF0),
               virSRIOVSimGroupOf(t->sys, VF1));
        return -1;
    }
    return 0;
}

/* iavf -> unbind -> vfio-pci through driver_override and drivers_probe ->
 * unbind -> override cleared -> drivers_probe: back on iavf */
static int
testRoundTrip(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("roundtrip");

    if (!t)
        return -1;
    if (testWriteDev(t, VF0, "driver/unbind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testCheckExists(t, false, "bus/pci/devices/" VF0 "/driver", false) < 0 ||
        testCheckFile(t, "bus/pci/drivers/iavf/unbind", "") < 0 ||
        testCheckLog(t, "unbind " VF0 " from iavf: unbound") < 0)
        return -1;
    /* the other VF is left alone */
    if (testCheckDriver(t, VF1, "iavf") < 0)
        return -1;

    if (testWriteDev(t, VF0, "driver_override", "vfio-pci") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/driver_override", "vfio-pci\n") < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testWrite(t, "bus/pci/drivers_probe", VF0 "\n") < 0 ||
        testCheckDriver(t, VF0, "vfio-pci") < 0 ||
        testCheckExists(t, true, "vfio/825", true) < 0 ||
        testCheckExists(t, true, "vfio/826", false) < 0 ||
        testCheckFile(t, "bus/pci/drivers_probe", "") < 0 ||
        testCheckLog(t, "drivers_probe " VF0 ": bound to vfio-pci") < 0)
        return -1;

    if (testWrite(t, "bus/pci/drivers/vfio-pci/unbind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testCheckExists(t, true, "vfio/825", false) < 0)
        return -1;

    if (testWriteDev(t, VF0, "driver_override", "\n") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/driver_override", "(null)\n") < 0 ||
        testCheckLog(t, "driver_override " VF0 ": (null)") < 0 ||
        testWrite(t, "bus/pci/drivers_probe", VF0) < 0 ||
        testCheckDriver(t, VF0, "iavf") < 0)
        return -1;
    return 0;
}

/* binds the kernel would refuse change nothing */
static int
testRefused(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("refused");

    if (!t)
        return -1;
    /* unbind from a driver the device is not on */
    if (testWrite(t, "bus/pci/drivers/i40e/unbind", VF0) < 0 ||
        testCheckDriver(t, VF0, "iavf") < 0 ||
        testCheckLog(t, "unbind " VF0 " from i40e: refused: bound to iavf") < 0)
        return -1;
    /* bind of a bound device */
    if (testWrite(t, "bus/pci/drivers/iavf/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, "iavf") < 0)
        return -1;
    if (testWriteDev(t, VF0, "driver/unbind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0)
        return -1;
    /* the wrong native driver, and vfio-pci without driver_override */
    if (testWrite(t, "bus/pci/drivers/i40e/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testCheckFile(t, "bus/pci/drivers/i40e/bind", "") < 0 ||
        testWrite(t, "bus/pci/drivers/vfio-pci/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testCheckExists(t, true, "vfio/825", false) < 0 ||
        testCheckLog(t, "bind " VF0 " to vfio-pci: refused: vfio-pci does not take this device and driver_override is unset") < 0)
        return -1;
    /* an override other than the driver */
    if (testWriteDev(t, VF0, "driver_override", "pci-stub") < 0 ||
        testWrite(t, "bus/pci/drivers/vfio-pci/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testWrite(t, "bus/pci/drivers/iavf/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0)
        return -1;
    /* an unknown device */
    if (testWrite(t, "bus/pci/drivers_probe", "0000:09:00.0") < 0 ||
        testCheckLog(t, "drivers_probe 0000:09:00.0: refused: no such device") < 0)
        return -1;
    /* the override's driver through bind, then the native one again */
    if (testWrite(t, "bus/pci/drivers/pci-stub/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, "pci-stub") < 0 ||
        testCheckExists(t, true, "vfio/825", false) < 0 ||
        testWrite(t, "bus/pci/drivers/pci-stub/unbind", VF0) < 0 ||
        testWriteDev(t, VF0, "driver_override", "") < 0 ||
        testWrite(t, "bus/pci/drivers/iavf/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, "iavf") < 0)
        return -1;
    return 0;
}

/* a foreign device in a VF's group: both links, its own driver */
static int
testForeign(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("foreign");
    g_autofree char *foreign = NULL;
    g_autofree char *again = NULL;
    g_autofree char *link = NULL;
    g_autofree char *back = NULL;

    if (!t)
        return -1;
    if (!(foreign = virSRIOVSimForeign(t->sys, VF0)) ||
        !(again = virSRIOVSimForeign(t->sys, VF0))) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (STRNEQ(foreign, "0000:f0:00.0") || STRNEQ(again, foreign)) {
        printf("#   foreign devices %s, %s, expected 0000:f0:00.0 twice\n", foreign, again);
        return -1;
    }
    link = g_strdup_printf("bus/pci/devices/%s/iommu_group/devices/" VF0, foreign);
    back = g_strdup_printf("kernel/iommu_groups/825/devices/%s/vendor", foreign);
    if (virSRIOVSimGroupOf(t->sys, foreign) != VF0_GROUP ||
        testCheckExists(t, false, link, true) < 0 ||
        testCheckExists(t, false, back, true) < 0 ||
        testCheckDriver(t, foreign, "e1000e") < 0 ||
        testCheckDriver(t, VF0, "iavf") < 0)
        return -1;
    g_free(link);
    link = g_strdup_printf("bus/pci/devices/%s/device", foreign);
    if (testCheckFile(t, link, "0x10d3\n") < 0)
        return -1;
    /* the server watches a device made after it started */
    g_free(link);
    link = g_strdup_printf("bus/pci/devices/%s/driver/unbind", foreign);
    if (testWrite(t, link, foreign) < 0 || testCheckDriver(t, foreign, NULL) < 0 ||
        testWriteDev(t, foreign, "driver_override", "vfio-pci") < 0 ||
        testWrite(t, "bus/pci/drivers_probe", foreign) < 0 ||
        testCheckDriver(t, foreign, "vfio-pci") < 0 ||
        testCheckExists(t, true, "vfio/825", true) < 0)
        return -1;
    /* the group's node stays while one of its devices is on vfio-pci */
    if (testWriteDev(t, VF0, "driver/unbind", VF0) < 0 ||
        testWriteDev(t, VF0, "driver_override", "vfio-pci") < 0 ||
        testWrite(t, "bus/pci/drivers_probe", VF0) < 0 ||
        testWrite(t, "bus/pci/drivers/vfio-pci/unbind", foreign) < 0 ||
        testCheckExists(t, true, "vfio/825", true) < 0 ||
        testWrite(t, "bus/pci/drivers/vfio-pci/unbind", VF0) < 0 ||
        testCheckExists(t, true, "vfio/825", false) < 0)
        return -1;
    return 0;
}

/* making the host again keeps a VF where it was moved */
static int
testRerun(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("rerun");

    if (!t)
        return -1;
    if (testWriteDev(t, VF0, "driver/unbind", VF0) < 0 ||
        testWriteDev(t, VF0, "driver_override", "vfio-pci") < 0 ||
        testWrite(t, "bus/pci/drivers_probe", VF0) < 0 ||
        testCheckDriver(t, VF0, "vfio-pci") < 0 ||
        testWriteDev(t, VF1, "driver/unbind", VF1) < 0 ||
        testCheckDriver(t, VF1, NULL) < 0)
        return -1;
    if (testMakePF(t) < 0)
        return -1;
    if (testCheckDriver(t, VF0, "vfio-pci") < 0 ||
        testCheckFile(t, "bus/pci/devices/" VF0 "/driver_override", "vfio-pci\n") < 0 ||
        testCheckExists(t, true, "vfio/825", true) < 0 ||
        testCheckDriver(t, VF1, NULL) < 0 ||
        virSRIOVSimGroupOf(t->sys, VF0) != VF0_GROUP)
        return -1;
    return 0;
}

/* SIM/fail-bind: binds and probes of a listed device are refused */
static int
testFailBind(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("failbind");
    g_autofree char *knob = NULL;

    if (!t)
        return -1;
    knob = g_build_filename(t->sim, "fail-bind", NULL);
    if (virFileWriteStrAtomic(knob, VF1 "\n" VF0 "\n", 0644) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testWriteDev(t, VF0, "driver/unbind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testWriteDev(t, VF0, "driver_override", "vfio-pci") < 0 ||
        testWrite(t, "bus/pci/drivers_probe", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testCheckExists(t, true, "vfio/825", false) < 0 ||
        testCheckLog(t, "drivers_probe " VF0 ": refused: in fail-bind") < 0 ||
        testWrite(t, "bus/pci/drivers/vfio-pci/bind", VF0) < 0 ||
        testCheckDriver(t, VF0, NULL) < 0 ||
        testCheckLog(t, "bind " VF0 " to vfio-pci: refused: in fail-bind") < 0)
        return -1;
    /* the knob is read at each write */
    if (unlink(knob) < 0) {
        printf("#   cannot remove %s\n", knob);
        return -1;
    }
    if (testWrite(t, "bus/pci/drivers_probe", VF0) < 0 ||
        testCheckDriver(t, VF0, "vfio-pci") < 0)
        return -1;
    return 0;
}

/* a server stops by itself when its host is removed */
static int
testRemoved(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(testSim) t = testSimNew("removed");
    g_autoptr(GError) err = NULL;
    g_autofree char *root = NULL;

    if (!t)
        return -1;
    root = g_path_get_dirname(t->sim);
    if (virFileDeleteTree(root) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (virSRIOVSimServerWaitStopped(t->srv, &err) < 0) {
        printf("#   %s\n", err->message);
        return -1;
    }
    if (virSRIOVSimServerSettle(t->srv, &err) == 0) {
        printf("#   a server of a removed host settled\n");
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;
    int ret = 0;

    if (!(tmpdir = g_dir_make_tmp("virsriovsimtest-XXXXXX", &gerr))) {
        printf("Bail out! cannot make a temp dir: %s\n", gerr->message);
        return -1;
    }

    virTestRun("the tree has IDs, drivers and IOMMU groups as the kernel's", testLayout, NULL);
    virTestRun("a VF goes iavf -> vfio-pci -> iavf through the files", testRoundTrip, NULL);
    virTestRun("binds the kernel would refuse change nothing", testRefused, NULL);
    virTestRun("a foreign device shares a VF's IOMMU group", testForeign, NULL);
    virTestRun("making the host again keeps a VF on vfio-pci", testRerun, NULL);
    virTestRun("fail-bind makes binds of a device fail", testFailBind, NULL);
    virTestRun("the server stops when its host is removed", testRemoved, NULL);

    if (virFileDeleteTree(tmpdir) < 0) {
        printf("# cannot remove %s: %s\n", tmpdir, virGetLastErrorMessage());
        ret = -1;
    }
    g_free(tmpdir);
    return ret;
}

VIR_TEST_MAIN(mymain)
