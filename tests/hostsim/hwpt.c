/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated kernel's devices and hardware page tables: the iommufd
 * side of VFIO_DEVICE_BIND_IOMMUFD (a DEVICE object), IOMMU_GET_HW_INFO,
 * IOMMU_HWPT_ALLOC for paging (stage-1 or NEST_PARENT stage-2) and nested
 * (a guest vSTE on a vIOMMU) page tables, the dirty-tracking ioctls, and
 * the attach / replace / detach of a device with the reserved SW_MSI
 * window, the automatic domains of an IOAS and the physical STE the
 * arm-smmu-v3 driver installs.  The errno values and the order of the
 * checks follow iommufd-uapi.md 1.14-1.16, 2.3 and 3.1-3.2, 3.7-3.8.
 */
#include "hostsim-int.h"

#include <string.h>

/* SMMU_IDR0.S1P: the SMMU can do stage-1 translation. */
#define HS_IDR0_S1P             (1u << 1)

/* STE word 0 V and Config (3.2), word 1 EATS. */
#define HS_STE0_V               1ULL
#define HS_STE0_CFG(w)          ((unsigned)(((w) >> 1) & 7))
#define HS_STE_CFG_ABORT        0
#define HS_STE_CFG_BYPASS       4
#define HS_STE_CFG_S1_TRANS     5
#define HS_STE1_EATS            0x30000000ULL

/* The input range of a stage-1 domain (48-bit VA) and its page size. */
#define HS_S1_APERTURE_LAST     ((1ULL << 48) - 1)
#define HS_DOMAIN_PGSIZE        4096ULL

/* ---- ASIDs of stage-1 domains -------------------------------------- */

/*
 * The driver draws the ASIDs of every SMMU from one space
 * [1, 2^asid_bits - 1]; a bitmap stands for its xarray.
 */
static uint8_t hs_asid_used[(1u << 16) / 8];

static int hs_asid_alloc(HSSmmu *s, uint16_t *out)
{
    unsigned last = s->asid16 ? 0xffff : 0xff;
    unsigned a;
    int rc;

    rc = hs_inject(ENOMEM, "asid");
    if (rc) {
        return rc;
    }
    for (a = 1; a <= last; a++) {
        if (!(hs_asid_used[a / 8] & (1u << (a % 8)))) {
            hs_asid_used[a / 8] |= 1u << (a % 8);
            *out = a;
            return 0;
        }
    }
    /* The driver's xa_alloc in a full range: EBUSY (VMIDs: ida, ENOSPC) */
    return -EBUSY;
}

static void hs_asid_free(uint16_t a)
{
    hs_asid_used[a / 8] &= ~(1u << (a % 8));
}

/* ---- HWPT life cycle ------------------------------------------------ */

/* The paging HWPT whose IOAS a HWPT translates through. */
static HSHwpt *hs_hwpt_paging_of(HSHwpt *h)
{
    return h->kind == HS_HWPT_NESTED ? h->parent : h;
}

/* Drop everything a HWPT holds; the object itself stays. */
static void hs_hwpt_release(HSHwpt *h)
{
    if (h->kind == HS_HWPT_PAGING) {
        if (h->in_ioas) {
            hs_ioas_remove_domain(h->ioas, h);
            h->in_ioas = false;
        }
        if (h->has_vmid) {
            hs_smmu_vmid_free(h->smmu, h->vmid);
            h->has_vmid = false;
        }
        if (h->has_asid) {
            hs_asid_free(h->asid);
            h->has_asid = false;
        }
        if (h->ioas) {
            h->ioas->obj.users--;
            h->ioas = NULL;
        }
    } else if (h->viommu) {
        h->viommu->obj.users--;
        h->viommu = NULL;
        h->parent = NULL;
    }
    if (h->fault) {
        h->fault->obj.users--;
        h->fault = NULL;
    }
}

void hs_hwpt_destroy(HSHwpt *hwpt)
{
    hs_hwpt_release(hwpt);
}

static void hs_hwpt_abort(HSHwpt *h)
{
    hs_hwpt_release(h);
    hs_obj_abort(&h->obj);
}

/* An automatic domain goes away with its last device (2.3). */
static void hs_hwpt_put_auto(HSHwpt *h)
{
    if (h->kind == HS_HWPT_PAGING && h->auto_domain && h->obj.users == 0) {
        hs_obj_destroy(&h->obj);
    }
}

