/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The access half of guest memory: reads and writes through an
 * AddressSpace.  An address is looked up in the flattened view, through
 * any IOMMU regions on the way (each translation names the address space
 * to continue in), down to a RAM or MMIO leaf.  RAM is copied; MMIO is
 * cut into the accesses the region's ops accept (valid sizes), then into
 * the ones its callbacks implement (impl sizes), with byte order applied
 * per device.  Every failure is a MemTxResult for the caller, never a
 * crash.
 *
 * Byte order: buffers hold guest memory bytes; values of load/store are
 * little-endian (the guest's order).  A device callback's value is a host
 * integer in the device's order, so for DEVICE_BIG_ENDIAN the bytes of a
 * value are laid out most significant first.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "system/memory.h"
#include "memory-internal.h"
#include "trace/trace-system.h"

/* A resolved piece of an access: len bytes of a RAM or MMIO leaf. */
typedef struct MemTarget {
    MemoryRegion *mr;
    hwaddr offset;              /* within mr */
    hwaddr len;
    bool readonly;
    AddressSpace *as;           /* where the walk ended */
    hwaddr addr;                /* and the address there */
} MemTarget;

static const char *access_kind(IOMMUAccessFlags flag)
{
    return flag & IOMMU_WO ? "write" : "read";
}

/*
 * Walk from (as, addr) to a leaf for an access of kind flag over at most
 * len bytes; t->len says how many bytes the result covers (up to the end
 * of the flat range or of the IOMMU's translated block).
 */
static MemTxResult memory_resolve(AddressSpace *as, hwaddr addr, hwaddr len,
                                  IOMMUAccessFlags flag, MemTxAttrs attrs,
                                  MemTarget *t)
{
    unsigned depth;

    for (depth = 0; depth < MEMORY_IOMMU_MAX_DEPTH; depth++) {
        MemoryRegionSection s;
        IOMMUMemoryRegion *iommu;
        IOMMUTLBEntry e = { 0 };
        MemTxResult r;
        hwaddr iova, in_block, left_m1;

        t->as = as;
        t->addr = addr;
        t->mr = NULL;
        if (!address_space_find_section(as, addr, len, &s)) {
            t->len = s.size;
            trace_memory_unassigned_access(address_space_name(as), addr,
                                           len, access_kind(flag));
            return MEMTX_DECODE_ERROR;
        }
        if (s.mr->type != MR_IOMMU) {
            t->mr = s.mr;
            t->offset = s.offset_within_region;
            t->len = s.size;
            t->readonly = s.readonly;
            return MEMTX_OK;
        }

        iommu = container_of(s.mr, IOMMUMemoryRegion, parent_obj);
        iova = s.offset_within_region;
        t->len = s.size;
        r = iommu->iommu_ops->translate(iommu, iova, flag, attrs, &e);
        trace_memory_iommu_translate(memory_region_name(s.mr), iova,
                                     access_kind(flag),
                                     attrs.has_requester_id ?
                                     attrs.requester_id : 0,
                                     memtx_result_str(r),
                                     r == MEMTX_OK ? e.translated_addr : 0,
                                     r == MEMTX_OK ? e.perm : 0);
        if (r != MEMTX_OK) {
            return r;
        }
        if ((e.perm & flag) != flag) {
            return MEMTX_ACCESS_DENIED;
        }
        if (!e.target_as) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: IOMMU '%s' translated 0x%"
                          HWADDR_PRIx " to no address space\n", __func__,
                          memory_region_name(s.mr), iova);
            return MEMTX_DECODE_ERROR;
        }
        /* Go on to the end of the translated block at most. */
        in_block = iova & e.addr_mask;
        left_m1 = e.addr_mask - in_block;   /* bytes left, minus one */
        len = left_m1 < s.size - 1 ? left_m1 + 1 : s.size;
        addr = (e.translated_addr & ~e.addr_mask) | in_block;
        as = e.target_as;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "%s: IOMMU translations of 0x%"
                  HWADDR_PRIx " nest deeper than %d levels\n", __func__,
                  addr, MEMORY_IOMMU_MAX_DEPTH);
    t->as = as;
    t->addr = addr;
    t->mr = NULL;
    t->len = len;
    return MEMTX_DECODE_ERROR;
}

