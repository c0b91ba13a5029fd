/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model behind each simulated PCI function: the register
 * interface of QEMU's "edu" teaching device at BAR0, so that the same
 * test drives the simulator and the lab (where the host's functions are
 * QEMU edu devices).  vfio.c routes BAR0 reads and writes here.
 *
 * Register map (offsets in BAR0, 32-bit unless noted):
 *
 *   0x00  identification, reads 0x010000ed
 *   0x04  liveness: reads back the inverse of what was written
 *   0x08  factorial: writing n computes n! (32-bit, wrapping)
 *   0x20  status: bit 0 computing, bit 7 raise IRQ 0x001 after a factorial
 *   0x24  interrupt status
 *   0x60  interrupt raise: ORs the value into the status, interrupts
 *   0x64  interrupt acknowledge: clears the bits written
 *   0x80  DMA source address (64-bit capable)
 *   0x88  DMA destination address (64-bit capable)
 *   0x90  DMA count (64-bit capable)
 *   0x98  DMA command: bit 0 start, bit 1 direction (0: RAM to the
 *         device's buffer, 1: buffer to RAM), bit 2 raise IRQ 0x100 when
 *         done (64-bit capable)
 *
 * As in QEMU, offsets below 0x80 take only 4-byte accesses and the DMA
 * registers 4 or 8 bytes; anything else (and unknown offsets) reads all
 * ones and ignores writes.  A 4-byte write to a DMA register replaces
 * the whole register.  The device's buffer is 4 KiB at device address
 * 0x40000, and the RAM side of a transfer is clamped to the 28-bit DMA
 * mask, as QEMU does.
 *
 * Differences from QEMU, all in timing: the factorial is ready when the
 * write returns, and a DMA runs to completion inside the write to the
 * command register (QEMU takes 100 ms of virtual time), through
 * hs_smmu_dma so that the SMMU's translation, faults and events apply.
 * A DMA whose buffer-side range leaves the 4 KiB buffer is refused (no
 * byte moves; QEMU only logs it and then overruns its buffer), and so
 * is one while Bus Master Enable is clear; the command still completes
 * and raises its interrupt, as QEMU's does even when the transfer
 * faults.
 */
#include "hostsim-int.h"

#include <string.h>

#define EDU_REG_ID          0x00
#define EDU_REG_LIVENESS    0x04
#define EDU_REG_FACT        0x08
#define EDU_REG_STATUS      0x20
#define EDU_REG_IRQ_STATUS  0x24
#define EDU_REG_IRQ_RAISE   0x60
#define EDU_REG_IRQ_ACK     0x64
#define EDU_REG_DMA_SRC     0x80
#define EDU_REG_DMA_DST     0x88
#define EDU_REG_DMA_CNT     0x90
#define EDU_REG_DMA_CMD     0x98

#define EDU_ID              0x010000edu

#define EDU_STATUS_COMPUTING    0x01
#define EDU_STATUS_IRQFACT      0x80

#define EDU_IRQ_FACT        0x00000001
#define EDU_IRQ_DMA         0x00000100

#define EDU_DMA_RUN         0x1
#define EDU_DMA_TO_RAM      0x2
#define EDU_DMA_IRQ         0x4

#define EDU_BUF_BASE        0x40000
#define EDU_BUF_SIZE        4096
#define EDU_DMA_MASK        ((1ULL << 28) - 1)

typedef struct HSEdu {
    uint32_t liveness;      /* stored inverted */
    uint32_t fact;
    uint32_t status;
    uint32_t irq_status;
    uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
    uint8_t buf[EDU_BUF_SIZE];
} HSEdu;

static HSEdu *edu_get(HSFunc *f)
{
    if (!f->edu) {
        f->edu = g_new0(HSEdu, 1);
    }
    return f->edu;
}

void hs_edu_init(HSFunc *f)
{
    edu_get(f);
}

void hs_edu_fini(HSFunc *f)
{
    g_free(f->edu);
    f->edu = NULL;
}

/* VFIO_DEVICE_RESET: back to the power-on state (all zero). */
void hs_edu_reset(HSFunc *f)
{
    memset(edu_get(f), 0, sizeof(HSEdu));
}

static void edu_raise_irq(HSFunc *f, HSEdu *e, uint32_t bits)
{
    e->irq_status |= bits;
    /* Like QEMU's MSI path: every raise with a non-zero status signals. */
    if (e->irq_status) {
        hs_vfio_raise_irq(f, 0);
    }
}

static void edu_factorial(HSFunc *f, HSEdu *e, uint32_t n)
{
    uint32_t r = 1;

    /*
     * n! modulo 2^32, as QEMU's loop computes it; once the product has
     * 32 factors of two (n >= 34) it stays 0, so stop there instead of
     * looping up to 2^32 times under the simulator's lock.
     */
    while (n > 0 && r != 0) {
        r *= n--;
    }
    e->fact = r;
    e->status &= ~EDU_STATUS_COMPUTING;
    if (e->status & EDU_STATUS_IRQFACT) {
        edu_raise_irq(f, e, EDU_IRQ_FACT);
    }
}

static bool edu_buf_range_ok(uint64_t addr, uint64_t cnt)
{
    return addr >= EDU_BUF_BASE && cnt <= EDU_BUF_SIZE &&
           addr - EDU_BUF_BASE <= EDU_BUF_SIZE - cnt;
}

static void edu_dma(HSFunc *f, HSEdu *e)
{
    bool to_ram = e->dma_cmd & EDU_DMA_TO_RAM;
    uint64_t dev = to_ram ? e->dma_src : e->dma_dst;
    uint64_t ram = (to_ram ? e->dma_dst : e->dma_src) & EDU_DMA_MASK;

    /*
     * Without Bus Master Enable the request never leaves the function
     * (QEMU: its bus-master address space is disabled): nothing moves,
     * the SMMU sees nothing.  A function without PCI state (one a unit
     * test built by hand) counts as mastering.
     */
    if (f->pci && !hs_vfio_bus_master(f)) {
        return;
    }
    if (!edu_buf_range_ok(dev, e->dma_cnt)) {
        g_debug("hostsim: edu %s: DMA buffer range 0x%" G_GINT64_MODIFIER
                "x+0x%" G_GINT64_MODIFIER "x out of bounds", f->bdf, dev,
                e->dma_cnt);
        return;
    }
    /* A fault stops the transfer; the device does not notice (QEMU). */
    hs_smmu_dma(f, ram, e->buf + (dev - EDU_BUF_BASE), e->dma_cnt, to_ram);
}

static bool edu_size_ok(uint64_t off, unsigned size)
{
    return off < EDU_REG_DMA_SRC ? size == 4 : (size == 4 || size == 8);
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

uint64_t hs_edu_read(HSFunc *f, uint64_t off, unsigned size)
{
    HSEdu *e = edu_get(f);
    uint64_t val = UINT64_MAX;

    if (!edu_size_ok(off, size)) {
        return val & size_mask(size);
    }
    switch (off) {
    case EDU_REG_ID:
        val = EDU_ID;
        break;
    case EDU_REG_LIVENESS:
        val = e->liveness;
        break;
    case EDU_REG_FACT:
        val = e->fact;
        break;
    case EDU_REG_STATUS:
        val = e->status;
        break;
    case EDU_REG_IRQ_STATUS:
        val = e->irq_status;
        break;
    case EDU_REG_DMA_SRC:
        val = e->dma_src;
        break;
    case EDU_REG_DMA_DST:
        val = e->dma_dst;
        break;
    case EDU_REG_DMA_CNT:
        val = e->dma_cnt;
        break;
    case EDU_REG_DMA_CMD:
        val = e->dma_cmd;
        break;
    default:
        break;
    }
    return val & size_mask(size);
}

void hs_edu_write(HSFunc *f, uint64_t off, uint64_t val, unsigned size)
{
    HSEdu *e = edu_get(f);
    bool busy = e->dma_cmd & EDU_DMA_RUN;

    if (!edu_size_ok(off, size)) {
        return;
    }
    val &= size_mask(size);
    switch (off) {
    case EDU_REG_LIVENESS:
        e->liveness = ~(uint32_t)val;
        break;
    case EDU_REG_FACT:
        if (!(e->status & EDU_STATUS_COMPUTING)) {
            e->status |= EDU_STATUS_COMPUTING;
            edu_factorial(f, e, val);
        }
        break;
    case EDU_REG_STATUS:
        if (val & EDU_STATUS_IRQFACT) {
            e->status |= EDU_STATUS_IRQFACT;
        } else {
            e->status &= ~EDU_STATUS_IRQFACT;
        }
        break;
    case EDU_REG_IRQ_RAISE:
        edu_raise_irq(f, e, val);
        break;
    case EDU_REG_IRQ_ACK:
        e->irq_status &= ~(uint32_t)val;
        break;
    case EDU_REG_DMA_SRC:
        if (!busy) {
            e->dma_src = val;
        }
        break;
    case EDU_REG_DMA_DST:
        if (!busy) {
            e->dma_dst = val;
        }
        break;
    case EDU_REG_DMA_CNT:
        if (!busy) {
            e->dma_cnt = val;
        }
        break;
    case EDU_REG_DMA_CMD:
        if (!(val & EDU_DMA_RUN) || busy) {
            break;
        }
        e->dma_cmd = val;
        edu_dma(f, e);
        e->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
        if (e->dma_cmd & EDU_DMA_IRQ) {
            edu_raise_irq(f, e, EDU_IRQ_DMA);
        }
        break;
    default:
        break;
    }
}
