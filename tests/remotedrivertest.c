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
#include <arpa/inet.h>

#include "testutils.h"
#include "testrpcutils.h"
#include "virerror.h"
#include "remote_program.h"
#include "remote_typed_params.h"
#include "datatypes.h"
#include "driver.h"
#include "virnettraceutils.h"

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

/* Migration: the v3 phases as libvirt's source daemon and virsh put them
 * on the wire. The calls are made from the args of real frames
 * (tests/virnettracedata), turned into what the API takes; the daemon
 * compares the payload it receives with the logged one byte for byte and
 * answers with the logged reply. PERFORM3 stays unanswered while job
 * progress and abort go through on the same connection. */

#define TEST_FRAME_HEADER 28    /* length word and header */

typedef struct {
    const char *log;
    int proc;
    GByteArray *call;
    GByteArray *reply;
} testMigFrames;

/* The logged call's args, decoded as the driver sends them. */
static int
testTraceArgs(GByteArray *frame, int proc, void *args)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    const virNetProcedure *p = virNetProgramLookup(&remoteProgram, proc);

    if (virNetMessageDecodeFrame(msg, (const char *)frame->data, frame->len) < 0 ||
        virNetMessageDecodePayload(msg, p->argsFilter, args) < 0)
        return -1;
    return 0;
}

/* The daemon: the call of @m must be @frames' call (its payload), and is
 * answered with the logged reply (the serial of @m). */
static void
testMigReplyLogged(testDaemon *d, virNetMessage *m, testMigFrames *frames)
{
    g_autoptr(virNetMessage) reply = virNetMessageNew();
    guint32 serial = htonl(m->header.serial);

    if (m->bufferLength != frames->call->len ||
        memcmp(m->buffer + TEST_FRAME_HEADER, frames->call->data + TEST_FRAME_HEADER,
               frames->call->len - TEST_FRAME_HEADER) != 0)
        g_string_append_printf(d->errors, "%d: payload of %zu bytes differs from %s (%u bytes)\n",
                               frames->proc, m->bufferLength, frames->log, frames->call->len);
    reply->buffer = g_memdup2(frames->reply->data, frames->reply->len);
    reply->bufferLength = reply->bufferSize = frames->reply->len;
    memcpy(reply->buffer + 20, &serial, sizeof(serial));
    if (testRPCWrite(d->fd, reply) < 0)
        g_string_append_printf(d->errors, "cannot answer %d\n", frames->proc);
    virNetMessageFree(m);
}

static testMigFrames testMigPrepare = {
    .log = "trace-mig2-p2p.log", .proc = REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS,
};
static testMigFrames testMigPerform = {
    .log = "trace-B.log", .proc = REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS,
};
static testMigFrames testMigFinish = {
    .log = "trace-mig2-p2p.log", .proc = REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS,
};

