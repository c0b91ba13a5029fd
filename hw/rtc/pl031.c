/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm PrimeCell PL031 real-time clock, after the PL031 Technical
 * Reference Manual (DDI 0224): a 32-bit seconds counter (RTCDR) that
 * software loads through RTCLR, and a match register (RTCMR) that raises
 * the interrupt when the counter reaches it.
 *
 * The counter starts from the host's wall-clock time and runs on the
 * virtual clock.  The alarm is a virtual-clock timer armed for the
 * instant the counter reaches RTCMR (the next whole-second boundary
 * that makes RTCDR == RTCMR), so advancing the virtual clock (qtest
 * clock_step) is what makes it fire.  RTCCR reads as 1: the counter
 * cannot be stopped, as in QEMU.
 */
#include "qemu/osdep.h"
#include "hw/rtc/pl031.h"
#include "hw/irq.h"
#include "monitor/monitor.h"
#include "qemu/log.h"
#include "trace/trace-hw_rtc.h"

/* Register offsets (TRM 3.2, table 3-1). */
enum {
    A_DR = 0x00,                /* data: the current count */
    A_MR = 0x04,                /* match */
    A_LR = 0x08,                /* load */
    A_CR = 0x0c,                /* control: bit 0 starts the counter */
    A_IMSC = 0x10,              /* interrupt mask set/clear */
    A_RIS = 0x14,               /* raw interrupt status */
    A_MIS = 0x18,               /* masked interrupt status */
    A_ICR = 0x1c,               /* interrupt clear */
    A_ID_FIRST = 0xfe0,         /* PeriphID0..3, PCellID0..3 */
    A_ID_LAST = 0xffc,
};

#define RTC_INT_MATCH 1u

/* PeriphID 0x00141031, PrimeCell ID 0xb105f00d. */
static const uint8_t pl031_id[8] = {
    0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static void pl031_update(PL031State *s)
{
    uint32_t pending = s->is & s->im;

    trace_pl031_irq_state(pending);
    qemu_set_irq(s->irq, pending != 0);
}

static void pl031_alarm(void *opaque)
{
    PL031State *s = opaque;

    trace_pl031_alarm_raised();
    s->is = RTC_INT_MATCH;
    pl031_update(s);
}

static int64_t pl031_now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static uint32_t pl031_count_at(PL031State *s, int64_t now_ns)
{
    return s->tick_offset + (uint32_t)(now_ns / NANOSECONDS_PER_SECOND);
}

static void pl031_set_alarm(PL031State *s)
{
    int64_t now = pl031_now_ns();
    /* Unsigned arithmetic: an RTCMR behind the count wraps around. */
    uint32_t ticks = s->mr - pl031_count_at(s, now);
    int64_t second = now / NANOSECONDS_PER_SECOND;

    trace_pl031_set_alarm(ticks);
    if (ticks == 0) {
        timer_del(s->timer);
        pl031_alarm(s);
        return;
    }
    timer_mod(s->timer, (second + ticks) * NANOSECONDS_PER_SECOND);
}

static void pl031_report_change(PL031State *s)
{
    JsonObject *data = json_object_new();
    g_autofree char *path = object_get_canonical_path(OBJECT(s));
    int64_t host = g_get_real_time() / G_USEC_PER_SEC;

    /* RTC_CHANGE: how far the guest's clock now is from the host's. */
    json_object_set_int_member(data, "offset",
                               (int64_t)pl031_count_at(s, pl031_now_ns()) -
                               host);
    json_object_set_string_member(data, "qom-path", path ? path : "");
    qapi_event_send("RTC_CHANGE", data);
}

static uint64_t pl031_read(void *opaque, hwaddr offset, unsigned size)
{
    PL031State *s = opaque;
    uint64_t r = 0;

    switch (offset) {
    case A_DR:
        r = pl031_count_at(s, pl031_now_ns());
        break;
    case A_MR:
        r = s->mr;
        break;
    case A_LR:
        r = s->lr;
        break;
    case A_CR:
        r = 1;
        break;
    case A_IMSC:
        r = s->im;
        break;
    case A_RIS:
        r = s->is;
        break;
    case A_MIS:
        r = s->is & s->im;
        break;
    case A_ICR:
        qemu_log_mask(LOG_GUEST_ERROR, "pl031: read of write-only register "
                      "RTCICR\n");
        break;
    case A_ID_FIRST ... A_ID_LAST:
        r = (offset & 3) ? 0 : pl031_id[(offset - A_ID_FIRST) >> 2];
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "pl031: read of bad offset 0x%"
                      HWADDR_PRIx "\n", offset);
        break;
    }
    trace_pl031_read(offset, r);
    return r;
}

