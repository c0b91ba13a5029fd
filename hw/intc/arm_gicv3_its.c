/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "arm-gicv3-its" device: a RECORDING model of a GICv3 Interrupt
 * Translation Service (GICv3/v4 architecture specification, IHI 0069,
 * chapter 5 and 12.19).  Its translation frame is where PCIe devices
 * (and an SMMU's MSIs) write: every write to GITS_TRANSLATER is recorded
 * as {DeviceID, EventID}, the DeviceID being the requester ID the access
 * carries (0 when the access carries none, as qtest and CPU-less
 * accesses do).  Nothing is translated or delivered: there are no CPUs.
 *
 * The control frame holds what a driver programs and probes:
 *   - GITS_CTLR.Enabled is stored, Quiescent always reads one;
 *   - GITS_TYPER reports QEMU's ITS: physical LPIs, 12-byte ITT entries,
 *     16 EventID bits, 16 DeviceID bits, 16 collection ID bits;
 *   - GITS_CBASER, GITS_BASER<n> are stored (Type and Entry_Size are
 *     read-only; writes are ignored while the ITS is enabled, QEMU's
 *     choice where the spec makes them UNPREDICTABLE);
 *   - commands are consumed without effect: while the ITS is enabled
 *     and GITS_CBASER is valid, GITS_CREADR follows GITS_CWRITER at once,
 *     so a driver waiting for its commands to complete goes on.
 * An MSI written while the ITS is disabled would be dropped by hardware;
 * it is still recorded (this is a recording model) and logged as a
 * guest error.
 */
#include "qemu/osdep.h"
#include "gicv3-internal.h"
#include "qemu/log.h"
#include "trace/trace-hw_intc.h"

/* Control frame (12.19) */
#define GITS_CTLR           0x0000
#define GITS_IIDR           0x0004
#define GITS_TYPER          0x0008
#define GITS_CBASER         0x0080
#define GITS_CWRITER        0x0088
#define GITS_CREADR         0x0090
#define GITS_BASER          0x0100
#define GITS_BASER_LAST     (GITS_BASER + 8 * 8 - 1)
#define GITS_IDREGS         0xffd0
/* Translation frame, from its base */
#define GITS_TRANSLATER     0x0040

#define ITS_FRAME_SIZE      0x10000

#define CTLR_ENABLED        (1u << 0)
#define CTLR_QUIESCENT      (1u << 31)

/* GITS_TYPER: QEMU's values (field = size or bit count minus one). */
#define TYPER_PHYSICAL          (1ull << 0)
#define TYPER_ITT_ENTRY_SHIFT   4
#define TYPER_IDBITS_SHIFT      8
#define TYPER_DEVBITS_SHIFT     13
#define TYPER_CIDBITS_SHIFT     32
#define TYPER_CIL               (1ull << 36)
#define ITS_ITT_ENTRY_SIZE      12
#define ITS_IDBITS              16
#define ITS_DEVBITS             16
#define ITS_CIDBITS             16

/* GITS_CBASER: Valid, caches, address, shareability, Size (4 KiB pages) */
#define CBASER_VALID            (1ull << 63)
#define CBASER_WRITABLE         (CBASER_VALID | (7ull << 59) | (7ull << 53) | \
                                 (0xffffffffffull << 12) | (3ull << 10) | \
                                 0xffull)
#define CBASER_SIZE_MASK        0xffull
/* GITS_CWRITER/CREADR: Offset [19:5]; CWRITER.Retry is bit 0. */
#define CMDQ_OFFSET_MASK        0xfffe0ull
#define CWRITER_RETRY           1ull

/* GITS_BASER<n> */
#define BASER_TYPE_SHIFT        56
#define BASER_ENTRY_SIZE_SHIFT  48
#define BASER_PAGE_SIZE_SHIFT   8
#define BASER_RO_MASK           ((7ull << BASER_TYPE_SHIFT) | \
                                 (0x1full << BASER_ENTRY_SIZE_SHIFT))
#define BASER_TYPE_DEVICE       1ull
#define BASER_TYPE_COLLECTION   4ull
#define BASER_PAGE_SIZE_64K     2ull
/* Device and collection table entries of 8 bytes, as QEMU. */
#define ITS_TABLE_ENTRY_SIZE    8

