/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3 page-table walker (hw/arm/smmu-ptw.c) on a
 * fake sparse memory that records every descriptor read, with a small
 * builder that lays out translation tables for any granule and start
 * level.  Each case asserts the exact result (output address, mapping
 * size, level, granule, permissions) or the exact fault (event type,
 * S2, CLASS, level, IPA, fetch address): every granule and start level,
 * stage-2 concatenation, block and invalid descriptors, access flag,
 * stage-1/stage-2 permissions including table attributes and execute
 * never, address-size and input-range faults, external aborts, nested
 * walks; then a fixed-seed random sweep over garbage tables and
 * configurations that must never crash or break the result invariants.
 */
#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "hw/arm/smmu-ptw.h"

/* ---- Fake memory ---- */

#define MAX_READS 64

typedef struct FakeMem {
    GHashTable *words;              /* PA -> descriptor */
    uint64_t abort_lo, abort_hi;    /* reads in [lo, hi) fail */
    unsigned nreads;
    uint64_t reads[MAX_READS];      /* PAs read, in order */
} FakeMem;

static MemTxResult fake_read(void *opaque, uint64_t pa, uint64_t *desc)
{
    FakeMem *m = opaque;
    uint64_t *v;

    if (m->nreads < MAX_READS) {
        m->reads[m->nreads] = pa;
    }
    m->nreads++;
    if (pa >= m->abort_lo && pa < m->abort_hi) {
        return MEMTX_ERROR;
    }
    v = g_hash_table_lookup(m->words, &pa);
    *desc = v ? *v : 0;
    return MEMTX_OK;
}

static void mem_init(FakeMem *m)
{
    *m = (FakeMem) { 0 };
    m->words = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                     g_free);
}

static void mem_free(FakeMem *m)
{
    g_hash_table_destroy(m->words);
}

static void mem_set(FakeMem *m, uint64_t pa, uint64_t val)
{
    g_hash_table_replace(m->words, g_memdup2(&pa, 8), g_memdup2(&val, 8));
}

static uint64_t mem_get(FakeMem *m, uint64_t pa)
{
    uint64_t *v = g_hash_table_lookup(m->words, &pa);

    return v ? *v : 0;
}

/* ---- Descriptor bits (Arm ARM D8.3) ---- */

#define D_BLOCK     1ULL
#define D_TABLE     3ULL                /* also a page at level 3 */
#define AP_EL0      (1ULL << 6)
#define AP_RO       (1ULL << 7)
#define AF          (1ULL << 10)
#define NG          (1ULL << 11)
#define PXN         (1ULL << 53)
#define UXN         (1ULL << 54)
#define T_PXN       (1ULL << 59)
#define T_UXN       (1ULL << 60)
#define T_NO_EL0    (1ULL << 61)
#define T_RO        (1ULL << 62)
#define S2AP_R      (1ULL << 6)
#define S2AP_W      (1ULL << 7)
#define MEMATTR(x)  ((uint64_t)(x) << 2)

/* What Linux writes: everyone RW, non-global; stage 2 RW cacheable. */
#define S1_LEAF     (AF | AP_EL0 | NG)
#define S2_LEAF     (AF | S2AP_R | S2AP_W | MEMATTR(0xf))

static unsigned shift_of(unsigned g, int level)
{
    return g + (3 - level) * (g - 3);
}

/* ---- Table builder ---- */

/*
 * One translation table tree.  Tables live at "table addresses" (PAs, or
 * IPAs for a nested stage 1) and are written to memory at table address
 * + wr_off.
 */
typedef struct Tables {
    FakeMem *m;
    uint64_t next;                  /* bump allocator */
    uint64_t wr_off;
    unsigned g;
    int start;
    unsigned start_bits;
    uint64_t root;
} Tables;

static uint64_t tables_alloc(Tables *t, uint64_t size)
{
    uint64_t a = (t->next + size - 1) & ~(size - 1);

    t->next = a + size;
    return a;
}

static void tables_init(Tables *t, FakeMem *m, uint64_t base,
                        uint64_t wr_off, unsigned g, unsigned ia, int start)
{
    *t = (Tables) { .m = m, .next = base, .wr_off = wr_off, .g = g,
                    .start = start };
    t->start_bits = ia - shift_of(g, start);
    t->root = tables_alloc(t, MAX(8ULL << t->start_bits, 1ULL << g));
}

/* Memory address of the descriptor for in at level; makes the tables. */
static uint64_t tables_slot(Tables *t, uint64_t in, int level)
{
    uint64_t table = t->root;
    unsigned bits = t->start_bits;
    int l;

    for (l = t->start; ; l++) {
        uint64_t pa = table + extract64(in, shift_of(t->g, l), bits) * 8 +
                      t->wr_off;
        uint64_t d;

        if (l == level) {
            return pa;
        }
        d = mem_get(t->m, pa);
        if (!(d & 1)) {
            d = tables_alloc(t, 1ULL << t->g) | D_TABLE;
            mem_set(t->m, pa, d);
        }
        table = d & MAKE_64BIT_MASK(t->g, 48 - t->g);
        bits = t->g - 3;
    }
}

/* Map in -> out with a page (level 3) or block leaf; returns its PA. */
static uint64_t tables_map(Tables *t, uint64_t in, uint64_t out, int level,
                           uint64_t attrs)
{
    uint64_t pa = tables_slot(t, in, level);
    unsigned shift = shift_of(t->g, level);

    mem_set(t->m, pa, (out & ~MAKE_64BIT_MASK(0, shift)) | attrs |
            (level == 3 ? D_TABLE : D_BLOCK));
    return pa;
}

/* The config walking t: stage 1 with TTB1 disabled, or stage 2. */
static SMMUStageCfg stage_cfg(const Tables *t, int stage, unsigned ia,
                              unsigned oas)
{
    unsigned stride = t->g - 3;
    SMMUStageCfg c = {
        .stage = stage, .oas = oas, .start_level = t->start,
        .concat = t->start_bits > stride ? 1u << (t->start_bits - stride)
                                         : 1,
        .tt[0] = { .ttb = t->root, .tsz = 64 - ia, .granule_sz = t->g },
        .tt[1] = { .epd = true, .tsz = 16, .granule_sz = 12 },
    };

    return c;
}

/* ---- Test worlds and checks ---- */

/* Fake memory, stage-1/stage-2 tables and configs; p1/p2: NULL bypasses */
typedef struct World {
    FakeMem m;
    Tables t1, t2;
    SMMUStageCfg s1, s2;
    const SMMUStageCfg *p1, *p2;
} World;

/* A world with a single stage, its tables at 0x10000000. */
static void world_init(World *w, int stage, unsigned g, unsigned ia,
                       int start, unsigned oas)
{
    Tables *t = stage == 1 ? &w->t1 : &w->t2;
    SMMUStageCfg *c = stage == 1 ? &w->s1 : &w->s2;

    *w = (World) { 0 };
    mem_init(&w->m);
    tables_init(t, &w->m, 0x10000000, 0, g, ia, start);
    *c = stage_cfg(t, stage, ia, oas);
    *(stage == 1 ? &w->p1 : &w->p2) = c;
}

/* Replace descriptor bits clear, then set set. */
static void desc_update(World *w, uint64_t pa, uint64_t clear, uint64_t set)
{
    mem_set(&w->m, pa, (mem_get(&w->m, pa) & ~clear) | set);
}

