/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance checks of GET_HW_INFO and paging HWPTs (iommufd-uapi.md
 * 1.14, 1.15, 3.4, 3.7, 4): the hw_info data and its length rules, the
 * HWPT_ALLOC errno order, the SMMUv3 paging flag combinations, HWPT
 * lifetime while attached, replace, the SW_MSI window and the aperture
 * as reserved IOVA once a device attaches, the sysfs view of the device,
 * and (simulator with two SMMUs) HWPTs that belong to one SMMU.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"

#define IDR0_S2P        (1u << 0)
#define IDR0_S1P        (1u << 1)
#define IDR1_SIDSIZE    0x3fu
#define IDR5_GRAN_ANY   (0x7u << 4)
#define MSI_BASE        0x08000000ull
#define MSI_LAST        0x080fffffull

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
    }
    *fd = -1;
}

static int hw_info_raw(int fd, struct iommu_hw_info *h, uint32_t flags,
                       uint32_t dev_id, void *data, uint32_t len)
{
    memset(h, 0, sizeof(*h));
    h->size = sizeof(*h);
    h->flags = flags;
    h->dev_id = dev_id;
    h->data_len = len;
    h->data_uptr = (uintptr_t)data;
    return cenv_ioctl(fd, IOMMU_GET_HW_INFO, h);
}

static int hwpt_alloc(int fd, struct iommu_hwpt_alloc *a)
{
    a->size = sizeof(*a);
    return cenv_ioctl(fd, IOMMU_HWPT_ALLOC, a);
}

/* ---- one bound device and an IOAS ----------------------------------- */

FIXTURE(hw) {
    int devfd, fd;
    uint32_t dev_id, ioas;
    const CDev *d;
    struct iommu_hw_info_arm_smmuv3 info;
    uint64_t caps;
};
FIXTURE_VARIANT(hw) {
    int unused;
};
FIXTURE_VARIANT_ADD(hw, default) { 0 };
FIXTURE_SETUP(hw)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->d = cenv_edu(0);
    self->devfd = cenv_open_cdev(self->d);
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    ASSERT_EQ(cenv_hw_info(self->fd, self->dev_id, &self->info, &self->caps),
              0);
}
FIXTURE_TEARDOWN(hw)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

/* ---- GET_HW_INFO ----------------------------------------------------- */

TEST_F(hw, hw_info_len_zero)
{
    struct iommu_hw_info h;

    ASSERT_EQ(hw_info_raw(self->fd, &h, 0, self->dev_id, NULL, 0), 0);
    EXPECT_EQ(h.data_len, sizeof(struct iommu_hw_info_arm_smmuv3));
    EXPECT_EQ(h.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    EXPECT_EQ(h.dev_id, self->dev_id);
    EXPECT_EQ(h.out_capabilities, self->caps);
}

TEST_F(hw, hw_info_full_and_bigger)
{
    struct iommu_hw_info h;
    uint8_t buf[96];
    unsigned i;

    memset(buf, 0xff, sizeof(buf));
    ASSERT_EQ(hw_info_raw(self->fd, &h, 0, self->dev_id, buf, sizeof(buf)),
              0);
    /* data_len is the kernel's length, the rest of the buffer zeroed */
    EXPECT_EQ(h.data_len, sizeof(self->info));
    EXPECT_EQ(memcmp(buf, &self->info, sizeof(self->info)), 0);
    for (i = sizeof(self->info); i < sizeof(buf); i++) {
        if (buf[i]) {
            ctest_fail(__FILE__, __LINE__, "byte %u not zeroed", i);
            break;
        }
    }
}

TEST_F(hw, hw_info_smaller_buffer)
{
    struct iommu_hw_info h;
    uint8_t buf[40];

    memset(buf, 0xee, sizeof(buf));
    ASSERT_EQ(hw_info_raw(self->fd, &h, 0, self->dev_id, buf, 16), 0);
    EXPECT_EQ(h.data_len, sizeof(self->info));
    EXPECT_EQ(memcmp(buf, &self->info, 16), 0);
    EXPECT_EQ(buf[16], 0xee);
    EXPECT_EQ(buf[39], 0xee);
}

TEST_F(hw, hw_info_idr_consistent)
{
    uint32_t idr0 = self->info.idr[0];
    uint32_t hwpt = 0;
    int r = cenv_hwpt_paging(self->fd, self->dev_id, self->ioas,
                             IOMMU_HWPT_ALLOC_NEST_PARENT, &hwpt);

    /* Raw registers: an SMMUv3 has stage 1 or stage 2, some SIDs and at
     * least one granule. */
    EXPECT_TRUE(idr0 & (IDR0_S1P | IDR0_S2P));
    EXPECT_NE(self->info.idr[1] & IDR1_SIDSIZE, 0);
    EXPECT_NE(self->info.idr[5] & IDR5_GRAN_ANY, 0);
    EXPECT_EQ(self->info.__reserved, 0);
    /* A nesting parent needs both stages. */
    if (r == 0) {
        EXPECT_EQ(idr0 & (IDR0_S1P | IDR0_S2P), IDR0_S1P | IDR0_S2P);
    } else {
        EXPECT_EQ(r, -EOPNOTSUPP);
    }
}

TEST_F(hw, hw_info_errors)
{
    struct iommu_hw_info h;
    uint8_t buf[40];

    EXPECT_EQ(hw_info_raw(self->fd, &h, 2, self->dev_id, buf, 40),
              -EOPNOTSUPP);
    EXPECT_EQ(hw_info_raw(self->fd, &h, 0x80000000u, self->dev_id, buf, 40),
              -EOPNOTSUPP);
    EXPECT_EQ(hw_info_raw(self->fd, &h, 0, 0x4242, buf, 40), -ENOENT);
    EXPECT_EQ(hw_info_raw(self->fd, &h, 0, 0, buf, 40), -ENOENT);
    /* An IOAS is not a device. */
    EXPECT_EQ(hw_info_raw(self->fd, &h, 0, self->ioas, buf, 40), -ENOENT);
    memset(&h, 0, sizeof(h));
    h.size = sizeof(h);
    h.dev_id = self->dev_id;
    h.__reserved[1] = 1;
    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_GET_HW_INFO, &h);
}

