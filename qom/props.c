/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static property tables (DEFINE_PROP_*): typed accessors for fields of
 * an instance struct, their defaults, and the conversion rules shared by
 * every property: strict JSON types from QMP, strings parsed QEMU-style
 * from the command line.  Setting is refused once the object is frozen
 * (a realized device, a completed user-creatable object) unless the
 * property is marked runtime.
 */
#include "qemu/osdep.h"
#include "qom/props.h"
#include "qom/object-internal.h"
#include "qemu/keyval.h"

static void *prop_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static bool value_is(JsonNode *value, GType type)
{
    return JSON_NODE_HOLDS_VALUE(value) &&
           json_node_get_value_type(value) == type;
}

static void type_error(const char *name, const char *expected, Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
               expected);
}

bool prop_value_to_bool(const char *name, JsonNode *value, bool from_string,
                        bool *out, Error **errp)
{
    if (value_is(value, G_TYPE_BOOLEAN)) {
        *out = json_node_get_boolean(value);
        return true;
    }
    if (from_string && value_is(value, G_TYPE_STRING)) {
        return qemu_parse_bool(name, json_node_get_string(value), out, errp);
    }
    type_error(name, "boolean", errp);
    return false;
}

const char *prop_value_to_str(const char *name, JsonNode *value,
                              Error **errp)
{
    if (value_is(value, G_TYPE_STRING)) {
        return json_node_get_string(value);
    }
    type_error(name, "string", errp);
    return NULL;
}

static bool prop_value_to_int64(const char *name, JsonNode *value,
                                bool from_string, int64_t *out, Error **errp)
{
    if (value_is(value, G_TYPE_INT64)) {
        *out = json_node_get_int(value);
        return true;
    }
    if (from_string && value_is(value, G_TYPE_STRING)) {
        return qemu_parse_int64(name, json_node_get_string(value), out,
                                errp);
    }
    type_error(name, "integer", errp);
    return false;
}

static bool prop_value_to_uint64(const char *name, JsonNode *value,
                                 bool from_string, uint64_t *out,
                                 Error **errp)
{
    if (value_is(value, G_TYPE_INT64)) {
        /* json-glib has only signed integers; accept the bit pattern. */
        *out = (uint64_t)json_node_get_int(value);
        return true;
    }
    if (from_string && value_is(value, G_TYPE_STRING)) {
        return qemu_parse_uint64(name, json_node_get_string(value), out,
                                 errp);
    }
    /* QEMU's wording for unsigned and size properties. */
    error_setg(errp, "Parameter '%s' expects uint64", name);
    return false;
}

/* Refuse when the object is frozen, unless the property is runtime. */
static bool prop_check_settable(Object *obj, const Property *prop,
                                Error **errp)
{
    ObjectClass *oc = object_get_class(obj);

    if (prop->runtime || !oc->check_property_set) {
        return true;
    }
    return oc->check_property_set(obj, prop->name, errp);
}

/* ---- bool ---- */

static JsonNode *prop_get_bool(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *prop = op->sprop;

    return json_node_init_boolean(json_node_alloc(),
                                  *(bool *)prop_ptr(obj, prop));
}

static bool prop_set_bool(Object *obj, ObjectProperty *op, JsonNode *value,
                          bool from_string, Error **errp)
{
    const Property *prop = op->sprop;
    bool v;

    if (!prop_check_settable(obj, prop, errp) ||
        !prop_value_to_bool(prop->name, value, from_string, &v, errp)) {
        return false;
    }
    *(bool *)prop_ptr(obj, prop) = v;
    return true;
}

static void prop_default_bool(Object *obj, const Property *prop)
{
    *(bool *)prop_ptr(obj, prop) = prop->defval.u != 0;
}

static char *prop_print_bool(const Property *prop)
{
    return g_strdup(prop->defval.u ? "true" : "false");
}

const PropertyInfo prop_info_bool = {
    .type = "bool",
    .get = prop_get_bool,
    .set = prop_set_bool,
    .set_default = prop_default_bool,
    .print_default = prop_print_bool,
};

