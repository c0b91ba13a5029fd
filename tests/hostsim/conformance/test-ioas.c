/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance checks of the IOAS ioctls (iommufd-uapi.md 1.5-1.11):
 * ALLOC, MAP (every errno in the documented order, automatic IOVA,
 * pinning only once a domain exists), MAP_FILE, COPY, UNMAP (whole
 * areas, unmap-all, overflow), IOVA_RANGES (EMSGSIZE, alignment) and
 * ALLOW_IOVAS.  Checks that need a paging domain use the first edu
 * device; the rest need only /dev/iommu.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "env.h"

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED IOMMU_IOAS_MAP_FIXED_IOVA
#define MEM_LEN 0x10000

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
    }
    *fd = -1;
}

static int map(int fd, uint32_t ioas, uint32_t flags, void *va,
               uint64_t len, uint64_t *iova)
{
    struct iommu_ioas_map m = {
        .size = sizeof(m), .flags = flags, .ioas_id = ioas,
        .user_va = (uintptr_t)va, .length = len, .iova = *iova,
    };
    int r = cenv_ioctl(fd, IOMMU_IOAS_MAP, &m);

    if (r == 0) {
        *iova = m.iova;
    }
    return r;
}

static int unmap_len(int fd, uint32_t ioas, uint64_t iova, uint64_t *len)
{
    struct iommu_ioas_unmap u = {
        .size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = *len,
    };
    int r = cenv_ioctl(fd, IOMMU_IOAS_UNMAP, &u);

    *len = u.length;
    return r;
}

/* Ranges of IOVA_RANGES into r (capacity n); the total count or -errno. */
static int ranges(int fd, uint32_t ioas, struct iommu_iova_range *r,
                  uint32_t n, uint64_t *align)
{
    struct iommu_ioas_iova_ranges q = {
        .size = sizeof(q), .ioas_id = ioas, .num_iovas = n,
        .allowed_iovas = (uintptr_t)r,
    };
    int ret = cenv_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q);

    if (align) {
        *align = q.out_iova_alignment;
    }
    return ret ? ret : (int)q.num_iovas;
}

static int allow(int fd, uint32_t ioas, const struct iommu_iova_range *r,
                 uint32_t n)
{
    struct iommu_ioas_allow_iovas a = {
        .size = sizeof(a), .ioas_id = ioas, .num_iovas = n,
        .allowed_iovas = (uintptr_t)r,
    };

    return cenv_ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

/* ---- a context with one IOAS and some memory ------------------------ */

FIXTURE(ioas) {
    int fd;
    uint32_t ioas;
    uint8_t *mem;
};
FIXTURE_VARIANT(ioas) {
    int unused;
};
FIXTURE_VARIANT_ADD(ioas, default) { 0 };
FIXTURE_SETUP(ioas)
{
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    self->mem = cenv_alloc(MEM_LEN);
}
FIXTURE_TEARDOWN(ioas)
{
    close_fd(&self->fd);
    cenv_free(self->mem, MEM_LEN);
}

TEST_F(ioas, new_ioas_has_everything_usable)
{
    struct iommu_iova_range r[4];
    uint64_t align = 0;

    ASSERT_EQ(ranges(self->fd, self->ioas, r, 4, &align), 1);
    EXPECT_EQ(r[0].start, 0);
    EXPECT_EQ(r[0].last, UINT64_MAX);
    EXPECT_EQ(align, 1);
}

TEST_F(ioas, auto_iova_lowest_fit_never_zero)
{
    uint64_t iova[3], len, i;
    struct iommu_iova_range r = { .start = 0, .last = 0xfffff };

    for (i = 0; i < 3; i++) {
        iova[i] = 0;
        ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem + i * 4096, 4096,
                      &iova[i]), 0);
    }
    EXPECT_EQ(iova[0], 0x1000);
    EXPECT_EQ(iova[1], 0x2000);
    EXPECT_EQ(iova[2], 0x3000);
    len = 4096;
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0x2000, &len), 0);
    iova[1] = 0;
    ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem + 0x8000, 4096,
                  &iova[1]), 0);
    EXPECT_EQ(iova[1], 0x2000);
    /* Even when IOVA 0 is allowed and free, it is not picked. */
    len = UINT64_MAX;
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 3 * 4096);
    ASSERT_EQ(allow(self->fd, self->ioas, &r, 1), 0);
    iova[0] = 0;
    ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem, 4096, &iova[0]), 0);
    EXPECT_EQ(iova[0], 0x1000);
}

