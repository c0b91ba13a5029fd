/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of MSI, MSI-X and the PCI Express capability, acting as the
 * guest: test devices defined here are realized on the fixture's root
 * bus, programmed through config space and their BARs, and signal
 * vectors; a recorder mapped in system memory logs each message write
 * with its address, data, size and requester ID.  The tests check the
 * capability layouts and masks, message data, masking with pending bits,
 * the MSI-X table and PBA, drops (disabled, no bus master) and the
 * extended capability list.
 */
#include "qemu/osdep.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "pci-fixture.h"

#define TYPE_X_MSI64 "x-msi64"          /* 64-bit, per-vector mask, 4 */
#define TYPE_X_MSI32 "x-msi32"          /* 32-bit, no mask, 2 vectors */
#define TYPE_X_MSIX "x-msix"            /* MSI-X, 8 vectors, BAR 0 */
#define TYPE_X_MSIX200 "x-msix-200"
#define TYPE_X_MSIX256 "x-msix-256"
#define TYPE_X_PCIE_EP "x-pcie-ep"      /* endpoint, extended caps */
#define TYPE_X_PCIE_RP "x-pcie-rp-cap"  /* root port capability only */

#define MSI64_CAP 0x50
#define EP_EXP_CAP 0x80
#define RP_EXP_CAP 0x40
#define RP_PORT 7

/* The recorder: the ITS doorbell's address, and a 64-bit window. */
#define REC_BASE 0x08080000ull
#define REC_DOORBELL (REC_BASE + 0x10040)
#define REC_SIZE 0x20000
#define REC64_BASE 0x4000000000ull
#define REC64_DOORBELL (REC64_BASE + 0x40)

#define BAR_ADDR (PCI_FIXTURE_MMIO_BASE + 0x100000)

#define DEVFN_A PCI_DEVFN(3, 0)
#define DEVFN_B PCI_DEVFN(4, 0)

/* ---- test devices ---- */

typedef struct XPCIClass {
    PCIDeviceClass parent_class;
    unsigned msix_vectors;
} XPCIClass;

#define X_PCI_GET_CLASS(obj) \
    OBJECT_GET_CLASS(XPCIClass, (obj), TYPE_PCI_DEVICE)

static bool x_msi64_realize(PCIDevice *dev, Error **errp)
{
    return msi_init(dev, MSI64_CAP, 4, true, true, errp) == MSI64_CAP;
}

static bool x_msi32_realize(PCIDevice *dev, Error **errp)
{
    return msi_init(dev, 0, 2, false, false, errp) > 0;
}

static void x_msi_exit(PCIDevice *dev)
{
    msi_uninit(dev);
}

static bool x_msix_realize(PCIDevice *dev, Error **errp)
{
    return msix_init_exclusive_bar(dev, X_PCI_GET_CLASS(dev)->msix_vectors,
                                   0, errp) > 0;
}

static void x_msix_exit(PCIDevice *dev)
{
    msix_uninit_exclusive_bar(dev);
}

static bool x_pcie_ep_realize(PCIDevice *dev, Error **errp)
{
    if (pcie_endpoint_cap_init(dev, EP_EXP_CAP, errp) < 0) {
        return false;
    }
    pcie_cap_deverr_init(dev);
    pcie_add_capability(dev, PCI_EXT_CAP_ID_DSN, 1, 0x100,
                        PCI_EXT_CAP_DSN_SIZEOF);
    pcie_add_capability(dev, PCI_EXT_CAP_ID_VNDR, 1, 0x140, 0x18);
    pcie_add_capability(dev, PCI_EXT_CAP_ID_ARI, 1, 0x180,
                        PCI_EXT_CAP_ARI_SIZEOF);
    return true;
}

static bool x_pcie_rp_realize(PCIDevice *dev, Error **errp)
{
    if (pcie_cap_init(dev, RP_EXP_CAP, PCI_EXP_TYPE_ROOT_PORT, RP_PORT,
                      errp) < 0) {
        return false;
    }
    pcie_cap_root_init(dev);
    return true;
}

static void x_pcie_exit(PCIDevice *dev)
{
    pcie_cap_exit(dev);
}

typedef struct XPCIDesc {
    PCIRealize realize;
    PCIExit exit;
    uint16_t device_id;
    unsigned msix_vectors;
} XPCIDesc;

static void x_pci_class_init(ObjectClass *klass, const void *data)
{
    const XPCIDesc *desc = data;
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = desc->realize;
    pc->exit = desc->exit;
    pc->vendor_id = 0x1234;
    pc->device_id = desc->device_id;
    pc->class_id = 0x00ff;
    ((XPCIClass *)klass)->msix_vectors = desc->msix_vectors;
}

static const XPCIDesc x_descs[] = {
    { x_msi64_realize, x_msi_exit, 0x0101, 0 },
    { x_msi32_realize, x_msi_exit, 0x0102, 0 },
    { x_msix_realize, x_msix_exit, 0x0103, 8 },
    { x_msix_realize, x_msix_exit, 0x0104, 200 },
    { x_msix_realize, x_msix_exit, 0x0105, 256 },
    { x_pcie_ep_realize, x_pcie_exit, 0x0106, 0 },
    { x_pcie_rp_realize, x_pcie_exit, 0x0107, 0 },
};

static const InterfaceInfo x_conventional[] = {
    { INTERFACE_CONVENTIONAL_PCI_DEVICE },
    { }
};

static const InterfaceInfo x_express[] = {
    { INTERFACE_PCIE_DEVICE },
    { }
};

#define X_TYPE(tname, i, ifaces) \
    { \
        .name = tname, \
        .parent = TYPE_PCI_DEVICE, \
        .instance_size = sizeof(PCIDevice), \
        .class_size = sizeof(XPCIClass), \
        .class_init = x_pci_class_init, \
        .class_data = &x_descs[i], \
        .interfaces = ifaces, \
    }

