/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON framing for stream protocols (QMP): finds where each top-level
 * JSON text ends by counting brackets outside strings, and applies the
 * recovery rules documented in include/qemu/json-framer.h.  Parsing the
 * framed text is left to json-glib.
 */
#include "qemu/osdep.h"
#include "qemu/json-framer.h"

/* How much of a bad top-level token is quoted back in the error. */
#define JSON_FRAMER_TOKEN_QUOTE 32

typedef enum JsonFramerMode {
    JF_TOP,     /* between texts */
    JF_TEXT,    /* inside a text, storing it */
    JF_SKIP,    /* inside an over-limit text, dropping it */
    JF_BARE,    /* inside a bad top-level token, dropping it */
} JsonFramerMode;

struct JsonFramer {
    JsonFramerMessageFn *on_message;
    JsonFramerErrorFn *on_error;
    void *opaque;

    JsonFramerMode mode;
    GString *text;          /* the text so far (JF_TEXT) */
    GString *open;          /* brackets open in the text (JF_TEXT) */
    uint64_t depth;         /* bracket nesting (JF_TEXT, JF_SKIP) */
    char quote;             /* '"' or '\'' while inside a string, else 0 */
    bool escape;            /* the previous string byte was a backslash */

    GString *token;         /* start of the bad token (JF_BARE) */
    size_t token_len;       /* its full length */
    bool token_letters;     /* letters only so far */

    uint64_t position;
    unsigned generation;    /* bumped by json_framer_reset() */
};

JsonFramer *json_framer_new(JsonFramerMessageFn *on_message,
                            JsonFramerErrorFn *on_error, void *opaque)
{
    JsonFramer *jf = g_new0(JsonFramer, 1);

    jf->on_message = on_message;
    jf->on_error = on_error;
    jf->opaque = opaque;
    jf->text = g_string_new(NULL);
    jf->open = g_string_new(NULL);
    jf->token = g_string_new(NULL);
    jf->mode = JF_TOP;
    return jf;
}

void json_framer_free(JsonFramer *jf)
{
    if (!jf) {
        return;
    }
    g_string_free(jf->text, TRUE);
    g_string_free(jf->open, TRUE);
    g_string_free(jf->token, TRUE);
    g_free(jf);
}

static void json_framer_clear(JsonFramer *jf)
{
    jf->mode = JF_TOP;
    jf->depth = 0;
    jf->quote = 0;
    jf->escape = false;
    jf->token_len = 0;
    jf->token_letters = true;
    g_string_truncate(jf->token, 0);
    g_string_truncate(jf->open, 0);
    /* Don't keep a huge buffer alive after a huge message. */
    if (jf->text->allocated_len > 64 * 1024) {
        g_string_free(jf->text, TRUE);
        jf->text = g_string_new(NULL);
    } else {
        g_string_truncate(jf->text, 0);
    }
}

void json_framer_reset(JsonFramer *jf)
{
    json_framer_clear(jf);
    jf->generation++;
}

uint64_t json_framer_position(const JsonFramer *jf)
{
    return jf->position;
}

static bool json_framer_is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool json_framer_is_bracket(uint8_t c)
{
    return c == '{' || c == '[' || c == '}' || c == ']';
}

/* Returns false if a callback reset the framer (stop feeding). */
static bool json_framer_error(JsonFramer *jf, const char *why)
{
    unsigned gen = jf->generation;

    if (jf->on_error) {
        jf->on_error(jf->opaque, why);
    }
    return gen == jf->generation;
}

static bool json_framer_emit(JsonFramer *jf)
{
    unsigned gen = jf->generation;

    if (jf->on_message) {
        jf->on_message(jf->opaque, jf->text->str, jf->text->len);
    }
    if (gen != jf->generation) {
        return false;
    }
    json_framer_clear(jf);
    return true;
}

/* The bad token is complete: report it and go back to the top level. */
static bool json_framer_end_token(JsonFramer *jf)
{
    g_autoptr(GString) shown = g_string_new(NULL);
    g_autofree char *why = NULL;
    bool keyword;
    size_t i;

    for (i = 0; i < jf->token->len; i++) {
        uint8_t c = jf->token->str[i];

        if (c >= 0x20 && c < 0x7f && c != '\\') {
            g_string_append_c(shown, c);
        } else {
            g_string_append_printf(shown, "\\x%02x", c);
        }
    }
    if (jf->token_len > jf->token->len) {
        g_string_append(shown, "...");
    }
    keyword = jf->token_letters && strcmp(shown->str, "true") &&
              strcmp(shown->str, "false") && strcmp(shown->str, "null");
    if (keyword) {
        why = g_strdup_printf("invalid keyword '%s'", shown->str);
    } else {
        why = g_strdup_printf("unexpected '%s' outside of an object or "
                              "array", shown->str);
    }
    json_framer_clear(jf);
    return json_framer_error(jf, why);
}

