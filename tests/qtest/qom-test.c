/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM composition tree as QMP shows it.  One test walks the whole
 * tree from "/" with qom-list, following child<> properties, and reads
 * every property with qom-get: readable properties must answer with a
 * value of their declared type (child<> with the child's own path and
 * type, link<> with an empty path or one that resolves to an object of
 * the linked type), write-only ones with a GenericError and nothing
 * worse.  The others check the fixed containers, the machine, and the
 * values of objects and devices created on the command line, using the
 * test-only types of hw/core/test-types.c.
 */
#include <string.h>

#include "libqtest.h"

/* Objects and devices the tests create on the command line. */
#define TEST_OBJECTS \
    "-object x-test-object,id=t0,str-prop=hello " \
    "-object x-test-object,id=t1,link-prop=/objects/t0,bool-prop=on " \
    "-device x-test-device,id=d0,int-prop=5 " \
    "-device x-test-device,id=d1,link-prop=/machine/peripheral/d0 " \
    "-device x-test-device " \
    "-device x-test-bridge,id=br0 " \
    "-device x-test-bus-device,bus=br0,id=bd0"

/* The same plus an iommufd object, if the binary has the type. */
#define TEST_IOMMUFD "-object iommufd,id=io0"

/* ---- helpers ---- */

/* qom-list of path: the array of {name, type[, description]} objects. */
static JsonArray *qom_list(QTestState *qts, const char *path)
{
    g_autofree char *p = qtest_json_str(path);
    JsonNode *ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'qom-list', 'arguments': {'path': %s}}", p);
    JsonArray *arr;

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    arr = json_node_dup_array(ret);
    json_node_unref(ret);
    return arr;
}

/* The type of property name in a qom-list result, or NULL. */
static const char *prop_type(JsonArray *props, const char *name)
{
    for (guint i = 0; i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);

        if (!g_strcmp0(json_object_get_string_member(p, "name"), name)) {
            return json_object_get_string_member(p, "type");
        }
    }
    return NULL;
}

/*
 * Does qom-list-types (abstract types included) list name, among all
 * types or, if implements is not NULL, among those that implement it?
 */
static bool types_include(QTestState *qts, const char *implements,
                          const char *name)
{
    g_autofree char *filter = implements ? qtest_json_str(implements)
                                         : NULL;
    g_autofree char *args = filter
        ? g_strdup_printf("{'implements': %s, 'abstract': true}", filter)
        : g_strdup("{'abstract': true}");
    JsonNode *ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'qom-list-types', 'arguments': %s}", args);
    JsonArray *types = json_node_get_array(ret);
    bool found = false;

    for (guint i = 0; i < json_array_get_length(types) && !found; i++) {
        JsonObject *t = json_array_get_object_element(types, i);

        found = !g_strcmp0(json_object_get_string_member(t, "name"), name);
    }
    json_node_unref(ret);
    return found;
}

/*
 * Start the binary with the test objects (and iommufd if built in).  Whether
 * the binary has the iommufd type is asked once per program.
 */
static QTestState *start_with_test_objects(bool *with_iommufd)
{
    static int has_iommufd = -1;

    if (has_iommufd < 0) {
        QTestState *qts = qtest_init(NULL);

        has_iommufd = types_include(qts, NULL, "iommufd");
        qtest_quit(qts);
    }
    if (with_iommufd) {
        *with_iommufd = has_iommufd;
    }
    if (!has_iommufd) {
        g_test_message("no iommufd type in this binary: not creating one");
        return qtest_init(TEST_OBJECTS);
    }
    return qtest_init(TEST_OBJECTS " " TEST_IOMMUFD);
}

static char *child_path(const char *parent, const char *name)
{
    if (!strcmp(parent, "/")) {
        return g_strconcat("/", name, NULL);
    }
    return g_strconcat(parent, "/", name, NULL);
}

/* ---- the tree walk ---- */

typedef enum {
    KIND_BOOL,
    KIND_INT,
    KIND_STRING,
    KIND_CHILD,
    KIND_LINK,
    KIND_OTHER,
} PropKind;

