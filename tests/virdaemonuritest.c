/*
 * virdaemonuritest.c: the URI a daemon names itself by to other hosts
 * (none until it listens on TCP; its own address, or the one given when
 * it listens on every address; TLS over plain TCP), and the URIs a
 * cookie may name.
 */
#include "internal.h"

#include "testutils.h"
#include "virdaemonuri.h"

typedef struct {
    const char *title;
    const char *transport;      /* NULL: nothing set by this case */
    const char *address;
    const char *port;
    const char *host;
    const char *expected;       /* NULL: no URI */
} testFor;

static int
testDaemonFor(const void *data)
{
    const testFor *t = data;
    g_autofree char *uri = NULL;

    if (t->transport)
        virDaemonURISetListen(t->transport, t->address, t->port);
    uri = virDaemonURIFor(t->host);
    if (STRNEQ_NULLABLE(uri, t->expected)) {
        fprintf(stderr, "got '%s', expected '%s'\n", NULLSTR(uri), NULLSTR(t->expected));
        return -1;
    }
    return 0;
}

typedef struct {
    const char *uri;
    bool valid;
} testValid;

static int
testDaemonValid(const void *data)
{
    const testValid *t = data;

    if (virDaemonURIIsValid(t->uri) != t->valid) {
        fprintf(stderr, "'%s' taken as %s\n", NULLSTR(t->uri), t->valid ? "invalid" : "valid");
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    /* in this order: each case sets what the daemon says, once */
    static const testFor fors[] = {
        { "no TCP service: no URI", NULL, NULL, NULL, "192.0.2.2", NULL },
        { "plain TCP on every address: the host given", "tcp", NULL, "16509",
          "192.0.2.2", "qemu+tcp://192.0.2.2:16509/system" },
        { "and no host given: none", NULL, NULL, NULL, NULL, NULL },
        { "TLS is named over plain TCP", "tls", "0.0.0.0", "16514",
          "192.0.2.2", "qemu+tls://192.0.2.2:16514/system" },
        { "plain TCP set after TLS does not replace it", "tcp", "0.0.0.0", "16509",
          "192.0.2.2", "qemu+tls://192.0.2.2:16514/system" },
        { "an IPv6 host in brackets", NULL, NULL, NULL,
          "2001:db8::2", "qemu+tls://[2001:db8::2]:16514/system" },
        { "the listening address over the host given", "tls", "192.0.2.7", "16514",
          "192.0.2.2", "qemu+tls://192.0.2.7:16514/system" },
        { "'::' is every address", "tls", "::", "16600",
          "192.0.2.2", "qemu+tls://192.0.2.2:16600/system" },
    };
    static const testValid valids[] = {
        { "qemu+tls://192.0.2.2:16514/system", true },
        { "qemu+tcp://host-b/system", true },
        { "qemu+tls://[2001:db8::2]:16514/system", true },
        { NULL, false },
        { "", false },
        { "qemu+ssh://root@host-b/system", false },
        { "qemu+ext:///system?command=/bin/true", false },
        { "qemu+unix:///system?socket=/run/other", false },
        { "qemu:///embed?root=/srv/a", false },
        { "qemu+tls:///system", false },
        { "qemu+tls://user@host-b/system", false },
        { "qemu+tls://host-b/session", false },
        { "qemu+tls://host-b/system?pkipath=/tmp", false },
        { "not a uri", false },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fors); i++)
        virTestRun(fors[i].title, testDaemonFor, &fors[i]);
    for (i = 0; i < G_N_ELEMENTS(valids); i++) {
        g_autofree char *title = g_strdup_printf("%s '%s'",
                                                 valids[i].valid ? "taken" : "refused",
                                                 NULLSTR(valids[i].uri));

        virTestRun(title, testDaemonValid, &valids[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