static const TypeInfo x_types[] = {
    X_TYPE(TYPE_X_MSI64, 0, x_conventional),
    X_TYPE(TYPE_X_MSI32, 1, x_conventional),
    X_TYPE(TYPE_X_MSIX, 2, x_express),
    X_TYPE(TYPE_X_MSIX200, 3, x_express),
    X_TYPE(TYPE_X_MSIX256, 4, x_express),
    X_TYPE(TYPE_X_PCIE_EP, 5, x_express),
    X_TYPE(TYPE_X_PCIE_RP, 6, x_express),
};

DEFINE_TYPES(x_types)

/* ---- the message recorder ---- */

typedef struct MsiRecord {
    hwaddr addr;
    uint64_t data;
    unsigned size;
    MemTxAttrs attrs;
} MsiRecord;

typedef struct Recorder {
    MemoryRegion mr;
    MemoryRegion mr64;
    GArray *log;                /* MsiRecord */
} Recorder;

static Recorder rec;

static MemTxResult rec_read(void *opaque, hwaddr addr, uint64_t *data,
                            unsigned size, MemTxAttrs attrs)
{
    *data = 0;
    return MEMTX_OK;
}

static MemTxResult rec_write(void *opaque, hwaddr addr, uint64_t data,
                             unsigned size, MemTxAttrs attrs)
{
    MsiRecord r = {
        .addr = addr + (opaque == &rec.mr64 ? REC64_BASE : REC_BASE),
        .data = data,
        .size = size,
        .attrs = attrs,
    };

    g_array_append_val(rec.log, r);
    return MEMTX_OK;
}

static const MemoryRegionOps rec_ops = {
    .read_with_attrs = rec_read,
    .write_with_attrs = rec_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static unsigned rec_count(void)
{
    return rec.log->len;
}

/* The last message: exactly one 32-bit write to addr from rid. */
static void assert_last_msg(hwaddr addr, uint32_t data, uint16_t rid)
{
    MsiRecord *r;

    g_assert_cmpuint(rec_count(), >, 0);
    r = &g_array_index(rec.log, MsiRecord, rec.log->len - 1);
    g_assert_cmphex(r->addr, ==, addr);
    g_assert_cmphex(r->data, ==, data);
    g_assert_cmpuint(r->size, ==, 4);
    g_assert_true(r->attrs.has_requester_id);
    g_assert_cmphex(r->attrs.requester_id, ==, rid);
}

/* ---- fixture ---- */

static PCIBus *setup(void)
{
    PCIBus *bus = pci_fixture_init();

    rec.log = g_array_new(false, true, sizeof(MsiRecord));
    memory_region_init_io(&rec.mr, NULL, &rec_ops, &rec.mr, "msi-rec",
                          REC_SIZE);
    memory_region_init_io(&rec.mr64, NULL, &rec_ops, &rec.mr64,
                          "msi-rec64", 0x1000);
    memory_region_add_subregion(get_system_memory(), REC_BASE, &rec.mr);
    memory_region_add_subregion(get_system_memory(), REC64_BASE,
                                &rec.mr64);
    return bus;
}

static void teardown(void)
{
    pci_fixture_cleanup();
    memory_region_destroy(&rec.mr);
    memory_region_destroy(&rec.mr64);
    g_array_free(rec.log, true);
    rec.log = NULL;
}

static PCIDevice *add(const char *type, PCIBus *bus, int devfn)
{
    return pci_fixture_add(type, bus, devfn, NULL, &error_abort);
}

static uint32_t cfg_rd(PCIDevice *dev, uint32_t off, unsigned len)
{
    return pci_fixture_cfg_read(0, dev->devfn, off, len);
}

static void cfg_wr(PCIDevice *dev, uint32_t off, uint32_t val, unsigned len)
{
    pci_fixture_cfg_write(0, dev->devfn, off, val, len);
}

static void set_command(PCIDevice *dev, uint16_t cmd)
{
    cfg_wr(dev, PCI_COMMAND, cmd, 2);
}

static uint16_t rid_of(PCIDevice *dev)
{
    return dev->devfn;      /* bus 0 */
}

/* Find a standard capability as a guest does: from PCI_CAPABILITY_LIST. */
static uint8_t guest_find_cap(PCIDevice *dev, uint8_t id)
{
    uint8_t pos = cfg_rd(dev, PCI_CAPABILITY_LIST, 1) & ~3;
    int n;

    if (!(cfg_rd(dev, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    for (n = 0; n < 48 && pos; n++) {
        if (cfg_rd(dev, pos + PCI_CAP_LIST_ID, 1) == id) {
            return pos;
        }
        pos = cfg_rd(dev, pos + PCI_CAP_LIST_NEXT, 1) & ~3;
    }
    return 0;
}

static uint32_t mmio_rd(hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    g_assert_cmpint(address_space_load(&address_space_memory, addr,
                                       MEMTXATTRS_UNSPECIFIED, &v, size),
                    ==, MEMTX_OK);
    return v;
}

static uint64_t mmio_rd64(hwaddr addr)
{
    uint64_t v = 0;

    g_assert_cmpint(address_space_load(&address_space_memory, addr,
                                       MEMTXATTRS_UNSPECIFIED, &v, 8),
                    ==, MEMTX_OK);
    return v;
}

static void mmio_wr(hwaddr addr, uint64_t val, unsigned size)
{
    g_assert_cmpint(address_space_store(&address_space_memory, addr,
                                        MEMTXATTRS_UNSPECIFIED, val, size),
                    ==, MEMTX_OK);
}

/* ---- MSI ---- */

/* MSI of an x-msi64 programmed for nvec vectors at REC_DOORBELL. */
static void msi64_program(PCIDevice *dev, uint16_t data, unsigned log2vec)
{
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_LO, REC_DOORBELL, 4);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_HI, 0, 4);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_DATA_64, data, 2);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_FLAGS,
           (log2vec << 4) | PCI_MSI_FLAGS_ENABLE, 2);
    set_command(dev, PCI_COMMAND_MASTER);
}

