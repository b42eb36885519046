/*
 * readlink, readlinkat and the fortify entry points __readlink_chk, __readlinkat_chk.
 * Bypass: layer inactive, fs mode local, local paths. Remote: File ReadLink (the target is
 * truncated to the buffer, without a NUL, like the syscall). Errors: ENOENT for not-found paths,
 * the agent's errno otherwise.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

static int readlink_at(int dirfd, const char *path, char *buf, size_t size, struct routed_path *rp, ssize_t *rc) {
  int saved = guard_enter();
  fs_route(dirfd, path, 0, rp);
  int handled = 1;
  if (rp->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (rp->route == ROUTE_REMOTE) *rc = remote_readlink(rp->path, buf, size);
  else handled = 0;
  guard_leave(saved);
  return handled;
}

LAYER_EXPORT ssize_t readlink(const char *path, char *buf, size_t size) {
  if (!path || !fs_intercepts()) return REAL(readlink)(path, buf, size);
  struct routed_path rp;
  ssize_t rc;
  if (readlink_at(AT_FDCWD, path, buf, size, &rp, &rc)) return errno_result(rc);
  return REAL(readlink)(rp.path, buf, size);
}

LAYER_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size) {
  if (!path || !fs_intercepts()) return REAL(readlinkat)(dirfd, path, buf, size);
  struct routed_path rp;
  ssize_t rc;
  if (readlink_at(dirfd, path, buf, size, &rp, &rc)) return errno_result(rc);
  return REAL(readlinkat)(dirfd, rp.path, buf, size);
}

LAYER_EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t size, size_t buflen) {
  if (size > buflen) abort();
  return readlink(path, buf, size);
}

LAYER_EXPORT ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t size, size_t buflen) {
  if (size > buflen) abort();
  return readlinkat(dirfd, path, buf, size);
}
