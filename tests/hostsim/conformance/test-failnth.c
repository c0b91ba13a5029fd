/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conformance (simulator only): fail-nth sweeps, as the kernel's
 * iommufd_fail_nth selftest does them (iommufd-uapi.md 5.1).  A flow of
 * uAPI calls -- the whole nesting set-up and teardown, or a shorter one
 * -- runs with the simulator's Nth injection point failing, for N = 1,
 * 2, ... until a run no longer reaches N points.  Each run stops at its
 * first failing call, which must fail with the errno of the injected
 * point, and then releases everything by closing its fds; afterwards the
 * simulator must report no leak.  The last run must succeed entirely.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "nest.h"

#define VSID            0x61
#define RAM_SIZE        0x10000ULL
#define RAM_GPA         0x01000000ULL
#define MAX_ITERATIONS  1000

typedef struct Flow {
    const CDev *dev;
    uint8_t *ram;
    int iommufd, devfd, qfd;
    uint32_t dev_id, ioas, ioas2, s2, viommu, vdev, nested, paging, qid;
    /* The first failing call. */
    const char *failed;
    int err;
} Flow;

/* Run one call of the flow; stop the flow at the first failure. */
#define STEP(f, name, expr)                                             \
    do {                                                                \
        int step_r_ = (expr);                                           \
        if (step_r_ < 0) {                                              \
            (f)->failed = (name);                                       \
            (f)->err = -step_r_;                                        \
            return;                                                     \
        }                                                               \
    } while (0)

static int open_fd(const char *path, int *fd)
{
    *fd = open(path, O_RDWR | O_CLOEXEC);
    return *fd < 0 ? -errno : 0;
}

static int close_fd(int *fd)
{
    int r = close(*fd);

    *fd = -1;
    return r < 0 ? -errno : 0;
}

static int map_ram(Flow *f, uint32_t ioas, uint64_t iova)
{
    return cenv_map_fixed(f->iommufd, ioas, f->ram, RAM_SIZE, iova);
}

/* ---- the flows ---- */

/* IOAS only: no device. */
static void flow_ioas(Flow *f)
{
    struct iommu_ioas_copy copy = {
        .size = sizeof(copy),
        .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                 IOMMU_IOAS_MAP_WRITEABLE,
        .length = RAM_SIZE, .dst_iova = RAM_GPA, .src_iova = RAM_GPA,
    };
    struct iommu_iova_range ranges[4];
    struct iommu_ioas_iova_ranges rq = {
        .size = sizeof(rq), .num_iovas = 4,
        .allowed_iovas = (uintptr_t)ranges,
    };

    STEP(f, "open /dev/iommu", open_fd("/dev/iommu", &f->iommufd));
    STEP(f, "IOAS_ALLOC", cenv_ioas_alloc(f->iommufd, &f->ioas));
    STEP(f, "IOAS_ALLOC 2", cenv_ioas_alloc(f->iommufd, &f->ioas2));
    STEP(f, "IOAS_MAP", map_ram(f, f->ioas, RAM_GPA));
    copy.src_ioas_id = f->ioas;
    copy.dst_ioas_id = f->ioas2;
    STEP(f, "IOAS_COPY", cenv_ioctl(f->iommufd, IOMMU_IOAS_COPY, &copy));
    rq.ioas_id = f->ioas2;
    STEP(f, "IOAS_IOVA_RANGES",
         cenv_ioctl(f->iommufd, IOMMU_IOAS_IOVA_RANGES, &rq));
    STEP(f, "IOAS_UNMAP", cenv_unmap(f->iommufd, f->ioas, RAM_GPA,
                                     RAM_SIZE));
    STEP(f, "DESTROY ioas2", cenv_destroy(f->iommufd, f->ioas2));
    STEP(f, "DESTROY ioas", cenv_destroy(f->iommufd, f->ioas));
    STEP(f, "close iommufd", close_fd(&f->iommufd));
}

