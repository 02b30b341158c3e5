/*
 * virenum.c: enum <-> string conversion
 */
#include "internal.h"
#include "virenum.h"

int
virEnumFromString(const char * const *types, unsigned int ntypes,
                  const char *type)
{
    unsigned int i;

    if (!type)
        return -1;
    for (i = 0; i < ntypes; i++) {
        if (types[i] && STREQ(types[i], type))
            return i;
    }
    return -1;
}

const char *
virEnumToString(const char * const *types, unsigned int ntypes, int type)
{
    if (type < 0 || (unsigned int)type >= ntypes)
        return NULL;
    return types[type];
}
