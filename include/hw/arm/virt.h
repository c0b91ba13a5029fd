/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "virt" machine's public face: its guest-physical memory map and
 * interrupt numbers (the same as QEMU 10.0's virt board, so firmware and
 * guests see the addresses they expect), the machine state, and the API
 * through which devices created after the board (the PCIe host bridge,
 * the SMMUv3, virtio-iommu) find their addresses and interrupt lines and
 * add their nodes to the device tree.  docs/system/arm-virt.rst
 * describes the machine for users.
 */
#ifndef HW_ARM_VIRT_H
#define HW_ARM_VIRT_H

#include "hw/boards.h"
#include "hw/arm/fdt.h"
#include "system/memory.h"

#define TYPE_VIRT_MACHINE MACHINE_TYPE_NAME("virt")

/* One region of the memory map. */
typedef struct MemMapEntry {
    hwaddr base;
    hwaddr size;
} MemMapEntry;

/*
 * Regions of the memory map, indexes into VirtMachineState.memmap.  The
 * addresses are in hw/arm/virt-memmap.c (drawn there); the regions from
 * VIRT_LOWMEMMAP_LAST on are placed above RAM when the machine is built.
 */
typedef enum VirtMemMapId {
    VIRT_FLASH,
    VIRT_CPUPERIPHS,
    VIRT_GIC_DIST,
    VIRT_GIC_CPU,
    VIRT_GIC_V2M,
    VIRT_GIC_HYP,
    VIRT_GIC_VCPU,
    VIRT_GIC_ITS,
    VIRT_GIC_REDIST,
    VIRT_UART,
    VIRT_RTC,
    VIRT_FW_CFG,
    VIRT_GPIO,
    VIRT_SECURE_UART,
    VIRT_SMMU,
    VIRT_PCDIMM_ACPI,
    VIRT_ACPI_GED,
    VIRT_NVDIMM_ACPI,
    VIRT_PVTIME,
    VIRT_SECURE_GPIO,
    VIRT_MMIO,
    VIRT_PLATFORM_BUS,
    VIRT_SECURE_MEM,
    VIRT_PCIE_MMIO,
    VIRT_PCIE_PIO,
    VIRT_PCIE_ECAM,
    VIRT_MEM,
    VIRT_LOWMEMMAP_LAST,
    /* Above RAM (highmem=on), in this order: */
    VIRT_HIGH_GIC_REDIST2 = VIRT_LOWMEMMAP_LAST,
    VIRT_HIGH_PCIE_ECAM,
    VIRT_HIGH_PCIE_MMIO,
    VIRT_MEMMAP_LAST,
} VirtMemMapId;

/*
 * Shared peripheral interrupts: SPI n is GIC INTID 32 + n, GPIO input n
 * of the GIC, and <GIC_FDT_IRQ_TYPE_SPI n flags> in the device tree.
 */
#define VIRT_SPI_UART 1
#define VIRT_SPI_RTC 2
#define VIRT_SPI_PCIE 3             /* INTA..INTD: 3..6 */
#define VIRT_SPI_PCIE_COUNT 4
#define VIRT_SPI_GPIO 7
#define VIRT_SPI_SECURE_UART 8
#define VIRT_SPI_ACPI_GED 9
#define VIRT_SPI_MMIO 16            /* one per virtio-mmio transport */
#define VIRT_SPI_GIC_V2M 48         /* 64 of them */
#define VIRT_SPI_SMMU 74            /* eventq, priq, cmdq-sync, gerror */
#define VIRT_SPI_SMMU_COUNT 4
#define VIRT_SPI_PLATFORM_BUS 112   /* 64 of them */
#define VIRT_SPI_PLATFORM_BUS_COUNT 64

/* SPIs the GIC is built with; its num-irq counts the 32 SGIs/PPIs too. */
#define VIRT_NUM_SPIS 256
#define VIRT_GIC_NUM_IRQ (32 + VIRT_NUM_SPIS)

/* Private peripheral interrupts (PPI n is INTID 16 + n), per CPU. */
#define VIRT_PPI_PMU 7
#define VIRT_PPI_GIC_MAINT 9
#define VIRT_PPI_TIMER_NS_EL2 10
#define VIRT_PPI_TIMER_VIRT 11
#define VIRT_PPI_TIMER_S_EL1 13
#define VIRT_PPI_TIMER_NS_EL1 14

#define VIRT_NUM_VIRTIO_TRANSPORTS 32

