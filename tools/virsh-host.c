/*
 * virsh-host.c: commands about the connection and the host
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "virsh.h"

static const vshCmdOptDef opts_none[] = {
    { NULL, 0, 0, NULL },
};

static bool
cmdURI(vshControl *ctl, const vshCmd *cmd G_GNUC_UNUSED)
{
    virConnectPtr conn = vshConnection(ctl);
    char *uri;

    if (!conn || !(uri = virConnectGetURI(conn)))
        return false;
    printf("%s\n\n", uri);
    free(uri);
    return true;
}

static void
vshPrintVersion(const char *label, const char *what, unsigned long v)
{
    /* one space after the label, as Debian's virsh 9.0 prints it */
    printf("%s %s %lu.%lu.%lu\n", label, what, v / 1000000, (v / 1000) % 1000, v % 1000);
}

static bool
cmdVersion(vshControl *ctl, const vshCmd *cmd G_GNUC_UNUSED)
{
    virConnectPtr conn = vshConnection(ctl);
    unsigned long libVer = 0, hvVer = 0;
    const char *type;

    if (!conn)
        return false;
    vshPrintVersion(_("Compiled against library:"), "libvirt", LIBVIR_VERSION_NUMBER);
    if (virGetVersion(&libVer, NULL, NULL) < 0)
        return false;
    vshPrintVersion(_("Using library:"), "libvirt", libVer);
    type = virConnectGetType(conn);
    vshPrintVersion(_("Using API:"), type ? type : "QEMU", libVer);
    if (virConnectGetVersion(conn, &hvVer) < 0)
        return false;
    vshPrintVersion(_("Running hypervisor:"), type ? type : "QEMU", hvVer);
    printf("\n");
    return true;
}

static bool
cmdCapabilities(vshControl *ctl, const vshCmd *cmd G_GNUC_UNUSED)
{
    virConnectPtr conn = vshConnection(ctl);
    char *caps;

    if (!conn)
        return false;
    if (!(caps = virConnectGetCapabilities(conn))) {
        vshError(ctl, "%s", _("failed to get capabilities"));
        return false;
    }
    printf("%s\n", caps);
    free(caps);
    return true;
}

static const vshCmdOptDef opts_domcapabilities[] = {
    { "virttype", VSH_OT_STRING, 0, N_("virtualization type (/domain/@type)") },
    { "emulatorbin", VSH_OT_STRING, 0, N_("path to emulator binary (/domain/devices/emulator)") },
    { "arch", VSH_OT_STRING, 0, N_("domain architecture (/domain/os/type/@arch)") },
    { "machine", VSH_OT_STRING, 0, N_("machine type (/domain/os/type/@machine)") },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomCapabilities(vshControl *ctl, const vshCmd *cmd)
{
    virConnectPtr conn = vshConnection(ctl);
    char *caps;

    if (!conn)
        return false;
    if (!(caps = virConnectGetDomainCapabilities(conn,
                                                 vshCommandOptString(cmd, "emulatorbin"),
                                                 vshCommandOptString(cmd, "arch"),
                                                 vshCommandOptString(cmd, "machine"),
                                                 vshCommandOptString(cmd, "virttype"), 0))) {
        vshError(ctl, "%s", _("failed to get emulator capabilities"));
        return false;
    }
    printf("%s\n", caps);
    free(caps);
    return true;
}

const vshCmdDef hostAndHypervisorCmds[] = {
    { "capabilities", cmdCapabilities, opts_none, N_("capabilities"),
      N_("Returns capabilities of hypervisor/driver.") },
    { "domcapabilities", cmdDomCapabilities, opts_domcapabilities, N_("domain capabilities"),
      N_("Returns capabilities of emulator with respect to host and libvirt, including whether interfaces can be teamed (virtio-net failover).") },
    { "uri", cmdURI, opts_none, N_("print the hypervisor canonical URI"),
      N_("Print the URI of the connection.") },
    { "version", cmdVersion, opts_none, N_("show version"),
      N_("Display the library and hypervisor versions.") },
    { NULL, NULL, NULL, NULL, NULL },
};
