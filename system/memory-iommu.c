/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOMMU notifiers: who wants to hear about mappings of an IOMMU region
 * coming and going (vfio shadowing the guest's tables, device TLBs), the
 * notifier flags the IOMMU model is told about (it may refuse), and the
 * delivery of MAP/UNMAP events clipped to each notifier's IOVA range.
 * A notifier may unregister itself, or another one, from its callback.
 */
#include "qemu/osdep.h"
#include "system/memory.h"
#include "trace/trace-system.h"

/*
 * Deliveries in progress, innermost first.  Unregistering a notifier
 * moves any cursor that points at it to the next one, so a callback may
 * unregister (and free) itself or any other notifier.
 */
typedef struct NotifyCursor {
    GList *next;
    struct NotifyCursor *outer;
} NotifyCursor;

static NotifyCursor *notify_cursors;

void iommu_notifier_init(IOMMUNotifier *n, IOMMUNotify fn,
                         IOMMUNotifierFlag flags, hwaddr start, hwaddr end,
                         int iommu_idx)
{
    memset(n, 0, sizeof(*n));
    n->notify = fn;
    n->notifier_flags = flags;
    n->start = start;
    n->end = end;
    n->iommu_idx = iommu_idx;
}

/* The union of the flags of the notifiers registered on iommu. */
static IOMMUNotifierFlag iommu_notifiers_flags(IOMMUMemoryRegion *iommu)
{
    IOMMUNotifierFlag flags = IOMMU_NOTIFIER_NONE;
    GList *l;

    for (l = iommu->notifiers; l; l = l->next) {
        IOMMUNotifier *n = l->data;

        flags |= n->notifier_flags;
    }
    return flags;
}

bool memory_region_register_iommu_notifier(MemoryRegion *mr,
                                           IOMMUNotifier *n, Error **errp)
{
    IOMMUMemoryRegion *iommu = memory_region_get_iommu(mr);
    IOMMUNotifierFlag old_flags, new_flags;

    if (!iommu) {
        error_setg(errp, "memory region '%s' is not an IOMMU region",
                   memory_region_name(mr));
        return false;
    }
    g_assert(!n->iommu);
    if (n->notifier_flags == IOMMU_NOTIFIER_NONE) {
        error_setg(errp, "IOMMU notifier on '%s' listens to no event",
                   memory_region_name(mr));
        return false;
    }
    if (n->start > n->end) {
        error_setg(errp, "IOMMU notifier on '%s': empty range 0x%" PRIx64
                   "-0x%" PRIx64, memory_region_name(mr), n->start, n->end);
        return false;
    }
    old_flags = iommu->iommu_notify_flags;
    new_flags = old_flags | n->notifier_flags;
    if (new_flags != old_flags && iommu->iommu_ops->notify_flag_changed &&
        !iommu->iommu_ops->notify_flag_changed(iommu, old_flags, new_flags,
                                               errp)) {
        return false;
    }
    iommu->iommu_notify_flags = new_flags;
    n->iommu = iommu;
    n->link.data = n;
    n->link.next = NULL;
    n->link.prev = NULL;
    iommu->notifiers = g_list_insert_before_link(iommu->notifiers, NULL,
                                                 &n->link);
    trace_memory_iommu_notifier_register(memory_region_name(mr),
                                         n->notifier_flags, n->start,
                                         n->end);
    return true;
}

void memory_region_unregister_iommu_notifier(MemoryRegion *mr,
                                             IOMMUNotifier *n)
{
    IOMMUMemoryRegion *iommu = n->iommu;
    IOMMUNotifierFlag old_flags, new_flags;
    NotifyCursor *c;

    if (!iommu) {
        return;
    }
    g_assert(iommu == memory_region_get_iommu(mr));
    for (c = notify_cursors; c; c = c->outer) {
        if (c->next == &n->link) {
            c->next = n->link.next;
        }
    }
    iommu->notifiers = g_list_remove_link(iommu->notifiers, &n->link);
    n->iommu = NULL;
    old_flags = iommu->iommu_notify_flags;
    new_flags = iommu_notifiers_flags(iommu);
    iommu->iommu_notify_flags = new_flags;
    trace_memory_iommu_notifier_unregister(memory_region_name(mr),
                                           n->notifier_flags);
    /* Dropping interest cannot be refused. */
    if (new_flags != old_flags && iommu->iommu_ops->notify_flag_changed) {
        iommu->iommu_ops->notify_flag_changed(iommu, old_flags, new_flags,
                                              NULL);
    }
}

void memory_region_notify_iommu_one(IOMMUNotifier *n,
                                    const IOMMUTLBEvent *event)
{
    const IOMMUTLBEntry *e = &event->entry;
    hwaddr e_last = e->iova + e->addr_mask;
    IOMMUTLBEntry tmp;

    if (!(n->notifier_flags & event->type)) {
        return;
    }
    if (e_last < e->iova) {
        e_last = HWADDR_MAX;
    }
    if (n->start > e_last || n->end < e->iova) {
        return;
    }
    /*
     * Clip the event to the notifier's range, as QEMU does for
     * invalidations: a notifier only ever hears about its own range.
     */
    tmp = *e;
    if (tmp.iova < n->start) {
        if (event->type == IOMMU_NOTIFIER_MAP) {
            tmp.translated_addr += n->start - tmp.iova;
        }
        tmp.iova = n->start;
    }
    tmp.addr_mask = MIN(e_last, n->end) - tmp.iova;
    trace_memory_iommu_notify(n->iommu ? memory_region_name(
                                  &n->iommu->parent_obj) : "",
                              event->type, tmp.iova, tmp.addr_mask);
    n->notify(n, &tmp);
}

void memory_region_notify_iommu(IOMMUMemoryRegion *iommu, int iommu_idx,
                                const IOMMUTLBEvent *event)
{
    NotifyCursor cursor = { .next = iommu->notifiers,
                            .outer = notify_cursors };

    notify_cursors = &cursor;
    while (cursor.next) {
        IOMMUNotifier *n = cursor.next->data;

        cursor.next = cursor.next->next;
        if (n->iommu_idx == iommu_idx) {
            memory_region_notify_iommu_one(n, event);
        }
    }
    notify_cursors = cursor.outer;
}

void memory_region_iommu_replay(IOMMUMemoryRegion *iommu, IOMMUNotifier *n)
{
    if (iommu->iommu_ops->replay) {
        iommu->iommu_ops->replay(iommu, n);
    }
}

uint64_t memory_region_iommu_get_min_page_size(IOMMUMemoryRegion *iommu)
{
    if (iommu->iommu_ops->get_min_page_size) {
        return iommu->iommu_ops->get_min_page_size(iommu);
    }
    return 4 * KiB;
}
