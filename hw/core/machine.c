/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine base type and the "none" machine: generic properties,
 * machine lookup by user name, "-machine help", and creation of /machine
 * with the containers QEMU always has (peripheral, peripheral-anon,
 * unattached).
 */
#include "qemu/osdep.h"
#include "hw/boards.h"

static MachineState *current_machine;

MachineState *qdev_get_machine(void)
{
    return current_machine;
}

static char *machine_user_name(const char *type)
{
    g_assert(g_str_has_suffix(type, TYPE_MACHINE_SUFFIX));
    return g_strndup(type, strlen(type) - strlen(TYPE_MACHINE_SUFFIX));
}

MachineClass *machine_find_class(const char *name, Error **errp)
{
    g_autofree char *type = g_str_has_suffix(name, TYPE_MACHINE_SUFFIX)
                            ? g_strdup(name)
                            : g_strconcat(name, TYPE_MACHINE_SUFFIX, NULL);
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_MACHINE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "unsupported machine type: \"%s\"", name);
        error_append_hint(errp, "Use -machine help to list supported "
                          "machines\n");
        return NULL;
    }
    return MACHINE_CLASS(oc);
}

void machine_print_list(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    GSList *l;

    printf("Supported machines are:\n");
    for (l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);

        printf("%-20s %s\n", mc->name, mc->desc ? mc->desc : "");
    }
    g_slist_free(list);
}

MachineState *machine_create(MachineClass *mc, Error **errp)
{
    Object *root = object_get_root();
    Object *obj;

    g_assert(!current_machine);
    obj = object_new_with_class(OBJECT_CLASS(mc));
    if (!object_property_add_child(root, "machine", obj, errp)) {
        object_unref(obj);
        return NULL;
    }
    object_unref(obj);
    container_get(obj, "peripheral");
    container_get(obj, "peripheral-anon");
    container_get(obj, "unattached");
    current_machine = MACHINE(obj);
    return current_machine;
}

void machine_destroy(void)
{
    if (current_machine) {
        MachineClass *mc = MACHINE_GET_CLASS(current_machine);

        if (mc->teardown) {
            mc->teardown(current_machine);
        }
        object_unparent(OBJECT(current_machine));
        current_machine = NULL;
    }
}

static const Property machine_props[] = {
    DEFINE_PROP_STRING("dumpdtb", MachineState, dumpdtb, NULL,
                       "Dump the device tree blob to a file and exit"),
    { NULL }
};

static void machine_class_base_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const char *type = object_class_get_name(oc);

    if (g_str_has_suffix(type, TYPE_MACHINE_SUFFIX)) {
        mc->name = machine_user_name(type);
    }
}

static void machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->min_cpus = 1;
    mc->max_cpus = 1;
    mc->default_ram_size = 128 * MiB;
    object_class_add_props(oc, machine_props);
}

static JsonNode *machine_get_ram_size(Object *obj, ObjectProperty *prop,
                                      Error **errp)
{
    return json_node_init_int(json_node_alloc(), MACHINE(obj)->ram_size);
}

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    ms->ram_size = mc->default_ram_size;
    ms->smp_cpus = 1;
    object_property_add(obj, "ram-size", "size", machine_get_ram_size, NULL,
                        NULL, NULL);
}

static void none_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "empty machine";
    mc->default_ram_size = 0;
}

static const TypeInfo machine_types[] = {
    {
        .name = TYPE_MACHINE,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(MachineState),
        .class_size = sizeof(MachineClass),
        .instance_init = machine_instance_init,
        .class_init = machine_class_init,
        .class_base_init = machine_class_base_init,
    },
    {
        .name = MACHINE_TYPE_NAME("none"),
        .parent = TYPE_MACHINE,
        .class_init = none_class_init,
    },
};

DEFINE_TYPES(machine_types)
