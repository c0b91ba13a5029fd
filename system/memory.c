/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The topology half of guest memory: MemoryRegions (RAM in memfds, MMIO,
 * containers, aliases, IOMMU regions), their placement in containers,
 * transactions, the flattening of an AddressSpace into a FlatView, the
 * MemoryListeners told about ranges that came and went, and the system
 * address space.  Accesses are in physmem.c, IOMMU notifiers in
 * memory-iommu.c.
 *
 * Rules this file implements (see docs/devel/memory.rst):
 *  - a higher priority wins where siblings overlap; at equal priority the
 *    sibling added last wins;
 *  - a container is transparent: where none of its subregions is, the
 *    regions below it (lower-priority siblings of the container) show
 *    through;
 *  - a topology change takes effect at the end of the outermost
 *    transaction (a change outside any transaction is its own one); the
 *    address spaces that have listeners are re-flattened and their
 *    listeners told at once, the others lazily on their next use.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qemu/log.h"
#include "system/memory.h"
#include "memory-internal.h"
#include "trace/trace-system.h"

/* 65-bit arithmetic for offsets of a 2^64 region placed at an offset. */
typedef __int128 Int128;

#define INT128_2_64 (((Int128)1) << 64)

/* Aliases and containers nested deeper than this are a loop. */
#define RENDER_MAX_DEPTH 64

static unsigned transaction_depth;
static bool transaction_pending;
static bool publishing;
/* Bumped each time pending changes are published; 0 is "never built". */
static unsigned topology_generation = 1;
static GList *address_spaces;

static MemoryRegion *system_memory;
static AddressSpace *system_as;

const char *memtx_result_str(MemTxResult r)
{
    switch (r) {
    case MEMTX_OK:
        return "ok";
    case MEMTX_DECODE_ERROR:
        return "decode-error";
    case MEMTX_IOMMU_FAULT:
        return "iommu-fault";
    case MEMTX_ACCESS_DENIED:
        return "access-denied";
    case MEMTX_ERROR:
        return "error";
    }
    return "unknown";
}

/* ---- sizes ---- */

static Int128 region_size128(const MemoryRegion *mr)
{
    return mr->size_is_2_64 ? INT128_2_64 : (Int128)mr->size;
}

/* UINT64_MAX stands for 2^64, as in QEMU. */
static void region_set_size_field(MemoryRegion *mr, uint64_t size)
{
    mr->size = size;
    mr->size_is_2_64 = size == UINT64_MAX;
}

/* "4 GiB", "1.5 MiB", "512 B": for messages about RAM sizes. */
static char *size_string(uint64_t size)
{
    static const char *const units[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
    };
    unsigned i = 0;
    double v = size;

    while (v >= 1024 && i + 1 < ARRAY_SIZE(units)) {
        v /= 1024;
        i++;
    }
    if (i == 0 || size % (1ULL << (10 * i)) == 0) {
        return g_strdup_printf("%.0f %s", v, units[i]);
    }
    return g_strdup_printf("%.3g %s", v, units[i]);
}

/* ---- initialisation and teardown ---- */

static void region_init_common(MemoryRegion *mr, Object *owner,
                               const char *name, uint64_t size,
                               MemoryRegionType type)
{
    memset(mr, 0, sizeof(*mr));
    mr->type = type;
    mr->owner = owner;
    mr->name = g_strdup(name);
    mr->enabled = true;
    mr->ram_fd = -1;
    region_set_size_field(mr, size);
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    region_init_common(mr, owner, name, size, MR_CONTAINER);
}

