/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nesting checks' shared helpers (nest.h): building and tearing down
 * the stack of objects a VMM creates for a nested device (iommufd-uapi.md
 * section 7), reading SMMU features from the raw IDRs, forwarding
 * invalidation commands, reading vEVENTQ records, and asking the
 * simulator's control channel about its command log, counters and
 * installed STEs.
 */
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "nest.h"

/* Replies can be long (a command log of a few hundred entries). */
static char ctl_reply[256 * 1024];

void nest_setup(Nest *n, const CDev *d, int iommufd, NestLevel level,
                uint64_t vsid)
{
    memset(n, 0, sizeof(*n));
    n->dev = d;
    n->vsid = vsid;
    n->devfd = -1;
    n->iommufd = iommufd >= 0 ? iommufd : cenv_open_iommufd();
    n->devfd = cenv_open_cdev(d);
    nest_grow(n, level);
}

void nest_grow(Nest *n, NestLevel level)
{
    if (level >= NEST_BOUND && !n->dev_id) {
        ASSERT_EQ(cenv_bind(n->devfd, n->iommufd, &n->dev_id), 0);
        ASSERT_EQ(cenv_hw_info(n->iommufd, n->dev_id, &n->info, NULL), 0);
    }
    if (level >= NEST_IOAS && !n->ioas) {
        ASSERT_EQ(cenv_ioas_alloc(n->iommufd, &n->ioas), 0);
    }
    if (level >= NEST_S2 && !n->s2) {
        ASSERT_EQ(cenv_hwpt_paging(n->iommufd, n->dev_id, n->ioas,
                                   IOMMU_HWPT_ALLOC_NEST_PARENT, &n->s2), 0);
    }
    if (level >= NEST_VIOMMU && !n->viommu) {
        ASSERT_EQ(cenv_viommu(n->iommufd, n->dev_id, n->s2, &n->viommu), 0);
    }
    if (level >= NEST_VDEVICE && !n->vdev) {
        ASSERT_EQ(cenv_vdevice(n->iommufd, n->viommu, n->dev_id, n->vsid,
                               &n->vdev), 0);
    }
}

void nest_teardown(Nest *n, bool close_ictx)
{
    if (n->attached && n->devfd >= 0) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    if (n->vdev) {
        EXPECT_EQ(cenv_destroy(n->iommufd, n->vdev), 0);
        n->vdev = 0;
    }
    if (n->viommu) {
        EXPECT_EQ(cenv_destroy(n->iommufd, n->viommu), 0);
        n->viommu = 0;
    }
    if (n->s2) {
        EXPECT_EQ(cenv_destroy(n->iommufd, n->s2), 0);
        n->s2 = 0;
    }
    if (n->ioas) {
        EXPECT_EQ(cenv_destroy(n->iommufd, n->ioas), 0);
        n->ioas = 0;
    }
    if (n->devfd >= 0) {
        close(n->devfd);
        n->devfd = -1;
    }
    if (close_ictx && n->iommufd >= 0) {
        close(n->iommufd);
        n->iommufd = -1;
    }
}

bool nest_ril(const Nest *n)
{
    return n->info.idr[3] & (1u << 10);
}

bool nest_ats(const Nest *n)
{
    return n->info.idr[0] & (1u << 10);
}

bool nest_ds(const Nest *n)
{
    return n->info.idr[5] & (1u << 7);
}

bool nest_fwb(const Nest *n)
{
    return n->info.idr[3] & (1u << 8);
}

unsigned nest_ssid_bits(const Nest *n)
{
    return (n->info.idr[1] >> 6) & 0x1f;
}

unsigned nest_asid_bits(const Nest *n)
{
    return n->info.idr[0] & (1u << 12) ? 16 : 8;
}

int nest_inv(const Nest *n, const uint64_t *cmds, uint32_t num,
             uint32_t *done)
{
    uint32_t k = num;
    int r = cenv_invalidate(n->iommufd, n->viommu, cmds, &k);

    if (done) {
        *done = k;
    }
    return r;
}

int nest_inv1(const Nest *n, uint64_t cmd0, uint64_t cmd1, uint32_t *done)
{
    uint64_t cmd[2] = { cmd0, cmd1 };

    return nest_inv(n, cmd, 1, done);
}

/* ---- the guest ---- */

void *nest_gpa(NestGuest *g, uint64_t gpa)
{
    if (gpa < NEST_GUEST_GPA || gpa >= NEST_GUEST_GPA + NEST_GUEST_SIZE) {
        ctest_fail(__FILE__, __LINE__, "GPA 0x%" PRIx64 " outside the "
                   "guest RAM", gpa);
        ctest_abort_test();
    }
    return g->ram + (gpa - NEST_GUEST_GPA);
}

