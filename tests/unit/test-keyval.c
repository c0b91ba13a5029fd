/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/keyval.c: option strings ("a,b=c" with implied key,
 * comma escaping, help), their JSON alternative, -global syntax, the
 * scalar parsers (bool, int64, uint64, size) and the inverse printer,
 * including every error message.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"

/* Compact JSON text of obj, for comparing whole results at once. */
static char *test_obj_json(JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);
    char *s = json_to_string(node, FALSE);

    json_node_unref(node);
    return s;
}

static void test_check_parse(const char *params, const char *implied,
                             const char *expected_json, bool expected_help)
{
    Error *err = NULL;
    bool help = !expected_help;
    JsonObject *obj = keyval_parse(params, implied, &help, &err);
    char *s;

    if (err) {
        g_error("'%s': unexpected error: %s", params, error_get_pretty(err));
    }
    g_assert_nonnull(obj);
    s = test_obj_json(obj);
    g_assert_cmpstr(s, ==, expected_json);
    g_assert_cmpint(help, ==, expected_help);
    g_free(s);
    json_object_unref(obj);
}

static void test_check_parse_nohelp(const char *params, const char *implied,
                                    const char *expected_json)
{
    Error *err = NULL;
    JsonObject *obj = keyval_parse(params, implied, NULL, &err);
    char *s;

    g_assert_null(err);
    g_assert_nonnull(obj);
    s = test_obj_json(obj);
    g_assert_cmpstr(s, ==, expected_json);
    g_free(s);
    json_object_unref(obj);
}

static void test_check_parse_err_full(const char *params,
                                      const char *implied, bool with_help,
                                      const char *expected_msg)
{
    Error *err = NULL;
    bool help = false;
    JsonObject *obj = keyval_parse(params, implied,
                                   with_help ? &help : NULL, &err);

    g_assert_null(obj);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expected_msg);
    error_free(err);

    /* The same input with errp == NULL must fail quietly. */
    obj = keyval_parse(params, implied, with_help ? &help : NULL, NULL);
    g_assert_null(obj);
}

static void test_check_parse_err(const char *params, const char *implied,
                                 const char *expected_msg)
{
    test_check_parse_err_full(params, implied, true, expected_msg);
}

static void test_parse_basic(void)
{
    test_check_parse("virtio-net,id=n0,mac=52:54:00:12:34:56", "driver",
                     "{\"driver\":\"virtio-net\",\"id\":\"n0\","
                     "\"mac\":\"52:54:00:12:34:56\"}", false);
    /* The implied key may also be given explicitly. */
    test_check_parse("driver=virtio-net,id=n0", "driver",
                     "{\"driver\":\"virtio-net\",\"id\":\"n0\"}", false);
    test_check_parse("id=n0,driver=virtio-net", "driver",
                     "{\"id\":\"n0\",\"driver\":\"virtio-net\"}", false);
    test_check_parse("a=1,b=2", NULL, "{\"a\":\"1\",\"b\":\"2\"}", false);
    test_check_parse("a=1", NULL, "{\"a\":\"1\"}", false);
    test_check_parse("virt", "type", "{\"type\":\"virt\"}", false);
    /* All values stay strings, whatever they look like. */
    test_check_parse("x=5,y=on,z=1.5", NULL,
                     "{\"x\":\"5\",\"y\":\"on\",\"z\":\"1.5\"}", false);
    /* Key characters: letters, digits, '-', '_', '.'. */
    test_check_parse("A-b_c.d9=1,0=2", NULL,
                     "{\"A-b_c.d9\":\"1\",\"0\":\"2\"}", false);
}

static void test_parse_empty(void)
{
    test_check_parse("", NULL, "{}", false);
    test_check_parse("", "driver", "{}", false);
    test_check_parse_nohelp("", "driver", "{}");
}

static void test_parse_values(void)
{
    /* Empty values. */
    test_check_parse("a=", NULL, "{\"a\":\"\"}", false);
    test_check_parse("a=,b=2", NULL, "{\"a\":\"\",\"b\":\"2\"}", false);
    /* '=' inside a value is ordinary. */
    test_check_parse("a=b=c", NULL, "{\"a\":\"b=c\"}", false);
    test_check_parse("a==", NULL, "{\"a\":\"=\"}", false);
    /* Anything but a comma is literal in a value. */
    test_check_parse("a= x ,b=?", NULL,
                     "{\"a\":\" x \",\"b\":\"?\"}", false);
    test_check_parse("a=\xc3\xa9t\xc3\xa9", NULL,
                     "{\"a\":\"\xc3\xa9t\xc3\xa9\"}", false);
}

