/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI Local Bus 3.0, 6.8.2): the 12-byte capability (message
 * control with table size, function mask and enable; table and PBA
 * offset + BAR indicator), the vector table and the pending bit array
 * as MMIO regions placed in the function's BARs.
 *
 * Masking: a vector is masked by its own vector control bit 0 or by the
 * function mask; while MSI-X is disabled the function is treated as
 * masked for the pending logic, but a vector signalled then is dropped
 * (the function would use INTx).  A vector signalled while masked sets
 * its pending bit; when a write to the table or to message control
 * unmasks it, the message goes out and the bit clears.
 */
#include "qemu/osdep.h"
#include "hw/pci/msix.h"
#include "qemu/log.h"
#include "trace/trace-hw_pci.h"

#define MSIX_CAP_SIZE 12
#define MSIX_ENTRIES_MAX (PCI_MSIX_FLAGS_QSIZE + 1)
/* The byte of message control that holds enable and function mask. */
#define MSIX_CONTROL_BYTE (PCI_MSIX_FLAGS + 1)
#define MSIX_ENABLE_BIT (PCI_MSIX_FLAGS_ENABLE >> 8)
#define MSIX_MASKALL_BIT (PCI_MSIX_FLAGS_MASKALL >> 8)

/* The PBA is a whole number of qwords (6.8.2.10). */
static unsigned msix_pba_size(unsigned nentries)
{
    return (nentries + 63) / 64 * 8;
}

static uint8_t msix_control(const PCIDevice *dev)
{
    return dev->config[dev->msix_cap + MSIX_CONTROL_BYTE];
}

static uint8_t *msix_vector_ctrl(PCIDevice *dev, unsigned vector)
{
    return dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE +
           PCI_MSIX_ENTRY_VECTOR_CTRL;
}

static bool msix_vector_masked(PCIDevice *dev, unsigned vector,
                               bool function_masked)
{
    return function_masked ||
           (*msix_vector_ctrl(dev, vector) & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void msix_set_pending(PCIDevice *dev, unsigned vector, bool pending)
{
    uint8_t bit = 1u << (vector % 8);

    if (pending) {
        dev->msix_pba[vector / 8] |= bit;
    } else {
        dev->msix_pba[vector / 8] &= ~bit;
    }
}

bool msix_present(const PCIDevice *dev)
{
    return dev->msix_cap != 0;
}

bool msix_enabled(const PCIDevice *dev)
{
    return msix_present(dev) && (msix_control(dev) & MSIX_ENABLE_BIT);
}

unsigned msix_nr_vectors_allocated(const PCIDevice *dev)
{
    return dev->msix_entries_nr;
}

bool msix_is_masked(PCIDevice *dev, unsigned vector)
{
    if (!msix_present(dev) || vector >= dev->msix_entries_nr) {
        return true;
    }
    return msix_vector_masked(dev, vector, dev->msix_function_masked);
}

bool msix_is_pending(PCIDevice *dev, unsigned vector)
{
    if (!msix_present(dev) || vector >= dev->msix_entries_nr) {
        return false;
    }
    return dev->msix_pba[vector / 8] & (1u << (vector % 8));
}

MSIMessage msix_get_message(PCIDevice *dev, unsigned vector)
{
    uint8_t *entry;
    MSIMessage msg = { 0 };

    if (!msix_present(dev) || vector >= dev->msix_entries_nr) {
        return msg;
    }
    entry = dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE;
    msg.address = pci_get_quad(entry + PCI_MSIX_ENTRY_LOWER_ADDR);
    msg.data = pci_get_long(entry + PCI_MSIX_ENTRY_DATA);
    return msg;
}

void msix_notify(PCIDevice *dev, unsigned vector)
{
    if (!msix_present(dev) || vector >= dev->msix_entries_nr) {
        trace_msix_notify_dropped(dev->name, vector, "no such vector");
        return;
    }
    if (!msix_enabled(dev)) {
        trace_msix_notify_dropped(dev->name, vector, "MSI-X disabled");
        return;
    }
    if (msix_is_masked(dev, vector)) {
        msix_set_pending(dev, vector, true);
        trace_msix_notify_pending(dev->name, vector);
        return;
    }
    msi_send_message(dev, msix_get_message(dev, vector));
}

/* vector's mask state was was_masked: send it if it became unmasked. */
static void msix_mask_changed(PCIDevice *dev, unsigned vector,
                              bool was_masked)
{
    if (!was_masked || msix_is_masked(dev, vector) ||
        !msix_is_pending(dev, vector)) {
        return;
    }
    msix_set_pending(dev, vector, false);
    trace_msix_unmask_pending(dev->name, vector);
    msi_send_message(dev, msix_get_message(dev, vector));
}

static void msix_update_function_masked(PCIDevice *dev)
{
    dev->msix_function_masked = !msix_enabled(dev) ||
                                (msix_control(dev) & MSIX_MASKALL_BIT);
}

void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                       int len)
{
    unsigned pos, vector;
    bool was_masked;

    if (!msix_present(dev)) {
        return;
    }
    pos = dev->msix_cap + MSIX_CONTROL_BYTE;
    if (addr > pos || addr + len <= pos) {
        return;
    }
    was_masked = dev->msix_function_masked;
    msix_update_function_masked(dev);
    trace_msix_control(dev->name, msix_enabled(dev),
                       dev->msix_function_masked);
    if (!msix_enabled(dev)) {
        return;
    }
    /* MSI-X and INTx are mutually exclusive (6.8.3.3). */
    if (dev->irq_state) {
        pci_irq_deassert(dev);
    }
    if (dev->msix_function_masked == was_masked) {
        return;
    }
    for (vector = 0; vector < dev->msix_entries_nr; vector++) {
        msix_mask_changed(dev, vector,
                          msix_vector_masked(dev, vector, was_masked));
    }
}

/* ---- the table and the PBA ---- */

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;
    uint64_t val = size == 8 ? pci_get_quad(dev->msix_table + addr)
                             : pci_get_long(dev->msix_table + addr);

    trace_msix_table_read(dev->name, addr, val, size);
    return val;
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PCIDevice *dev = opaque;
    unsigned vector = addr / PCI_MSIX_ENTRY_SIZE;
    bool was_masked = msix_is_masked(dev, vector);

    trace_msix_table_write(dev->name, addr, val, size);
    /*
     * Vector control bits 31:1 are reserved, and what writing them does
     * is undefined (6.8.2.9): they are kept as written, as QEMU keeps
     * them, so that a guest reads back the same value from both.
     */
    if (size == 8) {
        pci_set_quad(dev->msix_table + addr, val);
    } else {
        pci_set_long(dev->msix_table + addr, val);
    }
    msix_mask_changed(dev, vector, was_masked);
}

