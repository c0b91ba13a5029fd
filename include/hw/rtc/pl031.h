/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm PrimeCell PL031 real-time clock (the virt machine's RTC).
 *
 *   MMIO 0   4 KiB of registers
 *   IRQ 0    RTCINTR, the match (alarm) interrupt
 *
 * RTCDR counts seconds: the host's wall-clock time when the device was
 * created, advanced by the virtual clock (QEMU_CLOCK_VIRTUAL), so under
 * qtest it only moves with clock_step and the alarm fires then.
 */
#ifndef HW_RTC_PL031_H
#define HW_RTC_PL031_H

#include "hw/sysbus.h"
#include "qemu/timer.h"

#define TYPE_PL031 "pl031"
#define PL031(obj) OBJECT_CHECK(PL031State, (obj), TYPE_PL031)

typedef struct PL031State {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    qemu_irq irq;
    QEMUTimer *timer;

    /* RTCDR = tick_offset + virtual clock in whole seconds (mod 2^32). */
    uint32_t tick_offset;
    uint32_t mr;                /* RTCMR */
    uint32_t lr;                /* RTCLR, as last written */
    uint32_t im;                /* RTCIMSC */
    uint32_t is;                /* RTCRIS */
} PL031State;

#endif
