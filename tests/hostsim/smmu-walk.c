/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stage-1 half of a nested STE in the simulated physical SMMUv3: the
 * guest's vSTE words (S1ContextPtr, S1Fmt, S1CDMax, S1DSS), the context
 * descriptor it points at (fetched through stage 2, i.e. the IOAS of the
 * nest parent, or taken from the CD cache), and the VMSAv8-64 stage-1
 * walk over the guest's tables, every descriptor address being an IPA
 * looked up in the IOAS too.  Results go to the TLB tagged with the
 * VMID of the STE and the ASID of the CD (or global).
 *
 * Architecture choices (Arm SMMUv3, as summarized in smmuv3-facts.md):
 * the functions never send a SubstreamID, so only S1DSS decides which CD
 * non-substream traffic uses (2.4); CDs and STEs are checked as in 2.3
 * and 3.3 (C_BAD_STE / C_BAD_CD); the walk follows 6.1-6.6 with both
 * TTB0 and TTB1, 4K/16K/64K granules, AF checked unless CD.AFFD (no HTTU
 * update is modelled), and permissions as QEMU's SMMU applies them (the
 * lab's physical SMMU): only AP[2] and APTable[1] (read-only), since
 * the accesses are data and privilege does not take part there.
 */
#include "hostsim-int.h"
#include "smmu-internal.h"

#include <string.h>

#define GENMASK64(h, l)     (((~0ULL) >> (63 - (h))) & ~((1ULL << (l)) - 1))

/* One translation table of a CD. */
typedef struct S1Table {
    bool epd, tbi, had;
    unsigned tsz;
    unsigned g;             /* log2 of the granule; 0 = reserved value */
    uint64_t ttb;
} S1Table;

/* A decoded, valid CD. */
typedef struct S1Cfg {
    uint16_t asid;
    bool r, a, affd, ha, endi;
    unsigned ips_bits;      /* effective output size */
    S1Table tt[2];
} S1Cfg;

/* What one walk or check is about, for its event record. */
typedef struct Access {
    HSSmmu *s;
    const HSSte *ste;
    uint32_t sid;
    uint64_t va;            /* as the function presented it */
    bool write;
    uint64_t *evt;
} Access;

static unsigned pa_bits(unsigned enc)
{
    static const unsigned bits[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };

    return bits[enc & 7];
}

/* CD.TG0 and CD.TG1 encode the granules differently (facts 3.2). */
static unsigned tg0_granule(unsigned tg)
{
    static const unsigned g[4] = { 12, 16, 14, 0 };

    return g[tg & 3];
}

static unsigned tg1_granule(unsigned tg)
{
    static const unsigned g[4] = { 0, 14, 12, 16 };

    return g[tg & 3];
}

static bool granule_supported(HSSmmu *s, unsigned g)
{
    return (g == 12 && s->gran4k) || (g == 14 && s->gran16k) ||
           (g == 16 && s->gran64k);
}

static unsigned level_shift(unsigned g, int level)
{
    return g + (3 - level) * (g - 3);
}

/* facts 6.2: start level = 4 - floor((IA - 4) / stride). */
static int start_level(unsigned ia, unsigned g)
{
    return 4 - (int)((ia - 4) / (g - 3));
}

static bool cd_check_table(HSSmmu *s, const S1Table *t, unsigned ips)
{
    bool stt = s->idr[3] & (1u << 9);
    unsigned vax = (s->idr[5] >> 10) & 3;
    unsigned min = (vax >= 1 && t->g == 16) ? 12 : 16;
    unsigned max = !stt ? 39 : (t->g == 16 ? 47 : 48);
    unsigned ttb_bits;

    if (t->tsz < min || t->tsz > max) {
        return false;
    }
    if (t->g == 0 || !granule_supported(s, t->g)) {
        return false;
    }
    ttb_bits = t->g == 16 ? ips : MIN(ips, 48);
    return (t->ttb >> ttb_bits) == 0;
}

