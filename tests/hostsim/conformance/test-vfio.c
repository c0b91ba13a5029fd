/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance checks of the VFIO device cdev (iommufd-uapi.md 2): the
 * state machine (nothing but BIND before BIND, one bind at a time, close
 * and reopen), BIND errors, device/region/IRQ information, config space
 * and BAR access through the fd, SET_IRQS validation and eventfd
 * loopback, RESET, ATTACH/DETACH with automatic HWPTs, and DMA by the edu
 * device through a paging domain.  Counts and sizes come from the
 * device's config space so the checks hold for the lab's real edu (MSI
 * with one vector, no MSI-X, conventional PCI) and the simulated one.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "env.h"

#define CFG_OFF ((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40)

#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_EXP      0x10
#define PCI_CAP_ID_MSIX     0x11

#define EDU_ID          0x00
#define EDU_LIVENESS    0x04
#define EDU_FACTORIAL   0x08
#define EDU_STATUS      0x20

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
    }
    *fd = -1;
}

static int cfg_read(int devfd, uint64_t off, void *buf, size_t len)
{
    ssize_t r = pread(devfd, buf, len, CFG_OFF + off);

    return r == (ssize_t)len ? 0 : (r < 0 ? -errno : -EIO);
}

static uint8_t cfg8(int devfd, uint64_t off)
{
    uint8_t v = 0xff;

    cfg_read(devfd, off, &v, 1);
    return v;
}

static uint16_t cfg16(int devfd, uint64_t off)
{
    uint16_t v = 0xffff;

    cfg_read(devfd, off, &v, 2);
    return v;
}

/* Offset of capability id in config space, or 0. */
static unsigned find_cap(int devfd, uint8_t id)
{
    unsigned pos, n;

    if (!(cfg16(devfd, 0x06) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    pos = cfg8(devfd, 0x34) & ~3u;
    for (n = 0; pos >= 0x40 && n < 48; n++) {
        if (cfg8(devfd, pos) == id) {
            return pos;
        }
        pos = cfg8(devfd, pos + 1) & ~3u;
    }
    return 0;
}

/* What the config space says the IRQ counts must be. */
static unsigned msi_vectors(int devfd)
{
    unsigned cap = find_cap(devfd, PCI_CAP_ID_MSI);

    return cap ? 1u << ((cfg16(devfd, cap + 2) >> 1) & 7) : 0;
}

static unsigned msix_vectors(int devfd)
{
    unsigned cap = find_cap(devfd, PCI_CAP_ID_MSIX);

    return cap ? (cfg16(devfd, cap + 2) & 0x7ff) + 1 : 0;
}

static int irq_info(int devfd, uint32_t index, struct vfio_irq_info *info)
{
    memset(info, 0, sizeof(*info));
    info->argsz = sizeof(*info);
    info->index = index;
    return cenv_ioctl(devfd, VFIO_DEVICE_GET_IRQ_INFO, info);
}

static int region_info(int devfd, uint32_t index,
                       struct vfio_region_info *info)
{
    memset(info, 0, sizeof(*info));
    info->argsz = sizeof(*info);
    info->index = index;
    return cenv_ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, info);
}

/* ---- before BIND ----------------------------------------------------- */

FIXTURE(unbound) {
    int devfd, fd;
};
FIXTURE_VARIANT(unbound) {
    unsigned long req;
};
FIXTURE_VARIANT_ADD(unbound, get_info) { .req = VFIO_DEVICE_GET_INFO };
FIXTURE_VARIANT_ADD(unbound, region_info) {
    .req = VFIO_DEVICE_GET_REGION_INFO
};
FIXTURE_VARIANT_ADD(unbound, irq_info) { .req = VFIO_DEVICE_GET_IRQ_INFO };
FIXTURE_VARIANT_ADD(unbound, set_irqs) { .req = VFIO_DEVICE_SET_IRQS };
FIXTURE_VARIANT_ADD(unbound, reset) { .req = VFIO_DEVICE_RESET };
FIXTURE_VARIANT_ADD(unbound, attach) {
    .req = VFIO_DEVICE_ATTACH_IOMMUFD_PT
};
FIXTURE_VARIANT_ADD(unbound, detach) {
    .req = VFIO_DEVICE_DETACH_IOMMUFD_PT
};
FIXTURE_VARIANT_ADD(unbound, feature) { .req = VFIO_DEVICE_FEATURE };
FIXTURE_VARIANT_ADD(unbound, hot_reset_info) {
    .req = VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
};
FIXTURE_VARIANT_ADD(unbound, hot_reset) { .req = VFIO_DEVICE_PCI_HOT_RESET };
FIXTURE_VARIANT_ADD(unbound, ioeventfd) { .req = VFIO_DEVICE_IOEVENTFD };
/* The access check comes before the dispatch: even an unknown number. */
FIXTURE_VARIANT_ADD(unbound, unknown_nr) { .req = _IO(VFIO_TYPE, 0x7f) };
FIXTURE_SETUP(unbound)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
}
FIXTURE_TEARDOWN(unbound)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(unbound, ioctl_einval)
{
    uint8_t buf[64];

    /* A well-formed argument: only the missing BIND is wrong. */
    memset(buf, 0, sizeof(buf));
    *(uint32_t *)buf = 32;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, variant->req, buf);
    /* BIND still works afterwards. */
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, NULL), 0);
}

