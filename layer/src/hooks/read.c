/*
 * read, pread, pread64, readv, preadv, preadv64, preadv2, preadv64v2 and the fortify entry
 * points __read_chk, __pread_chk, __pread64_chk.
 * Bypass: the fd is not a remote file. Remote: File Read (at most 1 MiB per call; readv fills
 * the iovecs in order) or ReadLimited for the positional variants.
 * Errors: EBADF/EIO when the intproxy link is gone, the agent's errno otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "file_hooks.h"
#include "hook.h"
#include "remote_file.h"

ssize_t layer_read(int fd, void *buf, size_t count) {
  if (!is_remote_file(fd)) return REAL(read)(fd, buf, count);
  int saved = guard_enter();
  ssize_t rc = remote_read(fd, buf, count);
  guard_leave(saved);
  return errno_result(rc);
}

static ssize_t positional_read(int fd, void *buf, size_t count, off64_t offset) {
  if (offset < 0) return -EINVAL;
  int saved = guard_enter();
  ssize_t rc = remote_pread(fd, buf, count, (uint64_t)offset);
  guard_leave(saved);
  return rc;
}

static size_t iov_total(const struct iovec *iov, int count) {
  size_t total = 0;
  for (int i = 0; i < count; i++) total += iov[i].iov_len;
  return total > REMOTE_READ_MAX ? REMOTE_READ_MAX : total;
}

static void scatter(const char *data, size_t n, const struct iovec *iov, int count) {
  for (int i = 0; i < count && n; i++) {
    size_t part = iov[i].iov_len < n ? iov[i].iov_len : n;
    memcpy(iov[i].iov_base, data, part);
    data += part;
    n -= part;
  }
}

/* readv family: offset < 0 means "current position". */
static ssize_t vector_read(int fd, const struct iovec *iov, int count, off64_t offset) {
  if (count < 0) return errno_result(-EINVAL);
  size_t total = iov_total(iov, count);
  char *tmp = malloc(total ? total : 1);
  if (!tmp) return errno_result(-ENOMEM);
  int saved = guard_enter();
  ssize_t rc = offset < 0 ? remote_read(fd, tmp, total) : remote_pread(fd, tmp, total, (uint64_t)offset);
  guard_leave(saved);
  if (rc > 0) scatter(tmp, (size_t)rc, iov, count);
  free(tmp);
  return errno_result(rc);
}

LAYER_EXPORT ssize_t read(int fd, void *buf, size_t count) { return layer_read(fd, buf, count); }

LAYER_EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen) {
  if (count > buflen) abort(); /* what glibc's __chk_fail does, minus the message */
  return layer_read(fd, buf, count);
}

LAYER_EXPORT ssize_t pread(int fd, void *buf, size_t count, off_t offset) {
  if (!is_remote_file(fd)) return REAL(pread)(fd, buf, count, offset);
  return errno_result(positional_read(fd, buf, count, offset));
}

LAYER_EXPORT ssize_t pread64(int fd, void *buf, size_t count, off64_t offset) {
  if (!is_remote_file(fd)) return REAL(pread64)(fd, buf, count, offset);
  return errno_result(positional_read(fd, buf, count, offset));
}

LAYER_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t count, off_t offset, size_t buflen) {
  if (count > buflen) abort();
  return pread(fd, buf, count, offset);
}

LAYER_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t count, off64_t offset, size_t buflen) {
  if (count > buflen) abort();
  return pread64(fd, buf, count, offset);
}

LAYER_EXPORT ssize_t readv(int fd, const struct iovec *iov, int count) {
  if (!is_remote_file(fd)) return REAL(readv)(fd, iov, count);
  return vector_read(fd, iov, count, -1);
}

LAYER_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int count, off_t offset) {
  if (!is_remote_file(fd)) return REAL(preadv)(fd, iov, count, offset);
  if (offset < 0) return errno_result(-EINVAL);
  return vector_read(fd, iov, count, offset);
}

LAYER_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int count, off64_t offset) {
  if (!is_remote_file(fd)) return REAL(preadv64)(fd, iov, count, offset);
  if (offset < 0) return errno_result(-EINVAL);
  return vector_read(fd, iov, count, offset);
}

/* preadv2 with offset -1 reads at the current position. */
LAYER_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int count, off_t offset, int flags) {
  if (!is_remote_file(fd)) {
    if (!REAL(preadv2)) return errno_result(-ENOSYS);
    return REAL(preadv2)(fd, iov, count, offset, flags);
  }
  if (offset < -1) return errno_result(-EINVAL);
  return vector_read(fd, iov, count, offset);
}

LAYER_EXPORT ssize_t preadv64v2(int fd, const struct iovec *iov, int count, off64_t offset, int flags) {
  if (!is_remote_file(fd)) {
    if (!REAL(preadv64v2)) return errno_result(-ENOSYS);
    return REAL(preadv64v2)(fd, iov, count, offset, flags);
  }
  if (offset < -1) return errno_result(-EINVAL);
  return vector_read(fd, iov, count, offset);
}
