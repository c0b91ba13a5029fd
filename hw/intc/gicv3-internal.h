/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of the GICv3 model share: register offsets from the
 * GICv3/v4 architecture specification (IHI 0069, chapter 12), the
 * identification values, and the MMIO callbacks of the distributor and
 * the redistributors that arm_gicv3.c maps.
 */
#ifndef HW_INTC_GICV3_INTERNAL_H
#define HW_INTC_GICV3_INTERNAL_H

#include "hw/intc/arm_gicv3.h"

/* Distributor (12.9) */
#define GICD_CTLR           0x0000
#define GICD_TYPER          0x0004
#define GICD_IIDR           0x0008
#define GICD_TYPER2         0x000c
#define GICD_STATUSR        0x0010
#define GICD_SETSPI_NSR     0x0040
#define GICD_CLRSPI_SR      0x0058
#define GICD_IGROUPR        0x0080
#define GICD_ISENABLER      0x0100
#define GICD_ICENABLER      0x0180
#define GICD_ISPENDR        0x0200
#define GICD_ICPENDR        0x0280
#define GICD_ISACTIVER      0x0300
#define GICD_ICACTIVER      0x0380
#define GICD_IPRIORITYR     0x0400
#define GICD_ITARGETSR      0x0800
#define GICD_ICFGR          0x0c00
#define GICD_IGRPMODR       0x0d00
#define GICD_NSACR          0x0e00
#define GICD_SGIR           0x0f00
#define GICD_CPENDSGIR      0x0f10
#define GICD_SPENDSGIR      0x0f20
#define GICD_INMIR          0x0f80
#define GICD_IROUTER        0x6000
#define GICD_IDREGS         0xffd0

#define GICD_CTLR_EN_GRP0   (1u << 0)
#define GICD_CTLR_EN_GRP1NS (1u << 1)
#define GICD_CTLR_ARE       (1u << 4)
#define GICD_CTLR_DS        (1u << 6)

/* Redistributor, RD_base frame (12.10) */
#define GICR_CTLR           0x0000
#define GICR_IIDR           0x0004
#define GICR_TYPER          0x0008
#define GICR_STATUSR        0x0010
#define GICR_WAKER          0x0014
#define GICR_SETLPIR        0x0040
#define GICR_CLRLPIR        0x0048
#define GICR_PROPBASER      0x0070
#define GICR_PENDBASER      0x0078
#define GICR_INVLPIR        0x00a0
#define GICR_INVALLR        0x00b0
#define GICR_SYNCR          0x00c0
#define GICR_IDREGS         0xffd0

/* Redistributor, SGI_base frame (offsets from RD_base) */
#define GICR_SGI_OFFSET     0x10000
#define GICR_IGROUPR0       (GICR_SGI_OFFSET + 0x0080)
#define GICR_ISENABLER0     (GICR_SGI_OFFSET + 0x0100)
#define GICR_ICENABLER0     (GICR_SGI_OFFSET + 0x0180)
#define GICR_ISPENDR0       (GICR_SGI_OFFSET + 0x0200)
#define GICR_ICPENDR0       (GICR_SGI_OFFSET + 0x0280)
#define GICR_ISACTIVER0     (GICR_SGI_OFFSET + 0x0300)
#define GICR_ICACTIVER0     (GICR_SGI_OFFSET + 0x0380)
#define GICR_IPRIORITYR     (GICR_SGI_OFFSET + 0x0400)
#define GICR_ICFGR0         (GICR_SGI_OFFSET + 0x0c00)
#define GICR_ICFGR1         (GICR_SGI_OFFSET + 0x0c04)
#define GICR_IGRPMODR0      (GICR_SGI_OFFSET + 0x0d00)
#define GICR_NSACR          (GICR_SGI_OFFSET + 0x0e00)
#define GICR_INMIR0         (GICR_SGI_OFFSET + 0x0f80)

#define GICR_CTLR_ENABLE_LPIS       (1u << 0)
#define GICR_CTLR_CES               (1u << 1)   /* EnableLPIs clearable */
#define GICR_TYPER_PLPIS            (1u << 0)
#define GICR_TYPER_LAST             (1u << 4)
#define GICR_WAKER_PROCESSOR_SLEEP  (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP  (1u << 2)

/* The IDREGS block: PIDR4-7, PIDR0-3, CIDR0-3, one byte per word. */
#define GICV3_PIDR0_DIST    0x92
#define GICV3_PIDR0_REDIST  0x93
#define GICV3_PIDR0_ITS     0x94

/*
 * GICD_IIDR, GICR_IIDR, GITS_IIDR: implementer Arm (0x43b), revision
 * and variant 0, product 0 -- what QEMU's model reports, like an r0p0
 * GIC-500.
 */
#define GICV3_IIDR          0x43b

/*
 * 64-bit registers also take 32-bit accesses, one half each: the half
 * that a word access at offset reaches, and reg with that half replaced.
 */
static inline uint32_t gicv3_reg64_half(uint64_t reg, hwaddr offset)
{
    return (offset & 4) ? reg >> 32 : (uint32_t)reg;
}

static inline uint64_t gicv3_reg64_set_half(uint64_t reg, hwaddr offset,
                                            uint32_t value)
{
    if (offset & 4) {
        return (reg & 0xffffffffull) | ((uint64_t)value << 32);
    }
    return (reg & ~0xffffffffull) | value;
}

/* The ID register at offset (from the IDREGS base) in a frame. */
uint32_t gicv3_idreg(hwaddr offset, uint8_t pidr0, uint32_t revision);

/* Edge-triggered from the 2-bit-per-INTID ICFGR encoding (bit 2k+1). */
uint16_t gicv3_icfgr_to_edge(uint32_t icfgr);
uint32_t gicv3_edge_to_icfgr(uint16_t edge);

extern const MemoryRegionOps gicv3_dist_ops;
extern const MemoryRegionOps gicv3_redist_ops;

#endif
