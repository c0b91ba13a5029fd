/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance: the objects of SMMUv3 nesting (iommufd-uapi.md 1.18, 1.19,
 * 3.1, 3.2, 3.8).  IOMMU_VIOMMU_ALLOC's checks in their order, VMID
 * sharing between vIOMMUs of one S2 parent, IOMMU_VDEVICE_ALLOC's checks
 * and the tombstone a vDEVICE leaves when its device fd closes first, the
 * validation of the virtual STE of a nested HWPT (one variant per field
 * region), the attach rules of nested HWPTs, and which destroys are EBUSY
 * while another object holds the one destroyed.
 */
#include <stdlib.h>
#include <unistd.h>

#include "nest.h"

#define VSID_A          0x21
#define VSID_B          0x22
#define GUEST_CD_IPA    0x01000000ULL

static int alloc_hwpt(int fd, uint32_t flags, uint32_t dev_id,
                      uint32_t pt_id, uint32_t data_type,
                      const void *data, uint32_t len, uint32_t *out)
{
    struct iommu_hwpt_alloc a = {
        .size = sizeof(a), .flags = flags, .dev_id = dev_id,
        .pt_id = pt_id, .data_type = data_type, .data_len = len,
        .data_uptr = (uintptr_t)data,
    };
    int r = cenv_ioctl(fd, IOMMU_HWPT_ALLOC, &a);

    if (r == 0 && out) {
        *out = a.out_hwpt_id;
    }
    return r;
}

/* ==== IOMMU_VIOMMU_ALLOC ================================================ */

/* Shared by the two vIOMMU fixtures: a bound device, IOAS, S2 parent. */
static void viommu_stack_up(Nest *n, uint32_t *paging)
{
    REQUIRE_EDU(1);
    nest_setup(n, cenv_edu(0), -1, NEST_S2, 0);
    ASSERT_EQ(cenv_hwpt_paging(n->iommufd, n->dev_id, n->ioas, 0, paging),
              0);
}

static void viommu_stack_down(Nest *n, uint32_t paging)
{
    if (paging) {
        EXPECT_EQ(cenv_destroy(n->iommufd, paging), 0);
    }
    nest_teardown(n, true);
}

FIXTURE(viommu_bad) {
    Nest n;
    uint32_t paging;        /* a HWPT that is not a nest parent */
};

/* Which ID each field gets: the valid one or a wrong one. */
enum { ID_OK, ID_ZERO, ID_IOAS, ID_PAGING, ID_UNKNOWN };

FIXTURE_VARIANT(viommu_bad) {
    uint32_t flags, type;
    int dev, hwpt;
    int err;
};

