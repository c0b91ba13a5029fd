/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3 stream-table decoders (hw/arm/smmuv3-ste.c):
 * L1STD, STE and L1CD words in, decoded structs or an ILLEGAL verdict
 * out.  Each rule has a valid base STE that must decode to exact field
 * values, then one mutation per ILLEGAL condition that must be rejected
 * with a phrase naming the problem.  The STEs Linux writes (abort,
 * bypass, stage 1 with a CD table, stage 2 for its VTCR choices) must
 * decode to the start level and concatenation Linux relies on.  A
 * fixed-seed random sweep checks that no input crashes any decoder and
 * that whatever they accept is self-consistent.  The CD tests are in
 * test-smmuv3-cd.c; the words are built by smmuv3-ste-words.h.
 */
#include "qemu/osdep.h"
#include "smmuv3-ste-words.h"

/* ---- pa_range_bits ---- */

static void test_pa_range(void)
{
    static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

    for (unsigned i = 0; i < 8; i++) {
        g_assert_cmpuint(smmuv3_pa_range_bits(i), ==, bits[i]);
    }
}

/* ---- L1STD ---- */

static void test_l1std(void)
{
    uint64_t l2ptr = 0;
    const char *why = NULL;
    /* Linux: Span = SPLIT + 1 = 9, 256 STEs, a 16 KiB array. */
    uint64_t l1 = (RAM + 0x8000) | 9;

    g_assert_true(smmuv3_l1std_decode(l1, 8, 0, &l2ptr, &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x8000);
    g_assert_true(smmuv3_l1std_decode(l1, 8, 255, &l2ptr, &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x8000);

    /* L2Ptr[13:0] are taken as 0 for Span 9; bits [63:56] are RES0. */
    l1 = 0xff00000000000000ULL | (RAM + 0x8000 + 0x2fc0) | 9;
    g_assert_true(smmuv3_l1std_decode(l1, 8, 3, &l2ptr, &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x8000);
    /* Span 1: one STE, 64-byte aligned. */
    g_assert_true(smmuv3_l1std_decode((RAM + 0x40) | 1, 8, 0, &l2ptr, &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x40);
    /* Span 11 = SPLIT 10 + 1: 1024 STEs, 64 KiB aligned. */
    g_assert_true(smmuv3_l1std_decode((RAM + 0x1ffc0) | 11, 10, 1023, &l2ptr,
                                      &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x10000);

    why = NULL;
    g_assert_false(smmuv3_l1std_decode(RAM, 8, 0, &l2ptr, &why));
    g_assert_cmpstr(why, ==, "L1STD Span 0");
    g_assert_false(smmuv3_l1std_decode(RAM | 12, 8, 0, &l2ptr, &why));
    g_assert_nonnull(strstr(why, "Span 12 reserved"));
    g_assert_false(smmuv3_l1std_decode(RAM | 31, 8, 0, &l2ptr, &why));
    g_assert_nonnull(strstr(why, "Span 31 reserved"));
    g_assert_false(smmuv3_l1std_decode(RAM | 10, 8, 0, &l2ptr, &why));
    g_assert_nonnull(strstr(why, "above SPLIT"));
    g_assert_false(smmuv3_l1std_decode(RAM | 9, 8, 256, &l2ptr, &why));
    g_assert_nonnull(strstr(why, "beyond Span"));
    g_assert_false(smmuv3_l1std_decode(RAM | 1, 8, 1, &l2ptr, &why));
    g_assert_nonnull(strstr(why, "beyond Span"));
    g_assert_false(smmuv3_l1std_decode(RAM | 3, 8, 4, &l2ptr, &why));
    g_assert_true(smmuv3_l1std_decode(RAM | 3, 8, 3, &l2ptr, &why));
}

/* ---- STE: abort, bypass ---- */

static void test_ste_abort(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8] = { 0 };
    SMMUSteCfg cfg;
    const char *why = NULL;

    /* Linux's abort STE: V=1, Config=0. */
    put(ste, STE_V, 1, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_ABORT);
    g_assert_cmpuint(cfg.vmid, ==, 0);

    /* 0b001..0b011 are reserved and abort the same; the rest IGNORED. */
    for (unsigned c = 1; c < 4; c++) {
        put(ste, STE_CONFIG, 3, c);
        ste[2] = ~0ULL;
        ste[3] = ~0ULL;
        ste_ok(&caps, ste, &cfg);
        g_assert_cmpint(cfg.config, ==, SMMU_STE_ABORT);
        g_assert_cmpuint(cfg.vmid, ==, 0);
    }

    /* V=0 is invalid whatever the rest says. */
    memset(ste, 0, sizeof(ste));
    put(ste, STE_CONFIG, 3, 4);
    g_assert_false(smmuv3_ste_decode(&caps, ste, &cfg, &why));
    g_assert_cmpstr(why, ==, "V=0");
}

static void test_ste_bypass(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8] = { 0 };
    SMMUSteCfg cfg;

    put(ste, STE_V, 1, 1);
    put(ste, STE_CONFIG, 3, 4);
    put(ste, STE_SHCFG, 2, 1);
    put(ste, STE_PRIVCFG, 2, 2);
    put(ste, STE_INSTCFG, 2, 3);
    put(ste, STE_EATS, 2, 1);
    /* S1* and S2* are IGNORED, VMID included. */
    put(ste, STE_S2VMID, 16, 9);
    put(ste, STE_S2AA64, 1, 0);
    put(ste, STE_S1STALLD, 1, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_BYPASS);
    g_assert_cmpuint(cfg.privcfg, ==, 2);
    g_assert_cmpuint(cfg.instcfg, ==, 3);
    g_assert_cmpuint(cfg.eats, ==, 0);
    g_assert_cmpuint(cfg.vmid, ==, 0);
    g_assert_false(cfg.s1stalld);
    g_assert_cmpint(cfg.s2.stage, ==, 0);

    /* PRIVCFG / INSTCFG 0b01 are reserved and behave as 0b00. */
    put(ste, STE_PRIVCFG, 2, 1);
    put(ste, STE_INSTCFG, 2, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.privcfg, ==, 0);
    g_assert_cmpuint(cfg.instcfg, ==, 0);
}

/* ---- STE: stage 1 ---- */

static void test_ste_s1(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8];
    SMMUSteCfg cfg;

    /* Linux, no PASIDs: one CD, VMID 0. */
    make_s1_ste(ste, RAM + 0x1000, 0, 0);
    put(ste, STE_S1DSS, 2, 2);      /* IGNORED with S1CDMax 0 */
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_S1);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x1000);
    g_assert_cmpuint(cfg.s1_fmt, ==, 0);
    g_assert_cmpuint(cfg.s1_cdmax, ==, 0);
    g_assert_cmpuint(cfg.s1dss, ==, 0);
    g_assert_false(cfg.s1stalld);
    g_assert_cmpuint(cfg.strw, ==, 0);
    g_assert_cmpuint(cfg.vmid, ==, 0);
    g_assert_false(cfg.s2r);
    g_assert_cmpint(cfg.s2.stage, ==, 0);

    /* S2VMID tags stage-1-only NS-EL1 entries when stage 2 exists. */
    put(ste, STE_S2VMID, 16, 5);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.vmid, ==, 5);
    /* ... and is IGNORED without stage 2, 16-bit value or not. */
    caps.s2p = false;
    caps.vmid16 = false;
    put(ste, STE_S2VMID, 16, 0x1234);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.vmid, ==, 0);
    caps.s2p = true;
    ste_bad(&caps, ste, "S2VMID 0x1234 needs VMID16");
    caps = model_caps();

    /* Stage-2 fields are IGNORED by a stage-1-only STE. */
    make_s1_ste(ste, RAM + 0x1000, 0, 0);
    put(ste, STE_S2TG, 2, 3);
    put(ste, STE_S2T0SZ, 6, 2);
    put(ste, STE_S2S, 1, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpint(cfg.s2.stage, ==, 0);
    g_assert_false(cfg.s2s);

    /* Linear table of 16 CDs (1 KiB): RES0 low bits taken as zero. */
    make_s1_ste(ste, RAM + 0x1000 + 0x3c0, 0, 4);
    put(ste, STE_S1DSS, 2, 2);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x1000);
    g_assert_cmpuint(cfg.s1_cdmax, ==, 4);
    g_assert_cmpuint(cfg.s1_fmt, ==, 0);
    g_assert_cmpuint(cfg.s1dss, ==, 2);
    put(ste, STE_S1DSS, 2, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s1dss, ==, 1);
    /* S1DSS 0b11 is reserved, behaves as 0b00. */
    put(ste, STE_S1DSS, 2, 3);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s1dss, ==, 0);

    /* S1Fmt 2, 2^16 CDs: 64 L1CDs, a 512-byte L1 table. */
    make_s1_ste(ste, RAM + 0x1100, 2, 16);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x1000);
    g_assert_cmpuint(cfg.s1_fmt, ==, 2);
    g_assert_cmpuint(cfg.s1_cdmax, ==, 16);
    /* S1Fmt 1, 2^16 CDs: 1024 L1CDs, 8 KiB. */
    make_s1_ste(ste, RAM + 0x3000, 1, 16);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x2000);
    g_assert_cmpuint(cfg.s1_fmt, ==, 1);
    /* Few CDs in a 2-level table: one L1CD, 64-byte alignment. */
    make_s1_ste(ste, RAM + 0x1040, 2, 3);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x1040);
    /* S1Fmt 0b11 is reserved, behaves as 0b00 (linear). */
    make_s1_ste(ste, RAM + 0x1000, 3, 4);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s1_fmt, ==, 0);
    /* S1Fmt is IGNORED with one CD. */
    caps.cd2l = false;
    make_s1_ste(ste, RAM + 0x1000, 2, 0);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s1_fmt, ==, 0);
    caps = model_caps();

    /* S1STALLD is allowed only with the stall-and-terminate model. */
    make_s1_ste(ste, RAM + 0x1000, 0, 0);
    put(ste, STE_S1STALLD, 1, 1);
    caps.stall_model = 0;
    ste_ok(&caps, ste, &cfg);
    g_assert_true(cfg.s1stalld);
    caps.stall_model = 1;
    ste_bad(&caps, ste, "S1STALLD=1 with STALL_MODEL 1");
    caps.stall_model = 2;
    ste_bad(&caps, ste, "S1STALLD");
    caps = model_caps();

    /* ILLEGAL: S1CDMax beyond SSIDSIZE; 2-level without CD2L. */
    make_s1_ste(ste, RAM, 0, 17);
    ste_bad(&caps, ste, "S1CDMax 17 above SSIDSIZE 16");
    make_s1_ste(ste, RAM, 0, 16);
    ste_ok(&caps, ste, &cfg);
    caps.cd2l = false;
    make_s1_ste(ste, RAM, 1, 8);
    ste_bad(&caps, ste, "S1Fmt 1 without CD2L");
    make_s1_ste(ste, RAM, 2, 8);
    ste_bad(&caps, ste, "S1Fmt 2 without CD2L");
    caps = model_caps();

    /* ILLEGAL: S1ContextPtr beyond the 44-bit OAS (PA). */
    make_s1_ste(ste, 1ULL << 44, 0, 0);
    ste_bad(&caps, ste, "S1ContextPtr");
    make_s1_ste(ste, 1ULL << 55, 0, 0);
    ste_bad(&caps, ste, "S1ContextPtr");
    make_s1_ste(ste, (1ULL << 44) - 64, 0, 0);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, (1ULL << 44) - 64);
}

