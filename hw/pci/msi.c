/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI (PCI Local Bus 3.0, 6.8.1): the capability's registers, their
 * write masks, vector masking with pending bits, and msi_send_message,
 * the bus-master write that both MSI and MSI-X end in.
 *
 * Layout of the capability from its offset (the kernel's PCI_MSI_*):
 *
 *     0x00  id, next           0x02  message control (flags)
 *     0x04  address [31:2]     0x08  data (32-bit) | address [63:32]
 *     0x0c  data (64-bit) or mask bits (32-bit)
 *     0x10  mask (64-bit) or pending (32-bit)   0x14  pending (64-bit)
 *
 * All state lives in config space; the guest writes it through
 * pci_default_write_config, which calls msi_write_config afterwards.
 */
#include "qemu/osdep.h"
#include "hw/pci/msi.h"
#include "qemu/log.h"
#include "trace/trace-hw_pci.h"

#define MSI_VECTORS_MAX 32

/* Capability sizes: 32/64-bit address, without/with per-vector mask. */
#define MSI_SIZEOF_32       0x0a
#define MSI_SIZEOF_64       0x0e
#define MSI_SIZEOF_32_MASK  0x14
#define MSI_SIZEOF_64_MASK  0x18

/* Field positions in the message control word. */
#define MSI_QMASK_SHIFT 1
#define MSI_QSIZE_SHIFT 4

static uint16_t msi_flags(const PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_flags_64bit(uint16_t flags)
{
    return flags & PCI_MSI_FLAGS_64BIT;
}

static uint8_t msi_cap_size(uint16_t flags)
{
    bool mask = flags & PCI_MSI_FLAGS_MASKBIT;

    if (msi_flags_64bit(flags)) {
        return mask ? MSI_SIZEOF_64_MASK : MSI_SIZEOF_64;
    }
    return mask ? MSI_SIZEOF_32_MASK : MSI_SIZEOF_32;
}

static unsigned msi_data_pos(const PCIDevice *dev, uint16_t flags)
{
    return dev->msi_cap +
           (msi_flags_64bit(flags) ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
}

static unsigned msi_mask_pos(const PCIDevice *dev, uint16_t flags)
{
    return dev->msi_cap +
           (msi_flags_64bit(flags) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

static unsigned msi_pending_pos(const PCIDevice *dev, uint16_t flags)
{
    return dev->msi_cap +
           (msi_flags_64bit(flags) ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32);
}

/* Vectors the multiple message enable field asks for (1..32). */
static unsigned msi_qsize_vectors(uint16_t flags)
{
    return 1u << ((flags & PCI_MSI_FLAGS_QSIZE) >> MSI_QSIZE_SHIFT);
}

/* Low bits set for each of nr vectors (nr <= 32). */
static uint32_t msi_vector_bits(unsigned nr)
{
    return nr >= MSI_VECTORS_MAX ? UINT32_MAX : (1u << nr) - 1;
}

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b,
                           uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

int msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors,
             bool msi64bit, bool msi_per_vector_mask, Error **errp)
{
    uint16_t flags;
    unsigned data_pos;
    int pos;

    if (nr_vectors == 0 || nr_vectors > MSI_VECTORS_MAX ||
        (nr_vectors & (nr_vectors - 1))) {
        error_setg(errp, "MSI: %u vectors is not a power of two from 1 "
                   "to 32", nr_vectors);
        return -1;
    }

    flags = __builtin_ctz(nr_vectors) << MSI_QMASK_SHIFT;
    if (msi64bit) {
        flags |= PCI_MSI_FLAGS_64BIT;
    }
    if (msi_per_vector_mask) {
        flags |= PCI_MSI_FLAGS_MASKBIT;
    }

    pos = pci_add_capability(dev, PCI_CAP_ID_MSI, offset,
                             msi_cap_size(flags), errp);
    if (pos < 0) {
        return -1;
    }
    dev->msi_cap = pos;

    /* The new capability is read-only: open what the guest programs. */
    pci_set_word(dev->config + pos + PCI_MSI_FLAGS, flags);
    pci_set_word(dev->wmask + pos + PCI_MSI_FLAGS,
                 PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    /* The address is dword aligned: bits 1:0 are reserved. */
    pci_set_long(dev->wmask + pos + PCI_MSI_ADDRESS_LO, 0xfffffffc);
    if (msi64bit) {
        pci_set_long(dev->wmask + pos + PCI_MSI_ADDRESS_HI, 0xffffffff);
    }
    /* 16 bits of data; extended message data is not implemented. */
    data_pos = msi_data_pos(dev, flags);
    pci_set_word(dev->wmask + data_pos, 0xffff);
    if (msi_per_vector_mask) {
        /* One mask bit per vector; the pending bits are read-only. */
        pci_set_long(dev->wmask + msi_mask_pos(dev, flags),
                     msi_vector_bits(nr_vectors));
    }
    return pos;
}

void msi_uninit(PCIDevice *dev)
{
    if (!msi_present(dev)) {
        return;
    }
    pci_del_capability(dev, PCI_CAP_ID_MSI, msi_cap_size(msi_flags(dev)));
    dev->msi_cap = 0;
}

void msi_reset(PCIDevice *dev)
{
    uint16_t flags;

    if (!msi_present(dev)) {
        return;
    }
    flags = msi_flags(dev) & ~(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    pci_set_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS, flags);
    pci_set_long(dev->config + dev->msi_cap + PCI_MSI_ADDRESS_LO, 0);
    if (msi_flags_64bit(flags)) {
        pci_set_long(dev->config + dev->msi_cap + PCI_MSI_ADDRESS_HI, 0);
    }
    pci_set_word(dev->config + msi_data_pos(dev, flags), 0);
    if (flags & PCI_MSI_FLAGS_MASKBIT) {
        pci_set_long(dev->config + msi_mask_pos(dev, flags), 0);
        pci_set_long(dev->config + msi_pending_pos(dev, flags), 0);
    }
}

bool msi_present(const PCIDevice *dev)
{
    return dev->msi_cap != 0;
}

bool msi_enabled(const PCIDevice *dev)
{
    return msi_present(dev) && (msi_flags(dev) & PCI_MSI_FLAGS_ENABLE);
}

unsigned msi_nr_vectors_allocated(const PCIDevice *dev)
{
    if (!msi_enabled(dev)) {
        return 0;
    }
    return msi_qsize_vectors(msi_flags(dev));
}

bool msi_is_masked(const PCIDevice *dev, unsigned vector)
{
    uint16_t flags;

    if (!msi_present(dev) || vector >= MSI_VECTORS_MAX) {
        return false;
    }
    flags = msi_flags(dev);
    if (!(flags & PCI_MSI_FLAGS_MASKBIT)) {
        return false;
    }
    return pci_get_long(dev->config + msi_mask_pos(dev, flags)) &
           (1u << vector);
}

MSIMessage msi_get_message(PCIDevice *dev, unsigned vector)
{
    uint16_t flags = msi_flags(dev);
    unsigned nr = msi_qsize_vectors(flags);
    uint8_t *cap = dev->config + dev->msi_cap;
    MSIMessage msg = { 0 };

    if (!msi_present(dev)) {
        return msg;
    }
    if (msi_flags_64bit(flags)) {
        msg.address = pci_get_quad(cap + PCI_MSI_ADDRESS_LO);
    } else {
        msg.address = pci_get_long(cap + PCI_MSI_ADDRESS_LO);
    }
    /*
     * With nr vectors enabled the function owns the low log2(nr) bits
     * of the data and puts the vector number there (6.8.1.6).
     */
    msg.data = pci_get_word(dev->config + msi_data_pos(dev, flags));
    msg.data = (msg.data & ~(nr - 1)) | (vector & (nr - 1));
    return msg;
}

void msi_send_message(PCIDevice *dev, MSIMessage msg)
{
    MemTxAttrs attrs = pci_dma_attrs(dev);
    MemTxResult res = MEMTX_ERROR;

    /*
     * MSIs travel without a PASID: an IOMMU finds the doorbell in the
     * function's no-PASID context, where drivers map it.
     */
    attrs.has_pasid = false;
    attrs.pasid = 0;
    /* A message that loops back to the function is dropped. */
    if (pci_bus_master_enter(dev)) {
        address_space_stl_le(pci_get_address_space(dev), msg.address,
                             msg.data, attrs, &res);
        pci_bus_master_exit(dev);
    }
    trace_msi_send_message(dev->name, attrs.requester_id, msg.address,
                           msg.data, memtx_result_str(res));
    if (res != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "%s: MSI write of 0x%" PRIx32 " to 0x%" PRIx64
                      " failed: %s\n", dev->name, msg.data, msg.address,
                      memtx_result_str(res));
    }
}

void msi_notify(PCIDevice *dev, unsigned vector)
{
    uint16_t flags;
    unsigned nr;

    if (!msi_enabled(dev)) {
        trace_msi_notify_dropped(dev->name, vector);
        return;
    }
    flags = msi_flags(dev);
    nr = msi_qsize_vectors(flags);
    /*
     * When the guest enabled fewer vectors than the function has, the
     * function shares the enabled ones between its events (6.8.3.4): the
     * vector number wraps at the enabled count.
     */
    vector &= nr - 1;
    if (msi_is_masked(dev, vector)) {
        unsigned pos = msi_pending_pos(dev, flags);

        pci_set_long(dev->config + pos,
                     pci_get_long(dev->config + pos) | (1u << vector));
        trace_msi_notify_pending(dev->name, vector);
        return;
    }
    msi_send_message(dev, msi_get_message(dev, vector));
}

/*
 * The guest asked for more vectors than the function is capable of:
 * the spec leaves that undefined; grant the capable count.
 */
static uint16_t msi_clamp_qsize(PCIDevice *dev, uint16_t flags)
{
    unsigned qmask = (flags & PCI_MSI_FLAGS_QMASK) >> MSI_QMASK_SHIFT;
    unsigned qsize = (flags & PCI_MSI_FLAGS_QSIZE) >> MSI_QSIZE_SHIFT;

    if (qsize <= qmask) {
        return flags;
    }
    qemu_log_mask(LOG_GUEST_ERROR,
                  "%s: MSI multiple message enable %u exceeds the capable "
                  "%u, using %u\n", dev->name, 1u << qsize, 1u << qmask,
                  1u << qmask);
    flags = (flags & ~PCI_MSI_FLAGS_QSIZE) | (qmask << MSI_QSIZE_SHIFT);
    pci_set_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS, flags);
    return flags;
}

void msi_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
    uint16_t flags;
    unsigned pending_pos, vector, nr;
    uint32_t pending;

    if (!msi_present(dev)) {
        return;
    }
    flags = msi_flags(dev);
    if (!ranges_overlap(addr, len, dev->msi_cap, msi_cap_size(flags))) {
        return;
    }
    trace_msi_write_config(dev->name, addr, val, len, flags);
    if (!(flags & PCI_MSI_FLAGS_ENABLE)) {
        return;
    }
    /*
     * Clamped only while MSI is enabled, as in QEMU: while it is off the
     * field reads back what the guest wrote.
     */
    flags = msi_clamp_qsize(dev, flags);
    /* MSI and INTx are mutually exclusive (6.8.3.3). */
    if (dev->irq_state) {
        pci_irq_deassert(dev);
    }
    if (!(flags & PCI_MSI_FLAGS_MASKBIT)) {
        return;
    }

    /*
     * Forget pending vectors the guest no longer enables, then send the
     * pending ones that this write unmasked.
     */
    nr = msi_qsize_vectors(flags);
    pending_pos = msi_pending_pos(dev, flags);
    pending = pci_get_long(dev->config + pending_pos) & msi_vector_bits(nr);
    pci_set_long(dev->config + pending_pos, pending);
    for (vector = 0; vector < nr; vector++) {
        if (!(pending & (1u << vector)) || msi_is_masked(dev, vector)) {
            continue;
        }
        pending &= ~(1u << vector);
        pci_set_long(dev->config + pending_pos, pending);
        trace_msi_unmask_pending(dev->name, vector);
        msi_send_message(dev, msi_get_message(dev, vector));
    }
}
