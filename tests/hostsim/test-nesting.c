/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the simulated SMMUv3 nesting (hwpt.c, viommu.c) on the
 * default topology: GET_HW_INFO, paging and nested HWPT_ALLOC with their
 * errno order, the vIOMMU and vDEVICE rules, attach / replace / detach
 * with the physical STE the driver installs, HWPT_INVALIDATE validation,
 * rewriting and entry_num, and the vEVENTQ record stream (sequence
 * numbers, the lost-events marker, read() rules).
 *
 * The kernel side is driven directly (hs_iommufd_ioctl on a context from
 * hs_ictx_open, hs_device_bind for the VFIO part) under the simulator's
 * lock, and every test ends with an empty leak report.
 */
#include "hostsim-int.h"

#include <string.h>
#include <unistd.h>

#define STE0_V          1ULL
#define STE0_ABORT      (STE0_V | (0ULL << 1))
#define STE0_BYPASS     (STE0_V | (4ULL << 1))
#define STE0_S1         (STE0_V | (5ULL << 1))
#define STE0_CDPTR      0x0000000040001000ULL

/* One iommufd context with the three functions of default.topo bound. */
typedef struct Ctx {
    HSIctx *ictx;
    HSFunc *f[3];
    HSDevice *dev[3];
    uint32_t ioas;
} Ctx;

static int ioc(Ctx *c, unsigned long req, void *arg)
{
    int rc;

    hs_lock();
    rc = hs_iommufd_ioctl(c->ictx, req, arg);
    hs_unlock();
    return rc;
}

static bool setup(Ctx *c)
{
    struct iommu_ioas_alloc a = { .size = sizeof(a) };
    int err = 0, i;

    memset(c, 0, sizeof(*c));
    if (!hs_topo || hs_topo->smmus->len < 2 || hs_topo->funcs->len < 3) {
        g_test_skip("the default topology is not loaded");
        return false;
    }
    hs_lock();
    c->ictx = hs_ictx_open(&err);
    hs_unlock();
    if (!c->ictx) {
        g_test_skip("no iommufd context");
        return false;
    }
    for (i = 0; i < 3; i++) {
        c->f[i] = g_ptr_array_index(hs_topo->funcs, i);
        hs_lock();
        err = hs_device_bind(c->ictx, c->f[i], NULL, &c->dev[i]);
        hs_unlock();
        g_assert_cmpint(err, ==, 0);
    }
    g_assert_cmpint(ioc(c, IOMMU_IOAS_ALLOC, &a), ==, 0);
    c->ioas = a.out_ioas_id;
    return true;
}

static void teardown(Ctx *c)
{
    g_autoptr(GString) leaks = g_string_new("");
    int i;

    hs_lock();
    for (i = 0; i < 3; i++) {
        hs_device_unbind(c->dev[i]);
    }
    hs_ictx_put(c->ictx);
    hs_leak_report(leaks);
    hs_unlock();
    if (leaks->len) {
        g_test_message("%s", leaks->str);
    }
    g_assert_cmpuint(leaks->len, ==, 0);
}

static uint32_t id_of(HSDevice *d)
{
    return d->obj.id;
}

static int destroy(Ctx *c, uint32_t id)
{
    struct iommu_destroy d = { .size = sizeof(d), .id = id };

    return ioc(c, IOMMU_DESTROY, &d);
}

static int hwpt_paging(Ctx *c, int dev, uint32_t pt, uint32_t flags,
                       uint32_t *out)
{
    struct iommu_hwpt_alloc a = {
        .size = sizeof(a), .flags = flags, .dev_id = id_of(c->dev[dev]),
        .pt_id = pt,
    };
    int rc = ioc(c, IOMMU_HWPT_ALLOC, &a);

    *out = a.out_hwpt_id;
    return rc;
}

static int hwpt_nested(Ctx *c, int dev, uint32_t viommu, uint64_t ste0,
                       uint64_t ste1, uint32_t *out)
{
    uint64_t ste[2] = { ste0, ste1 };
    struct iommu_hwpt_alloc a = {
        .size = sizeof(a), .dev_id = id_of(c->dev[dev]), .pt_id = viommu,
        .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = sizeof(ste),
        .data_uptr = (uintptr_t)ste,
    };
    int rc = ioc(c, IOMMU_HWPT_ALLOC, &a);

    *out = a.out_hwpt_id;
    return rc;
}

static int viommu(Ctx *c, int dev, uint32_t s2, uint32_t *out)
{
    struct iommu_viommu_alloc a = {
        .size = sizeof(a), .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        .dev_id = id_of(c->dev[dev]), .hwpt_id = s2,
    };
    int rc = ioc(c, IOMMU_VIOMMU_ALLOC, &a);

    *out = a.out_viommu_id;
    return rc;
}

static int vdevice(Ctx *c, uint32_t v, int dev, uint64_t vsid, uint32_t *out)
{
    struct iommu_vdevice_alloc a = {
        .size = sizeof(a), .viommu_id = v, .dev_id = id_of(c->dev[dev]),
        .virt_id = vsid,
    };
    int rc = ioc(c, IOMMU_VDEVICE_ALLOC, &a);

    *out = a.out_vdevice_id;
    return rc;
}

static int attach(Ctx *c, int dev, uint32_t *pt)
{
    int rc;

    hs_lock();
    rc = hs_device_attach(c->dev[dev], pt);
    hs_unlock();
    return rc;
}

static void detach(Ctx *c, int dev)
{
    hs_lock();
    hs_device_detach(c->dev[dev]);
    hs_unlock();
}

static HSSte ste_of(Ctx *c, int dev)
{
    HSSte ste = { 0 };
    const HSSte *p;

    hs_lock();
    p = hs_smmu_get_ste(c->f[dev]->smmu, c->f[dev]->sid);
    if (p) {
        ste = *p;
    }
    hs_unlock();
    return ste;
}

static int invalidate(Ctx *c, uint32_t id, const uint64_t *cmds,
                      uint32_t len, uint32_t *num)
{
    struct iommu_hwpt_invalidate a = {
        .size = sizeof(a), .hwpt_id = id, .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = len, .entry_num = *num,
    };
    int rc = ioc(c, IOMMU_HWPT_INVALIDATE, &a);

    *num = a.entry_num;
    return rc;
}

