/*
 * virnetprogramtest.c: the procedure tables generated from the .x files
 *
 * Checks the REMOTE table against what the clients need
 * (protocol.md sections 3 and 4), and its read-only marks against the
 * procedure names: a procedure that creates, changes, starts, stops or
 * migrates something must be refused on a read-only connection.
 */
#include "internal.h"

#include "testutils.h"
#include "virnetprogram.h"
#include "remote_program.h"

static int
testSorted(const void *opaque)
{
    const virNetProgram *program = opaque;
    size_t i;

    if (program->nprocs == 0)
        return -1;
    for (i = 0; i < program->nprocs; i++) {
        const virNetProcedure *p = &program->procs[i];

        if (i > 0 && p->proc <= program->procs[i - 1].proc) {
            fprintf(stderr, "%s is out of order\n", p->name);
            return -1;
        }
        if (virNetProgramLookup(program, p->proc) != p) {
            fprintf(stderr, "lookup of %d does not find %s\n", p->proc, p->name);
            return -1;
        }
        if (!p->argsFilter || !p->retFilter) {
            fprintf(stderr, "%s has no filter\n", p->name);
            return -1;
        }
        if ((p->flags & VIR_NET_PROCEDURE_MESSAGE) && p->retSize != 0) {
            fprintf(stderr, "event %s has a reply\n", p->name);
            return -1;
        }
    }
    if (virNetProgramLookup(program, 0) || virNetProgramLookup(program, -1) ||
        virNetProgramLookup(program, program->procs[program->nprocs - 1].proc + 1))
        return -1;
    return 0;
}

/* Every procedure of the call sequences of protocol.md 3.1, 3.3, 3.4 and
 * 4, and the events of 3.4. */
static int
testCoverage(const void *opaque G_GNUC_UNUSED)
{
    static const int needed[] = {
        /* connection, auth */
        1, 2, 3, 4, 7, 59, 60, 66, 70, 110, 157, 360, 361, 362,
        /* host, domains */
        6, 8, 9, 11, 12, 13, 14, 15, 16, 22, 23, 24, 35, 150, 151, 160, 161, 183, 187,
        196, 212, 231, 234, 273, 350, 392,
        /* virsh create, suspend, resume, autostart, dominfo */
        10, 19, 28, 29, 34, 121, 122, 426,
        /* python's numOfDomains, listDomainsID, numOfDefinedDomains,
         * listDefinedDomains */
        51, 37, 25, 21,
        /* virsh shutdown, domcapabilities, domxml-to-native (served by
         * virtqemud) */
        33, 258, 342, 136,
        /* networks */
        39, 41, 42, 43, 44, 46, 47, 48, 49, 152, 153, 283, 432,
        /* events */
        107, 167, 168, 313, 314, 315, 316, 317, 318, 319, 333, 354, 359, 363, 367,
        /* jobs, migration */
        163, 164, 166, 207, 242, 298, 302, 303, 304, 305, 306, 307, 442,
    };
    size_t i;
    int ret = 0;

    for (i = 0; i < G_N_ELEMENTS(needed); i++) {
        if (!virNetProgramLookup(&remoteProgram, needed[i])) {
            fprintf(stderr, "REMOTE procedure %d is missing\n", needed[i]);
            ret = -1;
        }
    }
    return ret;
}

/* Words (a name is matched as _NAME_) of procedures that change
 * something (or that libvirt's API refuses to read-only connections
 * although they change nothing: XML_TO_NATIVE, a guest's full command
 * line), and of those that only read (or only concern the connection
 * itself). */
static const char *const mutating[] = {
    "_DEFINE_", "_UNDEFINE_", "_CREATE_", "_DESTROY_", "_ATTACH_", "_DETACH_", "_SET_",
    "_SUSPEND_", "_RESUME_", "_SHUTDOWN_", "_ABORT_", "_DETTACH_", "MIGRATE_BEGIN", "MIGRATE_PREPARE", "MIGRATE_PERFORM", "MIGRATE_FINISH",
    "MIGRATE_CONFIRM", "_XML_TO_NATIVE_",
};
static const char *const reading[] = {
    "_GET_", "LOOKUP_", "_LIST_", "_IS_", "HAS_", "SNAPSHOT_NUM", "SUPPORTS_FEATURE",
    "AUTH_", "CONNECT_OPEN", "CONNECT_CLOSE", "REGISTER", "_EVENT_", "_NUM_OF_",
};

