/*
 * virrootrun.h: a root's run directory, linked into a tmpfs
 */
#pragma once

#include "internal.h"

/* The system daemon's root (qemu:///system, docs/daemon.rst), and the
 * directory its run/ links to: on the host's /run, a tmpfs. */
#define VIR_SYSTEM_ROOT "/var/lib/libvirt/virtqemud"
#define VIR_SYSTEM_ROOT_RUN "/run/libvirt/virtqemud"

/* Make ROOT/run a symbolic link to @target (made, 0755, if missing) when
 * @root has no run/ yet, or has a directory that an earlier boot of the
 * host left. A link stays as it is, wherever it points. 0 run/ is a link,
 * 1 run/ is a directory of this boot kept on the disk (guests of it may
 * run; it is linked at the first open after the next boot), -1 error.
 * The caller holds the root's lock (the conversion must not race another
 * process's first open of the boot). */
int virRootRunLink(const char *root, const char *target);
