/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI unit-test fixture (see pci-fixture.h): a bare "pcie.0" with
 * windows in system memory, recorded INTx lines, RAM for DMA, and two
 * test endpoint types with BARs of every kind.
 */
#include "qemu/osdep.h"
#include "pci-fixture.h"
#include "monitor/qmp-dispatch.h"

typedef struct PCIFixture {
    PCIBus *bus;
    MemoryRegion mem;           /* the bus's memory space (2^64) */
    MemoryRegion io;            /* the bus's I/O space (64 KiB) */
    MemoryRegion mmio_window;   /* aliases of them in system memory */
    MemoryRegion mmio64_window;
    MemoryRegion pio_window;
    MemoryRegion ram;
    int intx_level[PCI_NUM_PINS];
    int intx_events[PCI_NUM_PINS];
} PCIFixture;

static PCIFixture *fx;

static void pci_fixture_set_irq(void *opaque, int irq, int level)
{
    PCIFixture *f = opaque;

    g_assert(irq >= 0 && irq < PCI_NUM_PINS);
    f->intx_level[irq] = level;
    f->intx_events[irq]++;
}

PCIBus *pci_fixture_init(void)
{
    MemoryRegion *sys = get_system_memory();

    g_assert_null(fx);
    fx = g_new0(PCIFixture, 1);
    memory_region_init(&fx->mem, NULL, "pci-fixture-mem", UINT64_MAX);
    memory_region_init(&fx->io, NULL, "pci-fixture-io", PCI_FIXTURE_PIO_SIZE);
    memory_region_init_alias(&fx->mmio_window, NULL, "pci-fixture-mmio",
                             &fx->mem, PCI_FIXTURE_MMIO_BASE,
                             PCI_FIXTURE_MMIO_SIZE);
    memory_region_init_alias(&fx->mmio64_window, NULL, "pci-fixture-mmio64",
                             &fx->mem, PCI_FIXTURE_MMIO64_BASE,
                             PCI_FIXTURE_MMIO64_SIZE);
    memory_region_init_alias(&fx->pio_window, NULL, "pci-fixture-pio",
                             &fx->io, 0, PCI_FIXTURE_PIO_SIZE);
    memory_region_init_ram(&fx->ram, NULL, "pci-fixture-ram",
                           PCI_FIXTURE_RAM_SIZE, &error_abort);
    memory_region_add_subregion(sys, PCI_FIXTURE_MMIO_BASE,
                                &fx->mmio_window);
    memory_region_add_subregion(sys, PCI_FIXTURE_MMIO64_BASE,
                                &fx->mmio64_window);
    memory_region_add_subregion(sys, PCI_FIXTURE_PIO_BASE, &fx->pio_window);
    memory_region_add_subregion(sys, PCI_FIXTURE_RAM_BASE, &fx->ram);

    fx->bus = pci_root_bus_new(NULL, "pcie.0", &fx->mem, &fx->io, 0,
                               TYPE_PCIE_BUS);
    pci_bus_irqs(fx->bus, pci_fixture_set_irq, fx, PCI_NUM_PINS);
    pci_bus_map_irqs(fx->bus, pci_swizzle_map_irq_fn);
    return fx->bus;
}

PCIBus *pci_fixture_bus(void)
{
    g_assert_nonnull(fx);
    return fx->bus;
}

void pci_fixture_cleanup(void)
{
    g_assert_nonnull(fx);
    pci_root_bus_free(fx->bus);
    /* Every BAR left with its function: nothing may remain mapped. */
    g_assert_null(fx->mem.subregions);
    g_assert_null(fx->io.subregions);

    memory_region_destroy(&fx->mmio_window);
    memory_region_destroy(&fx->mmio64_window);
    memory_region_destroy(&fx->pio_window);
    memory_region_destroy(&fx->ram);
    memory_region_destroy(&fx->mem);
    memory_region_destroy(&fx->io);
    g_clear_pointer(&fx, g_free);
}

