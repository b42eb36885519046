/*
 * statfs, statfs64, fstatfs, fstatfs64, statvfs, statvfs64, fstatvfs, fstatvfs64.
 * Reads for the fs decision. Bypass: layer inactive, fs mode local, local paths, local fds.
 * Remote: File StatFsV2 / XstatFsV2. Errors: ENOENT for not-found paths, the agent's errno.
 */
#include <fcntl.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"
#include "stat_convert.h"

/* 1 = answered (*rc, m); 0 = libc with rp->path. */
static int statfs_path(const char *path, struct routed_path *rp, struct remote_fs_metadata *m, int *rc) {
  int saved = guard_enter();
  fs_route(AT_FDCWD, path, 0, rp);
  int handled = 1;
  if (rp->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (rp->route == ROUTE_REMOTE) *rc = remote_statfs_path(rp->path, m);
  else handled = 0;
  guard_leave(saved);
  return handled;
}

static int statfs_fd(int fd, struct remote_fs_metadata *m) {
  int saved = guard_enter();
  struct file_record *f = fd_file_get(fd);
  int rc = f ? remote_statfs_fd(f->remote_fd, m) : -EBADF;
  fd_file_put(f);
  guard_leave(saved);
  return rc;
}

#define STATFS_PATH_HOOK(name, type, convert)                                    \
  LAYER_EXPORT int name(const char *path, type *buf) {                           \
    if (!path || !fs_intercepts()) return REAL(name)(path, buf);                 \
    struct routed_path rp;                                                       \
    struct remote_fs_metadata m;                                                 \
    int rc;                                                                      \
    if (!statfs_path(path, &rp, &m, &rc)) return REAL(name)(rp.path, buf);       \
    if (rc == 0) convert(&m, buf);                                               \
    return (int)errno_result(rc);                                                \
  }

#define STATFS_FD_HOOK(name, type, convert)                     \
  LAYER_EXPORT int name(int fd, type *buf) {                    \
    if (!is_remote_file(fd)) return REAL(name)(fd, buf);        \
    struct remote_fs_metadata m;                                \
    int rc = statfs_fd(fd, &m);                                 \
    if (rc == 0) convert(&m, buf);                              \
    return (int)errno_result(rc);                               \
  }

STATFS_PATH_HOOK(statfs, struct statfs, fs_metadata_to_statfs)
STATFS_PATH_HOOK(statfs64, struct statfs64, fs_metadata_to_statfs64)
STATFS_PATH_HOOK(statvfs, struct statvfs, fs_metadata_to_statvfs)
STATFS_PATH_HOOK(statvfs64, struct statvfs64, fs_metadata_to_statvfs64)
STATFS_FD_HOOK(fstatfs, struct statfs, fs_metadata_to_statfs)
STATFS_FD_HOOK(fstatfs64, struct statfs64, fs_metadata_to_statfs64)
STATFS_FD_HOOK(fstatvfs, struct statvfs, fs_metadata_to_statvfs)
STATFS_FD_HOOK(fstatvfs64, struct statvfs64, fs_metadata_to_statvfs64)