static PropKind prop_kind(const char *type)
{
    static const char *const ints[] = {
        "int", "int8", "int16", "int32", "int64",
        "uint", "uint8", "uint16", "uint32", "uint64", "size",
    };

    if (!strcmp(type, "bool")) {
        return KIND_BOOL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ints); i++) {
        if (!strcmp(type, ints[i])) {
            return KIND_INT;
        }
    }
    /* A CamelCase type name is a QAPI enumeration such as OnOffAuto. */
    if (!strcmp(type, "str") || !strcmp(type, "string") ||
        g_ascii_isupper(type[0])) {
        return KIND_STRING;
    }
    if (g_str_has_prefix(type, "child<") && g_str_has_suffix(type, ">")) {
        return KIND_CHILD;
    }
    if (g_str_has_prefix(type, "link<") && g_str_has_suffix(type, ">")) {
        return KIND_LINK;
    }
    return KIND_OTHER;
}

/* T of "child<T>" or "link<T>". */
static char *prop_target_type(const char *type)
{
    const char *open = strchr(type, '<');

    return g_strndup(open + 1, strlen(open + 1) - 1);
}

typedef struct Walk {
    QTestState *qts;
    GHashTable *objects;        /* canonical path -> its type name */
    GPtrArray *write_only;      /* "path.prop" of unreadable properties */
    GPtrArray *links;           /* "path.prop" -> target, checked at end */
    unsigned readable;
} Walk;

static bool value_is(JsonNode *v, GType type)
{
    return JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == type;
}

static void walk_object(Walk *w, const char *path);

static void walk_property(Walk *w, const char *path, const char *name,
                          const char *type)
{
    g_autofree char *p = qtest_json_str(path);
    g_autofree char *n = qtest_json_str(name);
    g_autofree char *where = g_strdup_printf("%s.%s", path, name);
    JsonObject *reply;
    JsonNode *v;
    g_autofree char *text = NULL;

    reply = qtest_qmp(w->qts, "{'execute': 'qom-get', "
                      "'arguments': {'path': %s, 'property': %s}}", p, n);
    if (json_object_has_member(reply, "error")) {
        JsonObject *err = json_object_get_object_member(reply, "error");
        const char *cls = json_object_get_string_member(err, "class");
        const char *desc = json_object_get_string_member(err, "desc");

        /* Only a property without a getter may fail, and only so. */
        if (g_strcmp0(cls, "GenericError") ||
            !strstr(desc, "is not readable")) {
            g_error("qom-get %s (%s) failed: %s: %s", where, type, cls,
                    desc);
        }
        g_ptr_array_add(w->write_only, g_steal_pointer(&where));
        json_object_unref(reply);
        return;
    }
    v = json_object_get_member(reply, "return");
    g_assert_nonnull(v);
    text = qtest_json_text(v);
    w->readable++;

    switch (prop_kind(type)) {
    case KIND_BOOL:
        if (!value_is(v, G_TYPE_BOOLEAN)) {
            g_error("%s (%s) read back as %s", where, type, text);
        }
        break;
    case KIND_INT:
        if (!value_is(v, G_TYPE_INT64)) {
            g_error("%s (%s) read back as %s", where, type, text);
        }
        break;
    case KIND_STRING:
        /* An unset string reads as "", as in QEMU: never null. */
        if (!value_is(v, G_TYPE_STRING)) {
            g_error("%s (%s) read back as %s", where, type, text);
        }
        break;
    case KIND_CHILD: {
        g_autofree char *cpath = child_path(path, name);
        g_autofree char *ctype = prop_target_type(type);
        g_autofree char *actual = NULL;

        if (!value_is(v, G_TYPE_STRING) ||
            strcmp(json_node_get_string(v), cpath)) {
            g_error("%s (%s) read back as %s, expected \"%s\"", where, type,
                    text, cpath);
        }
        actual = qtest_qom_get_str(w->qts, cpath, "type");
        g_assert_cmpstr(actual, ==, ctype);
        if (g_hash_table_contains(w->objects, cpath)) {
            g_error("%s is reached twice in the composition tree", cpath);
        }
        walk_object(w, cpath);
        break;
    }
    case KIND_LINK:
        if (!value_is(v, G_TYPE_STRING)) {
            g_error("%s (%s) read back as %s", where, type, text);
        }
        if (*json_node_get_string(v)) {
            g_ptr_array_add(w->links, g_strdup(where));
            g_ptr_array_add(w->links, g_strdup(type));
            g_ptr_array_add(w->links, g_strdup(json_node_get_string(v)));
        }
        break;
    case KIND_OTHER:
        g_test_message("%s: type %s is not checked (value %s)", where,
                       type, text);
        break;
    }
    json_object_unref(reply);
}

