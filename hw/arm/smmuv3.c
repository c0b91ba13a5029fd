/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm-smmuv3 device: its QOM type and properties, the capabilities
 * they select and the ID registers that advertise them, the register
 * file of pages 0 and 1 (spec 6.2-6.3), reset, and where the device
 * sits: on the virt board at VIRT_SMMU for iommu=smmuv3, or in a slot of
 * the platform-bus window for -device arm-smmuv3,primary-bus=BUS, in
 * front of exactly one PCI root complex.  The queues, the translation
 * and the device tree live in the other smmuv3-*.c files (see
 * include/hw/arm/smmuv3.h).
 *
 * Register writes complete at once: CR0ACK and IRQ_CTRL_ACK follow the
 * written value before the write returns, GBPA.Update reads 0 straight
 * away, and a CMDQ_PROD write consumes the command queue synchronously.
 */
#include "qemu/osdep.h"
#include "hw/arm/smmuv3-internal.h"
#include "hw/arm/virt.h"
#include "hw/pci/pci.h"
#include "qemu/log.h"
#include "trace/trace-hw_arm.h"

/* IDR1 queue sizes: 2^19 entries is the architectural maximum. */
#define SMMU_QUEUE_LOG2SIZE_MAX 19
/* GBPA at reset: SHCFG = use incoming, bypass (QEMU's value). */
#define SMMU_GBPA_RESET 0x1000
/* AIDR: SMMUv3.1. */
#define SMMU_AIDR_V3_1 0x1
/* ITS DeviceID of the board SMMU's MSIs; pluggable ones count up. */
#define SMMU_MSI_DEVID_BASE 0x10000

/* Bits of the registers that mean something here (the rest RES0). */
#define SMMU_CR0_IMPL ((uint32_t)(R_CR0_SMMUEN_MASK | \
                                   R_CR0_EVENTQEN_MASK | \
                                   R_CR0_CMDQEN_MASK))
/* CR1's two Guarded groups (spec 6.3.11). */
#define SMMU_CR1_QUEUE_MASK ((uint32_t)(R_CR1_QUEUE_IC_MASK | \
                                         R_CR1_QUEUE_OC_MASK | \
                                         R_CR1_QUEUE_SH_MASK))
#define SMMU_CR1_TABLE_MASK ((uint32_t)(R_CR1_TABLE_IC_MASK | \
                                         R_CR1_TABLE_OC_MASK | \
                                         R_CR1_TABLE_SH_MASK))
#define SMMU_CR2_MASK ((uint32_t)(R_CR2_RECINVSID_MASK | R_CR2_PTM_MASK))
#define SMMU_GBPA_MASK 0x1f3f1fU
#define SMMU_IRQ_CTRL_IMPL ((uint32_t)(R_IRQ_CTRL_GERROR_IRQEN_MASK | \
                                        R_IRQ_CTRL_EVENTQ_IRQEN_MASK))
#define SMMU_GERROR_IMPL 0x1fdU
#define SMMU_IRQ_CFG2_MASK 0x3fU
#define SMMU_STRTAB_BASE_MASK (R_STRTAB_BASE_ADDR_MASK | \
                               R_STRTAB_BASE_RA_MASK)
#define SMMU_STRTAB_BASE_CFG_MASK (R_STRTAB_BASE_CFG_LOG2SIZE_MASK | \
                                   R_STRTAB_BASE_CFG_SPLIT_MASK | \
                                   R_STRTAB_BASE_CFG_FMT_MASK)
#define SMMU_Q_BASE_MASK (R_Q_BASE_LOG2SIZE_MASK | R_Q_BASE_ADDR_MASK | \
                          R_Q_BASE_RA_MASK)

/* Every realized SMMU, to name the owner of a root complex's IOMMU. */
static GSList *smmuv3_instances;

/* ---- capabilities and ID registers ---- */

static bool smmuv3_build_caps(SMMUv3State *s, Error **errp)
{
    SMMUv3Caps *c = &s->caps;
    const char *stage = s->stage ? s->stage : "nested";

    memset(c, 0, sizeof(*c));
    if (!strcmp(stage, "1")) {
        c->s1p = true;
    } else if (!strcmp(stage, "2")) {
        c->s2p = true;
    } else if (!strcmp(stage, "nested")) {
        c->s1p = c->s2p = true;
    } else {
        error_setg(errp, "stage=%s is not supported: use 1, 2 or nested",
                   stage);
        return false;
    }
    if (s->oas_prop != 44 && s->oas_prop != 48) {
        error_setg(errp, "oas=%u is not supported: use 44 or 48",
                   s->oas_prop);
        return false;
    }
    if (s->ssidsize_prop > 20) {
        error_setg(errp, "ssidsize=%u is out of range: the architecture "
                   "allows 0 (no substreams) to 20", s->ssidsize_prop);
        return false;
    }
    c->oas = s->oas_prop;
    c->sidsize = 16;
    c->ssidsize = s->ssidsize_prop;
    c->cd2l = c->ssidsize > 0;
    c->gran4k = c->gran16k = c->gran64k = true;
    c->asid16 = c->vmid16 = true;
    c->ril = s->ril;
    c->hyp = false;
    /* No stalls: faults always terminate (IDR0.STALL_MODEL=1, 6.3.1). */
    c->stall_model = 1;
    c->term_model = true;
    c->ttendian = 2;
    c->httu = 0;
    c->xnx = c->s2p;
    c->stt = false;
    c->msi = s->msi;
    return true;
}

