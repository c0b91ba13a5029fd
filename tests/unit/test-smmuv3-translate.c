/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3 transaction flow (hw/arm/smmuv3-translate.c)
 * on the PCI fixture's bare pcie.0: an SMMUv3State built by hand (the
 * capabilities and registers a guest driver would leave behind, no MMIO)
 * translates the DMA of an edu at 00:03.0, StreamID 0x18.  The stream
 * table, CDs, page tables and the event queue live in the fixture's RAM
 * and are written as a driver would; each case checks where the data
 * went (or that nothing moved), the exact event records (all four
 * dwords, built here from the spec's layout), and the cache counters.
 *
 *   RAM + 0x00000  stream table, linear 256 STEs (or the 2-level L1)
 *   RAM + 0x04000  2-level: L2 array of STEs
 *   RAM + 0x08000  CD table (or L1CD table), RAM + 0x0a000 L2 CDs
 *   RAM + 0x10000  event queue, 16 records
 *   RAM + 0x20000  stage-1 tables L1/L2/L3, RAM + 0x30000 stage 2
 *   RAM + 0x80000  data pages
 *
 * Stage 1: 39-bit VA, 4 KiB granule, start level 1.  IOVA 0x1000 maps
 * DATA read/write, 0x2000 maps DATA + 0x1000 read-only, 0x3000 is
 * invalid.  Stage 2: 39-bit IPA, 4 KiB, start level 1 (S2SL0=1), an
 * identity map of the fixture RAM's first 2 MiB by pages.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "qemu/timer.h"
#include "pci-fixture.h"
#include "../qtest/edu-regs.h"

#define RAM PCI_FIXTURE_RAM_BASE
#define STRTAB (RAM + 0x0)
#define STRTAB_L2 (RAM + 0x4000)
#define CDTAB (RAM + 0x8000)
#define CDTAB_L2 (RAM + 0xa000)
#define EVTQ (RAM + 0x10000)
#define S1_L1 (RAM + 0x20000)
#define S1_L2 (RAM + 0x21000)
#define S1_L3 (RAM + 0x22000)
#define S2_L1 (RAM + 0x30000)
#define S2_L2 (RAM + 0x31000)
#define S2_L3 (RAM + 0x32000)
#define DATA (RAM + 0x80000)
#define UNMAPPED_PA 0x7000000000ULL     /* nothing there */

#define EDU_DEVFN PCI_DEVFN(3, 0)
#define EDU_BAR (PCI_FIXTURE_MMIO_BASE + 0x100000)
#define SID 0x18
#define ASID 5
#define VMID 3

#define IOVA_RW 0x1000ULL
#define IOVA_RO 0x2000ULL
#define IOVA_INVALID 0x3000ULL

/* Event record fields (spec 7.3, facts 5.2). */
#define EV_SSV (1ULL << 11)
#define EV_PNU (1ULL << 33)
#define EV_IND (1ULL << 34)
#define EV_RNW (1ULL << 35)
#define EV_S2 (1ULL << 39)
#define EV_CLASS(c) ((uint64_t)(c) << 40)

static SMMUv3State *smmu;
static PCIDevice *edu;

/* ---- guest memory ---- */

static void put64(uint64_t pa, uint64_t v)
{
    uint64_t le = GUINT64_TO_LE(v);

    g_assert_cmpuint(pa - RAM, <, PCI_FIXTURE_RAM_SIZE);
    memcpy(pci_fixture_ram() + (pa - RAM), &le, 8);
}

static uint64_t get64(uint64_t pa)
{
    uint64_t le;

    memcpy(&le, pci_fixture_ram() + (pa - RAM), 8);
    return GUINT64_FROM_LE(le);
}

/* ---- structures, from the layouts of spec 5.2 / 5.4 (facts 2.2, 3.2) ---- */

typedef struct Ste {
    unsigned config;            /* STE.Config: 4 bypass, 5 S1, 6 S2, 7 both */
    uint64_t ctx;
    unsigned s1fmt, cdmax, s1dss;
    bool s2r;
    bool invalid;
} Ste;

static void write_ste(uint64_t pa, const Ste *e)
{
    uint64_t w[8] = { 0 };
    unsigned i;

    w[0] = (e->invalid ? 0 : 1) | (uint64_t)e->config << 1 |
           (uint64_t)e->s1fmt << 4 | e->ctx | (uint64_t)e->cdmax << 59;
    w[1] = e->s1dss | 1 << 2 | 1 << 4 | 3 << 6;     /* WBRA, ISH */
    w[2] = VMID;
    if (e->config & 2) {
        /* 39-bit IPA, SL0=1 (level 1), 4K, PS 44 bits, AA64, PTW. */
        w[2] |= 25ULL << 32 | 1ULL << 38 | 4ULL << 48 | 1ULL << 51 |
                1ULL << 54 | (uint64_t)e->s2r << 58;
        w[3] = S2_L1;
    }
    for (i = 0; i < 8; i++) {
        put64(pa + i * 8, w[i]);
    }
}

static void write_cd(uint64_t pa, bool valid, bool record)
{
    uint64_t w[8] = { 0 };
    unsigned i;

    /* T0SZ 25, TG0 4K, WBRA ISH walks, EPD1, IPS 44, AA64, A, ASET. */
    w[0] = 25 | 1 << 8 | 1 << 10 | 3 << 12 | 1ULL << 30 |
           (uint64_t)valid << 31 | 4ULL << 32 | 1ULL << 41 |
           (uint64_t)record << 45 | 1ULL << 46 | 1ULL << 47 |
           (uint64_t)ASID << 48;
    w[1] = S1_L1;
    w[3] = 0x0404ff44;          /* MAIR as Linux: NC, WB, Device */
    for (i = 0; i < 8; i++) {
        put64(pa + i * 8, w[i]);
    }
}

#define PTE_TABLE 3ULL
#define PTE_PAGE 3ULL
#define PTE_AF (1ULL << 10)
#define PTE_NG (1ULL << 11)
#define S1_AP_RW_EL0 (1ULL << 6)
#define S1_AP_RO_EL0 (3ULL << 6)
#define S2_AP_RW (3ULL << 6)
#define S2_MEMATTR_WB (0xfULL << 2)

/* Stage 1: IOVA_RW -> DATA, IOVA_RO -> DATA + 0x1000 read-only. */
static void write_s1_tables(void)
{
    put64(S1_L1, S1_L2 | PTE_TABLE);
    put64(S1_L2, S1_L3 | PTE_TABLE);
    put64(S1_L3 + 8 * (IOVA_RW >> 12),
          DATA | PTE_PAGE | PTE_AF | PTE_NG | S1_AP_RW_EL0 | 1 << 2);
    put64(S1_L3 + 8 * (IOVA_RO >> 12),
          (DATA + 0x1000) | PTE_PAGE | PTE_AF | PTE_NG | S1_AP_RO_EL0 |
          1 << 2);
}

/* Stage 2: the fixture RAM's first 2 MiB, identity, read/write pages. */
static void write_s2_tables(void)
{
    unsigned i;

    put64(S2_L1 + 8 * (RAM >> 30), S2_L2 | PTE_TABLE);
    put64(S2_L2 + 8 * ((RAM >> 21) & 511), S2_L3 | PTE_TABLE);
    for (i = 0; i < 512; i++) {
        put64(S2_L3 + 8 * i, (RAM + i * 0x1000ULL) | PTE_PAGE | PTE_AF |
              S2_AP_RW | S2_MEMATTR_WB);
    }
}

/* ---- the SMMU and the device ---- */

static void smmu_setup(void)
{
    PCIBus *bus = pci_fixture_init();

    memset(pci_fixture_ram(), 0, PCI_FIXTURE_RAM_SIZE);
    smmu = g_new0(SMMUv3State, 1);
    smmu->caps = (SMMUv3Caps) {
        .s1p = true, .s2p = true, .oas = 44, .sidsize = 16,
        .ssidsize = 16, .cd2l = true, .gran4k = true, .gran16k = true,
        .gran64k = true, .asid16 = true, .vmid16 = true, .ril = true,
        .stall_model = 1, .term_model = true, .ttendian = 2,
        .xnx = true, .msi = true,
    };
    smmu->strtab_base = STRTAB;
    smmu->strtab_base_cfg = 8;                  /* linear, 256 STEs */
    smmu->cr[0] = R_CR0_SMMUEN_MASK | R_CR0_EVENTQEN_MASK;
    smmu->cr0ack = smmu->cr[0];
    smmu->cr[2] = R_CR2_RECINVSID_MASK;
    smmu->gbpa = 0x1000;
    smmu->eventq = (SMMUQueue) {
        .base = EVTQ | 4, .log2size = 4, .entry_size = 32,
    };
    smmuv3_translate_init(smmu);
    pci_setup_iommu(bus, &smmuv3_iommu_ops, smmu);

    edu = pci_fixture_add("edu", NULL, EDU_DEVFN, NULL, &error_abort);
    object_property_set_uint(OBJECT(edu), "dma_mask", UINT64_MAX,
                             &error_abort);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_BASE_ADDRESS_0, EDU_BAR, 4);
    pci_fixture_cfg_write(0, EDU_DEVFN, PCI_COMMAND,
                          PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    write_s1_tables();
    write_s2_tables();
}

static void smmu_teardown(void)
{
    pci_clear_iommu(pci_fixture_bus());
    smmuv3_translate_destroy(smmu);
    g_assert_null(smmu->iotlb);
    pci_fixture_cleanup();
    g_clear_pointer(&smmu, g_free);
    edu = NULL;
}

/* One 8-byte DMA of the edu, with PASID pasid (-1: none). */
static MemTxResult dma_write(uint64_t iova, uint64_t v, int pasid)
{
    uint64_t le = GUINT64_TO_LE(v);

    edu->dma_pasid = pasid;
    return pci_dma_write(edu, iova, &le, 8);
}

static MemTxResult dma_read(uint64_t iova, uint64_t *v, int pasid)
{
    MemTxResult r;
    uint64_t le = 0;

    edu->dma_pasid = pasid;
    r = pci_dma_read(edu, iova, &le, 8);
    *v = GUINT64_FROM_LE(le);
    return r;
}

/* The next record of the event queue (false: none), consumed. */
static bool next_event(uint64_t rec[4])
{
    SMMUQueue *q = &smmu->eventq;
    uint64_t pa;
    unsigned i;

    if (smmu_q_empty(q)) {
        return false;
    }
    pa = smmu_q_entry_addr(q, smmu_q_idx(q, q->cons));
    for (i = 0; i < 4; i++) {
        rec[i] = get64(pa + 8 * i);
    }
    q->cons = (q->cons + 1) & ((2U << q->log2size) - 1);
    return true;
}

static void expect_event(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    uint64_t rec[4];

    g_assert_true(next_event(rec));
    g_assert_cmphex(rec[0], ==, w0);
    g_assert_cmphex(rec[1], ==, w1);
    g_assert_cmphex(rec[2], ==, w2);
    g_assert_cmphex(rec[3], ==, w3);
}

static void expect_no_event(void)
{
    uint64_t rec[4];

    g_assert_false(next_event(rec));
}

static uint64_t ev0(unsigned type, uint32_t sid)
{
    return type | (uint64_t)sid << 32;
}

static uint64_t ev0_ssid(unsigned type, uint32_t sid, uint32_t ssid, bool ssv)
{
    return ev0(type, sid) | (uint64_t)ssid << 12 | (ssv ? EV_SSV : 0);
}

/* ---- SMMUEN=0: GBPA ---- */

static void test_gbpa(void)
{
    uint64_t v;

    smmu_setup();
    smmu->cr[0] = smmu->cr0ack = 0;
    g_assert_cmpint(dma_write(DATA, 0x1122334455667788ULL, -1), ==,
                    MEMTX_OK);
    g_assert_cmphex(get64(DATA), ==, 0x1122334455667788ULL);
    /* ABORT: the access fails, and nothing is recorded (spec 6.3.14). */
    smmu->gbpa = R_GBPA_ABORT_MASK;
    smmu->cr[0] |= R_CR0_EVENTQEN_MASK;
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    g_assert_cmpint(dma_write(DATA, 0, -1), ==, MEMTX_IOMMU_FAULT);
    g_assert_cmphex(get64(DATA), ==, 0x1122334455667788ULL);
    expect_no_event();
    g_assert_cmpuint(smmu->config_misses, ==, 0);
    smmu_teardown();
}

/* ---- stream table ---- */

static void test_bad_streamid(void)
{
    uint64_t v;

    smmu_setup();
    smmu->strtab_base_cfg = 4;              /* 16 STEs: 0x18 is beyond */
    smmu->cr[2] = 0;
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_no_event();                      /* RECINVSID=0 */
    smmu->cr[2] = R_CR2_RECINVSID_MASK;
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_C_BAD_STREAMID, SID), 0, 0, 0);
    expect_no_event();
    smmu_teardown();
}

