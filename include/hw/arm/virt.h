/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "virt" machine's state and options.  The memory map, device tree
 * and devices are added by hw/arm/virt.c as the issues that need them
 * land; this header is the machine's public face.
 */
#ifndef HW_ARM_VIRT_H
#define HW_ARM_VIRT_H

#include "hw/boards.h"

#define TYPE_VIRT_MACHINE MACHINE_TYPE_NAME("virt")

typedef enum VirtIOMMUType {
    VIRT_IOMMU_NONE,
    VIRT_IOMMU_SMMUV3,
    VIRT_IOMMU__MAX,
} VirtIOMMUType;

typedef struct VirtMachineState {
    MachineState parent_obj;
    char *gic_version;
    int iommu;                  /* VirtIOMMUType */
    bool highmem;
    int acpi;                   /* OnOffAuto */
} VirtMachineState;

#define VIRT_MACHINE(obj) \
    OBJECT_CHECK(VirtMachineState, (obj), TYPE_VIRT_MACHINE)

#endif
