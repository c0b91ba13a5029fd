/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the region/topology half of the memory subsystem (memory.c) shares
 * with the access half (physmem.c): the flattened view of an address
 * space and how to look an address up in it.  Nothing outside system/
 * includes this.
 */
#ifndef SYSTEM_MEMORY_INTERNAL_H
#define SYSTEM_MEMORY_INTERNAL_H

#include "system/memory.h"

/*
 * One piece of a leaf region as it appears in an address space.  Ranges
 * are inclusive ([start, last]) so that a range reaching the top of the
 * 64-bit space needs no 65-bit arithmetic.
 */
typedef struct FlatRange {
    hwaddr start;
    hwaddr last;
    MemoryRegion *mr;           /* RAM, MMIO or IOMMU leaf */
    hwaddr offset_in_region;    /* of start */
    bool readonly;
} FlatRange;

/* Sorted by start, non-overlapping. */
struct FlatView {
    FlatRange *ranges;
    unsigned nr;
    unsigned alloc;
};

/* Nesting limit of IOMMU translations (a loop must not hang or crash). */
#define MEMORY_IOMMU_MAX_DEPTH 16

/*
 * The view of as for dispatch, rebuilt first if the topology changed
 * since it was built.  Valid until the next topology change: do not keep
 * it across callbacks into devices.
 */
FlatView *address_space_get_flatview(AddressSpace *as);

/*
 * The range containing addr, or NULL; in that case *gap_last (if not
 * NULL) is set to the last address of the hole addr is in.
 */
const FlatRange *flatview_lookup(const FlatView *fv, hwaddr addr,
                                 hwaddr *gap_last);

#endif
