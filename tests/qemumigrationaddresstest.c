/*
 * qemumigrationaddresstest.c: the URI a migration destination gives the
 * source and where its QEMU listens (libvirt 9.0's rules), the port
 * allocator behind them, and the qemu.conf keys they come from.
 */
#include "internal.h"

#include "qemu/qemu_migration_address.h"
#include "testutils.h"
#include "virfile.h"
#include "virportallocator.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    const char *title;
    const char *migrationHost;      /* qemu.conf */
    const char *migrationAddress;
    const char *migrateURI;         /* the source's parameters */
    const char *listenAddress;
    const char *uri;                /* expected, "%u" for the port taken */
    const char *incoming;
    const char *error;              /* expected instead */
    const char *hostname;           /* this host's name, NULL: hostb.example */
} testCase;

static virQEMUDriverConfig testConfig = {
    .migrationPortMin = QEMU_MIGRATION_PORT_MIN,
    .migrationPortMax = QEMU_MIGRATION_PORT_MAX,
};

static int
testPrepare(const void *data)
{
    const testCase *t = data;
    qemuMigrationAddress addr;
    g_autofree char *uri = NULL;
    g_autofree char *incoming = NULL;
    int rc;

    testConfig.migrationHost = (char *)t->migrationHost;
    testConfig.migrationAddress = (char *)t->migrationAddress;
    rc = qemuMigrationAddressPrepare(&testConfig, t->migrateURI, t->listenAddress,
                                     t->hostname ? t->hostname : "hostb.example", &addr);
    if (t->error) {
        if (rc == 0) {
            fprintf(stderr, "accepted: %s\n", addr.uri);
            qemuMigrationAddressRelease(&addr);
            return -1;
        }
        return virTestExpectError(t->title, t->error);
    }
    if (rc < 0) {
        fprintf(stderr, "%s\n", virGetLastErrorMessage());
        return -1;
    }
    if (strstr(t->uri, "%u") && (addr.port < QEMU_MIGRATION_PORT_MIN ||
                                 addr.port > QEMU_MIGRATION_PORT_MAX)) {
        fprintf(stderr, "port %u is outside the default range\n", addr.port);
        qemuMigrationAddressRelease(&addr);
        return -1;
    }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    uri = g_strdup_printf(t->uri, addr.port);
    incoming = g_strdup_printf(t->incoming, addr.port);
#pragma GCC diagnostic pop
    rc = 0;
    if (STRNEQ(addr.uri, uri) || STRNEQ(addr.incoming, incoming)) {
        fprintf(stderr, "got uri '%s' incoming '%s', expected '%s' and '%s'\n",
                addr.uri, addr.incoming, uri, incoming);
        rc = -1;
    }
    qemuMigrationAddressRelease(&addr);
    return rc;
}

/* Two migrations at once get two ports; a released port is the first
 * given again. */
typedef struct {
    const char *uri;
    const char *qemu;
} testForQEMU;

/* The destination's URI as the source's QEMU takes it. */
static int
testAddressForQEMU(const void *data)
{
    const testForQEMU *t = data;
    g_autofree char *got = qemuMigrationAddressForQEMU(t->uri);

    if (STRNEQ(got, t->qemu)) {
        fprintf(stderr, "%s: got '%s', expected '%s'\n", t->uri, got, t->qemu);
        return -1;
    }
    return 0;
}

static int
testTwoAtOnce(const void *data G_GNUC_UNUSED)
{
    qemuMigrationAddress a, b, c;
    int rc = -1;

    testConfig.migrationHost = (char *)"192.0.2.11";
    testConfig.migrationAddress = NULL;
    if (qemuMigrationAddressPrepare(&testConfig, NULL, NULL, NULL, &a) < 0)
        return -1;
    if (qemuMigrationAddressPrepare(&testConfig, NULL, NULL, NULL, &b) < 0) {
        qemuMigrationAddressRelease(&a);
        return -1;
    }
    if (a.port == b.port) {
        fprintf(stderr, "both got port %u\n", a.port);
        goto cleanup;
    }
    {
        unsigned int first = MIN(a.port, b.port);

        qemuMigrationAddressRelease(a.port == first ? &a : &b);
        if (qemuMigrationAddressPrepare(&testConfig, NULL, NULL, NULL, &c) < 0)
            goto cleanup;
        if (c.port != first)
            fprintf(stderr, "released port %u, then got %u\n", first, c.port);
        else
            rc = 0;
        qemuMigrationAddressRelease(&c);
    }
 cleanup:
    qemuMigrationAddressRelease(&a);
    qemuMigrationAddressRelease(&b);
    return rc;
}

