/*
 * topic_creation — Kafka Connect's topic creation by source connectors
 * (KIP-158): the topic.creation.* connector keys, their check at connector
 * start, and the describe-else-create a source task runs before the first
 * record to a topic it has not seen.
 *
 * Active when the worker's topic.creation.enable is true and some connector
 * key starts with "topic.creation."; otherwise every topic.creation.* key is
 * ignored and these calls do nothing.
 */
#ifndef CONNECTD_TOPIC_CREATION_H
#define CONNECTD_TOPIC_CREATION_H

#include <stddef.h>
#include <jansson.h>

struct kafka;
typedef struct topic_creation topic_creation_t;

/* 1 when topic creation applies to this (resolved) connector config. */
int topic_creation_active(const json_t *worker_props, const json_t *config);

/* The check at connector start (SourceConnectorConfig): 0, or -1 with
 * Java's ConfigException message (missing default keys, bad numbers,
 * partitions/replication factor out of range, a regex that does not
 * compile, duplicate groups). 0 when not active. */
int topic_creation_check(const json_t *worker_props, const json_t *config,
                         char *errstr, size_t errstr_size);

/* A task instance's topic creation state. *out is NULL (and 0 returned)
 * when not active; -1 with errstr when the config does not pass the
 * check. The Kafka client it may need is made on first use.
 * @locality task thread (one owner) */
int topic_creation_new(struct kafka *kf, const json_t *worker_props,
                       const json_t *config, topic_creation_t **out,
                       char *errstr, size_t errstr_size);
void topic_creation_free(topic_creation_t *tc);

/* The group (from the config's topic.creation.groups, else "default") that
 * applies to `topic`: the first whose include matches and whose exclude
 * does not. Static storage of tc. */
const char *topic_creation_group_for(const topic_creation_t *tc,
                                     const char *topic);

/* Before the first record to `topic` (the name after the transforms):
 * nothing when tc is NULL or the topic was seen by this instance; else
 * describe it, create it with its group's settings when it does not
 * exist, and remember it. 0, or -1 with Connect's message (the task
 * fails). */
int topic_creation_ensure(topic_creation_t *tc, const char *topic,
                          char *errstr, size_t errstr_size);

#endif
