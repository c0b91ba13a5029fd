/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMSAv8-64 translation table walker of the SMMUv3 model (SMMU spec
 * 3.4; Arm ARM chapter D8, "The AArch64 Virtual Memory System
 * Architecture").  One routine walks one stage: it checks the input
 * range, reads one descriptor per level through the caller's
 * SMMUPTWMem, applies the output-size, access-flag and permission
 * checks at the leaf and says which fault ends the walk.
 * smmu_ptw_translate() chains the stages: in a nested configuration
 * every stage-1 descriptor address is an IPA that stage 2 translates
 * first (spec 3.4.3), and the two leaves are combined into one result
 * for the IOTLB.
 *
 * The walker is written against hostile input: every table word a guest
 * can write and every configuration value is range-checked before it is
 * used as a shift count or a level, and a walk reads at most four
 * descriptors per stage (twenty-four in a nested walk).  Configurations
 * that the STE/CD decoders should already have rejected end the walk in
 * a Translation fault rather than an assertion.
 *
 * Modelled: the Non-secure EL1&0 regime (two VA ranges, privileged and
 * unprivileged accesses, PAN and WXN), 4K/16K/64K granules, 48-bit
 * output addresses and the 64K granule's 52-bit form (FEAT_LPA).  Not
 * modelled, because the SMMU does not advertise them: LPA2 (DS), HTTU
 * (HA/HD), EPAN, S2FWB, permission indirection, contiguous-hint checks.
 */
#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "hw/arm/smmu-ptw.h"
#include "trace/trace-hw_arm.h"

/* Descriptor fields (Arm ARM "Translation table descriptor formats"). */
#define DESC_VALID          BIT_ULL(0)
#define DESC_TABLE          BIT_ULL(1)      /* table at L0-2, page at L3 */
#define DESC_S1_AP1         BIT_ULL(6)      /* AP[1]: EL0 may access */
#define DESC_S1_AP2         BIT_ULL(7)      /* AP[2]: read-only */
#define DESC_S2AP_R         BIT_ULL(6)      /* S2AP[0]: read allowed */
#define DESC_S2AP_W         BIT_ULL(7)      /* S2AP[1]: write allowed */
#define DESC_AF             BIT_ULL(10)
#define DESC_NG             BIT_ULL(11)
#define DESC_PXN            BIT_ULL(53)     /* stage 2 (XNX): XN[0] */
#define DESC_UXN            BIT_ULL(54)     /* XN; stage 2: XN[1] */
#define TABLE_PXN           BIT_ULL(59)     /* PXNTable */
#define TABLE_UXN           BIT_ULL(60)     /* UXNTable */
#define TABLE_AP_NO_EL0     BIT_ULL(61)     /* APTable[0] */
#define TABLE_AP_RO         BIT_ULL(62)     /* APTable[1] */

#define PTW_LAST_LEVEL      3

/* One stage's walk parameters, derived and checked from its config. */
typedef struct PTWStage {
    const SMMUStageCfg *cfg;
    const SMMUTTCfg *tt;
    bool s2;
    unsigned g;                 /* log2 of the granule */
    unsigned stride;            /* index bits per level: g - 3 */
    unsigned ia;                /* input address bits */
    int start;                  /* start level, 0..3 */
    unsigned start_bits;        /* index bits at the start level */
} PTWStage;

/* What one stage's leaf grants the access being translated. */
typedef struct PTWLeaf {
    uint64_t oa;                /* output address of the input address */
    uint64_t mask;              /* size of the page or block - 1 */
    int level;
    uint8_t g;
    bool r, w;                  /* data permissions for acc->priv */
    bool ng;
    uint8_t memattr;            /* stage 2 MemAttr[3:0] */
} PTWLeaf;

/* Hierarchical attributes gathered from stage-1 table descriptors. */
typedef struct PTWTableAttrs {
    bool ro;
    bool no_el0;
    bool pxn;
    bool uxn;
} PTWTableAttrs;

static bool granule_ok(unsigned g)
{
    return g == 12 || g == 14 || g == 16;
}

/* log2 of the size one entry at level maps; at most 55 (64K, level 0). */
static unsigned level_shift(unsigned g, int level)
{
    return g + (PTW_LAST_LEVEL - level) * (g - 3);
}

/* addr does not fit in an oas-bit output address space. */
static bool oa_exceeds(uint64_t addr, unsigned oas)
{
    return oas < 64 && (addr >> oas) != 0;
}

/*
 * The address a table, block or page descriptor holds: bits [47:g].
 * With the 64K granule and a 52-bit output size (FEAT_LPA), OA[51:48]
 * are in bits [15:12] (Arm ARM, descriptor formats).  Otherwise bits
 * [51:48] are RES0 and ignored, as QEMU's SMMU does.
 */
static uint64_t desc_address(uint64_t desc, unsigned g, unsigned oas)
{
    uint64_t a = desc & MAKE_64BIT_MASK(g, 48 - g);

    if (g == 16 && oas >= 52) {
        a |= extract64(desc, 12, 4) << 48;
    }
    return a;
}

/*
 * Block descriptors are allowed at level 1 and 2 with 4K, level 2 with
 * 16K and 64K (Arm ARM pseudocode AArch64.BlockDescSupported()).
 * Level 0 (4K) and level 1 (16K) blocks need DS, which is not modelled;
 * a 64K level-1 block needs a 52-bit PA, taken here as a 52-bit
 * effective output size since the config carries no PAMax.
 */
static bool block_allowed(unsigned g, int level, unsigned oas)
{
    switch (g) {
    case 12:
        return level == 1 || level == 2;
    case 14:
        return level == 2;
    default:
        return level == 2 || (level == 1 && oas >= 52);
    }
}

int smmu_ptw_s1_start_level(uint8_t tsz, uint8_t granule_sz)
{
    unsigned ia, stride;

    if (!granule_ok(granule_sz) || tsz >= 64) {
        return -1;
    }
    ia = 64 - tsz;
    stride = granule_sz - 3;
    /*
     * Inputs wider than 48 bits need FEAT_LVA, which only the 64K
     * granule has without DS (Arm ARM, FEAT_LVA); an input no wider than
     * one page has no level to index.
     */
    if (ia > (granule_sz == 16 ? 52 : 48) || ia <= granule_sz) {
        return -1;
    }
    /* Each level resolves stride bits: 4 - ceil((IA - g) / stride) */
    return PTW_LAST_LEVEL + 1 - (ia - granule_sz + stride - 1) / stride;
}

static void fault_set(SMMUFault *f, SMMUEventType type, int level)
{
    *f = (SMMUFault) { .type = type, .level = level };
}

/*
 * Derive and check the walk parameters of one translation table.  The
 * decoders validate these fields (C_BAD_CD / C_BAD_STE); anything that
 * slipped through is logged and the walk fails instead of misbehaving.
 */
static bool stage_setup(PTWStage *st, const SMMUStageCfg *cfg,
                        const SMMUTTCfg *tt, bool s2)
{
    *st = (PTWStage) { .cfg = cfg, .tt = tt, .s2 = s2 };
    st->g = tt->granule_sz;
    if (!granule_ok(st->g) || tt->tsz >= 64) {
        goto bad;
    }
    st->stride = st->g - 3;
    st->ia = 64 - tt->tsz;

    if (!s2) {
        st->start = smmu_ptw_s1_start_level(tt->tsz, tt->granule_sz);
        if (st->start < 0) {
            goto bad;
        }
        st->start_bits = st->ia - level_shift(st->g, st->start);
        return true;
    }

    /*
     * Stage 2: the decoder picked the start level from S2SL0 and the
     * number of concatenated tables; they must agree with the input
     * size (Arm ARM pseudocode S2InconsistentSL(); SMMU spec 5.2,
     * STE.S2SL0): 1..stride+4 index bits at the start level, and
     * 2^(bits - stride) tables when that is above stride.
     */
    if (cfg->start_level < 0 || cfg->start_level > PTW_LAST_LEVEL) {
        goto bad;
    }
    st->start = cfg->start_level;
    if (st->ia <= level_shift(st->g, st->start)) {
        goto bad;
    }
    st->start_bits = st->ia - level_shift(st->g, st->start);
    if (st->start_bits > st->stride + 4) {
        goto bad;
    }
    if (st->start_bits > st->stride) {
        if (cfg->concat != 1u << (st->start_bits - st->stride)) {
            goto bad;
        }
    } else if (cfg->concat > 1) {
        goto bad;
    }
    return true;

bad:
    qemu_log_mask(LOG_GUEST_ERROR, "smmu-ptw: unusable stage-%d config "
                  "(granule %u, tsz %u, start level %d, concat %u)\n",
                  s2 ? 2 : 1, tt->granule_sz, tt->tsz,
                  s2 ? cfg->start_level : -1, s2 ? cfg->concat : 0);
    return false;
}

/*
 * Stage-1 permissions in the EL1&0 regime for a privileged or
 * unprivileged accessor (Arm ARM "Memory access control"), after the
 * hierarchical APTable/XNTable controls (t) and the CD's PAN and WXN
 * (SMMU spec 5.4; the PE's PSTATE.PAN and SCTLR_EL1.WXN).
 */
static void s1_perms(const SMMUStageCfg *cfg, uint64_t desc,
                     const PTWTableAttrs *t, bool priv,
                     bool *r, bool *w, bool *x)
{
    bool ro = (desc & DESC_S1_AP2) || t->ro;
    bool el0 = (desc & DESC_S1_AP1) && !t->no_el0;

    if (priv) {
        /*
         * PAN: privileged data accesses to memory EL0 can access fault;
         * execution is not affected (no EPAN).
         */
        *r = !(cfg->pan && el0);
        *w = *r && !ro;
        /*
         * In a regime with an EL0, privileged execution is never allowed
         * from memory that EL0 can write (Arm ARM, instruction execution
         * permissions: AP[2:1] = 0b01 implies PXN).
         */
        *x = !(desc & DESC_PXN) && !t->pxn && !(el0 && !ro);
        /* WXN: nothing writable at this privilege executes. */
        *x = *x && !(cfg->wxn && !ro);
    } else {
        *r = el0;
        *w = el0 && !ro;
        *x = !(desc & DESC_UXN) && !t->uxn && !(cfg->wxn && *w);
    }
}

/*
 * Stage-2 permissions: S2AP[0] read, S2AP[1] write; XN[1:0] with
 * FEAT_XNX (00 all, 01 EL0 only, 10 none, 11 EL1 only), else XN[1]
 * alone (Arm ARM, stage 2 execute-never controls).  Privileged stands
 * for EL1.
 */
static void s2_perms(uint64_t desc, bool xnx, bool priv,
                     bool *r, bool *w, bool *x)
{
    *r = desc & DESC_S2AP_R;
    *w = desc & DESC_S2AP_W;
    if (xnx) {
        unsigned xn = extract64(desc, 53, 2);

        *x = priv ? (xn == 0 || xn == 3) : (xn == 0 || xn == 1);
    } else {
        *x = !(desc & DESC_UXN);
    }
}

/*
 * Whether an access may proceed.  Writes are always data (SMMU spec
 * 13.1.2).  An instruction read is checked against both the R/W and the
 * INST attribute (SMMU spec 13.1.1: both are used to check transaction
 * permissions), so it needs read and execute permission.  The PE would
 * execute from execute-only memory; this model chooses not to, which
 * keeps every successful read's perm at least IOMMU_RO.
 */
static bool access_allowed(const SMMUAccess *acc, bool r, bool w, bool x)
{
    if (acc->write) {
        return w;
    }
    return acc->instr ? r && x : r;
}

static bool s2_translate(const SMMUStageCfg *s2, uint64_t ipa,
                         const SMMUAccess *acc, SMMUFaultClass class,
                         const SMMUPTWMem *mem, PTWLeaf *leaf,
                         SMMUFault *f);

/*
 * Stage 2 translating an address the SMMU itself reads (a stage-1
 * descriptor or a CD): a privileged data read (SMMU spec 13.1.2).  With
 * S2PTW, landing on stage-2 Device memory (MemAttr[3:2] == 0b00; S2FWB
 * is not modelled) is a stage-2 Permission fault (spec 5.2, STE.S2PTW).
 */
static bool s2_fetch_addr(const SMMUStageCfg *s2, uint64_t ipa,
                          SMMUFaultClass class, const SMMUPTWMem *mem,
                          uint64_t *pa, SMMUFault *f)
{
    static const SMMUAccess fetch = { .priv = true };
    PTWLeaf leaf;

    if (!s2_translate(s2, ipa, &fetch, class, mem, &leaf, f)) {
        return false;
    }
    if (s2->s2ptw && (leaf.memattr & 0xc) == 0) {
        fault_set(f, SMMU_EVT_F_PERMISSION, leaf.level);
        f->s2 = true;
        f->class = class;
        f->ipa = ipa;
        return false;
    }
    *pa = leaf.oa;
    return true;
}

/*
 * Walk one stage for input address in, already range-checked.  nest:
 * for a nested stage-1 walk, the stage 2 that turns every descriptor
 * IPA into a PA.  Faults are filled in with the walking stage's view:
 * the caller of a stage-2 walk adds S2, CLASS and IPA.  Faults follow
 * the architecture's priority: per level external abort, invalid
 * descriptor, address size; then at the leaf the access flag, then
 * permissions (an Access flag fault wins over a Permission fault).
 */
static bool walk_stage(const PTWStage *st, uint64_t in,
                       const SMMUAccess *acc, const SMMUStageCfg *nest,
                       const SMMUPTWMem *mem, PTWLeaf *leaf, SMMUFault *f)
{
    const SMMUStageCfg *cfg = st->cfg;
    PTWTableAttrs ta = { 0 };
    unsigned bits = st->start_bits;
    uint64_t table;
    int level;

    /*
     * The start table is aligned to its size (16 bytes at least: TTB
     * fields start at bit 4); lower TTB bits are treated as zero, one of
     * the CONSTRAINED UNPREDICTABLE behaviours the Arm ARM allows for a
     * misaligned translation table base.
     */
    table = st->tt->ttb & ~(MAX(8ULL << bits, 16) - 1);
    /*
     * A base beyond the output size makes the CD or STE ILLEGAL (SMMU
     * spec 5.2 STE.S2TTB, 5.4 CD.TTB0), so the decoders catch it; should
     * one get here, report it as the PE does, an Address size fault at
     * the start level.
     */
    if (oa_exceeds(table, cfg->oas)) {
        fault_set(f, SMMU_EVT_F_ADDR_SIZE, st->start);
        return false;
    }

    for (level = st->start; level <= PTW_LAST_LEVEL; level++) {
        unsigned shift = level_shift(st->g, level);
        uint64_t idx = extract64(in, shift, bits);
        uint64_t daddr = table + idx * 8;
        uint64_t dpa = daddr;
        uint64_t desc, mask, oa;
        bool r, w, x;

        if (nest && !s2_fetch_addr(nest, daddr, SMMU_CLASS_TT, mem, &dpa,
                                   f)) {
            return false;
        }
        if (mem->read(mem->opaque, dpa, &desc) != MEMTX_OK) {
            fault_set(f, SMMU_EVT_F_WALK_EABT, level);
            f->fetch_addr = dpa;
            return false;
        }
        trace_smmu_ptw_desc(st->s2 ? 2 : 1, level, dpa, desc);

        if (!(desc & DESC_VALID)) {
            fault_set(f, SMMU_EVT_F_TRANSLATION, level);
            return false;
        }
        if (level < PTW_LAST_LEVEL && (desc & DESC_TABLE)) {
            table = desc_address(desc, st->g, cfg->oas);
            if (oa_exceeds(table, cfg->oas)) {
                fault_set(f, SMMU_EVT_F_ADDR_SIZE, level);
                return false;
            }
            /* Stage-2 table descriptors carry no attributes. */
            if (!st->s2 && !st->tt->had) {
                ta.ro |= !!(desc & TABLE_AP_RO);
                ta.no_el0 |= !!(desc & TABLE_AP_NO_EL0);
                ta.pxn |= !!(desc & TABLE_PXN);
                ta.uxn |= !!(desc & TABLE_UXN);
            }
            bits = st->stride;
            continue;
        }

        /* A leaf: a page at level 3, a block above. */
        if (level == PTW_LAST_LEVEL ? !(desc & DESC_TABLE)
                                    : !block_allowed(st->g, level,
                                                     cfg->oas)) {
            fault_set(f, SMMU_EVT_F_TRANSLATION, level);
            return false;
        }
        mask = MAKE_64BIT_MASK(0, shift);
        oa = desc_address(desc, st->g, cfg->oas) & ~mask;
        if (oa_exceeds(oa, cfg->oas)) {
            fault_set(f, SMMU_EVT_F_ADDR_SIZE, level);
            return false;
        }
        if (!(desc & DESC_AF) && !cfg->affd) {
            fault_set(f, SMMU_EVT_F_ACCESS, level);
            return false;
        }
        if (st->s2) {
            s2_perms(desc, cfg->xnx, acc->priv, &r, &w, &x);
        } else {
            s1_perms(cfg, desc, &ta, acc->priv, &r, &w, &x);
        }
        if (!access_allowed(acc, r, w, x)) {
            fault_set(f, SMMU_EVT_F_PERMISSION, level);
            return false;
        }
        *leaf = (PTWLeaf) {
            .oa = oa | (in & mask),
            .mask = mask,
            .level = level,
            .g = st->g,
            .r = r,
            .w = w,
            .ng = desc & DESC_NG,
            .memattr = extract64(desc, 2, 4),
        };
        return true;
    }
    /* Not reached: level 3 always ends in a page or a fault. */
    fault_set(f, SMMU_EVT_F_TRANSLATION, PTW_LAST_LEVEL);
    return false;
}

/*
 * Stage 2 for ipa.  Every fault is S2=1 with the given class and the
 * IPA; an input beyond S2T0SZ is a Translation fault (SMMU spec 5.2,
 * STE.S2T0SZ).
 */
static bool s2_translate(const SMMUStageCfg *s2, uint64_t ipa,
                         const SMMUAccess *acc, SMMUFaultClass class,
                         const SMMUPTWMem *mem, PTWLeaf *leaf,
                         SMMUFault *f)
{
    PTWStage st;
    bool ok;

    if (!stage_setup(&st, s2, &s2->tt[0], true)) {
        fault_set(f, SMMU_EVT_F_TRANSLATION, 0);
        ok = false;
    } else if (st.ia < 64 && (ipa >> st.ia) != 0) {
        fault_set(f, SMMU_EVT_F_TRANSLATION, 0);
        ok = false;
    } else {
        ok = walk_stage(&st, ipa, acc, NULL, mem, leaf, f);
    }
    if (!ok) {
        f->s2 = true;
        f->class = class;
        f->ipa = ipa;
    }
    return ok;
}

/*
 * Stage 1 for va, with its descriptor fetches through nest when given.
 * VA[55] selects TTB0 or TTB1, whose TBI says whether the top byte
 * takes part in the range check: VA[top:IA] must all equal VA[55]
 * (SMMU spec 5.4, CD.TBI0/1; Arm ARM, VA ranges).  A VA outside both
 * ranges or in a range whose EPD is set is a Translation fault,
 * reported at level 0 as the Arm ARM's pseudocode does.  Stage-1 faults
 * are S2=0, CLASS=IN, except an external abort on a descriptor read
 * (CLASS=TT) and stage-2 faults on descriptor addresses, already filled
 * in by s2_fetch_addr().
 */
static bool s1_translate(const SMMUStageCfg *s1, uint64_t va,
                         const SMMUAccess *acc, const SMMUStageCfg *nest,
                         const SMMUPTWMem *mem, PTWLeaf *leaf,
                         SMMUFault *f)
{
    unsigned sel = extract64(va, 55, 1);
    const SMMUTTCfg *tt = &s1->tt[sel];
    unsigned top = tt->tbi ? 55 : 63;
    PTWStage st;

    if (tt->epd || !stage_setup(&st, s1, tt, false)) {
        fault_set(f, SMMU_EVT_F_TRANSLATION, 0);
        f->class = SMMU_CLASS_IN;
        return false;
    }
    /* st.ia <= 52 here, so the field is 4..12 bits wide. */
    if (extract64(va, st.ia, top + 1 - st.ia) !=
        (sel ? MAKE_64BIT_MASK(0, top + 1 - st.ia) : 0)) {
        fault_set(f, SMMU_EVT_F_TRANSLATION, 0);
        f->class = SMMU_CLASS_IN;
        return false;
    }
    if (walk_stage(&st, va, acc, nest, mem, leaf, f)) {
        return true;
    }
    if (!f->s2) {
        f->class = f->type == SMMU_EVT_F_WALK_EABT ? SMMU_CLASS_TT
                                                   : SMMU_CLASS_IN;
    }
    return false;
}

static IOMMUAccessFlags leaf_perm(const PTWLeaf *l)
{
    return IOMMU_ACCESS_FLAG(l->r, l->w);
}

bool smmu_ptw_translate(const SMMUStageCfg *s1, const SMMUStageCfg *s2,
                        uint64_t addr, const SMMUAccess *acc,
                        const SMMUPTWMem *mem, SMMUPTWResult *res,
                        SMMUFault *fault)
{
    PTWLeaf l1, l2;
    uint64_t ipa = addr;

    *fault = (SMMUFault) { 0 };
    if (!s1 && !s2) {
        fault_set(fault, SMMU_EVT_F_TRANSLATION, 0);
        fault->class = SMMU_CLASS_IN;
        goto fail;
    }
    if (s1) {
        if (!s1_translate(s1, addr, acc, s2, mem, &l1, fault)) {
            goto fail;
        }
        ipa = l1.oa;
    }
    if (s2 && !s2_translate(s2, ipa, acc, SMMU_CLASS_IN, mem, &l2, fault)) {
        goto fail;
    }

    if (!s2) {
        *res = (SMMUPTWResult) {
            .oa = l1.oa, .addr_mask = l1.mask, .level = l1.level,
            .granule_sz = l1.g, .perm = leaf_perm(&l1), .global = !l1.ng,
            .s2_memattr = 0xf,
        };
    } else {
        /* The combined entry is as small as the smaller mapping. */
        const PTWLeaf *small = s1 && l1.mask < l2.mask ? &l1 : &l2;

        *res = (SMMUPTWResult) {
            .oa = l2.oa, .addr_mask = small->mask, .level = small->level,
            .granule_sz = small->g, .perm = leaf_perm(&l2),
            .global = s1 && !l1.ng, .s2_memattr = l2.memattr,
        };
        if (s1) {
            res->perm &= leaf_perm(&l1);
        }
    }
    trace_smmu_ptw_translate(addr, res->oa, res->addr_mask, res->perm,
                             res->level);
    return true;

fail:
    trace_smmu_ptw_fault(addr, fault->type, fault->s2, fault->class,
                         fault->level, fault->ipa, fault->fetch_addr);
    return false;
}

bool smmu_ptw_s2_table_addr(const SMMUStageCfg *s2, uint64_t ipa,
                            SMMUFaultClass class, const SMMUPTWMem *mem,
                            uint64_t *pa, SMMUFault *fault)
{
    *fault = (SMMUFault) { 0 };
    if (!s2) {
        *pa = ipa;
        return true;
    }
    if (!s2_fetch_addr(s2, ipa, class, mem, pa, fault)) {
        trace_smmu_ptw_fault(ipa, fault->type, fault->s2, fault->class,
                             fault->level, fault->ipa, fault->fetch_addr);
        return false;
    }
    return true;
}
