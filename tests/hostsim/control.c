/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host simulator's control channel: the text protocol tests use to
 * look inside the simulated kernel and hardware and to steer them
 * (docs/devel/hostsim.rst has the protocol).  One request is a line
 * "verb key=value ..."; the reply is "ok [key=value ...]", or
 * "ok count=N" and N record lines, or "error ERRNAME message".
 *
 * hs_control_handle() serves one line under the simulator lock and is
 * exported as hostsim_control(); control-socket.c serves it on the Unix
 * socket named by HOSTSIM_CONTROL.  Verbs live in one table sorted by
 * name.  Nothing a client sends can crash the process: every argument is
 * checked, syntax errors (EINVAL) before unknown targets (ENOENT), and
 * every failure is an error reply.
 */
#include "hostsim-int.h"
#include "hostsim.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CTL_MAX_ARGS        8

/* ---- errno names ---- */

static const struct {
    int err;
    const char *name;
} ctl_errnames[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
    { EIO, "EIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
    { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" },
    { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
    { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
    { ENOSYS, "ENOSYS" }, { ENOTTY, "ENOTTY" }, { EOVERFLOW, "EOVERFLOW" },
    { EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
    { EADDRINUSE, "EADDRINUSE" }, { ETIMEDOUT, "ETIMEDOUT" },
};

static const char *ctl_errname(int err, char *buf, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ctl_errnames); i++) {
        if (ctl_errnames[i].err == err) {
            return ctl_errnames[i].name;
        }
    }
    snprintf(buf, len, "E%d", err);
    return buf;
}

/* ---- one request ---- */

typedef struct CtlArg {
    char *key;
    char *val;
} CtlArg;

typedef struct CtlReq {
    CtlArg args[CTL_MAX_ARGS];
    unsigned nargs;
    GString *out;           /* the reply */
} CtlReq;

/* Replace whatever reply was started with an error line; returns false. */
G_GNUC_PRINTF(3, 4)
static bool ctl_error(CtlReq *r, int err, const char *fmt, ...)
{
    char buf[16];
    va_list ap;

    g_string_truncate(r->out, 0);
    g_string_append_printf(r->out, "error %s ",
                           ctl_errname(err, buf, sizeof(buf)));
    va_start(ap, fmt);
    g_string_append_vprintf(r->out, fmt, ap);
    va_end(ap);
    g_string_append_c(r->out, '\n');
    return false;
}

G_GNUC_PRINTF(2, 3)
static void ctl_ok(CtlReq *r, const char *fmt, ...)
{
    va_list ap;

    g_string_truncate(r->out, 0);
    g_string_append(r->out, "ok");
    if (fmt) {
        g_string_append_c(r->out, ' ');
        va_start(ap, fmt);
        g_string_append_vprintf(r->out, fmt, ap);
        va_end(ap);
    }
    g_string_append_c(r->out, '\n');
}

/* "ok count=N" followed by the N lines of records. */
static void ctl_ok_records(CtlReq *r, unsigned count, const char *extra,
                           const GString *records)
{
    g_string_truncate(r->out, 0);
    g_string_append_printf(r->out, "ok count=%u%s%s\n", count,
                           extra ? " " : "", extra ? extra : "");
    g_string_append_len(r->out, records->str, records->len);
}

static const char *ctl_arg(CtlReq *r, const char *key)
{
    for (unsigned i = 0; i < r->nargs; i++) {
        if (strcmp(r->args[i].key, key) == 0) {
            return r->args[i].val;
        }
    }
    return NULL;
}

/*
 * A number as the protocol writes them: 0x followed by hex digits, or
 * decimal digits.  No sign, no spaces, no overflow.
 */
static bool ctl_parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        unsigned d;

        if (g_ascii_isdigit(*s)) {
            d = *s - '0';
        } else if (base == 16 && g_ascii_isxdigit(*s)) {
            d = g_ascii_xdigit_value(*s);
        } else {
            return false;
        }
        if (v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}

/*
 * The number argument key, at most max.  A missing argument is an error
 * when required, else *out keeps its default.
 */
static bool ctl_u64(CtlReq *r, const char *key, bool required,
                    uint64_t max, uint64_t *out)
{
    const char *v = ctl_arg(r, key);
    uint64_t n;

    if (!v) {
        return required ? ctl_error(r, EINVAL, "missing argument %s=", key)
                        : true;
    }
    if (!ctl_parse_u64(v, &n)) {
        return ctl_error(r, EINVAL, "%s=%.64s is not a number", key, v);
    }
    if (n > max) {
        return ctl_error(r, EINVAL, "%s=%.64s is out of range (max %" PRIu64
                         ")", key, v, max);
    }
    *out = n;
    return true;
}

static bool ctl_bool(CtlReq *r, const char *key, bool *out)
{
    uint64_t v = *out;

    if (!ctl_u64(r, key, false, 1, &v)) {
        return false;
    }
    *out = v;
    return true;
}

/* smmu=I (index) or smmu=NAME ("smmu3.0x..."). */
static HSSmmu *ctl_smmu(CtlReq *r)
{
    const char *v = ctl_arg(r, "smmu");
    HSSmmu *s = NULL;
    uint64_t i;

    if (!v) {
        ctl_error(r, EINVAL, "missing argument smmu=");
        return NULL;
    }
    if (hs_topo) {
        if (ctl_parse_u64(v, &i)) {
            if (i < hs_topo->smmus->len) {
                s = g_ptr_array_index(hs_topo->smmus, i);
            }
        } else {
            s = hs_smmu_by_name(v);
        }
    }
    if (!s) {
        ctl_error(r, ENOENT, "no SMMU %.64s", v);
    }
    return s;
}

static HSFunc *ctl_func(CtlReq *r)
{
    const char *v = ctl_arg(r, "bdf");
    HSFunc *f = NULL;

    if (!v) {
        ctl_error(r, EINVAL, "missing argument bdf=");
        return NULL;
    }
    if (hs_topo) {
        f = hs_func_by_bdf(v);
    }
    if (!f) {
        ctl_error(r, ENOENT, "no PCI function %.64s", v);
    }
    return f;
}

/* ---- verbs ---- */

static void ctl_ping(CtlReq *r)
{
    ctl_ok(r, "pid=%ld", (long)getpid());
}

static void ctl_topology(CtlReq *r)
{
    g_autoptr(GString) rec = g_string_new(NULL);
    unsigned n = 0, nsmmu = 0, nfunc = 0;
    g_autofree char *extra = NULL;

    for (guint i = 0; hs_topo && i < hs_topo->smmus->len; i++) {
        HSSmmu *s = g_ptr_array_index(hs_topo->smmus, i);

        g_string_append_printf(rec,
            "smmu=%u name=%s base=0x%" PRIx64 " nesting=%d s2fwb=%d "
            "ril=%d ats=%d vmid16=%d asid16=%d oas=%u ssidsize=%u "
            "sidsize=%u granules=%s%s%s",
            s->index, s->name, s->base, s->nesting, s->s2fwb, s->ril,
            s->ats, s->vmid16, s->asid16, s->oas_bits, s->ssidsize,
            s->sidsize, s->gran4k ? "4k" : "",
            s->gran16k ? (s->gran4k ? ",16k" : "16k") : "",
            s->gran64k ? (s->gran4k || s->gran16k ? ",64k" : "64k") : "");
        for (unsigned j = 0; j < 6; j++) {
            g_string_append_printf(rec, " idr%u=0x%08" PRIx32, j, s->idr[j]);
        }
        g_string_append_printf(rec, " iidr=0x%08" PRIx32 " aidr=0x%08"
                               PRIx32 "\n", s->iidr, s->aidr);
        n++;
        nsmmu++;
    }
    for (guint i = 0; hs_topo && i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);

        g_string_append_printf(rec,
            "func=%u bdf=%s vendor=0x%04x device=0x%04x class=0x%06x "
            "smmu=%u sid=0x%" PRIx32 " group=%u vfio=%u canwbs=%d ats=%d "
            "msi=%u msix=%u removed=%d\n",
            f->index, f->bdf, f->vendor, f->device, f->class_code,
            f->smmu ? f->smmu->index : 0, f->sid, f->group, f->vfio_index,
            f->canwbs, f->ats, f->msi_vectors, f->msix_vectors, f->removed);
        n++;
        nfunc++;
    }
    extra = g_strdup_printf("smmus=%u funcs=%u", nsmmu, nfunc);
    ctl_ok_records(r, n, extra, rec);
}

/* evt=A,B,C,D: the four 64-bit words of an event record. */
static bool ctl_event_words(CtlReq *r, uint64_t evt[4])
{
    const char *v = ctl_arg(r, "evt");
    g_auto(GStrv) words = NULL;

    if (!v) {
        return ctl_error(r, EINVAL, "missing argument evt=");
    }
    words = g_strsplit(v, ",", -1);
    if (g_strv_length(words) != 4) {
        return ctl_error(r, EINVAL, "evt= needs four comma-separated "
                         "64-bit words");
    }
    for (unsigned i = 0; i < 4; i++) {
        if (!ctl_parse_u64(words[i], &evt[i])) {
            return ctl_error(r, EINVAL, "evt word %u (%.64s) is not a 64-bit "
                             "number", i, words[i]);
        }
    }
    return true;
}

static void ctl_inject_event(CtlReq *r)
{
    HSSmmuStats before = { 0 }, after = { 0 };
    uint64_t evt[4];
    HSSmmu *s;

    /* Syntax errors (EINVAL) come before unknown targets (ENOENT). */
    if (!ctl_event_words(r, evt) || !(s = ctl_smmu(r))) {
        return;
    }
    /* hs_viommu_report_event's verdict shows in the SMMU's counter. */
    hs_smmu_stats(s, &before);
    hs_smmu_raise_event(s, evt);
    hs_smmu_stats(s, &after);
    ctl_ok(r, "forwarded=%d",
           after.events_forwarded != before.events_forwarded);
}

/* SMMUv3 command opcodes (spec 4.1), for the log's readability. */
static const char *ctl_cmd_name(unsigned op)
{
    switch (op) {
    case 0x01: return "PREFETCH_CONFIG";
    case 0x02: return "PREFETCH_ADDR";
    case 0x03: return "CFGI_STE";
    case 0x04: return "CFGI_STE_RANGE";
    case 0x05: return "CFGI_CD";
    case 0x06: return "CFGI_CD_ALL";
    case 0x10: return "TLBI_NH_ALL";
    case 0x11: return "TLBI_NH_ASID";
    case 0x12: return "TLBI_NH_VA";
    case 0x13: return "TLBI_NH_VAA";
    case 0x18: return "TLBI_EL3_ALL";
    case 0x1a: return "TLBI_EL3_VA";
    case 0x20: return "TLBI_EL2_ALL";
    case 0x21: return "TLBI_EL2_ASID";
    case 0x22: return "TLBI_EL2_VA";
    case 0x23: return "TLBI_EL2_VAA";
    case 0x28: return "TLBI_S12_VMALL";
    case 0x2a: return "TLBI_S2_IPA";
    case 0x30: return "TLBI_NSNH_ALL";
    case 0x40: return "ATC_INV";
    case 0x41: return "PRI_RESP";
    case 0x44: return "RESUME";
    case 0x45: return "STALL_TERM";
    case 0x46: return "CMD_SYNC";
    }
    return "unknown";
}

static void ctl_cmd_log(CtlReq *r)
{
    g_autoptr(GString) rec = g_string_new(NULL);
    g_autofree char *extra = NULL;
    HSSmmuStats st = { 0 };
    const GArray *log;
    bool clear = false;
    unsigned n = 0;
    HSSmmu *s;

    if (!ctl_bool(r, "clear", &clear) || !(s = ctl_smmu(r))) {
        return;
    }
    log = hs_smmu_cmd_log(s);
    for (guint i = 0; log && i < log->len; i++) {
        const HSCmdLog *c = &g_array_index(log, HSCmdLog, i);

        g_string_append_printf(rec, "cmd0=0x%016" PRIx64 " cmd1=0x%016"
                               PRIx64 " op=%s origin=%s\n",
                               c->cmd[0], c->cmd[1],
                               ctl_cmd_name(c->cmd[0] & 0xff),
                               c->origin == HS_CMD_USER ? "user" : "kernel");
        n++;
    }
    hs_smmu_stats(s, &st);
    extra = g_strdup_printf("dropped=%" PRIu64, st.cmds_dropped);
    if (clear) {
        hs_smmu_cmd_log_clear(s);
    }
    ctl_ok_records(r, n, extra, rec);
}

static void ctl_stats(CtlReq *r)
{
    HSSmmuStats st = { 0 };
    HSSmmu *s = ctl_smmu(r);

    if (!s) {
        return;
    }
    hs_smmu_stats(s, &st);
    ctl_ok(r, "tlb_hits=%" PRIu64 " tlb_misses=%" PRIu64
           " tlb_entries=%" PRIu64 " tlb_inval=%" PRIu64
           " cfg_hits=%" PRIu64 " cfg_misses=%" PRIu64
           " cfg_entries=%" PRIu64 " events=%" PRIu64
           " events_forwarded=%" PRIu64 " dma_ok=%" PRIu64
           " dma_faults=%" PRIu64 " cmds=%" PRIu64 " cmds_dropped=%" PRIu64,
           st.tlb_hits, st.tlb_misses, st.tlb_entries, st.tlb_inval,
           st.cfg_hits, st.cfg_misses, st.cfg_entries, st.events,
           st.events_forwarded, st.dma_ok, st.dma_faults, st.cmds,
           st.cmds_dropped);
}

static gint ctl_cmp_id(gconstpointer a, gconstpointer b)
{
    uint32_t x = GPOINTER_TO_UINT(*(gconstpointer *)a);
    uint32_t y = GPOINTER_TO_UINT(*(gconstpointer *)b);

    return x < y ? -1 : x > y;
}

/*
 * Every ID of every context: objects, and the IDs that force-destroyed
 * vDEVICEs keep until the context closes (1.2) as type=tombstone.  IDs
 * reserved by an allocation still in progress are not shown.
 */
static void ctl_objects(CtlReq *r)
{
    g_autoptr(GString) rec = g_string_new(NULL);
    unsigned n = 0;

    for (guint i = 0; hs_ictxs && i < hs_ictxs->len; i++) {
        HSIctx *ictx = g_ptr_array_index(hs_ictxs, i);
        g_autoptr(GPtrArray) ids = g_ptr_array_new();
        GHashTableIter it;
        gpointer key;

        if (!ictx->ids) {
            continue;
        }
        g_hash_table_iter_init(&it, ictx->ids);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            g_ptr_array_add(ids, key);
        }
        g_ptr_array_sort(ids, ctl_cmp_id);
        for (guint j = 0; j < ids->len; j++) {
            gpointer v = g_hash_table_lookup(ictx->ids, ids->pdata[j]);
            HSObj *obj = v;

            if (v == HS_ID_RESERVED) {
                continue;
            }
            if (v == HS_ID_TOMBSTONE) {
                g_string_append_printf(rec, "ictx=%u id=%u type=tombstone "
                                       "users=0\n", ictx->index,
                                       GPOINTER_TO_UINT(ids->pdata[j]));
            } else {
                g_string_append_printf(rec, "ictx=%u id=%u type=%s "
                                       "users=%u\n", ictx->index, obj->id,
                                       hs_obj_type_name(obj->type),
                                       obj->users);
            }
            n++;
        }
    }
    ctl_ok_records(r, n, NULL, rec);
}

static const char *ctl_ste_kind(const HSSte *ste)
{
    switch (ste ? ste->kind : HS_STE_ABORT) {
    case HS_STE_ABORT:
        return "abort";
    case HS_STE_S1_DOMAIN:
        return "s1";
    case HS_STE_S2_DOMAIN:
        return "s2";
    case HS_STE_NESTED:
        return "nested";
    }
    return "unknown";
}

static void ctl_attachments(CtlReq *r)
{
    g_autoptr(GString) rec = g_string_new(NULL);
    unsigned n = 0;

    for (guint i = 0; hs_topo && i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);
        const HSSte *ste = f->smmu ? hs_smmu_get_ste(f->smmu, f->sid) : NULL;
        HSDevice *idev = f->idev;
        unsigned vmid = 0;

        if (ste && (ste->kind == HS_STE_S2_DOMAIN ||
                    ste->kind == HS_STE_NESTED)) {
            vmid = ste->vmid;
        }
        g_string_append_printf(rec,
            "bdf=%s smmu=%u sid=0x%" PRIx32 " bound=%d dev_id=%u ictx=%d "
            "hwpt=%u ste=%s vmid=%u",
            f->bdf, f->smmu ? f->smmu->index : 0, f->sid, f->bound != NULL,
            idev ? idev->obj.id : 0,
            idev && idev->obj.ictx ? (int)idev->obj.ictx->index : -1,
            idev && idev->attached ? idev->attached->obj.id : 0,
            ctl_ste_kind(ste), vmid);
        if (idev && idev->vmaster) {
            g_string_append_printf(rec, " vsid=0x%" PRIx64,
                                   idev->vmaster_vsid);
        } else {
            g_string_append(rec, " vsid=none");
        }
        /* The STE's ATS and S2FWB bits (0 for abort and S1 domains). */
        g_string_append_printf(rec, " eats=%d s2fwb=%d",
                               ste && ste->kind != HS_STE_ABORT && ste->eats,
                               ste && (ste->kind == HS_STE_S2_DOMAIN ||
                                       ste->kind == HS_STE_NESTED) &&
                               ste->s2fwb);
        g_string_append_printf(rec, " removed=%d unplug=%d\n", f->removed,
                               f->unplug_requested);
        n++;
    }
    ctl_ok_records(r, n, NULL, rec);
}