static void test_msi64_layout(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI64, bus, DEVFN_A);
    uint8_t cap = MSI64_CAP;

    g_assert_cmpuint(guest_find_cap(dev, PCI_CAP_ID_MSI), ==, cap);
    g_assert_cmpuint(pci_find_capability(dev, PCI_CAP_ID_MSI), ==, cap);
    g_assert_true(msi_present(dev));
    g_assert_false(msi_enabled(dev));
    g_assert_cmpuint(msi_nr_vectors_allocated(dev), ==, 0);
    /* 4 vectors capable (QMASK 2), 64-bit, per-vector mask. */
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_FLAGS, 2), ==, 0x0184);

    /*
     * While MSI is off the multiple message enable field keeps what the
     * guest wrote, as QEMU's does: only an enabled MSI clamps it.
     */
    cfg_wr(dev, cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_QSIZE, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_FLAGS, 2), ==, 0x01f4);
    g_assert_false(msi_enabled(dev));

    /* Writable: QSIZE (clamped to the capable 4) and enable. */
    cfg_wr(dev, cap + PCI_MSI_FLAGS, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_FLAGS, 2), ==, 0x01a5);
    g_assert_true(msi_enabled(dev));
    g_assert_cmpuint(msi_nr_vectors_allocated(dev), ==, 4);
    cfg_wr(dev, cap + PCI_MSI_FLAGS, 0, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_FLAGS, 2), ==, 0x0184);

    /* Address bits 1:0 reserved; 16 data bits; one mask bit a vector. */
    cfg_wr(dev, cap + PCI_MSI_ADDRESS_LO, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_ADDRESS_LO, 4), ==,
                    0xfffffffc);
    cfg_wr(dev, cap + PCI_MSI_ADDRESS_HI, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_ADDRESS_HI, 4), ==,
                    0xffffffff);
    cfg_wr(dev, cap + PCI_MSI_DATA_64, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_DATA_64, 4), ==, 0xffff);
    cfg_wr(dev, cap + PCI_MSI_MASK_64, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_MASK_64, 4), ==, 0xf);
    /* The pending bits are the function's: read-only to the guest. */
    cfg_wr(dev, cap + PCI_MSI_PENDING_64, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_PENDING_64, 4), ==, 0);
    /* The header stays. */
    cfg_wr(dev, cap, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_CAP_LIST_ID, 1), ==,
                    PCI_CAP_ID_MSI);

    msi_reset(dev);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_ADDRESS_LO, 4), ==, 0);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_ADDRESS_HI, 4), ==, 0);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_DATA_64, 2), ==, 0);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_MASK_64, 4), ==, 0);
    teardown();
}

static void test_msi32_layout(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI32, bus, DEVFN_A);
    uint8_t cap = guest_find_cap(dev, PCI_CAP_ID_MSI);

    g_assert_cmpuint(cap, !=, 0);
    g_assert_cmpuint(cap, ==, dev->msi_cap);
    /* 2 vectors, 32-bit, no mask. */
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_FLAGS, 2), ==, 0x0002);
    cfg_wr(dev, cap + PCI_MSI_FLAGS, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_FLAGS, 2), ==, 0x0013);
    /* Data right after the 32-bit address. */
    cfg_wr(dev, cap + PCI_MSI_DATA_32, 0xabcd, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSI_DATA_32, 2), ==, 0xabcd);
    g_assert_false(msi_is_masked(dev, 0));

    cfg_wr(dev, cap + PCI_MSI_ADDRESS_LO, REC_DOORBELL, 4);
    set_command(dev, PCI_COMMAND_MASTER);
    msi_notify(dev, 1);
    assert_last_msg(REC_DOORBELL, 0xabcd, rid_of(dev));
    msi_notify(dev, 0);
    assert_last_msg(REC_DOORBELL, 0xabcc, rid_of(dev));
    g_assert_cmpuint(rec_count(), ==, 2);
    teardown();
}

static void test_msi_send(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI64, bus, DEVFN_A);
    MSIMessage msg;

    msi64_program(dev, 0x1230, 2);
    msi_notify(dev, 2);
    g_assert_cmpuint(rec_count(), ==, 1);
    assert_last_msg(REC_DOORBELL, 0x1232, rid_of(dev));
    msi_notify(dev, 3);
    assert_last_msg(REC_DOORBELL, 0x1233, rid_of(dev));

    /* The vector replaces the low log2(enabled) bits of the data. */
    cfg_wr(dev, MSI64_CAP + PCI_MSI_DATA_64, 0x12ff, 2);
    msi_notify(dev, 1);
    assert_last_msg(REC_DOORBELL, 0x12fd, rid_of(dev));
    msg = msi_get_message(dev, 0);
    g_assert_cmphex(msg.address, ==, REC_DOORBELL);
    g_assert_cmphex(msg.data, ==, 0x12fc);

    /* Two vectors enabled: one bit; vector 3 folds onto vector 1. */
    cfg_wr(dev, MSI64_CAP + PCI_MSI_FLAGS, (1 << 4) | 1, 2);
    g_assert_cmpuint(msi_nr_vectors_allocated(dev), ==, 2);
    msi_notify(dev, 0);
    assert_last_msg(REC_DOORBELL, 0x12fe, rid_of(dev));
    msi_notify(dev, 3);
    assert_last_msg(REC_DOORBELL, 0x12ff, rid_of(dev));

    /* One vector: the data as programmed. */
    cfg_wr(dev, MSI64_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
    msi_notify(dev, 0);
    assert_last_msg(REC_DOORBELL, 0x12ff, rid_of(dev));

    /* A 64-bit address. */
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_LO, (uint32_t)REC64_DOORBELL, 4);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_HI, REC64_DOORBELL >> 32, 4);
    msi_notify(dev, 0);
    assert_last_msg(REC64_DOORBELL, 0x12ff, rid_of(dev));
    g_assert_cmpuint(rec_count(), ==, 7);
    teardown();
}

