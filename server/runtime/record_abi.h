/*
 * record_abi — the host-table entries added with the record pipeline
 * (api/connect/plugin.h, section "records: headers, timestamps, schemas"):
 * arenas, schemas, values of every type, source record headers, timestamps
 * and schemas, sink record headers and schemas, and the record a plugin
 * transform works on. Contracts are in plugin.h; host.c puts these in the
 * table.
 *
 * The ABI's opaque types are the internal ones: connectd_arena_t is an
 * arena_t, connectd_schema_t a connect_schema_t, connectd_xrecord_t an
 * xrecord_t (data.h); these functions only cast.
 */
#ifndef CONNECTD_RECORD_ABI_H
#define CONNECTD_RECORD_ABI_H

#include "connect/plugin.h"
#include "data.h"

/* The ABI handle of an internal record (and back), for the transform
 * wrapper in plugins.c. */
static inline connectd_xrecord_t *xrecord_handle(xrecord_t *r)
{
        return (connectd_xrecord_t *)r;
}

connectd_arena_t *abi_record_arena(connectd_record_t *rec);
connectd_arena_t *abi_arena_new(void);
void abi_arena_destroy(connectd_arena_t *a);

const connectd_schema_t *abi_schema_primitive(connectd_value_type_t type,
                                              int optional);
connectd_schema_t *abi_schema_new(connectd_arena_t *a,
                                  connectd_value_type_t type);
int abi_schema_set_name(connectd_arena_t *a, connectd_schema_t *s,
                        const char *name);
void abi_schema_set_version(connectd_schema_t *s, int32_t version);
void abi_schema_set_optional(connectd_schema_t *s, int optional);
int abi_schema_set_param(connectd_arena_t *a, connectd_schema_t *s,
                         const char *key, const char *value);
int abi_schema_add_field(connectd_arena_t *a, connectd_schema_t *s,
                         const char *name,
                         const connectd_schema_t *field_schema);
int abi_schema_set_items(connectd_schema_t *s,
                         const connectd_schema_t *key_schema,
                         const connectd_schema_t *value_schema);
connectd_value_type_t abi_schema_type(const connectd_schema_t *s);
const char *abi_schema_name(const connectd_schema_t *s);
int abi_schema_optional(const connectd_schema_t *s);
int abi_schema_version(const connectd_schema_t *s, int32_t *version);
const char *abi_schema_param(const connectd_schema_t *s, const char *key);
size_t abi_schema_field_count(const connectd_schema_t *s);
const connectd_schema_t *abi_schema_field(const connectd_schema_t *s,
                                          size_t i, const char **name);
const connectd_schema_t *abi_schema_items(const connectd_schema_t *s,
                                          const connectd_schema_t **key);

connectd_value_t *abi_value_of_null(connectd_arena_t *a);
connectd_value_t *abi_value_of_string(connectd_arena_t *a, const char *s,
                                      size_t len);
connectd_value_t *abi_value_of_bytes(connectd_arena_t *a, const void *p,
                                     size_t len);
connectd_value_t *abi_value_of_int(connectd_arena_t *a,
                                   connectd_value_type_t type, int64_t v);
connectd_value_t *abi_value_of_float(connectd_arena_t *a,
                                     connectd_value_type_t type, double v);
connectd_value_t *abi_value_of_struct(connectd_arena_t *a,
                                      const connectd_schema_t *schema);
connectd_value_t *abi_value_of_array(connectd_arena_t *a);
connectd_value_t *abi_value_of_map(connectd_arena_t *a);
int abi_value_put(connectd_arena_t *a, connectd_value_t *st,
                  const char *field, connectd_value_t *v);
int abi_value_append(connectd_arena_t *a, connectd_value_t *c,
                     connectd_value_t *key, connectd_value_t *v);
connectd_value_t *abi_value_copy(connectd_arena_t *a,
                                 const connectd_value_t *v);
size_t abi_value_count(const connectd_value_t *v);
const connectd_value_t *abi_value_member(const connectd_value_t *v, size_t i,
                                         const char **name,
                                         const connectd_value_t **key);
const connectd_value_t *abi_value_get(const connectd_value_t *st,
                                      const char *field);
const connectd_schema_t *abi_value_struct_schema(const connectd_value_t *v);

void abi_record_set_timestamp(connectd_record_t *rec, int64_t ms);
int abi_record_add_header(connectd_record_t *rec, const char *name,
                          const connectd_schema_t *schema,
                          connectd_value_t *value);
void abi_record_set_key_schema(connectd_record_t *rec,
                               const connectd_schema_t *schema);
void abi_record_set_value_schema(connectd_record_t *rec,
                                 const connectd_schema_t *schema);

size_t abi_sink_header_count(const connectd_sink_record_t *r);
const char *abi_sink_header(const connectd_sink_record_t *r, size_t i,
                            const connectd_schema_t **schema,
                            const connectd_value_t **value);
connectd_timestamp_type_t abi_sink_timestamp_type(
        const connectd_sink_record_t *r);
const connectd_schema_t *abi_sink_key_schema(const connectd_sink_record_t *r);
const connectd_schema_t *abi_sink_value_schema(
        const connectd_sink_record_t *r);

connectd_arena_t *abi_xrecord_arena(connectd_xrecord_t *r);
const char *abi_xrecord_topic(const connectd_xrecord_t *r);
int abi_xrecord_set_topic(connectd_xrecord_t *r, const char *topic);
int32_t abi_xrecord_partition(const connectd_xrecord_t *r);
void abi_xrecord_set_partition(connectd_xrecord_t *r, int32_t partition);
const connectd_value_t *abi_xrecord_key(const connectd_xrecord_t *r,
                                        const connectd_schema_t **schema);
const connectd_value_t *abi_xrecord_value(const connectd_xrecord_t *r,
                                          const connectd_schema_t **schema);
void abi_xrecord_set_key(connectd_xrecord_t *r,
                         const connectd_schema_t *schema,
                         connectd_value_t *key);
void abi_xrecord_set_value(connectd_xrecord_t *r,
                           const connectd_schema_t *schema,
                           connectd_value_t *value);
int abi_xrecord_timestamp(const connectd_xrecord_t *r, int64_t *ms);
void abi_xrecord_set_timestamp(connectd_xrecord_t *r, int64_t ms);
size_t abi_xrecord_header_count(const connectd_xrecord_t *r);
const char *abi_xrecord_header(const connectd_xrecord_t *r, size_t i,
                               const connectd_schema_t **schema,
                               const connectd_value_t **value);
int abi_xrecord_header_add(connectd_xrecord_t *r, const char *name,
                           const connectd_schema_t *schema,
                           connectd_value_t *value);
void abi_xrecord_header_remove(connectd_xrecord_t *r, const char *name);
int abi_xrecord_is_sink(const connectd_xrecord_t *r);
int64_t abi_xrecord_offset(const connectd_xrecord_t *r);
connectd_timestamp_type_t abi_xrecord_timestamp_type(
        const connectd_xrecord_t *r);

#endif
