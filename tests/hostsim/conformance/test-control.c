/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance (simulator only): the simulator's control channel seen
 * from a client (docs/devel/hostsim.rst).  The topology it reports agrees
 * with sysfs and GET_HW_INFO and has the default two SMMUs and three
 * functions; its counters move when a device does DMA; "attachments"
 * shows what each StreamID has installed (abort, s1, s2, nested, VMID,
 * vSID); "dma" goes through the same translation as the device; hot-
 * unplug signals the REQ eventfd and removes the device once its fd is
 * closed, "replug" brings it back; wrong requests get error replies.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "nest.h"

#define VSID            0x71
#define RAM_SIZE        0x10000ULL
#define RAM_IOVA        0x01000000ULL

static char reply[32768];

FIXTURE(ctl) {
    Nest n;
    uint8_t *ram;
};

FIXTURE_VARIANT(ctl) {
    int unused;
};

FIXTURE_VARIANT_ADD(ctl, sim) { 0 };

FIXTURE_SETUP(ctl)
{
    REQUIRE_SIM();
    REQUIRE_EDU(1);
    self->n.devfd = -1;
    self->n.iommufd = -1;
}

FIXTURE_TEARDOWN(ctl)
{
    if (self->n.devfd >= 0 || self->n.iommufd >= 0) {
        nest_teardown(&self->n, true);
    }
    if (self->ram) {
        cenv_free(self->ram, RAM_SIZE);
    }
}

static uint64_t get(unsigned line, const char *key)
{
    uint64_t v = ~0ull;

    if (!cenv_ctl_get(reply, line, key, &v)) {
        ctest_fail(__FILE__, __LINE__, "no %s= in line %u of: %.300s", key,
                   line, reply);
        ctest_abort_test();
    }
    return v;
}

TEST_F(ctl, ping)
{
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "ping"), 0);
    EXPECT_EQ(get(0, "pid"), (uint64_t)getpid());
}

/* The default topology: two SMMUs, three functions, as sysfs says. */
TEST_F(ctl, topology_matches_sysfs)
{
    uint64_t count, nsmmu, nfunc, smmu, vfio;
    char bdf[32], name[64];
    unsigned i, k, found = 0;

    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "topology"), 0);
    count = get(0, "count");
    nsmmu = get(0, "smmus");
    nfunc = get(0, "funcs");
    ASSERT_EQ(count, nsmmu + nfunc);
    if (!getenv("HOSTSIM_TOPOLOGY")) {
        EXPECT_EQ(nsmmu, 2);
        EXPECT_EQ(nfunc, 3);
    }
    for (i = 1 + nsmmu; i <= count; i++) {
        ASSERT_TRUE(cenv_ctl_get_str(reply, i, "bdf", bdf, sizeof(bdf)));
        smmu = get(i, "smmu");
        vfio = get(i, "vfio");
        ASSERT_TRUE(cenv_ctl_get_str(reply, 1 + smmu, "name", name,
                                     sizeof(name)));
        for (k = 0; k < cenv_ndevs; k++) {
            if (!strcmp(cenv_devs[k].bdf, bdf)) {
                EXPECT_EQ(cenv_devs[k].vfio_index, vfio);
                EXPECT_EQ(strcmp(cenv_devs[k].smmu, name), 0);
                found++;
            }
        }
    }
    EXPECT_EQ(found, cenv_ndevs);
}

/* GET_HW_INFO returns the raw IDRs the topology shows, per SMMU. */
TEST_F(ctl, hw_info_is_the_topology_idrs)
{
    unsigned k, j;
    char key[8];

    for (k = 0; k < cenv_ndevs; k++) {
        Nest n;
        unsigned s;

        if (!cenv_devs[k].edu) {
            continue;
        }
        nest_setup(&n, &cenv_devs[k], -1, NEST_BOUND, 0);
        s = nest_sim_smmu(n.dev);
        ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "topology"), 0);
        for (j = 0; j < 6; j++) {
            snprintf(key, sizeof(key), "idr%u", j);
            EXPECT_EQ(get(1 + s, key), n.info.idr[j]);
        }
        EXPECT_EQ(get(1 + s, "iidr"), n.info.iidr);
        EXPECT_EQ(get(1 + s, "aidr"), n.info.aidr);
        nest_teardown(&n, true);
    }
}