FIXTURE_VARIANT_ADD(viommu_bad, ok) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
};
FIXTURE_VARIANT_ADD(viommu_bad, flags) {
    .flags = 1, .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(viommu_bad, flags_before_dev) {
    .flags = 1, .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev = ID_ZERO,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(viommu_bad, type_default) {
    .type = IOMMU_VIOMMU_TYPE_DEFAULT, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(viommu_bad, type_default_before_dev) {
    .type = IOMMU_VIOMMU_TYPE_DEFAULT, .dev = ID_ZERO, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(viommu_bad, type_tegra_on_plain_smmu) {
    .type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(viommu_bad, type_refused_before_hwpt) {
    .type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, .hwpt = ID_ZERO,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(viommu_bad, dev_zero) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev = ID_ZERO, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(viommu_bad, dev_unknown) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev = ID_UNKNOWN, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(viommu_bad, dev_is_ioas) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev = ID_IOAS, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(viommu_bad, dev_before_hwpt) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev = ID_ZERO, .hwpt = ID_ZERO,
    .err = ENOENT,
};
FIXTURE_VARIANT_ADD(viommu_bad, hwpt_zero) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .hwpt = ID_ZERO, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(viommu_bad, hwpt_is_ioas) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .hwpt = ID_IOAS, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(viommu_bad, hwpt_not_nest_parent) {
    .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .hwpt = ID_PAGING, .err = EINVAL,
};

FIXTURE_SETUP(viommu_bad)
{
    viommu_stack_up(&self->n, &self->paging);
}

FIXTURE_TEARDOWN(viommu_bad)
{
    viommu_stack_down(&self->n, self->paging);
}

static uint32_t pick_id(const Nest *n, uint32_t paging, int which,
                        uint32_t good)
{
    switch (which) {
    case ID_ZERO:
        return 0;
    case ID_IOAS:
        return n->ioas;
    case ID_PAGING:
        return paging;
    case ID_UNKNOWN:
        return 0x7fff0000;
    }
    return good;
}

/* Each variant: one field wrong (or two, to show which check comes first) */
TEST_F(viommu_bad, alloc_checks)
{
    struct iommu_viommu_alloc a = {
        .size = sizeof(a), .flags = variant->flags, .type = variant->type,
        .dev_id = pick_id(&self->n, self->paging, variant->dev,
                          self->n.dev_id),
        .hwpt_id = pick_id(&self->n, self->paging, variant->hwpt,
                           self->n.s2),
    };
    int r = cenv_ioctl(self->n.iommufd, IOMMU_VIOMMU_ALLOC, &a);

    ASSERT_EQ(r, -variant->err);
    if (r == 0) {
        ASSERT_NE(a.out_viommu_id, 0);
        /* The vIOMMU holds its S2 parent. */
        EXPECT_EQ(cenv_destroy(self->n.iommufd, self->n.s2), -EBUSY);
        ASSERT_EQ(cenv_destroy(self->n.iommufd, a.out_viommu_id), 0);
    }
}

FIXTURE(viommu) {
    Nest n;
    uint32_t paging;
};

FIXTURE_VARIANT(viommu) {
    int unused;
};

FIXTURE_VARIANT_ADD(viommu, edu0) { 0 };

FIXTURE_SETUP(viommu)
{
    viommu_stack_up(&self->n, &self->paging);
}

FIXTURE_TEARDOWN(viommu)
{
    viommu_stack_down(&self->n, self->paging);
}

/* Driver data is ignored for type ARM_SMMUV3 (1.18). */
TEST_F(viommu, data_ignored)
{
    uint8_t junk[16] = { 0xff, 0xff, 0xff, 0xff };
    struct iommu_viommu_alloc a = {
        .size = sizeof(a), .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
        .dev_id = self->n.dev_id, .hwpt_id = self->n.s2,
        .data_len = sizeof(junk), .data_uptr = (uintptr_t)junk,
    };

    ASSERT_IOCTL_OK(self->n.iommufd, IOMMU_VIOMMU_ALLOC, &a);
    ASSERT_EQ(cenv_destroy(self->n.iommufd, a.out_viommu_id), 0);
}

/*
 * Every vIOMMU of one S2 parent uses that parent's VMID (3.1), so two
 * vIOMMUs on one S2 share a TLB namespace; another S2 parent has its own.
 */
TEST_F(viommu, vmid_shared_per_s2)
{
    uint64_t log[8][2];
    uint32_t v1, v2, v3, s2b, done;
    uint64_t vmid_s2 = 0;
    Nest a = self->n, b = self->n, c = self->n;
    char ste[16];
    unsigned k;

    ASSERT_EQ(cenv_viommu(self->n.iommufd, self->n.dev_id, self->n.s2, &v1),
              0);
    ASSERT_EQ(cenv_viommu(self->n.iommufd, self->n.dev_id, self->n.s2, &v2),
              0);
    ASSERT_NE(v1, v2);
    ASSERT_EQ(cenv_hwpt_paging(self->n.iommufd, self->n.dev_id,
                               self->n.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
                               &s2b), 0);
    ASSERT_EQ(cenv_viommu(self->n.iommufd, self->n.dev_id, s2b, &v3), 0);
    a.viommu = v1;
    b.viommu = v2;
    c.viommu = v3;

    if (cenv_sim) {
        /* The S2 parent's VMID, as installed in the STE. */
        uint32_t pt = self->n.s2;

        ASSERT_EQ(cenv_attach(self->n.devfd, &pt), 0);
        nest_sim_attachment(self->n.dev, ste, sizeof(ste), &vmid_s2, NULL);
        EXPECT_EQ(strcmp(ste, "s2"), 0);
        ASSERT_NE(vmid_s2, 0);
        EXPECT_EQ(cenv_detach(self->n.devfd), 0);
        nest_sim_log_clear(self->n.dev);
    }
    ASSERT_EQ(nest_inv1(&a, CMD_TLBI_NH_ALL, 0, &done), 0);
    ASSERT_EQ(nest_inv1(&b, CMD_TLBI_NH_ALL, 0, &done), 0);
    ASSERT_EQ(nest_inv1(&c, CMD_TLBI_NH_ALL, 0, &done), 0);
    if (cenv_sim) {
        uint64_t user[3];
        unsigned nu = 0;
        bool is_user[8];

        k = nest_sim_log(self->n.dev, log, is_user, 8);
        for (unsigned i = 0; i < k && nu < 3; i++) {
            if (is_user[i]) {
                user[nu++] = log[i][0];
            }
        }
        ASSERT_EQ(nu, 3);
        EXPECT_EQ(CMD_VMID_OF(user[0]), vmid_s2);
        EXPECT_EQ(CMD_VMID_OF(user[1]), vmid_s2);
        EXPECT_NE(CMD_VMID_OF(user[2]), vmid_s2);
        EXPECT_NE(CMD_VMID_OF(user[2]), 0);
    }
    EXPECT_EQ(cenv_destroy(self->n.iommufd, v3), 0);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, s2b), 0);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, v2), 0);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, v1), 0);
}

