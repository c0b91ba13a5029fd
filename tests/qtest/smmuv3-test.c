/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 translation seen from the guest, with the test as the driver:
 * libqsmmu writes the stream table, context descriptors, page tables and
 * queues into guest RAM and programs the SMMU of -M virt,iommu=smmuv3;
 * an edu on pcie.0 (03.0, StreamID 0x18) copies a pattern IOVA ->
 * device -> IOVA + 0x400 (libqsmmu-env), and each case asserts where
 * the data landed and that no event was recorded:
 *
 *  - a granule/level matrix for stage 1, stage 2 and nested: 4K, 16K and
 *    64K granules, every start level, page and block leaves, stage-2
 *    concatenated start tables, linear and 2-level stream tables;
 *  - GBPA with the SMMU disabled, STE abort and bypass, CFGI_STE;
 *  - the IOTLB: stale until TLBI + CMD_SYNC (and the x-iotlb-* counters),
 *    range invalidation covering exactly its range, ASIDs, stage 2;
 *  - SubstreamIDs with linear and 2-level CD tables (ssidsize=16, edu
 *    x-pasid);
 *  - a second SMMU on a pxb-pcie root complex.
 *
 * The faults and their event records are in smmuv3-fault-test.c.
 * Against QEMU 10.0 (QTEST_ACCEL=tcg) what its model lacks (SubstreamIDs,
 * pluggable SMMUs, the counters) is skipped with the reason.
 */
#include <string.h>
#include <linux/pci.h>

#include "libqsmmu-env.h"

/* ---- the translation matrix ---- */

#define S1 QSE_MODE_S1
#define S2 QSE_MODE_S2
#define NESTED QSE_MODE_NESTED

typedef struct XlatCase {
    const char *name;
    int mode;
    QSStageCfg s1, s2;          /* { granule, IA bits, start, leaf level } */
    unsigned split;             /* 2-level stream table SPLIT, 0 linear */
} XlatCase;

static const XlatCase xlat_cases[] = {
    { "s1/4k/l0/page", S1, { 12, 48, -1, 3 } },
    { "s1/4k/l0/block-l2", S1, { 12, 48, -1, 2 } },
    { "s1/4k/l0/block-l1", S1, { 12, 48, -1, 1 } },
    { "s1/4k/l1/page", S1, { 12, 39, -1, 3 } },
    { "s1/16k/l0/page", S1, { 14, 48, -1, 3 } },
    { "s1/16k/l1/block-l2", S1, { 14, 47, -1, 2 } },
    { "s1/16k/l2/page", S1, { 14, 36, -1, 3 } },
    { "s1/64k/l1/page", S1, { 16, 48, -1, 3 } },
    { "s1/64k/l1/block-l2", S1, { 16, 48, -1, 2 } },
    { "s1/64k/l2/page", S1, { 16, 40, -1, 3 } },
    { "s1/4k/strtab-2lvl-split8", S1, { 12, 48, -1, 3 }, .split = 8 },
    { "s1/4k/strtab-2lvl-split6", S1, { 12, 48, -1, 3 }, .split = 6 },
    { "s1/4k/strtab-2lvl-split10", S1, { 12, 48, -1, 3 }, .split = 10 },
    { "s2/4k/l1-concat2/page", S2, .s2 = { 12, 40, 1, 3 } },
    { "s2/4k/l1/block-l1", S2, .s2 = { 12, 39, 1, 1 } },
    { "s2/4k/l0/page", S2, .s2 = { 12, 44, 0, 3 } },
    { "s2/4k/l2-concat4/block-l2", S2, .s2 = { 12, 32, 2, 2 } },
    { "s2/4k/l1-concat8/page", S2, .s2 = { 12, 42, 1, 3 } },
    { "s2/16k/l2-concat16/page", S2, .s2 = { 14, 40, 2, 3 } },
    { "s2/16k/l1/block-l2", S2, .s2 = { 14, 44, 1, 2 } },
    { "s2/64k/l2-concat4/page", S2, .s2 = { 16, 44, 2, 3 } },
    { "s2/64k/l1/page", S2, .s2 = { 16, 44, 1, 3 } },
    { "s2/64k/l2/block-l2", S2, .s2 = { 16, 40, 2, 2 } },
    { "s2/4k/strtab-2lvl", S2, .s2 = { 12, 40, 1, 3 }, .split = 8 },
    { "nested/4k-4k", NESTED, { 12, 48, -1, 3 }, { 12, 40, 1, 3 } },
    { "nested/16k-16k", NESTED, { 14, 48, -1, 3 }, { 14, 40, 2, 2 } },
    { "nested/64k-64k", NESTED, { 16, 48, -1, 2 }, { 16, 44, 1, 3 } },
    { "nested/4k-64k", NESTED, { 12, 39, -1, 2 }, { 16, 40, 2, 3 } },
    { "nested/64k-4k", NESTED, { 16, 42, -1, 3 }, { 12, 42, 1, 2 } },
    { "nested/16k-4k/strtab-2lvl", NESTED, { 14, 48, -1, 2 },
      { 12, 44, 0, 1 }, .split = 8 },
};

