/*
 * virxml.c: libxml2 helpers: safe parsing, XPath lookups, RelaxNG validation
 */
#include "internal.h"

#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "virerror.h"
#include "virstring.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_XML

typedef struct {
    const char *what;
    GString *msg;
} virXMLParseErrorCtxt;

static void
virXMLCollectError(void *userData, const xmlError *error)
{
    virXMLParseErrorCtxt *pctxt = userData;

    if (!error || pctxt->msg->len)
        return;   /* keep the first, most relevant, error */
    g_string_printf(pctxt->msg, "%s:%d: %s", pctxt->what, error->line,
                    error->message ? error->message : _("unknown error"));
    while (pctxt->msg->len && g_ascii_isspace(pctxt->msg->str[pctxt->msg->len - 1]))
        g_string_truncate(pctxt->msg, pctxt->msg->len - 1);
}

static void
virXMLStructuredErrorHandler(void *userData, xmlErrorPtr error)
{
    virXMLCollectError(userData, error);
}

xmlDocPtr
virXMLParseStringCtxt(const char *xmlStr,
                      const char *what,
                      const char *rootName,
                      xmlXPathContextPtr *ctxt)
{
    g_autoptr(GString) msg = g_string_new(NULL);
    virXMLParseErrorCtxt pctxt = { what, msg };
    xmlParserCtxtPtr pc;
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr root;

    if (!xmlStr || !*xmlStr) {
        virReportError(VIR_ERR_XML_ERROR, _("empty %s"), what);
        return NULL;
    }

    if (!(pc = xmlNewParserCtxt())) {
        virReportOOMError();
        return NULL;
    }
    /* errors go to the per-thread structured handler, with our context
     * (the SAX callbacks would get the parser context instead) */
    xmlSetStructuredErrorFunc(&pctxt, virXMLStructuredErrorHandler);

    doc = xmlCtxtReadMemory(pc, xmlStr, strlen(xmlStr), NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(pc);

    if (!doc) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       msg->len ? msg->str : _("failed to parse XML document"));
        return NULL;
    }

    if (!(root = xmlDocGetRootElement(doc))) {
        virReportError(VIR_ERR_XML_ERROR, _("missing root element in %s"), what);
        return NULL;
    }
    if (rootName && !xmlStrEqual(root->name, BAD_CAST rootName)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("expected root element <%s> in %s, found <%s>"),
                       rootName, what, (const char *)root->name);
        return NULL;
    }

    if (ctxt) {
        if (!(*ctxt = xmlXPathNewContext(doc))) {
            virReportOOMError();
            return NULL;
        }
        (*ctxt)->node = root;
    }
    return g_steal_pointer(&doc);
}

char *
virXMLPropString(xmlNodePtr node, const char *name)
{
    xmlChar *val = xmlGetNoNsProp(node, BAD_CAST name);
    char *ret;

    if (!val)
        return NULL;
    ret = g_strdup((const char *)val);
    xmlFree(val);
    return ret;
}

char *
virXMLPropStringRequired(xmlNodePtr node, const char *name)
{
    char *ret = virXMLPropString(node, name);

    if (!ret || !*ret) {
        g_free(ret);
        virReportError(VIR_ERR_XML_ERROR,
                       _("missing required attribute '%s' in element '%s'"),
                       name, (const char *)node->name);
        return NULL;
    }
    return ret;
}

int
virXMLPropUInt(xmlNodePtr node, const char *name, int base,
               unsigned int max, unsigned int *result)
{
    g_autofree char *val = virXMLPropString(node, name);
    unsigned int num;
    const char *p;

    if (!val)
        return 0;
    p = val;
    while (g_ascii_isspace(*p))
        p++;
    if (virStrToLong_ui(p, NULL, base, &num) < 0 || num > max)
        goto error;
    *result = num;
    return 1;

 error:
    virReportError(VIR_ERR_XML_ERROR,
                   _("invalid value '%s' for attribute '%s' in element '%s': expected an integer from 0 to %u"),
                   val, name, (const char *)node->name, max);
    return -1;
}

