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
    printf("%s\n", uri);
    free(uri);
    return true;
}

static void
vshPrintVersion(const char *label, const char *what, unsigned long v)
{
    /* one space after the label, as Debian's virsh 9.0 prints it */
    printf("%s %s %lu.%lu.%lu\n", label, what, v / 1000000, (v / 1000) % 1000, v % 1000);
}

static const vshCmdOptDef opts_version[] = {
    { "daemon", VSH_OT_BOOL, 0, N_("report daemon version too") },
    { NULL, 0, 0, NULL },
};

static bool
cmdVersion(vshControl *ctl, const vshCmd *cmd)
{
    virConnectPtr conn = vshConnection(ctl);
    unsigned long libVer = 0, hvVer = 0, daemonVer = 0;
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
    if (vshCommandOptBool(cmd, "daemon")) {
        if (virConnectGetLibVersion(conn, &daemonVer) < 0) {
            vshError(ctl, "%s", _("failed to get the daemon version"));
            return false;
        }
        printf("%s %lu.%lu.%lu\n", _("Running against daemon:"),
               daemonVer / 1000000, (daemonVer / 1000) % 1000, daemonVer % 1000);
    }
    return true;
}

static bool
cmdHostname(vshControl *ctl, const vshCmd *cmd G_GNUC_UNUSED)
{
    virConnectPtr conn = vshConnection(ctl);
    char *hostname;

    if (!conn)
        return false;
    if (!(hostname = virConnectGetHostname(conn))) {
        vshError(ctl, "%s", _("failed to get hostname"));
        return false;
    }
    printf("%s\n", hostname);
    free(hostname);
    return true;
}

static bool
cmdNodeInfo(vshControl *ctl, const vshCmd *cmd G_GNUC_UNUSED)
{
    virConnectPtr conn = vshConnection(ctl);
    virNodeInfo info;

    if (!conn)
        return false;
    if (virNodeGetInfo(conn, &info) < 0) {
        vshError(ctl, "%s", _("failed to get node information"));
        return false;
    }
    printf("%-20s %s\n", _("CPU model:"), info.model);
    printf("%-20s %u\n", _("CPU(s):"), info.cpus);
    printf("%-20s %u MHz\n", _("CPU frequency:"), info.mhz);
    printf("%-20s %u\n", _("CPU socket(s):"), info.sockets);
    printf("%-20s %u\n", _("Core(s) per socket:"), info.cores);
    printf("%-20s %u\n", _("Thread(s) per core:"), info.threads);
    printf("%-20s %u\n", _("NUMA cell(s):"), info.nodes);
    printf("%-20s %lu KiB\n", _("Memory size:"), info.memory);
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
    { "hostname", cmdHostname, opts_none, N_("print the hypervisor hostname"),
      N_("Print the host name of the machine the connection reaches.") },
    { "nodeinfo", cmdNodeInfo, opts_none, N_("node information"),
      N_("Returns basic information about the node: CPU model, count, frequency and topology, NUMA cells and memory.") },
    { "uri", cmdURI, opts_none, N_("print the hypervisor canonical URI"),
      N_("Print the URI of the connection.") },
    { "version", cmdVersion, opts_version, N_("show version"),
      N_("Display the library and hypervisor versions, with --daemon also the daemon's.") },
    { NULL, NULL, NULL, NULL, NULL },
};
