/*
 * validate — Kafka Connect's connector config validation (ConfigDef
 * semantics, spec section 6).
 *
 * DESIGN
 *   One table of framework keys (ConnectorConfig + SourceConnectorConfig /
 *   SinkConnectorConfig, with Kafka's documentation strings, groups and
 *   orders) is the single source for /connector-plugins/{p}/config,
 *   /config/validate and the 400 on create/update. A validation run builds
 *   an ordered list of key definitions (framework keys of the connector's
 *   kind, one `transforms.<a>.type` / `predicates.<p>.type` per alias, then
 *   the connector's own table), then one entry per key holding the parsed
 *   value (re-rendered as a string) and its error strings, exactly as
 *   ConfigDef.validateAll + AbstractHerder.validateConnectorConfig do:
 *     parse by type (values trimmed, numbers and booleans read by
 *     javafmt; failure = that one error, value null, no validator) →
 *     missing required → default → validator (also on null) →
 *     "Null value can not be supplied…" for JSON nulls → sink topic rules →
 *     the connector's own validate() callback (host->validation_error).
 *   Transforms and predicates (ConnectorConfig.enrich): per distinct
 *   alias, its `type` key (a class from the transform table, checked by
 *   the type validator: negate without predicate, abstract, wrong kind;
 *   recommended values = every class of its kind), then, when the class
 *   resolves, its definition table embedded as ConfigDef.embed does:
 *   prefixed names, group "Transforms: <a>", orders 1.., sorted (no
 *   default first, importance, name), the implicit `predicate`/`negate`
 *   among them; parse errors name the full key, the class's validators
 *   the unprefixed one.
 *
 * Threads: pure functions over their arguments; no global state except the
 * constant tables. Every string a run allocates is owned by the run and
 * freed before returning.
 */
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "converter.h"
#include "javafmt.h"
#include "jregex.h"
#include "plugins.h"
#include "transform.h"

/* Ceilings: a validation never grows without bound, whatever the input. */
#define MAX_KEYS        4096
#define MAX_ERRS_PER_KEY 64
#define MAX_MSG         2048

typedef enum {
        VK_NONE = 0,
        VK_NAME,         /* NonEmptyStringWithoutControlChars */
        VK_AT_LEAST_1,   /* Range.atLeast(1) */
        VK_RELOAD,       /* in(none, restart) */
        VK_TOLERANCE,    /* in(none, all) */
        VK_UNIQUE,       /* NonNull + unique aliases */
        VK_EOS,          /* case-insensitive in(requested, required) */
        VK_TXB,          /* case-insensitive in(poll, interval, connector) */
        VK_AT_LEAST_0_NULL_OK,
        VK_NONEMPTY,     /* NonEmptyString (null ok) */
        VK_REGEX,
        VK_CONVERTER,    /* class must be a converter we have */
        VK_HEADER_CONVERTER, /* ... or SimpleHeaderConverter */
        VK_XFORM_TYPE    /* transforms.<a>.type / predicates.<p>.type */
} vk_t;

typedef struct kdef {
        const char *name;
        connectd_cfg_type_t type;
        const char *def;       /* rendered default; NULL = none */
        int required;          /* no default at all */
        connectd_importance_t imp;
        const char *doc;
        const char *group;
        int order;
        connectd_width_t width;
        const char *display;
        vk_t vk;
        connectd_validator_fn fn; /* plugin validator, or NULL */
        /* Embedded keys (ConfigDef.embed): the name their validator
         * reports (unprefixed); NULL = name. */
        const char *vname;
        /* VK_XFORM_TYPE: the kind of class and the alias's prefix
         * ("transforms.a."). */
        xform_kind_t xkind;
        const char *prefix;
} kdef_t;

#define DOC_KEY_CONV                                                           \
        "Converter class used to convert between Kafka Connect format and the " \
        "serialized form that is written to Kafka. This controls the format of " \
        "the keys in messages written to or read from Kafka, and since this is " \
        "independent of connectors it allows any connector to work with any "  \
        "serialization format. Examples of common formats include JSON and Avro."
#define DOC_VALUE_CONV                                                         \
        "Converter class used to convert between Kafka Connect format and the " \
        "serialized form that is written to Kafka. This controls the format of " \
        "the values in messages written to or read from Kafka, and since this " \
        "is independent of connectors it allows any connector to work with any " \
        "serialization format. Examples of common formats include JSON and Avro."
#define DOC_HEADER_CONV                                                        \
        "HeaderConverter class used to convert between Kafka Connect format "  \
        "and the serialized form that is written to Kafka. This controls the " \
        "format of the header values in messages written to or read from "     \
        "Kafka, and since this is independent of connectors it allows any "    \
        "connector to work with any serialization format. Examples of common " \
        "formats include JSON and Avro. By default, the SimpleHeaderConverter " \
        "is used to serialize header values to strings and deserialize them by " \
        "inferring the schemas."

#define H CONNECTD_IMPORTANCE_HIGH
#define M CONNECTD_IMPORTANCE_MEDIUM
#define L CONNECTD_IMPORTANCE_LOW
#define WS CONNECTD_WIDTH_SHORT
#define WM CONNECTD_WIDTH_MEDIUM
#define WL CONNECTD_WIDTH_LONG

/* RT/ConnectorConfig.java#configDef, in definition order (common keys and
 * the error-handling keys interleave exactly as Kafka defines them). */
