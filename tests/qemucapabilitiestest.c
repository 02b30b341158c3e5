/*
 * qemucapabilitiestest.c: capabilities probe replayed from recordings
 *
 * Each tests/qemucapabilitiesdata/caps_VERSION.ARCH.replies is served by a
 * fake QEMU to the real QMP client and probe; the capabilities found are
 * formatted and compared with caps_VERSION.ARCH.xml. Host-specific values
 * (binary ctime and size, our build id, the KVM decision) are fixed so the
 * result depends on the recording only.
 */
#include "internal.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "qemu/qemu_capabilities.h"
#include "qemumonitortestutils.h"
#include "testutils.h"
#include "virerror.h"

static int
testCaps(const void *opaque)
{
    const char *base = opaque;
    g_autofree char *replies = g_strdup_printf("%s/tests/qemucapabilitiesdata/%s.replies",
                                               ABS_SRCDIR, base);
    g_autofree char *golden = g_strdup_printf("%s/tests/qemucapabilitiesdata/%s.xml",
                                              ABS_SRCDIR, base);
    g_autoptr(virQEMUCaps) caps = g_new0(virQEMUCaps, 1);
    g_autofree char *xml = NULL;
    qemuMonitorTest *test;
    qemuMonitor *mon = NULL;
    int clientfd;
    int ret = -1;

    if (!(test = qemuMonitorTestNewReplay(replies, &clientfd)))
        return -1;
    if (!(mon = qemuMonitorOpenFD(clientfd, NULL, 5000)))
        goto cleanup;
    if (virQEMUCapsProbeQMP(caps, mon) < 0)
        goto cleanup;
    if (qemuMonitorTestError(test)) {
        printf("#   %s\n", qemuMonitorTestError(test));
        goto cleanup;
    }
    /* a real recording: the greeting is QEMU's own */
    if (qemuMonitorGetVersion(mon) != caps->version) {
        printf("#   greeting says version %lu, query-version %lu\n",
               qemuMonitorGetVersion(mon), caps->version);
        goto cleanup;
    }
    caps->binary = g_strdup("/usr/bin/qemu-system-x86_64");
    caps->selfvers = g_strdup("test");
    xml = virQEMUCapsFormatCache(caps);
    ret = virTestCompareToFile(xml, golden);

    /* the cache format reads back to the same capabilities */
    if (ret == 0) {
        g_autoptr(virQEMUCaps) again = virQEMUCapsParseCache(xml);
        g_autofree char *xml2 = again ? virQEMUCapsFormatCache(again) : NULL;

        if (!xml2 || STRNEQ(xml, xml2)) {
            printf("#   cache format does not round-trip\n");
            ret = -1;
        }
    }

 cleanup:
    qemuMonitorClose(mon);
    qemuMonitorTestFree(test);
    return ret;
}

static int
testTeamingNeedsFailover(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *golden = g_strdup_printf("%s/tests/qemucapabilitiesdata/caps_4.1.0.x86_64.xml",
                                              ABS_SRCDIR);
    g_autofree char *xml = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;

    if (!g_file_get_contents(golden, &xml, NULL, NULL) ||
        !(caps = virQEMUCapsParseCache(xml)))
        return -1;
    if (virQEMUCapsValidateTeaming(caps, true) == 0)
        return -1;
    if (!strstr(virGetLastErrorMessage(), "QEMU 4.1.0") ||
        !strstr(virGetLastErrorMessage(), "/usr/bin/qemu-system-x86_64"))
        return -1;
    virResetLastError();
    return 0;
}

