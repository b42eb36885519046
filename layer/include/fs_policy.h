/*
 * mirrord's file-system decision (how-it-works.md §5.4): the fs mode, the user's read_write /
 * read_only / local / not_found patterns, fs.mapping with capture groups, and the default
 * not-found / remote-read-only / local lists. Every pattern set is case-insensitive.
 */
#ifndef LAYER_FS_POLICY_H
#define LAYER_FS_POLICY_H

#include <stddef.h>

#include "config.h"

enum fs_decision { FS_DECISION_LOCAL, FS_DECISION_REMOTE, FS_DECISION_NOT_FOUND };

/** What the default lists are built from. */
struct fs_policy_env {
  const char *home;      /* $HOME, may be NULL */
  const char *temp_dir;  /* $TMPDIR or /tmp */
  const char *cwd;       /* working directory at start-up */
  const char *exe_path;  /* absolute path of the running executable */
};

struct fs_policy;

/**
 * Compiles the patterns. Invalid user patterns are reported through `warn` (may be NULL) and
 * skipped. Targetless sessions in a mode other than local use localwithoverrides.
 */
struct fs_policy *fs_policy_build(const struct layer_config *c, const struct fs_policy_env *env,
                                  void (*warn)(const char *message));

void fs_policy_free(struct fs_policy *p);

/** The effective mode after the targetless adjustment. */
enum fs_mode fs_policy_mode(const struct fs_policy *p);

/**
 * Applies fs.mapping: the first pattern that matches rewrites the path. Returns a malloc'd
 * path, or NULL when no mapping applies.
 */
char *fs_policy_map(const struct fs_policy *p, const char *path);

/** Decides for an absolute, already mapped path. */
enum fs_decision fs_policy_decide(const struct fs_policy *p, const char *path, int is_write);

/** Escapes regex metacharacters so the text matches literally; malloc'd. */
char *regex_escape(const char *text);

#endif
