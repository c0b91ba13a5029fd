/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqsmmu: the guest "driver" of an Arm SMMUv3 for qtest tests.  The
 * test owns the SMMU the way an OS driver does: it carves its stream
 * table, context descriptors, page tables and queues out of guest RAM
 * with a bump allocator, writes them with qtest memory writes, brings
 * the SMMU up in Linux's order, submits commands, waits for CMDQ_CONS
 * and reads event records back.
 *
 * Every number here (register offsets, fields, structure layouts,
 * opcodes, event ids) is written from the architecture (the SMMUv3 spec,
 * see docs/devel/smmuv3.rst and the facts sheet), never taken from the
 * model's headers: a wrong value in the model must fail the tests.
 *
 * Conventions.  Structures (STE, CD, commands, events) are arrays of
 * little-endian 64-bit words held in host order; the QSMMU_*_W<n>_*
 * field macros name the word they live in.  Addresses are guest physical
 * unless called IPA/IOVA.  Failures (a queue that does not drain, an
 * allocator that runs out, an ACK that never comes) fail the test.
 *
 * The library works against QEMU's arm-smmuv3 too (see edu-test.c for
 * how DMA completion is awaited there), so a suite can compare the two.
 */
#ifndef LIBQSMMU_H
#define LIBQSMMU_H

#include "libqtest.h"
#include "libqpci.h"

/* ---- Where things are on the virt machine ---- */

#define QSMMU_VIRT_BASE          0x09050000ULL  /* -M virt,iommu=smmuv3 */
#define QSMMU_VIRT_PLATFORM_BUS  0x0c000000ULL  /* -device arm-smmuv3 slots */
#define QSMMU_MMIO_SIZE          0x20000ULL
#define QSMMU_QOM_PATH           "/machine/smmuv3"

/* ---- Register offsets (spec 6.2) ---- */

#define QSMMU_IDR0               0x000
#define QSMMU_IDR1               0x004
#define QSMMU_IDR2               0x008
#define QSMMU_IDR3               0x00c
#define QSMMU_IDR4               0x010
#define QSMMU_IDR5               0x014
#define QSMMU_IIDR               0x018
#define QSMMU_AIDR               0x01c
#define QSMMU_CR0                0x020
#define QSMMU_CR0ACK             0x024
#define QSMMU_CR1                0x028
#define QSMMU_CR2                0x02c
#define QSMMU_STATUSR            0x040
#define QSMMU_GBPA               0x044
#define QSMMU_AGBPA              0x048
#define QSMMU_IRQ_CTRL           0x050
#define QSMMU_IRQ_CTRLACK        0x054
#define QSMMU_GERROR             0x060
#define QSMMU_GERRORN            0x064
#define QSMMU_GERROR_IRQ_CFG0    0x068  /* 64-bit */
#define QSMMU_GERROR_IRQ_CFG1    0x070
#define QSMMU_GERROR_IRQ_CFG2    0x074
#define QSMMU_STRTAB_BASE        0x080  /* 64-bit */
#define QSMMU_STRTAB_BASE_CFG    0x088
#define QSMMU_CMDQ_BASE          0x090  /* 64-bit */
#define QSMMU_CMDQ_PROD          0x098
#define QSMMU_CMDQ_CONS          0x09c
#define QSMMU_EVENTQ_BASE        0x0a0  /* 64-bit */
#define QSMMU_EVENTQ_IRQ_CFG0    0x0b0  /* 64-bit */
#define QSMMU_EVENTQ_IRQ_CFG1    0x0b8
#define QSMMU_EVENTQ_IRQ_CFG2    0x0bc
#define QSMMU_PRIQ_BASE          0x0c0  /* 64-bit */
#define QSMMU_PRIQ_IRQ_CFG0      0x0d0
#define QSMMU_PRIQ_IRQ_CFG1      0x0d8
#define QSMMU_PRIQ_IRQ_CFG2      0x0dc
#define QSMMU_EVENTQ_PROD        0x100a8        /* page 1 */
#define QSMMU_EVENTQ_CONS        0x100ac
#define QSMMU_PRIQ_PROD          0x100c8
#define QSMMU_PRIQ_CONS          0x100cc

/* IDR0 (spec 6.3.1) */
#define QSMMU_IDR0_S2P           (1u << 0)
#define QSMMU_IDR0_S1P           (1u << 1)
#define QSMMU_IDR0_TTF(v)        (((v) >> 2) & 3)
#define QSMMU_IDR0_COHACC        (1u << 4)
#define QSMMU_IDR0_BTM           (1u << 5)
#define QSMMU_IDR0_HTTU(v)       (((v) >> 6) & 3)
#define QSMMU_IDR0_HYP           (1u << 9)
#define QSMMU_IDR0_ATS           (1u << 10)
#define QSMMU_IDR0_ASID16        (1u << 12)
#define QSMMU_IDR0_MSI           (1u << 13)
#define QSMMU_IDR0_SEV           (1u << 14)
#define QSMMU_IDR0_ATOS          (1u << 15)
#define QSMMU_IDR0_PRI           (1u << 16)
#define QSMMU_IDR0_VMID16        (1u << 18)
#define QSMMU_IDR0_CD2L          (1u << 19)
#define QSMMU_IDR0_TTENDIAN(v)   (((v) >> 21) & 3)
#define QSMMU_IDR0_STALL_MODEL(v) (((v) >> 24) & 3)
#define QSMMU_IDR0_TERM_MODEL    (1u << 26)
#define QSMMU_IDR0_ST_LEVEL(v)   (((v) >> 27) & 3)