static const SMMUAccess RD = { 0 };
static const SMMUAccess WR = { .write = true };
static const SMMUAccess PRD = { .priv = true };
static const SMMUAccess PWR = { .write = true, .priv = true };
static const SMMUAccess IF = { .instr = true };
static const SMMUAccess PIF = { .instr = true, .priv = true };

static bool xlate(World *w, uint64_t in, const SMMUAccess *acc,
                  SMMUPTWResult *res, SMMUFault *f)
{
    SMMUPTWMem mem = { .read = fake_read, .opaque = &w->m };

    w->m.nreads = 0;
    memset(res, 0x5a, sizeof(*res));
    memset(f, 0x5a, sizeof(*f));
    return smmu_ptw_translate(w->p1, w->p2, in, acc, &mem, res, f);
}

static SMMUPTWResult check_ok(World *w, uint64_t in, const SMMUAccess *acc,
                              uint64_t oa, uint64_t mask, int level,
                              unsigned g, IOMMUAccessFlags perm)
{
    SMMUPTWResult res;
    SMMUFault f;

    if (!xlate(w, in, acc, &res, &f)) {
        g_error("0x%" PRIx64 ": unexpected fault 0x%x s2 %d class %d "
                "level %d", in, f.type, f.s2, f.class, f.level);
    }
    g_assert_cmphex(res.oa, ==, oa);
    g_assert_cmphex(res.addr_mask, ==, mask);
    g_assert_cmpint(res.level, ==, level);
    g_assert_cmpuint(res.granule_sz, ==, g);
    g_assert_cmpint(res.perm, ==, perm);
    g_assert_true(w->p2 || res.s2_memattr == 0xf);
    return res;
}

/* A 4K page at level 3. */
static void check_page(World *w, uint64_t in, const SMMUAccess *acc,
                       uint64_t oa, IOMMUAccessFlags perm)
{
    check_ok(w, in, acc, oa, 0xfff, 3, 12, perm);
}

static void check_fault(World *w, uint64_t in, const SMMUAccess *acc,
                        SMMUEventType type, bool is_s2,
                        SMMUFaultClass class, int level, uint64_t ipa,
                        uint64_t fetch)
{
    SMMUPTWResult res;
    SMMUFault f;

    if (xlate(w, in, acc, &res, &f)) {
        g_error("0x%" PRIx64 ": translated to 0x%" PRIx64 ", expected "
                "event 0x%x", in, res.oa, type);
    }
    g_assert_cmphex(f.type, ==, type);
    g_assert_cmpint(f.s2, ==, is_s2);
    g_assert_cmpint(f.class, ==, class);
    g_assert_cmpint(f.level, ==, level);
    g_assert_cmphex(f.ipa, ==, ipa);
    g_assert_cmphex(f.fetch_addr, ==, fetch);
}

/* A single-stage world's fault on the input: CLASS=IN, IPA if stage 2 */
static void check_in_fault(World *w, uint64_t in, const SMMUAccess *acc,
                           SMMUEventType type, int level)
{
    bool s2 = !w->p1;

    check_fault(w, in, acc, type, s2, SMMU_CLASS_IN, level, s2 ? in : 0, 0);
}

/* ---- Start levels ---- */