static const kdef_t common_keys[] = {
        { "name", CONNECTD_CFG_STRING, NULL, 1, H,
          "Globally unique name to use for this connector.",
          "Common", 1, WM, "Connector name", VK_NAME, NULL, NULL, 0, NULL },
        { "connector.class", CONNECTD_CFG_STRING, NULL, 1, H,
          "Name or alias of the class for this connector. Must be a subclass "
          "of org.apache.kafka.connect.connector.Connector. If the connector "
          "is org.apache.kafka.connect.file.FileStreamSinkConnector, you can "
          "either specify this full name,  or use \"FileStreamSink\" or "
          "\"FileStreamSinkConnector\" to make the configuration a bit shorter",
          "Common", 2, WL, "Connector class", VK_NONE, NULL, NULL, 0, NULL },
        { "tasks.max", CONNECTD_CFG_INT, "1", 0, H,
          "Maximum number of tasks to use for this connector.",
          "Common", 3, WS, "Tasks max", VK_AT_LEAST_1, NULL, NULL, 0, NULL },
        { "tasks.max.enforce", CONNECTD_CFG_BOOLEAN, "true", 0, L,
          "(Deprecated) Whether to enforce that the tasks.max property is "
          "respected by the connector. By default, connectors that generate "
          "too many tasks will fail, and existing sets of tasks that exceed "
          "the tasks.max property will also be failed. If this property is "
          "set to false, then connectors will be allowed to generate more "
          "than the maximum number of tasks, and existing sets of tasks that "
          "exceed the tasks.max property will be allowed to run. This "
          "property is deprecated and will be removed in an upcoming major "
          "release.",
          "Common", 4, WS, "Enforce tasks max", VK_NONE, NULL, NULL, 0, NULL },
        { "key.converter", CONNECTD_CFG_CLASS, NULL, 0, L, DOC_KEY_CONV,
          "Common", 5, WS, "Key converter class", VK_CONVERTER,
          NULL, NULL, 0, NULL },
        { "value.converter", CONNECTD_CFG_CLASS, NULL, 0, L, DOC_VALUE_CONV,
          "Common", 6, WS, "Value converter class", VK_CONVERTER,
          NULL, NULL, 0, NULL },
        { "header.converter", CONNECTD_CFG_CLASS, NULL, 0, L, DOC_HEADER_CONV,
          "Common", 7, WS, "Header converter class", VK_HEADER_CONVERTER,
          NULL, NULL, 0, NULL },
        { "transforms", CONNECTD_CFG_LIST, "", 0, L,
          "Aliases for the transformations to be applied to records.",
          "Transforms", 8, WL, "Transforms", VK_UNIQUE, NULL, NULL, 0, NULL },
        { "predicates", CONNECTD_CFG_LIST, "", 0, L,
          "Aliases for the predicates used by transformations.",
          "Predicates", 9, WL, "Predicates", VK_UNIQUE, NULL, NULL, 0, NULL },
        { "config.action.reload", CONNECTD_CFG_STRING, "restart", 0, L,
          "The action that Connect should take on the connector when changes "
          "in external configuration providers result in a change in the "
          "connector's configuration properties. A value of 'none' indicates "
          "that Connect will do nothing. A value of 'restart' indicates that "
          "Connect should restart/reload the connector with the updated "
          "configuration properties.The restart may actually be scheduled in "
          "the future if the external configuration provider indicates that a "
          "configuration value will expire in the future.",
          "Common", 10, WM, "Reload Action", VK_RELOAD, NULL, NULL, 0, NULL },
        { "errors.retry.timeout", CONNECTD_CFG_LONG, "0", 0, M,
          "The maximum duration in milliseconds that a failed operation will "
          "be reattempted. The default is 0, which means no retries will be "
          "attempted. Use -1 for infinite retries.",
          "Error Handling", 1, WM, "Retry Timeout for Errors", VK_NONE,
          NULL, NULL, 0, NULL },
        { "errors.retry.delay.max.ms", CONNECTD_CFG_LONG, "60000", 0, M,
          "The maximum duration in milliseconds between consecutive retry "
          "attempts. Jitter will be added to the delay once this limit is "
          "reached to prevent thundering herd issues.",
          "Error Handling", 2, WM, "Maximum Delay Between Retries for Errors",
          VK_NONE, NULL, NULL, 0, NULL },
        { "errors.tolerance", CONNECTD_CFG_STRING, "none", 0, M,
          "Behavior for tolerating errors during connector operation. 'none' "
          "is the default value and signals that any error will result in an "
          "immediate connector task failure; 'all' changes the behavior to "
          "skip over problematic records.",
          "Error Handling", 3, WS, "Error Tolerance", VK_TOLERANCE,
          NULL, NULL, 0, NULL },
        { "errors.log.enable", CONNECTD_CFG_BOOLEAN, "false", 0, M,
          "If true, write each error and the details of the failed operation "
          "and problematic record to the Connect application log. This is "
          "'false' by default, so that only errors that are not tolerated are "
          "reported.",
          "Error Handling", 4, WS, "Log Errors", VK_NONE, NULL, NULL, 0, NULL },
        { "errors.log.include.messages", CONNECTD_CFG_BOOLEAN, "false", 0, M,
          "Whether to include in the log the Connect record that resulted in "
          "a failure. For sink records, the topic, partition, offset, and "
          "timestamp will be logged. For source records, the key and value "
          "(and their schemas), all headers, and the timestamp, Kafka topic, "
          "Kafka partition, source partition, and source offset will be "
          "logged. This is 'false' by default, which will prevent record "
          "keys, values, and headers from being written to log files.",
          "Error Handling", 5, WS, "Log Error Details", VK_NONE,
          NULL, NULL, 0, NULL },
        { NULL, 0, NULL, 0, 0, NULL, NULL, 0, 0, NULL, 0, NULL, NULL, 0, NULL }
};

/* RT/SinkConnectorConfig.java */
static const kdef_t sink_keys[] = {
        { "topics", CONNECTD_CFG_LIST, "", 0, H,
          "List of topics to consume, separated by commas",
          "Common", 4, WL, "Topics", VK_NONE, NULL, NULL, 0, NULL },
        { "topics.regex", CONNECTD_CFG_STRING, "", 0, H,
          "Regular expression giving topics to consume. Under the hood, the "
          "regex is compiled to a <code>java.util.regex.Pattern</code>. Only "
          "one of topics or topics.regex should be specified.",
          "Common", 4, WL, "Topics regex", VK_REGEX, NULL, NULL, 0, NULL },
        { "errors.deadletterqueue.topic.name", CONNECTD_CFG_STRING, "", 0, M,
          "The name of the topic to be used as the dead letter queue (DLQ) for "
          "messages that result in an error when processed by this sink "
          "connector, or its transformations or converters. The topic name is "
          "blank by default, which means that no messages are to be recorded "
          "in the DLQ.",
          "Error Handling", 6, WM, "Dead Letter Queue Topic Name", VK_NONE,
          NULL, NULL, 0, NULL },
        { "errors.deadletterqueue.topic.replication.factor",
          CONNECTD_CFG_SHORT, "3", 0, M,
          "Replication factor used to create the dead letter queue topic when "
          "it doesn't already exist.",
          "Error Handling", 7, WM,
          "Dead Letter Queue Topic Replication Factor", VK_NONE,
          NULL, NULL, 0, NULL },
        { "errors.deadletterqueue.context.headers.enable",
          CONNECTD_CFG_BOOLEAN, "false", 0, M,
          "If true, add headers containing error context to the messages "
          "written to the dead letter queue. To avoid clashing with headers "
          "from the original record, all error context header keys, all error "
          "context header keys will start with <code>__connect.errors.</code>",
          "Error Handling", 8, WM, "Enable Error Context Headers", VK_NONE,
          NULL, NULL, 0, NULL },
        { NULL, 0, NULL, 0, 0, NULL, NULL, 0, 0, NULL, 0, NULL, NULL, 0, NULL }
};

/* RT/SourceConnectorConfig.java */
static const kdef_t source_keys[] = {
        { "topic.creation.groups", CONNECTD_CFG_LIST, "", 0, L,
          "Groups of configurations for topics created by source connectors",
          "Topic Creation", 1, WL, "Topic Creation Groups", VK_UNIQUE,
          NULL, NULL, 0, NULL },
        { "exactly.once.support", CONNECTD_CFG_STRING, "requested", 0, M,
          "Permitted values are requested, required. If set to \"required\", "
          "forces a preflight check for the connector to ensure that it can "
          "provide exactly-once semantics with the given configuration. Some "
          "connectors may be capable of providing exactly-once semantics but "
          "not signal to Connect that they support this; in that case, "
          "documentation for the connector should be consulted carefully "
          "before creating it, and the value for this property should be set "
          "to \"requested\". Additionally, if the value is set to \"required\" "
          "but the worker that performs preflight validation does not have "
          "exactly-once support enabled for source connectors, requests to "
          "create or validate the connector will fail.",
          "Exactly Once Support", 2, WS, "Exactly once support", VK_EOS,
          NULL, NULL, 0, NULL },
        { "transaction.boundary", CONNECTD_CFG_STRING, "poll", 0, M,
          "Permitted values are: poll, interval, connector. If set to 'poll', "
          "a new producer transaction will be started and committed for every "
          "batch of records that each task from this connector provides to "
          "Connect. If set to 'connector', relies on connector-defined "
          "transaction boundaries; note that not all connectors are capable "
          "of defining their own transaction boundaries, and in that case, "
          "attempts to instantiate a connector with this value will fail. "
          "Finally, if set to 'interval', commits transactions only after a "
          "user-defined time interval has passed.",
          "Exactly Once Support", 3, WS, "Transaction Boundary", VK_TXB,
          NULL, NULL, 0, NULL },
        { "transaction.boundary.interval.ms", CONNECTD_CFG_LONG, NULL, 0, L,
          "If 'transaction.boundary' is set to 'interval', determines the "
          "interval for producer transaction commits by connector tasks. If "
          "unset, defaults to the value of the worker-level "
          "'offset.flush.interval.ms' property. It has no effect if a "
          "different transaction.boundary is specified.",
          "Exactly Once Support", 4, WS, "Transaction boundary interval",
          VK_AT_LEAST_0_NULL_OK, NULL, NULL, 0, NULL },
        { "offsets.storage.topic", CONNECTD_CFG_STRING, NULL, 0, L,
          "The name of a separate offsets topic to use for this connector. If "
          "empty or not specified, the worker\xe2\x80\x99s global offsets topic "
          "name will be used. If specified, the offsets topic will be created "
          "if it does not already exist on the Kafka cluster targeted by this "
          "connector (which may be different from the one used for the "
          "worker's global offsets topic if the bootstrap.servers property of "
          "the connector's producer has been overridden from the worker's). "
          "Only applicable in distributed mode; in standalone mode, setting "
          "this property will have no effect.",
          "offsets.topic", 1, WL, "Offsets topic", VK_NONEMPTY,
          NULL, NULL, 0, NULL },
        { NULL, 0, NULL, 0, 0, NULL, NULL, 0, 0, NULL, 0, NULL, NULL, 0, NULL }
};

