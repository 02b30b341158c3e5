/*
 * remote_typed_params.c: virTypedParameter arrays <-> remote_typed_param
 */
#include "internal.h"

#include "remote_typed_params.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_RPC

int
remoteSerializeTypedParameters(virTypedParameterPtr params,
                               int nparams,
                               unsigned int max,
                               remote_typed_param **val,
                               u_int *len)
{
    g_autofree remote_typed_param *out = NULL;
    int i;

    *val = NULL;
    *len = 0;
    if (nparams < 0 || (unsigned int)nparams > max) {
        virReportError(VIR_ERR_RPC, _("too many typed parameters (%d, at most %u)"),
                       nparams, max);
        return -1;
    }
    if (nparams == 0)
        return 0;

    out = g_new0(remote_typed_param, nparams);
    for (i = 0; i < nparams; i++) {
        remote_typed_param *p = &out[i];

        p->value.type = params[i].type;
        switch ((virTypedParameterType)params[i].type) {
        case VIR_TYPED_PARAM_INT:
            p->value.remote_typed_param_value_u.i = params[i].value.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            p->value.remote_typed_param_value_u.ui = params[i].value.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            p->value.remote_typed_param_value_u.l = params[i].value.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            p->value.remote_typed_param_value_u.ul = params[i].value.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            p->value.remote_typed_param_value_u.d = params[i].value.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            p->value.remote_typed_param_value_u.b = params[i].value.b;
            break;
        case VIR_TYPED_PARAM_STRING:
            p->value.remote_typed_param_value_u.s = g_strdup(params[i].value.s ? params[i].value.s : "");
            break;
        default:
            virReportError(VIR_ERR_RPC, _("typed parameter '%s' has unknown type %d"),
                           params[i].field, params[i].type);
            goto error;
        }
        p->field = g_strndup(params[i].field, VIR_TYPED_PARAM_FIELD_LENGTH - 1);
    }
    *val = g_steal_pointer(&out);
    *len = nparams;
    return 0;

 error:
    for (; i >= 0; i--) {
        g_free(out[i].field);
        if (out[i].value.type == VIR_TYPED_PARAM_STRING)
            g_free(out[i].value.remote_typed_param_value_u.s);
    }
    return -1;
}

void
remoteFreeTypedParameters(remote_typed_param *val, u_int len)
{
    u_int i;

    for (i = 0; i < len; i++)
        xdr_free((xdrproc_t)xdr_remote_typed_param, (char *)&val[i]);
    g_free(val);
}

int
remoteDeserializeTypedParameters(const remote_typed_param *val,
                                 u_int len,
                                 unsigned int max,
                                 virTypedParameterPtr *params,
                                 int *nparams)
{
    virTypedParameterPtr out = NULL;
    u_int i;

    *params = NULL;
    *nparams = 0;
    if (len > max) {
        virReportError(VIR_ERR_RPC, _("too many typed parameters (%u, at most %u)"), len, max);
        return -1;
    }
    if (len == 0)
        return 0;

    out = g_new0(virTypedParameter, len);
    for (i = 0; i < len; i++) {
        const remote_typed_param *p = &val[i];

        if (g_strlcpy(out[i].field, p->field, sizeof(out[i].field)) >= sizeof(out[i].field)) {
            virReportError(VIR_ERR_RPC, _("typed parameter name '%s' is too long"), p->field);
            goto error;
        }
        out[i].type = p->value.type;
        switch ((virTypedParameterType)p->value.type) {
        case VIR_TYPED_PARAM_INT:
            out[i].value.i = p->value.remote_typed_param_value_u.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            out[i].value.ui = p->value.remote_typed_param_value_u.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            out[i].value.l = p->value.remote_typed_param_value_u.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            out[i].value.ul = p->value.remote_typed_param_value_u.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            out[i].value.d = p->value.remote_typed_param_value_u.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            out[i].value.b = p->value.remote_typed_param_value_u.b != 0;
            break;
        case VIR_TYPED_PARAM_STRING:
            out[i].value.s = g_strdup(p->value.remote_typed_param_value_u.s);
            break;
        default:
            virReportError(VIR_ERR_RPC, _("typed parameter '%s' has unknown type %d"),
                           p->field, p->value.type);
            goto error;
        }
    }
    *params = out;
    *nparams = len;
    return 0;

 error:
    virTypedParamsFree(out, i);
    return -1;
}
