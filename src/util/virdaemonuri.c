/*
 * virdaemonuri.c: how other hosts reach the daemon of this process
 */
#include "internal.h"

#include "virdaemonuri.h"

/* the daemon's TCP service, set once before it serves */
static char *virDaemonURITransport;
static char *virDaemonURIAddress;
static char *virDaemonURIPort;
G_LOCK_DEFINE_STATIC(virDaemonURI);

void
virDaemonURISetListen(const char *transport, const char *address, const char *port)
{
    G_LOCK(virDaemonURI);
    if (!virDaemonURITransport || STREQ(transport, "tls")) {
        g_free(virDaemonURITransport);
        g_free(virDaemonURIAddress);
        g_free(virDaemonURIPort);
        virDaemonURITransport = g_strdup(transport);
        virDaemonURIAddress = g_strdup(address);
        virDaemonURIPort = g_strdup(port);
    }
    G_UNLOCK(virDaemonURI);
}

/* Does @address name every address of the host? */
static bool
virDaemonURIIsWildcard(const char *address)
{
    return !address || !*address || STREQ(address, "0.0.0.0") || STREQ(address, "::");
}

char *
virDaemonURIFor(const char *host)
{
    g_autofree char *hostpart = NULL;
    char *uri = NULL;
    const char *addr;

    G_LOCK(virDaemonURI);
    addr = virDaemonURIIsWildcard(virDaemonURIAddress) ? host : virDaemonURIAddress;
    if (virDaemonURITransport && addr && *addr) {
        /* an IPv6 address in brackets, as a URI takes it */
        if (strchr(addr, ':') && addr[0] != '[')
            hostpart = g_strdup_printf("[%s]", addr);
        else
            hostpart = g_strdup(addr);
        uri = g_strdup_printf("qemu+%s://%s:%s/system", virDaemonURITransport, hostpart,
                              virDaemonURIPort);
    }
    G_UNLOCK(virDaemonURI);
    return uri;
}

bool
virDaemonURIIsValid(const char *uri)
{
    g_autoptr(GUri) parsed = NULL;
    const char *scheme;

    if (!uri || !(parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL)))
        return false;
    scheme = g_uri_get_scheme(parsed);
    return (STREQ(scheme, "qemu+tls") || STREQ(scheme, "qemu+tcp")) &&
        g_uri_get_host(parsed) && *g_uri_get_host(parsed) &&
        !g_uri_get_userinfo(parsed) && STREQ(g_uri_get_path(parsed), "/system") &&
        !g_uri_get_query(parsed) && !g_uri_get_fragment(parsed);
}
