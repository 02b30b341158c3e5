/*
 * virt-sriov-sim: give an embedded root a simulated SR-IOV host
 *
 *   virt-sriov-sim --root DIR [--sysfs-only]
 *                  --pf NAME --vfs N [--totalvfs M] [--pf NAME --vfs N]...
 *
 * Creates under DIR/sim/sys the part of a sysfs tree the SR-IOV code reads
 * (the layout is described in virsriovsim.h: class/net/PF/device with
 * sriov_totalvfs, sriov_numvfs and virtfnN links, bus/pci/devices/ADDR,
 * each VF with a physfn link back and files holding its admin MAC and
 * VLAN, and the host's own SMBIOS UUID), and sets in DIR/etc/qemu.conf:
 *
 *   sysfs_root = "DIR/sim/sys"       where discovery reads sysfs
 *   vf_config_backend = "simulated"  VF MAC/VLAN go to those files, not netlink
 *   hostdev_simulate = "e1000e"      VFs reach QEMU as emulated e1000e NICs
 *
 * --sysfs-only sets sysfs_root alone: discovery and pools on the simulated
 * tree, command lines with vfio-pci as on a real host (nothing can run).
 * --vfs 0 with --totalvfs M is an SR-IOV capable PF without VFs enabled.
 *
 * Every file is written atomically, qemu.conf and DIR/sim/pfs with mode
 * 0600 like the rest of the root, the sysfs attributes 0644 as the kernel
 * shows them.
 *
 * Idempotent: running it again with the same arguments changes nothing; a
 * PF keeps its PCI bus (recorded in DIR/sim/pfs). PF k (in order of first
 * appearance) is on bus 3+k.
 */
#include "internal.h"

#include <errno.h>
#include <locale.h>
#include <glib/gstdio.h>

#include "virerror.h"
#include "virfile.h"
#include "virsriovsim.h"

typedef struct {
    char *name;
    int vfs;            /* -1: not given */
    unsigned int totalvfs;  /* 0: as many as vfs */
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

static int
writeBuses(const char *path, GHashTable *buses)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(buses), (GCompareFunc)strcmp);
    GList *k;

    for (k = keys; k; k = k->next)
        g_string_append_printf(out, "%s %u\n", (char *)k->data,
                               GPOINTER_TO_UINT(g_hash_table_lookup(buses, k->data)));
    return virFileWriteStrAtomic(path, out->str, 0600);
}

static unsigned int
parseCount(const char *opt, const char *val, unsigned int min)
{
    gint64 n;

    if (!g_ascii_string_to_signed(val, 10, min, 256, &n, NULL))
        die(_("%s needs a number from %u to 256, not '%s'"), opt, min, val);
    return n;
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
    bool sysfsOnly = false;
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
        } else if (g_str_equal(a, "--sysfs-only")) {
            sysfsOnly = true;
        } else if (g_str_equal(a, "--pf") && val) {
            cur = g_new0(simPF, 1);
            cur->name = g_strdup(val);
            cur->vfs = -1;
            g_ptr_array_add(pfs, cur);
            i++;
        } else if (g_str_equal(a, "--vfs") && val && cur) {
            cur->vfs = parseCount(a, val, 0);
            i++;
        } else if (g_str_equal(a, "--totalvfs") && val && cur) {
            cur->totalvfs = parseCount(a, val, 1);
            i++;
        } else if (g_str_equal(a, "--help") || g_str_equal(a, "-h")) {
            printf("usage: virt-sriov-sim --root DIR [--sysfs-only] --pf NAME --vfs N [--totalvfs M] [--pf NAME --vfs N]...\n");
            return EXIT_SUCCESS;
        } else {
            die(_("unexpected argument '%s'; usage: --root DIR [--sysfs-only] --pf NAME --vfs N [--totalvfs M] ..."), a);
        }
    }
    if (!root || pfs->len == 0)
        die("%s", _("usage: virt-sriov-sim --root DIR [--sysfs-only] --pf NAME --vfs N [--totalvfs M] [--pf NAME --vfs N]..."));

    sys = g_build_filename(root, "sim", "sys", NULL);
    pfsfile = g_build_filename(root, "sim", "pfs", NULL);
    if (g_mkdir_with_parents(sys, 0755) < 0)
        die(_("cannot create %s: %s"), sys, g_strerror(errno));
    buses = readBuses(pfsfile);
    g_hash_table_iter_init(&it, buses);
    while (g_hash_table_iter_next(&it, NULL, &v))
        nextBus = MAX(nextBus, GPOINTER_TO_UINT(v) + 1);

    for (i = 0; i < (int)pfs->len; i++) {
        simPF *pf = g_ptr_array_index(pfs, i);
        unsigned int total;
        unsigned int bus;

        if (pf->vfs < 0)
            die(_("--pf %s needs --vfs N"), pf->name);
        total = pf->totalvfs ? pf->totalvfs : (unsigned int)pf->vfs;
        if (total == 0)
            die(_("--pf %s --vfs 0 needs --totalvfs M: how many VFs the PF could have"), pf->name);
        if (strchr(pf->name, '/') || pf->name[0] == '.')
            die(_("invalid PF name '%s'"), pf->name);
        if (!(bus = GPOINTER_TO_UINT(g_hash_table_lookup(buses, pf->name)))) {
            if (nextBus > 0xff)
                die("%s", _("too many simulated PFs"));
            bus = nextBus++;
            g_hash_table_insert(buses, g_strdup(pf->name), GUINT_TO_POINTER(bus));
        }
        if (pf->vfs > 198) {
            /* VF 199 on are on the next bus (virsriovsim.h) */
            GHashTableIter other;
            gpointer name;

            g_hash_table_iter_init(&other, buses);
            while (g_hash_table_iter_next(&other, &name, &v)) {
                if (GPOINTER_TO_UINT(v) == bus + 1)
                    die(_("--pf %s --vfs %d: VFs from the 199th on take bus %02x, which PF %s has; give it fewer VFs or simulate it in another root"),
                        pf->name, pf->vfs, bus + 1, (const char *)name);
            }
            nextBus = MAX(nextBus, bus + 2);
        }
        if (virSRIOVSimPF(sys, pf->name, bus, pf->vfs, total) < 0)
            die("%s", virGetLastErrorMessage());
        printf(_("simulated PF %s at 0000:%02x:00.0 with %d VFs\n"), pf->name, bus, pf->vfs);
    }
    if (writeBuses(pfsfile, buses) < 0 || virSRIOVSimHostUUID(sys) < 0)
        die("%s", virGetLastErrorMessage());

    etc = g_build_filename(root, "etc", NULL);
    conf = g_build_filename(etc, "qemu.conf", NULL);
    if (g_mkdir_with_parents(etc, 0755) < 0)
        die(_("cannot create %s: %s"), etc, g_strerror(errno));
    if (virSRIOVSimSetConfKey(conf, "sysfs_root", sys) < 0)
        die("%s", virGetLastErrorMessage());
    if (sysfsOnly) {
        printf(_("%s: sysfs_root is the simulated tree\n"), conf);
        return EXIT_SUCCESS;
    }
    if (virSRIOVSimSetConfKey(conf, "vf_config_backend", "simulated") < 0 ||
        virSRIOVSimSetConfKey(conf, "hostdev_simulate", "e1000e") < 0)
        die("%s", virGetLastErrorMessage());
    printf(_("%s: this host is simulated (sysfs_root, vf_config_backend, hostdev_simulate)\n"), conf);
    return EXIT_SUCCESS;
}
