/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the object model: inheritance and interfaces, the order
 * of init/finalize, typed properties from JSON and from command-line
 * strings, the composition tree and path resolution, links, and
 * user-creatable objects.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "qom/props.h"

/* A log of life-cycle calls, checked for order. */
static GString *calls;

#define TYPE_T_BASE "t-base"
#define TYPE_T_CHILD "t-child"
#define TYPE_T_IFACE "t-iface"
#define TYPE_T_IFACE2 "t-iface2"

typedef struct TBase {
    Object parent;
    int32_t num;
    bool flag;
    char *name;
    uint64_t size;
    uint8_t small;
    int mode;
    Object *peer;
} TBase;

typedef struct TBaseClass {
    ObjectClass parent;
    const char *(*who)(void);
} TBaseClass;

typedef struct TIfaceClass {
    InterfaceClass parent;
    int (*value)(Object *obj);
} TIfaceClass;

#define T_BASE(o) OBJECT_CHECK(TBase, (o), TYPE_T_BASE)
#define T_BASE_GET_CLASS(o) OBJECT_GET_CLASS(TBaseClass, (o), TYPE_T_BASE)

static const char *const mode_names[] = { "fast", "slow" };
static const QEnumLookup mode_lookup = { mode_names, 2 };

static const Property t_base_props[] = {
    DEFINE_PROP_INT32("num", TBase, num, 7, "a number"),
    DEFINE_PROP_BOOL("flag", TBase, flag, true, "a flag"),
    DEFINE_PROP_STRING("name", TBase, name, "dflt", "a name"),
    DEFINE_PROP_SIZE("size", TBase, size, 1 * MiB, "a size"),
    DEFINE_PROP_UINT8("small", TBase, small, 3, "a byte"),
    DEFINE_PROP_ENUM("mode", TBase, mode, 1, &mode_lookup, "a mode"),
    DEFINE_PROP_LINK("peer", TBase, peer, TYPE_T_BASE, "a peer"),
    { NULL }
};

static const char *base_who(void)
{
    return "base";
}

static const char *child_who(void)
{
    return "child";
}

static int child_value(Object *obj)
{
    return 42;
}

static void t_base_class_init(ObjectClass *oc, const void *data)
{
    ((TBaseClass *)oc)->who = base_who;
    object_class_add_props(oc, t_base_props);
}

static void t_base_init(Object *obj)
{
    /* Defaults are applied before instance_init. */
    g_assert_cmpint(T_BASE(obj)->num, ==, 7);
    g_string_append(calls, "base-init ");
}

static void t_base_finalize(Object *obj)
{
    g_string_append(calls, "base-fini ");
}

static void t_child_class_init(ObjectClass *oc, const void *data)
{
    TIfaceClass *ic = OBJECT_CLASS_CHECK(TIfaceClass, oc, TYPE_T_IFACE);

    ((TBaseClass *)oc)->who = child_who;
    ic->value = child_value;
}

static void t_child_init(Object *obj)
{
    g_string_append(calls, "child-init ");
}

static void t_child_finalize(Object *obj)
{
    g_string_append(calls, "child-fini ");
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_T_IFACE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(TIfaceClass),
    },
    {
        .name = TYPE_T_IFACE2,
        .parent = TYPE_T_IFACE,
        .class_size = sizeof(TIfaceClass),
    },
    {
        .name = TYPE_T_BASE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TBase),
        .class_size = sizeof(TBaseClass),
        .class_init = t_base_class_init,
        .instance_init = t_base_init,
        .instance_finalize = t_base_finalize,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE }, { NULL }
        },
    },
    {
        .name = TYPE_T_CHILD,
        .parent = TYPE_T_BASE,
        .class_init = t_child_class_init,
        .instance_init = t_child_init,
        .instance_finalize = t_child_finalize,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_T_IFACE2 }, { NULL }
        },
    },
};

DEFINE_TYPES(test_types)