static void test_parse_commas(void)
{
    test_check_parse("path=/tmp/a,,b", NULL, "{\"path\":\"/tmp/a,b\"}",
                     false);
    test_check_parse("/tmp/a,,b,id=x", "file",
                     "{\"file\":\"/tmp/a,b\",\"id\":\"x\"}", false);
    /* "a,,b=c" has no '=' before its first comma: all of it is implied. */
    test_check_parse("a,,b=c", "driver", "{\"driver\":\"a,b=c\"}", false);
    test_check_parse(",,x", "driver", "{\"driver\":\",x\"}", false);
    test_check_parse("a=1,,", NULL, "{\"a\":\"1,\"}", false);
    test_check_parse("a=1,,,", NULL, "{\"a\":\"1,\"}", false);
    test_check_parse("a=1,,,b=2", NULL, "{\"a\":\"1,\",\"b\":\"2\"}",
                     false);
    test_check_parse("a=1,,b=2", NULL, "{\"a\":\"1,b=2\"}", false);
    test_check_parse("a=,,,,", NULL, "{\"a\":\",,\"}", false);
    test_check_parse("a=,,,,,b=", NULL, "{\"a\":\",,\",\"b\":\"\"}",
                     false);
}

static void test_parse_trailing_comma(void)
{
    test_check_parse("a=1,", NULL, "{\"a\":\"1\"}", false);
    test_check_parse("a=1,b=2,", NULL, "{\"a\":\"1\",\"b\":\"2\"}", false);
    test_check_parse("virtio-net,", "driver", "{\"driver\":\"virtio-net\"}",
                     false);
    test_check_parse("help,", "driver", "{}", true);
}

static void test_parse_help(void)
{
    test_check_parse("help", "driver", "{}", true);
    test_check_parse("?", "driver", "{}", true);
    test_check_parse("help", NULL, "{}", true);
    test_check_parse("?", NULL, "{}", true);
    test_check_parse("virtio-net,help", "driver",
                     "{\"driver\":\"virtio-net\"}", true);
    test_check_parse("virtio-net,?", "driver",
                     "{\"driver\":\"virtio-net\"}", true);
    test_check_parse("virtio-net,help,id=x", "driver",
                     "{\"driver\":\"virtio-net\",\"id\":\"x\"}", true);
    test_check_parse("a=1,help", NULL, "{\"a\":\"1\"}", true);
    test_check_parse("help,a=1", NULL, "{\"a\":\"1\"}", true);
    /* "help" as a key or a value is not a help request. */
    test_check_parse("help=1", NULL, "{\"help\":\"1\"}", false);
    test_check_parse("a=help", NULL, "{\"a\":\"help\"}", false);
    test_check_parse("helpme", "driver", "{\"driver\":\"helpme\"}", false);
    /* With an escaped comma the element is "help,x", not "help". */
    test_check_parse("help,,x", "driver", "{\"driver\":\"help,x\"}", false);

    /* Without a help pointer, "help" is ordinary text. */
    test_check_parse_nohelp("help", "driver", "{\"driver\":\"help\"}");
    test_check_parse_nohelp("?", "driver", "{\"driver\":\"?\"}");
    test_check_parse_nohelp("help=1", NULL, "{\"help\":\"1\"}");
    test_check_parse_err_full("a=1,help", NULL, false,
                              "Expected '=' after parameter 'help'");
    test_check_parse_err_full("virtio-net,help", "driver", false,
                              "Expected '=' after parameter 'help'");
    test_check_parse_err_full("a=1,?", NULL, false,
                              "Invalid parameter '?'");
    test_check_parse_err("a=1,help,,x", NULL,
                         "Expected '=' after parameter 'help'");
}

static void test_parse_duplicates(void)
{
    /* The last value wins (the member keeps its first position). */
    test_check_parse("a=1,a=2", NULL, "{\"a\":\"2\"}", false);
    test_check_parse("a=1,b=2,a=3", NULL, "{\"a\":\"3\",\"b\":\"2\"}",
                     false);
    test_check_parse("virtio-net,driver=e1000", "driver",
                     "{\"driver\":\"e1000\"}", false);
    test_check_parse("a=1,a=", NULL, "{\"a\":\"\"}", false);
}

