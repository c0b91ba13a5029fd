/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupts of the simulated vfio-pci device (iommufd-uapi.md 2.4):
 * GET_IRQ_INFO, SET_IRQS with the kernel's validation and per-index
 * rules (vfio_pci_intrs.c), and delivery of the device model's
 * interrupts to the user's eventfds.
 *
 * INTx is level-triggered and automasked: a delivery masks the line
 * until UNMASK (ioctl, DisINTx cleared in the command register, or the
 * unmask eventfd); one raised while masked is delivered at unmask.  MSI
 * and MSI-X are enabled with DATA_EVENTFD|TRIGGER for start+count
 * vectors (the host allocates them then: iommufd maps the MSI doorbell,
 * section 3.7), changed per vector while enabled (fd -1 unbinds; no
 * vectors beyond the enabled count: no dynamic MSI-X), disabled with
 * DATA_NONE|TRIGGER and count 0; DATA_NONE/BOOL fire the eventfds as a
 * loopback test; they cannot be masked (ENOTTY).  A message from the
 * device is a memory write: nothing arrives without Bus Master Enable.
 * REQ (hot-unplug, section 3.8) has one eventfd; ERR does not exist on a
 * conventional PCI function.
 *
 * The user's eventfds are duplicated with the real fcntl (so they stay
 * valid after the user closes theirs, as the kernel's reference does)
 * and signalled with the real write, so poll() on them works.
 */
#include "vfio-pci.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- eventfds ---- */

/* Is fd an open descriptor of this process (the real fcntl)? */
bool hs_fd_is_open(int fd)
{
    return fd >= 0 && syscall(SYS_fcntl, fd, F_GETFD) >= 0;
}

/*
 * eventfd_ctx_fdget: -EBADF for a closed fd, -EINVAL for anything but an
 * eventfd (simulated files included); else a private duplicate in *out.
 */
int hs_eventfd_get(int fd, int *out)
{
    char path[48], link[64];
    long n;
    int dup;

    if (!hs_fd_is_open(fd)) {
        return -EBADF;
    }
    if (hs_fd_lookup(fd)) {
        return -EINVAL;
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    n = syscall(SYS_readlinkat, AT_FDCWD, path, link, sizeof(link) - 1);
    if (n < 0) {
        return -EBADF;
    }
    link[n] = '\0';
    if (strcmp(link, "anon_inode:[eventfd]")) {
        return -EINVAL;
    }
    dup = syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) {
        return -errno;
    }
    *out = dup;
    return 0;
}

void hs_efd_put(int *fd)
{
    if (*fd >= 0) {
        hs_real.close(*fd);
        *fd = -1;
    }
}

void hs_efd_signal(int fd)
{
    uint64_t one = 1;

    if (fd >= 0) {
        (void)!hs_real.write(fd, &one, sizeof(one));
    }
}

void hs_pci_irq_init(HSPci *p)
{
    p->irq_type = HS_PCI_IRQ_NONE;
    p->nvec = 0;
    p->trig = NULL;
    p->intx_trig = p->intx_unmask = -1;
    p->intx_masked = p->intx_pending = p->virq_disabled = false;
    p->err_trig = p->req_trig = -1;
    p->pm_engaged = false;
    p->pm_wake = -1;
}

/* ---- INTx ---- */

static void intx_send(HSPci *p)
{
    if (p->irq_type == VFIO_PCI_INTX_IRQ_INDEX && !p->virq_disabled) {
        hs_efd_signal(p->intx_trig);
    }
}

static void intx_mask(HSPci *p)
{
    if (p->irq_type == VFIO_PCI_INTX_IRQ_INDEX && !p->intx_masked) {
        p->intx_masked = true;
    }
}

static void intx_unmask(HSPci *p)
{
    if (p->irq_type != VFIO_PCI_INTX_IRQ_INDEX || !p->intx_masked ||
        p->virq_disabled) {
        return;
    }
    if (p->intx_pending) {
        /* Still asserted: deliver again and stay masked. */
        p->intx_pending = false;
        intx_send(p);
    } else {
        p->intx_masked = false;
    }
}

/* The unmask eventfd (virqfd): a write to it unmasks. */
static void intx_poll_unmask(HSPci *p)
{
    struct pollfd pfd = { .fd = p->intx_unmask, .events = POLLIN };
    uint64_t cnt;

    if (p->intx_unmask >= 0 && poll(&pfd, 1, 0) == 1 &&
        (pfd.revents & POLLIN) &&
        hs_real.read(p->intx_unmask, &cnt, sizeof(cnt)) == sizeof(cnt)) {
        intx_unmask(p);
    }
}

