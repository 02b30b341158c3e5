/*
 * nodedevtest.c: the node device driver on a host tree made in a temp dir
 *
 * The tree is a simulated SR-IOV host (tools/virsriovsim.h: the PF ens1f0,
 * 0000:03:00.0 with 3 VFs, one on iavf, one on vfio-pci, one unbound
 * sharing its IOMMU group with a foreign device, and ens2f0, 0000:04:00.0,
 * SR-IOV capable with none enabled) completed with what the simulator
 * does not make (yet): a NUMA node, a config space with a PCI Express
 * link, interface addresses and speeds, a VF's interface, a function
 * behind a bridge and two virtual interfaces. Then:
 *   - golden: the XML of every device (nodedevdata/NAME.xml) and the
 *     lists by capability (nodedevdata/list.txt); VIR_TEST_REGENERATE_OUTPUT=1
 *     rewrites them;
 *   - the name rules;
 *   - the public API on qemu:///embed?root=... with sysfs_root pointing at
 *     the tree: filters, refused flags, errors;
 *   - detach and reattach with the simulated kernel serving the tree
 *     (virsriovsimserver.h): a VF to vfio-pci (/dev/vfio/N appears) and
 *     back to iavf, both twice, and the refusals (a device a domain holds,
 *     an interface, the driver names kvm and xen, a read-only connection);
 *   - a detach holds the device's ownership record until the device has
 *     moved (a domain, another detach or reattach are refused meanwhile),
 *     and a record left by one that died is removed at the next open
 *     (one of a live process is not).
 */
#include "internal.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datatypes.h"
#include "hypervisor/virhostdev_owner.h"
#include "node_device/node_device_sysfs.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"
#include "tools/virsriovsim.h"
#include "tools/virsriovsimserver.h"

static char *tmpdir;
static char *root;
static char *sysfs;
static char *uri;

