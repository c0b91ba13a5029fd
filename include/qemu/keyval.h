/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's option syntax for the command line: "value,key=value,key=value"
 * with an implied first key, commas doubled to escape ("a,,b" is "a,b"),
 * "help" / "?" to ask for help, and JSON objects ("{...}") where QEMU
 * accepts them.  The result is a JsonObject: members are strings when the
 * input was keyval (typed later by the property that receives them) and
 * typed JSON values when the input was JSON.
 *
 * Also the scalar parsers every option shares: booleans
 * (on/off/yes/no/true/false), integers (decimal, 0x hex) and sizes with
 * suffixes (k/K, M, G, T, P, E; fractions like 1.5G).
 */
#ifndef QEMU_KEYVAL_H
#define QEMU_KEYVAL_H

#include <json-glib/json-glib.h>

#include "qapi/error.h"

/*
 * Parse params.  implied_key names the first element when it has no '='
 * (e.g. "driver" for -device, "type" for -machine); NULL means every
 * element needs a key.  *help is set when "help" or "?" appears as an
 * element (help may be NULL, then "help" is an ordinary key).  A key given
 * twice keeps its last value.  Empty keys, and an empty element other than
 * a trailing one, are errors.  Returns a new JsonObject or NULL + error.
 */
JsonObject *keyval_parse(const char *params, const char *implied_key,
                         bool *help, Error **errp);

/*
 * Like keyval_parse, but if params starts with '{' it is parsed as a JSON
 * object (QEMU's -device/-object JSON syntax) and from_json is set.
 */
JsonObject *keyval_parse_or_json(const char *params, const char *implied_key,
                                 bool *help, bool *from_json, Error **errp);

/* "driver.prop=value" (the -global syntax). */
bool keyval_parse_global(const char *str, char **driver, char **prop,
                         char **value, Error **errp);

/* Scalar parsers; name is used in error messages ("Parameter 'name'
 * expects ..."). */
bool qemu_parse_bool(const char *name, const char *str, bool *out,
                     Error **errp);
bool qemu_parse_int64(const char *name, const char *str, int64_t *out,
                      Error **errp);
bool qemu_parse_uint64(const char *name, const char *str, uint64_t *out,
                       Error **errp);
/* Size with optional suffix; a bare number is multiplied by default_unit
 * (1 for most properties, MiB for -m). */
bool qemu_parse_size(const char *name, const char *str, uint64_t default_unit,
                     uint64_t *out, Error **errp);

/*
 * The string member key of an option object (from keyval or JSON).
 * Absent: NULL, with "Parameter 'key' is missing" if required.  Present but
 * not a string: NULL + "Invalid parameter type for 'key', expected:
 * string".  errp may be NULL when only the value matters.
 */
const char *keyval_get_str(JsonObject *opts, const char *key, bool required,
                           Error **errp);

/* Serialise back to keyval text (escaping commas). */
char *keyval_to_string(JsonObject *obj, const char *implied_key);

#endif
