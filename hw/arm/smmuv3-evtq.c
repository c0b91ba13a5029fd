/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3's outgoing side: event records and the event queue (spec
 * 7.2-7.4), global errors (GERROR, spec 7.5) and the interrupts that
 * announce both, as MSIs and on the wired lines (spec 3.18).
 *
 * The SMMU's own memory accesses (queue records, MSIs) go to system
 * memory as a platform master with the ITS DeviceID s->msi_devid, the
 * msi-parent cell of its device tree node.  Everything here runs
 * synchronously from the transaction or command that caused it.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "qemu/log.h"
#include "trace/trace-hw_arm.h"

/* The fetch events, whose dword 3 is FetchAddr rather than IPA. */
#define SMMU_EVT_F_VMS_FETCH 0x25

static const char *const smmuv3_irq_names[SMMU_IRQ__MAX] = {
    [SMMU_IRQ_EVTQ] = "eventq",
    [SMMU_IRQ_PRIQ] = "priq",
    [SMMU_IRQ_CMD_SYNC] = "cmdq-sync",
    [SMMU_IRQ_GERROR] = "gerror",
};

static bool smmuv3_event_is_fetch(SMMUEventType type)
{
    switch ((unsigned)type) {
    case SMMU_EVT_F_STE_FETCH:
    case SMMU_EVT_F_CD_FETCH:
    case SMMU_EVT_F_WALK_EABT:
    case SMMU_EVT_F_VMS_FETCH:
        return true;
    default:
        return false;
    }
}

void smmuv3_event_encode(const SMMUEvent *ev, uint64_t rec[4])
{
    uint64_t w;

    /* dword 0: EventID [7:0], SSV [11], SubstreamID [31:12], SID. */
    w = deposit64(0, 0, 8, ev->type);
    w = deposit64(w, 11, 1, ev->ssv);
    w = deposit64(w, 12, 20, ev->ssid);
    w = deposit64(w, 32, 32, ev->sid);
    rec[0] = w;

    /* dword 1: STAG, Stall, PnU, InD, RnW, S2, CLASS. */
    w = deposit64(0, 0, 16, ev->stag);
    w = deposit64(w, 31, 1, ev->stall);
    w = deposit64(w, 33, 1, ev->pnu);
    w = deposit64(w, 34, 1, ev->ind);
    w = deposit64(w, 35, 1, ev->rnw);
    w = deposit64(w, 39, 1, ev->s2);
    w = deposit64(w, 40, 2, ev->class);
    rec[1] = w;

    rec[2] = ev->input_addr;

    /* dword 3: FetchAddr [55:3] for the fetch aborts, else IPA [55:12]. */
    if (smmuv3_event_is_fetch(ev->type)) {
        rec[3] = ev->fetch_addr & MAKE_64BIT_MASK(3, 53);
    } else if (ev->s2) {
        rec[3] = ev->ipa & MAKE_64BIT_MASK(12, 44);
    } else {
        rec[3] = 0;
    }
}

void smmuv3_signal_irq(SMMUv3State *s, SMMUv3Irq irq, uint64_t addr,
                       uint32_t data, uint32_t msi_abt_gerror_bit)
{
    MemTxResult r;

    addr &= SMMU_IRQ_CFG0_ADDR_MASK;
    /* Spec 3.18.2: an MSI when supported and configured (ADDR != 0). */
    if (s->caps.msi && addr) {
        r = address_space_store(&address_space_memory, addr,
                                smmuv3_master_attrs(s), data, 4);
        trace_smmuv3_msi(smmuv3_irq_names[irq], addr, data, s->msi_devid,
                         memtx_result_str(r));
        if (r != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: %s MSI to 0x%"
                          PRIx64 " failed: %s\n", smmuv3_irq_names[irq],
                          addr, memtx_result_str(r));
            if (msi_abt_gerror_bit) {
                smmuv3_raise_gerror(s, msi_abt_gerror_bit);
            }
        }
    }
    /*
     * The wired line is pulsed as well: spec 3.18.2 lets an
     * implementation use both (the edge on an unconnected line is lost).
     */
    trace_smmuv3_irq_pulse(smmuv3_irq_names[irq]);
    qemu_irq_pulse(s->irq[irq]);
}