/* The S2 parent, vIOMMU and vDEVICE (vsid) of function dev. */
static void nest_setup(Ctx *c, int dev, uint64_t vsid, uint32_t *s2,
                       uint32_t *v, uint32_t *vd)
{
    g_assert_cmpint(hwpt_paging(c, dev, c->ioas,
                                IOMMU_HWPT_ALLOC_NEST_PARENT, s2), ==, 0);
    g_assert_cmpint(viommu(c, dev, *s2, v), ==, 0);
    if (vd) {
        g_assert_cmpint(vdevice(c, *v, dev, vsid, vd), ==, 0);
    }
}

/* ---- GET_HW_INFO ---- */

static void test_hw_info(void)
{
    struct iommu_hw_info_arm_smmuv3 *info;
    uint8_t buf[64];
    struct iommu_hw_info hi;
    Ctx c;
    int i;

    if (!setup(&c)) {
        return;
    }
    memset(buf, 0xaa, sizeof(buf));
    hi = (struct iommu_hw_info) {
        .size = sizeof(hi), .dev_id = id_of(c.dev[0]),
        .data_len = sizeof(buf), .data_uptr = (uintptr_t)buf,
        .out_capabilities = ~0ULL, .out_max_pasid_log2 = 9,
    };
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, 0);
    g_assert_cmpuint(hi.data_len, ==, sizeof(*info));
    g_assert_cmpuint(hi.out_data_type, ==, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    g_assert_cmpuint(hi.out_max_pasid_log2, ==, 0);
    /* smmu.0 has no ATS. */
    g_assert_cmphex(hi.out_capabilities, ==,
                    IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
    info = (struct iommu_hw_info_arm_smmuv3 *)buf;
    for (i = 0; i < 6; i++) {
        g_assert_cmphex(info->idr[i], ==, c.f[0]->smmu->idr[i]);
    }
    g_assert_cmphex(info->iidr, ==, c.f[0]->smmu->iidr);
    g_assert_cmphex(info->aidr, ==, c.f[0]->smmu->aidr);
    g_assert_cmpuint(info->flags, ==, 0);
    for (i = sizeof(*info); i < (int)sizeof(buf); i++) {
        g_assert_cmpuint(buf[i], ==, 0);        /* zero-filled */
    }

    /* A short buffer: only its bytes are written, data_len says 40. */
    memset(buf, 0xaa, sizeof(buf));
    hi.data_len = 8;
    hi.dev_id = id_of(c.dev[2]);
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, 0);
    g_assert_cmpuint(hi.data_len, ==, sizeof(*info));
    g_assert_cmpuint(buf[8], ==, 0xaa);
    /* smmu.1 and its function have ATS. */
    g_assert_cmphex(hi.out_capabilities, ==, 0);

    /* An input type without the flag is ignored; with it, checked. */
    hi.data_len = 0;
    hi.in_data_type = 77;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, 0);
    hi.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
    hi.in_data_type = IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, -EOPNOTSUPP);
    hi.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, 0);
    hi.flags = 2;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, -EOPNOTSUPP);
    hi.flags = 0;
    hi.__reserved[2] = 1;
    hi.dev_id = 0;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, -EOPNOTSUPP);
    hi.__reserved[2] = 0;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, -ENOENT);
    hi.dev_id = c.ioas;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, -ENOENT);
    /* A bad buffer. */
    hi.dev_id = id_of(c.dev[0]);
    hi.data_len = 40;
    hi.data_uptr = 8;
    g_assert_cmpint(ioc(&c, IOMMU_GET_HW_INFO, &hi), ==, -EFAULT);
    teardown(&c);
}

/* ---- paging HWPTs ---- */

static void test_hwpt_paging(void)
{
    struct iommu_hwpt_alloc a;
    uint32_t s1, s2, s2b, id;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, 0, &s1), ==, 0);
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
                                &s2), ==, 0);
    g_assert_cmpint(hwpt_paging(&c, 1, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
                                &s2b), ==, 0);
    g_assert_cmpuint(s1, !=, s2);
    /* Combinations the driver refuses. */
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT |
                                IOMMU_HWPT_ALLOC_PASID, &id),
                    ==, -EOPNOTSUPP);
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas,
                                IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id),
                    ==, -EOPNOTSUPP);
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, IOMMU_HWPT_FAULT_ID_VALID |
                                IOMMU_HWPT_ALLOC_NEST_PARENT, &id),
                    ==, -EOPNOTSUPP);
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, 1u << 7, &id),
                    ==, -EOPNOTSUPP);
    /* A fault ID that does not exist. */
    a = (struct iommu_hwpt_alloc) {
        .size = sizeof(a), .flags = IOMMU_HWPT_FAULT_ID_VALID,
        .dev_id = id_of(c.dev[0]), .pt_id = c.ioas, .fault_id = 999,
    };
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -ENOENT);
    /* The core's order: reserved, data, device, pt. */
    a = (struct iommu_hwpt_alloc) {
        .size = sizeof(a), .dev_id = 999, .pt_id = 999, .__reserved = 1,
        .data_len = 4,
    };
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EOPNOTSUPP);
    a.__reserved = 0;
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EINVAL);
    a.data_len = 0;
    a.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EINVAL);
    a.data_type = 0;
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -ENOENT);
    a.dev_id = id_of(c.dev[0]);
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EINVAL);
    a.pt_id = id_of(c.dev[1]);
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EINVAL);
    /* Driver data on a paging HWPT. */
    {
        uint64_t data[2] = { 0 };

        a.pt_id = c.ioas;
        a.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
        a.data_len = sizeof(data);
        a.data_uptr = (uintptr_t)data;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EOPNOTSUPP);
        /* On a paging HWPT: SMMUv3 nests only through a vIOMMU. */
        a.pt_id = s2;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EOPNOTSUPP);
    }
    /* Nest parents get distinct VMIDs; the IOAS is held. */
    {
        HSHwpt *h2, *h2b;
        int err;

        hs_lock();
        h2 = (HSHwpt *)hs_obj_get(c.ictx, s2, HS_OBJ_HWPT_PAGING, &err);
        h2b = (HSHwpt *)hs_obj_get(c.ictx, s2b, HS_OBJ_HWPT_PAGING, &err);
        hs_unlock();
        g_assert_nonnull(h2);
        g_assert_nonnull(h2b);
        g_assert_true(h2->nest_parent && !h2->s1);
        g_assert_cmpuint(h2->vmid, !=, 0);
        g_assert_cmpuint(h2->vmid, !=, h2b->vmid);
    }
    g_assert_cmpint(destroy(&c, c.ioas), ==, -EBUSY);
    /* Dirty tracking: lookups first, then no dirty ops. */
    {
        struct iommu_hwpt_set_dirty_tracking sd = {
            .size = sizeof(sd), .flags = 2, .hwpt_id = s1,
        };
        struct iommu_hwpt_get_dirty_bitmap gd = {
            .size = sizeof(gd), .hwpt_id = 999, .iova = 0x1000,
            .length = 0x1000, .page_size = 0x1000,
        };

        g_assert_cmpint(ioc(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &sd),
                        ==, -EOPNOTSUPP);
        sd.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
        sd.hwpt_id = c.ioas;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &sd),
                        ==, -ENOENT);
        sd.hwpt_id = s1;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &sd),
                        ==, -EOPNOTSUPP);
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, &gd),
                        ==, -ENOENT);
        gd.hwpt_id = s1;
        gd.page_size = 0;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, &gd),
                        ==, -EINVAL);
        gd.page_size = 0x1000;
        gd.iova = ~0ULL - 0x800;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, &gd),
                        ==, -EOVERFLOW);
        gd.iova = 0x1000;
        g_assert_cmpint(ioc(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, &gd),
                        ==, -EOPNOTSUPP);
    }
    g_assert_cmpint(destroy(&c, s1), ==, 0);
    g_assert_cmpint(destroy(&c, s2), ==, 0);
    g_assert_cmpint(destroy(&c, s2b), ==, 0);
    g_assert_cmpint(destroy(&c, c.ioas), ==, 0);
    teardown(&c);
}