static void test_ste_fetch_abort(void)
{
    uint64_t v;

    smmu_setup();
    smmu->strtab_base = UNMAPPED_PA;
    g_assert_cmpint(dma_read(DATA, &v, 7), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0_ssid(SMMU_EVT_F_STE_FETCH, SID, 7, true), 0, 0,
                 UNMAPPED_PA + SID * 64);
    smmu_teardown();
}

static void test_bad_ste_and_abort(void)
{
    Ste ste = { .config = 4, .invalid = true };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_C_BAD_STE, SID), 0, 0, 0);
    /* Config 0b000: abort without an event. */
    ste = (Ste) { .config = 0 };
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_no_event();
    smmu_teardown();
}

static void test_bypass(void)
{
    Ste ste = { .config = 4 };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_write(DATA + 8, 0xabcdef, -1), ==, MEMTX_OK);
    g_assert_cmphex(get64(DATA + 8), ==, 0xabcdef);
    g_assert_cmpuint(smmu->config_misses, ==, 1);
    g_assert_cmpuint(smmu->config_hits, ==, 0);
    g_assert_cmpint(dma_read(DATA + 8, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0xabcdef);
    g_assert_cmpuint(smmu->config_hits, ==, 1);
    /* Beyond OAS (44 bits): stage-1 F_ADDR_SIZE, CLASS=IN. */
    g_assert_cmpint(dma_read(1ULL << 44, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_ADDR_SIZE, SID),
                 EV_RNW | EV_CLASS(SMMU_CLASS_IN), 1ULL << 44, 0);
    /* A SubstreamID with stage 1 off: C_BAD_SUBSTREAMID, SSV clear. */
    g_assert_cmpint(dma_read(DATA, &v, 0x42), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0_ssid(SMMU_EVT_C_BAD_SUBSTREAMID, SID, 0x42, false),
                 0, 0, 0);
    expect_no_event();
    g_assert_cmpuint(smmu_iotlb_count(smmu), ==, 0);
    smmu_teardown();
}

