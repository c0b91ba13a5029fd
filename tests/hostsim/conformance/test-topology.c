/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance: the SMMUv3 driver's rules that depend on what the host
 * has -- several SMMUs, S2FWB, CANWBS, ATS, 8-bit ASIDs and VMIDs -- and
 * that the lab's single QEMU SMMU (CANWBS, VMID16/ASID16, no ATS, no
 * FWB) mostly cannot show (iommufd-uapi.md 3.1, 3.2):
 *  - one VMID per S2 parent, shared by the vIOMMUs on it, from a space
 *    per SMMU; freed with the parent (TLBI_S12_VMALL) and handed out
 *    again; exhausting VMIDs is ENOSPC, exhausting ASIDs EBUSY;
 *  - a vIOMMU needs a CANWBS device or an S2FWB SMMU;
 *  - a domain allocated for a CANWBS device enforces coherency: a
 *    non-CANWBS device cannot attach to it (also the automatic one), the
 *    other way round is fine;
 *  - what the physical STE gets: EATS when the device and the SMMU do
 *    ATS (for a nested S1 vSTE only if the guest's EATS asks for it),
 *    S2FWB on stage-2 and nested STEs of an FWB SMMU; GET_HW_INFO says
 *    ATS_NOT_SUPPORTED exactly when ATS cannot be used.
 * Most checks read the simulator's topology, command log and installed
 * STEs (REQUIRE_SIM); they skip when the topology lacks the case (the
 * default topology and alt.topo together cover all of them).
 */
#include <stdlib.h>
#include <unistd.h>

#include "nest.h"

#define IDR0_S1P        (1u << 1)
#define IDR0_ATS        (1u << 10)
#define IDR0_ASID16     (1u << 12)
#define IDR0_VMID16     (1u << 18)
#define MAX_HWPTS       300

static char reply[32768];

/* ---- what the simulator says about a function ---- */

/* key of bdf's function record in "topology"; false if not there. */
static bool sim_func(const char *bdf, const char *key, uint64_t *val)
{
    uint64_t count = 0;
    char b[32];
    unsigned i;

    if (!cenv_sim || cenv_ctl(reply, sizeof(reply), "topology") != 0) {
        return false;
    }
    cenv_ctl_get(reply, 0, "count", &count);
    for (i = 1; i <= count; i++) {
        if (cenv_ctl_get_str(reply, i, "bdf", b, sizeof(b)) &&
            !strcmp(b, bdf)) {
            return cenv_ctl_get(reply, i, key, val);
        }
    }
    return false;
}

/* The lab's devices all sit behind a CANWBS root complex. */
static bool dev_canwbs(const CDev *d)
{
    uint64_t v = 1;

    sim_func(d->bdf, "canwbs", &v);
    return v;
}

/* eats= and s2fwb= of d's installed STE (simulator). */
static void ste_bits(const CDev *d, uint64_t *eats, uint64_t *fwb)
{
    uint64_t count = 0;
    char b[32];
    unsigned i;

    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "attachments"), 0);
    cenv_ctl_get(reply, 0, "count", &count);
    for (i = 1; i <= count; i++) {
        if (cenv_ctl_get_str(reply, i, "bdf", b, sizeof(b)) &&
            !strcmp(b, d->bdf)) {
            ASSERT_TRUE(cenv_ctl_get(reply, i, "eats", eats));
            ASSERT_TRUE(cenv_ctl_get(reply, i, "s2fwb", fwb));
            return;
        }
    }
    ctest_fail(__FILE__, __LINE__, "no attachment record for %s", d->bdf);
    ctest_abort_test();
}

/* TLBI_NH_ALL through a vIOMMU; the VMID the SMMU of d received. */
static uint64_t vmid_of(const Nest *n, uint32_t viommu, const CDev *d)
{
    uint64_t cmds[64][2], cmd[2] = { CMD_TLBI_NH_ALL, 0 };
    uint32_t num = 1;
    bool user[64];
    unsigned k;

    nest_sim_log_clear(d);
    ASSERT_EQ(cenv_invalidate(n->iommufd, viommu, &cmd[0], &num), 0);
    k = nest_sim_log(d, cmds, user, 64);
    ASSERT_EQ(k, 2);                    /* the command and a CMD_SYNC */
    ASSERT_TRUE(user[0]);
    ASSERT_EQ(cmds[0][0] & 0xff, CMD_TLBI_NH_ALL);
    return CMD_VMID_OF(cmds[0][0]);
}

