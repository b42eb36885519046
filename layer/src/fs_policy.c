/* See fs_policy.h. */
#include "fs_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

struct pattern_set {
  struct regex **items;
  char **sources;
  size_t count;
};

struct fs_policy {
  enum fs_mode mode;
  struct pattern_set user_not_found, user_read_write, user_read_only, user_local;
  struct pattern_set default_not_found, default_remote_read_only, default_local;
  struct regex **map_from;
  char **map_to;
  size_t map_count;
  void (*warn)(const char *message);
};

/* Default local patterns that do not depend on the machine (Linux). */
static const char *const default_local_static[] = {
  ".\\.so$", ".\\.sh$", ".\\.rb$", ".\\.d$", ".\\.pyc$", ".\\.py$", ".\\.jar$", ".\\.class$",
  ".\\.js$", ".\\.pth$", ".\\.plist$", "venv\\.cfg$",
  "^/proc(/|$)", "^/sys(/|$)", "^/lib(/|$)", "^/etc(/|$)", "^/usr(/|$)", "^/home(/|$)",
  "^/bin(/|$)", "^/sbin(/|$)", "^/dev(/|$)", "^/opt(/|$)", "^/tmp(/|$)", "^/var/tmp(/|$)",
  "^/var/db/timezone/zoneinfo(/|$)", "^/snap(/|$)", "^/run(/|$)", "^/selinux(/|$)",
  "^/nix(/|$)", ".+\\.asdf/.+", "^/home/iojs(/|$)", "^/home/runner(/|$)",
  "clr-.*-pipe-", "\\.pdb$", "\\.dll$", ".*(^|/)jvm\\.cfg$",
  "/package\\.json$", "/\\.yarnrc$", "/\\.yarnrc.yml$", "/\\.yarnrc.json$", "/node_modules",
  ".*/\\.tool-versions$", "^/Program Files",
  "^/$",
};

static const char *const default_remote_read_only[] = {
  "^/etc/resolv.conf$", "^/etc/hosts$", "^/etc/hostname$", "^/etc/ssl/certs(/|$)",
};

static const char *const home_not_found[] = {"\\.config/gcloud", "\\.kube", "\\.azure"};

char *regex_escape(const char *text) {
  size_t n = strlen(text);
  char *out = malloc(2 * n + 1), *o = out;
  if (!out) return NULL;
  for (const char *t = text; *t; t++) {
    if (strchr("\\.+*?()|[]{}^$#&-~", *t)) *o++ = '\\';
    *o++ = *t;
  }
  *o = 0;
  return out;
}

static void warn(const struct fs_policy *p, const char *fmt, const char *a, const char *b) {
  if (!p->warn) return;
  char msg[512];
  snprintf(msg, sizeof msg, fmt, a, b);
  p->warn(msg);
}

static void set_add(struct fs_policy *p, struct pattern_set *s, const char *pattern, int icase) {
  char err[200];
  struct regex *re = regex_compile(pattern, icase ? REGEX_ICASE : 0, err, sizeof err);
  if (!re) {
    warn(p, "Cannot use the file pattern \"%s\": %s — fix it in feature.fs; it is ignored", pattern, err);
    return;
  }
  struct regex **items = realloc(s->items, (s->count + 1) * sizeof *items);
  char **sources = realloc(s->sources, (s->count + 1) * sizeof *sources);
  if (items) s->items = items;
  if (sources) s->sources = sources;
  if (!items || !sources) {
    regex_free(re);
    return;
  }
  s->items[s->count] = re;
  s->sources[s->count] = strdup(pattern);
  s->count++;
}

static void set_add_list(struct fs_policy *p, struct pattern_set *s, const struct string_list *l) {
  for (size_t i = 0; i < l->count; i++) set_add(p, s, l->items[i], 1);
}

/* Adds prefix + escaped(text without trailing slashes) + suffix. */
static void set_add_escaped(struct fs_policy *p, struct pattern_set *s, const char *prefix,
                            const char *text, const char *suffix) {
  char *trimmed = strdup(text);
  if (!trimmed) return;
  size_t n = strlen(trimmed);
  while (n > 1 && trimmed[n - 1] == '/') trimmed[--n] = 0;
  char *escaped = regex_escape(trimmed);
  free(trimmed);
  if (!escaped) return;
  size_t len = strlen(prefix) + strlen(escaped) + strlen(suffix) + 1;
  char *pattern = malloc(len);
  if (pattern) {
    snprintf(pattern, len, "%s%s%s", prefix, escaped, suffix);
    set_add(p, s, pattern, 1);
    free(pattern);
  }
  free(escaped);
}

/* 1 = some pattern matches; a pattern that exceeds the step budget counts as no match. */
static int set_matches(const struct fs_policy *p, const struct pattern_set *s, const char *path) {
  size_t len = strlen(path);
  for (size_t i = 0; i < s->count; i++) {
    enum regex_status st = regex_search(s->items[i], path, len, NULL, 0);
    if (st == REGEX_MATCH) return 1;
    if (st == REGEX_LIMIT)
      warn(p, "The file pattern \"%s\" gave up on \"%s\" (too much backtracking); treated as no match",
           s->sources[i], path);
  }
  return 0;
}

