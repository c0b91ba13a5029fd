/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private interface between the two halves of the simulated physical
 * SMMUv3: smmu.c (per-SMMU state, STEs, VMIDs, the command queue and what
 * its commands invalidate, the caches, event records, the DMA entry
 * point) and smmu-walk.c (the nested configuration: vSTE, context
 * descriptor and the VMSAv8-64 stage-1 walk over guest memory reached
 * through the stage-2 IOAS).  Nothing outside these two files uses it.
 */
#ifndef HOSTSIM_SMMU_INTERNAL_H
#define HOSTSIM_SMMU_INTERNAL_H

/* Event numbers (smmuv3-facts.md 5.1). */
#define HS_EVT_C_BAD_STE            0x04
#define HS_EVT_F_STREAM_DISABLED    0x06
#define HS_EVT_C_BAD_SUBSTREAMID    0x08
#define HS_EVT_C_BAD_CD             0x0a
#define HS_EVT_F_TRANSLATION        0x10
#define HS_EVT_F_ADDR_SIZE          0x11
#define HS_EVT_F_ACCESS             0x12
#define HS_EVT_F_PERMISSION         0x13

/* Event record CLASS (facts 5.2). */
#define HS_CLASS_CD                 0
#define HS_CLASS_TT                 1
#define HS_CLASS_IN                 2

/*
 * One cached stage-1 translation: the input range [va, va + size) of a
 * leaf (page or block) maps to the IPA range at ipa.  Tagged like an
 * NS-EL1 entry with a stage 2 (facts 6.8): VMID always, ASID unless the
 * leaf was global (nG=0).
 */
typedef struct HSTlbEntry {
    uint64_t va, size, ipa;
    uint16_t vmid, asid;
    bool global;
    bool writable;
} HSTlbEntry;

/* One cached context descriptor, as fetched (dwords 0-3, CPU order). */
typedef struct HSCdEntry {
    uint32_t sid, ssid;
    uint64_t cd[4];
} HSCdEntry;

/* The runtime state of one SMMU (HSSmmu.hw). */
typedef struct HSSmmuHw {
    GHashTable *stes;       /* StreamID -> HSSte* (absent: abort) */
    uint8_t *vmid_map;      /* bit per VMID, 1 = in use */
    GArray *log;            /* HSCmdLog */
    GArray *events;         /* HSSmmuEvent, the newest ones */
    GArray *tlb;            /* HSTlbEntry, oldest first */
    GArray *cds;            /* HSCdEntry */
    HSSmmuStats stats;
} HSSmmuHw;

/* The state of s, created on first use. */
HSSmmuHw *hs_smmu_hw(HSSmmu *s);

/* The TLB (smmu.c).  Lookup counts a hit or a miss. */
const HSTlbEntry *hs_smmu_tlb_lookup(HSSmmuHw *hw, uint16_t vmid,
                                     uint16_t asid, uint64_t va);
void hs_smmu_tlb_insert(HSSmmuHw *hw, const HSTlbEntry *e);
/* The configuration (CD) cache (smmu.c).  Lookup counts a hit or miss. */
bool hs_smmu_cd_lookup(HSSmmuHw *hw, uint32_t sid, uint32_t ssid,
                       uint64_t cd[4]);
void hs_smmu_cd_insert(HSSmmuHw *hw, uint32_t sid, uint32_t ssid,
                       const uint64_t cd[4]);

/* Fill a record: dword0 always, the rest for translation faults. */
void hs_smmu_evt_config(uint64_t evt[4], unsigned id, uint32_t sid);
void hs_smmu_evt_xlate(uint64_t evt[4], unsigned id, uint32_t sid,
                       bool write, bool s2, unsigned cls, uint64_t input,
                       uint64_t ipa);

/* What became of a transaction after the configuration and stage 1. */
typedef enum HSXlate {
    HS_XLATE_OK,            /* *ipa is the stage-1 output */
    HS_XLATE_FAULT,         /* terminated; evt holds the record */
    HS_XLATE_FAULT_SILENT,  /* terminated, nothing recorded (CD.R=0) */
    HS_XLATE_ABORT,         /* configured abort: no event */
    HS_XLATE_RAZWI,         /* faulted with CD.A=0: reads 0, writes lost */
    HS_XLATE_RAZWI_REC,     /* the same, and evt is recorded */
} HSXlate;

/*
 * The stage-1 half of a nested STE for one access of one byte range
 * that does not cross a 4 KiB boundary (smmu-walk.c): vSTE, CD (cached or
 * fetched through stage 2), TLB or walk.  The caller translates *ipa
 * through stage 2.
 */
HSXlate hs_smmu_nested_s1(HSSmmu *s, uint32_t sid, const HSSte *ste,
                          uint64_t va, bool write, uint64_t *ipa,
                          uint64_t evt[4]);

#endif
