/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of the PCI core (pci.c, pci_bus.c, pci_host.c,
 * pci-qmp.c) share and nobody else needs: walking from a function to the
 * bus it owns, INTx delivery through the buses, re-resolving a
 * function's DMA address space when an IOMMU comes or goes, and the
 * "domain:bus" name of a root complex used in messages.
 */
#ifndef HW_PCI_PCI_INTERNAL_H
#define HW_PCI_PCI_INTERNAL_H

#include "hw/pci/pci.h"

/*
 * The PCI bus that function d owns (a bridge's secondary bus, a
 * pxb-pcie's root bus), or NULL.
 */
PCIBus *pci_device_child_bus(PCIDevice *d);

/*
 * Pin pin of dev changed its contribution by change (+1 or -1): map it
 * bus by bus up to the bus that delivers INTx and update that line.
 */
void pci_bus_change_irq_level(PCIDevice *dev, int pin, int change);

/*
 * Point dev's bus-master alias at what the IOMMU ops (or none) give it
 * now; called for the functions below a bus whose ops changed.
 */
void pci_device_rebind_bus_master(PCIDevice *dev);

/* "0000:NN", NN the bus number of bus's root complex. */
char *pci_root_bus_path(PCIBus *bus);

#endif
