/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3 IOTLB: translations already walked, each a whole page or
 * block of any granule, combined over the stages, and tagged as the
 * architecture tags them (spec 3.17): stage-1 and nested entries by
 * VMID and ASID (global entries, nG=0, by VMID alone), stage-2-only
 * entries by VMID and IPA.  A hash table keyed by the tags, the aligned
 * input address and the entry's size; a lookup tries each size that
 * some entry has, smallest first, so the common case (4 KiB pages) is
 * one or two hash probes.  The TLBI commands' scopes (spec 4.4) are
 * the smmu_iotlb_inv_* functions; they may drop more than they must
 * (spec 4.4.1 allows it) but never less.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "trace/trace-hw_arm.h"

/*
 * A guest that maps more than this churns through the table anyway; a
 * full table is dropped as a whole rather than evicting one entry at a
 * time (a TLB may lose any entry at any time, spec 3.17).
 */
#define SMMU_IOTLB_MAX_ENTRIES 4096

/* Which translation regime an entry's input address belongs to. */
typedef enum SMMUTLBKind {
    SMMU_TLB_VA = 1,            /* stage 1 or nested: input is a VA */
    SMMU_TLB_IPA = 2,           /* stage 2 only: input is an IPA */
} SMMUTLBKind;

typedef struct SMMUTLBKey {
    uint64_t iova;              /* aligned to 2^log2size */
    int32_t vmid;               /* -1: untagged (no stage 2 on the SMMU) */
    int32_t asid;               /* -1: global VA entry, or an IPA entry */
    uint8_t log2size;
    uint8_t kind;               /* SMMUTLBKind */
} SMMUTLBKey;

/* A table element: the key lives in the value, freed with it. */
typedef struct SMMUTLBNode {
    SMMUTLBKey key;
    SMMUTLBEntry entry;
} SMMUTLBNode;

static guint smmu_tlb_key_hash(gconstpointer v)
{
    const SMMUTLBKey *k = v;
    uint64_t h = k->iova >> 12;

    h = h * 31 + (uint32_t)k->asid;
    h = h * 31 + (uint32_t)k->vmid;
    h = h * 31 + k->log2size;
    h = h * 31 + k->kind;
    return (guint)(h ^ (h >> 32));
}

static gboolean smmu_tlb_key_equal(gconstpointer a, gconstpointer b)
{
    const SMMUTLBKey *x = a, *y = b;

    return x->iova == y->iova && x->asid == y->asid &&
           x->vmid == y->vmid && x->log2size == y->log2size &&
           x->kind == y->kind;
}

static SMMUTLBKind smmu_tlb_kind(const SMMUTLBEntry *e)
{
    return e->stages == 2 ? SMMU_TLB_IPA : SMMU_TLB_VA;
}

void smmu_iotlb_init(SMMUv3State *s)
{
    if (!s->iotlb) {
        s->iotlb = g_hash_table_new_full(smmu_tlb_key_hash,
                                         smmu_tlb_key_equal, NULL, g_free);
        s->iotlb_sizes = 0;
    }
}

void smmu_iotlb_destroy(SMMUv3State *s)
{
    g_clear_pointer(&s->iotlb, g_hash_table_unref);
    s->iotlb_sizes = 0;
}

unsigned smmu_iotlb_count(SMMUv3State *s)
{
    return s->iotlb ? g_hash_table_size(s->iotlb) : 0;
}

static SMMUTLBNode *smmu_iotlb_probe(SMMUv3State *s, SMMUTLBKind kind,
                                     int asid, int vmid, uint64_t iova,
                                     unsigned log2size)
{
    SMMUTLBKey key = {
        .iova = iova & ~MAKE_64BIT_MASK(0, log2size),
        .vmid = vmid,
        .asid = asid,
        .log2size = log2size,
        .kind = kind,
    };

    return g_hash_table_lookup(s->iotlb, &key);
}

