/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host simulator's internal contract (architecture D1): the state of
 * the simulated kernel and hardware, and the functions each file of
 * tests/hostsim/ provides to the others.  The simulator stands in for
 * Linux 7.3's iommufd, VFIO cdev and arm-smmu-v3 driver as specified in
 * docs iommufd-uapi.md, plus the hardware behind them (physical SMMUv3
 * instances with a caching TLB, and edu-like PCI functions that do DMA).
 *
 * Rules every file follows:
 *  - All simulator state is guarded by one recursive lock (hs_lock()).
 *    interpose.c takes it around every simulated libc call, control.c
 *    around every control request; everything else assumes it is held.
 *  - Functions that stand for a kernel operation return 0 (or a
 *    non-negative count) on success and -errno on failure, errno values
 *    and their order exactly as iommufd-uapi.md says.
 *  - The simulator never calls an interposed libc function for its own
 *    needs: it uses hs_real (the next definitions, from dlsym).
 *  - Every allocation that stands for a kernel allocation, and every
 *    object lookup, goes through hs_inject() so that fail-nth can make it
 *    fail (ENOMEM resp. ENOENT).
 *
 * This is test infrastructure, not VMM code: it does not include
 * qemu/osdep.h and links only GLib (and libc).
 */
#ifndef HOSTSIM_INT_H
#define HOSTSIM_INT_H

#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

typedef struct HSSmmu HSSmmu;
typedef struct HSFunc HSFunc;
typedef struct HSIctx HSIctx;
typedef struct HSObj HSObj;
typedef struct HSIoas HSIoas;
typedef struct HSHwpt HSHwpt;
typedef struct HSDevice HSDevice;
typedef struct HSViommu HSViommu;
typedef struct HSVdevice HSVdevice;
typedef struct HSVeventq HSVeventq;
typedef struct HSFault HSFault;
typedef struct HSVfioDev HSVfioDev;
typedef struct HSFile HSFile;

#define HS_PAGE_SIZE            4096ULL
#define HS_MSI_IOVA_BASE        0x08000000ULL   /* SW_MSI window, 3.7 */
#define HS_MSI_IOVA_LAST        0x080fffffULL
#define HS_VEVENTQ_MAX_DEPTH    (1U << 19)
#define HS_INV_ENTRY_NUM_MAX    (1U << 19)
#define HS_CMDQ_BATCH           63              /* 3.3 */
#define HS_VFIO_OFFSET_SHIFT    40
#define HS_MAX_SW_MSI_PAGES     64

/* ==== interpose.c: libc interposition, the fd table, the lock ======== */
/* (The path entry points are in interpose-path.c; their shared private
 * declarations in interpose-internal.h.) */

/* The real libc functions (RTLD_NEXT), resolved before any use. */
typedef struct HSReal {
    int (*open)(const char *path, int flags, ...);
    int (*openat)(int dirfd, const char *path, int flags, ...);
    int (*close)(int fd);
    ssize_t (*read)(int fd, void *buf, size_t count);
    ssize_t (*write)(int fd, const void *buf, size_t count);
    ssize_t (*pread)(int fd, void *buf, size_t count, off_t off);
    ssize_t (*pwrite)(int fd, const void *buf, size_t count, off_t off);
    int (*ioctl)(int fd, unsigned long req, ...);
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
    int (*munmap)(void *addr, size_t len);
    int (*dup)(int fd);
} HSReal;
extern HSReal hs_real;

void hs_lock(void);
void hs_unlock(void);

/* Called once from the library constructor (and by unit tests). */
void hs_init(void);

typedef enum HSFdKind {
    HS_FD_IOMMUFD = 1,      /* obj: HSIctx */
    HS_FD_VFIO,             /* obj: HSVfioDev */
    HS_FD_VEVENTQ,          /* obj: HSVeventq */
    HS_FD_FAULT,            /* obj: HSFault */
} HSFdKind;

/*
 * One open simulated file.  Several fds may refer to it (dup); the file
 * is released (the module's close hook runs) when the last one closes.
 * efd is the real fd backing it, polling as Linux's file does: for a
 * vEVENTQ an epoll instance (POLLIN|POLLRDNORM while the queue is
 * non-empty, never POLLOUT), for a fault queue an eventfd (POLLOUT
 * always, POLLIN while non-empty), else a memfd.
 */
