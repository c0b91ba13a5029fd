/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for QMP dispatch: a table of test commands is registered and
 * requests go through qmp_dispatch(); the responses are compared, as
 * text, with what QEMU sends (request shape errors, argument checks,
 * negotiation mode, id echo, error classes) and the writer's compact and
 * pretty layouts are checked byte for byte.
 */
#include "qemu/osdep.h"
#include "monitor/qmp-dispatch.h"

static int echo_calls;

/* Returns its arguments. */
static JsonNode *test_echo(JsonObject *args, Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    echo_calls++;
    json_node_set_object(node, args);
    return node;
}

static JsonNode *test_fail(JsonObject *args, Error **errp)
{
    if (json_object_has_member(args, "device")) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  json_object_get_string_member(args, "device"));
    } else {
        error_setg(errp, "failed as asked");
    }
    return NULL;
}

static JsonNode *test_scalar(JsonObject *args, Error **errp)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(node, 42);
    return node;
}

static JsonNode *test_no_return(JsonObject *args, Error **errp)
{
    return qmp_return_empty();
}

static const QmpArg test_typed_args[] = {
    { "s", QMP_ARG_STR },
    { "i", QMP_ARG_INT, .optional = true },
    { "b", QMP_ARG_BOOL, .optional = true },
    { "n", QMP_ARG_NUMBER, .optional = true },
    { "o", QMP_ARG_OBJECT, .optional = true },
    { "a", QMP_ARG_ARRAY, .optional = true },
    { "v", QMP_ARG_ANY, .optional = true },
    { NULL }
};

static const QmpArg test_fail_args[] = {
    { "device", QMP_ARG_STR, .optional = true },
    { NULL }
};

static const QmpArg test_extra_args[] = {
    { "kind", QMP_ARG_STR },
    { NULL }
};

/* Deliberately not sorted: registration sorts. */
static const QmpCommand test_commands[] = {
    { "x-test-typed", test_echo, test_typed_args },
    { "x-test-fail", test_fail, test_fail_args },
    { "x-test-extra", test_echo, test_extra_args, .extra_args = true },
    { "x-test-scalar", test_scalar },
    { "x-test-empty", test_no_return },
};

/* Dispatch request text; returns the compact response. */
static char *dispatch(const char *request, bool negotiation)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(JsonNode) rsp_node = json_node_new(JSON_NODE_OBJECT);

    g_assert(json_parser_load_from_data(parser, request, -1, NULL));
    json_node_take_object(rsp_node,
                          qmp_dispatch(json_parser_get_root(parser),
                                       negotiation));
    return qmp_to_json(rsp_node, false);
}

static void check(const char *request, const char *expected)
{
    g_autofree char *got = dispatch(request, false);

    g_assert_cmpstr(got, ==, expected);
}

#define GENERIC(desc) \
    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" desc "\"}}"

static void test_registry(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(test_commands); i++) {
        g_assert(qmp_find_command(test_commands[i].name) ==
                 &test_commands[i]);
    }
    g_assert_null(qmp_find_command("x-test-nope"));
    g_assert_null(qmp_find_command(""));
    g_assert_null(qmp_find_command("x-test-typed "));
}

static void check_sorted(const QmpCommand *cmd, void *opaque)
{
    const char **last = opaque;

    if (*last) {
        g_assert_cmpint(strcmp(*last, cmd->name), <, 0);
    }
    *last = cmd->name;
}

static void test_foreach_sorted(void)
{
    const char *last = NULL;

    qmp_foreach_command(check_sorted, &last);
    g_assert_nonnull(last);
}

static void test_request_shape(void)
{
    check("[]", GENERIC("QMP input must be a JSON object"));
    check("[{\"execute\": \"x-test-scalar\"}]",
          GENERIC("QMP input must be a JSON object"));
    check("{}", GENERIC("QMP input lacks member 'execute'"));
    check("{\"arguments\": {}}", GENERIC("QMP input lacks member 'execute'"));
    check("{\"execute\": 1}",
          GENERIC("QMP input member 'execute' must be a string"));
    check("{\"execute\": \"x-test-scalar\", \"arguments\": []}",
          GENERIC("QMP input member 'arguments' must be an object"));
    check("{\"execute\": \"x-test-scalar\", \"foo\": 1}",
          GENERIC("QMP input member 'foo' is unexpected"));
    check("{\"execute\": \"x-test-scalar\", \"exec-oob\": \"x\"}",
          GENERIC("QMP input member 'exec-oob' is unexpected"));
    check("{\"execute\": \"x-test-nope\"}",
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
          "\"The command x-test-nope has not been found\"}}");
}