static void smmuv3_build_idrs(SMMUv3State *s)
{
    const SMMUv3Caps *c = &s->caps;
    uint32_t v;

    v = 0;
    v = FIELD_DP32(v, IDR0, S2P, c->s2p);
    v = FIELD_DP32(v, IDR0, S1P, c->s1p);
    v = FIELD_DP32(v, IDR0, TTF, 2);            /* AArch64 tables */
    v = FIELD_DP32(v, IDR0, COHACC, 1);
    v = FIELD_DP32(v, IDR0, HTTU, c->httu);
    v = FIELD_DP32(v, IDR0, HYP, c->hyp);
    v = FIELD_DP32(v, IDR0, ASID16, c->asid16);
    v = FIELD_DP32(v, IDR0, MSI, c->msi);
    v = FIELD_DP32(v, IDR0, VMID16, c->vmid16);
    v = FIELD_DP32(v, IDR0, CD2L, c->cd2l);
    v = FIELD_DP32(v, IDR0, TTENDIAN, c->ttendian);
    v = FIELD_DP32(v, IDR0, STALL_MODEL, c->stall_model);
    v = FIELD_DP32(v, IDR0, TERM_MODEL, c->term_model);
    v = FIELD_DP32(v, IDR0, STLEVEL, 1);        /* 2-level stream tables */
    s->idr[0] = v;

    v = 0;
    v = FIELD_DP32(v, IDR1, SIDSIZE, c->sidsize);
    v = FIELD_DP32(v, IDR1, SSIDSIZE, c->ssidsize);
    v = FIELD_DP32(v, IDR1, PRIQS, 0);
    v = FIELD_DP32(v, IDR1, EVENTQS, SMMU_QUEUE_LOG2SIZE_MAX);
    v = FIELD_DP32(v, IDR1, CMDQS, SMMU_QUEUE_LOG2SIZE_MAX);
    s->idr[1] = v;

    s->idr[2] = 0;

    v = 0;
    v = FIELD_DP32(v, IDR3, HAD, 1);
    v = FIELD_DP32(v, IDR3, XNX, c->xnx);
    v = FIELD_DP32(v, IDR3, RIL, c->ril);
    v = FIELD_DP32(v, IDR3, BBML, 2);
    s->idr[3] = v;

    s->idr[4] = 0;

    v = 0;
    v = FIELD_DP32(v, IDR5, OAS, c->oas == 48 ? 5 : 4);
    v = FIELD_DP32(v, IDR5, GRAN4K, c->gran4k);
    v = FIELD_DP32(v, IDR5, GRAN16K, c->gran16k);
    v = FIELD_DP32(v, IDR5, GRAN64K, c->gran64k);
    s->idr[5] = v;

    s->iidr = 0;
    s->aidr = SMMU_AIDR_V3_1;
}

/* ---- reset ---- */

static void smmuv3_queue_reset(SMMUQueue *q, uint8_t entry_size)
{
    q->base = FIELD_DP64(0, Q_BASE, LOG2SIZE, SMMU_QUEUE_LOG2SIZE_MAX);
    q->log2size = SMMU_QUEUE_LOG2SIZE_MAX;
    q->prod = 0;
    q->cons = 0;
    q->entry_size = entry_size;
}

static void smmuv3_reset_regs(SMMUv3State *s)
{
    memset(s->cr, 0, sizeof(s->cr));
    s->cr0ack = 0;
    s->statusr = 0;
    s->gbpa = SMMU_GBPA_RESET;
    s->irq_ctrl = 0;
    s->gerror = 0;
    s->gerrorn = 0;
    s->gerror_irq_cfg0 = 0;
    s->gerror_irq_cfg1 = 0;
    s->gerror_irq_cfg2 = 0;
    s->strtab_base = 0;
    s->strtab_base_cfg = 0;
    smmuv3_queue_reset(&s->cmdq, 16);
    smmuv3_queue_reset(&s->eventq, 32);
    s->eventq_irq_cfg0 = 0;
    s->eventq_irq_cfg1 = 0;
    s->eventq_irq_cfg2 = 0;
    s->cmdq_running = false;
}

static void smmuv3_reset(DeviceState *dev)
{
    SMMUv3State *s = ARM_SMMUV3(dev);

    trace_smmuv3_reset(object_get_canonical_path_component(OBJECT(s)));
    smmuv3_reset_regs(s);
    if (s->bus) {
        smmuv3_config_inv_all(s);
        smmu_iotlb_inv_all(s);
    }
}

/* ---- register file ---- */

