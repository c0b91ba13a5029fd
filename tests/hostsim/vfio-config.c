/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated PCI function's config space and BARs, as vfio-pci shows
 * them through the region file offsets of a VFIO device fd (section 2.4).
 *
 * The function has a conventional (not PCI Express) 256-byte config
 * space built from the topology: a type-0 header with memory BARs, an MSI
 * capability (64-bit, no per-vector masking, "multiple message capable"
 * for the topology's vector count) and an MSI-X capability (table at
 * offset 0 of the MSI-X BAR, PBA at +2 KiB).
 *
 * vfio-pci virtualizes parts of it; this file keeps the same split as the
 * kernel's permission tables.  Per byte, a "virt" mask says which bits
 * come from (and go to) vfio-pci's copy (vconf[]) rather than the
 * function (hw[]), and a "write" mask which bits the user may change at
 * all.  So: IDs, the capability pointer and list bit, the interrupt pin
 * and line, DisINTx and all BARs are virtual (BAR sizing works on the
 * copy: the size mask and type bits are forced in when a BAR is read);
 * the rest of the command register reaches the function, whose own write
 * mask applies.  The MSI capability's control byte, address and data are
 * virtual; the "multiple message capable" field reads as what the user
 * last enabled through SET_IRQS (0 before), Enable sticks only while MSI
 * is enabled through SET_IRQS.  The MSI-X capability reads the function
 * and ignores writes.  Bytes outside the header and the capabilities go
 * to the function raw (it implements nothing there).  Accesses are split
 * into naturally aligned 1/2/4-byte chunks that stay within one owner;
 * one beyond the 256 bytes fails the whole access with EFAULT.
 *
 * BAR access through the fd goes to the device model in naturally aligned
 * 8/4/2/1-byte chunks, as the kernel's ioread/iowrite loop does: edu
 * registers to edu.c, RAM and MSI-X BARs to their memfd.  The MSI-X
 * table reads as 0xff bytes and drops writes; the PBA is read-only.
 * With memory decoding off in the virtual command register, BAR access
 * fails with EIO (the table range excepted, as in the kernel).
 */
#include "vfio-pci.h"

#include <stdio.h>
#include <string.h>

static uint16_t rd16(const uint8_t *b, unsigned off)
{
    return b[off] | (uint16_t)b[off + 1] << 8;
}

static uint32_t rd32(const uint8_t *b, unsigned off)
{
    return rd16(b, off) | (uint32_t)rd16(b, off + 2) << 16;
}

static void wr16(uint8_t *b, unsigned off, uint16_t v)
{
    b[off] = v;
    b[off + 1] = v >> 8;
}

static void wr32(uint8_t *b, unsigned off, uint32_t v)
{
    wr16(b, off, v);
    wr16(b, off + 2, v >> 16);
}

static unsigned ceil_log2(unsigned n)
{
    unsigned l = 0;

    while ((1u << l) < n) {
        l++;
    }
    return l;
}

static bool is_bar_reg(unsigned off)
{
    return (off >= HS_PCI_BAR0 && off < HS_PCI_BAR0 + 24) ||
           (off >= HS_PCI_ROM && off < HS_PCI_ROM + 4);
}

static uint32_t bar_type_bits(const HSBar *b)
{
    /* Memory space; bit 2 = 64-bit, bit 3 = prefetchable. */
    return (b->is64 ? 0x4 : 0) | (b->prefetch ? 0x8 : 0);
}

/* ---- building the function ---- */

