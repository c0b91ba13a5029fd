/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3 command queue (spec 4, 7.1): fetches the 16-byte commands
 * between CMDQ_CONS and CMDQ_PROD from guest memory, checks each against
 * what this SMMU implements, and carries it out before CONS passes it:
 * configuration invalidations go to the config cache
 * (smmuv3-translate.c), TLB invalidations to the IOTLB (smmuv3-tlb.c)
 * and the IOMMU notifiers, CMD_SYNC signals its completion.  An illegal
 * command or a fetch abort stops the queue on that command with
 * CMDQ_CONS.ERR and GERROR.CMDQ_ERR until software acknowledges it.
 * Commands run synchronously, inside the MMIO write that made them
 * visible (CMDQ_PROD, CR0.CMDQEN, GERRORN), so a CMD_SYNC is complete
 * by the time the guest can look.  One sorted table describes every
 * opcode: its name, what the SMMU must implement for it to be legal and
 * the function that carries it out.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/arm/smmuv3-internal.h"
#include "trace/trace-hw_arm.h"

/* A command as fetched: dword0, dword1 in host order. */
typedef struct SMMUCmd {
    uint64_t w[2];
    uint32_t index;             /* CONS.RD it was fetched at (for logs) */
} SMMUCmd;

/*
 * What a command leaves to do once CONS has passed it: CMD_SYNC's
 * interrupt must not be observable before the CONS update it announces
 * (spec 3.18, 4.7.3).
 */
typedef struct SMMUCmdDone {
    bool sync_irq;
    uint64_t msi_addr;
    uint32_t msi_data;
} SMMUCmdDone;

typedef SMMUCmdError (*SMMUCmdExec)(SMMUv3State *s, const SMMUCmd *cmd,
                                    SMMUCmdDone *done);

/* What an opcode needs to be legal on this (Non-secure) queue. */
enum {
    SMMU_CMDF_S1 = 1 << 0,      /* IDR0.S1P (spec 4.3.3, 4.3.4, 4.4.2) */
    SMMU_CMDF_S2 = 1 << 1,      /* IDR0.S2P (spec 4.4.3) */
    SMMU_CMDF_HYP = 1 << 2,     /* IDR0.Hyp (spec 4.4.2.7-10) */
    SMMU_CMDF_ATS = 1 << 3,     /* IDR0.ATS (spec 4.5) */
    SMMU_CMDF_PRI = 1 << 4,     /* IDR0.PRI (spec 4.6) */
    SMMU_CMDF_STALL = 1 << 5,   /* IDR0.STALL_MODEL != 1 (spec 4.7) */
    SMMU_CMDF_NEVER = 1 << 6,   /* Secure queue only / feature we lack */
    SMMU_CMDF_SSEC = 1 << 7,    /* has an SSec field (spec 4.1.6) */
};

typedef struct SMMUCmdInfo {
    const char *name;           /* NULL: reserved opcode */
    unsigned flags;             /* SMMU_CMDF_* */
    SMMUCmdExec exec;           /* NULL: nothing to do */
} SMMUCmdInfo;

/* ---- operands ---- */

static uint32_t smmu_cmd_sid(const SMMUCmd *cmd)
{
    return FIELD_EX64(cmd->w[0], CMD0, SID);
}

/*
 * The VMID operand of a TLBI: RES0 and ignored on an SMMU without stage
 * 2 (spec 4.4.2), where entries carry no VMID: -1 matches them all.
 */
static int smmu_cmd_vmid(SMMUv3State *s, const SMMUCmd *cmd)
{
    return s->caps.s2p ? (int)FIELD_EX64(cmd->w[0], CMD0, VMID) : -1;
}

static int smmu_cmd_asid(const SMMUCmd *cmd)
{
    return FIELD_EX64(cmd->w[0], CMD0, ASID);
}

/*
 * A StreamID beyond IDR1.SIDSIZE is out of range: spec 4.1.7 lets the
 * command have no effect (and prefetches must not fail, spec 4.2), so
 * it is consumed without effect, not reported as CERROR_ILL.
 */
