/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance: IOMMU_HWPT_INVALIDATE on an SMMUv3 vIOMMU (iommufd-uapi.md
 * 1.17, 3.3).  The core's checks in their order and the entry_num it
 * writes back, the entry_len zero-extension and E2BIG rules, one variant
 * per command -- each allowed opcode, and every field a guest may not
 * set, per opcode, given the SMMU's features (RIL, ATS, SSIDSIZE, DS) --
 * and entry_num = index of the first bad command.  On the simulator the
 * command log also shows what reached the hardware queue: vSID replaced
 * by the physical StreamID, the S2 parent's VMID stamped on every TLBI,
 * NSNH_ALL turned into NH_ALL, and batches of 63 commands each followed
 * by a CMD_SYNC of the kernel.
 */
#include <stdlib.h>
#include <unistd.h>

#include "nest.h"

#define VSID            0x31
#define GUEST_ASID      5
#define GUEST_VA        0x00200000ULL
#define BIG_BATCH       130

/* Two commands that are valid on every SMMU, to put before the tested. */
#define GOOD0_0         CMD_TLBI_NH_ALL
#define GOOD1_0         (CMD_CFGI_CD_ALL | CMD0_SID(VSID))

FIXTURE(inv) {
    Nest n;
    uint32_t nested;
};

FIXTURE_VARIANT(inv) {
    int unused;
};

FIXTURE_VARIANT_ADD(inv, edu0) { 0 };

static bool have_features(const Nest *n, unsigned needs);

/*
 * The stack on the first edu device whose SMMU has the features a check
 * needs (the first one if none has: the check then skips).
 */
static void inv_up(Nest *n, uint32_t *nested, unsigned needs)
{
    unsigned i;

    REQUIRE_EDU(1);
    for (i = 0; needs && cenv_edu(i); i++) {
        nest_setup(n, cenv_edu(i), -1, NEST_BOUND, VSID);
        if (have_features(n, needs)) {
            break;
        }
        nest_teardown(n, true);
    }
    if (!needs || !cenv_edu(i)) {
        nest_setup(n, cenv_edu(0), -1, NEST_BOUND, VSID);
    }
    nest_grow(n, NEST_VDEVICE);
    if (nested) {
        ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                                   VSTE_ABORT0, 0, nested), 0);
    }
}

static void inv_down(Nest *n, uint32_t nested)
{
    if (n->attached) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    if (nested) {
        EXPECT_EQ(cenv_destroy(n->iommufd, nested), 0);
    }
    nest_teardown(n, true);
}

FIXTURE_SETUP(inv)
{
    inv_up(&self->n, &self->nested, 0);
}

FIXTURE_TEARDOWN(inv)
{
    inv_down(&self->n, self->nested);
}

/* ==== the core's checks (1.17) ========================================== */

enum { TGT_VIOMMU, TGT_ZERO, TGT_UNKNOWN, TGT_IOAS, TGT_S2, TGT_NESTED,
       TGT_VDEVICE };

FIXTURE(inv_core) {
    Nest n;
    uint32_t nested;
};

FIXTURE_VARIANT(inv_core) {
    uint32_t reserved;
    int target;
    uint32_t data_type;     /* as is; 99 = ARM_SMMUV3 */
    int64_t entry_len;      /* -1: 16 */
    uint32_t entry_num;
    bool uptr_zero;
    int err;
};

#define ARM_TYPE 99

