/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's platform bus: the 32 MiB window at
 * VIRT_PLATFORM_BUS (0x0c000000) and the 64 SPIs from
 * VIRT_SPI_PLATFORM_BUS (112) that QEMU reserves for sysbus devices
 * created with -device.  Here they are a small allocator: a device takes
 * an MMIO range and a run of consecutive SPIs at realize and gives them
 * back at unrealize, so the addresses depend only on the order of the
 * -device options (first fit from the bottom, like QEMU's platform bus).
 */
#include "qemu/osdep.h"
#include "hw/arm/virt.h"
#include "qemu/bitops.h"
#include "trace/trace-hw_arm.h"

typedef struct VirtPlatformSlot {
    uint64_t base;
    uint64_t size;
} VirtPlatformSlot;

static bool virt_platform_overlaps(VirtMachineState *vms, uint64_t base,
                                   uint64_t size)
{
    GList *l;

    for (l = vms->platform_mmio; l; l = l->next) {
        const VirtPlatformSlot *t = l->data;

        if (base < t->base + t->size && t->base < base + size) {
            return true;
        }
    }
    return false;
}

static bool virt_platform_alloc_mmio(VirtMachineState *vms, uint64_t size,
                                     uint64_t *base)
{
    const MemMapEntry *w = &vms->memmap[VIRT_PLATFORM_BUS];
    uint64_t b;

    for (b = (w->base + size - 1) & ~(size - 1);
         b + size <= w->base + w->size;
         b += size) {
        if (!virt_platform_overlaps(vms, b, size)) {
            *base = b;
            return true;
        }
    }
    return false;
}

static bool virt_platform_alloc_spis(VirtMachineState *vms, unsigned n,
                                     unsigned *first)
{
    uint64_t run = n == 64 ? UINT64_MAX : (1ULL << n) - 1;
    unsigned i;

    for (i = 0; i + n <= VIRT_SPI_PLATFORM_BUS_COUNT; i++) {
        if (!(vms->platform_spis & (run << i))) {
            *first = i;
            return true;
        }
    }
    return false;
}

bool virt_platform_alloc(VirtMachineState *vms, uint64_t size,
                         unsigned nr_spis, uint64_t *base,
                         unsigned *first_spi, Error **errp)
{
    VirtPlatformSlot *slot;
    unsigned spi = 0;

    g_assert(size && !(size & (size - 1)));
    g_assert(nr_spis <= VIRT_SPI_PLATFORM_BUS_COUNT);
    if (!virt_platform_alloc_mmio(vms, size, base)) {
        error_setg(errp, "no free 0x%" PRIx64 "-byte slot left in the "
                   "platform bus window (0x%" PRIx64 " bytes at 0x%" PRIx64
                   ")", size, vms->memmap[VIRT_PLATFORM_BUS].size,
                   vms->memmap[VIRT_PLATFORM_BUS].base);
        return false;
    }
    if (nr_spis && !virt_platform_alloc_spis(vms, nr_spis, &spi)) {
        error_setg(errp, "no %u consecutive free interrupts left among the "
                   "platform bus SPIs %u..%u", nr_spis,
                   VIRT_SPI_PLATFORM_BUS,
                   VIRT_SPI_PLATFORM_BUS + VIRT_SPI_PLATFORM_BUS_COUNT - 1);
        return false;
    }
    slot = g_new0(VirtPlatformSlot, 1);
    slot->base = *base;
    slot->size = size;
    vms->platform_mmio = g_list_append(vms->platform_mmio, slot);
    if (nr_spis) {
        vms->platform_spis |= MAKE_64BIT_MASK(spi, nr_spis);
    }
    *first_spi = VIRT_SPI_PLATFORM_BUS + spi;
    trace_virt_platform_alloc(*base, size, *first_spi, nr_spis);
    return true;
}

void virt_platform_free(VirtMachineState *vms, uint64_t base, uint64_t size,
                        unsigned first_spi, unsigned nr_spis)
{
    GList *l;

    trace_virt_platform_free(base, size, first_spi, nr_spis);
    for (l = vms->platform_mmio; l; l = l->next) {
        VirtPlatformSlot *t = l->data;

        if (t->base == base && t->size == size) {
            vms->platform_mmio = g_list_delete_link(vms->platform_mmio, l);
            g_free(t);
            break;
        }
    }
    if (nr_spis && first_spi >= VIRT_SPI_PLATFORM_BUS &&
        first_spi + nr_spis <=
        VIRT_SPI_PLATFORM_BUS + VIRT_SPI_PLATFORM_BUS_COUNT) {
        vms->platform_spis &= ~MAKE_64BIT_MASK(first_spi -
                                               VIRT_SPI_PLATFORM_BUS,
                                               nr_spis);
    }
}

void virt_platform_clear(VirtMachineState *vms)
{
    g_list_free_full(vms->platform_mmio, g_free);
    vms->platform_mmio = NULL;
    vms->platform_spis = 0;
}
