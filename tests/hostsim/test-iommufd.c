/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the simulated iommufd core and IOAS, driving
 * hs_iommufd_ioctl() on a context of their own: object IDs (lowest free,
 * reuse, tombstones, DESTROY), the calling convention of uAPI 1.3
 * (ENOTTY, EFAULT, min_size, E2BIG, zero-extension, copy-back), MAP /
 * MAP_FILE / COPY / UNMAP / IOVA_RANGES / ALLOW_IOVAS with their errno,
 * automatic IOVA choice, domains (alignment, aperture, pinning and DMA
 * translation), IOMMU_OPTION, IOMMU_VFIO_IOAS and the container ioctls,
 * mmap of the fd, and a fail-nth sweep that must leave nothing behind.
 */
#include "hostsim-int.h"

#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define PAGE            4096ULL
#define U64_MAX         UINT64_MAX

static HSIctx *ictx;

static void ctx_open(void)
{
    int err;

    hs_lock();
    ictx = hs_ictx_open(&err);
    hs_unlock();
    g_assert_nonnull(ictx);
}

/* Close the context: nothing of it may survive. */
static void ctx_close(void)
{
    hs_lock();
    hs_ictx_put(ictx);
    g_assert_true(!hs_ictxs || !g_ptr_array_find(hs_ictxs, ictx, NULL));
    hs_unlock();
    ictx = NULL;
}

static int ioc(unsigned long req, void *arg)
{
    int rc;

    hs_lock();
    rc = hs_iommufd_ioctl(ictx, req, arg);
    hs_unlock();
    return rc;
}

static uint32_t ioas_alloc(void)
{
    struct iommu_ioas_alloc c = { .size = sizeof(c) };

    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, &c), ==, 0);
    return c.out_ioas_id;
}

static int destroy(uint32_t id)
{
    struct iommu_destroy c = { .size = sizeof(c), .id = id };

    return ioc(IOMMU_DESTROY, &c);
}

static HSIoas *ioas_of(uint32_t id)
{
    HSObj *obj;

    hs_lock();
    obj = g_hash_table_lookup(ictx->ids, GUINT_TO_POINTER(id));
    hs_unlock();
    g_assert_true(obj && obj != HS_ID_RESERVED && obj != HS_ID_TOMBSTONE);
    g_assert_cmpint(obj->type, ==, HS_OBJ_IOAS);
    return (HSIoas *)obj;
}

static int map(uint32_t ioas, void *va, uint64_t len, uint64_t *iova,
               uint32_t flags)
{
    struct iommu_ioas_map c = {
        .size = sizeof(c),
        .flags = flags,
        .ioas_id = ioas,
        .user_va = (uintptr_t)va,
        .length = len,
        .iova = *iova,
    };
    int rc = ioc(IOMMU_IOAS_MAP, &c);

    *iova = c.iova;
    return rc;
}

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED (IOMMU_IOAS_MAP_FIXED_IOVA | RW)

static int unmap(uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *out)
{
    struct iommu_ioas_unmap c = {
        .size = sizeof(c),
        .ioas_id = ioas,
        .iova = iova,
        .length = len,
    };
    int rc = ioc(IOMMU_IOAS_UNMAP, &c);

    if (out) {
        *out = c.length;
    }
    return rc;
}

static int ranges(uint32_t ioas, struct iommu_iova_range *r, uint32_t *num,
                  uint64_t *align)
{
    struct iommu_ioas_iova_ranges c = {
        .size = sizeof(c),
        .ioas_id = ioas,
        .num_iovas = *num,
        .allowed_iovas = (uintptr_t)r,
    };
    int rc = ioc(IOMMU_IOAS_IOVA_RANGES, &c);

    *num = c.num_iovas;
    if (align) {
        *align = c.out_iova_alignment;
    }
    return rc;
}

static void *buffer(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert_true(p != MAP_FAILED);
    memset(p, 0x5a, len);
    return p;
}

/* ---- object IDs ---- */

static void test_ids(void)
{
    HSObj *obj;
    int err;

    ctx_open();
    g_assert_cmpuint(ioas_alloc(), ==, 1);
    g_assert_cmpuint(ioas_alloc(), ==, 2);
    g_assert_cmpuint(ioas_alloc(), ==, 3);
    /* the lowest free ID is reused */
    g_assert_cmpint(destroy(2), ==, 0);
    g_assert_cmpint(destroy(2), ==, -ENOENT);
    g_assert_cmpint(destroy(0), ==, -ENOENT);
    g_assert_cmpint(destroy(77), ==, -ENOENT);
    g_assert_cmpuint(ioas_alloc(), ==, 2);
    g_assert_cmpuint(ioas_alloc(), ==, 4);

    /* users make DESTROY busy */
    ioas_of(1)->obj.users = 1;
    g_assert_cmpint(destroy(1), ==, -EBUSY);
    ioas_of(1)->obj.users = 0;

    /* a tombstone is never reused and never found until close */
    hs_lock();
    obj = hs_obj_get(ictx, 3, HS_OBJ_IOAS, &err);
    g_assert_nonnull(obj);
    g_assert_null(hs_obj_get(ictx, 3, HS_OBJ_DEVICE, &err));
    g_assert_cmpint(err, ==, -ENOENT);
    hs_obj_tombstone(obj);
    g_assert_null(hs_obj_get(ictx, 3, HS_OBJ_ANY, &err));
    g_assert_cmpint(err, ==, -ENOENT);
    g_assert_null(hs_obj_get(ictx, 0, HS_OBJ_ANY, &err));
    hs_unlock();
    g_assert_cmpint(destroy(3), ==, -ENOENT);
    g_assert_cmpuint(ioas_alloc(), ==, 5);
    g_assert_cmpstr(hs_obj_type_name(HS_OBJ_VEVENTQ), ==, "veventq");
    /* closing with live objects destroys them all */
    ctx_close();
}