#undef H
#undef M
#undef L
#undef WS
#undef WM
#undef WL

/* ------------------------------------------------------------------ */
/* The run: key definitions (some with owned strings) and value entries */

typedef struct ventry {
        char *name;       /* owned */
        int key;          /* index into run.keys, -1 if undefined */
        char *value;      /* rendered value, owned, NULL = null */
        json_t *errors;   /* array of strings */
} ventry_t;

struct connectd_validation {
        kdef_t *keys;
        char **owned;     /* strings owned by dynamic keys */
        size_t nkeys, capkeys, nowned, capowned;
        ventry_t *ents;
        size_t nents, capents;
};

typedef struct connectd_validation run_t;

static int run_own(run_t *r, char *s)
{
        if (!s)
                return -1;
        if (r->nowned == r->capowned) {
                size_t cap = r->capowned ? r->capowned * 2 : 16;
                char **p = realloc(r->owned, cap * sizeof(*p));
                if (!p) {
                        free(s);
                        return -1;
                }
                r->owned = p;
                r->capowned = cap;
        }
        r->owned[r->nowned++] = s;
        return 0;
}

static int run_find_key(const run_t *r, const char *name)
{
        for (size_t i = 0; i < r->nkeys; i++)
                if (!strcmp(r->keys[i].name, name))
                        return (int)i;
        return -1;
}

static int run_add_key(run_t *r, const kdef_t *k)
{
        if (run_find_key(r, k->name) >= 0)
                return 0; /* first definition wins */
        if (r->nkeys >= MAX_KEYS)
                return -1;
        if (r->nkeys == r->capkeys) {
                size_t cap = r->capkeys ? r->capkeys * 2 : 64;
                kdef_t *p = realloc(r->keys, cap * sizeof(*p));
                if (!p)
                        return -1;
                r->keys = p;
                r->capkeys = cap;
        }
        r->keys[r->nkeys++] = *k;
        return 0;
}

static ventry_t *run_entry(run_t *r, const char *name, int create)
{
        for (size_t i = 0; i < r->nents; i++)
                if (!strcmp(r->ents[i].name, name))
                        return &r->ents[i];
        if (!create || r->nents >= MAX_KEYS)
                return NULL;
        if (r->nents == r->capents) {
                size_t cap = r->capents ? r->capents * 2 : 64;
                ventry_t *p = realloc(r->ents, cap * sizeof(*p));
                if (!p)
                        return NULL;
                r->ents = p;
                r->capents = cap;
        }
        ventry_t *e = &r->ents[r->nents];
        e->name = strdup(name);
        e->errors = json_array();
        if (!e->name || !e->errors) {
                free(e->name);
                json_decref(e->errors);
                return NULL;
        }
        e->key = run_find_key(r, name);
        e->value = NULL;
        r->nents++;
        return e;
}

static void entry_err(ventry_t *e, const char *msg)
{
        if (e && json_array_size(e->errors) < MAX_ERRS_PER_KEY)
                json_array_append_new(e->errors, json_string(msg));
}

static void run_free(run_t *r)
{
        for (size_t i = 0; i < r->nents; i++) {
                free(r->ents[i].name);
                free(r->ents[i].value);
                json_decref(r->ents[i].errors);
        }
        for (size_t i = 0; i < r->nowned; i++)
                free(r->owned[i]);
        free(r->ents);
        free(r->owned);
        free(r->keys);
}

void validate_report(connectd_validation_t *v, const char *key,
                     const char *fmt, ...)
{
        char msg[MAX_MSG];
        va_list ap;

        if (!v || !key || !fmt)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        entry_err(run_entry(v, key, 1), msg);
}

/* ------------------------------------------------------------------ */
/* Parsing (ConfigDef.parseType) */

static int is_java_ws(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
               c == '\r';
}

/* Splits on \s*,\s* (keeping empty items) into a JSON array of strings;
 * an empty string is the empty list. */
static json_t *parse_list(const char *trimmed)
{
        json_t *arr = json_array();
        if (!arr || !*trimmed)
                return arr;
        const char *p = trimmed;
        for (;;) {
                const char *c = strchr(p, ',');
                const char *end = c ? c : p + strlen(p);
                const char *b = p, *e = end;
                while (b < e && is_java_ws(*b))
                        b++;
                while (e > b && is_java_ws(e[-1]))
                        e--;
                json_array_append_new(arr, json_stringn(b, (size_t)(e - b)));
                if (!c)
                        break;
                p = c + 1;
        }
        return arr;
}

/* A parsed value: `str` is its ConfigDef.convertToString form. `list` for
 * LIST values, `num` for integral types. `set` = non-null. */
typedef struct pval {
        int set;
        char *str;
        json_t *list;
        long long num;
} pval_t;

static void pval_free(pval_t *v)
{
        free(v->str);
        json_decref(v->list);
        memset(v, 0, sizeof(*v));
}

static char *list_join(const json_t *list, const char *sep)
{
        size_t i, len = 1;
        json_t *it;
        json_array_foreach(list, i, it)
                len += strlen(json_string_value(it)) + strlen(sep);
        char *s = malloc(len);
        if (!s)
                return NULL;
        s[0] = '\0';
        json_array_foreach(list, i, it) {
                if (i)
                        strcat(s, sep);
                strcat(s, json_string_value(it));
        }
        return s;
}

/* Java toString of a parsed value, as in ConfigException messages. */
static char *java_str(const kdef_t *k, const pval_t *v)
{
        if (!v->set)
                return strdup("null");
        if (k && k->type == CONNECTD_CFG_LIST && v->list) {
                char *inner = list_join(v->list, ", ");
                char *s = NULL;
                if (inner && asprintf(&s, "[%s]", inner) < 0)
                        s = NULL;
                free(inner);
                return s;
        }
        if (k && k->type == CONNECTD_CFG_PASSWORD)
                return strdup("[hidden]");
        return strdup(v->str ? v->str : "");
}