TEST_F(hw, hw_info_input_type)
{
    struct iommu_hw_info h;
    uint8_t buf[40];

    memset(&h, 0, sizeof(h));
    h.size = sizeof(h);
    h.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
    h.dev_id = self->dev_id;
    h.data_len = sizeof(buf);
    h.data_uptr = (uintptr_t)buf;
    h.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
    ASSERT_IOCTL_OK(self->fd, IOMMU_GET_HW_INFO, &h);
    EXPECT_EQ(h.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    EXPECT_EQ(memcmp(buf, &self->info, sizeof(self->info)), 0);
    h.in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
    ASSERT_IOCTL_OK(self->fd, IOMMU_GET_HW_INFO, &h);
    EXPECT_EQ(h.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    h.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_GET_HW_INFO, &h);
    h.in_data_type = IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV;
    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_GET_HW_INFO, &h);
    h.in_data_type = 0x77;
    ASSERT_IOCTL_ERR(EOPNOTSUPP, self->fd, IOMMU_GET_HW_INFO, &h);
    /* Without the flag the input type is ignored. */
    h.flags = 0;
    h.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
    ASSERT_IOCTL_OK(self->fd, IOMMU_GET_HW_INFO, &h);
    EXPECT_EQ(h.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
}

/* ---- HWPT_ALLOC errno order ------------------------------------------ */

FIXTURE(hwpt_err) {
    int devfd, fd;
    uint32_t dev_id, ioas;
};
FIXTURE_VARIANT(hwpt_err) {
    uint32_t flags, reserved, data_type, data_len;
    int dev;        /* 0: the device, 1: unknown id, 2: the IOAS's id */
    int pt;         /* 0: the IOAS, 1: unknown, 2: id 0, 3: the device */
    int err;
};
#define HWPT_VARIANT(name, flags_, rsv, dtype, dlen, dev_, pt_, err_)   \
    FIXTURE_VARIANT_ADD(hwpt_err, name) {                               \
        .flags = flags_, .reserved = rsv, .data_type = dtype,           \
        .data_len = dlen, .dev = dev_, .pt = pt_, .err = err_,          \
    }
HWPT_VARIANT(reserved, 0, 1, 0, 0, 0, 0, EOPNOTSUPP);
HWPT_VARIANT(reserved_before_data, 0, 1, 0, 16, 1, 1, EOPNOTSUPP);
HWPT_VARIANT(data_len_without_type, 0, 0, 0, 16, 0, 0, EINVAL);
HWPT_VARIANT(data_type_without_len, 0, 0, 2, 0, 0, 0, EINVAL);
HWPT_VARIANT(data_before_dev, 0, 0, 2, 0, 1, 1, EINVAL);
HWPT_VARIANT(bad_dev, 0, 0, 0, 0, 1, 0, ENOENT);
HWPT_VARIANT(dev_is_ioas, 0, 0, 0, 0, 2, 0, ENOENT);
HWPT_VARIANT(dev_before_pt, 0, 0, 0, 0, 1, 1, ENOENT);
HWPT_VARIANT(bad_pt_einval, 0, 0, 0, 0, 0, 1, EINVAL);
HWPT_VARIANT(pt_zero_einval, 0, 0, 0, 0, 0, 2, EINVAL);
HWPT_VARIANT(pt_is_device_einval, 0, 0, 0, 0, 0, 3, EINVAL);
HWPT_VARIANT(unknown_flag, 1u << 4, 0, 0, 0, 0, 0, EOPNOTSUPP);
HWPT_VARIANT(high_flag, 1u << 31, 0, 0, 0, 0, 0, EOPNOTSUPP);
HWPT_VARIANT(fault_with_nest_parent, IOMMU_HWPT_FAULT_ID_VALID |
             IOMMU_HWPT_ALLOC_NEST_PARENT, 0, 0, 0, 0, 0, EOPNOTSUPP);
HWPT_VARIANT(fault_id_unknown, IOMMU_HWPT_FAULT_ID_VALID, 0, 0, 0, 0, 0,
             ENOENT);
HWPT_VARIANT(data_on_ioas, 0, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, 16, 0, 0,
             EOPNOTSUPP);
HWPT_VARIANT(ok, 0, 0, 0, 0, 0, 0, 0);
FIXTURE_SETUP(hwpt_err)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
}
FIXTURE_TEARDOWN(hwpt_err)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(hwpt_err, alloc)
{
    uint64_t data[4] = { 0 };
    struct iommu_hwpt_alloc a = {
        .flags = variant->flags, .__reserved = variant->reserved,
        .data_type = variant->data_type, .data_len = variant->data_len,
        .data_uptr = (uintptr_t)data, .fault_id = 0x4243,
    };
    const uint32_t devs[] = { self->dev_id, 0x4242, self->ioas };
    const uint32_t pts[] = { self->ioas, 0x4242, 0, self->dev_id };

    a.dev_id = devs[variant->dev];
    a.pt_id = pts[variant->pt];
    if (variant->err) {
        EXPECT_EQ(hwpt_alloc(self->fd, &a), -variant->err);
        /* A failure leaves nothing: the next ID is 3 (device 1, IOAS 2). */
        EXPECT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0,
                                   &a.out_hwpt_id), 0);
    } else {
        EXPECT_EQ(hwpt_alloc(self->fd, &a), 0);
    }
    EXPECT_EQ(a.out_hwpt_id, 3);
    EXPECT_EQ(cenv_destroy(self->fd, 3), 0);
}

