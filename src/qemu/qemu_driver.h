/*
 * qemu_driver.h: the embedded QEMU driver (qemu:///embed?root=DIR)
 */
#pragma once

#include "internal.h"
#include "qemu_conf.h"
#include "virdomainobjlist.h"

typedef struct _virQEMUDriver virQEMUDriver;
struct _virQEMUDriver {
    gint refs;
    GMutex lock;                /* serialises API calls of this process */
    virQEMUDriverConfig *config;
    virDomainObjList *domains;
    int domainLockFd;           /* lock + generation of domainConfigDir */
    guint64 domainGeneration;   /* generation we last synced with */
    bool domainSynced;          /* domainGeneration is meaningful */
};

/* Register the driver with the public API dispatcher. */
int qemuRegister(void);
