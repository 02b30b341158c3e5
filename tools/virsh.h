/*
 * virsh.h: the command line client: shared types of the command modules
 *
 * virsh uses the public API only.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

typedef enum {
    VSH_OT_BOOL,        /* --flag */
    VSH_OT_STRING,      /* --name VALUE, or positional */
    VSH_OT_INT,
} vshOptType;

typedef enum {
    VSH_OFLAG_NONE = 0,
    VSH_OFLAG_REQ = 1 << 0,     /* must be given */
    VSH_OFLAG_POS = 1 << 1,     /* may be given without its --name */
} vshOptFlags;

typedef struct {
    const char *name;
    vshOptType type;
    unsigned int flags;         /* vshOptFlags */
    const char *help;
} vshCmdOptDef;

typedef struct _vshControl vshControl;
typedef struct _vshCmd vshCmd;

typedef struct {
    const char *name;
    bool (*handler)(vshControl *ctl, const vshCmd *cmd);
    const vshCmdOptDef *opts;   /* terminated by { NULL } */
    const char *help;           /* one line */
    const char *desc;           /* longer description */
} vshCmdDef;

struct _vshControl {
    char *uri;                  /* NULL: library default */
    bool readonly;
    bool quiet;
    virConnectPtr conn;
    bool connectFailed;         /* reported: the command prints no more */
};

/* Connect on first use. */
virConnectPtr vshConnection(vshControl *ctl);

/* Option values of a parsed command. */
bool vshCommandOptBool(const vshCmd *cmd, const char *name);
const char *vshCommandOptString(const vshCmd *cmd, const char *name);
/* 0 absent, 1 given, -1 malformed (error printed) */
int vshCommandOptInt(vshControl *ctl, const vshCmd *cmd, const char *name, int *value);
/* The same for an unsigned number; with @wrap a negative one is taken
 * modulo 2^64 (-1 is the largest), as libvirt's virsh does for a
 * bandwidth. */
int vshCommandOptULongLong(vshControl *ctl, const vshCmd *cmd, const char *name,
                           unsigned long long *value, bool wrap);

/* Look up the DOMAIN argument by id, UUID or name, printing
 * "error: failed to get domain 'X'" on failure. */
virDomainPtr vshCommandOptDomain(vshControl *ctl, const vshCmd *cmd, const char **name);

void vshPrint(vshControl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void vshError(vshControl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Print the library's last error as "error: ...". */
void vshReportError(vshControl *ctl);
/* Forget a library error that the command tolerates. */
void vshResetError(void);

/* Print @rows (char ** of @ncols columns, the first the header) as
 * libvirt's virsh prints its tables. */
void vshTablePrint(vshControl *ctl, GPtrArray *rows, size_t ncols);

/* --name and --uuid of a list command: false, with an error, when --table
 * comes with them. */
bool vshListOutputOpts(vshControl *ctl, const vshCmd *cmd, bool *optName, bool *optUUID);
/* The line of one object in a list --name and/or --uuid: @uuid (NULL: not
 * printed), then with @optName the name. */
void vshListPrintNameUUID(bool optName, const char *name, const char *uuid);

/* Read a whole file named by an option ("error: Failed to open file ..."). */
char *vshReadFile(vshControl *ctl, const char *path);

const char *vshDomainStateToString(int state);
const char *vshDomainStateReasonToString(int state, int reason);

/* What "edit" and "net-edit" need of their object. */
typedef struct {
    char *(*dump)(void *obj);               /* the XML to edit, NULL on error */
    const char *(*name)(void *obj);
    /* Define @xml (with schema validation if @validate): the name of the
     * object defined, or NULL with the library's error pending. */
    char *(*define)(vshControl *ctl, const char *xml, bool validate);
    const char *notChangedFmt;              /* "... %s ... not changed.\n" */
    const char *editedFmt;                  /* "... %s ... edited.\n" */
} vshEditOps;

/* Edit @obj's XML in $VISUAL/$EDITOR and define the result; on failure
 * libvirt's "Failed. Try again? [y,n,i,f,?]" question. */
bool vshEdit(vshControl *ctl, const vshEditOps *ops, void *obj, bool validate);

/* The aliases of the devices of a domain XML (NULL-terminated; empty if
 * it does not parse). */
char **vshDomainXMLAliases(const char *xml);

/* Every command (help first, then the groups' tables, then with @hidden
 * the commands the help does not list), and one by name. */
GPtrArray *vshCommandList(bool hidden);
const vshCmdDef *vshCmddefSearch(const char *name);

/* Print the completions of the command line @line (up to the cursor, the
 * program name first), one per line. Returns the exit status. */
int vshComplete(const char *line);

/* The argument vectors (GStrv) of the commands of a command string
 * ("cmd1 ARGS; cmd2 ARGS"), quoted as Debian's virsh reads them; NULL
 * (error printed) on a syntax error. */
GPtrArray *vshCommandStringSplit(vshControl *ctl, const char *str);

/* Command tables of the modules. */
extern const vshCmdDef domManagementCmds[];
extern const vshCmdDef domMonitoringCmds[];
extern const vshCmdDef hostAndHypervisorCmds[];
extern const vshCmdDef networkCmds[];
extern const vshCmdDef nodedevCmds[];

/* virsh-domain-event.c: the event command (in domManagementCmds) */
bool cmdEvent(vshControl *ctl, const vshCmd *cmd);
extern const vshCmdOptDef opts_event[];
