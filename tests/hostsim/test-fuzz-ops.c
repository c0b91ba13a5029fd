/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations the random walk of test-fuzz.c picks from: random
 * ioctls shaped like the uAPI structs, the valid flows of a VMM (open,
 * bind, IOAS, HWPT, vIOMMU, vDEVICE, vEVENTQ, invalidation, destroy,
 * attach, the whole nesting flow), region and queue I/O, mmap, edu
 * registers and DMA, SET_IRQS, and control requests by the C entry
 * point and over the socket.  Each may fail; none may crash.
 */
#include "hostsim-int.h"
#include "hostsim.h"
#include "test-fuzz.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- random ioctls ---------------------------------------------------- */

typedef struct KnownIoctl {
    unsigned long req;
    uint32_t size;
    bool vfio;              /* argsz-style VFIO struct */
} KnownIoctl;

static const KnownIoctl known[] = {
    { IOMMU_DESTROY, sizeof(struct iommu_destroy) },
    { IOMMU_IOAS_ALLOC, sizeof(struct iommu_ioas_alloc) },
    { IOMMU_IOAS_IOVA_RANGES, sizeof(struct iommu_ioas_iova_ranges) },
    { IOMMU_IOAS_ALLOW_IOVAS, sizeof(struct iommu_ioas_allow_iovas) },
    { IOMMU_IOAS_MAP, sizeof(struct iommu_ioas_map) },
    { IOMMU_IOAS_MAP_FILE, sizeof(struct iommu_ioas_map_file) },
    { IOMMU_IOAS_COPY, sizeof(struct iommu_ioas_copy) },
    { IOMMU_IOAS_UNMAP, sizeof(struct iommu_ioas_unmap) },
    { IOMMU_OPTION, sizeof(struct iommu_option) },
    { IOMMU_VFIO_IOAS, sizeof(struct iommu_vfio_ioas) },
    { IOMMU_HWPT_ALLOC, sizeof(struct iommu_hwpt_alloc) },
    { IOMMU_GET_HW_INFO, sizeof(struct iommu_hw_info) },
    { IOMMU_HWPT_SET_DIRTY_TRACKING,
      sizeof(struct iommu_hwpt_set_dirty_tracking) },
    { IOMMU_HWPT_GET_DIRTY_BITMAP,
      sizeof(struct iommu_hwpt_get_dirty_bitmap) },
    { IOMMU_HWPT_INVALIDATE, sizeof(struct iommu_hwpt_invalidate) },
    { IOMMU_FAULT_QUEUE_ALLOC, sizeof(struct iommu_fault_alloc) },
    { IOMMU_VIOMMU_ALLOC, sizeof(struct iommu_viommu_alloc) },
    { IOMMU_VDEVICE_ALLOC, sizeof(struct iommu_vdevice_alloc) },
    { IOMMU_VEVENTQ_ALLOC, sizeof(struct iommu_veventq_alloc) },
    { IOMMU_HW_QUEUE_ALLOC, sizeof(struct iommu_hw_queue_alloc) },
    { VFIO_GET_API_VERSION, 0 },
    { VFIO_CHECK_EXTENSION, 0 },
    { VFIO_DEVICE_GET_INFO, sizeof(struct vfio_device_info), true },
    { VFIO_DEVICE_GET_REGION_INFO, sizeof(struct vfio_region_info), true },
    { VFIO_DEVICE_GET_IRQ_INFO, sizeof(struct vfio_irq_info), true },
    { VFIO_DEVICE_SET_IRQS, sizeof(struct vfio_irq_set) + 32, true },
    { VFIO_DEVICE_RESET, 0 },
    { VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
      sizeof(struct vfio_pci_hot_reset_info) + 64, true },
    { VFIO_DEVICE_PCI_HOT_RESET, sizeof(struct vfio_pci_hot_reset) + 16,
      true },
    { VFIO_DEVICE_IOEVENTFD, sizeof(struct vfio_device_ioeventfd), true },
    { VFIO_DEVICE_FEATURE, sizeof(struct vfio_device_feature) + 16, true },
    { VFIO_DEVICE_BIND_IOMMUFD, sizeof(struct vfio_device_bind_iommufd),
      true },
    { VFIO_DEVICE_ATTACH_IOMMUFD_PT,
      sizeof(struct vfio_device_attach_iommufd_pt), true },
    { VFIO_DEVICE_DETACH_IOMMUFD_PT,
      sizeof(struct vfio_device_detach_iommufd_pt), true },
};

static unsigned long rand_req(Fuzz *z, uint32_t *ksize)
{
    const KnownIoctl *k = &known[below(z, G_N_ELEMENTS(known))];

    *ksize = k->size ? k->size : 8;
    switch (below(z, 8)) {
    case 0:
        /* Another number of the iommufd type, in range or not. */
        return _IO(IOMMUFD_TYPE, below(z, 256));
    case 1:
        return _IO(VFIO_TYPE, below(z, 256));
    case 2:
        return chance(z, 2) ? r32(z) : r64(z);
    case 3:
        /* The right number with size/direction bits set. */
        return k->req | ((unsigned long)below(z, 0x4000) << 16);
    default:
        return k->req;
    }
}

/*
 * Random bytes shaped like a struct: the size (or argsz) first, flags
 * often 0, u32 slots often object IDs, u64 slots sometimes pointers.
 */