static void walk_object(Walk *w, const char *path)
{
    JsonArray *props = qom_list(w->qts, path);
    const char *type = prop_type(props, "type");

    /* Every object has its type name as a read-only string. */
    g_assert_cmpstr(type, ==, "string");
    g_hash_table_insert(w->objects, g_strdup(path),
                        qtest_qom_get_str(w->qts, path, "type"));
    for (guint i = 0; i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);
        const char *name = json_object_get_string_member(p, "name");
        const char *ptype = json_object_get_string_member(p, "type");

        g_assert_nonnull(name);
        g_assert_nonnull(ptype);
        g_assert_cmpstr(name, !=, "");
        walk_property(w, path, name, ptype);
    }
    json_array_unref(props);
}

/* A link's target must be a canonical path, in the tree, of its type. */
static void check_links(Walk *w)
{
    for (guint i = 0; i < w->links->len; i += 3) {
        const char *where = w->links->pdata[i];
        g_autofree char *ltype = prop_target_type(w->links->pdata[i + 1]);
        const char *target = w->links->pdata[i + 2];
        const char *ttype = g_hash_table_lookup(w->objects, target);
        JsonArray *props;

        if (!ttype) {
            g_error("%s links to %s, which is not in the tree", where,
                    target);
        }
        props = qom_list(w->qts, target);   /* resolves */
        g_assert_cmpuint(json_array_get_length(props), >, 0);
        json_array_unref(props);
        /* ltype is ttype or one of its ancestors. */
        if (!types_include(w->qts, ltype, ttype)) {
            g_error("%s (link<%s>) links to %s of type %s", where, ltype,
                    target, ttype);
        }
    }
}

static bool str_in(GPtrArray *arr, const char *s)
{
    for (guint i = 0; i < arr->len; i++) {
        if (!strcmp(arr->pdata[i], s)) {
            return true;
        }
    }
    return false;
}

static void test_tree_walk(void)
{
    bool with_iommufd;
    QTestState *qts = start_with_test_objects(&with_iommufd);
    Walk w = {
        .qts = qts,
        .objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         g_free),
        .write_only = g_ptr_array_new_with_free_func(g_free),
        .links = g_ptr_array_new_with_free_func(g_free),
    };
    static const char *const expected[][2] = {
        { "/", "container" },
        { "/objects", "container" },
        { "/machine", "virt-machine" },
        { "/machine/peripheral", "container" },
        { "/machine/peripheral-anon", "container" },
        { "/machine/unattached", "container" },
        { "/objects/t0", "x-test-object" },
        { "/objects/t1", "x-test-object" },
        { "/machine/peripheral/d0", "x-test-device" },
        { "/machine/peripheral/d1", "x-test-device" },
        { "/machine/peripheral/br0", "x-test-bridge" },
        { "/machine/peripheral/br0/br0", "x-test-bus" },
        { "/machine/peripheral/bd0", "x-test-bus-device" },
    };

    walk_object(&w, "/");
    check_links(&w);

    for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
        const char *type = g_hash_table_lookup(w.objects, expected[i][0]);

        if (!type) {
            g_error("%s is missing from the composition tree",
                    expected[i][0]);
        }
        g_assert_cmpstr(type, ==, expected[i][1]);
    }
    if (with_iommufd) {
        g_assert_cmpstr(g_hash_table_lookup(w.objects, "/objects/io0"), ==,
                        "iommufd");
        g_assert_true(str_in(w.write_only, "/objects/io0.fd"));
    }
    /* The anonymous device went into peripheral-anon. */
    {
        JsonArray *anon = qom_list(qts, "/machine/peripheral-anon");
        guint devices = 0;

        for (guint i = 0; i < json_array_get_length(anon); i++) {
            JsonObject *p = json_array_get_object_element(anon, i);

            if (!strcmp(json_object_get_string_member(p, "type"),
                        "child<x-test-device>")) {
                devices++;
            }
        }
        g_assert_cmpuint(devices, ==, 1);
        json_array_unref(anon);
    }
    g_assert_true(str_in(w.write_only, "/objects/t0.fd"));
    g_assert_true(str_in(w.write_only, "/objects/t1.fd"));
    /* Both links set on the command line were seen and checked. */
    g_assert_true(str_in(w.links, "/objects/t1.link-prop"));
    g_assert_true(str_in(w.links, "/machine/peripheral/d1.link-prop"));
    g_assert_cmpuint(w.readable, >, 50);
    g_test_message("%u objects, %u readable properties, %u write-only",
                   g_hash_table_size(w.objects), w.readable,
                   w.write_only->len);

    qtest_quit(qts);

    g_hash_table_unref(w.objects);
    g_ptr_array_unref(w.write_only);
    g_ptr_array_unref(w.links);
}

