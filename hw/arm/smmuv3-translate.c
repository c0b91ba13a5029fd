/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3's upstream side: what happens to one DMA transaction of a
 * PCI function behind the SMMU.  Every requester (bus, devfn) gets an
 * address space rooted at an IOMMU region whose translate hook runs the
 * architecture's flow: global bypass while SMMUEN=0 (GBPA), the
 * StreamID's STE in a linear or 2-level stream table (spec 5.1-5.2),
 * the SubstreamID's CD in a linear or 2-level CD table, fetched through
 * stage 2 in nested configurations (spec 5.3-5.4), then the IOTLB and,
 * on a miss, the page-table walk (hw/arm/smmu-ptw.c).  Each failure is
 * recorded as the event the spec names for it, with its fields (spec
 * 7.3), and the access fails with MEMTX_IOMMU_FAULT; TERM_MODEL=1 and
 * STALL_MODEL=1, so nothing completes as RAZ/WI and nothing stalls.
 *
 * Decoded configurations (STE + CD) are cached per (StreamID,
 * SubstreamID) until a CFGI command drops them; the IOTLB is
 * hw/arm/smmuv3-tlb.c.  STE and CD decoding is hw/arm/smmuv3-ste.c.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "hw/pci/pci.h"
#include "qemu/log.h"
#include "trace/trace-hw_arm.h"

/* Beyond this many cached configurations the cache is dropped whole. */
#define SMMU_CONFIG_CACHE_MAX 4096

#define SMMU_STE_SIZE 64
#define SMMU_CD_SIZE 64

typedef struct SMMUConfigKey {
    uint32_t sid;
    int32_t ssid;               /* -1: transactions without a SubstreamID */
} SMMUConfigKey;

/* What a (StreamID, SubstreamID) resolves to once STE and CD are read. */
typedef enum SMMUTransKind {
    SMMU_TRANS_ABORT,           /* STE.Config abort: no event */
    SMMU_TRANS_BYPASS,          /* no stage translates */
    SMMU_TRANS_TRANSLATE,       /* stage 1, stage 2 or both */
} SMMUTransKind;

typedef struct SMMUTransCfg {
    SMMUConfigKey key;
    SMMUTransKind kind;
    SMMUSteCfg ste;
    bool s1;                    /* stage 1 translates with cd */
    bool s2;                    /* stage 2 translates with ste.s2 */
    SMMUCdCfg cd;
    int64_t cd_index;           /* the CD used (CFGI_CD), -1: none */
    int asid;                   /* IOTLB tags: -1 without stage 1 */
    int vmid;                   /* -1 on an SMMU without stage 2 */
} SMMUTransCfg;

/* One transaction, as the event records describe it. */
typedef struct SMMUTxn {
    SMMUv3State *s;
    uint32_t sid;
    bool ssv;
    uint32_t ssid;
    uint64_t addr;
    SMMUAccess acc;             /* after the STE's PRIVCFG/INSTCFG */
} SMMUTxn;

static const char *smmuv3_event_name(SMMUEventType type)
{
    switch (type) {
    case SMMU_EVT_C_BAD_STREAMID:
        return "C_BAD_STREAMID";
    case SMMU_EVT_F_STE_FETCH:
        return "F_STE_FETCH";
    case SMMU_EVT_C_BAD_STE:
        return "C_BAD_STE";
    case SMMU_EVT_F_STREAM_DISABLED:
        return "F_STREAM_DISABLED";
    case SMMU_EVT_C_BAD_SUBSTREAMID:
        return "C_BAD_SUBSTREAMID";
    case SMMU_EVT_F_CD_FETCH:
        return "F_CD_FETCH";
    case SMMU_EVT_C_BAD_CD:
        return "C_BAD_CD";
    case SMMU_EVT_F_WALK_EABT:
        return "F_WALK_EABT";
    case SMMU_EVT_F_TRANSLATION:
        return "F_TRANSLATION";
    case SMMU_EVT_F_ADDR_SIZE:
        return "F_ADDR_SIZE";
    case SMMU_EVT_F_ACCESS:
        return "F_ACCESS";
    case SMMU_EVT_F_PERMISSION:
        return "F_PERMISSION";
    default:
        return "?";
    }
}

/* ---- events ---- */