static void build_bars(HSFunc *f, HSPci *p)
{
    /* Host addresses: only their look matters (aligned, 64-bit high). */
    uint64_t lo = 0x10000000ULL + (f->index % 15) * 0x10000000ULL;
    uint64_t hi = 0x8000000000ULL + (uint64_t)f->index * (1ULL << 36);

    for (unsigned i = 0; i < 6; i++) {
        HSBar *b = &f->bars[i];
        uint64_t *cur = b->is64 ? &hi : &lo;
        unsigned off = HS_PCI_BAR0 + 4 * i;
        uint64_t addr;

        if (b->kind == HS_BAR_NONE || !b->size) {
            continue;
        }
        addr = (*cur + b->size - 1) & ~(b->size - 1);
        *cur = addr + b->size;
        p->bar_addr[i] = addr;
        wr32(p->hw, off, (uint32_t)addr | bar_type_bits(b));
        if (b->is64 && i < 5) {
            wr32(p->hw, off + 4, addr >> 32);
            i++;
        }
    }
}

static void build_caps(HSFunc *f, HSPci *p)
{
    unsigned pos = HS_PCI_HDR_SIZE;
    HSBar *xbar = f->msix_bar < 6 ? &f->bars[f->msix_bar] : NULL;

    if (f->msi_vectors) {
        unsigned mmc = MIN(ceil_log2(f->msi_vectors), 5);

        p->msi_pos = pos;
        memset(p->map + pos, HS_PCI_CAP_MSI, 14);
        p->hw[pos] = HS_PCI_CAP_MSI;
        wr16(p->hw, pos + 2, HS_MSI_FLAGS_64BIT | mmc << 1);
        /* Enable, multiple message enable, address, data. */
        wr16(p->hw_wmask, pos + 2, HS_MSI_FLAGS_ENABLE | HS_MSI_FLAGS_QSIZE);
        wr32(p->hw_wmask, pos + 4, 0xfffffffc);
        wr32(p->hw_wmask, pos + 8, 0xffffffff);
        wr16(p->hw_wmask, pos + 12, 0xffff);
        pos += 0x10;
    }
    if (f->msix_vectors && xbar && xbar->kind == HS_BAR_MSIX &&
        f->msix_vectors * HS_MSIX_ENTRY_SIZE <= HS_MSIX_PBA_OFFSET &&
        xbar->size > HS_MSIX_PBA_OFFSET) {
        p->msix_pos = pos;
        memset(p->map + pos, HS_PCI_CAP_MSIX, 12);
        p->hw[pos] = HS_PCI_CAP_MSIX;
        wr16(p->hw, pos + 2, f->msix_vectors - 1);
        wr32(p->hw, pos + 4, f->msix_bar);
        wr32(p->hw, pos + 8, HS_MSIX_PBA_OFFSET | f->msix_bar);
        wr16(p->hw_wmask, pos + 2, 0xc000);     /* enable, function mask */
    } else if (f->msix_vectors) {
        g_warning("hostsim: %s: no usable MSI-X BAR, MSI-X left out",
                  f->bdf);
    }
    if (p->msi_pos && p->msix_pos) {
        p->hw[p->msi_pos + 1] = p->msix_pos;
    }
    p->hw[HS_PCI_CAP_PTR] = p->msi_pos ? p->msi_pos : p->msix_pos;
    if (p->hw[HS_PCI_CAP_PTR]) {
        wr16(p->hw, HS_PCI_STATUS, 0x0010);     /* capability list */
    }
}

void hs_pci_build(HSFunc *f, HSPci *p)
{
    unsigned bus = 0;

    memset(p->hw, 0, sizeof(p->hw));
    memset(p->hw_wmask, 0, sizeof(p->hw_wmask));
    memset(p->map, HS_PCI_CAP_HEADER, HS_PCI_HDR_SIZE);
    memset(p->map + HS_PCI_HDR_SIZE, HS_PCI_CAP_NONE,
           HS_PCI_CFG_SIZE - HS_PCI_HDR_SIZE);

    wr16(p->hw, 0x00, f->vendor);
    wr16(p->hw, 0x02, f->device);
    p->hw[0x08] = f->revision;
    p->hw[0x09] = f->class_code;
    p->hw[0x0a] = f->class_code >> 8;
    p->hw[0x0b] = f->class_code >> 16;
    wr16(p->hw, 0x2c, f->subsys_vendor);
    wr16(p->hw, 0x2e, f->subsys_device);
    p->hw[HS_PCI_INT_PIN] = 1;                  /* INTA, as edu */
    /* What the function lets software change (as QEMU's PCI core). */
    wr16(p->hw_wmask, HS_PCI_COMMAND, 0x0547);
    p->hw_wmask[0x0c] = 0xff;                   /* cache line size */
    p->hw_wmask[0x3c] = 0xff;                   /* interrupt line */

    build_bars(f, p);
    build_caps(f, p);

    /*
     * A function alone below a bridge can be reset through the bridge;
     * on the root bus there is no reset method (like edu in the lab).
     */
    if (sscanf(f->bdf, "%*x:%x:", &bus) == 1) {
        p->reset_works = bus != 0;
    }
}

