/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance checks of the iommufd core (iommufd-uapi.md 1.1-1.4, 1.12,
 * 1.13, 1.22): independent contexts, object IDs (lowest free first, reuse,
 * one namespace for every type, nothing left by a failed ioctl), DESTROY,
 * the ENOTTY dispatch rules, the size rules of 1.3 over several ioctls
 * (min_size, E2BIG, zero tail, old smaller sizes, copy-back), OPTION,
 * VFIO_IOAS and mmap of the iommufd.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "env.h"

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
    }
    *fd = -1;
}

static uint32_t ioas_new(int fd)
{
    uint32_t id = 0;

    ASSERT_EQ(cenv_ioas_alloc(fd, &id), 0);
    return id;
}

/* ---- contexts and IDs ------------------------------------------------ */

FIXTURE(ctx) {
    int fd;
};
FIXTURE_VARIANT(ctx) {
    int unused;
};
FIXTURE_VARIANT_ADD(ctx, default) { 0 };
FIXTURE_SETUP(ctx)
{
    self->fd = cenv_open_iommufd();
}
FIXTURE_TEARDOWN(ctx)
{
    close_fd(&self->fd);
}

TEST_F(ctx, contexts_are_independent)
{
    int fd2 = cenv_open_iommufd();
    uint32_t a, b;

    a = ioas_new(self->fd);
    b = ioas_new(fd2);
    EXPECT_EQ(a, 1);
    EXPECT_EQ(b, 1);
    /* An ID of one context means nothing in the other. */
    ASSERT_EQ(cenv_destroy(fd2, a), 0);
    EXPECT_EQ(cenv_destroy(fd2, a), -ENOENT);
    EXPECT_EQ(cenv_destroy(self->fd, a), 0);
    close(fd2);
}

TEST_F(ctx, ids_lowest_free_first)
{
    ASSERT_EQ(ioas_new(self->fd), 1);
    ASSERT_EQ(ioas_new(self->fd), 2);
    ASSERT_EQ(ioas_new(self->fd), 3);
    ASSERT_EQ(cenv_destroy(self->fd, 2), 0);
    ASSERT_EQ(cenv_destroy(self->fd, 1), 0);
    EXPECT_EQ(ioas_new(self->fd), 1);
    EXPECT_EQ(ioas_new(self->fd), 2);
    EXPECT_EQ(ioas_new(self->fd), 4);
}

TEST_F(ctx, failed_alloc_leaves_no_id)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a), .flags = 1 };

    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_IOAS_ALLOC, &a);
    EXPECT_EQ(a.out_ioas_id, 0);
    EXPECT_EQ(ioas_new(self->fd), 1);
}

TEST_F(ctx, close_destroys_everything)
{
    uint32_t id = ioas_new(self->fd);
    void *buf = cenv_alloc(8192);

    ASSERT_EQ(cenv_map_fixed(self->fd, id, buf, 8192, 0x100000), 0);
    ASSERT_EQ(ioas_new(self->fd), 2);
    /* Closing with objects and a mapping left must be fine... */
    close_fd(&self->fd);
    /* ... and a new context starts from ID 1 again. */
    self->fd = cenv_open_iommufd();
    EXPECT_EQ(ioas_new(self->fd), 1);
    cenv_free(buf, 8192);
}

TEST_F(ctx, ioas_alloc_flags_eopnotsupp)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a), .flags = 0x80000000u };

    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_IOAS_ALLOC, &a);
}

/* ---- DESTROY: ENOENT ------------------------------------------------- */

FIXTURE(destroy_enoent) {
    int fd;
    uint32_t ioas;
};
FIXTURE_VARIANT(destroy_enoent) {
    int which;      /* 0: id 0, 1: never allocated, 2: already destroyed */
};
FIXTURE_VARIANT_ADD(destroy_enoent, zero) { .which = 0 };
FIXTURE_VARIANT_ADD(destroy_enoent, unknown) { .which = 1 };
FIXTURE_VARIANT_ADD(destroy_enoent, destroyed) { .which = 2 };
FIXTURE_SETUP(destroy_enoent)
{
    self->fd = cenv_open_iommufd();
    self->ioas = ioas_new(self->fd);
}
FIXTURE_TEARDOWN(destroy_enoent)
{
    close_fd(&self->fd);
}

