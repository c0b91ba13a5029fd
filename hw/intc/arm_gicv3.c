/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "arm-gicv3" device: properties and their checks, the interrupt
 * input lines (recorded, with QEMU's numbering), reset, and the
 * read-only QOM views tests use (x-asserted, x-raise-count).  The
 * register frames live in arm_gicv3_dist.c and arm_gicv3_redist.c.
 *
 * The model is a recording one for machines without vCPUs: it keeps the
 * level of every line and the configuration the guest writes, and
 * computes what the registers show from them (a level-triggered
 * interrupt whose line is high reads as pending, a rising edge latches
 * an edge-triggered one), but there is no CPU interface to deliver to.
 * It has a single security state (GICD_CTLR.DS = 1) with affinity
 * routing always on, as QEMU's virt machine without EL3.
 */
#include "qemu/osdep.h"
#include "gicv3-internal.h"
#include "hw/irq.h"
#include "trace/trace-hw_intc.h"

uint32_t gicv3_idreg(hwaddr offset, uint8_t pidr0, uint32_t revision)
{
    /*
     * PIDR4..7, PIDR0..3, CIDR0..3: an Arm (JEP106 0x43b) GIC whose
     * PIDR2.ArchRev is the architecture revision, with the PIDR0 part
     * number telling the distributor, redistributor and ITS apart.
     */
    static const uint8_t ids[12] = {
        0x44, 0x00, 0x00, 0x00, 0x00, 0xb4, 0x0b, 0x00,
        0x0d, 0xf0, 0x05, 0xb1,
    };
    unsigned i = offset / 4;

    if ((offset & 3) || i >= ARRAY_SIZE(ids)) {
        return 0;
    }
    if (i == 4) {
        return pidr0;
    }
    if (i == 6) {
        return ids[i] | (revision << 4);
    }
    return ids[i];
}

uint16_t gicv3_icfgr_to_edge(uint32_t icfgr)
{
    uint16_t edge = 0;
    int k;

    for (k = 0; k < 16; k++) {
        edge |= ((icfgr >> (2 * k + 1)) & 1) << k;
    }
    return edge;
}

uint32_t gicv3_edge_to_icfgr(uint16_t edge)
{
    uint32_t icfgr = 0;
    int k;

    for (k = 0; k < 16; k++) {
        icfgr |= (uint32_t)((edge >> k) & 1) << (2 * k + 1);
    }
    return icfgr;
}

static int gicv3_num_lines(GICv3State *s)
{
    return s->num_irq - GICV3_INTERNAL + GICV3_INTERNAL * s->num_cpu;
}

/*
 * Where the state of input line (0 <= line < gicv3_num_lines) lives: its
 * bit in the level, pending and edge words of its bank (the distributor
 * for an SPI, its CPU's redistributor otherwise), its INTID, and its CPU
 * (-1 for an SPI).
 */
typedef struct GICv3Line {
    uint32_t *level;
    uint32_t *pending;
    uint32_t edge;
    uint32_t bit;
    int intid;
    int cpu;
} GICv3Line;

static GICv3Line gicv3_line(GICv3State *s, int line)
{
    int spis = s->num_irq - GICV3_INTERNAL;
    GICv3Line l;

    if (line < spis) {
        l.cpu = -1;
        l.intid = line + GICV3_INTERNAL;
        l.level = &s->level[l.intid / 32];
        l.pending = &s->pending[l.intid / 32];
        l.edge = s->edge[l.intid / 32];
    } else {
        GICv3CPUState *cs;

        l.cpu = (line - spis) / GICV3_INTERNAL;
        l.intid = (line - spis) % GICV3_INTERNAL;
        cs = &s->cpu[l.cpu];
        l.level = &cs->level;
        l.pending = &cs->pending;
        l.edge = cs->edge;
    }
    l.bit = 1u << (l.intid % 32);
    return l;
}

/* Record a line's new level; an edge-triggered rising edge latches. */
static void gicv3_set_irq(void *opaque, int line, int level)
{
    GICv3State *s = ARM_GICV3(opaque);
    GICv3Line l;

    if (line < 0 || line >= gicv3_num_lines(s) || !s->cpu) {
        return;
    }
    l = gicv3_line(s, line);
    trace_gicv3_set_irq(line, l.intid, l.cpu, level != 0);
    if (((*l.level & l.bit) != 0) == (level != 0)) {
        return;
    }
    if (level) {
        *l.level |= l.bit;
        s->raise_count++;
        if (l.edge & l.bit) {
            *l.pending |= l.bit;
        }
    } else {
        *l.level &= ~l.bit;
    }
}

static JsonNode *gicv3_get_asserted(Object *obj, ObjectProperty *prop,
                                    Error **errp)
{
    GICv3State *s = ARM_GICV3(obj);
    JsonArray *arr = json_array_new();
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    int line;

    if (s->cpu) {
        for (line = 0; line < gicv3_num_lines(s); line++) {
            GICv3Line l = gicv3_line(s, line);

            if (*l.level & l.bit) {
                json_array_add_int_element(arr, line);
            }
        }
    }
    json_node_take_array(node, arr);
    return node;
}

static JsonNode *gicv3_get_raise_count(Object *obj, ObjectProperty *prop,
                                       Error **errp)
{
    return json_node_init_int(json_node_alloc(),
                              (gint64)ARM_GICV3(obj)->raise_count);
}

/*
 * Register state goes back to its reset values; line levels do not:
 * they are the wires' state, which the devices driving them own.
 */
static void gicv3_reset(DeviceState *dev)
{
    GICv3State *s = ARM_GICV3(dev);
    uint32_t i;

    trace_gicv3_reset();
    s->gicd_ctlr = GICD_CTLR_DS | GICD_CTLR_ARE;
    memset(s->group, 0, sizeof(s->group));
    memset(s->enabled, 0, sizeof(s->enabled));
    memset(s->pending, 0, sizeof(s->pending));
    memset(s->active, 0, sizeof(s->active));
    memset(s->edge, 0, sizeof(s->edge));
    memset(s->priority, 0, sizeof(s->priority));
    memset(s->irouter, 0, sizeof(s->irouter));
    for (i = 0; s->cpu && i < s->num_cpu; i++) {
        GICv3CPUState *cs = &s->cpu[i];
        uint32_t level = cs->level;

        memset(cs, 0, sizeof(*cs));
        cs->level = level;
        /* SGIs are always edge-triggered (GICR_ICFGR0 is read-only). */
        cs->edge = 0xffff;
        cs->waker = GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP;
    }
}

static bool gicv3_check_props(GICv3State *s, Error **errp)
{
    if (s->revision != 3) {
        error_setg(errp, "unsupported GIC revision %u (only 3 is "
                   "supported)", s->revision);
        return false;
    }
    if (s->num_irq > GICV3_MAXIRQ) {
        error_setg(errp, "requested %u interrupt lines exceeds GIC maximum "
                   "%d", s->num_irq, GICV3_MAXIRQ);
        return false;
    }
    if (s->num_irq <= GICV3_INTERNAL) {
        error_setg(errp, "requested %u interrupt lines leaves no SPIs (the "
                   "minimum is %d)", s->num_irq, 2 * GICV3_INTERNAL);
        return false;
    }
    if (s->num_irq % 32) {
        error_setg(errp, "%u interrupt lines unsupported: not divisible by "
                   "32", s->num_irq);
        return false;
    }
    if (s->num_cpu == 0) {
        error_setg(errp, "num-cpu must be at least 1");
        return false;
    }
    if (s->num_cpu > GICV3_MAX_CPUS) {
        error_setg(errp, "num-cpu %u exceeds the maximum of %d", s->num_cpu,
                   GICV3_MAX_CPUS);
        return false;
    }
    return true;
}

static bool gicv3_realize(DeviceState *dev, Error **errp)
{
    GICv3State *s = ARM_GICV3(dev);
    NamedGPIOList *lines = qdev_get_named_gpio_list(dev, NULL);

    if (!gicv3_check_props(s, errp)) {
        return false;
    }
    /* Lines are made once; a later realize must keep their number. */
    if (lines && lines->num_in != gicv3_num_lines(s)) {
        error_setg(errp, "arm-gicv3: num-irq and num-cpu cannot change "
                   "once the device has been realized");
        return false;
    }
    if (!lines) {
        qdev_init_gpio_in(dev, gicv3_set_irq, gicv3_num_lines(s));
    }
    g_free(s->cpu);
    s->cpu = g_new0(GICv3CPUState, s->num_cpu);
    memory_region_set_size(&s->iomem_redist,
                           (uint64_t)s->num_cpu * GICV3_REDIST_SIZE);
    gicv3_reset(dev);
    return true;
}

static void gicv3_instance_init(Object *obj)
{
    GICv3State *s = ARM_GICV3(obj);
    SysBusDevice *sbd = SYS_BUS_DEVICE(obj);

    memory_region_init_io(&s->iomem_dist, obj, &gicv3_dist_ops, s,
                          "gicv3_dist", GICV3_DIST_SIZE);
    /* Sized for num-cpu at realize. */
    memory_region_init_io(&s->iomem_redist, obj, &gicv3_redist_ops, s,
                          "gicv3_redist", GICV3_REDIST_SIZE);
    sysbus_init_mmio(sbd, &s->iomem_dist);
    sysbus_init_mmio(sbd, &s->iomem_redist);
}

static void gicv3_instance_finalize(Object *obj)
{
    GICv3State *s = ARM_GICV3(obj);

    memory_region_destroy(&s->iomem_dist);
    memory_region_destroy(&s->iomem_redist);
    g_free(s->cpu);
}

static const Property gicv3_props[] = {
    DEFINE_PROP_UINT32("num-irq", GICv3State, num_irq, 288,
                       "interrupt IDs below this exist (SGIs, PPIs, SPIs)"),
    DEFINE_PROP_UINT32("num-cpu", GICv3State, num_cpu, 1,
                       "number of CPUs (redistributors)"),
    DEFINE_PROP_UINT32("revision", GICv3State, revision, 3,
                       "GIC architecture revision"),
    DEFINE_PROP_BOOL("has-lpi", GICv3State, lpi_enable, false,
                     "support LPIs (an ITS is attached)"),
    { NULL }
};

static void gicv3_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Arm GICv3 (recording model, no CPU interface)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->realize = gicv3_realize;
    dc->reset = gicv3_reset;
    object_class_add_props(oc, gicv3_props);
    object_class_property_add(oc, "x-asserted", "any", gicv3_get_asserted,
                              NULL, NULL, NULL);
    object_class_property_set_description(oc, "x-asserted",
        "input lines currently high (test view)");
    object_class_property_add(oc, "x-raise-count", "uint64",
                              gicv3_get_raise_count, NULL, NULL, NULL);
    object_class_property_set_description(oc, "x-raise-count",
        "low-to-high transitions of the input lines (test view)");
}

static const TypeInfo gicv3_types[] = {
    {
        .name = TYPE_ARM_GICV3,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(GICv3State),
        .instance_init = gicv3_instance_init,
        .instance_finalize = gicv3_instance_finalize,
        .class_init = gicv3_class_init,
    },
};

DEFINE_TYPES(gicv3_types)
