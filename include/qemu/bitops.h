/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bit-field helpers for device models and decoders that pull fields out
 * of architectural words (SMMU STEs, CDs, commands, page-table
 * descriptors) and put them back: extract a [start, start+len) field,
 * sign-extend one, or deposit a value into one.  Out-of-range arguments
 * are programming errors and are caught by assertions, never by guests:
 * callers pass constants.
 */
#ifndef QEMU_BITOPS_H
#define QEMU_BITOPS_H

/* A mask of len ones starting at bit shift (len 1..64). */
#define MAKE_64BIT_MASK(shift, len) \
    ((~0ULL >> (64 - (len))) << (shift))

#define BIT_ULL(n) (1ULL << (n))

static inline uint32_t extract32(uint32_t value, unsigned start, unsigned len)
{
    assert(len > 0 && len <= 32 - start);
    return (value >> start) & (~0U >> (32 - len));
}

static inline uint64_t extract64(uint64_t value, unsigned start, unsigned len)
{
    assert(len > 0 && len <= 64 - start);
    return (value >> start) & (~0ULL >> (64 - len));
}

static inline int64_t sextract64(uint64_t value, unsigned start, unsigned len)
{
    assert(len > 0 && len <= 64 - start);
    /* Move the field to the top, then shift it down arithmetically. */
    return (int64_t)(value << (64 - len - start)) >> (64 - len);
}

static inline uint32_t deposit32(uint32_t value, unsigned start, unsigned len,
                                 uint32_t field)
{
    uint32_t mask;

    assert(len > 0 && len <= 32 - start);
    mask = (~0U >> (32 - len)) << start;
    return (value & ~mask) | ((field << start) & mask);
}

static inline uint64_t deposit64(uint64_t value, unsigned start, unsigned len,
                                 uint64_t field)
{
    uint64_t mask;

    assert(len > 0 && len <= 64 - start);
    mask = (~0ULL >> (64 - len)) << start;
    return (value & ~mask) | ((field << start) & mask);
}

#endif
