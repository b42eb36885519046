/*
 * copy_file_range, sendfile, sendfile64. When neither fd is a remote file: libc. Otherwise the
 * copy is emulated with the layer's read/write (one chunk of at most 1 MiB per call, like a
 * short copy), so tools such as cat that try copy_file_range first still see remote content.
 * Errors: those of the underlying read/write.
 */
#include <stdlib.h>
#include <unistd.h>

#include "file_hooks.h"
#include "hook.h"
#include "remote_file.h"

static ssize_t read_at(int fd, void *buf, size_t n, off64_t *offset) {
  if (!offset) return layer_read(fd, buf, n);
  ssize_t got = pread64(fd, buf, n, *offset);
  if (got > 0) *offset += got;
  return got;
}

static ssize_t write_at(int fd, const void *buf, size_t n, off64_t *offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t put = offset ? pwrite64(fd, (const char *)buf + done, n - done, *offset)
                         : layer_write(fd, (const char *)buf + done, n - done);
    if (put < 0) {
      if (errno == EINTR) continue;
      return done ? (ssize_t)done : -1;
    }
    if (offset) *offset += put;
    done += (size_t)put;
  }
  return (ssize_t)done;
}

static ssize_t emulate_copy(int in, off64_t *in_offset, int out, off64_t *out_offset, size_t len) {
  size_t chunk = len < REMOTE_READ_MAX ? len : REMOTE_READ_MAX;
  if (chunk == 0) return 0;
  char *buf = malloc(chunk);
  if (!buf) return errno_result(-ENOMEM);
  ssize_t got = read_at(in, buf, chunk, in_offset);
  ssize_t rc = got <= 0 ? got : write_at(out, buf, (size_t)got, out_offset);
  free(buf);
  return rc;
}

static int involves_remote(int a, int b) { return is_remote_file(a) || is_remote_file(b); }

LAYER_EXPORT ssize_t copy_file_range(int in, off64_t *in_offset, int out, off64_t *out_offset, size_t len,
                                     unsigned int flags) {
  if (!involves_remote(in, out)) {
    if (!REAL(copy_file_range)) return errno_result(-ENOSYS);
    return REAL(copy_file_range)(in, in_offset, out, out_offset, len, flags);
  }
  if (flags) return errno_result(-EINVAL);
  return emulate_copy(in, in_offset, out, out_offset, len);
}

LAYER_EXPORT ssize_t sendfile(int out, int in, off_t *offset, size_t count) {
  if (!involves_remote(in, out)) return REAL(sendfile)(out, in, offset, count);
  off64_t at = offset ? *offset : 0;
  ssize_t rc = emulate_copy(in, offset ? &at : NULL, out, NULL, count);
  if (offset) *offset = (off_t)at;
  return rc;
}

LAYER_EXPORT ssize_t sendfile64(int out, int in, off64_t *offset, size_t count) {
  if (!involves_remote(in, out)) return REAL(sendfile64)(out, in, offset, count);
  return emulate_copy(in, offset, out, NULL, count);
}