/* ---- paging flag combinations on SMMUv3 ------------------------------ */

typedef enum Expect {
    EXP_OK,
    EXP_NOTSUPP,
    EXP_IF_NESTING,     /* ok when IDR0 has S1P and S2P */
    EXP_IF_DIRTY,       /* ok when hw_info has IOMMU_HW_CAP_DIRTY_TRACKING */
} Expect;

FIXTURE(paging) {
    int devfd, fd;
    uint32_t dev_id, ioas;
    struct iommu_hw_info_arm_smmuv3 info;
    uint64_t caps;
};
FIXTURE_VARIANT(paging) {
    uint32_t flags;
    Expect expect;
};
FIXTURE_VARIANT_ADD(paging, none) { .flags = 0, .expect = EXP_OK };
FIXTURE_VARIANT_ADD(paging, nest_parent) {
    .flags = IOMMU_HWPT_ALLOC_NEST_PARENT, .expect = EXP_IF_NESTING,
};
FIXTURE_VARIANT_ADD(paging, dirty) {
    .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING, .expect = EXP_IF_DIRTY,
};
FIXTURE_VARIANT_ADD(paging, pasid) {
    .flags = IOMMU_HWPT_ALLOC_PASID, .expect = EXP_OK,
};
FIXTURE_VARIANT_ADD(paging, dirty_pasid) {
    .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID,
    .expect = EXP_IF_DIRTY,
};
FIXTURE_VARIANT_ADD(paging, nest_parent_dirty) {
    .flags = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
    .expect = EXP_NOTSUPP,
};
FIXTURE_VARIANT_ADD(paging, nest_parent_pasid) {
    .flags = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_PASID,
    .expect = EXP_NOTSUPP,
};
FIXTURE_SETUP(paging)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    ASSERT_EQ(cenv_hw_info(self->fd, self->dev_id, &self->info, &self->caps),
              0);
}
FIXTURE_TEARDOWN(paging)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(paging, alloc_attach_destroy)
{
    uint32_t hwpt = 0, pt;
    bool ok;
    int r = cenv_hwpt_paging(self->fd, self->dev_id, self->ioas,
                             variant->flags, &hwpt);

    switch (variant->expect) {
    case EXP_OK:
        ok = true;
        break;
    case EXP_IF_NESTING:
        ok = (self->info.idr[0] & (IDR0_S1P | IDR0_S2P)) ==
             (IDR0_S1P | IDR0_S2P);
        break;
    case EXP_IF_DIRTY:
        ok = self->caps & IOMMU_HW_CAP_DIRTY_TRACKING;
        break;
    default:
        ok = false;
        break;
    }
    if (!ok) {
        EXPECT_EQ(r, -EOPNOTSUPP);
        return;
    }
    ASSERT_EQ(r, 0);
    EXPECT_EQ(hwpt, 3);
    /* A paging HWPT can be attached and, while attached, not destroyed. */
    pt = hwpt;
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_EQ(pt, hwpt);
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), -EBUSY);
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), -EBUSY);
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), 0);
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), 0);
}

