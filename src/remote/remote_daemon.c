/*
 * remote_daemon.c: virtqemud, the per-host daemon
 *
 * Serves the QEMU and network drivers of one state root to libvirt
 * clients over libvirt's RPC protocol: the REMOTE program
 * (remote_daemon_dispatch.h) on a read-write and a read-only UNIX socket,
 * created here or inherited from systemd (socket activation).
 *
 *   virtqemud --root DIR      state in DIR (the embedded driver's layout),
 *                             sockets DIR/run/virtqemud-sock(-ro)
 *   virtqemud                 state in /var/lib/libvirt/virtqemud,
 *                             sockets /var/run/libvirt/virtqemud-sock(-ro)
 *   --listen                  also TCP: TLS on tls_port (16514, the PKI
 *                             files of ROOT/etc/pki or /etc/pki), plain
 *                             TCP on tcp_port (16509) if listen_tcp = 1
 *
 * Guests are separate processes and outlive the daemon; the drivers find
 * them again (and clean up those that died) when the daemon opens the
 * root at start.
 */
#include "internal.h"

#include <fcntl.h>
#include <grp.h>
#include <locale.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <glib-unix.h>

#include "remote_daemon_config.h"
#include "remote_daemon_dispatch.h"
#include "remote_daemon_log.h"
#include "remote_sockets.h"
#include "hypervisor/virrootrun.h"
#include "virdaemonuri.h"
#include "virerror.h"
#include "virfile.h"
#include "virhostuuid.h"
#include "virnetserver.h"
#include "virnettlscontext.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE

#define REMOTE_DAEMON_NAME "virtqemud"

/* Without --root: the host's paths, where libvirt's clients (their
 * qemu:///system) and administrators look for them, whatever prefix
 * this build is installed under. */
#define REMOTE_DAEMON_SYSTEM_ROOT VIR_SYSTEM_ROOT
#define REMOTE_DAEMON_SYSTEM_CONFIG "/etc/libvirt/" REMOTE_DAEMON_NAME ".conf"
#define REMOTE_DAEMON_SYSTEM_PIDFILE "/var/run/" REMOTE_DAEMON_NAME ".pid"

typedef struct {
    char *root;              /* state root, absolute */
    char *configFile;
    bool configGiven;        /* --config: the file must exist */
    char *pidFile;
    char *sockRW;
    char *sockRO;
    bool createdSockets;     /* not inherited: removed at exit */
} remoteDaemonPaths;

static void
remoteDaemonPathsClear(remoteDaemonPaths *paths)
{
    g_free(paths->root);
    g_free(paths->configFile);
    g_free(paths->pidFile);
    g_free(paths->sockRW);
    g_free(paths->sockRO);
}

/* Errors of the public API calls made for clients go back to the client;
 * the default handler would print each one on stderr. */
static void
remoteDaemonErrorFunc(void *opaque G_GNUC_UNUSED, virErrorPtr err)
{
    if (err && err->message)
        g_debug("error returned to a client: %s", err->message);
}

static void
remoteDaemonWarningFunc(const char *msg, void *opaque G_GNUC_UNUSED)
{
    g_warning("%s", msg);
}

static int
remoteDaemonSetPaths(remoteDaemonPaths *paths, const char *root, const char *config,
                     const char *pidfile)
{
    if (root) {
        paths->root = g_canonicalize_filename(root, NULL);
        paths->configFile = g_build_filename(paths->root, "etc", REMOTE_DAEMON_NAME ".conf", NULL);
        paths->pidFile = g_build_filename(paths->root, "run", REMOTE_DAEMON_NAME ".pid", NULL);
    } else {
        paths->root = g_strdup(REMOTE_DAEMON_SYSTEM_ROOT);
        paths->configFile = g_strdup(REMOTE_DAEMON_SYSTEM_CONFIG);
        paths->pidFile = g_strdup(REMOTE_DAEMON_SYSTEM_PIDFILE);
    }
    if (config) {
        g_free(paths->configFile);
        paths->configFile = g_canonicalize_filename(config, NULL);
        paths->configGiven = true;
    }
    if (pidfile) {
        g_free(paths->pidFile);
        paths->pidFile = g_canonicalize_filename(pidfile, NULL);
    }
    return 0;
}

