/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic PCI Express host bridge ("gpex-pcihost") and its PCI face
 * ("gpex-root", function 00.0 of pcie.0).  The bridge turns ECAM
 * accesses into configuration reads and writes of the PCI core, delivers
 * the root bus's four INTx lines to its sysbus IRQs, and holds the PCI
 * memory and I/O spaces that BARs are mapped into; the board decides
 * where they appear in the CPU's address space.  Everything a guest can
 * do through the ECAM window is survivable: any size and alignment is
 * accepted and split into naturally aligned pieces, and functions that
 * are not there read as all ones.
 */
#include "qemu/osdep.h"
#include "hw/pci-host/gpex.h"
#include "hw/irq.h"
#include "trace/trace-hw_pci_host.h"

unsigned gpex_ecam_buses(const GPEXHost *s)
{
    return s->ecam_size >> GPEX_ECAM_BUS_SHIFT;
}

/* The largest naturally aligned config access at addr, at most len. */
static unsigned gpex_ecam_piece(hwaddr addr, unsigned len)
{
    unsigned n = 4;

    while (n > len || (addr & (n - 1))) {
        n /= 2;
    }
    return n;
}

static void gpex_ecam_decode(hwaddr addr, int *bus, int *devfn,
                             uint32_t *reg)
{
    *bus = addr >> GPEX_ECAM_BUS_SHIFT;
    *devfn = (addr >> GPEX_ECAM_DEVFN_SHIFT) & (PCI_DEVFN_MAX - 1);
    *reg = addr & (PCIE_CONFIG_SPACE_SIZE - 1);
}

/*
 * One ECAM access of size 1..8 at any alignment: the pieces are decoded
 * one by one, so an access that straddles two functions reaches both.
 */
static uint64_t gpex_ecam_read(void *opaque, hwaddr addr, unsigned size)
{
    GPEXHost *s = opaque;
    uint64_t val = 0;
    unsigned done, n;

    for (done = 0; done < size; done += n) {
        uint32_t reg;
        int bus, devfn;

        n = gpex_ecam_piece(addr + done, size - done);
        gpex_ecam_decode(addr + done, &bus, &devfn, &reg);
        val |= (uint64_t)pci_host_config_read(s->bus, bus, devfn, reg, n)
               << (8 * done);
    }
    trace_gpex_ecam_read(addr, size, val);
    return val;
}

static void gpex_ecam_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    GPEXHost *s = opaque;
    unsigned done, n;

    trace_gpex_ecam_write(addr, size, val);
    for (done = 0; done < size; done += n) {
        uint32_t reg;
        int bus, devfn;

        n = gpex_ecam_piece(addr + done, size - done);
        gpex_ecam_decode(addr + done, &bus, &devfn, &reg);
        pci_host_config_write(s->bus, bus, devfn, reg,
                              (val >> (8 * done)) &
                              (0xffffffffULL >> (32 - 8 * n)), n);
    }
}

static const MemoryRegionOps gpex_ecam_ops = {
    .read = gpex_ecam_read,
    .write = gpex_ecam_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8,
              .unaligned = true },
};

static void gpex_set_irq(void *opaque, int irq_num, int level)
{
    GPEXHost *s = opaque;

    trace_gpex_set_irq(irq_num, level);
    qemu_set_irq(s->irq[irq_num], level);
}

bool gpex_map_mmio_window(GPEXHost *s, const char *name, hwaddr base,
                          uint64_t size, Error **errp)
{
    GPEXMmioWindow *w = NULL;
    unsigned i;

    for (i = 0; i < GPEX_MAX_MMIO_WINDOWS && !w; i++) {
        if (!s->windows[i].mapped) {
            w = &s->windows[i];
        }
    }
    if (!w) {
        error_setg(errp, "%s: no more than %d PCI memory windows",
                   TYPE_GPEX_HOST, GPEX_MAX_MMIO_WINDOWS);
        return false;
    }
    trace_gpex_map_mmio_window(name, base, size);
    memory_region_init_alias(&w->alias, OBJECT(s), name, &s->mmio, base,
                             size);
    memory_region_add_subregion(get_system_memory(), base, &w->alias);
    w->mapped = true;
    return true;
}

static void gpex_unmap_mmio_windows(GPEXHost *s)
{
    unsigned i;

    for (i = 0; i < GPEX_MAX_MMIO_WINDOWS; i++) {
        if (s->windows[i].mapped) {
            memory_region_destroy(&s->windows[i].alias);
            s->windows[i].mapped = false;
        }
    }
}

/* Drop the host bridge function and the root bus (what realize made). */
static void gpex_free_bus(GPEXHost *s)
{
    if (s->root) {
        object_unparent(OBJECT(s->root));
        s->root = NULL;
    }
    if (s->bus) {
        pci_root_bus_free(s->bus);
        s->bus = NULL;
    }
}