/*
 * The device's IOMMU_CAP_DIRTY_TRACKING: the simulated driver models no
 * HTTU, so no SMMUv3 domain here has dirty-tracking operations.
 */
static bool hs_dirty_capable(HSDevice *dev)
{
    (void)dev;
    return false;
}

/*
 * arm-smmu-v3's paging domain for dev (1.15): flags 0 -> stage 1 (stage 2
 * if the SMMU has no stage 1); NEST_PARENT -> stage 2 with a VMID, only
 * with FEAT_NESTING; DIRTY_TRACKING and/or PASID -> stage 1; anything
 * else or driver data -> EOPNOTSUPP.
 */
static int hs_domain_alloc(HSHwpt *h, HSDevice *dev, uint32_t flags,
                           bool data)
{
    const uint32_t paging = IOMMU_HWPT_ALLOC_NEST_PARENT |
                            IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
                            IOMMU_HWPT_ALLOC_PASID;
    HSSmmu *s = dev->func->smmu;
    bool s1p = s->idr[0] & HS_IDR0_S1P;
    int rc;

    if ((flags & ~paging) || data) {
        return -EOPNOTSUPP;
    }
    rc = hs_inject(ENOMEM, "smmu-domain");
    if (rc) {
        return rc;
    }
    switch (flags) {
    case 0:
        h->s1 = s1p;
        break;
    case IOMMU_HWPT_ALLOC_NEST_PARENT:
        if (!s->nesting) {
            return -EOPNOTSUPP;
        }
        h->s1 = false;
        break;
    case IOMMU_HWPT_ALLOC_DIRTY_TRACKING:
    case IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID:
    case IOMMU_HWPT_ALLOC_PASID:
        if (!s1p) {
            return -EOPNOTSUPP;
        }
        h->s1 = true;
        break;
    default:
        return -EOPNOTSUPP;
    }
    h->smmu = s;
    if (h->s1) {
        rc = hs_asid_alloc(s, &h->asid);
        h->has_asid = rc == 0;
    } else {
        rc = hs_smmu_vmid_alloc(s, &h->vmid);
        h->has_vmid = rc == 0;
    }
    return rc;
}

/*
 * A new (unpublished) HWPT_PAGING on ioas for dev: the core's flag checks
 * of 1.15, then the driver's domain.  It has not joined the IOAS yet.
 */
static int hs_hwpt_paging_new(HSIctx *ictx, HSIoas *ioas, HSDevice *dev,
                              uint32_t flags, bool data, HSHwpt **out)
{
    const uint32_t valid = IOMMU_HWPT_ALLOC_NEST_PARENT |
                           IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
                           IOMMU_HWPT_FAULT_ID_VALID |
                           IOMMU_HWPT_ALLOC_PASID;
    HSHwpt *h;
    int err = 0, rc;

    if (flags & ~valid) {
        return -EOPNOTSUPP;
    }
    if ((flags & IOMMU_HWPT_FAULT_ID_VALID) &&
        (flags & IOMMU_HWPT_ALLOC_NEST_PARENT)) {
        return -EOPNOTSUPP;
    }
    if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
        !hs_dirty_capable(dev)) {
        return -EOPNOTSUPP;
    }
    h = hs_obj_alloc(ictx, HS_OBJ_HWPT_PAGING, sizeof(*h), &err);
    if (!h) {
        return err;
    }
    h->kind = HS_HWPT_PAGING;
    h->ioas = ioas;
    ioas->obj.users++;
    h->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
    rc = hs_domain_alloc(h, dev, flags & ~IOMMU_HWPT_FAULT_ID_VALID, data);
    if (rc) {
        hs_hwpt_abort(h);
        return rc;
    }
    /* Cache coherency is enforced for a CANWBS device's domain (3.1). */
    h->enforce_cc = dev->func->canwbs;
    *out = h;
    return 0;
}

/* The domain joins its IOAS: aperture, page size (1.15). */
static int hs_hwpt_join(HSHwpt *h)
{
    uint64_t last;
    int rc;

    if (h->s1) {
        last = HS_S1_APERTURE_LAST;
    } else if (h->smmu->oas_bits >= 64) {
        last = UINT64_MAX;
    } else {
        last = (1ULL << h->smmu->oas_bits) - 1;
    }
    rc = hs_ioas_add_domain(h->ioas, h, last, HS_DOMAIN_PGSIZE);
    if (rc == 0) {
        h->in_ioas = true;
    }
    return rc;
}

