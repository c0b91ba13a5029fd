/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA helpers for bus-mastering device models: reads, writes, fills and
 * little-endian loads/stores through the device's own AddressSpace, with
 * the device's identity (requester ID, PASID) in the attributes so that
 * an IOMMU on the way can translate and fault per device.  The
 * MemTxResult goes back to the device model, which reports it the way
 * its hardware would.
 */
#include "qemu/osdep.h"
#include "system/dma.h"
#include "trace/trace-system.h"

static void dma_trace_failure(const char *op, AddressSpace *as,
                              dma_addr_t addr, dma_addr_t len,
                              MemTxAttrs attrs, MemTxResult r)
{
    if (r != MEMTX_OK) {
        trace_dma_memory_failed(op, address_space_name(as), addr, len,
                                attrs.has_requester_id ?
                                attrs.requester_id : 0,
                                memtx_result_str(r));
    }
}

MemTxResult dma_memory_read(AddressSpace *as, dma_addr_t addr, void *buf,
                            dma_addr_t len, MemTxAttrs attrs)
{
    MemTxResult r = address_space_read(as, addr, attrs, buf, len);

    dma_trace_failure("read", as, addr, len, attrs, r);
    return r;
}

MemTxResult dma_memory_write(AddressSpace *as, dma_addr_t addr,
                             const void *buf, dma_addr_t len,
                             MemTxAttrs attrs)
{
    MemTxResult r = address_space_write(as, addr, attrs, buf, len);

    dma_trace_failure("write", as, addr, len, attrs, r);
    return r;
}

MemTxResult dma_memory_set(AddressSpace *as, dma_addr_t addr, uint8_t c,
                           dma_addr_t len, MemTxAttrs attrs)
{
    MemTxResult r = address_space_set(as, addr, c, len, attrs);

    dma_trace_failure("set", as, addr, len, attrs, r);
    return r;
}

MemTxResult ldl_le_dma(AddressSpace *as, dma_addr_t addr, uint32_t *pval,
                       MemTxAttrs attrs)
{
    uint64_t v;
    MemTxResult r = address_space_load(as, addr, attrs, &v, 4);

    dma_trace_failure("ldl", as, addr, 4, attrs, r);
    *pval = v;
    return r;
}

MemTxResult ldq_le_dma(AddressSpace *as, dma_addr_t addr, uint64_t *pval,
                       MemTxAttrs attrs)
{
    MemTxResult r = address_space_load(as, addr, attrs, pval, 8);

    dma_trace_failure("ldq", as, addr, 8, attrs, r);
    return r;
}

MemTxResult stl_le_dma(AddressSpace *as, dma_addr_t addr, uint32_t val,
                       MemTxAttrs attrs)
{
    MemTxResult r = address_space_store(as, addr, attrs, val, 4);

    dma_trace_failure("stl", as, addr, 4, attrs, r);
    return r;
}

MemTxResult stq_le_dma(AddressSpace *as, dma_addr_t addr, uint64_t val,
                       MemTxAttrs attrs)
{
    MemTxResult r = address_space_store(as, addr, attrs, val, 8);

    dma_trace_failure("stq", as, addr, 8, attrs, r);
    return r;
}
