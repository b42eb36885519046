/*
 * dup, dup2, dup3, fcntl, fcntl64 (F_DUPFD, F_DUPFD_CLOEXEC). Always libc first; on success the
 * new fd shares the old fd's record (remote file or tracked socket), and a managed fd that dup2
 * replaced is released. dup2/dup3 onto the layer's own intproxy connection move that
 * connection out of the way first.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "hook.h"
#include "intproxy_conn.h"

static void after_dup(int old_fd, int new_fd) {
  if (new_fd < 0) return;
  if (fd_kind_of(old_fd) == FD_KIND_NONE && fd_kind_of(new_fd) == FD_KIND_NONE) return;
  int saved_errno = errno;
  int saved = guard_enter();
  fd_table_dup(old_fd, new_fd);
  guard_leave(saved);
  errno = saved_errno;
}

static void protect_link(int new_fd) {
  if (!guard_active() && new_fd >= 0 && new_fd == conn_fd()) conn_relocate();
}

LAYER_EXPORT int dup(int fd) {
  int rc = REAL(dup)(fd);
  if (!guard_active()) after_dup(fd, rc);
  return rc;
}

LAYER_EXPORT int dup2(int old_fd, int new_fd) {
  if (old_fd != new_fd) protect_link(new_fd);
  int rc = REAL(dup2)(old_fd, new_fd);
  if (!guard_active() && rc >= 0) after_dup(old_fd, rc);
  return rc;
}

LAYER_EXPORT int dup3(int old_fd, int new_fd, int flags) {
  if (old_fd != new_fd) protect_link(new_fd);
  int rc = REAL(dup3)(old_fd, new_fd, flags);
  if (!guard_active() && rc >= 0) after_dup(old_fd, rc);
  return rc;
}

static int is_dup_cmd(int cmd) { return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC; }

LAYER_EXPORT int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  int rc = REAL(fcntl)(fd, cmd, arg);
  if (!guard_active() && is_dup_cmd(cmd)) after_dup(fd, rc);
  return rc;
}

LAYER_EXPORT int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  int rc = REAL(fcntl64) ? REAL(fcntl64)(fd, cmd, arg) : REAL(fcntl)(fd, cmd, arg);
  if (!guard_active() && is_dup_cmd(cmd)) after_dup(fd, rc);
  return rc;
}
