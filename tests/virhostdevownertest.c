/*
 * virhostdevownertest.c: the host-wide record of who holds a PCI device
 * (hypervisor/virhostdev_owner.h), in a temp state directory: taken once,
 * refused naming the holder, released only by the holder, and never given
 * to two of several processes racing for it; the holder of a node device
 * detach or reattach.
 */
#include "internal.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "hypervisor/virhostdev_owner.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"

static char *tmpdir;

static const virPCIDeviceAddress vf1 = { 0, 3, 7, 1, false };

static void
testQuietError(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

/* A fresh state directory for case @name (not created: the first record
 * creates it). */
static char *
testStateDir(const char *name)
{
    return g_build_filename(tmpdir, name, "run", "hostdev", NULL);
}

static int
testAcquireRelease(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = testStateDir("acquire");
    g_autofree char *path = g_build_filename(dir, "0000:03:07.1.owner", NULL);
    g_autoptr(virHostdevOwner) a1 = virHostdevOwnerNew("qemu/U1/1/52:54:00:00:00:01", "a1", "vfpool");
    g_autoptr(virHostdevOwner) h2 = virHostdevOwnerNew("qemu/U2/2/52:54:00:00:00:02", "h2", NULL);
    g_autoptr(virHostdevOwner) got = NULL;
    g_autoptr(virHostdevOwner) current = NULL;
    g_autofree char *data = NULL;
    struct stat sb;

    if (virHostdevOwnerGet(dir, &vf1, &got) != 0) {
        printf("#   a device nobody took is held\n");
        return -1;
    }
    if (virHostdevOwnerAcquire(dir, &vf1, a1) < 0)
        return -1;
    if (virFileReadAll(path, 4096, &data) < 0 || stat(path, &sb) < 0 ||
        STRNEQ(data, "[owner]\nholder=qemu/U1/1/52:54:00:00:00:01\ndomain=a1\nnetwork=vfpool\n") ||
        (sb.st_mode & 0777) != 0600) {
        printf("#   record: mode %o, content:\n%s", sb.st_mode & 0777, NULLSTR(data));
        return -1;
    }
    if (virHostdevOwnerGet(dir, &vf1, &got) != 1 || STRNEQ(got->holder, a1->holder) ||
        STRNEQ(got->domain, "a1") || STRNEQ_NULLABLE(got->network, "vfpool")) {
        printf("#   the record does not read back\n");
        return -1;
    }
    /* a second taker is refused with the holder's name and network */
    if (virHostdevOwnerAcquire(dir, &vf1, h2) == 0 ||
        virTestExpectError("second taker",
                        "PCI device 0000:03:07.1 is in use by domain 'a1' (a VF of network 'vfpool')") < 0)
        return -1;
    if (virHostdevOwnerTryAcquire(dir, &vf1, h2, &current) != 0 || !current ||
        STRNEQ(current->domain, "a1")) {
        printf("#   TryAcquire of a held device did not say who holds it\n");
        return -1;
    }
    /* only the holder releases */
    if (virHostdevOwnerRelease(dir, &vf1, h2->holder) != 0 || !virFileExists(path)) {
        printf("#   h2 released a1's device\n");
        return -1;
    }
    if (virHostdevOwnerRelease(dir, &vf1, a1->holder) != 1 || virFileExists(path) ||
        virHostdevOwnerRelease(dir, &vf1, a1->holder) != 0) {
        printf("#   a1 could not release its device exactly once\n");
        return -1;
    }
    /* free again: h2 takes it, and a1 is named nowhere */
    if (virHostdevOwnerAcquire(dir, &vf1, h2) < 0 ||
        virHostdevOwnerAcquire(dir, &vf1, a1) == 0 ||
        virTestExpectError("after release", "is in use by domain 'h2'; a device goes to one running domain at a time: stop 'h2'") < 0)
        return -1;
    return 0;
}

/* An unreadable record blocks the device (nobody can tell whose it is)
 * and is removed only by a forced release. */
static int
testUnreadable(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = testStateDir("unreadable");
    g_autofree char *path = g_build_filename(dir, "0000:03:07.1.owner", NULL);
    g_autoptr(virHostdevOwner) a1 = virHostdevOwnerNew("qemu/U1/1/hostdev", "a1", NULL);
    g_autoptr(virHostdevOwner) got = NULL;

    if (virFileMakePath(dir, 0700) < 0 || virFileWriteStrRuntime(path, "garbage\n", 0600) < 0)
        return -1;
    if (virHostdevOwnerGet(dir, &vf1, &got) != -1 ||
        virTestExpectError("get", "is unreadable") < 0)
        return -1;
    if (virHostdevOwnerAcquire(dir, &vf1, a1) == 0 ||
        virTestExpectError("acquire", "is unreadable") < 0)
        return -1;
    if (virHostdevOwnerRelease(dir, &vf1, a1->holder) != -1)
        return -1;
    virResetLastError();
    if (virHostdevOwnerRelease(dir, &vf1, NULL) != 1 || virFileExists(path)) {
        printf("#   a forced release left the unreadable record\n");
        return -1;
    }
    return 0;
}

/* The records (and the saved settings next to them) of a directory. */
static int
testList(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = testStateDir("list");
    g_autoptr(virHostdevOwner) a1 = virHostdevOwnerNew("qemu/U1/1/hostdev", "a1", NULL);
    const virPCIDeviceAddress vf2 = { 0, 3, 7, 2, false };
    const char *others[] = { "0000:03:07.2.vf", "0000:03:07.1.owner.AbC123", "junk.owner", ".hidden.owner" };
    g_autofree virPCIDeviceAddress *devs = NULL;
    size_t ndevs = 0;
    size_t i;

    if (virHostdevStateList(dir, ".owner", &devs, &ndevs) < 0 || ndevs != 0) {
        printf("#   a missing directory lists %zu records\n", ndevs);
        return -1;
    }
    if (virHostdevOwnerAcquire(dir, &vf1, a1) < 0)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(others); i++) {
        g_autofree char *path = g_build_filename(dir, others[i], NULL);

        if (virFileWriteStrRuntime(path, "x\n", 0600) < 0)
            return -1;
    }
    g_clear_pointer(&devs, g_free);
    if (virHostdevStateList(dir, ".owner", &devs, &ndevs) < 0 || ndevs != 1 ||
        !virPCIDeviceAddressEqual(&devs[0], &vf1)) {
        printf("#   expected the one record of 0000:03:07.1, got %zu\n", ndevs);
        return -1;
    }
    g_clear_pointer(&devs, g_free);
    if (virHostdevStateList(dir, ".vf", &devs, &ndevs) < 0 || ndevs != 1 ||
        !virPCIDeviceAddressEqual(&devs[0], &vf2)) {
        printf("#   expected the saved settings of 0000:03:07.2, got %zu\n", ndevs);
        return -1;
    }
    return 0;
}

