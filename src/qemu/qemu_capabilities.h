/*
 * qemu_capabilities.h: what an installed QEMU can do
 *
 * Probed over QMP (the emulator runs with -machine none, no guest) and
 * cached per emulator under ROOT/cache/capabilities/<sha256 of path>.xml.
 */
#pragma once

#include "internal.h"
#include "virenum.h"
#include "qemu_monitor.h"

typedef enum {
    QEMU_CAPS_VIRTIO_NET_FAILOVER,      /* virtio-net-pci has 'failover' */
    QEMU_CAPS_DEVICE_JSON,              /* -device accepts JSON */
    QEMU_CAPS_DEVICE_VIRTIO_NET,        /* virtio-net-pci */
    QEMU_CAPS_DEVICE_VFIO_PCI,
    QEMU_CAPS_DEVICE_E1000E,
    QEMU_CAPS_DEVICE_PCIE_ROOT_PORT,
    QEMU_CAPS_DEVICE_QEMU_XHCI,
    QEMU_CAPS_DEVICE_VIRTIO_BALLOON,
    QEMU_CAPS_MIGRATION_WAIT_UNPLUG,    /* migration status 'wait-unplug' */
    QEMU_CAPS_EVENT_UNPLUG_PRIMARY,
    QEMU_CAPS_EVENT_FAILOVER_NEGOTIATED,
    QEMU_CAPS_KVM,                      /* KVM present (not: usable) */

    QEMU_CAPS_LAST
} virQEMUCapsFlags;
VIR_ENUM_DECL(virQEMUCaps);

typedef struct _virQEMUCapsMachine virQEMUCapsMachine;
struct _virQEMUCapsMachine {
    char *name;             /* pc-q35-7.2 */
    char *alias;            /* q35, or NULL */
    unsigned int maxCpus;   /* query-machines' cpu-max */
    bool isDefault;
    bool deprecated;
};

typedef struct _virQEMUCaps virQEMUCaps;
struct _virQEMUCaps {
    char *binary;
    gint64 ctime;           /* of the binary when probed (ns) */
    gint64 size;
    char *selfvers;         /* our build id when probed */
    unsigned long version;  /* major * 1000000 + minor * 1000 + micro */
    char *package;
    bool kvmUsable;         /* KVM usability decided for this host */
    bool flags[QEMU_CAPS_LAST];
    virQEMUCapsMachine *machines;
    size_t nmachines;
};

void virQEMUCapsFree(virQEMUCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUCaps, virQEMUCapsFree);

bool virQEMUCapsGet(const virQEMUCaps *caps, virQEMUCapsFlags flag);

/* "q35" -> "pc-q35-7.2"; NULL -> the default machine. Returns NULL (with an
 * error) when the emulator has no such machine. */
const char *virQEMUCapsResolveMachine(const virQEMUCaps *caps, const char *machine);

/* Fill @caps by asking an emulator (all queries of the probe) on @mon:
 * the emulator's, or a replay of a recording (tests). */
int virQEMUCapsProbeQMP(virQEMUCaps *caps, qemuMonitor *mon);

/* Spawn @binary with -machine none and probe it; always kills and reaps it.
 * If @record is given, every command and reply is appended to it in the
 * .replies format (for tests/qemucapabilitiesdata). */
virQEMUCaps *virQEMUCapsNewForBinary(const char *binary, GString *record);

/* The capabilities of @binary: from the cache in @cacheDir when it is
 * still valid (same binary ctime and size, same build of ours, same KVM
 * decision), else probed and cached. @kvmUsable: this host's decision. */
virQEMUCaps *virQEMUCapsCacheLookup(const char *cacheDir, const char *binary,
                                    bool kvmUsable);

/* Cache file format */
char *virQEMUCapsFormatCache(const virQEMUCaps *caps);
virQEMUCaps *virQEMUCapsParseCache(const char *xml);

/* Is /dev/kvm usable for real guests? Not when it is the paravirtual KVM
 * (kvm_pvm loaded) without vmx/svm in /proc/cpuinfo, which hangs guests.
 * @override: -1 decide, 0 force unusable, 1 force usable. */
bool virQEMUCapsKVMUsable(int override);
/* The same with other paths for /dev/kvm, /sys/module/kvm_pvm and
 * /proc/cpuinfo (tests). */
bool virQEMUCapsKVMUsableAt(int override, const char *devkvm,
                            const char *pvmModule, const char *cpuinfoPath);

/* Reject a definition that needs what @caps lacks (teaming without
 * virtio-net failover, ...). */
int virQEMUCapsValidateTeaming(const virQEMUCaps *caps, bool hasTeaming);

/* virsh capabilities / domcapabilities; @hostUUID: the host's
 * (virhostuuid.h) */
char *virQEMUCapsFormatHostCapabilities(const virQEMUCaps *caps, const unsigned char *hostUUID);
char *virQEMUCapsFormatDomainCapabilities(const virQEMUCaps *caps,
                                          const char *machine,
                                          const char *virttype);
