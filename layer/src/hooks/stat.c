/*
 * stat, stat64, lstat, lstat64, fstat, fstat64, fstatat, fstatat64, statx and glibc's older
 * entry points __xstat, __xstat64, __lxstat, __lxstat64, __fxstat, __fxstat64, __fxstatat,
 * __fxstatat64 (binaries built against glibc < 2.33 call these).
 * Bypass: layer inactive, fs mode local, local paths (fs.mapping may rewrite them), local fds.
 * Remote: File Xstat (path or fd, follow_symlink per call), converted to the caller's layout.
 * Stat calls are "reads" for the fs decision (mirrord quirk). Errors: ENOENT for not-found
 * paths, the agent's errno otherwise.
 */
#include <fcntl.h>
#include <string.h>

#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"
#include "stat_convert.h"

enum stat_outcome { STAT_BYPASS, STAT_LOCAL, STAT_REMOTE };

/* Decides a stat of (dirfd, path). STAT_LOCAL: call libc with rp->path; STAT_REMOTE: *rc holds
   0 (m filled) or -errno. */
static enum stat_outcome stat_at(int dirfd, const char *path, int flags, struct routed_path *rp,
                                 struct remote_metadata *m, int *rc) {
  if (guard_active() || !path) return STAT_BYPASS;
  if (!*path && (flags & AT_EMPTY_PATH)) {
    if (fd_kind_of(dirfd) != FD_KIND_FILE) return STAT_BYPASS;
    int saved = guard_enter();
    struct file_record *f = fd_file_get(dirfd);
    *rc = f ? remote_stat_fd(f->remote_fd, m) : -EBADF;
    fd_file_put(f);
    guard_leave(saved);
    return STAT_REMOTE;
  }
  if (!fs_intercepts()) return STAT_BYPASS;
  int saved = guard_enter();
  fs_route(dirfd, path, 0, rp);
  enum stat_outcome out = STAT_REMOTE;
  if (rp->route == ROUTE_NOT_FOUND) *rc = -ENOENT;
  else if (rp->route == ROUTE_LOCAL) out = STAT_LOCAL;
  else *rc = remote_stat_path(rp, !(flags & AT_SYMLINK_NOFOLLOW), m);
  guard_leave(saved);
  return out;
}

static int fd_stat(int fd, struct remote_metadata *m) {
  int saved = guard_enter();
  struct file_record *f = fd_file_get(fd);
  int rc = f ? remote_stat_fd(f->remote_fd, m) : -EBADF;
  fd_file_put(f);
  guard_leave(saved);
  return rc;
}

/* The body every path-taking stat hook shares: the layer's answer, or libc (REAL_CALL, which
   uses `p` as the path: the caller's, or fs.mapping's rewrite for a local path). */
#define STAT_BODY(dirfd, path, flags, buf, convert, REAL_CALL)   \
  struct routed_path rp;                                         \
  struct remote_metadata m;                                      \
  int rc = 0;                                                    \
  const char *p = path;                                          \
  switch (stat_at(dirfd, path, flags, &rp, &m, &rc)) {           \
    case STAT_LOCAL: p = rp.path; __attribute__((fallthrough));  \
    case STAT_BYPASS: return REAL_CALL;                          \
    default: break;                                              \
  }                                                              \
  if (rc == 0) convert(&m, buf);                                 \
  return (int)errno_result(rc);

#define STAT_PATH_HOOK(name, type, convert, at_flags, REAL_CALL)                          \
  LAYER_EXPORT int name(const char *path, type *buf) {                                    \
    STAT_BODY(AT_FDCWD, path, at_flags, buf, convert, REAL_CALL)                          \
  }

STAT_PATH_HOOK(stat, struct stat, metadata_to_stat, 0, REAL(stat)(p, buf))
STAT_PATH_HOOK(stat64, struct stat64, metadata_to_stat64, 0, REAL(stat64)(p, buf))
STAT_PATH_HOOK(lstat, struct stat, metadata_to_stat, AT_SYMLINK_NOFOLLOW, REAL(lstat)(p, buf))
STAT_PATH_HOOK(lstat64, struct stat64, metadata_to_stat64, AT_SYMLINK_NOFOLLOW, REAL(lstat64)(p, buf))