/* The dword 0 fields every event has. */
static SMMUEvent smmuv3_txn_event(const SMMUTxn *t, SMMUEventType type)
{
    return (SMMUEvent) {
        .type = type,
        .sid = t->sid,
        .ssv = t->ssv,
        .ssid = t->ssv ? t->ssid : 0,
    };
}

static void smmuv3_txn_record(const SMMUTxn *t, const SMMUEvent *ev,
                              bool record)
{
    trace_smmuv3_translate_event(smmuv3_event_name(ev->type), ev->type,
                                 t->sid, t->ssv, t->ssid, t->addr, ev->s2,
                                 ev->class, record);
    if (record) {
        smmuv3_record_event(t->s, ev);
    }
}

/* A configuration error: the dword 0 fields only (spec 7.3.2-7.3.11). */
static void smmuv3_config_event(const SMMUTxn *t, SMMUEventType type,
                                const char *why)
{
    SMMUEvent ev = smmuv3_txn_event(t, type);

    if (type == SMMU_EVT_C_BAD_SUBSTREAMID) {
        /* Its SubstreamID is always valid: no SSV bit (spec 7.3.9). */
        ev.ssv = false;
        ev.ssid = t->ssid;
    } else if (type == SMMU_EVT_F_STREAM_DISABLED) {
        /* Only the StreamID (spec 7.3.7). */
        ev.ssv = false;
        ev.ssid = 0;
    }
    if (t->ssv) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: sid 0x%x ssid 0x%x: %s: %s\n",
                      t->sid, t->ssid, smmuv3_event_name(type), why);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: sid 0x%x: %s: %s\n", t->sid,
                      smmuv3_event_name(type), why);
    }
    smmuv3_txn_record(t, &ev, true);
}

/* An abort fetching a table: FetchAddr is the PA (spec 7.3.4, 7.3.10). */
static void smmuv3_fetch_event(const SMMUTxn *t, SMMUEventType type,
                               uint64_t pa, const char *what)
{
    SMMUEvent ev = smmuv3_txn_event(t, type);

    ev.fetch_addr = pa;
    qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: sid 0x%x: %s: %s at 0x%"
                  PRIx64 " is not readable\n", t->sid,
                  smmuv3_event_name(type), what, pa);
    smmuv3_txn_record(t, &ev, true);
}

/*
 * A translation-class fault (spec 7.3.12-7.3.16, facts 5.3).  Only
 * F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and F_PERMISSION honour the
 * record flags (CD.R for stage 1, STE.S2R for stage 2; spec 5.5); the
 * others are always recorded.
 */
static void smmuv3_walk_event(const SMMUTxn *t, const SMMUTransCfg *cfg,
                              const SMMUFault *f)
{
    SMMUEvent ev = smmuv3_txn_event(t, f->type);
    bool record = true;

    ev.pnu = t->acc.priv;
    ev.ind = t->acc.instr;
    ev.rnw = !t->acc.write;
    ev.s2 = f->s2;
    ev.class = f->class;
    ev.input_addr = t->addr;
    if (f->s2) {
        ev.ipa = f->ipa;
    }
    if (f->type == SMMU_EVT_F_WALK_EABT) {
        ev.fetch_addr = f->fetch_addr;
    }
    switch (f->type) {
    case SMMU_EVT_F_TRANSLATION:
    case SMMU_EVT_F_ADDR_SIZE:
    case SMMU_EVT_F_ACCESS:
    case SMMU_EVT_F_PERMISSION:
        record = f->s2 ? cfg->ste.s2r : cfg->cd.r;
        break;
    default:
        break;
    }
    trace_smmuv3_translate_fault(smmuv3_event_name(f->type), t->sid,
                                 t->addr, f->s2, f->class, f->level, f->ipa,
                                 f->fetch_addr);
    smmuv3_txn_record(t, &ev, record);
}

/*
 * A stage-1 F_ADDR_SIZE on an input beyond the bypassed stage's size
 * (spec 3.4: IAS with stage 1 bypassed, OAS for a bypass STE).  No CD
 * supplies a record flag in either case, so it is always recorded.
 */
static void smmuv3_bypass_size_event(const SMMUTxn *t)
{
    SMMUEvent ev = smmuv3_txn_event(t, SMMU_EVT_F_ADDR_SIZE);

    ev.pnu = t->acc.priv;
    ev.ind = t->acc.instr;
    ev.rnw = !t->acc.write;
    ev.class = SMMU_CLASS_IN;
    ev.input_addr = t->addr;
    smmuv3_txn_record(t, &ev, true);
}

