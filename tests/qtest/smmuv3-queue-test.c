/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm-smmuv3 register file and command queue seen from a driver:
 * ID and reset values for each configuration (and after system_reset),
 * 32/64-bit register access, RES0 bits and the accesses our model
 * documents as RAZ/WI, the writes the architecture ignores while a
 * unit is enabled, the CR0, IRQ_CTRL and GBPA handshakes, the page-1
 * event queue pointers; the command queue: wrap, CMD_SYNC completion by
 * MSI (Linux's polling of the SYNC's own slot, the ITS doorbell) or by
 * the wired line, CERROR_ILL for each illegal form and CERROR_ABT, with
 * recovery through GERRORN; the GERROR interrupt; and a malformed-input
 * sample.  The event queue is in smmuv3-evtq-test.c, translation in
 * smmuv3-test.c.
 *
 * Against QEMU (QTEST_ACCEL=tcg) the cases run where its model supports
 * them; where it differs by design a case checks QEMU's behaviour up to
 * the difference, then skips saying why.
 */
#include "smmuv3-queue-test.h"

/* ---- ID and reset values ---- */

typedef struct IdCase {
    const char *name;
    const char *globals;
    bool s1, s2;
    unsigned oas;
    bool ril;
    unsigned ssidsize;
    bool msi;
    bool on_qemu;               /* QEMU 10.0 can be configured so */
} IdCase;

static const IdCase id_cases[] = {
    { "default", "", true, true, 44, true, 0, true, true },
    { "stage1", "-global arm-smmuv3.stage=1", true, false, 44, true, 0,
      true },
    { "stage2", "-global arm-smmuv3.stage=2", false, true, 44, true, 0,
      true },
    { "nested", "-global arm-smmuv3.stage=nested", true, true, 44, true, 0,
      true, true },
    { "oas48", "-global arm-smmuv3.oas=48", true, true, 48, true, 0, true },
    { "ril-off", "-global arm-smmuv3.ril=off", true, true, 44, false, 0,
      true },
    { "ssidsize16", "-global arm-smmuv3.ssidsize=16", true, true, 44, true,
      16, true },
    { "msi-off", "-global arm-smmuv3.msi=off -global arm-smmuv3.stage=1",
      true, false, 44, true, 0, false },
};

/* Spec 6.3 reset values (facts 1.6; the model's documented choices). */
static void assert_reset_values(Smmu *s)
{
    static const uint32_t zero[] = {
        QSMMU_CR0, QSMMU_CR0ACK, QSMMU_CR1, QSMMU_CR2, QSMMU_STATUSR,
        QSMMU_IRQ_CTRL, QSMMU_IRQ_CTRLACK, QSMMU_GERROR, QSMMU_GERRORN,
        QSMMU_CMDQ_PROD, QSMMU_CMDQ_CONS, QSMMU_EVENTQ_PROD,
        QSMMU_EVENTQ_CONS,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(zero); i++) {
        g_assert_cmphex(rd32(s, zero[i]), ==, 0);
    }
    CHECK(s, GBPA, GBPA_RESET);
}

static void test_id_regs(gconstpointer data)
{
    const IdCase *c = data;
    Smmu *s;
    uint32_t idr0 = IDR0_COMMON | (c->s1 ? QSMMU_IDR0_S1P : 0) |
                    (c->s2 ? QSMMU_IDR0_S2P : 0) |
                    (c->msi ? QSMMU_IDR0_MSI : 0) |
                    (c->ssidsize ? QSMMU_IDR0_CD2L : 0);
    uint32_t idr5 = (c->oas == 48 ? QSMMU_PS_48 : QSMMU_PS_44) | IDR5_GRANS;

    if (!qtest_accel_is_qtest()) {
        if (!c->on_qemu) {
            g_test_skip(QEMU_FIXED_CONFIG);
            return;
        }
        idr0 &= ~QSMMU_IDR0_MSI;        /* QEMU has no MSI (facts 7.2) */
    }
    s = smmu_start(c->globals, 0);
    CHECK(s, IDR0, idr0);
    /* SIDSIZE 16, SSIDSIZE, EVENTQS = CMDQS = 19, PRIQS 0. */
    CHECK(s, IDR1, 16 | c->ssidsize << 6 | 19U << 16 | 19U << 21);
    CHECK(s, IDR2, 0);
    CHECK(s, IDR3, IDR3_COMMON | (c->ril ? QSMMU_IDR3_RIL : 0) |
          (c->s2 ? QSMMU_IDR3_XNX : 0));
    CHECK(s, IDR4, 0);
    CHECK(s, IDR5, idr5);
    CHECK(s, IIDR, 0);
    CHECK(s, AIDR, 1);                  /* SMMUv3.1 */
    assert_reset_values(s);
    /* The ID registers are read-only. */
    WR(s, IDR0, ~idr0);
    WR(s, IDR5, 0);
    CHECK(s, IDR0, idr0);
    CHECK(s, IDR5, idr5);
    if (!c->msi && s->ours) {
        /* Without MSIs the *_IRQ_CFG registers are RES0 (6.3.21). */
        WRQ(s, GERROR_IRQ_CFG0, ITS_DOORBELL);
        WR(s, GERROR_IRQ_CFG1, 1);
        WRQ(s, EVENTQ_IRQ_CFG0, ITS_DOORBELL);
        WR(s, EVENTQ_IRQ_CFG2, 1);
        CHECKQ(s, GERROR_IRQ_CFG0, 0);
        CHECK(s, GERROR_IRQ_CFG1, 0);
        CHECKQ(s, EVENTQ_IRQ_CFG0, 0);
        CHECK(s, EVENTQ_IRQ_CFG2, 0);
    }
    smmu_quit(s);
}

