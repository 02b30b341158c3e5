/*
 * virnetdevvftest.c: admin MAC and VLAN of an SR-IOV VF through netlink
 *
 * 1. The RTM_SETLINK request of virNetDevVFBuildSetMessage, byte for byte,
 *    against arrays written from the kernel ABI (linux/netlink.h,
 *    linux/rtnetlink.h, linux/if_link.h).
 * 2. virNetDevVFSetConfig/virNetDevVFGetConfig against the kernel. A child
 *    process moves to a private network namespace (unshare(CLONE_NEWNET)),
 *    creates a veth pair there (a link without VFs), runs the cases and
 *    sends their results back through a pipe; the parent prints the TAP
 *    lines. The host's network is never touched: nothing runs unless the
 *    namespace was created, and without one (EPERM) the cases are skipped.
 */
#include "internal.h"

#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "testutils.h"
#include "virerror.h"
#include "virnetdevvf.h"

/* ---- 1. encoding ---- */

/* The values written as literals in the expected arrays, checked against
 * the kernel headers (the ABI, so they never change). */
G_STATIC_ASSERT(sizeof(struct nlmsghdr) == 16);
G_STATIC_ASSERT(sizeof(struct ifinfomsg) == 16);
G_STATIC_ASSERT(sizeof(struct nlattr) == 4);
G_STATIC_ASSERT(sizeof(struct ifla_vf_mac) == 36);
G_STATIC_ASSERT(sizeof(struct ifla_vf_vlan) == 12);
G_STATIC_ASSERT(RTM_SETLINK == 19);
G_STATIC_ASSERT(NLM_F_REQUEST == 0x1 && NLM_F_ACK == 0x4);
G_STATIC_ASSERT(AF_UNSPEC == 0);
G_STATIC_ASSERT(IFLA_VFINFO_LIST == 22);
G_STATIC_ASSERT(IFLA_VF_INFO == 1);
G_STATIC_ASSERT(IFLA_VF_MAC == 1 && IFLA_VF_VLAN == 2);
G_STATIC_ASSERT(NLA_F_NESTED == 0x8000);

/* Netlink integers are in host byte order. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define U16(x) (guint8)((x) & 0xff), (guint8)(((x) >> 8) & 0xff)
# define U32(x) (guint8)((x) & 0xff), (guint8)(((x) >> 8) & 0xff), \
                (guint8)(((x) >> 16) & 0xff), (guint8)(((x) >> 24) & 0xff)
#else
# define U16(x) (guint8)(((x) >> 8) & 0xff), (guint8)((x) & 0xff)
# define U32(x) (guint8)(((x) >> 24) & 0xff), (guint8)(((x) >> 16) & 0xff), \
                (guint8)(((x) >> 8) & 0xff), (guint8)((x) & 0xff)
#endif
#define ZERO2 0, 0
#define ZERO8 0, 0, 0, 0, 0, 0, 0, 0

/*
 * libnl (3.5 and later) marks the attributes it opens with nla_nest_start()
 * with NLA_F_NESTED. The kernel accepts IFLA_VFINFO_LIST and IFLA_VF_INFO
 * with or without the flag: rtnetlink parses them with the "deprecated"
 * (liberal) validation, which only requires NLA_F_NESTED under
 * NL_VALIDATE_NESTED, and nla_type() masks it off. The expectation states
 * the flag explicitly.
 */
#define NESTED 0x8000

