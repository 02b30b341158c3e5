/*
 * qemu_monitor_json.c: one typed function per QMP command
 */
#include "internal.h"

#include "qemu_monitor_json.h"
#include "qemu_monitor_priv.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_ENUM_IMPL(qemuMonitorRunState, QEMU_MONITOR_RUN_STATE_LAST,
              "unknown", "debug", "inmigrate", "internal-error", "io-error",
              "paused", "postmigrate", "prelaunch", "finish-migrate",
              "restore-vm", "running", "save-vm", "shutdown", "suspended",
              "watchdog", "guest-panicked", "colo");

static int
qemuMonitorMalformed(const char *cmd)
{
    virReportError(VIR_ERR_INTERNAL_ERROR, _("malformed reply to '%s' from QEMU"), cmd);
    return -1;
}

/* A command without arguments whose reply carries nothing. */
static int
qemuMonitorSimple(qemuMonitor *mon, const char *cmd)
{
    return qemuMonitorCommand(mon, cmd, NULL, NULL);
}

/* A command whose only argument is the string @key=@value. */
static int
qemuMonitorWithString(qemuMonitor *mon, const char *cmd, const char *key,
                      const char *value)
{
    g_autoptr(qemuProps) args = qemuPropsNew();

    qemuPropsAddString(args, key, value);
    return qemuMonitorCommand(mon, cmd, args, NULL);
}

/* The "name" member of every object of the array @ret. */
static int
qemuMonitorNames(yajl_val ret, const char *cmd, GStrv *names)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (!ret || !YAJL_IS_ARRAY(ret))
        return qemuMonitorMalformed(cmd);
    for (i = 0; i < ret->u.array.len; i++) {
        const char *name = qemuMonitorObjectGetString(ret->u.array.values[i], "name");

        if (name)
            g_ptr_array_add(list, g_strdup(name));
    }
    g_ptr_array_add(list, NULL);
    *names = (GStrv)g_ptr_array_free(g_steal_pointer(&list), FALSE);
    return 0;
}

/* The strings of the array member @key of @obj (empty if absent). */
static GStrv
qemuMonitorStrings(yajl_val obj, const char *key)
{
    yajl_val arr = qemuMonitorObjectGet(obj, key);
    GPtrArray *list = g_ptr_array_new();
    size_t i;

    for (i = 0; arr && YAJL_IS_ARRAY(arr) && i < arr->u.array.len; i++) {
        yajl_val v = arr->u.array.values[i];

        if (YAJL_IS_STRING(v))
            g_ptr_array_add(list, g_strdup(v->u.string));
    }
    g_ptr_array_add(list, NULL);
    return (GStrv)g_ptr_array_free(list, FALSE);
}

/* ------------------------------------------------------------------ */
/* Run state                                                            */
/* ------------------------------------------------------------------ */

/* The state in a reply to query-status. */
static int
qemuMonitorParseStatus(const qemuMonitorReply *reply, qemuMonitorRunState *state)
{
    const char *status;
    int s;

    if (!(status = qemuMonitorObjectGetString(reply->ret, "status")))
        return qemuMonitorMalformed("query-status");
    s = qemuMonitorRunStateTypeFromString(status);
    *state = s > 0 ? s : QEMU_MONITOR_RUN_STATE_UNKNOWN;
    return 0;
}

int
qemuMonitorQueryStatus(qemuMonitor *mon, qemuMonitorRunState *state)
{
    g_autoptr(qemuMonitorReply) reply = NULL;

    if (qemuMonitorCommand(mon, "query-status", NULL, &reply) < 0)
        return -1;
    return qemuMonitorParseStatus(reply, state);
}

qemuMonitor *
qemuMonitorOpenWithStatus(const char *path, const qemuMonitorTarget *target,
                          int timeoutMs, qemuMonitorRunState *state)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    qemuMonitor *mon;

    if (!(mon = qemuMonitorOpenFirst(path, target, timeoutMs, "query-status", &reply)))
        return NULL;
    if (qemuMonitorParseStatus(reply, state) < 0) {
        qemuMonitorClose(mon);
        return NULL;
    }
    return mon;
}