/* The S2 parent must belong to the vIOMMU's SMMU (3.1). */
TEST_F(viommu, s2_of_other_smmu_einval)
{
    const CDev *other;
    Nest o;
    uint32_t id;

    other = cenv_edu_other_smmu(self->n.dev);
    if (!other) {
        SKIP("needs edu devices behind two SMMUs");
    }
    nest_setup(&o, other, self->n.iommufd, NEST_BOUND, 0);
    ASSERT_EQ(cenv_hwpt_paging(o.iommufd, o.dev_id, self->n.ioas,
                               IOMMU_HWPT_ALLOC_NEST_PARENT, &o.s2), 0);
    EXPECT_EQ(cenv_viommu(self->n.iommufd, self->n.dev_id, o.s2, &id),
              -EINVAL);
    EXPECT_EQ(cenv_viommu(self->n.iommufd, o.dev_id, self->n.s2, &id),
              -EINVAL);
    /* Each SMMU with its own S2 parent is fine. */
    ASSERT_EQ(cenv_viommu(self->n.iommufd, o.dev_id, o.s2, &o.viommu), 0);
    nest_teardown(&o, false);
}

/*
 * Nesting needs a CANWBS device or an SMMU with S2FWB (3.1).  Only the
 * simulator can offer a device that has neither (when its topology does).
 */
TEST_F(viommu, neither_canwbs_nor_s2fwb_eopnotsupp)
{
    static char reply[16384];
    uint64_t count = 0, nsmmu = 0, canwbs, smmu, fwb;
    char bdf[32];
    const CDev *d = NULL;
    unsigned i, k;
    Nest o;
    uint32_t id;

    REQUIRE_SIM();
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "topology"), 0);
    cenv_ctl_get(reply, 0, "count", &count);
    cenv_ctl_get(reply, 0, "smmus", &nsmmu);
    for (i = 1 + nsmmu; i <= count && !d; i++) {
        if (!cenv_ctl_get_str(reply, i, "bdf", bdf, sizeof(bdf)) ||
            !cenv_ctl_get(reply, i, "canwbs", &canwbs) ||
            !cenv_ctl_get(reply, i, "smmu", &smmu) || canwbs ||
            !cenv_ctl_get(reply, 1 + smmu, "s2fwb", &fwb) || fwb) {
            continue;
        }
        for (k = 0; k < cenv_ndevs; k++) {
            if (!strcmp(cenv_devs[k].bdf, bdf)) {
                d = &cenv_devs[k];
            }
        }
    }
    if (!d) {
        SKIP("the topology has no device that is neither CANWBS nor "
             "behind an S2FWB SMMU");
    }
    nest_setup(&o, d, self->n.iommufd, NEST_S2, 0);
    EXPECT_EQ(cenv_viommu(o.iommufd, o.dev_id, o.s2, &id), -EOPNOTSUPP);
    nest_teardown(&o, false);
}

/* ==== IOMMU_VDEVICE_ALLOC =============================================== */

FIXTURE(vdevice_bad) {
    Nest n;
};

FIXTURE_VARIANT(vdevice_bad) {
    int viommu, dev;
    uint64_t virt_id;
    int err;
};

enum { VD_OK, VD_ZERO, VD_S2, VD_IOAS };

