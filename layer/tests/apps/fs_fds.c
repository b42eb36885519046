/*
 * Descriptor operations on a file opened with open().
 *   fs_fds OP PATH
 * OP: dup, dup2, dup3, fcntl-dupfd, fcntl-dupfd-cloexec (each reads through the copy after
 *     closing the original), close-twice (second close gives EBADF), copy_file_range and
 *     sendfile (copy the file to stdout), syscall-close / close-range (close the remote fd that
 *     way, then open LOCAL — it gets the same number — and read it: must be LOCAL's content),
 *     close-range-all (close_range(3, ~0) then open PATH again: the layer's link survived)
 *   fs_fds OP PATH LOCAL
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *path = argv[1];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return report_errno(out, "open");
  if (!strcmp(op, "syscall-close") || !strcmp(op, "close-range")) {
    if (argc < 3) return 2;
    long rc = !strcmp(op, "syscall-close") ? syscall(SYS_close, fd) : close_range((unsigned)fd, (unsigned)fd, 0);
    if (rc < 0) return report_errno(out, op);
    int again = open(argv[2], O_RDONLY);
    char buf[256] = {0};
    ssize_t n = read(again, buf, sizeof buf - 1);
    fprintf(out, "same number: %s content: %s\n", again == fd ? "yes" : "no", n >= 0 ? buf : strerrorname_np(errno));
    close(again);
    return 0;
  }
  if (!strcmp(op, "close-range-all")) {
    if (close_range(3, ~0U, 0) < 0) return report_errno(out, "close_range");
    int again = open(path, O_RDONLY);
    char buf[256] = {0};
    ssize_t n = again >= 0 ? read(again, buf, sizeof buf - 1) : -1;
    fprintf(out, "after close_range: %s\n", n >= 0 ? buf : strerrorname_np(errno));
    return 0;
  }
  if (!strcmp(op, "close-twice")) {
    close(fd);
    int rc = close(fd);
    fprintf(out, "second close: %d %s\n", rc, rc < 0 ? strerrorname_np(errno) : "-");
    return 0;
  }
  if (!strcmp(op, "copy_file_range") || !strcmp(op, "sendfile")) {
    fflush(out);
    int target = out == stdout ? 1 : -1;
    char buf[4096];
    ssize_t n, total = 0;
    if (target < 0) { /* threads: copy into a pipe, then print it */
      int p[2];
      if (pipe(p) < 0) return report_errno(out, "pipe");
      while ((n = !strcmp(op, "sendfile") ? sendfile(p[1], fd, NULL, 4096) : copy_file_range(fd, NULL, p[1], NULL, 4096, 0)) > 0) total += n;
      close(p[1]);
      ssize_t got = read(p[0], buf, sizeof buf - 1);
      buf[got > 0 ? got : 0] = 0;
      fprintf(out, "%s", buf);
      close(p[0]);
    } else {
      while ((n = !strcmp(op, "sendfile") ? sendfile(1, fd, NULL, 4096) : copy_file_range(fd, NULL, 1, NULL, 4096, 0)) > 0) total += n;
    }
    if (n < 0 && total == 0 && (errno == EINVAL || errno == EXDEV || errno == ENOSYS)) {
      /* what cat does: the kernel cannot copy this pair (e.g. into a pipe), use read/write */
      fprintf(out, "fallback: %s\n", strerrorname_np(errno));
      fflush(out);
      while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (target >= 0) write(target, buf, (size_t)n);
        else fwrite(buf, 1, (size_t)n, out);
        total += n;
      }
    }
    if (n < 0) return report_errno(out, op);
    fprintf(out, "\ncopied: %zd\n", total);
    close(fd);
    return 0;
  }
  int copy;
  if (!strcmp(op, "dup")) copy = dup(fd);
  else if (!strcmp(op, "dup2")) copy = dup2(fd, 200 + (int)(gettid() % 500));
  else if (!strcmp(op, "dup3")) copy = dup3(fd, 200 + (int)(gettid() % 500), O_CLOEXEC);
  else if (!strcmp(op, "fcntl-dupfd")) copy = fcntl(fd, F_DUPFD, 50);
  else if (!strcmp(op, "fcntl-dupfd-cloexec")) copy = fcntl(fd, F_DUPFD_CLOEXEC, 50);
  else return 2;
  if (copy < 0) return report_errno(out, op);
  close(fd);
  char buf[256] = {0};
  ssize_t n = read(copy, buf, sizeof buf - 1);
  if (n < 0) return report_errno(out, "read");
  fprintf(out, "content: %s\n", buf);
  close(copy);
  return 0;
}
