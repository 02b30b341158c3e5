/*
 * remotedrivertest.c: the remote driver, through the public API, against
 * a daemon scripted by the test on a UNIX socket
 *
 * The script checks what the driver sends (the open sequence of Debian's
 * virsh, the URI and flags the daemon is told, event registrations) and
 * answers as libvirtd does; the test checks what the API returns.
 */
#include "internal.h"

#include <sys/socket.h>
#include <sys/un.h>

#include "testutils.h"
#include "testrpcutils.h"
#include "virerror.h"
#include "remote_program.h"

typedef struct {
    int listenfd;
    int fd;
    GString *log;           /* what the daemon saw, one line per call */
    GString *errors;        /* script failures */
    unsigned int openFlags;
    char *openName;
} testDaemon;

/* Reads the next call; it must be @proc. Its args are decoded into
 * @args (zeroed, of the procedure's args type) when not NULL. */
static virNetMessage *
testExpect(testDaemon *d, int proc, void *args)
{
    virNetMessage *msg = testRPCRead(d->fd, 10000);
    const virNetProcedure *p;

    if (!msg) {
        g_string_append_printf(d->errors, "no call where %d was expected\n", proc);
        return NULL;
    }
    g_string_append_printf(d->log, "%d\n", msg->header.proc);
    if (msg->header.proc != proc || msg->header.type != VIR_NET_CALL) {
        g_string_append_printf(d->errors, "call %d (type %d) where %d was expected\n",
                               msg->header.proc, msg->header.type, proc);
        virNetMessageFree(msg);
        return NULL;
    }
    p = virNetProgramLookup(&remoteProgram, proc);
    if (args && virNetMessageDecodePayload(msg, p->argsFilter, args) < 0) {
        g_string_append_printf(d->errors, "args of %d: %s\n", proc, virGetLastErrorMessage());
        virNetMessageFree(msg);
        return NULL;
    }
    return msg;
}

static void
testReply(testDaemon *d, virNetMessage *call, void *ret)
{
    const virNetProcedure *p = virNetProgramLookup(&remoteProgram, call->header.proc);

    if (testRPCReply(d->fd, call, p->retSize ? p->retFilter : NULL, ret) < 0)
        g_string_append_printf(d->errors, "cannot answer %d\n", call->header.proc);
    virNetMessageFree(call);
}

/* AUTH_LIST, SUPPORTS_FEATURE 10, CONNECT_OPEN, SUPPORTS_FEATURE 14, 15. */
static int
testOpenSequence(testDaemon *d)
{
    remote_auth_type none = REMOTE_AUTH_NONE;
    remote_auth_list_ret auth = { .types = { 1, &none } };
    static const int features[] = { 10, -1, 14, 15 };
    size_t i;
    virNetMessage *m;

    if (!(m = testExpect(d, REMOTE_PROC_AUTH_LIST, NULL)))
        return -1;
    testReply(d, m, &auth);
    for (i = 0; i < G_N_ELEMENTS(features); i++) {
        if (features[i] < 0) {
            remote_connect_open_args open = { 0 };

            if (!(m = testExpect(d, REMOTE_PROC_CONNECT_OPEN, &open)))
                return -1;
            d->openName = g_strdup(open.name ? *open.name : "(absent)");
            d->openFlags = open.flags;
            xdr_free((xdrproc_t)xdr_remote_connect_open_args, (char *)&open);
            testReply(d, m, NULL);
        } else {
            remote_connect_supports_feature_args args = { 0 };
            remote_connect_supports_feature_ret ret = { .supported = 1 };

            if (!(m = testExpect(d, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &args)))
                return -1;
            if (args.feature != features[i])
                g_string_append_printf(d->errors, "feature %d asked where %d was expected\n",
                                       args.feature, features[i]);
            testReply(d, m, &ret);
        }
    }
    return 0;
}

static void
testMakeDomain(remote_nonnull_domain *rdom, const char *name, int id)
{
    rdom->name = (char *)name;
    memset(rdom->uuid, name[0], sizeof(rdom->uuid));
    rdom->id = id;
}

