/*
 * qemumigrationcookietest.c: the migration cookie, read from libvirt 9.0
 * (cookies of a real p2p migration between two libvirtd), written and
 * read back with our <teaming> element, and refused for each reason a
 * receiver refuses one.
 */
#include "internal.h"

#include "qemu/qemu_migration_cookie.h"
#include "testutils.h"
#include "viruuid.h"

#define DOM_UUID "5a0c7e61-3f0e-4c5e-9d3b-7f1e2d3c4b5a"
#define SRC_HOST "3f1c2a4e-8b7d-4c21-9e55-0a1b2c3d4e5f"
#define DST_HOST "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"

/* What prepare reads in libvirt 9.0 */
#define PREPARE_READS \
    ((1U << QEMU_MIGRATION_COOKIE_LOCKSTATE) | (1U << QEMU_MIGRATION_COOKIE_NBD) | \
     (1U << QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG) | (1U << QEMU_MIGRATION_COOKIE_CPU_HOTPLUG) | \
     (1U << QEMU_MIGRATION_COOKIE_CPU) | (1U << QEMU_MIGRATION_COOKIE_CAPS) | \
     (1U << QEMU_MIGRATION_COOKIE_BLOCK_DIRTY_BITMAPS))
/* ... and confirm */
#define CONFIRM_READS (1U << QEMU_MIGRATION_COOKIE_STATS)

static void
testUUID(const char *str, unsigned char *uuid)
{
    g_assert(virUUIDParse(str, uuid) == 0);
}

/* The cookie in tests/qemumigrationcookiedata/@file, as sent (with its
 * NUL), parsed by @host for d1 in a phase reading @reads. */
static qemuMigrationCookie *
testParseFile(const char *file, const char *host, unsigned int reads)
{
    g_autofree char *path = g_strdup_printf("qemumigrationcookiedata/%s", file);
    g_autofree char *abs = virTestSrcPath(path);
    g_autofree char *data = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN], hostuuid[VIR_UUID_BUFLEN];
    size_t len;
    bool empty;
    qemuMigrationCookie *cookie;

    if (!g_file_get_contents(abs, &data, &len, NULL)) {
        fprintf(stderr, "cannot read %s\n", abs);
        return NULL;
    }
    testUUID(DOM_UUID, uuid);
    testUUID(host, hostuuid);
    if (!(cookie = qemuMigrationCookieParse(data, len + 1, "d1", uuid, hostuuid, reads, &empty)))
        fprintf(stderr, "%s: %s\n", file, virGetLastErrorMessage());
    return cookie;
}

static int
testLibvirtBegin(const void *data G_GNUC_UNUSED)
{
    g_autoptr(qemuMigrationCookie) cookie = testParseFile("libvirt-begin.xml", DST_HOST,
                                                          PREPARE_READS);
    unsigned char hostuuid[VIR_UUID_BUFLEN];
    const qemuMigrationCookieCap *cap;

    if (!cookie)
        return -1;
    testUUID(SRC_HOST, hostuuid);
    if (STRNEQ(cookie->name, "d1") || STRNEQ(cookie->hostname, "vm") ||
        memcmp(cookie->hostuuid, hostuuid, VIR_UUID_BUFLEN) != 0) {
        fprintf(stderr, "name/hostname/hostuuid wrong: %s %s\n", cookie->name, cookie->hostname);
        return -1;
    }
    if (cookie->mandatory != 1U << QEMU_MIGRATION_COOKIE_LOCKSTATE) {
        fprintf(stderr, "mandatory features 0x%x, expected lockstate alone\n", cookie->mandatory);
        return -1;
    }
    if (!cookie->caps || cookie->caps->len != 11) {
        fprintf(stderr, "%u capabilities, expected 11\n", cookie->caps ? cookie->caps->len : 0);
        return -1;
    }
    cap = &g_array_index(cookie->caps, qemuMigrationCookieCap, 5);
    if (STRNEQ(cap->name, "pause-before-switchover") || !cap->automatic ||
        g_array_index(cookie->caps, qemuMigrationCookieCap, 0).automatic) {
        fprintf(stderr, "capability 5 is %s auto=%d\n", cap->name, cap->automatic);
        return -1;
    }
    if (cookie->stats || cookie->teaming) {
        fprintf(stderr, "statistics or teaming found in a cookie without them\n");
        return -1;
    }
    return 0;
}

