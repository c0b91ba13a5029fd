/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance: the vEVENTQ (iommufd-uapi.md 1.20, 3.5).  IOMMU_VEVENTQ_
 * ALLOC's checks in order; the fd's read() rules (minimum count, whole
 * records, 0 when empty, ESPIPE, no write) and poll readiness; sequence
 * numbers and the single lost-events marker when the queue is full --
 * with real faults from edu DMA to IOVAs the guest's stage 1 does not
 * map, so the same checks run on the simulator and in the lab.  On the
 * simulator, events injected by physical StreamID show which events are
 * forwarded (event IDs, S2, stall, vmaster) and that only the StreamID
 * is rewritten.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "nest.h"

#define VSID            0x51
#define IOVA_FAULT      NEST_IOVA(0x180)
#define REC_SIZE        (sizeof(struct iommufd_vevent_header) +         \
                         sizeof(struct iommu_vevent_arm_smmuv3))
#define EVENT_WAIT_MS   3000
#define EVENT_SETTLE_US 300000
/* One 4-byte access: QEMU's SMMU reports a fault per access (4 bytes). */
#define FAULT_XFER      4

/* ==== IOMMU_VEVENTQ_ALLOC =============================================== */

FIXTURE(alloc_bad) {
    Nest n;
};

enum { Q_VIOMMU, Q_ZERO, Q_S2 };

FIXTURE_VARIANT(alloc_bad) {
    uint32_t flags, reserved, type, depth;
    int viommu;
    int err;
};

FIXTURE_VARIANT_ADD(alloc_bad, ok_depth_1) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 1,
};
FIXTURE_VARIANT_ADD(alloc_bad, ok_depth_max) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 1u << 19,
};
FIXTURE_VARIANT_ADD(alloc_bad, flags) {
    .flags = 1, .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 4,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(alloc_bad, reserved) {
    .reserved = 1, .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 4,
    .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(alloc_bad, type_default) {
    .type = IOMMU_VEVENTQ_TYPE_DEFAULT, .depth = 4, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(alloc_bad, type_before_depth) {
    .type = IOMMU_VEVENTQ_TYPE_DEFAULT, .depth = 0, .err = EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(alloc_bad, depth_zero) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 0, .err = EINVAL,
};
FIXTURE_VARIANT_ADD(alloc_bad, depth_above_max) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = (1u << 19) + 1,
    .err = EINVAL,
};
FIXTURE_VARIANT_ADD(alloc_bad, depth_before_viommu) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 0, .viommu = Q_ZERO,
    .err = EINVAL,
};
FIXTURE_VARIANT_ADD(alloc_bad, viommu_zero) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 4, .viommu = Q_ZERO,
    .err = ENOENT,
};
FIXTURE_VARIANT_ADD(alloc_bad, viommu_is_s2) {
    .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .depth = 4, .viommu = Q_S2,
    .err = ENOENT,
};

FIXTURE_SETUP(alloc_bad)
{
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, VSID);
}

FIXTURE_TEARDOWN(alloc_bad)
{
    nest_teardown(&self->n, true);
}

TEST_F(alloc_bad, alloc_checks)
{
    Nest *n = &self->n;
    struct iommu_veventq_alloc a = {
        .size = sizeof(a), .flags = variant->flags,
        .viommu_id = variant->viommu == Q_ZERO ? 0 :
                     variant->viommu == Q_S2 ? n->s2 : n->viommu,
        .type = variant->type, .veventq_depth = variant->depth,
        .__reserved = variant->reserved,
    };
    int r = cenv_ioctl(n->iommufd, IOMMU_VEVENTQ_ALLOC, &a);
    int fd;

    ASSERT_EQ(r, -variant->err);
    if (r) {
        return;
    }
    fd = a.out_veventq_fd;
    ASSERT_TRUE(fd >= 0);
    EXPECT_NE(a.out_veventq_id, 0);
    /* A new fd, close-on-exec, opened for reading and writing. */
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    close(fd);
    EXPECT_EQ(cenv_destroy(n->iommufd, a.out_veventq_id), 0);
}

/* ==== queues of one vIOMMU, and the fd without events ================== */

FIXTURE(queue) {
    Nest n;
    uint32_t id;
    int fd;
};

FIXTURE_VARIANT(queue) {
    int unused;
};

FIXTURE_VARIANT_ADD(queue, edu0) { 0 };

