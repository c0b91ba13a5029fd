/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hostile guest driver against the arm-smmuv3 model, one targeted
 * case at a time where the fuzzer (smmuv3-fuzz-test.c) goes by chance:
 * the stream table, a CD or a page table placed on MMIO (the SMMU's own
 * registers, the GIC, the ITS); the queues placed on the SMMU's own
 * registers; CMD_SYNC, event and GERROR MSIs aimed at the SMMU's own
 * CMDQ_PROD, GERRORN and CR0, so that the SMMU re-enters itself from
 * inside a command or a translation; a guest that keeps moving CMDQ_PROD
 * from its own MSIs; LOG2SIZE values far beyond IDR1; a 2-level stream
 * table whose L2 pointer is its own L1 table; page tables that point to
 * themselves; device_del of a translated function; system_reset with a
 * DMA in flight.  Each case asserts what the architecture (or the
 * model's documented choice) makes of it -- the event record, the
 * register values, where data landed -- and then that the SMMU still
 * translates for a well-behaved driver.  Under --enable-sanitizers the
 * process must also exit without a leak.  The cases drive our binary's
 * virtual clock, so they are skipped against QEMU.
 */
#include <string.h>
#include <linux/pci.h>

#include "libqsmmu-env.h"
#include "edu-regs.h"

#define SMMU QSMMU_VIRT_BASE
#define GICD 0x08000000ULL
#define ITS 0x08080000ULL
/* Not an opcode (spec 4.1.1). */
#define CMD_RESERVED 0x09
/* The page-0 offset the edu's STE (StreamID 0x18) has in a table. */
#define EDU_STE_OFF (QSE_EDU_SID * QSMMU_STE_SIZE)

/* ---- helpers ---- */

static bool skip_on_qemu(void)
{
    return qse_skip_on_qemu("drives the qtest clock; QEMU is not the "
                            "model under test here");
}

/* Stage a command at our PROD without publishing it. */
static void cmd_stage(QSEnv *e, QSMMUCmd c)
{
    QSMMU *s = &e->s;
    uint32_t idx = s->cmdq_prod & ((1u << s->cmdq_log2) - 1);

    qtest_writeq(e->qts, s->cmdq + (uint64_t)QSMMU_CMD_SIZE * idx, c.w[0]);
    qtest_writeq(e->qts, s->cmdq + (uint64_t)QSMMU_CMD_SIZE * idx + 8,
                 c.w[1]);
    s->cmdq_prod = (s->cmdq_prod + 1) & ((2u << s->cmdq_log2) - 1);
}

/* CMD_SYNC with CS=IRQ keeping its MSI data (as Linux builds it). */
static QSMMUCmd sync_msi(uint64_t addr, uint32_t data)
{
    QSMMUCmd c = qsmmu_cmd_sync(QSMMU_SYNC_CS_IRQ, addr, data);

    c.w[0] |= QSMMU_CMD_W0_SYNC_MSIDATA(data);
    return c;
}

static uint32_t gerror_active(QSEnv *e)
{
    return qsmmu_readl(&e->s, QSMMU_GERROR) ^
           qsmmu_readl(&e->s, QSMMU_GERRORN);
}

/* The next record is id from the edu's StreamID; nothing follows. */
static void expect_one(QSEnv *e, uint8_t id)
{
    QSMMUEvent ev;

    qse_pop_event(e, id, &ev);
    qsmmu_assert_no_event(&e->s);
}

/*
 * Whatever the case did, a driver that starts again from scratch gets
 * a working SMMU: disable it, acknowledge errors, bring it up anew,
 * translate.
 */
static void assert_recovers(QSEnv *e)
{
    QSXlat x;

    qsmmu_set_cr0(&e->s, 0);
    qsmmu_writel(&e->s, QSMMU_GERRORN, qsmmu_readl(&e->s, QSMMU_GERROR));
    qsmmu_bringup(&e->s, NULL);
    qse_xlat_s1(e, &x);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
}

/* ---- configuration structures on MMIO ---- */

/*
 * A linear stream table on someone's registers: the edu's STE is what
 * reads at +0x600 there (all zero in the three register files: V=0).
 */
static void test_strtab_on_mmio(void)
{
    static const uint64_t bases[] = { SMMU, ITS, GICD };
    QSEnv *e;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(bases); i++) {
        qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN);
        qsmmu_writeq(&e->s, QSMMU_STRTAB_BASE, bases[i]);
        qsmmu_writel(&e->s, QSMMU_STRTAB_BASE_CFG,
                     QSMMU_STRTAB_CFG_LOG2SIZE(8));
        qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                      QSMMU_CR0_SMMUEN);
        qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_cfgi_all());
        g_assert_cmphex(qtest_readq(e->qts, bases[i] + EDU_STE_OFF), ==, 0);
        qse_dma_write(e, QSE_PA_OTHER);
        g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
        expect_one(e, QSMMU_EVT_C_BAD_STE);
    }
    assert_recovers(e);
    qse_quit(e);
}

