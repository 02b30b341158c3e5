/*
 * virsh-network.c: network commands (net-define, net-start, net-list, ...)
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "virsh.h"

#define VSH_OPT_NETWORK \
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network name or uuid") }

/* The NETWORK argument: a UUID, then a name. Prints "error: failed to get
 * network 'X'" on failure. */
static virNetworkPtr
vshCommandOptNetwork(vshControl *ctl, const vshCmd *cmd, const char **name)
{
    const char *arg = vshCommandOptString(cmd, "network");
    virConnectPtr conn;
    virNetworkPtr net = NULL;

    if (!arg || !(conn = vshConnection(ctl)))
        return NULL;
    if (name)
        *name = arg;
    if (strlen(arg) == VIR_UUID_STRING_BUFLEN - 1 &&
        (net = virNetworkLookupByUUIDString(conn, arg)))
        return net;
    virResetLastError();
    /* the library's reason is printed after this line, when the command
     * fails */
    if (!(net = virNetworkLookupByName(conn, arg)))
        vshError(ctl, _("failed to get network '%s'"), arg);
    return net;
}

/* Messages libvirt's virsh prints only when not --quiet, followed by the
 * blank line of its command output. */
static void G_GNUC_PRINTF(2, 3)
vshPrintExtra(vshControl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* ---- net-define, net-create ---- */

static const vshCmdOptDef opts_net_define[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML network description") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL, 0, 0, NULL },
};

/* net-define and net-create: a network from the XML of --file. */
static bool
vshNetworkFromFile(vshControl *ctl, const vshCmd *cmd, bool define)
{
    const char *file = vshCommandOptString(cmd, "file");
    bool validate = vshCommandOptBool(cmd, "validate");
    g_autofree char *xml = NULL;
    virConnectPtr conn;
    virNetworkPtr net;

    if (!(conn = vshConnection(ctl)) || !(xml = vshReadFile(ctl, file)))
        return false;
    if (define)
        net = validate ? virNetworkDefineXMLFlags(conn, xml, VIR_NETWORK_DEFINE_VALIDATE)
                       : virNetworkDefineXML(conn, xml);
    else
        net = validate ? virNetworkCreateXMLFlags(conn, xml, VIR_NETWORK_CREATE_VALIDATE)
                       : virNetworkCreateXML(conn, xml);
    if (!net) {
        vshError(ctl, define ? _("Failed to define network from %s")
                             : _("Failed to create network from %s"), file);
        return false;
    }
    vshPrintExtra(ctl, define ? _("Network %s defined from %s\n")
                              : _("Network %s created from %s\n"),
                  virNetworkGetName(net), file);
    virNetworkFree(net);
    return true;
}

static bool
cmdNetDefine(vshControl *ctl, const vshCmd *cmd)
{
    return vshNetworkFromFile(ctl, cmd, true);
}

static bool
cmdNetCreate(vshControl *ctl, const vshCmd *cmd)
{
    return vshNetworkFromFile(ctl, cmd, false);
}

/* ---- one call on a network, one line of output ---- */

static const vshCmdOptDef opts_network_only[] = {
    VSH_OPT_NETWORK,
    { NULL, 0, 0, NULL },
};

typedef int (*vshNetworkAction)(virNetworkPtr net);

/* Run @action on the NETWORK argument; print @okFmt or, with the library's
 * error, @errFmt (both take the argument as given). */
static bool
vshNetworkSimpleAction(vshControl *ctl, const vshCmd *cmd, vshNetworkAction action,
                       const char *okFmt, const char *errFmt)
{
    const char *name;
    virNetworkPtr net = vshCommandOptNetwork(ctl, cmd, &name);
    bool ok;

    if (!net)
        return false;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    if ((ok = action(net) == 0)) {
        vshPrintExtra(ctl, okFmt, name);
    } else {
        vshError(ctl, errFmt, name);
        vshReportError(ctl);   /* before virNetworkFree resets it */
    }
#pragma GCC diagnostic pop
    virNetworkFree(net);
    return ok;
}

static bool
cmdNetUndefine(vshControl *ctl, const vshCmd *cmd)
{
    return vshNetworkSimpleAction(ctl, cmd, virNetworkUndefine,
                                  _("Network %s has been undefined\n"),
                                  _("Failed to undefine network %s"));
}

static bool
cmdNetStart(vshControl *ctl, const vshCmd *cmd)
{
    return vshNetworkSimpleAction(ctl, cmd, virNetworkCreate,
                                  _("Network %s started\n"),
                                  _("Failed to start network %s"));
}

static bool
cmdNetDestroy(vshControl *ctl, const vshCmd *cmd)
{
    return vshNetworkSimpleAction(ctl, cmd, virNetworkDestroy,
                                  _("Network %s destroyed\n"),
                                  _("Failed to destroy network %s"));
}

static const vshCmdOptDef opts_net_autostart[] = {
    VSH_OPT_NETWORK,
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting") },
    { NULL, 0, 0, NULL },
};

static int
vshNetworkAutostartOn(virNetworkPtr net)
{
    return virNetworkSetAutostart(net, 1);
}

static int
vshNetworkAutostartOff(virNetworkPtr net)
{
    return virNetworkSetAutostart(net, 0);
}

static bool
cmdNetAutostart(vshControl *ctl, const vshCmd *cmd)
{
    if (vshCommandOptBool(cmd, "disable"))
        return vshNetworkSimpleAction(ctl, cmd, vshNetworkAutostartOff,
                                      _("Network %s unmarked as autostarted\n"),
                                      _("failed to unmark network %s as autostarted"));
    return vshNetworkSimpleAction(ctl, cmd, vshNetworkAutostartOn,
                                  _("Network %s marked as autostarted\n"),
                                  _("failed to mark network %s as autostarted"));
}

static const vshCmdOptDef opts_net_dumpxml[] = {
    VSH_OPT_NETWORK,
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML") },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetDumpXML(vshControl *ctl, const vshCmd *cmd)
{
    virNetworkPtr net = vshCommandOptNetwork(ctl, cmd, NULL);
    unsigned int flags = vshCommandOptBool(cmd, "inactive") ? VIR_NETWORK_XML_INACTIVE : 0;
    char *xml;

    if (!net)
        return false;
    if (!(xml = virNetworkGetXMLDesc(net, flags)))
        vshReportError(ctl);
    virNetworkFree(net);
    if (!xml)
        return false;
    printf("%s", xml);
    free(xml);
    return true;
}

static bool
cmdNetUUID(vshControl *ctl, const vshCmd *cmd)
{
    virNetworkPtr net = vshCommandOptNetwork(ctl, cmd, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool ok;

    if (!net)
        return false;
    if ((ok = virNetworkGetUUIDString(net, uuid) == 0)) {
        printf("%s\n", uuid);
    } else {
        vshError(ctl, "%s", _("failed to get network UUID"));
        vshReportError(ctl);
    }
    virNetworkFree(net);
    return ok;
}

static const vshCmdOptDef opts_net_name[] = {
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network uuid") },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetName(vshControl *ctl, const vshCmd *cmd)
{
    const char *arg = vshCommandOptString(cmd, "network");
    virConnectPtr conn = vshConnection(ctl);
    virNetworkPtr net;

    if (!conn)
        return false;
    if (!(net = virNetworkLookupByUUIDString(conn, arg))) {
        vshError(ctl, _("failed to get network '%s'"), arg);
        return false;
    }
    printf("%s\n", virNetworkGetName(net));
    virNetworkFree(net);
    return true;
}

static bool
cmdNetInfo(vshControl *ctl, const vshCmd *cmd)
{
    virNetworkPtr net = vshCommandOptNetwork(ctl, cmd, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    int active, persistent, autostart = 0;
    char *bridge;

    if (!net)
        return false;
    active = virNetworkIsActive(net);
    persistent = virNetworkIsPersistent(net);
    if (virNetworkGetUUIDString(net, uuid) < 0 || active < 0 || persistent < 0 ||
        virNetworkGetAutostart(net, &autostart) < 0) {
        virNetworkFree(net);
        return false;
    }
    printf("%-15s %s\n", _("Name:"), virNetworkGetName(net));
    printf("%-15s %s\n", _("UUID:"), uuid);
    printf("%-15s %s\n", _("Active:"), active ? _("yes") : _("no"));
    printf("%-15s %s\n", _("Persistent:"), persistent ? _("yes") : _("no"));
    printf("%-15s %s\n", _("Autostart:"), autostart ? _("yes") : _("no"));
    if ((bridge = virNetworkGetBridgeName(net))) {
        printf("%-15s %s\n", _("Bridge:"), bridge);
        free(bridge);
    }
    virResetLastError();
    virNetworkFree(net);
    return true;
}

/* ---- net-list ---- */

static const vshCmdOptDef opts_net_list[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive networks") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active networks") },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent networks") },
    { "transient", VSH_OT_BOOL, 0, N_("list transient networks") },
    { "autostart", VSH_OT_BOOL, 0, N_("list networks with autostart enabled") },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list networks with autostart disabled") },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only") },
    { "name", VSH_OT_BOOL, 0, N_("list network names only") },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)") },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetList(vshControl *ctl, const vshCmd *cmd)
{
    virConnectPtr conn = vshConnection(ctl);
    bool optName, optUUID;
    unsigned int flags = VIR_CONNECT_LIST_NETWORKS_ACTIVE;
    virNetworkPtr *nets = NULL;
    int n, i;

    if (!conn)
        return false;
    if (!vshListOutputOpts(ctl, cmd, &optName, &optUUID))
        return false;
    if (vshCommandOptBool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_NETWORKS_INACTIVE;
    if (vshCommandOptBool(cmd, "all"))
        flags = VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE;
    if (vshCommandOptBool(cmd, "persistent"))
        flags |= VIR_CONNECT_LIST_NETWORKS_PERSISTENT;
    if (vshCommandOptBool(cmd, "transient"))
        flags |= VIR_CONNECT_LIST_NETWORKS_TRANSIENT;
    if (vshCommandOptBool(cmd, "autostart"))
        flags |= VIR_CONNECT_LIST_NETWORKS_AUTOSTART;
    if (vshCommandOptBool(cmd, "no-autostart"))
        flags |= VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART;

    if ((n = virConnectListAllNetworks(conn, &nets, flags)) < 0) {
        vshError(ctl, "%s", _("Failed to list networks"));
        return false;
    }

    if (optName || optUUID) {
        for (i = 0; i < n; i++) {
            char uuid[VIR_UUID_STRING_BUFLEN];
            bool known = optUUID && virNetworkGetUUIDString(nets[i], uuid) == 0;

            vshListPrintNameUUID(optName, virNetworkGetName(nets[i]), known ? uuid : NULL);
        }
    } else {
        g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

        g_ptr_array_add(rows, g_strsplit(_("Name|State|Autostart|Persistent"), "|", 4));
        for (i = 0; i < n; i++) {
            char **row = g_new0(char *, 5);
            int autostart = 0;

            virNetworkGetAutostart(nets[i], &autostart);
            row[0] = g_strdup(virNetworkGetName(nets[i]));
            row[1] = g_strdup(virNetworkIsActive(nets[i]) == 1 ? _("active") : _("inactive"));
            row[2] = g_strdup(autostart ? _("yes") : _("no"));
            row[3] = g_strdup(virNetworkIsPersistent(nets[i]) == 1 ? _("yes") : _("no"));
            g_ptr_array_add(rows, row);
        }
        virResetLastError();
        vshTablePrint(ctl, rows, 4);
    }
    for (i = 0; i < n; i++)
        virNetworkFree(nets[i]);
    free(nets);
    return true;
}

/* ---- net-edit ---- */

static char *
vshNetworkEditDump(void *obj)
{
    return virNetworkGetXMLDesc(obj, VIR_NETWORK_XML_INACTIVE);
}

static const char *
vshNetworkEditName(void *obj)
{
    return virNetworkGetName(obj);
}

static char *
vshNetworkEditDefine(vshControl *ctl, const char *xml, bool validate)
{
    virNetworkPtr net = virNetworkDefineXMLFlags(vshConnection(ctl), xml,
                                                 validate ? VIR_NETWORK_DEFINE_VALIDATE : 0);
    char *name;

    if (!net)
        return NULL;
    name = g_strdup(virNetworkGetName(net));
    virNetworkFree(net);
    return name;
}

static const vshEditOps networkEditOps = {
    .dump = vshNetworkEditDump,
    .name = vshNetworkEditName,
    .define = vshNetworkEditDefine,
    .notChangedFmt = N_("Network %s XML configuration not changed.\n"),
    .editedFmt = N_("Network %s XML configuration edited.\n"),
};

static bool
cmdNetEdit(vshControl *ctl, const vshCmd *cmd)
{
    virNetworkPtr net = vshCommandOptNetwork(ctl, cmd, NULL);
    vshEditOps ops = networkEditOps;
    bool ok;

    if (!net)
        return false;
    ops.notChangedFmt = _(ops.notChangedFmt);
    ops.editedFmt = _(ops.editedFmt);
    /* libvirt 9.0's net-edit has no validation option and defines
     * without the schema check */
    ok = vshEdit(ctl, &ops, net, false);
    virNetworkFree(net);
    return ok;
}

const vshCmdDef networkCmds[] = {
    { "net-autostart", cmdNetAutostart, opts_net_autostart, N_("autostart a network"),
      N_("Configure a network to be started when the root is first opened (once per run directory).") },
    { "net-create", cmdNetCreate, opts_net_define, N_("create a network from an XML file"),
      N_("Create and start a transient network from an XML file.") },
    { "net-define", cmdNetDefine, opts_net_define, N_("define an inactive persistent virtual network or modify an existing persistent one from an XML file"),
      N_("Define or modify a persistent network from an XML file.") },
    { "net-destroy", cmdNetDestroy, opts_network_only, N_("destroy (stop) a network"),
      N_("Stop a running network; refused while guests use its VFs.") },
    { "net-dumpxml", cmdNetDumpXML, opts_net_dumpxml, N_("network information in XML"),
      N_("Output the network information as an XML dump to stdout; the live XML of an SR-IOV pool lists its VFs and connections.") },
    { "net-edit", cmdNetEdit, opts_network_only, N_("edit XML configuration for a network"),
      N_("Edit the XML configuration for a network: $VISUAL or $EDITOR (default vi) opens the inactive XML and the saved result is defined.") },
    { "net-info", cmdNetInfo, opts_network_only, N_("network information"),
      N_("Returns basic information about the network.") },
    { "net-list", cmdNetList, opts_net_list, N_("list networks"),
      N_("Returns list of networks.") },
    { "net-name", cmdNetName, opts_net_name, N_("convert a network UUID to network name"),
      N_("Print the name of the network with this UUID.") },
    { "net-start", cmdNetStart, opts_network_only, N_("start a (previously defined) inactive network"),
      N_("Start a network; an SR-IOV pool finds the VFs of its PF at this point.") },
    { "net-undefine", cmdNetUndefine, opts_network_only, N_("undefine a persistent network"),
      N_("Undefine the configuration for a persistent network; an active one keeps running as transient.") },
    { "net-uuid", cmdNetUUID, opts_network_only, N_("get a network UUID"),
      N_("Print the UUID of the network.") },
    { NULL, NULL, NULL, NULL, NULL },
};