/* ---- memory ---- */

/* n little-endian dwords at pa, in host order. */
static bool smmuv3_fetch(const SMMUTxn *t, uint64_t pa, uint64_t *w,
                         unsigned n)
{
    return smmuv3_read_dwords(t->s, pa, w, n) == MEMTX_OK;
}

/* The walker's memory: descriptors read as the SMMU (opaque). */
static MemTxResult smmuv3_ptw_read(void *opaque, uint64_t pa,
                                   uint64_t *desc)
{
    return smmuv3_read_dwords(opaque, pa, desc, 1);
}

/* ---- stream table ---- */

/*
 * The STE of t->sid (spec 5.1, facts 2.1).  Invalid StreamIDs abort,
 * recording C_BAD_STREAMID only when CR2.RECINVSID is set.
 */
static bool smmuv3_read_ste(const SMMUTxn *t, uint64_t ste[8])
{
    SMMUv3State *s = t->s;
    uint32_t cfg = s->strtab_base_cfg;
    unsigned log2size = MIN(FIELD_EX32(cfg, STRTAB_BASE_CFG, LOG2SIZE),
                            s->caps.sidsize);
    uint64_t base = FIELD_EX64(s->strtab_base, STRTAB_BASE, ADDR) << 6;
    const char *why = NULL;
    uint64_t ste_addr;

    if (t->sid >> log2size) {
        why = "StreamID beyond the stream table";
    } else if (FIELD_EX32(cfg, STRTAB_BASE_CFG, FMT) == 1) {
        /* SPLIT 6, 8 or 10; anything else behaves as 6 (spec 6.3.25). */
        unsigned split = FIELD_EX32(cfg, STRTAB_BASE_CFG, SPLIT);
        uint64_t l1_addr, l1std, l2ptr;
        unsigned l1_log2;

        if (split != 6 && split != 8 && split != 10) {
            split = 6;
        }
        /* The L1 table is aligned to its size, 64 bytes at least. */
        l1_log2 = log2size > split ? log2size - split + 3 : 3;
        base &= ~MAKE_64BIT_MASK(0, MAX(6, l1_log2));
        l1_addr = base + (uint64_t)(t->sid >> split) * 8;
        if (!smmuv3_fetch(t, l1_addr, &l1std, 1)) {
            smmuv3_fetch_event(t, SMMU_EVT_F_STE_FETCH, l1_addr, "L1STD");
            return false;
        }
        if (!smmuv3_l1std_decode(l1std, split,
                                 t->sid & MAKE_64BIT_MASK(0, split),
                                 &l2ptr, &why)) {
            ste_addr = 0;
        } else {
            ste_addr = l2ptr + (uint64_t)(t->sid & MAKE_64BIT_MASK(0, split)) *
                       SMMU_STE_SIZE;
        }
    } else {
        /* Linear (FMT 0; the reserved values behave as 0). */
        base &= ~MAKE_64BIT_MASK(0, log2size + 6);
        ste_addr = base + (uint64_t)t->sid * SMMU_STE_SIZE;
    }
    if (why) {
        trace_smmuv3_translate_bad_sid(t->sid, why,
                                       FIELD_EX32(s->cr[2], CR2, RECINVSID));
        if (FIELD_EX32(s->cr[2], CR2, RECINVSID)) {
            smmuv3_config_event(t, SMMU_EVT_C_BAD_STREAMID, why);
        } else {
            qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: sid 0x%x: invalid "
                          "StreamID (not recorded: CR2.RECINVSID=0): %s\n",
                          t->sid, why);
        }
        return false;
    }
    if (!smmuv3_fetch(t, ste_addr, ste, 8)) {
        smmuv3_fetch_event(t, SMMU_EVT_F_STE_FETCH, ste_addr, "STE");
        return false;
    }
    trace_smmuv3_translate_ste(t->sid, ste_addr, ste[0], ste[1], ste[2],
                               ste[3]);
    return true;
}

/* ---- context descriptors ---- */

/*
 * A CD-table address: a PA, or in a nested configuration an IPA that
 * stage 2 translates first (spec 3.4.3; a fault is S2=1 CLASS=CD).
 */
