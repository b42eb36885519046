/*
 * Shared shape of the hooks in src/hooks/: the exported symbol is thin; it calls straight to
 * libc (REAL) when the layer must not act (inside the layer, layer inactive, feature off,
 * unmanaged fd), otherwise it enters the guard, does the work, leaves the guard and returns
 * libc's convention. Helpers here convert "-errno" results.
 */
#ifndef LAYER_HOOK_H
#define LAYER_HOOK_H

#include <errno.h>

#include "fd_table.h"
#include "guard.h"
#include "layer.h"
#include "real.h"

#define LAYER_EXPORT __attribute__((visibility("default")))

/** Converts an internal result (>= 0 or -errno) to libc's -1/errno convention. */
static inline long errno_result(long rc) {
  if (rc < 0) {
    errno = (int)-rc;
    return -1;
  }
  return rc;
}

/** A remote file fd: managed by the layer (no init needed: a managed fd implies an active layer). */
static inline int is_remote_file(int fd) { return !guard_active() && fd_kind_of(fd) == FD_KIND_FILE; }

/** Path-based file hooks act only when the layer is active and the fs feature is on. */
static inline int fs_intercepts(void) { return layer_intercepts() && layer.fs_enabled; }

#endif
