/*
 * virsriovsim.c: the sysfs tree of a simulated SR-IOV host
 */
#include "internal.h"

#include <errno.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "virsriovsim.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* VF 0 is slot 7 function 1 */
#define VIR_SRIOV_SIM_FIRST_VF 0x39

static int
virSRIOVSimMkdirs(const char *path)
{
    if (g_mkdir_with_parents(path, 0755) < 0) {
        virReportSystemError(errno, _("cannot create directory %s"), path);
        return -1;
    }
    return 0;
}

static int
virSRIOVSimWrite(const char *dir, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    return virFileWriteStrAtomic(path, content, 0644);
}

/* A symlink @dir/@name -> @target, replaced if it points elsewhere. */
static int
virSRIOVSimLink(const char *target, const char *dir, const char *name)
{
    g_autofree char *link = g_build_filename(dir, name, NULL);
    g_autofree char *cur = g_file_read_link(link, NULL);

    if (cur && STREQ(cur, target))
        return 0;
    if (unlink(link) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove %s"), link);
        return -1;
    }
    if (symlink(target, link) < 0) {
        virReportSystemError(errno, _("cannot create symbolic link %s"), link);
        return -1;
    }
    return 0;
}

/* The routing ID (bus, slot, function) of VF @index: it counts on past
 * the end of the bus, as real VFs do. */
static unsigned int
virSRIOVSimVFRid(unsigned int bus, unsigned int index)
{
    return (bus << 8) + VIR_SRIOV_SIM_FIRST_VF + index;
}

char *
virSRIOVSimVFAddress(unsigned int bus, unsigned int index)
{
    unsigned int rid = virSRIOVSimVFRid(bus, index);

    return g_strdup_printf("0000:%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

int
virSRIOVSimDevice(const char *sys, const char *addr, const char *physfn)
{
    g_autofree char *dir = g_build_filename(sys, "devices", "pci0000:00", addr, NULL);
    g_autofree char *busdir = g_build_filename(sys, "bus", "pci", "devices", NULL);
    g_autofree char *bustarget = g_strdup_printf("../../../devices/pci0000:00/%s", addr);

    if (virSRIOVSimMkdirs(dir) < 0 || virSRIOVSimMkdirs(busdir) < 0 ||
        virSRIOVSimLink(bustarget, busdir, addr) < 0)
        return -1;
    if (physfn) {
        g_autofree char *target = g_strdup_printf("../%s", physfn);

        if (virSRIOVSimLink(target, dir, "physfn") < 0)
            return -1;
    }
    return 0;
}

int
virSRIOVSimSetAdmin(const char *sys, const char *addr, const char *mac, const char *vlan)
{
    g_autofree char *dir = g_build_filename(sys, "devices", "pci0000:00", addr, NULL);
    g_autofree char *m = g_strdup_printf("%s\n", mac);
    g_autofree char *v = g_strdup_printf("%s\n", vlan);

    if (virSRIOVSimWrite(dir, "sim_admin_mac", m) < 0 ||
        virSRIOVSimWrite(dir, "sim_admin_vlan", v) < 0)
        return -1;
    return 0;
}

int
virSRIOVSimPF(const char *sys, const char *name, unsigned int bus,
              unsigned int nvfs, unsigned int totalvfs)
{
    g_autofree char *pfaddr = g_strdup_printf("0000:%02x:00.0", bus);
    g_autofree char *pfdir = g_build_filename(sys, "devices", "pci0000:00", pfaddr, NULL);
    g_autofree char *pfnet = g_build_filename(pfdir, "net", name, NULL);
    g_autofree char *classdir = g_build_filename(sys, "class", "net", name, NULL);
    g_autofree char *classtarget = g_strdup_printf("../../../devices/pci0000:00/%s", pfaddr);
    g_autofree char *total = g_strdup_printf("%u\n", totalvfs);
    g_autofree char *num = g_strdup_printf("%u\n", nvfs);
    unsigned int i;

    if (nvfs > totalvfs) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("PF %s: %u VFs enabled but only %u supported"), name, nvfs, totalvfs);
        return -1;
    }
    if (virSRIOVSimDevice(sys, pfaddr, NULL) < 0 ||
        virSRIOVSimMkdirs(pfnet) < 0 || virSRIOVSimMkdirs(classdir) < 0 ||
        virSRIOVSimWrite(pfdir, "sriov_totalvfs", total) < 0 ||
        virSRIOVSimWrite(pfdir, "sriov_numvfs", num) < 0 ||
        virSRIOVSimWrite(pfnet, "operstate", "up\n") < 0 ||
        virSRIOVSimLink(classtarget, classdir, "device") < 0)
        return -1;

    for (i = 0; i < nvfs; i++) {
        unsigned int rid = virSRIOVSimVFRid(bus, i);
        g_autofree char *vfaddr = virSRIOVSimVFAddress(bus, i);
        g_autofree char *vfdir = g_build_filename(sys, "devices", "pci0000:00", vfaddr, NULL);
        g_autofree char *macfile = g_build_filename(vfdir, "sim_admin_mac", NULL);
        g_autofree char *virtfn = g_strdup_printf("virtfn%u", i);
        g_autofree char *vftarget = g_strdup_printf("../%s", vfaddr);

        if (virSRIOVSimDevice(sys, vfaddr, pfaddr) < 0 ||
            virSRIOVSimLink(vftarget, pfdir, virtfn) < 0)
            return -1;
        if (!virFileExists(macfile)) {
            /* a VF's own MAC before any guest uses it */
            g_autofree char *mac = g_strdup_printf("02:00:%02x:%02x:%02x:%02x",
                                                   rid >> 8, (rid >> 3) & 0x1f, rid & 7,
                                                   i & 0xff);

            if (virSRIOVSimSetAdmin(sys, vfaddr, mac, "0") < 0)
                return -1;
        }
    }
    /* fewer VFs than before: drop the extra links */
    for (i = nvfs;; i++) {
        g_autofree char *link = g_strdup_printf("%s/virtfn%u", pfdir, i);

        if (!g_file_test(link, G_FILE_TEST_IS_SYMLINK))
            break;
        if (unlink(link) < 0) {
            virReportSystemError(errno, _("cannot remove %s"), link);
            return -1;
        }
    }
    return 0;
}

