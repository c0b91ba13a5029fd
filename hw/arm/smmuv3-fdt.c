/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How an arm-smmuv3 describes itself to the guest on the virt machine:
 * an "arm,smmu-v3" node (the binding in Linux's
 * Documentation/devicetree/bindings/iommu/arm,smmu-v3.yaml) named and
 * laid out as QEMU 10.0 writes it for iommu=smmuv3, plus "msi-parent"
 * when the SMMU signals with MSIs, and the "iommu-map" of the root
 * complex it translates.  The node is added by a NODES hook, the map by
 * a LINKS hook (the host bridge nodes exist by then); unrealize removes
 * both hooks, so the next tree build forgets the SMMU.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "hw/arm/virt.h"
#include "trace/trace-hw_arm.h"

static char *smmuv3_fdt_path(const SMMUv3State *s)
{
    return g_strdup_printf("/smmuv3@%" PRIx64, s->mmio_base);
}

static bool smmuv3_fdt_node(VirtMachineState *vms, DeviceTree *dt,
                            void *opaque, Error **errp)
{
    static const char *const irq_names[] = {
        "eventq", "priq", "cmdq-sync", "gerror", NULL
    };
    SMMUv3State *s = opaque;
    g_autofree char *path = smmuv3_fdt_path(s);
    const uint64_t reg[] = { s->mmio_base, SMMUV3_MMIO_SIZE };
    /* SMMU interrupts are edge-triggered pulses (spec 3.18). */
    const uint32_t e = GIC_FDT_IRQ_FLAGS_EDGE_LO_HI;
    const unsigned spi = s->first_spi;

    trace_smmuv3_fdt_node(path, s->phandle);
    if (!dt_add_node(dt, path, errp) ||
        !dt_setprop_string(dt, path, "compatible", "arm,smmu-v3", errp) ||
        !dt_setprop_reg(dt, path, reg, 1, errp) ||
        !dt_setprop_cells(dt, path, "interrupts", DT_CELLS(
            GIC_FDT_IRQ_TYPE_SPI, spi, e,
            GIC_FDT_IRQ_TYPE_SPI, spi + 1, e,
            GIC_FDT_IRQ_TYPE_SPI, spi + 2, e,
            GIC_FDT_IRQ_TYPE_SPI, spi + 3, e), errp) ||
        !dt_setprop_strings(dt, path, "interrupt-names", irq_names, errp) ||
        /* Table walks, queues and MSIs are coherent (IDR0.COHACC). */
        !dt_setprop_empty(dt, path, "dma-coherent", errp) ||
        !dt_setprop_u32(dt, path, "#iommu-cells", 1, errp)) {
        return false;
    }
    if (s->caps.msi &&
        !dt_setprop_cells(dt, path, "msi-parent", DT_CELLS(
            virt_fdt_msi_phandle(vms), s->msi_devid), errp)) {
        return false;
    }
    return dt_setprop_u32(dt, path, "phandle", s->phandle, errp);
}

static bool smmuv3_fdt_link(VirtMachineState *vms, DeviceTree *dt,
                            void *opaque, Error **errp)
{
    SMMUv3State *s = opaque;

    return virt_pcie_add_iommu_map(vms, dt, s->bus, s->phandle, errp);
}

void smmuv3_fdt_register(SMMUv3State *s)
{
    s->phandle = virt_fdt_alloc_phandle(s->vms);
    virt_fdt_add_hook(s->vms, VIRT_FDT_STAGE_NODES, smmuv3_fdt_node, s);
    virt_fdt_add_hook(s->vms, VIRT_FDT_STAGE_LINKS, smmuv3_fdt_link, s);
}

void smmuv3_fdt_unregister(SMMUv3State *s)
{
    virt_fdt_remove_hook(s->vms, smmuv3_fdt_link, s);
    virt_fdt_remove_hook(s->vms, smmuv3_fdt_node, s);
}