TEST_F(ioas, auto_iova_inside_allowed)
{
    struct iommu_iova_range r = { .start = 0x40000000, .last = 0x4fffffff };
    uint64_t iova = 0;

    ASSERT_EQ(allow(self->fd, self->ioas, &r, 1), 0);
    ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x4000, &iova), 0);
    EXPECT_EQ(iova, 0x40000000);
    /* A FIXED map outside the allowed list is still fine. */
    iova = 0x100000;
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x4000,
                  &iova), 0);
}

TEST_F(ioas, auto_iova_enospc)
{
    struct iommu_iova_range r = { .start = 0x10000, .last = 0x10fff };
    uint64_t iova = 0;

    ASSERT_EQ(allow(self->fd, self->ioas, &r, 1), 0);
    EXPECT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x2000, &iova),
              -ENOSPC);
    EXPECT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x1000, &iova), 0);
    EXPECT_EQ(iova, 0x10000);
    EXPECT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x1000, &iova),
              -ENOSPC);
}

TEST_F(ioas, fixed_map_returns_iova)
{
    uint64_t iova = 0x7654000, len = 0x3000;

    ASSERT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x3000,
                  &iova), 0);
    EXPECT_EQ(iova, 0x7654000);
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0x7654000, &len), 0);
    EXPECT_EQ(len, 0x3000);
}

TEST_F(ioas, map_without_domain_does_not_pin)
{
    /* Pages are pinned only when a domain needs them: without one, a map
     * of memory that is not mapped is accepted. */
    void *hole = mmap(NULL, 0x4000, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    uint64_t iova = 0x200000;

    ASSERT_TRUE(hole != MAP_FAILED);
    munmap(hole, 0x4000);
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, hole, 0x4000, &iova), 0);
}

/* ---- MAP errno in the documented order ------------------------------ */

FIXTURE(map_err) {
    int fd;
    uint32_t ioas;
    uint8_t *mem;
};
FIXTURE_VARIANT(map_err) {
    uint32_t flags, reserved;
    bool bad_ioas;
    uint64_t iova, length;
    int err;
};
/* Each variant is valid except for what its name says (an area is
 * mapped at [0x100000, 0x102000)). */
#define MAP_VARIANT(name, flags_, rsv, bad, iova_, len_, err_)          \
    FIXTURE_VARIANT_ADD(map_err, name) {                                \
        .flags = flags_, .reserved = rsv, .bad_ioas = bad,              \
        .iova = iova_, .length = len_, .err = err_,                     \
    }
#define OKF (RW | FIXED)
MAP_VARIANT(unknown_flag, OKF | 8, 0, false, 0x400000, 0x1000, EOPNOTSUPP);
MAP_VARIANT(high_flag, RW | 0x80000000u, 0, false, 0x400000, 0x1000,
            EOPNOTSUPP);
MAP_VARIANT(reserved, OKF, 1, false, 0x400000, 0x1000, EOPNOTSUPP);
MAP_VARIANT(flag_before_overflow, RW | 8, 0, false, 0x400000, UINT64_MAX,
            EOPNOTSUPP);
MAP_VARIANT(iova_overflow, OKF, 0, false, UINT64_MAX, 0x1000, EOVERFLOW);
MAP_VARIANT(length_overflow, OKF, 0, false, 0x400000, UINT64_MAX,
            EOVERFLOW);
MAP_VARIANT(overflow_before_rw, FIXED, 0, false, 0x400000, UINT64_MAX,
            EOVERFLOW);