/* ---- integers ---- */

typedef struct IntKind {
    const char *ctype;
    int size;
    bool is_signed;
    int64_t min;
    uint64_t max;
} IntKind;

static const IntKind *int_kind(const PropertyInfo *info)
{
    static const IntKind kinds[] = {
        { "uint8_t", 1, false, 0, UINT8_MAX },
        { "uint16_t", 2, false, 0, UINT16_MAX },
        { "uint32_t", 4, false, 0, UINT32_MAX },
        { "int32_t", 4, true, INT32_MIN, INT32_MAX },
        { "uint64_t", 8, false, 0, UINT64_MAX },
        { "int64_t", 8, true, INT64_MIN, INT64_MAX },
        { "size", 8, false, 0, UINT64_MAX },
    };

    if (info == &prop_info_uint8) {
        return &kinds[0];
    } else if (info == &prop_info_uint16) {
        return &kinds[1];
    } else if (info == &prop_info_uint32) {
        return &kinds[2];
    } else if (info == &prop_info_int32) {
        return &kinds[3];
    } else if (info == &prop_info_uint64) {
        return &kinds[4];
    } else if (info == &prop_info_int64) {
        return &kinds[5];
    }
    return &kinds[6];
}

static int64_t int_load(Object *obj, const Property *prop,
                        const IntKind *k)
{
    void *p = prop_ptr(obj, prop);

    switch (k->size) {
    case 1:
        return *(uint8_t *)p;
    case 2:
        return *(uint16_t *)p;
    case 4:
        return k->is_signed ? (int64_t)*(int32_t *)p : *(uint32_t *)p;
    default:
        return *(int64_t *)p;
    }
}

static void int_store(Object *obj, const Property *prop, const IntKind *k,
                      int64_t v)
{
    void *p = prop_ptr(obj, prop);

    switch (k->size) {
    case 1:
        *(uint8_t *)p = v;
        break;
    case 2:
        *(uint16_t *)p = v;
        break;
    case 4:
        if (k->is_signed) {
            *(int32_t *)p = v;
        } else {
            *(uint32_t *)p = v;
        }
        break;
    default:
        *(int64_t *)p = v;
        break;
    }
}

static JsonNode *prop_get_int(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *prop = op->sprop;

    return json_node_init_int(json_node_alloc(),
                              int_load(obj, prop, int_kind(prop->info)));
}

static bool prop_set_int(Object *obj, ObjectProperty *op, JsonNode *value,
                         bool from_string, Error **errp)
{
    const Property *prop = op->sprop;
    const IntKind *k = int_kind(prop->info);
    bool has_bounds = prop->min || prop->max;
    int64_t v;

    if (!prop_check_settable(obj, prop, errp)) {
        return false;
    }
    if (k->is_signed) {
        if (!prop_value_to_int64(prop->name, value, from_string, &v, errp)) {
            return false;
        }
        if (v < k->min || v > (int64_t)k->max) {
            error_setg(errp, "Parameter '%s' expects %s", prop->name,
                       k->ctype);
            return false;
        }
    } else {
        uint64_t u;

        if (prop->info == &prop_info_size && from_string &&
            value_is(value, G_TYPE_STRING)) {
            if (!qemu_parse_size(prop->name, json_node_get_string(value), 1,
                                 &u, errp)) {
                return false;
            }
        } else if (!prop_value_to_uint64(prop->name, value, from_string, &u,
                                         errp)) {
            return false;
        }
        if (value_is(value, G_TYPE_INT64) && json_node_get_int(value) < 0 &&
            k->size < 8) {
            error_setg(errp, "Parameter '%s' expects %s", prop->name,
                       k->ctype);
            return false;
        }
        if (u > k->max) {
            error_setg(errp, "Parameter '%s' expects %s", prop->name,
                       k->ctype);
            return false;
        }
        v = (int64_t)u;
    }
    if (has_bounds && (v < prop->min || v > prop->max)) {
        error_setg(errp, "Property %s.%s doesn't take value %" PRId64
                   " (minimum: %" PRId64 ", maximum: %" PRId64 ")",
                   object_get_typename(obj), prop->name, v, prop->min,
                   prop->max);
        return false;
    }
    int_store(obj, prop, k, v);
    return true;
}

