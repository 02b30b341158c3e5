/*
 * virhostuuidtest.c: the host's UUID from the firmware's (SMBIOS) file
 * under a sysfs root, the values that are no UUID, and the random one
 * when there is none; a machine-id file; the daemon's override.
 */
#include "internal.h"

#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostuuid.h"
#include "viruuid.h"

/* A sysfs root holding @content in @rel (NULL: nothing). */
static char *
testSysfs(const char *rel, const char *content)
{
    g_autofree char *root = g_dir_make_tmp("virhostuuid.XXXXXX", NULL);
    g_autofree char *path = NULL;
    g_autofree char *dir = NULL;

    if (!root)
        return NULL;
    if (rel) {
        path = g_build_filename(root, rel, NULL);
        dir = g_path_get_dirname(path);
        if (g_mkdir_with_parents(dir, 0755) < 0 ||
            !g_file_set_contents(path, content, -1, NULL))
            return NULL;
    }
    return g_steal_pointer(&root);
}

typedef struct {
    const char *title;
    const char *rel;
    const char *content;
    const char *expected;       /* NULL: none found */
} testCase;

static int
testRead(const void *data)
{
    const testCase *t = data;
    g_autofree char *root = testSysfs(t->rel, t->content);
    unsigned char uuid[VIR_UUID_BUFLEN];
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    int rc;
    int ret = -1;

    if (!root)
        return -1;
    rc = virHostUUIDReadSMBIOS(root, uuid);
    if (!t->expected && rc == 0)
        fprintf(stderr, "found %s\n", virUUIDFormat(uuid, uuidstr));
    else if (t->expected && rc < 0)
        fprintf(stderr, "found none\n");
    else if (t->expected && STRNEQ(virUUIDFormat(uuid, uuidstr), t->expected))
        fprintf(stderr, "found %s, expected %s\n", uuidstr, t->expected);
    else
        ret = 0;
    virFileDeleteTree(root);
    return ret;
}

/* Without a firmware UUID: a random, valid one, another each time. */
static int
testRandom(const void *data G_GNUC_UNUSED)
{
    g_autofree char *root = testSysfs(NULL, NULL);
    unsigned char a[VIR_UUID_BUFLEN], b[VIR_UUID_BUFLEN];
    int ret = -1;

    if (!root)
        return -1;
    virHostUUIDGet(root, a);
    virHostUUIDGet(root, b);
    if (!virHostUUIDIsValid(a) || !virHostUUIDIsValid(b) || memcmp(a, b, VIR_UUID_BUFLEN) == 0)
        fprintf(stderr, "random UUIDs invalid or equal\n");
    else
        ret = 0;
    virFileDeleteTree(root);
    return ret;
}

typedef struct {
    const char *title;
    const char *content;        /* NULL: no file */
    const char *expected;       /* NULL: an error "host_uuid_source: @error
                                 * 'PATH'@errorEnd" */
    const char *error;
    const char *errorEnd;
} testMachineIDCase;

static int
testMachineID(const void *data)
{
    const testMachineIDCase *t = data;
    g_autofree char *dir = g_dir_make_tmp("virhostuuid.XXXXXX", NULL);
    g_autofree char *path = NULL;
    g_autofree char *msg = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    int rc;
    int ret = -1;

    if (!dir)
        return -1;
    path = g_build_filename(dir, "machine-id", NULL);
    if (t->content && !g_file_set_contents(path, t->content, -1, NULL))
        goto cleanup;
    rc = virHostUUIDReadMachineID(path, "host_uuid_source", uuid);
    if (t->expected) {
        if (rc < 0)
            fprintf(stderr, "failed: %s\n", virGetLastErrorMessage());
        else if (STRNEQ(virUUIDFormat(uuid, uuidstr), t->expected))
            fprintf(stderr, "found %s, expected %s\n", uuidstr, t->expected);
        else
            ret = 0;
        goto cleanup;
    }
    msg = g_strdup_printf("host_uuid_source: %s'%s'%s", t->error, path, t->errorEnd);
    if (rc == 0)
        fprintf(stderr, "accepted as %s\n", virUUIDFormat(uuid, uuidstr));
    else
        ret = virTestExpectError(t->title, msg);

 cleanup:
    virFileDeleteTree(dir);
    return ret;
}

