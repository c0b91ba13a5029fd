/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 IOTLB.
 * (STUB: being written; the owner replaces this file.)
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

void smmu_iotlb_init(SMMUv3State *s)
{
}

void smmu_iotlb_destroy(SMMUv3State *s)
{
}

const SMMUTLBEntry *smmu_iotlb_lookup(SMMUv3State *s, int asid, int vmid,
                                      uint64_t iova)
{
    return NULL;
}

void smmu_iotlb_insert(SMMUv3State *s, const SMMUTLBEntry *e)
{
}

void smmu_iotlb_inv_all(SMMUv3State *s)
{
}

void smmu_iotlb_inv_vmid(SMMUv3State *s, int vmid)
{
}

void smmu_iotlb_inv_vmid_s1(SMMUv3State *s, int vmid)
{
}

void smmu_iotlb_inv_asid(SMMUv3State *s, int vmid, int asid)
{
}

void smmu_iotlb_inv_va(SMMUv3State *s, int vmid, int asid, uint64_t addr,
                       uint64_t size, uint8_t ttl)
{
}

void smmu_iotlb_inv_ipa(SMMUv3State *s, int vmid, uint64_t ipa,
                        uint64_t size, uint8_t ttl)
{
}