/* ---- calling convention (1.3) ---- */

static void test_convention(void)
{
    uint8_t *pages;
    struct iommu_ioas_alloc *a;
    struct {
        struct iommu_ioas_alloc c;
        uint32_t tail[5];
    } big;
    struct iommu_hwpt_alloc hw;

    ctx_open();
    /* wrong direction/size bits, unknown numbers */
    memset(&big, 0, sizeof(big));
    big.c.size = sizeof(big.c);
    g_assert_cmpint(ioc(_IOWR(IOMMUFD_TYPE, 0x81, struct iommu_ioas_alloc),
                        &big), ==, -ENOTTY);
    g_assert_cmpint(ioc(_IO('x', 0x81), &big), ==, -ENOTTY);
    g_assert_cmpint(ioc(_IO(IOMMUFD_TYPE, 0xa0), &big), ==, -ENOTTY);
    g_assert_cmpint(ioc(_IO(IOMMUFD_TYPE, 0x96), NULL), ==, -ENOTTY);
    g_assert_cmpint(ioc(_IO(IOMMUFD_TYPE, 0x7f), NULL), ==, -ENOTTY);
    /* in range: the size is read first */
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, NULL), ==, -EFAULT);
    g_assert_cmpint(ioc(_IOR(IOMMUFD_TYPE, 0x81, int), NULL), ==, -EFAULT);
    /* the VFIO-container ioctls answer on an iommufd */
    g_assert_cmpint(ioc(VFIO_GET_API_VERSION, NULL), ==, VFIO_API_VERSION);
    g_assert_cmpint(ioc(VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1v2_IOMMU),
                    ==, 1);

    /* min_size */
    big.c.size = 8;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, &big), ==, -EINVAL);
    /* larger: zero tail accepted, the copy-back stops at the kernel size */
    big.c.size = sizeof(big);
    big.tail[0] = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, &big), ==, 0);
    g_assert_cmpuint(big.c.out_ioas_id, ==, 1);
    g_assert_cmpuint(big.c.size, ==, sizeof(big));
    for (int i = 0; i < 5; i++) {
        g_assert_cmpuint(big.tail[i], ==, 0);
    }
    /* a non-zero byte past the kernel struct is E2BIG, and no object */
    big.tail[4] = 1;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, &big), ==, -E2BIG);
    big.tail[4] = 0;
    big.c.flags = 1;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, &big), ==, -EOPNOTSUPP);
    g_assert_cmpuint(ioas_alloc(), ==, 2);

    /* a struct running into an unmapped page: EFAULT, unless a non-zero
     * byte comes first */
    pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(pages != MAP_FAILED);
    g_assert_cmpint(munmap(pages + PAGE, PAGE), ==, 0);
    a = (void *)(pages + PAGE - 16);
    memset(a, 0, 16);
    a->size = 32;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, a), ==, -EFAULT);
    pages[PAGE - 2] = 1;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, a), ==, -E2BIG);
    /* the output cannot be written back: EFAULT and no object left */
    a = (void *)(pages + 64);
    memset(a, 0, sizeof(*a));
    a->size = sizeof(*a);
    g_assert_cmpint(mprotect(pages, PAGE, PROT_READ), ==, 0);
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOC, a), ==, -EFAULT);
    munmap(pages, PAGE);
    g_assert_cmpuint(ioas_alloc(), ==, 3);

    /*
     * Zero-extension: a 24-byte (6.6) HWPT_ALLOC hides the garbage after
     * it; data_type != NONE with data_len 0 would be EINVAL, so getting
     * to the dev_id lookup (ENOENT) shows the tail was read as zero.
     */
    memset(&hw, 0xff, sizeof(hw));
    hw.size = 24;
    hw.flags = 0;
    hw.dev_id = 1000;
    hw.pt_id = 1;
    hw.__reserved = 0;
    hw.data_type = 5;
    hw.data_len = 0;
    if (ioc(IOMMU_HWPT_ALLOC, &hw) != -ENOSYS) {
        g_assert_cmpint(ioc(IOMMU_HWPT_ALLOC, &hw), ==, -ENOENT);
    }
    ctx_close();
}

