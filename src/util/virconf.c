/*
 * virconf.c: configuration files in libvirt's "key = value" format
 */
#include "internal.h"
#include "virconf.h"
#include "virerror.h"
#include "virfile.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_CONF

typedef enum {
    VIR_CONF_STRING,
    VIR_CONF_INT,
    VIR_CONF_LIST,
} virConfValueType;

typedef struct {
    virConfValueType type;
    char *str;
    long long num;
    GStrv list;
} virConfValue;

struct _virConf {
    char *filename;
    GHashTable *values;     /* key -> virConfValue */
};

static void
virConfValueFree(gpointer data)
{
    virConfValue *v = data;

    g_free(v->str);
    g_strfreev(v->list);
    g_free(v);
}

void
virConfFree(virConf *conf)
{
    if (!conf)
        return;
    g_hash_table_unref(conf->values);
    g_free(conf->filename);
    g_free(conf);
}

typedef struct {
    const char *cur;
    const char *filename;
    int line;
} virConfParser;

static void
virConfSkipBlanks(virConfParser *p, bool newlines)
{
    for (;;) {
        if (*p->cur == '#') {
            while (*p->cur && *p->cur != '\n')
                p->cur++;
        } else if (*p->cur == ' ' || *p->cur == '\t' || *p->cur == '\r') {
            p->cur++;
        } else if (newlines && *p->cur == '\n') {
            p->line++;
            p->cur++;
        } else {
            return;
        }
    }
}

static int
virConfSyntaxError(virConfParser *p, const char *what)
{
    virReportError(VIR_ERR_CONF_SYNTAX, _("%s:%d: %s"), p->filename, p->line, what);
    return -1;
}

static int
virConfParseString(virConfParser *p, char **out)
{
    char quote = *p->cur;
    const char *start = ++p->cur;

    while (*p->cur && *p->cur != quote && *p->cur != '\n')
        p->cur++;
    if (*p->cur != quote)
        return virConfSyntaxError(p, _("unterminated string"));
    *out = g_strndup(start, p->cur - start);
    p->cur++;
    return 0;
}

static int
virConfParseValue(virConfParser *p, virConfValue *v)
{
    if (*p->cur == '"' || *p->cur == '\'') {
        v->type = VIR_CONF_STRING;
        return virConfParseString(p, &v->str);
    }
    if (*p->cur == '[') {
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);

        p->cur++;
        v->type = VIR_CONF_LIST;
        for (;;) {
            char *s = NULL;

            virConfSkipBlanks(p, true);
            if (*p->cur == ']') {
                p->cur++;
                break;
            }
            if (*p->cur != '"' && *p->cur != '\'')
                return virConfSyntaxError(p, _("expected a string in list"));
            if (virConfParseString(p, &s) < 0)
                return -1;
            g_ptr_array_add(items, s);
            virConfSkipBlanks(p, true);
            if (*p->cur == ',')
                p->cur++;
            else if (*p->cur != ']')
                return virConfSyntaxError(p, _("expected ',' or ']' in list"));
        }
        g_ptr_array_add(items, NULL);
        v->list = (GStrv)g_ptr_array_free(g_steal_pointer(&items), FALSE);
        return 0;
    }
    if (*p->cur == '-' || g_ascii_isdigit(*p->cur)) {
        char *end = NULL;

        v->type = VIR_CONF_INT;
        if (virStrToLong_ll(p->cur, &end, 10, &v->num) < 0)
            return virConfSyntaxError(p, _("invalid number"));
        p->cur = end;
        return 0;
    }
    return virConfSyntaxError(p, _("expected a string, number or list"));
}

virConf *
virConfReadString(const char *content, const char *filename)
{
    g_autoptr(virConf) conf = g_new0(virConf, 1);
    virConfParser p = { content, filename, 1 };

    conf->filename = g_strdup(filename);
    conf->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         virConfValueFree);
    for (;;) {
        const char *start;
        g_autofree char *key = NULL;
        virConfValue *v;

        virConfSkipBlanks(&p, true);
        if (!*p.cur)
            break;
        start = p.cur;
        while (g_ascii_isalnum(*p.cur) || *p.cur == '_' || *p.cur == '.')
            p.cur++;
        if (p.cur == start) {
            virConfSyntaxError(&p, _("expected a key name"));
            return NULL;
        }
        key = g_strndup(start, p.cur - start);
        virConfSkipBlanks(&p, false);
        if (*p.cur != '=') {
            virConfSyntaxError(&p, _("expected '=' after the key"));
            return NULL;
        }
        p.cur++;
        virConfSkipBlanks(&p, false);
        v = g_new0(virConfValue, 1);
        if (virConfParseValue(&p, v) < 0) {
            virConfValueFree(v);
            return NULL;
        }
        g_hash_table_replace(conf->values, g_steal_pointer(&key), v);
        virConfSkipBlanks(&p, false);
        if (*p.cur == ';')
            p.cur++;
        virConfSkipBlanks(&p, false);
        if (*p.cur && *p.cur != '\n') {
            virConfSyntaxError(&p, _("unexpected text after the value"));
            return NULL;
        }
    }
    return g_steal_pointer(&conf);
}

virConf *
virConfReadFile(const char *path)
{
    g_autofree char *content = NULL;

    if (!virFileExists(path))
        return virConfReadString("", path);
    if (virFileReadAll(path, 1024 * 1024, &content) < 0)
        return NULL;
    return virConfReadString(content, path);
}

static virConfValue *
virConfLookup(virConf *conf, const char *key, virConfValueType type,
              const char *typeName)
{
    virConfValue *v = g_hash_table_lookup(conf->values, key);

    if (v && v->type != type) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: '%s' must be a %s"), conf->filename, key, typeName);
        return GINT_TO_POINTER(-1);
    }
    return v;
}

#define VIR_CONF_LOOKUP(conf, key, type, name, v) \
    do { \
        (v) = virConfLookup(conf, key, type, name); \
        if ((v) == GINT_TO_POINTER(-1)) \
            return -1; \
        if (!(v)) \
            return 0; \
    } while (0)

int
virConfGetValueString(virConf *conf, const char *key, char **result)
{
    virConfValue *v;

    VIR_CONF_LOOKUP(conf, key, VIR_CONF_STRING, _("string"), v);
    g_free(*result);
    *result = g_strdup(v->str);
    return 1;
}

int
virConfGetValueInt(virConf *conf, const char *key, long long *result)
{
    virConfValue *v;

    VIR_CONF_LOOKUP(conf, key, VIR_CONF_INT, _("number"), v);
    *result = v->num;
    return 1;
}

int
virConfGetValueBool(virConf *conf, const char *key, bool *result)
{
    virConfValue *v;

    VIR_CONF_LOOKUP(conf, key, VIR_CONF_INT, _("number (0 or 1)"), v);
    if (v->num != 0 && v->num != 1) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: '%s' must be 0 or 1"), conf->filename, key);
        return -1;
    }
    *result = v->num == 1;
    return 1;
}

int
virConfGetValueStringList(virConf *conf, const char *key, char ***result)
{
    virConfValue *v;

    VIR_CONF_LOOKUP(conf, key, VIR_CONF_LIST, _("list of strings"), v);
    g_strfreev(*result);
    *result = g_strdupv(v->list);
    return 1;
}
