/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated /dev/iommu: one context (ictx) per open, the object ID
 * namespace with its reservation, publication and tombstones (uAPI 1.2),
 * IOMMU_DESTROY with its EBUSY rules, leaf-first teardown when the last
 * reference goes, the context-level ioctls (IOMMU_OPTION, IOMMU_VFIO_IOAS
 * and the VFIO-container ioctls iommufd also answers), and the ioctl
 * dispatcher that enforces the calling convention of 1.3 (ENOTTY,
 * min_size, E2BIG, zero-extension, whole-struct copy-back) before handing
 * the kernel-sized struct to a handler of ioas.c, hwpt.c or viommu.c.
 */
#include "hostsim-int.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

GPtrArray *hs_ictxs;
static unsigned hs_ictx_next_index;

/* ---- capabilities ---------------------------------------------------- */

bool hs_capable(int cap)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct data[2];

    memset(data, 0, sizeof(data));
    if (cap < 0 || cap >= 64) {
        return false;
    }
    if (syscall(SYS_capget, &hdr, data) != 0) {
        return geteuid() == 0;
    }
    return data[cap / 32].effective & (1U << (cap % 32));
}

/* ---- contexts -------------------------------------------------------- */

HSIctx *hs_ictx_open(int *err)
{
    HSIctx *ictx;
    int rc;

    /* The kernel's open allocates the context: a fail-nth point. */
    rc = hs_inject(ENOMEM, "ictx_open");
    if (rc) {
        if (err) {
            *err = rc;
        }
        return NULL;
    }
    ictx = g_new0(HSIctx, 1);
    ictx->ids = g_hash_table_new(NULL, NULL);
    ictx->refs = 1;
    ictx->index = hs_ictx_next_index++;
    /* /dev/iommu accounts per user; only /dev/vfio/vfio defaults to mm */
    ictx->rlimit_mode = 0;
    if (!hs_ictxs) {
        hs_ictxs = g_ptr_array_new();
    }
    g_ptr_array_add(hs_ictxs, ictx);
    if (err) {
        *err = 0;
    }
    return ictx;
}

void hs_ictx_get(HSIctx *ictx)
{
    ictx->refs++;
}

static bool hs_id_is_obj(gpointer v)
{
    return v && v != HS_ID_RESERVED && v != HS_ID_TOMBSTONE;
}

static gint hs_id_cmp(gconstpointer a, gconstpointer b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* The IDs of live objects, ascending (the kernel walks its xarray so). */
static GArray *hs_ictx_live_ids(HSIctx *ictx)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, ictx->ids);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        if (hs_id_is_obj(v)) {
            uint32_t id = GPOINTER_TO_UINT(k);

            g_array_append_val(ids, id);
        }
    }
    g_array_sort(ids, hs_id_cmp);
    return ids;
}

static void hs_obj_unlink(HSObj *obj)
{
    HSIctx *ictx = obj->ictx;

    g_hash_table_remove(ictx->ids, GUINT_TO_POINTER(obj->id));
    if (ictx->vfio_ioas_id == obj->id) {
        ictx->vfio_ioas_id = 0;
    }
}

/*
 * Run the type's destroy (it drops what the object holds and releases
 * its state), then free the object.
 */
static void hs_obj_run_destroy(HSObj *obj)
{
    switch (obj->type) {
    case HS_OBJ_IOAS:
        hs_ioas_destroy((HSIoas *)obj);
        break;
    case HS_OBJ_HWPT_PAGING:
    case HS_OBJ_HWPT_NESTED:
        hs_hwpt_destroy((HSHwpt *)obj);
        break;
    case HS_OBJ_VIOMMU:
        hs_viommu_destroy((HSViommu *)obj);
        break;
    case HS_OBJ_VDEVICE:
        hs_vdevice_destroy((HSVdevice *)obj);
        break;
    case HS_OBJ_VEVENTQ:
        hs_veventq_destroy((HSVeventq *)obj);
        break;
    case HS_OBJ_FAULT:
        hs_fault_destroy((HSFault *)obj);
        break;
    default:
        /* DEVICE: hwpt.c has undone it; ACCESS/HW_QUEUE never exist */
        break;
    }
    g_free(obj);
}