/* ---- MAP / UNMAP ---- */

static void test_map_unmap(void)
{
    uint8_t *buf = buffer(16 * PAGE);
    uint64_t iova, len;
    uint32_t ioas;
    struct iommu_ioas_map m;

    ctx_open();
    ioas = ioas_alloc();

    /* check order of 1.8 */
    memset(&m, 0, sizeof(m));
    m.size = sizeof(m);
    m.ioas_id = ioas;
    m.user_va = (uintptr_t)buf;
    m.length = PAGE;
    m.flags = RW | (1 << 3);
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -EOPNOTSUPP);
    m.flags = RW;
    m.__reserved = 1;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -EOPNOTSUPP);
    m.__reserved = 0;
    m.iova = U64_MAX;
    m.ioas_id = 999;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -EOVERFLOW);
    m.iova = 0;
    m.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -EINVAL);
    m.flags = RW;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -ENOENT);
    m.ioas_id = ioas;
    m.length = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -EINVAL);
    m.user_va = U64_MAX - 10;
    m.length = PAGE;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP, &m), ==, -EOVERFLOW);

    /* automatic IOVA: never 0, lowest fit, aligned like the source */
    iova = 0;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, RW), ==, 0);
    g_assert_cmphex(iova, ==, PAGE);
    iova = 0;
    g_assert_cmpint(map(ioas, buf + PAGE, PAGE, &iova, RW), ==, 0);
    g_assert_cmphex(iova, ==, 2 * PAGE);
    /* a source offset within the page is kept */
    iova = 0;
    g_assert_cmpint(map(ioas, buf + 0x10, 0x100, &iova, RW), ==, 0);
    g_assert_cmphex(iova, ==, 3 * PAGE + 0x10);

    /* fixed: overlap with an area is EEXIST */
    iova = 0x100000;
    g_assert_cmpint(map(ioas, buf, 2 * PAGE, &iova, FIXED), ==, 0);
    g_assert_cmphex(iova, ==, 0x100000);
    iova = 0x101000;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, FIXED), ==, -EEXIST);
    iova = 0xff000;
    g_assert_cmpint(map(ioas, buf, 2 * PAGE, &iova, FIXED), ==, -EEXIST);
    iova = U64_MAX - PAGE + 1;
    g_assert_cmpint(map(ioas, buf, 2 * PAGE, &iova, FIXED), ==,
                    -EOVERFLOW);

    /* unmap: whole areas only, superset allowed */
    g_assert_cmpint(unmap(ioas, 0x100000, PAGE, NULL), ==, -ENOENT);
    g_assert_cmpint(unmap(ioas, 0x200000, PAGE, NULL), ==, -ENOENT);
    g_assert_cmpint(unmap(ioas, 0x100000, 0, NULL), ==, -EINVAL);
    g_assert_cmpint(unmap(ioas, U64_MAX, 1, NULL), ==, -EOVERFLOW);
    g_assert_cmpint(unmap(ioas, 3, U64_MAX - 1, NULL), ==, -EOVERFLOW);
    g_assert_cmpint(unmap(999, 0, U64_MAX, NULL), ==, -ENOENT);
    g_assert_cmpint(unmap(ioas, 0xf0000, 0x20000, &len), ==, 0);
    g_assert_cmphex(len, ==, 2 * PAGE);
    g_assert_cmpint(unmap(ioas, 0, U64_MAX, &len), ==, 0);
    g_assert_cmphex(len, ==, 2 * PAGE + 0x100);
    g_assert_cmpint(unmap(ioas, 0, U64_MAX, &len), ==, 0);
    g_assert_cmphex(len, ==, 0);

    /* an area still mapped at close goes with the context */
    iova = 0;
    g_assert_cmpint(map(ioas, buf, 16 * PAGE, &iova, RW), ==, 0);
    g_assert_cmphex(iova, !=, 0);
    ctx_close();
    munmap(buf, 16 * PAGE);
}

/* ---- IOVA_RANGES, ALLOW_IOVAS, reserved ranges ---- */