MAP_VARIANT(no_rw, FIXED, 0, false, 0x400000, 0x1000, EINVAL);
MAP_VARIANT(rw_before_ioas, FIXED, 0, true, 0x400000, 0x1000, EINVAL);
MAP_VARIANT(bad_ioas, OKF, 0, true, 0x400000, 0x1000, ENOENT);
MAP_VARIANT(ioas_before_length, OKF, 0, true, 0x400000, 0, ENOENT);
MAP_VARIANT(length_zero, OKF, 0, false, 0x400000, 0, EINVAL);
MAP_VARIANT(iova_wraps, OKF, 0, false, 0xfffffffffffff000ull, 0x2000,
            EOVERFLOW);
MAP_VARIANT(exists_inside, OKF, 0, false, 0x101000, 0x1000, EEXIST);
MAP_VARIANT(exists_overlap, OKF, 0, false, 0xff000, 0x2000, EEXIST);
MAP_VARIANT(exists_cover, OKF, 0, false, 0xff000, 0x4000, EEXIST);
MAP_VARIANT(adjacent_ok, OKF, 0, false, 0x102000, 0x1000, 0);
FIXTURE_SETUP(map_err)
{
    uint64_t iova = 0x100000;

    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    self->mem = cenv_alloc(MEM_LEN);
    ASSERT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x2000,
                  &iova), 0);
}
FIXTURE_TEARDOWN(map_err)
{
    close_fd(&self->fd);
    cenv_free(self->mem, MEM_LEN);
}

TEST_F(map_err, map)
{
    struct iommu_ioas_map m = {
        .size = sizeof(m), .flags = variant->flags,
        .ioas_id = variant->bad_ioas ? 0x4242 : self->ioas,
        .__reserved = variant->reserved,
        .user_va = (uintptr_t)(self->mem + 0x4000),
        .length = variant->length, .iova = variant->iova,
    };
    struct iommu_iova_range r[2];
    uint64_t len = UINT64_MAX;

    if (variant->err) {
        ASSERT_IOCTL_ERR(variant->err, self->fd, IOMMU_IOAS_MAP, &m);
    } else {
        ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_MAP, &m);
    }
    /* The first area is untouched; nothing else was added on failure. */
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0x2000 + (variant->err ? 0 : variant->length));
    EXPECT_EQ(ranges(self->fd, self->ioas, r, 2, NULL), 1);
}

/* ---- MAP_FILE -------------------------------------------------------- */

static int map_file(int fd, uint32_t ioas, uint32_t flags, int mfd,
                    uint64_t start, uint64_t len, uint64_t *iova)
{
    struct iommu_ioas_map_file m = {
        .size = sizeof(m), .flags = flags, .ioas_id = ioas, .fd = mfd,
        .start = start, .length = len, .iova = *iova,
    };
    int r = cenv_ioctl(fd, IOMMU_IOAS_MAP_FILE, &m);

    if (r == 0) {
        *iova = m.iova;
    }
    return r;
}

static int new_memfd(size_t len)
{
    int mfd = memfd_create("conformance", MFD_CLOEXEC);

    ASSERT_TRUE(mfd >= 0);
    ASSERT_EQ(ftruncate(mfd, len), 0);
    return mfd;
}

TEST_F(ioas, map_file_memfd)
{
    int mfd = new_memfd(0x10000);
    uint64_t iova = 0x300000, len = UINT64_MAX;

    ASSERT_EQ(map_file(self->fd, self->ioas, RW | FIXED, mfd, 0x4000,
                       0x8000, &iova), 0);
    EXPECT_EQ(iova, 0x300000);
    iova = 0;
    ASSERT_EQ(map_file(self->fd, self->ioas, IOMMU_IOAS_MAP_READABLE, mfd, 0,
                       0x1000, &iova), 0);
    EXPECT_EQ(iova, 0x1000);
    /* The file may be closed: the mapping holds it. */
    close(mfd);
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0x9000);
}

