/*
 * qemu_migration_cookie.c: the cookie the two sides of a migration pass
 * each other (see the header)
 */
#include "internal.h"

#include "qemu_migration_cookie.h"
#include "virbuffer.h"
#include "virerror.h"
#include "virstring.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_ENUM_IMPL(qemuMigrationCookieFeature, QEMU_MIGRATION_COOKIE_FEATURE_LAST,
              "graphics", "lockstate", "persistent", "network", "nbd", "statistics",
              "memory-hotplug", "cpu-hotplug", "cpu", "allowReboot", "capabilities",
              "block-dirty-bitmaps");

static void
qemuMigrationCookieCapClear(gpointer data)
{
    g_free(((qemuMigrationCookieCap *)data)->name);
}

static void
qemuMigrationCookieStatClear(gpointer data)
{
    g_free(((qemuMigrationCookieStat *)data)->name);
}

static void
qemuMigrationCookieTeamingPairClear(gpointer data)
{
    qemuMigrationCookieTeamingPair *pair = data;

    g_free(pair->standby);
    g_free(pair->primary);
    g_free(pair->network);
    g_free(pair->vf);
}

qemuMigrationCookie *
qemuMigrationCookieNew(const char *name, const unsigned char *uuid,
                       const char *hostname, const unsigned char *hostuuid)
{
    qemuMigrationCookie *cookie = g_new0(qemuMigrationCookie, 1);

    cookie->name = g_strdup(name);
    memcpy(cookie->uuid, uuid, VIR_UUID_BUFLEN);
    cookie->hostname = g_strdup(hostname);
    memcpy(cookie->hostuuid, hostuuid, VIR_UUID_BUFLEN);
    return cookie;
}

void
qemuMigrationCookieFree(qemuMigrationCookie *cookie)
{
    if (!cookie)
        return;
    g_free(cookie->name);
    g_free(cookie->hostname);
    g_clear_pointer(&cookie->caps, g_array_unref);
    g_clear_pointer(&cookie->stats, g_array_unref);
    g_clear_pointer(&cookie->teaming, g_array_unref);
    g_free(cookie->embedRoot);
    g_free(cookie->embedProcess);
    g_free(cookie->daemonURI);
    g_free(cookie);
}

/* *@array, made on first use with @clear for its elements. */
static GArray *
qemuMigrationCookieArray(GArray **array, size_t size, GDestroyNotify clear)
{
    if (!*array) {
        *array = g_array_new(FALSE, TRUE, size);
        g_array_set_clear_func(*array, clear);
    }
    return *array;
}

void
qemuMigrationCookieAddCap(qemuMigrationCookie *cookie, const char *name, bool automatic)
{
    qemuMigrationCookieCap cap = { g_strdup(name), automatic };

    g_array_append_val(qemuMigrationCookieArray(&cookie->caps, sizeof(cap),
                                                qemuMigrationCookieCapClear), cap);
}

void
qemuMigrationCookieAddStat(qemuMigrationCookie *cookie, const char *name, long long value)
{
    qemuMigrationCookieStat stat = { g_strdup(name), value };

    g_array_append_val(qemuMigrationCookieArray(&cookie->stats, sizeof(stat),
                                                qemuMigrationCookieStatClear), stat);
}

void
qemuMigrationCookieAddTeamingPair(qemuMigrationCookie *cookie, const char *standby,
                                  const char *primary, const char *network,
                                  bool negotiated, const char *vf)
{
    qemuMigrationCookieTeamingPair pair = {
        g_strdup(standby), g_strdup(primary), g_strdup(network), negotiated, g_strdup(vf),
    };

    g_array_append_val(qemuMigrationCookieArray(&cookie->teaming, sizeof(pair),
                                                qemuMigrationCookieTeamingPairClear), pair);
}

void
qemuMigrationCookieSetEmbedded(qemuMigrationCookie *cookie, const char *root,
                               const char *process)
{
    g_free(cookie->embedRoot);
    g_free(cookie->embedProcess);
    cookie->embedRoot = g_strdup(root);
    cookie->embedProcess = g_strdup(process);
}

void
qemuMigrationCookieSetDaemon(qemuMigrationCookie *cookie, const char *uri)
{
    g_free(cookie->daemonURI);
    cookie->daemonURI = g_strdup(uri);
}

