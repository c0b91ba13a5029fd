/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqsmmu: an SMMUv3 guest driver for qtest tests -- guest RAM
 * allocation, register access, Linux's bring-up order, stream tables,
 * context descriptors, VMSAv8-64 page tables for both stages, the
 * command and event queues, and edu DMA as the translated master.  See
 * libqsmmu.h.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "libqsmmu.h"
#include "edu-regs.h"

/* How long any poll of the SMMU or the edu may take (host time). */
#define QSMMU_POLL_US (5 * G_USEC_PER_SEC)

/* ---- memory and registers ---- */

void qsmmu_init(QSMMU *s, QTestState *qts, uint64_t mmio_base,
                uint64_t ram_base, uint64_t ram_size)
{
    memset(s, 0, sizeof(*s));
    s->qts = qts;
    s->base = mmio_base;
    s->alloc_next = ram_base;
    s->alloc_end = ram_base + ram_size;
}

uint64_t qsmmu_alloc(QSMMU *s, uint64_t size, uint64_t align)
{
    uint64_t addr;

    g_assert_true(align && !(align & (align - 1)));
    addr = (s->alloc_next + align - 1) & ~(align - 1);
    g_assert_cmphex(addr + size, <=, s->alloc_end);
    s->alloc_next = addr + size;
    qtest_memset(s->qts, addr, 0, size);
    return addr;
}

uint32_t qsmmu_readl(QSMMU *s, uint32_t off)
{
    return qtest_readl(s->qts, s->base + off);
}

void qsmmu_writel(QSMMU *s, uint32_t off, uint32_t val)
{
    qtest_writel(s->qts, s->base + off, val);
}

uint64_t qsmmu_readq(QSMMU *s, uint32_t off)
{
    return qtest_readq(s->qts, s->base + off);
}

void qsmmu_writeq(QSMMU *s, uint32_t off, uint64_t val)
{
    qtest_writeq(s->qts, s->base + off, val);
}

/* Poll register off until (value & mask) == want; returns the value. */
static uint32_t qsmmu_poll(QSMMU *s, uint32_t off, uint32_t mask,
                           uint32_t want)
{
    gint64 deadline = g_get_monotonic_time() + QSMMU_POLL_US;
    uint32_t v;

    while (((v = qsmmu_readl(s, off)) & mask) != want) {
        if (g_get_monotonic_time() > deadline) {
            g_error("SMMU register 0x%x reads 0x%x, want 0x%x under mask "
                    "0x%x", off, v, want, mask);
        }
        g_usleep(10);
    }
    return v;
}

void qsmmu_set_cr0(QSMMU *s, uint32_t val)
{
    qsmmu_writel(s, QSMMU_CR0, val);
    qsmmu_poll(s, QSMMU_CR0ACK, 0xffffffffu, val);
}

void qsmmu_set_irq_ctrl(QSMMU *s, uint32_t val)
{
    qsmmu_writel(s, QSMMU_IRQ_CTRL, val);
    qsmmu_poll(s, QSMMU_IRQ_CTRLACK, 0xffffffffu, val);
}

void qsmmu_gbpa_update(QSMMU *s, uint32_t val)
{
    qsmmu_poll(s, QSMMU_GBPA, QSMMU_GBPA_UPDATE, 0);
    qsmmu_writel(s, QSMMU_GBPA, val | QSMMU_GBPA_UPDATE);
    qsmmu_poll(s, QSMMU_GBPA, QSMMU_GBPA_UPDATE, 0);
}

/* ---- bring-up ---- */

QSMMUConfig qsmmu_config(void)
{
    return (QSMMUConfig) {
        .two_level = false,
        .sid_bits = 8,
        .split = 8,
        .cmdq_log2 = 8,
        .evtq_log2 = 7,
        .cr2 = QSMMU_CR2_RECINVSID | QSMMU_CR2_PTM,
        .irq_ctrl = 0,
        .enable = true,
    };
}

static void qsmmu_setup_strtab(QSMMU *s, const QSMMUConfig *cfg)
{
    uint64_t size;
    uint32_t base_cfg;

    s->strtab_2lvl = cfg->two_level;
    s->sid_bits = cfg->sid_bits;
    s->split = cfg->split;
    if (cfg->two_level) {
        unsigned l1_bits = cfg->sid_bits > cfg->split
                           ? cfg->sid_bits - cfg->split : 0;

        size = 8ULL << l1_bits;
        base_cfg = QSMMU_STRTAB_CFG_FMT_2LVL |
                   QSMMU_STRTAB_CFG_SPLIT(cfg->split) |
                   QSMMU_STRTAB_CFG_LOG2SIZE(cfg->sid_bits);
    } else {
        size = (uint64_t)QSMMU_STE_SIZE << cfg->sid_bits;
        base_cfg = QSMMU_STRTAB_CFG_FMT_LINEAR |
                   QSMMU_STRTAB_CFG_LOG2SIZE(cfg->sid_bits);
    }
    s->strtab = qsmmu_alloc(s, size, MAX(size, 64));
    qsmmu_writeq(s, QSMMU_STRTAB_BASE, s->strtab | QSMMU_STRTAB_BASE_RA);
    qsmmu_writel(s, QSMMU_STRTAB_BASE_CFG, base_cfg);
}

