/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine-level QMP queries that management stacks (libvirt) probe at
 * start-up: query-machines, query-target, query-kvm, query-accelerators.
 * Answers come from the live type registry and accelerator table.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "monitor/qmp-dispatch.h"
#include "system/accel.h"

static JsonNode *qmp_query_machines(JsonObject *args, Error **errp)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    MachineState *cur = qdev_get_machine();
    JsonArray *arr = json_array_new();
    GSList *l;

    for (l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        JsonObject *m = json_object_new();

        json_object_set_string_member(m, "name", mc->name);
        json_object_set_int_member(m, "cpu-max", mc->max_cpus);
        json_object_set_boolean_member(m, "hotpluggable-cpus", false);
        json_object_set_boolean_member(m, "numa-mem-supported", false);
        json_object_set_boolean_member(m, "deprecated", false);
        json_object_set_boolean_member(m, "acpi", false);
        json_object_set_string_member(m, "default-ram-id", "mach-virt.ram");
        if (cur && MACHINE_GET_CLASS(cur) == mc) {
            json_object_set_boolean_member(m, "is-current", true);
        }
        json_array_add_object_element(arr, m);
    }
    g_slist_free(list);
    return json_node_init_array(json_node_alloc(), arr);
}

static JsonNode *qmp_query_target(JsonObject *args, Error **errp)
{
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "arch", "aarch64");
    return json_node_init_object(json_node_alloc(), o);
}

static JsonNode *qmp_query_kvm(JsonObject *args, Error **errp)
{
    const AccelOps *acc = current_accel();
    JsonObject *o = json_object_new();
    bool enabled = acc && !strcmp(acc->name, "kvm");

    json_object_set_boolean_member(o, "enabled", enabled);
#ifdef CONFIG_KVM
    json_object_set_boolean_member(o, "present", access("/dev/kvm", F_OK)
                                                 == 0);
#else
    json_object_set_boolean_member(o, "present", false);
#endif
    return json_node_init_object(json_node_alloc(), o);
}

static JsonNode *qmp_query_accelerators(JsonObject *args, Error **errp)
{
    const AccelOps *acc = current_accel();
    JsonObject *o = json_object_new();
    JsonArray *present = json_array_new();

    json_array_add_string_element(present, "qtest");
#ifdef CONFIG_KVM
    json_array_add_string_element(present, "kvm");
#endif
    json_object_set_array_member(o, "present", present);
    if (acc) {
        json_object_set_string_member(o, "enabled", acc->name);
    }
    return json_node_init_object(json_node_alloc(), o);
}

static const QmpCommand machine_qmp_cmds[] = {
    { "query-accelerators", qmp_query_accelerators },
    { "query-kvm", qmp_query_kvm },
    { "query-machines", qmp_query_machines },
    { "query-target", qmp_query_target },
};

static void machine_qmp_register(void)
{
    qmp_register_commands(machine_qmp_cmds, ARRAY_SIZE(machine_qmp_cmds));
}

module_init(machine_qmp_register)
