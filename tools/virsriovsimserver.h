/*
 * virsriovsimserver.h: the kernel's side of a simulated SR-IOV host
 *
 * A server makes writes to the tree SIM/sys (virsriovsim.h; SIM is a
 * root's sim directory) have the kernel's effects. It watches with
 * inotify (IN_CLOSE_WRITE) every bind, unbind, driver_override and
 * drivers_probe file, and handles each write in the order written, at
 * once, never blocking:
 *
 *   bus/pci/drivers/X/unbind  ADDR   unbinds ADDR if it is bound to X (its
 *                                    driver link and drivers/X/ADDR go),
 *                                    else nothing
 *   bus/pci/drivers/X/bind    ADDR   binds ADDR to X if ADDR is unbound and
 *                                    X may take it: its driver_override
 *                                    is X, or it is unset and X is ADDR's
 *                                    native driver (i40e PFs, iavf VFs,
 *                                    e1000e foreign devices); vfio-pci and
 *                                    pci-stub only through driver_override
 *   bus/pci/drivers_probe     ADDR   binds an unbound ADDR to its
 *                                    driver_override driver if set, else
 *                                    to its native driver
 *   devices/.../ADDR/driver_override DRIVER sets it (read back "DRIVER\n");
 *                                    "\n" or nothing clears it (read back
 *                                    "(null)\n"); the binding is unchanged
 *
 * DEV/vfio/N follows each bind and unbind (virsriovsim.h). A write may
 * hold several addresses, one a line. After a write to bind, unbind or
 * drivers_probe is handled, the file is empty again (the kernel's
 * write-only attributes read back nothing).
 *
 * Writers write in place, truncating (open O_WRONLY|O_TRUNC, write,
 * close: what "echo ADDR > FILE" does; the kernel ignores O_TRUNC), never
 * through a temporary file renamed over the attribute (nothing would see
 * the write), and, the effect being asynchronous, wait (bounded) for the
 * effect of a write before writing the same file again.
 *
 * Each handled write is logged, one line with its outcome, to
 * SIM/serve.log:
 *   unbind ADDR from X: unbound | unbind ADDR from X: refused: REASON
 *   bind ADDR to X: bound | bind ADDR to X: refused: REASON
 *   drivers_probe ADDR: bound to X | drivers_probe ADDR: refused: REASON
 *   driver_override ADDR: X | driver_override ADDR: (null)
 *   sync TEXT
 *
 * Fault knob: SIM/fail-bind lists addresses (one a line) whose binds and
 * probes the server refuses ("refused: in fail-bind"), leaving them
 * unbound, like a kernel driver whose probe fails; read at each write,
 * so a test may create, change or remove it at any time
 * (virt-sriov-sim --fail-bind ADDR adds a line).
 *
 * SIM/sync: a write of TEXT is logged "sync TEXT" once every write made
 * before it has been handled (inotify keeps the order), so a test can
 * wait for "nothing happened" without a timeout as an assertion.
 *
 * The server stops by itself when SIM is removed or moved away (tests
 * that remove their root leak nothing).
 */
#pragma once

#include "internal.h"

typedef struct _virSRIOVSimServer virSRIOVSimServer;

/* A server for the tree @sim/sys, its watches set; it handles nothing
 * until run. NULL with @error set when @sim/sys is not a simulated
 * host or inotify fails. */
virSRIOVSimServer *virSRIOVSimServerNew(const char *sim, GError **error);

/* Handle writes until @stopfd (-1: none) is readable or @sim is
 * removed: 0; -1 with @error set if inotify fails. */
int virSRIOVSimServerRun(virSRIOVSimServer *srv, int stopfd, GError **error);

/* New, then Run in a thread: a server inside the calling process (C
 * tests). NULL with @error set. */
virSRIOVSimServer *virSRIOVSimServerStart(const char *sim, GError **error);

/* Stop the thread of a started server (if running), then free it; any
 * server may be freed this way. NULL is fine. */
void virSRIOVSimServerStop(virSRIOVSimServer *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virSRIOVSimServer, virSRIOVSimServerStop);

/* Wait until a started server has handled every write made before this
 * call (through SIM/sync). -1 with @error set if it stopped or did not
 * get there within 30 seconds. */
int virSRIOVSimServerSettle(virSRIOVSimServer *srv, GError **error);

/* Wait until a started server stops by itself (SIM removed): 0, or -1
 * with @error set if it still runs after 30 seconds. */
int virSRIOVSimServerWaitStopped(virSRIOVSimServer *srv, GError **error);

/* Write @value to the attribute @path as a writer of sysfs does (in
 * place, truncating; @path must exist). -1 with @error set. */
int virSRIOVSimWriteAttr(const char *path, const char *value, GError **error);
