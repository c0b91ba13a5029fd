/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The object model: named types with single inheritance and interfaces,
 * class and instance init/finalize, typed properties, reference counting
 * and the composition tree rooted at "/" (with "/machine" and "/objects").
 *
 * One TypeInfo descriptor per type, registered with DEFINE_TYPES().  A class
 * struct starts with its parent's class struct; an instance struct starts
 * with its parent's instance struct.  Interfaces are types deriving from
 * TYPE_INTERFACE; a class implementing one gets its own copy of the
 * interface's class struct, reachable with object_class_dynamic_cast().
 *
 * Property values cross the object boundary as json-glib nodes: QMP hands
 * them over as typed JSON, the command line as strings (the `from_string`
 * argument of the setters), and every typed property accepts both.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include <json-glib/json-glib.h>

#include "qapi/error.h"

typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct ObjectProperty ObjectProperty;
typedef struct InterfaceClass InterfaceClass;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
#define TYPE_CONTAINER "container"

/*
 * Property accessors.  get returns a new JsonNode (NULL + error on
 * failure).  set receives a node it does not own; when from_string is true
 * the value came from the command line (keyval) and a string node must be
 * parsed according to the property's type.
 */
typedef JsonNode *ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                                    Error **errp);
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               JsonNode *value, bool from_string,
                               Error **errp);
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;           /* "bool", "int", "uint64", "size", "str", enum
                             name, "OnOffAuto", "child<T>", "link<T>" */
    char *description;
    char *default_str;    /* shown by help, may be NULL */
    ObjectPropertyGet *get;
    ObjectPropertySet *set;
    ObjectPropertyRelease *release;
    void *opaque;
    const void *sprop;    /* static Property, for table-defined props */
};

struct ObjectClass {
    Type type;
    GHashTable *properties;     /* name -> ObjectProperty (class-level) */
    GPtrArray *prop_order;      /* the same, in the order added */
    GSList *interfaces;         /* InterfaceClass * owned by this class */
    /* Called on object_unparent(); devices unrealize here. */
    void (*unparent)(Object *obj);
    /*
     * Called before a static property is set.  Devices refuse once
     * realized; user-creatable objects once completed.
     */
    bool (*check_property_set)(Object *obj, const char *name, Error **errp);
};

struct Object {
    ObjectClass *class;
    GHashTable *properties;     /* instance properties: children, links */
    GPtrArray *prop_order;      /* the same, in the order added */
    uint32_t ref;
    Object *parent;
    char *name_in_parent;
};

struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;
    Type interface_type;
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;
    const InterfaceInfo *interfaces;
    /* One line shown by "-device help" / "-object help". */
    const char *description;
} TypeInfo;

/* ---- type registration ---- */

Type type_register_static(const TypeInfo *info);
void type_register_static_array(const TypeInfo *infos, int nr);

#define DEFINE_TYPES(type_array) \
    static void __attribute__((constructor)) do_qemu_init_##type_array(void) \
    { \
        type_register_static_array(type_array, ARRAY_SIZE(type_array)); \
    }

/* Run arbitrary code at start-up (before main), e.g. registering tables. */
#define module_init(fn) \
    static void __attribute__((constructor)) do_module_init_##fn(void) \
    { \
        fn(); \
    }

/* ---- casts ---- */

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))

#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__, __func__))
#define OBJECT_CLASS_CHECK(class_type, klass, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), \
                    (name), __FILE__, __LINE__, __func__))
#define OBJECT_GET_CLASS(class_type, obj, name) \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)

Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func);
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func);

/* ---- classes ---- */

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *klass);
ObjectClass *object_class_get_parent(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
const char *object_class_get_description(ObjectClass *klass);
/* All classes that are (or implement) implements_type, sorted by name. */
GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract);
/* Call fn for every type that is-a implements_type. */
void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type,
                          bool include_abstract, void *opaque);

