/*
 * virhostdevbindtest.c: managed and unmanaged VFs handed to vfio-pci and
 * back (hypervisor/virhostdev_bind.h), on a simulated host whose server
 * gives sysfs writes the kernel's effects (tools/virsriovsimserver.h).
 * Each case has its own host TMP/CASE/sim: the PF pf0 (0000:03:00.0,
 * on i40e) with VFs 0000:03:07.1 and .2 (on iavf), each in its own IOMMU
 * group, and the state directory TMP/CASE/run.
 */
#include "internal.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hypervisor/virhostdev_bind.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "viriommugroup.h"
#include "virpcidriver.h"
#include "tools/virsriovsim.h"
#include "tools/virsriovsimserver.h"

#define VF0 "0000:03:07.1"
#define VF1 "0000:03:07.2"

static char *tmpdir;

typedef struct {
    char *sim;
    char *sys;
    char *dev;
    char *run;
    virHostdevBindContext ctx;
    virPCIDeviceAddress vf0;
    virSRIOVSimServer *server;
} testFixture;

static void
testFixtureFree(testFixture *fix)
{
    if (!fix)
        return;
    virSRIOVSimServerStop(fix->server);
    g_free(fix->sim);
    g_free(fix->sys);
    g_free(fix->dev);
    g_free(fix->run);
    g_free(fix);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testFixture, testFixtureFree);

/* The host of case @name, its server running when @serve. */
static testFixture *
testSetup(const char *name, bool serve)
{
    g_autoptr(testFixture) fix = g_new0(testFixture, 1);
    g_autoptr(GError) gerr = NULL;

    fix->sim = g_build_filename(tmpdir, name, "sim", NULL);
    fix->sys = g_build_filename(fix->sim, "sys", NULL);
    fix->dev = g_build_filename(fix->sim, "dev", NULL);
    fix->run = g_build_filename(tmpdir, name, "run", NULL);
    fix->ctx.sysfsRoot = fix->sys;
    fix->ctx.devfsRoot = fix->dev;
    fix->ctx.stateDir = fix->run;
    if (virSRIOVSimPF(fix->sys, "pf0", 3, 2, 2) < 0 ||
        virPCIDeviceAddressParse(VF0, &fix->vf0) < 0) {
        printf("#   cannot make the simulated host: %s\n", virGetLastErrorMessage());
        return NULL;
    }
    if (serve && !(fix->server = virSRIOVSimServerStart(fix->sim, &gerr))) {
        printf("#   cannot start the simulated host's server: %s\n", gerr->message);
        return NULL;
    }
    return g_steal_pointer(&fix);
}

/* @addr is on @driver (NULL: none) with no driver_override, and
 * DEV/vfio/N of its group exists exactly when @driver is vfio-pci */
static int
testOn(testFixture *fix, const char *addr, const char *driver)
{
    g_autofree char *cur = virSRIOVSimDriverOf(fix->sys, addr);
    g_autofree char *override = virSRIOVSimDriverOverride(fix->sys, addr);
    g_autofree char *group = g_strdup_printf("%d", virSRIOVSimGroupOf(fix->sys, addr));
    g_autofree char *node = g_build_filename(fix->dev, "vfio", group, NULL);

    if (STRNEQ_NULLABLE(cur, driver)) {
        printf("#   %s is on %s, not on %s\n", addr, NULLSTR(cur), NULLSTR(driver));
        return -1;
    }
    if (override) {
        printf("#   %s has driver_override '%s' left\n", addr, override);
        return -1;
    }
    if (virFileExists(node) != STREQ_NULLABLE(driver, "vfio-pci")) {
        printf("#   %s %s\n", node, virFileExists(node) ? "exists" : "is missing");
        return -1;
    }
    return 0;
}

/* the record of @addr holds @driver ("-": none, NULL: no record) */
static int
testRecord(testFixture *fix, const char *addr, const char *driver)
{
    virPCIDeviceAddress dev;
    g_autofree char *orig = NULL;
    int rc;

    if (virPCIDeviceAddressParse(addr, &dev) < 0 ||
        (rc = virHostdevBindGetOriginal(&fix->ctx, &dev, &orig)) < 0) {
        printf("#   cannot read the record of %s: %s\n", addr, virGetLastErrorMessage());
        return -1;
    }
    if (!driver ? rc != 0 :
        rc != 1 || STRNEQ(orig ? orig : "-", driver)) {
        printf("#   record of %s: %s (%s), expected %s\n", addr,
               rc ? "present" : "none", NULLSTR(orig), NULLSTR(driver));
        return -1;
    }
    return 0;
}

