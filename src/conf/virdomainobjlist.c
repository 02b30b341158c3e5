/*
 * virdomainobjlist.c: the domains a driver knows, and their config files
 */
#include "internal.h"

#include <sys/stat.h>

#include "virdomainobjlist.h"
#include "virerror.h"
#include "virfile.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

struct _virDomainObjList {
    GHashTable *byName;     /* name -> virDomainObj (owned) */
    GHashTable *byUUID;     /* uuid string -> virDomainObj */
};

static void
virDomainObjFree(gpointer data)
{
    virDomainObj *obj = data;

    if (obj->privateData && obj->privateDataFree)
        obj->privateDataFree(obj->privateData);
    virDomainDefFree(obj->def);
    virDomainDefFree(obj->newDef);
    g_free(obj);
}

virDomainObjList *
virDomainObjListNew(void)
{
    virDomainObjList *list = g_new0(virDomainObjList, 1);

    list->byName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         virDomainObjFree);
    list->byUUID = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return list;
}

void
virDomainObjListFree(virDomainObjList *list)
{
    if (!list)
        return;
    g_hash_table_unref(list->byUUID);
    g_hash_table_unref(list->byName);
    g_free(list);
}

virDomainObj *
virDomainObjListFindByName(virDomainObjList *list, const char *name)
{
    return g_hash_table_lookup(list->byName, name);
}

virDomainObj *
virDomainObjListFindByUUID(virDomainObjList *list, const unsigned char *uuid)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    return g_hash_table_lookup(list->byUUID, virUUIDFormat(uuid, uuidstr));
}

virDomainObj *
virDomainObjListCheckAdd(virDomainObjList *list, const virDomainDef *def,
                         bool *conflict)
{
    virDomainObj *byUUID = virDomainObjListFindByUUID(list, def->uuid);
    virDomainObj *byName = virDomainObjListFindByName(list, def->name);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *conflict = false;
    if (byUUID && STRNEQ(byUUID->def->name, def->name)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' is already defined with uuid %s: choose another UUID, or use the name '%s'"),
                       byUUID->def->name, virUUIDFormat(def->uuid, uuidstr),
                       byUUID->def->name);
        *conflict = true;
        return NULL;
    }
    if (byName && !byUUID) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' already exists with uuid %s: give that <uuid> to redefine it, or choose another name"),
                       def->name, virUUIDFormat(byName->def->uuid, uuidstr));
        *conflict = true;
        return NULL;
    }
    return byUUID;
}

virDomainObj *
virDomainObjListAdd(virDomainObjList *list, virDomainDef *def)
{
    virDomainObj *obj = g_new0(virDomainObj, 1);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    obj->def = def;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    g_hash_table_insert(list->byName, g_strdup(def->name), obj);
    g_hash_table_insert(list->byUUID, g_strdup(virUUIDFormat(def->uuid, uuidstr)), obj);
    return obj;
}

void
virDomainObjListRemove(virDomainObjList *list, virDomainObj *obj)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_hash_table_remove(list->byUUID, virUUIDFormat(obj->def->uuid, uuidstr));
    g_hash_table_remove(list->byName, obj->def->name);
}

static gint
virDomainObjCompareName(gconstpointer a, gconstpointer b)
{
    const virDomainObj *oa = *(virDomainObj * const *)a;
    const virDomainObj *ob = *(virDomainObj * const *)b;

    return strcmp(oa->def->name, ob->def->name);
}

GPtrArray *
virDomainObjListCollect(virDomainObjList *list)
{
    GPtrArray *ret = g_ptr_array_sized_new(g_hash_table_size(list->byName));
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, list->byName);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(ret, value);
    g_ptr_array_sort(ret, virDomainObjCompareName);
    return ret;
}

GPtrArray *
virDomainObjListCollectActive(virDomainObjList *list)
{
    GPtrArray *ret = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, list->byName);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (virDomainObjIsActive(value))
            g_ptr_array_add(ret, value);
    }
    return ret;
}

size_t
virDomainObjListCount(virDomainObjList *list)
{
    return g_hash_table_size(list->byName);
}

virDomainDef *
virDomainObjGetPersistentDef(virDomainObj *obj)
{
    if (!obj->persistent)
        return NULL;
    return obj->newDef ? obj->newDef : obj->def;
}

bool
virDomainObjIsActive(const virDomainObj *obj)
{
    return obj->def->id >= 0;
}

char *
virDomainConfigFile(const char *dir, const char *name)
{
    return g_strdup_printf("%s/%s.xml", dir, name);
}

int
virDomainDefSaveConfig(const char *dir, const virDomainDef *def)
{
    g_autofree char *xml = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE);
    g_autofree char *path = virDomainConfigFile(dir, def->name);

    if (!xml)
        return -1;
    return virFileWriteStrAtomic(path, xml, 0600);
}

int
virDomainDeleteConfig(const char *dir, const char *name)
{
    g_autofree char *path = virDomainConfigFile(dir, name);

    return virFileRemove(path);
}