/* Table and PBA take dword and qword accesses (6.8.2). */
static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;
    uint64_t val = size == 8 ? pci_get_quad(dev->msix_pba + addr)
                             : pci_get_long(dev->msix_pba + addr);

    trace_msix_pba_read(dev->name, addr, val, size);
    return val;
}

static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    PCIDevice *dev = opaque;

    qemu_log_mask(LOG_GUEST_ERROR,
                  "%s: write of 0x%" PRIx64 " to the read-only MSI-X PBA "
                  "at 0x%" HWADDR_PRIx " ignored\n", dev->name, val, addr);
}

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* Every vector starts masked (6.8.2.9), with nothing pending. */
static void msix_mask_all(PCIDevice *dev)
{
    unsigned vector;

    memset(dev->msix_table, 0, dev->msix_entries_nr * PCI_MSIX_ENTRY_SIZE);
    memset(dev->msix_pba, 0, msix_pba_size(dev->msix_entries_nr));
    for (vector = 0; vector < dev->msix_entries_nr; vector++) {
        *msix_vector_ctrl(dev, vector) = PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
}

int msix_init(PCIDevice *dev, unsigned nentries, MemoryRegion *table_bar,
              uint8_t table_bar_nr, unsigned table_offset,
              MemoryRegion *pba_bar, uint8_t pba_bar_nr,
              unsigned pba_offset, uint8_t cap_pos, Error **errp)
{
    unsigned table_size, pba_size;
    uint8_t *cap;
    int pos;

    if (nentries < 1 || nentries > MSIX_ENTRIES_MAX) {
        error_setg(errp, "The number of MSI-X vectors is invalid");
        return -1;
    }
    table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    pba_size = msix_pba_size(nentries);
    if (table_bar_nr >= PCI_ROM_SLOT || pba_bar_nr >= PCI_ROM_SLOT ||
        (table_bar_nr == pba_bar_nr &&
         table_offset < pba_offset + pba_size &&
         pba_offset < table_offset + table_size) ||
        (uint64_t)table_offset + table_size > memory_region_size(table_bar) ||
        (uint64_t)pba_offset + pba_size > memory_region_size(pba_bar) ||
        ((table_offset | pba_offset) & PCI_MSIX_TABLE_BIR)) {
        error_setg(errp, "table & pba overlap, or they don't fit in BARs,"
                   " or don't align");
        return -1;
    }

    pos = pci_add_capability(dev, PCI_CAP_ID_MSIX, cap_pos, MSIX_CAP_SIZE,
                             errp);
    if (pos < 0) {
        return -1;
    }
    dev->msix_cap = pos;
    cap = dev->config + pos;
    pci_set_word(cap + PCI_MSIX_FLAGS, nentries - 1);
    pci_set_long(cap + PCI_MSIX_TABLE, table_offset | table_bar_nr);
    pci_set_long(cap + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
    /* Only enable and function mask are the guest's. */
    dev->wmask[pos + MSIX_CONTROL_BYTE] = MSIX_ENABLE_BIT | MSIX_MASKALL_BIT;

    dev->msix_entries_nr = nentries;
    dev->msix_table = g_malloc0(table_size);
    dev->msix_pba = g_malloc0(pba_size);
    dev->msix_function_masked = true;
    msix_mask_all(dev);

    memory_region_init_io(&dev->msix_table_mmio, OBJECT(dev),
                          &msix_table_ops, dev, "msix-table", table_size);
    memory_region_add_subregion(table_bar, table_offset,
                                &dev->msix_table_mmio);
    memory_region_init_io(&dev->msix_pba_mmio, OBJECT(dev), &msix_pba_ops,
                          dev, "msix-pba", pba_size);
    memory_region_add_subregion(pba_bar, pba_offset, &dev->msix_pba_mmio);
    return pos;
}

int msix_init_exclusive_bar(PCIDevice *dev, unsigned nentries,
                            uint8_t bar_nr, Error **errp)
{
    g_autofree char *name = NULL;
    uint64_t bar_size = 4 * KiB;
    unsigned pba_offset = bar_size / 2;
    int pos;

    if (nentries < 1 || nentries > MSIX_ENTRIES_MAX) {
        error_setg(errp, "The number of MSI-X vectors is invalid");
        return -1;
    }
    /*
     * QEMU's layout, which guests and migration streams know: a 4 KiB
     * BAR with the table in the lower half and the PBA in the upper
     * half; a table larger than 2 KiB pushes the PBA right after it and
     * the BAR grows to the next power of two.
     */
    if (nentries * PCI_MSIX_ENTRY_SIZE > pba_offset) {
        pba_offset = nentries * PCI_MSIX_ENTRY_SIZE;
    }
    if (pba_offset + msix_pba_size(nentries) > bar_size) {
        bar_size = pba_offset + msix_pba_size(nentries);
        bar_size = 1ull << (64 - __builtin_clzll(bar_size - 1));
    }

    name = g_strdup_printf("%s-msix", dev->name);
    memory_region_init(&dev->msix_exclusive_bar, OBJECT(dev), name,
                       bar_size);
    pos = msix_init(dev, nentries, &dev->msix_exclusive_bar, bar_nr, 0,
                    &dev->msix_exclusive_bar, bar_nr, pba_offset, 0, errp);
    if (pos < 0) {
        memory_region_destroy(&dev->msix_exclusive_bar);
        return -1;
    }
    pci_register_bar(dev, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &dev->msix_exclusive_bar);
    return pos;
}

void msix_uninit(PCIDevice *dev, MemoryRegion *table_bar,
                 MemoryRegion *pba_bar)
{
    if (!msix_present(dev)) {
        return;
    }
    pci_del_capability(dev, PCI_CAP_ID_MSIX, MSIX_CAP_SIZE);
    dev->msix_cap = 0;
    memory_region_del_subregion(pba_bar, &dev->msix_pba_mmio);
    memory_region_destroy(&dev->msix_pba_mmio);
    memory_region_del_subregion(table_bar, &dev->msix_table_mmio);
    memory_region_destroy(&dev->msix_table_mmio);
    g_free(dev->msix_pba);
    dev->msix_pba = NULL;
    g_free(dev->msix_table);
    dev->msix_table = NULL;
    dev->msix_entries_nr = 0;
    dev->msix_function_masked = true;
}

void msix_uninit_exclusive_bar(PCIDevice *dev)
{
    if (!msix_present(dev)) {
        return;
    }
    msix_uninit(dev, &dev->msix_exclusive_bar, &dev->msix_exclusive_bar);
    memory_region_destroy(&dev->msix_exclusive_bar);
}

void msix_reset(PCIDevice *dev)
{
    if (!msix_present(dev)) {
        return;
    }
    dev->config[dev->msix_cap + MSIX_CONTROL_BYTE] &=
        ~(MSIX_ENABLE_BIT | MSIX_MASKALL_BIT);
    dev->msix_function_masked = true;
    msix_mask_all(dev);
}
