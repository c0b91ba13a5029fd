/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the memory core: RAM in a memfd, containers with
 * priorities and transparency, aliases, disabled regions, MMIO access
 * splitting and widening per the ops' valid/impl sizes, byte order,
 * unmapped and read-only accesses, listeners and transactions, region
 * destruction and the system address space.  Each test builds its own
 * root container and address space and tears everything down.
 */
#include "qemu/osdep.h"
#include "system/memory.h"

#define U MEMTXATTRS_UNSPECIFIED

/* A fresh root container and address space over it. */
typedef struct Fixture {
    MemoryRegion root;
    AddressSpace as;
} Fixture;

static void fixture_init(Fixture *f)
{
    memory_region_init(&f->root, NULL, "root", UINT64_MAX);
    address_space_init(&f->as, &f->root, "test");
}

static void fixture_fini(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_destroy(&f->root);
}

static void ram_init(MemoryRegion *mr, const char *name, uint64_t size,
                     uint8_t fill)
{
    memory_region_init_ram(mr, NULL, name, size, &error_abort);
    memset(memory_region_get_ram_ptr(mr), fill, size);
}

static uint64_t load(AddressSpace *as, hwaddr addr, unsigned size,
                     MemTxResult expect)
{
    uint64_t v = 0xdeadbeef;

    g_assert_cmpint(address_space_load(as, addr, U, &v, size), ==, expect);
    return v;
}

static uint8_t byte_at(AddressSpace *as, hwaddr addr)
{
    return load(as, addr, 1, MEMTX_OK);
}

/* ---- a test device: 256 bytes of registers, every access logged ---- */

typedef struct TestDev {
    MemoryRegion mr;
    uint8_t regs[256];
    GString *log;
    bool big_endian;
} TestDev;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned shift = 8 * (d->big_endian ? size - 1 - i : i);

        v |= (uint64_t)d->regs[(addr + i) & 0xff] << shift;
    }
    g_string_append_printf(d->log, "r%u@%" PRIx64 " ", size, addr);
    return v;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    TestDev *d = opaque;
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned shift = 8 * (d->big_endian ? size - 1 - i : i);

        d->regs[(addr + i) & 0xff] = v >> shift;
    }
    g_string_append_printf(d->log, "w%u@%" PRIx64 "=%" PRIx64 " ", size,
                           addr, v);
}

static void dev_init(TestDev *d, const MemoryRegionOps *ops)
{
    unsigned i;

    memset(d, 0, sizeof(*d));
    for (i = 0; i < sizeof(d->regs); i++) {
        d->regs[i] = i;
    }
    d->log = g_string_new(NULL);
    d->big_endian = ops->endianness == DEVICE_BIG_ENDIAN;
    memory_region_init_io(&d->mr, NULL, ops, d, "testdev",
                          sizeof(d->regs));
}

static void dev_fini(TestDev *d)
{
    memory_region_destroy(&d->mr);
    g_string_free(d->log, true);
}

/* The access log since the last call. */
static void assert_log(TestDev *d, const char *expect)
{
    g_assert_cmpstr(d->log->str, ==, expect);
    g_string_truncate(d->log, 0);
}

/* ---- RAM ---- */

static void test_ram_sizes(void)
{
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    Fixture f;
    MemoryRegion ram;
    uint8_t *host, buf[64], back[64];
    MemTxResult r;
    unsigned i;

    fixture_init(&f);
    ram_init(&ram, "ram", 64 * KiB, 0);
    memory_region_add_subregion(&f.root, 0x40000000, &ram);
    host = memory_region_get_ram_ptr(&ram);

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        hwaddr a = 0x40000100 + i * 16;
        uint64_t v = 0x8877665544332211ULL;
        uint64_t mask = sizes[i] == 8 ? UINT64_MAX :
                        (1ULL << (8 * sizes[i])) - 1;

        g_assert_cmpint(address_space_store(&f.as, a, U, v, sizes[i]), ==,
                        MEMTX_OK);
        g_assert_cmphex(load(&f.as, a, sizes[i], MEMTX_OK), ==, v & mask);
        /* Little endian in guest memory, nothing beyond the size. */
        g_assert_cmphex(host[0x100 + i * 16], ==, 0x11);
        g_assert_cmphex(host[0x100 + i * 16 + sizes[i] - 1], ==,
                        (v >> (8 * (sizes[i] - 1))) & 0xff);
        g_assert_cmphex(host[0x100 + i * 16 + sizes[i]], ==, 0);
        /* Unaligned is fine for RAM. */
        g_assert_cmpint(address_space_store(&f.as, a + 1, U, v, sizes[i]),
                        ==, MEMTX_OK);
        g_assert_cmphex(load(&f.as, a + 1, sizes[i], MEMTX_OK), ==,
                        v & mask);
    }

    /* Byte transfers of every length, and the ld/st helpers. */
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = 0xa0 ^ i;
    }
    for (i = 1; i <= sizeof(buf); i++) {
        memset(back, 0, sizeof(back));
        g_assert_cmpint(address_space_write(&f.as, 0x40001000 + i, U, buf,
                                            i), ==, MEMTX_OK);
        g_assert_cmpint(address_space_read(&f.as, 0x40001000 + i, U, back,
                                           i), ==, MEMTX_OK);
        g_assert_cmpmem(back, i, buf, i);
    }
    address_space_stl_le(&f.as, 0x40002000, 0xcafef00d, U, &r);
    g_assert_cmpint(r, ==, MEMTX_OK);
    g_assert_cmphex(address_space_ldl_le(&f.as, 0x40002000, U, NULL), ==,
                    0xcafef00d);
    address_space_stq_le(&f.as, 0x40002008, 0x0123456789abcdefULL, U, NULL);
    g_assert_cmphex(address_space_ldq_le(&f.as, 0x40002008, U, &r), ==,
                    0x0123456789abcdefULL);
    g_assert_cmphex(host[0x2008], ==, 0xef);
    g_assert_cmpint(address_space_set(&f.as, 0x40003000, 0x5a, 5000, U), ==,
                    MEMTX_OK);
    g_assert_cmphex(host[0x3000], ==, 0x5a);
    g_assert_cmphex(host[0x3000 + 4999], ==, 0x5a);
    g_assert_cmphex(host[0x3000 + 5000], ==, 0);

    memory_region_destroy(&ram);
    fixture_fini(&f);
}

