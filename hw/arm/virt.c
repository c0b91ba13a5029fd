/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "virt" machine: QEMU's generic Arm board, with the same option
 * names so users' command lines run unchanged.  This file holds the
 * machine type and the validation of its options; the memory map,
 * interrupt controller, UART and device tree come with the memory/virt
 * issue.
 */
#include "qemu/osdep.h"
#include "hw/arm/virt.h"

static const char *const virt_iommu_names[] = { "none", "smmuv3" };
static const QEnumLookup virt_iommu_lookup = {
    .array = virt_iommu_names,
    .size = VIRT_IOMMU__MAX,
};

static const Property virt_props[] = {
    DEFINE_PROP_STRING("gic-version", VirtMachineState, gic_version, "3",
                       "GIC version: 3, host or max (only GICv3 is "
                       "modelled)"),
    DEFINE_PROP_ENUM("iommu", VirtMachineState, iommu, VIRT_IOMMU_NONE,
                     &virt_iommu_lookup, "IOMMU on the main PCIe root "
                     "complex"),
    DEFINE_PROP_BOOL("highmem", VirtMachineState, highmem, true,
                     "Use addresses above 4 GiB for RAM and the high PCIe "
                     "windows"),
    DEFINE_PROP_ON_OFF_AUTO("acpi", VirtMachineState, acpi,
                            ON_OFF_AUTO_AUTO, "ACPI tables (this machine "
                            "describes itself with a device tree; auto means "
                            "off)"),
    { NULL }
};

static bool virt_init(MachineState *ms, Error **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);
    const char *gic = vms->gic_version;

    if (strcmp(gic, "3") && strcmp(gic, "host") && strcmp(gic, "max")) {
        error_setg(errp, "gic-version=%s is not supported: this machine "
                   "models a GICv3 only (use gic-version=3)", gic);
        return false;
    }
    if (vms->acpi == ON_OFF_AUTO_ON) {
        error_setg(errp, "acpi=on is not supported: the virt machine "
                   "describes itself with a device tree (use acpi=off)");
        return false;
    }
    if (vms->iommu == VIRT_IOMMU_SMMUV3) {
        error_setg(errp, "iommu=smmuv3: the SMMUv3 model is not built yet; "
                   "use iommu=none");
        return false;
    }
    return true;
}

static void virt_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Arm Virtual Machine (QEMU virt compatible)";
    mc->init = virt_init;
    mc->max_cpus = 512;
    mc->default_ram_size = 128 * MiB;
    object_class_add_props(oc, virt_props);
}

static const TypeInfo virt_types[] = {
    {
        .name = TYPE_VIRT_MACHINE,
        .parent = TYPE_MACHINE,
        .instance_size = sizeof(VirtMachineState),
        .class_init = virt_class_init,
    },
};

DEFINE_TYPES(virt_types)
