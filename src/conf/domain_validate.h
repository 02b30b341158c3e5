/*
 * domain_validate.h: semantic checks of a parsed domain definition,
 * including the cross-device teaming rules of docs/teaming.rst.
 */
#pragma once

#include "domain_conf.h"

int virDomainDefValidate(const virDomainDef *def, unsigned int flags);

/* No host PCI device is passed to the guest twice (also after network
 * interfaces resolved to VFs). */
int virDomainDefValidateHostdevSources(const virDomainDef *def);