/*
 * IOMMU_HWPT_ALLOC with pt_id = a vIOMMU (1.15 then 3.2): a nested HWPT
 * holding the guest's vSTE.
 */
static int hs_hwpt_nested_new(HSIctx *ictx, HSViommu *v, HSDevice *dev,
                              const struct iommu_hwpt_alloc *cmd,
                              HSHwpt **out)
{
    uint64_t ste[2];
    bool ats = false;
    HSHwpt *h;
    int err = 0, rc;

    if (v->smmu != dev->func->smmu) {
        return -EINVAL;
    }
    if (cmd->flags & ~IOMMU_HWPT_FAULT_ID_VALID) {
        return -EOPNOTSUPP;
    }
    if (!cmd->data_len) {
        return -EOPNOTSUPP;
    }
    h = hs_obj_alloc(ictx, HS_OBJ_HWPT_NESTED, sizeof(*h), &err);
    if (!h) {
        return err;
    }
    h->kind = HS_HWPT_NESTED;
    h->viommu = v;
    v->obj.users++;
    h->parent = v->s2;
    h->smmu = v->smmu;

    /* The driver: exactly one struct iommu_hwpt_arm_smmuv3 (3.2). */
    if (cmd->data_type != IOMMU_HWPT_DATA_ARM_SMMUV3 ||
        cmd->data_len != sizeof(ste)) {
        rc = -EINVAL;
        goto fail;
    }
    rc = hs_copy_from_user(ste, cmd->data_uptr, sizeof(ste));
    if (rc) {
        goto fail;
    }
    rc = hs_vste_check(ste, &ats);
    if (rc) {
        goto fail;
    }
    if (!(ste[0] & HS_STE0_V)) {
        ste[0] = ste[1] = 0;
    }
    rc = hs_inject(ENOMEM, "nested-domain");
    if (rc) {
        goto fail;
    }
    h->ste[0] = ste[0];
    h->ste[1] = ste[1] & ~HS_STE1_EATS;
    h->enable_ats = ats;
    *out = h;
    return 0;

fail:
    hs_hwpt_abort(h);
    return rc;
}

int hs_ioctl_hwpt_alloc(HSUcmd *u)
{
    struct iommu_hwpt_alloc *cmd = u->cmd;
    HSHwpt *h = NULL;
    HSDevice *dev;
    HSObj *pt;
    int err = 0, rc;

    if (cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    if ((cmd->data_type == IOMMU_HWPT_DATA_NONE && cmd->data_len) ||
        (cmd->data_type != IOMMU_HWPT_DATA_NONE && !cmd->data_len)) {
        return -EINVAL;
    }
    dev = (HSDevice *)hs_obj_get(u->ictx, cmd->dev_id, HS_OBJ_DEVICE, &err);
    if (!dev) {
        return err;
    }
    pt = hs_obj_get(u->ictx, cmd->pt_id, HS_OBJ_ANY, &err);
    if (!pt) {
        return -EINVAL;
    }
    switch (pt->type) {
    case HS_OBJ_IOAS:
        rc = hs_hwpt_paging_new(u->ictx, (HSIoas *)pt, dev, cmd->flags,
                                cmd->data_len != 0, &h);
        if (rc) {
            return rc;
        }
        rc = hs_hwpt_join(h);
        if (rc) {
            goto fail;
        }
        break;
    case HS_OBJ_HWPT_PAGING:
        /*
         * The core would make a nested domain on a NEST_PARENT paging
         * HWPT, but arm-smmu-v3 has no domain_alloc_nested: use a vIOMMU.
         */
        return -EOPNOTSUPP;
    case HS_OBJ_VIOMMU:
        rc = hs_hwpt_nested_new(u->ictx, (HSViommu *)pt, dev, cmd, &h);
        if (rc) {
            return rc;
        }
        break;
    default:
        return -EINVAL;
    }

    if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) {
        HSFault *f = (HSFault *)hs_obj_get(u->ictx, cmd->fault_id,
                                           HS_OBJ_FAULT, &err);

        if (!f) {
            rc = err;
            goto fail;
        }
        h->fault = f;
        f->obj.users++;
    }
    cmd->out_hwpt_id = h->obj.id;
    rc = hs_ucmd_respond(u);
    if (rc) {
        goto fail;
    }
    hs_obj_publish(&h->obj);
    return 0;

fail:
    hs_hwpt_abort(h);
    return rc;
}

