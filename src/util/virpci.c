/*
 * virpci.c: PCI addresses and (sysfs) PCI devices of the host
 */
#include "internal.h"

#include "virerror.h"
#include "virfile.h"
#include "virpci.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* A hexadecimal field of at most @width digits (no 0x) and @max. */
static int
virPCIAddressField(const char *str, char **end, size_t width, unsigned int max,
                   unsigned int *value)
{
    if (virStrToLong_ui(str, end, 16, value) < 0 ||
        strspn(str, "0123456789abcdefABCDEF") != (size_t)(*end - str) ||
        (size_t)(*end - str) > width || *value > max)
        return -1;
    return 0;
}

int
virPCIDeviceAddressParse(const char *str, virPCIDeviceAddress *addr)
{
    unsigned int d, b, s, f;
    char *end;

    /* DDDD:BB:SS.F */
    if (!str ||
        virPCIAddressField(str, &end, 4, VIR_PCI_ADDRESS_MAX_DOMAIN, &d) < 0 || *end != ':' ||
        virPCIAddressField(end + 1, &end, 2, VIR_PCI_ADDRESS_MAX_BUS, &b) < 0 || *end != ':' ||
        virPCIAddressField(end + 1, &end, 2, VIR_PCI_ADDRESS_MAX_SLOT, &s) < 0 || *end != '.' ||
        virPCIAddressField(end + 1, &end, 1, VIR_PCI_ADDRESS_MAX_FUNCTION, &f) < 0 ||
        *end != '\0')
        return -1;
    addr->domain = d;
    addr->bus = b;
    addr->slot = s;
    addr->function = f;
    addr->multi = false;
    return 0;
}

char *
virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr)
{
    return g_strdup_printf("%04x:%02x:%02x.%x",
                           addr->domain, addr->bus, addr->slot, addr->function);
}

bool
virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                         const virPCIDeviceAddress *b)
{
    return a->domain == b->domain && a->bus == b->bus &&
           a->slot == b->slot && a->function == b->function;
}

char *
virPCIDeviceSysfsPath(const char *sysfsRoot, const virPCIDeviceAddress *addr)
{
    g_autofree char *str = virPCIDeviceAddressAsString(addr);

    return g_build_filename(sysfsRoot, "bus", "pci", "devices", str, NULL);
}

/* The PCI address a sysfs link (virtfnN, physfn) points at. */
static int
virPCIReadAddressLink(const char *link, virPCIDeviceAddress *addr)
{
    g_autofree char *target = g_file_read_link(link, NULL);
    g_autofree char *base = NULL;

    if (!target)
        return -1;
    base = g_path_get_basename(target);
    return virPCIDeviceAddressParse(base, addr);
}

int
virPCIGetVirtualFunctionsOfNetdev(const char *sysfsRoot, const char *pfname,
                                  virPCIDeviceAddress **vfs, size_t *nvfs)
{
    g_autofree char *dev = g_build_filename(sysfsRoot, "class", "net", pfname, "device", NULL);
    g_autofree char *total = g_build_filename(dev, "sriov_totalvfs", NULL);
    g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(virPCIDeviceAddress));
    g_autofree char *content = NULL;
    unsigned int i;

    *vfs = NULL;
    *nvfs = 0;
    if (!virFileExists(dev)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("physical function '%s' not found (no %s): check the <pf dev=.../> name"),
                       pfname, dev);
        return -1;
    }
    if (!g_file_get_contents(total, &content, NULL, NULL)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("network device '%s' is not an SR-IOV physical function (no %s)"),
                       pfname, total);
        return -1;
    }
    for (i = 0;; i++) {
        g_autofree char *link = g_strdup_printf("%s/virtfn%u", dev, i);
        virPCIDeviceAddress addr;

        if (!g_file_test(link, G_FILE_TEST_IS_SYMLINK))
            break;
        if (virPCIReadAddressLink(link, &addr) < 0) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot read the address of VF %u of '%s' from %s"),
                           i, pfname, link);
            return -1;
        }
        g_array_append_val(found, addr);
    }
    *nvfs = found->len;
    *vfs = (virPCIDeviceAddress *)g_array_free(g_steal_pointer(&found), FALSE);
    return 0;
}

int
virPCIGetVirtualFunctionInfo(const char *sysfsRoot, const virPCIDeviceAddress *vf,
                             char **pfname, unsigned int *vfindex)
{
    g_autofree char *vfpath = virPCIDeviceSysfsPath(sysfsRoot, vf);
    g_autofree char *physfn = g_build_filename(vfpath, "physfn", NULL);
    g_autofree char *netdir = g_build_filename(physfn, "net", NULL);
    g_autofree char *addrstr = virPCIDeviceAddressAsString(vf);
    g_autoptr(GDir) dir = NULL;
    const char *ent;
    unsigned int i;

    if (!(dir = g_dir_open(netdir, 0, NULL)) || !(ent = g_dir_read_name(dir))) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("%s is not a VF with a network PF (no %s)"), addrstr, netdir);
        return -1;
    }
    for (i = 0;; i++) {
        g_autofree char *link = g_strdup_printf("%s/virtfn%u", physfn, i);
        virPCIDeviceAddress addr;

        if (!g_file_test(link, G_FILE_TEST_IS_SYMLINK))
            break;
        if (virPCIReadAddressLink(link, &addr) == 0 && virPCIDeviceAddressEqual(&addr, vf)) {
            *pfname = g_strdup(ent);
            *vfindex = i;
            return 0;
        }
    }
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("%s is not listed among the VFs of its PF %s"), addrstr, ent);
    return -1;
}