static void
testSendEvent(testDaemon *d, int proc, xdrproc_t filter, void *body)
{
    g_autoptr(virNetMessage) ev = virNetMessageNew();

    ev->header.prog = REMOTE_PROGRAM;
    ev->header.vers = REMOTE_PROTOCOL_VERSION;
    ev->header.proc = proc;
    ev->header.type = VIR_NET_MESSAGE;
    ev->header.serial = 1;
    if (virNetMessageEncodeHeader(ev) < 0 ||
        virNetMessageEncodePayload(ev, filter, body) < 0 ||
        testRPCWrite(d->fd, ev) < 0)
        g_string_append_printf(d->errors, "cannot send event %d\n", proc);
}

/* The daemon's side of testMain, after the open. */
static gpointer
testDaemonScript(gpointer opaque)
{
    testDaemon *d = opaque;
    virNetMessage *m;
    virNetMessage *first;
    virNetMessage *second;
    remote_domain_lookup_by_name_args a1 = { 0 };
    remote_domain_lookup_by_name_args a2 = { 0 };

    if ((d->fd = accept(d->listenfd, NULL, NULL)) < 0) {
        g_string_append_printf(d->errors, "accept: %s\n", g_strerror(errno));
        return NULL;
    }
    if (testOpenSequence(d) < 0)
        return NULL;

    /* an error, as libvirtd sends it */
    if (!(m = testExpect(d, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, NULL)))
        return NULL;
    testRPCReplyError(d->fd, m, VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU,
                      "Domain not found: no domain with matching name 'nosuch'");
    virNetMessageFree(m);

    /* two lookups in flight, answered in the other order */
    if (!(first = testExpect(d, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &a1)))
        return NULL;
    if (!(second = testExpect(d, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &a2))) {
        virNetMessageFree(first);
        return NULL;
    }
    {
        remote_domain_lookup_by_name_ret r1, r2;

        /* the two threads call in either order: the id goes by name */
        testMakeDomain(&r2.dom, a2.name, STREQ(a2.name, "alpha") ? 1 : 2);
        testMakeDomain(&r1.dom, a1.name, STREQ(a1.name, "alpha") ? 1 : 2);
        testReply(d, second, &r2);
        testReply(d, first, &r1);
    }
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_name_args, (char *)&a1);
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_name_args, (char *)&a2);

    /* event registrations: lifecycle (callback 7), device removed (8) */
    {
        remote_connect_domain_event_callback_register_any_args reg = { 0 };
        remote_connect_domain_event_callback_register_any_ret ret = { .callbackID = 7 };
        remote_domain_event_callback_lifecycle_msg life = { .callbackID = 7 };
        remote_domain_event_callback_device_removed_msg removed = { .callbackID = 8 };

        if (!(m = testExpect(d, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &reg)))
            return NULL;
        g_string_append_printf(d->log, "register %d %s\n", reg.eventID, reg.dom ? "dom" : "all");
        xdr_free((xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args,
                 (char *)&reg);
        testReply(d, m, &ret);
        memset(&reg, 0, sizeof(reg));
        if (!(m = testExpect(d, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &reg)))
            return NULL;
        g_string_append_printf(d->log, "register %d %s\n", reg.eventID, reg.dom ? "dom" : "all");
        xdr_free((xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args,
                 (char *)&reg);
        ret.callbackID = 8;
        testReply(d, m, &ret);

        testMakeDomain(&life.msg.dom, "d1", 3);
        life.msg.event = VIR_DOMAIN_EVENT_STOPPED;
        life.msg.detail = 1;
        testSendEvent(d, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                      (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &life);
        testMakeDomain(&removed.dom, "d1", 3);
        removed.devAlias = (char *)"hostdev0";
        testSendEvent(d, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
                      (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg,
                      &removed);
    }

    /* deregistration of both, then the close */
    if (!(m = testExpect(d, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, NULL)))
        return NULL;
    testReply(d, m, NULL);
    if (!(m = testExpect(d, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, NULL)))
        return NULL;
    testReply(d, m, NULL);
    if (!(m = testExpect(d, REMOTE_PROC_CONNECT_CLOSE, NULL)))
        return NULL;
    testReply(d, m, NULL);
    return NULL;
}

typedef struct {
    virConnectPtr conn;
    const char *name;
    char *got;
} testLookup;

static gpointer
testLookupThread(gpointer opaque)
{
    testLookup *l = opaque;
    virDomainPtr dom = virDomainLookupByName(l->conn, l->name);

    if (dom) {
        l->got = g_strdup_printf("%s %d", virDomainGetName(dom), virDomainGetID(dom));
        virDomainFree(dom);
    }
    return NULL;
}

static int lifecycleSeen;
static char *removedAlias;

static int
testLifecycle(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom,
              int event, int detail, void *opaque G_GNUC_UNUSED)
{
    if (STREQ(virDomainGetName(dom), "d1") && virDomainGetID(dom) == 3 &&
        event == VIR_DOMAIN_EVENT_STOPPED && detail == 1)
        lifecycleSeen++;
    return 0;
}

static void
testRemoved(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom G_GNUC_UNUSED,
            const char *alias, void *opaque G_GNUC_UNUSED)
{
    g_free(removedAlias);
    removedAlias = g_strdup(alias);
}

static int quit;

static void
testTimeout(int timer G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    quit = 1;
}

static int
testListen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4) < 0) {
        fprintf(stderr, "cannot listen on %s: %s\n", path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int
testMain(const void *data G_GNUC_UNUSED)
{
    g_autofree char *tmp = g_dir_make_tmp("remotedriverXXXXXX", NULL);
    g_autofree char *sock = g_build_filename(tmp, "sock", NULL);
    g_autofree char *uri = g_strdup_printf("qemu+unix:///system?socket=%s&no_verify=1&extra=x",
                                           sock);
    testDaemon d = { .fd = -1, .log = g_string_new(NULL), .errors = g_string_new(NULL) };
    testLookup la = { .name = "alpha" };
    testLookup lb = { .name = "beta" };
    GThread *daemon;
    GThread *ta, *tb;
    virConnectPtr conn = NULL;
    virErrorPtr err;
    int id1 = -1, id2 = -1, timer;
    int ret = -1;

    if ((d.listenfd = testListen(sock)) < 0)
        goto cleanup;
    daemon = g_thread_new("daemon", testDaemonScript, &d);

    if (!(conn = virConnectOpen(uri))) {
        fprintf(stderr, "open: %s\n", virGetLastErrorMessage());
        shutdown(d.listenfd, SHUT_RDWR);
        g_thread_join(daemon);
        goto cleanup;
    }

    if (virDomainLookupByName(conn, "nosuch")) {
        fprintf(stderr, "nosuch was found\n");
    } else if (!(err = virGetLastError()) || err->code != VIR_ERR_NO_DOMAIN ||
               err->domain != VIR_FROM_QEMU ||
               STRNEQ_NULLABLE(err->message,
                               "Domain not found: no domain with matching name 'nosuch'")) {
        fprintf(stderr, "error %d/%d '%s'\n", err ? err->code : -1,
                err ? err->domain : -1, err ? NULLSTR(err->message) : "");
    } else {
        ret = 0;
    }

    la.conn = lb.conn = conn;
    ta = g_thread_new("a", testLookupThread, &la);
    tb = g_thread_new("b", testLookupThread, &lb);
    g_thread_join(ta);
    g_thread_join(tb);
    if (STRNEQ_NULLABLE(la.got, "alpha 1") || STRNEQ_NULLABLE(lb.got, "beta 2")) {
        fprintf(stderr, "lookups gave '%s' and '%s'\n", NULLSTR(la.got), NULLSTR(lb.got));
        ret = -1;
    }

    if (virEventRegisterDefaultImpl() < 0 ||
        (id1 = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                VIR_DOMAIN_EVENT_CALLBACK(testLifecycle),
                                                NULL, NULL)) < 0 ||
        (id2 = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                                VIR_DOMAIN_EVENT_CALLBACK(testRemoved),
                                                NULL, NULL)) < 0) {
        fprintf(stderr, "event registration: %s\n", virGetLastErrorMessage());
        ret = -1;
    }
    timer = virEventAddTimeout(10000, testTimeout, NULL, NULL);
    while (!quit && (lifecycleSeen == 0 || !removedAlias))
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
    if (lifecycleSeen != 1 || STRNEQ_NULLABLE(removedAlias, "hostdev0")) {
        fprintf(stderr, "events: %d lifecycle, device removed '%s'\n",
                lifecycleSeen, NULLSTR(removedAlias));
        ret = -1;
    }
    if (id1 >= 0 && virConnectDomainEventDeregisterAny(conn, id1) < 0)
        ret = -1;
    if (id2 >= 0 && virConnectDomainEventDeregisterAny(conn, id2) < 0)
        ret = -1;

    virConnectClose(conn);
    g_thread_join(daemon);

    if (d.errors->len) {
        fprintf(stderr, "the daemon saw: %s", d.errors->str);
        ret = -1;
    }
    /* the order of Debian's virsh, and the URI without what the client
     * keeps to itself */
    if (STRNEQ(d.log->str, "66\n60\n1\n60\n60\n23\n23\n23\n316\nregister 0 all\n"
                           "316\nregister 15 all\n317\n317\n2\n")) {
        fprintf(stderr, "calls:\n%s", d.log->str);
        ret = -1;
    }
    if (STRNEQ_NULLABLE(d.openName, "qemu:///system?extra=x") || d.openFlags != 0) {
        fprintf(stderr, "CONNECT_OPEN name '%s' flags %u\n", NULLSTR(d.openName), d.openFlags);
        ret = -1;
    }

 cleanup:
    if (d.listenfd >= 0)
        close(d.listenfd);
    if (d.fd >= 0)
        close(d.fd);
    unlink(sock);
    rmdir(tmp);
    g_string_free(d.log, TRUE);
    g_string_free(d.errors, TRUE);
    g_free(d.openName);
    g_free(la.got);
    g_free(lb.got);
    g_clear_pointer(&removedAlias, g_free);
    return ret;
}

/* A read-only open tells the daemon so. */
static gpointer
testDaemonReadOnly(gpointer opaque)
{
    testDaemon *d = opaque;
    virNetMessage *m;

    if ((d->fd = accept(d->listenfd, NULL, NULL)) < 0)
        return NULL;
    if (testOpenSequence(d) == 0 && (m = testExpect(d, REMOTE_PROC_CONNECT_CLOSE, NULL)))
        testReply(d, m, NULL);
    return NULL;
}

static int
testReadOnly(const void *data G_GNUC_UNUSED)
{
    g_autofree char *tmp = g_dir_make_tmp("remotedriverXXXXXX", NULL);
    g_autofree char *sock = g_build_filename(tmp, "sock", NULL);
    g_autofree char *uri = g_strdup_printf("qemu+unix:///system?socket=%s", sock);
    testDaemon d = { .fd = -1, .log = g_string_new(NULL), .errors = g_string_new(NULL) };
    GThread *daemon;
    virConnectPtr conn;
    int ret = -1;

    if ((d.listenfd = testListen(sock)) >= 0) {
        daemon = g_thread_new("daemon", testDaemonReadOnly, &d);
        if ((conn = virConnectOpenReadOnly(uri)))
            virConnectClose(conn);
        else
            shutdown(d.listenfd, SHUT_RDWR);
        g_thread_join(daemon);
        if (!conn)
            fprintf(stderr, "open: %s\n", virGetLastErrorMessage());
        else if (d.errors->len)
            fprintf(stderr, "the daemon saw: %s", d.errors->str);
        else if (d.openFlags != VIR_CONNECT_RO || STRNEQ_NULLABLE(d.openName, "qemu:///system"))
            fprintf(stderr, "CONNECT_OPEN name '%s' flags %u\n", NULLSTR(d.openName), d.openFlags);
        else
            ret = 0;
        close(d.listenfd);
    }
    if (d.fd >= 0)
        close(d.fd);
    unlink(sock);
    rmdir(tmp);
    g_string_free(d.log, TRUE);
    g_string_free(d.errors, TRUE);
    g_free(d.openName);
    return ret;
}

static int
mymain(void)
{
    virTestRun("open, errors, concurrent calls, events, close", testMain, NULL);
    virTestRun("a read-only open says so", testReadOnly, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