/*
 * A 2-level stream table whose L1 table is the SMMU's register file.
 * Table reads are 64-bit, and a 64-bit read of two 32-bit registers
 * reads as zero here (spec 6.2 leaves it CONSTRAINED UNPREDICTABLE): the
 * edu's L1STD has Span 0, an invalid StreamID (C_BAD_STREAMID, since
 * CR2.RECINVSID is set).
 */
static void test_l1_on_own_regs(void)
{
    QSEnv *e;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    g_assert_cmphex(qtest_readq(e->qts, SMMU + QSMMU_IDR0), ==, 0);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN);
    qsmmu_writeq(&e->s, QSMMU_STRTAB_BASE, SMMU);
    qsmmu_writel(&e->s, QSMMU_STRTAB_BASE_CFG, QSMMU_STRTAB_CFG_FMT_2LVL |
                 QSMMU_STRTAB_CFG_SPLIT(8) | QSMMU_STRTAB_CFG_LOG2SIZE(16));
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                  QSMMU_CR0_SMMUEN);
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    expect_one(e, QSMMU_EVT_C_BAD_STREAMID);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * A CD and a stage-1 table on the SMMU's own registers, read 64 bits at
 * a time, so as zero (see above): the CD has V=0 (C_BAD_CD); the
 * level-0 entry is invalid (F_TRANSLATION, stage 1, CLASS=IN).
 */
static void test_cd_and_tables_on_own_regs(void)
{
    QSEnv *e;
    QSXlat x;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qse_xlat_s1(e, &x);
    x.ste[0] &= ~QSMMU_STE_W0_S1CTXPTR_MASK;
    x.ste[0] |= SMMU;
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova);
    expect_one(e, QSMMU_EVT_C_BAD_CD);

    qse_xlat_s1(e, &x);
    x.cd[1] = SMMU;
    qse_cd_update(e, &x, 0);
    qse_dma_write(e, 0x1000);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, false,
                     QSMMU_CLASS_IN, 0x1000, 0);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * The L2 pointer of the edu's L1STD is the L1 table itself (Span 6: 32
 * STEs, 2 KiB).  Its STE is then L1STDs 0xc0..0xc7: zero, so C_BAD_STE;
 * once the driver writes a bypass STE there (dword 0 = V | Config 0b100
 * = 9, which as an L1STD would be Span 9), the edu bypasses.  Nothing
 * loops: the architecture has two levels, whatever they hold.
 */
static void test_l2_is_l1(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;
    uint64_t l1;

    if (skip_on_qemu()) {
        return;
    }
    cfg.two_level = true;
    cfg.sid_bits = 16;
    cfg.split = 8;
    e = qse_start(&cfg);
    l1 = e->s.strtab;
    g_assert_cmphex(l1 & 0x7ff, ==, 0);
    qtest_writeq(e->qts, l1, l1 | QSMMU_L1STD_SPAN(6));
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_cfgi_all());
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    expect_one(e, QSMMU_EVT_C_BAD_STE);

    qse_load_buffer_bypass(e);          /* the STE at l1 + 0x600 */
    g_assert_cmphex(qtest_readq(e->qts, l1 + EDU_STE_OFF), ==, 9);
    g_assert_cmphex(qtest_readq(e->qts, l1), ==, l1 | QSMMU_L1STD_SPAN(6));
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