/* IDR1 */
#define QSMMU_IDR1_SIDSIZE(v)    ((v) & 0x3f)
#define QSMMU_IDR1_SSIDSIZE(v)   (((v) >> 6) & 0x1f)
#define QSMMU_IDR1_PRIQS(v)      (((v) >> 11) & 0x1f)
#define QSMMU_IDR1_EVENTQS(v)    (((v) >> 16) & 0x1f)
#define QSMMU_IDR1_CMDQS(v)      (((v) >> 21) & 0x1f)

/* IDR3 */
#define QSMMU_IDR3_HAD           (1u << 2)
#define QSMMU_IDR3_XNX           (1u << 4)
#define QSMMU_IDR3_RIL           (1u << 10)
#define QSMMU_IDR3_BBML(v)       (((v) >> 11) & 3)

/* IDR5 */
#define QSMMU_IDR5_OAS(v)        ((v) & 7)
#define QSMMU_IDR5_GRAN4K        (1u << 4)
#define QSMMU_IDR5_GRAN16K       (1u << 5)
#define QSMMU_IDR5_GRAN64K       (1u << 6)

/* CR0 / CR0ACK */
#define QSMMU_CR0_SMMUEN         (1u << 0)
#define QSMMU_CR0_PRIQEN         (1u << 1)
#define QSMMU_CR0_EVENTQEN       (1u << 2)
#define QSMMU_CR0_CMDQEN         (1u << 3)
#define QSMMU_CR0_ATSCHK         (1u << 4)

/* CR1: what Linux writes (ISH, WB, WB for tables and queues). */
#define QSMMU_CR1_LINUX          0x00000d75u

/* CR2 */
#define QSMMU_CR2_E2H            (1u << 0)
#define QSMMU_CR2_RECINVSID      (1u << 1)
#define QSMMU_CR2_PTM            (1u << 2)

/* GBPA */
#define QSMMU_GBPA_SHCFG(v)      ((uint32_t)(v) << 12)
#define QSMMU_GBPA_ABORT         (1u << 20)
#define QSMMU_GBPA_UPDATE        (1u << 31)

/* IRQ_CTRL */
#define QSMMU_IRQ_CTRL_GERROR    (1u << 0)
#define QSMMU_IRQ_CTRL_PRIQ      (1u << 1)
#define QSMMU_IRQ_CTRL_EVENTQ    (1u << 2)

/* GERROR / GERRORN */
#define QSMMU_GERROR_CMDQ_ERR          (1u << 0)
#define QSMMU_GERROR_EVENTQ_ABT_ERR    (1u << 2)
#define QSMMU_GERROR_PRIQ_ABT_ERR      (1u << 3)
#define QSMMU_GERROR_MSI_CMDQ_ABT_ERR  (1u << 4)
#define QSMMU_GERROR_MSI_EVENTQ_ABT_ERR (1u << 5)
#define QSMMU_GERROR_MSI_PRIQ_ABT_ERR  (1u << 6)
#define QSMMU_GERROR_MSI_GERROR_ABT_ERR (1u << 7)
#define QSMMU_GERROR_SFM_ERR           (1u << 8)

/* STRTAB_BASE / STRTAB_BASE_CFG */
#define QSMMU_STRTAB_BASE_RA     (1ULL << 62)
#define QSMMU_STRTAB_BASE_ADDR_MASK 0x00ffffffffffffc0ULL /* [55:6] */
#define QSMMU_STRTAB_CFG_LOG2SIZE(n)  ((uint32_t)(n) & 0x3f)
#define QSMMU_STRTAB_CFG_SPLIT(n)     (((uint32_t)(n) & 0x1f) << 6)
#define QSMMU_STRTAB_CFG_FMT_LINEAR   (0u << 16)
#define QSMMU_STRTAB_CFG_FMT_2LVL     (1u << 16)

/* Queue BASE registers (CMDQ, EVENTQ, PRIQ) and PROD/CONS fields. */
#define QSMMU_Q_BASE_RWA         (1ULL << 62)   /* RA for CMDQ, WA else */
#define QSMMU_Q_BASE_ADDR_MASK   0x00ffffffffffffe0ULL /* [55:5] */
#define QSMMU_Q_BASE_LOG2SIZE(n) ((uint64_t)(n) & 0x1f)
#define QSMMU_Q_WR_MASK          0x000fffffu    /* index + wrap, [19:0] */
#define QSMMU_Q_OVFLG            (1u << 31)     /* PROD.OVFLG, CONS.OVACKFLG */
#define QSMMU_CMDQ_CONS_ERR(v)   (((v) >> 24) & 0x7f)

/* CMDQ_CONS.ERR codes (spec 7.1) */
#define QSMMU_CERROR_NONE        0x00
#define QSMMU_CERROR_ILL         0x01
#define QSMMU_CERROR_ABT         0x02
#define QSMMU_CERROR_ATC_INV_SYNC 0x03

/* ---- Stream table entry (spec 5.2): 8 words ---- */

