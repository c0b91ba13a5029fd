/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the device core with the test-only device types:
 * device_add paths (ids, buses, errors), realize failure unwinding,
 * properties frozen after realize, -global defaults, reset, and the
 * hotplug rules for device_add/device_del.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "qemu/keyval.h"
#include "qdev-test-util.h"

static void test_device_add_basic(void)
{
    DeviceState *dev = dev_add("x-test-device,id=d1,int-prop=12,enum-prop=beta",
                               &error_abort);
    g_autofree char *path = object_get_canonical_path(OBJECT(dev));
    g_autofree char *e = object_property_get_str(OBJECT(dev), "enum-prop",
                                                 &error_abort);

    g_assert_true(dev->realized);
    g_assert_cmpstr(path, ==, "/machine/peripheral/d1");
    g_assert_cmpint(object_property_get_int(OBJECT(dev), "int-prop",
                                            &error_abort), ==, 12);
    g_assert_cmpstr(e, ==, "beta");
    g_assert(qdev_find_device("d1", &error_abort) == dev);
    g_assert(qdev_find_device("/machine/peripheral/d1", &error_abort) == dev);

    /* Anonymous devices go to peripheral-anon. */
    dev = dev_add("x-test-device", &error_abort);
    g_free(path);
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_true(g_str_has_prefix(path, "/machine/peripheral-anon/device["));
    object_unparent(OBJECT(dev));
    object_unparent(OBJECT(qdev_find_device("d1", &error_abort)));
}

static void test_device_add_errors(void)
{
    Error *err = NULL;

    dev_add_fails("nope", "'nope' is not a valid device model name");
    dev_add_fails("device", "Parameter 'driver' expects a non-abstract device "
                  "type");
    dev_add_fails("x-test-device,nope=1", "Property 'x-test-device.nope' not "
                  "found");
    dev_add_fails("x-test-device,bool-prop=2",
                  "Parameter 'bool-prop' expects 'on' or 'off'");
    dev_add_fails("x-test-device,id=9x",
                  "Parameter 'id' expects an identifier");
    dev_add_fails("x-test-bus-device,bus=nobus", "Bus 'nobus' not found");
    dev_add_fails("x-test-bus-device", "No 'x-test-bus' bus found for device "
                  "'x-test-bus-device'");
    dev_add_fails("x-test-device,fail-realize=on,id=f1",
                  "x-test-device: realize failed as requested "
                  "(fail-realize=on)");
    /* The failed device left nothing behind. */
    g_assert_null(qdev_find_device("f1", &err));
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free(err);

    g_assert_nonnull(dev_add("x-test-device,id=dup", &error_abort));
    dev_add_fails("x-test-device,id=dup", "Duplicate device ID 'dup'");
    object_unparent(OBJECT(qdev_find_device("dup", &error_abort)));
}

static void test_frozen_after_realize(void)
{
    DeviceState *dev = dev_add("x-test-device,id=fz", &error_abort);
    Error *err = NULL;

    g_assert_false(object_property_set_bool(OBJECT(dev), "bool-prop", true,
                                            &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Attempt to set property 'bool-prop' on device 'fz' "
                    "(type 'x-test-device') after it was realized");
    error_free(err);
    g_assert_false(object_property_get_bool(OBJECT(dev), "bool-prop",
                                            &error_abort));
    object_unparent(OBJECT(dev));
}

static void test_bus_and_hotplug(void)
{
    DeviceState *br = dev_add("x-test-bridge,id=br0", &error_abort);
    DeviceState *hbr = dev_add("x-test-bridge,id=hbr0,hotplug=on",
                               &error_abort);
    DeviceState *d;
    Error *err = NULL;

    d = dev_add("x-test-bus-device,bus=br0,id=bd1", &error_abort);
    g_assert(d->parent_bus == br->child_buses->data);
    dev_add_fails("x-test-device,bus=br0",
                  "Device 'x-test-device' can't go on x-test-bus bus");

    qdev_hotplug = true;
    /* Machine built: a bus without a handler refuses device_add... */
    dev_add_fails("x-test-bus-device,bus=br0",
                  "Bus 'br0' does not support hotplugging");
    dev_add_fails("x-test-device", "Device 'x-test-device' can not be "
                  "hotplugged on this machine");
    /* ...and device_del. */
    g_assert_false(qdev_unplug(d, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Bus 'br0' does not support hotplugging");
    error_free(err);
    err = NULL;
    g_assert_true(d->realized);

    /* A bus with a handler takes and releases devices at run time. */
    d = dev_add("x-test-bus-device,bus=hbr0,id=hd1", &error_abort);
    g_assert_true(d->realized);
    g_assert_cmpuint(((BusState *)hbr->child_buses->data)->children->len,
                     ==, 1);
    g_assert_true(qdev_unplug(d, &error_abort));
    g_assert_null(qdev_find_device("hd1", &err));
    error_free(err);
    g_assert_cmpuint(((BusState *)hbr->child_buses->data)->children->len,
                     ==, 0);
    qdev_hotplug = false;

    /* Removing a bridge removes what sits on its bus. */
    object_unparent(OBJECT(br));
    g_assert_null(object_resolve_path("/machine/peripheral/bd1", NULL));
    object_unparent(OBJECT(hbr));
}

static void test_globals_and_reset(void)
{
    DeviceState *dev;
    Error *err = NULL;

    qdev_prop_register_global("x-test-bridge", "hotplug", "on");
    dev = dev_add("x-test-bridge,id=gb", &error_abort);
    g_assert_true(object_property_get_bool(OBJECT(dev), "hotplug",
                                           &error_abort));
    object_unparent(OBJECT(dev));
    /* The command line wins over -global. */
    dev = dev_add("x-test-bridge,id=gb,hotplug=off", &error_abort);
    g_assert_false(object_property_get_bool(OBJECT(dev), "hotplug",
                                            &error_abort));
    object_unparent(OBJECT(dev));

    qdev_prop_register_global("x-test-bus-device", "nope", "1");
    g_assert_false(qdev_prop_check_globals(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "-global x-test-bus-device.nope=1: Property "
                    "'x-test-bus-device.nope' not found");
    error_free(err);

    dev = dev_add("x-test-device,id=rs", &error_abort);
    g_assert_cmpint(object_property_get_int(OBJECT(dev), "x-resets",
                                            &error_abort), ==, 0);
    device_cold_reset(dev);
    device_cold_reset(dev);
    g_assert_cmpint(object_property_get_int(OBJECT(dev), "x-resets",
                                            &error_abort), ==, 2);
    object_unparent(OBJECT(dev));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdev/device-add/basic", test_device_add_basic);
    g_test_add_func("/qdev/device-add/errors", test_device_add_errors);
    g_test_add_func("/qdev/frozen-after-realize", test_frozen_after_realize);
    g_test_add_func("/qdev/bus-and-hotplug", test_bus_and_hotplug);
    g_test_add_func("/qdev/globals-and-reset", test_globals_and_reset);
    return g_test_run();
}
