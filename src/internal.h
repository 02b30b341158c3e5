/*
 * internal.h: definitions shared by every internal source file
 */
#pragma once

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gi18n-lib.h>

#include "libvirt/libvirt.h"
#include "libvirt/virterror.h"

/* Marks a string for translation without translating it here. */
#ifndef N_
# define N_(str) str
#endif

#define STREQ(a, b) (strcmp(a, b) == 0)
#define STRNEQ(a, b) (strcmp(a, b) != 0)
#define STREQ_NULLABLE(a, b) (g_strcmp0(a, b) == 0)
#define STRNEQ_NULLABLE(a, b) (g_strcmp0(a, b) != 0)
#define STRPREFIX(a, b) (strncmp(a, b, strlen(b)) == 0)
#define NULLSTR(s) ((s) ? (s) : "<null>")

/* Reject flags a caller passed that the function does not know. */
#define virCheckFlags(supported, retval) \
    do { \
        unsigned int unknown_ = flags & ~((unsigned int)(supported)); \
        if (unknown_) { \
            virReportError(VIR_ERR_INVALID_ARG, \
                           _("unsupported flags (0x%x) in function %s"), \
                           unknown_, __func__); \
            return retval; \
        } \
    } while (0)
