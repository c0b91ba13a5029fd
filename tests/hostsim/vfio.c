/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO device cdev of each simulated PCI function, as vfio-pci in
 * Linux 7.3 answers it (iommufd-uapi.md section 2): the state machine
 * (every ioctl but BIND fails with EINVAL, and read/write/mmap too, until
 * BIND_IOMMUFD succeeds; one bound open at a time), BIND/ATTACH/DETACH
 * on top of hwpt.c's DEVICE object, the info ioctls with their capability
 * chain rules, mmap of the memfd-backed BARs, RESET, FEATURE, and
 * hot-unplug through the REQ eventfd (section 3.8).
 *
 * Error numbers and the order of the checks follow the kernel
 * (vfio_main.c, device_cdev.c, vfio_pci_core.c, vfio_pci_intrs.c).
 * Where the simulated function differs from a real edu the difference is
 * the hardware's, not the driver's: the function is conventional PCI (no
 * ERR interrupt), reset works when it sits below a bridge (bus != 0), the
 * edu BAR is trapped (no MMAP flag) and MSI-X BARs are memfd-backed.
 * Interrupts are in vfio-irq.c, config space and BAR access in
 * vfio-config.c.
 */
#include "vfio-pci.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define VFIO_OFFSET_MASK    ((1ULL << HS_VFIO_OFFSET_SHIFT) - 1)
#define END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* ---- per-function state ---- */

static bool hs_pci_reset_works(HSFunc *f)
{
    return ((HSPci *)f->pci)->reset_works;
}

static bool hs_pci_has_msix(HSFunc *f)
{
    return ((HSPci *)f->pci)->msix_pos != 0;
}

static int bar_memfd(HSFunc *f, unsigned n, const HSBar *b)
{
    char name[64];
    int fd;

    snprintf(name, sizeof(name), "hostsim-%s-bar%u", f->bdf, n);
    fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    if (ftruncate(fd, b->size) < 0) {
        hs_real.close(fd);
        return -1;
    }
    if (b->kind == HS_BAR_MSIX) {
        /* Table entries come out of reset with their vector masked. */
        uint32_t masked = 1;

        for (unsigned v = 0; v < f->msix_vectors; v++) {
            (void)!hs_real.pwrite(fd, &masked, sizeof(masked),
                                  v * HS_MSIX_ENTRY_SIZE + 12);
        }
    }
    return fd;
}

void hs_vfio_func_init(HSFunc *f)
{
    HSPci *p = g_new0(HSPci, 1);

    f->pci = p;
    hs_pci_build(f, p);
    p->opens = g_ptr_array_new();
    hs_pci_irq_init(p);
    for (unsigned n = 0; n < 6; n++) {
        HSBar *b = &f->bars[n];

        /* MMAP: RAM BARs asking for it and, as in the kernel, MSI-X. */
        b->mmap = (b->kind == HS_BAR_RAM && b->mmap) ||
                  b->kind == HS_BAR_MSIX;
        b->memfd = -1;
        if (b->kind == HS_BAR_RAM || b->kind == HS_BAR_MSIX) {
            b->memfd = bar_memfd(f, n, b);
            if (b->memfd < 0) {
                g_warning("hostsim: %s bar%u: no memfd: %s", f->bdf, n,
                          g_strerror(errno));
                b->mmap = false;
            }
        }
    }
}

void hs_vfio_func_fini(HSFunc *f)
{
    HSPci *p = f->pci;

    if (!p) {
        return;
    }
    hs_pci_irq_teardown(f);
    for (unsigned n = 0; n < 6; n++) {
        hs_efd_put(&f->bars[n].memfd);
    }
    g_ptr_array_free(p->opens, true);
    g_free(p);
    f->pci = NULL;
}

/* Any access resumes a runtime-suspended device (LOW_POWER_ENTRY). */
static void pm_wake(HSPci *p)
{
    if (p->pm_engaged && p->pm_wake >= 0) {
        hs_efd_signal(p->pm_wake);
        hs_efd_put(&p->pm_wake);
        p->pm_engaged = false;
    }
}

/* ---- ioctls ---- */

/*
 * copy_struct_from_user: bytes the kernel does not know must be zero
 * (E2BIG), missing ones read as zero.
 */