/* The same state, one variant, for the checks that are not per ioctl. */
FIXTURE(fresh) {
    int devfd, fd;
};
FIXTURE_VARIANT(fresh) {
    int unused;
};
FIXTURE_VARIANT_ADD(fresh, default) { 0 };
FIXTURE_SETUP(fresh)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
}
FIXTURE_TEARDOWN(fresh)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(fresh, rw_mmap_einval)
{
    uint32_t v;
    void *p;

    EXPECT_EQ(pread(self->devfd, &v, 4, CFG_OFF), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(pwrite(self->devfd, &v, 4, CFG_OFF + 0x3c), -1);
    EXPECT_EQ(errno, EINVAL);
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->devfd, 0);
    EXPECT_TRUE(p == MAP_FAILED);
    if (p != MAP_FAILED) {
        munmap(p, 4096);
    } else {
        EXPECT_EQ(errno, EINVAL);
    }
}

/* ---- BIND ------------------------------------------------------------ */

TEST_F(fresh, bind_errors)
{
    struct {
        struct vfio_device_bind_iommufd b;
        uint8_t tail[8];
    } big;
    struct vfio_device_bind_iommufd b = {
        .argsz = sizeof(b), .iommufd = self->fd,
    };
    int p[2];

    b.argsz = 12;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    b.argsz = sizeof(b);
    b.flags = 2;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    b.flags = 0;
    b.iommufd = -1;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    memset(&big, 0, sizeof(big));
    big.b.argsz = sizeof(big);
    big.b.iommufd = self->fd;
    big.tail[3] = 1;
    ASSERT_IOCTL_ERR(E2BIG, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &big);
    /* Not an open fd; not an iommufd. */
    b.iommufd = 1000;
    ASSERT_IOCTL_ERR(EBADF, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    ASSERT_EQ(pipe(p), 0);
    b.iommufd = p[0];
    ASSERT_IOCTL_ERR(EBADFD, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    close(p[0]);
    close(p[1]);
    b.iommufd = self->devfd;
    ASSERT_IOCTL_ERR(EBADFD, self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    /* None of that bound the device. */
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_GET_INFO, &big);
    b.iommufd = self->fd;
    ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    EXPECT_EQ(b.out_devid, 1);
}

TEST_F(fresh, bind_old_argsz_16)
{
    struct vfio_device_bind_iommufd b;

    memset(&b, 0xee, sizeof(b));
    b.argsz = 16;
    b.flags = 0;
    b.iommufd = self->fd;
    b.out_devid = 0;
    ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
    EXPECT_EQ(b.out_devid, 1);
    /* The token pointer beyond argsz was neither read nor written. */
    EXPECT_EQ(b.token_uuid_ptr, 0xeeeeeeeeeeeeeeeeull);
}

TEST_F(fresh, bind_once)
{
    int fd2, devfd2;
    uint32_t id = 0;

    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &id), 0);
    /* Again on the same fd, with the same or another iommufd. */
    EXPECT_EQ(cenv_bind(self->devfd, self->fd, NULL), -EINVAL);
    fd2 = cenv_open_iommufd();
    EXPECT_EQ(cenv_bind(self->devfd, fd2, NULL), -EINVAL);
    /* A second open of the cdev cannot bind while the first is bound. */
    devfd2 = cenv_open_cdev(cenv_edu(0));
    EXPECT_EQ(cenv_bind(devfd2, fd2, NULL), -EINVAL);
    EXPECT_EQ(cenv_bind(devfd2, self->fd, NULL), -EINVAL);
    /* Once the first is closed, it can. */
    close_fd(&self->devfd);
    EXPECT_EQ(cenv_bind(devfd2, fd2, &id), 0);
    EXPECT_EQ(id, 1);
    close(devfd2);
    close(fd2);
}

/* ---- a bound device -------------------------------------------------- */

FIXTURE(dev) {
    int devfd, fd;
    uint32_t dev_id, ioas;
    const CDev *d;
};
FIXTURE_VARIANT(dev) {
    int unused;
};
FIXTURE_VARIANT_ADD(dev, default) { 0 };
FIXTURE_SETUP(dev)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->d = cenv_edu(0);
    self->devfd = cenv_open_cdev(self->d);
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
}
FIXTURE_TEARDOWN(dev)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(dev, get_info)
{
    struct vfio_device_info info = { .argsz = sizeof(info) };
    struct vfio_device_info small = { .argsz = 16 };

    ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_GET_INFO, &info);
    EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
    EXPECT_FALSE(info.flags & VFIO_DEVICE_FLAGS_PLATFORM);
    EXPECT_TRUE(info.num_regions >= VFIO_PCI_NUM_REGIONS);
    EXPECT_EQ(info.num_irqs, VFIO_PCI_NUM_IRQS);
    ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_GET_INFO, &small);
    EXPECT_EQ(small.num_irqs, VFIO_PCI_NUM_IRQS);
    small.argsz = 15;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_GET_INFO, &small);
}

TEST_F(dev, config_space_ids)
{
    uint16_t w[4];
    uint8_t b[4];
    uint32_t dw;

    ASSERT_EQ(cfg_read(self->devfd, 0, w, 8), 0);
    EXPECT_EQ(w[0], self->d->vendor);
    EXPECT_EQ(w[1], self->d->device);
    ASSERT_EQ(cfg_read(self->devfd, 0, b, 4), 0);
    EXPECT_EQ(b[0] | b[1] << 8, self->d->vendor);
    EXPECT_EQ(b[2] | b[3] << 8, self->d->device);
    ASSERT_EQ(cfg_read(self->devfd, 1, &b[0], 1), 0);
    EXPECT_EQ(b[0], self->d->vendor >> 8);
    ASSERT_EQ(cfg_read(self->devfd, 0, &dw, 4), 0);
    EXPECT_EQ(dw, (uint32_t)self->d->device << 16 | self->d->vendor);
    /* Header type 0, and the ID registers cannot be written. */
    EXPECT_EQ(cfg8(self->devfd, 0x0e) & 0x7f, 0);
    dw = 0xffffffff;
    pwrite(self->devfd, &dw, 4, CFG_OFF);
    EXPECT_EQ(cfg16(self->devfd, 0), self->d->vendor);
}

