/*
 * realpath, __realpath_chk. A read for the fs decision. Bypass: layer inactive, fs mode local,
 * local paths (fs.mapping may rewrite them). Remote (mirrord's behaviour): the path is
 * normalised lexically ("." dropped, ".." pops; symlinks are not resolved) and its existence
 * confirmed with File Xstat. Errors: ENOENT for not-found paths, ENAMETOOLONG, the agent's errno.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

/* Lexical normalisation of an absolute path into out (PATH_MAX). */
static int normalise(const char *path, char *out) {
  size_t len = 0;
  out[0] = 0;
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 1 && p[0] == '.') {
      /* skip */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (len > 0 && out[len - 1] != '/') len--;
      if (len > 0) len--;
      out[len] = 0;
    } else {
      if (len + 1 + n + 1 > PATH_MAX) return -ENAMETOOLONG;
      out[len++] = '/';
      memcpy(out + len, p, n);
      len += n;
      out[len] = 0;
    }
    p += n;
  }
  if (len == 0) strcpy(out, "/");
  return 0;
}

static char *layer_realpath(const char *path, char *resolved) {
  if (!path || !fs_intercepts()) return REAL(realpath)(path, resolved);
  int saved = guard_enter();
  struct routed_path rp;
  fs_route(AT_FDCWD, path, 0, &rp);
  if (rp.route == ROUTE_LOCAL || rp.route == ROUTE_REMOTE_RELATIVE) {
    guard_leave(saved);
    return REAL(realpath)(rp.route == ROUTE_LOCAL ? rp.path : path, resolved);
  }
  char normal[PATH_MAX];
  int rc = rp.route == ROUTE_NOT_FOUND ? -ENOENT : normalise(rp.path, normal);
  if (rc == 0) {
    struct routed_path check = {.route = ROUTE_REMOTE};
    memcpy(check.path, normal, strlen(normal) + 1);
    struct remote_metadata m;
    rc = remote_stat_path(&check, 1, &m);
  }
  guard_leave(saved);
  if (rc < 0) {
    errno = -rc;
    return NULL;
  }
  if (!resolved) {
    char *copy = strdup(normal);
    if (!copy) errno = ENOMEM;
    return copy;
  }
  memcpy(resolved, normal, strlen(normal) + 1);
  return resolved;
}

LAYER_EXPORT char *realpath(const char *path, char *resolved) { return layer_realpath(path, resolved); }

LAYER_EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolved_len) {
  if (resolved && resolved_len < PATH_MAX) abort();
  return layer_realpath(path, resolved);
}
