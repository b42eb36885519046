/*
 * write, pwrite, pwrite64, writev, pwritev, pwritev64, pwritev2, pwritev64v2.
 * Bypass: the fd is not a remote file. Remote: File Write, or WriteLimited for the positional
 * variants; writev gathers the iovecs into one request.
 * Errors: EIO when the intproxy link is gone, the agent's errno otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "file_hooks.h"
#include "hook.h"
#include "remote_file.h"

ssize_t layer_write(int fd, const void *buf, size_t count) {
  if (!is_remote_file(fd)) return REAL(write)(fd, buf, count);
  int saved = guard_enter();
  ssize_t rc = remote_write(fd, buf, count);
  guard_leave(saved);
  return errno_result(rc);
}

static ssize_t positional_write(int fd, const void *buf, size_t count, off64_t offset) {
  if (offset < 0) return errno_result(-EINVAL);
  int saved = guard_enter();
  ssize_t rc = remote_pwrite(fd, buf, count, (uint64_t)offset);
  guard_leave(saved);
  return errno_result(rc);
}

/* offset < 0: current position. */
static ssize_t vector_write(int fd, const struct iovec *iov, int count, off64_t offset) {
  if (count < 0) return errno_result(-EINVAL);
  size_t total = 0;
  for (int i = 0; i < count; i++) total += iov[i].iov_len;
  char *tmp = malloc(total ? total : 1);
  if (!tmp) return errno_result(-ENOMEM);
  size_t at = 0;
  for (int i = 0; i < count; i++) {
    memcpy(tmp + at, iov[i].iov_base, iov[i].iov_len);
    at += iov[i].iov_len;
  }
  int saved = guard_enter();
  ssize_t rc = offset < 0 ? remote_write(fd, tmp, total) : remote_pwrite(fd, tmp, total, (uint64_t)offset);
  guard_leave(saved);
  free(tmp);
  return errno_result(rc);
}

LAYER_EXPORT ssize_t write(int fd, const void *buf, size_t count) { return layer_write(fd, buf, count); }

LAYER_EXPORT ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
  if (!is_remote_file(fd)) return REAL(pwrite)(fd, buf, count, offset);
  return positional_write(fd, buf, count, offset);
}

LAYER_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) {
  if (!is_remote_file(fd)) return REAL(pwrite64)(fd, buf, count, offset);
  return positional_write(fd, buf, count, offset);
}

LAYER_EXPORT ssize_t writev(int fd, const struct iovec *iov, int count) {
  if (!is_remote_file(fd)) return REAL(writev)(fd, iov, count);
  return vector_write(fd, iov, count, -1);
}

LAYER_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int count, off_t offset) {
  if (!is_remote_file(fd)) return REAL(pwritev)(fd, iov, count, offset);
  if (offset < 0) return errno_result(-EINVAL);
  return vector_write(fd, iov, count, offset);
}

LAYER_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int count, off64_t offset) {
  if (!is_remote_file(fd)) return REAL(pwritev64)(fd, iov, count, offset);
  if (offset < 0) return errno_result(-EINVAL);
  return vector_write(fd, iov, count, offset);
}

LAYER_EXPORT ssize_t pwritev2(int fd, const struct iovec *iov, int count, off_t offset, int flags) {
  if (!is_remote_file(fd)) {
    if (!REAL(pwritev2)) return errno_result(-ENOSYS);
    return REAL(pwritev2)(fd, iov, count, offset, flags);
  }
  if (offset < -1) return errno_result(-EINVAL);
  return vector_write(fd, iov, count, offset);
}

LAYER_EXPORT ssize_t pwritev64v2(int fd, const struct iovec *iov, int count, off64_t offset, int flags) {
  if (!is_remote_file(fd)) {
    if (!REAL(pwritev64v2)) return errno_result(-ENOSYS);
    return REAL(pwritev64v2)(fd, iov, count, offset, flags);
  }
  if (offset < -1) return errno_result(-EINVAL);
  return vector_write(fd, iov, count, offset);
}
