/*
 * readdir, readdir64, readdir_r, readdir64_r. Bypass: DIR* not made by the layer. Remote: one
 * File ReadDir per entry; the entry lives in the stream (valid until the next call, as libc's).
 * End of directory: NULL with errno unchanged. Errors: the agent's errno (readdir: NULL + errno;
 * readdir_r: returned).
 */
#include <string.h>

#include "hook.h"
#include "remote_dir.h"

LAYER_EXPORT struct dirent *readdir(DIR *dir) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(readdir)(dir);
  int saved = guard_enter();
  int err;
  struct dirent *entry = remote_readdir(dir, &err);
  guard_leave(saved);
  if (!entry && err) errno = err;
  return entry;
}

LAYER_EXPORT struct dirent64 *readdir64(DIR *dir) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(readdir64)(dir);
  int saved = guard_enter();
  int err;
  struct dirent64 *entry = remote_readdir64(dir, &err);
  guard_leave(saved);
  if (!entry && err) errno = err;
  return entry;
}

LAYER_EXPORT int readdir_r(DIR *dir, struct dirent *entry, struct dirent **result) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(readdir_r)(dir, entry, result);
  int saved = guard_enter();
  int err;
  struct dirent *next = remote_readdir(dir, &err);
  guard_leave(saved);
  if (next) memcpy(entry, next, sizeof *entry);
  *result = next ? entry : NULL;
  return err;
}

LAYER_EXPORT int readdir64_r(DIR *dir, struct dirent64 *entry, struct dirent64 **result) {
  if (guard_active() || !remote_dir_owns(dir)) return REAL(readdir64_r)(dir, entry, result);
  int saved = guard_enter();
  int err;
  struct dirent64 *next = remote_readdir64(dir, &err);
  guard_leave(saved);
  if (next) memcpy(entry, next, sizeof *entry);
  *result = next ? entry : NULL;
  return err;
}
