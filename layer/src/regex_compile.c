/* Parser of the regex dialect described in regex.h: pattern text -> rx_node tree. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex_internal.h"

struct parser {
  const unsigned char *p;
  size_t len, pos;
  struct regex *re;
  char *err;
  size_t err_len;
  int failed;
  int depth;
  int max_backref;
};

#define MAX_NESTING 200

static void fail(struct parser *ps, const char *fmt, ...) {
  if (ps->failed) return;
  ps->failed = 1;
  if (!ps->err || !ps->err_len) return;
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(ps->err, ps->err_len, "at offset %zu: ", ps->pos);
  if (n >= 0 && (size_t)n < ps->err_len) vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
  va_end(ap);
}

static struct rx_node *new_node(struct parser *ps, enum rx_kind kind) {
  struct regex *re = ps->re;
  if (re->node_count == re->node_cap) {
    int cap = re->node_cap ? re->node_cap * 2 : 32;
    struct rx_node **grown = realloc(re->nodes, (size_t)cap * sizeof *grown);
    if (!grown) {
      fail(ps, "out of memory");
      return NULL;
    }
    re->nodes = grown;
    re->node_cap = cap;
  }
  struct rx_node *n = calloc(1, sizeof *n);
  if (!n) {
    fail(ps, "out of memory");
    return NULL;
  }
  n->kind = kind;
  re->nodes[re->node_count++] = n;
  return n;
}

static void add_child(struct parser *ps, struct rx_node *parent, struct rx_node *child) {
  if (!parent || !child) return;
  struct rx_node **grown = realloc(parent->children, (size_t)(parent->child_count + 1) * sizeof *grown);
  if (!grown) {
    fail(ps, "out of memory");
    return;
  }
  parent->children = grown;
  parent->children[parent->child_count++] = child;
}

static void add_range(struct parser *ps, struct rx_node *cls, uint32_t lo, uint32_t hi) {
  struct rx_range *grown = realloc(cls->ranges, (size_t)(cls->range_count + 1) * sizeof *grown);
  if (!grown) {
    fail(ps, "out of memory");
    return;
  }
  cls->ranges = grown;
  cls->ranges[cls->range_count].lo = lo;
  cls->ranges[cls->range_count].hi = hi;
  cls->range_count++;
}

static int at_end(struct parser *ps) { return ps->pos >= ps->len; }
static int peek(struct parser *ps) { return at_end(ps) ? -1 : ps->p[ps->pos]; }

static uint32_t next_codepoint(struct parser *ps) {
  uint32_t cp;
  ps->pos += rx_utf8_decode(ps->p, ps->len, ps->pos, &cp);
  return cp;
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* \xHH or \x{H...}; the 'x' is already consumed. */
static uint32_t parse_hex_escape(struct parser *ps) {
  uint32_t v = 0;
  if (peek(ps) == '{') {
    ps->pos++;
    int digits = 0;
    while (!at_end(ps) && peek(ps) != '}') {
      int h = hex_value(peek(ps));
      if (h < 0 || ++digits > 8) {
        fail(ps, "invalid hex escape");
        return 0;
      }
      v = v * 16 + (uint32_t)h;
      ps->pos++;
    }
    if (at_end(ps) || digits == 0) {
      fail(ps, "unterminated hex escape");
      return 0;
    }
    ps->pos++;
    return v;
  }
  for (int i = 0; i < 2; i++) {
    int h = at_end(ps) ? -1 : hex_value(peek(ps));
    if (h < 0) {
      fail(ps, "invalid hex escape");
      return 0;
    }
    v = v * 16 + (uint32_t)h;
    ps->pos++;
  }
  return v;
}

/* \uHHHH; the 'u' is already consumed. */
static uint32_t parse_hex4(struct parser *ps) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int h = at_end(ps) ? -1 : hex_value(peek(ps));
    if (h < 0) {
      fail(ps, "invalid \\u escape (needs 4 hex digits)");
      return 0;
    }
    v = v * 16 + (uint32_t)h;
    ps->pos++;
  }
  return v;
}

/* Escapes that stand for one literal character, valid inside and outside classes.
   Returns 1 and sets *cp, or 0 when c is not such an escape. */