static bool ctl_hex_decode(const char *hex, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]);
        int lo = g_ascii_xdigit_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return false;
        }
        buf[i] = hi << 4 | lo;
    }
    return true;
}

static void ctl_dma(CtlReq *r)
{
    const char *data = ctl_arg(r, "data");
    g_autofree uint8_t *buf = NULL;
    uint64_t addr, len = 0;
    HSFunc *f;
    int ret;

    if (!ctl_arg(r, "bdf")) {
        ctl_error(r, EINVAL, "missing argument bdf=");
        return;
    }
    if (!ctl_u64(r, "addr", true, UINT64_MAX, &addr) ||
        !ctl_u64(r, "len", !data, HOSTSIM_DMA_MAX, &len)) {
        return;
    }
    if (data) {
        size_t hexlen = strlen(data);

        if (hexlen == 0 || hexlen % 2 || hexlen / 2 > HOSTSIM_DMA_MAX) {
            ctl_error(r, EINVAL, "data= needs 1 to %u bytes as an even "
                      "number of hex digits", HOSTSIM_DMA_MAX);
            return;
        }
        if (ctl_arg(r, "len") && len != hexlen / 2) {
            ctl_error(r, EINVAL, "len=%" PRIu64 " but data= has %zu bytes",
                      len, hexlen / 2);
            return;
        }
        len = hexlen / 2;
    }
    if (len == 0) {
        ctl_error(r, EINVAL, "len=0");
        return;
    }
    buf = g_malloc0(len);
    if (data && !ctl_hex_decode(data, buf, len)) {
        ctl_error(r, EINVAL, "data= is not hex");
        return;
    }
    f = ctl_func(r);
    if (!f) {
        return;
    }
    ret = hs_smmu_dma(f, addr, buf, len, data != NULL);
    if (ret < 0) {
        ctl_error(r, -ret, "DMA of %" PRIu64 " bytes at 0x%" PRIx64 " by %s "
                  "failed: %s", len, addr, f->bdf, g_strerror(-ret));
        return;
    }
    if (data) {
        ctl_ok(r, "len=%" PRIu64, len);
    } else {
        g_autoptr(GString) hex = g_string_sized_new(2 * len);

        for (uint64_t i = 0; i < len; i++) {
            g_string_append_printf(hex, "%02x", buf[i]);
        }
        ctl_ok(r, "len=%" PRIu64 " data=%s", len, hex->str);
    }
}

