/*
 * libvirt-domain.c: public entry points for domains
 */
#include "internal.h"
#include "datatypes.h"
#include "driver.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

virDomainPtr
virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    virDomainPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xml, error);

    if (!conn->driver->domainDefineXMLFlags) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->domainDefineXMLFlags(conn, xml, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

virDomainPtr
virDomainDefineXML(virConnectPtr conn, const char *xml)
{
    virCheckConnectWritableReturn(conn, NULL);
    return virDomainDefineXMLFlags(conn, xml, 0);
}

int
virDomainUndefineFlags(virDomainPtr domain, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainUndefineFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainUndefineFlags(domain, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainUndefine(virDomainPtr domain)
{
    virCheckConnectWritableReturn(domain ? domain->conn : NULL, -1);
    return virDomainUndefineFlags(domain, 0);
}

virDomainPtr
virDomainLookupByName(virConnectPtr conn, const char *name)
{
    virDomainPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(name, error);

    if (!conn->driver->domainLookupByName) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->domainLookupByName(conn, name)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

virDomainPtr
virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virDomainPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(uuid, error);

    if (!conn->driver->domainLookupByUUID) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->domainLookupByUUID(conn, uuid)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

virDomainPtr
virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckNonNullArgGoto(uuidstr, error);

    if (virUUIDParse(uuidstr, uuid) < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a valid UUID"), uuidstr);
        goto error;
    }
    return virDomainLookupByUUID(conn, uuid);

 error:
    virDispatchError(conn);
    return NULL;
}

int
virConnectListAllDomains(virConnectPtr conn,
                         virDomainPtr **domains,
                         unsigned int flags)
{
    int ret;

    virResetLastError();
    if (domains)
        *domains = NULL;
    virCheckConnectReturn(conn, -1);

    if (!conn->driver->connectListAllDomains) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->driver->connectListAllDomains(conn, domains, flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

virConnectPtr
virDomainGetConnect(virDomainPtr domain)
{
    virResetLastError();
    virCheckDomainReturn(domain, NULL);
    return domain->conn;
}

const char *
virDomainGetName(virDomainPtr domain)
{
    virResetLastError();
    virCheckDomainReturn(domain, NULL);
    return domain->name;
}

int
virDomainGetID(virDomainPtr domain)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    return domain->id;
}

int
virDomainGetUUID(virDomainPtr domain, unsigned char *uuid)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    virCheckNonNullArgGoto(uuid, error);
    memcpy(uuid, domain->uuid, VIR_UUID_BUFLEN);
    return 0;

 error:
    virDispatchError(domain->conn);
    return -1;
}

int
virDomainGetUUIDString(virDomainPtr domain, char *buf)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    virCheckNonNullArgGoto(buf, error);
    virUUIDFormat(domain->uuid, buf);
    return 0;

 error:
    virDispatchError(domain->conn);
    return -1;
}

char *
virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    virConnectPtr conn;
    char *ret;

    virResetLastError();
    virCheckDomainReturn(domain, NULL);
    conn = domain->conn;

    if ((conn->flags & VIR_CONNECT_RO) && (flags & VIR_DOMAIN_XML_SECURE)) {
        virReportError(VIR_ERR_OPERATION_DENIED, "%s",
                       _("virDomainGetXMLDesc with secure flag"));
        goto error;
    }
    if (!conn->driver->domainGetXMLDesc) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->domainGetXMLDesc(domain, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virDomainIsActive(virDomainPtr domain)
{
    int ret;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    if (!domain->conn->driver->domainIsActive) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = domain->conn->driver->domainIsActive(domain)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(domain->conn);
    return -1;
}

int
virDomainIsPersistent(virDomainPtr domain)
{
    int ret;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    if (!domain->conn->driver->domainIsPersistent) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = domain->conn->driver->domainIsPersistent(domain)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(domain->conn);
    return -1;
}

int
virDomainGetAutostart(virDomainPtr domain, int *autostart)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    virCheckNonNullArgGoto(autostart, error);

    if (!domain->conn->driver->domainGetAutostart) {
        virReportUnsupported();
        goto error;
    }
    if (domain->conn->driver->domainGetAutostart(domain, autostart) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(domain->conn);
    return -1;
}

char *
virDomainGetOSType(virDomainPtr domain)
{
    char *ret;

    virResetLastError();
    virCheckDomainReturn(domain, NULL);
    if (!domain->conn->driver->domainGetOSType) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = domain->conn->driver->domainGetOSType(domain)))
        goto error;
    return ret;

 error:
    virDispatchError(domain->conn);
    return NULL;
}

int
virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    int ret;

    virResetLastError();
    virCheckDomainReturn(dom, -1);
    if (!dom->conn->driver->domainHasManagedSaveImage) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = dom->conn->driver->domainHasManagedSaveImage(dom, flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(dom->conn);
    return -1;
}

int
virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    virCheckNonNullArgGoto(seclabel, error);
    if (!domain->conn->driver->domainGetSecurityLabel) {
        virReportUnsupported();
        goto error;
    }
    if (domain->conn->driver->domainGetSecurityLabel(domain, seclabel) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(domain->conn);
    return -1;
}

int
virDomainSetAutostart(virDomainPtr domain, int autostart)
{
    virResetLastError();
    virCheckDomainReturn(domain, -1);
    virCheckReadOnlyGoto(domain->conn->flags, error);

    if (!domain->conn->driver->domainSetAutostart) {
        virReportUnsupported();
        goto error;
    }
    if (domain->conn->driver->domainSetAutostart(domain, autostart) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(domain->conn);
    return -1;
}

virDomainPtr
virDomainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    virDomainPtr ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xmlDesc, error);
    if (!conn->driver->domainCreateXML) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->domainCreateXML(conn, xmlDesc, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainCreateWithFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainCreateWithFlags(domain, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainCreate(virDomainPtr domain)
{
    virCheckConnectWritableReturn(domain ? domain->conn : NULL, -1);
    return virDomainCreateWithFlags(domain, 0);
}

int
virDomainDestroyFlags(virDomainPtr domain, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainDestroyFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainDestroyFlags(domain, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainDestroy(virDomainPtr domain)
{
    virCheckConnectWritableReturn(domain ? domain->conn : NULL, -1);
    return virDomainDestroyFlags(domain, 0);
}

int
virDomainShutdownFlags(virDomainPtr domain, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainShutdownFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainShutdownFlags(domain, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainShutdown(virDomainPtr domain)
{
    virCheckConnectWritableReturn(domain ? domain->conn : NULL, -1);
    return virDomainShutdownFlags(domain, 0);
}

int
virDomainSuspend(virDomainPtr domain)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainSuspend) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainSuspend(domain) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainResume(virDomainPtr domain)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainResume) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainResume(domain) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckNonNullArgGoto(state, error);

    if (!conn->driver->domainGetState) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainGetState(domain, state, reason, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckNonNullArgGoto(info, error);

    if (!conn->driver->domainGetInfo) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainGetInfo(domain, info) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

char *
virConnectDomainXMLToNative(virConnectPtr conn,
                            const char *nativeFormat,
                            const char *domainXml,
                            unsigned int flags)
{
    char *ret;

    virResetLastError();
    virCheckConnectReturn(conn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(nativeFormat, error);
    virCheckNonNullArgGoto(domainXml, error);
    if (!conn->driver->connectDomainXMLToNative) {
        virReportUnsupported();
        goto error;
    }
    if (!(ret = conn->driver->connectDomainXMLToNative(conn, nativeFormat, domainXml, flags)))
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return NULL;
}

/* The phases one by one (driver.h). */

#define VIR_MIGRATE_PHASE_DRIVER(conn, method, retval) \
    do { \
        if (!(conn)->driver->method) { \
            virReportError(VIR_ERR_NO_SUPPORT, "%s", #method); \
            return retval; \
        } \
    } while (0)

char *
virDomainMigrateBegin3Params(virDomainPtr domain,
                             virTypedParameterPtr params, int nparams,
                             char **cookieout, int *cookieoutlen,
                             unsigned int flags)
{
    virCheckDomainReturn(domain, NULL);
    VIR_MIGRATE_PHASE_DRIVER(domain->conn, domainMigrateBegin3Params, NULL);
    return domain->conn->driver->domainMigrateBegin3Params(domain, params, nparams,
                                                           cookieout, cookieoutlen,
                                                           flags);
}

int
virDomainMigratePrepare3Params(virConnectPtr dconn,
                               virTypedParameterPtr params, int nparams,
                               const char *cookiein, int cookieinlen,
                               char **cookieout, int *cookieoutlen,
                               char **uri_out, unsigned int flags)
{
    virCheckConnectReturn(dconn, -1);
    VIR_MIGRATE_PHASE_DRIVER(dconn, domainMigratePrepare3Params, -1);
    return dconn->driver->domainMigratePrepare3Params(dconn, params, nparams,
                                                      cookiein, cookieinlen,
                                                      cookieout, cookieoutlen,
                                                      uri_out, flags);
}

int
virDomainMigratePerform3Params(virDomainPtr domain, const char *dconnuri,
                               virTypedParameterPtr params, int nparams,
                               const char *cookiein, int cookieinlen,
                               char **cookieout, int *cookieoutlen,
                               unsigned int flags)
{
    virCheckDomainReturn(domain, -1);
    VIR_MIGRATE_PHASE_DRIVER(domain->conn, domainMigratePerform3Params, -1);
    return domain->conn->driver->domainMigratePerform3Params(domain, dconnuri,
                                                             params, nparams,
                                                             cookiein, cookieinlen,
                                                             cookieout, cookieoutlen,
                                                             flags);
}

virDomainPtr
virDomainMigrateFinish3Params(virConnectPtr dconn,
                              virTypedParameterPtr params, int nparams,
                              const char *cookiein, int cookieinlen,
                              char **cookieout, int *cookieoutlen,
                              unsigned int flags, int cancelled)
{
    virCheckConnectReturn(dconn, NULL);
    VIR_MIGRATE_PHASE_DRIVER(dconn, domainMigrateFinish3Params, NULL);
    return dconn->driver->domainMigrateFinish3Params(dconn, params, nparams,
                                                     cookiein, cookieinlen,
                                                     cookieout, cookieoutlen,
                                                     flags, cancelled);
}

int
virDomainMigrateConfirm3Params(virDomainPtr domain,
                               virTypedParameterPtr params, int nparams,
                               const char *cookiein, int cookieinlen,
                               unsigned int flags, int cancelled)
{
    virCheckDomainReturn(domain, -1);
    VIR_MIGRATE_PHASE_DRIVER(domain->conn, domainMigrateConfirm3Params, -1);
    return domain->conn->driver->domainMigrateConfirm3Params(domain, params, nparams,
                                                             cookiein, cookieinlen,
                                                             flags, cancelled);
}

/* @params without the parameter @drop (or all of them), as a new list
 * (*@out, *@nout, *@maxout) to add to. */
static void
virDomainMigrateParamsCopy(virTypedParameterPtr params, int nparams, const char *drop,
                           virTypedParameterPtr *out, int *nout, int *maxout)
{
    int i;

    *out = g_new0(virTypedParameter, MAX(nparams + 2, 4));
    *maxout = MAX(nparams + 2, 4);
    *nout = 0;
    for (i = 0; i < nparams; i++) {
        virTypedParameterPtr p;

        if (drop && STREQ(params[i].field, drop))
            continue;
        p = &(*out)[(*nout)++];
        *p = params[i];
        if (p->type == VIR_TYPED_PARAM_STRING)
            p->value.s = g_strdup(params[i].value.s);
    }
}

/* A failed perform (@saved) that the destination's finish explains: a
 * destination that could not start the guest after it prepared (its
 * QEMU closed the socket the source sent to) says why, and the source's
 * own error (a connection refused or reset) does not. The destination's
 * error goes into @saved's message; a finish that failed without saying
 * why, or for a reason of its own transport, adds nothing. */
static void
virDomainMigrateAddDestError(virErrorPtr saved)
{
    virErrorPtr err = virGetLastError();
    char *message;

    if (!err || !err->message || err->domain != VIR_FROM_QEMU ||
        err->code != VIR_ERR_OPERATION_FAILED)
        return;
    message = g_strdup_printf("%s; %s", NULLSTR(saved->message), err->message);
    g_free(saved->message);
    saved->message = message;
}

virDomainPtr
virDomainMigrateRun(virDomainPtr domain, virConnectPtr dconn, const char *dconnuri,
                    virTypedParameterPtr params, int nparams, unsigned int flags)
{
    virTypedParameterPtr p = NULL;
    int np = 0;
    int maxp = 0;
    g_autofree char *xml = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *cookie = NULL;
    int cookielen = 0;
    const char *dname = NULL;
    unsigned int destflags;
    virDomainPtr ddom = NULL;
    virErrorPtr saved = NULL;
    int state = VIR_DOMAIN_NOSTATE;
    int features[] = { VIR_DRV_FEATURE_MIGRATION_V3, VIR_DRV_FEATURE_MIGRATION_PARAMS };
    size_t i;
    int rc;

    for (i = 0; i < G_N_ELEMENTS(features); i++) {
        if ((rc = virConnectSupportsFeature(domain->conn, features[i])) <= 0 ||
            (rc = virConnectSupportsFeature(dconn, features[i])) <= 0) {
            if (rc == 0)
                virReportError(VIR_ERR_NO_SUPPORT,
                               _("migration of '%s' needs version 3 with parameters on both sides, which '%s' or '%s' lacks"),
                               domain->name, domain->conn->uri, dconn->uri);
            return NULL;
        }
    }
    rc = -1;
    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME, &dname) < 0)
        return NULL;

    if (!(xml = virDomainMigrateBegin3Params(domain, params, nparams, &cookie, &cookielen,
                                             flags)))
        return NULL;
    /* the destination leaves a guest that is paused here paused */
    destflags = flags & ~(VIR_MIGRATE_ABORT_ON_ERROR | VIR_MIGRATE_AUTO_CONVERGE |
                          VIR_MIGRATE_PEER2PEER);
    if (virDomainGetState(domain, &state, NULL, 0) == 0 && state == VIR_DOMAIN_PAUSED)
        destflags |= VIR_MIGRATE_PAUSED;
    virResetLastError();

    virDomainMigrateParamsCopy(params, nparams, VIR_MIGRATE_PARAM_DEST_XML, &p, &np, &maxp);
    if (virTypedParamsAddString(&p, &np, &maxp, VIR_MIGRATE_PARAM_DEST_XML, xml) < 0)
        goto confirm;
    {
        g_autofree char *in = g_steal_pointer(&cookie);
        int inlen = cookielen;

        cookielen = 0;
        if (virDomainMigratePrepare3Params(dconn, p, np, in, inlen, &cookie, &cookielen,
                                           &uri, destflags) < 0)
            goto confirm;
    }
    if (uri) {
        virTypedParameterPtr q = p;
        int nq = np;

        virDomainMigrateParamsCopy(q, nq, VIR_MIGRATE_PARAM_URI, &p, &np, &maxp);
        virTypedParamsFree(q, nq);
        if (virTypedParamsAddString(&p, &np, &maxp, VIR_MIGRATE_PARAM_URI, uri) < 0)
            goto finish;
    }
    {
        g_autofree char *in = g_steal_pointer(&cookie);
        int inlen = cookielen;

        cookielen = 0;
        rc = virDomainMigratePerform3Params(domain, dconnuri, p, np, in, inlen, &cookie,
                                            &cookielen, flags & ~VIR_MIGRATE_PEER2PEER);
    }
    if (rc < 0)
        virErrorPreserveLast(&saved);
    if (!dname && virTypedParamsAddString(&p, &np, &maxp, VIR_MIGRATE_PARAM_DEST_NAME,
                                          domain->name) < 0)
        goto finish;

 finish:
    {
        g_autofree char *in = g_steal_pointer(&cookie);
        int inlen = cookielen;

        cookielen = 0;
        ddom = virDomainMigrateFinish3Params(dconn, p, np, in, inlen, &cookie, &cookielen,
                                             destflags, rc < 0 || saved);
    }
    if (!ddom && saved)
        virDomainMigrateAddDestError(saved);
    if (!ddom && !saved)
        virErrorPreserveLast(&saved);

 confirm:
    if (!ddom && !saved)
        virErrorPreserveLast(&saved);
    if (virDomainMigrateConfirm3Params(domain, p, np, cookie, cookielen,
                                       flags & ~VIR_MIGRATE_PEER2PEER, ddom == NULL) < 0 &&
        ddom) {
        /* the guest runs on the destination; the source could not clean
         * up after itself: report it, the migration itself succeeded */
        virReportWarning(_("migration of '%s' succeeded but cleaning up the source failed: %s"),
                         domain->name, virGetLastErrorMessage());
        virResetLastError();
    }
    virTypedParamsFree(p, np);
    if (!ddom) {
        virErrorRestore(&saved);
        return NULL;
    }
    virFreeError(saved);
    return ddom;
}

virDomainPtr
virDomainMigrate3(virDomainPtr domain, virConnectPtr dconn,
                  virTypedParameterPtr params, unsigned int nparams,
                  unsigned int flags)
{
    virConnectPtr conn;
    virDomainPtr ddom;

    virResetLastError();
    virCheckDomainReturn(domain, NULL);
    conn = domain->conn;
    virCheckConnectReturn(dconn, NULL);
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckReadOnlyGoto(dconn->flags, error);

    if (flags & VIR_MIGRATE_PEER2PEER) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("peer-to-peer migration takes the destination's URI: use virDomainMigrateToURI3"));
        goto error;
    }
    if (!(ddom = virDomainMigrateRun(domain, dconn, NULL, params, nparams, flags)))
        goto error;
    return ddom;

 error:
    virDispatchError(conn);
    return NULL;
}

int
virDomainMigrateToURI3(virDomainPtr domain, const char *dconnuri,
                       virTypedParameterPtr params, unsigned int nparams,
                       unsigned int flags)
{
    virConnectPtr conn;
    virConnectPtr dconn;
    virDomainPtr ddom;
    virErrorPtr saved;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(dconnuri, error);

    if (flags & VIR_MIGRATE_PEER2PEER) {
        g_autoptr(GUri) uri = g_uri_parse(dconnuri, G_URI_FLAGS_ENCODED_QUERY, NULL);
        g_autofree char *cookie = NULL;
        int cookielen = 0;
        int rc;

        /* the same rule as libvirt's client; a URI without a host (an
         * embedded root) is left to the host UUID check of the cookies */
        if (uri && g_uri_get_host(uri) && g_str_has_prefix(g_uri_get_host(uri), "localhost")) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Attempt to migrate guest to the same host %s"),
                           g_uri_get_host(uri));
            goto error;
        }
        if ((rc = virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_P2P)) <= 0 ||
            (rc = virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_PARAMS)) <= 0) {
            if (rc == 0)
                virReportError(VIR_ERR_NO_SUPPORT,
                               _("'%s' does not run peer-to-peer migrations with parameters"),
                               conn->uri);
            goto error;
        }
        if (virDomainMigratePerform3Params(domain, dconnuri, params, nparams, NULL, 0,
                                           &cookie, &cookielen, flags) < 0)
            goto error;
        return 0;
    }
    if (!(dconn = virConnectOpenInternal(dconnuri, 0)))
        goto error;
    if ((ddom = virDomainMigrateRun(domain, dconn, NULL, params, nparams, flags))) {
        virDomainFree(ddom);
        virConnectClose(dconn);
        return 0;
    }
    virErrorPreserveLast(&saved);
    virConnectClose(dconn);
    virErrorRestore(&saved);

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainGetJobStats(virDomainPtr domain, int *type,
                     virTypedParameterPtr *params, int *nparams,
                     unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckNonNullArgGoto(type, error);
    virCheckNonNullArgGoto(params, error);
    virCheckNonNullArgGoto(nparams, error);
    *params = NULL;
    *nparams = 0;

    if (!conn->driver->domainGetJobStats) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainGetJobStats(domain, type, params, nparams, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainAbortJob(virDomainPtr domain)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainAbortJob) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainAbortJob(domain) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainMigrateSetMaxDowntime(virDomainPtr domain, unsigned long long downtime,
                               unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainMigrateSetMaxDowntime) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainMigrateSetMaxDowntime(domain, downtime, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainMigrateGetMaxDowntime(virDomainPtr domain, unsigned long long *downtime,
                               unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckNonNullArgGoto(downtime, error);

    if (!conn->driver->domainMigrateGetMaxDowntime) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainMigrateGetMaxDowntime(domain, downtime, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainMigrateSetMaxSpeed(virDomainPtr domain, unsigned long bandwidth, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);

    if (!conn->driver->domainMigrateSetMaxSpeed) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainMigrateSetMaxSpeed(domain, bandwidth, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainMigrateGetMaxSpeed(virDomainPtr domain, unsigned long *bandwidth, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckNonNullArgGoto(bandwidth, error);

    if (!conn->driver->domainMigrateGetMaxSpeed) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainMigrateGetMaxSpeed(domain, bandwidth, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainAttachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xml, error);

    if (!conn->driver->domainAttachDeviceFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainAttachDeviceFlags(domain, xml, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainAttachDevice(virDomainPtr domain, const char *xml)
{
    virCheckConnectWritableReturn(domain ? domain->conn : NULL, -1);
    return virDomainAttachDeviceFlags(domain, xml, VIR_DOMAIN_AFFECT_LIVE);
}

int
virDomainDetachDeviceFlags(virDomainPtr domain, const char *xml, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(xml, error);

    if (!conn->driver->domainDetachDeviceFlags) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainDetachDeviceFlags(domain, xml, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainDetachDeviceAlias(virDomainPtr domain, const char *alias, unsigned int flags)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckReadOnlyGoto(conn->flags, error);
    virCheckNonNullArgGoto(alias, error);

    if (!conn->driver->domainDetachDeviceAlias) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainDetachDeviceAlias(domain, alias, flags) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainDetachDevice(virDomainPtr domain, const char *xml)
{
    virCheckConnectWritableReturn(domain ? domain->conn : NULL, -1);
    return virDomainDetachDeviceFlags(domain, xml, VIR_DOMAIN_AFFECT_LIVE);
}

/* Entry points that take a connection and return a count or -1. */
#define VIR_CONNECT_COUNT(conn, field, ...) \
    do { \
        int ret_; \
        virResetLastError(); \
        virCheckConnectReturn(conn, -1); \
        if (!(conn)->driver->field) { \
            virReportUnsupported(); \
            goto error; \
        } \
        if ((ret_ = (conn)->driver->field(__VA_ARGS__)) < 0) \
            goto error; \
        return ret_; \
     error: \
        virDispatchError(conn); \
        return -1; \
    } while (0)

int
virConnectNumOfDomains(virConnectPtr conn)
{
    VIR_CONNECT_COUNT(conn, connectNumOfDomains, conn);
}

int
virConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    if ((!ids && maxids) || maxids < 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("ids must hold maxids (>= 0) entries"));
        virDispatchError(conn);
        return -1;
    }
    VIR_CONNECT_COUNT(conn, connectListDomains, conn, ids, maxids);
}

int
virConnectNumOfDefinedDomains(virConnectPtr conn)
{
    VIR_CONNECT_COUNT(conn, connectNumOfDefinedDomains, conn);
}

int
virConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    if ((!names && maxnames) || maxnames < 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("names must hold maxnames (>= 0) entries"));
        virDispatchError(conn);
        return -1;
    }
    VIR_CONNECT_COUNT(conn, connectListDefinedDomains, conn, names, maxnames);
}

int
virDomainGetJobInfo(virDomainPtr domain, virDomainJobInfoPtr info)
{
    virConnectPtr conn;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;
    virCheckNonNullArgGoto(info, error);
    memset(info, 0, sizeof(*info));

    if (!conn->driver->domainGetJobInfo) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->domainGetJobInfo(domain, info) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virDomainGetMessages(virDomainPtr domain, char ***msgs, unsigned int flags)
{
    int ret;

    virResetLastError();
    virCheckDomainReturn(domain, -1);
    virCheckNonNullArgGoto(msgs, error);
    *msgs = NULL;
    if (!domain->conn->driver->domainGetMessages) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = domain->conn->driver->domainGetMessages(domain, msgs, flags)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(domain->conn);
    return -1;
}

int
virConnectDomainEventRegisterAny(virConnectPtr conn,
                                 virDomainPtr dom,
                                 int eventID,
                                 virConnectDomainEventGenericCallback cb,
                                 void *opaque,
                                 virFreeCallback freecb)
{
    int ret;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(cb, error);
    if (dom && dom->conn != conn) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the domain of an event registration belongs to another connection"));
        goto error;
    }
    if (eventID < 0 || eventID > VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown domain event ID %d"), eventID);
        goto error;
    }
    if (!conn->driver->connectDomainEventRegisterAny) {
        virReportUnsupported();
        goto error;
    }
    if ((ret = conn->driver->connectDomainEventRegisterAny(conn, dom, eventID, cb,
                                                           opaque, freecb)) < 0)
        goto error;
    return ret;

 error:
    virDispatchError(conn);
    return -1;
}

/* For virConnectDomainEventRegister (@registering) and Deregister, after
 * the argument checks: locks the connection's lifecycle callbacks and
 * puts the index of @cb among them (-1: none) in *@idx. -1 with an error
 * (and unlocked) when the driver has no event support, or @cb is already
 * registered / not registered. */
static int
virConnectLifecycleBegin(virConnectPtr conn, virConnectDomainEventCallback cb,
                         bool registering, gssize *idx)
{
    guint i;

    if ((registering && !conn->driver->connectDomainEventRegisterAny) ||
        (!registering && !conn->driver->connectDomainEventDeregisterAny)) {
        virReportUnsupported();
        return -1;
    }
    g_mutex_lock(&conn->lifecycleLock);
    *idx = -1;
    for (i = 0; i < conn->lifecycleCallbacks->len; i++) {
        if (g_array_index(conn->lifecycleCallbacks, virConnectLifecycleReg, i).cb == cb)
            *idx = i;
    }
    if (registering && *idx >= 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("this lifecycle event callback is already registered on the connection"));
    } else if (!registering && *idx < 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("this lifecycle event callback is not registered on the connection"));
    } else {
        return 0;
    }
    g_mutex_unlock(&conn->lifecycleLock);
    return -1;
}

/* A lifecycle registration of the driver for every domain, remembered by
 * its function (the driver knows callback IDs only). */
int
virConnectDomainEventRegister(virConnectPtr conn,
                              virConnectDomainEventCallback cb,
                              void *opaque,
                              virFreeCallback freecb)
{
    virConnectLifecycleReg reg = { cb, -1 };
    gssize idx;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(cb, error);
    if (virConnectLifecycleBegin(conn, cb, true, &idx) < 0)
        goto error;
    reg.callbackID = conn->driver->connectDomainEventRegisterAny(conn, NULL,
                                                                 VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                                 VIR_DOMAIN_EVENT_CALLBACK(cb),
                                                                 opaque, freecb);
    if (reg.callbackID >= 0)
        g_array_append_val(conn->lifecycleCallbacks, reg);
    g_mutex_unlock(&conn->lifecycleLock);
    if (reg.callbackID < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    gssize idx;
    int rc;

    virResetLastError();
    virCheckConnectReturn(conn, -1);
    virCheckNonNullArgGoto(cb, error);
    if (virConnectLifecycleBegin(conn, cb, false, &idx) < 0)
        goto error;
    rc = conn->driver->connectDomainEventDeregisterAny(
        conn, g_array_index(conn->lifecycleCallbacks, virConnectLifecycleReg, idx).callbackID);
    if (rc == 0)
        g_array_remove_index(conn->lifecycleCallbacks, idx);
    g_mutex_unlock(&conn->lifecycleLock);
    if (rc < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}

int
virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    virResetLastError();
    virCheckConnectReturn(conn, -1);
    if (callbackID < 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("invalid callback ID %d"), callbackID);
        goto error;
    }
    if (!conn->driver->connectDomainEventDeregisterAny) {
        virReportUnsupported();
        goto error;
    }
    if (conn->driver->connectDomainEventDeregisterAny(conn, callbackID) < 0)
        goto error;
    return 0;

 error:
    virDispatchError(conn);
    return -1;
}