static void add_invalid(ventry_t *e, const char *name, const char *value,
                        const char *reason)
{
        char msg[MAX_MSG];
        snprintf(msg, sizeof(msg), "Invalid value %s for configuration %s: %s",
                 value, name, reason);
        entry_err(e, msg);
}

static const char *type_name(connectd_cfg_type_t t)
{
        switch (t) {
        case CONNECTD_CFG_BOOLEAN: return "BOOLEAN";
        case CONNECTD_CFG_INT: return "INT";
        case CONNECTD_CFG_SHORT: return "SHORT";
        case CONNECTD_CFG_LONG: return "LONG";
        case CONNECTD_CFG_DOUBLE: return "DOUBLE";
        case CONNECTD_CFG_LIST: return "LIST";
        case CONNECTD_CFG_CLASS: return "CLASS";
        case CONNECTD_CFG_PASSWORD: return "PASSWORD";
        case CONNECTD_CFG_STRING:
        default: return "STRING";
        }
}

/* The full name of a connector or converter class `name` (trimmed) names:
 * a class Java would load for a type key and then find to be no
 * transformation or predicate. NULL when it is none of those. */
static const char *other_plugin_class(const char *name)
{
        static const char simple_hc[] =
                "org.apache.kafka.connect.storage.SimpleHeaderConverter";
        const connectd_connector_desc_t *d = plugins_find(name);
        size_t i;

        if (d)
                return d->class_name;
        for (i = 0; converter_classes[i]; i++)
                if (!strcmp(name, converter_classes[i]))
                        return converter_classes[i];
        return strcmp(name, simple_hc) ? NULL : simple_hc;
}

/* Parse `raw` (non-NULL) as k's type. 0 and *out filled, or -1 with the
 * error added to e. */
static int parse_value(const kdef_t *k, const char *raw, ventry_t *e,
                       pval_t *out)
{
        char *t = java_trim_dup(raw);
        char buf[64];
        int rc = -1;

        memset(out, 0, sizeof(*out));
        if (!t)
                return -1;
        switch (k->type) {
        case CONNECTD_CFG_BOOLEAN: {
                int b = java_parse_boolean(t);

                if (b >= 0) {
                        out->str = strdup(b ? "true" : "false");
                        out->num = b;
                        rc = 0;
                } else {
                        add_invalid(e, k->name, raw,
                                    "Expected value to be either true or false");
                }
                break;
        }
        case CONNECTD_CFG_INT:
        case CONNECTD_CFG_SHORT:
        case CONNECTD_CFG_LONG: {
                long long lo = k->type == CONNECTD_CFG_INT ? INT32_MIN
                             : k->type == CONNECTD_CFG_SHORT ? INT16_MIN
                             : LLONG_MIN;
                long long hi = k->type == CONNECTD_CFG_INT ? INT32_MAX
                             : k->type == CONNECTD_CFG_SHORT ? INT16_MAX
                             : LLONG_MAX;
                if (java_parse_long(t, lo, hi, &out->num) == 0) {
                        snprintf(buf, sizeof(buf), "%lld", out->num);
                        out->str = strdup(buf);
                        rc = 0;
                } else {
                        snprintf(buf, sizeof(buf), "Not a number of type %s",
                                 type_name(k->type));
                        add_invalid(e, k->name, raw, buf);
                }
                break;
        }
        case CONNECTD_CFG_DOUBLE: {
                double d;

                if (java_parse_double(t, &d) == 0) {
                        java_double_str(d, buf, sizeof(buf));
                        out->str = strdup(buf);
                        rc = 0;
                } else {
                        add_invalid(e, k->name, raw,
                                    "Not a number of type DOUBLE");
                }
                break;
        }
        case CONNECTD_CFG_LIST:
                out->list = parse_list(t);
                out->str = out->list ? list_join(out->list, ",") : NULL;
                rc = out->str ? 0 : -1;
                break;
        case CONNECTD_CFG_CLASS: {
                /* Resolvable classes: only the converters we have for the
                 * converter keys; never for SMT/predicate types; anything
                 * non-empty for a plugin's own CLASS keys (we cannot load
                 * Java classes, the plugin validates them itself). */
                int found = *t != '\0';
                if (k->vk == VK_CONVERTER)
                        found = converter_known(t);
                else if (k->vk == VK_HEADER_CONVERTER)
                        found = converter_header_known(t);
                if (k->vk == VK_XFORM_TYPE) {
                        /* Java loads any class: an abstract one or one of
                         * the other kind parses, and the validator says
                         * what is wrong with it. The value is its name. */
                        const xform_class_t *c = xform_lookup(t);
                        const char *other = c ? NULL : other_plugin_class(t);

                        found = c || other || xform_is_abstract(t, NULL, NULL);
                        if (c || other) {
                                out->str = strdup(c ? c->name : other);
                                rc = out->str ? 0 : -1;
                        }
                }
                if (found && out->str) {
                        /* set above */
                } else if (found) {
                        out->str = strdup(t);
                        rc = 0;
                } else {
                        char reason[MAX_MSG];
                        snprintf(reason, sizeof(reason),
                                 "Class %s could not be found.", raw);
                        add_invalid(e, k->name, raw, reason);
                }
                break;
        }
        case CONNECTD_CFG_PASSWORD:
        case CONNECTD_CFG_STRING:
        default:
                out->str = strdup(t);
                rc = out->str ? 0 : -1;
                break;
        }
        if (rc == 0)
                out->set = 1;
        free(t);
        return rc;
}

/* Code points of ISO control characters in UTF-8 `s`, ", "-joined, into
 * buf; returns how many. Invalid UTF-8 bytes count as their byte value. */
static int control_chars(const char *s, char *buf, size_t n)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t off = 0;
        int count = 0;

        buf[0] = '\0';
        while (*p) {
                unsigned cp = *p;
                int len = 1;
                if (cp >= 0xC0 && cp < 0xE0 && (p[1] & 0xC0) == 0x80) {
                        cp = ((cp & 0x1F) << 6) | (p[1] & 0x3F);
                        len = 2;
                } else if (cp >= 0xE0) {
                        /* 3/4-byte sequences are never control chars */
                        len = cp >= 0xF0 ? 4 : 3;
                        for (int i = 1; i < len; i++)
                                if (!p[i]) {
                                        len = i;
                                        break;
                                }
                        p += len;
                        continue;
                }
                if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) {
                        if (off < n)
                                off += (size_t)snprintf(buf + off, n - off,
                                                        "%s%u", count ? ", " : "",
                                                        cp);
                        count++;
                }
                p += len;
        }
        return count;
}

/* glibc's regcomp copies the operand of every repetition (x{n,m} up to
 * max(n,m) + 1 times, x+ and x* twice), so nested repetitions grow
 * exponentially: "c++++...+" (34 pluses, from a REST request) made it
 * allocate gigabytes. This walks the ERE once and bounds that growth;
 * patterns over REGEX_MAX_COST are refused before regcomp sees them.
 * Real topic patterns cost a few hundred at most. */
#define REGEX_MAX_COST  50000.0
#define REGEX_MAX_DEPTH 64