static void test_msi_drops(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI64, bus, DEVFN_A);

    msi64_program(dev, 0x40, 2);
    msi_notify(dev, 0);
    g_assert_cmpuint(rec_count(), ==, 1);

    /* Bus master off: the write never leaves the function. */
    set_command(dev, 0);
    msi_notify(dev, 0);
    g_assert_cmpuint(rec_count(), ==, 1);

    /* A message to nowhere is survived. */
    set_command(dev, PCI_COMMAND_MASTER);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_LO, 0x1000, 4);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_HI, 0x7fff, 4);
    msi_notify(dev, 0);
    g_assert_cmpuint(rec_count(), ==, 1);

    /* Disabled: dropped, not pending. */
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_LO, REC_DOORBELL, 4);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_ADDRESS_HI, 0, 4);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_FLAGS, 2 << 4, 2);
    g_assert_false(msi_enabled(dev));
    msi_notify(dev, 1);
    g_assert_cmpuint(rec_count(), ==, 1);
    g_assert_cmphex(cfg_rd(dev, MSI64_CAP + PCI_MSI_PENDING_64, 4), ==, 0);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_FLAGS, (2 << 4) | 1, 2);
    g_assert_cmpuint(rec_count(), ==, 1);
    msi_notify(dev, 1);
    assert_last_msg(REC_DOORBELL, 0x41, rid_of(dev));
    teardown();
}

static void test_msi_mask_pending(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI64, bus, DEVFN_A);
    unsigned mask = MSI64_CAP + PCI_MSI_MASK_64;
    unsigned pending = MSI64_CAP + PCI_MSI_PENDING_64;

    msi64_program(dev, 0x100, 2);
    cfg_wr(dev, mask, 0x2, 4);
    g_assert_true(msi_is_masked(dev, 1));
    g_assert_false(msi_is_masked(dev, 0));

    /* Masked: no write, the pending bit instead. */
    msi_notify(dev, 1);
    g_assert_cmpuint(rec_count(), ==, 0);
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0x2);
    msi_notify(dev, 0);
    assert_last_msg(REC_DOORBELL, 0x100, rid_of(dev));
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0x2);

    /* Other mask writes leave it pending; unmasking sends it once. */
    cfg_wr(dev, mask, 0xa, 4);
    g_assert_cmpuint(rec_count(), ==, 1);
    cfg_wr(dev, mask, 0x8, 1);
    g_assert_cmpuint(rec_count(), ==, 2);
    assert_last_msg(REC_DOORBELL, 0x101, rid_of(dev));
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0);
    cfg_wr(dev, mask, 0, 4);
    g_assert_cmpuint(rec_count(), ==, 2);

    /* Pending while the guest enables fewer vectors: dropped then. */
    cfg_wr(dev, mask, 0x8, 4);
    msi_notify(dev, 3);
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0x8);
    cfg_wr(dev, MSI64_CAP + PCI_MSI_FLAGS, (1 << 4) | 1, 2);
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0);
    cfg_wr(dev, mask, 0, 4);
    g_assert_cmpuint(rec_count(), ==, 2);

    /* Reset clears mask and pending. */
    cfg_wr(dev, mask, 0x1, 4);
    msi_notify(dev, 0);
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0x1);
    msi_reset(dev);
    g_assert_cmphex(cfg_rd(dev, pending, 4), ==, 0);
    g_assert_false(msi_is_masked(dev, 0));
    g_assert_false(msi_enabled(dev));
    teardown();
}

static void test_msi_init_errors(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI32, bus, DEVFN_A);
    Error *err = NULL;

    g_assert_cmpint(msi_init(dev, 0, 3, false, false, &err), ==, -1);
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    g_assert_cmpint(msi_init(dev, 0, 64, false, false, &err), ==, -1);
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    g_assert_cmpint(msi_init(dev, 0, 0, false, false, &err), ==, -1);
    g_assert_nonnull(err);
    error_free(err);
    g_assert_cmpuint(pci_find_capability(dev, PCI_CAP_ID_MSI), ==,
                     dev->msi_cap);

    /* Uninit removes the capability from the guest's list. */
    msi_uninit(dev);
    g_assert_false(msi_present(dev));
    g_assert_cmpuint(guest_find_cap(dev, PCI_CAP_ID_MSI), ==, 0);
    msi_notify(dev, 0);
    g_assert_cmpuint(rec_count(), ==, 0);
    teardown();
}

/* ---- MSI-X ---- */

#define MSIX_TABLE BAR_ADDR
#define MSIX_PBA (BAR_ADDR + 0x800)

static hwaddr entry(unsigned vector, unsigned field)
{
    return MSIX_TABLE + vector * PCI_MSIX_ENTRY_SIZE + field;
}

