/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA helpers: what a bus-mastering device model calls to read and write
 * guest memory through its own AddressSpace (which may sit behind an
 * IOMMU).  Every call returns the MemTxResult the device must act on:
 * an IOMMU fault or a decode error is the device's to report (an error
 * bit, an aborted descriptor), never a reason to stop the process.
 */
#ifndef SYSTEM_DMA_H
#define SYSTEM_DMA_H

#include "system/memory.h"

typedef uint64_t dma_addr_t;

MemTxResult dma_memory_read(AddressSpace *as, dma_addr_t addr, void *buf,
                            dma_addr_t len, MemTxAttrs attrs);
MemTxResult dma_memory_write(AddressSpace *as, dma_addr_t addr,
                             const void *buf, dma_addr_t len,
                             MemTxAttrs attrs);
MemTxResult dma_memory_set(AddressSpace *as, dma_addr_t addr, uint8_t c,
                           dma_addr_t len, MemTxAttrs attrs);

/* Little-endian loads and stores of 4 and 8 bytes. */
MemTxResult ldl_le_dma(AddressSpace *as, dma_addr_t addr, uint32_t *pval,
                       MemTxAttrs attrs);
MemTxResult ldq_le_dma(AddressSpace *as, dma_addr_t addr, uint64_t *pval,
                       MemTxAttrs attrs);
MemTxResult stl_le_dma(AddressSpace *as, dma_addr_t addr, uint32_t val,
                       MemTxAttrs attrs);
MemTxResult stq_le_dma(AddressSpace *as, dma_addr_t addr, uint64_t val,
                       MemTxAttrs attrs);

#endif
