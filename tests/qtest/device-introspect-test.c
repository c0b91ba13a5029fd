/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device introspection and the device life cycle through QMP.  Every
 * concrete device type listed by qom-list-types must describe its
 * properties with device-list-properties; abstract and non-device types
 * must be refused.  Then hotplug: bus-less devices and buses without a
 * hotplug handler refuse device_add and device_del at run time with
 * QEMU's messages, while x-test-bridge,hotplug=on takes devices and
 * removes them at once (DEVICE_DELETED), and a failed device_add or a
 * failed realize on the command line leaves nothing behind.  The device
 * types used are the test-only ones of hw/core/test-types.c.
 */
#include <string.h>

#include "libqtest.h"

/* Properties every device has, which device-list-properties omits. */
static const char *const common_props[] = {
    "type", "realized", "hotpluggable", "hotplugged", "parent_bus",
};

/* ---- helpers ---- */

/* The names of the types qom-list-types returns for these arguments. */
static GPtrArray *list_types(QTestState *qts, const char *args)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'qom-list-types', 'arguments': %s}", args);
    JsonArray *arr = json_node_get_array(ret);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *t = json_array_get_object_element(arr, i);
        const char *name = json_object_get_string_member(t, "name");

        g_assert_nonnull(name);
        g_ptr_array_add(names, g_strdup(name));
        /* Without 'abstract': true, only concrete types are listed. */
        if (!strstr(args, "abstract")) {
            g_assert_false(json_object_get_boolean_member_with_default(
                               t, "abstract", false));
        }
    }
    json_node_unref(ret);
    return names;
}

static bool has_name(GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++) {
        if (!strcmp(names->pdata[i], name)) {
            return true;
        }
    }
    return false;
}

/* The names of the properties (children included) of a QOM path. */
static GPtrArray *qom_list_names(QTestState *qts, const char *path)
{
    g_autofree char *p = qtest_json_str(path);
    JsonNode *ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'qom-list', 'arguments': {'path': %s}}", p);
    JsonArray *arr = json_node_get_array(ret);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *prop = json_array_get_object_element(arr, i);

        g_ptr_array_add(names,
                        g_strdup(json_object_get_string_member(prop, "name")));
    }
    json_node_unref(ret);
    return names;
}

static bool qom_has_child(QTestState *qts, const char *path,
                          const char *name)
{
    GPtrArray *names = qom_list_names(qts, path);
    bool found = has_name(names, name);

    g_ptr_array_unref(names);
    return found;
}

/* How many properties a QOM path has ("type" and children included). */
static guint qom_count(QTestState *qts, const char *path)
{
    GPtrArray *names = qom_list_names(qts, path);
    guint n = names->len;

    g_ptr_array_unref(names);
    return n;
}

/*
 * device_add x-test-bus-device,id=hd on the hotplug bridge hb (started
 * with -device x-test-bridge,id=hb,hotplug=on) and check it is realized.
 */
static void plug_hd(QTestState *qts)
{
    qtest_qmp_assert_success(qts,
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'hb', "
        "'id': 'hd'}}");
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/hd", "realized"));
}

/* ---- introspection ---- */

/*
 * device-list-properties of one concrete type: a list of uniquely named,
 * typed properties, without the ones every device has.
 */
static void check_device_properties(QTestState *qts, const char *type)
{
    g_autofree char *t = qtest_json_str(type);
    JsonNode *ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'device-list-properties', "
        "'arguments': {'typename': %s}}", t);
    JsonArray *arr;
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    arr = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *elt = json_array_get_element(arr, i);
        JsonObject *prop;
        const char *name, *ptype;

        g_assert_true(JSON_NODE_HOLDS_OBJECT(elt));
        prop = json_node_get_object(elt);
        name = json_object_get_string_member_with_default(prop, "name",
                                                          NULL);
        ptype = json_object_get_string_member_with_default(prop, "type",
                                                           NULL);
        if (!name || !*name || !ptype || !*ptype) {
            g_autofree char *text = qtest_json_text(elt);

            g_error("%s: property without a name or type: %s", type, text);
        }
        if (!g_hash_table_add(seen, (gpointer)name)) {
            g_error("%s: property %s is listed twice", type, name);
        }
        for (size_t j = 0; j < G_N_ELEMENTS(common_props); j++) {
            g_assert_cmpstr(name, !=, common_props[j]);
        }
    }
    json_node_unref(ret);
}

