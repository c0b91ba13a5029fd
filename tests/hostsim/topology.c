/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated host's topology: which physical SMMUv3 instances exist,
 * with which ID registers, and which PCI functions sit behind them.  It
 * is read from a GKeyFile (groups "smmu.N" and "function.N", format in
 * docs/devel/hostsim.rst; tests/hostsim/default.topo is the built-in
 * default, compiled into the library so nothing is read at run time).
 *
 * An SMMU is described by options (nesting, s2fwb, ril, oas, ...) from
 * which the IDR values are computed, starting from the ID registers of
 * the lab's SMMU (QEMU's emulated SMMUv3); raw idr0..idr5/iidr/aidr keys
 * replace the computed values, and the derived fields the rest of the
 * simulator uses are then decoded from the final registers, so a raw
 * override and an option can never disagree.
 */
#include "hostsim-int.h"
#include "hostsim-default-topo.h"

#include <stdio.h>
#include <string.h>

HSTopology *hs_topo;

/*
 * SMMUv3 ID register fields (SMMUv3 spec 6.3.1-6.3.6) used here.
 */
#define IDR0_S2P            (1U << 0)
#define IDR0_S1P            (1U << 1)
#define IDR0_COHACC         (1U << 4)
#define IDR0_ATS            (1U << 10)
#define IDR0_ASID16         (1U << 12)
#define IDR0_VMID16         (1U << 18)
#define IDR1_SIDSIZE_SHIFT  0
#define IDR1_SSIDSIZE_SHIFT 6
#define IDR1_EVTQS_SHIFT    16
#define IDR1_CMDQS_SHIFT    21
#define IDR3_FWB            (1U << 8)
#define IDR3_RIL            (1U << 10)
#define IDR5_OAS_MASK       0x7U
#define IDR5_DS             (1U << 3)
#define IDR5_GRAN4K         (1U << 4)
#define IDR5_GRAN16K        (1U << 5)
#define IDR5_GRAN64K        (1U << 6)

/*
 * The lab's SMMU: IDR0 = S1P S2P TTF=AArch64 COHACC ASID16 VMID16
 * TTENDIAN=LE STALL_MODEL=1 TERM_MODEL ST_LEVEL=2-level; IDR3 = HAD XNX
 * RIL BBML2; queues of 2^19 entries.  The options then set or clear the
 * bits they describe.
 */
#define LAB_IDR0            0x0d44101bU
#define LAB_IDR3            0x00001414U
#define LAB_QUEUE_LOG2      19U
#define LAB_AIDR            0x1U        /* SMMUv3.1 */

/* IDR5.OAS encodings (SMMUv3 spec 6.3.6). */
static const unsigned oas_bits_by_code[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };

/* Defaults of a function's identity: QEMU's edu device. */
#define EDU_VENDOR          0x1234
#define EDU_DEVICE          0x11e8
#define EDU_CLASS           0x00ff00
#define EDU_SUBSYS_VENDOR   0x1af4
#define EDU_SUBSYS_DEVICE   0x1100
#define EDU_REVISION        0x10

#define MSIX_TABLE_ENTRY    16          /* bytes per MSI-X table entry */
#define MSIX_PBA_OFFSET     2048        /* PBA at +2 KiB in the BAR */

static const char *const smmu_keys[] = {
    "base", "nesting", "s2fwb", "ril", "ats", "oas", "granules",
    "ssidsize", "sidsize", "vmid16", "asid16", "cohacc",
    "idr0", "idr1", "idr2", "idr3", "idr4", "idr5", "iidr", "aidr", NULL,
};

static const char *const func_keys[] = {
    "bdf", "vendor", "device", "class", "subsys_vendor", "subsys_device",
    "revision", "smmu", "sid", "group", "vfio", "canwbs", "ats", "msi",
    "msix", "msix_bar", "bar0", "bar1", "bar2", "bar3", "bar4", "bar5",
    NULL,
};

/* ---- value parsing ---- */

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    guint64 v;

    if (!s || !*s || *s == '-' || g_ascii_isspace(*s)) {
        return false;
    }
    errno = 0;
    v = g_ascii_strtoull(s, &end, 0);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

