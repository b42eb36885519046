/*
 * fopen, fopen64, freopen, freopen64. glibc's fopen opens files with internal calls the open
 * hooks never see, so stdio is routed here. Bypass: layer inactive, fs mode local, local paths.
 * Remote fopen: the file is opened like open() and wrapped with fopencookie (reads, writes,
 * seeks and fclose go through the hooks); fileno() returns the placeholder fd.
 * Remote freopen for reading: the remote content is copied into an anonymous memory file that
 * the stream is reopened on; for writing it is not supported (ENOTSUP, logged).
 * Errors: EINVAL for a bad mode, ENOENT for not-found paths, the agent's errno.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "file_hooks.h"
#include "fs_route.h"
#include "hook.h"
#include "log.h"
#include "remote_file.h"

/* fopen mode -> open flags and the plain mode fopencookie understands; -1 for a bad mode. */
static int parse_mode(const char *mode, char plain[4]) {
  int flags;
  switch (mode[0]) {
    case 'r': flags = O_RDONLY; break;
    case 'w': flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case 'a': flags = O_WRONLY | O_CREAT | O_APPEND; break;
    default: return -1;
  }
  int plus = 0;
  for (const char *m = mode + 1; *m && *m != ','; m++) {
    if (*m == '+') plus = 1;
    else if (*m == 'e') flags |= O_CLOEXEC;
    else if (*m == 'x') flags |= O_EXCL;
  }
  if (plus) flags = (flags & ~O_ACCMODE) | O_RDWR;
  plain[0] = mode[0];
  plain[1] = plus ? '+' : 0;
  plain[2] = 0;
  return flags;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t size) { return layer_read((int)(intptr_t)cookie, buf, size); }

static ssize_t cookie_write(void *cookie, const char *buf, size_t size) {
  ssize_t n = layer_write((int)(intptr_t)cookie, buf, size);
  return n < 0 ? 0 : n; /* fopencookie: 0 reports the error */
}

static int cookie_seek(void *cookie, off64_t *offset, int whence) {
  off64_t at = layer_lseek((int)(intptr_t)cookie, *offset, whence);
  if (at < 0) return -1;
  *offset = at;
  return 0;
}

static int cookie_close(void *cookie) { return layer_close((int)(intptr_t)cookie); }

static const cookie_io_functions_t remote_stream_io = {cookie_read, cookie_write, cookie_seek, cookie_close};

static FILE *open_stream(const char *path, const char *mode, FILE *(*real_fopen)(const char *, const char *)) {
  if (!path || !mode || !fs_intercepts()) return real_fopen(path, mode);
  char plain[4];
  int flags = parse_mode(mode, plain);
  if (flags < 0) {
    errno = EINVAL;
    return NULL;
  }
  int saved = guard_enter();
  struct routed_path rp;
  fs_route(AT_FDCWD, path, (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)), &rp);
  if (rp.route == ROUTE_LOCAL) {
    guard_leave(saved);
    return real_fopen(rp.path, mode);
  }
  int fd = -ENOENT, open_locally = 0;
  if (rp.route != ROUTE_NOT_FOUND) fd = remote_open(&rp, flags, &open_locally);
  guard_leave(saved);
  if (open_locally) return real_fopen(rp.path, mode);
  if (fd < 0) {
    errno = -fd;
    return NULL;
  }
  FILE *stream = fopencookie((void *)(intptr_t)fd, plain, remote_stream_io);
  if (!stream) {
    int err = errno;
    layer_close(fd);
    errno = err;
    return NULL;
  }
  stream->_fileno = fd; /* fileno() and fstat(fileno(f)) keep working */
  return stream;
}

LAYER_EXPORT FILE *fopen(const char *path, const char *mode) { return open_stream(path, mode, REAL(fopen)); }
LAYER_EXPORT FILE *fopen64(const char *path, const char *mode) { return open_stream(path, mode, REAL(fopen64)); }

/* Copies a remote file into a memfd; returns the memfd or -errno. */
static int snapshot_remote(int fd) {
  int mem = memfd_create("mirrord-remote-file", MFD_CLOEXEC);
  if (mem < 0) return -errno;
  char *buf = malloc(REMOTE_READ_MAX);
  if (!buf) {
    REAL(close)(mem);
    return -ENOMEM;
  }
  ssize_t n;
  while ((n = remote_read(fd, buf, REMOTE_READ_MAX)) > 0)
    if (REAL(write)(mem, buf, (size_t)n) != n) {
      n = -EIO;
      break;
    }
  free(buf);
  if (n < 0) {
    REAL(close)(mem);
    return (int)n;
  }
  REAL(lseek)(mem, 0, SEEK_SET);
  return mem;
}

static FILE *reopen_stream(const char *path, const char *mode, FILE *stream,
                           FILE *(*real_freopen)(const char *, const char *, FILE *)) {
  if (!path || !mode || !fs_intercepts()) return real_freopen(path, mode, stream);
  char plain[4];
  int flags = parse_mode(mode, plain);
  if (flags < 0) return real_freopen(path, mode, stream);
  int saved = guard_enter();
  struct routed_path rp;
  int writing = (flags & O_ACCMODE) != O_RDONLY;
  fs_route(AT_FDCWD, path, writing, &rp);
  if (rp.route == ROUTE_LOCAL) {
    guard_leave(saved);
    return real_freopen(rp.path, mode, stream);
  }
  int rc = rp.route == ROUTE_NOT_FOUND ? -ENOENT : 0;
  if (rc == 0 && writing) {
    LOG_WRN("freopen(\"%s\", \"%s\") of a remote file for writing is not supported", path, mode);
    rc = -ENOTSUP;
  }
  int mem = -1;
  if (rc == 0) {
    int open_locally;
    int fd = remote_open(&rp, O_RDONLY | O_CLOEXEC, &open_locally);
    if (open_locally) {
      guard_leave(saved);
      return real_freopen(rp.path, mode, stream);
    }
    if (fd < 0) rc = fd;
    else {
      mem = snapshot_remote(fd);
      fd_table_close(fd, REAL(close));
      if (mem < 0) rc = mem;
    }
  }
  guard_leave(saved);
  if (rc < 0) {
    errno = -rc;
    return NULL;
  }
  char proc_path[64];
  snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", mem);
  FILE *result = real_freopen(proc_path, mode, stream);
  int err = errno;
  REAL(close)(mem);
  errno = err;
  return result;
}

LAYER_EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream) {
  return reopen_stream(path, mode, stream, REAL(freopen));
}

LAYER_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream) {
  return reopen_stream(path, mode, stream, REAL(freopen64));
}
