/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMSAv8-64 walker for the SMMUv3 model.
 * (STUB: being written; the owner replaces this file.)
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

bool smmu_ptw_translate(const SMMUStageCfg *s1, const SMMUStageCfg *s2,
                        uint64_t addr, const SMMUAccess *acc,
                        const SMMUPTWMem *mem, SMMUPTWResult *res,
                        SMMUFault *fault)
{
    *fault = (SMMUFault) { .type = SMMU_EVT_F_TRANSLATION,
                           .class = SMMU_CLASS_IN };
    return false;
}

bool smmu_ptw_s2_table_addr(const SMMUStageCfg *s2, uint64_t ipa,
                            SMMUFaultClass class, const SMMUPTWMem *mem,
                            uint64_t *pa, SMMUFault *fault)
{
    *fault = (SMMUFault) { .type = SMMU_EVT_F_TRANSLATION, .s2 = true,
                           .class = class, .ipa = ipa };
    return false;
}

int smmu_ptw_s1_start_level(uint8_t tsz, uint8_t granule_sz)
{
    return 0;
}
