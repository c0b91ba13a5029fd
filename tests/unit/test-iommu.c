/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of IOMMU regions, DMA through them, and IOMMU notifiers.
 *
 * A toy IOMMU translates a DMA address space ("dma", rooted at the IOMMU
 * region) into guest-physical memory (address_space_memory, with 64 KiB
 * of RAM at 0x80000000 in get_system_memory()):
 *
 *   IOVA page        guest-physical        permission
 *   0x1000 (A)   ->  0x80003000 (X)        read/write
 *   0x2000 (F)   ->  fault (recorded: address, access, requester ID)
 *   0x3000 (R)   ->  0x80005000 (Y)        read-only
 *   0x4000 (B)   ->  0x80009000 (Z)        read/write (not after X)
 *   anything else -> fault
 *
 * The tests check that DMA lands where the translation says (seen through
 * the RAM's host pointer and through address_space_memory), that faults
 * and missing permissions come back as MEMTX_IOMMU_FAULT /
 * MEMTX_ACCESS_DENIED with nothing written, that transfers are translated
 * page by page, and that notifiers get exactly the events for their flags
 * and ranges.
 */
#include "qemu/osdep.h"
#include "system/dma.h"
#include "system/memory.h"

#define RAM_BASE 0x80000000ULL
#define PAGE 0x1000ULL
#define IOVA_A 0x1000ULL
#define IOVA_F 0x2000ULL
#define IOVA_R 0x3000ULL
#define IOVA_B 0x4000ULL
#define GPA_X (RAM_BASE + 0x3000)
#define GPA_Y (RAM_BASE + 0x5000)
#define GPA_Z (RAM_BASE + 0x9000)
#define RID 0x0108              /* bus 1, device 1, function 0 */

typedef struct ToyFault {
    hwaddr addr;
    IOMMUAccessFlags flag;
    bool has_rid;
    uint16_t rid;
} ToyFault;

typedef struct ToyIOMMU {
    IOMMUMemoryRegion iommu;
    AddressSpace *target;
    GArray *faults;             /* ToyFault */
    GString *flag_log;          /* notify_flag_changed calls */
    bool refuse;                /* notify_flag_changed says no */
} ToyIOMMU;

typedef struct Env {
    MemoryRegion ram;           /* in system memory */
    AddressSpace *mem;          /* &address_space_memory */
    ToyIOMMU toy;
    AddressSpace dma;           /* rooted at the IOMMU region */
    uint8_t *host;
} Env;

static MemTxAttrs rid_attrs(uint16_t rid)
{
    return (MemTxAttrs) { .has_requester_id = true, .requester_id = rid };
}

static MemTxResult toy_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                 IOMMUAccessFlags flag, MemTxAttrs attrs,
                                 IOMMUTLBEntry *entry)
{
    ToyIOMMU *toy = container_of(iommu, ToyIOMMU, iommu);
    hwaddr page = addr & ~(PAGE - 1);
    ToyFault fault;

    *entry = (IOMMUTLBEntry) {
        .target_as = toy->target,
        .iova = page,
        .addr_mask = PAGE - 1,
    };
    switch (page) {
    case IOVA_A:
        entry->translated_addr = GPA_X;
        entry->perm = IOMMU_RW;
        return MEMTX_OK;
    case IOVA_R:
        entry->translated_addr = GPA_Y;
        entry->perm = IOMMU_RO;
        return MEMTX_OK;
    case IOVA_B:
        entry->translated_addr = GPA_Z;
        entry->perm = IOMMU_RW;
        return MEMTX_OK;
    }
    fault = (ToyFault) {
        .addr = addr,
        .flag = flag,
        .has_rid = attrs.has_requester_id,
        .rid = attrs.requester_id,
    };
    g_array_append_val(toy->faults, fault);
    return MEMTX_IOMMU_FAULT;
}

static bool toy_flag_changed(IOMMUMemoryRegion *iommu,
                             IOMMUNotifierFlag old_flags,
                             IOMMUNotifierFlag new_flags, Error **errp)
{
    ToyIOMMU *toy = container_of(iommu, ToyIOMMU, iommu);

    if (toy->refuse) {
        error_setg(errp, "toy-iommu: notifiers not supported");
        return false;
    }
    g_string_append_printf(toy->flag_log, "%d->%d ", old_flags, new_flags);
    return true;
}