static void test_inheritance(void)
{
    Object *b = object_new(TYPE_T_BASE);
    Object *c = object_new(TYPE_T_CHILD);

    g_assert(object_dynamic_cast(c, TYPE_T_BASE) == c);
    g_assert(object_dynamic_cast(b, TYPE_T_CHILD) == NULL);
    g_assert_cmpstr(T_BASE_GET_CLASS(b)->who(), ==, "base");
    g_assert_cmpstr(T_BASE_GET_CLASS(c)->who(), ==, "child");
    /* Interfaces: the child implements iface2 and so iface. */
    g_assert_nonnull(object_dynamic_cast(c, TYPE_T_IFACE));
    g_assert_nonnull(object_dynamic_cast(c, TYPE_T_IFACE2));
    g_assert_null(object_dynamic_cast(b, TYPE_T_IFACE));
    g_assert_cmpint(OBJECT_GET_CLASS(TIfaceClass, c, TYPE_T_IFACE)->value(c),
                    ==, 42);
    /* Inherited interface. */
    g_assert_nonnull(object_dynamic_cast(c, TYPE_USER_CREATABLE));
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(
                        object_get_class(c))), ==, TYPE_T_BASE);
    object_unref(b);
    object_unref(c);
}

static void test_lifecycle_order(void)
{
    Object *c;

    g_string_truncate(calls, 0);
    c = object_new(TYPE_T_CHILD);
    g_assert_cmpstr(calls->str, ==, "base-init child-init ");
    object_ref(c);
    object_unref(c);
    g_assert_cmpstr(calls->str, ==, "base-init child-init ");
    object_unref(c);
    g_assert_cmpstr(calls->str, ==,
                    "base-init child-init child-fini base-fini ");
}