/* A device on a paging HWPT, then on the IOAS (auto domain), detached. */
static void flow_paging(Flow *f)
{
    uint32_t pt;

    STEP(f, "open /dev/iommu", open_fd("/dev/iommu", &f->iommufd));
    STEP(f, "open cdev", open_fd(f->dev->cdev, &f->devfd));
    STEP(f, "BIND", cenv_bind(f->devfd, f->iommufd, &f->dev_id));
    STEP(f, "GET_HW_INFO", cenv_hw_info(f->iommufd, f->dev_id, NULL, NULL));
    STEP(f, "IOAS_ALLOC", cenv_ioas_alloc(f->iommufd, &f->ioas));
    STEP(f, "IOAS_MAP", map_ram(f, f->ioas, RAM_GPA));
    STEP(f, "HWPT_ALLOC paging",
         cenv_hwpt_paging(f->iommufd, f->dev_id, f->ioas, 0, &f->paging));
    pt = f->paging;
    STEP(f, "ATTACH hwpt", cenv_attach(f->devfd, &pt));
    pt = f->ioas;
    STEP(f, "ATTACH ioas (replace)", cenv_attach(f->devfd, &pt));
    STEP(f, "DETACH", cenv_detach(f->devfd));
    STEP(f, "DESTROY hwpt", cenv_destroy(f->iommufd, f->paging));
    STEP(f, "IOAS_UNMAP", cenv_unmap(f->iommufd, f->ioas, RAM_GPA,
                                     RAM_SIZE));
    STEP(f, "DESTROY ioas", cenv_destroy(f->iommufd, f->ioas));
    STEP(f, "close cdev", close_fd(&f->devfd));
    STEP(f, "close iommufd", close_fd(&f->iommufd));
}

/*
 * The whole nesting flow of a VMM (7): bind, IOAS, map, NEST_PARENT,
 * vIOMMU, vDEVICE, nested HWPT, attach, invalidate, vEVENTQ, teardown.
 */
static void flow_nesting(Flow *f)
{
    uint64_t cmds[4] = {
        CMD_TLBI_NH_ALL, 0, CMD_CFGI_CD_ALL | CMD0_SID(VSID), 0,
    };
    uint32_t pt, num = 2;
    char buf[64];

    STEP(f, "open /dev/iommu", open_fd("/dev/iommu", &f->iommufd));
    STEP(f, "open cdev", open_fd(f->dev->cdev, &f->devfd));
    STEP(f, "BIND", cenv_bind(f->devfd, f->iommufd, &f->dev_id));
    STEP(f, "IOAS_ALLOC", cenv_ioas_alloc(f->iommufd, &f->ioas));
    STEP(f, "IOAS_MAP", map_ram(f, f->ioas, RAM_GPA));
    STEP(f, "HWPT_ALLOC nest parent",
         cenv_hwpt_paging(f->iommufd, f->dev_id, f->ioas,
                          IOMMU_HWPT_ALLOC_NEST_PARENT, &f->s2));
    STEP(f, "VIOMMU_ALLOC", cenv_viommu(f->iommufd, f->dev_id, f->s2,
                                        &f->viommu));
    STEP(f, "VDEVICE_ALLOC", cenv_vdevice(f->iommufd, f->viommu, f->dev_id,
                                          VSID, &f->vdev));
    STEP(f, "HWPT_ALLOC nested",
         cenv_hwpt_nested(f->iommufd, f->dev_id, f->viommu,
                          VSTE_S1_0(RAM_GPA), VSTE_S1_1, &f->nested));
    pt = f->nested;
    STEP(f, "ATTACH nested", cenv_attach(f->devfd, &pt));
    STEP(f, "HWPT_INVALIDATE",
         cenv_invalidate(f->iommufd, f->viommu, cmds, &num));
    STEP(f, "VEVENTQ_ALLOC", cenv_veventq(f->iommufd, f->viommu, 8,
                                          &f->qid, &f->qfd));
    STEP(f, "read vEVENTQ",
         read(f->qfd, buf, sizeof(buf)) < 0 ? -errno : 0);
    pt = f->s2;
    STEP(f, "ATTACH s2 (replace)", cenv_attach(f->devfd, &pt));
    STEP(f, "DETACH", cenv_detach(f->devfd));
    STEP(f, "DESTROY nested", cenv_destroy(f->iommufd, f->nested));
    STEP(f, "DESTROY vdevice", cenv_destroy(f->iommufd, f->vdev));
    STEP(f, "close vEVENTQ", close_fd(&f->qfd));
    STEP(f, "DESTROY veventq", cenv_destroy(f->iommufd, f->qid));
    STEP(f, "DESTROY viommu", cenv_destroy(f->iommufd, f->viommu));
    STEP(f, "DESTROY s2", cenv_destroy(f->iommufd, f->s2));
    STEP(f, "IOAS_UNMAP", cenv_unmap(f->iommufd, f->ioas, RAM_GPA,
                                     RAM_SIZE));
    STEP(f, "DESTROY ioas", cenv_destroy(f->iommufd, f->ioas));
    STEP(f, "close cdev", close_fd(&f->devfd));
    STEP(f, "close iommufd", close_fd(&f->iommufd));
}