/* Map BAR 0 and turn on memory decoding and bus mastering. */
static void msix_map(PCIDevice *dev)
{
    cfg_wr(dev, PCI_BASE_ADDRESS_0, BAR_ADDR, 4);
    set_command(dev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void msix_program(unsigned vector, hwaddr addr, uint32_t data,
                         bool masked)
{
    mmio_wr(entry(vector, PCI_MSIX_ENTRY_LOWER_ADDR), addr, 8);
    mmio_wr(entry(vector, PCI_MSIX_ENTRY_DATA), data, 4);
    mmio_wr(entry(vector, PCI_MSIX_ENTRY_VECTOR_CTRL), masked, 4);
}

static void msix_control(PCIDevice *dev, uint16_t bits)
{
    cfg_wr(dev, dev->msix_cap + PCI_MSIX_FLAGS, bits, 2);
}

static uint32_t bar_size(PCIDevice *dev, int bar)
{
    uint32_t off = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t old = cfg_rd(dev, off, 4), size;

    cfg_wr(dev, off, 0xffffffff, 4);
    size = ~(cfg_rd(dev, off, 4) & PCI_BASE_ADDRESS_MEM_MASK) + 1;
    cfg_wr(dev, off, old, 4);
    return size;
}

static void test_msix_layout(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSIX, bus, DEVFN_A);
    uint8_t cap = guest_find_cap(dev, PCI_CAP_ID_MSIX);
    unsigned v;

    g_assert_cmpuint(cap, !=, 0);
    g_assert_cmpuint(cap, ==, dev->msix_cap);
    g_assert_true(msix_present(dev));
    g_assert_cmpuint(msix_nr_vectors_allocated(dev), ==, 8);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSIX_FLAGS, 2), ==, 7);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSIX_TABLE, 4), ==, 0x000);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSIX_PBA, 4), ==, 0x800);

    /* One 4 KiB 32-bit memory BAR 0. */
    g_assert_cmphex(cfg_rd(dev, PCI_BASE_ADDRESS_0, 4) & 0xf, ==,
                    PCI_BASE_ADDRESS_SPACE_MEMORY |
                    PCI_BASE_ADDRESS_MEM_TYPE_32);
    g_assert_cmphex(bar_size(dev, 0), ==, 0x1000);

    /* Enable and function mask writable; size and offsets not. */
    cfg_wr(dev, cap, 0xffffffff, 4);
    cfg_wr(dev, cap + PCI_MSIX_TABLE, 0xffffffff, 4);
    cfg_wr(dev, cap + PCI_MSIX_PBA, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, cap, 4), ==,
                    (0xc007u << 16) | PCI_CAP_ID_MSIX |
                    (cfg_rd(dev, cap + 1, 1) << 8));
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSIX_TABLE, 4), ==, 0x000);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_MSIX_PBA, 4), ==, 0x800);
    g_assert_true(msix_enabled(dev));
    g_assert_true(dev->msix_function_masked);
    msix_control(dev, 0);
    g_assert_false(msix_enabled(dev));

    /* Every vector starts masked, address and data zero. */
    msix_map(dev);
    for (v = 0; v < 8; v++) {
        g_assert_true(msix_is_masked(dev, v));
        g_assert_cmphex(mmio_rd(entry(v, PCI_MSIX_ENTRY_VECTOR_CTRL), 4),
                        ==, 1);
        g_assert_cmphex(mmio_rd64(entry(v, PCI_MSIX_ENTRY_LOWER_ADDR)),
                        ==, 0);
        g_assert_cmphex(mmio_rd(entry(v, PCI_MSIX_ENTRY_DATA), 4), ==, 0);
    }
    g_assert_cmphex(mmio_rd64(MSIX_PBA), ==, 0);

    /*
     * 4- and 8-byte table accesses; the reserved control bits keep what
     * was written, as QEMU's table does.
     */
    mmio_wr(entry(5, PCI_MSIX_ENTRY_LOWER_ADDR), 0x1122334455667788ull, 8);
    g_assert_cmphex(mmio_rd(entry(5, PCI_MSIX_ENTRY_LOWER_ADDR), 4), ==,
                    0x55667788);
    g_assert_cmphex(mmio_rd(entry(5, PCI_MSIX_ENTRY_UPPER_ADDR), 4), ==,
                    0x11223344);
    mmio_wr(entry(5, PCI_MSIX_ENTRY_DATA), 0xffffffff00000abcull, 8);
    g_assert_cmphex(mmio_rd64(entry(5, PCI_MSIX_ENTRY_DATA)), ==,
                    0xffffffff00000abcull);
    mmio_wr(entry(5, PCI_MSIX_ENTRY_VECTOR_CTRL), 0xfffffffe, 4);
    g_assert_cmphex(mmio_rd(entry(5, PCI_MSIX_ENTRY_VECTOR_CTRL), 4), ==,
                    0xfffffffe);
    g_assert_cmphex(msix_get_message(dev, 5).address, ==,
                    0x1122334455667788ull);
    g_assert_cmphex(msix_get_message(dev, 5).data, ==, 0xabc);

    /* The PBA is read-only. */
    mmio_wr(MSIX_PBA, 0xffffffff, 4);
    g_assert_cmphex(mmio_rd(MSIX_PBA, 4), ==, 0);
    teardown();
}

static void test_msix_exclusive_bar_sizes(void)
{
    PCIBus *bus = setup();
    PCIDevice *d200 = add(TYPE_X_MSIX200, bus, DEVFN_A);
    PCIDevice *d256 = add(TYPE_X_MSIX256, bus, DEVFN_B);

    /* 200 vectors: 3200-byte table, PBA right after it, still 4 KiB. */
    g_assert_cmphex(cfg_rd(d200, d200->msix_cap + PCI_MSIX_FLAGS, 2), ==,
                    199);
    g_assert_cmphex(cfg_rd(d200, d200->msix_cap + PCI_MSIX_PBA, 4), ==,
                    3200);
    g_assert_cmphex(bar_size(d200, 0), ==, 0x1000);
    /* 256 vectors: 4 KiB table, 32-byte PBA: an 8 KiB BAR. */
    g_assert_cmphex(cfg_rd(d256, d256->msix_cap + PCI_MSIX_PBA, 4), ==,
                    4096);
    g_assert_cmphex(bar_size(d256, 0), ==, 0x2000);
    teardown();
}