/*
 * Hot-unplug (3.8): with the cdev open, vfio-pci signals the REQ eventfd
 * and the removal waits until user space closes it; with nothing open
 * the removal is immediate (vfio.c does both).
 */
static void ctl_unplug(CtlReq *r)
{
    HSFunc *f = ctl_func(r);
    int ret;

    if (!f) {
        return;
    }
    if (f->removed) {
        ctl_error(r, ENODEV, "%s is already unplugged", f->bdf);
        return;
    }
    ret = hs_vfio_request_unplug(f);
    ctl_ok(r, "removed=%d signalled=%d", f->removed, ret == 0);
}

static void ctl_replug(CtlReq *r)
{
    HSFunc *f = ctl_func(r);

    if (!f) {
        return;
    }
    if (!f->removed && !f->unplug_requested) {
        ctl_error(r, EINVAL, "%s is not unplugged", f->bdf);
        return;
    }
    f->removed = false;
    f->unplug_requested = false;
    hs_sysfs_update_func(f);
    ctl_ok(r, NULL);
}

static void ctl_fail_nth(CtlReq *r)
{
    uint64_t n;

    if (!ctl_u64(r, "n", true, UINT_MAX, &n)) {
        return;
    }
    hs_failnth_set(n);
    ctl_ok(r, NULL);
}

