/*
 * getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr. The agent has no extended
 * attribute requests, so remote files report none: the list is empty and every attribute is
 * absent (ENODATA) — what tools like `ls -l` (ACL checks) expect from a file without any.
 * Bypass: layer inactive, fs mode local, local paths and fds. Errors: ENOENT for not-found paths.
 */
#include <fcntl.h>

#include "fs_route.h"
#include "hook.h"

/* 1 = remote (answer from the layer), 0 = local (libc with rp->path), -1 = not found. */
static int xattr_route(const char *path, struct routed_path *rp) {
  int saved = guard_enter();
  fs_route(AT_FDCWD, path, 0, rp);
  guard_leave(saved);
  if (rp->route == ROUTE_NOT_FOUND) return -1;
  return rp->route == ROUTE_REMOTE;
}

#define GET_HOOK(name)                                                                     \
  LAYER_EXPORT ssize_t name(const char *path, const char *attr, void *value, size_t size) { \
    if (!path || !fs_intercepts()) return REAL(name)(path, attr, value, size);             \
    struct routed_path rp;                                                                 \
    int r = xattr_route(path, &rp);                                                        \
    if (r < 0) return errno_result(-ENOENT);                                               \
    if (r) return errno_result(-ENODATA);                                                  \
    return REAL(name)(rp.path, attr, value, size);                                         \
  }

#define LIST_HOOK(name)                                                     \
  LAYER_EXPORT ssize_t name(const char *path, char *list, size_t size) {    \
    if (!path || !fs_intercepts()) return REAL(name)(path, list, size);     \
    struct routed_path rp;                                                  \
    int r = xattr_route(path, &rp);                                         \
    if (r < 0) return errno_result(-ENOENT);                                \
    if (r) return 0;                                                        \
    return REAL(name)(rp.path, list, size);                                 \
  }

GET_HOOK(getxattr)
GET_HOOK(lgetxattr)
LIST_HOOK(listxattr)
LIST_HOOK(llistxattr)

LAYER_EXPORT ssize_t fgetxattr(int fd, const char *attr, void *value, size_t size) {
  if (!is_remote_file(fd)) return REAL(fgetxattr)(fd, attr, value, size);
  return errno_result(-ENODATA);
}

LAYER_EXPORT ssize_t flistxattr(int fd, char *list, size_t size) {
  if (!is_remote_file(fd)) return REAL(flistxattr)(fd, list, size);
  return 0;
}
