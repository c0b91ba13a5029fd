/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the conformance suite runs and what it can use: the assignable
 * PCI functions found through sysfs (/sys/class/vfio-dev/vfioN ->
 * device -> vendor, device, iommu, iommu_group), whether the simulator
 * is behind the calls (its control channel answers: HOSTSIM_CONTROL),
 * and small helpers over the uAPI that return 0 or -errno so tests can
 * compare errno directly.  The same code runs against the real kernel in
 * the lab, where only the checks marked REQUIRE_SIM or needing two SMMUs
 * skip.
 */
#ifndef CONFORMANCE_ENV_H
#define CONFORMANCE_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "harness.h"

typedef struct CDev {
    char bdf[32];               /* "0000:01:00.0" */
    char smmu[64];              /* basename of .../iommu: "smmu3.0x..." */
    char cdev[64];              /* "/dev/vfio/devices/vfio0" */
    unsigned vfio_index;
    unsigned group;
    uint16_t vendor, device;
    bool edu;                   /* 1234:11e8 */
} CDev;

#define CENV_MAX_DEVS 16
extern CDev cenv_devs[CENV_MAX_DEVS];
extern unsigned cenv_ndevs;
/* True when the simulator's control channel answers. */
extern bool cenv_sim;

/* Called once by main before ctest_main. */
void cenv_init(void);

/* The i-th edu device, or NULL. */
const CDev *cenv_edu(unsigned i);
/* An edu device behind another SMMU than d, or NULL. */
const CDev *cenv_edu_other_smmu(const CDev *d);
/*
 * An edu device behind the same SMMU as d but not d, and as coherent
 * (CANWBS, 3.1) as d so that the two can share d's domains; or NULL.
 */
const CDev *cenv_edu_same_smmu(const CDev *d);

#define REQUIRE_SIM()                                                   \
    do {                                                                \
        if (!cenv_sim) {                                                \
            SKIP("needs the simulator's control channel");              \
        }                                                               \
    } while (0)

#define REQUIRE_EDU(n)                                                  \
    do {                                                                \
        if (!cenv_edu((n) - 1)) {                                       \
            SKIP("needs %d edu device(s) bound to vfio-pci", (n));      \
        }                                                               \
    } while (0)

/* ioctl returning 0 or -errno. */
int cenv_ioctl(int fd, unsigned long req, void *arg);

/* /dev/iommu, a device cdev: the fd, or the test fails. */
int cenv_open_iommufd(void);
int cenv_open_cdev(const CDev *d);
/* VFIO_DEVICE_BIND_IOMMUFD; 0 or -errno. */
int cenv_bind(int devfd, int iommufd, uint32_t *dev_id);
/* VFIO_DEVICE_ATTACH_IOMMUFD_PT; *pt_id in/out; 0 or -errno. */
int cenv_attach(int devfd, uint32_t *pt_id);
int cenv_detach(int devfd);
/* IOMMU_IOAS_ALLOC / IOMMU_DESTROY; 0 or -errno. */
int cenv_ioas_alloc(int iommufd, uint32_t *ioas_id);
int cenv_destroy(int iommufd, uint32_t id);
/* IOMMU_IOAS_MAP with FIXED_IOVA|READABLE|WRITEABLE; 0 or -errno. */
int cenv_map_fixed(int iommufd, uint32_t ioas, void *va, uint64_t len,
                   uint64_t iova);
int cenv_unmap(int iommufd, uint32_t ioas, uint64_t iova, uint64_t len);
/* GET_HW_INFO with an SMMUv3 data buffer; 0 or -errno. */
int cenv_hw_info(int iommufd, uint32_t dev_id,
                 struct iommu_hw_info_arm_smmuv3 *out,
                 uint64_t *caps);
/* HWPT_ALLOC paging with flags on pt_id; 0 or -errno. */
int cenv_hwpt_paging(int iommufd, uint32_t dev_id, uint32_t pt_id,
                     uint32_t flags, uint32_t *hwpt_id);
/* VIOMMU_ALLOC type ARM_SMMUV3; 0 or -errno. */
int cenv_viommu(int iommufd, uint32_t dev_id, uint32_t s2, uint32_t *id);
int cenv_vdevice(int iommufd, uint32_t viommu, uint32_t dev_id,
                 uint64_t vsid, uint32_t *id);
/* HWPT_ALLOC nested with a vSTE; 0 or -errno. */
int cenv_hwpt_nested(int iommufd, uint32_t dev_id, uint32_t viommu,
                     uint64_t ste0, uint64_t ste1, uint32_t *hwpt_id);
/* HWPT_INVALIDATE on a vIOMMU; *num in/out; 0 or -errno. */
int cenv_invalidate(int iommufd, uint32_t viommu, const uint64_t *cmds,
                    uint32_t *num);
int cenv_veventq(int iommufd, uint32_t viommu, uint32_t depth,
                 uint32_t *id, int *fd);

/* Page-aligned anonymous memory (munmap with cenv_free). */
void *cenv_alloc(size_t len);
void cenv_free(void *p, size_t len);

/*
 * edu through the device fd (BAR0 by pread/pwrite): registers, and a
 * DMA between the device buffer (0x40000) and addr that waits for the
 * status bit; returns 0 when done, -ETIMEDOUT otherwise.
 */
uint32_t cenv_edu_read(int devfd, uint64_t off);
void cenv_edu_write(int devfd, uint64_t off, uint32_t val);
uint64_t cenv_edu_read64(int devfd, uint64_t off);
void cenv_edu_write64(int devfd, uint64_t off, uint64_t val);
/* to_dev: addr -> device buffer (cmd 0), else buffer -> addr (cmd 2). */
int cenv_edu_dma(int devfd, uint64_t addr, uint32_t len, bool to_dev);

/*
 * The simulator's control channel (text protocol of
 * docs/devel/hostsim.rst).  cenv_ctl sends one request built from fmt
 * and stores the whole reply in reply; returns 0 on "ok", -1 otherwise.
 * cenv_ctl_get finds key=value in line n (0 = the "ok" line) of reply.
 */
int cenv_ctl(char *reply, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool cenv_ctl_get(const char *reply, unsigned n, const char *key,
                  uint64_t *val);
bool cenv_ctl_get_str(const char *reply, unsigned n, const char *key,
                      char *out, size_t len);

#endif