FIXTURE_SETUP(queue)
{
    self->fd = -1;
    REQUIRE_EDU(1);
    nest_setup(&self->n, cenv_edu(0), -1, NEST_VIOMMU, VSID);
    ASSERT_EQ(cenv_veventq(self->n.iommufd, self->n.viommu, 4, &self->id,
                           &self->fd), 0);
}

FIXTURE_TEARDOWN(queue)
{
    if (self->fd >= 0) {
        close(self->fd);
        EXPECT_EQ(cenv_destroy(self->n.iommufd, self->id), 0);
    }
    nest_teardown(&self->n, true);
}

static int veventq_of_type(const Nest *n, uint32_t type, uint32_t *id,
                           int *fd)
{
    struct iommu_veventq_alloc a = {
        .size = sizeof(a), .viommu_id = n->viommu, .type = type,
        .veventq_depth = 4,
    };
    int r = cenv_ioctl(n->iommufd, IOMMU_VEVENTQ_ALLOC, &a);

    if (r == 0) {
        *id = a.out_veventq_id;
        *fd = a.out_veventq_fd;
    }
    return r;
}

TEST_F(queue, second_of_same_type_eexist)
{
    uint32_t id;
    int fd;

    EXPECT_EQ(veventq_of_type(&self->n, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, &id,
                              &fd), -EEXIST);
}

/* The type is not checked against the driver: such a queue stays empty */
TEST_F(queue, unrelated_types_accepted)
{
    uint32_t id2, id3;
    int fd2, fd3;
    char buf[64];

    ASSERT_EQ(veventq_of_type(&self->n, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV,
                              &id2, &fd2), 0);
    ASSERT_EQ(veventq_of_type(&self->n, 0x77, &id3, &fd3), 0);
    EXPECT_EQ(read(fd2, buf, sizeof(buf)), 0);
    close(fd2);
    close(fd3);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, id2), 0);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, id3), 0);
}

/* One queue per type per vIOMMU, not per S2 parent or context. */
TEST_F(queue, same_type_on_another_viommu)
{
    Nest other = self->n;
    uint32_t id;
    int fd;

    ASSERT_EQ(cenv_viommu(self->n.iommufd, self->n.dev_id, self->n.s2,
                          &other.viommu), 0);
    ASSERT_EQ(veventq_of_type(&other, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, &id,
                              &fd), 0);
    close(fd);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, id), 0);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, other.viommu), 0);
}

TEST_F(queue, read_below_header_size_einval)
{
    char buf[8];

    EXPECT_EQ(read(self->fd, buf, 7), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(read(self->fd, buf, 0), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST_F(queue, read_empty_returns_zero)
{
    char buf[REC_SIZE * 2];

    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), 0);
    EXPECT_EQ(read(self->fd, buf, 8), 0);
}

TEST_F(queue, poll_empty_not_readable)
{
    struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLRDNORM };

    EXPECT_EQ(poll(&p, 1, 0), 0);
    EXPECT_EQ(p.revents, 0);
    /* Linux never reports POLLOUT on a vEVENTQ (1.20). */
    p.events = POLLOUT | POLLWRNORM;
    EXPECT_EQ(poll(&p, 1, 0), 0);
    EXPECT_EQ(p.revents, 0);
    EXPECT_EQ(fcntl(self->fd, F_GETFL) & O_ACCMODE, O_RDWR);
}

TEST_F(queue, pread_with_offset_espipe)
{
    char buf[REC_SIZE];

    EXPECT_EQ(pread(self->fd, buf, sizeof(buf), 8), -1);
    EXPECT_EQ(errno, ESPIPE);
}

TEST_F(queue, write_einval)
{
    char buf[REC_SIZE] = { 0 };

    EXPECT_EQ(write(self->fd, buf, sizeof(buf)), -1);
    EXPECT_EQ(errno, EINVAL);
}

/* The open fd holds the vEVENTQ, the vEVENTQ holds the vIOMMU (1.4). */
TEST_F(queue, destroy_ebusy_until_fd_closed)
{
    EXPECT_EQ(cenv_destroy(self->n.iommufd, self->id), -EBUSY);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, self->n.viommu), -EBUSY);
    close(self->fd);
    self->fd = -1;
    ASSERT_EQ(cenv_destroy(self->n.iommufd, self->id), 0);
    EXPECT_EQ(cenv_destroy(self->n.iommufd, self->id), -ENOENT);
}

