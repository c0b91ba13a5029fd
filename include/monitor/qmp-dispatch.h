/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP command registry and dispatch.  Each command is one row of a table:
 * its name, its handler, and the schema of its arguments, which dispatch
 * checks (missing, unexpected, wrong type) before calling the handler, so
 * handlers see well-typed arguments only.
 */
#ifndef MONITOR_QMP_DISPATCH_H
#define MONITOR_QMP_DISPATCH_H

#include <json-glib/json-glib.h>

#include "qapi/error.h"

typedef enum QmpArgType {
    QMP_ARG_STR,
    QMP_ARG_INT,
    QMP_ARG_BOOL,
    QMP_ARG_NUMBER,
    QMP_ARG_OBJECT,
    QMP_ARG_ARRAY,
    QMP_ARG_ANY,
} QmpArgType;

typedef struct QmpArg {
    const char *name;
    QmpArgType type;
    bool optional;
} QmpArg;

/*
 * Returns the "return" value (a new node; an empty object for commands
 * that return nothing) or NULL + error.
 */
typedef JsonNode *QmpCommandFunc(JsonObject *args, Error **errp);

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc *fn;
    const QmpArg *args;         /* terminated by { NULL } ; NULL: none */
    bool extra_args;            /* accept members not in args (object-add) */
} QmpCommand;

/* Register a table; names must be unique. */
void qmp_register_commands(const QmpCommand *cmds, size_t n);
const QmpCommand *qmp_find_command(const char *name);
/* Iterate registered commands in name order. */
void qmp_foreach_command(void (*fn)(const QmpCommand *cmd, void *opaque),
                         void *opaque);

/* Helpers for handlers. */
JsonNode *qmp_return_empty(void);

/*
 * Check args against cmd's table: each declared argument present unless
 * optional and of its type, no other member unless cmd->extra_args.
 * Errors use QEMU's wording ("Parameter 'x' is missing", "Parameter 'x'
 * is unexpected", "Invalid parameter type for 'x', expected: integer").
 */
bool qmp_check_args(const QmpCommand *cmd, JsonObject *args, Error **errp);
/* "string", "integer", "boolean", "number", "object", "array", "any". */
const char *qmp_arg_type_name(QmpArgType type);

/*
 * Handle one request (a parsed JSON text): check its shape as QEMU does
 * ("QMP input must be a JSON object", "QMP input lacks member 'execute'",
 * ...), find the command, check its arguments and run it.  Returns the
 * response, never NULL: {"return": R} or {"error": {"class", "desc"}},
 * plus a copy of the request's "id" when it had one.  While
 * cap_negotiation is true only qmp_capabilities may run; anything else
 * gets CommandNotFound "Expecting capabilities negotiation with
 * 'qmp_capabilities'".
 */
JsonObject *qmp_dispatch(JsonNode *request, bool cap_negotiation);
/* {"error": {"class": C, "desc": D}} plus a copy of id if not NULL. */
JsonObject *qmp_error_response(const Error *err, JsonNode *id);

/*
 * Why json-glib rejected text (err from json_parser_load_from_data), in
 * QEMU's words where there is a clear counterpart ("expecting value",
 * "missing : in object pair", "invalid keyword 'x'", "expected separator
 * in dict", "key is not a string in object", "invalid UTF-8 sequence in
 * string"), else json-glib's message as "LINE:COL: Parse error: ...".
 * The monitor sends "JSON parse error, " + this.
 */
char *qmp_json_error_desc(const char *text, size_t len, const GError *err);

/*
 * Serialise as QEMU's QMP server does: compact is one line with ": " and
 * ", " separators; pretty indents by four spaces.  Strings escape the
 * double quote, the backslash, \b \f \n \r \t, and every other character
 * outside 0x20..0x7e as \uXXXX (UTF-16, upper-case hex).  No trailing
 * newline.
 */
char *qmp_to_json(JsonNode *node, bool pretty);

#endif
