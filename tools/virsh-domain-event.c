/*
 * virsh-domain-event.c: the event command, printing domain events as
 * Debian's virsh 9.0 prints them
 */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include "virsh.h"

/* libvirt's names of the event IDs, in ID order (virsh event --list). */
static const char *const vshEventNames[] = {
    "lifecycle", "reboot", "rtc-change", "watchdog", "io-error", "graphics",
    "io-error-reason", "control-error", "block-job", "disk-change", "tray-change",
    "pm-wakeup", "pm-suspend", "balloon-change", "pm-suspend-disk", "device-removed",
    "block-job-2", "tunable", "agent-lifecycle", "device-added", "migration-iteration",
    "job-completed", "device-removal-failed", "metadata-change", "block-threshold",
    "memory-failure", "memory-device-size-change",
};

static const char *const vshEventTypes[] = {
    N_("Defined"), N_("Undefined"), N_("Started"), N_("Suspended"), N_("Resumed"),
    N_("Stopped"), N_("Shutdown"), N_("PMSuspended"), N_("Crashed"),
};

/* the details of each type, in the order of their values */
static const char *const vshEventDetails[][9] = {
    { N_("Added"), N_("Updated"), N_("Renamed"), N_("Snapshot") },
    { N_("Removed"), N_("Renamed") },
    { N_("Booted"), N_("Migrated"), N_("Restored"), N_("Snapshot"), N_("Event wakeup") },
    { N_("Paused"), N_("Migrated"), N_("I/O Error"), N_("Watchdog"), N_("Restored"),
      N_("Snapshot"), N_("API error"), N_("Post-copy"), N_("Post-copy Error") },
    { N_("Unpaused"), N_("Migrated"), N_("Snapshot"), N_("Post-copy"), N_("Post-copy Error") },
    { N_("Shutdown"), N_("Destroyed"), N_("Crashed"), N_("Migrated"), N_("Saved"),
      N_("Failed"), N_("Snapshot") },
    { N_("Finished"), N_("Finished after guest request"), N_("Finished after host request") },
    { N_("Memory"), N_("Disk") },
    { N_("Panicked"), N_("Crashloaded") },
};

typedef struct {
    vshControl *ctl;
    bool loop;
    bool timestamp;
    int count;
    bool done;
    bool interrupted;
    bool timedOut;
} vshEventData;

static void
vshEventPrint(vshEventData *data, const char *line)
{
    if (data->timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

        printf("%s.%03d+0000: ", when, g_date_time_get_microsecond(now) / 1000);
    }
    fputs(line, stdout);
    fflush(stdout);
    data->count++;
    if (!data->loop)
        data->done = true;
}

static int
vshEventLifecycle(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, int event,
                  int detail, void *opaque)
{
    const char *type = _("unknown");
    const char *what = _("unknown");
    g_autofree char *line = NULL;

    if (event >= 0 && event < (int)G_N_ELEMENTS(vshEventTypes)) {
        type = _(vshEventTypes[event]);
        if (detail >= 0 && detail < (int)G_N_ELEMENTS(vshEventDetails[event]) &&
            vshEventDetails[event][detail])
            what = _(vshEventDetails[event][detail]);
    }
    line = g_strdup_printf(_("event 'lifecycle' for domain '%s': %s %s\n"),
                           virDomainGetName(dom), type, what);
    vshEventPrint(opaque, line);
    return 0;
}

/* device-removed, device-added, device-removal-failed: the name comes
 * with the callback's registration (a pair per event ID). */
typedef struct {
    vshEventData *data;
    const char *name;
} vshEventReg;

static void
vshEventDevice(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, const char *alias,
               void *opaque)
{
    vshEventReg *reg = opaque;
    g_autofree char *line = g_strdup_printf(_("event '%s' for domain '%s': %s\n"), reg->name,
                                            virDomainGetName(dom), alias);

    vshEventPrint(reg->data, line);
}

/* every other event: its name and the domain */
static void
vshEventGeneric(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, void *opaque)
{
    vshEventReg *reg = opaque;
    g_autofree char *line = g_strdup_printf(_("event '%s' for domain '%s'\n"), reg->name,
                                            virDomainGetName(dom));

    vshEventPrint(reg->data, line);
}

static gboolean
vshEventInterrupt(gpointer opaque)
{
    vshEventData *data = opaque;

    data->interrupted = true;
    return G_SOURCE_CONTINUE;
}

static void
vshEventTimeout(int timer G_GNUC_UNUSED, void *opaque)
{
    vshEventData *data = opaque;

    data->timedOut = true;
}