/*
 * Last reference gone (1.1): destroy every object, leaves first, by
 * sweeping the table for objects nobody uses until it is empty.  If a
 * sweep makes no progress the users graph is broken: the context is kept
 * (refs 0) so that the leak report shows what is left.
 */
static void hs_ictx_teardown(HSIctx *ictx)
{
    for (;;) {
        g_autoptr(GArray) ids = hs_ictx_live_ids(ictx);
        unsigned destroyed = 0;

        if (ids->len == 0) {
            break;
        }
        for (guint i = 0; i < ids->len; i++) {
            uint32_t id = g_array_index(ids, uint32_t, i);
            HSObj *obj = g_hash_table_lookup(ictx->ids,
                                             GUINT_TO_POINTER(id));

            if (!hs_id_is_obj(obj) || obj->users || obj->never_destroy) {
                continue;
            }
            hs_obj_unlink(obj);
            hs_obj_run_destroy(obj);
            destroyed++;
        }
        if (!destroyed) {
            fprintf(stderr, "hostsim: iommufd: context %u closed with %u "
                    "object(s) still in use\n", ictx->index, ids->len);
            return;
        }
    }
    /* Tombstones and anything reserved go with the context. */
    g_hash_table_destroy(ictx->ids);
    g_ptr_array_remove(hs_ictxs, ictx);
    g_free(ictx);
}

void hs_ictx_put(HSIctx *ictx)
{
    if (!ictx || ictx->refs == 0) {
        return;
    }
    if (--ictx->refs == 0) {
        hs_ictx_teardown(ictx);
    }
}

/* ---- object IDs (1.2) ------------------------------------------------ */

void *hs_obj_alloc(HSIctx *ictx, HSObjType type, size_t size, int *err)
{
    HSObj *obj;
    uint32_t id;
    int rc;

    rc = hs_inject(ENOMEM, "obj_alloc");
    if (rc) {
        if (err) {
            *err = rc;
        }
        return NULL;
    }
    /* xa_alloc in [1, INT_MAX], lowest free index first */
    for (id = 1; id <= INT32_MAX; id++) {
        if (!g_hash_table_contains(ictx->ids, GUINT_TO_POINTER(id))) {
            break;
        }
    }
    if (id > INT32_MAX) {
        if (err) {
            *err = -ENOSPC;
        }
        return NULL;
    }
    g_assert(size >= sizeof(HSObj));
    obj = g_malloc0(size);
    obj->type = type;
    obj->id = id;
    obj->ictx = ictx;
    g_hash_table_insert(ictx->ids, GUINT_TO_POINTER(id), HS_ID_RESERVED);
    if (err) {
        *err = 0;
    }
    return obj;
}

void hs_obj_publish(HSObj *obj)
{
    g_hash_table_insert(obj->ictx->ids, GUINT_TO_POINTER(obj->id), obj);
}

void hs_obj_abort(HSObj *obj)
{
    if (!obj) {
        return;
    }
    hs_obj_unlink(obj);
    g_free(obj);
}

HSObj *hs_obj_get(HSIctx *ictx, uint32_t id, HSObjType type, int *err)
{
    HSObj *obj;
    int rc;

    rc = hs_inject(ENOENT, "obj_get");
    if (rc) {
        if (err) {
            *err = rc;
        }
        return NULL;
    }
    obj = g_hash_table_lookup(ictx->ids, GUINT_TO_POINTER(id));
    if (!hs_id_is_obj(obj) || (type != HS_OBJ_ANY && obj->type != type)) {
        if (err) {
            *err = -ENOENT;
        }
        return NULL;
    }
    if (err) {
        *err = 0;
    }
    return obj;
}