/*
 * Decode a CD; false when it is ILLEGAL (C_BAD_CD), checked in the
 * order of the architecture's CD validity rules (facts 3.3).
 */
static bool cd_decode(HSSmmu *s, bool s1stalld, const uint64_t cd[4],
                      S1Cfg *c)
{
    uint64_t d0 = cd[0];
    unsigned stall_model = (s->idr[0] >> 24) & 3;
    bool term_model = s->idr[0] & (1u << 26);
    unsigned ttendian = (s->idr[0] >> 21) & 3;
    unsigned httu = (s->idr[0] >> 6) & 3;
    bool had = s->idr[3] & (1u << 2);
    bool st = d0 & (1ULL << 44), hd = d0 & (1ULL << 42);
    unsigned ips_enc = (d0 >> 32) & 7;

    memset(c, 0, sizeof(*c));
    c->tt[0] = (S1Table) {
        .epd = d0 & (1ULL << 14), .tbi = d0 & (1ULL << 38),
        .had = had && (cd[1] & 2), .tsz = d0 & 0x3f,
        .g = tg0_granule((d0 >> 6) & 3), .ttb = cd[1] & GENMASK64(51, 4),
    };
    c->tt[1] = (S1Table) {
        .epd = d0 & (1ULL << 30), .tbi = d0 & (1ULL << 39),
        .had = had && (cd[2] & 2), .tsz = (d0 >> 16) & 0x3f,
        .g = tg1_granule((d0 >> 22) & 3), .ttb = cd[2] & GENMASK64(51, 4),
    };
    c->asid = d0 >> 48;
    c->r = d0 & (1ULL << 45);
    c->a = d0 & (1ULL << 46);
    c->affd = d0 & (1ULL << 35);
    c->ha = d0 & (1ULL << 43);
    c->endi = d0 & (1ULL << 15);

    if (!(d0 & (1ULL << 31))) {
        return false;                   /* V */
    }
    if (s1stalld && st) {
        return false;
    }
    if (term_model && !c->a) {
        return false;
    }
    if ((stall_model == 1 && st) || (stall_model == 2 && !st)) {
        return false;
    }
    if ((!c->tt[0].epd || !c->tt[1].epd) &&
        ((c->endi && ttendian == 2) || (!c->endi && ttendian == 3))) {
        return false;
    }
    if (!(d0 & (1ULL << 41))) {
        return false;                   /* AA64: no VMSAv8-32 here */
    }
    if (((c->ha || hd) && httu == 0) || (hd && httu == 1)) {
        return false;
    }
    if (!s->asid16 && (c->asid >> 8)) {
        return false;
    }
    if (pa_bits(ips_enc) == 0) {
        return false;                   /* IPS 0b111 needs D128 */
    }
    c->ips_bits = MIN(pa_bits(ips_enc), s->oas_bits);
    for (int i = 0; i < 2; i++) {
        if (!c->tt[i].epd && !cd_check_table(s, &c->tt[i], c->ips_bits)) {
            return false;
        }
    }
    return true;
}

/*
 * A stage-1 fault (S2=0, CLASS=IN).  CD.R says whether it is recorded,
 * CD.A whether it aborts or completes as RAZ/WI (facts 5.4).
 */
static HSXlate s1_fault(const Access *acc, const S1Cfg *c, unsigned id)
{
    hs_smmu_evt_xlate(acc->evt, id, acc->sid, acc->write, false,
                      HS_CLASS_IN, acc->va, 0);
    if (!c->a) {
        return c->r ? HS_XLATE_RAZWI_REC : HS_XLATE_RAZWI;
    }
    return c->r ? HS_XLATE_FAULT : HS_XLATE_FAULT_SILENT;
}

/* A configuration error: always recorded, always aborts. */
static HSXlate config_fault(const Access *acc, unsigned id)
{
    hs_smmu_evt_config(acc->evt, id, acc->sid);
    return HS_XLATE_FAULT;
}

