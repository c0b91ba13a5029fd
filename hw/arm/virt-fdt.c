/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's device tree: what QEMU 10.0 tells a guest about the
 * same board (node names, compatible strings, interrupt specifiers and
 * phandle numbers follow it), built with libfdt in the machine's done
 * step, after every -device option, so that devices added later can put
 * their nodes in through hooks.
 *
 * The CPUs are described as KVM's host-like vCPU: "arm,arm-v8", brought
 * up with PSCI 1.x through HVC, MPIDR affinity 0 counting up to 15 then
 * affinity 1 (the layout KVM gives vCPUs and QEMU assumes for GICv3).
 * Phandles are numbered from 0x8000 at init time (the board's own by
 * virt_fdt_alloc_board_phandles), so a hook can reference any node
 * whatever order the hooks run in.
 */
#include "qemu/osdep.h"
#include "hw/arm/virt.h"
#include "trace/trace-hw_arm.h"

/* The first buffer; it doubles as needed (hw/arm/fdt.c). */
#define VIRT_FDT_INITIAL_SIZE (64 * KiB)

/* PSCI 0.2+ function IDs (Arm DEN 0022, SMC64 where there is one). */
#define PSCI_FN_CPU_SUSPEND_64 0xc4000001
#define PSCI_FN_CPU_OFF 0x84000002
#define PSCI_FN_CPU_ON_64 0xc4000003
#define PSCI_FN_MIGRATE_64 0xc4000005

/* The fixed clock the PrimeCell devices name (Linux wants one). */
#define VIRT_APB_CLOCK_HZ 24000000

typedef struct VirtFdtHookEntry {
    VirtFdtStage stage;
    VirtFdtHook fn;
    void *opaque;
} VirtFdtHookEntry;

uint32_t virt_fdt_alloc_phandle(VirtMachineState *vms)
{
    uint32_t phandle = vms->next_phandle++;

    trace_virt_fdt_alloc_phandle(phandle);
    return phandle;
}

void virt_fdt_alloc_board_phandles(VirtMachineState *vms)
{
    unsigned i;

    vms->clock_phandle = virt_fdt_alloc_phandle(vms);
    /* QEMU numbers the CPUs' phandles from the last CPU down. */
    vms->cpu_phandle_base = vms->next_phandle;
    for (i = 0; i < MACHINE(vms)->smp_cpus; i++) {
        virt_fdt_alloc_phandle(vms);
    }
    vms->gic_phandle = virt_fdt_alloc_phandle(vms);
    vms->msi_phandle = virt_fdt_alloc_phandle(vms);
}

uint32_t virt_fdt_gic_phandle(const VirtMachineState *vms)
{
    return vms->gic_phandle;
}

uint32_t virt_fdt_msi_phandle(const VirtMachineState *vms)
{
    return vms->msi_phandle;
}

uint32_t virt_fdt_clock_phandle(const VirtMachineState *vms)
{
    return vms->clock_phandle;
}

char *virt_fdt_gic_path(const VirtMachineState *vms)
{
    return g_strdup_printf("/intc@%" PRIx64,
                           vms->memmap[VIRT_GIC_DIST].base);
}

void virt_fdt_add_hook(VirtMachineState *vms, VirtFdtStage stage,
                       VirtFdtHook fn, void *opaque)
{
    VirtFdtHookEntry *h = g_new0(VirtFdtHookEntry, 1);

    g_assert(stage < VIRT_FDT_STAGE__MAX);
    h->stage = stage;
    h->fn = fn;
    h->opaque = opaque;
    vms->fdt_hooks = g_list_append(vms->fdt_hooks, h);
    trace_virt_fdt_hook_add(stage, opaque);
}

bool virt_fdt_remove_hook(VirtMachineState *vms, VirtFdtHook fn,
                          void *opaque)
{
    GList *l;

    for (l = vms->fdt_hooks; l; l = l->next) {
        VirtFdtHookEntry *h = l->data;

        if (h->fn == fn && h->opaque == opaque) {
            trace_virt_fdt_hook_remove(h->stage, opaque);
            vms->fdt_hooks = g_list_delete_link(vms->fdt_hooks, l);
            g_free(h);
            return true;
        }
    }
    return false;
}

void virt_fdt_clear_hooks(VirtMachineState *vms)
{
    g_list_free_full(vms->fdt_hooks, g_free);
    vms->fdt_hooks = NULL;
}