FIXTURE_VARIANT_ADD(inv_core, ok) {
    .data_type = ARM_TYPE, .entry_len = -1, .entry_num = 1,
};
FIXTURE_VARIANT_ADD(inv_core, reserved) {
    .reserved = 1, .data_type = ARM_TYPE, .entry_len = -1, .entry_num = 1,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(inv_core, reserved_before_id) {
    .reserved = 1, .target = TGT_UNKNOWN, .data_type = ARM_TYPE,
    .entry_len = -1, .entry_num = 1, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(inv_core, entry_len_zero) {
    .data_type = ARM_TYPE, .entry_len = 0, .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, entry_len_above_page) {
    .data_type = ARM_TYPE, .entry_len = -2, .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, entry_num_above_max) {
    .data_type = ARM_TYPE, .entry_len = -1, .entry_num = (1u << 19) + 1,
    .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, entry_num_max_then_id) {
    .data_type = ARM_TYPE, .entry_len = -1, .entry_num = 1u << 19,
    .target = TGT_UNKNOWN, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(inv_core, data_uptr_zero) {
    .data_type = ARM_TYPE, .entry_len = -1, .entry_num = 1, .uptr_zero = true,
    .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, bounds_before_id) {
    .target = TGT_UNKNOWN, .data_type = ARM_TYPE, .entry_len = 0,
    .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, id_zero) {
    .target = TGT_ZERO, .data_type = ARM_TYPE, .entry_len = -1,
    .entry_num = 1, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(inv_core, id_unknown) {
    .target = TGT_UNKNOWN, .data_type = ARM_TYPE, .entry_len = -1,
    .entry_num = 1, .err = ENOENT,
};
FIXTURE_VARIANT_ADD(inv_core, id_before_type) {
    .target = TGT_UNKNOWN, .data_type = 0, .entry_len = -1, .entry_num = 1,
    .err = ENOENT,
};
FIXTURE_VARIANT_ADD(inv_core, id_is_ioas) {
    .target = TGT_IOAS, .data_type = ARM_TYPE, .entry_len = -1,
    .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, id_is_s2_parent) {
    .target = TGT_S2, .data_type = ARM_TYPE, .entry_len = -1,
    .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, id_is_vdevice) {
    .target = TGT_VDEVICE, .data_type = ARM_TYPE, .entry_len = -1,
    .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, id_is_nested_hwpt) {
    .target = TGT_NESTED, .data_type = ARM_TYPE, .entry_len = -1,
    .entry_num = 1, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(inv_core, data_type_vtd) {
    .data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, .entry_len = -1,
    .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, data_type_unknown) {
    .data_type = 0x1234, .entry_len = -1, .entry_num = 1, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, entry_num_zero) {
    .data_type = ARM_TYPE, .entry_len = -1, .entry_num = 0, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(inv_core, entry_num_zero_no_array) {
    .data_type = ARM_TYPE, .entry_len = 0, .entry_num = 0, .uptr_zero = true,
    .err = EINVAL,
};

FIXTURE_SETUP(inv_core)
{
    inv_up(&self->n, &self->nested, 0);
}

FIXTURE_TEARDOWN(inv_core)
{
    inv_down(&self->n, self->nested);
}

/* entry_num is written back in every case: 0 unless the driver ran. */
TEST_F(inv_core, checks_and_entry_num)
{
    static uint64_t cmds[2] = { CMD_TLBI_NH_ALL, 0 };
    Nest *n = &self->n;
    long page = sysconf(_SC_PAGESIZE);
    uint32_t targets[] = {
        [TGT_VIOMMU] = n->viommu, [TGT_ZERO] = 0, [TGT_UNKNOWN] = 0x7fff0000,
        [TGT_IOAS] = n->ioas, [TGT_S2] = n->s2, [TGT_NESTED] = self->nested,
        [TGT_VDEVICE] = n->vdev,
    };
    struct iommu_hwpt_invalidate inv = {
        .size = sizeof(inv),
        .hwpt_id = targets[variant->target],
        .data_uptr = variant->uptr_zero ? 0 : (uintptr_t)cmds,
        .data_type = variant->data_type == ARM_TYPE ?
                     IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 :
                     variant->data_type,
        .entry_len = variant->entry_len == -1 ? 16 :
                     variant->entry_len == -2 ? page + 1 :
                     variant->entry_len,
        .entry_num = variant->entry_num,
        .__reserved = variant->reserved,
    };
    int r = cenv_ioctl(n->iommufd, IOMMU_HWPT_INVALIDATE, &inv);

    ASSERT_EQ(r, -variant->err);
    EXPECT_EQ(inv.entry_num, variant->err ? 0 : variant->entry_num);
    /* The rest of the struct is copied back unchanged. */
    EXPECT_EQ(inv.hwpt_id, targets[variant->target]);
    EXPECT_EQ(inv.__reserved, variant->reserved);
}

/* ==== entry_len: zero-extension and E2BIG (1.17) ======================== */

TEST_F(inv, entry_len_8_zero_extended)
{
    /* Two 8-byte entries: cmd[0] only, cmd[1] taken as 0. */
    uint64_t cmds[2] = { CMD_TLBI_NH_ALL, CMD_TLBI_NH_ASID |
                                          CMD0_ASID(GUEST_ASID) };
    struct iommu_hwpt_invalidate inv = {
        .size = sizeof(inv), .hwpt_id = self->n.viommu,
        .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = 8, .entry_num = 2,
    };

    ASSERT_IOCTL_OK(self->n.iommufd, IOMMU_HWPT_INVALIDATE, &inv);
    EXPECT_EQ(inv.entry_num, 2);
}

TEST_F(inv, entry_len_24_zero_tail_ok)
{
    uint64_t cmds[6] = { CMD_TLBI_NH_ALL, 0, 0, GOOD1_0, 0, 0 };
    struct iommu_hwpt_invalidate inv = {
        .size = sizeof(inv), .hwpt_id = self->n.viommu,
        .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = 24, .entry_num = 2,
    };

    ASSERT_IOCTL_OK(self->n.iommufd, IOMMU_HWPT_INVALIDATE, &inv);
    EXPECT_EQ(inv.entry_num, 2);
}

TEST_F(inv, entry_len_24_nonzero_tail_e2big)
{
    uint64_t cmds[6] = { CMD_TLBI_NH_ALL, 0, 0, GOOD1_0, 0, 1 };
    struct iommu_hwpt_invalidate inv = {
        .size = sizeof(inv), .hwpt_id = self->n.viommu,
        .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = 24, .entry_num = 2,
    };

    ASSERT_IOCTL_ERR(E2BIG, self->n.iommufd, IOMMU_HWPT_INVALIDATE, &inv);
    /* A copy error: nothing ran. */
    EXPECT_EQ(inv.entry_num, 0);
}

/* A smaller struct than the kernel's is below min_size (32): EINVAL. */
TEST_F(inv, struct_size_below_min)
{
    uint64_t cmds[2] = { CMD_TLBI_NH_ALL, 0 };
    struct iommu_hwpt_invalidate inv = {
        .size = 28, .hwpt_id = self->n.viommu,
        .data_uptr = (uintptr_t)cmds,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = 16, .entry_num = 1,
    };

    ASSERT_IOCTL_ERR(EINVAL, self->n.iommufd, IOMMU_HWPT_INVALIDATE, &inv);
}

/* ==== one command per variant (3.3) ===================================== */

/* Features a variant depends on; it skips when the SMMU lacks them. */
enum {
    F_ANY = 0,
    F_RIL = 1 << 0, F_NO_RIL = 1 << 1,
    F_ATS = 1 << 2, F_NO_ATS = 1 << 3,
    F_SSID = 1 << 4, F_NO_SSID = 1 << 5,
    F_DS = 1 << 6, F_NO_DS = 1 << 7,
    F_ASID8 = 1 << 8,
};

FIXTURE(cmd) {
    Nest n;
};

FIXTURE_VARIANT(cmd) {
    uint64_t cmd0, cmd1;
    unsigned needs;
    bool bad;
};

#define NH_VA0      (CMD_TLBI_NH_VA | CMD0_ASID(GUEST_ASID))
#define NH_VAA0     CMD_TLBI_NH_VAA
#define VA1         GUEST_VA

/* Accepted commands. */
FIXTURE_VARIANT_ADD(cmd, nsnh_all) { .cmd0 = CMD_TLBI_NSNH_ALL };
FIXTURE_VARIANT_ADD(cmd, nh_all) { .cmd0 = CMD_TLBI_NH_ALL };
FIXTURE_VARIANT_ADD(cmd, nh_all_guest_vmid_overwritten) {
    .cmd0 = CMD_TLBI_NH_ALL | CMD0_VMID(0x55),
};
FIXTURE_VARIANT_ADD(cmd, nh_asid) {
    .cmd0 = CMD_TLBI_NH_ASID | CMD0_ASID(GUEST_ASID),
};
FIXTURE_VARIANT_ADD(cmd, nh_asid_top_of_8bit) {
    .cmd0 = CMD_TLBI_NH_ASID | CMD0_ASID(0xff),
};
FIXTURE_VARIANT_ADD(cmd, nh_va) { .cmd0 = NH_VA0, .cmd1 = VA1 };
FIXTURE_VARIANT_ADD(cmd, nh_va_leaf) { .cmd0 = NH_VA0, .cmd1 = VA1 | 1 };
FIXTURE_VARIANT_ADD(cmd, nh_va_top_address) {
    .cmd0 = NH_VA0, .cmd1 = 0xfffffffffffff000ULL,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_range) {
    .cmd0 = NH_VA0 | CMD0_NUM(3) | CMD0_SCALE(1),
    .cmd1 = VA1 | CMD1_TG(1) | CMD1_TTL(3), .needs = F_RIL,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_range_ttl_only) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | CMD1_TG(1) | CMD1_TTL(3), .needs = F_RIL,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_range_scale_31) {
    .cmd0 = NH_VA0 | CMD0_SCALE(31), .cmd1 = VA1 | CMD1_TG(3),
    .needs = F_RIL,
};
FIXTURE_VARIANT_ADD(cmd, nh_vaa) { .cmd0 = NH_VAA0, .cmd1 = VA1 | 1 };
FIXTURE_VARIANT_ADD(cmd, nh_vaa_range) {
    .cmd0 = NH_VAA0 | CMD0_NUM(31), .cmd1 = VA1 | CMD1_TG(2),
    .needs = F_RIL,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd) {
    .cmd0 = CMD_CFGI_CD | CMD0_SID(VSID),
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_leaf) {
    .cmd0 = CMD_CFGI_CD | CMD0_SID(VSID), .cmd1 = CMD1_LEAF,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_ssid) {
    .cmd0 = CMD_CFGI_CD | CMD0_SID(VSID) | CMD0_SSID(3), .needs = F_SSID,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_all) {
    .cmd0 = CMD_CFGI_CD_ALL | CMD0_SID(VSID),
};
FIXTURE_VARIANT_ADD(cmd, atc_inv) {
    .cmd0 = CMD_ATC_INV | CMD0_SID(VSID), .cmd1 = VA1 | CMD1_ATC_SIZE(52),
    .needs = F_ATS,
};
FIXTURE_VARIANT_ADD(cmd, atc_inv_ssid_global) {
    .cmd0 = CMD_ATC_INV | CMD0_SID(VSID) | CMD0_SSV | CMD0_SSID(1) |
            CMD0_ATC_GLOBAL,
    .cmd1 = VA1, .needs = F_ATS | F_SSID,
};

/* Bits outside the allowed set of the opcode, and refused opcodes. */
FIXTURE_VARIANT_ADD(cmd, nsnh_all_bit8) {
    .cmd0 = CMD_TLBI_NSNH_ALL | 1ULL << 8, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nsnh_all_vmid) {
    .cmd0 = CMD_TLBI_NSNH_ALL | CMD0_VMID(1), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nsnh_all_cmd1) {
    .cmd0 = CMD_TLBI_NSNH_ALL, .cmd1 = 1ULL << 63, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_all_ssec_bit10) {
    .cmd0 = CMD_TLBI_NH_ALL | 1ULL << 10, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_all_asid) {
    .cmd0 = CMD_TLBI_NH_ALL | CMD0_ASID(1), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_all_cmd1) {
    .cmd0 = CMD_TLBI_NH_ALL, .cmd1 = 1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_asid_ssv) {
    .cmd0 = CMD_TLBI_NH_ASID | CMD0_SSV, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_asid_bit31) {
    .cmd0 = CMD_TLBI_NH_ASID | 1ULL << 31, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_asid_cmd1) {
    .cmd0 = CMD_TLBI_NH_ASID, .cmd1 = VA1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_asid_beyond_8bit) {
    .cmd0 = CMD_TLBI_NH_ASID | CMD0_ASID(0x100), .needs = F_ASID8,
    .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_bit8) {
    .cmd0 = NH_VA0 | 1ULL << 8, .cmd1 = VA1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_bit17) {
    .cmd0 = NH_VA0 | 1ULL << 17, .cmd1 = VA1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_ttl128_bit7) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | 1ULL << 7, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_cmd1_bit1) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | 1ULL << 1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_num_without_tg) {
    .cmd0 = NH_VA0 | CMD0_NUM(1), .cmd1 = VA1, .needs = F_RIL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_ttl_without_tg) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | CMD1_TTL(3), .needs = F_RIL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_tg_with_nothing_reserved) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | CMD1_TG(1), .needs = F_RIL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_tg16k_ttl1_without_ds) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | CMD1_TG(2) | CMD1_TTL(1),
    .needs = F_RIL | F_NO_DS, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_scale_32_without_ds) {
    .cmd0 = NH_VA0 | CMD0_SCALE(32), .cmd1 = VA1 | CMD1_TG(1) | CMD1_TTL(3),
    .needs = F_RIL | F_NO_DS, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_num_without_ril) {
    .cmd0 = NH_VA0 | CMD0_NUM(1), .cmd1 = VA1 | CMD1_TG(1),
    .needs = F_NO_RIL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_va_ttl_without_ril) {
    .cmd0 = NH_VA0, .cmd1 = VA1 | CMD1_TG(1) | CMD1_TTL(3),
    .needs = F_NO_RIL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_vaa_asid) {
    .cmd0 = NH_VAA0 | CMD0_ASID(1), .cmd1 = VA1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, nh_vaa_ssv) {
    .cmd0 = NH_VAA0 | CMD0_SSV, .cmd1 = VA1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_ssid_without_substreams) {
    .cmd0 = CMD_CFGI_CD | CMD0_SID(VSID) | CMD0_SSID(1),
    .needs = F_NO_SSID, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_ssv) {
    .cmd0 = CMD_CFGI_CD | CMD0_SID(VSID) | CMD0_SSV, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_cmd1_bit1) {
    .cmd0 = CMD_CFGI_CD | CMD0_SID(VSID), .cmd1 = 2, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_all_leaf) {
    .cmd0 = CMD_CFGI_CD_ALL | CMD0_SID(VSID), .cmd1 = CMD1_LEAF, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, cfgi_cd_all_ssid) {
    .cmd0 = CMD_CFGI_CD_ALL | CMD0_SID(VSID) | CMD0_SSID(1), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, atc_inv_without_ats) {
    .cmd0 = CMD_ATC_INV | CMD0_SID(VSID), .cmd1 = VA1, .needs = F_NO_ATS,
    .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, atc_inv_size_53) {
    .cmd0 = CMD_ATC_INV | CMD0_SID(VSID), .cmd1 = VA1 | CMD1_ATC_SIZE(53),
    .needs = F_ATS, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, atc_inv_ssid_without_substreams) {
    .cmd0 = CMD_ATC_INV | CMD0_SID(VSID) | CMD0_SSV | CMD0_SSID(1),
    .cmd1 = VA1, .needs = F_ATS | F_NO_SSID, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, unknown_vsid) {
    .cmd0 = CMD_CFGI_CD_ALL | CMD0_SID(0x77), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_cfgi_ste) {
    .cmd0 = CMD_CFGI_STE | CMD0_SID(VSID), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_cfgi_all) {
    .cmd0 = CMD_CFGI_ALL, .cmd1 = 31, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_cmd_sync) { .cmd0 = CMD_SYNC, .bad = true };
