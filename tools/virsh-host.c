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
    printf("%-27s %s %lu.%lu.%lu\n", label, what, v / 1000000, (v / 1000) % 1000, v % 1000);
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

const vshCmdDef hostAndHypervisorCmds[] = {
    { "uri", cmdURI, opts_none, N_("print the hypervisor canonical URI"),
      N_("Print the URI of the connection.") },
    { "version", cmdVersion, opts_none, N_("show version"),
      N_("Display the library and hypervisor versions.") },
    { NULL, NULL, NULL, NULL, NULL },
};