/* A port given in two migrate_uri at once: the second is refused. */
static int
testPortTwice(const void *data G_GNUC_UNUSED)
{
    qemuMigrationAddress a, b;
    int rc;

    testConfig.migrationHost = NULL;
    testConfig.migrationAddress = NULL;
    if (qemuMigrationAddressPrepare(&testConfig, "tcp://192.0.2.12:50200", NULL, NULL, &a) < 0)
        return -1;
    if (qemuMigrationAddressPrepare(&testConfig, "tcp://192.0.2.12:50200", NULL, NULL, &b) == 0) {
        fprintf(stderr, "port 50200 given twice\n");
        qemuMigrationAddressRelease(&b);
        qemuMigrationAddressRelease(&a);
        return -1;
    }
    rc = virTestExpectError("port twice", "port 50200 is already used by another migration");
    qemuMigrationAddressRelease(&a);
    return rc;
}

/* A port another process listens on is skipped; a range of only such
 * ports is full. */
static int
testListenedOn(const void *data G_GNUC_UNUSED)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
    socklen_t len = sizeof(sa);
    unsigned int port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int rc = -1;

    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        fprintf(stderr, "cannot listen on a port\n");
        goto cleanup;
    }
    port = ntohs(sa.sin_port);
    if (virPortAllocatorAcquire(port, port, "test", &port) == 0) {
        fprintf(stderr, "port %u, listened on, was given\n", port);
        virPortAllocatorRelease(port);
        goto cleanup;
    }
    rc = virTestExpectError("a listened port", "no free port for the test");
 cleanup:
    if (fd >= 0)
        close(fd);
    return rc;
}