TEST_F(ioas, map_file_errors)
{
    int mfd = new_memfd(0x10000);
    uint64_t iova = 0x300000;

    EXPECT_EQ(map_file(self->fd, self->ioas, RW | FIXED | 8, mfd, 0, 0x1000,
                       &iova), -EOPNOTSUPP);
    EXPECT_EQ(map_file(self->fd, self->ioas, RW | FIXED, mfd, 0, UINT64_MAX,
                       &iova), -EOVERFLOW);
    EXPECT_EQ(map_file(self->fd, self->ioas, FIXED, mfd, 0, 0x1000, &iova),
              -EINVAL);
    EXPECT_EQ(map_file(self->fd, 0x4242, RW | FIXED, mfd, 0, 0x1000, &iova),
              -ENOENT);
    EXPECT_EQ(map_file(self->fd, self->ioas, RW | FIXED, -1, 0, 0x1000,
                       &iova), -EBADF);
    EXPECT_EQ(map_file(self->fd, self->ioas, RW | FIXED, 1000, 0, 0x1000,
                       &iova), -EBADF);
    close(mfd);
}

/* ---- COPY ------------------------------------------------------------ */

static int copy(int fd, uint32_t dst, uint32_t src, uint32_t flags,
                uint64_t src_iova, uint64_t len, uint64_t *dst_iova)
{
    struct iommu_ioas_copy c = {
        .size = sizeof(c), .flags = flags, .dst_ioas_id = dst,
        .src_ioas_id = src, .length = len, .dst_iova = *dst_iova,
        .src_iova = src_iova,
    };
    int r = cenv_ioctl(fd, IOMMU_IOAS_COPY, &c);

    if (r == 0) {
        *dst_iova = c.dst_iova;
    }
    return r;
}

FIXTURE(copy) {
    int fd;
    uint32_t src, dst;
    uint8_t *mem;
};
FIXTURE_VARIANT(copy) {
    int unused;
};
FIXTURE_VARIANT_ADD(copy, default) { 0 };
FIXTURE_SETUP(copy)
{
    uint64_t iova = 0x100000;

    self->fd = cenv_open_iommufd();
    self->mem = cenv_alloc(MEM_LEN);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->src), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->dst), 0);
    ASSERT_EQ(map(self->fd, self->src, RW | FIXED, self->mem, 0x4000,
                  &iova), 0);
    iova = 0x104000;
    ASSERT_EQ(map(self->fd, self->src, IOMMU_IOAS_MAP_READABLE | FIXED,
                  self->mem + 0x4000, 0x2000, &iova), 0);
}
FIXTURE_TEARDOWN(copy)
{
    close_fd(&self->fd);
    cenv_free(self->mem, MEM_LEN);
}

TEST_F(copy, whole_and_part)
{
    uint64_t iova = 0x200000, len = UINT64_MAX;

    ASSERT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x100000,
                   0x4000, &iova), 0);
    EXPECT_EQ(iova, 0x200000);
    iova = 0x300000;
    ASSERT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x101000,
                   0x1000, &iova), 0);
    /* Across two contiguous areas, read-only. */
    iova = 0x400000;
    ASSERT_EQ(copy(self->fd, self->dst, self->src,
                   IOMMU_IOAS_MAP_READABLE | FIXED, 0x103000, 0x2000, &iova),
              0);
    ASSERT_EQ(unmap_len(self->fd, self->dst, 0, &len), 0);
    EXPECT_EQ(len, 0x7000);
    /* The source is unchanged. */
    len = UINT64_MAX;
    ASSERT_EQ(unmap_len(self->fd, self->src, 0, &len), 0);
    EXPECT_EQ(len, 0x6000);
}

TEST_F(copy, auto_dst_iova)
{
    uint64_t iova = 0;

    ASSERT_EQ(copy(self->fd, self->dst, self->src, RW, 0x100000, 0x4000,
                   &iova), 0);
    EXPECT_NE(iova, 0);
    EXPECT_EQ(iova % 0x1000, 0);
}