int hs_obj_destroy(HSObj *obj)
{
    if (!obj) {
        return -ENOENT;
    }
    if (obj->never_destroy || obj->users) {
        return -EBUSY;
    }
    /* The queue fds hold their object (1.4, 1.20, 1.21). */
    if (obj->type == HS_OBJ_VEVENTQ && ((HSVeventq *)obj)->file) {
        return -EBUSY;
    }
    if (obj->type == HS_OBJ_FAULT && ((HSFault *)obj)->file) {
        return -EBUSY;
    }
    hs_obj_unlink(obj);
    hs_obj_run_destroy(obj);
    return 0;
}

void hs_obj_tombstone(HSObj *obj)
{
    HSIctx *ictx = obj->ictx;
    uint32_t id = obj->id;

    hs_obj_run_destroy(obj);
    if (ictx->vfio_ioas_id == id) {
        ictx->vfio_ioas_id = 0;
    }
    g_hash_table_insert(ictx->ids, GUINT_TO_POINTER(id), HS_ID_TOMBSTONE);
}

const char *hs_obj_type_name(HSObjType type)
{
    static const char *const names[] = {
        [HS_OBJ_ANY] = "any",
        [HS_OBJ_DEVICE] = "device",
        [HS_OBJ_HWPT_PAGING] = "hwpt_paging",
        [HS_OBJ_HWPT_NESTED] = "hwpt_nested",
        [HS_OBJ_IOAS] = "ioas",
        [HS_OBJ_ACCESS] = "access",
        [HS_OBJ_FAULT] = "fault",
        [HS_OBJ_VIOMMU] = "viommu",
        [HS_OBJ_VDEVICE] = "vdevice",
        [HS_OBJ_VEVENTQ] = "veventq",
        [HS_OBJ_HW_QUEUE] = "hw_queue",
    };

    if ((unsigned)type < G_N_ELEMENTS(names) && names[type]) {
        return names[type];
    }
    return "unknown";
}

/* ---- ioctls of this file ---------------------------------------------- */

static int hs_ioctl_destroy(HSUcmd *u)
{
    struct iommu_destroy *cmd = u->cmd;
    gpointer v = g_hash_table_lookup(u->ictx->ids,
                                     GUINT_TO_POINTER(cmd->id));

    /* A plain table lookup, as iommufd_object_remove: no fail-nth point */
    if (!hs_id_is_obj(v)) {
        return -ENOENT;
    }
    return hs_obj_destroy(v);
}

/*
 * IOMMU_IOAS_NOIOMMU_GET_PA (7.3, 1.13).  The 7.2 headers lack it, so its
 * layout is spelled out here from the uAPI document.
 */
#define HS_CMD_NOIOMMU_GET_PA   0x95
typedef struct HSNoiommuGetPa {
    uint32_t size;
    uint32_t flags;
    uint32_t ioas_id;
    uint32_t reserved;
    uint64_t iova;
    uint64_t length;
    uint64_t out_phys;
} HSNoiommuGetPa;
G_STATIC_ASSERT(sizeof(HSNoiommuGetPa) == 40);

static int hs_ioctl_noiommu_get_pa(HSUcmd *u)
{
    HSNoiommuGetPa *cmd = u->cmd;
    HSObj *obj;
    int rc;

    if (!hs_capable(CAP_SYS_RAWIO)) {
        return -EPERM;
    }
    if (cmd->flags || cmd->reserved) {
        return -EOPNOTSUPP;
    }
    obj = hs_obj_get(u->ictx, cmd->ioas_id, HS_OBJ_IOAS, &rc);
    if (!obj) {
        return rc;
    }
    /* Only IOASes of no-IOMMU devices answer; the simulator has none. */
    return -EINVAL;
}

/* ---- IOMMU_OPTION (1.12) ------------------------------------------------ */

