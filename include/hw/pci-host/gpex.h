/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gpex ("gpex-pcihost"): the generic PCI Express host bridge of the virt
 * board, as QEMU models it.  It owns the PCI memory space (64-bit), the
 * PCI I/O space (64 KiB) and the root bus "pcie.0", and exposes:
 *
 *   MMIO 0   ECAM: configuration space of x-ecam-size >> 20 buses, the
 *            function at bus B, devfn DF, register R at offset
 *            B << 20 | DF << 12 | R (PCI Firmware Spec 3.x, "Enhanced
 *            Configuration Access Mechanism")
 *   MMIO 1   the PCI memory space (2^64 bytes): the board maps windows of
 *            it with gpex_map_mmio_window() (identity: PCI address ==
 *            CPU address)
 *   MMIO 2   the PCI I/O space: the board maps it where I/O address 0
 *            should appear
 *   IRQ 0-3  INTA..INTD of pcie.0 after the standard swizzle
 *
 * Function 00.0 of pcie.0 is the bridge's own PCI face, "gpex-root"
 * (1b36:0008, class host bridge).  Neither the bridge nor its bus takes
 * hotplugged devices.  Extra root complexes (pxb-pcie) sit on pcie.0 and
 * share its ECAM and address spaces.
 */
#ifndef HW_PCI_HOST_GPEX_H
#define HW_PCI_HOST_GPEX_H

#include "hw/sysbus.h"
#include "hw/pci/pci.h"

#define TYPE_GPEX_HOST "gpex-pcihost"
#define TYPE_GPEX_ROOT_DEVICE "gpex-root"
#define GPEX_HOST(obj) OBJECT_CHECK(GPEXHost, (obj), TYPE_GPEX_HOST)

#define GPEX_NUM_IRQS PCI_NUM_PINS
#define GPEX_PIO_SIZE (64 * KiB)
/* Each bus takes 1 MiB of ECAM (32 devices x 8 functions x 4 KiB). */
#define GPEX_ECAM_BUS_SHIFT 20
#define GPEX_ECAM_DEVFN_SHIFT 12
#define GPEX_ECAM_SIZE_MAX ((hwaddr)PCI_BUS_MAX << GPEX_ECAM_BUS_SHIFT)
/* Windows of the PCI memory space a board may map (low and high). */
#define GPEX_MAX_MMIO_WINDOWS 2

typedef struct GPEXMmioWindow {
    MemoryRegion alias;         /* of GPEXHost.mmio, in system memory */
    bool mapped;
} GPEXMmioWindow;

typedef struct GPEXHost {
    SysBusDevice parent_obj;

    /* Properties */
    uint64_t ecam_size;         /* "x-ecam-size": a multiple of 1 MiB */

    MemoryRegion ecam;
    MemoryRegion mmio;          /* PCI memory space (container) */
    MemoryRegion io;            /* PCI I/O space (container) */
    GPEXMmioWindow windows[GPEX_MAX_MMIO_WINDOWS];
    qemu_irq irq[GPEX_NUM_IRQS];

    /* From realize to unrealize. */
    PCIBus *bus;                /* "pcie.0" */
    PCIDevice *root;            /* "gpex-root" at 00.0 */
} GPEXHost;

/* Buses the ECAM window decodes (bus numbers 0 .. n - 1). */
unsigned gpex_ecam_buses(const GPEXHost *s);

/*
 * Map [base, base + size) of the PCI memory space at the same CPU
 * address (after realize).  Unrealize removes the windows.  False +
 * error when all GPEX_MAX_MMIO_WINDOWS are in use.
 */
bool gpex_map_mmio_window(GPEXHost *s, const char *name, hwaddr base,
                          uint64_t size, Error **errp);

#endif