static bool smmu_cmd_sid_valid(SMMUv3State *s, const SMMUCmd *cmd,
                               const char *name)
{
    uint32_t sid = smmu_cmd_sid(cmd);

    if (s->caps.sidsize < 32 && sid >> s->caps.sidsize) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: %s: StreamID 0x%x is out "
                      "of range (SIDSIZE %u); no effect\n", name, sid,
                      s->caps.sidsize);
        return false;
    }
    return true;
}

/* The address range of a TLBI_NH_VA/VAA or TLBI_S2_IPA (spec 4.4.1.1). */
typedef struct SMMUTLBIRange {
    uint64_t addr;
    uint64_t size;
    uint8_t tg;
    uint8_t ttl;                /* 0: any level */
    bool leaf;
} SMMUTLBIRange;

static bool smmu_granule_supported(SMMUv3State *s, unsigned tg)
{
    switch (tg) {
    case 1:
        return s->caps.gran4k;
    case 2:
        return s->caps.gran16k;
    case 3:
        return s->caps.gran64k;
    default:
        return false;
    }
}

/*
 * Decode the range operands; false (CERROR_ILL) with *why for the
 * reserved encodings.  ipa: the address is an IPA, bits [55:12].
 */
static bool smmu_cmd_tlbi_range(SMMUv3State *s, const SMMUCmd *cmd,
                                bool ipa, SMMUTLBIRange *r, const char **why)
{
    unsigned num = FIELD_EX64(cmd->w[0], CMD0, NUM);
    unsigned scale = FIELD_EX64(cmd->w[0], CMD0, SCALE);
    unsigned granule_bits;

    r->addr = FIELD_EX64(cmd->w[1], CMD1, ADDR) << 12;
    if (ipa) {
        r->addr &= MAKE_64BIT_MASK(0, 56);
    }
    r->leaf = FIELD_EX64(cmd->w[1], CMD1, LEAF);
    r->tg = FIELD_EX64(cmd->w[1], CMD1, TG);
    r->ttl = FIELD_EX64(cmd->w[1], CMD1, TTL);

    /*
     * Without IDR3.RIL, TG, TTL, NUM and SCALE are RES0 (spec 4.4.1.1):
     * they are ignored, not checked (spec 4.1.5 allows either), and the
     * command is the single-address form.
     */
    if (!s->caps.ril || r->tg == 0) {
        /*
         * Single address: every entry, of any granule and level, that
         * holds the address.  The address is 4K-aligned and the smallest
         * entry is 4K, so [addr, addr + 4K) overlaps exactly those.
         */
        r->tg = 0;
        r->ttl = 0;
        r->size = 1ULL << 12;
        return true;
    }
    /*
     * The spec lists no error for a TG this SMMU cannot have inserted
     * entries with (it would simply match nothing); we report it as an
     * invalid parameter (spec 4.1.3), which is what a driver bug deserves.
     */
    if (!smmu_granule_supported(s, r->tg)) {
        *why = "translation granule (TG) not supported";
        return false;
    }
    /* 16K granule, TTL=1 without IDR5.DS is treated as TTL=0 (4.4.1.1). */
    if (r->tg == 2 && r->ttl == 1) {
        r->ttl = 0;
    }
    if (num == 0 && scale == 0 && r->ttl == 0) {
        *why = "range with NUM=SCALE=TTL=0 is reserved";
        return false;
    }
    /*
     * Range = (NUM + 1) * 2^SCALE granules: at most 2^5 * 2^31 * 2^16
     * bytes, so no overflow; the range does not wrap past the top of
     * the address space (spec 4.4.1.1).
     */
    granule_bits = 2 * r->tg + 10;
    r->size = ((uint64_t)num + 1) << scale << granule_bits;
    if (r->addr + r->size < r->addr) {
        r->size = -r->addr;
    }
    return true;
}