/* system_reset returns the registers to their reset values. */
static void test_system_reset(void)
{
    Smmu *s = smmu_start(NULL, 0);

    smmu_enable(s, 5, QSMMU_CR2_RECINVSID, EVTQ_RAM, 3, true);
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_GERROR);
    qsmmu_gbpa_update(&s->q, QSMMU_GBPA_ABORT);
    cmd_put_raw(s, CMD_UNKNOWN, 0);
    cmdq_kick(s);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);

    qtest_qmp_assert_success(s->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s->qts, "RESET");
    if (!s->ours && (RD(s, CR1) || RD(s, CR2))) {
        /* CR1 and CR2 reset to UNKNOWN values (spec 6.3.11-12). */
        g_test_message("QEMU keeps CR1 0x%x CR2 0x%x over a reset",
                       RD(s, CR1), RD(s, CR2));
        WR(s, CR1, 0);
        WR(s, CR2, 0);
    }
    assert_reset_values(s);
    s->cr0 = 0;
    cmdq_setup(s, 3);
    cmdq_round_trip(s, 0x77);
    smmu_quit(s);
}

/* ---- Register access ---- */

/*
 * What a register reads after writing v: ours implements RES0 bits as
 * RAZ/WI (keep = the defined fields); QEMU stores them as written.
 * The spec allows both for RES0 bits.
 */
static uint64_t res0(Smmu *s, uint64_t v, uint64_t keep)
{
    return s->ours ? v & keep : v;
}

/* 32- and 64-bit accesses to 64-bit registers; RES0 bits. */
static void test_reg_access(void)
{
    Smmu *s = smmu_start(NULL, 0);
    const uint64_t base_keep = 0x40ffffffffffffffULL;   /* RA, ADDR, SIZE */
    const uint64_t v = 0xff00012345678fffULL;

    /* STRTAB_BASE: RA [62], ADDR [55:6] (spec 6.3.24). */
    WRQ(s, STRTAB_BASE, v);
    CHECKQ(s, STRTAB_BASE, res0(s, v, 0x40ffffffffffffc0ULL));
    CHECK(s, STRTAB_BASE, (uint32_t)res0(s, v, 0xffffffc0));
    g_assert_cmphex(rd32(s, QSMMU_STRTAB_BASE + 4), ==,
                    res0(s, v, 0x40ffffffffffffc0ULL) >> 32);
    WR(s, STRTAB_BASE, 0x11111140);
    CHECKQ(s, STRTAB_BASE, res0(s, 0xff00012311111140ULL,
                                0x40ffffffffffffc0ULL));
    wr32(s, QSMMU_STRTAB_BASE + 4, 0x00000aaa);
    CHECKQ(s, STRTAB_BASE, 0x00000aaa11111140ULL);
    /* STRTAB_BASE_CFG: LOG2SIZE [5:0], SPLIT [10:6], FMT [17:16]. */
    WR(s, STRTAB_BASE_CFG, 0xffffffff);
    CHECK(s, STRTAB_BASE_CFG, res0(s, 0xffffffff, 0x000307ff));

    /* CMDQ_BASE / EVENTQ_BASE: RA/WA [62], ADDR [55:5], LOG2SIZE [4:0]. */
    WRQ(s, CMDQ_BASE, v);
    CHECKQ(s, CMDQ_BASE, res0(s, v, base_keep));
    wr32(s, QSMMU_CMDQ_BASE + 4, 0x3f000001);
    WR(s, CMDQ_BASE, 0x40000002);
    CHECKQ(s, CMDQ_BASE, res0(s, 0x3f00000140000002ULL, base_keep));
    WRQ(s, EVENTQ_BASE, 0xbf00000041000013ULL);
    CHECKQ(s, EVENTQ_BASE, res0(s, 0xbf00000041000013ULL, base_keep));

    /* IRQ_CFG0: ADDR [55:2]; CFG1: DATA; CFG2: SH, MemAttr (6.3.21-23). */
    if (has_msi(s)) {
        WRQ(s, GERROR_IRQ_CFG0, 0xff0001234567ffffULL);
        CHECKQ(s, GERROR_IRQ_CFG0, 0x000001234567fffcULL);
        wr32(s, QSMMU_GERROR_IRQ_CFG0 + 4, 0x55);
        CHECKQ(s, GERROR_IRQ_CFG0, 0x000000554567fffcULL);
        WR(s, GERROR_IRQ_CFG0, 0x0808ffff);
        CHECKQ(s, GERROR_IRQ_CFG0, 0x000000550808fffcULL);
        WR(s, GERROR_IRQ_CFG1, 0xdeadbeef);
        CHECK(s, GERROR_IRQ_CFG1, 0xdeadbeef);
        WR(s, EVENTQ_IRQ_CFG2, 0xffffffff);
        CHECK(s, EVENTQ_IRQ_CFG2, 0x3f);
    }
    /* CR1: six 2-bit fields; CR2: E2H is RES0 without IDR0.Hyp. */
    WR(s, CR1, 0xfffff000 | QSMMU_CR1_LINUX);
    CHECK(s, CR1, res0(s, 0xfffff000 | QSMMU_CR1_LINUX, 0xfff));
    if (s->ours) {
        WR(s, CR2, 0xffffffff);
        CHECK(s, CR2, QSMMU_CR2_RECINVSID | QSMMU_CR2_PTM);
        /* GBPA fields (spec 6.3.14): 0x1f3f1f. */
        WR(s, GBPA, 0xffffffff);
        CHECK(s, GBPA, 0x001f3f1f);
    }
    smmu_quit(s);
}

/*
 * Our documented choices: other sizes, unaligned accesses and 64-bit
 * accesses to 32-bit registers read as zero and are ignored; the PRI
 * queue registers and AGBPA are RAZ/WI.
 */