static uint64_t its_typer(void)
{
    return TYPER_PHYSICAL |
           ((uint64_t)(ITS_ITT_ENTRY_SIZE - 1) << TYPER_ITT_ENTRY_SHIFT) |
           ((uint64_t)(ITS_IDBITS - 1) << TYPER_IDBITS_SHIFT) |
           ((uint64_t)(ITS_DEVBITS - 1) << TYPER_DEVBITS_SHIFT) |
           ((uint64_t)(ITS_CIDBITS - 1) << TYPER_CIDBITS_SHIFT) |
           TYPER_CIL;
}

/* Consume the command queue (without effect) if the ITS would run it. */
static void its_consume_commands(GICv3ITSState *s)
{
    uint64_t qsize = ((s->cbaser & CBASER_SIZE_MASK) + 1) * 4 * KiB;
    uint64_t wr = s->cwriter & CMDQ_OFFSET_MASK;

    if (!(s->ctlr & CTLR_ENABLED) || !(s->cbaser & CBASER_VALID) ||
        s->creadr == wr) {
        return;
    }
    if (wr >= qsize) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: GITS_CWRITER 0x%" PRIx64
                      " is beyond the 0x%" PRIx64 "-byte command queue\n",
                      wr, qsize);
        return;
    }
    trace_gicv3_its_commands((wr + qsize - s->creadr) % qsize / 32);
    s->creadr = wr;
}

static uint64_t *its_reg64(GICv3ITSState *s, hwaddr offset)
{
    switch (offset & ~7ull) {
    case GITS_CBASER:
        return &s->cbaser;
    case GITS_CWRITER:
        return &s->cwriter;
    case GITS_CREADR:
        return &s->creadr;
    case GITS_BASER ... GITS_BASER_LAST:
        return &s->baser[(offset - GITS_BASER) / 8];
    default:
        return NULL;
    }
}

/* A write to a 64-bit register (whole, or the half at offset & 4). */
static void its_write64(GICv3ITSState *s, hwaddr offset, uint64_t value,
                        unsigned size)
{
    uint64_t v = size == 8 ? value
                           : gicv3_reg64_set_half(*its_reg64(s, offset),
                                                  offset, value);

    switch (offset & ~7ull) {
    case GITS_CBASER:
        if (s->ctlr & CTLR_ENABLED) {
            qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: GITS_CBASER written "
                          "while the ITS is enabled (ignored)\n");
            return;
        }
        s->cbaser = v & CBASER_WRITABLE;
        /* Writing GITS_CBASER resets GITS_CREADR (12.19.2). */
        s->creadr = 0;
        break;
    case GITS_CWRITER:
        s->cwriter = v & (CMDQ_OFFSET_MASK | CWRITER_RETRY);
        its_consume_commands(s);
        break;
    case GITS_CREADR:
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: write to read-only "
                      "GITS_CREADR\n");
        break;
    default: {
        unsigned n = (offset - GITS_BASER) / 8;

        if (s->ctlr & CTLR_ENABLED) {
            qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: GITS_BASER%u written "
                          "while the ITS is enabled (ignored)\n", n);
            return;
        }
        /* Unimplemented tables (Type 0) are RAZ/WI. */
        if (!(s->baser[n] & BASER_RO_MASK)) {
            return;
        }
        s->baser[n] = (s->baser[n] & BASER_RO_MASK) | (v & ~BASER_RO_MASK);
        break;
    }
    }
}

static MemTxResult its_control_read(void *opaque, hwaddr offset,
                                    uint64_t *data, unsigned size,
                                    MemTxAttrs attrs)
{
    GICv3ITSState *s = opaque;
    uint64_t *reg = its_reg64(s, offset);
    bool ok = true;

    *data = 0;
    if (reg && (size == 4 || !(offset & 7))) {
        *data = size == 8 ? *reg : gicv3_reg64_half(*reg, offset);
    } else if (offset == GITS_TYPER && size == 8) {
        *data = its_typer();
    } else if ((offset & ~4ull) == GITS_TYPER && size == 4) {
        *data = gicv3_reg64_half(its_typer(), offset);
    } else if (size != 4) {
        ok = false;
    } else if (offset == GITS_CTLR) {
        *data = s->ctlr;
    } else if (offset == GITS_IIDR) {
        *data = GICV3_IIDR;
    } else if (offset >= GITS_IDREGS) {
        *data = gicv3_idreg(offset - GITS_IDREGS, GICV3_PIDR0_ITS, 3);
    } else {
        ok = false;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: bad read at 0x%"
                      HWADDR_PRIx " size %u\n", offset, size);
    }
    trace_gicv3_its_read(offset, *data, size);
    return MEMTX_OK;
}