static bool virt_fdt_root(VirtMachineState *vms, DeviceTree *dt,
                          Error **errp)
{
    return dt_setprop_string(dt, "/", "compatible", "linux,dummy-virt",
                             errp) &&
           dt_setprop_u32(dt, "/", "#address-cells", 2, errp) &&
           dt_setprop_u32(dt, "/", "#size-cells", 2, errp) &&
           dt_setprop_string(dt, "/", "model", "linux,dummy-virt", errp) &&
           /* All DMA on this board is cache-coherent. */
           dt_setprop_empty(dt, "/", "dma-coherent", errp) &&
           dt_setprop_u32(dt, "/", "interrupt-parent", vms->gic_phandle,
                          errp) &&
           dt_add_node(dt, "/chosen", errp) &&
           dt_add_node(dt, "/aliases", errp);
}

static bool virt_fdt_clock(VirtMachineState *vms, DeviceTree *dt,
                           Error **errp)
{
    const char *path = "/apb-pclk";

    return dt_add_node(dt, path, errp) &&
           dt_setprop_string(dt, path, "compatible", "fixed-clock", errp) &&
           dt_setprop_u32(dt, path, "#clock-cells", 0, errp) &&
           dt_setprop_u32(dt, path, "clock-frequency", VIRT_APB_CLOCK_HZ,
                          errp) &&
           dt_setprop_string(dt, path, "clock-output-names", "clk24mhz",
                             errp) &&
           dt_setprop_u32(dt, path, "phandle", vms->clock_phandle, errp);
}

static bool virt_fdt_memory(VirtMachineState *vms, DeviceTree *dt,
                            Error **errp)
{
    const MemMapEntry *e = &vms->memmap[VIRT_MEM];
    const uint64_t reg[] = { e->base, e->size };
    g_autofree char *path = g_strdup_printf("/memory@%" PRIx64, e->base);

    return dt_add_node(dt, path, errp) &&
           dt_setprop_string(dt, path, "device_type", "memory", errp) &&
           dt_setprop_reg(dt, path, reg, 1, errp);
}

/* MPIDR affinity of CPU index cpu: 16 CPUs per Aff1 cluster. */
static uint64_t virt_cpu_mpidr(unsigned cpu)
{
    return ((uint64_t)(cpu / 16) << 8) | (cpu % 16);
}

static uint32_t virt_cpu_phandle(VirtMachineState *vms, unsigned cpu)
{
    return vms->cpu_phandle_base + MACHINE(vms)->smp_cpus - 1 - cpu;
}

static bool virt_fdt_cpu(VirtMachineState *vms, DeviceTree *dt,
                         unsigned cpu, Error **errp)
{
    g_autofree char *path = g_strdup_printf("/cpus/cpu@%u", cpu);

    if (!dt_add_node(dt, path, errp) ||
        !dt_setprop_string(dt, path, "device_type", "cpu", errp) ||
        !dt_setprop_string(dt, path, "compatible", "arm,arm-v8", errp)) {
        return false;
    }
    /* QEMU names an enable method only when there are CPUs to start. */
    if (MACHINE(vms)->smp_cpus > 1 &&
        !dt_setprop_string(dt, path, "enable-method", "psci", errp)) {
        return false;
    }
    /* Affinity 3 is never used here: one address cell is enough. */
    return dt_setprop_u32(dt, path, "reg", virt_cpu_mpidr(cpu), errp) &&
           dt_setprop_u32(dt, path, "phandle", virt_cpu_phandle(vms, cpu),
                          errp);
}

static bool virt_fdt_cpus(VirtMachineState *vms, DeviceTree *dt,
                          Error **errp)
{
    unsigned smp = MACHINE(vms)->smp_cpus;
    unsigned cpu;

    if (!dt_add_node(dt, "/cpus", errp) ||
        !dt_setprop_u32(dt, "/cpus", "#address-cells", 1, errp) ||
        !dt_setprop_u32(dt, "/cpus", "#size-cells", 0, errp)) {
        return false;
    }
    /* libfdt puts a new node first: add the last CPU first. */
    for (cpu = smp; cpu-- > 0;) {
        if (!virt_fdt_cpu(vms, dt, cpu, errp)) {
            return false;
        }
    }
    /* One socket, one cluster, one core per CPU (QEMU's -smp N). */
    if (!dt_add_node(dt, "/cpus/cpu-map", errp) ||
        !dt_add_node(dt, "/cpus/cpu-map/socket0", errp) ||
        !dt_add_node(dt, "/cpus/cpu-map/socket0/cluster0", errp)) {
        return false;
    }
    for (cpu = smp; cpu-- > 0;) {
        g_autofree char *core =
            g_strdup_printf("/cpus/cpu-map/socket0/cluster0/core%u", cpu);

        if (!dt_add_node(dt, core, errp) ||
            !dt_setprop_u32(dt, core, "cpu", virt_cpu_phandle(vms, cpu),
                            errp)) {
            return false;
        }
    }
    return true;
}

