/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI core: buses, functions and their configuration space, BARs,
 * legacy INTx, bus-master DMA, and PCIIOMMUOps, the hook through which a
 * virtual IOMMU gives each function its DMA address space and learns,
 * at realize time, what the host IOMMU behind an assigned device allows.
 *
 * A function's configuration space is 256 bytes (conventional) or 4 KiB
 * (a PCI Express function on a PCI Express bus).  Each byte has a write
 * mask (bits the guest may change), a write-1-to-clear mask, and a
 * "used" marker for the bytes a capability occupies; reserved bits read
 * as zero because they are never writable.  Register offsets and bit
 * names are the kernel's, from <linux/pci_regs.h>.
 *
 * Buses: a root bus belongs to a host bridge (gpex's "pcie.0") or to a
 * pxb-pcie (its own root complex, with a fixed bus number); a secondary
 * bus belongs to a PCI-PCI bridge (a root port), and its number is what
 * the guest programmed into the bridge.  docs/devel/pci.rst describes
 * the model and how it differs from QEMU's.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <linux/pci.h>          /* PCI_DEVFN, PCI_SLOT, PCI_FUNC */
#include <linux/pci_regs.h>

#include "hw/qdev-core.h"
#include "system/memory.h"
#include "system/dma.h"
#include "hw/pci/pci_ids.h"
#include "hw/pci/pcie.h"

#define TYPE_PCI_DEVICE "pci-device"
#define TYPE_PCI_BUS "PCI"
#define TYPE_PCIE_BUS "PCIE"
/* Interfaces a device type implements to say what it is. */
#define INTERFACE_PCIE_DEVICE "pci-express-device"
#define INTERFACE_CONVENTIONAL_PCI_DEVICE "conventional-pci-device"

typedef struct PCIDevice PCIDevice;
typedef struct PCIDeviceClass PCIDeviceClass;
typedef struct PCIBus PCIBus;
typedef struct PCIBusClass PCIBusClass;
/* An assigned device's view of its host IOMMU (backends/). */
typedef struct HostIOMMUDevice HostIOMMUDevice;

#define PCI_DEVICE(obj) OBJECT_CHECK(PCIDevice, (obj), TYPE_PCI_DEVICE)
#define PCI_DEVICE_CLASS(klass) \
    OBJECT_CLASS_CHECK(PCIDeviceClass, (klass), TYPE_PCI_DEVICE)
#define PCI_DEVICE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(PCIDeviceClass, (obj), TYPE_PCI_DEVICE)
#define PCI_BUS(obj) OBJECT_CHECK(PCIBus, (obj), TYPE_PCI_BUS)
#define PCI_BUS_CLASS(klass) \
    OBJECT_CLASS_CHECK(PCIBusClass, (klass), TYPE_PCI_BUS)
#define PCI_BUS_GET_CLASS(obj) \
    OBJECT_GET_CLASS(PCIBusClass, (obj), TYPE_PCI_BUS)

#define PCI_CONFIG_SPACE_SIZE 0x100
#define PCIE_CONFIG_SPACE_SIZE 0x1000
#define PCI_SLOT_MAX 32
#define PCI_FUNC_MAX 8
#define PCI_DEVFN_MAX (PCI_SLOT_MAX * PCI_FUNC_MAX)
#define PCI_BUS_MAX 256
#define PCI_NUM_PINS 4              /* INTA..INTD */
/* Bit 7 of PCI_HEADER_TYPE: the slot has functions 1-7 too. */
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80

/* BARs 0..5 and the expansion ROM. */
#define PCI_ROM_SLOT 6
#define PCI_NUM_REGIONS 7

typedef uint64_t pcibus_t;
#define PCI_BAR_UNMAPPED (~(pcibus_t)0)

/* ---- config space accessors (little-endian, unaligned) ---- */

static inline void pci_set_byte(uint8_t *config, uint8_t val)
{
    config[0] = val;
}

static inline uint8_t pci_get_byte(const uint8_t *config)
{
    return config[0];
}

static inline void pci_set_word(uint8_t *config, uint16_t val)
{
    config[0] = val;
    config[1] = val >> 8;
}

static inline uint16_t pci_get_word(const uint8_t *config)
{
    return config[0] | (uint16_t)config[1] << 8;
}

static inline void pci_set_long(uint8_t *config, uint32_t val)
{
    pci_set_word(config, val);
    pci_set_word(config + 2, val >> 16);
}

static inline uint32_t pci_get_long(const uint8_t *config)
{
    return pci_get_word(config) | (uint32_t)pci_get_word(config + 2) << 16;
}

static inline void pci_set_quad(uint8_t *config, uint64_t val)
{
    pci_set_long(config, val);
    pci_set_long(config + 4, val >> 32);
}

static inline uint64_t pci_get_quad(const uint8_t *config)
{
    return pci_get_long(config) | (uint64_t)pci_get_long(config + 4) << 32;
}

/* ---- PCIIOMMUOps ---- */

/* Bits of get_viommu_flags. */
#define VIOMMU_FLAG_WANT_NESTING_PARENT (1ULL << 0)

/*
 * What a virtual IOMMU provides to the functions below a bus.  Set with
 * pci_setup_iommu() on a root bus (or any bus); a function uses the ops
 * of the nearest bus at or above its own that has them, searching no
 * further than its root complex: a function below a pxb-pcie never uses
 * pcie.0's IOMMU.  bus and devfn identify the requester (the function's
 * own bus and devfn), so the IOMMU computes the StreamID as
 * pci_bus_num(bus) << 8 | devfn when it needs it (bus numbers behind a
 * root port change when the guest programs the port).
 */
typedef struct PCIIOMMUOps {
    /* The function's DMA address space (required). */
    AddressSpace *(*get_address_space)(PCIBus *bus, void *opaque,
                                       int devfn);
    /*
     * An assigned function tells the IOMMU about its host IOMMU before
     * the guest can see it; false + error refuses the function.
     */
    bool (*set_iommu_device)(PCIBus *bus, void *opaque, int devfn,
                             HostIOMMUDevice *hiod, Error **errp);
    void (*unset_iommu_device)(PCIBus *bus, void *opaque, int devfn);
    /* VIOMMU_FLAG_* the IOMMU wants from assigned devices' backends. */
    uint64_t (*get_viommu_flags)(void *opaque);
    /*
     * May the function at devfn sit behind this IOMMU at all?  Called
     * when the function is realized (so also on hotplug); false + error
     * fails the realize.  NULL: every function is accepted.
     */
    bool (*supports_address_space)(PCIBus *bus, void *opaque, int devfn,
                                   Error **errp);
} PCIIOMMUOps;

void pci_setup_iommu(PCIBus *bus, const PCIIOMMUOps *ops, void *opaque);
/* Undo pci_setup_iommu (IOMMU unrealize). */
void pci_clear_iommu(PCIBus *bus);

/*
 * The DMA address space an IOMMU gives one requester (bus, devfn): rooted
 * at an IOMMU region over the whole address space, whose translate
 * callback finds the requester and its IOMMU (opaque) with
 * container_of(iommu, PCIIOMMUSpace, iommu).  The StreamID / requester ID
 * is pci_bus_num(bus) << 8 | devfn at the time of each access.
 */
typedef struct PCIIOMMUSpace {
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    void *opaque;               /* the IOMMU */
    PCIBus *bus;                /* the requester's own bus */
    int devfn;
} PCIIOMMUSpace;

/* An IOMMU's table of spaces; unref it after pci_clear_iommu(). */
GPtrArray *pci_iommu_spaces_new(void);
/*
 * For get_address_space: the space of (bus, devfn) in spaces, created on
 * first use with translate ops ops, owned by owner and named
 * "<prefix>-<bus>-<slot>.<fn>".
 */
PCIIOMMUSpace *pci_iommu_space_get(GPtrArray *spaces, PCIBus *bus, int devfn,
                                   Object *owner,
                                   const IOMMUMemoryRegionOps *ops,
                                   void *opaque, const char *prefix);

/* ---- functions ---- */

/* One BAR (or the ROM): where the guest put it and what backs it. */
typedef struct PCIIORegion {
    pcibus_t addr;              /* PCI_BAR_UNMAPPED when not decoded */
    pcibus_t size;              /* power of two; 0: BAR not implemented */
    uint8_t type;               /* PCI_BASE_ADDRESS_SPACE_* | MEM_* bits */
    MemoryRegion *memory;       /* the device's region */
    MemoryRegion *address_space;    /* where it is mapped: bus mem or io */
} PCIIORegion;

typedef bool (*PCIRealize)(PCIDevice *dev, Error **errp);
typedef void (*PCIExit)(PCIDevice *dev);
typedef uint32_t (*PCIConfigRead)(PCIDevice *dev, uint32_t addr, int len);
typedef void (*PCIConfigWrite)(PCIDevice *dev, uint32_t addr, uint32_t val,
                               int len);

struct PCIDeviceClass {
    DeviceClass parent_class;

    /*
     * Called by the core's realize after config space, IDs, the bus
     * master address space and the IOMMU check are in place; undone by
     * exit (also when a later realize step fails).
     */
    PCIRealize realize;
    PCIExit exit;
    /* NULL: pci_default_read_config / pci_default_write_config. */
    PCIConfigRead config_read;
    PCIConfigWrite config_write;
    /* Reset of the device's own state (after the core reset config). */
    void (*reset)(PCIDevice *dev);

    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;          /* base class << 8 | subclass */
    uint16_t subsystem_vendor_id;   /* 0: QEMU's defaults */
    uint16_t subsystem_id;
    bool is_bridge;             /* header type 1 */
};

struct PCIDevice {
    DeviceState qdev;

    /* Configuration space and its masks, config_size bytes each. */
    uint8_t *config;
    uint8_t *wmask;             /* 1: the guest may write the bit */
    uint8_t *w1cmask;           /* 1: writing 1 clears the bit */
    uint8_t *used;              /* nonzero: byte belongs to a capability */
    uint32_t config_size;

    /* Properties */
    int32_t devfn;              /* "addr"; -1: first free slot */
    bool multifunction;         /* "multifunction" */

    PCIBus *bus;                /* set from realize to unrealize */
    char name[64];              /* type name, for traces */
    PCIIORegion io_regions[PCI_NUM_REGIONS];

    /*
     * Bus-master DMA goes through bus_master_as: a container holding an
     * alias of the IOMMU's address space root (or system memory), which
     * is enabled only while PCI_COMMAND_MASTER is set.
     */
    AddressSpace bus_master_as;
    MemoryRegion bus_master_container_region;
    MemoryRegion bus_master_enable_region;
    AddressSpace *iommu_as;     /* what the IOMMU (or none) gave us */
    /*
     * The PASID (SMMU SubstreamID) the function's DMA carries, -1 for
     * none (the default); a device model may offer it as a property.
     */
    int32_t dma_pasid;
    /* A bus-master access of this function is in progress. */
    bool bus_master_busy;
    /*
     * The slot powers the function (pci_set_power): true from realize
     * on, unless a slot's power controller is off.
     */
    bool has_power;

    /* INTx: bit n set = pin n asserted by the device. */
    uint8_t irq_state;

    /* MSI (hw/pci/msi.c): capability offset, 0 if none. */
    uint8_t msi_cap;

    /* MSI-X (hw/pci/msix.c) */
    uint8_t msix_cap;           /* capability offset, 0 if none */
    uint16_t msix_entries_nr;
    uint8_t *msix_table;        /* msix_entries_nr * 16 bytes */
    uint8_t *msix_pba;
    MemoryRegion msix_table_mmio;
    MemoryRegion msix_pba_mmio;
    MemoryRegion msix_exclusive_bar;    /* msix_init_exclusive_bar */
    bool msix_function_masked;  /* cached: disabled or function mask */

    /* PCI Express (hw/pci/pcie.c) */
    PCIExpressDevice exp;
};

/* ---- buses ---- */

typedef void (*pci_set_irq_fn)(void *opaque, int irq_num, int level);
typedef int (*pci_map_irq_fn)(PCIDevice *dev, int pin);

struct PCIBusClass {
    BusClass parent_class;
    /* A root complex (gpex's bus, a pxb-pcie's bus). */
    bool is_root;
};

struct PCIBus {
    BusState qbus;

    /* The bridge or pxb-pcie that owns this bus; NULL for a host root. */
    PCIDevice *parent_dev;
    uint8_t devfn_min;
    uint8_t root_bus_nr;        /* root buses: their fixed number */
    PCIDevice *devices[PCI_DEVFN_MAX];

    /* Where BARs of functions on this bus are mapped. */
    MemoryRegion *address_space_mem;
    MemoryRegion *address_space_io;

    /* IOMMU (see PCIIOMMUOps) */
    const PCIIOMMUOps *iommu_ops;
    void *iommu_opaque;

    /*
     * INTx: map_irq turns a function's pin into one of this bus's nirq
     * lines; a bus with set_irq (the root) delivers the line, a bus
     * without forwards it to its parent_dev's bus (bridge swizzling).
     */
    pci_map_irq_fn map_irq;
    pci_set_irq_fn set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count;             /* nirq counters of asserted sources */
};

/*
 * A new root bus named name (e.g. "pcie.0") of type typename (a subtype
 * of TYPE_PCI_BUS whose class says is_root) below parent, decoding BARs
 * into mem and io; functions go at devfn_min and up.
 */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min, const char *typename);