static bool smmuv3_cd_table_pa(const SMMUTxn *t, const SMMUTransCfg *cfg,
                               uint64_t addr, uint64_t *pa)
{
    SMMUPTWMem mem = { .read = smmuv3_ptw_read, .opaque = t->s };
    SMMUFault f;

    if (cfg->ste.config != SMMU_STE_NESTED) {
        *pa = addr;
        return true;
    }
    if (smmu_ptw_s2_table_addr(&cfg->ste.s2, addr, SMMU_CLASS_CD,
                               &mem, pa, &f)) {
        return true;
    }
    smmuv3_walk_event(t, cfg, &f);
    return false;
}

/* Fetch and decode CD idx of the STE in cfg (spec 5.3, facts 3.1). */
static bool smmuv3_read_cd(const SMMUTxn *t, SMMUTransCfg *cfg,
                           uint32_t idx)
{
    const SMMUSteCfg *ste = &cfg->ste;
    uint64_t table = ste->s1_ctx_ptr, addr, pa, cd[8];
    const char *why = NULL;

    if (ste->s1_fmt == 1 || ste->s1_fmt == 2) {
        /* 2-level: 64 CDs (4 KiB) or 1024 CDs (64 KiB) per leaf. */
        unsigned split = ste->s1_fmt == 1 ? 6 : 10;
        uint64_t l1cd, l2ptr;

        addr = table + (uint64_t)(idx >> split) * 8;
        if (!smmuv3_cd_table_pa(t, cfg, addr, &pa)) {
            return false;
        }
        if (!smmuv3_fetch(t, pa, &l1cd, 1)) {
            smmuv3_fetch_event(t, SMMU_EVT_F_CD_FETCH, pa, "L1CD");
            return false;
        }
        /*
         * A leaf PA beyond the OAS is a bad SubstreamID from v3.1 on
         * (spec 3.4.3, note 3).  Under stage 2 it is an IPA, and one
         * beyond the IAS takes the stage-2 Translation fault that
         * spec 3.4.3 note 4 allows (S2T0SZ never exceeds the IAS).
         */
        if (smmuv3_l1cd_decode(l1cd, ste->s1_fmt, &l2ptr, &why) &&
            ste->config != SMMU_STE_NESTED && l2ptr >> t->s->caps.oas) {
            why = "L1CD.L2Ptr beyond the OAS";
        }
        if (why) {
            SMMUTxn bad = *t;

            /* The event names the CD index even for CD 0 of S1DSS=2. */
            bad.ssid = idx;
            smmuv3_config_event(&bad, SMMU_EVT_C_BAD_SUBSTREAMID, why);
            return false;
        }
        addr = l2ptr + (uint64_t)(idx & MAKE_64BIT_MASK(0, split)) *
               SMMU_CD_SIZE;
    } else {
        addr = table + (uint64_t)idx * SMMU_CD_SIZE;
    }
    if (!smmuv3_cd_table_pa(t, cfg, addr, &pa)) {
        return false;
    }
    if (!smmuv3_fetch(t, pa, cd, 8)) {
        smmuv3_fetch_event(t, SMMU_EVT_F_CD_FETCH, pa, "CD");
        return false;
    }
    trace_smmuv3_translate_cd(t->sid, idx, pa, cd[0], cd[1], cd[3]);
    if (!smmuv3_cd_decode(&t->s->caps, ste, cd, &cfg->cd, &why)) {
        smmuv3_config_event(t, SMMU_EVT_C_BAD_CD, why);
        return false;
    }
    cfg->s1 = true;
    cfg->cd_index = idx;
    return true;
}

/*
 * Stage 1 of an S1 or nested STE: which CD the transaction uses, or
 * whether stage 1 is bypassed (spec 3.9, 5.2 S1DSS; facts 2.4).
 */
