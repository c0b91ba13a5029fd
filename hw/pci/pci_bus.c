/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI buses: the "PCI" and "PCIE" bus types, root buses (a host
 * bridge's, a pxb-pcie's) and the registry of them that query-pci
 * walks, bus numbers and the search for a bus by number through the
 * bridges' [secondary, subordinate] ranges, iteration, INTx delivery
 * with one counter of asserted sources per line, and the IOMMU ops a
 * bus hands to the functions below it.
 *
 * The tree is the qdev tree: a bus lists its functions in devices[],
 * and a function that owns a bus (a bridge, a pxb-pcie) has it among
 * its child buses with parent_dev pointing back at the function.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "pci-internal.h"
#include "trace/trace-hw_pci.h"

/* Root buses in creation order; query-pci lists them newest first. */
static GPtrArray *root_buses;

/* TYPE_BUS's unparent, which ours chains to. */
static void (*bus_unparent_parent)(Object *obj);

static void pci_root_bus_forget(PCIBus *bus)
{
    if (root_buses) {
        g_ptr_array_remove(root_buses, bus);
    }
}

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min, const char *typename)
{
    PCIBus *bus;

    g_assert(PCI_FUNC(devfn_min) == 0);
    bus = PCI_BUS(qbus_new(typename, parent, name));
    bus->devfn_min = devfn_min;
    bus->address_space_mem = mem;
    bus->address_space_io = io;
    if (!root_buses) {
        root_buses = g_ptr_array_new();
    }
    g_ptr_array_add(root_buses, bus);
    return bus;
}

void pci_root_bus_free(PCIBus *bus)
{
    pci_root_bus_forget(bus);
    object_unparent(OBJECT(bus));
}

void pci_for_each_root_bus(void (*fn)(PCIBus *b, void *opaque),
                           void *opaque)
{
    guint i;

    /* Newest first, as QEMU lists its host bridges. */
    for (i = root_buses ? root_buses->len : 0; i > 0; i--) {
        fn(root_buses->pdata[i - 1], opaque);
    }
}

/* ---- INTx ---- */

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, void *opaque,
                  int nirq)
{
    bus->set_irq = set_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq;
    g_free(bus->irq_count);
    bus->irq_count = nirq ? g_new0(int, nirq) : NULL;
}

void pci_bus_map_irqs(PCIBus *bus, pci_map_irq_fn map_irq)
{
    bus->map_irq = map_irq;
}

/*
 * PCI-to-PCI Bridge Architecture 1.2, 9.1 (and PCIe Base 2.2.8.1): the
 * pin a function uses, rotated by its device number.
 */
int pci_swizzle_map_irq_fn(PCIDevice *dev, int pin)
{
    return (pin + PCI_SLOT(dev->devfn)) % PCI_NUM_PINS;
}

static const char *pci_dev_label(PCIDevice *dev)
{
    const char *path = DEVICE(dev)->canonical_path;

    return path ? path : dev->name;
}

void pci_bus_change_irq_level(PCIDevice *dev, int pin, int change)
{
    PCIBus *bus;
    int irq = pin;

    for (;;) {
        int in = irq;

        bus = pci_get_bus(dev);
        if (bus->map_irq) {
            irq = bus->map_irq(dev, irq);
        }
        trace_pci_route_irq(in, pci_dev_label(dev), irq, bus->qbus.name);
        if (bus->set_irq) {
            break;
        }
        if (!bus->parent_dev) {
            return;             /* a root bus nobody wired: dropped */
        }
        dev = bus->parent_dev;
    }
    if (irq < 0 || irq >= bus->nirq) {
        return;
    }
    bus->irq_count[irq] += change;
    trace_pci_bus_irq(bus->qbus.name, irq, bus->irq_count[irq]);
    bus->set_irq(bus->irq_opaque, irq, bus->irq_count[irq] != 0);
}

int pci_bus_get_irq_level(PCIBus *bus, int irq_num)
{
    if (irq_num < 0 || irq_num >= bus->nirq) {
        return 0;
    }
    return bus->irq_count[irq_num] != 0;
}

/* ---- topology ---- */

bool pci_bus_is_root(PCIBus *bus)
{
    return !bus->parent_dev || PCI_BUS_GET_CLASS(bus)->is_root;
}