/* ---- prefetch (spec 4.2): hints, consumed without effect ---- */

static SMMUCmdError smmu_cmd_prefetch(SMMUv3State *s, const SMMUCmd *cmd,
                                      SMMUCmdDone *done)
{
    smmu_cmd_sid_valid(s, cmd, "CMD_PREFETCH");
    trace_smmuv3_cmdq_prefetch(smmu_cmd_sid(cmd),
                               FIELD_EX64(cmd->w[0], CMD0, SSV),
                               FIELD_EX64(cmd->w[0], CMD0, SSID));
    return SMMU_CERROR_NONE;
}

/* ---- configuration invalidation (spec 4.3) ---- */

static SMMUCmdError smmu_cmd_cfgi_ste(SMMUv3State *s, const SMMUCmd *cmd,
                                      SMMUCmdDone *done)
{
    uint32_t sid = smmu_cmd_sid(cmd);

    /* Leaf only narrows the scope; we always drop the L1STD too. */
    trace_smmuv3_cmdq_cfgi_ste(sid, FIELD_EX64(cmd->w[1], CMD1, LEAF));
    if (smmu_cmd_sid_valid(s, cmd, "CMD_CFGI_STE")) {
        smmuv3_config_inv_sids(s, sid, sid);
    }
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_cfgi_ste_range(SMMUv3State *s,
                                            const SMMUCmd *cmd,
                                            SMMUCmdDone *done)
{
    unsigned range = FIELD_EX64(cmd->w[1], CMD1, RANGE);
    uint64_t n, first, last, limit;

    /* Range 31 is CMD_CFGI_ALL: the StreamID is ignored (spec 4.3.6). */
    if (range == 31) {
        trace_smmuv3_cmdq_cfgi_all();
        smmuv3_config_inv_all(s);
        return SMMU_CERROR_NONE;
    }
    /* 2^(Range+1) StreamIDs, aligned to their size (spec 4.3.2). */
    n = 1ULL << (range + 1);
    first = smmu_cmd_sid(cmd) & ~(n - 1);
    last = first + n - 1;
    trace_smmuv3_cmdq_cfgi_ste_range(first, last);
    limit = (1ULL << s->caps.sidsize) - 1;
    if (first > limit) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: CMD_CFGI_STE_RANGE: "
                      "StreamIDs 0x%" PRIx64 "-0x%" PRIx64 " are out of "
                      "range (SIDSIZE %u); no effect\n", first, last,
                      s->caps.sidsize);
        return SMMU_CERROR_NONE;
    }
    smmuv3_config_inv_sids(s, first, MIN(last, limit));
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_cfgi_cd(SMMUv3State *s, const SMMUCmd *cmd,
                                     SMMUCmdDone *done)
{
    uint32_t sid = smmu_cmd_sid(cmd);
    uint32_t ssid = FIELD_EX64(cmd->w[0], CMD0, SSID);

    trace_smmuv3_cmdq_cfgi_cd(sid, ssid, FIELD_EX64(cmd->w[1], CMD1, LEAF));
    if (!smmu_cmd_sid_valid(s, cmd, "CMD_CFGI_CD")) {
        return SMMU_CERROR_NONE;
    }
    /*
     * An SSID beyond IDR1.SSIDSIZE is out of range (spec 4.3.3, 4.1.7):
     * no effect.
     */
    if (ssid >> s->caps.ssidsize) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: CMD_CFGI_CD: SubstreamID "
                      "0x%x is out of range (SSIDSIZE %u); no effect\n",
                      ssid, s->caps.ssidsize);
        return SMMU_CERROR_NONE;
    }
    smmuv3_config_inv_cd(s, sid, ssid);
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_cfgi_cd_all(SMMUv3State *s, const SMMUCmd *cmd,
                                         SMMUCmdDone *done)
{
    uint32_t sid = smmu_cmd_sid(cmd);

    trace_smmuv3_cmdq_cfgi_cd_all(sid);
    if (smmu_cmd_sid_valid(s, cmd, "CMD_CFGI_CD_ALL")) {
        smmuv3_config_inv_cd(s, sid, -1);
    }
    return SMMU_CERROR_NONE;
}

