/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the simulated VFIO device cdev (vfio.c, vfio-irq.c,
 * vfio-config.c) on the default topology's function.0 (edu BAR0, MSI-X
 * BAR2, RAM BAR4; 1 MSI and 4 MSI-X vectors): the state machine before
 * and after BIND with the errno order of BIND, ATTACH and DETACH, the
 * info ioctls and their capability chain, config space virtualization
 * (BAR sizing, the MSI/MSI-X capabilities, memory decoding), BAR access
 * and mmap targets, SET_IRQS validation and delivery to eventfds, RESET,
 * FEATURE, hot reset, hot-unplug through the REQ eventfd, and a fail-nth
 * sweep of bind + MSI-X enable that must leave nothing behind.
 *
 * The VFIO side is driven directly (hs_vfio_* under the simulator's
 * lock); the iommufd it binds to is a real simulated fd (hs_fd_new), so
 * that BIND finds it by number.  Every test ends with an empty leak
 * report.
 */
#include "hostsim-int.h"

#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#define REGION(i)       ((uint64_t)(i) << HS_VFIO_OFFSET_SHIFT)
#define CFG             REGION(VFIO_PCI_CONFIG_REGION_INDEX)

typedef struct Fx {
    HSFunc *f;
    HSIctx *ictx;
    int iommufd;
    HSVfioDev *d;
    uint32_t devid;
} Fx;

static int vioc(HSVfioDev *d, unsigned long req, void *arg)
{
    int r;

    hs_lock();
    r = hs_vfio_ioctl(d, req, arg);
    hs_unlock();
    return r;
}

static ssize_t vrd(HSVfioDev *d, void *buf, size_t n, uint64_t off)
{
    ssize_t r;

    hs_lock();
    r = hs_vfio_pread(d, buf, n, off);
    hs_unlock();
    return r;
}

static ssize_t vwr(HSVfioDev *d, const void *buf, size_t n, uint64_t off)
{
    ssize_t r;

    hs_lock();
    r = hs_vfio_pwrite(d, buf, n, off);
    hs_unlock();
    return r;
}

static HSVfioDev *vopen(HSFunc *f, int *err)
{
    HSVfioDev *d;

    hs_lock();
    d = hs_vfio_open(f, err);
    hs_unlock();
    return d;
}

static void vclose(HSVfioDev *d)
{
    hs_lock();
    hs_vfio_close(d);
    hs_unlock();
}

static uint32_t cfg_rd(HSVfioDev *d, unsigned off, unsigned size)
{
    uint32_t v = 0;

    g_assert_cmpint(vrd(d, &v, size, CFG + off), ==, size);
    return v;
}

static void cfg_wr(HSVfioDev *d, unsigned off, unsigned size, uint32_t v)
{
    g_assert_cmpint(vwr(d, &v, size, CFG + off), ==, size);
}

static int bind(HSVfioDev *d, int iommufd, uint32_t *devid)
{
    struct vfio_device_bind_iommufd b = {
        .argsz = sizeof(b), .iommufd = iommufd,
    };
    int r = vioc(d, VFIO_DEVICE_BIND_IOMMUFD, &b);

    if (devid) {
        *devid = b.out_devid;
    }
    return r;
}

/* An iommufd context with an fd, and an open (unbound) cdev of func. */
static bool fx_open(Fx *x, unsigned func)
{
    int err = 0;

    memset(x, 0, sizeof(*x));
    if (!hs_topo || hs_topo->funcs->len <= func) {
        g_test_skip("the default topology is not loaded");
        return false;
    }
    x->f = g_ptr_array_index(hs_topo->funcs, func);
    hs_lock();
    x->ictx = hs_ictx_open(&err);
    g_assert_nonnull(x->ictx);
    x->iommufd = hs_fd_new(HS_FD_IOMMUFD, x->ictx, O_CLOEXEC);
    hs_unlock();
    g_assert_cmpint(x->iommufd, >=, 0);
    x->d = vopen(x->f, &err);
    g_assert_nonnull(x->d);
    return true;
}

static bool fx_bound(Fx *x, unsigned func)
{
    if (!fx_open(x, func)) {
        return false;
    }
    g_assert_cmpint(bind(x->d, x->iommufd, &x->devid), ==, 0);
    return true;
}

static void assert_no_leaks(void)
{
    g_autoptr(GString) leaks = g_string_new("");

    hs_lock();
    hs_leak_report(leaks);
    hs_unlock();
    if (leaks->len) {
        g_test_message("%s", leaks->str);
    }
    g_assert_cmpuint(leaks->len, ==, 0);
}

static void fx_close(Fx *x)
{
    if (x->d) {
        vclose(x->d);
    }
    g_assert_null(x->f->bound);
    g_assert_null(x->f->idev);
    g_assert_cmpint(close(x->iommufd), ==, 0);
    assert_no_leaks();
}

static int new_eventfd(void)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

/* The eventfd's count, consumed (0 when nothing was signalled). */
static uint64_t efd_take(int fd)
{
    uint64_t v = 0;

    if (read(fd, &v, sizeof(v)) != sizeof(v)) {
        return 0;
    }
    return v;
}