static void test_ram_memfd(void)
{
    Fixture f;
    MemoryRegion ram;
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];
    int fd;

    fixture_init(&f);
    ram_init(&ram, "ram", 1 * MiB, 0);
    memory_region_add_subregion(&f.root, 0x40000000, &ram);
    fd = memory_region_get_fd(&ram);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);

    /* What the guest writes is in the file... */
    g_assert_cmpint(address_space_write(&f.as, 0x40080000, U, buf, 8), ==,
                    MEMTX_OK);
    g_assert_cmpint(pread(fd, back, 8, 0x80000), ==, 8);
    g_assert_cmpmem(back, 8, buf, 8);
    /* ...and what is written to the file, the guest sees. */
    g_assert_cmpint(pwrite(fd, "\xaa\xbb", 2, 0x100), ==, 2);
    g_assert_cmphex(load(&f.as, 0x40000100, 2, MEMTX_OK), ==, 0xbbaa);

    memory_region_destroy(&ram);
    /* The memfd is closed with the region. */
    g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);
    fixture_fini(&f);
}

static void ram_init_fails(uint64_t size, const char *msg_prefix)
{
    MemoryRegion ram;
    Error *err = NULL;

    g_assert_false(memory_region_init_ram(&ram, NULL, "mach-virt.ram", size,
                                          &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), msg_prefix));
    error_free(err);
    /* A failed region holds nothing; destroying it is harmless. */
    g_assert_cmpint(memory_region_get_fd(&ram), ==, -1);
    g_assert_null(memory_region_get_ram_ptr(&ram));
    memory_region_destroy(&ram);
}

static void test_ram_errors(void)
{
    ram_init_fails(0, "cannot allocate guest RAM for 'mach-virt.ram': "
                   "size is zero");
    ram_init_fails(UINT64_MAX, "cannot allocate 16 EiB of guest RAM for "
                   "'mach-virt.ram': ");
    ram_init_fails(1ULL << 63, "cannot allocate 8 EiB of guest RAM for "
                   "'mach-virt.ram': ");
}

/* ---- containers ---- */

static void test_priority_overlap(void)
{
    Fixture f;
    MemoryRegion low, high;
    int order;

    /* Both insertion orders give the same picture. */
    for (order = 0; order < 2; order++) {
        fixture_init(&f);
        ram_init(&low, "low", 0x4000, 0x11);
        ram_init(&high, "high", 0x1000, 0x22);
        if (order == 0) {
            memory_region_add_subregion_overlap(&f.root, 0x10000, &low, 0);
            memory_region_add_subregion_overlap(&f.root, 0x11000, &high, 1);
        } else {
            memory_region_add_subregion_overlap(&f.root, 0x11000, &high, 1);
            memory_region_add_subregion_overlap(&f.root, 0x10000, &low, 0);
        }
        g_assert_cmphex(byte_at(&f.as, 0x10fff), ==, 0x11);
        g_assert_cmphex(byte_at(&f.as, 0x11000), ==, 0x22);
        g_assert_cmphex(byte_at(&f.as, 0x11fff), ==, 0x22);
        g_assert_cmphex(byte_at(&f.as, 0x12000), ==, 0x11);
        /* The low region still backs the bytes it shows at 0x12000. */
        g_assert_cmpint(address_space_store(&f.as, 0x12000, U, 0x33, 1), ==,
                        MEMTX_OK);
        g_assert_cmphex(((uint8_t *)memory_region_get_ram_ptr(&low))[0x2000],
                        ==, 0x33);
        memory_region_del_subregion(&f.root, &high);
        g_assert_cmphex(byte_at(&f.as, 0x11000), ==, 0x11);
        memory_region_destroy(&high);
        memory_region_destroy(&low);
        fixture_fini(&f);
    }
}

static void test_equal_priority(void)
{
    Fixture f;
    MemoryRegion a, b;

    fixture_init(&f);
    ram_init(&a, "a", 0x1000, 0xaa);
    ram_init(&b, "b", 0x1000, 0xbb);
    /* Equal priority: the region added last wins. */
    memory_region_add_subregion(&f.root, 0x1000, &a);
    memory_region_add_subregion(&f.root, 0x1800, &b);
    g_assert_cmphex(byte_at(&f.as, 0x17ff), ==, 0xaa);
    g_assert_cmphex(byte_at(&f.as, 0x1800), ==, 0xbb);
    memory_region_del_subregion(&f.root, &a);
    memory_region_add_subregion(&f.root, 0x1000, &a);
    g_assert_cmphex(byte_at(&f.as, 0x1800), ==, 0xaa);
    g_assert_cmphex(byte_at(&f.as, 0x2000), ==, 0xbb);
    /* Moving keeps the place among equals. */
    memory_region_set_address(&b, 0x1400);
    g_assert_cmphex(byte_at(&f.as, 0x1fff), ==, 0xaa);
    g_assert_cmphex(byte_at(&f.as, 0x2000), ==, 0xbb);

    memory_region_destroy(&a);
    memory_region_destroy(&b);
    fixture_fini(&f);
}