static void test_msix_send_mask(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSIX, bus, DEVFN_A);

    msix_map(dev);
    msix_program(2, REC_DOORBELL, 0x22, false);
    msix_program(3, REC_DOORBELL, 0x33, true);
    msix_control(dev, PCI_MSIX_FLAGS_ENABLE);
    g_assert_false(dev->msix_function_masked);

    msix_notify(dev, 2);
    g_assert_cmpuint(rec_count(), ==, 1);
    assert_last_msg(REC_DOORBELL, 0x22, rid_of(dev));

    /* Masked vector 3: pending bit, visible in the PBA. */
    msix_notify(dev, 3);
    g_assert_cmpuint(rec_count(), ==, 1);
    g_assert_true(msix_is_pending(dev, 3));
    g_assert_cmphex(mmio_rd(MSIX_PBA, 4), ==, 0x8);
    g_assert_cmphex(mmio_rd64(MSIX_PBA), ==, 0x8);
    /* Unmasking it through the table sends it and clears the bit. */
    mmio_wr(entry(3, PCI_MSIX_ENTRY_VECTOR_CTRL), 0, 4);
    g_assert_cmpuint(rec_count(), ==, 2);
    assert_last_msg(REC_DOORBELL, 0x33, rid_of(dev));
    g_assert_cmphex(mmio_rd(MSIX_PBA, 4), ==, 0);
    g_assert_false(msix_is_pending(dev, 3));

    /* Masking via an 8-byte data + control write. */
    mmio_wr(entry(3, PCI_MSIX_ENTRY_DATA), (1ull << 32) | 0x34, 8);
    msix_notify(dev, 3);
    g_assert_cmpuint(rec_count(), ==, 2);
    mmio_wr(entry(3, PCI_MSIX_ENTRY_DATA), 0x35, 8);
    assert_last_msg(REC_DOORBELL, 0x35, rid_of(dev));

    /* Function mask: pending until it clears. */
    msix_control(dev, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    g_assert_true(dev->msix_function_masked);
    g_assert_true(msix_is_masked(dev, 2));
    msix_notify(dev, 2);
    msix_notify(dev, 3);
    g_assert_cmpuint(rec_count(), ==, 3);
    g_assert_cmphex(mmio_rd(MSIX_PBA, 4), ==, 0xc);
    /* Vector 2 individually masked too: only 3 goes on clearing. */
    mmio_wr(entry(2, PCI_MSIX_ENTRY_VECTOR_CTRL), 1, 4);
    msix_control(dev, PCI_MSIX_FLAGS_ENABLE);
    g_assert_cmpuint(rec_count(), ==, 4);
    assert_last_msg(REC_DOORBELL, 0x35, rid_of(dev));
    g_assert_cmphex(mmio_rd(MSIX_PBA, 4), ==, 0x4);
    mmio_wr(entry(2, PCI_MSIX_ENTRY_VECTOR_CTRL), 0, 4);
    g_assert_cmpuint(rec_count(), ==, 5);
    assert_last_msg(REC_DOORBELL, 0x22, rid_of(dev));
    g_assert_cmphex(mmio_rd(MSIX_PBA, 4), ==, 0);

    /* A 64-bit message address. */
    msix_program(6, REC64_DOORBELL, 0x66, false);
    msix_notify(dev, 6);
    assert_last_msg(REC64_DOORBELL, 0x66, rid_of(dev));
    g_assert_cmpuint(rec_count(), ==, 6);
    teardown();
}

static void test_msix_drops(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSIX, bus, DEVFN_A);

    msix_map(dev);
    msix_program(1, REC_DOORBELL, 0x11, false);

    /* Disabled: dropped, nothing pending. */
    msix_notify(dev, 1);
    g_assert_cmpuint(rec_count(), ==, 0);
    g_assert_false(msix_is_pending(dev, 1));

    msix_control(dev, PCI_MSIX_FLAGS_ENABLE);
    /* No such vector. */
    msix_notify(dev, 8);
    msix_notify(dev, 1000);
    g_assert_cmpuint(rec_count(), ==, 0);

    /* Bus master off: no write. */
    set_command(dev, PCI_COMMAND_MEMORY);
    msix_notify(dev, 1);
    g_assert_cmpuint(rec_count(), ==, 0);
    set_command(dev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    msix_notify(dev, 1);
    assert_last_msg(REC_DOORBELL, 0x11, rid_of(dev));

    /* Reset: disabled, every vector masked, table cleared. */
    msix_notify(dev, 1);
    mmio_wr(entry(1, PCI_MSIX_ENTRY_VECTOR_CTRL), 1, 4);
    msix_notify(dev, 1);
    g_assert_true(msix_is_pending(dev, 1));
    msix_reset(dev);
    g_assert_false(msix_enabled(dev));
    g_assert_false(msix_is_pending(dev, 1));
    g_assert_true(msix_is_masked(dev, 1));
    g_assert_cmphex(msix_get_message(dev, 1).data, ==, 0);
    g_assert_cmphex(mmio_rd(entry(1, PCI_MSIX_ENTRY_VECTOR_CTRL), 4), ==,
                    1);
    g_assert_cmpuint(rec_count(), ==, 2);
    teardown();
}