static void ctl_fail_nth_status(CtlReq *r)
{
    const char *where = NULL;
    int err = 0;
    bool consumed = hs_failnth_last(&where, &err);

    ctl_ok(r, "remaining=%u consumed=%d where=%s errno=%d",
           hs_failnth_remaining(), consumed,
           consumed && where && *where ? where : "none", err);
}

static void ctl_leaks(CtlReq *r)
{
    g_autoptr(GString) rec = g_string_new(NULL);
    unsigned n = 0;

    hs_leak_report(rec);
    for (gsize i = 0; i < rec->len; i++) {
        n += rec->str[i] == '\n';
    }
    ctl_ok_records(r, n, NULL, rec);
}

/* ---- the verb table ---- */

static void ctl_help(CtlReq *r);

typedef struct CtlVerb {
    const char *name;
    void (*handler)(CtlReq *r);
    const char *keys;       /* accepted argument keys, space separated */
    const char *usage;
    const char *help;
} CtlVerb;

/* Sorted by name (bsearch); test-control checks the order. */
static const CtlVerb ctl_verbs[] = {
    { "attachments", ctl_attachments, "", "",
      "each PCI function: binding, DEVICE id, the STE its SID has" },
    { "cmd-log", ctl_cmd_log, "smmu clear", "smmu=I|NAME [clear=1]",
      "commands the SMMU received (after rewriting); clear=1 empties it" },
    { "dma", ctl_dma, "bdf addr len data",
      "bdf=B addr=A len=L [data=HEX]",
      "DMA by the function through its SMMU: read len bytes, or write data" },
    { "fail-nth", ctl_fail_nth, "n", "n=N",
      "the Nth injection point from now fails once; n=0 disarms" },
    { "fail-nth-status", ctl_fail_nth_status, "", "",
      "remaining count, whether the failure happened, where and errno" },
    { "help", ctl_help, "", "", "this list" },
    { "inject-event", ctl_inject_event, "smmu evt",
      "smmu=I|NAME evt=A,B,C,D",
      "a raw 32-byte event record by physical SID; forwarded=1 if a "
      "vEVENTQ got it" },
    { "leaks", ctl_leaks, "", "",
      "live objects, mapped areas, open simulated fds" },
    { "objects", ctl_objects, "", "",
      "every object ID of every iommufd context" },
    { "ping", ctl_ping, "", "", "is the simulator there" },
    { "replug", ctl_replug, "bdf", "bdf=B",
      "bring an unplugged function back" },
    { "stats", ctl_stats, "smmu", "smmu=I|NAME",
      "TLB, configuration cache, event and DMA counters of the SMMU" },
    { "topology", ctl_topology, "", "",
      "the SMMUs and PCI functions of the host" },
    { "unplug", ctl_unplug, "bdf", "bdf=B",
      "hot-unplug request: REQ eventfd, removed once the fd closes" },
};