/* Processes racing for one device: exactly one gets it. */
static int
testRace(const void *opaque G_GNUC_UNUSED)
{
    enum { NCHILD = 16 };
    g_autofree char *dir = testStateDir("race");
    pid_t pids[NCHILD];
    int won = 0, lost = 0;
    size_t i;

    for (i = 0; i < NCHILD; i++) {
        if ((pids[i] = fork()) == 0) {
            g_autofree char *holder = g_strdup_printf("qemu/U%zu/1/hostdev", i);
            g_autofree char *name = g_strdup_printf("d%zu", i);
            g_autoptr(virHostdevOwner) me = virHostdevOwnerNew(holder, name, NULL);

            _exit(virHostdevOwnerTryAcquire(dir, &vf1, me, NULL) + 1);
        }
    }
    for (i = 0; i < NCHILD; i++) {
        int status;

        if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status)) {
            printf("#   child %zu failed\n", i);
            return -1;
        }
        switch (WEXITSTATUS(status)) {
        case 2: won++; break;
        case 1: lost++; break;
        default:
            printf("#   child %zu: error\n", i);
            return -1;
        }
    }
    if (won != 1 || lost != NCHILD - 1) {
        printf("#   %d processes got the device, %d were refused\n", won, lost);
        return -1;
    }
    return 0;
}