static double regex_cost(const char *p)
{
        double seq[REGEX_MAX_DEPTH], last[REGEX_MAX_DEPTH];
        int d = 0, run = 0; /* run: repetition operators in a row */

        seq[0] = last[0] = 0;
        while (*p) {
                double factor = 0;

                if (*p != '*' && *p != '+' && *p != '?' && *p != '{')
                        run = 0;
                switch (*p) {
                case '(':
                        if (++d >= REGEX_MAX_DEPTH)
                                return 1e300;
                        seq[d] = last[d] = 0;
                        p++;
                        continue;
                case ')':
                        if (d > 0) {
                                double g = seq[d] > 1 ? seq[d] : 1;

                                d--;
                                seq[d] += g;
                                last[d] = g;
                        }
                        p++;
                        continue;
                case '|':
                        last[d] = 0;
                        p++;
                        continue;
                case '*':
                case '+':
                case '?':
                        factor = 2;
                        p++;
                        break;
                case '{': {
                        char *end;
                        unsigned long n = strtoul(p + 1, &end, 10), m = n;

                        if (*end == ',')
                                m = end[1] == '}' ? n
                                                  : strtoul(end + 1, &end, 10);
                        while (*end && *end != '}')
                                end++;
                        factor = (double)(m > n ? m : n) + 1;
                        p = *end ? end + 1 : end;
                        break;
                }
                case '[':
                        /* a bracket expression is one atom: skip it, with
                         * "[]...]", "[^]...]" and "[:class:]" inside */
                        p++;
                        if (*p == '^')
                                p++;
                        if (*p == ']')
                                p++;
                        while (*p && *p != ']') {
                                if (*p == '[' && (p[1] == ':' || p[1] == '.' ||
                                                  p[1] == '=')) {
                                        const char *c = strchr(p + 2, p[1]);

                                        p = c && c[1] == ']' ? c + 2 : p + 1;
                                        continue;
                                }
                                p++;
                        }
                        if (*p)
                                p++;
                        seq[d] += 1;
                        last[d] = 1;
                        continue;
                case '\\':
                        if (p[1])
                                p++;
                        /* fall through */
                default:
                        p++;
                        seq[d] += 1;
                        last[d] = 1;
                        continue;
                }
                /* a repetition of the last atom or group. Java allows two
                 * in a row at most (x+?, x*+, x{2}+); glibc takes any number,
                 * and its compile time grows exponentially with them
                 * ("c++*+++++++++++" ran for minutes). */
                if (++run > 2)
                        return 1e300;
                seq[d] += last[d] * (factor - 1);
                last[d] *= factor;
                if (seq[d] > 1e300)
                        return 1e300;
        }
        while (d > 0) { /* unclosed groups: regcomp will refuse them */
                d--;
                seq[d] += seq[d + 1];
        }
        return seq[0];
}

static int regex_too_costly(const char *p)
{
        return regex_cost(p) > REGEX_MAX_COST;
}

static void in_list_error(ventry_t *e, const kdef_t *k, const char *v,
                          const char *const *opts, int ci)
{
        char reason[512];
        size_t off = (size_t)snprintf(reason, sizeof(reason), "%s",
                                      ci ? "String must be one of (case "
                                           "insensitive): "
                                         : "String must be one of: ");
        for (int i = 0; opts[i] && off < sizeof(reason); i++)
                off += (size_t)snprintf(reason + off, sizeof(reason) - off,
                                        "%s%s", i ? ", " : "", opts[i]);
        add_invalid(e, k->name, v, reason);
}

static void check_in(ventry_t *e, const kdef_t *k, const pval_t *v,
                     const char *const *opts, int ci)
{
        if (v->set)
                for (int i = 0; opts[i]; i++)
                        if (ci ? !strcasecmp(v->str, opts[i])
                               : !strcmp(v->str, opts[i]))
                                return;
        in_list_error(e, k, v->set ? v->str : "null", opts, ci);
}

/* The validator of a framework key (ConfigDef validators). */
static void run_validator(const kdef_t *k, const pval_t *v, ventry_t *e)
{
        static const char *const reload[] = { "none", "restart", NULL };
        static const char *const tolerance[] = { "none", "all", NULL };
        static const char *const eos[] = { "REQUESTED", "REQUIRED", NULL };
        static const char *const txb[] = { "POLL", "INTERVAL", "CONNECTOR",
                                           NULL };
        char buf[MAX_MSG];
        char *js = NULL;

        switch (k->vk) {
        case VK_NAME:
                if (!v->set)
                        break;
                if (!*v->str)
                        add_invalid(e, k->name, "", "String may not be empty");
                else if (control_chars(v->str, buf, sizeof(buf)) > 0) {
                        char reason[MAX_MSG + 128];
                        snprintf(reason, sizeof(reason),
                                 "String may not contain control sequences "
                                 "but had the following ASCII chars: %s",
                                 buf);
                        add_invalid(e, k->name, v->str, reason);
                }
                break;
        case VK_AT_LEAST_1:
                if (!v->set)
                        add_invalid(e, k->name, "null", "Value must be non-null");
                else if (v->num < 1)
                        add_invalid(e, k->name, v->str,
                                    "Value must be at least 1");
                break;
        case VK_AT_LEAST_0_NULL_OK:
                if (v->set && v->num < 0)
                        add_invalid(e, k->name, v->str,
                                    "Value must be at least 0");
                break;
        case VK_RELOAD:
                check_in(e, k, v, reload, 0);
                break;
        case VK_TOLERANCE:
                check_in(e, k, v, tolerance, 0);
                break;
        case VK_EOS:
                check_in(e, k, v, eos, 1);
                break;
        case VK_TXB:
                check_in(e, k, v, txb, 1);
                break;
        case VK_NONEMPTY:
                if (v->set && !*v->str)
                        add_invalid(e, k->name, "", "String may not be empty");
                break;
        case VK_UNIQUE:
                if (!v->set || !v->list) {
                        add_invalid(e, k->name, "null",
                                    "entry must be non null");
                        break;
                }
                for (size_t i = 0; i < json_array_size(v->list); i++)
                        for (size_t j = i + 1; j < json_array_size(v->list); j++)
                                if (!strcmp(json_string_value(json_array_get(v->list, i)),
                                            json_string_value(json_array_get(v->list, j)))) {
                                        js = java_str(k, v);
                                        add_invalid(e, k->name, js ? js : "",
                                                    "Duplicate alias provided.");
                                        free(js);
                                        return;
                                }
                break;
        case VK_REGEX:
                if (v->set && regex_too_costly(v->str)) {
                        add_invalid(e, k->name, v->str,
                                    "Invalid regex: too many nested "
                                    "repetitions");
                } else if (v->set) {
                        regex_t re;
                        int rc = regcomp(&re, v->str, REG_EXTENDED | REG_NOSUB);
                        if (rc) {
                                char why[256], reason[512];
                                regerror(rc, &re, why, sizeof(why));
                                snprintf(reason, sizeof(reason),
                                         "Invalid regex: %s", why);
                                add_invalid(e, k->name, v->str, reason);
                        } else {
                                regfree(&re);
                        }
                }
                break;
        default:
                break;
        }
}

/* Is `s` blank (null or only whitespace)? */
static int blank(const char *s)
{
        if (!s)
                return 1;
        for (; *s; s++)
                if ((unsigned char)*s > ' ')
                        return 0;
        return 1;
}

static const char *cfg_str(const json_t *config, const char *key)
{
        return json_string_value(json_object_get(config, key));
}

/* Pattern.compile(re).matcher(s).matches(); 0 when it does not match or
 * does not compile. */
static int java_full_match(const char *re, const char *s)
{
        char err[256];
        jregex_t *jr = jregex_compile(re, err, sizeof(err));
        int rc;

        if (!jr)
                return 0;
        rc = jregex_matches(jr, s, strlen(s));
        jregex_free(jr);
        return rc;
}

