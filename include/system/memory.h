/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest-physical memory: MemoryRegions and AddressSpaces.
 *
 * A MemoryRegion is one of
 *   - RAM: host memory backed by a memfd (so it can be mapped into an
 *     iommufd IOAS by file), or by a pointer the owner supplies;
 *   - MMIO: accesses go to a device's MemoryRegionOps, which declare the
 *     access sizes a guest may use (valid) and the ones the callbacks
 *     handle (impl); the core splits or widens the rest;
 *   - a container of subregions placed at offsets with priorities (a
 *     higher priority wins where subregions overlap; equal priorities:
 *     the one added last wins);
 *   - an alias of a window of another region;
 *   - an IOMMU region: accesses are translated by a hook and continue in
 *     the address space the translation names, or fail with a fault.
 *
 * An AddressSpace is a root region seen from one bus master.  It keeps a
 * flattened view (a sorted list of non-overlapping ranges of leaf regions)
 * rebuilt lazily after the topology changes, and notifies MemoryListeners
 * (KVM memory slots, the iommufd IOAS) of the ranges that came and went.
 *
 * Accesses return a MemTxResult that devices act on; nothing a guest or
 * a test does with addresses can crash the process.  Unmapped reads
 * return zero, as on QEMU's virt machine.
 *
 * MemoryRegions are plain structs embedded in their owner (a device, the
 * machine).  The owner removes them from their containers before it
 * frees them; memory_region_destroy() checks and releases a region.
 * Everything here runs on the main thread (or under the big lock).
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include "qom/object.h"

typedef uint64_t hwaddr;
#define HWADDR_MAX UINT64_MAX
#define HWADDR_PRIx PRIx64

typedef struct MemoryRegion MemoryRegion;
typedef struct IOMMUMemoryRegion IOMMUMemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;
typedef struct IOMMUNotifier IOMMUNotifier;

/* What an access came to.  Devices act on anything but MEMTX_OK. */
typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_DECODE_ERROR,     /* nothing there, or an access size/alignment
                               the region does not accept */
    MEMTX_IOMMU_FAULT,      /* an IOMMU region's translation faulted */
    MEMTX_ACCESS_DENIED,    /* translated, but without the permission
                               (read/write) the access needs; or a write
                               to read-only memory */
    MEMTX_ERROR,            /* the device reported an error (slave error) */
} MemTxResult;

/* "ok", "decode-error", ... for messages and traces. */
const char *memtx_result_str(MemTxResult r);

/* Who is accessing: the bus master's identity travels with the access. */
typedef struct MemTxAttrs {
    bool unspecified;       /* no bus master: a qtest or CPU-less access */
    bool secure;
    bool has_requester_id;
    uint16_t requester_id;  /* PCI requester ID (bus << 8 | devfn) */
    bool has_pasid;
    uint32_t pasid;         /* PCIe PASID / SMMU SubstreamID */
    bool has_device_id;
    uint32_t device_id;     /* a platform master's ITS DeviceID (its
                             * msi-parent cell), e.g. the SMMU's MSIs */
} MemTxAttrs;

#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs) { .unspecified = true })

/* Byte order of an MMIO region's callbacks (values are host integers). */
typedef enum DeviceEndian {
    DEVICE_NATIVE_ENDIAN,   /* the target's: little endian on arm64 */
    DEVICE_LITTLE_ENDIAN,
    DEVICE_BIG_ENDIAN,
} DeviceEndian;

typedef struct MemoryRegionOps {
    /*
     * Either the plain callbacks or the _with_attrs ones.  Offsets are
     * relative to the region; size is one of the impl sizes.
     */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    MemTxResult (*read_with_attrs)(void *opaque, hwaddr addr, uint64_t *data,
                                   unsigned size, MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs);
    DeviceEndian endianness;
    /* What a guest may do; anything else is MEMTX_DECODE_ERROR. */
    struct {
        unsigned min_access_size;   /* 0 means 1 */
        unsigned max_access_size;   /* 0 means 4 */
        bool unaligned;             /* allow addr % size != 0 */
    } valid;
    /* What the callbacks handle; the core splits or widens the rest. */
    struct {
        unsigned min_access_size;   /* 0 means 1 */
        unsigned max_access_size;   /* 0 means 4 */
        bool unaligned;
    } impl;
} MemoryRegionOps;

/* ---- IOMMU regions ---- */

typedef enum IOMMUAccessFlags {
    IOMMU_NONE = 0,
    IOMMU_RO = 1,
    IOMMU_WO = 2,
    IOMMU_RW = 3,
} IOMMUAccessFlags;

#define IOMMU_ACCESS_FLAG(r, w) (((r) ? IOMMU_RO : 0) | ((w) ? IOMMU_WO : 0))

/*
 * One translation: the naturally aligned block [iova, iova + addr_mask]
 * maps to [translated_addr, translated_addr + addr_mask] of target_as
 * with permissions perm.
 */
typedef struct IOMMUTLBEntry {
    AddressSpace *target_as;
    hwaddr iova;
    hwaddr translated_addr;
    hwaddr addr_mask;           /* e.g. 0xfff for a 4 KiB page */
    IOMMUAccessFlags perm;
} IOMMUTLBEntry;