/* No child left behind: neither running nor a zombie. */
static bool
testNoChildren(void)
{
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

/* An "emulator" that refuses to start: the probe fails at once (not after
 * its timeout), says why, and reaps the process. */
static int
testProbeEarlyExit(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("qemucapstest-XXXXXX", NULL);
    g_autofree char *bin = dir ? g_build_filename(dir, "qemu-system-x86_64", NULL) : NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    const char *script = "#!/bin/sh\necho 'qemu: fatal: cannot start today' >&2\nexit 3\n";
    gint64 t0;
    int ret = -1;

    if (!bin || !g_file_set_contents(bin, script, -1, NULL) || chmod(bin, 0700) < 0)
        goto cleanup;
    t0 = g_get_monotonic_time();
    if ((caps = virQEMUCapsNewForBinary(bin, NULL)))
        goto cleanup;
    if (g_get_monotonic_time() - t0 > 3 * G_USEC_PER_SEC) {
        printf("#   the probe waited for its timeout\n");
        goto cleanup;
    }
    if (!strstr(virGetLastErrorMessage(), "exited with status 3") ||
        !strstr(virGetLastErrorMessage(), "cannot start today") ||
        !strstr(virGetLastErrorMessage(), bin))
        goto cleanup;
    if (!testNoChildren()) {
        printf("#   the probe process was not reaped\n");
        goto cleanup;
    }
    virResetLastError();
    ret = 0;
 cleanup:
    if (bin)
        unlink(bin);
    if (dir)
        rmdir(dir);
    return ret;
}

/* The KVM decision on fake /dev/kvm, kvm_pvm and /proc/cpuinfo. */
static int
testKVMUsable(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = g_dir_make_tmp("qemucapstest-XXXXXX", NULL);
    g_autofree char *kvm = g_build_filename(dir, "kvm", NULL);
    g_autofree char *pvm = g_build_filename(dir, "kvm_pvm", NULL);
    g_autofree char *cpuinfo = g_build_filename(dir, "cpuinfo", NULL);
    g_autofree char *nothing = g_build_filename(dir, "nothing", NULL);
    const char *novirt = "processor\t: 0\nflags\t\t: fpu vme de pse hypervisor vmxnet svm_lock\n";
    const char *vmx = "processor\t: 0\nflags\t\t: fpu vme vmx hypervisor\nvmx flags\t: vnmi\n";
    int ret = -1;

    if (!g_file_set_contents(kvm, "", 0, NULL) ||
        !g_file_set_contents(cpuinfo, novirt, -1, NULL))
        goto cleanup;
    /* no /dev/kvm */
    if (virQEMUCapsKVMUsableAt(-1, nothing, pvm, cpuinfo) ||
        !virQEMUCapsKVMUsableAt(1, nothing, pvm, cpuinfo))
        goto cleanup;
    /* /dev/kvm of a real KVM (no kvm_pvm) */
    if (!virQEMUCapsKVMUsableAt(-1, kvm, pvm, cpuinfo) ||
        virQEMUCapsKVMUsableAt(0, kvm, pvm, cpuinfo))
        goto cleanup;
    /* paravirtual KVM without vmx/svm: hangs guests (words that only
     * contain "vmx" or "svm" do not count) */
    if (mkdir(pvm, 0700) < 0 ||
        virQEMUCapsKVMUsableAt(-1, kvm, pvm, cpuinfo) ||
        !virQEMUCapsKVMUsableAt(1, kvm, pvm, cpuinfo))
        goto cleanup;
    /* paravirtual KVM with hardware virtualisation */
    if (!g_file_set_contents(cpuinfo, vmx, -1, NULL) ||
        !virQEMUCapsKVMUsableAt(-1, kvm, pvm, cpuinfo))
        goto cleanup;
    ret = 0;
 cleanup:
    unlink(kvm);
    unlink(cpuinfo);
    rmdir(pvm);
    rmdir(dir);
    return ret;
}

static int
mymain(void)
{
    virTestRun("caps 7.2.0", testCaps, "caps_7.2.0.x86_64");
    virTestRun("caps 4.1.0 (no failover, no JSON -device)", testCaps, "caps_4.1.0.x86_64");
    virTestRun("teaming rejected without failover", testTeamingNeedsFailover, NULL);
    virTestRun("probe of an emulator that exits at once", testProbeEarlyExit, NULL);
    virTestRun("KVM usability decision", testKVMUsable, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
