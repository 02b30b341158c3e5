/*
 * remote_daemon_log.h: where virtqemud's messages go
 *
 * The daemon and the RPC server log through GLib (g_message, g_info,
 * ...). This installs GLib's log writer for the whole process from the
 * log_level / log_outputs / log_filters settings of virtqemud.conf:
 * levels 1 debug, 2 info, 3 warning (also g_message), 4 error (g_warning
 * and worse are always at least 3). An output "N:stderr", "N:file:PATH"
 * or "N:journald" gets the messages of level N and up; a filter "N:WORD"
 * lowers (or raises) the level for messages that contain WORD; log_level
 * is the level of the others.
 */
#pragma once

#include "internal.h"

/* Installs the writer. 0, or -1 with an error (a file that cannot be
 * opened). May be called again (--config reloaded); the previous outputs
 * are closed. */
int remoteDaemonLogSetup(int level, const char *outputs, const char *filters);

/* Closes the outputs (at exit). */
void remoteDaemonLogShutdown(void);