/* ---- GET_HW_INFO ---------------------------------------------------- */

/* Write len zero bytes at uptr (clear_user). */
static int hs_clear_user(uint64_t uptr, uint64_t len)
{
    static const uint8_t zero[4096];

    while (len) {
        size_t n = len < sizeof(zero) ? len : sizeof(zero);
        int rc = hs_copy_to_user(uptr, zero, n);

        if (rc) {
            return rc;
        }
        uptr += n;
        len -= n;
    }
    return 0;
}

int hs_ioctl_get_hw_info(HSUcmd *u)
{
    struct iommu_hw_info *cmd = u->cmd;
    struct iommu_hw_info_arm_smmuv3 info;
    uint32_t copy_len;
    HSDevice *dev;
    HSFunc *f;
    HSSmmu *s;
    int err = 0, rc, i;

    if (cmd->flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE) {
        return -EOPNOTSUPP;
    }
    if (cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2]) {
        return -EOPNOTSUPP;
    }
    /* Without INPUT_TYPE the input type is the driver's default. */
    if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE)) {
        cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
    }
    dev = (HSDevice *)hs_obj_get(u->ictx, cmd->dev_id, HS_OBJ_DEVICE, &err);
    if (!dev) {
        return err;
    }
    f = dev->func;
    s = f->smmu;
    /* No implementation-specific (Tegra241) types on these SMMUs. */
    if (cmd->in_data_type != IOMMU_HW_INFO_TYPE_DEFAULT &&
        cmd->in_data_type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3) {
        return -EOPNOTSUPP;
    }
    rc = hs_inject(ENOMEM, "hw-info");
    if (rc) {
        return rc;
    }
    memset(&info, 0, sizeof(info));
    for (i = 0; i < 6; i++) {
        info.idr[i] = s->idr[i];
    }
    info.iidr = s->iidr;
    info.aidr = s->aidr;

    copy_len = cmd->data_len < sizeof(info) ? cmd->data_len : sizeof(info);
    rc = hs_copy_to_user(cmd->data_uptr, &info, copy_len);
    if (rc) {
        return rc;
    }
    if (copy_len < cmd->data_len) {
        rc = hs_clear_user(cmd->data_uptr + copy_len,
                           cmd->data_len - copy_len);
        if (rc) {
            return rc;
        }
    }
    cmd->data_len = sizeof(info);
    cmd->out_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
    cmd->out_capabilities = 0;
    if (hs_dirty_capable(dev)) {
        cmd->out_capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;
    }
    /* No simulated function has PASID: no PASID width, no PASID caps. */
    cmd->out_max_pasid_log2 = 0;
    if (!(f->ats && s->ats)) {
        cmd->out_capabilities |= IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;
    }
    return hs_ucmd_respond(u);
}

/* ---- dirty tracking (1.16) ------------------------------------------ */

int hs_ioctl_hwpt_set_dirty_tracking(HSUcmd *u)
{
    struct iommu_hwpt_set_dirty_tracking *cmd = u->cmd;
    int err = 0;

    if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE) {
        return -EOPNOTSUPP;
    }
    if (!hs_obj_get(u->ictx, cmd->hwpt_id, HS_OBJ_HWPT_PAGING, &err)) {
        return err;
    }
    /* The domain has no dirty-tracking operations. */
    return -EOPNOTSUPP;
}

int hs_ioctl_hwpt_get_dirty_bitmap(HSUcmd *u)
{
    struct iommu_hwpt_get_dirty_bitmap *cmd = u->cmd;
    uint64_t align, last;
    HSHwpt *h;
    int err = 0;

    if ((cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) ||
        cmd->__reserved) {
        return -EOPNOTSUPP;
    }
    h = (HSHwpt *)hs_obj_get(u->ictx, cmd->hwpt_id, HS_OBJ_HWPT_PAGING,
                             &err);
    if (!h) {
        return err;
    }
    /* The IOVA range checks come before the domain is asked. */
    if (__builtin_add_overflow(cmd->iova, cmd->length - 1, &last)) {
        return -EOVERFLOW;
    }
    align = h->ioas && h->ioas->iova_alignment ?
            h->ioas->iova_alignment : 1;
    if ((cmd->iova & (align - 1)) || ((last + 1) & (align - 1))) {
        return -EINVAL;
    }
    if (!cmd->page_size) {
        return -EINVAL;
    }
    if ((cmd->iova & (cmd->page_size - 1)) ||
        ((last + 1) & (cmd->page_size - 1))) {
        return -EINVAL;
    }
    return -EOPNOTSUPP;
}

