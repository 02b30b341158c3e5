/*
 * qemu_props.c: the ordered properties of one QEMU object or command
 */
#include "internal.h"

#include <yajl/yajl_gen.h>

#include "qemu_props.h"

typedef enum {
    QEMU_PROP_STRING,
    QEMU_PROP_INT,
    QEMU_PROP_BOOL,
    QEMU_PROP_NULL,
    QEMU_PROP_ARRAY,
} qemuPropType;

typedef struct {
    const char *key;
    qemuPropType type;
    char *str;
    long long num;
    GPtrArray *items;   /* QEMU_PROP_ARRAY: qemuProps * */
} qemuProp;

struct _qemuProps {
    GArray *props;
};

static void
qemuPropClear(gpointer data)
{
    qemuProp *p = data;

    g_free(p->str);
    if (p->items)
        g_ptr_array_unref(p->items);
}

qemuProps *
qemuPropsNew(void)
{
    qemuProps *props = g_new0(qemuProps, 1);

    props->props = g_array_new(FALSE, TRUE, sizeof(qemuProp));
    g_array_set_clear_func(props->props, qemuPropClear);
    return props;
}

void
qemuPropsFree(qemuProps *props)
{
    if (!props)
        return;
    g_array_unref(props->props);
    g_free(props);
}

void
qemuPropsAddString(qemuProps *props, const char *key, const char *value)
{
    qemuProp p = { key, QEMU_PROP_STRING, g_strdup(value), 0, NULL };

    g_array_append_val(props->props, p);
}

void
qemuPropsAddStringf(qemuProps *props, const char *key, const char *fmt, ...)
{
    qemuProp p = { key, QEMU_PROP_STRING, NULL, 0, NULL };
    va_list ap;

    va_start(ap, fmt);
    p.str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_array_append_val(props->props, p);
}

void
qemuPropsAddInt(qemuProps *props, const char *key, long long value)
{
    qemuProp p = { key, QEMU_PROP_INT, NULL, value, NULL };

    g_array_append_val(props->props, p);
}

void
qemuPropsAddBool(qemuProps *props, const char *key, bool value)
{
    qemuProp p = { key, QEMU_PROP_BOOL, NULL, value, NULL };

    g_array_append_val(props->props, p);
}

void
qemuPropsAddNull(qemuProps *props, const char *key)
{
    qemuProp p = { key, QEMU_PROP_NULL, NULL, 0, NULL };

    g_array_append_val(props->props, p);
}

void
qemuPropsAddArray(qemuProps *props, const char *key, GPtrArray *items)
{
    qemuProp p = { key, QEMU_PROP_ARRAY, NULL, 0, items };

    g_ptr_array_set_free_func(items, (GDestroyNotify)qemuPropsFree);
    g_array_append_val(props->props, p);
}

static void
qemuPropsGen(yajl_gen g, const qemuProps *props)
{
    guint i, j;

    yajl_gen_map_open(g);
    for (i = 0; i < props->props->len; i++) {
        const qemuProp *p = &g_array_index(props->props, qemuProp, i);

        yajl_gen_string(g, (const unsigned char *)p->key, strlen(p->key));
        switch (p->type) {
        case QEMU_PROP_STRING:
            yajl_gen_string(g, (const unsigned char *)p->str, strlen(p->str));
            break;
        case QEMU_PROP_INT:
            yajl_gen_integer(g, p->num);
            break;
        case QEMU_PROP_BOOL:
            yajl_gen_bool(g, p->num != 0);
            break;
        case QEMU_PROP_NULL:
            yajl_gen_null(g);
            break;
        case QEMU_PROP_ARRAY:
            yajl_gen_array_open(g);
            for (j = 0; j < p->items->len; j++)
                qemuPropsGen(g, g_ptr_array_index(p->items, j));
            yajl_gen_array_close(g);
            break;
        }
    }
    yajl_gen_map_close(g);
}

char *
qemuPropsToJSON(const qemuProps *props)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *out;
    size_t len;
    char *ret;

    qemuPropsGen(g, props);
    yajl_gen_get_buf(g, &out, &len);
    ret = g_strndup((const char *)out, len);
    yajl_gen_free(g);
    return ret;
}

void
qemuPropsEscapeComma(GString *buf, const char *value)
{
    for (; *value; value++) {
        if (*value == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *value);
    }
}

char *
qemuPropsToLegacy(const qemuProps *props, const char *leadKey)
{
    GString *buf = g_string_new(NULL);
    guint i;

    for (i = 0; i < props->props->len; i++) {
        const qemuProp *p = &g_array_index(props->props, qemuProp, i);

        if (leadKey && STREQ(p->key, leadKey)) {
            qemuPropsEscapeComma(buf, p->str);
            break;
        }
    }
    for (i = 0; i < props->props->len; i++) {
        const qemuProp *p = &g_array_index(props->props, qemuProp, i);

        if ((leadKey && STREQ(p->key, leadKey)) || p->type == QEMU_PROP_NULL ||
            p->type == QEMU_PROP_ARRAY)
            continue;
        if (buf->len)
            g_string_append_c(buf, ',');
        g_string_append_printf(buf, "%s=", p->key);
        switch (p->type) {
        case QEMU_PROP_STRING:
            qemuPropsEscapeComma(buf, p->str);
            break;
        case QEMU_PROP_INT:
            g_string_append_printf(buf, "%lld", p->num);
            break;
        case QEMU_PROP_BOOL:
            g_string_append(buf, p->num ? "on" : "off");
            break;
        case QEMU_PROP_NULL:
        case QEMU_PROP_ARRAY:
            break;
        }
    }
    return g_string_free(buf, FALSE);
}