/* Substreams unsupported: S1CDMax, S1Fmt, S1DSS are IGNORED. */
static void test_ste_no_ssid(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8];
    SMMUSteCfg cfg;

    caps.ssidsize = 0;
    caps.cd2l = false;
    make_s1_ste(ste, RAM + 0x1000, 2, 31);
    put(ste, STE_S1DSS, 2, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s1_cdmax, ==, 0);
    g_assert_cmpuint(cfg.s1_fmt, ==, 0);
    g_assert_cmpuint(cfg.s1dss, ==, 0);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x1000);
}

static void test_ste_strw(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8];
    SMMUSteCfg cfg;

    /* Hyp=0: STRW is RES0, the StreamWorld is NS-EL1. */
    make_s1_ste(ste, RAM, 0, 0);
    put(ste, STE_STRW, 2, 3);
    put(ste, STE_S2VMID, 16, 7);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.strw, ==, 0);
    g_assert_cmpuint(cfg.vmid, ==, 7);

    /* Hyp=1: 0bx1 is ILLEGAL, 0b10 is EL2 (no VMID). */
    caps.hyp = true;
    ste_bad(&caps, ste, "STRW 3 reserved");
    put(ste, STE_STRW, 2, 1);
    ste_bad(&caps, ste, "STRW 1 reserved");
    put(ste, STE_STRW, 2, 2);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.strw, ==, 2);
    g_assert_cmpuint(cfg.vmid, ==, 0);

    /* STRW is IGNORED once stage 2 translates. */
    make_s2_ste(ste, 7, 24, 1, TG_4K, 2, RAM);
    put(ste, STE_STRW, 2, 1);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.strw, ==, 0);
    g_assert_cmpuint(cfg.vmid, ==, 7);
}