/* ---- vIOMMU and vDEVICE ---- */

static void test_viommu_vdevice(void)
{
    struct iommu_viommu_alloc va;
    uint32_t s1, s2, s2other, v, v2, vd, id;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, 0, &s1), ==, 0);
    g_assert_cmpint(hwpt_paging(&c, 0, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
                                &s2), ==, 0);
    g_assert_cmpint(hwpt_paging(&c, 2, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
                                &s2other), ==, 0);
    va = (struct iommu_viommu_alloc) {
        .size = sizeof(va), .type = IOMMU_VIOMMU_TYPE_DEFAULT,
        .dev_id = 999, .hwpt_id = 999,
    };
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -EOPNOTSUPP);
    va.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
    va.flags = 1;
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -EOPNOTSUPP);
    va.flags = 0;
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -ENOENT);
    va.dev_id = id_of(c.dev[0]);
    va.type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -EOPNOTSUPP);
    va.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -ENOENT);
    va.hwpt_id = c.ioas;
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -ENOENT);
    va.hwpt_id = s1;
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -EINVAL);
    va.hwpt_id = s2other;           /* the S2 of smmu.1 */
    g_assert_cmpint(ioc(&c, IOMMU_VIOMMU_ALLOC, &va), ==, -EINVAL);
    g_assert_cmpint(viommu(&c, 0, s2, &v), ==, 0);
    /* smmu.1: no CANWBS but S2FWB. */
    g_assert_cmpint(viommu(&c, 2, s2other, &v2), ==, 0);
    g_assert_cmpint(destroy(&c, s2), ==, -EBUSY);

    /* vDEVICE: lookups, SMMU, one per device, one per vSID. */
    g_assert_cmpint(vdevice(&c, 999, 0, 1, &id), ==, -ENOENT);
    g_assert_cmpint(vdevice(&c, v, 2, 1, &id), ==, -EINVAL);
    g_assert_cmpint(vdevice(&c, v, 0, 0x42, &vd), ==, 0);
    g_assert_cmpint(vdevice(&c, v, 0, 0x43, &id), ==, -EEXIST);
    g_assert_cmpint(vdevice(&c, v, 1, 0x42, &id), ==, -EEXIST);
    g_assert_cmpint(destroy(&c, v), ==, -EBUSY);
    g_assert_cmpint(destroy(&c, vd), ==, 0);
    g_assert_cmpint(vdevice(&c, v, 1, 0x42, &id), ==, 0);
    /* Unbinding the device tombstones its vDEVICE (its ID stays taken). */
    hs_lock();
    hs_device_unbind(c.dev[1]);
    g_assert_cmpint(hs_device_bind(c.ictx, c.f[1], NULL, &c.dev[1]), ==, 0);
    hs_unlock();
    g_assert_cmpint(destroy(&c, id), ==, -ENOENT);
    g_assert_cmpint(vdevice(&c, v, 1, 0x42, &vd), ==, 0);
    g_assert_cmpuint(vd, !=, id);
    teardown(&c);
}

/* ---- nested HWPTs and attach ---- */