static void test_parse_errors(void)
{
    /* A later element without '='. */
    test_check_parse_err("virtio-net,foo", "driver",
                         "Expected '=' after parameter 'foo'");
    test_check_parse_err("virtio-net,foo,id=x", "driver",
                         "Expected '=' after parameter 'foo'");
    test_check_parse_err("a=1,foo", NULL,
                         "Expected '=' after parameter 'foo'");
    /* Without an implied key even the first element needs one. */
    test_check_parse_err("foo", NULL, "Expected '=' after parameter 'foo'");
    test_check_parse_err("foo,a=1", NULL,
                         "Expected '=' after parameter 'foo'");
    test_check_parse_err("a=1,foo,,bar", NULL,
                         "Expected '=' after parameter 'foo'");

    /* Empty keys and empty (non-trailing) elements. */
    test_check_parse_err("=x", NULL, "Expected parameter name before '='");
    test_check_parse_err("=x", "driver",
                         "Expected parameter name before '='");
    test_check_parse_err("=", NULL, "Expected parameter name before '='");
    test_check_parse_err("a=1,=x", NULL,
                         "Expected parameter name before '='");
    test_check_parse_err("virtio-net,=", "driver",
                         "Expected parameter name before '='");
    test_check_parse_err(",", NULL, "Expected parameter name before ','");
    test_check_parse_err(",", "driver", "Expected parameter name before ','");
    test_check_parse_err(",a=1", "driver",
                         "Expected parameter name before ','");
    test_check_parse_err(",,a=1", NULL,
                         "Expected parameter name before ','");

    /* Characters not allowed in keys. */
    test_check_parse_err("a!b=1", NULL, "Invalid parameter 'a!b'");
    test_check_parse_err("virtio-net,a b=1", "driver",
                         "Invalid parameter 'a b'");
    test_check_parse_err("virtio-net,fo!o", "driver",
                         "Invalid parameter 'fo!o'");
    test_check_parse_err("/tmp/x=y", "file", "Invalid parameter '/tmp/x'");
    test_check_parse_err("a=1, b=2", NULL, "Invalid parameter ' b'");
    test_check_parse_err("a=1,b:c=2", NULL, "Invalid parameter 'b:c'");
    test_check_parse_err("\xc3\xa9=1", NULL,
                         "Invalid parameter '\xc3\xa9'");
    test_check_parse_err("a=1,{}", NULL, "Invalid parameter '{}'");

    /* An error after valid members still fails as a whole. */
    test_check_parse_err("a=1,b=2,c", NULL,
                         "Expected '=' after parameter 'c'");
}

static void test_parse_error_abort_ok(void)
{
    /* Success paths never touch errp, even &error_abort. */
    JsonObject *obj = keyval_parse("a=1", NULL, NULL, &error_abort);

    g_assert_cmpstr(json_object_get_string_member(obj, "a"), ==, "1");
    json_object_unref(obj);
}

/* ---- keyval_parse_or_json ---- */

static void test_json_object(void)
{
    Error *err = NULL;
    bool help = true, from_json = false;
    JsonObject *obj;
    char *s;

    obj = keyval_parse_or_json("{\"driver\":\"virtio-net\",\"id\":\"n0\","
                               "\"n\":5,\"on\":true,\"f\":1.5,"
                               "\"o\":{\"x\":[1,2]}}",
                               "driver", &help, &from_json, &err);
    g_assert_null(err);
    g_assert_nonnull(obj);
    g_assert_true(from_json);
    g_assert_false(help);
    g_assert_cmpstr(json_object_get_string_member(obj, "driver"), ==,
                    "virtio-net");
    g_assert_cmpint(json_object_get_int_member(obj, "n"), ==, 5);
    g_assert_true(json_object_get_boolean_member(obj, "on"));
    g_assert_cmpfloat(json_object_get_double_member(obj, "f"), ==, 1.5);
    s = test_obj_json(obj);
    g_assert_cmpstr(s, ==, "{\"driver\":\"virtio-net\",\"id\":\"n0\","
                    "\"n\":5,\"on\":true,\"f\":1.5,\"o\":{\"x\":[1,2]}}");
    g_free(s);
    json_object_unref(obj);

    /* Leading whitespace before '{', no help/from_json pointers. */
    obj = keyval_parse_or_json(" \t\n{\"a\": \"b\"} \n", NULL, NULL, NULL,
                               &err);
    g_assert_null(err);
    s = test_obj_json(obj);
    g_assert_cmpstr(s, ==, "{\"a\":\"b\"}");
    g_free(s);
    json_object_unref(obj);

    /* Brackets inside strings and comments are not structure. */
    obj = keyval_parse_or_json("{\"a\":\"}{[\\\"\", /* { */ \"b\":'x}'}"
                               " /* { */\n", NULL, NULL, &from_json, &err);
    g_assert_null(err);
    s = test_obj_json(obj);
    g_assert_cmpstr(s, ==, "{\"a\":\"}{[\\\"\",\"b\":\"x}\"}");
    g_free(s);
    json_object_unref(obj);

    obj = keyval_parse_or_json("{}", NULL, NULL, &from_json, &err);
    g_assert_null(err);
    g_assert_true(from_json);
    g_assert_cmpuint(json_object_get_size(obj), ==, 0);
    json_object_unref(obj);
}