int
qemuMonitorQueryUUID(qemuMonitor *mon, unsigned char *uuid)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    const char *uuidstr;

    if (qemuMonitorCommand(mon, "query-uuid", NULL, &reply) < 0)
        return -1;
    if (!(uuidstr = qemuMonitorObjectGetString(reply->ret, "UUID")) ||
        virUUIDParse(uuidstr, uuid) < 0)
        return qemuMonitorMalformed("query-uuid");
    return 0;
}

int
qemuMonitorCont(qemuMonitor *mon)
{
    /* QEMU sends RESUME once the vCPUs may run, then its reply; under
     * TCG a vCPU that starts at once can hold QEMU's main loop up for
     * milliseconds in between */
    const qemuMonitorEventFilter resumed = { QEMU_MONITOR_EVENT_RESUME, NULL, 0 };

    return qemuMonitorCommandSettled(mon, "cont", NULL, &resumed);
}

int
qemuMonitorStop(qemuMonitor *mon)
{
    return qemuMonitorSimple(mon, "stop");
}

int
qemuMonitorSystemPowerdown(qemuMonitor *mon)
{
    return qemuMonitorSimple(mon, "system_powerdown");
}

int
qemuMonitorQuit(qemuMonitor *mon)
{
    return qemuMonitorSimple(mon, "quit");
}

/* ------------------------------------------------------------------ */
/* Devices                                                              */
/* ------------------------------------------------------------------ */

int
qemuMonitorSetLink(qemuMonitor *mon, const char *name, bool up)
{
    g_autoptr(qemuProps) args = qemuPropsNew();

    qemuPropsAddString(args, "name", name);
    qemuPropsAddBool(args, "up", up);
    return qemuMonitorCommand(mon, "set_link", args, NULL);
}

/* Add the qdev ids of @devices (a query-pci "devices" array) to @ids. */
static void
qemuMonitorPCIDeviceIds(yajl_val devices, GPtrArray *ids)
{
    size_t i;

    if (!devices || !YAJL_IS_ARRAY(devices))
        return;
    for (i = 0; i < devices->u.array.len; i++) {
        yajl_val dev = devices->u.array.values[i];
        yajl_val bridge = qemuMonitorObjectGet(dev, "pci_bridge");
        const char *id = qemuMonitorObjectGetString(dev, "qdev_id");

        if (id && *id)
            g_ptr_array_add(ids, g_strdup(id));
        if (bridge)
            qemuMonitorPCIDeviceIds(qemuMonitorObjectGet(bridge, "devices"), ids);
    }
}

int
qemuMonitorQueryPCIDevices(qemuMonitor *mon, GStrv *ids)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    GPtrArray *list;
    size_t b;

    if (qemuMonitorCommand(mon, "query-pci", NULL, &reply) < 0)
        return -1;
    if (!reply->ret || !YAJL_IS_ARRAY(reply->ret))
        return qemuMonitorMalformed("query-pci");
    list = g_ptr_array_new();
    for (b = 0; b < reply->ret->u.array.len; b++)
        qemuMonitorPCIDeviceIds(qemuMonitorObjectGet(reply->ret->u.array.values[b], "devices"),
                                list);
    g_ptr_array_add(list, NULL);
    *ids = (GStrv)g_ptr_array_free(list, FALSE);
    return 0;
}

int
qemuMonitorNetdevAdd(qemuMonitor *mon, const qemuProps *props)
{
    return qemuMonitorCommand(mon, "netdev_add", props, NULL);
}

int
qemuMonitorDeviceAdd(qemuMonitor *mon, const qemuProps *props)
{
    return qemuMonitorCommand(mon, "device_add", props, NULL);
}

int
qemuMonitorNetdevDel(qemuMonitor *mon, const char *id)
{
    return qemuMonitorWithString(mon, "netdev_del", "id", id);
}

int
qemuMonitorDeviceDel(qemuMonitor *mon, const char *id)
{
    return qemuMonitorWithString(mon, "device_del", "id", id);
}