/* Free a root bus (its devices must be gone). */
void pci_root_bus_free(PCIBus *bus);
/* INTx delivery for a root bus: nirq lines. */
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, void *opaque,
                  int nirq);
void pci_bus_map_irqs(PCIBus *bus, pci_map_irq_fn map_irq);
/* The standard swizzle: (pin + slot) % 4. */
int pci_swizzle_map_irq_fn(PCIDevice *dev, int pin);

bool pci_bus_is_root(PCIBus *bus);
/*
 * The root bus of a root complex named name (pcie.0 or a pxb-pcie's bus),
 * for devices that attach to one (IOMMUs): "Bus 'x' not found" or "Bus
 * 'x' is not a PCI root complex" otherwise.
 */
PCIBus *pci_root_bus_by_name(const char *name, Error **errp);
bool pci_bus_is_express(PCIBus *bus);
/* The bus's number: fixed for roots, the bridge's secondary bus else. */
int pci_bus_num(PCIBus *bus);
/* [first, last] bus numbers at and below bus (from bridge registers). */
void pci_bus_range(PCIBus *bus, int *first, int *last);
/* The root bus of bus's root complex (a pxb's bus for buses below it). */
PCIBus *pci_bus_get_root(PCIBus *bus);
/*
 * The bus numbered bus_num at or below root, following bridges whose
 * [secondary, subordinate] range holds it and pxb-pcie root buses;
 * NULL if none.
 */