static void prop_default_int(Object *obj, const Property *prop)
{
    int_store(obj, prop, int_kind(prop->info), prop->defval.i);
}

static char *prop_print_int(const Property *prop)
{
    const IntKind *k = int_kind(prop->info);

    if (k->is_signed) {
        return g_strdup_printf("%" PRId64, prop->defval.i);
    }
    if (prop->info == &prop_info_size) {
        return g_format_size_full(prop->defval.u, G_FORMAT_SIZE_IEC_UNITS);
    }
    return g_strdup_printf("%" PRIu64, prop->defval.u);
}

#define INT_INFO(_name, _type) \
    const PropertyInfo _name = { \
        .type = (_type), \
        .get = prop_get_int, \
        .set = prop_set_int, \
        .set_default = prop_default_int, \
        .print_default = prop_print_int, \
    }

INT_INFO(prop_info_uint8, "uint8");
INT_INFO(prop_info_uint16, "uint16");
INT_INFO(prop_info_uint32, "uint32");
INT_INFO(prop_info_int32, "int32");
INT_INFO(prop_info_uint64, "uint64");
INT_INFO(prop_info_int64, "int64");
INT_INFO(prop_info_size, "size");

/* ---- string ---- */

static JsonNode *prop_get_string(Object *obj, ObjectProperty *op,
                                 Error **errp)
{
    const Property *prop = op->sprop;
    char *s = *(char **)prop_ptr(obj, prop);

    /* Unset reads as "", as in QEMU. */
    return json_node_init_string(json_node_alloc(), s ? s : "");
}

static bool prop_set_string(Object *obj, ObjectProperty *op, JsonNode *value,
                            bool from_string, Error **errp)
{
    const Property *prop = op->sprop;
    char **p = prop_ptr(obj, prop);
    const char *s;

    if (!prop_check_settable(obj, prop, errp)) {
        return false;
    }
    s = prop_value_to_str(prop->name, value, errp);
    if (!s) {
        return false;
    }
    g_free(*p);
    *p = g_strdup(s);
    return true;
}

static void prop_default_string(Object *obj, const Property *prop)
{
    *(char **)prop_ptr(obj, prop) = g_strdup(prop->defval_str);
}

static char *prop_print_string(const Property *prop)
{
    return prop->defval_str ? g_strdup_printf("\"%s\"", prop->defval_str)
                            : NULL;
}

static void prop_release_string(Object *obj, const Property *prop)
{
    g_clear_pointer((char **)prop_ptr(obj, prop), g_free);
}

const PropertyInfo prop_info_string = {
    .type = "str",
    .get = prop_get_string,
    .set = prop_set_string,
    .set_default = prop_default_string,
    .print_default = prop_print_string,
    .release = prop_release_string,
};

/* ---- enum / OnOffAuto ---- */

static JsonNode *prop_get_enum(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *prop = op->sprop;
    int v = *(int *)prop_ptr(obj, prop);

    return json_node_init_string(json_node_alloc(),
                                 qapi_enum_lookup(prop->enum_table, v));
}