static void json_framer_token_add(JsonFramer *jf, uint8_t c)
{
    if (jf->token->len < JSON_FRAMER_TOKEN_QUOTE) {
        g_string_append_c(jf->token, c);
    }
    jf->token_len++;
    if (!g_ascii_isalpha(c)) {
        jf->token_letters = false;
    }
}

/*
 * String and bracket tracking shared by JF_TEXT and JF_SKIP.  In JF_TEXT
 * the kinds of the open brackets are kept too; returns false when c
 * closes a bracket of the other kind.
 */
static bool json_framer_track(JsonFramer *jf, uint8_t c)
{
    bool text = jf->mode == JF_TEXT;

    if (jf->quote) {
        if (jf->escape) {
            jf->escape = false;
        } else if (c == '\\') {
            jf->escape = true;
        } else if (c == jf->quote) {
            jf->quote = 0;
        }
        return true;
    }
    switch (c) {
    case '"':
    case '\'':
        jf->quote = c;
        break;
    case '{':
    case '[':
        jf->depth++;
        if (text) {
            g_string_append_c(jf->open, c);
        }
        break;
    case '}':
    case ']':
        jf->depth--;
        if (text) {
            char want = c == '}' ? '{' : '[';
            bool match = jf->open->len &&
                         jf->open->str[jf->open->len - 1] == want;

            g_string_truncate(jf->open, jf->open->len ? jf->open->len - 1
                                                      : 0);
            return match;
        }
        break;
    default:
        break;
    }
    return true;
}

/*
 * Handle one byte in the top-level state.  Returns false if a callback
 * reset the framer.
 */
static bool json_framer_top(JsonFramer *jf, uint8_t c)
{
    if (json_framer_is_space(c)) {
        return true;
    }
    switch (c) {
    case '{':
    case '[':
        jf->mode = JF_TEXT;
        jf->depth = 1;
        g_string_append_c(jf->text, c);
        return true;
    case '}':
    case ']':
        return json_framer_error(jf, "expecting value");
    case '"':
    case '\'':
        jf->mode = JF_BARE;
        jf->quote = c;
        jf->token_letters = false;
        json_framer_token_add(jf, c);
        return true;
    default:
        jf->mode = JF_BARE;
        jf->token_letters = true;
        json_framer_token_add(jf, c);
        return true;
    }
}

static bool json_framer_byte(JsonFramer *jf, uint8_t c)
{
    switch (jf->mode) {
    case JF_TOP:
        return json_framer_top(jf, c);

    case JF_BARE:
        if (jf->quote) {
            /* A quoted token ends at its closing quote. */
            json_framer_token_add(jf, c);
            if (jf->escape) {
                jf->escape = false;
            } else if (c == '\\') {
                jf->escape = true;
            } else if (c == jf->quote) {
                return json_framer_end_token(jf);
            }
            return true;
        }
        if (json_framer_is_space(c) || json_framer_is_bracket(c)) {
            /* The delimiter belongs to what follows the token. */
            return json_framer_end_token(jf) && json_framer_top(jf, c);
        }
        json_framer_token_add(jf, c);
        return true;

    case JF_TEXT:
        if (!json_framer_track(jf, c)) {
            /* "{]": the text can't be valid; let the parser say why. */
            g_string_append_c(jf->text, c);
            return json_framer_emit(jf);
        }
        g_string_append_c(jf->text, c);
        if (jf->depth > JSON_FRAMER_MAX_DEPTH) {
            g_string_truncate(jf->text, 0);
            jf->mode = JF_SKIP;
            return json_framer_error(jf, "nesting too deep");
        }
        if (jf->text->len > JSON_FRAMER_MAX_SIZE) {
            g_string_truncate(jf->text, 0);
            jf->mode = JF_SKIP;
            return json_framer_error(jf, "message too large");
        }
        if (jf->depth == 0) {
            return json_framer_emit(jf);
        }
        return true;

    case JF_SKIP:
        json_framer_track(jf, c);
        if (jf->depth == 0) {
            json_framer_clear(jf);
        }
        return true;
    }
    g_assert_not_reached();
}

void json_framer_feed(JsonFramer *jf, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t i;

    for (i = 0; i < len; i++) {
        uint8_t c = p[i];

        jf->position++;
        if (c == 0xff || c == 0xfe) {
            json_framer_clear(jf);
            if (!json_framer_error(jf, c == 0xff ? "stray '\\xff'"
                                                 : "stray '\\xfe'")) {
                return;
            }
            continue;
        }
        if (!json_framer_byte(jf, c)) {
            return;
        }
    }
}
