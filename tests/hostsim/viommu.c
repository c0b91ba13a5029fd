/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated kernel's virtual IOMMU objects for ARM SMMUv3 nesting:
 * IOMMU_VIOMMU_ALLOC (a vIOMMU on a NEST_PARENT stage 2), IOMMU_VDEVICE_
 * ALLOC (the vSID table), IOMMU_HWPT_INVALIDATE on a vIOMMU (per-opcode
 * command validation, vSID -> pSID and VMID rewriting, batches of 63
 * plus CMD_SYNC, entry_num reporting), the vEVENTQ (records with
 * sequence numbers, the single lost-events marker, read() rules) fed by
 * hs_viommu_report_event with the driver's event filter, the vSTE checks
 * of a nested HWPT, a minimal fault queue and the HW queue refusal of a
 * plain SMMUv3.  Rules and errno order: iommufd-uapi.md 1.17-1.22 and
 * 3.1-3.6.
 */
#include "hostsim-int.h"
#include "smmuv3-cmd.h"

#include <string.h>
#include <unistd.h>

/* ---- vSTE (3.2) ----------------------------------------------------- */

#define HS_STE0_V               1ULL
#define HS_STE0_CFG(w)          ((unsigned)(((w) >> 1) & 7))
#define HS_STE0_ALLOWED         0xf80fffffffffffffULL
#define HS_STE1_ALLOWED         0x00000000380000ffULL
#define HS_STE1_EATS(w)         ((unsigned)(((w) >> 28) & 3))
#define HS_STE_CFG_ABORT        0
#define HS_STE_CFG_BYPASS       4
#define HS_STE_CFG_S1_TRANS     5
#define HS_EATS_ABT             0
#define HS_EATS_TRANS           1

int hs_vste_check(const uint64_t ste[2], bool *enable_ats)
{
    unsigned cfg, eats;

    *enable_ats = false;
    /* Not valid: accepted, stored as zeroes, installed as abort. */
    if (!(ste[0] & HS_STE0_V)) {
        return 0;
    }
    if ((ste[0] & ~HS_STE0_ALLOWED) || (ste[1] & ~HS_STE1_ALLOWED)) {
        return -EIO;
    }
    cfg = HS_STE0_CFG(ste[0]);
    if (cfg != HS_STE_CFG_ABORT && cfg != HS_STE_CFG_BYPASS &&
        cfg != HS_STE_CFG_S1_TRANS) {
        return -EIO;
    }
    eats = HS_STE1_EATS(ste[1]);
    if (eats != HS_EATS_ABT && eats != HS_EATS_TRANS) {
        return -EIO;
    }
    if (cfg == HS_STE_CFG_S1_TRANS) {
        *enable_ats = eats == HS_EATS_TRANS;
    }
    return 0;
}

/* ---- vIOMMU (1.18, 3.1) --------------------------------------------- */

int hs_ioctl_viommu_alloc(HSUcmd *u)
{
    struct iommu_viommu_alloc *cmd = u->cmd;
    HSDevice *dev;
    HSHwpt *s2;
    HSViommu *v;
    HSSmmu *s;
    int err = 0, rc;

    if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT) {
        return -EOPNOTSUPP;
    }
    dev = (HSDevice *)hs_obj_get(u->ictx, cmd->dev_id, HS_OBJ_DEVICE, &err);
    if (!dev) {
        return err;
    }
    /* The driver's preconditions for this SMMU and device (3.1). */
    s = dev->func->smmu;
    if (!s->nesting) {
        return -EOPNOTSUPP;
    }
    if (!dev->func->canwbs && !s->s2fwb) {
        return -EOPNOTSUPP;
    }
    if (cmd->type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3) {
        return -EOPNOTSUPP;         /* Tegra241 needs its CMDQV */
    }
    s2 = (HSHwpt *)hs_obj_get(u->ictx, cmd->hwpt_id, HS_OBJ_HWPT_PAGING,
                              &err);
    if (!s2) {
        return err;
    }
    if (!s2->nest_parent) {
        return -EINVAL;
    }
    v = hs_obj_alloc(u->ictx, HS_OBJ_VIOMMU, sizeof(*v), &err);
    if (!v) {
        return err;
    }
    v->s2 = s2;
    s2->obj.users++;
    if (s2->smmu != s) {
        rc = -EINVAL;
        goto fail;
    }
    v->smmu = s;
    /* Keys point at the vDEVICEs' virt_id: no copies to free. */
    v->vsids = g_hash_table_new(g_int64_hash, g_int64_equal);
    v->queues = g_ptr_array_new();
    cmd->out_viommu_id = v->obj.id;
    rc = hs_ucmd_respond(u);
    if (rc) {
        goto fail;
    }
    hs_obj_publish(&v->obj);
    return 0;

