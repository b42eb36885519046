/*
 * fchmod, fchown, futimens. Bypass: the fd is not a remote file. Remote: File Fchmod / Fchown /
 * Futimens (times NULL = "now"; UTIME_NOW / UTIME_OMIT nanosecond values pass through for the
 * agent). Errors: the agent's errno; EINVAL when the agent lacks the request.
 */
#include "hook.h"
#include "remote_file.h"

LAYER_EXPORT int fchmod(int fd, mode_t mode) {
  if (!is_remote_file(fd)) return REAL(fchmod)(fd, mode);
  int saved = guard_enter();
  int rc = remote_fchmod(fd, mode);
  guard_leave(saved);
  return (int)errno_result(rc);
}

LAYER_EXPORT int fchown(int fd, uid_t owner, gid_t group) {
  if (!is_remote_file(fd)) return REAL(fchown)(fd, owner, group);
  int saved = guard_enter();
  int rc = remote_fchown(fd, owner, group);
  guard_leave(saved);
  return (int)errno_result(rc);
}

LAYER_EXPORT int futimens(int fd, const struct timespec times[2]) {
  if (!is_remote_file(fd)) return REAL(futimens)(fd, times);
  int64_t pairs[2][2];
  if (times)
    for (int i = 0; i < 2; i++) {
      pairs[i][0] = times[i].tv_sec;
      pairs[i][1] = times[i].tv_nsec;
    }
  int saved = guard_enter();
  int rc = remote_futimens(fd, times ? (const int64_t (*)[2])pairs : NULL);
  guard_leave(saved);
  return (int)errno_result(rc);
}