/* ifindex 7, VF 3, MAC 52:54:00:12:34:56, VLAN 42 */
static const guint8 expectMacVlan[] = {
    /* struct nlmsghdr */
    U32(96),            /* nlmsg_len: 16 (nlmsghdr) + 16 (ifinfomsg) + 64 (VFINFO_LIST) */
    U16(19),            /* nlmsg_type: RTM_SETLINK */
    U16(0x0005),        /* nlmsg_flags: NLM_F_REQUEST | NLM_F_ACK */
    U32(0),             /* nlmsg_seq: 0 = NL_AUTO_SEQ, set by nl_send_auto() */
    U32(0),             /* nlmsg_pid: 0 = NL_AUTO_PORT, set by nl_send_auto() */
    /* struct ifinfomsg */
    0,                  /* ifi_family: AF_UNSPEC */
    0,                  /* __ifi_pad */
    U16(0),             /* ifi_type */
    U32(7),             /* ifi_index */
    U32(0),             /* ifi_flags */
    U32(0),             /* ifi_change */
    /* struct nlattr IFLA_VFINFO_LIST */
    U16(64),            /* nla_len: 4 + 60 (VF_INFO) */
    U16(NESTED | 22),   /* nla_type: NLA_F_NESTED | IFLA_VFINFO_LIST */
    /*   struct nlattr IFLA_VF_INFO */
    U16(60),            /* nla_len: 4 + 40 (VF_MAC) + 16 (VF_VLAN) */
    U16(NESTED | 1),    /* nla_type: NLA_F_NESTED | IFLA_VF_INFO */
    /*     struct nlattr IFLA_VF_MAC */
    U16(40),            /* nla_len: 4 + sizeof(struct ifla_vf_mac) (36) */
    U16(1),             /* nla_type: IFLA_VF_MAC */
    /*       struct ifla_vf_mac */
    U32(3),             /* vf */
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56,   /* mac[0..5] */
    ZERO2, ZERO8, ZERO8, ZERO8,           /* mac[6..31] */
    /*     struct nlattr IFLA_VF_VLAN */
    U16(16),            /* nla_len: 4 + sizeof(struct ifla_vf_vlan) (12) */
    U16(2),             /* nla_type: IFLA_VF_VLAN */
    /*       struct ifla_vf_vlan */
    U32(3),             /* vf */
    U32(42),            /* vlan */
    U32(0),             /* qos */
};

/* ifindex 7, VF 3, MAC 52:54:00:12:34:56, VLAN -1: no IFLA_VF_VLAN */
static const guint8 expectMacOnly[] = {
    /* struct nlmsghdr */
    U32(80),            /* nlmsg_len: 16 + 16 + 48 (VFINFO_LIST) */
    U16(19),            /* nlmsg_type: RTM_SETLINK */
    U16(0x0005),        /* nlmsg_flags: NLM_F_REQUEST | NLM_F_ACK */
    U32(0),             /* nlmsg_seq */
    U32(0),             /* nlmsg_pid */
    /* struct ifinfomsg */
    0,                  /* ifi_family: AF_UNSPEC */
    0,                  /* __ifi_pad */
    U16(0),             /* ifi_type */
    U32(7),             /* ifi_index */
    U32(0),             /* ifi_flags */
    U32(0),             /* ifi_change */
    /* struct nlattr IFLA_VFINFO_LIST */
    U16(48),            /* nla_len: 4 + 44 (VF_INFO) */
    U16(NESTED | 22),   /* nla_type: NLA_F_NESTED | IFLA_VFINFO_LIST */
    /*   struct nlattr IFLA_VF_INFO */
    U16(44),            /* nla_len: 4 + 40 (VF_MAC) */
    U16(NESTED | 1),    /* nla_type: NLA_F_NESTED | IFLA_VF_INFO */
    /*     struct nlattr IFLA_VF_MAC */
    U16(40),            /* nla_len: 4 + 36 */
    U16(1),             /* nla_type: IFLA_VF_MAC */
    /*       struct ifla_vf_mac */
    U32(3),             /* vf */
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56,   /* mac[0..5] */
    ZERO2, ZERO8, ZERO8, ZERO8,           /* mac[6..31] */
};

/* ifindex 7, VF 3, MAC 52:54:00:12:34:56, VLAN 0: IFLA_VF_VLAN with vlan 0
 * (0 clears the VLAN; it is not "leave it alone") */