/* ---- DEVICE objects ------------------------------------------------- */

int hs_device_bind(HSIctx *ictx, HSFunc *func, HSVfioDev *vdev,
                   HSDevice **out)
{
    HSDevice *dev;
    int err = 0, rc;

    /* iommufd always maps cacheable: the SMMU must be coherent. */
    if (!func->smmu->cohacc) {
        return -EINVAL;
    }
    /* The per-context iommu group record. */
    rc = hs_inject(ENOMEM, "bind-group");
    if (rc) {
        return rc;
    }
    /* MSIs are isolated (an ITS): no EPERM.  DMA ownership: */
    if (func->idev) {
        return -EBUSY;
    }
    dev = hs_obj_alloc(ictx, HS_OBJ_DEVICE, sizeof(*dev), &err);
    if (!dev) {
        return err;
    }
    dev->func = func;
    dev->vdev = vdev;
    dev->obj.never_destroy = true;
    dev->obj.users = 1;             /* the VFIO driver, until unbind */
    hs_ictx_get(ictx);
    hs_obj_publish(&dev->obj);
    func->idev = dev;
    /* Owned for user space: DMA-blocked until ATTACH. */
    hs_smmu_set_ste(func->smmu, func->sid, NULL);
    *out = dev;
    return 0;
}

void hs_device_unbind(HSDevice *dev)
{
    HSIctx *ictx = dev->obj.ictx;

    hs_device_detach(dev);
    if (dev->vdevice) {
        /* Force-destroyed; the ID stays a tombstone (1.19, 3.8). */
        hs_obj_tombstone(&dev->vdevice->obj);
        dev->vdevice = NULL;
    }
    dev->vmaster = NULL;
    if (dev->func->idev == dev) {
        dev->func->idev = NULL;
    }
    dev->obj.never_destroy = false;
    dev->obj.users = 0;
    hs_obj_destroy(&dev->obj);
    hs_ictx_put(ictx);
}

/* ---- attach, replace, detach ---------------------------------------- */

/* Install the physical STE the driver makes for dev on h (NULL: blocked). */
static void hs_ste_install(HSDevice *dev, HSHwpt *h)
{
    HSFunc *f = dev->func;
    HSSmmu *s = f->smmu;
    bool ats = f->ats && s->ats;
    HSSte ste;

    memset(&ste, 0, sizeof(ste));
    ste.kind = HS_STE_ABORT;
    if (h && h->kind == HS_HWPT_PAGING) {
        ste.ioas = h->ioas;
        ste.eats = ats;
        if (h->s1) {
            ste.kind = HS_STE_S1_DOMAIN;
            ste.asid = h->asid;
        } else {
            ste.kind = HS_STE_S2_DOMAIN;
            ste.vmid = h->vmid;
            ste.s2fwb = s->s2fwb;
        }
    } else if (h) {
        HSHwpt *p = h->parent;
        unsigned cfg = HS_STE0_CFG(h->ste[0]);

        if (!(h->ste[0] & HS_STE0_V)) {
            cfg = HS_STE_CFG_ABORT;
        }
        if (cfg == HS_STE_CFG_BYPASS) {
            /*
             * Stage 2 only.  The guest's EATS decides ATS only for an
             * S1-translate vSTE; bypass gets it wherever the device and
             * the SMMU support it, as a plain S2 domain does (3.2).
             */
            ste.kind = HS_STE_S2_DOMAIN;
            ste.ioas = p->ioas;
            ste.vmid = p->vmid;
            ste.s2fwb = s->s2fwb;
            ste.eats = ats;
        } else if (cfg == HS_STE_CFG_S1_TRANS) {
            ste.kind = HS_STE_NESTED;
            ste.ioas = p->ioas;
            ste.vmid = p->vmid;
            ste.vste[0] = h->ste[0];
            ste.vste[1] = h->ste[1];
            ste.s2fwb = s->s2fwb;
            ste.mev = true;
            ste.eats = h->enable_ats && ats;
        }
    }
    hs_smmu_set_ste(s, f->sid, &ste);
}