int
virSRIOVSimHostUUID(const char *sys)
{
    g_autofree char *dir = g_build_filename(sys, "devices", "virtual", "dmi", "id", NULL);
    g_autofree char *path = g_build_filename(dir, "product_uuid", NULL);
    g_autofree char *random = g_uuid_string_random();
    g_autofree char *uuid = g_strdup_printf("%s\n", random);

    if (virFileExists(path))
        return 0;
    if (virSRIOVSimMkdirs(dir) < 0)
        return -1;
    return virSRIOVSimWrite(dir, "product_uuid", uuid);
}

int
virSRIOVSimSetConfKey(const char *path, const char *key, const char *value)
{
    g_autofree char *content = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    bool found = false;

    if (virFileExists(path) && virFileReadAll(path, 1024 * 1024, &content) < 0)
        return -1;
    if (content) {
        g_auto(GStrv) lines = g_strsplit(content, "\n", -1);
        size_t keylen = strlen(key);
        size_t i;

        for (i = 0; lines[i]; i++) {
            const char *l = lines[i];

            if (!lines[i + 1] && !*l)
                break;
            while (*l == ' ' || *l == '\t')
                l++;
            if (STRPREFIX(l, key) &&
                (l[keylen] == ' ' || l[keylen] == '=' || l[keylen] == '\t')) {
                if (!found)
                    g_string_append_printf(out, "%s = \"%s\"\n", key, value);
                found = true;
                continue;
            }
            g_string_append_printf(out, "%s\n", lines[i]);
        }
    }
    if (!found)
        g_string_append_printf(out, "%s = \"%s\"\n", key, value);
    return virFileWriteStrAtomic(path, out->str, 0600);
}
