/*
 * virsh-domain.c: commands that manage domains (define, start, destroy, ...)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
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
    vshPrint(ctl, _("Domain '%s' defined from %s\n"), virDomainGetName(dom), file);
    if (!ctl->quiet)
        vshPrint(ctl, "\n");
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
    vshPrint(ctl, _("Domain '%s' created from %s\n"), virDomainGetName(dom), file);
    if (!ctl->quiet)
        vshPrint(ctl, "\n");
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
    if ((ok = virDomainUndefine(dom) == 0)) {
        vshPrint(ctl, _("Domain '%s' has been undefined\n"), virDomainGetName(dom));
        if (!ctl->quiet)
            vshPrint(ctl, "\n");
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
        vshPrint(ctl, _("Domain '%s' started\n"), virDomainGetName(dom));
        if (!ctl->quiet)
            vshPrint(ctl, "\n");
    } else {
        vshError(ctl, _("Failed to start domain '%s'"), virDomainGetName(dom));
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
        vshPrint(ctl, okFmt, virDomainGetName(dom));
        if (!ctl->quiet)
            vshPrint(ctl, "\n");
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

const vshCmdDef domManagementCmds[] = {
    { "domxml-to-native", cmdDomXMLToNative, opts_domxml_to_native,
      N_("Convert domain XML to native config"),
      N_("Print the QEMU command line that starting the domain would run.") },
    { "create", cmdCreate, opts_create, N_("create a domain from an XML file"),
      N_("Create and start a transient domain from an XML file.") },
    { "define", cmdDefine, opts_define, N_("define (but don't start) a domain from an XML file"),
      N_("Define a persistent domain from an XML file.") },
    { "destroy", cmdDestroy, opts_domain_only, N_("destroy (stop) a domain"),
      N_("Forcefully stop a running domain: its QEMU is killed.") },
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