FIXTURE_VARIANT_ADD(vdevice_bad, ok) {
    .virt_id = VSID_A,
};
FIXTURE_VARIANT_ADD(vdevice_bad, ok_vsid_zero) {
    .virt_id = 0,
};
FIXTURE_VARIANT_ADD(vdevice_bad, ok_vsid_above_32bit) {
    .virt_id = 1ULL << 40,
};
FIXTURE_VARIANT_ADD(vdevice_bad, viommu_zero) {
    .viommu = VD_ZERO, .virt_id = VSID_A, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(vdevice_bad, viommu_is_s2) {
    .viommu = VD_S2, .virt_id = VSID_A, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(vdevice_bad, dev_zero) {
    .dev = VD_ZERO, .virt_id = VSID_A, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(vdevice_bad, dev_is_ioas) {
    .dev = VD_IOAS, .virt_id = VSID_A, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(vdevice_bad, viommu_before_dev) {
    .viommu = VD_ZERO, .dev = VD_ZERO, .virt_id = VSID_A, .err = ENOENT,
};

FIXTURE_SETUP(vdevice_bad)
{
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, 0);
}

FIXTURE_TEARDOWN(vdevice_bad)
{
    nest_teardown(&self->n, true);
}

TEST_F(vdevice_bad, alloc_checks)
{
    Nest *n = &self->n;
    uint32_t viommu = variant->viommu == VD_ZERO ? 0 :
                      variant->viommu == VD_S2 ? n->s2 : n->viommu;
    uint32_t dev = variant->dev == VD_ZERO ? 0 :
                   variant->dev == VD_IOAS ? n->ioas : n->dev_id;
    int r = cenv_vdevice(n->iommufd, viommu, dev, variant->virt_id,
                         &n->vdev);

    ASSERT_EQ(r, -variant->err);
    if (r == 0) {
        ASSERT_NE(n->vdev, 0);
        /* The vDEVICE holds the vIOMMU. */
        EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), -EBUSY);
    } else {
        n->vdev = 0;
    }
}

FIXTURE(vdevice) {
    Nest n;
};

FIXTURE_VARIANT(vdevice) {
    int unused;
};

FIXTURE_VARIANT_ADD(vdevice, edu0) { 0 };

FIXTURE_SETUP(vdevice)
{
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, 0);
}

FIXTURE_TEARDOWN(vdevice)
{
    nest_teardown(&self->n, true);
}

/* At most one vDEVICE per device, on any vIOMMU (1.19). */
TEST_F(vdevice, second_for_same_device_eexist)
{
    Nest *n = &self->n;
    uint32_t id, v2;

    ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, VSID_A,
                           &n->vdev), 0);
    EXPECT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, VSID_B, &id),
              -EEXIST);
    /* Another vIOMMU on the same S2 parent: still the same device. */
    ASSERT_EQ(cenv_viommu(n->iommufd, n->dev_id, n->s2, &v2), 0);
    EXPECT_EQ(cenv_vdevice(n->iommufd, v2, n->dev_id, VSID_B, &id), -EEXIST);
    EXPECT_EQ(cenv_destroy(n->iommufd, v2), 0);
}

/* A vSID is unique within one vIOMMU (1.19). */
TEST_F(vdevice, same_vsid_other_device_eexist)
{
    Nest *n = &self->n, m;
    const CDev *peer;
    uint32_t id;

    peer = cenv_edu_same_smmu(n->dev);
    if (!peer) {
        SKIP("needs two edu devices behind one SMMU");
    }
    nest_setup(&m, peer, n->iommufd, NEST_BOUND, 0);
    ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, VSID_A,
                           &n->vdev), 0);
    EXPECT_EQ(cenv_vdevice(n->iommufd, n->viommu, m.dev_id, VSID_A, &id),
              -EEXIST);
    ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, m.dev_id, VSID_B,
                           &m.vdev), 0);
    nest_teardown(&m, false);
}

/* A vIOMMU's devices are behind its SMMU (1.19: EINVAL). */
TEST_F(vdevice, device_of_other_smmu_einval)
{
    Nest *n = &self->n, o;
    const CDev *other;
    uint32_t id;

    other = cenv_edu_other_smmu(n->dev);
    if (!other) {
        SKIP("needs edu devices behind two SMMUs");
    }
    nest_setup(&o, other, n->iommufd, NEST_BOUND, 0);
    EXPECT_EQ(cenv_vdevice(n->iommufd, n->viommu, o.dev_id, VSID_B, &id),
              -EINVAL);
    nest_teardown(&o, false);
}

/*
 * Closing the device fd while its vDEVICE exists force-destroys the
 * vDEVICE; its ID stays reserved (a tombstone: ENOENT, never reused)
 * until the iommufd closes (1.2, 1.19).
 */