static virConnectDomainEventGenericCallback
vshEventCallback(int id)
{
    switch (id) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
        return VIR_DOMAIN_EVENT_CALLBACK(vshEventLifecycle);
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
        return VIR_DOMAIN_EVENT_CALLBACK(vshEventDevice);
    default:
        return VIR_DOMAIN_EVENT_CALLBACK(vshEventGeneric);
    }
}

bool
cmdEvent(vshControl *ctl, const vshCmd *cmd)
{
    const char *name = vshCommandOptString(cmd, "event");
    vshEventData data = { .ctl = ctl };
    vshEventReg regs[G_N_ELEMENTS(vshEventNames)];
    int ids[G_N_ELEMENTS(vshEventNames)];
    virDomainPtr dom = NULL;
    virConnectPtr conn;
    int timeout = 0;
    int timer = -1;
    guint sigint;
    bool all = vshCommandOptBool(cmd, "all");
    bool ret = false;
    size_t i;

    if (vshCommandOptBool(cmd, "list")) {
        for (i = 0; i < G_N_ELEMENTS(vshEventNames); i++)
            printf("%s\n", vshEventNames[i]);
        return true;
    }
    if (!name && !all) {
        vshError(ctl, "%s", _("one of --list, --all, or --event <type> is required"));
        return false;
    }
    if (name && all) {
        vshError(ctl, "%s", _("Options --all and --event are mutually exclusive"));
        return false;
    }
    if (vshCommandOptInt(ctl, cmd, "timeout", &timeout) < 0)
        return false;
    data.loop = vshCommandOptBool(cmd, "loop");
    data.timestamp = vshCommandOptBool(cmd, "timestamp");
    for (i = 0; i < G_N_ELEMENTS(vshEventNames); i++) {
        ids[i] = -1;
        regs[i].data = &data;
        regs[i].name = vshEventNames[i];
    }
    if (name) {
        for (i = 0; i < G_N_ELEMENTS(vshEventNames) && strcmp(name, vshEventNames[i]) != 0; i++)
            ;
        if (i == G_N_ELEMENTS(vshEventNames)) {
            vshError(ctl, _("unknown event type %s"), name);
            return false;
        }
    }

    /* before the connection is used: the remote driver delivers events
     * through the loop registered then */
    if (virEventRegisterDefaultImpl() < 0 || !(conn = vshConnection(ctl)))
        return false;
    if (vshCommandOptString(cmd, "domain") && !(dom = vshCommandOptDomain(ctl, cmd, NULL)))
        return false;
    for (i = 0; i < G_N_ELEMENTS(vshEventNames); i++) {
        if (!all && strcmp(name, vshEventNames[i]) != 0)
            continue;
        if ((ids[i] = virConnectDomainEventRegisterAny(conn, dom, (int)i, vshEventCallback(i),
                                                       i == VIR_DOMAIN_EVENT_ID_LIFECYCLE ?
                                                       (void *)&data : (void *)&regs[i],
                                                       NULL)) < 0) {
            vshReportError(ctl);
            goto cleanup;
        }
    }
    if (timeout > 0)
        timer = virEventAddTimeout(timeout * 1000, vshEventTimeout, &data, NULL);
    sigint = g_unix_signal_add(SIGINT, vshEventInterrupt, &data);
    while (!data.done && !data.interrupted && !data.timedOut)
        virEventRunDefaultImpl();
    g_source_remove(sigint);
    if (data.interrupted)
        printf("%s", _("event loop interrupted\n"));
    else if (data.timedOut && !data.done)
        printf("%s", _("event loop timed out\n"));
    printf(_("events received: %d\n"), data.count);
    ret = data.count > 0;

 cleanup:
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    for (i = 0; i < G_N_ELEMENTS(vshEventNames); i++) {
        if (ids[i] >= 0)
            virConnectDomainEventDeregisterAny(conn, ids[i]);
    }
    if (dom)
        virDomainFree(dom);
    return ret;
}

const vshCmdOptDef opts_event[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_NONE, N_("filter by domain name, id or uuid") },
    { "event", VSH_OT_STRING, VSH_OFLAG_NONE, N_("which event type to wait for") },
    { "all", VSH_OT_BOOL, VSH_OFLAG_NONE, N_("wait for all events instead of just one type") },
    { "loop", VSH_OT_BOOL, VSH_OFLAG_NONE, N_("loop until timeout or interrupt, rather than one-shot") },
    { "timeout", VSH_OT_INT, VSH_OFLAG_NONE, N_("timeout seconds") },
    { "list", VSH_OT_BOOL, VSH_OFLAG_NONE, N_("list valid event types") },
    { "timestamp", VSH_OT_BOOL, VSH_OFLAG_NONE, N_("show timestamp for each printed event") },
    { NULL, 0, 0, NULL },
};