/* Replay: the three mappings, as MAP events. */
static void toy_replay(IOMMUMemoryRegion *iommu, IOMMUNotifier *n)
{
    static const hwaddr iovas[] = { IOVA_A, IOVA_R, IOVA_B };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(iovas); i++) {
        IOMMUTLBEvent ev = { .type = IOMMU_NOTIFIER_MAP };

        toy_translate(iommu, iovas[i], IOMMU_NONE, MEMTXATTRS_UNSPECIFIED,
                      &ev.entry);
        memory_region_notify_iommu_one(n, &ev);
    }
}

static const IOMMUMemoryRegionOps toy_ops = {
    .translate = toy_translate,
    .notify_flag_changed = toy_flag_changed,
    .replay = toy_replay,
};

static void env_init(Env *e)
{
    memory_region_init_ram(&e->ram, NULL, "ram", 64 * KiB, &error_abort);
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &e->ram);
    e->mem = &address_space_memory;
    e->host = memory_region_get_ram_ptr(&e->ram);
    memset(e->host, 0xcc, 64 * KiB);

    memset(&e->toy, 0, sizeof(e->toy));
    e->toy.target = e->mem;
    e->toy.faults = g_array_new(false, true, sizeof(ToyFault));
    e->toy.flag_log = g_string_new(NULL);
    memory_region_init_iommu(&e->toy.iommu, NULL, &toy_ops, NULL,
                             "toy-iommu", UINT64_MAX);
    address_space_init(&e->dma, &e->toy.iommu.parent_obj, "dma");
}

static void env_fini(Env *e)
{
    address_space_destroy(&e->dma);
    memory_region_destroy(&e->toy.iommu.parent_obj);
    g_array_free(e->toy.faults, true);
    g_string_free(e->toy.flag_log, true);
    memory_region_destroy(&e->ram);
    memory_system_teardown();
}

static ToyFault *last_fault(Env *e)
{
    g_assert_cmpuint(e->toy.faults->len, >, 0);
    return &g_array_index(e->toy.faults, ToyFault, e->toy.faults->len - 1);
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
    size_t i;

    for (i = 0; i < len; i++) {
        buf[i] = seed + i;
    }
}

/* ---- DMA ---- */

static void test_dma_remapped(void)
{
    Env e;
    uint8_t data[64], back[64];

    env_init(&e);
    fill(data, sizeof(data), 0x10);
    g_assert_cmpint(dma_memory_write(&e.dma, IOVA_A + 0x40, data,
                                     sizeof(data), rid_attrs(RID)), ==,
                    MEMTX_OK);
    /* It landed at X + 0x40: in the RAM itself... */
    g_assert_cmpmem(e.host + (GPA_X - RAM_BASE) + 0x40, sizeof(data),
                    data, sizeof(data));
    /* ...as the CPU sees it, and nowhere else (e.g. not at IOVA 0x1040
     * of guest memory, nor at the start of the RAM). */
    g_assert_cmpint(address_space_read(e.mem, GPA_X + 0x40,
                                       MEMTXATTRS_UNSPECIFIED, back,
                                       sizeof(back)), ==, MEMTX_OK);
    g_assert_cmpmem(back, sizeof(back), data, sizeof(data));
    g_assert_cmphex(e.host[(GPA_X - RAM_BASE) + 0x3f], ==, 0xcc);
    g_assert_cmphex(e.host[(GPA_X - RAM_BASE) + 0x80], ==, 0xcc);
    g_assert_cmphex(e.host[0x1040], ==, 0xcc);

    /* And DMA reads it back through the same translation. */
    memset(back, 0, sizeof(back));
    g_assert_cmpint(dma_memory_read(&e.dma, IOVA_A + 0x40, back,
                                    sizeof(back), rid_attrs(RID)), ==,
                    MEMTX_OK);
    g_assert_cmpmem(back, sizeof(back), data, sizeof(data));
    g_assert_cmpuint(e.toy.faults->len, ==, 0);
    env_fini(&e);
}