/* Names of the page 0 offsets (page 1 aliases them), for traces. */
static const struct {
    hwaddr offset;
    const char *name;
} smmuv3_reg_names[] = {
    { A_IDR0, "IDR0" },
    { A_IDR1, "IDR1" },
    { A_IDR2, "IDR2" },
    { A_IDR3, "IDR3" },
    { A_IDR4, "IDR4" },
    { A_IDR5, "IDR5" },
    { A_IIDR, "IIDR" },
    { A_AIDR, "AIDR" },
    { A_CR0, "CR0" },
    { A_CR0ACK, "CR0ACK" },
    { A_CR1, "CR1" },
    { A_CR2, "CR2" },
    { A_STATUSR, "STATUSR" },
    { A_GBPA, "GBPA" },
    { A_AGBPA, "AGBPA" },
    { A_IRQ_CTRL, "IRQ_CTRL" },
    { A_IRQ_CTRL_ACK, "IRQ_CTRL_ACK" },
    { A_GERROR, "GERROR" },
    { A_GERRORN, "GERRORN" },
    { A_GERROR_IRQ_CFG0, "GERROR_IRQ_CFG0" },
    { A_GERROR_IRQ_CFG0 + 4, "GERROR_IRQ_CFG0[63:32]" },
    { A_GERROR_IRQ_CFG1, "GERROR_IRQ_CFG1" },
    { A_GERROR_IRQ_CFG2, "GERROR_IRQ_CFG2" },
    { A_STRTAB_BASE, "STRTAB_BASE" },
    { A_STRTAB_BASE + 4, "STRTAB_BASE[63:32]" },
    { A_STRTAB_BASE_CFG, "STRTAB_BASE_CFG" },
    { A_CMDQ_BASE, "CMDQ_BASE" },
    { A_CMDQ_BASE + 4, "CMDQ_BASE[63:32]" },
    { A_CMDQ_PROD, "CMDQ_PROD" },
    { A_CMDQ_CONS, "CMDQ_CONS" },
    { A_EVENTQ_BASE, "EVENTQ_BASE" },
    { A_EVENTQ_BASE + 4, "EVENTQ_BASE[63:32]" },
    { A_EVENTQ_PROD & 0xffff, "EVENTQ_PROD" },
    { A_EVENTQ_CONS & 0xffff, "EVENTQ_CONS" },
    { A_EVENTQ_IRQ_CFG0, "EVENTQ_IRQ_CFG0" },
    { A_EVENTQ_IRQ_CFG0 + 4, "EVENTQ_IRQ_CFG0[63:32]" },
    { A_EVENTQ_IRQ_CFG1, "EVENTQ_IRQ_CFG1" },
    { A_EVENTQ_IRQ_CFG2, "EVENTQ_IRQ_CFG2" },
    { A_PRIQ_BASE, "PRIQ_BASE" },
    { A_PRIQ_BASE + 4, "PRIQ_BASE[63:32]" },
    { A_PRIQ_PROD & 0xffff, "PRIQ_PROD" },
    { A_PRIQ_CONS & 0xffff, "PRIQ_CONS" },
    { A_PRIQ_IRQ_CFG0, "PRIQ_IRQ_CFG0" },
    { A_PRIQ_IRQ_CFG0 + 4, "PRIQ_IRQ_CFG0[63:32]" },
    { A_PRIQ_IRQ_CFG1, "PRIQ_IRQ_CFG1" },
    { A_PRIQ_IRQ_CFG2, "PRIQ_IRQ_CFG2" },
};

static const char *smmuv3_reg_name(hwaddr off)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(smmuv3_reg_names); i++) {
        if (smmuv3_reg_names[i].offset == off) {
            return smmuv3_reg_names[i].name;
        }
    }
    return "?";
}

/* The 64-bit register starting at off, or NULL (PRIQ ones: RAZ/WI). */
static uint64_t *smmuv3_reg64(SMMUv3State *s, hwaddr off, bool *exists)
{
    *exists = true;
    switch (off) {
    case A_GERROR_IRQ_CFG0:
        return &s->gerror_irq_cfg0;
    case A_STRTAB_BASE:
        return &s->strtab_base;
    case A_CMDQ_BASE:
        return &s->cmdq.base;
    case A_EVENTQ_BASE:
        return &s->eventq.base;
    case A_EVENTQ_IRQ_CFG0:
        return &s->eventq_irq_cfg0;
    case A_PRIQ_BASE:
    case A_PRIQ_IRQ_CFG0:
        return NULL;
    default:
        *exists = false;
        return NULL;
    }
}

static bool smmuv3_smmu_enabled(const SMMUv3State *s)
{
    return FIELD_EX32(s->cr[0], CR0, SMMUEN) ||
           FIELD_EX32(s->cr0ack, CR0, SMMUEN);
}

static bool smmuv3_cr0_bit(const SMMUv3State *s, uint32_t mask)
{
    return (s->cr[0] & mask) || (s->cr0ack & mask);
}

static bool smmuv3_irq_enabled(const SMMUv3State *s, uint32_t mask)
{
    /* IRQ_CTRL_ACK always equals IRQ_CTRL here. */
    return s->irq_ctrl & mask;
}

/* Mask of a queue's PROD/CONS index and wrap bits. */
static uint32_t smmuv3_q_ptr_mask(const SMMUQueue *q)
{
    return (1U << (q->log2size + 1)) - 1;
}

static void smmuv3_ignored(SMMUv3State *s, hwaddr off, uint64_t val,
                           const char *why)
{
    qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: write 0x%" PRIx64 " to %s "
                  "ignored: %s\n", val, smmuv3_reg_name(off), why);
}

static void smmuv3_write_q_base(SMMUv3State *s, SMMUQueue *q, uint64_t val)
{
    q->base = val & SMMU_Q_BASE_MASK;
    /* Sizes above IDR1.xQS behave as IDR1.xQS (spec 6.3.26). */
    q->log2size = MIN(FIELD_EX64(q->base, Q_BASE, LOG2SIZE),
                      SMMU_QUEUE_LOG2SIZE_MAX);
    /* Keep PROD/CONS within the new size. */
    q->prod &= smmuv3_q_ptr_mask(q) | (q == &s->eventq ? SMMU_EVENTQ_OVFLG
                                                       : 0);
    q->cons &= smmuv3_q_ptr_mask(q) | (q == &s->eventq ? SMMU_EVENTQ_OVFLG
                                                       : R_CMDQ_CONS_ERR_MASK);
}

