/*
 * virbuffer.c: growing text buffer with indentation and XML escaping
 */
#include "internal.h"
#include "virbuffer.h"

static void
virBufferInit(virBuffer *buf)
{
    if (!buf->str)
        buf->str = g_string_sized_new(256);
}

void
virBufferAdjustIndent(virBuffer *buf, int delta)
{
    buf->indent = MAX(0, buf->indent + delta);
}

void
virBufferSetIndent(virBuffer *buf, int indent)
{
    buf->indent = MAX(0, indent);
}

int
virBufferGetIndent(const virBuffer *buf)
{
    return buf->indent;
}

static void
virBufferApplyIndent(virBuffer *buf)
{
    if (buf->indent == 0)
        return;
    if (buf->str->len && buf->str->str[buf->str->len - 1] != '\n')
        return;
    for (int i = 0; i < buf->indent; i++)
        g_string_append_c(buf->str, ' ');
}

void
virBufferAdd(virBuffer *buf, const char *str, int len)
{
    if (!str)
        return;
    virBufferInit(buf);
    if (len < 0)
        len = strlen(str);
    if (len == 0)
        return;
    virBufferApplyIndent(buf);
    g_string_append_len(buf->str, str, len);
}

void
virBufferVasprintf(virBuffer *buf, const char *fmt, va_list ap)
{
    virBufferInit(buf);
    virBufferApplyIndent(buf);
    g_string_append_vprintf(buf->str, fmt, ap);
}

void
virBufferAsprintf(virBuffer *buf, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    virBufferVasprintf(buf, fmt, ap);
    va_end(ap);
}

static char *
virBufferEscapeXML(const char *str)
{
    GString *out = g_string_sized_new(strlen(str) + 16);
    const unsigned char *p;

    for (p = (const unsigned char *)str; *p; p++) {
        switch (*p) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '\'': g_string_append(out, "&apos;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\t': case '\n': case '\r':
            g_string_append_c(out, *p);
            break;
        default:
            /* Control characters are not allowed in XML 1.0: drop them. */
            if (*p >= 0x20)
                g_string_append_c(out, *p);
            break;
        }
    }
    return g_string_free(out, FALSE);
}

void
virBufferEscapeString(virBuffer *buf, const char *fmt, const char *str)
{
    g_autofree char *escaped = NULL;

    if (!str)
        return;
    escaped = virBufferEscapeXML(str);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    virBufferAsprintf(buf, fmt, escaped);
#pragma GCC diagnostic pop
}

size_t
virBufferUse(const virBuffer *buf)
{
    return buf->str ? buf->str->len : 0;
}

const char *
virBufferCurrentContent(virBuffer *buf)
{
    virBufferInit(buf);
    return buf->str->str;
}

char *
virBufferContentAndReset(virBuffer *buf)
{
    char *ret;

    virBufferInit(buf);
    ret = g_string_free(buf->str, FALSE);
    buf->str = NULL;
    buf->indent = 0;
    return ret;
}

void
virBufferFreeAndReset(virBuffer *buf)
{
    if (buf->str)
        g_string_free(buf->str, TRUE);
    buf->str = NULL;
    buf->indent = 0;
}

void
virXMLFormatElement(virBuffer *buf, const char *name,
                    virBuffer *attrBuf, virBuffer *childBuf)
{
    bool haveAttrs = attrBuf && virBufferUse(attrBuf) > 0;
    bool haveChildren = childBuf && virBufferUse(childBuf) > 0;

    if (!haveAttrs && !haveChildren)
        goto cleanup;

    virBufferAsprintf(buf, "<%s", name);
    if (haveAttrs)
        g_string_append(buf->str, attrBuf->str->str);
    if (haveChildren) {
        g_string_append(buf->str, ">\n");
        g_string_append(buf->str, childBuf->str->str);
        virBufferAsprintf(buf, "</%s>\n", name);
    } else {
        g_string_append(buf->str, "/>\n");
    }

 cleanup:
    if (attrBuf)
        virBufferFreeAndReset(attrBuf);
    if (childBuf)
        virBufferFreeAndReset(childBuf);
}
