/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declare a device's registers as tables of offsets and fields instead of
 * scattered shifts and masks:
 *
 *   REG32(CR0, 0x20)
 *       FIELD(CR0, SMMUEN, 0, 1)
 *
 * gives A_CR0 (the byte offset), R_CR0 (the 32-bit word index) and, per
 * field, R_CR0_SMMUEN_SHIFT, _LENGTH and _MASK.  FIELD_EX32/64 read a
 * field out of a value, FIELD_DP32/64 return the value with the field
 * replaced.  FIELD also serves for in-memory words (an STE dword, a
 * command dword): declare them with REG64(NAME, 0) and use the same
 * accessors.
 */
#ifndef HW_REGISTERFIELDS_H
#define HW_REGISTERFIELDS_H

#include "qemu/bitops.h"

#define REG32(reg, addr) \
    enum { A_ ## reg = (addr) }; \
    enum { R_ ## reg = (addr) / 4 };

#define REG64(reg, addr) \
    enum { A_ ## reg = (addr) }; \
    enum { R_ ## reg = (addr) / 8 };

#define FIELD(reg, field, shift, length) \
    enum { R_ ## reg ## _ ## field ## _SHIFT = (shift) }; \
    enum { R_ ## reg ## _ ## field ## _LENGTH = (length) }; \
    static const uint64_t R_ ## reg ## _ ## field ## _MASK \
        __attribute__((unused)) = MAKE_64BIT_MASK(shift, length);

#define FIELD_EX32(value, reg, field) \
    extract32((value), R_ ## reg ## _ ## field ## _SHIFT, \
              R_ ## reg ## _ ## field ## _LENGTH)

#define FIELD_EX64(value, reg, field) \
    extract64((value), R_ ## reg ## _ ## field ## _SHIFT, \
              R_ ## reg ## _ ## field ## _LENGTH)

#define FIELD_DP32(value, reg, field, v) \
    deposit32((value), R_ ## reg ## _ ## field ## _SHIFT, \
              R_ ## reg ## _ ## field ## _LENGTH, (v))

#define FIELD_DP64(value, reg, field, v) \
    deposit64((value), R_ ## reg ## _ ## field ## _SHIFT, \
              R_ ## reg ## _ ## field ## _LENGTH, (v))

#endif