static void test_dma_fault(void)
{
    Env e;
    uint8_t data[16], back[16];
    ToyFault *f;
    unsigned i;

    env_init(&e);
    fill(data, sizeof(data), 0x40);
    g_assert_cmpint(dma_memory_write(&e.dma, IOVA_F + 0x24, data,
                                     sizeof(data), rid_attrs(RID)), ==,
                    MEMTX_IOMMU_FAULT);
    g_assert_cmpuint(e.toy.faults->len, ==, 1);
    f = last_fault(&e);
    g_assert_cmphex(f->addr, ==, IOVA_F + 0x24);
    g_assert_cmpint(f->flag, ==, IOMMU_WO);
    g_assert_true(f->has_rid);
    g_assert_cmphex(f->rid, ==, RID);
    /* Nothing in RAM changed. */
    for (i = 0; i < 64 * KiB; i++) {
        g_assert_cmphex(e.host[i], ==, 0xcc);
    }

    /* A faulting read returns zeros, and records a read fault. */
    memset(back, 0xff, sizeof(back));
    g_assert_cmpint(dma_memory_read(&e.dma, IOVA_F, back, sizeof(back),
                                    rid_attrs(0x0210)), ==,
                    MEMTX_IOMMU_FAULT);
    for (i = 0; i < sizeof(back); i++) {
        g_assert_cmphex(back[i], ==, 0);
    }
    f = last_fault(&e);
    g_assert_cmpint(f->flag, ==, IOMMU_RO);
    g_assert_cmphex(f->rid, ==, 0x0210);

    /* Without a requester ID the toy sees none. */
    g_assert_cmpint(dma_memory_set(&e.dma, 0x100000, 0, 4,
                                   MEMTXATTRS_UNSPECIFIED), ==,
                    MEMTX_IOMMU_FAULT);
    f = last_fault(&e);
    g_assert_false(f->has_rid);
    g_assert_cmphex(f->addr, ==, 0x100000);
    env_fini(&e);
}

static void test_dma_readonly_page(void)
{
    Env e;
    uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];
    uint32_t v32;
    unsigned i;

    env_init(&e);
    g_assert_cmpint(dma_memory_write(&e.dma, IOVA_R + 8, data, sizeof(data),
                                     rid_attrs(RID)), ==,
                    MEMTX_ACCESS_DENIED);
    g_assert_cmpint(stl_le_dma(&e.dma, IOVA_R, 0x12345678, rid_attrs(RID)),
                    ==, MEMTX_ACCESS_DENIED);
    for (i = 0; i < PAGE; i++) {
        g_assert_cmphex(e.host[(GPA_Y - RAM_BASE) + i], ==, 0xcc);
    }
    /* Not a fault: the toy recorded nothing. */
    g_assert_cmpuint(e.toy.faults->len, ==, 0);
    /* Reading is allowed. */
    g_assert_cmpint(dma_memory_read(&e.dma, IOVA_R + 8, back, sizeof(back),
                                    rid_attrs(RID)), ==, MEMTX_OK);
    g_assert_cmphex(back[0], ==, 0xcc);
    e.host[GPA_Y - RAM_BASE] = 0x5a;
    g_assert_cmpint(ldl_le_dma(&e.dma, IOVA_R, &v32, rid_attrs(RID)), ==,
                    MEMTX_OK);
    g_assert_cmphex(v32, ==, 0xcccccc5a);
    env_fini(&e);
}

static void test_dma_cross_into_fault(void)
{
    Env e;
    uint8_t data[32];
    ToyFault *f;

    env_init(&e);
    fill(data, sizeof(data), 0x80);
    /* 16 bytes at the end of page A, 16 in page F. */
    g_assert_cmpint(dma_memory_write(&e.dma, IOVA_A + PAGE - 16, data,
                                     sizeof(data), rid_attrs(RID)), ==,
                    MEMTX_IOMMU_FAULT);
    g_assert_cmpmem(e.host + (GPA_X - RAM_BASE) + PAGE - 16, 16, data, 16);
    /* What follows X in RAM is untouched. */
    g_assert_cmphex(e.host[(GPA_X - RAM_BASE) + PAGE], ==, 0xcc);
    g_assert_cmpuint(e.toy.faults->len, ==, 1);
    f = last_fault(&e);
    g_assert_cmphex(f->addr, ==, IOVA_F);
    g_assert_cmphex(f->rid, ==, RID);
    env_fini(&e);
}

