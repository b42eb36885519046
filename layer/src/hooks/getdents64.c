/*
 * getdents64. Bypass: the fd is not a remote file. Remote: File GetDEnts64, written as
 * linux_dirent64 records. Errors: EINVAL when the buffer cannot hold one entry, the agent's errno.
 */
#include "hook.h"
#include "remote_dir.h"

LAYER_EXPORT ssize_t getdents64(int fd, void *buf, size_t size) {
  if (!is_remote_file(fd)) {
    if (!REAL(getdents64)) return errno_result(-ENOSYS);
    return REAL(getdents64)(fd, buf, size);
  }
  int saved = guard_enter();
  ssize_t rc = remote_getdents64(fd, buf, size);
  guard_leave(saved);
  return errno_result(rc);
}