/* ==== VMIDs: one per S2 parent, a space per SMMU ======================== */

FIXTURE(vmid) {
    Nest n;
};

FIXTURE_VARIANT(vmid) {
    int unused;
};

FIXTURE_VARIANT_ADD(vmid, edu0) { 0 };

FIXTURE_SETUP(vmid)
{
    REQUIRE_SIM();
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, 0);
}

FIXTURE_TEARDOWN(vmid)
{
    nest_teardown(&self->n, true);
}

/*
 * Two vIOMMUs on one S2 parent share its VMID; another S2 parent has its
 * own.  Freeing a parent flushes its VMID, and the next parent gets it.
 */
TEST_F(vmid, per_s2_parent)
{
    Nest *n = &self->n;
    uint32_t v2, s2b, vb, s2c, vc;
    uint64_t va, vmid_b, flushed = 0, cmds[64][2];
    bool user[64];
    unsigned k, i;

    va = vmid_of(n, n->viommu, n->dev);
    EXPECT_NE(va, 0);
    ASSERT_EQ(cenv_viommu(n->iommufd, n->dev_id, n->s2, &v2), 0);
    EXPECT_EQ(vmid_of(n, v2, n->dev), va);
    ASSERT_EQ(cenv_hwpt_paging(n->iommufd, n->dev_id, n->ioas,
                               IOMMU_HWPT_ALLOC_NEST_PARENT, &s2b), 0);
    ASSERT_EQ(cenv_viommu(n->iommufd, n->dev_id, s2b, &vb), 0);
    vmid_b = vmid_of(n, vb, n->dev);
    EXPECT_NE(vmid_b, va);
    EXPECT_NE(vmid_b, 0);

    nest_sim_log_clear(n->dev);
    EXPECT_EQ(cenv_destroy(n->iommufd, vb), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, s2b), 0);
    k = nest_sim_log(n->dev, cmds, user, 64);
    for (i = 0; i < k; i++) {
        if ((cmds[i][0] & 0xff) == CMD_TLBI_S12_VMALL) {
            EXPECT_FALSE(user[i]);
            flushed = CMD_VMID_OF(cmds[i][0]);
        }
    }
    EXPECT_EQ(flushed, vmid_b);
    /* The lowest free VMID again (the driver's ida). */
    ASSERT_EQ(cenv_hwpt_paging(n->iommufd, n->dev_id, n->ioas,
                               IOMMU_HWPT_ALLOC_NEST_PARENT, &s2c), 0);
    ASSERT_EQ(cenv_viommu(n->iommufd, n->dev_id, s2c, &vc), 0);
    EXPECT_EQ(vmid_of(n, vc, n->dev), flushed);
    EXPECT_EQ(cenv_destroy(n->iommufd, vc), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, s2c), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, v2), 0);
}

/*
 * Each SMMU has its own VMID space and command queue: the first S2
 * parent of each gets the same (lowest) VMID, and a vIOMMU's commands
 * reach its own SMMU only.
 */
TEST_F(vmid, per_smmu)
{
    const CDev *other = cenv_edu_other_smmu(self->n.dev);
    Nest *n = &self->n, o;
    uint64_t cmds[8][2], va, vo;

    if (!other) {
        SKIP("needs edu devices behind two SMMUs");
    }
    nest_setup(&o, other, n->iommufd, NEST_VIOMMU, 0);
    va = vmid_of(n, n->viommu, n->dev);
    nest_sim_log_clear(n->dev);
    vo = vmid_of(&o, o.viommu, other);
    EXPECT_EQ(nest_sim_log(n->dev, cmds, NULL, 8), 0);
    EXPECT_EQ(va, vo);
    EXPECT_EQ(va, 1);
    nest_teardown(&o, false);
}

/* ==== running out of VMIDs and ASIDs ==================================== */

FIXTURE(exhaust) {
    Nest n;
    uint32_t ids[MAX_HWPTS];
    unsigned num;
};

