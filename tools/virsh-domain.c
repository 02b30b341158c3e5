/*
 * virsh-domain.c: commands that manage domains (define, start, destroy, ...)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "virsh.h"

#define VSH_OPT_DOMAIN \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") }

static const vshCmdOptDef opts_define[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML domain description") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDefine(vshControl *ctl, const vshCmd *cmd)
{
    const char *file = vshCommandOptString(cmd, "file");
    g_autofree char *xml = NULL;
    unsigned int flags = 0;
    virConnectPtr conn;
    virDomainPtr dom;

    if (vshCommandOptBool(cmd, "validate"))
        flags |= VIR_DOMAIN_DEFINE_VALIDATE;
    if (!(conn = vshConnection(ctl)) || !(xml = vshReadFile(ctl, file)))
        return false;
    if (!(dom = flags ? virDomainDefineXMLFlags(conn, xml, flags) :
                        virDomainDefineXML(conn, xml))) {
        vshError(ctl, _("Failed to define domain from %s"), file);
        return false;
    }
    if (!ctl->quiet) {
        vshPrint(ctl, _("Domain '%s' defined from %s\n"), virDomainGetName(dom), file);
    }
    virDomainFree(dom);
    return true;
}

static const vshCmdOptDef opts_create[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML domain description") },
    { "paused", VSH_OT_BOOL, 0, N_("leave the guest paused after creation") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL, 0, 0, NULL },
};

static bool
cmdCreate(vshControl *ctl, const vshCmd *cmd)
{
    const char *file = vshCommandOptString(cmd, "file");
    g_autofree char *xml = NULL;
    unsigned int flags = 0;
    virConnectPtr conn;
    virDomainPtr dom;

    if (vshCommandOptBool(cmd, "paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (vshCommandOptBool(cmd, "validate"))
        flags |= VIR_DOMAIN_START_VALIDATE;
    if (!(conn = vshConnection(ctl)) || !(xml = vshReadFile(ctl, file)))
        return false;
    if (!(dom = virDomainCreateXML(conn, xml, flags))) {
        vshError(ctl, _("Failed to create domain from %s"), file);
        return false;
    }
    if (!ctl->quiet) {
        vshPrint(ctl, _("Domain '%s' created from %s\n"), virDomainGetName(dom), file);
    }
    virDomainFree(dom);
    return true;
}

static const vshCmdOptDef opts_domain_only[] = {
    VSH_OPT_DOMAIN,
    { NULL, 0, 0, NULL },
};

static bool
cmdUndefine(vshControl *ctl, const vshCmd *cmd)
{
    const char *name;
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, &name);
    bool ok;

    if (!dom)
        return false;
    /* UndefineFlags, as Debian's virsh calls it (its errors name it) */
    if ((ok = virDomainUndefineFlags(dom, 0) == 0)) {
        if (!ctl->quiet) {
            vshPrint(ctl, _("Domain '%s' has been undefined\n"), virDomainGetName(dom));
        }
    } else {
        vshError(ctl, _("Failed to undefine domain '%s'"), name);
    }
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_start[] = {
    VSH_OPT_DOMAIN,
    { "paused", VSH_OT_BOOL, 0, N_("leave the guest paused after start") },
    { NULL, 0, 0, NULL },
};

static bool
cmdStart(vshControl *ctl, const vshCmd *cmd)
{
    const char *name;
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, &name);
    unsigned int flags = 0;
    bool ok;

    if (!dom)
        return false;
    if (virDomainIsActive(dom) == 1) {
        vshError(ctl, "%s", _("Domain is already active"));
        virDomainFree(dom);
        return false;
    }
    if (vshCommandOptBool(cmd, "paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if ((ok = (flags ? virDomainCreateWithFlags(dom, flags) : virDomainCreate(dom)) == 0)) {
        if (!ctl->quiet) {
            vshPrint(ctl, _("Domain '%s' started\n"), virDomainGetName(dom));
        }
    } else {
        vshError(ctl, _("Failed to start domain '%s'"), name);
    }
    virDomainFree(dom);
    return ok;
}

/* Commands of the form "run one call on a domain, print one line". */
typedef int (*vshDomainAction)(virDomainPtr dom);

static bool
vshDomainSimpleAction(vshControl *ctl, const vshCmd *cmd, vshDomainAction action,
                      const char *okFmt, const char *errFmt)
{
    const char *name;
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, &name);
    bool ok;

    if (!dom)
        return false;
    if ((ok = action(dom) == 0)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (!ctl->quiet) {
            vshPrint(ctl, okFmt, virDomainGetName(dom));
        }
    } else {
        vshError(ctl, errFmt, name);
#pragma GCC diagnostic pop
    }
    virDomainFree(dom);
    return ok;
}

