/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI Express capability and the extended capability list (config
 * space from 0x100 to 4 KiB) of a PCI Express function: device, link and
 * slot registers with their read-only, writable and write-1-to-clear
 * bits.  The hotplug behaviour of a slot (presence, attention button,
 * power, the hotplug interrupt) lives with the ports that have slots:
 * include/hw/pci/pcie_port.h.
 */
#ifndef HW_PCI_PCIE_H
#define HW_PCI_PCIE_H

#include <linux/pci_regs.h>

#include "qapi/error.h"

typedef struct PCIDevice PCIDevice;

/* The capability's size as this VMM builds it (version 2). */
#define PCI_EXP_VER2_SIZEOF 0x3c

/* Per-function PCI Express state, embedded in PCIDevice as "exp". */
typedef struct PCIExpressDevice {
    uint8_t exp_cap;            /* capability offset, 0: not PCI Express */
    /* Hotplug (ports with a slot): the interrupt as last signalled. */
    bool hpev_notified;
} PCIExpressDevice;

/*
 * Add the PCI Express capability (version 2) at offset for a function of
 * type (PCI_EXP_TYPE_ENDPOINT, PCI_EXP_TYPE_ROOT_PORT, ...) and link port
 * number port.  Link capabilities say x1 at 2.5 GT/s ... as QEMU's
 * defaults; the link is up (data link layer active) when type is a
 * downstream port with a function behind it, which pcie_port sets.
 * Returns the offset or -1 + error.
 */
int pcie_cap_init(PCIDevice *dev, uint8_t offset, uint8_t type,
                  uint8_t port, Error **errp);
/*
 * The right capability for an endpoint: PCI_EXP_TYPE_RC_END on a root
 * bus, PCI_EXP_TYPE_ENDPOINT below a port.
 */
int pcie_endpoint_cap_init(PCIDevice *dev, uint8_t offset, Error **errp);
void pcie_cap_exit(PCIDevice *dev);
uint8_t pcie_cap_get_type(const PCIDevice *dev);
/* Device control: error reporting enables writable. */
void pcie_cap_deverr_init(PCIDevice *dev);
/* Root ports: root control writable, root capabilities. */
void pcie_cap_root_init(PCIDevice *dev);
/* Reset the capability's control and status registers. */
void pcie_cap_reset(PCIDevice *dev);

/*
 * Extended capabilities: add cap_id (PCI_EXT_CAP_ID_*) version cap_ver
 * with size bytes at offset (>= 0x100, dword aligned), linked at the end
 * of the list.  The first one must be at 0x100.  Overlap is a
 * programming error (asserts).
 */
void pcie_add_capability(PCIDevice *dev, uint16_t cap_id, uint8_t cap_ver,
                         uint16_t offset, uint16_t size);
void pcie_del_capability(PCIDevice *dev, uint16_t cap_id, uint16_t size);
/* Offset of extended capability cap_id, 0 if none. */
uint16_t pcie_find_capability(PCIDevice *dev, uint16_t cap_id);

#endif
