/*
 * unlink, unlinkat, rmdir. Writes for the fs decision. Bypass: layer inactive, fs mode local,
 * local paths. Remote: File Unlink / UnlinkAt / RemoveDir; an agent without these requests
 * (NotImplemented) makes the layer fall back to the local call.
 * Errors: ENOENT for not-found paths, the agent's errno otherwise.
 */
#include <fcntl.h>
#include <unistd.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

enum removal { REMOVE_FILE, REMOVE_DIR, REMOVE_AT };

static int remove_at(int dirfd, const char *path, int flags, enum removal what, struct routed_path *rp, int *rc) {
  int saved = guard_enter();
  fs_route(dirfd, path, 1, rp);
  int handled = 1;
  if (rp->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (rp->route == ROUTE_LOCAL) handled = 0;
  else {
    if (what == REMOVE_DIR) *rc = remote_rmdir(rp->path);
    else *rc = remote_unlink(rp, what == REMOVE_AT, flags);
    if (*rc == REMOTE_NOT_IMPLEMENTED) handled = 0;
  }
  guard_leave(saved);
  return handled;
}

LAYER_EXPORT int unlink(const char *path) {
  if (!path || !fs_intercepts()) return REAL(unlink)(path);
  struct routed_path rp;
  int rc;
  if (remove_at(AT_FDCWD, path, 0, REMOVE_FILE, &rp, &rc)) return (int)errno_result(rc);
  return REAL(unlink)(rp.route == ROUTE_LOCAL ? rp.path : path);
}

LAYER_EXPORT int unlinkat(int dirfd, const char *path, int flags) {
  if (!path || !fs_intercepts()) return REAL(unlinkat)(dirfd, path, flags);
  struct routed_path rp;
  int rc;
  if (remove_at(dirfd, path, flags, REMOVE_AT, &rp, &rc)) return (int)errno_result(rc);
  return REAL(unlinkat)(dirfd, rp.route == ROUTE_LOCAL ? rp.path : path, flags);
}

LAYER_EXPORT int rmdir(const char *path) {
  if (!path || !fs_intercepts()) return REAL(rmdir)(path);
  struct routed_path rp;
  int rc;
  if (remove_at(AT_FDCWD, path, 0, REMOVE_DIR, &rp, &rc)) return (int)errno_result(rc);
  return REAL(rmdir)(rp.route == ROUTE_LOCAL ? rp.path : path);
}
