/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of interrupt lines and GPIO lists: delivery with the line
 * number, NULL lines, interception and its undoing (what the qtest server
 * does), unnamed and named input lists that grow, out-of-range lines,
 * output lines connected and disconnected, and their QOM properties.
 * Devices are the test-only x-test-device; ASan checks that finalizing
 * one frees its lists.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"

/* What reached a recording handler. */
typedef struct Seen {
    void *opaque;
    int n;
    int level;
    int calls;
} Seen;

static Seen seen_a, seen_b;

static void handler_a(void *opaque, int n, int level)
{
    seen_a = (Seen) { opaque, n, level, seen_a.calls + 1 };
}

static void handler_b(void *opaque, int n, int level)
{
    seen_b = (Seen) { opaque, n, level, seen_b.calls + 1 };
}

static void reset_seen(void)
{
    memset(&seen_a, 0, sizeof(seen_a));
    memset(&seen_b, 0, sizeof(seen_b));
}

static void test_irq_delivery(void)
{
    int token;
    qemu_irq irq = qemu_allocate_irq(handler_a, &token, 7);
    qemu_irq *irqs = qemu_allocate_irqs(handler_b, &token, 3);

    reset_seen();
    qemu_irq_raise(irq);
    g_assert(seen_a.opaque == &token);
    g_assert_cmpint(seen_a.n, ==, 7);
    g_assert_cmpint(seen_a.level, ==, 1);
    qemu_irq_pulse(irq);
    g_assert_cmpint(seen_a.calls, ==, 3);
    g_assert_cmpint(seen_a.level, ==, 0);

    /* A NULL line is an unconnected output: nothing happens. */
    qemu_set_irq(NULL, 1);
    qemu_irq_intercept(NULL, handler_b, NULL);

    qemu_set_irq(irqs[2], 1);
    g_assert_cmpint(seen_b.n, ==, 2);
    qemu_set_irq(irqs[0], 1);
    g_assert_cmpint(seen_b.n, ==, 0);
    g_assert_cmpint(seen_b.calls, ==, 2);

    qemu_free_irq(irq);
    qemu_free_irqs(irqs, 3);
}

static void test_irq_intercept(void)
{
    int owner, spy;
    qemu_irq irq = qemu_allocate_irq(handler_a, &owner, 4);
    qemu_irq saved;

    reset_seen();
    saved = qemu_irq_intercept(irq, handler_b, &spy);
    g_assert_nonnull(saved);

    /* The interceptor sees the level with the line's own number... */
    qemu_set_irq(irq, 1);
    g_assert_cmpint(seen_b.calls, ==, 1);
    g_assert(seen_b.opaque == &spy);
    g_assert_cmpint(seen_b.n, ==, 4);
    g_assert_cmpint(seen_a.calls, ==, 0);
    /* ...and can pass it on to the original handler. */
    qemu_set_irq(saved, 1);
    g_assert_cmpint(seen_a.calls, ==, 1);
    g_assert(seen_a.opaque == &owner);
    g_assert_cmpint(seen_a.n, ==, 4);

    qemu_irq_unintercept(irq, saved);
    qemu_set_irq(irq, 0);
    g_assert_cmpint(seen_a.calls, ==, 2);
    g_assert_cmpint(seen_a.level, ==, 0);
    g_assert_cmpint(seen_b.calls, ==, 1);
    qemu_free_irq(irq);
}

