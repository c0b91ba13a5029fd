/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared pieces of the SMMUv3 nesting checks (test-nesting.c,
 * test-invalidate.c, test-veventq.c, test-dma.c, test-failnth.c,
 * test-control.c): the architectural encodings a VMM writes on behalf of
 * its guest (virtual STE words, context descriptor, stage-1 descriptors,
 * command-queue commands, event records; field positions from the SMMUv3
 * spec as summarized in smmuv3-facts.md and iommufd-uapi.md section 3),
 * a "nesting stack" that builds the objects of a nested setup step by
 * step (device fd, bind, IOAS, nest-parent HWPT, vIOMMU, vDEVICE) and
 * tears them down in the documented order, feature tests on the raw
 * IDRs that GET_HW_INFO returns, and a few simulator control helpers.
 */
#ifndef CONFORMANCE_NEST_H
#define CONFORMANCE_NEST_H

#include "env.h"

/* ---- virtual STE (iommufd-uapi.md 3.2) ---------------------------------- */
#define STE0_V                  (1ULL << 0)
#define STE0_CFG(c)             ((uint64_t)(c) << 1)
#define STE_CFG_ABORT           0
#define STE_CFG_BYPASS          4
#define STE_CFG_S1              5
#define STE_CFG_S2              6
#define STE_CFG_NESTED          7
#define STE0_S1FMT(f)           ((uint64_t)(f) << 4)
#define STE0_S1CTXPTR_MASK      0x000fffffffffffc0ULL
#define STE0_S1CDMAX(m)         ((uint64_t)(m) << 59)
#define STE0_ALLOWED            0xf80fffffffffffffULL
#define STE1_S1DSS(d)           ((uint64_t)(d) << 0)
#define STE1_S1CIR(c)           ((uint64_t)(c) << 2)
#define STE1_S1COR(c)           ((uint64_t)(c) << 4)
#define STE1_S1CSH(c)           ((uint64_t)(c) << 6)
#define STE1_S1STALLD           (1ULL << 27)
#define STE1_EATS(e)            ((uint64_t)(e) << 28)
#define STE1_ALLOWED            0x00000000380000ffULL

/* Guest STE words a VMM forwards for the three supported configs. */
#define VSTE_ABORT0             (STE0_V | STE0_CFG(STE_CFG_ABORT))
#define VSTE_BYPASS0            (STE0_V | STE0_CFG(STE_CFG_BYPASS))
#define VSTE_S1_0(cd)           (STE0_V | STE0_CFG(STE_CFG_S1) |          \
                                 ((cd) & STE0_S1CTXPTR_MASK))
#define VSTE_S1_1               (STE1_S1CIR(1) | STE1_S1COR(1) |          \
                                 STE1_S1CSH(3))

/* ---- context descriptor (smmuv3-facts.md 3.2) -------------------------- */
#define CD0_T0SZ(x)             ((uint64_t)(x) << 0)
#define CD0_TG0_4K              (0ULL << 6)
#define CD0_IR0(x)              ((uint64_t)(x) << 8)
#define CD0_OR0(x)              ((uint64_t)(x) << 10)
#define CD0_SH0(x)              ((uint64_t)(x) << 12)
#define CD0_EPD1                (1ULL << 30)
#define CD0_V                   (1ULL << 31)
#define CD0_IPS(x)              ((uint64_t)(x) << 32)
#define CD0_AA64                (1ULL << 41)
#define CD0_R                   (1ULL << 45)
#define CD0_A                   (1ULL << 46)
#define CD0_ASET                (1ULL << 47)
#define CD0_ASID(a)             ((uint64_t)(a) << 48)
#define CD1_TTB0(a)             ((a) & 0x000ffffffffffff0ULL)
#define CD_MAIR_WB              0xffULL     /* attr 0: normal write-back */

/* ---- stage-1 descriptors, 4 KiB granule -------------------------------- */
#define PTE_VALID               (1ULL << 0)
#define PTE_TABLE               (1ULL << 1)     /* also "page" at level 3 */
#define PTE_AP_RW_ALL           (1ULL << 6)     /* AP[2:1] = 01 */
#define PTE_SH_ISH              (3ULL << 8)
#define PTE_AF                  (1ULL << 10)
#define PTE_NG                  (1ULL << 11)    /* not global: per ASID */
/* What Linux's stage-1 tables use: RW, inner shareable, AF, nG. */
#define PTE_PAGE_ATTRS          (PTE_VALID | PTE_TABLE | PTE_AP_RW_ALL |  \
                                 PTE_SH_ISH | PTE_AF | PTE_NG)