static bool
cmdDestroy(vshControl *ctl, const vshCmd *cmd)
{
    return vshDomainSimpleAction(ctl, cmd, virDomainDestroy,
                                 _("Domain '%s' destroyed\n"),
                                 _("Failed to destroy domain '%s'"));
}

static bool
cmdShutdown(vshControl *ctl, const vshCmd *cmd)
{
    return vshDomainSimpleAction(ctl, cmd, virDomainShutdown,
                                 _("Domain '%s' is being shutdown\n"),
                                 _("Failed to shutdown domain '%s'"));
}

static const vshCmdOptDef opts_autostart[] = {
    VSH_OPT_DOMAIN,
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting") },
    { NULL, 0, 0, NULL },
};

static int
vshDomainAutostartOn(virDomainPtr dom)
{
    return virDomainSetAutostart(dom, 1);
}

static int
vshDomainAutostartOff(virDomainPtr dom)
{
    return virDomainSetAutostart(dom, 0);
}

static bool
cmdAutostart(vshControl *ctl, const vshCmd *cmd)
{
    if (vshCommandOptBool(cmd, "disable"))
        return vshDomainSimpleAction(ctl, cmd, vshDomainAutostartOff,
                                     _("Domain '%s' unmarked as autostarted\n"),
                                     _("Failed to unmark domain '%s' as autostarted"));
    return vshDomainSimpleAction(ctl, cmd, vshDomainAutostartOn,
                                 _("Domain '%s' marked as autostarted\n"),
                                 _("Failed to mark domain '%s' as autostarted"));
}

static bool
cmdSuspend(vshControl *ctl, const vshCmd *cmd)
{
    return vshDomainSimpleAction(ctl, cmd, virDomainSuspend,
                                 _("Domain '%s' suspended\n"),
                                 _("Failed to suspend domain '%s'"));
}

static bool
cmdResume(vshControl *ctl, const vshCmd *cmd)
{
    return vshDomainSimpleAction(ctl, cmd, virDomainResume,
                                 _("Domain '%s' resumed\n"),
                                 _("Failed to resume domain '%s'"));
}

