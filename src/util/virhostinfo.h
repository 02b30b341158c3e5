/*
 * virhostinfo.h: what virNodeGetInfo reports about the host
 *
 * Read from the running kernel: the machine name (uname), the memory
 * (/proc/meminfo MemTotal), the online CPUs and the clock of the first
 * one (/proc/cpuinfo "cpu MHz"), the NUMA nodes (/sys/devices/system/node)
 * and the topology of the online CPUs (physical_package_id, core_id). As
 * libvirt does, nodes x sockets x cores x threads equals the CPUs: when
 * the topology cannot say so (offline CPUs, uneven nodes), the host is
 * reported as one node with one socket of CPUs cores of one thread.
 */
#pragma once

#include "internal.h"

typedef struct {
    char model[32];               /* "x86_64" */
    unsigned long long memory;    /* KiB */
    unsigned int cpus;
    unsigned int mhz;             /* 0 when unknown */
    unsigned int nodes;
    unsigned int sockets;         /* per node */
    unsigned int cores;           /* per socket */
    unsigned int threads;         /* per core */
} virHostInfo;

/* @sysfs: "/sys" (or a copy for tests); @procfs: "/proc". 0, or -1 with
 * an error naming the file that could not be read. */
int virHostInfoGet(virHostInfo *info, const char *sysfs, const char *procfs);