static void test_nested_attach(void)
{
    struct iommu_hwpt_alloc a;
    uint32_t s2, v, vd, n_s1, n_abort, n_bypass, n_inv, pt, id, s2other;
    uint64_t ste[2] = { STE0_S1 | STE0_CDPTR, 0 };
    HSSte ste0;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    nest_setup(&c, 0, 0, &s2, &v, NULL);
    g_assert_cmpint(hwpt_paging(&c, 2, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
                                &s2other), ==, 0);
    /* vSTE checks (3.2). */
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1 | (1ULL << 52), 0, &id),
                    ==, -EIO);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1, 1ULL << 8, &id),
                    ==, -EIO);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_V | (6ULL << 1), 0, &id),
                    ==, -EIO);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1, 2ULL << 28, &id),
                    ==, -EIO);
    g_assert_cmpint(hwpt_nested(&c, 2, v, STE0_S1, 0, &id), ==, -EINVAL);
    a = (struct iommu_hwpt_alloc) {
        .size = sizeof(a), .dev_id = id_of(c.dev[0]), .pt_id = v,
        .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = 8,
        .data_uptr = (uintptr_t)ste,
    };
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EINVAL);
    a.data_len = 16;
    a.data_type = IOMMU_HWPT_DATA_VTD_S1;
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EINVAL);
    a.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
    a.flags = IOMMU_HWPT_ALLOC_PASID;
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, -EOPNOTSUPP);

    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1 | STE0_CDPTR, 1ULL << 28,
                                &n_s1), ==, 0);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_ABORT, 0, &n_abort), ==, 0);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_BYPASS, 0, &n_bypass), ==, 0);
    /* Not valid: anything goes, stored as zeroes. */
    g_assert_cmpint(hwpt_nested(&c, 0, v, ~1ULL, ~0ULL, &n_inv), ==, 0);

    /* Stage 1 needs the vSID; abort and bypass do not. */
    pt = n_s1;
    g_assert_cmpint(attach(&c, 0, &pt), ==, -ENOENT);
    g_assert_cmpint(ste_of(&c, 0).kind, ==, HS_STE_ABORT);
    pt = n_bypass;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    g_assert_cmpuint(pt, ==, n_bypass);
    ste0 = ste_of(&c, 0);
    g_assert_cmpint(ste0.kind, ==, HS_STE_S2_DOMAIN);
    g_assert_cmpuint(ste0.vmid, !=, 0);
    g_assert_null(c.dev[0]->vmaster);
    pt = n_inv;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    g_assert_cmpint(ste_of(&c, 0).kind, ==, HS_STE_ABORT);
    /* A failed replace keeps the old attachment. */
    pt = n_s1;
    g_assert_cmpint(attach(&c, 0, &pt), ==, -ENOENT);
    g_assert_true(c.dev[0]->attached->obj.id == n_inv);
    /* A HWPT of the other SMMU. */
    pt = s2other;
    g_assert_cmpint(attach(&c, 0, &pt), ==, -EINVAL);
    g_assert_cmpint(destroy(&c, n_inv), ==, -EBUSY);

    g_assert_cmpint(vdevice(&c, v, 0, 0x1234, &vd), ==, 0);
    pt = n_s1;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    ste0 = ste_of(&c, 0);
    g_assert_cmpint(ste0.kind, ==, HS_STE_NESTED);
    g_assert_cmphex(ste0.vste[0], ==, STE0_S1 | STE0_CDPTR);
    g_assert_cmphex(ste0.vste[1], ==, 0);       /* EATS removed */
    g_assert_true(ste0.mev);
    g_assert_false(ste0.eats);                  /* smmu.0 has no ATS */
    g_assert_true(c.dev[0]->vmaster != NULL);
    g_assert_cmphex(c.dev[0]->vmaster_vsid, ==, 0x1234);
    /* The vDEVICE may go; the vmaster stays until re-attach (3.8). */
    g_assert_cmpint(destroy(&c, vd), ==, 0);
    g_assert_true(c.dev[0]->vmaster != NULL);
    pt = s2;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    g_assert_null(c.dev[0]->vmaster);
    g_assert_cmpint(ste_of(&c, 0).kind, ==, HS_STE_S2_DOMAIN);

    /* An IOAS: an automatic domain, shared, gone with its last device. */
    pt = c.ioas;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    g_assert_cmpuint(pt, !=, c.ioas);
    id = c.ioas;
    g_assert_cmpint(attach(&c, 1, &id), ==, 0);
    g_assert_cmpuint(id, ==, pt);
    g_assert_cmpint(ste_of(&c, 1).kind, ==, HS_STE_S1_DOMAIN);
    /* smmu.1's function cannot share it: a new one. */
    id = c.ioas;
    g_assert_cmpint(attach(&c, 2, &id), ==, 0);
    g_assert_cmpuint(id, !=, pt);
    detach(&c, 2);
    g_assert_cmpint(destroy(&c, id), ==, -ENOENT);
    detach(&c, 0);
    g_assert_cmpint(ste_of(&c, 0).kind, ==, HS_STE_ABORT);
    g_assert_cmpint(destroy(&c, pt), ==, -EBUSY);
    detach(&c, 1);
    g_assert_cmpint(destroy(&c, pt), ==, -ENOENT);
    detach(&c, 1);                              /* always fine */

    /* Mapping over the SW_MSI window, then attach: EADDRINUSE. */
    {
        struct iommu_ioas_map m;
        void *buf = g_malloc0(2 * HS_PAGE_SIZE);
        uint64_t va = ((uintptr_t)buf + HS_PAGE_SIZE - 1) &
                      ~(HS_PAGE_SIZE - 1);

        m = (struct iommu_ioas_map) {
            .size = sizeof(m), .ioas_id = c.ioas, .user_va = va,
            .length = HS_PAGE_SIZE, .iova = HS_MSI_IOVA_BASE,
            .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
        };
        g_assert_cmpint(ioc(&c, IOMMU_IOAS_MAP, &m), ==, 0);
        pt = s2;
        g_assert_cmpint(attach(&c, 0, &pt), ==, -EADDRINUSE);
        pt = c.ioas;
        g_assert_cmpint(attach(&c, 0, &pt), ==, -EADDRINUSE);
        g_assert_null(c.dev[0]->attached);
        {
            struct iommu_ioas_unmap um = {
                .size = sizeof(um), .ioas_id = c.ioas,
                .iova = HS_MSI_IOVA_BASE, .length = HS_PAGE_SIZE,
            };

            g_assert_cmpint(ioc(&c, IOMMU_IOAS_UNMAP, &um), ==, 0);
        }
        g_free(buf);
    }
    teardown(&c);
}

/* ---- HWPT_INVALIDATE ---- */

static const HSCmdLog *log_entry(HSSmmu *s, unsigned i, unsigned *len)
{
    const GArray *log = hs_smmu_cmd_log(s);

    *len = log ? log->len : 0;
    return i < *len ? &g_array_index(log, HSCmdLog, i) : NULL;
}

