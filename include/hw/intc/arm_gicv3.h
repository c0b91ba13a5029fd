/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm GICv3 distributor, redistributors and ITS as RECORDING models for
 * machines without vCPUs (the qtest accelerator): they present the
 * registers a guest or firmware probes, keep the configuration written
 * to them, and record what devices send -- the level of every interrupt
 * line, every MSI written to the ITS -- for tests to read back over QOM.
 * Nothing is delivered to a CPU.
 *
 * "arm-gicv3"
 *   MMIO 0   distributor, 64 KiB
 *   MMIO 1   redistributors, num-cpu x 128 KiB (RD_base + SGI_base each)
 *   GPIO in  (unnamed list, QEMU's numbering) lines 0 .. num-irq - 33 are
 *            the SPIs (line n is INTID 32 + n); then 32 lines per CPU:
 *            line (num-irq - 32) + cpu * 32 + k is INTID k of that CPU
 *   props    num-irq (288; 32 < n <= 1020, a multiple of 32), num-cpu (1),
 *            revision (3, the only one supported), has-lpi (false; set it
 *            when an ITS is attached, as QEMU's virt does)
 *   QOM      x-asserted (read-only: JSON array of the line numbers that
 *            are high, ascending), x-raise-count (read-only: low-to-high
 *            transitions seen since creation)
 *
 * "arm-gicv3-its"
 *   MMIO 0   128 KiB: control frame, then translation frame
 *   props    parent-gicv3 (link to the arm-gicv3, required)
 *   QOM      x-msi-count (read-only: MSIs written to GITS_TRANSLATER),
 *            x-msi-log (read-only: the last 1024 of them as a JSON array
 *            of {"devid": N, "eventid": N}, oldest first)
 */
#ifndef HW_INTC_ARM_GICV3_H
#define HW_INTC_ARM_GICV3_H

#include "hw/sysbus.h"

#define TYPE_ARM_GICV3 "arm-gicv3"
#define TYPE_ARM_GICV3_ITS "arm-gicv3-its"
#define ARM_GICV3(obj) OBJECT_CHECK(GICv3State, (obj), TYPE_ARM_GICV3)
#define ARM_GICV3_ITS(obj) \
    OBJECT_CHECK(GICv3ITSState, (obj), TYPE_ARM_GICV3_ITS)

/* INTIDs 0..1019 exist; 1020..1023 are special. */
#define GICV3_MAXIRQ 1020
/* SGIs and PPIs: INTIDs 0..31, banked per CPU. */
#define GICV3_INTERNAL 32
#define GICV3_DIST_SIZE 0x10000
#define GICV3_REDIST_SIZE 0x20000
#define GICV3_ITS_SIZE 0x20000
/* Bitmap words covering every INTID below 1024. */
#define GICV3_BMP_WORDS (1024 / 32)
#define GICV3_MAX_CPUS 512
#define GICV3_ITS_LOG_SIZE 1024

/* One redistributor: the SGI/PPI state of its CPU, and LPI setup. */
typedef struct GICv3CPUState {
    uint32_t level;             /* input lines of INTIDs 0..31 */
    uint32_t group;             /* GICR_IGROUPR0 */
    uint32_t enabled;           /* GICR_ISENABLER0 */
    uint32_t pending;           /* pending latches (GICR_ISPENDR0) */
    uint32_t active;            /* GICR_ISACTIVER0 */
    uint32_t edge;              /* 1: edge-triggered (from ICFGR0/1) */
    uint8_t priority[GICV3_INTERNAL];
    uint32_t ctlr;              /* GICR_CTLR */
    uint32_t waker;             /* GICR_WAKER */
    uint64_t propbaser;
    uint64_t pendbaser;
} GICv3CPUState;

typedef struct GICv3State {
    SysBusDevice parent_obj;

    MemoryRegion iomem_dist;
    MemoryRegion iomem_redist;

    /* Properties. */
    uint32_t num_irq;
    uint32_t num_cpu;
    uint32_t revision;
    bool lpi_enable;

    /* Distributor: SPI state indexed by INTID (words 0 are unused). */
    uint32_t gicd_ctlr;
    uint32_t level[GICV3_BMP_WORDS];
    uint32_t group[GICV3_BMP_WORDS];
    uint32_t enabled[GICV3_BMP_WORDS];
    uint32_t pending[GICV3_BMP_WORDS];
    uint32_t active[GICV3_BMP_WORDS];
    uint32_t edge[GICV3_BMP_WORDS];
    uint8_t priority[1024];
    uint64_t irouter[1024];

    GICv3CPUState *cpu;         /* num_cpu, allocated at realize */
    uint64_t raise_count;
} GICv3State;

/* One recorded MSI. */
typedef struct GICv3ITSMsi {
    uint32_t devid;
    uint32_t eventid;
} GICv3ITSMsi;

typedef struct GICv3ITSState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;             /* container of the two frames */
    MemoryRegion iomem_control;
    MemoryRegion iomem_translation;
    Object *gicv3;                  /* "parent-gicv3" */

    uint32_t ctlr;
    uint64_t cbaser;
    uint64_t cwriter;
    uint64_t creadr;
    uint64_t baser[8];

    uint64_t msi_count;
    GICv3ITSMsi log[GICV3_ITS_LOG_SIZE];   /* ring, oldest at log_head */
    unsigned log_head;
    unsigned log_len;
} GICv3ITSState;

#endif