/*
 * Read guest memory at an IPA through stage 2 for a CD or descriptor
 * fetch (a read, within one page).  On a miss, fill the stage-2 fault
 * (S2=1, CLASS=cls, IPA=the fetched address) and return HS_XLATE_FAULT;
 * S2R is always set by the driver, so it is recorded.  Memory the
 * process unmapped after IOAS_MAP (Linux would still hold the pages)
 * cannot be read: the transaction is aborted without a record.
 */
static HSXlate s2_fetch(const Access *acc, uint64_t ipa, void *dst,
                        size_t len, unsigned cls)
{
    uint8_t *hva = NULL;
    int r = acc->ste->ioas
            ? hs_ioas_translate(acc->ste->ioas, ipa, len, false, &hva)
            : -ENOENT;

    if (r == 0 && hva) {
        if (hs_copy_from_user(dst, (uintptr_t)hva, len)) {
            g_debug("hostsim: table walk of vanished IOAS memory at %p",
                    hva);
            return HS_XLATE_ABORT;
        }
        return HS_XLATE_OK;
    }
    hs_smmu_evt_xlate(acc->evt, r == -EPERM ? HS_EVT_F_PERMISSION
                                            : HS_EVT_F_TRANSLATION,
                      acc->sid, acc->write, true, cls, acc->va, ipa);
    if (r == -EPERM && cls == HS_CLASS_TT) {
        acc->evt[1] |= 1ULL << 44;      /* TTRnW: the descriptor read */
    }
    return HS_XLATE_FAULT;
}

/* Output or next-table address of a descriptor (facts 6.4). */
static uint64_t desc_addr(uint64_t desc, unsigned g, unsigned lo,
                          unsigned ips)
{
    uint64_t a = desc & GENMASK64(47, lo);

    if (g == 16 && ips == 52) {
        a |= ((desc >> 12) & 0xf) << 48;
    }
    return a;
}

static bool block_allowed(unsigned g, int level, unsigned ips)
{
    switch (g) {
    case 12:
        return level == 1 || level == 2;
    case 16:
        return level == 2 || (level == 1 && ips == 52);
    default:
        return level == 2;
    }
}

/* The VMSAv8-64 stage-1 walk of va (top byte already handled). */
static HSXlate s1_walk(const Access *acc, const S1Cfg *c, const S1Table *t,
                       uint64_t va, HSTlbEntry *out)
{
    unsigned g = t->g, ia = 64 - t->tsz;
    /* Without DS a 4K/16K walk outputs at most 48 bits (facts 6.6). */
    unsigned ips = g == 16 ? c->ips_bits : MIN(c->ips_bits, 48);
    int start = start_level(ia, g), level = start;
    unsigned first_bits = ia - level_shift(g, start);
    uint64_t table = t->ttb & ~((MAX(8ULL << first_bits, 16ULL)) - 1);
    bool ro = false;

    for (;;) {
        unsigned shift = level_shift(g, level);
        unsigned nbits = level == start ? first_bits : g - 3;
        uint64_t idx = (va >> shift) & ((1ULL << nbits) - 1);
        uint64_t desc_ipa = table + idx * 8, desc, oa;
        HSXlate x = s2_fetch(acc, desc_ipa, &desc, 8, HS_CLASS_TT);

        if (x != HS_XLATE_OK) {
            return x;
        }
        desc = c->endi ? GUINT64_FROM_BE(desc) : GUINT64_FROM_LE(desc);
        if (!(desc & 1)) {
            return s1_fault(acc, c, HS_EVT_F_TRANSLATION);
        }
        if (level < 3 && (desc & 2)) {
            table = desc_addr(desc, g, g, ips);
            if (table >> ips) {
                return s1_fault(acc, c, HS_EVT_F_ADDR_SIZE);
            }
            if (!t->had && (desc & (1ULL << 62))) {
                ro = true;              /* APTable[1] */
            }
            level++;
            continue;
        }
        if ((level == 3 && !(desc & 2)) ||
            (level < 3 && !block_allowed(g, level, ips))) {
            return s1_fault(acc, c, HS_EVT_F_TRANSLATION);
        }
        oa = desc_addr(desc, g, shift, ips);
        if (oa >> ips) {
            return s1_fault(acc, c, HS_EVT_F_ADDR_SIZE);
        }
        /* The Access flag fault comes before the Permission fault. */
        if (!(desc & (1ULL << 10)) && !c->affd && !c->ha) {
            return s1_fault(acc, c, HS_EVT_F_ACCESS);
        }
        out->writable = !(desc & (1ULL << 7)) && !ro;
        if (acc->write && !out->writable) {
            return s1_fault(acc, c, HS_EVT_F_PERMISSION);
        }
        out->size = 1ULL << shift;
        out->va = va & ~(out->size - 1);
        out->ipa = oa;
        out->global = !(desc & (1ULL << 11));
        out->vmid = acc->ste->vmid;
        out->asid = c->asid;
        return HS_XLATE_OK;
    }
}