TEST_F(dev, config_space_bounds)
{
    struct vfio_region_info ri;
    uint8_t buf[8];

    ASSERT_EQ(region_info(self->devfd, VFIO_PCI_CONFIG_REGION_INDEX, &ri),
              0);
    ASSERT_TRUE(ri.size == 256 || ri.size == 4096);
    EXPECT_EQ(cfg_read(self->devfd, ri.size - 4, buf, 4), 0);
    EXPECT_EQ(cfg_read(self->devfd, ri.size, buf, 4), -EFAULT);
    EXPECT_EQ(cfg_read(self->devfd, ri.size - 2, buf, 4), -EFAULT);
    EXPECT_EQ(cfg_read(self->devfd, ri.size + 0x1000, buf, 1), -EFAULT);
}

/* ---- regions --------------------------------------------------------- */

/* Size of BAR i by the usual sizing through (virtualized) config space. */
static uint64_t bar_size(int devfd, unsigned i, bool *io)
{
    uint64_t off = 0x10 + 4 * i;
    uint32_t orig, lo, hi_orig = 0, hi = 0xffffffff, ones = 0xffffffff;
    uint64_t mask;

    cfg_read(devfd, off, &orig, 4);
    pwrite(devfd, &ones, 4, CFG_OFF + off);
    cfg_read(devfd, off, &lo, 4);
    pwrite(devfd, &orig, 4, CFG_OFF + off);
    *io = orig & 1;
    if (*io) {
        mask = lo & ~3u;
        return mask ? (~mask & 0xffff) + 1 : 0;
    }
    if (((orig >> 1) & 3) == 2 && i < 5) {
        cfg_read(devfd, off + 4, &hi_orig, 4);
        pwrite(devfd, &ones, 4, CFG_OFF + off + 4);
        cfg_read(devfd, off + 4, &hi, 4);
        pwrite(devfd, &hi_orig, 4, CFG_OFF + off + 4);
        mask = (uint64_t)hi << 32 | (lo & ~0xfu);
    } else {
        mask = 0xffffffff00000000ull | (lo & ~0xfu);
    }
    return (lo & ~0xfu) || ((orig >> 1 & 3) == 2 && hi) ? ~mask + 1 : 0;
}

static bool bar_is_upper_half(int devfd, unsigned idx)
{
    unsigned i;

    for (i = 0; i < idx; i++) {
        uint32_t v = 0;

        cfg_read(devfd, 0x10 + 4 * i, &v, 4);
        if (!(v & 1) && ((v >> 1) & 3) == 2) {
            if (i + 1 == idx) {
                return true;
            }
            i++;
        }
    }
    return false;
}