/* A host call failed while allocating RAM: say how much and for what. */
static void ram_alloc_error(Error **errp, int err, const char *call,
                            uint64_t size, const char *name)
{
    g_autofree char *what = size_string(size);

    error_setg_errno(errp, err, "cannot allocate %s of guest RAM for '%s'"
                     "%s%s", what, name ? name : "", call ? ": " : "",
                     call ? call : "");
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    char fdname[250];
    void *ptr;
    int fd;

    /* A failed init leaves an empty container that destroy accepts. */
    memset(mr, 0, sizeof(*mr));
    mr->ram_fd = -1;
    if (size == 0) {
        error_setg(errp, "cannot allocate guest RAM for '%s': size is zero",
                   name ? name : "");
        return false;
    }
    /* ftruncate takes an off_t, mmap a size_t; 2^64 fits in neither. */
    if (size > (uint64_t)INT64_MAX) {
        ram_alloc_error(errp, EFBIG, NULL, size, name);
        return false;
    }
    g_strlcpy(fdname, name && *name ? name : "guest-ram", sizeof(fdname));
    fd = memfd_create(fdname, MFD_CLOEXEC);
    if (fd < 0) {
        ram_alloc_error(errp, errno, "memfd_create", size, name);
        return false;
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        ram_alloc_error(errp, errno, "ftruncate", size, name);
        goto close_fd;
    }
    ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ptr == MAP_FAILED) {
        ram_alloc_error(errp, errno, "mmap", size, name);
        goto close_fd;
    }
    region_init_common(mr, owner, name, size, MR_RAM);
    mr->ram_ptr = ptr;
    mr->ram_fd = fd;
    mr->ram_owned = true;
    trace_memory_region_ram_alloc(name ? name : "", size, fd);
    return true;

close_fd:
    close(fd);
    return false;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    region_init_common(mr, owner, name, size, MR_RAM);
    mr->ram_ptr = ptr;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    g_assert(ops);
    region_init_common(mr, owner, name, size, MR_MMIO);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    g_assert(orig && orig != mr);
    region_init_common(mr, owner, name, size, MR_ALIAS);
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_count++;
}

void memory_region_init_iommu(IOMMUMemoryRegion *iommu, Object *owner,
                              const IOMMUMemoryRegionOps *ops, void *opaque,
                              const char *name, uint64_t size)
{
    g_assert(ops && ops->translate);
    memset(iommu, 0, sizeof(*iommu));
    region_init_common(&iommu->parent_obj, owner, name, size, MR_IOMMU);
    iommu->iommu_ops = ops;
    iommu->opaque = opaque;
}

static bool flatview_references(const FlatView *fv, const MemoryRegion *mr);
static void flatview_free(FlatView *fv);
static void memory_publish(void);

/*
 * No view may keep a pointer to a region about to be freed.  Views of
 * address spaces without listeners are simply dropped (rebuilt on next
 * use); inside a transaction, the listeners of a view still showing the
 * region are told now, before its memory goes away.
 */
static void forget_region(MemoryRegion *mr)
{
    GList *l;

    if (transaction_depth > 0 && !publishing) {
        for (l = address_spaces; l; l = l->next) {
            AddressSpace *as = l->data;

            if (as->listeners && flatview_references(as->current_map, mr)) {
                memory_publish();
                break;
            }
        }
    }
    for (l = address_spaces; l; l = l->next) {
        AddressSpace *as = l->data;

        if (!as->listeners && flatview_references(as->current_map, mr)) {
            flatview_free(as->current_map);
            as->current_map = NULL;
        }
    }
}

void memory_region_destroy(MemoryRegion *mr)
{
    GList *l;

    g_assert(mr->alias_count == 0);
    g_assert(mr->as_count == 0);
    if (mr->type == MR_IOMMU) {
        IOMMUMemoryRegion *iommu = container_of(mr, IOMMUMemoryRegion,
                                                parent_obj);

        g_assert(!iommu->notifiers);
    }

    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    for (l = mr->subregions; l; l = l->next) {
        MemoryRegion *sub = l->data;

        sub->container = NULL;
    }
    if (mr->subregions) {
        g_list_free(mr->subregions);
        mr->subregions = NULL;
        transaction_pending = true;
    }
    if (mr->alias) {
        mr->alias->alias_count--;
        mr->alias = NULL;
    }
    memory_region_transaction_commit();
    forget_region(mr);

    if (mr->ram_owned) {
        munmap(mr->ram_ptr, mr->size);
    }
    if (mr->ram_fd >= 0) {
        close(mr->ram_fd);
    }
    g_free(mr->name);
    memset(mr, 0, sizeof(*mr));
    mr->ram_fd = -1;
}

/* ---- placement ---- */

static void topology_changed(void)
{
    memory_region_transaction_begin();
    transaction_pending = true;
    memory_region_transaction_commit();
}

static bool region_is_ancestor(const MemoryRegion *mr,
                               const MemoryRegion *of)
{
    for (; of; of = of->container) {
        if (of == mr) {
            return true;
        }
    }
    return false;
}