TEST_F(vdevice, tombstone_after_device_close)
{
    Nest *n = &self->n;
    uint32_t tomb, ids[8], i, got = 0;
    bool past = false;

    ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, VSID_A,
                           &tomb), 0);
    close(n->devfd);
    n->devfd = -1;
    n->dev_id = 0;

    EXPECT_EQ(cenv_destroy(n->iommufd, tomb), -ENOENT);
    /* The vIOMMU lost its user with the vDEVICE. */
    EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), 0);
    n->viommu = 0;
    if (cenv_sim) {
        static char reply[16384];
        uint64_t count = 0, id;
        char type[32];
        bool seen = false;

        ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "objects"), 0);
        cenv_ctl_get(reply, 0, "count", &count);
        for (i = 1; i <= count; i++) {
            if (cenv_ctl_get(reply, i, "id", &id) && id == tomb &&
                cenv_ctl_get_str(reply, i, "type", type, sizeof(type))) {
                EXPECT_EQ(strcmp(type, "tombstone"), 0);
                seen = true;
            }
        }
        EXPECT_TRUE(seen);
    }
    /* New IDs fill the holes below and go on above, skipping it. */
    for (i = 0; i < 8 && !past; i++) {
        ASSERT_EQ(cenv_ioas_alloc(n->iommufd, &ids[i]), 0);
        got++;
        EXPECT_NE(ids[i], tomb);
        past = ids[i] > tomb;
    }
    EXPECT_TRUE(past);
    for (i = 0; i < got; i++) {
        EXPECT_EQ(cenv_destroy(n->iommufd, ids[i]), 0);
    }
    EXPECT_EQ(cenv_destroy(n->iommufd, tomb), -ENOENT);
}

/* ==== the virtual STE (3.2) ============================================= */

FIXTURE(vste) {
    Nest n;
};

FIXTURE_VARIANT(vste) {
    uint64_t ste0, ste1;
    uint32_t flags;
    uint32_t data_type;     /* 0: IOMMU_HWPT_DATA_ARM_SMMUV3 */
    int data_len;           /* 0: 16 */
    bool type_none;         /* data_type IOMMU_HWPT_DATA_NONE */
    int err;
};

#define VS1_0   VSTE_S1_0(GUEST_CD_IPA)

