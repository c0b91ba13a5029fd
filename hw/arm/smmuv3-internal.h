/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The private interface between the files of the arm-smmuv3 model (see
 * include/hw/arm/smmuv3.h for which file does what): the register map
 * and its fields (spec 6.2-6.3), queue index arithmetic, the command
 * and event record layouts (spec 4, 7.3), and the functions one file
 * calls in another.  Numbers are from ../shared/docs/smmuv3-facts.md.
 */
#ifndef HW_ARM_SMMUV3_INTERNAL_H
#define HW_ARM_SMMUV3_INTERNAL_H

#include "hw/registerfields.h"
#include "hw/arm/smmuv3.h"
#include "hw/arm/smmu-ptw.h"

/* ---- Register map: page 0 (offsets) ---- */

REG32(IDR0, 0x0)
    FIELD(IDR0, S2P, 0, 1)
    FIELD(IDR0, S1P, 1, 1)
    FIELD(IDR0, TTF, 2, 2)
    FIELD(IDR0, COHACC, 4, 1)
    FIELD(IDR0, BTM, 5, 1)
    FIELD(IDR0, HTTU, 6, 2)
    FIELD(IDR0, HYP, 9, 1)
    FIELD(IDR0, ATS, 10, 1)
    FIELD(IDR0, ASID16, 12, 1)
    FIELD(IDR0, MSI, 13, 1)
    FIELD(IDR0, SEV, 14, 1)
    FIELD(IDR0, ATOS, 15, 1)
    FIELD(IDR0, PRI, 16, 1)
    FIELD(IDR0, VMW, 17, 1)
    FIELD(IDR0, VMID16, 18, 1)
    FIELD(IDR0, CD2L, 19, 1)
    FIELD(IDR0, TTENDIAN, 21, 2)
    FIELD(IDR0, STALL_MODEL, 24, 2)
    FIELD(IDR0, TERM_MODEL, 26, 1)
    FIELD(IDR0, STLEVEL, 27, 2)
REG32(IDR1, 0x4)
    FIELD(IDR1, SIDSIZE, 0, 6)
    FIELD(IDR1, SSIDSIZE, 6, 5)
    FIELD(IDR1, PRIQS, 11, 5)
    FIELD(IDR1, EVENTQS, 16, 5)
    FIELD(IDR1, CMDQS, 21, 5)
REG32(IDR2, 0x8)
REG32(IDR3, 0xc)
    FIELD(IDR3, HAD, 2, 1)
    FIELD(IDR3, XNX, 4, 1)
    FIELD(IDR3, RIL, 10, 1)
    FIELD(IDR3, BBML, 11, 2)
REG32(IDR4, 0x10)
REG32(IDR5, 0x14)
    FIELD(IDR5, OAS, 0, 3)
    FIELD(IDR5, GRAN4K, 4, 1)
    FIELD(IDR5, GRAN16K, 5, 1)
    FIELD(IDR5, GRAN64K, 6, 1)
REG32(IIDR, 0x18)
REG32(AIDR, 0x1c)
REG32(CR0, 0x20)
    FIELD(CR0, SMMUEN, 0, 1)
    FIELD(CR0, PRIQEN, 1, 1)
    FIELD(CR0, EVENTQEN, 2, 1)
    FIELD(CR0, CMDQEN, 3, 1)
    FIELD(CR0, ATSCHK, 4, 1)
    FIELD(CR0, VMW, 6, 3)
REG32(CR0ACK, 0x24)
REG32(CR1, 0x28)
    FIELD(CR1, QUEUE_IC, 0, 2)
    FIELD(CR1, QUEUE_OC, 2, 2)
    FIELD(CR1, QUEUE_SH, 4, 2)
    FIELD(CR1, TABLE_IC, 6, 2)
    FIELD(CR1, TABLE_OC, 8, 2)
    FIELD(CR1, TABLE_SH, 10, 2)
REG32(CR2, 0x2c)
    FIELD(CR2, E2H, 0, 1)
    FIELD(CR2, RECINVSID, 1, 1)
    FIELD(CR2, PTM, 2, 1)
REG32(STATUSR, 0x40)
REG32(GBPA, 0x44)
    FIELD(GBPA, ABORT, 20, 1)
    FIELD(GBPA, UPDATE, 31, 1)