static void test_invalidate(void)
{
    uint64_t cmds[2 * 70];
    uint32_t s2, v, vd, n_s1, num, vmid, pt;
    HSSmmu *s;
    unsigned len, i, user;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    s = c.f[0]->smmu;
    nest_setup(&c, 0, 0x77, &s2, &v, &vd);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1 | STE0_CDPTR, 0, &n_s1),
                    ==, 0);
    pt = n_s1;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    vmid = ste_of(&c, 0).vmid;

    memset(cmds, 0, sizeof(cmds));
    num = 0;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EINVAL);
    num = 1;
    g_assert_cmpint(invalidate(&c, n_s1, cmds, 16, &num), ==, -EOPNOTSUPP);
    g_assert_cmpuint(num, ==, 0);
    num = 1;
    g_assert_cmpint(invalidate(&c, c.ioas, cmds, 16, &num), ==, -EINVAL);
    num = 1;
    g_assert_cmpint(invalidate(&c, 999, cmds, 16, &num), ==, -ENOENT);
    num = 1;
    g_assert_cmpint(invalidate(&c, v, cmds, 0, &num), ==, -EINVAL);
    num = 1;
    g_assert_cmpint(invalidate(&c, v, cmds, 8192, &num), ==, -EINVAL);

    /* Bad commands: EIO, entry_num = the index of the bad one. */
    hs_lock();
    hs_smmu_cmd_log_clear(s);
    hs_unlock();
    cmds[0] = 0x10;                             /* NH_ALL */
    cmds[2] = 0x46;                             /* CMD_SYNC */
    num = 2;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EIO);
    g_assert_cmpuint(num, ==, 1);
    log_entry(s, 0, &len);
    g_assert_cmpuint(len, ==, 0);               /* validated, not sent */
    cmds[2] = 0x11 | (1ULL << 20);              /* NH_ASID with SCALE */
    num = 2;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EIO);
    g_assert_cmpuint(num, ==, 1);
    cmds[2] = 0x40 | (0x77ULL << 32);           /* ATC_INV, no ATS */
    num = 2;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EIO);
    cmds[2] = 0x05 | (0x78ULL << 32);           /* CFGI_CD, unknown vSID */
    num = 2;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EIO);
    g_assert_cmpuint(num, ==, 1);
    cmds[2] = 0x12;                             /* NH_VA TG=0 with NUM */
    cmds[3] = 0;
    cmds[2] |= 1ULL << 12;
    num = 2;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EIO);

    /* Rewrites: VMID stamped, vSID -> pSID, NSNH_ALL -> NH_ALL. */
    hs_lock();
    hs_smmu_cmd_log_clear(s);
    hs_unlock();
    cmds[0] = 0x10 | (0xbeefULL << 32);
    cmds[1] = 0;
    cmds[2] = 0x05 | (0x77ULL << 32);
    cmds[3] = 1;
    cmds[4] = 0x30;
    cmds[5] = 0;
    num = 3;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, 0);
    g_assert_cmpuint(num, ==, 3);
    user = 0;
    for (i = 0; log_entry(s, i, &len); i++) {
        const HSCmdLog *e = log_entry(s, i, &len);

        if (e->origin != HS_CMD_USER) {
            continue;
        }
        switch (user++) {
        case 0:
            g_assert_cmphex(e->cmd[0], ==, 0x10 | ((uint64_t)vmid << 32));
            break;
        case 1:
            g_assert_cmphex(e->cmd[0], ==,
                            0x05 | ((uint64_t)c.f[0]->sid << 32));
            g_assert_cmphex(e->cmd[1], ==, 1);
            break;
        case 2:
            g_assert_cmphex(e->cmd[0], ==, 0x10 | ((uint64_t)vmid << 32));
            g_assert_cmphex(e->cmd[1], ==, 0);
            break;
        }
    }
    g_assert_cmpuint(user, ==, 3);

    /* Entry sizes: shorter zero-extended, longer with a tail E2BIG. */
    {
        uint64_t small[3] = { 0x10, 0x11, 0x30 };    /* 8-byte entries */
        uint64_t big[3] = { 0x10, 0, 1 };           /* 24-byte entry */

        num = 3;
        g_assert_cmpint(invalidate(&c, v, small, 8, &num), ==, 0);
        g_assert_cmpuint(num, ==, 3);
        num = 1;
        g_assert_cmpint(invalidate(&c, v, big, 24, &num), ==, -E2BIG);
        g_assert_cmpuint(num, ==, 0);
        big[2] = 0;
        num = 1;
        g_assert_cmpint(invalidate(&c, v, big, 24, &num), ==, 0);
        g_assert_cmpuint(num, ==, 1);
    }

    /* 70 commands: a batch of 63 is sent before the bad 67th. */
    hs_lock();
    hs_smmu_cmd_log_clear(s);
    hs_unlock();
    for (i = 0; i < 70; i++) {
        cmds[2 * i] = 0x10;
        cmds[2 * i + 1] = 0;
    }
    cmds[2 * 66] = 0x04;                        /* CFGI_ALL */
    num = 70;
    g_assert_cmpint(invalidate(&c, v, cmds, 16, &num), ==, -EIO);
    g_assert_cmpuint(num, ==, 66);
    user = 0;
    for (i = 0; log_entry(s, i, &len); i++) {
        user += log_entry(s, i, &len)->origin == HS_CMD_USER;
    }
    g_assert_cmpuint(user, ==, 63);
    teardown(&c);
}

/* One command on vIOMMU v: 0 or -errno. */
static int inv1(Ctx *c, uint32_t v, uint64_t c0, uint64_t c1)
{
    uint64_t cmd[2] = { c0, c1 };
    uint32_t num = 1;

    return invalidate(c, v, cmd, 16, &num);
}

/*
 * The per-opcode fields that depend on the SMMU (3.3): ATS and
 * substreams (smmu.1), RIL, DS and the ASID width (smmu.0, its derived
 * features switched for the test), and the range rules.
 */