/* ---- STE: stage 2, the VTCR choices Linux makes ---- */

static void test_ste_s2_linux(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8];
    SMMUSteCfg cfg;

    /* 4K, 40-bit IPA: level 1 with 2 concatenated tables (8 KiB). */
    make_s2_ste(ste, 3, 24, 1, TG_4K, 2, RAM + 0x1000);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_S2);
    check_s2(&cfg.s2, 40, RAM, 24, 12, 1, 2);
    g_assert_false(cfg.s2.affd);
    g_assert_false(cfg.s2.s2ptw);      /* IGNORED: stage 1 bypassed */
    g_assert_true(cfg.s2.xnx);
    g_assert_cmpuint(cfg.vmid, ==, 3);
    g_assert_true(cfg.s2r);
    g_assert_false(cfg.s2s);
    g_assert_cmpuint(cfg.s1_ctx_ptr, ==, 0);

    /* 4K, 42-bit: 8 tables at level 1 (32 KiB). */
    make_s2_ste(ste, 3, 22, 1, TG_4K, 3, RAM + 0x9000);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 42, RAM + 0x8000, 22, 12, 1, 8);

    /* 4K, 39-bit: one table at level 1. */
    make_s2_ste(ste, 3, 25, 1, TG_4K, 2, RAM + 0x1000);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM + 0x1000, 25, 12, 1, 1);

    /* 4K, 44-bit from level 0 (needs OAS >= 44): 32 entries. */
    make_s2_ste(ste, 3, 20, 2, TG_4K, 4, RAM + 0x1100);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 44, RAM + 0x1100, 20, 12, 0, 1);
    make_s2_ste(ste, 3, 20, 2, TG_4K, 4, RAM + 0x1180);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s2.tt[0].ttb, ==, RAM + 0x1100);

    /* 16K, 40-bit: 16 tables at level 2 (256 KiB). */
    make_s2_ste(ste, 3, 24, 1, TG_16K, 2, RAM + 0x41000);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM + 0x40000, 24, 14, 2, 16);

    /* 64K, 40-bit: one 16 KiB table at level 2. */
    make_s2_ste(ste, 3, 24, 1, TG_64K, 2, RAM + 0x5000);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM + 0x4000, 24, 16, 2, 1);

    /* A 48-bit OAS: 4K from level 0, 16K 2 tables at L1, 64K at L1. */
    caps.oas = 48;
    make_s2_ste(ste, 3, 16, 2, TG_4K, 5, RAM + 0x1000);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 48, RAM + 0x1000, 16, 12, 0, 1);
    make_s2_ste(ste, 3, 16, 2, TG_16K, 5, RAM + 0x1010);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 48, RAM, 16, 14, 1, 2);
    make_s2_ste(ste, 3, 16, 2, TG_64K, 5, RAM + 0x210);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 48, RAM + 0x200, 16, 16, 1, 1);
    caps = model_caps();

    /* eff_S2PS = MIN(S2PS, OAS): 48 and 56 capped at 44. */
    make_s2_ste(ste, 3, 24, 1, TG_4K, 5, RAM);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s2.oas, ==, 44);
    make_s2_ste(ste, 3, 24, 1, TG_4K, 7, RAM);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s2.oas, ==, 44);
    make_s2_ste(ste, 3, 24, 1, TG_4K, 0, RAM);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.s2.oas, ==, 32);

    /* S2AFFD, S2S (stall model 0), S2R=0, S1 fields IGNORED. */
    caps.stall_model = 0;
    make_s2_ste(ste, 0xbeef, 24, 1, TG_4K, 2, RAM);
    put(ste, STE_S2AFFD, 1, 1);
    put(ste, STE_S2S, 1, 1);
    put(ste, STE_S2R, 1, 0);
    put(ste, STE_S1CDMAX, 5, 31);
    put(ste, STE_S1STALLD, 1, 1);
    put_ctx(ste, 1ULL << 55);
    ste_ok(&caps, ste, &cfg);
    g_assert_true(cfg.s2.affd);
    g_assert_true(cfg.s2s);
    g_assert_false(cfg.s2r);
    g_assert_cmpuint(cfg.vmid, ==, 0xbeef);
    g_assert_cmpuint(cfg.s1_cdmax, ==, 0);
    g_assert_false(cfg.s1stalld);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, 0);
}