FIXTURE_VARIANT_ADD(cmd, op_prefetch_config) {
    .cmd0 = CMD_PREFETCH_CONFIG | CMD0_SID(VSID), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_tlbi_el2_all) {
    .cmd0 = CMD_TLBI_EL2_ALL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_tlbi_s12_vmall) {
    .cmd0 = CMD_TLBI_S12_VMALL, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_tlbi_s2_ipa) {
    .cmd0 = CMD_TLBI_S2_IPA, .cmd1 = VA1, .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_pri_resp) {
    .cmd0 = CMD_PRI_RESP | CMD0_SID(VSID), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_resume) {
    .cmd0 = CMD_RESUME | CMD0_SID(VSID), .bad = true,
};
FIXTURE_VARIANT_ADD(cmd, op_zero) { .cmd0 = 0, .bad = true };
FIXTURE_VARIANT_ADD(cmd, op_impdef_0x8f) { .cmd0 = 0x8f, .bad = true };

FIXTURE_SETUP(cmd)
{
    inv_up(&self->n, NULL, variant->needs);
}

FIXTURE_TEARDOWN(cmd)
{
    inv_down(&self->n, 0);
}

static const struct {
    unsigned flag;
    const char *what;
} feature_names[] = {
    { F_RIL, "IDR3.RIL" }, { F_NO_RIL, "an SMMU without RIL" },
    { F_ATS, "IDR0.ATS" }, { F_NO_ATS, "an SMMU without ATS" },
    { F_SSID, "substreams (IDR1.SSIDSIZE)" },
    { F_NO_SSID, "an SMMU without substreams" },
    { F_DS, "IDR5.DS" }, { F_NO_DS, "an SMMU without DS" },
    { F_ASID8, "8-bit ASIDs" },
};