static const guint8 expectVlan0[] = {
    /* struct nlmsghdr */
    U32(96),            /* nlmsg_len */
    U16(19),            /* nlmsg_type: RTM_SETLINK */
    U16(0x0005),        /* nlmsg_flags: NLM_F_REQUEST | NLM_F_ACK */
    U32(0),             /* nlmsg_seq */
    U32(0),             /* nlmsg_pid */
    /* struct ifinfomsg */
    0,                  /* ifi_family: AF_UNSPEC */
    0,                  /* __ifi_pad */
    U16(0),             /* ifi_type */
    U32(7),             /* ifi_index */
    U32(0),             /* ifi_flags */
    U32(0),             /* ifi_change */
    /* struct nlattr IFLA_VFINFO_LIST */
    U16(64),            /* nla_len */
    U16(NESTED | 22),   /* nla_type: NLA_F_NESTED | IFLA_VFINFO_LIST */
    /*   struct nlattr IFLA_VF_INFO */
    U16(60),            /* nla_len */
    U16(NESTED | 1),    /* nla_type: NLA_F_NESTED | IFLA_VF_INFO */
    /*     struct nlattr IFLA_VF_MAC */
    U16(40),            /* nla_len */
    U16(1),             /* nla_type: IFLA_VF_MAC */
    U32(3),             /* ifla_vf_mac.vf */
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56,   /* mac[0..5] */
    ZERO2, ZERO8, ZERO8, ZERO8,           /* mac[6..31] */
    /*     struct nlattr IFLA_VF_VLAN */
    U16(16),            /* nla_len */
    U16(2),             /* nla_type: IFLA_VF_VLAN */
    U32(3),             /* ifla_vf_vlan.vf */
    U32(0),             /* ifla_vf_vlan.vlan */
    U32(0),             /* ifla_vf_vlan.qos */
};

typedef struct {
    int vlan;
    const guint8 *expect;
    size_t len;
} testEncodeData;

static int
testEncode(const void *opaque)
{
    const testEncodeData *data = opaque;
    const virMacAddr mac = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
    g_autoptr(virNetlinkMsg) msg = virNetDevVFBuildSetMessage(7, 3, &mac, data->vlan);
    const guint8 *bytes;
    size_t len;
    size_t i;
    int ret = -1;

    if (!msg) {
        printf("#   virNetDevVFBuildSetMessage returned NULL\n");
        return -1;
    }
    bytes = (const guint8 *)nlmsg_hdr(msg);
    len = nlmsg_hdr(msg)->nlmsg_len;
    if (len != data->len) {
        printf("#   message is %zu bytes, expected %zu\n", len, data->len);
        goto cleanup;
    }
    for (i = 0; i < len; i++) {
        if (bytes[i] != data->expect[i]) {
            printf("#   byte %zu is 0x%02x, expected 0x%02x\n", i, bytes[i], data->expect[i]);
            goto cleanup;
        }
    }
    ret = 0;

 cleanup:
    if (ret < 0) {
        printf("#   got:");
        for (i = 0; i < nlmsg_hdr(msg)->nlmsg_len; i++)
            printf("%s %02x", i % 16 ? "" : "\n#    ", bytes[i]);
        printf("\n");
    }
    return ret;
}

/* Refused before anything is sent: no netlink, no network needed. */
static int
testVlanRange(const void *opaque G_GNUC_UNUSED)
{
    const virMacAddr mac = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };

    if (virNetDevVFSetConfig("nosuchpf0", 0, &mac, 4096) == 0) {
        printf("#   VLAN 4096 was accepted\n");
        return -1;
    }
    if (virGetLastErrorCode() != VIR_ERR_INVALID_ARG ||
        !strstr(virGetLastErrorMessage(), "VLAN 4096 is out of range")) {
        printf("#   expected an invalid-argument error about VLAN 4096, got \"%s\"\n",
               virGetLastErrorMessage());
        return -1;
    }
    virResetLastError();
    return 0;
}

/* ---- 2. against the kernel, in a private network namespace ---- */

typedef enum {
    TEST_NETNS_PASS,
    TEST_NETNS_FAIL,
    TEST_NETNS_SKIP,
} testNetnsStatus;

/* What the child sends back for each case (a fixed-size record). */
typedef struct {
    int status;             /* testNetnsStatus, or -1: no result */
    char diag[1024];        /* diagnostics ('\n' separated) or skip reason */
} testNetnsResult;

typedef struct {
    const char *name;
    int (*body)(GString *diag);
    bool needVeth;
} testNetnsCase;

static const virMacAddr testGuestMac = { { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc } };

/* The last error must contain every string of the NULL-terminated list. */
static int
testNetnsExpectError(GString *diag, const char *what, ...)
{
    const char *msg = virGetLastErrorMessage();
    const char *needle;
    va_list ap;
    int ret = 0;

    va_start(ap, what);
    while ((needle = va_arg(ap, const char *))) {
        if (!strstr(msg, needle)) {
            g_string_append_printf(diag, "%s: expected an error containing \"%s\", got \"%s\"\n",
                                   what, needle, msg);
            ret = -1;
        }
    }
    va_end(ap);
    virResetLastError();
    return ret;
}

static int
testNetnsSetMissing(GString *diag)
{
    if (virNetDevVFSetConfig("nosuchpf0", 0, &testGuestMac, 10) == 0) {
        g_string_append(diag, "SetConfig on nosuchpf0 succeeded\n");
        return -1;
    }
    return testNetnsExpectError(diag, "SetConfig nosuchpf0",
                                "cannot find the physical function 'nosuchpf0'", NULL);
}

static int
testNetnsGetMissing(GString *diag)
{
    virMacAddr mac = { { 0 } };
    int vlan = -7;

    if (virNetDevVFGetConfig("nosuchpf0", 0, &mac, &vlan) == 0) {
        g_string_append(diag, "GetConfig on nosuchpf0 succeeded\n");
        return -1;
    }
    return testNetnsExpectError(diag, "GetConfig nosuchpf0",
                                "cannot find the physical function 'nosuchpf0'", NULL);
}

static int
testNetnsGetDown(GString *diag)
{
    virMacAddr mac = { { 0xde, 0xad, 0, 0, 0, 0 } };
    int vlan = -7;

    if (virNetDevVFGetConfig("v0", 0, &mac, &vlan) == 0) {
        g_string_append(diag, "GetConfig on the down v0 succeeded\n");
        return -1;
    }
    if (vlan != -7 || mac.addr[0] != 0xde || mac.addr[1] != 0xad) {
        g_string_append(diag, "GetConfig failed but wrote its outputs\n");
        return -1;
    }
    return testNetnsExpectError(diag, "GetConfig v0 down",
                                "physical function 'v0' is down",
                                "ip link set v0 up", NULL);
}

/*
 * SetConfig refuses a PF that is down itself (drivers differ: some take
 * the setting, veth refuses it whatever the link state), naming the PF
 * and saying what to do.
 */
static int
testNetnsSetDown(GString *diag)
{
    if (virNetDevVFSetConfig("v0", 0, &testGuestMac, 10) == 0) {
        g_string_append(diag, "SetConfig on the down v0 succeeded\n");
        return -1;
    }
    return testNetnsExpectError(diag, "SetConfig v0 down", "physical function 'v0' is down",
                                "ip link set v0 up", NULL);
}

/*
 * EOPNOTSUPP comes from do_setvfinfo() after the kernel has parsed
 * IFLA_VFINFO_LIST > IFLA_VF_INFO > IFLA_VF_MAC: it also shows that the
 * encoding (nested flags included) is accepted. A malformed request would
 * be EINVAL.
 */
static int
testNetnsSetUp(GString *diag)
{
    if (virNetDevVFSetConfig("v0", 0, &testGuestMac, 10) == 0) {
        g_string_append(diag, "SetConfig on v0 (a veth, no VFs) succeeded\n");
        return -1;
    }
    if (strstr(virGetLastErrorMessage(), "is down")) {
        g_string_append_printf(diag, "v0 is up, but: %s\n", virGetLastErrorMessage());
        virResetLastError();
        return -1;
    }
    return testNetnsExpectError(diag, "SetConfig v0 up",
                                "cannot set MAC/VLAN of VF 0 of 'v0': Operation not supported",
                                NULL);
}

static int
testNetnsGetUp(GString *diag)
{
    virMacAddr mac = { { 0xde, 0xad, 0, 0, 0, 0 } };
    int vlan = -7;

    if (virNetDevVFGetConfig("v0", 0, &mac, &vlan) == 0) {
        g_string_append(diag, "GetConfig of VF 0 of v0 (a veth, no VFs) succeeded\n");
        return -1;
    }
    if (vlan != -7 || mac.addr[0] != 0xde || mac.addr[1] != 0xad) {
        g_string_append(diag, "GetConfig failed but wrote its outputs\n");
        return -1;
    }
    return testNetnsExpectError(diag, "GetConfig v0 up", "'v0' reports no VF 0", NULL);
}