static int literal_escape(struct parser *ps, int c, uint32_t *cp) {
  switch (c) {
    case 'n': *cp = '\n'; return 1;
    case 't': *cp = '\t'; return 1;
    case 'r': *cp = '\r'; return 1;
    case 'f': *cp = '\f'; return 1;
    case 'v': *cp = '\v'; return 1;
    case 'a': *cp = 7; return 1;
    case 'x': *cp = parse_hex_escape(ps); return 1;
    case 'u': *cp = parse_hex4(ps); return 1;
    default: break;
  }
  if (c < 128 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
    *cp = (uint32_t)c; /* any escaped ASCII punctuation or space is itself */
    return 1;
  }
  return 0;
}

static int builtin_of(int c) {
  switch (c) {
    case 'd': return RXB_DIGIT;
    case 'w': return RXB_WORD;
    case 's': return RXB_SPACE;
    case 'D': return RXB_NOT_DIGIT;
    case 'W': return RXB_NOT_WORD;
    case 'S': return RXB_NOT_SPACE;
    default: return 0;
  }
}

static struct rx_node *parse_class(struct parser *ps) {
  struct rx_node *cls = new_node(ps, RX_CLASS);
  if (!cls) return NULL;
  if (peek(ps) == '^') {
    cls->negated = 1;
    ps->pos++;
  }
  int first = 1;
  for (;;) {
    if (at_end(ps)) {
      fail(ps, "unterminated character class");
      return NULL;
    }
    int c = peek(ps);
    if (c == ']' && !first) {
      ps->pos++;
      break;
    }
    first = 0;
    uint32_t lo;
    if (c == '\\') {
      ps->pos++;
      if (at_end(ps)) {
        fail(ps, "trailing backslash");
        return NULL;
      }
      int e = peek(ps);
      ps->pos++;
      int b = builtin_of(e);
      if (b) {
        cls->builtins |= b;
        continue;
      }
      if (!literal_escape(ps, e, &lo)) {
        fail(ps, "unsupported escape \\%c in class", e);
        return NULL;
      }
    } else if (c == '[' && ps->pos + 1 < ps->len && ps->p[ps->pos + 1] == ':') {
      fail(ps, "POSIX character classes are not supported");
      return NULL;
    } else {
      lo = next_codepoint(ps);
    }
    if (ps->failed) return NULL;
    uint32_t hi = lo;
    if (peek(ps) == '-' && ps->pos + 1 < ps->len && ps->p[ps->pos + 1] != ']') {
      ps->pos++;
      int e = peek(ps);
      if (e == '\\') {
        ps->pos++;
        int e2 = peek(ps);
        if (e2 >= 0) ps->pos++;
        if (e2 < 0 || !literal_escape(ps, e2, &hi)) {
          fail(ps, "invalid class range end");
          return NULL;
        }
      } else {
        hi = next_codepoint(ps);
      }
      if (hi < lo) {
        fail(ps, "class range out of order");
        return NULL;
      }
    }
    add_range(ps, cls, lo, hi);
    if (ps->failed) return NULL;
  }
  return cls;
}

static struct rx_node *parse_alt(struct parser *ps);

static int read_group_name(struct parser *ps, char terminator) {
  size_t start = ps->pos;
  if (!at_end(ps) && peek(ps) >= '0' && peek(ps) <= '9') {
    fail(ps, "a group name cannot start with a digit");
    return -1;
  }
  while (!at_end(ps) && peek(ps) != terminator) {
    int c = peek(ps);
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      fail(ps, "invalid character in group name");
      return -1;
    }
    ps->pos++;
  }
  if (at_end(ps) || ps->pos == start) {
    fail(ps, "unterminated or empty group name");
    return -1;
  }
  struct regex *re = ps->re;
  size_t n = ps->pos - start;
  ps->pos++; /* terminator */
  for (int i = 1; i < re->groups; i++)
    if (re->names[i] && strlen(re->names[i]) == n && !memcmp(re->names[i], ps->p + start, n)) {
      fail(ps, "duplicate group name");
      return -1;
    }
  char *name = malloc(n + 1);
  if (!name) {
    fail(ps, "out of memory");
    return -1;
  }
  memcpy(name, ps->p + start, n);
  name[n] = 0;
  re->names[re->groups - 1] = name;
  return 0;
}

static int new_capture(struct parser *ps) {
  struct regex *re = ps->re;
  char **grown = realloc(re->names, (size_t)(re->groups + 1) * sizeof *grown);
  if (!grown) {
    fail(ps, "out of memory");
    return -1;
  }
  re->names = grown;
  re->names[re->groups] = NULL;
  return re->groups++;
}