struct HSFile {
    HSFdKind kind;
    void *obj;
    int efd;                /* the first fd number handed out */
    unsigned fds;           /* fds referring to this file */
    int open_flags;
    bool readable;          /* queue: polls readable (interpose.c) */
};

/*
 * Create a real fd for a new simulated file: an epoll fd for a vEVENTQ,
 * an eventfd for a fault queue, a memfd for the rest; O_CLOEXEC (and
 * O_NONBLOCK for queues) from flags.
 * Returns the fd or -errno.
 */
int hs_fd_new(HSFdKind kind, void *obj, int flags);
HSFile *hs_fd_lookup(int fd);
/* Make a queue's fd poll readable or not. */
void hs_fd_set_readable(HSFile *f, bool readable);
/* Number of simulated fds open now (leak report). */
unsigned hs_fd_count(void);
/* Visit every open simulated file (leak report, control). */
void hs_fd_foreach(void (*fn)(int fd, HSFile *f, void *opaque),
                   void *opaque);

/* ==== uaccess.c: user memory, checked like copy_{from,to}_user ======= */

/* 0 or -EFAULT; never crashes on a bad pointer. */
int hs_copy_from_user(void *dst, uint64_t uptr, size_t len);
int hs_copy_to_user(uint64_t uptr, const void *src, size_t len);
/*
 * The "pinning" check of IOAS_MAP: is [va, va+len) mapped in this
 * process (-EFAULT if not) and, when write, writable (-EPERM if not)?
 */
int hs_check_user_range(uint64_t va, uint64_t len, bool write);

/* ==== failnth.c: fault injection and the leak report ================= */

/*
 * A fault-injection point.  Returns -err when fail-nth says this call
 * must fail (the Nth point hit since fail-nth was armed), else 0.
 * where names the point (shown by the control channel).
 */
int hs_inject(int err, const char *where);
void hs_failnth_set(unsigned n);        /* 0 disarms */
/* Remaining count (0 = consumed or disarmed), last injected point. */
unsigned hs_failnth_remaining(void);
bool hs_failnth_last(const char **where, int *err);
/* Append the leak report (live objects, areas, fds) to out; true if any. */
bool hs_leak_report(GString *out);

/* ==== topology.c: what the host has ================================= */

/* One physical SMMUv3 instance. */
struct HSSmmu {
    unsigned index;
    char *name;             /* "smmu3.0x0000000009050000" (4) */
    uint64_t base;
    uint32_t idr[6], iidr, aidr;
    /* Derived from the IDRs at load time. */
    bool nesting;           /* S1P && S2P && !nesting-off */
    bool s2fwb, ril, ats, vmid16, asid16, ds, cohacc;
    unsigned oas_bits, ssidsize, sidsize;
    bool gran4k, gran16k, gran64k;
    /* Runtime state, owned by smmu.c. */
    void *hw;
};

typedef enum HSBarKind {
    HS_BAR_NONE = 0,
    HS_BAR_EDU,             /* edu registers: trapped (pread/pwrite) */
    HS_BAR_RAM,             /* plain memory: mmappable */
    HS_BAR_MSIX,            /* MSI-X table + PBA: trapped */
} HSBarKind;

typedef struct HSBar {
    HSBarKind kind;
    uint64_t size;          /* power of two, >= 4 KiB when present */
    bool mmap;              /* VFIO_REGION_INFO_FLAG_MMAP */
    bool prefetch, is64;
    int memfd;              /* HS_BAR_RAM backing, -1 otherwise */
} HSBar;

/* One PCI function of the host. */
struct HSFunc {
    unsigned index;
    char bdf[16];           /* "0000:01:00.0" */
    uint16_t vendor, device, subsys_vendor, subsys_device;
    uint32_t class_code;    /* 24-bit */
    uint8_t revision;
    HSSmmu *smmu;
    uint32_t sid;           /* physical StreamID on smmu */
    unsigned group;         /* /sys/kernel/iommu_groups/N */
    unsigned vfio_index;    /* /dev/vfio/devices/vfioN */
    bool canwbs;            /* IORT CANWBS on its root complex */
    bool ats;               /* the function supports ATS */
    unsigned msi_vectors;   /* MSI capability vectors (0: none) */
    unsigned msix_vectors;  /* MSI-X table size (0: none) */
    unsigned msix_bar;      /* BAR holding table (offset 0) and PBA */
    HSBar bars[6];
    /* Runtime state. */
    bool removed;           /* unplug requested and the fd closed */
    bool unplug_requested;
    HSVfioDev *bound;       /* the cdev that is bound (at most one) */
    HSDevice *idev;         /* its iommufd DEVICE object */
    void *pci;              /* config space + irq state: vfio.c */
    void *edu;              /* device model state: edu.c */
};