/* SET_IRQS with count eventfds (or NULL data for DATA_NONE). */
static int set_irqs(HSVfioDev *d, uint32_t flags, uint32_t index,
                    uint32_t start, uint32_t count, const void *data,
                    size_t data_len)
{
    g_autofree struct vfio_irq_set *s = g_malloc0(sizeof(*s) + data_len);

    s->argsz = sizeof(*s) + data_len;
    s->flags = flags;
    s->index = index;
    s->start = start;
    s->count = count;
    if (data_len) {
        memcpy(s->data, data, data_len);
    }
    return vioc(d, VFIO_DEVICE_SET_IRQS, s);
}

/* ---- the state machine and BIND ---- */

static void test_bind(void)
{
    struct {
        struct vfio_device_bind_iommufd b;
        uint8_t tail[8];
    } big;
    struct vfio_device_info info = { .argsz = sizeof(info) };
    HSVfioDev *d2;
    uint64_t uuid[2] = { 1, 2 };
    uint32_t devid = 0;
    uint8_t byte;
    int pipefd[2], memfd = -1, err = 0;
    off_t moff;
    Fx x;

    if (!fx_open(&x, 0)) {
        return;
    }
    /* Before BIND: every ioctl but BIND, and access, fail with EINVAL. */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_INFO, &info), ==, -EINVAL);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_RESET, NULL), ==, -EINVAL);
    g_assert_cmpint(vioc(x.d, 0x3bff, NULL), ==, -EINVAL);
    g_assert_cmpint(vrd(x.d, &byte, 1, CFG), ==, -EINVAL);
    g_assert_cmpint(vwr(x.d, &byte, 1, CFG), ==, -EINVAL);
    hs_lock();
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 4096, PROT_READ, MAP_SHARED,
                                        REGION(4), &memfd, &moff),
                    ==, -EINVAL);
    hs_unlock();

    /* BIND's own checks, in the kernel's order. */
    memset(&big, 0, sizeof(big));
    big.b.argsz = 12;
    big.b.iommufd = x.iommufd;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -EINVAL);
    big.b.argsz = sizeof(big);
    big.b.iommufd = -1;
    big.tail[3] = 1;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -E2BIG);
    big.tail[3] = 0;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -EINVAL);
    big.b.iommufd = x.iommufd;
    big.b.flags = 2;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -EINVAL);
    big.b.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
    big.b.token_uuid_ptr = (uintptr_t)uuid;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -EINVAL);
    big.b.flags = 0;
    big.b.iommufd = 1000;           /* not an open fd */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -EBADF);
    g_assert_cmpint(pipe(pipefd), ==, 0);
    big.b.iommufd = pipefd[0];      /* open, but not an iommufd */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, -EBADFD);
    close(pipefd[0]);
    close(pipefd[1]);
    g_assert_null(x.f->bound);

    /* A 16-byte (6.6-era) struct binds; out_devid is the DEVICE. */
    big.b.argsz = 16;
    big.b.iommufd = x.iommufd;
    big.b.out_devid = 0;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_BIND_IOMMUFD, &big), ==, 0);
    g_assert_cmpuint(big.b.out_devid, !=, 0);
    g_assert_true(x.f->bound == x.d);
    g_assert_nonnull(x.f->idev);
    g_assert_cmpuint(x.f->idev->obj.id, ==, big.b.out_devid);
    g_assert_cmpint(bind(x.d, x.iommufd, NULL), ==, -EINVAL);

    /* A second open is possible, but not a second BIND (single open). */
    d2 = vopen(x.f, &err);
    g_assert_nonnull(d2);
    g_assert_cmpint(bind(d2, x.iommufd, &devid), ==, -EINVAL);
    g_assert_cmpint(vioc(d2, VFIO_DEVICE_GET_INFO, &info), ==, -EINVAL);
    vclose(d2);

    /* Bound: unknown ioctls are ENOTTY. */
    g_assert_cmpint(vioc(x.d, 0x3bff, NULL), ==, -ENOTTY);
    g_assert_cmpint(vioc(x.d, VFIO_GROUP_GET_STATUS, NULL), ==, -ENOTTY);
    fx_close(&x);
}

static void test_attach(void)
{
    struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
    struct {
        struct vfio_device_attach_iommufd_pt a;
        uint32_t pad;
    } at;
    struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt) };
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    hs_lock();
    g_assert_cmpint(hs_iommufd_ioctl(x.ictx, IOMMU_IOAS_ALLOC, &ioas), ==,
                    0);
    hs_unlock();

    memset(&at, 0, sizeof(at));
    at.a.argsz = 8;
    at.a.pt_id = ioas.out_ioas_id;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -EINVAL);
    at.a.argsz = 12;
    at.a.flags = 2;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -EINVAL);
    /* PASID: 16 bytes needed, then the function has no PASID at all. */
    at.a.flags = VFIO_DEVICE_ATTACH_PASID;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -EINVAL);
    at.a.argsz = 16;
    at.a.pasid = 1;
    at.a.pt_id = 9999;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -ENOENT);
    at.a.pt_id = ioas.out_ioas_id;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -EINVAL);
    g_assert_null(x.f->idev->attached);

    at.a.flags = 0;
    at.a.pt_id = 0;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -ENOENT);
    /* An IOAS: attached to an automatic HWPT, whose ID comes back. */
    at.a.argsz = 12;
    at.a.pt_id = ioas.out_ioas_id;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==, 0);
    g_assert_nonnull(x.f->idev->attached);
    g_assert_cmpuint(at.a.pt_id, ==, x.f->idev->attached->obj.id);
    g_assert_cmpuint(at.a.pt_id, !=, ioas.out_ioas_id);

    /* DETACH always succeeds. */
    dt.argsz = 4;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), ==,
                    -EINVAL);
    dt.argsz = 8;
    dt.flags = 4;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), ==,
                    -EINVAL);
    dt.flags = VFIO_DEVICE_DETACH_PASID;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), ==,
                    -EINVAL);
    dt.argsz = 12;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), ==, 0);
    g_assert_nonnull(x.f->idev->attached);
    dt.flags = 0;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), ==, 0);
    g_assert_null(x.f->idev->attached);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), ==, 0);

    /* The automatic HWPT went with the detach. */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==,
                    -ENOENT);
    /* Closing an attached device detaches and unbinds it. */
    at.a.pt_id = ioas.out_ioas_id;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), ==, 0);
    fx_close(&x);
}