PCIDevice *pci_fixture_add(const char *type, PCIBus *bus, int devfn,
                           const char *id, Error **errp)
{
    DeviceState *dev = qdev_new(type);

    object_property_set_int(OBJECT(dev), "addr", devfn, &error_abort);
    if (id) {
        Object *parent = container_get(object_get_root(),
                                       "/machine/peripheral");

        if (object_get_child(parent, id)) {
            error_setg(errp, "Duplicate device ID '%s'", id);
            object_unref(OBJECT(dev));
            return NULL;
        }
        dev->id = g_strdup(id);
        object_property_add_child(parent, id, OBJECT(dev), &error_abort);
    }
    if (!qdev_realize(dev, BUS(bus ? bus : pci_fixture_bus()), errp)) {
        if (id) {
            object_unparent(OBJECT(dev));
        }
        object_unref(OBJECT(dev));
        return NULL;
    }
    object_unref(OBJECT(dev));
    return PCI_DEVICE(dev);
}

uint32_t pci_fixture_cfg_read(int bus, int devfn, uint32_t off,
                              unsigned len)
{
    return pci_host_config_read(pci_fixture_bus(), bus, devfn, off, len);
}

void pci_fixture_cfg_write(int bus, int devfn, uint32_t off, uint32_t val,
                           unsigned len)
{
    pci_host_config_write(pci_fixture_bus(), bus, devfn, off, val, len);
}

int pci_fixture_intx_level(int line)
{
    g_assert(line >= 0 && line < PCI_NUM_PINS);
    return fx->intx_level[line];
}

int pci_fixture_intx_events(int line)
{
    g_assert(line >= 0 && line < PCI_NUM_PINS);
    return fx->intx_events[line];
}

uint8_t *pci_fixture_ram(void)
{
    return memory_region_get_ram_ptr(&fx->ram);
}

/* ---- the test endpoints ---- */

#define TYPE_PCI_FIXTURE_BASE "x-pci-fixture-base"
#define PCI_FIXTURE_DEV(obj) \
    OBJECT_CHECK(PCIFixtureDev, (obj), TYPE_PCI_FIXTURE_BASE)

typedef struct PCIFixtureDev {
    PCIDevice parent_obj;
    bool bars;
    bool fail_realize;
    MemoryRegion bar0, bar1, bar2, rom;
    uint32_t regs[4];
} PCIFixtureDev;

static uint64_t pci_fixture_dev_read(void *opaque, hwaddr addr,
                                     unsigned size)
{
    PCIFixtureDev *d = opaque;

    return d->regs[(addr >> 2) & 3];
}

static void pci_fixture_dev_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned size)
{
    PCIFixtureDev *d = opaque;

    d->regs[(addr >> 2) & 3] = val;
}

static const MemoryRegionOps pci_fixture_dev_ops = {
    .read = pci_fixture_dev_read,
    .write = pci_fixture_dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 4,
    .valid.max_access_size = 4,
};

static bool pci_fixture_dev_realize(PCIDevice *pdev, Error **errp)
{
    PCIFixtureDev *d = PCI_FIXTURE_DEV(pdev);
    Object *o = OBJECT(d);

    if (d->fail_realize) {
        error_setg(errp, "%s: realize failed as requested", pdev->name);
        return false;
    }
    pdev->config[PCI_INTERRUPT_PIN] = 1;
    d->regs[0] = PCI_FIXTURE_MAGIC;
    if (!d->bars) {
        return true;
    }
    memory_region_init_io(&d->bar0, o, &pci_fixture_dev_ops, d, "fx-bar0",
                          0x1000);
    memory_region_init_io(&d->bar1, o, &pci_fixture_dev_ops, d, "fx-bar1",
                          0x20);
    memory_region_init_io(&d->bar2, o, &pci_fixture_dev_ops, d, "fx-bar2",
                          0x100000);
    memory_region_init_io(&d->rom, o, &pci_fixture_dev_ops, d, "fx-rom",
                          0x10000);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->bar0);
    pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_IO, &d->bar1);
    pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &d->bar2);
    pci_register_bar(pdev, PCI_ROM_SLOT, 0, &d->rom);
    return true;
}