static void test_ranges(void)
{
    struct iommu_iova_range r[4];
    struct iommu_ioas_allow_iovas al = { .size = sizeof(al) };
    uint8_t *buf = buffer(4 * PAGE);
    uint64_t align, iova;
    uint32_t ioas, num;
    HSIoas *io;
    int owner;

    ctx_open();
    ioas = ioas_alloc();
    io = ioas_of(ioas);

    num = 4;
    g_assert_cmpint(ranges(ioas, r, &num, &align), ==, 0);
    g_assert_cmpuint(num, ==, 1);
    g_assert_cmphex(r[0].start, ==, 0);
    g_assert_cmphex(r[0].last, ==, U64_MAX);
    g_assert_cmpuint(align, ==, 1);

    /* a reserved window splits the space; EMSGSIZE still reports */
    hs_lock();
    g_assert_cmpint(hs_ioas_reserve(io, HS_MSI_IOVA_BASE, HS_MSI_IOVA_LAST,
                                    &owner, "msi"), ==, 0);
    g_assert_cmpint(hs_ioas_reserve(io, HS_MSI_IOVA_BASE, HS_MSI_IOVA_LAST,
                                    &num, "msi"), ==, 0);
    hs_unlock();
    num = 1;
    memset(r, 0, sizeof(r));
    g_assert_cmpint(ranges(ioas, r, &num, NULL), ==, -EMSGSIZE);
    g_assert_cmpuint(num, ==, 2);
    g_assert_cmphex(r[0].last, ==, HS_MSI_IOVA_BASE - 1);
    g_assert_cmphex(r[1].start, ==, 0);
    num = 0;
    g_assert_cmpint(ranges(ioas, NULL, &num, NULL), ==, -EMSGSIZE);
    num = 2;
    g_assert_cmpint(ranges(ioas, NULL, &num, NULL), ==, -EFAULT);
    num = 2;
    g_assert_cmpint(ranges(ioas, r, &num, NULL), ==, 0);
    g_assert_cmphex(r[1].start, ==, HS_MSI_IOVA_LAST + 1);
    g_assert_cmphex(r[1].last, ==, U64_MAX);

    /* fixed maps may not touch it; reservations may not touch areas */
    iova = HS_MSI_IOVA_BASE - PAGE;
    g_assert_cmpint(map(ioas, buf, 2 * PAGE, &iova, FIXED), ==, -EINVAL);
    iova = 0x40000000;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, FIXED), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_reserve(io, 0x40000000, 0x40000000, &owner,
                                    "x"), ==, -EADDRINUSE);
    hs_unlock();

    /* allowed list: start < last, no overlap, no reserved */
    al.ioas_id = ioas;
    al.allowed_iovas = (uintptr_t)r;
    al.num_iovas = 1;
    r[0].start = r[0].last = 0x10000000;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, -EINVAL);
    r[0].last = 0x1fffffff;
    r[1].start = 0x1ffff000;
    r[1].last = 0x2fffffff;
    al.num_iovas = 2;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, -EINVAL);
    r[1].start = 0x08000000;
    r[1].last = 0x08000fff;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, -EADDRINUSE);
    al.__reserved = 1;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, -EOPNOTSUPP);
    al.__reserved = 0;
    al.allowed_iovas = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, -EFAULT);
    al.allowed_iovas = (uintptr_t)r;
    al.num_iovas = 1;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, 0);
    /* automatic IOVAs now come from the allowed list */
    iova = 0;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, RW), ==, 0);
    g_assert_cmphex(iova, ==, 0x10000000);
    /* the allowed list blocks new reservations */
    hs_lock();
    g_assert_cmpint(hs_ioas_reserve(io, 0x1f000000, 0x1f000fff, &owner,
                                    "x"), ==, -EADDRINUSE);
    hs_ioas_unreserve(io, &owner);
    hs_ioas_unreserve(io, &num);
    hs_unlock();
    num = 4;
    g_assert_cmpint(ranges(ioas, r, &num, NULL), ==, 0);
    g_assert_cmpuint(num, ==, 1);
    /* clearing the list */
    al.num_iovas = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_ALLOW_IOVAS, &al), ==, 0);
    g_assert_cmpuint(io->allowed->len, ==, 0);
    ctx_close();
    munmap(buf, 4 * PAGE);
}

/* ---- domains: alignment, aperture, pinning, DMA ---- */