/* ---- info ioctls ---- */

static void test_info(void)
{
    struct vfio_device_info info;
    struct {
        struct vfio_region_info r;
        struct vfio_info_cap_header cap;
    } ri;
    struct vfio_irq_info ii;
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    /* 16 bytes: cap_offset is not written; 20 or more: it is 0. */
    memset(&info, 0xa5, sizeof(info));
    info.argsz = 16;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_INFO, &info), ==, 0);
    g_assert_cmphex(info.flags, ==,
                    VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
    g_assert_cmpuint(info.num_regions, ==, 9);
    g_assert_cmpuint(info.num_irqs, ==, 5);
    g_assert_cmphex(info.cap_offset, ==, 0xa5a5a5a5);
    info.argsz = sizeof(info);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_INFO, &info), ==, 0);
    g_assert_cmpuint(info.cap_offset, ==, 0);
    g_assert_cmpuint(info.argsz, ==, sizeof(info));
    info.argsz = 15;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_INFO, &info), ==, -EINVAL);

    /* Regions. */
    memset(&ri, 0, sizeof(ri));
    ri.r.argsz = sizeof(ri.r);
    ri.r.index = 0;                 /* edu: trapped, no MMAP */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmphex(ri.r.flags, ==, VFIO_REGION_INFO_FLAG_READ |
                    VFIO_REGION_INFO_FLAG_WRITE);
    g_assert_cmphex(ri.r.size, ==, 1 << 20);
    g_assert_cmphex(ri.r.offset, ==, 0);
    ri.r.index = 1;                 /* unimplemented */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmphex(ri.r.flags, ==, 0);
    g_assert_cmphex(ri.r.size, ==, 0);
    g_assert_cmphex(ri.r.offset, ==, REGION(1));
    ri.r.index = 4;                 /* RAM */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmphex(ri.r.flags, ==, VFIO_REGION_INFO_FLAG_READ |
                    VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP);
    g_assert_cmphex(ri.r.size, ==, 64 << 10);
    g_assert_cmphex(ri.r.offset, ==, REGION(4));

    /* MSI-X BAR, buffer too small: CAPS, the size needed, no offset. */
    ri.r.index = 2;
    ri.r.cap_offset = 77;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmphex(ri.r.flags, ==, VFIO_REGION_INFO_FLAG_READ |
                    VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP |
                    VFIO_REGION_INFO_FLAG_CAPS);
    g_assert_cmpuint(ri.r.argsz, ==, sizeof(ri));
    g_assert_cmpuint(ri.r.cap_offset, ==, 0);
    g_assert_cmpuint(ri.cap.id, ==, 0);
    /* Again with room: the MSIX_MAPPABLE header right after the info. */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmpuint(ri.r.cap_offset, ==, sizeof(ri.r));
    g_assert_cmpuint(ri.cap.id, ==, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
    g_assert_cmpuint(ri.cap.version, ==, 1);
    g_assert_cmpuint(ri.cap.next, ==, 0);
    g_assert_cmphex(ri.r.size, ==, 4096);

    ri.r.argsz = sizeof(ri.r);
    ri.r.index = VFIO_PCI_ROM_REGION_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmphex(ri.r.size, ==, 0);
    g_assert_cmphex(ri.r.flags, ==, 0);
    ri.r.index = VFIO_PCI_CONFIG_REGION_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==, 0);
    g_assert_cmphex(ri.r.size, ==, 256);
    g_assert_cmphex(ri.r.offset, ==, 0x70000000000ULL);
    g_assert_cmphex(ri.r.flags, ==, VFIO_REGION_INFO_FLAG_READ |
                    VFIO_REGION_INFO_FLAG_WRITE);
    ri.r.index = VFIO_PCI_VGA_REGION_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==,
                    -EINVAL);
    ri.r.index = 9;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==,
                    -EINVAL);
    ri.r.index = 0;
    ri.r.argsz = 31;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_REGION_INFO, &ri), ==,
                    -EINVAL);

    /* Interrupts. */
    memset(&ii, 0, sizeof(ii));
    ii.argsz = sizeof(ii);
    ii.index = VFIO_PCI_INTX_IRQ_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, 0);
    g_assert_cmphex(ii.flags, ==, VFIO_IRQ_INFO_EVENTFD |
                    VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED);
    g_assert_cmpuint(ii.count, ==, 1);
    ii.index = VFIO_PCI_MSI_IRQ_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, 0);
    g_assert_cmphex(ii.flags, ==, VFIO_IRQ_INFO_EVENTFD |
                    VFIO_IRQ_INFO_NORESIZE);
    g_assert_cmpuint(ii.count, ==, x.f->msi_vectors);
    ii.index = VFIO_PCI_MSIX_IRQ_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, 0);
    g_assert_cmpuint(ii.count, ==, x.f->msix_vectors);
    g_assert_cmphex(ii.flags, ==, VFIO_IRQ_INFO_EVENTFD |
                    VFIO_IRQ_INFO_NORESIZE);
    ii.index = VFIO_PCI_ERR_IRQ_INDEX;      /* conventional PCI: no AER */
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, -EINVAL);
    ii.index = VFIO_PCI_REQ_IRQ_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, 0);
    g_assert_cmpuint(ii.count, ==, 1);
    g_assert_cmphex(ii.flags, ==, VFIO_IRQ_INFO_EVENTFD |
                    VFIO_IRQ_INFO_NORESIZE);
    ii.index = 5;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, -EINVAL);
    ii.index = 0;
    ii.argsz = 15;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_IRQ_INFO, &ii), ==, -EINVAL);
    fx_close(&x);
}