FIXTURE_VARIANT(region) {
    uint32_t index;
};
FIXTURE(region) {
    int devfd, fd;
};
FIXTURE_VARIANT_ADD(region, bar0) { .index = 0 };
FIXTURE_VARIANT_ADD(region, bar1) { .index = 1 };
FIXTURE_VARIANT_ADD(region, bar2) { .index = 2 };
FIXTURE_VARIANT_ADD(region, bar3) { .index = 3 };
FIXTURE_VARIANT_ADD(region, bar4) { .index = 4 };
FIXTURE_VARIANT_ADD(region, bar5) { .index = 5 };
FIXTURE_VARIANT_ADD(region, rom) { .index = VFIO_PCI_ROM_REGION_INDEX };
FIXTURE_VARIANT_ADD(region, config) {
    .index = VFIO_PCI_CONFIG_REGION_INDEX
};
FIXTURE_VARIANT_ADD(region, vga) { .index = VFIO_PCI_VGA_REGION_INDEX };
FIXTURE_VARIANT_ADD(region, beyond) { .index = VFIO_PCI_NUM_REGIONS };
FIXTURE_SETUP(region)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, NULL), 0);
}
FIXTURE_TEARDOWN(region)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(region, info)
{
    struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
    struct vfio_region_info ri;
    uint32_t idx = variant->index;
    bool io = false;
    int r;

    ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_GET_INFO, &dinfo);
    r = region_info(self->devfd, idx, &ri);
    if (idx == VFIO_PCI_VGA_REGION_INDEX ||
        (idx >= VFIO_PCI_NUM_REGIONS && idx >= dinfo.num_regions)) {
        /* edu is not a VGA device; no device-specific regions. */
        EXPECT_EQ(r, -EINVAL);
        return;
    }
    ASSERT_EQ(r, 0);
    EXPECT_EQ(ri.index, idx);
    EXPECT_EQ(ri.offset, (uint64_t)idx << 40);
    if (idx == VFIO_PCI_CONFIG_REGION_INDEX) {
        bool pcie = find_cap(self->devfd, PCI_CAP_ID_EXP) != 0;

        EXPECT_EQ(ri.size, pcie ? 4096 : 256);
        EXPECT_EQ(ri.flags & (VFIO_REGION_INFO_FLAG_READ |
                              VFIO_REGION_INFO_FLAG_WRITE),
                  VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
        EXPECT_FALSE(ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
    } else if (idx == VFIO_PCI_ROM_REGION_INDEX) {
        EXPECT_FALSE(ri.flags & VFIO_REGION_INFO_FLAG_WRITE);
        EXPECT_FALSE(ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
    } else {
        uint64_t size = bar_size(self->devfd, idx, &io);

        /* The upper half of a 64-bit BAR is not a BAR of its own. */
        if (bar_is_upper_half(self->devfd, idx)) {
            size = 0;
        }
        EXPECT_EQ(ri.size, size);
        if (size) {
            EXPECT_TRUE(ri.flags & VFIO_REGION_INFO_FLAG_READ);
            EXPECT_TRUE(ri.flags & VFIO_REGION_INFO_FLAG_WRITE);
        } else {
            EXPECT_EQ(ri.flags, 0);
        }
        if (idx == 0) {
            /* edu's register BAR */
            EXPECT_EQ(ri.size, 1u << 20);
            EXPECT_FALSE(io);
        }
    }
}

TEST_F(dev, region_info_errors)
{
    struct vfio_region_info ri;

    EXPECT_EQ(region_info(self->devfd, 0x7fffffff, &ri), -EINVAL);
    EXPECT_EQ(region_info(self->devfd, 0xffffffff, &ri), -EINVAL);
    memset(&ri, 0, sizeof(ri));
    ri.argsz = 31;
    ri.index = 0;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_GET_REGION_INFO, &ri);
}

/* ---- BAR0: the edu registers ----------------------------------------- */

TEST_F(dev, edu_registers)
{
    uint32_t v;
    uint64_t t0;
    struct timespec ts;

    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_ID), 0x010000ed);
    cenv_edu_write(self->devfd, EDU_LIVENESS, 0x12345678);
    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_LIVENESS), 0xedcba987);
    cenv_edu_write(self->devfd, EDU_LIVENESS, 0);
    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_LIVENESS), 0xffffffff);
    /* Factorial: the status bit 0 clears when the result is ready. */
    cenv_edu_write(self->devfd, EDU_FACTORIAL, 5);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t0 = ts.tv_sec;
    while ((cenv_edu_read(self->devfd, EDU_STATUS) & 1) &&
           (clock_gettime(CLOCK_MONOTONIC, &ts), ts.tv_sec - t0 < 5)) {
        usleep(1000);
    }
    v = cenv_edu_read(self->devfd, EDU_FACTORIAL);
    EXPECT_EQ(v, 120);
}

TEST_F(dev, bar_rw_beyond_end)
{
    struct vfio_region_info ri;
    uint32_t v = 0;

    ASSERT_EQ(region_info(self->devfd, 0, &ri), 0);
    EXPECT_EQ(pread(self->devfd, &v, 4, ri.offset + ri.size), -1);
    EXPECT_EQ(pread(self->devfd, &v, 4, ri.offset + ri.size - 4), 4);
}

/* ---- IRQ info -------------------------------------------------------- */

FIXTURE(irq) {
    int devfd, fd;
};
FIXTURE_VARIANT(irq) {
    uint32_t index;
};
FIXTURE_VARIANT_ADD(irq, intx) { .index = VFIO_PCI_INTX_IRQ_INDEX };
FIXTURE_VARIANT_ADD(irq, msi) { .index = VFIO_PCI_MSI_IRQ_INDEX };
FIXTURE_VARIANT_ADD(irq, msix) { .index = VFIO_PCI_MSIX_IRQ_INDEX };
FIXTURE_VARIANT_ADD(irq, err) { .index = VFIO_PCI_ERR_IRQ_INDEX };
FIXTURE_VARIANT_ADD(irq, req) { .index = VFIO_PCI_REQ_IRQ_INDEX };
FIXTURE_VARIANT_ADD(irq, beyond) { .index = VFIO_PCI_NUM_IRQS };
FIXTURE_SETUP(irq)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, NULL), 0);
}
FIXTURE_TEARDOWN(irq)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
}

TEST_F(irq, info)
{
    struct vfio_irq_info info;
    bool pcie = find_cap(self->devfd, PCI_CAP_ID_EXP) != 0;
    int r = irq_info(self->devfd, variant->index, &info);

    switch (variant->index) {
    case VFIO_PCI_INTX_IRQ_INDEX:
        ASSERT_EQ(r, 0);
        EXPECT_EQ(info.count, cfg8(self->devfd, 0x3d) ? 1 : 0);
        EXPECT_EQ(info.flags, VFIO_IRQ_INFO_EVENTFD |
                  VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED);
        break;
    case VFIO_PCI_MSI_IRQ_INDEX:
        ASSERT_EQ(r, 0);
        EXPECT_EQ(info.count, msi_vectors(self->devfd));
        EXPECT_EQ(info.flags, VFIO_IRQ_INFO_EVENTFD |
                  VFIO_IRQ_INFO_NORESIZE);
        break;
    case VFIO_PCI_MSIX_IRQ_INDEX:
        ASSERT_EQ(r, 0);
        EXPECT_EQ(info.count, msix_vectors(self->devfd));
        EXPECT_TRUE(info.flags & VFIO_IRQ_INFO_EVENTFD);
        EXPECT_FALSE(info.flags & VFIO_IRQ_INFO_MASKABLE);
        break;
    case VFIO_PCI_ERR_IRQ_INDEX:
        /* PCIe devices have one; for others kernels differ. */
        if (pcie) {
            ASSERT_EQ(r, 0);
        }
        if (r == 0) {
            EXPECT_EQ(info.count, 1);
            EXPECT_EQ(info.flags, VFIO_IRQ_INFO_EVENTFD |
                      VFIO_IRQ_INFO_NORESIZE);
        } else {
            EXPECT_EQ(r, -EINVAL);
        }
        break;
    case VFIO_PCI_REQ_IRQ_INDEX:
        ASSERT_EQ(r, 0);
        EXPECT_EQ(info.count, 1);
        EXPECT_EQ(info.flags, VFIO_IRQ_INFO_EVENTFD |
                  VFIO_IRQ_INFO_NORESIZE);
        break;
    default:
        EXPECT_EQ(r, -EINVAL);
        info.argsz = 15;
        info.index = 0;
        ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_GET_IRQ_INFO,
                         &info);
        break;
    }
}