#define QSMMU_STE_WORDS          8
#define QSMMU_STE_SIZE           64

#define QSMMU_STE_W0_V                 (1ULL << 0)
#define QSMMU_STE_W0_CONFIG(c)         ((uint64_t)(c) << 1)      /* [3:1] */
#define QSMMU_STE_W0_CONFIG_MASK       (7ULL << 1)
#define QSMMU_STE_W0_S1FMT(f)          ((uint64_t)(f) << 4)      /* [5:4] */
#define QSMMU_STE_W0_S1CTXPTR_MASK     0x00ffffffffffffc0ULL     /* [55:6] */
#define QSMMU_STE_W0_S1CDMAX(n)        ((uint64_t)(n) << 59)     /* [63:59] */
#define QSMMU_STE_W1_S1DSS(d)          ((uint64_t)(d) << 0)      /* [1:0] */
#define QSMMU_STE_W1_S1CIR(c)          ((uint64_t)(c) << 2)
#define QSMMU_STE_W1_S1COR(c)          ((uint64_t)(c) << 4)
#define QSMMU_STE_W1_S1CSH(c)          ((uint64_t)(c) << 6)
#define QSMMU_STE_W1_S1STALLD          (1ULL << 27)
#define QSMMU_STE_W1_EATS(e)           ((uint64_t)(e) << 28)
#define QSMMU_STE_W1_STRW(s)           ((uint64_t)(s) << 30)
#define QSMMU_STE_W1_SHCFG(s)          ((uint64_t)(s) << 44)
#define QSMMU_STE_W1_PRIVCFG(p)        ((uint64_t)(p) << 48)
#define QSMMU_STE_W1_INSTCFG(i)        ((uint64_t)(i) << 50)
#define QSMMU_STE_W2_S2VMID(v)         ((uint64_t)(v) & 0xffff)
#define QSMMU_STE_W2_S2T0SZ(t)         ((uint64_t)(t) << 32)     /* [37:32] */
#define QSMMU_STE_W2_S2SL0(s)          ((uint64_t)(s) << 38)     /* [39:38] */
#define QSMMU_STE_W2_S2IR0(c)          ((uint64_t)(c) << 40)
#define QSMMU_STE_W2_S2OR0(c)          ((uint64_t)(c) << 42)
#define QSMMU_STE_W2_S2SH0(s)          ((uint64_t)(s) << 44)
#define QSMMU_STE_W2_S2TG(g)           ((uint64_t)(g) << 46)     /* [47:46] */
#define QSMMU_STE_W2_S2PS(p)           ((uint64_t)(p) << 48)     /* [50:48] */
#define QSMMU_STE_W2_S2AA64            (1ULL << 51)
#define QSMMU_STE_W2_S2ENDI            (1ULL << 52)
#define QSMMU_STE_W2_S2AFFD            (1ULL << 53)
#define QSMMU_STE_W2_S2PTW             (1ULL << 54)
#define QSMMU_STE_W2_S2HD              (1ULL << 55)
#define QSMMU_STE_W2_S2HA              (1ULL << 56)
#define QSMMU_STE_W2_S2S               (1ULL << 57)
#define QSMMU_STE_W2_S2R               (1ULL << 58)
#define QSMMU_STE_W3_S2TTB_MASK        0x00fffffffffffff0ULL     /* [55:4] */

/* STE.Config values */
#define QSMMU_STE_CFG_ABORT      0
#define QSMMU_STE_CFG_BYPASS     4
#define QSMMU_STE_CFG_S1         5
#define QSMMU_STE_CFG_S2         6
#define QSMMU_STE_CFG_NESTED     7

/* STE.S1DSS values */
#define QSMMU_S1DSS_TERMINATE    0
#define QSMMU_S1DSS_BYPASS       1
#define QSMMU_S1DSS_SSID0        2

/* STE.S1Fmt values */
#define QSMMU_S1FMT_LINEAR       0
#define QSMMU_S1FMT_2LVL_4K      1  /* 64 CDs per leaf table */
#define QSMMU_S1FMT_2LVL_64K     2  /* 1024 CDs per leaf table */

/* L1STD (2-level stream table) and L1CD descriptors */
#define QSMMU_L1STD_SPAN(s)      ((uint64_t)(s) & 0x1f)
#define QSMMU_L1STD_L2PTR_MASK   0x00ffffffffffffc0ULL     /* [55:6] */
#define QSMMU_L1CD_V             (1ULL << 0)
#define QSMMU_L1CD_L2PTR_MASK    0x00fffffffffff000ULL     /* [55:12] */

/* ---- Context descriptor (spec 5.4): 8 words ---- */

#define QSMMU_CD_WORDS           8
#define QSMMU_CD_SIZE            64

