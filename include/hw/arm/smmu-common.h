/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types shared by the pieces of the SMMUv3 model that know nothing of
 * MMIO or QOM: the VMSAv8-64 page-table walker (smmu-ptw), the STE and CD
 * decoders (smmuv3-ste), the IOTLB and the transaction flow.  A decoded
 * translation stage, the access being translated, the walk's result and
 * the fault it may end in, with the SMMUv3 event numbers (spec 7.3) the
 * faults are reported as.  Keeping them here lets the walker and the
 * decoders be unit-tested on plain structs.
 */
#ifndef HW_ARM_SMMU_COMMON_H
#define HW_ARM_SMMU_COMMON_H

#include "system/memory.h"

/* Event record numbers (SMMUv3 spec 7.3, Table 7-*). */
typedef enum SMMUEventType {
    SMMU_EVT_NONE = 0x00,
    SMMU_EVT_F_UUT = 0x01,
    SMMU_EVT_C_BAD_STREAMID = 0x02,
    SMMU_EVT_F_STE_FETCH = 0x03,
    SMMU_EVT_C_BAD_STE = 0x04,
    SMMU_EVT_F_BAD_ATS_TREQ = 0x05,
    SMMU_EVT_F_STREAM_DISABLED = 0x06,
    SMMU_EVT_F_TRANSL_FORBIDDEN = 0x07,
    SMMU_EVT_C_BAD_SUBSTREAMID = 0x08,
    SMMU_EVT_F_CD_FETCH = 0x09,
    SMMU_EVT_C_BAD_CD = 0x0a,
    SMMU_EVT_F_WALK_EABT = 0x0b,
    SMMU_EVT_F_TRANSLATION = 0x10,
    SMMU_EVT_F_ADDR_SIZE = 0x11,
    SMMU_EVT_F_ACCESS = 0x12,
    SMMU_EVT_F_PERMISSION = 0x13,
    SMMU_EVT_F_TLB_CONFLICT = 0x20,
    SMMU_EVT_F_CFG_CONFLICT = 0x21,
} SMMUEventType;

/* Event record CLASS field: what was being translated (spec 7.3.12). */
typedef enum SMMUFaultClass {
    SMMU_CLASS_CD = 0,          /* a CD or L1CD fetch (stage 2 only) */
    SMMU_CLASS_TT = 1,          /* a stage-1 table descriptor fetch */
    SMMU_CLASS_IN = 2,          /* the input address itself */
} SMMUFaultClass;

typedef enum SMMUStage {
    SMMU_STAGE_1 = 1,
    SMMU_STAGE_2 = 2,
} SMMUStage;

/* One translation table: TTB0 / TTB1 of a CD, or the STE's S2TTB. */
typedef struct SMMUTTCfg {
    uint64_t ttb;               /* base: a PA, or an IPA for nested stage 1 */
    uint8_t tsz;                /* TxSZ / S2T0SZ: input size 64 - tsz bits */
    uint8_t granule_sz;         /* log2 of the granule: 12, 14 or 16 */
    bool epd;                   /* walks disabled: a miss is F_TRANSLATION */
    bool had;                   /* hierarchical attributes (APTable...) off */
    bool tbi;                   /* top byte ignored for range checks */
} SMMUTTCfg;

/*
 * One decoded translation stage, validated by its decoder (CD for stage
 * 1, STE for stage 2): the walker trusts these values.
 */
typedef struct SMMUStageCfg {
    SMMUStage stage;
    uint8_t oas;                /* effective output size in bits */
    bool affd;                  /* AF=0 is treated as AF=1 (no F_ACCESS) */
    /* Stage 1: tt[0] = TTB0, tt[1] = TTB1.  Stage 2: tt[0] only. */
    SMMUTTCfg tt[2];
    /*
     * Stage 2 only, computed by the STE decoder from S2SL0/S2T0SZ/S2TG
     * (spec 5.2, Arm ARM S2InconsistentSL): the start level and how many
     * tables are concatenated there (1..16).  The walker derives stage
     * 1's start level from tsz and the granule itself.
     */
    int start_level;
    unsigned concat;
    bool s2ptw;                 /* S1 table/CD fetches to S2 Device: fault */
    bool xnx;                   /* IDR3.XNX: S2 XN is two bits */
    /* Stage 1 only: CD.PAN and CD.WXN. */
    bool pan;                   /* privileged data to EL0 pages: fault */
    bool wxn;                   /* no execution from writable pages */
} SMMUStageCfg;

/* The transaction being translated, as the SMMU sees it. */
typedef struct SMMUAccess {
    bool write;                 /* else a read */
    bool instr;                 /* instruction fetch (InD); never a write */
    bool priv;                  /* privileged (PnU) */
} SMMUAccess;

/* Outcome of a successful walk (one stage or both combined). */
typedef struct SMMUPTWResult {
    uint64_t oa;                /* output address of the input address */
    uint64_t addr_mask;         /* mapping size - 1 (page or block) */
    int level;                  /* leaf level of the smaller mapping */
    uint8_t granule_sz;         /* log2 granule of that mapping */
    IOMMUAccessFlags perm;      /* data access this mapping allows to the
                                 * accessor's privilege (both stages ANDed) */
    bool global;                /* stage-1 leaf had nG=0 */
    uint8_t s2_memattr;         /* stage-2 leaf MemAttr[3:0], 0xf if none */
} SMMUPTWResult;

/* Why a walk failed, with the event record fields it determines. */
typedef struct SMMUFault {
    SMMUEventType type;         /* F_TRANSLATION, F_ADDR_SIZE, F_ACCESS,
                                 * F_PERMISSION or F_WALK_EABT */
    bool s2;                    /* the fault is in stage 2 */
    SMMUFaultClass class;
    uint64_t ipa;               /* s2 faults: the IPA stage 2 translated */
    uint64_t fetch_addr;        /* F_WALK_EABT: PA of the descriptor */
    int level;                  /* level of the failing lookup (traces) */
} SMMUFault;

/*
 * Reads one 64-bit little-endian descriptor at physical address pa.  The
 * walker calls nothing else to reach memory, so unit tests give it a
 * fake memory and the device gives it address_space_memory.
 */
typedef MemTxResult (*SMMUPTWReadFn)(void *opaque, uint64_t pa,
                                     uint64_t *desc);

typedef struct SMMUPTWMem {
    SMMUPTWReadFn read;
    void *opaque;
} SMMUPTWMem;

#endif