static void test_invalidate_fields(void)
{
    uint32_t s2, v, vd, s2b, vb, vdb;
    const HSCmdLog *e;
    unsigned len;
    HSSmmu *s0, *s1;
    bool ril, ds, asid16, fwb;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    s0 = c.f[0]->smmu;
    s1 = c.f[2]->smmu;
    nest_setup(&c, 0, 0x10, &s2, &v, &vd);
    nest_setup(&c, 2, 0x20, &s2b, &vb, &vdb);

    /* smmu.1: ATS and 20-bit substreams. */
    hs_lock();
    hs_smmu_cmd_log_clear(s1);
    hs_unlock();
    g_assert_cmpint(inv1(&c, vb, 0x40 | (0x20ULL << 32) | (1ULL << 11) |
                         (0x5ULL << 12) | (1ULL << 9), 52 | 0x7000), ==, 0);
    e = log_entry(s1, 0, &len);
    g_assert_nonnull(e);
    g_assert_cmphex(e->cmd[0], ==, 0x40 | ((uint64_t)c.f[2]->sid << 32) |
                    (1ULL << 11) | (0x5ULL << 12) | (1ULL << 9));
    g_assert_cmphex(e->cmd[1], ==, 52 | 0x7000);
    g_assert_cmpint(inv1(&c, vb, 0x40 | (0x20ULL << 32), 53), ==, -EIO);
    g_assert_cmpint(inv1(&c, vb, 0x40 | (0x20ULL << 32), 1ULL << 6), ==,
                    -EIO);
    g_assert_cmpint(inv1(&c, vb, 0x05 | (0x20ULL << 32) | (7ULL << 12), 1),
                    ==, 0);
    g_assert_cmpint(inv1(&c, vb, 0x05 | (0x20ULL << 32) | (1ULL << 11), 0),
                    ==, -EIO);
    g_assert_cmpint(inv1(&c, vb, 0x06 | (0x20ULL << 32), 1), ==, -EIO);
    /* The vSID of the other vIOMMU is unknown here. */
    g_assert_cmpint(inv1(&c, vb, 0x06 | (0x10ULL << 32), 0), ==, -EIO);
    /* smmu.0: no substreams, no ATS. */
    g_assert_cmpint(inv1(&c, v, 0x05 | (0x10ULL << 32) | (7ULL << 12), 1),
                    ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x06 | (0x10ULL << 32), 0), ==, 0);

    /* Range TLBIs with RIL. */
    g_assert_cmpint(inv1(&c, v, 0x12 | (3ULL << 12) | (2ULL << 20),
                         0x10000 | (1ULL << 10) | (3ULL << 8) | 1), ==, 0);
    g_assert_cmpint(inv1(&c, v, 0x12, (1ULL << 10)), ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x13, (3ULL << 8)), ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x13 | (1ULL << 25), (1ULL << 10) | 1),
                    ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x13, (2ULL << 10) | (1ULL << 8)),
                    ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x13, (2ULL << 10) | (2ULL << 8)), ==, 0);

    hs_lock();
    ril = s0->ril;
    ds = s0->ds;
    asid16 = s0->asid16;
    s0->ds = true;
    hs_unlock();
    g_assert_cmpint(inv1(&c, v, 0x13 | (1ULL << 25), (1ULL << 10) | 1),
                    ==, 0);
    g_assert_cmpint(inv1(&c, v, 0x13, (2ULL << 10) | (1ULL << 8)), ==, 0);
    hs_lock();
    s0->ril = false;
    s0->asid16 = false;
    hs_unlock();
    g_assert_cmpint(inv1(&c, v, 0x12 | (1ULL << 12), 0x1000), ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x12, 0x1000 | (1ULL << 8)), ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x12, 0x1000 | 1), ==, 0);
    g_assert_cmpint(inv1(&c, v, 0x11 | (0xffULL << 48), 0), ==, 0);
    g_assert_cmpint(inv1(&c, v, 0x11 | (0x100ULL << 48), 0), ==, -EIO);
    g_assert_cmpint(inv1(&c, v, 0x11, 1), ==, -EIO);
    hs_lock();
    s0->ril = ril;
    s0->ds = ds;
    s0->asid16 = asid16;
    hs_unlock();

    /* A device neither CANWBS nor behind an S2FWB SMMU: no vIOMMU. */
    hs_lock();
    fwb = s1->s2fwb;
    s1->s2fwb = false;
    hs_unlock();
    g_assert_cmpint(viommu(&c, 2, s2b, &vb), ==, -EOPNOTSUPP);
    hs_lock();
    s1->s2fwb = fwb;
    hs_unlock();
    teardown(&c);
}

/* ---- vEVENTQ ---- */

static void inject(HSSmmu *s, uint32_t sid, unsigned id, uint64_t addr,
                   bool expect)
{
    uint64_t evt[4] = { id | ((uint64_t)sid << 32), 0, addr, 0 };
    bool fwd;

    hs_lock();
    fwd = hs_viommu_report_event(s, evt);
    hs_unlock();
    g_assert_cmpint(fwd, ==, expect);
}

static ssize_t qread(Ctx *c, uint32_t qid, void *buf, size_t n)
{
    HSVeventq *q;
    ssize_t r;
    int err;

    hs_lock();
    q = (HSVeventq *)hs_obj_get(c->ictx, qid, HS_OBJ_VEVENTQ, &err);
    g_assert_nonnull(q);
    r = hs_veventq_read(q, buf, n);
    hs_unlock();
    return r;
}