#define STAT_FD_HOOK(name, type, convert, REAL_CALL)        \
  LAYER_EXPORT int name(int fd, type *buf) {                \
    if (!is_remote_file(fd)) return REAL_CALL;              \
    struct remote_metadata m;                               \
    int rc = fd_stat(fd, &m);                               \
    if (rc == 0) convert(&m, buf);                          \
    return (int)errno_result(rc);                           \
  }

STAT_FD_HOOK(fstat, struct stat, metadata_to_stat, REAL(fstat)(fd, buf))
STAT_FD_HOOK(fstat64, struct stat64, metadata_to_stat64, REAL(fstat64)(fd, buf))

#define STAT_AT_HOOK(name, type, convert, REAL_CALL)                         \
  LAYER_EXPORT int name(int dirfd, const char *path, type *buf, int flags) { \
    STAT_BODY(dirfd, path, flags, buf, convert, REAL_CALL)                   \
  }

STAT_AT_HOOK(fstatat, struct stat, metadata_to_stat, REAL(fstatat)(dirfd, p, buf, flags))
STAT_AT_HOOK(fstatat64, struct stat64, metadata_to_stat64, REAL(fstatat64)(dirfd, p, buf, flags))

static int no_statx(void) { return (int)errno_result(-ENOSYS); }

LAYER_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf) {
#define TO_STATX(m, b) metadata_to_statx(m, mask, b)
  STAT_BODY(dirfd, path, flags, buf, TO_STATX, REAL(statx) ? REAL(statx)(dirfd, p, flags, mask, buf) : no_statx())
#undef TO_STATX
}

/* ---- glibc < 2.33 entry points (version argument ignored: x86-64/aarch64 have one layout) --- */

#define XSTAT_PATH_HOOK(name, type, convert, at_flags)                                        \
  LAYER_EXPORT int name(int ver, const char *path, type *buf) {                               \
    STAT_BODY(AT_FDCWD, path, at_flags, buf, convert, REAL(name) ? REAL(name)(ver, p, buf) : no_statx()) \
  }

XSTAT_PATH_HOOK(__xstat, struct stat, metadata_to_stat, 0)
XSTAT_PATH_HOOK(__xstat64, struct stat64, metadata_to_stat64, 0)
XSTAT_PATH_HOOK(__lxstat, struct stat, metadata_to_stat, AT_SYMLINK_NOFOLLOW)
XSTAT_PATH_HOOK(__lxstat64, struct stat64, metadata_to_stat64, AT_SYMLINK_NOFOLLOW)

#define XSTAT_FD_HOOK(name, type, convert)                                   \
  LAYER_EXPORT int name(int ver, int fd, type *buf) {                        \
    if (!is_remote_file(fd)) return REAL(name) ? REAL(name)(ver, fd, buf) : no_statx(); \
    struct remote_metadata m;                                                \
    int rc = fd_stat(fd, &m);                                                \
    if (rc == 0) convert(&m, buf);                                           \
    return (int)errno_result(rc);                                            \
  }

XSTAT_FD_HOOK(__fxstat, struct stat, metadata_to_stat)
XSTAT_FD_HOOK(__fxstat64, struct stat64, metadata_to_stat64)

#define XSTAT_AT_HOOK(name, type, convert)                                                     \
  LAYER_EXPORT int name(int ver, int dirfd, const char *path, type *buf, int flags) {          \
    STAT_BODY(dirfd, path, flags, buf, convert,                                                \
              REAL(name) ? REAL(name)(ver, dirfd, p, buf, flags) : no_statx())                 \
  }

XSTAT_AT_HOOK(__fxstatat, struct stat, metadata_to_stat)
XSTAT_AT_HOOK(__fxstatat64, struct stat64, metadata_to_stat64)