static char *
remoteDaemonDefaultSockDir(const remoteDaemonPaths *paths, bool rooted)
{
    if (rooted)
        return g_build_filename(paths->root, "run", NULL);
    return g_strdup(REMOTE_SYSTEM_SOCKET_DIR);
}

static int
remoteDaemonResolveGroup(const char *name, gid_t *gid)
{
    struct group *gr;
    guint64 num;

    *gid = (gid_t)-1;
    if (!name)
        return 0;
    if (g_ascii_string_to_unsigned(name, 10, 0, G_MAXUINT32 - 1, &num, NULL)) {
        *gid = num;
        return 0;
    }
    if (!(gr = getgrnam(name))) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("unix_sock_group: no group named '%s' on this host"), name);
        return -1;
    }
    *gid = gr->gr_gid;
    return 0;
}

/* The pid file, locked for the daemon's lifetime: a second daemon with
 * the same pid file (so, by default, the same root) stops here, before it
 * touches the sockets of the first. Returns the locked fd. */
static int
remoteDaemonAcquirePidFile(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *content = NULL;
    g_autofree char *pid = NULL;
    int fd;
    int rc;

    if (virFileMakePath(dir, 0755) < 0)
        return -1;
    if ((fd = virFileOpenWrite(path, O_RDWR, 0644, "pid file")) < 0)
        return -1;
    if ((rc = virFileTryLockFd(fd)) <= 0) {
        if (rc == 0) {
            if (virFileReadAll(path, 64, &content) >= 0)
                g_strstrip(content);
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("another %s is running with pid file '%s' (pid %s); stop it first"),
                           REMOTE_DAEMON_NAME, path, content && *content ? content : "unknown");
        }
        close(fd);
        return -1;
    }
    pid = g_strdup_printf("%lld\n", (long long)getpid());
    if (ftruncate(fd, 0) < 0 || virFileWriteAll(fd, pid, strlen(pid)) < 0) {
        virReportSystemError(errno, _("cannot write pid file '%s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

/* The path a listening UNIX socket is bound to, or NULL. */
static char *
remoteDaemonSocketPath(int fd)
{
    struct sockaddr_un addr = { 0 };
    socklen_t len = sizeof(addr);

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0 || addr.sun_family != AF_UNIX)
        return NULL;
    return g_strndup(addr.sun_path, sizeof(addr.sun_path));
}

/* Sockets passed by systemd (LISTEN_PID / LISTEN_FDS, descriptors from
 * 3 on): the read-only one is the one bound to a path ending in "-ro" or
 * named so by LISTEN_FDNAMES. Returns how many were added (0 when the
 * daemon was not socket activated), -1 on error. */
static int
remoteDaemonAddActivatedServices(virNetServer *srv)
{
    const char *pidstr = g_getenv("LISTEN_PID");
    const char *fdsstr = g_getenv("LISTEN_FDS");
    g_auto(GStrv) names = NULL;
    guint64 pid;
    guint64 nfds;
    guint64 i;

    if (!pidstr || !fdsstr)
        return 0;
    if (!g_ascii_string_to_unsigned(pidstr, 10, 1, G_MAXINT, &pid, NULL) ||
        (pid_t)pid != getpid())
        return 0;
    if (!g_ascii_string_to_unsigned(fdsstr, 10, 1, 16, &nfds, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("LISTEN_FDS='%s' is not a number of sockets"),
                       fdsstr);
        return -1;
    }
    if (g_getenv("LISTEN_FDNAMES"))
        names = g_strsplit(g_getenv("LISTEN_FDNAMES"), ":", -1);

    for (i = 0; i < nfds; i++) {
        int fd = 3 + i;
        g_autofree char *path = remoteDaemonSocketPath(fd);
        const char *name = names && i < g_strv_length(names) ? names[i] : NULL;
        bool ro = (path && g_str_has_suffix(path, "-ro")) ||
                  (name && (g_str_has_suffix(name, "-ro") || g_str_has_suffix(name, "-ro.socket")));

        const char *shown = "a socket";

        if (path)
            shown = path;
        else if (name)
            shown = name;
        if (virNetServerAddServiceFD(srv, fd, ro, VIR_NET_SERVER_AUTH_NONE) < 0)
            return -1;
        g_message("listening on %s%s (socket activation)", shown, ro ? " (read-only)" : "");
    }
    g_unsetenv("LISTEN_PID");
    g_unsetenv("LISTEN_FDS");
    g_unsetenv("LISTEN_FDNAMES");
    return nfds;
}

static int
remoteDaemonAddServices(virNetServer *srv, remoteDaemonPaths *paths,
                        const remoteDaemonConfig *cfg)
{
    gid_t gid;
    int n;

    if ((n = remoteDaemonAddActivatedServices(srv)) != 0)
        return n < 0 ? -1 : 0;
    if (remoteDaemonResolveGroup(cfg->unixSockGroup, &gid) < 0)
        return -1;
    if (virFileMakePath(cfg->unixSockDir, 0755) < 0)
        return -1;
    paths->sockRW = g_build_filename(cfg->unixSockDir, REMOTE_DAEMON_NAME "-sock", NULL);
    paths->sockRO = g_build_filename(cfg->unixSockDir, REMOTE_DAEMON_NAME "-sock-ro", NULL);
    paths->createdSockets = true;
    if (virNetServerAddServiceUNIX(srv, paths->sockRW, cfg->unixSockRWPerms, gid, false,
                                   VIR_NET_SERVER_AUTH_NONE) < 0 ||
        virNetServerAddServiceUNIX(srv, paths->sockRO, cfg->unixSockROPerms, gid, true,
                                   VIR_NET_SERVER_AUTH_NONE) < 0)
        return -1;
    return 0;
}

/* host_uuid, or host_uuid_source = "machine-id" (/etc/machine-id, under
 * @etcroot if given): the UUID the drivers opened from now on name the
 * host with. "smbios" leaves it to each driver (its sysfs_root). */
static int
remoteDaemonSetupHostUUID(const remoteDaemonConfig *cfg, const char *etcroot)
{
    unsigned char uuid[VIR_UUID_BUFLEN];

    if (cfg->hostUUID) {
        /* checked when the configuration was read */
        if (virUUIDParse(cfg->hostUUID, uuid) < 0)
            return -1;
    } else if (cfg->hostUUIDSource == REMOTE_DAEMON_HOST_UUID_SOURCE_MACHINE_ID) {
        g_autofree char *path = g_build_filename(etcroot ? etcroot : "/", "etc", "machine-id", NULL);

        if (virHostUUIDReadMachineID(path, "host_uuid_source = \"machine-id\"", uuid) < 0)
            return -1;
    } else {
        return 0;
    }
    virHostUUIDSetOverride(uuid);
    return 0;
}

/* --listen: the TLS service (listen_tls) and the plain TCP one
 * (listen_tcp) on listen_addr. The server's PKI files are libvirt's
 * layout under the root (--root DIR: DIR/etc/pki/...), unless the
 * configuration names them. */
static int
remoteDaemonAddTCPServices(virNetServer *srv, const remoteDaemonConfig *cfg,
                           const char *pkiroot)
{
    if (cfg->listenTLS) {
        g_autoptr(virNetTLSContext) tls = NULL;
        virNetTLSFiles files = { 0 };

        virNetTLSFilesSystem(&files, pkiroot, true);
        if (cfg->caFile) {
            g_free(files.cacert);
            g_free(files.cert);
            g_free(files.key);
            files.cacert = g_strdup(cfg->caFile);
            files.cert = g_strdup(cfg->certFile);
            files.key = g_strdup(cfg->keyFile);
        }
        if (cfg->crlFile) {
            g_free(files.cacrl);
            files.cacrl = g_strdup(cfg->crlFile);
        }
        tls = virNetTLSContextNewServer(&files, (const char *const *)cfg->tlsAllowedDNs,
                                        cfg->tlsPriority, cfg->tlsNoSanity, cfg->tlsNoVerify);
        if (tls)
            g_info("TLS files: CA '%s', certificate '%s', key '%s'",
                   files.cacert, files.cert, files.key);
        virNetTLSFilesClear(&files);
        if (!tls ||
            virNetServerAddServiceTCP(srv, cfg->listenAddr, cfg->tlsPort, tls,
                                      VIR_NET_SERVER_AUTH_NONE) < 0)
            return -1;
        if (cfg->tlsNoVerify)
            g_warning("tls_no_verify_certificate = 1: clients are accepted without a valid certificate");
        g_message("listening for TLS on %s port %s",
                  cfg->listenAddr ? cfg->listenAddr : "*", cfg->tlsPort);
        virDaemonURISetListen("tls", cfg->listenAddr, cfg->tlsPort);
    }
    if (cfg->listenTCP) {
        if (virNetServerAddServiceTCP(srv, cfg->listenAddr, cfg->tcpPort, NULL,
                                      VIR_NET_SERVER_AUTH_NONE) < 0)
            return -1;
        virDaemonURISetListen("tcp", cfg->listenAddr, cfg->tcpPort);
        g_warning("listen_tcp = 1: listening on %s port %s without TLS: the traffic is "
                  "unencrypted and unauthenticated, anyone who reaches the port controls this host",
                  cfg->listenAddr ? cfg->listenAddr : "*", cfg->tcpPort);
    }
    return 0;
}

/* Server callbacks. */

static int
remoteDaemonSendEvent(void *opaque, int proc, void *body)
{
    return virNetServerClientSendEvent(opaque, &remoteProgram, proc, body);
}

static void
remoteDaemonClientClosed(virNetServerClient *client, void *opaque G_GNUC_UNUSED)
{
    remoteClientClosed(virNetServerClientGetPrivateData(client));
}

static int
remoteDaemonClientInit(virNetServer *srv G_GNUC_UNUSED,
                       virNetServerClient *client,
                       void *opaque)
{
    const char *root = opaque;
    remoteClient *priv = remoteClientNew(root, virNetServerClientGetReadonly(client));

    /* the registrations of a client go in its close hook, before the
     * server lets it go: the event thread never sends to a freed client */
    remoteClientSetEventSender(priv, remoteDaemonSendEvent, client);
    virNetServerClientSetPrivateData(client, priv, (GDestroyNotify)remoteClientFree);
    virNetServerClientSetCloseHook(client, remoteDaemonClientClosed, NULL);
    return 0;
}

static int
remoteDaemonHandleCall(virNetServer *srv G_GNUC_UNUSED,
                       virNetServerClient *client,
                       virNetMessage *msg G_GNUC_UNUSED,
                       const virNetProcedure *proc,
                       void *args,
                       void *ret,
                       void *opaque G_GNUC_UNUSED)
{
    remoteClient *priv = virNetServerClientGetPrivateData(client);

    if (remoteDispatchCall(priv, proc, args, ret) < 0)
        return -1;
    if (remoteClientTakeKeepaliveRequest(priv))
        virNetServerClientStartKeepAlive(client);
    if (remoteClientCloseRequested(priv))
        virNetServerClientDelayedClose(client);
    return 0;
}

/* How long a daemon told to stop lets the calls in progress run before
 * it closes their connections: a client whose call took effect must get
 * its answer (the destination's Finish of a migration: without it, the
 * source would run the guest again while the destination runs it too) */
#define REMOTE_DAEMON_DRAIN_SECONDS 30

static gboolean
remoteDaemonSignal(gpointer opaque)
{
    virNetServer *srv = opaque;

    g_message("signal received: shutting down (guests keep running) once the calls in progress are answered (at most %d s; a second signal: now)",
              REMOTE_DAEMON_DRAIN_SECONDS);
    virNetServerDrain(srv, REMOTE_DAEMON_DRAIN_SECONDS);
    return G_SOURCE_CONTINUE;
}

static gboolean
remoteDaemonIgnoreHangup(gpointer opaque G_GNUC_UNUSED)
{
    g_info("SIGHUP ignored: restart the daemon to read its configuration again");
    return G_SOURCE_CONTINUE;
}

static void
remoteDaemonIdle(virNetServer *srv, void *opaque G_GNUC_UNUSED)
{
    g_message("no client for the --timeout period: shutting down");
    virNetServerQuit(srv);
}

/* Signals reach the server's loop through a pipe of the daemon's own:
 * the handler writes the signal's number, a watch on the server's context
 * reads it and runs the signal's function there. (GLib's unix signal
 * sources are woken by GLib's worker thread, which writes to the
 * context's wake-up fd under a lock of GLib's: that write and the fd's
 * close when the server is freed were ordered by nothing ThreadSanitizer
 * sees.) The handlers stay until the daemon exits: a signal that comes
 * after the server's loop ended is read by nobody, the shutdown goes on.
 * remoteDaemonSignalFuncs is written before the handlers are installed
 * and read by the server's loop only; the handler, which may run in any
 * thread, reads the pipe's write end atomically. */
static gint remoteDaemonSignalWriteFd = -1;
static GSourceFunc remoteDaemonSignalFuncs[NSIG];

static void
remoteDaemonSignalHandler(int signum)
{
    int saved = errno;
    unsigned char c = signum;
    /* a full pipe already holds signals enough for the loop to act on:
     * the byte may be dropped */
    ssize_t written G_GNUC_UNUSED = write(g_atomic_int_get(&remoteDaemonSignalWriteFd), &c, 1);

    errno = saved;
}

static gboolean
remoteDaemonSignalDispatch(gint fd, GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    unsigned char c;

    while (read(fd, &c, 1) == 1) {
        if (c < NSIG && remoteDaemonSignalFuncs[c])
            remoteDaemonSignalFuncs[c](opaque);
    }
    return G_SOURCE_CONTINUE;
}

/* The pipe and its watch on @srv's context, before any signal is
 * handled. */
static int
remoteDaemonSignalsInit(virNetServer *srv)
{
    int fds[2];
    GSource *src;

    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        virReportSystemError(errno, "%s", _("cannot create the daemon's signal pipe"));
        return -1;
    }
    g_atomic_int_set(&remoteDaemonSignalWriteFd, fds[1]);
    src = g_unix_fd_source_new(fds[0], G_IO_IN);
    g_source_set_callback(src, G_SOURCE_FUNC(remoteDaemonSignalDispatch), srv, NULL);
    g_source_attach(src, virNetServerGetContext(srv));
    g_source_unref(src);
    return 0;
}

static int
remoteDaemonAddSignal(int signum, GSourceFunc func)
{
    struct sigaction sa = { .sa_handler = remoteDaemonSignalHandler,
                            .sa_flags = SA_RESTART };

    remoteDaemonSignalFuncs[signum] = func;
    sigemptyset(&sa.sa_mask);
    if (sigaction(signum, &sa, NULL) < 0) {
        virReportSystemError(errno, _("cannot handle signal %d"), signum);
        return -1;
    }
    return 0;
}

/* The daemon's own connection to its root, opened once the sockets
 * listen: opening finds the guests that ran on while no daemon did and,
 * the first time after the host booted, starts the networks and domains
 * marked autostart, which may take long; clients that connect meanwhile
 * are served (their calls run on workers). */
typedef struct {
    char *uri;
    virNetServer *srv;
    virConnectPtr conn;       /* set by the thread */
    gint failed;              /* atomic */
} remoteDaemonRootOpen;

static gboolean
remoteDaemonQuitFailed(gpointer opaque)
{
    virNetServerQuit(opaque);
    return G_SOURCE_REMOVE;
}

static gpointer
remoteDaemonOpenRoot(gpointer opaque)
{
    remoteDaemonRootOpen *ro = opaque;
    GSource *src;

    if ((ro->conn = virConnectOpen(ro->uri))) {
        g_autofree char *caps = NULL;

        g_info("root opened: guests reconnected, autostart done");
        /* the emulator's capabilities are probed now (or read from the
         * root's cache), not by the first start or incoming migration,
         * which would wait for the probe; a failure here is the call's
         * that needs them to report */
        if ((caps = virConnectGetCapabilities(ro->conn)))
            g_info("capabilities of the default emulator ready");
        else
            g_info("capabilities of the default emulator not probed: %s",
                   virGetLastErrorMessage());
        return NULL;
    }
    g_critical(_("cannot open the root %s: %s"), ro->uri, virGetLastErrorMessage());
    g_atomic_int_set(&ro->failed, 1);
    /* from the server's loop: a quit before it runs would be lost */
    src = g_idle_source_new();
    g_source_set_callback(src, remoteDaemonQuitFailed, ro->srv, NULL);
    g_source_attach(src, virNetServerGetContext(ro->srv));
    g_source_unref(src);
    return NULL;
}

/* --daemon: the parent returns once the child reports (one byte on
 * @statusfd[1]: 0 ready, 1 failed) and exits with that status; the child
 * detaches from the terminal. Returns in the child only. */
static int
remoteDaemonize(int *statusfd)
{
    int fds[2];
    pid_t pid;
    int devnull;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        virReportSystemError(errno, "%s", _("cannot create a pipe to start the daemon"));
        return -1;
    }
    if ((pid = fork()) < 0) {
        virReportSystemError(errno, "%s", _("cannot fork the daemon"));
        return -1;
    }
    if (pid > 0) {
        char status = 1;
        ssize_t n;

        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 && status == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    close(fds[0]);
    if (setsid() < 0 || chdir("/") < 0) {
        virReportSystemError(errno, "%s", _("cannot detach the daemon from its terminal"));
        return -1;
    }
    if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, "%s", _("cannot open /dev/null"));
        return -1;
    }
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    /* stderr stays until the daemon is ready, for startup errors */
    close(devnull);
    *statusfd = fds[1];
    return 0;
}

