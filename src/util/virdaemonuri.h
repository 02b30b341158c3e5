/*
 * virdaemonuri.h: how other hosts reach the daemon of this process
 *
 * A daemon that listens on TCP (virtqemud --listen) says once, before it
 * serves, with which transport, on which address and port. A driver then
 * names the daemon to the other side of a migration (the cookie's
 * <daemon uri=''/>), so that the source can ask the destination where
 * the guest is when the client that drove the migration is gone. A
 * process that serves no TCP (an embedded driver, a daemon on its UNIX
 * socket only) names none.
 */
#pragma once

#include "internal.h"

/* The daemon listens on TCP: @transport "tls" or "tcp", on @address
 * (NULL, "0.0.0.0" or "::": every address) and @port. TLS is named
 * rather than plain TCP when both are set. */
void virDaemonURISetListen(const char *transport, const char *address, const char *port);

/* The URI of this process's daemon (qemu+tls://HOST:PORT/system), HOST
 * being its listening address or, when it listens on every address,
 * @host (an address the other host reaches this one at); NULL when the
 * daemon does not listen on TCP or neither gives an address. */
char *virDaemonURIFor(const char *host);

/* Is @uri one that virDaemonURIFor makes (qemu+tls or qemu+tcp, a host,
 * path /system, nothing else)? What a migration cookie names is opened
 * by the other daemon: no other transport (no command, no local socket)
 * is taken from it. */
bool virDaemonURIIsValid(const char *uri);
