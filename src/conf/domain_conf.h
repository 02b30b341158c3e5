/*
 * domain_conf.h: the domain definition: parse, post-parse defaults,
 * format. Validation lives in domain_validate.h.
 *
 * Flow: XML -> virDomainDefParseString() (parse + post-parse defaults +
 * validate) -> virDomainDef -> virDomainDefFormat() -> XML.
 */
#pragma once

#include "internal.h"
#include "virenum.h"
#include "virmacaddr.h"
#include "virpci.h"
#include "device_conf.h"

/* <domain type=...> */
typedef enum {
    VIR_DOMAIN_VIRT_QEMU,
    VIR_DOMAIN_VIRT_KVM,

    VIR_DOMAIN_VIRT_LAST
} virDomainVirtType;
VIR_ENUM_DECL(virDomainVirt);

/* <features> we know; each is off unless present */
typedef enum {
    VIR_DOMAIN_FEATURE_ACPI,
    VIR_DOMAIN_FEATURE_APIC,

    VIR_DOMAIN_FEATURE_LAST
} virDomainFeature;
VIR_ENUM_DECL(virDomainFeature);

/* <os><boot dev=.../> */
typedef enum {
    VIR_DOMAIN_BOOT_FLOPPY,
    VIR_DOMAIN_BOOT_CDROM,
    VIR_DOMAIN_BOOT_DISK,
    VIR_DOMAIN_BOOT_NET,

    VIR_DOMAIN_BOOT_LAST
} virDomainBootOrder;
VIR_ENUM_DECL(virDomainBoot);

typedef enum {
    VIR_CPU_MODE_CUSTOM,
    VIR_CPU_MODE_HOST_MODEL,
    VIR_CPU_MODE_HOST_PASSTHROUGH,
    VIR_CPU_MODE_MAXIMUM,

    VIR_CPU_MODE_LAST
} virCPUMode;
VIR_ENUM_DECL(virCPUMode);

typedef enum {
    VIR_CPU_CHECK_DEFAULT = 0,
    VIR_CPU_CHECK_NONE,
    VIR_CPU_CHECK_PARTIAL,
    VIR_CPU_CHECK_FULL,

    VIR_CPU_CHECK_LAST
} virCPUCheck;
VIR_ENUM_DECL(virCPUCheck);

/* <cpu match=>, for mode='custom' */
typedef enum {
    VIR_CPU_MATCH_DEFAULT = 0,
    VIR_CPU_MATCH_MINIMUM,
    VIR_CPU_MATCH_EXACT,
    VIR_CPU_MATCH_STRICT,

    VIR_CPU_MATCH_LAST
} virCPUMatch;
VIR_ENUM_DECL(virCPUMatch);

/* <cpu><model fallback=> */
typedef enum {
    VIR_CPU_FALLBACK_DEFAULT = 0,
    VIR_CPU_FALLBACK_ALLOW,
    VIR_CPU_FALLBACK_FORBID,

    VIR_CPU_FALLBACK_LAST
} virCPUFallback;
VIR_ENUM_DECL(virCPUFallback);

typedef enum {
    VIR_DOMAIN_CLOCK_OFFSET_UTC,
    VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME,

    VIR_DOMAIN_CLOCK_OFFSET_LAST
} virDomainClockOffset;
VIR_ENUM_DECL(virDomainClockOffset);

/* on_poweroff / on_reboot / on_crash */
typedef enum {
    VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY,
    VIR_DOMAIN_LIFECYCLE_ACTION_RESTART,
    VIR_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME,
    VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE,
    VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY,
    VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART,

    VIR_DOMAIN_LIFECYCLE_ACTION_LAST
} virDomainLifecycleAction;
VIR_ENUM_DECL(virDomainLifecycleAction);

/* ---- disks ---- */
typedef enum {
    VIR_DOMAIN_DISK_TYPE_FILE,
    VIR_DOMAIN_DISK_TYPE_BLOCK,

    VIR_DOMAIN_DISK_TYPE_LAST
} virDomainDiskType;
VIR_ENUM_DECL(virDomainDiskType);