struct fs_policy *fs_policy_build(const struct layer_config *c, const struct fs_policy_env *env,
                                  void (*warn_fn)(const char *message)) {
  struct fs_policy *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->warn = warn_fn;
  p->mode = c->fs_mode;
  if (c->targetless && p->mode != FS_MODE_LOCAL) p->mode = FS_MODE_LOCAL_WITH_OVERRIDES;

  set_add_list(p, &p->user_not_found, &c->fs_not_found);
  set_add_list(p, &p->user_read_write, &c->fs_read_write);
  set_add_list(p, &p->user_read_only, &c->fs_read_only);
  set_add_list(p, &p->user_local, &c->fs_local);

  const char *home = env->home && *env->home ? env->home : NULL;
  if (home)
    for (size_t i = 0; i < sizeof home_not_found / sizeof home_not_found[0]; i++) {
      char suffix[64];
      snprintf(suffix, sizeof suffix, "/%s", home_not_found[i]);
      set_add_escaped(p, &p->default_not_found, "^", home, suffix);
    }
  for (size_t i = 0; i < sizeof default_remote_read_only / sizeof default_remote_read_only[0]; i++)
    set_add(p, &p->default_remote_read_only, default_remote_read_only[i], 1);
  for (size_t i = 0; i < sizeof default_local_static / sizeof default_local_static[0]; i++)
    set_add(p, &p->default_local, default_local_static[i], 1);
  set_add_escaped(p, &p->default_local, "^", env->temp_dir && *env->temp_dir ? env->temp_dir : "/tmp", "");
  if (env->cwd && *env->cwd && strcmp(env->cwd, "/") != 0)
    set_add_escaped(p, &p->default_local, "^", env->cwd, "(/|$)");
  if (env->exe_path && *env->exe_path) set_add_escaped(p, &p->default_local, "", env->exe_path, "$");
  if (home) set_add_escaped(p, &p->default_local, "^", home, "/\\.");

  const struct string_map *m = &c->fs_mapping;
  p->map_from = calloc(m->count + 1, sizeof *p->map_from);
  p->map_to = calloc(m->count + 1, sizeof *p->map_to);
  if (p->map_from && p->map_to)
    for (size_t i = 0; i < m->count; i++) {
      char err[200];
      struct regex *re = regex_compile(m->keys[i], 0, err, sizeof err);
      if (!re) {
        warn(p, "Cannot use the fs.mapping pattern \"%s\": %s — it is ignored", m->keys[i], err);
        continue;
      }
      p->map_from[p->map_count] = re;
      p->map_to[p->map_count] = strdup(m->values[i]);
      p->map_count++;
    }
  return p;
}

static void set_free(struct pattern_set *s) {
  for (size_t i = 0; i < s->count; i++) {
    regex_free(s->items[i]);
    free(s->sources[i]);
  }
  free(s->items);
  free(s->sources);
}

void fs_policy_free(struct fs_policy *p) {
  if (!p) return;
  set_free(&p->user_not_found);
  set_free(&p->user_read_write);
  set_free(&p->user_read_only);
  set_free(&p->user_local);
  set_free(&p->default_not_found);
  set_free(&p->default_remote_read_only);
  set_free(&p->default_local);
  for (size_t i = 0; i < p->map_count; i++) {
    regex_free(p->map_from[i]);
    free(p->map_to[i]);
  }
  free(p->map_from);
  free(p->map_to);
  free(p);
}

enum fs_mode fs_policy_mode(const struct fs_policy *p) { return p->mode; }

char *fs_policy_map(const struct fs_policy *p, const char *path) {
  for (size_t i = 0; i < p->map_count; i++) {
    enum regex_status st;
    char *mapped = regex_replace(p->map_from[i], path, p->map_to[i] ? p->map_to[i] : "", &st);
    if (mapped) return mapped;
  }
  return NULL;
}

enum fs_decision fs_policy_decide(const struct fs_policy *p, const char *path, int is_write) {
  if (p->mode == FS_MODE_LOCAL) return FS_DECISION_LOCAL;
  if (set_matches(p, &p->user_not_found, path)) return FS_DECISION_NOT_FOUND;
  if (set_matches(p, &p->user_read_write, path)) return FS_DECISION_REMOTE;
  if (set_matches(p, &p->user_read_only, path)) return is_write ? FS_DECISION_LOCAL : FS_DECISION_REMOTE;
  if (set_matches(p, &p->user_local, path)) return FS_DECISION_LOCAL;
  if (set_matches(p, &p->default_not_found, path)) return FS_DECISION_NOT_FOUND;
  if (!is_write && set_matches(p, &p->default_remote_read_only, path)) return FS_DECISION_REMOTE;
  if (set_matches(p, &p->default_local, path)) return FS_DECISION_LOCAL;
  switch (p->mode) {
    case FS_MODE_WRITE: return FS_DECISION_REMOTE;
    case FS_MODE_READ: return is_write ? FS_DECISION_LOCAL : FS_DECISION_REMOTE;
    default: return FS_DECISION_LOCAL;
  }
}
