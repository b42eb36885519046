/*
 * A small JSON reader for the resolved config: parses a document into a tree that keeps object
 * key order (fs.mapping is an ordered map) and decodes string escapes to UTF-8.
 */
#ifndef LAYER_CONFIG_JSON_H
#define LAYER_CONFIG_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
  enum json_type type;
  int boolean;
  double number;
  char *string;          /* JSON_STRING (NUL-terminated; may contain NUL bytes, see length) */
  size_t length;
  struct json **items;   /* JSON_ARRAY elements, JSON_OBJECT values */
  char **keys;           /* JSON_OBJECT keys, same order as items */
  size_t count;
};

/**
 * Parses text[0..len). Returns NULL on a syntax error and writes "offset N: why" into err.
 * Example: json_parse("{\"a\":[1,\"x\"]}", 13, err, sizeof err)
 */
struct json *json_parse(const char *text, size_t len, char *err, size_t err_len);

void json_free(struct json *value);

/** Member of an object (last one wins for duplicate keys), or NULL. */
const struct json *json_member(const struct json *object, const char *key);

/** Follows a dotted path of object keys, e.g. "feature.fs.mode"; NULL if any step is missing. */
const struct json *json_path(const struct json *root, const char *dotted);

/** The value as a boolean: JSON true/false, else fallback. */
int json_bool_or(const struct json *value, int fallback);

/** The value as a string, or NULL when it is not a string. */
const char *json_string_or_null(const struct json *value);

#endif
