/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm-smmuv3 event queue seen from a driver: edu functions behind
 * the board SMMU make DMA that a V=0 STE (C_BAD_STE) or a StreamID
 * beyond the stream table (C_BAD_STREAMID) refuses, and the test checks
 * the records in order with every field, overflow (PROD.OVFLG, the
 * record lost, acknowledged through CONS.OVACKFLG), records dropped
 * while EVENTQEN=0, an abort writing the queue (GERROR.EVENTQ_ABT_ERR),
 * the event queue interrupt (MSI and wired, on empty -> non-empty
 * only), MSIs that abort (GERROR.MSI_*_ABT_ERR) and the QOM counters.
 *
 * Against QEMU (QTEST_ACCEL=tcg) the cases run where its model supports
 * them; where it differs by design a case checks QEMU's behaviour up to
 * the difference, then skips saying why.
 */
#include "smmuv3-queue-test.h"

/*
 * MSIs to a PA where nothing answers activate GERROR.MSI_*_ABT_ERR
 * (spec 3.18.1, 7.5): CMD_SYNC's (which still completes), the event
 * queue's, and GERROR's own, which does not recurse.
 */
static void test_gerror_msi_abort(void)
{
    Smmu *s = smmu_start(NULL, 1);

    if (!s->ours) {
        g_test_skip("QEMU: no MSI support");
        smmu_quit(s);
        return;
    }
    WRQ(s, EVENTQ_IRQ_CFG0, BAD_PA);
    WRQ(s, GERROR_IRQ_CFG0, BAD_PA);
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_EVENTQ);
    smmu_enable(s, 5, 0, EVTQ_RAM, 3, true);
    put_sync(s, QSMMU_SYNC_CS_IRQ, BAD_PA, 1);
    cmdq_kick(s);
    g_assert_cmphex(RD(s, CMDQ_CONS) & QSMMU_Q_WR_MASK, ==, s->cmdq_prod);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_MSI_CMDQ_ABT_ERR);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 1);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_MSI_CMDQ_ABT_ERR |
                    QSMMU_GERROR_MSI_EVENTQ_ABT_ERR);
    gerror_ack(s);
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_GERROR);
    cmd_put_raw(s, CMD_UNKNOWN, 0);
    cmdq_kick(s);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR |
                    QSMMU_GERROR_MSI_GERROR_ABT_ERR);
    g_assert_true(spi_pulsed(s, SPI_GERROR));
    smmu_quit(s);
}

/* ---- Event queue ---- */

/*
 * Records in order with their fields: edu A (SID_A) finds a V=0 STE
 * (C_BAD_STE); edu B (SID_B) is beyond a 32-entry stream table
 * (C_BAD_STREAMID, recorded because CR2.RECINVSID=1).
 */
static void test_evtq_records(void)
{
    Smmu *s = smmu_start(NULL, 2);

    smmu_enable(s, 5, QSMMU_CR2_RECINVSID, EVTQ_RAM, 3, true);
    edu_fault(s, 0);
    edu_fault(s, 1);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 3);
    CHECK(s, EVENTQ_CONS, 0);
    assert_record(s, 0, QSMMU_EVT_C_BAD_STE, SID_A);
    assert_record(s, 1, QSMMU_EVT_C_BAD_STREAMID, SID_B);
    assert_record(s, 2, QSMMU_EVT_C_BAD_STE, SID_A);
    g_assert_cmphex(gerror_active(s), ==, 0);
    if (s->ours) {
        g_assert_cmpint(smmu_counter(s, "x-events-recorded"), ==, 3);
        g_assert_cmpint(smmu_counter(s, "x-events-lost"), ==, 0);
    }

    /* Without RECINVSID an unknown StreamID is not recorded (6.3.12). */
    cr0_write(s, s->cr0 & ~QSMMU_CR0_SMMUEN);
    WR(s, CR2, 0);
    cr0_write(s, s->cr0 | QSMMU_CR0_SMMUEN);
    edu_fault(s, 1);
    if (!s->ours) {
        CHECK(s, EVENTQ_PROD, 4);
        assert_record(s, 3, QSMMU_EVT_C_BAD_STREAMID, SID_B);
        g_test_skip("QEMU records C_BAD_STREAMID with CR2.RECINVSID=0");
        smmu_quit(s);
        return;
    }
    CHECK(s, EVENTQ_PROD, 3);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 4);
    assert_record(s, 3, QSMMU_EVT_C_BAD_STE, SID_A);
    /* Around the 8-entry queue: records keep their order. */
    evtq_consume_all(s);
    for (int i = 0; i < 6; i++) {
        edu_fault(s, 0);
    }
    CHECK(s, EVENTQ_PROD, 8 | 2);
    assert_record(s, 0, QSMMU_EVT_C_BAD_STE, SID_A);
    assert_record(s, 1, QSMMU_EVT_C_BAD_STE, SID_A);
    assert_record(s, 7, QSMMU_EVT_C_BAD_STE, SID_A);
    g_assert_cmpint(smmu_counter(s, "x-events-recorded"), ==, 10);
    smmu_quit(s);
}

