/*
 * virt-sriov-sim: give an embedded root a simulated SR-IOV host
 *
 *   virt-sriov-sim --root DIR --pf NAME --vfs N [--pf NAME --vfs N]...
 *
 * Creates under DIR/sim/sys the part of a sysfs tree the SR-IOV code reads
 * (class/net/PF/device with sriov_totalvfs, sriov_numvfs and virtfnN links,
 * bus/pci/devices/ADDR, each VF with a physfn link back and files holding
 * its admin MAC and VLAN), and sets in DIR/etc/qemu.conf:
 *
 *   sysfs_root = "DIR/sim/sys"       where discovery reads sysfs
 *   vf_config_backend = "simulated"  VF MAC/VLAN go to those files, not netlink
 *   hostdev_simulate = "e1000e"      VFs reach QEMU as emulated e1000e NICs
 *
 * Every file is written atomically, qemu.conf and DIR/sim/pfs with mode
 * 0600 like the rest of the root, the sysfs attributes 0644 as the kernel
 * shows them.
 *
 * Idempotent: running it again with the same arguments changes nothing; a
 * PF keeps its PCI bus (recorded in DIR/sim/pfs). PF k (in order of first
 * appearance) is 0000:(3+k):00.0, its VF i is 0000:(3+k):SS.F with
 * SS.F = 07.1 + i.
 */
#include "internal.h"

#include <errno.h>
#include <locale.h>
#include <glib/gstdio.h>

#include "virerror.h"
#include "virfile.h"

typedef struct {
    char *name;
    unsigned int vfs;
} simPF;

static void
simPFFree(gpointer data)
{
    simPF *pf = data;

    g_free(pf->name);
    g_free(pf);
}

static void
die(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

static void
die(const char *fmt, ...)
{
    va_list ap;

    fputs("virt-sriov-sim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* Strings built on the way, freed at exit. */
static GPtrArray *garbage;

static const char *
keep(char *s)
{
    if (!garbage)
        garbage = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(garbage, s);
    return s;
}

static const char *
joinPath(const char *dir, const char *name)
{
    return keep(g_build_filename(dir, name, NULL));
}

static const char *
joinRel(const char *prefix, const char *name)
{
    return keep(g_strconcat(prefix, name, NULL));
}

static void
mkdirs(const char *path)
{
    if (g_mkdir_with_parents(path, 0755) < 0)
        die(_("cannot create %s: %s"), path, g_strerror(errno));
}

static void
writeFile(const char *path, const char *content, mode_t mode)
{
    if (virFileWriteStrAtomic(path, content, mode) < 0)
        die("%s", virGetLastErrorMessage());
}

/* A symlink @link -> @target, replaced if it points elsewhere. */
static void
symlinkTo(const char *target, const char *link)
{
    g_autofree char *cur = g_file_read_link(link, NULL);

    if (cur && g_str_equal(cur, target))
        return;
    unlink(link);
    if (symlink(target, link) < 0)
        die(_("cannot link %s: %s"), link, g_strerror(errno));
}

/* The bus of every PF already simulated, in DIR/sim/pfs ("NAME BUS" lines). */
static GHashTable *
readBuses(const char *path)
{
    GHashTable *buses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents(path, &content, NULL, NULL))
        return buses;
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 2);

        if (f[0] && f[1])
            g_hash_table_insert(buses, g_strdup(f[0]), GUINT_TO_POINTER(atoi(f[1])));
    }
    return buses;
}

static void
writeBuses(const char *path, GHashTable *buses)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(buses), (GCompareFunc)strcmp);
    GList *k;

    for (k = keys; k; k = k->next)
        g_string_append_printf(out, "%s %u\n", (char *)k->data,
                               GPOINTER_TO_UINT(g_hash_table_lookup(buses, k->data)));
    writeFile(path, out->str, 0600);
}

static void
simulatePF(const char *sys, const char *name, unsigned int bus, unsigned int nvfs)
{
    g_autofree char *pfaddr = g_strdup_printf("0000:%02x:00.0", bus);
    g_autofree char *devices = g_build_filename(sys, "devices", "pci0000:00", NULL);
    g_autofree char *pfdir = g_build_filename(devices, pfaddr, NULL);
    g_autofree char *pfnet = g_build_filename(pfdir, "net", name, NULL);
    g_autofree char *classdir = g_build_filename(sys, "class", "net", name, NULL);
    g_autofree char *busdir = g_build_filename(sys, "bus", "pci", "devices", NULL);
    g_autofree char *count = g_strdup_printf("%u\n", nvfs);
    unsigned int i;

    mkdirs(pfnet);
    mkdirs(classdir);
    mkdirs(busdir);
    writeFile(joinPath(pfdir, "sriov_totalvfs"), count, 0644);
    writeFile(joinPath(pfdir, "sriov_numvfs"), count, 0644);
    writeFile(joinPath(pfnet, "operstate"), "up\n", 0644);
    symlinkTo(joinRel("../../../devices/pci0000:00/", pfaddr),
              joinPath(classdir, "device"));
    symlinkTo(joinRel("../../../devices/pci0000:00/", pfaddr),
              joinPath(busdir, pfaddr));

    for (i = 0; i < nvfs; i++) {
        unsigned int n = i + 0x39;   /* 07.1 is slot 7 function 1 */
        g_autofree char *vfaddr = g_strdup_printf("0000:%02x:%02x.%x", bus, n >> 3, n & 7);
        g_autofree char *vfdir = g_build_filename(devices, vfaddr, NULL);
        g_autofree char *link = g_strdup_printf("%s/virtfn%u", pfdir, i);
        g_autofree char *macfile = g_build_filename(vfdir, "sim_admin_mac", NULL);

        mkdirs(vfdir);
        symlinkTo(joinRel("../", vfaddr), link);
        symlinkTo(joinRel("../", pfaddr), joinPath(vfdir, "physfn"));
        symlinkTo(joinRel("../../../devices/pci0000:00/", vfaddr),
                  joinPath(busdir, vfaddr));
        if (!g_file_test(macfile, G_FILE_TEST_EXISTS)) {
            /* a VF's own MAC before any guest uses it */
            g_autofree char *mac = g_strdup_printf("02:00:%02x:%02x:%02x:%02x\n",
                                                   bus, n >> 3, n & 7, i & 0xff);

            writeFile(macfile, mac, 0644);
            writeFile(joinPath(vfdir, "sim_admin_vlan"), "0\n", 0644);
        }
    }
    /* fewer VFs than before: drop the extra links */
    for (i = nvfs;; i++) {
        g_autofree char *link = g_strdup_printf("%s/virtfn%u", pfdir, i);

        if (!g_file_test(link, G_FILE_TEST_IS_SYMLINK))
            break;
        unlink(link);
    }
}