/* SinkConnectorConfig.validate(props, validatedConfig). */
static void sink_rules(run_t *r, const json_t *config)
{
        const char *topics = cfg_str(config, "topics");
        const char *regex = cfg_str(config, "topics.regex");
        const char *dlq_raw = cfg_str(config, "errors.deadletterqueue.topic.name");
        int has_t = !blank(topics), has_r = !blank(regex);
        char msg[MAX_MSG];

        if (has_t && has_r) {
                const char *m = "topics and topics.regex are mutually "
                                "exclusive options, but both are set.";
                entry_err(run_entry(r, "topics", 1), m);
                entry_err(run_entry(r, "topics.regex", 1), m);
        }
        if (!has_t && !has_r) {
                const char *m = "Must configure one of topics or topics.regex";
                entry_err(run_entry(r, "topics", 1), m);
                entry_err(run_entry(r, "topics.regex", 1), m);
        }
        if (blank(dlq_raw))
                return;
        char *dlq = java_trim_dup(dlq_raw);
        if (!dlq)
                return;
        if (has_t) {
                char *t = java_trim_dup(topics);
                json_t *list = t ? parse_list(t) : NULL, *uniq = json_array();
                size_t i;
                json_t *it;
                int hit = 0;
                json_array_foreach(list, i, it) {
                        const char *s = json_string_value(it);
                        size_t j;
                        json_t *u;
                        int dup = 0;
                        if (!*s)
                                continue;
                        json_array_foreach(uniq, j, u)
                                if (!strcmp(json_string_value(u), s))
                                        dup = 1;
                        if (!dup)
                                json_array_append(uniq, it);
                        if (!strcmp(s, dlq))
                                hit = 1;
                }
                if (hit) {
                        char *joined = list_join(uniq, ", ");
                        snprintf(msg, sizeof(msg),
                                 "The DLQ topic '%s' may not be included in the "
                                 "list of topics ('topics=[%s]') consumed by "
                                 "the connector",
                                 dlq, joined ? joined : "");
                        free(joined);
                        entry_err(run_entry(r, "topics", 1), msg);
                }
                json_decref(list);
                json_decref(uniq);
                free(t);
        }
        if (has_r && java_full_match(regex, dlq)) {
                snprintf(msg, sizeof(msg),
                         "The DLQ topic '%s' may not be matched by the regex "
                         "for the topics ('topics.regex=%s') consumed by the "
                         "connector",
                         dlq, regex);
                entry_err(run_entry(r, "topics.regex", 1), msg);
        }
        free(dlq);
}

/* The implicit keys every transformation gets (TransformationStage);
 * they hide a class's keys of the same name. */
static const connectd_config_def_t implicit_defs[] = {
        { .name = "predicate", .type = CONNECTD_CFG_STRING,
          .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "The alias of a predicate used to determine "
                           "whether to apply this transformation.",
          .order = -1, .optional = 1 },
        { .name = "negate", .type = CONNECTD_CFG_BOOLEAN,
          .default_value = "false", .importance = CONNECTD_IMPORTANCE_MEDIUM,
          .documentation = "Whether the configured predicate should be "
                           "negated.",
          .order = -1 },
        { .name = NULL }
};

/* ConfigDef.sortedConfigs of a plugin's table: by group (no group first,
 * then groups in order of definition), order in group, keys without a
 * default first, importance, name. */
typedef struct {
        const connectd_config_def_t *d;
        int gord;
} sdef_t;

static int sdef_cmp(const void *a, const void *b)
{
        const sdef_t *x = a, *y = b;
        int xr = !x->d->default_value && !x->d->optional;
        int yr = !y->d->default_value && !y->d->optional;
        int xo = x->d->group ? x->d->order : -1;
        int yo = y->d->group ? y->d->order : -1;

        if (x->gord != y->gord)
                return x->gord < y->gord ? -1 : 1;
        if (xo != yo)
                return xo < yo ? -1 : 1;
        if (xr != yr)
                return xr ? -1 : 1;
        if (x->d->importance != y->d->importance)
                return x->d->importance < y->d->importance ? -1 : 1;
        return strcmp(x->d->name, y->d->name);
}

/* ConfigDef.embed(prefix, group, 1, <implicit keys + cls's table>). */
static void embed_class(run_t *r, const xform_class_t *cls,
                        const char *prefix, const char *group)
{
        sdef_t *l;
        const char **groups;
        size_t n = 0, ng = 0, i, cap = 2;
        const connectd_config_def_t *d;

        for (d = cls->defs; d && d->name; d++)
                cap++;
        l = calloc(cap, sizeof(*l));
        groups = calloc(cap, sizeof(*groups));
        if (!l || !groups)
                goto out;
        if (cls->kind == XFORM_TRANSFORMATION)
                for (d = implicit_defs; d->name; d++)
                        l[n++].d = d;
        for (d = cls->defs; d && d->name; d++) {
                if (cls->kind == XFORM_TRANSFORMATION &&
                    (!strcmp(d->name, "predicate") ||
                     !strcmp(d->name, "negate")))
                        continue; /* masked by the implicit key */
                l[n++].d = d;
        }
        for (i = 0; i < n; i++) {
                size_t g;

                if (!l[i].d->group)
                        continue;
                for (g = 0; g < ng; g++)
                        if (!strcmp(groups[g], l[i].d->group))
                                break;
                if (g == ng)
                        groups[ng++] = l[i].d->group;
                l[i].gord = (int)g + 1;
        }
        qsort(l, n, sizeof(*l), sdef_cmp);
        for (i = 0; i < n; i++) {
                kdef_t k;
                char *name = NULL, *grp = NULL;

                d = l[i].d;
                if (asprintf(&name, "%s%s", prefix, d->name) < 0)
                        name = NULL;
                if (d->group) {
                        if (asprintf(&grp, "%s: %s", group, d->group) < 0)
                                grp = NULL;
                } else {
                        grp = strdup(group);
                }
                if (run_own(r, name) || run_own(r, grp))
                        continue;
                memset(&k, 0, sizeof(k));
                k.name = name;
                k.type = d->type;
                k.def = d->default_value;
                k.required = d->default_value == NULL && !d->optional;
                k.imp = d->importance;
                k.doc = d->documentation;
                k.group = grp;
                k.order = (int)i + 1;
                k.width = d->width;
                k.display = d->display_name ? d->display_name : d->name;
                k.vk = VK_NONE;
                k.fn = d->validator;
                k.vname = d->name;
                run_add_key(r, &k);
        }
out:
        free(l);
        free(groups);
}

/* ConnectorConfig.enrich for `list_key` ("transforms" or "predicates"):
 * for each distinct alias in order, `<list_key>.<alias>.type`, then the
 * keys of its class embedded when the class resolves to the right kind. */