static void test_dma_page_by_page(void)
{
    Env e;
    uint8_t data[32], back[32];
    uint64_t v;

    env_init(&e);
    /*
     * IOVA page R is followed by page B, but their translations Y and Z
     * are not adjacent: a transfer across is translated page by page.
     */
    fill(data, sizeof(data), 0x20);
    memcpy(e.host + (GPA_Y - RAM_BASE) + PAGE - 16, data, 16);
    memcpy(e.host + (GPA_Z - RAM_BASE), data + 16, 16);
    g_assert_cmpint(dma_memory_read(&e.dma, IOVA_R + PAGE - 16, back,
                                    sizeof(back), rid_attrs(RID)), ==,
                    MEMTX_OK);
    g_assert_cmpmem(back, sizeof(back), data, sizeof(data));

    /* An 8-byte load straddling R and B. */
    g_assert_cmpint(ldq_le_dma(&e.dma, IOVA_R + PAGE - 4, &v,
                               rid_attrs(RID)), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x333231302f2e2d2cULL);
    /* A store into B. */
    g_assert_cmpint(stq_le_dma(&e.dma, IOVA_B + 8, 0x1122334455667788ULL,
                               rid_attrs(RID)), ==, MEMTX_OK);
    g_assert_cmphex(e.host[(GPA_Z - RAM_BASE) + 8], ==, 0x88);
    g_assert_cmpuint(e.toy.faults->len, ==, 0);
    env_fini(&e);
}

static void test_translate(void)
{
    Env e;
    AddressSpace *as = NULL;
    hwaddr out = 0, len;

    env_init(&e);
    len = 0x10000;
    g_assert_cmpint(address_space_translate(&e.dma, IOVA_A + 0x123,
                                            IOMMU_WO, rid_attrs(RID), &as,
                                            &out, &len), ==, MEMTX_OK);
    g_assert_true(as == e.mem);
    g_assert_cmphex(out, ==, GPA_X + 0x123);
    g_assert_cmphex(len, ==, PAGE - 0x123);     /* to the page's end */

    len = 4;
    g_assert_cmpint(address_space_translate(&e.dma, IOVA_R, IOMMU_WO,
                                            rid_attrs(RID), &as, &out, &len),
                    ==, MEMTX_ACCESS_DENIED);
    len = 4;
    g_assert_cmpint(address_space_translate(&e.dma, IOVA_R, IOMMU_RO,
                                            rid_attrs(RID), &as, &out, &len),
                    ==, MEMTX_OK);
    g_assert_cmphex(out, ==, GPA_Y);
    g_assert_cmphex(len, ==, 4);
    len = 4;
    g_assert_cmpint(address_space_translate(&e.dma, IOVA_F, IOMMU_RO,
                                            rid_attrs(RID), &as, &out, &len),
                    ==, MEMTX_IOMMU_FAULT);
    /* Without an IOMMU on the way: the address itself. */
    len = 8;
    g_assert_cmpint(address_space_translate(e.mem, RAM_BASE + 8, IOMMU_RW,
                                            MEMTXATTRS_UNSPECIFIED, &as,
                                            &out, &len), ==, MEMTX_OK);
    g_assert_true(as == e.mem);
    g_assert_cmphex(out, ==, RAM_BASE + 8);
    len = 8;
    g_assert_cmpint(address_space_translate(e.mem, 0, IOMMU_RO,
                                            MEMTXATTRS_UNSPECIFIED, &as,
                                            &out, &len), ==,
                    MEMTX_DECODE_ERROR);
    env_fini(&e);
}

