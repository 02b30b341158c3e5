/*
 * remote_daemon_config.c: virtqemud.conf
 */
#include "internal.h"

#include "remote_daemon_config.h"
#include "virconf.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostuuid.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_CONF

VIR_ENUM_IMPL(remoteDaemonHostUUIDSource, REMOTE_DAEMON_HOST_UUID_SOURCE_LAST,
              "smbios", "machine-id");

remoteDaemonConfig *
remoteDaemonConfigNew(const char *sockdir)
{
    remoteDaemonConfig *cfg = g_new0(remoteDaemonConfig, 1);

    cfg->unixSockDir = g_strdup(sockdir);
    /* owner only: the read-write socket is the whole host */
    cfg->unixSockRWPerms = 0600;
    cfg->unixSockROPerms = 0777;
    cfg->maxClients = 5000;
    cfg->maxWorkers = 20;
    cfg->prioWorkers = 5;
    cfg->maxClientRequests = 5;
    cfg->keepaliveInterval = 5;
    cfg->keepaliveCount = 5;
    cfg->listenTLS = true;
    cfg->tlsPort = g_strdup("16514");
    cfg->tcpPort = g_strdup("16509");
    cfg->tlsPriority = g_strdup("NORMAL");
    cfg->logLevel = 3;
    cfg->logOutputs = g_strdup("3:stderr");
    return cfg;
}

void
remoteDaemonConfigFree(remoteDaemonConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->unixSockDir);
    g_free(cfg->unixSockGroup);
    g_free(cfg->logOutputs);
    g_free(cfg->logFilters);
    g_free(cfg->tlsPort);
    g_free(cfg->tcpPort);
    g_free(cfg->listenAddr);
    g_free(cfg->keyFile);
    g_free(cfg->certFile);
    g_free(cfg->caFile);
    g_free(cfg->crlFile);
    g_strfreev(cfg->tlsAllowedDNs);
    g_free(cfg->tlsPriority);
    g_free(cfg->hostUUID);
    g_free(cfg);
}

/* @key as a number in [@min, @max], if set. */
static int
remoteDaemonConfigGetRange(virConf *conf, const char *filename, const char *key,
                           long long min, long long max, long long *value)
{
    long long v;
    int rc;

    if ((rc = virConfGetValueInt(conf, key, &v)) <= 0)
        return rc;
    if (v < min || v > max) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%s: '%s' must be between %lld and %lld, not %lld"),
                       filename, key, min, max, v);
        return -1;
    }
    *value = v;
    return 1;
}

static int
remoteDaemonConfigGetUInt(virConf *conf, const char *filename, const char *key,
                          unsigned int min, unsigned int max, unsigned int *value)
{
    long long v;
    int rc = remoteDaemonConfigGetRange(conf, filename, key, min, max, &v);

    if (rc > 0)
        *value = v;
    return rc;
}

/* A file mode given as an octal string ("0660"), as libvirtd reads it. */
static int
remoteDaemonConfigGetPerms(virConf *conf, const char *filename, const char *key,
                           unsigned int *value)
{
    g_autofree char *str = NULL;
    guint64 v;
    int rc;

    if ((rc = virConfGetValueString(conf, key, &str)) <= 0)
        return rc;
    if (!g_ascii_string_to_unsigned(str, 8, 0, 0777, &v, NULL)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: '%s' must be an octal file mode such as \"0660\", not \"%s\""),
                       filename, key, str);
        return -1;
    }
    *value = v;
    return 1;
}

/* "LEVEL:REST LEVEL:REST ...", each LEVEL 1..4 and REST non-empty; @check
 * (if any) validates REST. */
static int
remoteDaemonConfigCheckLogList(const char *filename, const char *key, const char *value,
                               bool (*check)(const char *rest))
{
    g_auto(GStrv) items = g_strsplit_set(value, " \t", -1);
    size_t i;

    for (i = 0; items[i]; i++) {
        const char *it = items[i];

        if (!*it)
            continue;
        if (it[0] < '1' || it[0] > '4' || it[1] != ':' || !it[2] ||
            (check && !check(it + 2))) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("%s: '%s': cannot use \"%s\" (expected LEVEL:%s with LEVEL 1 to 4)"),
                           filename, key, it,
                           check ? "stderr, LEVEL:file:PATH or LEVEL:journald" : "WORD");
            return -1;
        }
    }
    return 0;
}

static bool
remoteDaemonConfigCheckOutput(const char *rest)
{
    return STREQ(rest, "stderr") || STREQ(rest, "journald") ||
           (g_str_has_prefix(rest, "file:") && g_path_is_absolute(rest + 5));
}

/* A non-empty string (a port, a path) if set. */
static int
remoteDaemonConfigGetNonEmpty(virConf *conf, const char *filename, const char *key,
                              char **value)
{
    int rc;

    if ((rc = virConfGetValueString(conf, key, value)) <= 0)
        return rc;
    if (!**value) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%s: '%s' must not be empty"), filename, key);
        return -1;
    }
    return 1;
}