void memory_region_add_subregion_overlap(MemoryRegion *container,
                                         hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    GList *l;

    g_assert(!subregion->container);
    g_assert(container->type != MR_ALIAS);
    g_assert(!region_is_ancestor(subregion, container));

    subregion->container = container;
    subregion->addr = offset;
    subregion->priority = priority;
    /*
     * Highest priority first; the newcomer goes before its equals, so
     * the region added last wins among equal priorities.
     */
    for (l = container->subregions; l; l = l->next) {
        MemoryRegion *other = l->data;

        if (other->priority <= priority) {
            break;
        }
    }
    container->subregions = g_list_insert_before(container->subregions, l,
                                                 subregion);
    trace_memory_region_add_subregion(memory_region_name(container),
                                      memory_region_name(subregion),
                                      offset, priority);
    topology_changed();
}

void memory_region_add_subregion(MemoryRegion *container, hwaddr offset,
                                 MemoryRegion *subregion)
{
    memory_region_add_subregion_overlap(container, offset, subregion, 0);
}

void memory_region_del_subregion(MemoryRegion *container,
                                 MemoryRegion *subregion)
{
    g_assert(subregion->container == container);
    container->subregions = g_list_remove(container->subregions,
                                          subregion);
    subregion->container = NULL;
    trace_memory_region_del_subregion(memory_region_name(container),
                                      memory_region_name(subregion));
    topology_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        topology_changed();
    }
}

/* Moving a region keeps its place among siblings of equal priority. */
void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (mr->addr != addr) {
        mr->addr = addr;
        topology_changed();
    }
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    /* RAM is host memory of the size it was created with. */
    if (mr->type == MR_RAM && size != mr->size &&
        (mr->ram_owned || size > mr->size)) {
        error_report("memory region '%s': cannot resize RAM from 0x%"
                     PRIx64 " to 0x%" PRIx64 " bytes",
                     memory_region_name(mr), mr->size, size);
        return;
    }
    if (mr->size != size) {
        region_set_size_field(mr, size);
        topology_changed();
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    g_assert(mr->type == MR_ALIAS);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        topology_changed();
    }
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        topology_changed();
    }
}

/* ---- queries ---- */

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    return mr->size;
}

Object *memory_region_owner(const MemoryRegion *mr)
{
    return mr->owner;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->type == MR_RAM;
}

bool memory_region_is_iommu(const MemoryRegion *mr)
{
    while (mr->type == MR_ALIAS) {
        mr = mr->alias;
    }
    return mr->type == MR_IOMMU;
}

/* In a container (as in QEMU, being an address space's root is not). */
bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container != NULL;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->type == MR_ALIAS) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (mr->type != MR_RAM || !mr->ram_ptr) {
        return NULL;
    }
    return (uint8_t *)mr->ram_ptr + offset;
}

int memory_region_get_fd(const MemoryRegion *mr)
{
    while (mr->type == MR_ALIAS) {
        mr = mr->alias;
    }
    return mr->type == MR_RAM ? mr->ram_fd : -1;
}

IOMMUMemoryRegion *memory_region_get_iommu(MemoryRegion *mr)
{
    while (mr->type == MR_ALIAS) {
        mr = mr->alias;
    }
    if (mr->type != MR_IOMMU) {
        return NULL;
    }
    return container_of(mr, IOMMUMemoryRegion, parent_obj);
}

/* ---- flattening ---- */

static void flatview_free(FlatView *fv)
{
    if (fv) {
        g_free(fv->ranges);
        g_free(fv);
    }
}

static bool flatview_references(const FlatView *fv, const MemoryRegion *mr)
{
    unsigned i;

    for (i = 0; fv && i < fv->nr; i++) {
        if (fv->ranges[i].mr == mr) {
            return true;
        }
    }
    return false;
}

static void flatview_insert(FlatView *fv, unsigned pos, const FlatRange *r)
{
    if (fv->nr == fv->alloc) {
        fv->alloc = MAX(8, fv->alloc * 2);
        fv->ranges = g_renew(FlatRange, fv->ranges, fv->alloc);
    }
    memmove(&fv->ranges[pos + 1], &fv->ranges[pos],
            (fv->nr - pos) * sizeof(FlatRange));
    fv->ranges[pos] = *r;
    fv->nr++;
}

/*
 * Add [start, end) of leaf mr (whose offset 0 is at base) where nothing
 * is yet: regions are rendered highest priority first, so what is
 * already there wins.
 */
