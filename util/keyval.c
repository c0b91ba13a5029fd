/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing of QEMU-style option strings ("value,key=value,...", or a JSON
 * object where QEMU takes one), of the -global "DRIVER.PROP=VALUE"
 * syntax, and of the scalar values (booleans, integers, sizes) that
 * options carry, with error messages worded like QEMU's.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"

/* Characters allowed in a key besides ASCII letters and digits. */
#define KEYVAL_KEY_EXTRA_CHARS "-_."

static bool keyval_is_help(const char *s, size_t len)
{
    return (len == 4 && strncmp(s, "help", 4) == 0) ||
           (len == 1 && s[0] == '?');
}

/*
 * Check a key of length len starting at s; term is the character that
 * ended it ('=' or ',' or NUL), used when the key is empty.
 */
static bool keyval_check_key(const char *s, size_t len, char term,
                             Error **errp)
{
    size_t i;

    if (len == 0) {
        if (term == '\0') {
            error_setg(errp, "Expected parameter name");
        } else {
            error_setg(errp, "Expected parameter name before '%c'", term);
        }
        return false;
    }
    for (i = 0; i < len; i++) {
        if (!g_ascii_isalnum(s[i]) &&
            !strchr(KEYVAL_KEY_EXTRA_CHARS, s[i])) {
            error_setg(errp, "Invalid parameter '%.*s'", (int)len, s);
            return false;
        }
    }
    return true;
}

/*
 * Decode a value starting at *pp: it runs to the first comma that is not
 * doubled (or to the end); each ",," stands for one ','.  *pp is left
 * after the terminating comma.
 */
static char *keyval_scan_value(const char **pp)
{
    const char *p = *pp;
    GString *val = g_string_new(NULL);

    while (*p) {
        if (*p == ',') {
            if (p[1] == ',') {
                g_string_append_c(val, ',');
                p += 2;
                continue;
            }
            p++;
            break;
        }
        g_string_append_c(val, *p);
        p++;
    }
    *pp = p;
    return g_string_free(val, FALSE);
}

JsonObject *keyval_parse(const char *params, const char *implied_key,
                         bool *help, Error **errp)
{
    JsonObject *obj;
    const char *p = params;
    bool first = true;

    g_assert(params);

    if (help) {
        *help = false;
    }
    obj = json_object_new();

    while (*p) {
        size_t klen = strcspn(p, "=,");
        const char *term = p + klen;
        /* The element text continues past an escaped comma. */
        bool escaped = term[0] == ',' && term[1] == ',';

        if (*term == '=') {
            char *key, *value;

            if (!keyval_check_key(p, klen, '=', errp)) {
                goto fail;
            }
            key = g_strndup(p, klen);
            p = term + 1;
            value = keyval_scan_value(&p);
            json_object_set_string_member(obj, key, value);
            g_free(key);
            g_free(value);
        } else if (klen == 0 && !escaped) {
            /* An empty element that is not the trailing one. */
            error_setg(errp, "Expected parameter name before ','");
            goto fail;
        } else if (help && !escaped && keyval_is_help(p, klen)) {
            *help = true;
            p = *term ? term + 1 : term;
        } else if (first && implied_key) {
            char *value = keyval_scan_value(&p);

            json_object_set_string_member(obj, implied_key, value);
            g_free(value);
        } else {
            if (keyval_check_key(p, klen, *term, errp)) {
                error_setg(errp, "Expected '=' after parameter '%.*s'",
                           (int)klen, p);
            }
            goto fail;
        }
        first = false;
    }
    return obj;

fail:
    json_object_unref(obj);
    return NULL;
}

/*
 * Skip a comment at p, if there is one; NULL if it is unterminated.
 * json-glib accepts C comments only (not "//" or "#").
 */
static const char *keyval_json_skip_comment(const char *p)
{
    if (p[0] == '/' && p[1] == '*') {
        p = strstr(p + 2, "*/");
        return p ? p + 2 : NULL;
    }
    return p;
}

/*
 * json-glib quietly accepts several top-level values ("{} {}"), keeps the
 * first and leaks the rest, and it skips some stray characters between
 * them; so the text after the object is checked here instead.  p points
 * at the opening '{'; the result points just after the matching '}', or
 * is NULL if there is none (json-glib then reports what is wrong).
 * Strings and comments are skipped so that brackets inside them do not
 * count; like json-glib, backslash escapes apply in double-quoted
 * strings only.
 */
