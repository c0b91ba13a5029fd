/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pxb-pcie, the PCI Express expander bridge: an extra root complex.  The
 * device itself is a conventional function on pcie.0 (1b36:000b, class
 * host bridge); behind it is a root bus of type "pxb-pcie-bus" numbered
 * bus_nr and named after the device's id, which takes bridges (root
 * ports) only.  Its functions decode BARs in the same PCI memory and I/O
 * spaces as pcie.0 and are configured through the same ECAM window; a
 * function below it uses the IOMMU set up on this root bus, never
 * pcie.0's.  docs/system/pcie.rst describes how the guest learns about
 * it (a host bridge node of its own in the device tree).
 */
#ifndef HW_PCI_BRIDGE_PXB_H
#define HW_PCI_BRIDGE_PXB_H

#include "hw/pci/pci.h"

#define TYPE_PXB_PCIE_DEV "pxb-pcie"
#define TYPE_PXB_PCIE_BUS "pxb-pcie-bus"
#define PXB_PCIE_DEV(obj) OBJECT_CHECK(PXBDev, (obj), TYPE_PXB_PCIE_DEV)

/* numa_node's default: no NUMA node named. */
#define PXB_NUMA_NODE_UNASSIGNED 0xffff

typedef struct PXBDev {
    PCIDevice parent_obj;

    /* Properties */
    uint8_t bus_nr;             /* "bus_nr": the root bus's number */
    uint16_t numa_node;         /* "numa_node" */

    PCIBus *bus;                /* the root bus, from realize to exit */
} PXBDev;

/* The pxb-pcie whose root bus is bus, or NULL (pcie.0, other buses). */
PXBDev *pxb_pcie_from_bus(PCIBus *bus);

/*
 * The line (0..3) of the pxb's parent bus that pin (0..3) of the
 * function at devfn on the pxb's root bus ends up on, once that bus
 * applies its own swizzle for the pxb's slot.  The device tree's
 * interrupt-map of the pxb's node is built from it.
 */
int pxb_pcie_parent_line(PXBDev *pxb, int devfn, int pin);

#endif