/* ---- fixed parts of the tree ---- */

static void test_machine(void)
{
    QTestState *qts = qtest_init(NULL);
    g_autofree char *type = qtest_qom_get_str(qts, "/machine", "type");
    g_autofree char *root = qtest_qom_get_str(qts, "/", "type");
    JsonArray *props = qom_list(qts, "/machine");

    g_assert_cmpstr(type, ==, "virt-machine");
    g_assert_cmpstr(root, ==, "container");
    g_assert_cmpstr(prop_type(props, "peripheral"), ==, "child<container>");
    g_assert_cmpstr(prop_type(props, "peripheral-anon"), ==,
                    "child<container>");
    g_assert_cmpstr(prop_type(props, "unattached"), ==, "child<container>");
    json_array_unref(props);

    props = qom_list(qts, "/");
    g_assert_cmpstr(prop_type(props, "machine"), ==, "child<virt-machine>");
    g_assert_cmpstr(prop_type(props, "objects"), ==, "child<container>");
    json_array_unref(props);

    /* -nodefaults: no devices of any kind. */
    props = qom_list(qts, "/machine/peripheral");
    g_assert_cmpuint(json_array_get_length(props), ==, 1);    /* "type" */
    json_array_unref(props);
    props = qom_list(qts, "/machine/peripheral-anon");
    g_assert_cmpuint(json_array_get_length(props), ==, 1);
    json_array_unref(props);
    qtest_quit(qts);
}

/* ---- values set on the command line ---- */