static const vshCmdOptDef opts_dumpxml[] = {
    VSH_OPT_DOMAIN,
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML") },
    { "security-info", VSH_OT_BOOL, 0, N_("include security sensitive information in XML dump") },
    { "migratable", VSH_OT_BOOL, 0, N_("provide XML suitable for migrations") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDumpXML(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    unsigned int flags = 0;
    char *xml;

    if (!dom)
        return false;
    if (vshCommandOptBool(cmd, "inactive"))
        flags |= VIR_DOMAIN_XML_INACTIVE;
    if (vshCommandOptBool(cmd, "security-info"))
        flags |= VIR_DOMAIN_XML_SECURE;
    if (vshCommandOptBool(cmd, "migratable"))
        flags |= VIR_DOMAIN_XML_MIGRATABLE;
    xml = virDomainGetXMLDesc(dom, flags);
    virDomainFree(dom);
    if (!xml)
        return false;
    vshPrint(ctl, "%s", xml);
    free(xml);
    return true;
}

static const vshCmdOptDef opts_domxml_to_native[] = {
    { "format", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("target config data type format") },
    { "xml", VSH_OT_STRING, VSH_OFLAG_POS, N_("xml data file to export from") },
    { "domain", VSH_OT_STRING, 0, N_("domain name, id or uuid") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomXMLToNative(vshControl *ctl, const vshCmd *cmd)
{
    const char *format = vshCommandOptString(cmd, "format");
    const char *file = vshCommandOptString(cmd, "xml");
    g_autofree char *xml = NULL;
    virConnectPtr conn;
    char *native;

    if (!(conn = vshConnection(ctl)))
        return false;
    if (vshCommandOptString(cmd, "domain") && !file) {
        virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
        char *desc;

        if (!dom)
            return false;
        desc = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
        virDomainFree(dom);
        if (!desc)
            return false;
        xml = g_strdup(desc);
        free(desc);
    } else if (file) {
        if (!(xml = vshReadFile(ctl, file)))
            return false;
    } else {
        vshError(ctl, "%s", _("need either domain or domain XML"));
        return false;
    }
    if (!(native = virConnectDomainXMLToNative(conn, format, xml, 0)))
        return false;
    printf("%s", native);
    free(native);
    return true;
}

static const vshCmdOptDef opts_migrate[] = {
    { "live", VSH_OT_BOOL, 0, N_("live migration") },
    { "p2p", VSH_OT_BOOL, 0, N_("peer-2-peer migration") },
    { "tls", VSH_OT_BOOL, 0, N_("use TLS for migration") },
    { "persistent", VSH_OT_BOOL, 0, N_("persist VM on destination") },
    { "undefinesource", VSH_OT_BOOL, 0, N_("undefine VM on source") },
    { "suspend", VSH_OT_BOOL, 0, N_("do not restart the domain on the destination host") },
    { "unsafe", VSH_OT_BOOL, 0, N_("force migration even if it may be unsafe (guest without negotiated failover)") },
    { "abort-on-error", VSH_OT_BOOL, 0, N_("abort on soft errors during migration") },
    { "verbose", VSH_OT_BOOL, 0, N_("display the progress of migration") },
    { "timeout", VSH_OT_INT, 0, N_("abort the migration if it takes longer than this many seconds") },
    { "bandwidth", VSH_OT_INT, 0, N_("migration bandwidth limit in MiB/s") },
    { "migrateuri", VSH_OT_STRING, 0, N_("migration URI, usually can be omitted") },
    { "listen-address", VSH_OT_STRING, 0, N_("listen address that destination should bind to for incoming migration") },
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "desturi", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("connection URI of the destination host") },
    { NULL, 0, 0, NULL },
};

typedef struct {
    virDomainPtr dom;
    const char *desturi;
    virTypedParameterPtr params;
    int nparams;
    unsigned int flags;
    int ret;
    virErrorPtr err;
    GMutex lock;
    GCond cond;
    bool done;          /* under lock; cond is signalled when it is set */
} vshMigrateJob;

static gpointer
vshMigrateThread(gpointer opaque)
{
    vshMigrateJob *job = opaque;

    job->ret = virDomainMigrateToURI3(job->dom, job->desturi, job->params, job->nparams,
                                      job->flags);
    if (job->ret < 0)
        job->err = virSaveLastError();
    g_mutex_lock(&job->lock);
    job->done = true;
    g_cond_signal(&job->cond);
    g_mutex_unlock(&job->lock);
    return NULL;
}

/* "Migration: [ 42 %]" lines, and the phase when it changes. */
static void
vshMigrationProgress(virDomainPtr dom, char **lastPhase)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0, type;
    const char *phase = NULL;
    const char *primary = NULL;
    unsigned long long total = 0, remaining = 0;

    if (virDomainGetJobStats(dom, &type, &params, &nparams, 0) < 0 ||
        type != VIR_DOMAIN_JOB_UNBOUNDED) {
        vshResetError();
        virTypedParamsFree(params, nparams);
        return;
    }
    virTypedParamsGetString(params, nparams, "phase", &phase);
    virTypedParamsGetString(params, nparams, "unplug_primary", &primary);
    virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_MEMORY_TOTAL, &total);
    virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_MEMORY_REMAINING, &remaining);
    if (phase && g_strcmp0(phase, *lastPhase) != 0) {
        if (g_str_equal(phase, "wait-unplug"))
            fprintf(stderr, _("Migration: wait-unplug (the guest is releasing %s)\n"),
                    primary ? primary : _("its VF"));
        else if (!g_str_equal(phase, "active"))
            fprintf(stderr, _("Migration: %s\n"), phase);
        g_free(*lastPhase);
        *lastPhase = g_strdup(phase);
    }
    if (phase && g_str_equal(phase, "active") && total > 0)
        fprintf(stderr, "\rMigration: [%3d %%]", (int)(100 - remaining * 100 / total));
    virTypedParamsFree(params, nparams);
}