/* A number key; absent keys leave *out alone.  max bounds the value. */
static bool get_num(GKeyFile *kf, const char *group, const char *key,
                    uint64_t max, uint64_t *out, GError **errp)
{
    g_autofree char *raw = NULL;
    g_autofree char *s = NULL;
    uint64_t v;

    if (!g_key_file_has_key(kf, group, key, NULL)) {
        return true;
    }
    raw = g_key_file_get_value(kf, group, key, NULL);
    s = g_strstrip(g_strdup(raw));
    if (!parse_u64(s, &v)) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] %s = %s: not a number", group, key, raw);
        return false;
    }
    if (v > max) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] %s = %s: larger than %" G_GUINT64_FORMAT,
                    group, key, raw, max);
        return false;
    }
    *out = v;
    return true;
}

static bool get_bool(GKeyFile *kf, const char *group, const char *key,
                     bool *out, GError **errp)
{
    GError *err = NULL;
    gboolean v;

    if (!g_key_file_has_key(kf, group, key, NULL)) {
        return true;
    }
    v = g_key_file_get_boolean(kf, group, key, &err);
    if (err) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] %s: expected true or false", group, key);
        g_error_free(err);
        return false;
    }
    *out = v;
    return true;
}

static bool check_keys(GKeyFile *kf, const char *group,
                       const char *const *known, GError **errp)
{
    g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);

    for (guint i = 0; keys && keys[i]; i++) {
        if (!g_strv_contains(known, keys[i])) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                        "[%s] unknown key '%s'", group, keys[i]);
            return false;
        }
    }
    return true;
}

static bool require_key(GKeyFile *kf, const char *group, const char *key,
                        GError **errp)
{
    if (!g_key_file_has_key(kf, group, key, NULL)) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                    "[%s] missing key '%s'", group, key);
        return false;
    }
    return true;
}

/* "64K", "1M", "0x1000": a size in bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
    g_autofree char *num = g_strstrip(g_strdup(s));
    size_t n = strlen(num);
    unsigned shift = 0;
    uint64_t v;

    if (n && !g_ascii_isxdigit(num[n - 1])) {
        switch (g_ascii_toupper(num[n - 1])) {
        case 'K':
            shift = 10;
            break;
        case 'M':
            shift = 20;
            break;
        case 'G':
            shift = 30;
            break;
        default:
            return false;
        }
        num[n - 1] = '\0';
    }
    if (!parse_u64(num, &v) || v > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = v << shift;
    return true;
}

/* ---- SMMUs ---- */

static bool smmu_parse_granules(const char *group, const char *spec,
                                uint32_t *idr5, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    uint32_t bits = 0;

    for (guint i = 0; parts[i]; i++) {
        const char *p = g_strstrip(parts[i]);

        if (!g_ascii_strcasecmp(p, "4k")) {
            bits |= IDR5_GRAN4K;
        } else if (!g_ascii_strcasecmp(p, "16k")) {
            bits |= IDR5_GRAN16K;
        } else if (!g_ascii_strcasecmp(p, "64k")) {
            bits |= IDR5_GRAN64K;
        } else {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] granules: '%s' is not 4k, 16k or 64k",
                        group, p);
            return false;
        }
    }
    if (!bits) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] granules: at least one of 4k, 16k, 64k", group);
        return false;
    }
    *idr5 = (*idr5 & ~(IDR5_GRAN4K | IDR5_GRAN16K | IDR5_GRAN64K)) | bits;
    return true;
}

static void set_bit(uint32_t *reg, uint32_t bit, bool on)
{
    *reg = on ? *reg | bit : *reg & ~bit;
}