void smmuv3_raise_gerror(SMMUv3State *s, uint32_t bits)
{
    uint32_t active = s->gerror ^ s->gerrorn;
    uint32_t newly = bits & ~active;

    if (!newly) {
        trace_smmuv3_gerror_pending(bits, s->gerror, s->gerrorn);
        return;
    }
    /* Activate by toggling, only what is inactive (spec 7.5). */
    s->gerror ^= newly;
    trace_smmuv3_gerror(newly, s->gerror, s->gerrorn);
    if (FIELD_EX32(s->irq_ctrl, IRQ_CTRL, GERROR_IRQEN)) {
        smmuv3_signal_irq(s, SMMU_IRQ_GERROR, s->gerror_irq_cfg0,
                          s->gerror_irq_cfg1,
                          R_GERROR_MSI_GERROR_ABT_ERR_MASK);
    }
}

/* PROD advanced by one entry, the wrap bit flipping at the end. */
static uint32_t smmuv3_q_next(const SMMUQueue *q, uint32_t ptr)
{
    uint32_t idx = smmu_q_idx(q, ptr) + 1;
    uint32_t wrap = smmu_q_wrap(q, ptr);

    if (idx == 1U << q->log2size) {
        idx = 0;
        wrap ^= 1;
    }
    return (wrap << q->log2size) | idx;
}

bool smmuv3_record_event(SMMUv3State *s, const SMMUEvent *ev)
{
    SMMUQueue *q = &s->eventq;
    uint64_t rec[4];
    uint8_t buf[32];
    uint64_t addr;
    MemTxResult r;
    bool was_empty;
    int i;

    smmuv3_event_encode(ev, rec);
    trace_smmuv3_event(ev->type, ev->sid, rec[0], rec[1], rec[2], rec[3]);

    /* Discarded without overflow while the queue is off (spec 7.4). */
    if (!FIELD_EX32(s->cr[0], CR0, EVENTQEN)) {
        trace_smmuv3_event_dropped("EVENTQEN is 0", q->prod, q->cons);
        s->events_lost++;
        return false;
    }
    if ((s->gerror ^ s->gerrorn) & R_GERROR_EVENTQ_ABT_ERR_MASK) {
        trace_smmuv3_event_dropped("EVENTQ_ABT_ERR is active", q->prod,
                                   q->cons);
        s->events_lost++;
        return false;
    }
    if (smmu_q_full(q)) {
        /*
         * Spec 7.4: the record is lost; overflow is flagged by toggling
         * PROD.OVFLG unless an earlier overflow is not acknowledged yet.
         */
        if ((q->prod & SMMU_EVENTQ_OVFLG) == (q->cons & SMMU_EVENTQ_OVFLG)) {
            q->prod ^= SMMU_EVENTQ_OVFLG;
        }
        trace_smmuv3_event_dropped("queue full (overflow)", q->prod,
                                   q->cons);
        s->events_lost++;
        return false;
    }

    for (i = 0; i < 4; i++) {
        uint64_t le = GUINT64_TO_LE(rec[i]);

        memcpy(buf + 8 * i, &le, sizeof(le));
    }
    addr = smmu_q_entry_addr(q, smmu_q_idx(q, q->prod));
    r = address_space_write(&address_space_memory, addr,
                            smmuv3_master_attrs(s), buf, sizeof(buf));
    if (r != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: event queue write at "
                      "0x%" PRIx64 " failed: %s\n", addr,
                      memtx_result_str(r));
        trace_smmuv3_event_dropped("queue write aborted", q->prod, q->cons);
        s->events_lost++;
        smmuv3_raise_gerror(s, R_GERROR_EVENTQ_ABT_ERR_MASK);
        return false;
    }
    was_empty = smmu_q_empty(q);
    q->prod = smmuv3_q_next(q, q->prod) | (q->prod & SMMU_EVENTQ_OVFLG);
    s->events_recorded++;
    trace_smmuv3_event_recorded(addr, q->prod, q->cons);

    /* The interrupt follows the record and PROD (spec 3.18). */
    if (was_empty && FIELD_EX32(s->irq_ctrl, IRQ_CTRL, EVENTQ_IRQEN)) {
        smmuv3_signal_irq(s, SMMU_IRQ_EVTQ, s->eventq_irq_cfg0,
                          s->eventq_irq_cfg1,
                          R_GERROR_MSI_EVENTQ_ABT_ERR_MASK);
    }
    return true;
}

void smmuv3_eventq_cons_written(SMMUv3State *s)
{
    const SMMUQueue *q = &s->eventq;

    /*
     * Nothing to restart: the next record goes in if there is room.  An
     * overflow is acknowledged when CONS.OVACKFLG equals PROD.OVFLG.
     */
    trace_smmuv3_eventq_cons(q->prod, q->cons,
                             (q->prod & SMMU_EVENTQ_OVFLG) !=
                             (q->cons & SMMU_EVENTQ_OVFLG));
}