/* ---- SET_IRQS validation --------------------------------------------- */

typedef struct IrqSet {
    struct vfio_irq_set hdr;
    int32_t fds[8];
} IrqSet;

FIXTURE(set_irqs) {
    int devfd, fd, efd;
    unsigned msi;
};
FIXTURE_VARIANT(set_irqs) {
    uint32_t argsz, flags, index, start, count;
    int err;
    bool start_at_max, count_past_max;
};
#define DN VFIO_IRQ_SET_DATA_NONE
#define DB VFIO_IRQ_SET_DATA_BOOL
#define DE VFIO_IRQ_SET_DATA_EVENTFD
#define TRIG VFIO_IRQ_SET_ACTION_TRIGGER
#define IRQ_VARIANT(name, argsz_, flags_, index_, start_, count_, err_)  \
    FIXTURE_VARIANT_ADD(set_irqs, name) {                               \
        .argsz = argsz_, .flags = flags_, .index = index_,              \
        .start = start_, .count = count_, .err = err_,                  \
    }
IRQ_VARIANT(argsz_below_20, 19, DN | TRIG, 1, 0, 1, EINVAL);
IRQ_VARIANT(index_beyond, 20, DN | TRIG, VFIO_PCI_NUM_IRQS, 0, 1, EINVAL);
IRQ_VARIANT(unknown_flag, 20, DN | TRIG | 0x40, 1, 0, 1, EINVAL);
IRQ_VARIANT(count_wraps, 20, DN | TRIG, 1, 1, 0xfffffffe, EINVAL);
IRQ_VARIANT(two_data_types, 24, DN | DB | TRIG, 1, 0, 1, EINVAL);
IRQ_VARIANT(no_data_type, 20, TRIG, 1, 0, 1, EINVAL);
IRQ_VARIANT(argsz_short_for_fds, 20, DE | TRIG, 1, 0, 1, EINVAL);
IRQ_VARIANT(argsz_short_for_bools, 20, DB | TRIG, 1, 0, 1, EINVAL);
IRQ_VARIANT(mask_msi_enotty, 20, DN | VFIO_IRQ_SET_ACTION_MASK, 1, 0, 1,
            ENOTTY);
IRQ_VARIANT(unmask_msi_enotty, 20, DN | VFIO_IRQ_SET_ACTION_UNMASK, 1, 0, 1,
            ENOTTY);
FIXTURE_VARIANT_ADD(set_irqs, start_beyond) {
    .argsz = 20, .flags = DN | TRIG, .index = 1, .start_at_max = true,
    .count = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(set_irqs, count_beyond) {
    .argsz = 20, .flags = DN | TRIG, .index = 1, .count_past_max = true,
    .err = EINVAL,
};
IRQ_VARIANT(disable_idle_einval, 20, DN | TRIG, 1, 0, 0, EINVAL);
IRQ_VARIANT(trigger_idle_einval, 20, DN | TRIG, 1, 0, 1, EINVAL);
FIXTURE_SETUP(set_irqs)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->efd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, NULL), 0);
    self->msi = msi_vectors(self->devfd);
    if (!self->msi) {
        close_fd(&self->devfd);
        close_fd(&self->fd);
        SKIP("device has no MSI capability");
    }
    self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ASSERT_TRUE(self->efd >= 0);
}
FIXTURE_TEARDOWN(set_irqs)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
    close_fd(&self->efd);
}

TEST_F(set_irqs, validate)
{
    IrqSet s;

    memset(&s, 0, sizeof(s));
    s.hdr.argsz = variant->argsz;
    s.hdr.flags = variant->flags;
    s.hdr.index = variant->index;
    s.hdr.start = variant->start_at_max ? self->msi : variant->start;
    s.hdr.count = variant->count_past_max ? self->msi + 1 : variant->count;
    s.fds[0] = self->efd;
    if (variant->err) {
        ASSERT_IOCTL_ERR(variant->err, self->devfd, VFIO_DEVICE_SET_IRQS, &s);
    } else {
        ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_SET_IRQS, &s);
    }
}

/* MSI is enabled the way a VMM does it: with the device attached. */
FIXTURE(msi) {
    int devfd, fd, efd;
    uint32_t ioas;
};
FIXTURE_VARIANT(msi) {
    int unused;
};
FIXTURE_VARIANT_ADD(msi, default) { 0 };
FIXTURE_SETUP(msi)
{
    uint32_t pt;

    REQUIRE_EDU(1);
    self->fd = -1;
    self->efd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, NULL), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    pt = self->ioas;
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ASSERT_TRUE(self->efd >= 0);
}
FIXTURE_TEARDOWN(msi)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
    close_fd(&self->efd);
}

