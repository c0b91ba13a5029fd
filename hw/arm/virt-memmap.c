/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's guest-physical memory map.  The addresses are QEMU
 * 10.0's (hw/arm/virt.c: base_memmap and extended_memmap), because
 * firmware (EDK2's ArmVirtQemu), guests and test suites hard-code some of
 * them; the table and the layout code are written here.
 *
 * The low 1 GiB holds flash, the interrupt controller, small devices and
 * the 32-bit PCIe windows; RAM starts at 1 GiB.  Three more regions float
 * above RAM when highmem=on: each is aligned to its own size and the
 * first starts at 256 GiB at the lowest (the top of QEMU's original
 * 255 GiB RAM window), so guests with less RAM always see the same
 * addresses.  A region that does not fit in the guest physical address
 * size is disabled and takes no space (QEMU's compact layout).
 */
#include "qemu/osdep.h"
#include "hw/arm/virt.h"
#include "trace/trace-hw_arm.h"

/*
 *   0x00_0000_0000 +-----------------------------+
 *                  | flash (2 banks)      128 MiB|
 *   0x00_0800_0000 +-----------------------------+ CPU peripherals
 *                  | GIC distributor      64 KiB |
 *   0x00_0801_0000 | GICv2 CPU interface  64 KiB | (GICv2 only)
 *   0x00_0802_0000 | GICv2m MSI frame      4 KiB | (GICv2 only)
 *   0x00_0803_0000 | GICv2 hyp / vcpu  2x64 KiB | (GICv2 only)
 *   0x00_0808_0000 | GICv3 ITS           128 KiB |
 *   0x00_080a_0000 | GICv3 redistributors        |
 *                  |   123 CPUs x 128 KiB        |
 *   0x00_0900_0000 +-----------------------------+ small devices
 *                  | UART (pl011)  0x0900_0000   | SPI 1
 *                  | RTC (pl031)   0x0901_0000   | SPI 2
 *                  | fw_cfg        0x0902_0000   |
 *                  | GPIO (pl061)  0x0903_0000   | SPI 7
 *                  | secure UART   0x0904_0000   | SPI 8
 *                  | SMMUv3        0x0905_0000   | SPIs 74..77 (128 KiB)
 *                  | ACPI memhp    0x0907_0000   |
 *                  | ACPI GED      0x0908_0000   | SPI 9
 *                  | ACPI NVDIMM   0x0909_0000   |
 *                  | PV time       0x090a_0000   |
 *                  | secure GPIO   0x090b_0000   |
 *   0x00_0a00_0000 +-----------------------------+
 *                  | virtio-mmio 32 x 0x200      | SPIs 16..47
 *   0x00_0c00_0000 +-----------------------------+
 *                  | platform bus          32 MiB| SPIs 112..175
 *   0x00_0e00_0000 | secure RAM            16 MiB|
 *   0x00_1000_0000 +-----------------------------+
 *                  | PCIe 32-bit MMIO window     | ~751 MiB, SPIs 3..6
 *   0x00_3eff_0000 | PCIe I/O port window  64 KiB|
 *   0x00_3f00_0000 | PCIe ECAM (16 buses)  16 MiB|
 *   0x00_4000_0000 +-----------------------------+
 *                  | RAM (-m)                    |
 *                  ~                             ~
 *   max(256 GiB, RAM top rounded up to 1 GiB), then each aligned:
 *   0x40_0000_0000 | GICv3 redistributors #2 64 MiB| highmem-redists
 *   0x40_1000_0000 | PCIe ECAM (256 buses) 256 MiB| highmem-ecam
 *   0x80_0000_0000 | PCIe 64-bit MMIO window     | highmem-mmio
 *                  |   512 GiB                   |
 *  0x100_0000_0000 +-----------------------------+ (2^40)
 *
 * The high addresses shown are those of a machine with less than
 * 255 GiB of RAM.
 */
static const MemMapEntry virt_low_memmap[VIRT_LOWMEMMAP_LAST] = {
    [VIRT_FLASH] =          { 0x00000000, 0x08000000 },
    [VIRT_CPUPERIPHS] =     { 0x08000000, 0x00020000 },
    [VIRT_GIC_DIST] =       { 0x08000000, 0x00010000 },
    [VIRT_GIC_CPU] =        { 0x08010000, 0x00010000 },
    [VIRT_GIC_V2M] =        { 0x08020000, 0x00001000 },
    [VIRT_GIC_HYP] =        { 0x08030000, 0x00010000 },
    [VIRT_GIC_VCPU] =       { 0x08040000, 0x00010000 },
    [VIRT_GIC_ITS] =        { 0x08080000, 0x00020000 },
    [VIRT_GIC_REDIST] =     { 0x080a0000, 0x00f60000 },
    [VIRT_UART] =           { 0x09000000, 0x00001000 },
    [VIRT_RTC] =            { 0x09010000, 0x00001000 },
    [VIRT_FW_CFG] =         { 0x09020000, 0x00000018 },
    [VIRT_GPIO] =           { 0x09030000, 0x00001000 },
    [VIRT_SECURE_UART] =    { 0x09040000, 0x00001000 },
    [VIRT_SMMU] =           { 0x09050000, 0x00020000 },
    [VIRT_PCDIMM_ACPI] =    { 0x09070000, 0x00000018 },
    [VIRT_ACPI_GED] =       { 0x09080000, 0x00000004 },
    [VIRT_NVDIMM_ACPI] =    { 0x09090000, 0x00000004 },
    [VIRT_PVTIME] =         { 0x090a0000, 0x00010000 },
    [VIRT_SECURE_GPIO] =    { 0x090b0000, 0x00001000 },
    [VIRT_MMIO] =           { 0x0a000000, 0x00000200 },
    [VIRT_PLATFORM_BUS] =   { 0x0c000000, 0x02000000 },
    [VIRT_SECURE_MEM] =     { 0x0e000000, 0x01000000 },
    [VIRT_PCIE_MMIO] =      { 0x10000000, 0x2eff0000 },
    [VIRT_PCIE_PIO] =       { 0x3eff0000, 0x00010000 },
    [VIRT_PCIE_ECAM] =      { 0x3f000000, 0x01000000 },
    /* The size is set to the machine's RAM size by virt_memmap_init. */
    [VIRT_MEM] =            { 0x40000000, 0 },
};

/* Sizes of the floating regions; their bases depend on the RAM size. */
static const hwaddr virt_high_sizes[VIRT_MEMMAP_LAST - VIRT_LOWMEMMAP_LAST] = {
    [VIRT_HIGH_GIC_REDIST2 - VIRT_LOWMEMMAP_LAST] = 64 * MiB,
    [VIRT_HIGH_PCIE_ECAM - VIRT_LOWMEMMAP_LAST] = 256 * MiB,
    [VIRT_HIGH_PCIE_MMIO - VIRT_LOWMEMMAP_LAST] = 512 * GiB,
};

/* RAM used to be limited to 255 GiB; the high regions never go lower. */
#define VIRT_HIGH_FLOOR (0x40000000 + 255 * GiB)

static const char *const virt_memmap_names[VIRT_MEMMAP_LAST] = {
    [VIRT_FLASH] = "flash",
    [VIRT_CPUPERIPHS] = "cpu-peripherals",
    [VIRT_GIC_DIST] = "gic-dist",
    [VIRT_GIC_CPU] = "gic-cpu",
    [VIRT_GIC_V2M] = "gic-v2m",
    [VIRT_GIC_HYP] = "gic-hyp",
    [VIRT_GIC_VCPU] = "gic-vcpu",
    [VIRT_GIC_ITS] = "gic-its",
    [VIRT_GIC_REDIST] = "gic-redist",
    [VIRT_UART] = "uart",
    [VIRT_RTC] = "rtc",
    [VIRT_FW_CFG] = "fw-cfg",
    [VIRT_GPIO] = "gpio",
    [VIRT_SECURE_UART] = "secure-uart",
    [VIRT_SMMU] = "smmu",
    [VIRT_PCDIMM_ACPI] = "pcdimm-acpi",
    [VIRT_ACPI_GED] = "acpi-ged",
    [VIRT_NVDIMM_ACPI] = "nvdimm-acpi",
    [VIRT_PVTIME] = "pvtime",
    [VIRT_SECURE_GPIO] = "secure-gpio",
    [VIRT_MMIO] = "virtio-mmio",
    [VIRT_PLATFORM_BUS] = "platform-bus",
    [VIRT_SECURE_MEM] = "secure-mem",
    [VIRT_PCIE_MMIO] = "pcie-mmio",
    [VIRT_PCIE_PIO] = "pcie-pio",
    [VIRT_PCIE_ECAM] = "pcie-ecam",
    [VIRT_MEM] = "ram",
    [VIRT_HIGH_GIC_REDIST2] = "high-gic-redist2",
    [VIRT_HIGH_PCIE_ECAM] = "high-pcie-ecam",
    [VIRT_HIGH_PCIE_MMIO] = "high-pcie-mmio",
};

const char *virt_memmap_name(VirtMemMapId id)
{
    return id < VIRT_MEMMAP_LAST ? virt_memmap_names[id] : "?";
}

static hwaddr align_up(hwaddr addr, hwaddr align)
{
    return (addr + align - 1) & ~(align - 1);
}

static bool *virt_high_enabled(VirtMachineState *vms, VirtMemMapId id)
{
    switch (id) {
    case VIRT_HIGH_GIC_REDIST2:
        return &vms->highmem_redists;
    case VIRT_HIGH_PCIE_ECAM:
        return &vms->highmem_ecam;
    case VIRT_HIGH_PCIE_MMIO:
        return &vms->highmem_mmio;
    default:
        g_assert_not_reached();
    }
}

bool virt_memmap_init(VirtMachineState *vms, unsigned pa_bits, Error **errp)
{
    MachineState *ms = MACHINE(vms);
    hwaddr ram_base = virt_low_memmap[VIRT_MEM].base;
    hwaddr limit, ram_top, base;
    int i;

    /* highmem=off is a 32-bit guest physical address space. */
    if (!vms->highmem) {
        pa_bits = 32;
    }
    g_assert(pa_bits >= 32 && pa_bits <= 52);
    limit = 1ULL << pa_bits;

    memcpy(vms->memmap, virt_low_memmap, sizeof(virt_low_memmap));
    vms->memmap[VIRT_MEM].size = ms->ram_size;
    vms->pa_bits = pa_bits;

    /* QEMU reserves RAM space in whole GiB. */
    ram_top = ms->ram_size > HWADDR_MAX - ram_base - GiB
              ? HWADDR_MAX : align_up(ram_base + ms->ram_size, GiB);
    if (ram_top > limit) {
        if (ram_top == HWADDR_MAX) {
            error_setg(errp, "Addressing limited to %u bits, but memory "
                       "exceeds it", pa_bits);
        } else {
            error_setg(errp, "Addressing limited to %u bits, but memory "
                       "exceeds it by %" PRIu64 " bytes", pa_bits,
                       ram_top - limit);
        }
        if (!vms->highmem) {
            error_append_hint(errp, "With highmem=off the guest sees 4 GiB "
                              "of physical addresses and RAM starts at "
                              "1 GiB: at most 3 GiB of RAM fits.  Use a "
                              "smaller -m, or highmem=on.\n");
        } else {
            uint64_t max_gib = (limit - ram_base) / GiB;

            error_append_hint(errp, "RAM starts at 1 GiB: at most %" PRIu64
                              " GiB of RAM fits in %u-bit guest physical "
                              "addresses.\n", max_gib, pa_bits);
        }
        return false;
    }
    trace_virt_memmap_ram(ram_base, ms->ram_size, pa_bits);
    vms->highest_gpa = ram_top - 1;

    base = MAX(ram_top, VIRT_HIGH_FLOOR);
    for (i = VIRT_LOWMEMMAP_LAST; i < VIRT_MEMMAP_LAST; i++) {
        hwaddr size = virt_high_sizes[i - VIRT_LOWMEMMAP_LAST];
        hwaddr region = align_up(base, size);
        bool *enabled = virt_high_enabled(vms, i);
        bool fits = region < limit && size <= limit - region;

        vms->memmap[i].base = region;
        vms->memmap[i].size = size;
        *enabled = *enabled && fits;
        trace_virt_memmap_high(virt_memmap_name(i), region, size, *enabled);
        if (!*enabled) {
            /* Compact layout: a disabled region takes no space. */
            continue;
        }
        base = region + size;
        vms->highest_gpa = base - 1;
    }
    return true;
}