static void test_introspect_concrete(void)
{
    QTestState *qts = qtest_init(NULL);
    GPtrArray *types = list_types(qts, "{'implements': 'device'}");

    g_assert_true(has_name(types, "x-test-device"));
    g_assert_true(has_name(types, "x-test-bridge"));
    g_assert_true(has_name(types, "x-test-bus-device"));
    g_assert_false(has_name(types, "device"));
    g_assert_false(has_name(types, "x-test-object"));
    for (guint i = 0; i < types->len; i++) {
        check_device_properties(qts, types->pdata[i]);
    }
    g_ptr_array_unref(types);

    /* The binary survived all of that. */
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    qtest_quit(qts);
}

/* What device-list-properties says about x-test-device in detail. */
static void test_introspect_test_device(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonNode *ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'device-list-properties', "
        "'arguments': {'typename': 'x-test-device'}}");
    JsonArray *arr = json_node_get_array(ret);
    static const struct {
        const char *name, *type;
    } expected[] = {
        { "bool-prop", "bool" },
        { "int-prop", "int32" },
        { "size-prop", "size" },
        { "str-prop", "str" },
        { "ooa-prop", "OnOffAuto" },
        { "link-prop", "link<object>" },
        { "fail-realize", "bool" },
    };
    guint found = 0;

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *prop = json_array_get_object_element(arr, i);
        const char *name = json_object_get_string_member(prop, "name");

        for (size_t j = 0; j < G_N_ELEMENTS(expected); j++) {
            if (!strcmp(name, expected[j].name)) {
                g_assert_cmpstr(json_object_get_string_member(prop, "type"),
                                ==, expected[j].type);
                found++;
            }
        }
        if (!strcmp(name, "int-prop")) {
            g_assert_cmpint(json_object_get_int_member(prop,
                                                       "default-value"),
                            ==, -1);
        }
        if (!strcmp(name, "size-prop")) {
            g_assert_cmpint(json_object_get_int_member(prop,
                                                       "default-value"),
                            ==, 4096);
        }
    }
    g_assert_cmpuint(found, ==, G_N_ELEMENTS(expected));
    json_node_unref(ret);
    qtest_quit(qts);
}