/* ---- TLB invalidation (spec 4.4) ---- */

static SMMUCmdError smmu_cmd_tlbi_nh_all(SMMUv3State *s, const SMMUCmd *cmd,
                                         SMMUCmdDone *done)
{
    int vmid = smmu_cmd_vmid(s, cmd);

    trace_smmuv3_cmdq_tlbi_nh(vmid);
    smmu_iotlb_inv_vmid_s1(s, vmid);
    smmuv3_notify_unmap(s, 0, 0);
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_tlbi_nh_asid(SMMUv3State *s, const SMMUCmd *cmd,
                                          SMMUCmdDone *done)
{
    int vmid = smmu_cmd_vmid(s, cmd);
    int asid = smmu_cmd_asid(cmd);

    trace_smmuv3_cmdq_tlbi_nh_asid(vmid, asid);
    smmu_iotlb_inv_asid(s, vmid, asid);
    smmuv3_notify_unmap(s, 0, 0);
    return SMMU_CERROR_NONE;
}

/*
 * TLBI_NH_VA, TLBI_NH_VAA: by VA, for one ASID (and global entries) or
 * for all.  Leaf=1 and TG only narrow what must go; dropping every
 * overlapping entry is allowed over-invalidation (spec 4.4).
 */
static SMMUCmdError smmu_cmd_tlbi_nh_va_common(SMMUv3State *s,
                                               const SMMUCmd *cmd, int asid,
                                               const char *name)
{
    int vmid = smmu_cmd_vmid(s, cmd);
    SMMUTLBIRange r;
    const char *why;

    if (!smmu_cmd_tlbi_range(s, cmd, false, &r, &why)) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: %s: %s\n", name, why);
        return SMMU_CERROR_ILL;
    }
    trace_smmuv3_cmdq_tlbi_range(name, vmid, asid, r.addr, r.size, r.tg,
                                 r.ttl, r.leaf);
    smmu_iotlb_inv_va(s, vmid, asid, r.addr, r.size, r.ttl);
    smmuv3_notify_unmap(s, r.addr, r.size);
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_tlbi_nh_va(SMMUv3State *s, const SMMUCmd *cmd,
                                        SMMUCmdDone *done)
{
    return smmu_cmd_tlbi_nh_va_common(s, cmd, smmu_cmd_asid(cmd),
                                      "CMD_TLBI_NH_VA");
}

static SMMUCmdError smmu_cmd_tlbi_nh_vaa(SMMUv3State *s, const SMMUCmd *cmd,
                                         SMMUCmdDone *done)
{
    return smmu_cmd_tlbi_nh_va_common(s, cmd, -1, "CMD_TLBI_NH_VAA");
}

/*
 * EL2 commands are legal only with IDR0.Hyp (checked from the table).
 * Such an SMMU keeps no separate EL2 tags here, so they over-invalidate
 * everything (spec 4.4 permits it).
 */
static SMMUCmdError smmu_cmd_tlbi_el2(SMMUv3State *s, const SMMUCmd *cmd,
                                      SMMUCmdDone *done)
{
    smmu_iotlb_inv_all(s);
    smmuv3_notify_unmap(s, 0, 0);
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_tlbi_s12_vmall(SMMUv3State *s,
                                            const SMMUCmd *cmd,
                                            SMMUCmdDone *done)
{
    int vmid = FIELD_EX64(cmd->w[0], CMD0, VMID);

    trace_smmuv3_cmdq_tlbi_s12_vmid(vmid);
    smmu_iotlb_inv_vmid(s, vmid);
    smmuv3_notify_unmap(s, 0, 0);
    return SMMU_CERROR_NONE;
}

/*
 * TLBI_S2_IPA: stage-2-only entries by IPA; combined S1+S2 entries need
 * not go (spec 4.4.3.1).  Stage-2-only traffic has IOVA == IPA, which is
 * what the notifiers are told.
 */
static SMMUCmdError smmu_cmd_tlbi_s2_ipa(SMMUv3State *s, const SMMUCmd *cmd,
                                         SMMUCmdDone *done)
{
    int vmid = FIELD_EX64(cmd->w[0], CMD0, VMID);
    SMMUTLBIRange r;
    const char *why;

    if (!smmu_cmd_tlbi_range(s, cmd, true, &r, &why)) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: CMD_TLBI_S2_IPA: %s\n", why);
        return SMMU_CERROR_ILL;
    }
    trace_smmuv3_cmdq_tlbi_range("CMD_TLBI_S2_IPA", vmid, -1, r.addr,
                                 r.size, r.tg, r.ttl, r.leaf);
    smmu_iotlb_inv_ipa(s, vmid, r.addr, r.size, r.ttl);
    smmuv3_notify_unmap(s, r.addr, r.size);
    return SMMU_CERROR_NONE;
}

static SMMUCmdError smmu_cmd_tlbi_nsnh_all(SMMUv3State *s, const SMMUCmd *cmd,
                                           SMMUCmdDone *done)
{
    trace_smmuv3_cmdq_tlbi_nsnh();
    smmu_iotlb_inv_all(s);
    smmuv3_notify_unmap(s, 0, 0);
    return SMMU_CERROR_NONE;
}

/* ---- synchronisation (spec 4.7.3) ---- */

static SMMUCmdError smmu_cmd_sync(SMMUv3State *s, const SMMUCmd *cmd,
                                  SMMUCmdDone *done)
{
    unsigned cs = FIELD_EX64(cmd->w[0], CMD0, SYNC_CS);
    uint64_t addr = FIELD_EX64(cmd->w[1], CMD1, SYNC_MSIADDR) << 2;
    uint32_t data = FIELD_EX64(cmd->w[0], CMD0, SYNC_MSIDATA);

    trace_smmuv3_cmdq_sync(cs, addr, data);
    /*
     * Every earlier command completed inside this loop, so the SYNC is
     * complete at once.  CS=SIG_SEV asks for a WFE wake-up, which is sent
     * only with IDR0.SEV=1; we advertise SEV=0, so it signals nothing.
     */
    switch (cs) {
    case SMMU_SYNC_CS_NONE:
    case SMMU_SYNC_CS_SEV:
        return SMMU_CERROR_NONE;
    case SMMU_SYNC_CS_IRQ:
        done->sync_irq = true;
        done->msi_addr = addr;
        done->msi_data = data;
        return SMMU_CERROR_NONE;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: CMD_SYNC: CS=3 is "
                      "reserved\n");
        return SMMU_CERROR_ILL;
    }
}