REG32(AGBPA, 0x48)
REG32(IRQ_CTRL, 0x50)
    FIELD(IRQ_CTRL, GERROR_IRQEN, 0, 1)
    FIELD(IRQ_CTRL, PRI_IRQEN, 1, 1)
    FIELD(IRQ_CTRL, EVENTQ_IRQEN, 2, 1)
REG32(IRQ_CTRL_ACK, 0x54)
REG32(GERROR, 0x60)
    FIELD(GERROR, CMDQ_ERR, 0, 1)
    FIELD(GERROR, EVENTQ_ABT_ERR, 2, 1)
    FIELD(GERROR, PRIQ_ABT_ERR, 3, 1)
    FIELD(GERROR, MSI_CMDQ_ABT_ERR, 4, 1)
    FIELD(GERROR, MSI_EVENTQ_ABT_ERR, 5, 1)
    FIELD(GERROR, MSI_PRIQ_ABT_ERR, 6, 1)
    FIELD(GERROR, MSI_GERROR_ABT_ERR, 7, 1)
    FIELD(GERROR, SFM_ERR, 8, 1)
REG32(GERRORN, 0x64)
REG64(GERROR_IRQ_CFG0, 0x68)
REG32(GERROR_IRQ_CFG1, 0x70)
REG32(GERROR_IRQ_CFG2, 0x74)
REG64(STRTAB_BASE, 0x80)
    FIELD(STRTAB_BASE, ADDR, 6, 50)
    FIELD(STRTAB_BASE, RA, 62, 1)
REG32(STRTAB_BASE_CFG, 0x88)
    FIELD(STRTAB_BASE_CFG, LOG2SIZE, 0, 6)
    FIELD(STRTAB_BASE_CFG, SPLIT, 6, 5)
    FIELD(STRTAB_BASE_CFG, FMT, 16, 2)
REG64(CMDQ_BASE, 0x90)
REG32(CMDQ_PROD, 0x98)
REG32(CMDQ_CONS, 0x9c)
    FIELD(CMDQ_CONS, ERR, 24, 7)
REG64(EVENTQ_BASE, 0xa0)
REG64(EVENTQ_IRQ_CFG0, 0xb0)
REG32(EVENTQ_IRQ_CFG1, 0xb8)
REG32(EVENTQ_IRQ_CFG2, 0xbc)
REG64(PRIQ_BASE, 0xc0)
REG64(PRIQ_IRQ_CFG0, 0xd0)
REG32(PRIQ_IRQ_CFG1, 0xd8)
REG32(PRIQ_IRQ_CFG2, 0xdc)
/* Page 1. */
REG32(EVENTQ_PROD, 0x100a8)
REG32(EVENTQ_CONS, 0x100ac)
REG32(PRIQ_PROD, 0x100c8)
REG32(PRIQ_CONS, 0x100cc)

/* Queue *_BASE fields (spec 6.3.26, 6.3.29). */
REG64(Q_BASE, 0)
    FIELD(Q_BASE, LOG2SIZE, 0, 5)
    FIELD(Q_BASE, ADDR, 5, 51)
    FIELD(Q_BASE, RA, 62, 1)
/* Event queue PROD.OVFLG / CONS.OVACKFLG (bit 31). */
#define SMMU_EVENTQ_OVFLG (1U << 31)
/* *_IRQ_CFG0.ADDR [55:2]. */
#define SMMU_IRQ_CFG0_ADDR_MASK MAKE_64BIT_MASK(2, 54)

/* CMDQ_CONS.ERR codes (spec 7.1). */
typedef enum SMMUCmdError {
    SMMU_CERROR_NONE = 0,
    SMMU_CERROR_ILL = 1,
    SMMU_CERROR_ABT = 2,
    SMMU_CERROR_ATC_INV_SYNC = 3,
} SMMUCmdError;

/* ---- Queue index arithmetic: [log2size-1:0] index, [log2size] wrap ---- */

static inline uint32_t smmu_q_idx(const SMMUQueue *q, uint32_t v)
{
    return v & ((1U << q->log2size) - 1);
}

static inline uint32_t smmu_q_wrap(const SMMUQueue *q, uint32_t v)
{
    return (v >> q->log2size) & 1;
}

static inline bool smmu_q_empty(const SMMUQueue *q)
{
    return smmu_q_idx(q, q->prod) == smmu_q_idx(q, q->cons) &&
           smmu_q_wrap(q, q->prod) == smmu_q_wrap(q, q->cons);
}