static void test_s1_start_level(void)
{
    static const struct {
        uint8_t tsz, g;
        int level;
    } cases[] = {
        { 16, 12, 0 }, { 17, 12, 0 }, { 24, 12, 0 }, { 25, 12, 1 },
        { 33, 12, 1 }, { 34, 12, 2 }, { 39, 12, 2 }, { 42, 12, 2 },
        { 43, 12, 3 }, { 48, 12, 3 }, { 15, 12, -1 }, { 52, 12, -1 },
        { 16, 14, 0 }, { 17, 14, 1 }, { 27, 14, 1 }, { 28, 14, 2 },
        { 38, 14, 2 }, { 39, 14, 3 }, { 48, 14, 3 }, { 12, 14, -1 },
        { 50, 14, -1 },
        { 12, 16, 1 }, { 16, 16, 1 }, { 22, 16, 2 }, { 34, 16, 2 },
        { 35, 16, 3 }, { 47, 16, 3 }, { 11, 16, -1 }, { 48, 16, -1 },
        { 16, 13, -1 }, { 16, 0, -1 }, { 64, 12, -1 }, { 255, 12, -1 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmpint(smmu_ptw_s1_start_level(cases[i].tsz, cases[i].g),
                        ==, cases[i].level);
    }
}

/* ---- Stage 1: every granule and start level, pages and blocks ---- */

static void test_s1_granules(void)
{
    for (unsigned g = 12; g <= 16; g += 2) {
        for (int start = g == 16 ? 1 : 0; start <= 3; start++) {
            unsigned ia = MIN(shift_of(g, start) + g - 3, 48);
            uint64_t va = 0x5a5a5a5a5a5a5a5aULL & MAKE_64BIT_MASK(0, ia - 1);
            uint64_t pa = 0x812345ULL << 16;
            World w;

            g_assert_cmpint(smmu_ptw_s1_start_level(64 - ia, g), ==, start);
            world_init(&w, 1, g, ia, start, 48);
            /* A page: one read per level, all of the address kept. */
            tables_map(&w.t1, va, pa, 3, S1_LEAF);
            check_ok(&w, va, &RD, pa | (va & MAKE_64BIT_MASK(0, g)),
                     MAKE_64BIT_MASK(0, g), 3, g, IOMMU_RW);
            g_assert_cmpuint(w.m.nreads, ==, 4 - start);
            g_assert_cmphex(w.m.reads[0], ==, w.t1.root +
                            (va >> shift_of(g, start)) * 8);

            /* Global blocks at each level that allows them */
            for (int bl = MAX(start, 1); bl <= 2; bl++) {
                uint64_t bva = va | (1ULL << (ia - 1));
                uint64_t bmask = MAKE_64BIT_MASK(0, shift_of(g, bl));
                uint64_t bpa = 0x40ULL << 40;
                SMMUPTWResult r;

                if ((g != 12 && bl == 1) || shift_of(g, bl) >= ia) {
                    continue;
                }
                /* A fresh tree per block level: the paths must differ. */
                mem_free(&w.m);
                world_init(&w, 1, g, ia, start, 48);
                tables_map(&w.t1, bva, bpa, bl, S1_LEAF & ~NG);
                r = check_ok(&w, bva, &PWR, bpa | (bva & bmask), bmask, bl,
                             g, IOMMU_RW);
                g_assert_true(r.global);
                g_assert_cmpuint(w.m.nreads, ==, bl - start + 1);
            }
            mem_free(&w.m);
        }
    }
}

static void test_s1_global_ttb(void)
{
    World w;

    world_init(&w, 1, 12, 48, 0, 48);
    tables_map(&w.t1, 0x1000, 0x80000000, 3, S1_LEAF);
    tables_map(&w.t1, 0x2000, 0x80001000, 3, S1_LEAF & ~NG);
    g_assert_false(check_ok(&w, 0x1000, &RD, 0x80000000, 0xfff, 3, 12,
                            IOMMU_RW).global);
    g_assert_true(check_ok(&w, 0x2008, &RD, 0x80001008, 0xfff, 3, 12,
                           IOMMU_RW).global);
    /* TTB bits below the start table's alignment are taken as zero */
    w.s1.tt[0].ttb |= 0xff0;
    check_page(&w, 0x2008, &RD, 0x80001008, IOMMU_RW);
    g_assert_cmphex(w.m.reads[0], ==, w.t1.root);
    mem_free(&w.m);
}

/* ---- Invalid and misplaced descriptors ---- */

static void test_invalid_each_level(void)
{
    for (unsigned g = 12; g <= 16; g += 2) {
        int start = g == 16 ? 1 : 0;
        uint64_t va = 0x0000123456789000ULL & ~MAKE_64BIT_MASK(0, g);
        World w;

        world_init(&w, 1, g, 48, start, 48);
        tables_map(&w.t1, va, 0x80000000, 3, S1_LEAF);
        for (int l = start; l <= 3; l++) {
            uint64_t pa = tables_slot(&w.t1, va, l);
            uint64_t saved = mem_get(&w.m, pa);

            /* bit 0 clear: invalid whatever the other bits say */
            mem_set(&w.m, pa, saved & ~1ULL);
            check_in_fault(&w, va, &RD, SMMU_EVT_F_TRANSLATION, l);
            mem_set(&w.m, pa, 0);
            check_in_fault(&w, va, &RD, SMMU_EVT_F_TRANSLATION, l);
            mem_set(&w.m, pa, saved);
        }
        check_ok(&w, va, &RD, 0x80000000, MAKE_64BIT_MASK(0, g), 3, g,
                 IOMMU_RW);
        mem_free(&w.m);
    }
}

static void test_block_not_allowed(void)
{
    World w;

    /* 4K level 0 (needs DS); level 3 with 0b01 is reserved */
    world_init(&w, 1, 12, 48, 0, 48);
    tables_map(&w.t1, 0, 0, 0, S1_LEAF);
    check_in_fault(&w, 0x1000, &RD, SMMU_EVT_F_TRANSLATION, 0);
    mem_set(&w.m, tables_slot(&w.t1, 1ULL << 39, 3),
            0x80000000 | S1_LEAF | D_BLOCK);
    check_in_fault(&w, 1ULL << 39, &RD, SMMU_EVT_F_TRANSLATION, 3);
    mem_free(&w.m);

    /* 16K: level 1 and level 0 blocks need DS */
    world_init(&w, 1, 14, 48, 0, 48);
    tables_map(&w.t1, 0, 0, 1, S1_LEAF);
    check_in_fault(&w, 0x4000, &RD, SMMU_EVT_F_TRANSLATION, 1);
    tables_map(&w.t1, 1ULL << 47, 0, 0, S1_LEAF);
    check_in_fault(&w, 1ULL << 47, &RD, SMMU_EVT_F_TRANSLATION, 0);
    mem_free(&w.m);

    /* 64K: a level-1 block needs a 52-bit output size */
    world_init(&w, 1, 16, 48, 1, 48);
    tables_map(&w.t1, 0, 0x40000000000ULL, 1, S1_LEAF);
    check_in_fault(&w, 0x12345678, &RD, SMMU_EVT_F_TRANSLATION, 1);
    w.s1.oas = 52;
    check_ok(&w, 0x12345678, &RD, 0x40012345678ULL, MAKE_64BIT_MASK(0, 42),
             1, 16, IOMMU_RW);
    mem_free(&w.m);
}

/* ---- Stage 2 and concatenated start tables ---- */

static void s2_concat_case(unsigned g, unsigned ia, int start,
                           unsigned concat, uint64_t ipa)
{
    uint64_t pa = 0x9876ULL << 28;
    uint64_t pmask = MAKE_64BIT_MASK(0, g);
    World w;
    SMMUPTWResult r;

    world_init(&w, 2, g, ia, start, 48);
    g_assert_cmpuint(w.s2.concat, ==, concat);
    tables_map(&w.t2, ipa, pa, 3, S2_LEAF);
    r = check_ok(&w, ipa, &RD, pa | (ipa & pmask), pmask, 3, g, IOMMU_RW);
    g_assert_false(r.global);
    g_assert_cmphex(r.s2_memattr, ==, 0xf);
    g_assert_cmpuint(w.m.nreads, ==, 4 - start);
    /* The start index reaches into the following tables. */
    g_assert_cmphex(w.m.reads[0], ==,
                    w.t2.root + (ipa >> shift_of(g, start)) * 8);
    g_assert_cmphex(w.m.reads[0] - w.t2.root, >=,
                    (uint64_t)(concat - 1) << g);
    /* Each wrong concatenation count is refused. */
    for (unsigned n = 0; n <= 16; n++) {
        if (n != concat && !(concat == 1 && n == 0)) {
            w.s2.concat = n;
            check_in_fault(&w, ipa, &RD, SMMU_EVT_F_TRANSLATION, 0);
        }
    }
    w.s2.concat = concat;
    /* Beyond the input size */
    check_in_fault(&w, 1ULL << ia, &RD, SMMU_EVT_F_TRANSLATION, 0);
    check_in_fault(&w, ~0ULL, &RD, SMMU_EVT_F_TRANSLATION, 0);
    mem_free(&w.m);
}

static void test_s2_concat(void)
{
    /* granule, IPA bits, start level, tables concatenated, an IPA */
    s2_concat_case(12, 40, 1, 2, 0xff12345000ULL);      /* Linux OAS 40 */
    s2_concat_case(12, 42, 1, 8, 0x3ff12345000ULL);     /* Linux OAS 42 */
    s2_concat_case(14, 40, 2, 16, 0xf7abcdc000ULL);
    s2_concat_case(14, 48, 1, 2, 0xf12345678000ULL);
    s2_concat_case(16, 44, 2, 4, 0xfedcba90000ULL);
    s2_concat_case(12, 32, 2, 4, 0xfedcb000ULL);
    s2_concat_case(12, 48, 0, 1, 0xfedcba987000ULL);
    s2_concat_case(12, 30, 2, 1, 0x3edcb000ULL);
    s2_concat_case(16, 42, 2, 1, 0x3fedcb00000ULL);
    s2_concat_case(14, 36, 2, 1, 0xfedcbc000ULL);
}

static void test_s2_blocks(void)
{
    World w;

    world_init(&w, 2, 12, 40, 1, 48);
    /* A block at the (concatenated) start level */
    tables_map(&w.t2, 0xc0000000ULL, 0x100000000ULL, 1, S2_LEAF);
    check_ok(&w, 0xc1234567ULL, &WR, 0x101234567ULL, 0x3fffffff, 1, 12,
             IOMMU_RW);
    tables_map(&w.t2, 0x8000400000ULL, 0x200000ULL, 2,
               AF | S2AP_R | MEMATTR(0x5));
    g_assert_cmphex(check_ok(&w, 0x8000512345ULL, &RD, 0x312345, 0x1fffff,
                             2, 12, IOMMU_RO).s2_memattr, ==, 0x5);
    check_in_fault(&w, 0x8000512345ULL, &WR, SMMU_EVT_F_PERMISSION, 2);
    /* an invalid entry at the start level */
    check_in_fault(&w, 0x40000000ULL, &RD, SMMU_EVT_F_TRANSLATION, 1);
    mem_free(&w.m);
}

/* ---- Access flag ---- */

static void test_access_flag(void)
{
    World w;

    world_init(&w, 1, 12, 39, 1, 48);
    tables_map(&w.t1, 0x1000, 0x80000000, 3, S1_LEAF & ~AF);
    check_in_fault(&w, 0x1000, &RD, SMMU_EVT_F_ACCESS, 3);
    /* The Access flag fault comes before the Permission fault. */
    tables_map(&w.t1, 0x2000, 0x80000000, 3, (S1_LEAF & ~AF) | AP_RO);
    check_in_fault(&w, 0x2000, &WR, SMMU_EVT_F_ACCESS, 3);
    w.s1.affd = true;
    check_page(&w, 0x1004, &WR, 0x80000004, IOMMU_RW);
    check_in_fault(&w, 0x2000, &WR, SMMU_EVT_F_PERMISSION, 3);
    mem_free(&w.m);

    /* Stage 2, at a block */
    world_init(&w, 2, 12, 40, 1, 48);
    tables_map(&w.t2, 0x40000000, 0x40000000, 2, S2_LEAF & ~AF);
    check_in_fault(&w, 0x40001000, &RD, SMMU_EVT_F_ACCESS, 2);
    w.s2.affd = true;
    check_ok(&w, 0x40001000, &RD, 0x40001000, 0x1fffff, 2, 12, IOMMU_RW);
    mem_free(&w.m);
}

/* ---- Permissions ---- */

static void test_s1_ap(void)
{
    World w;

    world_init(&w, 1, 12, 48, 0, 48);
    tables_map(&w.t1, 0x1000, 0x81000000, 3, AF);                  /* 00 */
    tables_map(&w.t1, 0x2000, 0x82000000, 3, AF | AP_EL0);         /* 01 */
    tables_map(&w.t1, 0x3000, 0x83000000, 3, AF | AP_RO);          /* 10 */
    tables_map(&w.t1, 0x4000, 0x84000000, 3, AF | AP_RO | AP_EL0); /* 11 */

    /* 00: privileged RW, unprivileged nothing */
    check_page(&w, 0x1010, &PWR, 0x81000010, IOMMU_RW);
    check_page(&w, 0x1010, &PRD, 0x81000010, IOMMU_RW);
    check_in_fault(&w, 0x1010, &RD, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x1010, &WR, SMMU_EVT_F_PERMISSION, 3);
    /* 01: RW for both */
    check_page(&w, 0x2000, &WR, 0x82000000, IOMMU_RW);
    check_page(&w, 0x2000, &PWR, 0x82000000, IOMMU_RW);
    /* 10: privileged RO */
    check_page(&w, 0x3000, &PRD, 0x83000000, IOMMU_RO);
    check_in_fault(&w, 0x3000, &PWR, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x3000, &RD, SMMU_EVT_F_PERMISSION, 3);
    /* 11: RO for both */
    check_page(&w, 0x4000, &RD, 0x84000000, IOMMU_RO);
    check_page(&w, 0x4000, &PRD, 0x84000000, IOMMU_RO);
    check_in_fault(&w, 0x4000, &WR, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x4000, &PWR, SMMU_EVT_F_PERMISSION, 3);
    mem_free(&w.m);
}

static void test_s1_aptable(void)
{
    World w;
    uint64_t l0, l1;

    world_init(&w, 1, 12, 48, 0, 48);
    tables_map(&w.t1, 0x1000, 0x80000000, 3, S1_LEAF);
    l0 = tables_slot(&w.t1, 0x1000, 0);
    l1 = tables_slot(&w.t1, 0x1000, 1);
    /* APTable[1] at level 1: read-only below */
    desc_update(&w, l1, 0, T_RO);
    check_page(&w, 0x1000, &RD, 0x80000000, IOMMU_RO);
    check_in_fault(&w, 0x1000, &WR, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x1000, &PWR, SMMU_EVT_F_PERMISSION, 3);
    /* HAD: the table attributes are ignored */
    w.s1.tt[0].had = true;
    check_page(&w, 0x1000, &WR, 0x80000000, IOMMU_RW);
    w.s1.tt[0].had = false;

    /* APTable[0] at level 0: no unprivileged access below */
    desc_update(&w, l1, T_RO, 0);
    desc_update(&w, l0, 0, T_NO_EL0);
    check_in_fault(&w, 0x1000, &RD, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x1000, &PWR, 0x80000000, IOMMU_RW);
    w.s1.tt[0].had = true;
    check_page(&w, 0x1000, &WR, 0x80000000, IOMMU_RW);
    mem_free(&w.m);
}

static void test_s1_xn(void)
{
    const uint64_t ro_all = AF | AP_RO | AP_EL0;
    const SMMUAccess wi = { .write = true, .instr = true };
    World w;
    uint64_t l2;

    world_init(&w, 1, 12, 48, 0, 48);
    tables_map(&w.t1, 0x1000, 0x81000000, 3, ro_all);
    tables_map(&w.t1, 0x2000, 0x82000000, 3, ro_all | UXN);
    tables_map(&w.t1, 0x3000, 0x83000000, 3, ro_all | PXN);
    tables_map(&w.t1, 0x4000, 0x84000000, 3, AF | AP_EL0);     /* EL0 RW */
    tables_map(&w.t1, 0x5000, 0x85000000, 3, AF);              /* EL1 only */
    tables_map(&w.t1, 0x6000, 0x86000000, 3, AF | AP_EL0 | UXN | PXN);

    check_page(&w, 0x1000, &IF, 0x81000000, IOMMU_RO);
    check_page(&w, 0x1000, &PIF, 0x81000000, IOMMU_RO);
    /* UXN: unprivileged fetches only; data reads unaffected */
    check_in_fault(&w, 0x2000, &IF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x2000, &PIF, 0x82000000, IOMMU_RO);
    check_page(&w, 0x2000, &RD, 0x82000000, IOMMU_RO);
    /* PXN: privileged fetches only */
    check_in_fault(&w, 0x3000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x3000, &IF, 0x83000000, IOMMU_RO);
    /* No privileged execution from memory EL0 can write */
    check_in_fault(&w, 0x4000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x4000, &IF, 0x84000000, IOMMU_RW);
    /* An instruction read needs read permission too (model choice) */
    check_in_fault(&w, 0x5000, &IF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x5000, &PIF, 0x85000000, IOMMU_RW);
    /* Writes are data even when flagged as instructions */
    check_page(&w, 0x6000, &wi, 0x86000000, IOMMU_RW);

    /* UXNTable / PXNTable at level 2, ignored with HAD */
    l2 = tables_slot(&w.t1, 0x1000, 2);
    desc_update(&w, l2, 0, T_UXN);
    check_in_fault(&w, 0x1000, &IF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x1000, &PIF, 0x81000000, IOMMU_RO);
    desc_update(&w, l2, T_UXN, T_PXN);
    check_in_fault(&w, 0x1000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x1000, &IF, 0x81000000, IOMMU_RO);
    w.s1.tt[0].had = true;
    check_page(&w, 0x1000, &PIF, 0x81000000, IOMMU_RO);
    mem_free(&w.m);
}

static void test_s2_perms(void)
{
    World w;

    world_init(&w, 2, 12, 40, 1, 48);
    tables_map(&w.t2, 0x1000, 0x81000000, 3, AF | S2AP_R);
    tables_map(&w.t2, 0x2000, 0x82000000, 3, AF | S2AP_W);
    tables_map(&w.t2, 0x3000, 0x83000000, 3, AF);
    tables_map(&w.t2, 0x4000, 0x84000000, 3, S2_LEAF | UXN);       /* 10 */
    tables_map(&w.t2, 0x5000, 0x85000000, 3, S2_LEAF | PXN);       /* 01 */
    tables_map(&w.t2, 0x6000, 0x86000000, 3, S2_LEAF | PXN | UXN); /* 11 */
    tables_map(&w.t2, 0x7000, 0x87000000, 3, AF | S2AP_W);

    check_page(&w, 0x1000, &RD, 0x81000000, IOMMU_RO);
    check_in_fault(&w, 0x1000, &WR, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x2000, &WR, 0x82000000, IOMMU_WO);
    check_in_fault(&w, 0x2000, &RD, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x3000, &PRD, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x3000, &PWR, SMMU_EVT_F_PERMISSION, 3);

    /* Without XNX only bit 54 counts. */
    check_in_fault(&w, 0x4000, &IF, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x4000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x4000, &RD, 0x84000000, IOMMU_RW);
    check_page(&w, 0x5000, &IF, 0x85000000, IOMMU_RW);
    check_page(&w, 0x5000, &PIF, 0x85000000, IOMMU_RW);
    check_in_fault(&w, 0x6000, &IF, SMMU_EVT_F_PERMISSION, 3);
    /* With XNX: 00 all, 01 EL0 only, 10 none, 11 EL1 only */
    w.s2.xnx = true;
    check_page(&w, 0x1000, &PIF, 0x81000000, IOMMU_RO);
    check_in_fault(&w, 0x4000, &IF, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x4000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x5000, &IF, 0x85000000, IOMMU_RW);
    check_in_fault(&w, 0x5000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    check_in_fault(&w, 0x6000, &IF, SMMU_EVT_F_PERMISSION, 3);
    check_page(&w, 0x6000, &PIF, 0x86000000, IOMMU_RW);
    /* instruction reads need S2AP read as well */
    check_in_fault(&w, 0x7000, &PIF, SMMU_EVT_F_PERMISSION, 3);
    mem_free(&w.m);
}

/* ---- Address size ---- */

static void test_addr_size(void)
{
    World w;

    world_init(&w, 1, 12, 48, 0, 40);
    /* Leaf page and block output beyond 40 bits */
    tables_map(&w.t1, 0x1000, 1ULL << 40, 3, S1_LEAF);
    check_in_fault(&w, 0x1000, &RD, SMMU_EVT_F_ADDR_SIZE, 3);
    tables_map(&w.t1, 0x1000, (1ULL << 40) - 0x1000, 3, S1_LEAF);
    check_page(&w, 0x1000, &RD, (1ULL << 40) - 0x1000, IOMMU_RW);
    tables_map(&w.t1, 0x40000000, 0x8000000000ULL | (1ULL << 45), 2,
               S1_LEAF);
    check_in_fault(&w, 0x40000000, &RD, SMMU_EVT_F_ADDR_SIZE, 2);
    /* A next-level table beyond 40 bits, found at level 1 */
    mem_set(&w.m, tables_slot(&w.t1, 1ULL << 39, 1),
            (1ULL << 41) | D_TABLE);
    check_in_fault(&w, 1ULL << 39, &RD, SMMU_EVT_F_ADDR_SIZE, 1);
    /* The address-size check comes before the access flag. */
    tables_map(&w.t1, 0x5000, 1ULL << 42, 3, S1_LEAF & ~AF);
    check_in_fault(&w, 0x5000, &RD, SMMU_EVT_F_ADDR_SIZE, 3);
    /* A TTB beyond the output size (normally caught by the decoder) */
    w.s1.tt[0].ttb = 1ULL << 44;
    check_in_fault(&w, 0x1000, &RD, SMMU_EVT_F_ADDR_SIZE, 0);
    mem_free(&w.m);

    /* Stage 2: S2=1 with the IPA */
    world_init(&w, 2, 12, 40, 1, 36);
    tables_map(&w.t2, 0x1000, 1ULL << 36, 3, S2_LEAF);
    check_in_fault(&w, 0x1234, &RD, SMMU_EVT_F_ADDR_SIZE, 3);
    mem_set(&w.m, tables_slot(&w.t2, 0x8000000000ULL, 2),
            (1ULL << 37) | D_TABLE);
    check_in_fault(&w, 0x8000000000ULL, &RD, SMMU_EVT_F_ADDR_SIZE, 2);
    mem_free(&w.m);

    /* 64K with a 52-bit output: OA[51:48] in descriptor bits [15:12] */
    world_init(&w, 1, 16, 48, 1, 52);
    mem_set(&w.m, tables_slot(&w.t1, 0x10000, 3),
            0x0000123456780000ULL | (0xaULL << 12) | S1_LEAF | D_TABLE);
    check_ok(&w, 0x10abc, &RD, 0x000a123456780abcULL, 0xffff, 3, 16,
             IOMMU_RW);
    w.s1.oas = 48;      /* bits [15:12] are then RES0 and ignored */
    check_ok(&w, 0x10abc, &RD, 0x0000123456780abcULL, 0xffff, 3, 16,
             IOMMU_RW);
    mem_free(&w.m);
}

/* ---- Input range, TTB selection, TBI, EPD ---- */

static void test_input_range(void)
{
    const uint64_t hi = 0xffffff8000000000ULL;     /* TTB1 base, 39 bits */
    World w;

    world_init(&w, 1, 12, 39, 1, 48);
    tables_init(&w.t2, &w.m, 0x20000000, 0, 16, 39, 2);
    w.s1.tt[1] = (SMMUTTCfg) { .ttb = w.t2.root, .tsz = 25,
                               .granule_sz = 16 };
    tables_map(&w.t1, 0x1000, 0x81000000, 3, S1_LEAF);
    tables_map(&w.t2, hi | 0x20000, 0x82000000, 3, S1_LEAF);

    check_page(&w, 0x1234, &RD, 0x81000234, IOMMU_RW);
    check_ok(&w, hi | 0x21234, &RD, 0x82001234, 0xffff, 3, 16, IOMMU_RW);
    g_assert_cmphex(w.m.reads[0], ==, w.t2.root);
    /* In the gap between the ranges, or with bits above IA set */
    check_in_fault(&w, 1ULL << 39, &RD, SMMU_EVT_F_TRANSLATION, 0);
    check_in_fault(&w, 0x8000000000001000ULL, &RD, SMMU_EVT_F_TRANSLATION,
                   0);
    check_in_fault(&w, hi - 0x10000, &RD, SMMU_EVT_F_TRANSLATION, 0);
    g_assert_cmpuint(w.m.nreads, ==, 0);

    /* TBI: the top byte takes no part in the range check... */
    check_in_fault(&w, 0xab00000000001234ULL, &RD, SMMU_EVT_F_TRANSLATION,
                   0);
    w.s1.tt[0].tbi = true;
    check_page(&w, 0xab00000000001234ULL, &RD, 0x81000234, IOMMU_RW);
    /* ... but VA[55] still selects the range */
    check_in_fault(&w, 0x0080000000001234ULL, &RD, SMMU_EVT_F_TRANSLATION,
                   0);
    check_in_fault(&w, 0x00ffff8000021234ULL, &RD, SMMU_EVT_F_TRANSLATION,
                   0);
    w.s1.tt[1].tbi = true;
    check_ok(&w, 0x00ffff8000021234ULL, &RD, 0x82001234, 0xffff, 3, 16,
             IOMMU_RW);
    check_ok(&w, 0x12ffff8000021234ULL, &RD, 0x82001234, 0xffff, 3, 16,
             IOMMU_RW);

    /* EPD: no walk for that range */
    w.s1.tt[1].epd = true;
    check_in_fault(&w, hi | 0x21234, &RD, SMMU_EVT_F_TRANSLATION, 0);
    g_assert_cmpuint(w.m.nreads, ==, 0);
    check_page(&w, 0x1234, &RD, 0x81000234, IOMMU_RW);
    w.s1.tt[0].epd = true;
    check_in_fault(&w, 0x1234, &RD, SMMU_EVT_F_TRANSLATION, 0);
    g_assert_cmpuint(w.m.nreads, ==, 0);
    /* Neither stage: a Translation fault (the caller should not ask) */
    w.p1 = NULL;
    check_fault(&w, 0x1234, &RD, SMMU_EVT_F_TRANSLATION, false,
                SMMU_CLASS_IN, 0, 0, 0);
    mem_free(&w.m);
}

/* ---- External aborts ---- */

static void test_walk_eabt(void)
{
    World w;
    uint64_t pa;

    world_init(&w, 1, 12, 48, 0, 48);
    tables_map(&w.t1, 0x12345000, 0x81000000, 3, S1_LEAF);
    pa = tables_slot(&w.t1, 0x12345000, 2);
    w.m.abort_lo = pa & ~0xfffULL;
    w.m.abort_hi = w.m.abort_lo + 0x1000;
    check_fault(&w, 0x12345000, &RD, SMMU_EVT_F_WALK_EABT, false,
                SMMU_CLASS_TT, 2, 0, pa);
    g_assert_cmpuint(w.m.nreads, ==, 3);
    mem_free(&w.m);

    /* Stage 2 only: S2=1, CLASS=IN, IPA and fetch address */
    world_init(&w, 2, 12, 40, 1, 48);
    tables_map(&w.t2, 0x12345000, 0x81000000, 3, S2_LEAF);
    pa = tables_slot(&w.t2, 0x12345000, 3);
    w.m.abort_lo = pa;
    w.m.abort_hi = pa + 8;
    check_fault(&w, 0x12345678, &RD, SMMU_EVT_F_WALK_EABT, true,
                SMMU_CLASS_IN, 3, 0x12345678, pa);
    mem_free(&w.m);
}

/* ---- Nested ---- */

/*
 * Stage-1 tables live at IPAs from 0x40000000, stored at PA IPA +
 * 0x100000000; stage 2 maps that gigabyte with one block (its PA:
 * S2_TT_LEAF).  Stage 2's own tables are at PA 0x20000000.  Stage 1
 * maps VA 0x12345000 to IPA 0x80000000, which stage 2 maps to PA
 * 0x900000000 with a 2M block.
 */
#define N_OFF       0x100000000ULL
#define N_VA        0x12345000ULL
#define N_IPA       0x80000000ULL
#define N_PA        0x900000000ULL
#define N_TT_BLOCK  ((0x40000000 + N_OFF) | AF | D_BLOCK)

static uint64_t nested_init(World *w)
{
    uint64_t s2_tt_leaf;

    *w = (World) { 0 };
    mem_init(&w->m);
    tables_init(&w->t1, &w->m, 0x40000000, N_OFF, 12, 48, 0);
    tables_init(&w->t2, &w->m, 0x20000000, 0, 12, 40, 1);
    w->s1 = stage_cfg(&w->t1, 1, 48, 40);
    w->s2 = stage_cfg(&w->t2, 2, 40, 48);
    w->s2.s2ptw = true;
    w->p1 = &w->s1;
    w->p2 = &w->s2;
    s2_tt_leaf = tables_map(&w->t2, 0x40000000, 0x40000000 + N_OFF, 1,
                            S2_LEAF);
    tables_map(&w->t1, N_VA, N_IPA, 3, S1_LEAF);
    tables_map(&w->t2, N_IPA, N_PA, 2, S2_LEAF);
    return s2_tt_leaf;
}

static void test_nested_ok(void)
{
    World w;
    SMMUPTWResult r;

    nested_init(&w);
    r = check_ok(&w, N_VA | 0x123, &WR, N_PA | 0x123, 0xfff, 3, 12,
                 IOMMU_RW);
    g_assert_false(r.global);
    g_assert_cmphex(r.s2_memattr, ==, 0xf);
    /* four stage-1 reads, each after a one-read stage-2 walk; then 2 */
    g_assert_cmpuint(w.m.nreads, ==, 4 * 2 + 2);
    g_assert_cmphex(w.m.reads[0], ==, tables_slot(&w.t2, 0x40000000, 1));
    g_assert_cmphex(w.m.reads[1], ==,
                    w.t1.root + N_OFF + extract64(N_VA, 39, 9) * 8);

    /* Combined: stage-1 2M block RW over a stage-2 4K page RO */
    tables_map(&w.t1, 0x40000000000ULL, 0xc0000000, 2, S1_LEAF & ~NG);
    tables_map(&w.t2, 0xc0045000, 0xa00045000ULL, 3,
               AF | S2AP_R | MEMATTR(0x1));
    r = check_ok(&w, 0x40000045678ULL, &RD, 0xa00045678ULL, 0xfff, 3, 12,
                 IOMMU_RO);
    g_assert_true(r.global);
    g_assert_cmphex(r.s2_memattr, ==, 0x1);
    check_fault(&w, 0x40000045678ULL, &WR, SMMU_EVT_F_PERMISSION, true,
                SMMU_CLASS_IN, 3, 0xc0045678, 0);
    mem_free(&w.m);

    /*
     * Stage 1 4K with a 2M block over stage-2 64K pages: the result is
     * stage 2's 64K page (level 3, granule 16).
     */
    nested_init(&w);
    tables_init(&w.t2, &w.m, 0x30000000, 0, 16, 40, 2);
    w.s2 = stage_cfg(&w.t2, 2, 40, 48);
    tables_map(&w.t2, 0x40000000, 0x40000000 + N_OFF, 2, S2_LEAF);
    tables_map(&w.t1, 0x200000, 0xc0000000, 2, S1_LEAF);
    tables_map(&w.t2, 0xc0010000, 0xb00010000ULL, 3, S2_LEAF);
    check_ok(&w, 0x212345, &WR, 0xb00012345ULL, 0xffff, 3, 16, IOMMU_RW);
    /* Stage 1 4K page over a stage-2 512M block: stage 1's page */
    tables_map(&w.t2, N_IPA, N_PA, 2, S2_LEAF);
    check_page(&w, N_VA | 0xfff, &RD, N_PA | 0xfff, IOMMU_RW);
    mem_free(&w.m);
}

static void test_nested_faults(void)
{
    World w;
    uint64_t s2_tt_leaf = nested_init(&w);
    uint64_t desc_ipa = w.t1.root + extract64(N_VA, 39, 9) * 8;
    uint64_t l1 = tables_slot(&w.t1, N_VA, 1);
    uint64_t l2 = tables_slot(&w.t1, N_VA, 2);
    uint64_t pa;

    /* Stage 2 fails to translate the TTB's descriptor: S2=1, CLASS=TT */
    mem_set(&w.m, s2_tt_leaf, 0);
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_TRANSLATION, true, SMMU_CLASS_TT,
                1, desc_ipa, 0);
    /* ... or has no read permission there */
    mem_set(&w.m, s2_tt_leaf, N_TT_BLOCK | S2AP_W | MEMATTR(0xf));
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_PERMISSION, true, SMMU_CLASS_TT,
                1, desc_ipa, 0);
    /* S2PTW: tables on stage-2 Device memory */
    mem_set(&w.m, s2_tt_leaf, N_TT_BLOCK | S2AP_R | MEMATTR(0x1));
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_PERMISSION, true, SMMU_CLASS_TT,
                1, desc_ipa, 0);
    w.s2.s2ptw = false;
    check_page(&w, N_VA, &RD, N_PA, IOMMU_RW);
    w.s2.s2ptw = true;
    mem_set(&w.m, s2_tt_leaf, N_TT_BLOCK | S2_LEAF);

    /* A stage-1 table beyond the 40-bit stage-1 output: stage 1's fault */
    pa = mem_get(&w.m, l1);
    mem_set(&w.m, l1, (1ULL << 40) | D_TABLE);
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_ADDR_SIZE, false, SMMU_CLASS_IN,
                1, 0, 0);
    /* with 48 bits, beyond stage 2's input: S2=1, CLASS=TT */
    w.s1.oas = 48;
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_TRANSLATION, true, SMMU_CLASS_TT,
                0, (1ULL << 40) + extract64(N_VA, 21, 9) * 8, 0);
    w.s1.oas = 40;
    mem_set(&w.m, l1, pa);

    /* External abort on the stage-1 descriptor's PA: S2=0, CLASS=TT */
    w.m.abort_lo = l2;
    w.m.abort_hi = l2 + 8;
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_WALK_EABT, false, SMMU_CLASS_TT,
                2, 0, l2);
    /* External abort in the stage-2 walk for a stage-1 descriptor */
    pa = tables_slot(&w.t2, 0x40000000, 1);
    w.m.abort_lo = pa;
    w.m.abort_hi = pa + 8;
    check_fault(&w, N_VA, &RD, SMMU_EVT_F_WALK_EABT, true, SMMU_CLASS_TT,
                1, desc_ipa, pa);
    w.m.abort_lo = w.m.abort_hi = 0;

    /* Stage-1 faults stay S2=0 CLASS=IN */
    tables_map(&w.t1, 0x7000, N_IPA, 3, S1_LEAF | AP_RO);
    check_fault(&w, 0x7000, &WR, SMMU_EVT_F_PERMISSION, false,
                SMMU_CLASS_IN, 3, 0, 0);
    tables_map(&w.t1, 0x8000, 1ULL << 40, 3, S1_LEAF);
    check_fault(&w, 0x8000, &RD, SMMU_EVT_F_ADDR_SIZE, false, SMMU_CLASS_IN,
                3, 0, 0);

    /* The final IPA: no mapping, beyond the IPA size, read-only, AF=0 */
    tables_map(&w.t1, 0x9000, 0x10000000, 3, S1_LEAF);
    check_fault(&w, 0x9abc, &RD, SMMU_EVT_F_TRANSLATION, true,
                SMMU_CLASS_IN, 1, 0x10000abc, 0);
    w.s1.oas = 48;
    tables_map(&w.t1, 0xa000, 1ULL << 41, 3, S1_LEAF);
    check_fault(&w, 0xa008, &RD, SMMU_EVT_F_TRANSLATION, true,
                SMMU_CLASS_IN, 0, (1ULL << 41) | 8, 0);
    tables_map(&w.t2, N_IPA, N_PA, 2, AF | S2AP_R | MEMATTR(0xf));
    check_fault(&w, N_VA | 4, &WR, SMMU_EVT_F_PERMISSION, true,
                SMMU_CLASS_IN, 2, N_IPA | 4, 0);
    check_page(&w, N_VA | 4, &RD, N_PA | 4, IOMMU_RO);
    tables_map(&w.t2, N_IPA, N_PA, 2, S2AP_R | MEMATTR(0xf));
    check_fault(&w, N_VA | 4, &RD, SMMU_EVT_F_ACCESS, true, SMMU_CLASS_IN,
                2, N_IPA | 4, 0);
    mem_free(&w.m);
}