fail:
    hs_viommu_destroy(v);
    hs_obj_abort(&v->obj);
    return rc;
}

void hs_viommu_destroy(HSViommu *v)
{
    if (v->s2) {
        v->s2->obj.users--;
        v->s2 = NULL;
    }
    if (v->vsids) {
        g_hash_table_destroy(v->vsids);
        v->vsids = NULL;
    }
    if (v->queues) {
        g_ptr_array_free(v->queues, TRUE);
        v->queues = NULL;
    }
    v->veventq = NULL;
}

/* ---- vDEVICE (1.19) ------------------------------------------------- */

int hs_ioctl_vdevice_alloc(HSUcmd *u)
{
    struct iommu_vdevice_alloc *cmd = u->cmd;
    HSVdevice *vd;
    HSDevice *dev;
    HSViommu *v;
    int err = 0, rc;

    /* virt_id > ULONG_MAX cannot happen with a 64-bit kernel. */
    v = (HSViommu *)hs_obj_get(u->ictx, cmd->viommu_id, HS_OBJ_VIOMMU, &err);
    if (!v) {
        return err;
    }
    dev = (HSDevice *)hs_obj_get(u->ictx, cmd->dev_id, HS_OBJ_DEVICE, &err);
    if (!dev) {
        return err;
    }
    if (v->smmu != dev->func->smmu) {
        return -EINVAL;
    }
    if (dev->vdevice) {
        return -EEXIST;
    }
    vd = hs_obj_alloc(u->ictx, HS_OBJ_VDEVICE, sizeof(*vd), &err);
    if (!vd) {
        return err;
    }
    vd->virt_id = cmd->virt_id;
    vd->viommu = v;
    v->obj.users++;
    vd->dev = dev;
    dev->vdevice = vd;
    if (g_hash_table_contains(v->vsids, &vd->virt_id)) {
        rc = -EEXIST;
        goto fail;
    }
    rc = hs_inject(ENOMEM, "vsid-table");
    if (rc) {
        goto fail;
    }
    g_hash_table_insert(v->vsids, &vd->virt_id, vd);
    /* Every simulated function has exactly one StreamID. */
    cmd->out_vdevice_id = vd->obj.id;
    rc = hs_ucmd_respond(u);
    if (rc) {
        goto fail;
    }
    hs_obj_publish(&vd->obj);
    return 0;

fail:
    hs_vdevice_destroy(vd);
    hs_obj_abort(&vd->obj);
    return rc;
}

/*
 * The vSID leaves the table; a device attached through it keeps its
 * vmaster (and the old vSID in its events) until it is re-attached (3.8).
 */
void hs_vdevice_destroy(HSVdevice *vd)
{
    HSViommu *v = vd->viommu;

    if (v) {
        if (v->vsids &&
            g_hash_table_lookup(v->vsids, &vd->virt_id) == vd) {
            g_hash_table_remove(v->vsids, &vd->virt_id);
        }
        v->obj.users--;
        vd->viommu = NULL;
    }
    if (vd->dev && vd->dev->vdevice == vd) {
        vd->dev->vdevice = NULL;
    }
    vd->dev = NULL;
}

/* ---- HWPT_INVALIDATE (1.17, 3.3) ------------------------------------ */

