/*
 * apiclient.c: a client of the public API only.
 *
 * It must compile unchanged against Debian's libvirt-dev as well
 * (tests/meson.build checks that), so it uses nothing but libvirt's public
 * headers and functions.
 *
 * Usage: apiclient ROOTDIR DOMAIN.xml
 * Defines the domain in qemu:///embed?root=ROOTDIR, looks it up, prints
 * its XML and the list of domains, undefines it, and checks the errors of
 * a lookup that must fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static char *
readFile(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, len + 1);
    if (buf && fread(buf, 1, len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static void
quietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

int
main(int argc, char **argv)
{
    char uri[4096];
    char uuid[VIR_UUID_STRING_BUFLEN];
    virConnectPtr conn = NULL;
    virDomainPtr dom = NULL;
    virDomainPtr *doms = NULL;
    virDomainPtr missing;
    char *xml = NULL;
    char *desc = NULL;
    int ndoms, i;
    int ret = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: %s ROOTDIR DOMAIN.xml\n", argv[0]);
        return 2;
    }
    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    virSetErrorFunc(NULL, quietErrors);
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", argv[1]);

    if (!(xml = readFile(argv[2])) ||
        !(conn = virConnectOpen(uri)) ||
        !(dom = virDomainDefineXML(conn, xml))) {
        fprintf(stderr, "define failed: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    virDomainFree(dom);

    if (!(dom = virDomainLookupByName(conn, "team-valid")) ||
        virDomainGetUUIDString(dom, uuid) < 0 ||
        !(desc = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE))) {
        fprintf(stderr, "lookup failed: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    printf("name=%s uuid=%s\n", virDomainGetName(dom), uuid);
    printf("xml has teaming: %s\n", strstr(desc, "<teaming type='persistent'/>") ? "yes" : "no");

    if ((ndoms = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_INACTIVE)) < 0)
        goto cleanup;
    printf("inactive domains: %d\n", ndoms);
    for (i = 0; i < ndoms; i++)
        virDomainFree(doms[i]);
    free(doms);

    missing = virDomainLookupByUUIDString(conn, "00000000-0000-0000-0000-00000000beef");
    if (missing || virGetLastError() == NULL ||
        virGetLastError()->code != VIR_ERR_NO_DOMAIN) {
        fprintf(stderr, "lookup of a missing domain did not fail with VIR_ERR_NO_DOMAIN\n");
        goto cleanup;
    }
    printf("missing: %s\n", virGetLastErrorMessage());

    if (virDomainUndefine(dom) < 0) {
        fprintf(stderr, "undefine failed: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    printf("undefined\n");
    ret = 0;

 cleanup:
    free(desc);
    free(xml);
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    return ret;
}