/*
 * An MSI address/data/attribute register: RES0 without IDR0.MSI, and
 * (spec 6.3.19, 6.3.31: the Guard of v3.2 on) ignored while its
 * interrupt is enabled.
 */
static bool smmuv3_irq_cfg_writable(SMMUv3State *s, hwaddr off, uint64_t val,
                                    uint32_t irqen_mask)
{
    if (!s->caps.msi) {
        return false;
    }
    if (smmuv3_irq_enabled(s, irqen_mask)) {
        smmuv3_ignored(s, off, val, "its interrupt is enabled in IRQ_CTRL");
        return false;
    }
    return true;
}

static void smmuv3_write64(SMMUv3State *s, hwaddr off, uint64_t val)
{
    switch (off) {
    case A_GERROR_IRQ_CFG0:
        if (smmuv3_irq_cfg_writable(s, off, val,
                                    R_IRQ_CTRL_GERROR_IRQEN_MASK)) {
            s->gerror_irq_cfg0 = val & SMMU_IRQ_CFG0_ADDR_MASK;
        }
        break;
    case A_EVENTQ_IRQ_CFG0:
        if (smmuv3_irq_cfg_writable(s, off, val,
                                    R_IRQ_CTRL_EVENTQ_IRQEN_MASK)) {
            s->eventq_irq_cfg0 = val & SMMU_IRQ_CFG0_ADDR_MASK;
        }
        break;
    case A_STRTAB_BASE:
        if (smmuv3_smmu_enabled(s)) {
            smmuv3_ignored(s, off, val, "SMMUEN is set (spec 6.3.24)");
            break;
        }
        s->strtab_base = val & SMMU_STRTAB_BASE_MASK;
        break;
    case A_CMDQ_BASE:
        if (smmuv3_cr0_bit(s, R_CR0_CMDQEN_MASK)) {
            smmuv3_ignored(s, off, val, "CMDQEN is set (spec 6.3.26)");
            break;
        }
        smmuv3_write_q_base(s, &s->cmdq, val);
        break;
    case A_EVENTQ_BASE:
        if (smmuv3_cr0_bit(s, R_CR0_EVENTQEN_MASK)) {
            smmuv3_ignored(s, off, val, "EVENTQEN is set (spec 6.3.29)");
            break;
        }
        smmuv3_write_q_base(s, &s->eventq, val);
        break;
    default:
        /* PRIQ_BASE, PRIQ_IRQ_CFG0: no PRI queue, RAZ/WI. */
        break;
    }
}

static void smmuv3_write_cr0(SMMUv3State *s, uint32_t val)
{
    uint32_t old = s->cr[0];

    if (val & ~SMMU_CR0_IMPL) {
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: CR0 bits 0x%x are not "
                      "implemented (no PRI, ATS or VMID wildcards)\n",
                      val & ~SMMU_CR0_IMPL);
    }
    s->cr[0] = val & SMMU_CR0_IMPL;
    /* Updates complete at once (spec 6.3.9: CR0ACK follows CR0). */
    s->cr0ack = s->cr[0];
    trace_smmuv3_cr0(old, s->cr[0]);
    if (!(old & R_CR0_CMDQEN_MASK) && (s->cr[0] & R_CR0_CMDQEN_MASK)) {
        smmuv3_cmdq_consume(s);
    }
}

/*
 * CR1 is Guarded field by field (spec 6.3.11): TABLE_* by SMMUEN,
 * QUEUE_* by every queue enable (CMDQEN, EVENTQEN; there is no PRI
 * queue).  As from v3.2, a write to a field whose guard is closed is
 * ignored, and the other fields still take the write.
 */
static void smmuv3_write_cr1(SMMUv3State *s, uint32_t val)
{
    uint32_t closed = 0;

    if (smmuv3_smmu_enabled(s)) {
        closed |= SMMU_CR1_TABLE_MASK;
    }
    if (smmuv3_cr0_bit(s, R_CR0_CMDQEN_MASK | R_CR0_EVENTQEN_MASK)) {
        closed |= SMMU_CR1_QUEUE_MASK;
    }
    if ((val ^ s->cr[1]) & closed) {
        smmuv3_ignored(s, A_CR1, val, "in part: TABLE_* are Guarded by "
                       "SMMUEN, QUEUE_* by the queue enables (spec 6.3.11)");
    }
    s->cr[1] = (s->cr[1] & closed) |
               (val & (SMMU_CR1_QUEUE_MASK | SMMU_CR1_TABLE_MASK) & ~closed);
}

static void smmuv3_write_gbpa(SMMUv3State *s, uint32_t val)
{
    /*
     * Spec 6.3.14 (v3.2 on): only a write with Update=1 changes GBPA;
     * the update completes at once, so Update never reads as 1.
     */
    if (!FIELD_EX32(val, GBPA, UPDATE)) {
        smmuv3_ignored(s, A_GBPA, val, "Update is 0 (spec 6.3.14)");
        return;
    }
    s->gbpa = val & SMMU_GBPA_MASK;
    trace_smmuv3_gbpa(s->gbpa);
}