/* ---- MMIO ---- */

static unsigned pow2floor(uint64_t v)
{
    unsigned p = 1;

    while (p * 2 <= v && p < 8) {
        p *= 2;
    }
    return p;
}

/* A size limit of an ops table, sanitised to a power of two in 1..8. */
static unsigned ops_size(unsigned declared, unsigned dflt)
{
    return pow2floor(declared ? declared : dflt);
}

static bool device_is_big_endian(const MemoryRegion *mr)
{
    return mr->ops->endianness == DEVICE_BIG_ENDIAN;
}

/*
 * size bytes at b as an integer: b[0] is the least significant byte, or
 * the most significant one if be.
 */
static uint64_t bytes_to_value(const uint8_t *b, unsigned size, bool be)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        v |= (uint64_t)b[i] << (8 * (be ? size - 1 - i : i));
    }
    return v;
}

static void value_to_bytes(uint8_t *b, uint64_t v, unsigned size, bool be)
{
    unsigned i;

    for (i = 0; i < size; i++) {
        b[i] = v >> (8 * (be ? size - 1 - i : i));
    }
}

/* One call of a device callback: size bytes at b, in memory order. */
static MemTxResult mmio_call(MemoryRegion *mr, hwaddr addr, uint8_t *b,
                             unsigned size, bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    bool be = device_is_big_endian(mr);
    MemTxResult r = MEMTX_OK;
    uint64_t v = 0;

    if (is_write) {
        v = bytes_to_value(b, size, be);
        trace_memory_region_ops_write(mr, addr, v, size,
                                      memory_region_name(mr));
        /* No callback: the write is ignored. */
        if (ops->write_with_attrs) {
            r = ops->write_with_attrs(mr->opaque, addr, v, size, attrs);
        } else if (ops->write) {
            ops->write(mr->opaque, addr, v, size);
        }
        return r;
    }

    /* No callback: reads as zero. */
    if (ops->read_with_attrs) {
        r = ops->read_with_attrs(mr->opaque, addr, &v, size, attrs);
    } else if (ops->read) {
        v = ops->read(mr->opaque, addr, size);
    }
    if (r != MEMTX_OK) {
        v = 0;
    }
    if (size < 8) {
        v &= (1ULL << (8 * size)) - 1;
    }
    trace_memory_region_ops_read(mr, addr, v, size, memory_region_name(mr));
    value_to_bytes(b, v, size, be);
    return r;
}

/*
 * One valid access of size bytes, done with the sizes the callbacks
 * implement, the way QEMU does it (so that test scripts see the same
 * values on both): the access is cut into pieces of
 * MAX(MIN(size, impl.max), impl.min) bytes at addr, addr + piece, ...;
 * a piece wider than what is left is one callback of the wider size at
 * the same (possibly unaligned) offset, of which the first bytes in
 * memory order are kept (reads) or sent with zeros after them (writes:
 * reading first could have side effects).
 */
static MemTxResult mmio_access(MemoryRegion *mr, hwaddr addr, uint8_t *b,
                               unsigned size, bool is_write,
                               MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imax = ops_size(ops->impl.max_access_size, 4);
    unsigned imin = MIN(ops_size(ops->impl.min_access_size, 1), imax);
    unsigned piece = MAX(MIN(size, imax), imin);
    unsigned i;

    for (i = 0; i < size; i += piece) {
        unsigned n = MIN(piece, size - i);
        MemTxResult r;

        if (n == piece) {
            r = mmio_call(mr, addr + i, b + i, piece, is_write, attrs);
        } else {
            uint8_t wide[8] = { 0 };

            if (is_write) {
                memcpy(wide, b + i, n);
            }
            r = mmio_call(mr, addr + i, wide, piece, is_write, attrs);
            if (!is_write) {
                memcpy(b + i, wide, n);
            }
        }
        if (r != MEMTX_OK) {
            return r;
        }
    }
    return MEMTX_OK;
}