/* ---- config space ---- */

static void test_config(void)
{
    uint32_t bar0, v;
    uint8_t buf[256];
    unsigned msi, msix;
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    g_assert_cmphex(cfg_rd(x.d, 0, 4), ==,
                    x.f->vendor | (uint32_t)x.f->device << 16);
    g_assert_cmphex(cfg_rd(x.d, 0x08, 4) >> 8, ==, x.f->class_code);
    g_assert_cmphex(cfg_rd(x.d, 0x0e, 1), ==, 0);       /* type 0 */
    g_assert_cmphex(cfg_rd(x.d, 0x2c, 2), ==, x.f->subsys_vendor);
    g_assert_cmphex(cfg_rd(x.d, 0x3d, 1), ==, 1);       /* INTA */
    /* Enabled by BIND: memory decoding on, bus mastering off. */
    g_assert_cmphex(cfg_rd(x.d, 0x04, 2), ==, 0x0002);
    g_assert_cmphex(cfg_rd(x.d, 0x06, 2) & 0x10, ==, 0x10);
    /* IDs are read-only. */
    cfg_wr(x.d, 0, 2, 0xbeef);
    g_assert_cmphex(cfg_rd(x.d, 0, 2), ==, x.f->vendor);

    /* The capability list: MSI (64-bit), then MSI-X. */
    msi = cfg_rd(x.d, 0x34, 1);
    g_assert_cmphex(msi, ==, 0x40);
    g_assert_cmphex(cfg_rd(x.d, msi, 1), ==, 0x05);
    msix = cfg_rd(x.d, msi + 1, 1);
    g_assert_cmphex(cfg_rd(x.d, msi + 2, 2) & 0x80, ==, 0x80);
    g_assert_cmphex(cfg_rd(x.d, msix, 1), ==, 0x11);
    g_assert_cmphex(cfg_rd(x.d, msix + 1, 1), ==, 0);
    g_assert_cmphex(cfg_rd(x.d, msix + 2, 2), ==, x.f->msix_vectors - 1);
    g_assert_cmphex(cfg_rd(x.d, msix + 4, 4), ==, x.f->msix_bar);
    g_assert_cmphex(cfg_rd(x.d, msix + 8, 4), ==, 0x800 | x.f->msix_bar);
    /* MSI: Enable does not stick before SET_IRQS; address does. */
    cfg_wr(x.d, msi + 2, 2, 0x0001);
    g_assert_cmphex(cfg_rd(x.d, msi + 2, 2) & 1, ==, 0);
    cfg_wr(x.d, msi + 4, 4, 0xfee01000);
    g_assert_cmphex(cfg_rd(x.d, msi + 4, 4), ==, 0xfee01000);
    /* MSI-X control ignores writes. */
    cfg_wr(x.d, msix + 2, 2, 0xc000);
    g_assert_cmphex(cfg_rd(x.d, msix + 2, 2), ==, x.f->msix_vectors - 1);

    /* BAR sizing on the virtual copy. */
    bar0 = cfg_rd(x.d, 0x10, 4);
    g_assert_cmphex(bar0 & 0xfffff, ==, 0);
    g_assert_cmphex(bar0, !=, 0);
    cfg_wr(x.d, 0x10, 4, 0xffffffff);
    g_assert_cmphex(cfg_rd(x.d, 0x10, 4), ==, 0xfff00000);
    cfg_wr(x.d, 0x10, 4, bar0);
    g_assert_cmphex(cfg_rd(x.d, 0x10, 4), ==, bar0);
    cfg_wr(x.d, 0x14, 4, 0xffffffff);           /* BAR1: none */
    g_assert_cmphex(cfg_rd(x.d, 0x14, 4), ==, 0);
    cfg_wr(x.d, 0x20, 4, 0xffffffff);           /* BAR4: 64K RAM */
    g_assert_cmphex(cfg_rd(x.d, 0x20, 4), ==, 0xffff0000);
    cfg_wr(x.d, 0x30, 4, 0xffffffff);           /* no ROM */
    g_assert_cmphex(cfg_rd(x.d, 0x30, 4), ==, 0);

    /* Whole space in one read; chunking across owners. */
    g_assert_cmpint(vrd(x.d, buf, sizeof(buf), CFG), ==, 256);
    g_assert_cmphex(buf[0x34], ==, msi);
    g_assert_cmphex(buf[msix], ==, 0x11);
    g_assert_cmpint(vrd(x.d, buf, 3, CFG + 0x3d), ==, 3);
    g_assert_cmphex(buf[0], ==, 1);
    g_assert_cmpint(vrd(x.d, buf, 2, CFG + 0xff), ==, -EFAULT);
    g_assert_cmpint(vrd(x.d, buf, 1, CFG + 0x100), ==, -EFAULT);
    g_assert_cmpint(vrd(x.d, NULL, 4, CFG), ==, -EFAULT);

    /* Memory decoding off: BAR access fails with EIO. */
    cfg_wr(x.d, 0x04, 2, 0x0000);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0)), ==, -EIO);
    g_assert_cmpint(vwr(x.d, &v, 4, REGION(4)), ==, -EIO);
    cfg_wr(x.d, 0x04, 2, 0x0006);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0)), ==, 4);
    g_assert_cmphex(cfg_rd(x.d, 0x04, 2), ==, 0x0006);
    hs_lock();
    g_assert_true(hs_vfio_bus_master(x.f));
    hs_unlock();
    fx_close(&x);

    /* Closing left bus mastering off again. */
    hs_lock();
    g_assert_false(hs_vfio_bus_master(x.f));
    hs_unlock();
}

