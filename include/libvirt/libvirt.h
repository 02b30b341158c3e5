/*
 * libvirt.h: the public C API of the virtualization manager
 *
 * Source compatible with the libvirt API for the subset implemented here.
 */
#ifndef LIBVIRT_H
#define LIBVIRT_H

#include <sys/types.h>

#define __VIR_LIBVIRT_H_INCLUDES__
#include <libvirt/libvirt-common.h>
#include <libvirt/libvirt-host.h>
#include <libvirt/libvirt-domain.h>
#include <libvirt/libvirt-event.h>
#include <libvirt/libvirt-network.h>
#include <libvirt/libvirt-nodedev.h>
#undef __VIR_LIBVIRT_H_INCLUDES__

#endif /* LIBVIRT_H */