static void test_veventq(void)
{
    struct iommu_veventq_alloc qa;
    struct iommufd_vevent_header *h;
    uint8_t buf[256];
    uint32_t s2, v, vd, n_s1, pt, q, q2;
    uint64_t *evt;
    HSSmmu *s;
    int fd, fd2;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    s = c.f[0]->smmu;
    nest_setup(&c, 0, 0x99, &s2, &v, &vd);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1 | STE0_CDPTR, 0, &n_s1),
                    ==, 0);
    pt = n_s1;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);

    qa = (struct iommu_veventq_alloc) {
        .size = sizeof(qa), .viommu_id = 999, .type = 0,
        .veventq_depth = 0,
    };
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, -EOPNOTSUPP);
    qa.type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
    qa.__reserved = 1;
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, -EOPNOTSUPP);
    qa.__reserved = 0;
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, -EINVAL);
    qa.veventq_depth = HS_VEVENTQ_MAX_DEPTH + 1;
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, -EINVAL);
    qa.veventq_depth = 2;
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, -ENOENT);
    qa.viommu_id = v;
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, 0);
    q = qa.out_veventq_id;
    fd = qa.out_veventq_fd;
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, -EEXIST);
    /* Another type is accepted and never fed. */
    qa.type = IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV;
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, 0);
    q2 = qa.out_veventq_id;
    fd2 = qa.out_veventq_fd;

    /* Read rules on an empty queue. */
    g_assert_cmpint(qread(&c, q, buf, 7), ==, -EINVAL);
    g_assert_cmpint(qread(&c, q, buf, sizeof(buf)), ==, 0);

    /* The filter (3.5). */
    inject(s, c.f[0]->sid, 0x03, 0, false);          /* F_STE_FETCH */
    inject(s, c.f[1]->sid, 0x10, 0, false);          /* no vmaster */
    {
        uint64_t e[4] = { 0x10 | ((uint64_t)c.f[0]->sid << 32),
                          1ULL << 39, 0, 0 };       /* S2 */

        hs_lock();
        g_assert_false(hs_viommu_report_event(s, e));
        e[1] = 1ULL << 31;                          /* stall */
        g_assert_false(hs_viommu_report_event(s, e));
        hs_unlock();
    }
    /* The same SID on the other SMMU is another device. */
    inject(c.f[2]->smmu, c.f[0]->sid, 0x10, 0, false);

    inject(s, c.f[0]->sid, 0x10, 0x1000, true);
    g_assert_cmpint(qread(&c, q, buf, 8), ==, -EINVAL);  /* does not fit */
    g_assert_cmpint(qread(&c, q, buf, sizeof(buf)), ==, 40);
    h = (struct iommufd_vevent_header *)buf;
    evt = (uint64_t *)(buf + 8);
    g_assert_cmpuint(h->flags, ==, 0);
    g_assert_cmpuint(h->sequence, ==, 0);
    g_assert_cmphex(evt[0], ==, 0x10 | (0x99ULL << 32));
    g_assert_cmphex(evt[2], ==, 0x1000);

    /* Depth 2: the third is lost, a marker at the tail. */
    inject(s, c.f[0]->sid, 0x10, 1, true);
    inject(s, c.f[0]->sid, 0x10, 2, true);
    inject(s, c.f[0]->sid, 0x10, 3, true);
    g_assert_cmpint(qread(&c, q, buf, 40), ==, 40);
    g_assert_cmpuint(h->sequence, ==, 1);
    /* A new event pushes the marker out: the gap tells the loss. */
    inject(s, c.f[0]->sid, 0x10, 4, true);
    g_assert_cmpint(qread(&c, q, buf, sizeof(buf)), ==, 80);
    g_assert_cmpuint(h->sequence, ==, 2);
    h = (struct iommufd_vevent_header *)(buf + 40);
    g_assert_cmpuint(h->flags, ==, 0);
    g_assert_cmpuint(h->sequence, ==, 4);
    /* Loss at the tail: the marker itself. */
    inject(s, c.f[0]->sid, 0x10, 5, true);
    inject(s, c.f[0]->sid, 0x10, 6, true);
    inject(s, c.f[0]->sid, 0x10, 7, true);
    inject(s, c.f[0]->sid, 0x10, 8, true);
    g_assert_cmpint(qread(&c, q, buf, 88), ==, 88);
    h = (struct iommufd_vevent_header *)(buf + 80);
    g_assert_cmpuint(h->flags, ==, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
    g_assert_cmpuint(h->sequence, ==, 8);
    g_assert_cmpint(qread(&c, q, buf, sizeof(buf)), ==, 0);

    /* The vDEVICE goes: events still carry the captured vSID. */
    g_assert_cmpint(destroy(&c, vd), ==, 0);
    inject(s, c.f[0]->sid, 0x13, 9, true);
    g_assert_cmpint(qread(&c, q, buf, sizeof(buf)), ==, 40);
    evt = (uint64_t *)(buf + 8);
    g_assert_cmphex(evt[0] >> 32, ==, 0x99);
    /* Detach clears the vmaster. */
    detach(&c, 0);
    inject(s, c.f[0]->sid, 0x10, 10, false);

    g_assert_cmpint(destroy(&c, q), ==, -EBUSY);
    g_assert_cmpint(destroy(&c, v), ==, -EBUSY);
    close(fd);
    close(fd2);
    g_assert_cmpint(destroy(&c, q), ==, 0);
    g_assert_cmpint(destroy(&c, q2), ==, 0);
    teardown(&c);
}

/* Other queues: the fault queue and HW queues. */
static void test_fault_hw_queue(void)
{
    struct iommu_fault_alloc fa = { .size = sizeof(fa) };
    struct iommu_hw_queue_alloc hq;
    struct iommu_hwpt_alloc a;
    struct iommu_hwpt_page_response resp = { .cookie = 1 };
    uint32_t s2, v, h;
    HSFault *f;
    int err;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    nest_setup(&c, 0, 0, &s2, &v, NULL);
    fa.flags = 1;
    g_assert_cmpint(ioc(&c, IOMMU_FAULT_QUEUE_ALLOC, &fa), ==, -EOPNOTSUPP);
    fa.flags = 0;
    g_assert_cmpint(ioc(&c, IOMMU_FAULT_QUEUE_ALLOC, &fa), ==, 0);
    hs_lock();
    f = (HSFault *)hs_obj_get(c.ictx, fa.out_fault_id, HS_OBJ_FAULT, &err);
    g_assert_nonnull(f);
    g_assert_cmpint(hs_fault_read(f, NULL, 39), ==, -ESPIPE);
    g_assert_cmpint(hs_fault_read(f, NULL, 80), ==, 0);
    g_assert_cmpint(hs_fault_write(f, &resp, 7), ==, -ESPIPE);
    g_assert_cmpint(hs_fault_write(f, &resp, 8), ==, -EINVAL);
    hs_unlock();
    /* A paging HWPT with the fault queue holds it. */
    a = (struct iommu_hwpt_alloc) {
        .size = sizeof(a), .flags = IOMMU_HWPT_FAULT_ID_VALID,
        .dev_id = id_of(c.dev[0]), .pt_id = c.ioas,
        .fault_id = fa.out_fault_id,
    };
    g_assert_cmpint(ioc(&c, IOMMU_HWPT_ALLOC, &a), ==, 0);
    h = a.out_hwpt_id;
    close(fa.out_fault_fd);
    g_assert_cmpint(destroy(&c, fa.out_fault_id), ==, -EBUSY);
    g_assert_cmpint(destroy(&c, h), ==, 0);
    g_assert_cmpint(destroy(&c, fa.out_fault_id), ==, 0);

    hq = (struct iommu_hw_queue_alloc) {
        .size = sizeof(hq), .viommu_id = 999, .type = 0,
    };
    g_assert_cmpint(ioc(&c, IOMMU_HW_QUEUE_ALLOC, &hq), ==, -EOPNOTSUPP);
    hq.type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV;
    g_assert_cmpint(ioc(&c, IOMMU_HW_QUEUE_ALLOC, &hq), ==, -EINVAL);
    hq.length = 0x1000;
    hq.nesting_parent_iova = ~0ULL;
    g_assert_cmpint(ioc(&c, IOMMU_HW_QUEUE_ALLOC, &hq), ==, -EOVERFLOW);
    hq.nesting_parent_iova = 0x10000;
    g_assert_cmpint(ioc(&c, IOMMU_HW_QUEUE_ALLOC, &hq), ==, -ENOENT);
    hq.viommu_id = v;
    g_assert_cmpint(ioc(&c, IOMMU_HW_QUEUE_ALLOC, &hq), ==, -EOPNOTSUPP);
    teardown(&c);
}

