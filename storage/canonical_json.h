/*
 * canonical_json — one spelling per JSON object (keys sorted, compact), so
 * that two spellings of a source partition compare equal as text.
 */
#ifndef CONNECTD_CANONICAL_JSON_H
#define CONNECTD_CANONICAL_JSON_H

/* Canonical text of a JSON object; malloc'd, NULL if `json` is not a JSON
 * object. */
char *canonical_json(const char *json);

#endif