/* The cached STE is used until CFGI drops it. */
static void test_config_cache(void)
{
    Ste ste = { .config = 4 };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_OK);
    ste.config = 0;
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_OK);   /* stale */
    smmuv3_config_inv_sids(smmu, 0, SID - 1);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_OK);
    smmuv3_config_inv_sids(smmu, SID, SID);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    g_assert_cmpuint(smmu->config_hits, ==, 2);
    g_assert_cmpuint(smmu->config_misses, ==, 2);
    ste.config = 4;
    write_ste(STRTAB + SID * 64, &ste);
    smmuv3_config_inv_all(smmu);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_OK);
    g_assert_cmpuint(smmu->config_misses, ==, 3);
    expect_no_event();
    smmu_teardown();
}

static void test_two_level_strtab(void)
{
    Ste ste = { .config = 4 };
    uint64_t v;

    smmu_setup();
    /* 2-level, SPLIT 8, 16-bit SIDs: L1STD 0 covers SIDs 0..255. */
    smmu->strtab_base_cfg = 16 | 8 << 6 | 1 << 16;
    write_ste(STRTAB_L2 + SID * 64, &ste);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_C_BAD_STREAMID, SID), 0, 0, 0);  /* Span 0 */
    put64(STRTAB, STRTAB_L2 | 9);                        /* Span 9 */
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_OK);
    /* An L1STD that cannot be read. */
    smmu->strtab_base = UNMAPPED_PA;
    smmuv3_config_inv_all(smmu);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_STE_FETCH, SID), 0, 0, UNMAPPED_PA);
    expect_no_event();
    smmu_teardown();
}