static void test_xlat(const void *opaque)
{
    const XlatCase *c = opaque;
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;
    QSXlat x;

    if (c->split) {
        cfg.two_level = true;
        cfg.split = c->split;
        cfg.sid_bits = 16;
    }
    e = qse_start(&cfg);
    qse_xlat_build(e, &x, c->mode, &c->s1, &c->s2, QSMMU_S1_RW, QSMMU_S2_RW,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    qse_quit(e);
}

/* ---- configuration ---- */

/* SMMUEN=0: GBPA bypass (the reset value), then GBPA.ABORT (silent). */
static void test_gbpa(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;

    cfg.enable = false;
    e = qse_start(&cfg);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_GBPA) & QSMMU_GBPA_ABORT, ==, 0);
    qse_copy(e, QSE_PA_DATA);
    qse_assert_copied(e);
    qsmmu_gbpa_update(&e->s, QSMMU_GBPA_SHCFG(1) | QSMMU_GBPA_ABORT);
    g_assert_cmphex(qsmmu_readl(&e->s, QSMMU_GBPA), ==,
                    QSMMU_GBPA_SHCFG(1) | QSMMU_GBPA_ABORT);
    qse_dma_write(e, QSE_PA_OTHER);
    qsmmu_assert_no_event(&e->s);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    /* Back to bypass: the buffer still holds QSE_PA_DATA's pattern. */
    qsmmu_gbpa_update(&e->s, QSMMU_GBPA_SHCFG(1));
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x22));
    qse_quit(e);
}

/* STE Config=abort (silent) and Config=bypass (identity). */
static void test_ste_abort_bypass(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t ste[8];

    qse_load_buffer_bypass(e);
    qsmmu_ste_abort(ste);
    qsmmu_ste_install(&e->s, e->sid, ste);
    qse_dma_write(e, QSE_PA_OTHER);
    qsmmu_assert_no_event(&e->s);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    qsmmu_ste_bypass(ste);
    qsmmu_ste_install(&e->s, e->sid, ste);
    qse_copy(e, QSE_PA_DATA);
    qse_assert_copied(e);
    qse_quit(e);
}

/*
 * A rewritten STE takes effect with CFGI_STE + CMD_SYNC (before it, the
 * cached one still applies: allowed by the spec, and what both models
 * do), and with CFGI_ALL.
 */
static void test_cfgi_ste(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t ste[8];
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_write(&e->s, e->sid, x.ste);
    qtest_memset(e->qts, QSE_PA_OTHER, 0, QSE_LEN);
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_cfgi_ste(e->sid, true));
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    g_assert_true(qse_ram_has(e, QSE_PA_DATA + QSE_DST_OFF, 0x11));
    qsmmu_assert_no_event(&e->s);

    qsmmu_ste_bypass(ste);
    qsmmu_ste_write(&e->s, e->sid, ste);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_cfgi_all());
    qtest_memset(e->qts, QSE_PA_OTHER, 0, QSE_LEN);
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));
    qse_quit(e);
}