/*
 * Guest physical address bits the map must fit in when highmem=on and
 * no accelerator said otherwise: 40, the IPA size KVM gives a VM that
 * asks for none, and what QEMU's default CPU implements.
 */
#define VIRT_PA_BITS_DEFAULT 40

/* The first phandle handed out (QEMU starts at the same value). */
#define VIRT_PHANDLE_FIRST 0x8000

typedef struct VirtMachineState VirtMachineState;
typedef struct PCIBus PCIBus;

/*
 * A device tree hook adds a device's nodes, or properties to another
 * device's node, when the tree is built (in the machine's done step,
 * after all -device options).  Return false + error to fail the build.
 */
typedef bool (*VirtFdtHook)(VirtMachineState *vms, DeviceTree *dt,
                            void *opaque, Error **errp);

/*
 * Hooks run stage by stage, in the order they were added within a stage:
 * NODES hooks create their own nodes; LINKS hooks then add properties to
 * nodes others created (e.g. an IOMMU's "iommu-map" on the PCIe host
 * bridge node), so they never depend on realize order.
 */
typedef enum VirtFdtStage {
    VIRT_FDT_STAGE_NODES,
    VIRT_FDT_STAGE_LINKS,
    VIRT_FDT_STAGE__MAX,
} VirtFdtStage;

typedef enum VirtIOMMUType {
    VIRT_IOMMU_NONE,
    VIRT_IOMMU_SMMUV3,
    VIRT_IOMMU__MAX,
} VirtIOMMUType;

struct VirtMachineState {
    MachineState parent_obj;

    /* Options (-machine virt,...) */
    char *gic_version;
    int iommu;                  /* VirtIOMMUType */
    bool highmem;
    bool highmem_redists;
    bool highmem_ecam;
    bool highmem_mmio;
    int acpi;                   /* OnOffAuto */

    /*
     * The memory map, valid from init on.  A high region (index >=
     * VIRT_LOWMEMMAP_LAST) is usable only if its highmem_* flag is still
     * true after init: it is cleared when the region does not fit in
     * pa_bits.
     */
    MemMapEntry memmap[VIRT_MEMMAP_LAST];
    unsigned pa_bits;           /* 0 until init: VIRT_PA_BITS_DEFAULT */
    hwaddr highest_gpa;         /* last byte of the highest region */

    /* What init built (torn down by the machine's teardown). */
    MemoryRegion ram;
    bool ram_mapped;
    DeviceState *gic;           /* /machine/gic */
    DeviceState *its;           /* /machine/its */
    DeviceState *uart;          /* /machine/uart0 */
    DeviceState *rtc;           /* /machine/rtc */
    DeviceState *gpex;          /* /machine/gpex, the PCIe host bridge */
    PCIBus *bus;                /* its root bus, pcie.0 */
    DeviceState *smmu;          /* /machine/smmuv3 (iommu=smmuv3) */

    /* Platform bus (virt-platform.c): what -device sysbus devices took. */
    GList *platform_mmio;       /* private: VirtPlatformSlot * */
    uint64_t platform_spis;     /* bit n: SPI VIRT_SPI_PLATFORM_BUS + n */

    /* Device tree: phandles are handed out from init on. */
    uint32_t next_phandle;
    uint32_t clock_phandle;
    uint32_t gic_phandle;
    uint32_t msi_phandle;       /* the ITS */
    uint32_t cpu_phandle_base;  /* CPUs from the last one down, as QEMU */
    GList *fdt_hooks;           /* private: VirtFdtHookEntry * */
    void *fdt;                  /* packed blob, built by done */
    size_t fdt_size;
};

#define VIRT_MACHINE(obj) \
    OBJECT_CHECK(VirtMachineState, (obj), TYPE_VIRT_MACHINE)

/* The current machine if it is a virt machine, else NULL. */
VirtMachineState *virt_machine_get(void);

/* ---- memory map (hw/arm/virt-memmap.c) ---- */

/*
 * Lay out the memory map for the machine's RAM size in pa_bits of guest
 * physical address space (32 when highmem=off), as QEMU does: the low
 * map is fixed; the high regions float above RAM, each aligned to its
 * size, never below 256 GiB; a region that does not fit is disabled.
 * Fails when RAM itself does not fit.
 */
