/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON framing: cut a byte stream (a QMP connection) into complete
 * top-level JSON texts.  The framer does not parse JSON; it only follows
 * the nesting of {} and [] and skips over strings ("..." and '...', with
 * backslash escapes) so that brackets inside strings do not count.  Each
 * complete text is handed to on_message, which parses it (json-glib).
 *
 * A text starts with '{' or '[' at the top level and ends with the
 * bracket that brings the nesting back to zero, or with a closing bracket
 * of the wrong kind ("{"a": [}"): such a text can't be valid, and ending
 * it there lets the parser report it at once instead of waiting for
 * brackets that will never balance.  Whitespace between texts is
 * ignored.
 *
 * Recovery rules.  Each problem below calls on_error once with a short
 * reason (ASCII, suitable for "JSON parse error, <why>") and the framer
 * carries on; nothing is ever fatal:
 *
 *  - A closing bracket at the top level: "expecting value"; that byte is
 *    dropped.
 *  - A bare token at the top level (anything that is not whitespace, '{'
 *    or '['; e.g. foo, 42, "str"): the token is dropped up to the next
 *    whitespace or bracket (a quoted string up to its closing quote).
 *    Letters-only tokens give "invalid keyword 'foo'", others "unexpected
 *    'TOKEN' outside of an object or array" (TOKEN truncated and escaped).
 *  - Byte 0xFF or 0xFE, anywhere, even inside a string (QEMU's documented
 *    way for a client to reset the parser): "stray '\xff'" (or \xfe); the
 *    message in progress is dropped and framing restarts at the top
 *    level with the next byte.
 *  - A text longer than JSON_FRAMER_MAX_SIZE bytes, or nested deeper than
 *    JSON_FRAMER_MAX_DEPTH: "message too large" / "nesting too deep"; the
 *    rest of that text is skipped (still following brackets and strings,
 *    without storing anything) until its nesting returns to zero, or a
 *    reset byte arrives.
 *
 * Feeding the same bytes in any chunking (one byte at a time included)
 * produces the same callbacks.
 */
#ifndef QEMU_JSON_FRAMER_H
#define QEMU_JSON_FRAMER_H

#define JSON_FRAMER_MAX_SIZE (64 * 1024 * 1024)
#define JSON_FRAMER_MAX_DEPTH 1024

typedef struct JsonFramer JsonFramer;

/* text is NUL-terminated (len excludes the NUL); valid during the call. */
typedef void JsonFramerMessageFn(void *opaque, const char *text, size_t len);
typedef void JsonFramerErrorFn(void *opaque, const char *why);

JsonFramer *json_framer_new(JsonFramerMessageFn *on_message,
                            JsonFramerErrorFn *on_error, void *opaque);
void json_framer_free(JsonFramer *jf);

/*
 * Process len bytes.  Callbacks run synchronously.  A callback may call
 * json_framer_reset(), which also drops the rest of the bytes of this
 * call; it must not free the framer.
 */
void json_framer_feed(JsonFramer *jf, const void *buf, size_t len);

/* Forget any partial text and return to the top level (disconnects). */
void json_framer_reset(JsonFramer *jf);

/*
 * Bytes consumed since creation, reset not included.  Inside on_message
 * this is the stream offset just after the text's last byte.
 */
uint64_t json_framer_position(const JsonFramer *jf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonFramer, json_framer_free)

#endif