static void flatview_fill(FlatView *fv, MemoryRegion *mr, Int128 base,
                          Int128 start, Int128 end, bool readonly)
{
    Int128 cur = start;
    unsigned i = 0;

    while (cur < end) {
        Int128 gap_end = end;
        FlatRange r;

        /* Skip ranges wholly before cur; stop at one covering cur. */
        while (i < fv->nr && (Int128)fv->ranges[i].last < cur) {
            i++;
        }
        if (i < fv->nr && (Int128)fv->ranges[i].start <= cur) {
            cur = (Int128)fv->ranges[i].last + 1;
            i++;
            continue;
        }
        if (i < fv->nr && (Int128)fv->ranges[i].start < gap_end) {
            gap_end = fv->ranges[i].start;
        }
        r = (FlatRange) {
            .start = (hwaddr)cur,
            .last = (hwaddr)(gap_end - 1),
            .mr = mr,
            .offset_in_region = (hwaddr)(cur - base),
            .readonly = readonly,
        };
        flatview_insert(fv, i, &r);
        i++;
        cur = gap_end;
    }
}

static void render_region(FlatView *fv, MemoryRegion *mr, Int128 base,
                          Int128 clip_start, Int128 clip_end, bool readonly,
                          unsigned depth)
{
    Int128 start = MAX(clip_start, base);
    Int128 end = MIN(clip_end, base + region_size128(mr));
    GList *l;

    if (!mr->enabled || start >= end) {
        return;
    }
    if (depth > RENDER_MAX_DEPTH) {
        error_report("memory region '%s': aliases or containers nest "
                     "deeper than %d levels (a loop?); not mapped",
                     memory_region_name(mr), RENDER_MAX_DEPTH);
        return;
    }
    readonly |= mr->readonly;
    if (mr->type == MR_ALIAS) {
        render_region(fv, mr->alias, base - (Int128)mr->alias_offset,
                      start, end, readonly, depth + 1);
        return;
    }
    for (l = mr->subregions; l; l = l->next) {
        MemoryRegion *sub = l->data;

        render_region(fv, sub, base + (Int128)sub->addr, start, end,
                      readonly, depth + 1);
    }
    if (mr->type != MR_CONTAINER) {
        flatview_fill(fv, mr, base, start, end, readonly);
    }
}

/* Merge neighbours that continue the same region (e.g. split then
 * rejoined) so listeners see one section. */
static void flatview_simplify(FlatView *fv)
{
    unsigned i, j = 0;

    for (i = 0; i < fv->nr; i++) {
        FlatRange *prev = j ? &fv->ranges[j - 1] : NULL;
        FlatRange *r = &fv->ranges[i];

        if (prev && prev->mr == r->mr && prev->readonly == r->readonly &&
            prev->last + 1 == r->start &&
            prev->offset_in_region + (prev->last - prev->start) + 1 ==
            r->offset_in_region) {
            prev->last = r->last;
        } else {
            fv->ranges[j++] = *r;
        }
    }
    fv->nr = j;
}

static FlatView *flatview_render(MemoryRegion *root)
{
    FlatView *fv = g_new0(FlatView, 1);

    render_region(fv, root, 0, 0, INT128_2_64, false, 0);
    flatview_simplify(fv);
    return fv;
}

const FlatRange *flatview_lookup(const FlatView *fv, hwaddr addr,
                                 hwaddr *gap_last)
{
    unsigned lo = 0, hi = fv ? fv->nr : 0;

    /* First range with last >= addr. */
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (fv->ranges[mid].last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < (fv ? fv->nr : 0)) {
        if (fv->ranges[lo].start <= addr) {
            return &fv->ranges[lo];
        }
        if (gap_last) {
            *gap_last = fv->ranges[lo].start - 1;
        }
        return NULL;
    }
    if (gap_last) {
        *gap_last = HWADDR_MAX;
    }
    return NULL;
}

/* ---- listeners ---- */

static void section_from_range(MemoryRegionSection *s, AddressSpace *as,
                               const FlatRange *r)
{
    uint64_t span = r->last - r->start;

    *s = (MemoryRegionSection) {
        .mr = r->mr,
        .as = as,
        .offset_within_region = r->offset_in_region,
        .offset_within_address_space = r->start,
        /* A range of 2^64 bytes is reported one byte short. */
        .size = span == UINT64_MAX ? UINT64_MAX : span + 1,
        .readonly = r->readonly,
    };
}

