/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's PL031 RTC at 0x09010000, through qtest: ID
 * registers, the counter following the virtual clock, and the match
 * alarm: a timer on the virtual clock that clock_step makes fire, seen
 * as SPI 2 rising on the intercepted GIC input.
 */
#include "libqtest.h"

#define RTC 0x09010000ULL
#define RTCDR 0x00
#define RTCMR 0x04
#define RTCLR 0x08
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c

#define RTC_SPI 2
#define NS_PER_SEC 1000000000LL

static void test_id_registers(void)
{
    static const uint8_t id[8] = {
        0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
    };
    QTestState *s = qtest_init(NULL);
    int i;

    for (i = 0; i < 8; i++) {
        g_assert_cmphex(qtest_readl(s, RTC + 0xfe0 + 4 * i), ==, id[i]);
    }
    qtest_quit(s);
}

static void test_counter_follows_clock(void)
{
    QTestState *s = qtest_init(NULL);
    uint32_t t0;

    qtest_writel(s, RTC + RTCLR, 1000);
    t0 = qtest_readl(s, RTC + RTCDR);
    g_assert_cmpuint(t0, ==, 1000);
    /* Only the virtual clock moves it, and by whole seconds. */
    qtest_clock_step(s, NS_PER_SEC / 2);
    g_assert_cmpuint(qtest_readl(s, RTC + RTCDR), <=, t0 + 1);
    qtest_clock_step(s, 3 * NS_PER_SEC);
    g_assert_cmpuint(qtest_readl(s, RTC + RTCDR), ==, t0 + 3);
    qtest_quit(s);
}

static void test_alarm(void)
{
    QTestState *s = qtest_init(NULL);
    uint32_t now;
    int64_t t;

    qtest_irq_intercept_in(s, "/machine/gic");
    now = qtest_readl(s, RTC + RTCDR);
    qtest_writel(s, RTC + RTCIMSC, 1);
    qtest_writel(s, RTC + RTCMR, now + 2);
    g_assert_cmphex(qtest_readl(s, RTC + RTCRIS), ==, 0);
    g_assert_false(qtest_get_irq(s, RTC_SPI));

    /* One second on: not yet. */
    qtest_clock_step(s, NS_PER_SEC);
    g_assert_cmphex(qtest_readl(s, RTC + RTCRIS), ==, 0);
    g_assert_false(qtest_get_irq(s, RTC_SPI));

    /* The alarm is the next deadline: stepping to it fires it. */
    t = qtest_clock_step_next(s);
    g_assert_cmpint(t, <=, 2 * NS_PER_SEC);
    g_assert_cmphex(qtest_readl(s, RTC + RTCRIS), ==, 1);
    g_assert_cmphex(qtest_readl(s, RTC + RTCMIS), ==, 1);
    g_assert_true(qtest_get_irq(s, RTC_SPI));
    g_assert_cmpuint(qtest_readl(s, RTC + RTCDR), >=, now + 2);

    /* Clearing the interrupt lowers the line. */
    qtest_writel(s, RTC + RTCICR, 1);
    g_assert_cmphex(qtest_readl(s, RTC + RTCRIS), ==, 0);
    g_assert_false(qtest_get_irq(s, RTC_SPI));
    qtest_quit(s);
}

static void test_alarm_masked(void)
{
    QTestState *s = qtest_init(NULL);
    uint32_t now;

    qtest_irq_intercept_in(s, "/machine/gic");
    now = qtest_readl(s, RTC + RTCDR);
    qtest_writel(s, RTC + RTCMR, now + 1);
    qtest_clock_step(s, 2 * NS_PER_SEC);
    /* Raw status set, line low while masked; unmasking raises it. */
    g_assert_cmphex(qtest_readl(s, RTC + RTCRIS), ==, 1);
    g_assert_false(qtest_get_irq(s, RTC_SPI));
    qtest_writel(s, RTC + RTCIMSC, 1);
    g_assert_true(qtest_get_irq(s, RTC_SPI));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pl031/id-registers", test_id_registers);
    if (qtest_accel_is_qtest()) {
        g_test_add_func("/pl031/counter", test_counter_follows_clock);
        g_test_add_func("/pl031/alarm", test_alarm);
        g_test_add_func("/pl031/alarm-masked", test_alarm_masked);
    }
    return g_test_run();
}
