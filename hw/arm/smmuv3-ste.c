/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoders for the SMMUv3's in-memory configuration structures: level-1
 * stream table descriptors, Stream Table Entries, level-1 CD descriptors
 * and Context Descriptors (spec 5.1-5.4).  Each one turns raw dwords
 * into the decoded structs of smmuv3-ste.h, applying the validity rules
 * of the spec's SteIllegal()/CdIllegal() pseudocode (5.2.2, 5.4.2) for
 * the capabilities the SMMU advertises, and says in a short phrase why
 * a structure is invalid.  Pure: no memory, no device state, so every
 * rule is unit-tested on plain words (tests/unit/test-smmuv3-ste.c).
 *
 * The model is a Non-secure, AArch64-only SMMU (IDR0.TTF=2, no D128, no
 * ATS, no DS, IDR5.VAX=0, IDR3.HAD=1); fields that only matter beyond
 * that (Secure/Realm stage 2, VMSAv8-32, LPA2, permission indirection,
 * MPAM, DPT) are RES0 or IGNORED for it and are not decoded.
 */
#include "qemu/osdep.h"
#include "hw/registerfields.h"
#include "hw/arm/smmuv3-ste.h"

/* ---- Layouts (spec 5.1-5.4; bit positions inside each dword) ---- */

REG64(L1STD, 0)
    FIELD(L1STD, SPAN, 0, 5)
    FIELD(L1STD, L2PTR, 6, 50)

REG64(STE0, 0)
    FIELD(STE0, V, 0, 1)
    FIELD(STE0, CONFIG, 1, 3)
    FIELD(STE0, S1FMT, 4, 2)
    FIELD(STE0, S1CTXPTR, 6, 50)
    FIELD(STE0, S1CDMAX, 59, 5)
REG64(STE1, 8)
    FIELD(STE1, S1DSS, 0, 2)
    FIELD(STE1, S1STALLD, 27, 1)
    FIELD(STE1, EATS, 28, 2)
    FIELD(STE1, STRW, 30, 2)
    FIELD(STE1, PRIVCFG, 48, 2)
    FIELD(STE1, INSTCFG, 50, 2)
REG64(STE2, 16)
    FIELD(STE2, S2VMID, 0, 16)
    FIELD(STE2, S2T0SZ, 32, 6)
    FIELD(STE2, S2SL0, 38, 2)
    FIELD(STE2, S2TG, 46, 2)
    FIELD(STE2, S2PS, 48, 3)
    FIELD(STE2, S2AA64, 51, 1)
    FIELD(STE2, S2ENDI, 52, 1)
    FIELD(STE2, S2AFFD, 53, 1)
    FIELD(STE2, S2PTW, 54, 1)
    FIELD(STE2, S2HD, 55, 1)
    FIELD(STE2, S2HA, 56, 1)
    FIELD(STE2, S2S, 57, 1)
    FIELD(STE2, S2R, 58, 1)
    FIELD(STE2, S2HAFT, 59, 1)
REG64(STE3, 24)
    FIELD(STE3, S2TTB, 4, 52)

REG64(L1CD, 0)
    FIELD(L1CD, V, 0, 1)
    FIELD(L1CD, L2PTR, 12, 44)

REG64(CD0, 0)
    FIELD(CD0, T0SZ, 0, 6)
    FIELD(CD0, TG0, 6, 2)
    FIELD(CD0, EPD0, 14, 1)
    FIELD(CD0, ENDI, 15, 1)
    FIELD(CD0, T1SZ, 16, 6)
    FIELD(CD0, TG1, 22, 2)
    FIELD(CD0, EPD1, 30, 1)
    FIELD(CD0, V, 31, 1)
    FIELD(CD0, IPS, 32, 3)
    FIELD(CD0, AFFD, 35, 1)
    FIELD(CD0, WXN, 36, 1)
    FIELD(CD0, TBI0, 38, 1)
    FIELD(CD0, TBI1, 39, 1)
    FIELD(CD0, PAN, 40, 1)
    FIELD(CD0, AA64, 41, 1)
    FIELD(CD0, HD, 42, 1)
    FIELD(CD0, HA, 43, 1)
    FIELD(CD0, S, 44, 1)
    FIELD(CD0, R, 45, 1)
    FIELD(CD0, A, 46, 1)
    FIELD(CD0, ASET, 47, 1)
    FIELD(CD0, ASID, 48, 16)