/* The first feature of needs that n's SMMU lacks, or NULL. */
static const char *missing_feature(const Nest *n, unsigned needs)
{
    bool have[] = {
        nest_ril(n), !nest_ril(n), nest_ats(n), !nest_ats(n),
        nest_ssid_bits(n) != 0, nest_ssid_bits(n) == 0, nest_ds(n),
        !nest_ds(n), nest_asid_bits(n) == 8,
    };
    unsigned i;

    for (i = 0; i < sizeof(have) / sizeof(have[0]); i++) {
        if ((needs & feature_names[i].flag) && !have[i]) {
            return feature_names[i].what;
        }
    }
    return NULL;
}

static bool have_features(const Nest *n, unsigned needs)
{
    return !missing_feature(n, needs);
}

static void require_features(const Nest *n, unsigned needs)
{
    const char *what = missing_feature(n, needs);

    if (what) {
        SKIP("needs %s", what);
    }
}

/*
 * The command is the third of three; the first two are valid, so a
 * refused command reports entry_num = 2 (the index of the bad entry).
 */
TEST_F(cmd, third_of_three)
{
    uint64_t cmds[6] = {
        GOOD0_0, 0, GOOD1_0, 0, variant->cmd0, variant->cmd1,
    };
    uint32_t done = 0;
    int r;

    require_features(&self->n, variant->needs);
    r = nest_inv(&self->n, cmds, 3, &done);
    if (variant->bad) {
        EXPECT_EQ(r, -EIO);
        EXPECT_EQ(done, 2);
    } else {
        EXPECT_EQ(r, 0);
        EXPECT_EQ(done, 3);
    }
}