/* ==== records from real faults ========================================= */

FIXTURE(events) {
    Nest n;
    NestGuest g;
    uint32_t id;
    int fd;
};

FIXTURE_VARIANT(events) {
    uint32_t depth;
};

FIXTURE_VARIANT_ADD(events, depth8) { .depth = 8 };
FIXTURE_VARIANT_ADD(events, depth2) { .depth = 2 };

FIXTURE_SETUP(events)
{
    Nest *n = &self->n;

    self->fd = -1;
    REQUIRE_EDU(1);
    nest_setup(n, cenv_edu(0), -1, NEST_VDEVICE, VSID);
    nest_guest_init(n, &self->g);
    ASSERT_EQ(cenv_veventq(n->iommufd, n->viommu, variant->depth, &self->id,
                           &self->fd), 0);
    nest_attach(n, self->g.s1_hwpt);
}

FIXTURE_TEARDOWN(events)
{
    Nest *n = &self->n;

    if (n->attached) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    if (self->g.s1_hwpt) {
        EXPECT_EQ(cenv_destroy(n->iommufd, self->g.s1_hwpt), 0);
    }
    if (self->fd >= 0) {
        close(self->fd);
        EXPECT_EQ(cenv_destroy(n->iommufd, self->id), 0);
    }
    nest_teardown(n, true);
    if (self->g.ram) {
        nest_guest_fini(&self->g);
    }
}

/*
 * n faulting DMAs (reads from an IOVA the guest does not map, each a
 * separate page so that no two records could be merged), then wait until
 * the queue is readable.
 */
static void faults(events_fixture *self, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        nest_dma(&self->n, IOVA_FAULT + i * 0x1000, FAULT_XFER, true);
    }
    ASSERT_TRUE(nest_wait_readable(self->fd, EVENT_WAIT_MS));
    /*
     * A real kernel delivers events from its event-queue thread, after
     * the DMA completed: give the last ones time to arrive.
     */
    if (!cenv_sim) {
        usleep(EVENT_SETTLE_US);
    }
}

static void expect_fault_record(const NestRecord *r, unsigned i)
{
    EXPECT_EQ(r->hdr.flags, 0);
    EXPECT_EQ(r->evt.evt[0] & 0xff, EVT_ID_TRANSLATION);
    EXPECT_EQ(EVT_SID_OF(r->evt.evt[0]), VSID);
    EXPECT_EQ(r->evt.evt[2], IOVA_FAULT + i * 0x1000);
}

TEST_F(events, poll_readable_until_drained)
{
    struct pollfd p = {
        .fd = self->fd, .events = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM,
    };
    NestRecord rec[4];

    faults(self, 1);
    ASSERT_EQ(poll(&p, 1, 0), 1);
    /* Readable, and still never writable (1.20). */
    EXPECT_EQ(p.revents, POLLIN | POLLRDNORM);
    EXPECT_EQ(nest_read_records(self->fd, rec, 4), 1);
    expect_fault_record(&rec[0], 0);
    p.revents = 0;
    EXPECT_EQ(poll(&p, 1, 0), 0);
}

/* A normal record needs 8 + 32 bytes; less is EINVAL and loses nothing */
TEST_F(events, read_too_small_for_record_einval)
{
    uint8_t buf[REC_SIZE + 8];
    NestRecord r;

    faults(self, 1);
    EXPECT_EQ(read(self->fd, buf, 8), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(read(self->fd, buf, REC_SIZE - 1), -1);
    EXPECT_EQ(errno, EINVAL);
    ASSERT_EQ(read(self->fd, buf, sizeof(buf)), REC_SIZE);
    memcpy(&r, buf, sizeof(r));
    expect_fault_record(&r, 0);
    EXPECT_EQ(r.hdr.sequence, 0);
}

/* Whole records only: a read that fits one and a half returns one. */
TEST_F(events, read_returns_whole_records)
{
    uint8_t buf[REC_SIZE * 2];
    NestRecord r;

    faults(self, 2);
    ASSERT_EQ(read(self->fd, buf, REC_SIZE + REC_SIZE / 2), REC_SIZE);
    memcpy(&r, buf, sizeof(r));
    expect_fault_record(&r, 0);
    EXPECT_EQ(r.hdr.sequence, 0);
    ASSERT_EQ(read(self->fd, buf, sizeof(buf)), REC_SIZE);
    memcpy(&r, buf, sizeof(r));
    expect_fault_record(&r, 1);
    EXPECT_EQ(r.hdr.sequence, 1);
    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), 0);
}