void qsmmu_bringup(QSMMU *s, const QSMMUConfig *cfg)
{
    QSMMUConfig def = qsmmu_config();
    uint64_t size;

    if (!cfg) {
        cfg = &def;
    }
    qsmmu_set_cr0(s, 0);
    qsmmu_writel(s, QSMMU_CR1, QSMMU_CR1_LINUX);
    qsmmu_writel(s, QSMMU_CR2, cfg->cr2);
    qsmmu_setup_strtab(s, cfg);

    s->cmdq_log2 = cfg->cmdq_log2;
    size = (uint64_t)QSMMU_CMD_SIZE << cfg->cmdq_log2;
    s->cmdq = qsmmu_alloc(s, size, MAX(size, 32));
    s->cmdq_prod = 0;
    qsmmu_writeq(s, QSMMU_CMDQ_BASE, QSMMU_Q_BASE_RWA | s->cmdq |
                 QSMMU_Q_BASE_LOG2SIZE(cfg->cmdq_log2));
    qsmmu_writel(s, QSMMU_CMDQ_PROD, 0);
    qsmmu_writel(s, QSMMU_CMDQ_CONS, 0);
    qsmmu_set_cr0(s, QSMMU_CR0_CMDQEN);
    qsmmu_cmd_sync_one(s, qsmmu_cmd_cfgi_all());
    qsmmu_cmd_sync_one(s, qsmmu_cmd_tlbi_nsnh_all());

    s->evtq_log2 = cfg->evtq_log2;
    size = (uint64_t)QSMMU_EVT_SIZE << cfg->evtq_log2;
    s->evtq = qsmmu_alloc(s, size, MAX(size, 32));
    s->evtq_cons = 0;
    qsmmu_writeq(s, QSMMU_EVENTQ_BASE, QSMMU_Q_BASE_RWA | s->evtq |
                 QSMMU_Q_BASE_LOG2SIZE(cfg->evtq_log2));
    qsmmu_writel(s, QSMMU_EVENTQ_PROD, 0);
    qsmmu_writel(s, QSMMU_EVENTQ_CONS, 0);
    qsmmu_set_cr0(s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN);

    qsmmu_set_irq_ctrl(s, 0);
    qsmmu_writeq(s, QSMMU_GERROR_IRQ_CFG0, 0);
    qsmmu_writeq(s, QSMMU_EVENTQ_IRQ_CFG0, 0);
    qsmmu_set_irq_ctrl(s, cfg->irq_ctrl);

    if (cfg->enable) {
        qsmmu_set_cr0(s, QSMMU_CR0_CMDQEN | QSMMU_CR0_EVENTQEN |
                      QSMMU_CR0_SMMUEN);
    }
}

/* ---- stream table ---- */

uint64_t qsmmu_l1std_addr(QSMMU *s, uint32_t sid)
{
    g_assert_true(s->strtab_2lvl);
    return s->strtab + 8ULL * (sid >> s->split);
}

uint64_t qsmmu_ste_addr(QSMMU *s, uint32_t sid)
{
    uint64_t l1, desc, l2;

    if (!s->strtab_2lvl) {
        return s->strtab + (uint64_t)QSMMU_STE_SIZE * sid;
    }
    l1 = qsmmu_l1std_addr(s, sid);
    desc = qtest_readq(s->qts, l1);
    if ((desc & 0x1f) == 0) {
        uint64_t size = (uint64_t)QSMMU_STE_SIZE << s->split;

        l2 = qsmmu_alloc(s, size, size);
        desc = l2 | QSMMU_L1STD_SPAN(s->split + 1);
        qtest_writeq(s->qts, l1, desc);
    }
    l2 = desc & QSMMU_L1STD_L2PTR_MASK;
    return l2 + (uint64_t)QSMMU_STE_SIZE * (sid & ((1u << s->split) - 1));
}

