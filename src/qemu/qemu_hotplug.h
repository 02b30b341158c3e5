/*
 * qemu_hotplug.h: attach and detach interfaces and host devices
 *
 * An attach is checked on a copy of the definition with the device added
 * (the same rules as define, so a primary may only name a standby that
 * exists, or arrives in the same copy, and a standby takes one primary);
 * only when QEMU accepted the device does the copy replace the definition.
 */
#pragma once

#include "qemu_conf.h"

int qemuDomainAttachDeviceConfig(virQEMUDriver *driver, virDomainObj *obj,
                                 const char *xml);
int qemuDomainAttachDeviceLive(virQEMUDriver *driver, virDomainObj *obj,
                               const char *xml);
/* The device to detach is the one @xml describes or, with @xml NULL, the
 * one with the alias @alias. */
int qemuDomainDetachDeviceConfig(virQEMUDriver *driver, virDomainObj *obj,
                                 const char *xml, const char *alias);
int qemuDomainDetachDeviceLive(virQEMUDriver *driver, virDomainObj *obj,
                               const char *xml, const char *alias);