void hs_pci_enable(HSFunc *f)
{
    HSPci *p = f->pci;
    uint16_t cmd = rd16(p->hw, HS_PCI_COMMAND);

    /* pci_clear_master, pci_enable_device (memory BARs), INTx on. */
    cmd &= ~(HS_PCI_CMD_MASTER | HS_PCI_CMD_INTX_OFF);
    wr16(p->hw, HS_PCI_COMMAND, cmd | HS_PCI_CMD_MEMORY);
    if (p->reset_works) {
        hs_edu_reset(f);
    }
    memcpy(p->vconf, p->hw, sizeof(p->vconf));
    p->msi_qmax = 0;
}

void hs_pci_disable(HSFunc *f)
{
    HSPci *p = f->pci;

    /* Bus mastering off, then the state saved at enable is restored. */
    wr16(p->hw, HS_PCI_COMMAND, HS_PCI_CMD_MEMORY);
    hs_pci_set_hw_irq(f, HS_PCI_IRQ_NONE, 0);
    if (p->reset_works) {
        hs_edu_reset(f);
    }
}

unsigned hs_pci_irq_count(HSFunc *f, unsigned index)
{
    HSPci *p = f->pci;

    switch (index) {
    case VFIO_PCI_INTX_IRQ_INDEX:
        return p->hw[HS_PCI_INT_PIN] ? 1 : 0;
    case VFIO_PCI_MSI_IRQ_INDEX:
        if (!p->msi_pos) {
            return 0;
        }
        return 1u << ((rd16(p->hw, p->msi_pos + 2) & HS_MSI_FLAGS_QMASK)
                      >> 1);
    case VFIO_PCI_MSIX_IRQ_INDEX:
        if (!p->msix_pos) {
            return 0;
        }
        return (rd16(p->hw, p->msix_pos + 2) & HS_MSIX_FLAGS_QSIZE) + 1;
    case VFIO_PCI_ERR_IRQ_INDEX:
        return 0;                   /* AER needs PCI Express */
    case VFIO_PCI_REQ_IRQ_INDEX:
        return 1;
    default:
        return 0;
    }
}

void hs_pci_set_hw_irq(HSFunc *f, int irq_type, unsigned nvec)
{
    HSPci *p = f->pci;

    if (p->msi_pos) {
        unsigned off = p->msi_pos + 2;
        uint16_t flags = rd16(p->hw, off);

        flags &= ~(HS_MSI_FLAGS_ENABLE | HS_MSI_FLAGS_QSIZE);
        if (irq_type == VFIO_PCI_MSI_IRQ_INDEX && nvec) {
            flags |= HS_MSI_FLAGS_ENABLE | ceil_log2(nvec) << 4;
        }
        wr16(p->hw, off, flags);
    }
    if (p->msix_pos) {
        unsigned off = p->msix_pos + 2;
        uint16_t ctrl = rd16(p->hw, off) & ~HS_MSIX_FLAGS_ENABLE;

        if (irq_type == VFIO_PCI_MSIX_IRQ_INDEX && nvec) {
            ctrl |= HS_MSIX_FLAGS_ENABLE;
        }
        wr16(p->hw, off, ctrl);
    }
}

