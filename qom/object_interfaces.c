/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-creatable objects (-object, object-add, object-del) and the help
 * output shared by -object/-device/-machine: types and their properties
 * with types, descriptions and defaults.
 */
#include "qemu/osdep.h"
#include "qom/object_interfaces.h"
#include "qemu/keyval.h"

static bool check_user_creatable_class(const char *type, ObjectClass **out,
                                       Error **errp)
{
    ObjectClass *klass = object_class_by_name(type);

    if (!klass || !object_class_dynamic_cast(klass, TYPE_USER_CREATABLE)) {
        /* QEMU's wording: qom-type is an enumeration of the known types. */
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return false;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "object type '%s' is abstract", type);
        return false;
    }
    *out = klass;
    return true;
}

bool user_creatable_complete(UserCreatable *uc, Error **errp)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    return !ucc->complete || ucc->complete(uc, errp);
}

bool user_creatable_can_be_deleted(UserCreatable *uc)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    return !ucc->can_be_deleted || ucc->can_be_deleted(uc);
}

Object *user_creatable_add(JsonObject *opts, bool from_string, Error **errp)
{
    const char *type, *id;
    ObjectClass *klass;
    Object *obj;
    GList *members, *l;
    bool ok = true;

    type = keyval_get_str(opts, "qom-type", true, errp);
    if (!type || !check_user_creatable_class(type, &klass, errp)) {
        return NULL;
    }
    id = keyval_get_str(opts, "id", true, errp);
    if (!id) {
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }

    obj = object_new_with_class(klass);
    members = json_object_get_members(opts);
    for (l = members; l && ok; l = l->next) {
        const char *key = l->data;
        JsonNode *value = json_object_get_member(opts, key);

        if (!strcmp(key, "qom-type") || !strcmp(key, "id")) {
            continue;
        }
        if (!object_property_find(obj, key)) {
            /* QEMU checks options against the type's schema first. */
            if (from_string) {
                error_setg(errp, "Invalid parameter '%s'", key);
            } else {
                error_setg(errp, "Parameter '%s' is unexpected", key);
            }
            ok = false;
        } else if (from_string) {
            ok = object_property_parse(obj, key, json_node_get_string(value),
                                       errp);
        } else {
            ok = object_property_set(obj, key, value, errp);
        }
    }
    g_list_free(members);
    if (!ok) {
        goto out_unref;
    }
    if (!object_property_add_child(object_get_objects_root(), id, obj,
                                   errp)) {
        goto out_unref;
    }
    if (!user_creatable_complete(USER_CREATABLE(obj), errp)) {
        object_unparent(obj);
        goto out_unref;
    }
    /* The tree holds the object now. */
    object_unref(obj);
    return obj;

out_unref:
    object_unref(obj);
    return NULL;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (!user_creatable_can_be_deleted(USER_CREATABLE(obj))) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

static int collect_child(Object *child, void *opaque)
{
    g_ptr_array_add(opaque, child);
    return 0;
}

void user_creatable_cleanup(void)
{
    g_autoptr(GPtrArray) objs = g_ptr_array_new();
    guint i;

    object_child_foreach(object_get_objects_root(), collect_child, objs);
    for (i = objs->len; i > 0; i--) {
        object_unparent(objs->pdata[i - 1]);
    }
}

/* ---- help ---- */

static void collect_prop(ObjectProperty *prop, void *opaque)
{
    /* Children and internal links are not options. */
    if (!prop->set || g_str_has_prefix(prop->type, "child<")) {
        return;
    }
    g_ptr_array_add(opaque, prop);
}

static gint prop_cmp(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;

    return strcmp(pa->name, pb->name);
}

void object_class_print_properties(ObjectClass *klass, const char *header)
{
    g_autoptr(GPtrArray) props = g_ptr_array_new();
    guint i;

    object_class_property_foreach(klass, collect_prop, props);
    g_ptr_array_sort(props, prop_cmp);
    if (!props->len) {
        printf("There are no options for %s.\n",
               object_class_get_name(klass));
        return;
    }
    printf("%s\n", header);
    for (i = 0; i < props->len; i++) {
        ObjectProperty *prop = props->pdata[i];
        g_autofree char *nt = g_strdup_printf("%s=<%s>", prop->name,
                                              prop->type);

        printf("  %-24s", nt);
        if (prop->description) {
            printf(" - %s", prop->description);
        }
        if (prop->default_str) {
            printf(" (default: %s)", prop->default_str);
        }
        printf("\n");
    }
}

void user_creatable_print_types(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_USER_CREATABLE, false);
    GSList *l;

    printf("List of user creatable objects:\n");
    for (l = list; l; l = l->next) {
        printf("  %s\n", object_class_get_name(l->data));
    }
    g_slist_free(list);
}

bool user_creatable_print_help(const char *type, Error **errp)
{
    ObjectClass *klass;
    g_autofree char *header = NULL;

    if (!check_user_creatable_class(type, &klass, errp)) {
        return false;
    }
    header = g_strdup_printf("%s options:", type);
    object_class_print_properties(klass, header);
    return true;
}

static const TypeInfo user_creatable_types[] = {
    {
        .name = TYPE_USER_CREATABLE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(UserCreatableClass),
    },
};

DEFINE_TYPES(user_creatable_types)