/* Command fields (cmd[0] / cmd[1]). */
#define HS_CMD_OP               0xffULL
#define HS_CMD0_SSV             (1ULL << 11)
#define HS_CMD0_SSID            0x00000000fffff000ULL
#define HS_CMD0_SID             0xffffffff00000000ULL
#define HS_CMD0_GLOBAL          (1ULL << 9)
#define HS_CMD0_NUM             0x000000000001f000ULL
#define HS_CMD0_SCALE_LO        0x0000000001f00000ULL   /* 24:20 */
#define HS_CMD0_SCALE_HI        (1ULL << 25)
#define HS_CMD0_VMID            0x0000ffff00000000ULL
#define HS_CMD0_ASID8           0x00ff000000000000ULL
#define HS_CMD0_ASID16          0xffff000000000000ULL
#define HS_CMD1_LEAF            1ULL
#define HS_CMD1_TTL             0x300ULL
#define HS_CMD1_TG              0xc00ULL
#define HS_CMD1_ADDR            0xfffffffffffff000ULL
#define HS_CMD1_ATC_SIZE        0x3fULL


/* The range fields of TLBI_NH_VA(A) with IDR3.RIL (3.3). */
static bool hs_inv_range_ok(HSSmmu *s, const uint64_t cmd[2])
{
    unsigned tg = (cmd[1] >> 10) & 3;
    unsigned ttl = (cmd[1] >> 8) & 3;
    unsigned num = (cmd[0] >> 12) & 0x1f;
    unsigned scale = (cmd[0] >> 20) & 0x3f;

    if (tg == 0) {
        return num == 0 && scale == 0 && ttl == 0;
    }
    if (tg == 2 && ttl == 1 && !s->ds) {
        return false;
    }
    return num || scale || ttl;
}

/*
 * Check one user command against the allowed bits of its opcode and
 * rewrite it for the hardware: VMID stamped, vSID replaced by the pSID,
 * NSNH_ALL turned into NH_ALL.  Any violation is -EIO.
 */
static int hs_inv_convert(HSViommu *v, uint64_t cmd[2])
{
    HSSmmu *s = v->smmu;
    uint64_t asid = s->asid16 ? HS_CMD0_ASID16 : HS_CMD0_ASID8;
    uint64_t ril0 = 0, ril1 = 0, ok0 = HS_CMD_OP, ok1 = 0;
    unsigned op = cmd[0] & HS_CMD_OP;
    uint16_t vmid = v->s2->vmid;
    bool sid = false;

    if (s->ril) {
        ril0 = HS_CMD0_NUM | HS_CMD0_SCALE_LO |
               (s->ds ? HS_CMD0_SCALE_HI : 0);
        ril1 = HS_CMD1_TTL | HS_CMD1_TG;
    }
    switch (op) {
    case CMD_TLBI_NSNH_ALL:
        break;
    case CMD_TLBI_NH_ALL:
        ok0 |= HS_CMD0_VMID;
        break;
    case CMD_TLBI_NH_ASID:
        ok0 |= HS_CMD0_VMID | asid;
        break;
    case CMD_TLBI_NH_VA:
        ok0 |= HS_CMD0_VMID | asid | ril0;
        ok1 = HS_CMD1_LEAF | HS_CMD1_ADDR | ril1;
        break;
    case CMD_TLBI_NH_VAA:
        ok0 |= HS_CMD0_VMID | ril0;
        ok1 = HS_CMD1_LEAF | HS_CMD1_ADDR | ril1;
        break;
    case CMD_ATC_INV:
        if (!s->ats) {
            return -EIO;
        }
        ok0 |= HS_CMD0_SID;
        if (s->ssidsize) {
            ok0 |= HS_CMD0_SSV | HS_CMD0_SSID | HS_CMD0_GLOBAL;
        }
        ok1 = HS_CMD1_ATC_SIZE | HS_CMD1_ADDR;
        sid = true;
        break;
    case CMD_CFGI_CD:
        ok0 |= HS_CMD0_SID | (s->ssidsize ? HS_CMD0_SSID : 0);
        ok1 = HS_CMD1_LEAF;
        sid = true;
        break;
    case CMD_CFGI_CD_ALL:
        ok0 |= HS_CMD0_SID;
        sid = true;
        break;
    default:
        /* CFGI_STE/ALL, PREFETCH, EL2/S2 TLBIs, PRI, RESUME, CMD_SYNC... */
        return -EIO;
    }
    if ((cmd[0] & ~ok0) || (cmd[1] & ~ok1)) {
        return -EIO;
    }
    if (op == CMD_ATC_INV && (cmd[1] & HS_CMD1_ATC_SIZE) > 52) {
        return -EIO;
    }
    if ((op == CMD_TLBI_NH_VA || op == CMD_TLBI_NH_VAA) && s->ril &&
        !hs_inv_range_ok(s, cmd)) {
        return -EIO;
    }

    if (op == CMD_TLBI_NSNH_ALL) {
        cmd[0] = CMD_TLBI_NH_ALL | ((uint64_t)vmid << 32);
        cmd[1] = 0;
    } else if (sid) {
        uint64_t vsid = cmd[0] >> 32;
        HSVdevice *vd = g_hash_table_lookup(v->vsids, &vsid);

        if (!vd) {
            return -EIO;
        }
        cmd[0] = (cmd[0] & ~HS_CMD0_SID) |
                 ((uint64_t)vd->dev->func->sid << 32);
    } else {
        cmd[0] = (cmd[0] & ~HS_CMD0_VMID) | ((uint64_t)vmid << 32);
    }
    return 0;
}