TEST_F(hw, nested_on_paging_parent_eopnotsupp)
{
    uint64_t ste[2] = { 0, 0 };
    struct iommu_hwpt_alloc a = {
        .dev_id = self->dev_id, .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3,
        .data_len = sizeof(ste), .data_uptr = (uintptr_t)ste,
    };
    uint32_t plain = 0, parent = 0;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0,
                               &plain), 0);
    /* SMMUv3 nests only through a vIOMMU. */
    a.pt_id = plain;
    EXPECT_EQ(hwpt_alloc(self->fd, &a), -EOPNOTSUPP);
    a.data_type = IOMMU_HWPT_DATA_NONE;
    a.data_len = 0;
    EXPECT_EQ(hwpt_alloc(self->fd, &a), -EOPNOTSUPP);
    if (cenv_hwpt_paging(self->fd, self->dev_id, self->ioas,
                         IOMMU_HWPT_ALLOC_NEST_PARENT, &parent) == 0) {
        a.pt_id = parent;
        a.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
        a.data_len = sizeof(ste);
        EXPECT_EQ(hwpt_alloc(self->fd, &a), -EOPNOTSUPP);
        EXPECT_EQ(cenv_destroy(self->fd, parent), 0);
    }
    EXPECT_EQ(cenv_destroy(self->fd, plain), 0);
}

TEST_F(hw, replace_between_hwpts)
{
    uint32_t a = 0, b = 0, pt;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &a),
              0);
    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &b),
              0);
    pt = a;
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    pt = b;
    /* Attach while attached replaces. */
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_EQ(pt, b);
    EXPECT_EQ(cenv_destroy(self->fd, a), 0);
    EXPECT_EQ(cenv_destroy(self->fd, b), -EBUSY);
    /* Replace by the IOAS: an automatic HWPT takes over. */
    pt = self->ioas;
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_NE(pt, self->ioas);
    EXPECT_NE(pt, b);
    EXPECT_EQ(cenv_destroy(self->fd, b), 0);
    ASSERT_EQ(cenv_detach(self->devfd), 0);
}

TEST_F(hw, failed_replace_keeps_old)
{
    uint32_t a = 0, pt, ioas2;
    uint64_t iova = MSI_BASE;
    void *mem = cenv_alloc(0x1000);

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &a),
              0);
    pt = a;
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    /* Another IOAS with the SW_MSI window mapped cannot take the device. */
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &ioas2), 0);
    ASSERT_EQ(cenv_map_fixed(self->fd, ioas2, mem, 0x1000, iova), 0);
    pt = ioas2;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -EADDRINUSE);
    /* Still attached to the first HWPT. */
    EXPECT_EQ(cenv_destroy(self->fd, a), -EBUSY);
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    EXPECT_EQ(cenv_destroy(self->fd, a), 0);
    cenv_free(mem, 0x1000);
}

/* ---- reserved IOVA after attach (3.7) -------------------------------- */

static int ranges(int fd, uint32_t ioas, struct iommu_iova_range *r,
                  uint32_t n)
{
    struct iommu_ioas_iova_ranges q = {
        .size = sizeof(q), .ioas_id = ioas, .num_iovas = n,
        .allowed_iovas = (uintptr_t)r,
    };
    int ret = cenv_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q);

    return ret ? ret : (int)q.num_iovas;
}