#define QSMMU_CD_W0_T0SZ(t)      ((uint64_t)(t) & 0x3f)
#define QSMMU_CD_W0_TG0(g)       ((uint64_t)(g) << 6)   /* 0 4K, 1 64K, 2 16K */
#define QSMMU_CD_W0_IR0(c)       ((uint64_t)(c) << 8)
#define QSMMU_CD_W0_OR0(c)       ((uint64_t)(c) << 10)
#define QSMMU_CD_W0_SH0(s)       ((uint64_t)(s) << 12)
#define QSMMU_CD_W0_EPD0         (1ULL << 14)
#define QSMMU_CD_W0_ENDI         (1ULL << 15)
#define QSMMU_CD_W0_T1SZ(t)      (((uint64_t)(t) & 0x3f) << 16)
#define QSMMU_CD_W0_TG1(g)       ((uint64_t)(g) << 22)  /* 1 16K, 2 4K, 3 64K */
#define QSMMU_CD_W0_EPD1         (1ULL << 30)
#define QSMMU_CD_W0_V            (1ULL << 31)
#define QSMMU_CD_W0_IPS(p)       ((uint64_t)(p) << 32)  /* [34:32] */
#define QSMMU_CD_W0_AFFD         (1ULL << 35)
#define QSMMU_CD_W0_WXN          (1ULL << 36)
#define QSMMU_CD_W0_TBI0         (1ULL << 38)
#define QSMMU_CD_W0_PAN          (1ULL << 40)
#define QSMMU_CD_W0_AA64         (1ULL << 41)
#define QSMMU_CD_W0_HD           (1ULL << 42)
#define QSMMU_CD_W0_HA           (1ULL << 43)
#define QSMMU_CD_W0_S            (1ULL << 44)
#define QSMMU_CD_W0_R            (1ULL << 45)
#define QSMMU_CD_W0_A            (1ULL << 46)
#define QSMMU_CD_W0_ASET         (1ULL << 47)
#define QSMMU_CD_W0_ASID(a)      ((uint64_t)(a) << 48)
#define QSMMU_CD_W1_TTB0_MASK    0x00fffffffffffff0ULL  /* [55:4] */
#define QSMMU_CD_W2_TTB1_MASK    0x00fffffffffffff0ULL
/* Linux's MAIR: 0 NC, 1 WB RWA, 2 Device-nGnRE, 3 0xf4. */
#define QSMMU_CD_MAIR_LINUX      0x00000000f404ff44ULL

/* Output-size encodings (CD.IPS, STE.S2PS, IDR5.OAS). */
#define QSMMU_PS_32              0
#define QSMMU_PS_36              1
#define QSMMU_PS_40              2
#define QSMMU_PS_42              3
#define QSMMU_PS_44              4
#define QSMMU_PS_48              5

/* ---- Translation table descriptors (VMSAv8-64) ---- */

#define QSMMU_PTE_VALID          (1ULL << 0)
#define QSMMU_PTE_TYPE_TABLE     3ULL   /* levels 0-2; also a level-3 page */
#define QSMMU_PTE_TYPE_BLOCK     1ULL
#define QSMMU_PTE_TYPE_PAGE      3ULL
/* Stage 1 leaf attributes */
#define QSMMU_PTE_ATTRINDX(i)    ((uint64_t)(i) << 2)
#define QSMMU_PTE_AP_EL0         (1ULL << 6)    /* AP[1]: EL0 access */
#define QSMMU_PTE_AP_RO          (1ULL << 7)    /* AP[2]: read-only */
#define QSMMU_PTE_SH_IS          (3ULL << 8)
#define QSMMU_PTE_AF             (1ULL << 10)
#define QSMMU_PTE_NG             (1ULL << 11)
#define QSMMU_PTE_PXN            (1ULL << 53)
#define QSMMU_PTE_UXN            (1ULL << 54)
/* Stage 1 table attributes */
#define QSMMU_PTE_APTABLE_NOEL0  (1ULL << 61)
#define QSMMU_PTE_APTABLE_RO     (1ULL << 62)
/* Stage 2 leaf attributes */
#define QSMMU_PTE_S2_MEMATTR(m)  ((uint64_t)(m) << 2)
#define QSMMU_PTE_S2AP_R         (1ULL << 6)
#define QSMMU_PTE_S2AP_W         (1ULL << 7)
#define QSMMU_PTE_S2_XN          (2ULL << 53)

/* What Linux-built leaves look like: unprivileged RW / RO, AF=1. */
#define QSMMU_S1_RW  (QSMMU_PTE_AF | QSMMU_PTE_SH_IS | QSMMU_PTE_NG | \
                      QSMMU_PTE_AP_EL0 | QSMMU_PTE_ATTRINDX(1))
#define QSMMU_S1_RO  (QSMMU_S1_RW | QSMMU_PTE_AP_RO)
#define QSMMU_S2_RW  (QSMMU_PTE_AF | QSMMU_PTE_SH_IS | \
                      QSMMU_PTE_S2_MEMATTR(0xf) | QSMMU_PTE_S2AP_R | \
                      QSMMU_PTE_S2AP_W)
#define QSMMU_S2_RO  (QSMMU_S2_RW & ~QSMMU_PTE_S2AP_W)

/* ---- Commands (spec 4): opcodes and fields ---- */