static void test_domain(void)
{
    uint8_t *buf = buffer(8 * PAGE), *hva;
    HSHwpt hwpt = { .kind = HS_HWPT_PAGING };
    struct iommu_iova_range r[4];
    uint64_t iova, align;
    uint32_t ioas, num;
    HSIoas *io;
    void *hole;

    ctx_open();
    ioas = ioas_alloc();
    io = ioas_of(ioas);

    /* a misaligned area blocks a 4K domain */
    iova = 0x1000;
    g_assert_cmpint(map(ioas, buf + 8, 0x100, &iova, FIXED), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_add_domain(io, &hwpt, (1ULL << 48) - 1, PAGE),
                    ==, -EADDRINUSE);
    hs_unlock();
    g_assert_cmpint(unmap(ioas, 0, U64_MAX, NULL), ==, 0);

    /* an area above the aperture blocks it too */
    iova = 1ULL << 50;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, FIXED), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_add_domain(io, &hwpt, (1ULL << 48) - 1, PAGE),
                    ==, -EADDRINUSE);
    hs_unlock();
    g_assert_cmpint(unmap(ioas, 0, U64_MAX, NULL), ==, 0);

    /* no domain: memory is not looked at (Linux pins lazily) */
    hole = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    iova = 0x200000;
    g_assert_cmpint(map(ioas, hole, PAGE, &iova, FIXED), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_add_domain(io, &hwpt, (1ULL << 48) - 1, PAGE),
                    ==, -EFAULT);
    g_assert_cmpuint(io->reserved->len, ==, 0);
    g_assert_cmpuint(io->iova_alignment, ==, 1);
    hs_unlock();
    g_assert_cmpint(unmap(ioas, 0, U64_MAX, NULL), ==, 0);

    iova = 0x100000;
    g_assert_cmpint(map(ioas, buf, 4 * PAGE, &iova, FIXED), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_add_domain(io, &hwpt, (1ULL << 48) - 1, PAGE),
                    ==, 0);
    hs_unlock();
    num = 4;
    g_assert_cmpint(ranges(ioas, r, &num, &align), ==, 0);
    g_assert_cmpuint(num, ==, 1);
    g_assert_cmphex(r[0].last, ==, (1ULL << 48) - 1);
    g_assert_cmpuint(align, ==, PAGE);

    /* with a domain, maps are checked (pinned) at once */
    iova = 0x300000;
    g_assert_cmpint(map(ioas, hole, PAGE, &iova, FIXED), ==, -EFAULT);
    g_assert_cmpint(mprotect(hole, PAGE, PROT_READ), ==, 0);
    g_assert_cmpint(map(ioas, hole, PAGE, &iova, FIXED), ==, -EFAULT);
    g_assert_cmpint(map(ioas, hole, PAGE, &iova,
                        IOMMU_IOAS_MAP_FIXED_IOVA |
                        IOMMU_IOAS_MAP_READABLE), ==, 0);
    iova = 0x400000;
    g_assert_cmpint(map(ioas, buf + 8, 0x100, &iova, FIXED), ==, -EINVAL);
    g_assert_cmpint(map(ioas, buf, 0x100, &iova, FIXED), ==, -EINVAL);
    iova = 0x400008;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, FIXED), ==, -EINVAL);
    iova = 1ULL << 48;
    g_assert_cmpint(map(ioas, buf, PAGE, &iova, FIXED), ==, -EINVAL);

    /* DMA reaches the user memory, with the map's permissions */
    hs_lock();
    g_assert_cmpint(hs_ioas_translate(io, 0x101000, 16, true, &hva), ==, 0);
    g_assert_true(hva == buf + PAGE);
    g_assert_cmpint(hs_ioas_translate(io, 0x103ff0, 32, false, &hva), ==,
                    -ENOENT);
    g_assert_cmpint(hs_ioas_translate(io, 0x300000, 4, true, &hva), ==,
                    -EPERM);
    g_assert_cmpint(hs_ioas_translate(io, 0x300000, 4, false, &hva), ==, 0);
    g_assert_cmpint(hs_ioas_translate(io, 0x500000, 4, false, &hva), ==,
                    -ENOENT);
    hs_unlock();

    /* huge pages can no longer be turned off */
    {
        struct iommu_option o = {
            .size = sizeof(o),
            .option_id = IOMMU_OPTION_HUGE_PAGES,
            .op = IOMMU_OPTION_OP_SET,
            .object_id = ioas,
            .val64 = 0,
        };

        g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EINVAL);
    }

    hs_lock();
    hs_ioas_remove_domain(io, &hwpt);
    g_assert_cmpuint(io->iova_alignment, ==, 1);
    g_assert_cmpuint(io->reserved->len, ==, 0);
    g_assert_cmpuint(io->hwpts->len, ==, 0);
    hs_unlock();
    ctx_close();
    munmap(hole, PAGE);
    munmap(buf, 8 * PAGE);
}

/* ---- COPY ---- */

static void test_copy(void)
{
    uint8_t *buf = buffer(8 * PAGE);
    struct iommu_ioas_copy c = { .size = sizeof(c) };
    uint64_t lowbit = (uintptr_t)(buf + PAGE) & -(uintptr_t)(buf + PAGE);
    uint32_t src, dst;
    uint64_t iova, len;

    ctx_open();
    src = ioas_alloc();
    dst = ioas_alloc();
    iova = 0x100000;
    g_assert_cmpint(map(src, buf, 2 * PAGE, &iova, FIXED), ==, 0);
    iova = 0x102000;
    g_assert_cmpint(map(src, buf + 2 * PAGE, 2 * PAGE, &iova,
                        IOMMU_IOAS_MAP_FIXED_IOVA |
                        IOMMU_IOAS_MAP_READABLE), ==, 0);

    c.dst_ioas_id = dst;
    c.src_ioas_id = src;
    c.src_iova = 0x101000;
    c.length = 2 * PAGE;
    c.flags = RW | 8;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -EOPNOTSUPP);
    c.flags = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -EINVAL);
    c.flags = IOMMU_IOAS_MAP_READABLE;
    c.src_ioas_id = 99;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -ENOENT);
    c.src_ioas_id = src;
    c.length = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -EINVAL);
    c.length = 4 * PAGE;        /* runs past the mapped source */
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -ENOENT);
    c.length = 2 * PAGE;
    c.dst_ioas_id = 98;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -ENOENT);
    c.dst_ioas_id = dst;
    /* the second source area was mapped read-only */
    c.flags = RW;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, -EPERM);
    c.flags = IOMMU_IOAS_MAP_READABLE;
    g_assert_cmpint(ioc(IOMMU_IOAS_COPY, &c), ==, 0);
    /* aligned as the first source byte, up to the length (8K) */
    g_assert_cmphex(c.dst_iova, ==, MIN(lowbit, 2 * PAGE));
    /* one area per source slice: the first page unmaps alone */
    g_assert_cmpint(unmap(dst, c.dst_iova, PAGE, NULL), ==, 0);
    g_assert_cmpint(unmap(dst, 0, U64_MAX, &len), ==, 0);
    g_assert_cmphex(len, ==, PAGE);
    ctx_close();
    munmap(buf, 8 * PAGE);
}