/* ---- BARs and mmap ---- */

static void test_bars(void)
{
    uint64_t v64 = 0;
    uint32_t v = 0, pattern = 0x12345678;
    uint8_t b8[16];
    int memfd = -1;
    off_t moff = 0;
    void *map;
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    /* edu registers through the fd. */
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0)), ==, 4);
    g_assert_cmphex(v, ==, 0x010000ed);
    v = 0x5a5a0000;
    g_assert_cmpint(vwr(x.d, &v, 4, REGION(0) + 4), ==, 4);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0) + 4), ==, 4);
    g_assert_cmphex(v, ==, ~0x5a5a0000u);
    v = 0;
    g_assert_cmpint(vrd(x.d, &v, 2, REGION(0)), ==, 2);  /* bad width */
    g_assert_cmphex(v, ==, 0xffff);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0) + (1 << 20)), ==, -EINVAL);
    g_assert_cmpint(vrd(x.d, &v64, 8, REGION(0) + (1 << 20) - 4), ==, 4);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(1)), ==, -EINVAL);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(6)), ==, -EINVAL);
    g_assert_cmpint(vwr(x.d, &v, 4, REGION(6)), ==, -EINVAL);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(8)), ==, -EINVAL);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(9)), ==, -EINVAL);
    g_assert_cmpint(vrd(x.d, &v, 0, REGION(9)), ==, 0);

    /* MSI-X BAR: the table reads 0xff and drops writes; PBA reads 0. */
    g_assert_cmpint(vwr(x.d, &pattern, 4, REGION(2)), ==, 4);
    memset(b8, 0, sizeof(b8));
    g_assert_cmpint(vrd(x.d, b8, 16, REGION(2) + 16), ==, 16);
    for (unsigned i = 0; i < 16; i++) {
        g_assert_cmphex(b8[i], ==, 0xff);
    }
    v64 = 1;
    g_assert_cmpint(vwr(x.d, &v64, 8, REGION(2) + 0x800), ==, 8);
    g_assert_cmpint(vrd(x.d, &v64, 8, REGION(2) + 0x800), ==, 8);
    g_assert_cmphex(v64, ==, 0);
    /* Beyond the table: plain BAR memory. */
    g_assert_cmpint(vwr(x.d, &pattern, 4, REGION(2) + 0x400), ==, 4);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(2) + 0x400), ==, 4);
    g_assert_cmphex(v, ==, pattern);

    /* RAM BAR: fd access and the mmap target see the same bytes. */
    g_assert_cmpint(vwr(x.d, &pattern, 4, REGION(4) + 0x1004), ==, 4);
    hs_lock();
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 8192, PROT_READ | PROT_WRITE,
                                        MAP_SHARED, REGION(4) + 0x1000,
                                        &memfd, &moff), ==, 0);
    hs_unlock();
    g_assert_cmpint(memfd, >=, 0);
    g_assert_cmpint(moff, ==, 0x1000);
    map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, moff);
    g_assert_true(map != MAP_FAILED);
    g_assert_cmphex(((uint32_t *)map)[1], ==, pattern);
    ((uint32_t *)map)[2] = 0xcafe;
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(4) + 0x1008), ==, 4);
    g_assert_cmphex(v, ==, 0xcafe);
    munmap(map, 8192);

    hs_lock();
    /* MAP_PRIVATE, unaligned, too long, trapped BAR, config: EINVAL. */
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 4096, PROT_READ, MAP_PRIVATE,
                                        REGION(4), &memfd, &moff),
                    ==, -EINVAL);
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 4096, PROT_READ, MAP_SHARED,
                                        REGION(4) + 8, &memfd, &moff),
                    ==, -EINVAL);
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 65536, PROT_READ, MAP_SHARED,
                                        REGION(4) + 4096, &memfd, &moff),
                    ==, -EINVAL);
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 4096, PROT_READ, MAP_SHARED,
                                        REGION(0), &memfd, &moff),
                    ==, -EINVAL);
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 4096, PROT_READ, MAP_SHARED,
                                        CFG, &memfd, &moff), ==, -EINVAL);
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 0, PROT_READ, MAP_SHARED,
                                        REGION(4), &memfd, &moff),
                    ==, -EINVAL);
    /* The whole MSI-X BAR maps (MSIX_MAPPABLE). */
    g_assert_cmpint(hs_vfio_mmap_target(x.d, 4096, PROT_READ, MAP_SHARED,
                                        REGION(2), &memfd, &moff), ==, 0);
    hs_unlock();
    fx_close(&x);
}