int
virXMLPropYesNo(xmlNodePtr node, const char *name, bool *result)
{
    g_autofree char *val = virXMLPropString(node, name);

    if (!val)
        return 0;
    if (STREQ(val, "yes") || STREQ(val, "on")) {
        *result = true;
        return 1;
    }
    if (STREQ(val, "no") || STREQ(val, "off")) {
        *result = false;
        return 1;
    }
    virReportError(VIR_ERR_XML_ERROR,
                   _("invalid value '%s' for attribute '%s' in element '%s': expected 'yes' or 'no'"),
                   val, name, (const char *)node->name);
    return -1;
}

int
virXMLPropEnum(xmlNodePtr node, const char *name,
               int (*fromString)(const char *), int minval, int *result)
{
    g_autofree char *val = virXMLPropString(node, name);
    int v;

    if (!val)
        return 0;
    if ((v = fromString(val)) < minval) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid value '%s' for attribute '%s' in element '%s'"),
                       val, name, (const char *)node->name);
        return -1;
    }
    *result = v;
    return 1;
}

static xmlXPathObjectPtr
virXPathEval(const char *xpath, xmlXPathContextPtr ctxt)
{
    return xmlXPathEval(BAD_CAST xpath, ctxt);
}

/*
 * Most lookups in the parsers are plain child paths ("./a/b", "./a/@attr",
 * "string(./a)"). Compiling and running an XPath expression for each costs
 * more than the rest of the parse, so such paths are walked directly over
 * the tree with the same result XPath would give; anything else goes to
 * libxml2's XPath engine.
 */
typedef struct {
    const char *path;     /* after "./", without the string() wrapper */
    size_t len;
    bool isString;
} virXPathSimple;

static bool
virXPathSimpleParse(const char *xpath, virXPathSimple *simple)
{
    const char *p;
    size_t len = strlen(xpath);

    simple->isString = false;
    if (g_str_has_prefix(xpath, "string(") && len > 8 && xpath[len - 1] == ')') {
        simple->isString = true;
        xpath += 7;
        len -= 8;
    }
    if (len < 3 || xpath[0] != '.' || xpath[1] != '/')
        return false;
    simple->path = xpath + 2;
    simple->len = len - 2;
    for (p = simple->path; p < simple->path + simple->len; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '/' && *p != '@')
            return false;
        if (*p == '@' && (!simple->isString || (p != simple->path && p[-1] != '/') ||
                          memchr(p, '/', simple->path + simple->len - p)))
            return false;
    }
    return simple->path[simple->len - 1] != '/';
}

/* Children of @node matching the element steps of @path[0..len), in
 * document order, appended to @out (stop after the first if @first). */
static void
virXPathSimpleWalk(xmlNodePtr node, const char *path, size_t len,
                   bool first, GPtrArray *out)
{
    const char *slash = memchr(path, '/', len);
    size_t steplen = slash ? (size_t)(slash - path) : len;
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE ||
            strlen((const char *)cur->name) != steplen ||
            strncmp((const char *)cur->name, path, steplen) != 0)
            continue;
        if (slash)
            virXPathSimpleWalk(cur, slash + 1, len - steplen - 1, first, out);
        else
            g_ptr_array_add(out, cur);
        if (first && out->len)
            return;
    }
}

/* Returns true if @xpath was handled: *node is the first match (or NULL),
 * *attr the attribute name when the path ends in "@attr". */
static bool
virXPathSimpleFirst(const char *xpath, xmlXPathContextPtr ctxt,
                    xmlNodePtr *node, const char **attr, size_t *attrlen,
                    bool *isString)
{
    virXPathSimple simple;
    const char *at;
    size_t elemlen;
    g_autoptr(GPtrArray) out = NULL;

    if (!ctxt->node || !virXPathSimpleParse(xpath, &simple))
        return false;
    *isString = simple.isString;
    *attr = NULL;
    *node = ctxt->node;
    at = memchr(simple.path, '@', simple.len);
    elemlen = at ? (size_t)(at - simple.path) : simple.len;
    if (at) {
        *attr = at + 1;
        *attrlen = simple.len - elemlen - 1;
        if (elemlen == 0)
            return true;
        elemlen--;   /* the '/' before '@' */
    }
    out = g_ptr_array_new();
    virXPathSimpleWalk(ctxt->node, simple.path, elemlen, true, out);
    *node = out->len ? g_ptr_array_index(out, 0) : NULL;
    return true;
}