/* Every record takes the next sequence number, from 0 (1.20 item 1). */
TEST_F(events, sequence_numbers)
{
    NestRecord rec[8];
    unsigned k, i, n = variant->depth < 3 ? variant->depth : 3;

    faults(self, n);
    k = nest_read_records(self->fd, rec, 8);
    ASSERT_EQ(k, n);
    for (i = 0; i < k; i++) {
        EXPECT_EQ(rec[i].hdr.sequence, i);
        expect_fault_record(&rec[i], i);
    }
}

/*
 * Full queue (depth 2, three events): the third is dropped and the lost
 * marker takes its sequence number at the tail; the marker is 8 bytes
 * with no payload; afterwards records are normal again (1.20 items 2, 4).
 */
TEST_F(events, overflow_leaves_one_marker)
{
    NestRecord rec[8];
    unsigned k;

    if (variant->depth != 2) {
        SKIP("the depth-2 queue shows it");
    }
    faults(self, 3);
    k = nest_read_records(self->fd, rec, 8);
    ASSERT_EQ(k, 3);
    expect_fault_record(&rec[0], 0);
    EXPECT_EQ(rec[0].hdr.sequence, 0);
    expect_fault_record(&rec[1], 1);
    EXPECT_EQ(rec[1].hdr.sequence, 1);
    EXPECT_EQ(rec[2].hdr.flags, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
    EXPECT_EQ(rec[2].hdr.sequence, 2);

    faults(self, 1);
    k = nest_read_records(self->fd, rec, 8);
    ASSERT_EQ(k, 1);
    expect_fault_record(&rec[0], 0);
    EXPECT_EQ(rec[0].hdr.sequence, 3);
}

/* The marker alone fits in an 8-byte read. */
TEST_F(events, marker_fits_in_header_read)
{
    uint8_t buf[2 * REC_SIZE];
    struct iommufd_vevent_header h;

    if (variant->depth != 2) {
        SKIP("the depth-2 queue shows it");
    }
    faults(self, 3);
    ASSERT_EQ(read(self->fd, buf, sizeof(buf)), 2 * REC_SIZE);
    ASSERT_EQ(read(self->fd, &h, sizeof(h)), sizeof(h));
    EXPECT_EQ(h.flags, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
    EXPECT_EQ(h.sequence, 2);
    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), 0);
}

/*
 * An event queued while the marker is last replaces it: the loss then
 * shows only as a gap in the sequence (1.20 item 3).
 */
TEST_F(events, marker_replaced_by_next_event)
{
    uint8_t buf[REC_SIZE];
    NestRecord rec[8];
    unsigned k;

    if (variant->depth != 2) {
        SKIP("the depth-2 queue shows it");
    }
    faults(self, 3);
    ASSERT_EQ(read(self->fd, buf, REC_SIZE), REC_SIZE);
    faults(self, 1);
    k = nest_read_records(self->fd, rec, 8);
    ASSERT_EQ(k, 2);
    EXPECT_EQ(rec[0].hdr.flags, 0);
    EXPECT_EQ(rec[0].hdr.sequence, 1);
    EXPECT_EQ(rec[1].hdr.flags, 0);
    EXPECT_EQ(rec[1].hdr.sequence, 3);
    expect_fault_record(&rec[1], 0);
}

/* ==== which events are forwarded (simulator: inject by pSID) =========== */

FIXTURE(forward) {
    Nest n;
    NestGuest g;
    uint32_t id;
    int fd;
    uint32_t psid;
};

FIXTURE_VARIANT(forward) {
    unsigned event;
    uint64_t evt1;
    bool forwarded;
};

