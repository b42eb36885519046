/*
 * rename, renameat. Both paths are mapped and decided (as reads: mirrord's quirk). Both remote:
 * File Rename with the absolute paths; otherwise libc renames with the mapped paths.
 * renameat with a directory fd and a relative path is left to libc.
 * Errors: ENOENT when either path is a not-found path, the agent's errno otherwise.
 */
#include <fcntl.h>
#include <stdio.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

/* Returns 1 with *rc when handled; else the local paths to use are in a/b. */
static int rename_paths(int old_dirfd, const char *old_path, int new_dirfd, const char *new_path,
                        struct routed_path *a, struct routed_path *b, int *rc) {
  int saved = guard_enter();
  fs_route(old_dirfd, old_path, 0, a);
  fs_route(new_dirfd, new_path, 0, b);
  int handled = 1;
  if (a->route == ROUTE_NOT_FOUND || b->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (a->route == ROUTE_REMOTE && b->route == ROUTE_REMOTE) *rc = remote_rename(a->path, b->path);
  else handled = 0;
  guard_leave(saved);
  return handled;
}

/* A remote route's path is absolute and mapped; relative-to-remote-dir routes keep the caller's. */
static const char *local_path(const struct routed_path *rp, const char *original) {
  return rp->route == ROUTE_REMOTE_RELATIVE ? original : rp->path;
}

LAYER_EXPORT int rename(const char *old_path, const char *new_path) {
  if (!old_path || !new_path || !fs_intercepts()) return REAL(rename)(old_path, new_path);
  struct routed_path a, b;
  int rc;
  if (rename_paths(AT_FDCWD, old_path, AT_FDCWD, new_path, &a, &b, &rc)) return (int)errno_result(rc);
  return REAL(rename)(local_path(&a, old_path), local_path(&b, new_path));
}

LAYER_EXPORT int renameat(int old_dirfd, const char *old_path, int new_dirfd, const char *new_path) {
  if (!old_path || !new_path || !fs_intercepts()) return REAL(renameat)(old_dirfd, old_path, new_dirfd, new_path);
  struct routed_path a, b;
  int rc;
  if (rename_paths(old_dirfd, old_path, new_dirfd, new_path, &a, &b, &rc)) return (int)errno_result(rc);
  return REAL(renameat)(old_dirfd, local_path(&a, old_path), new_dirfd, local_path(&b, new_path));
}
