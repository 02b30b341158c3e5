/*
 * libvirt-network.h: virtual network objects (hostdev / SR-IOV pools)
 */
#ifndef LIBVIRT_NETWORK_H
#define LIBVIRT_NETWORK_H

#ifndef __VIR_LIBVIRT_H_INCLUDES__
# error "Do not include libvirt-network.h directly, use <libvirt/libvirt.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _virNetwork virNetwork;
typedef virNetwork *virNetworkPtr;

#ifdef __cplusplus
}
#endif

#endif /* LIBVIRT_NETWORK_H */
