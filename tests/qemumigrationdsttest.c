/*
 * qemumigrationdsttest.c: the destination of a migration rolls back when
 * the migration fails, without a guest
 *
 * On a simulated SR-IOV host (testqemusim.h) an incoming domain is set up
 * as prepare leaves it: its pool VF taken and given the guest's MAC, its
 * status in run/, a process standing in for QEMU (sleep), and the
 * migration monitor connected to a scripted QMP peer. Finish then meets a
 * failed migration (the peer reports MIGRATION failed and hangs up) or a
 * cancel from the source, and must give everything back: the VF to the
 * pool with its own MAC, no file of the domain in run/, the process
 * killed, the domain shut off (failed).
 */
#include "internal.h"

#include <signal.h>
#include <sys/wait.h>

#include "qemu/qemu_domain.h"
#include "qemu/qemu_interface.h"
#include "qemu/qemu_migration.h"
#include "qemu/qemu_process.h"
#include "qemu/qemu_return.h"
#include "qemumonitortestutils.h"
#include "testqemusim.h"
#include "testutils.h"
#include "virerror.h"
#include "virfile.h"
#include "virprocess.h"

#define VF "0000:03:07.1"
#define GREETING "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},\"capabilities\":[]}}\r\n"

typedef struct {
    const char *peer;       /* what the scripted QMP peer sends */
    bool closeAfter;        /* and whether it then hangs up */
    bool cancelled;         /* finish is told the source cancelled */
    const char *error;      /* part of the error finish reports */
} testCase;

static testQEMUSim *sim;
static char *vfOwnMac;

/* The names of the files of domain @obj in run/qemu: NAME.* (status,
 * pidfile) and its sockets, named by UUID. */
static char *
testRunFiles(virQEMUDriver *driver, virDomainObj *obj)
{
    g_autofree char *dir = g_strdup_printf("%s/run/qemu", sim->root);
    g_autofree char *socket = virQEMUDriverConfigSocketPath(driver->config, obj->def->uuid, "");
    g_autofree char *sockets = g_path_get_basename(socket);  /* "UUIDHEX." */
    g_autofree char *files = g_strdup_printf("%s.", obj->def->name);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GString *out = g_string_new(NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        if (g_str_has_prefix(ent, files) || g_str_has_prefix(ent, sockets))
            g_string_append_printf(out, " %s", ent);
    }
    return g_string_free(out, FALSE);
}