static void *rand_arg(Fuzz *z, uint32_t ksize)
{
    uint32_t len = ksize + 4 * below(z, 8);
    uint8_t *p;

    switch (below(z, 10)) {
    case 0:
        return NULL;
    case 1:
        return (void *)(uintptr_t)rand_ptr(z, len);
    default:
        break;
    }
    len = MIN(len, PAGE) & ~7u;
    p = z->arg + PAGE - MAX(len, 8);
    for (uint32_t i = 0; i + 4 <= len; i += 4) {
        uint32_t v = r32(z);

        if (chance(z, 3)) {
            v = rand_id(z, below(z, ID_KINDS));
        } else if (chance(z, 3)) {
            v = below(z, 4) ? 0 : 1u << below(z, 32);
        }
        memcpy(p + i, &v, 4);
    }
    for (uint32_t i = 8; i + 8 <= len; i += 8) {
        if (chance(z, 5)) {
            uint64_t v = rand_ptr(z, 64);

            memcpy(p + i, &v, 8);
        }
    }
    if (len >= 4 && !chance(z, 8)) {
        uint32_t v = rand_size(z, ksize);

        memcpy(p, &v, 4);
    }
    if (len >= 8 && chance(z, 2)) {
        memset(p + 4, 0, 4);
    }
    return p;
}

/* Does [p, p+len) lie in memory the walk may read back? */
static bool readable_back(Fuzz *z, const void *p, size_t len)
{
    const uint8_t *b = p;

    return (b >= z->arg && b + len <= z->arg + PAGE) ||
           (b >= z->arena && b + len <= z->arena + ARENA_SIZE);
}

void op_random_ioctl(Fuzz *z)
{
    uint32_t ksize;
    unsigned long req = rand_req(z, &ksize);
    int fd = rand_fd(z);
    void *arg = rand_arg(z, ksize);

    if (xioctl(z, fd, req, arg) != 0) {
        return;
    }
    /* Keep the IDs and fds the kernel handed out (fds must be closed). */
    /* The kernel takes the command as an unsigned int. */
    req = (uint32_t)req;
    if (req == IOMMU_IOAS_ALLOC &&
        readable_back(z, arg, sizeof(struct iommu_ioas_alloc))) {
        note_id(z, ID_IOAS, ((struct iommu_ioas_alloc *)arg)->out_ioas_id);
    } else if (req == IOMMU_VEVENTQ_ALLOC &&
               readable_back(z, arg, sizeof(struct iommu_veventq_alloc))) {
        struct iommu_veventq_alloc *q = arg;

        note_id(z, ID_QUEUE, q->out_veventq_id);
        keep_extra(z, q->out_veventq_fd);
    } else if (req == IOMMU_FAULT_QUEUE_ALLOC &&
               readable_back(z, arg, sizeof(struct iommu_fault_alloc))) {
        struct iommu_fault_alloc *q = arg;

        note_id(z, ID_QUEUE, q->out_fault_id);
        keep_extra(z, q->out_fault_fd);
    } else if (req == IOMMU_VEVENTQ_ALLOC || req == IOMMU_FAULT_QUEUE_ALLOC) {
        g_test_message("fuzz: an fd was handed out where it cannot be read");
    }
}

/* ---- valid flows ------------------------------------------------------ */

void op_open(Fuzz *z)
{
    unsigned i;

    if (chance(z, 2)) {
        i = below(z, MAX_IOMMUFD);
        if (z->iommufd[i] < 0) {
            z->iommufd[i] = open("/dev/iommu", O_RDWR | O_CLOEXEC);
            say(z, "open iommufd[%u] = %d", i, z->iommufd[i]);
        }
        return;
    }
    i = below(z, MAX_DEVS);
    if (z->dev[i] < 0) {
        char path[64];

        snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%u", i);
        z->dev[i] = open(path, O_RDWR | O_CLOEXEC);
        say(z, "open dev[%u] = %d", i, z->dev[i]);
    }
}

void op_close(Fuzz *z)
{
    unsigned which = below(z, 3), i;
    int *slot;

    if (which == 0) {
        slot = &z->iommufd[below(z, MAX_IOMMUFD)];
    } else if (which == 1) {
        slot = &z->dev[below(z, MAX_DEVS)];
    } else {
        slot = &z->extra[below(z, MAX_EXTRA)];
    }
    if (which == 1) {
        z->devid[slot - z->dev] = 0;
    }
    if (*slot >= 0) {
        say(z, "close %d", *slot);
        close(*slot);
        *slot = -1;
    }
    if (chance(z, 4)) {
        /* A dup keeps the file alive. */
        int fd = rand_fd(z);

        for (i = 0; i < MAX_EXTRA && fd >= 0; i++) {
            if (z->extra[i] < 0) {
                z->extra[i] = dup(fd);
                say(z, "dup %d = %d", fd, z->extra[i]);
                break;
            }
        }
    }
}

static int dev_bind(Fuzz *z, unsigned i, int iommufd)
{
    struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
    int r;

    b.iommufd = iommufd;
    r = xioctl(z, z->dev[i], VFIO_DEVICE_BIND_IOMMUFD, &b);
    if (r == 0) {
        note_id(z, ID_DEV, b.out_devid);
        z->devid[i] = b.out_devid;
    }
    return r;
}

void op_bind(Fuzz *z)
{
    dev_bind(z, below(z, MAX_DEVS), rand_iommufd(z));
}