/* ---- substreams and CDs ---- */

static void test_substreams(void)
{
    Ste ste = { .config = 5, .ctx = CDTAB, .cdmax = 4, .s1dss = 0 };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    write_cd(CDTAB + 3 * 64, true, true);
    /* No SSID with S1DSS=0: F_STREAM_DISABLED, the StreamID only. */
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_STREAM_DISABLED, SID), 0, 0, 0);
    /* SSID beyond S1CDMax. */
    g_assert_cmpint(dma_read(IOVA_RW, &v, 16), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0_ssid(SMMU_EVT_C_BAD_SUBSTREAMID, SID, 16, false),
                 0, 0, 0);
    /* SSID 2's CD is not valid. */
    g_assert_cmpint(dma_read(IOVA_RW, &v, 2), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0_ssid(SMMU_EVT_C_BAD_CD, SID, 2, true), 0, 0, 0);
    expect_no_event();
    /* S1DSS=1: stage 1 bypassed for transactions without an SSID. */
    ste.s1dss = 1;
    write_ste(STRTAB + SID * 64, &ste);
    smmuv3_config_inv_all(smmu);
    g_assert_cmpint(dma_write(DATA + 0x10, 0x55, -1), ==, MEMTX_OK);
    g_assert_cmphex(get64(DATA + 0x10), ==, 0x55);
    /* S1DSS=2: SSID 0 is reserved for them. */
    ste.s1dss = 2;
    write_ste(STRTAB + SID * 64, &ste);
    smmuv3_config_inv_all(smmu);
    g_assert_cmpint(dma_read(IOVA_RW, &v, 0), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_STREAM_DISABLED, SID), 0, 0, 0);
    expect_no_event();
    smmu_teardown();
}

static void test_cd_fetch_abort(void)
{
    Ste ste = { .config = 5, .ctx = UNMAPPED_PA };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_CD_FETCH, SID), 0, 0, UNMAPPED_PA);
    expect_no_event();
    smmu_teardown();
}