TEST_F(copy, errors)
{
    uint64_t iova = 0x200000;

    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED | 8, 0x100000,
                   0x1000, &iova), -EOPNOTSUPP);
    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x100000,
                   UINT64_MAX, &iova), -EOVERFLOW);
    EXPECT_EQ(copy(self->fd, self->dst, self->src, FIXED, 0x100000, 0x1000,
                   &iova), -EINVAL);
    EXPECT_EQ(copy(self->fd, self->dst, 0x4242, RW | FIXED, 0x100000, 0x1000,
                   &iova), -ENOENT);
    EXPECT_EQ(copy(self->fd, 0x4242, self->src, RW | FIXED, 0x100000, 0x1000,
                   &iova), -ENOENT);
    /* Not fully covered by contiguous areas. */
    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x105000,
                   0x2000, &iova), -ENOENT);
    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x0ff000,
                   0x2000, &iova), -ENOENT);
    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x100000, 0,
                   &iova), -EINVAL);
    /* Writeable copy of pages mapped read-only. */
    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x104000,
                   0x1000, &iova), -EPERM);
    /* Destination taken. */
    ASSERT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x100000,
                   0x1000, &iova), 0);
    EXPECT_EQ(copy(self->fd, self->dst, self->src, RW | FIXED, 0x101000,
                   0x1000, &iova), -EEXIST);
}

/* ---- UNMAP ----------------------------------------------------------- */

FIXTURE(unmap) {
    int fd;
    uint32_t ioas;
    uint8_t *mem;
};
FIXTURE_VARIANT(unmap) {
    int unused;
};
FIXTURE_VARIANT_ADD(unmap, default) { 0 };
FIXTURE_SETUP(unmap)
{
    uint64_t iova = 0x100000;

    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    self->mem = cenv_alloc(MEM_LEN);
    /* Areas [0x100000, +0x2000) and [0x104000, +0x3000). */
    ASSERT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x2000,
                  &iova), 0);
    iova = 0x104000;
    ASSERT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem + 0x4000,
                  0x3000, &iova), 0);
}
FIXTURE_TEARDOWN(unmap)
{
    close_fd(&self->fd);
    cenv_free(self->mem, MEM_LEN);
}

TEST_F(unmap, superset_of_areas)
{
    uint64_t len = 0x10000;

    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0xf8000, &len), 0);
    EXPECT_EQ(len, 0x5000);
    len = UINT64_MAX;
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0);
}

TEST_F(unmap, exact_area)
{
    uint64_t len = 0x3000;

    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0x104000, &len), 0);
    EXPECT_EQ(len, 0x3000);
    len = 0x3000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x104000, &len), -ENOENT);
}

TEST_F(unmap, partial_area_enoent)
{
    uint64_t len = 0x1000;

    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x101000, &len), -ENOENT);
    /* length is not written back on error */
    EXPECT_EQ(len, 0x1000);
    len = 0x1000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x100000, &len), -ENOENT);
    /* The first area met is partly outside: nothing is unmapped. */
    len = 0x2000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0xff000, &len), -ENOENT);
    /* Both areas are still whole. */
    len = 0x2000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x100000, &len), 0);
    len = 0x3000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x104000, &len), 0);
}

TEST_F(unmap, nothing_mapped_enoent)
{
    uint64_t len = 0x2000;

    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x102000, &len), -ENOENT);
    len = 0x1000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0, &len), -ENOENT);
}

TEST_F(unmap, length_zero_einval)
{
    uint64_t len = 0;

    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x100000, &len), -EINVAL);
}

TEST_F(unmap, overflow)
{
    uint64_t len = UINT64_MAX;

    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0x1000, &len), -EOVERFLOW);
    len = 0x2000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, UINT64_MAX, &len), -EOVERFLOW);
    len = 0x2000;
    EXPECT_EQ(unmap_len(self->fd, self->ioas, 0xfffffffffffff000ull, &len),
              -EOVERFLOW);
}

TEST_F(unmap, unmap_all)
{
    uint64_t len = UINT64_MAX;

    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0x5000);
    len = UINT64_MAX;
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0);
}