typedef struct HSTopology {
    GPtrArray *smmus;       /* HSSmmu*, index order */
    GPtrArray *funcs;       /* HSFunc*, index order */
} HSTopology;
extern HSTopology *hs_topo;

/*
 * Load the topology from path (a GKeyFile; format in
 * docs/devel/hostsim.rst), or the built-in default when path is NULL.
 * Fills every derived field.  Returns NULL and sets errp on bad input.
 */
HSTopology *hs_topology_load(const char *path, GError **errp);
void hs_topology_free(HSTopology *t);
HSFunc *hs_func_by_vfio_index(unsigned n);
HSFunc *hs_func_by_bdf(const char *bdf);
HSFunc *hs_func_by_sid(HSSmmu *s, uint32_t sid);
HSSmmu *hs_smmu_by_name(const char *name_or_index);

/* ==== sysfs.c: the sysfs tree and /dev nodes, materialized =========== */

/*
 * Build (once, lazily) a private directory holding the sysfs entries of
 * section 4 for the topology -- real files and relative symlinks -- and
 * placeholder /dev/iommu and /dev/vfio/devices/vfioN nodes for stat().
 * Returns the root (e.g. "/tmp/hostsim.XXXXXX") or NULL.
 */
const char *hs_sysfs_root(void);
/*
 * If path is one the simulator answers (/sys/class/iommu...,
 * /sys/class/vfio-dev..., /sys/kernel/iommu_groups...,
 * /sys/bus/pci/devices/<simulated BDF>..., /sys/module/iommufd...,
 * /dev/iommu, /dev/vfio/devices/vfioN), return the rewritten path in the
 * private tree (g_free it); else NULL.
 */
char *hs_sysfs_rewrite(const char *path);
/* Refresh the files that change at run time (driver, vfio-dev). */
void hs_sysfs_update_func(HSFunc *f);
void hs_sysfs_cleanup(void);
/*
 * Could path be one hs_sysfs_rewrite answers?  A prefix test that needs
 * no topology, so that interpose.c loads the simulator only for paths
 * that may concern it.
 */
bool hs_sysfs_is_candidate(const char *path);
/*
 * Device numbers the simulated nodes report: the "dev" attribute of
 * vfio-dev/vfioN is HS_VFIO_CDEV_MAJOR:N; /dev/iommu is a misc device.
 * stat() of the placeholder nodes reports S_IFCHR with these.
 */
#define HS_VFIO_CDEV_MAJOR      511
#define HS_MISC_MAJOR           10
#define HS_IOMMU_MINOR          123

/* ==== iommufd.c: the context, object IDs, ioctl dispatch ============= */

typedef enum HSObjType {
    HS_OBJ_ANY = 0,
    HS_OBJ_DEVICE = 1,
    HS_OBJ_HWPT_PAGING,
    HS_OBJ_HWPT_NESTED,
    HS_OBJ_IOAS,
    HS_OBJ_ACCESS,
    HS_OBJ_FAULT,
    HS_OBJ_VIOMMU,
    HS_OBJ_VDEVICE,
    HS_OBJ_VEVENTQ,
    HS_OBJ_HW_QUEUE,
} HSObjType;

/* Header of every object; embedded first. */
struct HSObj {
    HSObjType type;
    uint32_t id;
    HSIctx *ictx;
    unsigned users;         /* references from other objects/attachments */
    bool never_destroy;     /* DEVICE: only its VFIO fd removes it */
};

/* One open of /dev/iommu. */
struct HSIctx {
    GHashTable *ids;        /* id -> HSObj*, or HS_ID_RESERVED/TOMBSTONE */
    unsigned refs;          /* the fd file, vEVENTQ/fault fds, bound devs */
    unsigned index;         /* for the control channel listing */
    int rlimit_mode;        /* IOMMU_OPTION_RLIMIT_MODE */
    uint32_t vfio_ioas_id;  /* IOMMU_VFIO_IOAS, 0 = none */
    uint64_t sw_msi_pages;  /* doorbell pages handed out (3.7) */
};
#define HS_ID_RESERVED  ((gpointer)1)
#define HS_ID_TOMBSTONE ((gpointer)2)

