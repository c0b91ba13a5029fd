/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated physical SMMUv3 of the host simulator: what the Linux
 * arm-smmu-v3 driver has programmed into each StreamID's STE, the VMID
 * space, the command queue (logged as the hardware received it, and
 * applied to the caches), a caching TLB and a context-descriptor cache,
 * the event queue, and the DMA path of the functions behind the SMMU.
 *
 * Caches are dropped only by commands that reach the queue (the
 * invalidations the driver issues for its own reasons, and the guest's
 * commands that IOMMU_HWPT_INVALIDATE forwards), never behind the user's
 * back, so a test can observe a stale translation until it invalidates.
 * Stage 2 (the IOAS) is never cached: the TLB holds stage-1 results,
 * IOVA to IPA, and every access looks the IPA up in the IOAS afresh.
 *
 * The nested walk (vSTE, CD, stage-1 tables) is in smmu-walk.c.
 */
#include "hostsim-int.h"
#include "smmu-internal.h"
#include "smmuv3-cmd.h"

#include <string.h>


/*
 * The CMD_SYNC the driver appends: CS=SEV, MSH=ISH, MSIAttr=WB (it
 * polls CMDQ_CONS; MSI-based completion would also need a queue slot
 * address, which this model has no use for).
 */
#define CMD_SYNC_KERNEL \
    (CMD_SYNC | (2ULL << 12) | (3ULL << 22) | (0xfULL << 24))

#define CMD_LOG_MAX             65536
#define EVT_LOG_MAX             1024
/* A real TLB evicts too; this one only when it is this full. */
#define TLB_MAX                 8192
#define CD_CACHE_MAX            4096

/* Page granule of the host's S2 tables, for the driver's TLBI_S2_IPA. */
#define S2_PAGE_SHIFT           12
/* Without range invalidation the driver flushes the VMID from here. */
#define S2_INV_MAX_PAGES        512

#define IPA_MASK                0x00fffffffffff000ULL

static const HSSte ste_abort = { .kind = HS_STE_ABORT };

HSSmmuHw *hs_smmu_hw(HSSmmu *s)
{
    HSSmmuHw *hw = s->hw;

    if (hw) {
        return hw;
    }
    hw = g_new0(HSSmmuHw, 1);
    hw->stes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     g_free);
    hw->vmid_map = g_malloc0(65536 / 8);
    hw->log = g_array_new(false, false, sizeof(HSCmdLog));
    hw->events = g_array_new(false, false, sizeof(HSSmmuEvent));
    hw->tlb = g_array_new(false, false, sizeof(HSTlbEntry));
    hw->cds = g_array_new(false, false, sizeof(HSCdEntry));
    s->hw = hw;
    return hw;
}

void hs_smmu_init(HSSmmu *s)
{
    hs_smmu_hw(s);
}

void hs_smmu_fini(HSSmmu *s)
{
    HSSmmuHw *hw = s->hw;

    if (!hw) {
        return;
    }
    g_hash_table_destroy(hw->stes);
    g_free(hw->vmid_map);
    g_array_free(hw->log, true);
    g_array_free(hw->events, true);
    g_array_free(hw->tlb, true);
    g_array_free(hw->cds, true);
    g_free(hw);
    s->hw = NULL;
}

/* ---- TLB and configuration cache ------------------------------------ */

const HSTlbEntry *hs_smmu_tlb_lookup(HSSmmuHw *hw, uint16_t vmid,
                                     uint16_t asid, uint64_t va)
{
    /*
     * Newest first: if the guest changed its tables without invalidating,
     * two entries may overlap; the architecture lets either be used.
     */
    for (guint i = hw->tlb->len; i-- > 0;) {
        const HSTlbEntry *e = &g_array_index(hw->tlb, HSTlbEntry, i);

        if (e->vmid == vmid && (e->global || e->asid == asid) &&
            va - e->va < e->size) {
            hw->stats.tlb_hits++;
            return e;
        }
    }
    hw->stats.tlb_misses++;
    return NULL;
}