/* ---- the IOTLB ---- */

/* Where a write to x.iova + QSE_DST_OFF lands once moved to PA_OTHER. */
#define MOVED_DST (QSE_PA_OTHER + (QSE_PA_DATA & 0xfff) + QSE_DST_OFF)

/*
 * A changed leaf is not seen until TLBI + CMD_SYNC (the IOTLB holds the
 * old translation); the counters show the hit, then the miss.
 */
static void test_tlb_stale(void)
{
    QSEnv *e = qse_start(NULL);
    gint64 hits = 0, misses = 0;
    QSXlat x;

    qse_xlat_s1(e, &x);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    if (!qse_is_qemu()) {
        hits = qse_counter(e, "x-iotlb-hits");
        misses = qse_counter(e, "x-iotlb-misses");
    }
    qtest_writeq(e->qts, x.s1_leaf, QSE_PA_OTHER | QSMMU_S1_RW |
                 QSMMU_PTE_TYPE_PAGE);
    qtest_memset(e->qts, QSE_PA_DATA + QSE_DST_OFF, 0, QSE_LEN);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    g_assert_true(qse_ram_has(e, QSE_PA_DATA + QSE_DST_OFF, 0x22));
    g_assert_true(qse_ram_zero(e, MOVED_DST));
    if (!qse_is_qemu()) {
        g_assert_cmpint(qse_counter(e, "x-iotlb-hits"), ==, hits + 1);
        g_assert_cmpint(qse_counter(e, "x-iotlb-misses"), ==, misses);
    }
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nh_va(0, QSE_ASID, x.iova, true,
                                                   0, 0, 0, 0));
    qtest_memset(e->qts, QSE_PA_DATA + QSE_DST_OFF, 0, QSE_LEN);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    g_assert_true(qse_ram_zero(e, QSE_PA_DATA + QSE_DST_OFF));
    g_assert_true(qse_ram_has(e, MOVED_DST, 0x22));
    if (!qse_is_qemu()) {
        g_assert_cmpint(qse_counter(e, "x-iotlb-hits"), ==, hits + 1);
        g_assert_cmpint(qse_counter(e, "x-iotlb-misses"), ==, misses + 1);
    }
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

#define RANGE_VA 0x10000000ULL
#define RANGE_PAGES 8
#define OLD_PA(i) (QSE_PA_OTHER + (i) * 0x1000ULL)
#define NEW_PA(i) (QSE_PA_OTHER + 0x100000ULL + (i) * 0x1000ULL)

/*
 * Range invalidation: 8 pages cached, then all moved.  TLBI_NH_VA with
 * TG=4K, NUM=3 from page 2 re-walks exactly pages 2..5 (the spec would
 * allow more; both models invalidate exactly); then NUM=1, SCALE=1 from
 * page 4 covers 4..7.
 */