/* Called by interpose.c. */
HSIctx *hs_ictx_open(int *err);
/* The ictx loses a reference; at zero every object is destroyed. */
void hs_ictx_put(HSIctx *ictx);
void hs_ictx_get(HSIctx *ictx);
int hs_iommufd_ioctl(HSIctx *ictx, unsigned long req, void *arg);
/* mmap of an iommufd fd: the checks of 1.22; SMMUv3 publishes nothing. */
int hs_iommufd_mmap_check(HSIctx *ictx, size_t len, int prot, int flags,
                          off_t off);
/* All live contexts (control listing, leak report). */
extern GPtrArray *hs_ictxs;

/*
 * Object IDs (1.2): reserve the lowest free ID >= 1, then publish the
 * object on success or abort (free the ID) on failure.  hs_obj_alloc
 * allocates size bytes (an injection point: -ENOMEM) and reserves an ID.
 */
void *hs_obj_alloc(HSIctx *ictx, HSObjType type, size_t size, int *err);
void hs_obj_publish(HSObj *obj);
void hs_obj_abort(HSObj *obj);          /* frees the ID and the memory */
/*
 * Look up id: 0/unknown/tombstoned/wrong type -> -ENOENT via *err
 * (an injection point).  type HS_OBJ_ANY matches every type.
 */
HSObj *hs_obj_get(HSIctx *ictx, uint32_t id, HSObjType type, int *err);
/* Destroy a published object (IOMMU_DESTROY rules: -EBUSY, -ENOENT). */
int hs_obj_destroy(HSObj *obj);
/* Remove an object whose ID must stay reserved until close (1.2). */
void hs_obj_tombstone(HSObj *obj);
const char *hs_obj_type_name(HSObjType type);
/*
 * (H2) Object lifetime conventions of iommufd.c:
 *  - hs_obj_destroy, hs_obj_tombstone and the teardown at close first
 *    unlink the ID, then call the type's destroy (hs_ioas_destroy,
 *    hs_hwpt_destroy, hs_viommu_destroy, hs_vdevice_destroy,
 *    hs_veventq_destroy, hs_fault_destroy; nothing for a DEVICE), which
 *    drops the users it holds on other objects and releases its state
 *    but never frees the struct; then iommufd.c g_free()s the object.
 *  - hs_obj_tombstone destroys the object that way and leaves its ID
 *    reserved (ENOENT on use, never reused) until the context closes.
 *  - hs_obj_abort (never published) unlinks the ID and g_free()s without
 *    running a destroy; the caller has undone the object's state.
 *  - hs_obj_destroy answers -EBUSY for never_destroy or users > 0 (and a
 *    vEVENTQ/FAULT whose fd is open); a DEVICE leaves by clearing both
 *    and calling hs_obj_destroy.
 *  - The teardown at close destroys, in ascending ID order and sweep
 *    after sweep, every object with users == 0 and !never_destroy.
 */
/* (H2) Does the process hold capability cap (CAP_SYS_RESOURCE, ...)? */
bool hs_capable(int cap);

/*
 * One ioctl call being served: the dispatcher copied the user struct
 * into cmd (the kernel's size, zero-extended, E2BIG checked).  Handlers
 * call hs_ucmd_respond to copy the whole struct back (1.3).
 */
typedef struct HSUcmd {
    HSIctx *ictx;
    uint64_t uptr;
    uint32_t user_size;
    void *cmd;
    size_t ksize;
} HSUcmd;
int hs_ucmd_respond(HSUcmd *u);

/* ==== ioas.c: IOAS, areas, reserved ranges, allowed list ============= */

typedef struct HSArea {
    uint64_t iova, length;
    uint8_t *hva;           /* where the bytes live in this process */
    bool readable, writeable;
    int memfd;              /* MAP_FILE: our dup of the fd, else -1 */
    void *file_map;         /* MAP_FILE: our mapping, munmap on unmap */
    size_t file_map_len;
    uint64_t file_start;
    /*
     * (H2) Like the kernel, pages are only pinned (checked, and for a file
     * mmapped) once the IOAS has a domain.  A user area's hva is its user
     * VA from the start; a file area's hva is NULL until pinned.
     */
    bool pinned;
    bool pages_writable;    /* (H2) the pages may be written (MAP flag) */
    bool pinnable;          /* (H2) file: shmem/hugetlbfs (memfd) */
    bool map_writable;      /* (H2) file: our mapping allows writes */
} HSArea;