/* Small translation tables (IDR3.STT): T0SZ up to 48, level 3 starts. */
static void test_ste_s2_stt(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8];
    SMMUSteCfg cfg;

    make_s2_ste(ste, 1, 40, 3, TG_4K, 2, RAM + 0x4000);
    ste_bad(&caps, ste, "S2T0SZ 40 above 39");
    caps.stt = true;
    /* 24-bit IPA from level 3: 2^12 entries = 8 concatenated tables. */
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM, 40, 12, 3, 8);
    /* 16-bit IPA: 16 entries, 128 bytes. */
    make_s2_ste(ste, 1, 48, 3, TG_4K, 2, RAM + 0xf0);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM + 0x80, 48, 12, 3, 1);
    make_s2_ste(ste, 1, 48, 0, TG_16K, 2, RAM);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM, 48, 14, 3, 1);
    make_s2_ste(ste, 1, 48, 0, TG_64K, 2, RAM);
    ste_bad(&caps, ste, "S2T0SZ 48 above 47");
    make_s2_ste(ste, 1, 47, 0, TG_64K, 2, RAM);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 40, RAM, 47, 16, 3, 1);
    make_s2_ste(ste, 1, 49, 3, TG_4K, 2, RAM);
    ste_bad(&caps, ste, "S2T0SZ 49 above 48");
}