static MemTxResult mmio_invalid(MemoryRegion *mr, hwaddr addr,
                                unsigned size, bool is_write,
                                const char *reason)
{
    qemu_log_mask(LOG_GUEST_ERROR, "Invalid %s at addr 0x%" HWADDR_PRIx
                  ", size %u, region '%s', reason: %s\n",
                  is_write ? "write" : "read", addr, size,
                  memory_region_name(mr), reason);
    trace_memory_region_access_invalid(memory_region_name(mr), addr, size,
                                       is_write, reason);
    return MEMTX_DECODE_ERROR;
}

/*
 * len bytes at addr of MMIO region mr, in the largest accesses the
 * region accepts.  *done: bytes transferred before a failure.
 */
static MemTxResult mmio_transfer(MemoryRegion *mr, hwaddr addr, uint8_t *b,
                                 hwaddr len, bool is_write, MemTxAttrs attrs,
                                 hwaddr *done)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned vmax = ops_size(ops->valid.max_access_size, 4);
    unsigned vmin = MIN(ops_size(ops->valid.min_access_size, 1), vmax);
    hwaddr i = 0;

    while (i < len) {
        unsigned s = pow2floor(MIN(len - i, vmax));
        MemTxResult r;

        while (!ops->impl.unaligned && ((addr + i) & (s - 1))) {
            s /= 2;
        }
        if (s < vmin) {
            *done = i;
            return mmio_invalid(mr, addr + i, MIN(len - i, vmin), is_write,
                                "access smaller than the minimum size or "
                                "unaligned");
        }
        if (!ops->valid.unaligned && ((addr + i) & (s - 1))) {
            /* Split as the callbacks allow, but the guest may not. */
            *done = i;
            return mmio_invalid(mr, addr + i, s, is_write, "unaligned");
        }
        r = mmio_access(mr, addr + i, b + i, s, is_write, attrs);
        if (r != MEMTX_OK) {
            *done = i;
            return r;
        }
        i += s;
    }
    *done = len;
    return MEMTX_OK;
}

/*
 * Exactly one access of size bytes (a CPU load or store): it must be one
 * the region accepts, except that one wider than valid.max is done as
 * several valid.max accesses.
 */
static MemTxResult mmio_single(MemoryRegion *mr, hwaddr addr, uint8_t *b,
                               unsigned size, bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned vmax = ops_size(ops->valid.max_access_size, 4);
    unsigned vmin = MIN(ops_size(ops->valid.min_access_size, 1), vmax);
    unsigned piece = MIN(size, vmax);
    unsigned i;

    if (size < vmin) {
        return mmio_invalid(mr, addr, size, is_write,
                            "smaller than the minimum access size");
    }
    if (!ops->valid.unaligned && (addr & (size - 1))) {
        return mmio_invalid(mr, addr, size, is_write, "unaligned");
    }
    for (i = 0; i < size; i += piece) {
        MemTxResult r = mmio_access(mr, addr + i, b + i, piece, is_write,
                                    attrs);

        if (r != MEMTX_OK) {
            return r;
        }
    }
    return MEMTX_OK;
}

/* ---- leaves ---- */

/*
 * The access t resolved to, of t->len bytes.  exact: one access of
 * exactly that size (a load or store) rather than a byte transfer.
 * *done: bytes transferred before a failure.
 */
