/*
 * virportallocator.h: TCP ports of a range given out by this process (the
 * ports migrations come in on)
 *
 * A port is given out once until it is released, and only when nobody on
 * the host listens on it: the allocator binds it on the wildcard
 * addresses (IPv4, and IPv6 where the host has it) before giving it, so
 * another process's listener is skipped. Ports are the process's, not a
 * range's: two ranges that overlap never give the same port.
 */
#pragma once

#include "internal.h"

/* The lowest free port of @min..@max, taken (*@port); -1 with an error
 * naming @what (the range's use, and where it is configured) when every
 * port is taken or bound. */
int virPortAllocatorAcquire(unsigned int min, unsigned int max, const char *what,
                            unsigned int *port);

/* Take @port, given by the user: -1 with an error if this process gave it
 * out already (a bind test is left to whoever binds it). */
int virPortAllocatorSetUsed(unsigned int port);

/* Give @port back (0 is ignored). */
void virPortAllocatorRelease(unsigned int port);