/* ==== entry_num = index of the first bad command, across batches ======== */

FIXTURE(bad_at) {
    Nest n;
};

FIXTURE_VARIANT(bad_at) {
    uint32_t index, num;
};

FIXTURE_VARIANT_ADD(bad_at, first) { .index = 0, .num = 4 };
FIXTURE_VARIANT_ADD(bad_at, last) { .index = 3, .num = 4 };
FIXTURE_VARIANT_ADD(bad_at, end_of_first_batch) { .index = 62, .num = 70 };
FIXTURE_VARIANT_ADD(bad_at, start_of_second_batch) { .index = 63, .num = 70 };
FIXTURE_VARIANT_ADD(bad_at, inside_third_batch) { .index = 130, .num = 140 };

FIXTURE_SETUP(bad_at)
{
    inv_up(&self->n, NULL, 0);
}

FIXTURE_TEARDOWN(bad_at)
{
    inv_down(&self->n, 0);
}

TEST_F(bad_at, entry_num_is_index)
{
    uint64_t cmds[2 * 140];
    uint32_t i, done = 0;
    unsigned user = 0, nlog, syncs = 0;
    static uint64_t log[512][2];
    static bool is_user[512];

    for (i = 0; i < variant->num; i++) {
        cmds[2 * i] = i & 1 ? GOOD1_0 : GOOD0_0;
        cmds[2 * i + 1] = 0;
    }
    cmds[2 * variant->index] = CMD_SYNC;
    if (cenv_sim) {
        nest_sim_log_clear(self->n.dev);
    }
    EXPECT_EQ(nest_inv(&self->n, cmds, variant->num, &done), -EIO);
    EXPECT_EQ(done, variant->index);
    if (!cenv_sim) {
        return;
    }
    /*
     * Whole batches of 63 before the bad command were executed; the
     * commands of the batch it is in were checked but not sent (3.3).
     */
    nlog = nest_sim_log(self->n.dev, log, is_user, 512);
    for (i = 0; i < nlog; i++) {
        user += is_user[i];
        syncs += !is_user[i] && (log[i][0] & 0xff) == CMD_SYNC;
    }
    EXPECT_EQ(user, variant->index / 63 * 63);
    EXPECT_EQ(syncs, variant->index / 63);
}

