/*
 * opendir, fdopendir, closedir, dirfd, rewinddir, telldir, seekdir.
 * Bypass: layer inactive, fs mode local, local paths, local fds, DIR* not made by the layer.
 * Remote: opendir = File Open + FdOpenDir, returning a layer-owned DIR*; fdopendir on a remote
 * fd = FdOpenDir; closedir = CloseDir (no response) + close of the owning fd.
 * seekdir on a remote stream is not supported (logged, ignored).
 * Errors: ENOENT for not-found paths, ENOTDIR/EACCES/... from the agent.
 */
#include <fcntl.h>

#include "fs_route.h"
#include "hook.h"
#include "log.h"
#include "remote_dir.h"

LAYER_EXPORT DIR *opendir(const char *path) {
  if (!path || !fs_intercepts()) return REAL(opendir)(path);
  int saved = guard_enter();
  struct routed_path rp;
  fs_route(AT_FDCWD, path, 0, &rp);
  DIR *dir = NULL;
  int err = 0;
  if (rp.route == ROUTE_NOT_FOUND) {
    err = ENOENT;
  } else if (rp.route == ROUTE_REMOTE) {
    dir = remote_opendir(&rp, &err);
  } else {
    guard_leave(saved);
    return REAL(opendir)(rp.path);
  }
  guard_leave(saved);
  if (!dir) errno = err;
  return dir;
}

LAYER_EXPORT DIR *fdopendir(int fd) {
  if (!is_remote_file(fd)) return REAL(fdopendir)(fd);
  int saved = guard_enter();
  int err = 0;
  DIR *dir = remote_fdopendir(fd, &err);
  guard_leave(saved);
  if (!dir) errno = err;
  return dir;
}

LAYER_EXPORT int closedir(DIR *dir) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(closedir)(dir);
  int saved = guard_enter();
  int rc = remote_closedir(dir);
  int result_errno = errno;
  guard_leave(saved);
  if (rc < 0) errno = result_errno;
  return rc;
}

LAYER_EXPORT int dirfd(DIR *dir) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(dirfd)(dir);
  return remote_dirfd(dir);
}

LAYER_EXPORT void rewinddir(DIR *dir) {
  if (guard_active() || !remote_dir_owns(dir)) {
    REAL(rewinddir)(dir);
    return;
  }
  int saved_errno = errno;
  int saved = guard_enter();
  remote_rewinddir(dir);
  guard_leave(saved);
  errno = saved_errno;
}

LAYER_EXPORT long telldir(DIR *dir) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(telldir)(dir);
  return remote_telldir(dir);
}

LAYER_EXPORT void seekdir(DIR *dir, long position) {
  if (guard_active() || !remote_dir_owns(dir)) {
    REAL(seekdir)(dir, position);
    return;
  }
  LOG_WRN("seekdir on a remote directory is not supported; the listing continues where it was");
}
