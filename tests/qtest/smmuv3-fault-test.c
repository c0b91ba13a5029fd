/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 faults seen from the guest: the test drives the SMMU of
 * -M virt,iommu=smmuv3 with libqsmmu and DMA from an edu (StreamID 0x18)
 * through libqsmmu-env, breaks one thing per case and asserts that the
 * data did not land and the exact event record (EventID, StreamID,
 * SSV/SubstreamID, Stall/STAG, PnU, InD, RnW, S2, CLASS, InputAddr and
 * IPA or FetchAddr), or that there was none:
 *
 *  - F_TRANSLATION (invalid descriptors, inputs beyond T0SZ/S2T0SZ),
 *    F_ADDR_SIZE, F_ACCESS (and AFFD), F_PERMISSION (AP, privilege, S2AP,
 *    nested), F_WALK_EABT, F_STE_FETCH, F_CD_FETCH;
 *  - C_BAD_STREAMID (per CR2.RECINVSID), C_BAD_STE and C_BAD_CD for V=0
 *    and illegal fields, F_STREAM_DISABLED and S1DSS, C_BAD_SUBSTREAMID;
 *  - nested stage-2 faults on the CD fetch (CLASS=CD) and on a stage-1
 *    table (CLASS=TT); silent faults (CD.R=0, STE.S2R=0).
 *
 * Against QEMU 10.0 (QTEST_ACCEL=tcg) what its model lacks is skipped
 * with the reason; where it differs from the spec the case fails there.
 */
#include <string.h>

#include "libqsmmu-env.h"

#define S1 QSE_MODE_S1
#define S2 QSE_MODE_S2

/* The data's page, and the copy's destination. */
#define PAGE qse_align_down(QSE_PA_DATA, 0x1000)
#define DST (QSE_PA_DATA + QSE_DST_OFF)

/* Replace the leaf at leaf_pa and drop the cached translations. */
static void set_leaf(QSEnv *e, uint64_t leaf_pa, uint64_t desc)
{
    qtest_writeq(e->qts, leaf_pa, desc);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_nsnh_all());
}

/* ---- F_TRANSLATION ---- */

/* An unmapped page, a missing table, a reserved level-3 descriptor. */
static void test_translation_invalid(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t far = 0x7f0000001230ULL;
    QSXlat x;

    qse_xlat_s1(e, &x);
    qse_dma_read(e, x.iova);
    qsmmu_assert_no_event(&e->s);
    qse_dma_write(e, x.iova + 0x1000);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, false,
                     QSMMU_CLASS_IN, x.iova + 0x1000, 0);
    qse_dma_read(e, far);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, true, false,
                     QSMMU_CLASS_IN, far, 0);
    set_leaf(e, x.s1_leaf, PAGE | QSMMU_S1_RW | QSMMU_PTE_TYPE_BLOCK);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, false,
                     QSMMU_CLASS_IN, x.iova + QSE_DST_OFF, 0);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* Stage 1: an input beyond T0SZ (39 bits). */
static void test_translation_s1_range(void)
{
    QSEnv *e = qse_start(NULL);
    QSStageCfg c39 = { 12, 39, -1, 3 };
    uint64_t far;
    QSXlat x;

    qse_xlat_build(e, &x, S1, &c39, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_read(e, x.iova);
    far = (1ULL << 39) | x.iova;
    qse_dma_write(e, far);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, false,
                     QSMMU_CLASS_IN, far, 0);
    qse_quit(e);
}

/* Stage 2: an IPA beyond S2T0SZ (40 bits); S2=1 with the IPA. */
static void test_translation_s2_range(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t far;
    QSXlat x;

    qse_xlat_s2(e, &x);
    qse_dma_read(e, x.ipa);
    far = (1ULL << 40) | x.ipa;
    qse_dma_write(e, far);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, true,
                     QSMMU_CLASS_IN, far, far);
    qse_quit(e);
}

/* ---- F_ADDR_SIZE ---- */

#define BEYOND_32 0x100000000ULL
#define BEYOND_OAS (1ULL << 44)         /* the board SMMU's OAS = IAS */

/*
 * Inputs that skip stage 1 are checked against the IAS (= OAS on an
 * AArch64-only SMMU): a stage-1 F_ADDR_SIZE, S2=0, before stage 2 sees
 * them (spec 3.4); an STE bypass against the OAS, the same event.
 * With SMMUEN=0 the GBPA bypass aborts them without a record.
 */