const SMMUTLBEntry *smmu_iotlb_lookup(SMMUv3State *s, int asid, int vmid,
                                      uint64_t iova)
{
    SMMUTLBKind kind = asid < 0 ? SMMU_TLB_IPA : SMMU_TLB_VA;
    uint64_t sizes = s->iotlb ? s->iotlb_sizes : 0;
    SMMUTLBNode *n = NULL;

    while (sizes && !n) {
        unsigned log2size = __builtin_ctzll(sizes);

        sizes &= sizes - 1;
        n = smmu_iotlb_probe(s, kind, asid, vmid, iova, log2size);
        if (!n && kind == SMMU_TLB_VA) {
            /* Global entries match any ASID (spec 3.17). */
            n = smmu_iotlb_probe(s, kind, -1, vmid, iova, log2size);
        }
    }
    if (!n) {
        s->iotlb_misses++;
        trace_smmu_iotlb_miss(asid, vmid, iova, s->iotlb_hits,
                              s->iotlb_misses);
        return NULL;
    }
    s->iotlb_hits++;
    trace_smmu_iotlb_hit(asid, vmid, iova, n->entry.oa, n->entry.addr_mask,
                         n->entry.perm, s->iotlb_hits, s->iotlb_misses);
    return &n->entry;
}

void smmu_iotlb_insert(SMMUv3State *s, const SMMUTLBEntry *e)
{
    SMMUTLBNode *n;
    unsigned log2size;

    /* A mapping is at most a 2^55-byte block: anything else is a bug. */
    g_assert(e->addr_mask < UINT64_MAX &&
             !((e->addr_mask + 1) & e->addr_mask));
    smmu_iotlb_init(s);
    if (g_hash_table_size(s->iotlb) >= SMMU_IOTLB_MAX_ENTRIES) {
        trace_smmu_iotlb_full(g_hash_table_size(s->iotlb));
        smmu_iotlb_inv_all(s);
    }
    log2size = __builtin_ctzll(e->addr_mask + 1);
    n = g_new0(SMMUTLBNode, 1);
    n->entry = *e;
    n->entry.iova &= ~e->addr_mask;
    n->entry.oa &= ~e->addr_mask;
    n->key = (SMMUTLBKey) {
        .iova = n->entry.iova,
        .vmid = e->vmid,
        .asid = e->asid,
        .log2size = log2size,
        .kind = smmu_tlb_kind(e),
    };
    /* replace, not insert: the stored key must be the new node's. */
    g_hash_table_replace(s->iotlb, &n->key, n);
    s->iotlb_sizes |= 1ULL << log2size;
    trace_smmu_iotlb_insert(e->asid, e->vmid, n->entry.iova, n->entry.oa,
                            e->addr_mask, e->perm, e->level, e->stages,
                            g_hash_table_size(s->iotlb));
}

/* ---- invalidation ---- */

/* Which entries an invalidation drops; each condition must hold. */
typedef struct SMMUTLBFilter {
    int vmid;                   /* -1: any */
    int asid;                   /* -1: any */
    bool va_only;               /* stage-1 and nested entries only */
    bool ipa_only;              /* stage-2-only entries only */
    bool non_global;            /* not global entries (NH_ASID) */
    bool with_global;           /* global entries match any asid */
    bool ranged;
    uint64_t first, last;       /* ranged: inclusive */
    uint8_t ttl;                /* ranged: leaf level, 0: any */
} SMMUTLBFilter;