#define QSMMU_CMD_PREFETCH_CONFIG 0x01
#define QSMMU_CMD_PREFETCH_ADDR  0x02
#define QSMMU_CMD_CFGI_STE       0x03
#define QSMMU_CMD_CFGI_STE_RANGE 0x04
#define QSMMU_CMD_CFGI_CD        0x05
#define QSMMU_CMD_CFGI_CD_ALL    0x06
#define QSMMU_CMD_TLBI_NH_ALL    0x10
#define QSMMU_CMD_TLBI_NH_ASID   0x11
#define QSMMU_CMD_TLBI_NH_VA     0x12
#define QSMMU_CMD_TLBI_NH_VAA    0x13
#define QSMMU_CMD_TLBI_EL3_ALL   0x18
#define QSMMU_CMD_TLBI_EL2_ALL   0x20
#define QSMMU_CMD_TLBI_S12_VMALL 0x28
#define QSMMU_CMD_TLBI_S2_IPA    0x2a
#define QSMMU_CMD_TLBI_NSNH_ALL  0x30
#define QSMMU_CMD_ATC_INV        0x40
#define QSMMU_CMD_PRI_RESP       0x41
#define QSMMU_CMD_RESUME         0x44
#define QSMMU_CMD_STALL_TERM     0x45
#define QSMMU_CMD_SYNC           0x46

/* Word 0 */
#define QSMMU_CMD_W0_OP(o)       ((uint64_t)(o) & 0xff)
#define QSMMU_CMD_W0_SSEC        (1ULL << 10)
#define QSMMU_CMD_W0_SSV         (1ULL << 11)
#define QSMMU_CMD_W0_SSID(s)     (((uint64_t)(s) & 0xfffff) << 12)
#define QSMMU_CMD_W0_SID(s)      ((uint64_t)(uint32_t)(s) << 32)
#define QSMMU_CMD_W0_NUM(n)      (((uint64_t)(n) & 0x1f) << 12)
#define QSMMU_CMD_W0_SCALE(s)    (((uint64_t)(s) & 0x1f) << 20)
#define QSMMU_CMD_W0_VMID(v)     (((uint64_t)(v) & 0xffff) << 32)
#define QSMMU_CMD_W0_ASID(a)     (((uint64_t)(a) & 0xffff) << 48)
#define QSMMU_CMD_W0_SYNC_CS(c)  (((uint64_t)(c) & 3) << 12)
#define QSMMU_CMD_W0_SYNC_MSH(m) (((uint64_t)(m) & 3) << 22)
#define QSMMU_CMD_W0_SYNC_MSIATTR(a) (((uint64_t)(a) & 0xf) << 24)
#define QSMMU_CMD_W0_SYNC_MSIDATA(d) ((uint64_t)(uint32_t)(d) << 32)
/* Word 1 */
#define QSMMU_CMD_W1_LEAF        (1ULL << 0)
#define QSMMU_CMD_W1_RANGE(r)    ((uint64_t)(r) & 0x1f)  /* CFGI_STE_RANGE */
#define QSMMU_CMD_W1_TTL(t)      (((uint64_t)(t) & 3) << 8)
#define QSMMU_CMD_W1_TG(g)       (((uint64_t)(g) & 3) << 10)
#define QSMMU_CMD_W1_ADDR_MASK   0xfffffffffffff000ULL   /* VA [63:12] */
#define QSMMU_CMD_W1_IPA_MASK    0x00fffffffffff000ULL   /* IPA [55:12] */
#define QSMMU_CMD_W1_MSIADDR_MASK 0x00fffffffffffffcULL  /* [55:2] */

/* CMD_SYNC.CS */
#define QSMMU_SYNC_CS_NONE       0
#define QSMMU_SYNC_CS_IRQ        1
#define QSMMU_SYNC_CS_SEV        2

/* TLBI range granule (TG): granule bytes = 1 << (2 * TG + 10). */
#define QSMMU_TG_4K              1
#define QSMMU_TG_16K             2
#define QSMMU_TG_64K             3

/* ---- Events (spec 7.3) ---- */

#define QSMMU_EVT_F_UUT              0x01
#define QSMMU_EVT_C_BAD_STREAMID     0x02
#define QSMMU_EVT_F_STE_FETCH        0x03
#define QSMMU_EVT_C_BAD_STE          0x04
#define QSMMU_EVT_F_BAD_ATS_TREQ     0x05
#define QSMMU_EVT_F_STREAM_DISABLED  0x06
#define QSMMU_EVT_F_TRANSL_FORBIDDEN 0x07
#define QSMMU_EVT_C_BAD_SUBSTREAMID  0x08
#define QSMMU_EVT_F_CD_FETCH         0x09
#define QSMMU_EVT_C_BAD_CD           0x0a
#define QSMMU_EVT_F_WALK_EABT        0x0b
#define QSMMU_EVT_F_TRANSLATION      0x10
#define QSMMU_EVT_F_ADDR_SIZE        0x11
#define QSMMU_EVT_F_ACCESS           0x12
#define QSMMU_EVT_F_PERMISSION       0x13
#define QSMMU_EVT_F_TLB_CONFLICT     0x20
#define QSMMU_EVT_F_CFG_CONFLICT     0x21

/* Event CLASS */
#define QSMMU_CLASS_CD           0
#define QSMMU_CLASS_TT           1
#define QSMMU_CLASS_IN           2

#define QSMMU_EVT_SIZE           32
#define QSMMU_CMD_SIZE           16