/* ---- the opcode table (spec 4.1.1); unlisted opcodes are reserved ---- */

#define SSEC SMMU_CMDF_SSEC

static const SMMUCmdInfo smmu_cmds[256] = {
    [SMMU_CMD_PREFETCH_CONFIG] = { "CMD_PREFETCH_CONFIG", SSEC,
                                   smmu_cmd_prefetch },
    [SMMU_CMD_PREFETCH_ADDR] = { "CMD_PREFETCH_ADDR", SSEC,
                                 smmu_cmd_prefetch },
    [SMMU_CMD_CFGI_STE] = { "CMD_CFGI_STE", SSEC, smmu_cmd_cfgi_ste },
    [SMMU_CMD_CFGI_STE_RANGE] = { "CMD_CFGI_STE_RANGE", SSEC,
                                  smmu_cmd_cfgi_ste_range },
    [SMMU_CMD_CFGI_CD] = { "CMD_CFGI_CD", SSEC | SMMU_CMDF_S1,
                           smmu_cmd_cfgi_cd },
    [SMMU_CMD_CFGI_CD_ALL] = { "CMD_CFGI_CD_ALL", SSEC | SMMU_CMDF_S1,
                               smmu_cmd_cfgi_cd_all },
    /* Needs IDR3.MPAM (spec 4.3.5). */
    [SMMU_CMD_CFGI_VMS_PIDM] = { "CMD_CFGI_VMS_PIDM",
                                 SSEC | SMMU_CMDF_NEVER, NULL },
    [SMMU_CMD_TLBI_NH_ALL] = { "CMD_TLBI_NH_ALL", SMMU_CMDF_S1,
                               smmu_cmd_tlbi_nh_all },
    [SMMU_CMD_TLBI_NH_ASID] = { "CMD_TLBI_NH_ASID", SMMU_CMDF_S1,
                                smmu_cmd_tlbi_nh_asid },
    [SMMU_CMD_TLBI_NH_VA] = { "CMD_TLBI_NH_VA", SMMU_CMDF_S1,
                              smmu_cmd_tlbi_nh_va },
    [SMMU_CMD_TLBI_NH_VAA] = { "CMD_TLBI_NH_VAA", SMMU_CMDF_S1,
                               smmu_cmd_tlbi_nh_vaa },
    /* Secure queue only (spec 4.4.2.5-6). */
    [SMMU_CMD_TLBI_EL3_ALL] = { "CMD_TLBI_EL3_ALL", SMMU_CMDF_NEVER, NULL },
    [SMMU_CMD_TLBI_EL3_VA] = { "CMD_TLBI_EL3_VA", SMMU_CMDF_NEVER, NULL },
    [SMMU_CMD_TLBI_EL2_ALL] = { "CMD_TLBI_EL2_ALL", SMMU_CMDF_HYP,
                                smmu_cmd_tlbi_el2 },
    [SMMU_CMD_TLBI_EL2_ASID] = { "CMD_TLBI_EL2_ASID", SMMU_CMDF_HYP,
                                 smmu_cmd_tlbi_el2 },
    [SMMU_CMD_TLBI_EL2_VA] = { "CMD_TLBI_EL2_VA", SMMU_CMDF_HYP,
                               smmu_cmd_tlbi_el2 },
    [SMMU_CMD_TLBI_EL2_VAA] = { "CMD_TLBI_EL2_VAA", SMMU_CMDF_HYP,
                                smmu_cmd_tlbi_el2 },
    [SMMU_CMD_TLBI_S12_VMALL] = { "CMD_TLBI_S12_VMALL", SMMU_CMDF_S2,
                                  smmu_cmd_tlbi_s12_vmall },
    [SMMU_CMD_TLBI_S2_IPA] = { "CMD_TLBI_S2_IPA", SMMU_CMDF_S2,
                               smmu_cmd_tlbi_s2_ipa },
    [SMMU_CMD_TLBI_NSNH_ALL] = { "CMD_TLBI_NSNH_ALL", 0,
                                 smmu_cmd_tlbi_nsnh_all },
    [SMMU_CMD_ATC_INV] = { "CMD_ATC_INV", SMMU_CMDF_ATS, NULL },
    [SMMU_CMD_PRI_RESP] = { "CMD_PRI_RESP", SMMU_CMDF_PRI, NULL },
    /* No stall model: no stalled transaction can exist to resume. */
    [SMMU_CMD_RESUME] = { "CMD_RESUME", SSEC | SMMU_CMDF_STALL, NULL },
    [SMMU_CMD_STALL_TERM] = { "CMD_STALL_TERM", SSEC | SMMU_CMDF_STALL,
                              NULL },
    [SMMU_CMD_SYNC] = { "CMD_SYNC", 0, smmu_cmd_sync },
    /* Secure queue only (spec 4.4.2.11-14, 4.4.3.3-4, 4.4.4.2). */
    [0x50] = { "CMD_TLBI_S_EL2_ALL", SMMU_CMDF_NEVER, NULL },
    [0x51] = { "CMD_TLBI_S_EL2_ASID", SMMU_CMDF_NEVER, NULL },
    [0x52] = { "CMD_TLBI_S_EL2_VA", SMMU_CMDF_NEVER, NULL },
    [0x53] = { "CMD_TLBI_S_EL2_VAA", SMMU_CMDF_NEVER, NULL },
    [0x58] = { "CMD_TLBI_S_S12_VMALL", SMMU_CMDF_NEVER, NULL },
    [0x5a] = { "CMD_TLBI_S_S2_IPA", SMMU_CMDF_NEVER, NULL },
    [0x60] = { "CMD_TLBI_SNH_ALL", SMMU_CMDF_NEVER, NULL },
    /* Need IDR3.DPT. */
    [0x70] = { "CMD_DPTI_ALL", SMMU_CMDF_NEVER, NULL },
    [0x73] = { "CMD_DPTI_PA", SMMU_CMDF_NEVER, NULL },
};