/* ---- MAP_FILE ---- */

static void test_map_file(void)
{
    struct iommu_ioas_map_file m = { .size = sizeof(m) };
    HSHwpt hwpt = { .kind = HS_HWPT_PAGING };
    int memfd, pipefd[2];
    uint8_t *hva, byte = 0;
    uint32_t ioas;
    HSIoas *io;

    if (!hs_real.mmap) {
        g_test_skip("interposition not initialised");
        return;
    }
    memfd = memfd_create("test-iommufd", MFD_CLOEXEC);
    g_assert_cmpint(memfd, >=, 0);
    g_assert_cmpint(ftruncate(memfd, 4 * PAGE), ==, 0);
    g_assert_cmpint(pipe(pipefd), ==, 0);

    ctx_open();
    ioas = ioas_alloc();
    io = ioas_of(ioas);
    m.ioas_id = ioas;
    m.fd = 1000;
    m.length = PAGE;
    m.flags = RW;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, -EBADF);
    m.length = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, -EINVAL);
    m.length = PAGE;
    m.start = U64_MAX - 2;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, -EOVERFLOW);
    m.start = 0;
    m.flags = 16;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, -EOPNOTSUPP);

    /* without a domain even a pipe is accepted; pinning refuses it */
    m.flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA;
    m.fd = pipefd[0];
    m.iova = 0x200000;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_add_domain(io, &hwpt, U64_MAX, PAGE), ==,
                    -EINVAL);
    hs_unlock();
    g_assert_cmpint(unmap(ioas, 0x200000, PAGE, NULL), ==, 0);

    m.fd = memfd;
    m.start = PAGE;
    m.length = 2 * PAGE;
    m.iova = 0x100000;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_ioas_add_domain(io, &hwpt, U64_MAX, PAGE), ==, 0);
    hs_unlock();
    /* with a domain: beyond the end of the file is EINVAL */
    m.start = 3 * PAGE;
    m.iova = 0x300000;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, -EINVAL);
    m.fd = pipefd[1];
    m.start = 0;
    g_assert_cmpint(ioc(IOMMU_IOAS_MAP_FILE, &m), ==, -EINVAL);

    /* a DMA write lands in the file */
    hs_lock();
    g_assert_cmpint(hs_ioas_translate(io, 0x101000, 1, true, &hva), ==, 0);
    *hva = 0xa5;
    hs_unlock();
    g_assert_cmpint(pread(memfd, &byte, 1, 2 * PAGE), ==, 1);
    g_assert_cmphex(byte, ==, 0xa5);

    /* only file areas: CHANGE_PROCESS is fine */
    {
        struct iommu_ioas_change_process cp = { .size = sizeof(cp) };

        g_assert_cmpint(ioc(IOMMU_IOAS_CHANGE_PROCESS, &cp), ==, 0);
        cp.__reserved = 1;
        g_assert_cmpint(ioc(IOMMU_IOAS_CHANGE_PROCESS, &cp), ==,
                        -EOPNOTSUPP);
    }
    hs_lock();
    hs_ioas_remove_domain(io, &hwpt);
    hs_unlock();
    ctx_close();
    close(memfd);
    close(pipefd[0]);
    close(pipefd[1]);
}

/* ---- IOMMU_OPTION ---- */