typedef enum IOMMUNotifierFlag {
    IOMMU_NOTIFIER_NONE = 0,
    IOMMU_NOTIFIER_UNMAP = 1,   /* a mapping went away (invalidation) */
    IOMMU_NOTIFIER_MAP = 2,     /* a mapping appeared (shadowing users) */
    IOMMU_NOTIFIER_DEVIOTLB_UNMAP = 4, /* ATC invalidation */
} IOMMUNotifierFlag;

#define IOMMU_NOTIFIER_IOTLB_EVENTS (IOMMU_NOTIFIER_MAP | IOMMU_NOTIFIER_UNMAP)

typedef struct IOMMUTLBEvent {
    IOMMUNotifierFlag type;     /* exactly one of the flags */
    IOMMUTLBEntry entry;        /* for UNMAP: the range, perm IOMMU_NONE */
} IOMMUTLBEvent;

typedef void (*IOMMUNotify)(IOMMUNotifier *n, IOMMUTLBEntry *entry);

struct IOMMUNotifier {
    IOMMUNotify notify;
    IOMMUNotifierFlag notifier_flags;
    hwaddr start;               /* the IOVA range of interest, inclusive */
    hwaddr end;
    int iommu_idx;
    IOMMUMemoryRegion *iommu;   /* set while registered */
    GList link;                 /* private: the region's notifier list */
};

void iommu_notifier_init(IOMMUNotifier *n, IOMMUNotify fn,
                         IOMMUNotifierFlag flags, hwaddr start, hwaddr end,
                         int iommu_idx);

typedef struct IOMMUMemoryRegionOps {
    /*
     * Translate addr for an access of kind flag (IOMMU_RO: read,
     * IOMMU_WO: write) by the master in attrs (requester ID, PASID).
     * Fill *entry and return MEMTX_OK, or return MEMTX_IOMMU_FAULT when
     * the translation faulted (the IOMMU records the fault its own way,
     * e.g. an event record) and leave *entry alone.  The core checks
     * entry->perm against the access and returns MEMTX_ACCESS_DENIED when
     * it does not allow it.
     */
    MemTxResult (*translate)(IOMMUMemoryRegion *iommu, hwaddr addr,
                             IOMMUAccessFlags flag, MemTxAttrs attrs,
                             IOMMUTLBEntry *entry);
    /* The set of notifier flags in use changed (may refuse: false). */
    bool (*notify_flag_changed)(IOMMUMemoryRegion *iommu,
                                IOMMUNotifierFlag old_flags,
                                IOMMUNotifierFlag new_flags, Error **errp);
    /* Smallest page size the IOMMU maps (default 4 KiB). */
    uint64_t (*get_min_page_size)(IOMMUMemoryRegion *iommu);
    /* Replay the current mappings to a notifier just registered. */
    void (*replay)(IOMMUMemoryRegion *iommu, IOMMUNotifier *n);
} IOMMUMemoryRegionOps;

/* ---- regions ---- */

typedef enum MemoryRegionType {
    MR_CONTAINER,
    MR_RAM,
    MR_MMIO,
    MR_ALIAS,
    MR_IOMMU,
} MemoryRegionType;

struct MemoryRegion {
    /* all private: use the functions below */
    MemoryRegionType type;
    Object *owner;              /* not referenced; may be NULL */
    char *name;
    uint64_t size;              /* UINT64_MAX with size_is_2_64: 2^64 */
    bool size_is_2_64;
    bool readonly;
    bool enabled;
    /* RAM */
    void *ram_ptr;
    int ram_fd;                 /* memfd, or -1 for pointer-backed */
    bool ram_owned;             /* we mmap()ed it */
    /* MMIO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* alias */
    MemoryRegion *alias;
    hwaddr alias_offset;
    /* placement in a container */
    MemoryRegion *container;
    hwaddr addr;
    int priority;
    GList *subregions;          /* MemoryRegion *, highest priority first */
    unsigned alias_count;       /* aliases pointing at this region */
    unsigned as_count;          /* address spaces rooted here */
};

struct IOMMUMemoryRegion {
    MemoryRegion parent_obj;
    const IOMMUMemoryRegionOps *iommu_ops;
    void *opaque;
    GList *notifiers;           /* IOMMUNotifier *: private */
    IOMMUNotifierFlag iommu_notify_flags;
};

/* A container (no content of its own: unmapped parts read as zero). */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);
/* Guest RAM in a fresh memfd, mapped shared.  False + error on failure. */
bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* RAM the owner allocated (or mmap()ed from a device); not freed here. */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
void memory_region_init_iommu(IOMMUMemoryRegion *iommu, Object *owner,
                              const IOMMUMemoryRegionOps *ops, void *opaque,
                              const char *name, uint64_t size);
/*
 * Release what init allocated (the memfd mapping, the name).  A region
 * still in a container is removed from it first, and its own subregions
 * are detached (left unmapped, not destroyed).  No alias may still point
 * at it, no address space be rooted at it and, for IOMMU regions, no
 * notifier be registered: those are bugs of the owner and assert.
 */
