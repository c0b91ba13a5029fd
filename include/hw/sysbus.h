/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System-bus devices: devices with MMIO regions the board maps at fixed
 * guest-physical addresses and interrupt outputs it wires to the
 * interrupt controller (pl011, pl031, the GIC, the SMMU).  They sit on
 * the one "main-system-bus"; their MMIO regions and IRQs are numbered in
 * the order the device declares them.
 *
 * A sysbus device's IRQs are its output GPIO list "sysbus-irq".
 */
#ifndef HW_SYSBUS_H
#define HW_SYSBUS_H

#include "hw/qdev-core.h"
#include "system/memory.h"

#define TYPE_SYS_BUS_DEVICE "sys-bus-device"
#define TYPE_SYSTEM_BUS "System"
#define SYSBUS_DEVICE_GPIO_IRQ "sysbus-irq"

#define QDEV_MAX_MMIO 32
#define QDEV_MAX_IRQ 512

typedef struct SysBusDevice {
    DeviceState parent_obj;
    int num_mmio;
    struct {
        hwaddr addr;            /* where mapped, or -1 */
        MemoryRegion *memory;
    } mmio[QDEV_MAX_MMIO];
} SysBusDevice;

#define SYS_BUS_DEVICE(obj) \
    OBJECT_CHECK(SysBusDevice, (obj), TYPE_SYS_BUS_DEVICE)

/* The main system bus (created on first use under /machine/unattached). */
BusState *sysbus_get_default(void);
/* Realize on the main system bus. */
bool sysbus_realize(SysBusDevice *dev, Error **errp);
bool sysbus_realize_and_unref(SysBusDevice *dev, Error **errp);

/* Declare the next MMIO region / IRQ output (in init or realize). */
void sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr);
void sysbus_init_irq(SysBusDevice *dev, qemu_irq *p);

MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n);
/* Map region n into system memory at addr (priority 0); unmap it. */
void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr);
void sysbus_mmio_map_overlap(SysBusDevice *dev, int n, hwaddr addr,
                             int priority);
void sysbus_mmio_unmap(SysBusDevice *dev, int n);
void sysbus_connect_irq(SysBusDevice *dev, int n, qemu_irq irq);

/*
 * The base type's unrealize: unmaps every region sysbus_mmio_map put in
 * system memory.  A subclass that sets its own DeviceClass.unrealize
 * saves the one it replaces and calls it last.
 */
void sysbus_device_unrealize(DeviceState *dev);

#endif