static bool
cmdMigrate(vshControl *ctl, const vshCmd *cmd)
{
    const char *name;
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, &name);
    vshMigrateJob job = { 0 };
    g_autofree char *lastPhase = NULL;
    bool verbose = vshCommandOptBool(cmd, "verbose");
    int timeout = 0;
    gint64 deadline = 0;
    bool aborted = false;
    GThread *thread;

    if (!dom)
        return false;
    if (vshCommandOptInt(ctl, cmd, "timeout", &timeout) < 0 || timeout < 0) {
        virDomainFree(dom);
        return false;
    }
    job.dom = dom;
    job.desturi = vshCommandOptString(cmd, "desturi");
    if (vshCommandOptBool(cmd, "live"))
        job.flags |= VIR_MIGRATE_LIVE;
    if (vshCommandOptBool(cmd, "p2p"))
        job.flags |= VIR_MIGRATE_PEER2PEER;
    if (vshCommandOptBool(cmd, "tls"))
        job.flags |= VIR_MIGRATE_TLS;
    if (vshCommandOptBool(cmd, "persistent"))
        job.flags |= VIR_MIGRATE_PERSIST_DEST;
    if (vshCommandOptBool(cmd, "undefinesource"))
        job.flags |= VIR_MIGRATE_UNDEFINE_SOURCE;
    if (vshCommandOptBool(cmd, "suspend"))
        job.flags |= VIR_MIGRATE_PAUSED;
    if (vshCommandOptBool(cmd, "unsafe"))
        job.flags |= VIR_MIGRATE_UNSAFE;
    if (vshCommandOptBool(cmd, "abort-on-error"))
        job.flags |= VIR_MIGRATE_ABORT_ON_ERROR;
    if (timeout > 0)
        deadline = g_get_monotonic_time() + (gint64)timeout * G_USEC_PER_SEC;
    {
        int bandwidth = 0;
        int maxparams = 0;

        if (vshCommandOptInt(ctl, cmd, "bandwidth", &bandwidth) < 0 || bandwidth < 0) {
            virDomainFree(dom);
            return false;
        }
        if (bandwidth > 0)
            virTypedParamsAddULLong(&job.params, &job.nparams, &maxparams,
                                    VIR_MIGRATE_PARAM_BANDWIDTH, bandwidth);
        if (vshCommandOptString(cmd, "migrateuri"))
            virTypedParamsAddString(&job.params, &job.nparams, &maxparams,
                                    VIR_MIGRATE_PARAM_URI,
                                    vshCommandOptString(cmd, "migrateuri"));
        if (vshCommandOptString(cmd, "listen-address"))
            virTypedParamsAddString(&job.params, &job.nparams, &maxparams,
                                    VIR_MIGRATE_PARAM_LISTEN_ADDRESS,
                                    vshCommandOptString(cmd, "listen-address"));
    }

    g_mutex_init(&job.lock);
    g_cond_init(&job.cond);
    thread = g_thread_new("migrate", vshMigrateThread, &job);
    /* progress and the timeout every 100 ms; the end wakes us at once */
    g_mutex_lock(&job.lock);
    while (!job.done) {
        if (g_cond_wait_until(&job.cond, &job.lock, g_get_monotonic_time() + 100 * 1000) ||
            job.done)
            continue;
        g_mutex_unlock(&job.lock);
        if (verbose)
            vshMigrationProgress(dom, &lastPhase);
        if (deadline && !aborted && g_get_monotonic_time() > deadline) {
            aborted = true;
            if (virDomainAbortJob(dom) < 0)
                vshResetError();
        }
        g_mutex_lock(&job.lock);
    }
    g_mutex_unlock(&job.lock);
    g_thread_join(thread);
    g_cond_clear(&job.cond);
    g_mutex_clear(&job.lock);
    virTypedParamsFree(job.params, job.nparams);
    if (job.ret == 0 && verbose)
        fprintf(stderr, "\rMigration: [100 %%]\n");
    virDomainFree(dom);
    if (job.ret < 0) {
        if (lastPhase && verbose)
            fprintf(stderr, "\n");
        if (aborted)
            vshError(ctl, _("migration of '%s' exceeded the timeout of %d s and was aborted"),
                     name, timeout);
        vshError(ctl, "%s", job.err && job.err->message ? job.err->message : _("migration failed"));
        virFreeError(job.err);
        /* the migration thread's error reached the handler as well: it is
         * printed once, here */
        vshResetError();
        return false;
    }
    return true;
}

static const vshCmdOptDef opts_domjob[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { NULL, 0, 0, NULL },
};

static const vshCmdOptDef opts_domjobinfo[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "anystats", VSH_OT_BOOL, 0, N_("print statistics for any kind of job (even failed ones)") },
    { "rawstats", VSH_OT_BOOL, 0, N_("print the raw data returned by libvirt") },
    { "completed", VSH_OT_BOOL, 0, N_("return statistics of a recently completed job") },
    { NULL, 0, 0, NULL },
};

/* "12.000 MiB", as libvirt's virsh prints sizes */
static void
vshPrintJobSize(const char *label, unsigned long long bytes)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double v = bytes;
    size_t u = 0;

    while (v >= 1024 && u + 1 < G_N_ELEMENTS(units)) {
        v /= 1024;
        u++;
    }
    printf("%-17s %.3lf %s\n", label, v, units[u]);
}

