/*
 * lseek, lseek64. Bypass: the fd is not a remote file. Remote: File Seek (SEEK_SET/CUR/END;
 * SEEK_DATA/SEEK_HOLE give EINVAL). Errors: EINVAL for a negative absolute offset, EIO when the
 * intproxy link is gone, the agent's errno otherwise.
 */
#include "file_hooks.h"
#include "hook.h"
#include "remote_file.h"

off64_t layer_lseek(int fd, off64_t offset, int whence) {
  if (!is_remote_file(fd)) return REAL(lseek64)(fd, offset, whence);
  int saved = guard_enter();
  int64_t rc = remote_lseek(fd, offset, whence);
  guard_leave(saved);
  return (off64_t)errno_result(rc);
}

LAYER_EXPORT off_t lseek(int fd, off_t offset, int whence) {
  if (!is_remote_file(fd)) return REAL(lseek)(fd, offset, whence);
  return (off_t)layer_lseek(fd, offset, whence);
}

LAYER_EXPORT off64_t lseek64(int fd, off64_t offset, int whence) { return layer_lseek(fd, offset, whence); }
