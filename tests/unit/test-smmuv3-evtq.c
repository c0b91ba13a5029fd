/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3's outgoing side (hw/arm/smmuv3-evtq.c)
 * without a guest or a board: the event record's exact bit layout (spec
 * 7.3), records landing in a queue in RAM with PROD's index and wrap,
 * overflow as spec 7.4 has it (OVFLG toggled once until acknowledged,
 * nothing lost while the queue is off counts as overflow), an aborted
 * queue write activating GERROR.EVENTQ_ABT_ERR, the toggle rules of
 * GERROR, and interrupts as MSI writes into RAM plus wired pulses.
 *
 * The SMMU state is a bare SMMUv3State filled the way realize and the
 * register file would leave it; RAM comes from the PCI fixture.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "hw/irq.h"
#include "pci-fixture.h"

#define RAM PCI_FIXTURE_RAM_BASE
#define EVTQ (RAM + 0x1000)         /* 4 entries of 32 bytes */
#define EVTQ_LOG2SIZE 2
#define MSI_EVTQ (RAM + 0x800)
#define MSI_GERROR (RAM + 0x808)
#define UNMAPPED 0x7000000000ULL    /* nothing there */
#define DEVID 0x10000

static SMMUv3State *s;
static qemu_irq lines[SMMU_IRQ__MAX];
static unsigned pulses[SMMU_IRQ__MAX];

static void count_pulse(void *opaque, int n, int level)
{
    if (level) {
        pulses[n]++;
    }
}

static uint32_t ram32(uint64_t pa)
{
    uint32_t le;

    memcpy(&le, pci_fixture_ram() + (pa - RAM), 4);
    return GUINT32_FROM_LE(le);
}

static uint64_t ram64(uint64_t pa)
{
    uint64_t le;

    memcpy(&le, pci_fixture_ram() + (pa - RAM), 8);
    return GUINT64_FROM_LE(le);
}

static void setup(void)
{
    unsigned i;

    pci_fixture_init();
    memset(pci_fixture_ram(), 0, PCI_FIXTURE_RAM_SIZE);
    s = g_new0(SMMUv3State, 1);
    s->caps.msi = true;
    s->msi_devid = DEVID;
    s->cr[0] = R_CR0_EVENTQEN_MASK;
    s->cr0ack = s->cr[0];
    s->eventq = (SMMUQueue) {
        .base = EVTQ | EVTQ_LOG2SIZE,
        .log2size = EVTQ_LOG2SIZE,
        .entry_size = 32,
    };
    memset(pulses, 0, sizeof(pulses));
    for (i = 0; i < SMMU_IRQ__MAX; i++) {
        lines[i] = qemu_allocate_irq(count_pulse, NULL, i);
        s->irq[i] = lines[i];
    }
}

static void teardown(void)
{
    unsigned i;

    for (i = 0; i < SMMU_IRQ__MAX; i++) {
        qemu_free_irq(lines[i]);
    }
    g_clear_pointer(&s, g_free);
    pci_fixture_cleanup();
}

static SMMUEvent event(uint32_t sid)
{
    return (SMMUEvent) {
        .type = SMMU_EVT_F_TRANSLATION,
        .sid = sid,
        .input_addr = 0x1000 * sid,
        .rnw = true,
        .class = SMMU_CLASS_IN,
    };
}