/* The vDEVICE left to the device fd's close: the tombstone path. */
static void flow_tombstone(Flow *f)
{
    STEP(f, "open /dev/iommu", open_fd("/dev/iommu", &f->iommufd));
    STEP(f, "open cdev", open_fd(f->dev->cdev, &f->devfd));
    STEP(f, "BIND", cenv_bind(f->devfd, f->iommufd, &f->dev_id));
    STEP(f, "IOAS_ALLOC", cenv_ioas_alloc(f->iommufd, &f->ioas));
    STEP(f, "HWPT_ALLOC nest parent",
         cenv_hwpt_paging(f->iommufd, f->dev_id, f->ioas,
                          IOMMU_HWPT_ALLOC_NEST_PARENT, &f->s2));
    STEP(f, "VIOMMU_ALLOC", cenv_viommu(f->iommufd, f->dev_id, f->s2,
                                        &f->viommu));
    STEP(f, "VDEVICE_ALLOC", cenv_vdevice(f->iommufd, f->viommu, f->dev_id,
                                          VSID, &f->vdev));
    STEP(f, "HWPT_ALLOC bypass",
         cenv_hwpt_nested(f->iommufd, f->dev_id, f->viommu, VSTE_BYPASS0, 0,
                          &f->nested));
    STEP(f, "close cdev", close_fd(&f->devfd));
    STEP(f, "DESTROY nested", cenv_destroy(f->iommufd, f->nested));
    STEP(f, "DESTROY viommu", cenv_destroy(f->iommufd, f->viommu));
    STEP(f, "close iommufd", close_fd(&f->iommufd));
}

/* ---- the sweep ---- */

FIXTURE(sweep) {
    uint8_t *ram;
};

FIXTURE_VARIANT(sweep) {
    void (*flow)(Flow *f);
    bool device;
    unsigned min_iterations;
};

FIXTURE_VARIANT_ADD(sweep, ioas) {
    .flow = flow_ioas, .min_iterations = 5,
};
FIXTURE_VARIANT_ADD(sweep, paging_attach) {
    .flow = flow_paging, .device = true, .min_iterations = 10,
};
FIXTURE_VARIANT_ADD(sweep, nesting) {
    .flow = flow_nesting, .device = true, .min_iterations = 21,
};
FIXTURE_VARIANT_ADD(sweep, vdevice_tombstone) {
    .flow = flow_tombstone, .device = true, .min_iterations = 8,
};

