/*
 * remotedispatchtest.c: virtqemud's REMOTE procedures, without sockets
 *
 * Each call goes the way it goes on the wire: the client's args encoded
 * with the table's filter, decoded again as the server does, dispatched on
 * a simulated host's root (testqemusim.h), the ret encoded and decoded as
 * the client reads it. Checked: the open sequence of Debian's virsh and
 * python (protocol.md 3.1), domain and network calls, references by UUID,
 * errors (before open, second open, unknown procedure, missing domain,
 * read-only connection) and the older listing calls.
 */
#include "internal.h"

#include "remote_daemon_dispatch.h"
#include "datatypes.h"
#include "driver.h"
#include "virfile.h"
#include "virnettraceutils.h"
#include "testqemusim.h"
#include "testutils.h"
#include "virerror.h"
#include "virnetmessage.h"
#include "viruuid.h"

static testQEMUSim *sim;

/* Runs @procnum with @args; on success the ret as the client decodes it
 * is in @ret (free with xdr_free). On failure the error reply is encoded
 * too and the thread's last error is the one sent. */
static int
testCall(remoteClient *client, int procnum, void *args, void *ret)
{
    const virNetProcedure *proc = virNetProgramLookup(&remoteProgram, procnum);
    g_autoptr(virNetMessage) call = virNetMessageNew();
    g_autoptr(virNetMessage) server = virNetMessageNew();
    g_autoptr(virNetMessage) reply = virNetMessageNew();
    g_autoptr(virNetMessage) back = virNetMessageNew();
    g_autofree void *sargs = NULL;
    g_autofree void *sret = NULL;
    int rc = -1;

    if (!proc) {
        printf("#   no procedure %d\n", procnum);
        return -1;
    }
    call->header.prog = REMOTE_PROGRAM;
    call->header.vers = REMOTE_PROTOCOL_VERSION;
    call->header.proc = procnum;
    call->header.type = VIR_NET_CALL;
    call->header.serial = 7;
    call->header.status = VIR_NET_OK;
    if (virNetMessageEncodeHeader(call) < 0 ||
        virNetMessageEncodePayload(call, proc->argsFilter, args) < 0 ||
        virNetMessageDecodeFrame(server, call->buffer, call->bufferLength) < 0) {
        printf("#   %s: args: %s\n", proc->name, virGetLastErrorMessage());
        return -2;
    }
    if (proc->argsSize) {
        sargs = g_malloc0(proc->argsSize);
        if (virNetMessageDecodePayload(server, proc->argsFilter, sargs) < 0) {
            printf("#   %s: args: %s\n", proc->name, virGetLastErrorMessage());
            return -2;
        }
    }
    if (proc->retSize)
        sret = g_malloc0(proc->retSize);

    reply->header = call->header;
    reply->header.type = VIR_NET_REPLY;
    if (remoteDispatchCall(client, proc, sargs, sret) < 0) {
        virErrorPtr sent = NULL;

        virErrorPreserveLast(&sent);
        if (virNetMessageEncodeErrorReply(reply, &call->header) < 0) {
            printf("#   %s: the error reply does not encode\n", proc->name);
            rc = -2;
        }
        virErrorRestore(&sent);
        goto cleanup;
    }
    if (virNetMessageEncodeHeader(reply) < 0 ||
        virNetMessageEncodePayload(reply, proc->retFilter, sret) < 0 ||
        virNetMessageDecodeFrame(back, reply->buffer, reply->bufferLength) < 0 ||
        (proc->retSize && virNetMessageDecodePayload(back, proc->retFilter, ret) < 0)) {
        printf("#   %s: ret: %s\n", proc->name, virGetLastErrorMessage());
        rc = -2;
        goto cleanup;
    }
    rc = 0;

 cleanup:
    if (sargs)
        xdr_free(proc->argsFilter, sargs);
    if (sret)
        xdr_free(proc->retFilter, sret);
    return rc;
}

/* testCall expected to fail with @code and a message containing @needle. */
static int
testCallFails(remoteClient *client, int procnum, void *args, int code, const char *needle)
{
    char dummy[4096] = { 0 };
    virErrorPtr err;

    if (testCall(client, procnum, args, dummy) != -1) {
        printf("#   procedure %d did not fail as expected\n", procnum);
        return -1;
    }
    err = virGetLastError();
    if (!err || err->code != code || !err->message || !strstr(err->message, needle)) {
        printf("#   procedure %d: expected code %d '%s', got %d '%s'\n", procnum, code, needle,
               err ? err->code : -1, err && err->message ? err->message : "");
        return -1;
    }
    virResetLastError();
    return 0;
}