/* Write n little-endian words at addr in one transfer. */
static void qsmmu_write_words(QSMMU *s, uint64_t addr, const uint64_t *w,
                              unsigned n)
{
    uint64_t le[8];

    g_assert_cmpuint(n, <=, G_N_ELEMENTS(le));
    for (unsigned i = 0; i < n; i++) {
        le[i] = GUINT64_TO_LE(w[i]);
    }
    /* Everything but word 0 first, then word 0 (holding V). */
    qtest_memwrite(s->qts, addr + 8, &le[1], 8 * (n - 1));
    qtest_writeq(s->qts, addr, w[0]);
}

void qsmmu_ste_write(QSMMU *s, uint32_t sid, const uint64_t ste[8])
{
    qsmmu_write_words(s, qsmmu_ste_addr(s, sid), ste, QSMMU_STE_WORDS);
}

void qsmmu_ste_install(QSMMU *s, uint32_t sid, const uint64_t ste[8])
{
    qsmmu_ste_write(s, sid, ste);
    qsmmu_cmd_sync_one(s, qsmmu_cmd_cfgi_ste(sid, true));
}

/* ---- page tables ---- */

unsigned qsmmu_pgt_shift(const QSMMUPgt *pt, int level)
{
    return pt->granule + (3 - level) * (pt->granule - 3);
}

/* Index bits of the start level (including concatenation). */
static unsigned qsmmu_pgt_start_bits(const QSMMUPgt *pt)
{
    return pt->ia_bits - qsmmu_pgt_shift(pt, pt->start_level);
}

void qsmmu_pgt_init(QSMMU *s, QSMMUPgt *pt, bool stage2, unsigned granule,
                    unsigned ia_bits, int start_level)
{
    unsigned stride = granule - 3;
    unsigned r;
    uint64_t size;

    g_assert_true(granule == 12 || granule == 14 || granule == 16);
    memset(pt, 0, sizeof(*pt));
    pt->stage2 = stage2;
    pt->granule = granule;
    pt->ia_bits = ia_bits;
    pt->ps = QSMMU_PS_44;
    if (start_level < 0) {
        g_assert_false(stage2);
        start_level = 4 - (int)((ia_bits - granule + stride - 1) / stride);
    }
    pt->start_level = start_level;
    r = qsmmu_pgt_start_bits(pt);
    g_assert_cmpuint(r, >=, 1);
    if (r > stride) {
        g_assert_true(stage2);
        g_assert_cmpuint(r, <=, stride + 4);
        pt->concat = 1u << (r - stride);
    } else {
        pt->concat = 1;
    }
    size = 8ULL << r;
    pt->root = qsmmu_alloc(s, size, MAX(size, 64));
}

/* Index of ia in the table at level. */
static uint64_t qsmmu_pgt_index(const QSMMUPgt *pt, uint64_t ia, int level)
{
    unsigned bits = level == pt->start_level ? qsmmu_pgt_start_bits(pt)
                                             : pt->granule - 3;

    return (ia >> qsmmu_pgt_shift(pt, level)) & ((1ULL << bits) - 1);
}

/* Next-level table address bits of a table descriptor: [47:granule]. */
static uint64_t qsmmu_pgt_addr_mask(const QSMMUPgt *pt)
{
    return ((1ULL << 48) - 1) & ~((1ULL << pt->granule) - 1);
}

uint64_t qsmmu_pgt_desc_addr(QSMMU *s, QSMMUPgt *pt, uint64_t ia, int level)
{
    uint64_t table = pt->root;

    g_assert_cmpint(level, >=, pt->start_level);
    g_assert_cmpint(level, <=, 3);
    for (int l = pt->start_level; l < level; l++) {
        uint64_t daddr = table + 8 * qsmmu_pgt_index(pt, ia, l);
        uint64_t desc = qtest_readq(s->qts, daddr);

        if (!(desc & QSMMU_PTE_VALID)) {
            uint64_t size = 1ULL << pt->granule;

            table = qsmmu_alloc(s, size, size);
            qtest_writeq(s->qts, daddr, (table + pt->ptr_offset) |
                         QSMMU_PTE_TYPE_TABLE);
        } else {
            /* A block on the way down: the test mapped it. */
            g_assert_cmphex(desc & 3, ==, QSMMU_PTE_TYPE_TABLE);
            table = (desc & qsmmu_pgt_addr_mask(pt)) - pt->ptr_offset;
        }
    }
    return table + 8 * qsmmu_pgt_index(pt, ia, level);
}