typedef struct HSReserved {
    uint64_t start, last;   /* inclusive */
    const void *owner;      /* a device (SW_MSI) or a HWPT (aperture) */
    const char *kind;       /* "msi", "aperture", ... */
} HSReserved;

struct HSIoas {
    HSObj obj;
    GArray *areas;          /* HSArea, sorted by iova, disjoint */
    GArray *reserved;       /* HSReserved */
    GArray *allowed;        /* struct iommu_iova_range */
    uint64_t iova_alignment;
    bool huge_pages;
    GPtrArray *hwpts;       /* HSHwpt* of kind PAGING on this IOAS */
    GArray *hwpt_pgsizes;   /* (H2) uint64_t, the pgsize of hwpts[i] */
};

int hs_ioctl_ioas_alloc(HSUcmd *u);
int hs_ioctl_ioas_allow_iovas(HSUcmd *u);
int hs_ioctl_ioas_copy(HSUcmd *u);
int hs_ioctl_ioas_iova_ranges(HSUcmd *u);
int hs_ioctl_ioas_map(HSUcmd *u);
int hs_ioctl_ioas_map_file(HSUcmd *u);
int hs_ioctl_ioas_unmap(HSUcmd *u);
int hs_ioctl_ioas_change_process(HSUcmd *u);
int hs_ioctl_option(HSUcmd *u);         /* both options */
int hs_ioctl_vfio_ioas(HSUcmd *u);
void hs_ioas_destroy(HSIoas *ioas);     /* unmap all, free */

/*
 * Reserve [start, last] for owner: -EADDRINUSE if an area or an allowed
 * range intersects.  Release drops every range of owner.
 */
int hs_ioas_reserve(HSIoas *ioas, uint64_t start, uint64_t last,
                    const void *owner, const char *kind);
void hs_ioas_unreserve(HSIoas *ioas, const void *owner);
/* A HWPT joins the IOAS: alignment and aperture rules of 1.15. */
int hs_ioas_add_domain(HSIoas *ioas, HSHwpt *hwpt, uint64_t aperture_last,
                       uint64_t pgsize);
void hs_ioas_remove_domain(HSIoas *ioas, HSHwpt *hwpt);
/*
 * DMA through the IOAS: translate [iova, iova+len) (within one area) to
 * a host pointer.  -ENOENT unmapped, -EPERM permission.  The simulated
 * hardware uses this for stage 2 and paging domains.
 */
int hs_ioas_translate(HSIoas *ioas, uint64_t iova, uint64_t len,
                      bool write, uint8_t **hva);
/* Areas and bytes mapped (leak report). */
void hs_ioas_stats(HSIoas *ioas, unsigned *areas, uint64_t *bytes);
/*
 * (H2) IOAS primitives shared with iommufd.c, which implements
 * hs_ioctl_option (HUGE_PAGES through hs_ioas_set_huge_pages),
 * hs_ioctl_vfio_ioas and the VFIO-container ioctls on the IOAS chosen
 * with IOMMU_VFIO_IOAS:
 *  - map user memory at *iova (flags: IOMMU_IOAS_MAP_*; FIXED_IOVA or
 *    automatic) with the checks of IOMMU_IOAS_MAP after the IOAS lookup;
 *  - unmap every area inside [start, last]: -ENOENT on an area sticking
 *    out (what came before stays unmapped), *unmapped = bytes;
 *  - IOMMU_OPTION_HUGE_PAGES set: -EINVAL with domains and areas,
 *    -EADDRINUSE if areas do not fit PAGE_SIZE alignment;
 *  - the usable IOVA ranges (holes of the reserved ranges over
 *    [0, U64_MAX]) as a GArray of struct iommu_iova_range.
 */
int hs_ioas_map_user(HSIoas *ioas, uint64_t uva, uint64_t length,
                     uint64_t *iova, uint32_t flags);
int hs_ioas_unmap_range(HSIoas *ioas, uint64_t start, uint64_t last,
                        uint64_t *unmapped);