static MemTxResult its_control_write(void *opaque, hwaddr offset,
                                     uint64_t data, unsigned size,
                                     MemTxAttrs attrs)
{
    GICv3ITSState *s = opaque;
    bool ok = true;

    trace_gicv3_its_write(offset, data, size);
    if (its_reg64(s, offset) && (size == 4 || !(offset & 7))) {
        its_write64(s, offset, data, size);
    } else if ((offset & ~4ull) == GITS_TYPER ||
               (offset == GITS_IIDR && size == 4) ||
               (offset >= GITS_IDREGS && size == 4)) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: write to read-only "
                      "register at 0x%" HWADDR_PRIx "\n", offset);
    } else if (offset == GITS_CTLR && size == 4) {
        s->ctlr = CTLR_QUIESCENT | (data & CTLR_ENABLED);
        trace_gicv3_its_ctlr(s->ctlr);
        its_consume_commands(s);
    } else {
        ok = false;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: bad write at 0x%"
                      HWADDR_PRIx " size %u\n", offset, size);
    }
    return MEMTX_OK;
}

static void its_record_msi(GICv3ITSState *s, uint32_t devid,
                           uint32_t eventid)
{
    unsigned slot = (s->log_head + s->log_len) % GICV3_ITS_LOG_SIZE;

    s->log[slot].devid = devid;
    s->log[slot].eventid = eventid;
    if (s->log_len < GICV3_ITS_LOG_SIZE) {
        s->log_len++;
    } else {
        s->log_head = (s->log_head + 1) % GICV3_ITS_LOG_SIZE;
    }
    s->msi_count++;
}

static MemTxResult its_translation_read(void *opaque, hwaddr offset,
                                        uint64_t *data, unsigned size,
                                        MemTxAttrs attrs)
{
    /* GITS_TRANSLATER is write-only; the rest of the frame is reserved. */
    qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: read of translation frame "
                  "offset 0x%" HWADDR_PRIx "\n", offset);
    *data = 0;
    return MEMTX_OK;
}

static MemTxResult its_translation_write(void *opaque, hwaddr offset,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    GICv3ITSState *s = opaque;
    uint32_t devid;

    if (offset != GITS_TRANSLATER) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: write to reserved "
                      "translation frame offset 0x%" HWADDR_PRIx "\n",
                      offset);
        return MEMTX_OK;
    }
    /*
     * The DeviceID is the writer's requester ID (PCI, msi-map is the
     * identity), else a platform master's own DeviceID, else 0.
     */
    if (attrs.has_requester_id) {
        devid = attrs.requester_id;
    } else if (attrs.has_device_id) {
        devid = attrs.device_id;
    } else {
        devid = 0;
    }
    trace_gicv3_its_msi(devid, data, attrs.has_requester_id,
                        (s->ctlr & CTLR_ENABLED) != 0);
    if (!(s->ctlr & CTLR_ENABLED)) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3-its: MSI (DeviceID 0x%x "
                      "EventID 0x%" PRIx64 ") while the ITS is disabled\n",
                      devid, data);
    }
    its_record_msi(s, devid, data);
    return MEMTX_OK;
}

/* 32- and 64-bit registers (12.19: 64-bit ones also as two words). */
static const MemoryRegionOps its_control_ops = {
    .read_with_attrs = its_control_read,
    .write_with_attrs = its_control_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 4,
    .valid.max_access_size = 8,
    .impl.min_access_size = 4,
    .impl.max_access_size = 8,
};

/* GITS_TRANSLATER takes 16- and 32-bit writes (12.19.11). */
static const MemoryRegionOps its_translation_ops = {
    .read_with_attrs = its_translation_read,
    .write_with_attrs = its_translation_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 2,
    .valid.max_access_size = 4,
    .impl.min_access_size = 2,
    .impl.max_access_size = 4,
};

static JsonNode *its_get_msi_count(Object *obj, ObjectProperty *prop,
                                   Error **errp)
{
    return json_node_init_int(json_node_alloc(),
                              (gint64)ARM_GICV3_ITS(obj)->msi_count);
}

