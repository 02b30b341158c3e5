/*
 * virhostuuidtest.c: the host's UUID from the firmware's (SMBIOS) file
 * under a sysfs root, the values that are no UUID, and the random one
 * when there is none.
 */
#include "internal.h"

#include "testutils.h"
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
    virTestRun("random when the firmware has none", testRandom, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
