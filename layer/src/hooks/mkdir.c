/*
 * mkdir, mkdirat. Writes for the fs decision. Bypass: layer inactive, fs mode local, local paths.
 * Remote: File MakeDir / MakeDirAt (relative to a remote dir fd); an agent without these
 * requests (NotImplemented) makes the layer fall back to the local call.
 * Errors: ENOENT for not-found paths, the agent's errno otherwise.
 */
#include <fcntl.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

static int mkdir_at(int dirfd, const char *path, mode_t mode, struct routed_path *rp, int *rc) {
  int saved = guard_enter();
  fs_route(dirfd, path, 1, rp);
  int handled = 1;
  if (rp->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (rp->route == ROUTE_LOCAL) handled = 0;
  else {
    *rc = remote_mkdir(rp, mode);
    if (*rc == REMOTE_NOT_IMPLEMENTED) handled = 0;
  }
  guard_leave(saved);
  return handled;
}

LAYER_EXPORT int mkdir(const char *path, mode_t mode) {
  if (!path || !fs_intercepts()) return REAL(mkdir)(path, mode);
  struct routed_path rp;
  int rc;
  if (mkdir_at(AT_FDCWD, path, mode, &rp, &rc)) return (int)errno_result(rc);
  return REAL(mkdir)(rp.route == ROUTE_LOCAL ? rp.path : path, mode);
}

LAYER_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode) {
  if (!path || !fs_intercepts()) return REAL(mkdirat)(dirfd, path, mode);
  struct routed_path rp;
  int rc;
  if (mkdir_at(dirfd, path, mode, &rp, &rc)) return (int)errno_result(rc);
  return REAL(mkdirat)(dirfd, rp.route == ROUTE_LOCAL ? rp.path : path, mode);
}
