/*
 * driver.c: registry of the drivers built into the library
 */
#include "internal.h"
#include "driver.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

#define MAX_DRIVERS 8

static virHypervisorDriver *hypervisorDrivers[MAX_DRIVERS];
static size_t nhypervisorDrivers;
static virNetworkDriver *networkDrivers[MAX_DRIVERS];
static size_t nnetworkDrivers;
static virNodeDeviceDriver *nodeDeviceDrivers[MAX_DRIVERS];
static size_t nnodeDeviceDrivers;

int
virRegisterHypervisorDriver(virHypervisorDriver *driver)
{
    if (nhypervisorDrivers >= MAX_DRIVERS) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("too many hypervisor drivers registered"));
        return -1;
    }
    hypervisorDrivers[nhypervisorDrivers++] = driver;
    return 0;
}

int
virRegisterNetworkDriver(virNetworkDriver *driver)
{
    if (nnetworkDrivers >= MAX_DRIVERS) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("too many network drivers registered"));
        return -1;
    }
    networkDrivers[nnetworkDrivers++] = driver;
    return 0;
}

int
virRegisterNodeDeviceDriver(virNodeDeviceDriver *driver)
{
    if (nnodeDeviceDrivers >= MAX_DRIVERS) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("too many node device drivers registered"));
        return -1;
    }
    nodeDeviceDrivers[nnodeDeviceDrivers++] = driver;
    return 0;
}

size_t virDriverHypervisorCount(void) { return nhypervisorDrivers; }
virHypervisorDriver *virDriverHypervisorAt(size_t i) { return hypervisorDrivers[i]; }
size_t virDriverNetworkCount(void) { return nnetworkDrivers; }
virNetworkDriver *virDriverNetworkAt(size_t i) { return networkDrivers[i]; }
size_t virDriverNodeDeviceCount(void) { return nnodeDeviceDrivers; }
virNodeDeviceDriver *virDriverNodeDeviceAt(size_t i) { return nodeDeviceDrivers[i]; }

char *
virDriverEmbedRoot(GUri *uri)
{
    g_autoptr(GHashTable) params = NULL;
    const char *query = g_uri_get_query(uri);
    const char *root;

    if (STRNEQ_NULLABLE(g_uri_get_scheme(uri), "qemu") ||
        STRNEQ_NULLABLE(g_uri_get_path(uri), "/embed") || !query)
        return NULL;
    if (!(params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL)) ||
        !(root = g_hash_table_lookup(params, "root")) || !g_path_is_absolute(root))
        return NULL;
    return g_strdup(root);
}
