/*
 * A small backtracking regex engine for the pattern dialect the config verifier accepts:
 * literals and escapes, `.`, classes `[...]` (ranges, negation, escapes, \d\w\s inside),
 * \d \D \w \W \s \S \b \B, anchors ^ $ (\A \z), groups (capturing, (?:...), (?P<name>...),
 * (?<name>...)), alternation, quantifiers * + ? {n} {n,} {n,m} and lazy forms, (?i) at the start,
 * lookahead (?=...) (?!...), lookbehind (?<=...) (?<!...), backreferences \1..\9.
 * Semantics follow Rust's regex crate where they differ from PCRE: `^`/`$` only match at the
 * start/end of the text, `.` matches any character but '\n', searching is unanchored and
 * leftmost-first. Matching works on UTF-8 code points; case folding is ASCII.
 * A step budget stops catastrophic backtracking and a stack budget (64 KiB) deep recursion on
 * small thread stacks: such a search reports REGEX_LIMIT and the caller treats it as "no
 * match" (fail closed).
 */
#ifndef LAYER_REGEX_H
#define LAYER_REGEX_H

#include <stddef.h>

struct regex;

enum regex_flags { REGEX_ICASE = 1 };

enum regex_status { REGEX_MATCH = 0, REGEX_NOMATCH = 1, REGEX_LIMIT = 2 };

/** A capture span in bytes; start = end = -1 when the group did not take part. */
struct regex_span {
  long start, end;
};

/**
 * Compiles a pattern. Returns NULL and writes a message into err on a syntax error.
 * Example: regex_compile("^/etc/(?P<file>[^/]+)$", REGEX_ICASE, err, sizeof err)
 */
struct regex *regex_compile(const char *pattern, int flags, char *err, size_t err_len);

void regex_free(struct regex *re);

/** Number of capture groups including group 0 (the whole match). */
int regex_group_count(const struct regex *re);

/** Index of a named group, or -1. */
int regex_group_index(const struct regex *re, const char *name, size_t name_len);

/** Searches subject[0..len); fills spans[0..n) (n = min(spans_len, group count)) on a match. */
enum regex_status regex_search(const struct regex *re, const char *subject, size_t len,
                               struct regex_span *spans, int spans_len);

/** Whether the pattern matches anywhere; REGEX_LIMIT counts as no match. */
int regex_is_match(const struct regex *re, const char *subject);

/**
 * Replaces the first match with `replacement`, expanding $1, ${1}, $name, ${name} and $$
 * (Rust's Regex::replace rules). Returns a malloc'd string, or NULL when there is no match
 * (*status says why). Example: "^/data/(.*)" + "/mnt/$1" on "/data/x" gives "/mnt/x".
 */
char *regex_replace(const struct regex *re, const char *subject, const char *replacement,
                    enum regex_status *status);

/** Step budget of one search (exposed for tests). */
#define REGEX_STEP_LIMIT 1000000L

#endif