static bool flatview_has_range(const FlatView *fv, const FlatRange *r)
{
    const FlatRange *o = flatview_lookup(fv, r->start, NULL);

    return o && o->start == r->start && o->last == r->last &&
           o->mr == r->mr && o->offset_in_region == r->offset_in_region &&
           o->readonly == r->readonly;
}

static void listeners_call(AddressSpace *as, bool reverse,
                           void (*fn)(MemoryListener *, void *), void *arg)
{
    GList *l = reverse ? g_list_last(as->listeners) : as->listeners;

    for (; l; l = reverse ? l->prev : l->next) {
        fn(l->data, arg);
    }
}

static void call_begin(MemoryListener *ml, void *arg)
{
    if (ml->begin) {
        ml->begin(ml);
    }
}

static void call_commit(MemoryListener *ml, void *arg)
{
    if (ml->commit) {
        ml->commit(ml);
    }
}

static void call_add(MemoryListener *ml, void *arg)
{
    MemoryRegionSection *s = arg;

    if (ml->region_add) {
        trace_memory_listener_region_add(ml->name ? ml->name : "",
                                         memory_region_name(s->mr),
                                         s->offset_within_address_space,
                                         s->size);
        ml->region_add(ml, s);
    }
}

static void call_del(MemoryListener *ml, void *arg)
{
    MemoryRegionSection *s = arg;

    if (ml->region_del) {
        trace_memory_listener_region_del(ml->name ? ml->name : "",
                                         memory_region_name(s->mr),
                                         s->offset_within_address_space,
                                         s->size);
        ml->region_del(ml, s);
    }
}

/* Tell the listeners of as what differs between old and new. */
static void listeners_diff(AddressSpace *as, const FlatView *old,
                           const FlatView *new)
{
    MemoryRegionSection s;
    bool begun = false;
    unsigned i;

    for (i = 0; old && i < old->nr; i++) {
        if (!flatview_has_range(new, &old->ranges[i])) {
            if (!begun) {
                listeners_call(as, false, call_begin, NULL);
                begun = true;
            }
            section_from_range(&s, as, &old->ranges[i]);
            listeners_call(as, true, call_del, &s);
        }
    }
    for (i = 0; i < new->nr; i++) {
        if (!old || !flatview_has_range(old, &new->ranges[i])) {
            if (!begun) {
                listeners_call(as, false, call_begin, NULL);
                begun = true;
            }
            section_from_range(&s, as, &new->ranges[i]);
            listeners_call(as, false, call_add, &s);
        }
    }
    if (begun) {
        listeners_call(as, false, call_commit, NULL);
    }
}

static void address_space_update(AddressSpace *as)
{
    FlatView *old = as->current_map;
    FlatView *new = flatview_render(as->root);

    as->current_map = new;
    as->map_generation = topology_generation;
    trace_memory_flatview_update(address_space_name(as), new->nr);
    if (as->listeners) {
        listeners_diff(as, old, new);
    }
    flatview_free(old);
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    if (!as->current_map || as->map_generation != topology_generation) {
        address_space_update(as);
    }
    return as->current_map;
}

/*
 * Make pending changes visible: a new generation, and the address spaces
 * with listeners re-flattened now.  Changes made by listeners while they
 * are told are published in a further round.
 */
static void memory_publish(void)
{
    GList *l;

    publishing = true;
    transaction_depth++;
    do {
        transaction_pending = false;
        topology_generation++;
        if (topology_generation == 0) {
            topology_generation = 1;
        }
        for (l = address_spaces; l; l = l->next) {
            AddressSpace *as = l->data;

            if (as->listeners) {
                address_space_update(as);
            }
        }
    } while (transaction_pending);
    transaction_depth--;
    publishing = false;
}

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    g_assert(transaction_depth > 0);
    transaction_depth--;
    if (transaction_depth == 0 && transaction_pending) {
        memory_publish();
    }
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    FlatView *fv = address_space_get_flatview(as);
    MemoryRegionSection s;
    unsigned i;
    GList *l;

    g_assert(!listener->address_space);
    /* By priority; equal priorities in registration order. */
    for (l = as->listeners; l; l = l->next) {
        MemoryListener *other = l->data;

        if (other->priority > listener->priority) {
            break;
        }
    }
    as->listeners = g_list_insert_before(as->listeners, l, listener);
    listener->address_space = as;
    call_begin(listener, NULL);
    for (i = 0; i < fv->nr; i++) {
        section_from_range(&s, as, &fv->ranges[i]);
        call_add(listener, &s);
    }
    call_commit(listener, NULL);
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    FlatView *fv;
    MemoryRegionSection s;
    unsigned i;

    if (!as) {
        return;
    }
    /* The view the listener was last told about. */
    fv = as->current_map;
    call_begin(listener, NULL);
    for (i = fv ? fv->nr : 0; i > 0; i--) {
        section_from_range(&s, as, &fv->ranges[i - 1]);
        call_del(listener, &s);
    }
    call_commit(listener, NULL);
    as->listeners = g_list_remove(as->listeners, listener);
    listener->address_space = NULL;
}

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->root = root;
    root->as_count++;
    address_spaces = g_list_append(address_spaces, as);
}