/* ---- interrupts ---- */

static void test_irq_validation(void)
{
    struct vfio_irq_set s = { .argsz = sizeof(s) };
    int32_t fds[2];
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    fds[0] = new_eventfd();
    fds[1] = new_eventfd();
    s.argsz = 19;
    s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
    s.index = VFIO_PCI_MSIX_IRQ_INDEX;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_SET_IRQS, &s), ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 5, 0, 0, NULL, 0),
                    ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, 0x40 | VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1, NULL, 0),
                    ==, -EINVAL);
    /* ERR has no vectors here: any call fails. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_ERR_IRQ_INDEX, 0, 0, NULL, 0),
                    ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 4, 0, NULL, 0),
                    ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 3, 2, NULL, 0),
                    ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 1, UINT32_MAX - 1,
                             NULL, 0), ==, -EINVAL);
    /* No or two data types. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1,
                             NULL, 0), ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_DATA_BOOL |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1, fds, 1),
                    ==, -EINVAL);
    /* argsz short of count eventfds. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 2, fds, 4),
                    ==, -EINVAL);
    /* MSI/MSI-X cannot be masked; no action or two actions: ENOTTY. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_MASK, 2, 0, 1, NULL, 0),
                    ==, -ENOTTY);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_UNMASK, 1, 0, 1, NULL, 0),
                    ==, -ENOTTY);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE, 2, 0, 1, NULL, 0),
                    ==, -ENOTTY);
    /* Disabling what is not enabled; loopback on a disabled index. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 0, NULL, 0),
                    ==, -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1, NULL, 0),
                    ==, -EINVAL);
    /* Enabling zero vectors. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 0, NULL, 0),
                    ==, -ERANGE);
    /* INTx mask/unmask need INTx enabled. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1, NULL, 0),
                    ==, -EINVAL);
    close(fds[0]);
    close(fds[1]);
    fx_close(&x);
}

static void test_msix(void)
{
    int32_t fds[3], bad[2];
    uint8_t bools[2] = { 0, 1 };
    int pipefd[2];
    unsigned msix;
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    msix = cfg_rd(x.d, 0x41, 1);            /* after MSI at 0x40 */
    g_assert_cmphex(cfg_rd(x.d, msix, 1), ==, 0x11);
    for (unsigned i = 0; i < 3; i++) {
        fds[i] = new_eventfd();
    }
    /* Enable two vectors. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds, 8), ==, 0);
    g_assert_cmphex(cfg_rd(x.d, msix + 2, 2) & 0x8000, ==, 0x8000);
    /* MSI while MSI-X is on; INTx too. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSI_IRQ_INDEX, 0, 1, fds, 4), ==,
                    -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, fds, 4), ==,
                    -EINVAL);

    /* Loopback: DATA_NONE fires both, DATA_BOOL the chosen one. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, NULL, 0), ==, 0);
    g_assert_cmpuint(efd_take(fds[0]), ==, 1);
    g_assert_cmpuint(efd_take(fds[1]), ==, 1);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_BOOL |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, bools, 2), ==, 0);
    g_assert_cmpuint(efd_take(fds[0]), ==, 0);
    g_assert_cmpuint(efd_take(fds[1]), ==, 1);
    /* Beyond the enabled vectors: firing is a no-op, binding fails. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 2, 2, NULL, 0), ==, 0);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 3, 1, &fds[2], 4), ==,
                    -EINVAL);
    bad[0] = -1;
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 3, 1, bad, 4), ==, 0);

    /* The device's interrupt needs bus mastering. */
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fds[0]), ==, 0);
    cfg_wr(x.d, 0x04, 2, 0x0006);
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_vfio_raise_irq(x.f, 1);
    hs_unlock();
    g_assert_cmpuint(efd_take(fds[0]), ==, 1);
    g_assert_cmpuint(efd_take(fds[1]), ==, 1);

    /* Rebind vector 0 to fds[2]; the user's fd may close meanwhile. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fds[2], 4), ==,
                    0);
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fds[0]), ==, 0);
    g_assert_cmpuint(efd_take(fds[2]), ==, 1);

    /* A failing block unbinds what it covered: a closed fd, a pipe. */
    g_assert_cmpint(pipe(pipefd), ==, 0);
    bad[0] = fds[0];
    bad[1] = pipefd[0];
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, bad, 8), ==,
                    -EINVAL);
    bad[1] = 999;
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, bad, 8), ==,
                    -EBADF);
    close(pipefd[0]);
    close(pipefd[1]);
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_vfio_raise_irq(x.f, 1);
    hs_unlock();
    g_assert_cmpuint(efd_take(fds[0]), ==, 0);
    g_assert_cmpuint(efd_take(fds[1]), ==, 0);
    g_assert_cmpuint(efd_take(fds[2]), ==, 0);

    /* Disable; then MSI can be enabled, MMC following the vectors. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL, 0), ==, 0);
    g_assert_cmphex(cfg_rd(x.d, msix + 2, 2) & 0x8000, ==, 0);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSI_IRQ_INDEX, 0, 1, fds, 4), ==, 0);
    cfg_wr(x.d, 0x42, 2, 0x0081);           /* the guest sets Enable */
    g_assert_cmphex(cfg_rd(x.d, 0x42, 2) & 0x1, ==, 0x1);
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fds[0]), ==, 1);
    for (unsigned i = 0; i < 3; i++) {
        close(fds[i]);
    }
    /* Close with MSI enabled: everything is released. */
    fx_close(&x);
}