/* The IOMMU region mapped at an offset: translate sees region offsets. */
static void test_iommu_at_offset(void)
{
    Env e;
    MemoryRegion bus;
    AddressSpace bus_as;
    uint8_t b = 0x77;

    env_init(&e);
    memory_region_init(&bus, NULL, "bus", UINT64_MAX);
    memory_region_add_subregion(&bus, 0x10000000, &e.toy.iommu.parent_obj);
    address_space_init(&bus_as, &bus, "bus");
    g_assert_cmpint(dma_memory_write(&bus_as, 0x10000000 + IOVA_A + 5, &b,
                                     1, rid_attrs(RID)), ==, MEMTX_OK);
    g_assert_cmphex(e.host[(GPA_X - RAM_BASE) + 5], ==, 0x77);
    /* Below the IOMMU region nothing is mapped. */
    g_assert_cmpint(dma_memory_write(&bus_as, IOVA_A, &b, 1,
                                     rid_attrs(RID)), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpuint(e.toy.faults->len, ==, 0);
    address_space_destroy(&bus_as);
    memory_region_del_subregion(&bus, &e.toy.iommu.parent_obj);
    memory_region_destroy(&bus);
    env_fini(&e);
}

/* An IOMMU translating into its own address space: bounded, no crash. */
static MemTxResult loop_translate(IOMMUMemoryRegion *iommu, hwaddr addr,
                                  IOMMUAccessFlags flag, MemTxAttrs attrs,
                                  IOMMUTLBEntry *entry)
{
    *entry = (IOMMUTLBEntry) {
        .target_as = iommu->opaque,
        .iova = addr & ~(PAGE - 1),
        .translated_addr = addr & ~(PAGE - 1),
        .addr_mask = PAGE - 1,
        .perm = IOMMU_RW,
    };
    return MEMTX_OK;
}

static void test_iommu_loop(void)
{
    static const IOMMUMemoryRegionOps ops = { .translate = loop_translate };
    IOMMUMemoryRegion loop;
    AddressSpace as;
    uint64_t v = 1;
    AddressSpace *out_as;
    hwaddr out, len = 4;

    memory_region_init_iommu(&loop, NULL, &ops, &as, "loop", UINT64_MAX);
    address_space_init(&as, &loop.parent_obj, "loop");
    g_assert_cmpint(address_space_load(&as, 0x1000, MEMTXATTRS_UNSPECIFIED,
                                       &v, 4), ==, MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(address_space_translate(&as, 0x1000, IOMMU_RO,
                                            MEMTXATTRS_UNSPECIFIED, &out_as,
                                            &out, &len), ==,
                    MEMTX_DECODE_ERROR);
    address_space_destroy(&as);
    memory_region_destroy(&loop.parent_obj);
}

/* ---- notifiers ---- */

typedef struct TestNotifier {
    IOMMUNotifier n;
    const char *name;
    GString *log;
    bool unregister_self;
    bool free_self;
    IOMMUNotifier *unregister_other;
} TestNotifier;

static void tn_notify(IOMMUNotifier *n, IOMMUTLBEntry *entry)
{
    TestNotifier *t = container_of(n, TestNotifier, n);

    g_string_append_printf(t->log, "%s:%" PRIx64 "/%" PRIx64 "->%" PRIx64
                           ",%d ", t->name, entry->iova, entry->addr_mask,
                           entry->translated_addr, entry->perm);
    if (t->unregister_self) {
        memory_region_unregister_iommu_notifier(&n->iommu->parent_obj, n);
    }
    if (t->unregister_other) {
        memory_region_unregister_iommu_notifier(
            &t->unregister_other->iommu->parent_obj, t->unregister_other);
        t->unregister_other = NULL;
    }
    if (t->free_self) {
        g_free(t);
    }
}

static void tn_init(TestNotifier *t, GString *log, const char *name,
                    IOMMUNotifierFlag flags, hwaddr start, hwaddr end)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    t->log = log;
    iommu_notifier_init(&t->n, tn_notify, flags, start, end, 0);
}

static void assert_log(GString *log, const char *expect)
{
    g_assert_cmpstr(log->str, ==, expect);
    g_string_truncate(log, 0);
}

static IOMMUTLBEvent unmap_event(hwaddr iova, hwaddr mask)
{
    return (IOMMUTLBEvent) {
        .type = IOMMU_NOTIFIER_UNMAP,
        .entry = { .iova = iova, .addr_mask = mask, .perm = IOMMU_NONE },
    };
}

static void test_notifiers(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Env e;
    MemoryRegion *mr;
    TestNotifier low, map, high;
    IOMMUTLBEvent ev;

    env_init(&e);
    mr = &e.toy.iommu.parent_obj;
    /* UNMAP in [0, 0xffff]; MAP anywhere; UNMAP in [1 MiB, 2 MiB). */
    tn_init(&low, log, "low", IOMMU_NOTIFIER_UNMAP, 0, 0xffff);
    tn_init(&map, log, "map", IOMMU_NOTIFIER_MAP, 0, HWADDR_MAX);
    tn_init(&high, log, "high", IOMMU_NOTIFIER_UNMAP, 0x100000, 0x1fffff);
    g_assert_true(memory_region_register_iommu_notifier(mr, &low.n,
                                                        &error_abort));
    g_assert_true(memory_region_register_iommu_notifier(mr, &map.n,
                                                        &error_abort));
    g_assert_true(memory_region_register_iommu_notifier(mr, &high.n,
                                                        &error_abort));
    /* The IOMMU heard about each new flag, and only then. */
    g_assert_cmpstr(e.toy.flag_log->str, ==, "0->1 1->3 ");
    g_assert_cmpint(e.toy.iommu.iommu_notify_flags, ==,
                    IOMMU_NOTIFIER_IOTLB_EVENTS);
    g_assert_true(low.n.iommu == &e.toy.iommu);

    /* An UNMAP of page A: only "low" (flags and range match). */
    ev = unmap_event(IOVA_A, PAGE - 1);
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "low:1000/fff->0,0 ");
    /* In "high"'s range only. */
    ev = unmap_event(0x180000, PAGE - 1);
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "high:180000/fff->0,0 ");
    /* A 4 MiB invalidation: each UNMAP notifier gets its range only. */
    ev = unmap_event(0, 0x3fffff);
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "low:0/ffff->0,0 high:100000/fffff->0,0 ");
    /* Outside every range, or for another iommu_idx: nobody. */
    ev = unmap_event(0x40000000, PAGE - 1);
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    ev = unmap_event(IOVA_A, PAGE - 1);
    memory_region_notify_iommu(&e.toy.iommu, 1, &ev);
    assert_log(log, "");
    /* A MAP event: only "map", with the whole entry. */
    ev = (IOMMUTLBEvent) {
        .type = IOMMU_NOTIFIER_MAP,
        .entry = { .iova = IOVA_B, .addr_mask = PAGE - 1,
                   .translated_addr = GPA_Z, .perm = IOMMU_RW },
    };
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "map:4000/fff->80009000,3 ");
    /* One notifier directly. */
    memory_region_notify_iommu_one(&high.n, &ev);
    assert_log(log, "");
    ev = unmap_event(0x1ff000, PAGE - 1);
    memory_region_notify_iommu_one(&high.n, &ev);
    assert_log(log, "high:1ff000/fff->0,0 ");

    /* Replay: the toy's mappings, as MAP events, to one notifier. */
    memory_region_iommu_replay(&e.toy.iommu, &map.n);
    assert_log(log, "map:1000/fff->80003000,3 map:3000/fff->80005000,1 "
               "map:4000/fff->80009000,3 ");

    /* Unregistering: the flags drop when the last user of one goes. */
    memory_region_unregister_iommu_notifier(mr, &map.n);
    g_assert_null(map.n.iommu);
    memory_region_unregister_iommu_notifier(mr, &low.n);
    memory_region_unregister_iommu_notifier(mr, &high.n);
    g_assert_cmpstr(e.toy.flag_log->str, ==, "0->1 1->3 3->1 1->0 ");
    g_assert_null(e.toy.iommu.notifiers);
    /* Twice is harmless. */
    memory_region_unregister_iommu_notifier(mr, &high.n);
    env_fini(&e);
}