/* Listeners still registered are unregistered (and told region_del). */
void address_space_destroy(AddressSpace *as)
{
    while (as->listeners) {
        memory_listener_unregister(as->listeners->data);
    }
    address_spaces = g_list_remove(address_spaces, as);
    as->root->as_count--;
    flatview_free(as->current_map);
    g_free(as->name);
    memset(as, 0, sizeof(*as));
}

const char *address_space_name(const AddressSpace *as)
{
    return as->name ? as->name : "";
}

MemoryRegion *address_space_root(const AddressSpace *as)
{
    return as->root;
}

/* min(len, last - addr + 1) without overflowing at the top of the space */
static uint64_t clamp_len(hwaddr addr, hwaddr last, uint64_t len)
{
    if (len == 0 || len - 1 <= last - addr) {
        return len;
    }
    return last - addr + 1;
}

bool address_space_find_section(AddressSpace *as, hwaddr addr, uint64_t len,
                                MemoryRegionSection *section)
{
    FlatView *fv = address_space_get_flatview(as);
    hwaddr gap_last = HWADDR_MAX;
    const FlatRange *r = flatview_lookup(fv, addr, &gap_last);

    if (!r) {
        *section = (MemoryRegionSection) {
            .as = as,
            .offset_within_address_space = addr,
            .size = clamp_len(addr, gap_last, len),
        };
        return false;
    }
    *section = (MemoryRegionSection) {
        .mr = r->mr,
        .as = as,
        .offset_within_region = r->offset_in_region + (addr - r->start),
        .offset_within_address_space = addr,
        .size = clamp_len(addr, r->last, len),
        .readonly = r->readonly,
    };
    return true;
}

/* ---- the system address space ---- */

MemoryRegion *get_system_memory(void)
{
    if (!system_memory) {
        system_memory = g_new0(MemoryRegion, 1);
        memory_region_init(system_memory, NULL, "system", UINT64_MAX);
    }
    return system_memory;
}

AddressSpace *address_space_memory_get(void)
{
    if (!system_as) {
        system_as = g_new0(AddressSpace, 1);
        address_space_init(system_as, get_system_memory(), "memory");
    }
    return system_as;
}

void memory_system_teardown(void)
{
    if (system_as) {
        address_space_destroy(system_as);
        g_clear_pointer(&system_as, g_free);
    }
    if (system_memory) {
        memory_region_destroy(system_memory);
        g_clear_pointer(&system_memory, g_free);
    }
}

/* ---- dump ---- */

static const char *range_kind(const FlatRange *r)
{
    switch (r->mr->type) {
    case MR_RAM:
        return r->readonly ? "rom" : "ram";
    case MR_MMIO:
        return r->readonly ? "i/o, readonly" : "i/o";
    case MR_IOMMU:
        return "iommu";
    default:
        return "?";
    }
}

char *address_space_dump(AddressSpace *as)
{
    FlatView *fv = address_space_get_flatview(as);
    GString *out = g_string_new(NULL);
    unsigned i;

    g_string_append_printf(out, "address-space: %s\n",
                           address_space_name(as));
    if (fv->nr == 0) {
        g_string_append(out, "  (nothing mapped)\n");
    }
    for (i = 0; i < fv->nr; i++) {
        const FlatRange *r = &fv->ranges[i];

        g_string_append_printf(out, "  %016" PRIx64 "-%016" PRIx64
                               " (%s) %s", r->start, r->last,
                               range_kind(r), memory_region_name(r->mr));
        if (r->offset_in_region) {
            g_string_append_printf(out, " @0x%" PRIx64,
                                   r->offset_in_region);
        }
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, false);
}