void hs_smmu_tlb_insert(HSSmmuHw *hw, const HSTlbEntry *e)
{
    if (hw->tlb->len >= TLB_MAX) {
        g_array_remove_index(hw->tlb, 0);
    }
    g_array_append_vals(hw->tlb, e, 1);
}

typedef enum TlbScope {
    TLB_VMID,               /* every entry of the VMID */
    TLB_ASID,               /* non-global entries of (VMID, ASID) */
    TLB_VA,                 /* (VMID, ASID) or global, in the range */
    TLB_VAA,                /* any ASID of the VMID, in the range */
    TLB_EVERYTHING,
} TlbScope;

static void tlb_invalidate(HSSmmuHw *hw, TlbScope scope, uint16_t vmid,
                           uint16_t asid, uint64_t start, uint64_t last)
{
    guint i = 0;

    while (i < hw->tlb->len) {
        const HSTlbEntry *e = &g_array_index(hw->tlb, HSTlbEntry, i);
        bool hit;

        switch (scope) {
        case TLB_EVERYTHING:
            hit = true;
            break;
        case TLB_VMID:
            hit = e->vmid == vmid;
            break;
        case TLB_ASID:
            hit = e->vmid == vmid && !e->global && e->asid == asid;
            break;
        case TLB_VA:
        case TLB_VAA:
            hit = e->vmid == vmid &&
                  (scope == TLB_VAA || e->global || e->asid == asid) &&
                  e->va <= last && start <= e->va + (e->size - 1);
            break;
        default:
            hit = false;
            break;
        }
        if (hit) {
            g_array_remove_index(hw->tlb, i);
            hw->stats.tlb_inval++;
        } else {
            i++;
        }
    }
}

bool hs_smmu_cd_lookup(HSSmmuHw *hw, uint32_t sid, uint32_t ssid,
                       uint64_t cd[4])
{
    for (guint i = 0; i < hw->cds->len; i++) {
        const HSCdEntry *e = &g_array_index(hw->cds, HSCdEntry, i);

        if (e->sid == sid && e->ssid == ssid) {
            memcpy(cd, e->cd, sizeof(e->cd));
            hw->stats.cfg_hits++;
            return true;
        }
    }
    hw->stats.cfg_misses++;
    return false;
}

void hs_smmu_cd_insert(HSSmmuHw *hw, uint32_t sid, uint32_t ssid,
                       const uint64_t cd[4])
{
    HSCdEntry e = { .sid = sid, .ssid = ssid };

    if (hw->cds->len >= CD_CACHE_MAX) {
        g_array_remove_index(hw->cds, 0);
    }
    memcpy(e.cd, cd, sizeof(e.cd));
    g_array_append_val(hw->cds, e);
}

/* Drop the cached CDs of StreamIDs [first, last], one SSID or all. */
static void cd_invalidate(HSSmmuHw *hw, uint32_t first, uint32_t last,
                          bool all_ssids, uint32_t ssid)
{
    guint i = 0;

    while (i < hw->cds->len) {
        const HSCdEntry *e = &g_array_index(hw->cds, HSCdEntry, i);

        if (e->sid >= first && e->sid <= last &&
            (all_ssids || e->ssid == ssid)) {
            g_array_remove_index(hw->cds, i);
        } else {
            i++;
        }
    }
}

/* ---- The command queue ------------------------------------------------ */

static void log_cmd(HSSmmuHw *hw, uint64_t c0, uint64_t c1,
                    HSCmdOrigin origin)
{
    HSCmdLog e = { .cmd = { c0, c1 }, .origin = origin };

    if (hw->log->len >= CMD_LOG_MAX) {
        hw->stats.cmds_dropped++;
        return;
    }
    g_array_append_val(hw->log, e);
}

/*
 * The range of a TLBI_NH_VA/VAA (facts 4.3): one address when TG=0,
 * else (NUM+1) * 2^SCALE granules of 4K/16K/64K from the address.  TTL
 * and LEAF only narrow what must go; this TLB holds leaves only and
 * drops every entry that overlaps, which the spec permits.
 */