static void test_reg_odd_accesses(void)
{
    Smmu *s = smmu_start(NULL, 0);
    uint64_t base = QSMMU_VIRT_BASE;
    uint64_t cmdq_base = RDQ(s, CMDQ_BASE);     /* reset value: UNKNOWN */

    g_assert_cmphex(qtest_readb(s->qts, base + QSMMU_IDR0), ==, 0);
    g_assert_cmphex(qtest_readw(s->qts, base + QSMMU_IDR0 + 2), ==, 0);
    g_assert_cmphex(qtest_readl(s->qts, base + QSMMU_IDR0 + 1), ==, 0);
    g_assert_cmphex(qtest_readq(s->qts, base + QSMMU_IDR0), ==, 0);
    g_assert_cmphex(qtest_readq(s->qts, base + QSMMU_CR0), ==, 0);
    qtest_writeb(s->qts, base + QSMMU_CR1, 0x75);
    qtest_writew(s->qts, base + QSMMU_CR2, 0x6);
    qtest_writel(s->qts, base + QSMMU_STRTAB_BASE_CFG + 2, 0xffffffff);
    qtest_writeq(s->qts, base + QSMMU_CR0, 0x0000000d0000000dULL);
    qtest_writeq(s->qts, base + QSMMU_CMDQ_PROD, 0x0000000500000005ULL);
    qtest_writeq(s->qts, base + QSMMU_CMDQ_BASE + 4, ~0ULL);
    CHECK(s, CR1, 0);
    CHECK(s, CR2, 0);
    CHECK(s, STRTAB_BASE_CFG, 0);
    CHECK(s, CR0, 0);
    CHECK(s, CR0ACK, 0);
    CHECK(s, CMDQ_PROD, 0);
    CHECK(s, CMDQ_CONS, 0);
    CHECKQ(s, CMDQ_BASE, cmdq_base);
    WRQ(s, PRIQ_BASE, CMDQ_RAM | 4);
    WR(s, PRIQ_PROD, 3);
    WR(s, PRIQ_CONS, 3);
    WR(s, AGBPA, 0xffffffff);
    CHECKQ(s, PRIQ_BASE, 0);
    CHECK(s, PRIQ_PROD, 0);
    CHECK(s, PRIQ_CONS, 0);
    CHECK(s, AGBPA, 0);
    smmu_quit(s);
}

/* CR0 -> CR0ACK, IRQ_CTRL -> IRQ_CTRLACK, GBPA's Update, GERRORN. */
static void test_reg_handshakes(void)
{
    Smmu *s = smmu_start(NULL, 0);

    /* Implemented CR0 bits are acknowledged at once (spec 6.3.9). */
    WR(s, CR0, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN);
    CHECK(s, CR0ACK, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN);
    WR(s, CR0, QSMMU_CR0_SMMUEN);
    CHECK(s, CR0ACK, QSMMU_CR0_SMMUEN);
    WR(s, CR0, 0);
    CHECK(s, CR0ACK, 0);
    if (s->ours) {
        /* PRIQEN (no PRI), ATSCHK (no ATS), VMW (no VMW): not acked. */
        WR(s, CR0, QSMMU_CR0_CMDQEN | QSMMU_CR0_PRIQEN | QSMMU_CR0_ATSCHK |
           0x1c0);
        CHECK(s, CR0ACK, QSMMU_CR0_CMDQEN);
        WR(s, CR0, 0);
        CHECK(s, CR0ACK, 0);
        WR(s, IRQ_CTRL, 0xffffffff);       /* no PRIQ_IRQEN either */
        CHECK(s, IRQ_CTRLACK, QSMMU_IRQ_CTRL_GERROR | QSMMU_IRQ_CTRL_EVENTQ);
    }
    WR(s, IRQ_CTRL, QSMMU_IRQ_CTRL_EVENTQ);
    CHECK(s, IRQ_CTRLACK, QSMMU_IRQ_CTRL_EVENTQ);
    WR(s, IRQ_CTRL, 0);
    CHECK(s, IRQ_CTRLACK, 0);

    /* GBPA: stored only with Update=1, which reads 0 at once. */
    WR(s, GBPA, QSMMU_GBPA_UPDATE | QSMMU_GBPA_ABORT);
    CHECK(s, GBPA, QSMMU_GBPA_ABORT);
    if (s->ours) {
        /* v3.2 behaviour (spec 6.3.14): a write without Update is ignored. */
        WR(s, GBPA, GBPA_RESET);
        CHECK(s, GBPA, QSMMU_GBPA_ABORT);
    }
    WR(s, GBPA, QSMMU_GBPA_UPDATE | GBPA_RESET);
    CHECK(s, GBPA, GBPA_RESET);

    /*
     * GERRORN toggling an inactive error: CONSTRAINED UNPREDICTABLE
     * (spec 6.3.20); ours ignores it.
     */
    WR(s, GERRORN, QSMMU_GERROR_EVENTQ_ABT_ERR);
    CHECK(s, GERROR, 0);
    if (!s->ours) {
        g_test_message("QEMU: GERRORN reads 0x%x after toggling an "
                       "inactive error", RD(s, GERRORN));
        g_test_skip("QEMU stores GERRORN toggles of inactive errors");
        smmu_quit(s);
        return;
    }
    CHECK(s, GERRORN, 0);
    smmu_quit(s);
}

/*
 * A Guarded register written while its unit is enabled: ignored (the
 * v3.2+ behaviour, each register's "Accessing" section; in v3.1 it is
 * CONSTRAINED UNPREDICTABLE).  QEMU's choice is reported, not asserted;
 * returns whether the write was ignored.
 */
static bool guard_ok(Smmu *s, const char *name, uint64_t got, uint64_t want)
{
    if (s->ours) {
        g_assert_cmphex(got, ==, want);
    } else if (got != want) {
        g_test_message("QEMU: %s written while enabled took 0x%llx "
                       "(kept 0x%llx expected)", name,
                       (unsigned long long)got, (unsigned long long)want);
    }
    return got == want;
}