static int copy_struct(void *dst, size_t ksize, uint64_t uptr,
                       size_t usize)
{
    if (usize > ksize) {
        uint8_t buf[64];

        for (size_t off = ksize; off < usize; off += sizeof(buf)) {
            size_t n = MIN(sizeof(buf), usize - off);

            if (hs_copy_from_user(buf, uptr + off, n)) {
                return -EFAULT;
            }
            for (size_t i = 0; i < n; i++) {
                if (buf[i]) {
                    return -E2BIG;
                }
            }
        }
    }
    memset(dst, 0, ksize);
    return hs_copy_from_user(dst, uptr, MIN(usize, ksize));
}

static int vfio_bind(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_device_bind_iommufd bind;
    HSFunc *f = d->func;
    HSDevice *idev = NULL;
    HSIctx *ictx;
    HSFile *file;
    uint32_t argsz;
    int r;

    if (hs_copy_from_user(&argsz, uptr, sizeof(argsz))) {
        return -EFAULT;
    }
    if (argsz < END_OF(struct vfio_device_bind_iommufd, out_devid)) {
        return -EINVAL;
    }
    r = copy_struct(&bind, sizeof(bind), uptr, argsz);
    if (r) {
        return r;
    }
    if (bind.iommufd < 0 || (bind.flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN)) {
        return -EINVAL;
    }
    if (d->bound) {
        return -EINVAL;         /* this fd is bound already */
    }
    if (bind.flags & VFIO_DEVICE_BIND_FLAG_TOKEN) {
        uint8_t uuid[16];

        if (hs_copy_from_user(uuid, bind.token_uuid_ptr, sizeof(uuid))) {
            return -EFAULT;
        }
        return -EINVAL;         /* neither an SR-IOV PF nor a VF */
    }
    file = hs_fd_lookup(bind.iommufd);
    if (!file) {
        return hs_fd_is_open(bind.iommufd) ? -EBADFD : -EBADF;
    }
    if (file->kind != HS_FD_IOMMUFD) {
        return -EBADFD;
    }
    ictx = file->obj;
    if (f->bound) {
        return -EINVAL;         /* the cdev path opens a device once */
    }
    r = hs_device_bind(ictx, f, d, &idev);
    if (r) {
        return r;
    }
    r = hs_inject(ENOMEM, "vfio-open-device");
    if (r) {
        hs_device_unbind(idev);
        return r;
    }
    hs_pci_irq_init(f->pci);
    hs_pci_enable(f);
    if (hs_copy_to_user(uptr + offsetof(struct vfio_device_bind_iommufd,
                                        out_devid),
                        &idev->obj.id, sizeof(uint32_t))) {
        hs_pci_disable(f);
        hs_device_unbind(idev);
        return -EFAULT;
    }
    /* The DEVICE object holds the context's reference while bound. */
    d->bound = true;
    d->ictx = ictx;
    d->idev = idev;
    f->bound = d;
    f->idev = idev;
    return 0;
}

/* The function has no PASID capability: any PASID attach fails. */
static int vfio_pasid_attach(HSVfioDev *d, uint32_t pt_id)
{
    HSObj *obj;
    int err = 0;

    obj = hs_obj_get(d->ictx, pt_id, HS_OBJ_ANY, &err);
    if (!obj) {
        return err ? err : -ENOENT;
    }
    return -EINVAL;
}

static int vfio_attach(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_device_attach_iommufd_pt at = { 0 };
    size_t minsz = END_OF(struct vfio_device_attach_iommufd_pt, pt_id);
    size_t xend = END_OF(struct vfio_device_attach_iommufd_pt, pasid);
    int r;

    if (hs_copy_from_user(&at, uptr, minsz)) {
        return -EFAULT;
    }
    if (at.argsz < minsz || (at.flags & ~VFIO_DEVICE_ATTACH_PASID)) {
        return -EINVAL;
    }
    if (at.flags & VFIO_DEVICE_ATTACH_PASID) {
        if (at.argsz < xend) {
            return -EINVAL;
        }
        if (hs_copy_from_user(&at.pasid, uptr + minsz, xend - minsz)) {
            return -EFAULT;
        }
        return vfio_pasid_attach(d, at.pt_id);
    }
    r = hs_device_attach(d->idev, &at.pt_id);
    if (r) {
        return r;
    }
    if (hs_copy_to_user(uptr + offsetof(struct vfio_device_attach_iommufd_pt,
                                        pt_id),
                        &at.pt_id, sizeof(at.pt_id))) {
        hs_device_detach(d->idev);
        return -EFAULT;
    }
    return 0;
}

