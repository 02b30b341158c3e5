/*
 * remotedaemonconfigtest.c: virtqemud.conf, its defaults and its errors
 */
#include "internal.h"

#include "remote/remote_daemon_config.h"
#include "testutils.h"
#include "virerror.h"

static int
testDefaults(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteDaemonConfig) cfg = remoteDaemonConfigNew("/r/run");

    if (remoteDaemonConfigLoadString(cfg, "# nothing\n", "empty.conf") < 0)
        return -1;
    if (STRNEQ(cfg->unixSockDir, "/r/run") || cfg->unixSockGroup ||
        cfg->unixSockRWPerms != 0600 || cfg->unixSockROPerms != 0777 ||
        cfg->maxClients != 5000 || cfg->maxWorkers != 20 || cfg->prioWorkers != 5 ||
        cfg->maxClientRequests != 5 || cfg->keepaliveInterval != 5 ||
        cfg->keepaliveCount != 5 || cfg->logLevel != 3 ||
        STRNEQ(cfg->logOutputs, "3:stderr") || cfg->logFilters ||
        !cfg->listenTLS || cfg->listenTCP || STRNEQ(cfg->tlsPort, "16514") ||
        STRNEQ(cfg->tcpPort, "16509") || cfg->listenAddr || cfg->keyFile || cfg->certFile ||
        cfg->caFile || cfg->crlFile || cfg->tlsNoSanity || cfg->tlsNoVerify ||
        cfg->tlsAllowedDNs || STRNEQ(cfg->tlsPriority, "NORMAL") || cfg->hostUUID ||
        cfg->hostUUIDSource != REMOTE_DAEMON_HOST_UUID_SOURCE_SMBIOS) {
        printf("#   defaults differ\n");
        return -1;
    }
    return 0;
}

static int
testAllKeys(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteDaemonConfig) cfg = remoteDaemonConfigNew("/r/run");
    const char *text =
        "unix_sock_dir = \"/srv/sock\"\n"
        "unix_sock_group = \"libvirt\"\n"
        "unix_sock_rw_perms = \"0660\"\n"
        "unix_sock_ro_perms = \"0666\"\n"
        "max_clients = 10\n"
        "max_workers = 3\n"
        "prio_workers = 0\n"
        "max_client_requests = 2\n"
        "keepalive_interval = -1\n"
        "keepalive_count = 0\n"
        "log_level = 1\n"
        "log_outputs = \"1:file:/var/log/v.log 3:stderr\"\n"
        "log_filters = \"1:RPC 4:qemu\"\n"
        "listen_tls = 0\n"
        "listen_tcp = 1\n"
        "tls_port = \"26514\"\n"
        "tcp_port = \"26509\"\n"
        "listen_addr = \"127.0.0.1\"\n"
        "key_file = \"/k.pem\"\n"
        "cert_file = \"/c.pem\"\n"
        "ca_file = \"/ca.pem\"\n"
        "crl_file = \"/crl.pem\"\n"
        "tls_no_sanity_certificate = 1\n"
        "tls_no_verify_certificate = 1\n"
        "tls_allowed_dn_list = [\"C=GB,*\", \"CN=a?\"]\n"
        "tls_priority = \"NORMAL:-VERS-TLS1.3\"\n"
        "host_uuid = \"0a1b2c3d-4e5f-4a1b-8c9d-0e1f2a3b4c5d\"\n"
        "host_uuid_source = \"machine-id\"\n"
        "auth_unix_rw = \"none\"\n";     /* a libvirtd key we do not read */

    if (remoteDaemonConfigLoadString(cfg, text, "all.conf") < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (STRNEQ(cfg->unixSockDir, "/srv/sock") || STRNEQ(cfg->unixSockGroup, "libvirt") ||
        cfg->unixSockRWPerms != 0660 || cfg->unixSockROPerms != 0666 ||
        cfg->maxClients != 10 || cfg->maxWorkers != 3 || cfg->prioWorkers != 0 ||
        cfg->maxClientRequests != 2 || cfg->keepaliveInterval != -1 ||
        cfg->keepaliveCount != 0 || cfg->logLevel != 1 ||
        STRNEQ(cfg->logOutputs, "1:file:/var/log/v.log 3:stderr") ||
        STRNEQ(cfg->logFilters, "1:RPC 4:qemu") ||
        cfg->listenTLS || !cfg->listenTCP || STRNEQ(cfg->tlsPort, "26514") ||
        STRNEQ(cfg->tcpPort, "26509") || STRNEQ(cfg->listenAddr, "127.0.0.1") ||
        STRNEQ(cfg->keyFile, "/k.pem") || STRNEQ(cfg->certFile, "/c.pem") ||
        STRNEQ(cfg->caFile, "/ca.pem") || STRNEQ(cfg->crlFile, "/crl.pem") ||
        !cfg->tlsNoSanity || !cfg->tlsNoVerify || !cfg->tlsAllowedDNs ||
        g_strv_length(cfg->tlsAllowedDNs) != 2 || STRNEQ(cfg->tlsAllowedDNs[1], "CN=a?") ||
        STRNEQ(cfg->tlsPriority, "NORMAL:-VERS-TLS1.3") ||
        STRNEQ(cfg->hostUUID, "0a1b2c3d-4e5f-4a1b-8c9d-0e1f2a3b4c5d") ||
        cfg->hostUUIDSource != REMOTE_DAEMON_HOST_UUID_SOURCE_MACHINE_ID) {
        printf("#   values not taken\n");
        return -1;
    }
    return 0;
}

