/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm PrimeCell PL011 UART, after the PL011 Technical Reference Manual
 * (DDI 0183) and the behaviour of QEMU's model that guests have been
 * tested against: transmission completes at once (the TX FIFO is always
 * empty and UARTTXINTR is raised after every byte), the receive
 * interrupt fires as soon as one character is waiting whatever
 * UARTIFLS says, and the receive-timeout interrupt is never raised.
 *
 * Received bytes the FIFO cannot take are kept in a host-side backlog
 * and fed in as the guest reads, which is what the flow control of a
 * real chardev frontend would do; only a backlog overflow loses data
 * (and reports an overrun, as hardware would).
 */
#include "qemu/osdep.h"
#include "hw/char/pl011.h"
#include "hw/irq.h"
#include "qemu/log.h"
#include "trace/trace-hw_char.h"

/* Register offsets (TRM 3.2, table 3-1). */
enum {
    A_DR = 0x000,
    A_RSR = 0x004,              /* read: RSR; write: ECR */
    A_FR = 0x018,
    A_ILPR = 0x020,
    A_IBRD = 0x024,
    A_FBRD = 0x028,
    A_LCR_H = 0x02c,
    A_CR = 0x030,
    A_IFLS = 0x034,
    A_IMSC = 0x038,
    A_RIS = 0x03c,
    A_MIS = 0x040,
    A_ICR = 0x044,
    A_DMACR = 0x048,
    A_ID_FIRST = 0xfe0,         /* PeriphID0..3, PCellID0..3 */
    A_ID_LAST = 0xffc,
};

/* UARTFR */
#define FR_CTS      (1u << 0)
#define FR_DSR      (1u << 1)
#define FR_DCD      (1u << 2)
#define FR_BUSY     (1u << 3)
#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define FR_RXFF     (1u << 6)
#define FR_TXFE     (1u << 7)
#define FR_RI       (1u << 8)

/* Interrupt bits of UARTIMSC, UARTRIS, UARTMIS, UARTICR */
#define INT_RI      (1u << 0)
#define INT_CTS     (1u << 1)
#define INT_DCD     (1u << 2)
#define INT_DSR     (1u << 3)
#define INT_RX      (1u << 4)
#define INT_TX      (1u << 5)
#define INT_RT      (1u << 6)
#define INT_FE      (1u << 7)
#define INT_PE      (1u << 8)
#define INT_BE      (1u << 9)
#define INT_OE      (1u << 10)
#define INT_ALL     0x7ffu
#define INT_E       (INT_OE | INT_BE | INT_PE | INT_FE)
#define INT_MS      (INT_RI | INT_DSR | INT_DCD | INT_CTS)

/* UARTDR error bits (above the data byte) */
#define DR_BE       (1u << 10)
#define DR_OE       (1u << 11)

/* UARTLCR_H */
#define LCR_BRK     (1u << 0)
#define LCR_FEN     (1u << 4)

/* UARTCR */
#define CR_UARTEN   (1u << 0)
#define CR_LBE      (1u << 7)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)
#define CR_DTR      (1u << 10)
#define CR_RTS      (1u << 11)
#define CR_OUT1     (1u << 12)
#define CR_OUT2     (1u << 13)

/* Writable widths (TRM register descriptions) */
#define IBRD_MASK   0xffffu
#define FBRD_MASK   0x3fu

