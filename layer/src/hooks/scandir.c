/*
 * scandir, scandir64 (libuv's fs.readdir uses scandir; glibc's scandir reads the directory with
 * internal calls the hooks cannot see). Bypass: layer inactive, fs mode local, local paths.
 * Remote: the remote directory is listed with ReadDir, filtered and sorted here with the
 * caller's callbacks; entries are malloc'd like glibc's. Errors: ENOENT for not-found paths,
 * ENOMEM, the agent's errno.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_dir.h"

/* One body for both entry layouts. */
#define SCANDIR_REMOTE(fn, entry_t, read_fn)                                                     \
  static int fn(const struct routed_path *rp, entry_t ***out, int (*filter)(const entry_t *),    \
                int (*compar)(const entry_t **, const entry_t **)) {                             \
    int err = 0;                                                                                 \
    DIR *dir = remote_opendir(rp, &err);                                                         \
    if (!dir) return -(err ? err : EIO);                                                         \
    entry_t **list = NULL;                                                                       \
    size_t count = 0, cap = 0;                                                                   \
    entry_t *e;                                                                                  \
    while ((e = read_fn(dir, &err))) {                                                           \
      if (filter && !filter(e)) continue;                                                        \
      if (count == cap) {                                                                        \
        cap = cap ? cap * 2 : 32;                                                                \
        entry_t **grown = realloc(list, cap * sizeof *grown);                                    \
        if (!grown) { err = ENOMEM; break; }                                                     \
        list = grown;                                                                            \
      }                                                                                          \
      entry_t *copy = malloc(sizeof *copy);                                                      \
      if (!copy) { err = ENOMEM; break; }                                                        \
      memcpy(copy, e, sizeof *copy);                                                             \
      list[count++] = copy;                                                                      \
    }                                                                                            \
    remote_closedir(dir);                                                                        \
    if (err) {                                                                                   \
      while (count) free(list[--count]);                                                         \
      free(list);                                                                                \
      return -err;                                                                               \
    }                                                                                            \
    if (compar && count > 1)                                                                     \
      qsort(list, count, sizeof *list, (int (*)(const void *, const void *))compar);             \
    *out = list;                                                                                 \
    return (int)count;                                                                           \
  }

SCANDIR_REMOTE(scan_remote, struct dirent, remote_readdir)
SCANDIR_REMOTE(scan_remote64, struct dirent64, remote_readdir64)

LAYER_EXPORT int scandir(const char *path, struct dirent ***out, int (*filter)(const struct dirent *),
                         int (*compar)(const struct dirent **, const struct dirent **)) {
  if (!path || !fs_intercepts()) return REAL(scandir)(path, out, filter, compar);
  int saved = guard_enter();
  struct routed_path rp;
  fs_route(AT_FDCWD, path, 0, &rp);
  if (rp.route == ROUTE_LOCAL) {
    guard_leave(saved);
    return REAL(scandir)(rp.path, out, filter, compar);
  }
  int rc = rp.route == ROUTE_NOT_FOUND ? -ENOENT : 0;
  guard_leave(saved);
  /* the filter and compare callbacks are the app's code: run them outside the guard */
  if (rc == 0) rc = scan_remote(&rp, out, filter, compar);
  return (int)errno_result(rc);
}

LAYER_EXPORT int scandir64(const char *path, struct dirent64 ***out, int (*filter)(const struct dirent64 *),
                           int (*compar)(const struct dirent64 **, const struct dirent64 **)) {
  if (!path || !fs_intercepts()) return REAL(scandir64)(path, out, filter, compar);
  int saved = guard_enter();
  struct routed_path rp;
  fs_route(AT_FDCWD, path, 0, &rp);
  if (rp.route == ROUTE_LOCAL) {
    guard_leave(saved);
    return REAL(scandir64)(rp.path, out, filter, compar);
  }
  int rc = rp.route == ROUTE_NOT_FOUND ? -ENOENT : 0;
  guard_leave(saved);
  if (rc == 0) rc = scan_remote64(&rp, out, filter, compar);
  return (int)errno_result(rc);
}