static int
testRollback(const void *opaque)
{
    const testCase *tc = opaque;
    virQEMUDriver *driver = sim->driver;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *incoming = NULL;
    g_autofree char *files = NULL;
    const char *sleepArgv[] = { "/bin/sleep", "60", NULL };
    g_autoptr(GError) err = NULL;
    qemuMonitorTest *peer = NULL;
    qemuDomainObjPrivate *priv;
    virDomainObj *obj = NULL;
    virProcessIdentity id = { 0 };
    GPid pid = 0;
    int fd = -1;
    int ret = -1;

    def = virDomainDefParseString("<domain type='qemu'>\n"
                                  "  <name>incoming</name>\n"
                                  "  <uuid>6f1c3a6e-1d2b-4c5e-9a7b-000000000501</uuid>\n"
                                  "  <memory unit='MiB'>64</memory>\n"
                                  "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
                                  "  <devices>\n"
                                  "    <interface type='network'>\n"
                                  "      <mac address='52:54:00:00:05:01'/>\n"
                                  "      <source network='vfpool'/>\n"
                                  "    </interface>\n"
                                  "  </devices>\n"
                                  "</domain>\n", VIR_DOMAIN_DEF_PARSE_INACTIVE);
    if (!def) {
        printf("#   %s\n", virGetLastErrorMessage());
        return -1;
    }
    def->id = 5;
    obj = virDomainObjListAdd(driver->domains, g_steal_pointer(&def));
    priv = qemuDomainObjGetPrivate(obj);

    /* what prepare leaves behind */
    if (qemuInterfaceReserveAll(driver, obj->def) < 0 ||
        qemuInterfaceSetupAll(driver, obj->def) < 0) {
        printf("#   prepare the interface: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    if (testQEMUSimCheckVF(sim, "prepared", VF, "52:54:00:00:05:01", 1) < 0)
        goto cleanup;
    if (!g_spawn_async(NULL, (char **)sleepArgv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                       NULL, NULL, &pid, &err)) {
        printf("#   %s\n", err->message);
        goto cleanup;
    }
    /* recorded as a spawn records QEMU: pid and start time */
    if (virProcessIdentityGet(pid, &id) < 0) {
        printf("#   %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    obj->pid = id.pid;
    priv->pidStartTime = id.startTime;
    obj->state = VIR_DOMAIN_PAUSED;
    obj->reason = VIR_DOMAIN_PAUSED_MIGRATION;
    priv->monitorPath = virQEMUDriverConfigSocketPath(driver->config, obj->def->uuid,
                                                      QEMU_SOCKET_MONITOR);
    incoming = virQEMUDriverConfigSocketPath(driver->config, obj->def->uuid,
                                             QEMU_SOCKET_INCOMING);
    if (qemuProcessSaveStatus(driver, obj) < 0 ||
        !g_file_set_contents(incoming, "", 0, NULL)) {
        printf("#   status of the incoming domain: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }
    /* (the emptiness checked below means something only if they were there) */
    files = testRunFiles(driver, obj);
    if (!strstr(files, " incoming.xml") || !strstr(files, "." QEMU_SOCKET_INCOMING)) {
        printf("#   run/qemu holds%s before finish, not the status and the incoming socket\n", files);
        goto cleanup;
    }
    g_clear_pointer(&files, g_free);
    if (!(peer = qemuMonitorTestNewRaw(tc->peer, tc->closeAfter, &fd)) ||
        !(priv->migMon = qemuMonitorOpenFD(fd, NULL, 5000))) {
        printf("#   monitor: %s\n", virGetLastErrorMessage());
        goto cleanup;
    }

    if (qemuMigrationDstFinish(driver, obj, tc->cancelled, 0) == 0) {
        printf("#   finish succeeded\n");
        goto cleanup;
    }
    if (tc->error && !strstr(virGetLastErrorMessage(), tc->error)) {
        printf("#   finish failed with \"%s\", expected \"%s\"\n",
               virGetLastErrorMessage(), tc->error);
        goto cleanup;
    }
    virResetLastError();

    if (testQEMUSimCheckVF(sim, "after the failed migration", VF, vfOwnMac, 0) < 0)
        goto cleanup;
    if (obj->def->nets[0]->actual) {
        printf("#   the interface still records a VF\n");
        goto cleanup;
    }
    files = testRunFiles(driver, obj);
    if (*files) {
        printf("#   left in run/qemu:%s\n", files);
        goto cleanup;
    }
    /* the driver reaps its children itself */
    if (virProcessIdentityIsAlive(&id)) {
        printf("#   the process standing in for QEMU still runs\n");
        goto cleanup;
    }
    pid = 0;
    if (obj->state != VIR_DOMAIN_SHUTOFF || obj->reason != VIR_DOMAIN_SHUTOFF_FAILED) {
        printf("#   the domain is in state %d (%d), expected shut off (failed)\n",
               obj->state, obj->reason);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (priv && priv->migMon) {
        qemuProcessAbandonJob(priv->migMon);
        priv->migMon = NULL;
    }
    if (peer) {
        if (qemuMonitorTestError(peer))
            printf("#   QMP peer: %s\n", qemuMonitorTestError(peer));
        qemuMonitorTestFree(peer);
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    if (obj) {
        qemuReturnAll(driver, obj->def);
        virDomainObjListRemove(driver->domains, obj);
    }
    virResetLastError();
    return ret;
}

static int
mymain(void)
{
    const testCase failed = {
        GREETING QEMU_MONITOR_TEST_NEXT "{\"return\": {}, \"id\": 1}\r\n"
        "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"failed\"}, "
        "\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\r\n",
        true, false, "did not receive the whole guest",
    };
    const testCase cancelled = {
        GREETING QEMU_MONITOR_TEST_NEXT "{\"return\": {}, \"id\": 1}\r\n",
        false, true, NULL,
    };

    if (!(sim = testQEMUSimNew(2)))
        return -1;
    vfOwnMac = testQEMUSimVFMac(sim, VF);
    virTestRun("the migration failed: the destination gives everything back",
               testRollback, &failed);
    virTestRun("the source cancelled: the destination gives everything back",
               testRollback, &cancelled);
    testQEMUSimFree(sim);
    g_free(vfOwnMac);
    return 0;
}

VIR_TEST_MAIN(mymain)
