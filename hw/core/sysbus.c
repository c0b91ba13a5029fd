/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System-bus devices and the main system bus.  A sysbus device declares
 * its MMIO regions and interrupt outputs in order; the board maps region
 * n at a guest-physical address in system memory and wires IRQ n to an
 * interrupt controller input.  The IRQs are the device's GPIO output
 * list "sysbus-irq".
 *
 * Lifetime: regions are structs embedded in the device.  The base type's
 * unrealize takes every region it mapped out of system memory again, so a
 * device that is unrealized (and later freed) leaves nothing behind in
 * the address space; each device destroys its own regions at finalize.
 */
#include "qemu/osdep.h"
#include "hw/sysbus.h"
#include "trace/trace-hw_core.h"

/* No mapping: QEMU's marker for an unmapped region. */
#define SYSBUS_UNMAPPED ((hwaddr)-1)

static BusState *main_system_bus;

BusState *sysbus_get_default(void)
{
    if (!main_system_bus) {
        main_system_bus = qbus_new(TYPE_SYSTEM_BUS, NULL, "main-system-bus");
        /* No parent device realizes it: it is usable from the start. */
        main_system_bus->realized = true;
    }
    return main_system_bus;
}

bool sysbus_realize(SysBusDevice *dev, Error **errp)
{
    return qdev_realize(DEVICE(dev), sysbus_get_default(), errp);
}

bool sysbus_realize_and_unref(SysBusDevice *dev, Error **errp)
{
    return qdev_realize_and_unref(DEVICE(dev), sysbus_get_default(), errp);
}

void sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr)
{
    int n = dev->num_mmio;

    g_assert(n < QDEV_MAX_MMIO);
    dev->mmio[n].addr = SYSBUS_UNMAPPED;
    dev->mmio[n].memory = mr;
    dev->num_mmio++;
}

void sysbus_init_irq(SysBusDevice *dev, qemu_irq *p)
{
    qdev_init_gpio_out_named(DEVICE(dev), p, SYSBUS_DEVICE_GPIO_IRQ, 1);
}

MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n)
{
    if (n < 0 || n >= dev->num_mmio) {
        return NULL;
    }
    return dev->mmio[n].memory;
}

void sysbus_mmio_unmap(SysBusDevice *dev, int n)
{
    MemoryRegion *mr;

    g_assert(n >= 0 && n < dev->num_mmio);
    mr = dev->mmio[n].memory;
    if (dev->mmio[n].addr == SYSBUS_UNMAPPED) {
        return;
    }
    trace_sysbus_mmio_unmap(object_get_typename(OBJECT(dev)), n,
                            dev->mmio[n].addr);
    /* It may have been destroyed (and so removed) by its owner already. */
    if (memory_region_is_mapped(mr)) {
        memory_region_del_subregion(get_system_memory(), mr);
    }
    dev->mmio[n].addr = SYSBUS_UNMAPPED;
}

void sysbus_mmio_map_overlap(SysBusDevice *dev, int n, hwaddr addr,
                             int priority)
{
    g_assert(n >= 0 && n < dev->num_mmio);
    if (dev->mmio[n].addr == addr && addr != SYSBUS_UNMAPPED) {
        return;
    }
    sysbus_mmio_unmap(dev, n);
    trace_sysbus_mmio_map(object_get_typename(OBJECT(dev)), n, addr,
                          memory_region_size(dev->mmio[n].memory));
    memory_region_add_subregion_overlap(get_system_memory(), addr,
                                        dev->mmio[n].memory, priority);
    dev->mmio[n].addr = addr;
}

void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr)
{
    sysbus_mmio_map_overlap(dev, n, addr, 0);
}

void sysbus_connect_irq(SysBusDevice *dev, int n, qemu_irq irq)
{
    qdev_connect_gpio_out_named(DEVICE(dev), SYSBUS_DEVICE_GPIO_IRQ, n, irq);
}

void sysbus_device_unrealize(DeviceState *dev)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    int i;

    memory_region_transaction_begin();
    for (i = 0; i < sbd->num_mmio; i++) {
        sysbus_mmio_unmap(sbd, i);
    }
    memory_region_transaction_commit();
}

static void sysbus_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = TYPE_SYSTEM_BUS;
    dc->unrealize = sysbus_device_unrealize;
    /*
     * The board wires a sysbus device's regions and IRQs; -device could
     * only leave it floating, so (as in QEMU) none is user-creatable.
     */
    dc->user_creatable = false;
    dc->hotpluggable = false;
}

static void system_bus_instance_finalize(Object *obj)
{
    if (BUS(obj) == main_system_bus) {
        main_system_bus = NULL;
    }
}

static const TypeInfo sysbus_types[] = {
    {
        .name = TYPE_SYSTEM_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(BusState),
        .class_size = sizeof(BusClass),
        .instance_finalize = system_bus_instance_finalize,
    },
    {
        .name = TYPE_SYS_BUS_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(SysBusDevice),
        .class_size = sizeof(DeviceClass),
        .abstract = true,
        .class_init = sysbus_device_class_init,
    },
};

DEFINE_TYPES(sysbus_types)
