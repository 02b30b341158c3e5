/*
 * qemu_props.h: the ordered properties of one QEMU object or command
 *
 * One builder for everything we hand QEMU as key/value pairs: the
 * -device/-netdev/-object/-blockdev options of the command line and the
 * arguments of QMP commands. Keys are kept in the order they were added
 * (golden files and QEMU's error messages depend on it); keys are string
 * literals and are not copied, values are.
 */
#pragma once

#include "internal.h"

typedef struct _qemuProps qemuProps;

qemuProps *qemuPropsNew(void);
void qemuPropsFree(qemuProps *props);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuProps, qemuPropsFree);

void qemuPropsAddString(qemuProps *props, const char *key, const char *value);
void qemuPropsAddStringf(qemuProps *props, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void qemuPropsAddInt(qemuProps *props, const char *key, long long value);
void qemuPropsAddBool(qemuProps *props, const char *key, bool value);
/* JSON null; left out of the legacy syntax */
void qemuPropsAddNull(qemuProps *props, const char *key);
/* A JSON array of objects (@items: qemuProps *, taken); JSON only, left
 * out of the legacy syntax like null. */
void qemuPropsAddArray(qemuProps *props, const char *key, GPtrArray *items);

/* {"key":value,...} */
char *qemuPropsToJSON(const qemuProps *props);
/* Legacy "LEAD,key=value,..." form of the command line: the value of
 * @leadKey (driver, type, qom-type) comes first without its key, every
 * ',' in a value is doubled. */
char *qemuPropsToLegacy(const qemuProps *props, const char *leadKey);
/* Append @value to @buf with every ',' doubled, as QEMU's option parser
 * wants it. */
void qemuPropsEscapeComma(GString *buf, const char *value);