/* domjobinfo --rawstats: the statistics as the driver names them */
static void
vshPrintJobRawStats(int type, virTypedParameterPtr params, int nparams)
{
    int i;

    printf("%s %d\n\n", _("Job type:"), type);
    for (i = 0; i < nparams; i++) {
        virTypedParameterPtr p = &params[i];

        switch (p->type) {
        case VIR_TYPED_PARAM_INT:
            printf("%s: %d\n", p->field, p->value.i);
            break;
        case VIR_TYPED_PARAM_ULLONG:
            printf("%s: %llu\n", p->field, p->value.ul);
            break;
        case VIR_TYPED_PARAM_STRING:
            printf("%s: %s\n", p->field, p->value.s);
            break;
        default:
            break;
        }
    }
}

/* The statistics Debian's virsh 9.0 shows, in its order and layout; the
 * driver's own ones (phase, unplug wait) only with --rawstats. */
static void
vshPrintJobStats(int type, virTypedParameterPtr params, int nparams)
{
    static const struct {
        const char *field;
        const char *label;
        bool size;
    } stats[] = {
        { VIR_DOMAIN_JOB_MEMORY_PROCESSED, N_("Memory processed:"), true },
        { VIR_DOMAIN_JOB_MEMORY_REMAINING, N_("Memory remaining:"), true },
        { VIR_DOMAIN_JOB_MEMORY_TOTAL, N_("Memory total:"), true },
        { VIR_DOMAIN_JOB_DOWNTIME, NULL, false },
        { VIR_DOMAIN_JOB_SETUP_TIME, N_("Setup time:"), false },
    };
    unsigned long long v = 0;
    const char *msg = NULL;
    size_t i;

    if (virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_TIME_ELAPSED, &v) > 0)
        printf("%-17s %-12llu ms\n", _("Time elapsed:"), v);
    if (type == VIR_DOMAIN_JOB_BOUNDED) {
        v = 0;
        virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_TIME_REMAINING, &v);
        printf("%-17s %-12llu ms\n", _("Time remaining:"), v);
    }
    for (i = 0; i < G_N_ELEMENTS(stats); i++) {
        const char *label = stats[i].label;

        if (virTypedParamsGetULLong(params, nparams, stats[i].field, &v) <= 0)
            continue;
        if (!label)
            label = type == VIR_DOMAIN_JOB_COMPLETED ? N_("Total downtime:") : N_("Expected downtime:");
        if (stats[i].size)
            vshPrintJobSize(_(label), v);
        else
            printf("%-17s %-12llu ms\n", _(label), v);
    }
    if (virTypedParamsGetString(params, nparams, VIR_DOMAIN_JOB_ERRMSG, &msg) > 0)
        printf("%-17s %s\n", _("Error message:"), msg);
}

static bool
cmdDomJobInfo(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    virTypedParameterPtr params = NULL;
    int nparams = 0, type, op = VIR_DOMAIN_JOB_OPERATION_UNKNOWN;
    static const char *const typeNames[] = {
        N_("None"), N_("Bounded"), N_("Unbounded"), N_("Completed"), N_("Failed"), N_("Cancelled"),
    };
    static const char *const opNames[] = {
        N_("Unknown"), N_("Start"), N_("Save"), N_("Restore"), N_("Incoming migration"),
        N_("Outgoing migration"), N_("Snapshot"), N_("Snapshot revert"), N_("Dump"),
        N_("Backup"), N_("Snapshot delete"),
    };

    if (!dom)
        return false;
    if (virDomainGetJobStats(dom, &type, &params, &nparams,
                             vshCommandOptBool(cmd, "completed") ?
                             VIR_DOMAIN_JOB_STATS_COMPLETED : 0) < 0) {
        virDomainFree(dom);
        return false;
    }
    if (vshCommandOptBool(cmd, "rawstats")) {
        vshPrintJobRawStats(type, params, nparams);
    } else {
        printf("%-17s %-12s\n", _("Job type:"),
               type >= 0 && type < (int)G_N_ELEMENTS(typeNames) ? _(typeNames[type]) : _("unknown"));
        if (type != VIR_DOMAIN_JOB_NONE) {
            virTypedParamsGetInt(params, nparams, VIR_DOMAIN_JOB_OPERATION, &op);
            printf("%-17s %-12s\n", _("Operation:"),
                   op >= 0 && op < (int)G_N_ELEMENTS(opNames) ? _(opNames[op]) : _("unknown"));
        }
        if (type == VIR_DOMAIN_JOB_BOUNDED || type == VIR_DOMAIN_JOB_UNBOUNDED ||
            (type == VIR_DOMAIN_JOB_COMPLETED && vshCommandOptBool(cmd, "completed")) ||
            (type != VIR_DOMAIN_JOB_NONE && vshCommandOptBool(cmd, "anystats")))
            vshPrintJobStats(type, params, nparams);
    }
    virTypedParamsFree(params, nparams);
    virDomainFree(dom);
    return true;
}