static void pci_fixture_dev_exit(PCIDevice *pdev)
{
    PCIFixtureDev *d = PCI_FIXTURE_DEV(pdev);

    if (!d->bars) {
        return;
    }
    memory_region_destroy(&d->bar0);
    memory_region_destroy(&d->bar1);
    memory_region_destroy(&d->bar2);
    memory_region_destroy(&d->rom);
}

static const Property pci_fixture_dev_props[] = {
    DEFINE_PROP_BOOL("bars", PCIFixtureDev, bars, true, "register BARs"),
    DEFINE_PROP_BOOL("fail-realize", PCIFixtureDev, fail_realize, false,
                     "make realize fail"),
    { .name = NULL },
};

static void pci_fixture_dev_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = pci_fixture_dev_realize;
    pc->exit = pci_fixture_dev_exit;
    pc->vendor_id = PCI_FIXTURE_VENDOR;
    pc->device_id = PCI_FIXTURE_DEVICE;
    pc->revision = 0x10;
    pc->class_id = PCI_CLASS_OTHERS;
    object_class_add_props(oc, pci_fixture_dev_props);
}

static const InterfaceInfo pci_fixture_conventional[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE },
    { NULL },
};

static const InterfaceInfo pci_fixture_express[] = {
    { INTERFACE_PCIE_DEVICE },
    { NULL },
};

/*
 * The bridge: type 1 header, bus numbers writable, a PCIe secondary bus
 * sharing the parent's windows (no bridge windows of its own).
 */
static bool pci_fixture_bridge_realize(PCIDevice *dev, Error **errp)
{
    const char *id = DEVICE(dev)->id;
    PCIBus *parent = pci_get_bus(dev);
    PCIBus *sec;

    /* Bus numbers writable, as pci_bridge.c makes them. */
    memset(dev->wmask + PCI_PRIMARY_BUS, 0xff, 3);
    dev->config[PCI_INTERRUPT_PIN] = 1;
    sec = PCI_BUS(qbus_new(TYPE_PCIE_BUS, DEVICE(dev),
                           id ? id : "x-pci-fixture-bridge-bus"));
    sec->parent_dev = dev;
    sec->address_space_mem = parent->address_space_mem;
    sec->address_space_io = parent->address_space_io;
    return true;
}

static void pci_fixture_bridge_class_init(ObjectClass *oc, const void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = pci_fixture_bridge_realize;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_PCIE_RP;
    pc->class_id = PCI_CLASS_BRIDGE_PCI;
    pc->is_bridge = true;
}

static const TypeInfo pci_fixture_types[] = {
    {
        .name = TYPE_PCI_FIXTURE_BASE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIFixtureDev),
        .abstract = true,
        .class_init = pci_fixture_dev_class_init,
    },
    {
        .name = TYPE_PCI_FIXTURE_DEV,
        .parent = TYPE_PCI_FIXTURE_BASE,
        .interfaces = pci_fixture_conventional,
    },
    {
        .name = TYPE_PCIE_FIXTURE_DEV,
        .parent = TYPE_PCI_FIXTURE_BASE,
        .interfaces = pci_fixture_express,
    },
    {
        .name = TYPE_PCI_FIXTURE_BRIDGE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = pci_fixture_bridge_class_init,
        .interfaces = pci_fixture_express,
    },
};

DEFINE_TYPES(pci_fixture_types)

PCIBus *pci_fixture_child_bus(PCIDevice *d)
{
    GSList *l;

    for (l = DEVICE(d)->child_buses; l; l = l->next) {
        if (object_dynamic_cast(l->data, TYPE_PCI_BUS)) {
            return PCI_BUS(l->data);
        }
    }
    g_assert_not_reached();
}

JsonNode *pci_fixture_query_pci(void)
{
    const QmpCommand *cmd = qmp_find_command("query-pci");
    JsonObject *args = json_object_new();
    JsonNode *ret;

    g_assert_nonnull(cmd);
    ret = cmd->fn(args, &error_abort);
    json_object_unref(args);
    return ret;
}
