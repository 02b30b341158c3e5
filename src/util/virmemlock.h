/*
 * virmemlock.h: the locked-memory limit (RLIMIT_MEMLOCK) of a process
 *
 * A QEMU that passes a device through with vfio pins all guest memory
 * (the device may DMA anywhere in it): its RLIMIT_MEMLOCK must cover the
 * guest's maximum memory and what QEMU itself maps for the IOMMU, 1 GiB
 * of headroom. The kernel's default is 8 MiB, so the limit is raised for
 * such a QEMU before it starts (in the child, before exec), and raised on
 * the running QEMU before a first vfio device is hot-plugged into it.
 */
#pragma once

#include "internal.h"

#include <sys/types.h>

/* The limit a guest of @memoryKiB of memory needs once it has a vfio device */
unsigned long long virMemLockLimitForVFIO(unsigned long long memoryKiB);

/* Can this process give a child (or raise a process to) a limit of
 * @bytes? 1 when its own hard limit is that high or it may raise limits
 * (CAP_SYS_RESOURCE); 0 when no limit is needed: it runs as root with
 * CAP_IPC_LOCK, which its children keep, and the kernel counts nothing
 * such a process locks (containers often drop CAP_SYS_RESOURCE but not
 * CAP_IPC_LOCK); else -1 with an error naming both numbers and how to
 * raise the limit. @what names the guest, for the message. */
int virMemLockCheckGrantable(unsigned long long bytes, const char *what);

/* Does process @pid (0: this one) lock memory without limit
 * (CAP_IPC_LOCK in its effective set)? */
bool virMemLockUnlimited(pid_t pid);

/* Raise the limit of process @pid (0: this one) to @bytes, soft and hard,
 * unless it is that high already. An error names the process and limit. */
int virMemLockRaise(pid_t pid, unsigned long long bytes);

/* The limit of process @pid (soft), in *@bytes; RLIM_INFINITY as
 * G_MAXUINT64. */
int virMemLockGet(pid_t pid, unsigned long long *bytes);