/* Decode the fields the simulator uses from the final ID registers. */
static void smmu_derive(HSSmmu *s, bool nesting_opt)
{
    uint32_t idr0 = s->idr[0], idr1 = s->idr[1];
    uint32_t idr3 = s->idr[3], idr5 = s->idr[5];

    s->nesting = (idr0 & IDR0_S1P) && (idr0 & IDR0_S2P) && nesting_opt;
    s->s2fwb = idr3 & IDR3_FWB;
    s->ril = idr3 & IDR3_RIL;
    s->ats = idr0 & IDR0_ATS;
    s->vmid16 = idr0 & IDR0_VMID16;
    s->asid16 = idr0 & IDR0_ASID16;
    s->cohacc = idr0 & IDR0_COHACC;
    s->ds = idr5 & IDR5_DS;
    s->oas_bits = oas_bits_by_code[idr5 & IDR5_OAS_MASK];
    s->sidsize = (idr1 >> IDR1_SIDSIZE_SHIFT) & 0x3f;
    s->ssidsize = (idr1 >> IDR1_SSIDSIZE_SHIFT) & 0x1f;
    s->gran4k = idr5 & IDR5_GRAN4K;
    s->gran16k = idr5 & IDR5_GRAN16K;
    s->gran64k = idr5 & IDR5_GRAN64K;
}

static HSSmmu *smmu_load(GKeyFile *kf, const char *group, unsigned index,
                         GError **errp)
{
    g_autofree HSSmmu *s = g_new0(HSSmmu, 1);
    bool nesting = true, s2fwb = false, ril = true, ats = false;
    bool vmid16 = true, asid16 = true, cohacc = true;
    uint64_t base = 0, oas = 44, ssidsize = 0, sidsize = 16;
    int oas_code = -1;
    static const char *const raw_keys[] = {
        "idr0", "idr1", "idr2", "idr3", "idr4", "idr5", "iidr", "aidr",
    };

    if (!check_keys(kf, group, smmu_keys, errp) ||
        !require_key(kf, group, "base", errp) ||
        !get_num(kf, group, "base", UINT64_MAX, &base, errp) ||
        !get_bool(kf, group, "nesting", &nesting, errp) ||
        !get_bool(kf, group, "s2fwb", &s2fwb, errp) ||
        !get_bool(kf, group, "ril", &ril, errp) ||
        !get_bool(kf, group, "ats", &ats, errp) ||
        !get_bool(kf, group, "vmid16", &vmid16, errp) ||
        !get_bool(kf, group, "asid16", &asid16, errp) ||
        !get_bool(kf, group, "cohacc", &cohacc, errp) ||
        !get_num(kf, group, "oas", 64, &oas, errp) ||
        !get_num(kf, group, "ssidsize", 20, &ssidsize, errp) ||
        !get_num(kf, group, "sidsize", 32, &sidsize, errp)) {
        return NULL;
    }
    if (base & (HS_PAGE_SIZE - 1)) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] base 0x%" G_GINT64_MODIFIER "x is not 4 KiB "
                    "aligned", group, base);
        return NULL;
    }
    for (int i = 0; i < 7; i++) {
        if (oas_bits_by_code[i] == oas) {
            oas_code = i;
        }
    }
    if (oas_code < 0) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] oas = %" G_GUINT64_FORMAT ": one of 32, 36, 40, "
                    "42, 44, 48, 52", group, oas);
        return NULL;
    }
    if (sidsize == 0) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] sidsize must be 1..32", group);
        return NULL;
    }

    s->index = index;
    s->base = base;
    s->name = g_strdup_printf("smmu3.0x%016" G_GINT64_MODIFIER "x", base);

    /* The computed registers. */
    s->idr[0] = LAB_IDR0;
    set_bit(&s->idr[0], IDR0_S2P, nesting);
    set_bit(&s->idr[0], IDR0_ATS, ats);
    set_bit(&s->idr[0], IDR0_VMID16, vmid16);
    set_bit(&s->idr[0], IDR0_ASID16, asid16);
    set_bit(&s->idr[0], IDR0_COHACC, cohacc);
    s->idr[1] = (LAB_QUEUE_LOG2 << IDR1_CMDQS_SHIFT) |
                (LAB_QUEUE_LOG2 << IDR1_EVTQS_SHIFT) |
                ((uint32_t)ssidsize << IDR1_SSIDSIZE_SHIFT) |
                ((uint32_t)sidsize << IDR1_SIDSIZE_SHIFT);
    s->idr[2] = 0;
    s->idr[3] = LAB_IDR3;
    set_bit(&s->idr[3], IDR3_RIL, ril);
    set_bit(&s->idr[3], IDR3_FWB, s2fwb);
    s->idr[4] = 0;
    s->idr[5] = (uint32_t)oas_code;
    if (g_key_file_has_key(kf, group, "granules", NULL)) {
        g_autofree char *g = g_key_file_get_value(kf, group, "granules",
                                                  NULL);

        if (!smmu_parse_granules(group, g, &s->idr[5], errp)) {
            g_free(s->name);
            return NULL;
        }
    } else {
        s->idr[5] |= IDR5_GRAN4K | IDR5_GRAN16K | IDR5_GRAN64K;
    }
    s->iidr = 0;
    s->aidr = LAB_AIDR;

    /* Raw overrides win; the derived fields follow them. */
    for (unsigned i = 0; i < G_N_ELEMENTS(raw_keys); i++) {
        uint64_t v;

        if (!g_key_file_has_key(kf, group, raw_keys[i], NULL)) {
            continue;
        }
        if (!get_num(kf, group, raw_keys[i], UINT32_MAX, &v, errp)) {
            g_free(s->name);
            return NULL;
        }
        if (i < 6) {
            s->idr[i] = v;
        } else if (i == 6) {
            s->iidr = v;
        } else {
            s->aidr = v;
        }
    }
    smmu_derive(s, nesting);
    if (!s->oas_bits || !s->sidsize) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] idr1/idr5 override: reserved OAS or SIDSIZE 0",
                    group);
        g_free(s->name);
        return NULL;
    }
    return g_steal_pointer(&s);
}