static const char *keyval_json_object_end(const char *p)
{
    const char *next;
    int depth = 0;

    while (*p) {
        char c = *p;

        next = keyval_json_skip_comment(p);
        if (!next) {
            return NULL;
        }
        if (next != p) {
            p = next;
            continue;
        }
        p++;
        if (c == '"' || c == '\'') {
            while (*p && *p != c) {
                if (c == '"' && *p == '\\' && p[1]) {
                    p++;
                }
                p++;
            }
            if (!*p) {
                return NULL;
            }
            p++;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return p;
        }
    }
    return NULL;
}

/* Whether only white space and comments follow p. */
static bool keyval_json_only_blank(const char *p)
{
    const char *next;

    for (;;) {
        while (g_ascii_isspace(*p)) {
            p++;
        }
        next = keyval_json_skip_comment(p);
        if (!next) {
            return false;
        }
        if (next == p) {
            return *p == '\0';
        }
        p = next;
    }
}

JsonObject *keyval_parse_or_json(const char *params, const char *implied_key,
                                 bool *help, bool *from_json, Error **errp)
{
    const char *p = params, *end;
    JsonParser *parser;
    JsonNode *root;
    JsonObject *obj;
    GError *gerr = NULL;

    g_assert(params);

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p != '{') {
        if (from_json) {
            *from_json = false;
        }
        return keyval_parse(params, implied_key, help, errp);
    }

    if (help) {
        *help = false;
    }
    if (from_json) {
        *from_json = true;
    }

    end = keyval_json_object_end(p);
    parser = json_parser_new();
    if (!json_parser_load_from_data(parser, p, end ? end - p : -1, &gerr)) {
        error_setg(errp, "Invalid JSON syntax: %s", gerr->message);
        g_error_free(gerr);
        g_object_unref(parser);
        return NULL;
    }
    if (end && !keyval_json_only_blank(end)) {
        error_setg(errp, "Invalid JSON syntax: unexpected data after the "
                   "object");
        g_object_unref(parser);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        error_setg(errp, "Invalid JSON: expected an object");
        g_object_unref(parser);
        return NULL;
    }
    obj = json_object_ref(json_node_get_object(root));
    g_object_unref(parser);
    return obj;
}

/*
 * The "driver=D,property=P,value=V" spelling of -global.  When str does
 * not even parse as key=value pairs, *matched is false and errp is left
 * alone so that the caller can report the usual format error.
 */
static bool keyval_parse_global_keyval(const char *str, char **driver,
                                       char **prop, char **value,
                                       bool *matched, Error **errp)
{
    static const char *const keys[] = { "driver", "property", "value" };
    JsonObject *obj;
    GList *members, *l;
    size_t i;
    bool ok = false;

    *matched = false;
    obj = keyval_parse(str, NULL, NULL, NULL);
    if (!obj) {
        return false;
    }
    *matched = true;

    members = json_object_get_members(obj);
    for (l = members; l; l = l->next) {
        const char *k = l->data;

        if (strcmp(k, "driver") && strcmp(k, "property") &&
            strcmp(k, "value")) {
            error_setg(errp, "Invalid parameter '%s'", k);
            goto out;
        }
    }
    for (i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!json_object_has_member(obj, keys[i])) {
            error_setg(errp, "Parameter '%s' is missing", keys[i]);
            goto out;
        }
    }
    if (!*json_object_get_string_member(obj, "driver") ||
        !*json_object_get_string_member(obj, "property")) {
        error_setg(errp, "Invalid format '%s' for -global: "
                   "expected DRIVER.PROP=VALUE", str);
        goto out;
    }
    *driver = g_strdup(json_object_get_string_member(obj, "driver"));
    *prop = g_strdup(json_object_get_string_member(obj, "property"));
    *value = g_strdup(json_object_get_string_member(obj, "value"));
    ok = true;

out:
    g_list_free(members);
    json_object_unref(obj);
    return ok;
}