/* Arm's variant: PeriphID 0x00141011, PrimeCell ID 0xb105f00d. */
static const uint8_t pl011_id_arm[8] = {
    0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* Which RIS bits drive each output line (the order of the IRQs). */
static const uint32_t pl011_irq_masks[PL011_NUM_IRQS] = {
    INT_E | INT_MS | INT_RT | INT_TX | INT_RX,  /* UARTINTR */
    INT_RX,
    INT_TX,
    INT_RT,
    INT_MS,
    INT_E,
};

static const char *pl011_reg_name(hwaddr offset)
{
    switch (offset) {
    case A_DR:
        return "DR";
    case A_RSR:
        return "RSR";
    case A_FR:
        return "FR";
    case A_ILPR:
        return "ILPR";
    case A_IBRD:
        return "IBRD";
    case A_FBRD:
        return "FBRD";
    case A_LCR_H:
        return "LCR_H";
    case A_CR:
        return "CR";
    case A_IFLS:
        return "IFLS";
    case A_IMSC:
        return "IMSC";
    case A_RIS:
        return "RIS";
    case A_MIS:
        return "MIS";
    case A_ICR:
        return "ICR";
    case A_DMACR:
        return "DMACR";
    default:
        return offset >= A_ID_FIRST && offset <= A_ID_LAST ? "ID" : "?";
    }
}

static void pl011_update(PL011State *s)
{
    uint32_t pending = s->int_level & s->int_enabled;
    int i;

    trace_pl011_irq_state(pending);
    for (i = 0; i < PL011_NUM_IRQS; i++) {
        qemu_set_irq(s->irq[i], (pending & pl011_irq_masks[i]) != 0);
    }
}

static unsigned pl011_fifo_depth(PL011State *s)
{
    return (s->lcr & LCR_FEN) ? PL011_FIFO_DEPTH : 1;
}

static void pl011_reset_rx_fifo(PL011State *s)
{
    s->read_count = 0;
    s->read_pos = 0;
    s->flags = (s->flags & ~FR_RXFF) | FR_RXFE;
}

/* Put one character (with error bits) in the FIFO; false if full. */
static bool pl011_put_fifo(PL011State *s, uint32_t value)
{
    unsigned depth = pl011_fifo_depth(s);

    if (s->read_count >= depth) {
        return false;
    }
    s->read_fifo[(s->read_pos + s->read_count) & (depth - 1)] = value;
    s->read_count++;
    s->flags &= ~FR_RXFE;
    if (s->read_count == depth) {
        s->flags |= FR_RXFF;
    }
    trace_pl011_put_fifo(value, s->read_count);
    /* UARTRXINTR rises with the first character, whatever UARTIFLS says. */
    if (s->read_count == 1) {
        s->int_level |= INT_RX;
        pl011_update(s);
    }
    return true;
}

/* Move backlogged bytes into the FIFO while there is room. */
static void pl011_drain_backlog(PL011State *s)
{
    guint done = 0;

    while (done < s->backlog->len &&
           pl011_put_fifo(s, s->backlog->data[done])) {
        done++;
    }
    if (done) {
        g_byte_array_remove_range(s->backlog, 0, done);
    }
}

static void pl011_receive(void *opaque, const uint8_t *buf, size_t len)
{
    PL011State *s = opaque;
    size_t dropped;

    /* In loopback mode the receiver only hears the transmitter. */
    if (s->cr & CR_LBE) {
        return;
    }
    trace_pl011_receive(len, s->backlog->len);
    g_byte_array_append(s->backlog, buf, MIN(len, (size_t)G_MAXUINT));
    pl011_drain_backlog(s);
    if (s->backlog->len > PL011_BACKLOG_MAX) {
        dropped = s->backlog->len - PL011_BACKLOG_MAX;
        g_byte_array_set_size(s->backlog, PL011_BACKLOG_MAX);
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: receive overrun, %zu "
                      "bytes dropped\n", dropped);
        /* The newest character in the FIFO carries the overrun. */
        s->read_fifo[(s->read_pos + s->read_count - 1) &
                     (pl011_fifo_depth(s) - 1)] |= DR_OE;
        s->int_level |= INT_OE;
        pl011_update(s);
    }
}

/* The chardev, if it still exists (it may be deleted before us). */
static Chardev *pl011_chardev(PL011State *s)
{
    if (s->chr && s->chardev_id && qemu_chr_find(s->chardev_id) == s->chr) {
        return s->chr;
    }
    return NULL;
}

static void pl011_write_data(PL011State *s, uint8_t ch)
{
    Chardev *chr = pl011_chardev(s);

    if (!(s->cr & CR_UARTEN)) {
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: data written to a disabled "
                      "UART\n");
    }
    if (!(s->cr & CR_TXE)) {
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: data written with the "
                      "transmitter disabled\n");
    }
    trace_pl011_transmit(ch, chr != NULL);
    if (chr) {
        /* A chardev without a peer drops the byte, like a cut cable. */
        qemu_chr_fe_write_all(chr, &ch, 1);
    }
    if (s->cr & CR_LBE) {
        pl011_put_fifo(s, ch);
    }
    s->int_level |= INT_TX;
    pl011_update(s);
}

