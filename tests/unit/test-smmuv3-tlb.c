/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3 IOTLB (hw/arm/smmuv3-tlb.c) on a hand-built
 * SMMUv3State: lookups of pages and blocks of every granule, ASID, VMID
 * and global tagging, stage-2-only entries kept apart from stage-1
 * ones, the hit/miss counters, the size bound, and for each TLBI scope
 * of spec 4.4 (facts 4.4) exactly which entries go: NH_ALL, NH_ASID,
 * NH_VA, NH_VAA, S12_VMALL, S2_IPA, NSNH_ALL, with the range boundaries
 * and the TTL filter.
 *
 * The standard population (see add_population()):
 *
 *   name  regime   asid  vmid  input            size  level
 *   A1    S1          1     0  0x1000           4K    3
 *   A2    S1          2     0  0x1000           4K    3
 *   G     S1 global  -1     0  0x2000           4K    3
 *   V1    S1          1     1  0x1000           4K    3
 *   B     S1          1     0  0x40000000       2M    2
 *   N     nested      1     0  0x200000         2M    2
 *   P     S2 only    -1     0  IPA 0x1000       4K    3
 *   Q     S2 only    -1     1  IPA 0x5000       64K   3
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"

enum { A1, A2, G, V1, B, N, P, Q, NR_ENTRIES };

static const char *const names[NR_ENTRIES] = {
    "A1", "A2", "G", "V1", "B", "N", "P", "Q",
};

static const SMMUTLBEntry population[NR_ENTRIES] = {
    [A1] = { .iova = 0x1000, .oa = 0x80001000, .addr_mask = 0xfff,
             .perm = IOMMU_RW, .asid = 1, .vmid = 0, .granule_sz = 12,
             .level = 3, .stages = 1 },
    [A2] = { .iova = 0x1000, .oa = 0x80002000, .addr_mask = 0xfff,
             .perm = IOMMU_RO, .asid = 2, .vmid = 0, .granule_sz = 12,
             .level = 3, .stages = 1 },
    [G] = { .iova = 0x2000, .oa = 0x80003000, .addr_mask = 0xfff,
            .perm = IOMMU_RW, .asid = -1, .vmid = 0, .granule_sz = 12,
            .level = 3, .stages = 1 },
    [V1] = { .iova = 0x1000, .oa = 0x80004000, .addr_mask = 0xfff,
             .perm = IOMMU_RW, .asid = 1, .vmid = 1, .granule_sz = 12,
             .level = 3, .stages = 1 },
    [B] = { .iova = 0x40000000, .oa = 0x80200000, .addr_mask = 0x1fffff,
            .perm = IOMMU_RW, .asid = 1, .vmid = 0, .granule_sz = 12,
            .level = 2, .stages = 1 },
    [N] = { .iova = 0x200000, .oa = 0x80400000, .addr_mask = 0x1fffff,
            .perm = IOMMU_RW, .asid = 1, .vmid = 0, .granule_sz = 12,
            .level = 2, .stages = 3 },
    [P] = { .iova = 0x1000, .oa = 0x80005000, .addr_mask = 0xfff,
            .perm = IOMMU_RW, .asid = -1, .vmid = 0, .granule_sz = 12,
            .level = 3, .stages = 2, .ipa = 0x1000 },
    [Q] = { .iova = 0x0, .oa = 0x80010000, .addr_mask = 0xffff,
            .perm = IOMMU_RW, .asid = -1, .vmid = 1, .granule_sz = 16,
            .level = 3, .stages = 2, .ipa = 0x0 },
};

static SMMUv3State *tlb_new(void)
{
    SMMUv3State *s = g_new0(SMMUv3State, 1);

    smmu_iotlb_init(s);
    return s;
}

static void tlb_free(SMMUv3State *s)
{
    smmu_iotlb_destroy(s);
    g_assert_null(s->iotlb);
    smmu_iotlb_destroy(s);          /* idempotent */
    g_free(s);
}

static void add_population(SMMUv3State *s)
{
    unsigned i;

    for (i = 0; i < NR_ENTRIES; i++) {
        smmu_iotlb_insert(s, &population[i]);
    }
    g_assert_cmpuint(smmu_iotlb_count(s), ==, NR_ENTRIES);
}