static void test_option(void)
{
    struct iommu_option o = { .size = sizeof(o) };
    uint64_t align;
    uint32_t ioas, num = 0;

    ctx_open();
    o.option_id = IOMMU_OPTION_RLIMIT_MODE;
    o.op = IOMMU_OPTION_OP_GET;
    o.val64 = 55;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, 0);
    g_assert_cmpuint(o.val64, ==, 0);
    o.op = IOMMU_OPTION_OP_SET;
    o.val64 = 2;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==,
                    hs_capable(24 /* CAP_SYS_RESOURCE */) ? -EINVAL : -EPERM);
    o.object_id = 1;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EOPNOTSUPP);
    o.object_id = 0;
    o.op = 7;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EOPNOTSUPP);
    o.op = IOMMU_OPTION_OP_SET;
    o.__reserved = 1;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EOPNOTSUPP);
    o.__reserved = 0;
    o.option_id = 9;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EOPNOTSUPP);
    if (hs_capable(24)) {
        o.option_id = IOMMU_OPTION_RLIMIT_MODE;
        o.val64 = 1;
        g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, 0);
        o.op = IOMMU_OPTION_OP_GET;
        o.val64 = 0;
        g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, 0);
        g_assert_cmpuint(o.val64, ==, 1);
    }

    ioas = ioas_alloc();
    o.option_id = IOMMU_OPTION_RLIMIT_MODE;
    o.op = IOMMU_OPTION_OP_SET;
    o.val64 = 0;
    if (hs_capable(24)) {
        g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EBUSY);
    }

    o.option_id = IOMMU_OPTION_HUGE_PAGES;
    o.op = IOMMU_OPTION_OP_GET;
    o.object_id = 77;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -ENOENT);
    o.object_id = ioas;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, 0);
    g_assert_cmpuint(o.val64, ==, 1);
    o.op = IOMMU_OPTION_OP_SET;
    o.val64 = 3;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, -EINVAL);
    o.val64 = 0;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, 0);
    g_assert_cmpint(ranges(ioas, NULL, &num, &align), ==, -EMSGSIZE);
    g_assert_cmpuint(align, ==, PAGE);
    o.val64 = 1;
    g_assert_cmpint(ioc(IOMMU_OPTION, &o), ==, 0);
    num = 0;
    g_assert_cmpint(ranges(ioas, NULL, &num, &align), ==, -EMSGSIZE);
    g_assert_cmpuint(align, ==, 1);
    ctx_close();
}

/* ---- IOMMU_VFIO_IOAS and the VFIO-container ioctls ---- */

static void test_vfio_compat(void)
{
    struct iommu_vfio_ioas v = { .size = sizeof(v) };
    struct vfio_iommu_type1_dma_map dm = { .argsz = sizeof(dm) };
    struct vfio_iommu_type1_dma_unmap du = { .argsz = sizeof(du) };
    struct {
        struct vfio_iommu_type1_info info;
        uint8_t caps[256];
    } gi;
    struct vfio_iommu_type1_info_cap_iova_range cap;
    struct vfio_iova_range range;
    uint8_t *buf = buffer(4 * PAGE);
    uint32_t ioas;

    ctx_open();
    v.op = IOMMU_VFIO_IOAS_GET;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, -ENODEV);
    g_assert_cmpint(ioc(VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), ==,
                    -ENODEV);
    ioas = ioas_alloc();
    v.op = IOMMU_VFIO_IOAS_SET;
    v.ioas_id = 50;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, -ENOENT);
    v.ioas_id = ioas;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, 0);
    v.op = IOMMU_VFIO_IOAS_GET;
    v.ioas_id = 0;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, 0);
    g_assert_cmpuint(v.ioas_id, ==, ioas);
    v.op = 3;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, -EOPNOTSUPP);

    g_assert_cmpint(ioc(VFIO_SET_IOMMU, (void *)7), ==, -EINVAL);
    g_assert_cmpint(ioc(VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), ==, 0);
    dm.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    dm.vaddr = (uintptr_t)buf;
    dm.iova = 0x10000;
    dm.size = 2 * PAGE;
    g_assert_cmpint(ioc(VFIO_IOMMU_MAP_DMA, &dm), ==, 0);
    g_assert_cmpint(ioc(VFIO_IOMMU_MAP_DMA, &dm), ==, -EEXIST);
    memset(&gi, 0, sizeof(gi));
    gi.info.argsz = sizeof(gi);
    g_assert_cmpint(ioc(VFIO_IOMMU_GET_INFO, &gi), ==, 0);
    g_assert_cmpuint(gi.info.cap_offset, ==, sizeof(gi.info));
    g_assert_cmpuint(gi.info.argsz, ==, sizeof(gi.info) + 12 + 16 + 16);
    memcpy(&cap, gi.caps + 12, sizeof(cap));
    memcpy(&range, gi.caps + 12 + sizeof(cap), sizeof(range));
    g_assert_cmpuint(cap.header.id, ==, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
    g_assert_cmpuint(cap.nr_iovas, ==, 1);
    g_assert_cmphex(range.start, ==, 0);
    g_assert_cmphex(range.end, ==, U64_MAX);
    du.iova = 0x10000;
    du.size = 2 * PAGE;
    g_assert_cmpint(ioc(VFIO_IOMMU_UNMAP_DMA, &du), ==, 0);
    g_assert_cmphex(du.size, ==, 2 * PAGE);

    /* destroying the IOAS forgets it */
    g_assert_cmpint(destroy(ioas), ==, 0);
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, -EOPNOTSUPP);
    v.op = IOMMU_VFIO_IOAS_GET;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, -ENODEV);
    v.op = IOMMU_VFIO_IOAS_CLEAR;
    g_assert_cmpint(ioc(IOMMU_VFIO_IOAS, &v), ==, 0);
    ctx_close();
    munmap(buf, 4 * PAGE);
}