static void test_two_level_cd(void)
{
    /* S1Fmt=1: 64 CDs per leaf; SSID 0x47 is L1CD 1, CD 7. */
    Ste ste = { .config = 5, .ctx = CDTAB, .s1fmt = 1, .cdmax = 10 };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    write_cd(CDTAB_L2 + 7 * 64, true, true);
    g_assert_cmpint(dma_read(IOVA_RW, &v, 0x47), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0_ssid(SMMU_EVT_C_BAD_SUBSTREAMID, SID, 0x47, false),
                 0, 0, 0);
    put64(CDTAB + 8, CDTAB_L2 | 1);
    put64(DATA, 0x77);
    g_assert_cmpint(dma_read(IOVA_RW, &v, 0x47), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x77);
    expect_no_event();
    smmu_teardown();
}

/*
 * A guest controls how many (StreamID, SubstreamID) pairs it uses: the
 * configuration cache must not grow with them.  8192 substreams share
 * one leaf of 64 valid CDs (every L1CD points at it); past the bound
 * the cache starts again, and translation goes on.
 */
static void test_config_cache_bounded(void)
{
    Ste ste = { .config = 5, .ctx = CDTAB, .s1fmt = 1, .cdmax = 13 };
    guint peak = 0;
    uint64_t v;
    unsigned i;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    for (i = 0; i < 64; i++) {
        write_cd(CDTAB_L2 + i * 64, true, true);
    }
    for (i = 0; i < 128; i++) {
        put64(CDTAB + 8 * i, CDTAB_L2 | 1);
    }
    put64(DATA, 0x77);
    for (i = 0; i < 5000; i++) {
        g_assert_cmpint(dma_read(IOVA_RW, &v, i), ==, MEMTX_OK);
        g_assert_cmphex(v, ==, 0x77);
        peak = MAX(peak, g_hash_table_size(smmu->configs));
    }
    g_assert_cmpuint(peak, ==, 4096);
    g_assert_cmpuint(g_hash_table_size(smmu->configs), ==, 5000 - 4096);
    g_assert_cmpuint(smmu->config_misses, ==, 5000);
    expect_no_event();
    smmu_teardown();
}

/* ---- translation ---- */