bool keyval_parse_global(const char *str, char **driver, char **prop,
                         char **value, Error **errp)
{
    size_t dlen, plen;
    const char *dot, *eq;
    bool matched;

    g_assert(str && driver && prop && value);

    /* DRIVER runs to the first '.' or '='; PROP from there to '='. */
    dlen = strcspn(str, ".=");
    dot = str + dlen;
    if (*dot == '.') {
        eq = strchr(dot + 1, '=');
        plen = eq ? (size_t)(eq - (dot + 1)) : 0;
        if (dlen > 0 && eq && plen > 0) {
            *driver = g_strndup(str, dlen);
            *prop = g_strndup(dot + 1, plen);
            *value = g_strdup(eq + 1);
            return true;
        }
    } else if (*dot == '=') {
        if (keyval_parse_global_keyval(str, driver, prop, value, &matched,
                                       errp)) {
            return true;
        }
        if (matched) {
            return false;
        }
    }
    error_setg(errp, "Invalid format '%s' for -global: "
               "expected DRIVER.PROP=VALUE", str);
    return false;
}

bool qemu_parse_bool(const char *name, const char *str, bool *out,
                     Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    size_t i;

    g_assert(name && str && out);

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(str, yes[i]) == 0) {
            *out = true;
            return true;
        }
    }
    for (i = 0; i < ARRAY_SIZE(no); i++) {
        if (strcmp(str, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

/*
 * Unsigned magnitude in C notation: decimal, "0x"/"0X" hexadecimal, or
 * octal with a leading 0 (as QEMU's base-0 parsing does).  The whole
 * string must be consumed; no sign or whitespace.
 */
static bool keyval_parse_magnitude(const char *str, uint64_t *out)
{
    unsigned long long v;
    char *end;

    if (!g_ascii_isdigit(str[0])) {
        return false;
    }
    errno = 0;
    v = strtoull(str, &end, 0);
    if (errno || end == str || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool qemu_parse_int64(const char *name, const char *str, int64_t *out,
                      Error **errp)
{
    uint64_t mag;
    bool neg = false;
    const char *p = str;

    g_assert(name && str && out);

    if (*p == '-') {
        neg = true;
        p++;
    }
    if (!keyval_parse_magnitude(p, &mag) ||
        mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX)) {
        error_setg(errp, "Parameter '%s' expects integer", name);
        return false;
    }
    if (neg) {
        /* Negate in unsigned arithmetic so that INT64_MIN is exact. */
        *out = (int64_t)(0 - mag);
    } else {
        *out = (int64_t)mag;
    }
    return true;
}

bool qemu_parse_uint64(const char *name, const char *str, uint64_t *out,
                       Error **errp)
{
    uint64_t v;

    g_assert(name && str && out);

    if (!keyval_parse_magnitude(str, &v)) {
        error_setg(errp, "Parameter '%s' expects uint64", name);
        return false;
    }
    *out = v;
    return true;
}

/* Multiplier for a size suffix, or 0 if c is not one. */
static uint64_t keyval_size_suffix(char c)
{
    switch (c) {
    case 'b':
    case 'B':
        return 1;
    case 'k':
    case 'K':
        return 1ULL << 10;
    case 'm':
    case 'M':
        return 1ULL << 20;
    case 'g':
    case 'G':
        return 1ULL << 30;
    case 't':
    case 'T':
        return 1ULL << 40;
    case 'p':
    case 'P':
        return 1ULL << 50;
    case 'e':
    case 'E':
        return 1ULL << 60;
    default:
        return 0;
    }
}

static bool keyval_size_digits(const char **pp, unsigned base, uint64_t *out)
{
    const char *p = *pp;
    uint64_t v = 0;
    int d;

    while ((d = base == 16 ? g_ascii_xdigit_value(*p)
                           : g_ascii_digit_value(*p)) >= 0) {
        if (v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
        p++;
    }
    if (p == *pp) {
        return false;
    }
    *pp = p;
    *out = v;
    return true;
}

static bool keyval_parse_size_inner(const char *str, uint64_t default_unit,
                                    uint64_t *out)
{
    const char *p = str;
    const char *frac = NULL, *frac_end = NULL;
    bool frac_nonzero = false;
    uint64_t val, mul, part = 0;

    if (!g_ascii_isdigit(*p)) {
        return false;
    }

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        /* Hexadecimal: no fraction and no suffix. */
        p += 2;
        if (!keyval_size_digits(&p, 16, &val) || *p) {
            return false;
        }
        mul = default_unit;
    } else {
        if (!keyval_size_digits(&p, 10, &val)) {
            return false;
        }
        if (*p == '.') {
            p++;
            frac = p;
            while (g_ascii_isdigit(*p)) {
                frac_nonzero |= *p != '0';
                p++;
            }
            frac_end = p;
            if (frac == frac_end) {
                return false;
            }
        }
        mul = keyval_size_suffix(*p);
        if (mul) {
            p++;
        } else {
            mul = default_unit;
        }
        if (*p) {
            return false;
        }
        /* A fraction of a byte is meaningless. */
        if (frac_nonzero && mul == 1) {
            return false;
        }
    }

    if (frac_nonzero) {
        /*
         * part = floor(0.DIGITS * mul), computed from the last digit
         * towards the first: each step divides by ten, and flooring the
         * intermediate results gives the same answer as flooring once.
         * mul is at most 2^60, so d * mul + part stays below 2^64.
         */
        const char *q;

        g_assert(mul <= (1ULL << 60));
        for (q = frac_end; q > frac; q--) {
            part = ((uint64_t)(q[-1] - '0') * mul + part) / 10;
        }
    }

    if (val > UINT64_MAX / mul || val * mul > UINT64_MAX - part) {
        return false;
    }
    *out = val * mul + part;
    return true;
}

bool qemu_parse_size(const char *name, const char *str, uint64_t default_unit,
                     uint64_t *out, Error **errp)
{
    uint64_t v;

    g_assert(name && str && out);
    g_assert(default_unit >= 1 && default_unit <= (1ULL << 60));

    if (!keyval_parse_size_inner(str, default_unit, &v)) {
        error_setg(errp, "Parameter '%s' expects a size value", name);
        return false;
    }
    *out = v;
    return true;
}

static void keyval_append_escaped(GString *s, const char *val)
{
    for (; *val; val++) {
        if (*val == ',') {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, *val);
    }
}

/* Text for one member's value, as it would be written on the command
 * line (before comma escaping). */
static char *keyval_node_to_text(JsonNode *node)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (JSON_NODE_HOLDS_VALUE(node)) {
        GType t = json_node_get_value_type(node);

        if (t == G_TYPE_STRING) {
            return g_strdup(json_node_get_string(node));
        } else if (t == G_TYPE_BOOLEAN) {
            return g_strdup(json_node_get_boolean(node) ? "on" : "off");
        } else if (t == G_TYPE_INT64) {
            return g_strdup_printf("%" PRId64, json_node_get_int(node));
        } else if (t == G_TYPE_DOUBLE) {
            return g_strdup(g_ascii_dtostr(buf, sizeof(buf),
                                           json_node_get_double(node)));
        }
    }
    /* null, arrays and objects: their JSON text. */
    return json_to_string(node, FALSE);
}

/*
 * Whether an implied value can be written without its key and still be
 * read back as the implied value.
 */
static bool keyval_implied_is_safe(const char *val)
{
    size_t klen = strcspn(val, "=,");

    return *val && val[klen] != '=' && !keyval_is_help(val, strlen(val));
}

char *keyval_to_string(JsonObject *obj, const char *implied_key)
{
    GString *s = g_string_new(NULL);
    GList *members, *l;

    g_assert(obj);

    if (implied_key && json_object_has_member(obj, implied_key)) {
        char *text = keyval_node_to_text(
            json_object_get_member(obj, implied_key));

        if (!keyval_implied_is_safe(text)) {
            g_string_append_printf(s, "%s=", implied_key);
        }
        keyval_append_escaped(s, text);
        g_free(text);
    }

    members = json_object_get_members(obj);
    for (l = members; l; l = l->next) {
        const char *key = l->data;
        char *text;

        if (implied_key && strcmp(key, implied_key) == 0) {
            continue;
        }
        text = keyval_node_to_text(json_object_get_member(obj, key));
        if (s->len) {
            g_string_append_c(s, ',');
        }
        g_string_append_printf(s, "%s=", key);
        keyval_append_escaped(s, text);
        g_free(text);
    }
    g_list_free(members);
    return g_string_free(s, FALSE);
}

const char *keyval_get_str(JsonObject *opts, const char *key, bool required,
                           Error **errp)
{
    JsonNode *n = json_object_get_member(opts, key);

    if (!n) {
        if (required) {
            error_setg(errp, "Parameter '%s' is missing", key);
        }
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   key);
        return NULL;
    }
    return json_node_get_string(n);
}