/* Marker in the table: bring v0 up before the following cases. */
static int
testNetnsLinkUp(GString *diag G_GNUC_UNUSED)
{
    return 0;
}

static const testNetnsCase netnsCases[] = {
    { "netns: SetConfig on a missing PF names it", testNetnsSetMissing, false },
    { "netns: GetConfig on a missing PF names it", testNetnsGetMissing, false },
    { "netns: GetConfig on a down PF says it is down", testNetnsGetDown, true },
    { "netns: SetConfig on a down PF fails naming it", testNetnsSetDown, true },
    { NULL, testNetnsLinkUp, true },
    { "netns: SetConfig on an up PF reports the kernel's refusal", testNetnsSetUp, true },
    { "netns: GetConfig on an up PF without VFs reports no VF 0", testNetnsGetUp, true },
};

#define N_NETNS_CASES G_N_ELEMENTS(netnsCases)

/* Run "ip ARGS..." (an argv, no shell); 0 or -1 with the reason in @err. */
static int
testNetnsIp(GString *err, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *path = g_find_program_in_path("ip");
    g_autofree char *out = NULL;
    g_autofree char *errout = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *arg;
    int status;
    va_list ap;

    if (!path) {
        if (g_file_test("/usr/sbin/ip", G_FILE_TEST_IS_EXECUTABLE))
            path = g_strdup("/usr/sbin/ip");
        else if (g_file_test("/sbin/ip", G_FILE_TEST_IS_EXECUTABLE))
            path = g_strdup("/sbin/ip");
        else {
            g_string_append(err, "iproute2's ip not found");
            return -1;
        }
    }
    g_ptr_array_add(argv, path);
    va_start(ap, err);
    while ((arg = va_arg(ap, const char *)))
        g_ptr_array_add(argv, (char *)arg);
    va_end(ap);
    g_ptr_array_add(argv, NULL);

    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDIN_FROM_DEV_NULL,
                      NULL, NULL, &out, &errout, &status, &gerr)) {
        g_string_append_printf(err, "cannot run %s: %s", path, gerr->message);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_string_append_printf(err, "ip failed (status 0x%x): %s", status, g_strstrip(errout));
        return -1;
    }
    return 0;
}

static void
testNetnsSetResult(testNetnsResult *res, int status, const char *diag)
{
    res->status = status;
    g_strlcpy(res->diag, diag, sizeof(res->diag));
}

/* In the child: never returns. */
static G_GNUC_NORETURN void
testNetnsChild(int wfd)
{
    testNetnsResult results[N_NETNS_CASES];
    g_autoptr(GString) vethErr = g_string_new(NULL);
    bool veth = false;
    const char *p;
    size_t left;
    size_t i;

    for (i = 0; i < N_NETNS_CASES; i++)
        testNetnsSetResult(&results[i], -1, "");

    if (unshare(CLONE_NEWNET) < 0) {
        int err = errno;
        g_autofree char *why = g_strdup_printf("no netns (unshare: %s)", g_strerror(err));

        /* Nothing else runs here: we are still in the host's namespace. */
        for (i = 0; i < N_NETNS_CASES; i++)
            testNetnsSetResult(&results[i], err == EPERM ? TEST_NETNS_SKIP : TEST_NETNS_FAIL, why);
        goto done;
    }

    if (testNetnsIp(vethErr, "link", "add", "v0", "type", "veth", "peer", "name", "v1", NULL) == 0)
        veth = true;

    for (i = 0; i < N_NETNS_CASES; i++) {
        g_autoptr(GString) diag = g_string_new(NULL);
        int rc;

        if (netnsCases[i].needVeth && !veth) {
            g_autofree char *why = g_strdup_printf("no veth pair (%s)", vethErr->str);

            testNetnsSetResult(&results[i], TEST_NETNS_SKIP, why);
            continue;
        }
        if (netnsCases[i].body == testNetnsLinkUp) {
            g_autoptr(GString) err = g_string_new(NULL);

            if (testNetnsIp(err, "link", "set", "v0", "up", NULL) < 0) {
                /* the following cases would test nothing */
                veth = false;
                g_string_printf(vethErr, "cannot bring v0 up: %s", err->str);
            }
            testNetnsSetResult(&results[i], TEST_NETNS_PASS, "");
            continue;
        }
        virResetLastError();
        rc = netnsCases[i].body(diag);
        testNetnsSetResult(&results[i], rc == 0 ? TEST_NETNS_PASS : TEST_NETNS_FAIL, diag->str);
    }

 done:
    p = (const char *)results;
    left = sizeof(results);
    while (left > 0) {
        ssize_t n = write(wfd, p, left);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(2);
        p += n;
        left -= n;
    }
    _exit(0);
}