static void smmu_free(HSSmmu *s)
{
    if (s) {
        g_free(s->name);
        g_free(s);
    }
}

/* ---- functions ---- */

/* "kind,size[,mmap][,prefetch][,64]" */
static bool bar_parse(const char *group, unsigned n, const char *spec,
                      HSBar *bar, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const char *kind;

    bar->memfd = -1;
    if (g_strv_length(parts) < 2) {
        goto bad;
    }
    kind = g_strstrip(parts[0]);
    if (!strcmp(kind, "edu")) {
        bar->kind = HS_BAR_EDU;
    } else if (!strcmp(kind, "ram")) {
        bar->kind = HS_BAR_RAM;
    } else if (!strcmp(kind, "msix")) {
        bar->kind = HS_BAR_MSIX;
    } else {
        goto bad;
    }
    if (!parse_size(parts[1], &bar->size) || bar->size < HS_PAGE_SIZE ||
        (bar->size & (bar->size - 1))) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] bar%u = %s: the size must be a power of two "
                    ">= 4K", group, n, spec);
        return false;
    }
    for (guint i = 2; parts[i]; i++) {
        const char *flag = g_strstrip(parts[i]);

        if (!strcmp(flag, "mmap")) {
            bar->mmap = true;
        } else if (!strcmp(flag, "prefetch")) {
            bar->prefetch = true;
        } else if (!strcmp(flag, "64")) {
            bar->is64 = true;
        } else {
            goto bad;
        }
    }
    if (bar->mmap && bar->kind == HS_BAR_EDU) {
        /* Trapped registers: the documented difference of hostsim.rst. */
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] bar%u = %s: an edu BAR is trapped, not mmap",
                    group, n, spec);
        return false;
    }
    if (!bar->is64 && bar->size > (1ULL << 31)) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] bar%u = %s: larger than 2G needs the 64 flag",
                    group, n, spec);
        return false;
    }
    return true;

bad:
    g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                "[%s] bar%u = %s: expected kind,size[,mmap][,prefetch][,64] "
                "with kind edu, ram or msix", group, n, spec);
    return false;
}