typedef enum {
    VIR_DOMAIN_DISK_DEVICE_DISK,
    VIR_DOMAIN_DISK_DEVICE_CDROM,

    VIR_DOMAIN_DISK_DEVICE_LAST
} virDomainDiskDevice;
VIR_ENUM_DECL(virDomainDiskDevice);

typedef enum {
    VIR_DOMAIN_DISK_BUS_VIRTIO,
    VIR_DOMAIN_DISK_BUS_SATA,

    VIR_DOMAIN_DISK_BUS_LAST
} virDomainDiskBus;
VIR_ENUM_DECL(virDomainDiskBus);

typedef enum {
    VIR_STORAGE_FILE_NONE = 0,   /* not given */
    VIR_STORAGE_FILE_RAW,
    VIR_STORAGE_FILE_QCOW2,

    VIR_STORAGE_FILE_LAST
} virStorageFileFormat;
VIR_ENUM_DECL(virStorageFileFormat);

typedef struct _virDomainDiskDef virDomainDiskDef;
struct _virDomainDiskDef {
    int type;               /* virDomainDiskType */
    int device;             /* virDomainDiskDevice */
    char *driverName;       /* <driver name='qemu'> */
    int format;             /* virStorageFileFormat */
    char *src;              /* file or block device path; NULL = empty */
    char *dst;              /* target dev: vda, sda */
    int bus;                /* virDomainDiskBus */
    bool readonly;
    virDomainDeviceInfo info;
};

/* ---- controllers ---- */
typedef enum {
    VIR_DOMAIN_CONTROLLER_TYPE_PCI,
    VIR_DOMAIN_CONTROLLER_TYPE_USB,
    VIR_DOMAIN_CONTROLLER_TYPE_SATA,

    VIR_DOMAIN_CONTROLLER_TYPE_LAST
} virDomainControllerType;
VIR_ENUM_DECL(virDomainController);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT = -1,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE, /* QEMU pcie-pci-bridge */

    VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST
} virDomainControllerModelPCI;
VIR_ENUM_DECL(virDomainControllerModelPCI);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT = -1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE,

    VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST
} virDomainControllerModelUSB;
VIR_ENUM_DECL(virDomainControllerModelUSB);

typedef struct _virDomainControllerDef virDomainControllerDef;
struct _virDomainControllerDef {
    int type;               /* virDomainControllerType */
    int idx;                /* index= */
    int model;              /* virDomainControllerModelPCI/USB, -1 default */
    /* pcie-root-port: <target chassis= port=/>, -1 when not set */
    int chassis;
    int port;
    virDomainDeviceInfo info;
};

/* ---- hostdev (PCI passthrough) ---- */
typedef enum {
    VIR_DOMAIN_HOSTDEV_MODE_SUBSYS,

    VIR_DOMAIN_HOSTDEV_MODE_LAST
} virDomainHostdevMode;
VIR_ENUM_DECL(virDomainHostdevMode);

typedef enum {
    VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI,

    VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_LAST
} virDomainHostdevSubsysType;
VIR_ENUM_DECL(virDomainHostdevSubsys);

typedef struct _virDomainNetDef virDomainNetDef;

typedef struct _virDomainHostdevDef virDomainHostdevDef;
struct _virDomainHostdevDef {
    int mode;                       /* virDomainHostdevMode */
    int subsysType;                 /* virDomainHostdevSubsysType */
    bool managed;
    virPCIDeviceAddress source;     /* host PCI address */
    virDomainNetTeamingInfo *teaming;   /* plain <hostdev> only */
    /* Set when this hostdev is the VF of an <interface>: the interface
     * owns it, formatting and addressing go through the interface. */
    virDomainNetDef *parentnet;
    virDomainDeviceInfo *info;      /* points to the interface's info when
                                     * parentnet is set, else to ownInfo */
    virDomainDeviceInfo ownInfo;
};

/* ---- network interfaces ---- */
typedef enum {
    VIR_DOMAIN_NET_TYPE_USER,
    VIR_DOMAIN_NET_TYPE_NETWORK,
    VIR_DOMAIN_NET_TYPE_BRIDGE,
    VIR_DOMAIN_NET_TYPE_HOSTDEV,

    VIR_DOMAIN_NET_TYPE_LAST
} virDomainNetType;
VIR_ENUM_DECL(virDomainNet);

