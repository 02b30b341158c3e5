/*
 * benchstart.c: our own cost of starting a domain
 *
 * virDomainCreateWithFlags(PAUSED) until it returns, minus the time the
 * same QEMU command line takes, started directly, until its QMP socket
 * answers a command. Prints numbers; never fails on time.
 */
#include "internal.h"

#include <signal.h>
#include <sys/wait.h>

#include "qemu/qemu_monitor_json.h"
#include "virerror.h"
#include "virfile.h"
#include "virsocket.h"

static const char *domainXML =
    "<domain type='qemu'>\n"
    "  <name>benchstart</name>\n"
    "  <memory unit='MiB'>128</memory>\n"
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
    "  <features><acpi/></features>\n"
    "  <devices>\n"
    "    <interface type='user'><mac address='52:54:00:aa:00:01'/><model type='virtio'/>"
    "<teaming type='persistent'/><alias name='ua-backup0'/></interface>\n"
    "  </devices>\n"
    "</domain>\n";

static double
rawStartMs(const char *root)
{
    g_autofree char *sock = g_build_filename(root, "raw.sock", NULL);
    const char *argv[] = {
        "/usr/bin/qemu-system-x86_64", "-machine", "pc-q35-7.2", "-accel", "tcg",
        "-m", "128", "-display", "none", "-nodefaults", "-S",
        "-netdev", "user,id=n0", "-device", "virtio-net-pci,failover=on,netdev=n0,id=ua-backup0",
        "-chardev", "socket,id=qmp,fd=3,server=on,wait=off", "-mon", "chardev=qmp,mode=control", NULL,
    };
    GPid pid;
    double t0 = g_get_monotonic_time();
    qemuMonitor *mon;
    qemuMonitorRunState state;
    double ms;
    /* as the driver does: QEMU is given a socket listening already */
    int listenfd = virSocketListenUnix(sock, 0600, 1);
    const gint source[] = { listenfd };
    const gint target[] = { 3 };
    gboolean spawned;

    if (listenfd < 0) {
        fprintf(stderr, "raw start failed: %s\n", virGetLastErrorMessage());
        return -1;
    }
    spawned = g_spawn_async_with_pipes_and_fds(NULL, argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD |
                                               G_SPAWN_STDOUT_TO_DEV_NULL |
                                               G_SPAWN_STDERR_TO_DEV_NULL,
                                               NULL, NULL, -1, -1, -1, source, target, 1,
                                               &pid, NULL, NULL, NULL, NULL);
    close(listenfd);
    if (!spawned)
        return -1;
    if (!(mon = qemuMonitorOpen(sock, NULL, 10000))) {
        fprintf(stderr, "raw start failed: %s\n", virGetLastErrorMessage());
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    if (qemuMonitorQueryStatus(mon, &state) < 0)
        virResetLastError();
    ms = (g_get_monotonic_time() - t0) / 1000.0;
    if (qemuMonitorQuit(mon) < 0)
        virResetLastError();
    qemuMonitorClose(mon);
    waitpid(pid, NULL, 0);
    return ms;
}

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10;
    g_autofree char *root = g_dir_make_tmp("benchstart-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    virConnectPtr conn = virConnectOpen(uri);
    virDomainPtr dom;
    double ours = 0, raw = 0;
    int i;

    if (!conn || !(dom = virDomainDefineXML(conn, domainXML))) {
        fprintf(stderr, "setup failed: %s\n", virGetLastErrorMessage());
        return 1;
    }
    for (i = 0; i < n; i++) {
        double t0 = g_get_monotonic_time();

        if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) < 0) {
            fprintf(stderr, "start failed: %s\n", virGetLastErrorMessage());
            return 1;
        }
        ours += (g_get_monotonic_time() - t0) / 1000.0;
        virDomainDestroy(dom);
        raw += rawStartMs(root);
    }
    printf("start paused (API): %.1f ms mean; same QEMU started raw until QMP answers: %.1f ms mean; our overhead: %.1f ms (%d runs)\n",
           ours / n, raw / n, (ours - raw) / n, n);
    virDomainUndefine(dom);
    virDomainFree(dom);
    virConnectClose(conn);
    virFileDeleteTree(root);
    return 0;
}
