/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Words for the SMMUv3 decoder tests (test-smmuv3-ste.c, test-smmuv3-cd.c):
 * the capabilities the model advertises, STEs and CDs built from the
 * absolute bit positions of the fact sheet (smmuv3-facts.md 2.2, 3.2) --
 * independently of the decoder's own layout tables -- in the shapes Linux
 * writes them, and assertions that a structure decodes or is ILLEGAL for
 * a named reason.
 */
#ifndef TESTS_UNIT_SMMUV3_STE_WORDS_H
#define TESTS_UNIT_SMMUV3_STE_WORDS_H

#include "qemu/bitops.h"
#include "hw/arm/smmuv3-ste.h"

#define RAM 0x40000000ULL

/* The capabilities the device advertises (smmu.md design decisions). */
static inline SMMUv3Caps model_caps(void)
{
    return (SMMUv3Caps) {
        .s1p = true, .s2p = true, .oas = 44, .sidsize = 16,
        .ssidsize = 16, .cd2l = true,
        .gran4k = true, .gran16k = true, .gran64k = true,
        .asid16 = true, .vmid16 = true, .ril = true, .hyp = false,
        .stall_model = 1, .term_model = true, .ttendian = 2, .httu = 0,
        .xnx = true, .stt = false, .msi = true,
    };
}

/* Write v into the field at absolute bit 'bit' of a 512-bit structure. */
static inline void put(uint64_t *w, unsigned bit, unsigned len, uint64_t v)
{
    w[bit / 64] = deposit64(w[bit / 64], bit % 64, len, v);
}

/* ---- STE fields (absolute bits, facts 2.2) ---- */
enum {
    STE_V = 0, STE_CONFIG = 1, STE_S1FMT = 4, STE_S1CDMAX = 59,
    STE_S1DSS = 64, STE_S1CIR = 66, STE_S1COR = 68, STE_S1CSH = 70,
    STE_S1STALLD = 91, STE_EATS = 92, STE_STRW = 94, STE_SHCFG = 108,
    STE_PRIVCFG = 112, STE_INSTCFG = 114,
    STE_S2VMID = 128, STE_S2T0SZ = 160, STE_S2SL0 = 166, STE_S2IR0 = 168,
    STE_S2OR0 = 170, STE_S2SH0 = 172, STE_S2TG = 174, STE_S2PS = 176,
    STE_S2AA64 = 179, STE_S2ENDI = 180, STE_S2AFFD = 181, STE_S2PTW = 182,
    STE_S2HD = 183, STE_S2HA = 184, STE_S2S = 185, STE_S2R = 186,
    STE_S2HAFT = 187,
};

/* S1ContextPtr sits at its own address bits [55:6] of dword 0. */
static inline void put_ctx(uint64_t *ste, uint64_t ctx)
{
    ste[0] = (ste[0] & ~MAKE_64BIT_MASK(6, 50)) |
             (ctx & MAKE_64BIT_MASK(6, 50));
}

/* S2TTB: address bits [55:4] at dword 3 bits [55:4]. */
static inline void put_s2ttb(uint64_t *ste, uint64_t ttb)
{
    ste[3] = (ste[3] & ~MAKE_64BIT_MASK(4, 52)) |
             (ttb & MAKE_64BIT_MASK(4, 52));
}

/* Linux's stage-1 STE (arm_smmu_make_cdtable_ste): S1DSS 0, WBRA. */
static inline void make_s1_ste(uint64_t *ste, uint64_t ctx, unsigned fmt,
                               unsigned cdmax)
{
    memset(ste, 0, 64);
    put(ste, STE_V, 1, 1);
    put(ste, STE_CONFIG, 3, 5);
    put(ste, STE_S1FMT, 2, fmt);
    put_ctx(ste, ctx);
    put(ste, STE_S1CDMAX, 5, cdmax);
    put(ste, STE_S1CIR, 2, 1);
    put(ste, STE_S1COR, 2, 1);
    put(ste, STE_S1CSH, 2, 3);
}

/* The stage-2 half of Linux's S2 STE: a VTCR image, AA64, PTW, R. */
static inline void put_s2(uint64_t *ste, unsigned vmid, unsigned t0sz,
                          unsigned sl0, unsigned tg, unsigned ps, uint64_t ttb)
{
    put(ste, STE_S2VMID, 16, vmid);
    put(ste, STE_S2T0SZ, 6, t0sz);
    put(ste, STE_S2SL0, 2, sl0);
    put(ste, STE_S2IR0, 2, 1);
    put(ste, STE_S2OR0, 2, 1);
    put(ste, STE_S2SH0, 2, 3);
    put(ste, STE_S2TG, 2, tg);
    put(ste, STE_S2PS, 3, ps);
    put(ste, STE_S2AA64, 1, 1);
    put(ste, STE_S2PTW, 1, 1);
    put(ste, STE_S2R, 1, 1);
    put_s2ttb(ste, ttb);
}

static inline void make_s2_ste(uint64_t *ste, unsigned vmid, unsigned t0sz,
                               unsigned sl0, unsigned tg, unsigned ps,
                               uint64_t ttb)
{
    memset(ste, 0, 64);
    put(ste, STE_V, 1, 1);
    put(ste, STE_CONFIG, 3, 6);
    put_s2(ste, vmid, t0sz, sl0, tg, ps, ttb);
}

/* S2TG encodings. */
enum { TG_4K = 0, TG_64K = 1, TG_16K = 2 };