#undef SSEC

/* Why info's command is illegal on this SMMU, or NULL if it is not. */
static const char *smmu_cmd_unsupported(SMMUv3State *s,
                                        const SMMUCmdInfo *info)
{
    const SMMUv3Caps *c = &s->caps;

    if (info->flags & SMMU_CMDF_NEVER) {
        return "not available on the Non-secure queue of this SMMU";
    }
    if ((info->flags & SMMU_CMDF_S1) && !c->s1p) {
        return "stage 1 is not implemented";
    }
    if ((info->flags & SMMU_CMDF_S2) && !c->s2p) {
        return "stage 2 is not implemented";
    }
    if ((info->flags & SMMU_CMDF_HYP) && !c->hyp) {
        return "IDR0.Hyp is 0";
    }
    /* ATS and PRI are not modelled: IDR0.ATS = IDR0.PRI = 0. */
    if (info->flags & (SMMU_CMDF_ATS | SMMU_CMDF_PRI)) {
        return "ATS/PRI are not implemented";
    }
    if ((info->flags & SMMU_CMDF_STALL) && c->stall_model == 1) {
        return "the stall model is not implemented (STALL_MODEL=1)";
    }
    return NULL;
}

static const char *smmu_cmd_name(const SMMUCmd *cmd)
{
    const char *name = smmu_cmds[FIELD_EX64(cmd->w[0], CMD0, OPCODE)].name;

    return name ? name : "reserved";
}

