/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express downstream ports and their hotplug slots.
 *
 * A port ("pcie-port", abstract) is a PCI-PCI bridge with a link port
 * number.  A slot ("pcie-slot", abstract) is a port with a physical slot
 * (chassis and slot number, unique per machine) and PCI Express native
 * hotplug: the slot registers of the PCI Express capability (PCIe Base
 * 6.0, 7.5.3.9-11) and the hotplug handler of the port's secondary bus.
 *
 * The model follows QEMU's, so guests and management see the same thing:
 *   - plug (device_add): presence detect state and the data link layer
 *     link active bit go up, and the slot reports "presence detect
 *     changed" and "attention button pressed";
 *   - unplug request (device_del): the attention button is pressed; the
 *     guest then turns the power indicator and the power controller off,
 *     and that write unplugs every function in the slot (DEVICE_DELETED),
 *     clears presence and link active and reports presence changed.  A
 *     slot that is already powered off unplugs at once;
 *   - the functions in the slot have power (pci_set_power) while the
 *     power controller is on; a power-off the guest makes with a
 *     bus-master write (DMA, MSI) unplugs once that access has returned;
 *   - every write to Slot Control completes at once (command completed);
 *   - the hotplug interrupt (PCIe Base 6.7.3.4) is the function's MSI-X
 *     vector (Interrupt Message Number of the capability), else MSI,
 *     else INTx, and it is edge-like: it is signalled when "hotplug
 *     interrupt enable && (status & enables & {ABP, PDC, CC})" becomes
 *     true, and, for INTx, deasserted when it becomes false.
 * docs/system/pcie-hotplug.rst describes the handshake from the user's
 * and the guest's side.
 */
#ifndef HW_PCI_PCIE_PORT_H
#define HW_PCI_PCIE_PORT_H

#include "hw/pci/pci_bridge.h"
#include "qemu/main-loop.h"

#define TYPE_PCIE_PORT "pcie-port"
#define TYPE_PCIE_SLOT "pcie-slot"

#define PCIE_PORT(obj) OBJECT_CHECK(PCIEPort, (obj), TYPE_PCIE_PORT)
#define PCIE_SLOT(obj) OBJECT_CHECK(PCIESlot, (obj), TYPE_PCIE_SLOT)

/* The slot events that can raise the hotplug interrupt (as QEMU). */
#define PCIE_SLOT_HP_EVENTS \
    (PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC)

typedef struct PCIEPort {
    PCIBridge parent_obj;
    uint8_t port;               /* "port": Link Capabilities port number */
} PCIEPort;

typedef struct PCIESlot {
    PCIEPort parent_obj;

    /* Properties */
    uint8_t chassis;            /* "chassis" */
    uint16_t slot;              /* "slot": physical slot number */
    bool hotplug;               /* "hotplug": hot-plug capable */
    bool power_controller;      /* "power_controller_present" */

    bool registered;            /* in the chassis table */
    /* A power-off that a bus-master write asked for (pcie_port.c). */
    QEMUBH *unplug_bh;
} PCIESlot;

/*
 * Set up the slot registers of dev's PCI Express capability (added
 * already) from s's properties, register (chassis, slot), and make dev
 * the hotplug handler of its secondary bus.  Fails when another slot has
 * the same chassis and slot numbers.
 */
bool pcie_slot_init(PCIDevice *dev, Error **errp);
void pcie_slot_exit(PCIDevice *dev);
/*
 * Link registers of a downstream port: x32 at 16 GT/s (QEMU's generic
 * root port), link active reporting capable.
 */
void pcie_port_init_link(PCIDevice *dev);

/* Reset slot control and status (a populated slot stays powered). */
void pcie_cap_slot_reset(PCIDevice *dev);
/*
 * Act on a config write that may have touched the slot registers;
 * old_ctl and old_sta are their values before the write.
 */
void pcie_cap_slot_write_config(PCIDevice *dev, uint16_t old_ctl,
                                uint16_t old_sta, uint32_t addr,
                                uint32_t val, int len);
void pcie_cap_slot_get(PCIDevice *dev, uint16_t *ctl, uint16_t *sta);
/* The attention button, as device_del presses it. */
void pcie_cap_slot_push_attention_button(PCIDevice *dev);
/*
 * Refresh the port's Link Status width and speed from the function at
 * devfn 0 of the secondary bus (the port's own when there is none).
 */
void pcie_port_sync_link(PCIDevice *dev);

#endif
