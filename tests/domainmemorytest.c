/*
 * domainmemorytest.c: <memory> numbers are read as libvirt 9.0 reads them
 *
 * libvirt parses the text with strtoull: blanks before the number and one
 * '+' are accepted (seen with the libvirt oracle: "<memory> +131072</memory>"
 * defines a guest of 131072 KiB); a sign '-', blanks inside or after the
 * number and anything else are refused (a trailing blank is the one
 * difference, see below).
 */
#include "internal.h"

#include "domain_conf.h"
#include "testutils.h"
#include "virerror.h"

typedef struct {
    const char *text;               /* the content of <memory> */
    unsigned long long kib;         /* 0: refused */
} testMemoryCase;

static int
testMemory(const void *opaque)
{
    const testMemoryCase *tc = opaque;
    g_autofree char *xml = g_strdup_printf("<domain type='qemu'><name>m</name>"
                                           "<memory>%s</memory>"
                                           "<os><type>hvm</type></os></domain>",
                                           tc->text);
    g_autoptr(virDomainDef) def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE);

    if (!tc->kib) {
        if (def) {
            printf("#   accepted as %llu KiB\n", def->memory);
            return -1;
        }
        if (!strstr(virGetLastErrorMessage(), "<memory>")) {
            printf("#   unexpected error: %s\n", virGetLastErrorMessage());
            return -1;
        }
        virResetLastError();
        return 0;
    }
    if (!def) {
        printf("#   refused: %s\n", virGetLastErrorMessage());
        virResetLastError();
        return -1;
    }
    if (def->memory != tc->kib) {
        printf("#   %llu KiB, expected %llu\n", def->memory, tc->kib);
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    static const testMemoryCase cases[] = {
        { "131072", 131072 },
        { " +131072", 131072 },
        { "+131072", 131072 },
        { "\n  131072", 131072 },
        { "-131072", 0 },
        { "+-131072", 0 },
        { "+ 131072", 0 },
        /* libvirt 9.0 refuses a trailing blank; here the text of every
         * element is stripped before it is read (virXMLNodeContentString) */
        { "131072 ", 131072 },
        { "131 072", 0 },
        { "", 0 },
        { "18446744073709551616", 0 },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *shown = g_strescape(cases[i].text, NULL);
        g_autofree char *title = g_strdup_printf("memory '%s'", shown);

        virTestRun(title, testMemory, &cases[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