FIXTURE_VARIANT_ADD(vste, v0_zero) { .ste0 = 0 };
FIXTURE_VARIANT_ADD(vste, v0_other_bits_ignored) {
    .ste0 = STE0_CFG(STE_CFG_NESTED) | 0x07f0000000000000ULL,
    .ste1 = 0xffffffffffffff00ULL,
};
FIXTURE_VARIANT_ADD(vste, abort) { .ste0 = VSTE_ABORT0 };
FIXTURE_VARIANT_ADD(vste, bypass) { .ste0 = VSTE_BYPASS0 };
FIXTURE_VARIANT_ADD(vste, s1) { .ste0 = VS1_0, .ste1 = VSTE_S1_1 };
FIXTURE_VARIANT_ADD(vste, s1_every_allowed_bit) {
    .ste0 = (STE0_ALLOWED & ~STE0_CFG(7)) | STE0_CFG(STE_CFG_S1),
    .ste1 = (STE1_ALLOWED & ~STE1_EATS(3)) | STE1_EATS(1),
};
FIXTURE_VARIANT_ADD(vste, s1_eats_full) {
    .ste0 = VS1_0, .ste1 = VSTE_S1_1 | STE1_EATS(1),
};
FIXTURE_VARIANT_ADD(vste, bypass_eats_full) {
    .ste0 = VSTE_BYPASS0, .ste1 = STE1_EATS(1),
};
FIXTURE_VARIANT_ADD(vste, cfg_reserved1) {
    .ste0 = STE0_V | STE0_CFG(1), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, cfg_reserved2) {
    .ste0 = STE0_V | STE0_CFG(2), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, cfg_reserved3) {
    .ste0 = STE0_V | STE0_CFG(3), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, cfg_s2) {
    .ste0 = STE0_V | STE0_CFG(STE_CFG_S2), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, cfg_nested) {
    .ste0 = STE0_V | STE0_CFG(STE_CFG_NESTED), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste0_bit52) {
    .ste0 = VS1_0 | 1ULL << 52, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste0_bit58) {
    .ste0 = VS1_0 | 1ULL << 58, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_s2hwu_bit8) {
    .ste0 = VS1_0, .ste1 = 1ULL << 8, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_cont_bit13) {
    .ste0 = VS1_0, .ste1 = 1ULL << 13, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_mev_bit19) {
    .ste0 = VS1_0, .ste1 = 1ULL << 19, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_s2fwb_bit25) {
    .ste0 = VS1_0, .ste1 = 1ULL << 25, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_s1mpam_bit26) {
    .ste0 = VS1_0, .ste1 = 1ULL << 26, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_strw_bit30) {
    .ste0 = VS1_0, .ste1 = 1ULL << 30, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_memattr_bit32) {
    .ste0 = VS1_0, .ste1 = 1ULL << 32, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_shcfg_bit44) {
    .ste0 = VS1_0, .ste1 = 1ULL << 44, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, ste1_bit63) {
    .ste0 = VS1_0, .ste1 = 1ULL << 63, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, bad_bit_on_abort) {
    .ste0 = VSTE_ABORT0 | 1ULL << 55, .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, eats_split_stage) {
    .ste0 = VS1_0, .ste1 = STE1_EATS(2), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, eats_3) {
    .ste0 = VS1_0, .ste1 = STE1_EATS(3), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, eats_3_on_bypass) {
    .ste0 = VSTE_BYPASS0, .ste1 = STE1_EATS(3), .err = EIO,
};
FIXTURE_VARIANT_ADD(vste, data_len_15) {
    .ste0 = VSTE_ABORT0, .data_len = 15, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(vste, data_len_17) {
    .ste0 = VSTE_ABORT0, .data_len = 17, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(vste, data_len_0) {
    .ste0 = VSTE_ABORT0, .data_len = -1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(vste, data_type_vtd) {
    .ste0 = VSTE_ABORT0, .data_type = IOMMU_HWPT_DATA_VTD_S1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(vste, data_type_none_with_data) {
    .ste0 = VSTE_ABORT0, .type_none = true, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(vste, flag_alloc_pasid) {
    .ste0 = VSTE_ABORT0, .flags = IOMMU_HWPT_ALLOC_PASID, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(vste, flag_nest_parent) {
    .ste0 = VSTE_ABORT0, .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(vste, flag_dirty_tracking) {
    .ste0 = VSTE_ABORT0, .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(vste, flag_checked_before_vste) {
    .ste0 = STE0_V | STE0_CFG(STE_CFG_S2), .flags = IOMMU_HWPT_ALLOC_PASID,
    .err = EOPNOTSUPP,
};

FIXTURE_SETUP(vste)
{
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, 0);
}

FIXTURE_TEARDOWN(vste)
{
    nest_teardown(&self->n, true);
}

TEST_F(vste, hwpt_alloc)
{
    /* One spare byte so data_len 17 reads a zero, not past the end. */
    uint64_t ste[3] = { variant->ste0, variant->ste1, 0 };
    uint32_t len = variant->data_len < 0 ? 0 :
                   variant->data_len ? variant->data_len : 16;
    uint32_t type = variant->type_none ? IOMMU_HWPT_DATA_NONE :
                    variant->data_type ? variant->data_type :
                    IOMMU_HWPT_DATA_ARM_SMMUV3;
    uint32_t id = 0;
    int r;

    r = alloc_hwpt(self->n.iommufd, variant->flags, self->n.dev_id,
                   self->n.viommu, type, ste, len, &id);
    ASSERT_EQ(r, -variant->err);
    if (r == 0) {
        ASSERT_NE(id, 0);
        /* A nested HWPT holds its vIOMMU. */
        EXPECT_EQ(cenv_destroy(self->n.iommufd, self->n.viommu), -EBUSY);
        ASSERT_EQ(cenv_destroy(self->n.iommufd, id), 0);
    }
}

/* ==== attach rules (3.2, 3.8) =========================================== */

FIXTURE(attach) {
    Nest n;
    uint32_t abort_hwpt, bypass_hwpt, s1_hwpt, v0_hwpt;
};

FIXTURE_VARIANT(attach) {
    int unused;
};

FIXTURE_VARIANT_ADD(attach, edu0) { 0 };

FIXTURE_SETUP(attach)
{
    Nest *n = &self->n;

    REQUIRE_EDU(1);
    nest_setup(n, cenv_edu(0), -1, NEST_VIOMMU, 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_ABORT0, 0, &self->abort_hwpt), 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_BYPASS0, 0, &self->bypass_hwpt), 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_S1_0(GUEST_CD_IPA), VSTE_S1_1,
                               &self->s1_hwpt), 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu, 0, 0,
                               &self->v0_hwpt), 0);
}

FIXTURE_TEARDOWN(attach)
{
    Nest *n = &self->n;

    if (n->attached) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    EXPECT_EQ(cenv_destroy(n->iommufd, self->abort_hwpt), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, self->bypass_hwpt), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, self->s1_hwpt), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, self->v0_hwpt), 0);
    nest_teardown(n, true);
}

static void attach_ok(Nest *n, uint32_t hwpt)
{
    uint32_t pt = hwpt;

    ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
    EXPECT_EQ(pt, hwpt);
    n->attached = true;
}

