/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated IOAS (uAPI 1.5-1.11, 1.13): a sorted array of disjoint
 * areas, the reserved ranges with their owners (devices' SW_MSI windows,
 * HWPT apertures), the allowed list, the IOVA alignment that grows with
 * the domains (HWPTs) on the IOAS, automatic IOVA allocation, and the
 * IOAS ioctls with Linux's errno and check order.  As in Linux, pages are
 * pinned only once the IOAS has a domain: a map without one does not
 * look at the memory, and adding the first domain is when a bad user VA
 * or an unpinnable file fails.  The simulated hardware reaches DMA
 * targets through hs_ioas_translate().
 */
#include "hostsim-int.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HS_THP_SIZE     (2ULL << 20)    /* HPAGE_SIZE: THP is configured */
#define HS_MAP_FLAGS    (IOMMU_IOAS_MAP_FIXED_IOVA | \
                         IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)
#define HS_MAP_RW       (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

/* An inclusive range; the uAPI's own struct, so holes copy out as is. */
typedef struct iommu_iova_range HSRange;

/* What an area maps: a slice of user memory or of a file (iopt_pages). */
typedef struct HSMapSrc {
    bool is_file;
    uint8_t *uva;           /* user: VA of the first byte */
    int fd;                 /* file: the fd to dup for the new area */
    uint64_t offset;        /* file: offset of the first byte */
    uint64_t length;
    bool writable, pinnable;
} HSMapSrc;