static void test_container_transparent(void)
{
    Fixture f;
    MemoryRegion below, box, inner, deeper_box, deepest;

    fixture_init(&f);
    ram_init(&below, "below", 0x10000, 0x11);
    ram_init(&inner, "inner", 0x1000, 0x22);
    ram_init(&deepest, "deepest", 0x100, 0x33);
    memory_region_init(&box, NULL, "box", 0x10000);
    memory_region_init(&deeper_box, NULL, "deeper-box", 0x1000);

    memory_region_add_subregion_overlap(&f.root, 0x100000, &below, 0);
    memory_region_add_subregion_overlap(&f.root, 0x100000, &box, 5);
    memory_region_add_subregion(&box, 0x4000, &inner);
    /* Nested containers: offsets add up. */
    memory_region_add_subregion_overlap(&box, 0x8000, &deeper_box, 0);
    memory_region_add_subregion(&deeper_box, 0x200, &deepest);

    /* Where the box has nothing, the region below shows through. */
    g_assert_cmphex(byte_at(&f.as, 0x100000), ==, 0x11);
    g_assert_cmphex(byte_at(&f.as, 0x103fff), ==, 0x11);
    g_assert_cmphex(byte_at(&f.as, 0x104000), ==, 0x22);
    g_assert_cmphex(byte_at(&f.as, 0x105000), ==, 0x11);
    g_assert_cmphex(byte_at(&f.as, 0x1081ff), ==, 0x11);
    g_assert_cmphex(byte_at(&f.as, 0x108200), ==, 0x33);
    g_assert_cmphex(byte_at(&f.as, 0x1082ff), ==, 0x33);
    g_assert_cmphex(byte_at(&f.as, 0x108300), ==, 0x11);

    /* Subregions are clipped to their container. */
    memory_region_set_address(&deepest, 0xf80);
    g_assert_cmphex(byte_at(&f.as, 0x108f80), ==, 0x33);
    g_assert_cmphex(byte_at(&f.as, 0x108fff), ==, 0x33);
    g_assert_cmphex(byte_at(&f.as, 0x109000), ==, 0x11);

    /* Nothing under the box: its empty parts are unmapped. */
    memory_region_del_subregion(&f.root, &below);
    g_assert_cmphex(load(&f.as, 0x100000, 4, MEMTX_DECODE_ERROR), ==, 0);
    g_assert_cmphex(byte_at(&f.as, 0x104000), ==, 0x22);

    memory_region_destroy(&box);        /* detaches inner and deeper-box */
    g_assert_false(memory_region_is_mapped(&inner));
    g_assert_cmphex(load(&f.as, 0x104000, 1, MEMTX_DECODE_ERROR), ==, 0);
    memory_region_destroy(&deeper_box);
    memory_region_destroy(&deepest);
    memory_region_destroy(&inner);
    memory_region_destroy(&below);
    fixture_fini(&f);
}

static void test_alias(void)
{
    Fixture f;
    MemoryRegion ram, alias;
    uint8_t *host;
    unsigned i;

    fixture_init(&f);
    ram_init(&ram, "ram", 0x10000, 0);
    host = memory_region_get_ram_ptr(&ram);
    for (i = 0; i < 0x10000; i++) {
        host[i] = i >> 8;
    }
    memory_region_add_subregion(&f.root, 0x100000, &ram);
    memory_region_init_alias(&alias, NULL, "window", &ram, 0x3000, 0x2000);
    memory_region_add_subregion(&f.root, 0x800000, &alias);

    g_assert_cmphex(byte_at(&f.as, 0x800000), ==, 0x30);
    g_assert_cmphex(byte_at(&f.as, 0x801fff), ==, 0x4f);
    g_assert_cmpint(load(&f.as, 0x802000, 1, MEMTX_DECODE_ERROR), ==, 0);
    g_assert_true(memory_region_get_ram_ptr(&alias) == host + 0x3000);
    g_assert_cmpint(memory_region_get_fd(&alias), ==,
                    memory_region_get_fd(&ram));

    /* Writes through the alias land in the original. */
    g_assert_cmpint(address_space_store(&f.as, 0x800010, U, 0xee, 1), ==,
                    MEMTX_OK);
    g_assert_cmphex(host[0x3010], ==, 0xee);
    g_assert_cmphex(byte_at(&f.as, 0x103010), ==, 0xee);

    /* Moving the window. */
    memory_region_set_alias_offset(&alias, 0x8000);
    g_assert_cmphex(byte_at(&f.as, 0x800000), ==, 0x80);
    g_assert_cmphex(byte_at(&f.as, 0x801fff), ==, 0x9f);
    /* A window reaching past the end of the original is clipped. */
    memory_region_set_alias_offset(&alias, 0xf000);
    g_assert_cmphex(byte_at(&f.as, 0x800fff), ==, 0xff);
    g_assert_cmpint(load(&f.as, 0x801000, 1, MEMTX_DECODE_ERROR), ==, 0);
    /* A read-only alias of writable RAM. */
    memory_region_set_readonly(&alias, true);
    g_assert_cmpint(address_space_store(&f.as, 0x800000, U, 1, 1), ==,
                    MEMTX_ACCESS_DENIED);
    g_assert_cmphex(host[0xf000], ==, 0xf0);
    g_assert_cmpint(address_space_store(&f.as, 0x10f000, U, 1, 1), ==,
                    MEMTX_OK);

    memory_region_destroy(&alias);
    memory_region_destroy(&ram);
    fixture_fini(&f);
}