static void test_introspect_abstract(void)
{
    QTestState *qts = qtest_init(NULL);
    GPtrArray *types = list_types(qts,
                                  "{'implements': 'device', 'abstract': true}");

    /* The abstract base is listed when asked for, and is refused. */
    g_assert_true(has_name(types, "device"));
    g_assert_true(has_name(types, "x-test-device"));
    g_ptr_array_unref(types);
    qtest_qmp_expect_error(qts, "GenericError",
        "Parameter 'typename' expects a non-abstract device type",
        "{'execute': 'device-list-properties', "
        "'arguments': {'typename': 'device'}}");

    /* Not a device at all, and no such type. */
    qtest_qmp_expect_error(qts, "GenericError",
        "Parameter 'typename' expects a non-abstract device type",
        "{'execute': 'device-list-properties', "
        "'arguments': {'typename': 'x-test-object'}}");
    qtest_qmp_expect_error(qts, "DeviceNotFound", "Device 'nope' not found",
        "{'execute': 'device-list-properties', "
        "'arguments': {'typename': 'nope'}}");

    /* device_add refuses the same. */
    qtest_qmp_expect_error(qts, "GenericError",
        "Parameter 'driver' expects a non-abstract device type",
        "{'execute': 'device_add', 'arguments': {'driver': 'device'}}");
    qtest_qmp_expect_error(qts, "GenericError",
        "'x-test-object' is not a valid device model name",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-object'}}");
    qtest_quit(qts);
}

/* ---- hotplug refused ---- */

static void test_hotplug_refused(void)
{
    QTestState *qts = qtest_init("-device x-test-device,id=d0 "
                                 "-device x-test-bridge,id=br0 "
                                 "-device x-test-bus-device,bus=br0,id=bd0");
    guint peripherals = qom_count(qts, "/machine/peripheral");
    guint anon = qom_count(qts, "/machine/peripheral-anon");

    /* A bus-less device cannot come or go at run time. */
    qtest_qmp_expect_error(qts, "GenericError",
        "Device 'x-test-device' can not be hotplugged on this machine",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-device'}}");
    qtest_qmp_expect_error(qts, "GenericError",
        "Device 'x-test-device' can not be hotplugged on this machine",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-device', 'id': 'd1'}}");
    qtest_qmp_expect_error(qts, "GenericError",
        "Device 'x-test-device' does not support hotplugging",
        "{'execute': 'device_del', 'arguments': {'id': 'd0'}}");

    /* Nor on a bus without a hotplug handler, either way. */
    qtest_qmp_expect_error(qts, "GenericError",
        "Bus 'br0' does not support hotplugging",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'br0', "
        "'id': 'bd1'}}");
    qtest_qmp_expect_error(qts, "GenericError",
        "Bus 'br0' does not support hotplugging",
        "{'execute': 'device_del', 'arguments': {'id': 'bd0'}}");
    qtest_qmp_expect_error(qts, "GenericError", "Bus 'nope' not found",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'nope'}}");

    /* Nothing was added or removed, and no event was sent. */
    g_assert_cmpuint(qom_count(qts, "/machine/peripheral"), ==, peripherals);
    g_assert_cmpuint(qom_count(qts, "/machine/peripheral-anon"), ==, anon);
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/d0", "realized"));
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/bd0", "realized"));
    g_assert_null(qtest_qmp_event_ref(qts, "DEVICE_DELETED"));
    qtest_quit(qts);
}

/* ---- hotplug through x-test-bridge,hotplug=on ---- */

static void test_hotplug_bridge(void)
{
    QTestState *qts = qtest_init("-device x-test-bridge,id=hb,hotplug=on");
    JsonObject *ev, *data;
    GPtrArray *anon;
    g_autofree char *anon_path = NULL;

    g_assert_true(qtest_qom_get_bool(qts, "/machine/peripheral/hb", "hotplug"));
    plug_hd(qts);
    g_assert_true(qom_has_child(qts, "/machine/peripheral", "hd"));

    /* The id is taken now. */
    qtest_qmp_expect_error(qts, "GenericError", "Duplicate device ID 'hd'",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'hb', "
        "'id': 'hd'}}");

    /* Unplugged at once: the event names the device and its path. */
    qtest_qmp_assert_success(qts,
        "{'execute': 'device_del', 'arguments': {'id': 'hd'}}");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    data = json_object_get_object_member(ev, "data");
    g_assert_nonnull(data);
    g_assert_cmpstr(json_object_get_string_member(data, "device"), ==, "hd");
    g_assert_cmpstr(json_object_get_string_member(data, "path"), ==,
                    "/machine/peripheral/hd");
    g_assert_true(json_object_has_member(ev, "timestamp"));
    json_object_unref(ev);
    g_assert_false(qom_has_child(qts, "/machine/peripheral", "hd"));
    qtest_qmp_expect_error(qts, "DeviceNotFound", "Device 'hd' not found",
        "{'execute': 'device_del', 'arguments': {'id': 'hd'}}");

    /* The id can be used again. */
    plug_hd(qts);

    /* An anonymous device is deleted by path; its event has no id. */
    qtest_qmp_assert_success(qts,
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'hb'}}");
    anon = qom_list_names(qts, "/machine/peripheral-anon");
    g_assert_cmpuint(anon->len, ==, 2);     /* "type" and the device */
    for (guint i = 0; i < anon->len; i++) {
        if (strcmp(anon->pdata[i], "type")) {
            anon_path = g_strconcat("/machine/peripheral-anon/",
                                    (char *)anon->pdata[i], NULL);
        }
    }
    g_ptr_array_unref(anon);
    g_assert_nonnull(anon_path);
    g_assert_true(qtest_qom_get_bool(qts, anon_path, "realized"));
    qtest_qmp_assert_success(qts,
        "{'execute': 'device_del', 'arguments': {'id': '%s'}}", anon_path);
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    data = json_object_get_object_member(ev, "data");
    g_assert_false(json_object_has_member(data, "device"));
    g_assert_cmpstr(json_object_get_string_member(data, "path"), ==,
                    anon_path);
    json_object_unref(ev);
    g_assert_cmpuint(qom_count(qts, "/machine/peripheral-anon"), ==, 1);

    /* A bus-less device still cannot be hotplugged. */
    qtest_qmp_expect_error(qts, "GenericError",
        "Device 'x-test-device' can not be hotplugged on this machine",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-device', 'id': 'x'}}");
    g_assert_false(qom_has_child(qts, "/machine/peripheral", "x"));

    /* hd is still there, and nothing else was deleted. */
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/hd", "realized"));
    g_assert_null(qtest_qmp_event_ref(qts, "DEVICE_DELETED"));
    qtest_quit(qts);
}

/* ---- failures leave nothing behind ---- */

static void test_failed_add(void)
{
    QTestState *qts = qtest_init("-device x-test-bridge,id=hb,hotplug=on");
    guint peripherals = qom_count(qts, "/machine/peripheral");

    /* Fails while setting properties, after the id was checked. */
    qtest_qmp_expect_error(qts, "GenericError",
        "Property 'x-test-bus-device.no-such-prop' not found",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'hb', "
        "'id': 'hd', 'no-such-prop': 1}}");
    qtest_qmp_expect_error(qts, "GenericError",
        "Parameter 'id' expects an identifier",
        "{'execute': 'device_add', "
        "'arguments': {'driver': 'x-test-bus-device', 'bus': 'hb', "
        "'id': '1bad'}}");
    g_assert_false(qom_has_child(qts, "/machine/peripheral", "hd"));
    g_assert_cmpuint(qom_count(qts, "/machine/peripheral"), ==, peripherals);
    g_assert_cmpuint(qom_count(qts, "/machine/peripheral-anon"), ==, 1);
    g_assert_null(qtest_qmp_event_ref(qts, "DEVICE_DELETED"));

    /* The id was not kept by the failed attempt. */
    plug_hd(qts);
    qtest_quit(qts);
}

static void test_realize_fails_on_cmdline(void)
{
    g_autofree char *err = NULL;
    int status;

    /* x-test-bus-device cannot fail; x-test-device can, at startup. */
    status = qtest_run_to_exit("-device x-test-bridge,id=hb,hotplug=on "
                               "-device x-test-bus-device,bus=hb,id=a "
                               "-device x-test-device,fail-realize=on,id=f",
                               &err);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "-device x-test-device,fail-realize=on,"
                            "id=f: x-test-device: realize failed as "
                            "requested (fail-realize=on)"));
    /* One error line, no crash report or warnings after it. */
    g_assert_true(g_str_has_suffix(err, "\n"));
    g_assert_true(strchr(err, '\n') == err + strlen(err) - 1);

    /* The same device without fail-realize starts and quits cleanly. */
    qtest_quit(qtest_init("-device x-test-bridge,id=hb,hotplug=on "
                          "-device x-test-bus-device,bus=hb,id=a "
                          "-device x-test-device,fail-realize=off,id=f"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/device/introspect/concrete", test_introspect_concrete);
    g_test_add_func("/device/introspect/x-test-device",
                    test_introspect_test_device);
    g_test_add_func("/device/introspect/abstract", test_introspect_abstract);
    g_test_add_func("/device/hotplug/refused", test_hotplug_refused);
    g_test_add_func("/device/hotplug/bridge", test_hotplug_bridge);
    g_test_add_func("/device/hotplug/failed-add", test_failed_add);
    g_test_add_func("/device/realize-fails-on-cmdline",
                    test_realize_fails_on_cmdline);
    return g_test_run();
}