static int vfio_detach(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_device_detach_iommufd_pt dt = { 0 };
    size_t minsz = END_OF(struct vfio_device_detach_iommufd_pt, flags);
    size_t xend = END_OF(struct vfio_device_detach_iommufd_pt, pasid);

    if (hs_copy_from_user(&dt, uptr, minsz)) {
        return -EFAULT;
    }
    if (dt.argsz < minsz || (dt.flags & ~VFIO_DEVICE_DETACH_PASID)) {
        return -EINVAL;
    }
    if (dt.flags & VFIO_DEVICE_DETACH_PASID) {
        if (dt.argsz < xend) {
            return -EINVAL;
        }
        if (hs_copy_from_user(&dt.pasid, uptr + minsz, xend - minsz)) {
            return -EFAULT;
        }
        return 0;               /* no PASID is ever attached */
    }
    hs_device_detach(d->idev);
    return 0;
}

static int vfio_get_info(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_device_info info = { 0 };
    size_t minsz = END_OF(struct vfio_device_info, num_irqs);
    HSPci *p = d->func->pci;

    if (hs_copy_from_user(&info, uptr, minsz)) {
        return -EFAULT;
    }
    if (info.argsz < minsz) {
        return -EINVAL;
    }
    if (info.argsz >= END_OF(struct vfio_device_info, cap_offset)) {
        minsz = END_OF(struct vfio_device_info, cap_offset);
        info.cap_offset = 0;    /* no device capabilities here */
    }
    info.flags = VFIO_DEVICE_FLAGS_PCI |
                 (p->reset_works ? VFIO_DEVICE_FLAGS_RESET : 0);
    info.num_regions = VFIO_PCI_NUM_REGIONS;
    info.num_irqs = VFIO_PCI_NUM_IRQS;
    return hs_copy_to_user(uptr, &info, minsz);
}

static int vfio_region_info(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_region_info info;
    struct vfio_info_cap_header cap = {
        .id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, .version = 1,
    };
    size_t caps = 0;
    HSFunc *f = d->func;
    HSPci *p = f->pci;

    if (hs_copy_from_user(&info, uptr, sizeof(info))) {
        return -EFAULT;
    }
    if (info.argsz < sizeof(info)) {
        return -EINVAL;
    }
    if (info.index > VFIO_PCI_CONFIG_REGION_INDEX) {
        return -EINVAL;         /* VGA (not a VGA function) and beyond */
    }
    info.offset = (uint64_t)info.index << HS_VFIO_OFFSET_SHIFT;
    info.flags = 0;
    info.size = 0;              /* ROM: there is none */
    if (info.index == VFIO_PCI_CONFIG_REGION_INDEX) {
        info.size = HS_PCI_CFG_SIZE;
        info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
    } else if (info.index <= VFIO_PCI_BAR5_REGION_INDEX) {
        const HSBar *b = &f->bars[info.index];

        if (b->kind != HS_BAR_NONE && b->size) {
            info.size = b->size;
            info.flags = VFIO_REGION_INFO_FLAG_READ |
                         VFIO_REGION_INFO_FLAG_WRITE;
        }
        if (info.size && b->mmap) {
            info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
            if (p->msix_pos && info.index == f->msix_bar) {
                caps = sizeof(cap);
            }
        }
    }
    if (caps) {
        info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
        if (info.argsz < sizeof(info) + caps) {
            info.argsz = sizeof(info) + caps;
            info.cap_offset = 0;
        } else {
            if (hs_copy_to_user(uptr + sizeof(info), &cap, sizeof(cap))) {
                return -EFAULT;
            }
            info.cap_offset = sizeof(info);
        }
    }
    return hs_copy_to_user(uptr, &info, sizeof(info));
}

static int vfio_reset(HSVfioDev *d)
{
    HSFunc *f = d->func;

    if (!hs_pci_reset_works(f)) {
        return -EINVAL;
    }
    /* Config state is saved and restored around it; irqs stay. */
    hs_edu_reset(f);
    return 0;
}