static int hs_option_rlimit_mode(HSIctx *ictx, struct iommu_option *cmd)
{
    if (cmd->object_id) {
        return -EOPNOTSUPP;
    }
    if (cmd->op == IOMMU_OPTION_OP_GET) {
        cmd->val64 = ictx->rlimit_mode;
        return 0;
    }
    if (cmd->op != IOMMU_OPTION_OP_SET) {
        return -EOPNOTSUPP;
    }
    if (!hs_capable(CAP_SYS_RESOURCE)) {
        return -EPERM;
    }
    /* Any ID, even a tombstone, counts as an object. */
    if (g_hash_table_size(ictx->ids)) {
        return -EBUSY;
    }
    if (cmd->val64 > 1) {
        return -EINVAL;
    }
    ictx->rlimit_mode = cmd->val64;
    return 0;
}

static int hs_option_huge_pages(HSIctx *ictx, struct iommu_option *cmd)
{
    HSIoas *ioas;
    int rc;

    ioas = (HSIoas *)hs_obj_get(ictx, cmd->object_id, HS_OBJ_IOAS, &rc);
    if (!ioas) {
        return rc;
    }
    if (cmd->op == IOMMU_OPTION_OP_GET) {
        cmd->val64 = ioas->huge_pages;
        return 0;
    }
    if (cmd->op != IOMMU_OPTION_OP_SET) {
        return -EOPNOTSUPP;
    }
    if (cmd->val64 > 1) {
        return -EINVAL;
    }
    return hs_ioas_set_huge_pages(ioas, cmd->val64);
}

int hs_ioctl_option(HSUcmd *u)
{
    struct iommu_option *cmd = u->cmd;
    int rc;

    if (cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    switch (cmd->option_id) {
    case IOMMU_OPTION_RLIMIT_MODE:
        rc = hs_option_rlimit_mode(u->ictx, cmd);
        break;
    case IOMMU_OPTION_HUGE_PAGES:
        rc = hs_option_huge_pages(u->ictx, cmd);
        break;
    default:
        return -EOPNOTSUPP;
    }
    if (rc) {
        return rc;
    }
    /* Only val64 is written back. */
    return hs_copy_to_user(u->uptr + offsetof(struct iommu_option, val64),
                           &cmd->val64, sizeof(cmd->val64));
}

/* ---- VFIO compatibility (1.13, 2.5) ------------------------------------ */

/* The IOAS of IOMMU_VFIO_IOAS; a plain lookup (no fail-nth point). */
static HSIoas *hs_compat_ioas(HSIctx *ictx)
{
    HSObj *obj;

    if (!ictx->vfio_ioas_id) {
        return NULL;
    }
    obj = g_hash_table_lookup(ictx->ids,
                              GUINT_TO_POINTER(ictx->vfio_ioas_id));
    if (obj == HS_ID_RESERVED || obj == HS_ID_TOMBSTONE || !obj ||
        obj->type != HS_OBJ_IOAS) {
        return NULL;
    }
    return (HSIoas *)obj;
}

int hs_ioctl_vfio_ioas(HSUcmd *u)
{
    struct iommu_vfio_ioas *cmd = u->cmd;
    HSIoas *ioas;
    int rc;

    if (cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    switch (cmd->op) {
    case IOMMU_VFIO_IOAS_GET:
        ioas = hs_compat_ioas(u->ictx);
        if (!ioas) {
            return -ENODEV;
        }
        cmd->ioas_id = ioas->obj.id;
        return hs_ucmd_respond(u);
    case IOMMU_VFIO_IOAS_SET:
        ioas = (HSIoas *)hs_obj_get(u->ictx, cmd->ioas_id, HS_OBJ_IOAS,
                                    &rc);
        if (!ioas) {
            return rc;
        }
        u->ictx->vfio_ioas_id = ioas->obj.id;
        return 0;
    case IOMMU_VFIO_IOAS_CLEAR:
        u->ictx->vfio_ioas_id = 0;
        return 0;
    default:
        return -EOPNOTSUPP;
    }
}

static int hs_compat_map_dma(HSIctx *ictx, uint64_t arg)
{
    struct vfio_iommu_type1_dma_map map;
    const uint32_t minsz = 32;      /* through size */
    uint32_t flags = IOMMU_IOAS_MAP_FIXED_IOVA;
    uint64_t iova;
    HSIoas *ioas;

    if (hs_copy_from_user(&map, arg, minsz)) {
        return -EFAULT;
    }
    if (map.argsz < minsz ||
        (map.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE))) {
        return -EINVAL;
    }
    ioas = hs_compat_ioas(ictx);
    if (!ioas) {
        return -ENODEV;
    }
    if (map.flags & VFIO_DMA_MAP_FLAG_READ) {
        flags |= IOMMU_IOAS_MAP_READABLE;
    }
    if (map.flags & VFIO_DMA_MAP_FLAG_WRITE) {
        flags |= IOMMU_IOAS_MAP_WRITEABLE;
    }
    iova = map.iova;
    return hs_ioas_map_user(ioas, map.vaddr, map.size, &iova, flags);
}

static int hs_compat_unmap_dma(HSIctx *ictx, uint64_t arg)
{
    struct vfio_iommu_type1_dma_unmap unmap;
    const uint32_t minsz = 24;      /* through size */
    uint64_t unmapped = 0;
    HSIoas *ioas;
    int rc;

    if (hs_copy_from_user(&unmap, arg, minsz)) {
        return -EFAULT;
    }
    if (unmap.argsz < minsz || (unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL)) {
        return -EINVAL;
    }
    ioas = hs_compat_ioas(ictx);
    if (!ioas) {
        return -ENODEV;
    }
    if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
        if (unmap.iova || unmap.size) {
            return -EINVAL;
        }
        rc = hs_ioas_unmap_range(ioas, 0, UINT64_MAX, &unmapped);
    } else if (!unmap.size) {
        return -EINVAL;
    } else if (unmap.iova > UINT64_MAX - (unmap.size - 1)) {
        return -EOVERFLOW;
    } else {
        /* Type1 (v1) hole punching inside an area is not modelled. */
        rc = hs_ioas_unmap_range(ioas, unmap.iova,
                                 unmap.iova + (unmap.size - 1), &unmapped);
    }
    unmap.size = unmapped;
    if (hs_copy_to_user(arg, &unmap, minsz)) {
        return -EFAULT;
    }
    return rc;
}

