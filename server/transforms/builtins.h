/* The built-in classes (one file each under server/transforms/). */
#ifndef CONNECTD_XF_BUILTINS_H
#define CONNECTD_XF_BUILTINS_H

#include "transform.h"

extern const xform_class_t xf_cast_key;
extern const xform_class_t xf_cast_value;
extern const xform_class_t xf_drop_headers;
extern const xform_class_t xf_extract_field_key;
extern const xform_class_t xf_extract_field_value;
extern const xform_class_t xf_filter;
extern const xform_class_t xf_flatten_key;
extern const xform_class_t xf_flatten_value;
extern const xform_class_t xf_header_from_key;
extern const xform_class_t xf_header_from_value;
extern const xform_class_t xf_hoist_field_key;
extern const xform_class_t xf_hoist_field_value;
extern const xform_class_t xf_insert_field_key;
extern const xform_class_t xf_insert_field_value;
extern const xform_class_t xf_insert_header;
extern const xform_class_t xf_mask_field_key;
extern const xform_class_t xf_mask_field_value;
extern const xform_class_t xf_regex_router;
extern const xform_class_t xf_replace_field_key;
extern const xform_class_t xf_replace_field_value;
extern const xform_class_t xf_set_schema_metadata_key;
extern const xform_class_t xf_set_schema_metadata_value;
extern const xform_class_t xf_timestamp_converter_key;
extern const xform_class_t xf_timestamp_converter_value;
extern const xform_class_t xf_timestamp_router;
extern const xform_class_t xf_value_to_key;
extern const xform_class_t xp_has_header_key;
extern const xform_class_t xp_record_is_tombstone;
extern const xform_class_t xp_topic_name_matches;

#endif