static void test_intx(void)
{
    int32_t fd, unmask;
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    fd = new_eventfd();
    unmask = new_eventfd();
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fd, 4), ==, 0);
    /* Level, automasked: one delivery until unmasked. */
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_vfio_raise_irq(x.f, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fd), ==, 1);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_UNMASK,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0), ==, 0);
    g_assert_cmpuint(efd_take(fd), ==, 1);  /* the pending one */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_UNMASK,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0), ==, 0);
    g_assert_cmpuint(efd_take(fd), ==, 0);
    /* DisINTx in the virtual command register masks. */
    cfg_wr(x.d, 0x04, 2, 0x0402);
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fd), ==, 0);
    cfg_wr(x.d, 0x04, 2, 0x0002);
    g_assert_cmpuint(efd_take(fd), ==, 1);
    /* The unmask eventfd; mask by eventfd is not implemented. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_MASK,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &unmask, 4), ==,
                    -ENOTTY);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_UNMASK,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &unmask, 4), ==,
                    0);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_UNMASK,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &unmask, 4), ==,
                    -EBUSY);
    {
        uint64_t one = 1;

        g_assert_cmpint(write(unmask, &one, 8), ==, 8);
    }
    hs_lock();
    hs_vfio_raise_irq(x.f, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fd), ==, 1);
    /* Loopback, then MSI is refused while INTx is on; disable. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0), ==, 0);
    g_assert_cmpuint(efd_take(fd), ==, 1);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd, 4), ==,
                    -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL, 0), ==, 0);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd, 4), ==, 0);
    close(fd);
    close(unmask);
    fx_close(&x);
}

/* ---- REQ and hot-unplug ---- */

static void test_unplug(void)
{
    int32_t fd, none = -1;
    int err = 0;
    Fx x;

    if (!fx_bound(&x, 1)) {
        return;
    }
    fd = new_eventfd();
    /* No REQ eventfd: the request waits for the close. */
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL, 0), ==,
                    -EINVAL);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &fd, 4), ==, 0);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_NONE |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL, 0), ==, 0);
    g_assert_cmpuint(efd_take(fd), ==, 1);
    hs_lock();
    g_assert_cmpint(hs_vfio_request_unplug(x.f), ==, 0);
    hs_unlock();
    g_assert_cmpuint(efd_take(fd), ==, 1);
    g_assert_true(x.f->unplug_requested);
    g_assert_false(x.f->removed);
    /* Still usable until closed; new opens fail. */
    g_assert_null(vopen(x.f, &err));
    g_assert_cmpint(err, ==, -ENODEV);
    g_assert_cmpint(set_irqs(x.d, VFIO_IRQ_SET_DATA_EVENTFD |
                             VFIO_IRQ_SET_ACTION_TRIGGER,
                             VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &none, 4), ==, 0);
    hs_lock();
    g_assert_cmpint(hs_vfio_request_unplug(x.f), ==, -ENODEV);
    hs_unlock();
    g_assert_cmpuint(efd_take(fd), ==, 0);
    vclose(x.d);
    x.d = NULL;
    g_assert_true(x.f->removed);
    fx_close(&x);
    close(fd);

    /* Put the function back for the other tests. */
    hs_lock();
    x.f->removed = false;
    x.f->unplug_requested = false;
    hs_sysfs_update_func(x.f);
    hs_unlock();
}

/* ---- RESET, FEATURE, hot reset ---- */