static void add_alias_keys(run_t *r, const json_t *config, const char *list_key,
                           const char *group_prefix, const char *kind,
                           const char *display_kind, xform_kind_t xkind)
{
        const char *raw = cfg_str(config, list_key);
        if (!raw)
                return;
        char *t = java_trim_dup(raw);
        json_t *list = t ? parse_list(t) : NULL;
        size_t i;
        json_t *it;

        json_array_foreach(list, i, it) {
                const char *alias = json_string_value(it);
                const xform_class_t *cls;
                kdef_t k;
                char *name = NULL, *group = NULL, *doc = NULL, *disp = NULL;
                char *prefix = NULL;
                if (asprintf(&name, "%s.%s.type", list_key, alias) < 0)
                        name = NULL;
                if (!name || run_find_key(r, name) >= 0) {
                        free(name);
                        continue;
                }
                if (asprintf(&group, "%s: %s", group_prefix, alias) < 0)
                        group = NULL;
                if (asprintf(&doc, "Class for the '%s' %s.", alias, kind) < 0)
                        doc = NULL;
                if (asprintf(&disp, "%s type for %s", display_kind, alias) < 0)
                        disp = NULL;
                if (asprintf(&prefix, "%s.%s.", list_key, alias) < 0)
                        prefix = NULL;
                if (run_own(r, name) || run_own(r, group) || run_own(r, doc) ||
                    run_own(r, disp) || run_own(r, prefix))
                        continue;
                memset(&k, 0, sizeof(k));
                k.name = name;
                k.type = CONNECTD_CFG_CLASS;
                k.required = 1;
                k.imp = CONNECTD_IMPORTANCE_HIGH;
                k.doc = doc;
                k.group = group;
                k.order = 0;
                k.width = CONNECTD_WIDTH_LONG;
                k.display = disp;
                k.vk = VK_XFORM_TYPE;
                k.xkind = xkind;
                k.prefix = prefix;
                run_add_key(r, &k);
                cls = xform_lookup(cfg_str(config, name));
                if (cls && cls->kind == xkind)
                        embed_class(r, cls, prefix, group);
        }
        json_decref(list);
        free(t);
}

/* The validator of a type key (ConnectorConfig's typeValidator): the
 * negate/predicate check of transforms, then the class must be a
 * concrete class of the right kind. Runs on a null value too. */
static void xform_type_check(const kdef_t *k, const pval_t *v, ventry_t *e,
                             const json_t *config)
{
        char msg[MAX_MSG];
        const char *kv = NULL, *vv = NULL;
        const xform_class_t *c;
        const char *iface = k->xkind == XFORM_TRANSFORMATION ? "Transformation"
                                                             : "Predicate";

        if (k->xkind == XFORM_TRANSFORMATION && k->prefix) {
                char neg[MAX_MSG], pred[MAX_MSG];

                snprintf(neg, sizeof(neg), "%snegate", k->prefix);
                snprintf(pred, sizeof(pred), "%spredicate", k->prefix);
                if (json_object_get(config, neg) &&
                    !json_object_get(config, pred)) {
                        snprintf(msg, sizeof(msg),
                                 "Config '%s' was provided but there is no "
                                 "config '%s' defining a predicate to be "
                                 "negated.",
                                 neg, pred);
                        entry_err(e, msg);
                        return;
                }
        }
        if (!v->set || !v->str)
                return;
        c = xform_lookup(v->str);
        if (!c && other_plugin_class(v->str)) {
                snprintf(msg, sizeof(msg),
                         "Class class %s does not implement the %s interface",
                         v->str, iface);
                entry_err(e, msg);
        } else if (!c && xform_is_abstract(v->str, &kv, &vv)) {
                snprintf(msg, sizeof(msg),
                         "This class is abstract and cannot be created. Did "
                         "you mean %s, %s?",
                         kv, vv);
                entry_err(e, msg);
        } else if (c && c->kind != k->xkind) {
                snprintf(msg, sizeof(msg),
                         "Class class %s does not implement the %s interface",
                         c->name, iface);
                entry_err(e, msg);
        }
}

static void kdef_from_plugin(kdef_t *k, const connectd_config_def_t *d)
{
        memset(k, 0, sizeof(*k));
        k->name = d->name;
        k->type = d->type;
        k->def = d->default_value;
        k->required = d->default_value == NULL && !d->optional;
        k->imp = d->importance;
        k->doc = d->documentation;
        k->group = d->group;
        k->order = d->group ? d->order : -1;
        k->width = d->width;
        k->display = d->display_name;
        k->vk = VK_NONE;
        k->fn = d->validator;
}

/* The framework table of a kind plus the plugin's own keys. */
static void add_framework_keys(run_t *r, connectd_connector_type_t type)
{
        for (const kdef_t *k = common_keys; k->name; k++)
                run_add_key(r, k);
        for (const kdef_t *k = type == CONNECTD_SINK ? sink_keys : source_keys;
             k->name; k++)
                run_add_key(r, k);
}

static void add_plugin_keys(run_t *r, const connectd_connector_desc_t *desc)
{
        if (!desc || !desc->config_defs)
                return;
        for (const connectd_config_def_t *d = desc->config_defs; d->name; d++) {
                kdef_t k;
                kdef_from_plugin(&k, d);
                run_add_key(r, &k);
        }
}

/* ------------------------------------------------------------------ */
/* JSON entities */

static const char *importance_name(connectd_importance_t i)
{
        return i == CONNECTD_IMPORTANCE_HIGH ? "HIGH"
             : i == CONNECTD_IMPORTANCE_MEDIUM ? "MEDIUM" : "LOW";
}

static const char *width_name(connectd_width_t w)
{
        return w == CONNECTD_WIDTH_SHORT ? "SHORT"
             : w == CONNECTD_WIDTH_MEDIUM ? "MEDIUM"
             : w == CONNECTD_WIDTH_LONG ? "LONG" : "NONE";
}

static json_t *str_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

/* ConfigKeyInfo (ENT/ConfigKeyInfo.java). */
static json_t *key_info(const kdef_t *k)
{
        json_t *o = json_object();
        if (!o)
                return NULL;
        json_object_set_new(o, "name", json_string(k->name));
        json_object_set_new(o, "type", json_string(type_name(k->type)));
        json_object_set_new(o, "required", json_boolean(k->required));
        json_object_set_new(o, "default_value",
                            k->required ? json_null() : str_or_null(k->def));
        json_object_set_new(o, "importance", json_string(importance_name(k->imp)));
        json_object_set_new(o, "documentation", str_or_null(k->doc));
        json_object_set_new(o, "group", str_or_null(k->group));
        json_object_set_new(o, "width", json_string(width_name(k->width)));
        json_object_set_new(o, "display_name",
                            json_string(k->display ? k->display : k->name));
        json_object_set_new(o, "dependents", json_array());
        json_object_set_new(o, "order", json_integer(k->group ? k->order : -1));
        return o;
}

/* recommended_values: a type key's ClassRecommender gives every class of
 * its kind, sorted by name; other keys have none. */
static json_t *recommended(const kdef_t *k)
{
        json_t *a = json_array();
        const xform_class_t *const *l;
        size_t n = 0, i;

        if (!a || !k || k->vk != VK_XFORM_TYPE)
                return a;
        l = xform_list(k->xkind, &n);
        for (i = 0; l && i < n; i++)
                json_array_append_new(a, json_string(l[i]->name));
        return a;
}

/* ConfigValueInfo (ENT/ConfigValueInfo.java). */
static json_t *value_info(const run_t *r, const ventry_t *e)
{
        json_t *o = json_object();
        const kdef_t *k = e->key >= 0 ? &r->keys[e->key] : NULL;
        if (!o)
                return NULL;
        json_object_set_new(o, "name", json_string(e->name));
        if (e->value && k && k->type == CONNECTD_CFG_PASSWORD)
                json_object_set_new(o, "value", json_string("[hidden]"));
        else
                json_object_set_new(o, "value", str_or_null(e->value));
        json_object_set_new(o, "recommended_values", recommended(k));
        json_object_set_new(o, "errors", json_incref(e->errors));
        json_object_set_new(o, "visible", json_true());
        return o;
}

/* ------------------------------------------------------------------ */

