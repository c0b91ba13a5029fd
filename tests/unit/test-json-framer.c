/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the JSON framer: texts split across arbitrary chunk
 * boundaries, strings hiding brackets and quotes, nesting, and every
 * recovery rule (stray closers, bare tokens, 0xFF/0xFE resets, size and
 * depth limits).  Every scenario is fed whole, byte by byte and in
 * chunks of every size up to 7, and must give the same callbacks.
 */
#include "qemu/osdep.h"
#include "qemu/json-framer.h"

typedef struct Recorder {
    GPtrArray *events;      /* "M:text" or "E:why" */
    JsonFramer *jf;
    int reset_after;        /* reset from the Nth callback (1-based) */
    GArray *positions;      /* json_framer_position() at each message */
} Recorder;

static void rec_message(void *opaque, const char *text, size_t len)
{
    Recorder *r = opaque;

    g_assert_cmpuint(strlen(text), ==, len);
    g_ptr_array_add(r->events, g_strdup_printf("M:%s", text));
    {
        uint64_t pos = json_framer_position(r->jf);
        g_array_append_val(r->positions, pos);
    }
    if (r->reset_after && (int)r->events->len == r->reset_after) {
        json_framer_reset(r->jf);
    }
}

static void rec_error(void *opaque, const char *why)
{
    Recorder *r = opaque;

    g_ptr_array_add(r->events, g_strdup_printf("E:%s", why));
    if (r->reset_after && (int)r->events->len == r->reset_after) {
        json_framer_reset(r->jf);
    }
}

static void rec_init(Recorder *r)
{
    r->events = g_ptr_array_new_with_free_func(g_free);
    r->positions = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    r->jf = json_framer_new(rec_message, rec_error, r);
    r->reset_after = 0;
}

static void rec_destroy(Recorder *r)
{
    json_framer_free(r->jf);
    g_ptr_array_free(r->events, TRUE);
    g_array_free(r->positions, TRUE);
}

/* Feed input in chunks of chunk bytes (0: all at once). */
static char *run(const char *input, size_t len, size_t chunk)
{
    Recorder r;
    GString *out = g_string_new(NULL);
    size_t off = 0;
    guint i;

    rec_init(&r);
    if (!chunk) {
        chunk = len ? len : 1;
    }
    while (off < len) {
        size_t n = MIN(chunk, len - off);

        json_framer_feed(r.jf, input + off, n);
        off += n;
    }
    for (i = 0; i < r.events->len; i++) {
        g_string_append_printf(out, "%s\n", (char *)r.events->pdata[i]);
    }
    rec_destroy(&r);
    return g_string_free(out, FALSE);
}

/* Every chunking gives expected. */
static void check_len(const char *input, size_t len, const char *expected)
{
    size_t chunk;

    for (chunk = 0; chunk <= 7; chunk++) {
        g_autofree char *got = run(input, len, chunk);

        if (strcmp(got, expected)) {
            g_test_message("chunk %zu: got\n%s\nexpected\n%s", chunk, got,
                           expected);
        }
        g_assert_cmpstr(got, ==, expected);
    }
}

static void check(const char *input, const char *expected)
{
    check_len(input, strlen(input), expected);
}

static void test_simple(void)
{
    check("{\"execute\": \"qmp_capabilities\"}",
          "M:{\"execute\": \"qmp_capabilities\"}\n");
    check("  \r\n\t{}\n[]\n", "M:{}\nM:[]\n");
    check("{\"a\":1}{\"b\":2} {\"c\":3}\n",
          "M:{\"a\":1}\nM:{\"b\":2}\nM:{\"c\":3}\n");
    check("", "");
    check("   \n", "");
}

static void test_nested(void)
{
    check("{\"a\": [1, {\"b\": [[], {}]}], \"c\": {\"d\": {}}}",
          "M:{\"a\": [1, {\"b\": [[], {}]}], \"c\": {\"d\": {}}}\n");
    /* A closer of the wrong kind ends the text; the parser rejects it. */
    check("{]", "M:{]\n");
    check("{\"a\": [}{}", "M:{\"a\": [}\nM:{}\n");
    check("[{\"a\": 1]]", "M:[{\"a\": 1]\nE:expecting value\n");
    check("{\"a\": [1, {\"b\": \"]}\"}]}",
          "M:{\"a\": [1, {\"b\": \"]}\"}]}\n");
}