/*
 * Copy the user's array into cmds (entry_num entries of 16 bytes): one
 * bulk copy when entry_len is 16, else entry by entry with the
 * zero-extend / E2BIG rule of copy_struct_from_user.
 */
static int hs_inv_copy(uint64_t *cmds, const struct iommu_hwpt_invalidate *c)
{
    const size_t ksize = 2 * sizeof(uint64_t);
    uint32_t i;
    int rc;

    if (c->data_type != IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3) {
        return -EINVAL;
    }
    if (!c->entry_num) {
        return -EINVAL;             /* the driver copies a full array */
    }
    if (c->entry_len == ksize) {
        return hs_copy_from_user(cmds, c->data_uptr,
                                 (size_t)c->entry_num * ksize);
    }
    for (i = 0; i < c->entry_num; i++) {
        uint64_t src = c->data_uptr + (uint64_t)i * c->entry_len;
        uint8_t *dst = (uint8_t *)(cmds + 2 * i);

        if (c->entry_len < ksize) {
            memset(dst, 0, ksize);
            rc = hs_copy_from_user(dst, src, c->entry_len);
        } else {
            uint8_t tail[256];
            uint64_t off = ksize;

            while (off < c->entry_len) {
                size_t n = c->entry_len - off;
                size_t k;

                n = n < sizeof(tail) ? n : sizeof(tail);
                rc = hs_copy_from_user(tail, src + off, n);
                if (rc) {
                    return rc;
                }
                for (k = 0; k < n; k++) {
                    if (tail[k]) {
                        return -E2BIG;
                    }
                }
                off += n;
            }
            rc = hs_copy_from_user(dst, src, ksize);
        }
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/*
 * The driver's cache_invalidate: convert in order, submit every 63
 * converted commands (each batch followed by a CMD_SYNC).  *done is the
 * index reached: a bad command at k gives k, which counts the validated
 * but unsubmitted entries of the current batch (3.3 caveat).
 */
static int hs_viommu_invalidate(HSViommu *v,
                                const struct iommu_hwpt_invalidate *c,
                                uint32_t *done)
{
    uint32_t cur = 0, last = 0, n = c->entry_num;
    uint64_t *cmds;
    int rc;

    *done = 0;
    cmds = g_new0(uint64_t, 2 * (size_t)(n ? n : 1));
    rc = hs_inv_copy(cmds, c);
    if (rc) {
        goto out;
    }
    while (cur != n) {
        rc = hs_inv_convert(v, cmds + 2 * cur);
        if (rc) {
            goto out;
        }
        cur++;
        if (cur != n && cur - last != HS_CMDQ_BATCH) {
            continue;
        }
        rc = hs_smmu_submit(v->smmu, cmds + 2 * last, cur - last);
        if (rc) {
            cur--;
            goto out;
        }
        last = cur;
    }
out:
    *done = cur;
    g_free(cmds);
    return rc;
}

int hs_ioctl_hwpt_invalidate(HSUcmd *u)
{
    struct iommu_hwpt_invalidate *cmd = u->cmd;
    uint32_t done = 0;
    HSObj *obj;
    int err = 0, rc;

    if (cmd->__reserved) {
        rc = -EOPNOTSUPP;
        goto out;
    }
    if (cmd->entry_num &&
        (!cmd->data_uptr || !cmd->entry_len ||
         cmd->entry_len > HS_PAGE_SIZE ||
         cmd->entry_num > HS_INV_ENTRY_NUM_MAX)) {
        rc = -EINVAL;
        goto out;
    }
    obj = hs_obj_get(u->ictx, cmd->hwpt_id, HS_OBJ_ANY, &err);
    if (!obj) {
        rc = err;
        goto out;
    }
    if (obj->type == HS_OBJ_HWPT_NESTED) {
        /* SMMUv3 nested domains have no cache_invalidate_user. */
        rc = -EOPNOTSUPP;
    } else if (obj->type == HS_OBJ_VIOMMU) {
        rc = hs_viommu_invalidate((HSViommu *)obj, cmd, &done);
    } else {
        rc = -EINVAL;
    }
out:
    cmd->entry_num = done;
    if (hs_ucmd_respond(u)) {
        return -EFAULT;
    }
    return rc;
}

/* ---- vEVENTQ (1.20) ------------------------------------------------- */

typedef struct HSVevent {
    uint32_t seq;
    uint32_t len;
    uint8_t data[32];
} HSVevent;

static bool hs_veventq_empty(HSVeventq *q)
{
    return g_queue_is_empty(&q->events) && !q->lost_marker;
}

static void hs_veventq_update(HSVeventq *q)
{
    if (q->file) {
        hs_fd_set_readable(q->file, !hs_veventq_empty(q));
    }
}

static uint32_t hs_veventq_next_seq(HSVeventq *q)
{
    uint32_t seq = q->seq;

    q->seq = (q->seq + 1) & 0x7fffffff;
    return seq;
}

/*
 * Queue one event record (the kernel's iommufd_viommu_report_event).
 * A full queue, or a failed allocation, (re)places the single lost-events
 * marker at the tail instead; a normal record pushes the marker out
 * first.  Every item takes the next sequence number.
 */
static int hs_veventq_push(HSVeventq *q, const void *data, uint32_t len)
{
    HSVevent *ev = NULL;
    int rc = 0;

    if (q->num_events < q->depth) {
        rc = hs_inject(ENOMEM, "vevent");
        if (rc == 0) {
            ev = g_new0(HSVevent, 1);
        }
    }
    if (!ev) {
        q->lost_marker = true;
        q->lost_seq = hs_veventq_next_seq(q);
    } else {
        if (len > sizeof(ev->data)) {
            len = sizeof(ev->data);
        }
        memcpy(ev->data, data, len);
        ev->len = len;
        q->lost_marker = false;
        ev->seq = hs_veventq_next_seq(q);
        g_queue_push_tail(&q->events, ev);
        q->num_events++;
    }
    hs_veventq_update(q);
    return rc;
}

int hs_ioctl_veventq_alloc(HSUcmd *u)
{
    struct iommu_veventq_alloc *cmd = u->cmd;
    HSVeventq *q;
    HSViommu *v;
    unsigned i;
    int err = 0, rc, fd;

    if (cmd->flags || cmd->__reserved ||
        cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT) {
        return -EOPNOTSUPP;
    }
    if (!cmd->veventq_depth || cmd->veventq_depth > HS_VEVENTQ_MAX_DEPTH) {
        return -EINVAL;
    }
    v = (HSViommu *)hs_obj_get(u->ictx, cmd->viommu_id, HS_OBJ_VIOMMU, &err);
    if (!v) {
        return err;
    }
    for (i = 0; i < v->queues->len; i++) {
        HSVeventq *other = g_ptr_array_index(v->queues, i);

        if (other->type == cmd->type) {
            return -EEXIST;
        }
    }
    q = hs_obj_alloc(u->ictx, HS_OBJ_VEVENTQ, sizeof(*q), &err);
    if (!q) {
        return err;
    }
    q->type = cmd->type;
    q->viommu = v;
    v->obj.users++;
    q->depth = cmd->veventq_depth;
    g_queue_init(&q->events);
    g_ptr_array_add(v->queues, q);
    if (q->type == IOMMU_VEVENTQ_TYPE_ARM_SMMUV3) {
        v->veventq = q;
    }

    fd = hs_fd_new(HS_FD_VEVENTQ, q, O_CLOEXEC | O_RDWR);
    if (fd < 0) {
        rc = fd;
        goto fail;
    }
    /* The open file holds the queue and the context. */
    q->file = hs_fd_lookup(fd);
    q->obj.users++;
    hs_ictx_get(u->ictx);

    cmd->out_veventq_id = q->obj.id;
    cmd->out_veventq_fd = fd;
    rc = hs_ucmd_respond(u);
    if (rc) {
        /* fput: the release hook drops what the file holds. */
        close(fd);
        goto fail;
    }
    hs_obj_publish(&q->obj);
    return 0;

fail:
    hs_veventq_destroy(q);
    hs_obj_abort(&q->obj);
    return rc;
}

ssize_t hs_veventq_read(HSVeventq *q, void *buf, size_t count)
{
    uint64_t uptr = (uint64_t)(uintptr_t)buf;
    struct iommufd_vevent_header hdr;
    size_t done = 0;

    if (count < sizeof(hdr)) {
        return -EINVAL;
    }
    while (!g_queue_is_empty(&q->events)) {
        HSVevent *ev = g_queue_peek_head(&q->events);
        size_t need = sizeof(hdr) + ev->len;

        if (need > count - done) {
            if (done == 0) {
                hs_veventq_update(q);
                return -EINVAL;     /* the first record does not fit */
            }
            goto out;
        }
        hdr.flags = 0;
        hdr.sequence = ev->seq;
        if (hs_copy_to_user(uptr + done, &hdr, sizeof(hdr)) ||
            hs_copy_to_user(uptr + done + sizeof(hdr), ev->data, ev->len)) {
            if (done == 0) {
                return -EFAULT;
            }
            goto out;
        }
        done += need;
        g_queue_pop_head(&q->events);
        q->num_events--;
        g_free(ev);
    }
    if (q->lost_marker && count - done >= sizeof(hdr)) {
        hdr.flags = IOMMU_VEVENTQ_FLAG_LOST_EVENTS;
        hdr.sequence = q->lost_seq;
        if (hs_copy_to_user(uptr + done, &hdr, sizeof(hdr))) {
            if (done == 0) {
                return -EFAULT;
            }
            goto out;
        }
        done += sizeof(hdr);
        q->lost_marker = false;
    }
out:
    hs_veventq_update(q);
    return done;
}

void hs_veventq_fd_closed(HSVeventq *q)
{
    HSIctx *ictx = q->obj.ictx;

    q->file = NULL;
    q->obj.users--;
    hs_ictx_put(ictx);              /* last: may tear the context down */
}

void hs_veventq_destroy(HSVeventq *q)
{
    HSViommu *v = q->viommu;
    HSVevent *ev;

    while ((ev = g_queue_pop_head(&q->events))) {
        g_free(ev);
    }
    q->num_events = 0;
    q->lost_marker = false;
    if (v) {
        if (v->queues) {
            g_ptr_array_remove(v->queues, q);
        }
        if (v->veventq == q) {
            v->veventq = NULL;
        }
        v->obj.users--;
        q->viommu = NULL;
    }
}

/* ---- events (3.5) --------------------------------------------------- */

#define HS_EVT1_STALL           (1ULL << 31)
#define HS_EVT1_S2              (1ULL << 39)

bool hs_viommu_report_event(HSSmmu *smmu, const uint64_t evt[4])
{
    uint64_t rec[4];
    HSDevice *dev;
    HSViommu *v;
    HSFunc *f;

    switch (evt[0] & 0xff) {
    case 0x04:          /* C_BAD_STE */
    case 0x06:          /* F_STREAM_DISABLED */
    case 0x08:          /* C_BAD_SUBSTREAMID */
    case 0x0a:          /* C_BAD_CD */
    case 0x10:          /* F_TRANSLATION */
    case 0x11:          /* F_ADDR_SIZE */
    case 0x12:          /* F_ACCESS */
    case 0x13:          /* F_PERMISSION */
        break;
    default:
        return false;   /* logged on the host only */
    }
    if (evt[1] & HS_EVT1_STALL) {
        return false;   /* the IOPF path */
    }
    f = hs_func_by_sid(smmu, (uint32_t)(evt[0] >> 32));
    dev = f ? f->idev : NULL;
    v = dev ? dev->vmaster : NULL;
    if (!v || (evt[1] & HS_EVT1_S2) || !v->veventq) {
        return false;
    }
    rec[0] = (evt[0] & 0xffffffffULL) |
             ((dev->vmaster_vsid & 0xffffffffULL) << 32);
    rec[1] = evt[1];
    rec[2] = evt[2];
    rec[3] = evt[3];
    return hs_veventq_push(v->veventq, rec, sizeof(rec)) == 0;
}

/* ---- fault queue (1.21) --------------------------------------------- */

int hs_ioctl_fault_queue_alloc(HSUcmd *u)
{
    struct iommu_fault_alloc *cmd = u->cmd;
    HSFault *f;
    int err = 0, rc, fd;

    if (cmd->flags) {
        return -EOPNOTSUPP;
    }
    f = hs_obj_alloc(u->ictx, HS_OBJ_FAULT, sizeof(*f), &err);
    if (!f) {
        return err;
    }
    fd = hs_fd_new(HS_FD_FAULT, f, O_CLOEXEC | O_RDWR);
    if (fd < 0) {
        rc = fd;
        goto fail;
    }
    f->file = hs_fd_lookup(fd);
    f->obj.users++;
    hs_ictx_get(u->ictx);

    cmd->out_fault_id = f->obj.id;
    cmd->out_fault_fd = fd;
    rc = hs_ucmd_respond(u);
    if (rc) {
        close(fd);
        goto fail;
    }
    hs_obj_publish(&f->obj);
    return 0;

fail:
    hs_fault_destroy(f);
    hs_obj_abort(&f->obj);
    return rc;
}

/*
 * No simulated device stalls, so no fault group is ever pending: reads
 * return nothing and every response names an unknown cookie.
 */
ssize_t hs_fault_read(HSFault *f, void *buf, size_t count)
{
    (void)f;
    (void)buf;
    if (count % sizeof(struct iommu_hwpt_pgfault)) {
        return -ESPIPE;
    }
    return 0;
}

ssize_t hs_fault_write(HSFault *f, const void *buf, size_t count)
{
    struct iommu_hwpt_page_response resp;
    int rc;

    (void)f;
    if (count % sizeof(resp)) {
        return -ESPIPE;
    }
    if (count == 0) {
        return 0;
    }
    rc = hs_copy_from_user(&resp, (uint64_t)(uintptr_t)buf, sizeof(resp));
    if (rc) {
        return rc;
    }
    return -EINVAL;                 /* no such cookie */
}

void hs_fault_fd_closed(HSFault *f)
{
    HSIctx *ictx = f->obj.ictx;

    f->file = NULL;
    f->obj.users--;
    hs_ictx_put(ictx);
}

void hs_fault_destroy(HSFault *f)
{
    (void)f;
}

/* ---- HW queues (1.22) ----------------------------------------------- */

int hs_ioctl_hw_queue_alloc(HSUcmd *u)
{
    struct iommu_hw_queue_alloc *cmd = u->cmd;
    uint64_t last;
    int err = 0;

    if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT) {
        return -EOPNOTSUPP;
    }
    if (!cmd->length) {
        return -EINVAL;
    }
    if (__builtin_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
                               &last)) {
        return -EOVERFLOW;
    }
    if (!hs_obj_get(u->ictx, cmd->viommu_id, HS_OBJ_VIOMMU, &err)) {
        return err;
    }
    /* A plain SMMUv3 vIOMMU has no HW queues. */
    return -EOPNOTSUPP;
}