static void smmuv3_write_gerrorn(SMMUv3State *s, uint32_t val)
{
    uint32_t toggled = (val ^ s->gerrorn) & SMMU_GERROR_IMPL;
    uint32_t active = s->gerror ^ s->gerrorn;

    /*
     * Spec 6.3.18: toggling an inactive error is CONSTRAINED
     * UNPREDICTABLE; this model does not activate it.
     */
    if (toggled & ~active) {
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: GERRORN write 0x%x "
                      "toggles inactive errors 0x%x (ignored)\n", val,
                      toggled & ~active);
    }
    s->gerrorn ^= toggled & active;
    trace_smmuv3_gerrorn(s->gerror, s->gerrorn);
    /* CMDQ_ERR acknowledged: processing resumes at CONS (spec 7.1). */
    smmuv3_cmdq_consume(s);
}

static void smmuv3_write32(SMMUv3State *s, hwaddr off, uint32_t val)
{
    uint32_t m;

    switch (off) {
    case A_CR0:
        smmuv3_write_cr0(s, val);
        break;
    case A_CR1:
        smmuv3_write_cr1(s, val);
        break;
    case A_CR2:
        if (smmuv3_smmu_enabled(s)) {
            smmuv3_ignored(s, off, val, "SMMUEN is set (spec 6.3.12)");
            break;
        }
        s->cr[2] = val & SMMU_CR2_MASK;
        break;
    case A_GBPA:
        smmuv3_write_gbpa(s, val);
        break;
    case A_IRQ_CTRL:
        s->irq_ctrl = val & SMMU_IRQ_CTRL_IMPL;
        break;
    case A_GERRORN:
        smmuv3_write_gerrorn(s, val);
        break;
    case A_GERROR_IRQ_CFG1:
        if (smmuv3_irq_cfg_writable(s, off, val,
                                    R_IRQ_CTRL_GERROR_IRQEN_MASK)) {
            s->gerror_irq_cfg1 = val;
        }
        break;
    case A_GERROR_IRQ_CFG2:
        if (smmuv3_irq_cfg_writable(s, off, val,
                                    R_IRQ_CTRL_GERROR_IRQEN_MASK)) {
            s->gerror_irq_cfg2 = val & SMMU_IRQ_CFG2_MASK;
        }
        break;
    case A_STRTAB_BASE_CFG:
        if (smmuv3_smmu_enabled(s)) {
            smmuv3_ignored(s, off, val, "SMMUEN is set (spec 6.3.25)");
            break;
        }
        s->strtab_base_cfg = val & SMMU_STRTAB_BASE_CFG_MASK;
        break;
    case A_CMDQ_PROD:
        s->cmdq.prod = val & smmuv3_q_ptr_mask(&s->cmdq);
        smmuv3_cmdq_consume(s);
        break;
    case A_CMDQ_CONS:
        if (smmuv3_cr0_bit(s, R_CR0_CMDQEN_MASK)) {
            smmuv3_ignored(s, off, val, "CMDQEN is set (spec 6.3.28)");
            break;
        }
        s->cmdq.cons = val & (smmuv3_q_ptr_mask(&s->cmdq) |
                              R_CMDQ_CONS_ERR_MASK);
        break;
    case A_EVENTQ_PROD & 0xffff:
        /* The SMMU's pointer: software sets it up while disabled. */
        if (smmuv3_cr0_bit(s, R_CR0_EVENTQEN_MASK)) {
            smmuv3_ignored(s, off, val, "EVENTQEN is set (spec 6.3.30)");
            break;
        }
        m = smmuv3_q_ptr_mask(&s->eventq) | SMMU_EVENTQ_OVFLG;
        s->eventq.prod = val & m;
        break;
    case A_EVENTQ_CONS & 0xffff:
        m = smmuv3_q_ptr_mask(&s->eventq) | SMMU_EVENTQ_OVFLG;
        s->eventq.cons = val & m;
        smmuv3_eventq_cons_written(s);
        break;
    case A_EVENTQ_IRQ_CFG1:
        if (smmuv3_irq_cfg_writable(s, off, val,
                                    R_IRQ_CTRL_EVENTQ_IRQEN_MASK)) {
            s->eventq_irq_cfg1 = val;
        }
        break;
    case A_EVENTQ_IRQ_CFG2:
        if (smmuv3_irq_cfg_writable(s, off, val,
                                    R_IRQ_CTRL_EVENTQ_IRQEN_MASK)) {
            s->eventq_irq_cfg2 = val & SMMU_IRQ_CFG2_MASK;
        }
        break;
    case A_PRIQ_PROD & 0xffff:
    case A_PRIQ_CONS & 0xffff:
    case A_PRIQ_IRQ_CFG1:
    case A_PRIQ_IRQ_CFG2:
    case A_AGBPA:
        /* No PRI queue; AGBPA not implemented: RAZ/WI. */
        break;
    case A_IDR0:
    case A_IDR1:
    case A_IDR2:
    case A_IDR3:
    case A_IDR4:
    case A_IDR5:
    case A_IIDR:
    case A_AIDR:
    case A_CR0ACK:
    case A_STATUSR:
    case A_IRQ_CTRL_ACK:
    case A_GERROR:
        smmuv3_ignored(s, off, val, "read-only register");
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: write 0x%x to "
                      "unimplemented offset 0x%" HWADDR_PRIx "\n", val, off);
        break;
    }
}