static bool smmuv3_resolve_s1(const SMMUTxn *t, SMMUTransCfg *cfg)
{
    const SMMUSteCfg *ste = &cfg->ste;
    /* With SSIDSIZE=0 S1CDMax is ignored: S1ContextPtr is one CD. */
    unsigned cdmax = t->s->caps.ssidsize ? ste->s1_cdmax : 0;

    if (t->ssv) {
        if (!cdmax || t->ssid >> cdmax) {
            smmuv3_config_event(t, SMMU_EVT_C_BAD_SUBSTREAMID,
                                !cdmax ? "the STE has no substreams"
                                       : "SubstreamID beyond S1CDMax");
            return false;
        }
        if (ste->s1dss == 2 && t->ssid == 0) {
            /* Substream 0 stands for the transactions without one. */
            smmuv3_config_event(t, SMMU_EVT_F_STREAM_DISABLED,
                                "SubstreamID 0 with S1DSS=2");
            return false;
        }
        return smmuv3_read_cd(t, cfg, t->ssid);
    }
    if (!cdmax) {
        return smmuv3_read_cd(t, cfg, 0);
    }
    switch (ste->s1dss) {
    case 1:
        return true;                    /* stage 1 bypassed */
    case 2:
        return smmuv3_read_cd(t, cfg, 0);
    default:
        smmuv3_config_event(t, SMMU_EVT_F_STREAM_DISABLED,
                            "no SubstreamID with S1DSS=0");
        return false;
    }
}

/* The access as the STE overrides it (spec 5.2 PRIVCFG, INSTCFG). */
static void smmuv3_override_access(SMMUTxn *t, const SMMUSteCfg *ste)
{
    if (ste->privcfg == 2) {
        t->acc.priv = false;
    } else if (ste->privcfg == 3) {
        t->acc.priv = true;
    }
    /* InD is 0 for writes whatever INSTCFG says (spec 7.3.12). */
    if (ste->instcfg == 2 || t->acc.write) {
        t->acc.instr = false;
    } else if (ste->instcfg == 3) {
        t->acc.instr = true;
    }
}

/* STE (and CD) of the transaction, decoded; false after its event. */
static bool smmuv3_decode_config(SMMUTxn *t, SMMUTransCfg *cfg)
{
    SMMUv3State *s = t->s;
    uint64_t ste[8];
    const char *why = NULL;

    if (!smmuv3_read_ste(t, ste)) {
        return false;
    }
    if (!smmuv3_ste_decode(&s->caps, ste, &cfg->ste, &why)) {
        smmuv3_config_event(t, SMMU_EVT_C_BAD_STE, why);
        return false;
    }
    /* Events from here on (CD fetches) show the overridden access. */
    smmuv3_override_access(t, &cfg->ste);
    cfg->cd_index = -1;
    cfg->vmid = s->caps.s2p ? cfg->ste.vmid : -1;
    switch (cfg->ste.config) {
    case SMMU_STE_ABORT:
        cfg->kind = SMMU_TRANS_ABORT;
        return true;
    case SMMU_STE_BYPASS:
    case SMMU_STE_S2:
        if (t->ssv) {
            smmuv3_config_event(t, SMMU_EVT_C_BAD_SUBSTREAMID,
                                "stage 1 is not enabled in the STE");
            return false;
        }
        cfg->s2 = cfg->ste.config == SMMU_STE_S2;
        break;
    case SMMU_STE_S1:
    case SMMU_STE_NESTED:
        cfg->s2 = cfg->ste.config == SMMU_STE_NESTED;
        if (!smmuv3_resolve_s1(t, cfg)) {
            return false;
        }
        break;
    }
    cfg->kind = cfg->s1 || cfg->s2 ? SMMU_TRANS_TRANSLATE : SMMU_TRANS_BYPASS;
    cfg->asid = cfg->s1 ? cfg->cd.asid : -1;
    return true;
}

/* ---- configuration cache ---- */

static guint smmuv3_config_key_hash(gconstpointer v)
{
    const SMMUConfigKey *k = v;

    return k->sid * 0x9e3779b1u ^ (uint32_t)k->ssid;
}

static gboolean smmuv3_config_key_equal(gconstpointer a, gconstpointer b)
{
    const SMMUConfigKey *x = a, *y = b;

    return x->sid == y->sid && x->ssid == y->ssid;
}

/*
 * The configuration of t, copied to *out: recording an event may send an
 * MSI, which a guest may aim at CMDQ_PROD, whose CFGI commands would
 * free a cached one under our feet.
 */