TEST_F(destroy_enoent, destroy)
{
    uint32_t id = 0;

    switch (variant->which) {
    case 1:
        id = 0x7fff0000;
        break;
    case 2:
        ASSERT_EQ(cenv_destroy(self->fd, self->ioas), 0);
        id = self->ioas;
        break;
    }
    EXPECT_EQ(cenv_destroy(self->fd, id), -ENOENT);
    /* The IOAS (when not destroyed) is still there. */
    if (variant->which != 2) {
        EXPECT_EQ(cenv_destroy(self->fd, self->ioas), 0);
    }
}

/* ---- objects with a device: one namespace, EBUSY --------------------- */

FIXTURE(devctx) {
    int fd, devfd;
    uint32_t dev_id, ioas;
};
FIXTURE_VARIANT(devctx) {
    int unused;
};
FIXTURE_VARIANT_ADD(devctx, default) { 0 };
FIXTURE_SETUP(devctx)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    self->ioas = ioas_new(self->fd);
}
FIXTURE_TEARDOWN(devctx)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(devctx, one_namespace_for_all_types)
{
    uint32_t hwpt = 0, ioas2;

    EXPECT_EQ(self->dev_id, 1);
    EXPECT_EQ(self->ioas, 2);
    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &hwpt),
              0);
    EXPECT_EQ(hwpt, 3);
    ioas2 = ioas_new(self->fd);
    EXPECT_EQ(ioas2, 4);
    /* A freed HWPT ID goes to the next object, whatever its type. */
    ASSERT_EQ(cenv_destroy(self->fd, hwpt), 0);
    EXPECT_EQ(ioas_new(self->fd), 3);
}

TEST_F(devctx, destroy_device_is_ebusy)
{
    EXPECT_EQ(cenv_destroy(self->fd, self->dev_id), -EBUSY);
    /* Still usable afterwards. */
    EXPECT_EQ(cenv_hw_info(self->fd, self->dev_id, NULL, NULL), 0);
}

TEST_F(devctx, destroy_ioas_used_by_hwpt_is_ebusy)
{
    uint32_t hwpt = 0;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &hwpt),
              0);
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), -EBUSY);
    ASSERT_EQ(cenv_destroy(self->fd, hwpt), 0);
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), 0);
}

TEST_F(devctx, failed_hwpt_alloc_leaves_no_id)
{
    uint32_t hwpt = 0;

    /* An unknown flag fails after the device and IOAS were looked up. */
    EXPECT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas,
                               1u << 30, &hwpt), -EOPNOTSUPP);
    EXPECT_EQ(ioas_new(self->fd), 3);
}

/* ---- ENOTTY ---------------------------------------------------------- */

FIXTURE(enotty) {
    int fd;
};
FIXTURE_VARIANT(enotty) {
    unsigned long req;
};
/* nr beyond the last iommufd ioctl */
FIXTURE_VARIANT_ADD(enotty, unknown_nr) { .req = _IO(';', 0xff) };
/* nr below 0x80 that the VFIO compatibility layer does not know */
FIXTURE_VARIANT_ADD(enotty, nr_below_base) { .req = _IO(';', 0x10) };
/* IOMMU_DESTROY's nr with direction and size bits */
FIXTURE_VARIANT_ADD(enotty, size_dir_bits) {
    .req = _IOWR(';', 0x80, struct iommu_destroy)
};
FIXTURE_VARIANT_ADD(enotty, read_bits) {
    .req = _IOR(';', 0x81, struct iommu_ioas_alloc)
};
/* IOMMU_IOAS_ALLOC's nr with another ioctl type */
FIXTURE_VARIANT_ADD(enotty, other_type) { .req = _IO('x', 0x81) };
FIXTURE_SETUP(enotty)
{
    self->fd = cenv_open_iommufd();
}
FIXTURE_TEARDOWN(enotty)
{
    close_fd(&self->fd);
}

