/*
 * virstring.h: checked conversion of text to numbers
 */
#pragma once

#include "internal.h"

/* Parse the number at the start of @s in @base (as strtoll: 0 guesses
 * from a 0x or 0 prefix, 16 allows 0x). The text must start with a
 * digit of @base, or '-' and one for the signed kinds: no blanks, no '+',
 * and no sign at all for the unsigned kinds (strtoul would turn "-1" into
 * the largest value). A value that does not fit the result type fails.
 * With @end_ptr, it is set to the first character after the number;
 * without, the whole of @s must be the number (no trailing newline
 * either). Returns 0, or -1 with nothing stored in @result and no error
 * reported: the caller says what it was reading. */
int virStrToLong_i(const char *s, char **end_ptr, int base, int *result)
    G_GNUC_WARN_UNUSED_RESULT;
int virStrToLong_ui(const char *s, char **end_ptr, int base, unsigned int *result)
    G_GNUC_WARN_UNUSED_RESULT;
int virStrToLong_ll(const char *s, char **end_ptr, int base, long long *result)
    G_GNUC_WARN_UNUSED_RESULT;
int virStrToLong_ull(const char *s, char **end_ptr, int base, unsigned long long *result)
    G_GNUC_WARN_UNUSED_RESULT;