PCIBus *pci_root_bus_by_name(const char *name, Error **errp)
{
    BusState *b = qbus_find(name, errp);

    if (!b) {
        return NULL;
    }
    if (!object_dynamic_cast(OBJECT(b), TYPE_PCI_BUS) ||
        !pci_bus_is_root(PCI_BUS(b))) {
        error_setg(errp, "Bus '%s' is not a PCI root complex: it must be "
                   "pcie.0 or a pxb-pcie's bus", name);
        return NULL;
    }
    return PCI_BUS(b);
}

bool pci_bus_is_express(PCIBus *bus)
{
    return object_dynamic_cast(OBJECT(bus), TYPE_PCIE_BUS) != NULL;
}

int pci_bus_num(PCIBus *bus)
{
    if (pci_bus_is_root(bus)) {
        return bus->root_bus_nr;
    }
    return bus->parent_dev->config ?
           bus->parent_dev->config[PCI_SECONDARY_BUS] : 0;
}

static bool pci_is_bridge(PCIDevice *d)
{
    return d->config &&
           (d->config[PCI_HEADER_TYPE] & 0x7f) == PCI_HEADER_TYPE_BRIDGE;
}

void pci_bus_range(PCIBus *bus, int *first, int *last)
{
    int devfn;

    *first = *last = pci_bus_num(bus);
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];

        if (d && pci_is_bridge(d)) {
            *first = MIN(*first, d->config[PCI_SECONDARY_BUS]);
            *last = MAX(*last, d->config[PCI_SUBORDINATE_BUS]);
        }
    }
}

PCIBus *pci_bus_get_root(PCIBus *bus)
{
    while (!pci_bus_is_root(bus)) {
        bus = pci_get_bus(bus->parent_dev);
    }
    return bus;
}

PCIBus *pci_device_child_bus(PCIDevice *d)
{
    GSList *l;

    for (l = DEVICE(d)->child_buses; l; l = l->next) {
        Object *o = l->data;

        if (object_dynamic_cast(o, TYPE_PCI_BUS) &&
            PCI_BUS(o)->parent_dev == d) {
            return PCI_BUS(o);
        }
    }
    return NULL;
}

/*
 * Does bridge d forward bus number n to the buses behind its secondary
 * bus?  Not while the secondary bus is held in reset.
 */
static bool pci_bridge_covers(PCIDevice *d, int n)
{
    const uint8_t *c = d->config;

    if (pci_get_word(c + PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_BUS_RESET) {
        return false;
    }
    return c[PCI_SECONDARY_BUS] <= n && n <= c[PCI_SUBORDINATE_BUS];
}

/* Is n the number of root bus root or behind one of its bridges? */
static bool pci_root_covers(PCIBus *root, int n)
{
    int devfn;

    if (pci_bus_num(root) == n) {
        return true;
    }
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = root->devices[devfn];

        if (d && pci_is_bridge(d) && pci_bridge_covers(d, n)) {
            return true;
        }
    }
    return false;
}

PCIBus *pci_find_bus_nr(PCIBus *bus, int bus_num)
{
    int devfn;

    if (!bus) {
        return NULL;
    }
    if (pci_bus_num(bus) == bus_num) {
        return bus;
    }
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        PCIBus *child, *found;

        if (!d) {
            continue;
        }
        child = pci_device_child_bus(d);
        if (!child) {
            continue;
        }
        /*
         * A bridge's own secondary bus answers to its number whatever
         * the subordinate register or the secondary bus reset bit say,
         * as in QEMU (firmware often programs the secondary bus number
         * alone); only the buses further down need the range.
         */
        if (pci_bus_num(child) == bus_num) {
            return child;
        }
        /* A pxb-pcie's root bus sits below bus 0 with its own range. */
        if (pci_bus_is_root(child) ? !pci_root_covers(child, bus_num)
                                   : !(pci_is_bridge(d) &&
                                       pci_bridge_covers(d, bus_num))) {
            continue;
        }
        /* Overlapping ranges are the guest's mistake: try the next. */
        found = pci_find_bus_nr(child, bus_num);
        if (found) {
            return found;
        }
    }
    return NULL;
}

PCIDevice *pci_find_device(PCIBus *root, int bus_num, uint8_t devfn)
{
    PCIBus *bus = pci_find_bus_nr(root, bus_num);

    return bus ? bus->devices[devfn] : NULL;
}

void pci_for_each_device_on_bus(PCIBus *bus,
                                void (*fn)(PCIBus *b, PCIDevice *d,
                                           void *opaque),
                                void *opaque)
{
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            fn(bus, bus->devices[devfn], opaque);
        }
    }
}