/* A CD at ipa through s2: want_pa, or (type != 0) an S2=1 CLASS=CD fault */
static void check_table_addr(World *w, const SMMUStageCfg *s2,
                             uint64_t ipa, uint64_t want_pa,
                             SMMUEventType type, int level)
{
    SMMUPTWMem mem = { .read = fake_read, .opaque = &w->m };
    uint64_t pa = 0;
    SMMUFault f;

    g_assert_cmpint(smmu_ptw_s2_table_addr(s2, ipa, SMMU_CLASS_CD, &mem,
                                           &pa, &f), ==, !type);
    if (!type) {
        g_assert_cmphex(pa, ==, want_pa);
        return;
    }
    g_assert_cmphex(f.type, ==, type);
    g_assert_true(f.s2);
    g_assert_cmpint(f.class, ==, SMMU_CLASS_CD);
    g_assert_cmphex(f.ipa, ==, ipa);
    g_assert_cmpint(f.level, ==, level);
    g_assert_cmphex(f.fetch_addr, ==, 0);
}

static void test_s2_table_addr(void)
{
    World w;
    uint64_t s2_tt_leaf = nested_init(&w);

    check_table_addr(&w, &w.s2, 0x40001040, 0x40001040 + N_OFF, 0, 0);
    /* No stage 2: the address is already a PA */
    check_table_addr(&w, NULL, 0x1234, 0x1234, 0, 0);
    check_table_addr(&w, &w.s2, 0x10000040, 0, SMMU_EVT_F_TRANSLATION, 1);
    /* Device memory with S2PTW; MemAttr 0b01xx is Normal */
    mem_set(&w.m, s2_tt_leaf, N_TT_BLOCK | S2AP_R | MEMATTR(0x3));
    check_table_addr(&w, &w.s2, 0x40001040, 0, SMMU_EVT_F_PERMISSION, 1);
    mem_set(&w.m, s2_tt_leaf, N_TT_BLOCK | S2AP_R | MEMATTR(0x4));
    check_table_addr(&w, &w.s2, 0x40001040, 0x40001040 + N_OFF, 0, 0);
    /* Not readable at stage 2 */
    mem_set(&w.m, s2_tt_leaf, N_TT_BLOCK | S2AP_W | MEMATTR(0xf));
    check_table_addr(&w, &w.s2, 0x40001040, 0, SMMU_EVT_F_PERMISSION, 1);
    mem_free(&w.m);
}

