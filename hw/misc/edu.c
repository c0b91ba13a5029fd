/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edu: the educational PCI device of QEMU's documentation, with the same
 * register interface (BAR 0, 1 MiB) so that one driver, qtest script or
 * benchmark works against both.  It offers an identification register, a
 * liveness check (reads return the complement of the last write), a
 * factorial unit, an interrupt status register with raise and
 * acknowledge registers (INTx, or MSI with one vector when the guest
 * enables it), and a DMA engine that copies between guest memory and a
 * 4 KiB buffer which sits at device address 0x40000.
 *
 * DMA is bus-master traffic: it goes through the function's DMA address
 * space (so through an IOMMU when there is one, and nowhere while the
 * command register's master bit is clear), after the guest-memory side
 * address is masked with the "dma_mask" property as QEMU does; with
 * "x-pasid" (ours) the transfers carry that PASID, for IOMMU substream
 * tests (interrupt messages never carry one).  A command completes
 * "dma-delay-ns" nanoseconds of virtual time after it is written (QEMU:
 * 100 ms); 0 completes it inside the register write.
 *
 * Where this model differs from QEMU's on purpose: the factorial is
 * computed during the write of its register (QEMU uses a thread), so the
 * "computing" status bit is never seen set, which a guest that polls it
 * as documented cannot tell apart; a transfer outside the device buffer
 * is logged and skipped (QEMU copies anyway, past its buffer); and a
 * function reset clears the registers and cancels a pending transfer
 * (QEMU's keeps them).
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "trace/trace-hw_misc.h"

#define TYPE_EDU "edu"
#define EDU(obj) OBJECT_CHECK(EduState, (obj), TYPE_EDU)

/* Register offsets in BAR 0. */
enum {
    A_ID = 0x00,            /* RO: 0xRRrr00ed, major RR, minor rr */
    A_LIVENESS = 0x04,      /* reads the complement of the last write */
    A_FACTORIAL = 0x08,     /* write n: computes n!; read: the result */
    A_STATUS = 0x20,        /* STATUS_* */
    A_IRQ_STATUS = 0x24,    /* RO: IRQ_* bits raised and not acked */
    A_IRQ_RAISE = 0x60,     /* WO: OR the value into the status, raise */
    A_IRQ_ACK = 0x64,       /* WO: clear the bits, lower when none left */
    A_DMA_SRC = 0x80,       /* the A_DMA_* registers are 64-bit */
    A_DMA_DST = 0x88,
    A_DMA_CNT = 0x90,
    A_DMA_CMD = 0x98,       /* DMA_CMD_* */
};

/* Below this offset only 32-bit accesses work; from it, 32 or 64-bit. */
#define EDU_WIDE_REGS_START 0x80

#define EDU_ID 0x010000edu          /* version 1.0 */
#define EDU_BAR_SIZE (1 * MiB)
#define STATUS_COMPUTING 0x01       /* RO: not ready (never set here) */
#define STATUS_IRQ_FACT 0x80        /* RW: raise IRQ_FACT when it is */

#define IRQ_FACT 0x001
#define IRQ_DMA 0x100

#define DMA_CMD_RUN 0x1             /* start; clear again when done */
#define DMA_CMD_TO_RAM 0x2          /* 0: RAM to buffer, 1: buffer to RAM */
#define DMA_CMD_IRQ 0x4             /* raise IRQ_DMA when done */

/* The device buffer, as the DMA engine addresses it. */
#define EDU_BUF_START 0x40000
#define EDU_BUF_SIZE 4096

#define EDU_DEFAULT_DMA_MASK ((1ULL << 28) - 1)
#define EDU_DEFAULT_DMA_DELAY_NS (100 * SCALE_MS)
#define EDU_MAX_PASID 0xfffff       /* PASIDs are 20 bits */

typedef struct EduState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    QEMUTimer *dma_timer;       /* armed while DMA_CMD_RUN is set */

    uint32_t liveness;          /* already complemented */
    uint32_t fact;
    uint32_t status;
    uint32_t irq_status;
    uint64_t dma_src;
    uint64_t dma_dst;
    uint64_t dma_cnt;
    uint64_t dma_cmd;
    uint8_t buf[EDU_BUF_SIZE];

    /* Properties */
    uint64_t dma_mask;
    uint64_t dma_delay_ns;
} EduState;

/* ---- interrupts ---- */

/*
 * Every raise sends the MSI again, even for bits already set: a driver
 * that acknowledges one source while another stays pending gets a new
 * message for the next raise, as with QEMU's model.  INTx is a level that
 * follows "any bit set" while MSI is off.
 */
static void edu_raise_irq(EduState *s, uint32_t bits)
{
    PCIDevice *dev = PCI_DEVICE(s);
    bool msi = msi_enabled(dev);

    s->irq_status |= bits;
    trace_edu_irq_raise(bits, s->irq_status, msi);
    if (!s->irq_status) {
        return;
    }
    if (msi) {
        msi_notify(dev, 0);
    } else {
        pci_irq_assert(dev);
    }
}

static void edu_lower_irq(EduState *s, uint32_t bits)
{
    PCIDevice *dev = PCI_DEVICE(s);

    s->irq_status &= ~bits;
    trace_edu_irq_lower(bits, s->irq_status);
    if (!s->irq_status && !msi_enabled(dev)) {
        pci_irq_deassert(dev);
    }
}

/* ---- factorial ---- */

/*
 * n! modulo 2^32, as the 32-bit register holds it.  The product of 34 or
 * more consecutive factors contains 2^32, so the loop ends after at most
 * 34 rounds once the result is 0, however large n is.
 */
static uint32_t edu_factorial(uint32_t n)
{
    uint32_t r = 1;

    for (uint32_t i = n; i > 1 && r != 0; i--) {
        r *= i;
    }
    return r;
}

static void edu_write_factorial(EduState *s, uint32_t n)
{
    s->fact = edu_factorial(n);
    trace_edu_factorial(n, s->fact);
    if (s->status & STATUS_IRQ_FACT) {
        edu_raise_irq(s, IRQ_FACT);
    }
}

/* ---- DMA ---- */

/*
 * Whether [addr, addr + len) lies in the device buffer; the same test as
 * QEMU's (a length that wraps around is out of range).
 */
static bool edu_buf_range_ok(uint64_t addr, uint64_t len)
{
    uint64_t off = addr - EDU_BUF_START;

    return addr >= EDU_BUF_START && off <= EDU_BUF_SIZE &&
           len <= EDU_BUF_SIZE - off;
}

/* The guest-memory side address, limited to dma_mask as QEMU does. */
static uint64_t edu_dma_clamp(EduState *s, uint64_t addr)
{
    uint64_t masked = addr & s->dma_mask;

    if (masked != addr) {
        qemu_log_mask(LOG_GUEST_ERROR, "edu: DMA address 0x%" PRIx64
                      " clamped to 0x%" PRIx64 " by dma_mask\n", addr,
                      masked);
    }
    return masked;
}

/* Carry out the command in dma_cmd and finish it, whatever the outcome. */
static void edu_dma_run(EduState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);
    bool to_ram = s->dma_cmd & DMA_CMD_TO_RAM;
    uint64_t buf_addr = to_ram ? s->dma_src : s->dma_dst;
    uint64_t ram_addr = to_ram ? s->dma_dst : s->dma_src;

    if (!edu_buf_range_ok(buf_addr, s->dma_cnt)) {
        qemu_log_mask(LOG_GUEST_ERROR, "edu: DMA of 0x%" PRIx64 " bytes at "
                      "device address 0x%" PRIx64 " is outside the buffer "
                      "(0x%x-0x%x); not transferred\n", s->dma_cnt, buf_addr,
                      EDU_BUF_START, EDU_BUF_START + EDU_BUF_SIZE - 1);
        trace_edu_dma_done(s->dma_cmd, "out of range");
    } else {
        uint8_t *p = s->buf + (buf_addr - EDU_BUF_START);
        MemTxResult r;

        ram_addr = edu_dma_clamp(s, ram_addr);
        /* A failed read leaves zeros in the buffer past the fault. */
        r = to_ram ? pci_dma_write(dev, ram_addr, p, s->dma_cnt)
                   : pci_dma_read(dev, ram_addr, p, s->dma_cnt);
        if (r != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "edu: DMA %s 0x%" PRIx64 " bytes "
                          "at 0x%" PRIx64 " failed: %s\n",
                          to_ram ? "write of" : "read of", s->dma_cnt,
                          ram_addr, memtx_result_str(r));
        }
        trace_edu_dma_done(s->dma_cmd, memtx_result_str(r));
    }

    s->dma_cmd &= ~(uint64_t)DMA_CMD_RUN;
    if (s->dma_cmd & DMA_CMD_IRQ) {
        edu_raise_irq(s, IRQ_DMA);
    }
}