/* An event record, raw and decoded (fields per spec 7.3, facts 5.2). */
typedef struct QSMMUEvent {
    uint64_t raw[4];
    uint8_t id;
    bool ssv;
    uint32_t ssid;
    uint32_t sid;
    uint16_t stag;
    bool stall;
    bool pnu;
    bool ind;
    bool rnw;
    bool s2;
    unsigned cls;               /* QSMMU_CLASS_* */
    bool ttrnw;
    uint64_t input_addr;
    uint64_t ipa;               /* word 3 [55:12] */
    uint64_t fetch_addr;        /* word 3 [55:3] */
} QSMMUEvent;

/* ---- The driver state ---- */

typedef struct QSMMU {
    QTestState *qts;
    uint64_t base;              /* MMIO base */
    /* Bump allocator over a guest RAM range (zeroed on allocation). */
    uint64_t alloc_next;
    uint64_t alloc_end;
    /* Stream table as set up by qsmmu_bringup(). */
    uint64_t strtab;            /* PA of the (L1) table */
    bool strtab_2lvl;
    unsigned sid_bits;          /* STRTAB_BASE_CFG.LOG2SIZE */
    unsigned split;             /* 2-level: SID bits per L2 table */
    /* Command queue */
    uint64_t cmdq;
    unsigned cmdq_log2;
    uint32_t cmdq_prod;         /* our copy of CMDQ_PROD.WR */
    /* Event queue */
    uint64_t evtq;
    unsigned evtq_log2;
    uint32_t evtq_cons;         /* our copy of EVENTQ_CONS.RD */
} QSMMU;

/* How qsmmu_bringup() sets the SMMU up (start from qsmmu_config()). */
typedef struct QSMMUConfig {
    bool two_level;             /* 2-level stream table (else linear) */
    unsigned sid_bits;          /* STRTAB LOG2SIZE (default 8) */
    unsigned split;             /* 2-level SPLIT: 6, 8 (default), 10 */
    unsigned cmdq_log2;         /* entries, log2 (default 8) */
    unsigned evtq_log2;         /* entries, log2 (default 7) */
    uint32_t cr2;               /* default RECINVSID | PTM, as Linux */
    uint32_t irq_ctrl;          /* default 0: no interrupts */
    bool enable;                /* set SMMUEN at the end (default true) */
} QSMMUConfig;

/* The defaults listed in QSMMUConfig. */
QSMMUConfig qsmmu_config(void);

/*
 * Bind s to the SMMU at mmio_base of qts; its tables and queues are
 * allocated from guest RAM [ram_base, ram_base + ram_size).
 */
void qsmmu_init(QSMMU *s, QTestState *qts, uint64_t mmio_base,
                uint64_t ram_base, uint64_t ram_size);

/* size bytes of zeroed guest RAM aligned to align (a power of two). */
uint64_t qsmmu_alloc(QSMMU *s, uint64_t size, uint64_t align);

/* Register access at offset off of the register file. */
uint32_t qsmmu_readl(QSMMU *s, uint32_t off);
void qsmmu_writel(QSMMU *s, uint32_t off, uint32_t val);
uint64_t qsmmu_readq(QSMMU *s, uint32_t off);
void qsmmu_writeq(QSMMU *s, uint32_t off, uint64_t val);

/* Write CR0 and wait (bounded) for CR0ACK to match. */
void qsmmu_set_cr0(QSMMU *s, uint32_t val);
/* Write IRQ_CTRL and wait for IRQ_CTRLACK to match. */
void qsmmu_set_irq_ctrl(QSMMU *s, uint32_t val);
/*
 * GBPA update protocol: wait for Update=0, write val | Update, wait for
 * Update=0 again.
 */
void qsmmu_gbpa_update(QSMMU *s, uint32_t val);

/*
 * Linux's bring-up (facts 9): CR0=0; CR1, CR2; the stream table (all
 * STEs zero, i.e. V=0; 2-level: L1 descriptors Span=0) at STRTAB_BASE;
 * the command queue, CMDQEN, CFGI_ALL + TLBI_NSNH_ALL + SYNC; the event
 * queue and EVENTQEN; IRQ_CTRL; SMMUEN when cfg->enable.  cfg NULL means
 * qsmmu_config().
 */
void qsmmu_bringup(QSMMU *s, const QSMMUConfig *cfg);

/* ---- Stream table ---- */

/*
 * PA of the STE of sid.  In a 2-level table, its L2 table (2^split STEs)
 * is allocated and its L1 descriptor written (Span = split + 1) first,
 * if needed.
 */
uint64_t qsmmu_ste_addr(QSMMU *s, uint32_t sid);
/* PA of the L1 descriptor of sid (2-level tables). */
uint64_t qsmmu_l1std_addr(QSMMU *s, uint32_t sid);
/* Write the 8 words of sid's STE (word 0 last). */
void qsmmu_ste_write(QSMMU *s, uint32_t sid, const uint64_t ste[8]);
/* qsmmu_ste_write, then CMD_CFGI_STE(sid) + CMD_SYNC. */
void qsmmu_ste_install(QSMMU *s, uint32_t sid, const uint64_t ste[8]);

/* ---- Page tables ---- */

/*
 * A VMSAv8-64 translation table tree under construction.  Tables are
 * allocated from the QSMMU's allocator as the mappings need them.
 */
