/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-creatable objects: types that -object, object-add and object-del
 * manage under /objects/ID.  complete() runs after all properties are set;
 * can_be_deleted() lets an object in use (e.g. an iommufd backend with
 * devices attached) refuse object-del.
 */
#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatable UserCreatable;

typedef struct UserCreatableClass {
    InterfaceClass parent_class;
    bool (*complete)(UserCreatable *uc, Error **errp);
    bool (*can_be_deleted)(UserCreatable *uc);
} UserCreatableClass;

#define USER_CREATABLE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(UserCreatableClass, (obj), TYPE_USER_CREATABLE)
#define USER_CREATABLE(obj) ((UserCreatable *)(obj))

/*
 * Create /objects/ID from opts ("qom-type", "id", then properties).
 * from_string: the values are keyval strings.
 */
Object *user_creatable_add(JsonObject *opts, bool from_string, Error **errp);
bool user_creatable_complete(UserCreatable *uc, Error **errp);
bool user_creatable_can_be_deleted(UserCreatable *uc);
bool user_creatable_del(const char *id, Error **errp);
/* Delete every user-created object (at exit), newest first. */
void user_creatable_cleanup(void);

/* "-object help" and "-object TYPE,help". */
void user_creatable_print_types(void);
bool user_creatable_print_help(const char *type, Error **errp);

/* Shared by -device/-object/-machine help: print a class's properties. */
void object_class_print_properties(ObjectClass *klass, const char *header);

#endif
