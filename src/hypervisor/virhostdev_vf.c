/*
 * virhostdev_vf.c: give a VF the guest's MAC and VLAN, and take them back
 */
#include "internal.h"

#include "virerror.h"
#include "virfile.h"
#include "virstring.h"
#include "virhostdev_vf.h"
#include "virnetdevvf.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_ENUM_IMPL(virHostdevVFBackend, VIR_HOSTDEV_VF_BACKEND_LAST,
              "netlink", "simulated");

static char *
virHostdevVFSimPath(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                    const char *file)
{
    g_autofree char *dir = virPCIDeviceSysfsPath(ctx->sysfsRoot, vf);

    return g_build_filename(dir, file, NULL);
}

static int
virHostdevVFGet(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                virMacAddr *mac, int *vlan)
{
    g_autofree char *pfname = NULL;
    unsigned int vfindex;

    if (virPCIGetVirtualFunctionInfo(ctx->sysfsRoot, vf, &pfname, &vfindex) < 0)
        return -1;
    if (ctx->backend == VIR_HOSTDEV_VF_BACKEND_SIMULATED) {
        g_autofree char *macpath = virHostdevVFSimPath(ctx, vf, "sim_admin_mac");
        g_autofree char *vlanpath = virHostdevVFSimPath(ctx, vf, "sim_admin_vlan");
        g_autofree char *macstr = NULL;
        g_autofree char *vlanstr = NULL;

        if (virFileReadAll(macpath, 64, &macstr) < 0 ||
            virFileReadAll(vlanpath, 64, &vlanstr) < 0)
            return -1;
        int v;

        if (virMacAddrParse(g_strstrip(macstr), mac) < 0 ||
            virStrToLong_i(g_strstrip(vlanstr), NULL, 10, &v) < 0 || v < 0 || v > 4095) {
            virResetLastError();
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("bad MAC or VLAN in %s or %s"), macpath, vlanpath);
            return -1;
        }
        *vlan = v;
        return 0;
    }
    return virNetDevVFGetConfig(pfname, vfindex, mac, vlan);
}

static int
virHostdevVFSet(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                const virMacAddr *mac, int vlan)
{
    g_autofree char *pfname = NULL;
    unsigned int vfindex;

    if (virPCIGetVirtualFunctionInfo(ctx->sysfsRoot, vf, &pfname, &vfindex) < 0)
        return -1;
    if (ctx->backend == VIR_HOSTDEV_VF_BACKEND_SIMULATED) {
        g_autofree char *macpath = virHostdevVFSimPath(ctx, vf, "sim_admin_mac");
        g_autofree char *vlanpath = virHostdevVFSimPath(ctx, vf, "sim_admin_vlan");
        char macstr[VIR_MAC_STRING_BUFLEN];
        g_autofree char *m = g_strdup_printf("%s\n", virMacAddrFormat(mac, macstr));
        g_autofree char *v = g_strdup_printf("%d\n", MAX(vlan, 0));

        if (virFileWriteStrRuntime(macpath, m, 0644) < 0 ||
            virFileWriteStrRuntime(vlanpath, v, 0644) < 0)
            return -1;
        return 0;
    }
    return virNetDevVFSetConfig(pfname, vfindex, mac, MAX(vlan, 0));
}

static char *
virHostdevVFStatePath(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf)
{
    g_autofree char *addr = virPCIDeviceAddressAsString(vf);

    return g_strdup_printf("%s/%s.vf", ctx->stateDir, addr);
}

int
virHostdevVFGetConfig(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                      virMacAddr *mac, int *vlan)
{
    return virHostdevVFGet(ctx, vf, mac, vlan);
}

int
virHostdevVFConfigure(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf,
                      const virMacAddr *mac, int vlan)
{
    g_autofree char *state = virHostdevVFStatePath(ctx, vf);

    if (vlan > 4095) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("VLAN %d is out of range (0-4095)"), vlan);
        return -1;
    }
    if (!virFileExists(state)) {
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autofree char *data = NULL;
        char macstr[VIR_MAC_STRING_BUFLEN];
        virMacAddr oldmac;
        int oldvlan;

        if (virHostdevVFGet(ctx, vf, &oldmac, &oldvlan) < 0)
            return -1;
        g_key_file_set_string(kf, "vf", "mac", virMacAddrFormat(&oldmac, macstr));
        g_key_file_set_integer(kf, "vf", "vlan", oldvlan);
        data = g_key_file_to_data(kf, NULL, NULL);
        if (virFileMakePath(ctx->stateDir, 0700) < 0 ||
            virFileWriteStrRuntime(state, data, 0600) < 0)
            return -1;
    }
    return virHostdevVFSet(ctx, vf, mac, vlan);
}

int
virHostdevVFRestore(const virHostdevVFContext *ctx, const virPCIDeviceAddress *vf)
{
    g_autofree char *state = virHostdevVFStatePath(ctx, vf);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *macstr = NULL;
    g_autoptr(GError) gerr = NULL;
    virMacAddr mac;
    int vlan;

    if (!virFileExists(state))
        return 0;
    if (!g_key_file_load_from_file(kf, state, G_KEY_FILE_NONE, NULL) ||
        !(macstr = g_key_file_get_string(kf, "vf", "mac", NULL)) ||
        virMacAddrParse(macstr, &mac) < 0 ||
        (vlan = g_key_file_get_integer(kf, "vf", "vlan", &gerr), gerr) ||
        vlan < 0 || vlan > 4095) {
        virResetLastError();
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the saved configuration of the VF in '%s' is unreadable"), state);
        return -1;
    }
    if (virHostdevVFSet(ctx, vf, &mac, vlan) < 0)
        return -1;
    return virFileRemove(state);
}