/* "DDDD:BB:DD.F", normalized to lower case. */
static bool bdf_parse(const char *group, const char *spec, char *out,
                      size_t out_size, GError **errp)
{
    unsigned dom, bus, dev, fn;
    char tail;

    if (sscanf(spec, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn,
               &tail) != 4 || strlen(spec) != 12 || dev > 0x1f || fn > 7) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] bdf = %s: expected DDDD:BB:DD.F", group, spec);
        return false;
    }
    g_snprintf(out, out_size, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
    return true;
}

static HSFunc *func_load(GKeyFile *kf, const char *group, unsigned index,
                         HSTopology *t, GError **errp)
{
    g_autofree HSFunc *f = g_new0(HSFunc, 1);
    g_autofree char *bdf = NULL;
    uint64_t vendor = EDU_VENDOR, device = EDU_DEVICE, cls = EDU_CLASS;
    uint64_t svendor = EDU_SUBSYS_VENDOR, sdevice = EDU_SUBSYS_DEVICE;
    uint64_t rev = EDU_REVISION, smmu = 0, sid = 0, grp = 0, vfio = 0;
    uint64_t msi = 0, msix = 0, msix_bar = 6;
    bool canwbs = false, ats = false;

    if (!check_keys(kf, group, func_keys, errp) ||
        !require_key(kf, group, "bdf", errp) ||
        !require_key(kf, group, "smmu", errp) ||
        !require_key(kf, group, "sid", errp) ||
        !require_key(kf, group, "group", errp) ||
        !require_key(kf, group, "vfio", errp) ||
        !get_num(kf, group, "vendor", 0xffff, &vendor, errp) ||
        !get_num(kf, group, "device", 0xffff, &device, errp) ||
        !get_num(kf, group, "class", 0xffffff, &cls, errp) ||
        !get_num(kf, group, "subsys_vendor", 0xffff, &svendor, errp) ||
        !get_num(kf, group, "subsys_device", 0xffff, &sdevice, errp) ||
        !get_num(kf, group, "revision", 0xff, &rev, errp) ||
        !get_num(kf, group, "smmu", UINT32_MAX, &smmu, errp) ||
        !get_num(kf, group, "sid", UINT32_MAX, &sid, errp) ||
        !get_num(kf, group, "group", INT32_MAX, &grp, errp) ||
        !get_num(kf, group, "vfio", INT32_MAX, &vfio, errp) ||
        !get_bool(kf, group, "canwbs", &canwbs, errp) ||
        !get_bool(kf, group, "ats", &ats, errp) ||
        !get_num(kf, group, "msi", 32, &msi, errp) ||
        !get_num(kf, group, "msix", 2048, &msix, errp) ||
        !get_num(kf, group, "msix_bar", 5, &msix_bar, errp)) {
        return NULL;
    }
    bdf = g_strstrip(g_key_file_get_value(kf, group, "bdf", NULL));
    if (!bdf_parse(group, bdf, f->bdf, sizeof(f->bdf), errp)) {
        return NULL;
    }
    if (smmu >= t->smmus->len) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] smmu = %" G_GUINT64_FORMAT ": no [smmu.%"
                    G_GUINT64_FORMAT "]", group, smmu, smmu);
        return NULL;
    }
    f->smmu = g_ptr_array_index(t->smmus, smmu);
    if (f->smmu->sidsize < 32 && sid >= (1ULL << f->smmu->sidsize)) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] sid = 0x%" G_GINT64_MODIFIER "x: beyond the "
                    "%u-bit StreamIDs of %s", group, sid,
                    f->smmu->sidsize, f->smmu->name);
        return NULL;
    }
    if (msi & (msi - 1)) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] msi = %" G_GUINT64_FORMAT ": 0 or a power of two "
                    "up to 32", group, msi);
        return NULL;
    }

    for (unsigned n = 0; n < 6; n++) {
        g_autofree char *key = g_strdup_printf("bar%u", n);
        g_autofree char *spec = NULL;

        f->bars[n].memfd = -1;
        if (!g_key_file_has_key(kf, group, key, NULL)) {
            continue;
        }
        if (n > 0 && f->bars[n - 1].is64) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] bar%u: taken by the 64-bit bar%u", group, n,
                        n - 1);
            return NULL;
        }
        spec = g_key_file_get_value(kf, group, key, NULL);
        if (!bar_parse(group, n, spec, &f->bars[n], errp)) {
            return NULL;
        }
        if (f->bars[n].is64 && n == 5) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] bar5 cannot be 64-bit", group);
            return NULL;
        }
    }

    if (msix) {
        if (msix_bar == 6) {
            for (unsigned n = 0; n < 6 && msix_bar == 6; n++) {
                if (f->bars[n].kind == HS_BAR_MSIX) {
                    msix_bar = n;
                }
            }
        }
        if (msix_bar == 6 || f->bars[msix_bar].kind != HS_BAR_MSIX) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] msix = %" G_GUINT64_FORMAT " needs a msix "
                        "BAR", group, msix);
            return NULL;
        }
        if (msix * MSIX_TABLE_ENTRY > MSIX_PBA_OFFSET) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] msix = %" G_GUINT64_FORMAT ": the table must "
                        "fit below the PBA at +2K (at most %u vectors)",
                        group, msix, MSIX_PBA_OFFSET / MSIX_TABLE_ENTRY);
            return NULL;
        }
    } else if (msix_bar == 6) {
        msix_bar = 0;
    }

    f->index = index;
    f->vendor = vendor;
    f->device = device;
    f->class_code = cls;
    f->subsys_vendor = svendor;
    f->subsys_device = sdevice;
    f->revision = rev;
    f->sid = sid;
    f->group = grp;
    f->vfio_index = vfio;
    f->canwbs = canwbs;
    f->ats = ats;
    f->msi_vectors = msi;
    f->msix_vectors = msix;
    f->msix_bar = msix_bar;
    return g_steal_pointer(&f);
}

