/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMSAv8-64 page-table walker the SMMUv3 model applies to DMA (spec
 * 3.4, Arm ARM D8): 4K/16K/64K granules, every start level, block and
 * page descriptors, stage-2 concatenated start tables, stage-1 table
 * attributes (APTable, XNTable), the access flag, address-size checks
 * against the stage's effective output size, and nested walks in which
 * every stage-1 table address is itself translated by stage 2.  Pure:
 * memory comes through an SMMUPTWMem, configuration through decoded
 * SMMUStageCfg structs; nothing here records events or caches.
 * Implementation in hw/arm/smmu-ptw.c, tests in tests/unit/test-smmu-ptw.c.
 */
#ifndef HW_ARM_SMMU_PTW_H
#define HW_ARM_SMMU_PTW_H

#include "hw/arm/smmu-common.h"

/*
 * Translate addr for access acc through stage 1 (s1, may be NULL for
 * stage-1 bypass) and then stage 2 (s2, may be NULL for stage-2 bypass);
 * at least one must be given.  With both, the walk is nested (spec
 * 3.4.3): each stage-1 table address is an IPA translated by s2 first,
 * a fault there being S2=1 CLASS=TT with ipa = the descriptor's IPA; the
 * final IPA is translated by s2 with the original access (S2=1
 * CLASS=IN).  Stage-1 faults are S2=0 CLASS=IN.  The combined result's
 * addr_mask is the smaller of the two mappings and its perm the
 * intersection.
 *
 * Returns true and fills *res, or false and fills *fault.  Permission
 * and access-flag faults are checked here against acc; whether a fault
 * is recorded or silent (CD.R / STE.S2R) is the caller's business.
 */
bool smmu_ptw_translate(const SMMUStageCfg *s1, const SMMUStageCfg *s2,
                        uint64_t addr, const SMMUAccess *acc,
                        const SMMUPTWMem *mem, SMMUPTWResult *res,
                        SMMUFault *fault);

/*
 * Translate a table address (a CD or L1CD fetch in a nested or stage-2
 * configuration) through stage 2 as a read: a fault is S2=1 with the
 * given class (SMMU_CLASS_CD) and ipa = ipa.  With s2ptw set, a fetch
 * that lands on stage-2 Device memory is an F_PERMISSION.
 */
bool smmu_ptw_s2_table_addr(const SMMUStageCfg *s2, uint64_t ipa,
                            SMMUFaultClass class, const SMMUPTWMem *mem,
                            uint64_t *pa, SMMUFault *fault);

/* Stage 1's start level for tsz and granule (spec 6.2 of the facts). */
int smmu_ptw_s1_start_level(uint8_t tsz, uint8_t granule_sz);

#endif