static uint64_t *table_entry(NestGuest *g, uint64_t table, unsigned idx)
{
    return (uint64_t *)nest_gpa(g, table) + idx;
}

void nest_map_page(NestGuest *g, uint64_t iova, uint64_t gpa,
                   uint64_t attrs)
{
    if (iova < NEST_IOVA(0) || iova >= NEST_IOVA(512)) {
        ctest_fail(__FILE__, __LINE__, "IOVA 0x%" PRIx64 " outside the "
                   "level-3 table", iova);
        ctest_abort_test();
    }
    *table_entry(g, NEST_GPA_L3, (iova >> 12) & 0x1ff) =
        (gpa & PTE_ADDR_MASK) | attrs;
    __sync_synchronize();
}

void nest_guest_init(Nest *n, NestGuest *g)
{
    uint64_t *cd;

    memset(g, 0, sizeof(*g));
    g->ram = cenv_alloc(NEST_GUEST_SIZE);
    ASSERT_EQ(cenv_map_fixed(n->iommufd, n->ioas, g->ram, NEST_GUEST_SIZE,
                             NEST_GUEST_GPA), 0);
    /* Level 1 -> level 2 -> level 3 for IOVA [2 MiB, 4 MiB). */
    *table_entry(g, NEST_GPA_L1, (NEST_IOVA_BASE >> 30) & 0x1ff) =
        NEST_GPA_L2 | PTE_VALID | PTE_TABLE;
    *table_entry(g, NEST_GPA_L2, (NEST_IOVA_BASE >> 21) & 0x1ff) =
        NEST_GPA_L3 | PTE_VALID | PTE_TABLE;
    cd = nest_gpa(g, NEST_GPA_CD);
    cd[0] = CD0_T0SZ(25) | CD0_TG0_4K | CD0_IR0(1) | CD0_OR0(1) |
            CD0_SH0(3) | CD0_EPD1 | CD0_V | CD0_IPS(2) | CD0_AA64 | CD0_R |
            CD0_A | CD0_ASET | CD0_ASID(NEST_ASID);
    cd[1] = CD1_TTB0(NEST_GPA_L1);
    cd[2] = 0;
    cd[3] = CD_MAIR_WB;
    __sync_synchronize();
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_S1_0(NEST_GPA_CD), VSTE_S1_1,
                               &g->s1_hwpt), 0);
}

void nest_guest_fini(NestGuest *g)
{
    cenv_free(g->ram, NEST_GUEST_SIZE);
    g->ram = NULL;
}

void nest_attach(Nest *n, uint32_t hwpt)
{
    uint32_t pt = hwpt;

    ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
    n->attached = true;
}

void nest_dma(Nest *n, uint64_t addr, uint32_t len, bool to_dev)
{
    __sync_synchronize();
    ASSERT_EQ(cenv_edu_dma(n->devfd, addr, len, to_dev), 0);
    __sync_synchronize();
}

bool nest_wait_readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* ---- simulator ---- */

static void ctl_or_fail(const char *what, const char *req)
{
    if (cenv_ctl(ctl_reply, sizeof(ctl_reply), "%s", req) != 0) {
        ctest_fail(__FILE__, __LINE__, "control %s: %.300s", what,
                   ctl_reply);
        ctest_abort_test();
    }
}

static uint64_t reply_count(void)
{
    uint64_t count = 0;

    cenv_ctl_get(ctl_reply, 0, "count", &count);
    return count;
}

/* The record line (1-based) whose key equals value, or 0. */
static unsigned find_record(const char *key, const char *value)
{
    uint64_t count = reply_count();
    char buf[128];
    unsigned i;

    for (i = 1; i <= count; i++) {
        if (cenv_ctl_get_str(ctl_reply, i, key, buf, sizeof(buf)) &&
            !strcmp(buf, value)) {
            return i;
        }
    }
    return 0;
}

unsigned nest_sim_smmu(const CDev *d)
{
    uint64_t idx;
    unsigned line;

    ctl_or_fail("topology", "topology");
    line = find_record("name", d->smmu);
    if (!line || !cenv_ctl_get(ctl_reply, line, "smmu", &idx)) {
        ctest_fail(__FILE__, __LINE__, "no SMMU named %s in the topology",
                   d->smmu);
        ctest_abort_test();
    }
    return idx;
}

void nest_sim_log_clear(const CDev *d)
{
    char req[64];

    snprintf(req, sizeof(req), "cmd-log smmu=%u clear=1", nest_sim_smmu(d));
    ctl_or_fail("cmd-log", req);
}