static uint32_t pl011_read_data(PL011State *s)
{
    uint32_t c = s->read_fifo[s->read_pos];

    if (s->read_count > 0) {
        s->read_count--;
        s->read_pos = (s->read_pos + 1) & (pl011_fifo_depth(s) - 1);
    }
    s->flags &= ~FR_RXFF;
    if (s->read_count == 0) {
        s->flags |= FR_RXFE;
        s->int_level &= ~INT_RX;
    }
    s->rsr = (c >> 8) & 0xf;
    trace_pl011_read_fifo(s->read_count);
    pl011_drain_backlog(s);
    pl011_update(s);
    return c;
}

/*
 * In loopback mode each modem control output drives a status input (TRM
 * 3.3.8): its UARTFR flag, and the raw modem interrupt of that input.
 */
static const struct {
    uint32_t cr;
    uint32_t fr;
    uint32_t irq;
} pl011_modem_loops[] = {
    { CR_OUT2, FR_RI, INT_RI },
    { CR_OUT1, FR_DCD, INT_DCD },
    { CR_RTS, FR_CTS, INT_CTS },
    { CR_DTR, FR_DSR, INT_DSR },
};

static void pl011_loopback_modem(PL011State *s)
{
    size_t i;

    if (!(s->cr & CR_LBE)) {
        return;
    }
    s->flags &= ~(FR_RI | FR_DCD | FR_CTS | FR_DSR);
    s->int_level &= ~INT_MS;
    for (i = 0; i < ARRAY_SIZE(pl011_modem_loops); i++) {
        if (s->cr & pl011_modem_loops[i].cr) {
            s->flags |= pl011_modem_loops[i].fr;
            s->int_level |= pl011_modem_loops[i].irq;
        }
    }
    pl011_update(s);
}

static uint64_t pl011_read(void *opaque, hwaddr offset, unsigned size)
{
    PL011State *s = opaque;
    uint64_t r = 0;

    switch (offset) {
    case A_DR:
        r = pl011_read_data(s);
        break;
    case A_RSR:
        r = s->rsr;
        break;
    case A_FR:
        r = s->flags;
        break;
    case A_ILPR:
        r = s->ilpr;
        break;
    case A_IBRD:
        r = s->ibrd;
        break;
    case A_FBRD:
        r = s->fbrd;
        break;
    case A_LCR_H:
        r = s->lcr;
        break;
    case A_CR:
        r = s->cr;
        break;
    case A_IFLS:
        r = s->ifl;
        break;
    case A_IMSC:
        r = s->int_enabled;
        break;
    case A_RIS:
        r = s->int_level;
        break;
    case A_MIS:
        r = s->int_level & s->int_enabled;
        break;
    case A_DMACR:
        r = s->dmacr;
        break;
    case A_ID_FIRST ... A_ID_LAST:
        /* Any offset inside a word reads that word's ID byte (QEMU). */
        r = pl011_id_arm[(offset - A_ID_FIRST) >> 2];
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: read of bad offset 0x%"
                      HWADDR_PRIx "\n", offset);
        break;
    }
    trace_pl011_read(offset, r, pl011_reg_name(offset));
    return r;
}

static void pl011_write(void *opaque, hwaddr offset, uint64_t value,
                        unsigned size)
{
    PL011State *s = opaque;

    trace_pl011_write(offset, value, pl011_reg_name(offset));
    switch (offset) {
    case A_DR:
        pl011_write_data(s, value);
        break;
    case A_RSR:
        /* UARTECR: any write clears the error flags. */
        s->rsr = 0;
        break;
    case A_FR:
        /* Read-only; writes are ignored by the hardware too. */
        break;
    case A_ILPR:
        s->ilpr = value & 0xff;
        break;
    case A_IBRD:
        s->ibrd = value & IBRD_MASK;
        trace_pl011_baud_divisor(s->ibrd, s->fbrd);
        break;
    case A_FBRD:
        s->fbrd = value & FBRD_MASK;
        trace_pl011_baud_divisor(s->ibrd, s->fbrd);
        break;
    case A_LCR_H:
        /* Switching the FIFOs on or off empties them (TRM 3.3.7). */
        if ((s->lcr ^ value) & LCR_FEN) {
            pl011_reset_rx_fifo(s);
        }
        if ((s->lcr ^ value) & value & LCR_BRK && (s->cr & CR_LBE)) {
            /* A break looped back reads as a NUL with BE set. */
            pl011_put_fifo(s, DR_BE);
        }
        s->lcr = value & 0xff;
        pl011_drain_backlog(s);
        break;
    case A_CR:
        s->cr = value & 0xffff;
        pl011_loopback_modem(s);
        break;
    case A_IFLS:
        s->ifl = value & 0x3f;
        break;
    case A_IMSC:
        s->int_enabled = value & INT_ALL;
        pl011_update(s);
        break;
    case A_RIS:
    case A_MIS:
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: write to read-only register "
                      "%s\n", pl011_reg_name(offset));
        break;
    case A_ICR:
        s->int_level &= ~value;
        pl011_update(s);
        break;
    case A_DMACR:
        s->dmacr = value & 7;
        if (value & 3) {
            qemu_log_mask(LOG_UNIMP, "pl011: DMA is not implemented\n");
        }
        break;
    case A_ID_FIRST ... A_ID_LAST:
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: write to read-only ID "
                      "register at 0x%" HWADDR_PRIx "\n", offset);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "pl011: write to bad offset 0x%"
                      HWADDR_PRIx "\n", offset);
        break;
    }
}