/* Two aliases showing adjacent parts of one region make one range. */
static void test_alias_merge(void)
{
    Fixture f;
    MemoryRegion ram, lo, hi;
    char *dump;

    fixture_init(&f);
    ram_init(&ram, "ram", 0x2000, 0);
    memory_region_init_alias(&lo, NULL, "lo", &ram, 0, 0x1000);
    memory_region_init_alias(&hi, NULL, "hi", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(&f.root, 0x10000, &lo);
    memory_region_add_subregion(&f.root, 0x11000, &hi);
    dump = address_space_dump(&f.as);
    g_assert_cmpstr(dump, ==, "address-space: test\n"
                    "  0000000000010000-0000000000011fff (ram) ram\n");
    g_free(dump);
    /* Not contiguous in the region: two ranges. */
    memory_region_set_alias_offset(&hi, 0x800);
    dump = address_space_dump(&f.as);
    g_assert_cmpstr(dump, ==, "address-space: test\n"
                    "  0000000000010000-0000000000010fff (ram) ram\n"
                    "  0000000000011000-0000000000011fff (ram) ram "
                    "@0x800\n");
    g_free(dump);
    memory_region_destroy(&lo);
    memory_region_destroy(&hi);
    memory_region_destroy(&ram);
    fixture_fini(&f);
}

static void test_disabled_and_readd(void)
{
    Fixture f;
    MemoryRegion low, high;

    fixture_init(&f);
    ram_init(&low, "low", 0x1000, 0x11);
    ram_init(&high, "high", 0x1000, 0x22);
    memory_region_add_subregion_overlap(&f.root, 0x5000, &low, 0);
    memory_region_add_subregion_overlap(&f.root, 0x5000, &high, 1);
    g_assert_cmphex(byte_at(&f.as, 0x5000), ==, 0x22);
    memory_region_set_enabled(&high, false);
    g_assert_cmphex(byte_at(&f.as, 0x5000), ==, 0x11);
    memory_region_set_enabled(&low, false);
    g_assert_cmpint(load(&f.as, 0x5000, 1, MEMTX_DECODE_ERROR), ==, 0);
    memory_region_set_enabled(&high, true);
    g_assert_cmphex(byte_at(&f.as, 0x5000), ==, 0x22);

    /* Remove and re-add elsewhere. */
    memory_region_del_subregion(&f.root, &high);
    g_assert_false(memory_region_is_mapped(&high));
    g_assert_cmpint(load(&f.as, 0x5000, 1, MEMTX_DECODE_ERROR), ==, 0);
    memory_region_add_subregion(&f.root, 0x9000, &high);
    g_assert_true(memory_region_is_mapped(&high));
    g_assert_cmphex(byte_at(&f.as, 0x9000), ==, 0x22);

    memory_region_destroy(&high);
    memory_region_destroy(&low);
    fixture_fini(&f);
}

/* ---- MMIO ---- */

static void test_mmio_impl_widen_split(void)
{
    static const MemoryRegionOps ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .valid = { .min_access_size = 1, .max_access_size = 8 },
        .impl = { .min_access_size = 4, .max_access_size = 4 },
    };
    Fixture f;
    TestDev d;

    fixture_init(&f);
    dev_init(&d, &ops);
    memory_region_add_subregion(&f.root, 0x9000000, &d.mr);

    /*
     * Smaller than impl.min: widened to a 4-byte access at the same
     * offset, as QEMU does (the device sees the unaligned offset); the
     * first bytes are kept, a write sends zeros after the data.
     */
    g_assert_cmphex(load(&f.as, 0x9000011, 1, MEMTX_OK), ==, 0x11);
    assert_log(&d, "r4@11 ");
    g_assert_cmphex(load(&f.as, 0x9000012, 2, MEMTX_OK), ==, 0x1312);
    assert_log(&d, "r4@12 ");
    g_assert_cmpint(address_space_store(&f.as, 0x9000022, U, 0xbeef, 2), ==,
                    MEMTX_OK);
    assert_log(&d, "w4@22=beef ");
    g_assert_cmphex(d.regs[0x22], ==, 0xef);
    g_assert_cmphex(d.regs[0x23], ==, 0xbe);
    g_assert_cmphex(d.regs[0x24], ==, 0);
    /* Larger than impl.max: split. */
    g_assert_cmphex(load(&f.as, 0x9000030, 8, MEMTX_OK), ==,
                    0x3736353433323130ULL);
    assert_log(&d, "r4@30 r4@34 ");
    g_assert_cmpint(address_space_store(&f.as, 0x9000040, U,
                                        0x1122334455667788ULL, 8), ==,
                    MEMTX_OK);
    assert_log(&d, "w4@40=55667788 w4@44=11223344 ");
    g_assert_cmphex(load(&f.as, 0x9000040, 4, MEMTX_OK), ==, 0x55667788);
    assert_log(&d, "r4@40 ");

    dev_fini(&d);
    fixture_fini(&f);
}

static void test_mmio_valid_sizes(void)
{
    static const MemoryRegionOps ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_NATIVE_ENDIAN,
        /* valid.max defaults to 4 */
        .valid = { .min_access_size = 2 },
    };
    Fixture f;
    TestDev d;
    uint8_t buf[16];

    fixture_init(&f);
    dev_init(&d, &ops);
    memory_region_add_subregion(&f.root, 0x1000, &d.mr);

    /* An 8-byte load on a region accepting at most 4: two accesses. */
    g_assert_cmphex(load(&f.as, 0x1008, 8, MEMTX_OK), ==,
                    0x0f0e0d0c0b0a0908ULL);
    assert_log(&d, "r4@8 r4@c ");
    /* A transfer: largest aligned pieces (4, 4, 2) of 10 bytes. */
    g_assert_cmpint(address_space_read(&f.as, 0x1020, U, buf, 10), ==,
                    MEMTX_OK);
    assert_log(&d, "r4@20 r4@24 r2@28 ");
    g_assert_cmphex(buf[9], ==, 0x29);
    /* Alignment limits the piece: at 0x32, first 2 bytes, then 4. */
    g_assert_cmpint(address_space_write(&f.as, 0x1032, U, buf, 6), ==,
                    MEMTX_OK);
    assert_log(&d, "w2@32=2120 w4@34=25242322 ");

    /* Below valid.min: rejected, the device never sees it. */
    g_assert_cmphex(load(&f.as, 0x1000, 1, MEMTX_DECODE_ERROR), ==, 0);
    g_assert_cmpint(address_space_store(&f.as, 0x1000, U, 0, 1), ==,
                    MEMTX_DECODE_ERROR);
    /* Unaligned (valid.unaligned is false). */
    g_assert_cmphex(load(&f.as, 0x1002, 4, MEMTX_DECODE_ERROR), ==, 0);
    assert_log(&d, "");
    /* A 3-byte transfer ends with a 1-byte piece: the first 2 bytes go,
     * then the transfer fails and the rest reads as zero. */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(address_space_read(&f.as, 0x1040, U, buf, 3), ==,
                    MEMTX_DECODE_ERROR);
    assert_log(&d, "r2@40 ");
    g_assert_cmphex(buf[0], ==, 0x40);
    g_assert_cmphex(buf[1], ==, 0x41);
    g_assert_cmphex(buf[2], ==, 0);
    /* Access sizes that are not 1, 2, 4 or 8. */
    g_assert_cmphex(load(&f.as, 0x1000, 3, MEMTX_DECODE_ERROR), ==, 0);
    assert_log(&d, "");

    dev_fini(&d);
    fixture_fini(&f);
}