static void tlbi_va_range(const uint64_t cmd[2], uint64_t *start,
                          uint64_t *last)
{
    unsigned tg = (cmd[1] >> 10) & 3;
    unsigned num = (cmd[0] >> 12) & 0x1f, scale = (cmd[0] >> 20) & 0x3f;
    uint64_t va = cmd[1] & ~0xfffULL, bytes;
    unsigned gshift;

    *start = va;
    if (tg == 0) {
        *last = va;
        return;
    }
    gshift = 2 * tg + 10;
    if (scale + gshift >= 58) {
        *last = UINT64_MAX;
        return;
    }
    bytes = ((uint64_t)num + 1) << (scale + gshift);
    *last = va + bytes - 1 < va ? UINT64_MAX : va + bytes - 1;
}

/* What one command does to the caches (facts 4.4). */
static void apply_cmd(HSSmmuHw *hw, const uint64_t cmd[2])
{
    unsigned op = cmd[0] & 0xff;
    uint32_t sid = cmd[0] >> 32, ssid = (cmd[0] >> 12) & 0xfffff;
    uint16_t vmid = (cmd[0] >> 32) & 0xffff, asid = cmd[0] >> 48;
    uint64_t start, last;

    switch (op) {
    case CMD_CFGI_STE:
        /* Also drops the CDs fetched through the StreamID. */
        cd_invalidate(hw, sid, sid, true, 0);
        break;
    case CMD_CFGI_STE_RANGE: {
        unsigned range = cmd[1] & 0x1f;
        uint64_t span = range == 31 ? (1ULL << 32) : 2ULL << range;
        uint64_t first = sid & ~(span - 1);

        cd_invalidate(hw, first, first + span - 1, true, 0);
        break;
    }
    case CMD_CFGI_CD:
        cd_invalidate(hw, sid, sid, false, ssid);
        break;
    case CMD_CFGI_CD_ALL:
        cd_invalidate(hw, sid, sid, true, 0);
        break;
    case CMD_TLBI_NH_ALL:
    case CMD_TLBI_S12_VMALL:
        tlb_invalidate(hw, TLB_VMID, vmid, 0, 0, 0);
        break;
    case CMD_TLBI_NH_ASID:
        tlb_invalidate(hw, TLB_ASID, vmid, asid, 0, 0);
        break;
    case CMD_TLBI_NH_VA:
    case CMD_TLBI_NH_VAA:
        tlbi_va_range(cmd, &start, &last);
        tlb_invalidate(hw, op == CMD_TLBI_NH_VA ? TLB_VA : TLB_VAA, vmid,
                       asid, start, last);
        break;
    case CMD_TLBI_NSNH_ALL:
        tlb_invalidate(hw, TLB_EVERYTHING, 0, 0, 0, 0);
        break;
    default:
        /*
         * TLBI_S2_IPA: stage 2 is not cached here (and need not touch
         * combined entries, facts 4.4).  ATC_INV: no ATC is modelled.
         * CMD_SYNC: everything before it has completed already.
         */
        break;
    }
}

/* A command the driver issues on its own. */
static void kernel_cmd(HSSmmuHw *hw, uint64_t c0, uint64_t c1)
{
    uint64_t cmd[2] = { c0, c1 };

    log_cmd(hw, c0, c1, HS_CMD_KERNEL);
    apply_cmd(hw, cmd);
}

static void kernel_sync(HSSmmuHw *hw)
{
    log_cmd(hw, CMD_SYNC_KERNEL, 0, HS_CMD_KERNEL);
}

int hs_smmu_submit(HSSmmu *s, const uint64_t *cmds, uint32_t n)
{
    HSSmmuHw *hw = hs_smmu_hw(s);

    for (uint32_t i = 0; i < n; i++) {
        log_cmd(hw, cmds[2 * i], cmds[2 * i + 1], HS_CMD_USER);
        apply_cmd(hw, &cmds[2 * i]);
        if ((i + 1) % HS_CMDQ_BATCH == 0 || i + 1 == n) {
            kernel_sync(hw);
        }
    }
    return 0;
}

