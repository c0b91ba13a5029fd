/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqpci: the PCI part of a qtest test's "firmware".  It reaches the
 * virt machine's host bridge through its ECAM window with qtest reads and
 * writes, sizes and assigns BARs from the machine's PCI windows (PCI
 * memory addresses equal CPU addresses there; I/O BARs are offsets in
 * the PIO window), walks capability lists, and programs bridges.  It
 * works the same against QEMU's virt machine, so a test can be checked
 * against the reference (see docs/devel/qtest.rst).
 */
#ifndef LIBQPCI_H
#define LIBQPCI_H

#include "libqtest.h"

/* The virt machine's windows (QEMU 10.0 map, highmem=on). */
#define QPCI_VIRT_ECAM_BASE     0x4010000000ULL /* 256 buses */
#define QPCI_VIRT_ECAM_BUSES    256
#define QPCI_VIRT_MMIO_BASE     0x10000000ULL
#define QPCI_VIRT_MMIO_SIZE     0x2eff0000ULL
#define QPCI_VIRT_PIO_BASE      0x3eff0000ULL   /* CPU address of I/O 0 */
#define QPCI_VIRT_PIO_SIZE      0x10000ULL
#define QPCI_VIRT_MMIO64_BASE   0x8000000000ULL
#define QPCI_VIRT_MMIO64_SIZE   0x8000000000ULL

/* The ITS doorbell MSIs are written to (GITS_TRANSLATER). */
#define QPCI_VIRT_ITS_DOORBELL  (0x08080000ULL + 0x10040)

typedef struct QPCIBus {
    QTestState *qts;
    uint64_t ecam_base;
    unsigned ecam_buses;
    /* Allocators: next free address in each window. */
    uint64_t mmio_next, mmio_end;       /* 32-bit memory */
    uint64_t mmio64_next, mmio64_end;   /* 64-bit (prefetchable) memory */
    uint64_t pio_next, pio_end;         /* I/O, as PCI (bus) addresses */
    uint64_t pio_cpu_base;              /* CPU address of I/O address 0 */
} QPCIBus;

/* A bus for the virt machine's pcie.0 host bridge. */
void qpci_init_virt(QPCIBus *bus, QTestState *qts);

/* ECAM address of (busnr, devfn, off). */
uint64_t qpci_ecam_addr(QPCIBus *bus, int busnr, int devfn, uint32_t off);

uint8_t qpci_config_readb(QPCIBus *bus, int busnr, int devfn, uint32_t off);
uint16_t qpci_config_readw(QPCIBus *bus, int busnr, int devfn, uint32_t off);
uint32_t qpci_config_readl(QPCIBus *bus, int busnr, int devfn, uint32_t off);
void qpci_config_writeb(QPCIBus *bus, int busnr, int devfn, uint32_t off,
                        uint8_t val);
void qpci_config_writew(QPCIBus *bus, int busnr, int devfn, uint32_t off,
                        uint16_t val);
void qpci_config_writel(QPCIBus *bus, int busnr, int devfn, uint32_t off,
                        uint32_t val);

/* True when a function answers at (busnr, devfn) (vendor != 0xffff). */
bool qpci_device_present(QPCIBus *bus, int busnr, int devfn);

/*
 * Size BAR bar (0..5) the way firmware does (write all ones, read back,
 * restore), without assigning it.  Returns the size (0: not
 * implemented); *type gets the low BAR bits (I/O, 64-bit, prefetch).
 */
uint64_t qpci_bar_size(QPCIBus *bus, int busnr, int devfn, int bar,
                       uint32_t *type);
/*
 * Size BAR bar, allocate a naturally aligned range from the matching
 * window (64-bit BARs from the 64-bit window) and program it.  Returns
 * the CPU address to access it at (for I/O BARs: in the PIO window), or
 * UINT64_MAX when the BAR is not implemented; *psize (if not NULL) gets
 * its size.
 */
uint64_t qpci_assign_bar(QPCIBus *bus, int busnr, int devfn, int bar,
                         uint64_t *psize);
/* Set memory, I/O and bus-master enable in the command register. */
void qpci_device_enable(QPCIBus *bus, int busnr, int devfn);

/*
 * Offset of the first capability id after start (0: from the list head),
 * 0 if none.  Extended capabilities: qpci_find_ext_capability.
 */
uint8_t qpci_find_capability(QPCIBus *bus, int busnr, int devfn,
                             uint8_t id, uint8_t start);
uint16_t qpci_find_ext_capability(QPCIBus *bus, int busnr, int devfn,
                                  uint16_t id);

/*
 * Program a bridge (type 1 header) at (busnr, devfn) as firmware would:
 * primary = busnr, secondary and subordinate as given, and its memory,
 * prefetchable and I/O windows opened over the machine's whole windows
 * (a simplification: sibling bridges then overlap, which the model
 * resolves by decoding each BAR where it is), then memory, I/O and
 * bus-master enable.
 */
void qpci_bridge_setup(QPCIBus *bus, int busnr, int devfn, int secondary,
                       int subordinate);
/* Set a bridge's non-prefetchable memory window to [base, limit]. */
void qpci_bridge_set_mem_window(QPCIBus *bus, int busnr, int devfn,
                                uint32_t base, uint32_t limit);

/*
 * MSI-X of (busnr, devfn), whose table BAR is already assigned at
 * table_bar_addr: program vector's address and data, and its mask bit.
 */
void qpci_msix_set_vector(QPCIBus *bus, uint64_t table_addr,
                          unsigned vector, uint64_t addr, uint32_t data,
                          bool masked);
/* Enable MSI-X (and clear the function mask) at capability cap. */
void qpci_msix_enable(QPCIBus *bus, int busnr, int devfn, uint8_t cap);

#endif
