/*
 * qemu_alias.c: device ids of a running QEMU domain
 */
#include "internal.h"

#include "qemu_alias.h"
#include "qemu_domain_address.h"
#include "virerror.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

static void
qemuSetAlias(virDomainDeviceInfo *info, char *alias)
{
    if (info->alias) {
        g_free(alias);
        return;
    }
    info->alias = alias;
}

/* Largest N among existing aliases "PREFIXN", or -1. */
static int
qemuAliasMaxIndex(const virDomainDef *def, const char *prefix)
{
    size_t plen = strlen(prefix);
    int max = -1;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const char *a = def->nets[i]->info.alias;
        int n;

        if (a && strncmp(a, prefix, plen) == 0 &&
            virStrToLong_i(a + plen, NULL, 10, &n) == 0 && n >= 0)
            max = MAX(max, n);
    }
    for (i = 0; i < def->nhostdevs; i++) {
        const char *a = def->hostdevs[i]->info->alias;
        int n;

        if (a && strncmp(a, prefix, plen) == 0 &&
            virStrToLong_i(a + plen, NULL, 10, &n) == 0 && n >= 0)
            max = MAX(max, n);
    }
    return max;
}

int
qemuAssignDeviceAliases(virDomainDef *def)
{
    int nextNet = qemuAliasMaxIndex(def, "net") + 1;
    int nextHostdev = qemuAliasMaxIndex(def, "hostdev") + 1;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *c = def->controllers[i];
        char *alias = NULL;

        switch ((virDomainControllerType) c->type) {
        case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
            if (c->idx == 0)
                alias = g_strdup(qemuDomainIsQ35(def) ? "pcie.0" : "pci.0");
            else
                alias = g_strdup_printf("pci.%d", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_USB:
            alias = c->idx == 0 ? g_strdup("usb") : g_strdup_printf("usb%d", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
            /* q35's built-in AHCI controller is QEMU's "ide" bus */
            alias = c->idx == 0 && qemuDomainIsQ35(def) ? g_strdup("ide") :
                    g_strdup_printf("sata%d", c->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
            break;
        }
        if (alias)
            qemuSetAlias(&c->info, alias);
    }

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];
        int idx = 0;

        if (disk->dst[2] >= 'a' && disk->dst[2] <= 'z')
            idx = disk->dst[2] - 'a';
        if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO) {
            qemuSetAlias(&disk->info, g_strdup_printf("virtio-disk%d", idx));
        } else {
            qemuSetAlias(&disk->info,
                         g_strdup_printf("sata%u-%u-%u",
                                         disk->info.addr.drive.controller,
                                         disk->info.addr.drive.bus,
                                         disk->info.addr.drive.unit));
        }
    }

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];

        if (net->info.alias)
            continue;
        if (virDomainNetGetActualType(net) == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            net->info.alias = g_strdup_printf("hostdev%d", nextHostdev++);
        else
            net->info.alias = g_strdup_printf("net%d", nextNet++);
    }

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];

        if (!h->info->alias)
            h->info->alias = g_strdup_printf("hostdev%d", nextHostdev++);
    }

    for (i = 0; i < def->nserials; i++)
        qemuSetAlias(&def->serials[i]->info, g_strdup_printf("serial%zu", i));
    for (i = 0; i < def->nconsoles; i++) {
        virDomainChrDef *con = def->consoles[i];

        /* the first console of type serial is serial0 itself */
        if (i == 0 && con->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
            def->nserials)
            qemuSetAlias(&con->info, g_strdup(def->serials[0]->info.alias));
        else
            qemuSetAlias(&con->info, g_strdup_printf("console%zu", i));
    }
    if (def->memballoon)
        qemuSetAlias(&def->memballoon->info, g_strdup("balloon0"));
    return 0;
}

char *
qemuAliasNetdevFromNet(const virDomainNetDef *net)
{
    return g_strdup_printf("host%s", net->info.alias);
}
