/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv3 distributor registers (GICv3/v4 architecture specification, IHI
 * 0069, 12.9).  The model keeps the SPI configuration a guest writes and
 * shows the recorded line levels through GICD_ISPENDR.
 *
 * Choices among what the architecture permits:
 *   - one security state: GICD_CTLR.DS and .ARE read as one and only the
 *     group enables are writable; IGRPMODR and NSACR are RAZ/WI;
 *   - affinity routing always on: ITARGETSR, SGIR and the SGI pending
 *     registers are RAZ/WI, and the SGI/PPI words of the banked
 *     registers are RAZ/WI here (they live in the redistributors);
 *   - no message-based SPIs (TYPER.MBIS = 0), no extended SPIs, no NMIs:
 *     the SETSPI/CLRSPI registers are reserved, INMIR is RAZ/WI;
 *   - writes take effect at once, so GICD_CTLR.RWP is always zero.
 * Reserved offsets and access sizes the register does not support read
 * as zero, ignore writes and are logged as guest errors (a guest must
 * not get a bus error where the spec says RAZ/WI).
 */
#include "qemu/osdep.h"
#include "gicv3-internal.h"
#include "qemu/log.h"
#include "trace/trace-hw_intc.h"

/* TYPER fields (12.9.38) */
#define TYPER_ITLINES_MASK  0x1fu
#define TYPER_LPIS          (1u << 17)
#define TYPER_IDBITS_SHIFT  19
#define TYPER_A3V           (1u << 24)
#define TYPER_NO1N          (1u << 25)
/* 16-bit INTIDs, as QEMU reports (IDbits = bits - 1). */
#define GICV3_IDBITS        15

#define IROUTER_LAST        (GICD_IROUTER + 8 * 1019 + 7)

static uint32_t gicd_typer(GICv3State *s)
{
    /*
     * ITLinesNumber N: the largest SPI INTID is 32 * (N + 1) - 1, so
     * N = num-irq / 32 - 1.  SecurityExtn = 0 (DS), CPUNumber = 0 (ARE),
     * No1N: 1-of-N SPI routing is not supported; A3V: affinity level 3
     * may be non-zero.
     */
    return (s->num_irq / 32 - 1) |
           (s->lpi_enable ? TYPER_LPIS : 0) |
           (GICV3_IDBITS << TYPER_IDBITS_SHIFT) |
           TYPER_A3V | TYPER_NO1N;
}

/*
 * The bitmap word of a "one bit per INTID" register at byte offset off
 * within its block, or -1 where the bits are RAZ/WI (SGIs and PPIs, and
 * INTIDs the GIC does not implement).
 */
static int gicd_spi_word(GICv3State *s, hwaddr off)
{
    int word = off / 4;

    if (word == 0 || (uint32_t)word * 32 >= s->num_irq) {
        return -1;
    }
    return word;
}

static bool gicd_is_spi(GICv3State *s, uint32_t intid)
{
    return intid >= GICV3_INTERNAL && intid < s->num_irq;
}

/*
 * The byte-per-INTID registers: false if offset is in neither.  *slot is
 * the priority byte of an implemented SPI, or NULL where the byte is
 * RAZ/WI (other INTIDs, and all of ITARGETSR under affinity routing).
 */
static bool gicd_byte_reg(GICv3State *s, hwaddr offset, uint8_t **slot)
{
    *slot = NULL;
    if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 0x400) {
        uint32_t intid = offset - GICD_IPRIORITYR;

        if (gicd_is_spi(s, intid)) {
            *slot = &s->priority[intid];
        }
        return true;
    }
    return offset >= GICD_ITARGETSR && offset < GICD_ITARGETSR + 0x400;
}

/*
 * GICD_IROUTER<n>: false if offset is not in one.  *slot is the router
 * of an implemented SPI, or NULL where the register is RAZ/WI.
 */
static bool gicd_irouter_reg(GICv3State *s, hwaddr offset, uint64_t **slot)
{
    uint32_t intid;

    *slot = NULL;
    if (offset < GICD_IROUTER || offset > IROUTER_LAST) {
        return false;
    }
    intid = (offset - GICD_IROUTER) / 8;
    if (gicd_is_spi(s, intid)) {
        *slot = &s->irouter[intid];
    }
    return true;
}