/* Every field at its bit position (spec 7.3, facts 5.2). */
static void test_encode(void)
{
    SMMUEvent ev = {
        .type = SMMU_EVT_F_PERMISSION,
        .sid = 0xdeadbeef,
        .ssv = true,
        .ssid = 0xfffff,
        .stag = 0xabcd,
        .stall = true,
        .pnu = true,
        .ind = true,
        .rnw = true,
        .s2 = true,
        .class = SMMU_CLASS_TT,
        .input_addr = 0xffffffffffffffffULL,
        .ipa = 0xffffffffffffffffULL,
        .fetch_addr = 0x1234,
    };
    uint64_t rec[4];

    smmuv3_event_encode(&ev, rec);
    g_assert_cmphex(rec[0], ==, 0xdeadbeefFFFFF813ULL);
    g_assert_cmphex(rec[1], ==, (1ULL << 31) | (1ULL << 33) | (1ULL << 34) |
                                (1ULL << 35) | (1ULL << 39) | (1ULL << 40) |
                                0xabcd);
    g_assert_cmphex(rec[2], ==, 0xffffffffffffffffULL);
    /* IPA [55:12]: an S2 fault. */
    g_assert_cmphex(rec[3], ==, 0x00fffffffffff000ULL);

    /* Stage 1: no IPA; CLASS IN is 2 at [41:40]. */
    ev.s2 = false;
    ev.class = SMMU_CLASS_IN;
    ev.ssv = false;
    smmuv3_event_encode(&ev, rec);
    g_assert_cmphex(rec[0], ==, 0xdeadbeefFFFFF013ULL);
    g_assert_cmphex(rec[1] >> 40, ==, 2);
    g_assert_cmphex(rec[3], ==, 0);

    /* The fetch aborts carry FetchAddr [55:3] instead. */
    ev = (SMMUEvent) {
        .type = SMMU_EVT_F_WALK_EABT,
        .sid = 8,
        .s2 = true,
        .ipa = 0x5000,
        .fetch_addr = 0xff0000000000123fULL,
    };
    smmuv3_event_encode(&ev, rec);
    g_assert_cmphex(rec[0], ==, 0x000000080000000bULL);
    g_assert_cmphex(rec[3], ==, 0x0000000000001238ULL);
    ev.type = SMMU_EVT_F_STE_FETCH;
    smmuv3_event_encode(&ev, rec);
    g_assert_cmphex(rec[3], ==, 0x0000000000001238ULL);
    ev.type = SMMU_EVT_F_CD_FETCH;
    smmuv3_event_encode(&ev, rec);
    g_assert_cmphex(rec[3], ==, 0x0000000000001238ULL);
}

/* Records in order, PROD index and wrap; full -> overflow (spec 7.4). */
static void test_queue_and_overflow(void)
{
    SMMUEvent ev;
    unsigned i;

    setup();
    for (i = 0; i < 4; i++) {
        ev = event(i + 1);
        g_assert_true(smmuv3_record_event(s, &ev));
        g_assert_cmphex(ram64(EVTQ + 32 * i), ==,
                        ((uint64_t)(i + 1) << 32) | SMMU_EVT_F_TRANSLATION);
        g_assert_cmphex(ram64(EVTQ + 32 * i + 8), ==, (1ULL << 35) |
                                                      (2ULL << 40));
        g_assert_cmphex(ram64(EVTQ + 32 * i + 16), ==, 0x1000 * (i + 1));
    }
    /* Index 0 with the wrap bit: full. */
    g_assert_cmphex(s->eventq.prod, ==, 1 << EVTQ_LOG2SIZE);
    g_assert_true(smmu_q_full(&s->eventq));
    g_assert_cmpuint(s->events_recorded, ==, 4);

    /* Lost: OVFLG toggles once, not again until acknowledged. */
    ev = event(9);
    g_assert_false(smmuv3_record_event(s, &ev));
    g_assert_cmphex(s->eventq.prod, ==, SMMU_EVENTQ_OVFLG | 4);
    g_assert_false(smmuv3_record_event(s, &ev));
    g_assert_cmphex(s->eventq.prod, ==, SMMU_EVENTQ_OVFLG | 4);
    g_assert_cmpuint(s->events_lost, ==, 2);
    g_assert_cmphex(ram64(EVTQ), ==, (1ULL << 32) | SMMU_EVT_F_TRANSLATION);

    /* Software drains two and acknowledges the overflow. */
    s->eventq.cons = SMMU_EVENTQ_OVFLG | 2;
    smmuv3_eventq_cons_written(s);
    ev = event(10);
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram64(EVTQ), ==, (10ULL << 32) | SMMU_EVT_F_TRANSLATION);
    g_assert_cmphex(s->eventq.prod, ==, SMMU_EVENTQ_OVFLG | 5);
    ev = event(11);
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(s->eventq.prod, ==, SMMU_EVENTQ_OVFLG | 6);
    /* Full again, overflow acknowledged: a new overflow toggles back. */
    g_assert_false(smmuv3_record_event(s, &ev));
    g_assert_cmphex(s->eventq.prod, ==, 6);
    g_assert_cmpuint(s->events_recorded, ==, 6);
    g_assert_cmpuint(s->events_lost, ==, 3);
    /* Without EVENTQ_IRQEN nothing was signalled. */
    g_assert_cmpuint(pulses[SMMU_IRQ_EVTQ], ==, 0);
    teardown();
}