uint64_t qsmmu_pgt_map(QSMMU *s, QSMMUPgt *pt, uint64_t ia, uint64_t oa,
                       int level, uint64_t attrs)
{
    uint64_t size = 1ULL << qsmmu_pgt_shift(pt, level);
    uint64_t daddr;

    g_assert_cmphex(ia & (size - 1), ==, 0);
    g_assert_cmphex(oa & (size - 1), ==, 0);
    daddr = qsmmu_pgt_desc_addr(s, pt, ia, level);
    qtest_writeq(s->qts, daddr, oa | attrs |
                 (level == 3 ? QSMMU_PTE_TYPE_PAGE : QSMMU_PTE_TYPE_BLOCK));
    return daddr;
}

uint64_t qsmmu_pgt_ttb(const QSMMUPgt *pt)
{
    return pt->root + pt->ptr_offset;
}

unsigned qsmmu_pgt_tg0(const QSMMUPgt *pt)
{
    switch (pt->granule) {
    case 12:
        return 0;
    case 16:
        return 1;
    default:
        return 2;
    }
}

unsigned qsmmu_pgt_s2tg(const QSMMUPgt *pt)
{
    /* Same encoding as CD.TG0. */
    return qsmmu_pgt_tg0(pt);
}

unsigned qsmmu_pgt_s2sl0(const QSMMUPgt *pt)
{
    /* 4K: SL0 0/1/2 start at level 2/1/0; 16K and 64K at 3/2/1. */
    return (pt->granule == 12 ? 2 : 3) - pt->start_level;
}

/* ---- context descriptors ---- */

/* log2 of the CDs of one leaf table of a 2-level format. */
static unsigned qsmmu_cd_leaf_bits(unsigned fmt)
{
    return fmt == QSMMU_S1FMT_2LVL_4K ? 6 : 10;
}

void qsmmu_cd_table_init(QSMMU *s, QSMMUCdTable *t, unsigned fmt,
                         unsigned cdmax)
{
    uint64_t size;

    memset(t, 0, sizeof(*t));
    t->fmt = fmt;
    t->cdmax = cdmax;
    if (fmt == QSMMU_S1FMT_LINEAR) {
        size = (uint64_t)QSMMU_CD_SIZE << cdmax;
    } else {
        unsigned leaf = qsmmu_cd_leaf_bits(fmt);

        size = 8ULL << (cdmax > leaf ? cdmax - leaf : 0);
    }
    t->base = qsmmu_alloc(s, size, MAX(size, 64));
}

uint64_t qsmmu_l1cd_addr(const QSMMUCdTable *t, uint32_t ssid)
{
    g_assert_cmpuint(t->fmt, !=, QSMMU_S1FMT_LINEAR);
    return t->base + 8ULL * (ssid >> qsmmu_cd_leaf_bits(t->fmt));
}

uint64_t qsmmu_cd_addr(QSMMU *s, QSMMUCdTable *t, uint32_t ssid)
{
    unsigned leaf;
    uint64_t l1, desc, l2;

    if (t->fmt == QSMMU_S1FMT_LINEAR) {
        return t->base + (uint64_t)QSMMU_CD_SIZE * ssid;
    }
    leaf = qsmmu_cd_leaf_bits(t->fmt);
    l1 = qsmmu_l1cd_addr(t, ssid);
    desc = qtest_readq(s->qts, l1);
    if (!(desc & QSMMU_L1CD_V)) {
        uint64_t size = (uint64_t)QSMMU_CD_SIZE << leaf;

        l2 = qsmmu_alloc(s, size, size);
        qtest_writeq(s->qts, l1, (l2 + t->ptr_offset) | QSMMU_L1CD_V);
    } else {
        l2 = (desc & QSMMU_L1CD_L2PTR_MASK) - t->ptr_offset;
    }
    return l2 + (uint64_t)QSMMU_CD_SIZE * (ssid & ((1u << leaf) - 1));
}

void qsmmu_cd_write(QSMMU *s, QSMMUCdTable *t, uint32_t ssid,
                    const uint64_t cd[8])
{
    qsmmu_write_words(s, qsmmu_cd_addr(s, t, ssid), cd, QSMMU_CD_WORDS);
}

void qsmmu_cd_s1(uint64_t cd[8], const QSMMUPgt *pt, uint16_t asid)
{
    g_assert_false(pt->stage2);
    memset(cd, 0, QSMMU_CD_SIZE);
    cd[0] = QSMMU_CD_W0_T0SZ(64 - pt->ia_bits) |
            QSMMU_CD_W0_TG0(qsmmu_pgt_tg0(pt)) |
            QSMMU_CD_W0_IR0(1) | QSMMU_CD_W0_OR0(1) | QSMMU_CD_W0_SH0(3) |
            QSMMU_CD_W0_EPD1 | QSMMU_CD_W0_V | QSMMU_CD_W0_IPS(pt->ps) |
            QSMMU_CD_W0_AA64 | QSMMU_CD_W0_R | QSMMU_CD_W0_A |
            QSMMU_CD_W0_ASET | QSMMU_CD_W0_ASID(asid);
    cd[1] = qsmmu_pgt_ttb(pt) & QSMMU_CD_W1_TTB0_MASK;
    cd[3] = QSMMU_CD_MAIR_LINUX;
}

