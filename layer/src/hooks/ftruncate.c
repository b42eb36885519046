/*
 * ftruncate, ftruncate64, fsync, fdatasync. Bypass: the fd is not a remote file.
 * Remote: File Ftruncate; fsync/fdatasync return 0 without a request (nothing is buffered in the
 * layer — mirrord's behaviour). Errors: EINVAL for a negative length, the agent's errno.
 */
#include "hook.h"
#include "remote_file.h"

static int truncate_remote(int fd, int64_t length) {
  if (length < 0) return (int)errno_result(-EINVAL);
  int saved = guard_enter();
  int rc = remote_ftruncate(fd, length);
  guard_leave(saved);
  return (int)errno_result(rc);
}

LAYER_EXPORT int ftruncate(int fd, off_t length) {
  if (!is_remote_file(fd)) return REAL(ftruncate)(fd, length);
  return truncate_remote(fd, length);
}

LAYER_EXPORT int ftruncate64(int fd, off64_t length) {
  if (!is_remote_file(fd)) return REAL(ftruncate64)(fd, length);
  return truncate_remote(fd, length);
}

LAYER_EXPORT int fsync(int fd) {
  if (!is_remote_file(fd)) return REAL(fsync)(fd);
  return 0;
}

LAYER_EXPORT int fdatasync(int fd) {
  if (!is_remote_file(fd)) return REAL(fdatasync)(fd);
  return 0;
}