static char *
virXMLNodeRawContent(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret = g_strdup(content ? (const char *)content : "");

    xmlFree(content);
    return ret;
}

char *
virXPathString(const char *xpath, xmlXPathContextPtr ctxt)
{
    g_autoptr(xmlXPathObject) obj = NULL;
    xmlNodePtr node;
    const char *attr;
    size_t attrlen = 0;
    bool isString;

    if (virXPathSimpleFirst(xpath, ctxt, &node, &attr, &attrlen, &isString)) {
        g_autofree char *val = NULL;

        if (!node)
            return NULL;
        if (attr) {
            g_autofree char *name = g_strndup(attr, attrlen);

            val = virXMLPropString(node, name);
        } else {
            val = isString ? virXMLNodeRawContent(node) : virXMLNodeContentString(node);
        }
        if (isString && val && !*val)
            return NULL;
        return g_steal_pointer(&val);
    }

    if (!(obj = virXPathEval(xpath, ctxt)))
        return NULL;
    if (obj->type == XPATH_NODESET) {
        if (!obj->nodesetval || obj->nodesetval->nodeNr == 0)
            return NULL;
        return virXMLNodeContentString(obj->nodesetval->nodeTab[0]);
    }
    if (obj->type == XPATH_STRING && obj->stringval && obj->stringval[0])
        return g_strdup((const char *)obj->stringval);
    return NULL;
}

xmlNodePtr
virXPathNode(const char *xpath, xmlXPathContextPtr ctxt)
{
    g_autoptr(xmlXPathObject) obj = NULL;
    xmlNodePtr node;
    const char *attr;
    size_t attrlen;
    bool isString;

    if (virXPathSimpleFirst(xpath, ctxt, &node, &attr, &attrlen, &isString) &&
        !attr && !isString)
        return node;

    obj = virXPathEval(xpath, ctxt);
    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval ||
        obj->nodesetval->nodeNr == 0)
        return NULL;
    return obj->nodesetval->nodeTab[0];
}

