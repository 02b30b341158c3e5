/*
 * qemumigrationrecovertest.c: the rule that settles a migration whose
 * process died (docs/teaming.rst), for every pair of states the two sides
 * can be found in: the guest never runs on both sides and is never left
 * paused on both.
 */
#include "internal.h"

#include "qemu/qemu_migration.h"
#include "testutils.h"

#define S(x) QEMU_MIGRATION_SRC_ ## x
#define D(x) QEMU_MIGRATION_DST_ ## x
#define A(x) QEMU_MIGRATION_RECOVER_ ## x

typedef struct {
    qemuMigrationSrcState src;
    qemuMigrationDstState dst;
    qemuMigrationRecoverAction want;
} testCase;

static const testCase cases[] = {
    /* a source that did not complete runs the guest (again): whatever
     * the destination holds is a copy */
    { S(HAS_GUEST), D(UNREACHABLE), A(ROLLBACK) },
    { S(HAS_GUEST), D(GONE), A(ROLLBACK) },
    { S(HAS_GUEST), D(INCOMING), A(ROLLBACK) },
    { S(HAS_GUEST), D(HAS_GUEST), A(ROLLBACK) },
    /* a source that completed never runs the guest by itself */
    { S(SENT), D(HAS_GUEST), A(COMPLETE) },
    { S(SENT), D(INCOMING), A(ROLLBACK) },
    { S(SENT), D(GONE), A(ROLLBACK) },
    { S(SENT), D(UNREACHABLE), A(KEEP) },
    /* nor while the destination's daemon has not settled its side */
    { S(SENT), D(UNDECIDED), A(KEEP) },
    { S(HAS_GUEST), D(UNDECIDED), A(ROLLBACK) },
    { S(GONE), D(UNDECIDED), A(ROLLBACK) },
    { S(UNREACHABLE), D(UNDECIDED), A(ROLLBACK) },
    /* a destination with the whole guest is the only place it is */
    { S(GONE), D(HAS_GUEST), A(COMPLETE) },
    { S(UNREACHABLE), D(HAS_GUEST), A(COMPLETE) },
    /* no side has the whole guest: the destination's half is undone */
    { S(GONE), D(INCOMING), A(ROLLBACK) },
    { S(GONE), D(GONE), A(ROLLBACK) },
    { S(GONE), D(UNREACHABLE), A(ROLLBACK) },
    { S(UNREACHABLE), D(INCOMING), A(ROLLBACK) },
    { S(UNREACHABLE), D(GONE), A(ROLLBACK) },
};

static int
testDecide(const void *opaque)
{
    const testCase *c = opaque;
    qemuMigrationRecoverAction got = qemuMigrationRecoverDecide(c->src, c->dst);

    if (got != c->want) {
        printf("# source %s, destination %s: %s, expected %s\n",
               qemuMigrationSrcStateTypeToString(c->src),
               qemuMigrationDstStateTypeToString(c->dst),
               qemuMigrationRecoverActionTypeToString(got),
               qemuMigrationRecoverActionTypeToString(c->want));
        return -1;
    }
    return 0;
}

/* every pair is in the table (UNREACHABLE on both sides cannot happen:
 * the side that recovers is there) */
static int
testComplete(const void *opaque G_GNUC_UNUSED)
{
    int s, d;
    size_t i;

    for (s = 0; s < QEMU_MIGRATION_SRC_LAST; s++) {
        for (d = 0; d < QEMU_MIGRATION_DST_LAST; d++) {
            bool found = s == S(UNREACHABLE) && d == D(UNREACHABLE);

            for (i = 0; i < G_N_ELEMENTS(cases); i++)
                found |= (int)cases[i].src == s && (int)cases[i].dst == d;
            if (!found) {
                printf("# no case for source %s, destination %s\n",
                       qemuMigrationSrcStateTypeToString(s),
                       qemuMigrationDstStateTypeToString(d));
                return -1;
            }
        }
    }
    return 0;
}

static int
mymain(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = g_strdup_printf("source %s, destination %s: %s",
                                                 qemuMigrationSrcStateTypeToString(cases[i].src),
                                                 qemuMigrationDstStateTypeToString(cases[i].dst),
                                                 qemuMigrationRecoverActionTypeToString(cases[i].want));

        virTestRun(title, testDecide, &cases[i]);
    }
    virTestRun("every pair of states has a case", testComplete, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