static int
testOpen(remoteClient *client, const char *uri, unsigned int flags)
{
    g_autofree char *name = g_strdup(uri);
    remote_connect_open_args args = { .name = uri ? &name : NULL, .flags = flags };

    if (testCall(client, REMOTE_PROC_CONNECT_OPEN, &args, NULL) < 0) {
        printf("#   open %s: %s\n", NULLSTR(uri), virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

#define DOM_UUID "6f1c3a6e-1d2b-4c5e-9a7b-000000000701"
#define DOM_XML \
    "<domain type='qemu'>\n" \
    "  <name>rd1</name>\n" \
    "  <uuid>" DOM_UUID "</uuid>\n" \
    "  <memory unit='MiB'>64</memory>\n" \
    "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n" \
    "</domain>\n"

/* virsh's open sequence; features; the URI given back. */
static int
testOpenSequence(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(sim->root, false);
    remote_auth_list_ret auth = { 0 };
    remote_connect_supports_feature_args feat = { 10 };
    remote_connect_supports_feature_ret sup = { 0 };
    remote_connect_get_uri_ret uri = { 0 };
    remote_connect_get_type_ret type = { 0 };
    int ret = -1;

    if (testCall(client, REMOTE_PROC_AUTH_LIST, NULL, &auth) < 0 ||
        auth.types.types_len != 1 || auth.types.types_val[0] != REMOTE_AUTH_NONE) {
        printf("#   AUTH_LIST is not [NONE]\n");
        goto cleanup;
    }
    /* keepalive is asked before the open */
    if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 ||
        sup.supported != 1 || !remoteClientTakeKeepaliveRequest(client) ||
        remoteClientTakeKeepaliveRequest(client)) {
        printf("#   keepalive feature not answered 1 and requested once\n");
        goto cleanup;
    }
    if (testCallFails(client, REMOTE_PROC_CONNECT_GET_TYPE, NULL, VIR_ERR_INTERNAL_ERROR,
                      "hypervisor connection not open") < 0)
        goto cleanup;
    /* no URI: the client asks for the URI afterwards */
    if (testOpen(client, "", 0) < 0)
        goto cleanup;
    if (testCallFails(client, REMOTE_PROC_CONNECT_OPEN,
                      &(remote_connect_open_args){ NULL, 0 },
                      VIR_ERR_INTERNAL_ERROR, "connection already open") < 0)
        goto cleanup;
    if (testCall(client, REMOTE_PROC_CONNECT_GET_URI, NULL, &uri) < 0 ||
        STRNEQ(uri.uri, "qemu:///system")) {
        printf("#   GET_URI: %s\n", uri.uri ? uri.uri : virGetLastErrorMessage());
        goto cleanup;
    }
    if (testCall(client, REMOTE_PROC_CONNECT_GET_TYPE, NULL, &type) < 0 ||
        STRNEQ(type.type, "QEMU")) {
        printf("#   GET_TYPE: %s\n", type.type ? type.type : virGetLastErrorMessage());
        goto cleanup;
    }
    feat.feature = 14;
    if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 || sup.supported != 1)
        goto cleanup;
    if (testCall(client, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, NULL, NULL) < 0 ||
        testCall(client, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL) < 0 ||
        !remoteClientCloseRequested(client))
        goto cleanup;
    if (testCallFails(client, REMOTE_PROC_CONNECT_GET_TYPE, NULL, VIR_ERR_INTERNAL_ERROR,
                      "hypervisor connection not open") < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&auth);
    xdr_free((xdrproc_t)xdr_remote_connect_get_uri_ret, (char *)&uri);
    xdr_free((xdrproc_t)xdr_remote_connect_get_type_ret, (char *)&type);
    return ret;
}

/* Before CONNECT_OPEN the migration features are 0; after it, the QEMU
 * driver's answers: peer-to-peer, version 3, parameters and change
 * protection (protocol.md 3.2), asked by virsh and by a source daemon. */
static int
testMigrationFeatures(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(sim->root, false);
    static const int features[] = { 4, 6, 7, 13 };
    remote_connect_supports_feature_args feat = { 0 };
    remote_connect_supports_feature_ret sup = { 0 };
    size_t i;
    int ret = 0;

    for (i = 0; i < G_N_ELEMENTS(features); i++) {
        feat.feature = features[i];
        sup.supported = -1;
        if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 ||
            sup.supported != 0) {
            printf("#   feature %d before open: %d\n", features[i], sup.supported);
            ret = -1;
        }
    }
    if (testOpen(client, "qemu:///system", 0) < 0)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(features); i++) {
        feat.feature = features[i];
        sup.supported = -1;
        if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 ||
            sup.supported != 1) {
            printf("#   feature %d after open: %d %s\n", features[i], sup.supported,
                   virGetLastErrorMessage());
            ret = -1;
        }
    }
    /* not the driver's: the daemon has no streams with descriptors */
    feat.feature = 8;
    if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 ||
        sup.supported != 0) {
        printf("#   feature 8: %d\n", sup.supported);
        ret = -1;
    }
    return ret;
}

static int
testOtherURI(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(sim->root, false);
    g_autofree char *name = g_strdup("xen:///system");
    remote_connect_open_args args = { &name, 0 };

    return testCallFails(client, REMOTE_PROC_CONNECT_OPEN, &args, VIR_ERR_NO_CONNECT,
                         "no connection driver available for xen:///system");
}

