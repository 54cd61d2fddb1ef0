/*
 * api/openapi.yaml stays true: the set of (path, method) it documents must
 * equal the REST route table of server/rest/rest.c (rest_route_at).
 * The YAML is read with libyaml's document API.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rest.h"
#include "test_rest_stubs.h"

#define MAX_OPS 256

static char *ops[MAX_OPS];
static int nops;

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
        (void)doc;
        return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                                : NULL;
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map,
                            const char *key)
{
        if (!map || map->type != YAML_MAPPING_NODE)
                return NULL;
        for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
             p < map->data.mapping.pairs.top; p++) {
                const char *k = scalar(doc, yaml_document_get_node(doc, p->key));
                if (k && !strcmp(k, key))
                        return yaml_document_get_node(doc, p->value);
        }
        return NULL;
}

static void load_ops(void)
{
        const char *src = getenv("CONNECTD_SOURCE_DIR");
        char path[4096];
        yaml_parser_t parser;
        yaml_document_t doc;

        cr_assert_not_null(src, "CONNECTD_SOURCE_DIR is not set");
        snprintf(path, sizeof(path), "%s/api/openapi.yaml", src);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "cannot open %s", path);
        cr_assert(yaml_parser_initialize(&parser));
        yaml_parser_set_input_file(&parser, f);
        cr_assert(yaml_parser_load(&parser, &doc), "YAML error: %s (line %zu)",
                  parser.problem ? parser.problem : "?",
                  parser.problem_mark.line + 1);
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        cr_assert_not_null(root);
        cr_assert_str_eq(scalar(&doc, map_get(&doc, root, "openapi")), "3.0.3");
        yaml_node_t *paths = map_get(&doc, root, "paths");
        cr_assert(paths && paths->type == YAML_MAPPING_NODE, "no paths:");
        for (yaml_node_pair_t *p = paths->data.mapping.pairs.start;
             p < paths->data.mapping.pairs.top; p++) {
                const char *pth = scalar(&doc, yaml_document_get_node(&doc, p->key));
                yaml_node_t *item = yaml_document_get_node(&doc, p->value);
                cr_assert(pth && item && item->type == YAML_MAPPING_NODE);
                for (yaml_node_pair_t *q = item->data.mapping.pairs.start;
                     q < item->data.mapping.pairs.top; q++) {
                        const char *m = scalar(&doc, yaml_document_get_node(&doc, q->key));
                        static const char *const methods[] = {
                                "get", "put", "post", "patch", "delete", "head",
                                "options", NULL };
                        for (int i = 0; methods[i]; i++) {
                                if (strcmp(m, methods[i]))
                                        continue;
                                char up[16];
                                size_t k;
                                for (k = 0; m[k] && k < sizeof(up) - 1; k++)
                                        up[k] = (char)toupper((unsigned char)m[k]);
                                up[k] = '\0';
                                cr_assert_lt(nops, MAX_OPS);
                                cr_assert_neq(asprintf(&ops[nops++], "%s %s", up,
                                                       pth), -1);
                        }
                }
        }
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        fclose(f);
}

static void free_ops(void)
{
        for (int i = 0; i < nops; i++)
                free(ops[i]);
        nops = 0;
}

TestSuite(openapi, .init = load_ops, .fini = free_ops);

Test(openapi, every_route_is_documented)
{
        const char *m, *p;
        size_t i;
        for (i = 0; rest_route_at(i, &m, &p) == 0; i++) {
                char want[512];
                int found = 0;
                snprintf(want, sizeof(want), "%s %s", m, p);
                for (int k = 0; k < nops; k++)
                        if (!strcmp(ops[k], want))
                                found = 1;
                cr_expect(found, "route %s missing from api/openapi.yaml", want);
        }
        cr_assert_gt(i, 20);
}

Test(openapi, every_documented_operation_is_routed)
{
        for (int k = 0; k < nops; k++) {
                const char *m, *p;
                int found = 0;
                for (size_t i = 0; rest_route_at(i, &m, &p) == 0; i++) {
                        char have[512];
                        snprintf(have, sizeof(have), "%s %s", m, p);
                        if (!strcmp(ops[k], have))
                                found = 1;
                }
                cr_expect(found, "api/openapi.yaml documents %s, which the "
                                 "server does not route", ops[k]);
        }
}