/* vfio_check_feature: 1 = go on, 0 = probe answered, else -errno. */
static int check_feature(uint32_t flags, size_t argsz, uint32_t ops,
                         size_t minsz)
{
    uint32_t getset = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET;

    if ((flags & getset) & ~ops) {
        return -EINVAL;
    }
    if (flags & VFIO_DEVICE_FEATURE_PROBE) {
        return 0;
    }
    if (!(flags & getset) || argsz < minsz) {
        return -EINVAL;
    }
    return 1;
}

static int pm_entry(HSPci *p, int wake)
{
    if (p->pm_engaged) {
        return -EINVAL;
    }
    p->pm_engaged = true;
    p->pm_wake = wake;
    return 0;
}

static int vfio_feature(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_device_feature feat;
    struct vfio_device_low_power_entry_with_wakeup entry;
    uint32_t known = VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET |
                     VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE;
    HSPci *p = d->func->pci;
    size_t argsz;
    int efd, r;

    if (hs_copy_from_user(&feat, uptr, sizeof(feat))) {
        return -EFAULT;
    }
    if (feat.argsz < sizeof(feat) || (feat.flags & ~known)) {
        return -EINVAL;
    }
    if (!(feat.flags & VFIO_DEVICE_FEATURE_PROBE) &&
        (feat.flags & VFIO_DEVICE_FEATURE_SET) &&
        (feat.flags & VFIO_DEVICE_FEATURE_GET)) {
        return -EINVAL;
    }
    argsz = feat.argsz - sizeof(feat);
    switch (feat.flags & VFIO_DEVICE_FEATURE_MASK) {
    case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
        r = check_feature(feat.flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
        return r == 1 ? pm_entry(p, -1) : r;
    case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
        r = check_feature(feat.flags, argsz, VFIO_DEVICE_FEATURE_SET,
                          sizeof(entry));
        if (r != 1) {
            return r;
        }
        if (hs_copy_from_user(&entry, uptr + sizeof(feat), sizeof(entry))) {
            return -EFAULT;
        }
        if (entry.wakeup_eventfd < 0) {
            return -EINVAL;
        }
        r = hs_eventfd_get(entry.wakeup_eventfd, &efd);
        if (r) {
            return r;
        }
        r = pm_entry(p, efd);
        if (r) {
            hs_efd_put(&efd);
        }
        return r;
    case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
        r = check_feature(feat.flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
        if (r == 1) {
            p->pm_engaged = false;
            hs_efd_put(&p->pm_wake);
            r = 0;
        }
        return r;
    default:
        /* No migration, dirty logging, VF token, dma-buf, ... */
        return -ENOTTY;
    }
}

static int vfio_hot_reset_info(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_pci_hot_reset_info hdr;
    struct vfio_pci_dependent_device dev = { 0 };
    size_t minsz = sizeof(hdr);
    HSFunc *f = d->func;
    unsigned dom = 0, bus = 0, slot = 0, fn = 0;

    if (hs_copy_from_user(&hdr, uptr, minsz)) {
        return -EFAULT;
    }
    if (hdr.argsz < minsz) {
        return -EINVAL;
    }
    hdr.flags = 0;
    if (!hs_pci_reset_works(f)) {
        return -ENODEV;         /* neither slot nor bus reset */
    }
    if (hdr.argsz < minsz + sizeof(dev)) {
        hdr.count = 1;
        if (hs_copy_to_user(uptr, &hdr, minsz)) {
            return -EFAULT;
        }
        return -ENOSPC;
    }
    sscanf(f->bdf, "%x:%x:%x.%x", &dom, &bus, &slot, &fn);
    dev.devid = d->idev->obj.id;
    dev.segment = dom;
    dev.bus = bus;
    dev.devfn = slot << 3 | fn;
    if (hs_copy_to_user(uptr + minsz, &dev, sizeof(dev))) {
        return -EFAULT;
    }
    hdr.count = 1;
    hdr.flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
                VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
    return hs_copy_to_user(uptr, &hdr, minsz);
}

static int vfio_hot_reset(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_pci_hot_reset hdr;
    HSFunc *f = d->func;

    if (hs_copy_from_user(&hdr, uptr, sizeof(hdr))) {
        return -EFAULT;
    }
    if (hdr.argsz < sizeof(hdr) || hdr.flags) {
        return -EINVAL;
    }
    if (hdr.count) {
        return -EINVAL;         /* cdev: the zero-length form only */
    }
    if (!hs_pci_reset_works(f)) {
        return -ENODEV;
    }
    hs_edu_reset(f);
    return 0;
}

static int vfio_ioeventfd(HSVfioDev *d, uint64_t uptr)
{
    struct vfio_device_ioeventfd ev;
    size_t minsz = END_OF(struct vfio_device_ioeventfd, fd);
    HSFunc *f = d->func;
    unsigned size, bar;
    uint64_t pos;

    if (hs_copy_from_user(&ev, uptr, minsz)) {
        return -EFAULT;
    }
    if (ev.argsz < minsz || (ev.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK)) {
        return -EINVAL;
    }
    size = ev.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
    if ((size & (size - 1)) || !size || ev.fd < -1) {
        return -EINVAL;
    }
    bar = ev.offset >> HS_VFIO_OFFSET_SHIFT;
    pos = ev.offset & VFIO_OFFSET_MASK;
    if (bar > VFIO_PCI_BAR5_REGION_INDEX ||
        pos + size > (f->bars[bar].kind == HS_BAR_NONE ? 0 :
                      f->bars[bar].size)) {
        return -EINVAL;
    }
    if (hs_pci_has_msix(f) && bar == f->msix_bar &&
        pos < f->msix_vectors * HS_MSIX_ENTRY_SIZE) {
        return -EINVAL;         /* would write the MSI-X table */
    }
    if (ev.fd == -1) {
        return -ENODEV;         /* none registered to remove */
    }
    return -EOPNOTSUPP;         /* ioeventfds are not simulated */
}

int hs_vfio_ioctl(HSVfioDev *d, unsigned long req, void *arg)
{
    uint64_t uptr = (uintptr_t)arg;
    uint32_t cmd = req;         /* the kernel's command is 32 bits */

    if (cmd == VFIO_DEVICE_BIND_IOMMUFD) {
        return vfio_bind(d, uptr);
    }
    if (!d->bound) {
        return -EINVAL;
    }
    pm_wake(d->func->pci);
    switch (cmd) {
    case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
        return vfio_attach(d, uptr);
    case VFIO_DEVICE_DETACH_IOMMUFD_PT:
        return vfio_detach(d, uptr);
    case VFIO_DEVICE_FEATURE:
        return vfio_feature(d, uptr);
    case VFIO_DEVICE_GET_INFO:
        return vfio_get_info(d, uptr);
    case VFIO_DEVICE_GET_IRQ_INFO:
        return hs_pci_irq_info(d->func, uptr);
    case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
        return vfio_hot_reset_info(d, uptr);
    case VFIO_DEVICE_GET_REGION_INFO:
        return vfio_region_info(d, uptr);
    case VFIO_DEVICE_IOEVENTFD:
        return vfio_ioeventfd(d, uptr);
    case VFIO_DEVICE_PCI_HOT_RESET:
        return vfio_hot_reset(d, uptr);
    case VFIO_DEVICE_RESET:
        return vfio_reset(d);
    case VFIO_DEVICE_SET_IRQS:
        return hs_pci_set_irqs(d->func, uptr);
    default:
        return -ENOTTY;
    }
}

/* ---- region access and mmap ---- */

static ssize_t vfio_rw(HSVfioDev *d, uint64_t uptr, size_t count,
                       off_t off, bool write)
{
    HSFunc *f = d->func;
    unsigned index;
    uint64_t pos;

    if (off < 0) {
        return -EINVAL;
    }
    if (d->file) {
        int acc = d->file->open_flags & O_ACCMODE;

        if (acc == (write ? O_RDONLY : O_WRONLY)) {
            return -EBADF;
        }
    }
    if (!d->bound) {
        return -EINVAL;
    }
    if (!count) {
        return 0;
    }
    index = (uint64_t)off >> HS_VFIO_OFFSET_SHIFT;
    pos = (uint64_t)off & VFIO_OFFSET_MASK;
    if (index >= VFIO_PCI_NUM_REGIONS) {
        return -EINVAL;
    }
    pm_wake(f->pci);
    switch (index) {
    case VFIO_PCI_CONFIG_REGION_INDEX:
        return hs_pci_config_rw(f, uptr, count, pos, write);
    case VFIO_PCI_ROM_REGION_INDEX:     /* no ROM; writes EINVAL anyway */
    case VFIO_PCI_VGA_REGION_INDEX:     /* not a VGA function */
        return -EINVAL;
    default:
        return hs_pci_bar_rw(f, index, uptr, count, pos, write);
    }
}

ssize_t hs_vfio_pread(HSVfioDev *d, void *buf, size_t count, off_t off)
{
    return vfio_rw(d, (uintptr_t)buf, count, off, false);
}

ssize_t hs_vfio_pwrite(HSVfioDev *d, const void *buf, size_t count,
                       off_t off)
{
    return vfio_rw(d, (uintptr_t)buf, count, off, true);
}

int hs_vfio_mmap_target(HSVfioDev *d, size_t len, int prot, int flags,
                        off_t off, int *memfd, off_t *moff)
{
    HSFunc *f = d->func;
    unsigned index;
    uint64_t start, req_len;
    int type = flags & MAP_TYPE;
    bool shared = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
    const HSBar *b;

    /* What mmap(2) checks before the driver sees the request. */
    if (off < 0 || (off & (HS_PAGE_SIZE - 1)) || !len) {
        return -EINVAL;
    }
    if (d->file) {
        int acc = d->file->open_flags & O_ACCMODE;

        if (acc == O_WRONLY ||
            (shared && (prot & PROT_WRITE) && acc == O_RDONLY)) {
            return -EACCES;
        }
    }
    /* vfio_pci_core_mmap */
    if (!d->bound) {
        return -EINVAL;
    }
    index = (uint64_t)off >> HS_VFIO_OFFSET_SHIFT;
    if (index >= VFIO_PCI_NUM_REGIONS || !shared ||
        index >= VFIO_PCI_ROM_REGION_INDEX) {
        return -EINVAL;
    }
    b = &f->bars[index];
    if (b->kind == HS_BAR_NONE || !b->mmap || b->memfd < 0) {
        return -EINVAL;
    }
    start = (uint64_t)off & VFIO_OFFSET_MASK;
    req_len = (len + HS_PAGE_SIZE - 1) & ~(HS_PAGE_SIZE - 1);
    if (start + req_len > ((b->size + HS_PAGE_SIZE - 1) &
                           ~(HS_PAGE_SIZE - 1))) {
        return -EINVAL;
    }
    *memfd = b->memfd;
    *moff = start;
    return 0;
}

/* ---- open, close, interrupts from the device, unplug ---- */

HSVfioDev *hs_vfio_open(HSFunc *f, int *err)
{
    HSPci *p = f->pci;
    HSVfioDev *d;
    int r;

    if (!p || f->removed || f->unplug_requested) {
        *err = -ENODEV;
        return NULL;
    }
    r = hs_inject(ENOMEM, "vfio-open");
    if (r) {
        *err = r;
        return NULL;
    }
    d = g_new0(HSVfioDev, 1);
    d->func = f;
    g_ptr_array_add(p->opens, d);
    *err = 0;
    return d;
}

void hs_vfio_close(HSVfioDev *d)
{
    HSFunc *f = d->func;
    HSPci *p = f->pci;

    if (d->bound) {
        /* close_device (irqs off, reset), then unbind from iommufd. */
        hs_pci_irq_teardown(f);
        hs_pci_disable(f);
        hs_device_unbind(d->idev);
        f->bound = NULL;
        f->idev = NULL;
        d->bound = false;
        d->idev = NULL;
        d->ictx = NULL;
    }
    g_ptr_array_remove(p->opens, d);
    if (f->unplug_requested && !p->opens->len) {
        f->removed = true;      /* the last user let go: unplug done */
    }
    hs_sysfs_update_func(f);
    g_free(d);
}

int hs_vfio_request_unplug(HSFunc *f)
{
    HSPci *p = f->pci;

    if (!p || f->removed) {
        return -ENODEV;
    }
    f->unplug_requested = true;
    if (!p->opens->len) {
        /* Nobody holds the device: the removal completes at once. */
        f->removed = true;
        hs_sysfs_update_func(f);
        return -ENODEV;
    }
    if (!f->bound || p->req_trig < 0) {
        return -ENODEV;         /* blocked until the fds are closed */
    }
    hs_efd_signal(p->req_trig);
    return 0;
}