/*
 * Page tables that point to themselves.  Stage 1: every level of IOVA 0
 * reads entry 0 of one table, T[0] = T | table: the walk stops at level
 * 3, where the same word is a page without AF (F_ACCESS); with AF and
 * EL0 read/write it maps IOVA 0 onto the table, and DMA rewrites the
 * table through itself.  Stage 2 the same: S2 F_ACCESS at IPA 0.
 */
static void test_tables_loop(void)
{
    QSEnv *e;
    QSXlat x;
    uint64_t t, desc;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qse_xlat_s1(e, &x);
    t = x.s1.root;
    g_assert_cmphex(t & 0xfff, ==, 0);
    qtest_writeq(e->qts, t, t | QSMMU_PTE_TYPE_TABLE);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nsnh_all());
    qse_dma_write(e, 0);
    qse_expect_fault(e, QSMMU_EVT_F_ACCESS, false, false, QSMMU_CLASS_IN,
                     0, 0);

    desc = t | QSMMU_PTE_TYPE_PAGE | QSMMU_S1_RW;
    qtest_writeq(e->qts, t, desc);
    qse_dma_read(e, 0);                 /* the table into the buffer */
    qse_dma_write(e, QSE_DST_OFF);      /* and back, 0x400 further on */
    qsmmu_assert_no_event(&e->s);
    g_assert_cmphex(qtest_readq(e->qts, t + QSE_DST_OFF), ==, desc);

    qse_xlat_build(e, &x, QSE_MODE_S2, NULL, &qse_s2_4k, 0, QSMMU_S2_RW,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    t = x.s2.root;
    g_assert_cmphex(t & 0xfff, ==, 0);
    qtest_writeq(e->qts, t, t | QSMMU_PTE_TYPE_TABLE);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, 0);
    qse_expect_fault(e, QSMMU_EVT_F_ACCESS, false, true, QSMMU_CLASS_IN,
                     0, 0);
    assert_recovers(e);
    qse_quit(e);
}

/* ---- queues on MMIO ---- */

/*
 * The command queue on the SMMU's registers: entry 0 reads as zero (see
 * above), and opcode 0 is reserved: CERROR_ILL, CONS stays.  The event
 * queue on them: record 3 lands on 0x60..0x7f, 64 bits at a time, so it
 * rewrites GERROR_IRQ_CFG0 with the record's dword 1 (0 for C_BAD_STE)
 * and nothing else; the record counts as written (PROD moves).
 */
static void test_queues_on_own_regs(void)
{
    QSEnv *e;
    uint32_t cons;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qsmmu_set_cr0(&e->s, 0);
    qsmmu_writeq(&e->s, QSMMU_CMDQ_BASE, SMMU | QSMMU_Q_BASE_LOG2SIZE(3));
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 0);
    qsmmu_writel(&e->s, QSMMU_CMDQ_CONS, 0);
    qsmmu_writeq(&e->s, QSMMU_EVENTQ_BASE, SMMU | QSMMU_Q_BASE_LOG2SIZE(3));
    qsmmu_writel(&e->s, QSMMU_EVENTQ_PROD, 3);
    qsmmu_writel(&e->s, QSMMU_EVENTQ_CONS, 3);
    qsmmu_writeq(&e->s, QSMMU_GERROR_IRQ_CFG0, 0x40001230ULL);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                  QSMMU_CR0_SMMUEN);

    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 1);
    cons = qsmmu_readl(&e->s, QSMMU_CMDQ_CONS);
    g_assert_cmphex(cons & QSMMU_Q_WR_MASK, ==, 0);
    g_assert_cmphex(QSMMU_CMDQ_CONS_ERR(cons), ==, QSMMU_CERROR_ILL);
    g_assert_cmphex(gerror_active(e), ==, QSMMU_GERROR_CMDQ_ERR);

    qse_dma_write(e, QSE_PA_OTHER);     /* V=0 STE: C_BAD_STE */
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_EVENTQ_PROD), ==, 4);
    g_assert_cmphex(qsmmu_readq(&e->s, QSMMU_GERROR_IRQ_CFG0), ==, 0);
    g_assert_cmphex(gerror_active(e), ==, QSMMU_GERROR_CMDQ_ERR);
    g_assert_cmpint(qse_counter(e, "x-events-recorded"), ==, 1);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * LOG2SIZE far beyond IDR1 and SIDSIZE: the stream table's 63 behaves
 * as SIDSIZE (16), the queues' 31 as 19 (the field reads back as
 * written).  PROD takes 20 bits; 2^19 zero commands stop at the first
 * (opcode 0 is reserved) rather than running the whole queue.
 */
