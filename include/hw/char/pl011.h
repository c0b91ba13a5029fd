/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm PrimeCell PL011 UART (the virt machine's console).
 *
 *   MMIO 0   4 KiB of registers
 *   IRQ 0    UARTINTR, the combined interrupt (what boards wire)
 *   IRQ 1-5  UARTRXINTR, UARTTXINTR, UARTRTINTR, UARTMSINTR, UARTEINTR
 *   "chardev" property: id of the chardev the UART talks to (resolved
 *            at realize; unset or empty: output is discarded)
 *
 * Transmission is instantaneous: a byte written to UARTDR goes to the
 * chardev at once and the transmit FIFO is always empty again.
 */
#ifndef HW_CHAR_PL011_H
#define HW_CHAR_PL011_H

#include "hw/sysbus.h"
#include "chardev/char.h"

#define TYPE_PL011 "pl011"
#define PL011(obj) OBJECT_CHECK(PL011State, (obj), TYPE_PL011)

/* Receive FIFO depth with LCR_H.FEN set (1 without). */
#define PL011_FIFO_DEPTH 16
/* Received bytes held back while the FIFO is full (then overrun). */
#define PL011_BACKLOG_MAX (64 * KiB)
#define PL011_NUM_IRQS 6

typedef struct PL011State {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    qemu_irq irq[PL011_NUM_IRQS];
    char *chardev_id;           /* property */
    Chardev *chr;               /* resolved at realize, NULL if none */

    /* Registers. */
    uint32_t flags;             /* UARTFR */
    uint32_t rsr;               /* UARTRSR: errors of the last read */
    uint32_t ilpr;
    uint32_t ibrd;
    uint32_t fbrd;
    uint32_t lcr;               /* UARTLCR_H */
    uint32_t cr;
    uint32_t ifl;               /* UARTIFLS */
    uint32_t int_enabled;       /* UARTIMSC */
    uint32_t int_level;         /* UARTRIS */
    uint32_t dmacr;

    /* Receive FIFO: data bits and error bits [11:8], as UARTDR reads. */
    uint32_t read_fifo[PL011_FIFO_DEPTH];
    int read_pos;
    int read_count;
    /* Bytes from the chardev that did not fit in the FIFO yet. */
    GByteArray *backlog;
} PL011State;

#endif