static bool virt_fdt_psci(VirtMachineState *vms, DeviceTree *dt,
                          Error **errp)
{
    static const char *const compat[] = {
        "arm,psci-1.0", "arm,psci-0.2", "arm,psci", NULL
    };
    const char *path = "/psci";

    return dt_add_node(dt, path, errp) &&
           dt_setprop_strings(dt, path, "compatible", compat, errp) &&
           dt_setprop_string(dt, path, "method", "hvc", errp) &&
           dt_setprop_u32(dt, path, "cpu_suspend", PSCI_FN_CPU_SUSPEND_64,
                          errp) &&
           dt_setprop_u32(dt, path, "cpu_off", PSCI_FN_CPU_OFF, errp) &&
           dt_setprop_u32(dt, path, "cpu_on", PSCI_FN_CPU_ON_64, errp) &&
           dt_setprop_u32(dt, path, "migrate", PSCI_FN_MIGRATE_64, errp);
}

static bool virt_fdt_timer(VirtMachineState *vms, DeviceTree *dt,
                           Error **errp)
{
    static const char *const compat[] = {
        "arm,armv8-timer", "arm,armv7-timer", NULL
    };
    const char *path = "/timer";
    /* The generic timer's outputs are level-sensitive (Arm ARM D11). */
    const uint32_t f = GIC_FDT_IRQ_FLAGS_LEVEL_HI;

    return dt_add_node(dt, path, errp) &&
           dt_setprop_strings(dt, path, "compatible", compat, errp) &&
           dt_setprop_empty(dt, path, "always-on", errp) &&
           dt_setprop_cells(dt, path, "interrupts", DT_CELLS(
               GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_TIMER_S_EL1, f,
               GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_TIMER_NS_EL1, f,
               GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_TIMER_VIRT, f,
               GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_TIMER_NS_EL2, f), errp);
}

static bool virt_fdt_gic(VirtMachineState *vms, DeviceTree *dt,
                         Error **errp)
{
    static const char *const its_compat[] = { "arm,gic-v3-its", NULL };
    const MemMapEntry *dist = &vms->memmap[VIRT_GIC_DIST];
    const MemMapEntry *redist = &vms->memmap[VIRT_GIC_REDIST];
    const MemMapEntry *its = &vms->memmap[VIRT_GIC_ITS];
    const uint64_t reg[] = { dist->base, dist->size,
                             redist->base, redist->size };
    g_autofree char *path = virt_fdt_gic_path(vms);
    g_autofree char *its_path = NULL;

    if (!dt_add_node(dt, path, errp) ||
        !dt_setprop_u32(dt, path, "#interrupt-cells", 3, errp) ||
        !dt_setprop_empty(dt, path, "interrupt-controller", errp) ||
        !dt_setprop_u32(dt, path, "#address-cells", 2, errp) ||
        !dt_setprop_u32(dt, path, "#size-cells", 2, errp) ||
        !dt_setprop_empty(dt, path, "ranges", errp) ||
        !dt_setprop_string(dt, path, "compatible", "arm,gic-v3", errp) ||
        !dt_setprop_u32(dt, path, "#redistributor-regions", 1, errp) ||
        !dt_setprop_reg(dt, path, reg, 2, errp) ||
        !dt_setprop_u32(dt, path, "phandle", vms->gic_phandle, errp)) {
        return false;
    }
    its_path = dt_add_device_node(dt, path, "its", its->base, its->size,
                                  its_compat, errp);
    return its_path &&
           dt_setprop_empty(dt, its_path, "msi-controller", errp) &&
           dt_setprop_u32(dt, its_path, "#msi-cells", 1, errp) &&
           dt_setprop_u32(dt, its_path, "phandle", vms->msi_phandle, errp);
}