static bool
testNameHas(const char *name, const char *const *parts, size_t nparts)
{
    g_autofree char *padded = g_strdup_printf("_%s_", name);
    size_t i;

    for (i = 0; i < nparts; i++) {
        if (strstr(padded, parts[i]))
            return true;
    }
    return false;
}

static int
testReadOnly(const void *opaque G_GNUC_UNUSED)
{
    size_t i;
    size_t nro = 0, nrw = 0;
    int ret = 0;

    for (i = 0; i < remoteProgram.nprocs; i++) {
        const virNetProcedure *p = &remoteProgram.procs[i];
        bool ro = p->flags & VIR_NET_PROCEDURE_READONLY;
        bool mut = testNameHas(p->name, mutating, G_N_ELEMENTS(mutating));
        bool rd = testNameHas(p->name, reading, G_N_ELEMENTS(reading));

        /* "DOMAIN_MIGRATE_GET_MAX_SPEED" reads; the MIGRATE_ parts above
         * name only the steps of a migration. */
        if (mut && (p->flags & VIR_NET_PROCEDURE_MESSAGE)) {
            fprintf(stderr, "event %s looks like a change\n", p->name);
            ret = -1;
        } else if (mut && ro) {
            fprintf(stderr, "%s changes something but is allowed on a read-only connection\n",
                    p->name);
            ret = -1;
        } else if (!mut && rd && !ro) {
            fprintf(stderr, "%s only reads but is refused on a read-only connection\n", p->name);
            ret = -1;
        } else if (!mut && !rd) {
            fprintf(stderr, "%s: add its name to a list of virnetprogramtest.c\n", p->name);
            ret = -1;
        }
        if (ro)
            nro++;
        else
            nrw++;
    }
    printf("# REMOTE: %zu procedures allowed read-only, %zu refused\n", nro, nrw);
    return ret;
}

/* Before authentication: only the auth procedures (and keepalive). */
static int
testNoAuth(const void *opaque G_GNUC_UNUSED)
{
    size_t i;

    for (i = 0; i < remoteProgram.nprocs; i++) {
        const virNetProcedure *p = &remoteProgram.procs[i];
        bool noauth = p->flags & VIR_NET_PROCEDURE_NOAUTH;

        if (noauth != g_str_has_prefix(p->name, "AUTH_")) {
            fprintf(stderr, "%s: allowed before authentication: %d\n", p->name, noauth);
            return -1;
        }
    }
    for (i = 0; i < virKeepaliveProgram.nprocs; i++) {
        unsigned int want = VIR_NET_PROCEDURE_READONLY | VIR_NET_PROCEDURE_NOAUTH |
                            VIR_NET_PROCEDURE_MESSAGE | VIR_NET_PROCEDURE_PRIORITY;

        if (virKeepaliveProgram.procs[i].flags != want)
            return -1;
    }
    return 0;
}

/* Calls that wait on a guest or QEMU never take a priority worker. */
static int
testPriority(const void *opaque G_GNUC_UNUSED)
{
    static const int slow[] = {
        REMOTE_PROC_DOMAIN_CREATE, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
        REMOTE_PROC_DOMAIN_ATTACH_DEVICE, REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS,
        REMOTE_PROC_DOMAIN_DETACH_DEVICE, REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS,
        REMOTE_PROC_DOMAIN_DETACH_DEVICE_ALIAS, REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS,
        REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS,
        REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS,
    };
    static const int fast[] = {
        REMOTE_PROC_DOMAIN_DESTROY, REMOTE_PROC_DOMAIN_GET_STATE, REMOTE_PROC_DOMAIN_GET_JOB_INFO,
        REMOTE_PROC_DOMAIN_GET_JOB_STATS, REMOTE_PROC_DOMAIN_ABORT_JOB,
        REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(slow); i++) {
        if (virNetProgramLookup(&remoteProgram, slow[i])->flags & VIR_NET_PROCEDURE_PRIORITY)
            return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(fast); i++) {
        if (!(virNetProgramLookup(&remoteProgram, fast[i])->flags & VIR_NET_PROCEDURE_PRIORITY))
            return -1;
    }
    return 0;
}

static int
mymain(void)
{
    virTestRun("REMOTE table sorted, every entry found", testSorted, &remoteProgram);
    virTestRun("KEEPALIVE table sorted, every entry found", testSorted, &virKeepaliveProgram);
    virTestRun("REMOTE has every procedure the clients use", testCoverage, NULL);
    virTestRun("read-only marks match what each procedure does", testReadOnly, NULL);
    virTestRun("only auth and keepalive before authentication", testNoAuth, NULL);
    virTestRun("priority marks", testPriority, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