/* Is entry i still there (found by its own tags, and it is itself)? */
static bool present(SMMUv3State *s, unsigned i)
{
    const SMMUTLBEntry *want = &population[i];
    int asid = want->stages == 2 ? -1 : want->asid < 0 ? 7 : want->asid;
    const SMMUTLBEntry *e = smmu_iotlb_lookup(s, asid, want->vmid,
                                              want->iova + 0x10);

    return e && e->oa == want->oa && e->asid == want->asid &&
           e->vmid == want->vmid && e->stages == want->stages;
}

/* The set of entries left, as a string of names ("A1 A2 G ..."). */
static char *survivors(SMMUv3State *s)
{
    GString *str = g_string_new(NULL);
    unsigned i, n = 0;

    for (i = 0; i < NR_ENTRIES; i++) {
        if (present(s, i)) {
            g_string_append_printf(str, "%s%s", n++ ? " " : "", names[i]);
        }
    }
    /* Nothing else is left either. */
    g_assert_cmpuint(smmu_iotlb_count(s), ==, n);
    return g_string_free(str, false);
}

/* ---- lookups ---- */

static void test_lookup_tags(void)
{
    SMMUv3State *s = tlb_new();
    const SMMUTLBEntry *e;

    g_assert_null(smmu_iotlb_lookup(s, 1, 0, 0x1000));
    g_assert_cmpuint(s->iotlb_misses, ==, 1);
    add_population(s);

    /* Anywhere in A1's page, with its ASID and VMID. */
    e = smmu_iotlb_lookup(s, 1, 0, 0x1abc);
    g_assert_nonnull(e);
    g_assert_cmphex(e->oa, ==, 0x80001000);
    g_assert_cmphex(e->iova, ==, 0x1000);
    g_assert_cmpint(e->perm, ==, IOMMU_RW);
    /* Another ASID, another VMID: their own entries. */
    g_assert_cmphex(smmu_iotlb_lookup(s, 2, 0, 0x1000)->oa, ==, 0x80002000);
    g_assert_cmphex(smmu_iotlb_lookup(s, 1, 1, 0x1fff)->oa, ==, 0x80004000);
    g_assert_null(smmu_iotlb_lookup(s, 3, 0, 0x1000));
    g_assert_null(smmu_iotlb_lookup(s, 1, 2, 0x1000));
    /* The global entry answers any ASID of its VMID only. */
    g_assert_cmphex(smmu_iotlb_lookup(s, 1, 0, 0x2000)->oa, ==, 0x80003000);
    g_assert_cmphex(smmu_iotlb_lookup(s, 9, 0, 0x2fff)->oa, ==, 0x80003000);
    g_assert_null(smmu_iotlb_lookup(s, 9, 1, 0x2000));
    /* Stage-2-only entries answer asid -1 only, and only they do. */
    g_assert_cmphex(smmu_iotlb_lookup(s, -1, 0, 0x1000)->oa, ==, 0x80005000);
    g_assert_null(smmu_iotlb_lookup(s, -1, 0, 0x2000));  /* not G */
    g_assert_null(smmu_iotlb_lookup(s, -1, 0, 0x40000000));
    /* Blocks: 2M stage 1, 2M nested, 64K stage 2. */
    g_assert_cmphex(smmu_iotlb_lookup(s, 1, 0, 0x401fffff)->oa, ==,
                    0x80200000);
    g_assert_null(smmu_iotlb_lookup(s, 1, 0, 0x40200000));
    g_assert_cmphex(smmu_iotlb_lookup(s, 1, 0, 0x2fffff)->oa, ==,
                    0x80400000);
    g_assert_cmphex(smmu_iotlb_lookup(s, -1, 1, 0xfff0)->oa, ==, 0x80010000);
    g_assert_null(smmu_iotlb_lookup(s, -1, 1, 0x10000));
    g_assert_cmpuint(s->iotlb_hits, ==, 9);
    g_assert_cmpuint(s->iotlb_misses, ==, 1 + 7);
    tlb_free(s);
}