int hs_ioas_set_huge_pages(HSIoas *ioas, bool on);
GArray *hs_ioas_iova_holes(HSIoas *ioas);

/* ==== hwpt.c: devices, HW info, HWPTs, attach ======================== */

typedef enum HSHwptKind { HS_HWPT_PAGING = 1, HS_HWPT_NESTED } HSHwptKind;

struct HSHwpt {
    HSObj obj;
    HSHwptKind kind;
    HSSmmu *smmu;           /* the SMMU it belongs to (1.15) */
    /* PAGING */
    HSIoas *ioas;
    bool nest_parent, auto_domain, s1;
    uint16_t vmid;          /* nest parents: from the SMMU's VMID space */
    /* NESTED */
    HSViommu *viommu;
    HSHwpt *parent;
    uint64_t ste[2];        /* vSTE as stored (EATS cleared, 3.2) */
    bool enable_ats;
    HSFault *fault;
    unsigned attached;      /* devices attached */
    /* Added by hwpt.c (H3): */
    uint16_t asid;          /* S1 paging domains: from the global space */
    bool has_vmid, has_asid;
    bool enforce_cc;        /* allocated for a CANWBS device (3.1) */
    bool in_ioas;           /* joined its IOAS (hs_ioas_add_domain) */
};

struct HSDevice {
    HSObj obj;
    HSFunc *func;
    HSVfioDev *vdev;
    HSHwpt *attached;       /* NULL = blocked (DMA aborted) */
    HSVdevice *vdevice;     /* at most one (1.19) */
    /* vmaster (3.2): captured at attach to a nested S1 HWPT */
    HSViommu *vmaster;
    uint64_t vmaster_vsid;
    bool msi_reserved;      /* SW_MSI reserved in attached IOAS */
};

int hs_ioctl_get_hw_info(HSUcmd *u);
int hs_ioctl_hwpt_alloc(HSUcmd *u);
int hs_ioctl_hwpt_set_dirty_tracking(HSUcmd *u);
int hs_ioctl_hwpt_get_dirty_bitmap(HSUcmd *u);
void hs_hwpt_destroy(HSHwpt *hwpt);

/* VFIO_DEVICE_BIND_IOMMUFD's iommufd side: a new DEVICE object. */
int hs_device_bind(HSIctx *ictx, HSFunc *func, HSVfioDev *vdev,
                   HSDevice **out);
/* The VFIO fd closes: detach, tombstone the vDEVICE, drop the object. */
void hs_device_unbind(HSDevice *dev);
/* ATTACH_IOMMUFD_PT (2.3): *pt_id in/out; replace when attached. */
int hs_device_attach(HSDevice *dev, uint32_t *pt_id);
void hs_device_detach(HSDevice *dev);
/*
 * MSI enable on the host (3.7): map the doorbell page into the attached
 * domain's IOAS at HS_MSI_IOVA_BASE + pgoff*PAGE; returns the IOVA.
 */
int hs_device_sw_msi(HSDevice *dev, uint64_t *iova);

/* ==== viommu.c: vIOMMU, vDEVICE, invalidation, vEVENTQ, fault ======== */

struct HSViommu {
    HSObj obj;
    HSSmmu *smmu;
    HSHwpt *s2;             /* NEST_PARENT paging HWPT */
    GHashTable *vsids;      /* virt_id (u64) -> HSVdevice* */
    HSVeventq *veventq;     /* the ARM_SMMUV3-type queue, or NULL */
    GPtrArray *queues;      /* every HSVeventq (any type) */
};

struct HSVdevice {
    HSObj obj;
    HSViommu *viommu;
    HSDevice *dev;
    uint64_t virt_id;
};

struct HSVeventq {
    HSObj obj;
    HSViommu *viommu;
    uint32_t type, depth;
    GQueue events;          /* of HSVevent* (viommu.c) */
    unsigned num_events;    /* not counting the lost marker */
    bool lost_marker;       /* at the tail */
    uint32_t seq;           /* next sequence number */
    HSFile *file;           /* NULL once the fd is closed */
    uint32_t lost_seq;      /* added (H3): the marker's sequence number */
};

struct HSFault {
    HSObj obj;
    HSFile *file;
};