/* ------------------------------------------------------------------ */
/* Migration                                                            */
/* ------------------------------------------------------------------ */

static qemuProps *
qemuMonitorMigrationCapabilitiesArgs(void)
{
    static const char *const names[] = { "events", "return-path" };
    qemuProps *args = qemuPropsNew();
    g_autoptr(GPtrArray) caps = g_ptr_array_new();
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        qemuProps *cap = qemuPropsNew();

        qemuPropsAddString(cap, "capability", names[i]);
        qemuPropsAddBool(cap, "state", true);
        g_ptr_array_add(caps, cap);
    }
    qemuPropsAddArray(args, "capabilities", g_steal_pointer(&caps));
    return args;
}

int
qemuMonitorSetMigrationCapabilities(qemuMonitor *mon)
{
    g_autoptr(qemuProps) args = qemuMonitorMigrationCapabilitiesArgs();

    return qemuMonitorCommand(mon, "migrate-set-capabilities", args, NULL);
}

int
qemuMonitorSetupMigration(qemuMonitor *mon, bool capabilities, unsigned long long bytesPerSec,
                          const char *tlsId, const qemuProps *tls)
{
    g_autoptr(qemuProps) capsArgs = qemuMonitorMigrationCapabilitiesArgs();
    g_autoptr(qemuProps) delArgs = qemuPropsNew();
    g_autoptr(qemuProps) paramsArgs = qemuPropsNew();
    qemuMonitorCommandSpec cmds[4];
    size_t n = 0;

    qemuPropsAddInt(paramsArgs, "max-bandwidth",
                    MIN(bytesPerSec, (unsigned long long)G_MAXINT64));
    qemuPropsAddString(paramsArgs, "tls-creds", tlsId ? tlsId : "");
    qemuPropsAddString(paramsArgs, "tls-hostname", "");

    if (capabilities)
        cmds[n++] = (qemuMonitorCommandSpec){ "migrate-set-capabilities", capsArgs, false };
    if (tls) {
        qemuPropsAddString(delArgs, "id", tlsId);
        /* an earlier migration's object, if any */
        cmds[n++] = (qemuMonitorCommandSpec){ "object-del", delArgs, true };
        cmds[n++] = (qemuMonitorCommandSpec){ "object-add", tls, false };
    }
    cmds[n++] = (qemuMonitorCommandSpec){ "migrate-set-parameters", paramsArgs, false };
    return qemuMonitorCommands(mon, cmds, n);
}

int
qemuMonitorSetMigrationTuning(qemuMonitor *mon, const qemuMonitorMigrationTuning *tuning)
{
    g_autoptr(qemuProps) args = qemuPropsNew();

    if (tuning->hasMaxBandwidth)
        qemuPropsAddInt(args, "max-bandwidth",
                        MIN(tuning->maxBandwidth, (unsigned long long)G_MAXINT64));
    if (tuning->hasMaxPostcopyBandwidth)
        qemuPropsAddInt(args, "max-postcopy-bandwidth",
                        MIN(tuning->maxPostcopyBandwidth, (unsigned long long)G_MAXINT64));
    if (tuning->hasDowntimeLimit)
        qemuPropsAddInt(args, "downtime-limit",
                        MIN(tuning->downtimeLimit, (unsigned long long)G_MAXINT64));
    return qemuMonitorCommand(mon, "migrate-set-parameters", args, NULL);
}

int
qemuMonitorAddObject(qemuMonitor *mon, const qemuProps *props)
{
    return qemuMonitorCommand(mon, "object-add", props, NULL);
}

int
qemuMonitorMigrate(qemuMonitor *mon, const char *uri)
{
    return qemuMonitorWithString(mon, "migrate", "uri", uri);
}

int
qemuMonitorMigrateCancel(qemuMonitor *mon)
{
    return qemuMonitorSimple(mon, "migrate_cancel");
}

void
qemuMonitorMigrationInfoClear(qemuMonitorMigrationInfo *info)
{
    g_clear_pointer(&info->errorDesc, g_free);
}

