/*
 * virdomainobjlist.h: the domains a driver knows, by name and UUID, and
 * their persistent configuration files
 */
#pragma once

#include "domain_conf.h"

typedef struct _virDomainObj virDomainObj;
struct _virDomainObj {
    virDomainDef *def;          /* live definition when running, else config */
    virDomainDef *newDef;       /* persistent config while running (or NULL) */
    int state;                  /* virDomainState */
    int reason;                 /* reason of the state */
    bool persistent;
    pid_t pid;                  /* 0 when not running */
    gint64 configMtime;         /* identity of the config file we loaded: */
    guint64 configIno;          /* mtime (ns) and inode (each write is a new inode) */
    void *privateData;          /* driver's */
    GDestroyNotify privateDataFree;
};

typedef struct _virDomainObjList virDomainObjList;

virDomainObjList *virDomainObjListNew(void);
void virDomainObjListFree(virDomainObjList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainObjList, virDomainObjListFree);

virDomainObj *virDomainObjListFindByName(virDomainObjList *list, const char *name);
virDomainObj *virDomainObjListFindByUUID(virDomainObjList *list,
                                         const unsigned char *uuid);

/* Check that @def may take its name and UUID: an existing domain of the
 * same name must have the same UUID and vice versa. Returns the existing
 * object (to be updated) or NULL with *conflict false if new; -1 style
 * failure is signalled by *conflict = true with an error reported. */
virDomainObj *virDomainObjListCheckAdd(virDomainObjList *list,
                                       const virDomainDef *def,
                                       bool *conflict);

/* Add a new object taking ownership of @def. */
virDomainObj *virDomainObjListAdd(virDomainObjList *list, virDomainDef *def);
void virDomainObjListRemove(virDomainObjList *list, virDomainObj *obj);

/* All objects, sorted by name (caller frees the array, not the objects). */
GPtrArray *virDomainObjListCollect(virDomainObjList *list);
/* The running ones, in no particular order (cheap with many domains). */
GPtrArray *virDomainObjListCollectActive(virDomainObjList *list);
size_t virDomainObjListCount(virDomainObjList *list);

/* The persistent definition: newDef while running, else def. */
virDomainDef *virDomainObjGetPersistentDef(virDomainObj *obj);
bool virDomainObjIsActive(const virDomainObj *obj);

/* Persistent configs: DIR/NAME.xml */
char *virDomainConfigFile(const char *dir, const char *name);
int virDomainDefSaveConfig(const char *dir, const virDomainDef *def);
int virDomainDeleteConfig(const char *dir, const char *name);

/* Make the list's persistent domains match the files in @dir: new files
 * are parsed, changed ones re-read, vanished ones dropped (unless running).
 * Files that fail to parse are skipped with a warning, and so are files
 * whose UUID another domain has: domains already in the list (running ones
 * first) keep theirs, then files claim theirs in the order of their names. */
int virDomainObjListSyncConfigDir(virDomainObjList *list, const char *dir);
