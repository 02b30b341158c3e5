/*
 * remote_typed_params.h: virTypedParameter arrays <-> remote_typed_param
 *
 * The one translation of typed parameters for the REMOTE program, used
 * wherever a procedure carries them (job statistics, migration
 * parameters, events), by the daemon and by a client alike.
 */
#pragma once

#include "internal.h"

#include "remote_protocol.h"

/* @params (@nparams of them) as a wire array in *@val / *@len (g_malloc'ed,
 * freed with the struct that holds them by xdr_free). More than @max
 * parameters, or a name longer than the wire allows, is an error. */
int remoteSerializeTypedParameters(virTypedParameterPtr params,
                                   int nparams,
                                   unsigned int max,
                                   remote_typed_param **val,
                                   u_int *len);

/* Frees a wire array that remoteSerializeTypedParameters made, when no
 * xdr_free of a struct holding it does (a client's args). */
void remoteFreeTypedParameters(remote_typed_param *val, u_int len);

/* The wire array @val (@len items, at most @max) as a new
 * virTypedParameter array (free it with virTypedParamsFree). An unknown
 * type or a name that does not fit VIR_TYPED_PARAM_FIELD_LENGTH is an
 * error. */
int remoteDeserializeTypedParameters(const remote_typed_param *val,
                                     u_int len,
                                     unsigned int max,
                                     virTypedParameterPtr *params,
                                     int *nparams);