static bool smmuv3_get_config(SMMUTxn *t, SMMUTransCfg *out)
{
    SMMUv3State *s = t->s;
    SMMUConfigKey key = { .sid = t->sid, .ssid = t->ssv ? t->ssid : -1 };
    SMMUTransCfg *cfg = g_hash_table_lookup(s->configs, &key);

    if (cfg) {
        s->config_hits++;
        trace_smmuv3_config_hit(key.sid, key.ssid, s->config_hits,
                                s->config_misses);
        *out = *cfg;
        smmuv3_override_access(t, &out->ste);
        return true;
    }
    s->config_misses++;
    trace_smmuv3_config_miss(key.sid, key.ssid, s->config_hits,
                             s->config_misses);
    *out = (SMMUTransCfg) { .key = key };
    if (!smmuv3_decode_config(t, out)) {
        /* Broken configurations are read again each time. */
        return false;
    }
    if (g_hash_table_size(s->configs) >= SMMU_CONFIG_CACHE_MAX) {
        smmuv3_config_inv_all(s);
    }
    cfg = g_memdup2(out, sizeof(*out));
    g_hash_table_replace(s->configs, &cfg->key, cfg);
    trace_smmuv3_config_insert(key.sid, key.ssid, cfg->ste.config,
                               cfg->s1, cfg->s2, cfg->asid, cfg->vmid);
    return true;
}

typedef struct SMMUConfigFilter {
    uint32_t first, last;       /* StreamIDs, inclusive */
    int64_t cd_index;           /* -2: any; else only configs using it */
} SMMUConfigFilter;

static gboolean smmuv3_config_filter_match(gpointer key, gpointer value,
                                           gpointer opaque)
{
    const SMMUConfigFilter *f = opaque;
    const SMMUTransCfg *cfg = value;

    return cfg->key.sid >= f->first && cfg->key.sid <= f->last &&
           (f->cd_index == -2 || cfg->cd_index == f->cd_index);
}

static void smmuv3_config_inv_filter(SMMUv3State *s,
                                     const SMMUConfigFilter *f)
{
    guint n = 0;

    if (s->configs) {
        n = g_hash_table_foreach_remove(s->configs,
                                        smmuv3_config_filter_match,
                                        (gpointer)f);
    }
    trace_smmuv3_config_inv(f->first, f->last, f->cd_index, n);
}

void smmuv3_config_inv_sids(SMMUv3State *s, uint32_t first, uint32_t last)
{
    SMMUConfigFilter f = { .first = first, .last = last, .cd_index = -2 };

    smmuv3_config_inv_filter(s, &f);
}

/*
 * CFGI_CD names a CD by index; a cached configuration records the CD it
 * used, so CD 0 also drops the entry of transactions without an SSID
 * that S1CDMax=0 or S1DSS=2 sent to CD 0.
 */
void smmuv3_config_inv_cd(SMMUv3State *s, uint32_t sid, int64_t ssid)
{
    SMMUConfigFilter f = {
        .first = sid, .last = sid, .cd_index = ssid < 0 ? -2 : ssid,
    };

    smmuv3_config_inv_filter(s, &f);
}

void smmuv3_config_inv_all(SMMUv3State *s)
{
    guint n = 0;

    if (s->configs) {
        n = g_hash_table_size(s->configs);
        g_hash_table_remove_all(s->configs);
    }
    trace_smmuv3_config_inv(0, UINT32_MAX, -2, n);
}

/* ---- the transaction ---- */