/*
 * The driver's checks of an attach of dev to h (3.2 attach table, 3.1
 * CANWBS), in the driver's order.  On success *vm / *vsid is the vmaster
 * to record (NULL: none).
 */
static int hs_attach_prepare(HSDevice *dev, HSHwpt *h, HSViommu **vm,
                             uint64_t *vsid)
{
    HSFunc *f = dev->func;
    HSHwpt *cc = h;
    int rc;

    *vm = NULL;
    *vsid = 0;
    if (h->kind == HS_HWPT_NESTED) {
        HSVdevice *vd = dev->vdevice;
        unsigned cfg = HS_STE0_CFG(h->ste[0]);

        if (h->viommu->smmu != f->smmu) {
            return -EINVAL;
        }
        if (vd && vd->viommu == h->viommu) {
            rc = hs_inject(ENOMEM, "vmaster");
            if (rc) {
                return rc;
            }
            *vm = h->viommu;
            *vsid = vd->virt_id;
        } else if (cfg != HS_STE_CFG_ABORT && cfg != HS_STE_CFG_BYPASS) {
            /* Stage-1 translation needs the vSID (GBPA cases do not). */
            return -ENOENT;
        }
        cc = h->parent;
    } else if (h->smmu != f->smmu) {
        return -EINVAL;
    }
    if (cc->enforce_cc && !f->canwbs) {
        return -EINVAL;
    }
    return 0;
}

static void hs_attach_commit(HSDevice *dev, HSHwpt *h, HSViommu *vm,
                             uint64_t vsid)
{
    dev->attached = h;
    hs_ste_install(dev, h);
    dev->vmaster = vm;
    dev->vmaster_vsid = vsid;
    h->attached++;
    h->obj.users++;
}

static int hs_reserve_msi(HSIoas *ioas, HSDevice *dev)
{
    return hs_ioas_reserve(ioas, HS_MSI_IOVA_BASE, HS_MSI_IOVA_LAST, dev,
                           "msi");
}

/* First attach of a blocked device to h. */
static int hs_do_attach(HSDevice *dev, HSHwpt *h)
{
    HSIoas *ioas = hs_hwpt_paging_of(h)->ioas;
    HSViommu *vm;
    uint64_t vsid;
    int rc;

    /* The device's reserved regions enter the IOAS first (EADDRINUSE). */
    rc = hs_reserve_msi(ioas, dev);
    if (rc) {
        return rc;
    }
    rc = hs_inject(ENOMEM, "attach-handle");
    if (rc) {
        goto unreserve;
    }
    rc = hs_attach_prepare(dev, h, &vm, &vsid);
    if (rc) {
        goto unreserve;
    }
    dev->msi_reserved = true;
    hs_attach_commit(dev, h, vm, vsid);
    return 0;

unreserve:
    hs_ioas_unreserve(ioas, dev);
    return rc;
}

/* Blocked again: abort STE, no vmaster, reserved regions dropped. */
static HSHwpt *hs_do_detach(HSDevice *dev)
{
    HSHwpt *h = dev->attached;

    hs_ste_install(dev, NULL);
    dev->vmaster = NULL;
    dev->vmaster_vsid = 0;
    hs_ioas_unreserve(hs_hwpt_paging_of(h)->ioas, dev);
    dev->msi_reserved = false;
    dev->attached = NULL;
    h->attached--;
    h->obj.users--;
    return h;
}

/*
 * Replace the attachment of dev by h: all or nothing, the STE rewritten
 * in place (hitless).  Same HWPT: nothing to do.
 */
static int hs_do_replace(HSDevice *dev, HSHwpt *h)
{
    HSHwpt *old = dev->attached;
    HSIoas *nioas = hs_hwpt_paging_of(h)->ioas;
    HSIoas *oioas = hs_hwpt_paging_of(old)->ioas;
    bool move = nioas != oioas;
    HSViommu *vm;
    uint64_t vsid;
    int rc;

    if (h == old) {
        return 0;
    }
    if (move) {
        rc = hs_reserve_msi(nioas, dev);
        if (rc) {
            return rc;
        }
    }
    rc = hs_inject(ENOMEM, "attach-handle");
    if (rc) {
        goto unreserve;
    }
    rc = hs_attach_prepare(dev, h, &vm, &vsid);
    if (rc) {
        goto unreserve;
    }
    if (move) {
        hs_ioas_unreserve(oioas, dev);
    }
    old->attached--;
    old->obj.users--;
    hs_attach_commit(dev, h, vm, vsid);
    hs_hwpt_put_auto(old);
    return 0;

unreserve:
    if (move) {
        hs_ioas_unreserve(nioas, dev);
    }
    return rc;
}

