/*
 * qemu_conf.c: configuration and state layout of the embedded QEMU driver
 */
#include "internal.h"
#include "qemu_conf.h"
#include "virerror.h"
#include "virfile.h"
#include "virsocket.h"
#include "hypervisor/virhostdev_owner.h"
#include "hypervisor/virhostdev_vf.h"

#include <sys/stat.h>

#define VIR_FROM_THIS VIR_FROM_QEMU

/* @key = "/PATH" of qemu.conf, an absolute path, @def when absent. */
static int
qemuDriverConfigPath(virQEMUDriverConfig *cfg, const char *key, const char *def,
                     char **value)
{
    if (virConfGetValueString(cfg->conf, key, value) < 0)
        return -1;
    if (!*value) {
        *value = g_strdup(def);
    } else if (!g_path_is_absolute(*value)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: %s = \"%s\" must be an absolute path"),
                       cfg->configFile, key, *value);
        return -1;
    }
    return 0;
}

/* @key = SECONDS of qemu.conf, 1 to 3600, @def when absent. */
static int
qemuDriverConfigSeconds(virQEMUDriverConfig *cfg, const char *key, long long def,
                        int *secs)
{
    long long v = def;

    if (virConfGetValueInt(cfg->conf, key, &v) < 0)
        return -1;
    if (v < 1 || v > 3600) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: %s must be from 1 to 3600 seconds"), cfg->configFile, key);
        return -1;
    }
    *secs = v;
    return 0;
}

/* keepalive_interval (-1 turns it off, as in libvirt) and keepalive_count */
static int
qemuDriverConfigKeepAlive(virQEMUDriverConfig *cfg)
{
    long long interval = 5;
    long long count = 5;

    if (virConfGetValueInt(cfg->conf, "keepalive_interval", &interval) < 0 ||
        virConfGetValueInt(cfg->conf, "keepalive_count", &count) < 0)
        return -1;
    if (interval != -1 && (interval < 1 || interval > 3600)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: keepalive_interval must be -1 (no keepalive) or from 1 to 3600 seconds"),
                       cfg->configFile);
        return -1;
    }
    if (count < 0 || count > 100) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: keepalive_count must be from 0 to 100"), cfg->configFile);
        return -1;
    }
    cfg->keepaliveInterval = interval;
    cfg->keepaliveCount = count;
    return 0;
}

/* A name or address of the local machine only: useless to another host. */
static bool
qemuDriverConfigIsLocal(const char *host)
{
    return g_str_has_prefix(host, "localhost") || STREQ(host, "127.0.0.1") ||
        STREQ(host, "::1") || STREQ(host, "[::1]");
}

/* migration_host, migration_address, migration_port_min/max */
static int
qemuDriverConfigMigration(virQEMUDriverConfig *cfg)
{
    const char *keys[] = { "migration_host", "migration_address" };
    char **values[] = { &cfg->migrationHost, &cfg->migrationAddress };
    long long min = QEMU_MIGRATION_PORT_MIN;
    long long max = QEMU_MIGRATION_PORT_MAX;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (virConfGetValueString(cfg->conf, keys[i], values[i]) < 0)
            return -1;
        if (*values[i] && qemuDriverConfigIsLocal(*values[i])) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("%s: %s = \"%s\" names this machine only, which the source host cannot reach; give an address or name of this host that the other hosts reach"),
                           cfg->configFile, keys[i], *values[i]);
            return -1;
        }
        if (*values[i] && !**values[i])
            g_clear_pointer(values[i], g_free);
    }
    if (virConfGetValueInt(cfg->conf, "migration_port_min", &min) < 0 ||
        virConfGetValueInt(cfg->conf, "migration_port_max", &max) < 0)
        return -1;
    if (min < 1 || min > 65535 || max < min || max > 65535) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: migration_port_min (%lld) and migration_port_max (%lld) must be a range of ports within 1-65535"),
                       cfg->configFile, min, max);
        return -1;
    }
    cfg->migrationPortMin = min;
    cfg->migrationPortMax = max;

    if (virConfGetValueString(cfg->conf, "migrate_tls_x509_cert_dir",
                              &cfg->migrateTLSx509certdir) < 0)
        return -1;
    if (!cfg->migrateTLSx509certdir) {
        cfg->migrateTLSx509certdir = g_build_filename(cfg->root, "etc", "pki", "qemu", NULL);
    } else if (!g_path_is_absolute(cfg->migrateTLSx509certdir)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: migrate_tls_x509_cert_dir = \"%s\" must be an absolute path"),
                       cfg->configFile, cfg->migrateTLSx509certdir);
        return -1;
    }
    cfg->migrateTLSx509verify = true;
    if (virConfGetValueBool(cfg->conf, "migrate_tls_x509_verify",
                            &cfg->migrateTLSx509verify) < 0 ||
        virConfGetValueBool(cfg->conf, "migrate_tls_force", &cfg->migrateTLSForce) < 0)
        return -1;
    return 0;
}