static void test_addr_size_s1_bypassed(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu("QEMU checks neither the IAS nor the OAS here")) {
        return;
    }
    e = qse_start(NULL);
    qse_load_buffer_bypass(e);
    qse_dma_write(e, BEYOND_OAS | QSE_PA_OTHER);
    qse_expect_fault(e, QSMMU_EVT_F_ADDR_SIZE, false, false, QSMMU_CLASS_IN,
                     BEYOND_OAS | QSE_PA_OTHER, 0);
    qse_xlat_s2(e, &x);
    qse_dma_write(e, BEYOND_OAS | x.ipa);
    qse_expect_fault(e, QSMMU_EVT_F_ADDR_SIZE, false, false, QSMMU_CLASS_IN,
                     BEYOND_OAS | x.ipa, 0);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);

    cfg.enable = false;
    e = qse_start(&cfg);
    qse_dma_read(e, QSE_PA_SRC);
    qse_dma_write(e, BEYOND_OAS | QSE_PA_OTHER);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    qsmmu_assert_no_event(&e->s);
    qse_dma_write(e, QSE_PA_OTHER);
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));
    qse_quit(e);
}

/* A stage-1 CD with IPS = 32 bits. */
static void xlat_s1_ips32(QSEnv *e, QSXlat *x)
{
    qse_xlat_s1(e, x);
    x->cd[0] &= ~QSMMU_CD_W0_IPS(7);
    x->cd[0] |= QSMMU_CD_W0_IPS(QSMMU_PS_32);
    qse_cd_update(e, x, 0);
    qse_dma_read(e, x->iova);           /* a leaf below 4 GiB is fine */
    qsmmu_assert_no_event(&e->s);
}

/* A stage-1 leaf output beyond IPS. */
static void test_addr_size_s1_leaf(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    xlat_s1_ips32(e, &x);
    set_leaf(e, x.s1_leaf, BEYOND_32 | QSMMU_S1_RW | QSMMU_PTE_TYPE_PAGE);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_ADDR_SIZE, false, false, QSMMU_CLASS_IN,
                     x.iova + QSE_DST_OFF, 0);
    qse_quit(e);
}

/* A stage-1 next-level table address beyond IPS (checked, not fetched). */
static void test_addr_size_s1_table(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    xlat_s1_ips32(e, &x);
    set_leaf(e, qsmmu_pgt_desc_addr(&e->s, &x.s1, x.iova, 2),
             BEYOND_32 | QSMMU_PTE_TYPE_TABLE);
    qse_dma_write(e, x.iova);
    qse_expect_fault(e, QSMMU_EVT_F_ADDR_SIZE, false, false, QSMMU_CLASS_IN,
                     x.iova, 0);
    qse_quit(e);
}

/* A stage-2 leaf output beyond S2PS (32 bits, with a 32-bit IPA). */
static void test_addr_size_s2_leaf(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_build(e, &x, S2, NULL, &qse_s2_4k_32, 0, QSMMU_S2_RW,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    x.ste[2] &= ~QSMMU_STE_W2_S2PS(7);
    x.ste[2] |= QSMMU_STE_W2_S2PS(QSMMU_PS_32);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_read(e, x.ipa);
    qsmmu_assert_no_event(&e->s);
    set_leaf(e, x.s2_leaf, BEYOND_32 | QSMMU_S2_RW | QSMMU_PTE_TYPE_PAGE);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_ADDR_SIZE, false, true, QSMMU_CLASS_IN,
                     x.ipa + QSE_DST_OFF, x.ipa + QSE_DST_OFF);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* ---- F_ACCESS ---- */

/* Stage 1: AF=0 faults without CD.AFFD and not with it. */
static void test_access_s1(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s1(e, &x);
    qse_dma_read(e, x.iova);
    set_leaf(e, x.s1_leaf, PAGE | (QSMMU_S1_RW & ~QSMMU_PTE_AF) |
             QSMMU_PTE_TYPE_PAGE);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_ACCESS, false, false, QSMMU_CLASS_IN,
                     x.iova + QSE_DST_OFF, 0);
    g_assert_true(qse_ram_zero(e, DST));
    x.cd[0] |= QSMMU_CD_W0_AFFD;
    qse_cd_update(e, &x, 0);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_assert_copied(e);
    qse_quit(e);
}