void hs_pci_intx_virq(HSFunc *f, bool disabled)
{
    HSPci *p = f->pci;

    if (disabled && !p->virq_disabled) {
        p->virq_disabled = true;
        intx_mask(p);
    } else if (!disabled && p->virq_disabled) {
        p->virq_disabled = false;
        intx_unmask(p);
    }
}

static int intx_enable(HSPci *p, int efd)
{
    int r;

    if (p->irq_type != HS_PCI_IRQ_NONE) {
        return -EINVAL;
    }
    r = hs_inject(ENOMEM, "vfio-intx-enable");
    if (r) {
        return r;
    }
    p->intx_trig = efd;
    p->intx_masked = p->virq_disabled;
    p->intx_pending = false;
    p->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
    return 0;
}

static void intx_disable(HSPci *p)
{
    hs_efd_put(&p->intx_unmask);
    hs_efd_put(&p->intx_trig);
    p->intx_masked = p->intx_pending = false;
    p->irq_type = HS_PCI_IRQ_NONE;
}

static int intx_trigger(HSPci *p, unsigned start, unsigned count,
                        uint32_t flags, const uint8_t *data)
{
    bool is = p->irq_type == VFIO_PCI_INTX_IRQ_INDEX;
    int r;

    if (is && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
        intx_disable(p);
        return 0;
    }
    if (!(is || p->irq_type == HS_PCI_IRQ_NONE) || start || count != 1) {
        return -EINVAL;
    }
    if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
        int32_t fd;
        int efd = -1;

        memcpy(&fd, data, sizeof(fd));
        if (fd >= 0) {
            r = hs_eventfd_get(fd, &efd);
            if (r) {
                return r;
            }
        }
        if (is) {
            hs_efd_put(&p->intx_trig);
            p->intx_trig = efd;
            return 0;
        }
        r = intx_enable(p, efd);
        if (r) {
            hs_efd_put(&efd);
        }
        return r;
    }
    if (!is) {
        return -EINVAL;
    }
    if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
        ((flags & VFIO_IRQ_SET_DATA_BOOL) && data[0])) {
        intx_send(p);
    }
    return 0;
}

static int intx_mask_ioctl(HSPci *p, unsigned start, unsigned count,
                           uint32_t flags, const uint8_t *data, bool mask)
{
    if (p->irq_type != VFIO_PCI_INTX_IRQ_INDEX || start || count != 1) {
        return -EINVAL;
    }
    if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
        int32_t fd;
        int efd, r;

        if (mask) {
            return -ENOTTY;     /* no mask eventfd in vfio-pci */
        }
        memcpy(&fd, data, sizeof(fd));
        if (fd < 0) {
            hs_efd_put(&p->intx_unmask);
            return 0;
        }
        r = hs_eventfd_get(fd, &efd);
        if (r) {
            return r;
        }
        if (p->intx_unmask >= 0) {
            hs_efd_put(&efd);
            return -EBUSY;
        }
        p->intx_unmask = efd;
        intx_poll_unmask(p);    /* an event already pending counts */
        return 0;
    }
    if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
        ((flags & VFIO_IRQ_SET_DATA_BOOL) && data[0])) {
        if (mask) {
            intx_mask(p);
        } else {
            intx_unmask(p);
        }
    }
    return 0;
}

/* ---- MSI / MSI-X ---- */

static void msi_disable(HSFunc *f)
{
    HSPci *p = f->pci;

    for (unsigned v = 0; v < p->nvec; v++) {
        hs_efd_put(&p->trig[v]);
    }
    g_free(p->trig);
    p->trig = NULL;
    p->nvec = 0;
    p->irq_type = HS_PCI_IRQ_NONE;
    hs_pci_set_hw_irq(f, HS_PCI_IRQ_NONE, 0);
}

static int msi_enable(HSFunc *f, unsigned index, unsigned nvec)
{
    HSPci *p = f->pci;
    uint64_t iova = 0;
    int r;

    if (p->irq_type != HS_PCI_IRQ_NONE) {
        return -EINVAL;
    }
    if (!nvec) {
        return -ERANGE;         /* pci_alloc_irq_vectors(1, 0) */
    }
    r = hs_inject(ENOMEM, "vfio-msi-enable");
    if (r) {
        return r;
    }
    /* The irq layer asks iommufd for the doorbell's IOVA (3.7). */
    r = hs_device_sw_msi(f->idev, &iova);
    if (r) {
        return r;
    }
    p->msi_mapped = true;
    p->msi_iova = iova;
    p->trig = g_new(int, nvec);
    for (unsigned v = 0; v < nvec; v++) {
        p->trig[v] = -1;
    }
    p->nvec = nvec;
    p->irq_type = index;
    if (index == VFIO_PCI_MSI_IRQ_INDEX) {
        unsigned l = 0;

        while ((1u << l) < nvec) {
            l++;
        }
        p->msi_qmax = l;
    }
    hs_pci_set_hw_irq(f, index, nvec);
    return 0;
}