virQEMUDriverConfig *
virQEMUDriverConfigNew(const char *root)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);

    cfg->root = g_strdup(root);
    cfg->configBaseDir = g_build_filename(root, "etc", NULL);
    cfg->configFile = g_build_filename(root, "etc", "qemu.conf", NULL);
    cfg->libDir = g_build_filename(root, "lib", "qemu", NULL);
    cfg->domainConfigDir = g_build_filename(cfg->libDir, "domains", NULL);
    cfg->domainLockFile = g_build_filename(cfg->libDir, "domains.lock", NULL);
    cfg->autostartDir = g_build_filename(cfg->libDir, "autostart", NULL);
    cfg->stateDir = g_build_filename(root, "run", "qemu", NULL);
    cfg->cacheDir = g_build_filename(root, "cache", NULL);
    cfg->capCacheDir = g_build_filename(cfg->cacheDir, "capabilities", NULL);
    cfg->logDir = g_build_filename(root, "log", NULL);
    cfg->hostdevStateDir = virHostdevStateDir(root);

    {
        /* the longest socket path a guest of this root gets */
        size_t need = strlen(cfg->stateDir) + strlen("/.") + VIR_UUID_BUFLEN * 2 +
                      MAX(strlen(QEMU_SOCKET_MONITOR), strlen(QEMU_SOCKET_INCOMING));

        if (need > VIR_SOCKET_UNIX_PATH_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("root directory '%s' is too long: the sockets of its guests (%s/UUID.%s) would take %zu bytes, more than the %zu of a socket address; use a root of at most %zu characters"),
                           root, cfg->stateDir, QEMU_SOCKET_MONITOR, need,
                           VIR_SOCKET_UNIX_PATH_MAX,
                           strlen(root) - (need - (VIR_SOCKET_UNIX_PATH_MAX)));
            return NULL;
        }
    }

    if (!(cfg->conf = virConfReadFile(cfg->configFile)))
        return NULL;
    if (virConfGetValueString(cfg->conf, "hostdev_simulate", &cfg->hostdevSimulate) < 0)
        return NULL;
    if (qemuDriverConfigPath(cfg, "sysfs_root", "/sys", &cfg->sysfsRoot) < 0 ||
        qemuDriverConfigPath(cfg, "devfs_root", "/dev", &cfg->devfsRoot) < 0)
        return NULL;
    {
        g_autofree char *backend = NULL;

        if (virConfGetValueString(cfg->conf, "vf_config_backend", &backend) < 0)
            return NULL;
        if (!backend) {
            cfg->vfConfigBackend = VIR_HOSTDEV_VF_BACKEND_NETLINK;
        } else if ((cfg->vfConfigBackend = virHostdevVFBackendTypeFromString(backend)) < 0) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("%s: vf_config_backend = \"%s\" is not supported: use \"netlink\" or \"simulated\""),
                           cfg->configFile, backend);
            return NULL;
        }
    }
    {
        bool usable;
        int rc = virConfGetValueBool(cfg->conf, "kvm_usable", &usable);

        if (rc < 0)
            return NULL;
        cfg->kvmOverride = rc > 0 ? usable : -1;
    }
    if (qemuDriverConfigSeconds(cfg, "migration_unplug_timeout", 30,
                                &cfg->migrationUnplugTimeout) < 0 ||
        qemuDriverConfigSeconds(cfg, "migration_stall_timeout", 30,
                                &cfg->migrationStallTimeout) < 0 ||
        qemuDriverConfigSeconds(cfg, "job_wait_timeout", QEMU_JOB_WAIT_DEFAULT,
                                &cfg->jobWaitTimeout) < 0)
        return NULL;
    if (qemuDriverConfigKeepAlive(cfg) < 0 || qemuDriverConfigMigration(cfg) < 0)
        return NULL;
    if (cfg->hostdevSimulate && STRNEQ(cfg->hostdevSimulate, "e1000e")) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: hostdev_simulate = \"%s\" is not supported: the only simulated VF model is \"e1000e\""),
                       cfg->configFile, cfg->hostdevSimulate);
        return NULL;
    }
    return g_steal_pointer(&cfg);
}