typedef struct QSMMUPgt {
    bool stage2;
    unsigned granule;           /* 12, 14 or 16 (log2 bytes) */
    unsigned ia_bits;           /* input size: 64 - T0SZ / S2T0SZ */
    int start_level;
    unsigned concat;            /* concatenated start tables (stage 2) */
    unsigned ps;                /* QSMMU_PS_*: CD.IPS / STE.S2PS */
    uint64_t root;              /* PA of the (first) start table */
    /*
     * Added to a table's PA wherever it is written as a pointer (table
     * descriptors and the TTB): for stage-1 tables of a nested
     * configuration, whose pointers are IPAs, with a stage-2 mapping
     * IPA = PA + ptr_offset.  0 otherwise.
     */
    uint64_t ptr_offset;
} QSMMUPgt;

/*
 * Start a tree.  Stage 1: start_level < 0 derives it from ia_bits (no
 * concatenation).  Stage 2: start_level is required, and the number of
 * concatenated tables follows from ia_bits (1..16; asserted).  ps is set
 * to QSMMU_PS_44 and ptr_offset to 0; change them before mapping.
 */
void qsmmu_pgt_init(QSMMU *s, QSMMUPgt *pt, bool stage2, unsigned granule,
                    unsigned ia_bits, int start_level);

/* log2 of the bytes one descriptor at level maps in pt. */
unsigned qsmmu_pgt_shift(const QSMMUPgt *pt, int level);

/*
 * Map [ia, ia + size of a level-level entry) to oa with a block (level <
 * 3) or page (level 3) descriptor whose other bits are attrs (e.g.
 * QSMMU_S1_RW), allocating the tables on the way.  Returns the PA of the
 * leaf descriptor written.
 */
uint64_t qsmmu_pgt_map(QSMMU *s, QSMMUPgt *pt, uint64_t ia, uint64_t oa,
                       int level, uint64_t attrs);

/*
 * PA of the descriptor at level for ia, allocating the tables above it
 * (not the one at level itself: that descriptor may be anything).  For
 * tests that write raw descriptors (invalid, pointing at unmapped PAs).
 */
uint64_t qsmmu_pgt_desc_addr(QSMMU *s, QSMMUPgt *pt, uint64_t ia, int level);

/* TTB0 / S2TTB value of pt: root + ptr_offset. */
uint64_t qsmmu_pgt_ttb(const QSMMUPgt *pt);

/* TG0 and S2TG encodings of pt's granule. */
unsigned qsmmu_pgt_tg0(const QSMMUPgt *pt);
unsigned qsmmu_pgt_s2tg(const QSMMUPgt *pt);
/* S2SL0 of a stage-2 pt (spec: VTCR_EL2.SL0 table). */
unsigned qsmmu_pgt_s2sl0(const QSMMUPgt *pt);

/* ---- Context descriptors ---- */

/* A CD table: one CD, a linear table or a 2-level one. */
typedef struct QSMMUCdTable {
    uint64_t base;              /* PA of the CD / L1 table */
    unsigned fmt;               /* QSMMU_S1FMT_* */
    unsigned cdmax;             /* S1CDMax: log2 of the number of CDs */
    uint64_t ptr_offset;        /* as QSMMUPgt: IPA = PA + ptr_offset */
} QSMMUCdTable;

/*
 * Allocate a CD table for 2^cdmax CDs (cdmax 0: a single CD) in format
 * fmt; a 2-level table gets its L1 table only (descriptors V=0).
 */
void qsmmu_cd_table_init(QSMMU *s, QSMMUCdTable *t, unsigned fmt,
                         unsigned cdmax);
/*
 * PA of CD ssid of t; for a 2-level table its leaf table is allocated
 * and its L1CD written (V=1, L2Ptr = leaf + ptr_offset) if needed.
 */
uint64_t qsmmu_cd_addr(QSMMU *s, QSMMUCdTable *t, uint32_t ssid);
/* PA of the L1CD covering ssid in a 2-level table. */
uint64_t qsmmu_l1cd_addr(const QSMMUCdTable *t, uint32_t ssid);
/* Write CD ssid of t (word 0 last). */
void qsmmu_cd_write(QSMMU *s, QSMMUCdTable *t, uint32_t ssid,
                    const uint64_t cd[8]);

/*
 * A CD as Linux builds it for stage-1 tables pt (TTB0 only, EPD1=1):
 * T0SZ, TG0, IR0=OR0=WB, SH0=IS, V, IPS=pt->ps, AA64, R, A, ASET, asid,
 * TTB0, MAIR.  Tests then set or clear fields.
 */
void qsmmu_cd_s1(uint64_t cd[8], const QSMMUPgt *pt, uint16_t asid);

/* ---- STE builders (word arrays the tests then tweak) ---- */

/* V=1, Config=abort. */
void qsmmu_ste_abort(uint64_t ste[8]);
/* V=1, Config=bypass. */
void qsmmu_ste_bypass(uint64_t ste[8]);
/*
 * V=1, Config=S1 with CD table t (S1ContextPtr = t->base +
 * t->ptr_offset, S1Fmt, S1CDMax) and s1dss, walk attributes as Linux.
 */
void qsmmu_ste_s1(uint64_t ste[8], const QSMMUCdTable *t, unsigned s1dss);
/*
 * V=1, Config=S2 with stage-2 tables s2: S2VMID vmid, S2T0SZ, S2SL0,
 * S2TG, S2PS, S2AA64, S2PTW, S2R as Linux, S2TTB.
 */