/* Armed only while DMA_CMD_RUN is set: reset and exit delete it. */
static void edu_dma_timer_cb(void *opaque)
{
    edu_dma_run(opaque);
}

static void edu_dma_start(EduState *s, uint64_t cmd)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t due = INT64_MAX;

    s->dma_cmd = cmd;
    if (s->dma_delay_ns <= (uint64_t)(INT64_MAX - now)) {
        due = now + (int64_t)s->dma_delay_ns;
    }
    trace_edu_dma_start(cmd, s->dma_src, s->dma_dst, s->dma_cnt, due);
    if (s->dma_delay_ns == 0) {
        edu_dma_run(s);
        return;
    }
    timer_mod(s->dma_timer, due);
}

/* ---- registers ---- */

/* QEMU's rule: 32-bit accesses everywhere, 64-bit from 0x80 on. */
static bool edu_access_ok(hwaddr addr, unsigned size, bool write)
{
    if (size == 4 || (size == 8 && addr >= EDU_WIDE_REGS_START)) {
        return true;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "edu: %u-byte %s at 0x%" HWADDR_PRIx
                  " ignored (0x00-0x7f take 4 bytes only)\n", size,
                  write ? "write" : "read", addr);
    return false;
}

static uint64_t edu_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    EduState *s = opaque;
    /* What QEMU's model answers for a bad size or offset. */
    uint64_t val = UINT64_MAX;

    if (edu_access_ok(addr, size, false)) {
        switch (addr) {
        case A_ID:
            val = EDU_ID;
            break;
        case A_LIVENESS:
            val = s->liveness;
            break;
        case A_FACTORIAL:
            val = s->fact;
            break;
        case A_STATUS:
            val = s->status;
            break;
        case A_IRQ_STATUS:
            val = s->irq_status;
            break;
        case A_DMA_SRC:
            val = s->dma_src;
            break;
        case A_DMA_DST:
            val = s->dma_dst;
            break;
        case A_DMA_CNT:
            val = s->dma_cnt;
            break;
        case A_DMA_CMD:
            val = s->dma_cmd;
            break;
        default:
            qemu_log_mask(LOG_GUEST_ERROR, "edu: read of unknown register "
                          "0x%" HWADDR_PRIx "\n", addr);
            break;
        }
    }
    if (size == 4) {
        val = (uint32_t)val;
    }
    trace_edu_mmio_read(addr, size, val);
    return val;
}

