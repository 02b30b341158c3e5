/*
 * testqemusim.h: a QEMU driver for a simulated SR-IOV host, for tests of
 * driver code that runs no guest
 *
 * virt-sriov-sim (its path in $VIRT_SRIOV_SIM) makes a root with the PF
 * ens1f0 and @nvfs VFs (0000:03:07.1, .2, ...; the "simulated" VF config
 * backend); the hostdev network 'vfpool' on ens1f0 is defined and started
 * through the public API; the driver has the root's configuration and
 * network driver state (no domain list sync, no lock of the root).
 */
#pragma once

#include "qemu/qemu_conf.h"

typedef struct {
    char *root;
    virQEMUDriver *driver;
} testQEMUSim;

/* NULL with a message on stdout on failure. */
testQEMUSim *testQEMUSimNew(unsigned int nvfs);
void testQEMUSimFree(testQEMUSim *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testQEMUSim, testQEMUSimFree);

/* The admin MAC the simulated host gives @vf ("0000:03:07.1"). */
char *testQEMUSimVFMac(testQEMUSim *sim, const char *vf);

/* 0 when @vf has MAC @mac and @used VFs of 'vfpool' are in use; else -1
 * with what differs printed (prefixed by @what). */
int testQEMUSimCheckVF(testQEMUSim *sim, const char *what, const char *vf,
                       const char *mac, unsigned int used);