static JsonNode *its_get_msi_log(Object *obj, ObjectProperty *prop,
                                 Error **errp)
{
    GICv3ITSState *s = ARM_GICV3_ITS(obj);
    JsonArray *arr = json_array_new();
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    unsigned i;

    for (i = 0; i < s->log_len; i++) {
        const GICv3ITSMsi *m = &s->log[(s->log_head + i) %
                                       GICV3_ITS_LOG_SIZE];
        JsonObject *o = json_object_new();

        json_object_set_int_member(o, "devid", m->devid);
        json_object_set_int_member(o, "eventid", m->eventid);
        json_array_add_object_element(arr, o);
    }
    json_node_take_array(node, arr);
    return node;
}

/* Register state resets; the MSI record is the test's and stays. */
static void its_reset(DeviceState *dev)
{
    GICv3ITSState *s = ARM_GICV3_ITS(dev);
    uint64_t table = ((uint64_t)(ITS_TABLE_ENTRY_SIZE - 1) <<
                      BASER_ENTRY_SIZE_SHIFT) |
                     (BASER_PAGE_SIZE_64K << BASER_PAGE_SIZE_SHIFT);

    trace_gicv3_its_reset();
    s->ctlr = CTLR_QUIESCENT;
    s->cbaser = 0;
    s->cwriter = 0;
    s->creadr = 0;
    memset(s->baser, 0, sizeof(s->baser));
    s->baser[0] = (BASER_TYPE_DEVICE << BASER_TYPE_SHIFT) | table;
    s->baser[1] = (BASER_TYPE_COLLECTION << BASER_TYPE_SHIFT) | table;
}

static bool its_realize(DeviceState *dev, Error **errp)
{
    GICv3ITSState *s = ARM_GICV3_ITS(dev);

    if (!s->gicv3) {
        error_setg(errp, "arm-gicv3-its: property 'parent-gicv3' must be "
                   "set to the arm-gicv3 device");
        return false;
    }
    its_reset(dev);
    return true;
}

static void its_instance_init(Object *obj)
{
    GICv3ITSState *s = ARM_GICV3_ITS(obj);

    memory_region_init(&s->iomem, obj, "gicv3_its", GICV3_ITS_SIZE);
    memory_region_init_io(&s->iomem_control, obj, &its_control_ops, s,
                          "control", ITS_FRAME_SIZE);
    memory_region_init_io(&s->iomem_translation, obj, &its_translation_ops,
                          s, "translation", ITS_FRAME_SIZE);
    memory_region_add_subregion(&s->iomem, 0, &s->iomem_control);
    memory_region_add_subregion(&s->iomem, ITS_FRAME_SIZE,
                                &s->iomem_translation);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
}

static void its_instance_finalize(Object *obj)
{
    GICv3ITSState *s = ARM_GICV3_ITS(obj);

    memory_region_destroy(&s->iomem_translation);
    memory_region_destroy(&s->iomem_control);
    memory_region_destroy(&s->iomem);
}

static const Property its_props[] = {
    DEFINE_PROP_LINK("parent-gicv3", GICv3ITSState, gicv3, TYPE_ARM_GICV3,
                     "the GICv3 whose LPIs this ITS would raise"),
    { NULL }
};

static void its_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Arm GICv3 ITS (recording model)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->realize = its_realize;
    dc->reset = its_reset;
    object_class_add_props(oc, its_props);
    object_class_property_add(oc, "x-msi-count", "uint64",
                              its_get_msi_count, NULL, NULL, NULL);
    object_class_property_set_description(oc, "x-msi-count",
        "MSIs written to GITS_TRANSLATER (test view)");
    object_class_property_add(oc, "x-msi-log", "any", its_get_msi_log,
                              NULL, NULL, NULL);
    object_class_property_set_description(oc, "x-msi-log",
        "the last 1024 MSIs as {devid, eventid} (test view)");
}

static const TypeInfo its_types[] = {
    {
        .name = TYPE_ARM_GICV3_ITS,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(GICv3ITSState),
        .instance_init = its_instance_init,
        .instance_finalize = its_instance_finalize,
        .class_init = its_class_init,
    },
};

DEFINE_TYPES(its_types)