bool hs_pci_memory_enabled(HSFunc *f)
{
    HSPci *p = f->pci;

    return rd16(p->vconf, HS_PCI_COMMAND) & HS_PCI_CMD_MEMORY;
}

bool hs_vfio_bus_master(HSFunc *f)
{
    HSPci *p = f->pci;

    return p && (rd16(p->hw, HS_PCI_COMMAND) & HS_PCI_CMD_MASTER);
}

/* ---- config space access ---- */

/* The kernel's permission bits for one byte: virtualized and writable. */
static void byte_perm(HSPci *p, unsigned pos, uint8_t *virt, uint8_t *wr)
{
    unsigned off;

    *virt = 0;
    *wr = 0;
    switch (p->map[pos]) {
    case HS_PCI_CAP_HEADER:
        if (pos < 0x04) {                       /* vendor, device */
            *virt = 0xff;
        } else if (pos == 0x04) {               /* command */
            *wr = 0xff;
        } else if (pos == 0x05) {
            *virt = HS_PCI_CMD_INTX_OFF >> 8;
            *wr = 0xff;
        } else if (pos == 0x06) {               /* status: cap list */
            *virt = 0x10;
        } else if (pos == 0x0c || pos == 0x0d || pos == 0x0f) {
            *wr = 0xff;                         /* cache, latency, BIST */
        } else if (is_bar_reg(pos) || pos == 0x3c) {
            *virt = 0xff;                       /* BARs, interrupt line */
            *wr = 0xff;
        } else if (pos == HS_PCI_CAP_PTR || pos == HS_PCI_INT_PIN) {
            *virt = 0xff;
        }
        break;
    case HS_PCI_CAP_MSI:
        off = pos - p->msi_pos;
        if (off == 1) {                         /* next pointer */
            *virt = 0xff;
        } else if (off == 2 || (off >= 4 && off < 14)) {
            *virt = 0xff;                       /* control, addr, data */
            *wr = 0xff;
        }
        break;
    default:
        break;
    }
}

/* What the function does with a write of bits it implements. */
static void hw_write(HSPci *p, unsigned pos, uint8_t val, uint8_t bits)
{
    bits &= p->hw_wmask[pos];
    p->hw[pos] = (p->hw[pos] & ~bits) | (val & bits);
}

static void default_read(HSPci *p, unsigned pos, unsigned n, uint8_t *val)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t virt, wr;

        byte_perm(p, pos + i, &virt, &wr);
        val[i] = (p->vconf[pos + i] & virt) | (p->hw[pos + i] & ~virt);
    }
}

static void default_write(HSPci *p, unsigned pos, unsigned n,
                          const uint8_t *val)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t virt, wr, v;

        byte_perm(p, pos + i, &virt, &wr);
        v = virt & wr;
        p->vconf[pos + i] = (p->vconf[pos + i] & ~v) | (val[i] & v);
        hw_write(p, pos + i, val[i], wr & ~virt);
    }
}

/* BAR sizing: the size mask and the type bits win over what was written. */
static void bar_fixup(HSFunc *f, HSPci *p)
{
    for (unsigned i = 0; i < 6; i++) {
        const HSBar *b = &f->bars[i];
        unsigned off = HS_PCI_BAR0 + 4 * i;
        uint64_t mask;

        if (b->kind == HS_BAR_NONE || !b->size) {
            wr32(p->vconf, off, 0);             /* unimplemented */
            continue;
        }
        mask = ~(b->size - 1);
        wr32(p->vconf, off,
             (rd32(p->vconf, off) & (uint32_t)mask) | bar_type_bits(b));
        if (b->is64 && i < 5) {
            wr32(p->vconf, off + 4,
                 rd32(p->vconf, off + 4) & (uint32_t)(mask >> 32));
            i++;
        }
    }
    wr32(p->vconf, HS_PCI_ROM, 0);              /* no expansion ROM */
}