/*
 * The driver's invalidation after unmapping [iova, iova + len) from a
 * nest-parent S2 domain: TLBI_S2_IPA over the range (range-encoded when
 * IDR3.RIL, else one per page) and a CMD_SYNC, then TLBI_NH_ALL of the
 * VMID with its own CMD_SYNC, because every stage-1 translation of the
 * nested domains may have gone through the unmapped IPAs -- that last
 * command is what drops the guest's cached stage-1 entries here.  From
 * 512 pages without RIL the driver flushes the whole VMID with one
 * TLBI_S12_VMALL instead, which covers stage 1 too.
 */
void hs_smmu_s2_unmapped(HSSmmu *s, uint16_t vmid, uint64_t iova,
                         uint64_t len)
{
    HSSmmuHw *hw = hs_smmu_hw(s);
    uint64_t pages, c0 = CMD_TLBI_S2_IPA | ((uint64_t)vmid << 32);

    if (len == 0) {
        return;
    }
    iova &= ~((1ULL << S2_PAGE_SHIFT) - 1);
    pages = (len + (1ULL << S2_PAGE_SHIFT) - 1) >> S2_PAGE_SHIFT;
    if (s->ril) {
        /* TG=1 (4K), TTL=3 (leaf pages), LEAF=1. */
        uint64_t c1 = 1 | (3ULL << 8) | (1ULL << 10);

        while (pages) {
            unsigned scale = __builtin_ctzll(pages);
            uint64_t num = (pages >> scale) & 0x1f;

            kernel_cmd(hw, c0 | ((num - 1) << 12) | ((uint64_t)scale << 20),
                       c1 | (iova & IPA_MASK));
            pages -= num << scale;
            iova += num << (scale + S2_PAGE_SHIFT);
        }
    } else if (pages >= S2_INV_MAX_PAGES) {
        /* Every stage of the VMID: no TLBI_NH_ALL needed after it. */
        kernel_cmd(hw, CMD_TLBI_S12_VMALL | ((uint64_t)vmid << 32), 0);
        kernel_sync(hw);
        return;
    } else {
        for (uint64_t i = 0; i < pages; i++) {
            kernel_cmd(hw, c0, 1 | ((iova + (i << S2_PAGE_SHIFT)) &
                                    IPA_MASK));
        }
    }
    kernel_sync(hw);
    kernel_cmd(hw, CMD_TLBI_NH_ALL | ((uint64_t)vmid << 32), 0);
    kernel_sync(hw);
}

const GArray *hs_smmu_cmd_log(HSSmmu *s)
{
    return hs_smmu_hw(s)->log;
}

void hs_smmu_cmd_log_clear(HSSmmu *s)
{
    HSSmmuHw *hw = hs_smmu_hw(s);

    g_array_set_size(hw->log, 0);
    hw->stats.cmds_dropped = 0;
}

/* ---- STEs and VMIDs ----------------------------------------------------- */

void hs_smmu_set_ste(HSSmmu *s, uint32_t sid, const HSSte *ste)
{
    HSSmmuHw *hw = hs_smmu_hw(s);

    if (!ste || ste->kind == HS_STE_ABORT) {
        g_hash_table_remove(hw->stes, GUINT_TO_POINTER(sid));
    } else {
        g_hash_table_replace(hw->stes, GUINT_TO_POINTER(sid),
                             g_memdup2(ste, sizeof(*ste)));
    }
    /*
     * The driver's CFGI_STE (Leaf=1) and CMD_SYNC.  It drops the cached
     * configuration of the StreamID, CDs included, but no TLB entry:
     * those are tagged by VMID/ASID and go with the TLBIs the driver (or,
     * nested, the guest) issues when it retires an ASID or VMID.
     */
    kernel_cmd(hw, CMD_CFGI_STE | ((uint64_t)sid << 32), 1);
    kernel_sync(hw);
}

