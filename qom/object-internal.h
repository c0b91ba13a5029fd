/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private glue between the object core (object.c), the composition tree
 * (tree.c) and static property tables (props.c).
 */
#ifndef QOM_OBJECT_INTERNAL_H
#define QOM_OBJECT_INTERNAL_H

#include "qom/props.h"

/* Apply / release a static property's default and storage. */
void props_set_default(Object *obj, const Property *prop);
void props_release(Object *obj, const Property *prop);

/*
 * Convert a property input node, QEMU-style: strict JSON types unless
 * from_string, where a string is parsed.  Errors name the property.
 */
bool prop_value_to_bool(const char *name, JsonNode *value, bool from_string,
                        bool *out, Error **errp);
const char *prop_value_to_str(const char *name, JsonNode *value,
                              Error **errp);

/*
 * Drop the strong references obj holds through its link properties (static
 * and dynamic).  Called when obj leaves the composition tree: a deleted
 * object must not keep its targets, or itself through a cycle, alive.
 */
void object_drop_links(Object *obj);
/* The dynamic (object_property_add_link) half, in tree.c. */
void object_drop_dynamic_links(Object *obj);

/* Resolve a link value (path; "" is NULL) with QEMU's error messages. */
bool object_resolve_link(Object *obj, const char *name, const char *path,
                         const char *type, Object **out, Error **errp);

#endif