static void
testQuietError(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

/* The kernel's files the simulator does not make: laid out here. */
static int
testWrite(const char *rel, const char *content)
{
    g_autofree char *path = g_build_filename(sysfs, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    if (virFileMakePath(dir, 0755) < 0)
        return -1;
    return virFileWriteStrAtomic(path, content, 0644);
}

static int
testLink(const char *target, const char *rel)
{
    g_autofree char *path = g_build_filename(sysfs, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    if (virFileMakePath(dir, 0755) < 0)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT)
        return -1;
    return symlink(target, path);
}

#define DEV "devices/pci0000:00/"

/* A config space: 4 KiB (extended) with a PCI Express endpoint
 * capability at 0x40, link 8 GT/s x8 (port 0) running at 5 GT/s x4. */
static int
testWriteConfig(const char *rel)
{
    g_autofree char *path = g_build_filename(sysfs, rel, NULL);
    unsigned char config[4096] = { 0 };

    config[0x06] = 0x10;            /* status: capability list */
    config[0x34] = 0x40;
    config[0x40] = 0x10;            /* PCI Express */
    config[0x41] = 0x00;            /* last */
    config[0x42] = 0x02;            /* version 2, endpoint */
    config[0x4c] = 0x83;            /* LNKCAP: 8 GT/s, width 8 */
    config[0x4d] = 0x00;
    config[0x4f] = 0x00;            /* port 0 */
    config[0x52] = 0x42;            /* LNKSTA: 5 GT/s, width 4 */
    return virFileWriteAtomic(path, (const char *)config, sizeof(config), 0644);
}

static int
testMakeHost(void)
{
    g_autofree char *foreign = NULL;

    if (virSRIOVSimPF(sysfs, "ens1f0", 3, 3, 8) < 0 ||
        virSRIOVSimPF(sysfs, "ens2f0", 4, 0, 4) < 0 ||
        /* VF 1 on vfio-pci, VF 2 on no driver, sharing its group with a
         * foreign device */
        virSRIOVSimBind(sysfs, "0000:03:07.2", "vfio-pci") < 0 ||
        virSRIOVSimUnbind(sysfs, "0000:03:07.3") < 0 ||
        !(foreign = virSRIOVSimForeign(sysfs, "0000:03:07.3")))
        return -1;

    /* what the simulator does not make (yet) */
    if (testWrite("devices/virtual/dmi/id/product_uuid",
                  "4c4c4544-0042-3010-8052-b2c04f4e4c31\n") < 0 ||
        testWrite(DEV "0000:03:00.0/numa_node", "0\n") < 0 ||
        testWriteConfig(DEV "0000:03:00.0/config") < 0 ||
        testWrite(DEV "0000:03:00.0/net/ens1f0/address", "3c:fd:fe:00:00:01\n") < 0 ||
        testWrite(DEV "0000:03:00.0/net/ens1f0/speed", "10000\n") < 0 ||
        /* VF 0's interface, linked from class/net as the kernel does */
        testWrite(DEV "0000:03:07.1/net/ens1f0v0/address", "52:54:00:aa:bb:cc\n") < 0 ||
        testWrite(DEV "0000:03:07.1/net/ens1f0v0/operstate", "down\n") < 0 ||
        testLink("../../devices/pci0000:00/0000:03:07.1/net/ens1f0v0",
                 "class/net/ens1f0v0") < 0)
        return -1;

    /* a bridge and, behind it, a function whose interface sits under an
     * intermediate device (as virtio's do) */
    if (testWrite(DEV "0000:00:1c.0/vendor", "0xffee\n") < 0 ||
        testWrite(DEV "0000:00:1c.0/device", "0x0001\n") < 0 ||
        testWrite(DEV "0000:00:1c.0/class", "0x060400\n") < 0 ||
        testLink("../../../devices/pci0000:00/0000:00:1c.0", "bus/pci/devices/0000:00:1c.0") < 0 ||
        testWrite(DEV "0000:00:1c.0/0000:05:00.0/vendor", "0x1af4\n") < 0 ||
        testWrite(DEV "0000:00:1c.0/0000:05:00.0/device", "0x1041\n") < 0 ||
        testWrite(DEV "0000:00:1c.0/0000:05:00.0/class", "0x020000\n") < 0 ||
        testLink("../../../bus/pci/drivers/virtio-pci", DEV "0000:00:1c.0/0000:05:00.0/driver") < 0 ||
        testLink("../../../devices/pci0000:00/0000:00:1c.0/0000:05:00.0",
                 "bus/pci/devices/0000:05:00.0") < 0 ||
        testWrite(DEV "0000:00:1c.0/0000:05:00.0/virtio3/net/eno1/address",
                  "a0:36:9f:00:00:05\n") < 0 ||
        testWrite(DEV "0000:00:1c.0/0000:05:00.0/virtio3/net/eno1/operstate", "up\n") < 0 ||
        testWrite(DEV "0000:00:1c.0/0000:05:00.0/virtio3/net/eno1/speed", "-1\n") < 0 ||
        testLink("../../devices/pci0000:00/0000:00:1c.0/0000:05:00.0/virtio3/net/eno1",
                 "class/net/eno1") < 0)
        return -1;

    /* virtual interfaces: the loopback and one whose name needs '_' */
    if (testWrite("devices/virtual/net/lo/address", "00:00:00:00:00:00\n") < 0 ||
        testWrite("devices/virtual/net/lo/operstate", "unknown\n") < 0 ||
        testLink("../../devices/virtual/net/lo", "class/net/lo") < 0 ||
        testWrite("devices/virtual/net/br-ex.10/address", "fa:16:3e:01:02:03\n") < 0 ||
        testWrite("devices/virtual/net/br-ex.10/operstate", "up\n") < 0 ||
        testWrite("devices/virtual/net/br-ex.10/speed", "25000\n") < 0 ||
        testLink("../../devices/virtual/net/br-ex.10", "class/net/br-ex.10") < 0)
        return -1;
    return 0;
}


/* Golden: the XML of every device. */

static int
testDeviceXML(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *ids = virTestSrcPath("nodedevdata/pci.ids");
    g_autoptr(virNodeDevSysfs) sys = virNodeDevSysfsNew(sysfs, ids);
    g_autoptr(virNodeDeviceDef) def = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *rel = g_strdup_printf("nodedevdata/%s.xml", name);
    g_autofree char *path = virTestSrcPath(rel);

    if (!(def = virNodeDevSysfsRead(sys, name))) {
        printf("#   %s: %s\n", name, virGetLastErrorMessage());
        return -1;
    }
    xml = virNodeDeviceDefFormat(def);
    return virTestCompareToFile(xml, path);
}

/* Golden: the names listed for each capability filter. */
static int
testListNames(const void *opaque G_GNUC_UNUSED)
{
    static const struct {
        const char *what;
        unsigned int mask;
    } filters[] = {
        { "all", VIR_NODE_DEV_LIST_FILTERS_CAP },
        { "system", 1U << VIR_NODE_DEV_CAP_SYSTEM },
        { "pci", 1U << VIR_NODE_DEV_CAP_PCI_DEV },
        { "net", 1U << VIR_NODE_DEV_CAP_NET },
        { "pci,net", (1U << VIR_NODE_DEV_CAP_PCI_DEV) | (1U << VIR_NODE_DEV_CAP_NET) },
        { "usb_device", 1U << VIR_NODE_DEV_CAP_USB_DEV },
    };
    g_autoptr(virNodeDevSysfs) sys = virNodeDevSysfsNew(sysfs, NULL);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *path = virTestSrcPath("nodedevdata/list.txt");
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(filters); i++) {
        g_autoptr(GPtrArray) names = virNodeDevSysfsListNames(sys, filters[i].mask);

        g_string_append_printf(out, "[%s]\n", filters[i].what);
        for (j = 0; j < names->len; j++)
            g_string_append_printf(out, "%s\n", (char *)g_ptr_array_index(names, j));
    }
    return virTestCompareToFile(out->str, path);
}


/* Names */

static int
testNames(const void *opaque G_GNUC_UNUSED)
{
    static const struct {
        const char *name;
        bool pci;
    } pciNames[] = {
        { "pci_0000_03_07_1", true },
        { "pci_ffff_ff_1f_7", true },
        { "pci_0000_03_07_8", false },
        { "pci_0000_03_20_0", false },
        { "pci_0000_3_07_1", false },
        { "pci_0000_03_07_1x", false },
        { "pci_ABCD_03_07_1", false },
        { "pci_0000:03:07.1", false },
        { "net_eth0_00_00_00_00_00_00", false },
        { "computer", false },
    };
    virPCIDeviceAddress addr = { .domain = 0x1, .bus = 0x3, .slot = 0x1f, .function = 7 };
    g_autofree char *pci = virNodeDeviceNamePCI(&addr);
    g_autofree char *net = virNodeDeviceNameNet("br-ex.10", "fa:16:3e:01:02:03");
    g_autofree char *odd = virNodeDeviceNameNet("vlan@5:x", "00:11:22:33:44:55");
    size_t i;
    int ret = 0;

    if (STRNEQ(pci, "pci_0001_03_1f_7")) {
        printf("#   PCI name %s\n", pci);
        ret = -1;
    }
    if (STRNEQ(net, "net_br_ex_10_fa_16_3e_01_02_03") ||
        STRNEQ(odd, "net_vlan_5_x_00_11_22_33_44_55")) {
        printf("#   net names %s, %s\n", net, odd);
        ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(pciNames); i++) {
        virPCIDeviceAddress a;
        bool ok = virNodeDeviceNameParsePCI(pciNames[i].name, &a) == 0;

        if (ok != pciNames[i].pci) {
            printf("#   %s %s as a PCI name\n", pciNames[i].name,
                   ok ? "accepted" : "refused");
            ret = -1;
        }
    }
    return ret;
}


/* The public API on an embedded root */

static int
testListCount(virConnectPtr conn, unsigned int flags, int expect, const char *what)
{
    virNodeDevicePtr *devs = NULL;
    int n = virConnectListAllNodeDevices(conn, &devs, flags);
    int i;

    for (i = 0; i < n; i++)
        virNodeDeviceFree(devs[i]);
    g_free(devs);
    if (n != expect) {
        printf("#   %s (flags 0x%x): %d devices, expected %d (%s)\n", what, flags, n, expect,
               n < 0 ? virGetLastErrorMessage() : "");
        return -1;
    }
    return 0;
}

static int
testExpectError(int code, const char *needle, const char *what)
{
    virErrorPtr err = virGetLastError();

    if (!err || err->code != code || err->domain != VIR_FROM_NODEDEV ||
        !strstr(err->message, needle)) {
        printf("#   %s: error %d/%d '%s', expected %d in the node device domain with '%s'\n",
               what, err ? err->code : 0, err ? err->domain : 0,
               err ? err->message : "", code, needle);
        return -1;
    }
    virResetLastError();
    return 0;
}

static int
testAPI(const void *opaque G_GNUC_UNUSED)
{
    virConnectPtr conn = virConnectOpen(uri);
    virNodeDevicePtr dev = NULL;
    virNodeDevicePtr sys = NULL;
    char *caps[4] = { NULL };
    g_autofree char *xml = NULL;
    int ret = -1;
    int i;

    if (!conn) {
        printf("#   cannot open %s: %s\n", uri, virGetLastErrorMessage());
        return -1;
    }
    /* 1 system, 8 PCI functions, 6 interfaces */
    if (testListCount(conn, 0, 15, "everything") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE, 15, "active") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE |
                      VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE, 15, "both states") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE, 0, "inactive") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV, 8, "PCI") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET, 6, "net") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET |
                      VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM, 7, "net and system") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV |
                      VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE, 0, "inactive PCI") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV, 0, "USB") < 0 ||
        testListCount(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPD, 0, "VPD") < 0)
        goto cleanup;
    if (virConnectListAllNodeDevices(conn, NULL, VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV) != 8) {
        printf("#   count without results\n");
        goto cleanup;
    }

    /* flags libvirt does not have are refused, naming them */
    if (virConnectListAllNodeDevices(conn, NULL, 1U << 25) != -1 ||
        testExpectError(VIR_ERR_INVALID_ARG,
                        "unsupported flags (0x2000000) in function nodeConnectListAllNodeDevices",
                        "flag 1 << 25") < 0)
        goto cleanup;
    if (virNodeNumOfDevices(conn, "pci", 0) != 8 || virNodeNumOfDevices(conn, NULL, 0) != 15 ||
        virNodeNumOfDevices(conn, "net", 0) != 6) {
        printf("#   virNodeNumOfDevices: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (virNodeNumOfDevices(conn, "bogus", 0) != -1 ||
        testExpectError(VIR_ERR_INVALID_ARG, "'bogus'", "capability bogus") < 0)
        goto cleanup;

    if (virNodeDeviceLookupByName(conn, "pci_0000_09_00_0") ||
        testExpectError(VIR_ERR_NO_NODE_DEVICE,
                        "no node device with matching name 'pci_0000_09_00_0'",
                        "unknown PCI device") < 0 ||
        virNodeDeviceLookupByName(conn, "net_eth9_00_00_00_00_00_00") ||
        testExpectError(VIR_ERR_NO_NODE_DEVICE, "'net_eth9_00_00_00_00_00_00'",
                        "unknown interface") < 0)
        goto cleanup;

    if (!(dev = virNodeDeviceLookupByName(conn, "net_ens1f0v0_52_54_00_aa_bb_cc")) ||
        STRNEQ_NULLABLE(virNodeDeviceGetParent(dev), "pci_0000_03_07_1") ||
        virNodeDeviceNumOfCaps(dev) != 1 ||
        virNodeDeviceListCaps(dev, caps, G_N_ELEMENTS(caps)) != 1 ||
        STRNEQ_NULLABLE(caps[0], "net")) {
        printf("#   VF interface: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (virNodeDeviceGetXMLDesc(dev, 2) ||
        testExpectError(VIR_ERR_INVALID_ARG, "unsupported flags (0x2)", "XML flag 2") < 0)
        goto cleanup;
    if (!(xml = virNodeDeviceGetXMLDesc(dev, 0)) ||
        !strstr(xml, "<interface>ens1f0v0</interface>")) {
        printf("#   VF interface XML: %s\n", xml ? xml : virGetLastErrorMessage());
        goto cleanup;
    }

    /* the host has no parent, and that is not an error */
    if (!(sys = virNodeDeviceLookupByName(conn, "computer")) ||
        virNodeDeviceGetParent(sys) || virGetLastError()) {
        printf("#   computer's parent: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;

 cleanup:
    for (i = 0; i < (int)G_N_ELEMENTS(caps); i++)
        g_free(caps[i]);
    if (dev)
        virNodeDeviceFree(dev);
    if (sys)
        virNodeDeviceFree(sys);
    virConnectClose(conn);
    return ret;
}

static int
testDriverIs(const char *addr, const char *expect)
{
    g_autofree char *drv = virSRIOVSimDriverOf(sysfs, addr);

    if (STRNEQ_NULLABLE(drv, expect)) {
        printf("#   %s is on %s, expected %s\n", addr, NULLSTR(drv), NULLSTR(expect));
        return -1;
    }
    return 0;
}

static int
testDetach(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(virSRIOVSimServer) srv = virSRIOVSimServerStart(tmpdir, &gerr);
    g_autofree char *dev = virSRIOVSimDevDir(sysfs);
    g_autofree char *vfio = g_build_filename(dev, "vfio", "825", NULL);
    g_autofree char *hostdev = virHostdevStateDir(root);
    g_autoptr(virHostdevOwner) owner = virHostdevOwnerNew("qemu/test", "guest1", NULL);
    virPCIDeviceAddress vf0 = { .domain = 0, .bus = 3, .slot = 7, .function = 1 };
    virConnectPtr conn = NULL;
    virConnectPtr ro = NULL;
    virNodeDevicePtr vf = NULL;
    virNodeDevicePtr net = NULL;
    int ret = -1;

    if (!srv) {
        printf("#   simulated kernel: %s\n", gerr->message);
        return -1;
    }
    if (!(conn = virConnectOpen(uri)) || !(ro = virConnectOpenReadOnly(uri)) ||
        !(vf = virNodeDeviceLookupByName(conn, "pci_0000_03_07_1")) ||
        !(net = virNodeDeviceLookupByName(conn, "net_ens1f0v0_52_54_00_aa_bb_cc"))) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    if (testDriverIs("0000:03:07.1", "iavf") < 0)
        goto cleanup;
    /* /dev/vfio/N follows the binding a moment later (the simulated
     * kernel's udev): looked at once the server has handled every write */
    if (virNodeDeviceDettach(vf) < 0 || testDriverIs("0000:03:07.1", "vfio-pci") < 0 ||
        virSRIOVSimServerSettle(srv, NULL) < 0 || !virFileExists(vfio) ||
        /* again: already there, left alone */
        virNodeDeviceDetachFlags(vf, "vfio", 0) < 0 ||
        testDriverIs("0000:03:07.1", "vfio-pci") < 0) {
        printf("#   detach: %s (/dev/vfio/825 %s)\n", virGetLastErrorMessage(),
               virFileExists(vfio) ? "exists" : "missing");
        goto cleanup;
    }
    if (virNodeDeviceReAttach(vf) < 0 || testDriverIs("0000:03:07.1", "iavf") < 0 ||
        virSRIOVSimServerSettle(srv, NULL) < 0 || virFileExists(vfio) ||
        /* again: not on vfio-pci, only probed */
        virNodeDeviceReAttach(vf) < 0 || testDriverIs("0000:03:07.1", "iavf") < 0) {
        printf("#   reattach: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    if (virNodeDeviceDetachFlags(vf, "kvm", 0) == 0 ||
        testExpectError(VIR_ERR_CONFIG_UNSUPPORTED, "KVM device assignment", "kvm") < 0 ||
        virNodeDeviceDetachFlags(vf, "xen", 0) == 0 ||
        testExpectError(VIR_ERR_INVALID_ARG, "unknown driver name 'xen'", "xen") < 0 ||
        virNodeDeviceDetachFlags(vf, NULL, 1) == 0 ||
        testExpectError(VIR_ERR_INVALID_ARG, "unsupported flags (0x1)", "flag 1") < 0 ||
        virNodeDeviceDettach(net) == 0 ||
        testExpectError(VIR_ERR_INVALID_ARG, "is not a PCI device", "an interface") < 0)
        goto cleanup;

    /* a device a domain holds is not moved */
    if (virHostdevOwnerAcquire(hostdev, &vf0, owner) < 0)
        goto cleanup;
    if (virNodeDeviceDettach(vf) == 0 ||
        testExpectError(VIR_ERR_OPERATION_INVALID, "in use by domain 'guest1'", "held, detach") < 0 ||
        virNodeDeviceReAttach(vf) == 0 ||
        testExpectError(VIR_ERR_OPERATION_INVALID, "in use by domain 'guest1'", "held, reattach") < 0 ||
        testDriverIs("0000:03:07.1", "iavf") < 0 ||
        virHostdevOwnerRelease(hostdev, &vf0, NULL) != 1)
        goto cleanup;

    /* read-only */
    virNodeDeviceFree(vf);
    if (!(vf = virNodeDeviceLookupByName(ro, "pci_0000_03_07_1")) ||
        virNodeDeviceDettach(vf) == 0 || virGetLastErrorCode() != VIR_ERR_OPERATION_DENIED ||
        testDriverIs("0000:03:07.1", "iavf") < 0) {
        printf("#   read-only detach: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    virResetLastError();
    ret = 0;

 cleanup:
    if (vf)
        virNodeDeviceFree(vf);
    if (net)
        virNodeDeviceFree(net);
    if (conn)
        virConnectClose(conn);
    if (ro)
        virConnectClose(ro);
    return ret;
}

/* The device's record holds it for the whole move: with no simulated
 * kernel serving the tree, a detach waits in its unbind step (it has
 * written drivers/iavf/unbind, nothing unbinds the device) until the
 * server starts; meanwhile a domain that wants the device is refused,
 * naming the move in progress, and so is another detach. */
typedef struct {
    virNodeDevicePtr dev;
    int rc;
    char *error;
} testDetachThreadData;

static gpointer
testDetachThread(gpointer opaque)
{
    testDetachThreadData *data = opaque;

    data->rc = virNodeDeviceDettach(data->dev);
    if (data->rc < 0)
        data->error = g_strdup(virGetLastErrorMessage());
    return NULL;
}

/* Wait (bounded: a hang is a failure, not a measure) until @rel in the
 * tree holds @text. */
static int
testWaitContent(const char *rel, const char *text)
{
    g_autofree char *path = g_build_filename(sysfs, rel, NULL);
    size_t i;

    for (i = 0; i < 3000; i++) {
        g_autofree char *content = NULL;

        if (g_file_get_contents(path, &content, NULL, NULL) && strstr(content, text))
            return 0;
        g_usleep(10 * 1000);
    }
    printf("#   %s never held '%s'\n", path, text);
    return -1;
}

static int
testDetachHolds(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(virSRIOVSimServer) srv = NULL;
    g_autofree char *hostdev = virHostdevStateDir(root);
    g_autoptr(virHostdevOwner) owner = virHostdevOwnerNew("qemu/test", "guest1", NULL);
    g_autoptr(virHostdevOwner) current = NULL;
    virPCIDeviceAddress vf0 = { .domain = 0, .bus = 3, .slot = 7, .function = 1 };
    testDetachThreadData data = { 0 };
    GThread *thread = NULL;
    virConnectPtr conn = NULL;
    virNodeDevicePtr other = NULL;
    int ret = -1;
    int rc;

    if (!(conn = virConnectOpen(uri)) ||
        !(data.dev = virNodeDeviceLookupByName(conn, "pci_0000_03_07_1")) ||
        !(other = virNodeDeviceLookupByName(conn, "pci_0000_03_07_1"))) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (testDriverIs("0000:03:07.1", "iavf") < 0)
        goto cleanup;

    thread = g_thread_new("detach", testDetachThread, &data);
    if (testWaitContent("bus/pci/drivers/iavf/unbind", "0000:03:07.1") < 0)
        goto cleanup;

    /* in the window between the check and the end of the move */
    if ((rc = virHostdevOwnerGet(hostdev, &vf0, &current)) != 1 ||
        !virHostdevOwnerIsNodeDev(current->holder, NULL)) {
        printf("#   during the detach the record is %s\n",
               rc == 1 ? current->holder : "missing");
        if (rc == 0 && virHostdevOwnerAcquire(hostdev, &vf0, owner) == 0) {
            printf("#   and a domain took the device meanwhile\n");
            (void)(virHostdevOwnerRelease(hostdev, &vf0, "qemu/test"));
        }
        goto cleanup;
    }
    if (virHostdevOwnerAcquire(hostdev, &vf0, owner) == 0) {
        printf("#   a domain took the device during the detach\n");
        (void)(virHostdevOwnerRelease(hostdev, &vf0, "qemu/test"));
        goto cleanup;
    }
    if (!strstr(virGetLastErrorMessage(), "node device detach or reattach in progress")) {
        printf("#   a domain's refusal: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    virResetLastError();
    if (virNodeDeviceReAttach(other) == 0 ||
        testExpectError(VIR_ERR_OPERATION_INVALID,
                        "by another node device detach or reattach (process", "concurrent reattach") < 0)
        goto cleanup;

    if (!(srv = virSRIOVSimServerStart(tmpdir, &gerr))) {
        printf("#   simulated kernel: %s\n", gerr->message);
        goto cleanup;
    }
    g_thread_join(g_steal_pointer(&thread));
    if (data.rc < 0) {
        printf("#   detach: %s\n", data.error);
        goto cleanup;
    }
    g_clear_pointer(&current, virHostdevOwnerFree);
    if (testDriverIs("0000:03:07.1", "vfio-pci") < 0 ||
        virHostdevOwnerGet(hostdev, &vf0, &current) != 0) {
        printf("#   after the detach the record is %s\n", current ? current->holder : "unreadable");
        goto cleanup;
    }
    /* and back, the record given back too */
    if (virNodeDeviceReAttach(other) < 0 || testDriverIs("0000:03:07.1", "iavf") < 0 ||
        virHostdevOwnerGet(hostdev, &vf0, &current) != 0) {
        printf("#   reattach: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (thread) {
        /* let it finish: the server moves the device along */
        if (!srv)
            srv = virSRIOVSimServerStart(tmpdir, NULL);
        g_thread_join(thread);
    }
    g_free(data.error);
    if (data.dev)
        virNodeDeviceFree(data.dev);
    if (other)
        virNodeDeviceFree(other);
    if (conn)
        virConnectClose(conn);
    return ret;
}

/* A record left by a detach or reattach whose process died is removed
 * when the root is next opened (its process proven gone by pid and start
 * time), and refuses a detach until then; that of a live one stays. */
static int
testDetachStale(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *hostdev = virHostdevStateDir(root);
    virPCIDeviceAddress vf0 = { .domain = 0, .bus = 3, .slot = 7, .function = 1 };
    virProcessIdentity self;
    virProcessIdentity dead;
    g_autofree char *selfHolder = NULL;
    g_autofree char *deadHolder = NULL;
    g_autoptr(virHostdevOwner) live = NULL;
    g_autoptr(virHostdevOwner) gone = NULL;
    g_autoptr(virHostdevOwner) current = NULL;
    virConnectPtr conn = NULL;
    virNodeDevicePtr vf = NULL;
    int ret = -1;
    pid_t child;

    if (virProcessIdentityGet(getpid(), &self) < 0)
        return -1;
    /* a process that lived and is gone: a child, its identity read before
     * it is reaped */
    if ((child = fork()) < 0)
        return -1;
    if (child == 0)
        _exit(0);
    if (virProcessIdentityGet(child, &dead) < 0 || waitpid(child, NULL, 0) != child)
        return -1;
    /* the same pid with another start time is another process: gone */
    selfHolder = virHostdevOwnerNodeDevHolder(&self);
    self.startTime++;
    deadHolder = virHostdevOwnerNodeDevHolder(&self);
    self.startTime--;
    gone = virHostdevOwnerNew(deadHolder, "nodedev", NULL);
    live = virHostdevOwnerNew(selfHolder, "nodedev", NULL);

    /* dead (same pid as a live process, another start time) */
    if (virHostdevOwnerTryAcquire(hostdev, &vf0, gone, NULL) != 1)
        goto cleanup;
    if (!(conn = virConnectOpen(uri))) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (virHostdevOwnerGet(hostdev, &vf0, &current) != 0) {
        printf("#   the record of %s is still there after an open\n", deadHolder);
        goto cleanup;
    }
    g_clear_pointer(&deadHolder, g_free);
    deadHolder = virHostdevOwnerNodeDevHolder(&dead);
    g_clear_pointer(&gone, virHostdevOwnerFree);
    gone = virHostdevOwnerNew(deadHolder, "nodedev", NULL);

    /* a dead one found by a detach of an open root: refused, saying so */
    if (virHostdevOwnerTryAcquire(hostdev, &vf0, gone, NULL) != 1 ||
        !(vf = virNodeDeviceLookupByName(conn, "pci_0000_03_07_1")))
        goto cleanup;
    if (virNodeDeviceDettach(vf) == 0 ||
        testExpectError(VIR_ERR_OPERATION_INVALID, "has ended", "stale record") < 0)
        goto cleanup;
    virNodeDeviceFree(g_steal_pointer(&vf));
    virConnectClose(g_steal_pointer(&conn));
    /* ... until the next open */
    if (!(conn = virConnectOpen(uri)) ||
        virHostdevOwnerGet(hostdev, &vf0, &current) != 0) {
        printf("#   the record of %s is still there after an open\n", deadHolder);
        goto cleanup;
    }
    virConnectClose(g_steal_pointer(&conn));

    /* alive: left alone */
    if (virHostdevOwnerTryAcquire(hostdev, &vf0, live, NULL) != 1)
        goto cleanup;
    if (!(conn = virConnectOpen(uri)) ||
        virHostdevOwnerGet(hostdev, &vf0, &current) != 1 ||
        STRNEQ(current->holder, selfHolder)) {
        printf("#   the record of live %s is gone after an open\n", selfHolder);
        goto cleanup;
    }
    if (testDriverIs("0000:03:07.1", "iavf") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    (void)(virHostdevOwnerRelease(hostdev, &vf0, NULL));
    if (vf)
        virNodeDeviceFree(vf);
    if (conn)
        virConnectClose(conn);
    return ret;
}

static int
mymain(void)
{
    static const char *const devices[] = {
        "computer",
        "pci_0000_00_1c_0",
        "pci_0000_03_00_0",
        "pci_0000_03_07_1",
        "pci_0000_03_07_2",
        "pci_0000_03_07_3",
        "pci_0000_04_00_0",
        "pci_0000_05_00_0",
        "pci_0000_f0_00_0",
        "net_ens1f0_3c_fd_fe_00_00_01",
        "net_ens1f0v0_52_54_00_aa_bb_cc",
        "net_ens2f0_00_00_00_00_00_00",
        "net_eno1_a0_36_9f_00_00_05",
        "net_lo_00_00_00_00_00_00",
        "net_br_ex_10_fa_16_3e_01_02_03",
    };
    g_autofree char *conf = NULL;
    g_autofree char *confdata = NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *etc = NULL;
    size_t i;
    int ret = 0;

    virSetErrorFunc(NULL, testQuietError);
    if (!(tmpdir = g_dir_make_tmp("nodedevtest-XXXXXX", NULL)))
        return -1;
    root = g_build_filename(tmpdir, "root", NULL);
    sysfs = g_build_filename(tmpdir, "sys", NULL);
    etc = g_build_filename(root, "etc", NULL);
    conf = g_build_filename(etc, "qemu.conf", NULL);
    confdata = g_strdup_printf("sysfs_root = \"%s\"\n", sysfs);
    if (testMakeHost() < 0 || virFileMakePath(etc, 0700) < 0 ||
        virFileWriteStrAtomic(conf, confdata, 0600) < 0) {
        printf("# cannot create the host tree: %s\n", virGetLastErrorMessage());
        return -1;
    }
    escaped = g_uri_escape_string(root, "/", FALSE);
    uri = g_strdup_printf("qemu:///embed?root=%s", escaped);

    for (i = 0; i < G_N_ELEMENTS(devices); i++) {
        g_autofree char *title = g_strdup_printf("xml %s", devices[i]);

        virTestRun(title, testDeviceXML, devices[i]);
    }
    virTestRun("names by capability", testListNames, NULL);
    virTestRun("name rules", testNames, NULL);
    virTestRun("public API on an embedded root", testAPI, NULL);
    virTestRun("detach and reattach", testDetach, NULL);
    virTestRun("a detach holds the device until it is done", testDetachHolds, NULL);
    virTestRun("records of detaches that died", testDetachStale, NULL);

    if (!g_getenv("VIR_TEST_KEEP_TMP") && virFileDeleteTree(tmpdir) < 0)
        ret = -1;
    g_free(uri);
    g_free(root);
    g_free(sysfs);
    g_free(tmpdir);
    return ret;
}

VIR_TEST_MAIN(mymain)