/* Stage 2: AF=0 faults without STE.S2AFFD and not with it. */
static void test_access_s2(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s2(e, &x);
    qse_dma_read(e, x.ipa);
    set_leaf(e, x.s2_leaf, PAGE | (QSMMU_S2_RW & ~QSMMU_PTE_AF) |
             QSMMU_PTE_TYPE_PAGE);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_ACCESS, false, true, QSMMU_CLASS_IN,
                     x.ipa + QSE_DST_OFF, x.ipa + QSE_DST_OFF);
    g_assert_true(qse_ram_zero(e, DST));
    x.ste[2] |= QSMMU_STE_W2_S2AFFD;
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_assert_copied(e);
    qse_quit(e);
}

/* ---- F_PERMISSION ---- */

/* Stage 1: a write to a read-only page (AP[2]=1); reads are fine. */
static void test_permission_s1_ro(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RO, 0,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_read(e, x.iova);
    qsmmu_assert_no_event(&e->s);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_PERMISSION, false, false,
                     QSMMU_CLASS_IN, x.iova + QSE_DST_OFF, 0);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/*
 * Stage 1: a privileged-only page (AP[1]=0).  PCIe requests without a
 * PASID prefix are unprivileged (PnU=0), so even a read faults.
 */
static void test_permission_s1_priv(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s1(e, &x);
    set_leaf(e, x.s1_leaf, PAGE | (QSMMU_S1_RW & ~QSMMU_PTE_AP_EL0) |
             QSMMU_PTE_TYPE_PAGE);
    qse_dma_read(e, x.iova);
    qse_expect_fault(e, QSMMU_EVT_F_PERMISSION, true, false,
                     QSMMU_CLASS_IN, x.iova, 0);
    qse_quit(e);
}

/*
 * Stage 2: S2AP read-only refuses the write (S2=1, IPA), found by the
 * walk and again on the IOTLB hit after a read.
 */
static void test_permission_s2_ro(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_xlat_build(e, &x, S2, NULL, &qse_s2_4k, 0, QSMMU_S2_RO,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_PERMISSION, false, true, QSMMU_CLASS_IN,
                     x.ipa + QSE_DST_OFF, x.ipa + QSE_DST_OFF);
    qse_dma_read(e, x.ipa);
    qsmmu_assert_no_event(&e->s);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_PERMISSION, false, true, QSMMU_CLASS_IN,
                     x.ipa + QSE_DST_OFF, x.ipa + QSE_DST_OFF);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* Stage 2: S2AP write-only refuses the read and allows the write. */
