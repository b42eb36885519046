/* Recursive-descent JSON parser for config_json.h (RFC 8259, depth-limited). */
#include "config_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

struct reader {
  const char *s;
  size_t len, pos;
  char *err;
  size_t err_len;
  int failed;
  int depth;
};

static void fail(struct reader *r, const char *why) {
  if (r->failed) return;
  r->failed = 1;
  if (r->err && r->err_len) snprintf(r->err, r->err_len, "offset %zu: %s", r->pos, why);
}

static void skip_ws(struct reader *r) {
  while (r->pos < r->len) {
    char c = r->s[r->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    r->pos++;
  }
}

static int literal(struct reader *r, const char *word) {
  size_t n = strlen(word);
  if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n)) return 0;
  r->pos += n;
  return 1;
}

static int hex4(struct reader *r, uint32_t *out) {
  if (r->len - r->pos < 4) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = r->s[r->pos + (size_t)i];
    int h = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
          : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (h < 0) return 0;
    v = v * 16 + (uint32_t)h;
  }
  r->pos += 4;
  *out = v;
  return 1;
}

static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Parses a string at r->pos (on the opening quote); the result is malloc'd. */
static char *parse_string(struct reader *r, size_t *out_len) {
  r->pos++;
  /* decoded text is never longer than the source */
  size_t start = r->pos, cap = 1;
  while (start + cap - 1 < r->len && r->s[start + cap - 1] != '"') {
    if (r->s[start + cap - 1] == '\\') cap++;
    cap++;
  }
  char *out = malloc(cap + 4);
  if (!out) {
    fail(r, "out of memory");
    return NULL;
  }
  size_t n = 0;
  for (;;) {
    if (r->pos >= r->len) {
      fail(r, "unterminated string");
      free(out);
      return NULL;
    }
    unsigned char c = (unsigned char)r->s[r->pos++];
    if (c == '"') break;
    if (c < 0x20) {
      fail(r, "control character in string");
      free(out);
      return NULL;
    }
    if (c != '\\') {
      out[n++] = (char)c;
      continue;
    }
    if (r->pos >= r->len) break;
    char e = r->s[r->pos++];
    uint32_t cp;
    switch (e) {
      case '"': out[n++] = '"'; break;
      case '\\': out[n++] = '\\'; break;
      case '/': out[n++] = '/'; break;
      case 'b': out[n++] = '\b'; break;
      case 'f': out[n++] = '\f'; break;
      case 'n': out[n++] = '\n'; break;
      case 'r': out[n++] = '\r'; break;
      case 't': out[n++] = '\t'; break;
      case 'u':
        if (!hex4(r, &cp)) {
          fail(r, "invalid \\u escape");
          free(out);
          return NULL;
        }
        if (cp >= 0xD800 && cp < 0xDC00) {
          uint32_t low;
          if (r->len - r->pos >= 6 && r->s[r->pos] == '\\' && r->s[r->pos + 1] == 'u') {
            r->pos += 2;
            if (!hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) {
              fail(r, "invalid surrogate pair");
              free(out);
              return NULL;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        n += put_utf8(out + n, cp);
        break;
      default:
        fail(r, "invalid escape in string");
        free(out);
        return NULL;
    }
  }
  out[n] = 0;
  *out_len = n;
  return out;
}

static struct json *new_value(struct reader *r, enum json_type type) {
  struct json *v = calloc(1, sizeof *v);
  if (!v) fail(r, "out of memory");
  else v->type = type;
  return v;
}

static int push(struct reader *r, struct json *container, char *key, struct json *item) {
  size_t n = container->count + 1;
  struct json **items = realloc(container->items, n * sizeof *items);
  if (!items) {
    fail(r, "out of memory");
    return 0;
  }
  container->items = items;
  if (container->type == JSON_OBJECT) {
    char **keys = realloc(container->keys, n * sizeof *keys);
    if (!keys) {
      fail(r, "out of memory");
      return 0;
    }
    container->keys = keys;
    keys[n - 1] = key;
  }
  items[n - 1] = item;
  container->count = n;
  return 1;
}

static struct json *parse_value(struct reader *r);

static struct json *parse_number(struct reader *r) {
  size_t start = r->pos;
  if (r->s[r->pos] == '-') r->pos++;
  size_t digits = r->pos;
  while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') r->pos++;
  if (r->pos == digits) {
    fail(r, "invalid number");
    return NULL;
  }
  if (r->pos < r->len && r->s[r->pos] == '.') {
    r->pos++;
    while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') r->pos++;
  }
  if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
    r->pos++;
    if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-')) r->pos++;
    while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') r->pos++;
  }
  char buf[64];
  size_t n = r->pos - start;
  if (n >= sizeof buf) n = sizeof buf - 1;
  memcpy(buf, r->s + start, n);
  buf[n] = 0;
  struct json *v = new_value(r, JSON_NUMBER);
  if (v) v->number = strtod(buf, NULL);
  return v;
}

static struct json *parse_container(struct reader *r, enum json_type type) {
  char close = type == JSON_ARRAY ? ']' : '}';
  struct json *v = new_value(r, type);
  if (!v) return NULL;
  if (++r->depth > MAX_DEPTH) {
    fail(r, "nesting too deep");
    return v;
  }
  r->pos++;
  skip_ws(r);
  if (r->pos < r->len && r->s[r->pos] == close) {
    r->pos++;
    r->depth--;
    return v;
  }
  for (;;) {
    char *key = NULL;
    if (type == JSON_OBJECT) {
      skip_ws(r);
      if (r->pos >= r->len || r->s[r->pos] != '"') {
        fail(r, "expected an object key");
        return v;
      }
      size_t key_len;
      key = parse_string(r, &key_len);
      if (!key) return v;
      skip_ws(r);
      if (r->pos >= r->len || r->s[r->pos] != ':') {
        free(key);
        fail(r, "expected ':'");
        return v;
      }
      r->pos++;
    }
    struct json *item = parse_value(r);
    if (!item || !push(r, v, key, item)) {
      free(key);
      json_free(item);
      return v;
    }
    if (r->failed) return v;
    skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == ',') {
      r->pos++;
      continue;
    }
    if (r->pos < r->len && r->s[r->pos] == close) {
      r->pos++;
      r->depth--;
      return v;
    }
    fail(r, type == JSON_ARRAY ? "expected ',' or ']'" : "expected ',' or '}'");
    return v;
  }
}

static struct json *parse_value(struct reader *r) {
  skip_ws(r);
  if (r->pos >= r->len) {
    fail(r, "unexpected end of input");
    return NULL;
  }
  char c = r->s[r->pos];
  struct json *v = NULL;
  if (c == '{') return parse_container(r, JSON_OBJECT);
  if (c == '[') return parse_container(r, JSON_ARRAY);
  if (c == '"') {
    v = new_value(r, JSON_STRING);
    if (v) v->string = parse_string(r, &v->length);
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(r);
  if (literal(r, "true")) {
    if ((v = new_value(r, JSON_BOOL))) v->boolean = 1;
    return v;
  }
  if (literal(r, "false")) return new_value(r, JSON_BOOL);
  if (literal(r, "null")) return new_value(r, JSON_NULL);
  fail(r, "unexpected character");
  return NULL;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t err_len) {
  struct reader r = {.s = text, .len = len, .err = err, .err_len = err_len};
  struct json *v = parse_value(&r);
  if (!r.failed) {
    skip_ws(&r);
    if (r.pos != r.len) fail(&r, "trailing characters after the document");
  }
  if (r.failed) {
    json_free(v);
    return NULL;
  }
  return v;
}

void json_free(struct json *v) {
  if (!v) return;
  for (size_t i = 0; i < v->count; i++) {
    json_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->string);
  free(v);
}

const struct json *json_member(const struct json *object, const char *key) {
  if (!object || object->type != JSON_OBJECT) return NULL;
  for (size_t i = object->count; i-- > 0;)
    if (!strcmp(object->keys[i], key)) return object->items[i];
  return NULL;
}

const struct json *json_path(const struct json *root, const char *dotted) {
  const struct json *cur = root;
  char key[128];
  while (cur && *dotted) {
    const char *dot = strchr(dotted, '.');
    size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
    if (n >= sizeof key) return NULL;
    memcpy(key, dotted, n);
    key[n] = 0;
    cur = json_member(cur, key);
    dotted += n + (dot ? 1 : 0);
  }
  return cur;
}

int json_bool_or(const struct json *value, int fallback) {
  return value && value->type == JSON_BOOL ? value->boolean : fallback;
}

const char *json_string_or_null(const struct json *value) {
  return value && value->type == JSON_STRING ? value->string : NULL;
}