const HSSte *hs_smmu_get_ste(HSSmmu *s, uint32_t sid)
{
    const HSSte *ste = g_hash_table_lookup(hs_smmu_hw(s)->stes,
                                           GUINT_TO_POINTER(sid));

    return ste ? ste : &ste_abort;
}

static bool vmid_used(HSSmmuHw *hw, unsigned v)
{
    return hw->vmid_map[v / 8] & (1u << (v % 8));
}

int hs_smmu_vmid_alloc(HSSmmu *s, uint16_t *vmid)
{
    HSSmmuHw *hw = hs_smmu_hw(s);
    unsigned max = s->vmid16 ? 0xffff : 0xff;

    /* The driver's ida range [1, 2^vmid_bits - 1], lowest free first. */
    for (unsigned v = 1; v <= max; v++) {
        if (!vmid_used(hw, v)) {
            hw->vmid_map[v / 8] |= 1u << (v % 8);
            *vmid = v;
            return 0;
        }
    }
    return -ENOSPC;
}

void hs_smmu_vmid_free(HSSmmu *s, uint16_t vmid)
{
    HSSmmuHw *hw = hs_smmu_hw(s);

    if (vmid == 0 || !vmid_used(hw, vmid)) {
        return;
    }
    /*
     * Freeing the S2 page table flushes the VMID first (io-pgtable's
     * flush_all -> TLBI_S12_VMALL + CMD_SYNC), so a reused VMID starts
     * clean.
     */
    kernel_cmd(hw, CMD_TLBI_S12_VMALL | ((uint64_t)vmid << 32), 0);
    kernel_sync(hw);
    hw->vmid_map[vmid / 8] &= ~(1u << (vmid % 8));
}

/* ---- Events ------------------------------------------------------------ */

void hs_smmu_evt_config(uint64_t evt[4], unsigned id, uint32_t sid)
{
    evt[0] = id | ((uint64_t)sid << 32);
    evt[1] = evt[2] = evt[3] = 0;
}

void hs_smmu_evt_xlate(uint64_t evt[4], unsigned id, uint32_t sid,
                       bool write, bool s2, unsigned cls, uint64_t input,
                       uint64_t ipa)
{
    /*
     * The functions issue unprivileged data accesses without a PASID:
     * SSV=0, PnU=0, InD=0, no stall.  RnW is 1 for a read.  The IPA
     * field is only meaningful for stage-2 faults (facts 5.3).
     */
    evt[0] = id | ((uint64_t)sid << 32);
    evt[1] = (write ? 0 : 1ULL << 35) | (s2 ? 1ULL << 39 : 0) |
             ((uint64_t)cls << 40);
    evt[2] = input;
    evt[3] = s2 ? (ipa & IPA_MASK) : 0;
}

void hs_smmu_raise_event(HSSmmu *s, const uint64_t evt[4])
{
    HSSmmuHw *hw = hs_smmu_hw(s);
    HSSmmuEvent rec;

    hw->stats.events++;
    memcpy(rec.evt, evt, sizeof(rec.evt));
    rec.forwarded = hs_viommu_report_event(s, evt);
    if (rec.forwarded) {
        hw->stats.events_forwarded++;
    }
    if (hw->events->len >= EVT_LOG_MAX) {
        g_array_remove_index(hw->events, 0);
    }
    g_array_append_val(hw->events, rec);
}

const GArray *hs_smmu_event_log(HSSmmu *s)
{
    return hs_smmu_hw(s)->events;
}

void hs_smmu_event_log_clear(HSSmmu *s)
{
    g_array_set_size(hs_smmu_hw(s)->events, 0);
}

void hs_smmu_stats(HSSmmu *s, HSSmmuStats *out)
{
    HSSmmuHw *hw = hs_smmu_hw(s);

    *out = hw->stats;
    out->tlb_entries = hw->tlb->len;
    out->cfg_entries = hw->cds->len;
    out->cmds = hw->log->len;
}