/* A number QEMU may leave out: false when it did. */
static bool
qemuMonitorGetUnsigned(yajl_val obj, const char *key, unsigned long long *value)
{
    long long v;

    if (!qemuMonitorObjectGetNumber(obj, key, &v) || v < 0)
        return false;
    *value = v;
    return true;
}

int
qemuMonitorQueryMigrate(qemuMonitor *mon, qemuMonitorMigrationInfo *info)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    const char *status;
    yajl_val ram;

    memset(info, 0, sizeof(*info));
    info->status = -1;
    if (qemuMonitorCommand(mon, "query-migrate", NULL, &reply) < 0)
        return -1;
    if (!reply->ret || !YAJL_IS_OBJECT(reply->ret))
        return qemuMonitorMalformed("query-migrate");
    /* no status: no migration ever ran */
    if ((status = qemuMonitorObjectGetString(reply->ret, "status")))
        info->status = qemuMonitorMigrationStatusTypeFromString(status);
    else
        info->status = QEMU_MONITOR_MIGRATION_STATUS_NONE;
    if ((ram = qemuMonitorObjectGet(reply->ret, "ram"))) {
        info->hasRam = true;
        qemuMonitorGetUnsigned(ram, "total", &info->ramTotal);
        qemuMonitorGetUnsigned(ram, "transferred", &info->ramTransferred);
        qemuMonitorGetUnsigned(ram, "remaining", &info->ramRemaining);
    }
    qemuMonitorGetUnsigned(reply->ret, "setup-time", &info->setupTime);
    info->hasDowntime = qemuMonitorGetUnsigned(reply->ret, "downtime", &info->downtime);
    info->hasTotalTime = qemuMonitorGetUnsigned(reply->ret, "total-time", &info->totalTime);
    info->errorDesc = g_strdup(qemuMonitorObjectGetString(reply->ret, "error-desc"));
    return 0;
}

int
qemuMonitorQueryMigrationTuning(qemuMonitor *mon, qemuMonitorMigrationTuning *tuning)
{
    g_autoptr(qemuMonitorReply) reply = NULL;

    memset(tuning, 0, sizeof(*tuning));
    if (qemuMonitorCommand(mon, "query-migrate-parameters", NULL, &reply) < 0)
        return -1;
    if (!reply->ret || !YAJL_IS_OBJECT(reply->ret))
        return qemuMonitorMalformed("query-migrate-parameters");
    tuning->hasMaxBandwidth = qemuMonitorGetUnsigned(reply->ret, "max-bandwidth",
                                                     &tuning->maxBandwidth);
    tuning->hasMaxPostcopyBandwidth = qemuMonitorGetUnsigned(reply->ret,
                                                             "max-postcopy-bandwidth",
                                                             &tuning->maxPostcopyBandwidth);
    tuning->hasDowntimeLimit = qemuMonitorGetUnsigned(reply->ret, "downtime-limit",
                                                      &tuning->downtimeLimit);
    return 0;
}

/* ------------------------------------------------------------------ */
/* What an emulator can do                                              */
/* ------------------------------------------------------------------ */

int
qemuMonitorQueryVersion(qemuMonitor *mon, unsigned long *version, char **package)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    yajl_val q;
    long long maj, min, mic;

    if (qemuMonitorCommand(mon, "query-version", NULL, &reply) < 0)
        return -1;
    q = qemuMonitorObjectGet(reply->ret, "qemu");
    if (!qemuMonitorObjectGetNumber(q, "major", &maj) ||
        !qemuMonitorObjectGetNumber(q, "minor", &min) ||
        !qemuMonitorObjectGetNumber(q, "micro", &mic) ||
        maj < 0 || min < 0 || mic < 0 || min > 999 || mic > 999)
        return qemuMonitorMalformed("query-version");
    *version = maj * 1000000 + min * 1000 + mic;
    *package = g_strdup(qemuMonitorObjectGetString(reply->ret, "package"));
    if (*package)
        g_strstrip(*package);
    return 0;
}