static int hs_compat_get_info(HSIctx *ictx, uint64_t arg)
{
    struct vfio_iommu_type1_info info;
    g_autoptr(GArray) holes = NULL;
    const uint32_t dma_cap_sz = 12, iova_cap_hdr = 16;
    uint64_t pgsizes = UINT64_MAX;
    uint32_t minsz = 16, total, iova_cap_sz, avail;
    HSIoas *ioas;

    if (hs_copy_from_user(&info, arg, minsz)) {
        return -EFAULT;
    }
    if (info.argsz < minsz) {
        return -EINVAL;
    }
    minsz = MIN(info.argsz, (uint32_t)sizeof(info));
    ioas = hs_compat_ioas(ictx);
    if (!ioas) {
        return -ENODEV;
    }
    for (guint i = 0; i < ioas->hwpt_pgsizes->len; i++) {
        /* every page size from the domain's smallest up */
        pgsizes &= ~(g_array_index(ioas->hwpt_pgsizes, uint64_t, i) - 1);
    }
    if (pgsizes & (HS_PAGE_SIZE - 1)) {
        pgsizes = (pgsizes & ~(HS_PAGE_SIZE - 1)) | HS_PAGE_SIZE;
    }
    info.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
    info.iova_pgsizes = MAX(pgsizes, ioas->iova_alignment);
    info.cap_offset = 0;

    holes = hs_ioas_iova_holes(ioas);

    /* DMA_AVAIL at sizeof(info), then IOVA_RANGE, chained by next */
    total = sizeof(info);
    avail = info.argsz > total ? info.argsz - total : 0;
    if (avail >= dma_cap_sz) {
        struct vfio_iommu_type1_info_dma_avail cap = {
            .header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
            .header.version = 1,
            .avail = UINT32_MAX,
        };

        if (hs_copy_to_user(arg + total, &cap, dma_cap_sz)) {
            return -EFAULT;
        }
    }
    total += dma_cap_sz;
    if (info.argsz >= total) {
        uint32_t next = total;

        if (hs_copy_to_user(arg + sizeof(info) +
                            offsetof(struct vfio_info_cap_header, next),
                            &next, sizeof(next))) {
            return -EFAULT;
        }
    }
    avail = info.argsz > total ? info.argsz - total : 0;
    for (guint i = 0; i < holes->len; i++) {
        struct iommu_iova_range *h =
            &g_array_index(holes, struct iommu_iova_range, i);
        struct vfio_iova_range r = {
            .start = h->start,
            .end = h->last,
        };

        if (avail >= iova_cap_hdr + (i + 1) * sizeof(r) &&
            hs_copy_to_user(arg + total + iova_cap_hdr + i * sizeof(r), &r,
                            sizeof(r))) {
            return -EFAULT;
        }
    }
    iova_cap_sz = iova_cap_hdr + holes->len * sizeof(struct vfio_iova_range);
    if (avail >= iova_cap_sz) {
        struct vfio_iommu_type1_info_cap_iova_range cap = {
            .header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
            .header.version = 1,
            .nr_iovas = holes->len,
        };

        if (hs_copy_to_user(arg + total, &cap, iova_cap_hdr)) {
            return -EFAULT;
        }
    }
    total += iova_cap_sz;
    if (info.argsz >= total) {
        info.cap_offset = sizeof(info);
    }
    info.argsz = total;
    return hs_copy_to_user(arg, &info, minsz);
}

