/*
 * virbuffer.h: growing text buffer with indentation and XML escaping,
 * used to format XML in the canonical style (2-space indent, single quotes).
 */
#pragma once

#include "internal.h"

typedef struct _virBuffer virBuffer;
struct _virBuffer {
    GString *str;
    int indent;
};

#define VIR_BUFFER_INITIALIZER { NULL, 0 }
/* A buffer for the children of an element formatted into @parent. */
#define VIR_BUFFER_INIT_CHILD(parent) { NULL, (parent)->indent + 2 }

/* Text added at the start of a line is indented by the current indent. */
void virBufferAdjustIndent(virBuffer *buf, int delta);
void virBufferSetIndent(virBuffer *buf, int indent);
int virBufferGetIndent(const virBuffer *buf);

void virBufferAdd(virBuffer *buf, const char *str, int len);
#define virBufferAddLit(buf, lit) virBufferAdd(buf, "" lit, sizeof(lit) - 1)
void virBufferAsprintf(virBuffer *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void virBufferVasprintf(virBuffer *buf, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);

/* Add @str XML-escaped through @fmt, which must contain exactly one %s.
 * Nothing is added if @str is NULL. */
void virBufferEscapeString(virBuffer *buf, const char *fmt, const char *str);

size_t virBufferUse(const virBuffer *buf);
const char *virBufferCurrentContent(virBuffer *buf);
char *virBufferContentAndReset(virBuffer *buf);
void virBufferFreeAndReset(virBuffer *buf);

/* Format <name ATTRS/> or <name ATTRS>CHILDREN</name> into @buf, where the
 * attribute text and child text come from two other buffers (which are
 * reset); nothing at all when both are empty. */
void virXMLFormatElement(virBuffer *buf, const char *name,
                         virBuffer *attrBuf, virBuffer *childBuf);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virBuffer, virBufferFreeAndReset);