char *
qemuMigrationCookieFormat(const qemuMigrationCookie *cookie, size_t *len)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    char *xml;
    size_t i;

    virBufferAddLit(&buf, "<qemu-migration>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<name>%s</name>\n", cookie->name);
    virBufferAsprintf(&buf, "<uuid>%s</uuid>\n", virUUIDFormat(cookie->uuid, uuidstr));
    virBufferEscapeString(&buf, "<hostname>%s</hostname>\n", cookie->hostname);
    virBufferAsprintf(&buf, "<hostuuid>%s</hostuuid>\n", virUUIDFormat(cookie->hostuuid, uuidstr));
    for (i = 0; i < QEMU_MIGRATION_COOKIE_FEATURE_LAST; i++) {
        if (cookie->mandatory & (1U << i))
            virBufferAsprintf(&buf, "<feature name='%s'/>\n",
                              qemuMigrationCookieFeatureTypeToString(i));
    }
    if (cookie->stats) {
        virBufferAddLit(&buf, "<statistics>\n");
        virBufferAdjustIndent(&buf, 2);
        for (i = 0; i < cookie->stats->len; i++) {
            const qemuMigrationCookieStat *s =
                &g_array_index(cookie->stats, qemuMigrationCookieStat, i);

            virBufferAsprintf(&buf, "<%s>%lld</%s>\n", s->name, s->value, s->name);
        }
        virBufferAdjustIndent(&buf, -2);
        virBufferAddLit(&buf, "</statistics>\n");
    }
    if (cookie->caps) {
        virBufferAddLit(&buf, "<capabilities>\n");
        virBufferAdjustIndent(&buf, 2);
        for (i = 0; i < cookie->caps->len; i++) {
            const qemuMigrationCookieCap *c = &g_array_index(cookie->caps, qemuMigrationCookieCap, i);

            virBufferEscapeString(&buf, "<cap name='%s'", c->name);
            virBufferAsprintf(&buf, " auto='%s'/>\n", c->automatic ? "yes" : "no");
        }
        virBufferAdjustIndent(&buf, -2);
        virBufferAddLit(&buf, "</capabilities>\n");
    }
    if (cookie->teaming) {
        virBufferAddLit(&buf, "<teaming>\n");
        virBufferAdjustIndent(&buf, 2);
        for (i = 0; i < cookie->teaming->len; i++) {
            const qemuMigrationCookieTeamingPair *p =
                &g_array_index(cookie->teaming, qemuMigrationCookieTeamingPair, i);

            virBufferEscapeString(&buf, "<pair standby='%s'", p->standby);
            virBufferEscapeString(&buf, " primary='%s'", p->primary);
            virBufferEscapeString(&buf, " network='%s'", p->network);
            virBufferAsprintf(&buf, " negotiated='%s'", p->negotiated ? "yes" : "no");
            virBufferEscapeString(&buf, " vf='%s'", p->vf);
            virBufferAddLit(&buf, "/>\n");
        }
        virBufferAdjustIndent(&buf, -2);
        virBufferAddLit(&buf, "</teaming>\n");
    }
    if (cookie->embedRoot) {
        virBufferEscapeString(&buf, "<embedded root='%s'", cookie->embedRoot);
        virBufferEscapeString(&buf, " process='%s'", cookie->embedProcess);
        virBufferAddLit(&buf, "/>\n");
    }
    virBufferEscapeString(&buf, "<daemon uri='%s'/>\n", cookie->daemonURI);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</qemu-migration>\n");
    xml = virBufferContentAndReset(&buf);
    *len = strlen(xml) + 1;
    return xml;
}

/* The UUID in the text of element @what, required. */
static int
qemuMigrationCookieParseUUID(xmlXPathContextPtr ctxt, const char *what, unsigned char *uuid)
{
    g_autofree char *xpath = g_strdup_printf("string(./%s[1])", what);
    g_autofree char *str = virXPathString(xpath, ctxt);

    if (!str || !*str) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration cookie has no <%s> element"), what);
        return -1;
    }
    if (virUUIDParse(str, uuid) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration cookie has a malformed <%s> '%s'"), what, str);
        return -1;
    }
    return 0;
}

static int
qemuMigrationCookieParseFeatures(qemuMigrationCookie *cookie, xmlXPathContextPtr ctxt,
                                 unsigned int readable)
{
    g_autofree xmlNodePtr *nodes = NULL;
    int n = virXPathNodeSet("./feature", ctxt, &nodes);
    int i;

    for (i = 0; i < n; i++) {
        g_autofree char *name = virXMLPropStringRequired(nodes[i], "name");
        int f;

        if (!name)
            return -1;
        if ((f = qemuMigrationCookieFeatureTypeFromString(name)) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("migration cookie requires feature '%s', which this host does not know"),
                           name);
            return -1;
        }
        if (!(readable & (1U << f))) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("migration cookie requires feature '%s', which this phase of the migration does not take"),
                           name);
            return -1;
        }
        cookie->mandatory |= 1U << f;
    }
    return n < 0 ? -1 : 0;
}

static int
qemuMigrationCookieParseStats(qemuMigrationCookie *cookie, xmlXPathContextPtr ctxt)
{
    xmlNodePtr stats = virXPathNode("./statistics", ctxt);
    xmlNodePtr child;

    if (!stats)
        return 0;
    qemuMigrationCookieArray(&cookie->stats, sizeof(qemuMigrationCookieStat),
                             qemuMigrationCookieStatClear);
    for (child = stats->children; child; child = child->next) {
        g_autofree char *text = NULL;
        long long value;

        if (child->type != XML_ELEMENT_NODE)
            continue;
        text = virXMLNodeContentString(child);
        if (!text || virStrToLong_ll(text, NULL, 10, &value) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("migration cookie has a malformed statistic <%s> '%s'"),
                           (const char *)child->name, NULLSTR(text));
            return -1;
        }
        qemuMigrationCookieAddStat(cookie, (const char *)child->name, value);
    }
    return 0;
}

