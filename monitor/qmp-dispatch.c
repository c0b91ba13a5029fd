/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP dispatch: the command registry (kept sorted by name, filled by each
 * command file's table at start-up), the checks a request and its
 * arguments go through before a handler runs, and the JSON writer that
 * gives replies QEMU's exact layout.
 */
#include "qemu/osdep.h"

#include <math.h>

#include "monitor/qmp-dispatch.h"
#include "trace/trace-monitor.h"

/* const QmpCommand *, sorted by name. */
static GPtrArray *qmp_commands;

static gint qmp_command_cmp(gconstpointer a, gconstpointer b)
{
    const QmpCommand *ca = *(const QmpCommand *const *)a;
    const QmpCommand *cb = *(const QmpCommand *const *)b;

    return strcmp(ca->name, cb->name);
}

void qmp_register_commands(const QmpCommand *cmds, size_t n)
{
    size_t i;

    if (!qmp_commands) {
        qmp_commands = g_ptr_array_new();
    }
    for (i = 0; i < n; i++) {
        g_assert(cmds[i].name && cmds[i].fn);
        if (qmp_find_command(cmds[i].name)) {
            g_error("QMP command '%s' registered twice", cmds[i].name);
        }
        g_ptr_array_add(qmp_commands, (gpointer)&cmds[i]);
        g_ptr_array_sort(qmp_commands, qmp_command_cmp);
    }
}

const QmpCommand *qmp_find_command(const char *name)
{
    guint lo = 0, hi = qmp_commands ? qmp_commands->len : 0;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const QmpCommand *cmd = g_ptr_array_index(qmp_commands, mid);
        int c = strcmp(name, cmd->name);

        if (!c) {
            return cmd;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

void qmp_foreach_command(void (*fn)(const QmpCommand *cmd, void *opaque),
                         void *opaque)
{
    guint i;

    for (i = 0; qmp_commands && i < qmp_commands->len; i++) {
        fn(g_ptr_array_index(qmp_commands, i), opaque);
    }
}

JsonNode *qmp_return_empty(void)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, json_object_new());
    return node;
}

/* ---- argument checks ---- */

const char *qmp_arg_type_name(QmpArgType type)
{
    switch (type) {
    case QMP_ARG_STR:
        return "string";
    case QMP_ARG_INT:
        return "integer";
    case QMP_ARG_BOOL:
        return "boolean";
    case QMP_ARG_NUMBER:
        return "number";
    case QMP_ARG_OBJECT:
        return "object";
    case QMP_ARG_ARRAY:
        return "array";
    case QMP_ARG_ANY:
        return "any";
    }
    g_assert_not_reached();
}

static bool qmp_arg_type_ok(JsonNode *node, QmpArgType type)
{
    GType vt = JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node)
                                           : G_TYPE_INVALID;

    switch (type) {
    case QMP_ARG_STR:
        return vt == G_TYPE_STRING;
    case QMP_ARG_INT:
        return vt == G_TYPE_INT64;
    case QMP_ARG_BOOL:
        return vt == G_TYPE_BOOLEAN;
    case QMP_ARG_NUMBER:
        return vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE;
    case QMP_ARG_OBJECT:
        return JSON_NODE_HOLDS_OBJECT(node);
    case QMP_ARG_ARRAY:
        return JSON_NODE_HOLDS_ARRAY(node);
    case QMP_ARG_ANY:
        return true;
    }
    return false;
}

static bool qmp_arg_declared(const QmpCommand *cmd, const char *name)
{
    const QmpArg *a;

    for (a = cmd->args; a && a->name; a++) {
        if (!strcmp(a->name, name)) {
            return true;
        }
    }
    return false;
}

bool qmp_check_args(const QmpCommand *cmd, JsonObject *args, Error **errp)
{
    g_autoptr(GList) members = NULL;
    const QmpArg *a;
    GList *l;

    /* Declared arguments in table order, then the leftovers. */
    for (a = cmd->args; a && a->name; a++) {
        JsonNode *node = json_object_get_member(args, a->name);

        if (!node) {
            if (!a->optional) {
                error_setg(errp, "Parameter '%s' is missing", a->name);
                return false;
            }
            continue;
        }
        if (!qmp_arg_type_ok(node, a->type)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       a->name, qmp_arg_type_name(a->type));
            return false;
        }
    }
    if (cmd->extra_args) {
        return true;
    }
    members = json_object_get_members(args);
    for (l = members; l; l = l->next) {
        if (!qmp_arg_declared(cmd, l->data)) {
            error_setg(errp, "Parameter '%s' is unexpected",
                       (const char *)l->data);
            return false;
        }
    }
    return true;
}