static gboolean smmu_tlb_filter_match(gpointer key, gpointer value,
                                      gpointer opaque)
{
    const SMMUTLBFilter *f = opaque;
    const SMMUTLBEntry *e = &((SMMUTLBNode *)value)->entry;
    SMMUTLBKind kind = smmu_tlb_kind(e);
    bool global = kind == SMMU_TLB_VA && e->asid < 0;

    if (f->vmid >= 0 && e->vmid != f->vmid) {
        return false;
    }
    if ((f->va_only && kind != SMMU_TLB_VA) ||
        (f->ipa_only && kind != SMMU_TLB_IPA)) {
        return false;
    }
    if (f->non_global && global) {
        return false;
    }
    if (f->asid >= 0 && e->asid != f->asid &&
        !(f->with_global && global)) {
        return false;
    }
    if (f->ranged) {
        if (e->iova > f->last || e->iova + e->addr_mask < f->first) {
            return false;
        }
        /*
         * TTL names the stage-1 leaf level for NH_VA and the stage-2
         * one for S2_IPA; a nested entry's level is the last stage's,
         * so it cannot be told apart and is dropped whatever TTL says.
         */
        if (f->ttl && e->stages != 3 && e->level != f->ttl) {
            return false;
        }
    }
    return true;
}

static void smmu_iotlb_inv_filter(SMMUv3State *s, const char *what,
                                  const SMMUTLBFilter *f)
{
    guint n = 0;

    if (s->iotlb) {
        n = g_hash_table_foreach_remove(s->iotlb, smmu_tlb_filter_match,
                                        (gpointer)f);
        if (!g_hash_table_size(s->iotlb)) {
            s->iotlb_sizes = 0;
        }
    }
    trace_smmu_iotlb_inv(what, f->vmid, f->asid, f->ranged ? f->first : 0,
                         f->ranged ? f->last : UINT64_MAX, f->ttl, n,
                         smmu_iotlb_count(s));
}

/* [addr, addr + size) as an inclusive range; size 0 is addr alone. */
static void smmu_tlb_filter_range(SMMUTLBFilter *f, uint64_t addr,
                                  uint64_t size, uint8_t ttl)
{
    f->ranged = true;
    f->first = addr;
    if (!size) {
        f->last = addr;
    } else if (size - 1 > UINT64_MAX - addr) {
        f->last = UINT64_MAX;           /* commands do not wrap */
    } else {
        f->last = addr + size - 1;
    }
    f->ttl = ttl;
}

void smmu_iotlb_inv_all(SMMUv3State *s)
{
    guint n = smmu_iotlb_count(s);

    if (s->iotlb) {
        g_hash_table_remove_all(s->iotlb);
    }
    s->iotlb_sizes = 0;
    trace_smmu_iotlb_inv_all(n);
}

void smmu_iotlb_inv_vmid(SMMUv3State *s, int vmid)
{
    SMMUTLBFilter f = { .vmid = vmid, .asid = -1 };

    smmu_iotlb_inv_filter(s, "vmid", &f);
}

void smmu_iotlb_inv_vmid_s1(SMMUv3State *s, int vmid)
{
    SMMUTLBFilter f = { .vmid = vmid, .asid = -1, .va_only = true };

    smmu_iotlb_inv_filter(s, "vmid-s1", &f);
}

void smmu_iotlb_inv_asid(SMMUv3State *s, int vmid, int asid)
{
    SMMUTLBFilter f = {
        .vmid = vmid, .asid = asid, .va_only = true, .non_global = true,
    };

    smmu_iotlb_inv_filter(s, "asid", &f);
}

void smmu_iotlb_inv_va(SMMUv3State *s, int vmid, int asid, uint64_t addr,
                       uint64_t size, uint8_t ttl)
{
    SMMUTLBFilter f = {
        .vmid = vmid, .asid = asid, .va_only = true, .with_global = true,
    };

    smmu_tlb_filter_range(&f, addr, size, ttl);
    smmu_iotlb_inv_filter(s, asid < 0 ? "vaa" : "va", &f);
}

void smmu_iotlb_inv_ipa(SMMUv3State *s, int vmid, uint64_t ipa,
                        uint64_t size, uint8_t ttl)
{
    SMMUTLBFilter f = { .vmid = vmid, .asid = -1, .ipa_only = true };

    smmu_tlb_filter_range(&f, ipa, size, ttl);
    smmu_iotlb_inv_filter(s, "ipa", &f);
}
