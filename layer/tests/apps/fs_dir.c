/*
 * Lists a directory with one of the directory hooks (entries printed sorted, one per line).
 *   fs_dir OP PATH
 * OP: readdir, readdir64, readdir_r, fdopendir, scandir, scandir64, getdents64, rewinddir
 *     (lists twice), dirfd (prints whether dirfd() is a valid fd)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void print_sorted(FILE *out, char **names, int n) {
  qsort(names, (size_t)n, sizeof *names, cmp);
  for (int i = 0; i < n; i++) {
    fprintf(out, "entry: %s\n", names[i]);
    free(names[i]);
  }
}

static int list_stream(FILE *out, DIR *dir, const char *op) {
  char *names[512];
  int n = 0;
  errno = 0;
  if (!strcmp(op, "readdir64")) {
    struct dirent64 *e;
    while ((e = readdir64(dir)) && n < 512) names[n++] = strdup(e->d_name);
  } else if (!strcmp(op, "readdir_r")) {
    struct dirent entry, *result;
    while (readdir_r(dir, &entry, &result) == 0 && result && n < 512) names[n++] = strdup(entry.d_name);
  } else {
    struct dirent *e;
    while ((e = readdir(dir)) && n < 512) names[n++] = strdup(e->d_name);
  }
  if (errno) return report_errno(out, "readdir");
  print_sorted(out, names, n);
  return 0;
}

static int only_visible(const struct dirent *e) { return e->d_name[0] != '.'; }

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *path = argv[1];
  if (!strcmp(op, "scandir") || !strcmp(op, "scandir64")) {
    struct dirent **list;
    int n = scandir(path, &list, only_visible, alphasort);
    if (n < 0) return report_errno(out, op);
    for (int i = 0; i < n; i++) {
      fprintf(out, "entry: %s\n", list[i]->d_name);
      free(list[i]);
    }
    free(list);
    return 0;
  }
  if (!strcmp(op, "getdents64")) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return report_errno(out, "open");
    char buf[8192], *names[512];
    int n = 0;
    ssize_t got;
    while ((got = getdents64(fd, buf, sizeof buf)) > 0)
      for (ssize_t at = 0; at < got;) {
        struct dirent64 *e = (struct dirent64 *)(buf + at);
        if (n < 512) names[n++] = strdup(e->d_name);
        at += e->d_reclen;
      }
    if (got < 0) return report_errno(out, "getdents64");
    close(fd);
    print_sorted(out, names, n);
    return 0;
  }
  DIR *dir;
  if (!strcmp(op, "fdopendir")) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return report_errno(out, "open");
    dir = fdopendir(fd);
  } else {
    dir = opendir(path);
  }
  if (!dir) return report_errno(out, "opendir");
  if (!strcmp(op, "dirfd")) {
    int fd = dirfd(dir);
    fprintf(out, "dirfd valid: %s\n", fd >= 0 && fcntl(fd, F_GETFD) >= 0 ? "yes" : "no");
  }
  int rc = list_stream(out, dir, op);
  if (!rc && !strcmp(op, "rewinddir")) {
    rewinddir(dir);
    fprintf(out, "again\n");
    rc = list_stream(out, dir, op);
  }
  if (closedir(dir) < 0) return report_errno(out, "closedir");
  return rc;
}
