/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI: the message signalled interrupt capability (PCI Local Bus 3.0,
 * 6.8.1) with 1 to 32 vectors, 32- or 64-bit addresses and optional
 * per-vector masking.  A message is a 32-bit little-endian write of the
 * data to the address, made by the function as bus master: it goes
 * through the function's DMA address space (so an IOMMU translates it)
 * with the function's requester ID, which is how the ITS learns the
 * DeviceID.  A vector signalled while masked is remembered in the
 * pending bits and sent when unmasked.
 */
#ifndef HW_PCI_MSI_H
#define HW_PCI_MSI_H

#include "hw/pci/pci.h"

typedef struct MSIMessage {
    uint64_t address;
    uint32_t data;
} MSIMessage;

/*
 * Add the capability at offset (0: anywhere) for nr_vectors (1, 2, 4,
 * 8, 16 or 32).  Returns the offset, or -1 + error.
 */
int msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors,
             bool msi64bit, bool msi_per_vector_mask, Error **errp);
void msi_uninit(PCIDevice *dev);
void msi_reset(PCIDevice *dev);
bool msi_present(const PCIDevice *dev);
bool msi_enabled(const PCIDevice *dev);
/* Vectors the guest enabled (multiple message enable), 0 if disabled. */
unsigned msi_nr_vectors_allocated(const PCIDevice *dev);
bool msi_is_masked(const PCIDevice *dev, unsigned vector);
MSIMessage msi_get_message(PCIDevice *dev, unsigned vector);
/* Signal vector (dropped if MSI is disabled; pending if masked). */
void msi_notify(PCIDevice *dev, unsigned vector);
/* The bus-master write of a message (MSI and MSI-X). */
void msi_send_message(PCIDevice *dev, MSIMessage msg);
/* React to a config write that touched the capability. */
void msi_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, int len);

#endif
