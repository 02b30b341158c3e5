/*
 * domainxmlfuzz.c: libFuzzer target for the domain XML parser
 *
 * Any input: parse (with post-parse defaults and validation), and when it
 * parses, format it and parse the result again (which must succeed).
 * Built with -fsanitize=fuzzer,address,undefined (meson -Dfuzz=true); the
 * same file with fuzzreplay.c replays tests/fuzz/regressions/ and corpus/
 * in the suite, each with the result tests/fuzz/expected.list gives it.
 */
#include "internal.h"

#include "domain_conf.h"
#include "virerror.h"
#include "fuzzreplay.h"

static void
fuzzSilence(const char *msg G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

/* Parse, format, parse again (aborting when the output does not parse):
 * true when the input parsed. */
static bool
fuzzOne(const uint8_t *data, size_t size)
{
    g_autofree char *xml = g_strndup((const char *)data, size);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) def2 = NULL;
    g_autofree char *out = NULL;

    virSetWarningHandler(fuzzSilence, NULL);
    if (!(def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE))) {
        virResetLastError();
        return false;
    }
    if (!(out = virDomainDefFormat(def, VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        abort();
    if (!(def2 = virDomainDefParseString(out, VIR_DOMAIN_DEF_PARSE_INACTIVE))) {
        fprintf(stderr, "formatted output does not parse again: %s\n%s",
                virGetLastErrorMessage(), out);
        abort();
    }
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzOne(data, size);
    return 0;
}

bool
fuzzReplayAccepts(const uint8_t *data, size_t size)
{
    return fuzzOne(data, size);
}
