/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of system-bus devices: the main system bus, realize on it,
 * mapping regions into system memory (moving, unmapping), IRQ outputs,
 * and the lifetime rule that an unrealized device leaves nothing in the
 * address space and a finalized one nothing anywhere.  A two-region test
 * device is defined here.
 */
#include "qemu/osdep.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "qemu/keyval.h"

#define TYPE_X_SYSBUS "x-test-sysbus"
#define X_SYSBUS(obj) OBJECT_CHECK(XSysbus, (obj), TYPE_X_SYSBUS)

typedef struct XSysbus {
    SysBusDevice parent_obj;
    MemoryRegion regs;
    MemoryRegion window;
    qemu_irq irq;
    uint32_t value;
} XSysbus;

static uint64_t x_sysbus_read(void *opaque, hwaddr addr, unsigned size)
{
    XSysbus *s = opaque;

    return s->value + addr;
}

static void x_sysbus_write(void *opaque, hwaddr addr, uint64_t v,
                           unsigned size)
{
    XSysbus *s = opaque;

    s->value = v;
    qemu_set_irq(s->irq, v != 0);
}

static const MemoryRegionOps x_sysbus_ops = {
    .read = x_sysbus_read,
    .write = x_sysbus_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 4,
    .valid.max_access_size = 4,
};

static void x_sysbus_init(Object *obj)
{
    XSysbus *s = X_SYSBUS(obj);

    s->value = 0x1000;
    memory_region_init_io(&s->regs, obj, &x_sysbus_ops, s, "x-regs",
                          0x1000);
    memory_region_init_io(&s->window, obj, &x_sysbus_ops, s, "x-window",
                          0x2000);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->regs);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->window);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static void x_sysbus_finalize(Object *obj)
{
    XSysbus *s = X_SYSBUS(obj);

    memory_region_destroy(&s->regs);
    memory_region_destroy(&s->window);
}

static const TypeInfo x_sysbus_types[] = {
    {
        .name = TYPE_X_SYSBUS,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(XSysbus),
        .instance_init = x_sysbus_init,
        .instance_finalize = x_sysbus_finalize,
    },
};

DEFINE_TYPES(x_sysbus_types)

static bool mapped_at(hwaddr addr, MemoryRegion *expect)
{
    MemoryRegionSection sec;
    bool found = address_space_find_section(&address_space_memory, addr, 4,
                                            &sec);

    g_assert(!found || sec.mr);
    if (expect) {
        g_assert(!found || sec.mr == expect);
    }
    return found;
}

/* The whole FlatView of system memory is empty. */
static void assert_nothing_mapped(void)
{
    g_autofree char *dump = address_space_dump(&address_space_memory);

    g_assert_cmpstr(dump, ==, "address-space: memory\n"
                    "  (nothing mapped)\n");
}