/* Check and carry out one command. */
static SMMUCmdError smmu_cmd_run(SMMUv3State *s, const SMMUCmd *cmd,
                                 SMMUCmdDone *done)
{
    unsigned op = FIELD_EX64(cmd->w[0], CMD0, OPCODE);
    const SMMUCmdInfo *info = &smmu_cmds[op];
    const char *why;

    trace_smmuv3_cmdq_opcode(smmu_cmd_name(cmd), op,
                             cmd->index, cmd->w[0], cmd->w[1]);
    if (!info->name) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: command queue entry 0x%x: "
                      "reserved opcode 0x%02x\n", cmd->index, op);
        return SMMU_CERROR_ILL;
    }
    why = smmu_cmd_unsupported(s, info);
    if (why) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: command queue entry 0x%x: "
                      "%s: %s\n", cmd->index, info->name, why);
        return SMMU_CERROR_ILL;
    }
    /* SSec=1 on the Non-secure queue is ILLEGAL (spec 4.1.6). */
    if ((info->flags & SMMU_CMDF_SSEC) &&
        FIELD_EX64(cmd->w[0], CMD0, SSEC)) {
        qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: command queue entry 0x%x: "
                      "%s with SSec=1\n", cmd->index, info->name);
        return SMMU_CERROR_ILL;
    }
    return info->exec ? info->exec(s, cmd, done) : SMMU_CERROR_NONE;
}

/* ---- the queue ---- */

static bool smmu_cmdq_can_run(SMMUv3State *s)
{
    bool err_active = (s->gerror ^ s->gerrorn) & R_GERROR_CMDQ_ERR_MASK;

    return (s->cr[0] & R_CR0_CMDQEN_MASK) && !err_active &&
           !smmu_q_empty(&s->cmdq);
}

