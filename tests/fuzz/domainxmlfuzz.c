/*
 * domainxmlfuzz.c: libFuzzer target for the domain XML parser
 *
 * Any input: parse (with post-parse defaults and validation), and when it
 * parses, format it and parse the result again (which must succeed).
 * Built with -fsanitize=fuzzer,address,undefined (meson -Dfuzz=true); the
 * same file without libFuzzer replays tests/fuzz/regressions/ in the suite.
 */
#include "internal.h"

#include "domain_conf.h"
#include "virerror.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzzSilence(const char *msg G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = g_strndup((const char *)data, size);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) def2 = NULL;
    g_autofree char *out = NULL;

    virSetWarningHandler(fuzzSilence, NULL);
    if (!(def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE))) {
        virResetLastError();
        return 0;
    }
    if (!(out = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        abort();
    if (!(def2 = virDomainDefParseString(out, VIR_DOMAIN_DEF_PARSE_INACTIVE))) {
        fprintf(stderr, "formatted output does not parse again: %s\n%s",
                virGetLastErrorMessage(), out);
        abort();
    }
    return 0;
}

#ifndef VIR_FUZZ_LIBFUZZER
/* Replay mode: run every file given on the command line (or in the
 * directories given) through the target. */
int
main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
        const char *ent;

        if (!dir) {
            g_autofree char *data = NULL;
            gsize len = 0;

            if (!g_file_get_contents(argv[i], &data, &len, NULL))
                return 1;
            LLVMFuzzerTestOneInput((const uint8_t *)data, len);
            continue;
        }
        while ((ent = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(argv[i], ent, NULL);
            g_autofree char *data = NULL;
            gsize len = 0;

            if (!g_file_get_contents(path, &data, &len, NULL))
                return 1;
            LLVMFuzzerTestOneInput((const uint8_t *)data, len);
            printf("ok - %s\n", ent);
        }
    }
    return 0;
}
#endif