/* ==== what reaches the hardware queue (simulator) ======================= */

/* The S2 parent's VMID as installed in the device's STE. */
static uint64_t s2_vmid(Nest *n)
{
    uint32_t pt = n->s2;
    uint64_t vmid = 0;

    ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
    n->attached = true;
    nest_sim_attachment(n->dev, NULL, 0, &vmid, NULL);
    ASSERT_NE(vmid, 0);
    return vmid;
}

/* Collect the user entries of the log; count the kernel CMD_SYNCs. */
static unsigned user_cmds(const Nest *n, uint64_t (*out)[2], unsigned max,
                          unsigned *syncs, unsigned *sync_after)
{
    static uint64_t log[512][2];
    static bool is_user[512];
    unsigned nlog = nest_sim_log(n->dev, log, is_user, 512);
    unsigned i, k = 0, run = 0;

    *syncs = 0;
    for (i = 0; i < nlog; i++) {
        if (is_user[i]) {
            if (k < max) {
                out[k][0] = log[i][0];
                out[k][1] = log[i][1];
            }
            k++;
            run++;
        } else if ((log[i][0] & 0xff) == CMD_SYNC) {
            if (sync_after && *syncs < 8) {
                sync_after[*syncs] = run;
            }
            (*syncs)++;
            run = 0;
        }
    }
    return k;
}

