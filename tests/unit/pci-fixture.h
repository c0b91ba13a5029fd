/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PCI unit-test fixture: a bare root bus "pcie.0" without a host
 * bridge, whose functions decode into fresh memory and I/O containers
 * seen in system memory through windows at the virt machine's
 * addresses (PCI address = CPU address), a little RAM for DMA, INTx
 * lines whose levels are recorded, and config accesses as a host bridge
 * makes them.  Two endpoint types come with it for tests that need "a
 * function" (see TYPE_PCI_FIXTURE_DEV).
 *
 * Link it into a test by listing the test in `unit_tests_pci` in
 * tests/unit/meson.build.  Call pci_fixture_init() at the start of a
 * test case and pci_fixture_cleanup() at its end; cleanup unrealizes
 * every function and fails the test if anything was left mapped.
 */
#ifndef TESTS_UNIT_PCI_FIXTURE_H
#define TESTS_UNIT_PCI_FIXTURE_H

#include "hw/pci/pci.h"

/* Windows into the bus's containers (identity mapped), as on virt. */
#define PCI_FIXTURE_MMIO_BASE   0x10000000ULL
#define PCI_FIXTURE_MMIO_SIZE   0x2eff0000ULL
#define PCI_FIXTURE_PIO_BASE    0x3eff0000ULL   /* CPU address of I/O 0 */
#define PCI_FIXTURE_PIO_SIZE    0x10000ULL
#define PCI_FIXTURE_MMIO64_BASE 0x8000000000ULL
#define PCI_FIXTURE_MMIO64_SIZE 0x8000000000ULL
/* RAM in system memory for DMA tests. */
#define PCI_FIXTURE_RAM_BASE    0x40000000ULL
#define PCI_FIXTURE_RAM_SIZE    0x100000ULL

/*
 * Test endpoints.  TYPE_PCI_FIXTURE_DEV is conventional (256-byte config
 * space), TYPE_PCIE_FIXTURE_DEV a PCI Express endpoint (4 KiB on a PCIe
 * bus; no PCIe capability is added).  Both: vendor 0x1234 device 0x0b0b
 * revision 0x10 class PCI_CLASS_OTHERS, INTA, and (property "bars", default on)
 * BAR0 32-bit memory 4 KiB, BAR1 I/O 32 bytes, BAR2 64-bit prefetchable
 * memory 1 MiB, ROM 64 KiB.  Every BAR reads and writes a bank of four
 * 32-bit registers repeated over the BAR; register 0 reads
 * PCI_FIXTURE_MAGIC until written.  "fail-realize=on" fails realize.
 */
#define TYPE_PCI_FIXTURE_DEV "x-pci-fixture-dev"
#define TYPE_PCIE_FIXTURE_DEV "x-pcie-fixture-dev"
#define PCI_FIXTURE_VENDOR 0x1234
#define PCI_FIXTURE_DEVICE 0x0b0b
#define PCI_FIXTURE_MAGIC 0x600dcafe

/*
 * A minimal PCI Express bridge (1b36:000c, INTA): writable bus numbers
 * and a PCIE secondary bus named after its id that decodes in its
 * parent's windows; no windows, no capabilities.  For core tests that
 * need a bus hierarchy without pcie-root-port's behaviour.
 */
#define TYPE_PCI_FIXTURE_BRIDGE "x-pci-fixture-bridge"

/* Build the bus (asserts that no fixture is live). */
PCIBus *pci_fixture_init(void);
/* Unrealize everything, free the bus, remove the windows. */
void pci_fixture_cleanup(void);
PCIBus *pci_fixture_bus(void);

/*
 * qdev_new(type) + "addr"=devfn (-1: first free slot) + realize on bus
 * (NULL: pcie.0).  With an id the function is /machine/peripheral/id.
 * Returns the function (owned by the tree) or NULL + error.
 */
PCIDevice *pci_fixture_add(const char *type, PCIBus *bus, int devfn,
                           const char *id, Error **errp);

/* Config access through pcie.0 as a host bridge (bus numbers, ECAM). */
uint32_t pci_fixture_cfg_read(int bus, int devfn, uint32_t off,
                              unsigned len);
void pci_fixture_cfg_write(int bus, int devfn, uint32_t off, uint32_t val,
                           unsigned len);

/* Level of INTx line 0..3 of pcie.0 (INTA..INTD after swizzling). */
int pci_fixture_intx_level(int line);
/* The PCI bus a bridge (or pxb) device owns; asserts it has one. */
PCIBus *pci_fixture_child_bus(PCIDevice *d);
/* The reply of QMP query-pci (a new node; json_node_unref it). */
JsonNode *pci_fixture_query_pci(void);
/* How many times the line was set (to any level) since init. */
int pci_fixture_intx_events(int line);

/* Host pointer to the fixture RAM. */
uint8_t *pci_fixture_ram(void);

#endif