static void test_props_defaults(void)
{
    Object *o = object_new(TYPE_T_BASE);
    Error *err = NULL;
    g_autofree char *name = object_property_get_str(o, "name", &error_abort);
    g_autofree char *mode = object_property_get_str(o, "mode", &error_abort);

    g_assert_cmpint(object_property_get_int(o, "num", &error_abort), ==, 7);
    g_assert_true(object_property_get_bool(o, "flag", &error_abort));
    g_assert_cmpstr(name, ==, "dflt");
    g_assert_cmpstr(mode, ==, "slow");
    g_assert_cmpuint(object_property_get_uint(o, "size", &error_abort), ==,
                     MiB);
    g_assert_null(object_property_get(o, "nope", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 't-base.nope' not found");
    error_free(err);
    object_unref(o);
}

static void check_parse_error(Object *o, const char *prop, const char *val,
                              const char *msg)
{
    Error *err = NULL;

    g_assert_false(object_property_parse(o, prop, val, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_props_from_string(void)
{
    Object *o = object_new(TYPE_T_BASE);
    TBase *t = T_BASE(o);

    g_assert_true(object_property_parse(o, "num", "-12", &error_abort));
    g_assert_cmpint(t->num, ==, -12);
    g_assert_true(object_property_parse(o, "num", "0x10", &error_abort));
    g_assert_cmpint(t->num, ==, 16);
    g_assert_true(object_property_parse(o, "flag", "off", &error_abort));
    g_assert_false(t->flag);
    g_assert_true(object_property_parse(o, "flag", "yes", &error_abort));
    g_assert_true(t->flag);
    g_assert_true(object_property_parse(o, "size", "2G", &error_abort));
    g_assert_cmpuint(t->size, ==, 2 * GiB);
    g_assert_true(object_property_parse(o, "mode", "fast", &error_abort));
    g_assert_cmpint(t->mode, ==, 0);
    g_assert_true(object_property_parse(o, "small", "255", &error_abort));
    g_assert_cmpuint(t->small, ==, 255);

    check_parse_error(o, "flag", "maybe",
                      "Parameter 'flag' expects 'on' or 'off'");
    check_parse_error(o, "mode", "medium",
                      "Parameter 'mode' does not accept value 'medium'");
    check_parse_error(o, "small", "256", "Parameter 'small' expects uint8_t");
    check_parse_error(o, "num", "4294967296",
                      "Parameter 'num' expects int32_t");
    /* A failed set leaves the value alone. */
    g_assert_cmpuint(t->small, ==, 255);
    g_assert_cmpint(t->num, ==, 16);
    object_unref(o);
}

static void test_props_strict_json(void)
{
    Object *o = object_new(TYPE_T_BASE);
    g_autoptr(JsonNode) str = json_node_init_string(json_node_alloc(), "on");
    Error *err = NULL;

    /* QMP values are typed: a string is not a boolean there. */
    g_assert_false(object_property_set(o, "flag", str, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'flag', expected: boolean");
    error_free(err);
    err = NULL;
    g_assert_false(object_property_set_str(o, "num", "3", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'num', expected: integer");
    error_free(err);
    g_assert_true(object_property_set_int(o, "num", 99, &error_abort));
    g_assert_cmpint(T_BASE(o)->num, ==, 99);
    object_unref(o);
}

static void test_tree_paths(void)
{
    Object *root = object_get_root();
    Object *box = container_get(root, "/t-tree/box");
    Object *a = object_new(TYPE_T_BASE);
    Object *b = object_new(TYPE_T_BASE);
    Error *err = NULL;
    bool ambiguous;
    g_autofree char *path = NULL;

    g_assert_true(object_property_add_child(box, "a", a, &error_abort));
    object_unref(a);
    path = object_get_canonical_path(a);
    g_assert_cmpstr(path, ==, "/t-tree/box/a");
    g_assert(object_resolve_path("/t-tree/box/a", NULL) == a);
    g_assert(object_resolve_path("box/a", &ambiguous) == a);
    g_assert_false(ambiguous);
    g_assert(object_resolve_path("a", NULL) == a);
    g_assert_null(object_resolve_path("/t-tree/box/zz", NULL));

    /* Duplicate child names are refused. */
    g_assert_false(object_property_add_child(box, "a", b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'a' to object "
                    "(type 'container')");
    error_free(err);

    /* Two objects named "a" make the partial path ambiguous. */
    g_assert_true(object_property_add_child(container_get(root, "/t-tree2"),
                                            "a", b, &error_abort));
    object_unref(b);
    g_assert_null(object_resolve_path("a", &ambiguous));
    g_assert_true(ambiguous);
    g_assert(object_resolve_path("box/a", NULL) == a);

    object_unparent(container_get(root, "/t-tree2"));
    object_unparent(container_get(root, "/t-tree"));
    g_assert_null(object_resolve_path("/t-tree", NULL));
}

static void test_links(void)
{
    Object *box = container_get(object_get_root(), "/t-links");
    Object *a = object_new(TYPE_T_BASE);
    Object *b = object_new(TYPE_T_BASE);
    Object *c = object_new(TYPE_T_CHILD);
    Error *err = NULL;
    g_autofree char *got = NULL;

    object_property_add_child(box, "a", a, &error_abort);
    object_property_add_child(box, "b", b, &error_abort);
    object_unref(b);
    g_assert_true(object_property_parse(a, "peer", "/t-links/b",
                                        &error_abort));
    g_assert(T_BASE(a)->peer == b);
    /* The link holds a reference: b outlives its unparenting. */
    g_assert_cmpuint(b->ref, ==, 2);
    got = object_property_get_str(a, "peer", &error_abort);
    g_assert_cmpstr(got, ==, "/t-links/b");

    g_assert_false(object_property_parse(a, "peer", "/t-links/nope", &err));
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device '/t-links/nope' not found");
    error_free(err);
    err = NULL;
    /* The container is not a t-base. */
    g_assert_false(object_property_parse(a, "peer", "/t-links", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'peer', expected: t-base");
    error_free(err);
    /* A subtype is accepted; clearing drops the reference. */
    object_property_add_child(box, "c", c, &error_abort);
    object_unref(c);
    g_assert_true(object_property_parse(a, "peer", "c", &error_abort));
    g_assert_cmpuint(b->ref, ==, 1);
    g_assert_true(object_property_parse(a, "peer", "", &error_abort));
    g_assert_null(T_BASE(a)->peer);

    object_unparent(box);
    object_unref(a);
}

static void test_user_creatable(void)
{
    g_autoptr(JsonObject) opts = json_object_new();
    JsonObject *bad;
    Error *err = NULL;
    Object *o;

    json_object_set_string_member(opts, "qom-type", TYPE_T_BASE);
    json_object_set_string_member(opts, "id", "u1");
    json_object_set_string_member(opts, "num", "5");
    o = user_creatable_add(opts, true, &error_abort);
    g_assert_nonnull(o);
    g_assert_cmpint(T_BASE(o)->num, ==, 5);
    g_assert(object_resolve_path("/objects/u1", NULL) == o);

    /* Same id again. */
    g_assert_null(user_creatable_add(opts, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'u1' to object "
                    "(type 'container')");
    error_free(err);
    err = NULL;

    bad = json_object_new();
    json_object_set_string_member(bad, "qom-type", "no-such-type");
    json_object_set_string_member(bad, "id", "u2");
    g_assert_null(user_creatable_add(bad, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'qom-type' does not accept value "
                    "'no-such-type'");
    error_free(err);
    err = NULL;
    json_object_set_string_member(bad, "qom-type", TYPE_T_BASE);
    json_object_set_string_member(bad, "id", "2bad");
    g_assert_null(user_creatable_add(bad, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'id' expects an identifier");
    error_free(err);
    err = NULL;
    /* A bad property leaves nothing behind. */
    json_object_set_string_member(bad, "id", "u3");
    json_object_set_string_member(bad, "flag", "sideways");
    g_assert_null(user_creatable_add(bad, true, &err));
    error_free(err);
    err = NULL;
    g_assert_null(object_resolve_path("/objects/u3", NULL));
    json_object_unref(bad);

    g_assert_true(user_creatable_del("u1", &error_abort));
    g_assert_null(object_resolve_path("/objects/u1", NULL));
    g_assert_false(user_creatable_del("u1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "object 'u1' not found");
    error_free(err);
}

static void test_link_cycle_freed(void)
{
    Object *box = container_get(object_get_root(), "/t-cycle");
    Object *a = object_new(TYPE_T_BASE);
    Object *b = object_new(TYPE_T_BASE);

    object_property_add_child(box, "a", a, &error_abort);
    object_property_add_child(box, "b", b, &error_abort);
    object_unref(a);
    object_unref(b);
    /* b -> a, and a -> a: a strong cycle keeps a alive. */
    g_assert_true(object_property_parse(b, "peer", "/t-cycle/a",
                                        &error_abort));
    g_assert_true(object_property_parse(a, "peer", "/t-cycle/a",
                                        &error_abort));
    g_string_truncate(calls, 0);
    object_unparent(box);
    /* Leaving the tree drops the links, so both are finalized. */
    g_assert_cmpstr(calls->str, ==, "base-fini base-fini ");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    calls = g_string_new(NULL);
    g_test_add_func("/qom/inheritance", test_inheritance);
    g_test_add_func("/qom/lifecycle-order", test_lifecycle_order);
    g_test_add_func("/qom/props/defaults", test_props_defaults);
    g_test_add_func("/qom/props/from-string", test_props_from_string);
    g_test_add_func("/qom/props/strict-json", test_props_strict_json);
    g_test_add_func("/qom/tree/paths", test_tree_paths);
    g_test_add_func("/qom/links", test_links);
    g_test_add_func("/qom/user-creatable", test_user_creatable);
    g_test_add_func("/qom/link-cycle-freed", test_link_cycle_freed);
    return g_test_run();
}