/* One key: parse, default, validators. */
static void validate_key(run_t *r, size_t ki, const json_t *config)
{
        const kdef_t *k = &r->keys[ki];
        ventry_t *e = run_entry(r, k->name, 1);
        json_t *jv = json_object_get(config, k->name);
        pval_t v;
        int present = jv != NULL;

        if (!e)
                return;
        e->key = (int)ki;
        memset(&v, 0, sizeof(v));
        if (present && json_is_string(jv)) {
                /* A value that does not parse has its error; the validator
                 * would only add a second one about null (a type key's
                 * validator still checks negate/predicate, as Java's). */
                if (parse_value(k, json_string_value(jv), e, &v) < 0) {
                        if (k->vk == VK_XFORM_TYPE)
                                xform_type_check(k, &v, e, config);
                        goto store;
                }
        } else if (present) {
                /* JSON null: parseType(null) is null, no parse error */
        } else if (k->required) {
                char msg[MAX_MSG];
                snprintf(msg, sizeof(msg),
                         "Missing required configuration \"%s\" which has no "
                         "default value.",
                         k->name);
                entry_err(e, msg);
        } else if (k->def) {
                (void)parse_value(k, k->def, e, &v);
        }

        if (k->fn) {
                /* An embedded key's validator names the key unprefixed
                 * (ConfigDef.embeddedValidator). */
                const char *vname = k->vname ? k->vname : k->name;
                char reason[MAX_MSG] = "";
                const char *arg = present && v.set ? v.str : NULL;
                int vrc = k->fn(vname, arg, reason, sizeof(reason));

                if (vrc == CONNECTD_VALIDATOR_MESSAGE) {
                        entry_err(e, reason[0] ? reason : "Invalid value");
                } else if (vrc != 0) {
                        char *js = java_str(k, &v);
                        add_invalid(e, vname, js ? js : "null",
                                    reason[0] ? reason : "Invalid value");
                        free(js);
                }
        } else if (k->vk == VK_XFORM_TYPE) {
                xform_type_check(k, &v, e, config);
        } else {
                run_validator(k, &v, e);
        }
store:
        free(e->value);
        e->value = v.set && v.str ? strdup(v.str) : NULL;
        pval_free(&v);
}

json_t *validate_config(const connectd_connector_desc_t *desc,
                        const char *class_as_given, const json_t *config,
                        int *error_count)
{
        run_t r;
        json_t *out = NULL, *groups = NULL, *configs = NULL, *cfgcopy = NULL;
        int errors = 0;
        const char *key;
        json_t *val;

        memset(&r, 0, sizeof(r));
        if (error_count)
                *error_count = 0;
        if (!config || !json_is_object(config))
                return NULL;

        add_framework_keys(&r, desc ? desc->type : CONNECTD_SOURCE);
        add_alias_keys(&r, config, "transforms", "Transforms",
                       "transformation", "Transformation",
                       XFORM_TRANSFORMATION);
        add_alias_keys(&r, config, "predicates", "Predicates", "predicate",
                       "Predicate", XFORM_PREDICATE);
        add_plugin_keys(&r, desc);

        for (size_t i = 0; i < r.nkeys; i++)
                validate_key(&r, i, config);

        json_object_foreach((json_t *)config, key, val)
                if (json_is_null(val))
                        entry_err(run_entry(&r, key, 1),
                                  "Null value can not be supplied as the "
                                  "configuration value.");

        if (desc && desc->type == CONNECTD_SINK)
                sink_rules(&r, config);

        /* The connector's own validate(): sees only the string entries. */
        if (desc && desc->validate) {
                cfgcopy = json_object();
                json_object_foreach((json_t *)config, key, val)
                        if (json_is_string(val))
                                json_object_set(cfgcopy, key, val);
                desc->validate((const connectd_config_t *)cfgcopy, &r);
        }

        out = json_object();
        groups = json_array();
        configs = json_array();
        if (!out || !groups || !configs)
                goto out;
        for (size_t i = 0; i < r.nkeys; i++) {
                const char *g = r.keys[i].group;
                size_t j;
                json_t *it;
                int seen = 0;
                if (!g)
                        continue;
                json_array_foreach(groups, j, it)
                        if (!strcmp(json_string_value(it), g))
                                seen = 1;
                if (!seen)
                        json_array_append_new(groups, json_string(g));
        }
        for (size_t i = 0; i < r.nents; i++) {
                ventry_t *e = &r.ents[i];
                json_t *ci = json_object();
                e->key = run_find_key(&r, e->name);
                errors += (int)json_array_size(e->errors);
                json_object_set_new(ci, "definition",
                                    e->key >= 0 ? key_info(&r.keys[e->key])
                                                : json_null());
                json_object_set_new(ci, "value", value_info(&r, e));
                json_array_append_new(configs, ci);
        }
        json_object_set_new(out, "name", str_or_null(class_as_given));
        json_object_set_new(out, "error_count", json_integer(errors));
        json_object_set_new(out, "groups", groups);
        json_object_set_new(out, "configs", configs);
        groups = configs = NULL;
        if (error_count)
                *error_count = errors;
out:
        json_decref(groups);
        json_decref(configs);
        json_decref(cfgcopy);
        run_free(&r);
        return out;
}

char *validate_error_message(const json_t *config_infos, const char *class_name)
{
        json_t *configs = json_object_get(config_infos, "configs");
        size_t i, j, len = 0, n = 0;
        json_t *ci, *err;
        char *s = NULL;
        static const char tail[] =
                "\nYou can also find the above list of errors at the endpoint "
                "`/connector-plugins/{connectorType}/config/validate`";

        (void)class_name; /* Kafka prints the literal template */
        json_array_foreach(configs, i, ci) {
                json_t *errs = json_object_get(json_object_get(ci, "value"),
                                               "errors");
                json_array_foreach(errs, j, err) {
                        len += strlen(json_string_value(err)) + 1;
                        n++;
                }
        }
        len += 128 + sizeof(tail);
        s = malloc(len);
        if (!s)
                return NULL;
        size_t off = (size_t)snprintf(s, len,
                                      "Connector configuration is invalid and "
                                      "contains the following %zu error(s):",
                                      n);
        json_array_foreach(configs, i, ci) {
                json_t *errs = json_object_get(json_object_get(ci, "value"),
                                               "errors");
                json_array_foreach(errs, j, err)
                        off += (size_t)snprintf(s + off, len - off, "\n%s",
                                                json_string_value(err));
        }
        snprintf(s + off, len - off, "%s", tail);
        return s;
}

json_t *validate_plugin_config_defs(const connectd_connector_desc_t *desc)
{
        run_t r;
        json_t *arr = json_array();

        if (!arr || !desc)
                return arr;
        memset(&r, 0, sizeof(r));
        add_plugin_keys(&r, desc);
        add_framework_keys(&r, desc->type);
        for (size_t i = 0; i < r.nkeys; i++)
                json_array_append_new(arr, key_info(&r.keys[i]));
        run_free(&r);
        return arr;
}

json_t *validate_xform_config_defs(const xform_class_t *cls)
{
        run_t r;
        json_t *arr = json_array();

        if (!arr || !cls)
                return arr;
        memset(&r, 0, sizeof(r));
        for (const connectd_config_def_t *d = cls->defs; d && d->name; d++) {
                kdef_t k;
                kdef_from_plugin(&k, d);
                run_add_key(&r, &k);
        }
        for (size_t i = 0; i < r.nkeys; i++)
                json_array_append_new(arr, key_info(&r.keys[i]));
        run_free(&r);
        return arr;
}