void op_attach(Fuzz *z)
{
    struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
    struct vfio_device_detach_iommufd_pt de = { .argsz = sizeof(de) };
    int fd = z->dev[below(z, MAX_DEVS)];

    if (chance(z, 4)) {
        xioctl(z, fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
        return;
    }
    at.pt_id = rand_id(z, chance(z, 2) ? ID_IOAS : ID_HWPT);
    if (chance(z, 8)) {
        at.flags = VFIO_DEVICE_ATTACH_PASID;
        at.pasid = below(z, 4);
    }
    xioctl(z, fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

void op_ioas(Fuzz *z)
{
    int fd = rand_iommufd(z);

    switch (below(z, 5)) {
    case 0: {
        struct iommu_ioas_alloc a = { .size = sizeof(a) };

        if (xioctl(z, fd, IOMMU_IOAS_ALLOC, &a) == 0) {
            note_id(z, ID_IOAS, a.out_ioas_id);
        }
        break;
    }
    case 1:
    case 2: {
        struct iommu_ioas_map m = { .size = sizeof(m) };
        unsigned pages = 1 + below(z, 16);
        unsigned first = below(z, ARENA_SIZE / PAGE - pages);

        m.ioas_id = rand_id(z, ID_IOAS);
        m.flags = IOMMU_IOAS_MAP_READABLE |
                  (chance(z, 4) ? 0 : IOMMU_IOAS_MAP_WRITEABLE) |
                  (chance(z, 3) ? 0 : IOMMU_IOAS_MAP_FIXED_IOVA);
        m.user_va = chance(z, 10) ? rand_ptr(z, PAGE)
                                  : (uintptr_t)z->arena + first * PAGE;
        m.length = (uint64_t)pages * PAGE;
        m.iova = (uint64_t)below(z, 64) * 16 * PAGE;
        if (chance(z, 20)) {
            m.iova = HS_MSI_IOVA_BASE;
        }
        xioctl(z, fd, IOMMU_IOAS_MAP, &m);
        break;
    }
    case 3: {
        struct iommu_ioas_map_file m = { .size = sizeof(m) };

        m.ioas_id = rand_id(z, ID_IOAS);
        m.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
                  IOMMU_IOAS_MAP_FIXED_IOVA;
        m.fd = chance(z, 4) ? rand_fd(z) : z->memfd;
        m.start = (uint64_t)below(z, 8) * PAGE;
        m.length = (uint64_t)(1 + below(z, 8)) * PAGE;
        m.iova = 0x4000000 + (uint64_t)below(z, 16) * 8 * PAGE;
        xioctl(z, fd, IOMMU_IOAS_MAP_FILE, &m);
        break;
    }
    default: {
        struct iommu_ioas_unmap u = { .size = sizeof(u) };

        u.ioas_id = rand_id(z, ID_IOAS);
        if (chance(z, 3)) {
            u.iova = 0;
            u.length = UINT64_MAX;
        } else {
            u.iova = (uint64_t)below(z, 64) * 16 * PAGE;
            u.length = (uint64_t)(1 + below(z, 32)) * PAGE;
        }
        xioctl(z, fd, IOMMU_IOAS_UNMAP, &u);
        break;
    }
    }
}

/* A vSTE: abort, bypass, stage 1 at an IOVA of the arena, or noise. */
static void rand_vste(Fuzz *z, uint64_t ste[2])
{
    switch (below(z, 5)) {
    case 0:
        ste[0] = 1;
        ste[1] = 0;
        break;
    case 1:
        ste[0] = 1 | (4 << 1);
        ste[1] = 0;
        break;
    case 2:
        ste[0] = r64(z);
        ste[1] = r64(z);
        break;
    default:
        ste[0] = 1 | (5 << 1) | ((uint64_t)below(z, 64) * 16 * PAGE);
        ste[0] |= chance(z, 4) ? ((uint64_t)below(z, 4) << 59) : 0;
        ste[1] = chance(z, 4) ? (r64(z) & 0x1ff0000003ULL) : 0;
        break;
    }
}

void op_hwpt(Fuzz *z)
{
    int fd = rand_iommufd(z);

    switch (below(z, 4)) {
    case 0:
    case 1: {
        struct iommu_hwpt_alloc h = { .size = sizeof(h) };
        struct iommu_hwpt_arm_smmuv3 ste;

        h.dev_id = rand_id(z, ID_DEV);
        h.pt_id = rand_id(z, chance(z, 2) ? ID_IOAS : ID_HWPT);
        h.flags = below(z, 4) ? 0 : (1u << below(z, 4));
        if (chance(z, 2)) {
            h.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
        }
        if (chance(z, 3)) {
            rand_vste(z, (uint64_t *)ste.ste);
            h.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
            h.data_len = chance(z, 6) ? below(z, 32) : sizeof(ste);
            h.data_uptr = chance(z, 8) ? rand_ptr(z, sizeof(ste))
                                       : (uintptr_t)&ste;
            h.flags = 0;
        }
        if (xioctl(z, fd, IOMMU_HWPT_ALLOC, &h) == 0) {
            note_id(z, ID_HWPT, h.out_hwpt_id);
        }
        break;
    }
    case 2: {
        struct iommu_viommu_alloc v = { .size = sizeof(v) };

        v.type = chance(z, 8) ? below(z, 4) : IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
        v.dev_id = rand_id(z, ID_DEV);
        v.hwpt_id = rand_id(z, ID_HWPT);
        if (xioctl(z, fd, IOMMU_VIOMMU_ALLOC, &v) == 0) {
            note_id(z, ID_VIOMMU, v.out_viommu_id);
        }
        break;
    }
    default: {
        struct iommu_vdevice_alloc d = { .size = sizeof(d) };

        d.viommu_id = rand_id(z, ID_VIOMMU);
        d.dev_id = rand_id(z, ID_DEV);
        d.virt_id = below(z, 4) ? below(z, 8) : r64(z);
        if (xioctl(z, fd, IOMMU_VDEVICE_ALLOC, &d) == 0) {
            note_id(z, ID_VDEV, d.out_vdevice_id);
        }
        break;
    }
    }
}

void op_queue(Fuzz *z)
{
    int fd = rand_iommufd(z);

    if (chance(z, 5)) {
        struct iommu_fault_alloc f = { .size = sizeof(f) };

        if (xioctl(z, fd, IOMMU_FAULT_QUEUE_ALLOC, &f) == 0) {
            note_id(z, ID_QUEUE, f.out_fault_id);
            keep_extra(z, f.out_fault_fd);
        }
    } else {
        struct iommu_veventq_alloc q = { .size = sizeof(q) };

        q.viommu_id = rand_id(z, ID_VIOMMU);
        q.type = chance(z, 6) ? below(z, 4) : IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
        q.veventq_depth = chance(z, 8) ? r32(z) : 1 + below(z, 4);
        if (xioctl(z, fd, IOMMU_VEVENTQ_ALLOC, &q) == 0) {
            note_id(z, ID_QUEUE, q.out_veventq_id);
            keep_extra(z, q.out_veventq_fd);
        }
    }
}

void op_invalidate(Fuzz *z)
{
    static const uint8_t ops[] = {
        0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x20, 0x30, 0x40,
        0x46, 0x00, 0xff,
    };
    struct iommu_hwpt_invalidate inv = { .size = sizeof(inv) };
    uint64_t cmds[8][2];
    unsigned n = below(z, 9);

    for (unsigned i = 0; i < n; i++) {
        cmds[i][0] = ops[below(z, G_N_ELEMENTS(ops))];
        cmds[i][1] = 0;
        if (chance(z, 2)) {
            /* Well formed: only the fields of the opcode. */
            static const uint64_t good[] = {
                0x10, 0x11 | (1ULL << 48), 0x06 | (1ULL << 32),
                0x05 | (1ULL << 32), 0x12 | (1ULL << 48),
                0x13, 0x30, 0x03 | (1ULL << 32),
            };

            cmds[i][0] = good[below(z, G_N_ELEMENTS(good))];
            if ((cmds[i][0] & 0xff) == 0x12 || (cmds[i][0] & 0xff) == 0x13) {
                cmds[i][1] = (uint64_t)below(z, 256) * PAGE;
            }
            continue;
        }
        if (chance(z, 2)) {
            cmds[i][0] |= (uint64_t)below(z, 8) << 32;      /* a vSID */
        }
        if (chance(z, 2)) {
            cmds[i][0] |= (uint64_t)below(z, 0x100) << 48;  /* ASID */
        }
        if (chance(z, 4)) {
            cmds[i][0] |= r64(z) & ~0xffULL;
        }
        cmds[i][1] = chance(z, 2) ? (r64(z) & ~0xfffULL) : r64(z);
    }
    if (!n && chance(z, 2)) {
        n = 1;
        cmds[0][0] = 0x10;
        cmds[0][1] = 0;
    }
    inv.hwpt_id = rand_id(z, chance(z, 4) ? ID_HWPT : ID_VIOMMU);
    inv.data_type = chance(z, 8) ? below(z, 4)
                                 : IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
    inv.entry_len = chance(z, 8) ? below(z, 64) : 16;
    inv.entry_num = chance(z, 10) ? r32(z) : n;
    inv.data_uptr = chance(z, 10) ? rand_ptr(z, n * 16) : (uintptr_t)cmds;
    xioctl(z, rand_iommufd(z), IOMMU_HWPT_INVALIDATE, &inv);
}

void op_destroy(Fuzz *z)
{
    struct iommu_destroy d = {
        .size = sizeof(d), .id = rand_id(z, below(z, ID_KINDS)),
    };

    xioctl(z, rand_iommufd(z), IOMMU_DESTROY, &d);
}

/*
 * The nesting flow on one function as a VMM runs it, so that the random
 * operations meet deep state: bind, an IOAS with the arena at IOVA 0, a
 * nest parent, vIOMMU, vDEVICE, vEVENTQ, a nested HWPT whose vSTE points
 * at the CD the arena holds (fuzz_setup), attach.  Each step may fail
 * (fail-nth, an unplugged function, a device bound elsewhere); the
 * following ones then fail too, as they should.
 */
void op_nest_flow(Fuzz *z)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    struct iommu_ioas_map m = { .size = sizeof(m) };
    struct iommu_hwpt_alloc h = { .size = sizeof(h) };
    struct iommu_viommu_alloc v = { .size = sizeof(v) };
    struct iommu_vdevice_alloc d = { .size = sizeof(d) };
    struct iommu_veventq_alloc q = { .size = sizeof(q) };
    struct iommu_hwpt_arm_smmuv3 ste = { .ste = { 1 | (5 << 1) | PAGE } };
    struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
    unsigned i = below(z, MAX_DEVS);
    int fd = z->iommufd[below(z, MAX_IOMMUFD)];

    if (z->dev[i] < 0 || fd < 0) {
        op_open(z);
        return;
    }
    if (!z->devid[i] && dev_bind(z, i, fd)) {
        return;
    }
    xioctl(z, fd, IOMMU_IOAS_ALLOC, &a);
    note_id(z, ID_IOAS, a.out_ioas_id);
    m.ioas_id = a.out_ioas_id;
    m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
              IOMMU_IOAS_MAP_WRITEABLE;
    m.user_va = (uintptr_t)z->arena;
    m.length = ARENA_SIZE;
    xioctl(z, fd, IOMMU_IOAS_MAP, &m);
    h.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
    h.dev_id = z->devid[i];
    h.pt_id = a.out_ioas_id;
    xioctl(z, fd, IOMMU_HWPT_ALLOC, &h);
    note_id(z, ID_HWPT, h.out_hwpt_id);
    v.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
    v.dev_id = z->devid[i];
    v.hwpt_id = h.out_hwpt_id;
    xioctl(z, fd, IOMMU_VIOMMU_ALLOC, &v);
    note_id(z, ID_VIOMMU, v.out_viommu_id);
    d.viommu_id = v.out_viommu_id;
    d.dev_id = z->devid[i];
    d.virt_id = below(z, 4);
    xioctl(z, fd, IOMMU_VDEVICE_ALLOC, &d);
    note_id(z, ID_VDEV, d.out_vdevice_id);
    q.viommu_id = v.out_viommu_id;
    q.type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
    q.veventq_depth = 1 + below(z, 8);
    if (xioctl(z, fd, IOMMU_VEVENTQ_ALLOC, &q) == 0) {
        note_id(z, ID_QUEUE, q.out_veventq_id);
        keep_extra(z, q.out_veventq_fd);
    }
    memset(&h, 0, sizeof(h));
    h.size = sizeof(h);
    h.dev_id = z->devid[i];
    h.pt_id = v.out_viommu_id;
    h.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
    h.data_len = sizeof(ste);
    h.data_uptr = (uintptr_t)&ste;
    xioctl(z, fd, IOMMU_HWPT_ALLOC, &h);
    note_id(z, ID_HWPT, h.out_hwpt_id);
    at.pt_id = h.out_hwpt_id;
    xioctl(z, z->dev[i], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

/* ---- fds: region access, queue reads, mmap ---------------------------- */

void op_region(Fuzz *z)
{
    static const unsigned sizes[] = { 0, 1, 2, 3, 4, 8, 16, 256, 4096 };
    int fd = chance(z, 8) ? rand_fd(z) : z->dev[below(z, MAX_DEVS)];
    unsigned region = below(z, 4) ? (below(z, 3) ? 0 : 7) : below(z, 16);
    uint64_t off = REGION(region) + (chance(z, 2) ? below(z, 0x100)
                                                  : r32(z));
    size_t n = sizes[below(z, G_N_ELEMENTS(sizes))];
    uint64_t ptr = chance(z, 6) ? rand_ptr(z, n)
                                : (uintptr_t)z->arg + PAGE - MAX(n, 1);
    ssize_t r;

    if (chance(z, 10)) {
        off = r64(z);
    }
    if (chance(z, 2)) {
        r = pread(fd, (void *)(uintptr_t)ptr, n, (off_t)off);
    } else {
        if (ptr == (uintptr_t)z->arg + PAGE - MAX(n, 1)) {
            for (size_t i = 0; i < n; i++) {
                z->arg[PAGE - n + i] = r32(z);
            }
        }
        r = pwrite(fd, (void *)(uintptr_t)ptr, n, (off_t)off);
    }
    say(z, "p%s(%d, %zu, 0x%" PRIx64 ") = %zd", "rw", fd, n, off,
        r < 0 ? -errno : r);
}

void op_read_queue(Fuzz *z)
{
    static const unsigned sizes[] = { 0, 7, 8, 39, 40, 41, 80, 4096 };
    int fd = z->extra[below(z, MAX_EXTRA)];
    size_t n = sizes[below(z, G_N_ELEMENTS(sizes))];
    uint64_t ptr = chance(z, 5) ? rand_ptr(z, n)
                                : (uintptr_t)z->arg + PAGE - MAX(n, 1);
    ssize_t r;

    if (fd < 0) {
        fd = rand_fd(z);
    }
    if (chance(z, 4)) {
        r = write(fd, (void *)(uintptr_t)ptr, n);
    } else {
        r = read(fd, (void *)(uintptr_t)ptr, n);
    }
    say(z, "queue rw(%d, %zu) = %zd", fd, n, r < 0 ? -errno : r);
}

void op_mmap(Fuzz *z)
{
    static const size_t lens[] = { 0, 100, PAGE, 2 * PAGE, 64 * 1024,
                                   1 << 20 };
    int fd = chance(z, 4) ? rand_fd(z) : z->dev[below(z, MAX_DEVS)];
    size_t len = lens[below(z, G_N_ELEMENTS(lens))];
    int prot = below(z, 8) & (PROT_READ | PROT_WRITE | PROT_EXEC);
    int flags = chance(z, 4) ? MAP_PRIVATE : MAP_SHARED;
    off_t off = (off_t)REGION(below(z, 8)) + below(z, 4) * PAGE;
    void *p;

    if (chance(z, 8)) {
        off += below(z, PAGE);
    }
    p = mmap(NULL, len, prot, flags, fd, off);
    say(z, "mmap(%d, %zu, 0x%" PRIx64 ") = %p", fd, len, (uint64_t)off, p);
    if (p == MAP_FAILED) {
        return;
    }
    for (unsigned i = 0; i < MAX_MAPS; i++) {
        if (!z->maps[i].p) {
            z->maps[i].p = p;
            z->maps[i].len = len;
            return;
        }
    }
    munmap(p, len);
}

/* ---- the device and the control channel ------------------------------- */

const char *const fuzz_bdfs[3] = {
    "0000:01:00.0", "0000:02:00.0", "0001:01:00.0",
};

void op_edu(Fuzz *z)
{
    static const unsigned regs[] = {
        0x00, 0x04, 0x08, 0x20, 0x24, 0x60, 0x64, 0x80, 0x88, 0x90, 0x98,
    };
    int fd = z->dev[below(z, MAX_DEVS)];
    uint64_t v;

    if (chance(z, 4)) {
        uint16_t cmd = chance(z, 4) ? 0 : 0x6;

        pwrite(fd, &cmd, 2, REGION(VFIO_PCI_CONFIG_REGION_INDEX) + 4);
        return;
    }
    if (chance(z, 2)) {
        /* A whole DMA: RAM side an IOVA the flows map, 1..64 bytes. */
        uint64_t ram = (uint64_t)below(z, 64) * 16 * PAGE + below(z, PAGE);
        uint64_t cnt = 1 + below(z, 64);
        bool to_ram = chance(z, 2);

        v = to_ram ? 0x40000 : ram;
        pwrite(fd, &v, 8, 0x80);
        v = to_ram ? ram : 0x40000 + below(z, 64);
        pwrite(fd, &v, 8, 0x88);
        pwrite(fd, &cnt, 8, 0x90);
        v = 1 | (to_ram ? 2 : 0) | (chance(z, 2) ? 4 : 0);
        pwrite(fd, &v, 8, 0x98);
        say(z, "edu dma fd %d ram 0x%" PRIx64 " to_ram %d", fd, ram, to_ram);
        return;
    }
    v = chance(z, 2) ? r64(z) : below(z, 16);
    pwrite(fd, &v, chance(z, 2) ? 4 : 8, regs[below(z, G_N_ELEMENTS(regs))]);
}

void op_irqs(Fuzz *z)
{
    struct {
        struct vfio_irq_set s;
        int32_t fds[4];
    } set = { .s.argsz = sizeof(set) };
    int fd = z->dev[below(z, MAX_DEVS)];

    set.s.index = below(z, 6);
    set.s.start = below(z, 3);
    set.s.count = below(z, 4);
    set.s.flags = (1u << below(z, 3)) | (1u << (5 + below(z, 3)));
    if (chance(z, 2)) {
        /* What a VMM does: eventfds on MSI-X (or MSI, or REQ) vectors. */
        set.s.index = chance(z, 2) ? VFIO_PCI_MSIX_IRQ_INDEX
                                   : below(z, VFIO_PCI_NUM_IRQS);
        set.s.start = 0;
        set.s.count = 1 + below(z, 2);
        set.s.flags = VFIO_IRQ_SET_ACTION_TRIGGER |
                      (chance(z, 4) ? VFIO_IRQ_SET_DATA_NONE
                                    : VFIO_IRQ_SET_DATA_EVENTFD);
    }
    for (unsigned i = 0; i < 4; i++) {
        set.fds[i] = chance(z, 3) ? rand_fd(z) : z->efd[below(z, 2)];
    }
    if (chance(z, 6)) {
        set.s.count = r32(z);
    }
    xioctl(z, fd, VFIO_DEVICE_SET_IRQS, &set);
}

void rand_word(Fuzz *z, GString *s)
{
    static const char *const words[] = {
        "ping", "topology", "inject-event", "cmd-log", "stats", "objects",
        "attachments", "dma", "unplug", "replug", "fail-nth",
        "fail-nth-status", "leaks", "help", "bogus", "",
    };
    static const char *const keys[] = {
        "smmu", "evt", "clear", "bdf", "addr", "len", "data", "n", "x",
    };
    unsigned nargs = below(z, 5);

    g_string_append(s, words[below(z, G_N_ELEMENTS(words))]);
    for (unsigned i = 0; i < nargs; i++) {
        const char *k = keys[below(z, G_N_ELEMENTS(keys))];

        g_string_append_printf(s, " %s=", k);
        switch (below(z, 7)) {
        case 0:
            g_string_append_printf(s, "0x%" PRIx64, r64(z));
            break;
        case 1:
            g_string_append_printf(s, "%u", below(z, 5));
            break;
        case 2:
            g_string_append(s, fuzz_bdfs[below(z, G_N_ELEMENTS(fuzz_bdfs))]);
            break;
        case 3:
            g_string_append_printf(s, "0x%x,0x%x,0x%x,0x%x", r32(z),
                                   r32(z), r32(z), r32(z));
            break;
        case 4:
            for (unsigned j = below(z, 40); j; j--) {
                g_string_append_printf(s, "%02x", below(z, 256));
            }
            break;
        case 5:
            g_string_append(s, "smmu3.0x0000000009050000");
            break;
        default:
            for (unsigned j = below(z, 12); j; j--) {
                g_string_append_c(s, (char)(1 + below(z, 255)));
            }
            break;
        }
    }
}

void op_control(Fuzz *z)
{
    g_autoptr(GString) s = g_string_new(NULL);

    switch (below(z, 8)) {
    case 0:
        ctl(z, "inject-event smmu=%u evt=0x%" PRIx64 ",0x%" PRIx64
            ",0x%" PRIx64 ",0x%" PRIx64, below(z, 3),
            (uint64_t)(below(z, 0x20) | ((uint64_t)(0x100 * below(z, 3))
                                         << 32)),
            r64(z), r64(z), r64(z));
        return;
    case 1: {
        unsigned len = 1 + below(z, 64);
        uint64_t addr = (uint64_t)below(z, 64) * 16 * PAGE + below(z, PAGE);

        if (chance(z, 2)) {
            ctl(z, "dma bdf=%s addr=0x%" PRIx64 " len=%u",
                fuzz_bdfs[below(z, 3)], addr, len);
        } else {
            g_string_append_printf(s, "dma bdf=%s addr=0x%" PRIx64 " data=",
                                   fuzz_bdfs[below(z, 3)], addr);
            for (unsigned i = 0; i < len; i++) {
                g_string_append_printf(s, "%02x", below(z, 256));
            }
            ctl(z, "%s", s->str);
        }
        return;
    }
    case 2:
        if (chance(z, 3)) {
            ctl(z, "fail-nth n=%u", 1 + below(z, 12));
        } else {
            ctl(z, "%s bdf=%s", chance(z, 2) ? "unplug" : "replug",
                fuzz_bdfs[below(z, 3)]);
        }
        return;
    default:
        rand_word(z, s);
        ctl(z, "%s", s->str);
        return;
    }
}

/*
 * The control socket (HOSTSIM_CONTROL, set by main): random bytes,
 * binary and overlong lines, split writes; then a "ping" whose reply
 * proves the server still answers, and keeps the walk in step with it.
 */
void op_socket(Fuzz *z)
{
    const char *path = g_getenv(HOSTSIM_ENV_CONTROL);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) in = g_string_new(NULL);
    gint64 deadline;

    if (z->sock < 0 || chance(z, 30)) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        if (z->sock >= 0) {
            close(z->sock);
        }
        z->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(z->sock, >=, 0);
        g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
        g_assert_cmpint(connect(z->sock, (struct sockaddr *)&sa,
                                sizeof(sa)), ==, 0);
    }
    switch (below(z, 4)) {
    case 0:
        for (unsigned i = below(z, 200); i; i--) {
            g_string_append_c(out, (char)r32(z));
        }
        break;
    case 1:
        /* Longer than HOSTSIM_CONTROL_MAX_LINE: an error reply. */
        for (unsigned i = HOSTSIM_CONTROL_MAX_LINE + below(z, 9000); i;
             i--) {
            g_string_append_c(out, 'a' + below(z, 26));
        }
        break;
    default:
        /* Not a ping: the one at the end must be the only one. */
        do {
            g_string_truncate(out, 0);
            rand_word(z, out);
        } while (g_str_has_prefix(out->str, "ping"));
        g_string_append(out, chance(z, 4) ? "\r\n" : "\n");
        break;
    }
    g_string_append(out, "\nping\n");
    say(z, "socket: %u bytes", (unsigned)out->len);
    for (gsize off = 0; off < out->len;) {
        size_t piece = 1 + below(z, 70000);
        size_t n = MIN(out->len - off, piece);
        ssize_t w = send(z->sock, out->str + off, n, MSG_NOSIGNAL);

        g_assert_cmpint(w, >, 0);
        off += w;
    }
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!strstr(in->str, "ok pid=") ||
           !strchr(strstr(in->str, "ok pid="), '\n')) {
        struct pollfd p = { .fd = z->sock, .events = POLLIN };
        char buf[4096];
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (poll(&p, 1, 1000) <= 0) {
            continue;
        }
        n = recv(z->sock, buf, sizeof(buf), 0);
        g_assert_cmpint(n, >, 0);
        g_string_append_len(in, buf, n);
    }
    g_assert_true(g_str_has_suffix(in->str, "\n"));
}

/*
 * The rest of the iommufd uAPI, well formed enough to get past the
 * first checks: IOAS copy, allowed and usable ranges, options, the VFIO
 * compatibility IOAS and container ioctls, HW info, dirty tracking.
 */
void op_misc(Fuzz *z)
{
    int fd = rand_iommufd(z);
    uint64_t ranges[8][2];

    switch (below(z, 8)) {
    case 0: {
        struct iommu_ioas_copy c = { .size = sizeof(c) };

        c.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                  (chance(z, 2) ? IOMMU_IOAS_MAP_WRITEABLE : 0);
        c.dst_ioas_id = rand_id(z, ID_IOAS);
        c.src_ioas_id = rand_id(z, ID_IOAS);
        c.length = (uint64_t)(1 + below(z, 16)) * PAGE;
        c.src_iova = (uint64_t)below(z, 256) * PAGE;
        c.dst_iova = 0x10000000 + (uint64_t)below(z, 64) * 16 * PAGE;
        xioctl(z, fd, IOMMU_IOAS_COPY, &c);
        break;
    }
    case 1: {
        struct iommu_ioas_allow_iovas a = { .size = sizeof(a) };

        a.ioas_id = rand_id(z, ID_IOAS);
        a.num_iovas = below(z, 4);
        for (unsigned i = 0; i < 8; i++) {
            ranges[i][0] = (uint64_t)below(z, 0x10000) * PAGE;
            ranges[i][1] = ranges[i][0] + (chance(z, 8) ? 0 : r32(z));
        }
        a.allowed_iovas = chance(z, 8) ? rand_ptr(z, 64) : (uintptr_t)ranges;
        xioctl(z, fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
        break;
    }
    case 2: {
        struct iommu_ioas_iova_ranges r = { .size = sizeof(r) };

        r.ioas_id = rand_id(z, ID_IOAS);
        r.num_iovas = below(z, 9);
        r.allowed_iovas = chance(z, 6) ? rand_ptr(z, 128)
                                       : (uintptr_t)ranges;
        xioctl(z, fd, IOMMU_IOAS_IOVA_RANGES, &r);
        break;
    }
    case 3: {
        struct iommu_option o = { .size = sizeof(o) };

        o.option_id = below(z, 3);
        o.op = below(z, 3);
        o.object_id = chance(z, 2) ? 0 : rand_id(z, ID_IOAS);
        o.val64 = below(z, 3);
        xioctl(z, fd, IOMMU_OPTION, &o);
        break;
    }
    case 4: {
        struct iommu_vfio_ioas v = { .size = sizeof(v) };
        struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
        struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
        uint8_t info[256] = { 0 };

        v.op = below(z, 4);
        v.ioas_id = rand_id(z, ID_IOAS);
        xioctl(z, fd, IOMMU_VFIO_IOAS, &v);
        map.flags = below(z, 8);
        map.vaddr = (uintptr_t)z->arena + below(z, 16) * PAGE;
        map.iova = 0x20000000 + (uint64_t)below(z, 16) * PAGE;
        map.size = (uint64_t)(1 + below(z, 4)) * PAGE;
        xioctl(z, fd, VFIO_IOMMU_MAP_DMA, &map);
        unmap.flags = chance(z, 4) ? below(z, 8) : 0;
        unmap.iova = map.iova;
        unmap.size = map.size;
        xioctl(z, fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
        ((uint32_t *)info)[0] = chance(z, 2) ? sizeof(info) : below(z, 64);
        xioctl(z, fd, VFIO_IOMMU_GET_INFO, info);
        xioctl(z, fd, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)below(z, 12));
        break;
    }
    case 5: {
        struct iommu_hw_info h = { .size = sizeof(h) };
        uint8_t data[128];

        h.dev_id = rand_id(z, ID_DEV);
        h.data_len = chance(z, 2) ? below(z, sizeof(data)) : 32;
        h.data_uptr = chance(z, 6) ? rand_ptr(z, h.data_len)
                                   : (uintptr_t)data;
        h.flags = chance(z, 4) ? below(z, 4) : 0;
        h.in_data_type = chance(z, 4) ? below(z, 4) : 0;
        xioctl(z, fd, IOMMU_GET_HW_INFO, &h);
        break;
    }
    default: {
        struct iommu_hwpt_set_dirty_tracking t = { .size = sizeof(t) };
        struct iommu_hwpt_get_dirty_bitmap b = { .size = sizeof(b) };
        uint64_t bits[4];

        t.hwpt_id = rand_id(z, ID_HWPT);
        t.flags = below(z, 2);
        xioctl(z, fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &t);
        b.hwpt_id = t.hwpt_id;
        b.flags = below(z, 2);
        b.iova = (uint64_t)below(z, 16) * PAGE;
        b.length = (uint64_t)(1 + below(z, 64)) * PAGE;
        b.page_size = PAGE << below(z, 3);
        b.data = chance(z, 4) ? rand_ptr(z, 32) : (uintptr_t)bits;
        xioctl(z, fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &b);
        break;
    }
    }
}

/*
 * The rest of the fd and VFIO surface: dup2/dup3 over simulated fds,
 * lseek, INTx mask/unmask eventfds, the low-power features, RESET.
 */
void op_fdmisc(Fuzz *z)
{
    int dev = z->dev[below(z, MAX_DEVS)];

    switch (below(z, 4)) {
    case 0: {
        unsigned i = below(z, MAX_EXTRA);
        int fd = rand_fd(z);

        /* Onto a slot of ours, which drops what it held (if fd is open) */
        if (z->extra[i] >= 0 && fd >= 0 && fd != z->extra[i]) {
            int r = chance(z, 2) ? dup2(fd, z->extra[i])
                                 : dup3(fd, z->extra[i], O_CLOEXEC);

            say(z, "dup2 %d -> %d = %d", fd, z->extra[i], r);
        }
        lseek(rand_fd(z), below(z, 100), below(z, 3));
        break;
    }
    case 1: {
        struct {
            struct vfio_irq_set s;
            int32_t fd;
        } set = { .s.argsz = sizeof(set) };

        set.s.index = VFIO_PCI_INTX_IRQ_INDEX;
        set.s.count = below(z, 2);
        set.s.flags = (VFIO_IRQ_SET_ACTION_MASK << below(z, 3)) |
                      (1u << below(z, 3));
        set.fd = chance(z, 4) ? -1 : z->efd[below(z, 2)];
        xioctl(z, dev, VFIO_DEVICE_SET_IRQS, &set);
        if (chance(z, 2)) {
            uint64_t one = 1;

            (void)!write(z->efd[below(z, 2)], &one, sizeof(one));
        }
        break;
    }
    case 2: {
        struct {
            struct vfio_device_feature f;
            struct vfio_device_low_power_entry_with_wakeup w;
        } feat = { .f.argsz = sizeof(feat) };

        feat.f.flags = VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY + below(z, 3);
        feat.f.flags |= chance(z, 4) ? VFIO_DEVICE_FEATURE_PROBE
                                     : VFIO_DEVICE_FEATURE_SET;
        feat.w.wakeup_eventfd = chance(z, 4) ? rand_fd(z) : z->efd[0];
        xioctl(z, dev, VFIO_DEVICE_FEATURE, &feat);
        break;
    }
    default:
        xioctl(z, dev, VFIO_DEVICE_RESET, NULL);
        break;
    }
}

/*
 * Paths: the simulated sysfs and /dev names with random tails ("..",
 * ".", unknown names, long names, trailing slashes), through the
 * interposed path calls.  Read-only: nothing is created or written.
 */
void op_path(Fuzz *z)
{
    static const char *const prefixes[] = {
        "/sys/class/iommu/", "/sys/class/vfio-dev/",
        "/sys/kernel/iommu_groups/", "/sys/bus/pci/devices/0000:01:00.0/",
        "/sys/bus/pci/devices/0001:01:00.0/", "/sys/devices/pci0000:00/",
        "/sys/module/iommufd/", "/sys/bus/pci/drivers/vfio-pci/",
        "/dev/vfio/devices/", "/dev/iommu", "/dev/vfio/devices/vfio",
    };
    static const char *const tails[] = {
        "", ".", "..", "../..", "iommu", "iommu_group", "vfio-dev",
        "vendor", "device", "class", "driver", "reserved_regions",
        "devices", "type", "smmu3.0x0000000009050000", "7", "0", "9",
        "vfio0", "vfio2", "dev", "x", "/", "//", "devices/0000:01:00.0",
        "../../../../../etc", "0/../1",
    };
    g_autoptr(GString) path = g_string_new(
        prefixes[below(z, G_N_ELEMENTS(prefixes))]);
    char buf[256];
    struct stat st;
    int fd;

    for (unsigned i = 1 + below(z, 3); i; i--) {
        g_string_append(path, tails[below(z, G_N_ELEMENTS(tails))]);
        if (chance(z, 2)) {
            g_string_append_c(path, '/');
        }
    }
    if (chance(z, 10)) {
        for (unsigned i = below(z, 300); i; i--) {
            g_string_append_c(path, 'a' + below(z, 26));
        }
    }
    say(z, "path %s", path->str);
    switch (below(z, 6)) {
    case 0:
        fd = open(path->str, chance(z, 2) ? O_RDONLY : O_RDONLY |
                  O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            keep_extra(z, fd);
        }
        break;
    case 1:
        stat(path->str, &st);
        lstat(path->str, &st);
        access(path->str, R_OK);
        break;
    case 2:
        (void)!readlink(path->str, buf, sizeof(buf));
        break;
    case 3: {
        g_autofree char *r = realpath(path->str, NULL);

        if (r) {
            stat(r, &st);
        }
        break;
    }
    case 4: {
        DIR *d = opendir(path->str);

        if (d) {
            while (readdir(d)) {
                /* all of it */
            }
            closedir(d);
        }
        break;
    }
    default: {
        FILE *f = fopen(path->str, "r");

        if (f) {
            (void)!fread(buf, 1, sizeof(buf), f);
            fclose(f);
        }
        break;
    }
    }
}