static void test_tlb_range(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t leaf[RANGE_PAGES], cd[8], ste[8];
    QSMMUCdTable cdt;
    QSMMUPgt pt;

    qsmmu_pgt_init(&e->s, &pt, false, 12, 48, -1);
    for (int i = 0; i < RANGE_PAGES; i++) {
        leaf[i] = qsmmu_pgt_map(&e->s, &pt, RANGE_VA + i * 0x1000ULL,
                                OLD_PA(i), 3, QSMMU_S1_RW);
    }
    qsmmu_cd_table_init(&e->s, &cdt, QSMMU_S1FMT_LINEAR, 0);
    qsmmu_cd_s1(cd, &pt, QSE_ASID);
    qsmmu_cd_write(&e->s, &cdt, 0, cd);
    qsmmu_ste_s1(ste, &cdt, QSMMU_S1DSS_TERMINATE);
    qse_load_buffer_bypass(e);
    qsmmu_ste_install(&e->s, e->sid, ste);
    for (int i = 0; i < RANGE_PAGES; i++) {
        qse_dma_write(e, RANGE_VA + i * 0x1000ULL);
        qtest_writeq(e->qts, leaf[i], NEW_PA(i) | QSMMU_S1_RW |
                     QSMMU_PTE_TYPE_PAGE);
    }
    qtest_memset(e->qts, OLD_PA(0), 0, RANGE_PAGES * 0x1000);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nh_va(0, QSE_ASID,
                                                   RANGE_VA + 0x2000, true,
                                                   QSMMU_TG_4K, 3, 0, 3));
    for (int i = 0; i < RANGE_PAGES; i++) {
        bool inside = i >= 2 && i <= 5;

        qse_dma_write(e, RANGE_VA + i * 0x1000ULL);
        g_test_message("page %d: %s", i, inside ? "re-walked" : "stale");
        g_assert_true(qse_ram_has(e, OLD_PA(i), 0x11) == !inside);
        g_assert_true(qse_ram_has(e, NEW_PA(i), 0x11) == inside);
    }
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nh_va(0, QSE_ASID,
                                                   RANGE_VA + 0x4000, true,
                                                   QSMMU_TG_4K, 1, 1, 3));
    qtest_memset(e->qts, NEW_PA(0), 0, RANGE_PAGES * 0x1000);
    for (int i = 0; i < RANGE_PAGES; i++) {
        qse_dma_write(e, RANGE_VA + i * 0x1000ULL);
        g_assert_true(qse_ram_has(e, NEW_PA(i), 0x11) == (i >= 2));
    }
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

static void set_asid(QSEnv *e, QSXlat *x, uint16_t asid)
{
    x->cd[0] &= ~QSMMU_CD_W0_ASID(0xffff);
    x->cd[0] |= QSMMU_CD_W0_ASID(asid);
    qse_cd_update(e, x, 0);
}

/* TLBI_NH_ASID drops one ASID's entries and leaves another's. */
static void test_tlb_asid(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_xlat_s1(e, &x);
    qse_dma_write(e, x.iova + QSE_DST_OFF);             /* ASID 1 cached */
    set_asid(e, &x, 2);
    qse_dma_write(e, x.iova + QSE_DST_OFF);             /* ASID 2 cached */
    qtest_writeq(e->qts, x.s1_leaf, QSE_PA_OTHER | QSMMU_S1_RW |
                 QSMMU_PTE_TYPE_PAGE);
    qtest_memset(e->qts, QSE_PA_DATA + QSE_DST_OFF, 0, QSE_LEN);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nh_asid(0, 2));
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    g_assert_true(qse_ram_has(e, MOVED_DST, 0x11));
    g_assert_true(qse_ram_zero(e, QSE_PA_DATA + QSE_DST_OFF));
    /* ASID 1's entry is untouched: still the old page. */
    set_asid(e, &x, QSE_ASID);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    g_assert_true(qse_ram_has(e, QSE_PA_DATA + QSE_DST_OFF, 0x11));
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

/* Stage 2: TLBI_S2_IPA drops one IPA, TLBI_S12_VMALL the rest. */
static void test_tlb_s2(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t page = qse_align_down(QSE_PA_DATA, 0x1000);
    uint64_t ipa2, leaf2;
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_xlat_s2(e, &x);
    ipa2 = x.ipa + 0x1000;
    leaf2 = qsmmu_pgt_map(&e->s, &x.s2, qse_align_down(ipa2, 0x1000),
                          page + 0x1000, 3, QSMMU_S2_RW);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_dma_write(e, ipa2 + QSE_DST_OFF);
    qtest_writeq(e->qts, x.s2_leaf, QSE_PA_OTHER | QSMMU_S2_RW |
                 QSMMU_PTE_TYPE_PAGE);
    qtest_writeq(e->qts, leaf2, (QSE_PA_OTHER + 0x1000) | QSMMU_S2_RW |
                 QSMMU_PTE_TYPE_PAGE);
    qtest_memset(e->qts, page, 0, 0x2000);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_s2_ipa(QSE_VMID, x.ipa, true,
                                                    0, 0, 0, 0));
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_dma_write(e, ipa2 + QSE_DST_OFF);
    g_assert_true(qse_ram_has(e, MOVED_DST, 0x11));
    g_assert_true(qse_ram_has(e, QSE_PA_DATA + 0x1000 + QSE_DST_OFF, 0x11));
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_s12_vmall(QSE_VMID));
    qse_dma_write(e, ipa2 + QSE_DST_OFF);
    g_assert_true(qse_ram_has(e, MOVED_DST + 0x1000, 0x11));
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