TEST_F(inv, sim_rewrites_vsid_vmid_nsnh)
{
    Nest *n = &self->n;
    uint64_t cmds[] = {
        CMD_TLBI_NSNH_ALL, 0,
        CMD_TLBI_NH_ALL | CMD0_VMID(0x55), 0,
        CMD_TLBI_NH_ASID | CMD0_ASID(GUEST_ASID) | CMD0_VMID(0x66), 0,
        NH_VA0, VA1 | CMD1_LEAF,
        NH_VAA0, VA1,
        CMD_CFGI_CD | CMD0_SID(VSID), CMD1_LEAF,
        CMD_CFGI_CD_ALL | CMD0_SID(VSID), 0,
    };
    uint64_t out[16][2], vmid;
    unsigned k, syncs, i;
    uint32_t done, psid;

    REQUIRE_SIM();
    vmid = s2_vmid(n);
    psid = nest_sim_sid(n->dev);
    nest_sim_log_clear(n->dev);
    ASSERT_EQ(nest_inv(n, cmds, 7, &done), 0);
    EXPECT_EQ(done, 7);
    k = user_cmds(n, out, 16, &syncs, NULL);
    ASSERT_EQ(k, 7);
    EXPECT_EQ(syncs, 1);
    /* NSNH_ALL became NH_ALL of the VMID, with cmd[1] = 0. */
    EXPECT_EQ(out[0][0], CMD_TLBI_NH_ALL | CMD0_VMID(vmid));
    EXPECT_EQ(out[0][1], 0);
    /* Every TLBI carries the S2 parent's VMID, whatever the guest wrote. */
    for (i = 1; i <= 4; i++) {
        EXPECT_EQ(CMD_VMID_OF(out[i][0]), vmid);
        EXPECT_EQ(out[i][0] & ~CMD0_VMID(0xffff),
                  cmds[2 * i] & ~CMD0_VMID(0xffff));
        EXPECT_EQ(out[i][1], cmds[2 * i + 1]);
    }
    /* CFGI_CD/CD_ALL name the physical StreamID, the rest unchanged. */
    for (i = 5; i <= 6; i++) {
        EXPECT_EQ(CMD_SID_OF(out[i][0]), psid);
        EXPECT_EQ((uint32_t)out[i][0], (uint32_t)cmds[2 * i]);
        EXPECT_EQ(out[i][1], cmds[2 * i + 1]);
    }
}