static void test_json_keyval_path(void)
{
    Error *err = NULL;
    bool help = false, from_json = true;
    JsonObject *obj;
    char *s;

    obj = keyval_parse_or_json("virtio-net,id=n0,help", "driver", &help,
                               &from_json, &err);
    g_assert_null(err);
    g_assert_false(from_json);
    g_assert_true(help);
    s = test_obj_json(obj);
    g_assert_cmpstr(s, ==, "{\"driver\":\"virtio-net\",\"id\":\"n0\"}");
    g_free(s);
    json_object_unref(obj);

    /* '{' later in the string is just keyval text. */
    obj = keyval_parse_or_json("a={}", NULL, NULL, &from_json, &err);
    g_assert_null(err);
    g_assert_false(from_json);
    g_assert_cmpstr(json_object_get_string_member(obj, "a"), ==, "{}");
    json_object_unref(obj);

    obj = keyval_parse_or_json("", NULL, NULL, &from_json, &err);
    g_assert_null(err);
    g_assert_false(from_json);
    g_assert_cmpuint(json_object_get_size(obj), ==, 0);
    json_object_unref(obj);

    /* keyval errors come through unchanged. */
    obj = keyval_parse_or_json("virtio-net,foo", "driver", NULL, &from_json,
                               &err);
    g_assert_null(obj);
    g_assert_false(from_json);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Expected '=' after parameter 'foo'");
    error_free(err);
}

static void test_check_json_err(const char *params, const char *expected)
{
    Error *err = NULL;
    bool from_json = false;
    JsonObject *obj = keyval_parse_or_json(params, "driver", NULL,
                                           &from_json, &err);

    g_assert_null(obj);
    g_assert_nonnull(err);
    g_assert_true(from_json);
    if (!g_str_has_prefix(error_get_pretty(err), expected)) {
        g_error("'%s': got '%s', expected a message starting '%s'",
                params, error_get_pretty(err), expected);
    }
    error_free(err);
    g_assert_null(keyval_parse_or_json(params, "driver", NULL, NULL, NULL));
}