typedef enum {
    VIR_DOMAIN_NET_MODEL_UNKNOWN,   /* no <model> */
    VIR_DOMAIN_NET_MODEL_VIRTIO,
    VIR_DOMAIN_NET_MODEL_VIRTIO_TRANSITIONAL,
    VIR_DOMAIN_NET_MODEL_VIRTIO_NON_TRANSITIONAL,
    VIR_DOMAIN_NET_MODEL_E1000,
    VIR_DOMAIN_NET_MODEL_E1000E,
    VIR_DOMAIN_NET_MODEL_RTL8139,

    VIR_DOMAIN_NET_MODEL_LAST
} virDomainNetModelType;
VIR_ENUM_DECL(virDomainNetModel);

typedef enum {
    VIR_DOMAIN_NET_INTERFACE_LINK_STATE_DEFAULT = 0,
    VIR_DOMAIN_NET_INTERFACE_LINK_STATE_UP,
    VIR_DOMAIN_NET_INTERFACE_LINK_STATE_DOWN,

    VIR_DOMAIN_NET_INTERFACE_LINK_STATE_LAST
} virDomainNetInterfaceLinkState;
VIR_ENUM_DECL(virDomainNetInterfaceLinkState);

/* What a type='network' interface resolved to when the domain started
 * (status XML <actual>). */
typedef struct _virDomainActualNetDef virDomainActualNetDef;
struct _virDomainActualNetDef {
    int type;                       /* virDomainNetType: HOSTDEV for VF pools */
    virDomainHostdevDef hostdev;    /* the VF, when type == HOSTDEV */
};

struct _virDomainNetDef {
    int type;                       /* virDomainNetType */
    virMacAddr mac;
    bool macGenerated;              /* no <mac> in the input: we made one */
    int model;                      /* virDomainNetModelType */
    union {
        struct {
            char *name;             /* <source network=> */
        } network;
        struct {
            char *brname;           /* <source bridge=> */
        } bridge;
    } data;
    /* type='hostdev': the VF. Its info points at this interface's info. */
    virDomainHostdevDef hostdev;
    bool managed;                   /* type='hostdev' managed='yes' */
    bool vlanSet;
    unsigned int vlanTag;           /* <vlan><tag id=/></vlan> */
    int linkstate;                  /* virDomainNetInterfaceLinkState */
    unsigned int mtu;               /* 0 = not set */
    virDomainNetTeamingInfo *teaming;
    virDomainActualNetDef *actual;  /* status only */
    virDomainDeviceInfo info;
};

/* ---- serial / console ---- */
typedef enum {
    VIR_DOMAIN_CHR_DEVICE_TYPE_SERIAL,
    VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE,

    VIR_DOMAIN_CHR_DEVICE_TYPE_LAST
} virDomainChrDeviceType;
VIR_ENUM_DECL(virDomainChrDevice);

typedef enum {
    VIR_DOMAIN_CHR_TYPE_PTY,
    VIR_DOMAIN_CHR_TYPE_FILE,
    VIR_DOMAIN_CHR_TYPE_UNIX,

    VIR_DOMAIN_CHR_TYPE_LAST
} virDomainChrType;
VIR_ENUM_DECL(virDomainChr);

typedef enum {
    VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_NONE = 0,
    VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL,
    VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_VIRTIO,

    VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_LAST
} virDomainChrConsoleTargetType;
VIR_ENUM_DECL(virDomainChrConsoleTarget);

typedef struct _virDomainChrDef virDomainChrDef;
struct _virDomainChrDef {
    int deviceType;                 /* virDomainChrDeviceType */
    int type;                       /* virDomainChrType */
    char *path;                     /* file / unix socket path; pty: live path */
    bool listen;                    /* unix: mode='bind' */
    int targetType;                 /* console: virDomainChrConsoleTargetType */
    int targetPort;                 /* -1 = not set */
    virDomainDeviceInfo info;
};

/* ---- memballoon ---- */
typedef enum {
    VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO,
    VIR_DOMAIN_MEMBALLOON_MODEL_NONE,

    VIR_DOMAIN_MEMBALLOON_MODEL_LAST
} virDomainMemballoonModel;
VIR_ENUM_DECL(virDomainMemballoonModel);

