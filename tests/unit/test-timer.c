/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the virtual clock and timers: timers fire in deadline
 * order as the clock is advanced, each seeing its own deadline as "now",
 * re-arming from a callback works, and deleted timers never fire.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"

typedef struct Rec {
    GString *log;
    const char *name;
    QEMUTimer *t;
    int64_t rearm;  /* re-arm this many ns later, once */
} Rec;

static void rec_cb(void *opaque)
{
    Rec *r = opaque;

    g_string_append_printf(r->log, "%s@%" PRId64 " ", r->name,
                           qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    if (r->rearm) {
        int64_t d = r->rearm;

        r->rearm = 0;
        timer_mod(r->t, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + d);
    }
}

static void test_virtual_order(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Rec a = { log, "a" }, b = { log, "b" }, c = { log, "c" };
    int64_t base = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    a.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, rec_cb, &a);
    b.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, rec_cb, &b);
    c.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, rec_cb, &c);
    timer_mod(a.t, base + 300);
    timer_mod(b.t, base + 100);
    timer_mod(c.t, base + 200);
    b.rearm = 150;      /* fires again at base + 250 */
    timer_del(c.t);

    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 100);
    qemu_clock_advance_virtual(base + 99);
    g_assert_cmpstr(log->str, ==, "");
    qemu_clock_advance_virtual(base + 1000);
    {
        g_autofree char *want = g_strdup_printf(
            "b@%" PRId64 " b@%" PRId64 " a@%" PRId64 " ", base + 100,
            base + 250, base + 300);

        /* c was deleted and never fires; b re-armed itself once. */
        g_assert_cmpstr(log->str, ==, want);
    }
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, base + 1000);
    timer_free(a.t);
    timer_free(b.t);
    timer_free(c.t);
}

static void test_virtual_fires(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Rec a = { log, "a" }, b = { log, "b" };
    int64_t base = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_autofree char *want = NULL;

    a.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, rec_cb, &a);
    b.t = timer_new_ns(QEMU_CLOCK_VIRTUAL, rec_cb, &b);
    timer_mod(a.t, base + 300);
    timer_mod(b.t, base + 100);
    b.rearm = 150;
    qemu_clock_advance_virtual(base + 299);
    want = g_strdup_printf("b@%" PRId64 " b@%" PRId64 " ", base + 100,
                           base + 250);
    g_assert_cmpstr(log->str, ==, want);
    g_assert_true(timer_pending(a.t));
    qemu_clock_advance_virtual(base + 300);
    g_assert_false(timer_pending(a.t));
    g_free(want);
    want = g_strdup_printf("b@%" PRId64 " b@%" PRId64 " a@%" PRId64 " ",
                           base + 100, base + 250, base + 300);
    g_assert_cmpstr(log->str, ==, want);
    /* Going backwards is ignored. */
    qemu_clock_advance_virtual(base);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, base + 300);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);
    timer_free(a.t);
    timer_free(b.t);
}

static void bh_cb(void *opaque)
{
    (*(int *)opaque)++;
}

static void rt_cb(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_main_loop(void)
{
    int bh_runs = 0, rt_runs = 0;
    QEMUBH *bh = qemu_bh_new(bh_cb, &bh_runs);
    QEMUTimer *t = timer_new_ms(QEMU_CLOCK_REALTIME, rt_cb, &rt_runs);
    int i;

    qemu_bh_schedule(bh);
    qemu_bh_schedule(bh);       /* one run for both */
    main_loop_wait(false);
    g_assert_cmpint(bh_runs, ==, 1);
    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    main_loop_wait(false);
    g_assert_cmpint(bh_runs, ==, 1);

    timer_mod(t, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20);
    for (i = 0; i < 100 && !rt_runs; i++) {
        main_loop_wait(true);
    }
    g_assert_cmpint(rt_runs, ==, 1);
    qemu_bh_delete(bh);
    timer_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer/virtual/order-and-delete", test_virtual_order);
    g_test_add_func("/timer/virtual/fires-in-order", test_virtual_fires);
    g_test_add_func("/timer/main-loop", test_main_loop);
    return g_test_run();
}