/* Spec 7.4: a full queue discards the record and toggles PROD.OVFLG. */
static void test_evtq_overflow(void)
{
    Smmu *s = smmu_start(NULL, 1);

    smmu_enable(s, 5, 0, EVTQ_RAM, 1, true);
    edu_fault(s, 0);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 2);                   /* full */
    qtest_writeq(s->qts, EVTQ_RAM, 0xdead);
    edu_fault(s, 0);
    if (!s->ours) {
        /* QEMU raises EVENTQ_ABT_ERR instead (facts 1.5). */
        CHECK(s, EVENTQ_PROD, 2);
        g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_EVENTQ_ABT_ERR);
        g_test_skip("QEMU: EVENTQ_ABT_ERR on a full queue, not OVFLG "
                    "(spec 7.4)");
        smmu_quit(s);
        return;
    }
    CHECK(s, EVENTQ_PROD, QSMMU_Q_OVFLG | 2);
    g_assert_cmphex(qtest_readq(s->qts, EVTQ_RAM), ==, 0xdead);
    g_assert_cmphex(gerror_active(s), ==, 0);
    g_assert_cmpint(smmu_counter(s, "x-events-recorded"), ==, 2);
    g_assert_cmpint(smmu_counter(s, "x-events-lost"), ==, 1);
    /* Still unacknowledged: no second toggle. */
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, QSMMU_Q_OVFLG | 2);
    g_assert_cmpint(smmu_counter(s, "x-events-lost"), ==, 2);

    /* Consume and acknowledge (CONS.OVACKFLG = OVFLG). */
    evtq_consume_all(s);
    CHECK(s, EVENTQ_CONS, QSMMU_Q_OVFLG | 2);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, QSMMU_Q_OVFLG | 3);
    assert_record(s, 0, QSMMU_EVT_C_BAD_STE, SID_A);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, QSMMU_Q_OVFLG | 0);
    /* The next overflow toggles OVFLG back. */
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 0);
    g_assert_cmphex(gerror_active(s), ==, 0);
    g_assert_cmpint(smmu_counter(s, "x-events-recorded"), ==, 4);
    g_assert_cmpint(smmu_counter(s, "x-events-lost"), ==, 3);
    smmu_quit(s);
}

/* EVENTQEN=0: records are dropped, which is not an overflow. */
static void test_evtq_disabled(void)
{
    Smmu *s = smmu_start(NULL, 1);

    smmu_enable(s, 5, 0, EVTQ_RAM, 1, false);
    for (int i = 0; i < 3; i++) {
        edu_fault(s, 0);
    }
    CHECK(s, EVENTQ_PROD, 0);
    g_assert_cmphex(gerror_active(s), ==, 0);
    g_assert_cmphex(qtest_readq(s->qts, EVTQ_RAM), ==, 0);
    if (s->ours) {
        g_assert_cmpint(smmu_counter(s, "x-events-recorded"), ==, 0);
        g_assert_cmpint(smmu_counter(s, "x-events-lost"), ==, 3);
    }
    cr0_write(s, s->cr0 | QSMMU_CR0_EVENTQEN);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 1);
    assert_record(s, 0, QSMMU_EVT_C_BAD_STE, SID_A);
    smmu_quit(s);
}