/* ---- DMA ---------------------------------------------------------------- */

/*
 * Move the bytes between the device's buffer and IOAS memory.  The IOAS
 * points at user memory that the process may have unmapped (or
 * mprotect()ed) after IOAS_MAP -- Linux keeps such pages pinned, the
 * simulator cannot -- so the copy goes through hs_copy_{to,from}_user
 * and a failure is a transfer error: false, nothing more moves.
 */
static bool copy_data(uint8_t *hva, uint8_t *buf, size_t len, bool write)
{
    int r = write ? hs_copy_to_user((uintptr_t)hva, buf, len)
                  : hs_copy_from_user(buf, (uintptr_t)hva, len);

    if (r) {
        g_debug("hostsim: DMA to vanished IOAS memory at %p", hva);
    }
    return r == 0;
}

/* Stage 2 (or a paging domain) through the IOAS; false on a fault. */
static bool ioas_access(HSSmmu *s, uint32_t sid, HSIoas *ioas,
                        uint64_t input, uint64_t addr, uint8_t *buf,
                        size_t len, bool write, bool s2)
{
    uint8_t *hva = NULL;
    uint64_t evt[4];
    int r = ioas ? hs_ioas_translate(ioas, addr, len, write, &hva)
                 : -ENOENT;

    if (r == 0 && hva) {
        /* Gone from under the IOAS: aborted, no event (nothing faulted) */
        return copy_data(hva, buf, len, write);
    }
    hs_smmu_evt_xlate(evt, r == -EPERM ? HS_EVT_F_PERMISSION
                                       : HS_EVT_F_TRANSLATION,
                      sid, write, s2, HS_CLASS_IN, input, addr);
    hs_smmu_raise_event(s, evt);
    return false;
}

/* One piece of a DMA that stays inside a 4 KiB page of the input. */
static bool dma_chunk(HSSmmu *s, uint32_t sid, uint64_t addr, uint8_t *buf,
                      size_t len, bool write)
{
    const HSSte *ste = hs_smmu_get_ste(s, sid);
    uint64_t evt[4], ipa;

    switch (ste->kind) {
    case HS_STE_S1_DOMAIN:
    case HS_STE_S2_DOMAIN:
        return ioas_access(s, sid, ste->ioas, addr, addr, buf, len, write,
                           ste->kind == HS_STE_S2_DOMAIN);
    case HS_STE_NESTED:
        switch (hs_smmu_nested_s1(s, sid, ste, addr, write, &ipa, evt)) {
        case HS_XLATE_OK:
            return ioas_access(s, sid, ste->ioas, addr, ipa, buf, len,
                               write, true);
        case HS_XLATE_RAZWI_REC:
            hs_smmu_raise_event(s, evt);
            /* fall through */
        case HS_XLATE_RAZWI:
            if (!write) {
                memset(buf, 0, len);
            }
            return true;
        case HS_XLATE_FAULT:
            hs_smmu_raise_event(s, evt);
            return false;
        default:
            return false;
        }
    default:
        /* Abort STE: terminated without an event (Config=0b000). */
        return false;
    }
}

int hs_smmu_dma(HSFunc *f, uint64_t addr, void *buf, size_t len,
                bool write)
{
    HSSmmu *s = f->smmu;
    HSSmmuHw *hw;
    size_t done = 0;

    if (!s) {
        return -EFAULT;
    }
    hw = hs_smmu_hw(s);
    while (done < len) {
        uint64_t a = addr + done;
        size_t chunk = MIN(len - done,
                           HS_PAGE_SIZE - (a & (HS_PAGE_SIZE - 1)));

        if (!dma_chunk(s, f->sid, a, (uint8_t *)buf + done, chunk, write)) {
            hw->stats.dma_faults++;
            return -EFAULT;
        }
        done += chunk;
    }
    hw->stats.dma_ok++;
    return 0;
}