static void test_id_echo(void)
{
    check("{\"execute\": \"x-test-scalar\", \"id\": 7}",
          "{\"return\": 42, \"id\": 7}");
    check("{\"id\": {\"a\": [1, \"x\"]}, \"execute\": \"x-test-scalar\"}",
          "{\"return\": 42, \"id\": {\"a\": [1, \"x\"]}}");
    check("{\"execute\": \"x-test-nope\", \"id\": \"abc\"}",
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
          "\"The command x-test-nope has not been found\"}, \"id\": \"abc\"}");
    check("{\"execute\": \"x-test-scalar\", \"foo\": 1, \"id\": null}",
          "{\"error\": {\"class\": \"GenericError\", \"desc\": "
          "\"QMP input member 'foo' is unexpected\"}, \"id\": null}");
}

static void test_args(void)
{
    int calls = echo_calls;

    check("{\"execute\": \"x-test-typed\"}",
          GENERIC("Parameter 's' is missing"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": {\"s\": 1}}",
          GENERIC("Invalid parameter type for 's', expected: string"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"i\": 1.5}}",
          GENERIC("Invalid parameter type for 'i', expected: integer"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"b\": \"on\"}}",
          GENERIC("Invalid parameter type for 'b', expected: boolean"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"n\": \"1\"}}",
          GENERIC("Invalid parameter type for 'n', expected: number"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"o\": []}}",
          GENERIC("Invalid parameter type for 'o', expected: object"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"a\": {}}}",
          GENERIC("Invalid parameter type for 'a', expected: array"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"i\": null}}",
          GENERIC("Invalid parameter type for 'i', expected: integer"));
    check("{\"execute\": \"x-test-typed\", \"arguments\": "
          "{\"s\": \"x\", \"zz\": 1}}",
          GENERIC("Parameter 'zz' is unexpected"));
    check("{\"execute\": \"x-test-scalar\", \"arguments\": {\"a\": 1}}",
          GENERIC("Parameter 'a' is unexpected"));
    /* Nothing ran so far. */
    g_assert_cmpint(echo_calls, ==, calls);

    check("{\"execute\": \"x-test-typed\", \"arguments\": {\"s\": \"x\", "
          "\"i\": -3, \"b\": true, \"n\": 2, \"o\": {}, \"a\": [], "
          "\"v\": null}}",
          "{\"return\": {\"s\": \"x\", \"i\": -3, \"b\": true, \"n\": 2, "
          "\"o\": {}, \"a\": [], \"v\": null}}");
    check("{\"execute\": \"x-test-typed\", \"arguments\": {\"s\": \"x\", "
          "\"n\": 2.5, \"v\": [1]}}",
          "{\"return\": {\"s\": \"x\", \"n\": 2.5, \"v\": [1]}}");
    g_assert_cmpint(echo_calls, ==, calls + 2);

    /* extra_args: undeclared members pass, declared ones still checked. */
    check("{\"execute\": \"x-test-extra\", \"arguments\": {\"kind\": \"k\", "
          "\"size\": 4}}",
          "{\"return\": {\"kind\": \"k\", \"size\": 4}}");
    check("{\"execute\": \"x-test-extra\", \"arguments\": {\"size\": 4}}",
          GENERIC("Parameter 'kind' is missing"));
}

static void test_handler_errors(void)
{
    check("{\"execute\": \"x-test-fail\"}", GENERIC("failed as asked"));
    check("{\"execute\": \"x-test-fail\", \"arguments\": "
          "{\"device\": \"d0\"}, \"id\": 1}",
          "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
          "\"Device 'd0' not found\"}, \"id\": 1}");
    check("{\"execute\": \"x-test-empty\"}", "{\"return\": {}}");
}

static void test_negotiation_mode(void)
{
    g_autofree char *a = dispatch("{\"execute\": \"x-test-scalar\", "
                                  "\"id\": 1}", true);
    g_autofree char *b = dispatch("{\"execute\": \"x-test-nope\"}", true);
    g_autofree char *c = dispatch("{\"foo\": 1}", true);

    g_assert_cmpstr(a, ==,
                    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                    "\"Expecting capabilities negotiation with "
                    "'qmp_capabilities'\"}, \"id\": 1}");
    g_assert_cmpstr(b, ==,
                    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                    "\"Expecting capabilities negotiation with "
                    "'qmp_capabilities'\"}}");
    /* Shape errors come first, as in QEMU. */
    g_assert_cmpstr(c, ==, GENERIC("QMP input member 'foo' is unexpected"));
}

static char *to_json(const char *text, bool pretty)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    g_assert(json_parser_load_from_data(parser, text, -1, NULL));
    return qmp_to_json(json_parser_get_root(parser), pretty);
}

static void test_writer(void)
{
    g_autofree char *compact = to_json(
        "{\"a\":{},\"b\":[],\"c\":[1,true,null,\"s\"],\"d\":{\"e\":-1}}",
        false);
    g_autofree char *pretty = to_json(
        "{\"return\":{},\"id\":[1,{\"a\":[]},{}]}", true);
    g_autofree char *esc = to_json(
        "[\"q\\\"b\\\\/\\b\\f\\n\\r\\t\\u0001\\u007f\\u00e9\\ud83d\\ude00\"]",
        false);
    g_autofree char *dbl = to_json("[1.5, 1e300, 0.1]", false);

    g_assert_cmpstr(compact, ==,
                    "{\"a\": {}, \"b\": [], \"c\": [1, true, null, \"s\"], "
                    "\"d\": {\"e\": -1}}");
    g_assert_cmpstr(pretty, ==,
                    "{\n"
                    "    \"return\": {\n"
                    "    },\n"
                    "    \"id\": [\n"
                    "        1,\n"
                    "        {\n"
                    "            \"a\": [\n"
                    "            ]\n"
                    "        },\n"
                    "        {\n"
                    "        }\n"
                    "    ]\n"
                    "}");
    g_assert_cmpstr(esc, ==,
                    "[\"q\\\"b\\\\/\\b\\f\\n\\r\\t\\u0001\\u007F\\u00E9"
                    "\\uD83D\\uDE00\"]");
    g_assert_cmpstr(dbl, ==, "[1.5, 1.0000000000000001e+300, "
                    "0.10000000000000001]");
}

/* json-glib's complaints, in QEMU's words (as QEMU 10 says them). */
static void test_parse_errors(void)
{
    static const struct {
        const char *text;
        const char *desc;
    } cases[] = {
        { "{\"execute\": }", "expecting value" },
        { "{\"a\":}", "expecting value" },
        { "{\"a\": 1,}", "expecting value" },
        { "[1,]", "expecting value" },
        { "[,]", "expecting value" },
        { "{,}", "expecting value" },
        { "{]", "expecting value" },
        { "{\"a\": [}", "expecting value" },
        { "{\"execute\" \"x\"}", "missing : in object pair" },
        { "{\"a\"}", "missing : in object pair" },
        { "{1: 2}", "key is not a string in object" },
        { "{\"a\": 1 \"b\": 2}", "expected separator in dict" },
        { "[1 2]", "expected separator in list" },
        { "{\"a\": [1 2]}", "expected separator in list" },
        { "{\"a\": nul}", "invalid keyword 'nul'" },
        { "{\"a\": \"\xc3\"}", "invalid UTF-8 sequence in string" },
        /* No QEMU counterpart: json-glib's words, without "<data>:". */
        { "{\"a\": -}", "1:7: Parse error: unexpected character `-', "
          "expected number (integer)" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) err = NULL;
        g_autofree char *desc = NULL;

        g_assert_false(json_parser_load_from_data(parser, cases[i].text, -1,
                                                  &err));
        desc = qmp_json_error_desc(cases[i].text, strlen(cases[i].text),
                                   err);
        g_assert_cmpstr(desc, ==, cases[i].desc);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qmp_register_commands(test_commands, ARRAY_SIZE(test_commands));

    g_test_add_func("/qmp-dispatch/registry", test_registry);
    g_test_add_func("/qmp-dispatch/foreach-sorted", test_foreach_sorted);
    g_test_add_func("/qmp-dispatch/request-shape", test_request_shape);
    g_test_add_func("/qmp-dispatch/id-echo", test_id_echo);
    g_test_add_func("/qmp-dispatch/args", test_args);
    g_test_add_func("/qmp-dispatch/handler-errors", test_handler_errors);
    g_test_add_func("/qmp-dispatch/negotiation-mode", test_negotiation_mode);
    g_test_add_func("/qmp-dispatch/writer", test_writer);
    g_test_add_func("/qmp-dispatch/parse-errors", test_parse_errors);
    return g_test_run();
}
