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
    GMutex lock;            /* guards the two maps and the cache of the
                             * running; a leaf: no other lock is taken
                             * while it is held */
    GHashTable *byName;     /* name -> virDomainObj (one reference) */
    GHashTable *byUUID;     /* uuid string -> virDomainObj (none) */
    /* every object of the list that was running at the last walk of all
     * of them, referenced; valid while no object became active since
     * (virDomainObjActivations still @activeEpoch) and none was removed */
    GPtrArray *active;
    gint activeEpoch;
    guint removals;         /* objects removed so far */
};

/* Bumped each time an object's definition in use becomes a running one
 * (in any list): only then can an object become active, so a list whose
 * last walk saw this count knows its running objects without walking
 * them all again. */
static gint virDomainObjActivations;

/* After @obj's definition in use was replaced (object locked). */
static void
virDomainObjNoteDef(virDomainObj *obj)
{
    if (virDomainObjIsActive(obj))
        g_atomic_int_inc(&virDomainObjActivations);
}

static void
virDomainObjFree(virDomainObj *obj)
{
    if (obj->privateData && obj->privateDataFree)
        obj->privateDataFree(obj->privateData);
    virDomainDefFree(obj->def);
    virDomainDefFree(obj->newDef);
    g_mutex_clear(&obj->lock);
    g_free(obj);
}

virDomainObj *
virDomainObjRef(virDomainObj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
virDomainObjUnref(virDomainObj *obj)
{
    if (obj && g_atomic_int_dec_and_test(&obj->refs))
        virDomainObjFree(obj);
}

static void
virDomainObjListDropRef(gpointer data)
{
    virDomainObj *obj = data;

    obj->removed = true;
    virDomainObjUnref(obj);
}

void
virDomainObjLock(virDomainObj *obj)
{
    g_mutex_lock(&obj->lock);
}

void
virDomainObjUnlock(virDomainObj *obj)
{
    g_mutex_unlock(&obj->lock);
}

void
virDomainObjUnlockUnref(virDomainObj *obj)
{
    virDomainObjUnlock(obj);
    virDomainObjUnref(obj);
}

void
virDomainObjEndAPI(virDomainObj **obj)
{
    if (!*obj)
        return;
    virDomainObjUnlock(*obj);
    virDomainObjUnref(g_steal_pointer(obj));
}

virDomainObjList *
virDomainObjListNew(void)
{
    virDomainObjList *list = g_new0(virDomainObjList, 1);

    g_mutex_init(&list->lock);
    list->byName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         virDomainObjListDropRef);
    list->byUUID = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return list;
}

void
virDomainObjListFree(virDomainObjList *list)
{
    if (!list)
        return;
    g_clear_pointer(&list->active, g_ptr_array_unref);
    g_hash_table_unref(list->byUUID);
    g_hash_table_unref(list->byName);
    g_mutex_clear(&list->lock);
    g_free(list);
}

static virDomainObj *
virDomainObjListGet(virDomainObjList *list, GHashTable *map, const char *key)
{
    virDomainObj *obj;

    g_mutex_lock(&list->lock);
    if ((obj = g_hash_table_lookup(map, key)))
        virDomainObjRef(obj);
    g_mutex_unlock(&list->lock);
    if (obj)
        virDomainObjLock(obj);
    return obj;
}

virDomainObj *
virDomainObjListGetByName(virDomainObjList *list, const char *name)
{
    return virDomainObjListGet(list, list->byName, name);
}

virDomainObj *
virDomainObjListGetByUUID(virDomainObjList *list, const unsigned char *uuid)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    return virDomainObjListGet(list, list->byUUID, virUUIDFormat(uuid, uuidstr));
}

virDomainObj *
virDomainObjListFindByName(virDomainObjList *list, const char *name)
{
    virDomainObj *obj;

    g_mutex_lock(&list->lock);
    obj = g_hash_table_lookup(list->byName, name);
    g_mutex_unlock(&list->lock);
    return obj;
}

virDomainObj *
virDomainObjListFindByUUID(virDomainObjList *list, const unsigned char *uuid)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *obj;

    g_mutex_lock(&list->lock);
    obj = g_hash_table_lookup(list->byUUID, virUUIDFormat(uuid, uuidstr));
    g_mutex_unlock(&list->lock);
    return obj;
}

virDomainObj *
virDomainObjListCheckAdd(virDomainObjList *list, const virDomainDef *def,
                         bool *conflict)
{
    virDomainObj *byUUID = virDomainObjListFindByUUID(list, def->uuid);
    virDomainObj *byName = virDomainObjListFindByName(list, def->name);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *conflict = false;
    if (byUUID) {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(byUUID);

        if (STRNEQ(byUUID->def->name, def->name)) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("domain '%s' is already defined with uuid %s: choose another UUID, or use the name '%s'"),
                           byUUID->def->name, virUUIDFormat(def->uuid, uuidstr),
                           byUUID->def->name);
            *conflict = true;
            return NULL;
        }
    }
    if (byName && !byUUID) {
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(byName);

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

    g_mutex_init(&obj->lock);
    obj->refs = 1;
    obj->def = def;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    g_mutex_lock(&list->lock);
    g_hash_table_insert(list->byName, g_strdup(def->name), obj);
    g_hash_table_insert(list->byUUID, g_strdup(virUUIDFormat(def->uuid, uuidstr)), obj);
    g_mutex_unlock(&list->lock);
    virDomainObjNoteDef(obj);
    return obj;
}