static void test_reg_guards(void)
{
    Smmu *s = smmu_start(NULL, 0);
    bool ok = true;

    WRQ(s, STRTAB_BASE, STRTAB_RAM);
    WR(s, STRTAB_BASE_CFG, 5);
    WR(s, CR1, QSMMU_CR1_LINUX);
    WR(s, CR2, QSMMU_CR2_RECINVSID);
    cmdq_setup(s, 2);
    cr0_write(s, s->cr0 | QSMMU_CR0_SMMUEN);

    /* SMMUEN=1: STRTAB_*, CR1 and CR2 (spec 6.3.11-12, 6.3.24-25). */
    WRQ(s, STRTAB_BASE, 0x40001000ULL);
    wr32(s, QSMMU_STRTAB_BASE + 4, 0x1);
    WR(s, STRTAB_BASE_CFG, 0x10008);
    WR(s, CR1, 0);
    WR(s, CR2, QSMMU_CR2_PTM);
    ok &= guard_ok(s, "STRTAB_BASE", RDQ(s, STRTAB_BASE), STRTAB_RAM);
    ok &= guard_ok(s, "STRTAB_BASE_CFG", RD(s, STRTAB_BASE_CFG), 5);
    ok &= guard_ok(s, "CR1", RD(s, CR1), QSMMU_CR1_LINUX);
    ok &= guard_ok(s, "CR2", RD(s, CR2), QSMMU_CR2_RECINVSID);

    /* CMDQEN=1: CMDQ_BASE and CMDQ_CONS (spec 6.3.26, 6.3.28). */
    WRQ(s, CMDQ_BASE, MARK_RAM | 4);
    WR(s, CMDQ_BASE, 0);
    WR(s, CMDQ_CONS, 3);
    ok &= guard_ok(s, "CMDQ_BASE", RDQ(s, CMDQ_BASE), CMDQ_RAM | 2);
    ok &= guard_ok(s, "CMDQ_CONS", RD(s, CMDQ_CONS), 0);
    if (ok) {
        cmdq_round_trip(s, 0x600d);     /* still working where it was */
    }

    /* EVENTQEN=1: EVENTQ_BASE and EVENTQ_PROD (spec 6.3.29, page 1). */
    evtq_setup(s, 3);
    cr0_write(s, s->cr0 | QSMMU_CR0_EVENTQEN);
    WRQ(s, EVENTQ_BASE, MARK_RAM | 1);
    WR(s, EVENTQ_PROD, 5);
    ok &= guard_ok(s, "EVENTQ_BASE", RDQ(s, EVENTQ_BASE), EVTQ_RAM | 3);
    ok &= guard_ok(s, "EVENTQ_PROD", RD(s, EVENTQ_PROD), 0);
    /* EVENTQ_CONS belongs to software: always writable. */
    WR(s, EVENTQ_CONS, 0x8);
    CHECK(s, EVENTQ_CONS, 0x8);

    /* Disabled again, everything is writable. */
    cr0_write(s, 0);
    WRQ(s, STRTAB_BASE, 0x40001000ULL);
    WR(s, STRTAB_BASE_CFG, 0x10008);
    WR(s, CR1, 0);
    WR(s, CR2, QSMMU_CR2_PTM);
    WRQ(s, CMDQ_BASE, MARK_RAM | 4);
    WR(s, CMDQ_CONS, 3);
    WRQ(s, EVENTQ_BASE, MARK_RAM | 1);
    WR(s, EVENTQ_PROD, 1);
    CHECKQ(s, STRTAB_BASE, 0x40001000ULL);
    CHECK(s, STRTAB_BASE_CFG, 0x10008);
    CHECK(s, CR1, 0);
    CHECK(s, CR2, QSMMU_CR2_PTM);
    CHECKQ(s, CMDQ_BASE, MARK_RAM | 4);
    CHECK(s, CMDQ_CONS, 3);
    CHECKQ(s, EVENTQ_BASE, MARK_RAM | 1);
    CHECK(s, EVENTQ_PROD, 1);
    if (!ok) {
        g_test_skip("QEMU takes Guarded writes while enabled (v3.1: "
                    "CONSTRAINED UNPREDICTABLE; v3.2+: IGNORED)");
    }
    smmu_quit(s);
}

/*
 * CR1 is Guarded field by field (spec 6.3.11): TABLE_* [11:6] by SMMUEN,
 * QUEUE_* [5:0] by the queue enables (CMDQEN, EVENTQEN, PRIQEN).  From
 * v3.2 a write to a closed field is ignored; the open ones take it.
 */
#define CR1_TABLE 0xfc0u
#define CR1_QUEUE 0x03fu

static void test_reg_cr1_guards(void)
{
    Smmu *s = smmu_start(NULL, 0);

    WR(s, CR1, QSMMU_CR1_LINUX);
    /* A queue on, the SMMU off: only TABLE_* are writable. */
    cmdq_setup(s, 2);
    WR(s, CR1, 0);
    CHECK(s, CR1, QSMMU_CR1_LINUX & CR1_QUEUE);
    WR(s, CR1, QSMMU_CR1_LINUX);
    CHECK(s, CR1, QSMMU_CR1_LINUX);
    /* The event queue alone guards QUEUE_* as well. */
    cr0_write(s, QSMMU_CR0_EVENTQEN);
    WR(s, CR1, 0x0a8a);
    CHECK(s, CR1, 0x0a80 | (QSMMU_CR1_LINUX & CR1_QUEUE));
    /* The SMMU on, no queue: only QUEUE_* are writable. */
    cr0_write(s, QSMMU_CR0_SMMUEN);
    WR(s, CR1, 0x0515);
    CHECK(s, CR1, 0x0a80 | 0x15);
    /* Everything on: nothing changes; everything off: all of it. */
    cr0_write(s, QSMMU_CR0_SMMUEN | QSMMU_CR0_EVENTQEN | QSMMU_CR0_CMDQEN);
    WR(s, CR1, QSMMU_CR1_LINUX);
    CHECK(s, CR1, 0x0a95);
    cr0_write(s, 0);
    WR(s, CR1, QSMMU_CR1_LINUX);
    CHECK(s, CR1, QSMMU_CR1_LINUX);
    smmu_quit(s);
}