/* ---- mmap (1.22) ---- */

static void test_mmap(void)
{
    ctx_open();
    hs_lock();
    g_assert_cmpint(hs_iommufd_mmap_check(ictx, PAGE, PROT_READ,
                                          MAP_PRIVATE, 0), ==, -EINVAL);
    g_assert_cmpint(hs_iommufd_mmap_check(ictx, PAGE, PROT_READ | PROT_EXEC,
                                          MAP_SHARED, 0), ==, -EPERM);
    g_assert_cmpint(hs_iommufd_mmap_check(ictx, 0, PROT_READ, MAP_SHARED, 0),
                    ==, -EINVAL);
    g_assert_cmpint(hs_iommufd_mmap_check(ictx, PAGE, PROT_READ, MAP_SHARED,
                                          100), ==, -EINVAL);
    g_assert_cmpint(hs_iommufd_mmap_check(ictx, 100, PROT_READ, MAP_SHARED,
                                          PAGE), ==, -ENXIO);
    g_assert_cmpint(hs_iommufd_mmap_check(ictx, 64 * 1024, PROT_READ |
                                          PROT_WRITE, MAP_SHARED_VALIDATE,
                                          PAGE), ==, -ENXIO);
    hs_unlock();
    ctx_close();
}

/* ---- fail-nth: a whole IOAS scenario, failing its Nth point ---- */

static int scenario(uint8_t *buf)
{
    struct iommu_ioas_copy c = { .size = sizeof(c) };
    struct iommu_iova_range r = { 0x100000, 0x1fffffff };
    struct iommu_ioas_allow_iovas al = {
        .size = sizeof(al),
        .num_iovas = 1,
        .allowed_iovas = (uintptr_t)&r,
    };
    uint64_t iova = 0;
    uint32_t a, b;
    struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
    int rc;

    rc = ioc(IOMMU_IOAS_ALLOC, &ia);
    if (rc) {
        return rc;
    }
    a = ia.out_ioas_id;
    rc = ioc(IOMMU_IOAS_ALLOC, &ia);
    if (rc) {
        return rc;
    }
    b = ia.out_ioas_id;
    al.ioas_id = b;
    rc = ioc(IOMMU_IOAS_ALLOW_IOVAS, &al);
    if (rc) {
        return rc;
    }
    rc = map(a, buf, 2 * PAGE, &iova, RW);
    if (rc) {
        return rc;
    }
    c.flags = RW;
    c.dst_ioas_id = b;
    c.src_ioas_id = a;
    c.src_iova = iova;
    c.length = 2 * PAGE;
    rc = ioc(IOMMU_IOAS_COPY, &c);
    if (rc) {
        return rc;
    }
    rc = unmap(a, iova, 2 * PAGE, NULL);
    if (rc) {
        return rc;
    }
    return destroy(a);
}

static void test_failnth(void)
{
    uint8_t *buf = buffer(2 * PAGE);
    unsigned n;

    for (n = 1; n < 200; n++) {
        bool consumed;
        int rc;

        ctx_open();
        hs_lock();
        hs_failnth_set(n);
        hs_unlock();
        rc = scenario(buf);
        hs_lock();
        consumed = hs_failnth_remaining() == 0 && hs_failnth_last(NULL, NULL);
        hs_failnth_set(0);
        hs_unlock();
        ctx_close();
        if (!consumed) {
            g_assert_cmpint(rc, ==, 0);
            break;
        }
        g_assert_true(rc == -ENOMEM || rc == -ENOENT);
    }
    g_assert_cmpuint(n, >, 5);
    g_assert_cmpuint(n, <, 200);
    ctx_open();
    g_assert_cmpint(scenario(buf), ==, 0);
    ctx_close();
    munmap(buf, 2 * PAGE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hs_init();
    g_test_add_func("/hostsim/iommufd/ids", test_ids);
    g_test_add_func("/hostsim/iommufd/convention", test_convention);
    g_test_add_func("/hostsim/iommufd/map-unmap", test_map_unmap);
    g_test_add_func("/hostsim/iommufd/ranges", test_ranges);
    g_test_add_func("/hostsim/iommufd/domain", test_domain);
    g_test_add_func("/hostsim/iommufd/copy", test_copy);
    g_test_add_func("/hostsim/iommufd/map-file", test_map_file);
    g_test_add_func("/hostsim/iommufd/option", test_option);
    g_test_add_func("/hostsim/iommufd/vfio-compat", test_vfio_compat);
    g_test_add_func("/hostsim/iommufd/mmap", test_mmap);
    g_test_add_func("/hostsim/iommufd/failnth", test_failnth);
    return g_test_run();
}