static bool gicd_readl(GICv3State *s, hwaddr offset, uint64_t *data)
{
    uint64_t *router;
    uint8_t *byte;
    int w;

    switch (offset) {
    case GICD_CTLR:
        *data = s->gicd_ctlr;
        return true;
    case GICD_TYPER:
        *data = gicd_typer(s);
        return true;
    case GICD_IIDR:
        *data = GICV3_IIDR;
        return true;
    case GICD_TYPER2:
    case GICD_STATUSR:
        /* No extended features; no error reporting. */
        *data = 0;
        return true;
    case GICD_IGROUPR ... GICD_IGROUPR + 0x7f:
        w = gicd_spi_word(s, offset - GICD_IGROUPR);
        *data = w < 0 ? 0 : s->group[w];
        return true;
    case GICD_ISENABLER ... GICD_ISENABLER + 0x7f:
        w = gicd_spi_word(s, offset - GICD_ISENABLER);
        *data = w < 0 ? 0 : s->enabled[w];
        return true;
    case GICD_ICENABLER ... GICD_ICENABLER + 0x7f:
        w = gicd_spi_word(s, offset - GICD_ICENABLER);
        *data = w < 0 ? 0 : s->enabled[w];
        return true;
    case GICD_ISPENDR ... GICD_ISPENDR + 0x7f:
    case GICD_ICPENDR ... GICD_ICPENDR + 0x7f:
        w = gicd_spi_word(s, (offset - GICD_ISPENDR) & 0x7f);
        /* A level-triggered interrupt is pending while its line is high. */
        *data = w < 0 ? 0 : s->pending[w] | (s->level[w] & ~s->edge[w]);
        return true;
    case GICD_ISACTIVER ... GICD_ISACTIVER + 0x7f:
    case GICD_ICACTIVER ... GICD_ICACTIVER + 0x7f:
        w = gicd_spi_word(s, (offset - GICD_ISACTIVER) & 0x7f);
        *data = w < 0 ? 0 : s->active[w];
        return true;
    case GICD_IPRIORITYR ... GICD_IPRIORITYR + 0x3ff: {
        uint32_t v = 0;
        int i;

        for (i = 0; i < 4; i++) {
            gicd_byte_reg(s, offset + i, &byte);
            v |= (uint32_t)(byte ? *byte : 0) << (8 * i);
        }
        *data = v;
        return true;
    }
    case GICD_ITARGETSR ... GICD_ITARGETSR + 0x3ff:
        *data = 0;
        return true;
    case GICD_ICFGR ... GICD_ICFGR + 0xff: {
        uint32_t intid = (offset - GICD_ICFGR) * 4;

        if (!gicd_is_spi(s, intid)) {
            *data = 0;
            return true;
        }
        *data = gicv3_edge_to_icfgr(s->edge[intid / 32] >> (intid % 32));
        return true;
    }
    case GICD_IGRPMODR ... GICD_IGRPMODR + 0x7f:
    case GICD_NSACR ... GICD_NSACR + 0xff:
    case GICD_CPENDSGIR ... GICD_SPENDSGIR + 0xf:
    case GICD_INMIR ... GICD_INMIR + 0x7f:
        *data = 0;
        return true;
    case GICD_SGIR:
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: read of write-only "
                      "GICD_SGIR\n");
        *data = 0;
        return true;
    case GICD_IROUTER ... IROUTER_LAST:
        gicd_irouter_reg(s, offset, &router);
        *data = gicv3_reg64_half(router ? *router : 0, offset);
        return true;
    case GICD_IDREGS ... 0xfffc:
        *data = gicv3_idreg(offset - GICD_IDREGS, GICV3_PIDR0_DIST,
                            s->revision);
        return true;
    default:
        return false;
    }
}

/* Set or clear bits of a "one bit per INTID" register word. */
static void gicd_bitmap_write(GICv3State *s, uint32_t *bmp, hwaddr off,
                              uint32_t value, bool set)
{
    int w = gicd_spi_word(s, off);

    if (w < 0) {
        return;
    }
    if (set) {
        bmp[w] |= value;
    } else {
        bmp[w] &= ~value;
    }
}