static void test_stage1(void)
{
    Ste ste = { .config = 5, .ctx = CDTAB };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    write_cd(CDTAB, true, true);
    g_assert_cmpint(dma_write(IOVA_RW + 0x18, 0x1234, -1), ==, MEMTX_OK);
    g_assert_cmphex(get64(DATA + 0x18), ==, 0x1234);
    g_assert_cmpuint(smmu->iotlb_misses, ==, 1);
    g_assert_cmpuint(smmu_iotlb_count(smmu), ==, 1);
    g_assert_cmpint(dma_read(IOVA_RW + 0x18, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x1234);
    g_assert_cmpuint(smmu->iotlb_hits, ==, 1);
    /* Read-only page: reads work, writes are F_PERMISSION S2=0. */
    put64(DATA + 0x1000, 0x99);
    g_assert_cmpint(dma_read(IOVA_RO, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x99);
    g_assert_cmpint(dma_write(IOVA_RO + 8, 1, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_PERMISSION, SID),
                 EV_CLASS(SMMU_CLASS_IN), IOVA_RO + 8, 0);
    g_assert_cmphex(get64(DATA + 0x1008), ==, 0);
    /* Invalid descriptor: F_TRANSLATION, a read. */
    g_assert_cmpint(dma_read(IOVA_INVALID, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_TRANSLATION, SID),
                 EV_RNW | EV_CLASS(SMMU_CLASS_IN), IOVA_INVALID, 0);
    expect_no_event();
    /* The stale entry serves until the TLBI, then the walk faults. */
    put64(S1_L3 + 8 * (IOVA_RW >> 12), 0);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_OK);
    smmu_iotlb_inv_va(smmu, VMID, ASID, IOVA_RW, 0x1000, 3);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_TRANSLATION, SID),
                 EV_RNW | EV_CLASS(SMMU_CLASS_IN), IOVA_RW, 0);
    /* CD.R=0: translation faults are not recorded... */
    write_cd(CDTAB, true, false);
    smmuv3_config_inv_cd(smmu, SID, 0);
    g_assert_cmpint(dma_read(IOVA_INVALID, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_no_event();
    /* ...but an abort fetching a descriptor is: S2=0 CLASS=TT. */
    put64(S1_L2, UNMAPPED_PA | PTE_TABLE);
    g_assert_cmpint(dma_write(IOVA_INVALID, 0, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_WALK_EABT, SID), EV_CLASS(SMMU_CLASS_TT),
                 IOVA_INVALID, UNMAPPED_PA + 8 * (IOVA_INVALID >> 12));
    expect_no_event();
    smmu_teardown();
}

/*
 * CD.PAN and CD.WXN (spec 5.4, with the Arm ARM's stage-1 permission
 * rules): STE.PRIVCFG makes the edu's accesses privileged, INSTCFG
 * makes its reads instruction fetches.  PAN=1 refuses privileged data
 * accesses to pages EL0 can access; WXN=1 refuses fetches from
 * writable pages.  The config and the IOTLB are invalidated after each
 * CD change, as a driver does.
 */
#define STE1_PRIVCFG(v) ((uint64_t)(v) << 48)
#define STE1_INSTCFG(v) ((uint64_t)(v) << 50)
#define CD0_WXN (1ULL << 36)
#define CD0_PAN (1ULL << 40)

static void set_cd0_bits(uint64_t set, uint64_t clear)
{
    put64(CDTAB, (get64(CDTAB) & ~clear) | set);
    smmuv3_config_inv_all(smmu);
    smmu_iotlb_inv_all(smmu);
}

static void test_pan_wxn(void)
{
    Ste ste = { .config = 5, .ctx = CDTAB };
    uint64_t ste1 = STRTAB + SID * 64 + 8, v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    put64(ste1, get64(ste1) | STE1_PRIVCFG(3));
    write_cd(CDTAB, true, true);
    put64(DATA, 0x66);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x66);
    set_cd0_bits(CD0_PAN, 0);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_PERMISSION, SID),
                 EV_PNU | EV_RNW | EV_CLASS(SMMU_CLASS_IN), IOVA_RW, 0);
    g_assert_cmpint(dma_write(IOVA_RW, 1, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_PERMISSION, SID),
                 EV_PNU | EV_CLASS(SMMU_CLASS_IN), IOVA_RW, 0);
    g_assert_cmphex(get64(DATA), ==, 0x66);
    expect_no_event();

    /* Unprivileged instruction fetches, WXN. */
    put64(ste1, (get64(ste1) & ~STE1_PRIVCFG(3)) | STE1_PRIVCFG(2) |
          STE1_INSTCFG(3));
    set_cd0_bits(CD0_WXN, CD0_PAN);
    put64(DATA + 0x1000, 0x67);
    g_assert_cmpint(dma_read(IOVA_RO, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x67);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_PERMISSION, SID),
                 EV_IND | EV_RNW | EV_CLASS(SMMU_CLASS_IN), IOVA_RW, 0);
    set_cd0_bits(0, CD0_WXN);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x66);
    expect_no_event();
    smmu_teardown();
}

/*
 * With TBI the top byte of a VA takes no part in translation (spec
 * 3.4.1), so a tagged access and the untagged address a driver names in
 * its TLBI are the same TLB entry: the invalidation must reach it.
 */
#define CD0_TBI0 (1ULL << 38)
#define TAG(va) ((va) | 0x5aULL << 56)

static void test_tbi_tlbi(void)
{
    Ste ste = { .config = 5, .ctx = CDTAB };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    write_cd(CDTAB, true, true);
    put64(CDTAB, get64(CDTAB) | CD0_TBI0);
    put64(DATA + 0x30, 0x31);
    g_assert_cmpint(dma_read(TAG(IOVA_RW) + 0x30, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x31);
    g_assert_cmpint(dma_read(IOVA_RW + 0x30, &v, -1), ==, MEMTX_OK);
    g_assert_cmpuint(smmu->iotlb_hits, ==, 1);
    put64(S1_L3 + 8 * (IOVA_RW >> 12), 0);
    smmu_iotlb_inv_va(smmu, VMID, ASID, IOVA_RW, 0, 0);
    g_assert_cmpint(dma_read(TAG(IOVA_RW) + 0x30, &v, -1), ==,
                    MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_TRANSLATION, SID),
                 EV_RNW | EV_CLASS(SMMU_CLASS_IN), TAG(IOVA_RW) + 0x30, 0);
    /* Without TBI a tagged VA is out of range. */
    put64(CDTAB, get64(CDTAB) & ~CD0_TBI0);
    smmuv3_config_inv_all(smmu);
    g_assert_cmpint(dma_read(TAG(IOVA_RO), &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_TRANSLATION, SID),
                 EV_RNW | EV_CLASS(SMMU_CLASS_IN), TAG(IOVA_RO), 0);
    expect_no_event();
    smmu_teardown();
}