/*
 * An abort writing a record: GERROR.EVENTQ_ABT_ERR, and nothing is
 * written while it is active (spec 7.2, 7.5).
 */
static void test_evtq_abort(void)
{
    Smmu *s = smmu_start(NULL, 1);

    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_GERROR);
    smmu_enable(s, 5, 0, BAD_PA, 3, true);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 0);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_EVENTQ_ABT_ERR);
    g_assert_true(spi_pulsed(s, SPI_GERROR));
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 0);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_EVENTQ_ABT_ERR);
    g_assert_false(spi_pulsed(s, SPI_GERROR));
    if (s->ours) {
        g_assert_cmpint(smmu_counter(s, "x-events-lost"), ==, 2);
    }
    /* Move the queue to RAM, acknowledge: recording resumes. */
    cr0_write(s, s->cr0 & ~QSMMU_CR0_EVENTQEN);
    evtq_setup(s, 3);
    gerror_ack(s);
    cr0_write(s, s->cr0 | QSMMU_CR0_EVENTQEN);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 1);
    assert_record(s, 0, QSMMU_EVT_C_BAD_STE, SID_A);
    g_assert_cmphex(gerror_active(s), ==, 0);
    smmu_quit(s);
}

/* The event queue interrupt: on empty -> non-empty, with EVENTQ_IRQEN. */
static void test_evtq_irq(void)
{
    Smmu *s = smmu_start(NULL, 1);
    gint64 count = 0;

    if (s->ours) {
        count = its_count(s);
        WRQ(s, EVENTQ_IRQ_CFG0, ITS_DOORBELL);
        WR(s, EVENTQ_IRQ_CFG1, 0x42);
        WR(s, EVENTQ_IRQ_CFG2, 0x1);
    }
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_EVENTQ);
    smmu_enable(s, 5, 0, EVTQ_RAM, 3, true);
    edu_fault(s, 0);
    g_assert_true(spi_pulsed(s, SPI_EVTQ));
    if (s->ours) {
        assert_its_last(s, count + 1, 0x42);
    }
    /* Not empty before: no interrupt (spec 3.18.2). */
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 2);
    if (!s->ours) {
        g_assert_true(spi_pulsed(s, SPI_EVTQ));
        g_test_skip("QEMU pulses for every record, not only on "
                    "empty -> non-empty (spec 3.18.2)");
        smmu_quit(s);
        return;
    }
    g_assert_false(spi_pulsed(s, SPI_EVTQ));
    g_assert_cmpint(its_count(s), ==, count + 1);
    /* Drained, the next record signals again. */
    evtq_consume_all(s);
    edu_fault(s, 0);
    g_assert_true(spi_pulsed(s, SPI_EVTQ));
    assert_its_last(s, count + 2, 0x42);
    /* EVENTQ_IRQEN=0: recorded, not signalled. */
    qsmmu_set_irq_ctrl(&s->q, 0);
    evtq_consume_all(s);
    edu_fault(s, 0);
    CHECK(s, EVENTQ_PROD, 4);
    g_assert_false(spi_pulsed(s, SPI_EVTQ));
    g_assert_cmpint(its_count(s), ==, count + 2);
    g_assert_false(spi_pulsed(s, SPI_GERROR));
    g_assert_false(spi_pulsed(s, SPI_CMD_SYNC));
    smmu_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmuv3-evtq/records", test_evtq_records);
    g_test_add_func("/smmuv3-evtq/overflow", test_evtq_overflow);
    g_test_add_func("/smmuv3-evtq/disabled", test_evtq_disabled);
    g_test_add_func("/smmuv3-evtq/abort", test_evtq_abort);
    g_test_add_func("/smmuv3-evtq/irq", test_evtq_irq);
    g_test_add_func("/smmuv3-evtq/msi-abort", test_gerror_msi_abort);
    return g_test_run();
}