static int
testManaged(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("managed", true);
    g_autofree char *cur = NULL;

    if (!fix)
        return -1;
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, true) < 0) {
        printf("#   for the guest: %s\n", virGetLastErrorMessage());
        return -1;
    }
    /* driver_override stays set while on vfio-pci (as the kernel keeps
     * it): the driver is checked by hand */
    cur = virSRIOVSimDriverOf(fix->sys, VF0);
    if (STRNEQ_NULLABLE(cur, "vfio-pci")) {
        printf("#   %s is on %s, not on vfio-pci\n", VF0, NULLSTR(cur));
        return -1;
    }
    if (
        testRecord(fix, VF0, "iavf") < 0 || testOn(fix, VF1, "iavf") < 0)
        return -1;
    if (virHostdevBindRestore(&fix->ctx, &fix->vf0) < 0) {
        printf("#   back: %s\n", virGetLastErrorMessage());
        return -1;
    }
    return testOn(fix, VF0, "iavf") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

static int
testPrebound(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("prebound", true);

    if (!fix || virSRIOVSimBind(fix->sys, VF0, "vfio-pci") < 0)
        return -1;
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, true) < 0) {
        printf("#   for the guest: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testRecord(fix, VF0, "vfio-pci") < 0)
        return -1;
    if (virHostdevBindRestore(&fix->ctx, &fix->vf0) < 0) {
        printf("#   back: %s\n", virGetLastErrorMessage());
        return -1;
    }
    return testOn(fix, VF0, "vfio-pci") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

static int
testUnmanagedRefused(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("unmanaged-iavf", true);

    if (!fix)
        return -1;
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, false) == 0) {
        printf("#   an unmanaged VF on iavf was accepted\n");
        return -1;
    }
    if (virTestExpectError("unmanaged on iavf", "is managed='no' but bound to iavf") < 0)
        return -1;
    return testOn(fix, VF0, "iavf") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

static int
testUnmanaged(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("unmanaged-vfio", true);

    if (!fix || virSRIOVSimBind(fix->sys, VF0, "vfio-pci") < 0)
        return -1;
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, false) < 0) {
        printf("#   for the guest: %s\n", virGetLastErrorMessage());
        return -1;
    }
    return testOn(fix, VF0, "vfio-pci") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

static int
testGroupNotViable(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("group", true);
    g_autofree char *foreign = NULL;
    g_autofree char *want = NULL;

    if (!fix || !(foreign = virSRIOVSimForeign(fix->sys, VF0)))
        return -1;
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, true) == 0) {
        printf("#   a VF sharing its group with a device on e1000e was accepted\n");
        return -1;
    }
    want = g_strdup_printf("device %s of the same group is used by the host driver e1000e",
                           foreign);
    if (virTestExpectError("group not viable", want) < 0)
        return -1;
    return testOn(fix, VF0, "iavf") < 0 || testOn(fix, foreign, "e1000e") < 0 ||
           testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

/* The unbind cannot be written (a directory stands for the attribute:
 * root ignores file modes): nothing is left moved. */
static int
testUnbindFails(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("unbind-fails", true);
    g_autofree char *unbind = NULL;

    if (!fix)
        return -1;
    unbind = g_build_filename(fix->sys, "bus", "pci", "drivers", "iavf", "unbind", NULL);
    if (unlink(unbind) < 0 || g_mkdir(unbind, 0700) < 0) {
        printf("#   cannot replace %s\n", unbind);
        return -1;
    }
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, true) == 0) {
        printf("#   a bind whose unbind failed was accepted\n");
        return -1;
    }
    if (virTestExpectError("unbind fails", unbind) < 0)
        return -1;
    return testOn(fix, VF0, "iavf") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

/* A process SIGKILLed between unbind and bind (its probe for vfio-pci is
 * refused, so it waits there): the record lets the next one undo it. */