/* *_IRQ_CFGn are Guarded by their IRQ_CTRL enable (6.3.21-23, 6.3.30-32). */
static void test_reg_irq_cfg_guards(void)
{
    Smmu *s = smmu_start(NULL, 0);

    WRQ(s, GERROR_IRQ_CFG0, ITS_DOORBELL);
    WR(s, GERROR_IRQ_CFG1, 1);
    WR(s, GERROR_IRQ_CFG2, 1);
    WRQ(s, EVENTQ_IRQ_CFG0, MARK_RAM);
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_GERROR);
    WRQ(s, GERROR_IRQ_CFG0, MARK_RAM);
    wr32(s, QSMMU_GERROR_IRQ_CFG0 + 4, 1);
    WR(s, GERROR_IRQ_CFG1, 2);
    WR(s, GERROR_IRQ_CFG2, 0x31);
    WRQ(s, EVENTQ_IRQ_CFG0, ITS_DOORBELL);  /* its enable is clear */
    WR(s, EVENTQ_IRQ_CFG1, 3);
    WR(s, EVENTQ_IRQ_CFG2, 1);
    CHECKQ(s, GERROR_IRQ_CFG0, ITS_DOORBELL);
    CHECK(s, GERROR_IRQ_CFG1, 1);
    CHECK(s, GERROR_IRQ_CFG2, 1);
    CHECKQ(s, EVENTQ_IRQ_CFG0, ITS_DOORBELL);
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_EVENTQ);
    WRQ(s, EVENTQ_IRQ_CFG0, 0);
    WR(s, EVENTQ_IRQ_CFG1, 4);
    WR(s, EVENTQ_IRQ_CFG2, 0);
    WRQ(s, GERROR_IRQ_CFG0, MARK_RAM);
    CHECKQ(s, EVENTQ_IRQ_CFG0, ITS_DOORBELL);
    CHECK(s, EVENTQ_IRQ_CFG1, 3);
    CHECK(s, EVENTQ_IRQ_CFG2, 1);
    CHECKQ(s, GERROR_IRQ_CFG0, MARK_RAM);
    smmu_quit(s);
}

/* EVENTQ_PROD/CONS live in page 1; page 0's 0xA8/0xAC alias them. */
static void test_reg_page1(void)
{
    Smmu *s = smmu_start(NULL, 0);

    WRQ(s, EVENTQ_BASE, EVTQ_RAM | 3);
    WR(s, EVENTQ_PROD, 5);
    WR(s, EVENTQ_CONS, 0xb);
    CHECK(s, EVENTQ_PROD, 5);
    CHECK(s, EVENTQ_CONS, 0xb);
    g_assert_cmphex(rd32(s, 0xa8), ==, 5);
    g_assert_cmphex(rd32(s, 0xac), ==, 0xb);
    wr32(s, 0xa8, 2);
    wr32(s, 0xac, QSMMU_Q_OVFLG | 1);
    CHECK(s, EVENTQ_PROD, 2);
    CHECK(s, EVENTQ_CONS, QSMMU_Q_OVFLG | 1);
    /* Page 1 aliases page 0 as a whole (spec 6.2 permits it). */
    g_assert_cmphex(rd32(s, 0x10000 + QSMMU_IDR0), ==, RD(s, IDR0));
    smmu_quit(s);
}

/* ---- Command queue ---- */

/* A 4-entry queue filled and drained several times around. */
static void test_cmdq_wrap(void)
{
    static const int batches[] = { 4, 3, 2, 4, 1, 4, 3, 4, 2 };
    Smmu *s = smmu_start(NULL, 0);
    uint32_t data = 0x100;

    cmdq_setup(s, 2);
    for (size_t b = 0; b < G_N_ELEMENTS(batches); b++) {
        uint32_t start = s->cmdq_prod;

        for (int i = 0; i < batches[b] - 1; i++) {
            if (i & 1) {
                cmd_put(s, qsmmu_cmd_tlbi_nsnh_all());
            } else {
                cmd_put_raw(s, QSMMU_CMD_PREFETCH_CONFIG |
                            QSMMU_CMD_W0_SID(SID_A), 0);
            }
        }
        qtest_writel(s->qts, MARK_RAM, 0);
        put_sync(s, QSMMU_SYNC_CS_IRQ, MARK_RAM, ++data);
        if (batches[b] == 4) {
            /* Full: the same index, the other wrap bit. */
            g_assert_cmphex(s->cmdq_prod, ==, start ^ 4);
        }
        cmdq_kick(s);
        /* RD wraps at 4 entries; bits [19:3] read as zero (6.3.28). */
        CHECK(s, CMDQ_CONS, s->cmdq_prod);
        CHECK(s, CMDQ_PROD, s->cmdq_prod);
        g_assert_cmphex(gerror_active(s), ==, 0);
        if (has_msi(s)) {
            g_assert_cmphex(qtest_readl(s->qts, MARK_RAM), ==, data);
        }
        g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    }
    /* 27 commands: six times around (wrap 0), then index 3. */
    g_assert_cmphex(s->cmdq_prod, ==, 3);

    /* Published while CMDQEN=0: consumed when CMDQEN goes 1. */
    cr0_write(s, 0);
    cmd_put(s, qsmmu_cmd_cfgi_all());
    put_sync(s, QSMMU_SYNC_CS_IRQ, 0, 0);
    cmdq_kick(s);
    CHECK(s, CMDQ_CONS, 3);
    cr0_write(s, QSMMU_CR0_CMDQEN);
    CHECK(s, CMDQ_CONS, 4 | 1);
    g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    smmu_quit(s);
}

/* Linux's completion polling: a 32-bit MSI of 0 into the SYNC's slot. */
static void test_cmdq_sync_poll(void)
{
    Smmu *s = smmu_start(NULL, 0);

    if (!has_msi(s)) {
        g_test_skip("IDR0.MSI=0 (QEMU has no MSI support)");
        smmu_quit(s);
        return;
    }
    cmdq_setup(s, 3);
    for (int round = 0; round < 10; round++) {
        uint64_t slot;

        cmd_put(s, qsmmu_cmd_cfgi_all());
        slot = cmd_slot(s, s->cmdq_prod);
        put_sync(s, QSMMU_SYNC_CS_IRQ, slot, 0);
        /* CMD_SYNC, CS=IRQ, MSH=ISH, MSIAttr=WB. */
        g_assert_cmphex(qtest_readl(s->qts, slot), ==, 0x0fc01046);
        cmdq_run(s);
        /* Only the first word changed. */
        g_assert_cmphex(qtest_readl(s->qts, slot), ==, 0);
        g_assert_cmphex(qtest_readl(s->qts, slot + 4), ==, 0);
        g_assert_cmphex(qtest_readq(s->qts, slot + 8), ==, slot);
    }
    smmu_quit(s);
}