static void msi_flags_read_fixup(HSPci *p)
{
    unsigned off = p->msi_pos + 2;
    uint16_t flags = rd16(p->vconf, off) & ~HS_MSI_FLAGS_QMASK;

    wr16(p->vconf, off, flags | p->msi_qmax << 1);
}

static void msi_flags_write_fixup(HSPci *p)
{
    unsigned off = p->msi_pos + 2;
    uint16_t flags = rd16(p->vconf, off);

    if (p->irq_type != VFIO_PCI_MSI_IRQ_INDEX) {
        flags &= ~HS_MSI_FLAGS_ENABLE;          /* enabled via SET_IRQS */
    }
    if (((flags & HS_MSI_FLAGS_QSIZE) >> 4) > p->msi_qmax) {
        flags = (flags & ~HS_MSI_FLAGS_QSIZE) | p->msi_qmax << 4;
    }
    wr16(p->vconf, off, flags);
}

static void cfg_read(HSFunc *f, unsigned pos, unsigned n, uint8_t *val)
{
    HSPci *p = f->pci;
    unsigned off;

    switch (p->map[pos]) {
    case HS_PCI_CAP_HEADER:
        if (is_bar_reg(pos)) {
            bar_fixup(f, p);
        }
        default_read(p, pos, n, val);
        break;
    case HS_PCI_CAP_MSI:
        off = pos - p->msi_pos;
        if (off <= 2 && off + n >= 2) {
            msi_flags_read_fixup(p);
        }
        default_read(p, pos, n, val);
        break;
    default:                    /* MSI-X: the function's; unassigned: raw */
        memcpy(val, p->hw + pos, n);
        break;
    }
}

static void cfg_write(HSFunc *f, unsigned pos, unsigned n,
                      const uint8_t *val)
{
    HSPci *p = f->pci;
    unsigned off;
    uint16_t cmd;

    switch (p->map[pos]) {
    case HS_PCI_CAP_HEADER:
        default_write(p, pos, n, val);
        if (pos == HS_PCI_COMMAND) {
            /* Remember memory/IO enable for the BAR access checks. */
            uint16_t mask = HS_PCI_CMD_MEMORY | HS_PCI_CMD_IO;
            uint16_t now = val[0] | (n > 1 ? val[1] << 8 : 0);

            cmd = rd16(p->vconf, HS_PCI_COMMAND);
            wr16(p->vconf, HS_PCI_COMMAND, (cmd & ~mask) | (now & mask));
        }
        if (pos == HS_PCI_COMMAND || pos == HS_PCI_COMMAND + 1) {
            cmd = rd16(p->vconf, HS_PCI_COMMAND);
            hs_pci_intx_virq(f, cmd & HS_PCI_CMD_INTX_OFF);
        }
        break;
    case HS_PCI_CAP_MSI:
        default_write(p, pos, n, val);
        off = pos - p->msi_pos;
        if (off <= 2 && off + n >= 2) {
            msi_flags_write_fixup(p);
        }
        break;
    case HS_PCI_CAP_MSIX:
        break;                  /* no write handler: dropped */
    default:
        for (unsigned i = 0; i < n; i++) {
            hw_write(p, pos + i, val[i], 0xff);
        }
        break;
    }
}

/* One chunk: aligned, at most 4 bytes, never across an owner change. */
static unsigned cfg_chunk(HSPci *p, unsigned pos, size_t count)
{
    unsigned same = 1;

    while ((pos + same) % 4 && p->map[pos + same] == p->map[pos]) {
        same++;
    }
    count = MIN(count, same);
    if (count >= 4 && !(pos % 4)) {
        return 4;
    }
    if (count >= 2 && !(pos % 2)) {
        return 2;
    }
    return 1;
}