static void test_mmio_big_endian(void)
{
    static const MemoryRegionOps ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_BIG_ENDIAN,
        .valid = { .max_access_size = 8 },
        .impl = { .min_access_size = 1, .max_access_size = 8 },
    };
    Fixture f;
    TestDev d;
    uint8_t buf[4];

    fixture_init(&f);
    dev_init(&d, &ops);
    memory_region_add_subregion(&f.root, 0, &d.mr);

    /* The device's 32-bit register at 0x10 holds 0x10111213 (BE). */
    g_assert_cmphex(load(&f.as, 0x10, 4, MEMTX_OK), ==, 0x13121110);
    assert_log(&d, "r4@10 ");
    g_assert_cmpint(address_space_read(&f.as, 0x10, U, buf, 4), ==,
                    MEMTX_OK);
    g_assert_cmphex(buf[0], ==, 0x10);
    g_assert_cmphex(buf[3], ==, 0x13);
    assert_log(&d, "r4@10 ");
    /* A little-endian store of 0xaabbccdd: the device gets 0xddccbbaa. */
    g_assert_cmpint(address_space_store(&f.as, 0x20, U, 0xaabbccdd, 4), ==,
                    MEMTX_OK);
    assert_log(&d, "w4@20=ddccbbaa ");
    g_assert_cmphex(d.regs[0x20], ==, 0xdd);
    g_assert_cmphex(load(&f.as, 0x20, 2, MEMTX_OK), ==, 0xccdd);
    assert_log(&d, "r2@20 ");
    g_assert_cmphex(load(&f.as, 0x20, 8, MEMTX_OK), ==,
                    0x27262524aabbccddULL);

    dev_fini(&d);
    fixture_fini(&f);
}

/* A big-endian device implementing only 1-byte accesses. */
static void test_mmio_big_endian_bytes(void)
{
    static const MemoryRegionOps ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_BIG_ENDIAN,
        .impl = { .max_access_size = 1 },
    };
    Fixture f;
    TestDev d;

    fixture_init(&f);
    dev_init(&d, &ops);
    memory_region_add_subregion(&f.root, 0, &d.mr);
    g_assert_cmphex(load(&f.as, 0x10, 2, MEMTX_OK), ==, 0x1110);
    assert_log(&d, "r1@10 r1@11 ");
    g_assert_cmpint(address_space_store(&f.as, 0x30, U, 0xbeef, 2), ==,
                    MEMTX_OK);
    assert_log(&d, "w1@30=ef w1@31=be ");
    dev_fini(&d);
    fixture_fini(&f);
}

static MemTxResult failing_read(void *opaque, hwaddr addr, uint64_t *data,
                                unsigned size, MemTxAttrs attrs)
{
    *data = 0x1234;
    return addr >= 8 ? MEMTX_ERROR : MEMTX_OK;
}

static void test_mmio_device_error(void)
{
    static const MemoryRegionOps ops = {
        .read_with_attrs = failing_read,
        .endianness = DEVICE_LITTLE_ENDIAN,
    };
    Fixture f;
    MemoryRegion mr;
    uint8_t buf[12];

    fixture_init(&f);
    memory_region_init_io(&mr, NULL, &ops, NULL, "failing", 0x100);
    memory_region_add_subregion(&f.root, 0x2000, &mr);
    g_assert_cmphex(load(&f.as, 0x2000, 4, MEMTX_OK), ==, 0x1234);
    g_assert_cmphex(load(&f.as, 0x2008, 4, MEMTX_ERROR), ==, 0);
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(address_space_read(&f.as, 0x2000, U, buf, 12), ==,
                    MEMTX_ERROR);
    g_assert_cmphex(buf[0], ==, 0x34);
    g_assert_cmphex(buf[4], ==, 0x34);
    g_assert_cmphex(buf[8], ==, 0);
    /* No write callback: writes are ignored. */
    g_assert_cmpint(address_space_store(&f.as, 0x2000, U, 1, 4), ==,
                    MEMTX_OK);
    memory_region_destroy(&mr);
    fixture_fini(&f);
}

/* ---- unmapped, read-only, the top of the space ---- */