static int
qemuMigrationCookieParseCaps(qemuMigrationCookie *cookie, xmlXPathContextPtr ctxt)
{
    g_autofree xmlNodePtr *nodes = NULL;
    int n = virXPathNodeSet("./capabilities/cap", ctxt, &nodes);
    int i;

    if (virXPathNode("./capabilities", ctxt))
        qemuMigrationCookieArray(&cookie->caps, sizeof(qemuMigrationCookieCap),
                                 qemuMigrationCookieCapClear);
    for (i = 0; i < n; i++) {
        g_autofree char *name = virXMLPropStringRequired(nodes[i], "name");
        bool automatic = false;

        if (!name || virXMLPropYesNo(nodes[i], "auto", &automatic) < 0)
            return -1;
        qemuMigrationCookieAddCap(cookie, name, automatic);
    }
    return n < 0 ? -1 : 0;
}

static int
qemuMigrationCookieParseTeaming(qemuMigrationCookie *cookie, xmlXPathContextPtr ctxt)
{
    g_autofree xmlNodePtr *nodes = NULL;
    int n = virXPathNodeSet("./teaming/pair", ctxt, &nodes);
    int i;

    if (virXPathNode("./teaming", ctxt))
        qemuMigrationCookieArray(&cookie->teaming, sizeof(qemuMigrationCookieTeamingPair),
                                 qemuMigrationCookieTeamingPairClear);
    for (i = 0; i < n; i++) {
        g_autofree char *standby = virXMLPropStringRequired(nodes[i], "standby");
        g_autofree char *primary = virXMLPropStringRequired(nodes[i], "primary");
        g_autofree char *network = virXMLPropString(nodes[i], "network");
        g_autofree char *vf = virXMLPropString(nodes[i], "vf");
        bool negotiated = false;

        if (!standby || !primary || virXMLPropYesNo(nodes[i], "negotiated", &negotiated) < 0)
            return -1;
        qemuMigrationCookieAddTeamingPair(cookie, standby, primary, network, negotiated, vf);
    }
    return n < 0 ? -1 : 0;
}

qemuMigrationCookie *
qemuMigrationCookieParse(const char *data, size_t len, const char *name,
                         const unsigned char *uuid, const unsigned char *localHostUUID,
                         unsigned int readable, bool *empty)
{
    g_autoptr(qemuMigrationCookie) cookie = g_new0(qemuMigrationCookie, 1);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *empty = len == 0;
    if (len == 0)
        return NULL;
    if (data[len - 1] != '\0' || strlen(data) != len - 1) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("migration cookie is not a NUL-terminated string"));
        return NULL;
    }
    if (!(doc = virXMLParseStringCtxt(data, _("migration cookie"), "qemu-migration", &ctxt)))
        return NULL;

    if (!(cookie->name = virXPathString("string(./name[1])", ctxt)) || !*cookie->name) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("migration cookie has no <name> element"));
        return NULL;
    }
    if (qemuMigrationCookieParseUUID(ctxt, "uuid", cookie->uuid) < 0)
        return NULL;
    if (!(cookie->hostname = virXPathString("string(./hostname[1])", ctxt)) ||
        !*cookie->hostname) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("migration cookie has no <hostname> element"));
        return NULL;
    }
    if (qemuMigrationCookieParseUUID(ctxt, "hostuuid", cookie->hostuuid) < 0)
        return NULL;

    if (STRNEQ(cookie->name, name)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration cookie is for domain '%s', not '%s'"), cookie->name, name);
        return NULL;
    }
    if (memcmp(cookie->uuid, uuid, VIR_UUID_BUFLEN) != 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration cookie of domain '%s' has UUID %s, not the domain's"),
                       name, virUUIDFormat(cookie->uuid, uuidstr));
        return NULL;
    }
    if (memcmp(cookie->hostuuid, localHostUUID, VIR_UUID_BUFLEN) == 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Attempt to migrate guest to the same host %s"),
                       virUUIDFormat(cookie->hostuuid, uuidstr));
        return NULL;
    }

    if (qemuMigrationCookieParseFeatures(cookie, ctxt, readable) < 0 ||
        qemuMigrationCookieParseStats(cookie, ctxt) < 0 ||
        qemuMigrationCookieParseCaps(cookie, ctxt) < 0 ||
        qemuMigrationCookieParseTeaming(cookie, ctxt) < 0)
        return NULL;
    {
        xmlNodePtr embedded = virXPathNode("./embedded", ctxt);

        if (embedded) {
            cookie->embedRoot = virXMLPropString(embedded, "root");
            cookie->embedProcess = virXMLPropString(embedded, "process");
        }
    }
    {
        xmlNodePtr daemon = virXPathNode("./daemon", ctxt);

        if (daemon)
            cookie->daemonURI = virXMLPropString(daemon, "uri");
    }
    return g_steal_pointer(&cookie);
}