static void test_gpio_in(void)
{
    DeviceState *dev = qdev_new("x-test-device");
    NamedGPIOList *ngl;

    reset_seen();
    g_assert_null(qdev_get_named_gpio_list(dev, NULL));
    g_assert_null(qdev_get_gpio_in(dev, 0));

    qdev_init_gpio_in(dev, handler_a, 3);
    qdev_init_gpio_in_named(dev, handler_b, "wake", 2);
    ngl = qdev_get_named_gpio_list(dev, NULL);
    g_assert_nonnull(ngl);
    g_assert_null(ngl->name);
    g_assert_cmpint(ngl->num_in, ==, 3);
    g_assert_cmpint(ngl->num_out, ==, 0);
    g_assert_cmpint(qdev_get_named_gpio_list(dev, "wake")->num_in, ==, 2);
    g_assert_null(qdev_get_named_gpio_list(dev, "sleep"));

    /* Out of range: NULL, not a crash. */
    g_assert_null(qdev_get_gpio_in(dev, 3));
    g_assert_null(qdev_get_gpio_in(dev, -1));
    g_assert_null(qdev_get_gpio_in_named(dev, "wake", 2));
    g_assert_null(qdev_get_gpio_in_named(dev, "sleep", 0));

    /* Lines reach the device's handler with the device and the number. */
    qemu_set_irq(qdev_get_gpio_in(dev, 2), 1);
    g_assert(seen_a.opaque == dev);
    g_assert_cmpint(seen_a.n, ==, 2);
    qemu_set_irq(qdev_get_gpio_in_named(dev, "wake", 1), 1);
    g_assert(seen_b.opaque == dev);
    g_assert_cmpint(seen_b.n, ==, 1);
    g_assert_cmpint(seen_a.calls, ==, 1);

    /* A list grows; numbers continue. */
    qdev_init_gpio_in(dev, handler_a, 2);
    g_assert_cmpint(ngl->num_in, ==, 5);
    g_assert(ngl->in[2] == qdev_get_gpio_in(dev, 2));
    qemu_set_irq(qdev_get_gpio_in(dev, 4), 1);
    g_assert_cmpint(seen_a.n, ==, 4);

    object_unref(OBJECT(dev));
}

static void test_gpio_out(void)
{
    DeviceState *dev = qdev_new("x-test-device");
    DeviceState *sink = qdev_new("x-test-device");
    qemu_irq pins[2] = { (qemu_irq)&pins, (qemu_irq)&pins };
    qemu_irq unnamed[1];
    NamedGPIOList *ngl;
    ObjectProperty *prop;
    g_autofree char *val = NULL;

    reset_seen();
    qdev_init_gpio_in_named(sink, handler_a, "in", 2);
    qdev_init_gpio_out_named(dev, pins, "out", 2);
    qdev_init_gpio_out(dev, unnamed, 1);
    /* Declared outputs start unconnected. */
    g_assert_null(pins[0]);
    g_assert_null(pins[1]);
    ngl = qdev_get_named_gpio_list(dev, "out");
    g_assert_cmpint(ngl->num_out, ==, 2);
    g_assert_cmpint(ngl->num_in, ==, 0);
    g_assert(ngl->out[1] == &pins[1]);

    qdev_connect_gpio_out_named(dev, "out", 1,
                                qdev_get_gpio_in_named(sink, "in", 0));
    g_assert(pins[1] == qdev_get_gpio_in_named(sink, "in", 0));
    qemu_set_irq(pins[1], 1);
    g_assert(seen_a.opaque == sink);
    g_assert_cmpint(seen_a.n, ==, 0);
    g_assert_cmpint(seen_a.level, ==, 1);

    qdev_connect_gpio_out(dev, 0, qdev_get_gpio_in_named(sink, "in", 1));
    qemu_set_irq(unnamed[0], 1);
    g_assert_cmpint(seen_a.n, ==, 1);

    /* Disconnecting: the output is NULL again and delivers nothing. */
    qdev_connect_gpio_out_named(dev, "out", 1, NULL);
    g_assert_null(pins[1]);
    qemu_set_irq(pins[1], 0);
    g_assert_cmpint(seen_a.calls, ==, 2);

    /* Outputs show up in QOM as link-like properties, as in QEMU. */
    prop = object_property_find(OBJECT(dev), "out[1]");
    g_assert_nonnull(prop);
    g_assert_cmpstr(prop->type, ==, "link<irq>");
    g_assert_nonnull(object_property_find(OBJECT(dev),
                                          "unnamed-gpio-out[0]"));
    g_assert_null(object_property_find(OBJECT(dev), "out[2]"));
    val = object_property_get_str(OBJECT(dev), "out[0]", &error_abort);
    g_assert_cmpstr(val, ==, "");

    object_unref(OBJECT(dev));
    object_unref(OBJECT(sink));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/irq/delivery", test_irq_delivery);
    g_test_add_func("/irq/intercept", test_irq_intercept);
    g_test_add_func("/gpio/in", test_gpio_in);
    g_test_add_func("/gpio/out", test_gpio_out);
    return g_test_run();
}