static gpointer
testDaemonMigration(gpointer opaque)
{
    testDaemon *d = opaque;
    virNetMessage *m;
    virNetMessage *perform;
    static const int features[] = { 4, 13 };
    size_t i;

    if ((d->fd = accept(d->listenfd, NULL, NULL)) < 0 || testOpenSequence(d) < 0)
        return NULL;
    for (i = 0; i < G_N_ELEMENTS(features); i++) {
        remote_connect_supports_feature_args args = { 0 };
        remote_connect_supports_feature_ret ret = { 0 };

        if (!(m = testExpect(d, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &args)))
            return NULL;
        g_string_append_printf(d->log, "feature %d\n", args.feature);
        ret.supported = args.feature == 4;
        testReply(d, m, &ret);
    }

    /* begin: a parameter and the flags there, a cookie and the XML back */
    {
        remote_domain_migrate_begin3_params_args args = { 0 };
        remote_domain_migrate_begin3_params_ret ret = {
            .cookie_out = { 4, (char *)"<c>" }, .xml = (char *)"<domain/>",
        };

        if (!(m = testExpect(d, REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, &args)))
            return NULL;
        if (args.params.params_len != 1 ||
            STRNEQ(args.params.params_val[0].field, "bandwidth") ||
            args.params.params_val[0].value.type != VIR_TYPED_PARAM_ULLONG ||
            args.params.params_val[0].value.remote_typed_param_value_u.ul != 100 ||
            args.flags != 3 || STRNEQ(args.dom.name, "d1"))
            g_string_append(d->errors, "BEGIN3 args differ\n");
        xdr_free((xdrproc_t)xdr_remote_domain_migrate_begin3_params_args, (char *)&args);
        testReply(d, m, &ret);
    }

    if (!(m = testExpect(d, REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, NULL)))
        return NULL;
    testMigReplyLogged(d, m, &testMigPrepare);

    /* perform stays in flight while progress and abort are answered
     * (the first job-info poll may overtake it) */
    perform = testRPCRead(d->fd, 10000);
    m = testRPCRead(d->fd, 10000);
    if (perform && m && perform->header.proc == REMOTE_PROC_DOMAIN_GET_JOB_INFO) {
        virNetMessage *tmp = perform;

        perform = m;
        m = tmp;
    }
    if (!perform || !m || perform->header.proc != REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS ||
        m->header.proc != REMOTE_PROC_DOMAIN_GET_JOB_INFO) {
        g_string_append(d->errors, "no PERFORM3 and GET_JOB_INFO\n");
        virNetMessageFree(perform);
        virNetMessageFree(m);
        return NULL;
    }
    g_string_append(d->log, "305 163\n");
    {
        remote_domain_get_job_info_ret info = { .type = 2, .dataTotal = 100, .dataRemaining = 40 };

        testReply(d, m, &info);
        if (!(m = testExpect(d, REMOTE_PROC_DOMAIN_ABORT_JOB, NULL))) {
            virNetMessageFree(perform);
            return NULL;
        }
        testReply(d, m, NULL);
    }
    testMigReplyLogged(d, perform, &testMigPerform);

    if (!(m = testExpect(d, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, NULL)))
        return NULL;
    testMigReplyLogged(d, m, &testMigFinish);

    /* confirm: the cookie as given, cancelled */
    {
        remote_domain_migrate_confirm3_params_args args = { 0 };

        if (!(m = testExpect(d, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS, &args)))
            return NULL;
        if (args.params.params_len != 0 || args.cookie_in.cookie_in_len != 4 ||
            memcmp(args.cookie_in.cookie_in_val, "<c>", 4) != 0 ||
            args.cancelled != 1 || args.flags != 3)
            g_string_append(d->errors, "CONFIRM3 args differ\n");
        xdr_free((xdrproc_t)xdr_remote_domain_migrate_confirm3_params_args, (char *)&args);
        testReply(d, m, NULL);
    }

    if ((m = testExpect(d, REMOTE_PROC_CONNECT_CLOSE, NULL)))
        testReply(d, m, NULL);
    return NULL;
}

typedef struct {
    virDomainPtr dom;
    remote_domain_migrate_perform3_params_args *args;
    virTypedParameterPtr params;
    int nparams;
    int rc;
    char *cookie;
    int cookielen;
} testPerform;

static gpointer
testPerformThread(gpointer opaque)
{
    testPerform *p = opaque;

    p->rc = virDomainMigratePerform3Params(p->dom, p->args->dconnuri ? *p->args->dconnuri : NULL,
                                           p->params, p->nparams,
                                           p->args->cookie_in.cookie_in_val,
                                           p->args->cookie_in.cookie_in_len,
                                           &p->cookie, &p->cookielen, p->args->flags);
    return NULL;
}

/* The logged reply's ret. */
static int
testTraceRet(GByteArray *frame, int proc, void *ret)
{
    g_autoptr(virNetMessage) msg = virNetMessageNew();
    const virNetProcedure *p = virNetProgramLookup(&remoteProgram, proc);

    if (virNetMessageDecodeFrame(msg, (const char *)frame->data, frame->len) < 0 ||
        virNetMessageDecodePayload(msg, p->retFilter, ret) < 0)
        return -1;
    return 0;
}