static int msi_set_vector(HSPci *p, unsigned v, int32_t fd)
{
    int efd, r;

    if (v < p->nvec) {
        hs_efd_put(&p->trig[v]);
    }
    if (fd < 0) {
        return 0;
    }
    if (v >= p->nvec) {
        return -EINVAL;         /* not allocated; no dynamic MSI-X */
    }
    r = hs_inject(ENOMEM, "vfio-msi-vector");
    if (r) {
        return r;
    }
    r = hs_eventfd_get(fd, &efd);
    if (r) {
        return r;
    }
    p->trig[v] = efd;
    return 0;
}

static int msi_set_block(HSPci *p, unsigned start, unsigned count,
                         const int32_t *fds)
{
    unsigned i, j;
    int r = 0;

    for (i = 0, j = start; i < count && !r; i++, j++) {
        int32_t fd;

        memcpy(&fd, &fds[i], sizeof(fd));
        r = msi_set_vector(p, j, fd);
    }
    if (r) {
        for (i = start; i < j; i++) {
            msi_set_vector(p, i, -1);
        }
    }
    return r;
}

static int msi_trigger(HSFunc *f, unsigned index, unsigned start,
                       unsigned count, uint32_t flags, const uint8_t *data)
{
    HSPci *p = f->pci;
    bool is = p->irq_type == (int)index;
    int r;

    if (is && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
        msi_disable(f);
        return 0;
    }
    if (!(is || p->irq_type == HS_PCI_IRQ_NONE)) {
        return -EINVAL;
    }
    if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
        const int32_t *fds = (const int32_t *)data;

        if (is) {
            return msi_set_block(p, start, count, fds);
        }
        r = msi_enable(f, index, start + count);
        if (r) {
            return r;
        }
        r = msi_set_block(p, start, count, fds);
        if (r) {
            msi_disable(f);
        }
        return r;
    }
    if (!is) {
        return -EINVAL;
    }
    for (unsigned v = start; v < start + count; v++) {
        if (v >= p->nvec || p->trig[v] < 0) {
            continue;
        }
        if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
            ((flags & VFIO_IRQ_SET_DATA_BOOL) && data[v - start])) {
            hs_efd_signal(p->trig[v]);
        }
    }
    return 0;
}

/* ---- ERR / REQ ---- */

static int trigger_single(int *ctx, unsigned count, uint32_t flags,
                          const uint8_t *data)
{
    int32_t fd;
    int efd, r;

    if (flags & VFIO_IRQ_SET_DATA_NONE) {
        if (*ctx >= 0) {
            if (count) {
                hs_efd_signal(*ctx);
            } else {
                hs_efd_put(ctx);
            }
            return 0;
        }
    } else if (flags & VFIO_IRQ_SET_DATA_BOOL) {
        if (!count) {
            return -EINVAL;
        }
        if (data[0] && *ctx >= 0) {
            hs_efd_signal(*ctx);
        }
        return 0;
    } else if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
        if (!count) {
            return -EINVAL;
        }
        memcpy(&fd, data, sizeof(fd));
        if (fd == -1) {
            hs_efd_put(ctx);
        } else if (fd >= 0) {
            r = hs_eventfd_get(fd, &efd);
            if (r) {
                return r;
            }
            hs_efd_put(ctx);
            *ctx = efd;
        }
        return 0;
    }
    return -EINVAL;
}

void hs_pci_irq_teardown(HSFunc *f)
{
    HSPci *p = f->pci;

    if (p->irq_type == VFIO_PCI_INTX_IRQ_INDEX) {
        intx_disable(p);
    } else if (p->irq_type != HS_PCI_IRQ_NONE) {
        msi_disable(f);
    }
    hs_efd_put(&p->intx_unmask);
    hs_efd_put(&p->err_trig);
    hs_efd_put(&p->req_trig);
    hs_efd_put(&p->pm_wake);
    p->pm_engaged = false;
}