/*
 * pt_id names an IOAS: reuse a compatible automatic domain of it or make
 * one (flags 0) for dev; *pt_id becomes its ID (2.3).
 */
static int hs_attach_ioas(HSDevice *dev, HSIoas *ioas, uint32_t *pt_id,
                          bool replace)
{
    HSHwpt *h;
    unsigned i;
    int rc;

    for (i = 0; ioas->hwpts && i < ioas->hwpts->len; i++) {
        h = g_ptr_array_index(ioas->hwpts, i);
        if (!h->auto_domain) {
            continue;
        }
        rc = replace ? hs_do_replace(dev, h) : hs_do_attach(dev, h);
        if (rc == -EINVAL) {
            continue;               /* incompatible: try the next one */
        }
        if (rc == 0) {
            *pt_id = h->obj.id;
        }
        return rc;
    }

    rc = hs_hwpt_paging_new(dev->obj.ictx, ioas, dev, 0, false, &h);
    if (rc) {
        return rc;
    }
    if (!replace) {
        /* Attached first, then filled from the IOAS. */
        rc = hs_do_attach(dev, h);
        if (rc) {
            goto fail;
        }
        rc = hs_hwpt_join(h);
        if (rc) {
            hs_do_detach(dev);
            goto fail;
        }
    } else {
        rc = hs_hwpt_join(h);
        if (rc) {
            goto fail;
        }
        rc = hs_do_replace(dev, h);
        if (rc) {
            goto fail;
        }
    }
    h->auto_domain = true;
    *pt_id = h->obj.id;
    hs_obj_publish(&h->obj);
    return 0;

fail:
    hs_hwpt_abort(h);
    return rc;
}

int hs_device_attach(HSDevice *dev, uint32_t *pt_id)
{
    bool replace = dev->attached != NULL;
    HSObj *obj;
    int err = 0, rc;

    obj = hs_obj_get(dev->obj.ictx, *pt_id, HS_OBJ_ANY, &err);
    if (!obj) {
        return err;
    }
    switch (obj->type) {
    case HS_OBJ_HWPT_PAGING:
    case HS_OBJ_HWPT_NESTED:
        rc = replace ? hs_do_replace(dev, (HSHwpt *)obj)
                     : hs_do_attach(dev, (HSHwpt *)obj);
        break;
    case HS_OBJ_IOAS:
        rc = hs_attach_ioas(dev, (HSIoas *)obj, pt_id, replace);
        break;
    default:
        return -EINVAL;
    }
    if (rc == 0 && !replace) {
        dev->obj.users++;           /* the attachment, until detach */
    }
    return rc;
}

void hs_device_detach(HSDevice *dev)
{
    HSHwpt *h;

    if (!dev->attached) {
        return;
    }
    h = hs_do_detach(dev);
    dev->obj.users--;
    hs_hwpt_put_auto(h);
}

/*
 * The host enables MSI for dev (3.7).  Blocked: the doorbell is used
 * untranslated (*iova = 0).  Attached: the context's doorbell page (one
 * GIC ITS, so page offset 0) is mapped at the SW_MSI base of the domain.
 */
int hs_device_sw_msi(HSDevice *dev, uint64_t *iova)
{
    HSIctx *ictx = dev->obj.ictx;
    int rc;

    *iova = 0;
    if (!dev->attached) {
        return 0;
    }
    if (ictx->sw_msi_pages == 0) {
        rc = hs_inject(ENOMEM, "sw-msi-map");
        if (rc) {
            return rc;
        }
        ictx->sw_msi_pages = 1;
    }
    if (ictx->sw_msi_pages > HS_MAX_SW_MSI_PAGES) {
        return -EOVERFLOW;
    }
    *iova = HS_MSI_IOVA_BASE;
    return 0;
}