FIXTURE_VARIANT(exhaust) {
    int unused;
};

FIXTURE_VARIANT_ADD(exhaust, edu0) { 0 };

FIXTURE_SETUP(exhaust)
{
    /* How many the host kernel's own domains use is unknown elsewhere. */
    REQUIRE_SIM();
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_IOAS, 0);
}

FIXTURE_TEARDOWN(exhaust)
{
    for (unsigned i = 0; i < self->num; i++) {
        EXPECT_EQ(cenv_destroy(self->n.iommufd, self->ids[i]), 0);
    }
    nest_teardown(&self->n, true);
}

/* Allocate HWPTs with flags until one fails; its errno. */
static int fill(exhaust_fixture *self, uint32_t flags)
{
    int r = 0;

    while (self->num < MAX_HWPTS && r == 0) {
        r = cenv_hwpt_paging(self->n.iommufd, self->n.dev_id, self->n.ioas,
                             flags, &self->ids[self->num]);
        if (r == 0) {
            self->num++;
        }
    }
    return r;
}

/* 8-bit VMIDs: [1, 255] for S2 parents, then ida's ENOSPC. */
TEST_F(exhaust, vmids_enospc)
{
    uint32_t last;

    if (self->n.info.idr[0] & IDR0_VMID16) {
        SKIP("the SMMU has 16-bit VMIDs");
    }
    EXPECT_EQ(fill(self, IOMMU_HWPT_ALLOC_NEST_PARENT), -ENOSPC);
    EXPECT_EQ(self->num, 255);
    /* One freed, one more. */
    ASSERT_GT(self->num, 0);
    last = self->ids[--self->num];
    EXPECT_EQ(cenv_destroy(self->n.iommufd, last), 0);
    EXPECT_EQ(fill(self, IOMMU_HWPT_ALLOC_NEST_PARENT), -ENOSPC);
    EXPECT_EQ(self->num, 255);
}

/* 8-bit ASIDs: [1, 255] for stage-1 domains, then xa_alloc's EBUSY. */
TEST_F(exhaust, asids_ebusy)
{
    if (self->n.info.idr[0] & IDR0_ASID16) {
        SKIP("the SMMU has 16-bit ASIDs");
    }
    if (!(self->n.info.idr[0] & IDR0_S1P)) {
        SKIP("paging domains are stage 2 without IDR0.S1P");
    }
    EXPECT_EQ(fill(self, 0), -EBUSY);
    EXPECT_EQ(self->num, 255);
}

/* ==== vIOMMU: CANWBS or S2FWB ============================================ */

/* For every edu device: a vIOMMU iff CANWBS or the SMMU has S2FWB. */
TEST(viommu, needs_canwbs_or_s2fwb)
{
    unsigned i, tried = 0;

    for (i = 0; cenv_edu(i); i++) {
        const CDev *d = cenv_edu(i);
        bool ok;
        Nest n;
        uint32_t id;
        int r;

        nest_setup(&n, d, -1, NEST_IOAS, 0);
        r = cenv_hwpt_paging(n.iommufd, n.dev_id, n.ioas,
                             IOMMU_HWPT_ALLOC_NEST_PARENT, &n.s2);
        if (r == -EOPNOTSUPP) {
            n.s2 = 0;
            nest_teardown(&n, true);
            continue;                   /* no nesting on this SMMU */
        }
        EXPECT_EQ(r, 0);
        ok = dev_canwbs(d) || nest_fwb(&n);
        r = cenv_viommu(n.iommufd, n.dev_id, n.s2, &id);
        EXPECT_EQ(r, ok ? 0 : -EOPNOTSUPP);
        if (r == 0) {
            EXPECT_EQ(cenv_destroy(n.iommufd, id), 0);
        }
        nest_teardown(&n, true);
        tried++;
    }
    if (!tried) {
        SKIP("no edu device behind an SMMU with nesting");
    }
}

/* ==== cache coherency enforced for CANWBS devices ======================== */

FIXTURE(coherency) {
    int fd, cfd, nfd;               /* iommufd, CANWBS and other device */
    uint32_t cid, nid, ioas;
};

FIXTURE_VARIANT(coherency) {
    int unused;
};

FIXTURE_VARIANT_ADD(coherency, pair) { 0 };