PCIBus *pci_find_bus_nr(PCIBus *root, int bus_num);
PCIDevice *pci_find_device(PCIBus *root, int bus_num, uint8_t devfn);
/* Call fn for each function on bus (not below it), in devfn order. */
void pci_for_each_device_on_bus(PCIBus *bus,
                                void (*fn)(PCIBus *b, PCIDevice *d,
                                           void *opaque),
                                void *opaque);
/* Call fn for each bus at and below bus, parents before children. */
void pci_for_each_bus(PCIBus *bus, void (*fn)(PCIBus *b, void *opaque),
                      void *opaque);
/* Call fn for every root bus (host bridges, pxb-pcie), newest first. */
void pci_for_each_root_bus(void (*fn)(PCIBus *b, void *opaque),
                           void *opaque);
/* Level (0 or 1) of line irq_num of a bus that delivers INTx. */
int pci_bus_get_irq_level(PCIBus *bus, int irq_num);

/*
 * Configuration access as a host bridge performs it (ECAM): a function
 * that does not exist reads as all ones and ignores writes, as do
 * functions 1-7 of a slot whose function 0 is absent; offsets past the
 * function's config_size read as all ones; len is 1, 2 or 4 and addr
 * aligned to it (the bridge splits other accesses).
 */
uint32_t pci_host_config_read(PCIBus *root, int bus_num, int devfn,
                              uint32_t addr, unsigned len);
