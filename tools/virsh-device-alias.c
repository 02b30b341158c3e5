/*
 * virsh-device-alias.c: the device aliases of a domain XML, for completing
 * the ALIAS argument of detach-device-alias
 */
#include <config.h>

#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "virsh.h"

/* Call @found(alias, element, opaque) for each child of <devices> that
 * has an <alias name='...'/>; stops when it returns true. False if @xml
 * does not parse. */
static bool
vshDomainXMLForEachAlias(const char *xml,
                         bool (*found)(const char *alias, xmlNodePtr dev, void *opaque),
                         void *opaque)
{
    xmlDocPtr doc = xmlReadMemory(xml, strlen(xml), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root, devices, dev, child;

    if (!doc)
        return false;
    root = xmlDocGetRootElement(doc);
    for (devices = root ? root->children : NULL; devices; devices = devices->next) {
        if (devices->type != XML_ELEMENT_NODE || !xmlStrEqual(devices->name, BAD_CAST "devices"))
            continue;
        for (dev = devices->children; dev; dev = dev->next) {
            if (dev->type != XML_ELEMENT_NODE)
                continue;
            for (child = dev->children; child; child = child->next) {
                xmlChar *name;
                bool stop;

                if (child->type != XML_ELEMENT_NODE ||
                    !xmlStrEqual(child->name, BAD_CAST "alias") ||
                    !(name = xmlGetNoNsProp(child, BAD_CAST "name")))
                    continue;
                stop = found((const char *)name, dev, opaque);
                xmlFree(name);
                if (stop) {
                    xmlFreeDoc(doc);
                    return true;
                }
            }
        }
    }
    xmlFreeDoc(doc);
    return true;
}

static bool
vshAliasCollect(const char *alias, xmlNodePtr dev G_GNUC_UNUSED, void *opaque)
{
    g_ptr_array_add(opaque, g_strdup(alias));
    return false;
}

char **
vshDomainXMLAliases(const char *xml)
{
    GPtrArray *aliases = g_ptr_array_new();

    vshDomainXMLForEachAlias(xml, vshAliasCollect, aliases);
    g_ptr_array_add(aliases, NULL);
    return (char **)g_ptr_array_free(aliases, FALSE);
}