/* The client's side of testDaemonMigration. */
static int
testMigrationCalls(virConnectPtr conn)
{
    remote_domain_migrate_prepare3_params_args prep = { 0 };
    remote_domain_migrate_prepare3_params_ret prepRet = { 0 };
    remote_domain_migrate_perform3_params_args perf = { 0 };
    remote_domain_migrate_finish3_params_args fin = { 0 };
    remote_domain_migrate_finish3_params_ret finRet = { 0 };
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    virTypedParameter bw = { .field = "bandwidth", .type = VIR_TYPED_PARAM_ULLONG,
                             .value.ul = 100 };
    g_autofree char *xml = NULL;
    g_autofree char *cookie = NULL;
    int cookielen = 0;
    g_autofree char *uri = NULL;
    testPerform p = { .args = &perf, .rc = -2 };
    virDomainPtr dst = NULL;
    virDomainJobInfo info = { 0 };
    GThread *thread;
    int ret = -1;

    if (testTraceArgs(testMigPrepare.call, testMigPrepare.proc, &prep) < 0 ||
        testTraceRet(testMigPrepare.reply, testMigPrepare.proc, &prepRet) < 0 ||
        testTraceArgs(testMigPerform.call, testMigPerform.proc, &perf) < 0 ||
        testTraceArgs(testMigFinish.call, testMigFinish.proc, &fin) < 0 ||
        testTraceRet(testMigFinish.reply, testMigFinish.proc, &finRet) < 0) {
        fprintf(stderr, "logged frames: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    /* virsh's questions before PERFORM3; REMOTE is answered locally */
    if (virConnectSupportsFeature(conn, VIR_DRV_FEATURE_REMOTE) != 1 ||
        virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_P2P) != 1 ||
        virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_PARAMS) != 0) {
        fprintf(stderr, "features: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    /* asked again, as every migration does: the connection's own answers,
     * no call (the script expects BEGIN3 next) */
    if (virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_P2P) != 1 ||
        virConnectSupportsFeature(conn, VIR_DRV_FEATURE_MIGRATION_PARAMS) != 0 ||
        virConnectSupportsFeature(conn, VIR_DRV_FEATURE_PROGRAM_KEEPALIVE) != 1) {
        fprintf(stderr, "features asked again: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    p.dom = virGetDomain(conn, perf.dom.name, (unsigned char *)perf.dom.uuid, perf.dom.id);
    if (!(xml = virDomainMigrateBegin3Params(p.dom, &bw, 1, &cookie, &cookielen, 3)) ||
        STRNEQ(xml, "<domain/>") || cookielen != 4 || memcmp(cookie, "<c>", 4) != 0) {
        fprintf(stderr, "begin: '%s' cookie of %d: %s\n", NULLSTR(xml), cookielen,
                virGetLastErrorMessage());
        goto cleanup;
    }
    g_clear_pointer(&cookie, g_free);

    if (remoteDeserializeTypedParameters(prep.params.params_val, prep.params.params_len,
                                         REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                         &params, &nparams) < 0 ||
        virDomainMigratePrepare3Params(conn, params, nparams,
                                       prep.cookie_in.cookie_in_val, prep.cookie_in.cookie_in_len,
                                       &cookie, &cookielen, &uri, prep.flags) < 0) {
        fprintf(stderr, "prepare: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (!prepRet.uri_out || STRNEQ_NULLABLE(uri, *prepRet.uri_out) ||
        cookielen != (int)prepRet.cookie_out.cookie_out_len ||
        memcmp(cookie, prepRet.cookie_out.cookie_out_val, cookielen) != 0 ||
        cookie[cookielen - 1] != '\0') {
        fprintf(stderr, "prepare gave uri '%s' and a cookie of %d bytes\n",
                NULLSTR(uri), cookielen);
        goto cleanup;
    }
    virTypedParamsFree(params, nparams);
    params = NULL;
    g_clear_pointer(&cookie, g_free);

    if (remoteDeserializeTypedParameters(perf.params.params_val, perf.params.params_len,
                                         REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                         &p.params, &p.nparams) < 0)
        goto cleanup;
    thread = g_thread_new("perform", testPerformThread, &p);
    if (virDomainGetJobInfo(p.dom, &info) < 0 || info.type != 2 || info.dataTotal != 100 ||
        info.dataRemaining != 40 || virDomainAbortJob(p.dom) < 0) {
        fprintf(stderr, "job calls during perform: %s\n", virGetLastErrorMessage());
        g_thread_join(thread);
        goto cleanup;
    }
    g_thread_join(thread);
    if (p.rc != 0 || p.cookie || p.cookielen != 0) {
        fprintf(stderr, "perform: %d, cookie of %d bytes: %s\n", p.rc, p.cookielen,
                virGetLastErrorMessage());
        goto cleanup;
    }

    if (remoteDeserializeTypedParameters(fin.params.params_val, fin.params.params_len,
                                         REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                         &params, &nparams) < 0 ||
        !(dst = virDomainMigrateFinish3Params(conn, params, nparams,
                                              fin.cookie_in.cookie_in_val,
                                              fin.cookie_in.cookie_in_len,
                                              &cookie, &cookielen, fin.flags, fin.cancelled))) {
        fprintf(stderr, "finish: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (STRNEQ(virDomainGetName(dst), finRet.dom.name) || virDomainGetID(dst) != finRet.dom.id ||
        memcmp(dst->uuid, finRet.dom.uuid, VIR_UUID_BUFLEN) != 0 ||
        cookielen != (int)finRet.cookie_out.cookie_out_len ||
        memcmp(cookie, finRet.cookie_out.cookie_out_val, cookielen) != 0) {
        fprintf(stderr, "finish gave %s id %d and a cookie of %d bytes\n",
                virDomainGetName(dst), virDomainGetID(dst), cookielen);
        goto cleanup;
    }

    if (virDomainMigrateConfirm3Params(p.dom, NULL, 0, "<c>", 4, 3, 1) < 0) {
        fprintf(stderr, "confirm: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;

 cleanup:
    virTypedParamsFree(params, nparams);
    virTypedParamsFree(p.params, p.nparams);
    g_free(p.cookie);
    if (p.dom)
        virDomainFree(p.dom);
    if (dst)
        virDomainFree(dst);
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_prepare3_params_args, (char *)&prep);
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_prepare3_params_ret, (char *)&prepRet);
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_perform3_params_args, (char *)&perf);
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_finish3_params_args, (char *)&fin);
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_finish3_params_ret, (char *)&finRet);
    return ret;
}

static int
testMigration(const void *data G_GNUC_UNUSED)
{
    g_autofree char *tmp = g_dir_make_tmp("remotedriverXXXXXX", NULL);
    g_autofree char *sock = g_build_filename(tmp, "sock", NULL);
    g_autofree char *uri = g_strdup_printf("qemu+unix:///system?socket=%s", sock);
    testDaemon d = { .fd = -1, .log = g_string_new(NULL), .errors = g_string_new(NULL) };
    testMigFrames *frames[] = { &testMigPrepare, &testMigPerform, &testMigFinish };
    GThread *daemon;
    virConnectPtr conn;
    size_t i;
    int ret = -1;

    for (i = 0; i < G_N_ELEMENTS(frames); i++) {
        if (!(frames[i]->call = virTestNetTraceFind(frames[i]->log, frames[i]->proc, true)) ||
            !(frames[i]->reply = virTestNetTraceFind(frames[i]->log, frames[i]->proc, false))) {
            fprintf(stderr, "no call and reply of %d in %s\n", frames[i]->proc, frames[i]->log);
            goto cleanup;
        }
    }
    if ((d.listenfd = testListen(sock)) < 0)
        goto cleanup;
    daemon = g_thread_new("daemon", testDaemonMigration, &d);
    if ((conn = virConnectOpen(uri))) {
        ret = testMigrationCalls(conn);
        virConnectClose(conn);
    } else {
        fprintf(stderr, "open: %s\n", virGetLastErrorMessage());
        shutdown(d.listenfd, SHUT_RDWR);
    }
    g_thread_join(daemon);
    if (d.errors->len) {
        fprintf(stderr, "the daemon saw: %s", d.errors->str);
        ret = -1;
    }
    if (ret == 0 &&
        STRNEQ(d.log->str, "66\n60\n1\n60\n60\n60\nfeature 4\n60\nfeature 13\n"
                           "302\n303\n305 163\n164\n306\n307\n2\n")) {
        fprintf(stderr, "calls:\n%s", d.log->str);
        ret = -1;
    }
    close(d.listenfd);

 cleanup:
    if (d.fd >= 0)
        close(d.fd);
    unlink(sock);
    rmdir(tmp);
    for (i = 0; i < G_N_ELEMENTS(frames); i++) {
        if (frames[i]->call)
            g_byte_array_unref(g_steal_pointer(&frames[i]->call));
        if (frames[i]->reply)
            g_byte_array_unref(g_steal_pointer(&frames[i]->reply));
    }
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
    virTestRun("migration phases carry logged params and cookies", testMigration, NULL);
    return 0;
}

VIR_TEST_MAIN(mymain)