/* Once the daemon has set the host's UUID, every root gets it, whatever
 * its firmware's; it stays for the process (this test runs last). */
static int
testOverride(const void *data G_GNUC_UNUSED)
{
    g_autofree char *root = testSysfs("devices/virtual/dmi/id/product_uuid",
                                      "4c4c4544-0031-3510-8052-b4c04f4e3732\n");
    unsigned char set[VIR_UUID_BUFLEN], got[VIR_UUID_BUFLEN];
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    int ret = -1;

    if (!root || virUUIDParse("7d3c6b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a", set) < 0)
        return -1;
    virHostUUIDGet(root, got);
    if (STRNEQ(virUUIDFormat(got, uuidstr), "4c4c4544-0031-3510-8052-b4c04f4e3732")) {
        fprintf(stderr, "before the override: %s\n", uuidstr);
        goto cleanup;
    }
    virHostUUIDSetOverride(set);
    virHostUUIDGet(root, got);
    if (memcmp(got, set, VIR_UUID_BUFLEN) != 0) {
        fprintf(stderr, "after the override: %s\n", virUUIDFormat(got, uuidstr));
        goto cleanup;
    }
    virHostUUIDGet("/nonexistent", got);
    if (memcmp(got, set, VIR_UUID_BUFLEN) != 0) {
        fprintf(stderr, "another root after the override: %s\n", virUUIDFormat(got, uuidstr));
        goto cleanup;
    }
    ret = 0;
 cleanup:
    virFileDeleteTree(root);
    return ret;
}

static int
mymain(void)
{
    static const testCase cases[] = {
        { "devices/virtual/dmi/id", "devices/virtual/dmi/id/product_uuid",
          "4c4c4544-0031-3510-8052-b4c04f4e3732\n", "4c4c4544-0031-3510-8052-b4c04f4e3732" },
        { "upper case", "devices/virtual/dmi/id/product_uuid",
          "4C4C4544-0031-3510-8052-B4C04F4E3732\n", "4c4c4544-0031-3510-8052-b4c04f4e3732" },
        { "class/dmi/id", "class/dmi/id/product_uuid",
          "0a1b2c3d-4e5f-4a1b-8c9d-0e1f2a3b4c5d\n", "0a1b2c3d-4e5f-4a1b-8c9d-0e1f2a3b4c5d" },
        { "none: no file", NULL, NULL, NULL },
        { "none: all FF (firmware left it unset)", "devices/virtual/dmi/id/product_uuid",
          "ffffffff-ffff-ffff-ffff-ffffffffffff\n", NULL },
        { "none: all 00", "devices/virtual/dmi/id/product_uuid",
          "00000000-0000-0000-0000-000000000000\n", NULL },
        { "none: not a UUID", "devices/virtual/dmi/id/product_uuid", "Not Settable\n", NULL },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        virTestRun(cases[i].title, testRead, &cases[i]);
    static const testMachineIDCase machineIDs[] = {
        { "machine-id", "9f0b3c1d2e4a4b5c8d6e7f8091a2b3c4\n",
          "9f0b3c1d-2e4a-4b5c-8d6e-7f8091a2b3c4", NULL, NULL },
        { "machine-id with dashes", "9f0b3c1d-2e4a-4b5c-8d6e-7f8091a2b3c4",
          "9f0b3c1d-2e4a-4b5c-8d6e-7f8091a2b3c4", NULL, NULL },
        { "machine-id missing", NULL, NULL, "cannot read ", ": " },
        { "machine-id empty", "", NULL, "", " does not hold a valid machine ID" },
        { "machine-id all zero", "00000000000000000000000000000000\n", NULL,
          "", " does not hold a valid machine ID" },
        { "machine-id too short", "9f0b3c1d2e4a\n", NULL, "", " does not hold a valid machine ID" },
    };

    for (i = 0; i < G_N_ELEMENTS(machineIDs); i++)
        virTestRun(machineIDs[i].title, testMachineID, &machineIDs[i]);
    virTestRun("random when the firmware has none", testRandom, NULL);
    virTestRun("the daemon's override", testOverride, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