unsigned nest_sim_log(const CDev *d, uint64_t (*cmds)[2], bool *user,
                      unsigned max)
{
    char req[64], origin[16];
    uint64_t count;
    unsigned i;

    snprintf(req, sizeof(req), "cmd-log smmu=%u", nest_sim_smmu(d));
    ctl_or_fail("cmd-log", req);
    count = reply_count();
    for (i = 0; i < count && i < max; i++) {
        if (!cenv_ctl_get(ctl_reply, i + 1, "cmd0", &cmds[i][0]) ||
            !cenv_ctl_get(ctl_reply, i + 1, "cmd1", &cmds[i][1]) ||
            !cenv_ctl_get_str(ctl_reply, i + 1, "origin", origin,
                              sizeof(origin))) {
            ctest_fail(__FILE__, __LINE__, "bad cmd-log line %u", i + 1);
            ctest_abort_test();
        }
        if (user) {
            user[i] = !strcmp(origin, "user");
        }
    }
    return i;
}

uint64_t nest_sim_stat(const CDev *d, const char *key)
{
    char req[64];
    uint64_t v = 0;

    snprintf(req, sizeof(req), "stats smmu=%u", nest_sim_smmu(d));
    ctl_or_fail("stats", req);
    if (!cenv_ctl_get(ctl_reply, 0, key, &v)) {
        ctest_fail(__FILE__, __LINE__, "stats has no %s", key);
        ctest_abort_test();
    }
    return v;
}

void nest_sim_attachment(const CDev *d, char *ste, size_t len,
                         uint64_t *vmid, uint64_t *vsid)
{
    unsigned line;

    ctl_or_fail("attachments", "attachments");
    line = find_record("bdf", d->bdf);
    if (!line) {
        ctest_fail(__FILE__, __LINE__, "no attachment record for %s",
                   d->bdf);
        ctest_abort_test();
    }
    if (ste) {
        cenv_ctl_get_str(ctl_reply, line, "ste", ste, len);
    }
    if (vmid && !cenv_ctl_get(ctl_reply, line, "vmid", vmid)) {
        *vmid = ~0ull;
    }
    if (vsid && !cenv_ctl_get(ctl_reply, line, "vsid", vsid)) {
        *vsid = ~0ull;
    }
}

uint32_t nest_sim_sid(const CDev *d)
{
    uint64_t sid;
    unsigned line;

    ctl_or_fail("attachments", "attachments");
    line = find_record("bdf", d->bdf);
    if (!line || !cenv_ctl_get(ctl_reply, line, "sid", &sid)) {
        ctest_fail(__FILE__, __LINE__, "no StreamID for %s", d->bdf);
        ctest_abort_test();
    }
    return sid;
}

bool nest_sim_inject(const CDev *d, const uint64_t evt[4])
{
    char req[256];
    uint64_t fwd = 0;

    snprintf(req, sizeof(req),
             "inject-event smmu=%u evt=0x%" PRIx64 ",0x%" PRIx64 ",0x%"
             PRIx64 ",0x%" PRIx64, nest_sim_smmu(d), evt[0], evt[1],
             evt[2], evt[3]);
    ctl_or_fail("inject-event", req);
    if (!cenv_ctl_get(ctl_reply, 0, "forwarded", &fwd)) {
        ctest_fail(__FILE__, __LINE__, "inject-event: no forwarded= in %s",
                   ctl_reply);
        ctest_abort_test();
    }
    return fwd;
}

/* ---- vEVENTQ ---- */

unsigned nest_read_records(int fd, NestRecord *out, unsigned max)
{
    static uint8_t buf[64 * 1024];
    unsigned n = 0;

    for (;;) {
        ssize_t len = read(fd, buf, sizeof(buf));
        size_t off = 0;

        if (len < 0) {
            ctest_fail(__FILE__, __LINE__, "read vEVENTQ: %s",
                       strerror(errno));
            ctest_abort_test();
        }
        if (len == 0) {
            return n;
        }
        while (off + sizeof(struct iommufd_vevent_header) <= (size_t)len) {
            NestRecord rec;

            memset(&rec, 0, sizeof(rec));
            memcpy(&rec.hdr, buf + off, sizeof(rec.hdr));
            off += sizeof(rec.hdr);
            if (!(rec.hdr.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS)) {
                if (off + sizeof(rec.evt) > (size_t)len) {
                    ctest_fail(__FILE__, __LINE__,
                               "read returned a partial record");
                    ctest_abort_test();
                }
                memcpy(&rec.evt, buf + off, sizeof(rec.evt));
                off += sizeof(rec.evt);
            }
            if (n < max) {
                out[n] = rec;
            }
            n++;
        }
        if (off != (size_t)len) {
            ctest_fail(__FILE__, __LINE__, "read returned %zd bytes, "
                       "%zu parsed", len, off);
            ctest_abort_test();
        }
    }
}