#define PTE_ADDR_MASK           0x0000fffffffff000ULL

/* ---- commands (smmuv3-facts.md 4) -------------------------------------- */
#include "../smmuv3-cmd.h"
#define CMD0_SSV                (1ULL << 11)
#define CMD0_SSID(s)            ((uint64_t)(s) << 12)
#define CMD0_SID(s)             ((uint64_t)(s) << 32)
#define CMD0_VMID(v)            ((uint64_t)(v) << 32)
#define CMD0_ASID(a)            ((uint64_t)(a) << 48)
#define CMD0_NUM(n)             ((uint64_t)(n) << 12)
#define CMD0_SCALE(s)           ((uint64_t)(s) << 20)
#define CMD0_ATC_GLOBAL         (1ULL << 9)
#define CMD1_LEAF               (1ULL << 0)
#define CMD1_TTL(t)             ((uint64_t)(t) << 8)
#define CMD1_TG(t)              ((uint64_t)(t) << 10)
#define CMD1_ATC_SIZE(s)        ((uint64_t)(s) << 0)
#define CMD_VMID_OF(c0)         (((c0) >> 32) & 0xffff)
#define CMD_SID_OF(c0)          ((uint32_t)((c0) >> 32))

/* ---- event records (iommufd-uapi.md 3.5) ------------------------------- */
#define EVT_ID_BAD_STREAMID     0x02
#define EVT_ID_STE_FETCH        0x03
#define EVT_ID_BAD_STE          0x04
#define EVT_ID_STREAM_DISABLED  0x06
#define EVT_ID_BAD_SUBSTREAMID  0x08
#define EVT_ID_CD_FETCH         0x09
#define EVT_ID_BAD_CD           0x0a
#define EVT_ID_TRANSLATION      0x10
#define EVT_ID_ADDR_SIZE        0x11
#define EVT_ID_ACCESS           0x12
#define EVT_ID_PERMISSION       0x13
#define EVT_ID_VMS_FETCH        0x25
#define EVT1_STALL              (1ULL << 31)
#define EVT1_RNW                (1ULL << 35)
#define EVT1_S2                 (1ULL << 39)
#define EVT_SID_OF(e0)          ((uint32_t)((e0) >> 32))

/* One vEVENTQ record as read(): header + ARM_SMMUV3 payload. */
typedef struct NestRecord {
    struct iommufd_vevent_header hdr;
    struct iommu_vevent_arm_smmuv3 evt;
} NestRecord;

/* ---- the nesting stack ------------------------------------------------- */

typedef enum NestLevel {
    NEST_OPEN = 1,      /* iommufd and the device's cdev open */
    NEST_BOUND,         /* + VFIO_DEVICE_BIND_IOMMUFD, GET_HW_INFO */
    NEST_IOAS,          /* + IOAS */
    NEST_S2,            /* + NEST_PARENT HWPT on the IOAS */
    NEST_VIOMMU,        /* + vIOMMU on the S2 parent */
    NEST_VDEVICE,       /* + vDEVICE with the vSID */
} NestLevel;

typedef struct Nest {
    const CDev *dev;
    int iommufd, devfd;
    uint32_t dev_id, ioas, s2, viommu, vdev;
    uint64_t vsid;
    struct iommu_hw_info_arm_smmuv3 info;
    bool attached;
} Nest;

/*
 * Build the stack for device d up to level (asserting every step).
 * iommufd < 0 opens a new /dev/iommu, else that one is shared.
 */
void nest_setup(Nest *n, const CDev *d, int iommufd, NestLevel level,
                uint64_t vsid);
/* Go on building an existing stack up to level. */
void nest_grow(Nest *n, NestLevel level);
/*
 * Tear down what nest_setup built plus what the test recorded in n
 * (attached, extra objects destroyed by the test set to 0): detach,
 * vDEVICE, vIOMMU, S2, IOAS, device fd, and the iommufd if close_ictx.
 * Expectations, not assertions: teardown always finishes.
 */
void nest_teardown(Nest *n, bool close_ictx);

/* Features read from GET_HW_INFO's raw IDRs (1.14). */
bool nest_ril(const Nest *n);           /* IDR3.RIL */
bool nest_ats(const Nest *n);           /* IDR0.ATS */
bool nest_ds(const Nest *n);            /* IDR5.DS */
bool nest_fwb(const Nest *n);           /* IDR3.FWB */
unsigned nest_ssid_bits(const Nest *n); /* IDR1.SSIDSIZE */
unsigned nest_asid_bits(const Nest *n); /* 16 if IDR0.ASID16 else 8 */