static void test_cmdline_values(void)
{
    QTestState *qts = start_with_test_objects(NULL);
    g_autofree char *str = qtest_qom_get_str(qts, "/objects/t0", "str-prop");
    g_autofree char *enm = qtest_qom_get_str(qts, "/objects/t0", "enum-prop");
    g_autofree char *ooa = qtest_qom_get_str(qts, "/objects/t0", "ooa-prop");
    g_autofree char *unset_link = qtest_qom_get_str(qts, "/objects/t0",
                                                    "link-prop");
    g_autofree char *link = qtest_qom_get_str(qts, "/objects/t1", "link-prop");
    g_autofree char *dlink = qtest_qom_get_str(qts, "/machine/peripheral/d1",
                                               "link-prop");
    g_autofree char *bus = qtest_qom_get_str(qts, "/machine/peripheral/br0/br0",
                                             "type");
    g_autofree char *bdtype = qtest_qom_get_str(qts, "/machine/peripheral/bd0",
                                                "type");
    JsonArray *props;

    /* x-test-object: the value given, and the defaults. */
    g_assert_cmpstr(str, ==, "hello");
    g_assert_cmpint(qtest_qom_get_int(qts, "/objects/t0", "int-prop"), ==, -1);
    g_assert_cmpint(qtest_qom_get_int(qts,
                                      "/objects/t0", "size-prop"), ==, 4096);
    g_assert_false(qtest_qom_get_bool(qts, "/objects/t0", "bool-prop"));
    g_assert_true(qtest_qom_get_bool(qts, "/objects/t1", "bool-prop"));
    g_assert_true(qtest_qom_get_bool(qts, "/objects/t0", "can-delete"));
    g_assert_cmpstr(enm, ==, "alpha");
    g_assert_cmpstr(ooa, ==, "auto");
    g_assert_cmpint(qtest_qom_get_int(qts, "/objects/t0", "fd-num"), ==, -1);
    g_assert_cmpstr(unset_link, ==, "");
    g_assert_cmpstr(link, ==, "/objects/t0");

    /* x-test-device: realized, with its value, reset once at start. */
    g_assert_cmpint(qtest_qom_get_int(qts,
                                      "/machine/peripheral/d0", "int-prop"),
                    ==, 5);
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/d0", "realized"));
    g_assert_false(qtest_qom_get_bool(qts, "/machine/peripheral/d0",
                                      "fail-realize"));
    g_assert_cmpint(qtest_qom_get_int(qts,
                                      "/machine/peripheral/d0", "x-resets"),
                    ==, 1);
    g_assert_cmpint(qtest_qom_get_int(qts,
                                      "/machine/peripheral/d1", "int-prop"),
                    ==, -1);
    g_assert_cmpstr(dlink, ==, "/machine/peripheral/d0");

    /* The bridge owns a bus named after its id; the device sits on it. */
    g_assert_false(qtest_qom_get_bool(qts,
                                      "/machine/peripheral/br0", "hotplug"));
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/br0", "realized"));
    props = qom_list(qts, "/machine/peripheral/br0");
    g_assert_cmpstr(prop_type(props, "br0"), ==, "child<x-test-bus>");
    json_array_unref(props);
    g_assert_cmpstr(bus, ==, "x-test-bus");
    g_assert_cmpstr(bdtype, ==, "x-test-bus-device");
    g_assert_true(qtest_qom_get_bool(qts,
                                     "/machine/peripheral/bd0", "realized"));

    qtest_quit(qts);
}

/* ---- properties without a getter, and bad requests ---- */

static void test_unreadable(void)
{
    bool with_iommufd;
    QTestState *qts = start_with_test_objects(&with_iommufd);
    g_autofree char *type = NULL;

    qtest_qmp_expect_error(qts, "GenericError",
        "Property 'x-test-object.fd' is not readable",
        "{'execute': 'qom-get', "
        "'arguments': {'path': '/objects/t0', 'property': 'fd'}}");
    if (with_iommufd) {
        qtest_qmp_expect_error(qts, "GenericError",
            "Property 'iommufd.fd' is not readable",
            "{'execute': 'qom-get', "
            "'arguments': {'path': '/objects/io0', 'property': 'fd'}}");
    }
    qtest_qmp_expect_error(qts, "GenericError",
        "Property 'x-test-object.no-such' not found",
        "{'execute': 'qom-get', "
        "'arguments': {'path': '/objects/t0', 'property': 'no-such'}}");
    qtest_qmp_expect_error(qts, "DeviceNotFound",
        "Device '/objects/none' not found",
        "{'execute': 'qom-get', "
        "'arguments': {'path': '/objects/none', 'property': 'type'}}");
    qtest_qmp_expect_error(qts, "DeviceNotFound",
        "Device '/no/such/path' not found",
        "{'execute': 'qom-list', 'arguments': {'path': '/no/such/path'}}");

    /* Still serving, and nothing changed. */
    type = qtest_qom_get_str(qts, "/objects/t0", "type");
    g_assert_cmpstr(type, ==, "x-test-object");
    g_assert_cmpint(qtest_qom_get_int(qts, "/objects/t0", "fd-num"), ==, -1);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qom/machine", test_machine);
    g_test_add_func("/qom/cmdline-values", test_cmdline_values);
    g_test_add_func("/qom/unreadable", test_unreadable);
    g_test_add_func("/qom/tree-walk", test_tree_walk);
    return g_test_run();
}