static void test_stage2(void)
{
    Ste ste = { .config = 6, .s2r = true };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    g_assert_cmpint(dma_write(DATA + 0x20, 0x4242, -1), ==, MEMTX_OK);
    g_assert_cmphex(get64(DATA + 0x20), ==, 0x4242);
    /* Outside the mapped 2 MiB: stage-2 F_TRANSLATION with the IPA. */
    g_assert_cmpint(dma_read(RAM + 0x200000, &v, -1), ==,
                    MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_TRANSLATION, SID),
                 EV_RNW | EV_S2 | EV_CLASS(SMMU_CLASS_IN), RAM + 0x200000,
                 RAM + 0x200000);
    /* S2_IPA drops the stage-2 entry. */
    g_assert_cmpuint(smmu_iotlb_count(smmu), ==, 1);
    smmu_iotlb_inv_ipa(smmu, VMID, DATA, 0x1000, 0);
    g_assert_cmpuint(smmu_iotlb_count(smmu), ==, 0);
    /* A read-only page: the write after a cached read is S2=1. */
    put64(S2_L3 + 8 * ((DATA - RAM) >> 12), DATA | PTE_PAGE | PTE_AF |
          1ULL << 6 | S2_MEMATTR_WB);
    g_assert_cmpint(dma_read(DATA, &v, -1), ==, MEMTX_OK);
    g_assert_cmpint(dma_write(DATA + 0x28, 1, -1), ==, MEMTX_IOMMU_FAULT);
    g_assert_cmpuint(smmu->iotlb_hits, ==, 1);
    expect_event(ev0(SMMU_EVT_F_PERMISSION, SID),
                 EV_S2 | EV_CLASS(SMMU_CLASS_IN), DATA + 0x28, DATA);
    expect_no_event();
    smmu_teardown();
}

static void test_nested(void)
{
    Ste ste = { .config = 7, .ctx = CDTAB, .s2r = true };
    uint64_t v;

    smmu_setup();
    write_ste(STRTAB + SID * 64, &ste);
    write_cd(CDTAB, true, true);
    put64(DATA, 0xfeed);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0xfeed);
    /* The CD's IPA outside stage 2: S2=1 CLASS=CD, IPA = the CD's. */
    ste.ctx = RAM + 0x200000;
    write_ste(STRTAB + SID * 64, &ste);
    smmuv3_config_inv_all(smmu);
    g_assert_cmpint(dma_read(IOVA_RW, &v, -1), ==, MEMTX_IOMMU_FAULT);
    expect_event(ev0(SMMU_EVT_F_TRANSLATION, SID),
                 EV_RNW | EV_S2 | EV_CLASS(SMMU_CLASS_CD), IOVA_RW,
                 RAM + 0x200000);
    expect_no_event();
    smmu_teardown();
}

/* A transfer of edu's DMA engine, completed at once. */
static void edu_dma(uint64_t src, uint64_t dst, uint32_t cmd)
{
    static const uint64_t regs[] = {
        EDU_REG_DMA_SRC, EDU_REG_DMA_DST, EDU_REG_DMA_CNT,
    };
    uint64_t vals[] = { src, dst, 8 };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(regs); i++) {
        address_space_stq_le(&address_space_memory, EDU_BAR + regs[i],
                             vals[i], MEMTXATTRS_UNSPECIFIED, NULL);
    }
    address_space_stq_le(&address_space_memory, EDU_BAR + EDU_REG_DMA_CMD,
                         cmd | EDU_DMA_RUN, MEMTXATTRS_UNSPECIFIED, NULL);
    qemu_clock_advance_virtual(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                               EDU_DEFAULT_DMA_DELAY_NS);
}

/* edu's x-pasid: its DMA engine's transfers carry the SubstreamID. */
static void test_edu_pasid(void)
{
    Ste ste = { .config = 5, .ctx = CDTAB, .cdmax = 4, .s1dss = 0 };
    Error *err = NULL;

    smmu_setup();
    g_assert_cmpint(object_property_get_int(OBJECT(edu), "x-pasid",
                                            &error_abort), ==, -1);
    g_assert_false(pci_dma_attrs(edu).has_pasid);
    g_assert_false(object_property_set_int(OBJECT(edu), "x-pasid",
                                           0x100000, &err));
    error_free(err);
    write_ste(STRTAB + SID * 64, &ste);
    write_cd(CDTAB + 9 * 64, true, true);
    put64(DATA, 0x5a5a);

    /* SSID 9: IOVA_RW -> buffer -> IOVA_RW + 8. */
    object_property_set_int(OBJECT(edu), "x-pasid", 9, &error_abort);
    g_assert_true(pci_dma_attrs(edu).has_pasid);
    g_assert_cmpuint(pci_dma_attrs(edu).pasid, ==, 9);
    edu_dma(IOVA_RW, EDU_BUF_START, 0);
    edu_dma(EDU_BUF_START, IOVA_RW + 8, EDU_DMA_TO_RAM);
    g_assert_cmphex(get64(DATA + 8), ==, 0x5a5a);
    expect_no_event();
    /* Without it: F_STREAM_DISABLED (S1DSS=0), nothing written. */
    object_property_set_int(OBJECT(edu), "x-pasid", -1, &error_abort);
    edu_dma(EDU_BUF_START, IOVA_RW + 16, EDU_DMA_TO_RAM);
    g_assert_cmphex(get64(DATA + 16), ==, 0);
    expect_event(ev0(SMMU_EVT_F_STREAM_DISABLED, SID), 0, 0, 0);
    /* SSID 3: C_BAD_CD (its CD is not valid), SSV and SSID recorded. */
    object_property_set_int(OBJECT(edu), "x-pasid", 3, &error_abort);
    edu_dma(EDU_BUF_START, IOVA_RW + 16, EDU_DMA_TO_RAM);
    expect_event(ev0_ssid(SMMU_EVT_C_BAD_CD, SID, 3, true), 0, 0, 0);
    expect_no_event();
    smmu_teardown();
}