static void smmuv3_entry_identity(IOMMUTLBEntry *entry, uint64_t addr)
{
    *entry = (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = addr & ~0xfffULL,
        .translated_addr = addr & ~0xfffULL,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
}

/* Does a cached entry answer this access as a walk would? */
static bool smmuv3_entry_usable(const SMMUTLBEntry *e, const SMMUTxn *t)
{
    IOMMUAccessFlags need = t->acc.write ? IOMMU_WO : IOMMU_RO;

    /*
     * Perm is the data permission for the privilege the entry was
     * walked with.  A miss in it, another privilege or an instruction
     * fetch (whose XN checks the entry does not keep) walk again, so
     * a fault names the stage that denies it (S2 bit, CLASS, IPA).
     */
    return (e->perm & need) == need && e->priv == t->acc.priv &&
           !t->acc.instr;
}

/*
 * The address the IOTLB knows a transaction by.  With TBI the top byte
 * takes no part in translation (spec 3.4.1), so the entry is the one of
 * the untagged VA (bits [63:56] a copy of bit 55), which is also the
 * address drivers give TLBI_NH_VA (spec 4.4.2 lets TBI apply to it).
 */
static uint64_t smmuv3_tlb_addr(const SMMUTxn *t, const SMMUTransCfg *cfg)
{
    if (cfg->s1 && cfg->cd.s1.tt[extract64(t->addr, 55, 1)].tbi) {
        return sextract64(t->addr, 0, 56);
    }
    return t->addr;
}

static MemTxResult smmuv3_translate_cfg(SMMUTxn *t, const SMMUTransCfg *cfg,
                                        IOMMUTLBEntry *entry)
{
    SMMUv3State *s = t->s;
    uint64_t tlb_addr = smmuv3_tlb_addr(t, cfg);
    const SMMUTLBEntry *hit;
    SMMUTLBEntry e;
    SMMUPTWMem mem = { .read = smmuv3_ptw_read, .opaque = s };
    SMMUPTWResult res;
    SMMUFault f;

    if (!cfg->s1 && t->addr >> s->caps.oas) {
        /* IAS = OAS on an AArch64-only SMMU (spec 3.4, facts 6.6). */
        smmuv3_bypass_size_event(t);
        return MEMTX_IOMMU_FAULT;
    }
    hit = smmu_iotlb_lookup(s, cfg->asid, cfg->vmid, tlb_addr);
    if (hit && smmuv3_entry_usable(hit, t)) {
        e = *hit;
    } else {
        if (!smmu_ptw_translate(cfg->s1 ? &cfg->cd.s1 : NULL,
                                cfg->s2 ? &cfg->ste.s2 : NULL, t->addr,
                                &t->acc, &mem, &res, &f)) {
            smmuv3_walk_event(t, cfg, &f);
            return MEMTX_IOMMU_FAULT;
        }
        e = (SMMUTLBEntry) {
            .iova = tlb_addr & ~res.addr_mask,
            .oa = res.oa & ~res.addr_mask,
            .addr_mask = res.addr_mask,
            .perm = res.perm,
            .asid = cfg->s1 && !res.global ? cfg->asid : -1,
            .vmid = cfg->vmid,
            .granule_sz = res.granule_sz,
            .level = res.level,
            .stages = (cfg->s1 ? 1 : 0) | (cfg->s2 ? 2 : 0),
            .ipa = cfg->s1 ? 0 : t->addr & ~res.addr_mask,
            .priv = t->acc.priv,
        };
        smmu_iotlb_insert(s, &e);
    }
    *entry = (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = t->addr & ~e.addr_mask,
        .translated_addr = e.oa,
        .addr_mask = e.addr_mask,
        .perm = e.perm,
    };
    return MEMTX_OK;
}

static MemTxResult smmuv3_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                    IOMMUAccessFlags flag, MemTxAttrs attrs,
                                    IOMMUTLBEntry *entry)
{
    PCIIOMMUSpace *sp = container_of(iommu, PCIIOMMUSpace, iommu);
    SMMUv3State *s = sp->opaque;
    SMMUTxn t = {
        .s = s,
        .sid = pci_bus_num(sp->bus) << 8 | sp->devfn,
        .ssv = attrs.has_pasid,
        .ssid = attrs.pasid,
        .addr = addr,
        /* PCIe without a PASID prefix: unprivileged data accesses. */
        .acc = { .write = flag & IOMMU_WO },
    };
    SMMUTransCfg cfg;
    bool have_cfg;
    MemTxResult r;

    if (!FIELD_EX32(s->cr0ack, CR0, SMMUEN)) {
        /* Spec 6.3.14: GBPA decides; neither way records an event. */
        if (FIELD_EX32(s->gbpa, GBPA, ABORT) || addr >> s->caps.oas) {
            trace_smmuv3_translate_gbpa(t.sid, addr, true);
            return MEMTX_IOMMU_FAULT;
        }
        trace_smmuv3_translate_gbpa(t.sid, addr, false);
        smmuv3_entry_identity(entry, addr);
        return MEMTX_OK;
    }
    have_cfg = smmuv3_get_config(&t, &cfg);
    if (!have_cfg) {
        r = MEMTX_IOMMU_FAULT;
    } else {
        switch (cfg.kind) {
        case SMMU_TRANS_ABORT:
            r = MEMTX_IOMMU_FAULT;      /* Config 0b0xx: no event */
            break;
        case SMMU_TRANS_BYPASS:
            if (addr >> s->caps.oas) {
                smmuv3_bypass_size_event(&t);
                r = MEMTX_IOMMU_FAULT;
            } else {
                smmuv3_entry_identity(entry, addr);
                r = MEMTX_OK;
            }
            break;
        default:
            r = smmuv3_translate_cfg(&t, &cfg, entry);
            break;
        }
    }
    trace_smmuv3_translate(t.sid, t.ssv, t.ssid, addr, t.acc.write,
                           have_cfg ? (int)cfg.kind : -1, r == MEMTX_OK,
                           r == MEMTX_OK ? entry->translated_addr : 0,
                           r == MEMTX_OK ? entry->addr_mask : 0,
                           r == MEMTX_OK ? entry->perm : 0);
    return r;
}

