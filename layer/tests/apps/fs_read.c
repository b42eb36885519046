/*
 * Reads a file with one of the read-side hooks and prints what it got.
 *   fs_read OP PATH [OFFSET]
 * OP: open, open64, openat, openat-relative (PATH = DIR/NAME, opens DIR then NAME relative to it),
 *     creat-read (O_RDONLY via openat64), pread, pread64, readv, preadv, preadv2, lseek (reads
 *     from OFFSET after lseek SEEK_SET, then reports SEEK_END), lseek64,
 *     errno-kept (errno set to EDOM before a successful open/read/close is still EDOM after)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "scenario.h"

static int print_fd(FILE *out, int fd) {
  char buf[4096];
  ssize_t n, total = 0;
  fprintf(out, "content: ");
  while ((n = read(fd, buf, 7)) > 0) {
    fwrite(buf, 1, (size_t)n, out);
    total += n;
  }
  fprintf(out, "\n");
  if (n < 0) return report_errno(out, "read");
  fprintf(out, "bytes: %zd\n", total);
  return 0;
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *path = argv[1];
  long offset = argc > 2 ? atol(argv[2]) : 0;
  int fd;
  if (!strcmp(op, "errno-kept")) {
    errno = EDOM;
    fd = open(path, O_RDONLY);
    char b[8];
    ssize_t n = fd >= 0 ? read(fd, b, sizeof b) : -1;
    int closed = fd >= 0 ? close(fd) : -1;
    fprintf(out, "results: %d %zd %d errno: %s\n", fd >= 0, n, closed, strerrorname_np(errno));
    return 0;
  }
  if (!strcmp(op, "open")) fd = open(path, O_RDONLY);
  else if (!strcmp(op, "open64")) fd = open64(path, O_RDONLY | O_CLOEXEC);
  else if (!strcmp(op, "openat")) fd = openat(AT_FDCWD, path, O_RDONLY);
  else if (!strcmp(op, "openat64")) fd = openat64(AT_FDCWD, path, O_RDONLY);
  else if (!strcmp(op, "openat-relative")) {
    char *copy = strdup(path), *copy2 = strdup(path);
    int dir = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (dir < 0) return report_errno(out, "open-dir");
    fd = openat(dir, basename(copy2), O_RDONLY);
    close(dir);
  } else {
    fd = open(path, O_RDONLY);
  }
  if (fd < 0) return report_errno(out, "open");
  char buf[256] = {0};
  ssize_t n = -2;
  if (!strcmp(op, "pread")) n = pread(fd, buf, sizeof buf - 1, offset);
  else if (!strcmp(op, "pread64")) n = pread64(fd, buf, sizeof buf - 1, offset);
  else if (!strcmp(op, "readv") || !strcmp(op, "preadv") || !strcmp(op, "preadv2")) {
    char a[4] = {0}, b[200] = {0};
    struct iovec iov[2] = {{a, 3}, {b, sizeof b - 1}};
    n = !strcmp(op, "readv") ? readv(fd, iov, 2) : !strcmp(op, "preadv") ? preadv(fd, iov, 2, offset)
                                                                          : preadv2(fd, iov, 2, offset, 0);
    if (n >= 0) fprintf(out, "iov: [%s] [%s]\n", a, b);
  } else if (!strcmp(op, "lseek") || !strcmp(op, "lseek64")) {
    off64_t at = !strcmp(op, "lseek") ? lseek(fd, offset, SEEK_SET) : lseek64(fd, offset, SEEK_SET);
    if (at < 0) return report_errno(out, "lseek");
    fprintf(out, "at: %lld\n", (long long)at);
    n = read(fd, buf, sizeof buf - 1);
    off64_t end = lseek(fd, 0, SEEK_END);
    fprintf(out, "end: %lld\n", (long long)end);
    off64_t bad = lseek(fd, -1, SEEK_SET);
    fprintf(out, "negative: %lld %s\n", (long long)bad, bad < 0 ? strerrorname_np(errno) : "-");
  } else {
    int rc = print_fd(out, fd);
    close(fd);
    return rc;
  }
  if (n < 0) return report_errno(out, op);
  if (strncmp(op, "readv", 5) && strncmp(op, "preadv", 6)) fprintf(out, "content: %s\n", buf);
  fprintf(out, "bytes: %zd\n", n);
  if (close(fd) < 0) return report_errno(out, "close");
  return 0;
}