static MemTxResult leaf_access(const MemTarget *t, uint8_t *buf,
                               bool is_write, bool exact, MemTxAttrs attrs,
                               hwaddr *done)
{
    MemTxResult r;

    *done = 0;
    if (is_write && t->readonly) {
        trace_memory_region_readonly_write(memory_region_name(t->mr),
                                           t->offset, t->len);
        return MEMTX_ACCESS_DENIED;
    }
    if (t->mr->type == MR_MMIO) {
        if (!exact) {
            return mmio_transfer(t->mr, t->offset, buf, t->len, is_write,
                                 attrs, done);
        }
        r = mmio_single(t->mr, t->offset, buf, t->len, is_write, attrs);
        *done = r == MEMTX_OK ? t->len : 0;
        return r;
    }
    if (t->mr->type != MR_RAM || !t->mr->ram_ptr) {
        return MEMTX_DECODE_ERROR;
    }
    if (is_write) {
        memcpy((uint8_t *)t->mr->ram_ptr + t->offset, buf, t->len);
    } else {
        memcpy(buf, (uint8_t *)t->mr->ram_ptr + t->offset, t->len);
    }
    *done = t->len;
    return MEMTX_OK;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr,
                             MemTxAttrs attrs, void *buf, hwaddr len,
                             bool is_write)
{
    IOMMUAccessFlags flag = is_write ? IOMMU_WO : IOMMU_RO;
    uint8_t *p = buf;
    MemTxResult r = MEMTX_OK;

    while (len > 0) {
        MemTarget t;
        hwaddr done = 0;

        r = memory_resolve(as, addr, len, flag, attrs, &t);
        if (r == MEMTX_OK) {
            r = leaf_access(&t, p, is_write, false, attrs, &done);
        }
        if (r == MEMTX_OK && t.len < len && addr + t.len == 0) {
            /* Ran off the top of the address space. */
            r = MEMTX_DECODE_ERROR;
        }
        p += done;
        len -= done;
        addr += done;
        if (r != MEMTX_OK) {
            break;
        }
    }
    if (r != MEMTX_OK && !is_write) {
        memset(p, 0, len);
    }
    return r;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len)
{
    return address_space_rw(as, addr, attrs, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len)
{
    /* A write never stores into buf. */
    return address_space_rw(as, addr, attrs, (void *)buf, len, true);
}

MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len, MemTxAttrs attrs)
{
    uint8_t fill[512];

    memset(fill, c, sizeof(fill));
    while (len > 0) {
        hwaddr l = MIN(len, sizeof(fill));
        MemTxResult r = address_space_write(as, addr, attrs, fill, l);

        if (r != MEMTX_OK) {
            return r;
        }
        addr += l;
        len -= l;
    }
    return MEMTX_OK;
}

/* ---- single accesses ---- */

static bool access_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static MemTxResult single_access(AddressSpace *as, hwaddr addr,
                                 MemTxAttrs attrs, uint8_t *b,
                                 unsigned size, bool is_write)
{
    MemTarget t;
    MemTxResult r;
    hwaddr done;

    if (!access_size_ok(size)) {
        return MEMTX_DECODE_ERROR;
    }
    r = memory_resolve(as, addr, size, is_write ? IOMMU_WO : IOMMU_RO,
                       attrs, &t);
    if (r != MEMTX_OK) {
        return r;
    }
    if (t.len < size) {
        /* Straddles two regions or translated blocks: byte ranges. */
        return address_space_rw(as, addr, attrs, b, size, is_write);
    }
    return leaf_access(&t, b, is_write, true, attrs, &done);
}

MemTxResult address_space_load(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, uint64_t *value,
                               unsigned size)
{
    uint8_t b[8] = { 0 };
    MemTxResult r = single_access(as, addr, attrs, b, size, false);

    *value = r == MEMTX_OK ? bytes_to_value(b, size, false) : 0;
    return r;
}

MemTxResult address_space_store(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, uint64_t value,
                                unsigned size)
{
    uint8_t b[8];

    value_to_bytes(b, value, MIN(size, 8), false);
    return single_access(as, addr, attrs, b, size, true);
}

uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result)
{
    uint64_t v;
    MemTxResult r = address_space_load(as, addr, attrs, &v, 4);

    if (result) {
        *result = r;
    }
    return v;
}

uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result)
{
    uint64_t v;
    MemTxResult r = address_space_load(as, addr, attrs, &v, 8);

    if (result) {
        *result = r;
    }
    return v;
}

void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    MemTxResult r = address_space_store(as, addr, attrs, val, 4);

    if (result) {
        *result = r;
    }
}

void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    MemTxResult r = address_space_store(as, addr, attrs, val, 8);

    if (result) {
        *result = r;
    }
}

/* ---- translation without access ---- */

MemTxResult address_space_translate(AddressSpace *as, hwaddr addr,
                                    IOMMUAccessFlags flag, MemTxAttrs attrs,
                                    AddressSpace **out_as, hwaddr *out_addr,
                                    hwaddr *plen)
{
    MemTarget t;
    MemTxResult r = memory_resolve(as, addr, *plen, flag, attrs, &t);

    if (r == MEMTX_OK && (flag & IOMMU_WO) && t.readonly) {
        r = MEMTX_ACCESS_DENIED;
    }
    *out_as = t.as;
    *out_addr = t.addr;
    *plen = MIN(*plen, t.len);
    return r;
}