static void test_reset_feature(void)
{
    struct {
        struct vfio_device_feature f;
        struct vfio_device_low_power_entry_with_wakeup w;
    } ft;
    struct {
        struct vfio_pci_hot_reset_info h;
        struct vfio_pci_dependent_device dev;
    } hri;
    struct vfio_pci_hot_reset hr = { .argsz = sizeof(hr) };
    struct vfio_device_info info = { .argsz = sizeof(info) };
    uint32_t v = 0x1234;
    int wake;
    Fx x;

    if (!fx_bound(&x, 0)) {
        return;
    }
    /* RESET: the device model restarts (edu liveness reads 0 again). */
    g_assert_cmpint(vwr(x.d, &v, 4, REGION(0) + 4), ==, 4);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0) + 4), ==, 4);
    g_assert_cmphex(v, ==, ~0x1234u);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_RESET, NULL), ==, 0);
    g_assert_cmpint(vrd(x.d, &v, 4, REGION(0) + 4), ==, 4);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmphex(cfg_rd(x.d, 0x04, 2), ==, 0x0002);

    memset(&ft, 0, sizeof(ft));
    ft.f.argsz = 4;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.argsz = sizeof(ft.f);
    ft.f.flags = 1u << 20;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
                 VFIO_DEVICE_FEATURE_MIGRATION;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
                 VFIO_DEVICE_FEATURE_MIGRATION;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -ENOTTY);
    ft.f.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
                 VFIO_DEVICE_FEATURE_BUS_MASTER;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -ENOTTY);
    ft.f.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
                 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, 0);
    ft.f.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
                 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.flags = VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, 0);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, 0);
    /* With a wakeup eventfd: the next access wakes the device. */
    wake = new_eventfd();
    ft.f.flags = VFIO_DEVICE_FEATURE_SET |
                 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;
    ft.w.wakeup_eventfd = -1;
    ft.f.argsz = sizeof(ft);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.w.wakeup_eventfd = wake;
    ft.f.argsz = sizeof(ft) - 1;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, -EINVAL);
    ft.f.argsz = sizeof(ft);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_FEATURE, &ft), ==, 0);
    g_assert_cmpuint(efd_take(wake), ==, 0);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_INFO, &info), ==, 0);
    g_assert_cmpuint(efd_take(wake), ==, 1);
    close(wake);

    /* Hot reset: the function alone on its bus. */
    memset(&hri, 0, sizeof(hri));
    hri.h.argsz = sizeof(hri.h);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hri), ==,
                    -ENOSPC);
    g_assert_cmpuint(hri.h.count, ==, 1);
    hri.h.argsz = sizeof(hri);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hri), ==,
                    0);
    g_assert_cmpuint(hri.h.count, ==, 1);
    g_assert_cmphex(hri.h.flags, ==, VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
                    VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
    g_assert_cmpuint(hri.dev.devid, ==, x.devid);
    g_assert_cmpuint(hri.dev.bus, ==, 1);
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_PCI_HOT_RESET, &hr), ==, 0);
    hr.count = 1;
    g_assert_cmpint(vioc(x.d, VFIO_DEVICE_PCI_HOT_RESET, &hr), ==, -EINVAL);
    fx_close(&x);
}

/* ---- fail-nth: every injection point fails cleanly ---- */

static int bind_and_enable(Fx *x)
{
    struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
    struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
    int32_t fds[2];
    int r, err = 0;

    x->d = vopen(x->f, &err);
    if (!x->d) {
        return err;
    }
    r = bind(x->d, x->iommufd, &x->devid);
    if (r) {
        return r;
    }
    hs_lock();
    r = hs_iommufd_ioctl(x->ictx, IOMMU_IOAS_ALLOC, &ioas);
    hs_unlock();
    if (r) {
        return r;
    }
    at.pt_id = ioas.out_ioas_id;
    r = vioc(x->d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
    if (r) {
        return r;
    }
    fds[0] = new_eventfd();
    fds[1] = new_eventfd();
    r = set_irqs(x->d, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                 VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds, 8);
    close(fds[0]);
    close(fds[1]);
    return r;
}

static void test_failnth(void)
{
    unsigned n;

    for (n = 1; n < 200; n++) {
        const char *where = NULL;
        bool consumed;
        int r, e = 0;
        Fx x;

        if (!fx_open(&x, 2)) {
            return;
        }
        vclose(x.d);
        x.d = NULL;
        hs_lock();
        hs_failnth_set(n);
        hs_unlock();
        r = bind_and_enable(&x);
        hs_lock();
        consumed = hs_failnth_last(&where, &e);
        hs_failnth_set(0);
        hs_unlock();
        if (consumed) {
            g_assert_cmpint(r, ==, -e);
        } else {
            g_assert_cmpint(r, ==, 0);
        }
        fx_close(&x);
        if (!consumed) {
            break;
        }
    }
    g_test_message("fail-nth: %u injection points, each undone", n - 1);
    g_assert_cmpuint(n, >, 3);
    g_assert_cmpuint(n, <, 200);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hs_init();
    g_test_add_func("/hostsim/vfio/bind", test_bind);
    g_test_add_func("/hostsim/vfio/attach", test_attach);
    g_test_add_func("/hostsim/vfio/info", test_info);
    g_test_add_func("/hostsim/vfio/config", test_config);
    g_test_add_func("/hostsim/vfio/bars", test_bars);
    g_test_add_func("/hostsim/vfio/irq-validation", test_irq_validation);
    g_test_add_func("/hostsim/vfio/msix", test_msix);
    g_test_add_func("/hostsim/vfio/intx", test_intx);
    g_test_add_func("/hostsim/vfio/unplug", test_unplug);
    g_test_add_func("/hostsim/vfio/reset-feature", test_reset_feature);
    g_test_add_func("/hostsim/vfio/failnth", test_failnth);
    return g_test_run();
}
