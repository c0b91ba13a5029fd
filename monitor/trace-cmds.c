/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands to inspect and switch trace events at run time:
 * trace-event-get-state and trace-event-set-state, over the trace
 * control layer (util/trace-control.c).  QEMU 10's shape: no "vcpu"
 * argument or member any more.
 */
#include "qemu/osdep.h"
#include "monitor/monitor-internal.h"
#include "qom/object.h"
#include "trace/control.h"

static bool trace_name_is_pattern(const char *name)
{
    return strchr(name, '*') || strchr(name, '?');
}

static void trace_count_event(TraceEvent *ev, void *opaque)
{
    (*(unsigned *)opaque)++;
}

/*
 * A plain name must match an event; a pattern may match none.  Returns
 * how many events match.
 */
static bool trace_check_name(const char *name, unsigned *count,
                             Error **errp)
{
    *count = 0;
    trace_event_foreach(name, trace_count_event, count);
    if (!*count && !trace_name_is_pattern(name)) {
        error_setg(errp, "unknown event \"%s\"", name);
        return false;
    }
    return true;
}

static void trace_add_state(TraceEvent *ev, void *opaque)
{
    JsonArray *list = opaque;
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", ev->name);
    json_object_set_string_member(info, "state",
                                  trace_event_get_state_dynamic(ev)
                                  ? "enabled" : "disabled");
    json_array_add_object_element(list, info);
}

static JsonNode *qmp_trace_event_get_state(JsonObject *args, Error **errp)
{
    const char *name = json_object_get_string_member(args, "name");
    JsonArray *list;
    JsonNode *node;
    unsigned count;

    if (!trace_check_name(name, &count, errp)) {
        return NULL;
    }
    list = json_array_new();
    trace_event_foreach(name, trace_add_state, list);
    node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, list);
    return node;
}

static JsonNode *qmp_trace_event_set_state(JsonObject *args, Error **errp)
{
    const char *name = json_object_get_string_member(args, "name");
    bool enable = json_object_get_boolean_member(args, "enable");
    unsigned count;

    /*
     * "ignore-unavailable" is accepted; every event here can be switched
     * at run time, so there is never anything to ignore.
     */
    if (!trace_check_name(name, &count, errp)) {
        return NULL;
    }
    if (count && !trace_enable_pattern(name, enable, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static const QmpArg trace_get_args[] = {
    { "name", QMP_ARG_STR },
    { NULL }
};

static const QmpArg trace_set_args[] = {
    { "name", QMP_ARG_STR },
    { "enable", QMP_ARG_BOOL },
    { "ignore-unavailable", QMP_ARG_BOOL, .optional = true },
    { NULL }
};

static const QmpCommand trace_commands[] = {
    { "trace-event-get-state", qmp_trace_event_get_state, trace_get_args },
    { "trace-event-set-state", qmp_trace_event_set_state, trace_set_args },
};

static void trace_commands_register(void)
{
    qmp_register_commands(trace_commands, ARRAY_SIZE(trace_commands));
}
module_init(trace_commands_register)
