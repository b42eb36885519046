/*
 * Where a path-taking file operation goes (how-it-works.md §5.4): relative paths are resolved
 * against the working directory (or against a remote directory fd), fs.mapping is applied,
 * then the fs policy decides local / remote / not found.
 */
#ifndef LAYER_FS_ROUTE_H
#define LAYER_FS_ROUTE_H

#include <limits.h>
#include <stdint.h>

enum route { ROUTE_LOCAL, ROUTE_REMOTE, ROUTE_REMOTE_RELATIVE, ROUTE_NOT_FOUND };

struct routed_path {
  enum route route;
  /* ROUTE_REMOTE: the absolute (mapped) path to send; ROUTE_REMOTE_RELATIVE: the relative path;
     ROUTE_LOCAL: the path to give libc (the caller's own path unless fs.mapping rewrote it) */
  char path[PATH_MAX];
  uint64_t remote_dir_fd;   /* ROUTE_REMOTE_RELATIVE */
};

/**
 * Routes (dirfd, path). dirfd is AT_FDCWD for plain path calls. Always fills out->path; when the
 * layer's fs feature is off, the route is ROUTE_LOCAL with the caller's path.
 */
void fs_route(int dirfd, const char *path, int is_write, struct routed_path *out);

#endif