void
virQEMUDriverConfigFree(virQEMUDriverConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->root);
    g_free(cfg->configFile);
    g_free(cfg->configBaseDir);
    g_free(cfg->libDir);
    g_free(cfg->domainConfigDir);
    g_free(cfg->domainLockFile);
    g_free(cfg->autostartDir);
    g_free(cfg->stateDir);
    g_free(cfg->cacheDir);
    g_free(cfg->capCacheDir);
    g_free(cfg->logDir);
    g_free(cfg->hostdevSimulate);
    g_free(cfg->sysfsRoot);
    g_free(cfg->devfsRoot);
    g_free(cfg->hostdevStateDir);
    g_free(cfg->migrationHost);
    g_free(cfg->migrationAddress);
    g_free(cfg->migrateTLSx509certdir);
    virConfFree(cfg->conf);
    g_free(cfg);
}

int
virQEMUDriverConfigMakeDirs(virQEMUDriverConfig *cfg)
{
    const char *dirs[] = {
        cfg->configBaseDir, cfg->domainConfigDir, cfg->autostartDir, cfg->stateDir,
        cfg->capCacheDir, cfg->logDir,
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (virFileMakePath(dirs[i], 0700) < 0)
            return -1;
    }
    return 0;
}

virQEMUCaps *
virQEMUDriverGetCaps(virQEMUDriver *driver, const char *emulator)
{
    virQEMUCaps *caps;
    virQEMUCaps *old;
    bool kvm = virQEMUCapsKVMUsable(driver->config->kvmOverride);
    struct stat sb;
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&driver->capsLock);

    if (!driver->capsCache) {
        driver->capsCache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        driver->capsRetired = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUCapsFree);
    }
    if ((old = caps = g_hash_table_lookup(driver->capsCache, emulator)) &&
        stat(emulator, &sb) == 0 &&
        caps->ctime == (gint64)sb.st_ctim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb.st_ctim.tv_nsec &&
        caps->size == sb.st_size && caps->kvmUsable == kvm)
        return caps;
    if (!(caps = virQEMUCapsCacheLookup(driver->config->capCacheDir, emulator, kvm)))
        return NULL;
    /* other threads may still use the old entry */
    if (old)
        g_ptr_array_add(driver->capsRetired, old);
    g_hash_table_replace(driver->capsCache, g_strdup(emulator), caps);
    return caps;
}

char *
virQEMUDriverConfigSocketPath(virQEMUDriverConfig *cfg, const unsigned char *uuid,
                              const char *suffix)
{
    g_autoptr(GString) path = g_string_new(cfg->stateDir);
    size_t i;

    g_string_append_c(path, '/');
    for (i = 0; i < VIR_UUID_BUFLEN; i++)
        g_string_append_printf(path, "%02x", uuid[i]);
    g_string_append_printf(path, ".%s", suffix);
    return g_string_free(g_steal_pointer(&path), FALSE);
}

int
qemuDriverLockRoot(virQEMUDriver *driver)
{
    return virRootLockAcquire(driver->rootLock);
}

void
qemuDriverUnlockRoot(virQEMUDriver *driver, bool changed)
{
    if (changed)
        virRootLockChanged(driver->rootLock);
    virRootLockRelease(driver->rootLock);
}
