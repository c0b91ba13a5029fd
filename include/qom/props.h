/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static property tables: a class declares its properties as an array of
 * Property (name, type, field offset, default, description) and registers
 * it with object_class_add_props().  Used by devices, machines and
 * user-creatable objects alike.  Defaults are applied at instance init,
 * before the type's instance_init runs.
 */
#ifndef QOM_PROPS_H
#define QOM_PROPS_H

#include "qom/object.h"

typedef struct Property Property;

typedef struct PropertyInfo {
    const char *type;           /* type name shown in help and qom-list */
    ObjectPropertyGet *get;
    ObjectPropertySet *set;
    void (*set_default)(Object *obj, const Property *prop);
    char *(*print_default)(const Property *prop);
    void (*release)(Object *obj, const Property *prop);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;
    union {
        int64_t i;
        uint64_t u;
    } defval;
    const char *defval_str;
    const QEnumLookup *enum_table;
    const char *link_type;
    const char *description;
    /* Integer bounds (0/0 means the type's natural range). */
    int64_t min, max;
    /* Settable after realize / completion (e.g. runtime knobs). */
    bool runtime;
};

extern const PropertyInfo prop_info_bool;
extern const PropertyInfo prop_info_uint8;
extern const PropertyInfo prop_info_uint16;
extern const PropertyInfo prop_info_uint32;
extern const PropertyInfo prop_info_int32;
extern const PropertyInfo prop_info_uint64;
extern const PropertyInfo prop_info_int64;
extern const PropertyInfo prop_info_size;
extern const PropertyInfo prop_info_string;
extern const PropertyInfo prop_info_enum;
extern const PropertyInfo prop_info_on_off_auto;
extern const PropertyInfo prop_info_link;

#define PROP_FIELD(state, field) offsetof(state, field)

#define DEFINE_PROP_BOOL(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_bool, \
      .offset = offsetof(_s, _f), .defval.u = (_d), .description = (_desc) }
#define DEFINE_PROP_UINT8(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_uint8, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .description = (_desc) }
#define DEFINE_PROP_UINT16(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_uint16, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .description = (_desc) }
#define DEFINE_PROP_UINT32(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_uint32, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .description = (_desc) }
#define DEFINE_PROP_INT32(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_int32, .offset = offsetof(_s, _f), \
      .defval.i = (_d), .description = (_desc) }
#define DEFINE_PROP_UINT64(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_uint64, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .description = (_desc) }
#define DEFINE_PROP_INT64(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_int64, .offset = offsetof(_s, _f), \
      .defval.i = (_d), .description = (_desc) }
#define DEFINE_PROP_SIZE(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_size, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .description = (_desc) }
/* char * field, g_free'd at finalize; default may be NULL. */
#define DEFINE_PROP_STRING(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_string, .offset = offsetof(_s, _f), \
      .defval_str = (_d), .description = (_desc) }
/* int field holding an index into the lookup table. */
#define DEFINE_PROP_ENUM(_n, _s, _f, _d, _table, _desc) \
    { .name = (_n), .info = &prop_info_enum, .offset = offsetof(_s, _f), \
      .defval.i = (_d), .enum_table = (_table), .description = (_desc) }
#define DEFINE_PROP_ON_OFF_AUTO(_n, _s, _f, _d, _desc) \
    { .name = (_n), .info = &prop_info_on_off_auto, \
      .offset = offsetof(_s, _f), .defval.i = (_d), \
      .enum_table = &OnOffAuto_lookup, .description = (_desc) }
/* Object * field; _t is the required type. */
#define DEFINE_PROP_LINK(_n, _s, _f, _t, _desc) \
    { .name = (_n), .info = &prop_info_link, .offset = offsetof(_s, _f), \
      .link_type = (_t), .description = (_desc) }

/* Register a table (terminated by an entry with .name == NULL). */
void object_class_add_props(ObjectClass *klass, const Property *props);

/* Parsers shared with the command line (sizes accept k/M/G/T suffixes). */
bool prop_parse_bool(const char *name, const char *str, bool *out,
                     Error **errp);
bool prop_parse_int64(const char *name, const char *str, int64_t *out,
                      Error **errp);
bool prop_parse_uint64(const char *name, const char *str, uint64_t *out,
                       Error **errp);
bool prop_parse_size(const char *name, const char *str, uint64_t *out,
                     Error **errp);

#endif