/* attachments follows the device through every kind of STE. */
TEST_F(ctl, attachments_show_ste_kinds)
{
    Nest *n = &self->n;
    uint64_t vmid_s2, vmid, vsid;
    uint32_t nested, pt;
    char ste[16];

    nest_setup(n, cenv_edu(0), -1, NEST_OPEN, VSID);
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid, &vsid);
    EXPECT_EQ(strcmp(ste, "abort"), 0);
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "attachments"), 0);

    nest_grow(n, NEST_VDEVICE);
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid, &vsid);
    EXPECT_EQ(strcmp(ste, "abort"), 0);
    EXPECT_EQ(vsid, ~0ull);

    pt = n->ioas;
    ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
    n->attached = true;
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid, &vsid);
    EXPECT_EQ(strcmp(ste, "s1"), 0);

    nest_attach(n, n->s2);
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid_s2, &vsid);
    EXPECT_EQ(strcmp(ste, "s2"), 0);
    EXPECT_NE(vmid_s2, 0);
    EXPECT_EQ(vsid, ~0ull);

    ASSERT_EQ(cenv_hwpt_nested(n->iommufd, n->dev_id, n->viommu,
                               VSTE_S1_0(RAM_IOVA), VSTE_S1_1, &nested), 0);
    nest_attach(n, nested);
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid, &vsid);
    EXPECT_EQ(strcmp(ste, "nested"), 0);
    EXPECT_EQ(vmid, vmid_s2);
    EXPECT_EQ(vsid, VSID);

    ASSERT_EQ(cenv_detach(n->devfd), 0);
    n->attached = false;
    nest_sim_attachment(n->dev, ste, sizeof(ste), &vmid, &vsid);
    EXPECT_EQ(strcmp(ste, "abort"), 0);
    EXPECT_EQ(cenv_destroy(n->iommufd, nested), 0);
}

/* An STE install is logged as the driver's CFGI_STE + CMD_SYNC. */
TEST_F(ctl, cmd_log_records_ste_installs)
{
    Nest *n = &self->n;
    uint64_t log[16][2];
    bool user[16];
    unsigned k, i, cfgi = 0, sync = 0;
    uint32_t sid;

    nest_setup(n, cenv_edu(0), -1, NEST_S2, VSID);
    sid = nest_sim_sid(n->dev);
    nest_sim_log_clear(n->dev);
    EXPECT_EQ(nest_sim_log(n->dev, log, user, 16), 0);
    nest_attach(n, n->s2);
    k = nest_sim_log(n->dev, log, user, 16);
    for (i = 0; i < k; i++) {
        EXPECT_FALSE(user[i]);
        if ((log[i][0] & 0xff) == CMD_CFGI_STE) {
            EXPECT_EQ(CMD_SID_OF(log[i][0]), sid);
            cfgi++;
        }
        sync += (log[i][0] & 0xff) == CMD_SYNC;
    }
    EXPECT_TRUE(cfgi >= 1);
    EXPECT_TRUE(sync >= 1);
    EXPECT_EQ((log[k - 1][0] & 0xff), CMD_SYNC);
}