REG64(CD1, 8)
    FIELD(CD1, HAD0, 1, 1)
    FIELD(CD1, HAFT, 3, 1)
    FIELD(CD1, TTB0, 4, 52)
REG64(CD2, 16)
    FIELD(CD2, HAD1, 1, 1)
    FIELD(CD2, TTB1, 4, 52)
REG64(CD3, 24)                  /* MAIR0 [31:0], MAIR1 [63:32] */

/* IDR0.STALL_MODEL and IDR0.TTENDIAN values the rules test. */
enum {
    STALL_MODEL_BOTH = 0,
    STALL_MODEL_TERMINATE = 1,
    STALL_MODEL_FORCED = 2,
};
enum {
    TTENDIAN_LE = 2,
    TTENDIAN_BE = 3,
};

/* ---- Helpers ---- */

/*
 * Phrases that carry numbers are formatted into a per-thread buffer: a
 * *why is valid until the next failing decode on the same thread, which
 * is enough for the caller's log line and trace.
 */
static const char *why_fmt(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static const char *why_fmt(const char *fmt, ...)
{
    static __thread char buf[96];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return buf;
}

/* Whether addr has no bit set at or above bit 'bits'. */
static bool addr_fits(uint64_t addr, unsigned bits)
{
    return bits >= 64 || (addr >> bits) == 0;
}

/* addr with bits [bits-1:0] cleared. */
static uint64_t align_down(uint64_t addr, unsigned bits)
{
    return bits >= 64 ? 0 : addr & ~((1ULL << bits) - 1);
}

/* TG0 / S2TG encoding -> log2 granule, 0 for the reserved value. */
static unsigned tg0_granule(unsigned tg)
{
    static const unsigned g[] = { 12, 16, 14, 0 };

    return g[tg & 3];
}

/* TG1 has its own encoding (spec 5.4 CD.TG1, as TCR_ELx.TG1). */
static unsigned tg1_granule(unsigned tg)
{
    static const unsigned g[] = { 0, 14, 12, 16 };

    return g[tg & 3];
}

static bool granule_supported(const SMMUv3Caps *caps, unsigned g)
{
    return (g == 12 && caps->gran4k) || (g == 14 && caps->gran16k) ||
           (g == 16 && caps->gran64k);
}

/* Bytes mapped by one entry at level: 2^(g + (3 - level) * (g - 3)). */
static unsigned level_shift(unsigned g, int level)
{
    return g + (3 - level) * (g - 3);
}

/*
 * Largest valid TxSZ / S2T0SZ (spec 5.2 S2T0SZ, 5.4 T0SZ): 39 without
 * IDR3.STT, else 48 for 4K/16K and 47 for 64K (a reserved granule
 * counts as "not 4K/16K", as in CDTxSZInvalid()).
 */
static unsigned txsz_max(const SMMUv3Caps *caps, unsigned g)
{
    if (!caps->stt) {
        return 39;
    }
    return g == 12 || g == 14 ? 48 : 47;
}

unsigned smmuv3_pa_range_bits(unsigned encoding)
{
    /* IDR5.OAS / CD.IPS / STE.S2PS (spec 6.3.6, 5.2, 5.4). */
    static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

    return bits[encoding & 7];
}

/* ---- Level-1 stream table descriptor (spec 5.1) ---- */

bool smmuv3_l1std_decode(uint64_t l1std, unsigned split, uint32_t l2_index,
                         uint64_t *l2ptr, const char **why)
{
    unsigned span = FIELD_EX64(l1std, L1STD, SPAN);
    uint64_t ptr;

    if (span == 0) {
        *why = "L1STD Span 0";
        return false;
    }
    if (span >= 12) {
        /* 12..31 are reserved and behave as 0. */
        *why = why_fmt("L1STD Span %u reserved", span);
        return false;
    }
    if (span > split + 1) {
        *why = why_fmt("L1STD Span %u above SPLIT %u + 1", span, split);
        return false;
    }
    if (l2_index >= (1u << (span - 1))) {
        *why = why_fmt("L2 index %u beyond Span %u (%u STEs)", l2_index,
                       span, 1u << (span - 1));
        return false;
    }
    /*
     * L2Ptr[5 + Span - 1:0] are treated as 0 (spec 5.1): the array of
     * 2^(Span-1) 64-byte STEs is aligned to its size.
     */
    ptr = FIELD_EX64(l1std, L1STD, L2PTR) << R_L1STD_L2PTR_SHIFT;
    *l2ptr = align_down(ptr, span + 5);
    return true;
}

/* ---- Stream Table Entry (spec 5.2) ---- */

/*
 * The stage-2 start level for S2SL0 and the granule (spec 5.2 S2SL0 ->
 * VTCR_EL2.SL0; Arm ARM AArch64.S2InvalidSL), with the implementation's
 * PA size gating the deepest starts.  No DS, so SL0_2 is RES0.
 */
static bool s2_start_level(const SMMUv3Caps *caps, unsigned g, unsigned sl0,
                           int *level, const char **why)
{
    switch (g) {
    case 12:
        if (sl0 == 3) {
            /* Level 3 start needs FEAT_TTST (IDR3.STT). */
            if (!caps->stt) {
                *why = "S2SL0 3 with a 4K granule needs STT";
                return false;
            }
            *level = 3;
            return true;
        }
        if (sl0 == 2 && caps->oas < 44) {
            *why = why_fmt("S2SL0 2 with a 4K granule needs OAS >= 44, "
                           "OAS is %u", caps->oas);
            return false;
        }
        *level = 2 - sl0;
        return true;
    case 14:
        if (sl0 == 3) {
            *why = "S2SL0 3 with a 16K granule needs DS";
            return false;
        }
        if (sl0 == 2 && caps->oas < 42) {
            *why = why_fmt("S2SL0 2 with a 16K granule needs OAS >= 42, "
                           "OAS is %u", caps->oas);
            return false;
        }
        *level = 3 - sl0;
        return true;
    default:
        if (sl0 == 3) {
            *why = "S2SL0 3 reserved with a 64K granule";
            return false;
        }
        if (sl0 == 2 && caps->oas < 44) {
            *why = why_fmt("S2SL0 2 with a 64K granule needs OAS >= 44, "
                           "OAS is %u", caps->oas);
            return false;
        }
        *level = 3 - sl0;
        return true;
    }
}

/*
 * Stage-1 half of an STE (Config 0b1x1), in the order of SteIllegal().
 * StreamWorld, VMID and overrides are done by the caller.
 */
static bool ste_decode_s1(const SMMUv3Caps *caps, const uint64_t ste[8],
                          SMMUSteCfg *cfg, const char **why)
{
    unsigned cdmax = FIELD_EX64(ste[0], STE0, S1CDMAX);
    unsigned fmt = FIELD_EX64(ste[0], STE0, S1FMT);
    unsigned dss = FIELD_EX64(ste[1], STE1, S1DSS);
    uint64_t ptr;
    unsigned table_bits;

    cfg->s1stalld = FIELD_EX64(ste[1], STE1, S1STALLD);
    if (cfg->s1stalld && caps->stall_model != STALL_MODEL_BOTH) {
        *why = why_fmt("S1STALLD=1 with STALL_MODEL %u", caps->stall_model);
        return false;
    }

    /*
     * With IDR1.SSIDSIZE=0, S1CDMax (and so S1Fmt, S1DSS) is IGNORED and
     * S1ContextPtr points at one CD (spec 5.2 S1CDMax): decode it as 0
     * rather than rejecting the STE.
     */
    if (caps->ssidsize == 0) {
        cdmax = 0;
    } else if (cdmax > caps->ssidsize) {
        *why = why_fmt("S1CDMax %u above SSIDSIZE %u", cdmax,
                       caps->ssidsize);
        return false;
    }
    if (cdmax == 0 || fmt == 3) {
        /* S1Fmt is IGNORED for one CD; 0b11 behaves as 0b00. */
        fmt = 0;
    }
    if (fmt != 0 && !caps->cd2l) {
        *why = why_fmt("S1Fmt %u without CD2L", fmt);
        return false;
    }

    /*
     * An out-of-range S1ContextPtr is C_BAD_STE from v3.1 for a PA, and
     * one of the permitted behaviours for an IPA (spec 3.4.3, cases 1 and
     * 2a); with no VMSAv8-32, IAS = OAS, so one check covers both.
     */
    ptr = FIELD_EX64(ste[0], STE0, S1CTXPTR) << R_STE0_S1CTXPTR_SHIFT;
    if (!addr_fits(ptr, caps->oas)) {
        *why = why_fmt("S1ContextPtr 0x%" PRIx64 " beyond %u bits", ptr,
                       caps->oas);
        return false;
    }
    /*
     * Bits of S1ContextPtr below the table's size are RES0; the SMMU may
     * treat them as zero (spec 5.2 S1Fmt), which is what this does.
     * Linear: 2^S1CDMax CDs of 64 bytes.  2-level: 2^(S1CDMax - 6) or
     * 2^(S1CDMax - 10) L1CDs of 8 bytes, at least 64 bytes.
     */
    switch (fmt) {
    case 0:
        table_bits = cdmax + 6;
        break;
    case 1:
        table_bits = MAX(6, (int)cdmax - 6 + 3);
        break;
    default:
        table_bits = MAX(6, (int)cdmax - 10 + 3);
        break;
    }
    cfg->s1_ctx_ptr = align_down(ptr, table_bits);
    cfg->s1_fmt = fmt;
    cfg->s1_cdmax = cdmax;
    /* IGNORED without substreams; 0b11 behaves as 0b00 (terminate). */
    cfg->s1dss = cdmax == 0 || dss == 3 ? 0 : dss;
    return true;
}

/* Stage-2 half of an STE (Config 0b11x), in the order of SteIllegal(). */
static bool ste_decode_s2(const SMMUv3Caps *caps, const uint64_t ste[8],
                          SMMUSteCfg *cfg, const char **why)
{
    uint64_t d2 = ste[2];
    bool s2s = FIELD_EX64(d2, STE2, S2S);
    bool ha = FIELD_EX64(d2, STE2, S2HA);
    bool hd = FIELD_EX64(d2, STE2, S2HD);
    unsigned tg = FIELD_EX64(d2, STE2, S2TG);
    unsigned tsz = FIELD_EX64(d2, STE2, S2T0SZ);
    unsigned sl0 = FIELD_EX64(d2, STE2, S2SL0);
    unsigned ps_bits, ttb_bits, g, stride, min, max, ia, r;
    uint64_t ttb;
    int level;
    SMMUStageCfg *s2 = &cfg->s2;

    if (s2s && caps->stall_model == STALL_MODEL_TERMINATE) {
        *why = "S2S=1 with STALL_MODEL 1 (terminate only)";
        return false;
    }
    if (!s2s && caps->stall_model == STALL_MODEL_FORCED) {
        *why = "S2S=0 with STALL_MODEL 2 (stall forced)";
        return false;
    }
    /* IDR0.TTF=2 and no D128: only VMSAv8-64 stage-2 tables. */
    if (!FIELD_EX64(d2, STE2, S2AA64)) {
        *why = "S2AA64=0 (VMSAv8-32 not supported)";
        return false;
    }
    if ((ha || hd) && caps->httu == 0) {
        *why = ha ? "S2HA=1 without HTTU" : "S2HD=1 without HTTU";
        return false;
    }
    if (hd && caps->httu == 1) {
        *why = "S2HD=1 with HTTU 1 (access flag only)";
        return false;
    }
    if (caps->httu == 3 && FIELD_EX64(d2, STE2, S2HAFT) && !ha) {
        *why = "S2HAFT=1 with S2HA=0";
        return false;
    }

    g = tg0_granule(tg);
    if (g == 0) {
        *why = "S2TG 3 reserved";
        return false;
    }
    if (!granule_supported(caps, g)) {
        *why = why_fmt("S2TG %u: %uK granule not supported", tg,
                       1u << (g - 10));
        return false;
    }

    /*
     * S2TTB must lie inside eff_S2PS = MIN(S2PS, OAS), and inside 48 bits
     * for 4K/16K without S2DS (spec 5.2 S2TTB).  Bits [55:52] are RES0
     * for VMSAv8-64: taken as address bits here, so a set one fails the
     * range check rather than being silently dropped.
     */
    ps_bits = MIN(smmuv3_pa_range_bits(FIELD_EX64(d2, STE2, S2PS)),
                  caps->oas);
    ttb_bits = g == 16 ? ps_bits : MIN(ps_bits, 48);
    ttb = FIELD_EX64(ste[3], STE3, S2TTB) << R_STE3_S2TTB_SHIFT;
    if (!addr_fits(ttb, ttb_bits)) {
        *why = why_fmt("S2TTB 0x%" PRIx64 " beyond %u bits", ttb, ttb_bits);
        return false;
    }

    /*
     * S2T0SZ range from v3.1 (spec 5.2 S2T0SZ, STES2T0SZInvalid()):
     * MAX(16, 64 - IAS) for 4K/16K (no S2DS), MAX(12, 64 - IAS) for 64K,
     * with IAS = OAS on an AArch64-only SMMU (spec 3.4).
     */
    min = MAX(g == 16 ? 12 : 16, caps->oas < 64 ? 64 - caps->oas : 0);
    max = txsz_max(caps, g);
    if (tsz < min) {
        *why = why_fmt("S2T0SZ %u below %u", tsz, min);
        return false;
    }
    if (tsz > max) {
        *why = why_fmt("S2T0SZ %u above %u", tsz, max);
        return false;
    }

    /*
     * S2SL0/S2T0SZ/S2TG consistency (Arm ARM AArch64.S2InconsistentSL):
     * with r the input bits the start level resolves, 1 <= r <= s + 4;
     * r > s means 2^(r - s) concatenated start tables (at most 16).
     */
    if (!s2_start_level(caps, g, sl0, &level, why)) {
        return false;
    }
    stride = g - 3;
    ia = 64 - tsz;
    if (ia <= level_shift(g, level) ||
        ia - level_shift(g, level) > stride + 4) {
        *why = why_fmt("S2SL0 %u inconsistent with S2T0SZ %u for a %uK "
                       "granule", sl0, tsz, 1u << (g - 10));
        return false;
    }
    r = ia - level_shift(g, level);

    if (FIELD_EX64(d2, STE2, S2ENDI) && caps->ttendian == TTENDIAN_LE) {
        *why = "S2ENDI=1 on a little-endian-only SMMU";
        return false;
    }
    if (!FIELD_EX64(d2, STE2, S2ENDI) && caps->ttendian == TTENDIAN_BE) {
        *why = "S2ENDI=0 on a big-endian-only SMMU";
        return false;
    }

    s2->stage = SMMU_STAGE_2;
    s2->oas = ps_bits;
    s2->affd = FIELD_EX64(d2, STE2, S2AFFD);
    s2->start_level = level;
    s2->concat = r > stride ? 1u << (r - stride) : 1;
    /*
     * S2TTB bits below the start table's alignment are treated as zero,
     * not ILLEGAL (spec 5.2 S2TTB): the r-bit index of 8-byte entries
     * spans 2^(r+3) bytes, the whole concatenated block; 64 bytes at
     * least with a 52-bit output.
     */
    s2->tt[0].ttb = align_down(ttb, MAX(r + 3, ps_bits >= 52 ? 6 : 4));
    s2->tt[0].tsz = tsz;
    s2->tt[0].granule_sz = g;
    /* S2PTW is IGNORED unless both stages translate. */
    s2->s2ptw = cfg->config == SMMU_STE_NESTED &&
                FIELD_EX64(d2, STE2, S2PTW);
    s2->xnx = caps->xnx;
    cfg->s2r = FIELD_EX64(d2, STE2, S2R);
    cfg->s2s = s2s;
    return true;
}

bool smmuv3_ste_decode(const SMMUv3Caps *caps, const uint64_t ste[8],
                       SMMUSteCfg *cfg, const char **why)
{
    static const SMMUSteConfig configs[] = {
        SMMU_STE_BYPASS, SMMU_STE_S1, SMMU_STE_S2, SMMU_STE_NESTED,
    };
    unsigned config = FIELD_EX64(ste[0], STE0, CONFIG);
    unsigned strw = FIELD_EX64(ste[1], STE1, STRW);
    unsigned vmid = FIELD_EX64(ste[2], STE2, S2VMID);
    bool s1 = config & 1, s2 = config & 2, strw_used, vmid_used;

    memset(cfg, 0, sizeof(*cfg));
    if (!FIELD_EX64(ste[0], STE0, V)) {
        *why = "V=0";
        return false;
    }
    if (!(config & 4)) {
        /* 0b000 aborts silently; 0b001-0b011 are reserved, the same. */
        cfg->config = SMMU_STE_ABORT;
        return true;
    }
    cfg->config = configs[config & 3];
    if (s1 && !caps->s1p) {
        *why = "Config 0b1x1 without stage 1 (S1P=0)";
        return false;
    }
    if (s2 && !caps->s2p) {
        *why = "Config 0b11x without stage 2 (S2P=0)";
        return false;
    }
    /*
     * IDR0.ATS=0 in this model: EATS is IGNORED and its ILLEGAL
     * combinations (spec 5.2.2) are not checked; bypass makes it 0.
     */
    cfg->eats = config == 4 ? 0 : FIELD_EX64(ste[1], STE1, EATS);

    /*
     * STRW only selects the StreamWorld for stage-1-only STEs on an SMMU
     * with stage 1 and Hyp (IgnoreSTESTRW()); elsewhere it is RES0 or
     * IGNORED and the StreamWorld is NS-EL1, decoded as 0.
     */
    strw_used = caps->s1p && caps->hyp && config == 5;
    if (strw_used && (strw & 1)) {
        *why = why_fmt("STRW %u reserved", strw);
        return false;
    }
    cfg->strw = strw_used ? strw : 0;

    if (s1 && !ste_decode_s1(caps, ste, cfg, why)) {
        return false;
    }
    if (s2 && !ste_decode_s2(caps, ste, cfg, why)) {
        return false;
    }

    /*
     * S2VMID tags every NS-EL1 translation when stage 2 is implemented,
     * stage-1-only ones included; ignored for bypass and EL2 worlds
     * (IgnoreSTES2VMID()).
     */
    vmid_used = caps->s2p && config != 4 && !(strw_used && strw != 0);
    if (vmid_used) {
        if (!caps->vmid16 && (vmid >> 8)) {
            *why = why_fmt("S2VMID 0x%x needs VMID16", vmid);
            return false;
        }
        cfg->vmid = vmid;
    }

    /* 0b01 is reserved and behaves as 0b00 (use the incoming value). */
    cfg->privcfg = FIELD_EX64(ste[1], STE1, PRIVCFG);
    cfg->privcfg = cfg->privcfg == 1 ? 0 : cfg->privcfg;
    cfg->instcfg = FIELD_EX64(ste[1], STE1, INSTCFG);
    cfg->instcfg = cfg->instcfg == 1 ? 0 : cfg->instcfg;
    return true;
}

/* ---- Level-1 CD descriptor (spec 5.3) ---- */

bool smmuv3_l1cd_decode(uint64_t l1cd, uint8_t s1_fmt, uint64_t *l2ptr,
                        const char **why)
{
    uint64_t ptr;

    if (!FIELD_EX64(l1cd, L1CD, V)) {
        *why = "L1CD V=0";
        return false;
    }
    if (s1_fmt != 1 && s1_fmt != 2) {
        *why = why_fmt("S1Fmt %u is not a 2-level CD table", s1_fmt);
        return false;
    }
    ptr = FIELD_EX64(l1cd, L1CD, L2PTR) << R_L1CD_L2PTR_SHIFT;
    /*
     * 64 KiB leaves (S1Fmt 0b10): L2Ptr[15:12] are RES0; taken as zero so
     * that the leaf stays aligned to its size (spec 5.2 S1Fmt).  The range
     * check against OAS/IAS is the caller's (it knows the stage).
     */
    *l2ptr = s1_fmt == 2 ? align_down(ptr, 16) : ptr;
    return true;
}

/* ---- Context Descriptor (spec 5.4) ---- */

/* Stage-1 start level for an input of ia bits (facts 6.2). */
static int s1_start_level(unsigned ia, unsigned g)
{
    return 4 - (int)((ia - 4) / (g - 3));
}

/*
 * The validity checks of one translation table of a CD whose EPD is 0
 * (CdIllegal(): TxSZ first for both tables, then granule and TTB).
 */
static bool cd_check_txsz(const SMMUv3Caps *caps, unsigned n, unsigned tsz,
                          unsigned g, const char **why)
{
    /* IDR5.VAX=0: 48-bit VAs, so the minimum is 16 for all granules. */
    unsigned min = 16, max = txsz_max(caps, g);

    if (tsz < min) {
        *why = why_fmt("T%uSZ %u below %u", n, tsz, min);
        return false;
    }
    if (tsz > max) {
        *why = why_fmt("T%uSZ %u above %u", n, tsz, max);
        return false;
    }
    return true;
}

static bool cd_check_ttb(const SMMUv3Caps *caps, unsigned n, unsigned tg,
                         unsigned g, uint64_t ttb, unsigned ips_bits,
                         const char **why)
{
    unsigned ttb_bits;

    if (g == 0) {
        *why = why_fmt("TG%u %u reserved", n, tg);
        return false;
    }
    if (!granule_supported(caps, g)) {
        *why = why_fmt("TG%u %u: %uK granule not supported", n, tg,
                       1u << (g - 10));
        return false;
    }
    /*
     * TTBx must lie inside the effective IPS, and inside 48 bits for a
     * 4K/16K granule without DS (spec 5.4 TTB0/TTB1, CDTTBxOutOfRange()).
     * Under a nested STE TTBx is an IPA; the rule is the same, IPS being
     * the size of that IPA space.  An IPA that fits IPS but not the
     * stage-2 input range (S2T0SZ) is not ILLEGAL: the walk then takes a
     * stage-2 Translation fault with CLASS=TT (spec 3.4, 3.4.3).
     */
    ttb_bits = g == 16 ? ips_bits : MIN(ips_bits, 48);
    if (!addr_fits(ttb, ttb_bits)) {
        *why = why_fmt("TTB%u 0x%" PRIx64 " beyond %u bits", n, ttb,
                       ttb_bits);
        return false;
    }
    return true;
}

/*
 * Fill one SMMUTTCfg.  A disabled table's fields are IGNORED (spec
 * 5.4.1.1); they are still given in-range values so that nothing
 * downstream ever sees a nonsense granule or size.
 */
static void cd_fill_tt(const SMMUv3Caps *caps, SMMUTTCfg *tt, bool epd,
                       unsigned tsz, unsigned g, uint64_t ttb, bool had,
                       bool tbi, unsigned ips_bits)
{
    unsigned ia, table_bits;

    tt->epd = epd;
    tt->had = had;
    tt->tbi = tbi;
    if (epd) {
        tt->granule_sz = granule_supported(caps, g) ? g : 12;
        tt->tsz = MIN(MAX(tsz, 16), txsz_max(caps, tt->granule_sz));
        tt->ttb = 0;
        return;
    }
    /*
     * TTBx bits below the start table's size are treated as zero (spec
     * 5.4 TTB0): 2^(ia - shift(start)) entries of 8 bytes, 64 bytes at
     * least with a 52-bit IPS.
     */
    ia = 64 - tsz;
    table_bits = ia - level_shift(g, s1_start_level(ia, g)) + 3;
    tt->granule_sz = g;
    tt->tsz = tsz;
    tt->ttb = align_down(ttb, MAX(table_bits, ips_bits >= 52 ? 6 : 4));
}

bool smmuv3_cd_decode(const SMMUv3Caps *caps, const SMMUSteCfg *ste,
                      const uint64_t cd[8], SMMUCdCfg *cfg,
                      const char **why)
{
    uint64_t d0 = cd[0];
    bool s = FIELD_EX64(d0, CD0, S), a = FIELD_EX64(d0, CD0, A);
    bool ha = FIELD_EX64(d0, CD0, HA), hd = FIELD_EX64(d0, CD0, HD);
    bool endi = FIELD_EX64(d0, CD0, ENDI);
    bool epd0 = FIELD_EX64(d0, CD0, EPD0), epd1 = FIELD_EX64(d0, CD0, EPD1);
    unsigned t0sz = FIELD_EX64(d0, CD0, T0SZ);
    unsigned t1sz = FIELD_EX64(d0, CD0, T1SZ);
    unsigned tg0 = FIELD_EX64(d0, CD0, TG0), tg1 = FIELD_EX64(d0, CD0, TG1);
    unsigned g0 = tg0_granule(tg0), g1 = tg1_granule(tg1);
    unsigned asid = FIELD_EX64(d0, CD0, ASID);
    uint64_t ttb0 = FIELD_EX64(cd[1], CD1, TTB0) << R_CD1_TTB0_SHIFT;
    uint64_t ttb1 = FIELD_EX64(cd[2], CD2, TTB1) << R_CD2_TTB1_SHIFT;
    unsigned ips_bits;
    SMMUStageCfg *s1 = &cfg->s1;

    memset(cfg, 0, sizeof(*cfg));
    if (ste->config != SMMU_STE_S1 && ste->config != SMMU_STE_NESTED) {
        *why = "STE has no stage 1";
        return false;
    }
    if (!FIELD_EX64(d0, CD0, V)) {
        *why = "V=0";
        return false;
    }
    if (ste->s1stalld && s) {
        *why = "S=1 under an STE with S1STALLD=1";
        return false;
    }
    if (caps->term_model && !a) {
        *why = "A=0 with TERM_MODEL=1";
        return false;
    }
    if (s && caps->stall_model == STALL_MODEL_TERMINATE) {
        *why = "S=1 with STALL_MODEL 1 (terminate only)";
        return false;
    }
    if (!s && caps->stall_model == STALL_MODEL_FORCED) {
        *why = "S=0 with STALL_MODEL 2 (stall forced)";
        return false;
    }
    /*
     * StreamWorld: IDR0.Hyp=0 here, so every CD is NS-EL1 and EPDx take
     * their programmed values (they are forced to 0 only in EL2/EL3).
     * ENDI is IGNORED when both tables are disabled.
     */
    if (!epd0 || !epd1) {
        if (endi && caps->ttendian == TTENDIAN_LE) {
            *why = "ENDI=1 on a little-endian-only SMMU";
            return false;
        }
        if (!endi && caps->ttendian == TTENDIAN_BE) {
            *why = "ENDI=0 on a big-endian-only SMMU";
            return false;
        }
    }
    if (!FIELD_EX64(d0, CD0, AA64)) {
        *why = "AA64=0 (VMSAv8-32 not supported)";
        return false;
    }
    if ((ha || hd) && caps->httu == 0) {
        *why = ha ? "HA=1 without HTTU" : "HD=1 without HTTU";
        return false;
    }
    if (hd && caps->httu == 1) {
        *why = "HD=1 with HTTU 1 (access flag only)";
        return false;
    }
    if (caps->httu == 3 && FIELD_EX64(cd[1], CD1, HAFT) && !ha) {
        *why = "HAFT=1 with HA=0";
        return false;
    }
    if (!caps->asid16 && (asid >> 8)) {
        *why = why_fmt("ASID 0x%x needs ASID16", asid);
        return false;
    }
    if (!epd0 && !cd_check_txsz(caps, 0, t0sz, g0, why)) {
        return false;
    }
    if (!epd1 && !cd_check_txsz(caps, 1, t1sz, g1, why)) {
        return false;
    }
    /* eff_IPS = MIN(IPS, OAS) (spec 5.4 IPS). */
    ips_bits = MIN(smmuv3_pa_range_bits(FIELD_EX64(d0, CD0, IPS)),
                   caps->oas);
    if (!epd0 && !cd_check_ttb(caps, 0, tg0, g0, ttb0, ips_bits, why)) {
        return false;
    }
    if (!epd1 && !cd_check_ttb(caps, 1, tg1, g1, ttb1, ips_bits, why)) {
        return false;
    }

    s1->stage = SMMU_STAGE_1;
    s1->oas = ips_bits;
    s1->affd = FIELD_EX64(d0, CD0, AFFD);
    s1->pan = FIELD_EX64(d0, CD0, PAN);
    s1->wxn = FIELD_EX64(d0, CD0, WXN);
    /* Unused at stage 1: the walker derives the start level per TTB. */
    s1->start_level = 0;
    s1->concat = 1;
    /* HADx are honoured: the model advertises IDR3.HAD=1. */
    cd_fill_tt(caps, &s1->tt[0], epd0, t0sz, g0, ttb0,
               FIELD_EX64(cd[1], CD1, HAD0), FIELD_EX64(d0, CD0, TBI0),
               ips_bits);
    cd_fill_tt(caps, &s1->tt[1], epd1, t1sz, g1, ttb1,
               FIELD_EX64(cd[2], CD2, HAD1), FIELD_EX64(d0, CD0, TBI1),
               ips_bits);
    cfg->asid = asid;
    cfg->aset = FIELD_EX64(d0, CD0, ASET);
    cfg->a = a;
    cfg->r = FIELD_EX64(d0, CD0, R);
    cfg->s = s;
    cfg->pan = FIELD_EX64(d0, CD0, PAN);
    cfg->wxn = FIELD_EX64(d0, CD0, WXN);
    cfg->mair = cd[R_CD3];
    return true;
}
