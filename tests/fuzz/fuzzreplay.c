/*
 * fuzzreplay.c: the main() of a fuzz target built without libFuzzer
 *
 * Runs every file given on the command line, and every file of the
 * directories given, through LLVMFuzzerTestOneInput: the suite replays
 * the corpus and crash regressions of each target with it.
 */
#include "internal.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