static void test_strings(void)
{
    check("{\"a\": \"}{][\"}", "M:{\"a\": \"}{][\"}\n");
    check("{\"a\": \"x\\\"}y\"}", "M:{\"a\": \"x\\\"}y\"}\n");
    check("{\"a\": \"x\\\\\"}", "M:{\"a\": \"x\\\\\"}\n");
    check("{\"a\": '}\"{'}", "M:{\"a\": '}\"{'}\n");
    check("{'a': 'it\\'s }'}", "M:{'a': 'it\\'s }'}\n");
    check("{\"a\": \"\\u007d\"}", "M:{\"a\": \"\\u007d\"}\n");
}

static void test_stray_close(void)
{
    check("}{}", "E:expecting value\nM:{}\n");
    check("[[]]]\n{\"x\": 1}",
          "M:[[]]\nE:expecting value\nM:{\"x\": 1}\n");
}

static void test_bare_tokens(void)
{
    check("foo {\"execute\": \"x\"}",
          "E:invalid keyword 'foo'\nM:{\"execute\": \"x\"}\n");
    check("foo{}", "E:invalid keyword 'foo'\nM:{}\n");
    check("42\n", "E:unexpected '42' outside of an object or array\n");
    check("true }",
          "E:unexpected 'true' outside of an object or array\n"
          "E:expecting value\n");
    /* A quoted bare token is dropped as a whole, spaces included. */
    check("\"a b {\" {}",
          "E:unexpected '\"a b {\"' outside of an object or array\n"
          "M:{}\n");
    check("'x\\'y' []",
          "E:unexpected ''x\\x5c'y'' outside of an object or array\n"
          "M:[]\n");
    check("garbage,more {\"ok\": true}",
          "E:unexpected 'garbage,more' outside of an object or array\n"
          "M:{\"ok\": true}\n");
    /* Long tokens are truncated, control bytes escaped. */
    check("abcdefghijklmnopqrstuvwxyzabcdefghijkl\n",
          "E:invalid keyword 'abcdefghijklmnopqrstuvwxyzabcdef...'\n");
    check("a\x01" "b ", "E:unexpected 'a\\x01b' outside of an object or "
          "array\n");
    /* A token still open at the end of input is not reported yet. */
    check("foo", "");
}

static void test_reset_bytes(void)
{
    check("{\"execute\": \"x\"\xff{}",
          "E:stray '\\xff'\nM:{}\n");
    check("\xfe{}", "E:stray '\\xfe'\nM:{}\n");
    /* Reset works inside strings too. */
    check("{\"a\": \"abc\xff{\"b\": 1}",
          "E:stray '\\xff'\nM:{\"b\": 1}\n");
    check("fo\xff{}", "E:stray '\\xff'\nM:{}\n");
    /* Other high bytes are ordinary string content. */
    check("{\"a\": \"\xc3\xa9\"}", "M:{\"a\": \"\xc3\xa9\"}\n");
}

static void test_depth_limit(void)
{
    GString *s = g_string_new(NULL);
    GString *ok = g_string_new(NULL);
    g_autofree char *expected = NULL;
    g_autofree char *expected_ok = NULL;
    int i;

    for (i = 0; i < JSON_FRAMER_MAX_DEPTH + 5; i++) {
        g_string_append_c(s, '[');
    }
    for (i = 0; i < JSON_FRAMER_MAX_DEPTH + 5; i++) {
        g_string_append_c(s, ']');
    }
    g_string_append(s, "{}");
    check(s->str, "E:nesting too deep\nM:{}\n");

    for (i = 0; i < JSON_FRAMER_MAX_DEPTH; i++) {
        g_string_append_c(ok, '[');
    }
    for (i = 0; i < JSON_FRAMER_MAX_DEPTH; i++) {
        g_string_append_c(ok, ']');
    }
    expected_ok = g_strdup_printf("M:%s\n", ok->str);
    check(ok->str, expected_ok);

    /* A reset byte ends the skipping too. */
    g_string_truncate(s, JSON_FRAMER_MAX_DEPTH + 5);
    g_string_append(s, "\xff{}");
    check(s->str, "E:nesting too deep\nE:stray '\\xff'\nM:{}\n");
    g_string_free(s, TRUE);
    g_string_free(ok, TRUE);
}

