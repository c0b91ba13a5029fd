/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv3 redistributor registers (GICv3/v4 architecture specification,
 * IHI 0069, 12.10 and 12.11): one 128 KiB block per CPU, the RD_base
 * frame (control, identification, power, LPI tables) followed by the
 * SGI_base frame (the banked SGI/PPI configuration).  The model records
 * what the guest writes and shows the PPI line levels through
 * GICR_ISPENDR0.
 *
 * Choices among what the architecture permits:
 *   - one security state (as the distributor): IGRPMODR0 and NSACR are
 *     RAZ/WI, GICR_WAKER.ProcessorSleep is writable and ChildrenAsleep
 *     follows it at once;
 *   - CPU i has affinity Aff1 = i / 16, Aff0 = i % 16, the layout QEMU's
 *     virt machine gives its CPUs with a GICv3;
 *   - LPIs are never delivered: GICR_CTLR.EnableLPIs and the LPI table
 *     registers are only stored (when the GIC has LPIs), the
 *     SETLPIR/CLRLPIR/INVLPIR/INVALLR commands are ignored and
 *     GICR_SYNCR never reads busy.
 */
#include "qemu/osdep.h"
#include "gicv3-internal.h"
#include "qemu/log.h"
#include "trace/trace-hw_intc.h"

/* GICR_TYPER.CommonLPIAff = 1: all redistributors share LPI tables. */
#define TYPER_COMMON_LPI_AFF_SHIFT 24
#define TYPER_PROCESSOR_NUMBER_SHIFT 8

static uint64_t gicr_typer(GICv3State *s, uint32_t cpu)
{
    uint64_t aff = ((cpu / 16) << 8) | (cpu % 16);

    return (aff << 32) |
           (1ull << TYPER_COMMON_LPI_AFF_SHIFT) |
           ((uint64_t)cpu << TYPER_PROCESSOR_NUMBER_SHIFT) |
           (cpu == s->num_cpu - 1 ? GICR_TYPER_LAST : 0) |
           (s->lpi_enable ? GICR_TYPER_PLPIS : 0);
}

/* 64-bit registers, as one value, or NULL if offset is not one. */
static uint64_t *gicr_reg64(GICv3CPUState *cs, hwaddr offset)
{
    switch (offset & ~7ull) {
    case GICR_PROPBASER:
        return &cs->propbaser;
    case GICR_PENDBASER:
        return &cs->pendbaser;
    default:
        return NULL;
    }
}

static bool gicr_readl(GICv3State *s, uint32_t cpu, hwaddr offset,
                       uint64_t *data)
{
    GICv3CPUState *cs = &s->cpu[cpu];

    switch (offset) {
    case GICR_CTLR:
        /* This model lets EnableLPIs be cleared again: CES reads 1. */
        *data = cs->ctlr | GICR_CTLR_CES;
        return true;
    case GICR_IIDR:
        *data = GICV3_IIDR;
        return true;
    case GICR_TYPER:
    case GICR_TYPER + 4:
        *data = gicv3_reg64_half(gicr_typer(s, cpu), offset);
        return true;
    case GICR_STATUSR:
    case GICR_SYNCR:
        *data = 0;
        return true;
    case GICR_WAKER:
        *data = cs->waker;
        return true;
    case GICR_PROPBASER ... GICR_PENDBASER + 7:
        *data = gicv3_reg64_half(*gicr_reg64(cs, offset), offset);
        return true;
    case GICR_SETLPIR ... GICR_CLRLPIR + 7:
    case GICR_INVLPIR ... GICR_INVLPIR + 7:
    case GICR_INVALLR ... GICR_INVALLR + 7:
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: read of write-only "
                      "redistributor register at 0x%" HWADDR_PRIx "\n",
                      offset);
        *data = 0;
        return true;
    case GICR_IDREGS ... 0xfffc:
        *data = gicv3_idreg(offset - GICR_IDREGS, GICV3_PIDR0_REDIST,
                            s->revision);
        return true;
    case GICR_IGROUPR0:
        *data = cs->group;
        return true;
    case GICR_ISENABLER0:
    case GICR_ICENABLER0:
        *data = cs->enabled;
        return true;
    case GICR_ISPENDR0:
    case GICR_ICPENDR0:
        *data = cs->pending | (cs->level & ~cs->edge);
        return true;
    case GICR_ISACTIVER0:
    case GICR_ICACTIVER0:
        *data = cs->active;
        return true;
    case GICR_IPRIORITYR ... GICR_IPRIORITYR + 0x1f: {
        const uint8_t *p = &cs->priority[offset - GICR_IPRIORITYR];

        *data = p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
        return true;
    }
    case GICR_ICFGR0:
        *data = gicv3_edge_to_icfgr(cs->edge);
        return true;
    case GICR_ICFGR1:
        *data = gicv3_edge_to_icfgr(cs->edge >> 16);
        return true;
    case GICR_IGRPMODR0:
    case GICR_NSACR:
    case GICR_INMIR0:
        *data = 0;
        return true;
    default:
        return false;
    }
}