/* CONS.RD past one entry: index + 1 with the wrap bit above it. */
static void smmu_cmdq_advance(SMMUQueue *q)
{
    uint32_t rd_mask = (2U << q->log2size) - 1;
    uint32_t rd = (q->cons + 1) & rd_mask;

    q->cons = (q->cons & R_CMDQ_CONS_ERR_MASK) | rd;
}

/*
 * Stop on the faulting command (spec 7.1): RD stays on it, ERR is
 * written, then GERROR.CMDQ_ERR is activated.
 */
static void smmu_cmdq_error(SMMUv3State *s, const char *what,
                            SMMUCmdError err)
{
    trace_smmuv3_cmdq_consume_error(what, err);
    s->cmdq.cons = FIELD_DP32(s->cmdq.cons, CMDQ_CONS, ERR, err);
    smmuv3_raise_gerror(s, R_GERROR_CMDQ_ERR_MASK);
}

void smmuv3_cmdq_consume(SMMUv3State *s)
{
    SMMUQueue *q = &s->cmdq;
    uint32_t budget, consumed = 0;

    /*
     * A CMD_SYNC or GERROR MSI may be aimed at our own registers and
     * write CMDQ_PROD, CR0 or GERRORN, which calls us again: the loop
     * below re-reads the registers before each command, so the nested
     * call has nothing to add.
     */
    if (s->cmdq_running) {
        trace_smmuv3_cmdq_nested();
        return;
    }
    s->cmdq_running = true;
    trace_smmuv3_cmdq_consume(smmu_q_idx(q, q->prod), smmu_q_idx(q, q->cons),
                              smmu_q_wrap(q, q->prod),
                              smmu_q_wrap(q, q->cons));

    /*
     * Software adds at most one queue's worth of commands (spec 6.3.27);
     * more than that in one call means our own MSIs keep moving PROD
     * (or PROD was written inconsistently): stop there rather than let
     * the guest keep us here forever.  The rest waits for the next kick.
     */
    budget = 1U << MIN(q->log2size, 19);
    while (smmu_cmdq_can_run(s)) {
        SMMUCmdDone done = { 0 };
        SMMUCmdError err;
        SMMUCmd cmd;
        uint64_t addr;
        MemTxResult r;

        if (consumed == budget) {
            qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: command queue: %u "
                          "commands consumed and PROD (0x%x) is still "
                          "ahead of CONS (0x%x); stopping until the next "
                          "CMDQ_PROD write\n", consumed, q->prod, q->cons);
            break;
        }
        /* smmu_q_entry_addr() aligns the base (spec 6.3.26). */
        cmd.index = smmu_q_idx(q, q->cons);
        addr = smmu_q_entry_addr(q, cmd.index);
        r = smmuv3_read_dwords(s, addr, cmd.w, 2);
        if (r != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "smmuv3: command queue entry "
                          "0x%x: fetch from 0x%" PRIx64 " failed (%s)\n",
                          cmd.index, addr, memtx_result_str(r));
            smmu_cmdq_error(s, "fetch", SMMU_CERROR_ABT);
            break;
        }
        err = smmu_cmd_run(s, &cmd, &done);
        if (err != SMMU_CERROR_NONE) {
            smmu_cmdq_error(s, smmu_cmd_name(&cmd), err);
            break;
        }
        smmu_cmdq_advance(q);
        consumed++;
        if (done.sync_irq) {
            smmuv3_signal_irq(s, SMMU_IRQ_CMD_SYNC, done.msi_addr,
                              done.msi_data, R_GERROR_MSI_CMDQ_ABT_ERR_MASK);
        }
    }

    trace_smmuv3_cmdq_consume_out(smmu_q_idx(q, q->prod),
                                  smmu_q_idx(q, q->cons),
                                  smmu_q_wrap(q, q->prod),
                                  smmu_q_wrap(q, q->cons), consumed);
    s->cmdq_running = false;
}