ssize_t hs_pci_config_rw(HSFunc *f, uint64_t uptr, size_t count,
                         uint64_t pos, bool write)
{
    HSPci *p = f->pci;
    size_t done = 0;

    while (count) {
        uint8_t val[4] = { 0 };
        unsigned n;

        if (pos >= HS_PCI_CFG_SIZE || count > HS_PCI_CFG_SIZE - pos) {
            return -EFAULT;
        }
        n = cfg_chunk(p, pos, count);
        if (write) {
            if (p->map[pos] != HS_PCI_CAP_MSIX) {
                if (hs_copy_from_user(val, uptr + done, n)) {
                    return -EFAULT;
                }
                cfg_write(f, pos, n, val);
            }
        } else {
            cfg_read(f, pos, n, val);
            if (hs_copy_to_user(uptr + done, val, n)) {
                return -EFAULT;
            }
        }
        count -= n;
        done += n;
        pos += n;
    }
    return done;
}

/* ---- BAR access ---- */

static uint64_t msix_pba_size(HSFunc *f)
{
    return ((f->msix_vectors + 63) / 64) * 8;
}

static void bar_hw_read(HSFunc *f, const HSBar *b, uint64_t pos,
                        unsigned n, uint64_t *val)
{
    if (b->kind == HS_BAR_EDU) {
        *val = hs_edu_read(f, pos, n);
    } else if (b->memfd < 0 ||
               hs_real.pread(b->memfd, val, n, pos) != (ssize_t)n) {
        *val = UINT64_MAX;
    }
}

static void bar_hw_write(HSFunc *f, const HSBar *b, uint64_t pos,
                         unsigned n, uint64_t val)
{
    if (b->kind == HS_BAR_EDU) {
        hs_edu_write(f, pos, val, n);
        return;
    }
    if (b->kind == HS_BAR_MSIX && pos >= HS_MSIX_PBA_OFFSET &&
        pos < HS_MSIX_PBA_OFFSET + msix_pba_size(f)) {
        return;                 /* the PBA is read-only */
    }
    if (b->memfd >= 0) {
        (void)!hs_real.pwrite(b->memfd, &val, n, pos);
    }
}

ssize_t hs_pci_bar_rw(HSFunc *f, unsigned bar, uint64_t uptr,
                      size_t count, uint64_t pos, bool write)
{
    HSPci *p = f->pci;
    const HSBar *b = &f->bars[bar];
    uint64_t x_start = 0, x_end = 0;
    size_t done = 0;

    if (b->kind == HS_BAR_NONE || !b->size || pos >= b->size) {
        return -EINVAL;
    }
    count = MIN(count, b->size - pos);
    if (p->msix_pos && bar == f->msix_bar) {
        x_end = (uint64_t)f->msix_vectors * HS_MSIX_ENTRY_SIZE;
    }
    while (count) {
        uint64_t fillable, val = 0;
        unsigned n;

        if (pos < x_start) {
            fillable = MIN(count, x_start - pos);
        } else if (pos >= x_end) {
            fillable = count;
        } else {
            fillable = 0;
        }
        if (fillable) {
            n = (fillable >= 8 && !(pos % 8)) ? 8 :
                (fillable >= 4 && !(pos % 4)) ? 4 :
                (fillable >= 2 && !(pos % 2)) ? 2 : 1;
            if (write) {
                if (hs_copy_from_user(&val, uptr + done, n)) {
                    return -EFAULT;
                }
                if (!hs_pci_memory_enabled(f)) {
                    return -EIO;
                }
                bar_hw_write(f, b, pos, n, val);
            } else {
                if (!hs_pci_memory_enabled(f)) {
                    return -EIO;
                }
                bar_hw_read(f, b, pos, n, &val);
                if (hs_copy_to_user(uptr + done, &val, n)) {
                    return -EFAULT;
                }
            }
        } else {
            /* The MSI-X table: reads fill with 0xff, writes vanish. */
            uint8_t ones[64];

            n = MIN(MIN(count, x_end - pos), sizeof(ones));
            if (!write) {
                memset(ones, 0xff, n);
                if (hs_copy_to_user(uptr + done, ones, n)) {
                    return -EFAULT;
                }
            }
        }
        count -= n;
        done += n;
        pos += n;
    }
    return done;
}