TEST_F(inv, sim_batches_of_63_each_with_sync)
{
    static uint64_t cmds[2 * BIG_BATCH];
    static uint64_t out[BIG_BATCH][2];
    unsigned k, syncs, sync_after[8] = { 0 }, i;
    uint32_t done;

    REQUIRE_SIM();
    for (i = 0; i < BIG_BATCH; i++) {
        cmds[2 * i] = CMD_TLBI_NH_ASID | CMD0_ASID(i);
        cmds[2 * i + 1] = 0;
    }
    nest_sim_log_clear(self->n.dev);
    ASSERT_EQ(nest_inv(&self->n, cmds, BIG_BATCH, &done), 0);
    EXPECT_EQ(done, BIG_BATCH);
    k = user_cmds(&self->n, out, BIG_BATCH, &syncs, sync_after);
    ASSERT_EQ(k, BIG_BATCH);
    ASSERT_EQ(syncs, 3);
    EXPECT_EQ(sync_after[0], 63);
    EXPECT_EQ(sync_after[1], 63);
    EXPECT_EQ(sync_after[2], BIG_BATCH - 126);
    /* In order. */
    for (i = 0; i < BIG_BATCH; i++) {
        EXPECT_EQ(out[i][0] >> 48, i);
    }
}

/* A vDEVICE destroyed while attached: its vSID no longer resolves (3.8) */
TEST_F(inv, vsid_gone_after_vdevice_destroy)
{
    Nest *n = &self->n;
    uint32_t done;

    ASSERT_EQ(nest_inv1(n, CMD_CFGI_CD_ALL | CMD0_SID(VSID), 0, &done), 0);
    ASSERT_EQ(cenv_destroy(n->iommufd, n->vdev), 0);
    n->vdev = 0;
    EXPECT_EQ(nest_inv1(n, CMD_CFGI_CD_ALL | CMD0_SID(VSID), 0, &done), -EIO);
    EXPECT_EQ(done, 0);
    /* TLBIs need no vSID. */
    EXPECT_EQ(nest_inv1(n, CMD_TLBI_NH_ALL, 0, &done), 0);
}

/* Another vIOMMU does not know this vIOMMU's vSIDs. */
TEST_F(inv, vsid_is_per_viommu)
{
    Nest *n = &self->n, other = *n;
    uint32_t done;

    ASSERT_EQ(cenv_viommu(n->iommufd, n->dev_id, n->s2, &other.viommu), 0);
    EXPECT_EQ(nest_inv1(&other, CMD_CFGI_CD_ALL | CMD0_SID(VSID), 0, &done),
              -EIO);
    EXPECT_EQ(nest_inv1(&other, CMD_TLBI_NH_ALL, 0, &done), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, other.viommu), 0);
}
