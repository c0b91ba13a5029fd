/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the PL031 RTC without a board: the counter starts at the
 * host's time and runs on the virtual clock, which the test moves with
 * qemu_clock_advance_virtual(); the alarm fires when the count reaches
 * RTCMR (exactly at the second boundary), raising RIS and, if unmasked,
 * the IRQ line.
 */
#include "qemu/osdep.h"
#include "hw/rtc/pl031.h"
#include "hw/irq.h"

#define BASE 0x9010000
#define RTCDR 0x00
#define RTCMR 0x04
#define RTCLR 0x08
#define RTCCR 0x0c
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c

#define SEC NANOSECONDS_PER_SECOND

typedef struct Fixture {
    DeviceState *dev;
    qemu_irq line;
    int level;
} Fixture;

static void line_handler(void *opaque, int n, int level)
{
    ((Fixture *)opaque)->level = level;
}

static uint32_t rd(hwaddr off)
{
    return address_space_ldl_le(&address_space_memory, BASE + off,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

static void wr(hwaddr off, uint32_t v)
{
    address_space_stl_le(&address_space_memory, BASE + off, v,
                         MEMTXATTRS_UNSPECIFIED, NULL);
}

static void advance(int64_t ns)
{
    qemu_clock_advance_virtual(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + ns);
}

static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->dev = qdev_new(TYPE_PL031);
    sysbus_realize(SYS_BUS_DEVICE(f->dev), &error_abort);
    sysbus_mmio_map(SYS_BUS_DEVICE(f->dev), 0, BASE);
    f->line = qemu_allocate_irq(line_handler, f, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(f->dev), 0, f->line);
}

static void fixture_fini(Fixture *f)
{
    object_unparent(OBJECT(f->dev));
    object_unref(OBJECT(f->dev));
    qemu_free_irq(f->line);
}

static void test_id_and_count(void)
{
    static const uint8_t id[8] = {
        0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
    };
    int64_t host = g_get_real_time() / G_USEC_PER_SEC;
    Fixture f;
    uint32_t t;
    int i;

    fixture_init(&f);
    for (i = 0; i < 8; i++) {
        g_assert_cmphex(rd(0xfe0 + 4 * i), ==, id[i]);
    }
    g_assert_cmphex(rd(RTCCR), ==, 1);
    /* The count starts at the host's time... */
    t = rd(RTCDR);
    g_assert_cmpint(llabs((int64_t)t - (uint32_t)host), <=, 2);
    /* ...and moves with the virtual clock only. */
    g_usleep(10 * 1000);
    g_assert_cmphex(rd(RTCDR), ==, t);
    advance(3 * SEC);
    g_assert_cmphex(rd(RTCDR), ==, t + 3);

    /* RTCLR loads the count. */
    wr(RTCLR, 1000);
    g_assert_cmphex(rd(RTCLR), ==, 1000);
    g_assert_cmphex(rd(RTCDR), ==, 1000);
    advance(5 * SEC);
    g_assert_cmphex(rd(RTCDR), ==, 1005);
    /* Read-only and bad offsets are survived. */
    wr(RTCDR, 0);
    g_assert_cmphex(rd(RTCDR), ==, 1005);
    g_assert_cmphex(rd(0x40), ==, 0);
    fixture_fini(&f);
}

static void test_alarm(void)
{
    Fixture f;
    uint32_t t;

    fixture_init(&f);
    t = rd(RTCDR);
    wr(RTCMR, t + 2);
    wr(RTCIMSC, 1);
    g_assert_cmphex(rd(RTCMR), ==, t + 2);
    advance(SEC);
    g_assert_cmphex(rd(RTCRIS), ==, 0);
    g_assert_cmpint(f.level, ==, 0);
    advance(SEC);
    g_assert_cmphex(rd(RTCDR), ==, t + 2);
    g_assert_cmphex(rd(RTCRIS), ==, 1);
    g_assert_cmphex(rd(RTCMIS), ==, 1);
    g_assert_cmpint(f.level, ==, 1);

    /* RTCICR clears it. */
    wr(RTCICR, 1);
    g_assert_cmphex(rd(RTCRIS), ==, 0);
    g_assert_cmpint(f.level, ==, 0);

    /* A match already reached fires at once. */
    wr(RTCMR, rd(RTCDR));
    g_assert_cmphex(rd(RTCRIS), ==, 1);
    g_assert_cmpint(f.level, ==, 1);
    wr(RTCICR, 1);
    fixture_fini(&f);
}

static void test_alarm_second_boundary(void)
{
    Fixture f;
    uint32_t t;

    fixture_init(&f);
    advance(SEC / 2);
    t = rd(RTCDR);
    wr(RTCMR, t + 1);
    /* The count reaches t + 1 half a second from now, not a second. */
    advance(SEC / 2 - 1);
    g_assert_cmphex(rd(RTCRIS), ==, 0);
    advance(1);
    g_assert_cmphex(rd(RTCDR), ==, t + 1);
    g_assert_cmphex(rd(RTCRIS), ==, 1);
    /* Masked: raw status only; unmasking raises the line. */
    g_assert_cmpint(f.level, ==, 0);
    g_assert_cmphex(rd(RTCMIS), ==, 0);
    wr(RTCIMSC, 1);
    g_assert_cmpint(f.level, ==, 1);
    wr(RTCIMSC, 0);
    g_assert_cmpint(f.level, ==, 0);
    advance(SEC / 2);
    fixture_fini(&f);
}

static void test_reset_and_unrealize(void)
{
    Fixture f;
    uint32_t t;

    fixture_init(&f);
    t = rd(RTCDR);
    wr(RTCMR, t + 10);
    wr(RTCIMSC, 1);
    device_cold_reset(f.dev);
    g_assert_cmphex(rd(RTCMR), ==, 0);
    g_assert_cmphex(rd(RTCIMSC), ==, 0);
    /* The count survives a reset; the alarm does not. */
    g_assert_cmphex(rd(RTCDR), ==, t);
    advance(20 * SEC);
    g_assert_cmphex(rd(RTCRIS), ==, 0);

    /* An unrealized RTC raises nothing. */
    t = rd(RTCDR);
    wr(RTCMR, t + 1);
    wr(RTCIMSC, 1);
    qdev_unrealize(f.dev);
    advance(2 * SEC);
    g_assert_cmpint(f.level, ==, 0);
    fixture_fini(&f);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pl031/id-and-count", test_id_and_count);
    g_test_add_func("/pl031/alarm", test_alarm);
    g_test_add_func("/pl031/alarm-second-boundary",
                    test_alarm_second_boundary);
    g_test_add_func("/pl031/reset-and-unrealize", test_reset_and_unrealize);
    ret = g_test_run();
    memory_system_teardown();
    return ret;
}
