/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the recording GICv3 and ITS models without a board:
 * property checks, the identification and configuration registers a
 * guest probes, the input lines as recorded (x-asserted, x-raise-count)
 * and as GICD_ISPENDR/GICR_ISPENDR0 show them, and the MSIs the ITS
 * records with the requester ID of each write.
 */
#include "qemu/osdep.h"
#include "hw/intc/arm_gicv3.h"
#include "hw/irq.h"

#define GICD 0x8000000
#define GICR 0x80a0000
#define ITS 0x8080000

#define U MEMTXATTRS_UNSPECIFIED

static uint32_t rd(hwaddr addr)
{
    return address_space_ldl_le(&address_space_memory, addr, U, NULL);
}

static void wr(hwaddr addr, uint32_t v)
{
    address_space_stl_le(&address_space_memory, addr, v, U, NULL);
}

static uint64_t rd64(hwaddr addr)
{
    return address_space_ldq_le(&address_space_memory, addr, U, NULL);
}

static DeviceState *gic_new(uint32_t num_irq, uint32_t num_cpu)
{
    DeviceState *dev = qdev_new(TYPE_ARM_GICV3);

    object_property_set_uint(OBJECT(dev), "num-irq", num_irq, &error_abort);
    object_property_set_uint(OBJECT(dev), "num-cpu", num_cpu, &error_abort);
    sysbus_realize(SYS_BUS_DEVICE(dev), &error_abort);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, GICD);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 1, GICR);
    return dev;
}

static void dev_free(DeviceState *dev)
{
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
}

/* x-asserted as a string like "[5,315]". */
static char *asserted(DeviceState *gic)
{
    g_autoptr(JsonNode) n = object_property_get(OBJECT(gic), "x-asserted",
                                                &error_abort);

    return json_to_string(n, FALSE);
}

static uint64_t raise_count(DeviceState *gic)
{
    return object_property_get_uint(OBJECT(gic), "x-raise-count",
                                    &error_abort);
}

