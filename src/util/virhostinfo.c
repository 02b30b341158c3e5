/*
 * virhostinfo.c: what virNodeGetInfo reports about the host
 */
#include "internal.h"

#include <sys/utsname.h>

#include "virerror.h"
#include "virfile.h"
#include "virhostinfo.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* The CPUs of a list such as "0-3,8,10-11"; -1 if malformed. */
static int
virHostInfoParseCPUList(const char *list, GArray *cpus)
{
    g_auto(GStrv) parts = g_strsplit(list, ",", -1);
    size_t i;

    for (i = 0; parts[i]; i++) {
        g_auto(GStrv) range = NULL;
        guint64 lo;
        guint64 hi;
        guint v;

        g_strstrip(parts[i]);
        if (!*parts[i])
            continue;
        range = g_strsplit(parts[i], "-", 2);
        if (!g_ascii_string_to_unsigned(range[0], 10, 0, 65535, &lo, NULL))
            return -1;
        hi = lo;
        if (range[1] && !g_ascii_string_to_unsigned(range[1], 10, lo, 65535, &hi, NULL))
            return -1;
        for (v = lo; v <= hi; v++)
            g_array_append_val(cpus, v);
    }
    return 0;
}

static int
virHostInfoReadUInt(const char *path, guint64 *value)
{
    g_autofree char *buf = NULL;

    if (virFileReadAll(path, 64, &buf) < 0)
        return -1;
    g_strstrip(buf);
    if (!g_ascii_string_to_unsigned(buf, 10, 0, G_MAXUINT32, value, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected content '%s' in '%s'"), buf, path);
        return -1;
    }
    return 0;
}

/* The value of the first line "KEY<blanks>: VALUE" of @text. */
static char *
virHostInfoField(const char *text, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');

        if (!colon)
            continue;
        *colon = '\0';
        g_strstrip(lines[i]);
        if (STREQ(lines[i], key))
            return g_strstrip(g_strdup(colon + 1));
    }
    return NULL;
}

static unsigned int
virHostInfoCountNodes(const char *sysfs)
{
    g_autofree char *dir = g_build_filename(sysfs, "devices/system/node", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    unsigned int n = 0;

    while (d && (name = g_dir_read_name(d))) {
        if (g_str_has_prefix(name, "node") && g_ascii_isdigit(name[4]))
            n++;
    }
    return n ? n : 1;
}

int
virHostInfoGet(virHostInfo *info, const char *sysfs, const char *procfs)
{
    g_autofree char *meminfo = NULL;
    g_autofree char *cpuinfo = NULL;
    g_autofree char *online = NULL;
    g_autofree char *onlinePath = g_build_filename(sysfs, "devices/system/cpu/online", NULL);
    g_autofree char *memPath = g_build_filename(procfs, "meminfo", NULL);
    g_autofree char *cpuPath = g_build_filename(procfs, "cpuinfo", NULL);
    g_autofree char *memTotal = NULL;
    g_autofree char *mhz = NULL;
    g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autoptr(GHashTable) packages = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) cores = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autofree gint64 *coreKeys = NULL;
    struct utsname uts;
    guint64 kib;
    unsigned int sockets;
    guint i;

    memset(info, 0, sizeof(*info));
    if (uname(&uts) == 0)
        g_strlcpy(info->model, uts.machine, sizeof(info->model));

    if (virFileReadAll(memPath, 1024 * 1024, &meminfo) < 0)
        return -1;
    if (!(memTotal = virHostInfoField(meminfo, "MemTotal")) ||
        !g_ascii_string_to_unsigned(g_strdelimit(memTotal, " k", '\0'), 10, 0, G_MAXUINT64,
                                    &kib, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("no MemTotal in '%s'"), memPath);
        return -1;
    }
    info->memory = kib;

    if (virFileReadAll(onlinePath, 64 * 1024, &online) < 0)
        return -1;
    if (virHostInfoParseCPUList(online, cpus) < 0 || cpus->len == 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected CPU list '%s' in '%s'"),
                       g_strstrip(online), onlinePath);
        return -1;
    }
    info->cpus = cpus->len;

    /* the clock of the first CPU listed, as libvirt reports it; some
     * architectures do not say (0) */
    if (g_file_get_contents(cpuPath, &cpuinfo, NULL, NULL) &&
        (mhz = virHostInfoField(cpuinfo, "cpu MHz")))
        info->mhz = g_ascii_strtoull(mhz, NULL, 10);

    coreKeys = g_new0(gint64, cpus->len);
    for (i = 0; i < cpus->len; i++) {
        guint cpu = g_array_index(cpus, guint, i);
        g_autofree char *pkgPath = g_strdup_printf("%s/devices/system/cpu/cpu%u/topology/physical_package_id",
                                                   sysfs, cpu);
        g_autofree char *corePath = g_strdup_printf("%s/devices/system/cpu/cpu%u/topology/core_id",
                                                    sysfs, cpu);
        guint64 pkg;
        guint64 core;

        if (virHostInfoReadUInt(pkgPath, &pkg) < 0 || virHostInfoReadUInt(corePath, &core) < 0)
            return -1;
        g_hash_table_add(packages, GUINT_TO_POINTER(pkg + 1));
        coreKeys[i] = (gint64)(pkg << 32 | core);
        g_hash_table_add(cores, &coreKeys[i]);
    }

    info->nodes = virHostInfoCountNodes(sysfs);
    sockets = g_hash_table_size(packages);
    if (sockets % info->nodes == 0) {
        info->sockets = sockets / info->nodes;
        info->cores = g_hash_table_size(cores) / sockets;
        info->threads = info->cpus / g_hash_table_size(cores);
    }
    if (!info->sockets || !info->cores || !info->threads ||
        info->nodes * info->sockets * info->cores * info->threads != info->cpus) {
        info->nodes = 1;
        info->sockets = 1;
        info->cores = info->cpus;
        info->threads = 1;
    }
    return 0;
}