/* qemu.conf: the keys read, their defaults, and the values refused. */
static int
testConfigKeys(const void *data G_GNUC_UNUSED)
{
    static const struct {
        const char *conf;
        const char *error;
    } refused[] = {
        { "migration_host = \"localhost\"\n", "migration_host = \"localhost\" names this machine only" },
        { "migration_address = \"127.0.0.1\"\n", "migration_address = \"127.0.0.1\" names this machine only" },
        { "migration_address = \"::1\"\n", "names this machine only" },
        { "migration_port_min = 50000\nmigration_port_max = 49999\n", "must be a range of ports" },
        { "migration_port_max = 70000\n", "must be a range of ports" },
    };
    g_autofree char *root = g_dir_make_tmp("qemumigaddr.XXXXXX", NULL);
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    g_autofree char *conf = g_build_filename(etc, "qemu.conf", NULL);
    virQEMUDriverConfig *cfg;
    size_t i;
    int rc = -1;

    if (!root || g_mkdir_with_parents(etc, 0700) < 0)
        return -1;
    if (!(cfg = virQEMUDriverConfigNew(root))) {
        fprintf(stderr, "defaults: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (cfg->migrationHost || cfg->migrationAddress ||
        cfg->migrationPortMin != 49152 || cfg->migrationPortMax != 49215) {
        fprintf(stderr, "defaults: host %s address %s ports %u-%u\n", NULLSTR(cfg->migrationHost),
                NULLSTR(cfg->migrationAddress), cfg->migrationPortMin, cfg->migrationPortMax);
        virQEMUDriverConfigFree(cfg);
        goto cleanup;
    }
    virQEMUDriverConfigFree(cfg);
    if (!g_file_set_contents(conf, "migration_host = \"hosta.example\"\n"
                             "migration_address = \"192.0.2.11\"\n"
                             "migration_port_min = 50000\nmigration_port_max = 50010\n", -1, NULL))
        goto cleanup;
    if (!(cfg = virQEMUDriverConfigNew(root)) || STRNEQ_NULLABLE(cfg->migrationHost, "hosta.example") ||
        STRNEQ_NULLABLE(cfg->migrationAddress, "192.0.2.11") ||
        cfg->migrationPortMin != 50000 || cfg->migrationPortMax != 50010) {
        fprintf(stderr, "set: %s\n", cfg ? "wrong values" : virGetLastErrorMessage());
        virQEMUDriverConfigFree(cfg);
        goto cleanup;
    }
    virQEMUDriverConfigFree(cfg);
    for (i = 0; i < G_N_ELEMENTS(refused); i++) {
        if (!g_file_set_contents(conf, refused[i].conf, -1, NULL))
            goto cleanup;
        if ((cfg = virQEMUDriverConfigNew(root))) {
            fprintf(stderr, "accepted: %s", refused[i].conf);
            virQEMUDriverConfigFree(cfg);
            goto cleanup;
        }
        if (virTestExpectError(refused[i].conf, refused[i].error) < 0)
            goto cleanup;
    }
    rc = 0;
 cleanup:
    virFileDeleteTree(root);
    return rc;
}

static int
mymain(void)
{
    static const testCase cases[] = {
        { "no migrate_uri: the hostname", NULL, "192.0.2.12", NULL, NULL,
          "tcp:hostb.example:%u", "tcp:192.0.2.12:%u", NULL, NULL },
        { "no migrate_uri: migration_host", "192.0.2.12", "192.0.2.12", NULL, NULL,
          "tcp:192.0.2.12:%u", "tcp:192.0.2.12:%u", NULL, NULL },
        { "no migrate_uri: an IPv6 migration_host", "2001:db8::12", "2001:db8::12", NULL, NULL,
          "tcp:[2001:db8::12]:%u", "tcp:[2001:db8::12]:%u", NULL, NULL },
        { "tcp://HOST gets a port", NULL, "192.0.2.12", "tcp://192.0.2.12", NULL,
          "tcp://192.0.2.12:%u", "tcp:192.0.2.12:%u", NULL, NULL },
        { "tcp:HOST (old form) gets a port", NULL, "192.0.2.12", "tcp:192.0.2.12", NULL,
          "tcp:192.0.2.12:%u", "tcp:192.0.2.12:%u", NULL, NULL },
        { "tcp://[IPv6] gets a port", NULL, "2001:db8::12", "tcp://[2001:db8::12]", NULL,
          "tcp://[2001:db8::12]:%u", "tcp:[2001:db8::12]:%u", NULL, NULL },
        { "tcp://HOST:PORT keeps its port", NULL, "192.0.2.12", "tcp://192.0.2.12:50123", NULL,
          "tcp://192.0.2.12:50123", "tcp:192.0.2.12:50123", NULL, NULL },
        { "listen_address of the source first", NULL, "192.0.2.12", NULL, "192.0.2.99",
          "tcp:hostb.example:%u", "tcp:192.0.2.99:%u", NULL, NULL },
        { "listen_address :: in brackets", NULL, NULL, NULL, "::",
          "tcp:hostb.example:%u", "tcp:[::]:%u", NULL, NULL },
        { "unix:/PATH", NULL, NULL, "unix:/run/mig.sock", NULL,
          "unix:/run/mig.sock", "unix:/run/mig.sock", NULL, NULL },
        { "refused: rdma", NULL, NULL, "rdma://192.0.2.12", NULL, NULL, NULL,
          "migration URI 'rdma://192.0.2.12' is not supported", NULL },
        { "refused: no host", NULL, NULL, "tcp://", NULL, NULL, NULL, "has no host", NULL },
        { "refused: port 0", NULL, NULL, "tcp://192.0.2.12:0", NULL, NULL, NULL,
          "has an invalid port '0'", NULL },
        { "refused: port 70000", NULL, NULL, "tcp://192.0.2.12:70000", NULL, NULL, NULL,
          "has an invalid port '70000'", NULL },
        { "refused: IPv6 without ]", NULL, NULL, "tcp://[2001:db8::12", NULL, NULL, NULL,
          "without its ']'", NULL },
        { "refused: a relative socket", NULL, NULL, "unix:mig.sock", NULL, NULL, NULL,
          "needs an absolute socket path", NULL },
        { "refused: hostname localhost without migration_host", NULL, NULL, NULL, NULL, NULL,
          NULL, "resolved to localhost", "localhost.localdomain" },
        { "hostname localhost with migration_host", "192.0.2.12", "192.0.2.12", NULL, NULL,
          "tcp:192.0.2.12:%u", "tcp:192.0.2.12:%u", NULL, "localhost.localdomain" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        virTestRun(cases[i].title, testPrepare, &cases[i]);
    {
        static const testForQEMU forQEMU[] = {
            { "tcp://127.0.0.1:49152", "tcp:127.0.0.1:49152" },
            { "tcp://hostb.example:49153/", "tcp:hostb.example:49153" },
            { "tcp://[2001:db8::2]:49152", "tcp:[2001:db8::2]:49152" },
            { "tcp:192.0.2.12:49152", "tcp:192.0.2.12:49152" },
            { "unix:/run/m.sock", "unix:/run/m.sock" },
        };

        for (i = 0; i < G_N_ELEMENTS(forQEMU); i++) {
            g_autofree char *title = g_strdup_printf("for QEMU: %s", forQEMU[i].uri);

            virTestRun(title, testAddressForQEMU, &forQEMU[i]);
        }
    }
    virTestRun("two migrations at once get two ports", testTwoAtOnce, NULL);
    virTestRun("a port somebody listens on is skipped", testListenedOn, NULL);
    virTestRun("a port of a migrate_uri in use is refused", testPortTwice, NULL);
    virTestRun("qemu.conf: migration_host, _address, _port_min/max", testConfigKeys, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