/*
 * Pick TTB0 or TTB1 by VA[55] and check that va lies in its range
 * (bits [AddrTop:IA] equal to VA[55], AddrTop 55 with TBI).  Returns the
 * table or NULL (F_TRANSLATION); *eff is va with a TBI tag replaced by
 * the sign extension, which is what the walk and the TLB use.
 */
static const S1Table *select_table(const S1Cfg *c, uint64_t va,
                                   uint64_t *eff)
{
    unsigned hi = (va >> 55) & 1;
    const S1Table *t = &c->tt[hi];
    unsigned top = t->tbi ? 55 : 63, ia = 64 - t->tsz;
    uint64_t mask = GENMASK64(top, ia);

    if (t->epd || (va & mask) != (hi ? mask : 0)) {
        return NULL;
    }
    *eff = va;
    if (t->tbi) {
        *eff = hi ? (va | GENMASK64(63, 56)) : (va & GENMASK64(55, 0));
    }
    return t;
}

/* Stage 1 bypassed: the input is the IPA, if it fits the IAS (2.4). */
static HSXlate s1_bypass(const Access *acc, uint64_t *ipa)
{
    if (acc->s->oas_bits < 64 && (acc->va >> acc->s->oas_bits)) {
        hs_smmu_evt_xlate(acc->evt, HS_EVT_F_ADDR_SIZE, acc->sid,
                          acc->write, false, HS_CLASS_IN, acc->va, 0);
        return HS_XLATE_FAULT;
    }
    *ipa = acc->va;
    return HS_XLATE_OK;
}

/* Fetch (or find cached) the CD that ssid selects; valid or not. */
static HSXlate get_cd(const Access *acc, uint64_t ctx, unsigned fmt,
                      unsigned cdmax, uint32_t ssid, uint64_t cd[4],
                      bool *cached)
{
    HSSmmuHw *hw = hs_smmu_hw(acc->s);
    uint64_t cd_ipa = ctx + (uint64_t)ssid * 64, raw[8];
    HSXlate x;

    *cached = hs_smmu_cd_lookup(hw, acc->sid, ssid, cd);
    if (*cached) {
        return HS_XLATE_OK;
    }
    if (cdmax && (fmt == 1 || fmt == 2)) {
        /* 2-level: L1CD, then a 4K (64 CDs) or 64K (1024 CDs) leaf. */
        unsigned split = fmt == 1 ? 6 : 10;
        uint64_t l1_ipa = ctx + (uint64_t)(ssid >> split) * 8, l1;

        x = s2_fetch(acc, l1_ipa, &l1, 8, HS_CLASS_CD);
        if (x != HS_XLATE_OK) {
            return x;
        }
        l1 = GUINT64_FROM_LE(l1);
        if (!(l1 & 1)) {
            hs_smmu_evt_config(acc->evt, HS_EVT_C_BAD_SUBSTREAMID, acc->sid);
            acc->evt[0] |= (uint64_t)ssid << 12;
            return HS_XLATE_FAULT;
        }
        cd_ipa = (l1 & GENMASK64(51, 12)) +
                 (uint64_t)(ssid & ((1u << split) - 1)) * 64;
    }
    x = s2_fetch(acc, cd_ipa, raw, sizeof(raw), HS_CLASS_CD);
    if (x != HS_XLATE_OK) {
        return x;
    }
    for (int i = 0; i < 4; i++) {
        cd[i] = GUINT64_FROM_LE(raw[i]);
    }
    return HS_XLATE_OK;
}