static int
testLibvirtFinishReply(const void *data G_GNUC_UNUSED)
{
    g_autoptr(qemuMigrationCookie) cookie = testParseFile("libvirt-finish-reply.xml", SRC_HOST,
                                                          CONFIRM_READS);
    const qemuMigrationCookieStat *s;

    if (!cookie)
        return -1;
    if (!cookie->stats || cookie->stats->len != 23) {
        fprintf(stderr, "%u statistics, expected 23\n", cookie->stats ? cookie->stats->len : 0);
        return -1;
    }
    s = &g_array_index(cookie->stats, qemuMigrationCookieStat, 3);
    if (STRNEQ(s->name, "delta") || s->value != 2) {
        fprintf(stderr, "statistic 3 is %s = %lld, expected delta = 2\n", s->name, s->value);
        return -1;
    }
    s = &g_array_index(cookie->stats, qemuMigrationCookieStat, 0);
    if (STRNEQ(s->name, "started") || s->value != 1796415649389LL) {
        fprintf(stderr, "statistic 0 is %s = %lld\n", s->name, s->value);
        return -1;
    }
    return 0;
}

static qemuMigrationCookie *
testOurCookie(void)
{
    unsigned char uuid[VIR_UUID_BUFLEN], hostuuid[VIR_UUID_BUFLEN];
    qemuMigrationCookie *cookie;

    testUUID(DOM_UUID, uuid);
    testUUID(DST_HOST, hostuuid);
    cookie = qemuMigrationCookieNew("d1", uuid, "host-b", hostuuid);
    qemuMigrationCookieAddCap(cookie, "pause-before-switchover", true);
    qemuMigrationCookieAddCap(cookie, "xbzrle", false);
    qemuMigrationCookieAddStat(cookie, "time_elapsed", 120);
    qemuMigrationCookieAddStat(cookie, "delta", -3);
    qemuMigrationCookieAddTeamingPair(cookie, "ua-standby0", "ua-primary0", "vfpool", true,
                                      "0000:03:10.2");
    qemuMigrationCookieAddTeamingPair(cookie, "ua-standby1", "ua-primary1", NULL, false, NULL);
    qemuMigrationCookieSetEmbedded(cookie, "/srv/b&c", "0d4c8a1e-2b3f-4e5d-9a6b-7c8d9e0f1a2b");
    qemuMigrationCookieSetDaemon(cookie, "qemu+tls://[2001:db8::2]:16514/system");
    return cookie;
}