/* Set KEY = "VALUE" in a libvirt-style configuration file. */
static void
setConfKey(const char *path, const char *key, const char *value)
{
    g_autofree char *content = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    bool found = false;
    size_t i;

    if (g_file_get_contents(path, &content, NULL, NULL)) {
        lines = g_strsplit(content, "\n", -1);
        for (i = 0; lines[i]; i++) {
            const char *l = lines[i];

            if (!lines[i + 1] && !*l)
                break;
            while (*l == ' ' || *l == '\t')
                l++;
            if (g_str_has_prefix(l, key) &&
                (l[strlen(key)] == ' ' || l[strlen(key)] == '=' || l[strlen(key)] == '\t')) {
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
    writeFile(path, out->str, 0600);
}

int
main(int argc, char **argv)
{
    g_autofree char *root = NULL;
    g_autoptr(GPtrArray) pfs = g_ptr_array_new_with_free_func(simPFFree);
    g_autofree char *sys = NULL;
    g_autofree char *pfsfile = NULL;
    g_autofree char *etc = NULL;
    g_autofree char *conf = NULL;
    g_autoptr(GHashTable) buses = NULL;
    simPF *cur = NULL;
    unsigned int nextBus = 3;
    GHashTableIter it;
    gpointer v;
    int i;

    setlocale(LC_ALL, "");
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (g_str_equal(a, "--root") && val) {
            root = g_canonicalize_filename(val, NULL);
            i++;
        } else if (g_str_equal(a, "--pf") && val) {
            cur = g_new0(simPF, 1);
            cur->name = g_strdup(val);
            g_ptr_array_add(pfs, cur);
            i++;
        } else if (g_str_equal(a, "--vfs") && val && cur) {
            gint64 n;

            if (!g_ascii_string_to_signed(val, 10, 1, 256, &n, NULL))
                die(_("--vfs needs a number from 1 to 256, not '%s'"), val);
            cur->vfs = n;
            i++;
        } else if (g_str_equal(a, "--help") || g_str_equal(a, "-h")) {
            printf("usage: virt-sriov-sim --root DIR --pf NAME --vfs N [--pf NAME --vfs N]...\n");
            return EXIT_SUCCESS;
        } else {
            die(_("unexpected argument '%s'; usage: --root DIR --pf NAME --vfs N ..."), a);
        }
    }
    if (!root || pfs->len == 0)
        die("%s", _("usage: virt-sriov-sim --root DIR --pf NAME --vfs N [--pf NAME --vfs N]..."));

    sys = g_build_filename(root, "sim", "sys", NULL);
    pfsfile = g_build_filename(root, "sim", "pfs", NULL);
    mkdirs(sys);
    buses = readBuses(pfsfile);
    g_hash_table_iter_init(&it, buses);
    while (g_hash_table_iter_next(&it, NULL, &v))
        nextBus = MAX(nextBus, GPOINTER_TO_UINT(v) + 1);

    for (i = 0; i < (int)pfs->len; i++) {
        simPF *pf = g_ptr_array_index(pfs, i);
        unsigned int bus;

        if (!pf->vfs)
            die(_("--pf %s needs --vfs N"), pf->name);
        if (strchr(pf->name, '/') || pf->name[0] == '.')
            die(_("invalid PF name '%s'"), pf->name);
        if (!(bus = GPOINTER_TO_UINT(g_hash_table_lookup(buses, pf->name)))) {
            if (nextBus > 0xff)
                die("%s", _("too many simulated PFs"));
            bus = nextBus++;
            g_hash_table_insert(buses, g_strdup(pf->name), GUINT_TO_POINTER(bus));
        }
        simulatePF(sys, pf->name, bus, pf->vfs);
        printf(_("simulated PF %s at 0000:%02x:00.0 with %u VFs\n"), pf->name, bus, pf->vfs);
    }
    writeBuses(pfsfile, buses);

    etc = g_build_filename(root, "etc", NULL);
    conf = g_build_filename(etc, "qemu.conf", NULL);
    mkdirs(etc);
    setConfKey(conf, "sysfs_root", sys);
    setConfKey(conf, "vf_config_backend", "simulated");
    setConfKey(conf, "hostdev_simulate", "e1000e");
    printf(_("%s: this host is simulated (sysfs_root, vf_config_backend, hostdev_simulate)\n"), conf);
    if (garbage)
        g_ptr_array_unref(garbage);
    return EXIT_SUCCESS;
}