void qsmmu_ste_s2(uint64_t ste[8], const QSMMUPgt *s2, uint16_t vmid);
/* Both: V=1, Config=nested. */
void qsmmu_ste_nested(uint64_t ste[8], const QSMMUCdTable *t,
                      unsigned s1dss, const QSMMUPgt *s2, uint16_t vmid);

/* ---- Command queue ---- */

typedef struct QSMMUCmd {
    uint64_t w[2];
} QSMMUCmd;

QSMMUCmd qsmmu_cmd_cfgi_ste(uint32_t sid, bool leaf);
QSMMUCmd qsmmu_cmd_cfgi_ste_range(uint32_t sid, unsigned range);
QSMMUCmd qsmmu_cmd_cfgi_all(void);
QSMMUCmd qsmmu_cmd_cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf);
QSMMUCmd qsmmu_cmd_cfgi_cd_all(uint32_t sid);
QSMMUCmd qsmmu_cmd_tlbi_nh_all(uint16_t vmid);
QSMMUCmd qsmmu_cmd_tlbi_nh_asid(uint16_t vmid, uint16_t asid);
/*
 * TLBI_NH_VA (and NH_VAA, no ASID): tg 0 is a single address; else a
 * range of (num + 1) << scale granules starting at va, ttl the leaf
 * level hint (0 any).
 */
QSMMUCmd qsmmu_cmd_tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va,
                              bool leaf, unsigned tg, unsigned num,
                              unsigned scale, unsigned ttl);
QSMMUCmd qsmmu_cmd_tlbi_nh_vaa(uint16_t vmid, uint64_t va, bool leaf,
                               unsigned tg, unsigned num, unsigned scale,
                               unsigned ttl);
QSMMUCmd qsmmu_cmd_tlbi_s12_vmall(uint16_t vmid);
QSMMUCmd qsmmu_cmd_tlbi_s2_ipa(uint16_t vmid, uint64_t ipa, bool leaf,
                               unsigned tg, unsigned num, unsigned scale,
                               unsigned ttl);
QSMMUCmd qsmmu_cmd_tlbi_nsnh_all(void);
/* CMD_SYNC with cs (QSMMU_SYNC_CS_*) and, for CS=IRQ, an MSI. */
QSMMUCmd qsmmu_cmd_sync(unsigned cs, uint64_t msi_addr, uint32_t msi_data);

/*
 * Put one command in the queue slot at PROD and advance CMDQ_PROD
 * (first waiting, bounded, while the queue is full); does not wait for
 * the command to be consumed.
 */
void qsmmu_cmd_raw(QSMMU *s, uint64_t w0, uint64_t w1);
void qsmmu_cmd(QSMMU *s, QSMMUCmd cmd);
/*
 * Wait (bounded) until CMDQ_CONS reaches our PROD or an error stops the
 * queue; returns the last CMDQ_CONS read.
 */
uint32_t qsmmu_cmdq_wait(QSMMU *s);
/*
 * CMD_SYNC (CS=NONE) and wait for the queue to drain; asserts no
 * command error (CONS.ERR = 0, GERROR.CMDQ_ERR inactive).
 */
void qsmmu_sync(QSMMU *s);
/* qsmmu_cmd(cmd) then qsmmu_sync(). */
void qsmmu_cmd_sync_one(QSMMU *s, QSMMUCmd cmd);

/* ---- Event queue ---- */

/* Records between our CONS and EVENTQ_PROD. */
unsigned qsmmu_evtq_count(QSMMU *s);
/* Decode a raw record. */
void qsmmu_event_decode(const uint64_t raw[4], QSMMUEvent *ev);
/*
 * Take the next record (false if the queue is empty) and advance
 * EVENTQ_CONS, acknowledging an overflow (OVACKFLG = PROD.OVFLG).
 */
bool qsmmu_evtq_pop(QSMMU *s, QSMMUEvent *ev);
/* Pop a record, asserting there is one. */
void qsmmu_evtq_pop_one(QSMMU *s, QSMMUEvent *ev);
/* Assert that no record is pending. */
void qsmmu_assert_no_event(QSMMU *s);
/* One line describing ev, for test messages (free with g_free). */
char *qsmmu_event_str(const QSMMUEvent *ev);

/* ---- edu as the DMA master (tests/qtest/edu-regs.h) ---- */

typedef struct QSMMUEdu {
    QTestState *qts;
    QPCIBus *pci;
    int busnr;
    int devfn;
    uint64_t bar;
} QSMMUEdu;

/* Assign BAR 0 of the edu at (busnr, devfn) and enable it. */
void qsmmu_edu_init(QSMMUEdu *e, QPCIBus *pci, int busnr, int devfn);
/*
 * One DMA of len bytes and wait for it to finish: to_ram copies the
 * device buffer at buf_off into IOVA iova, else IOVA iova into the
 * buffer.  Under the qtest accelerator the virtual clock is stepped;
 * otherwise (QEMU with tcg) the VM runs until the transfer is done.
 */
void qsmmu_edu_dma(QSMMUEdu *e, uint64_t iova, uint32_t buf_off,
                   uint32_t len, bool to_ram);

#endif /* LIBQSMMU_H */
