/*
 * virsh-nodedev.c: node device commands (nodedev-list, nodedev-dumpxml,
 * nodedev-detach, nodedev-reattach)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "virsh.h"

/* The capability names of --cap, in the order of their filter bits
 * (virConnectListAllNodeDeviceFlags). */
static const char *const vshNodeDevCapNames[] = {
    "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target",
    "scsi", "storage", "fc_host", "vports", "scsi_generic", "drm",
    "mdev_types", "mdev", "ccw", "css", "vdpa", "ap_card", "ap_queue",
    "ap_matrix", "vpd",
};

static int
vshNodeDevSorter(const void *a, const void *b)
{
    virNodeDevicePtr x = *(virNodeDevicePtr const *)a;
    virNodeDevicePtr y = *(virNodeDevicePtr const *)b;

    return strcmp(virNodeDeviceGetName(x), virNodeDeviceGetName(y));
}

/* ---- nodedev-list ---- */

static const vshCmdOptDef opts_nodedev_list[] = {
    { "tree", VSH_OT_BOOL, 0, N_("list devices in a tree") },
    { "cap", VSH_OT_STRING, 0, N_("capability names, separated by comma") },
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive devices") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active devices") },
    { NULL, 0, 0, NULL },
};

typedef struct {
    const char **names;
    const char **parents;
    size_t n;
} vshNodeDevTree;

/* One device of the tree and, below it, its children: "+- NAME" under
 * the @indent of its parent, a "|" line before the first child, a line
 * of the indent alone after the last device of a branch that ends
 * without children. */
static void
vshNodeDevTreePrint(const vshNodeDevTree *t, size_t dev, bool root, bool last,
                    GString *indent)
{
    size_t lastChild = t->n;
    size_t before = indent->len;
    size_t i;

    printf("%s%s%s\n", indent->str, root ? "" : "+- ", t->names[dev]);
    if (!root)
        g_string_append(indent, last ? "  " : "| ");
    for (i = 0; i < t->n; i++) {
        if (t->parents[i] && strcmp(t->parents[i], t->names[dev]) == 0)
            lastChild = i;
    }
    if (lastChild < t->n)
        printf("%s  |\n", indent->str);
    g_string_append(indent, "  ");
    for (i = 0; i < t->n; i++) {
        if (t->parents[i] && strcmp(t->parents[i], t->names[dev]) == 0)
            vshNodeDevTreePrint(t, i, false, i == lastChild, indent);
    }
    g_string_truncate(indent, indent->len - 2);
    if (lastChild == t->n && last)
        printf("%s\n", indent->str);
    g_string_truncate(indent, before);
}

static bool
cmdNodeListDevices(vshControl *ctl, const vshCmd *cmd)
{
    bool tree = vshCommandOptBool(cmd, "tree");
    bool inactive = vshCommandOptBool(cmd, "inactive");
    bool all = vshCommandOptBool(cmd, "all");
    const char *cap = vshCommandOptString(cmd, "cap");
    unsigned int flags = 0;
    virNodeDevicePtr *devs = NULL;
    virConnectPtr conn;
    int n;
    int i;
    bool ok = true;

    if (tree && (cap || inactive)) {
        vshError(ctl, "%s", _("Option --tree is incompatible with --cap and --inactive"));
        return false;
    }
    if (inactive && all) {
        vshError(ctl, "%s", _("Option --inactive is incompatible with --all"));
        return false;
    }
    if (cap) {
        g_auto(GStrv) caps = g_strsplit(cap, ",", -1);
        size_t j;

        for (j = 0; caps[j]; j++) {
            size_t k;

            for (k = 0; k < G_N_ELEMENTS(vshNodeDevCapNames); k++) {
                if (strcmp(caps[j], vshNodeDevCapNames[k]) == 0)
                    break;
            }
            if (k == G_N_ELEMENTS(vshNodeDevCapNames)) {
                vshError(ctl, "%s", _("Invalid capability type"));
                return false;
            }
            flags |= 1U << k;
        }
    }
    if (inactive)
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE;
    else if (!all)
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE;

    if (!(conn = vshConnection(ctl)))
        return false;
    if ((n = virConnectListAllNodeDevices(conn, &devs, flags)) < 0) {
        vshError(ctl, "%s", _("Failed to list node devices"));
        vshReportError(ctl);
        return false;
    }
    qsort(devs, n, sizeof(*devs), vshNodeDevSorter);

    if (tree) {
        vshNodeDevTree t = { g_new0(const char *, n), g_new0(const char *, n), n };
        g_autoptr(GString) indent = g_string_new(NULL);

        for (i = 0; i < n; i++) {
            t.names[i] = virNodeDeviceGetName(devs[i]);
            t.parents[i] = virNodeDeviceGetParent(devs[i]);
            vshResetError();
        }
        for (i = 0; i < n; i++) {
            if (!t.parents[i])
                vshNodeDevTreePrint(&t, i, true, true, indent);
        }
        g_free(t.names);
        g_free(t.parents);
    } else {
        for (i = 0; i < n; i++)
            printf("%s\n", virNodeDeviceGetName(devs[i]));
    }

    for (i = 0; i < n; i++)
        virNodeDeviceFree(devs[i]);
    free(devs);
    return ok;
}