static void test_insert_aligns_and_replaces(void)
{
    SMMUv3State *s = tlb_new();
    SMMUTLBEntry e = population[B];
    const SMMUTLBEntry *got;

    e.iova = 0x40123456;
    e.oa = 0x80323456;
    smmu_iotlb_insert(s, &e);
    got = smmu_iotlb_lookup(s, 1, 0, 0x40000000);
    g_assert_nonnull(got);
    g_assert_cmphex(got->iova, ==, 0x40000000);
    g_assert_cmphex(got->oa, ==, 0x80200000);

    /* Same tags, address and size: replaced, not added. */
    e.oa = 0x90000000;
    e.perm = IOMMU_RO;
    smmu_iotlb_insert(s, &e);
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 1);
    got = smmu_iotlb_lookup(s, 1, 0, 0x40000000);
    g_assert_cmphex(got->oa, ==, 0x90000000);
    g_assert_cmpint(got->perm, ==, IOMMU_RO);

    /* A 4K entry inside the block is another entry; the smaller wins. */
    e = population[A1];
    e.iova = 0x40001000;
    smmu_iotlb_insert(s, &e);
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 2);
    g_assert_cmphex(smmu_iotlb_lookup(s, 1, 0, 0x40001000)->oa, ==,
                    0x80001000);
    g_assert_cmphex(smmu_iotlb_lookup(s, 1, 0, 0x40002000)->oa, ==,
                    0x90000000);
    tlb_free(s);
}

/* Every granule's pages and blocks can be stored and found. */
static void test_all_sizes(void)
{
    static const struct {
        uint8_t granule, level;
        unsigned log2size;
    } sizes[] = {
        { 12, 3, 12 }, { 12, 2, 21 }, { 12, 1, 30 },
        { 14, 3, 14 }, { 14, 2, 25 },
        { 16, 3, 16 }, { 16, 2, 29 },
    };
    SMMUv3State *s = tlb_new();
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        uint64_t size = 1ULL << sizes[i].log2size;
        SMMUTLBEntry e = {
            .iova = (i + 1) * (1ULL << 32) + size,
            .oa = size * 3,
            .addr_mask = size - 1,
            .perm = IOMMU_RW,
            .asid = 5,
            .vmid = -1,
            .granule_sz = sizes[i].granule,
            .level = sizes[i].level,
            .stages = 1,
        };
        const SMMUTLBEntry *got;

        smmu_iotlb_insert(s, &e);
        got = smmu_iotlb_lookup(s, 5, -1, e.iova + size - 1);
        g_assert_nonnull(got);
        g_assert_cmphex(got->oa, ==, size * 3);
        g_assert_cmphex(got->addr_mask, ==, size - 1);
        g_assert_null(smmu_iotlb_lookup(s, 5, -1, e.iova + size));
        g_assert_null(smmu_iotlb_lookup(s, 5, -1, e.iova - 1));
    }
    g_assert_cmpuint(smmu_iotlb_count(s), ==, ARRAY_SIZE(sizes));
    tlb_free(s);
}

/* A full table is dropped as a whole, then the new entry goes in. */
static void test_bounded(void)
{
    SMMUv3State *s = tlb_new();
    SMMUTLBEntry e = population[A1];
    unsigned i;

    for (i = 0; i < 4096; i++) {
        e.iova = (uint64_t)i << 12;
        smmu_iotlb_insert(s, &e);
    }
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 4096);
    e.iova = 0x10000000;
    smmu_iotlb_insert(s, &e);
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 1);
    g_assert_nonnull(smmu_iotlb_lookup(s, 1, 0, 0x10000000));
    g_assert_null(smmu_iotlb_lookup(s, 1, 0, 0));
    tlb_free(s);
}

/* ---- invalidation scopes ---- */

typedef void (*InvFn)(SMMUv3State *s);

static void check_inv(InvFn fn, const char *expect_left)
{
    SMMUv3State *s = tlb_new();
    g_autofree char *left = NULL;

    add_population(s);
    fn(s);
    left = survivors(s);
    g_assert_cmpstr(left, ==, expect_left);
    tlb_free(s);
}

static void inv_all(SMMUv3State *s)
{
    smmu_iotlb_inv_all(s);
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 0);
}

static void inv_s12_vmall_0(SMMUv3State *s)
{
    smmu_iotlb_inv_vmid(s, 0);
}

static void inv_s12_vmall_any(SMMUv3State *s)
{
    smmu_iotlb_inv_vmid(s, -1);
}

static void inv_nh_all_0(SMMUv3State *s)
{
    smmu_iotlb_inv_vmid_s1(s, 0);
}