TEST_F(enotty, ioctl)
{
    uint8_t buf[64] = { 0 };

    /* A valid-looking struct: only the number is wrong. */
    *(uint32_t *)buf = 12;
    ASSERT_IOCTL_ERR(ENOTTY, self->fd, variant->req, buf);
    /* Nothing was created. */
    EXPECT_EQ(ioas_new(self->fd), 1);
}

/* ---- size rules (1.3) over the ioctls -------------------------------- */

FIXTURE(size) {
    int fd;
    uint8_t buf[256];
};
FIXTURE_VARIANT(size) {
    unsigned long req;
    uint32_t ksize, min_size;
};
#define SIZE_VARIANT(name, req_, type, minsz)                           \
    FIXTURE_VARIANT_ADD(size, name) {                                   \
        .req = req_, .ksize = sizeof(type), .min_size = minsz,          \
    }
SIZE_VARIANT(destroy, IOMMU_DESTROY, struct iommu_destroy, 8);
SIZE_VARIANT(ioas_alloc, IOMMU_IOAS_ALLOC, struct iommu_ioas_alloc, 12);
SIZE_VARIANT(allow_iovas, IOMMU_IOAS_ALLOW_IOVAS,
             struct iommu_ioas_allow_iovas, 24);
SIZE_VARIANT(copy, IOMMU_IOAS_COPY, struct iommu_ioas_copy, 40);
SIZE_VARIANT(iova_ranges, IOMMU_IOAS_IOVA_RANGES,
             struct iommu_ioas_iova_ranges, 32);
SIZE_VARIANT(map, IOMMU_IOAS_MAP, struct iommu_ioas_map, 40);
SIZE_VARIANT(unmap, IOMMU_IOAS_UNMAP, struct iommu_ioas_unmap, 24);
SIZE_VARIANT(option, IOMMU_OPTION, struct iommu_option, 24);
SIZE_VARIANT(vfio_ioas, IOMMU_VFIO_IOAS, struct iommu_vfio_ioas, 12);
SIZE_VARIANT(hwpt_alloc, IOMMU_HWPT_ALLOC, struct iommu_hwpt_alloc, 24);
SIZE_VARIANT(get_hw_info, IOMMU_GET_HW_INFO, struct iommu_hw_info, 32);
SIZE_VARIANT(invalidate, IOMMU_HWPT_INVALIDATE,
             struct iommu_hwpt_invalidate, 32);
SIZE_VARIANT(map_file, IOMMU_IOAS_MAP_FILE, struct iommu_ioas_map_file, 40);
SIZE_VARIANT(viommu_alloc, IOMMU_VIOMMU_ALLOC, struct iommu_viommu_alloc,
             24);
SIZE_VARIANT(vdevice_alloc, IOMMU_VDEVICE_ALLOC,
             struct iommu_vdevice_alloc, 24);
SIZE_VARIANT(veventq_alloc, IOMMU_VEVENTQ_ALLOC,
             struct iommu_veventq_alloc, 28);
FIXTURE_SETUP(size)
{
    self->fd = cenv_open_iommufd();
    memset(self->buf, 0, sizeof(self->buf));
}
FIXTURE_TEARDOWN(size)
{
    close_fd(&self->fd);
}

TEST_F(size, below_min_size_einval)
{
    *(uint32_t *)self->buf = variant->min_size - 1;
    ASSERT_IOCTL_ERR(EINVAL, self->fd, variant->req, self->buf);
    *(uint32_t *)self->buf = 0;
    ASSERT_IOCTL_ERR(EINVAL, self->fd, variant->req, self->buf);
    EXPECT_EQ(ioas_new(self->fd), 1);
}

TEST_F(size, nonzero_tail_e2big)
{
    /* Bytes beyond the kernel's struct must be zero. */
    *(uint32_t *)self->buf = variant->ksize + 16;
    self->buf[variant->ksize + 9] = 0x5a;
    ASSERT_IOCTL_ERR(E2BIG, self->fd, variant->req, self->buf);
    EXPECT_EQ(ioas_new(self->fd), 1);
}