static int
remoteDaemonConfigApplyTCP(remoteDaemonConfig *cfg, virConf *conf, const char *filename)
{
    if (virConfGetValueBool(conf, "listen_tls", &cfg->listenTLS) < 0 ||
        virConfGetValueBool(conf, "listen_tcp", &cfg->listenTCP) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "tls_port", &cfg->tlsPort) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "tcp_port", &cfg->tcpPort) < 0 ||
        virConfGetValueString(conf, "listen_addr", &cfg->listenAddr) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "key_file", &cfg->keyFile) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "cert_file", &cfg->certFile) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "ca_file", &cfg->caFile) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "crl_file", &cfg->crlFile) < 0 ||
        virConfGetValueBool(conf, "tls_no_sanity_certificate", &cfg->tlsNoSanity) < 0 ||
        virConfGetValueBool(conf, "tls_no_verify_certificate", &cfg->tlsNoVerify) < 0 ||
        virConfGetValueStringList(conf, "tls_allowed_dn_list", &cfg->tlsAllowedDNs) < 0 ||
        remoteDaemonConfigGetNonEmpty(conf, filename, "tls_priority", &cfg->tlsPriority) < 0)
        return -1;
    if (cfg->listenAddr && !*cfg->listenAddr)
        g_clear_pointer(&cfg->listenAddr, g_free);
    if ((cfg->keyFile || cfg->certFile || cfg->caFile) &&
        !(cfg->keyFile && cfg->certFile && cfg->caFile)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: key_file, cert_file and ca_file must be set together (or none of them)"),
                       filename);
        return -1;
    }
    return 0;
}

/* host_uuid (a valid UUID) and host_uuid_source, as libvirtd reads them */
static int
remoteDaemonConfigApplyHostUUID(remoteDaemonConfig *cfg, virConf *conf, const char *filename)
{
    g_autofree char *source = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int v;

    if (virConfGetValueString(conf, "host_uuid", &cfg->hostUUID) < 0 ||
        virConfGetValueString(conf, "host_uuid_source", &source) < 0)
        return -1;
    if (cfg->hostUUID &&
        (virUUIDParse(cfg->hostUUID, uuid) < 0 || !virHostUUIDIsValid(uuid))) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: host_uuid = \"%s\" is not a valid UUID (32 hexadecimal digits, not all the same)"),
                       filename, cfg->hostUUID);
        return -1;
    }
    if (source) {
        if ((v = remoteDaemonHostUUIDSourceTypeFromString(source)) < 0) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("%s: host_uuid_source = \"%s\" is not supported: use \"smbios\" or \"machine-id\""),
                           filename, source);
            return -1;
        }
        cfg->hostUUIDSource = v;
    }
    return 0;
}

static int
remoteDaemonConfigApply(remoteDaemonConfig *cfg, virConf *conf, const char *filename)
{
    long long v;
    int rc;

    if (virConfGetValueString(conf, "unix_sock_dir", &cfg->unixSockDir) < 0 ||
        virConfGetValueString(conf, "unix_sock_group", &cfg->unixSockGroup) < 0 ||
        remoteDaemonConfigGetPerms(conf, filename, "unix_sock_rw_perms", &cfg->unixSockRWPerms) < 0 ||
        remoteDaemonConfigGetPerms(conf, filename, "unix_sock_ro_perms", &cfg->unixSockROPerms) < 0)
        return -1;
    if (!g_path_is_absolute(cfg->unixSockDir)) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%s: 'unix_sock_dir' must be an absolute path, not '%s'"),
                       filename, cfg->unixSockDir);
        return -1;
    }
    if (cfg->unixSockGroup && !*cfg->unixSockGroup)
        g_clear_pointer(&cfg->unixSockGroup, g_free);

    if (remoteDaemonConfigGetUInt(conf, filename, "max_clients", 1, 1000000, &cfg->maxClients) < 0 ||
        remoteDaemonConfigGetUInt(conf, filename, "max_workers", 1, 10000, &cfg->maxWorkers) < 0 ||
        remoteDaemonConfigGetUInt(conf, filename, "prio_workers", 0, 10000, &cfg->prioWorkers) < 0 ||
        remoteDaemonConfigGetUInt(conf, filename, "max_client_requests", 1, 10000,
                                  &cfg->maxClientRequests) < 0 ||
        remoteDaemonConfigGetUInt(conf, filename, "keepalive_count", 0, 1000,
                                  &cfg->keepaliveCount) < 0)
        return -1;
    if ((rc = remoteDaemonConfigGetRange(conf, filename, "keepalive_interval", -1, 3600, &v)) < 0)
        return -1;
    if (rc > 0)
        cfg->keepaliveInterval = v;
    if ((rc = remoteDaemonConfigGetRange(conf, filename, "log_level", 1, 4, &v)) < 0)
        return -1;
    if (rc > 0)
        cfg->logLevel = v;

    if (virConfGetValueString(conf, "log_outputs", &cfg->logOutputs) < 0 ||
        virConfGetValueString(conf, "log_filters", &cfg->logFilters) < 0)
        return -1;
    if (remoteDaemonConfigCheckLogList(filename, "log_outputs", cfg->logOutputs,
                                       remoteDaemonConfigCheckOutput) < 0)
        return -1;
    if (cfg->logFilters &&
        remoteDaemonConfigCheckLogList(filename, "log_filters", cfg->logFilters, NULL) < 0)
        return -1;
    if (remoteDaemonConfigApplyHostUUID(cfg, conf, filename) < 0)
        return -1;
    return remoteDaemonConfigApplyTCP(cfg, conf, filename);
}

int
remoteDaemonConfigLoadString(remoteDaemonConfig *cfg,
                             const char *content,
                             const char *filename)
{
    g_autoptr(virConf) conf = NULL;

    if (!(conf = virConfReadString(content, filename)))
        return -1;
    return remoteDaemonConfigApply(cfg, conf, filename);
}

int
remoteDaemonConfigLoad(remoteDaemonConfig *cfg, const char *path, bool mustExist)
{
    g_autoptr(virConf) conf = NULL;

    if (mustExist && !virFileExists(path)) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("configuration file '%s' does not exist"), path);
        return -1;
    }
    if (!(conf = virConfReadFile(path)))
        return -1;
    return remoteDaemonConfigApply(cfg, conf, path);
}
