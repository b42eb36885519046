/* See http_filter.h. */
#include "http_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const standard_methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
                                               "TRACE", "PATCH"};

unsigned http_method_variant(const char *method) {
  for (unsigned i = 0; i < sizeof standard_methods / sizeof standard_methods[0]; i++)
    if (!strcasecmp(method, standard_methods[i])) return i;
  return 9;
}

static int leaf(struct http_filter *f, enum http_filter_kind kind, const char *text, const char *matches) {
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->text = strdup(text);
  f->matches = matches ? strdup(matches) : NULL;
  return f->text && (!matches || f->matches) ? 0 : -1;
}

/* One all_of/any_of entry: {"header"}, {"path"}, {"method"}, {"body": "json", "query", "matches"}
   or {"query"} (a jq program run on the headers). */
static int inner_filter(const struct json *entry, struct http_filter *f, const char *where, char *err,
                        size_t err_len) {
  const char *header = json_string_or_null(json_member(entry, "header"));
  const char *path = json_string_or_null(json_member(entry, "path"));
  const char *method = json_string_or_null(json_member(entry, "method"));
  const char *body = json_string_or_null(json_member(entry, "body"));
  const char *query = json_string_or_null(json_member(entry, "query"));
  const char *matches = json_string_or_null(json_member(entry, "matches"));
  if (header) return leaf(f, HTTP_FILTER_HEADER, header, NULL);
  if (path) return leaf(f, HTTP_FILTER_PATH, path, NULL);
  if (method) return leaf(f, HTTP_FILTER_METHOD, method, NULL);
  if (body && !strcmp(body, "json") && query && matches) return leaf(f, HTTP_FILTER_BODY, query, matches);
  if (!body && query) return leaf(f, HTTP_FILTER_HEADER_JQ, query, NULL);
  snprintf(err, err_len, "feature.network.incoming.http_filter.%s has an entry that is none of "
           "{\"header\"}, {\"path\"}, {\"method\"}, {\"body\": \"json\", \"query\", \"matches\"}, {\"query\"}",
           where);
  return -1;
}

static int composite(const struct json *list, int all, struct http_filter *f, char *err, size_t err_len) {
  const char *where = all ? "all_of" : "any_of";
  memset(f, 0, sizeof *f);
  f->kind = HTTP_FILTER_COMPOSITE;
  f->all = all;
  if (list->type != JSON_ARRAY) {
    snprintf(err, err_len, "feature.network.incoming.http_filter.%s is not a list", where);
    return -1;
  }
  f->children = calloc(list->count ? list->count : 1, sizeof *f->children);
  if (!f->children) return -1;
  for (size_t i = 0; i < list->count; i++) {
    if (inner_filter(list->items[i], &f->children[i], where, err, err_len) < 0) return -1;
    f->count++;
  }
  return 0;
}

static void clear(struct http_filter *f) {
  for (size_t i = 0; i < f->count; i++) clear(&f->children[i]);
  free(f->children);
  free(f->text);
  free(f->matches);
}

void http_filter_free(struct http_filter *f) {
  if (!f) return;
  clear(f);
  free(f);
}

int http_filter_from_json(const struct json *http, struct http_filter **out, struct port_list *ports,
                          char *err, size_t err_len) {
  *out = NULL;
  if (!http || http->type != JSON_OBJECT) return 0;
  port_list_from_json(ports, json_member(http, "ports"));
  struct http_filter parts[7];
  size_t n = 0;
  int rc = 0;
  static const char *const leaf_keys[] = {"header_filter", "path_filter", "method_filter", "header_filter_jq"};
  static const enum http_filter_kind leaf_kinds[] = {HTTP_FILTER_HEADER, HTTP_FILTER_PATH, HTTP_FILTER_METHOD,
                                                     HTTP_FILTER_HEADER_JQ};
  for (size_t i = 0; i < 4 && rc == 0; i++) {
    const char *value = json_string_or_null(json_member(http, leaf_keys[i]));
    if (value) rc = leaf(&parts[n++], leaf_kinds[i], value, NULL);
  }
  const struct json *body = json_member(http, "body_filter");
  if (rc == 0 && body && body->type == JSON_OBJECT) {
    const char *query = json_string_or_null(json_member(body, "query"));
    const char *matches = json_string_or_null(json_member(body, "matches"));
    if (!query || !matches) {
      snprintf(err, err_len, "feature.network.incoming.http_filter.body_filter needs \"query\" and \"matches\"");
      rc = -1;
    } else {
      rc = leaf(&parts[n++], HTTP_FILTER_BODY, query, matches);
    }
  }
  const char *composites[] = {"all_of", "any_of"};
  for (int all = 1; all >= 0 && rc == 0; all--) {
    const struct json *list = json_member(http, composites[1 - all]);
    if (list && list->type != JSON_NULL) rc = composite(list, all, &parts[n++], err, err_len);
  }
  if (rc < 0 || n == 0) {
    for (size_t i = 0; i < n; i++) clear(&parts[i]);
    return rc;
  }
  struct http_filter *f = calloc(1, sizeof *f);
  if (!f) {
    for (size_t i = 0; i < n; i++) clear(&parts[i]);
    return -1;
  }
  if (n == 1) {
    *f = parts[0];
  } else {
    f->kind = HTTP_FILTER_COMPOSITE;
    f->all = 1;
    f->children = calloc(n, sizeof *f->children);
    if (!f->children) {
      for (size_t i = 0; i < n; i++) clear(&parts[i]);
      free(f);
      return -1;
    }
    memcpy(f->children, parts, n * sizeof *parts);
    f->count = n;
  }
  *out = f;
  return 0;
}
