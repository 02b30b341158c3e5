/*
 * virsh-domain-monitor.c: commands that show domains (list, domstate, ...)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "virsh.h"

#define VSH_OPT_DOMAIN \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") }

/* libvirt's table layout: a leading space, columns left aligned and
 * separated by three spaces, the last column not padded, a dashed line
 * under the header two characters longer than the widest row. */
static void
vshTablePrint(GPtrArray *rows, size_t ncols)
{
    g_autofree size_t *width = g_new0(size_t, ncols);
    size_t total = 1;
    size_t r, c;

    for (r = 0; r < rows->len; r++) {
        char **row = g_ptr_array_index(rows, r);

        for (c = 0; c < ncols; c++)
            width[c] = MAX(width[c], (size_t)g_utf8_strlen(row[c], -1));
    }
    for (c = 0; c < ncols; c++)
        total += width[c] + (c ? 3 : 0);
    for (r = 0; r < rows->len; r++) {
        char **row = g_ptr_array_index(rows, r);
        g_autoptr(GString) line = g_string_new(" ");

        for (c = 0; c < ncols; c++) {
            g_string_append(line, row[c]);
            if (c + 1 < ncols) {
                size_t pad = width[c] - g_utf8_strlen(row[c], -1) + 3;

                while (pad--)
                    g_string_append_c(line, ' ');
            }
        }
        printf("%s\n", line->str);
        if (r == 0) {
            for (c = 0; c < total + 2; c++)
                putchar('-');
            putchar('\n');
        }
    }
}

static const vshCmdOptDef opts_list[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive domains") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active domains") },
    { "transient", VSH_OT_BOOL, 0, N_("list transient domains") },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent domains") },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only") },
    { "name", VSH_OT_BOOL, 0, N_("list domain names only") },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)") },
    { NULL, 0, 0, NULL },
};

static bool
cmdList(vshControl *ctl, const vshCmd *cmd)
{
    virConnectPtr conn = vshConnection(ctl);
    unsigned int flags = VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    bool optName = vshCommandOptBool(cmd, "name");
    bool optUUID = vshCommandOptBool(cmd, "uuid");
    virDomainPtr *doms = NULL;
    int n, i;

    if (!conn)
        return false;
    if ((optName || optUUID) && vshCommandOptBool(cmd, "table")) {
        vshError(ctl, "%s", _("Options --table and --name/--uuid are mutually exclusive"));
        return false;
    }
    if (vshCommandOptBool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    if (vshCommandOptBool(cmd, "all"))
        flags = 0;
    if (vshCommandOptBool(cmd, "transient"))
        flags |= VIR_CONNECT_LIST_DOMAINS_TRANSIENT;
    if (vshCommandOptBool(cmd, "persistent"))
        flags |= VIR_CONNECT_LIST_DOMAINS_PERSISTENT;

    if ((n = virConnectListAllDomains(conn, &doms, flags)) < 0) {
        vshError(ctl, "%s", _("Failed to list domains"));
        return false;
    }

    if (optName || optUUID) {
        for (i = 0; i < n; i++) {
            char uuid[VIR_UUID_STRING_BUFLEN];

            if (optUUID && virDomainGetUUIDString(doms[i], uuid) == 0)
                printf(optName ? "%s  " : "%s\n", uuid);
            if (optName)
                printf("%s\n", virDomainGetName(doms[i]));
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
        virResetLastError();
        vshTablePrint(rows, 3);
    }
    printf("\n");
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
        printf("%s\n\n", uuid);
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
    printf("%s\n\n", virDomainGetName(dom));
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
    virResetLastError();
    if (id < 0 || state == VIR_DOMAIN_SHUTOFF)
        printf("-\n\n");
    else
        printf("%d\n\n", id);
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
            printf("%s (%s)\n\n", vshDomainStateToString(state),
                   vshDomainStateReasonToString(state, reason));
        else
            printf("%s\n\n", vshDomainStateToString(state));
    }
    virDomainFree(dom);
    return ok;
}

static bool
cmdDomInfo(vshControl *ctl, const vshCmd *cmd)
{
    virDomainPtr dom = vshCommandOptDomain(ctl, cmd, NULL);
    virDomainInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int persistent;
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
    printf("%-15s %s\n", _("OS Type:"), "hvm");
    printf("%-15s %s\n", _("State:"), vshDomainStateToString(info.state));
    printf("%-15s %d\n", _("CPU(s):"), info.nrVirtCpu);
    if (info.cpuTime != 0)
        printf("%-15s %.1lfs\n", _("CPU time:"), info.cpuTime / 1000000000.0);
    printf("%-15s %lu KiB\n", _("Max memory:"), info.maxMem);
    printf("%-15s %lu KiB\n", _("Used memory:"), info.memory);
    persistent = virDomainIsPersistent(dom);
    printf("%-15s %s\n", _("Persistent:"), persistent < 0 ? _("unknown") :
           persistent ? _("yes") : _("no"));
    printf("%-15s %s\n", _("Autostart:"), _("disable"));
    printf("%-15s %s\n", _("Managed save:"), _("no"));
    printf("%-15s %s\n", _("Security model:"), "none");
    printf("%-15s %s\n", _("Security DOI:"), "0");
    printf("\n");
    virDomainFree(dom);
    return true;
}

const vshCmdDef domMonitoringCmds[] = {
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
