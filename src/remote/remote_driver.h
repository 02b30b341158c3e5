/*
 * remote_driver.h: the driver of a connection to a daemon (qemu:///system,
 * qemu:///session, qemu+unix://)
 */
#pragma once

#include "driver.h"

extern virHypervisorDriver remoteHypervisorDriver;

/* Registers the hypervisor and network drivers of daemon connections;
 * before the embedded ones, which keep qemu:///embed. */
int remoteRegister(void);
