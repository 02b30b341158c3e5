/*
 * virsh-domain-monitor.c: commands that show domains (list, domstate, ...)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "virsh.h"

#define VSH_OPT_DOMAIN \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") }

static const vshCmdOptDef opts_list[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive domains") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active domains") },
    { "transient", VSH_OT_BOOL, 0, N_("list transient domains") },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent domains") },
    { "autostart", VSH_OT_BOOL, 0, N_("list domains with autostart enabled") },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list domains with autostart disabled") },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only") },
    { "name", VSH_OT_BOOL, 0, N_("list domain names only") },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)") },
    { NULL, 0, 0, NULL },
};

/* Debian's virsh order: running domains by id, then the others by name
 * ignoring case */
static int
vshDomainSorter(const void *a, const void *b)
{
    virDomainPtr da = *(virDomainPtr const *)a;
    virDomainPtr db = *(virDomainPtr const *)b;
    int ida = virDomainGetID(da);
    int idb = virDomainGetID(db);

    if (ida >= 0 && idb >= 0)
        return ida < idb ? -1 : ida > idb;
    if (ida >= 0 || idb >= 0)
        return ida >= 0 ? -1 : 1;
    return g_ascii_strcasecmp(virDomainGetName(da), virDomainGetName(db));
}

static bool
cmdList(vshControl *ctl, const vshCmd *cmd)
{
    virConnectPtr conn = vshConnection(ctl);
    unsigned int flags = VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    bool optName, optUUID;
    virDomainPtr *doms = NULL;
    int n, i;

    if (!conn)
        return false;
    if (!vshListOutputOpts(ctl, cmd, &optName, &optUUID))
        return false;
    if (vshCommandOptBool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    if (vshCommandOptBool(cmd, "all"))
        flags = 0;
    if (vshCommandOptBool(cmd, "transient"))
        flags |= VIR_CONNECT_LIST_DOMAINS_TRANSIENT;
    if (vshCommandOptBool(cmd, "persistent"))
        flags |= VIR_CONNECT_LIST_DOMAINS_PERSISTENT;
    if (vshCommandOptBool(cmd, "autostart"))
        flags |= VIR_CONNECT_LIST_DOMAINS_AUTOSTART;
    if (vshCommandOptBool(cmd, "no-autostart"))
        flags |= VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART;

    if ((n = virConnectListAllDomains(conn, &doms, flags)) < 0) {
        vshError(ctl, "%s", _("Failed to list domains"));
        return false;
    }
    if (n > 1)
        qsort(doms, n, sizeof(*doms), vshDomainSorter);

    if (optName || optUUID) {
        for (i = 0; i < n; i++) {
            char uuid[VIR_UUID_STRING_BUFLEN];
            bool known = optUUID && virDomainGetUUIDString(doms[i], uuid) == 0;

            vshListPrintNameUUID(optName, virDomainGetName(doms[i]), known ? uuid : NULL);
        }
    } else {
        g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

        g_ptr_array_add(rows, g_strsplit(_("Id|Name|State"), "|", 3));
        for (i = 0; i < n; i++) {
            char **row = g_new0(char *, 4);
            int state = VIR_DOMAIN_NOSTATE;
            int id = virDomainGetID(doms[i]);

            virDomainGetState(doms[i], &state, NULL, 0);
            row[0] = id >= 0 && state != VIR_DOMAIN_SHUTOFF ? g_strdup_printf("%d", id) : g_strdup("-");
            row[1] = g_strdup(virDomainGetName(doms[i]));
            row[2] = g_strdup(vshDomainStateToString(state));
            g_ptr_array_add(rows, row);
        }
        vshResetError();
        vshTablePrint(ctl, rows, 3);
    }
    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return true;
}

static const vshCmdOptDef opts_domain_only[] = {
    VSH_OPT_DOMAIN,
    { NULL, 0, 0, NULL },
};

static bool
cmdDomUUID(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool ok;

    if (!dom)
        return false;
    if ((ok = virDomainGetUUIDString(dom, uuid) == 0))
        printf("%s\n", uuid);
    else
        vshError(ctl, "%s", _("failed to get domain UUID"));
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_domname[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain id or uuid") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomName(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);

    if (!dom)
        return false;
    printf("%s\n", virDomainGetName(dom));
    virDomainFree(dom);
    return true;
}

static bool
cmdDomID(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    int state = VIR_DOMAIN_SHUTOFF;
    int id;

    if (!dom)
        return false;
    id = virDomainGetID(dom);
    virDomainGetState(dom, &state, NULL, 0);
    vshResetError();
    if (id < 0 || state == VIR_DOMAIN_SHUTOFF)
        printf("-\n");
    else
        printf("%d\n", id);
    virDomainFree(dom);
    return true;
}

static const vshCmdOptDef opts_domstate[] = {
    VSH_OPT_DOMAIN,
    { "reason", VSH_OT_BOOL, 0, N_("also print reason for the state") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomState(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    int state, reason;
    bool ok;

    if (!dom)
        return false;
    if ((ok = virDomainGetState(dom, &state, &reason, 0) == 0)) {
        if (vshCommandOptBool(cmd, "reason"))
            printf("%s (%s)\n", vshDomainStateToString(state),
                   vshDomainStateReasonToString(state, reason));
        else
            printf("%s\n", vshDomainStateToString(state));
    }
    virDomainFree(dom);
    return ok;
}

/* The domain's messages (tainting, deprecations), as libvirt's virsh
 * lists them; a driver without them prints nothing. */
static void
vshPrintDomainMessages(virDomainPtr dom)
{
    char **msgs = NULL;
    int n = virDomainGetMessages(dom, &msgs, 0);
    int i;

    for (i = 0; i < n; i++) {
        printf("%-15s %s\n", i == 0 ? _("Messages:") : "", msgs[i]);
        free(msgs[i]);
    }
    free(msgs);
    vshResetError();
}

/* The security lines of dominfo: none when the host has no security
 * model (or its daemon cannot say), an error when it has one and the
 * domain's label cannot be read. */
static bool
vshDomInfoSecurity(vshControl *ctl, virDomainPtr dom)
{
    virSecurityModel secmodel;
    virSecurityLabel seclabel;

    if (virNodeGetSecurityModel(vshConnection(ctl), &secmodel) < 0) {
        virErrorPtr err = virGetLastError();

        if (err && err->code != VIR_ERR_NO_SUPPORT)
            return false;
        vshResetError();
        return true;
    }
    if (!secmodel.model[0])
        return true;
    printf("%-15s %s\n", _("Security model:"), secmodel.model);
    printf("%-15s %s\n", _("Security DOI:"), secmodel.doi);
    if (virDomainGetSecurityLabel(dom, &seclabel) < 0)
        return false;
    if (seclabel.label[0])
        printf("%-15s %s (%s)\n", _("Security label:"), seclabel.label,
               seclabel.enforcing ? "enforcing" : "permissive");
    return true;
}

static bool
cmdDomInfo(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    virDomainInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int persistent;
    int autostart;
    int managed;
    char *ostype;
    int id;

    if (!dom)
        return false;
    if (virDomainGetInfo(dom, &info) < 0) {
        virDomainFree(dom);
        return false;
    }
    id = virDomainGetID(dom);
    if (id >= 0 && info.state != VIR_DOMAIN_SHUTOFF)
        printf("%-15s %d\n", _("Id:"), id);
    else
        printf("%-15s %s\n", _("Id:"), "-");
    printf("%-15s %s\n", _("Name:"), virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        printf("%-15s %s\n", _("UUID:"), uuid);
    if ((ostype = virDomainGetOSType(dom))) {
        printf("%-15s %s\n", _("OS Type:"), ostype);
        free(ostype);
    } else {
        vshResetError();
    }
    printf("%-15s %s\n", _("State:"), vshDomainStateToString(info.state));
    printf("%-15s %d\n", _("CPU(s):"), info.nrVirtCpu);
    if (info.cpuTime != 0)
        printf("%-15s %.1lfs\n", _("CPU time:"), info.cpuTime / 1000000000.0);
    printf("%-15s %lu KiB\n", _("Max memory:"), info.maxMem);
    printf("%-15s %lu KiB\n", _("Used memory:"), info.memory);
    persistent = virDomainIsPersistent(dom);
    printf("%-15s %s\n", _("Persistent:"), persistent < 0 ? _("unknown") :
           persistent ? _("yes") : _("no"));
    if (virDomainGetAutostart(dom, &autostart) == 0)
        printf("%-15s %s\n", _("Autostart:"), autostart ? _("enable") : _("disable"));
    else
        vshResetError();
    managed = virDomainHasManagedSaveImage(dom, 0);
    if (managed < 0)
        vshResetError();
    printf("%-15s %s\n", _("Managed save:"), managed < 0 ? _("unknown") :
           managed ? _("yes") : _("no"));
    if (!vshDomInfoSecurity(ctl, dom)) {
        virDomainFree(dom);
        return false;
    }
    vshPrintDomainMessages(dom);
    virDomainFree(dom);
    return true;
}

static char *
vshXPathString(xmlXPathContextPtr ctxt, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr obj;
    char *ret = NULL;

    ctxt->node = node;
    if ((obj = xmlXPathEval(BAD_CAST expr, ctxt))) {
        if (obj->type == XPATH_STRING && obj->stringval && obj->stringval[0])
            ret = g_strdup((const char *)obj->stringval);
        xmlXPathFreeObject(obj);
    }
    return ret;
}

/* "0000:03:07.1" from a <source><address .../></source> */
static char *
vshHostdevSource(xmlXPathContextPtr ctxt, xmlNodePtr node)
{
    g_autofree char *d = vshXPathString(ctxt, node, "string(./source/address/@domain)");
    g_autofree char *b = vshXPathString(ctxt, node, "string(./source/address/@bus)");
    g_autofree char *s = vshXPathString(ctxt, node, "string(./source/address/@slot)");
    g_autofree char *f = vshXPathString(ctxt, node, "string(./source/address/@function)");

    if (!d || !b || !s || !f)
        return g_strdup("-");
    return g_strdup_printf("%04x:%02x:%02x.%x",
                           (unsigned int)g_ascii_strtoull(d, NULL, 0),
                           (unsigned int)g_ascii_strtoull(b, NULL, 0),
                           (unsigned int)g_ascii_strtoull(s, NULL, 0),
                           (unsigned int)g_ascii_strtoull(f, NULL, 0));
}

/* An XPath context on @dom's XML (virDomainGetXMLDesc @flags), NULL with
 * the error reported; free it with vshDomainXPathFree. */
static xmlXPathContextPtr
vshDomainXPath(vshControl *ctl, virDomainPtr dom, unsigned int flags)
{
    char *xml = virDomainGetXMLDesc(dom, flags);
    xmlDocPtr doc;
    xmlXPathContextPtr ctxt = NULL;

    if (!xml)
        return NULL;
    doc = xmlReadMemory(xml, strlen(xml), NULL, NULL, XML_PARSE_NONET);
    free(xml);
    if (!doc || !(ctxt = xmlXPathNewContext(doc))) {
        if (doc)
            xmlFreeDoc(doc);
        vshError(ctl, "%s", _("cannot parse the domain XML"));
    }
    return ctxt;
}

static void
vshDomainXPathFree(xmlXPathContextPtr ctxt)
{
    if (!ctxt)
        return;
    xmlFreeDoc(ctxt->doc);
    xmlXPathFreeContext(ctxt);
}

static bool
cmdDomIfTeaming(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    g_autoptr(GPtrArray) rows = NULL;
    xmlXPathContextPtr ctxt = NULL;
    xmlXPathObjectPtr standbys = NULL;
    bool ok = false;
    int i;

    if (!dom)
        return false;
    if (virDomainIsActive(dom) != 1) {
        vshError(ctl, _("domain '%s' is not running: failover state exists only while it runs"),
                 virDomainGetName(dom));
        goto cleanup;
    }
    if (!(ctxt = vshDomainXPath(ctl, dom, 0)))
        goto cleanup;
    standbys = xmlXPathEval(BAD_CAST "/domain/devices/interface[teaming/@type='persistent']", ctxt);
    rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_ptr_array_add(rows, g_strsplit(_("Standby|Primary|VF|MAC|Negotiated"), "|", 5));
    for (i = 0; standbys && standbys->nodesetval && i < standbys->nodesetval->nodeNr; i++) {
        xmlNodePtr sb = standbys->nodesetval->nodeTab[i];
        g_autofree char *alias = vshXPathString(ctxt, sb, "string(./alias/@name)");
        g_autofree char *mac = vshXPathString(ctxt, sb, "string(./mac/@address)");
        g_autofree char *neg = vshXPathString(ctxt, sb, "string(./teaming/@negotiated)");
        g_autofree char *expr = g_strdup_printf("/domain/devices/*[self::interface or self::hostdev]"
                                                "[teaming/@type='transient' and teaming/@persistent='%s']",
                                                alias ? alias : "");
        xmlXPathObjectPtr prim;
        char **row = g_new0(char *, 6);

        row[0] = g_strdup(alias ? alias : "-");
        row[1] = g_strdup("-");
        row[2] = g_strdup("-");
        ctxt->node = sb;
        if ((prim = xmlXPathEval(BAD_CAST expr, ctxt))) {
            if (prim->nodesetval && prim->nodesetval->nodeNr > 0) {
                xmlNodePtr p = prim->nodesetval->nodeTab[0];
                g_autofree char *palias = vshXPathString(ctxt, p, "string(./alias/@name)");

                g_free(row[1]);
                g_free(row[2]);
                row[1] = g_strdup(palias ? palias : "-");
                row[2] = vshHostdevSource(ctxt, p);
            }
            xmlXPathFreeObject(prim);
        }
        row[3] = g_strdup(mac ? mac : "-");
        row[4] = g_strdup(neg ? neg : _("unknown"));
        g_ptr_array_add(rows, row);
    }
    vshTablePrint(ctl, rows, 5);
    ok = true;

 cleanup:
    if (standbys)
        xmlXPathFreeObject(standbys);
    vshDomainXPathFree(ctxt);
    virDomainFree(dom);
    return ok;
}

static const vshCmdOptDef opts_domiflist[] = {
    VSH_OPT_DOMAIN,
    { "inactive", VSH_OT_BOOL, 0, N_("get inactive rather than running configuration") },
    { NULL, 0, 0, NULL },
};

static const vshCmdOptDef opts_domblklist[] = {
    VSH_OPT_DOMAIN,
    { "inactive", VSH_OT_BOOL, 0, N_("get inactive rather than running configuration") },
    { "details", VSH_OT_BOOL, 0, N_("additionally display the type and device value") },
    { NULL, 0, 0, NULL },
};

/* One row of a device table, from the device's element */
typedef char **(*vshDeviceRowFunc)(xmlXPathContextPtr ctxt, xmlNodePtr dev, bool details);

static char *
vshXPathStringOr(xmlXPathContextPtr ctxt, xmlNodePtr node, const char *expr, const char *dflt)
{
    char *ret = vshXPathString(ctxt, node, expr);

    return ret ? ret : g_strdup(dflt);
}

static char **
vshInterfaceRow(xmlXPathContextPtr ctxt, xmlNodePtr dev, bool details G_GNUC_UNUSED)
{
    char **row = g_new0(char *, 6);

    row[0] = vshXPathStringOr(ctxt, dev, "string(./target/@dev)", "-");
    row[1] = vshXPathStringOr(ctxt, dev, "string(./@type)", "-");
    row[2] = vshXPathStringOr(ctxt, dev, "string(./source/@bridge|./source/@dev|"
                              "./source/@network|./source/@name|./source/@path)", "-");
    row[3] = vshXPathStringOr(ctxt, dev, "string(./model/@type)", "-");
    row[4] = vshXPathStringOr(ctxt, dev, "string(./mac/@address)", "-");
    return row;
}

static char **
vshDiskRow(xmlXPathContextPtr ctxt, xmlNodePtr dev, bool details)
{
    char **row = g_new0(char *, 5);
    size_t i = 0;

    if (details) {
        row[i++] = vshXPathStringOr(ctxt, dev, "string(./@type)", "-");
        row[i++] = vshXPathStringOr(ctxt, dev, "string(./@device)", "-");
    }
    row[i++] = vshXPathStringOr(ctxt, dev, "string(./target/@dev)", "-");
    row[i++] = vshXPathStringOr(ctxt, dev, "string(./source/@file|./source/@dev|"
                                "./source/@dir|./source/@name|./source/@volume)", "-");
    return row;
}

/* A table of one kind of device of a domain (@expr selects them), its
 * columns named by @header ("A|B|..."); --inactive reads the definition. */
static bool
vshDomainDeviceTable(vshControl *ctl, const vshCmd *cmd, const char *expr,
                     const char *header, vshDeviceRowFunc rowFunc, bool details)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    unsigned int flags = vshCommandOptBool(cmd, "inactive") ? VIR_DOMAIN_XML_INACTIVE : 0;
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_auto(GStrv) cols = g_strsplit(header, "|", -1);
    xmlXPathContextPtr ctxt;
    xmlXPathObjectPtr devs;
    int i;

    if (!dom)
        return false;
    ctxt = vshDomainXPath(ctl, dom, flags);
    virDomainFree(dom);
    if (!ctxt)
        return false;
    g_ptr_array_add(rows, g_strdupv(cols));
    devs = xmlXPathEval(BAD_CAST expr, ctxt);
    for (i = 0; devs && devs->nodesetval && i < devs->nodesetval->nodeNr; i++)
        g_ptr_array_add(rows, rowFunc(ctxt, devs->nodesetval->nodeTab[i], details));
    vshTablePrint(ctl, rows, g_strv_length(cols));
    if (devs)
        xmlXPathFreeObject(devs);
    vshDomainXPathFree(ctxt);
    return true;
}

static bool
cmdDomIfList(vshControl *ctl, const vshCmd *cmd)
{
    return vshDomainDeviceTable(ctl, cmd, "/domain/devices/interface",
                                _("Interface|Type|Source|Model|MAC"), vshInterfaceRow, false);
}

static bool
cmdDomBlkList(vshControl *ctl, const vshCmd *cmd)
{
    bool details = vshCommandOptBool(cmd, "details");

    return vshDomainDeviceTable(ctl, cmd, "/domain/devices/disk",
                                details ? _("Type|Device|Target|Source") : _("Target|Source"),
                                vshDiskRow, details);
}

const vshCmdDef domMonitoringCmds[] = {
    { "domblklist", cmdDomBlkList, opts_domblklist, N_("list all domain blocks"),
      N_("Get the summary of block devices for a domain: target and source, with --details also type and device.") },
    { "domiflist", cmdDomIfList, opts_domiflist, N_("list all domain virtual interfaces"),
      N_("Get the summary of virtual interfaces for a domain: host device, type, source, model and MAC.") },
    { "domifteaming", cmdDomIfTeaming, opts_domain_only, N_("failover pairs of a running domain"),
      N_("For each teaming standby of a running domain: its primary (device and host VF), the shared MAC, and whether the guest negotiated failover.") },
    { "domid", cmdDomID, opts_domain_only, N_("convert a domain name or UUID to domain id"),
      N_("Print the id of a running domain, '-' for an inactive one.") },
    { "dominfo", cmdDomInfo, opts_domain_only, N_("domain information"),
      N_("Returns basic information about the domain.") },
    { "domname", cmdDomName, opts_domname, N_("convert a domain id or UUID to domain name"),
      N_("Print the name of a domain.") },
    { "domstate", cmdDomState, opts_domstate, N_("domain state"),
      N_("Returns the state of a domain, asking QEMU when it runs.") },
    { "domuuid", cmdDomUUID, opts_domain_only, N_("convert a domain name or id to domain UUID"),
      N_("Print the UUID of a domain.") },
    { "list", cmdList, opts_list, N_("list domains"),
      N_("Returns list of domains (running ones by default).") },
    { NULL, NULL, NULL, NULL, NULL },
};