/* The counters move with DMA; "dma" translates like the device. */
TEST_F(ctl, stats_and_dma_verb)
{
    Nest *n = &self->n;
    uint64_t ok0, faults0, ev0;
    uint32_t pt;
    unsigned s;

    self->ram = cenv_alloc(RAM_SIZE);
    nest_setup(n, cenv_edu(0), -1, NEST_IOAS, VSID);
    ASSERT_EQ(cenv_map_fixed(n->iommufd, n->ioas, self->ram, RAM_SIZE,
                             RAM_IOVA), 0);
    pt = n->ioas;
    ASSERT_EQ(cenv_attach(n->devfd, &pt), 0);
    n->attached = true;
    s = nest_sim_smmu(n->dev);

    ok0 = nest_sim_stat(n->dev, "dma_ok");
    faults0 = nest_sim_stat(n->dev, "dma_faults");
    ev0 = nest_sim_stat(n->dev, "events");
    memcpy(self->ram + 0x100, "\x12\x34\x56\x78", 4);
    nest_dma(n, RAM_IOVA + 0x100, 4, true);
    nest_dma(n, RAM_IOVA + 0x200, 4, false);
    EXPECT_EQ(memcmp(self->ram + 0x200, "\x12\x34\x56\x78", 4), 0);
    EXPECT_EQ(nest_sim_stat(n->dev, "dma_ok"), ok0 + 2);
    nest_dma(n, RAM_IOVA + RAM_SIZE, 4, false);
    EXPECT_EQ(nest_sim_stat(n->dev, "dma_faults"), faults0 + 1);
    EXPECT_EQ(nest_sim_stat(n->dev, "events"), ev0 + 1);

    /* The control channel's DMA, as the device. */
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "dma bdf=%s addr=0x%llx "
                       "data=a1b2c3d4", n->dev->bdf,
                       (unsigned long long)RAM_IOVA + 0x300), 0);
    EXPECT_EQ(memcmp(self->ram + 0x300, "\xa1\xb2\xc3\xd4", 4), 0);
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "dma bdf=%s addr=0x%llx len=4",
                       n->dev->bdf, (unsigned long long)RAM_IOVA + 0x100),
              0);
    EXPECT_TRUE(strstr(reply, "data=12345678") != NULL);
    EXPECT_NE(cenv_ctl(reply, sizeof(reply), "dma bdf=%s addr=0x%llx len=4",
                       n->dev->bdf, (unsigned long long)RAM_IOVA + RAM_SIZE),
              0);
    EXPECT_EQ(strncmp(reply, "error ", 6), 0);
    (void)s;
}

/* Objects and leaks list what a context holds, until it closes. */
TEST_F(ctl, objects_and_leaks)
{
    uint64_t count, id;
    uint32_t ioas;
    char type[32];
    bool seen = false;
    unsigned i;
    int fd = cenv_open_iommufd();

    ASSERT_EQ(cenv_ioas_alloc(fd, &ioas), 0);
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "objects"), 0);
    count = get(0, "count");
    for (i = 1; i <= count; i++) {
        if (cenv_ctl_get(reply, i, "id", &id) && id == ioas &&
            cenv_ctl_get_str(reply, i, "type", type, sizeof(type))) {
            seen = true;
            EXPECT_TRUE(strstr(type, "IOAS") || strstr(type, "ioas"));
        }
    }
    EXPECT_TRUE(seen);
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "leaks"), 0);
    EXPECT_TRUE(get(0, "count") >= 2);     /* the IOAS and the fd */
    close(fd);
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "leaks"), 0);
    EXPECT_EQ(get(0, "count"), 0);
}

/* Hot-unplug with the cdev open: REQ eventfd, removal at close (3.8). */
TEST_F(ctl, unplug_signals_req_then_removes)
{
    Nest *n = &self->n;
    struct {
        struct vfio_irq_set s;
        int32_t fd;
    } irq;
    struct pollfd p;
    int efd, fd;
    const char *bdf = cenv_edu(0)->bdf;

    nest_setup(n, cenv_edu(0), -1, NEST_BOUND, VSID);
    efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ASSERT_TRUE(efd >= 0);
    memset(&irq, 0, sizeof(irq));
    irq.s.argsz = sizeof(irq);
    irq.s.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
    irq.s.index = VFIO_PCI_REQ_IRQ_INDEX;
    irq.s.count = 1;
    irq.fd = efd;
    ASSERT_IOCTL_OK(n->devfd, VFIO_DEVICE_SET_IRQS, &irq);

    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "unplug bdf=%s", bdf), 0);
    EXPECT_EQ(get(0, "removed"), 0);
    EXPECT_EQ(get(0, "signalled"), 1);
    p = (struct pollfd){ .fd = efd, .events = POLLIN };
    EXPECT_EQ(poll(&p, 1, 1000), 1);
    /* The device is still there until the fd closes. */
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "unplug bdf=%s", bdf), 0);

    nest_teardown(n, true);
    close(efd);
    fd = open(cenv_edu(0)->cdev, O_RDWR | O_CLOEXEC);
    EXPECT_EQ(fd, -1);
    EXPECT_EQ(errno, ENODEV);
    if (fd >= 0) {
        close(fd);
    }
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "replug bdf=%s", bdf), 0);
    fd = open(cenv_edu(0)->cdev, O_RDWR | O_CLOEXEC);
    EXPECT_TRUE(fd >= 0);
    if (fd >= 0) {
        close(fd);
    }
}