/* ---- requests ---- */

static JsonNode *qmp_object_node(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

JsonObject *qmp_error_response(const Error *err, JsonNode *id)
{
    JsonObject *rsp = json_object_new();
    JsonObject *e = json_object_new();

    json_object_set_string_member(e, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(e, "desc", error_get_pretty(err));
    json_object_set_member(rsp, "error", qmp_object_node(e));
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    return rsp;
}

/* The request's "id" for traces: its JSON, or "" if none. */
static char *qmp_id_for_trace(JsonNode *id)
{
    return id ? qmp_to_json(id, false) : g_strdup("");
}

static JsonNode *qmp_run(JsonObject *req, bool cap_negotiation,
                         JsonNode *id, Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(req);
    g_autoptr(JsonObject) no_args = NULL;
    const QmpCommand *cmd;
    const char *name = NULL;
    JsonObject *args = NULL;
    JsonNode *ret;
    Error *local_err = NULL;
    GList *l;

    for (l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *node = json_object_get_member(req, key);

        if (!strcmp(key, "execute")) {
            if (!JSON_NODE_HOLDS_VALUE(node) ||
                json_node_get_value_type(node) != G_TYPE_STRING) {
                error_setg(errp,
                           "QMP input member 'execute' must be a string");
                return NULL;
            }
            name = json_node_get_string(node);
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(node)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return NULL;
            }
            args = json_node_get_object(node);
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return NULL;
        }
    }
    if (!name) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }

    if (TRACE_MONITOR_QMP_CMD_IN_BAND_BACKEND_DSTATE()) {
        g_autofree char *id_str = qmp_id_for_trace(id);

        trace_monitor_qmp_cmd_in_band(id_str, name);
    }

    if (cap_negotiation && strcmp(name, "qmp_capabilities")) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Expecting capabilities negotiation with "
                  "'qmp_capabilities'");
        return NULL;
    }
    cmd = qmp_find_command(name);
    if (!cmd) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return NULL;
    }
    if (!args) {
        no_args = json_object_new();
        args = no_args;
    }
    if (!qmp_check_args(cmd, args, errp)) {
        return NULL;
    }
    ret = cmd->fn(args, &local_err);
    if (local_err) {
        if (ret) {
            json_node_unref(ret);
        }
        error_propagate(errp, local_err);
        return NULL;
    }
    if (!ret) {
        error_setg(errp, "Command '%s' returned no value", name);
        return NULL;
    }
    return ret;
}

JsonObject *qmp_dispatch(JsonNode *request, bool cap_negotiation)
{
    g_autoptr(Error) err = NULL;
    JsonObject *req, *rsp;
    JsonNode *id, *ret;

    if (!request || !JSON_NODE_HOLDS_OBJECT(request)) {
        error_setg(&err, "QMP input must be a JSON object");
        return qmp_error_response(err, NULL);
    }
    req = json_node_get_object(request);
    id = json_object_get_member(req, "id");
    ret = qmp_run(req, cap_negotiation, id, &err);
    if (!ret) {
        return qmp_error_response(err, id);
    }
    rsp = json_object_new();
    json_object_set_member(rsp, "return", ret);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    return rsp;
}

/* ---- JSON parse errors ---- */

/* Offset of 1-based line/column in text, clamped to len. */
static size_t qmp_json_offset(const char *text, size_t len,
                              unsigned line, unsigned col)
{
    size_t off = 0;

    while (line > 1 && off < len) {
        if (text[off++] == '\n') {
            line--;
        }
    }
    off += col ? col - 1 : 0;
    return MIN(off, len);
}

/* '{' or '[': the innermost bracket still open at off (strings skipped). */
static char qmp_json_open_bracket(const char *text, size_t off)
{
    g_autoptr(GString) stack = g_string_new(NULL);
    char quote = 0;
    bool escape = false;
    size_t i;

    for (i = 0; i < off; i++) {
        char c = text[i];

        if (quote) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == quote) {
                quote = 0;
            }
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '{' || c == '[') {
            g_string_append_c(stack, c);
        } else if ((c == '}' || c == ']') && stack->len) {
            g_string_truncate(stack, stack->len - 1);
        }
    }
    return stack->len ? stack->str[stack->len - 1] : 0;
}