static void inv_nh_all_any(SMMUv3State *s)
{
    smmu_iotlb_inv_vmid_s1(s, -1);
}

static void inv_nh_asid_1(SMMUv3State *s)
{
    smmu_iotlb_inv_asid(s, 0, 1);
}

static void inv_nh_asid_1_any_vmid(SMMUv3State *s)
{
    smmu_iotlb_inv_asid(s, -1, 1);
}

static void inv_nh_asid_any(SMMUv3State *s)
{
    smmu_iotlb_inv_asid(s, 0, -1);
}

static void inv_nh_va_page(SMMUv3State *s)
{
    smmu_iotlb_inv_va(s, 0, 1, 0x1000, 0x1000, 0);
}

static void inv_nh_va_two_pages(SMMUv3State *s)
{
    smmu_iotlb_inv_va(s, 0, 2, 0x1000, 0x2000, 0);
}

static void inv_nh_vaa_page(SMMUv3State *s)
{
    smmu_iotlb_inv_va(s, 0, -1, 0x1000, 0x1000, 0);
}

static void inv_nh_vaa_any_vmid(SMMUv3State *s)
{
    smmu_iotlb_inv_va(s, -1, -1, 0x1000, 0x1000, 0);
}

static void inv_s2_ipa(SMMUv3State *s)
{
    smmu_iotlb_inv_ipa(s, 0, 0x1000, 0x1000, 0);
}

static void inv_s2_ipa_vmid1(SMMUv3State *s)
{
    smmu_iotlb_inv_ipa(s, 1, 0x8000, 0x1000, 0);
}

static void test_inv_scopes(void)
{
    check_inv(inv_all, "");
    /* S12_VMALL: every stage of the VMID. */
    check_inv(inv_s12_vmall_0, "V1 Q");
    check_inv(inv_s12_vmall_any, "");
    /* NH_ALL: stage-1 and nested entries of the VMID, globals too. */
    check_inv(inv_nh_all_0, "V1 P Q");
    check_inv(inv_nh_all_any, "P Q");
    /* NH_ASID: non-global entries of ASID and VMID. */
    check_inv(inv_nh_asid_1, "A2 G V1 P Q");
    check_inv(inv_nh_asid_1_any_vmid, "A2 G P Q");
    check_inv(inv_nh_asid_any, "G V1 P Q");
    /* NH_VA: that ASID's entries at the VA, and global ones there. */
    check_inv(inv_nh_va_page, "A2 G V1 B N P Q");
    check_inv(inv_nh_va_two_pages, "A1 V1 B N P Q");
    /* NH_VAA: every ASID at the VA. */
    check_inv(inv_nh_vaa_page, "G V1 B N P Q");
    check_inv(inv_nh_vaa_any_vmid, "G B N P Q");
    /* S2_IPA: stage-2-only entries of the VMID at the IPA. */
    check_inv(inv_s2_ipa, "A1 A2 G V1 B N Q");
    check_inv(inv_s2_ipa_vmid1, "A1 A2 G V1 B N P");
}

/* ---- ranges and TTL ---- */

/* Does NH_VA (asid 1, vmid 0) over [addr, addr + size) drop entry i? */
static bool va_drops(unsigned i, uint64_t addr, uint64_t size, uint8_t ttl)
{
    SMMUv3State *s = tlb_new();
    bool gone;

    add_population(s);
    smmu_iotlb_inv_va(s, 0, 1, addr, size, ttl);
    gone = !present(s, i);
    tlb_free(s);
    return gone;
}

static bool ipa_drops(unsigned i, uint64_t addr, uint64_t size, uint8_t ttl)
{
    SMMUv3State *s = tlb_new();
    bool gone;

    add_population(s);
    smmu_iotlb_inv_ipa(s, population[i].vmid, addr, size, ttl);
    gone = !present(s, i);
    tlb_free(s);
    return gone;
}