/* HWPT_INVALIDATE of n commands on the vIOMMU; *done = entry_num out. */
int nest_inv(const Nest *n, const uint64_t *cmds, uint32_t num,
             uint32_t *done);
/* One command. */
int nest_inv1(const Nest *n, uint64_t cmd0, uint64_t cmd1, uint32_t *done);

/* ---- a guest: RAM in the IOAS, a CD and stage-1 tables in it ---------- */

/*
 * "Guest RAM": NEST_GUEST_SIZE bytes of this process mapped in the IOAS at
 * GPA NEST_GUEST_GPA (stage-2 identity, like a VMM maps guest RAM), below
 * 2^28 for the lab's edu and away from the MSI window.  It holds the
 * guest's context descriptor and a 4 KiB-granule stage-1 table (T0SZ 25,
 * levels 1-3) whose level-3 table covers IOVAs NEST_IOVA_BASE + i pages,
 * i < 512; data pages follow the tables.
 */
#define NEST_GUEST_GPA          0x01000000ULL
#define NEST_GUEST_SIZE         0x40000ULL
#define NEST_GPA_CD             (NEST_GUEST_GPA + 0x0000)
#define NEST_GPA_L1             (NEST_GUEST_GPA + 0x1000)
#define NEST_GPA_L2             (NEST_GUEST_GPA + 0x2000)
#define NEST_GPA_L3             (NEST_GUEST_GPA + 0x3000)
#define NEST_GPA_SPARE_TABLES   (NEST_GUEST_GPA + 0x4000)   /* 3 pages */
#define NEST_GPA_DATA(i)        (NEST_GUEST_GPA + 0x8000 + (i) * 0x1000ULL)
#define NEST_GUEST_DATA_PAGES   56
#define NEST_IOVA_BASE          0x00200000ULL
#define NEST_IOVA(i)            (NEST_IOVA_BASE + (i) * 0x1000ULL)
#define NEST_ASID               5

typedef struct NestGuest {
    uint8_t *ram;
    uint32_t s1_hwpt;       /* nested HWPT: vSTE S1 -> the CD */
} NestGuest;

/* Map the RAM, write the CD and empty tables, allocate the S1 HWPT. */
void nest_guest_init(Nest *n, NestGuest *g);
/* After nest_teardown (the IOAS is gone): free the RAM. */
void nest_guest_fini(NestGuest *g);
void *nest_gpa(NestGuest *g, uint64_t gpa);
/* Point the level-3 entry of iova at gpa (attrs: descriptor low bits). */
void nest_map_page(NestGuest *g, uint64_t iova, uint64_t gpa,
                   uint64_t attrs);
/* Attach n's device to hwpt (replace); asserts; marks n->attached. */
void nest_attach(Nest *n, uint32_t hwpt);
/*
 * edu DMA between its buffer and addr (to_dev: addr -> buffer); asserts
 * that the device completed it (a faulting DMA completes too).
 */
void nest_dma(Nest *n, uint64_t addr, uint32_t len, bool to_dev);
/*
 * Wait up to ms for fd to become readable (poll); true if it did.
 */
bool nest_wait_readable(int fd, int ms);

/* ---- the simulator's view (REQUIRE_SIM checks only) -------------------- */

/* Index of the simulated SMMU named like d->smmu; asserts. */
unsigned nest_sim_smmu(const CDev *d);
/* Clear the command log of d's SMMU. */
void nest_sim_log_clear(const CDev *d);
/*
 * Read d's SMMU command log into cmds (pairs) and origins (1 = user);
 * returns the number of entries (at most max).
 */
unsigned nest_sim_log(const CDev *d, uint64_t (*cmds)[2], bool *user,
                      unsigned max);
/* A stats counter of d's SMMU. */
uint64_t nest_sim_stat(const CDev *d, const char *key);
/* The attachments record of d: ste kind, vmid, vsid ("none" -> ~0). */
void nest_sim_attachment(const CDev *d, char *ste, size_t len,
                         uint64_t *vmid, uint64_t *vsid);
/* The physical StreamID of d; asserts. */
uint32_t nest_sim_sid(const CDev *d);
/* inject-event on d's SMMU; returns the forwarded= verdict. */
bool nest_sim_inject(const CDev *d, const uint64_t evt[4]);

/*
 * Read every record pending on a vEVENTQ fd (read() until it returns 0)
 * into out, in order; a lost-events marker is an entry whose hdr.flags
 * has IOMMU_VEVENTQ_FLAG_LOST_EVENTS (and a zero payload).  Returns the
 * number of entries; asserts that read() succeeds.
 */
unsigned nest_read_records(int fd, NestRecord *out, unsigned max);

#endif