void pci_host_config_write(PCIBus *root, int bus_num, int devfn,
                           uint32_t addr, uint32_t val, unsigned len);

/* ---- inside a function ---- */

PCIBus *pci_get_bus(const PCIDevice *dev);
static inline bool pci_is_express(const PCIDevice *dev)
{
    return dev->config_size == PCIE_CONFIG_SPACE_SIZE;
}
/* bus number << 8 | devfn: the requester ID and, 1:1, the StreamID. */
uint16_t pci_requester_id(PCIDevice *dev);
/*
 * Function 0 of dev's slot (the function at devfn 0 below a PCI Express
 * port, where only device 0 exists), or NULL.
 */
PCIDevice *pci_get_function_0(PCIDevice *dev);
/* Config space offset of BAR region_num (ROM: 0x30, or 0x38 if type 1). */
int pci_bar(PCIDevice *dev, int region_num);

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len);
/*
 * Apply masks, then act on what changed: BAR and command writes remap
 * BARs, the master bit gates DMA, INTx disable, and MSI / MSI-X
 * capability writes (msi_write_config, msix_write_config).
 */
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len);
/* Reset the core state: command, status, BARs, INTx, MSI, MSI-X. */
void pci_device_reset(PCIDevice *dev);
/*
 * Power the function on or off, as a slot's power controller does
 * (QEMU's pci_set_power): without power it answers no configuration
 * request (reads all ones), decodes no BAR and masters nothing, and
 * losing power resets it (and whatever is below it).
 */