typedef struct _virDomainMemballoonDef virDomainMemballoonDef;
struct _virDomainMemballoonDef {
    int model;
    virDomainDeviceInfo info;
};

/* ---- input (the PS/2 devices every x86 guest has) ---- */
typedef enum {
    VIR_DOMAIN_INPUT_TYPE_MOUSE,
    VIR_DOMAIN_INPUT_TYPE_KEYBOARD,

    VIR_DOMAIN_INPUT_TYPE_LAST
} virDomainInputType;
VIR_ENUM_DECL(virDomainInput);

typedef struct _virDomainInputDef virDomainInputDef;
struct _virDomainInputDef {
    int type;                       /* virDomainInputType; bus is always ps2 */
};

/* ---- audio backend (<audio id='1' type='none'/>) ---- */
typedef struct _virDomainAudioDef virDomainAudioDef;
struct _virDomainAudioDef {
    unsigned int id;                /* >= 1 */
};

/* ---- the domain ---- */
#define VIR_DOMAIN_BOOT_MAX 4

typedef struct _virDomainDef virDomainDef;
struct _virDomainDef {
    int virtType;                   /* virDomainVirtType */
    int id;                         /* -1 while not running */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *title;
    char *description;

    unsigned long long memory;      /* KiB */
    unsigned long long currentMemory;  /* KiB; 0 = same as memory */
    unsigned int vcpus;

    struct {
        char *type;                 /* "hvm" */
        char *arch;                 /* "x86_64" */
        char *machine;              /* as given, or resolved by the driver */
        char *kernel;
        char *initrd;
        char *cmdline;
        int bootDevs[VIR_DOMAIN_BOOT_MAX];
        size_t nBootDevs;
    } os;

    bool features[VIR_DOMAIN_FEATURE_LAST];

    bool cpuSet;                    /* <cpu> present */
    int cpuMode;                    /* virCPUMode */
    int cpuCheck;                   /* virCPUCheck */
    int cpuMigratable;              /* -1 not set, 0 off, 1 on */
    int cpuMatch;                   /* virCPUMatch */
    char *cpuModel;                 /* <cpu><model>NAME</model>, mode='custom' */
    int cpuFallback;                /* virCPUFallback */

    int clockOffset;                /* virDomainClockOffset; <clock> absent: UTC */

    int onPoweroff;                 /* virDomainLifecycleAction */
    int onReboot;
    int onCrash;

    char *emulator;

    virDomainDiskDef **disks;
    size_t ndisks;
    virDomainControllerDef **controllers;
    size_t ncontrollers;
    virDomainNetDef **nets;
    size_t nnets;
    /* All PCI host devices: plain <hostdev> elements and the VFs of
     * type='hostdev' interfaces (those have parentnet set), in the order
     * QEMU sees them. */
    virDomainHostdevDef **hostdevs;
    size_t nhostdevs;
    virDomainChrDef **serials;
    size_t nserials;
    virDomainChrDef **consoles;
    size_t nconsoles;
    virDomainInputDef **inputs;
    size_t ninputs;
    virDomainAudioDef **audios;
    size_t naudios;
    virDomainMemballoonDef *memballoon;
};

typedef enum {
    /* keep going after the first validation error? no: always stop. */
    VIR_DOMAIN_DEF_PARSE_INACTIVE   = 1 << 0,  /* ignore runtime-only data */
    VIR_DOMAIN_DEF_PARSE_STATUS     = 1 << 1,  /* status XML: <actual>, ids */
    VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA = 1 << 2,  /* RelaxNG first */
    VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE = 1 << 3,    /* no semantic checks */
} virDomainDefParseFlags;

typedef enum {
    VIR_DOMAIN_DEF_FORMAT_INACTIVE   = 1 << 0,  /* persistent config view */
    VIR_DOMAIN_DEF_FORMAT_STATUS     = 1 << 1,  /* include <actual> etc. */
    VIR_DOMAIN_DEF_FORMAT_MIGRATABLE = 1 << 2,  /* for the migration peer */
} virDomainDefFormatFlags;

virDomainDef *virDomainDefNew(void);
void virDomainDefFree(virDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDef, virDomainDefFree);