/* A node device detach or reattach as holder: its format read back,
 * malformed ones not recognised (callers treat them as unknown holders),
 * and a domain refused with a message naming the move, not a domain. */
static int
testNodeDev(const void *opaque G_GNUC_UNUSED)
{
    static const char *const malformed[] = {
        "nodedev/", "nodedev/12", "nodedev/12/", "nodedev//34", "nodedev/-1/34",
        "nodedev/0/34", "nodedev/12/34/5", "nodedev/x/34", "nodedev/12/y",
        "qemu/12/34", "Nodedev/12/34",
    };
    g_autofree char *dir = testStateDir("nodedev");
    virProcessIdentity id = { .pid = 4242, .startTime = 123456789012ULL };
    virProcessIdentity back = { 0 };
    g_autofree char *holder = virHostdevOwnerNodeDevHolder(&id);
    g_autoptr(virHostdevOwner) nodedev = virHostdevOwnerNew(holder, "nodedev 4242", NULL);
    g_autoptr(virHostdevOwner) guest = virHostdevOwnerNew("qemu/x/1/hostdev", "g1", NULL);
    size_t i;

    if (STRNEQ(holder, "nodedev/4242/123456789012") ||
        !virHostdevOwnerIsNodeDev(holder, &back) ||
        back.pid != id.pid || back.startTime != id.startTime ||
        !virHostdevOwnerIsNodeDev(holder, NULL)) {
        printf("#   %s read back as %lld/%llu\n", holder, (long long)back.pid, back.startTime);
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(malformed); i++) {
        if (virHostdevOwnerIsNodeDev(malformed[i], NULL)) {
            printf("#   '%s' taken for a nodedev holder\n", malformed[i]);
            return -1;
        }
    }
    if (virHostdevOwnerAcquire(dir, &vf1, nodedev) < 0)
        return -1;
    if (virHostdevOwnerAcquire(dir, &vf1, guest) == 0 ||
        !strstr(virGetLastErrorMessage(),
                "PCI device 0000:03:07.1 is being moved between host drivers by a node device detach or reattach in progress") ||
        !strstr(virGetLastErrorMessage(), "process 4242")) {
        printf("#   refusal: %s\n", virGetLastErrorMessage());
        return -1;
    }
    virResetLastError();
    if (virHostdevOwnerRelease(dir, &vf1, holder) != 1)
        return -1;
    return 0;
}

static int
mymain(void)
{
    g_autoptr(GError) gerr = NULL;
    int ret = 0;

    virSetErrorFunc(NULL, testQuietError);
    if (!(tmpdir = g_dir_make_tmp("virhostdevownertest-XXXXXX", &gerr))) {
        printf("Bail out! cannot make a temp dir: %s\n", gerr->message);
        return -1;
    }

    if (virTestRun("a device is taken once, refused naming its holder, released by it only",
                   testAcquireRelease, NULL) < 0)
        ret = -1;
    if (virTestRun("an unreadable record blocks the device until a forced release",
                   testUnreadable, NULL) < 0)
        ret = -1;
    if (virTestRun("the records of a directory are listed, nothing else", testList, NULL) < 0)
        ret = -1;
    if (virTestRun("a node device detach or reattach as holder", testNodeDev, NULL) < 0)
        ret = -1;
    if (virTestRun("of processes racing for a device exactly one gets it", testRace, NULL) < 0)
        ret = -1;

    if (virFileDeleteTree(tmpdir) < 0) {
        printf("# cannot remove %s: %s\n", tmpdir, virGetLastErrorMessage());
        ret = -1;
    }
    g_free(tmpdir);
    return ret;
}

VIR_TEST_MAIN(mymain)