/* The DMA registers are frozen while a transfer is pending, as in QEMU. */
static bool edu_dma_idle(EduState *s, hwaddr addr)
{
    if (!(s->dma_cmd & DMA_CMD_RUN)) {
        return true;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "edu: write to DMA register 0x%"
                  HWADDR_PRIx " ignored while a transfer is in progress\n",
                  addr);
    return false;
}

static void edu_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    EduState *s = opaque;

    trace_edu_mmio_write(addr, size, val);
    if (!edu_access_ok(addr, size, true)) {
        return;
    }
    switch (addr) {
    case A_LIVENESS:
        s->liveness = ~(uint32_t)val;
        break;
    case A_FACTORIAL:
        /*
         * QEMU ignores this write while STATUS_COMPUTING is set; here the
         * result is ready before the write returns, so never.
         */
        edu_write_factorial(s, val);
        break;
    case A_STATUS:
        s->status = (s->status & ~STATUS_IRQ_FACT) | (val & STATUS_IRQ_FACT);
        break;
    case A_IRQ_RAISE:
        edu_raise_irq(s, val);
        break;
    case A_IRQ_ACK:
        edu_lower_irq(s, val);
        break;
    case A_DMA_SRC:
        if (edu_dma_idle(s, addr)) {
            s->dma_src = val;
        }
        break;
    case A_DMA_DST:
        if (edu_dma_idle(s, addr)) {
            s->dma_dst = val;
        }
        break;
    case A_DMA_CNT:
        if (edu_dma_idle(s, addr)) {
            s->dma_cnt = val;
        }
        break;
    case A_DMA_CMD:
        /* A command without the start bit is dropped, as in QEMU. */
        if ((val & DMA_CMD_RUN) && edu_dma_idle(s, addr)) {
            edu_dma_start(s, val);
        }
        break;
    case A_ID:
    case A_IRQ_STATUS:
        qemu_log_mask(LOG_GUEST_ERROR, "edu: write to read-only register "
                      "0x%" HWADDR_PRIx " ignored\n", addr);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "edu: write to unknown register 0x%"
                      HWADDR_PRIx " ignored\n", addr);
        break;
    }
}