bool virt_memmap_init(VirtMachineState *vms, unsigned pa_bits, Error **errp);
/* Region id's name ("gic-dist", ...) for traces and messages. */
const char *virt_memmap_name(VirtMemMapId id);

/* ---- interrupt lines ---- */

/* The GIC input for SPI spi (NULL before the GIC exists). */
qemu_irq virt_get_spi(VirtMachineState *vms, unsigned spi);
/* The GIC input for PPI ppi of CPU cpu. */
qemu_irq virt_get_ppi(VirtMachineState *vms, unsigned cpu, unsigned ppi);

/* ---- device tree (hw/arm/virt-fdt.c) ---- */

/* A fresh phandle; call it at realize time and keep it. */
uint32_t virt_fdt_alloc_phandle(VirtMachineState *vms);
/*
 * The board's own phandles (clock, CPUs, GIC, ITS), numbered as QEMU
 * numbers them; init calls it once, before any device takes one.
 */
void virt_fdt_alloc_board_phandles(VirtMachineState *vms);
uint32_t virt_fdt_gic_phandle(const VirtMachineState *vms);
uint32_t virt_fdt_msi_phandle(const VirtMachineState *vms);
uint32_t virt_fdt_clock_phandle(const VirtMachineState *vms);
/* The GIC node's path ("/intc@8000000"; g_free it). */
char *virt_fdt_gic_path(const VirtMachineState *vms);

/* Register fn(vms, dt, opaque, errp) for every later tree build. */
void virt_fdt_add_hook(VirtMachineState *vms, VirtFdtStage stage,
                       VirtFdtHook fn, void *opaque);
/* Forget the hook added with fn and opaque (device unplug); false if none. */
bool virt_fdt_remove_hook(VirtMachineState *vms, VirtFdtHook fn,
                          void *opaque);
/* Drop all hooks (machine teardown). */
void virt_fdt_clear_hooks(VirtMachineState *vms);

/*
 * Build the tree (board nodes, then the hooks) and keep the packed blob
 * in vms->fdt / vms->fdt_size, replacing any previous one.  Nothing
 * changes on failure.
 */
bool virt_fdt_build(VirtMachineState *vms, Error **errp);

/* ---- PCI Express (hw/arm/virt-pcie.c) ---- */

/*
 * Realize vms->gpex (created, not realized), map its ECAM, MMIO and PIO
 * windows, wire INTx to VIRT_SPI_PCIE.. and register the device tree
 * hook that describes every root complex (pcie.0 and each pxb-pcie).
 */
bool virt_pcie_init(VirtMachineState *vms, Error **errp);
/*
 * Where root complex root (pcie.0 or a pxb-pcie's bus) is in the device
 * tree: its host bridge node's path (g_free it) and its bus-range.  Valid
 * while the tree is built (in a hook): the ranges depend on which
 * pxb-pcie devices exist.  False + error for any other bus.
 */
bool virt_pcie_root_info(VirtMachineState *vms, PCIBus *root,
                         char **node_path, unsigned *first_bus,
                         unsigned *nr_buses, Error **errp);
/*
 * From a LINKS hook: say in root's host bridge node that the IOMMU with
 * iommu_phandle translates its functions' DMA ("iommu-map", StreamID =
 * requester ID, over the root complex's requester IDs).
 */
bool virt_pcie_add_iommu_map(VirtMachineState *vms, DeviceTree *dt,
                             PCIBus *root, uint32_t iommu_phandle,
                             Error **errp);

/* ---- platform bus (hw/arm/virt-platform.c) ---- */

/*
 * Sysbus devices created with -device (arm-smmuv3) take their MMIO from
 * the VIRT_PLATFORM_BUS window and their interrupts from the 64 SPIs at
 * VIRT_SPI_PLATFORM_BUS, as QEMU's platform bus hands them out: the
 * lowest free range, aligned to its (power of two) size, and the lowest
 * nr_spis consecutive free SPIs.  False + error when the window or the
 * SPIs are exhausted; nothing is taken then.
 */
bool virt_platform_alloc(VirtMachineState *vms, uint64_t size,
                         unsigned nr_spis, uint64_t *base,
                         unsigned *first_spi, Error **errp);
/* Give back what virt_platform_alloc returned (device unrealize). */
void virt_platform_free(VirtMachineState *vms, uint64_t base, uint64_t size,
                        unsigned first_spi, unsigned nr_spis);
/* Forget every allocation (machine teardown). */
void virt_platform_clear(VirtMachineState *vms);

#endif