/* ---- STE builders ---- */

void qsmmu_ste_abort(uint64_t ste[8])
{
    memset(ste, 0, QSMMU_STE_SIZE);
    ste[0] = QSMMU_STE_W0_V | QSMMU_STE_W0_CONFIG(QSMMU_STE_CFG_ABORT);
}

void qsmmu_ste_bypass(uint64_t ste[8])
{
    memset(ste, 0, QSMMU_STE_SIZE);
    ste[0] = QSMMU_STE_W0_V | QSMMU_STE_W0_CONFIG(QSMMU_STE_CFG_BYPASS);
}

static void qsmmu_ste_s1_fields(uint64_t ste[8], const QSMMUCdTable *t,
                                unsigned s1dss)
{
    ste[0] |= QSMMU_STE_W0_S1FMT(t->fmt) |
              ((t->base + t->ptr_offset) & QSMMU_STE_W0_S1CTXPTR_MASK) |
              QSMMU_STE_W0_S1CDMAX(t->cdmax);
    ste[1] |= QSMMU_STE_W1_S1DSS(s1dss) | QSMMU_STE_W1_S1CIR(1) |
              QSMMU_STE_W1_S1COR(1) | QSMMU_STE_W1_S1CSH(3);
}

static void qsmmu_ste_s2_fields(uint64_t ste[8], const QSMMUPgt *s2,
                                uint16_t vmid)
{
    g_assert_true(s2->stage2);
    ste[2] |= QSMMU_STE_W2_S2VMID(vmid) |
              QSMMU_STE_W2_S2T0SZ(64 - s2->ia_bits) |
              QSMMU_STE_W2_S2SL0(qsmmu_pgt_s2sl0(s2)) |
              QSMMU_STE_W2_S2IR0(1) | QSMMU_STE_W2_S2OR0(1) |
              QSMMU_STE_W2_S2SH0(3) |
              QSMMU_STE_W2_S2TG(qsmmu_pgt_s2tg(s2)) |
              QSMMU_STE_W2_S2PS(s2->ps) | QSMMU_STE_W2_S2AA64 |
              QSMMU_STE_W2_S2PTW | QSMMU_STE_W2_S2R;
    ste[3] |= qsmmu_pgt_ttb(s2) & QSMMU_STE_W3_S2TTB_MASK;
}

void qsmmu_ste_s1(uint64_t ste[8], const QSMMUCdTable *t, unsigned s1dss)
{
    memset(ste, 0, QSMMU_STE_SIZE);
    ste[0] = QSMMU_STE_W0_V | QSMMU_STE_W0_CONFIG(QSMMU_STE_CFG_S1);
    qsmmu_ste_s1_fields(ste, t, s1dss);
}

void qsmmu_ste_s2(uint64_t ste[8], const QSMMUPgt *s2, uint16_t vmid)
{
    memset(ste, 0, QSMMU_STE_SIZE);
    ste[0] = QSMMU_STE_W0_V | QSMMU_STE_W0_CONFIG(QSMMU_STE_CFG_S2);
    qsmmu_ste_s2_fields(ste, s2, vmid);
}

void qsmmu_ste_nested(uint64_t ste[8], const QSMMUCdTable *t,
                      unsigned s1dss, const QSMMUPgt *s2, uint16_t vmid)
{
    memset(ste, 0, QSMMU_STE_SIZE);
    ste[0] = QSMMU_STE_W0_V | QSMMU_STE_W0_CONFIG(QSMMU_STE_CFG_NESTED);
    qsmmu_ste_s1_fields(ste, t, s1dss);
    qsmmu_ste_s2_fields(ste, s2, vmid);
}

/* ---- commands ---- */

static QSMMUCmd qsmmu_mkcmd(uint64_t w0, uint64_t w1)
{
    return (QSMMUCmd) { .w = { w0, w1 } };
}

QSMMUCmd qsmmu_cmd_cfgi_ste(uint32_t sid, bool leaf)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_CFGI_STE) |
                       QSMMU_CMD_W0_SID(sid),
                       leaf ? QSMMU_CMD_W1_LEAF : 0);
}