/*
 * The VFIO-container ioctls that iommufd answers on any of its fds
 * (vfio_compat.c is always built); anything else there is ENOTTY.
 */
static int hs_iommufd_compat_ioctl(HSIctx *ictx, uint32_t cmd, uint64_t arg)
{
    HSIoas *ioas;

    switch (cmd) {
    case VFIO_GET_API_VERSION:
        return VFIO_API_VERSION;
    case VFIO_CHECK_EXTENSION:
        switch (arg) {
        case VFIO_TYPE1_IOMMU:
        case VFIO_TYPE1v2_IOMMU:
        case VFIO_UNMAP_ALL:
            return 1;
        case VFIO_DMA_CC_IOMMU:
            /* SMMUv3 with COHACC: every domain is coherent */
            return hs_compat_ioas(ictx) ? 1 : -ENODEV;
        default:
            return 0;
        }
    case VFIO_SET_IOMMU:
        if (arg != VFIO_TYPE1_IOMMU && arg != VFIO_TYPE1v2_IOMMU) {
            return -EINVAL;
        }
        ioas = hs_compat_ioas(ictx);
        if (!ioas) {
            return -ENODEV;
        }
        /* Type1 v1 may unmap inside a mapping: no large IOPTEs */
        return arg == VFIO_TYPE1_IOMMU ? hs_ioas_set_huge_pages(ioas, false)
                                       : 0;
    case VFIO_IOMMU_GET_INFO:
        return hs_compat_get_info(ictx, arg);
    case VFIO_IOMMU_MAP_DMA:
        return hs_compat_map_dma(ictx, arg);
    case VFIO_IOMMU_UNMAP_DMA:
        return hs_compat_unmap_dma(ictx, arg);
    default:
        return -ENOTTY;
    }
}

/* ---- dispatch (1.3) ----------------------------------------------------- */

typedef struct HSIoctlOp {
    unsigned nr;
    int (*fn)(HSUcmd *u);
    uint32_t ksize;         /* sizeof the 7.3 struct */
    uint32_t min_size;      /* end of the last field of its first version */
} HSIoctlOp;

#define HS_END_OF(type, field) \
    (offsetof(type, field) + sizeof(((type *)0)->field))