static void test_msix_init_errors(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI64, bus, DEVFN_A);
    MemoryRegion bar, small;
    Error *err = NULL;
    static const struct {
        unsigned n, toff, poff;
        uint8_t tbar, pbar;
        bool small_pba;
    } bad[] = {
        { 0, 0, 0x800, 2, 2 },          /* no vectors */
        { 2049, 0, 0x800, 2, 2 },       /* too many */
        { 8, 0, 0x40, 2, 2 },           /* overlap */
        { 8, 0x800, 0x878, 2, 2 },      /* overlap */
        { 8, 0xff8, 0x800, 2, 2 },      /* table past the end */
        { 8, 0, 0x804, 2, 2 },          /* PBA misaligned */
        { 8, 0, 0x10, 2, 3, true },     /* PBA past the end of its BAR */
        { 8, 4, 0x800, 2, 2 },          /* table misaligned */
        { 8, 0, 0x800, 6, 2 },          /* not a BAR */
    };
    unsigned i;

    memory_region_init(&bar, NULL, "bar", 0x1000);
    memory_region_init(&small, NULL, "small", 0x10);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_assert_cmpint(msix_init(dev, bad[i].n, &bar, bad[i].tbar,
                                  bad[i].toff,
                                  bad[i].small_pba ? &small : &bar,
                                  bad[i].pbar, bad[i].poff, 0, &err),
                        ==, -1);
        g_assert_nonnull(err);
        error_free(err);
        err = NULL;
        g_assert_false(msix_present(dev));
    }

    /* Table and PBA in different BARs; uninit takes them out again. */
    g_assert_cmpint(msix_init(dev, 8, &bar, 2, 0x100, &small, 3, 0x8, 0,
                              &error_abort), >, 0);
    g_assert_true(msix_present(dev));
    g_assert_cmphex(cfg_rd(dev, dev->msix_cap + PCI_MSIX_TABLE, 4), ==,
                    0x102);
    g_assert_cmphex(cfg_rd(dev, dev->msix_cap + PCI_MSIX_PBA, 4), ==, 0xb);
    g_assert_true(memory_region_is_mapped(&dev->msix_table_mmio));
    msix_uninit(dev, &bar, &small);
    g_assert_false(msix_present(dev));
    g_assert_cmpuint(guest_find_cap(dev, PCI_CAP_ID_MSIX), ==, 0);
    g_assert_null(bar.subregions);
    g_assert_null(small.subregions);
    memory_region_destroy(&bar);
    memory_region_destroy(&small);
    teardown();
}

/* ---- PCI Express ---- */

static void test_pcie_endpoint(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_PCIE_EP, bus, DEVFN_A);
    uint8_t cap = guest_find_cap(dev, PCI_CAP_ID_EXP);
    uint8_t *devsta;

    g_assert_cmpuint(cap, ==, EP_EXP_CAP);
    g_assert_cmpuint(dev->exp.exp_cap, ==, cap);
    /* Version 2, integrated endpoint on the root bus. */
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_FLAGS, 2), ==,
                    (PCI_EXP_TYPE_RC_END << 4) | 2);
    g_assert_cmpuint(pcie_cap_get_type(dev), ==, PCI_EXP_TYPE_RC_END);
    /* 128-byte payload, 8-bit tags, role-based error reporting. */
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCAP, 4), ==,
                    PCI_EXP_DEVCAP_RBER | PCI_EXP_DEVCAP_EXT_TAG);
    /* Port 0, L0s, x1, 2.5 GT/s; no link reporting for an endpoint. */
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_LNKCAP, 4), ==, 0x411);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_LNKSTA, 2), ==, 0x11);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCAP2, 4), ==, 0x300000);

    /* Read-only registers stay. */
    cfg_wr(dev, cap + PCI_EXP_FLAGS, 0xffff, 2);
    cfg_wr(dev, cap + PCI_EXP_DEVCAP, 0xffffffff, 4);
    cfg_wr(dev, cap + PCI_EXP_LNKCAP, 0xffffffff, 4);
    cfg_wr(dev, cap + PCI_EXP_LNKSTA, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_FLAGS, 2), ==, 0x92);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCAP, 4), ==, 0x8020);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_LNKCAP, 4), ==, 0x411);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_LNKSTA, 2), ==, 0x11);
    /* Error reporting enables and the end-end prefix blocking bit. */
    cfg_wr(dev, cap + PCI_EXP_DEVCTL, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCTL, 2), ==, 0xf);
    cfg_wr(dev, cap + PCI_EXP_DEVCTL2, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCTL2, 2), ==, 0x8000);
    cfg_wr(dev, cap + PCI_EXP_RTCTL, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_RTCTL, 2), ==, 0);

    /* Error detected bits: set by the function, cleared by writing 1. */
    devsta = dev->config + cap + PCI_EXP_DEVSTA;
    pci_set_word(devsta, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
                 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD);
    cfg_wr(dev, cap + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_NFED, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVSTA, 2), ==, 0xd);
    cfg_wr(dev, cap + PCI_EXP_DEVSTA, 0xfff0, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVSTA, 2), ==, 0xd);

    pcie_cap_reset(dev);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCTL, 2), ==, 0);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVSTA, 2), ==, 0);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCTL2, 2), ==, 0);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_LNKSTA, 2), ==, 0x11);
    teardown();
}

static void test_pcie_root_port_cap(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_PCIE_RP, bus, DEVFN_A);
    uint8_t cap = RP_EXP_CAP;

    g_assert_cmpuint(guest_find_cap(dev, PCI_CAP_ID_EXP), ==, cap);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_FLAGS, 2), ==,
                    (PCI_EXP_TYPE_ROOT_PORT << 4) | 2);
    /* Port number in 31:24; data link layer active reporting. */
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_LNKCAP, 4), ==,
                    (RP_PORT << 24) | PCI_EXP_LNKCAP_DLLLARC | 0x411);
    cfg_wr(dev, cap + PCI_EXP_RTCTL, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_RTCTL, 2), ==, 0x7);
    /* Without deverr_init the device control is read-only. */
    cfg_wr(dev, cap + PCI_EXP_DEVCTL, 0xffff, 2);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_DEVCTL, 2), ==, 0);
    pcie_cap_reset(dev);
    g_assert_cmphex(cfg_rd(dev, cap + PCI_EXP_RTCTL, 2), ==, 0);
    /* No extended capabilities: a zero header the guest cannot set. */
    cfg_wr(dev, PCI_CONFIG_SPACE_SIZE, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, PCI_CONFIG_SPACE_SIZE, 4), ==, 0);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_DSN), ==, 0);
    teardown();
}

