/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 event queue, GERROR and interrupts.
 * (STUB: being written; the owner replaces this file.)
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

void smmuv3_event_encode(const SMMUEvent *ev, uint64_t rec[4])
{
    memset(rec, 0, 4 * sizeof(rec[0]));
}

bool smmuv3_record_event(SMMUv3State *s, const SMMUEvent *ev)
{
    return false;
}

void smmuv3_raise_gerror(SMMUv3State *s, uint32_t bits)
{
}

void smmuv3_signal_irq(SMMUv3State *s, SMMUv3Irq irq, uint64_t addr,
                       uint32_t data, uint32_t msi_abt_gerror_bit)
{
}

void smmuv3_eventq_cons_written(SMMUv3State *s)
{
}