QSMMUCmd qsmmu_cmd_cfgi_ste_range(uint32_t sid, unsigned range)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_CFGI_STE_RANGE) |
                       QSMMU_CMD_W0_SID(sid), QSMMU_CMD_W1_RANGE(range));
}

QSMMUCmd qsmmu_cmd_cfgi_all(void)
{
    return qsmmu_cmd_cfgi_ste_range(0, 31);
}

QSMMUCmd qsmmu_cmd_cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_CFGI_CD) |
                       QSMMU_CMD_W0_SSID(ssid) | QSMMU_CMD_W0_SID(sid),
                       leaf ? QSMMU_CMD_W1_LEAF : 0);
}

QSMMUCmd qsmmu_cmd_cfgi_cd_all(uint32_t sid)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_CFGI_CD_ALL) |
                       QSMMU_CMD_W0_SID(sid), 0);
}

QSMMUCmd qsmmu_cmd_tlbi_nh_all(uint16_t vmid)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_TLBI_NH_ALL) |
                       QSMMU_CMD_W0_VMID(vmid), 0);
}

QSMMUCmd qsmmu_cmd_tlbi_nh_asid(uint16_t vmid, uint16_t asid)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_TLBI_NH_ASID) |
                       QSMMU_CMD_W0_VMID(vmid) | QSMMU_CMD_W0_ASID(asid), 0);
}

/* The shared layout of the address-based TLBIs. */
static QSMMUCmd qsmmu_cmd_tlbi_addr(uint8_t op, uint16_t vmid, uint16_t asid,
                                    uint64_t addr_field, bool leaf,
                                    unsigned tg, unsigned num,
                                    unsigned scale, unsigned ttl)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(op) | QSMMU_CMD_W0_NUM(num) |
                       QSMMU_CMD_W0_SCALE(scale) | QSMMU_CMD_W0_VMID(vmid) |
                       QSMMU_CMD_W0_ASID(asid),
                       addr_field | (leaf ? QSMMU_CMD_W1_LEAF : 0) |
                       QSMMU_CMD_W1_TTL(ttl) | QSMMU_CMD_W1_TG(tg));
}

QSMMUCmd qsmmu_cmd_tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va,
                              bool leaf, unsigned tg, unsigned num,
                              unsigned scale, unsigned ttl)
{
    return qsmmu_cmd_tlbi_addr(QSMMU_CMD_TLBI_NH_VA, vmid, asid,
                               va & QSMMU_CMD_W1_ADDR_MASK, leaf, tg, num,
                               scale, ttl);
}

QSMMUCmd qsmmu_cmd_tlbi_nh_vaa(uint16_t vmid, uint64_t va, bool leaf,
                               unsigned tg, unsigned num, unsigned scale,
                               unsigned ttl)
{
    return qsmmu_cmd_tlbi_addr(QSMMU_CMD_TLBI_NH_VAA, vmid, 0,
                               va & QSMMU_CMD_W1_ADDR_MASK, leaf, tg, num,
                               scale, ttl);
}

QSMMUCmd qsmmu_cmd_tlbi_s12_vmall(uint16_t vmid)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_TLBI_S12_VMALL) |
                       QSMMU_CMD_W0_VMID(vmid), 0);
}

QSMMUCmd qsmmu_cmd_tlbi_s2_ipa(uint16_t vmid, uint64_t ipa, bool leaf,
                               unsigned tg, unsigned num, unsigned scale,
                               unsigned ttl)
{
    return qsmmu_cmd_tlbi_addr(QSMMU_CMD_TLBI_S2_IPA, vmid, 0,
                               ipa & QSMMU_CMD_W1_IPA_MASK, leaf, tg, num,
                               scale, ttl);
}

QSMMUCmd qsmmu_cmd_tlbi_nsnh_all(void)
{
    return qsmmu_mkcmd(QSMMU_CMD_W0_OP(QSMMU_CMD_TLBI_NSNH_ALL), 0);
}

QSMMUCmd qsmmu_cmd_sync(unsigned cs, uint64_t msi_addr, uint32_t msi_data)
{
    uint64_t w0 = QSMMU_CMD_W0_OP(QSMMU_CMD_SYNC) | QSMMU_CMD_W0_SYNC_CS(cs);

    if (cs == QSMMU_SYNC_CS_IRQ) {
        /* As Linux: inner shareable, Normal WB. */
        w0 |= QSMMU_CMD_W0_SYNC_MSH(3) | QSMMU_CMD_W0_SYNC_MSIATTR(0xf) |
              QSMMU_CMD_W0_SYNC_MSIDATA(msi_data);
    }
    return qsmmu_mkcmd(w0, msi_addr & QSMMU_CMD_W1_MSIADDR_MASK);
}

