/*
 * qemuinterfacetest.c: the QEMU driver's interface preparation and release
 * on a simulated SR-IOV host (testqemusim.h), without a guest
 *
 * A driver prepares and releases the interface of a domain as start,
 * hot-unplug and stop do (qemu_interface.h). The VF's admin MAC is read
 * from the simulated sysfs: the guest's while the interface is prepared,
 * the VF's own again after release; and a late release of a VF that has
 * been handed to another domain leaves it alone.
 */
#include "internal.h"

#include "qemu/qemu_interface.h"
#include "testqemusim.h"
#include "testutils.h"
#include "virerror.h"

#define VF "0000:03:07.1"

static testQEMUSim *sim;
static virQEMUDriver *driver;
static char *vfOwnMac;

/* A domain with one interface on 'vfpool' with MAC 52:54:00:00:00:@n. */
static virDomainDef *
testDomain(unsigned int n)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>d%u</name>\n"
        "  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-0000000004%02u</uuid>\n"
        "  <memory unit='MiB'>64</memory>\n"
        "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
        "  <devices>\n"
        "    <interface type='network'>\n"
        "      <mac address='52:54:00:00:00:%02u'/>\n"
        "      <source network='vfpool'/>\n"
        "    </interface>\n"
        "  </devices>\n"
        "</domain>\n", n, n, n);
    virDomainDef *def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE);

    if (!def)
        printf("#   cannot parse domain d%u: %s\n", n, virGetLastErrorMessage());
    else
        def->id = (int)n;
    return def;
}

static int
testReleaseRestores(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virDomainDef) def = testDomain(1);

    if (!def)
        return -1;
    if (qemuInterfacePrepare(driver, def, def->nets[0]) < 0) {
        printf("#   prepare: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testQEMUSimCheckVF(sim, "prepared", VF, "52:54:00:00:00:01", 1) < 0)
        return -1;
    /* what a hot-unplug (and a stop) does once QEMU let the device go */
    qemuInterfaceRelease(driver, def, def->nets[0]);
    if (testQEMUSimCheckVF(sim, "released", VF, vfOwnMac, 0) < 0)
        return -1;
    if (def->nets[0]->actual) {
        printf("#   the released interface still records its VF\n");
        return -1;
    }
    return 0;
}

static int
testLateReleaseLeavesNewHolder(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virDomainDef) first = testDomain(2);
    g_autoptr(virDomainDef) second = testDomain(3);
    virPCIDeviceAddress vf;
    int ret = -1;

    if (!first || !second)
        return -1;
    if (qemuInterfacePrepare(driver, first, first->nets[0]) < 0) {
        printf("#   prepare d2: %s\n", virGetLastErrorMessage());
        return -1;
    }
    vf = first->nets[0]->actual->hostdev.source;
    qemuInterfaceRelease(driver, first, first->nets[0]);
    if (qemuInterfacePrepare(driver, second, second->nets[0]) < 0) {
        printf("#   prepare d3: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (testQEMUSimCheckVF(sim, "d3 took the VF d2 gave back", VF, "52:54:00:00:00:03", 1) < 0)
        goto cleanup;
    /* d2 releases again, naming its old VF (a stale status, a repeated
     * cleanup): d3's MAC stays and the VF stays taken */
    virDomainNetSetActualHostdev(first, first->nets[0], &vf, true);
    qemuInterfaceRelease(driver, first, first->nets[0]);
    if (testQEMUSimCheckVF(sim, "after d2 released its VF again", VF, "52:54:00:00:00:03", 1) < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    qemuInterfaceRelease(driver, second, second->nets[0]);
    return ret;
}

static int
mymain(void)
{
    if (!(sim = testQEMUSimNew(2)))
        return -1;
    driver = sim->driver;
    vfOwnMac = testQEMUSimVFMac(sim, VF);
    virTestRun("a VF released at runtime gets its own MAC back", testReleaseRestores, NULL);
    virTestRun("a late release leaves the VF's new holder alone", testLateReleaseLeavesNewHolder, NULL);
    testQEMUSimFree(sim);
    g_free(vfOwnMac);
    return 0;
}

VIR_TEST_MAIN(mymain)