static void test_inv_range_boundaries(void)
{
    /* A1 is [0x1000, 0x1fff]. */
    g_assert_false(va_drops(A1, 0x0, 0x1000, 0));      /* ends at 0xfff */
    g_assert_true(va_drops(A1, 0x0, 0x1001, 0));
    g_assert_true(va_drops(A1, 0x1fff, 1, 0));
    g_assert_false(va_drops(A1, 0x2000, 0x1000, 0));
    g_assert_true(va_drops(A1, 0x1800, 0, 0));         /* one address */
    g_assert_false(va_drops(A1, 0x2000, 0, 0));
    /* A range inside the 2M block B drops the whole block. */
    g_assert_true(va_drops(B, 0x40100000, 0x1000, 0));
    g_assert_false(va_drops(B, 0x40200000, 0x1000, 0));
    g_assert_true(va_drops(B, 0x3ffff000, 0x2000, 0));
    /* A range that would wrap ends at the top of the address space. */
    g_assert_false(va_drops(A1, 0xfffffffffffff000ULL, 0x3000, 0));
    /* IPA ranges: Q is [0, 0xffff]. */
    g_assert_true(ipa_drops(Q, 0xf000, 0x1000, 0));
    g_assert_false(ipa_drops(Q, 0x10000, 0x1000, 0));
    g_assert_true(ipa_drops(P, 0x0, 0x2000, 0));
    g_assert_false(ipa_drops(P, 0x2000, 0x2000, 0));
}

static void test_inv_top_of_range(void)
{
    SMMUv3State *s = tlb_new();
    SMMUTLBEntry e = population[A1];

    e.iova = 0xfffffffffffff000ULL;
    smmu_iotlb_insert(s, &e);
    smmu_iotlb_inv_va(s, 0, 1, 0xffffffffffffe000ULL, 0x10000, 0);
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 0);
    tlb_free(s);
}

static void test_inv_ttl(void)
{
    /* TTL 0: any level; otherwise only leaves at that level. */
    g_assert_true(va_drops(A1, 0x1000, 0x1000, 3));
    g_assert_false(va_drops(A1, 0x1000, 0x1000, 2));
    g_assert_true(va_drops(B, 0x40000000, 0x200000, 2));
    g_assert_false(va_drops(B, 0x40000000, 0x200000, 3));
    g_assert_false(va_drops(B, 0x40000000, 0x200000, 1));
    /* A nested entry's level is stage 2's: dropped whatever TTL says. */
    g_assert_true(va_drops(N, 0x200000, 0x1000, 3));
    g_assert_true(va_drops(N, 0x200000, 0x1000, 1));
    /* S2_IPA honours TTL for stage-2-only entries. */
    g_assert_true(ipa_drops(P, 0x1000, 0x1000, 3));
    g_assert_false(ipa_drops(P, 0x1000, 0x1000, 2));
}

/* Invalidations neither count as lookups nor need a table. */
static void test_counters_and_empty(void)
{
    SMMUv3State *s = g_new0(SMMUv3State, 1);

    g_assert_cmpuint(smmu_iotlb_count(s), ==, 0);
    smmu_iotlb_inv_all(s);
    smmu_iotlb_inv_va(s, 0, 1, 0, 0x1000, 0);
    g_assert_null(smmu_iotlb_lookup(s, 1, 0, 0));
    g_assert_cmpuint(s->iotlb_misses, ==, 1);
    smmu_iotlb_insert(s, &population[A1]);     /* creates the table */
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 1);
    smmu_iotlb_inv_asid(s, 0, 1);
    g_assert_cmpuint(smmu_iotlb_count(s), ==, 0);
    g_assert_cmpuint(s->iotlb_hits, ==, 0);
    g_assert_cmpuint(s->iotlb_misses, ==, 1);
    tlb_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smmuv3-tlb/lookup-tags", test_lookup_tags);
    g_test_add_func("/smmuv3-tlb/insert-aligns-and-replaces",
                    test_insert_aligns_and_replaces);
    g_test_add_func("/smmuv3-tlb/all-sizes", test_all_sizes);
    g_test_add_func("/smmuv3-tlb/bounded", test_bounded);
    g_test_add_func("/smmuv3-tlb/inv-scopes", test_inv_scopes);
    g_test_add_func("/smmuv3-tlb/inv-range-boundaries",
                    test_inv_range_boundaries);
    g_test_add_func("/smmuv3-tlb/inv-top-of-range", test_inv_top_of_range);
    g_test_add_func("/smmuv3-tlb/inv-ttl", test_inv_ttl);
    g_test_add_func("/smmuv3-tlb/counters-and-empty",
                    test_counters_and_empty);
    return g_test_run();
}
