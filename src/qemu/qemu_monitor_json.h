/*
 * qemu_monitor_json.h: one typed function per QMP command
 *
 * Each function builds its arguments with qemuProps, runs the command on
 * the monitor (bounded by the monitor's reply timeout) and parses the
 * reply into C types. They return 0, or -1 with an error (QEMU's own
 * description for an "error" reply, a timeout that says whether QEMU is
 * stopped, a malformed reply). How to add one: docs/hacking.rst, "Adding a
 * QMP command".
 */
#pragma once

#include "qemu_monitor.h"
#include "qemu_props.h"

/* ------------------------------------------------------------------ */
/* Run state                                                            */
/* ------------------------------------------------------------------ */

/* QEMU's RunState; UNKNOWN for a state this build does not know. */
typedef enum {
    QEMU_MONITOR_RUN_STATE_UNKNOWN,
    QEMU_MONITOR_RUN_STATE_DEBUG,
    QEMU_MONITOR_RUN_STATE_INMIGRATE,
    QEMU_MONITOR_RUN_STATE_INTERNAL_ERROR,
    QEMU_MONITOR_RUN_STATE_IO_ERROR,
    QEMU_MONITOR_RUN_STATE_PAUSED,
    QEMU_MONITOR_RUN_STATE_POSTMIGRATE,
    QEMU_MONITOR_RUN_STATE_PRELAUNCH,
    QEMU_MONITOR_RUN_STATE_FINISH_MIGRATE,
    QEMU_MONITOR_RUN_STATE_RESTORE_VM,
    QEMU_MONITOR_RUN_STATE_RUNNING,
    QEMU_MONITOR_RUN_STATE_SAVE_VM,
    QEMU_MONITOR_RUN_STATE_SHUTDOWN,
    QEMU_MONITOR_RUN_STATE_SUSPENDED,
    QEMU_MONITOR_RUN_STATE_WATCHDOG,
    QEMU_MONITOR_RUN_STATE_GUEST_PANICKED,
    QEMU_MONITOR_RUN_STATE_COLO,

    QEMU_MONITOR_RUN_STATE_LAST
} qemuMonitorRunState;
VIR_ENUM_DECL(qemuMonitorRunState);

/* query-status */
int qemuMonitorQueryStatus(qemuMonitor *mon, qemuMonitorRunState *state);
/* qemuMonitorOpen, and query-status sent with the connection: the state in
 * *@state, without a round trip of its own. */
qemuMonitor *qemuMonitorOpenWithStatus(const char *path, const qemuMonitorTarget *target,
                                       int timeoutMs, qemuMonitorRunState *state);
/* query-uuid: @uuid has VIR_UUID_BUFLEN bytes */
int qemuMonitorQueryUUID(qemuMonitor *mon, unsigned char *uuid);
/* cont (done at QEMU's RESUME event or its reply, whichever comes first),
 * stop, system_powerdown, quit */
int qemuMonitorCont(qemuMonitor *mon);
int qemuMonitorStop(qemuMonitor *mon);
int qemuMonitorSystemPowerdown(qemuMonitor *mon);
int qemuMonitorQuit(qemuMonitor *mon);

/* ------------------------------------------------------------------ */
/* Devices                                                              */
/* ------------------------------------------------------------------ */

/* set_link of NIC @name */
int qemuMonitorSetLink(qemuMonitor *mon, const char *name, bool up);
/* query-pci: the qdev ids of every device, behind bridges too
 * (NULL-terminated, possibly empty) */
int qemuMonitorQueryPCIDevices(qemuMonitor *mon, GStrv *ids);
/* netdev_add / device_add with the properties of the command line */
int qemuMonitorNetdevAdd(qemuMonitor *mon, const qemuProps *props);
int qemuMonitorDeviceAdd(qemuMonitor *mon, const qemuProps *props);
/* netdev_del / device_del (the guest confirms the latter with a
 * DEVICE_DELETED event: qemuMonitorWaitEvent) */
int qemuMonitorNetdevDel(qemuMonitor *mon, const char *id);
int qemuMonitorDeviceDel(qemuMonitor *mon, const char *id);

/* ------------------------------------------------------------------ */
/* Migration                                                            */
/* ------------------------------------------------------------------ */

/* migrate-set-capabilities, on both sides of a migration: "events"
 * (MIGRATION events from now on) and "return-path" (the destination
 * answers the source over the migration's connection: the source's
 * migration completes only once the destination has loaded the whole
 * guest, and fails, the guest resuming there, when it could not) */