/* One mutation of a valid S2 STE per ILLEGAL condition. */
static void test_ste_s2_illegal(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t base[8], ste[8];
    SMMUSteCfg cfg;

    make_s2_ste(base, 3, 24, 1, TG_4K, 2, RAM);
    ste_ok(&caps, base, &cfg);

#define MUTATE(field, len, v) \
    do { \
        memcpy(ste, base, sizeof(ste)); \
        put(ste, (field), (len), (v)); \
    } while (0)

    MUTATE(STE_S2AA64, 1, 0);
    ste_bad(&caps, ste, "S2AA64=0");

    /* Stall models. */
    MUTATE(STE_S2S, 1, 1);
    ste_bad(&caps, ste, "S2S=1 with STALL_MODEL 1");
    caps.stall_model = 2;
    ste_bad(&caps, base, "S2S=0 with STALL_MODEL 2");
    ste_ok(&caps, ste, &cfg);
    g_assert_true(cfg.s2s);
    caps = model_caps();

    /* HTTU. */
    MUTATE(STE_S2HA, 1, 1);
    ste_bad(&caps, ste, "S2HA=1 without HTTU");
    caps.httu = 1;
    ste_ok(&caps, ste, &cfg);
    caps = model_caps();
    MUTATE(STE_S2HD, 1, 1);
    ste_bad(&caps, ste, "S2HD=1 without HTTU");
    caps.httu = 1;
    ste_bad(&caps, ste, "S2HD=1 with HTTU 1");
    caps.httu = 2;
    ste_ok(&caps, ste, &cfg);
    MUTATE(STE_S2HAFT, 1, 1);
    ste_ok(&caps, ste, &cfg);          /* RES0 below HTTU 3 */
    caps.httu = 3;
    ste_bad(&caps, ste, "S2HAFT=1 with S2HA=0");
    put(ste, STE_S2HA, 1, 1);
    ste_ok(&caps, ste, &cfg);
    caps = model_caps();

    /* Granules. */
    MUTATE(STE_S2TG, 2, 3);
    ste_bad(&caps, ste, "S2TG 3 reserved");
    caps.gran16k = false;
    make_s2_ste(ste, 3, 24, 1, TG_16K, 2, RAM);
    ste_bad(&caps, ste, "16K granule not supported");
    caps = model_caps();
    caps.gran64k = false;
    make_s2_ste(ste, 3, 24, 1, TG_64K, 2, RAM);
    ste_bad(&caps, ste, "64K granule not supported");
    caps = model_caps();
    caps.gran4k = false;
    ste_bad(&caps, base, "4K granule not supported");
    caps = model_caps();

    /* S2T0SZ range: min MAX(16, 64 - OAS), 12 for 64K; max 39. */
    MUTATE(STE_S2T0SZ, 6, 19);
    ste_bad(&caps, ste, "S2T0SZ 19 below 20");
    caps.oas = 48;
    make_s2_ste(ste, 3, 10, 2, TG_4K, 5, RAM);
    ste_bad(&caps, ste, "S2T0SZ 10 below 16");
    caps.oas = 52;
    make_s2_ste(ste, 3, 12, 2, TG_64K, 6, RAM);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 52, RAM, 12, 16, 1, 1);
    make_s2_ste(ste, 3, 11, 2, TG_64K, 6, RAM);
    ste_bad(&caps, ste, "S2T0SZ 11 below 12");
    make_s2_ste(ste, 3, 12, 2, TG_4K, 6, RAM);
    ste_bad(&caps, ste, "S2T0SZ 12 below 16");
    caps = model_caps();
    MUTATE(STE_S2T0SZ, 6, 40);
    ste_bad(&caps, ste, "S2T0SZ 40 above 39");
    MUTATE(STE_S2T0SZ, 6, 63);
    ste_bad(&caps, ste, "S2T0SZ 63 above 39");

    /* S2SL0 / S2T0SZ / S2TG consistency. */
    make_s2_ste(ste, 3, 24, 0, TG_4K, 2, RAM);    /* L2: 19 bits */
    ste_bad(&caps, ste, "inconsistent");
    make_s2_ste(ste, 3, 25, 2, TG_4K, 2, RAM);    /* L0: 0 bits */
    ste_bad(&caps, ste, "inconsistent");
    make_s2_ste(ste, 3, 24, 2, TG_64K, 2, RAM);   /* L1: -2 bits */
    ste_bad(&caps, ste, "inconsistent");
    make_s2_ste(ste, 3, 24, 1, TG_16K, 2, RAM);   /* L2: 15 bits, ok */
    ste_ok(&caps, ste, &cfg);
    make_s2_ste(ste, 3, 23, 1, TG_16K, 2, RAM);   /* 32 tables */
    ste_bad(&caps, ste, "inconsistent");
    make_s2_ste(ste, 3, 37, 3, TG_4K, 2, RAM);
    ste_bad(&caps, ste, "S2SL0 3 with a 4K granule needs STT");
    make_s2_ste(ste, 3, 37, 3, TG_16K, 2, RAM);
    ste_bad(&caps, ste, "needs DS");
    make_s2_ste(ste, 3, 30, 3, TG_64K, 2, RAM);
    ste_bad(&caps, ste, "S2SL0 3 reserved");

    /* Deep starts need a big enough PA (OAS 40 here). */
    caps.oas = 40;
    make_s2_ste(ste, 3, 24, 2, TG_4K, 2, RAM);
    ste_bad(&caps, ste, "needs OAS >= 44");
    make_s2_ste(ste, 3, 24, 2, TG_16K, 2, RAM);
    ste_bad(&caps, ste, "needs OAS >= 42");
    make_s2_ste(ste, 3, 24, 2, TG_64K, 2, RAM);
    ste_bad(&caps, ste, "needs OAS >= 44");
    caps.oas = 42;
    make_s2_ste(ste, 3, 22, 2, TG_16K, 3, RAM);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 42, RAM, 22, 14, 1, 1);
    caps = model_caps();

    /* S2TTB outside eff_S2PS. */
    make_s2_ste(ste, 3, 24, 1, TG_4K, 2, 1ULL << 40);
    ste_bad(&caps, ste, "S2TTB 0x10000000000 beyond 40 bits");
    make_s2_ste(ste, 3, 24, 1, TG_4K, 2, (1ULL << 40) - 0x2000);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmphex(cfg.s2.tt[0].ttb, ==, (1ULL << 40) - 0x2000);
    make_s2_ste(ste, 3, 24, 1, TG_4K, 5, 1ULL << 44);
    ste_bad(&caps, ste, "beyond 44 bits");
    make_s2_ste(ste, 3, 24, 1, TG_4K, 5, 1ULL << 52);
    ste_bad(&caps, ste, "S2TTB");
    /* Beyond 48 bits with 4K even when eff_S2PS is 52; 64K may. */
    caps.oas = 52;
    make_s2_ste(ste, 3, 16, 2, TG_4K, 6, 1ULL << 48);
    ste_bad(&caps, ste, "beyond 48 bits");
    make_s2_ste(ste, 3, 16, 2, TG_64K, 6, 1ULL << 48);
    ste_ok(&caps, ste, &cfg);
    check_s2(&cfg.s2, 52, 1ULL << 48, 16, 16, 1, 1);
    caps = model_caps();

    /* Endianness. */
    MUTATE(STE_S2ENDI, 1, 1);
    ste_bad(&caps, ste, "S2ENDI=1 on a little-endian-only SMMU");
    caps.ttendian = 0;
    ste_ok(&caps, ste, &cfg);
    ste_ok(&caps, base, &cfg);
    caps.ttendian = 3;
    ste_bad(&caps, base, "S2ENDI=0 on a big-endian-only SMMU");
    ste_ok(&caps, ste, &cfg);
    caps = model_caps();

    /* 8-bit VMIDs. */
    MUTATE(STE_S2VMID, 16, 0x100);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.vmid, ==, 0x100);
    caps.vmid16 = false;
    ste_bad(&caps, ste, "S2VMID 0x100 needs VMID16");
    MUTATE(STE_S2VMID, 16, 0xff);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpuint(cfg.vmid, ==, 0xff);