void pci_set_power(PCIDevice *dev, bool on);

/*
 * Declare BAR region_num (0..5, or PCI_ROM_SLOT) backed by memory, whose
 * size (a power of two) is the BAR's; type is PCI_BASE_ADDRESS_SPACE_IO
 * or PCI_BASE_ADDRESS_SPACE_MEMORY with PCI_BASE_ADDRESS_MEM_TYPE_64 /
 * PCI_BASE_ADDRESS_MEM_PREFETCH.  Call in realize.
 */
void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type,
                      MemoryRegion *memory);
pcibus_t pci_get_bar_addr(PCIDevice *dev, int region_num);

/*
 * Standard capabilities: add cap_id with size bytes at offset (0: the
 * first free dword-aligned room above the header).  Returns the offset,
 * or -1 + error when it overlaps another capability or does not fit.
 */
int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp);
void pci_del_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size);
/* Offset of the first capability cap_id, 0 if none. */
uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id);

/* INTx: level of the function's pin (from PCI_INTERRUPT_PIN). */
void pci_set_irq(PCIDevice *dev, int level);
static inline void pci_irq_assert(PCIDevice *dev)
{
    pci_set_irq(dev, 1);
}
static inline void pci_irq_deassert(PCIDevice *dev)
{
    pci_set_irq(dev, 0);
}
/* Lower all four pins (reset, unrealize). */
void pci_device_deassert_intx(PCIDevice *dev);

/* ---- DMA and the IOMMU ---- */

/* The function's DMA address space (gated by the master bit). */
AddressSpace *pci_get_address_space(PCIDevice *dev);
/* What the IOMMU ops (or none: system memory) give this function. */
AddressSpace *pci_device_iommu_address_space(PCIDevice *dev);
/*
 * The bus whose ops serve dev, and the requester bus/devfn to pass them;
 * false if no IOMMU is above dev in its root complex.
 */
bool pci_device_get_iommu_bus_devfn(PCIDevice *dev, PCIBus **iommu_bus,
                                    PCIBus **req_bus, int *req_devfn);
bool pci_device_set_iommu_device(PCIDevice *dev, HostIOMMUDevice *hiod,
                                 Error **errp);
void pci_device_unset_iommu_device(PCIDevice *dev);
/* The IOMMU's VIOMMU_FLAG_* (0 without an IOMMU or the hook). */
uint64_t pci_device_get_viommu_flags(PCIDevice *dev);

/*
 * Bracket one bus-master access of dev (a DMA transfer, an MSI write).
 * Enter returns false, with nothing to undo, when dev has one in
 * progress already: its write came back to it (through its own BAR, or
 * other functions' MSIs), which would recurse without end; the caller
 * fails the access with MEMTX_ERROR, as QEMU's re-entrancy guard
 * does.  pci_dma_read/pci_dma_write and msi_send_message bracket
 * themselves.
 */
bool pci_bus_master_enter(PCIDevice *dev);
void pci_bus_master_exit(PCIDevice *dev);
/*
 * Is some function's bus-master access in progress?  Then the function
 * that issued it is on the stack: a guest request that would unrealize
 * functions (a slot powered off) must wait until it has returned.
 */
bool pci_bus_master_in_progress(void);

/* The attributes of dev's DMA: its requester ID, and dma_pasid if set. */
MemTxAttrs pci_dma_attrs(PCIDevice *dev);
MemTxResult pci_dma_read(PCIDevice *dev, dma_addr_t addr, void *buf,
                         dma_addr_t len);
MemTxResult pci_dma_write(PCIDevice *dev, dma_addr_t addr, const void *buf,
                          dma_addr_t len);

#endif