int qemuMonitorSetMigrationCapabilities(qemuMonitor *mon);
/* Everything the source of a migration sets up in QEMU, in one round
 * trip (qemuMonitorCommands): the capabilities (as
 * qemuMonitorSetMigrationCapabilities) when @capabilities; with @tls, its
 * tls-creds-x509 object, whose id is @tlsId, in place of one of an earlier
 * migration (object-del, whose refusal is no error, then object-add);
 * then migrate-set-parameters: max-bandwidth (bytes per second), the TLS
 * credentials @tlsId (NULL: none; QEMU would keep those of an earlier
 * migration), which QEMU has already unless @tls makes them, and the
 * destination's certificate must name the host of the migration URI. */
int qemuMonitorSetupMigration(qemuMonitor *mon, bool capabilities, unsigned long long bytesPerSec,
                              const char *tlsId, const qemuProps *tls);
/* The migration parameters a client tunes (virsh migrate-setspeed,
 * migrate-setmaxdowntime), before or during a migration; a member is
 * sent, or was in the reply, when its has* is true. */
typedef struct {
    unsigned long long maxBandwidth;            /* bytes per second */
    unsigned long long maxPostcopyBandwidth;    /* bytes per second, 0: none */
    unsigned long long downtimeLimit;           /* ms */
    bool hasMaxBandwidth;
    bool hasMaxPostcopyBandwidth;
    bool hasDowntimeLimit;
} qemuMonitorMigrationTuning;
/* migrate-set-parameters with the members of @tuning that are set */
int qemuMonitorSetMigrationTuning(qemuMonitor *mon, const qemuMonitorMigrationTuning *tuning);
/* query-migrate-parameters: the members QEMU reports */
int qemuMonitorQueryMigrationTuning(qemuMonitor *mon, qemuMonitorMigrationTuning *tuning);
/* object-add of the object @props describe (qom-type, id, ...) */
int qemuMonitorAddObject(qemuMonitor *mon, const qemuProps *props);
/* migrate uri=@uri */
int qemuMonitorMigrate(qemuMonitor *mon, const char *uri);
/* migrate_cancel */
int qemuMonitorMigrateCancel(qemuMonitor *mon);

/* query-migrate; a member QEMU did not send is 0 (its has* false). */
typedef struct _qemuMonitorMigrationInfo qemuMonitorMigrationInfo;
struct _qemuMonitorMigrationInfo {
    int status;                     /* qemuMonitorMigrationStatus, -1 unknown */
    unsigned long long ramTotal;    /* bytes */
    unsigned long long ramTransferred;
    unsigned long long ramRemaining;
    unsigned long long setupTime;   /* ms */
    unsigned long long downtime;    /* ms */
    unsigned long long totalTime;   /* ms */
    bool hasRam;
    bool hasDowntime;
    bool hasTotalTime;
    char *errorDesc;                /* error-desc, or NULL */
};
void qemuMonitorMigrationInfoClear(qemuMonitorMigrationInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuMonitorMigrationInfo, qemuMonitorMigrationInfoClear);
int qemuMonitorQueryMigrate(qemuMonitor *mon, qemuMonitorMigrationInfo *info);

/* ------------------------------------------------------------------ */
/* What an emulator can do (the capabilities probe)                     */
/* ------------------------------------------------------------------ */

/* query-version: major * 1000000 + minor * 1000 + micro, and the package
 * string (stripped; NULL if none) */
int qemuMonitorQueryVersion(qemuMonitor *mon, unsigned long *version, char **package);
/* query-kvm: present */
int qemuMonitorQueryKVM(qemuMonitor *mon, bool *present);
/* qom-list-types: the type names */
int qemuMonitorQOMListTypes(qemuMonitor *mon, GStrv *types);
/* device-list-properties typename=@type: the property names */
int qemuMonitorDeviceListProperties(qemuMonitor *mon, const char *type, GStrv *props);

typedef struct _qemuMonitorMachineInfo qemuMonitorMachineInfo;
struct _qemuMonitorMachineInfo {
    char *name;
    char *alias;            /* or NULL */
    bool isDefault;
    bool deprecated;
    long long maxCpus;      /* cpu-max, 0 when not given */
};
void qemuMonitorMachineInfoFree(qemuMonitorMachineInfo *info);
/* query-machines: qemuMonitorMachineInfo * in QEMU's order */
int qemuMonitorQueryMachines(qemuMonitor *mon, GPtrArray **machines);

typedef struct _qemuMonitorSchemaEntry qemuMonitorSchemaEntry;
struct _qemuMonitorSchemaEntry {
    char *name;
    char *metaType;         /* command, event, enum, object, ... */
    GStrv features;         /* never NULL */
    GStrv values;           /* enum values, never NULL */
};
void qemuMonitorSchemaEntryFree(qemuMonitorSchemaEntry *entry);
/* query-qmp-schema: qemuMonitorSchemaEntry * (entries without a name or
 * meta-type are left out) */
int qemuMonitorQuerySchema(qemuMonitor *mon, GPtrArray **entries);