/* ---- SubstreamIDs (ssidsize=16, edu x-pasid) ---- */

typedef struct SsidCase {
    const char *name;
    int mode;
    unsigned fmt;               /* S1Fmt */
    unsigned cdmax;             /* S1CDMax */
    uint32_t ssid;
} SsidCase;

static const SsidCase ssid_cases[] = {
    { "s1/linear", S1, QSMMU_S1FMT_LINEAR, 4, 9 },
    { "s1/2lvl-4k", S1, QSMMU_S1FMT_2LVL_4K, 16, 0x1045 },
    { "s1/2lvl-64k", S1, QSMMU_S1FMT_2LVL_64K, 16, 0x2405 },
    { "nested/2lvl-4k", NESTED, QSMMU_S1FMT_2LVL_4K, 12, 0x83 },
};

/* Translation with the CD of the SubstreamID; its faults carry it. */
static void test_ssid(const void *opaque)
{
    const SsidCase *c = opaque;
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu("QEMU: no SubstreamIDs (ssidsize, edu x-pasid)")) {
        return;
    }
    e = qse_start_pasid(c->ssid);
    qse_xlat_build(e, &x, c->mode, &qse_s1_4k, &qse_s2_4k, QSMMU_S1_RW,
                   QSMMU_S2_RW, c->fmt, c->cdmax, c->ssid);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    qse_dma_write(e, x.iova + 0x1000);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, false,
                     QSMMU_CLASS_IN, x.iova + 0x1000, 0);
    qse_quit(e);
}

/* ---- a second SMMU on a pxb-pcie root complex ---- */

#define PXB_BUS 0x80
#define PXB_EDU_BUS 0x81

/*
 * Two pluggable SMMUs, on pcie.0 and on a pxb-pcie, each with an edu:
 * the pxb's SMMU translates its edu (SID 0x8100) and never sees the
 * other; pcie.0's SMMU aborts its edu and records its own event.
 */
