/*
 * virconf.h: configuration files in libvirt's "key = value" format
 *
 *   # comment
 *   name = "string"
 *   count = 42
 *   list = [ "a", "b" ]
 */
#pragma once

#include "internal.h"

typedef struct _virConf virConf;

/* Parse @path; a missing file gives an empty configuration. */
virConf *virConfReadFile(const char *path);
virConf *virConfReadString(const char *content, const char *filename);
void virConfFree(virConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConf, virConfFree);

/* 0 if absent (result untouched), 1 if found, -1 with an error if the
 * value has the wrong type. */
int virConfGetValueString(virConf *conf, const char *key, char **result);
int virConfGetValueInt(virConf *conf, const char *key, long long *result);
int virConfGetValueBool(virConf *conf, const char *key, bool *result);
int virConfGetValueStringList(virConf *conf, const char *key, char ***result);
