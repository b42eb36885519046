/*
 * Backtracking matcher for regex.h. Continuation-passing: each node matches and then runs the
 * continuation (the rest of the pattern), so alternation, lazy/greedy repetition, backreferences
 * and lookaround backtrack correctly. Runs of single-character nodes and repetitions of a single
 * character are matched iteratively, so the recursion depth follows the pattern's structure, not
 * the subject length, for the usual path patterns.
 */
#include <stdlib.h>
#include <string.h>

#include "regex_internal.h"

/* Bytes of C stack one search may use: recursion grows with nested repetitions of groups, and a
   hook may run on a thread with a small stack. Past this the search fails closed. */
#define STACK_BUDGET (64 * 1024)

size_t rx_utf8_decode(const unsigned char *s, size_t len, size_t pos, uint32_t *cp) {
  unsigned char c = s[pos];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || pos + n > len) {
    *cp = c;
    return 1;
  }
  uint32_t v = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[pos + i] & 0xC0) != 0x80) {
      *cp = c;
      return 1;
    }
    v = (v << 6) | (s[pos + i] & 0x3F);
  }
  *cp = v;
  return n;
}

enum cont_kind { K_SEQ, K_GROUP_END, K_REPEAT, K_ACCEPT, K_BEHIND_END };

struct cont {
  enum cont_kind kind;
  const struct rx_node *node;
  int index;                /* K_SEQ: next child; K_REPEAT: iterations done */
  size_t start;             /* K_GROUP_END / K_REPEAT: where it started; K_BEHIND_END: target */
  const struct cont *next;
};

struct mctx {
  const struct regex *re;
  const unsigned char *s;
  size_t len;
  long *caps; /* 2 per group */
  long steps;
  const char *stack_base;
  int aborted;
};