/* CMD_SYNC's MSI to the ITS carries the SMMU's DeviceID. */
static void test_cmdq_sync_its(void)
{
    Smmu *s = smmu_start(NULL, 0);
    gint64 count;

    if (!s->ours) {
        g_test_skip("QEMU: no MSI support, no ITS MSI log");
        smmu_quit(s);
        return;
    }
    cmdq_setup(s, 3);
    count = its_count(s);
    put_sync(s, QSMMU_SYNC_CS_IRQ, ITS_DOORBELL, 0x1234);
    cmdq_run(s);
    assert_its_last(s, count + 1, 0x1234);
    /* An MSI and the wired pulse: spec 3.18.2 allows both. */
    g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    put_sync(s, QSMMU_SYNC_CS_IRQ, ITS_DOORBELL, 7);
    put_sync(s, QSMMU_SYNC_CS_IRQ, ITS_DOORBELL, 8);
    cmdq_run(s);
    assert_its_last(s, count + 3, 8);
    smmu_quit(s);
}

/* CS=IRQ with MSIAddress 0 pulses the cmdq-sync SPI; NONE/SEV do not. */
static void test_cmdq_sync_wired(void)
{
    Smmu *s = smmu_start(NULL, 0);
    gint64 count = s->ours ? its_count(s) : 0;

    cmdq_setup(s, 3);
    g_assert_false(spi_pulsed(s, SPI_CMD_SYNC));
    put_sync(s, QSMMU_SYNC_CS_IRQ, 0, 0x99);
    cmdq_run(s);
    g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    put_sync(s, QSMMU_SYNC_CS_NONE, ITS_DOORBELL, 0x99);
    cmdq_run(s);
    g_assert_false(spi_pulsed(s, SPI_CMD_SYNC));
    /* SIG_SEV: IDR0.SEV=0, nothing to signal (spec 4.7.3). */
    put_sync(s, QSMMU_SYNC_CS_SEV, ITS_DOORBELL, 0x99);
    cmdq_run(s);
    g_assert_false(spi_pulsed(s, SPI_CMD_SYNC));
    if (s->ours) {
        g_assert_cmpint(its_count(s), ==, count);
    }
    g_assert_false(spi_pulsed(s, SPI_EVTQ));
    g_assert_false(spi_pulsed(s, SPI_GERROR));
    smmu_quit(s);
}

/* msi=off (QEMU: always): CS=IRQ writes nothing and pulses the line. */
static void test_cmdq_sync_msi_off(void)
{
    Smmu *s = smmu_start(qtest_accel_is_qtest() ?
                         "-global arm-smmuv3.msi=off" : NULL, 0);

    g_assert_false(has_msi(s));
    cmdq_setup(s, 3);
    qtest_writel(s->qts, MARK_RAM, 0x5a5a5a5a);
    put_sync(s, QSMMU_SYNC_CS_IRQ, MARK_RAM, 0x1);
    cmdq_run(s);
    g_assert_cmphex(qtest_readl(s->qts, MARK_RAM), ==, 0x5a5a5a5a);
    g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    smmu_quit(s);
}

/*
 * Submit [SYNC(IRQ, MARK_RAM, 0x1111), bad, SYNC(IRQ, MARK_RAM+4, 0x2222)]
 * at a wrapped position of a 4-entry queue and check the error stop
 * (spec 7.1): RD on the bad command, ERR = code, CMDQ_ERR active, the
 * SYNC before it done, the one after it not, nothing more until
 * GERRORN; then fix the entry (as Linux does, with a CMD_SYNC) and
 * acknowledge: processing resumes from it.
 */
static void check_cmd_error(Smmu *s, uint64_t w0, uint64_t w1,
                            unsigned code)
{
    uint32_t gerror = RD(s, GERROR);
    uint32_t bad;
    uint64_t bad_slot;

    cmdq_setup(s, 2);
    for (int i = 0; i < 5; i++) {
        cmd_put(s, qsmmu_cmd_cfgi_all());
        if (i == 2 || i == 4) {
            cmdq_run(s);
        }
    }
    qtest_writeq(s->qts, MARK_RAM, 0);
    put_sync(s, QSMMU_SYNC_CS_IRQ, MARK_RAM, 0x1111);
    bad = s->cmdq_prod;
    bad_slot = cmd_put_raw(s, w0, w1);
    put_sync(s, QSMMU_SYNC_CS_IRQ, MARK_RAM + 4, 0x2222);
    cmdq_kick(s);

    g_assert_cmphex(bad, ==, 4 | 2);
    CHECK(s, CMDQ_CONS, CONS_ERR(code) | bad);
    CHECK(s, GERROR, gerror ^ QSMMU_GERROR_CMDQ_ERR);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);
    g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    if (has_msi(s)) {
        g_assert_cmphex(qtest_readl(s->qts, MARK_RAM), ==, 0x1111);
    }
    /* Publishing again changes nothing while the error is active. */
    cmdq_kick(s);
    CHECK(s, CMDQ_CONS, CONS_ERR(code) | bad);
    CHECK(s, GERROR, gerror ^ QSMMU_GERROR_CMDQ_ERR);
    g_assert_false(spi_pulsed(s, SPI_CMD_SYNC));
    g_assert_cmphex(qtest_readl(s->qts, MARK_RAM + 4), ==, 0);

    /* Fix it and acknowledge: resumes at the fixed entry. */
    qtest_writeq(s->qts, bad_slot, QSMMU_CMD_SYNC);
    qtest_writeq(s->qts, bad_slot + 8, 0);
    gerror_ack(s);
    g_assert_cmphex(RD(s, CMDQ_CONS) & QSMMU_Q_WR_MASK, ==, s->cmdq_prod);
    g_assert_cmphex(gerror_active(s), ==, 0);
    g_assert_true(spi_pulsed(s, SPI_CMD_SYNC));
    if (has_msi(s)) {
        g_assert_cmphex(qtest_readl(s->qts, MARK_RAM + 4), ==, 0x2222);
    }
    cmdq_round_trip(s, 0xc0ffee);
}