static int set_irqs(int devfd, uint32_t flags, uint32_t index,
                    uint32_t start, uint32_t count, const int32_t *fds)
{
    IrqSet s;
    size_t data = 0;

    memset(&s, 0, sizeof(s));
    if (flags & DE) {
        data = count * 4;
        memcpy(s.fds, fds, data);
    } else if (flags & DB) {
        data = count;
        memset(s.fds, 1, data);
    }
    s.hdr.argsz = sizeof(s.hdr) + data;
    s.hdr.flags = flags;
    s.hdr.index = index;
    s.hdr.start = start;
    s.hdr.count = count;
    return cenv_ioctl(devfd, VFIO_DEVICE_SET_IRQS, &s);
}

static bool readable(int efd)
{
    struct pollfd p = { .fd = efd, .events = POLLIN };
    uint64_t v = 0;

    if (poll(&p, 1, 1000) != 1 || !(p.revents & POLLIN)) {
        return false;
    }
    return read(efd, &v, 8) == 8 && v >= 1;
}

TEST_F(msi, msi_loopback)
{
    int32_t fd = self->efd;

    if (!msi_vectors(self->devfd)) {
        SKIP("device has no MSI capability");
    }
    /* Nothing to trigger or disable while MSI is off. */
    EXPECT_EQ(set_irqs(self->devfd, DN | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
                       NULL), -EINVAL);
    EXPECT_EQ(set_irqs(self->devfd, DN | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 0,
                       NULL), -EINVAL);
    ASSERT_EQ(set_irqs(self->devfd, DE | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
                       &fd), 0);
    EXPECT_FALSE(readable(self->efd));
    ASSERT_EQ(set_irqs(self->devfd, DN | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
                       NULL), 0);
    EXPECT_TRUE(readable(self->efd));
    ASSERT_EQ(set_irqs(self->devfd, DB | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
                       NULL), 0);
    EXPECT_TRUE(readable(self->efd));
    /* The doorbell mapping the host made is not an area of the IOAS. */
    {
        struct iommu_ioas_unmap u = {
            .size = sizeof(u), .ioas_id = self->ioas, .iova = 0,
            .length = UINT64_MAX,
        };

        ASSERT_IOCTL_OK(self->fd, IOMMU_IOAS_UNMAP, &u);
        EXPECT_EQ(u.length, 0);
    }
    /* MSI-X cannot be enabled while MSI is. */
    if (msix_vectors(self->devfd)) {
        EXPECT_EQ(set_irqs(self->devfd, DE | TRIG, VFIO_PCI_MSIX_IRQ_INDEX,
                           0, 1, &fd), -EINVAL);
    }
    /* Disable. */
    ASSERT_EQ(set_irqs(self->devfd, DN | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 0,
                       NULL), 0);
    EXPECT_FALSE(readable(self->efd));
}

TEST_F(msi, req_loopback)
{
    int32_t fd = self->efd;

    ASSERT_EQ(set_irqs(self->devfd, DE | TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
                       &fd), 0);
    ASSERT_EQ(set_irqs(self->devfd, DN | TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
                       NULL), 0);
    EXPECT_TRUE(readable(self->efd));
    fd = -1;
    ASSERT_EQ(set_irqs(self->devfd, DE | TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
                       &fd), 0);
    EXPECT_FALSE(readable(self->efd));
}

/*
 * Enabling with start + count one beyond the index's vectors is refused
 * by the common validation (start + count > max), even with every
 * eventfd given; exactly max vectors then work.
 */
TEST_F(msi, enable_beyond_count_einval)
{
    static const uint32_t idx[] = {
        VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSIX_IRQ_INDEX,
    };
    int32_t fds[8];
    unsigned i, k, tried = 0;

    for (k = 0; k < 8; k++) {
        fds[k] = self->efd;
    }
    for (i = 0; i < 2; i++) {
        struct vfio_irq_info info;

        if (irq_info(self->devfd, idx[i], &info) || info.count == 0 ||
            info.count + 1 > 8) {
            continue;
        }
        tried++;
        EXPECT_EQ(set_irqs(self->devfd, DE | TRIG, idx[i], 0,
                           info.count + 1, fds), -EINVAL);
        if (info.count > 1) {
            EXPECT_EQ(set_irqs(self->devfd, DE | TRIG, idx[i], 1,
                               info.count, fds), -EINVAL);
        }
        /* Nothing was enabled: the full count is accepted, then off. */
        ASSERT_EQ(set_irqs(self->devfd, DE | TRIG, idx[i], 0, info.count,
                           fds), 0);
        ASSERT_EQ(set_irqs(self->devfd, DN | TRIG, idx[i], 0, 0, NULL), 0);
    }
    if (!tried) {
        SKIP("no MSI or MSI-X index with 1..7 vectors");
    }
}

TEST_F(msi, zero_count_index)
{
    struct vfio_irq_info info;
    uint32_t i;

    for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
        if (irq_info(self->devfd, i, &info) == 0 && info.count == 0) {
            /* Any call on an index with no vectors fails. */
            EXPECT_EQ(set_irqs(self->devfd, DN | TRIG, i, 0, 0, NULL),
                      -EINVAL);
            EXPECT_EQ(set_irqs(self->devfd, DN | TRIG, i, 0, 1, NULL),
                      -EINVAL);
            return;
        }
    }
    SKIP("every IRQ index has vectors");
}