void virDomainDiskDefFree(virDomainDiskDef *def);
void virDomainControllerDefFree(virDomainControllerDef *def);
void virDomainNetDefFree(virDomainNetDef *def);
void virDomainHostdevDefFree(virDomainHostdevDef *def);
void virDomainChrDefFree(virDomainChrDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainNetDef, virDomainNetDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainHostdevDef, virDomainHostdevDefFree);

/* A single device, as given to attach-device / detach-device. */
typedef enum {
    VIR_DOMAIN_DEVICE_NET,
    VIR_DOMAIN_DEVICE_HOSTDEV,

    VIR_DOMAIN_DEVICE_LAST
} virDomainDeviceType;

typedef struct _virDomainDeviceDef virDomainDeviceDef;
struct _virDomainDeviceDef {
    int type;                       /* virDomainDeviceType */
    union {
        virDomainNetDef *net;
        virDomainHostdevDef *hostdev;
    } data;
};

virDomainDeviceDef *virDomainDeviceDefParseString(const char *xml, unsigned int flags);
void virDomainDeviceDefFree(virDomainDeviceDef *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDeviceDef, virDomainDeviceDefFree);

/* Add @dev to @def (taking what it holds; @dev is emptied). */
void virDomainDefAddDevice(virDomainDef *def, virDomainDeviceDef *dev);

/* The device of @def that @dev describes: by alias when @dev has one,
 * else by MAC (interfaces) or host source address (host devices).
 * Returns the index in def->nets / def->hostdevs, or -1 with an error
 * (none, or several). */
ssize_t virDomainDefFindDevice(const virDomainDef *def, const virDomainDeviceDef *dev);

/* Remove and free the interface / plain host device at @idx. */
void virDomainDefRemoveNet(virDomainDef *def, size_t idx);
/* Remove the interface at @idx (and its VF from the host devices) and
 * hand it to the caller. */
virDomainNetDef *virDomainDefStealNet(virDomainDef *def, size_t idx);
void virDomainDefRemoveHostdev(virDomainDef *def, size_t idx);

/* Path of the domain RelaxNG schema (build tree or installed). */
const char *virDomainSchemaPath(void);

/* Parse, apply post-parse defaults and validate (unless SKIP_VALIDATE). */
virDomainDef *virDomainDefParseString(const char *xml, unsigned int flags);
virDomainDef *virDomainDefParseFile(const char *path, unsigned int flags);

/* Defaults every driver agrees on: UUID, MACs (one shared MAC per teaming
 * pair), lifecycle actions, currentMemory, console <-> serial. */
int virDomainDefPostParse(virDomainDef *def, unsigned int flags);

char *virDomainDefFormat(const virDomainDef *def, unsigned int flags);

/* A deep copy, through format + parse (what libvirt calls CopyDef). */
virDomainDef *virDomainDefCopy(const virDomainDef *def, unsigned int flags);

/* Helpers used by validation and drivers. */
/* How messages name @net: by user alias, else host address (hostdev), MAC,
 * or type. */
const char *virDomainNetGetDisplayName(const virDomainNetDef *net, char *buf, size_t buflen);
virDomainNetDef *virDomainNetFindByAlias(const virDomainDef *def, const char *alias);
/* The network type a driver acts on: the actual type when resolved. */
int virDomainNetGetActualType(const virDomainNetDef *net);
/* The VF @net passes to the guest: its own (type='hostdev') or the one its
 * network gave it (<actual type='hostdev'>); NULL for other interfaces. */
virDomainHostdevDef *virDomainNetGetActualHostdev(virDomainNetDef *net);
/* Record that network interface @net of @def resolved to VF @vf (it joins
 * the host devices of @def), or forget it again. */
void virDomainNetSetActualHostdev(virDomainDef *def, virDomainNetDef *net,
                                  const virPCIDeviceAddress *vf, bool managed);
void virDomainNetClearActual(virDomainDef *def, virDomainNetDef *net);
bool virDomainDefHasTeaming(const virDomainDef *def);

/* Insert @cont (taking ownership) before the controllers of the same type
 * with a higher index that end the list of its type, else after the last
 * one with a lower index, else at the end: controllers of one type stay
 * together and sorted (libvirt's order). */
void virDomainControllerInsert(virDomainDef *def, virDomainControllerDef *cont);