int hs_ioctl_viommu_alloc(HSUcmd *u);
int hs_ioctl_vdevice_alloc(HSUcmd *u);
int hs_ioctl_hwpt_invalidate(HSUcmd *u);
int hs_ioctl_veventq_alloc(HSUcmd *u);
int hs_ioctl_fault_queue_alloc(HSUcmd *u);
int hs_ioctl_hw_queue_alloc(HSUcmd *u);
void hs_viommu_destroy(HSViommu *v);
void hs_vdevice_destroy(HSVdevice *vd);
void hs_veventq_destroy(HSVeventq *q);
void hs_fault_destroy(HSFault *f);
/* Validate a nested vSTE (3.2): 0, -EIO, -EINVAL. */
int hs_vste_check(const uint64_t ste[2], bool *enable_ats);

/* vEVENTQ fd operations (1.20), from interpose.c. */
ssize_t hs_veventq_read(HSVeventq *q, void *buf, size_t count);
void hs_veventq_fd_closed(HSVeventq *q);
ssize_t hs_fault_read(HSFault *f, void *buf, size_t count);
ssize_t hs_fault_write(HSFault *f, const void *buf, size_t count);
void hs_fault_fd_closed(HSFault *f);

/*
 * A hardware event of smmu for physical StreamID sid (3.5): filter,
 * rewrite the SID to the vSID and queue it on the vIOMMU's vEVENTQ.
 * Returns true if it was forwarded.
 */
bool hs_viommu_report_event(HSSmmu *smmu, const uint64_t evt[4]);

/* ==== smmu.c: the physical SMMUv3 (hardware model) =================== */

typedef enum HSSteKind {
    HS_STE_ABORT = 0,       /* blocked domain, abort vSTE, V=0 */
    HS_STE_S1_DOMAIN,       /* paging HWPT (not nest parent): IOAS */
    HS_STE_S2_DOMAIN,       /* nest parent or bypass vSTE: IOAS as S2 */
    HS_STE_NESTED,          /* guest vSTE (S1 from guest memory) + S2 */
} HSSteKind;

/* What the driver installed in the physical STE of one StreamID. */
typedef struct HSSte {
    HSSteKind kind;
    HSIoas *ioas;           /* S1_DOMAIN, S2_DOMAIN, NESTED */
    uint16_t vmid;          /* S2_DOMAIN, NESTED */
    uint16_t asid;          /* S1_DOMAIN */
    uint64_t vste[2];       /* NESTED: the guest's words (3.2) */
    bool s2fwb, eats, mev;
} HSSte;

/*
 * (smmu.c) tlb_inval counts TLB entries dropped by commands; cfg_* are
 * the CD cache; dma_ok/dma_faults count hs_smmu_dma calls; events counts
 * every record raised, events_forwarded those the vIOMMU took.
 */
typedef struct HSSmmuStats {
    uint64_t tlb_hits, tlb_misses, tlb_entries, tlb_inval;
    uint64_t cfg_hits, cfg_misses, cfg_entries;
    uint64_t events, events_forwarded, dma_ok, dma_faults;
    uint64_t cmds, cmds_dropped;    /* log size, lost to the log cap */
} HSSmmuStats;

typedef enum HSCmdOrigin { HS_CMD_KERNEL = 0, HS_CMD_USER } HSCmdOrigin;
typedef struct HSCmdLog {
    uint64_t cmd[2];        /* as submitted to the queue */
    HSCmdOrigin origin;
} HSCmdLog;

void hs_smmu_init(HSSmmu *s);           /* hw state */
void hs_smmu_fini(HSSmmu *s);
/* Install an STE: logs the driver's CFGI_STE + CMD_SYNC, drops cached
 * configuration of sid.  Passing NULL installs abort. */
void hs_smmu_set_ste(HSSmmu *s, uint32_t sid, const HSSte *ste);
const HSSte *hs_smmu_get_ste(HSSmmu *s, uint32_t sid);
/* VMIDs (3.1): per SMMU, from [1, 2^vmid_bits - 1]. */
int hs_smmu_vmid_alloc(HSSmmu *s, uint16_t *vmid);
void hs_smmu_vmid_free(HSSmmu *s, uint16_t vmid);
/*
 * Submit already validated and rewritten commands (2 dwords each) in
 * batches of HS_CMDQ_BATCH, each followed by a CMD_SYNC (3.3); logs them
 * (origin user; the syncs origin kernel) and applies the invalidations
 * to the TLB and configuration cache.
 */
