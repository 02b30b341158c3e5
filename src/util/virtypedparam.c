/*
 * virtypedparam.c: the public typed parameter helpers
 */
#include "internal.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static virTypedParameterPtr
virTypedParamsFind(virTypedParameterPtr params, int nparams, const char *name)
{
    int i;

    for (i = 0; params && i < nparams; i++) {
        if (STREQ(params[i].field, name))
            return &params[i];
    }
    return NULL;
}

/* 1 found, 0 absent, -1 wrong type */
static int
virTypedParamsLookup(virTypedParameterPtr params, int nparams, const char *name,
                     int type, virTypedParameterPtr *param)
{
    virResetLastError();
    if (!(*param = virTypedParamsFind(params, nparams, name)))
        return 0;
    if ((*param)->type != type) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("parameter '%s' has the wrong type"), name);
        return -1;
    }
    return 1;
}

int
virTypedParamsGetInt(virTypedParameterPtr params, int nparams,
                     const char *name, int *value)
{
    virTypedParameterPtr p;
    int rc = virTypedParamsLookup(params, nparams, name, VIR_TYPED_PARAM_INT, &p);

    if (rc > 0)
        *value = p->value.i;
    return rc;
}

int
virTypedParamsGetULLong(virTypedParameterPtr params, int nparams,
                        const char *name, unsigned long long *value)
{
    virTypedParameterPtr p;
    int rc = virTypedParamsLookup(params, nparams, name, VIR_TYPED_PARAM_ULLONG, &p);

    if (rc > 0)
        *value = p->value.ul;
    return rc;
}

int
virTypedParamsGetString(virTypedParameterPtr params, int nparams,
                        const char *name, const char **value)
{
    virTypedParameterPtr p;
    int rc = virTypedParamsLookup(params, nparams, name, VIR_TYPED_PARAM_STRING, &p);

    if (rc > 0)
        *value = p->value.s;
    return rc;
}

static virTypedParameterPtr
virTypedParamsAppend(virTypedParameterPtr *params, int *nparams, int *maxparams,
                     const char *name, int type)
{
    virTypedParameterPtr p;

    virResetLastError();
    if (strlen(name) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
        virReportError(VIR_ERR_INVALID_ARG, _("parameter name '%s' is too long"), name);
        return NULL;
    }
    if (*nparams >= *maxparams) {
        *maxparams = MAX(*maxparams * 2, 4);
        *params = g_renew(virTypedParameter, *params, *maxparams);
    }
    p = &(*params)[(*nparams)++];
    memset(p, 0, sizeof(*p));
    g_strlcpy(p->field, name, sizeof(p->field));
    p->type = type;
    return p;
}

int
virTypedParamsAddInt(virTypedParameterPtr *params, int *nparams, int *maxparams,
                     const char *name, int value)
{
    virTypedParameterPtr p = virTypedParamsAppend(params, nparams, maxparams, name,
                                                  VIR_TYPED_PARAM_INT);

    if (!p)
        return -1;
    p->value.i = value;
    return 0;
}

int
virTypedParamsAddULLong(virTypedParameterPtr *params, int *nparams, int *maxparams,
                        const char *name, unsigned long long value)
{
    virTypedParameterPtr p = virTypedParamsAppend(params, nparams, maxparams, name,
                                                  VIR_TYPED_PARAM_ULLONG);

    if (!p)
        return -1;
    p->value.ul = value;
    return 0;
}

int
virTypedParamsAddString(virTypedParameterPtr *params, int *nparams, int *maxparams,
                        const char *name, const char *value)
{
    virTypedParameterPtr p = virTypedParamsAppend(params, nparams, maxparams, name,
                                                  VIR_TYPED_PARAM_STRING);

    if (!p)
        return -1;
    p->value.s = g_strdup(value);
    return 0;
}

void
virTypedParamsFree(virTypedParameterPtr params, int nparams)
{
    int i;

    for (i = 0; params && i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING)
            g_free(params[i].value.s);
    }
    g_free(params);
}