static void test_unmapped(void)
{
    Fixture f;
    MemoryRegion ram;
    uint8_t buf[32];
    uint64_t v = 1;
    MemoryRegionSection s;

    fixture_init(&f);
    g_assert_cmphex(load(&f.as, 0x1000, 4, MEMTX_DECODE_ERROR), ==, 0);
    g_assert_cmpint(address_space_store(&f.as, 0x1000, U, 1, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpint(address_space_load(&f.as, 0, U, &v, 8), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0);

    ram_init(&ram, "ram", 0x1000, 0x77);
    memory_region_add_subregion(&f.root, 0x10000, &ram);
    /* A read running off the end of RAM: the RAM part, then zeros. */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(address_space_read(&f.as, 0x10ff0, U, buf, 32), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(buf[15], ==, 0x77);
    g_assert_cmphex(buf[16], ==, 0);
    g_assert_cmphex(buf[31], ==, 0);
    /* A write starting in a hole stops at once. */
    g_assert_cmpint(address_space_write(&f.as, 0xfff0, U, buf, 32), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(((uint8_t *)memory_region_get_ram_ptr(&ram))[0], ==,
                    0x77);

    /* find_section: the hole up to the RAM, then the RAM. */
    g_assert_false(address_space_find_section(&f.as, 0x8000, 0x100000, &s));
    g_assert_null(s.mr);
    g_assert_cmphex(s.size, ==, 0x8000);
    g_assert_true(address_space_find_section(&f.as, 0x10800, 0x100000, &s));
    g_assert_true(s.mr == &ram);
    g_assert_cmphex(s.offset_within_region, ==, 0x800);
    g_assert_cmphex(s.size, ==, 0x800);

    memory_region_destroy(&ram);
    fixture_fini(&f);
}

static void test_readonly_ram(void)
{
    Fixture f;
    MemoryRegion rom;
    uint8_t *host;

    fixture_init(&f);
    ram_init(&rom, "flash", 0x1000, 0x5a);
    host = memory_region_get_ram_ptr(&rom);
    memory_region_set_readonly(&rom, true);
    memory_region_add_subregion(&f.root, 0, &rom);

    g_assert_cmphex(load(&f.as, 0x10, 4, MEMTX_OK), ==, 0x5a5a5a5a);
    g_assert_cmpint(address_space_store(&f.as, 0x10, U, 0, 4), ==,
                    MEMTX_ACCESS_DENIED);
    g_assert_cmpint(address_space_set(&f.as, 0, 0, 0x1000, U), ==,
                    MEMTX_ACCESS_DENIED);
    g_assert_cmphex(host[0x10], ==, 0x5a);
    g_assert_cmphex(host[0], ==, 0x5a);
    /* The owner still writes it through the host pointer. */
    host[0x20] = 1;
    g_assert_cmphex(byte_at(&f.as, 0x20), ==, 1);
    memory_region_set_readonly(&rom, false);
    g_assert_cmpint(address_space_store(&f.as, 0x10, U, 0, 4), ==,
                    MEMTX_OK);
    g_assert_cmphex(host[0x10], ==, 0);

    memory_region_destroy(&rom);
    fixture_fini(&f);
}

static void test_top_of_space(void)
{
    static const MemoryRegionOps ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
    };
    Fixture f;
    MemoryRegion ram;
    TestDev d;
    uint8_t buf[32];
    MemoryRegionSection s;

    fixture_init(&f);
    ram_init(&ram, "top", 0x1000, 0x66);
    memory_region_add_subregion(&f.root, 0xfffffffffffff000ULL, &ram);
    g_assert_cmphex(load(&f.as, 0xfffffffffffffffcULL, 4, MEMTX_OK), ==,
                    0x66666666);
    /* A transfer past 2^64 does not wrap around to 0. */
    g_assert_cmpint(address_space_read(&f.as, 0xfffffffffffffff0ULL, U, buf,
                                       32), ==, MEMTX_DECODE_ERROR);
    g_assert_cmphex(buf[15], ==, 0x66);
    g_assert_cmphex(buf[16], ==, 0);
    g_assert_true(address_space_find_section(&f.as, 0xfffffffffffff000ULL,
                                             UINT64_MAX, &s));
    g_assert_cmphex(s.size, ==, 0x1000);

    /* A 2^64-byte region below everything covers the holes. */
    memory_region_init_io(&d.mr, NULL, &ops, &d, "all", UINT64_MAX);
    memset(d.regs, 0, sizeof(d.regs));
    d.log = g_string_new(NULL);
    d.big_endian = false;
    memory_region_add_subregion_overlap(&f.root, 0, &d.mr, -1);
    g_assert_cmpint(address_space_store(&f.as, 0x1234567800ULL, U, 7, 4),
                    ==, MEMTX_OK);
    assert_log(&d, "w4@1234567800=7 ");
    g_assert_cmphex(load(&f.as, 0xfffffffffffffffcULL, 4, MEMTX_OK), ==,
                    0x66666666);
    assert_log(&d, "");
    dev_fini(&d);

    memory_region_destroy(&ram);
    fixture_fini(&f);
}

/* ---- listeners and transactions ---- */

typedef struct TestListener {
    MemoryListener ml;
    GString *log;
} TestListener;

static void tl_begin(MemoryListener *ml)
{
    TestListener *t = container_of(ml, TestListener, ml);

    g_string_append_printf(t->log, "%s:begin ", ml->name);
}

static void tl_commit(MemoryListener *ml)
{
    TestListener *t = container_of(ml, TestListener, ml);

    g_string_append_printf(t->log, "%s:commit ", ml->name);
}

static void tl_event(MemoryListener *ml, MemoryRegionSection *s,
                     const char *what)
{
    TestListener *t = container_of(ml, TestListener, ml);

    g_assert_true(s->as == ml->address_space);
    g_string_append_printf(t->log, "%s:%s %s@%" PRIx64 "+%" PRIx64 "/%"
                           PRIx64 "%s ", ml->name, what,
                           memory_region_name(s->mr),
                           s->offset_within_address_space, s->size,
                           s->offset_within_region,
                           s->readonly ? "ro" : "");
}

static void tl_add(MemoryListener *ml, MemoryRegionSection *s)
{
    tl_event(ml, s, "add");
}

static void tl_del(MemoryListener *ml, MemoryRegionSection *s)
{
    tl_event(ml, s, "del");
}

static void tl_init(TestListener *t, GString *log, const char *name,
                    int priority)
{
    *t = (TestListener) {
        .ml = {
            .begin = tl_begin,
            .commit = tl_commit,
            .region_add = tl_add,
            .region_del = tl_del,
            .name = name,
            .priority = priority,
        },
        .log = log,
    };
}

static void assert_glog(GString *log, const char *expect)
{
    g_assert_cmpstr(log->str, ==, expect);
    g_string_truncate(log, 0);
}

static void test_listeners(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    g_autofree void *hole_mem = g_malloc0(0x1000);
    Fixture f;
    MemoryRegion ram, hole;
    TestListener a, b;

    fixture_init(&f);
    ram_init(&ram, "ram", 0x10000, 0);
    memory_region_add_subregion(&f.root, 0x40000000, &ram);

    /* Registering replays what is there. */
    tl_init(&a, log, "a", 10);
    tl_init(&b, log, "b", 0);
    memory_listener_register(&a.ml, &f.as);
    assert_glog(log, "a:begin a:add ram@40000000+10000/0 a:commit ");
    memory_listener_register(&b.ml, &f.as);
    assert_glog(log, "b:begin b:add ram@40000000+10000/0 b:commit ");

    /* A region punching a hole: the old section goes (listeners in
     * reverse priority order), three come (in priority order). */
    memory_region_init_ram_ptr(&hole, NULL, "hole", 0x1000, hole_mem);
    memory_region_add_subregion_overlap(&f.root, 0x40004000, &hole, 1);
    assert_glog(log, "b:begin a:begin "
                "a:del ram@40000000+10000/0 b:del ram@40000000+10000/0 "
                "b:add ram@40000000+4000/0 a:add ram@40000000+4000/0 "
                "b:add hole@40004000+1000/0 a:add hole@40004000+1000/0 "
                "b:add ram@40005000+b000/5000 a:add ram@40005000+b000/5000 "
                "b:commit a:commit ");

    memory_listener_unregister(&b.ml);
    assert_glog(log, "b:begin b:del ram@40005000+b000/5000 "
                "b:del hole@40004000+1000/0 b:del ram@40000000+4000/0 "
                "b:commit ");
    g_assert_null(b.ml.address_space);

    /* Moving a region; then making it read-only. */
    memory_region_set_address(&hole, 0x50000000);
    assert_glog(log, "a:begin a:del ram@40000000+4000/0 "
                "a:del hole@40004000+1000/0 a:del ram@40005000+b000/5000 "
                "a:add ram@40000000+10000/0 a:add hole@50000000+1000/0 "
                "a:commit ");
    memory_region_set_readonly(&hole, true);
    assert_glog(log, "a:begin a:del hole@50000000+1000/0 "
                "a:add hole@50000000+1000/0ro a:commit ");
    /* A change that changes nothing visible is not reported. */
    memory_region_set_enabled(&hole, true);
    memory_region_set_address(&hole, 0x50000000);
    assert_glog(log, "");

    memory_region_destroy(&hole);
    assert_glog(log, "a:begin a:del hole@50000000+1000/0ro a:commit ");
    /* Destroying the address space unregisters what is left. */
    memory_region_del_subregion(&f.root, &ram);
    assert_glog(log, "a:begin a:del ram@40000000+10000/0 a:commit ");
    memory_region_add_subregion(&f.root, 0, &ram);
    g_string_truncate(log, 0);
    address_space_destroy(&f.as);
    assert_glog(log, "a:begin a:del ram@0+10000/0 a:commit ");
    g_assert_null(a.ml.address_space);
    address_space_init(&f.as, &f.root, "test");

    memory_region_destroy(&ram);
    fixture_fini(&f);
}

static void test_transactions(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Fixture f;
    MemoryRegion r1, r2, r3;
    TestListener a;

    fixture_init(&f);
    tl_init(&a, log, "a", 0);
    memory_listener_register(&a.ml, &f.as);
    assert_glog(log, "a:begin a:commit ");
    ram_init(&r1, "r1", 0x1000, 1);
    ram_init(&r2, "r2", 0x1000, 2);
    ram_init(&r3, "r3", 0x1000, 3);

    memory_region_transaction_begin();
    memory_region_add_subregion(&f.root, 0x1000, &r1);
    memory_region_transaction_begin();      /* nested */
    memory_region_add_subregion(&f.root, 0x2000, &r2);
    memory_region_add_subregion(&f.root, 0x3000, &r3);
    memory_region_transaction_commit();
    memory_region_set_address(&r3, 0x4000);
    /* Nothing is visible or reported before the outermost commit. */
    assert_glog(log, "");
    g_assert_cmpint(load(&f.as, 0x1000, 1, MEMTX_DECODE_ERROR), ==, 0);
    memory_region_transaction_commit();
    assert_glog(log, "a:begin a:add r1@1000+1000/0 a:add r2@2000+1000/0 "
                "a:add r3@4000+1000/0 a:commit ");
    g_assert_cmphex(byte_at(&f.as, 0x4000), ==, 3);

    /* Removed and put back in one transaction: no change at all. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&f.root, &r2);
    memory_region_add_subregion(&f.root, 0x2000, &r2);
    memory_region_transaction_commit();
    assert_glog(log, "");

    /*
     * Destroying a mapped region inside a transaction tells the
     * listeners at once (its memory is about to go); the other pending
     * change goes with it.
     */
    memory_region_transaction_begin();
    memory_region_set_address(&r1, 0x8000);
    memory_region_destroy(&r2);
    assert_glog(log, "a:begin a:del r1@1000+1000/0 a:del r2@2000+1000/0 "
                "a:add r1@8000+1000/0 a:commit ");
    memory_region_transaction_commit();
    assert_glog(log, "");
    g_assert_cmpint(load(&f.as, 0x2000, 1, MEMTX_DECODE_ERROR), ==, 0);

    memory_listener_unregister(&a.ml);
    memory_region_destroy(&r1);
    memory_region_destroy(&r3);
    fixture_fini(&f);
}

static void test_destroy_mapped(void)
{
    Fixture f;
    MemoryRegion box, ram;
    char *dump;

    fixture_init(&f);
    memory_region_init(&box, NULL, "box", 0x100000);
    ram_init(&ram, "ram", 0x1000, 9);
    memory_region_add_subregion(&f.root, 0x100000, &box);
    memory_region_add_subregion(&box, 0x1000, &ram);
    g_assert_cmphex(byte_at(&f.as, 0x101000), ==, 9);

    /* Destroying a mapped region takes it out of its container. */
    memory_region_destroy(&ram);
    g_assert_null(box.subregions);
    g_assert_cmpint(load(&f.as, 0x101000, 1, MEMTX_DECODE_ERROR), ==, 0);
    dump = address_space_dump(&f.as);
    g_assert_cmpstr(dump, ==, "address-space: test\n  (nothing mapped)\n");
    g_free(dump);

    memory_region_destroy(&box);
    g_assert_null(f.root.subregions);
    fixture_fini(&f);
}

static void test_dump(void)
{
    static const MemoryRegionOps ops = {
        .read = dev_read,
        .write = dev_write,
    };
    Fixture f;
    MemoryRegion ram, rom, alias;
    TestDev d;
    char *dump;

    fixture_init(&f);
    ram_init(&ram, "mach-virt.ram", 0x10000, 0);
    ram_init(&rom, "flash", 0x1000, 0);
    memory_region_set_readonly(&rom, true);
    dev_init(&d, &ops);
    memory_region_init_alias(&alias, NULL, "ram-alias", &ram, 0x8000, 0x1000);
    memory_region_add_subregion(&f.root, 0, &rom);
    memory_region_add_subregion(&f.root, 0x9000000, &d.mr);
    memory_region_add_subregion(&f.root, 0x40000000, &ram);
    memory_region_add_subregion(&f.root, 0x80000000, &alias);
    dump = address_space_dump(&f.as);
    g_assert_cmpstr(dump, ==,
                    "address-space: test\n"
                    "  0000000000000000-0000000000000fff (rom) flash\n"
                    "  0000000009000000-00000000090000ff (i/o) testdev\n"
                    "  0000000040000000-000000004000ffff (ram) "
                    "mach-virt.ram\n"
                    "  0000000080000000-0000000080000fff (ram) "
                    "mach-virt.ram @0x8000\n");
    g_free(dump);

    memory_region_destroy(&alias);
    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    dev_fini(&d);
    fixture_fini(&f);
}

static void test_system_memory(void)
{
    MemoryRegion *sys = get_system_memory();
    AddressSpace *as = &address_space_memory;
    MemoryRegion ram;

    g_assert_true(address_space_memory_get() == as);
    g_assert_true(get_system_memory() == sys);
    g_assert_cmpstr(memory_region_name(sys), ==, "system");
    g_assert_true(sys->size_is_2_64);
    g_assert_cmphex(memory_region_size(sys), ==, UINT64_MAX);
    g_assert_cmpstr(address_space_name(as), ==, "memory");
    g_assert_true(address_space_root(as) == sys);

    ram_init(&ram, "ram", 0x1000, 0x42);
    memory_region_add_subregion(sys, 0x40000000, &ram);
    g_assert_cmphex(address_space_ldl_le(as, 0x40000000, U, NULL), ==,
                    0x42424242);
    memory_region_del_subregion(sys, &ram);
    memory_region_destroy(&ram);

    memory_system_teardown();
    memory_system_teardown();
    /* Created again on next use. */
    g_assert_cmpstr(address_space_name(&address_space_memory), ==, "memory");
    memory_system_teardown();
}

static void test_memtx_str(void)
{
    g_assert_cmpstr(memtx_result_str(MEMTX_OK), ==, "ok");
    g_assert_cmpstr(memtx_result_str(MEMTX_DECODE_ERROR), ==,
                    "decode-error");
    g_assert_cmpstr(memtx_result_str(MEMTX_IOMMU_FAULT), ==, "iommu-fault");
    g_assert_cmpstr(memtx_result_str(MEMTX_ACCESS_DENIED), ==,
                    "access-denied");
    g_assert_cmpstr(memtx_result_str(MEMTX_ERROR), ==, "error");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/ram/sizes", test_ram_sizes);
    g_test_add_func("/memory/ram/memfd", test_ram_memfd);
    g_test_add_func("/memory/ram/errors", test_ram_errors);
    g_test_add_func("/memory/container/priority", test_priority_overlap);
    g_test_add_func("/memory/container/equal-priority", test_equal_priority);
    g_test_add_func("/memory/container/transparent",
                    test_container_transparent);
    g_test_add_func("/memory/alias", test_alias);
    g_test_add_func("/memory/alias-merge", test_alias_merge);
    g_test_add_func("/memory/disabled-readd", test_disabled_and_readd);
    g_test_add_func("/memory/mmio/impl-widen-split",
                    test_mmio_impl_widen_split);
    g_test_add_func("/memory/mmio/valid-sizes", test_mmio_valid_sizes);
    g_test_add_func("/memory/mmio/big-endian", test_mmio_big_endian);
    g_test_add_func("/memory/mmio/big-endian-bytes",
                    test_mmio_big_endian_bytes);
    g_test_add_func("/memory/mmio/device-error", test_mmio_device_error);
    g_test_add_func("/memory/unmapped", test_unmapped);
    g_test_add_func("/memory/readonly", test_readonly_ram);
    g_test_add_func("/memory/top-of-space", test_top_of_space);
    g_test_add_func("/memory/listeners", test_listeners);
    g_test_add_func("/memory/transactions", test_transactions);
    g_test_add_func("/memory/destroy-mapped", test_destroy_mapped);
    g_test_add_func("/memory/dump", test_dump);
    g_test_add_func("/memory/system", test_system_memory);
    g_test_add_func("/memory/memtx-str", test_memtx_str);
    return g_test_run();
}