static void test_huge_log2size(void)
{
    QSEnv *e;
    QSXlat x;
    uint32_t cons;
    uint64_t q = QSE_TABLES + QSE_TABLES_SIZE - (16ULL << 19);

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qse_xlat_s1(e, &x);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN);
    qsmmu_writel(&e->s, QSMMU_STRTAB_BASE_CFG, 63);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                  QSMMU_CR0_SMMUEN);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_STRTAB_BASE_CFG), ==, 63);
    qse_copy(e, x.iova);
    qse_assert_copied(e);

    qsmmu_set_cr0(&e->s, QSMMU_CR0_EVENTQEN | QSMMU_CR0_SMMUEN);
    qtest_memset(e->qts, q, 0, 16ULL << 19);
    qsmmu_writeq(&e->s, QSMMU_CMDQ_BASE, q | QSMMU_Q_BASE_LOG2SIZE(31));
    g_assert_cmphex(qsmmu_readq(&e->s, QSMMU_CMDQ_BASE), ==, q | 31);
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 0);
    qsmmu_writel(&e->s, QSMMU_CMDQ_CONS, 0);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                  QSMMU_CR0_SMMUEN);
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 0xffffffff);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_PROD), ==, 0xfffff);
    cons = qsmmu_readl(&e->s, QSMMU_CMDQ_CONS);
    g_assert_cmphex(cons & QSMMU_Q_WR_MASK, ==, 0);
    g_assert_cmphex(QSMMU_CMDQ_CONS_ERR(cons), ==, QSMMU_CERROR_ILL);
    assert_recovers(e);
    qse_quit(e);
}

/* ---- MSIs into the SMMU itself ---- */

/*
 * A CMD_SYNC whose MSI writes CMDQ_PROD publishes more commands while
 * the queue is being consumed: they run in the same CMDQ_PROD write.
 */
static void test_sync_msi_moves_prod(void)
{
    QSEnv *e;
    uint64_t mark = QSE_PA_OTHER;
    uint32_t first;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    first = e->s.cmdq_prod;
    qtest_writel(e->qts, mark, 0);
    cmd_stage(e, sync_msi(SMMU + QSMMU_CMDQ_PROD, first + 3));
    cmd_stage(e, qsmmu_cmd_cfgi_all());
    cmd_stage(e, sync_msi(mark, 0x77));
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, first + 1);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_PROD), ==, first + 3);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_CONS), ==, first + 3);
    g_assert_cmphex(qtest_readl(e->qts, mark), ==, 0x77);
    g_assert_cmphex(gerror_active(e), ==, 0);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * Two CMD_SYNCs in a 2-entry queue whose MSIs write CMDQ_PROD = 0 and
 * 1: PROD never equals CONS again, so the queue would run forever.  A
 * CMDQ_PROD write consumes at most one queue's worth (2 commands) and
 * returns; the next write another 2.
 */
static void test_sync_msi_runaway(void)
{
    QSEnv *e;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_EVENTQEN | QSMMU_CR0_SMMUEN);
    e->s.cmdq_log2 = 1;
    e->s.cmdq_prod = 0;
    qsmmu_writeq(&e->s, QSMMU_CMDQ_BASE, e->s.cmdq | 1);
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 0);
    qsmmu_writel(&e->s, QSMMU_CMDQ_CONS, 0);
    qsmmu_set_cr0(&e->s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                  QSMMU_CR0_SMMUEN);
    cmd_stage(e, sync_msi(SMMU + QSMMU_CMDQ_PROD, 0));
    cmd_stage(e, sync_msi(SMMU + QSMMU_CMDQ_PROD, 1));
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 1);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_CONS), ==, 2);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_PROD), ==, 1);
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, 1);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_CONS), ==, 0);
    g_assert_cmphex(gerror_active(e), ==, 0);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * The GERROR MSI acknowledges CMDQ_ERR itself (a write of 1 to
 * GERRORN).  The queue stays on the illegal command (no loop, no
 * recursion); once it is replaced, the next CMDQ_PROD write goes on.
 */
