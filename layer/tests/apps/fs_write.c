/*
 * Writes a file with one of the write-side hooks, then reads it back through the same fd.
 *   fs_write OP PATH TEXT
 * OP: write, pwrite (at offset 2), pwrite64, writev (TEXT split in two iovecs), pwritev,
 *     creat (creat + write), append (O_APPEND twice), ftruncate (write then truncate to 3),
 *     fsync, fdatasync, fchmod, fchown, futimens (the change after the write)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 3) return 2;
  const char *op = argv[0], *path = argv[1], *text = argv[2];
  size_t len = strlen(text);
  int fd;
  if (!strcmp(op, "creat")) fd = creat(path, 0644);
  else if (!strcmp(op, "append")) fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  else fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return report_errno(out, "open");
  ssize_t n;
  if (!strcmp(op, "pwrite") || !strcmp(op, "pwrite64")) {
    if (write(fd, "__", 2) != 2) return report_errno(out, "write");
    n = !strcmp(op, "pwrite") ? pwrite(fd, text, len, 2) : pwrite64(fd, text, len, 2);
  } else if (!strcmp(op, "writev") || !strcmp(op, "pwritev")) {
    struct iovec iov[2] = {{(void *)text, len / 2}, {(void *)(text + len / 2), len - len / 2}};
    n = !strcmp(op, "writev") ? writev(fd, iov, 2) : pwritev(fd, iov, 2, 0);
  } else if (!strcmp(op, "append")) {
    n = write(fd, text, len);
    if (n >= 0) n += write(fd, text, len);
  } else {
    n = write(fd, text, len);
  }
  if (n < 0) return report_errno(out, op);
  fprintf(out, "wrote: %zd\n", n);
  if (!strcmp(op, "ftruncate") && ftruncate(fd, 3) < 0) return report_errno(out, "ftruncate");
  if (!strcmp(op, "fsync") && fsync(fd) < 0) return report_errno(out, "fsync");
  if (!strcmp(op, "fdatasync") && fdatasync(fd) < 0) return report_errno(out, "fdatasync");
  if (!strcmp(op, "fchmod") && fchmod(fd, 0600) < 0) return report_errno(out, "fchmod");
  if (!strcmp(op, "fchown") && fchown(fd, (uid_t)-1, getgid()) < 0) return report_errno(out, "fchown");
  if (!strcmp(op, "futimens")) {
    struct timespec times[2] = {{1700000000, 5}, {0, UTIME_OMIT}};
    if (futimens(fd, times) < 0) return report_errno(out, "futimens");
  }
  if (close(fd) < 0) return report_errno(out, "close");
  fd = open(path, O_RDONLY);
  if (fd < 0) return report_errno(out, "reopen");
  char buf[512] = {0};
  n = read(fd, buf, sizeof buf - 1);
  if (n < 0) return report_errno(out, "read");
  fprintf(out, "content: %s\n", buf);
  close(fd);
  return 0;
}
