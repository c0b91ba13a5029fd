/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqsmmu-env: the SMMUv3 translation suites' test bench -- the machine
 * with an SMMU and an edu, the copy through it and its checks, the
 * expected event records, and whole configurations built with libqsmmu.
 * See libqsmmu-env.h.
 */
#include <string.h>
#include <linux/pci.h>

#include "libqsmmu-env.h"

/* QEMU runs with another accelerator; its model lacks some features. */
bool qse_is_qemu(void)
{
    return !qtest_accel_is_qtest();
}

bool qse_skip_on_qemu(const char *why)
{
    if (qse_is_qemu()) {
        g_test_skip(why);
        return true;
    }
    return false;
}

void qse_fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(i * 7 + seed);
    }
}

QSEnv *qse_start_full(const char *edu_opts, const char *extra,
                      const QSMMUConfig *cfg)
{
    g_autofree char *args = g_strdup_printf(
        "-machine iommu=smmuv3 -m 512M -global arm-smmuv3.stage=nested "
        "-device edu,addr=03.0,id=edu0," QSE_WIDE_MASK "%s%s %s",
        edu_opts ? "," : "", edu_opts ? edu_opts : "", extra ? extra : "");
    QSEnv *e = g_new0(QSEnv, 1);
    uint8_t pat[QSE_LEN];

    e->qts = qtest_init(args);
    e->sid = QSE_EDU_SID;
    e->pasid = -1;
    qpci_init_virt(&e->pci, e->qts);
    qsmmu_init(&e->s, e->qts, QSMMU_VIRT_BASE, QSE_TABLES, QSE_TABLES_SIZE);
    qsmmu_bringup(&e->s, cfg);
    qsmmu_edu_init(&e->edu, &e->pci, 0, PCI_DEVFN(3, 0));
    qse_fill_pattern(pat, QSE_LEN, 0x11);
    qtest_memwrite(e->qts, QSE_PA_SRC, pat, QSE_LEN);
    qse_fill_pattern(pat, QSE_LEN, 0x22);
    qtest_memwrite(e->qts, QSE_PA_DATA, pat, QSE_LEN);
    return e;
}

QSEnv *qse_start(const QSMMUConfig *cfg)
{
    return qse_start_full(NULL, NULL, cfg);
}

QSEnv *qse_start_pasid(int pasid)
{
    g_autofree char *opts = pasid >= 0 ? g_strdup_printf("x-pasid=%d", pasid)
                                       : NULL;
    QSEnv *e = qse_start_full(opts, QSE_SSID_ARGS, NULL);

    e->pasid = pasid;
    g_assert_cmpuint(QSMMU_IDR1_SSIDSIZE(qsmmu_readl(&e->s, QSMMU_IDR1)),
                     ==, 16);
    g_assert_true(qsmmu_readl(&e->s, QSMMU_IDR0) & QSMMU_IDR0_CD2L);
    return e;
}

void qse_quit(QSEnv *e)
{
    qtest_quit(e->qts);
    g_free(e);
}

void qse_dma_read(QSEnv *e, uint64_t iova)
{
    qsmmu_edu_dma(&e->edu, iova, 0, QSE_LEN, false);
}

void qse_dma_write(QSEnv *e, uint64_t iova)
{
    qsmmu_edu_dma(&e->edu, iova, 0, QSE_LEN, true);
}

bool qse_ram_has(QSEnv *e, uint64_t pa, uint8_t seed)
{
    uint8_t want[QSE_LEN], got[QSE_LEN];

    qse_fill_pattern(want, QSE_LEN, seed);
    qtest_memread(e->qts, pa, got, QSE_LEN);
    return !memcmp(want, got, QSE_LEN);
}

bool qse_ram_zero(QSEnv *e, uint64_t pa)
{
    uint8_t got[QSE_LEN], zero[QSE_LEN] = { 0 };

    qtest_memread(e->qts, pa, got, QSE_LEN);
    return !memcmp(got, zero, QSE_LEN);
}

void qse_copy(QSEnv *e, uint64_t iova)
{
    qse_dma_read(e, iova);
    qse_dma_write(e, iova + QSE_DST_OFF);
}

void qse_load_buffer_bypass(QSEnv *e)
{
    uint64_t ste[8];

    qsmmu_ste_bypass(ste);
    qsmmu_ste_install(&e->s, e->sid, ste);
    qse_dma_read(e, QSE_PA_SRC);
}

gint64 qse_counter(QSEnv *e, const char *name)
{
    return qtest_qom_get_int(e->qts, QSMMU_QOM_PATH, name);
}

/* ---- expected events ---- */

