/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The edu device as its tests see it: PCI IDs, BAR 0 register offsets,
 * their bits, the DMA buffer window and the defaults of its properties,
 * as QEMU's edu has them (docs/system/devices/edu.rst).  One copy for
 * the unit test and every qtest that drives edu, written apart from
 * hw/misc/edu.c on purpose: a wrong value in the device must fail the
 * tests, not move with them.  Plain constants, no other dependency.
 */
#ifndef TESTS_QTEST_EDU_REGS_H
#define TESTS_QTEST_EDU_REGS_H

#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8

#define EDU_BAR_SIZE 0x100000       /* BAR 0: 1 MiB of 32-bit memory */

/* Register offsets in BAR 0. */
#define EDU_REG_ID 0x00             /* RO: 0xRRrr00ed, major RR, minor rr */
#define EDU_REG_LIVENESS 0x04       /* reads the complement of the last write */
#define EDU_REG_FACTORIAL 0x08      /* write n: computes n!; read: result */
#define EDU_REG_STATUS 0x20         /* EDU_STATUS_* */
#define EDU_REG_IRQ_STATUS 0x24     /* RO: EDU_IRQ_* raised and not acked */
#define EDU_REG_IRQ_RAISE 0x60      /* WO: OR the value in, raise */
#define EDU_REG_IRQ_ACK 0x64        /* WO: clear the bits, lower when none */
#define EDU_REG_DMA_SRC 0x80        /* the EDU_REG_DMA_* are 64-bit */
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98        /* EDU_DMA_* */

/* Below this offset only 32-bit accesses work; from it, 32 or 64-bit. */
#define EDU_WIDE_REGS_START 0x80

#define EDU_ID_VALUE 0x010000edu    /* version 1.0 */

#define EDU_STATUS_COMPUTING 0x01   /* RO: factorial not ready */
#define EDU_STATUS_IRQ_FACT 0x80    /* RW: raise EDU_IRQ_FACT when ready */

#define EDU_IRQ_FACT 0x001          /* factorial done */
#define EDU_IRQ_DMA 0x100           /* DMA done */

#define EDU_DMA_RUN 0x1             /* start; cleared again when done */
#define EDU_DMA_TO_RAM 0x2          /* 0: RAM to buffer, 1: buffer to RAM */
#define EDU_DMA_IRQ 0x4             /* raise EDU_IRQ_DMA when done */

/* The device buffer, at this address of the DMA registers' space. */
#define EDU_BUF_START 0x40000
#define EDU_BUF_SIZE 4096

/* Property defaults: "dma_mask" and "dma-delay-ns" (100 ms). */
#define EDU_DEFAULT_DMA_MASK ((1ULL << 28) - 1)
#define EDU_DEFAULT_DMA_DELAY_NS 100000000LL

#endif
