/*
 * qemu_migration_address.c: where an incoming migration listens, and the
 * URI its destination gives the source (see the header)
 */
#include "internal.h"

#include "qemu_migration_address.h"
#include "virerror.h"
#include "virportallocator.h"
#include "virsocket.h"
#include "virstring.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU

/* HOST as it goes before ":PORT": an IPv6 address in brackets. */
static char *
qemuMigrationAddressHost(const char *host)
{
    if (strchr(host, ':') && host[0] != '[')
        return g_strdup_printf("[%s]", host);
    return g_strdup(host);
}

/* Where QEMU listens when nobody says: every address of the host. */
static const char *
qemuMigrationAddressAny(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return "0.0.0.0";
    close(fd);
    return "::";
}

/* HOST[:PORT] of a migrate_uri after its scheme (and "//"): the host into
 * *@host, the port into *@port (0: none). -1 with an error. */
static int
qemuMigrationAddressSplit(const char *uri, const char *rest, char **host, unsigned int *port)
{
    const char *colon;
    const char *end = rest + strcspn(rest, "/?#");
    g_autofree char *hostport = g_strndup(rest, end - rest);

    if (hostport[0] == '[') {
        const char *close = strchr(hostport, ']');

        if (!close) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("migration URI '%s' has an IPv6 address without its ']'"), uri);
            return -1;
        }
        *host = g_strndup(hostport + 1, close - hostport - 1);
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close[1] && !colon) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("migration URI '%s' has something after its IPv6 address"), uri);
            return -1;
        }
    } else {
        colon = strrchr(hostport, ':');
        *host = colon ? g_strndup(hostport, colon - hostport) : g_strdup(hostport);
    }
    if (!**host) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' has no host: the destination needs to know where the source connects"),
                       uri);
        return -1;
    }
    *port = 0;
    if (colon && (virStrToLong_ui(colon + 1, NULL, 10, port) < 0 || *port == 0 || *port > 65535)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' has an invalid port '%s'"), uri, colon + 1);
        return -1;
    }
    return 0;
}

/* The given TCP migrate_uri, completed with a port if it has none. */
static int
qemuMigrationAddressFromURI(const virQEMUDriverConfig *cfg, const char *migrateURI,
                            qemuMigrationAddress *addr, unsigned int *port)
{
    g_autofree char *host = NULL;
    const char *rest;
    bool slashes;

    if (g_str_has_prefix(migrateURI, "unix:")) {
        const char *path = migrateURI + strlen("unix:");

        if (g_str_has_prefix(path, "//"))
            path += 2;
        if (!g_path_is_absolute(path)) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("migration URI '%s' needs an absolute socket path"), migrateURI);
            return -1;
        }
        addr->uri = g_strdup(migrateURI);
        addr->incoming = g_strdup_printf("unix:%s", path);
        return 0;
    }
    if (!g_str_has_prefix(migrateURI, "tcp:")) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("migration URI '%s' is not supported: use tcp://HOST[:PORT] or unix:/PATH"),
                       migrateURI);
        return -1;
    }
    rest = migrateURI + strlen("tcp:");
    if ((slashes = g_str_has_prefix(rest, "//")))
        rest += 2;
    if (qemuMigrationAddressSplit(migrateURI, rest, &host, port) < 0)
        return -1;
    if (*port) {
        if (virPortAllocatorSetUsed(*port) < 0)
            return -1;
        addr->port = *port;
        addr->uri = g_strdup(migrateURI);
    } else {
        g_autofree char *h = qemuMigrationAddressHost(host);

        if (virPortAllocatorAcquire(cfg->migrationPortMin, cfg->migrationPortMax,
                                    _("incoming migration (migration_port_min/max in qemu.conf)"),
                                    port) < 0)
            return -1;
        addr->port = *port;
        addr->uri = g_strdup_printf("tcp:%s%s:%u", slashes ? "//" : "", h, *port);
    }
    return 0;
}

int
qemuMigrationAddressPrepare(const virQEMUDriverConfig *cfg, const char *migrateURI,
                            const char *listenAddress, const char *hostname,
                            qemuMigrationAddress *addr)
{
    g_autofree char *listen = NULL;
    unsigned int port = 0;

    memset(addr, 0, sizeof(*addr));
    if (migrateURI) {
        if (qemuMigrationAddressFromURI(cfg, migrateURI, addr, &port) < 0)
            goto error;
        if (!port)
            return 0;
    } else {
        g_autofree char *local = NULL;
        g_autofree char *h = NULL;
        const char *host = cfg->migrationHost;

        if (!host) {
            if (!hostname) {
                char buf[256] = "";

                if (gethostname(buf, sizeof(buf) - 1) < 0) {
                    virReportSystemError(errno, "%s", _("cannot get this host's name"));
                    goto error;
                }
                hostname = local = g_strdup(buf);
            }
            if (g_str_has_prefix(hostname, "localhost")) {
                virReportError(VIR_ERR_INTERNAL_ERROR,
                               _("hostname on destination resolved to localhost, but migration requires an FQDN; set migration_host in qemu.conf"));
                goto error;
            }
            host = hostname;
        }
        if (virPortAllocatorAcquire(cfg->migrationPortMin, cfg->migrationPortMax,
                                    _("incoming migration (migration_port_min/max in qemu.conf)"),
                                    &port) < 0)
            goto error;
        addr->port = port;
        h = qemuMigrationAddressHost(host);
        addr->uri = g_strdup_printf("tcp:%s:%u", h, port);
    }
    if (!listenAddress)
        listenAddress = cfg->migrationAddress ? cfg->migrationAddress : qemuMigrationAddressAny();
    listen = qemuMigrationAddressHost(listenAddress);
    addr->incoming = g_strdup_printf("tcp:%s:%u", listen, port);
    return 0;

 error:
    qemuMigrationAddressRelease(addr);
    return -1;
}

void
qemuMigrationAddressRelease(qemuMigrationAddress *addr)
{
    virPortAllocatorRelease(addr->port);
    addr->port = 0;
    g_clear_pointer(&addr->uri, g_free);
    g_clear_pointer(&addr->incoming, g_free);
}

int
qemuMigrationAddressListen(const char *incoming)
{
    g_autofree char *host = NULL;
    unsigned int port = 0;

    if (g_str_has_prefix(incoming, "unix:"))
        return virSocketListenUnix(incoming + strlen("unix:"), 0600, 1);
    if (!g_str_has_prefix(incoming, "tcp:") ||
        qemuMigrationAddressSplit(incoming, incoming + strlen("tcp:"), &host, &port) < 0)
        return -1;
    return virSocketListenTCP(host, port, 1, _("an incoming migration"));
}

char *
qemuMigrationAddressForQEMU(const char *uri)
{
    const char *rest;
    size_t len;

    if (!g_str_has_prefix(uri, "tcp://"))
        return g_strdup(uri);
    rest = uri + strlen("tcp://");
    len = strlen(rest);
    if (len > 0 && rest[len - 1] == '/')
        len--;
    return g_strdup_printf("tcp:%.*s", (int)len, rest);
}