/* ---- Random robustness ---- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/*
 * Garbage that walks deep: each word is a hash of its address, mostly a
 * table or an accessible leaf in the 16 MiB the TTBs point into; 1 read
 * in 32 fails.
 */
static MemTxResult rand_read(void *opaque, uint64_t pa, uint64_t *desc)
{
    uint64_t *seed_reads = opaque;
    uint64_t h = mix64(pa ^ seed_reads[0]);
    uint64_t d = mix64(h);

    seed_reads[1]++;
    if ((h & 31) == 0) {
        return MEMTX_DECODE_ERROR;
    }
    if ((h >> 5) & 7) {
        d &= ~(MAKE_64BIT_MASK(12, 36) | (h & (3ULL << 53)));
        d |= (h & MAKE_64BIT_MASK(12, 12)) | ((h >> 8) & 3 ? 3 : 1);
        if (h & (3ULL << 40)) {
            d = (d | AF | S2AP_R | S2AP_W) & ~AP_RO;
        }
    }
    *desc = d;
    return MEMTX_OK;
}

/* A 1-in-n chance of anything at all, else a plausible value. */
static unsigned rand_field(GRand *r, unsigned n, unsigned lo, unsigned hi)
{
    return g_rand_int_range(r, 0, n) ? g_rand_int_range(r, lo, hi + 1)
                                     : g_rand_int_range(r, 0, 256);
}