/* On the simulator: what the SMMU has installed for the device. */
static void expect_ste(const Nest *n, const char *kind, bool with_vsid)
{
    char ste[16] = "";
    uint64_t vmid = 0, vsid = 0;

    if (!cenv_sim) {
        return;
    }
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid, &vsid);
    EXPECT_EQ(strcmp(ste, kind), 0);
    if (strcmp(ste, kind)) {
        ctest_note("STE kind %s, expected %s", ste, kind);
    }
    if (!strcmp(kind, "s2") || !strcmp(kind, "nested")) {
        EXPECT_NE(vmid, 0);
    }
    if (with_vsid) {
        EXPECT_EQ(vsid, n->vsid);
    } else {
        EXPECT_EQ(vsid, ~0ull);
    }
}

TEST_F(attach, s1_without_vdevice_enoent)
{
    uint32_t pt = self->s1_hwpt;

    ASSERT_EQ(cenv_attach(self->n.devfd, &pt), -ENOENT);
    expect_ste(&self->n, "abort", false);
}

/* Abort, bypass and V=0 need no vDEVICE (6.19+: the GBPA case). */
TEST_F(attach, abort_bypass_v0_without_vdevice)
{
    attach_ok(&self->n, self->abort_hwpt);
    expect_ste(&self->n, "abort", false);
    attach_ok(&self->n, self->bypass_hwpt);
    expect_ste(&self->n, "s2", false);
    attach_ok(&self->n, self->v0_hwpt);
    expect_ste(&self->n, "abort", false);
}

/* Attached HWPTs replace each other without a detach (2.3, 3.2). */
TEST_F(attach, replace_chain)
{
    Nest *n = &self->n;
    uint32_t pt;

    n->vsid = VSID_A;
    ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, n->vsid,
                           &n->vdev), 0);
    /*
     * With a vDEVICE every nested HWPT captures the vSID at attach, the
     * abort and bypass ones too (3.2); paging HWPTs clear it (3.8).
     */
    attach_ok(n, self->s1_hwpt);
    expect_ste(n, "nested", true);
    attach_ok(n, self->bypass_hwpt);
    expect_ste(n, "s2", true);
    attach_ok(n, self->s1_hwpt);
    expect_ste(n, "nested", true);
    attach_ok(n, self->abort_hwpt);
    expect_ste(n, "abort", true);
    attach_ok(n, self->s1_hwpt);
    /* The attached HWPT cannot go; the others can be replaced freely. */
    EXPECT_EQ(cenv_destroy(n->iommufd, self->s1_hwpt), -EBUSY);
    /* nested -> the S2 parent itself */
    attach_ok(n, n->s2);
    expect_ste(n, "s2", false);
    /* S2 parent -> nested again, then a plain IOAS (auto domain) */
    attach_ok(n, self->s1_hwpt);
    expect_ste(n, "nested", true);
    pt = n->ioas;
    ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
    EXPECT_NE(pt, n->ioas);
    expect_ste(n, "s1", false);
    attach_ok(n, self->s1_hwpt);
    expect_ste(n, "nested", true);
}

/* The vSID is captured at attach: a vDEVICE made later needs a re-attach */
TEST_F(attach, vdevice_then_reattach)
{
    Nest *n = &self->n;
    uint32_t pt = self->s1_hwpt;

    ASSERT_EQ(cenv_attach(n->devfd, &pt), -ENOENT);
    attach_ok(n, self->bypass_hwpt);
    n->vsid = VSID_B;
    ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, n->vsid,
                           &n->vdev), 0);
    expect_ste(n, "s2", false);
    attach_ok(n, self->s1_hwpt);
    expect_ste(n, "nested", true);
    /* Destroying the vDEVICE while attached is allowed (3.8). */
    ASSERT_EQ(cenv_destroy(n->iommufd, n->vdev), 0);
    n->vdev = 0;
    expect_ste(n, "nested", true);
}

/* A nested HWPT and its vIOMMU belong to one SMMU (1.15, 3.2). */
TEST_F(attach, device_of_other_smmu_einval)
{
    Nest *n = &self->n, o;
    const CDev *other = cenv_edu_other_smmu(n->dev);
    uint32_t id, pt;

    if (!other) {
        SKIP("needs edu devices behind two SMMUs");
    }
    nest_setup(&o, other, n->iommufd, NEST_BOUND, 0);
    EXPECT_EQ(cenv_hwpt_nested(n->iommufd, o.dev_id, n->viommu, VSTE_ABORT0,
                               0, &id), -EINVAL);
    pt = self->abort_hwpt;
    EXPECT_EQ(cenv_attach(o.devfd, &pt), -EINVAL);
    pt = n->s2;
    EXPECT_EQ(cenv_attach(o.devfd, &pt), -EINVAL);
    nest_teardown(&o, false);
}