static void test_gerror_msi_acks_itself(void)
{
    QSEnv *e;
    uint32_t at, cons;
    uint64_t mark = QSE_PA_OTHER;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qsmmu_writeq(&e->s, QSMMU_GERROR_IRQ_CFG0, SMMU + QSMMU_GERRORN);
    qsmmu_writel(&e->s, QSMMU_GERROR_IRQ_CFG1, QSMMU_GERROR_CMDQ_ERR);
    qsmmu_set_irq_ctrl(&e->s, QSMMU_IRQ_CTRL_GERROR);
    at = e->s.cmdq_prod;
    qsmmu_cmd_raw(&e->s, CMD_RESERVED, 0);
    cons = qsmmu_readl(&e->s, QSMMU_CMDQ_CONS);
    g_assert_cmphex(cons & QSMMU_Q_WR_MASK, ==, at);
    g_assert_cmphex(QSMMU_CMDQ_CONS_ERR(cons), ==, QSMMU_CERROR_ILL);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_GERROR), ==,
                    QSMMU_GERROR_CMDQ_ERR);
    g_assert_cmphex(gerror_active(e), ==, 0);

    qtest_writel(e->qts, mark, 0);
    e->s.cmdq_prod = at;
    cmd_stage(e, sync_msi(mark, 0x5a));
    qsmmu_writel(&e->s, QSMMU_CMDQ_PROD, e->s.cmdq_prod);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_CONS) & QSMMU_Q_WR_MASK,
                    ==, e->s.cmdq_prod);
    g_assert_cmphex(qtest_readl(e->qts, mark), ==, 0x5a);
    qsmmu_set_irq_ctrl(&e->s, 0);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * The event queue MSI writes CR0 = 0 while the faulting DMA is being
 * translated: the fault still ends that access (nothing lands), the
 * SMMU is off when the guest looks, and the next DMA follows GBPA.
 */
static void test_evtq_msi_disables(void)
{
    QSEnv *e;
    uint64_t ste[8] = { 0 };

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qse_load_buffer_bypass(e);
    qsmmu_writeq(&e->s, QSMMU_EVENTQ_IRQ_CFG0, SMMU + QSMMU_CR0);
    qsmmu_writel(&e->s, QSMMU_EVENTQ_IRQ_CFG1, 0);
    qsmmu_set_irq_ctrl(&e->s, QSMMU_IRQ_CTRL_EVENTQ);
    qsmmu_ste_install(&e->s, e->sid, ste);
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CR0), ==, 0);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CR0ACK), ==, 0);
    g_assert_cmpint(qse_counter(e, "x-events-recorded"), ==, 1);
    qse_dma_write(e, QSE_PA_OTHER);     /* GBPA: bypass */
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));
    qsmmu_set_irq_ctrl(&e->s, 0);
    assert_recovers(e);
    qse_quit(e);
}

/*
 * The event queue MSI publishes CFGI_ALL + TLBI_NSNH_ALL + a CMD_SYNC
 * while a fault is being reported, with a configuration and IOTLB
 * entries cached: they are dropped from under the translation, which
 * ends as it should, and the next one walks again.
 */