static int ctl_verb_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const CtlVerb *)elem)->name);
}

static void ctl_help(CtlReq *r)
{
    g_autoptr(GString) rec = g_string_new(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(ctl_verbs); i++) {
        const CtlVerb *v = &ctl_verbs[i];

        g_string_append_printf(rec, "%s%s%s -- %s\n", v->name,
                               *v->usage ? " " : "", v->usage, v->help);
    }
    ctl_ok_records(r, G_N_ELEMENTS(ctl_verbs), NULL, rec);
}

/* ---- request parsing and dispatch ---- */

static bool ctl_key_allowed(const CtlVerb *v, const char *key)
{
    size_t klen = strlen(key);
    const char *p = v->keys;

    while (*p) {
        size_t len = strcspn(p, " ");

        if (len == klen && strncmp(p, key, len) == 0) {
            return true;
        }
        p += len;
        p += *p == ' ';
    }
    return false;
}

static void ctl_dispatch(CtlReq *r, const char *line)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    const CtlVerb *verb = NULL;

    for (unsigned i = 0; words[i]; i++) {
        char *w = words[i], *eq;

        g_strstrip(w);
        if (!*w) {
            continue;
        }
        if (!verb) {
            verb = bsearch(w, ctl_verbs, G_N_ELEMENTS(ctl_verbs),
                           sizeof(ctl_verbs[0]), ctl_verb_cmp);
            if (!verb) {
                ctl_error(r, EINVAL, "unknown verb '%.64s' (try help)", w);
                return;
            }
            continue;
        }
        eq = strchr(w, '=');
        if (!eq || eq == w || !eq[1]) {
            ctl_error(r, EINVAL, "argument '%.64s' is not key=value", w);
            return;
        }
        *eq = '\0';
        if (!ctl_key_allowed(verb, w)) {
            ctl_error(r, EINVAL, "%s takes no argument %.64s=", verb->name,
                      w);
            return;
        }
        if (ctl_arg(r, w)) {
            ctl_error(r, EINVAL, "argument %s= given twice", w);
            return;
        }
        if (r->nargs == CTL_MAX_ARGS) {
            ctl_error(r, EINVAL, "too many arguments");
            return;
        }
        r->args[r->nargs].key = w;
        r->args[r->nargs].val = eq + 1;
        r->nargs++;
    }
    if (!verb) {
        ctl_error(r, EINVAL, "empty request (try help)");
        return;
    }
    /* A handler that forgot to reply would leave a silent client. */
    ctl_error(r, EIO, "%s gave no reply", verb->name);
    verb->handler(r);
}

char *hs_control_handle(const char *line)
{
    CtlReq r = { .out = g_string_new(NULL) };
    g_autofree char *copy = NULL;

    if (!line) {
        ctl_error(&r, EINVAL, "no request");
        return g_string_free(r.out, false);
    }
    copy = g_strdup(line);
    /* One request is one line: a trailing newline is allowed, no other. */
    g_strchomp(copy);
    if (strpbrk(copy, "\r\n")) {
        ctl_error(&r, EINVAL, "a request is one line");
        return g_string_free(r.out, false);
    }
    /* The start-up is lazy; a question about the host needs the host. */
    hs_init();
    hs_lock();
    ctl_dispatch(&r, copy);
    hs_unlock();
    return g_string_free(r.out, false);
}

__attribute__((visibility("default")))
char *hostsim_control(const char *request)
{
    return hs_control_handle(request);
}