/* HWPT_ALLOC on a nest parent (not a vIOMMU): SMMUv3 has no such op. */
TEST_F(attach, nested_on_hwpt_paging_eopnotsupp)
{
    Nest *n = &self->n;
    uint32_t id;
    uint64_t ste[2] = { VSTE_ABORT0, 0 };

    EXPECT_EQ(alloc_hwpt(n->iommufd, 0, n->dev_id, n->s2,
                         IOMMU_HWPT_DATA_ARM_SMMUV3, ste, sizeof(ste), &id),
              -EOPNOTSUPP);
}

/* ==== EBUSY while held (1.2, 1.4) ======================================= */

FIXTURE(held) {
    Nest n;
    uint32_t nested, veventq;
    int veventq_fd;
};

enum { HOLD_S2, HOLD_VDEVICE, HOLD_NESTED, HOLD_VEVENTQ, HOLD_ATTACHED };

FIXTURE_VARIANT(held) {
    int holder;
};

FIXTURE_VARIANT_ADD(held, s2_by_viommu) { .holder = HOLD_S2 };
FIXTURE_VARIANT_ADD(held, viommu_by_vdevice) { .holder = HOLD_VDEVICE };
FIXTURE_VARIANT_ADD(held, viommu_by_nested_hwpt) { .holder = HOLD_NESTED };
FIXTURE_VARIANT_ADD(held, viommu_by_veventq) { .holder = HOLD_VEVENTQ };
FIXTURE_VARIANT_ADD(held, nested_hwpt_by_attach) { .holder = HOLD_ATTACHED };

FIXTURE_SETUP(held)
{
    self->veventq_fd = -1;
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, VSID_A);
}

FIXTURE_TEARDOWN(held)
{
    Nest *n = &self->n;

    if (n->attached) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    if (self->veventq_fd >= 0) {
        close(self->veventq_fd);
    }
    if (self->veventq) {
        EXPECT_EQ(cenv_destroy(n->iommufd, self->veventq), 0);
    }
    if (self->nested) {
        EXPECT_EQ(cenv_destroy(n->iommufd, self->nested), 0);
    }
    nest_teardown(n, true);
}

TEST_F(held, destroy_ebusy_then_ok)
{
    Nest *n = &self->n;
    uint32_t pt;

    switch (variant->holder) {
    case HOLD_S2:
        EXPECT_EQ(cenv_destroy(n->iommufd, n->s2), -EBUSY);
        ASSERT_EQ(cenv_destroy(n->iommufd, n->viommu), 0);
        n->viommu = 0;
        ASSERT_EQ(cenv_destroy(n->iommufd, n->s2), 0);
        n->s2 = 0;
        break;
    case HOLD_VDEVICE:
        ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, n->vsid,
                               &n->vdev), 0);
        EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), -EBUSY);
        EXPECT_EQ(cenv_destroy(n->iommufd, n->s2), -EBUSY);
        ASSERT_EQ(cenv_destroy(n->iommufd, n->vdev), 0);
        n->vdev = 0;
        ASSERT_EQ(cenv_destroy(n->iommufd, n->viommu), 0);
        n->viommu = 0;
        break;
    case HOLD_NESTED:
        ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                                   VSTE_ABORT0, 0, &self->nested), 0);
        EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), -EBUSY);
        ASSERT_EQ(cenv_destroy(n->iommufd, self->nested), 0);
        self->nested = 0;
        ASSERT_EQ(cenv_destroy(n->iommufd, n->viommu), 0);
        n->viommu = 0;
        break;
    case HOLD_VEVENTQ:
        ASSERT_EQ(cenv_veventq(n->iommufd, n->viommu, 4, &self->veventq,
                               &self->veventq_fd), 0);
        EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), -EBUSY);
        /* Its fd holds the vEVENTQ itself. */
        EXPECT_EQ(cenv_destroy(n->iommufd, self->veventq), -EBUSY);
        close(self->veventq_fd);
        self->veventq_fd = -1;
        ASSERT_EQ(cenv_destroy(n->iommufd, self->veventq), 0);
        self->veventq = 0;
        ASSERT_EQ(cenv_destroy(n->iommufd, n->viommu), 0);
        n->viommu = 0;
        break;
    case HOLD_ATTACHED:
        ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                                   VSTE_BYPASS0, 0, &self->nested), 0);
        pt = self->nested;
        ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
        n->attached = true;
        EXPECT_EQ(cenv_destroy(n->iommufd, self->nested), -EBUSY);
        EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), -EBUSY);
        ASSERT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
        ASSERT_EQ(cenv_destroy(n->iommufd, self->nested), 0);
        self->nested = 0;
        break;
    }
}