/*
 * Spec 3.17's invalidation model has no "map" side: a MAP notifier
 * (shadowing the guest's tables, as VFIO without nesting would) could
 * never be told about new mappings, so it is refused.
 */
static bool smmuv3_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                       IOMMUNotifierFlag old_flags,
                                       IOMMUNotifierFlag new_flags,
                                       Error **errp)
{
    if (new_flags & IOMMU_NOTIFIER_MAP) {
        error_setg(errp, "arm-smmuv3 cannot notify new mappings (%s): "
                   "it only reports invalidations",
                   memory_region_name(&iommu->parent_obj));
        return false;
    }
    return true;
}

static const IOMMUMemoryRegionOps smmuv3_iommu_mr_ops = {
    .translate = smmuv3_translate,
    .notify_flag_changed = smmuv3_notify_flag_changed,
};

/* ---- address spaces ---- */

static AddressSpace *smmuv3_get_as(PCIBus *bus, void *opaque, int devfn)
{
    SMMUv3State *s = opaque;

    return &pci_iommu_space_get(s->spaces, bus, devfn, OBJECT(s),
                                &smmuv3_iommu_mr_ops, s, "smmuv3")->as;
}

const PCIIOMMUOps smmuv3_iommu_ops = {
    .get_address_space = smmuv3_get_as,
};

void smmuv3_translate_init(SMMUv3State *s)
{
    s->spaces = pci_iommu_spaces_new();
    s->configs = g_hash_table_new_full(smmuv3_config_key_hash,
                                       smmuv3_config_key_equal, NULL,
                                       g_free);
    smmu_iotlb_init(s);
}

/* After pci_clear_iommu(): no function may still use a space. */
void smmuv3_translate_destroy(SMMUv3State *s)
{
    g_clear_pointer(&s->spaces, g_ptr_array_unref);
    g_clear_pointer(&s->configs, g_hash_table_unref);
    smmu_iotlb_destroy(s);
}

/* ---- invalidation notifiers ---- */

static void smmuv3_notify_space(PCIIOMMUSpace *sp, uint64_t iova,
                                uint64_t mask)
{
    IOMMUTLBEvent ev = {
        .type = IOMMU_NOTIFIER_UNMAP,
        .entry = {
            .target_as = &address_space_memory,
            .iova = iova,
            .addr_mask = mask,
            .perm = IOMMU_NONE,
        },
    };

    trace_smmuv3_notify_unmap(memory_region_name(&sp->iommu.parent_obj),
                              iova, mask);
    memory_region_notify_iommu(&sp->iommu, 0, &ev);
}

void smmuv3_notify_unmap(SMMUv3State *s, uint64_t iova, uint64_t size)
{
    guint i;

    if (!s->spaces) {
        return;
    }
    /* Commands do not wrap: clip at the top of the address space. */
    if (size && iova && size > 0 - iova) {
        size = 0 - iova;
    }
    for (i = 0; i < s->spaces->len; i++) {
        PCIIOMMUSpace *sp = s->spaces->pdata[i];
        uint64_t start = iova, left = size;

        if (!(sp->iommu.iommu_notify_flags & IOMMU_NOTIFIER_UNMAP)) {
            continue;
        }
        if (!size) {
            smmuv3_notify_space(sp, 0, UINT64_MAX);
            continue;
        }
        /* Naturally aligned power-of-two blocks, as entries are. */
        while (left) {
            unsigned n = 63 - __builtin_clzll(left);

            if (start) {
                n = MIN(n, (unsigned)__builtin_ctzll(start));
            }
            smmuv3_notify_space(sp, start, (1ULL << n) - 1);
            start += 1ULL << n;
            left -= 1ULL << n;
        }
    }
}