typedef struct IllCase {
    const char *name;
    const char *globals;
    uint64_t w0, w1;
    const char *qemu_skip;      /* QEMU cannot be configured so */
    const char *qemu_takes;     /* QEMU consumes it without error: why */
} IllCase;

static const IllCase ill_cases[] = {
    /* Reserved opcodes (spec 4.1.1, 4.1.3). */
    { "unknown-opcode", NULL, CMD_UNKNOWN, 0 },
    { "unknown-opcode-ff", NULL, 0xff, 0 },
    /* CS=0b11 is reserved (spec 4.7.3). */
    { "sync-cs3", NULL, QSMMU_CMD_SYNC | QSMMU_CMD_W0_SYNC_CS(3), 0, NULL,
      "QEMU treats CMD_SYNC CS=0b11 as legal" },
    /* SSec=1 on the Non-secure queue (spec 4.1.6): CFGI_ALL with SSec. */
    { "ssec", NULL, QSMMU_CMD_CFGI_STE_RANGE | QSMMU_CMD_W0_SSEC,
      QSMMU_CMD_W1_RANGE(31) },
    /* EL2 TLBI without IDR0.Hyp (spec 4.4). */
    { "tlbi-el2-all", NULL, QSMMU_CMD_TLBI_EL2_ALL, 0, NULL,
      "QEMU ignores TLBI_EL2_ALL though IDR0.Hyp=0" },
    /* ATC_INV without IDR0.ATS (spec 4.5). */
    { "atc-inv", NULL, QSMMU_CMD_ATC_INV | QSMMU_CMD_W0_SID(SID_A), 0, NULL,
      "QEMU ignores ATC_INV though IDR0.ATS=0" },
    /* Range TLBI: TG != 0 with NUM = SCALE = TTL = 0 (spec 4.4). */
    { "range-tlbi-zero", NULL, QSMMU_CMD_TLBI_NH_VA | QSMMU_CMD_W0_ASID(1),
      QSMMU_CMD_W1_TG(QSMMU_TG_4K) | 0x10000, NULL,
      "QEMU accepts a range TLBI with TG!=0 and NUM=SCALE=TTL=0" },
    /* NH_* on a stage-2-only SMMU (spec 4.4). */
    { "nh-all-s2only", "-global arm-smmuv3.stage=2", QSMMU_CMD_TLBI_NH_ALL,
      0, QEMU_FIXED_CONFIG },
    /* S2_IPA on a stage-1-only SMMU (spec 4.4). */
    { "s2-ipa-s1only", "-global arm-smmuv3.stage=1",
      QSMMU_CMD_TLBI_S2_IPA | QSMMU_CMD_W0_VMID(1), 0x10000,
      QEMU_FIXED_CONFIG },
};

static void test_cmdq_ill(gconstpointer data)
{
    const IllCase *c = data;
    Smmu *s = smmu_start(c->globals, 0);

    if (!s->ours && c->qemu_skip) {
        g_test_skip(c->qemu_skip);
    } else if (!s->ours && c->qemu_takes) {
        /* Check that QEMU still behaves so, then skip. */
        cmdq_setup(s, 3);
        cmd_put_raw(s, c->w0, c->w1);
        cmdq_run(s);
        g_test_skip(c->qemu_takes);
    } else {
        check_cmd_error(s, c->w0, c->w1, QSMMU_CERROR_ILL);
        /* Twice: the error can be raised again once acknowledged. */
        check_cmd_error(s, c->w0, c->w1, QSMMU_CERROR_ILL);
    }
    smmu_quit(s);
}

/* A command fetch from a PA where nothing answers: CERROR_ABT. */
static void test_cmdq_abort(void)
{
    Smmu *s = smmu_start(NULL, 0);

    WRQ(s, CMDQ_BASE, BAD_PA | 2);
    WR(s, CMDQ_PROD, 0);
    WR(s, CMDQ_CONS, 0);
    cr0_write(s, QSMMU_CR0_CMDQEN);
    WR(s, CMDQ_PROD, 1);
    CHECK(s, CMDQ_CONS, CONS_ERR(QSMMU_CERROR_ABT));
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);
    /* Acknowledging retries the fetch, which aborts again. */
    gerror_ack(s);
    CHECK(s, CMDQ_CONS, CONS_ERR(QSMMU_CERROR_ABT));
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);
    /* Disable, acknowledge, move the queue to RAM: it works again. */
    cr0_write(s, 0);
    gerror_ack(s);
    g_assert_cmphex(gerror_active(s), ==, 0);
    cmdq_setup(s, 3);
    cmdq_round_trip(s, 0xab);
    smmu_quit(s);
}

/* ---- GERROR ---- */

/* GERROR signals by MSI and wired line with GERROR_IRQEN, once per error. */
static void test_gerror_irq(void)
{
    Smmu *s = smmu_start(NULL, 0);
    gint64 count = 0;

    if (s->ours) {
        count = its_count(s);
        WRQ(s, GERROR_IRQ_CFG0, ITS_DOORBELL);
        WR(s, GERROR_IRQ_CFG1, 0x77);
        WR(s, GERROR_IRQ_CFG2, 0x1);
    }
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_GERROR);
    cmdq_setup(s, 3);
    cmd_put_raw(s, CMD_UNKNOWN, 0);
    cmdq_kick(s);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);
    g_assert_true(spi_pulsed(s, SPI_GERROR));
    if (s->ours) {
        assert_its_last(s, count + 1, 0x77);
    }
    /* Still active: no new activation, no new interrupt. */
    cmdq_kick(s);
    g_assert_false(spi_pulsed(s, SPI_GERROR));
    /* Acknowledged with the entry unchanged: it fails and signals again. */
    gerror_ack(s);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);
    g_assert_true(spi_pulsed(s, SPI_GERROR));
    if (s->ours) {
        assert_its_last(s, count + 2, 0x77);
    }
    /* GERROR_IRQEN=0: the error activates silently. */
    qsmmu_set_irq_ctrl(&s->q, 0);
    qtest_writeq(s->qts, CMDQ_RAM, QSMMU_CMD_SYNC);
    gerror_ack(s);
    g_assert_cmphex(gerror_active(s), ==, 0);
    cmd_put_raw(s, CMD_UNKNOWN, 0);
    cmdq_kick(s);
    g_assert_cmphex(gerror_active(s), ==, QSMMU_GERROR_CMDQ_ERR);
    g_assert_false(spi_pulsed(s, SPI_GERROR));
    if (s->ours) {
        g_assert_cmpint(its_count(s), ==, count + 2);
    }
    g_assert_false(spi_pulsed(s, SPI_EVTQ));
    smmu_quit(s);
}