/* '(' already consumed. */
static struct rx_node *parse_group(struct parser *ps) {
  struct rx_node *g;
  if (peek(ps) == '?') {
    ps->pos++;
    int c = peek(ps);
    if (c == ':') {
      ps->pos++;
      g = new_node(ps, RX_GROUP);
    } else if (c == '=' || c == '!') {
      ps->pos++;
      g = new_node(ps, RX_LOOK);
      if (g) g->negated = c == '!';
    } else if (c == '<' && ps->pos + 1 < ps->len && (ps->p[ps->pos + 1] == '=' || ps->p[ps->pos + 1] == '!')) {
      g = new_node(ps, RX_LOOK);
      if (g) {
        g->behind = 1;
        g->negated = ps->p[ps->pos + 1] == '!';
      }
      ps->pos += 2;
    } else if (c == 'P' || c == '<') {
      if (c == 'P') {
        ps->pos++;
        if (peek(ps) != '<') {
          fail(ps, "expected '<' after (?P");
          return NULL;
        }
      }
      ps->pos++;
      g = new_node(ps, RX_GROUP);
      int idx = new_capture(ps);
      if (!g || idx < 0) return NULL;
      g->group = idx;
      if (read_group_name(ps, '>') < 0) return NULL;
    } else {
      fail(ps, "unsupported group syntax (only (?i) at the start of the pattern is allowed)");
      return NULL;
    }
  } else {
    g = new_node(ps, RX_GROUP);
    int idx = new_capture(ps);
    if (!g || idx < 0) return NULL;
    g->group = idx;
  }
  if (!g) return NULL;
  if (++ps->depth > MAX_NESTING) {
    fail(ps, "groups nested too deeply");
    return NULL;
  }
  struct rx_node *inner = parse_alt(ps);
  ps->depth--;
  if (ps->failed) return NULL;
  if (peek(ps) != ')') {
    fail(ps, "unclosed group");
    return NULL;
  }
  ps->pos++;
  add_child(ps, g, inner);
  return g;
}

static struct rx_node *parse_escape(struct parser *ps) {
  if (at_end(ps)) {
    fail(ps, "trailing backslash");
    return NULL;
  }
  int c = peek(ps);
  ps->pos++;
  struct rx_node *n;
  int b = builtin_of(c);
  if (b) {
    n = new_node(ps, RX_CLASS);
    if (n) n->builtins = b;
    return n;
  }
  switch (c) {
    case 'b': return new_node(ps, RX_WORDB);
    case 'B': return new_node(ps, RX_NWORDB);
    case 'A': return new_node(ps, RX_BOL);
    case 'z': return new_node(ps, RX_EOL);
    default: break;
  }
  if (c >= '1' && c <= '9') {
    n = new_node(ps, RX_BACKREF);
    if (n) n->group = c - '0';
    if (c - '0' > ps->max_backref) ps->max_backref = c - '0';
    return n;
  }
  uint32_t cp;
  if (!literal_escape(ps, c, &cp)) {
    fail(ps, "unsupported escape \\%c", c);
    return NULL;
  }
  n = new_node(ps, RX_CHAR);
  if (n) n->ch = cp;
  return n;
}

static int parse_number(struct parser *ps, int *out) {
  size_t start = ps->pos;
  long v = 0;
  while (!at_end(ps) && peek(ps) >= '0' && peek(ps) <= '9') {
    v = v * 10 + (peek(ps) - '0');
    if (v > 100000) {
      fail(ps, "repetition count too large");
      return 0;
    }
    ps->pos++;
  }
  *out = (int)v;
  return ps->pos > start;
}

/* Parses a quantifier after an atom, if any, wrapping the atom. */
static struct rx_node *parse_quantifier(struct parser *ps, struct rx_node *atom) {
  int c = peek(ps);
  int min, max;
  if (c == '*') { min = 0; max = -1; ps->pos++; }
  else if (c == '+') { min = 1; max = -1; ps->pos++; }
  else if (c == '?') { min = 0; max = 1; ps->pos++; }
  else if (c == '{') {
    ps->pos++;
    if (!parse_number(ps, &min)) {
      fail(ps, "invalid repetition: expected a number after '{'");
      return NULL;
    }
    max = min;
    if (peek(ps) == ',') {
      ps->pos++;
      if (peek(ps) == '}') max = -1;
      else if (!parse_number(ps, &max)) {
        fail(ps, "invalid repetition upper bound");
        return NULL;
      }
    }
    if (peek(ps) != '}') {
      fail(ps, "unclosed repetition");
      return NULL;
    }
    ps->pos++;
    if (max != -1 && max < min) {
      fail(ps, "repetition bounds out of order");
      return NULL;
    }
  } else {
    return atom;
  }
  struct rx_node *rep = new_node(ps, RX_REPEAT);
  if (!rep) return NULL;
  rep->min = min;
  rep->max = max;
  rep->greedy = 1;
  if (peek(ps) == '?') {
    rep->greedy = 0;
    ps->pos++;
  }
  int nc = peek(ps);
  if (nc == '*' || nc == '+' || nc == '?' || nc == '{') {
    fail(ps, "nested repetition needs a group");
    return NULL;
  }
  add_child(ps, rep, atom);
  return rep;
}

