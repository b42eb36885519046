/*
 * The HTTP filter of feature.network.incoming.http_filter as the wire's HttpFilter
 * (protocol.md §3.16), built once from the resolved config. mirrord takes exactly one of
 * header_filter, path_filter, method_filter, body_filter, all_of, any_of (header_filter_jq too);
 * the CLI's verify rejects most pairs but lets method_filter / header_filter_jq through next to
 * another one, so several of them here become Composite{all: true} of them (every one must
 * match) instead of mirrord's abort.
 */
#ifndef LAYER_HTTP_FILTER_H
#define LAYER_HTTP_FILTER_H

#include <stddef.h>

#include "config.h"
#include "config_json.h"

/* Wire variant numbers of HttpFilter. */
enum http_filter_kind {
  HTTP_FILTER_HEADER = 0,
  HTTP_FILTER_PATH = 1,
  HTTP_FILTER_COMPOSITE = 2,
  HTTP_FILTER_METHOD = 3,
  HTTP_FILTER_BODY = 4,
  HTTP_FILTER_HEADER_JQ = 5,
};

struct http_filter {
  enum http_filter_kind kind;
  char *text;      /* header/path regex, method name, jq program, body JSONPath query */
  char *matches;   /* body: the regex the query results must match */
  int all;         /* composite: every sub-filter must match (else any) */
  struct http_filter *children;
  size_t count;
};

/**
 * Reads an http_filter config object into *out (NULL when no filter is set) and its `ports` into
 * ports. Returns 0, or -1 with a message in err for a malformed all_of/any_of entry.
 * Example: {"header_filter": "x-user: me"} -> Header("x-user: me").
 */
int http_filter_from_json(const struct json *http, struct http_filter **out, struct port_list *ports,
                          char *err, size_t err_len);

void http_filter_free(struct http_filter *f);

/** The HttpMethodFilter variant of a method name (case-insensitive); 9 (Other) if not standard. */
unsigned http_method_variant(const char *method);

#endif