/*
 * The part the PrimeCell nodes share: /NAME@BASE with "arm,NAME" and
 * "arm,primecell", the memory map region id as "reg", and a level-high
 * SPI.  Returns the node's path; the caller adds the clocks.
 */
static char *virt_fdt_primecell(VirtMachineState *vms, DeviceTree *dt,
                                const char *name, VirtMemMapId id,
                                unsigned spi, Error **errp)
{
    g_autofree char *arm_name = g_strdup_printf("arm,%s", name);
    const char *const compat[] = { arm_name, "arm,primecell", NULL };
    const MemMapEntry *e = &vms->memmap[id];
    g_autofree char *path = dt_add_device_node(dt, "/", name, e->base,
                                               e->size, compat, errp);

    if (!path ||
        !dt_setprop_cells(dt, path, "interrupts", DT_CELLS(
            GIC_FDT_IRQ_TYPE_SPI, spi, GIC_FDT_IRQ_FLAGS_LEVEL_HI), errp)) {
        return NULL;
    }
    return g_steal_pointer(&path);
}

static bool virt_fdt_uart(VirtMachineState *vms, DeviceTree *dt,
                          Error **errp)
{
    static const char *const clock_names[] = { "uartclk", "apb_pclk",
                                               NULL };
    g_autofree char *path = virt_fdt_primecell(vms, dt, "pl011", VIRT_UART,
                                               VIRT_SPI_UART, errp);

    return path &&
           dt_setprop_cells(dt, path, "clocks", DT_CELLS(
               vms->clock_phandle, vms->clock_phandle), errp) &&
           dt_setprop_strings(dt, path, "clock-names", clock_names, errp) &&
           dt_setprop_string(dt, "/chosen", "stdout-path", path, errp) &&
           dt_setprop_string(dt, "/aliases", "serial0", path, errp);
}

static bool virt_fdt_rtc(VirtMachineState *vms, DeviceTree *dt,
                         Error **errp)
{
    g_autofree char *path = virt_fdt_primecell(vms, dt, "pl031", VIRT_RTC,
                                               VIRT_SPI_RTC, errp);

    return path &&
           dt_setprop_u32(dt, path, "clocks", vms->clock_phandle, errp) &&
           dt_setprop_string(dt, path, "clock-names", "apb_pclk", errp);
}

typedef bool (*VirtFdtPart)(VirtMachineState *vms, DeviceTree *dt,
                            Error **errp);

/* The board's own nodes, in QEMU's order. */
static const VirtFdtPart virt_fdt_parts[] = {
    virt_fdt_root,
    virt_fdt_clock,
    virt_fdt_timer,
    virt_fdt_cpus,
    virt_fdt_gic,
    virt_fdt_uart,
    virt_fdt_rtc,
    virt_fdt_psci,
    virt_fdt_memory,
};

static bool virt_fdt_run_hooks(VirtMachineState *vms, DeviceTree *dt,
                               Error **errp)
{
    VirtFdtStage stage;
    GList *l, *next;

    for (stage = 0; stage < VIRT_FDT_STAGE__MAX; stage++) {
        /* A hook may remove itself (but no other hook) while it runs. */
        for (l = vms->fdt_hooks; l; l = next) {
            VirtFdtHookEntry *h = l->data;

            next = l->next;
            if (h->stage != stage) {
                continue;
            }
            trace_virt_fdt_hook_run(stage, h->opaque);
            if (!h->fn(vms, dt, h->opaque, errp)) {
                return false;
            }
        }
    }
    return true;
}

bool virt_fdt_build(VirtMachineState *vms, Error **errp)
{
    g_autoptr(DeviceTree) dt = dt_new(VIRT_FDT_INITIAL_SIZE, errp);
    size_t i, size;
    void *blob;

    if (!dt) {
        return false;
    }
    for (i = 0; i < ARRAY_SIZE(virt_fdt_parts); i++) {
        if (!virt_fdt_parts[i](vms, dt, errp)) {
            return false;
        }
    }
    if (!virt_fdt_run_hooks(vms, dt, errp)) {
        return false;
    }
    blob = dt_finish(g_steal_pointer(&dt), &size, errp);
    if (!blob) {
        return false;
    }
    g_free(vms->fdt);
    vms->fdt = blob;
    vms->fdt_size = size;
    trace_virt_fdt_build(size, g_list_length(vms->fdt_hooks));
    return true;
}