/* ---- RESET ----------------------------------------------------------- */

TEST_F(dev, reset)
{
    struct vfio_device_info info = { .argsz = sizeof(info) };

    ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_GET_INFO, &info);
    cenv_edu_write(self->devfd, EDU_LIVENESS, 0x11111111);
    if (info.flags & VFIO_DEVICE_FLAGS_RESET) {
        ASSERT_IOCTL_OK(self->devfd, VFIO_DEVICE_RESET, NULL);
        /* Still the same device, still usable. */
        EXPECT_EQ(cenv_edu_read(self->devfd, EDU_ID), 0x010000ed);
        EXPECT_EQ(cfg16(self->devfd, 0), self->d->vendor);
    } else {
        ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_RESET, NULL);
    }
}

/* ---- ATTACH / DETACH ------------------------------------------------- */

TEST_F(dev, attach_ioas_auto_hwpt)
{
    uint32_t pt = self->ioas, pt2 = self->ioas, hwpt;

    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    /* The kernel returns the automatic HWPT it created. */
    EXPECT_NE(pt, self->ioas);
    EXPECT_EQ(pt, 3);
    hwpt = pt;
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), -EBUSY);
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), -EBUSY);
    /* Attaching again to the IOAS reuses it. */
    ASSERT_EQ(cenv_attach(self->devfd, &pt2), 0);
    EXPECT_EQ(pt2, hwpt);
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    /* The automatic HWPT went away with the last device. */
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), -ENOENT);
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), 0);
}

TEST_F(dev, attach_explicit_hwpt_echoes_id)
{
    uint32_t hwpt = 0, pt;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->dev_id, self->ioas, 0, &hwpt),
              0);
    pt = hwpt;
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_EQ(pt, hwpt);
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), -EBUSY);
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    /* An explicit HWPT stays until destroyed. */
    EXPECT_EQ(cenv_destroy(self->fd, hwpt), 0);
}

TEST_F(dev, attach_errors)
{
    struct vfio_device_attach_iommufd_pt a = {
        .argsz = sizeof(a), .pt_id = self->ioas,
    };
    uint32_t pt;

    a.argsz = 11;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
    a.argsz = sizeof(a);
    a.flags = 2;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
    pt = 0x4242;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -ENOENT);
    pt = 0;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -ENOENT);
    /* The DEVICE object is not something to attach to. */
    pt = self->dev_id;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), -EINVAL);
    /* Nothing got attached: the IOAS can go. */
    EXPECT_EQ(cenv_destroy(self->fd, self->ioas), 0);
}

TEST_F(dev, detach_always_succeeds)
{
    struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };
    uint32_t pt = self->ioas;

    EXPECT_EQ(cenv_detach(self->devfd), 0);
    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_EQ(cenv_detach(self->devfd), 0);
    EXPECT_EQ(cenv_detach(self->devfd), 0);
    d.argsz = 7;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
    d.argsz = sizeof(d);
    d.flags = 2;
    ASSERT_IOCTL_ERR(EINVAL, self->devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

TEST_F(dev, close_and_reopen)
{
    uint32_t pt = self->ioas, id = 0;

    ASSERT_EQ(cenv_attach(self->devfd, &pt), 0);
    /* Closing the device fd detaches and unbinds. */
    close_fd(&self->devfd);
    EXPECT_EQ(cenv_destroy(self->fd, pt), -ENOENT);
    EXPECT_EQ(cenv_destroy(self->fd, self->dev_id), -ENOENT);
    self->devfd = cenv_open_cdev(self->d);
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &id), 0);
    /* The freed DEVICE ID is the lowest free one again. */
    EXPECT_EQ(id, self->dev_id);
    pt = self->ioas;
    EXPECT_EQ(cenv_attach(self->devfd, &pt), 0);
    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_ID), 0x010000ed);
}

/* ---- DMA by edu through a paging domain ------------------------------ */

FIXTURE(dma) {
    int devfd, fd;
    uint32_t dev_id, ioas, pt;
    uint8_t *mem;
};
FIXTURE_VARIANT(dma) {
    bool explicit_hwpt;
    uint32_t hwpt_flags;
};
FIXTURE_VARIANT_ADD(dma, auto_hwpt) { .explicit_hwpt = false };
FIXTURE_VARIANT_ADD(dma, paging_hwpt) { .explicit_hwpt = true };
FIXTURE_VARIANT_ADD(dma, nest_parent) {
    .explicit_hwpt = true, .hwpt_flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
};
FIXTURE_SETUP(dma)
{
    REQUIRE_EDU(1);
    self->fd = -1;
    self->devfd = cenv_open_cdev(cenv_edu(0));
    self->fd = cenv_open_iommufd();
    self->mem = cenv_alloc(0x10000);
    ASSERT_EQ(cenv_bind(self->devfd, self->fd, &self->dev_id), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
    self->pt = self->ioas;
    if (variant->explicit_hwpt) {
        int r = cenv_hwpt_paging(self->fd, self->dev_id, self->ioas,
                                 variant->hwpt_flags, &self->pt);

        if (r == -EOPNOTSUPP && variant->hwpt_flags) {
            close_fd(&self->devfd);
            close_fd(&self->fd);
            cenv_free(self->mem, 0x10000);
            SKIP("no nesting on this SMMU");
        }
        ASSERT_EQ(r, 0);
    }
    ASSERT_EQ(cenv_attach(self->devfd, &self->pt), 0);
    ASSERT_EQ(cenv_map_fixed(self->fd, self->ioas, self->mem, 0x10000,
                             0x100000), 0);
}
FIXTURE_TEARDOWN(dma)
{
    close_fd(&self->devfd);
    close_fd(&self->fd);
    cenv_free(self->mem, 0x10000);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + i * 7);
    }
}

