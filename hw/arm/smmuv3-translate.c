/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 transaction flow.
 * (STUB: being written; the owner replaces this file.)
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

#include "hw/pci/pci.h"

void smmuv3_translate_init(SMMUv3State *s)
{
}

void smmuv3_translate_destroy(SMMUv3State *s)
{
}

static AddressSpace *smmuv3_get_as(PCIBus *bus, void *opaque, int devfn)
{
    return address_space_memory_get();
}

const PCIIOMMUOps smmuv3_iommu_ops = {
    .get_address_space = smmuv3_get_as,
};

void smmuv3_config_inv_sids(SMMUv3State *s, uint32_t first, uint32_t last)
{
}

void smmuv3_config_inv_cd(SMMUv3State *s, uint32_t sid, int64_t ssid)
{
}

void smmuv3_config_inv_all(SMMUv3State *s)
{
}

void smmuv3_notify_unmap(SMMUv3State *s, uint64_t iova, uint64_t size)
{
}
