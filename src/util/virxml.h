/*
 * virxml.h: libxml2 helpers: safe parsing, XPath lookups, RelaxNG validation
 */
#pragma once

#include "internal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* Parse @xmlStr (never loading external entities or network resources).
 * @what names the document in errors ("domain definition"). If @rootName is
 * set, the root element must have that name. On success returns the
 * document and, if @ctxt is set, an XPath context positioned at the root. */
xmlDocPtr virXMLParseStringCtxt(const char *xmlStr,
                                const char *what,
                                const char *rootName,
                                xmlXPathContextPtr *ctxt);

/* String value of attribute @name, or NULL. */
char *virXMLPropString(xmlNodePtr node, const char *name);

/* Attribute @name that must be present and non-empty. */
char *virXMLPropStringRequired(xmlNodePtr node, const char *name);

/* Parse attribute @name as an unsigned integer in @base (0 = auto, accepts
 * 0x prefix). Returns 0 if absent (*result untouched), 1 if parsed,
 * -1 with an error reported if malformed or larger than @max. */
int virXMLPropUInt(xmlNodePtr node, const char *name, int base,
                   unsigned int max, unsigned int *result);

/* Attribute @name as yes/no (or on/off). 0 absent, 1 parsed, -1 error. */
int virXMLPropYesNo(xmlNodePtr node, const char *name, bool *result);

/* Attribute whose value must be one of an enum's strings, converted with
 * @fromString; values < @minval are refused. 0 absent, 1 parsed, -1 error. */
int virXMLPropEnum(xmlNodePtr node, const char *name,
                   int (*fromString)(const char *), int minval, int *result);

/* Text content of the first node matching @xpath, or NULL. */
char *virXPathString(const char *xpath, xmlXPathContextPtr ctxt);

/* First element matching @xpath, or NULL. */
xmlNodePtr virXPathNode(const char *xpath, xmlXPathContextPtr ctxt);

/* Elements matching @xpath; returns the count, -1 on error. */
int virXPathNodeSet(const char *xpath, xmlXPathContextPtr ctxt,
                    xmlNodePtr **list);

/* Content of the node as a trimmed string. */
char *virXMLNodeContentString(xmlNodePtr node);

/* Where @node is in its document, for messages: " (at PATH, line N)",
 * e.g. " (at /domain/devices/interface[3]/teaming, line 42)"; the line is
 * left out when the parser did not record it. */
char *virXMLNodeWhere(xmlNodePtr node);

/* Refuse a name (@what: "name", "alias", ...) that holds a control
 * character (below 0x20, or 0x7f) or one of the characters of @illegal
 * (may be NULL): such names would break the files, logs and command lines
 * they end up in. Reports VIR_ERR_XML_DETAIL "invalid char in WHAT: ..."
 * (libvirt's code and wording) and returns -1; 0 if @str is usable. */
int virXMLCheckIllegalChars(const char *what, const char *str,
                            const char *illegal);

/* Validate @doc against the RelaxNG schema in @schemafile (cached per file,
 * thread safe). Returns 0 if valid, -1 with VIR_ERR_XML_INVALID_SCHEMA. */
int virXMLValidateAgainstSchema(const char *schemafile, xmlDocPtr doc);

/* Run @node's children with a temporary XPath context node. */
#define VIR_XPATH_NODE_AUTORESTORE(ctxt) \
    g_auto(virXPathContextNodeSave) ctxt ## CtxtSave G_GNUC_UNUSED = { .ctxt = ctxt, \
                                                         .node = ctxt->node }

typedef struct {
    xmlXPathContextPtr ctxt;
    xmlNodePtr node;
} virXPathContextNodeSave;

void virXPathContextNodeRestore(virXPathContextNodeSave *save);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virXPathContextNodeSave, virXPathContextNodeRestore);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlBuffer, xmlBufferFree);
