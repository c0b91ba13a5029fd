/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding and validation of the SMMUv3's in-memory configuration: the
 * stream table's level-1 descriptors, Stream Table Entries, the CD
 * table's level-1 descriptors and Context Descriptors (spec 5.1-5.4).
 * Each decoder takes the raw little-endian words already converted to
 * host order and the capabilities the SMMU advertises, and either fills
 * a decoded struct the transaction flow and the walker use as is, or
 * says why the structure is ILLEGAL (C_BAD_STE / C_BAD_CD / invalid
 * L1 descriptors) in a short phrase for -d guest_errors and traces.
 * Pure: no memory access, no device state.  hw/arm/smmuv3-ste.c,
 * tests in tests/unit/test-smmuv3-ste.c.
 */
#ifndef HW_ARM_SMMUV3_STE_H
#define HW_ARM_SMMUV3_STE_H

#include "hw/arm/smmu-common.h"

/* What the SMMU implements: the IDR registers are built from this. */
typedef struct SMMUv3Caps {
    bool s1p, s2p;              /* IDR0.S1P / S2P */
    uint8_t oas;                /* output address size in bits (44, 48) */
    uint8_t sidsize;            /* IDR1.SIDSIZE */
    uint8_t ssidsize;           /* IDR1.SSIDSIZE, 0: no substreams */
    bool cd2l;                  /* IDR0.CD2L: 2-level CD tables */
    bool gran4k, gran16k, gran64k;
    bool asid16, vmid16;
    bool ril;                   /* IDR3.RIL */
    bool hyp;                   /* IDR0.Hyp: EL2 StreamWorld */
    uint8_t stall_model;        /* IDR0.STALL_MODEL (1: terminate only) */
    bool term_model;            /* IDR0.TERM_MODEL (1: CD.A must be 1) */
    uint8_t ttendian;           /* IDR0.TTENDIAN (2: little-endian only) */
    uint8_t httu;               /* IDR0.HTTU (0: none) */
    bool xnx;                   /* IDR3.XNX */
    bool stt;                   /* IDR3.STT */
    bool msi;                   /* IDR0.MSI */
} SMMUv3Caps;

/* STE.Config, decoded (spec 5.2): 0b0xx abort, 0b100 bypass, ... */
typedef enum SMMUSteConfig {
    SMMU_STE_ABORT,             /* abort, no event */
    SMMU_STE_BYPASS,
    SMMU_STE_S1,                /* stage 1 translate, stage 2 bypass */
    SMMU_STE_S2,                /* stage 1 bypass, stage 2 translate */
    SMMU_STE_NESTED,
} SMMUSteConfig;

typedef struct SMMUSteCfg {
    SMMUSteConfig config;
    /* Stage 1 (S1, NESTED). */
    uint64_t s1_ctx_ptr;        /* CD / L1CD table: PA, or IPA if nested */
    uint8_t s1_fmt;             /* 0 linear, 1 2-level 4K, 2 2-level 64K */
    uint8_t s1_cdmax;           /* log2 #CDs; 0: one CD, no substreams */
    uint8_t s1dss;              /* 0 terminate, 1 bypass, 2 use CD 0 */
    bool s1stalld;
    uint8_t strw;               /* StreamWorld */
    /* Stage 2 (S2, NESTED); vmid also tags S1-only when S2P. */
    SMMUStageCfg s2;
    uint16_t vmid;
    bool s2r;                   /* record stage-2 faults */
    bool s2s;                   /* stall stage-2 faults */
    /* Attribute overrides. */
    uint8_t privcfg;            /* 0 incoming, 2 unprivileged, 3 priv. */
    uint8_t instcfg;            /* 0 incoming, 2 data, 3 instruction */
    uint8_t eats;
} SMMUSteCfg;

typedef struct SMMUCdCfg {
    SMMUStageCfg s1;            /* tt[0]/tt[1], oas = effective IPS */
    uint16_t asid;
    bool aset;
    bool a, r, s;               /* abort / record / stall stage-1 faults */
    bool pan, wxn;
    uint64_t mair;
} SMMUCdCfg;

/*
 * A 2-level stream table's L1STD for a StreamID whose index into the L2
 * array is l2_index (SID & (2^split - 1)).  True with *l2ptr = the L2
 * array's address; false (with *why) when the SID is invalid: Span 0 or
 * reserved, Span > split + 1, or l2_index beyond the Span (spec 5.1.2;
 * the caller records C_BAD_STREAMID when CR2.RECINVSID).
 */
bool smmuv3_l1std_decode(uint64_t l1std, unsigned split, uint32_t l2_index,
                         uint64_t *l2ptr, const char **why);

/*
 * An STE (8 dwords).  False with *why for V=0 or any ILLEGAL combination
 * of spec 5.2.2 given caps (the caller records C_BAD_STE).  Config
 * 0b0xx decodes to SMMU_STE_ABORT and is valid.
 */
bool smmuv3_ste_decode(const SMMUv3Caps *caps, const uint64_t ste[8],
                       SMMUSteCfg *cfg, const char **why);

/*
 * A CD table's L1 descriptor (S1Fmt 1 or 2): true with *l2ptr, false
 * when V=0 (the caller records C_BAD_SUBSTREAMID).
 */
bool smmuv3_l1cd_decode(uint64_t l1cd, uint8_t s1_fmt, uint64_t *l2ptr,
                        const char **why);

/*
 * A CD (8 dwords) under the STE ste.  False with *why for V=0 or an
 * ILLEGAL CD (spec 5.4.2; the caller records C_BAD_CD).
 */
bool smmuv3_cd_decode(const SMMUv3Caps *caps, const SMMUSteCfg *ste,
                      const uint64_t cd[8], SMMUCdCfg *cfg,
                      const char **why);

/* Address bits for an IDR5.OAS / CD.IPS / STE.S2PS encoding (0..7). */
unsigned smmuv3_pa_range_bits(unsigned encoding);

#endif
