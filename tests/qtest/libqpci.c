/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqpci: ECAM configuration access, BAR sizing and assignment,
 * capability walks, bridge programming and MSI-X table writes for qtest
 * tests, everything through plain qtest reads and writes of the virt
 * machine's windows.  See libqpci.h.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/pci.h>

#include "libqpci.h"


void qpci_init_virt(QPCIBus *bus, QTestState *qts)
{
    bus->qts = qts;
    bus->ecam_base = QPCI_VIRT_ECAM_BASE;
    bus->ecam_buses = QPCI_VIRT_ECAM_BUSES;
    bus->mmio_next = QPCI_VIRT_MMIO_BASE;
    bus->mmio_end = QPCI_VIRT_MMIO_BASE + QPCI_VIRT_MMIO_SIZE;
    bus->mmio64_next = QPCI_VIRT_MMIO64_BASE;
    bus->mmio64_end = QPCI_VIRT_MMIO64_BASE + QPCI_VIRT_MMIO64_SIZE;
    /* Leave the legacy ISA range of I/O space alone, as firmware does. */
    bus->pio_next = 0x1000;
    bus->pio_end = QPCI_VIRT_PIO_SIZE;
    bus->pio_cpu_base = QPCI_VIRT_PIO_BASE;
}

uint64_t qpci_ecam_addr(QPCIBus *bus, int busnr, int devfn, uint32_t off)
{
    g_assert_cmpint(busnr, >=, 0);
    g_assert_cmpuint(busnr, <, bus->ecam_buses);
    g_assert_cmpint(devfn, >=, 0);
    g_assert_cmpint(devfn, <, 256);
    g_assert_cmpuint(off, <, 0x1000);
    return bus->ecam_base + ((uint64_t)busnr << 20) + ((uint64_t)devfn << 12)
           + off;
}

uint8_t qpci_config_readb(QPCIBus *bus, int busnr, int devfn, uint32_t off)
{
    return qtest_readb(bus->qts, qpci_ecam_addr(bus, busnr, devfn, off));
}

uint16_t qpci_config_readw(QPCIBus *bus, int busnr, int devfn, uint32_t off)
{
    return qtest_readw(bus->qts, qpci_ecam_addr(bus, busnr, devfn, off));
}

uint32_t qpci_config_readl(QPCIBus *bus, int busnr, int devfn, uint32_t off)
{
    return qtest_readl(bus->qts, qpci_ecam_addr(bus, busnr, devfn, off));
}

void qpci_config_writeb(QPCIBus *bus, int busnr, int devfn, uint32_t off,
                        uint8_t val)
{
    qtest_writeb(bus->qts, qpci_ecam_addr(bus, busnr, devfn, off), val);
}

void qpci_config_writew(QPCIBus *bus, int busnr, int devfn, uint32_t off,
                        uint16_t val)
{
    qtest_writew(bus->qts, qpci_ecam_addr(bus, busnr, devfn, off), val);
}

void qpci_config_writel(QPCIBus *bus, int busnr, int devfn, uint32_t off,
                        uint32_t val)
{
    qtest_writel(bus->qts, qpci_ecam_addr(bus, busnr, devfn, off), val);
}

bool qpci_device_present(QPCIBus *bus, int busnr, int devfn)
{
    return qpci_config_readw(bus, busnr, devfn, PCI_VENDOR_ID) != 0xffff;
}