static bool gpex_realize(DeviceState *dev, Error **errp)
{
    GPEXHost *s = GPEX_HOST(dev);
    DeviceState *root;

    if (!s->ecam_size || s->ecam_size > GPEX_ECAM_SIZE_MAX ||
        s->ecam_size & ((1ULL << GPEX_ECAM_BUS_SHIFT) - 1)) {
        error_setg(errp, "%s: x-ecam-size 0x%" PRIx64 " must be a multiple "
                   "of 1 MiB (one bus) up to 256 MiB", TYPE_GPEX_HOST,
                   s->ecam_size);
        return false;
    }
    memory_region_set_size(&s->ecam, s->ecam_size);

    s->bus = pci_root_bus_new(dev, "pcie.0", &s->mmio, &s->io, 0,
                              TYPE_PCIE_BUS);
    pci_bus_irqs(s->bus, gpex_set_irq, s, GPEX_NUM_IRQS);
    pci_bus_map_irqs(s->bus, pci_swizzle_map_irq_fn);

    /* The bridge's own function; the composition tree holds it. */
    root = qdev_new(TYPE_GPEX_ROOT_DEVICE);
    PCI_DEVICE(root)->devfn = PCI_DEVFN(0, 0);
    if (!object_property_add_child(OBJECT(dev), "gpex_root", OBJECT(root),
                                   errp)) {
        object_unref(OBJECT(root));
        gpex_free_bus(s);
        return false;
    }
    object_unref(OBJECT(root));
    s->root = PCI_DEVICE(root);
    if (!qdev_realize(root, BUS(s->bus), errp)) {
        gpex_free_bus(s);
        return false;
    }
    trace_gpex_realize(gpex_ecam_buses(s));
    return true;
}

static DeviceUnrealize gpex_parent_unrealize;

static void gpex_unrealize(DeviceState *dev)
{
    GPEXHost *s = GPEX_HOST(dev);

    gpex_unmap_mmio_windows(s);
    gpex_free_bus(s);
    gpex_parent_unrealize(dev);
}

static void gpex_instance_init(Object *obj)
{
    GPEXHost *s = GPEX_HOST(obj);
    SysBusDevice *sbd = SYS_BUS_DEVICE(obj);
    int i;

    /* Sized by realize from x-ecam-size. */
    memory_region_init_io(&s->ecam, obj, &gpex_ecam_ops, s, "pcie-ecam",
                          GPEX_ECAM_SIZE_MAX);
    memory_region_init(&s->mmio, obj, "gpex_mmio", UINT64_MAX);
    memory_region_init(&s->io, obj, "gpex_ioport", GPEX_PIO_SIZE);
    sysbus_init_mmio(sbd, &s->ecam);
    sysbus_init_mmio(sbd, &s->mmio);
    sysbus_init_mmio(sbd, &s->io);
    for (i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_init_irq(sbd, &s->irq[i]);
    }
}

static void gpex_instance_finalize(Object *obj)
{
    GPEXHost *s = GPEX_HOST(obj);

    memory_region_destroy(&s->ecam);
    memory_region_destroy(&s->mmio);
    memory_region_destroy(&s->io);
}

static const Property gpex_props[] = {
    DEFINE_PROP_SIZE("x-ecam-size", GPEXHost, ecam_size,
                     GPEX_ECAM_SIZE_MAX, "Size of the ECAM window (1 MiB "
                     "per bus)"),
    { NULL }
};

static void gpex_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Generic PCI Express host bridge";
    dc->categories |= 1ul << DEVICE_CATEGORY_BRIDGE;
    dc->realize = gpex_realize;
    gpex_parent_unrealize = dc->unrealize;
    dc->unrealize = gpex_unrealize;
    object_class_add_props(oc, gpex_props);
}

static void gpex_root_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(oc);

    dc->desc = "QEMU generic PCIe host bridge";
    dc->categories |= 1ul << DEVICE_CATEGORY_BRIDGE;
    /* Only the host bridge creates it. */
    dc->user_creatable = false;
    dc->hotpluggable = false;
    k->vendor_id = PCI_VENDOR_ID_REDHAT;
    k->device_id = PCI_DEVICE_ID_REDHAT_PCIE_HOST;
    k->revision = 0;
    k->class_id = PCI_CLASS_BRIDGE_HOST;
}

static const TypeInfo gpex_types[] = {
    {
        .name = TYPE_GPEX_HOST,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(GPEXHost),
        .instance_init = gpex_instance_init,
        .instance_finalize = gpex_instance_finalize,
        .class_init = gpex_class_init,
    },
    {
        .name = TYPE_GPEX_ROOT_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = gpex_root_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { NULL },
        },
    },
};

DEFINE_TYPES(gpex_types)