static void pl031_write(void *opaque, hwaddr offset, uint64_t value,
                        unsigned size)
{
    PL031State *s = opaque;

    trace_pl031_write(offset, value);
    switch (offset) {
    case A_LR:
        s->lr = value;
        s->tick_offset += (uint32_t)value -
                          pl031_count_at(s, pl031_now_ns());
        pl031_report_change(s);
        pl031_set_alarm(s);
        break;
    case A_MR:
        s->mr = value;
        pl031_set_alarm(s);
        break;
    case A_IMSC:
        s->im = value & RTC_INT_MATCH;
        pl031_update(s);
        break;
    case A_ICR:
        s->is &= ~value;
        pl031_update(s);
        break;
    case A_CR:
        /* The counter always runs; RTCCR reads 1 whatever is written. */
        break;
    case A_DR:
    case A_RIS:
    case A_MIS:
        qemu_log_mask(LOG_GUEST_ERROR, "pl031: write to read-only register "
                      "at 0x%" HWADDR_PRIx "\n", offset);
        break;
    case A_ID_FIRST ... A_ID_LAST:
        qemu_log_mask(LOG_GUEST_ERROR, "pl031: write to read-only ID "
                      "register at 0x%" HWADDR_PRIx "\n", offset);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "pl031: write to bad offset 0x%"
                      HWADDR_PRIx "\n", offset);
        break;
    }
}

/* Any size is valid; the callbacks see whole words. */
static const MemoryRegionOps pl031_ops = {
    .read = pl031_read,
    .write = pl031_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
};

/*
 * Reset clears the match logic; the count keeps going, as a
 * battery-backed RTC would across a reboot.
 */
static void pl031_reset(DeviceState *dev)
{
    PL031State *s = PL031(dev);

    trace_pl031_reset();
    timer_del(s->timer);
    s->mr = 0;
    s->lr = 0;
    s->im = 0;
    s->is = 0;
    pl031_update(s);
}

static DeviceUnrealize pl031_parent_unrealize;

/* An unrealized RTC raises no alarm. */
static void pl031_unrealize(DeviceState *dev)
{
    timer_del(PL031(dev)->timer);
    pl031_parent_unrealize(dev);
}

static void pl031_instance_init(Object *obj)
{
    PL031State *s = PL031(obj);
    SysBusDevice *sbd = SYS_BUS_DEVICE(obj);
    int64_t host = g_get_real_time() / G_USEC_PER_SEC;

    memory_region_init_io(&s->iomem, obj, &pl031_ops, s, "pl031", 0x1000);
    sysbus_init_mmio(sbd, &s->iomem);
    sysbus_init_irq(sbd, &s->irq);
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pl031_alarm, s);
    s->tick_offset = (uint32_t)host -
                     (uint32_t)(pl031_now_ns() / NANOSECONDS_PER_SECOND);
}

static void pl031_instance_finalize(Object *obj)
{
    PL031State *s = PL031(obj);

    timer_free(s->timer);
    memory_region_destroy(&s->iomem);
}

static void pl031_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Arm PrimeCell PL031 real-time clock";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->reset = pl031_reset;
    pl031_parent_unrealize = dc->unrealize;
    dc->unrealize = pl031_unrealize;
}

static const TypeInfo pl031_types[] = {
    {
        .name = TYPE_PL031,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(PL031State),
        .instance_init = pl031_instance_init,
        .instance_finalize = pl031_instance_finalize,
        .class_init = pl031_class_init,
    },
};

DEFINE_TYPES(pl031_types)