static void test_evtq_msi_invalidates(void)
{
    QSEnv *e;
    QSXlat x;
    uint64_t mark = QSE_PA_OTHER;
    gint64 misses;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qse_xlat_s1(e, &x);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    g_assert_cmpint(qse_counter(e, "x-iotlb-entries"), >, 0);

    qtest_writel(e->qts, mark, 0);
    cmd_stage(e, qsmmu_cmd_cfgi_all());
    cmd_stage(e, qsmmu_cmd_tlbi_nsnh_all());
    cmd_stage(e, sync_msi(mark, 0x99));
    qsmmu_writeq(&e->s, QSMMU_EVENTQ_IRQ_CFG0, SMMU + QSMMU_CMDQ_PROD);
    qsmmu_writel(&e->s, QSMMU_EVENTQ_IRQ_CFG1, e->s.cmdq_prod);
    qsmmu_set_irq_ctrl(&e->s, QSMMU_IRQ_CTRL_EVENTQ);
    qse_dma_write(e, x.iova + 0x10000000ULL);   /* unmapped */
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, false,
                     QSMMU_CLASS_IN, x.iova + 0x10000000ULL, 0);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_CONS), ==, e->s.cmdq_prod);
    g_assert_cmphex(qtest_readl(e->qts, mark), ==, 0x99);
    g_assert_cmpint(qse_counter(e, "x-iotlb-entries"), ==, 0);

    misses = qse_counter(e, "x-config-misses");
    qtest_memset(e->qts, QSE_PA_DATA + QSE_DST_OFF, 0, QSE_LEN);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    g_assert_cmpint(qse_counter(e, "x-config-misses"), ==, misses + 1);
    qsmmu_set_irq_ctrl(&e->s, 0);
    qse_quit(e);
}

/* ---- the machine around the SMMU ---- */

#define RP_DEVFN PCI_DEVFN(2, 0)
#define RP_EXP 0x54                     /* its PCI Express capability */
#define SLOT_HP (PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_ABPE | \
                 PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_CCIE)

static void slot_control(QSEnv *e, uint16_t ctl)
{
    qpci_config_writew(&e->pci, 0, RP_DEVFN, RP_EXP + PCI_EXP_SLTCTL, ctl);
}

/*
 * device_del of an edu (behind a root port: StreamID 0x100) whose
 * configuration and translations are cached, then another edu in the
 * same slot: the stale entries are the guest's to invalidate (the IOTLB
 * is tagged by ASID, not by function), and the new function translates
 * through the same address space.
 */
static void test_device_del(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv env = { 0 }, *e = &env;
    uint8_t pat[QSE_LEN];
    QSXlat x;

    if (skip_on_qemu()) {
        return;
    }
    e->qts = qtest_init("-machine iommu=smmuv3 -m 512M "
                        "-global arm-smmuv3.stage=nested "
                        "-device pcie-root-port,id=rp1,chassis=1,slot=1,"
                        "bus=pcie.0,addr=2.0 "
                        "-device edu,bus=rp1,id=e1," QSE_WIDE_MASK);
    e->sid = 0x100;
    e->pasid = -1;
    qpci_init_virt(&e->pci, e->qts);
    qpci_bridge_setup(&e->pci, 0, RP_DEVFN, 1, 1);
    qsmmu_init(&e->s, e->qts, QSMMU_VIRT_BASE, QSE_TABLES, QSE_TABLES_SIZE);
    cfg.two_level = true;
    cfg.sid_bits = 16;
    qsmmu_bringup(&e->s, &cfg);
    qsmmu_edu_init(&e->edu, &e->pci, 1, 0);
    qse_fill_pattern(pat, QSE_LEN, 0x22);
    qtest_memwrite(e->qts, QSE_PA_DATA, pat, QSE_LEN);
    qse_xlat_s1(e, &x);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    g_assert_cmpint(qse_counter(e, "x-iotlb-entries"), >, 0);

    qtest_qmp_assert_success(e->qts,
        "{'execute': 'device_del', 'arguments': {'id': 'e1'}}");
    qpci_config_writew(&e->pci, 0, RP_DEVFN, RP_EXP + PCI_EXP_SLTSTA,
                       PCI_EXP_SLTSTA_ABP);
    slot_control(e, SLOT_HP | PCI_EXP_SLTCTL_PWR_IND_BLINK |
                 PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_ON);
    slot_control(e, SLOT_HP | PCI_EXP_SLTCTL_PWR_IND_OFF |
                 PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF);
    qtest_qmp_eventwait(e->qts, "DEVICE_DELETED");
    g_assert_false(qpci_device_present(&e->pci, 1, 0));
    g_assert_cmpint(qse_counter(e, "x-iotlb-entries"), >, 0);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_cfgi_all());
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nsnh_all());
    g_assert_cmpint(qse_counter(e, "x-iotlb-entries"), ==, 0);

    qtest_qmp_assert_success(e->qts,
        "{'execute': 'device_add', 'arguments': {'driver': 'edu', "
        "'bus': 'rp1', 'id': 'e2', 'dma_mask': 18446744073709551615}}");
    slot_control(e, SLOT_HP | PCI_EXP_SLTCTL_PWR_IND_ON |
                 PCI_EXP_SLTCTL_ATTN_IND_OFF | PCI_EXP_SLTCTL_PWR_ON);
    qsmmu_edu_init(&e->edu, &e->pci, 1, 0);
    qtest_memset(e->qts, QSE_PA_DATA + QSE_DST_OFF, 0, QSE_LEN);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    qtest_quit(e->qts);
}