/* ---- nodedev-dumpxml ---- */

static const vshCmdOptDef opts_nodedev_dumpxml[] = {
    { "device", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("device name") },
    { NULL, 0, 0, NULL },
};

/* The DEVICE argument ("error: Could not find matching device 'X'"). */
static virNodeDevicePtr
vshCommandOptNodeDevice(vshControl *ctl, const vshCmd *cmd)
{
    const char *name = vshCommandOptString(cmd, "device");
    virConnectPtr conn;
    virNodeDevicePtr dev;

    if (!name || !(conn = vshConnection(ctl)))
        return NULL;
    if (!(dev = virNodeDeviceLookupByName(conn, name)))
        vshError(ctl, _("Could not find matching device '%s'"), name);
    return dev;
}

static bool
cmdNodeDeviceDumpXML(vshControl *ctl, const vshCmd *cmd)
{
    virNodeDevicePtr dev = vshCommandOptNodeDevice(ctl, cmd);
    char *xml;

    if (!dev)
        return false;
    if (!(xml = virNodeDeviceGetXMLDesc(dev, 0)))
        vshReportError(ctl);
    virNodeDeviceFree(dev);
    if (!xml)
        return false;
    printf("%s", xml);
    free(xml);
    return true;
}

/* ---- nodedev-detach, nodedev-reattach ---- */

static const vshCmdOptDef opts_nodedev_detach[] = {
    { "device", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("device key") },
    { "driver", VSH_OT_STRING, 0, N_("pci device assignment backend driver (e.g. 'vfio' or 'xen')") },
    { NULL, 0, 0, NULL },
};

static bool
cmdNodeDeviceDetach(vshControl *ctl, const vshCmd *cmd)
{
    const char *name = vshCommandOptString(cmd, "device");
    const char *driverName = vshCommandOptString(cmd, "driver");
    virNodeDevicePtr dev = vshCommandOptNodeDevice(ctl, cmd);
    bool ok;

    if (!dev)
        return false;
    /* the older call unless a driver is named, as libvirt's virsh does */
    if (driverName)
        ok = virNodeDeviceDetachFlags(dev, driverName, 0) == 0;
    else
        ok = virNodeDeviceDettach(dev) == 0;
    if (ok) {
        if (!ctl->quiet)
            printf(_("Device %s detached\n"), name);
    } else {
        vshError(ctl, _("Failed to detach device %s"), name);
        vshReportError(ctl);
    }
    virNodeDeviceFree(dev);
    return ok;
}

static bool
cmdNodeDeviceReAttach(vshControl *ctl, const vshCmd *cmd)
{
    const char *name = vshCommandOptString(cmd, "device");
    virNodeDevicePtr dev = vshCommandOptNodeDevice(ctl, cmd);
    bool ok;

    if (!dev)
        return false;
    if ((ok = virNodeDeviceReAttach(dev) == 0)) {
        if (!ctl->quiet)
            printf(_("Device %s re-attached\n"), name);
    } else {
        vshError(ctl, _("Failed to re-attach device %s"), name);
        vshReportError(ctl);
    }
    virNodeDeviceFree(dev);
    return ok;
}

static const vshCmdOptDef opts_nodedev_reattach[] = {
    { "device", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("device key") },
    { NULL, 0, 0, NULL },
};

const vshCmdDef nodedevCmds[] = {
    { "nodedev-detach", cmdNodeDeviceDetach, opts_nodedev_detach,
      N_("detach node device from its device driver"),
      N_("Detach node device from its device driver before assigning to a domain: the PCI device is bound to vfio-pci.") },
    { "nodedev-dumpxml", cmdNodeDeviceDumpXML, opts_nodedev_dumpxml,
      N_("node device details in XML"),
      N_("Output the node device details as an XML dump to stdout.") },
    { "nodedev-list", cmdNodeListDevices, opts_nodedev_list,
      N_("enumerate devices on this host"),
      N_("List the host's PCI functions and network interfaces, by capability or as a tree of parents.") },
    { "nodedev-reattach", cmdNodeDeviceReAttach, opts_nodedev_reattach,
      N_("reattach node device to its device driver"),
      N_("Reattach node device to its device driver once released by the domain: off vfio-pci, probed by the host's drivers.") },
    { NULL, NULL, NULL, NULL, NULL },
};
