/*
 * fuzzreplay.c: the main() of a fuzz target built without libFuzzer
 *
 * Runs every file given on the command line, and every file of the
 * directories given, through LLVMFuzzerTestOneInput: the suite replays
 * the corpus and crash regressions of each target with it.
 *
 * Built with FUZZ_REPLAY_MANIFEST, the first argument is a manifest
 * ("parses NAME" or "rejected NAME" per line, NAME relative to the
 * manifest's directory) and each file's result must be the one it gives;
 * a file the manifest does not name, and a name with no file, fail.
 */
#include "internal.h"

#include "fuzzreplay.h"

#ifdef FUZZ_REPLAY_MANIFEST
int
main(int argc, char **argv)
{
    g_autofree char *manifest = NULL;
    g_autofree char *base = NULL;
    g_autoptr(GHashTable) expect = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_auto(GStrv) lines = NULL;
    GHashTableIter iter;
    gpointer key;
    int fail = 0;
    int i;

    if (argc < 3 || !g_file_get_contents(argv[1], &manifest, NULL, NULL)) {
        fprintf(stderr, "usage: %s MANIFEST DIR...\n", argv[0]);
        return 1;
    }
    base = g_path_get_dirname(argv[1]);
    lines = g_strsplit(manifest, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) w = g_strsplit(lines[i], " ", 2);

        if (!w[0] || !*w[0] || w[0][0] == '#')
            continue;
        if (!w[1] || (STRNEQ(w[0], "parses") && STRNEQ(w[0], "rejected"))) {
            printf("not ok - %s:%d: expected 'parses NAME' or 'rejected NAME'\n", argv[1], i + 1);
            return 1;
        }
        g_hash_table_insert(expect, g_build_filename(base, w[1], NULL), g_strdup(w[0]));
    }

    for (i = 2; i < argc; i++) {
        g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
        const char *ent;

        if (!dir) {
            printf("not ok - cannot open %s\n", argv[i]);
            return 1;
        }
        while ((ent = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(argv[i], ent, NULL);
            g_autofree char *data = NULL;
            const char *want = NULL;
            const char *got;
            gsize len = 0;

            if (!g_hash_table_lookup_extended(expect, path, &key, (gpointer *)&want)) {
                printf("not ok - %s is not in %s: add it as 'parses' or 'rejected'\n", path, argv[1]);
                fail = 1;
                continue;
            }
            g_hash_table_add(seen, key);
            if (!g_file_get_contents(path, &data, &len, NULL)) {
                printf("not ok - cannot read %s\n", path);
                return 1;
            }
            got = fuzzReplayAccepts((const uint8_t *)data, len) ? "parses" : "rejected";
            if (STREQ(got, want)) {
                printf("ok - %s %s\n", ent, got);
            } else {
                printf("not ok - %s %s, expected %s\n", ent, got, want);
                fail = 1;
            }
        }
    }
    g_hash_table_iter_init(&iter, expect);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_hash_table_contains(seen, key)) {
            printf("not ok - %s is in %s but missing\n", (const char *)key, argv[1]);
            fail = 1;
        }
    }
    printf("# %u files checked\n", g_hash_table_size(seen));
    return fail;
}
#else
static int
fuzzReplayFile(const char *path, const char *title)
{
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    printf("ok - %s\n", title);
    return 0;
}

int
main(int argc, char **argv)
{
    size_t n = 0;
    int i;

    for (i = 1; i < argc; i++) {
        g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
        const char *ent;

        if (!dir) {
            if (fuzzReplayFile(argv[i], argv[i]) < 0)
                return 1;
            n++;
            continue;
        }
        while ((ent = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(argv[i], ent, NULL);

            if (fuzzReplayFile(path, ent) < 0)
                return 1;
            n++;
        }
    }
    printf("%zu passed, 0 failed\n", n);
    return n ? 0 : 1;
}
#endif