typedef struct {
    const testNetnsResult *res;
} testNetnsData;

static int
testNetnsReport(const void *opaque)
{
    const testNetnsData *data = opaque;
    g_auto(GStrv) lines = g_strsplit(data->res->diag, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        if (*lines[i])
            printf("#   %s\n", lines[i]);
    }
    if (data->res->status < 0)
        printf("#   no result from the child\n");
    return data->res->status == TEST_NETNS_PASS || data->res->status == TEST_NETNS_SKIP ? 0 : -1;
}

static int
testNetns(void)
{
    testNetnsResult results[N_NETNS_CASES];
    g_autofree char *childErr = NULL;
    size_t got = 0;
    int fds[2];
    int status;
    pid_t pid;
    size_t i;

    for (i = 0; i < N_NETNS_CASES; i++) {
        results[i].status = -1;
        results[i].diag[0] = '\0';
    }

    fflush(stdout);
    fflush(stderr);
    if (pipe2(fds, O_CLOEXEC) < 0) {
        childErr = g_strdup_printf("pipe: %s", g_strerror(errno));
    } else if ((pid = fork()) < 0) {
        childErr = g_strdup_printf("fork: %s", g_strerror(errno));
        close(fds[0]);
        close(fds[1]);
    } else if (pid == 0) {
        close(fds[0]);
        testNetnsChild(fds[1]);
    } else {
        close(fds[1]);
        while (got < sizeof(results)) {
            ssize_t n = read(fds[0], (char *)results + got, sizeof(results) - got);

            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += n;
        }
        close(fds[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            childErr = g_strdup_printf("child exited with status 0x%x", status);
        else if (got != sizeof(results))
            childErr = g_strdup_printf("child sent %zu bytes of %zu", got, sizeof(results));
    }

    for (i = 0; i < N_NETNS_CASES; i++) {
        testNetnsData data = { &results[i] };
        g_autofree char *title = NULL;

        if (!netnsCases[i].name)
            continue;
        results[i].diag[sizeof(results[i].diag) - 1] = '\0';
        if (childErr || results[i].status < 0) {
            results[i].status = TEST_NETNS_FAIL;
            g_strlcpy(results[i].diag, childErr ? childErr : "no result", sizeof(results[i].diag));
        }
        if (results[i].status == TEST_NETNS_SKIP) {
            g_strdelimit(results[i].diag, "\n#", ' ');
            title = g_strdup_printf("%s # SKIP %s", netnsCases[i].name, results[i].diag);
            results[i].diag[0] = '\0';
        } else {
            title = g_strdup(netnsCases[i].name);
        }
        virTestRun(title, testNetnsReport, &data);
    }
    return 0;
}

static int
mymain(void)
{
    testEncodeData macVlan = { 42, expectMacVlan, sizeof(expectMacVlan) };
    testEncodeData macOnly = { -1, expectMacOnly, sizeof(expectMacOnly) };
    testEncodeData vlan0 = { 0, expectVlan0, sizeof(expectVlan0) };

    virTestRun("encode: MAC and VLAN 42 of VF 3 of ifindex 7", testEncode, &macVlan);
    virTestRun("encode: MAC only (vlan < 0: no IFLA_VF_VLAN)", testEncode, &macOnly);
    virTestRun("encode: VLAN 0 is sent (clears the VLAN)", testEncode, &vlan0);
    virTestRun("SetConfig refuses VLAN 4096 before sending anything", testVlanRange, NULL);
    return testNetns();
}

VIR_TEST_MAIN(mymain)