/*
 * Byte, halfword and word accesses are valid (the registers sit in the
 * low bits of each word); the callbacks see whole words.
 */
static const MemoryRegionOps pl011_ops = {
    .read = pl011_read,
    .write = pl011_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
};

static void pl011_reset(DeviceState *dev)
{
    PL011State *s = PL011(dev);

    trace_pl011_reset();
    s->lcr = 0;
    s->rsr = 0;
    s->dmacr = 0;
    s->int_enabled = 0;
    s->int_level = 0;
    s->ilpr = 0;
    s->ibrd = 0;
    s->fbrd = 0;
    s->ifl = 0x12;
    s->cr = CR_RXE | CR_TXE;
    /* TX FIFO empty (always), RX FIFO empty. */
    s->flags = FR_TXFE;
    pl011_reset_rx_fifo(s);
    pl011_update(s);
    /* Input that arrived before the reset is still on the line. */
    pl011_drain_backlog(s);
}

static bool pl011_realize(DeviceState *dev, Error **errp)
{
    PL011State *s = PL011(dev);
    Chardev *chr;

    if (!s->chardev_id || !*s->chardev_id) {
        return true;
    }
    chr = qemu_chr_find(s->chardev_id);
    if (!chr) {
        error_setg(errp, "Property 'pl011.chardev' can't find value '%s'",
                   s->chardev_id);
        return false;
    }
    if (!qemu_chr_fe_set_handlers(chr, pl011_receive, NULL, s, NULL)) {
        error_setg(errp, "Property 'pl011.chardev' can't take value '%s', "
                   "it's in use", s->chardev_id);
        return false;
    }
    s->chr = chr;
    return true;
}

static DeviceUnrealize pl011_parent_unrealize;

static void pl011_unrealize(DeviceState *dev)
{
    PL011State *s = PL011(dev);
    Chardev *chr = pl011_chardev(s);

    if (chr) {
        qemu_chr_fe_set_handlers(chr, NULL, NULL, s, NULL);
    }
    s->chr = NULL;
    pl011_parent_unrealize(dev);
}

static void pl011_instance_init(Object *obj)
{
    PL011State *s = PL011(obj);
    SysBusDevice *sbd = SYS_BUS_DEVICE(obj);
    int i;

    s->backlog = g_byte_array_new();
    memory_region_init_io(&s->iomem, obj, &pl011_ops, s, "pl011",
                          0x1000);
    sysbus_init_mmio(sbd, &s->iomem);
    for (i = 0; i < PL011_NUM_IRQS; i++) {
        sysbus_init_irq(sbd, &s->irq[i]);
    }
    pl011_reset(DEVICE(obj));
}

static void pl011_instance_finalize(Object *obj)
{
    PL011State *s = PL011(obj);

    memory_region_destroy(&s->iomem);
    g_byte_array_unref(s->backlog);
}

static const Property pl011_props[] = {
    DEFINE_PROP_STRING("chardev", PL011State, chardev_id, NULL,
                       "ID of a chardev to use as a backend"),
    { NULL }
};

static void pl011_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Arm PrimeCell PL011 UART";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->realize = pl011_realize;
    pl011_parent_unrealize = dc->unrealize;
    dc->unrealize = pl011_unrealize;
    dc->reset = pl011_reset;
    object_class_add_props(oc, pl011_props);
}

static const TypeInfo pl011_types[] = {
    {
        .name = TYPE_PL011,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(PL011State),
        .instance_init = pl011_instance_init,
        .instance_finalize = pl011_instance_finalize,
        .class_init = pl011_class_init,
    },
};

DEFINE_TYPES(pl011_types)