/* Nothing open: the removal is immediate. */
TEST_F(ctl, unplug_closed_device_at_once)
{
    const char *bdf = cenv_edu(0)->bdf;
    int fd;

    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "unplug bdf=%s", bdf), 0);
    EXPECT_EQ(get(0, "removed"), 1);
    fd = open(cenv_edu(0)->cdev, O_RDWR | O_CLOEXEC);
    EXPECT_EQ(fd, -1);
    EXPECT_EQ(errno, ENODEV);
    if (fd >= 0) {
        close(fd);
    }
    /* A second unplug of a removed device is refused. */
    EXPECT_NE(cenv_ctl(reply, sizeof(reply), "unplug bdf=%s", bdf), 0);
    ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "replug bdf=%s", bdf), 0);
    /* replug of a present device is refused. */
    EXPECT_NE(cenv_ctl(reply, sizeof(reply), "replug bdf=%s", bdf), 0);
    fd = open(cenv_edu(0)->cdev, O_RDWR | O_CLOEXEC);
    EXPECT_TRUE(fd >= 0);
    if (fd >= 0) {
        close(fd);
    }
}

/* Wrong requests: an error line naming the errno, nothing else. */
FIXTURE(bad_request) {
    int unused;
};

FIXTURE_VARIANT(bad_request) {
    const char *line;
    const char *err;
};

FIXTURE_VARIANT_ADD(bad_request, unknown_verb) {
    .line = "frobnicate", .err = "EINVAL",
};
FIXTURE_VARIANT_ADD(bad_request, unknown_key) {
    .line = "ping color=blue", .err = "EINVAL",
};
FIXTURE_VARIANT_ADD(bad_request, missing_argument) {
    .line = "stats", .err = "EINVAL",
};
FIXTURE_VARIANT_ADD(bad_request, no_such_smmu) {
    .line = "stats smmu=9", .err = "ENOENT",
};
FIXTURE_VARIANT_ADD(bad_request, no_such_function) {
    .line = "unplug bdf=0000:99:00.0", .err = "ENOENT",
};
FIXTURE_VARIANT_ADD(bad_request, event_of_three_words) {
    .line = "inject-event smmu=0 evt=1,2,3", .err = "EINVAL",
};
FIXTURE_VARIANT_ADD(bad_request, event_not_a_number) {
    .line = "inject-event smmu=0 evt=1,2,3,x", .err = "EINVAL",
};
FIXTURE_VARIANT_ADD(bad_request, dma_too_long) {
    .line = "dma bdf=0000:01:00.0 addr=0 len=4097", .err = "EINVAL",
};
FIXTURE_VARIANT_ADD(bad_request, fail_nth_not_a_number) {
    .line = "fail-nth n=many", .err = "EINVAL",
};

FIXTURE_SETUP(bad_request)
{
    REQUIRE_SIM();
}

FIXTURE_TEARDOWN(bad_request)
{
}

TEST_F(bad_request, error_reply)
{
    char want[32];

    EXPECT_NE(cenv_ctl(reply, sizeof(reply), "%s", variant->line), 0);
    snprintf(want, sizeof(want), "error %s ", variant->err);
    EXPECT_EQ(strncmp(reply, want, strlen(want)), 0);
    if (strncmp(reply, want, strlen(want))) {
        ctest_note("reply: %.200s", reply);
    }
    /* The channel still answers. */
    EXPECT_EQ(cenv_ctl(reply, sizeof(reply), "ping"), 0);
}
