/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pxb-pcie: an extra PCI Express root complex hanging off pcie.0.  The
 * function on pcie.0 is only a placeholder that says "a host bridge is
 * here"; what matters is the root bus it owns, with a fixed number
 * (bus_nr), the address spaces of pcie.0, and INTx delivered through the
 * pxb's slot on pcie.0.  The checks at realize are QEMU's (root bus
 * only, a bus number nobody else has) plus one QEMU lacks: the number
 * must be one the host bridge's ECAM window decodes, since that window
 * is the only way to configure the functions below.
 */
#include "qemu/osdep.h"
#include "hw/pci-bridge/pxb.h"
#include "hw/pci-host/gpex.h"
#include "trace/trace-hw_pci_bridge.h"

PXBDev *pxb_pcie_from_bus(PCIBus *bus)
{
    PCIDevice *owner = bus->parent_dev;

    if (!owner || !object_dynamic_cast(OBJECT(bus), TYPE_PXB_PCIE_BUS) ||
        !object_dynamic_cast(OBJECT(owner), TYPE_PXB_PCIE_DEV)) {
        return NULL;
    }
    return PXB_PCIE_DEV(owner);
}

/*
 * QEMU's routing, which its firmware tables (ACPI _PRT) describe: the
 * usual swizzle on the pxb's bus, then the pxb's own slot taken back
 * out, so that once pcie.0 adds it again a function at slot s, pin p
 * lands on line (p + s) % 4 as if it sat on pcie.0.
 */
static int pxb_swizzle(int devfn, int pxb_devfn, int pin)
{
    int line = pin + PCI_SLOT(devfn) - PCI_SLOT(pxb_devfn);

    return ((line % PCI_NUM_PINS) + PCI_NUM_PINS) % PCI_NUM_PINS;
}

static int pxb_map_irq(PCIDevice *dev, int pin)
{
    PCIDevice *pxb = pci_get_bus(dev)->parent_dev;

    return pxb_swizzle(dev->devfn, pxb->devfn, pin);
}

int pxb_pcie_parent_line(PXBDev *pxb, int devfn, int pin)
{
    PCIDevice *pd = PCI_DEVICE(pxb);
    PCIBus *parent = pci_get_bus(pd);
    int line = pxb_swizzle(devfn, pd->devfn, pin);

    return parent->map_irq ? parent->map_irq(pd, line) : line;
}

/* The buses the host bridge's ECAM decodes (all 256 without one). */
static unsigned pxb_ecam_buses(PCIBus *parent)
{
    DeviceState *host = parent->qbus.parent;

    if (host && object_dynamic_cast(OBJECT(host), TYPE_GPEX_HOST)) {
        return gpex_ecam_buses(GPEX_HOST(host));
    }
    return PCI_BUS_MAX;
}

static bool pxb_check(PXBDev *pxb, PCIBus *parent, Error **errp)
{
    PCIDevice *pd = PCI_DEVICE(pxb);
    unsigned nbuses = pxb_ecam_buses(parent);
    int devfn;

    if (!pci_bus_is_express(parent)) {
        error_setg(errp, "pxb-pcie devices cannot reside on a PCI bus");
        return false;
    }
    /* No NUMA nodes are modelled, so none can be named. */
    if (pxb->numa_node != PXB_NUMA_NODE_UNASSIGNED) {
        error_setg(errp, "Illegal numa node %d", pxb->numa_node);
        return false;
    }
    if (parent->parent_dev) {
        error_setg(errp, "PXB devices can be attached only to root bus");
        return false;
    }
    if (pxb->bus_nr == pci_bus_num(parent)) {
        error_setg(errp, "Bus %d is already in use", pxb->bus_nr);
        return false;
    }
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = parent->devices[devfn];

        if (d && d != pd && object_dynamic_cast(OBJECT(d), TYPE_PXB_PCIE_DEV)
            && PXB_PCIE_DEV(d)->bus_nr == pxb->bus_nr) {
            error_setg(errp, "Bus %d is already in use", pxb->bus_nr);
            return false;
        }
    }
    if (pxb->bus_nr >= nbuses) {
        error_setg(errp, "Bus %d is beyond the %u buses the host bridge's "
                   "ECAM window decodes", pxb->bus_nr, nbuses);
        error_append_hint(errp, "Use a bus_nr below %u (with -M virt, "
                          "highmem-ecam=on gives 256 buses).\n", nbuses);
        return false;
    }
    return true;
}

static bool pxb_realize(PCIDevice *pd, Error **errp)
{
    PXBDev *pxb = PXB_PCIE_DEV(pd);
    PCIBus *parent = pci_get_bus(pd);
    const char *id = DEVICE(pd)->id;
    PCIBus *bus;

    if (!pxb_check(pxb, parent, errp)) {
        return false;
    }
    bus = pci_root_bus_new(DEVICE(pd), id && *id ? id : NULL,
                           parent->address_space_mem,
                           parent->address_space_io, 0, TYPE_PXB_PCIE_BUS);
    bus->parent_dev = pd;
    bus->root_bus_nr = pxb->bus_nr;
    pci_bus_map_irqs(bus, pxb_map_irq);
    pxb->bus = bus;

    pci_set_word(pd->config + PCI_STATUS,
                 pci_get_word(pd->config + PCI_STATUS) |
                 PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
    trace_pxb_realize(pxb->bus_nr, bus->qbus.name);
    return true;
}

static void pxb_exit(PCIDevice *pd)
{
    PXBDev *pxb = PXB_PCIE_DEV(pd);

    trace_pxb_exit(pxb->bus_nr);
    if (pxb->bus) {
        pci_root_bus_free(pxb->bus);
        pxb->bus = NULL;
    }
}

static const Property pxb_props[] = {
    /* 0 is pcie.0's number: a pxb needs another. */
    DEFINE_PROP_UINT8("bus_nr", PXBDev, bus_nr, 0,
                      "Number of the root bus behind the bridge"),
    DEFINE_PROP_UINT16("numa_node", PXBDev, numa_node,
                       PXB_NUMA_NODE_UNASSIGNED, "NUMA node of the root "
                       "complex (none are modelled)"),
    { NULL }
};

static void pxb_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(oc);

    dc->desc = "PCI Express Expander Bridge";
    dc->categories |= 1ul << DEVICE_CATEGORY_BRIDGE;
    /* A root complex cannot come or go under a running guest. */
    dc->hotpluggable = false;
    k->realize = pxb_realize;
    k->exit = pxb_exit;
    k->vendor_id = PCI_VENDOR_ID_REDHAT;
    k->device_id = PCI_DEVICE_ID_REDHAT_PXB_PCIE;
    k->class_id = PCI_CLASS_BRIDGE_HOST;
    object_class_add_props(oc, pxb_props);
}

static void pxb_bus_class_init(ObjectClass *oc, const void *data)
{
    PCI_BUS_CLASS(oc)->is_root = true;
}

static const TypeInfo pxb_types[] = {
    {
        .name = TYPE_PXB_PCIE_BUS,
        .parent = TYPE_PCIE_BUS,
        .class_init = pxb_bus_class_init,
    },
    {
        .name = TYPE_PXB_PCIE_DEV,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PXBDev),
        .class_init = pxb_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { NULL },
        },
    },
};

DEFINE_TYPES(pxb_types)