static inline bool smmu_q_full(const SMMUQueue *q)
{
    return smmu_q_idx(q, q->prod) == smmu_q_idx(q, q->cons) &&
           smmu_q_wrap(q, q->prod) != smmu_q_wrap(q, q->cons);
}

/*
 * Address of entry idx.  The SMMU aligns the base to the queue's size,
 * 32 bytes at least, ignoring the low ADDR bits (spec 6.3.26, 6.3.29).
 */
static inline uint64_t smmu_q_entry_addr(const SMMUQueue *q, uint32_t idx)
{
    uint64_t size = MAX(32ULL, (uint64_t)q->entry_size << q->log2size);

    return ((FIELD_EX64(q->base, Q_BASE, ADDR) << 5) & ~(size - 1)) +
           (uint64_t)idx * q->entry_size;
}

/* ---- The SMMU's own memory accesses ---- */

/*
 * Attributes of every access the SMMU makes as a master (table walks,
 * queues, MSIs): its ITS DeviceID, the msi-parent cell of its node.
 */
static inline MemTxAttrs smmuv3_master_attrs(const SMMUv3State *s)
{
    return (MemTxAttrs) {
        .has_device_id = true,
        .device_id = s->msi_devid,
    };
}

/* Read n little-endian dwords at pa into w, in host order. */
static inline MemTxResult smmuv3_read_dwords(const SMMUv3State *s,
                                             uint64_t pa, uint64_t *w,
                                             unsigned n)
{
    MemTxResult r = address_space_read(&address_space_memory, pa,
                                       smmuv3_master_attrs(s), w,
                                       n * sizeof(*w));
    unsigned i;

    for (i = 0; i < n; i++) {
        w[i] = GUINT64_FROM_LE(w[i]);
    }
    return r;
}

/* ---- Commands (spec 4; dword0 = w[0], dword1 = w[1]) ---- */

typedef enum SMMUCmdOpcode {
    SMMU_CMD_PREFETCH_CONFIG = 0x01,
    SMMU_CMD_PREFETCH_ADDR = 0x02,
    SMMU_CMD_CFGI_STE = 0x03,
    SMMU_CMD_CFGI_STE_RANGE = 0x04,     /* CFGI_ALL: Range = 31 */
    SMMU_CMD_CFGI_CD = 0x05,
    SMMU_CMD_CFGI_CD_ALL = 0x06,
    SMMU_CMD_CFGI_VMS_PIDM = 0x07,
    SMMU_CMD_TLBI_NH_ALL = 0x10,
    SMMU_CMD_TLBI_NH_ASID = 0x11,
    SMMU_CMD_TLBI_NH_VA = 0x12,
    SMMU_CMD_TLBI_NH_VAA = 0x13,
    SMMU_CMD_TLBI_EL3_ALL = 0x18,
    SMMU_CMD_TLBI_EL3_VA = 0x1a,
    SMMU_CMD_TLBI_EL2_ALL = 0x20,
    SMMU_CMD_TLBI_EL2_ASID = 0x21,
    SMMU_CMD_TLBI_EL2_VA = 0x22,
    SMMU_CMD_TLBI_EL2_VAA = 0x23,
    SMMU_CMD_TLBI_S12_VMALL = 0x28,
    SMMU_CMD_TLBI_S2_IPA = 0x2a,
    SMMU_CMD_TLBI_NSNH_ALL = 0x30,
    SMMU_CMD_ATC_INV = 0x40,
    SMMU_CMD_PRI_RESP = 0x41,
    SMMU_CMD_RESUME = 0x44,
    SMMU_CMD_STALL_TERM = 0x45,
    SMMU_CMD_SYNC = 0x46,
} SMMUCmdOpcode;

REG64(CMD0, 0)
    FIELD(CMD0, OPCODE, 0, 8)
    FIELD(CMD0, SSEC, 10, 1)
    FIELD(CMD0, SSV, 11, 1)
    FIELD(CMD0, SSID, 12, 20)
    FIELD(CMD0, SID, 32, 32)
    FIELD(CMD0, NUM, 12, 5)             /* TLBI range */
    FIELD(CMD0, SCALE, 20, 5)
    FIELD(CMD0, VMID, 32, 16)
    FIELD(CMD0, ASID, 48, 16)
    FIELD(CMD0, SYNC_CS, 12, 2)
    FIELD(CMD0, SYNC_MSH, 22, 2)
    FIELD(CMD0, SYNC_MSIATTR, 24, 4)
    FIELD(CMD0, SYNC_MSIDATA, 32, 32)
