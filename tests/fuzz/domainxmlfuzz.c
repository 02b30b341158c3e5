/*
 * domainxmlfuzz.c: libFuzzer target for the domain XML parser
 *
 * Any input: parse (with post-parse defaults and validation), and when it
 * parses, format it and parse the result again (which must succeed).
 * Built with -fsanitize=fuzzer,address,undefined (meson -Dfuzz=true); the
 * same file with fuzzreplay.c replays tests/fuzz/regressions/ in the suite.
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
