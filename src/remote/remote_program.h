/*
 * remote_program.h: the REMOTE program's procedure table
 *
 * Generated from remote_protocol.x (see src/rpc/xdrgen.py and
 * docs/hacking.rst, "Adding an RPC procedure").
 */
#pragma once

#include "virnetprogram.h"
#include "remote_protocol.h"

extern const virNetProgram remoteProgram;