TEST_F(unmap, bad_ioas_enoent)
{
    uint64_t len = UINT64_MAX;

    EXPECT_EQ(unmap_len(self->fd, 0x4242, 0, &len), -ENOENT);
    len = 0x1000;
    EXPECT_EQ(unmap_len(self->fd, 0, 0x100000, &len), -ENOENT);
}

/* ---- IOVA_RANGES / ALLOW_IOVAS without a device ---------------------- */

TEST_F(ioas, iova_ranges_emsgsize)
{
    struct iommu_ioas_iova_ranges q = {
        .size = sizeof(q), .ioas_id = self->ioas, .num_iovas = 0,
        .allowed_iovas = 0,
    };

    ASSERT_IOCTL_ERR(EMSGSIZE, self->fd, IOMMU_IOAS_IOVA_RANGES, &q);
    /* The struct is still written back with the total. */
    EXPECT_EQ(q.num_iovas, 1);
    EXPECT_EQ(q.out_iova_alignment, 1);
}

TEST_F(ioas, iova_ranges_errors)
{
    struct iommu_iova_range r;
    struct iommu_ioas_iova_ranges q = {
        .size = sizeof(q), .ioas_id = self->ioas, .num_iovas = 1,
        .__reserved = 1, .allowed_iovas = (uintptr_t)&r,
    };

    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_IOAS_IOVA_RANGES, &q);
    q.__reserved = 0;
    q.ioas_id = 0x4242;
    ASSERT_IOCTL_ERR(ENOENT, self->fd, IOMMU_IOAS_IOVA_RANGES, &q);
    /* The allowed list does not change the reported ranges. */
    r.start = 0x10000;
    r.last = 0x1ffff;
    ASSERT_EQ(allow(self->fd, self->ioas, &r, 1), 0);
    EXPECT_EQ(ranges(self->fd, self->ioas, &r, 1, NULL), 1);
    EXPECT_EQ(r.start, 0);
}

TEST_F(ioas, allow_iovas_rules)
{
    struct iommu_iova_range r[2] = {
        { .start = 0x10000, .last = 0x1ffff },
        { .start = 0x1f000, .last = 0x2ffff },
    };
    struct iommu_ioas_allow_iovas a = {
        .size = sizeof(a), .ioas_id = self->ioas, .num_iovas = 1,
        .__reserved = 1, .allowed_iovas = (uintptr_t)r,
    };
    uint64_t iova = 0;

    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
    EXPECT_EQ(allow(self->fd, 0x4242, r, 1), -ENOENT);
    /* overlapping ranges */
    EXPECT_EQ(allow(self->fd, self->ioas, r, 2), -EINVAL);
    /* start >= last */
    r[1].start = 0x30000;
    r[1].last = 0x30000;
    EXPECT_EQ(allow(self->fd, self->ioas, r, 2), -EINVAL);
    r[1].last = 0x2ffff;
    EXPECT_EQ(allow(self->fd, self->ioas, r, 2), -EINVAL);
    /* A failed call kept no list: the auto IOVA is still page 1. */
    ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x1000, &iova), 0);
    EXPECT_EQ(iova, 0x1000);
    r[1].start = 0x30000;
    r[1].last = 0x3ffff;
    ASSERT_EQ(allow(self->fd, self->ioas, r, 2), 0);
    iova = 0;
    ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x1000, &iova), 0);
    EXPECT_EQ(iova, 0x10000);
    /* 0 ranges clears the list. */
    ASSERT_EQ(allow(self->fd, self->ioas, NULL, 0), 0);
    iova = 0;
    ASSERT_EQ(map(self->fd, self->ioas, RW, self->mem, 0x1000, &iova), 0);
    EXPECT_EQ(iova, 0x2000);
}

/* ---- with a paging domain (a device) --------------------------------- */