FIXTURE_VARIANT_ADD(forward, c_bad_ste) {
    .event = EVT_ID_BAD_STE, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, f_stream_disabled) {
    .event = EVT_ID_STREAM_DISABLED, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, c_bad_substreamid) {
    .event = EVT_ID_BAD_SUBSTREAMID, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, c_bad_cd) {
    .event = EVT_ID_BAD_CD, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, f_translation) {
    .event = EVT_ID_TRANSLATION, .evt1 = EVT1_RNW | 0x1234,
    .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, f_addr_size) {
    .event = EVT_ID_ADDR_SIZE, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, f_access) {
    .event = EVT_ID_ACCESS, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, f_permission) {
    .event = EVT_ID_PERMISSION, .evt1 = 1ULL << 40, .forwarded = true,
};
FIXTURE_VARIANT_ADD(forward, f_uut) { .event = 0x01 };
FIXTURE_VARIANT_ADD(forward, c_bad_streamid) { .event = EVT_ID_BAD_STREAMID };
FIXTURE_VARIANT_ADD(forward, f_ste_fetch) { .event = EVT_ID_STE_FETCH };
FIXTURE_VARIANT_ADD(forward, f_bad_ats_treq) { .event = 0x05 };
FIXTURE_VARIANT_ADD(forward, f_transl_forbidden) { .event = 0x07 };
FIXTURE_VARIANT_ADD(forward, f_cd_fetch) { .event = EVT_ID_CD_FETCH };
FIXTURE_VARIANT_ADD(forward, f_walk_eabt) { .event = 0x0b };
FIXTURE_VARIANT_ADD(forward, f_vms_fetch) { .event = EVT_ID_VMS_FETCH };
FIXTURE_VARIANT_ADD(forward, translation_at_stage2) {
    .event = EVT_ID_TRANSLATION, .evt1 = EVT1_S2,
};
FIXTURE_VARIANT_ADD(forward, permission_at_stage2) {
    .event = EVT_ID_PERMISSION, .evt1 = EVT1_S2 | EVT1_RNW,
};
FIXTURE_VARIANT_ADD(forward, stalled_translation) {
    .event = EVT_ID_TRANSLATION, .evt1 = EVT1_STALL | 0x7,
};

FIXTURE_SETUP(forward)
{
    Nest *n = &self->n;

    self->fd = -1;
    REQUIRE_SIM();
    REQUIRE_EDU(1);
    nest_setup(n, cenv_edu(0), -1, NEST_VDEVICE, VSID);
    nest_guest_init(n, &self->g);
    ASSERT_EQ(cenv_veventq(n->iommufd, n->viommu, 16, &self->id, &self->fd),
              0);
    nest_attach(n, self->g.s1_hwpt);
    self->psid = nest_sim_sid(n->dev);
}

FIXTURE_TEARDOWN(forward)
{
    Nest *n = &self->n;

    if (n->attached) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    if (self->g.s1_hwpt) {
        EXPECT_EQ(cenv_destroy(n->iommufd, self->g.s1_hwpt), 0);
    }
    if (self->fd >= 0) {
        close(self->fd);
        EXPECT_EQ(cenv_destroy(n->iommufd, self->id), 0);
    }
    nest_teardown(n, true);
    if (self->g.ram) {
        nest_guest_fini(&self->g);
    }
}

static void make_event(uint64_t evt[4], unsigned id, uint32_t sid,
                       uint64_t evt1)
{
    /* SSV and a SubstreamID, to see that only the StreamID changes. */
    evt[0] = id | 1ULL << 11 | 0x3ULL << 12 | (uint64_t)sid << 32;
    evt[1] = evt1;
    evt[2] = 0x00000000deadb000ULL;
    evt[3] = 0x0000000001234000ULL;
}

/* Forwarded iff listed, S2 = 0 and not a stall; only the SID rewritten */
TEST_F(forward, by_event_kind)
{
    uint64_t evt[4];
    NestRecord rec[4];
    unsigned k;

    make_event(evt, variant->event, self->psid, variant->evt1);
    EXPECT_EQ(nest_sim_inject(self->n.dev, evt), variant->forwarded);
    k = nest_read_records(self->fd, rec, 4);
    if (!variant->forwarded) {
        EXPECT_EQ(k, 0);
        return;
    }
    ASSERT_EQ(k, 1);
    EXPECT_EQ(rec[0].hdr.flags, 0);
    EXPECT_EQ(rec[0].hdr.sequence, 0);
    EXPECT_EQ(rec[0].evt.evt[0],
              (evt[0] & 0xffffffffULL) | (uint64_t)VSID << 32);
    EXPECT_EQ(rec[0].evt.evt[1], evt[1]);
    EXPECT_EQ(rec[0].evt.evt[2], evt[2]);
    EXPECT_EQ(rec[0].evt.evt[3], evt[3]);
}

FIXTURE(vmaster) {
    Nest n;
    NestGuest g;
    uint32_t id, bypass;
    int fd;
    uint32_t psid;
};

FIXTURE_VARIANT(vmaster) {
    int unused;
};