uint64_t qpci_bar_size(QPCIBus *bus, int busnr, int devfn, int bar,
                       uint32_t *type)
{
    uint32_t off = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t orig, lo, hi = 0xffffffff;
    uint64_t mask;
    bool is64;

    g_assert_cmpint(bar, >=, 0);
    g_assert_cmpint(bar, <, 6);
    orig = qpci_config_readl(bus, busnr, devfn, off);
    qpci_config_writel(bus, busnr, devfn, off, 0xffffffff);
    lo = qpci_config_readl(bus, busnr, devfn, off);
    qpci_config_writel(bus, busnr, devfn, off, orig);
    if (type) {
        *type = lo & ((lo & PCI_BASE_ADDRESS_SPACE_IO)
                      ? ~PCI_BASE_ADDRESS_IO_MASK
                      : ~PCI_BASE_ADDRESS_MEM_MASK);
    }
    if (lo == 0) {
        return 0;
    }
    if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
        mask = (lo & PCI_BASE_ADDRESS_IO_MASK) | 0xffffffff00000000ULL;
        /* I/O BARs may implement only 16 address bits. */
        mask |= 0xffff0000u;
        return ~mask + 1;
    }
    is64 = (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
           PCI_BASE_ADDRESS_MEM_TYPE_64;
    if (is64) {
        uint32_t orig_hi = qpci_config_readl(bus, busnr, devfn, off + 4);

        qpci_config_writel(bus, busnr, devfn, off + 4, 0xffffffff);
        hi = qpci_config_readl(bus, busnr, devfn, off + 4);
        qpci_config_writel(bus, busnr, devfn, off + 4, orig_hi);
    }
    mask = ((uint64_t)hi << 32) | (lo & PCI_BASE_ADDRESS_MEM_MASK);
    return ~mask + 1;
}

static uint64_t qpci_alloc(uint64_t *next, uint64_t end, uint64_t size)
{
    uint64_t addr = (*next + size - 1) & ~(size - 1);

    g_assert_cmpuint(addr + size, <=, end);
    *next = addr + size;
    return addr;
}

uint64_t qpci_assign_bar(QPCIBus *bus, int busnr, int devfn, int bar,
                         uint64_t *psize)
{
    uint32_t off = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t type;
    uint64_t size = qpci_bar_size(bus, busnr, devfn, bar, &type);
    uint64_t addr;

    if (psize) {
        *psize = size;
    }
    if (!size) {
        return UINT64_MAX;
    }
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        addr = qpci_alloc(&bus->pio_next, bus->pio_end, size);
        qpci_config_writel(bus, busnr, devfn, off, addr);
        return bus->pio_cpu_base + addr;
    }
    if ((type & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
        PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr = qpci_alloc(&bus->mmio64_next, bus->mmio64_end, size);
        qpci_config_writel(bus, busnr, devfn, off, addr);
        qpci_config_writel(bus, busnr, devfn, off + 4, addr >> 32);
        return addr;
    }
    addr = qpci_alloc(&bus->mmio_next, bus->mmio_end, size);
    qpci_config_writel(bus, busnr, devfn, off, addr);
    return addr;
}

void qpci_device_enable(QPCIBus *bus, int busnr, int devfn)
{
    uint16_t cmd = qpci_config_readw(bus, busnr, devfn, PCI_COMMAND);

    qpci_config_writew(bus, busnr, devfn, PCI_COMMAND,
                       cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                       PCI_COMMAND_MASTER);
}