static bool gicr_writel(GICv3State *s, uint32_t cpu, hwaddr offset,
                        uint32_t value)
{
    GICv3CPUState *cs = &s->cpu[cpu];
    uint64_t *r64;

    switch (offset) {
    case GICR_CTLR:
        if (s->lpi_enable) {
            cs->ctlr = value & GICR_CTLR_ENABLE_LPIS;
        }
        return true;
    case GICR_WAKER:
        cs->waker = (value & GICR_WAKER_PROCESSOR_SLEEP)
                    ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP
                    : 0;
        trace_gicv3_redist_waker(cpu, cs->waker);
        return true;
    case GICR_PROPBASER ... GICR_PENDBASER + 7:
        if (!s->lpi_enable) {
            return true;
        }
        r64 = gicr_reg64(cs, offset);
        *r64 = gicv3_reg64_set_half(*r64, offset, value);
        return true;
    case GICR_IIDR:
    case GICR_TYPER:
    case GICR_TYPER + 4:
    case GICR_SYNCR:
    case GICR_IDREGS ... 0xfffc:
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: write to read-only "
                      "redistributor register at 0x%" HWADDR_PRIx "\n",
                      offset);
        return true;
    case GICR_STATUSR:
    case GICR_SETLPIR ... GICR_CLRLPIR + 7:
    case GICR_INVLPIR ... GICR_INVLPIR + 7:
    case GICR_INVALLR ... GICR_INVALLR + 7:
        return true;
    case GICR_IGROUPR0:
        cs->group = value;
        return true;
    case GICR_ISENABLER0:
        cs->enabled |= value;
        return true;
    case GICR_ICENABLER0:
        cs->enabled &= ~value;
        return true;
    case GICR_ISPENDR0:
        cs->pending |= value;
        return true;
    case GICR_ICPENDR0:
        cs->pending &= ~value;
        return true;
    case GICR_ISACTIVER0:
        cs->active |= value;
        return true;
    case GICR_ICACTIVER0:
        cs->active &= ~value;
        return true;
    case GICR_IPRIORITYR ... GICR_IPRIORITYR + 0x1f: {
        uint8_t *p = &cs->priority[offset - GICR_IPRIORITYR];
        int i;

        for (i = 0; i < 4; i++, value >>= 8) {
            p[i] = value;
        }
        return true;
    }
    case GICR_ICFGR0:
        /* SGIs are edge-triggered: read-only. */
        return true;
    case GICR_ICFGR1:
        cs->edge = (cs->edge & 0xffff) |
                   ((uint32_t)gicv3_icfgr_to_edge(value) << 16);
        return true;
    case GICR_IGRPMODR0:
    case GICR_NSACR:
    case GICR_INMIR0:
        return true;
    default:
        return false;
    }
}

static MemTxResult gicr_read(void *opaque, hwaddr addr, uint64_t *data,
                             unsigned size, MemTxAttrs attrs)
{
    GICv3State *s = opaque;
    uint32_t cpu = addr / GICV3_REDIST_SIZE;
    hwaddr offset = addr % GICV3_REDIST_SIZE;
    bool ok = false;

    *data = 0;
    if (cpu >= s->num_cpu || !s->cpu) {
        /* Beyond the last frame (or not realized): nothing there. */
    } else if (size == 4) {
        ok = gicr_readl(s, cpu, offset, data);
    } else if (size == 8) {
        uint64_t *r64 = (offset & 7) ? NULL
                                      : gicr_reg64(&s->cpu[cpu], offset);

        if (offset == GICR_TYPER) {
            *data = gicr_typer(s, cpu);
            ok = true;
        } else if (r64) {
            *data = *r64;
            ok = true;
        }
    } else if (size == 1 && offset >= GICR_IPRIORITYR &&
               offset < GICR_IPRIORITYR + GICV3_INTERNAL) {
        *data = s->cpu[cpu].priority[offset - GICR_IPRIORITYR];
        ok = true;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: bad redistributor read at "
                      "0x%" HWADDR_PRIx " size %u\n", addr, size);
        *data = 0;
    }
    trace_gicv3_redist_read(cpu, offset, *data, size);
    return MEMTX_OK;
}

static MemTxResult gicr_write(void *opaque, hwaddr addr, uint64_t data,
                              unsigned size, MemTxAttrs attrs)
{
    GICv3State *s = opaque;
    uint32_t cpu = addr / GICV3_REDIST_SIZE;
    hwaddr offset = addr % GICV3_REDIST_SIZE;
    bool ok = false;

    trace_gicv3_redist_write(cpu, offset, data, size);
    if (cpu >= s->num_cpu || !s->cpu) {
        /* Nothing there. */
    } else if (size == 4) {
        ok = gicr_writel(s, cpu, offset, data);
    } else if (size == 8) {
        uint64_t *r64 = (offset & 7) ? NULL
                                      : gicr_reg64(&s->cpu[cpu], offset);

        if (r64) {
            if (s->lpi_enable) {
                *r64 = data;
            }
            ok = true;
        } else if (offset == GICR_TYPER) {
            qemu_log_mask(LOG_GUEST_ERROR, "gicv3: write to read-only "
                          "GICR_TYPER\n");
            ok = true;
        } else if (offset == GICR_SETLPIR || offset == GICR_CLRLPIR ||
                   offset == GICR_INVLPIR || offset == GICR_INVALLR) {
            /* LPI commands: nothing to deliver to. */
            ok = true;
        }
    } else if (size == 1 && offset >= GICR_IPRIORITYR &&
               offset < GICR_IPRIORITYR + GICV3_INTERNAL) {
        s->cpu[cpu].priority[offset - GICR_IPRIORITYR] = data;
        ok = true;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "gicv3: bad redistributor write at "
                      "0x%" HWADDR_PRIx " size %u\n", addr, size);
    }
    return MEMTX_OK;
}

const MemoryRegionOps gicv3_redist_ops = {
    .read_with_attrs = gicr_read,
    .write_with_attrs = gicr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 1,
    .valid.max_access_size = 8,
    .impl.min_access_size = 1,
    .impl.max_access_size = 8,
};