static struct rx_node *parse_seq(struct parser *ps) {
  struct rx_node *seq = new_node(ps, RX_SEQ);
  while (!ps->failed && !at_end(ps) && peek(ps) != '|' && peek(ps) != ')') {
    int c = peek(ps);
    struct rx_node *atom;
    if (c == '(') {
      ps->pos++;
      atom = parse_group(ps);
    } else if (c == '[') {
      ps->pos++;
      atom = parse_class(ps);
    } else if (c == '\\') {
      ps->pos++;
      atom = parse_escape(ps);
    } else if (c == '.') {
      ps->pos++;
      atom = new_node(ps, RX_ANY);
    } else if (c == '^') {
      ps->pos++;
      atom = new_node(ps, RX_BOL);
    } else if (c == '$') {
      ps->pos++;
      atom = new_node(ps, RX_EOL);
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      fail(ps, "repetition operator without an operand");
      return NULL;
    } else {
      atom = new_node(ps, RX_CHAR);
      if (atom) atom->ch = next_codepoint(ps);
    }
    if (ps->failed || !atom) return NULL;
    atom = parse_quantifier(ps, atom);
    if (ps->failed) return NULL;
    add_child(ps, seq, atom);
  }
  return seq;
}

static struct rx_node *parse_alt(struct parser *ps) {
  struct rx_node *first = parse_seq(ps);
  if (ps->failed || peek(ps) != '|') return first;
  struct rx_node *alt = new_node(ps, RX_ALT);
  add_child(ps, alt, first);
  while (!ps->failed && peek(ps) == '|') {
    ps->pos++;
    add_child(ps, alt, parse_seq(ps));
  }
  return alt;
}

static int starts_anchored(const struct rx_node *n) {
  while (n) {
    if (n->kind == RX_BOL) return 1;
    if (n->kind == RX_SEQ) {
      if (n->child_count == 0) return 0;
      n = n->children[0];
    } else if (n->kind == RX_GROUP) {
      n = n->child_count ? n->children[0] : NULL;
    } else if (n->kind == RX_ALT) {
      for (int i = 0; i < n->child_count; i++)
        if (!starts_anchored(n->children[i])) return 0;
      return n->child_count > 0;
    } else {
      return 0;
    }
  }
  return 0;
}

struct regex *regex_compile(const char *pattern, int flags, char *err, size_t err_len) {
  struct regex *re = calloc(1, sizeof *re);
  if (!re) return NULL;
  struct parser ps = {.p = (const unsigned char *)pattern, .len = strlen(pattern), .re = re,
                      .err = err, .err_len = err_len};
  re->icase = (flags & REGEX_ICASE) != 0;
  if (new_capture(&ps) != 0) goto error; /* group 0 */
  if (ps.len >= 4 && !memcmp(pattern, "(?i)", 4)) {
    re->icase = 1;
    ps.pos = 4;
  }
  re->root = parse_alt(&ps);
  if (!ps.failed && !at_end(&ps)) fail(&ps, "unmatched ')'");
  if (!ps.failed && ps.max_backref >= re->groups)
    fail(&ps, "backreference \\%d to a group that does not exist", ps.max_backref);
  if (ps.failed) goto error;
  re->anchored_start = starts_anchored(re->root);
  return re;
error:
  regex_free(re);
  return NULL;
}

void regex_free(struct regex *re) {
  if (!re) return;
  for (int i = 0; i < re->node_count; i++) {
    free(re->nodes[i]->children);
    free(re->nodes[i]->ranges);
    free(re->nodes[i]);
  }
  free(re->nodes);
  for (int i = 0; i < re->groups; i++) free(re->names[i]);
  free(re->names);
  free(re);
}