/* EVENTQEN=0: the record is lost without overflow. */
static void test_disabled_no_overflow(void)
{
    SMMUEvent ev = event(1);

    setup();
    s->cr[0] = s->cr0ack = 0;
    s->eventq.prod = 1 << EVTQ_LOG2SIZE;        /* even when full */
    g_assert_false(smmuv3_record_event(s, &ev));
    g_assert_cmphex(s->eventq.prod, ==, 1 << EVTQ_LOG2SIZE);
    g_assert_cmpuint(s->events_lost, ==, 1);
    g_assert_cmphex(ram64(EVTQ), ==, 0);
    teardown();
}

/* The event interrupt: MSI + pulse on empty -> non-empty only. */
static void test_eventq_irq(void)
{
    SMMUEvent ev = event(3);

    setup();
    s->irq_ctrl = R_IRQ_CTRL_EVENTQ_IRQEN_MASK;
    s->eventq_irq_cfg0 = MSI_EVTQ;
    s->eventq_irq_cfg1 = 0xcafe;
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram32(MSI_EVTQ), ==, 0xcafe);
    g_assert_cmpuint(pulses[SMMU_IRQ_EVTQ], ==, 1);
    memset(pci_fixture_ram() + (MSI_EVTQ - RAM), 0, 4);
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram32(MSI_EVTQ), ==, 0);
    g_assert_cmpuint(pulses[SMMU_IRQ_EVTQ], ==, 1);
    /* Drained: the next record signals again. */
    s->eventq.cons = s->eventq.prod;
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram32(MSI_EVTQ), ==, 0xcafe);
    g_assert_cmpuint(pulses[SMMU_IRQ_EVTQ], ==, 2);
    /* No MSI without IDR0.MSI: the wired line only. */
    s->caps.msi = false;
    memset(pci_fixture_ram() + (MSI_EVTQ - RAM), 0, 4);
    s->eventq.cons = s->eventq.prod;
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram32(MSI_EVTQ), ==, 0);
    g_assert_cmpuint(pulses[SMMU_IRQ_EVTQ], ==, 3);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 0);
    teardown();
}

/* A queue write that aborts: EVENTQ_ABT_ERR, then nothing is written. */
static void test_eventq_abort(void)
{
    SMMUEvent ev = event(4);

    setup();
    s->irq_ctrl = R_IRQ_CTRL_GERROR_IRQEN_MASK;
    s->gerror_irq_cfg0 = MSI_GERROR;
    s->gerror_irq_cfg1 = 0x77;
    s->eventq.base = UNMAPPED | EVTQ_LOG2SIZE;
    g_assert_false(smmuv3_record_event(s, &ev));
    g_assert_cmphex(s->gerror, ==, R_GERROR_EVENTQ_ABT_ERR_MASK);
    g_assert_cmphex(s->eventq.prod, ==, 0);
    g_assert_cmphex(ram32(MSI_GERROR), ==, 0x77);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 1);
    /* While it is active the queue is not writable, even when fixed. */
    s->eventq.base = EVTQ | EVTQ_LOG2SIZE;
    g_assert_false(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram64(EVTQ), ==, 0);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 1);
    /* Acknowledged: records flow again. */
    s->gerrorn = s->gerror;
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram64(EVTQ), ==, (4ULL << 32) | SMMU_EVT_F_TRANSLATION);
    g_assert_cmpuint(s->events_lost, ==, 2);
    teardown();
}