/* A CANWBS and a non-CANWBS edu device behind one SMMU (simulator). */
FIXTURE_SETUP(coherency)
{
    const CDev *c = NULL, *n = NULL;
    unsigned i, k;

    REQUIRE_SIM();
    for (i = 0; cenv_edu(i) && !n; i++) {
        for (k = 0; cenv_edu(k); k++) {
            if (i != k && !strcmp(cenv_edu(i)->smmu, cenv_edu(k)->smmu) &&
                dev_canwbs(cenv_edu(i)) && !dev_canwbs(cenv_edu(k))) {
                c = cenv_edu(i);
                n = cenv_edu(k);
                break;
            }
        }
    }
    if (!n) {
        SKIP("needs a CANWBS and a non-CANWBS edu device on one SMMU");
    }
    self->fd = cenv_open_iommufd();
    self->cfd = cenv_open_cdev(c);
    self->nfd = cenv_open_cdev(n);
    ASSERT_EQ(cenv_bind(self->cfd, self->fd, &self->cid), 0);
    ASSERT_EQ(cenv_bind(self->nfd, self->fd, &self->nid), 0);
    ASSERT_EQ(cenv_ioas_alloc(self->fd, &self->ioas), 0);
}

FIXTURE_TEARDOWN(coherency)
{
    close(self->nfd);
    close(self->cfd);
    close(self->fd);
}

/* Allocated for the CANWBS device: the other one cannot join it. */
TEST_F(coherency, cc_domain_refuses_non_canwbs)
{
    uint32_t h, pt;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->cid, self->ioas, 0, &h), 0);
    pt = h;
    EXPECT_EQ(cenv_attach(self->nfd, &pt), -EINVAL);
    pt = h;
    ASSERT_EQ(cenv_attach(self->cfd, &pt), 0);
    pt = h;
    EXPECT_EQ(cenv_attach(self->nfd, &pt), -EINVAL);
    EXPECT_EQ(cenv_detach(self->cfd), 0);
    EXPECT_EQ(cenv_destroy(self->fd, h), 0);
    /* The same for a stage-2 parent attached as a plain domain. */
    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->cid, self->ioas,
                               IOMMU_HWPT_ALLOC_NEST_PARENT, &h), 0);
    pt = h;
    EXPECT_EQ(cenv_attach(self->nfd, &pt), -EINVAL);
    EXPECT_EQ(cenv_destroy(self->fd, h), 0);
}

/* Allocated for the non-CANWBS device: both may use it. */
TEST_F(coherency, non_cc_domain_takes_both)
{
    uint32_t h, pt;

    ASSERT_EQ(cenv_hwpt_paging(self->fd, self->nid, self->ioas, 0, &h), 0);
    pt = h;
    EXPECT_EQ(cenv_attach(self->cfd, &pt), 0);
    pt = h;
    EXPECT_EQ(cenv_attach(self->nfd, &pt), 0);
    EXPECT_EQ(cenv_detach(self->nfd), 0);
    EXPECT_EQ(cenv_detach(self->cfd), 0);
    EXPECT_EQ(cenv_destroy(self->fd, h), 0);
}

/* Automatic domains follow the same rule, so the order matters. */
TEST_F(coherency, auto_domains)
{
    uint32_t pc = self->ioas, pn = self->ioas;

    ASSERT_EQ(cenv_attach(self->cfd, &pc), 0);
    ASSERT_EQ(cenv_attach(self->nfd, &pn), 0);
    EXPECT_NE(pc, pn);
    EXPECT_EQ(cenv_detach(self->cfd), 0);
    EXPECT_EQ(cenv_detach(self->nfd), 0);
    pc = pn = self->ioas;
    ASSERT_EQ(cenv_attach(self->nfd, &pn), 0);
    ASSERT_EQ(cenv_attach(self->cfd, &pc), 0);
    EXPECT_EQ(pc, pn);
    EXPECT_EQ(cenv_detach(self->cfd), 0);
    EXPECT_EQ(cenv_detach(self->nfd), 0);
}

/* ==== what the physical STE gets: EATS, S2FWB ============================ */

FIXTURE(ste) {
    Nest n;
    bool ats, fwb;                  /* the device can use ATS; SMMU FWB */
};

