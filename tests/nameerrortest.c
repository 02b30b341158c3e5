/*
 * nameerrortest.c: refused names carry libvirt 9.0's error code and domain
 *
 * The golden .err files pin the messages; API clients look at the code
 * and the domain of the error. These are what libvirt 9.0 reports for
 * the same documents (seen with the libvirt oracle), and the codes we
 * use where libvirt accepts a name that we refuse.
 */
#include "internal.h"

#include "domain_conf.h"
#include "network_conf.h"
#include "testutils.h"
#include "virerror.h"

typedef struct {
    bool network;
    const char *name;       /* the text of <name> */
    int code;
    int domain;
} testNameCase;

static int
testNameError(const void *opaque)
{
    const testNameCase *tc = opaque;
    g_autofree char *xml = NULL;
    virErrorPtr err;
    bool parsed;

    if (tc->network) {
        g_autoptr(virNetworkDef) def = NULL;

        xml = g_strdup_printf("<network><name>%s</name><bridge name='virbr9'/></network>",
                              tc->name);
        parsed = (def = virNetworkDefParseString(xml, 0)) != NULL;
    } else {
        g_autoptr(virDomainDef) def = NULL;

        xml = g_strdup_printf("<domain type='qemu'><name>%s</name><memory>131072</memory>"
                              "<os><type>hvm</type></os></domain>", tc->name);
        parsed = (def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_INACTIVE)) != NULL;
    }
    if (parsed) {
        printf("#   accepted\n");
        return -1;
    }
    err = virGetLastError();
    if (!err || err->code != tc->code || err->domain != tc->domain) {
        printf("#   error code %d domain %d (%s), expected code %d domain %d\n",
               err ? err->code : -1, err ? err->domain : -1,
               virGetLastErrorMessage(), tc->code, tc->domain);
        virResetLastError();
        return -1;
    }
    virResetLastError();
    return 0;
}

static int
mymain(void)
{
    static const testNameCase cases[] = {
        /* libvirt 9.0: XML_DETAIL from the XML utilities, "invalid char in name" */
        { false, "a\nb", VIR_ERR_XML_DETAIL, VIR_FROM_XML },
        { true, "a\nb", VIR_ERR_XML_DETAIL, VIR_FROM_XML },
        { true, "a/b", VIR_ERR_XML_DETAIL, VIR_FROM_XML },
        /* libvirt 9.0: XML_ERROR from the domain config, "name a/b cannot contain '/'" */
        { false, "a/b", VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN },
        /* libvirt 9.0: NO_NAME, "missing name information" */
        { false, "", VIR_ERR_NO_NAME, VIR_FROM_DOMAIN },
        { true, "", VIR_ERR_NO_NAME, VIR_FROM_NETWORK },
        /* accepted by libvirt 9.0, refused here like a newline */
        { false, "a\tb", VIR_ERR_XML_DETAIL, VIR_FROM_XML },
        { true, "a\tb", VIR_ERR_XML_DETAIL, VIR_FROM_XML },
        { false, "a\x7f" "b", VIR_ERR_XML_DETAIL, VIR_FROM_XML },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *shown = g_strescape(cases[i].name, NULL);
        g_autofree char *title = g_strdup_printf("%s name '%s'",
                                                 cases[i].network ? "network" : "domain",
                                                 shown);

        virTestRun(title, testNameError, &cases[i]);
    }
    return 0;
}

VIR_TEST_MAIN(mymain)
