/*
 * open, open64, openat, openat64, creat, creat64 and the fortify entry points __open_2,
 * __open64_2, __openat_2, __openat64_2.
 * Bypass: layer inactive, fs mode local, O_TMPFILE, paths the policy keeps local (fs.mapping
 * may still rewrite them), relative paths under a local directory fd.
 * Remote: the agent opens the file; the caller gets a placeholder fd (/dev/null by default).
 * Errors: ENOENT for not-found paths and remote ENOENT; the agent's errno otherwise.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "file_hooks.h"
#include "fs_route.h"
#include "hook.h"
#include "remote_file.h"

static int real_open(enum open_variant v, int dirfd, const char *path, int flags, mode_t mode) {
  switch (v) {
    case OPEN: return REAL(open)(path, flags, mode);
    case OPEN64: return REAL(open64)(path, flags, mode);
    case OPENAT: return REAL(openat)(dirfd, path, flags, mode);
    default: return REAL(openat64)(dirfd, path, flags, mode);
  }
}

static int is_write_open(int flags) {
  return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_APPEND | O_TRUNC | O_CREAT | O_EXCL));
}

int layer_open(enum open_variant v, int dirfd, const char *path, int flags, mode_t mode) {
  if (!fs_intercepts() || !path || (flags & __O_TMPFILE) == __O_TMPFILE)
    return real_open(v, dirfd, path, flags, mode);
  int saved = guard_enter();
  struct routed_path rp;
  fs_route(dirfd, path, is_write_open(flags), &rp);
  int rc;
  switch (rp.route) {
    case ROUTE_NOT_FOUND:
      rc = -ENOENT;
      break;
    case ROUTE_REMOTE:
    case ROUTE_REMOTE_RELATIVE: {
      int open_locally;
      rc = remote_open(&rp, flags, &open_locally);
      if (!open_locally) break;
      guard_leave(saved); /* the agent said "open it locally" */
      return real_open(v, dirfd, rp.path, flags, mode);
    }
    default:
      guard_leave(saved);
      return real_open(v, dirfd, rp.path, flags, mode);
  }
  guard_leave(saved);
  return (int)errno_result(rc);
}

static mode_t mode_arg(int flags, va_list ap) {
  return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

LAYER_EXPORT int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return layer_open(OPEN, AT_FDCWD, path, flags, mode);
}

LAYER_EXPORT int open64(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return layer_open(OPEN64, AT_FDCWD, path, flags, mode);
}

LAYER_EXPORT int openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return layer_open(OPENAT, dirfd, path, flags, mode);
}

LAYER_EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return layer_open(OPENAT64, dirfd, path, flags, mode);
}

LAYER_EXPORT int __open_2(const char *path, int flags) { return layer_open(OPEN, AT_FDCWD, path, flags, 0); }
LAYER_EXPORT int __open64_2(const char *path, int flags) { return layer_open(OPEN64, AT_FDCWD, path, flags, 0); }
LAYER_EXPORT int __openat_2(int dirfd, const char *path, int flags) { return layer_open(OPENAT, dirfd, path, flags, 0); }
LAYER_EXPORT int __openat64_2(int dirfd, const char *path, int flags) { return layer_open(OPENAT64, dirfd, path, flags, 0); }

LAYER_EXPORT int creat(const char *path, mode_t mode) {
  return layer_open(OPEN, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

LAYER_EXPORT int creat64(const char *path, mode_t mode) {
  return layer_open(OPEN64, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