/*
 * QEMU's DMA path retries a faulting access in 4-byte pieces, and its
 * SMMU records each: same fields, InputAddr a few bytes on.
 */
void qse_expect_no_more_events(QSEnv *e, const QSMMUEvent *first)
{
    QSMMUEvent ev;
    unsigned dups = 0;

    while (qse_is_qemu() && qsmmu_evtq_count(&e->s)) {
        qsmmu_evtq_pop_one(&e->s, &ev);
        g_assert_cmphex(ev.id, ==, first->id);
        g_assert_cmphex(ev.sid, ==, first->sid);
        g_assert_cmphex(ev.input_addr - first->input_addr, <, QSE_LEN);
        dups++;
    }
    if (dups) {
        g_test_message("QEMU: %u more record(s) of the same transfer", dups);
    }
    qsmmu_assert_no_event(&e->s);
}

void qse_pop_event(QSEnv *e, uint8_t id, QSMMUEvent *ev)
{
    g_autofree char *str = NULL;

    qsmmu_evtq_pop_one(&e->s, ev);
    str = qsmmu_event_str(ev);
    g_test_message("got %s", str);
    g_assert_cmphex(ev->id, ==, id);
    g_assert_cmphex(ev->sid, ==, e->sid);
}

static void qse_check_stream(QSEnv *e, const QSMMUEvent *ev)
{
    g_assert_cmphex(ev->sid, ==, e->sid);
    g_assert_cmpint(ev->ssv, ==, e->pasid >= 0);
    if (e->pasid >= 0) {
        g_assert_cmphex(ev->ssid, ==, e->pasid);
    }
}

void qse_expect_fault(QSEnv *e, uint8_t id, bool rnw, bool s2, unsigned cls,
                      uint64_t input, uint64_t addr)
{
    QSMMUEvent ev;

    qse_pop_event(e, id, &ev);
    qse_check_stream(e, &ev);
    g_assert_false(ev.stall);
    g_assert_cmphex(ev.stag, ==, 0);
    g_assert_false(ev.pnu);             /* PCIe: unprivileged data */
    g_assert_false(ev.ind);
    g_assert_cmpint(ev.rnw, ==, rnw);
    g_assert_cmpint(ev.s2, ==, s2);
    g_assert_cmpuint(ev.cls, ==, cls);
    g_assert_cmphex(ev.input_addr, ==, input);
    if (id == QSMMU_EVT_F_WALK_EABT) {
        g_assert_cmphex(ev.fetch_addr, ==, addr & ~7ULL);
    } else if (s2) {
        g_assert_cmphex(ev.ipa, ==, addr & ~0xfffULL);
    }
    qse_expect_no_more_events(e, &ev);
}

void qse_expect_cfg_event(QSEnv *e, uint8_t id)
{
    QSMMUEvent ev;

    qse_pop_event(e, id, &ev);
    if (id == QSMMU_EVT_C_BAD_SUBSTREAMID) {
        /* Its SSID is always valid (spec 7.3.9). */
        g_assert_cmphex(ev.ssid, ==, e->pasid);
    } else if (id != QSMMU_EVT_F_STREAM_DISABLED) {
        qse_check_stream(e, &ev);
    }
    qse_expect_no_more_events(e, &ev);
}

void qse_expect_fetch_event(QSEnv *e, uint8_t id, uint64_t fetch)
{
    QSMMUEvent ev;

    qse_pop_event(e, id, &ev);
    g_assert_cmphex(ev.fetch_addr, ==, fetch & ~7ULL);
    qse_expect_no_more_events(e, &ev);
}

/* ---- building configurations ---- */

const QSStageCfg qse_s1_4k = { 12, 48, -1, 3 };
const QSStageCfg qse_s2_4k = { 12, 40, 1, 3 };
const QSStageCfg qse_s2_4k_32 = { 12, 32, 1, 3 };

uint64_t qse_align_down(uint64_t v, uint64_t size)
{
    return v & ~(size - 1);
}

void qse_s2_map_cover(QSMMU *s, QSMMUPgt *pt, uint64_t ipa, uint64_t pa,
                      uint64_t size, uint64_t attrs)
{
    int level = 3;
    uint64_t bsize, a, end;

    /* Blocks: 4K at levels 1 and 2; 16K and 64K at level 2 only. */
    for (int l = pt->granule == 12 ? 1 : 2; l < 3; l++) {
        bsize = 1ULL << qsmmu_pgt_shift(pt, l);
        if (l >= pt->start_level && !((ipa - pa) & (bsize - 1))) {
            level = l;
            break;
        }
    }
    bsize = 1ULL << qsmmu_pgt_shift(pt, level);
    end = ipa + size;
    for (a = qse_align_down(ipa, bsize); a < end; a += bsize) {
        qsmmu_pgt_map(s, pt, a, a - ipa + pa, level, attrs);
    }
}