static void test_json_errors(void)
{
    const char *trailing = "Invalid JSON syntax: unexpected data after the "
                           "object";

    /* The json-glib message follows the prefix. */
    test_check_json_err("{", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{\"a\":1,}", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{\"a\"}", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{\"a\":1", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{\"a\":\"", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{/*", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{\"a\":1 x}", "Invalid JSON syntax: <data>:1:");
    /* An error inside the object is reported before trailing junk. */
    test_check_json_err("{\"a\":1 x} y", "Invalid JSON syntax: <data>:1:");
    test_check_json_err("{'a\\'}", "Invalid JSON syntax: <data>:1:");

    /* Anything but white space and comments after the object. */
    test_check_json_err("{\"a\":1} x", trailing);
    test_check_json_err("{\"a\":1} 5", trailing);
    test_check_json_err("{\"a\":1} {\"b\":2}", trailing);
    test_check_json_err("{} []", trailing);
    test_check_json_err("{}{}", trailing);
    test_check_json_err("{\"a\":\"}\"} /* } */ /**/\n {}", trailing);
    test_check_json_err("{\"a\":[{}]}[]", trailing);
    test_check_json_err("{} true", trailing);
    test_check_json_err("{} null", trailing);
    test_check_json_err("{} \"s\"", trailing);
    test_check_json_err("{} 'x'", trailing);
    test_check_json_err("{\"a\":1} /*", trailing);
    test_check_json_err("{\"a\":1} // {}", trailing);
    test_check_json_err("{\"a\":1} / {}", trailing);
    test_check_json_err("{\"a\":1} # {}", trailing);
    test_check_json_err("{\"a\":1}}", trailing);
}

/* ---- keyval_parse_global ---- */

static void test_check_global(const char *str, const char *edriver,
                              const char *eprop, const char *evalue)
{
    Error *err = NULL;
    char *driver = NULL, *prop = NULL, *value = NULL;

    g_assert_true(keyval_parse_global(str, &driver, &prop, &value, &err));
    g_assert_null(err);
    g_assert_cmpstr(driver, ==, edriver);
    g_assert_cmpstr(prop, ==, eprop);
    g_assert_cmpstr(value, ==, evalue);
    g_free(driver);
    g_free(prop);
    g_free(value);
}

static void test_check_global_err(const char *str, const char *expected)
{
    Error *err = NULL;
    char *driver = NULL, *prop = NULL, *value = NULL;

    g_assert_false(keyval_parse_global(str, &driver, &prop, &value, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expected);
    g_assert_null(driver);
    g_assert_null(prop);
    g_assert_null(value);
    error_free(err);
    g_assert_false(keyval_parse_global(str, &driver, &prop, &value, NULL));
}

static void test_global(void)
{
    test_check_global("virtio-pci.disable-legacy=on", "virtio-pci",
                      "disable-legacy", "on");
    test_check_global("pcie-root-port.x=1", "pcie-root-port", "x", "1");
    /* The driver ends at the first '.'; the property may hold dots. */
    test_check_global("a.b.c=1", "a", "b.c", "1");
    test_check_global("a.b=", "a", "b", "");
    test_check_global("a.b=c=d", "a", "b", "c=d");
    /* The dotted form's value is taken literally. */
    test_check_global("a.b=x,y", "a", "b", "x,y");
    test_check_global("a.b=x,,y", "a", "b", "x,,y");

    /* The keyval form. */
    test_check_global("driver=virtio-pci,property=disable-legacy,value=on",
                      "virtio-pci", "disable-legacy", "on");
    test_check_global("property=p,value=v,driver=d", "d", "p", "v");
    test_check_global("driver=d,property=p,value=a,,b", "d", "p", "a,b");
    test_check_global("driver=d.e,property=p,value=", "d.e", "p", "");
}

static void test_global_errors(void)
{
    const char *fmt_suffix = "' for -global: expected DRIVER.PROP=VALUE";
    static const char *const bad[] = {
        "", "foo", "a.b", ".b=1", "a.=1", ".=1", ".", "=x", "=",
        "driver=,property=p,value=v",
        "driver=d,property=,value=v", "driver=d,property=p,value=v,foo",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        char *msg = g_strconcat("Invalid format '", bad[i], fmt_suffix,
                                NULL);

        test_check_global_err(bad[i], msg);
        g_free(msg);
    }
    test_check_global_err("a=1", "Invalid parameter 'a'");
    test_check_global_err("driver=d,property=p",
                          "Parameter 'value' is missing");
    test_check_global_err("driver=d,value=v",
                          "Parameter 'property' is missing");
    test_check_global_err("value=v", "Parameter 'driver' is missing");
    test_check_global_err("driver=d,property=p,value=v,x=1",
                          "Invalid parameter 'x'");
}

/* ---- qemu_parse_bool ---- */

static void test_bool(void)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    static const char *const bad[] = {
        "", "ON", "Yes", "TRUE", "1", "0", "onx", "on ", " on", "of", "t",
        "f", "N",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        bool v = false;

        g_assert_true(qemu_parse_bool("p", yes[i], &v, &error_abort));
        g_assert_true(v);
    }
    for (i = 0; i < ARRAY_SIZE(no); i++) {
        bool v = true;

        g_assert_true(qemu_parse_bool("p", no[i], &v, &error_abort));
        g_assert_false(v);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        bool v = true;

        g_assert_false(qemu_parse_bool("share", bad[i], &v, &err));
        g_assert_true(v);
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Parameter 'share' expects 'on' or 'off'");
        error_free(err);
        g_assert_false(qemu_parse_bool("share", bad[i], &v, NULL));
    }
}

/* ---- qemu_parse_int64 / qemu_parse_uint64 ---- */

static void test_int64(void)
{
    static const struct {
        const char *str;
        int64_t val;
    } good[] = {
        { "0", 0 },
        { "42", 42 },
        { "-42", -42 },
        { "-0", 0 },
        { "0x10", 16 },
        { "0X1f", 31 },
        { "0xFFFF", 65535 },
        { "-0x10", -16 },
        { "010", 8 },           /* leading 0 is octal, as in QEMU */
        { "-010", -8 },
        { "9223372036854775807", INT64_MAX },
        { "-9223372036854775808", INT64_MIN },
        { "0x7fffffffffffffff", INT64_MAX },
        { "-0x8000000000000000", INT64_MIN },
    };
    static const char *const bad[] = {
        "", "-", "--1", "+1", "abc", "12abc", "0x", "0xg", "08", "1.5",
        " 1", "1 ", "1k", "9223372036854775808", "-9223372036854775809",
        "0x8000000000000000", "99999999999999999999", "-x1", "- 1",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(good); i++) {
        int64_t v = 12345;

        if (!qemu_parse_int64("p", good[i].str, &v, NULL)) {
            g_error("int64 '%s' rejected", good[i].str);
        }
        g_assert_cmpint(v, ==, good[i].val);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        int64_t v = 12345;

        if (qemu_parse_int64("index", bad[i], &v, &err)) {
            g_error("int64 '%s' accepted", bad[i]);
        }
        g_assert_cmpint(v, ==, 12345);
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Parameter 'index' expects integer");
        error_free(err);
    }
}

static void test_uint64(void)
{
    static const struct {
        const char *str;
        uint64_t val;
    } good[] = {
        { "0", 0 },
        { "1", 1 },
        { "4096", 4096 },
        { "0x1000", 4096 },
        { "0XABCdef", 0xabcdef },
        { "010", 8 },
        { "18446744073709551615", UINT64_MAX },
        { "0xffffffffffffffff", UINT64_MAX },
        { "01777777777777777777777", UINT64_MAX },
    };
    static const char *const bad[] = {
        "", "-1", "-0", "+1", "x", "1k", "0x", "08", "1.0", " 1", "1 ",
        "18446744073709551616", "0x10000000000000000",
        "02000000000000000000000", "99999999999999999999999",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(good); i++) {
        uint64_t v = 12345;

        if (!qemu_parse_uint64("p", good[i].str, &v, NULL)) {
            g_error("uint64 '%s' rejected", good[i].str);
        }
        g_assert_cmpuint(v, ==, good[i].val);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        uint64_t v = 12345;

        if (qemu_parse_uint64("addr", bad[i], &v, &err)) {
            g_error("uint64 '%s' accepted", bad[i]);
        }
        g_assert_cmpuint(v, ==, 12345);
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Parameter 'addr' expects uint64");
        error_free(err);
    }
}

/* ---- qemu_parse_size ---- */

typedef struct TestSize {
    const char *str;
    uint64_t unit;
    uint64_t val;
} TestSize;

static void test_size(void)
{
    static const TestSize good[] = {
        { "0", 1, 0 },
        { "1", 1, 1 },
        { "1024", 1, 1024 },
        { "1b", 1, 1 },
        { "1B", 1, 1 },
        { "1k", 1, KiB },
        { "1K", 1, KiB },
        { "1m", 1, MiB },
        { "1M", 1, MiB },
        { "1g", 1, GiB },
        { "1G", 1, GiB },
        { "1t", 1, TiB },
        { "1T", 1, TiB },
        { "1p", 1, 1ULL << 50 },
        { "1P", 1, 1ULL << 50 },
        { "1e", 1, 1ULL << 60 },
        { "1E", 1, 1ULL << 60 },
        { "15E", 1, 15ULL << 60 },
        { "08", 1, 8 },         /* sizes are decimal, never octal */
        { "1.5G", 1, 3 * GiB / 2 },
        { "0.5k", 1, 512 },
        { "1.0", 1, 1 },        /* a zero fraction of a byte is fine */
        { "1.000b", 1, 1 },
        { "1.1k", 1, 1126 },    /* 1126.4, truncated */
        { "0.001k", 1, 1 },
        { "1.0009765625k", 1, 1025 },
        { "0.0000000000000000000001E", 1, 0 },
        { "0x1000", 1, 4096 },
        { "0X1000", 1, 4096 },
        { "0x1b", 1, 0x1b },    /* 'b' and 'e' are hex digits here */
        { "0xe", 1, 0xe },
        { "18446744073709551615", 1, UINT64_MAX },
        { "0xffffffffffffffff", 1, UINT64_MAX },
        { "15.99999999999999999999E", 1, UINT64_MAX },
        { "16383.999999999999999999P", 1, UINT64_MAX },
        /* A bare number (decimal, hex or fraction) is in default units. */
        { "512", MiB, 512 * MiB },
        { "0x10", MiB, 16 * MiB },
        { "1.5", MiB, 3 * MiB / 2 },
        { "2G", MiB, 2 * GiB },
        { "1b", MiB, 1 },
        { "1k", MiB, KiB },
        { "17592186044415", MiB, 17592186044415ULL * MiB },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(good); i++) {
        uint64_t v = 12345;
        Error *err = NULL;

        if (!qemu_parse_size("size", good[i].str, good[i].unit, &v, &err)) {
            g_error("size '%s' rejected: %s", good[i].str,
                    error_get_pretty(err));
        }
        if (v != good[i].val) {
            g_error("size '%s': got %" PRIu64 ", expected %" PRIu64,
                    good[i].str, v, good[i].val);
        }
    }
}

typedef struct TestSizeBad {
    const char *str;
    uint64_t unit;
} TestSizeBad;

static void test_size_errors(void)
{
    static const TestSizeBad bad[] = {
        { "", 1 }, { "-1", 1 }, { "-0", 1 }, { "+1", 1 }, { "x", 1 },
        { "1x", 1 }, { "1kk", 1 }, { "1kb", 1 }, { "k", 1 }, { " 1", 1 },
        { "1 ", 1 }, { "1 k", 1 }, { "1e3", 1 }, { "1.5", 1 },
        { "1.5b", 1 }, { "1.5B", MiB }, { "1.", 1 }, { "1.k", 1 },
        { ".5", 1 }, { ".5k", 1 }, { "1.5.5k", 1 }, { "1,5k", 1 },
        { "0x", 1 }, { "0x1k", 1 }, { "0x1M", 1 }, { "0x1.5", 1 },
        { "0x1.5G", 1 }, { "0xg", 1 }, { "0x-1", 1 }, { "-0x1", 1 },
        { "16E", 1 }, { "16384P", 1 }, { "18446744073709551616", 1 },
        { "18446744073709551615k", 1 }, { "0x10000000000000000", 1 },
        { "99999999999999999999999999", 1 }, { "17592186044416", MiB },
        { "17592186044416M", 1 }, { "0x100000000000", MiB },
        { "16.0E", 1 }, { "16.5E", 1 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t v = 12345;
        Error *err = NULL;

        if (qemu_parse_size("size", bad[i].str, bad[i].unit, &v, &err)) {
            g_error("size '%s' accepted as %" PRIu64, bad[i].str, v);
        }
        g_assert_cmpuint(v, ==, 12345);
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Parameter 'size' expects a size value");
        g_assert_null(error_get_hint(err));
        error_free(err);
        g_assert_false(qemu_parse_size("size", bad[i].str, bad[i].unit, &v,
                                       NULL));
    }
}

/* ---- keyval_to_string ---- */

static void test_check_to_string(const char *params, const char *implied,
                                 const char *print_implied,
                                 const char *expected)
{
    JsonObject *obj = keyval_parse_or_json(params, implied, NULL, NULL,
                                           &error_abort);
    char *s = keyval_to_string(obj, print_implied);

    g_assert_cmpstr(s, ==, expected);
    g_free(s);
    json_object_unref(obj);
}

static void test_to_string(void)
{
    test_check_to_string("", NULL, NULL, "");
    test_check_to_string("", NULL, "driver", "");
    test_check_to_string("virtio-net,id=n0", "driver", "driver",
                         "virtio-net,id=n0");
    /* The implied member is printed first wherever it was given. */
    test_check_to_string("id=n0,driver=virtio-net", "driver", "driver",
                         "virtio-net,id=n0");
    test_check_to_string("virtio-net,id=n0", "driver", NULL,
                         "driver=virtio-net,id=n0");
    test_check_to_string("a=1,b=2", NULL, "driver", "a=1,b=2");
    test_check_to_string("path=/tmp/a,,b,x=,,,,", NULL, NULL,
                         "path=/tmp/a,,b,x=,,,,");
    test_check_to_string("/tmp/a,,b,id=x", "file", "file",
                         "/tmp/a,,b,id=x");
    /* Implied values that would read back differently keep their key. */
    test_check_to_string("driver=a=b", "driver", "driver", "driver=a=b");
    test_check_to_string("driver=help,id=x", "driver", "driver",
                         "driver=help,id=x");
    test_check_to_string("driver=?", "driver", "driver", "driver=?");
    test_check_to_string("driver=,id=x", "driver", "driver",
                         "driver=,id=x");
    test_check_to_string("a,,b=c", "driver", "driver", "a,,b=c");
    /* Typed JSON values. */
    test_check_to_string("{\"driver\":\"d\",\"a\":true,\"b\":false,"
                         "\"c\":5,\"d\":-3,\"e\":1.5,\"f\":\"x,y\","
                         "\"g\":null,\"h\":[1,2],\"i\":{\"j\":\"k\"}}",
                         NULL, "driver",
                         "d,a=on,b=off,c=5,d=-3,e=1.5,f=x,,y,g=null,"
                         "h=[1,,2],i={\"j\":\"k\"}");
    test_check_to_string("{\"driver\":true,\"x\":\"1\"}", NULL, "driver",
                         "on,x=1");
    test_check_to_string("{\"driver\":7}", NULL, "driver", "7");
}

/*
 * Random strings built from tokens that exercise every parser branch:
 * parsing must never crash, and whatever parses must survive a trip
 * through keyval_to_string unchanged.
 */
static void test_fuzz_roundtrip(void)
{
    static const char *const tokens[] = {
        "a", "b", "driver", "=", ",", ",,", "help", "?", ".", "!", "x=y",
        "{", "}", " ", "-", "0x1", "1.5", "k", "\"", "'", "[", "]", ":",
        "/*", "*/", "\\", "true", "\"a\":",
    };
    int iter;

    for (iter = 0; iter < 20000; iter++) {
        GString *in = g_string_new(NULL);
        int n = g_test_rand_int_range(0, 9);
        const char *implied = iter & 1 ? "driver" : NULL;
        bool help = false, from_json = false;
        JsonObject *obj, *obj2;
        char *out;
        int i;

        for (i = 0; i < n; i++) {
            g_string_append(in, tokens[g_test_rand_int_range(
                                       0, ARRAY_SIZE(tokens))]);
        }

        obj = keyval_parse_or_json(in->str, implied, &help, &from_json,
                                   NULL);
        if (obj) {
            JsonNode *n1, *n2;

            out = keyval_to_string(obj, implied);
            obj2 = keyval_parse(out, implied, NULL, NULL);
            if (!obj2) {
                g_error("'%s' printed as '%s', which does not parse",
                        in->str, out);
            }
            n1 = json_node_init_object(json_node_alloc(), obj);
            n2 = json_node_init_object(json_node_alloc(), obj2);
            /* JSON input reads back as strings; compare keyval only. */
            if (!from_json && !json_node_equal(n1, n2)) {
                g_error("'%s' printed as '%s' reads back differently",
                        in->str, out);
            }
            json_node_unref(n1);
            json_node_unref(n2);
            json_object_unref(obj2);
            json_object_unref(obj);
            g_free(out);
        }
        g_string_free(in, TRUE);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/keyval/parse/basic", test_parse_basic);
    g_test_add_func("/keyval/parse/empty", test_parse_empty);
    g_test_add_func("/keyval/parse/values", test_parse_values);
    g_test_add_func("/keyval/parse/commas", test_parse_commas);
    g_test_add_func("/keyval/parse/trailing-comma",
                    test_parse_trailing_comma);
    g_test_add_func("/keyval/parse/help", test_parse_help);
    g_test_add_func("/keyval/parse/duplicates", test_parse_duplicates);
    g_test_add_func("/keyval/parse/errors", test_parse_errors);
    g_test_add_func("/keyval/parse/error-abort-ok",
                    test_parse_error_abort_ok);
    g_test_add_func("/keyval/json/object", test_json_object);
    g_test_add_func("/keyval/json/keyval-path", test_json_keyval_path);
    g_test_add_func("/keyval/json/errors", test_json_errors);
    g_test_add_func("/keyval/global/ok", test_global);
    g_test_add_func("/keyval/global/errors", test_global_errors);
    g_test_add_func("/keyval/scalar/bool", test_bool);
    g_test_add_func("/keyval/scalar/int64", test_int64);
    g_test_add_func("/keyval/scalar/uint64", test_uint64);
    g_test_add_func("/keyval/scalar/size", test_size);
    g_test_add_func("/keyval/scalar/size-errors", test_size_errors);
    g_test_add_func("/keyval/to-string", test_to_string);
    g_test_add_func("/keyval/fuzz-roundtrip", test_fuzz_roundtrip);

    return g_test_run();
}
