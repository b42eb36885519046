/* See fs_route.h. */
#include "fs_route.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd_table.h"
#include "fs_policy.h"
#include "layer.h"

static void copy_path(char *dst, const char *src) { snprintf(dst, PATH_MAX, "%s", src); }

void fs_route(int dirfd, const char *path, int is_write, struct routed_path *out) {
  out->route = ROUTE_LOCAL;
  copy_path(out->path, path);
  if (!layer.fs_enabled || !path || !*path) return;

  char absolute[PATH_MAX];
  if (path[0] != '/') {
    if (dirfd != AT_FDCWD) {
      struct file_record *dir = fd_file_get(dirfd);
      if (dir) {
        out->route = ROUTE_REMOTE_RELATIVE;
        out->remote_dir_fd = dir->remote_fd;
        fd_file_put(dir);
      }
      return; /* relative to a local directory fd: libc's business */
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return;
    const char *rel = path;
    while (rel[0] == '.' && rel[1] == '/') rel += 2;
    if (!strcmp(rel, ".")) rel = "";
    if (snprintf(absolute, sizeof absolute, "%s%s%s", cwd, strcmp(cwd, "/") && *rel ? "/" : "", rel) >= (int)sizeof absolute)
      return;
  } else {
    copy_path(absolute, path);
  }

  char *mapped = fs_policy_map(layer.fs, absolute);
  const char *decided = mapped ? mapped : absolute;
  switch (fs_policy_decide(layer.fs, decided, is_write)) {
    case FS_DECISION_REMOTE:
      out->route = ROUTE_REMOTE;
      copy_path(out->path, decided);
      break;
    case FS_DECISION_NOT_FOUND:
      out->route = ROUTE_NOT_FOUND;
      break;
    case FS_DECISION_LOCAL:
      if (mapped) copy_path(out->path, mapped);
      break;
  }
  free(mapped);
}