TEST_F(hw, iova_ranges_follow_attach)
{
    struct iommu_iova_range r[4];
    uint32_t pt = self->ioas;
    int n;

    ASSERT_EQ(ranges(self->fd, self->ioas, r, 4), 1);
    EXPECT_EQ(r[0].last, UINT64_MAX);
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    n = ranges(self->fd, self->ioas, r, 4);
    ASSERT_EQ(n, 2);
    EXPECT_EQ(r[0].start, 0);
    EXPECT_EQ(r[0].last, MSI_BASE - 1);
    EXPECT_EQ(r[1].start, MSI_LAST + 1);
    /* The aperture ends below 2^52 (IAS) and is a 2^n - 1 boundary. */
    EXPECT_TRUE(r[1].last < (1ull << 52));
    EXPECT_EQ(r[1].last & (r[1].last + 1), 0);
    /* Ranges grow back when the device leaves. */
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    ASSERT_EQ(ranges(self->fd, self->ioas, r, 4), 1);
    EXPECT_EQ(r[0].last, UINT64_MAX);
}

TEST_F(hw, map_into_msi_window_einval)
{
    void *mem = cenv_alloc(0x2000);
    uint32_t pt = self->ioas;

    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_EQ(cenv_map_fixed(self->fd, self->ioas, mem, 0x1000, MSI_BASE),
              -EINVAL);
    EXPECT_EQ(cenv_map_fixed(self->fd, self->ioas, mem, 0x1000,
                             MSI_LAST - 0xfff), -EINVAL);
    EXPECT_EQ(cenv_map_fixed(self->fd, self->ioas, mem, 0x2000,
                             MSI_BASE - 0x1000), -EINVAL);
    /* Right next to it is fine. */
    EXPECT_EQ(cenv_map_fixed(self->fd, self->ioas, mem, 0x1000,
                             MSI_BASE - 0x1000), 0);
    EXPECT_EQ(cenv_map_fixed(self->fd, self->ioas, mem + 0x1000, 0x1000,
                             MSI_LAST + 1), 0);
    /* After detach the window is free again. */
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    EXPECT_EQ(cenv_map_fixed(self->fd, self->ioas, mem, 0x1000, MSI_BASE),
              0);
    EXPECT_EQ(cenv_unmap(self->fd, self->ioas, 0, UINT64_MAX), 0);
    cenv_free(mem, 0x2000);
}

TEST_F(hw, attach_with_window_mapped_eaddrinuse)
{
    void *mem = cenv_alloc(0x1000);
    uint32_t hwpt = 0, pt = self->ioas;

    ASSERT_EQ(cenv_map_fixed(self->fd, self->ioas, mem, 0x1000,
                             MSI_BASE + 0x10000), 0);
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -EADDRINUSE);
    /* Same through an explicit HWPT. */
    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &hwpt),
              0);
    pt = hwpt;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -EADDRINUSE);
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), 0);
    ASSERT_EQ(cenv_unmap(self->fd, self->ioas, MSI_BASE + 0x10000, 0x1000),
              0);
    pt = self->ioas;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), 0);
    cenv_free(mem, 0x1000);
}

TEST_F(hw, attach_with_window_allowed_eaddrinuse)
{
    struct iommu_iova_range r = { .start = 0x04000000, .last = 0x0fffffff };
    struct iommu_ioas_allow_iovas a = {
        .size = sizeof(a), .ioas_id = self->ioas, .num_iovas = 1,
        .allowed_iovas = (uintptr_t)&r,
    };
    uint32_t pt = self->ioas;

    ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -EADDRINUSE);
    a.num_iovas = 0;
    ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
    pt = self->ioas;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), 0);
}

/* ---- sysfs (4) ------------------------------------------------------- */

static bool read_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return false;
    }
    n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0) {
        return false;
    }
    buf[n] = '\0';
    return true;
}

TEST_F(hw, sysfs_reserved_regions)
{
    char path[256], buf[4096];

    snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/"
             "reserved_regions", self->d->group);
    ASSERT_TRUE(read_file(path, buf, sizeof(buf)));
    EXPECT_TRUE(strstr(buf, "0x0000000008000000 0x00000000080fffff msi\n")
                != NULL);
    snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/type",
             self->d->group);
    EXPECT_TRUE(read_file(path, buf, sizeof(buf)));
}