static uint64_t hs_pow2_roundup(uint64_t v)
{
    uint64_t p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

static uint64_t hs_lowbit(uint64_t v)
{
    return v & -v;
}

static HSIoas *hs_ioas_get(HSIctx *ictx, uint32_t id, int *rc)
{
    return (HSIoas *)hs_obj_get(ictx, id, HS_OBJ_IOAS, rc);
}

/* ---- range helpers ---------------------------------------------------- */

static gint hs_range_cmp(gconstpointer a, gconstpointer b)
{
    const HSRange *x = a, *y = b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    return x->last < y->last ? -1 : x->last > y->last;
}

static void hs_range_add(GArray *out, uint64_t start, uint64_t last,
                         uint64_t lo, uint64_t hi)
{
    HSRange r;

    if (last < lo || start > hi) {
        return;
    }
    r.start = MAX(start, lo);
    r.last = MIN(last, hi);
    g_array_append_val(out, r);
}

/* Sort ranges and merge the overlapping or adjacent ones (the "used"
 * spans of an interval tree). */
static void hs_range_merge(GArray *r)
{
    guint w = 0;

    g_array_sort(r, hs_range_cmp);
    for (guint i = 0; i < r->len; i++) {
        HSRange *cur = &g_array_index(r, HSRange, i);

        if (w > 0) {
            HSRange *prev = &g_array_index(r, HSRange, w - 1);

            if (prev->last == UINT64_MAX || cur->start <= prev->last + 1) {
                prev->last = MAX(prev->last, cur->last);
                continue;
            }
        }
        g_array_index(r, HSRange, w++) = *cur;
    }
    g_array_set_size(r, w);
}

/* The holes of merged, sorted used spans within [lo, hi]. */
static GArray *hs_range_holes(GArray *used, uint64_t lo, uint64_t hi)
{
    GArray *holes = g_array_new(FALSE, FALSE, sizeof(HSRange));
    uint64_t cur = lo;

    for (guint i = 0; i < used->len; i++) {
        HSRange *u = &g_array_index(used, HSRange, i);

        if (u->start > cur) {
            hs_range_add(holes, cur, u->start - 1, lo, hi);
        }
        if (u->last >= hi) {
            return holes;
        }
        cur = MAX(cur, u->last + 1);
    }
    hs_range_add(holes, cur, hi, lo, hi);
    return holes;
}

static bool hs_intersects(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
    return s1 <= l2 && s2 <= l1;
}

/* ---- areas ------------------------------------------------------------ */

static uint64_t hs_area_last(const HSArea *a)
{
    return a->iova + (a->length - 1);
}

/* Index of the first area whose last byte is >= iova. */
static guint hs_area_lower_bound(HSIoas *ioas, uint64_t iova)
{
    guint lo = 0, hi = ioas->areas->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (hs_area_last(&g_array_index(ioas->areas, HSArea, mid)) < iova) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* The first area intersecting [start, last], or NULL. */
static HSArea *hs_area_first(HSIoas *ioas, uint64_t start, uint64_t last,
                             guint *index)
{
    guint i = hs_area_lower_bound(ioas, start);
    HSArea *a;

    if (i >= ioas->areas->len) {
        return NULL;
    }
    a = &g_array_index(ioas->areas, HSArea, i);
    if (a->iova > last) {
        return NULL;
    }
    if (index) {
        *index = i;
    }
    return a;
}

static bool hs_reserved_hit(HSIoas *ioas, uint64_t start, uint64_t last)
{
    for (guint i = 0; i < ioas->reserved->len; i++) {
        HSReserved *r = &g_array_index(ioas->reserved, HSReserved, i);

        if (hs_intersects(r->start, r->last, start, last)) {
            return true;
        }
    }
    return false;
}

static bool hs_allowed_hit(GArray *allowed, uint64_t start, uint64_t last)
{
    for (guint i = 0; i < allowed->len; i++) {
        struct iommu_iova_range *r =
            &g_array_index(allowed, struct iommu_iova_range, i);

        if (hs_intersects(r->start, r->last, start, last)) {
            return true;
        }
    }
    return false;
}

static uint64_t hs_area_page_offset(const HSArea *a)
{
    if (a->memfd >= 0) {
        return a->file_start % HS_PAGE_SIZE;
    }
    return (uint64_t)(uintptr_t)a->hva % HS_PAGE_SIZE;
}

static void hs_area_release(HSArea *a)
{
    if (a->file_map) {
        hs_real.munmap(a->file_map, a->file_map_len);
        a->file_map = NULL;
    }
    if (a->memfd >= 0) {
        hs_real.close(a->memfd);
        a->memfd = -1;
    }
}

/*
 * Pin an area as the kernel does when filling a domain: user pages must
 * be mapped (and writable when the map is): GUP answers EFAULT for both;
 * file pages must be shmem/hugetlbfs within the file (memfd_pin_folios:
 * EINVAL); the simulator then maps the file slice so that DMA reaches it.
 */
static int hs_area_pin(HSArea *a)
{
    struct stat st;
    uint64_t map_start, map_end;
    void *p;
    int rc;

    if (a->pinned) {
        return 0;
    }
    if (a->memfd < 0) {
        rc = hs_check_user_range((uint64_t)(uintptr_t)a->hva, a->length,
                                 a->pages_writable);
        if (rc) {
            return -EFAULT;
        }
        a->pinned = true;
        return 0;
    }
    if (!a->pinnable || syscall(SYS_fstat, a->memfd, &st) != 0 ||
        a->file_start + a->length > (uint64_t)st.st_size) {
        return -EINVAL;
    }
    map_start = a->file_start & ~(HS_PAGE_SIZE - 1);
    map_end = (a->file_start + a->length + HS_PAGE_SIZE - 1) &
              ~(HS_PAGE_SIZE - 1);
    a->map_writable = true;
    p = hs_real.mmap(NULL, map_end - map_start, PROT_READ | PROT_WRITE,
                     MAP_SHARED, a->memfd, map_start);
    if (p == MAP_FAILED) {
        /* An fd opened read-only: DMA writes will be refused (EPERM). */
        a->map_writable = false;
        p = hs_real.mmap(NULL, map_end - map_start, PROT_READ, MAP_SHARED,
                         a->memfd, map_start);
    }
    if (p == MAP_FAILED) {
        return -ENOMEM;
    }
    a->file_map = p;
    a->file_map_len = map_end - map_start;
    a->hva = (uint8_t *)p + (a->file_start - map_start);
    a->pinned = true;
    return 0;
}

/* The driver invalidates an S2 (nest parent) domain after an unmap. */
static void hs_ioas_notify_unmap(HSIoas *ioas, uint64_t iova, uint64_t len)
{
    for (guint i = 0; i < ioas->hwpts->len; i++) {
        HSHwpt *h = g_ptr_array_index(ioas->hwpts, i);

        if (h->kind == HS_HWPT_PAGING && h->nest_parent && h->vmid &&
            h->smmu) {
            hs_smmu_s2_unmapped(h->smmu, h->vmid, iova, len);
        }
    }
}

static void hs_ioas_remove_area(HSIoas *ioas, guint i)
{
    HSArea a = g_array_index(ioas->areas, HSArea, i);

    g_array_remove_index(ioas->areas, i);
    hs_ioas_notify_unmap(ioas, a.iova, a.length);
    hs_area_release(&a);
}

/*
 * Unmap every area inside [start, last] (1.11).  An area that sticks out
 * of the range stops the walk with ENOENT; what was unmapped before that
 * stays unmapped.
 */
int hs_ioas_unmap_range(HSIoas *ioas, uint64_t start, uint64_t last,
                        uint64_t *unmapped)
{
    uint64_t done = 0;
    int rc = 0;
    HSArea *a;
    guint i;

    while ((a = hs_area_first(ioas, start, last, &i))) {
        if (a->iova < start || hs_area_last(a) > last) {
            rc = -ENOENT;
            break;
        }
        done += a->length;
        hs_ioas_remove_area(ioas, i);
    }
    *unmapped = done;
    return rc;
}

/* ---- IOVA allocation (1.8) --------------------------------------------- */

/* ALIGN_UP(start) | page_offset must leave room for length before last. */
static bool hs_iova_fits(__u64 *start, uint64_t last, uint64_t length,
                         uint64_t align, uint64_t page_offset)
{
    uint64_t s;

    if (*start > UINT64_MAX - (align - 1)) {
        return false;
    }
    s = (*start + align - 1) & ~(align - 1);
    s |= page_offset;
    if (s >= last || last - s < length - 1) {
        return false;
    }
    *start = s;
    return true;
}

static int hs_ioas_alloc_iova(HSIoas *ioas, uint64_t addr, uint64_t length,
                              uint64_t *iova)
{
    const uint64_t lo = HS_PAGE_SIZE, hi = UINT64_MAX - HS_PAGE_SIZE;
    uint64_t page_offset = addr % HS_PAGE_SIZE;
    g_autoptr(GArray) allowed = g_array_new(FALSE, FALSE, sizeof(HSRange));
    uint64_t align;

    if (length == 0 || length >= UINT64_MAX / 2) {
        return -EOVERFLOW;
    }
    /* Keep the alignment the source has, to allow huge IOPTEs. */
    align = hs_pow2_roundup(length);
    if (addr) {
        align = MIN(align, hs_lowbit(addr));
    }
    if (align >= HS_THP_SIZE) {
        align = HS_THP_SIZE;
    }
    if (align < ioas->iova_alignment) {
        return -EINVAL;
    }

    if (ioas->allowed->len == 0) {
        hs_range_add(allowed, lo, hi, lo, hi);
    }
    for (guint i = 0; i < ioas->allowed->len; i++) {
        struct iommu_iova_range *r =
            &g_array_index(ioas->allowed, struct iommu_iova_range, i);

        hs_range_add(allowed, r->start, r->last, lo, hi);
    }
    hs_range_merge(allowed);

    for (guint i = 0; i < allowed->len; i++) {
        HSRange span = g_array_index(allowed, HSRange, i);
        g_autoptr(GArray) used = g_array_new(FALSE, FALSE, sizeof(HSRange));
        g_autoptr(GArray) holes = NULL;

        if (!hs_iova_fits(&span.start, span.last, length, align,
                          page_offset)) {
            continue;
        }
        for (guint j = 0; j < ioas->reserved->len; j++) {
            HSReserved *r = &g_array_index(ioas->reserved, HSReserved, j);

            hs_range_add(used, r->start, r->last, span.start, span.last);
        }
        for (guint j = 0; j < ioas->areas->len; j++) {
            HSArea *a = &g_array_index(ioas->areas, HSArea, j);

            hs_range_add(used, a->iova, hs_area_last(a), span.start,
                         span.last);
        }
        hs_range_merge(used);
        holes = hs_range_holes(used, span.start, span.last);
        for (guint j = 0; j < holes->len; j++) {
            HSRange h = g_array_index(holes, HSRange, j);

            if (hs_iova_fits(&h.start, h.last, length, align, page_offset)) {
                *iova = h.start;
                return 0;
            }
        }
    }
    return -ENOSPC;
}

static int hs_ioas_check_iova(HSIoas *ioas, uint64_t iova, uint64_t length)
{
    uint64_t last;

    if (iova & (ioas->iova_alignment - 1)) {
        return -EINVAL;
    }
    if (iova > UINT64_MAX - (length - 1)) {
        return -EOVERFLOW;
    }
    last = iova + (length - 1);
    if (hs_reserved_hit(ioas, iova, last)) {
        return -EINVAL;
    }
    if (hs_area_first(ioas, iova, last, NULL)) {
        return -EEXIST;
    }
    return 0;
}

/*
 * Map consecutive slices (one area each) at *iova (iopt_map_pages): the
 * areas are allocated, the IOVA chosen or checked, each slice checked,
 * then the pages pinned if the IOAS has domains.  All or nothing.
 */
static int hs_ioas_map_srcs(HSIoas *ioas, const HSMapSrc *srcs, guint n,
                            uint64_t length, uint64_t *iova, bool fixed,
                            uint32_t flags)
{
    g_autoptr(GArray) fresh = g_array_new(FALSE, TRUE, sizeof(HSArea));
    bool write = flags & IOMMU_IOAS_MAP_WRITEABLE;
    uint64_t cur;
    int rc = 0;

    for (guint i = 0; i < n; i++) {
        HSArea a = { .memfd = -1 };

        rc = hs_inject(ENOMEM, "ioas_area");
        if (rc) {
            goto out_release;
        }
        if (srcs[i].is_file) {
            /* get_file(): our own reference, not inherited across exec */
            a.memfd = syscall(SYS_fcntl, srcs[i].fd, F_DUPFD_CLOEXEC, 0);
            if (a.memfd < 0) {
                rc = -ENOMEM;
                goto out_release;
            }
        }
        g_array_append_val(fresh, a);
    }
    if (!length || (length & (ioas->iova_alignment - 1))) {
        rc = -EINVAL;
        goto out_release;
    }
    if (!fixed) {
        uint64_t addr = srcs[0].is_file ? srcs[0].offset
                                        : (uint64_t)(uintptr_t)srcs[0].uva;

        rc = hs_ioas_alloc_iova(ioas, addr, length, iova);
    } else {
        rc = hs_ioas_check_iova(ioas, *iova, length);
    }
    if (rc) {
        goto out_release;
    }

    cur = *iova;
    for (guint i = 0; i < n; i++) {
        HSArea *a = &g_array_index(fresh, HSArea, i);

        if (write && !srcs[i].writable) {
            rc = -EPERM;
            goto out_release;
        }
        a->iova = cur;
        a->length = srcs[i].length;
        a->readable = flags & IOMMU_IOAS_MAP_READABLE;
        a->writeable = write;
        a->pages_writable = srcs[i].writable;
        a->pinnable = srcs[i].pinnable;
        if (srcs[i].is_file) {
            a->file_start = srcs[i].offset;
        } else {
            a->hva = srcs[i].uva;
        }
        if (hs_area_page_offset(a) & (ioas->iova_alignment - 1)) {
            rc = -EINVAL;
            goto out_release;
        }
        cur += srcs[i].length;
    }

    if (ioas->hwpts->len) {
        for (guint i = 0; i < n; i++) {
            rc = hs_area_pin(&g_array_index(fresh, HSArea, i));
            if (rc) {
                goto out_release;
            }
        }
    }

    for (guint i = 0; i < n; i++) {
        HSArea *a = &g_array_index(fresh, HSArea, i);

        g_array_insert_val(ioas->areas, hs_area_lower_bound(ioas, a->iova),
                           *a);
    }
    return 0;

out_release:
    for (guint i = 0; i < fresh->len; i++) {
        hs_area_release(&g_array_index(fresh, HSArea, i));
    }
    return rc;
}

/* ---- IOAS object -------------------------------------------------------- */

static void hs_ioas_free(HSIoas *ioas)
{
    for (guint i = 0; i < ioas->areas->len; i++) {
        hs_area_release(&g_array_index(ioas->areas, HSArea, i));
    }
    g_array_free(ioas->areas, TRUE);
    g_array_free(ioas->reserved, TRUE);
    g_array_free(ioas->allowed, TRUE);
    g_ptr_array_free(ioas->hwpts, TRUE);
    g_array_free(ioas->hwpt_pgsizes, TRUE);
}

void hs_ioas_destroy(HSIoas *ioas)
{
    /* HWPTs hold the IOAS, so none is left: no invalidation to send. */
    hs_ioas_free(ioas);
}

int hs_ioctl_ioas_alloc(HSUcmd *u)
{
    struct iommu_ioas_alloc *cmd = u->cmd;
    HSIoas *ioas;
    int rc;

    if (cmd->flags) {
        return -EOPNOTSUPP;
    }
    ioas = hs_obj_alloc(u->ictx, HS_OBJ_IOAS, sizeof(*ioas), &rc);
    if (!ioas) {
        return rc;
    }
    ioas->areas = g_array_new(FALSE, TRUE, sizeof(HSArea));
    ioas->reserved = g_array_new(FALSE, TRUE, sizeof(HSReserved));
    ioas->allowed = g_array_new(FALSE, TRUE,
                                sizeof(struct iommu_iova_range));
    ioas->hwpts = g_ptr_array_new();
    ioas->hwpt_pgsizes = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    ioas->iova_alignment = 1;
    ioas->huge_pages = true;

    cmd->out_ioas_id = ioas->obj.id;
    rc = hs_ucmd_respond(u);
    if (rc) {
        hs_ioas_free(ioas);
        hs_obj_abort(&ioas->obj);
        return rc;
    }
    hs_obj_publish(&ioas->obj);
    return 0;
}

GArray *hs_ioas_iova_holes(HSIoas *ioas)
{
    g_autoptr(GArray) used = g_array_new(FALSE, FALSE, sizeof(HSRange));

    for (guint i = 0; i < ioas->reserved->len; i++) {
        HSReserved *r = &g_array_index(ioas->reserved, HSReserved, i);

        hs_range_add(used, r->start, r->last, 0, UINT64_MAX);
    }
    hs_range_merge(used);
    return hs_range_holes(used, 0, UINT64_MAX);
}

int hs_ioctl_ioas_iova_ranges(HSUcmd *u)
{
    struct iommu_ioas_iova_ranges *cmd = u->cmd;
    g_autoptr(GArray) holes = NULL;
    uint32_t max;
    HSIoas *ioas;
    int rc;

    if (cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    ioas = hs_ioas_get(u->ictx, cmd->ioas_id, &rc);
    if (!ioas) {
        return rc;
    }
    holes = hs_ioas_iova_holes(ioas);
    max = cmd->num_iovas;
    cmd->num_iovas = 0;
    cmd->out_iova_alignment = ioas->iova_alignment;
    for (guint i = 0; i < holes->len; i++) {
        HSRange *h = &g_array_index(holes, HSRange, i);

        if (cmd->num_iovas < max) {
            struct iommu_iova_range elm = {
                .start = h->start,
                .last = h->last,
            };

            if (hs_copy_to_user(cmd->allowed_iovas +
                                (uint64_t)cmd->num_iovas * sizeof(elm),
                                &elm, sizeof(elm))) {
                return -EFAULT;
            }
        }
        cmd->num_iovas++;
    }
    rc = hs_ucmd_respond(u);
    if (rc) {
        return rc;
    }
    return cmd->num_iovas > max ? -EMSGSIZE : 0;
}

int hs_ioctl_ioas_allow_iovas(HSUcmd *u)
{
    struct iommu_ioas_allow_iovas *cmd = u->cmd;
    GArray *list;
    HSIoas *ioas;
    int rc;

    if (cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    ioas = hs_ioas_get(u->ictx, cmd->ioas_id, &rc);
    if (!ioas) {
        return rc;
    }
    list = g_array_new(FALSE, FALSE, sizeof(struct iommu_iova_range));
    for (uint32_t i = 0; i != cmd->num_iovas; i++) {
        struct iommu_iova_range r;

        if (hs_copy_from_user(&r, cmd->allowed_iovas + (uint64_t)i *
                              sizeof(r), sizeof(r))) {
            rc = -EFAULT;
            goto out_free;
        }
        /* start < last strictly: a one-byte range is refused too */
        if (r.start >= r.last || hs_allowed_hit(list, r.start, r.last)) {
            rc = -EINVAL;
            goto out_free;
        }
        rc = hs_inject(ENOMEM, "ioas_allowed");
        if (rc) {
            goto out_free;
        }
        g_array_append_val(list, r);
    }
    for (guint i = 0; i < list->len; i++) {
        struct iommu_iova_range *r =
            &g_array_index(list, struct iommu_iova_range, i);

        if (hs_reserved_hit(ioas, r->start, r->last)) {
            rc = -EADDRINUSE;
            goto out_free;
        }
    }
    g_array_free(ioas->allowed, TRUE);
    ioas->allowed = list;
    return 0;

out_free:
    g_array_free(list, TRUE);
    return rc;
}

int hs_ioas_map_user(HSIoas *ioas, uint64_t uva, uint64_t length,
                     uint64_t *iova, uint32_t flags)
{
    HSMapSrc src = {
        .uva = (uint8_t *)(uintptr_t)uva,
        .length = length,
        .writable = flags & IOMMU_IOAS_MAP_WRITEABLE,
        .pinnable = true,
    };
    int rc;

    /* iopt_alloc_user_pages */
    if (uva > UINT64_MAX - length) {
        return -EOVERFLOW;
    }
    if (length == 0 || length > UINT64_MAX - HS_PAGE_SIZE) {
        return -EINVAL;
    }
    rc = hs_inject(ENOMEM, "ioas_pages");
    if (rc) {
        return rc;
    }
    return hs_ioas_map_srcs(ioas, &src, 1, length, iova,
                            flags & IOMMU_IOAS_MAP_FIXED_IOVA, flags);
}

int hs_ioctl_ioas_map(HSUcmd *u)
{
    struct iommu_ioas_map *cmd = u->cmd;
    uint64_t iova = cmd->iova;
    HSIoas *ioas;
    int rc;

    if ((cmd->flags & ~HS_MAP_FLAGS) || cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX) {
        return -EOVERFLOW;
    }
    if (!(cmd->flags & HS_MAP_RW)) {
        return -EINVAL;
    }
    ioas = hs_ioas_get(u->ictx, cmd->ioas_id, &rc);
    if (!ioas) {
        return rc;
    }
    rc = hs_ioas_map_user(ioas, cmd->user_va, cmd->length, &iova,
                          cmd->flags);
    if (rc) {
        return rc;
    }
    /* A failed copy-back leaves the mapping in place, as in Linux. */
    cmd->iova = iova;
    return hs_ucmd_respond(u);
}

int hs_ioctl_ioas_map_file(HSUcmd *u)
{
    struct iommu_ioas_map_file *cmd = u->cmd;
    HSMapSrc src = { .is_file = true };
    uint64_t iova = cmd->iova;
    HSIoas *ioas;
    int rc;

    if (cmd->flags & ~HS_MAP_FLAGS) {
        return -EOPNOTSUPP;
    }
    if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX) {
        return -EOVERFLOW;
    }
    if (!(cmd->flags & HS_MAP_RW)) {
        return -EINVAL;
    }
    ioas = hs_ioas_get(u->ictx, cmd->ioas_id, &rc);
    if (!ioas) {
        return rc;
    }
    /* iopt_map_file_pages */
    if (!cmd->length) {
        return -EINVAL;
    }
    if (cmd->start > UINT64_MAX - (cmd->length - 1)) {
        return -EOVERFLOW;
    }
    /* fget, through the real fcntl (not the interposed one) */
    if (cmd->fd < 0 || syscall(SYS_fcntl, cmd->fd, F_GETFD) < 0) {
        return -EBADF;
    }
    if (cmd->length > UINT64_MAX - HS_PAGE_SIZE) {
        return -EINVAL;
    }
    rc = hs_inject(ENOMEM, "ioas_pages");
    if (rc) {
        return rc;
    }
    src.fd = cmd->fd;
    src.offset = cmd->start;
    src.length = cmd->length;
    src.writable = cmd->flags & IOMMU_IOAS_MAP_WRITEABLE;
    /* Only shmem/hugetlbfs files (memfds) can be pinned; a simulated fd
     * is a memfd underneath but stands for something else. */
    src.pinnable = !hs_fd_lookup(cmd->fd) &&
                   syscall(SYS_fcntl, cmd->fd, F_GET_SEALS) >= 0;
    rc = hs_ioas_map_srcs(ioas, &src, 1, cmd->length, &iova,
                          cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA,
                          cmd->flags);
    if (rc) {
        return rc;
    }
    cmd->iova = iova;
    return hs_ucmd_respond(u);
}

int hs_ioctl_ioas_copy(HSUcmd *u)
{
    struct iommu_ioas_copy *cmd = u->cmd;
    g_autoptr(GArray) srcs = g_array_new(FALSE, TRUE, sizeof(HSMapSrc));
    uint64_t iova = cmd->dst_iova, cur, last;
    HSIoas *src_ioas, *dst_ioas;
    HSArea *a;
    int rc;

    if (cmd->flags & ~HS_MAP_FLAGS) {
        return -EOPNOTSUPP;
    }
    if (cmd->length >= UINT64_MAX || cmd->src_iova >= UINT64_MAX ||
        cmd->dst_iova >= UINT64_MAX) {
        return -EOVERFLOW;
    }
    if (!(cmd->flags & HS_MAP_RW)) {
        return -EINVAL;
    }
    src_ioas = hs_ioas_get(u->ictx, cmd->src_ioas_id, &rc);
    if (!src_ioas) {
        return rc;
    }
    /* iopt_get_pages: contiguous areas must cover the whole source */
    if (!cmd->length) {
        return -EINVAL;
    }
    if (cmd->src_iova > UINT64_MAX - (cmd->length - 1)) {
        return -EOVERFLOW;
    }
    cur = cmd->src_iova;
    last = cmd->src_iova + (cmd->length - 1);
    a = hs_area_first(src_ioas, cur, cur, NULL);
    while (a && a->iova <= cur) {
        uint64_t end = MIN(last, hs_area_last(a));
        HSMapSrc s = {
            .is_file = a->memfd >= 0,
            .fd = a->memfd,
            .length = end - cur + 1,
            .writable = a->pages_writable,
            .pinnable = a->pinnable,
        };

        rc = hs_inject(ENOMEM, "ioas_copy_elm");
        if (rc) {
            return rc;
        }
        if (s.is_file) {
            s.offset = a->file_start + (cur - a->iova);
        } else {
            s.uva = a->hva + (cur - a->iova);
        }
        g_array_append_val(srcs, s);
        if (end == last) {
            break;
        }
        cur = end + 1;
        a = hs_area_first(src_ioas, cur, cur, NULL);
    }
    if (!a || a->iova > cur) {
        return -ENOENT;
    }

    dst_ioas = hs_ioas_get(u->ictx, cmd->dst_ioas_id, &rc);
    if (!dst_ioas) {
        return rc;
    }
    rc = hs_ioas_map_srcs(dst_ioas, (HSMapSrc *)srcs->data, srcs->len,
                          cmd->length, &iova,
                          cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA,
                          cmd->flags);
    if (rc) {
        return rc;
    }
    cmd->dst_iova = iova;
    return hs_ucmd_respond(u);
}

int hs_ioctl_ioas_unmap(HSUcmd *u)
{
    struct iommu_ioas_unmap *cmd = u->cmd;
    uint64_t unmapped = 0;
    HSIoas *ioas;
    int rc;

    ioas = hs_ioas_get(u->ictx, cmd->ioas_id, &rc);
    if (!ioas) {
        return rc;
    }
    if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
        /* Unmap-all succeeds on an empty IOAS. */
        rc = hs_ioas_unmap_range(ioas, 0, UINT64_MAX, &unmapped);
        if (rc) {
            return rc;
        }
    } else {
        if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX) {
            return -EOVERFLOW;
        }
        if (!cmd->length) {
            return -EINVAL;
        }
        if (cmd->iova > UINT64_MAX - (cmd->length - 1)) {
            return -EOVERFLOW;
        }
        rc = hs_ioas_unmap_range(ioas, cmd->iova,
                                 cmd->iova + (cmd->length - 1), &unmapped);
        if (rc) {
            return rc;
        }
        if (!unmapped) {
            return -ENOENT;
        }
    }
    cmd->length = unmapped;
    return hs_ucmd_respond(u);
}

int hs_ioctl_ioas_change_process(HSUcmd *u)
{
    struct iommu_ioas_change_process *cmd = u->cmd;
    GHashTableIter it;
    gpointer v;

    if (cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    /* Only file-backed areas can follow a new process (1.9, 1.13). */
    g_hash_table_iter_init(&it, u->ictx->ids);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        HSObj *obj = v;

        if (v == HS_ID_RESERVED || v == HS_ID_TOMBSTONE ||
            obj->type != HS_OBJ_IOAS) {
            continue;
        }
        for (guint i = 0; i < ((HSIoas *)obj)->areas->len; i++) {
            if (g_array_index(((HSIoas *)obj)->areas, HSArea, i).memfd < 0) {
                return -EINVAL;
            }
        }
    }
    /* Pinned-page accounting is not modelled: nothing else to move. */
    return 0;
}

/* ---- alignment, domains, reserved ranges (1.15) ------------------------- */

static bool hs_areas_aligned(HSIoas *ioas, uint64_t align)
{
    uint64_t mask = align - 1;

    for (guint i = 0; i < ioas->areas->len; i++) {
        HSArea *a = &g_array_index(ioas->areas, HSArea, i);

        if ((a->iova & mask) || (a->length & mask) ||
            (hs_area_page_offset(a) & mask)) {
            return false;
        }
    }
    return true;
}

/* iova_alignment = max(PAGE_SIZE if huge pages are off, domain pgsizes) */
static int hs_ioas_recalc_alignment(HSIoas *ioas)
{
    uint64_t align = ioas->huge_pages ? 1 : HS_PAGE_SIZE;

    for (guint i = 0; i < ioas->hwpt_pgsizes->len; i++) {
        align = MAX(align, g_array_index(ioas->hwpt_pgsizes, uint64_t, i));
    }
    if (align > ioas->iova_alignment && !hs_areas_aligned(ioas, align)) {
        return -EADDRINUSE;
    }
    ioas->iova_alignment = align;
    return 0;
}

int hs_ioas_reserve(HSIoas *ioas, uint64_t start, uint64_t last,
                    const void *owner, const char *kind)
{
    HSReserved r = {
        .start = start,
        .last = last,
        .owner = owner,
        .kind = kind,
    };
    int rc;

    if (hs_area_first(ioas, start, last, NULL) ||
        hs_allowed_hit(ioas->allowed, start, last)) {
        return -EADDRINUSE;
    }
    rc = hs_inject(ENOMEM, "ioas_reserve");
    if (rc) {
        return rc;
    }
    g_array_append_val(ioas->reserved, r);
    return 0;
}

void hs_ioas_unreserve(HSIoas *ioas, const void *owner)
{
    for (guint i = ioas->reserved->len; i-- > 0;) {
        if (g_array_index(ioas->reserved, HSReserved, i).owner == owner) {
            g_array_remove_index(ioas->reserved, i);
        }
    }
}

int hs_ioas_add_domain(HSIoas *ioas, HSHwpt *hwpt, uint64_t aperture_last,
                       uint64_t pgsize)
{
    uint64_t align = MAX(hs_lowbit(pgsize ? pgsize : 1),
                         ioas->iova_alignment);
    int rc;

    /* A domain must accept PAGE_SIZE mappings. */
    if (align > HS_PAGE_SIZE) {
        return -EINVAL;
    }
    if (align != ioas->iova_alignment && !hs_areas_aligned(ioas, align)) {
        return -EADDRINUSE;
    }
    if (aperture_last != UINT64_MAX) {
        rc = hs_ioas_reserve(ioas, aperture_last + 1, UINT64_MAX, hwpt,
                             "aperture");
        if (rc) {
            return rc;
        }
    }
    rc = hs_inject(ENOMEM, "ioas_domain");
    if (rc) {
        goto out_unreserve;
    }
    /* Filling the domain pins every area. */
    for (guint i = 0; i < ioas->areas->len; i++) {
        rc = hs_area_pin(&g_array_index(ioas->areas, HSArea, i));
        if (rc) {
            goto out_unreserve;
        }
    }
    ioas->iova_alignment = align;
    g_ptr_array_add(ioas->hwpts, hwpt);
    align = hs_lowbit(pgsize ? pgsize : 1);
    g_array_append_val(ioas->hwpt_pgsizes, align);
    return 0;

out_unreserve:
    hs_ioas_unreserve(ioas, hwpt);
    return rc;
}

void hs_ioas_remove_domain(HSIoas *ioas, HSHwpt *hwpt)
{
    for (guint i = 0; i < ioas->hwpts->len; i++) {
        if (g_ptr_array_index(ioas->hwpts, i) == hwpt) {
            g_ptr_array_remove_index(ioas->hwpts, i);
            g_array_remove_index(ioas->hwpt_pgsizes, i);
            break;
        }
    }
    hs_ioas_unreserve(ioas, hwpt);
    /* Alignment can only shrink here. */
    hs_ioas_recalc_alignment(ioas);
}

int hs_ioas_translate(HSIoas *ioas, uint64_t iova, uint64_t len, bool write,
                      uint8_t **hva)
{
    uint64_t last = iova + (len ? len - 1 : 0);
    HSArea *a;

    if (last < iova) {
        return -ENOENT;
    }
    /* With a domain every area is pinned; a file area has no hva before */
    a = hs_area_first(ioas, iova, iova, NULL);
    if (!a || a->iova > iova || hs_area_last(a) < last || !a->hva) {
        return -ENOENT;
    }
    if (write ? !a->writeable : !a->readable) {
        return -EPERM;
    }
    if (write && a->memfd >= 0 && !a->map_writable) {
        return -EPERM;
    }
    *hva = a->hva + (iova - a->iova);
    return 0;
}

void hs_ioas_stats(HSIoas *ioas, unsigned *areas, uint64_t *bytes)
{
    uint64_t total = 0;

    for (guint i = 0; i < ioas->areas->len; i++) {
        total += g_array_index(ioas->areas, HSArea, i).length;
    }
    if (areas) {
        *areas = ioas->areas->len;
    }
    if (bytes) {
        *bytes = total;
    }
}

int hs_ioas_set_huge_pages(HSIoas *ioas, bool on)
{
    int rc;

    if (on) {
        ioas->huge_pages = true;
        return hs_ioas_recalc_alignment(ioas);
    }
    if (!ioas->huge_pages) {
        return 0;
    }
    /* Not once domains hold pages that may use large IOPTEs. */
    if (ioas->hwpts->len && ioas->areas->len) {
        return -EINVAL;
    }
    ioas->huge_pages = false;
    rc = hs_ioas_recalc_alignment(ioas);
    if (rc) {
        ioas->huge_pages = true;
    }
    return rc;
}