char *qmp_json_error_desc(const char *text, size_t len, const GError *err)
{
    const char *msg = err->message;
    const char *what, *expected;
    unsigned line = 0, col = 0;
    size_t off;

    if (g_str_has_prefix(msg, "<data>:")) {
        msg += strlen("<data>:");
    }
    if (err->domain == JSON_PARSER_ERROR &&
        err->code == JSON_PARSER_ERROR_INVALID_DATA) {
        return g_strdup("invalid UTF-8 sequence in string");
    }
    what = strstr(msg, "Parse error: ");
    if (!what || sscanf(msg, "%u:%u:", &line, &col) != 2) {
        return g_strdup(msg);
    }
    what += strlen("Parse error: ");
    off = qmp_json_offset(text, len, line, col);
    /* "unexpected THING, expected THING" */
    expected = strstr(what, ", expected ");
    expected = expected ? expected + 2 : "";

    if (g_str_has_prefix(what, "unexpected identifier `")) {
        const char *word = what + strlen("unexpected identifier `");
        const char *end = strchr(word, '\'');

        if (end) {
            return g_strdup_printf("invalid keyword '%.*s'",
                                   (int)(end - word), word);
        }
    }
    if (!strcmp(expected, "expected character `:'")) {
        return g_strdup("missing : in object pair");
    }
    if (!strcmp(expected, "expected character `,'")) {
        return g_strdup_printf("expected separator in %s",
                               qmp_json_open_bracket(text, off) == '['
                               ? "list" : "dict");
    }
    if (!strcmp(expected, "expected string constant")) {
        /* json-glib points at the '{' when the key is bad. */
        size_t i = off;

        if (i < len && (text[i] == '{' || text[i] == ',')) {
            i++;
        }
        while (i < len && g_ascii_isspace(text[i])) {
            i++;
        }
        if (i < len && !strchr(",:]}", text[i])) {
            return g_strdup("key is not a string in object");
        }
        return g_strdup("expecting value");
    }
    if (g_str_has_prefix(what, "unexpected character `") &&
        (!strcmp(expected, "expected character `}'") ||
         !strcmp(expected, "expected character `]'") ||
         !strcmp(expected, "expected value"))) {
        return g_strdup("expecting value");
    }
    return g_strdup(msg);
}

/* ---- the JSON writer ---- */

static void qmp_json_newline(GString *out, bool pretty, int level)
{
    if (pretty) {
        g_string_append_printf(out, "\n%*s", level * 4, "");
    }
}

static void qmp_json_string(GString *out, const char *s)
{
    const char *p = s;

    g_string_append_c(out, '"');
    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            /* Not UTF-8 (json-glib rejects such input): show the byte. */
            c = 0xfffd;
            p++;
        } else {
            p = g_utf8_next_char(p);
        }
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                g_string_append_c(out, c);
            } else if (c > 0xffff) {
                c -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 | (c >> 10),
                                       0xdc00 | (c & 0x3ff));
            } else {
                g_string_append_printf(out, "\\u%04X", c);
            }
            break;
        }
    }
    g_string_append_c(out, '"');
}

static void qmp_json_node(GString *out, JsonNode *node, bool pretty,
                          int level)
{
    const char *sep = pretty ? "," : ", ";

    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *obj = json_node_get_object(node);
        g_autoptr(GList) members = json_object_get_members(obj);
        GList *l;

        g_string_append_c(out, '{');
        for (l = members; l; l = l->next) {
            if (l != members) {
                g_string_append(out, sep);
            }
            qmp_json_newline(out, pretty, level + 1);
            qmp_json_string(out, l->data);
            g_string_append(out, ": ");
            qmp_json_node(out, json_object_get_member(obj, l->data), pretty,
                          level + 1);
        }
        qmp_json_newline(out, pretty, level);
        g_string_append_c(out, '}');
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *arr = json_node_get_array(node);
        guint i, n = json_array_get_length(arr);

        g_string_append_c(out, '[');
        for (i = 0; i < n; i++) {
            if (i) {
                g_string_append(out, sep);
            }
            qmp_json_newline(out, pretty, level + 1);
            qmp_json_node(out, json_array_get_element(arr, i), pretty,
                          level + 1);
        }
        qmp_json_newline(out, pretty, level);
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
            break;
        case G_TYPE_DOUBLE: {
            double d = json_node_get_double(node);

            if (isfinite(d)) {
                g_string_append_printf(out, "%.17g", d);
            } else {
                /* JSON has no infinities; never produce invalid text. */
                g_string_append(out, "null");
            }
            break;
        }
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                             : "false");
            break;
        case G_TYPE_STRING:
            qmp_json_string(out, json_node_get_string(node));
            break;
        default:
            g_string_append(out, "null");
            break;
        }
        break;
    }
}

char *qmp_to_json(JsonNode *node, bool pretty)
{
    GString *out = g_string_new(NULL);

    qmp_json_node(out, node, pretty, 0);
    return g_string_free(out, FALSE);
}
