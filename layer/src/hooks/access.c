/*
 * access, faccessat. Bypass: layer inactive, fs mode local, local paths, relative paths under a
 * local directory fd. Remote: File Access (the decision counts W_OK as a write).
 * Errors: ENOENT for not-found paths, the agent's errno otherwise.
 */
#include <fcntl.h>
#include <unistd.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

/* Returns 1 with *rc when the layer answered, 0 to call libc with rp->path. */
static int access_at(int dirfd, const char *path, int mode, struct routed_path *rp, int *rc) {
  int saved = guard_enter();
  fs_route(dirfd, path, (mode & W_OK) != 0, rp);
  int handled = 1;
  if (rp->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (rp->route == ROUTE_REMOTE) *rc = remote_access(rp->path, mode);
  else handled = 0; /* local, or relative to a remote dir (no such request: libc decides) */
  guard_leave(saved);
  return handled;
}

LAYER_EXPORT int access(const char *path, int mode) {
  if (!path || !fs_intercepts()) return REAL(access)(path, mode);
  struct routed_path rp;
  int rc;
  if (access_at(AT_FDCWD, path, mode, &rp, &rc)) return (int)errno_result(rc);
  return REAL(access)(rp.path, mode);
}

LAYER_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags) {
  if (!path || !fs_intercepts()) return REAL(faccessat)(dirfd, path, mode, flags);
  struct routed_path rp;
  int rc;
  if (access_at(dirfd, path, mode, &rp, &rc)) return (int)errno_result(rc);
  return REAL(faccessat)(dirfd, rp.path, mode, flags);
}