FIXTURE_SETUP(sweep)
{
    REQUIRE_SIM();
    if (variant->device) {
        REQUIRE_EDU(1);
    }
    self->ram = cenv_alloc(RAM_SIZE);
}

FIXTURE_TEARDOWN(sweep)
{
    char reply[64];

    cenv_ctl(reply, sizeof(reply), "fail-nth n=0");
    cenv_free(self->ram, RAM_SIZE);
}

static void release(Flow *f)
{
    if (f->qfd >= 0) {
        close(f->qfd);
    }
    if (f->devfd >= 0) {
        close(f->devfd);
    }
    if (f->iommufd >= 0) {
        close(f->iommufd);
    }
}

/*
 * HWPT_ALLOC reports a pt_id it cannot look up as EINVAL, not ENOENT
 * (1.15), so a failed lookup injected there surfaces as EINVAL -- as it
 * does in the kernel, whose fail_iommufd point is in the same lookup.
 */
static bool lookup_reported_as_einval(const char *call, uint64_t injected,
                                      int err)
{
    return injected == ENOENT && err == EINVAL &&
           !strncmp(call, "HWPT_ALLOC", 10);
}

static uint64_t leak_count(char *reply, size_t len)
{
    uint64_t count = ~0ull;

    if (cenv_ctl(reply, len, "leaks") != 0 ||
        !cenv_ctl_get(reply, 0, "count", &count)) {
        return ~0ull;
    }
    return count;
}

TEST_F(sweep, every_n)
{
    static char reply[8192];
    char where[64] = "";
    uint64_t consumed, st_errno, n;
    unsigned iterations = 0, failures = 0;
    bool done = false;

    ASSERT_EQ(leak_count(reply, sizeof(reply)), 0);
    for (n = 1; n <= MAX_ITERATIONS && !done; n++) {
        Flow f = {
            .dev = cenv_edu(0), .ram = self->ram,
            .iommufd = -1, .devfd = -1, .qfd = -1,
        };

        ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "fail-nth n=%" PRIu64, n),
                  0);
        variant->flow(&f);
        ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "fail-nth-status"), 0);
        ASSERT_TRUE(cenv_ctl_get(reply, 0, "consumed", &consumed));
        ASSERT_TRUE(cenv_ctl_get(reply, 0, "errno", &st_errno));
        cenv_ctl_get_str(reply, 0, "where", where, sizeof(where));
        ASSERT_EQ(cenv_ctl(reply, sizeof(reply), "fail-nth n=0"), 0);
        release(&f);
        iterations++;

        if (!consumed) {
            /* Fewer than n points: this run had no failure at all. */
            if (f.failed) {
                ctest_fail(__FILE__, __LINE__, "n=%" PRIu64 ": %s failed "
                           "(%s) with nothing injected", n, f.failed,
                           strerror(f.err));
                failures++;
            }
            done = true;
        } else if (!f.failed) {
            ctest_fail(__FILE__, __LINE__, "n=%" PRIu64 ": the failure "
                       "injected at %s was not reported by any call", n,
                       where);
            failures++;
        } else if (f.err != (int)st_errno &&
                   !lookup_reported_as_einval(f.failed, st_errno, f.err)) {
            ctest_fail(__FILE__, __LINE__, "n=%" PRIu64 ": %s failed with "
                       "%s, the point %s injected %s", n, f.failed,
                       strerror(f.err), where, strerror(st_errno));
            failures++;
        }
        if (leak_count(reply, sizeof(reply)) != 0) {
            ctest_fail(__FILE__, __LINE__, "n=%" PRIu64 " (%s at %s): "
                       "leaks after release:\n%.600s", n,
                       f.failed ? f.failed : "no failure", where, reply);
            failures++;
        }
        if (failures > 5) {
            ctest_note("stopping after %u problems", failures);
            break;
        }
    }
    ctest_note("%u iterations", iterations);
    EXPECT_TRUE(done);
    EXPECT_TRUE(iterations >= variant->min_iterations);
}