int hs_smmu_submit(HSSmmu *s, const uint64_t *cmds, uint32_t n);
/* The driver's own invalidation after an S2 unmap (logged, kernel). */
void hs_smmu_s2_unmapped(HSSmmu *s, uint16_t vmid, uint64_t iova,
                         uint64_t len);
/*
 * DMA by function f: translate through what its StreamID has installed
 * and copy len bytes between buf and the target.  A fault raises the
 * event (hs_smmu_raise_event) and returns -EFAULT; nothing is
 * transferred past the faulting page.
 */
int hs_smmu_dma(HSFunc *f, uint64_t addr, void *buf, size_t len,
                bool write);
/* An event record reaches the SMMU's event queue (real or injected). */
void hs_smmu_raise_event(HSSmmu *s, const uint64_t evt[4]);
void hs_smmu_stats(HSSmmu *s, HSSmmuStats *out);
/* The command log; clear empties it. */
const GArray *hs_smmu_cmd_log(HSSmmu *s);
void hs_smmu_cmd_log_clear(HSSmmu *s);
/*
 * Added by smmu.c: the newest event records the SMMU received (real or
 * injected, at most 1024, oldest first), and whether the vIOMMU took
 * each, so that tests can look at what a fault produced even when
 * nothing forwards it.
 */
typedef struct HSSmmuEvent {
    uint64_t evt[4];
    bool forwarded;
} HSSmmuEvent;
const GArray *hs_smmu_event_log(HSSmmu *s);
void hs_smmu_event_log_clear(HSSmmu *s);

/* ==== edu.c: the edu device model behind each function =============== */

void hs_edu_init(HSFunc *f);
void hs_edu_fini(HSFunc *f);
void hs_edu_reset(HSFunc *f);
/* BAR0 register access (size 4 or 8), from vfio.c. */
uint64_t hs_edu_read(HSFunc *f, uint64_t off, unsigned size);
void hs_edu_write(HSFunc *f, uint64_t off, uint64_t val, unsigned size);

/* ==== vfio.c: the VFIO cdev (2) ====================================== */

struct HSVfioDev {
    HSFunc *func;
    HSFile *file;
    bool bound;
    HSIctx *ictx;
    HSDevice *idev;
};

/* open() of /dev/vfio/devices/vfioN: -ENODEV when removed. */
HSVfioDev *hs_vfio_open(HSFunc *f, int *err);
int hs_vfio_ioctl(HSVfioDev *d, unsigned long req, void *arg);
ssize_t hs_vfio_pread(HSVfioDev *d, void *buf, size_t count, off_t off);
ssize_t hs_vfio_pwrite(HSVfioDev *d, const void *buf, size_t count,
                       off_t off);
/* The checks of mmap on a device fd; on success memfd and moff give what
 * to map instead (a RAM BAR's memfd). */
int hs_vfio_mmap_target(HSVfioDev *d, size_t len, int prot, int flags,
                        off_t off, int *memfd, off_t *moff);
void hs_vfio_close(HSVfioDev *d);
void hs_vfio_func_init(HSFunc *f);      /* config space, irq state */
void hs_vfio_func_fini(HSFunc *f);
/* Interrupt from the device model: vector of MSI-X, else MSI, else INTx */
void hs_vfio_raise_irq(HSFunc *f, unsigned vector);
/* Control channel: signal the REQ eventfd (3.8).  -ENODEV if none. */
int hs_vfio_request_unplug(HSFunc *f);
/*
 * Bus Master Enable in f's command register (added by H5): DMA and
 * MSI/MSI-X messages need it, as on real hardware.  The device model may
 * refuse DMA without it.
 */
bool hs_vfio_bus_master(HSFunc *f);

/* ==== control.c: the test control channel ============================ */

/*
 * Serve one request line of the text protocol (docs/devel/hostsim.rst);
 * returns the reply (one or more lines, each ending in '\n'; g_free).
 * Takes the lock itself.  Exported to unit tests as hostsim_control().
 */
char *hs_control_handle(const char *line);
/*
 * Start the socket server if HOSTSIM_CONTROL names a path; stop it
 * (control-socket.c).  Both idempotent; stop without holding the lock.
 */
void hs_control_start(void);
void hs_control_stop(void);

#endif