static void rand_cfg(GRand *r, SMMUStageCfg *c, bool s2)
{
    static const uint8_t grans[] = { 12, 14, 16 };

    *c = (SMMUStageCfg) {
        .stage = s2 ? SMMU_STAGE_2 : SMMU_STAGE_1,
        .oas = rand_field(r, 4, 24, 52), .affd = g_rand_boolean(r),
        .start_level = g_rand_int_range(r, -2, 6),
        .s2ptw = g_rand_boolean(r), .xnx = g_rand_boolean(r),
    };
    for (int i = 0; i < 2; i++) {
        c->tt[i] = (SMMUTTCfg) {
            .ttb = g_rand_int_range(r, 0, 8) ? g_rand_int(r) & 0xfffff0
                                             : mix64(g_rand_int(r)),
            .tsz = rand_field(r, 8, 16, 44),
            .granule_sz = g_rand_int_range(r, 0, 8) ?
                          grans[g_rand_int_range(r, 0, 3)] :
                          g_rand_int_range(r, 0, 256),
            .epd = !g_rand_int_range(r, 0, 8), .had = g_rand_boolean(r),
            .tbi = g_rand_boolean(r),
        };
    }
    /* Usually a stage-2 start level that fits, maybe concatenated */
    c->concat = rand_field(r, 4, 1, 16);
    if (s2 && g_rand_int_range(r, 0, 4)) {
        unsigned g = c->tt[0].granule_sz;
        int sl = smmu_ptw_s1_start_level(c->tt[0].tsz, g);

        if (sl >= 0) {
            int bits;

            c->start_level = MIN(sl + g_rand_int_range(r, 0, 2), 3);
            bits = 64 - c->tt[0].tsz - shift_of(g, c->start_level);
            c->concat = bits > (int)g - 3 ? 1u << (bits - g + 3) : 1;
        }
    }
}