/* define, look up by name / uuid / listing, state, XML, undefine. */
static int
testDomainCalls(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(sim->root, false);
    remote_domain_define_xml_args def = { (char *)DOM_XML };
    remote_domain_define_xml_ret defret = { 0 };
    remote_domain_lookup_by_name_args byname = { (char *)"rd1" };
    remote_domain_lookup_by_name_ret byret = { 0 };
    remote_connect_list_all_domains_args lall = { 1, 3 };
    remote_connect_list_all_domains_ret lret = { 0 };
    remote_domain_get_state_args st = { 0 };
    remote_domain_get_state_ret stret = { 0 };
    remote_domain_get_xml_desc_args xa = { 0 };
    remote_domain_get_xml_desc_ret xret = { 0 };
    remote_connect_num_of_defined_domains_ret ndef = { 0 };
    remote_connect_list_defined_domains_args ldefa = { 10 };
    remote_connect_list_defined_domains_ret ldef = { 0 };
    remote_domain_undefine_flags_args undef = { 0 };
    remote_domain_is_active_args isa = { 0 };
    remote_domain_is_active_ret isret = { 1 };
    remote_domain_get_info_args gi = { 0 };
    remote_domain_get_info_ret giret = { 0 };
    unsigned char uuid[VIR_UUID_BUFLEN];
    int ret = -1;

    if (testOpen(client, "qemu:///system", 0) < 0)
        goto cleanup;
    if (testCall(client, REMOTE_PROC_DOMAIN_DEFINE_XML, &def, &defret) < 0) {
        printf("#   define: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    virUUIDParse(DOM_UUID, uuid);
    if (STRNEQ(defret.dom.name, "rd1") || defret.dom.id != -1 ||
        memcmp(defret.dom.uuid, uuid, VIR_UUID_BUFLEN) != 0) {
        printf("#   define answered %s id %d\n", defret.dom.name, defret.dom.id);
        goto cleanup;
    }
    if (testCall(client, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &byname, &byret) < 0 ||
        memcmp(byret.dom.uuid, uuid, VIR_UUID_BUFLEN) != 0) {
        printf("#   lookup by name: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (testCall(client, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &lall, &lret) < 0 ||
        lret.ret != 1 || lret.domains.domains_len != 1 ||
        STRNEQ(lret.domains.domains_val[0].name, "rd1")) {
        printf("#   list all: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    /* found by uuid: a stale name from the client does not matter */
    st.dom = byret.dom;
    st.dom.name = (char *)"stale-name";
    if (testCall(client, REMOTE_PROC_DOMAIN_GET_STATE, &st, &stret) < 0 ||
        stret.state != VIR_DOMAIN_SHUTOFF) {
        printf("#   state: %s (%d)\n", virGetLastErrorMessage(), stret.state);
        goto cleanup;
    }
    xa.dom = byret.dom;
    xa.flags = VIR_DOMAIN_XML_INACTIVE;
    if (testCall(client, REMOTE_PROC_DOMAIN_GET_XML_DESC, &xa, &xret) < 0 ||
        !strstr(xret.xml, "<name>rd1</name>")) {
        printf("#   xml: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    gi.dom = byret.dom;
    if (testCall(client, REMOTE_PROC_DOMAIN_GET_INFO, &gi, &giret) < 0 ||
        giret.state != VIR_DOMAIN_SHUTOFF || giret.maxMem != 65536) {
        printf("#   info: %s (maxMem %llu)\n", virGetLastErrorMessage(),
               (unsigned long long)giret.maxMem);
        goto cleanup;
    }
    if (testCall(client, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, NULL, &ndef) < 0 ||
        ndef.num != 1 ||
        testCall(client, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, &ldefa, &ldef) < 0 ||
        ldef.names.names_len != 1 || STRNEQ(ldef.names.names_val[0], "rd1")) {
        printf("#   defined domains: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    isa.dom = byret.dom;
    if (testCall(client, REMOTE_PROC_DOMAIN_IS_ACTIVE, &isa, &isret) < 0 || isret.active != 0)
        goto cleanup;
    /* this driver has no managed save: a domain has no image */
    {
        remote_domain_has_managed_save_image_ret msret = { -1 };

        if (testCall(client, REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE,
                     &(remote_domain_has_managed_save_image_args){ byret.dom, 0 }, &msret) < 0 ||
            msret.result != 0) {
            printf("#   managed save image: %d %s\n", msret.result, virGetLastErrorMessage());
            goto cleanup;
        }
    }
    /* not served: the answer clients read as "not supported" */
    if (testCallFails(client, REMOTE_PROC_DOMAIN_SNAPSHOT_NUM,
                      &(remote_domain_snapshot_num_args){ byret.dom, 0 },
                      VIR_ERR_RPC, "unknown procedure: 187") < 0)
        goto cleanup;
    if (testCallFails(client, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID,
                      &(remote_domain_lookup_by_id_args){ 4242 },
                      VIR_ERR_NO_DOMAIN, "no domain with matching id 4242") < 0)
        goto cleanup;
    undef.dom = byret.dom;
    if (testCall(client, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, &undef, NULL) < 0) {
        printf("#   undefine: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    /* a handle gone stale: libvirtd's error, fields as it sends them */
    {
        char dummy[64] = { 0 };
        virErrorPtr err;

        st.dom = byret.dom;
        if (testCall(client, REMOTE_PROC_DOMAIN_GET_STATE, &st, dummy) != -1 ||
            !(err = virGetLastError())) {
            printf("#   get state of an undefined domain did not fail\n");
            goto cleanup;
        }
        if (err->code != VIR_ERR_NO_DOMAIN || err->domain != VIR_FROM_QEMU ||
            STRNEQ_NULLABLE(err->message, "Domain not found: no domain with matching uuid '"
                            DOM_UUID "' (rd1)") ||
            STRNEQ_NULLABLE(err->str1, "Domain not found: %s") ||
            STRNEQ_NULLABLE(err->str2, "no domain with matching uuid '" DOM_UUID "' (rd1)") ||
            err->str3 || err->int1 != -1 || err->int2 != -1) {
            printf("#   stale handle: %d %d '%s' '%s' '%s'\n", err->code, err->domain,
                   NULLSTR(err->message), NULLSTR(err->str1), NULLSTR(err->str2));
            goto cleanup;
        }
        virResetLastError();
    }
    ret = 0;

 cleanup:
    xdr_free((xdrproc_t)xdr_remote_domain_define_xml_ret, (char *)&defret);
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_name_ret, (char *)&byret);
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, (char *)&lret);
    xdr_free((xdrproc_t)xdr_remote_domain_get_xml_desc_ret, (char *)&xret);
    xdr_free((xdrproc_t)xdr_remote_connect_list_defined_domains_ret, (char *)&ldef);
    return ret;
}

/* The network of the simulated host, as virsh net-list asks for it. */
static int
testNetworkCalls(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(sim->root, false);
    remote_connect_list_all_networks_args la = { 1, 3 };
    remote_connect_list_all_networks_ret lret = { 0 };
    remote_network_is_active_args ia = { 0 };
    remote_network_is_active_ret iret = { 0 };
    remote_network_get_xml_desc_args xa = { 0 };
    remote_network_get_xml_desc_ret xret = { 0 };
    int ret = -1;

    if (testOpen(client, "qemu:///system", 0) < 0)
        goto cleanup;
    if (testCall(client, REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, &la, &lret) < 0 ||
        lret.ret != 1 || STRNEQ(lret.nets.nets_val[0].name, "vfpool")) {
        printf("#   list networks: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ia.net = lret.nets.nets_val[0];
    xa.net = lret.nets.nets_val[0];
    if (testCall(client, REMOTE_PROC_NETWORK_IS_ACTIVE, &ia, &iret) < 0 || iret.active != 1 ||
        testCall(client, REMOTE_PROC_NETWORK_GET_XML_DESC, &xa, &xret) < 0 ||
        !strstr(xret.xml, "<name>vfpool</name>")) {
        printf("#   network: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;

 cleanup:
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_networks_ret, (char *)&lret);
    xdr_free((xdrproc_t)xdr_remote_network_get_xml_desc_ret, (char *)&xret);
    return ret;
}

/* A client of the read-only socket: its connection is read-only whatever
 * it asked, so a change is refused even if the transport let it through;
 * reading works. */
static int
testReadOnly(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(sim->root, true);
    remote_domain_define_xml_args def = { (char *)DOM_XML };
    remote_connect_list_all_domains_args lall = { 1, 3 };
    remote_connect_list_all_domains_ret lret = { 0 };
    int ret = -1;

    if (testOpen(client, "qemu:///system", 0) < 0)
        goto cleanup;
    if (testCallFails(client, REMOTE_PROC_DOMAIN_DEFINE_XML, &def, VIR_ERR_OPERATION_DENIED,
                      "read only access prevents") < 0)
        goto cleanup;
    if (testCall(client, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &lall, &lret) < 0) {
        printf("#   list on a read-only connection: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    ret = 0;

 cleanup:
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, (char *)&lret);
    return ret;
}

/* Every handler belongs to a procedure of the table that is a call; the
 * calls of the open sequences and of the virsh commands of protocol.md
 * 3.1 and 3.3 that our API can answer are served. */
static int
testHandlersInTable(const void *opaque G_GNUC_UNUSED)
{
    static const int needed[] = {
        1, 2, 3, 4, 6, 7, 59, 60, 66, 110, 157, 360, 361,
        8, 9, 10, 11, 12, 13, 14, 16, 21, 22, 23, 24, 25, 28, 33, 34, 35, 37, 51,
        105, 106, 150, 151, 160, 161, 163, 164, 196, 212, 231, 234, 258, 273, 298, 316, 317, 342, 350,
        39, 41, 42, 43, 44, 46, 47, 48, 49, 152, 153, 283, 432,
        302, 303, 305, 306, 307,
    };
    size_t i;
    size_t served = 0;
    int ret = 0;

    for (i = 0; i < remoteProgram.nprocs; i++) {
        const virNetProcedure *p = &remoteProgram.procs[i];

        if (!remoteDispatchHasHandler(p->proc))
            continue;
        served++;
        if (p->flags & VIR_NET_PROCEDURE_MESSAGE) {
            printf("#   event %s has a handler\n", p->name);
            ret = -1;
        }
    }
    for (i = 0; i < 1000; i++) {
        if (remoteDispatchHasHandler(i) && !virNetProgramLookup(&remoteProgram, i)) {
            printf("#   handler for %zu, which is no procedure\n", i);
            ret = -1;
        }
    }
    for (i = 0; i < G_N_ELEMENTS(needed); i++) {
        if (!remoteDispatchHasHandler(needed[i])) {
            printf("#   procedure %d is not served\n", needed[i]);
            ret = -1;
        }
    }
    printf("# %zu of %zu REMOTE procedures served\n", served, remoteProgram.nprocs);
    return ret;
}

/* Events: what a client registered for reaches its sender, from the
 * daemon's event loop thread (so the test waits for them). */
static GPtrArray *testEvents;   /* "callbackID name event detail" */
static GMutex testEventsLock;

/* DOMAIN_EVENT_LIFECYCLE (the connection's registration) is recorded as
 * "conn name event detail". */
static int
testRecordEvent(void *opaque G_GNUC_UNUSED, int proc, void *body)
{
    remote_domain_event_callback_lifecycle_msg *msg = body;
    remote_domain_event_lifecycle_msg *conn = body;
    char *line;

    if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE)
        line = g_strdup_printf("%d %s %d %d", msg->callbackID, msg->msg.dom.name,
                               msg->msg.event, msg->msg.detail);
    else if (proc == REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE)
        line = g_strdup_printf("conn %s %d %d", conn->dom.name, conn->event, conn->detail);
    else
        return -1;
    g_mutex_lock(&testEventsLock);
    g_ptr_array_add(testEvents, line);
    g_mutex_unlock(&testEventsLock);
    return 0;
}

/* Waits (up to 5 s) for as many events as @want has, plus 200 ms for
 * any extra one, then compares. */
static int
testEventsSeen(const char *const *want)
{
    g_autoptr(GMutexLocker) locker = NULL;
    guint nwant = g_strv_length((char **)want);
    guint i;

    for (i = 0; i < 50; i++) {
        guint n;

        g_mutex_lock(&testEventsLock);
        n = testEvents->len;
        g_mutex_unlock(&testEventsLock);
        if (n >= nwant)
            break;
        g_usleep(100 * 1000);
    }
    g_usleep(200 * 1000);
    locker = g_mutex_locker_new(&testEventsLock);
    for (i = 0; want[i] || i < testEvents->len; i++) {
        const char *got = i < testEvents->len ? g_ptr_array_index(testEvents, i) : "(none)";

        if (!want[i] || STRNEQ(want[i], got)) {
            printf("#   event %u: expected '%s', got '%s'\n", i, want[i] ? want[i] : "(none)", got);
            return -1;
        }
    }
    g_ptr_array_set_size(testEvents, 0);
    return 0;
}

/* The daemon's events on the simulated root, @listener (read-only)
 * recording what it gets, both clients open. */
static int
testEventsStart(remoteClient *listener, remoteClient *actor)
{
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", sim->root);

    testEvents = g_ptr_array_new_with_free_func(g_free);
    /* no periodic look: only the changes made through the dispatcher */
    remoteEventsSetInterval(600000);
    if (remoteEventsInit(uri) < 0) {
        printf("#   init: %s\n", virGetLastErrorMessage());
        return -1;
    }
    remoteClientSetEventSender(listener, testRecordEvent, NULL);
    if (testOpen(listener, "qemu:///system", 0) < 0 || testOpen(actor, "qemu:///system", 0) < 0)
        return -1;
    return 0;
}

static void
testEventsStop(void)
{
    remoteEventsShutdown();
    g_clear_pointer(&testEvents, g_ptr_array_unref);
}

/* @actor defines DOM_XML (rd1) and undefines it. */
static int
testDefineUndefine(remoteClient *actor)
{
    remote_domain_define_xml_args def = { (char *)DOM_XML };
    remote_domain_define_xml_ret defret = { 0 };
    remote_domain_undefine_args undef = { 0 };
    int ret = -1;

    if (testCall(actor, REMOTE_PROC_DOMAIN_DEFINE_XML, &def, &defret) < 0)
        goto cleanup;
    undef.dom = defret.dom;
    if (testCall(actor, REMOTE_PROC_DOMAIN_UNDEFINE, &undef, NULL) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    xdr_free((xdrproc_t)xdr_remote_domain_define_xml_ret, (char *)&defret);
    return ret;
}

/* rd1 defined and undefined: exactly @first and @second, or nothing
 * (both NULL). */
static int
testDefineUndefineSeen(remoteClient *actor, const char *first, const char *second)
{
    const char *want[] = { first, second, NULL };

    if (testDefineUndefine(actor) < 0)
        return -1;
    return testEventsSeen(want);
}

static int
testEvents_(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) listener = remoteClientNew(sim->root, true);
    g_autoptr(remoteClient) actor = remoteClientNew(sim->root, false);
    remote_connect_domain_event_callback_register_any_args reg = { 0, NULL };
    remote_connect_domain_event_callback_register_any_ret regret = { -1 };
    remote_connect_domain_event_callback_deregister_any_args dereg = { 0 };
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    int ret = -1;

    if (testEventsStart(listener, actor) < 0)
        goto cleanup;
    /* a read-only client may listen */
    if (testCall(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &reg, &regret) < 0) {
        printf("#   register: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    a = g_strdup_printf("%d rd1 0 0", regret.callbackID);
    b = g_strdup_printf("%d rd1 1 0", regret.callbackID);
    if (testDefineUndefineSeen(actor, a, b) < 0)
        goto cleanup;
    reg.eventID = 27;
    if (testCallFails(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &reg,
                      VIR_ERR_INVALID_ARG, "unsupported event ID 27") < 0)
        goto cleanup;
    dereg.callbackID = regret.callbackID;
    if (testCallFails(actor, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, &dereg,
                      VIR_ERR_INVALID_ARG, "no domain event callback") < 0 ||
        testCall(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, &dereg, NULL) < 0)
        goto cleanup;
    if (testDefineUndefineSeen(actor, NULL, NULL) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    testEventsStop();
    return ret;
}

/* Does the daemon hold registrations on the driver (whose sync tick runs
 * while it has listeners) exactly when @want? */
static int
testDriverListened(bool want, const char *when)
{
    size_t n = remoteEventsDriverRegistrations();

    if ((n > 0) != want) {
        printf("#   %s: %zu registrations on the driver\n", when, n);
        return -1;
    }
    return 0;
}

/* The connection's registration (CONNECT_DOMAIN_EVENT_REGISTER, what a
 * client uses with a server lacking feature 14): DOMAIN_EVENT_LIFECYCLE
 * messages until CONNECT_DOMAIN_EVENT_DEREGISTER; one per connection.
 * The daemon listens on the driver only while a client is registered. */
static int
testConnectionEvents(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) listener = remoteClientNew(sim->root, true);
    g_autoptr(remoteClient) actor = remoteClientNew(sim->root, false);
    remote_connect_domain_event_register_ret regret = { -1 };
    remote_connect_domain_event_deregister_ret deregret = { -1 };
    int round;
    int ret = -1;

    if (testEventsStart(listener, actor) < 0 ||
        testDriverListened(false, "no registration yet") < 0)
        goto cleanup;
    if (testCallFails(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER, NULL,
                      VIR_ERR_OPERATION_INVALID, "not registered for lifecycle events") < 0)
        goto cleanup;
    /* registered, deregistered, registered again: events in both rounds */
    for (round = 0; round < 2; round++) {
        if (testCall(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER, NULL, &regret) < 0) {
            printf("#   register: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        if (regret.cb_registered != 0) {
            printf("#   cb_registered %d, libvirtd sends 0\n", regret.cb_registered);
            goto cleanup;
        }
        if (testDriverListened(true, "registered") < 0)
            goto cleanup;
        if (testCallFails(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER, NULL,
                          VIR_ERR_OPERATION_INVALID, "already registered for lifecycle events") < 0)
            goto cleanup;
        if (testDefineUndefineSeen(actor, "conn rd1 0 0", "conn rd1 1 0") < 0)
            goto cleanup;
        if (testCall(listener, REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER, NULL, &deregret) < 0) {
            printf("#   deregister: %s\n", virGetLastErrorMessage());
            goto cleanup;
        }
        if (testDriverListened(false, "deregistered") < 0)
            goto cleanup;
    }
    if (testDefineUndefineSeen(actor, NULL, NULL) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    testEventsStop();
    return ret;
}

/* Which running guests get their failover state asked: decided on the
 * teaming elements of the live XML, not on its text. */
static int
testFailoverPending(const void *opaque G_GNUC_UNUSED)
{
#define TEST_STANDBY(negotiated) \
    "    <interface type='bridge'>\n" \
    "      <source bridge='br0'/>\n" \
    "      <model type='virtio'/>\n" \
    "      <teaming type='persistent'" negotiated "/>\n" \
    "      <alias name='ua-backup0'/>\n" \
    "    </interface>\n"
#define TEST_PRIMARY(names) \
    "    <interface type='hostdev' managed='yes'>\n" \
    "      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/></source>\n" \
    "      <teaming type='transient' persistent='" names "'/>\n" \
    "      <alias name='ua-primary0'/>\n" \
    "    </interface>\n"
#define TEST_DOMAIN(description, devices) \
    "<domain type='kvm' id='3'>\n" \
    "  <name>t</name>\n" \
    "  <description>" description "</description>\n" \
    "  <devices>\n" devices "  </devices>\n" \
    "</domain>\n"
    static const struct {
        const char *what;
        const char *xml;
        bool pending;
    } cases[] = {
        { "a pair not negotiated", TEST_DOMAIN("", TEST_STANDBY(" negotiated='no'") TEST_PRIMARY("ua-backup0")), true },
        { "a pair not known to have negotiated", TEST_DOMAIN("", TEST_STANDBY("") TEST_PRIMARY("ua-backup0")), true },
        { "a pair negotiated", TEST_DOMAIN("", TEST_STANDBY(" negotiated='yes'") TEST_PRIMARY("ua-backup0")), false },
        { "a standby without its primary", TEST_DOMAIN("", TEST_STANDBY(" negotiated='no'")), false },
        { "a primary naming another standby",
          TEST_DOMAIN("", TEST_STANDBY(" negotiated='no'") TEST_PRIMARY("ua-other")), false },
        { "the words in a description, no teaming",
          TEST_DOMAIN("teaming type='persistent' negotiated='no'", ""), false },
        { "the words in a description, a negotiated pair",
          TEST_DOMAIN("negotiated='no'", TEST_STANDBY(" negotiated='yes'") TEST_PRIMARY("ua-backup0")), false },
        { "not XML", "negotiated='no'", false },
    };
    size_t i;
    int ret = 0;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (remoteEventsFailoverPending(cases[i].xml) != cases[i].pending) {
            printf("#   %s: expected %s\n", cases[i].what, cases[i].pending ? "pending" : "not pending");
            ret = -1;
        }
    }
    return ret;
#undef TEST_STANDBY
#undef TEST_PRIMARY
#undef TEST_DOMAIN
}

/* Migration dispatch, on a driver of the test's own: it takes the
 * embedded URI of testMigRoot only (registered before the others), gets
 * the phases of the logged frames of libvirt 9.0 and answers with the
 * logged replies' cookies, URI and domain; the replies the daemon then
 * encodes must be the logged ones, byte for byte. */
static char *testMigRoot;
static GString *testMigSeen;        /* what the driver's phases got */

typedef struct {
    const char *log;
    int proc;
    GByteArray *call;
    GByteArray *reply;
    void *ret;                      /* the logged reply, decoded */
} testMigFrames;

enum { TEST_MIG_PREPARE, TEST_MIG_PERFORM, TEST_MIG_FINISH };
static testMigFrames testMigFrame[] = {
    [TEST_MIG_PREPARE] = { .log = "trace-mig2-p2p.log",
                           .proc = REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS },
    [TEST_MIG_PERFORM] = { .log = "trace-B.log",
                           .proc = REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS },
    [TEST_MIG_FINISH] = { .log = "trace-mig2-p2p.log",
                          .proc = REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS },
};

static virDrvOpenStatus
testMigOpen(virConnectPtr conn, GUri *uri G_GNUC_UNUSED, unsigned int flags G_GNUC_UNUSED)
{
    g_autofree char *escaped = g_uri_escape_string(testMigRoot, "/", FALSE);
    g_autofree char *mine = g_strdup_printf("qemu:///embed?root=%s", escaped);

    return STREQ(conn->uri, mine) ? VIR_DRV_OPEN_SUCCESS : VIR_DRV_OPEN_DECLINED;
}

static int
testMigClose(virConnectPtr conn G_GNUC_UNUSED)
{
    return 0;
}

static virDomainPtr
testMigLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return virGetDomain(conn, "d1", uuid, 1);
}

static int
testMigSupportsFeature(virConnectPtr conn G_GNUC_UNUSED, int feature)
{
    return feature == VIR_DRV_FEATURE_MIGRATION_P2P || feature == VIR_DRV_FEATURE_MIGRATION_V3 ||
        feature == VIR_DRV_FEATURE_MIGRATION_PARAMS;
}

static void
testMigRecord(const char *phase, virTypedParameterPtr params, int nparams,
              const char *cookie, int cookielen, unsigned int flags)
{
    int i;

    g_string_append_printf(testMigSeen, "%s flags %u cookie %d%s", phase, flags, cookielen,
                           cookielen > 0 && cookie[cookielen - 1] == '\0' ? " NUL" : "");
    for (i = 0; i < nparams; i++)
        g_string_append_printf(testMigSeen, " %s/%d", params[i].field, params[i].type);
    g_string_append_c(testMigSeen, '\n');
}

/* The cookie of a logged reply, as a driver gives it. */
static void
testMigCookie(const char *val, u_int len, char **cookieout, int *cookieoutlen)
{
    *cookieout = len ? g_memdup2(val, len) : NULL;
    *cookieoutlen = len;
}

static char *
testMigBegin(virDomainPtr dom G_GNUC_UNUSED, virTypedParameterPtr params, int nparams,
             char **cookieout, int *cookieoutlen, unsigned int flags)
{
    testMigRecord("begin", params, nparams, NULL, 0, flags);
    testMigCookie("<c/>", 5, cookieout, cookieoutlen);
    return g_strdup("<domain/>");
}

static int
testMigPrepare(virConnectPtr dconn G_GNUC_UNUSED, virTypedParameterPtr params, int nparams,
               const char *cookiein, int cookieinlen, char **cookieout, int *cookieoutlen,
               char **uri_out, unsigned int flags)
{
    remote_domain_migrate_prepare3_params_ret *r = testMigFrame[TEST_MIG_PREPARE].ret;

    testMigRecord("prepare", params, nparams, cookiein, cookieinlen, flags);
    testMigCookie(r->cookie_out.cookie_out_val, r->cookie_out.cookie_out_len,
                  cookieout, cookieoutlen);
    *uri_out = g_strdup(*r->uri_out);
    return 0;
}

static int
testMigPerform(virDomainPtr dom G_GNUC_UNUSED, const char *dconnuri,
               virTypedParameterPtr params, int nparams,
               const char *cookiein, int cookieinlen, char **cookieout, int *cookieoutlen,
               unsigned int flags)
{
    testMigRecord("perform", params, nparams, cookiein, cookieinlen, flags);
    g_string_append_printf(testMigSeen, "dconnuri %s\n", NULLSTR(dconnuri));
    *cookieout = NULL;
    *cookieoutlen = 0;
    return 0;
}

static virDomainPtr
testMigFinish(virConnectPtr dconn, virTypedParameterPtr params, int nparams,
              const char *cookiein, int cookieinlen, char **cookieout, int *cookieoutlen,
              unsigned int flags, int cancelled)
{
    remote_domain_migrate_finish3_params_ret *r = testMigFrame[TEST_MIG_FINISH].ret;

    testMigRecord("finish", params, nparams, cookiein, cookieinlen, flags);
    if (cancelled) {
        g_string_append(testMigSeen, "cancelled\n");
        return NULL;
    }
    testMigCookie(r->cookie_out.cookie_out_val, r->cookie_out.cookie_out_len,
                  cookieout, cookieoutlen);
    return virGetDomain(dconn, r->dom.name, (unsigned char *)r->dom.uuid, r->dom.id);
}

static int
testMigConfirm(virDomainPtr dom G_GNUC_UNUSED, virTypedParameterPtr params, int nparams,
               const char *cookiein, int cookieinlen, unsigned int flags, int cancelled)
{
    testMigRecord("confirm", params, nparams, cookiein, cookieinlen, flags);
    g_string_append_printf(testMigSeen, "cancelled %d\n", cancelled);
    return 0;
}

static virHypervisorDriver testMigDriver = {
    .name = "migtest",
    .connectOpen = testMigOpen,
    .connectClose = testMigClose,
    .domainLookupByUUID = testMigLookupByUUID,
    .connectSupportsFeature = testMigSupportsFeature,
    .domainMigrateBegin3Params = testMigBegin,
    .domainMigratePrepare3Params = testMigPrepare,
    .domainMigratePerform3Params = testMigPerform,
    .domainMigrateFinish3Params = testMigFinish,
    .domainMigrateConfirm3Params = testMigConfirm,
};

/* The logged call of @f through the dispatch; its reply must be the
 * logged one. */
static int
testMigLogged(remoteClient *client, testMigFrames *f)
{
    const virNetProcedure *p = virNetProgramLookup(&remoteProgram, f->proc);
    g_autoptr(virNetMessage) call = virNetMessageNew();
    g_autoptr(virNetMessage) reply = virNetMessageNew();
    g_autofree void *args = g_malloc0(p->argsSize);
    g_autofree void *ret = g_malloc0(p->retSize);
    int rc = -1;

    if (virNetMessageDecodeFrame(call, (const char *)f->call->data, f->call->len) < 0 ||
        virNetMessageDecodePayload(call, p->argsFilter, args) < 0)
        return -1;
    if (testCall(client, f->proc, args, ret) < 0) {
        printf("#   %s: %s\n", p->name, virGetLastErrorMessage());
        goto cleanup;
    }
    reply->header = call->header;
    reply->header.type = VIR_NET_REPLY;
    if (virNetMessageEncodeHeader(reply) < 0 ||
        virNetMessageEncodePayload(reply, p->retFilter, ret) < 0)
        goto cleanup;
    if (reply->bufferLength != f->reply->len ||
        memcmp(reply->buffer + 28, f->reply->data + 28, f->reply->len - 28) != 0) {
        printf("#   %s: reply of %zu bytes differs from %s (%u bytes)\n",
               p->name, reply->bufferLength, f->log, f->reply->len);
        goto cleanup;
    }
    rc = 0;

 cleanup:
    xdr_free(p->argsFilter, args);
    xdr_free(p->retFilter, ret);
    return rc;
}

static int
testMigration(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(remoteClient) client = remoteClientNew(testMigRoot, false);
    remote_connect_supports_feature_args feat = { 0 };
    remote_connect_supports_feature_ret sup = { 0 };
    remote_domain_migrate_begin3_params_args begin = { .flags = 3 };
    remote_domain_migrate_begin3_params_ret beginRet = { 0 };
    remote_domain_migrate_confirm3_params_args confirm = { .flags = 3, .cancelled = 1 };
    remote_domain_migrate_finish3_params_args finish = { .flags = 3, .cancelled = 1 };
    remote_typed_param bw = { .field = (char *)"bandwidth",
                              .value = { .type = VIR_TYPED_PARAM_ULLONG,
                                         .remote_typed_param_value_u.ul = 100 } };
    static const char *const want =
        "begin flags 3 cookie 0 bandwidth/4\n"
        "prepare flags 3 cookie 1046 NUL destination_xml/7 migrate_uri/7 bandwidth/4\n"
        "perform flags 3 cookie 0 migrate_uri/7 bandwidth/4\n"
        "dconnuri qemu+tcp://127.0.0.1:26509/system\n"
        "finish flags 3 cookie 1118 NUL destination_xml/7 migrate_uri/7 bandwidth/4 destination_name/7\n"
        "finish flags 3 cookie 5 NUL\n"
        "cancelled\n"
        "confirm flags 3 cookie 5 NUL bandwidth/4\n"
        "cancelled 1\n";
    size_t i;
    int ret = -1;

    for (i = 0; i < G_N_ELEMENTS(testMigFrame); i++) {
        if (!testMigFrame[i].call) {
            printf("#   no call and reply of %d in %s\n", testMigFrame[i].proc, testMigFrame[i].log);
            return -1;
        }
    }
    /* the driver's answers once open, none before */
    feat.feature = VIR_DRV_FEATURE_MIGRATION_P2P;
    if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 ||
        sup.supported != 0)
        return -1;
    if (testOpen(client, "qemu:///system", 0) < 0)
        return -1;
    for (i = 1; i <= 8; i++) {
        feat.feature = i;
        if (testCall(client, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &feat, &sup) < 0 ||
            sup.supported != (i == 4 || i == 6)) {
            printf("#   feature %zu: %d\n", i, sup.supported);
            return -1;
        }
    }

    g_string_truncate(testMigSeen, 0);
    begin.dom.name = (char *)"d1";
    begin.params.params_len = 1;
    begin.params.params_val = &bw;
    if (testCall(client, REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, &begin, &beginRet) < 0 ||
        STRNEQ(beginRet.xml, "<domain/>") || beginRet.cookie_out.cookie_out_len != 5 ||
        memcmp(beginRet.cookie_out.cookie_out_val, "<c/>", 5) != 0) {
        printf("#   begin: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    for (i = 0; i < G_N_ELEMENTS(testMigFrame); i++) {
        if (testMigLogged(client, &testMigFrame[i]) < 0)
            goto cleanup;
    }
    /* a cancelled finish without a domain is an error */
    finish.cookie_in.cookie_in_val = (char *)"<c/>";
    finish.cookie_in.cookie_in_len = 5;
    if (testCallFails(client, REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, &finish,
                      VIR_ERR_OPERATION_FAILED, "the migration was cancelled") < 0)
        goto cleanup;
    confirm.dom.name = (char *)"d1";
    confirm.params.params_len = 1;
    confirm.params.params_val = &bw;
    confirm.cookie_in.cookie_in_val = (char *)"<c/>";
    confirm.cookie_in.cookie_in_len = 5;
    if (testCall(client, REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS, &confirm, NULL) < 0) {
        printf("#   confirm: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (STRNEQ(testMigSeen->str, want)) {
        printf("#   the driver saw:\n%s", testMigSeen->str);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_begin3_params_ret, (char *)&beginRet);
    return ret;
}

/* The logged frames, and the driver, before virInitialize. */
static int
testMigSetup(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(testMigFrame); i++) {
        testMigFrames *f = &testMigFrame[i];
        const virNetProcedure *p = virNetProgramLookup(&remoteProgram, f->proc);
        g_autoptr(virNetMessage) msg = virNetMessageNew();

        f->call = virTestNetTraceFind(f->log, f->proc, true);
        f->reply = virTestNetTraceFind(f->log, f->proc, false);
        if (!f->call || !f->reply)
            continue;
        f->ret = g_malloc0(p->retSize);
        if (virNetMessageDecodeFrame(msg, (const char *)f->reply->data, f->reply->len) < 0 ||
            virNetMessageDecodePayload(msg, p->retFilter, f->ret) < 0)
            return -1;
    }
    testMigSeen = g_string_new(NULL);
    if (!(testMigRoot = g_dir_make_tmp("remotedispatchmigXXXXXX", NULL)))
        return -1;
    return virRegisterHypervisorDriver(&testMigDriver);
}

static void
testMigTeardown(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(testMigFrame); i++) {
        testMigFrames *f = &testMigFrame[i];

        if (f->ret)
            xdr_free(virNetProgramLookup(&remoteProgram, f->proc)->retFilter, f->ret);
        g_clear_pointer(&f->ret, g_free);
        if (f->call)
            g_byte_array_unref(g_steal_pointer(&f->call));
        if (f->reply)
            g_byte_array_unref(g_steal_pointer(&f->reply));
    }
    g_string_free(testMigSeen, TRUE);
    if (testMigRoot)
        virFileDeleteTree(testMigRoot);
    g_free(testMigRoot);
}

static void
testQuiet(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

static int
mymain(void)
{
    /* the daemon does the same: errors go to the client, not to stderr */
    virSetErrorFunc(NULL, testQuiet);
    if (testMigSetup() < 0)
        return -1;
    if (!(sim = testQEMUSimNew(2)))
        return -1;
    virTestRun("virsh's open sequence", testOpenSequence, NULL);
    virTestRun("a URI of another driver is refused", testOtherURI, NULL);
    virTestRun("migration features come from the driver", testMigrationFeatures, NULL);
    virTestRun("domain calls", testDomainCalls, NULL);
    virTestRun("network calls", testNetworkCalls, NULL);
    virTestRun("read-only client", testReadOnly, NULL);
    virTestRun("handlers match the table", testHandlersInTable, NULL);
    virTestRun("lifecycle events of changes made through the daemon", testEvents_, NULL);
    virTestRun("lifecycle events of a connection's registration", testConnectionEvents, NULL);
    virTestRun("failover state asked only for pairs not negotiated", testFailoverPending, NULL);
    virTestRun("migration phases: logged frames through the dispatch", testMigration, NULL);
    testQEMUSimFree(sim);
    testMigTeardown();
    return 0;
}

VIR_TEST_MAIN(mymain)