static void test_pcie_conventional(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_MSI32, bus, DEVFN_A);
    Error *err = NULL;

    g_assert_false(pci_is_express(dev));
    g_assert_cmpint(pcie_cap_init(dev, 0, PCI_EXP_TYPE_ENDPOINT, 0, &err),
                    ==, -1);
    g_assert_nonnull(err);
    error_free(err);
    g_assert_cmpuint(dev->exp.exp_cap, ==, 0);
    g_assert_cmpuint(pci_find_capability(dev, PCI_CAP_ID_EXP), ==, 0);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_DSN), ==, 0);
    teardown();
}

/* Walk the extended list as a guest, returning the ids in order. */
static GString *guest_ext_caps(PCIDevice *dev)
{
    GString *ids = g_string_new("");
    uint32_t pos = PCI_CONFIG_SPACE_SIZE;
    int n;

    for (n = 0; n < 960 && pos >= PCI_CONFIG_SPACE_SIZE; n++) {
        uint32_t header = cfg_rd(dev, pos, 4);

        if (!header) {
            break;
        }
        g_string_append_printf(ids, "%x@%x/v%u ", PCI_EXT_CAP_ID(header),
                               pos, PCI_EXT_CAP_VER(header));
        pos = PCI_EXT_CAP_NEXT(header);
    }
    return ids;
}

static void test_pcie_ext_caps(void)
{
    PCIBus *bus = setup();
    PCIDevice *dev = add(TYPE_X_PCIE_EP, bus, DEVFN_A);
    g_autoptr(GString) before = NULL;
    g_autoptr(GString) middle = NULL;
    g_autoptr(GString) first = NULL;
    uint32_t header;

    /* id 15:0, version 19:16, next 31:20. */
    g_assert_cmphex(cfg_rd(dev, 0x100, 4), ==,
                    (0x140u << 20) | (1 << 16) | PCI_EXT_CAP_ID_DSN);
    g_assert_cmphex(cfg_rd(dev, 0x140, 4), ==,
                    (0x180u << 20) | (1 << 16) | PCI_EXT_CAP_ID_VNDR);
    g_assert_cmphex(cfg_rd(dev, 0x180, 4), ==,
                    (1 << 16) | PCI_EXT_CAP_ID_ARI);
    before = guest_ext_caps(dev);
    g_assert_cmpstr(before->str, ==, "3@100/v1 b@140/v1 e@180/v1 ");
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_DSN), ==,
                     0x100);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_ARI), ==,
                     0x180);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_ERR), ==, 0);

    /* Read-only by default. */
    cfg_wr(dev, 0x100, 0, 4);
    cfg_wr(dev, 0x144, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, 0x100, 4) >> 20, ==, 0x140);
    g_assert_cmphex(cfg_rd(dev, 0x144, 4), ==, 0);

    /* Deleting relinks the list; the first entry leaves a link behind. */
    pcie_del_capability(dev, PCI_EXT_CAP_ID_VNDR, 0x18);
    middle = guest_ext_caps(dev);
    g_assert_cmpstr(middle->str, ==, "3@100/v1 e@180/v1 ");
    pcie_del_capability(dev, PCI_EXT_CAP_ID_DSN, PCI_EXT_CAP_DSN_SIZEOF);
    first = guest_ext_caps(dev);
    g_assert_cmpstr(first->str, ==, "0@100/v0 e@180/v1 ");
    cfg_wr(dev, 0x100, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, 0x100, 4), ==, 0x180u << 20);
    /* The freed room is device-specific space again, then a new cap's. */
    cfg_wr(dev, 0x144, 0x12345678, 4);
    g_assert_cmphex(cfg_rd(dev, 0x144, 4), ==, 0x12345678);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_DSN), ==, 0);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_ARI), ==,
                     0x180);
    /* Room freed by a deletion can take a new capability. */
    pcie_add_capability(dev, PCI_EXT_CAP_ID_ACS, 1, 0x140, 8);
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_ACS), ==,
                     0x140);
    g_assert_cmphex(cfg_rd(dev, 0x180, 4) >> 20, ==, 0x140);
    g_assert_cmphex(cfg_rd(dev, 0x144, 4), ==, 0);
    cfg_wr(dev, 0x144, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(dev, 0x144, 4), ==, 0);

    /* A list that loops on itself ends the walk. */
    header = pci_get_long(dev->config + 0x140);
    pci_set_long(dev->config + 0x140, (header & 0xfffff) | (0x180u << 20));
    g_assert_cmpuint(pcie_find_capability(dev, PCI_EXT_CAP_ID_ERR), ==, 0);
    teardown();
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci-msi/msi/layout-64", test_msi64_layout);
    g_test_add_func("/pci-msi/msi/layout-32", test_msi32_layout);
    g_test_add_func("/pci-msi/msi/send", test_msi_send);
    g_test_add_func("/pci-msi/msi/drops", test_msi_drops);
    g_test_add_func("/pci-msi/msi/mask-pending", test_msi_mask_pending);
    g_test_add_func("/pci-msi/msi/init-errors", test_msi_init_errors);
    g_test_add_func("/pci-msi/msix/layout", test_msix_layout);
    g_test_add_func("/pci-msi/msix/exclusive-bar-sizes",
                    test_msix_exclusive_bar_sizes);
    g_test_add_func("/pci-msi/msix/send-mask", test_msix_send_mask);
    g_test_add_func("/pci-msi/msix/drops", test_msix_drops);
    g_test_add_func("/pci-msi/msix/init-errors", test_msix_init_errors);
    g_test_add_func("/pci-msi/pcie/endpoint", test_pcie_endpoint);
    g_test_add_func("/pci-msi/pcie/root-port", test_pcie_root_port_cap);
    g_test_add_func("/pci-msi/pcie/conventional", test_pcie_conventional);
    g_test_add_func("/pci-msi/pcie/ext-caps", test_pcie_ext_caps);
    ret = g_test_run();
    memory_system_teardown();
    return ret;
}