static int
testCrash(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("crash", true);
    g_autofree char *failBind = NULL;
    g_autofree char *log = NULL;
    pid_t child;
    int i;

    if (!fix)
        return -1;
    failBind = g_build_filename(fix->sim, "fail-bind", NULL);
    log = g_build_filename(fix->sim, "serve.log", NULL);
    if (virFileWriteStrAtomic(failBind, VF0 "\n", 0644) < 0)
        return -1;
    if ((child = fork()) < 0)
        return -1;
    if (child == 0) {
        virHostdevBindForGuest(&fix->ctx, &fix->vf0, true);
        _exit(0);
    }
    /* until the server refused its probe: unbound, override set */
    for (i = 0; i < 1000; i++) {
        g_autofree char *text = NULL;

        if (g_file_get_contents(log, &text, NULL, NULL) &&
            strstr(text, "drivers_probe " VF0 ": refused"))
            break;
        g_usleep(10 * 1000);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (i == 1000) {
        printf("#   the child never probed %s\n", VF0);
        return -1;
    }
    unlink(failBind);
    {
        g_autofree char *cur = virSRIOVSimDriverOf(fix->sys, VF0);

        if (cur) {
            printf("#   killed between unbind and bind, %s is on %s\n", VF0, cur);
            return -1;
        }
    }
    if (testRecord(fix, VF0, "iavf") < 0)
        return -1;
    /* what a reconcile does with a record nobody holds */
    if (virHostdevBindRestore(&fix->ctx, &fix->vf0) < 0) {
        printf("#   undo: %s\n", virGetLastErrorMessage());
        return -1;
    }
    return testOn(fix, VF0, "iavf") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

/* nodedev-detach then nodedev-reattach: whatever driver takes it back */
static int
testReattachAny(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("reattach", true);

    if (!fix)
        return -1;
    if (virPCIDeviceBindToStub(fix->sys, &fix->vf0, VIR_PCI_STUB_VFIO) < 0 ||
        virPCIDeviceUnbindFromStub(fix->sys, &fix->vf0, VIR_PCI_STUB_VFIO,
                                   VIR_PCI_DRIVER_ANY) < 0) {
        printf("#   detach and reattach: %s\n", virGetLastErrorMessage());
        return -1;
    }
    return testOn(fix, VF0, "iavf");
}

static int
testNoVFIODriver(const void *data G_GNUC_UNUSED)
{
    g_autoptr(testFixture) fix = testSetup("no-vfio", true);
    g_autofree char *drv = NULL;

    if (!fix)
        return -1;
    drv = g_build_filename(fix->sys, "bus", "pci", "drivers", "vfio-pci", NULL);
    if (virFileDeleteTree(drv) < 0)
        return -1;
    if (virHostdevBindForGuest(&fix->ctx, &fix->vf0, true) == 0) {
        printf("#   a bind without vfio-pci loaded was accepted\n");
        return -1;
    }
    if (virTestExpectError("no vfio-pci", "modprobe vfio-pci") < 0)
        return -1;
    return testOn(fix, VF0, "iavf") < 0 || testRecord(fix, VF0, NULL) < 0 ? -1 : 0;
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;
    int ret = 0;

    if (!(tmpdir = g_dir_make_tmp("virhostdevbindtest-XXXXXX", &gerr))) {
        printf("Bail out! cannot make a temp dir: %s\n", gerr->message);
        return -1;
    }

    virTestRun("managed: iavf -> vfio-pci -> iavf, recorded meanwhile", testManaged, NULL);
    virTestRun("managed, on vfio-pci before: stays there", testPrebound, NULL);
    virTestRun("managed='no' on iavf is refused, nothing moved", testUnmanagedRefused, NULL);
    virTestRun("managed='no' on vfio-pci is used as it is", testUnmanaged, NULL);
    virTestRun("a group with a device of the host is refused naming it",
               testGroupNotViable, NULL);
    virTestRun("an unbind that fails leaves everything as before", testUnbindFails, NULL);
    virTestRun("SIGKILL between unbind and bind: the record undoes it", testCrash, NULL);
    virTestRun("vfio-pci not loaded: refused naming modprobe", testNoVFIODriver, NULL);
    virTestRun("detach, then reattach to whichever driver takes it", testReattachAny, NULL);

    if (virFileDeleteTree(tmpdir) < 0) {
        printf("# cannot remove %s: %s\n", tmpdir, virGetLastErrorMessage());
        ret = -1;
    }
    g_free(tmpdir);
    return ret;
}

VIR_TEST_MAIN(mymain)