static void test_permission_s2_wo(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_build(e, &x, S2, NULL, &qse_s2_4k, 0,
                   QSMMU_S2_RW & ~QSMMU_PTE_S2AP_R, QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_read(e, x.ipa);
    qse_expect_fault(e, QSMMU_EVT_F_PERMISSION, true, true, QSMMU_CLASS_IN,
                     x.ipa, x.ipa);
    qse_dma_write(e, x.ipa + QSE_DST_OFF);
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

/* Nested: stage 1 allows the write, stage 2 refuses it (S2=1, IN). */
static void test_permission_nested(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_build(e, &x, QSE_MODE_NESTED, &qse_s1_4k, &qse_s2_4k,
                   QSMMU_S1_RW, QSMMU_S2_RO, QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_read(e, x.iova);
    qsmmu_assert_no_event(&e->s);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_PERMISSION, false, true, QSMMU_CLASS_IN,
                     x.iova + QSE_DST_OFF, x.ipa + QSE_DST_OFF);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* ---- F_WALK_EABT ---- */

/* Stage 1: a level-1 descriptor points at nothing; S2=0, CLASS=TT. */
static void test_walk_eabt_s1(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s1(e, &x);
    set_leaf(e, qsmmu_pgt_desc_addr(&e->s, &x.s1, x.iova, 1),
             QSE_PA_NOWHERE | QSMMU_PTE_TYPE_TABLE);
    qse_dma_write(e, x.iova);
    qse_expect_fault(e, QSMMU_EVT_F_WALK_EABT, false, false, QSMMU_CLASS_TT,
                     x.iova, QSE_PA_NOWHERE + 8 * ((x.iova >> 21) & 511));
    qse_quit(e);
}

/* Stage 2 walk for the input IPA: S2=1, CLASS=IN (spec 7.3.12). */
static void test_walk_eabt_s2(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s2(e, &x);
    set_leaf(e, qsmmu_pgt_desc_addr(&e->s, &x.s2, x.ipa, 2),
             QSE_PA_NOWHERE | QSMMU_PTE_TYPE_TABLE);
    qse_dma_read(e, x.ipa);
    qse_expect_fault(e, QSMMU_EVT_F_WALK_EABT, true, true, QSMMU_CLASS_IN,
                     x.ipa, QSE_PA_NOWHERE + 8 * ((x.ipa >> 12) & 511));
    qse_quit(e);
}

/* ---- fetch aborts ---- */

/* F_STE_FETCH: a linear stream table at no memory. */
static void test_ste_fetch_linear(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;

    cfg.enable = false;
    e = qse_start(&cfg);
    qsmmu_writeq(&e->s, QSMMU_STRTAB_BASE,
                 QSE_PA_NOWHERE | QSMMU_STRTAB_BASE_RA);
    qsmmu_set_cr0(&e->s, qsmmu_readl(&e->s, QSMMU_CR0) | QSMMU_CR0_SMMUEN);
    qse_dma_write(e, DST);
    qse_expect_fetch_event(e, QSMMU_EVT_F_STE_FETCH,
                           QSE_PA_NOWHERE + 64 * QSE_EDU_SID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* F_STE_FETCH: a 2-level table whose L2 pointer is at no memory. */
static void test_ste_fetch_2lvl(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;

    cfg.two_level = true;
    e = qse_start(&cfg);
    qtest_writeq(e->qts, qsmmu_l1std_addr(&e->s, QSE_EDU_SID),
                 QSE_PA_NOWHERE | QSMMU_L1STD_SPAN(9));
    qse_dma_write(e, DST);
    qse_expect_fetch_event(e, QSMMU_EVT_F_STE_FETCH,
                           QSE_PA_NOWHERE + 64 * QSE_EDU_SID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* F_CD_FETCH: S1ContextPtr at no memory. */
static void test_cd_fetch(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    x.ste[0] &= ~QSMMU_STE_W0_S1CTXPTR_MASK;
    x.ste[0] |= QSE_PA_NOWHERE;
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fetch_event(e, QSMMU_EVT_F_CD_FETCH, QSE_PA_NOWHERE);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* ---- C_BAD_STREAMID ---- */

/* A SID beyond STRTAB_BASE_CFG.LOG2SIZE (4: SIDs 0..15; edu is 0x18). */
static void test_bad_streamid(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;

    cfg.sid_bits = 4;
    e = qse_start(&cfg);
    qse_dma_write(e, DST);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_STREAMID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* The same with CR2.RECINVSID=0: aborted, not recorded (spec 7.3.3). */
static void test_bad_streamid_quiet(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;

    cfg.sid_bits = 4;
    cfg.cr2 = QSMMU_CR2_PTM;
    e = qse_start(&cfg);
    qse_dma_write(e, DST);
    qsmmu_assert_no_event(&e->s);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* 2-level table: the SID's L1 descriptor has Span=0. */
static void test_bad_streamid_span0(void)
{
    QSMMUConfig cfg = qsmmu_config();
    QSEnv *e;

    cfg.two_level = true;
    e = qse_start(&cfg);
    qse_dma_write(e, DST);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_STREAMID);
    qse_quit(e);
}

/* ---- C_BAD_STE ---- */

/* One change to a valid STE that makes it invalid (spec 5.2.2). */
typedef struct BadSte {
    const char *name;
    int mode;
    int word;
    uint64_t clear, set;
} BadSte;

static const BadSte bad_stes[] = {
    { "v0", S1, 0, QSMMU_STE_W0_V, 0 },
    { "s2aa64-0", S2, 2, QSMMU_STE_W2_S2AA64, 0 },
    { "s2tg-reserved", S2, 2, 0, QSMMU_STE_W2_S2TG(3) },
    { "s2t0sz-too-small", S2, 2, QSMMU_STE_W2_S2T0SZ(0x3f),
      QSMMU_STE_W2_S2T0SZ(8) },
    { "s2t0sz-sl0-inconsistent", S2, 2, QSMMU_STE_W2_S2SL0(3),
      QSMMU_STE_W2_S2SL0(0) },
    { "s2ha-without-httu", S2, 2, 0, QSMMU_STE_W2_S2HA },
    { "s2s-terminate-model", S2, 2, 0, QSMMU_STE_W2_S2S },
    { "s1stalld-terminate-model", S1, 1, 0, QSMMU_STE_W1_S1STALLD },
};

static void test_bad_ste(const void *opaque)
{
    const BadSte *b = opaque;
    QSEnv *e;
    QSXlat x;

    if (!strcmp(b->name, "s2aa64-0") &&
        qse_skip_on_qemu("QEMU 10.0 aborts on S2AA64=0 (no AArch32 tables)")) {
        return;
    }
    e = qse_start(NULL);
    qse_load_buffer_bypass(e);
    if (b->mode == S1) {
        qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                       QSMMU_S1FMT_LINEAR, 0, 0);
    } else {
        qse_xlat_build(e, &x, S2, NULL, &qse_s2_4k, 0, QSMMU_S2_RW,
                       QSMMU_S1FMT_LINEAR, 0, 0);
    }
    x.ste[b->word] = (x.ste[b->word] & ~b->clear) | b->set;
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_STE);
    g_assert_true(qse_ram_zero(e, DST));
    /* Nor does an IOVA that would be valid RAM if bypassed land. */
    qse_dma_write(e, QSE_PA_OTHER);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_STE);
    g_assert_true(qse_ram_zero(e, QSE_PA_OTHER));
    qse_quit(e);
}

/* ---- C_BAD_CD ---- */

/* One change to a valid CD that makes it invalid (spec 5.4.2). */
typedef struct BadCd {
    const char *name;
    uint64_t clear, set;
} BadCd;

static const BadCd bad_cds[] = {
    { "v0", QSMMU_CD_W0_V, 0 },
    { "a0", QSMMU_CD_W0_A, 0 },                 /* TERM_MODEL=1 */
    { "aa64-0", QSMMU_CD_W0_AA64, 0 },
    { "t0sz-too-small", QSMMU_CD_W0_T0SZ(0x3f), QSMMU_CD_W0_T0SZ(8) },
    { "t0sz-too-big", QSMMU_CD_W0_T0SZ(0x3f), QSMMU_CD_W0_T0SZ(48) },
    { "tg0-reserved", 0, QSMMU_CD_W0_TG0(3) },
    { "ha-without-httu", 0, QSMMU_CD_W0_HA },
};

static void test_bad_cd(const void *opaque)
{
    const BadCd *b = opaque;
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    x.cd[0] = (x.cd[0] & ~b->clear) | b->set;
    qsmmu_cd_write(&e->s, &x.cdt, 0, x.cd);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_CD);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* ---- silent faults ---- */

/* CD.R=0: stage-1 translation and permission faults are not recorded. */
static void test_silent_s1(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s1(e, &x);
    qse_dma_read(e, x.iova);
    x.cd[0] &= ~QSMMU_CD_W0_R;
    qse_cd_update(e, &x, 0);
    qse_dma_write(e, x.iova + 0x1000);
    set_leaf(e, x.s1_leaf, PAGE | QSMMU_S1_RO | QSMMU_PTE_TYPE_PAGE);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qsmmu_assert_no_event(&e->s);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/*
 * STE.S2R=0: a stage-2 translation fault is not recorded; a walk abort
 * is not a translation-class fault and still is.
 */
static void test_silent_s2(void)
{
    QSEnv *e = qse_start(NULL);
    QSXlat x;

    qse_xlat_s2(e, &x);
    x.ste[2] &= ~QSMMU_STE_W2_S2R;
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.ipa + 0x1000);
    qsmmu_assert_no_event(&e->s);
    set_leaf(e, qsmmu_pgt_desc_addr(&e->s, &x.s2, x.ipa, 2),
             QSE_PA_NOWHERE | QSMMU_PTE_TYPE_TABLE);
    qse_dma_write(e, x.ipa);
    qse_expect_fault(e, QSMMU_EVT_F_WALK_EABT, false, true, QSMMU_CLASS_IN,
                     x.ipa, QSE_PA_NOWHERE + 8 * ((x.ipa >> 12) & 511));
    qse_quit(e);
}

/* ---- nested: stage-2 faults on the configuration walk ---- */

/* The CD at an IPA stage 2 does not map: S2=1, CLASS=CD, IPA. */
static void test_nested_s2_cd(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t cd_ipa = 0x30000000ULL;
    QSXlat x;

    qse_load_buffer_bypass(e);
    qse_xlat_nested(e, &x);
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    qtest_memset(e->qts, DST, 0, QSE_LEN);
    x.ste[0] &= ~QSMMU_STE_W0_S1CTXPTR_MASK;
    x.ste[0] |= cd_ipa;
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, false, true, QSMMU_CLASS_CD,
                     x.iova + QSE_DST_OFF, cd_ipa);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/*
 * A stage-1 table at an IPA stage 2 does not map: S2=1, CLASS=TT, the
 * IPA of the descriptor; mapped, the walk completes.
 */
static void test_nested_s2_tt(void)
{
    QSEnv *e = qse_start(NULL);
    uint64_t tbl_ipa = 0x38000000ULL, l1, tbl_pa;
    QSXlat x;

    qse_xlat_nested(e, &x);
    l1 = qsmmu_pgt_desc_addr(&e->s, &x.s1, x.iova, 1);
    tbl_pa = (qtest_readq(e->qts, l1) & 0xfffffffff000ULL) -
             QSE_NEST_TABLE_OFF;
    set_leaf(e, l1, tbl_ipa | QSMMU_PTE_TYPE_TABLE);
    qse_dma_read(e, x.iova);
    qse_expect_fault(e, QSMMU_EVT_F_TRANSLATION, true, true, QSMMU_CLASS_TT,
                     x.iova, tbl_ipa + 8 * ((x.iova >> 21) & 511));
    qsmmu_pgt_map(&e->s, &x.s2, tbl_ipa, tbl_pa, 3, QSMMU_S2_RW);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_tlbi_s12_vmall(QSE_VMID));
    qse_copy(e, x.iova);
    qse_assert_copied(e);
    qse_quit(e);
}

/* ---- SubstreamIDs ---- */

#define NO_SSID "QEMU: no SubstreamIDs (ssidsize, edu x-pasid)"

/* An SSID with stage 1 off (bypass, stage 2 only) (spec 7.3.9). */
static void test_bad_ssid_no_s1(void)
{
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu(NO_SSID)) {
        return;
    }
    e = qse_start_pasid(5);
    qse_dma_write(e, DST);                      /* STE V=0 first */
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_STE);
    qse_load_buffer_bypass(e);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_SUBSTREAMID);
    qse_xlat_s2(e, &x);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_SUBSTREAMID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* SSID 5 with S1CDMax=0 (substreams off) and with 4 CDs. */
static void test_bad_ssid_cdmax(void)
{
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu(NO_SSID)) {
        return;
    }
    e = qse_start_pasid(5);
    qse_xlat_s1(e, &x);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_SUBSTREAMID);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 2, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_SUBSTREAMID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* SSID 5 reaching an L1CD with V=0 (only the L1CD of SSID 0x40 is). */
static void test_bad_ssid_l1cd(void)
{
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu(NO_SSID)) {
        return;
    }
    e = qse_start_pasid(5);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_2LVL_4K, 8, 0x40);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_SUBSTREAMID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/*
 * An L1CD whose L2Ptr lies beyond the OAS (a PA: stage 1 only) is a bad
 * SubstreamID from SMMUv3.1 on (spec 3.4.3, table note 3), not a fetch
 * abort.
 */
static void test_bad_ssid_l1cd_oas(void)
{
    QSEnv *e;
    QSXlat x;
    uint64_t l1cd;

    if (qse_skip_on_qemu(NO_SSID)) {
        return;
    }
    e = qse_start_pasid(5);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_2LVL_4K, 8, 5);
    l1cd = qsmmu_l1cd_addr(&x.cdt, 5);
    g_assert_cmphex(qtest_readq(e->qts, l1cd) & QSMMU_L1CD_V, ==,
                    QSMMU_L1CD_V);
    qtest_writeq(e->qts, l1cd, (1ULL << 44) | QSMMU_L1CD_V);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_C_BAD_SUBSTREAMID);
    g_assert_true(qse_ram_zero(e, DST));
    qse_quit(e);
}