static bool gicd_writel(GICv3State *s, hwaddr offset, uint32_t value)
{
    uint64_t *router;
    uint8_t *byte;
    int w;

    switch (offset) {
    case GICD_CTLR:
        /* DS and ARE are RAO/WI; only the group enables are writable. */
        s->gicd_ctlr = GICD_CTLR_DS | GICD_CTLR_ARE |
                       (value & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1NS));
        trace_gicv3_dist_ctlr(s->gicd_ctlr);
        return true;
    case GICD_TYPER:
    case GICD_IIDR:
    case GICD_TYPER2:
    case GICD_IDREGS ... 0xfffc:
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: write to read-only "
                      "distributor register at 0x%" HWADDR_PRIx "\n",
                      offset);
        return true;
    case GICD_STATUSR:
        return true;
    case GICD_IGROUPR ... GICD_IGROUPR + 0x7f:
        w = gicd_spi_word(s, offset - GICD_IGROUPR);
        if (w >= 0) {
            s->group[w] = value;
        }
        return true;
    case GICD_ISENABLER ... GICD_ISENABLER + 0x7f:
        gicd_bitmap_write(s, s->enabled, offset - GICD_ISENABLER, value,
                          true);
        return true;
    case GICD_ICENABLER ... GICD_ICENABLER + 0x7f:
        gicd_bitmap_write(s, s->enabled, offset - GICD_ICENABLER, value,
                          false);
        return true;
    case GICD_ISPENDR ... GICD_ISPENDR + 0x7f:
        gicd_bitmap_write(s, s->pending, offset - GICD_ISPENDR, value, true);
        return true;
    case GICD_ICPENDR ... GICD_ICPENDR + 0x7f:
        gicd_bitmap_write(s, s->pending, offset - GICD_ICPENDR, value,
                          false);
        return true;
    case GICD_ISACTIVER ... GICD_ISACTIVER + 0x7f:
        gicd_bitmap_write(s, s->active, offset - GICD_ISACTIVER, value,
                          true);
        return true;
    case GICD_ICACTIVER ... GICD_ICACTIVER + 0x7f:
        gicd_bitmap_write(s, s->active, offset - GICD_ICACTIVER, value,
                          false);
        return true;
    case GICD_IPRIORITYR ... GICD_IPRIORITYR + 0x3ff: {
        int i;

        for (i = 0; i < 4; i++, value >>= 8) {
            gicd_byte_reg(s, offset + i, &byte);
            if (byte) {
                *byte = value;
            }
        }
        return true;
    }
    case GICD_ICFGR ... GICD_ICFGR + 0xff: {
        uint32_t intid = (offset - GICD_ICFGR) * 4;
        uint32_t shift = intid % 32;
        uint32_t *word;

        if (!gicd_is_spi(s, intid)) {
            return true;
        }
        word = &s->edge[intid / 32];
        *word = (*word & ~(0xffffu << shift)) |
                ((uint32_t)gicv3_icfgr_to_edge(value) << shift);
        return true;
    }
    case GICD_ITARGETSR ... GICD_ITARGETSR + 0x3ff:
    case GICD_IGRPMODR ... GICD_IGRPMODR + 0x7f:
    case GICD_NSACR ... GICD_NSACR + 0xff:
    case GICD_SGIR:
    case GICD_CPENDSGIR ... GICD_SPENDSGIR + 0xf:
    case GICD_INMIR ... GICD_INMIR + 0x7f:
        return true;
    case GICD_IROUTER ... IROUTER_LAST:
        gicd_irouter_reg(s, offset, &router);
        if (router) {
            *router = gicv3_reg64_set_half(*router, offset, value);
        }
        return true;
    default:
        return false;
    }
}

static MemTxResult gicd_read(void *opaque, hwaddr offset, uint64_t *data,
                             unsigned size, MemTxAttrs attrs)
{
    GICv3State *s = opaque;
    uint64_t *router;
    uint8_t *byte;
    bool ok = false;

    *data = 0;
    switch (size) {
    case 1:
        /* Only the byte-per-INTID registers take byte accesses. */
        ok = gicd_byte_reg(s, offset, &byte);
        *data = byte ? *byte : 0;
        break;
    case 4:
        ok = gicd_readl(s, offset, data);
        break;
    case 8:
        ok = gicd_irouter_reg(s, offset, &router);
        *data = router ? *router : 0;
        break;
    default:
        break;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: bad distributor read at 0x%"
                      HWADDR_PRIx " size %u\n", offset, size);
        *data = 0;
    }
    trace_gicv3_dist_read(offset, *data, size);
    return MEMTX_OK;
}

static MemTxResult gicd_write(void *opaque, hwaddr offset, uint64_t data,
                              unsigned size, MemTxAttrs attrs)
{
    GICv3State *s = opaque;
    uint64_t *router;
    uint8_t *byte;
    bool ok = false;

    trace_gicv3_dist_write(offset, data, size);
    switch (size) {
    case 1:
        ok = gicd_byte_reg(s, offset, &byte);
        if (byte) {
            *byte = data;
        }
        break;
    case 4:
        ok = gicd_writel(s, offset, data);
        break;
    case 8:
        ok = gicd_irouter_reg(s, offset, &router);
        if (router) {
            *router = data;
        }
        break;
    default:
        break;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: bad distributor write at 0x%"
                      HWADDR_PRIx " size %u\n", offset, size);
    }
    return MEMTX_OK;
}

/* Sizes are checked per register above (1, 4 or 8 bytes). */
const MemoryRegionOps gicv3_dist_ops = {
    .read_with_attrs = gicd_read,
    .write_with_attrs = gicd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 1,
    .valid.max_access_size = 8,
    .impl.min_access_size = 1,
    .impl.max_access_size = 8,
};