/*
 * system_reset with a translated DMA armed: every register returns to
 * its reset value, the caches are dropped, the DMA that fires after
 * the reset does not go through the old configuration, and a new
 * bring-up works.
 */
static void test_system_reset(void)
{
    QSEnv *e;
    QSXlat x;

    if (skip_on_qemu()) {
        return;
    }
    e = qse_start(NULL);
    qse_xlat_s1(e, &x);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    qtest_memset(e->qts, QSE_PA_DATA + QSE_DST_OFF, 0, QSE_LEN);

    qtest_writeq(e->qts, e->edu.bar + EDU_REG_DMA_SRC, EDU_BUF_START);
    qtest_writeq(e->qts, e->edu.bar + EDU_REG_DMA_DST,
                 x.iova + QSE_DST_OFF);
    qtest_writeq(e->qts, e->edu.bar + EDU_REG_DMA_CNT, QSE_LEN);
    qtest_writeq(e->qts, e->edu.bar + EDU_REG_DMA_CMD,
                 EDU_DMA_RUN | EDU_DMA_TO_RAM);
    qtest_qmp_assert_success(e->qts, "{'execute': 'system_reset'}");
    qtest_clock_step(e->qts, EDU_DEFAULT_DMA_DELAY_NS);
    g_assert_true(qse_ram_zero(e, QSE_PA_DATA + QSE_DST_OFF));

    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CR0), ==, 0);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CR0ACK), ==, 0);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_GBPA), ==, 0x1000);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_IRQ_CTRL), ==, 0);
    g_assert_cmphex(qsmmu_readq(&e->s, QSMMU_STRTAB_BASE), ==, 0);
    g_assert_cmphex(qsmmu_readq(&e->s, QSMMU_CMDQ_BASE), ==, 19);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_CMDQ_PROD), ==, 0);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_EVENTQ_PROD), ==, 0);
    g_assert_cmpint(qse_counter(e, "x-iotlb-entries"), ==, 0);

    qsmmu_edu_init(&e->edu, &e->pci, 0, PCI_DEVFN(3, 0));
    assert_recovers(e);
    qse_quit(e);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *path;
        void (*fn)(void);
    } cases[] = {
        { "mmio/strtab", test_strtab_on_mmio },
        { "mmio/l1-on-own-regs", test_l1_on_own_regs },
        { "mmio/cd-and-tables-on-own-regs", test_cd_and_tables_on_own_regs },
        { "mmio/queues-on-own-regs", test_queues_on_own_regs },
        { "tables/l2-is-l1", test_l2_is_l1 },
        { "tables/loop", test_tables_loop },
        { "regs/huge-log2size", test_huge_log2size },
        { "msi/sync-moves-prod", test_sync_msi_moves_prod },
        { "msi/sync-runaway", test_sync_msi_runaway },
        { "msi/gerror-acks-itself", test_gerror_msi_acks_itself },
        { "msi/evtq-disables", test_evtq_msi_disables },
        { "msi/evtq-invalidates", test_evtq_msi_invalidates },
        { "machine/device-del", test_device_del },
        { "machine/system-reset", test_system_reset },
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-hostile/%s",
                                                cases[i].path);

        g_test_add_func(path, cases[i].fn);
    }
    return g_test_run();
}