/* No SSID with S1CDMax > 0: S1DSS terminate / bypass / CD 0. */
static void test_s1dss(void)
{
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu("QEMU: S1CDMax > 0 is not supported")) {
        return;
    }
    e = qse_start_pasid(-1);
    qse_load_buffer_bypass(e);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 4, 0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_F_STREAM_DISABLED);
    g_assert_true(qse_ram_zero(e, DST));

    x.ste[1] &= ~QSMMU_STE_W1_S1DSS(3);
    x.ste[1] |= QSMMU_STE_W1_S1DSS(QSMMU_S1DSS_BYPASS);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, QSE_PA_OTHER);             /* untranslated */
    g_assert_true(qse_ram_has(e, QSE_PA_OTHER, 0x11));

    x.ste[1] &= ~QSMMU_STE_W1_S1DSS(3);
    x.ste[1] |= QSMMU_STE_W1_S1DSS(QSMMU_S1DSS_SSID0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);     /* through CD 0 */
    g_assert_true(qse_ram_has(e, DST, 0x11));
    qsmmu_assert_no_event(&e->s);
    qse_quit(e);
}

/* S1DSS=2 reserves CD 0: SSID 0 on the wire is F_STREAM_DISABLED. */
static void test_s1dss_ssid0(void)
{
    QSEnv *e;
    QSXlat x;

    if (qse_skip_on_qemu(NO_SSID)) {
        return;
    }
    e = qse_start_pasid(0);
    qse_xlat_build(e, &x, S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 4, 0);
    x.ste[1] |= QSMMU_STE_W1_S1DSS(QSMMU_S1DSS_SSID0);
    qsmmu_ste_install(&e->s, e->sid, x.ste);
    qse_dma_write(e, x.iova + QSE_DST_OFF);
    qse_expect_cfg_event(e, QSMMU_EVT_F_STREAM_DISABLED);
    qse_quit(e);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *path;
        void (*fn)(void);
    } cases[] = {
        { "translation/invalid", test_translation_invalid },
        { "translation/s1-range", test_translation_s1_range },
        { "translation/s2-range", test_translation_s2_range },
        { "addr-size/s1-bypassed", test_addr_size_s1_bypassed },
        { "addr-size/s1-leaf", test_addr_size_s1_leaf },
        { "addr-size/s1-table", test_addr_size_s1_table },
        { "addr-size/s2-leaf", test_addr_size_s2_leaf },
        { "access/s1", test_access_s1 },
        { "access/s2", test_access_s2 },
        { "permission/s1-ro", test_permission_s1_ro },
        { "permission/s1-priv", test_permission_s1_priv },
        { "permission/s2-ro", test_permission_s2_ro },
        { "permission/s2-wo", test_permission_s2_wo },
        { "permission/nested", test_permission_nested },
        { "walk-eabt/s1", test_walk_eabt_s1 },
        { "walk-eabt/s2", test_walk_eabt_s2 },
        { "ste-fetch/linear", test_ste_fetch_linear },
        { "ste-fetch/2lvl", test_ste_fetch_2lvl },
        { "cd-fetch", test_cd_fetch },
        { "bad-streamid/recorded", test_bad_streamid },
        { "bad-streamid/quiet", test_bad_streamid_quiet },
        { "bad-streamid/span0", test_bad_streamid_span0 },
        { "silent/s1", test_silent_s1 },
        { "silent/s2", test_silent_s2 },
        { "nested-s2/cd", test_nested_s2_cd },
        { "nested-s2/tt", test_nested_s2_tt },
        { "bad-ssid/no-s1", test_bad_ssid_no_s1 },
        { "bad-ssid/cdmax", test_bad_ssid_cdmax },
        { "bad-ssid/l1cd", test_bad_ssid_l1cd },
        { "bad-ssid/l1cd-oas", test_bad_ssid_l1cd_oas },
        { "s1dss/no-ssid", test_s1dss },
        { "s1dss/ssid0", test_s1dss_ssid0 },
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-fault/%s",
                                                cases[i].path);

        g_test_add_func(path, cases[i].fn);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad_stes); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-fault/bad-ste/%s",
                                                bad_stes[i].name);

        g_test_add_data_func(path, &bad_stes[i], test_bad_ste);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cds); i++) {
        g_autofree char *path = g_strdup_printf("/smmuv3-fault/bad-cd/%s",
                                                bad_cds[i].name);

        g_test_add_data_func(path, &bad_cds[i], test_bad_cd);
    }
    return g_test_run();
}