/* Ours, formatted (golden file) and read back by the other host. */
static int
testTeamingRoundTrip(const void *data G_GNUC_UNUSED)
{
    g_autoptr(qemuMigrationCookie) cookie = testOurCookie();
    g_autoptr(qemuMigrationCookie) back = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *golden = virTestSrcPath("qemumigrationcookiedata/teaming-prepare-reply.xml");
    const qemuMigrationCookieTeamingPair *p;
    unsigned char srchost[VIR_UUID_BUFLEN];
    size_t len;
    bool empty;

    xml = qemuMigrationCookieFormat(cookie, &len);
    if (len != strlen(xml) + 1) {
        fprintf(stderr, "length %zu does not count the NUL of %zu bytes\n", len, strlen(xml));
        return -1;
    }
    if (virTestCompareToFile(xml, golden) < 0)
        return -1;
    testUUID(SRC_HOST, srchost);
    if (!(back = qemuMigrationCookieParse(xml, len, "d1", cookie->uuid, srchost,
                                          PREPARE_READS, &empty))) {
        fprintf(stderr, "read back: %s\n", virGetLastErrorMessage());
        return -1;
    }
    if (!back->teaming || back->teaming->len != 2 || !back->stats || back->stats->len != 2 ||
        !back->caps || back->caps->len != 2) {
        fprintf(stderr, "read back: pairs, stats or caps missing\n");
        return -1;
    }
    p = &g_array_index(back->teaming, qemuMigrationCookieTeamingPair, 0);
    if (STRNEQ(p->standby, "ua-standby0") || STRNEQ(p->primary, "ua-primary0") ||
        STRNEQ_NULLABLE(p->network, "vfpool") || !p->negotiated ||
        STRNEQ_NULLABLE(p->vf, "0000:03:10.2")) {
        fprintf(stderr, "read back: first pair differs\n");
        return -1;
    }
    p = &g_array_index(back->teaming, qemuMigrationCookieTeamingPair, 1);
    if (p->network || p->vf || p->negotiated) {
        fprintf(stderr, "read back: second pair has network, vf or negotiated\n");
        return -1;
    }
    if (STRNEQ_NULLABLE(back->embedRoot, "/srv/b&c") ||
        STRNEQ_NULLABLE(back->embedProcess, "0d4c8a1e-2b3f-4e5d-9a6b-7c8d9e0f1a2b")) {
        fprintf(stderr, "read back: <embedded> differs\n");
        return -1;
    }
    if (STRNEQ_NULLABLE(back->daemonURI, "qemu+tls://[2001:db8::2]:16514/system")) {
        fprintf(stderr, "read back: <daemon> differs: '%s'\n", NULLSTR(back->daemonURI));
        return -1;
    }
    if (g_array_index(back->stats, qemuMigrationCookieStat, 1).value != -3) {
        fprintf(stderr, "read back: delta is not -3\n");
        return -1;
    }
    return 0;
}

typedef struct {
    const char *title;
    const char *edit;           /* text of our cookie to replace ... */
    const char *with;           /* ... by this; NULL: no edit */
    ssize_t len;                /* length to pass, -1: the right one */
    const char *name;           /* domain the receiver expects, NULL: d1 */
    const char *host;           /* the receiver's host UUID, NULL: the source's */
    unsigned int reads;         /* 0: PREPARE_READS */
    const char *error;
} testRefusal;

static int
testRefused(const void *data)
{
    const testRefusal *t = data;
    g_autoptr(qemuMigrationCookie) cookie = testOurCookie();
    g_autoptr(qemuMigrationCookie) parsed = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *edited = NULL;
    unsigned char hostuuid[VIR_UUID_BUFLEN];
    size_t len;
    bool empty;

    xml = qemuMigrationCookieFormat(cookie, &len);
    if (t->with) {
        g_auto(GStrv) parts = g_strsplit(xml, t->edit, 2);

        if (!parts[1]) {
            fprintf(stderr, "'%s' is not in the cookie\n", t->edit);
            return -1;
        }
        edited = g_strjoin(t->with, parts[0], parts[1], NULL);
        len = strlen(edited) + 1;
    }
    testUUID(t->host ? t->host : SRC_HOST, hostuuid);
    parsed = qemuMigrationCookieParse(edited ? edited : xml, t->len >= 0 ? (size_t)t->len : len,
                                      t->name ? t->name : "d1", cookie->uuid, hostuuid,
                                      t->reads ? t->reads : PREPARE_READS, &empty);
    if (parsed || empty) {
        fprintf(stderr, "accepted\n");
        return -1;
    }
    return virTestExpectError(t->title, t->error);
}