/* Index-plus-wrap mask of a queue of 2^log2 entries. */
static uint32_t qsmmu_q_mask(unsigned log2)
{
    return (2u << log2) - 1;
}

static bool qsmmu_q_full(uint32_t prod, uint32_t cons, unsigned log2)
{
    uint32_t idx = (1u << log2) - 1;

    return (prod & idx) == (cons & idx) &&
           ((prod ^ cons) & (1u << log2));
}

void qsmmu_cmd_raw(QSMMU *s, uint64_t w0, uint64_t w1)
{
    uint32_t mask = qsmmu_q_mask(s->cmdq_log2);
    uint32_t idx = s->cmdq_prod & ((1u << s->cmdq_log2) - 1);
    uint64_t le[2] = { GUINT64_TO_LE(w0), GUINT64_TO_LE(w1) };
    gint64 deadline = g_get_monotonic_time() + QSMMU_POLL_US;

    while (qsmmu_q_full(s->cmdq_prod,
                        qsmmu_readl(s, QSMMU_CMDQ_CONS) & mask,
                        s->cmdq_log2)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10);
    }
    qtest_memwrite(s->qts, s->cmdq + (uint64_t)QSMMU_CMD_SIZE * idx, le,
                   sizeof(le));
    s->cmdq_prod = (s->cmdq_prod + 1) & mask;
    qsmmu_writel(s, QSMMU_CMDQ_PROD, s->cmdq_prod);
}

void qsmmu_cmd(QSMMU *s, QSMMUCmd cmd)
{
    qsmmu_cmd_raw(s, cmd.w[0], cmd.w[1]);
}

uint32_t qsmmu_cmdq_wait(QSMMU *s)
{
    uint32_t mask = qsmmu_q_mask(s->cmdq_log2);
    gint64 deadline = g_get_monotonic_time() + QSMMU_POLL_US;
    uint32_t cons;

    for (;;) {
        uint32_t gerr = qsmmu_readl(s, QSMMU_GERROR) ^
                        qsmmu_readl(s, QSMMU_GERRORN);

        cons = qsmmu_readl(s, QSMMU_CMDQ_CONS);
        if ((cons & mask) == s->cmdq_prod || QSMMU_CMDQ_CONS_ERR(cons) ||
            (gerr & QSMMU_GERROR_CMDQ_ERR)) {
            return cons;
        }
        if (g_get_monotonic_time() > deadline) {
            g_error("command queue stuck: CONS 0x%x, PROD 0x%x", cons,
                    s->cmdq_prod);
        }
        g_usleep(10);
    }
}

void qsmmu_sync(QSMMU *s)
{
    uint32_t cons;

    qsmmu_cmd(s, qsmmu_cmd_sync(QSMMU_SYNC_CS_NONE, 0, 0));
    cons = qsmmu_cmdq_wait(s);
    g_assert_cmphex(QSMMU_CMDQ_CONS_ERR(cons), ==, QSMMU_CERROR_NONE);
    g_assert_cmphex((qsmmu_readl(s, QSMMU_GERROR) ^
                     qsmmu_readl(s, QSMMU_GERRORN)) & QSMMU_GERROR_CMDQ_ERR,
                    ==, 0);
    g_assert_cmphex(cons & qsmmu_q_mask(s->cmdq_log2), ==, s->cmdq_prod);
}

void qsmmu_cmd_sync_one(QSMMU *s, QSMMUCmd cmd)
{
    qsmmu_cmd(s, cmd);
    qsmmu_sync(s);
}

/* ---- events ---- */

unsigned qsmmu_evtq_count(QSMMU *s)
{
    unsigned log2 = s->evtq_log2;
    uint32_t prod = qsmmu_readl(s, QSMMU_EVENTQ_PROD) & qsmmu_q_mask(log2);
    uint32_t idx = (1u << log2) - 1;
    uint32_t pi = prod & idx, ci = s->evtq_cons & idx;

    if ((prod ^ s->evtq_cons) & (1u << log2)) {
        return (1u << log2) - ci + pi;
    }
    g_assert_cmpuint(pi, >=, ci);
    return pi - ci;
}

