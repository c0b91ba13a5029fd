/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI-PCI bridges: the type 1 configuration header and the secondary bus
 * behind it.  A bridge owns the memory and I/O containers its secondary
 * bus decodes BARs into, and maps three windows of them (I/O, memory,
 * prefetchable memory) into its parent bus at the addresses its base and
 * limit registers name, while the command register enables decoding.  The
 * guest programs the bus numbers; the secondary bus's number is the
 * bridge's PCI_SECONDARY_BUS register.  INTx from the secondary bus is
 * swizzled ((pin + slot) % 4) and forwarded through the bridge's parent
 * bus by the core.  PCI-to-PCI Bridge Architecture 1.2, chapter 3.
 *
 * "base-pci-bridge" is abstract: a concrete bridge (a PCI Express root
 * port, include/hw/pci/pcie_port.h) calls pci_bridge_init() from its
 * realize and pci_bridge_exit() from its exit, and uses
 * pci_bridge_write_config() (the class default) and pci_bridge_reset().
 */
#ifndef HW_PCI_PCI_BRIDGE_H
#define HW_PCI_PCI_BRIDGE_H

#include "hw/pci/pci.h"

#define TYPE_PCI_BRIDGE "base-pci-bridge"

#define PCI_BRIDGE(obj) OBJECT_CHECK(PCIBridge, (obj), TYPE_PCI_BRIDGE)

/* Bridge control: VGA 16-bit decode (bridge spec 1.2, 3.2.5.18). */
#define PCI_BRIDGE_CTL_VGA_16BIT 0x10

/* Window granularities (bridge spec 3.2.5.6 and 3.2.5.8). */
#define PCI_BRIDGE_IO_GRANULARITY  0x1000ULL
#define PCI_BRIDGE_MEM_GRANULARITY 0x100000ULL

/* One window of the secondary bus's space mapped into the parent bus. */
typedef struct PCIBridgeWindow {
    MemoryRegion alias;         /* of the secondary container */
    MemoryRegion *parent_space; /* the parent bus's container */
    bool mapped;
    pcibus_t base;              /* as mapped (valid while mapped) */
    pcibus_t limit;
} PCIBridgeWindow;

typedef enum PCIBridgeWindowKind {
    PCI_BRIDGE_WINDOW_IO,
    PCI_BRIDGE_WINDOW_MEM,
    PCI_BRIDGE_WINDOW_PREF,
    PCI_BRIDGE_WINDOW_NR,
} PCIBridgeWindowKind;

/* Does a config access [a, a + alen) touch register [b, b + blen)? */
static inline bool pci_config_ranges_overlap(uint32_t a, uint32_t alen,
                                             uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

typedef struct PCIBridge {
    PCIDevice parent_obj;

    /* The secondary bus (a child bus of the device), from init to exit. */
    PCIBus *sec_bus;
    /* What functions on the secondary bus decode their BARs into. */
    MemoryRegion address_space_mem;
    MemoryRegion address_space_io;
    PCIBridgeWindow windows[PCI_BRIDGE_WINDOW_NR];
} PCIBridge;

/*
 * Set up dev as a bridge: type 1 header, bridge register masks, a
 * secondary bus of type bus_type (TYPE_PCI_BUS or TYPE_PCIE_BUS) named
 * after the device's id (a generated name without one), its containers
 * and the (closed) windows.  Call from the subclass's realize.
 */
bool pci_bridge_init(PCIDevice *dev, const char *bus_type, Error **errp);
/* Undo pci_bridge_init (devices on the secondary bus are gone). */
void pci_bridge_exit(PCIDevice *dev);
/*
 * pci_default_write_config, then remap the windows when the command,
 * base/limit or bridge control registers changed, and reset the
 * secondary bus on a 0 -> 1 write of the secondary bus reset bit.
 */
void pci_bridge_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                             int len);
/*
 * Reset the bridge registers: bus numbers, secondary latency timer,
 * bridge control, and windows closed (base above limit), then remap.
 */
void pci_bridge_reset(PCIDevice *dev);
/* Recompute the three windows from the registers and remap them. */
void pci_bridge_update_mappings(PCIBridge *br);

PCIBus *pci_bridge_get_sec_bus(PCIBridge *br);
/*
 * A window's decoded range as the registers say (not checking the
 * command register): type is PCI_BASE_ADDRESS_SPACE_IO, _MEMORY, or
 * _MEMORY | PCI_BASE_ADDRESS_MEM_PREFETCH.  Base > limit: closed.
 */
pcibus_t pci_bridge_get_base(const PCIDevice *bridge, uint8_t type);
pcibus_t pci_bridge_get_limit(const PCIDevice *bridge, uint8_t type);

#endif
