/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X: the capability (PCI Local Bus 3.0, 6.8.2), the vector table
 * (16 bytes per vector: address, data, vector control) and the pending
 * bit array, both in BARs.  A vector signalled while masked (by its
 * own mask bit or the function mask) sets its pending bit; unmasking
 * sends it and clears the bit.  A vector signalled while MSI-X is
 * disabled is dropped.  Messages go out through msi_send_message.
 */
#ifndef HW_PCI_MSIX_H
#define HW_PCI_MSIX_H

#include "hw/pci/msi.h"

#define PCI_MSIX_ENTRY_SIZE 16

/*
 * nentries vectors (1..2048); the table at table_offset in table_bar
 * (BAR table_bar_nr), the PBA at pba_offset in pba_bar (BAR pba_bar_nr);
 * capability at cap_pos (0: anywhere).  The caller registers the BARs.
 * Returns the capability offset, or -1 + error (bad sizes, overlap).
 */
int msix_init(PCIDevice *dev, unsigned nentries, MemoryRegion *table_bar,
              uint8_t table_bar_nr, unsigned table_offset,
              MemoryRegion *pba_bar, uint8_t pba_bar_nr,
              unsigned pba_offset, uint8_t cap_pos, Error **errp);
/*
 * A BAR of its own (bar_nr) holding the table at 0 and the PBA after it
 * (as QEMU lays it out), registered here as a 32-bit memory BAR.
 */
int msix_init_exclusive_bar(PCIDevice *dev, unsigned nentries,
                            uint8_t bar_nr, Error **errp);
void msix_uninit(PCIDevice *dev, MemoryRegion *table_bar,
                 MemoryRegion *pba_bar);
void msix_uninit_exclusive_bar(PCIDevice *dev);
void msix_reset(PCIDevice *dev);

bool msix_present(const PCIDevice *dev);
bool msix_enabled(const PCIDevice *dev);
unsigned msix_nr_vectors_allocated(const PCIDevice *dev);
bool msix_is_masked(PCIDevice *dev, unsigned vector);
bool msix_is_pending(PCIDevice *dev, unsigned vector);
MSIMessage msix_get_message(PCIDevice *dev, unsigned vector);
/* Signal vector: sent, or pending while masked, or dropped if disabled. */
void msix_notify(PCIDevice *dev, unsigned vector);
/* React to a config write that touched the capability. */
void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                       int len);

#endif