void memory_region_destroy(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *container, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *container,
                                         hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *container,
                                 MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

const char *memory_region_name(const MemoryRegion *mr);
uint64_t memory_region_size(const MemoryRegion *mr);
Object *memory_region_owner(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);
bool memory_region_is_iommu(const MemoryRegion *mr);
bool memory_region_is_mapped(const MemoryRegion *mr);
/* Host pointer to the start of a RAM region (NULL for other kinds). */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* The memfd behind a RAM region, or -1. */
int memory_region_get_fd(const MemoryRegion *mr);

IOMMUMemoryRegion *memory_region_get_iommu(MemoryRegion *mr);

/* ---- IOMMU notifiers ---- */

/* Register n on iommu (may fail if the IOMMU refuses the flags). */
bool memory_region_register_iommu_notifier(MemoryRegion *mr,
                                           IOMMUNotifier *n, Error **errp);
void memory_region_unregister_iommu_notifier(MemoryRegion *mr,
                                             IOMMUNotifier *n);
/* Deliver event to every notifier whose flags and range match. */
void memory_region_notify_iommu(IOMMUMemoryRegion *iommu, int iommu_idx,
                                const IOMMUTLBEvent *event);
/* Deliver event to one notifier (if its flags and range match). */
void memory_region_notify_iommu_one(IOMMUNotifier *n,
                                    const IOMMUTLBEvent *event);
/* Call the IOMMU's replay hook for n (no-op if it has none). */
void memory_region_iommu_replay(IOMMUMemoryRegion *iommu, IOMMUNotifier *n);
uint64_t memory_region_iommu_get_min_page_size(IOMMUMemoryRegion *iommu);

/* ---- address spaces ---- */

struct AddressSpace {
    /* private */
    char *name;
    MemoryRegion *root;
    FlatView *current_map;      /* rebuilt when the topology changed */
    unsigned map_generation;
    GList *listeners;           /* MemoryListener *, by priority */
};

/* A piece of a leaf region as it appears in an address space. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;           /* RAM, MMIO or IOMMU; never an alias */
    AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    uint64_t size;
    bool readonly;
} MemoryRegionSection;

struct MemoryListener {
    /* Called around a batch of region_add/region_del. */
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener,
                       MemoryRegionSection *section);
    const char *name;
    int priority;               /* lower first on add, last on del */
    AddressSpace *address_space;    /* private: set while registered */
};

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);
const char *address_space_name(const AddressSpace *as);
MemoryRegion *address_space_root(const AddressSpace *as);

/*
 * Register a listener: region_add is called at once for every section
 * already present, and then for every change.  Unregister calls
 * region_del for everything present.
 */
void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

/* Changes between begin and commit are applied together at commit. */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/*
 * The leaf section at addr in as (through aliases, not through IOMMUs),
 * limited to at most len bytes; section.mr is NULL where nothing is
 * mapped.  Returns true if something is mapped.
 */
bool address_space_find_section(AddressSpace *as, hwaddr addr, uint64_t len,
                                MemoryRegionSection *section);

/* ---- accesses ---- */

/*
 * Copy len bytes from/to guest address addr.  The transfer goes region by
 * region; MMIO parts are done in the largest access sizes the region
 * accepts.  Stops at and returns the first failure (bytes of a failed
 * read read as zero; the bytes before it were transferred).
 */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len);
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr,
                             MemTxAttrs attrs, void *buf, hwaddr len,
                             bool is_write);
/* Fill len bytes at addr with c. */
MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len, MemTxAttrs attrs);

/*
 * One access of exactly size bytes (1, 2, 4 or 8), value as a host
 * integer in little-endian (guest) order.  This is what a CPU load or
 * store does (the qtest readX/writeX verbs are byte transfers instead).
 */
MemTxResult address_space_load(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, uint64_t *value,
                               unsigned size);
MemTxResult address_space_store(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, uint64_t value,
                                unsigned size);

/* Little-endian loads and stores (result may be NULL). */
uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result);
uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result);
void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result);

/*
 * Translate addr in as through any IOMMU regions on the way, for an
 * access of kind flag: the final address space and address in *out_as
 * and *out_addr, and in *plen (in: wanted, out: how far the result
 * holds).  Returns the leaf region's result: MEMTX_OK, MEMTX_IOMMU_FAULT,
 * MEMTX_ACCESS_DENIED or MEMTX_DECODE_ERROR.
 */
MemTxResult address_space_translate(AddressSpace *as, hwaddr addr,
                                    IOMMUAccessFlags flag, MemTxAttrs attrs,
                                    AddressSpace **out_as, hwaddr *out_addr,
                                    hwaddr *plen);

/* ---- the system address space ---- */

/* The root of guest-physical memory ("system", 2^64 bytes). */
MemoryRegion *get_system_memory(void);
/* The address space over it ("memory"). */
AddressSpace *address_space_memory_get(void);
#define address_space_memory (*address_space_memory_get())
/* Tear both down (at exit; everything must have been removed). */
void memory_system_teardown(void);

/* "info mtree"-style dump of an address space, for logs and tests. */
char *address_space_dump(AddressSpace *as);

#endif