void pci_for_each_bus(PCIBus *bus, void (*fn)(PCIBus *b, void *opaque),
                      void *opaque)
{
    int devfn;

    fn(bus, opaque);
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        PCIBus *child = d ? pci_device_child_bus(d) : NULL;

        if (child) {
            pci_for_each_bus(child, fn, opaque);
        }
    }
}

char *pci_root_bus_path(PCIBus *bus)
{
    return g_strdup_printf("0000:%02x", pci_bus_num(pci_bus_get_root(bus)));
}

/* ---- IOMMU ---- */

/* Functions at and below bus in its root complex see the new ops. */
static void pci_bus_rebind_iommu(PCIBus *bus)
{
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        PCIBus *child;

        if (!d) {
            continue;
        }
        pci_device_rebind_bus_master(d);
        child = pci_device_child_bus(d);
        if (child && !pci_bus_is_root(child)) {
            pci_bus_rebind_iommu(child);
        }
    }
}

void pci_setup_iommu(PCIBus *bus, const PCIIOMMUOps *ops, void *opaque)
{
    g_assert(ops && ops->get_address_space);
    bus->iommu_ops = ops;
    bus->iommu_opaque = opaque;
    pci_bus_rebind_iommu(bus);
}

void pci_clear_iommu(PCIBus *bus)
{
    bus->iommu_ops = NULL;
    bus->iommu_opaque = NULL;
    pci_bus_rebind_iommu(bus);
}

static void pci_iommu_space_free(gpointer data)
{
    PCIIOMMUSpace *sp = data;

    address_space_destroy(&sp->as);
    memory_region_destroy(&sp->iommu.parent_obj);
    g_free(sp);
}

GPtrArray *pci_iommu_spaces_new(void)
{
    return g_ptr_array_new_with_free_func(pci_iommu_space_free);
}

PCIIOMMUSpace *pci_iommu_space_get(GPtrArray *spaces, PCIBus *bus, int devfn,
                                   Object *owner,
                                   const IOMMUMemoryRegionOps *ops,
                                   void *opaque, const char *prefix)
{
    PCIIOMMUSpace *sp;
    g_autofree char *name = NULL;
    guint i;

    for (i = 0; i < spaces->len; i++) {
        sp = spaces->pdata[i];
        if (sp->bus == bus && sp->devfn == devfn) {
            return sp;
        }
    }
    sp = g_new0(PCIIOMMUSpace, 1);
    sp->opaque = opaque;
    sp->bus = bus;
    sp->devfn = devfn;
    name = g_strdup_printf("%s-%s-%02x.%x", prefix, bus->qbus.name,
                           PCI_SLOT(devfn), PCI_FUNC(devfn));
    memory_region_init_iommu(&sp->iommu, owner, ops, sp, name, UINT64_MAX);
    address_space_init(&sp->as, &sp->iommu.parent_obj, name);
    g_ptr_array_add(spaces, sp);
    trace_pci_iommu_add_space(name);
    return sp;
}

/* ---- the bus types ---- */

static char *pci_bus_get_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    return g_strdup_printf("%02x.%x", PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
}

static void pci_bus_unparent(Object *obj)
{
    pci_root_bus_forget(PCI_BUS(obj));
    bus_unparent_parent(obj);
}

static void pci_bus_instance_init(Object *obj)
{
    PCI_BUS(obj)->map_irq = pci_swizzle_map_irq_fn;
}

static void pci_bus_instance_finalize(Object *obj)
{
    PCIBus *bus = PCI_BUS(obj);

    pci_root_bus_forget(bus);
    g_free(bus->irq_count);
}

static void pci_bus_class_init(ObjectClass *oc, const void *data)
{
    BusClass *bc = BUS_CLASS(oc);

    bc->get_dev_path = pci_bus_get_dev_path;
    bus_unparent_parent = oc->unparent;
    oc->unparent = pci_bus_unparent;
}

static const TypeInfo pci_bus_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .class_size = sizeof(PCIBusClass),
        .instance_init = pci_bus_instance_init,
        .instance_finalize = pci_bus_instance_finalize,
        .class_init = pci_bus_class_init,
    },
    {
        .name = TYPE_PCIE_BUS,
        .parent = TYPE_PCI_BUS,
    },
};

DEFINE_TYPES(pci_bus_types)