static void check_random_result(bool ok, const SMMUStageCfg *s1,
                                const SMMUStageCfg *s2, uint64_t addr,
                                const SMMUAccess *acc,
                                const SMMUPTWResult *res, const SMMUFault *f)
{
    if (ok) {
        g_assert_true(res->granule_sz == 12 || res->granule_sz == 14 ||
                      res->granule_sz == 16);
        g_assert_true(res->level >= 0 && res->level <= 3);
        g_assert_cmphex(res->addr_mask & (res->addr_mask + 1), ==, 0);
        g_assert_cmphex(res->addr_mask, >=, 0xfff);
        g_assert_cmphex((res->oa ^ addr) & res->addr_mask, ==, 0);
        g_assert_true(res->perm & (acc->write ? IOMMU_WO : IOMMU_RO));
        g_assert_true(s2 || res->s2_memattr == 0xf);
        return;
    }
    g_assert_true(f->type == SMMU_EVT_F_WALK_EABT ||
                  (f->type >= SMMU_EVT_F_TRANSLATION &&
                   f->type <= SMMU_EVT_F_PERMISSION));
    g_assert_true(f->class == SMMU_CLASS_IN ||
                  (f->class == SMMU_CLASS_TT && (!f->s2 || s1)));
    g_assert_true(f->level >= 0 && f->level <= 3);
    g_assert_true(f->s2 ? s2 != NULL : f->ipa == 0);
    g_assert_true(f->type == SMMU_EVT_F_WALK_EABT || f->fetch_addr == 0);
}

