/*
 * xp_predicates — (not implemented yet: a placeholder class).
 */
#include "transform.h"

static int todo_configure(const json_t *props, void **state, xerr_t *err)
{
        (void)props;
        (void)state;
        xerr_set(err, XERR_CONFIG, "not implemented yet");
        return -1;
}

const xform_class_t xp_has_header_key = {
        .name = "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        .alias = "HasHeaderKey",
        .kind = XFORM_PREDICATE,
        .configure = todo_configure,
};

const xform_class_t xp_record_is_tombstone = {
        .name = "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        .alias = "RecordIsTombstone",
        .kind = XFORM_PREDICATE,
        .configure = todo_configure,
};

const xform_class_t xp_topic_name_matches = {
        .name = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        .alias = "TopicNameMatches",
        .kind = XFORM_PREDICATE,
        .configure = todo_configure,
};