/* Cross-function rules: unique BDF, vfio index, (SMMU, SID); groups. */
static bool func_check(HSTopology *t, HSFunc *f, const char *group,
                       GError **errp)
{
    for (guint i = 0; i < t->funcs->len; i++) {
        HSFunc *o = g_ptr_array_index(t->funcs, i);
        const char *what = NULL;

        if (!strcmp(o->bdf, f->bdf)) {
            what = "bdf";
        } else if (o->vfio_index == f->vfio_index) {
            what = "vfio index";
        } else if (o->smmu == f->smmu && o->sid == f->sid) {
            what = "StreamID on its SMMU";
        } else if (o->group == f->group && o->smmu != f->smmu) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] group %u: shared with function.%u behind "
                        "another SMMU", group, f->group, o->index);
            return false;
        }
        if (what) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_INVALID_VALUE,
                        "[%s] duplicate %s: also function.%u", group, what,
                        o->index);
            return false;
        }
    }
    return true;
}

/*
 * The groups "prefix.N" in index order; N must run from 0 without gaps
 * so that an index in the file is the index in the arrays.
 */
static bool collect_groups(GStrv groups, const char *prefix,
                           GPtrArray *out, GError **errp)
{
    size_t plen = strlen(prefix);
    guint count = 0;

    for (guint i = 0; groups[i]; i++) {
        if (!strncmp(groups[i], prefix, plen) && groups[i][plen] == '.') {
            count++;
        }
    }
    for (guint n = 0; n < count; n++) {
        g_autofree char *name = g_strdup_printf("%s.%u", prefix, n);

        if (!g_strv_contains((const char *const *)groups, name)) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                        "[%s.N] groups must be numbered 0..%u: [%s] is "
                        "missing", prefix, count - 1, name);
            return false;
        }
        g_ptr_array_add(out, g_steal_pointer(&name));
    }
    return true;
}