int hs_pci_irq_info(HSFunc *f, uint64_t uptr)
{
    struct vfio_irq_info info;

    if (hs_copy_from_user(&info, uptr, sizeof(info))) {
        return -EFAULT;
    }
    if (info.argsz < sizeof(info) || info.index >= VFIO_PCI_NUM_IRQS) {
        return -EINVAL;
    }
    if (info.index == VFIO_PCI_ERR_IRQ_INDEX) {
        return -EINVAL;         /* AER: PCI Express functions only */
    }
    info.flags = VFIO_IRQ_INFO_EVENTFD;
    info.count = hs_pci_irq_count(f, info.index);
    if (info.index == VFIO_PCI_INTX_IRQ_INDEX) {
        info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
    } else {
        info.flags |= VFIO_IRQ_INFO_NORESIZE;   /* no dynamic MSI-X */
    }
    return hs_copy_to_user(uptr, &info, sizeof(info));
}

int hs_pci_set_irqs(HSFunc *f, uint64_t uptr)
{
    struct vfio_irq_set hdr;
    HSPci *p = f->pci;
    g_autofree uint8_t *data = NULL;
    size_t minsz = sizeof(hdr), size;
    unsigned max;
    int r;

    if (hs_copy_from_user(&hdr, uptr, minsz)) {
        return -EFAULT;
    }
    max = hs_pci_irq_count(f, hdr.index);
    if (hdr.argsz < minsz || hdr.index >= VFIO_PCI_NUM_IRQS ||
        hdr.count >= UINT32_MAX - hdr.start ||
        (hdr.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
                       VFIO_IRQ_SET_ACTION_TYPE_MASK))) {
        return -EINVAL;
    }
    if (hdr.start >= max || hdr.start + hdr.count > max) {
        return -EINVAL;
    }
    switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
    case VFIO_IRQ_SET_DATA_NONE:
        size = 0;
        break;
    case VFIO_IRQ_SET_DATA_BOOL:
        size = sizeof(uint8_t);
        break;
    case VFIO_IRQ_SET_DATA_EVENTFD:
        size = sizeof(int32_t);
        break;
    default:
        return -EINVAL;
    }
    if (size) {
        if (hdr.argsz - minsz < (uint64_t)hdr.count * size) {
            return -EINVAL;
        }
        size *= hdr.count;
    }
    if (size) {
        r = hs_inject(ENOMEM, "vfio-set-irqs");
        if (r) {
            return r;
        }
        data = g_malloc(size);
        if (hs_copy_from_user(data, uptr + minsz, size)) {
            return -EFAULT;
        }
    }

    switch (hdr.index) {
    case VFIO_PCI_INTX_IRQ_INDEX:
        switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
        case VFIO_IRQ_SET_ACTION_MASK:
            return intx_mask_ioctl(p, hdr.start, hdr.count, hdr.flags,
                                   data, true);
        case VFIO_IRQ_SET_ACTION_UNMASK:
            return intx_mask_ioctl(p, hdr.start, hdr.count, hdr.flags,
                                   data, false);
        case VFIO_IRQ_SET_ACTION_TRIGGER:
            return intx_trigger(p, hdr.start, hdr.count, hdr.flags, data);
        }
        break;
    case VFIO_PCI_MSI_IRQ_INDEX:
    case VFIO_PCI_MSIX_IRQ_INDEX:
        if ((hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) ==
            VFIO_IRQ_SET_ACTION_TRIGGER) {
            return msi_trigger(f, hdr.index, hdr.start, hdr.count,
                               hdr.flags, data);
        }
        break;
    case VFIO_PCI_REQ_IRQ_INDEX:
        if ((hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) ==
            VFIO_IRQ_SET_ACTION_TRIGGER) {
            if (hdr.start || hdr.count > 1) {
                return -EINVAL;
            }
            return trigger_single(&p->req_trig, hdr.count, hdr.flags, data);
        }
        break;
    }
    return -ENOTTY;             /* MSI masking, ERR without AER, ... */
}

void hs_vfio_raise_irq(HSFunc *f, unsigned vector)
{
    HSPci *p = f->pci;

    if (!p || !f->bound) {
        return;
    }
    switch (p->irq_type) {
    case VFIO_PCI_MSI_IRQ_INDEX:
    case VFIO_PCI_MSIX_IRQ_INDEX:
        /* A message is a memory write: it needs bus mastering. */
        if (hs_vfio_bus_master(f) && vector < p->nvec) {
            hs_efd_signal(p->trig[vector]);
        }
        break;
    case VFIO_PCI_INTX_IRQ_INDEX:
        intx_poll_unmask(p);
        if (p->intx_masked) {
            p->intx_pending = true;
        } else {
            p->intx_masked = true;  /* automasked until unmasked */
            intx_send(p);
        }
        break;
    default:
        break;
    }
}