FIXTURE(dom) {
    int fd, devfd;
    uint32_t dev_id, ioas, hwpt;
    uint8_t *mem;
};
FIXTURE_VARIANT(dom) {
    bool attach;        /* attach the device (else only HWPT_ALLOC) */
};
FIXTURE_VARIANT_ADD(dom, hwpt) { .attach = false };
FIXTURE_VARIANT_ADD(dom, attached) { .attach = true };
FIXTURE_SETUP(dom)
{
    REQUIRE_EDU(1);
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    self->mem = cenv_alloc(MEM_LEN);
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0,
                               &self->hwpt), 0);
    if (variant->attach) {
        uint32_t pt = self->hwpt;

        ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
        ASSERT_EQ(pt, self->hwpt);
    }
}
FIXTURE_TEARDOWN(dom)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
    cenv_free(self->mem, MEM_LEN);
}

TEST_F(dom, alignment_page)
{
    uint64_t align = 0, iova = 0x100800;

    ASSERT_GE(ranges(self->fd, self->ioas, NULL, 0, &align), -EMSGSIZE);
    EXPECT_EQ(align, (uint64_t)getpagesize());
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x1000,
                  &iova), -EINVAL);
    iova = 0x100000;
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x800, &iova),
              -EINVAL);
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x1000,
                  &iova), 0);
}

TEST_F(dom, alignment_back_to_1_without_domain)
{
    uint64_t align = 0, iova = 0x100800;

    if (variant->attach) {
        ASSERT_EQ(cenv_detach(self->devfd), 0);
    }
    ASSERT_EQ(cenv_destroy(self->fd, self->hwpt), 0);
    ranges(self->fd, self->ioas, NULL, 0, &align);
    EXPECT_EQ(align, 1);
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x800, &iova),
              0);
}

TEST_F(dom, existing_unaligned_area_blocks_domain)
{
    uint32_t ioas2, hwpt2;
    uint64_t iova = 0x100800;

    ASSERT_EQ(cenv_ioas_alloc(self->fd, &ioas2), 0);
    ASSERT_EQ(map(self->fd, ioas2, RW | FIXED, self->mem, 0x1000, &iova), 0);
    EXPECT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, ioas2, 0, &hwpt2),
              -EADDRINUSE);
}

TEST_F(dom, map_beyond_aperture_einval)
{
    uint64_t iova = 1ull << 56;

    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x1000,
                  &iova), -EINVAL);
    iova = UINT64_MAX - 0xffff;
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, self->mem, 0x1000,
                  &iova), -EINVAL);
}

TEST_F(dom, map_unmapped_va_efault)
{
    void *hole = mmap(NULL, 0x4000, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    uint64_t iova = 0x200000, len = UINT64_MAX;

    ASSERT_TRUE(hole != MAP_FAILED);
    munmap(hole, 0x4000);
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, hole, 0x4000, &iova),
              -EFAULT);
    /* PROT_NONE memory cannot be pinned either. */
    hole = mmap(NULL, 0x4000, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_TRUE(hole != MAP_FAILED);
    EXPECT_EQ(map(self->fd, self->ioas, IOMMU_IOAS_MAP_READABLE | FIXED,
                  hole, 0x4000, &iova), -EFAULT);
    munmap(hole, 0x4000);
    /* Nothing stayed behind. */
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0);
}

TEST_F(dom, map_writeable_readonly_memory_fails)
{
    void *ro = mmap(NULL, 0x4000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
    uint64_t iova = 0x200000, len = UINT64_MAX;

    ASSERT_TRUE(ro != MAP_FAILED);
    /* Pinning for write fails (get_user_pages: EFAULT). */
    EXPECT_EQ(map(self->fd, self->ioas, RW | FIXED, ro, 0x4000, &iova),
              -EFAULT);
    /* Read-only is fine. */
    EXPECT_EQ(map(self->fd, self->ioas, IOMMU_IOAS_MAP_READABLE | FIXED, ro,
                  0x4000, &iova), 0);
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0x4000);
    munmap(ro, 0x4000);
}