static void test_size_limit(void)
{
    size_t n = JSON_FRAMER_MAX_SIZE + 16;
    char *big = g_malloc(n + 16);
    Recorder r;

    /* ["xxxx...x"] just over the limit, then a small message. */
    big[0] = '[';
    big[1] = '"';
    memset(big + 2, 'x', n - 4);
    big[n - 2] = '"';
    big[n - 1] = ']';
    memcpy(big + n, "{\"a\": [1]}", 10);

    rec_init(&r);
    json_framer_feed(r.jf, big, n + 10);
    g_assert_cmpuint(r.events->len, ==, 2);
    g_assert_cmpstr(r.events->pdata[0], ==, "E:message too large");
    g_assert_cmpstr(r.events->pdata[1], ==, "M:{\"a\": [1]}");
    rec_destroy(&r);
    g_free(big);
}

static void test_position(void)
{
    Recorder r;
    const char *in = "  {\"a\": 1}\n[2]";
    size_t i;

    rec_init(&r);
    for (i = 0; in[i]; i++) {
        json_framer_feed(r.jf, in + i, 1);
    }
    g_assert_cmpuint(r.positions->len, ==, 2);
    g_assert_cmpuint(g_array_index(r.positions, uint64_t, 0), ==, 10);
    g_assert_cmpuint(g_array_index(r.positions, uint64_t, 1), ==, 14);
    g_assert_cmpuint(json_framer_position(r.jf), ==, strlen(in));
    rec_destroy(&r);
}

/* A reset from a callback drops the rest of the chunk being fed. */
static void test_reset_in_callback(void)
{
    Recorder r;
    const char *in = "{\"a\": 1}{\"b\": 2}{\"c\"";

    rec_init(&r);
    r.reset_after = 1;
    json_framer_feed(r.jf, in, strlen(in));
    g_assert_cmpuint(r.events->len, ==, 1);
    json_framer_feed(r.jf, "{}", 2);
    g_assert_cmpuint(r.events->len, ==, 2);
    g_assert_cmpstr(r.events->pdata[1], ==, "M:{}");
    rec_destroy(&r);

    rec_init(&r);
    r.reset_after = 1;
    json_framer_feed(r.jf, "} {}", 4);
    g_assert_cmpuint(r.events->len, ==, 1);
    g_assert_cmpstr(r.events->pdata[0], ==, "E:expecting value");
    rec_destroy(&r);
}

/* Random bytes never crash and never produce an empty message. */
static void test_garbage(void)
{
    GRand *rand = g_rand_new_with_seed(1234);
    static const char alphabet[] = "{}[]\"'\\ ab1\n\xff,:";
    int round;

    for (round = 0; round < 200; round++) {
        char buf[256];
        size_t i;
        Recorder r;

        for (i = 0; i < sizeof(buf); i++) {
            buf[i] = alphabet[g_rand_int_range(rand, 0,
                                               sizeof(alphabet) - 1)];
        }
        rec_init(&r);
        json_framer_feed(r.jf, buf, sizeof(buf));
        for (i = 0; i < r.events->len; i++) {
            const char *ev = r.events->pdata[i];

            g_assert(g_str_has_prefix(ev, "M:{") ||
                     g_str_has_prefix(ev, "M:[") ||
                     g_str_has_prefix(ev, "E:"));
        }
        rec_destroy(&r);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-framer/simple", test_simple);
    g_test_add_func("/json-framer/nested", test_nested);
    g_test_add_func("/json-framer/strings", test_strings);
    g_test_add_func("/json-framer/stray-close", test_stray_close);
    g_test_add_func("/json-framer/bare-tokens", test_bare_tokens);
    g_test_add_func("/json-framer/reset-bytes", test_reset_bytes);
    g_test_add_func("/json-framer/depth-limit", test_depth_limit);
    g_test_add_func("/json-framer/size-limit", test_size_limit);
    g_test_add_func("/json-framer/position", test_position);
    g_test_add_func("/json-framer/reset-in-callback", test_reset_in_callback);
    g_test_add_func("/json-framer/garbage", test_garbage);
    return g_test_run();
}
