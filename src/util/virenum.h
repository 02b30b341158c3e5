/*
 * virenum.h: one table per enum for converting to and from strings
 *
 *   VIR_ENUM_DECL(virDomainFoo);               in the header
 *   VIR_ENUM_IMPL(virDomainFoo, VIR_DOMAIN_FOO_LAST, "a", "b");   in the .c
 *
 * gives virDomainFooTypeToString(int) -> const char * (NULL if out of range)
 * and virDomainFooTypeFromString(const char *) -> int (-1 if unknown).
 */
#pragma once

#include "internal.h"

int virEnumFromString(const char * const *types, unsigned int ntypes,
                      const char *type);
const char *virEnumToString(const char * const *types, unsigned int ntypes,
                            int type);

#define VIR_ENUM_IMPL(name, lastVal, ...) \
    static const char *const name ## TypeList[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name ## TypeList) == lastVal); \
    const char *name ## TypeToString(int type) \
    { \
        return virEnumToString(name ## TypeList, \
                               G_N_ELEMENTS(name ## TypeList), type); \
    } \
    int name ## TypeFromString(const char *type) \
    { \
        return virEnumFromString(name ## TypeList, \
                                 G_N_ELEMENTS(name ## TypeList), type); \
    }

#define VIR_ENUM_DECL(name) \
    const char *name ## TypeToString(int type); \
    int name ## TypeFromString(const char *type)
