/*
 * node_device_conf.c: node device XML and names
 */
#include "internal.h"

#include "node_device_conf.h"
#include "virbuffer.h"
#include "virerror.h"
#include "virstring.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NODEDEV

VIR_ENUM_IMPL(virNodeDevCap, VIR_NODE_DEV_CAP_LAST,
              "system", "pci", "usb_device", "usb", "net", "scsi_host",
              "scsi_target", "scsi", "storage", "fc_host", "vports",
              "scsi_generic", "drm", "mdev_types", "mdev", "ccw", "css",
              "vdpa", "ap_card", "ap_queue", "ap_matrix", "vpd");

virNodeDeviceDef *
virNodeDeviceDefNew(void)
{
    virNodeDeviceDef *def = g_new0(virNodeDeviceDef, 1);

    def->klass = -1;
    def->iommuGroup = -1;
    def->numaNode = -1;
    def->linkCap.port = -1;
    def->linkSta.port = -1;
    return def;
}

void
virNodeDeviceDefFree(virNodeDeviceDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->path);
    g_free(def->parent);
    g_free(def->driver);
    g_free(def->vendorName);
    g_free(def->productName);
    g_free(def->vfs);
    g_free(def->groupDevs);
    g_free(def->ifname);
    g_free(def->mac);
    g_free(def->linkState);
    g_free(def);
}

char *
virNodeDeviceNamePCI(const virPCIDeviceAddress *addr)
{
    return g_strdup_printf("pci_%04x_%02x_%02x_%x",
                           addr->domain, addr->bus, addr->slot, addr->function);
}

static void
virNodeDeviceNameSanitize(char *s)
{
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s))
            *s = '_';
    }
}

char *
virNodeDeviceNameNet(const char *ifname, const char *mac)
{
    char *name = g_strdup_printf("net_%s_%s", ifname, mac);

    virNodeDeviceNameSanitize(name + strlen("net_"));
    return name;
}

int
virNodeDeviceNameParsePCI(const char *name, virPCIDeviceAddress *addr)
{
    g_autofree char *str = NULL;
    g_autofree char *again = NULL;

    if (!STRPREFIX(name, "pci_") || strlen(name) != strlen("pci_0000_00_00_0"))
        return -1;
    /* pci_DDDD_BB_SS_F -> DDDD:BB:SS.F */
    str = g_strdup(name + strlen("pci_"));
    str[4] = ':';
    str[7] = ':';
    str[10] = '.';
    if (virPCIDeviceAddressParse(str, addr) < 0) {
        virResetLastError();
        return -1;
    }
    /* one spelling only: lower case hex, as the names are made */
    again = virNodeDeviceNamePCI(addr);
    if (STRNEQ(again, name))
        return -1;
    return 0;
}