TEST(size, zero_tail_accepted)
{
    int fd = cenv_open_iommufd();
    struct {
        struct iommu_ioas_alloc a;
        uint8_t tail[20];
    } big;
    struct {
        struct iommu_destroy d;
        uint8_t tail[56];
    } bigd;

    memset(&big, 0, sizeof(big));
    big.a.size = sizeof(big);
    ASSERT_IOCTL_OK(fd, IOMMU_IOAS_ALLOC, &big);
    EXPECT_EQ(big.a.out_ioas_id, 1);
    /* Only the kernel's struct is written back. */
    EXPECT_EQ(big.tail[0], 0);
    memset(&bigd, 0, sizeof(bigd));
    bigd.d.size = sizeof(bigd);
    bigd.d.id = 1;
    ASSERT_IOCTL_OK(fd, IOMMU_DESTROY, &bigd);
    EXPECT_EQ(cenv_destroy(fd, 1), -ENOENT);
    close(fd);
}

TEST(size, bad_pointer_efault)
{
    int fd = cenv_open_iommufd();
    void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    ASSERT_TRUE(p != MAP_FAILED);
    ASSERT_IOCTL_ERR(EFAULT, fd, IOMMU_IOAS_ALLOC, p);
    munmap(p, 4096);
    close(fd);
}

/* Old (smaller, >= min_size) struct sizes: the rest is taken as zero and
 * only user_size bytes are written back. */
TEST_F(devctx, old_size_hwpt_alloc_24)
{
    uint8_t buf[48];
    struct iommu_hwpt_alloc *a = (void *)buf;

    memset(buf, 0xa5, sizeof(buf));
    memset(buf, 0, 24);
    a->size = 24;
    a->dev_id = self->dev_id;
    a->pt_id = self->ioas;
    /* data_type/data_len/data_uptr/fault_id beyond 24 bytes are ignored */
    ASSERT_IOCTL_OK(self->fd, IOMMU_HWPT_ALLOC, a);
    EXPECT_EQ(a->out_hwpt_id, 3);
    EXPECT_EQ(a->size, 24);
    EXPECT_EQ(buf[24], 0xa5);
    EXPECT_EQ(buf[47], 0xa5);
    EXPECT_EQ(cenv_destroy(self->fd, 3), 0);
}

TEST_F(devctx, old_size_get_hw_info_32)
{
    struct iommu_hw_info_arm_smmuv3 data;
    uint8_t buf[40];
    struct iommu_hw_info *h = (void *)buf;

    memset(&data, 0, sizeof(data));
    memset(buf, 0x5a, sizeof(buf));
    memset(buf, 0, 32);
    h->size = 32;
    h->dev_id = self->dev_id;
    h->data_len = sizeof(data);
    h->data_uptr = (uintptr_t)&data;
    ASSERT_IOCTL_OK(self->fd, IOMMU_GET_HW_INFO, h);
    EXPECT_EQ(h->out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    EXPECT_EQ(h->data_len, sizeof(data));
    EXPECT_NE(data.idr[0], 0);
    /* out_capabilities (offset 32) is beyond what the caller passed. */
    EXPECT_EQ(buf[32], 0x5a);
    EXPECT_EQ(buf[39], 0x5a);
}

TEST_F(ctx, copy_back_echoes_inputs)
{
    uint32_t ioas = ioas_new(self->fd);
    void *mem = cenv_alloc(4096);
    struct iommu_ioas_map m = {
        .size = sizeof(m),
        .flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
        .ioas_id = ioas, .user_va = (uintptr_t)mem, .length = 4096,
        .iova = 0x12345000,
    };
    struct iommu_iova_range r[2];
    struct iommu_ioas_iova_ranges q = {
        .size = sizeof(q), .ioas_id = ioas, .num_iovas = 2,
        .allowed_iovas = (uintptr_t)r,
    };

    ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_MAP, &m);
    EXPECT_EQ(m.size, sizeof(m));
    EXPECT_EQ(m.flags, IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE);
    EXPECT_EQ(m.ioas_id, ioas);
    EXPECT_EQ(m.user_va, (uintptr_t)mem);
    EXPECT_EQ(m.length, 4096);
    /* Not FIXED_IOVA: iova is an output (the lowest fit, page 1). */
    EXPECT_EQ(m.iova, 0x1000);
    ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_IOVA_RANGES, &q);
    EXPECT_EQ(q.size, sizeof(q));
    EXPECT_EQ(q.ioas_id, ioas);
    EXPECT_EQ(q.allowed_iovas, (uintptr_t)r);
    EXPECT_EQ(q.num_iovas, 1);
    EXPECT_EQ(q.out_iova_alignment, 1);
    EXPECT_EQ(cenv_unmap(self->fd, ioas, 0x1000, 4096), 0);
    cenv_free(mem, 4096);
}