static void test_random(void)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(0x5eed5);
    unsigned count[2] = { 0, 0 }, nested_ok = 0;

    for (unsigned i = 0; i < 200000; i++) {
        uint64_t seed_reads[2] = { mix64(i), 0 };
        SMMUPTWMem mem = { .read = rand_read, .opaque = seed_reads };
        SMMUAccess acc = { .write = g_rand_boolean(r),
                           .instr = g_rand_boolean(r),
                           .priv = g_rand_boolean(r) };
        unsigned which = g_rand_int_range(r, 0, 32);
        SMMUStageCfg c1, c2;
        const SMMUStageCfg *s1 = which & 1 ? &c1 : NULL;
        const SMMUStageCfg *s2 = which & 6 ? &c2 : NULL;
        uint64_t addr = (which & 24) == 24 ? mix64(g_rand_int(r))
                                           : g_rand_int(r) & 0xfffff;
        SMMUPTWResult res;
        SMMUFault f;
        bool ok;

        rand_cfg(r, &c1, false);
        rand_cfg(r, &c2, true);
        ok = smmu_ptw_translate(s1, s2, addr, &acc, &mem, &res, &f);
        check_random_result(ok, s1, s2, addr, &acc, &res, &f);
        count[ok]++;
        nested_ok += ok && s1 && s2;
        /* Four levels per stage, each stage-1 level nested: 24 reads. */
        g_assert_cmpuint(seed_reads[1], <=, 24);

        if (s2) {
            uint64_t pa;

            seed_reads[1] = 0;
            if (!smmu_ptw_s2_table_addr(s2, addr, SMMU_CLASS_CD, &mem, &pa,
                                        &f)) {
                g_assert_true(f.s2 && f.class == SMMU_CLASS_CD &&
                              f.ipa == addr);
            }
            g_assert_cmpuint(seed_reads[1], <=, 4);
        }
    }
    /* The sweep exercised both outcomes. */
    g_test_message("%u translated (%u nested), %u faulted", count[1],
                   nested_ok, count[0]);
    g_assert_cmpuint(count[1], >, 5000);
    g_assert_cmpuint(nested_ok, >, 200);
    g_assert_cmpuint(count[0], >, 5000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmu-ptw/s1/start-level", test_s1_start_level);
    g_test_add_func("/smmu-ptw/s1/granules", test_s1_granules);
    g_test_add_func("/smmu-ptw/s1/global-ttb", test_s1_global_ttb);
    g_test_add_func("/smmu-ptw/invalid-each-level", test_invalid_each_level);
    g_test_add_func("/smmu-ptw/block-not-allowed", test_block_not_allowed);
    g_test_add_func("/smmu-ptw/s2/concat", test_s2_concat);
    g_test_add_func("/smmu-ptw/s2/blocks", test_s2_blocks);
    g_test_add_func("/smmu-ptw/access-flag", test_access_flag);
    g_test_add_func("/smmu-ptw/s1/ap", test_s1_ap);
    g_test_add_func("/smmu-ptw/s1/aptable", test_s1_aptable);
    g_test_add_func("/smmu-ptw/s1/xn", test_s1_xn);
    g_test_add_func("/smmu-ptw/s2/perms", test_s2_perms);
    g_test_add_func("/smmu-ptw/addr-size", test_addr_size);
    g_test_add_func("/smmu-ptw/input-range", test_input_range);
    g_test_add_func("/smmu-ptw/walk-eabt", test_walk_eabt);
    g_test_add_func("/smmu-ptw/nested/ok", test_nested_ok);
    g_test_add_func("/smmu-ptw/nested/faults", test_nested_faults);
    g_test_add_func("/smmu-ptw/nested/s2-table-addr", test_s2_table_addr);
    g_test_add_func("/smmu-ptw/random", test_random);
    return g_test_run();
}