HSXlate hs_smmu_nested_s1(HSSmmu *s, uint32_t sid, const HSSte *ste,
                          uint64_t va, bool write, uint64_t *ipa,
                          uint64_t evt[4])
{
    HSSmmuHw *hw = hs_smmu_hw(s);
    Access acc = {
        .s = s, .ste = ste, .sid = sid, .va = va, .write = write,
        .evt = evt,
    };
    uint64_t v0 = ste->vste[0], v1 = ste->vste[1];
    unsigned config = (v0 >> 1) & 7, fmt = (v0 >> 4) & 3;
    unsigned cdmax = v0 >> 59, s1dss = v1 & 3;
    uint64_t ctx = v0 & GENMASK64(51, 6), cd[4], eff;
    bool s1stalld = v1 & (1ULL << 27), cd2l = s->idr[0] & (1u << 19);
    unsigned stall_model = (s->idr[0] >> 24) & 3;
    const HSTlbEntry *hit;
    const S1Table *t;
    HSTlbEntry e;
    S1Cfg c;
    bool cached;
    HSXlate x;

    /*
     * The kernel installs an abort STE for V=0 and Config=abort vSTEs
     * and an S2-only one for bypass (iommufd-uapi.md 3.2); accept both
     * here too in case a NESTED STE carries them.
     */
    if (!(v0 & 1) || !(config & 4)) {
        return HS_XLATE_ABORT;
    }
    if (config == 4) {
        return s1_bypass(&acc, ipa);
    }
    if (config != 5) {
        return config_fault(&acc, HS_EVT_C_BAD_STE);
    }
    /* STE checks of a stage-1 configuration (facts 2.3, item 5). */
    if (s->ssidsize == 0) {
        cdmax = 0;                      /* S1CDMax is ignored */
    }
    if ((s1stalld && stall_model != 0) || cdmax > s->ssidsize ||
        (cdmax && (fmt == 1 || fmt == 2) && !cd2l) ||
        (s->oas_bits < 64 && (ctx >> s->oas_bits))) {
        return config_fault(&acc, HS_EVT_C_BAD_STE);
    }
    /* Non-substream traffic with substreams enabled: S1DSS (2.4). */
    if (cdmax) {
        if (s1dss == 1) {
            return s1_bypass(&acc, ipa);
        }
        if (s1dss != 2) {
            return config_fault(&acc, HS_EVT_F_STREAM_DISABLED);
        }
    }

    x = get_cd(&acc, ctx, fmt, cdmax, 0, cd, &cached);
    if (x != HS_XLATE_OK) {
        return x;
    }
    if (!cd_decode(s, s1stalld, cd, &c)) {
        return config_fault(&acc, HS_EVT_C_BAD_CD);
    }
    if (!cached) {
        /* Only a valid CD is kept: a fixed one is fetched again. */
        hs_smmu_cd_insert(hw, sid, 0, cd);
    }

    t = select_table(&c, va, &eff);
    if (!t) {
        return s1_fault(&acc, &c, HS_EVT_F_TRANSLATION);
    }
    hit = hs_smmu_tlb_lookup(hw, ste->vmid, c.asid, eff);
    if (hit) {
        if (write && !hit->writable) {
            return s1_fault(&acc, &c, HS_EVT_F_PERMISSION);
        }
        *ipa = hit->ipa + (eff - hit->va);
        return HS_XLATE_OK;
    }
    x = s1_walk(&acc, &c, t, eff, &e);
    if (x != HS_XLATE_OK) {
        return x;
    }
    hs_smmu_tlb_insert(hw, &e);
    *ipa = e.ipa + (eff - e.va);
    return HS_XLATE_OK;
}