/* ---- IOMMU_OPTION ---------------------------------------------------- */

static int option(int fd, uint32_t id, uint16_t op, uint32_t obj,
                  uint64_t *val)
{
    struct iommu_option o = {
        .size = sizeof(o), .option_id = id, .op = op, .object_id = obj,
        .val64 = val ? *val : 0,
    };
    int r = cenv_ioctl(fd, IOMMU_OPTION, &o);

    if (r == 0 && val) {
        *val = o.val64;
    }
    return r;
}

/* Is capability bit cap in this process's effective set? */
static bool capable(unsigned cap)
{
    char buf[4096], *p;
    unsigned long long eff;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return geteuid() == 0;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return geteuid() == 0;
    }
    buf[n] = '\0';
    p = strstr(buf, "CapEff:");
    if (!p || sscanf(p + 7, "%llx", &eff) != 1) {
        return geteuid() == 0;
    }
    return eff & (1ull << cap);
}

#define CAP_SYS_RESOURCE_BIT 24

TEST_F(ctx, option_rlimit_mode)
{
    uint64_t v = 0x55;
    int want_set = capable(CAP_SYS_RESOURCE_BIT) ? 0 : -EPERM;

    ASSERT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET,
                     0, &v), 0);
    /* /dev/iommu accounts per user by default */
    EXPECT_EQ(v, 0);
    v = 1;
    ASSERT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET,
                     0, &v), want_set);
    if (want_set == 0) {
        v = 0x55;
        ASSERT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE,
                         IOMMU_OPTION_OP_GET, 0, &v), 0);
        EXPECT_EQ(v, 1);
        v = 2;
        EXPECT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE,
                         IOMMU_OPTION_OP_SET, 0, &v), -EINVAL);
        ioas_new(self->fd);
        v = 0;
        EXPECT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE,
                         IOMMU_OPTION_OP_SET, 0, &v), -EBUSY);
    }
}

TEST_F(ctx, option_rlimit_mode_object_id_eopnotsupp)
{
    uint64_t v = 0;

    EXPECT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET,
                     1, &v), -EOPNOTSUPP);
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET,
                     1, &v), -EOPNOTSUPP);
}

TEST_F(ctx, option_unknown_eopnotsupp)
{
    struct iommu_option o = {
        .size = sizeof(o), .option_id = IOMMU_OPTION_RLIMIT_MODE,
        .op = IOMMU_OPTION_OP_GET, .__reserved = 1,
    };
    uint64_t v = 0;
    uint32_t ioas = ioas_new(self->fd);

    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_OPTION, &o);
    EXPECT_EQ(option(self->fd, 2, IOMMU_OPTION_OP_GET, 0, &v), -EOPNOTSUPP);
    EXPECT_EQ(option(self->fd, 0x1000, IOMMU_OPTION_OP_GET, ioas, &v),
              -EOPNOTSUPP);
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_RLIMIT_MODE, 2, 0, &v),
              -EOPNOTSUPP);
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, 2, ioas, &v),
              -EOPNOTSUPP);
}

