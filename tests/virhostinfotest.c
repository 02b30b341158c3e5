/*
 * virhostinfotest.c: the host's node info from a made-up /sys and /proc
 */
#include "internal.h"

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostinfo.h"

/* A tree with @ncpus CPUs listed online as @online; CPU i is in package
 * pkg[i] with core id core[i]; @nodes NUMA node directories. */
static char *
testTree(const char *online, unsigned int ncpus, const unsigned int *pkg,
         const unsigned int *core, unsigned int nodes)
{
    g_autofree char *dir = g_dir_make_tmp("hostinfoXXXXXX", NULL);
    g_autofree char *path = NULL;
    unsigned int i;

    path = g_build_filename(dir, "sys/devices/system/cpu", NULL);
    g_mkdir_with_parents(path, 0700);
    g_free(path);
    path = g_build_filename(dir, "sys/devices/system/cpu/online", NULL);
    g_file_set_contents(path, online, -1, NULL);
    for (i = 0; i < ncpus; i++) {
        g_autofree char *topo = g_strdup_printf("%s/sys/devices/system/cpu/cpu%u/topology", dir, i);
        g_autofree char *p1 = g_build_filename(topo, "physical_package_id", NULL);
        g_autofree char *p2 = g_build_filename(topo, "core_id", NULL);
        g_autofree char *v1 = g_strdup_printf("%u\n", pkg[i]);
        g_autofree char *v2 = g_strdup_printf("%u\n", core[i]);

        g_mkdir_with_parents(topo, 0700);
        g_file_set_contents(p1, v1, -1, NULL);
        g_file_set_contents(p2, v2, -1, NULL);
    }
    for (i = 0; i < nodes; i++) {
        g_autofree char *n = g_strdup_printf("%s/sys/devices/system/node/node%u", dir, i);

        g_mkdir_with_parents(n, 0700);
    }
    g_free(path);
    path = g_build_filename(dir, "proc", NULL);
    g_mkdir_with_parents(path, 0700);
    g_free(path);
    path = g_build_filename(dir, "proc/meminfo", NULL);
    g_file_set_contents(path, "MemFree:        1000 kB\nMemTotal:       24683748 kB\n", -1, NULL);
    g_free(path);
    path = g_build_filename(dir, "proc/cpuinfo", NULL);
    g_file_set_contents(path, "processor\t: 0\ncpu MHz\t\t: 2096.021\n\nprocessor\t: 1\ncpu MHz\t\t: 1800.000\n",
                        -1, NULL);
    return g_steal_pointer(&dir);
}

static int
testCheck(const char *dir, unsigned int cpus, unsigned int nodes, unsigned int sockets,
          unsigned int cores, unsigned int threads)
{
    g_autofree char *sys = g_build_filename(dir, "sys", NULL);
    g_autofree char *proc = g_build_filename(dir, "proc", NULL);
    virHostInfo info;
    int ret = 0;

    if (virHostInfoGet(&info, sys, proc) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        ret = -1;
    } else if (info.cpus != cpus || info.nodes != nodes || info.sockets != sockets ||
               info.cores != cores || info.threads != threads || info.memory != 24683748 ||
               info.mhz != 2096 || !*info.model) {
        printf("#   got cpus %u nodes %u sockets %u cores %u threads %u memory %llu mhz %u\n",
               info.cpus, info.nodes, info.sockets, info.cores, info.threads, info.memory, info.mhz);
        ret = -1;
    }
    virFileDeleteTree(dir);
    return ret;
}

static int
testTwoNodes(const void *opaque G_GNUC_UNUSED)
{
    /* 2 nodes, one package each, 2 cores of 2 threads per package */
    static const unsigned int pkg[] = { 0, 0, 0, 0, 1, 1, 1, 1 };
    static const unsigned int core[] = { 0, 0, 1, 1, 0, 0, 1, 1 };
    g_autofree char *dir = testTree("0-7\n", 8, pkg, core, 2);

    return testCheck(dir, 8, 2, 1, 2, 2);
}

static int
testFlat(const void *opaque G_GNUC_UNUSED)
{
    /* no node directory at all: one node */
    static const unsigned int pkg[] = { 0, 0 };
    static const unsigned int core[] = { 0, 1 };
    g_autofree char *dir = testTree("0-1\n", 2, pkg, core, 0);

    return testCheck(dir, 2, 1, 1, 2, 1);
}

static int
testUneven(const void *opaque G_GNUC_UNUSED)
{
    /* CPU 3 offline: 3 CPUs do not make whole cores of 2 threads */
    static const unsigned int pkg[] = { 0, 0, 0, 0 };
    static const unsigned int core[] = { 0, 0, 1, 1 };
    g_autofree char *dir = testTree("0-2\n", 4, pkg, core, 1);

    return testCheck(dir, 3, 1, 1, 3, 1);
}

static int
testMissing(const void *opaque G_GNUC_UNUSED)
{
    virHostInfo info;

    if (virHostInfoGet(&info, "/nonexistent/sys", "/nonexistent/proc") == 0)
        return -1;
    return virTestExpectError("missing /proc", "/nonexistent/proc/meminfo");
}

static int
mymain(void)
{
    virTestRun("two NUMA nodes with SMT", testTwoNodes, NULL);
    virTestRun("no NUMA directory", testFlat, NULL);
    virTestRun("topology that does not add up", testUneven, NULL);
    virTestRun("missing files", testMissing, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