static uint32_t smmuv3_read32(SMMUv3State *s, hwaddr off)
{
    switch (off) {
    case A_IDR0 ... A_IDR5:
        return s->idr[(off - A_IDR0) / 4];
    case A_IIDR:
        return s->iidr;
    case A_AIDR:
        return s->aidr;
    case A_CR0:
        return s->cr[0];
    case A_CR0ACK:
        return s->cr0ack;
    case A_CR1:
        return s->cr[1];
    case A_CR2:
        return s->cr[2];
    case A_STATUSR:
        return s->statusr;
    case A_GBPA:
        return s->gbpa;
    case A_IRQ_CTRL:
    case A_IRQ_CTRL_ACK:
        return s->irq_ctrl;
    case A_GERROR:
        return s->gerror;
    case A_GERRORN:
        return s->gerrorn;
    case A_GERROR_IRQ_CFG1:
        return s->gerror_irq_cfg1;
    case A_GERROR_IRQ_CFG2:
        return s->gerror_irq_cfg2;
    case A_STRTAB_BASE_CFG:
        return s->strtab_base_cfg;
    case A_CMDQ_PROD:
        return s->cmdq.prod;
    case A_CMDQ_CONS:
        return s->cmdq.cons;
    case A_EVENTQ_PROD & 0xffff:
        return s->eventq.prod;
    case A_EVENTQ_CONS & 0xffff:
        return s->eventq.cons;
    case A_EVENTQ_IRQ_CFG1:
        return s->eventq_irq_cfg1;
    case A_EVENTQ_IRQ_CFG2:
        return s->eventq_irq_cfg2;
    case A_AGBPA:
    case A_PRIQ_PROD & 0xffff:
    case A_PRIQ_CONS & 0xffff:
    case A_PRIQ_IRQ_CFG1:
    case A_PRIQ_IRQ_CFG2:
        return 0;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: read of unimplemented "
                      "offset 0x%" HWADDR_PRIx "\n", off);
        return 0;
    }
}

/*
 * Page 1 aliases page 0 (spec 6.2 lets undefined page 1 offsets do so;
 * QEMU does the same), so the page 1 queue pointers are also at their
 * page 0 offsets.
 */
static hwaddr smmuv3_page_offset(hwaddr addr)
{
    return addr & 0xffff;
}

static bool smmuv3_access_ok(hwaddr addr, unsigned size, bool write)
{
    if ((size != 4 && size != 8) || (addr & (size - 1))) {
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: %u-byte %s at 0x%"
                      HWADDR_PRIx ": only aligned 32- and 64-bit accesses "
                      "are supported\n", size, write ? "write" : "read",
                      addr);
        return false;
    }
    return true;
}

static MemTxResult smmuv3_mmio_read(void *opaque, hwaddr addr,
                                    uint64_t *data, unsigned size,
                                    MemTxAttrs attrs)
{
    SMMUv3State *s = opaque;
    hwaddr off = smmuv3_page_offset(addr);
    hwaddr base = off & ~7ULL;
    uint64_t *r64;
    bool is64;

    *data = 0;
    if (!smmuv3_access_ok(addr, size, false)) {
        return MEMTX_OK;
    }
    r64 = smmuv3_reg64(s, base, &is64);
    if (is64) {
        uint64_t v = r64 ? *r64 : 0;

        *data = size == 8 ? v : extract64(v, (off - base) * 8, 32);
    } else if (size == 8) {
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: 64-bit read of 32-bit "
                      "register %s (0x%" HWADDR_PRIx ")\n",
                      smmuv3_reg_name(off), addr);
    } else {
        *data = smmuv3_read32(s, off);
    }
    trace_smmuv3_read_mmio(addr, *data, size, smmuv3_reg_name(off));
    return MEMTX_OK;
}

static MemTxResult smmuv3_mmio_write(void *opaque, hwaddr addr,
                                     uint64_t data, unsigned size,
                                     MemTxAttrs attrs)
{
    SMMUv3State *s = opaque;
    hwaddr off = smmuv3_page_offset(addr);
    hwaddr base = off & ~7ULL;
    uint64_t *r64;
    bool is64;

    if (!smmuv3_access_ok(addr, size, true)) {
        return MEMTX_OK;
    }
    trace_smmuv3_write_mmio(addr, data, size, smmuv3_reg_name(off));
    r64 = smmuv3_reg64(s, base, &is64);
    if (is64) {
        uint64_t v = r64 ? *r64 : 0;

        /* One half at a time as well as whole (spec 6.2). */
        v = size == 8 ? data : deposit64(v, (off - base) * 8, 32, data);
        smmuv3_write64(s, base, v);
    } else if (size == 8) {
        qemu_log_mask(LOG_GUEST_ERROR, "arm-smmuv3: 64-bit write of 32-bit "
                      "register %s (0x%" HWADDR_PRIx ") ignored\n",
                      smmuv3_reg_name(off), addr);
    } else {
        smmuv3_write32(s, off, data);
    }
    return MEMTX_OK;
}

/* Every size reaches the callbacks so that bad ones are logged. */
static const MemoryRegionOps smmuv3_mmio_ops = {
    .read_with_attrs = smmuv3_mmio_read,
    .write_with_attrs = smmuv3_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 1,
    .valid.max_access_size = 8,
    .valid.unaligned = true,
    .impl.min_access_size = 1,
    .impl.max_access_size = 8,
    .impl.unaligned = true,
};