FIXTURE_VARIANT(ste) {
    int unused;
};

FIXTURE_VARIANT_ADD(ste, edu) { 0 };

/* The first edu device that can use ATS, else the first one. */
FIXTURE_SETUP(ste)
{
    const CDev *d = NULL;
    uint64_t ats;
    unsigned i;

    REQUIRE_SIM();
    REQUIRE_EDU(1);
    for (i = 0; cenv_edu(i) && !d; i++) {
        if (sim_func(cenv_edu(i)->bdf, "ats", &ats) && ats) {
            d = cenv_edu(i);
        }
    }
    nest_setup(&self->n, d ? d : cenv_edu(0), -1, NEST_S2, 0);
    self->ats = d && nest_ats(&self->n);
    self->fwb = nest_fwb(&self->n);
    if (!dev_canwbs(self->n.dev) && !self->fwb) {
        nest_teardown(&self->n, true);
        SKIP("no vIOMMU for this device (neither CANWBS nor S2FWB)");
    }
    nest_grow(&self->n, NEST_VDEVICE);
}

FIXTURE_TEARDOWN(ste)
{
    nest_teardown(&self->n, true);
}

static void expect_ste(ste_fixture *self, uint32_t hwpt, bool eats,
                       bool fwb)
{
    uint64_t e = ~0ull, f = ~0ull;

    nest_attach(&self->n, hwpt);
    ste_bits(self->n.dev, &e, &f);
    EXPECT_EQ(e, eats);
    EXPECT_EQ(f, fwb);
}

TEST_F(ste, eats_and_s2fwb)
{
    Nest *n = &self->n;
    uint32_t s1, byp, abt, s1ats, ioas_pt = n->ioas;
    uint64_t e, f;

    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_S1_0(0x1000), VSTE_S1_1, &s1), 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_S1_0(0x1000),
                               VSTE_S1_1 | STE1_EATS(1), &s1ats), 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_BYPASS0, 0, &byp), 0);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_ABORT0, 0, &abt), 0);

    /* The S2 parent itself; a nested S1 with EATS off / on; bypass. */
    expect_ste(self, n->s2, self->ats, self->fwb);
    expect_ste(self, s1, false, self->fwb);
    expect_ste(self, s1ats, self->ats, self->fwb);
    expect_ste(self, byp, self->ats, self->fwb);
    expect_ste(self, abt, false, false);
    /* An automatic (stage-1 where S1P) domain has no S2FWB. */
    ASSERT_EQ(cenv_attach(n->devfd, &ioas_pt), 0);
    ste_bits(n->dev, &e, &f);
    EXPECT_EQ(e, self->ats);
    if (n->info.idr[0] & IDR0_S1P) {
        EXPECT_EQ(f, 0);
    }
    EXPECT_EQ(cenv_detach(n->devfd), 0);
    n->attached = false;
    ste_bits(n->dev, &e, &f);
    EXPECT_EQ(e, 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, s1), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, s1ats), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, byp), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, abt), 0);
}

/* ==== GET_HW_INFO: ATS_NOT_SUPPORTED ===================================== */

/*
 * Set exactly when the device cannot use ATS: always without IDR0.ATS
 * (the lab's case); with it, as the simulator's topology says.
 */
TEST(hw_info, ats_not_supported_cap)
{
    unsigned i;

    REQUIRE_EDU(1);
    for (i = 0; cenv_edu(i); i++) {
        const CDev *d = cenv_edu(i);
        struct iommu_hw_info_arm_smmuv3 info;
        uint64_t caps = 0, ats = 0;
        int fd = cenv_open_iommufd(), devfd = cenv_open_cdev(d);
        uint32_t dev_id;

        ASSERT_EQ(cenv_bind(devfd, fd, &dev_id), 0);
        ASSERT_EQ(cenv_hw_info(fd, dev_id, &info, &caps), 0);
        if (!(info.idr[0] & IDR0_ATS)) {
            EXPECT_TRUE(caps & IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
        } else if (sim_func(d->bdf, "ats", &ats)) {
            EXPECT_EQ(!!(caps & IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED), !ats);
        }
        close(devfd);
        close(fd);
    }
}