REG64(CMD1, 0)
    FIELD(CMD1, LEAF, 0, 1)             /* CFGI_STE/CD, TLBI */
    FIELD(CMD1, RANGE, 0, 5)            /* CFGI_STE_RANGE */
    FIELD(CMD1, TTL, 8, 2)
    FIELD(CMD1, TG, 10, 2)
    FIELD(CMD1, ADDR, 12, 52)           /* VA [63:12]; IPA uses [55:12] */
    FIELD(CMD1, SYNC_MSIADDR, 2, 54)    /* [55:2] */

/* CMD_SYNC CS values. */
#define SMMU_SYNC_CS_NONE 0
#define SMMU_SYNC_CS_IRQ 1
#define SMMU_SYNC_CS_SEV 2

/* ---- Event records (spec 7.3; 32 bytes) ---- */

typedef struct SMMUEvent {
    SMMUEventType type;
    uint32_t sid;
    bool ssv;
    uint32_t ssid;
    uint16_t stag;
    bool stall;
    bool pnu;                   /* privileged */
    bool ind;                   /* instruction */
    bool rnw;                   /* read */
    bool s2;
    SMMUFaultClass class;
    uint64_t input_addr;
    uint64_t ipa;               /* S2 translation faults: bits [55:12] */
    uint64_t fetch_addr;        /* *_FETCH, F_WALK_EABT: bits [55:3] */
} SMMUEvent;

/* Encode ev as the 4 little-endian dwords of a record (spec 7.3). */
void smmuv3_event_encode(const SMMUEvent *ev, uint64_t rec[4]);

/* ---- hw/arm/smmuv3-evtq.c ---- */

/*
 * Append ev to the event queue if it is writable (EVENTQEN, not full,
 * no EVENTQ_ABT_ERR); when full, discard it and set PROD.OVFLG if
 * overflow is not already pending (spec 7.4); an empty -> non-empty
 * transition signals the event queue interrupt (MSI and/or wired, per
 * IRQ_CTRL and EVENTQ_IRQ_CFG*).  Returns whether it was written.
 */
bool smmuv3_record_event(SMMUv3State *s, const SMMUEvent *ev);
/*
 * Activate GERROR error bit(s) that are inactive (toggle GERROR[x]
 * where GERROR[x] == GERRORN[x]) and raise the GERROR interrupt once
 * if GERROR_IRQEN.
 */
void smmuv3_raise_gerror(SMMUv3State *s, uint32_t bits);
/*
 * Signal irq: a 32-bit MSI write of data to addr (bits [55:2]) when
 * IDR0.MSI and addr != 0, plus a pulse on the wired line.  An aborted
 * MSI activates msi_abt_gerror_bit (0: none).  Used for CMD_SYNC
 * (addr/data from the command) as well.
 */
void smmuv3_signal_irq(SMMUv3State *s, SMMUv3Irq irq, uint64_t addr,
                       uint32_t data, uint32_t msi_abt_gerror_bit);
/* Called after writes to EVENTQ_CONS (overflow acknowledge...). */
void smmuv3_eventq_cons_written(SMMUv3State *s);

/* ---- hw/arm/smmuv3-fdt.c ---- */

/*
 * At realize (s->vms, s->bus, mmio_base, first_spi, msi_devid set):
 * take a phandle and add the device tree hooks for the SMMU's node and
 * its root complex's iommu-map; unregister removes both hooks.
 */
void smmuv3_fdt_register(SMMUv3State *s);
void smmuv3_fdt_unregister(SMMUv3State *s);

/* ---- hw/arm/smmuv3-cmdq.c ---- */

/*
 * Consume commands from CONS towards PROD while CMDQEN and no CMDQ_ERR
 * is active: each completes before CONS passes it; an illegal command
 * stops the queue with CONS.ERR and GERROR.CMDQ_ERR (spec 7.1).  Called
 * on CMDQ_PROD writes, CMDQEN 0->1 and GERRORN writes.
 */
void smmuv3_cmdq_consume(SMMUv3State *s);

/* ---- hw/arm/smmuv3-tlb.c ---- */

/*
 * An IOTLB entry: one translation of a whole page or block, already
 * combined over the stages.  asid is -1 for entries without one (stage
 * 2 only, or a global stage-1 entry: nG=0); vmid is -1 where no VMID
 * tags the entry (an SMMU without stage 2).
 */