/* ---- CD fields (absolute bits, facts 3.2) ---- */
enum {
    CD_T0SZ = 0, CD_TG0 = 6, CD_IR0 = 8, CD_OR0 = 10, CD_SH0 = 12,
    CD_EPD0 = 14, CD_ENDI = 15, CD_T1SZ = 16, CD_TG1 = 22, CD_EPD1 = 30,
    CD_V = 31, CD_IPS = 32, CD_AFFD = 35, CD_WXN = 36, CD_TBI0 = 38,
    CD_TBI1 = 39, CD_PAN = 40, CD_AA64 = 41, CD_HD = 42, CD_HA = 43,
    CD_S = 44, CD_R = 45, CD_A = 46, CD_ASET = 47, CD_ASID = 48,
    CD_HAD0 = 65, CD_HAFT = 67, CD_HAD1 = 129,
};

static inline void put_ttb(uint64_t *cd, unsigned n, uint64_t ttb)
{
    cd[1 + n] = (cd[1 + n] & ~MAKE_64BIT_MASK(4, 52)) |
                (ttb & MAKE_64BIT_MASK(4, 52));
}

#define LINUX_MAIR 0xf404ff44ULL

/* Linux's CD (arm_smmu_make_s1_cd): 48-bit VA, 4K, TTB1 off. */
static inline void make_cd(uint64_t *cd, unsigned asid, uint64_t ttb0)
{
    memset(cd, 0, 64);
    put(cd, CD_T0SZ, 6, 16);
    put(cd, CD_TG0, 2, 0);
    put(cd, CD_IR0, 2, 1);
    put(cd, CD_OR0, 2, 1);
    put(cd, CD_SH0, 2, 3);
    put(cd, CD_EPD1, 1, 1);
    put(cd, CD_V, 1, 1);
    put(cd, CD_IPS, 3, 4);
    put(cd, CD_AA64, 1, 1);
    put(cd, CD_R, 1, 1);
    put(cd, CD_A, 1, 1);
    put(cd, CD_ASET, 1, 1);
    put(cd, CD_ASID, 16, asid);
    put_ttb(cd, 0, ttb0);
    cd[3] = LINUX_MAIR;
}

/* ---- Assertion helpers ---- */

static inline void ste_ok(const SMMUv3Caps *caps, const uint64_t *ste,
                          SMMUSteCfg *cfg)
{
    const char *why = NULL;

    if (!smmuv3_ste_decode(caps, ste, cfg, &why)) {
        g_test_message("STE rejected: %s", why);
        g_assert_not_reached();
    }
}

/* The STE is ILLEGAL and the phrase names the problem (contains frag). */
static inline void ste_bad(const SMMUv3Caps *caps, const uint64_t *ste,
                           const char *frag)
{
    SMMUSteCfg cfg;
    const char *why = NULL;

    g_assert_false(smmuv3_ste_decode(caps, ste, &cfg, &why));
    g_assert_nonnull(why);
    g_assert_cmpuint(strlen(why), >, 0);
    if (!strstr(why, frag)) {
        g_test_message("phrase \"%s\" lacks \"%s\"", why, frag);
        g_assert_not_reached();
    }
}

static inline void cd_ok(const SMMUv3Caps *caps, const SMMUSteCfg *ste,
                         const uint64_t *cd, SMMUCdCfg *cfg)
{
    const char *why = NULL;

    if (!smmuv3_cd_decode(caps, ste, cd, cfg, &why)) {
        g_test_message("CD rejected: %s", why);
        g_assert_not_reached();
    }
}

static inline void cd_bad(const SMMUv3Caps *caps, const SMMUSteCfg *ste,
                          const uint64_t *cd, const char *frag)
{
    SMMUCdCfg cfg;
    const char *why = NULL;

    g_assert_false(smmuv3_cd_decode(caps, ste, cd, &cfg, &why));
    g_assert_nonnull(why);
    g_assert_cmpuint(strlen(why), >, 0);
    if (!strstr(why, frag)) {
        g_test_message("phrase \"%s\" lacks \"%s\"", why, frag);
        g_assert_not_reached();
    }
}

/* The decoded stage 2 matches the expected walk parameters exactly. */
static inline void check_s2(const SMMUStageCfg *s2, uint8_t oas, uint64_t ttb,
                            uint8_t tsz, uint8_t granule, int level,
                            unsigned concat)
{
    g_assert_cmpint(s2->stage, ==, SMMU_STAGE_2);
    g_assert_cmpuint(s2->oas, ==, oas);
    g_assert_cmphex(s2->tt[0].ttb, ==, ttb);
    g_assert_cmpuint(s2->tt[0].tsz, ==, tsz);
    g_assert_cmpuint(s2->tt[0].granule_sz, ==, granule);
    g_assert_false(s2->tt[0].epd);
    g_assert_false(s2->tt[0].had);
    g_assert_false(s2->tt[0].tbi);
    g_assert_cmpint(s2->start_level, ==, level);
    g_assert_cmpuint(s2->concat, ==, concat);
    /* tt[1] is unused at stage 2. */
    g_assert_cmphex(s2->tt[1].ttb, ==, 0);
    g_assert_cmpuint(s2->tt[1].granule_sz, ==, 0);
}

static inline void check_tt(const SMMUTTCfg *tt, uint64_t ttb, uint8_t tsz,
                            uint8_t granule, bool epd, bool had, bool tbi)
{
    g_assert_cmphex(tt->ttb, ==, ttb);
    g_assert_cmpuint(tt->tsz, ==, tsz);
    g_assert_cmpuint(tt->granule_sz, ==, granule);
    g_assert_cmpint(tt->epd, ==, epd);
    g_assert_cmpint(tt->had, ==, had);
    g_assert_cmpint(tt->tbi, ==, tbi);
}

#endif