void qsmmu_event_decode(const uint64_t raw[4], QSMMUEvent *ev)
{
    memset(ev, 0, sizeof(*ev));
    memcpy(ev->raw, raw, sizeof(ev->raw));
    ev->id = raw[0] & 0xff;
    ev->ssv = (raw[0] >> 11) & 1;
    ev->ssid = (raw[0] >> 12) & 0xfffff;
    ev->sid = raw[0] >> 32;
    ev->stag = raw[1] & 0xffff;
    ev->stall = (raw[1] >> 31) & 1;
    ev->pnu = (raw[1] >> 33) & 1;
    ev->ind = (raw[1] >> 34) & 1;
    ev->rnw = (raw[1] >> 35) & 1;
    ev->s2 = (raw[1] >> 39) & 1;
    ev->cls = (raw[1] >> 40) & 3;
    ev->ttrnw = (raw[1] >> 44) & 1;
    ev->input_addr = raw[2];
    ev->ipa = raw[3] & 0x00fffffffffff000ULL;
    ev->fetch_addr = raw[3] & 0x00fffffffffffff8ULL;
}

bool qsmmu_evtq_pop(QSMMU *s, QSMMUEvent *ev)
{
    uint32_t idx = s->evtq_cons & ((1u << s->evtq_log2) - 1);
    uint64_t raw[4];
    uint32_t prod;

    if (!qsmmu_evtq_count(s)) {
        return false;
    }
    qtest_memread(s->qts, s->evtq + (uint64_t)QSMMU_EVT_SIZE * idx, raw,
                  sizeof(raw));
    for (int i = 0; i < 4; i++) {
        raw[i] = GUINT64_FROM_LE(raw[i]);
    }
    qsmmu_event_decode(raw, ev);
    s->evtq_cons = (s->evtq_cons + 1) & qsmmu_q_mask(s->evtq_log2);
    prod = qsmmu_readl(s, QSMMU_EVENTQ_PROD);
    qsmmu_writel(s, QSMMU_EVENTQ_CONS,
                 s->evtq_cons | (prod & QSMMU_Q_OVFLG));
    return true;
}

void qsmmu_evtq_pop_one(QSMMU *s, QSMMUEvent *ev)
{
    if (!qsmmu_evtq_pop(s, ev)) {
        g_error("expected an event record, the event queue is empty");
    }
}

char *qsmmu_event_str(const QSMMUEvent *ev)
{
    return g_strdup_printf("event 0x%02x sid 0x%x ssv %d ssid 0x%x stall %d "
                           "pnu %d ind %d rnw %d s2 %d class %u input 0x%"
                           G_GINT64_MODIFIER "x word3 0x%"
                           G_GINT64_MODIFIER "x", ev->id, ev->sid, ev->ssv,
                           ev->ssid, ev->stall, ev->pnu, ev->ind, ev->rnw,
                           ev->s2, ev->cls, ev->input_addr, ev->raw[3]);
}

void qsmmu_assert_no_event(QSMMU *s)
{
    QSMMUEvent ev;

    if (qsmmu_evtq_pop(s, &ev)) {
        g_autofree char *str = qsmmu_event_str(&ev);

        g_error("unexpected %s", str);
    }
}

/* ---- edu ---- */

void qsmmu_edu_init(QSMMUEdu *e, QPCIBus *pci, int busnr, int devfn)
{
    e->qts = pci->qts;
    e->pci = pci;
    e->busnr = busnr;
    e->devfn = devfn;
    g_assert_cmphex(qpci_config_readl(pci, busnr, devfn, 0), ==,
                    (EDU_DEVICE_ID << 16) | EDU_VENDOR_ID);
    e->bar = qpci_assign_bar(pci, busnr, devfn, 0, NULL);
    g_assert_cmphex(e->bar, !=, UINT64_MAX);
    qpci_device_enable(pci, busnr, devfn);
}

void qsmmu_edu_dma(QSMMUEdu *e, uint64_t iova, uint32_t buf_off,
                   uint32_t len, bool to_ram)
{
    uint64_t buf = EDU_BUF_START + buf_off;
    uint64_t cmd = EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0);

    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_SRC, to_ram ? buf : iova);
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_DST, to_ram ? iova : buf);
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_CNT, len);
    qtest_writeq(e->qts, e->bar + EDU_REG_DMA_CMD, cmd);
    if (qtest_accel_is_qtest()) {
        qtest_clock_step(e->qts, EDU_DEFAULT_DMA_DELAY_NS);
    } else {
        gint64 deadline = g_get_monotonic_time() + QSMMU_POLL_US;

        /* QEMU: the virtual clock only runs with the VM. */
        qtest_qmp_assert_success(e->qts, "{'execute': 'cont'}");
        while (qtest_readq(e->qts, e->bar + EDU_REG_DMA_CMD) & EDU_DMA_RUN) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            g_usleep(100);
        }
        qtest_qmp_assert_success(e->qts, "{'execute': 'stop'}");
    }
    g_assert_cmphex(qtest_readq(e->qts, e->bar + EDU_REG_DMA_CMD) &
                    EDU_DMA_RUN, ==, 0);
}