typedef struct SMMUTLBEntry {
    uint64_t iova;              /* input address, aligned to addr_mask */
    uint64_t oa;                /* output address, aligned */
    uint64_t addr_mask;
    IOMMUAccessFlags perm;
    int asid;
    int vmid;
    uint8_t granule_sz;         /* granule of the leaf */
    uint8_t level;              /* leaf level (TTL matching) */
    uint8_t stages;             /* 1: S1, 2: S2 only, 3: nested */
    uint64_t ipa;               /* S2 only: the IPA (== iova); else 0 */
    bool priv;                  /* perm is that of a privileged access */
} SMMUTLBEntry;

/* Both are idempotent: smmuv3_translate_init/destroy call them too. */
void smmu_iotlb_init(SMMUv3State *s);
void smmu_iotlb_destroy(SMMUv3State *s);
/* Current number of IOTLB entries (QOM x-iotlb-entries). */
unsigned smmu_iotlb_count(SMMUv3State *s);
/*
 * Counted lookup (iotlb_hits / iotlb_misses); NULL on a miss.  With
 * asid >= 0 it finds the stage-1 or nested entries of that ASID, or
 * global ones; with asid -1, the stage-2-only entries (input = IPA).
 * The entry stays valid until the next insert or invalidation.
 */
const SMMUTLBEntry *smmu_iotlb_lookup(SMMUv3State *s, int asid, int vmid,
                                      uint64_t iova);
/*
 * Insert e (iova and oa are aligned down to addr_mask here); asid -1
 * with stages 1 or 3 makes it global.  Replaces an entry of the same
 * tags, address and size.
 */
void smmu_iotlb_insert(SMMUv3State *s, const SMMUTLBEntry *e);
/*
 * Invalidations.  vmid -1 matches any VMID (the VMID operand is RES0 on
 * an SMMU without stage 2); asid -1 matches any ASID.  Range forms:
 * every entry overlapping [addr, addr + size) (size 0: the one address
 * addr) whose leaf level is ttl (0: any; nested entries, whose level is
 * stage 2's, ignore ttl); leaf-only is satisfied by dropping everything
 * overlapping (spec 4.4.1 allows over-invalidation).  inv_vmid_s1 and
 * inv_asid/inv_va touch stage-1 and nested entries only, inv_ipa
 * stage-2-only ones (spec 4.4.1: S2_IPA need not touch nested entries).
 */
void smmu_iotlb_inv_all(SMMUv3State *s);
void smmu_iotlb_inv_vmid(SMMUv3State *s, int vmid);       /* S12_VMALL */
void smmu_iotlb_inv_vmid_s1(SMMUv3State *s, int vmid);    /* NH_ALL */
void smmu_iotlb_inv_asid(SMMUv3State *s, int vmid, int asid);
void smmu_iotlb_inv_va(SMMUv3State *s, int vmid, int asid, uint64_t addr,
                       uint64_t size, uint8_t ttl);       /* NH_VA/VAA */
void smmu_iotlb_inv_ipa(SMMUv3State *s, int vmid, uint64_t ipa,
                        uint64_t size, uint8_t ttl);      /* S2_IPA */

/* ---- hw/arm/smmuv3-translate.c ---- */

void smmuv3_translate_init(SMMUv3State *s);     /* spaces, config cache */
void smmuv3_translate_destroy(SMMUv3State *s);
/* PCIIOMMUOps for s->bus (pci_setup_iommu(bus, &smmuv3_iommu_ops, s)). */
extern const struct PCIIOMMUOps smmuv3_iommu_ops;
/* Config cache: drop StreamIDs [first, last] (CFGI_STE*, CFGI_ALL). */
void smmuv3_config_inv_sids(SMMUv3State *s, uint32_t first, uint32_t last);
/* Drop the CD with index ssid of sid (-1: all of sid's CDs). */
void smmuv3_config_inv_cd(SMMUv3State *s, uint32_t sid, int64_t ssid);
void smmuv3_config_inv_all(SMMUv3State *s);
/*
 * Tell IOMMU notifiers (UNMAP) of every space that the mappings of
 * [iova, iova + size) may have changed (after a TLBI); size 0: all.
 */
void smmuv3_notify_unmap(SMMUv3State *s, uint64_t iova, uint64_t size);

#endif