/* ---- invalidation notifiers ---- */

static GString *unmaps;

static void record_unmap(IOMMUNotifier *n, IOMMUTLBEntry *e)
{
    g_string_append_printf(unmaps, "%" PRIx64 "+%" PRIx64 " ", e->iova,
                           e->addr_mask);
}

static void test_notify_unmap(void)
{
    AddressSpace *as;
    IOMMUNotifier n, map;
    Error *err = NULL;

    smmu_setup();
    as = pci_device_iommu_address_space(edu);
    g_assert_cmpstr(address_space_name(as), ==, "smmuv3-pcie.0-03.0");
    unmaps = g_string_new(NULL);
    iommu_notifier_init(&n, record_unmap, IOMMU_NOTIFIER_UNMAP, 0,
                        UINT64_MAX, 0);
    g_assert_true(memory_region_register_iommu_notifier(
                      address_space_root(as), &n, &error_abort));
    /* MAP notifiers are refused: there is nothing to tell them. */
    iommu_notifier_init(&map, record_unmap, IOMMU_NOTIFIER_MAP, 0,
                        UINT64_MAX, 0);
    g_assert_false(memory_region_register_iommu_notifier(
                       address_space_root(as), &map, &err));
    g_assert_nonnull(err);
    error_free(err);

    smmuv3_notify_unmap(smmu, 0x1000, 0x1000);
    smmuv3_notify_unmap(smmu, 0x3000, 0x6000);  /* 3000+1000, 4000+4000,
                                                 * 8000+1000 */
    smmuv3_notify_unmap(smmu, 0, 0);
    g_assert_cmpstr(unmaps->str, ==, "1000+fff 3000+fff 4000+3fff "
                    "8000+fff 0+ffffffffffffffff ");
    memory_region_unregister_iommu_notifier(address_space_root(as), &n);
    g_string_free(unmaps, true);
    smmu_teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmuv3-translate/gbpa", test_gbpa);
    g_test_add_func("/smmuv3-translate/bad-streamid", test_bad_streamid);
    g_test_add_func("/smmuv3-translate/ste-fetch-abort",
                    test_ste_fetch_abort);
    g_test_add_func("/smmuv3-translate/bad-ste-and-abort",
                    test_bad_ste_and_abort);
    g_test_add_func("/smmuv3-translate/bypass", test_bypass);
    g_test_add_func("/smmuv3-translate/config-cache", test_config_cache);
    g_test_add_func("/smmuv3-translate/two-level-strtab",
                    test_two_level_strtab);
    g_test_add_func("/smmuv3-translate/substreams", test_substreams);
    g_test_add_func("/smmuv3-translate/cd-fetch-abort", test_cd_fetch_abort);
    g_test_add_func("/smmuv3-translate/two-level-cd", test_two_level_cd);
    g_test_add_func("/smmuv3-translate/config-cache-bounded",
                    test_config_cache_bounded);
    g_test_add_func("/smmuv3-translate/stage1", test_stage1);
    g_test_add_func("/smmuv3-translate/pan-wxn", test_pan_wxn);
    g_test_add_func("/smmuv3-translate/tbi-tlbi", test_tbi_tlbi);
    g_test_add_func("/smmuv3-translate/stage2", test_stage2);
    g_test_add_func("/smmuv3-translate/nested", test_nested);
    g_test_add_func("/smmuv3-translate/edu-pasid", test_edu_pasid);
    g_test_add_func("/smmuv3-translate/notify-unmap", test_notify_unmap);
    return g_test_run();
}