static int
testEmpty(const void *data G_GNUC_UNUSED)
{
    unsigned char uuid[VIR_UUID_BUFLEN], hostuuid[VIR_UUID_BUFLEN];
    bool empty = false;

    testUUID(DOM_UUID, uuid);
    testUUID(SRC_HOST, hostuuid);
    if (qemuMigrationCookieParse(NULL, 0, "d1", uuid, hostuuid, 0, &empty) || !empty ||
        virGetLastErrorCode() != VIR_ERR_OK) {
        fprintf(stderr, "an empty cookie is not taken as 'nothing to say'\n");
        return -1;
    }
    return 0;
}

/* A NUL before the end: the length says more than the string holds. */
static int
testNulInside(const void *data G_GNUC_UNUSED)
{
    g_autoptr(qemuMigrationCookie) cookie = testOurCookie();
    g_autoptr(qemuMigrationCookie) parsed = NULL;
    unsigned char hostuuid[VIR_UUID_BUFLEN];
    g_autofree char *xml = NULL;
    size_t len;
    bool empty;

    xml = qemuMigrationCookieFormat(cookie, &len);
    xml[len / 2] = '\0';
    testUUID(SRC_HOST, hostuuid);
    if ((parsed = qemuMigrationCookieParse(xml, len, "d1", cookie->uuid, hostuuid,
                                           PREPARE_READS, &empty))) {
        fprintf(stderr, "accepted\n");
        return -1;
    }
    return virTestExpectError("a NUL inside", "not a NUL-terminated string");
}

static int
mymain(void)
{
    static const testRefusal refusals[] = {
        { "no terminating NUL", NULL, NULL, 100, NULL, NULL, 0, "not a NUL-terminated string" },
        { "not XML", "</qemu-migration>", "</qemu-migr", -1, NULL, NULL, 0, "migration cookie" },
        { "no name", "<name>d1</name>", "", -1, NULL, NULL, 0, "no <name> element" },
        { "no host UUID", "<hostuuid>" DST_HOST "</hostuuid>", "", -1, NULL, NULL, 0,
          "no <hostuuid> element" },
        { "bad UUID", DOM_UUID, "5a0c7e61-zzzz", -1, NULL, NULL, 0, "malformed <uuid>" },
        { "another domain", NULL, NULL, -1, "d2", NULL, 0, "is for domain 'd1', not 'd2'" },
        { "another UUID", DOM_UUID, "5a0c7e61-3f0e-4c5e-9d3b-7f1e2d3c4b5b", -1, NULL, NULL, 0,
          "has UUID 5a0c7e61-3f0e-4c5e-9d3b-7f1e2d3c4b5b, not the domain's" },
        { "the same host", NULL, NULL, -1, NULL, DST_HOST, 0,
          "Attempt to migrate guest to the same host " DST_HOST },
        { "an unknown mandatory feature", "<statistics>", "<feature name='teleport'/>\n<statistics>",
          -1, NULL, NULL, 0, "requires feature 'teleport', which this host does not know" },
        { "a feature this phase does not read", "<statistics>",
          "<feature name='nbd'/>\n<statistics>", -1, NULL, NULL, CONFIRM_READS,
          "requires feature 'nbd', which this phase of the migration does not take" },
        { "a malformed statistic", "<delta>-3</delta>", "<delta>soon</delta>", -1, NULL, NULL, 0,
          "malformed statistic <delta> 'soon'" },
        { "a teaming pair without its primary", " primary='ua-primary1'", "", -1, NULL, NULL, 0,
          "primary" },
    };
    size_t i;

    virTestRun("libvirt 9.0's begin cookie, read by prepare", testLibvirtBegin, NULL);
    virTestRun("libvirt 9.0's finish reply, read by confirm", testLibvirtFinishReply, NULL);
    virTestRun("teaming pairs, stats and caps: written and read back", testTeamingRoundTrip, NULL);
    virTestRun("an empty cookie says nothing", testEmpty, NULL);
    virTestRun("refused: a NUL inside", testNulInside, NULL);
    for (i = 0; i < G_N_ELEMENTS(refusals); i++) {
        g_autofree char *title = g_strdup_printf("refused: %s", refusals[i].title);

        virTestRun(title, testRefused, &refusals[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