static void test_bad_properties(void)
{
    static const struct {
        const char *prop;
        uint32_t value;
    } bad[] = {
        { "num-irq", 32 }, { "num-irq", 16 }, { "num-irq", 100 },
        { "num-irq", 1024 }, { "num-irq", 4096 }, { "revision", 2 },
        { "revision", 4 }, { "num-cpu", 0 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        DeviceState *dev = qdev_new(TYPE_ARM_GICV3);
        Error *err = NULL;

        object_property_set_uint(OBJECT(dev), bad[i].prop, bad[i].value,
                                 &error_abort);
        g_assert_false(sysbus_realize(SYS_BUS_DEVICE(dev), &err));
        g_assert_nonnull(err);
        if (i == 2) {
            g_assert_cmpstr(error_get_pretty(err), ==,
                            "100 interrupt lines unsupported: not divisible "
                            "by 32");
        }
        error_free(err);
        g_assert_false(DEVICE(dev)->realized);
        object_unref(OBJECT(dev));
    }
}

static void test_registers(void)
{
    DeviceState *gic = gic_new(288, 2);
    MemoryRegionSection sec;
    uint64_t v;

    /* ITLinesNumber 8 (INTIDs up to 287), IDbits 15, no LPIs. */
    g_assert_cmphex(rd(GICD + 0x4) & 0x1f, ==, 8);
    g_assert_cmphex((rd(GICD + 0x4) >> 19) & 0x1f, ==, 15);
    g_assert_cmphex(rd(GICD + 0x4) & (1 << 17), ==, 0);
    g_assert_cmphex(rd(GICD + 0x8), ==, 0x43b);
    g_assert_cmphex(rd(GICD + 0xffe8), ==, 0x3b);
    g_assert_cmphex(rd(GICD + 0xffe0), ==, 0x92);
    g_assert_cmphex(rd(GICD + 0xfffc), ==, 0xb1);

    /* GICD_CTLR: DS and ARE fixed, group enables writable. */
    g_assert_cmphex(rd(GICD), ==, 0x50);
    wr(GICD, 0xffffffff);
    g_assert_cmphex(rd(GICD), ==, 0x53);
    wr(GICD, 0);
    g_assert_cmphex(rd(GICD), ==, 0x50);

    /* SPI configuration is kept; SGI/PPI words are RAZ/WI here. */
    wr(GICD + 0x104, 0x00000300);               /* ISENABLER1 */
    g_assert_cmphex(rd(GICD + 0x184), ==, 0x300);
    wr(GICD + 0x184, 0x100);                    /* ICENABLER1 */
    g_assert_cmphex(rd(GICD + 0x104), ==, 0x200);
    wr(GICD + 0x100, 0xffffffff);
    g_assert_cmphex(rd(GICD + 0x100), ==, 0);
    /* Beyond num-irq: RAZ/WI. */
    wr(GICD + 0x124, 0xffffffff);
    g_assert_cmphex(rd(GICD + 0x124), ==, 0);
    wr(GICD + 0x420, 0x11223344);               /* IPRIORITYR, INTID 32 */
    g_assert_cmphex(rd(GICD + 0x420), ==, 0x11223344);
    address_space_load(&address_space_memory, GICD + 0x422, U, &v, 1);
    g_assert_cmphex(v, ==, 0x22);
    /* GICD_IROUTER<40>: a 64-bit register, also as two words. */
    address_space_stq_le(&address_space_memory, GICD + 0x6000 + 8 * 40,
                         0x0000000100000203ull, U, NULL);
    g_assert_cmphex(rd64(GICD + 0x6000 + 8 * 40), ==, 0x100000203ull);
    g_assert_cmphex(rd(GICD + 0x6000 + 8 * 40 + 4), ==, 1);

    /* Reserved offsets and sizes: zero, no fault. */
    g_assert_cmphex(rd(GICD + 0x5000), ==, 0);
    g_assert_cmpint(address_space_load(&address_space_memory, GICD + 0x4, U,
                                       &v, 2), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0);

    /* Redistributors: the last one says so, and who its CPU is. */
    v = rd64(GICR + 0x8);
    g_assert_cmphex(v & 0x10, ==, 0);
    g_assert_cmphex((v >> 8) & 0xffff, ==, 0);
    v = rd64(GICR + 0x20000 + 0x8);
    g_assert_cmphex(v & 0x10, ==, 0x10);
    g_assert_cmphex((v >> 8) & 0xffff, ==, 1);
    g_assert_cmphex(v >> 32, ==, 1);
    g_assert_cmphex(rd(GICR + 0x20000 + 0xc), ==, 1);
    g_assert_cmphex(rd(GICR + 0x4), ==, 0x43b);
    g_assert_cmphex(rd(GICR + 0xffe8), ==, 0x3b);
    g_assert_cmphex(rd(GICR + 0xffe0), ==, 0x93);
    /* GICR_WAKER: asleep at reset, awake when told. */
    g_assert_cmphex(rd(GICR + 0x14), ==, 0x6);
    wr(GICR + 0x14, 0);
    g_assert_cmphex(rd(GICR + 0x14), ==, 0);
    /* SGIs are edge-triggered; PPIs configurable. */
    g_assert_cmphex(rd(GICR + 0x10c00), ==, 0xaaaaaaaa);
    wr(GICR + 0x10c04, 0x80000000);
    g_assert_cmphex(rd(GICR + 0x10c04), ==, 0x80000000);
    /* Past the last redistributor there is nothing. */
    g_assert_false(address_space_find_section(&address_space_memory,
                                              GICR + 0x40000, 4, &sec));

    /* Reset restores the reset values. */
    device_cold_reset(gic);
    g_assert_cmphex(rd(GICD + 0x104), ==, 0);
    g_assert_cmphex(rd(GICR + 0x14), ==, 0x6);
    g_assert_cmphex(rd(GICR + 0x10c04), ==, 0);
    dev_free(gic);
}

static void test_lines(void)
{
    DeviceState *gic = gic_new(288, 2);
    /* 256 SPI lines, then 32 per CPU. */
    qemu_irq spi5 = qdev_get_gpio_in(gic, 5);           /* INTID 37 */
    qemu_irq cpu1_ppi27 = qdev_get_gpio_in(gic, 256 + 32 + 27);
    g_autofree char *a = NULL;

    g_assert_cmpint(qdev_get_named_gpio_list(gic, NULL)->num_in, ==, 320);
    g_assert_null(qdev_get_gpio_in(gic, 320));
    a = asserted(gic);
    g_assert_cmpstr(a, ==, "[]");

    qemu_irq_raise(spi5);
    qemu_irq_raise(cpu1_ppi27);
    g_free(a);
    a = asserted(gic);
    g_assert_cmpstr(a, ==, "[5,315]");
    g_assert_cmpuint(raise_count(gic), ==, 2);
    /* Level-triggered and high: pending, in the right bank. */
    g_assert_cmphex(rd(GICD + 0x204), ==, 1u << 5);
    g_assert_cmphex(rd(GICR + 0x20000 + 0x10200), ==, 1u << 27);
    g_assert_cmphex(rd(GICR + 0x10200), ==, 0);

    /* Same level again is no edge. */
    qemu_irq_raise(spi5);
    g_assert_cmpuint(raise_count(gic), ==, 2);
    qemu_irq_lower(spi5);
    g_free(a);
    a = asserted(gic);
    g_assert_cmpstr(a, ==, "[315]");
    g_assert_cmphex(rd(GICD + 0x204), ==, 0);
    qemu_irq_pulse(spi5);
    g_assert_cmpuint(raise_count(gic), ==, 3);

    /* Line levels are wires: reset leaves them. */
    device_cold_reset(gic);
    g_free(a);
    a = asserted(gic);
    g_assert_cmpstr(a, ==, "[315]");
    dev_free(gic);
}

static void test_edge_latch(void)
{
    DeviceState *gic = gic_new(64, 1);
    qemu_irq spi8 = qdev_get_gpio_in(gic, 8);           /* INTID 40 */

    /* ICFGR2 covers INTIDs 32..47; INTID 40's edge bit is bit 17. */
    wr(GICD + 0xc08, 1u << 17);
    g_assert_cmphex(rd(GICD + 0xc08), ==, 1u << 17);
    qemu_irq_pulse(spi8);
    /* The rising edge latched it pending after the line fell. */
    g_assert_cmphex(rd(GICD + 0x204), ==, 1u << 8);
    wr(GICD + 0x284, 1u << 8);                          /* ICPENDR1 */
    g_assert_cmphex(rd(GICD + 0x204), ==, 0);
    /* Software can set it pending too. */
    wr(GICD + 0x204, 1u << 9);
    g_assert_cmphex(rd(GICD + 0x284), ==, 1u << 9);
    dev_free(gic);
}

static DeviceState *its_new(DeviceState *gic)
{
    DeviceState *its = qdev_new(TYPE_ARM_GICV3_ITS);

    object_property_set_link(OBJECT(its), "parent-gicv3", OBJECT(gic),
                             &error_abort);
    sysbus_realize(SYS_BUS_DEVICE(its), &error_abort);
    sysbus_mmio_map(SYS_BUS_DEVICE(its), 0, ITS);
    return its;
}

static char *msi_log(DeviceState *its)
{
    g_autoptr(JsonNode) n = object_property_get(OBJECT(its), "x-msi-log",
                                                &error_abort);

    return json_to_string(n, FALSE);
}

static void test_its_registers(void)
{
    DeviceState *gic = gic_new(288, 1);
    DeviceState *its = qdev_new(TYPE_ARM_GICV3_ITS);
    Error *err = NULL;
    uint64_t typer;

    g_assert_false(sysbus_realize(SYS_BUS_DEVICE(its), &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "parent-gicv3"));
    error_free(err);
    object_unref(OBJECT(its));
    its = its_new(gic);

    typer = rd64(ITS + 0x8);
    g_assert_cmphex(typer & 1, ==, 1);                  /* Physical */
    g_assert_cmphex((typer >> 4) & 0xf, ==, 11);        /* 12-byte ITEs */
    g_assert_cmphex((typer >> 8) & 0x1f, ==, 15);       /* 16 EventID bits */
    g_assert_cmphex((typer >> 13) & 0x1f, ==, 15);      /* 16 DeviceID bits */
    g_assert_cmphex((typer >> 32) & 0xf, ==, 15);
    g_assert_cmphex(typer & (1ull << 36), ==, 1ull << 36);
    g_assert_cmphex(rd(ITS + 0xc), ==, typer >> 32);
    g_assert_cmphex(rd(ITS + 0x4), ==, 0x43b);
    g_assert_cmphex(rd(ITS + 0xffe8), ==, 0x3b);
    g_assert_cmphex(rd(ITS + 0xffe0), ==, 0x94);

    /* GITS_CTLR: quiescent, Enabled writable. */
    g_assert_cmphex(rd(ITS), ==, 0x80000000);

    /* BASER0 is the device table, BASER1 collections; Type is RO. */
    g_assert_cmphex(rd64(ITS + 0x100) >> 56 & 7, ==, 1);
    g_assert_cmphex(rd64(ITS + 0x108) >> 56 & 7, ==, 4);
    address_space_stq_le(&address_space_memory, ITS + 0x100,
                         0x8000000040000000ull | (2ull << 8), U, NULL);
    g_assert_cmphex(rd64(ITS + 0x100), ==,
                    0x8000000040000000ull | (1ull << 56) | (7ull << 48) |
                    (2ull << 8));
    address_space_stq_le(&address_space_memory, ITS + 0x110, ~0ull, U,
                         NULL);
    g_assert_cmphex(rd64(ITS + 0x110), ==, 0);          /* unimplemented */

    /* Commands are consumed (without effect) once the ITS runs. */
    address_space_stq_le(&address_space_memory, ITS + 0x80,
                         (1ull << 63) | 0x40010000ull, U, NULL);
    address_space_stq_le(&address_space_memory, ITS + 0x88, 0x60, U, NULL);
    g_assert_cmphex(rd64(ITS + 0x90), ==, 0);
    wr(ITS, 1);
    g_assert_cmphex(rd(ITS), ==, 0x80000001);
    g_assert_cmphex(rd64(ITS + 0x90), ==, 0x60);
    address_space_stq_le(&address_space_memory, ITS + 0x88, 0x80, U, NULL);
    g_assert_cmphex(rd64(ITS + 0x90), ==, 0x80);
    /* Tables are locked while enabled. */
    address_space_stq_le(&address_space_memory, ITS + 0x80, 0, U, NULL);
    g_assert_cmphex(rd64(ITS + 0x80) >> 63, ==, 1);

    device_cold_reset(its);
    g_assert_cmphex(rd(ITS), ==, 0x80000000);
    g_assert_cmphex(rd64(ITS + 0x80), ==, 0);
    dev_free(its);
    dev_free(gic);
}

static void test_its_msi(void)
{
    DeviceState *gic = gic_new(288, 1);
    DeviceState *its = its_new(gic);
    MemTxAttrs pci = { .has_requester_id = true, .requester_id = 0x0108 };
    hwaddr translater = ITS + 0x10040;
    g_autofree char *log = NULL;
    uint64_t v;
    int i;

    wr(ITS, 1);
    g_assert_cmpint(address_space_store(&address_space_memory, translater,
                                        pci, 42, 4), ==, MEMTX_OK);
    /* No requester ID (a qtest or CPU-less write): DeviceID 0. */
    g_assert_cmpint(address_space_store(&address_space_memory, translater,
                                        U, 7, 4), ==, MEMTX_OK);
    /* 16-bit writes are MSIs too; byte writes are refused. */
    g_assert_cmpint(address_space_store(&address_space_memory, translater,
                                        pci, 0x1234, 2), ==, MEMTX_OK);
    g_assert_cmpint(address_space_store(&address_space_memory, translater,
                                        pci, 1, 1), ==, MEMTX_DECODE_ERROR);
    /* Elsewhere in the translation frame: not a doorbell. */
    wr(ITS + 0x10000, 5);
    g_assert_cmpint(address_space_load(&address_space_memory, translater, U,
                                       &v, 4), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0);

    g_assert_cmpuint(object_property_get_uint(OBJECT(its), "x-msi-count",
                                              &error_abort), ==, 3);
    log = msi_log(its);
    g_assert_cmpstr(log, ==, "[{\"devid\":264,\"eventid\":42},"
                    "{\"devid\":0,\"eventid\":7},"
                    "{\"devid\":264,\"eventid\":4660}]");

    /* The log keeps the last 1024. */
    for (i = 0; i < 1030; i++) {
        address_space_stl_le(&address_space_memory, translater, 1000 + i,
                             pci, NULL);
    }
    g_assert_cmpuint(object_property_get_uint(OBJECT(its), "x-msi-count",
                                              &error_abort), ==, 1033);
    {
        g_autoptr(JsonNode) n = object_property_get(OBJECT(its),
                                                    "x-msi-log",
                                                    &error_abort);
        JsonArray *arr = json_node_get_array(n);
        JsonObject *first = json_array_get_object_element(arr, 0);
        JsonObject *last = json_array_get_object_element(arr, 1023);

        g_assert_cmpuint(json_array_get_length(arr), ==, 1024);
        g_assert_cmpint(json_object_get_int_member(first, "eventid"), ==,
                        1000 + 1030 - 1024);
        g_assert_cmpint(json_object_get_int_member(last, "eventid"), ==,
                        1000 + 1029);
    }
    dev_free(its);
    dev_free(gic);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-gicv3/bad-properties", test_bad_properties);
    g_test_add_func("/arm-gicv3/registers", test_registers);
    g_test_add_func("/arm-gicv3/lines", test_lines);
    g_test_add_func("/arm-gicv3/edge-latch", test_edge_latch);
    g_test_add_func("/arm-gicv3-its/registers", test_its_registers);
    g_test_add_func("/arm-gicv3-its/msi", test_its_msi);
    ret = g_test_run();
    memory_system_teardown();
    return ret;
}