static bool prop_set_enum(Object *obj, ObjectProperty *op, JsonNode *value,
                          bool from_string, Error **errp)
{
    const Property *prop = op->sprop;
    const QEnumLookup *t = prop->enum_table;
    const char *s;
    int i;

    if (!prop_check_settable(obj, prop, errp)) {
        return false;
    }
    s = prop_value_to_str(prop->name, value, errp);
    if (!s) {
        return false;
    }
    for (i = 0; i < t->size; i++) {
        if (!strcmp(s, t->array[i])) {
            *(int *)prop_ptr(obj, prop) = i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", prop->name,
               s);
    return false;
}

static void prop_default_enum(Object *obj, const Property *prop)
{
    *(int *)prop_ptr(obj, prop) = prop->defval.i;
}

static char *prop_print_enum(const Property *prop)
{
    return g_strdup_printf("\"%s\"",
                           qapi_enum_lookup(prop->enum_table,
                                            prop->defval.i));
}

const PropertyInfo prop_info_enum = {
    .type = "str",
    .get = prop_get_enum,
    .set = prop_set_enum,
    .set_default = prop_default_enum,
    .print_default = prop_print_enum,
};

const PropertyInfo prop_info_on_off_auto = {
    .type = "OnOffAuto",
    .get = prop_get_enum,
    .set = prop_set_enum,
    .set_default = prop_default_enum,
    .print_default = prop_print_enum,
};

/* ---- link ---- */

static JsonNode *prop_get_link(Object *obj, ObjectProperty *op, Error **errp)
{
    return object_path_node(*(Object **)prop_ptr(obj, op->sprop));
}

static bool prop_set_link(Object *obj, ObjectProperty *op, JsonNode *value,
                          bool from_string, Error **errp)
{
    const Property *prop = op->sprop;
    Object **p = prop_ptr(obj, prop);
    Object *target;
    const char *path;

    if (!prop_check_settable(obj, prop, errp)) {
        return false;
    }
    path = prop_value_to_str(prop->name, value, errp);
    if (!path ||
        !object_resolve_link(obj, prop->name, path, prop->link_type, &target,
                             errp)) {
        return false;
    }
    /* Strong reference, as QEMU's device links hold. */
    object_ref(target);
    object_unref(*p);
    *p = target;
    return true;
}

static void prop_release_link(Object *obj, const Property *prop)
{
    Object **p = prop_ptr(obj, prop);

    object_unref(*p);
    *p = NULL;
}

const PropertyInfo prop_info_link = {
    .type = "link",
    .get = prop_get_link,
    .set = prop_set_link,
    .release = prop_release_link,
};

/* ---- registration ---- */

void object_class_add_props(ObjectClass *klass, const Property *props)
{
    const Property *prop;

    for (prop = props; prop->name; prop++) {
        g_autofree char *type = NULL;
        ObjectProperty *op;

        if (prop->info == &prop_info_link) {
            type = g_strdup_printf("link<%s>", prop->link_type);
        } else {
            type = g_strdup(prop->info->type);
        }
        op = object_class_property_add(klass, prop->name, type,
                                       prop->info->get, prop->info->set,
                                       NULL, NULL);
        op->sprop = prop;
        if (prop->description) {
            if (prop->enum_table && prop->info == &prop_info_enum) {
                GString *d = g_string_new(prop->description);
                int i;

                for (i = 0; i < prop->enum_table->size; i++) {
                    g_string_append(d, i ? ", " : " (");
                    g_string_append(d, prop->enum_table->array[i]);
                }
                g_string_append(d, ")");
                op->description = g_string_free(d, FALSE);
            } else {
                op->description = g_strdup(prop->description);
            }
        }
        if (prop->info->print_default) {
            op->default_str = prop->info->print_default(prop);
        }
    }
}

void props_set_default(Object *obj, const Property *prop)
{
    if (prop->info->set_default) {
        prop->info->set_default(obj, prop);
    }
}

void props_release(Object *obj, const Property *prop)
{
    if (prop->info->release) {
        prop->info->release(obj, prop);
    }
}

/* Scalar parsers for callers that only include props.h. */
bool prop_parse_bool(const char *name, const char *str, bool *out,
                     Error **errp)
{
    return qemu_parse_bool(name, str, out, errp);
}

bool prop_parse_int64(const char *name, const char *str, int64_t *out,
                      Error **errp)
{
    return qemu_parse_int64(name, str, out, errp);
}

bool prop_parse_uint64(const char *name, const char *str, uint64_t *out,
                       Error **errp)
{
    return qemu_parse_uint64(name, str, out, errp);
}

bool prop_parse_size(const char *name, const char *str, uint64_t *out,
                     Error **errp)
{
    return qemu_parse_size(name, str, 1, out, errp);
}
