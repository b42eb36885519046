/*
 * Changes the file tree with one of the path hooks.
 *   fs_modify OP PATH [PATH2]
 * OP: mkdir, mkdirat, rmdir, unlink, unlinkat, unlinkat-dir (AT_REMOVEDIR), rename, renameat
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *path = argv[1], *path2 = argc > 2 ? argv[2] : "";
  int rc;
  if (!strcmp(op, "mkdir")) rc = mkdir(path, 0755);
  else if (!strcmp(op, "mkdirat")) rc = mkdirat(AT_FDCWD, path, 0755);
  else if (!strcmp(op, "rmdir")) rc = rmdir(path);
  else if (!strcmp(op, "unlink")) rc = unlink(path);
  else if (!strcmp(op, "unlinkat")) rc = unlinkat(AT_FDCWD, path, 0);
  else if (!strcmp(op, "unlinkat-dir")) rc = unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
  else if (!strcmp(op, "rename")) rc = rename(path, path2);
  else if (!strcmp(op, "renameat")) rc = renameat(AT_FDCWD, path, AT_FDCWD, path2);
  else return 2;
  if (rc < 0) return report_errno(out, op);
  fprintf(out, "%s: ok\n", op);
  return 0;
}