/* Narrower or unaligned accesses fail in the memory core, as in QEMU. */
static const MemoryRegionOps edu_mmio_ops = {
    .read = edu_mmio_read,
    .write = edu_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 4,
    .valid.max_access_size = 8,
    .impl.min_access_size = 4,
    .impl.max_access_size = 8,
};

/* ---- life cycle ---- */

static bool edu_realize(PCIDevice *dev, Error **errp)
{
    EduState *s = EDU(dev);

    pci_set_byte(dev->config + PCI_INTERRUPT_PIN, 1);   /* INTA */
    if (msi_init(dev, 0, 1, true, false, errp) < 0) {
        return false;
    }
    pci_register_bar(dev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    return true;
}

/* An unplugged edu finishes no transfer. */
static void edu_exit(PCIDevice *dev)
{
    timer_del(EDU(dev)->dma_timer);
    msi_uninit(dev);
}

/*
 * The function's registers return to their power-on values; the buffer
 * keeps its bytes (nothing says otherwise).  The core has already lowered
 * INTx and disabled MSI.
 */
static void edu_reset(PCIDevice *dev)
{
    EduState *s = EDU(dev);

    trace_edu_reset();
    timer_del(s->dma_timer);
    s->liveness = 0;
    s->fact = 0;
    s->status = 0;
    s->irq_status = 0;
    s->dma_src = 0;
    s->dma_dst = 0;
    s->dma_cnt = 0;
    s->dma_cmd = 0;
}

static void edu_instance_init(Object *obj)
{
    EduState *s = EDU(obj);

    memory_region_init_io(&s->mmio, obj, &edu_mmio_ops, s, "edu-mmio",
                          EDU_BAR_SIZE);
    s->dma_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, edu_dma_timer_cb, s);
}

static void edu_instance_finalize(Object *obj)
{
    EduState *s = EDU(obj);

    timer_free(s->dma_timer);
    memory_region_destroy(&s->mmio);
}

static const Property edu_props[] = {
    /* A plain QOM property in QEMU, so it may change at run time there. */
    {
        .name = "dma_mask", .info = &prop_info_uint64,
        .offset = offsetof(EduState, dma_mask),
        .defval.u = EDU_DEFAULT_DMA_MASK, .runtime = true,
        .description = "Mask applied to guest-memory DMA addresses",
    },
    DEFINE_PROP_UINT64("dma-delay-ns", EduState, dma_delay_ns,
                       EDU_DEFAULT_DMA_DELAY_NS, "Virtual time from a DMA "
                       "command to its completion (0: at once)"),
    /* Ours (tests of IOMMU substreams): the PCI core's field itself. */
    {
        .name = "x-pasid", .info = &prop_info_int32,
        .offset = offsetof(EduState, parent_obj.dma_pasid),
        .defval.i = -1, .min = -1, .max = EDU_MAX_PASID, .runtime = true,
        .description = "PASID carried by the DMA transfers (-1: none)",
    },
    { NULL }
};

static void edu_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    dc->desc = "Educational PCI device (factorial, interrupts, DMA)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    dc->hotpluggable = true;
    pc->realize = edu_realize;
    pc->exit = edu_exit;
    pc->reset = edu_reset;
    pc->vendor_id = PCI_VENDOR_ID_QEMU;
    pc->device_id = PCI_DEVICE_ID_QEMU_EDU;
    pc->revision = 0x10;
    pc->class_id = PCI_CLASS_OTHERS;
    object_class_add_props(oc, edu_props);
}

static const TypeInfo edu_types[] = {
    {
        .name = TYPE_EDU,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(EduState),
        .instance_init = edu_instance_init,
        .instance_finalize = edu_instance_finalize,
        .class_init = edu_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { NULL },
        },
    },
};

DEFINE_TYPES(edu_types)