static bool
cmdDomJobAbort(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    bool ok;

    if (!dom)
        return false;
    ok = virDomainAbortJob(dom) == 0;
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_migrate_setmaxdowntime[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "downtime", VSH_OT_INT, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("maximum tolerable downtime (in milliseconds) for migration") },
    { NULL, 0, 0, NULL },
};

static bool
cmdMigrateSetMaxDowntime(vshControl *ctl, const vshCmd *cmd)
{
    unsigned long long downtime = 0;
    virDomainPtr dom;
    bool ok;

    if (!(dom = vshCommandOptDomain(ctl, cmd, NULL)))
        return false;
    if (vshCommandOptULongLong(ctl, cmd, "downtime", &downtime, false) < 0) {
        virDomainFree(dom);
        return false;
    }
    if (downtime < 1) {
        vshError(ctl, "%s", _("migrate: Invalid downtime"));
        virDomainFree(dom);
        return false;
    }
    ok = virDomainMigrateSetMaxDowntime(dom, downtime, 0) == 0;
    virDomainFree(dom);
    return ok;
}

static bool
cmdMigrateGetMaxDowntime(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    unsigned long long downtime;
    bool ok;

    if (!dom)
        return false;
    if ((ok = virDomainMigrateGetMaxDowntime(dom, &downtime, 0) == 0))
        vshPrint(ctl, "%llu\n", downtime);
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_migrate_setspeed[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "bandwidth", VSH_OT_INT, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("migration bandwidth limit in MiB/s") },
    { "postcopy", VSH_OT_BOOL, 0, N_("set post-copy migration bandwidth") },
    { NULL, 0, 0, NULL },
};

static bool
cmdMigrateSetSpeed(vshControl *ctl, const vshCmd *cmd)
{
    unsigned int flags = vshCommandOptBool(cmd, "postcopy") ?
        VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY : 0;
    unsigned long long bandwidth = 0;
    virDomainPtr dom;
    bool ok;

    if (!(dom = vshCommandOptDomain(ctl, cmd, NULL)))
        return false;
    /* -1 is the largest, which the driver refuses with its limit */
    if (vshCommandOptULongLong(ctl, cmd, "bandwidth", &bandwidth, true) < 0) {
        virDomainFree(dom);
        return false;
    }
    ok = virDomainMigrateSetMaxSpeed(dom, bandwidth, flags) == 0;
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_migrate_getspeed[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "postcopy", VSH_OT_BOOL, 0, N_("get post-copy migration bandwidth") },
    { NULL, 0, 0, NULL },
};

static bool
cmdMigrateGetSpeed(vshControl *ctl, const vshCmd *cmd)
{
    unsigned int flags = vshCommandOptBool(cmd, "postcopy") ?
        VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY : 0;
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    unsigned long bandwidth;
    bool ok;

    if (!dom)
        return false;
    if ((ok = virDomainMigrateGetMaxSpeed(dom, &bandwidth, flags) == 0))
        vshPrint(ctl, "%lu\n", bandwidth);
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_change_device[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("XML file") },
    { "persistent", VSH_OT_BOOL, 0, N_("make live change persistent") },
    { "config", VSH_OT_BOOL, 0, N_("affect next boot") },
    { "live", VSH_OT_BOOL, 0, N_("affect running domain") },
    { "current", VSH_OT_BOOL, 0, N_("affect current domain") },
    { NULL, 0, 0, NULL },
};

/* VIR_DOMAIN_AFFECT_* of --config, --live, --current and (where the
 * command has it) --persistent: config, plus live if @dom runs. */