#define HS_OP(nr, fn, type, first_last) \
    { nr, fn, sizeof(type), HS_END_OF(type, first_last) }

/* Sorted by nr; hs_iommufd_op() relies on it. */
static const HSIoctlOp hs_iommufd_ops[] = {
    HS_OP(0x80, hs_ioctl_destroy, struct iommu_destroy, id),
    HS_OP(0x81, hs_ioctl_ioas_alloc, struct iommu_ioas_alloc, out_ioas_id),
    HS_OP(0x82, hs_ioctl_ioas_allow_iovas, struct iommu_ioas_allow_iovas,
          allowed_iovas),
    HS_OP(0x83, hs_ioctl_ioas_copy, struct iommu_ioas_copy, src_iova),
    HS_OP(0x84, hs_ioctl_ioas_iova_ranges, struct iommu_ioas_iova_ranges,
          out_iova_alignment),
    HS_OP(0x85, hs_ioctl_ioas_map, struct iommu_ioas_map, iova),
    HS_OP(0x86, hs_ioctl_ioas_unmap, struct iommu_ioas_unmap, length),
    HS_OP(0x87, hs_ioctl_option, struct iommu_option, val64),
    HS_OP(0x88, hs_ioctl_vfio_ioas, struct iommu_vfio_ioas, __reserved),
    HS_OP(0x89, hs_ioctl_hwpt_alloc, struct iommu_hwpt_alloc, __reserved),
    HS_OP(0x8a, hs_ioctl_get_hw_info, struct iommu_hw_info, __reserved),
    HS_OP(0x8b, hs_ioctl_hwpt_set_dirty_tracking,
          struct iommu_hwpt_set_dirty_tracking, __reserved),
    HS_OP(0x8c, hs_ioctl_hwpt_get_dirty_bitmap,
          struct iommu_hwpt_get_dirty_bitmap, data),
    HS_OP(0x8d, hs_ioctl_hwpt_invalidate, struct iommu_hwpt_invalidate,
          __reserved),
    HS_OP(0x8e, hs_ioctl_fault_queue_alloc, struct iommu_fault_alloc,
          out_fault_fd),
    HS_OP(0x8f, hs_ioctl_ioas_map_file, struct iommu_ioas_map_file, iova),
    HS_OP(0x90, hs_ioctl_viommu_alloc, struct iommu_viommu_alloc,
          out_viommu_id),
    HS_OP(0x91, hs_ioctl_vdevice_alloc, struct iommu_vdevice_alloc, virt_id),
    HS_OP(0x92, hs_ioctl_ioas_change_process,
          struct iommu_ioas_change_process, __reserved),
    HS_OP(0x93, hs_ioctl_veventq_alloc, struct iommu_veventq_alloc,
          out_veventq_fd),
    HS_OP(0x94, hs_ioctl_hw_queue_alloc, struct iommu_hw_queue_alloc,
          length),
    HS_OP(HS_CMD_NOIOMMU_GET_PA, hs_ioctl_noiommu_get_pa, HSNoiommuGetPa,
          out_phys),
    /* 0xa0 IOMMU_TEST_CMD: absent, as without CONFIG_IOMMUFD_TEST */
};

/* The sizes 1.3 lists; a header that disagrees must fail the build. */
G_STATIC_ASSERT(sizeof(struct iommu_hwpt_alloc) == 48);
G_STATIC_ASSERT(sizeof(struct iommu_hw_info) == 40);
G_STATIC_ASSERT(sizeof(struct iommu_viommu_alloc) == 40);
G_STATIC_ASSERT(sizeof(struct iommu_veventq_alloc) == 32);
G_STATIC_ASSERT(sizeof(struct iommu_hw_queue_alloc) == 40);
G_STATIC_ASSERT(HS_END_OF(struct iommu_hw_info, __reserved) == 32);
G_STATIC_ASSERT(HS_END_OF(struct iommu_veventq_alloc, out_veventq_fd) == 28);

#define HS_UCMD_MAX 64

