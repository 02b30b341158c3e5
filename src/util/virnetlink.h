/*
 * virnetlink.h: libnl objects with GLib auto-cleanup
 *
 *     g_autoptr(virNetlinkMsg) msg = nlmsg_alloc_simple(...);
 *     g_autoptr(virNetlinkSock) sock = nl_socket_alloc();
 *
 * are freed (nlmsg_free, nl_socket_free, which also closes the socket)
 * when they go out of scope; g_steal_pointer hands one out.
 */
#pragma once

#include "internal.h"

#include <netlink/msg.h>
#include <netlink/socket.h>

typedef struct nl_msg virNetlinkMsg;
typedef struct nl_sock virNetlinkSock;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetlinkMsg, nlmsg_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetlinkSock, nl_socket_free)
