/*
 * remote_sockets.h: which daemon socket a URI names, and what the daemon
 * is told the URI is
 */
#pragma once

#include "internal.h"

/* Where libvirt's clients look for a system daemon's sockets. */
#define REMOTE_SYSTEM_SOCKET_DIR "/var/run/libvirt"

/* libvirt's TCP ports: TLS and plain (protocol.md 5.1). */
#define REMOTE_TLS_PORT "16514"
#define REMOTE_TCP_PORT "16509"

/* The socket of @uri (whose text is @uristr, for errors) with its parsed
 * parameters @params: socket=PATH; else for an unprivileged
 * qemu:///session the user's runtime dir; else @sysdir, with the
 * read-only socket when @flags has VIR_CONNECT_RO. In either dir the
 * "direct" socket (virtqemud-sock) when mode=direct or when it exists
 * and mode is not legacy, else the "legacy" one (libvirt-sock). */
char *remoteSocketPath(const char *uristr,
                       GUri *uri,
                       GHashTable *params,
                       unsigned int flags,
                       bool privileged,
                       const char *sysdir);

/* The URI the daemon is told: name=, else @driver:// with the path of
 * @uri and its parameters that the client does not consume itself. */
char *remoteServerURI(GUri *uri, GHashTable *params, const char *driver);