static void
remoteDaemonReportStatus(int *statusfd, bool ok)
{
    char status = ok ? 0 : 1;
    int devnull;

    if (*statusfd < 0)
        return;
    if (write(*statusfd, &status, 1) != 1) {
        /* the parent is gone; nothing to tell */
    }
    close(*statusfd);
    *statusfd = -1;
    if (ok && (devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
        dup2(devnull, STDERR_FILENO);
        close(devnull);
    }
}

int
main(int argc, char **argv)
{
    g_autofree char *root = NULL;
    g_autofree char *config = NULL;
    g_autofree char *pidfile = NULL;
    gboolean daemonize = FALSE;
    gboolean version = FALSE;
    gboolean verbose = FALSE;
    gboolean listen = FALSE;
    gint timeout = 0;
    GOptionEntry entries[] = {
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &root,
          N_("Keep all state under DIR (sockets in DIR/run)"), N_("DIR") },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &config,
          N_("Configuration file (default: virtqemud.conf of the root or the system)"), N_("FILE") },
        { "pid-file", 'p', 0, G_OPTION_ARG_FILENAME, &pidfile,
          N_("Write the daemon's pid to FILE"), N_("FILE") },
        { "daemon", 'd', 0, G_OPTION_ARG_NONE, &daemonize,
          N_("Run in the background"), NULL },
        { "listen", 'l', 0, G_OPTION_ARG_NONE, &listen,
          N_("Also listen on TCP: TLS (listen_tls, port 16514), plain TCP if listen_tcp"), NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
          N_("Exit after SECONDS without any client"), N_("SECONDS") },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          N_("Log informational messages too (log_level 2)"), NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &version,
          N_("Print the version and exit"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(remoteDaemonConfig) cfg = NULL;
    g_autofree char *sockdir = NULL;
    g_autofree char *escaped = NULL;
    g_autofree char *uri = NULL;
    remoteDaemonPaths paths = { 0 };
    virNetServerConfig srvcfg;
    virNetServer *srv = NULL;
    remoteDaemonRootOpen rootOpen = { 0 };
    GThread *rootThread = NULL;
    int statusfd = -1;
    VIR_AUTOCLOSE int pidfd = -1;
    bool logReady = false;
    int ret = EXIT_FAILURE;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    textdomain(GETTEXT_PACKAGE);

    ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, _("The QEMU and network daemon: serves libvirt clients on "
                                        "virtqemud-sock and virtqemud-sock-ro."));
    g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "%s: %s\n", REMOTE_DAEMON_NAME, gerr->message);
        return EXIT_FAILURE;
    }
    if (argc > 1) {
        fprintf(stderr, _("%s: unexpected argument '%s'\n"), REMOTE_DAEMON_NAME, argv[1]);
        return EXIT_FAILURE;
    }
    if (version) {
        printf("%s (%s) %s\n", REMOTE_DAEMON_NAME, PACKAGE, PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    if (timeout < 0) {
        fprintf(stderr, _("%s: --timeout must be 0 or more seconds\n"), REMOTE_DAEMON_NAME);
        return EXIT_FAILURE;
    }

    virSetErrorFunc(NULL, remoteDaemonErrorFunc);
    virSetWarningHandler(remoteDaemonWarningFunc, NULL);
    if (virInitialize() < 0)
        goto error;

    remoteDaemonSetPaths(&paths, root, config, pidfile);
    /* the connections the daemon opens (a peer-to-peer migration's to
     * the destination) present this host's client certificate */
    if (root)
        virNetTLSSetClientPKIRoot(paths.root);
    sockdir = remoteDaemonDefaultSockDir(&paths, root != NULL);
    cfg = remoteDaemonConfigNew(sockdir);
    if (remoteDaemonConfigLoad(cfg, paths.configFile, paths.configGiven) < 0)
        goto error;
    if (verbose && cfg->logLevel > 2) {
        /* --verbose: informational messages too, also on the default
         * output */
        cfg->logLevel = 2;
        if (STREQ(cfg->logOutputs, "3:stderr")) {
            g_free(cfg->logOutputs);
            cfg->logOutputs = g_strdup("2:stderr");
        }
    }
    if (remoteDaemonLogSetup(cfg->logLevel, cfg->logOutputs, cfg->logFilters) < 0)
        goto error;
    logReady = true;

    if (remoteDaemonSetupHostUUID(cfg, root ? paths.root : NULL) < 0)
        goto error;
    if (daemonize && remoteDaemonize(&statusfd) < 0)
        goto error;
    if ((pidfd = remoteDaemonAcquirePidFile(paths.pidFile)) < 0)
        goto error;
    if (virFileMakePath(paths.root, 0755) < 0)
        goto error;

    escaped = g_uri_escape_string(paths.root, "/", FALSE);
    uri = g_strdup_printf("qemu:///embed?root=%s", escaped);
    if (remoteEventsInit(uri) < 0)
        goto error;

    virNetServerConfigDefaults(&srvcfg);
    srvcfg.maxWorkers = cfg->maxWorkers;
    srvcfg.prioWorkers = cfg->prioWorkers;
    srvcfg.maxClients = cfg->maxClients;
    srvcfg.maxClientRequests = cfg->maxClientRequests;
    srvcfg.keepaliveInterval = cfg->keepaliveInterval;
    srvcfg.keepaliveCount = cfg->keepaliveCount;
    if (!(srv = virNetServerNew(&srvcfg)))
        goto error;
    virNetServerAddProgram(srv, &remoteProgram, remoteDaemonHandleCall, NULL);
    virNetServerSetClientInitHook(srv, remoteDaemonClientInit, paths.root);
    if (remoteDaemonAddServices(srv, &paths, cfg) < 0)
        goto error;
    if (listen && !paths.createdSockets) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("--listen cannot be used with socket activation: use the TLS/TCP socket units instead"));
        goto error;
    }
    if (listen && remoteDaemonAddTCPServices(srv, cfg, root ? paths.root : NULL) < 0)
        goto error;
    if (timeout > 0)
        virNetServerSetIdleTimeout(srv, timeout, remoteDaemonIdle, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (remoteDaemonSignalsInit(srv) < 0 ||
        remoteDaemonAddSignal(SIGTERM, remoteDaemonSignal) < 0 ||
        remoteDaemonAddSignal(SIGINT, remoteDaemonSignal) < 0 ||
        remoteDaemonAddSignal(SIGHUP, remoteDaemonIgnoreHangup) < 0)
        goto error;

    /* The daemon's own connection keeps the drivers of the root loaded;
     * it is opened while the sockets already listen */
    rootOpen.uri = uri;
    rootOpen.srv = srv;
    if (!(rootThread = g_thread_try_new("open-root", remoteDaemonOpenRoot, &rootOpen, &gerr))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot start the thread opening the root: %s"),
                       gerr->message);
        goto error;
    }

    g_message("%s %s serving root %s", REMOTE_DAEMON_NAME, PACKAGE_VERSION, paths.root);
    remoteDaemonReportStatus(&statusfd, true);
    if (virNetServerRun(srv) < 0)
        goto error;
    g_thread_join(g_steal_pointer(&rootThread));
    if (!g_atomic_int_get(&rootOpen.failed))
        ret = EXIT_SUCCESS;
    goto cleanup;

 error:
    /* on the terminal (still there while starting, also with --daemon),
     * and in the log if it has other outputs */
    if (!logReady || !strstr(cfg->logOutputs, ":stderr"))
        fprintf(stderr, "%s: %s\n", REMOTE_DAEMON_NAME, virGetLastErrorMessage());
    if (logReady)
        g_critical("%s", virGetLastErrorMessage());

 cleanup:
    remoteDaemonReportStatus(&statusfd, false);
    if (rootThread)
        g_thread_join(rootThread);
    remoteEventsShutdown();
    virNetServerFree(srv);
    if (paths.createdSockets) {
        unlink(paths.sockRW);
        unlink(paths.sockRO);
    }
    if (rootOpen.conn)
        virConnectClose(rootOpen.conn);
    /* removed while still locked: pidfd closes on return */
    if (pidfd >= 0)
        unlink(paths.pidFile);
    remoteDaemonPathsClear(&paths);
    remoteDaemonLogShutdown();
    return ret;
}