static bool
vshDomainAffectFlags(vshControl *ctl, const vshCmd *cmd, virDomainPtr dom,
                     unsigned int *flags)
{
    *flags = 0;
    if (vshCommandOptBool(cmd, "current") &&
        (vshCommandOptBool(cmd, "live") || vshCommandOptBool(cmd, "config") ||
         vshCommandOptBool(cmd, "persistent"))) {
        vshError(ctl, "%s", _("--current cannot be combined with --live, --config or --persistent"));
        return false;
    }
    if (vshCommandOptBool(cmd, "config"))
        *flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (vshCommandOptBool(cmd, "live"))
        *flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (vshCommandOptBool(cmd, "persistent")) {
        *flags |= VIR_DOMAIN_AFFECT_CONFIG;
        if (virDomainIsActive(dom) == 1)
            *flags |= VIR_DOMAIN_AFFECT_LIVE;
    }
    return true;
}

static bool
vshChangeDevice(vshControl *ctl, const vshCmd *cmd, bool attach)
{
    const char *file = vshCommandOptString(cmd, "file");
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    g_autofree char *xml = NULL;
    unsigned int flags = 0;
    int rc;

    if (!dom)
        return false;
    if (!vshDomainAffectFlags(ctl, cmd, dom, &flags) || !(xml = vshReadFile(ctl, file))) {
        virDomainFree(dom);
        return false;
    }
    rc = attach ? virDomainAttachDeviceFlags(dom, xml, flags) :
                  virDomainDetachDeviceFlags(dom, xml, flags);
    virDomainFree(dom);
    if (rc < 0) {
        vshError(ctl, attach ? _("Failed to attach device from %s") :
                               _("Failed to detach device from %s"), file);
        return false;
    }
    if (!ctl->quiet) {
        vshPrint(ctl, "%s", attach ? _("Device attached successfully\n") :
                                     _("Device detached successfully\n"));
    }
    return true;
}