/* Closing the context with everything built leaves nothing behind. */
static void test_teardown_order(void)
{
    struct iommu_veventq_alloc qa;
    uint32_t s2, v, vd, n_s1, pt;
    Ctx c;

    if (!setup(&c)) {
        return;
    }
    nest_setup(&c, 0, 5, &s2, &v, &vd);
    g_assert_cmpint(hwpt_nested(&c, 0, v, STE0_S1 | STE0_CDPTR, 0, &n_s1),
                    ==, 0);
    pt = n_s1;
    g_assert_cmpint(attach(&c, 0, &pt), ==, 0);
    pt = c.ioas;
    g_assert_cmpint(attach(&c, 1, &pt), ==, 0);
    qa = (struct iommu_veventq_alloc) {
        .size = sizeof(qa), .viommu_id = v,
        .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .veventq_depth = 8,
    };
    g_assert_cmpint(ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa), ==, 0);
    close(qa.out_veventq_fd);
    /* teardown: unbind (vDEVICE tombstoned), then close the context. */
    teardown(&c);
}

/*
 * The whole nesting flow with the Nth injection point failing, for every
 * N until the flow has fewer points: each run either fails cleanly or
 * succeeds, and the leak report is empty after the teardown.
 */
static bool sweep_once(unsigned n)
{
    g_autoptr(GString) leaks = g_string_new("");
    uint64_t cmds[4] = { 0x11 | (1ULL << 48), 0, 0x06 | (7ULL << 32), 0 };
    uint64_t evt[4] = { 0x10, 0, 0x2000, 0 };
    struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
    struct iommu_veventq_alloc qa;
    uint32_t s2 = 0, v = 0, vd = 0, nest = 0, pt, num;
    HSDevice *dev = NULL;
    uint8_t buf[64];
    bool consumed;
    HSFunc *f;
    int err = 0, qfd = -1;
    Ctx c;

    memset(&c, 0, sizeof(c));
    f = g_ptr_array_index(hs_topo->funcs, 0);
    hs_lock();
    hs_failnth_set(n);
    c.ictx = hs_ictx_open(&err);
    if (c.ictx) {
        err = hs_device_bind(c.ictx, f, NULL, &dev);
    }
    hs_unlock();
    if (!c.ictx) {
        goto done;
    }
    if (err || ioc(&c, IOMMU_IOAS_ALLOC, &ia)) {
        goto close;
    }
    c.dev[0] = dev;
    c.ioas = ia.out_ioas_id;
    if (hwpt_paging(&c, 0, c.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &s2) ||
        viommu(&c, 0, s2, &v) || vdevice(&c, v, 0, 7, &vd) ||
        hwpt_nested(&c, 0, v, STE0_S1 | STE0_CDPTR, 0, &nest)) {
        goto close;
    }
    pt = c.ioas;
    if (attach(&c, 0, &pt)) {
        goto close;
    }
    pt = nest;
    if (attach(&c, 0, &pt)) {
        goto close;
    }
    qa = (struct iommu_veventq_alloc) {
        .size = sizeof(qa), .viommu_id = v,
        .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .veventq_depth = 4,
    };
    if (ioc(&c, IOMMU_VEVENTQ_ALLOC, &qa)) {
        goto close;
    }
    qfd = qa.out_veventq_fd;
    num = 2;
    invalidate(&c, v, cmds, 16, &num);
    evt[0] |= (uint64_t)f->sid << 32;
    hs_lock();
    hs_viommu_report_event(f->smmu, evt);
    {
        HSVeventq *q = (HSVeventq *)hs_obj_get(c.ictx, qa.out_veventq_id,
                                               HS_OBJ_VEVENTQ, &err);

        if (q) {
            hs_veventq_read(q, buf, sizeof(buf));
        }
    }
    hs_unlock();
    pt = s2;
    attach(&c, 0, &pt);
    destroy(&c, nest);
    destroy(&c, vd);
close:
    if (qfd >= 0) {
        close(qfd);
    }
    hs_lock();
    if (dev) {
        hs_device_unbind(dev);
    }
    hs_ictx_put(c.ictx);
    hs_unlock();
done:
    hs_lock();
    consumed = hs_failnth_last(NULL, NULL);
    hs_failnth_set(0);
    hs_leak_report(leaks);
    hs_unlock();
    if (leaks->len) {
        g_test_message("fail-nth %u: %s", n, leaks->str);
    }
    g_assert_cmpuint(leaks->len, ==, 0);
    return consumed;
}

static void test_failnth_sweep(void)
{
    unsigned n;

    if (!hs_topo || hs_topo->funcs->len < 1) {
        g_test_skip("the default topology is not loaded");
        return;
    }
    for (n = 1; n < 1000 && sweep_once(n); n++) {
        continue;
    }
    g_test_message("%u injection points", n - 1);
    /* The flow has many points, and the last run had no failure. */
    g_assert_cmpuint(n, >, 20);
    g_assert_cmpuint(n, <, 1000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hs_init();
    g_test_add_func("/hostsim/nesting/hw-info", test_hw_info);
    g_test_add_func("/hostsim/nesting/hwpt-paging", test_hwpt_paging);
    g_test_add_func("/hostsim/nesting/viommu-vdevice", test_viommu_vdevice);
    g_test_add_func("/hostsim/nesting/nested-attach", test_nested_attach);
    g_test_add_func("/hostsim/nesting/invalidate", test_invalidate);
    g_test_add_func("/hostsim/nesting/invalidate-fields",
                    test_invalidate_fields);
    g_test_add_func("/hostsim/nesting/veventq", test_veventq);
    g_test_add_func("/hostsim/nesting/fault-hw-queue", test_fault_hw_queue);
    g_test_add_func("/hostsim/nesting/teardown", test_teardown_order);
    g_test_add_func("/hostsim/nesting/failnth-sweep", test_failnth_sweep);
    return g_test_run();
}