static const HSIoctlOp *hs_iommufd_op(unsigned nr)
{
    size_t lo = 0, hi = G_N_ELEMENTS(hs_iommufd_ops);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (hs_iommufd_ops[mid].nr < nr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < G_N_ELEMENTS(hs_iommufd_ops) && hs_iommufd_ops[lo].nr == nr) {
        return &hs_iommufd_ops[lo];
    }
    return NULL;
}

/*
 * copy_struct_from_user: a smaller user struct is zero-extended, a larger
 * one must be zero beyond what the kernel knows (E2BIG), read page by
 * page so that a fault past a non-zero byte still answers E2BIG.
 */
static int hs_copy_struct(void *dst, size_t ksize, uint64_t uptr,
                          uint32_t usize)
{
    if (usize < ksize) {
        memset((uint8_t *)dst + usize, 0, ksize - usize);
        return hs_copy_from_user(dst, uptr, usize);
    }
    if (usize > ksize) {
        uint64_t cur = uptr + ksize, end = uptr + usize;
        uint8_t chunk[HS_PAGE_SIZE];

        if (end < uptr) {
            return -EFAULT;
        }
        while (cur < end) {
            uint64_t n = MIN(end - cur, HS_PAGE_SIZE - (cur % HS_PAGE_SIZE));

            if (hs_copy_from_user(chunk, cur, n)) {
                return -EFAULT;
            }
            for (uint64_t i = 0; i < n; i++) {
                if (chunk[i]) {
                    return -E2BIG;
                }
            }
            cur += n;
        }
    }
    return hs_copy_from_user(dst, uptr, ksize);
}

int hs_ucmd_respond(HSUcmd *u)
{
    return hs_copy_to_user(u->uptr, u->cmd, MIN(u->user_size, u->ksize));
}

int hs_iommufd_ioctl(HSIctx *ictx, unsigned long req, void *arg)
{
    /* The syscall takes an unsigned int command. */
    uint32_t cmd = (uint32_t)req;
    unsigned nr = _IOC_NR(cmd);
    uint64_t buf[HS_UCMD_MAX / sizeof(uint64_t)];
    const HSIoctlOp *op;
    HSUcmd u = {
        .ictx = ictx,
        .uptr = (uint64_t)(uintptr_t)arg,
        .cmd = buf,
    };
    int rc;

    if (nr < hs_iommufd_ops[0].nr ||
        nr > hs_iommufd_ops[G_N_ELEMENTS(hs_iommufd_ops) - 1].nr) {
        return hs_iommufd_compat_ioctl(ictx, cmd, u.uptr);
    }
    /* The size is read before the number is matched (get_user first). */
    if (hs_copy_from_user(&u.user_size, u.uptr, sizeof(u.user_size))) {
        return -EFAULT;
    }
    op = hs_iommufd_op(nr);
    if (!op || cmd != (uint32_t)_IO(IOMMUFD_TYPE, nr)) {
        return -ENOTTY;
    }
    if (u.user_size < op->min_size) {
        return -EINVAL;
    }
    g_assert(op->ksize <= sizeof(buf));
    u.ksize = op->ksize;
    rc = hs_copy_struct(buf, op->ksize, u.uptr, u.user_size);
    if (rc) {
        return rc;
    }
    return op->fn(&u);
}

/*
 * mmap of an iommufd fd (1.22).  The mm core has already refused a zero
 * length or an unaligned offset and rounded the length up to pages, so
 * the driver's own length check never fires from user space.  Plain
 * SMMUv3 publishes no region, so every well-formed request is ENXIO.
 */
int hs_iommufd_mmap_check(HSIctx *ictx, size_t len, int prot, int flags,
                          off_t off)
{
    if (len == 0 || (off & (HS_PAGE_SIZE - 1))) {
        return -EINVAL;
    }
    if (!(flags & MAP_SHARED)) {
        return -EINVAL;
    }
    if (prot & PROT_EXEC) {
        return -EPERM;
    }
    return -ENXIO;
}