#undef MUTATE
}

static void test_ste_nested(void)
{
    SMMUv3Caps caps = model_caps();
    uint64_t ste[8];
    SMMUSteCfg cfg;

    make_s1_ste(ste, RAM + 0x2000, 0, 0);
    put(ste, STE_CONFIG, 3, 7);
    put_s2(ste, 4, 24, 1, TG_4K, 2, RAM + 0x10000);
    ste_ok(&caps, ste, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_NESTED);
    g_assert_cmphex(cfg.s1_ctx_ptr, ==, RAM + 0x2000);
    check_s2(&cfg.s2, 40, RAM + 0x10000, 24, 12, 1, 2);
    g_assert_true(cfg.s2.s2ptw);
    g_assert_cmpuint(cfg.vmid, ==, 4);
    put(ste, STE_S2PTW, 1, 0);
    ste_ok(&caps, ste, &cfg);
    g_assert_false(cfg.s2.s2ptw);

    /* The CD pointer is an IPA: IAS = OAS = 44 bits. */
    put_ctx(ste, 1ULL << 44);
    ste_bad(&caps, ste, "S1ContextPtr");
    /* Both halves are checked. */
    put_ctx(ste, RAM);
    put(ste, STE_S2AA64, 1, 0);
    ste_bad(&caps, ste, "S2AA64=0");
    put(ste, STE_S2AA64, 1, 1);
    put(ste, STE_S1CDMAX, 5, 20);
    ste_bad(&caps, ste, "S1CDMax 20");
}

/* Which Configs an SMMU with only one stage accepts. */
static void test_ste_caps_stages(void)
{
    SMMUv3Caps s1only = model_caps(), s2only = model_caps();
    uint64_t s1[8], s2[8], nested[8], bypass[8] = { 0 };
    SMMUSteCfg cfg;

    s1only.s2p = false;
    s2only.s1p = false;
    make_s1_ste(s1, RAM, 0, 0);
    make_s2_ste(s2, 1, 24, 1, TG_4K, 2, RAM);
    memcpy(nested, s1, sizeof(nested));
    put(nested, STE_CONFIG, 3, 7);
    put_s2(nested, 1, 24, 1, TG_4K, 2, RAM);
    put(bypass, STE_V, 1, 1);
    put(bypass, STE_CONFIG, 3, 4);

    ste_ok(&s1only, s1, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_S1);
    ste_bad(&s1only, s2, "S2P=0");
    ste_bad(&s1only, nested, "S2P=0");
    ste_ok(&s1only, bypass, &cfg);

    ste_bad(&s2only, s1, "S1P=0");
    ste_bad(&s2only, nested, "S1P=0");
    ste_ok(&s2only, s2, &cfg);
    g_assert_cmpint(cfg.config, ==, SMMU_STE_S2);
    ste_ok(&s2only, bypass, &cfg);
}

/* ---- L1CD ---- */

