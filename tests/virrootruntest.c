/*
 * virrootruntest.c: a root's run/ linked into a tmpfs (virrootrun.h)
 *
 * A root without run/ gets a link to the target, which is made; a link
 * stays as it is, even to nothing; a directory whose autostart markers
 * all name an earlier boot is replaced by the link and removed; one with
 * a marker of this boot, or with no marker, stays on the disk with what
 * it holds; a removal cut short is finished; a regular file is an error.
 */
#include "internal.h"

#include <sys/stat.h>

#include "hypervisor/virautostart.h"
#include "hypervisor/virrootrun.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

#define TEST_BOOT_ID_FILE "/proc/sys/kernel/random/boot_id"
#define TEST_EARLIER_BOOT "00000000-0000-0000-0000-000000000000"

static char *dir;
static char *thisBoot;
static unsigned int serial;

typedef struct {
    char *root;
    char *run;
    char *target;
} testRoot;

static void
testRootClear(testRoot *t)
{
    g_free(t->root);
    g_free(t->run);
    g_free(t->target);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(testRoot, testRootClear);

/* A fresh root, and a target (under a parent that does not exist yet). */
static int
testRootInit(testRoot *t)
{
    unsigned int n = ++serial;

    t->root = g_strdup_printf("%s/root%u", dir, n);
    t->run = g_build_filename(t->root, "run", NULL);
    t->target = g_strdup_printf("%s/tmpfs%u/libvirt/virtqemud", dir, n);
    if (mkdir(t->root, 0755) < 0) {
        printf("# cannot make %s\n", t->root);
        return -1;
    }
    return 0;
}

/* ROOT/run/DRIVER/autostarted holding @boot (NULL: no marker), and a
 * status file beside it, which must survive exactly when run/ stays. */
static int
testPlantMarker(const testRoot *t, const char *driver, const char *boot)
{
    g_autofree char *ddir = g_build_filename(t->run, driver, NULL);
    g_autofree char *marker = g_build_filename(ddir, VIR_AUTOSTART_MARKER, NULL);
    g_autofree char *status = g_build_filename(ddir, "g1.xml", NULL);

    if (g_mkdir_with_parents(ddir, 0700) < 0 ||
        (boot && !g_file_set_contents(marker, boot, -1, NULL)) ||
        !g_file_set_contents(status, "<domstatus/>", -1, NULL)) {
        printf("# cannot plant %s\n", status);
        return -1;
    }
    return 0;
}

static int
testIsLinkTo(const testRoot *t)
{
    g_autofree char *to = g_file_read_link(t->run, NULL);
    g_autofree char *old = g_build_filename(t->root, "run.earlier-boot", NULL);
    struct stat sb;

    if (!to || STRNEQ(to, t->target)) {
        printf("# %s links to '%s', not to %s\n", t->run, NULLSTR(to), t->target);
        return -1;
    }
    if (stat(t->target, &sb) < 0 || !S_ISDIR(sb.st_mode) || (sb.st_mode & 07777) != 0755) {
        printf("# %s is not a directory of mode 0755\n", t->target);
        return -1;
    }
    if (lstat(old, &sb) == 0) {
        printf("# %s is left\n", old);
        return -1;
    }
    return 0;
}

/* run/ is still a directory holding DRIVER's status file */
static int
testKept(const testRoot *t, const char *driver)
{
    g_autofree char *status = g_build_filename(t->run, driver, "g1.xml", NULL);
    struct stat sb;

    if (lstat(t->run, &sb) < 0 || !S_ISDIR(sb.st_mode) || !virFileExists(status)) {
        printf("# %s is not kept as it was\n", t->run);
        return -1;
    }
    if (virFileExists(t->target)) {
        printf("# %s was made\n", t->target);
        return -1;
    }
    return 0;
}

static int
testRunLink(const testRoot *t, int want)
{
    int rc = virRootRunLink(t->root, t->target);

    if (rc != want) {
        printf("# virRootRunLink: %d, not %d (%s)\n", rc, want,
               rc < 0 ? virGetLastErrorMessage() : "no error");
        virResetLastError();
        return -1;
    }
    return 0;
}

static int
testNoRun(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };

    if (testRootInit(&t) < 0 || testRunLink(&t, 0) < 0 || testIsLinkTo(&t) < 0)
        return -1;
    /* again: nothing changes */
    return testRunLink(&t, 0) < 0 ? -1 : testIsLinkTo(&t);
}