/* Map the stage's leaf (level c->level) over [in, +1) to out. */
static uint64_t qse_map_leaf(QSMMU *s, QSMMUPgt *pt, const QSStageCfg *c,
                             uint64_t in, uint64_t out, uint64_t attrs)
{
    uint64_t size = 1ULL << qsmmu_pgt_shift(pt, c->level);

    return qsmmu_pgt_map(s, pt, qse_align_down(in, size),
                         qse_align_down(out, size), c->level, attrs);
}

void qse_xlat_build(QSEnv *e, QSXlat *x, int mode, const QSStageCfg *c1,
                    const QSStageCfg *c2, uint64_t a1, uint64_t a2,
                    unsigned cd_fmt, unsigned cdmax, uint32_t cd_index)
{
    QSMMU *s = &e->s;
    bool nested = mode == QSE_MODE_NESTED;
    uint64_t off = nested ? QSE_NEST_TABLE_OFF : 0;

    memset(x, 0, sizeof(*x));
    x->mode = mode;
    qsmmu_cmd_sync_one(s, qsmmu_cmd_tlbi_nsnh_all());
    if (mode != QSE_MODE_S1) {
        qsmmu_pgt_init(s, &x->s2, true, c2->granule, c2->ia, c2->start);
        x->ipa = QSE_S2_IPA(QSE_PA_DATA);
        x->s2_leaf = qse_map_leaf(s, &x->s2, c2, x->ipa, QSE_PA_DATA, a2);
        if (nested) {
            qse_s2_map_cover(s, &x->s2, QSE_TABLES + off, QSE_TABLES,
                             QSE_TABLES_SIZE, QSMMU_S2_RW);
        }
        x->iova = x->ipa;
    }
    if (mode != QSE_MODE_S2) {
        qsmmu_pgt_init(s, &x->s1, false, c1->granule, c1->ia, c1->start);
        x->s1.ptr_offset = off;
        x->iova = nested ? QSE_NEST_IOVA(QSE_PA_DATA)
                         : QSE_S1_IOVA(QSE_PA_DATA);
        x->s1_leaf = qse_map_leaf(s, &x->s1, c1, x->iova,
                                  nested ? x->ipa : QSE_PA_DATA, a1);
        qsmmu_cd_table_init(s, &x->cdt, cd_fmt, cdmax);
        x->cdt.ptr_offset = off;
        qsmmu_cd_s1(x->cd, &x->s1, QSE_ASID);
        qsmmu_cd_write(s, &x->cdt, cd_index, x->cd);
    }
    switch (mode) {
    case QSE_MODE_S1:
        qsmmu_ste_s1(x->ste, &x->cdt, QSMMU_S1DSS_TERMINATE);
        break;
    case QSE_MODE_S2:
        qsmmu_ste_s2(x->ste, &x->s2, QSE_VMID);
        break;
    default:
        qsmmu_ste_nested(x->ste, &x->cdt, QSMMU_S1DSS_TERMINATE, &x->s2,
                         QSE_VMID);
        break;
    }
}

void qse_xlat_s1(QSEnv *e, QSXlat *x)
{
    qse_xlat_build(e, x, QSE_MODE_S1, &qse_s1_4k, NULL, QSMMU_S1_RW, 0,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x->ste);
}

void qse_xlat_s2(QSEnv *e, QSXlat *x)
{
    qse_xlat_build(e, x, QSE_MODE_S2, NULL, &qse_s2_4k, 0, QSMMU_S2_RW,
                   QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x->ste);
}

void qse_xlat_nested(QSEnv *e, QSXlat *x)
{
    qse_xlat_build(e, x, QSE_MODE_NESTED, &qse_s1_4k, &qse_s2_4k,
                   QSMMU_S1_RW, QSMMU_S2_RW, QSMMU_S1FMT_LINEAR, 0, 0);
    qsmmu_ste_install(&e->s, e->sid, x->ste);
}

void qse_cd_update(QSEnv *e, QSXlat *x, uint32_t ssid)
{
    qsmmu_cd_write(&e->s, &x->cdt, ssid, x->cd);
    qsmmu_cmd_sync_one(&e->s, qsmmu_cmd_cfgi_cd(e->sid, ssid, true));
}

void qse_assert_copied(QSEnv *e)
{
    qsmmu_assert_no_event(&e->s);
    g_assert_true(qse_ram_has(e, QSE_PA_DATA + QSE_DST_OFF, 0x22));
}
