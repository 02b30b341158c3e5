/*
 * virhostuuid.h: the UUID that names this host to the other hosts (the
 * <uuid> of the host capabilities, the <hostuuid> of a migration cookie)
 *
 * As libvirt finds it: the firmware's system UUID (SMBIOS), read from
 * SYSFS/devices/virtual/dmi/id/product_uuid or SYSFS/class/dmi/id/
 * product_uuid, SYSFS being the driver's sysfs_root (so that each
 * simulated host has its own); a UUID whose 16 bytes are all the same is
 * none (firmware that leaves the field unset reads 00..00 or FF..FF).
 * Without one, a random UUID, for the life of the process.
 *
 * A daemon may name the host otherwise for every driver it opens
 * (virtqemud.conf host_uuid, or host_uuid_source = "machine-id"): it sets
 * the process-wide override before opening them.
 */
#pragma once

#include "internal.h"

/* Is @uuid a UUID a host may have (not 16 times the same byte)? */
bool virHostUUIDIsValid(const unsigned char *uuid);

/* The firmware's UUID under @sysfsRoot: 0, or -1 (no error reported) when
 * there is none or it is not valid. */
int virHostUUIDReadSMBIOS(const char *sysfsRoot, unsigned char *uuid);

/* The host's UUID: the override if set, else SMBIOS under @sysfsRoot,
 * else random. Never fails. */
void virHostUUIDGet(const char *sysfsRoot, unsigned char *uuid);

/* The UUID of the machine-id file @path (32 hex digits, dashes allowed): 0, or -1 with
 * an error naming @key (the setting that asked for it) and the file. */
int virHostUUIDReadMachineID(const char *path, const char *key, unsigned char *uuid);

/* From now on virHostUUIDGet gives @uuid (valid), whatever the sysfs
 * root. */
void virHostUUIDSetOverride(const unsigned char *uuid);