int
qemuMonitorQueryKVM(qemuMonitor *mon, bool *present)
{
    g_autoptr(qemuMonitorReply) reply = NULL;

    if (qemuMonitorCommand(mon, "query-kvm", NULL, &reply) < 0)
        return -1;
    *present = qemuMonitorObjectGetBool(reply->ret, "present");
    return 0;
}

int
qemuMonitorQOMListTypes(qemuMonitor *mon, GStrv *types)
{
    g_autoptr(qemuMonitorReply) reply = NULL;

    if (qemuMonitorCommand(mon, "qom-list-types", NULL, &reply) < 0)
        return -1;
    return qemuMonitorNames(reply->ret, "qom-list-types", types);
}

int
qemuMonitorDeviceListProperties(qemuMonitor *mon, const char *type, GStrv *props)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    g_autoptr(qemuProps) args = qemuPropsNew();

    qemuPropsAddString(args, "typename", type);
    if (qemuMonitorCommand(mon, "device-list-properties", args, &reply) < 0)
        return -1;
    return qemuMonitorNames(reply->ret, "device-list-properties", props);
}

void
qemuMonitorMachineInfoFree(qemuMonitorMachineInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_free(info->alias);
    g_free(info);
}

int
qemuMonitorQueryMachines(qemuMonitor *mon, GPtrArray **machines)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    GPtrArray *list;
    size_t i;

    if (qemuMonitorCommand(mon, "query-machines", NULL, &reply) < 0)
        return -1;
    if (!reply->ret || !YAJL_IS_ARRAY(reply->ret))
        return qemuMonitorMalformed("query-machines");
    list = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMonitorMachineInfoFree);
    for (i = 0; i < reply->ret->u.array.len; i++) {
        yajl_val m = reply->ret->u.array.values[i];
        const char *name = qemuMonitorObjectGetString(m, "name");
        qemuMonitorMachineInfo *info;

        if (!name)
            continue;
        info = g_new0(qemuMonitorMachineInfo, 1);
        info->name = g_strdup(name);
        info->alias = g_strdup(qemuMonitorObjectGetString(m, "alias"));
        info->isDefault = qemuMonitorObjectGetBool(m, "is-default");
        info->deprecated = qemuMonitorObjectGetBool(m, "deprecated");
        if (!qemuMonitorObjectGetNumber(m, "cpu-max", &info->maxCpus))
            info->maxCpus = 0;
        g_ptr_array_add(list, info);
    }
    *machines = list;
    return 0;
}

void
qemuMonitorSchemaEntryFree(qemuMonitorSchemaEntry *entry)
{
    if (!entry)
        return;
    g_free(entry->name);
    g_free(entry->metaType);
    g_strfreev(entry->features);
    g_strfreev(entry->values);
    g_free(entry);
}

int
qemuMonitorQuerySchema(qemuMonitor *mon, GPtrArray **entries)
{
    g_autoptr(qemuMonitorReply) reply = NULL;
    GPtrArray *list;
    size_t i;

    if (qemuMonitorCommand(mon, "query-qmp-schema", NULL, &reply) < 0)
        return -1;
    if (!reply->ret || !YAJL_IS_ARRAY(reply->ret))
        return qemuMonitorMalformed("query-qmp-schema");
    list = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMonitorSchemaEntryFree);
    for (i = 0; i < reply->ret->u.array.len; i++) {
        yajl_val e = reply->ret->u.array.values[i];
        const char *name = qemuMonitorObjectGetString(e, "name");
        const char *meta = qemuMonitorObjectGetString(e, "meta-type");
        qemuMonitorSchemaEntry *entry;

        if (!name || !meta)
            continue;
        entry = g_new0(qemuMonitorSchemaEntry, 1);
        entry->name = g_strdup(name);
        entry->metaType = g_strdup(meta);
        entry->features = qemuMonitorStrings(e, "features");
        entry->values = qemuMonitorStrings(e, "values");
        g_ptr_array_add(list, entry);
    }
    *entries = list;
    return 0;
}