static void test_pxb_smmu(void)
{
    g_autofree char *args = NULL;
    QSMMUConfig cfg = qsmmu_config();
    QSEnv env = { 0 };
    QSMMUEdu edu0;
    uint8_t pat[QSE_LEN];
    uint64_t ste[8];
    QSMMU s0;
    QSXlat x;

    if (qse_skip_on_qemu("QEMU 10.0: arm-smmuv3 is not user-creatable")) {
        return;
    }
    args = g_strdup_printf(
        "-m 512M -device arm-smmuv3,primary-bus=pcie.0,id=smmu0 "
        "-device pxb-pcie,bus=pcie.0,bus_nr=%d,id=pcie.1,addr=4.0 "
        "-device arm-smmuv3,primary-bus=pcie.1,id=smmu1 "
        "-device pcie-root-port,bus=pcie.1,id=rp1,chassis=1,addr=0.0 "
        "-device edu,addr=03.0," QSE_WIDE_MASK " "
        "-device edu,bus=rp1," QSE_WIDE_MASK, PXB_BUS);
    env.qts = qtest_init(args);
    env.sid = PXB_EDU_BUS << 8;
    env.pasid = -1;
    qpci_init_virt(&env.pci, env.qts);
    qpci_bridge_setup(&env.pci, PXB_BUS, 0, PXB_EDU_BUS, PXB_EDU_BUS);
    /* Platform-bus slots are handed out in -device order. */
    qsmmu_init(&s0, env.qts, QSMMU_VIRT_PLATFORM_BUS, QSE_TABLES,
               QSE_TABLES_SIZE / 2);
    qsmmu_init(&env.s, env.qts, QSMMU_VIRT_PLATFORM_BUS + QSMMU_MMIO_SIZE,
               QSE_TABLES + QSE_TABLES_SIZE / 2, QSE_TABLES_SIZE / 2);
    qsmmu_bringup(&s0, NULL);
    cfg.two_level = true;                       /* for SID 0x8100 */
    cfg.sid_bits = 16;
    qsmmu_bringup(&env.s, &cfg);
    qsmmu_edu_init(&edu0, &env.pci, 0, PCI_DEVFN(3, 0));
    qsmmu_edu_init(&env.edu, &env.pci, PXB_EDU_BUS, 0);
    qse_fill_pattern(pat, QSE_LEN, 0x22);
    qtest_memwrite(env.qts, QSE_PA_DATA, pat, QSE_LEN);

    qse_xlat_s1(&env, &x);
    qse_copy(&env, x.iova);
    qse_assert_copied(&env);

    qsmmu_ste_abort(ste);
    qsmmu_ste_install(&s0, QSE_EDU_SID, ste);
    qsmmu_edu_dma(&edu0, QSE_PA_OTHER, 0, QSE_LEN, true);
    g_assert_true(qse_ram_zero(&env, QSE_PA_OTHER));
    qsmmu_assert_no_event(&s0);
    /* An invalid STE at pcie.0's SMMU: its event, not the other's. */
    memset(ste, 0, sizeof(ste));
    qsmmu_ste_install(&s0, QSE_EDU_SID, ste);
    qsmmu_edu_dma(&edu0, QSE_PA_OTHER, 0, QSE_LEN, true);
    g_assert_cmpuint(qsmmu_evtq_count(&s0), ==, 1);
    qsmmu_assert_no_event(&env.s);
    g_assert_cmpint(qtest_qom_get_int(env.qts, "/machine/peripheral/smmu0",
                                      "x-events-recorded"), ==, 1);
    g_assert_cmpint(qtest_qom_get_int(env.qts, "/machine/peripheral/smmu1",
                                      "x-events-recorded"), ==, 0);
    g_assert_cmpint(qtest_qom_get_int(env.qts, "/machine/peripheral/smmu0",
                                      "x-iotlb-misses"), ==, 0);
    g_assert_cmpint(qtest_qom_get_int(env.qts, "/machine/peripheral/smmu1",
                                      "x-iotlb-misses"), >=, 1);
    qtest_quit(env.qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(xlat_cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3/xlat/%s",
                                                xlat_cases[i].name);

        g_test_add_data_func(path, &xlat_cases[i], test_xlat);
    }
    g_test_add_func("/smmuv3/config/gbpa", test_gbpa);
    g_test_add_func("/smmuv3/config/ste-abort-bypass",
                    test_ste_abort_bypass);
    g_test_add_func("/smmuv3/config/cfgi-ste", test_cfgi_ste);
    g_test_add_func("/smmuv3/tlb/stale", test_tlb_stale);
    g_test_add_func("/smmuv3/tlb/range", test_tlb_range);
    g_test_add_func("/smmuv3/tlb/asid", test_tlb_asid);
    g_test_add_func("/smmuv3/tlb/s2", test_tlb_s2);
    for (size_t i = 0; i < G_N_ELEMENTS(ssid_cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3/ssid/%s",
                                                ssid_cases[i].name);

        g_test_add_data_func(path, &ssid_cases[i], test_ssid);
    }
    g_test_add_func("/smmuv3/pxb", test_pxb_smmu);
    return g_test_run();
}