uint8_t qpci_find_capability(QPCIBus *bus, int busnr, int devfn,
                             uint8_t id, uint8_t start)
{
    uint8_t pos;
    int guard;

    if (!(qpci_config_readw(bus, busnr, devfn, PCI_STATUS) &
          PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    pos = start ? qpci_config_readb(bus, busnr, devfn, start + 1)
                : qpci_config_readb(bus, busnr, devfn, PCI_CAPABILITY_LIST);
    /* At most 48 capabilities fit in the 192 bytes above the header. */
    for (guard = 0; pos && guard < 48; guard++) {
        pos &= ~3;
        if (qpci_config_readb(bus, busnr, devfn, pos) == id) {
            return pos;
        }
        pos = qpci_config_readb(bus, busnr, devfn, pos + 1);
    }
    return 0;
}

uint16_t qpci_find_ext_capability(QPCIBus *bus, int busnr, int devfn,
                                  uint16_t id)
{
    uint16_t pos = 0x100;
    int guard;

    /* At most (4096 - 256) / 4 headers fit in extended config space. */
    for (guard = 0; pos >= 0x100 && guard < 960; guard++) {
        uint32_t hdr = qpci_config_readl(bus, busnr, devfn, pos);

        if (hdr == 0 || hdr == 0xffffffff) {
            return 0;
        }
        if ((hdr & 0xffff) == id) {
            return pos;
        }
        pos = (hdr >> 20) & 0xffc;
    }
    return 0;
}

void qpci_bridge_setup(QPCIBus *bus, int busnr, int devfn, int secondary,
                       int subordinate)
{
    uint64_t mem_lo = QPCI_VIRT_MMIO_BASE;
    uint64_t mem_hi = QPCI_VIRT_MMIO_BASE + QPCI_VIRT_MMIO_SIZE - 1;
    uint64_t pref_lo = QPCI_VIRT_MMIO64_BASE;
    uint64_t pref_hi = QPCI_VIRT_MMIO64_BASE + QPCI_VIRT_MMIO64_SIZE - 1;

    qpci_config_writeb(bus, busnr, devfn, PCI_PRIMARY_BUS, busnr);
    qpci_config_writeb(bus, busnr, devfn, PCI_SECONDARY_BUS, secondary);
    qpci_config_writeb(bus, busnr, devfn, PCI_SUBORDINATE_BUS, subordinate);
    /* I/O window: the whole 64 KiB, 4 KiB granules. */
    qpci_config_writeb(bus, busnr, devfn, PCI_IO_BASE, 0x00);
    qpci_config_writeb(bus, busnr, devfn, PCI_IO_LIMIT, 0xf0);
    qpci_config_writew(bus, busnr, devfn, PCI_IO_BASE_UPPER16, 0);
    qpci_config_writew(bus, busnr, devfn, PCI_IO_LIMIT_UPPER16, 0);
    qpci_bridge_set_mem_window(bus, busnr, devfn, mem_lo, mem_hi);
    /* Prefetchable window: 1 MiB granules, 64-bit. */
    qpci_config_writew(bus, busnr, devfn, PCI_PREF_MEMORY_BASE,
                       (pref_lo >> 16) & 0xfff0);
    qpci_config_writew(bus, busnr, devfn, PCI_PREF_MEMORY_LIMIT,
                       (pref_hi >> 16) & 0xfff0);
    qpci_config_writel(bus, busnr, devfn, PCI_PREF_BASE_UPPER32,
                       pref_lo >> 32);
    qpci_config_writel(bus, busnr, devfn, PCI_PREF_LIMIT_UPPER32,
                       pref_hi >> 32);
    qpci_device_enable(bus, busnr, devfn);
}

void qpci_bridge_set_mem_window(QPCIBus *bus, int busnr, int devfn,
                                uint32_t base, uint32_t limit)
{
    /* 1 MiB granules: bits 31:20 in register bits 15:4. */
    qpci_config_writew(bus, busnr, devfn, PCI_MEMORY_BASE,
                       (base >> 16) & 0xfff0);
    qpci_config_writew(bus, busnr, devfn, PCI_MEMORY_LIMIT,
                       (limit >> 16) & 0xfff0);
}

void qpci_msix_set_vector(QPCIBus *bus, uint64_t table_addr,
                          unsigned vector, uint64_t addr, uint32_t data,
                          bool masked)
{
    uint64_t entry = table_addr + 16 * (uint64_t)vector;

    qtest_writel(bus->qts, entry + 0, (uint32_t)addr);
    qtest_writel(bus->qts, entry + 4, addr >> 32);
    qtest_writel(bus->qts, entry + 8, data);
    qtest_writel(bus->qts, entry + 12, masked ? 1 : 0);
}

void qpci_msix_enable(QPCIBus *bus, int busnr, int devfn, uint8_t cap)
{
    uint16_t flags = qpci_config_readw(bus, busnr, devfn, cap + PCI_MSIX_FLAGS);

    flags |= PCI_MSIX_FLAGS_ENABLE;
    flags &= ~PCI_MSIX_FLAGS_MASKALL;
    qpci_config_writew(bus, busnr, devfn, cap + PCI_MSIX_FLAGS, flags);
}