static void test_notifier_refused(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Env e;
    MemoryRegion *mr;
    TestNotifier t;
    IOMMUTLBEvent ev = unmap_event(IOVA_A, PAGE - 1);
    Error *err = NULL;

    env_init(&e);
    mr = &e.toy.iommu.parent_obj;
    e.toy.refuse = true;
    tn_init(&t, log, "t", IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX);
    g_assert_false(memory_region_register_iommu_notifier(mr, &t.n, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "toy-iommu: notifiers not supported");
    error_free(err);
    err = NULL;
    g_assert_null(t.n.iommu);
    g_assert_null(e.toy.iommu.notifiers);
    g_assert_cmpint(e.toy.iommu.iommu_notify_flags, ==, 0);
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "");

    /* A notifier listening to nothing is refused by the core. */
    e.toy.refuse = false;
    tn_init(&t, log, "t", IOMMU_NOTIFIER_NONE, 0, HWADDR_MAX);
    g_assert_false(memory_region_register_iommu_notifier(mr, &t.n, &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    g_assert_cmpstr(e.toy.flag_log->str, ==, "");

    /* Only IOMMU regions take notifiers. */
    tn_init(&t, log, "t", IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX);
    g_assert_false(memory_region_register_iommu_notifier(&e.ram, &t.n,
                                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "memory region 'ram' is not an IOMMU region");
    error_free(err);
    env_fini(&e);
}

static void test_notifier_unregister_in_callback(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Env e;
    MemoryRegion *mr;
    TestNotifier a, b, c;
    TestNotifier *d = g_new0(TestNotifier, 1);
    IOMMUTLBEvent ev = unmap_event(IOVA_A, PAGE - 1);

    env_init(&e);
    mr = &e.toy.iommu.parent_obj;
    tn_init(&a, log, "a", IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX);
    tn_init(&b, log, "b", IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX);
    tn_init(&c, log, "c", IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX);
    tn_init(d, log, "d", IOMMU_NOTIFIER_UNMAP, 0, HWADDR_MAX);
    a.unregister_self = true;
    b.unregister_other = &c.n;        /* the next one in the list */
    memory_region_register_iommu_notifier(mr, &a.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &b.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &c.n, &error_abort);
    memory_region_register_iommu_notifier(mr, &d->n, &error_abort);

    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "a:1000/fff->0,0 b:1000/fff->0,0 d:1000/fff->0,0 ");
    g_assert_null(a.n.iommu);
    g_assert_null(c.n.iommu);
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "b:1000/fff->0,0 d:1000/fff->0,0 ");

    /* A notifier that unregisters and frees itself. */
    d->unregister_self = true;
    d->free_self = true;
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "b:1000/fff->0,0 d:1000/fff->0,0 ");
    memory_region_notify_iommu(&e.toy.iommu, 0, &ev);
    assert_log(log, "b:1000/fff->0,0 ");

    memory_region_unregister_iommu_notifier(mr, &b.n);
    env_fini(&e);
}

