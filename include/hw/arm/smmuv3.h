/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm-smmuv3 device: an SMMUv3 (architecture 3.1 register file) in
 * front of one PCI root complex, fully emulated.  Created by the virt
 * board for iommu=smmuv3 (on pcie.0, at VIRT_SMMU, SPIs 74..77) or by
 * -device arm-smmuv3,primary-bus=BUS (its MMIO and interrupts taken from
 * the platform bus window).  The device's files split by concern:
 *
 *   hw/arm/smmuv3.c            QOM type, properties, realize, registers
 *   hw/arm/smmuv3-evtq.c       event queue, GERROR, interrupts and MSIs
 *   hw/arm/smmuv3-cmdq.c       command queue
 *   hw/arm/smmuv3-translate.c  per-device address spaces, transaction
 *                              flow (STE -> CD -> walk), config cache
 *   hw/arm/smmuv3-tlb.c        the IOTLB and its invalidations
 *   hw/arm/smmuv3-ste.c        STE / CD decoding (pure)
 *   hw/arm/smmu-ptw.c          VMSAv8-64 walker (pure)
 *   hw/arm/smmuv3-fdt.c        device tree node and iommu-map
 *
 * The private interface between them is hw/arm/smmuv3-internal.h.
 */
#ifndef HW_ARM_SMMUV3_H
#define HW_ARM_SMMUV3_H

#include "hw/sysbus.h"
#include "hw/arm/smmuv3-ste.h"

#define TYPE_ARM_SMMUV3 "arm-smmuv3"
#define ARM_SMMUV3(obj) OBJECT_CHECK(SMMUv3State, (obj), TYPE_ARM_SMMUV3)

/* The register file: two 64 KiB pages (spec 6.1). */
#define SMMUV3_MMIO_SIZE 0x20000

/* Wired interrupts, in device tree order (QEMU's). */
typedef enum SMMUv3Irq {
    SMMU_IRQ_EVTQ,
    SMMU_IRQ_PRIQ,
    SMMU_IRQ_CMD_SYNC,
    SMMU_IRQ_GERROR,
    SMMU_IRQ__MAX,
} SMMUv3Irq;

/* A circular queue's registers (spec 6.3.26-29, 7.1). */
typedef struct SMMUQueue {
    uint64_t base;              /* *_BASE as written (RA/WA, ADDR, LOG2SIZE) */
    uint32_t prod;              /* index | wrap (| OVFLG for the event queue) */
    uint32_t cons;              /* index | wrap (| ERR / OVACKFLG) */
    uint8_t log2size;           /* min(BASE.LOG2SIZE, IDR1.xQS) */
    uint8_t entry_size;         /* 16 (commands) or 32 (events) */
} SMMUQueue;

typedef struct SMMUv3State SMMUv3State;
typedef struct PCIBus PCIBus;
typedef struct VirtMachineState VirtMachineState;

struct SMMUv3State {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    qemu_irq irq[SMMU_IRQ__MAX];

    /* Properties. */
    char *primary_bus;          /* "primary-bus": the root bus translated */
    char *stage;                /* "stage": "1", "2" or "nested" */
    uint8_t oas_prop;           /* "oas": 44 or 48 */
    bool ril;                   /* "ril" */
    uint8_t ssidsize_prop;      /* "ssidsize": 0..20 */
    bool msi;                   /* "msi": IDR0.MSI, msi-parent in the DT */

    /* What the device implements, from the properties at realize. */
    SMMUv3Caps caps;

    /* Registers (page 0, page 1). */
    uint32_t idr[6];
    uint32_t iidr;
    uint32_t aidr;
    uint32_t cr[3];
    uint32_t cr0ack;
    uint32_t statusr;
    uint32_t gbpa;
    uint32_t irq_ctrl;
    uint32_t gerror;
    uint32_t gerrorn;
    uint64_t gerror_irq_cfg0;
    uint32_t gerror_irq_cfg1;
    uint32_t gerror_irq_cfg2;
    uint64_t strtab_base;
    uint32_t strtab_base_cfg;
    SMMUQueue cmdq;
    SMMUQueue eventq;
    uint64_t eventq_irq_cfg0;
    uint32_t eventq_irq_cfg1;
    uint32_t eventq_irq_cfg2;

    /* Command queue: re-entry guard (an MSI may land on our own MMIO). */
    bool cmdq_running;

    /* What the SMMU translates. */
    PCIBus *bus;                /* referenced from realize to unrealize */
    GPtrArray *spaces;          /* PCIIOMMUSpace *, one per (bus, devfn) */

    /* Caches (hw/arm/smmuv3-tlb.c, hw/arm/smmuv3-translate.c). */
    GHashTable *iotlb;          /* SMMUTLBKey * -> SMMUTLBEntry * */
    GHashTable *configs;        /* SMMUConfigKey * -> SMMUTransCfg * */
    uint64_t iotlb_hits, iotlb_misses;
    uint64_t config_hits, config_misses;
    uint64_t events_recorded, events_lost;
    uint64_t iotlb_sizes;       /* bit n: IOTLB entries of 2^n bytes */

    /* Placement and the device tree. */
    VirtMachineState *vms;
    bool board_owned;           /* created by -M virt,iommu=smmuv3 */
    uint64_t mmio_base;
    unsigned first_spi;
    uint32_t msi_devid;         /* ITS DeviceID of the SMMU's own MSIs */
    uint32_t phandle;
};

#endif