HSTopology *hs_topology_load(const char *path, GError **errp)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GPtrArray) sgroups = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) fgroups = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) groups = NULL;
    const char *src = path ? path : "built-in default";
    HSTopology *t;
    GError *err = NULL;

    if (path) {
        g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err);
    } else {
        g_key_file_load_from_data(kf, hs_default_topo, -1,
                                  G_KEY_FILE_NONE, &err);
    }
    if (err) {
        g_propagate_prefixed_error(errp, err, "topology %s: ", src);
        return NULL;
    }

    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i]; i++) {
        if (!g_str_has_prefix(groups[i], "smmu.") &&
            !g_str_has_prefix(groups[i], "function.")) {
            g_set_error(errp, G_KEY_FILE_ERROR,
                        G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                        "topology %s: unknown group [%s] (smmu.N or "
                        "function.N)", src, groups[i]);
            return NULL;
        }
    }
    if (!collect_groups(groups, "smmu", sgroups, &err) ||
        !collect_groups(groups, "function", fgroups, &err)) {
        g_propagate_prefixed_error(errp, err, "topology %s: ", src);
        return NULL;
    }
    if (!sgroups->len) {
        g_set_error(errp, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                    "topology %s: no [smmu.0]", src);
        return NULL;
    }

    t = g_new0(HSTopology, 1);
    t->smmus = g_ptr_array_new();
    t->funcs = g_ptr_array_new();
    for (guint i = 0; i < sgroups->len; i++) {
        HSSmmu *s = smmu_load(kf, sgroups->pdata[i], i, &err);

        if (!s) {
            goto fail;
        }
        for (guint j = 0; j < t->smmus->len; j++) {
            HSSmmu *o = g_ptr_array_index(t->smmus, j);

            if (o->base == s->base) {
                g_set_error(&err, G_KEY_FILE_ERROR,
                            G_KEY_FILE_ERROR_INVALID_VALUE,
                            "[smmu.%u] duplicate base: also smmu.%u", i, j);
                smmu_free(s);
                goto fail;
            }
        }
        g_ptr_array_add(t->smmus, s);
    }
    for (guint i = 0; i < fgroups->len; i++) {
        HSFunc *f = func_load(kf, fgroups->pdata[i], i, t, &err);

        if (!f) {
            goto fail;
        }
        if (!func_check(t, f, fgroups->pdata[i], &err)) {
            g_free(f);
            goto fail;
        }
        g_ptr_array_add(t->funcs, f);
    }
    return t;

fail:
    g_propagate_prefixed_error(errp, err, "topology %s: ", src);
    hs_topology_free(t);
    return NULL;
}

void hs_topology_free(HSTopology *t)
{
    if (!t) {
        return;
    }
    for (guint i = 0; i < t->funcs->len; i++) {
        g_free(g_ptr_array_index(t->funcs, i));
    }
    for (guint i = 0; i < t->smmus->len; i++) {
        smmu_free(g_ptr_array_index(t->smmus, i));
    }
    g_ptr_array_free(t->funcs, true);
    g_ptr_array_free(t->smmus, true);
    if (hs_topo == t) {
        hs_topo = NULL;
    }
    g_free(t);
}

HSFunc *hs_func_by_vfio_index(unsigned n)
{
    for (guint i = 0; hs_topo && i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);

        if (f->vfio_index == n) {
            return f;
        }
    }
    return NULL;
}

HSFunc *hs_func_by_bdf(const char *bdf)
{
    for (guint i = 0; bdf && hs_topo && i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);

        if (!g_ascii_strcasecmp(f->bdf, bdf)) {
            return f;
        }
    }
    return NULL;
}

HSFunc *hs_func_by_sid(HSSmmu *s, uint32_t sid)
{
    for (guint i = 0; hs_topo && i < hs_topo->funcs->len; i++) {
        HSFunc *f = g_ptr_array_index(hs_topo->funcs, i);

        if (f->smmu == s && f->sid == sid) {
            return f;
        }
    }
    return NULL;
}

HSSmmu *hs_smmu_by_name(const char *name_or_index)
{
    uint64_t index;

    if (!hs_topo || !name_or_index) {
        return NULL;
    }
    if (parse_u64(name_or_index, &index)) {
        return index < hs_topo->smmus->len ?
               g_ptr_array_index(hs_topo->smmus, index) : NULL;
    }
    for (guint i = 0; i < hs_topo->smmus->len; i++) {
        HSSmmu *s = g_ptr_array_index(hs_topo->smmus, i);

        if (!strcmp(s->name, name_or_index)) {
            return s;
        }
    }
    return NULL;
}