static void test_l1cd(void)
{
    uint64_t l2ptr = 0;
    const char *why = NULL;

    g_assert_false(smmuv3_l1cd_decode(RAM + 0x3000, 1, &l2ptr, &why));
    g_assert_cmpstr(why, ==, "L1CD V=0");
    why = NULL;
    g_assert_false(smmuv3_l1cd_decode(RAM + 0x3000, 2, &l2ptr, &why));
    g_assert_cmpstr(why, ==, "L1CD V=0");

    /* 4 KiB leaves: L2Ptr [55:12]; bits [11:1] and [63:56] RES0. */
    g_assert_true(smmuv3_l1cd_decode(0xff00000000000000ULL |
                                     (RAM + 0x3000) | 0xffe | 1, 1,
                                     &l2ptr, &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x3000);
    /* 64 KiB leaves: L2Ptr[15:12] RES0, taken as zero. */
    g_assert_true(smmuv3_l1cd_decode((RAM + 0x13000) | 1, 2, &l2ptr, &why));
    g_assert_cmphex(l2ptr, ==, RAM + 0x10000);
    /* Not a 2-level table. */
    g_assert_false(smmuv3_l1cd_decode(RAM | 1, 0, &l2ptr, &why));
    g_assert_nonnull(strstr(why, "not a 2-level"));
}

/* ---- Random sweep ---- */

typedef struct Sweep {
    GRand *rand;
    unsigned accepted;
    unsigned rejected;
} Sweep;

static void random_words(GRand *r, uint64_t *w)
{
    for (int i = 0; i < 8; i++) {
        w[i] = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
    }
}

/* Flip 1..4 random bits among the first 256 of a valid structure. */
static void mutate_words(GRand *r, const uint64_t *base, uint64_t *w)
{
    int n = g_rand_int_range(r, 1, 5);

    memcpy(w, base, 64);
    while (n--) {
        unsigned bit = g_rand_int_range(r, 0, 256);

        w[bit / 64] ^= 1ULL << (bit % 64);
    }
}

static void check_s2_invariants(const SMMUv3Caps *caps, const SMMUStageCfg *s2)
{
    unsigned g = s2->tt[0].granule_sz;

    g_assert_cmpint(s2->stage, ==, SMMU_STAGE_2);
    g_assert_true(g == 12 || g == 14 || g == 16);
    g_assert_cmpuint(s2->concat, >=, 1);
    g_assert_cmpuint(s2->concat, <=, 16);
    g_assert_cmpuint(s2->concat & (s2->concat - 1), ==, 0);
    g_assert_cmpint(s2->start_level, >=, 0);
    g_assert_cmpint(s2->start_level, <=, 3);
    g_assert_cmpuint(s2->oas, <=, caps->oas);
    g_assert_cmpuint(s2->tt[0].tsz, >=, 64 - caps->oas);
    g_assert_cmpuint(s2->tt[0].tsz, <=, caps->stt ? 48 : 39);
    g_assert_cmphex(s2->tt[0].ttb >> s2->oas, ==, 0);
    g_assert_cmphex(s2->tt[0].ttb & 0xf, ==, 0);
}

static void check_ste_invariants(const SMMUv3Caps *caps,
                                 const SMMUSteCfg *cfg)
{
    bool s1 = cfg->config == SMMU_STE_S1 || cfg->config == SMMU_STE_NESTED;
    bool s2 = cfg->config == SMMU_STE_S2 || cfg->config == SMMU_STE_NESTED;

    g_assert_cmpint(cfg->config, <=, SMMU_STE_NESTED);
    g_assert_true(!s1 || caps->s1p);
    g_assert_true(!s2 || caps->s2p);
    if (s1) {
        g_assert_cmpuint(cfg->s1_cdmax, <=, caps->ssidsize);
        g_assert_cmpuint(cfg->s1_fmt, <=, 2);
        g_assert_true(cfg->s1_fmt == 0 || caps->cd2l);
        g_assert_true(cfg->s1_fmt == 0 || cfg->s1_cdmax > 0);
        g_assert_cmpuint(cfg->s1dss, <=, 2);
        g_assert_cmphex(cfg->s1_ctx_ptr >> caps->oas, ==, 0);
        g_assert_cmphex(cfg->s1_ctx_ptr & 63, ==, 0);
        g_assert_true(!cfg->s1stalld || caps->stall_model == 0);
    } else {
        g_assert_cmphex(cfg->s1_ctx_ptr, ==, 0);
    }
    if (s2) {
        check_s2_invariants(caps, &cfg->s2);
        g_assert_true(!cfg->s2s || caps->stall_model != 1);
    } else {
        g_assert_cmpint(cfg->s2.stage, ==, 0);
        g_assert_false(cfg->s2r);
    }
    g_assert_true(caps->vmid16 || cfg->vmid <= 0xff);
    g_assert_true(caps->s2p || cfg->vmid == 0);
    g_assert_cmpuint(cfg->privcfg, !=, 1);
    g_assert_cmpuint(cfg->instcfg, !=, 1);
    g_assert_cmpuint(cfg->privcfg, <=, 3);
    g_assert_cmpuint(cfg->instcfg, <=, 3);
}

static void check_cd_invariants(const SMMUv3Caps *caps, const SMMUCdCfg *cfg)
{
    g_assert_cmpint(cfg->s1.stage, ==, SMMU_STAGE_1);
    g_assert_cmpuint(cfg->s1.oas, <=, caps->oas);
    g_assert_true(cfg->a || !caps->term_model);
    g_assert_true(caps->asid16 || cfg->asid <= 0xff);
    for (int i = 0; i < 2; i++) {
        const SMMUTTCfg *tt = &cfg->s1.tt[i];
        unsigned g = tt->granule_sz;

        g_assert_true(g == 12 || g == 14 || g == 16);
        g_assert_cmpuint(tt->tsz, >=, 16);
        g_assert_cmpuint(tt->tsz, <=, caps->stt ? 48 : 39);
        if (!tt->epd) {
            g_assert_cmphex(tt->ttb >> cfg->s1.oas, ==, 0);
            g_assert_cmphex(tt->ttb & 0xf, ==, 0);
        }
    }
}

static void sweep_ste(Sweep *sw, const SMMUv3Caps *caps, const uint64_t *ste)
{
    SMMUSteCfg cfg;
    const char *why = NULL;

    if (smmuv3_ste_decode(caps, ste, &cfg, &why)) {
        sw->accepted++;
        check_ste_invariants(caps, &cfg);
    } else {
        sw->rejected++;
        g_assert_nonnull(why);
        g_assert_cmpuint(strlen(why), >, 0);
    }
}

static void sweep_cd(Sweep *sw, const SMMUv3Caps *caps,
                     const SMMUSteCfg *ste, const uint64_t *cd)
{
    SMMUCdCfg cfg;
    const char *why = NULL;

    if (smmuv3_cd_decode(caps, ste, cd, &cfg, &why)) {
        sw->accepted++;
        check_cd_invariants(caps, &cfg);
    } else {
        sw->rejected++;
        g_assert_nonnull(why);
        g_assert_cmpuint(strlen(why), >, 0);
    }
}

#define SWEEP_N 100000

static void test_random(void)
{
    SMMUv3Caps caps_set[4];
    uint64_t bases[5][8], cd_base[8], w[8];
    SMMUSteCfg stes[2];
    Sweep ste_sw = { 0 }, cd_sw = { 0 };
    GRand *r = g_rand_new_with_seed(0x5eed5);

    caps_set[0] = model_caps();
    caps_set[1] = model_caps();
    caps_set[1].oas = 48;
    caps_set[1].stt = true;
    caps_set[1].stall_model = 0;
    caps_set[1].httu = 2;
    caps_set[1].ttendian = 0;
    caps_set[2] = model_caps();
    caps_set[2].s2p = false;
    caps_set[2].ssidsize = 0;
    caps_set[2].cd2l = false;
    caps_set[2].asid16 = false;
    caps_set[2].vmid16 = false;
    caps_set[2].hyp = true;
    caps_set[3] = model_caps();
    caps_set[3].s1p = false;
    caps_set[3].oas = 40;
    caps_set[3].gran16k = false;

    make_s1_ste(bases[0], RAM, 0, 0);
    make_s1_ste(bases[1], RAM, 2, 12);
    make_s2_ste(bases[2], 1, 24, 1, TG_4K, 2, RAM);
    make_s2_ste(bases[3], 1, 24, 1, TG_16K, 2, RAM);
    make_s1_ste(bases[4], RAM, 0, 0);
    put(bases[4], STE_CONFIG, 3, 7);
    put_s2(bases[4], 1, 25, 1, TG_64K, 2, RAM);
    make_cd(cd_base, 1, RAM);
    put(cd_base, CD_EPD1, 1, 0);
    put(cd_base, CD_TG1, 2, 2);
    put(cd_base, CD_T1SZ, 6, 25);
    ste_ok(&caps_set[0], bases[0], &stes[0]);
    ste_ok(&caps_set[0], bases[4], &stes[1]);

    for (int i = 0; i < SWEEP_N; i++) {
        const SMMUv3Caps *caps = &caps_set[i % 4];

        if (i & 1) {
            random_words(r, w);
        } else {
            mutate_words(r, bases[g_rand_int_range(r, 0, 5)], w);
        }
        sweep_ste(&ste_sw, caps, w);

        if (i & 2) {
            random_words(r, w);
        } else {
            mutate_words(r, cd_base, w);
        }
        sweep_cd(&cd_sw, caps, &stes[(i >> 2) & 1], w);

        /* L1 descriptors: any word, any split/index in range. */
        {
            uint64_t l2ptr;
            const char *why = NULL;
            unsigned split = g_rand_int_range(r, 0, 24);
            uint32_t idx = g_rand_int(r) & ((1u << split) - 1);

            if (smmuv3_l1std_decode(w[0], split, idx, &l2ptr, &why)) {
                unsigned span = w[0] & 0x1f;

                g_assert_cmpuint(span, >=, 1);
                g_assert_cmpuint(span, <=, MIN(11, split + 1));
                g_assert_cmpuint(idx, <, 1u << (span - 1));
                g_assert_cmphex(l2ptr & ((64ULL << (span - 1)) - 1), ==, 0);
                g_assert_cmphex(l2ptr >> 56, ==, 0);
            } else {
                g_assert_nonnull(why);
            }
            why = NULL;
            if (smmuv3_l1cd_decode(w[1], w[2] & 3, &l2ptr, &why)) {
                g_assert_cmphex(l2ptr & 0xfff, ==, 0);
                g_assert_cmphex(l2ptr >> 56, ==, 0);
            } else {
                g_assert_nonnull(why);
            }
        }
    }
    g_test_message("STEs: %u accepted, %u rejected; CDs: %u / %u",
                   ste_sw.accepted, ste_sw.rejected, cd_sw.accepted,
                   cd_sw.rejected);
    g_assert_cmpuint(ste_sw.accepted + ste_sw.rejected, ==, SWEEP_N);
    /* The mutated halves must reach plenty of valid structures. */
    g_assert_cmpuint(ste_sw.accepted, >, SWEEP_N / 10);
    g_assert_cmpuint(cd_sw.accepted, >, SWEEP_N / 10);
    g_assert_cmpuint(ste_sw.rejected, >, SWEEP_N / 4);
    g_assert_cmpuint(cd_sw.rejected, >, SWEEP_N / 4);
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmuv3-ste/pa-range", test_pa_range);
    g_test_add_func("/smmuv3-ste/l1std", test_l1std);
    g_test_add_func("/smmuv3-ste/ste/abort", test_ste_abort);
    g_test_add_func("/smmuv3-ste/ste/bypass", test_ste_bypass);
    g_test_add_func("/smmuv3-ste/ste/s1", test_ste_s1);
    g_test_add_func("/smmuv3-ste/ste/no-ssid", test_ste_no_ssid);
    g_test_add_func("/smmuv3-ste/ste/strw", test_ste_strw);
    g_test_add_func("/smmuv3-ste/ste/s2-linux", test_ste_s2_linux);
    g_test_add_func("/smmuv3-ste/ste/s2-stt", test_ste_s2_stt);
    g_test_add_func("/smmuv3-ste/ste/s2-illegal", test_ste_s2_illegal);
    g_test_add_func("/smmuv3-ste/ste/nested", test_ste_nested);
    g_test_add_func("/smmuv3-ste/ste/caps-stages", test_ste_caps_stages);
    g_test_add_func("/smmuv3-ste/l1cd", test_l1cd);
    g_test_add_func("/smmuv3-ste/random", test_random);
    return g_test_run();
}