int
virXPathNodeSet(const char *xpath, xmlXPathContextPtr ctxt, xmlNodePtr **list)
{
    g_autoptr(xmlXPathObject) obj = NULL;
    virXPathSimple simple;
    int n;

    if (list)
        *list = NULL;
    if (ctxt->node && virXPathSimpleParse(xpath, &simple) && !simple.isString) {
        g_autoptr(GPtrArray) out = g_ptr_array_new();

        virXPathSimpleWalk(ctxt->node, simple.path, simple.len, false, out);
        n = out->len;
        if (list && n > 0)
            *list = (xmlNodePtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
        return n;
    }

    if (!(obj = virXPathEval(xpath, ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot evaluate XPath expression '%s'"), xpath);
        return -1;
    }
    if (obj->type != XPATH_NODESET || !obj->nodesetval)
        return 0;
    n = obj->nodesetval->nodeNr;
    if (list && n > 0)
        *list = g_memdup2(obj->nodesetval->nodeTab, sizeof(xmlNodePtr) * n);
    return n;
}

/* @str with its control characters written as \xNN, for messages */
static char *
virXMLEscapeControlChars(const char *str)
{
    GString *out = g_string_new(NULL);
    const char *p;

    for (p = str; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02x", (unsigned char)*p);
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

int
virXMLCheckIllegalChars(const char *what, const char *str, const char *illegal)
{
    g_autofree char *shown = NULL;
    const char *p;

    if (!str)
        return 0;
    for (p = str; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            shown = virXMLEscapeControlChars(str);
            virReportError(VIR_ERR_XML_DETAIL,
                           _("invalid char in %s: control character 0x%02x in '%s'; use printable characters only"),
                           what, (unsigned char)*p, shown);
            return -1;
        }
        if (illegal && strchr(illegal, *p)) {
            virReportError(VIR_ERR_XML_DETAIL,
                           _("invalid char in %s: '%c' in '%s'; remove it"),
                           what, *p, str);
            return -1;
        }
    }
    return 0;
}

char *
virXMLNodeContentString(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret;

    if (!content)
        return g_strdup("");
    ret = g_strstrip(g_strdup((const char *)content));
    xmlFree(content);
    return ret;
}

void
virXPathContextNodeRestore(virXPathContextNodeSave *save)
{
    if (save->ctxt)
        save->ctxt->node = save->node;
}

char *
virXMLNodeWhere(xmlNodePtr node)
{
    xmlChar *path = xmlGetNodePath(node);
    long line = xmlGetLineNo(node);
    char *ret;

    if (line > 0)
        ret = g_strdup_printf(_(" (at %s, line %ld)"), path ? (const char *)path : "?", line);
    else
        ret = g_strdup_printf(_(" (at %s)"), path ? (const char *)path : "?");
    xmlFree(path);
    return ret;
}

/* Parsed schemas, by file name; parsing a schema costs milliseconds. */
static GHashTable *schemaCache;
G_LOCK_DEFINE_STATIC(schemaCache);

static void
virXMLSchemaFree(gpointer data)
{
    xmlRelaxNGFree(data);
}

static xmlRelaxNGPtr
virXMLSchemaGet(const char *schemafile)
{
    xmlRelaxNGPtr schema;
    xmlRelaxNGParserCtxtPtr pctxt;

    G_LOCK(schemaCache);
    if (!schemaCache)
        schemaCache = g_hash_table_new_full(g_str_hash, g_str_equal,
                                            g_free, virXMLSchemaFree);
    if ((schema = g_hash_table_lookup(schemaCache, schemafile))) {
        G_UNLOCK(schemaCache);
        return schema;
    }
    if (!(pctxt = xmlRelaxNGNewParserCtxt(schemafile)) ||
        !(schema = xmlRelaxNGParse(pctxt))) {
        if (pctxt)
            xmlRelaxNGFreeParserCtxt(pctxt);
        G_UNLOCK(schemaCache);
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot load RelaxNG schema '%s'"), schemafile);
        return NULL;
    }
    xmlRelaxNGFreeParserCtxt(pctxt);
    g_hash_table_insert(schemaCache, g_strdup(schemafile), schema);
    G_UNLOCK(schemaCache);
    return schema;
}

/* Every RelaxNG error, one per line, each with where it happened. */
static void
virXMLCollectSchemaError(void *userData, xmlErrorPtr error)
{
    GString *msg = userData;
    xmlNodePtr node;
    g_autofree char *text = NULL;

    if (!error || !error->message)
        return;
    text = g_strstrip(g_strdup(error->message));
    node = error->node;
    if (node && node->type == XML_ELEMENT_NODE) {
        g_autofree char *where = virXMLNodeWhere(node);

        g_string_append_printf(msg, "\n%s%s", text, where);
    } else if (error->line > 0) {
        g_string_append_printf(msg, _("\n%s (at line %d)"), text, error->line);
    } else {
        g_string_append_printf(msg, "\n%s", text);
    }
}

int
virXMLValidateAgainstSchema(const char *schemafile, xmlDocPtr doc)
{
    g_autoptr(GString) msg = g_string_new(NULL);
    xmlRelaxNGPtr schema;
    xmlRelaxNGValidCtxtPtr vctxt;
    int rc;

    if (!(schema = virXMLSchemaGet(schemafile)))
        return -1;
    if (!(vctxt = xmlRelaxNGNewValidCtxt(schema))) {
        virReportOOMError();
        return -1;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, virXMLCollectSchemaError, msg);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    if (rc != 0) {
        /* libvirt's shape: the schema, then libxml2's messages a line each */
        virReportError(VIR_ERR_XML_INVALID_SCHEMA,
                       _("Unable to validate doc against %s%s"),
                       schemafile, msg->str);
        return -1;
    }
    return 0;
}