static void
virNodeDeviceFormatAddress(virBuffer *buf, const virPCIDeviceAddress *addr)
{
    virBufferAsprintf(buf,
                      "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                      addr->domain, addr->bus, addr->slot, addr->function);
}

static const char *
virNodeDevPCIESpeed(unsigned int speed)
{
    static const char *const speeds[] = { "2.5", "5", "8", "16", "32", "64" };

    if (speed < 1 || speed > G_N_ELEMENTS(speeds))
        return NULL;
    return speeds[speed - 1];
}

static void
virNodeDeviceFormatLink(virBuffer *buf, const char *validity,
                        const virNodeDevPCIELink *link)
{
    const char *speed = virNodeDevPCIESpeed(link->speed);

    if (!link->present)
        return;
    virBufferAsprintf(buf, "<link validity='%s'", validity);
    if (link->port >= 0)
        virBufferAsprintf(buf, " port='%d'", link->port);
    if (speed)
        virBufferAsprintf(buf, " speed='%s'", speed);
    virBufferAsprintf(buf, " width='%u'/>\n", link->width);
}

static void
virNodeDeviceFormatPCI(virBuffer *buf, const virNodeDeviceDef *def)
{
    size_t i;

    if (def->klass >= 0)
        virBufferAsprintf(buf, "<class>0x%06x</class>\n", (unsigned int)def->klass);
    virBufferAsprintf(buf, "<domain>%u</domain>\n", def->addr.domain);
    virBufferAsprintf(buf, "<bus>%u</bus>\n", def->addr.bus);
    virBufferAsprintf(buf, "<slot>%u</slot>\n", def->addr.slot);
    virBufferAsprintf(buf, "<function>%u</function>\n", def->addr.function);

    virBufferAsprintf(buf, "<product id='0x%04x'", def->product);
    if (def->productName)
        virBufferEscapeString(buf, ">%s</product>\n", def->productName);
    else
        virBufferAddLit(buf, "/>\n");
    virBufferAsprintf(buf, "<vendor id='0x%04x'", def->vendor);
    if (def->vendorName)
        virBufferEscapeString(buf, ">%s</vendor>\n", def->vendorName);
    else
        virBufferAddLit(buf, "/>\n");

    if (def->hasPhysFn) {
        virBufferAddLit(buf, "<capability type='phys_function'>\n");
        virBufferAdjustIndent(buf, 2);
        virNodeDeviceFormatAddress(buf, &def->physFn);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</capability>\n");
    }
    if (def->isPF) {
        virBufferAddLit(buf, "<capability type='virt_functions'");
        if (def->maxVFs)
            virBufferAsprintf(buf, " maxCount='%u'", def->maxVFs);
        if (def->nvfs == 0) {
            virBufferAddLit(buf, "/>\n");
        } else {
            virBufferAddLit(buf, ">\n");
            virBufferAdjustIndent(buf, 2);
            for (i = 0; i < def->nvfs; i++)
                virNodeDeviceFormatAddress(buf, &def->vfs[i]);
            virBufferAdjustIndent(buf, -2);
            virBufferAddLit(buf, "</capability>\n");
        }
    }
    if (def->iommuGroup >= 0) {
        virBufferAsprintf(buf, "<iommuGroup number='%d'>\n", def->iommuGroup);
        virBufferAdjustIndent(buf, 2);
        for (i = 0; i < def->ngroupDevs; i++)
            virNodeDeviceFormatAddress(buf, &def->groupDevs[i]);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</iommuGroup>\n");
    }
    if (def->numaNode >= 0)
        virBufferAsprintf(buf, "<numa node='%d'/>\n", def->numaNode);
    if (def->pciExpress) {
        if (!def->linkCap.present && !def->linkSta.present) {
            virBufferAddLit(buf, "<pci-express/>\n");
        } else {
            virBufferAddLit(buf, "<pci-express>\n");
            virBufferAdjustIndent(buf, 2);
            virNodeDeviceFormatLink(buf, "cap", &def->linkCap);
            virNodeDeviceFormatLink(buf, "sta", &def->linkSta);
            virBufferAdjustIndent(buf, -2);
            virBufferAddLit(buf, "</pci-express>\n");
        }
    }
}

static void
virNodeDeviceFormatNet(virBuffer *buf, const virNodeDeviceDef *def)
{
    virBufferEscapeString(buf, "<interface>%s</interface>\n", def->ifname);
    virBufferEscapeString(buf, "<address>%s</address>\n", def->mac);
    virBufferAddLit(buf, "<link");
    if (def->speed)
        virBufferAsprintf(buf, " speed='%u'", def->speed);
    virBufferEscapeString(buf, " state='%s'", def->linkState ? def->linkState : "unknown");
    virBufferAddLit(buf, "/>\n");
    virBufferAddLit(buf, "<capability type='80203'/>\n");
}

static void
virNodeDeviceFormatSystem(virBuffer *buf, const virNodeDeviceDef *def)
{
    virBufferAddLit(buf, "<hardware>\n");
    if (def->hasUUID) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        virBufferAsprintf(buf, "  <uuid>%s</uuid>\n", virUUIDFormat(def->uuid, uuidstr));
    }
    virBufferAddLit(buf, "</hardware>\n");
    virBufferAddLit(buf, "<firmware>\n");
    virBufferAddLit(buf, "</firmware>\n");
}

char *
virNodeDeviceDefFormat(const virNodeDeviceDef *def)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    virBufferAddLit(&buf, "<device>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    virBufferEscapeString(&buf, "<path>%s</path>\n", def->path);
    virBufferEscapeString(&buf, "<parent>%s</parent>\n", def->parent);
    if (def->driver) {
        virBufferAddLit(&buf, "<driver>\n");
        virBufferEscapeString(&buf, "  <name>%s</name>\n", def->driver);
        virBufferAddLit(&buf, "</driver>\n");
    }
    virBufferAsprintf(&buf, "<capability type='%s'>\n", virNodeDevCapTypeToString(def->type));
    virBufferAdjustIndent(&buf, 2);
    switch (def->type) {
    case VIR_NODE_DEV_CAP_SYSTEM:
        virNodeDeviceFormatSystem(&buf, def);
        break;
    case VIR_NODE_DEV_CAP_PCI_DEV:
        virNodeDeviceFormatPCI(&buf, def);
        break;
    case VIR_NODE_DEV_CAP_NET:
        virNodeDeviceFormatNet(&buf, def);
        break;
    default:
        break;
    }
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</capability>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</device>\n");
    return virBufferContentAndReset(&buf);
}

GStrv
virNodeDeviceDefCaps(const virNodeDeviceDef *def)
{
    GStrv caps = g_new0(char *, 2);

    caps[0] = g_strdup(virNodeDevCapTypeToString(def->type));
    return caps;
}
