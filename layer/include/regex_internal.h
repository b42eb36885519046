/* Shared between the regex parser (regex_compile.c) and matcher (regex.c). Not a public API. */
#ifndef LAYER_REGEX_INTERNAL_H
#define LAYER_REGEX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "regex.h"

enum rx_kind {
  RX_EMPTY,
  RX_CHAR,     /* one code point */
  RX_ANY,      /* any code point but '\n' */
  RX_CLASS,    /* [...] or a \d-style escape */
  RX_BOL,      /* ^ \A */
  RX_EOL,      /* $ \z */
  RX_WORDB,    /* \b */
  RX_NWORDB,   /* \B */
  RX_GROUP,    /* capture index > 0, or 0 for (?:...) */
  RX_ALT,
  RX_SEQ,
  RX_REPEAT,
  RX_BACKREF,
  RX_LOOK,
};

struct rx_range {
  uint32_t lo, hi;
};

/* Builtin sets that may appear inside a class; the NOT_ variants are \D \W \S. */
enum rx_builtin { RXB_DIGIT = 1, RXB_WORD = 2, RXB_SPACE = 4, RXB_NOT_DIGIT = 8,
                  RXB_NOT_WORD = 16, RXB_NOT_SPACE = 32 };

struct rx_node {
  enum rx_kind kind;
  uint32_t ch;                 /* RX_CHAR */
  int negated;                 /* RX_CLASS, RX_LOOK */
  int builtins;                /* RX_CLASS */
  struct rx_range *ranges;     /* RX_CLASS */
  int range_count;
  int group;                   /* RX_GROUP capture index, RX_BACKREF index */
  int min, max;                /* RX_REPEAT; max -1 = unbounded */
  int greedy;                  /* RX_REPEAT */
  int behind;                  /* RX_LOOK */
  struct rx_node **children;   /* RX_ALT, RX_SEQ; RX_GROUP/RX_REPEAT/RX_LOOK use children[0] */
  int child_count;
};

struct regex {
  struct rx_node *root;
  int groups;          /* including group 0 */
  char **names;        /* names[i] for group i, or NULL */
  int icase;
  int anchored_start;  /* pattern can only match at offset 0 */
  /* every node of the tree, freed together with their child and range arrays */
  struct rx_node **nodes;
  int node_count, node_cap;
};

/** Decodes one UTF-8 code point at s[pos]; invalid bytes decode as themselves, length 1. */
size_t rx_utf8_decode(const unsigned char *s, size_t len, size_t pos, uint32_t *cp);

#endif