static uint32_t fold(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int is_word(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static int is_space(uint32_t c) { return c == ' ' || (c >= 9 && c <= 13); }

static int class_has(const struct rx_node *n, uint32_t c) {
  int b = n->builtins;
  if (b) {
    if ((b & RXB_DIGIT) && is_digit(c)) return 1;
    if ((b & RXB_WORD) && is_word(c)) return 1;
    if ((b & RXB_SPACE) && is_space(c)) return 1;
    if ((b & RXB_NOT_DIGIT) && !is_digit(c)) return 1;
    if ((b & RXB_NOT_WORD) && !is_word(c)) return 1;
    if ((b & RXB_NOT_SPACE) && !is_space(c)) return 1;
  }
  for (int i = 0; i < n->range_count; i++)
    if (c >= n->ranges[i].lo && c <= n->ranges[i].hi) return 1;
  return 0;
}

/* Single-character nodes: returns the byte length consumed at pos, or 0 for no match. */
static size_t match_char(const struct mctx *m, const struct rx_node *n, size_t pos) {
  if (pos >= m->len) return 0;
  uint32_t c;
  size_t l = rx_utf8_decode(m->s, m->len, pos, &c);
  switch (n->kind) {
    case RX_CHAR:
      if (c == n->ch || (m->re->icase && fold(c) == fold(n->ch))) return l;
      return 0;
    case RX_ANY:
      return c != '\n' ? l : 0;
    case RX_CLASS: {
      int in = class_has(n, c);
      if (!in && m->re->icase && c < 128) {
        uint32_t lower = fold(c), upper = (c >= 'a' && c <= 'z') ? c - 32 : c;
        in = class_has(n, lower) || class_has(n, upper);
      }
      return (in != n->negated) ? l : 0;
    }
    default:
      return 0;
  }
}

static int is_single_char(const struct rx_node *n) {
  return n->kind == RX_CHAR || n->kind == RX_ANY || n->kind == RX_CLASS;
}

static int word_at(const struct mctx *m, size_t pos) {
  if (pos >= m->len) return 0;
  uint32_t c;
  rx_utf8_decode(m->s, m->len, pos, &c);
  return is_word(c);
}

static int word_before(const struct mctx *m, size_t pos) {
  if (pos == 0) return 0;
  size_t p = pos - 1;
  while (p > 0 && (m->s[p] & 0xC0) == 0x80) p--;
  return word_at(m, p);
}

/* Zero-width assertions: 1 when it holds at pos. */
static int assertion_holds(const struct mctx *m, const struct rx_node *n, size_t pos) {
  switch (n->kind) {
    case RX_BOL: return pos == 0;
    case RX_EOL: return pos == m->len;
    case RX_WORDB: return word_before(m, pos) != word_at(m, pos);
    case RX_NWORDB: return word_before(m, pos) == word_at(m, pos);
    case RX_EMPTY: return 1;
    default: return 0;
  }
}

static int is_assertion(const struct rx_node *n) {
  return n->kind == RX_BOL || n->kind == RX_EOL || n->kind == RX_WORDB || n->kind == RX_NWORDB ||
         n->kind == RX_EMPTY;
}

static size_t prev_char(const struct mctx *m, size_t pos) {
  size_t p = pos - 1;
  while (p > 0 && (m->s[p] & 0xC0) == 0x80) p--;
  return p;
}

static int match_node(struct mctx *m, const struct rx_node *n, size_t pos, const struct cont *k);

static int budget(struct mctx *m) {
  if (m->aborted) return 0;
  char here;
  if (++m->steps > REGEX_STEP_LIMIT || (size_t)(m->stack_base - &here) > STACK_BUDGET) {
    m->aborted = 1;
    return 0;
  }
  return 1;
}

static int run_cont(struct mctx *m, const struct cont *k, size_t pos);

static int repeat_from(struct mctx *m, const struct rx_node *n, size_t pos, int count,
                       const struct cont *k) {
  const struct rx_node *child = n->children[0];
  if (count == 0 && is_single_char(child)) {
    /* iterative fast path: consume greedily, then give back one character at a time */
    size_t p = pos;
    int got = 0;
    if (n->greedy) {
      while (n->max < 0 || got < n->max) {
        size_t l = match_char(m, child, p);
        if (!l) break;
        p += l;
        got++;
      }
      while (got >= n->min) {
        if (!budget(m)) return 0;
        if (run_cont(m, k, p)) return 1;
        if (m->aborted || got == 0) return 0;
        p = prev_char(m, p);
        got--;
      }
      return 0;
    }
    for (;;) {
      if (got >= n->min) {
        if (!budget(m)) return 0;
        if (run_cont(m, k, p)) return 1;
        if (m->aborted) return 0;
      }
      if (n->max >= 0 && got >= n->max) return 0;
      size_t l = match_char(m, child, p);
      if (!l) return 0;
      p += l;
      got++;
    }
  }
  struct cont again = {K_REPEAT, n, count + 1, pos, k};
  int can_more = n->max < 0 || count < n->max;
  if (n->greedy) {
    if (can_more && match_node(m, child, pos, &again)) return 1;
    if (m->aborted) return 0;
    return count >= n->min && run_cont(m, k, pos);
  }
  if (count >= n->min && run_cont(m, k, pos)) return 1;
  if (m->aborted) return 0;
  return can_more && match_node(m, child, pos, &again);
}

static int run_cont(struct mctx *m, const struct cont *k, size_t pos) {
  if (!k) {
    m->caps[1] = (long)pos;
    return 1;
  }
  switch (k->kind) {
    case K_ACCEPT:
      return 1;
    case K_BEHIND_END:
      return pos == k->start;
    case K_SEQ: {
      const struct rx_node *seq = k->node;
      int i = k->index;
      while (i < seq->child_count) {
        const struct rx_node *c = seq->children[i];
        if (is_single_char(c)) {
          size_t l = match_char(m, c, pos);
          if (!l) return 0;
          pos += l;
        } else if (is_assertion(c)) {
          if (!assertion_holds(m, c, pos)) return 0;
        } else {
          break;
        }
        i++;
      }
      if (i == seq->child_count) return run_cont(m, k->next, pos);
      struct cont rest = {K_SEQ, seq, i + 1, 0, k->next};
      return match_node(m, seq->children[i], pos, &rest);
    }
    case K_GROUP_END: {
      int g = k->node->group;
      long old_start = m->caps[2 * g], old_end = m->caps[2 * g + 1];
      m->caps[2 * g] = (long)k->start;
      m->caps[2 * g + 1] = (long)pos;
      if (run_cont(m, k->next, pos)) return 1;
      m->caps[2 * g] = old_start;
      m->caps[2 * g + 1] = old_end;
      return 0;
    }
    case K_REPEAT:
      /* an empty iteration beyond the minimum can never make progress */
      if (pos == k->start && k->index > k->node->min) return 0;
      return repeat_from(m, k->node, pos, k->index, k->next);
  }
  return 0;
}

static int match_look(struct mctx *m, const struct rx_node *n, size_t pos, const struct cont *k) {
  int ncap = 2 * m->re->groups;
  long saved[ncap];
  memcpy(saved, m->caps, sizeof saved);
  int found = 0;
  if (!n->behind) {
    struct cont accept = {K_ACCEPT, n, 0, 0, NULL};
    found = match_node(m, n->children[0], pos, &accept);
  } else {
    struct cont end = {K_BEHIND_END, n, 0, pos, NULL};
    size_t s = pos;
    for (;;) {
      if (match_node(m, n->children[0], s, &end)) {
        found = 1;
        break;
      }
      if (m->aborted || s == 0) break;
      s = prev_char(m, s);
    }
  }
  if (m->aborted) return 0;
  if (n->negated) {
    memcpy(m->caps, saved, sizeof saved);
    return !found && run_cont(m, k, pos);
  }
  if (!found) return 0;
  if (run_cont(m, k, pos)) return 1;
  memcpy(m->caps, saved, sizeof saved);
  return 0;
}

static int match_backref(struct mctx *m, const struct rx_node *n, size_t pos, const struct cont *k) {
  long s = m->caps[2 * n->group], e = m->caps[2 * n->group + 1];
  if (s < 0 || e < 0) return 0;
  size_t l = (size_t)(e - s);
  if (pos + l > m->len) return 0;
  for (size_t i = 0; i < l; i++) {
    uint32_t a = m->s[s + (long)i], b = m->s[pos + i];
    if (a != b && !(m->re->icase && fold(a) == fold(b))) return 0;
  }
  return run_cont(m, k, pos + l);
}

static int match_node(struct mctx *m, const struct rx_node *n, size_t pos, const struct cont *k) {
  if (!budget(m)) return 0;
  int r = 0;
  switch (n->kind) {
    case RX_CHAR:
    case RX_ANY:
    case RX_CLASS: {
      size_t l = match_char(m, n, pos);
      r = l && run_cont(m, k, pos + l);
      break;
    }
    case RX_EMPTY:
    case RX_BOL:
    case RX_EOL:
    case RX_WORDB:
    case RX_NWORDB:
      r = assertion_holds(m, n, pos) && run_cont(m, k, pos);
      break;
    case RX_SEQ: {
      struct cont c = {K_SEQ, n, 0, 0, k};
      r = run_cont(m, &c, pos);
      break;
    }
    case RX_ALT:
      for (int i = 0; i < n->child_count && !r && !m->aborted; i++) r = match_node(m, n->children[i], pos, k);
      break;
    case RX_GROUP:
      if (n->group == 0) {
        r = match_node(m, n->children[0], pos, k);
      } else {
        struct cont c = {K_GROUP_END, n, 0, pos, k};
        r = match_node(m, n->children[0], pos, &c);
      }
      break;
    case RX_REPEAT:
      r = repeat_from(m, n, pos, 0, k);
      break;
    case RX_BACKREF:
      r = match_backref(m, n, pos, k);
      break;
    case RX_LOOK:
      r = match_look(m, n, pos, k);
      break;
  }
  return r;
}

int regex_group_count(const struct regex *re) { return re->groups; }

int regex_group_index(const struct regex *re, const char *name, size_t name_len) {
  for (int i = 1; i < re->groups; i++)
    if (re->names[i] && strlen(re->names[i]) == name_len && !memcmp(re->names[i], name, name_len))
      return i;
  return -1;
}

enum regex_status regex_search(const struct regex *re, const char *subject, size_t len,
                               struct regex_span *spans, int spans_len) {
  int ncap = 2 * re->groups;
  long caps[ncap];
  char base;
  struct mctx m = {.re = re, .s = (const unsigned char *)subject, .len = len, .caps = caps, .stack_base = &base};
  for (size_t start = 0; start <= len;) {
    for (int i = 0; i < ncap; i++) caps[i] = -1;
    caps[0] = (long)start;
    if (match_node(&m, re->root, start, NULL)) {
      for (int g = 0; g < spans_len && g < re->groups; g++) {
        spans[g].start = caps[2 * g];
        spans[g].end = caps[2 * g + 1];
        if (spans[g].start < 0 || spans[g].end < 0) spans[g].start = spans[g].end = -1;
      }
      return REGEX_MATCH;
    }
    if (m.aborted) return REGEX_LIMIT;
    if (re->anchored_start || start == len) break;
    uint32_t cp;
    start += rx_utf8_decode(m.s, len, start, &cp);
  }
  return REGEX_NOMATCH;
}

int regex_is_match(const struct regex *re, const char *subject) {
  return regex_search(re, subject, strlen(subject), NULL, 0) == REGEX_MATCH;
}

struct strbuf {
  char *data;
  size_t len, cap;
  int oom;
};

static void sb_put(struct strbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 64) + n;
    char *grown = realloc(b->data, cap);
    if (!grown) {
      b->oom = 1;
      return;
    }
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

static int is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Appends the text of group "ref" (a number or a name); unknown/unset groups append nothing. */
static void put_group(struct strbuf *b, const struct regex *re, const char *subject,
                      const struct regex_span *spans, const char *ref, size_t ref_len) {
  int idx = -1, numeric = 1;
  for (size_t i = 0; i < ref_len; i++)
    if (ref[i] < '0' || ref[i] > '9') numeric = 0;
  if (numeric) {
    long v = 0;
    for (size_t i = 0; i < ref_len && v < 100000; i++) v = v * 10 + (ref[i] - '0');
    if (v < re->groups) idx = (int)v;
  } else {
    idx = regex_group_index(re, ref, ref_len);
  }
  if (idx < 0 || spans[idx].start < 0) return;
  sb_put(b, subject + spans[idx].start, (size_t)(spans[idx].end - spans[idx].start));
}

char *regex_replace(const struct regex *re, const char *subject, const char *replacement,
                    enum regex_status *status) {
  size_t len = strlen(subject);
  int groups = re->groups;
  struct regex_span spans[groups];
  enum regex_status st = regex_search(re, subject, len, spans, groups);
  if (status) *status = st;
  if (st != REGEX_MATCH) return NULL;
  struct strbuf b = {0};
  sb_put(&b, subject, (size_t)spans[0].start);
  for (const char *r = replacement; *r;) {
    if (*r != '$') {
      const char *dollar = strchr(r, '$');
      size_t n = dollar ? (size_t)(dollar - r) : strlen(r);
      sb_put(&b, r, n);
      r += n;
      continue;
    }
    if (r[1] == '$') {
      sb_put(&b, "$", 1);
      r += 2;
    } else if (r[1] == '{') {
      const char *close = strchr(r + 2, '}');
      if (!close || close == r + 2) {
        sb_put(&b, "$", 1);
        r++;
      } else {
        put_group(&b, re, subject, spans, r + 2, (size_t)(close - (r + 2)));
        r = close + 1;
      }
    } else {
      size_t n = 0;
      while (is_name_char(r[1 + n])) n++;
      if (n == 0) {
        sb_put(&b, "$", 1);
        r++;
      } else {
        put_group(&b, re, subject, spans, r + 1, n);
        r += 1 + n;
      }
    }
  }
  sb_put(&b, subject + spans[0].end, len - (size_t)spans[0].end);
  if (b.oom) {
    free(b.data);
    return NULL;
  }
  if (!b.data) return calloc(1, 1);
  return b.data;
}