static uint32_t ld(hwaddr addr)
{
    return address_space_ldl_le(&address_space_memory, addr,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static void test_main_bus(void)
{
    BusState *bus = sysbus_get_default();
    g_autofree char *path = object_get_canonical_path(OBJECT(bus));

    g_assert(sysbus_get_default() == bus);
    g_assert_nonnull(object_dynamic_cast(OBJECT(bus), TYPE_SYSTEM_BUS));
    g_assert_cmpstr(bus->name, ==, "main-system-bus");
    g_assert_cmpstr(path, ==, "/machine/unattached/main-system-bus");
    g_assert_true(bus->realized);
}

static void test_not_user_creatable(void)
{
    g_autoptr(JsonObject) o = keyval_parse("x-test-sysbus", "driver", NULL,
                                           &error_abort);
    Error *err = NULL;

    g_assert_null(qdev_device_add(o, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'driver' expects a pluggable device type");
    error_free(err);
}

static void test_map_and_unrealize(void)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(qdev_new(TYPE_X_SYSBUS));
    XSysbus *s = X_SYSBUS(sbd);
    DeviceState *dev = DEVICE(sbd);

    g_assert_cmpint(sbd->num_mmio, ==, 2);
    g_assert(sysbus_mmio_get_region(sbd, 1) == &s->window);
    g_assert_null(sysbus_mmio_get_region(sbd, 2));

    g_assert_true(sysbus_realize(sbd, &error_abort));
    g_assert(dev->parent_bus == sysbus_get_default());

    sysbus_mmio_map(sbd, 0, 0x10000);
    sysbus_mmio_map(sbd, 1, 0x20000);
    g_assert_true(mapped_at(0x10000, &s->regs));
    g_assert_true(mapped_at(0x21ffc, &s->window));
    g_assert_cmphex(ld(0x10008), ==, 0x1008);
    g_assert_cmphex(sbd->mmio[0].addr, ==, 0x10000);

    /* Mapping again elsewhere moves the region. */
    sysbus_mmio_map(sbd, 0, 0x30000);
    g_assert_false(mapped_at(0x10000, NULL));
    g_assert_true(mapped_at(0x30000, &s->regs));
    sysbus_mmio_unmap(sbd, 0);
    g_assert_false(mapped_at(0x30000, NULL));
    sysbus_mmio_unmap(sbd, 0);      /* twice is harmless */
    sysbus_mmio_map(sbd, 0, 0x10000);

    /* Unrealize takes every mapped region out of the address space. */
    qdev_unrealize(dev);
    g_assert_false(dev->realized);
    g_assert_false(mapped_at(0x10000, NULL));
    g_assert_false(mapped_at(0x20000, NULL));
    g_assert_false(memory_region_is_mapped(&s->regs));
    g_assert_false(memory_region_is_mapped(&s->window));
    assert_nothing_mapped();

    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    assert_nothing_mapped();
}

static void test_finalize_while_mapped(void)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(qdev_new(TYPE_X_SYSBUS));

    sysbus_realize_and_unref(sbd, &error_abort);
    sysbus_mmio_map(sbd, 1, 0x40000);
    g_assert_true(mapped_at(0x40000, NULL));
    /* Removing it from the tree unrealizes and frees it. */
    object_unparent(OBJECT(sbd));
    g_assert_false(mapped_at(0x40000, NULL));
    assert_nothing_mapped();
}

static int irq_level = -1;

static void irq_handler(void *opaque, int n, int level)
{
    irq_level = level;
}

static void test_irq(void)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(qdev_new(TYPE_X_SYSBUS));
    qemu_irq line = qemu_allocate_irq(irq_handler, NULL, 0);
    NamedGPIOList *ngl;

    sysbus_realize(sbd, &error_abort);
    ngl = qdev_get_named_gpio_list(DEVICE(sbd), SYSBUS_DEVICE_GPIO_IRQ);
    g_assert_nonnull(ngl);
    g_assert_cmpint(ngl->num_out, ==, 1);

    sysbus_mmio_map(sbd, 0, 0x10000);
    /* Unconnected: the device raising its IRQ is harmless. */
    address_space_stl_le(&address_space_memory, 0x10000, 1,
                         MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmpint(irq_level, ==, -1);

    sysbus_connect_irq(sbd, 0, line);
    address_space_stl_le(&address_space_memory, 0x10000, 5,
                         MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmpint(irq_level, ==, 1);
    address_space_stl_le(&address_space_memory, 0x10000, 0,
                         MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmpint(irq_level, ==, 0);

    object_unparent(OBJECT(sbd));
    object_unref(OBJECT(sbd));
    qemu_free_irq(line);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sysbus/main-bus", test_main_bus);
    g_test_add_func("/sysbus/not-user-creatable", test_not_user_creatable);
    g_test_add_func("/sysbus/map-and-unrealize", test_map_and_unrealize);
    g_test_add_func("/sysbus/finalize-while-mapped",
                    test_finalize_while_mapped);
    g_test_add_func("/sysbus/irq", test_irq);
    ret = g_test_run();
    /* Nothing may be left in system memory. */
    memory_system_teardown();
    return ret;
}