static int
testLinkStays(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };
    g_autofree char *elsewhere = NULL;
    g_autofree char *to = NULL;

    if (testRootInit(&t) < 0)
        return -1;
    elsewhere = g_build_filename(t.root, "gone", NULL);
    if (symlink(elsewhere, t.run) < 0 || testRunLink(&t, 0) < 0)
        return -1;
    to = g_file_read_link(t.run, NULL);
    if (!to || STRNEQ(to, elsewhere) || virFileExists(elsewhere) || virFileExists(t.target)) {
        printf("# the link was changed: '%s'\n", NULLSTR(to));
        return -1;
    }
    return 0;
}

static int
testEarlierBoot(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };

    if (testRootInit(&t) < 0 ||
        testPlantMarker(&t, "qemu", TEST_EARLIER_BOOT "\n") < 0 ||
        testPlantMarker(&t, "network", TEST_EARLIER_BOOT) < 0 ||
        testRunLink(&t, 0) < 0 || testIsLinkTo(&t) < 0)
        return -1;
    {
        g_autofree char *status = g_build_filename(t.run, "qemu", "g1.xml", NULL);

        if (virFileExists(status)) {
            printf("# the earlier boot's %s is still there\n", status);
            return -1;
        }
    }
    return 0;
}

/* a marker of this boot among others of an earlier one: guests may run */
static int
testThisBoot(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };

    if (testRootInit(&t) < 0 ||
        testPlantMarker(&t, "network", TEST_EARLIER_BOOT) < 0 ||
        testPlantMarker(&t, "qemu", thisBoot) < 0 ||
        testRunLink(&t, 1) < 0)
        return -1;
    return testKept(&t, "qemu");
}

/* no marker at all: which boot it is from is unknown */
static int
testNoMarker(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };

    if (testRootInit(&t) < 0 || testPlantMarker(&t, "qemu", NULL) < 0 ||
        testRunLink(&t, 1) < 0)
        return -1;
    return testKept(&t, "qemu");
}

/* the earlier boot's run/ moved aside, its removal cut short: finished */
static int
testRemovalFinished(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };
    g_autofree char *old = NULL;
    g_autofree char *inold = NULL;

    if (testRootInit(&t) < 0)
        return -1;
    old = g_build_filename(t.root, "run.earlier-boot", NULL);
    inold = g_build_filename(old, "qemu", NULL);
    if (g_mkdir_with_parents(inold, 0700) < 0)
        return -1;
    if (testRunLink(&t, 0) < 0)
        return -1;
    return testIsLinkTo(&t);
}

static int
testRegularFile(const void *data G_GNUC_UNUSED)
{
    g_auto(testRoot) t = { 0 };

    if (testRootInit(&t) < 0 || !g_file_set_contents(t.run, "", -1, NULL))
        return -1;
    if (virRootRunLink(t.root, t.target) != -1) {
        printf("# a regular file run: no error\n");
        return -1;
    }
    return virTestExpectError("virRootRunLink", "is neither a directory nor a symbolic link");
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(TEST_BOOT_ID_FILE, &thisBoot, NULL, NULL)) {
        printf("1..0 # SKIP the kernel has no boot id\n");
        return 0;
    }
    g_strstrip(thisBoot);
    if (!(dir = g_dir_make_tmp("virrootruntest.XXXXXX", &gerr))) {
        printf("# cannot make a directory: %s\n", gerr->message);
        return -1;
    }
    virTestRun("no run/: a link to the target, which is made", testNoRun, NULL);
    virTestRun("a link stays, wherever it points", testLinkStays, NULL);
    virTestRun("an earlier boot's run/: replaced by the link, removed", testEarlierBoot, NULL);
    virTestRun("a marker of this boot: run/ stays on the disk", testThisBoot, NULL);
    virTestRun("no marker: run/ stays on the disk", testNoMarker, NULL);
    virTestRun("a removal cut short is finished", testRemovalFinished, NULL);
    virTestRun("a regular file run is an error", testRegularFile, NULL);
    virFileDeleteTree(dir);
    g_free(dir);
    g_free(thisBoot);
    return 0;
}

VIR_TEST_MAIN(mymain)