/* ---- placement ---- */

static int smmuv3_find_virtio_iommu(Object *obj, void *opaque)
{
    const char **found = opaque;

    if (g_str_has_prefix(object_get_typename(obj), "virtio-iommu")) {
        *found = object_get_typename(obj);
        return 1;
    }
    return 0;
}

/* Who already translates bus: a name for the error message. */
static char *smmuv3_iommu_owner(PCIBus *bus)
{
    GSList *l;

    for (l = smmuv3_instances; l; l = l->next) {
        SMMUv3State *o = l->data;

        if (o->bus == bus) {
            DeviceState *d = DEVICE(o);
            g_autofree char *path = NULL;

            if (d->id) {
                return g_strdup_printf("arm-smmuv3 '%s'", d->id);
            }
            path = object_get_canonical_path(OBJECT(o));
            return g_strdup_printf("arm-smmuv3 %s", path);
        }
    }
    return g_strdup("another IOMMU");
}

static bool smmuv3_check_placement(SMMUv3State *s, PCIBus **pbus,
                                   Error **errp)
{
    const char *virtio_iommu = NULL;
    g_autofree char *owner = NULL;
    PCIBus *bus;

    s->vms = virt_machine_get();
    if (!s->vms) {
        error_setg(errp, "arm-smmuv3 needs the virt machine (-M virt)");
        return false;
    }
    if (!s->board_owned && s->vms->iommu == VIRT_IOMMU_SMMUV3) {
        error_setg(errp, "-device arm-smmuv3 cannot be combined with "
                   "-machine virt,iommu=smmuv3, which already puts an SMMU "
                   "on pcie.0");
        error_append_hint(errp, "Use iommu=none and one -device arm-smmuv3 "
                          "per root complex instead.\n");
        return false;
    }
    object_child_foreach_recursive(object_get_root(),
                                   smmuv3_find_virtio_iommu, &virtio_iommu);
    if (virtio_iommu) {
        error_setg(errp, "arm-smmuv3 cannot be combined with %s: the "
                   "machine can have one kind of IOMMU", virtio_iommu);
        return false;
    }
    if (!s->primary_bus) {
        error_setg(errp, "primary-bus is required: name the PCI root "
                   "complex the SMMU translates (pcie.0 or a pxb-pcie bus)");
        return false;
    }
    bus = pci_root_bus_by_name(s->primary_bus, errp);
    if (!bus) {
        return false;
    }
    if (bus->iommu_ops) {
        owner = smmuv3_iommu_owner(bus);
        error_setg(errp, "Bus '%s' already has an IOMMU (%s): one SMMU per "
                   "root complex", s->primary_bus, owner);
        return false;
    }
    *pbus = bus;
    return true;
}

/* Take MMIO, SPIs and the MSI DeviceID; map and wire the device. */
static bool smmuv3_place(SMMUv3State *s, Error **errp)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(s);
    VirtMachineState *vms = s->vms;
    unsigned i;

    if (s->board_owned) {
        s->mmio_base = vms->memmap[VIRT_SMMU].base;
        s->first_spi = VIRT_SPI_SMMU;
        s->msi_devid = SMMU_MSI_DEVID_BASE;
    } else {
        if (!virt_platform_alloc(vms, SMMUV3_MMIO_SIZE, SMMU_IRQ__MAX,
                                 &s->mmio_base, &s->first_spi, errp)) {
            error_prepend(errp, "arm-smmuv3: ");
            return false;
        }
        /* Slot n of the window (from 1): DeviceID 0x10000 + n. */
        s->msi_devid = SMMU_MSI_DEVID_BASE + 1 +
            (s->mmio_base - vms->memmap[VIRT_PLATFORM_BUS].base) /
            SMMUV3_MMIO_SIZE;
    }
    sysbus_mmio_map(sbd, 0, s->mmio_base);
    for (i = 0; i < SMMU_IRQ__MAX; i++) {
        sysbus_connect_irq(sbd, i, virt_get_spi(vms, s->first_spi + i));
    }
    return true;
}

static void smmuv3_unplace(SMMUv3State *s)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(s);
    unsigned i;

    for (i = 0; i < SMMU_IRQ__MAX; i++) {
        sysbus_connect_irq(sbd, i, NULL);
    }
    sysbus_mmio_unmap(sbd, 0);
    if (!s->board_owned) {
        virt_platform_free(s->vms, s->mmio_base, SMMUV3_MMIO_SIZE,
                           s->first_spi, SMMU_IRQ__MAX);
    }
}

/* ---- realize / unrealize ---- */

static DeviceUnrealize smmuv3_parent_unrealize;