TEST_F(hw, sysfs_topology)
{
    char path[256];
    struct stat st;

    /* The SMMU name is "smmu3." + its MMIO base as 0x%016llx. */
    EXPECT_EQ(strncmp(self->d->smmu, "smmu3.0x", 8), 0);
    EXPECT_EQ(strlen(self->d->smmu), 8 + 16);
    snprintf(path, sizeof(path), "/sys/class/iommu/%s/devices/%s",
             self->d->smmu, self->d->bdf);
    EXPECT_EQ(stat(path, &st), 0);
    snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/devices/%s",
             self->d->group, self->d->bdf);
    EXPECT_EQ(stat(path, &st), 0);
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev/vfio%u",
             self->d->bdf, self->d->vfio_index);
    EXPECT_EQ(stat(path, &st), 0);
    EXPECT_EQ(stat(self->d->cdev, &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

/* ---- two devices ----------------------------------------------------- */

FIXTURE(two) {
    int fd, devfd[2];
    uint32_t dev_id[2], ioas;
};
FIXTURE_VARIANT(two) {
    bool other_smmu;
};
FIXTURE_VARIANT_ADD(two, same_smmu) { .other_smmu = false };
FIXTURE_VARIANT_ADD(two, other_smmu) { .other_smmu = true };
FIXTURE_SETUP(two)
{
    const CDev *a, *b;

    REQUIRE_EDU(1);
    a = cenv_edu(0);
    b = variant->other_smmu ? cenv_edu_other_smmu(a)
                            : cenv_edu_same_smmu(a);
    if (!b) {
        SKIP("needs a second edu device behind %s SMMU",
             variant->other_smmu ? "another" : "the same");
    }
    self->fd = cenv_open_iommufd();
    self->devfd[0] = cenv_open_cdev(a);
    self->devfd[1] = cenv_open_cdev(b);
    ASSERT_EQ(cenv_bind(self->devfd[0], self->fd, &self->dev_id[0]), 0);
    ASSERT_EQ(cenv_bind(self->devfd[1], self->fd, &self->dev_id[1]), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
}
FIXTURE_TEARDOWN(two)
{
    close_fd(&self->devfd[0]);
    close_fd(&self->devfd[1]);
    close_fd(&self->fd);
}

TEST_F(two, shared_paging_hwpt)
{
    uint32_t hwpt = 0, pt;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id[0], self->ioas, 0,
                               &hwpt), 0);
    pt = hwpt;
    ASSERT_EQ(cenv_attach(self->devfd[0], &pt), 0);
    pt = hwpt;
    /* A paging HWPT belongs to one SMMU. */
    EXPECT_EQ(cenv_attach(self->devfd[1], &pt),
              variant->other_smmu ? -EINVAL : 0);
    ASSERT_EQ(cenv_detach(self->devfd[0]), 0);
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), variant->other_smmu ? 0 : -EBUSY);
}

TEST_F(two, auto_hwpt_per_smmu)
{
    uint32_t pt0 = self->ioas, pt1 = self->ioas;

    ASSERT_EQ(cenv_attach(self->devfd[0], &pt0), 0);
    ASSERT_EQ(cenv_attach(self->devfd[1], &pt1), 0);
    /* Devices of one SMMU share the automatic HWPT; others get theirs. */
    if (variant->other_smmu) {
        EXPECT_NE(pt0, pt1);
    } else {
        EXPECT_EQ(pt0, pt1);
    }
    ASSERT_EQ(cenv_detach(self->devfd[0]), 0);
    /* The HWPT of the device still attached stays. */
    EXPECT_EQ(cenv_destroy(self->fd, pt1), -EBUSY);
    ASSERT_EQ(cenv_detach(self->devfd[1]), 0);
    EXPECT_EQ(cenv_destroy(self->fd, pt1), -ENOENT);
}

TEST_F(two, hw_info_per_smmu)
{
    struct iommu_hw_info_arm_smmuv3 i0, i1;

    ASSERT_EQ(cenv_hw_info(self->fd, self->dev_id[0], &i0, NULL), 0);
    ASSERT_EQ(cenv_hw_info(self->fd, self->dev_id[1], &i1, NULL), 0);
    if (variant->other_smmu) {
        REQUIRE_SIM();
        /* The default topology's SMMUs differ (IDR1 SIDSIZE, ...). */
        EXPECT_NE(memcmp(&i0, &i1, sizeof(i0)), 0);
    } else {
        EXPECT_EQ(memcmp(&i0, &i1, sizeof(i0)), 0);
    }
}