static uint64_t toy_64k(IOMMUMemoryRegion *iommu)
{
    return 64 * KiB;
}

static void test_min_page_size(void)
{
    static const IOMMUMemoryRegionOps ops_64k = {
        .translate = toy_translate,
        .get_min_page_size = toy_64k,
    };
    Env e;
    IOMMUMemoryRegion other;

    env_init(&e);
    g_assert_cmphex(memory_region_iommu_get_min_page_size(&e.toy.iommu), ==,
                    4 * KiB);
    memory_region_init_iommu(&other, NULL, &ops_64k, NULL, "other", PAGE);
    g_assert_cmphex(memory_region_iommu_get_min_page_size(&other), ==,
                    64 * KiB);
    g_assert_true(memory_region_is_iommu(&other.parent_obj));
    g_assert_true(memory_region_get_iommu(&other.parent_obj) == &other);
    g_assert_false(memory_region_is_iommu(&e.ram));
    g_assert_null(memory_region_get_iommu(&e.ram));
    memory_region_destroy(&other.parent_obj);
    env_fini(&e);
}

static void test_dump_iommu(void)
{
    Env e;
    char *dump;

    env_init(&e);
    dump = address_space_dump(&e.dma);
    g_assert_cmpstr(dump, ==, "address-space: dma\n"
                    "  0000000000000000-ffffffffffffffff (iommu) "
                    "toy-iommu\n");
    g_free(dump);
    env_fini(&e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iommu/dma/remapped", test_dma_remapped);
    g_test_add_func("/iommu/dma/fault", test_dma_fault);
    g_test_add_func("/iommu/dma/readonly-page", test_dma_readonly_page);
    g_test_add_func("/iommu/dma/cross-into-fault",
                    test_dma_cross_into_fault);
    g_test_add_func("/iommu/dma/page-by-page", test_dma_page_by_page);
    g_test_add_func("/iommu/translate", test_translate);
    g_test_add_func("/iommu/at-offset", test_iommu_at_offset);
    g_test_add_func("/iommu/loop", test_iommu_loop);
    g_test_add_func("/iommu/notifiers", test_notifiers);
    g_test_add_func("/iommu/notifier-refused", test_notifier_refused);
    g_test_add_func("/iommu/notifier-unregister-in-callback",
                    test_notifier_unregister_in_callback);
    g_test_add_func("/iommu/min-page-size", test_min_page_size);
    g_test_add_func("/iommu/dump", test_dump_iommu);
    return g_test_run();
}