FIXTURE_VARIANT_ADD(vmaster, edu0) { 0 };

FIXTURE_SETUP(vmaster)
{
    Nest *n = &self->n;

    self->fd = -1;
    REQUIRE_SIM();
    REQUIRE_EDU(1);
    nest_setup(n, cenv_edu(0), -1, NEST_VDEVICE, VSID);
    nest_guest_init(n, &self->g);
    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_BYPASS0, 0, &self->bypass), 0);
    ASSERT_EQ(cenv_veventq(n->iommufd, n->viommu, 16, &self->id, &self->fd),
              0);
    self->psid = nest_sim_sid(n->dev);
}

FIXTURE_TEARDOWN(vmaster)
{
    Nest *n = &self->n;

    if (n->attached) {
        EXPECT_EQ(cenv_detach(n->devfd), 0);
        n->attached = false;
    }
    if (self->bypass) {
        EXPECT_EQ(cenv_destroy(n->iommufd, self->bypass), 0);
    }
    if (self->g.s1_hwpt) {
        EXPECT_EQ(cenv_destroy(n->iommufd, self->g.s1_hwpt), 0);
    }
    if (self->fd >= 0) {
        close(self->fd);
        EXPECT_EQ(cenv_destroy(n->iommufd, self->id), 0);
    }
    nest_teardown(n, true);
    if (self->g.ram) {
        nest_guest_fini(&self->g);
    }
}

static bool inject_translation(vmaster_fixture *self, uint32_t sid)
{
    uint64_t evt[4];

    make_event(evt, EVT_ID_TRANSLATION, sid, 0);
    return nest_sim_inject(self->n.dev, evt);
}

/* Only devices attached to a nested HWPT with a vDEVICE have a vmaster */
TEST_F(vmaster, needs_nested_attach)
{
    char buf[REC_SIZE];

    /* Not attached (blocked), then the S2 parent: no vmaster. */
    EXPECT_FALSE(inject_translation(self, self->psid));
    nest_attach(&self->n, self->n.s2);
    EXPECT_FALSE(inject_translation(self, self->psid));
    /* A bypass vSTE with a vDEVICE has one (3.2: vmaster at attach). */
    nest_attach(&self->n, self->bypass);
    EXPECT_TRUE(inject_translation(self, self->psid));
    nest_attach(&self->n, self->g.s1_hwpt);
    EXPECT_TRUE(inject_translation(self, self->psid));
    /* Detach clears it (3.8). */
    ASSERT_EQ(cenv_detach(self->n.devfd), 0);
    self->n.attached = false;
    EXPECT_FALSE(inject_translation(self, self->psid));
    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), REC_SIZE);
    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), REC_SIZE);
    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), 0);
}

/* The vSID captured at attach stays after the vDEVICE is destroyed. */
TEST_F(vmaster, vsid_kept_after_vdevice_destroy)
{
    NestRecord rec[2];

    nest_attach(&self->n, self->g.s1_hwpt);
    ASSERT_EQ(cenv_destroy(self->n.iommufd, self->n.vdev), 0);
    self->n.vdev = 0;
    EXPECT_TRUE(inject_translation(self, self->psid));
    ASSERT_EQ(nest_read_records(self->fd, rec, 2), 1);
    EXPECT_EQ(EVT_SID_OF(rec[0].evt.evt[0]), VSID);
}

/* No ARM_SMMUV3 vEVENTQ: nothing to forward to. */
TEST_F(vmaster, no_queue_not_forwarded)
{
    nest_attach(&self->n, self->g.s1_hwpt);
    close(self->fd);
    self->fd = -1;
    ASSERT_EQ(cenv_destroy(self->n.iommufd, self->id), 0);
    EXPECT_FALSE(inject_translation(self, self->psid));
}

/* Another StreamID, or the same number on another SMMU, is not ours. */
TEST_F(vmaster, other_streams_not_forwarded)
{
    const CDev *other = cenv_edu_other_smmu(self->n.dev);
    uint64_t evt[4];
    char buf[REC_SIZE];

    nest_attach(&self->n, self->g.s1_hwpt);
    EXPECT_FALSE(inject_translation(self, self->psid + 1));
    if (other) {
        make_event(evt, EVT_ID_TRANSLATION, self->psid, 0);
        EXPECT_FALSE(nest_sim_inject(other, evt));
    }
    EXPECT_EQ(read(self->fd, buf, sizeof(buf)), 0);
}