/* ---- instances ---- */

/* Returns a new object with one reference held by the caller. */
Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *klass);
void object_ref(Object *obj);
void object_unref(Object *obj);

/* ---- properties ---- */

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
/* Like object_property_add, but a duplicate name is an error. */
ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp);
ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque);
void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description);
void object_property_del(Object *obj, const char *name);

/* Instance properties first, then the class and its ancestors. */
ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);
/* Like find, but sets "Property 'T.name' not found". */
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);

/* All properties of obj: class-level (ancestors first) then instance. */
void object_property_foreach(Object *obj,
                             void (*fn)(ObjectProperty *prop, void *opaque),
                             void *opaque);
void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(ObjectProperty *prop,
                                              void *opaque),
                                   void *opaque);

JsonNode *object_property_get(Object *obj, const char *name, Error **errp);
bool object_property_set(Object *obj, const char *name, JsonNode *value,
                         Error **errp);
/* Set from a command-line string (keyval semantics). */
bool object_property_parse(Object *obj, const char *name, const char *str,
                           Error **errp);
/* Print the value as the command line would accept it. */
char *object_property_print(Object *obj, const char *name, Error **errp);

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *value,
                             Error **errp);
char *object_property_get_str(Object *obj, const char *name, Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp);
Object *object_property_get_link(Object *obj, const char *name,
                                 Error **errp);

/* Dynamic property helpers (instance or class level). */
ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               bool (*get)(Object *, Error **),
                                               bool (*set)(Object *, bool,
                                                           Error **));
ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              char *(*get)(Object *,
                                                           Error **),
                                              bool (*set)(Object *,
                                                          const char *,
                                                          Error **));

/* ---- composition tree ---- */

/* Adds child<T> property "name" on parent; takes a reference to child. */
bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp);
/*
 * link<T> property backed by *targetp.  Setting it resolves a path
 * (absolute, or a unique partial path) and checks the type; check is
 * called with the new target and may refuse.  check == NULL makes the link
 * read-only.
 */
typedef enum {
    OBJ_PROP_LINK_STRONG = 1,   /* hold a reference to the target */
} ObjectPropertyLinkFlags;
ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         bool (*check)(Object *obj,
                                                       const char *name,
                                                       Object *val,
                                                       Error **errp),
                                         ObjectPropertyLinkFlags flags);

/* Detach obj from its parent (drops the parent's reference). */
void object_unparent(Object *obj);
Object *object_get_parent(Object *obj);
const char *object_get_name(Object *obj);  /* name in parent, or NULL */
Object *object_get_root(void);
/* The child of "/" named "objects" (user-created objects). */
Object *object_get_objects_root(void);
/* The container at path, created (with intermediate containers) if new. */
Object *container_get(Object *root, const char *path);
Object *object_get_child(Object *parent, const char *name);
/* Iterate children in insertion order; stop when fn returns non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Recursively (depth first, parents before children). */
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);
char *object_get_canonical_path(Object *obj);
/*
 * The value a link-like property reads as: obj's canonical path in a JSON
 * string, or "" when obj is NULL or not in the tree (QEMU's convention).
 */
JsonNode *object_path_node(Object *obj);
const char *object_get_canonical_path_component(Object *obj);
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
Object *object_resolve_path_component(Object *parent, const char *part);

/* Validate an id given by the user: letters, digits, '-', '.', '_';
 * must start with a letter. */
bool id_wellformed(const char *id);

/* ---- enum helpers shared by property code ---- */

typedef struct QEnumLookup {
    const char *const *array;
    int size;
} QEnumLookup;

int qapi_enum_parse(const QEnumLookup *lookup, const char *buf, int def,
                    Error **errp);
const char *qapi_enum_lookup(const QEnumLookup *lookup, int val);

typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
    ON_OFF_AUTO__MAX,
} OnOffAuto;
extern const QEnumLookup OnOffAuto_lookup;

#endif