/* GERROR: activate by toggling, only inactive errors, one IRQ each. */
static void test_gerror(void)
{
    setup();
    s->irq_ctrl = R_IRQ_CTRL_GERROR_IRQEN_MASK;
    s->gerror_irq_cfg0 = MSI_GERROR;
    s->gerror_irq_cfg1 = 0x1;
    smmuv3_raise_gerror(s, R_GERROR_CMDQ_ERR_MASK);
    g_assert_cmphex(s->gerror, ==, 1);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 1);
    /* Already active: no change, no interrupt. */
    smmuv3_raise_gerror(s, R_GERROR_CMDQ_ERR_MASK);
    g_assert_cmphex(s->gerror, ==, 1);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 1);
    /* Acknowledged, raised again: the bit toggles back to 0. */
    s->gerrorn = 1;
    smmuv3_raise_gerror(s, R_GERROR_CMDQ_ERR_MASK);
    g_assert_cmphex(s->gerror, ==, 0);
    g_assert_cmphex(s->gerror ^ s->gerrorn, ==, 1);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 2);

    /* A GERROR MSI that aborts activates MSI_GERROR_ABT_ERR once. */
    s->gerror_irq_cfg0 = UNMAPPED;
    smmuv3_raise_gerror(s, R_GERROR_SFM_ERR_MASK);
    g_assert_cmphex(s->gerror ^ s->gerrorn, ==,
                    R_GERROR_CMDQ_ERR_MASK | R_GERROR_SFM_ERR_MASK |
                    R_GERROR_MSI_GERROR_ABT_ERR_MASK);
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 4);
    teardown();
}

/* CMD_SYNC's MSI: address from the command, abort -> the given bit. */
static void test_signal_irq(void)
{
    setup();
    smmuv3_signal_irq(s, SMMU_IRQ_CMD_SYNC, MSI_EVTQ | 3, 0x1234, 0);
    /* ADDR [1:0] are not part of the address. */
    g_assert_cmphex(ram32(MSI_EVTQ), ==, 0x1234);
    g_assert_cmpuint(pulses[SMMU_IRQ_CMD_SYNC], ==, 1);
    /* Address 0: no MSI, the wired line only. */
    smmuv3_signal_irq(s, SMMU_IRQ_CMD_SYNC, 0, 0x99, 0);
    g_assert_cmphex(ram32(0 + RAM), ==, 0);
    g_assert_cmpuint(pulses[SMMU_IRQ_CMD_SYNC], ==, 2);
    smmuv3_signal_irq(s, SMMU_IRQ_CMD_SYNC, UNMAPPED, 0x99,
                      R_GERROR_MSI_CMDQ_ABT_ERR_MASK);
    g_assert_cmphex(s->gerror, ==, R_GERROR_MSI_CMDQ_ABT_ERR_MASK);
    g_assert_cmpuint(pulses[SMMU_IRQ_CMD_SYNC], ==, 3);
    /* GERROR_IRQEN is off: no GERROR interrupt. */
    g_assert_cmpuint(pulses[SMMU_IRQ_GERROR], ==, 0);
    teardown();
}

/*
 * The SMMU aligns the queue base to the queue's size (32 bytes at
 * least), ignoring low ADDR bits (spec 6.3.29): records of a 4-entry
 * queue programmed at EVTQ + 0x48 land from EVTQ.
 */
static void test_misaligned_base(void)
{
    SMMUEvent ev = event(7);

    setup();
    s->eventq.base = (EVTQ + 0x48) | EVTQ_LOG2SIZE;
    g_assert_true(smmuv3_record_event(s, &ev));
    g_assert_cmphex(ram64(EVTQ), ==, (7ULL << 32) | SMMU_EVT_F_TRANSLATION);
    g_assert_cmphex(ram64(EVTQ + 0x40), ==, 0);
    g_assert_cmphex(ram64(EVTQ + 0x60), ==, 0);
    g_assert_cmphex(smmu_q_entry_addr(&s->eventq, 1), ==, EVTQ + 0x20);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmuv3-evtq/encode", test_encode);
    g_test_add_func("/smmuv3-evtq/queue-overflow", test_queue_and_overflow);
    g_test_add_func("/smmuv3-evtq/disabled", test_disabled_no_overflow);
    g_test_add_func("/smmuv3-evtq/irq", test_eventq_irq);
    g_test_add_func("/smmuv3-evtq/abort", test_eventq_abort);
    g_test_add_func("/smmuv3-evtq/misaligned-base", test_misaligned_base);
    g_test_add_func("/smmuv3-evtq/gerror", test_gerror);
    g_test_add_func("/smmuv3-evtq/signal-irq", test_signal_irq);
    return g_test_run();
}
