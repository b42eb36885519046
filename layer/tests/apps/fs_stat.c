/*
 * Metadata and path queries.
 *   fs_stat OP PATH
 * OP: stat, stat64, lstat, lstat64, fstat, fstat64, fstatat, fstatat-empty (AT_EMPTY_PATH on an
 *     open fd), statx, xstat / lxstat / fxstat (glibc < 2.33 entry points, looked up by name),
 *     access, access-w, faccessat, statfs, fstatfs, statvfs, fstatvfs, realpath, realpath-alloc,
 *     readlink, readlinkat
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scenario.h"

static void print_stat(FILE *out, const struct stat *st) {
  fprintf(out, "mode: %o size: %lld nlink: %lu uid: %u mtime: %lld.%09ld\n", st->st_mode, (long long)st->st_size,
          (unsigned long)st->st_nlink, st->st_uid, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *path = argv[1];
  struct stat st;
  struct stat64 st64;
  int rc = 0;
  if (!strcmp(op, "stat")) rc = stat(path, &st);
  else if (!strcmp(op, "stat64")) rc = stat64(path, &st64), memcpy(&st, &st64, sizeof st);
  else if (!strcmp(op, "lstat")) rc = lstat(path, &st);
  else if (!strcmp(op, "lstat64")) rc = lstat64(path, &st64), memcpy(&st, &st64, sizeof st);
  else if (!strcmp(op, "fstatat")) rc = fstatat(AT_FDCWD, path, &st, 0);
  else if (!strcmp(op, "fstat") || !strcmp(op, "fstat64") || !strcmp(op, "fstatat-empty") || !strcmp(op, "fxstat") ||
           !strcmp(op, "fstatfs") || !strcmp(op, "fstatvfs")) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return report_errno(out, "open");
    if (!strcmp(op, "fstat")) rc = fstat(fd, &st);
    else if (!strcmp(op, "fstat64")) rc = fstat64(fd, &st64), memcpy(&st, &st64, sizeof st);
    else if (!strcmp(op, "fstatat-empty")) rc = fstatat(fd, "", &st, AT_EMPTY_PATH);
    else if (!strcmp(op, "fxstat")) {
      int (*fx)(int, int, struct stat *) = (int (*)(int, int, struct stat *))dlsym(RTLD_DEFAULT, "__fxstat");
      rc = fx ? fx(1, fd, &st) : -1;
    } else if (!strcmp(op, "fstatfs")) {
      struct statfs sf;
      rc = fstatfs(fd, &sf);
      if (rc == 0) fprintf(out, "type: %lx bsize: %ld blocks: %lu namelen: %ld\n", (long)sf.f_type, (long)sf.f_bsize,
                           (unsigned long)sf.f_blocks, (long)sf.f_namelen);
    } else {
      struct statvfs sv;
      rc = fstatvfs(fd, &sv);
      if (rc == 0) fprintf(out, "bsize: %lu blocks: %lu namemax: %lu\n", sv.f_bsize, (unsigned long)sv.f_blocks, sv.f_namemax);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    if (rc < 0) return report_errno(out, op);
    if (strcmp(op, "fstatfs") && strcmp(op, "fstatvfs")) print_stat(out, &st);
    return 0;
  } else if (!strcmp(op, "statx") || !strcmp(op, "syscall-statx")) {
    struct statx sx;
    rc = !strcmp(op, "statx") ? statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx)
                              : (int)syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx);
    if (rc == 0) {
      fprintf(out, "mode: %o size: %llu mtime: %lld.%09u\n", sx.stx_mode, (unsigned long long)sx.stx_size,
              (long long)sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);
      return 0;
    }
  } else if (!strcmp(op, "xstat") || !strcmp(op, "lxstat")) {
    int (*x)(int, const char *, struct stat *) =
        (int (*)(int, const char *, struct stat *))dlsym(RTLD_DEFAULT, !strcmp(op, "xstat") ? "__xstat" : "__lxstat");
    rc = x ? x(1, path, &st) : -1;
  } else if (!strcmp(op, "access") || !strcmp(op, "access-w") || !strcmp(op, "faccessat")) {
    rc = !strcmp(op, "faccessat") ? faccessat(AT_FDCWD, path, R_OK, 0) : access(path, !strcmp(op, "access") ? F_OK : W_OK);
    if (rc == 0) {
      fprintf(out, "accessible\n");
      return 0;
    }
  } else if (!strcmp(op, "statfs") || !strcmp(op, "statvfs")) {
    struct statfs sf;
    struct statvfs sv;
    rc = !strcmp(op, "statfs") ? statfs(path, &sf) : statvfs(path, &sv);
    if (rc == 0) {
      if (!strcmp(op, "statfs")) fprintf(out, "type: %lx bsize: %ld blocks: %lu\n", (long)sf.f_type, (long)sf.f_bsize, (unsigned long)sf.f_blocks);
      else fprintf(out, "bsize: %lu blocks: %lu\n", sv.f_bsize, (unsigned long)sv.f_blocks);
      return 0;
    }
  } else if (!strcmp(op, "realpath") || !strcmp(op, "realpath-alloc")) {
    char buf[PATH_MAX];
    char *r = realpath(path, !strcmp(op, "realpath") ? buf : NULL);
    if (!r) return report_errno(out, op);
    fprintf(out, "resolved: %s\n", r);
    if (r != buf) free(r);
    return 0;
  } else if (!strcmp(op, "readlink") || !strcmp(op, "readlinkat")) {
    char buf[256] = {0};
    ssize_t n = !strcmp(op, "readlink") ? readlink(path, buf, sizeof buf - 1) : readlinkat(AT_FDCWD, path, buf, sizeof buf - 1);
    if (n < 0) return report_errno(out, op);
    fprintf(out, "target: %s (%zd)\n", buf, n);
    return 0;
  } else {
    return 2;
  }
  if (rc < 0) return report_errno(out, op);
  print_stat(out, &st);
  return 0;
}
