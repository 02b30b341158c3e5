/*
 * qemucapsprobe.c: record the QMP exchange of a capabilities probe
 *
 *   qemucapsprobe /usr/bin/qemu-system-x86_64 > caps_VERSION.x86_64.replies
 *
 * The output replays through the fake monitor of qemucapabilitiestest.
 */
#include "internal.h"

#include <sys/wait.h>

#include "qemu/qemu_capabilities.h"

int
main(int argc, char **argv)
{
    g_autoptr(GString) record = g_string_new(NULL);
    g_autoptr(virQEMUCaps) caps = NULL;

    if (argc != 2) {
        fprintf(stderr, "usage: %s QEMU-BINARY\n", argv[0]);
        return 2;
    }
    if (!(caps = virQEMUCapsNewForBinary(argv[1], record))) {
        fprintf(stderr, "probe failed: %s\n", virGetLastErrorMessage());
        return 1;
    }
    /* the probe process is gone: neither running nor a zombie */
    if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
        fprintf(stderr, "the probe left a child process behind\n");
        return 1;
    }
    fputs(record->str, stdout);
    return 0;
}