TEST_F(ctx, option_huge_pages_per_ioas)
{
    uint32_t a = ioas_new(self->fd), b = ioas_new(self->fd);
    uint64_t v = 0x55;

    ASSERT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
                     a, &v), 0);
    EXPECT_EQ(v, 1);
    v = 0;
    ASSERT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
                     a, &v), 0);
    v = 0x55;
    ASSERT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
                     a, &v), 0);
    EXPECT_EQ(v, 0);
    v = 0x55;
    ASSERT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
                     b, &v), 0);
    EXPECT_EQ(v, 1);
    v = 2;
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
                     a, &v), -EINVAL);
    v = 1;
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
                     a, &v), 0);
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
                     0, &v), -ENOENT);
    EXPECT_EQ(option(self->fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
                     99, &v), -ENOENT);
}

/* ---- IOMMU_VFIO_IOAS ------------------------------------------------- */

static int vfio_ioas(int fd, uint16_t op, uint32_t *id)
{
    struct iommu_vfio_ioas v = {
        .size = sizeof(v), .op = op, .ioas_id = id ? *id : 0,
    };
    int r = cenv_ioctl(fd, IOMMU_VFIO_IOAS, &v);

    if (r == 0 && id) {
        *id = v.ioas_id;
    }
    return r;
}

TEST_F(ctx, vfio_ioas_get_set_clear)
{
    uint32_t id = 0, a, b;

    EXPECT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id), -ENODEV);
    a = ioas_new(self->fd);
    b = ioas_new(self->fd);
    id = b;
    ASSERT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &id), 0);
    id = 0;
    ASSERT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id), 0);
    EXPECT_EQ(id, b);
    ASSERT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_CLEAR, NULL), 0);
    EXPECT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id), -ENODEV);
    id = 77;
    EXPECT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &id), -ENOENT);
    EXPECT_EQ(vfio_ioas(self->fd, 3, &id), -EOPNOTSUPP);
    /* Destroying the selected IOAS unselects it. */
    id = a;
    ASSERT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &id), 0);
    ASSERT_EQ(cenv_destroy(self->fd, a), 0);
    EXPECT_EQ(vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id), -ENODEV);
}

TEST_F(ctx, vfio_ioas_reserved_eopnotsupp)
{
    struct iommu_vfio_ioas v = {
        .size = sizeof(v), .op = IOMMU_VFIO_IOAS_CLEAR, .__reserved = 1,
    };

    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_VFIO_IOAS, &v);
}

/* ---- mmap of the iommufd (1.22) -------------------------------------- */

FIXTURE(iommufd_mmap) {
    int fd;
};
FIXTURE_VARIANT(iommufd_mmap) {
    int prot, flags;
    off_t off;
    int err;
};
FIXTURE_VARIANT_ADD(iommufd_mmap, private_einval) {
    .prot = PROT_READ, .flags = MAP_PRIVATE, .off = 0, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(iommufd_mmap, private_exec_einval) {
    .prot = PROT_READ | PROT_EXEC, .flags = MAP_PRIVATE, .off = 0x1000,
    .err = EINVAL,
};
FIXTURE_VARIANT_ADD(iommufd_mmap, exec_eperm) {
    .prot = PROT_READ | PROT_EXEC, .flags = MAP_SHARED, .off = 0x1000,
    .err = EPERM,
};
FIXTURE_VARIANT_ADD(iommufd_mmap, offset0_enxio) {
    .prot = PROT_READ, .flags = MAP_SHARED, .off = 0, .err = ENXIO,
};
FIXTURE_VARIANT_ADD(iommufd_mmap, unpublished_enxio) {
    .prot = PROT_READ | PROT_WRITE, .flags = MAP_SHARED, .off = 0x10000,
    .err = ENXIO,
};
FIXTURE_SETUP(iommufd_mmap)
{
    self->fd = cenv_open_iommufd();
}
FIXTURE_TEARDOWN(iommufd_mmap)
{
    close_fd(&self->fd);
}

TEST_F(iommufd_mmap, mmap)
{
    void *p;

    ioas_new(self->fd);
    p = mmap(NULL, 0x10000, variant->prot, variant->flags, self->fd,
             variant->off);
    if (p != MAP_FAILED) {
        munmap(p, 0x10000);
        ctest_fail(__FILE__, __LINE__, "mmap succeeded");
        return;
    }
    EXPECT_EQ(errno, variant->err);
}
