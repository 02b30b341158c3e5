/*
 * virmemlock.c: the locked-memory limit (RLIMIT_MEMLOCK) of a process
 */
#include "internal.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "virerror.h"
#include "virmemlock.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* linux/capability.h */
#define VIR_MEMLOCK_CAP_IPC_LOCK 14
#define VIR_MEMLOCK_CAP_SYS_RESOURCE 24

#define VIR_MEMLOCK_HEADROOM (1024ULL * 1024 * 1024)

unsigned long long
virMemLockLimitForVFIO(unsigned long long memoryKiB)
{
    return memoryKiB * 1024 + VIR_MEMLOCK_HEADROOM;
}

static unsigned long long
virMemLockFromRlim(rlim_t value)
{
    return value == RLIM_INFINITY ? G_MAXUINT64 : (unsigned long long)value;
}

/* The effective capabilities of process @pid (0: this one); none when
 * they cannot be read. */
static unsigned long long
virMemLockCaps(pid_t pid)
{
    g_autofree char *path = pid ? g_strdup_printf("/proc/%lld/status", (long long)pid) :
                                  g_strdup("/proc/self/status");
    g_autofree char *status = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents(path, &status, NULL, NULL))
        return 0;
    lines = g_strsplit(status, "\n", 0);
    for (i = 0; lines[i]; i++) {
        unsigned long long caps;

        if (g_str_has_prefix(lines[i], "CapEff:") &&
            virStrToLong_ull(g_strstrip(lines[i] + strlen("CapEff:")), NULL, 16, &caps) == 0)
            return caps;
    }
    return 0;
}

#define VIR_MEMLOCK_HAS(caps, cap) (((caps) >> (cap)) & 1)

int
virMemLockGet(pid_t pid, unsigned long long *bytes)
{
    struct rlimit cur;

    if (prlimit(pid, RLIMIT_MEMLOCK, NULL, &cur) < 0) {
        virReportSystemError(errno, _("cannot read the locked-memory limit of process %lld"),
                             (long long)(pid ? pid : getpid()));
        return -1;
    }
    *bytes = virMemLockFromRlim(cur.rlim_cur);
    return 0;
}

int
virMemLockCheckGrantable(unsigned long long bytes, const char *what)
{
    unsigned long long caps;
    struct rlimit cur;

    if (getrlimit(RLIMIT_MEMLOCK, &cur) < 0) {
        virReportSystemError(errno, "%s", _("cannot read the locked-memory limit"));
        return -1;
    }
    if (virMemLockFromRlim(cur.rlim_max) >= bytes)
        return 1;
    caps = virMemLockCaps(0);
    if (VIR_MEMLOCK_HAS(caps, VIR_MEMLOCK_CAP_SYS_RESOURCE))
        return 1;
    /* root keeps its capabilities across exec: the kernel does not count
     * what a process with CAP_IPC_LOCK locks against any limit */
    if (geteuid() == 0 && VIR_MEMLOCK_HAS(caps, VIR_MEMLOCK_CAP_IPC_LOCK))
        return 0;
    virReportError(VIR_ERR_OPERATION_INVALID,
                   _("%s needs a locked-memory limit (RLIMIT_MEMLOCK) of %llu KiB for its vfio devices (its memory and 1 GiB), but this process may grant at most %llu KiB and cannot raise it (no CAP_SYS_RESOURCE, and QEMU would not have CAP_IPC_LOCK): raise the hard limit of the daemon (LimitMEMLOCK= of its service, 'ulimit -l', /etc/security/limits.conf) or run it as root"),
                   what, bytes / 1024, virMemLockFromRlim(cur.rlim_max) / 1024);
    return -1;
}

bool
virMemLockUnlimited(pid_t pid)
{
    return VIR_MEMLOCK_HAS(virMemLockCaps(pid), VIR_MEMLOCK_CAP_IPC_LOCK);
}

int
virMemLockRaise(pid_t pid, unsigned long long bytes)
{
    struct rlimit want = { (rlim_t)bytes, (rlim_t)bytes };
    unsigned long long cur;

    if (virMemLockGet(pid, &cur) < 0)
        return -1;
    if (cur >= bytes)
        return 0;
    if (prlimit(pid, RLIMIT_MEMLOCK, &want, NULL) < 0) {
        virReportSystemError(errno,
                             _("cannot raise the locked-memory limit of process %lld to %llu KiB"),
                             (long long)(pid ? pid : getpid()), bytes / 1024);
        return -1;
    }
    return 0;
}
