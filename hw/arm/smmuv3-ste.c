/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * STE/CD decoding for the SMMUv3 model.
 * (STUB: being written; the owner replaces this file.)
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

bool smmuv3_l1std_decode(uint64_t l1std, unsigned split, uint32_t l2_index,
                         uint64_t *l2ptr, const char **why)
{
    *why = "stub";
    return false;
}

bool smmuv3_ste_decode(const SMMUv3Caps *caps, const uint64_t ste[8],
                       SMMUSteCfg *cfg, const char **why)
{
    *why = "stub";
    return false;
}

bool smmuv3_l1cd_decode(uint64_t l1cd, uint8_t s1_fmt, uint64_t *l2ptr,
                        const char **why)
{
    *why = "stub";
    return false;
}

bool smmuv3_cd_decode(const SMMUv3Caps *caps, const SMMUSteCfg *ste,
                      const uint64_t cd[8], SMMUCdCfg *cfg,
                      const char **why)
{
    *why = "stub";
    return false;
}

unsigned smmuv3_pa_range_bits(unsigned encoding)
{
    static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

    return bits[encoding & 7];
}