static int
testBad(const void *opaque)
{
    const char *const *c = opaque;
    g_autoptr(remoteDaemonConfig) cfg = remoteDaemonConfigNew("/r/run");

    if (remoteDaemonConfigLoadString(cfg, c[0], "bad.conf") == 0) {
        printf("#   accepted: %s", c[0]);
        return -1;
    }
    return virTestExpectError(c[0], c[1]);
}

static int
testMissingFile(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteDaemonConfig) cfg = remoteDaemonConfigNew("/r/run");

    if (remoteDaemonConfigLoad(cfg, "/nonexistent/virtqemud.conf", false) < 0)
        return -1;
    if (remoteDaemonConfigLoad(cfg, "/nonexistent/virtqemud.conf", true) == 0)
        return -1;
    return virTestExpectError("--config of a missing file",
                              "configuration file '/nonexistent/virtqemud.conf' does not exist");
}

static int
mymain(void)
{
    static const char *const bad[][2] = {
        { "unix_sock_rw_perms = \"rw\"\n", "'unix_sock_rw_perms' must be an octal file mode" },
        { "unix_sock_rw_perms = \"01777\"\n", "'unix_sock_rw_perms' must be an octal file mode" },
        { "unix_sock_ro_perms = 666\n", "'unix_sock_ro_perms' must be a string" },
        { "unix_sock_dir = \"run\"\n", "'unix_sock_dir' must be an absolute path" },
        { "max_workers = 0\n", "'max_workers' must be between 1 and 10000, not 0" },
        { "max_clients = \"many\"\n", "'max_clients' must be a number" },
        { "keepalive_interval = -2\n", "'keepalive_interval' must be between -1 and 3600" },
        { "log_level = 5\n", "'log_level' must be between 1 and 4" },
        { "log_outputs = \"3:syslog:virtqemud\"\n", "'log_outputs': cannot use \"3:syslog:virtqemud\"" },
        { "log_outputs = \"3:file:rel.log\"\n", "'log_outputs': cannot use \"3:file:rel.log\"" },
        { "log_filters = \"9:rpc\"\n", "'log_filters': cannot use \"9:rpc\"" },
        { "listen_tls = 2\n", "'listen_tls' must be 0 or 1" },
        { "tls_port = \"\"\n", "'tls_port' must not be empty" },
        { "cert_file = \"/c.pem\"\n", "key_file, cert_file and ca_file must be set together" },
        { "tls_allowed_dn_list = \"CN=*\"\n", "'tls_allowed_dn_list' must be a list of strings" },
        { "host_uuid = \"ffffffff-ffff-ffff-ffff-ffffffffffff\"\n",
          "bad.conf: host_uuid = \"ffffffff-ffff-ffff-ffff-ffffffffffff\" is not a valid UUID" },
        { "host_uuid = \"0a1b2c3d-4e5f\"\n", "bad.conf: host_uuid = \"0a1b2c3d-4e5f\" is not a valid UUID" },
        { "host_uuid = \"\"\n", "bad.conf: host_uuid = \"\" is not a valid UUID" },
        { "host_uuid = 1\n", "'host_uuid' must be a string" },
        { "host_uuid_source = \"dmi\"\n",
          "bad.conf: host_uuid_source = \"dmi\" is not supported: use \"smbios\" or \"machine-id\"" },
    };
    size_t i;

    virTestRun("defaults", testDefaults, NULL);
    virTestRun("every key", testAllKeys, NULL);
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *title = g_strdup_printf("refused: %.*s", (int)strlen(bad[i][0]) - 1, bad[i][0]);

        virTestRun(title, testBad, bad[i]);
    }
    virTestRun("missing file", testMissingFile, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