static gint64
virStatMtimeNs(const struct stat *sb)
{
    return (gint64)sb->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb->st_mtim.tv_nsec;
}

static void
virDomainObjListDropMissing(virDomainObjList *list, GHashTable *present)
{
    g_autoptr(GPtrArray) all = virDomainObjListCollect(list);
    size_t i;

    for (i = 0; i < all->len; i++) {
        virDomainObj *obj = g_ptr_array_index(all, i);

        if (!obj->persistent || g_hash_table_contains(present, obj->def->name))
            continue;
        if (virDomainObjIsActive(obj)) {
            /* undefined elsewhere while running: becomes transient */
            obj->persistent = false;
            g_clear_pointer(&obj->newDef, virDomainDefFree);
            continue;
        }
        virDomainObjListRemove(list, obj);
    }
}

/* Does @def claim the UUID of a domain other than @obj (the one of its
 * name, or NULL)? Then a warning names both, and the definition in @path
 * is to be skipped. */
static bool
virDomainObjListUUIDTaken(virDomainObjList *list, const char *dir, const char *path,
                          virDomainObj *obj, const virDomainDef *def)
{
    virDomainObj *other = virDomainObjListFindByUUID(list, def->uuid);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    virUUIDFormat(def->uuid, uuidstr);
    if (other && other != obj) {
        g_autofree char *otherPath = virDomainConfigFile(dir, other->def->name);

        /* a running domain may be read before its config */
        if (virDomainObjIsActive(other) && virFileExists(otherPath)) {
            virReportWarning(_("ignoring domain config '%s': its UUID %s is the UUID of domain '%s' ('%s'), which is running; give one of them another UUID"),
                             path, uuidstr, other->def->name, otherPath);
        } else if (other->persistent) {
            virReportWarning(_("ignoring domain config '%s': its UUID %s is the UUID of domain '%s' ('%s'), which was loaded first; give one of them another UUID"),
                             path, uuidstr, other->def->name, otherPath);
        } else {
            virReportWarning(_("ignoring domain config '%s': its UUID %s is the UUID of running domain '%s'; give it another UUID"),
                             path, uuidstr, other->def->name);
        }
        return true;
    }
    if (obj && virDomainObjIsActive(obj) &&
        memcmp(obj->def->uuid, def->uuid, VIR_UUID_BUFLEN) != 0) {
        char runningstr[VIR_UUID_STRING_BUFLEN];

        virReportWarning(_("ignoring domain config '%s': it gives running domain '%s' the UUID %s instead of %s"),
                         path, def->name, uuidstr, virUUIDFormat(obj->def->uuid, runningstr));
        return true;
    }
    return false;
}

int
virDomainObjListSyncConfigDir(virDomainObjList *list, const char *dir)
{
    g_autoptr(GHashTable) present = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                          g_free, NULL);
    g_autoptr(GPtrArray) files = NULL;
    size_t i;

    /* by name: the order in which the files claim their UUIDs */
    if (!(files = virFileListDirSorted(dir, ".xml")))
        return -1;
    for (i = 0; i < files->len; i++) {
        const char *file = g_ptr_array_index(files, i);
        g_autofree char *name = NULL;
        g_autofree char *path = NULL;
        g_autoptr(virDomainDef) def = NULL;
        virDomainObj *obj;
        struct stat sb;

        name = g_strndup(file, strlen(file) - 4);
        path = g_build_filename(dir, file, NULL);
        if (stat(path, &sb) < 0)
            continue;   /* removed meanwhile */
        g_hash_table_add(present, g_strdup(name));

        obj = virDomainObjListFindByName(list, name);
        if (obj && obj->persistent && obj->configMtime == virStatMtimeNs(&sb) &&
            obj->configIno == (guint64)sb.st_ino)
            continue;

        if (!(def = virDomainDefParseFile(path, VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                          VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE))) {
            virReportWarning(_("ignoring domain config '%s': %s"), path,
                             virGetLastErrorMessage());
            virResetLastError();
            g_hash_table_remove(present, name);
            continue;
        }
        if (STRNEQ(def->name, name)) {
            virReportWarning(_("ignoring domain config '%s': it defines domain '%s'"),
                             path, def->name);
            g_hash_table_remove(present, name);
            continue;
        }
        /* one UUID, one domain: the first to claim it keeps it (running
         * domains, then configs in the order of their file names) */
        if (virDomainObjListUUIDTaken(list, dir, path, obj, def)) {
            if (!obj || !obj->persistent)
                g_hash_table_remove(present, name);
            continue;
        }

        if (obj && virDomainObjIsActive(obj)) {
            virDomainDefFree(obj->newDef);
            obj->newDef = g_steal_pointer(&def);
        } else {
            if (obj)
                virDomainObjListRemove(list, obj);
            obj = virDomainObjListAdd(list, g_steal_pointer(&def));
        }
        obj->persistent = true;
        obj->configMtime = virStatMtimeNs(&sb);
        obj->configIno = sb.st_ino;
    }

    virDomainObjListDropMissing(list, present);
    return 0;
}
