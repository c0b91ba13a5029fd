/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Core QMP commands: capabilities negotiation, version/status/name
 * queries, the command list, run control (stop, cont, quit) and fd
 * passing (getfd, closefd).
 */
#include "qemu/osdep.h"
#include "monitor/monitor-internal.h"
#include "qom/object.h"
#include "system/runstate.h"
#include "system/system.h"

/* QMP capabilities QEMU knows; we offer none of them (no OOB). */
static const char *const qmp_known_caps[] = { "oob", NULL };

JsonNode *qmp_version_info(void)
{
    JsonObject *qemu = json_object_new();
    JsonObject *info = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_object_set_int_member(qemu, "micro", QEMU_VERSION_MICRO);
    json_object_set_int_member(qemu, "minor", QEMU_VERSION_MINOR);
    json_object_set_int_member(qemu, "major", QEMU_VERSION_MAJOR);
    json_object_set_object_member(info, "qemu", qemu);
    json_object_set_string_member(info, "package",
                                  PROJECT_NAME " " PROJECT_VERSION);
    json_node_take_object(node, info);
    return node;
}

static JsonNode *qmp_object_return(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

static JsonNode *qmp_qmp_capabilities(JsonObject *args, Error **errp)
{
    JsonArray *enable = NULL;
    bool want_oob = false;
    guint i, n;

    if (json_object_has_member(args, "enable")) {
        enable = json_object_get_array_member(args, "enable");
    }
    n = enable ? json_array_get_length(enable) : 0;
    for (i = 0; i < n; i++) {
        JsonNode *cap = json_array_get_element(enable, i);
        const char *name;
        bool known = false;
        int k;

        if (!JSON_NODE_HOLDS_VALUE(cap) ||
            json_node_get_value_type(cap) != G_TYPE_STRING) {
            error_setg(errp, "Invalid parameter type for 'enable[%u]', "
                       "expected: string", i);
            return NULL;
        }
        name = json_node_get_string(cap);
        for (k = 0; qmp_known_caps[k]; k++) {
            known |= !strcmp(name, qmp_known_caps[k]);
        }
        if (!known) {
            error_setg(errp, "Parameter 'enable[%u]' does not accept value "
                       "'%s'", i, name);
            return NULL;
        }
        want_oob |= !strcmp(name, "oob");
    }
    if (!monitor_qmp_leave_negotiation(want_oob, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static JsonNode *qmp_query_version(JsonObject *args, Error **errp)
{
    return qmp_version_info();
}

static JsonNode *qmp_query_status(JsonObject *args, Error **errp)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "status",
                                  runstate_name(runstate_get()));
    json_object_set_boolean_member(info, "running", runstate_is_running());
    return qmp_object_return(info);
}

static JsonNode *qmp_query_name(JsonObject *args, Error **errp)
{
    JsonObject *info = json_object_new();
    const char *name = qemu_get_vm_name();

    if (name) {
        json_object_set_string_member(info, "name", name);
    }
    return qmp_object_return(info);
}

static void qmp_add_command_info(const QmpCommand *cmd, void *opaque)
{
    JsonArray *list = opaque;
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", cmd->name);
    json_array_add_object_element(list, info);
}

static JsonNode *qmp_query_commands(JsonObject *args, Error **errp)
{
    JsonArray *list = json_array_new();
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    qmp_foreach_command(qmp_add_command_info, list);
    json_node_take_array(node, list);
    return node;
}

static JsonNode *qmp_quit(JsonObject *args, Error **errp)
{
    /*
     * Only a request: the reply goes out when we return, before the main
     * loop sees the request and vl.c emits SHUTDOWN and exits.
     */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return qmp_return_empty();
}

static JsonNode *qmp_stop(JsonObject *args, Error **errp)
{
    vm_stop();
    return qmp_return_empty();
}

static JsonNode *qmp_cont(JsonObject *args, Error **errp)
{
    vm_start();
    return qmp_return_empty();
}

static JsonNode *qmp_getfd(JsonObject *args, Error **errp)
{
    const char *name = json_object_get_string_member(args, "fdname");
    int fd = monitor_take_msgfd();

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return NULL;
    }
    if (g_ascii_isdigit(name[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                   "with a digit");
        return NULL;
    }
    if (!monitor_add_named_fd(name, fd, errp)) {
        close(fd);
        return NULL;
    }
    return qmp_return_empty();
}

static JsonNode *qmp_closefd(JsonObject *args, Error **errp)
{
    const char *name = json_object_get_string_member(args, "fdname");

    if (!monitor_close_named_fd(name, errp)) {
        return NULL;
    }
    return qmp_return_empty();
}

static JsonNode *qmp_system_reset(JsonObject *args, Error **errp)
{
    qemu_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return qmp_return_empty();
}

static const QmpArg qmp_capabilities_args[] = {
    { "enable", QMP_ARG_ARRAY, .optional = true },
    { NULL }
};

static const QmpArg qmp_fdname_args[] = {
    { "fdname", QMP_ARG_STR },
    { NULL }
};

static const QmpCommand qmp_core_commands[] = {
    { "closefd", qmp_closefd, qmp_fdname_args },
    { "cont", qmp_cont },
    { "getfd", qmp_getfd, qmp_fdname_args },
    { "qmp_capabilities", qmp_qmp_capabilities, qmp_capabilities_args },
    { "query-commands", qmp_query_commands },
    { "query-name", qmp_query_name },
    { "query-status", qmp_query_status },
    { "query-version", qmp_query_version },
    { "quit", qmp_quit },
    { "stop", qmp_stop },
    { "system_reset", qmp_system_reset },
};

static void qmp_core_register(void)
{
    qmp_register_commands(qmp_core_commands, ARRAY_SIZE(qmp_core_commands));
}
module_init(qmp_core_register)