void
virDomainObjListRemove(virDomainObjList *list, virDomainObj *obj)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    g_autofree char *name = g_strdup(obj->def->name);

    virUUIDFormat(obj->def->uuid, uuidstr);
    g_mutex_lock(&list->lock);
    /* only if it is still the one listed under its name */
    if (g_hash_table_lookup(list->byName, name) == obj) {
        /* the cache would keep listing it */
        g_clear_pointer(&list->active, g_ptr_array_unref);
        list->removals++;
        g_hash_table_remove(list->byUUID, uuidstr);
        /* drops the list's reference: @obj may be freed */
        g_hash_table_remove(list->byName, name);
    }
    g_mutex_unlock(&list->lock);
}

static gint
virDomainObjCompareName(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

GPtrArray *
virDomainObjListCollect(virDomainObjList *list)
{
    GPtrArray *ret;
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    size_t i;

    g_mutex_lock(&list->lock);
    ret = g_ptr_array_new_full(g_hash_table_size(list->byName),
                               (GDestroyNotify)virDomainObjUnref);
    /* by the keys of the map: an object's definition may be replaced
     * meanwhile (its lock is not held here), its name never changes */
    g_hash_table_iter_init(&iter, list->byName);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, virDomainObjCompareName);
    for (i = 0; i < names->len; i++)
        g_ptr_array_add(ret, virDomainObjRef(g_hash_table_lookup(list->byName,
                                                                 g_ptr_array_index(names, i))));
    g_mutex_unlock(&list->lock);
    return ret;
}

typedef struct {
    char *name;
    virDomainObj *obj;
} virDomainObjListEntry;

static gint
virDomainObjListCompareEntry(gconstpointer a, gconstpointer b)
{
    return strcmp(((const virDomainObjListEntry *)a)->name,
                  ((const virDomainObjListEntry *)b)->name);
}

/* The running domains, by name. Every call of a driver asks (are any of
 * them dead?), with most domains defined and few running: so unless an
 * object became active since the last walk of all, only the ones running
 * then are looked at, and only the running ones are sorted, by the names
 * read under their locks. */
GPtrArray *
virDomainObjListCollectActive(virDomainObjList *list)
{
    GPtrArray *ret = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainObjUnref);
    g_autoptr(GPtrArray) candidates = NULL;
    g_autoptr(GArray) active = g_array_new(FALSE, FALSE, sizeof(virDomainObjListEntry));
    gint epoch;
    guint removals;
    size_t i;

    g_mutex_lock(&list->lock);
    removals = list->removals;
    /* read before the objects: an activation after this read is seen by
     * the next call, one before it by this walk (under the object's lock) */
    epoch = g_atomic_int_get(&virDomainObjActivations);
    if (list->active && list->activeEpoch == epoch) {
        candidates = g_ptr_array_new_full(list->active->len,
                                          (GDestroyNotify)virDomainObjUnref);
        for (i = 0; i < list->active->len; i++)
            g_ptr_array_add(candidates, virDomainObjRef(g_ptr_array_index(list->active, i)));
    } else {
        GHashTableIter iter;
        gpointer value;

        candidates = g_ptr_array_new_full(g_hash_table_size(list->byName),
                                          (GDestroyNotify)virDomainObjUnref);
        g_hash_table_iter_init(&iter, list->byName);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            g_ptr_array_add(candidates, virDomainObjRef(value));
    }
    g_mutex_unlock(&list->lock);

    for (i = 0; i < candidates->len; i++) {
        virDomainObj *obj = g_ptr_array_index(candidates, i);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(obj);

        if (virDomainObjIsActive(obj)) {
            virDomainObjListEntry e = { g_strdup(obj->def->name), virDomainObjRef(obj) };

            g_array_append_val(active, e);
        }
    }
    g_array_sort(active, virDomainObjListCompareEntry);
    for (i = 0; i < active->len; i++) {
        virDomainObjListEntry *e = &g_array_index(active, virDomainObjListEntry, i);

        g_ptr_array_add(ret, e->obj);
        g_free(e->name);
    }

    g_mutex_lock(&list->lock);
    /* kept as it is when this walk was of it and found all of it running
     * (the usual call: nothing to allocate); not at all when an object
     * was removed meanwhile: this walk may hold it, and the next one walks
     * all */
    if (list->removals == removals &&
        (!list->active || list->activeEpoch != epoch || list->active->len != ret->len)) {
        g_clear_pointer(&list->active, g_ptr_array_unref);
        list->active = g_ptr_array_new_full(ret->len, (GDestroyNotify)virDomainObjUnref);
        for (i = 0; i < ret->len; i++)
            g_ptr_array_add(list->active, virDomainObjRef(g_ptr_array_index(ret, i)));
        list->activeEpoch = epoch;
    }
    g_mutex_unlock(&list->lock);
    return ret;
}

