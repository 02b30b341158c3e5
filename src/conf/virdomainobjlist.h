/*
 * virdomainobjlist.h: the domains a driver knows, by name and UUID, and
 * their persistent configuration files
 */
#pragma once

#include "domain_conf.h"

/* A domain as a driver knows it. Threads: see docs/hacking.rst "Threads
 * and locks". @lock guards every field below it; it is held briefly only
 * (never across a wait on QEMU, a file lock or another domain). The
 * thread that owns the domain's job (qemu_domain.h) changes the fields
 * with @lock held and may read them without it; every other thread reads
 * them with @lock held. @refs: one for the list while the object is in
 * it, one for each thread using it. */
typedef struct _virDomainObj virDomainObj;
struct _virDomainObj {
    GMutex lock;
    gint refs;
    /* jobs of this process on the domain (the driver's job code counts
     * them): a sync from disk leaves such an object alone */
    int busy;
    bool removed;               /* no longer in its list */
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

virDomainObj *virDomainObjRef(virDomainObj *obj);
void virDomainObjUnref(virDomainObj *obj);
void virDomainObjLock(virDomainObj *obj);
void virDomainObjUnlock(virDomainObj *obj);
void virDomainObjUnlockUnref(virDomainObj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainObj, virDomainObjUnref);
/* A scope that holds the lock of @obj: VIR_LOCK_GUARD l = virDomainObjLockGuard(obj); */
#define VIR_LOCK_GUARD g_autoptr(GMutexLocker) G_GNUC_UNUSED
#define virDomainObjLockGuard(obj) g_mutex_locker_new(&(obj)->lock)
/* The end of a use of an object returned by virDomainObjListGetBy*:
 * unlock, drop the reference, clear *@obj. */
void virDomainObjEndAPI(virDomainObj **obj);

/* Lookups for threads that change the domain: the object referenced and
 * locked (virDomainObjEndAPI), or NULL (nothing reported). The list's
 * mutex is held only for the lookup itself. */
virDomainObj *virDomainObjListGetByName(virDomainObjList *list, const char *name);
virDomainObj *virDomainObjListGetByUUID(virDomainObjList *list,
                                        const unsigned char *uuid);

/* Borrowed lookups, unlocked: only for a thread holding the root's lock
 * (virrootlock.h), under which alone objects are added and removed, or a
 * single-threaded user (tools, tests). */
virDomainObj *virDomainObjListFindByName(virDomainObjList *list, const char *name);
virDomainObj *virDomainObjListFindByUUID(virDomainObjList *list,
                                         const unsigned char *uuid);

/* Check that @def may take its name and UUID: an existing domain of the
 * same name must have the same UUID and vice versa. Returns the existing
 * object (to be updated; borrowed) or NULL with *conflict false if new;
 * -1 style failure is signalled by *conflict = true with an error
 * reported. Caller holds the root's lock, and no object lock. */
virDomainObj *virDomainObjListCheckAdd(virDomainObjList *list,
                                       const virDomainDef *def,
                                       bool *conflict);

/* Add a new object taking ownership of @def; the object is borrowed
 * (the list's reference), unlocked. Caller holds the root's lock. */
virDomainObj *virDomainObjListAdd(virDomainObjList *list, virDomainDef *def);
/* Drop @obj from the list (its reference goes: a thread that holds its own
 * keeps a valid object that is no longer listed). Caller holds the root's
 * lock; @obj may be locked by the caller. */
void virDomainObjListRemove(virDomainObjList *list, virDomainObj *obj);

/* All objects, sorted by name; the array holds a reference on each (freeing
 * it drops them). The objects are not locked. */
GPtrArray *virDomainObjListCollect(virDomainObjList *list);
/* The running ones, by name (only they are sorted: cheap with many
 * domains); referenced as above. */
GPtrArray *virDomainObjListCollectActive(virDomainObjList *list);
size_t virDomainObjListCount(virDomainObjList *list);

/* The persistent definition: newDef while running, else def. */
virDomainDef *virDomainObjGetPersistentDef(virDomainObj *obj);

/* The swaps between the live and the persistent definition, one place
 * for each (object locked by the caller):
 * - @def becomes the persistent definition (newDef while running, else
 *   def), the one it replaces freed; *@def is taken; */
void virDomainObjSetPersistentDef(virDomainObj *obj, virDomainDef **def);
/* - @live becomes the running definition, the persistent one kept as
 *   newDef (a transient domain's def is freed); */
void virDomainObjSetLiveDef(virDomainObj *obj, virDomainDef **live);
/* - after a run, back to the persistent definition (the live one freed); */
void virDomainObjRestorePersistentDef(virDomainObj *obj);
/* - @def replaces the definition in use (def), which is freed; */
void virDomainObjReplaceDef(virDomainObj *obj, virDomainDef **def);
/* - the persistent definition is gone (undefined while running). */
void virDomainObjDropPersistentDef(virDomainObj *obj);
bool virDomainObjIsActive(const virDomainObj *obj);

/* Persistent configs: DIR/NAME.xml */
char *virDomainConfigFile(const char *dir, const char *name);
int virDomainDefSaveConfig(const char *dir, const virDomainDef *def);
int virDomainDeleteConfig(const char *dir, const char *name);

/* Is @obj (locked) persistent with the config file in @dir it was loaded
 * from or saved to still there, unchanged? When not, what the object
 * holds of its definition is from before another process undefined or
 * redefined it. */
bool virDomainObjConfigIsCurrent(const virDomainObj *obj, const char *dir);

/* Make the list's persistent domains match the files in @dir: new files
 * are parsed, changed ones re-read, vanished ones dropped (unless running).
 * Files that fail to parse are skipped with a warning, and so are files
 * whose UUID another domain has: domains already in the list (running ones
 * first) keep theirs, then files claim theirs in the order of their names.
 * A stopped domain whose file is gone or changed claims nothing: what it
 * held is from another moment than the files. */
int virDomainObjListSyncConfigDir(virDomainObjList *list, const char *dir,
                                  virDomainObj *self);
