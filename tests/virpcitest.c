/*
 * virpcitest.c: PCI address text
 *
 * "DDDD:BB:SS.F" in hexadecimal, each field within its width and range;
 * no sign, blank, 0x prefix or trailing text.
 */
#include "internal.h"

#include "testutils.h"
#include "virpci.h"

typedef struct {
    const char *text;
    const char *canonical;   /* NULL: refused */
} testCase;

static int
testParse(const void *data)
{
    const testCase *tc = data;
    virPCIDeviceAddress addr = { 0 };
    g_autofree char *str = NULL;

    if (virPCIDeviceAddressParse(tc->text, &addr) < 0) {
        if (tc->canonical) {
            printf("#   \"%s\" refused\n", tc->text);
            return -1;
        }
        return 0;
    }
    str = virPCIDeviceAddressAsString(&addr);
    if (!tc->canonical || STRNEQ(str, tc->canonical)) {
        printf("#   \"%s\" read as %s\n", tc->text, str);
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    const testCase cases[] = {
        { "0000:03:00.1", "0000:03:00.1" },
        { "ffff:ff:1f.7", "ffff:ff:1f.7" },
        { "0:3:0.1", "0000:03:00.1" },
        { "0000:03:00.8", NULL },
        { "0000:03:20.0", NULL },
        { "10000:03:00.0", NULL },
        { "0000:003:00.0", NULL },
        { "-1:03:00.0", NULL },
        { "+000:03:00.0", NULL },
        { " 000:03:00.0", NULL },
        { "0000: 3:00.0", NULL },
        { "0x00:03:00.0", NULL },
        { "0000:03:00.1 ", NULL },
        { "0000:03:00.1x", NULL },
        { "0000:03:00", NULL },
        { "0000-03:00.1", NULL },
        { "", NULL },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = g_strdup_printf("\"%s\" %s", cases[i].text,
                                                 cases[i].canonical ? "read" : "refused");

        virTestRun(title, testParse, &cases[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