size_t
virDomainObjListCount(virDomainObjList *list)
{
    size_t n;

    g_mutex_lock(&list->lock);
    n = g_hash_table_size(list->byName);
    g_mutex_unlock(&list->lock);
    return n;
}

virDomainDef *
virDomainObjGetPersistentDef(virDomainObj *obj)
{
    if (!obj->persistent)
        return NULL;
    return obj->newDef ? obj->newDef : obj->def;
}

void
virDomainObjSetPersistentDef(virDomainObj *obj, virDomainDef **def)
{
    virDomainDef **slot = virDomainObjIsActive(obj) ? &obj->newDef : &obj->def;

    virDomainDefFree(*slot);
    *slot = g_steal_pointer(def);
    virDomainObjNoteDef(obj);
}

void
virDomainObjSetLiveDef(virDomainObj *obj, virDomainDef **live)
{
    if (obj->persistent) {
        virDomainDefFree(obj->newDef);
        obj->newDef = obj->def;
    } else {
        virDomainDefFree(obj->def);
    }
    obj->def = g_steal_pointer(live);
    virDomainObjNoteDef(obj);
}

void
virDomainObjRestorePersistentDef(virDomainObj *obj)
{
    if (obj->newDef) {
        virDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    obj->def->id = -1;
}

void
virDomainObjReplaceDef(virDomainObj *obj, virDomainDef **def)
{
    virDomainDefFree(obj->def);
    obj->def = g_steal_pointer(def);
    virDomainObjNoteDef(obj);
}

void
virDomainObjDropPersistentDef(virDomainObj *obj)
{
    obj->persistent = false;
    g_clear_pointer(&obj->newDef, virDomainDefFree);
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

bool
virDomainObjConfigIsCurrent(const virDomainObj *obj, const char *dir)
{
    g_autofree char *path = NULL;
    struct stat sb;

    if (!obj->persistent)
        return false;
    path = virDomainConfigFile(dir, obj->def->name);
    return stat(path, &sb) == 0 && obj->configMtime == virStatMtimeNs(&sb) &&
        obj->configIno == (guint64)sb.st_ino;
}

static void
virDomainObjListDropMissing(virDomainObjList *list, GHashTable *present,
                            virDomainObj *self)
{
    g_autoptr(GPtrArray) all = virDomainObjListCollect(list);
    size_t i;

    for (i = 0; i < all->len; i++) {
        virDomainObj *obj = g_ptr_array_index(all, i);

        virDomainObjLock(obj);
        if ((obj->busy && obj != self) || !obj->persistent ||
            g_hash_table_contains(present, obj->def->name)) {
            virDomainObjUnlock(obj);
            continue;
        }
        if (virDomainObjIsActive(obj)) {
            /* undefined elsewhere while running: becomes transient */
            virDomainObjDropPersistentDef(obj);
        } else {
            virDomainObjListRemove(list, obj);
        }
        virDomainObjUnlock(obj);
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
        g_autofree char *otherPath = NULL;
        g_autoptr(virDomainObj) ref = virDomainObjRef(other);
        VIR_LOCK_GUARD lock = virDomainObjLockGuard(ref);

        /* what was loaded of a stopped domain whose definition is gone
         * or was replaced since (undefined or redefined elsewhere): not
         * a claim that is still on disk; its file, if any, is read again
         * after this one (a file sorted before was read already) */
        if (!virDomainObjIsActive(other) && !other->busy &&
            !virDomainObjConfigIsCurrent(other, dir)) {
            virDomainObjListRemove(list, other);
            return false;
        }
        otherPath = virDomainConfigFile(dir, other->def->name);

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
virDomainObjListSyncConfigDir(virDomainObjList *list, const char *dir, virDomainObj *self)
{
    g_autoptr(GHashTable) present = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                          g_free, NULL);
    g_autoptr(GPtrArray) files = NULL;
    virDomainObj *held = NULL;      /* the object of the current file, locked */
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

        g_clear_pointer(&held, virDomainObjUnlockUnref);
        if ((obj = virDomainObjListFindByName(list, name))) {
            held = virDomainObjRef(obj);
            virDomainObjLock(held);
        }
        /* a domain in a job of this process keeps what its job made of it */
        if (obj && obj->busy && obj != self)
            continue;
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

        if (obj && (virDomainObjIsActive(obj) ||
                    memcmp(obj->def->uuid, def->uuid, VIR_UUID_BUFLEN) == 0)) {
            /* the same object: handles and jobs on it stay valid */
            virDomainObjSetPersistentDef(obj, &def);
        } else {
            if (obj)
                virDomainObjListRemove(list, obj);
            g_clear_pointer(&held, virDomainObjUnlockUnref);
            obj = virDomainObjListAdd(list, g_steal_pointer(&def));
            held = virDomainObjRef(obj);
            virDomainObjLock(held);
        }
        obj->persistent = true;
        obj->configMtime = virStatMtimeNs(&sb);
        obj->configIno = sb.st_ino;
    }
    g_clear_pointer(&held, virDomainObjUnlockUnref);

    virDomainObjListDropMissing(list, present, self);
    return 0;
}