TEST_F(dma, roundtrip)
{
    uint8_t *a = self->mem, *b = self->mem + 0x2000;

    fill(a, 4096, 0x31);
    memset(b, 0, 4096);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x100000, 4096, true), 0);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x102000, 4096, false), 0);
    EXPECT_EQ(memcmp(a, b, 4096), 0);
    /* A second pattern, to a different offset, partial length. */
    fill(a + 0x100, 256, 0x77);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x100100, 256, true), 0);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x105000, 256, false), 0);
    EXPECT_EQ(memcmp(a + 0x100, self->mem + 0x5000, 256), 0);
    EXPECT_EQ(self->mem[0x5000 + 256], 0);
}

TEST_F(dma, unmapped_iova_not_reached)
{
    fill(self->mem, 4096, 0x42);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x100000, 4096, true), 0);
    /* Keep only [0x100000, 0x103000) mapped. */
    ASSERT_EQ(cenv_unmap(self->fd, self->ioas, 0x100000, 0x10000), 0);
    ASSERT_EQ(cenv_map_fixed(self->fd, self->ioas, self->mem, 0x3000,
                             0x100000), 0);
    memset(self->mem + 0x3000, 0xcc, 4096);
    /* The device's write to an unmapped IOVA must not land anywhere. */
    cenv_edu_dma(self->devfd, 0x103000, 4096, false);
    EXPECT_EQ(self->mem[0x3000], 0xcc);
    EXPECT_EQ(self->mem[0x3fff], 0xcc);
    /* The mapped part still works. */
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x101000, 4096, false), 0);
    EXPECT_EQ(memcmp(self->mem, self->mem + 0x1000, 4096), 0);
}

TEST_F(dma, blocked_after_detach)
{
    fill(self->mem, 4096, 0x99);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x100000, 4096, true), 0);
    ASSERT_EQ(cenv_detach(self->devfd), 0);
    memset(self->mem + 0x1000, 0xcc, 4096);
    cenv_edu_dma(self->devfd, 0x101000, 4096, false);
    EXPECT_EQ(self->mem[0x1000], 0xcc);
    /* Re-attach: DMA works again. */
    self->pt = variant->explicit_hwpt ? self->pt : self->ioas;
    ASSERT_EQ(cenv_attach(self->devfd, &self->pt), 0);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x101000, 4096, false), 0);
    EXPECT_EQ(memcmp(self->mem, self->mem + 0x1000, 4096), 0);
}

/*
 * A DMA started with the IRQ flag (cmd bit 2) raises edu's DMA interrupt
 * when it completes: bit 8 of the interrupt status register, and with
 * MSI enabled through VFIO a message that signals the vector's eventfd.
 */
#define EDU_IRQ_STATUS  0x24
#define EDU_IRQ_ACK     0x64
#define EDU_IRQ_DMA     0x100
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98
#define EDU_DMA_BUFFER  0x40000

TEST_F(dma, completion_raises_dma_irq)
{
    int32_t efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    bool msi = msi_vectors(self->devfd) != 0;
    int waited = 0;

    ASSERT_TRUE(efd >= 0);
    /* A plain DMA first: the buffer's content, and bus mastering on. */
    fill(self->mem, 256, 0x5a);
    ASSERT_EQ(cenv_edu_dma(self->devfd, 0x100000, 256, true), 0);
    if (msi) {
        /* Signal by MSI rather than INTx, which nothing would handle. */
        ASSERT_EQ(set_irqs(self->devfd, DE | TRIG, VFIO_PCI_MSI_IRQ_INDEX,
                           0, 1, &efd), 0);
    }
    cenv_edu_write(self->devfd, EDU_IRQ_ACK, 0xffffffff);
    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_IRQ_STATUS), 0);

    /* Buffer -> RAM at IOVA 0x103000, with the IRQ flag. */
    cenv_edu_write64(self->devfd, EDU_DMA_SRC, EDU_DMA_BUFFER);
    cenv_edu_write64(self->devfd, EDU_DMA_DST, 0x103000);
    cenv_edu_write64(self->devfd, EDU_DMA_CNT, 256);
    cenv_edu_write64(self->devfd, EDU_DMA_CMD, 0x1 | 0x2 | 0x4);
    while (cenv_edu_read64(self->devfd, EDU_DMA_CMD) & 0x1) {
        ASSERT_TRUE(waited < 5000);
        usleep(2000);
        waited += 2;
    }
    EXPECT_EQ(memcmp(self->mem, self->mem + 0x3000, 256), 0);
    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_IRQ_STATUS) & EDU_IRQ_DMA,
              EDU_IRQ_DMA);
    if (msi) {
        /* In the lab the message goes through the SMMU to the ITS. */
        EXPECT_TRUE(readable(efd));
    }
    cenv_edu_write(self->devfd, EDU_IRQ_ACK, EDU_IRQ_DMA);
    EXPECT_EQ(cenv_edu_read(self->devfd, EDU_IRQ_STATUS), 0);
    if (msi) {
        EXPECT_EQ(set_irqs(self->devfd, DN | TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0,
                           0, NULL), 0);
    }
    close(efd);
}