static bool smmuv3_realize(DeviceState *dev, Error **errp)
{
    SMMUv3State *s = ARM_SMMUV3(dev);
    PCIBus *bus = NULL;

    if (!smmuv3_build_caps(s, errp) ||
        !smmuv3_check_placement(s, &bus, errp) ||
        !smmuv3_place(s, errp)) {
        s->vms = NULL;
        return false;
    }
    smmuv3_build_idrs(s);
    smmuv3_reset_regs(s);
    s->iotlb_hits = s->iotlb_misses = 0;
    s->config_hits = s->config_misses = 0;
    s->events_recorded = s->events_lost = 0;

    object_ref(OBJECT(bus));
    s->bus = bus;
    smmu_iotlb_init(s);
    smmuv3_translate_init(s);
    pci_setup_iommu(bus, &smmuv3_iommu_ops, s);

    smmuv3_fdt_register(s);
    smmuv3_instances = g_slist_prepend(smmuv3_instances, s);
    trace_smmuv3_realize(bus->qbus.name, s->stage ? s->stage : "nested",
                         s->caps.oas, s->mmio_base, s->first_spi,
                         s->msi_devid);
    return true;
}

static void smmuv3_unrealize(DeviceState *dev)
{
    SMMUv3State *s = ARM_SMMUV3(dev);

    trace_smmuv3_unrealize(s->bus->qbus.name);
    /* Functions go back to system memory before their spaces go. */
    pci_clear_iommu(s->bus);
    smmuv3_instances = g_slist_remove(smmuv3_instances, s);
    smmuv3_fdt_unregister(s);
    smmuv3_translate_destroy(s);
    smmu_iotlb_destroy(s);
    object_unref(OBJECT(s->bus));
    s->bus = NULL;
    smmuv3_unplace(s);
    s->vms = NULL;
    smmuv3_parent_unrealize(dev);
}

/* ---- QOM ---- */

static JsonNode *smmuv3_get_counter(Object *obj, ObjectProperty *prop,
                                    Error **errp)
{
    SMMUv3State *s = ARM_SMMUV3(obj);
    const char *name = prop->name;
    uint64_t v = 0;

    if (!strcmp(name, "x-iotlb-hits")) {
        v = s->iotlb_hits;
    } else if (!strcmp(name, "x-iotlb-misses")) {
        v = s->iotlb_misses;
    } else if (!strcmp(name, "x-config-hits")) {
        v = s->config_hits;
    } else if (!strcmp(name, "x-config-misses")) {
        v = s->config_misses;
    } else if (!strcmp(name, "x-events-recorded")) {
        v = s->events_recorded;
    } else if (!strcmp(name, "x-events-lost")) {
        v = s->events_lost;
    } else if (!strcmp(name, "x-iotlb-entries")) {
        v = s->iotlb ? smmu_iotlb_count(s) : 0;
    }
    return json_node_init_int(json_node_alloc(), (gint64)v);
}

static const char *const smmuv3_counters[] = {
    "x-iotlb-hits", "x-iotlb-misses", "x-iotlb-entries",
    "x-config-hits", "x-config-misses",
    "x-events-recorded", "x-events-lost",
};

static void smmuv3_instance_init(Object *obj)
{
    SMMUv3State *s = ARM_SMMUV3(obj);
    SysBusDevice *sbd = SYS_BUS_DEVICE(obj);
    unsigned i;

    memory_region_init_io(&s->iomem, obj, &smmuv3_mmio_ops, s, "smmuv3",
                          SMMUV3_MMIO_SIZE);
    sysbus_init_mmio(sbd, &s->iomem);
    for (i = 0; i < SMMU_IRQ__MAX; i++) {
        sysbus_init_irq(sbd, &s->irq[i]);
    }
}

static void smmuv3_instance_finalize(Object *obj)
{
    memory_region_destroy(&ARM_SMMUV3(obj)->iomem);
}

static const Property smmuv3_props[] = {
    DEFINE_PROP_STRING("primary-bus", SMMUv3State, primary_bus, NULL,
                       "PCI root complex translated (pcie.0 or a pxb-pcie "
                       "bus)"),
    DEFINE_PROP_STRING("stage", SMMUv3State, stage, "nested",
                       "Translation stages: 1, 2 or nested (both)"),
    DEFINE_PROP_UINT8("oas", SMMUv3State, oas_prop, 44,
                      "Output address size in bits: 44 or 48"),
    DEFINE_PROP_BOOL("ril", SMMUv3State, ril, true,
                     "Range invalidation (IDR3.RIL)"),
    DEFINE_PROP_UINT8("ssidsize", SMMUv3State, ssidsize_prop, 0,
                      "SubstreamID bits, 0 (none) to 20 (IDR1.SSIDSIZE)"),
    DEFINE_PROP_BOOL("msi", SMMUv3State, msi, true,
                     "MSIs for the SMMU's own interrupts (IDR0.MSI)"),
    { NULL }
};

static void smmuv3_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    size_t i;

    dc->desc = "Arm SMMUv3 (emulated) in front of a PCI root complex";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    dc->hotpluggable = false;
    dc->realize = smmuv3_realize;
    smmuv3_parent_unrealize = dc->unrealize;
    dc->unrealize = smmuv3_unrealize;
    dc->reset = smmuv3_reset;
    object_class_add_props(oc, smmuv3_props);
    for (i = 0; i < ARRAY_SIZE(smmuv3_counters); i++) {
        object_class_property_add(oc, smmuv3_counters[i], "uint64",
                                  smmuv3_get_counter, NULL, NULL, NULL);
    }
}

static const TypeInfo smmuv3_types[] = {
    {
        .name = TYPE_ARM_SMMUV3,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(SMMUv3State),
        .instance_init = smmuv3_instance_init,
        .instance_finalize = smmuv3_instance_finalize,
        .class_init = smmuv3_class_init,
    },
};

DEFINE_TYPES(smmuv3_types)