TEST_F(dom, map_file_non_memfd_fails)
{
    int p[2];
    uint64_t iova = 0x300000;
    int r;

    ASSERT_EQ(pipe(p), 0);
    r = map_file(self->fd, self->ioas, RW | FIXED, p[0], 0, 0x1000, &iova);
    EXPECT_TRUE(r == -EINVAL || r == -EOPNOTSUPP);
    close(p[0]);
    close(p[1]);
}

TEST_F(dom, map_file_memfd_pinned)
{
    int mfd = new_memfd(0x10000);
    uint64_t iova = 0x300000, len = UINT64_MAX;

    ASSERT_EQ(map_file(self->fd, self->ioas, RW | FIXED, mfd, 0x1000,
                       0x4000, &iova), 0);
    /* Pinning beyond the end of the file fails. */
    iova = 0x400000;
    EXPECT_EQ(map_file(self->fd, self->ioas, RW | FIXED, mfd, 0xf000,
                       0x4000, &iova), -EINVAL);
    close(mfd);
    ASSERT_EQ(unmap_len(self->fd, self->ioas, 0, &len), 0);
    EXPECT_EQ(len, 0x4000);
}

TEST_F(dom, iova_ranges_holes)
{
    struct iommu_iova_range r[4];
    int n = ranges(self->fd, self->ioas, r, 4, NULL);
    int i;

    ASSERT_GE(n, 1);
    /* Above the aperture is reserved: the last range ends below 2^52. */
    EXPECT_TRUE(r[n - 1].last < (1ull << 52));
    EXPECT_EQ(r[0].start, 0);
    for (i = 0; i < n; i++) {
        bool in_msi = r[i].start <= 0x080fffff && r[i].last >= 0x08000000;

        /* The SW_MSI window is reserved only once the device attached. */
        if (variant->attach) {
            EXPECT_FALSE(in_msi);
        }
        if (i) {
            EXPECT_TRUE(r[i].start > r[i - 1].last + 1);
        }
    }
    if (variant->attach) {
        ASSERT_GE(n, 2);
        EXPECT_EQ(r[0].last, 0x07ffffff);
        EXPECT_EQ(r[1].start, 0x08100000);
    } else {
        EXPECT_EQ(n, 1);
    }
}

TEST_F(dom, iova_ranges_emsgsize_count)
{
    struct iommu_iova_range r[8];
    struct iommu_ioas_iova_ranges q = {
        .size = sizeof(q), .ioas_id = self->ioas, .num_iovas = 1,
        .allowed_iovas = (uintptr_t)r,
    };
    int total = ranges(self->fd, self->ioas, r, 8, NULL);

    ASSERT_GE(total, 1);
    memset(r, 0xff, sizeof(r));
    if (total > 1) {
        ASSERT_IOCTL_ERR(EMSGSIZE, self->fd, IOMMU_IOAS_IOVA_RANGES, &q);
        EXPECT_EQ(q.num_iovas, total);
        /* The first range was written, the second not. */
        EXPECT_EQ(r[0].start, 0);
        EXPECT_EQ(r[1].start, UINT64_MAX);
    } else {
        ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_IOVA_RANGES, &q);
        EXPECT_EQ(q.num_iovas, 1);
    }
    EXPECT_EQ(q.out_iova_alignment, (uint64_t)getpagesize());
}

TEST_F(dom, allow_iovas_vs_reserved)
{
    struct iommu_iova_range r = { .start = 0x08000000, .last = 0x08ffffff };
    struct iommu_iova_range ok = { .start = 0x10000000, .last = 0x1fffffff };
    struct iommu_iova_range beyond = { .start = 1ull << 56,
                                       .last = (1ull << 56) + 0xfff };

    /* Above the aperture is reserved as soon as the domain exists. */
    EXPECT_EQ(allow(self->fd, self->ioas, &beyond, 1), -EADDRINUSE);
    if (variant->attach) {
        EXPECT_EQ(allow(self->fd, self->ioas, &r, 1), -EADDRINUSE);
    } else {
        EXPECT_EQ(allow(self->fd, self->ioas, &r, 1), 0);
    }
    EXPECT_EQ(allow(self->fd, self->ioas, &ok, 1), 0);
}
