/*
 * qemu_driver.h: the embedded QEMU driver (qemu:///embed?root=DIR)
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"
#include "virdomainobjlist.h"

/* Register the driver with the public API dispatcher. */
int qemuRegister(void);