static const vshCmdOptDef opts_detach_device_alias[] = {
    VSH_OPT_DOMAIN,
    { "alias", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("device alias") },
    { "config", VSH_OT_BOOL, 0, N_("affect next boot") },
    { "live", VSH_OT_BOOL, 0, N_("affect running domain") },
    { "current", VSH_OT_BOOL, 0, N_("affect current domain") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDetachDeviceAlias(vshControl *ctl, const vshCmd *cmd)
{
    const char *alias = vshCommandOptString(cmd, "alias");
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    unsigned int flags = 0;
    int rc;

    if (!dom)
        return false;
    if (!vshDomainAffectFlags(ctl, cmd, dom, &flags)) {
        virDomainFree(dom);
        return false;
    }
    rc = virDomainDetachDeviceAlias(dom, alias, flags);
    if (rc < 0) {
        vshError(ctl, _("Failed to detach device with alias %s"), alias);
        vshReportError(ctl);   /* before virDomainFree resets it */
    }
    virDomainFree(dom);
    if (rc < 0)
        return false;
    if (!ctl->quiet) {
        vshPrint(ctl, "%s", _("Device detach request sent successfully\n"));
    }
    return true;
}

static bool
cmdAttachDevice(vshControl *ctl, const vshCmd *cmd)
{
    return vshChangeDevice(ctl, cmd, true);
}

static bool
cmdDetachDevice(vshControl *ctl, const vshCmd *cmd)
{
    return vshChangeDevice(ctl, cmd, false);
}

/* ---- edit ---- */

static char *
vshDomainEditDump(void *obj)
{
    return virDomainGetXMLDesc(obj, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
}

static const char *
vshDomainEditName(void *obj)
{
    return virDomainGetName(obj);
}

static char *
vshDomainEditDefine(vshControl *ctl, const char *xml, bool validate)
{
    virDomainPtr dom = virDomainDefineXMLFlags(vshConnection(ctl), xml,
                                               validate ? VIR_DOMAIN_DEFINE_VALIDATE : 0);
    char *name;

    if (!dom)
        return NULL;
    name = g_strdup(virDomainGetName(dom));
    virDomainFree(dom);
    return name;
}

static const vshEditOps domainEditOps = {
    .dump = vshDomainEditDump,
    .name = vshDomainEditName,
    .define = vshDomainEditDefine,
    .notChangedFmt = N_("Domain '%s' XML configuration not changed.\n"),
    .editedFmt = N_("Domain '%s' XML configuration edited.\n"),
};

static const vshCmdOptDef opts_edit[] = {
    VSH_OPT_DOMAIN,
    { "skip-validate", VSH_OT_BOOL, 0, N_("skip validation of the XML against the schema") },
    { NULL, 0, 0, NULL },
};

static bool
cmdEdit(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    vshEditOps ops = domainEditOps;
    bool ok;

    if (!dom)
        return false;
    ops.notChangedFmt = _(ops.notChangedFmt);
    ops.editedFmt = _(ops.editedFmt);
    ok = vshEdit(ctl, &ops, dom, !vshCommandOptBool(cmd, "skip-validate"));
    virDomainFree(dom);
    return ok;
}

const vshCmdDef domManagementCmds[] = {
    { "attach-device", cmdAttachDevice, opts_change_device, N_("attach device from an XML file"),
      N_("Attach an <interface> or <hostdev> (e.g. one side of a teaming pair) to a domain.") },
    { "detach-device", cmdDetachDevice, opts_change_device, N_("detach device from an XML file"),
      N_("Detach an <interface> or <hostdev> from a domain.") },
    { "autostart", cmdAutostart, opts_autostart, N_("autostart a domain"),
      N_("Configure a domain to be automatically started at boot.") },
    { "detach-device-alias", cmdDetachDeviceAlias, opts_detach_device_alias,
      N_("detach device from an alias"),
      N_("Detach the device with the given alias (e.g. the VF primary 'ua-vf0' of a teaming pair) from a domain.") },
    { "domjobabort", cmdDomJobAbort, opts_domjob, N_("abort active domain job"),
      N_("Aborts the currently running domain job (a migration).") },
    { "domjobinfo", cmdDomJobInfo, opts_domjobinfo, N_("domain job information"),
      N_("Returns information about the domain's job: phase, progress, and for a migration with failover the VF being unplugged and the time it took.") },
    { "event", cmdEvent, opts_event, N_("Domain Events"),
      N_("List event types, or wait for domain events to occur") },
    { "migrate", cmdMigrate, opts_migrate, N_("migrate domain to another host"),
      N_("Migrate a running domain to another host (another embedded root), with its failover pairs: the VF leaves here, a VF of the destination joins there.") },
    { "migrate-setmaxdowntime", cmdMigrateSetMaxDowntime, opts_migrate_setmaxdowntime,
      N_("set maximum tolerable downtime"),
      N_("Set the longest the guest may be paused at the end of a live migration to another host, in milliseconds; also while the migration runs.") },
    { "migrate-getmaxdowntime", cmdMigrateGetMaxDowntime, opts_domjob,
      N_("get maximum tolerable downtime"),
      N_("Print the longest the guest may be paused at the end of a live migration, in milliseconds.") },
    { "migrate-setspeed", cmdMigrateSetSpeed, opts_migrate_setspeed,
      N_("Set the maximum migration bandwidth"),
      N_("Set the bandwidth limit (MiB/s) of the migration of a domain to another host: of the running migration at once, and remembered for the next one.") },
    { "migrate-getspeed", cmdMigrateGetSpeed, opts_migrate_getspeed,
      N_("Get the maximum migration bandwidth"),
      N_("Print the bandwidth limit (MiB/s) of the migration of a domain.") },
    { "domxml-to-native", cmdDomXMLToNative, opts_domxml_to_native,
      N_("Convert domain XML to native config"),
      N_("Print the QEMU command line that starting the domain would run.") },
    { "create", cmdCreate, opts_create, N_("create a domain from an XML file"),
      N_("Create and start a transient domain from an XML file.") },
    { "define", cmdDefine, opts_define, N_("define (but don't start) a domain from an XML file"),
      N_("Define a persistent domain from an XML file.") },
    { "destroy", cmdDestroy, opts_domain_only, N_("destroy (stop) a domain"),
      N_("Forcefully stop a running domain: its QEMU is killed.") },
    { "edit", cmdEdit, opts_edit, N_("edit XML configuration for a domain"),
      N_("Edit the XML configuration for a domain: $VISUAL or $EDITOR (default vi) opens the inactive XML and the saved result is defined, validated against the schema unless --skip-validate.") },
    { "dumpxml", cmdDumpXML, opts_dumpxml, N_("domain information in XML"),
      N_("Output the domain information as an XML dump to stdout.") },
    { "resume", cmdResume, opts_domain_only, N_("resume a domain"),
      N_("Resume a previously suspended domain.") },
    { "shutdown", cmdShutdown, opts_domain_only, N_("gracefully shutdown a domain"),
      N_("Ask the guest to power off (ACPI power button).") },
    { "start", cmdStart, opts_start, N_("start a (previously defined) inactive domain"),
      N_("Start a domain that was defined with define.") },
    { "suspend", cmdSuspend, opts_domain_only, N_("suspend a domain"),
      N_("Pause the virtual CPUs of a running domain.") },
    { "undefine", cmdUndefine, opts_domain_only, N_("undefine a domain"),
      N_("Remove the persistent definition of a domain.") },
    { NULL, NULL, NULL, NULL, NULL },
};