/* ---- Malformed input ---- */

static void poke(Smmu *s, uint64_t off, unsigned size, uint64_t v)
{
    uint64_t a = QSMMU_VIRT_BASE + off;

    switch (size) {
    case 1:
        qtest_readb(s->qts, a);
        qtest_writeb(s->qts, a, v);
        break;
    case 2:
        qtest_readw(s->qts, a);
        qtest_writew(s->qts, a, v);
        break;
    case 4:
        qtest_readl(s->qts, a);
        qtest_writel(s->qts, a, v);
        break;
    default:
        qtest_readq(s->qts, a);
        qtest_writeq(s->qts, a, v);
        break;
    }
}

/*
 * Nonsense (fixed seed) at each register offset of both pages in each
 * size, then the driver's reset and bring-up: the device still works.
 */
static void test_malformed(void)
{
    Smmu *s = smmu_start("-d guest_errors", 0);
    GRand *rand = g_rand_new_with_seed(0x5eed);
    uint32_t idr0 = RD(s, IDR0);

    for (uint64_t page = 0; page <= 0x10000; page += 0x10000) {
        for (uint64_t off = 0; off < 0x100; off++) {
            poke(s, page + off, 1, g_rand_int(rand));
            poke(s, page + off, 2, g_rand_int(rand));
        }
        for (uint64_t off = 0; off < 0x200; off += 4) {
            uint64_t v = (uint64_t)g_rand_int(rand) << 32 |
                         g_rand_int(rand);

            poke(s, page + off, 4, v);
            poke(s, page + off, 8, v);
            poke(s, page + off, 4, ~0ULL);
            poke(s, page + off + 2, 4, v);
            poke(s, page + off + 4, 8, ~v);
        }
        for (uint64_t off = 0x200; off < 0x10000; off += 0x7fc) {
            poke(s, page + off, 4, g_rand_int(rand));
        }
        poke(s, page + 0xfffc, 4, ~0U);
        poke(s, page + 0xfff8, 8, ~0ULL);
    }
    g_rand_free(rand);

    CHECK(s, IDR0, idr0);
    qsmmu_set_irq_ctrl(&s->q, 0);
    cr0_write(s, 0);
    gerror_ack(s);

    /*
     * MSIs aimed at the SMMU's own registers: CMD_SYNC's at CMDQ_PROD
     * (a re-entrant publish) and GERROR's at GERRORN.
     */
    WRQ(s, GERROR_IRQ_CFG0, QSMMU_VIRT_BASE + QSMMU_GERRORN);
    WR(s, GERROR_IRQ_CFG1, 0x1fd);
    qsmmu_set_irq_ctrl(&s->q, QSMMU_IRQ_CTRL_GERROR);
    cmdq_setup(s, 3);
    put_sync(s, QSMMU_SYNC_CS_IRQ, QSMMU_VIRT_BASE + QSMMU_CMDQ_PROD, 7);
    cmd_put_raw(s, CMD_UNKNOWN, 0);
    cmdq_kick(s);
    qsmmu_set_irq_ctrl(&s->q, 0);
    cr0_write(s, 0);
    gerror_ack(s);
    g_assert_cmphex(gerror_active(s), ==, 0);
    qsmmu_gbpa_update(&s->q, GBPA_RESET);
    CHECK(s, GBPA, GBPA_RESET);
    cmdq_setup(s, 3);
    cmdq_round_trip(s, 0x1);
    cmdq_round_trip(s, 0x2);
    smmu_quit(s);
}
int main(int argc, char **argv)
{
    static const struct {
        const char *path;
        void (*fn)(void);
        bool ours_only;         /* our documented choices */
    } cases[] = {
        { "regs/system-reset", test_system_reset },
        { "regs/access", test_reg_access },
        { "regs/odd-accesses", test_reg_odd_accesses, true },
        { "regs/handshakes", test_reg_handshakes },
        { "regs/guards", test_reg_guards },
        { "regs/irq-cfg-guards", test_reg_irq_cfg_guards, true },
        { "regs/cr1-guards", test_reg_cr1_guards, true },
        { "regs/page1", test_reg_page1 },
        { "cmdq/wrap", test_cmdq_wrap },
        { "cmdq/sync-poll", test_cmdq_sync_poll },
        { "cmdq/sync-its", test_cmdq_sync_its },
        { "cmdq/sync-wired", test_cmdq_sync_wired },
        { "cmdq/sync-msi-off", test_cmdq_sync_msi_off },
        { "cmdq/abort", test_cmdq_abort },
        { "gerror/irq", test_gerror_irq },
        { "malformed", test_malformed, true },
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(id_cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-queue/id-regs/%s",
                                                id_cases[i].name);

        g_test_add_data_func(path, &id_cases[i], test_id_regs);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ill_cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-queue/cmdq/ill/%s",
                                                ill_cases[i].name);

        g_test_add_data_func(path, &ill_cases[i], test_cmdq_ill);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-queue/%s",
                                                cases[i].path);

        if (!cases[i].ours_only || qtest_accel_is_qtest()) {
            g_test_add_func(path, cases[i].fn);
        }
    }
    return g_test_run();
}
