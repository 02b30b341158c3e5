/*
 * virstring.c: checked conversion of text to numbers
 */
#include "internal.h"

#include <limits.h>

#include "virstring.h"

/* Does @s start with a digit of @base (0: decimal or a prefix)? */
static bool
virStrStartsWithDigit(const char *s, int base)
{
    int value;

    if (g_ascii_isdigit(*s))
        value = *s - '0';
    else if (g_ascii_isalpha(*s))
        value = g_ascii_tolower(*s) - 'a' + 10;
    else
        return false;
    return value < (base == 0 ? 10 : base);
}

/* Where the conversion stopped: fine when the caller takes the rest or
 * there is none. */
static int
virStrToLongEnd(const char *s, char *end, char **end_ptr)
{
    if (end == s)
        return -1;
    if (end_ptr)
        *end_ptr = end;
    else if (*end != '\0')
        return -1;
    return 0;
}

int
virStrToLong_ll(const char *s, char **end_ptr, int base, long long *result)
{
    long long value;
    char *end;

    if (end_ptr)
        *end_ptr = (char *)s;
    if (!s || !virStrStartsWithDigit(*s == '-' ? s + 1 : s, base))
        return -1;
    errno = 0;
    value = g_ascii_strtoll(s, &end, base);
    if (errno != 0 || virStrToLongEnd(s, end, end_ptr) < 0)
        return -1;
    *result = value;
    return 0;
}

int
virStrToLong_ull(const char *s, char **end_ptr, int base, unsigned long long *result)
{
    unsigned long long value;
    char *end;

    if (end_ptr)
        *end_ptr = (char *)s;
    if (!s || !virStrStartsWithDigit(s, base))
        return -1;
    errno = 0;
    value = g_ascii_strtoull(s, &end, base);
    if (errno != 0 || virStrToLongEnd(s, end, end_ptr) < 0)
        return -1;
    *result = value;
    return 0;
}

int
virStrToLong_i(const char *s, char **end_ptr, int base, int *result)
{
    long long value;
    char *end;

    if (end_ptr)
        *end_ptr = (char *)s;
    if (virStrToLong_ll(s, &end, base, &value) < 0 ||
        value < INT_MIN || value > INT_MAX ||
        virStrToLongEnd(s, end, end_ptr) < 0)
        return -1;
    *result = value;
    return 0;
}

int
virStrToLong_ui(const char *s, char **end_ptr, int base, unsigned int *result)
{
    unsigned long long value;
    char *end;

    if (end_ptr)
        *end_ptr = (char *)s;
    if (virStrToLong_ull(s, &end, base, &value) < 0 || value > UINT_MAX ||
        virStrToLongEnd(s, end, end_ptr) < 0)
        return -1;
    *result = value;
    return 0;
}
